/* The HTTP server: libmicrohttpd (only this file includes microhttpd.h) behind http.h.
 * It owns per-request state, limits, routing, parameters, replies, static files,
 * /healthz, the access log and graceful shutdown.
 *
 * Threading: MHD_USE_EPOLL_INTERNAL_THREAD with a pool of cfg->threads workers (default:
 * one per CPU). Measured with wrk 4.1 on loopback, 2-CPU VM shared with wrk, GET /units/:id
 * answering ~1 KiB of HTML, 2 pool threads:
 *                                      epoll pool    thread per connection
 *   keep-alive, 16 connections          40.1k req/s   37.9k req/s
 *   keep-alive, 128 connections         42.0k req/s   37.7k req/s
 *   keep-alive, 512 connections         31.9k req/s   32.7k req/s
 *   Connection: close, 64 connections   11.1k req/s    6.0k req/s
 * The pool wins clearly (1.8x) when clients reconnect, as phones on flaky links do, and
 * stays level otherwise, with a fixed number of threads instead of one per connection.
 * MHD_USE_TURBO measured within noise (49.0k / 43.9k / 31.2k / 10.7k) and is documented
 * as "potentially unsafe", so it is off. A handler that blocks (SQLite, disk) stalls the
 * other connections of its worker, so servers doing real I/O want threads at 2-4x CPUs.
 *
 * Request life cycle with MHD: MHD closes a keep-alive connection when a response is queued
 * on the first callback of a request, so the first call only decides (limits, routing,
 * query); the body arrives in later calls; the reply is queued on the final call. The one
 * exception is a request refused while a body is still on the wire: it is answered at once
 * so MHD drops the body and closes the connection rather than reading it. */
#include "http/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/mem.h"
#include "http/compress.h"
#include "http/stats.h"
#include "http/strict.h"

/* Defaults, chosen for many old phones on slow mobile links talking to one small server:
 * - 64 KiB of MHD memory per connection: request headers, the read buffer, a 56-byte record
 *   per header field and per query parameter, and the response headers share it. MHD 0.9.75
 *   gives the read buffer half of it at once, so 32 KiB are left for the records and our
 *   reply: a request target within the promised limits (HTTP_URI_MAX, 8 KiB, and
 *   HTTP_QUERY_PARAMS_MAX, 256 parameters: 16 KiB of records) always fits, with its answer.
 *   Past them MHD would run out of memory parsing the query, and 0.9.75 then never answers
 *   (and loses the request: see on_uri). 2048 connections cost at most 128 MiB, touched only
 *   as far as each is used (MHD maps the pool lazily).
 * - 8 KiB of request headers: real browsers send 1-3 KiB; our own 431 (with security headers)
 *   fires well before MHD's pool runs out and MHD answers 431 by itself.
 * - 15 s idle timeout: a 2G/3G phone rarely stalls that long mid-request, while slowloris
 *   clients trickling headers lose their slot quickly.
 * - 128 connections per IP: offices and mobile carriers put many users behind one NAT
 *   address (browsers open ~6 connections each), so the cap only stops one host from
 *   taking every slot.
 * - 2048 connections in total, clamped to what RLIMIT_NOFILE allows. */
#define DEF_CONN_MEMORY ((size_t)64 * 1024)
#define DEF_MAX_HEADER ((size_t)8 * 1024)
/* A request body past 1 MiB is spooled to an unlinked file in cfg->spool_dir (req_body). */
#define SPOOL_AT ((size_t)1024 * 1024)
#define DEF_TIMEOUT_S 15u
#define DEF_PER_IP 128u
#define DEF_CONN_LIMIT 2048u
/* How long http_server_stop waits for in-flight requests before closing everything. */
#define STOP_GRACE_S 30
/* Bytes of an oversize chunked body read and thrown away so the client can still get its
 * 413 (MHD cannot answer while a body is arriving); beyond that the connection is cut. */
#define DISCARD_BUDGET ((size_t)64 * 1024)

static const struct {
	const char *name, *value;
	int document_only; /* has no effect on a style sheet, script, image or font */
} security_headers[] = {
        {"Content-Security-Policy",
         "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
         "frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
         1},
        {"X-Content-Type-Options", "nosniff", 0},
        {"Referrer-Policy", "same-origin", 0},
        {"X-Frame-Options", "DENY", 1},
};

#define TEXT_PLAIN "text/plain; charset=utf-8"

struct http_server {
	struct MHD_Daemon *d;
	http_config_t cfg;
	char *static_root; /* realpath of cfg.static_dir, or NULL */
	unsigned short port;
	size_t max_header;
	atomic_int stopping;
	pthread_mutex_t mu;
	pthread_cond_t idle;
	long inflight;  /* requests between the URI callback and completion; under mu */
	long suspended; /* of which suspended (http_req_suspend), not yet resumed; under mu */
	/* requests in a handler, a suspension or a continuation, not yet replied: only they
	 * can suspend; once stopping, no request enters (503); under mu */
	long handling;
	uint32_t id_prefix; /* request ids: a random prefix per server, then a count */
	atomic_uint_fast64_t id_next;
};

typedef struct resp_header {
	struct resp_header *next;
	const char *name;
	const char *value;
} resp_header_t;

enum req_kind { KIND_ROUTE, KIND_STATIC, KIND_HEALTH };

/* A TCP connection (MHD_OPTION_NOTIFY_CONNECTION's socket context): the request it is
 * serving, so that a request MHD drops without telling NOTIFY_COMPLETED (it does on some of
 * its own error paths) still ends when its connection closes: counted out of the in-flight
 * requests, its memory freed. */
struct conn_slot {
	http_req_t *req;
};

struct defer {
	void (*fn)(void *arg);
	void *arg;
	struct defer *next;
};

struct http_req {
	http_server_t *srv;
	struct MHD_Connection *conn;
	struct conn_slot *slot; /* its connection's, or NULL */
	int answered_early;     /* answered on the socket from on_uri (too big for MHD) */
	int uncounted;          /* already out of srv->inflight */
	arena_t arena;
	struct timespec t0;
	char ip[INET6_ADDRSTRLEN];   /* the client: the peer, or whom a trusted proxy names */
	char peer[INET6_ADDRSTRLEN]; /* the TCP peer */
	char id[65];                 /* request id: a trusted proxy's X-Request-Id, or ours */
	int via_proxy;               /* the peer is a trusted proxy: X-Forwarded-* believed */
	const char *raw_uri; /* copied when MHD reports it: MHD later rewrites its own copy */
	const char *method_name;
	unsigned method; /* enum http_method, 0 for anything else */
	int is_head;
	int started;
	enum req_kind kind;
	const char *path; /* decoded; NULL until validated */
	http_match_t match;
	const http_route_t *route;
	http_kv_t *query;
	size_t nquery;
	http_kv_t *params; /* route params, then declared form params, then declared query */
	size_t nparams;
	http_part_t *files; /* multipart parts with a filename, in body order */
	size_t nfiles;
	buf_t body;   /* in memory; or, once spooled and complete, the file's mapping */
	int spool_fd; /* >= 0: the body past SPOOL_AT goes to this unlinked file */
	size_t spool_len;
	void *map; /* the spooled body mapped read-only (body.data points here) */
	size_t map_len;
	int has_body;
	size_t body_cap;
	size_t body_seen;
	int reject_status; /* decided before the body; 0 = none */
	int strict;        /* refused by the strict checks (http/strict.h): answered at once */
	const char *reject_msg;
	resp_header_t *headers, **headers_tail;
	struct defer *defers; /* run when the request completes, newest first */
	/* a handler that handed its work to another thread: the connection is suspended
	 * until http_req_resume, then cont replies */
	int (*cont)(http_req_t *req, void *arg);
	void *cont_arg;
	int suspended;
	int handling; /* counted in srv->handling */
	void *user;
	int replied;
	int queued;
	int status;
	size_t resp_bytes;
	http_zpart_t *zparts; /* compressed-ahead parts of the body (arena), http_req_zpart */
	size_t nzparts, zcap;
};

/* ---------------------------------------------------------------- small helpers */

static unsigned
method_from_name(const char *m, int *is_head)
{
	*is_head = 0;
	if (strcmp(m, "GET") == 0)
		return HTTP_GET;
	if (strcmp(m, "HEAD") == 0) {
		*is_head = 1;
		return HTTP_GET;
	}
	if (strcmp(m, "POST") == 0)
		return HTTP_POST;
	if (strcmp(m, "PUT") == 0)
		return HTTP_PUT;
	if (strcmp(m, "DELETE") == 0)
		return HTTP_DELETE;
	if (strcmp(m, "PATCH") == 0)
		return HTTP_PATCH;
	return 0;
}

static const char *
allow_string(arena_t *a, unsigned mask)
{
	buf_t b = BUF_INIT;
	static const struct {
		unsigned m;
		const char *s;
	} names[] = {{HTTP_GET, "GET, HEAD"},
	             {HTTP_POST, "POST"},
	             {HTTP_PUT, "PUT"},
	             {HTTP_DELETE, "DELETE"},
	             {HTTP_PATCH, "PATCH"}};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (mask & names[i].m) {
			if (b.len)
				buf_puts(&b, ", ");
			buf_puts(&b, names[i].s);
		}
	}
	const char *s = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

static const char *
default_message(int status)
{
	switch (status) {
	case 400: return "Yêu cầu không hợp lệ.";
	case 401: return "Bạn cần đăng nhập để tiếp tục.";
	case 403: return "Bạn không có quyền thực hiện thao tác này.";
	case 404: return "Không tìm thấy trang bạn yêu cầu.";
	case 405: return "Phương thức không được hỗ trợ.";
	case 413: return "Dữ liệu gửi lên quá lớn.";
	case 431: return "Phần đầu yêu cầu quá lớn.";
	case 503: return "Máy chủ đang bận; vui lòng thử lại sau.";
	default:
		return status >= 500 ? "Lỗi máy chủ; vui lòng thử lại."
		                     : "Yêu cầu không thực hiện được.";
	}
}

/* 1 if name is one of the space-separated names in list. */
static int
declared(const char *list, const char *name)
{
	if (list == NULL)
		return 0;
	size_t n = strlen(name);
	const char *p = list;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *s = p;
		while (*p && *p != ' ')
			p++;
		if ((size_t)(p - s) == n && n > 0 && memcmp(s, name, n) == 0)
			return 1;
	}
	return 0;
}

static int
header_value_ok(const char *s)
{
	for (; *s; s++)
		if (*s == '\r' || *s == '\n')
			return 0;
	return 1;
}

/* ---------------------------------------------------------------- replies */

/* 1 for a static file's type that a browser never shows as a document (a style sheet, a
 * script, a raster image, a font, the manifest): the document-only headers (CSP,
 * X-Frame-Options) do nothing there and cost ~230 bytes per asset on a phone's first visit.
 * SVG, HTML, text and anything unknown keep them; so do routes (/sw.js's CSP binds the
 * worker). */
static int
not_a_document(const http_req_t *req, const char *ctype)
{
	static const char *const types[] = {
	        "text/css",   "text/javascript", "image/png", "image/jpeg",
	        "image/webp", "image/x-icon",    "font/",     "application/manifest+json"};
	if (req->kind != KIND_STATIC || ctype == NULL)
		return 0;
	for (size_t i = 0; i < sizeof types / sizeof *types; i++)
		if (strncmp(ctype, types[i], strlen(types[i])) == 0)
			return 1;
	return 0;
}

static void
send_response(http_req_t *req, int status, const char *ctype, struct MHD_Response *r, size_t bytes)
{
	if (r == NULL)
		mem_fatal("microhttpd could not create a response");
	int asset = not_a_document(req, ctype);
	for (size_t i = 0; i < sizeof security_headers / sizeof security_headers[0]; i++) {
		if (asset && security_headers[i].document_only)
			continue;
		/* A handler may set its own value (e.g. a stricter CSP); two CSP headers would
		 * both be enforced, so ours steps aside. */
		int overridden = 0;
		for (resp_header_t *h = req->headers; h; h = h->next)
			if (strcasecmp(h->name, security_headers[i].name) == 0)
				overridden = 1;
		if (!overridden)
			MHD_add_response_header(r, security_headers[i].name,
			                        security_headers[i].value);
	}
	for (resp_header_t *h = req->headers; h; h = h->next)
		if (MHD_add_response_header(r, h->name, h->value) != MHD_YES)
			log_warn("http: header %s refused by microhttpd", h->name);
	if (ctype != NULL)
		MHD_add_response_header(r, "Content-Type", ctype);
	MHD_add_response_header(r, "X-Request-Id", req->id);
	int closing = 0;
	for (resp_header_t *h = req->headers; h; h = h->next)
		closing |= strcasecmp(h->name, "Connection") == 0;
	if (atomic_load(&req->srv->stopping) && !closing)
		MHD_add_response_header(r, "Connection", "close");
	req->replied = 1;
	req->status = status;
	if (MHD_queue_response(req->conn, (unsigned)status, r) == MHD_YES) {
		req->queued = 1;
		req->resp_bytes = req->is_head ? 0 : bytes;
	} else {
		log_error("http: could not queue %d for %s", status, req->raw_uri);
	}
	MHD_destroy_response(r);
}

static int
status_ok(http_req_t *req, int *status)
{
	if (*status >= 100 && *status <= 599)
		return 1;
	log_error("http: invalid status %d for %s %s", *status, req->method_name, req->raw_uri);
	*status = 500;
	return 0;
}

/* The one place replies are compressed: a text type (http_compressible_type), a body of at
 * least HTTP_GZIP_MIN bytes, no Content-Encoding or Content-Range set by the handler, not a
 * 206, and a request whose Accept-Encoding allows gzip. HEAD is compressed like GET so its
 * Content-Length and headers are those of the GET. Every compressible reply says
 * Vary: Accept-Encoding, compressed or not, so caches keep the two apart.
 * Returns 1 with *gz filled (the caller sends it instead of the body), else 0. */
static int
maybe_gzip(http_req_t *req, int status, const char *ctype, const char *body, size_t len, buf_t *gz)
{
	if (!http_compressible_type(ctype) || status == 206 || status == 204 || status == 304)
		return 0;
	for (resp_header_t *h = req->headers; h; h = h->next)
		if (strcasecmp(h->name, "Content-Encoding") == 0 ||
		    strcasecmp(h->name, "Content-Range") == 0)
			return 0;
	http_resp_header(req, "Vary", "Accept-Encoding");
	if (body == NULL || len < HTTP_GZIP_MIN ||
	    !http_accepts_gzip(http_req_header(req, "Accept-Encoding")))
		return 0;
	if (http_gzip_parts(body, len, HTTP_GZIP_LEVEL, req->zparts, req->nzparts, gz) != 0 ||
	    gz->len >= len) {
		buf_free(gz);
		return 0;
	}
	http_resp_header(req, "Content-Encoding", "gzip");
	return 1;
}

void
http_req_zpart(http_req_t *req, const http_zpart_t *part)
{
	if (req->nzparts == req->zcap) {
		size_t cap = req->zcap ? req->zcap * 2 : 4;
		http_zpart_t *n = arena_alloc(&req->arena, cap * sizeof *n);
		if (req->nzparts)
			memcpy(n, req->zparts, req->nzparts * sizeof *n);
		req->zparts = n;
		req->zcap = cap;
	}
	req->zparts[req->nzparts++] = *part;
}

/* Sends gz (compressed by maybe_gzip) as the reply. */
static void
send_gzip(http_req_t *req, int status, const char *ctype, buf_t *gz)
{
	size_t n;
	char *data = buf_steal(gz, &n);
	struct MHD_Response *r = MHD_create_response_from_buffer(n, data, MHD_RESPMEM_MUST_FREE);
	if (r == NULL)
		free(data);
	send_response(req, status, ctype, r, n);
}

int
http_reply(http_req_t *req, int status, const char *content_type, const char *body, size_t len)
{
	if (req->replied) {
		log_error("http: second reply to %s %s ignored", req->method_name, req->raw_uri);
		return 0;
	}
	status_ok(req, &status);
	buf_t gz = BUF_INIT;
	if (maybe_gzip(req, status, content_type, body, len, &gz)) {
		send_gzip(req, status, content_type, &gz);
		return 0;
	}
	struct MHD_Response *r;
	if (len == 0 || body == NULL)
		r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	else
		r = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	send_response(req, status, content_type, r, body ? len : 0);
	return 0;
}

int
http_reply_buf(http_req_t *req, int status, const char *content_type, buf_t *body)
{
	size_t len;
	char *data = buf_steal(body, &len);
	if (req->replied) {
		free(data);
		log_error("http: second reply to %s %s ignored", req->method_name, req->raw_uri);
		return 0;
	}
	status_ok(req, &status);
	buf_t gz = BUF_INIT;
	if (maybe_gzip(req, status, content_type, data, len, &gz)) {
		free(data);
		send_gzip(req, status, content_type, &gz);
		return 0;
	}
	/* No copy: MHD takes the malloc()ed bytes and free()s them after sending. */
	struct MHD_Response *r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (r == NULL)
		free(data);
	send_response(req, status, content_type, r, len);
	return 0;
}

int
http_redirect(http_req_t *req, int status, const char *location)
{
	if (location == NULL || !header_value_ok(location)) {
		log_error("http: bad redirect location for %s", req->raw_uri);
		const char *m = default_message(500);
		return http_reply(req, 500, TEXT_PLAIN, m, strlen(m));
	}
	http_resp_header(req, "Location", location);
	return http_reply(req, status, NULL, NULL, 0);
}

void
http_resp_header(http_req_t *req, const char *name, const char *value)
{
	if (req->replied) {
		log_warn("http: header %s after the reply ignored", name);
		return;
	}
	if (name == NULL || value == NULL || name[0] == '\0' || !header_value_ok(name) ||
	    !header_value_ok(value) || strchr(name, ':') != NULL) {
		log_error("http: invalid response header refused");
		return;
	}
	resp_header_t *h = arena_alloc(&req->arena, sizeof *h);
	h->next = NULL;
	h->name = arena_strdup(&req->arena, name);
	h->value = arena_strdup(&req->arena, value);
	*req->headers_tail = h;
	req->headers_tail = &h->next;
}

void
http_req_defer(http_req_t *req, void (*fn)(void *arg), void *arg)
{
	struct defer *d = arena_alloc(&req->arena, sizeof *d);
	d->fn = fn;
	d->arg = arg;
	d->next = req->defers;
	req->defers = d;
}

int
http_req_replied(http_req_t *req)
{
	return req->replied;
}

/* The error path: the app's page when it has one, else plain Vietnamese text. */
static void
fail(http_req_t *req, int status, const char *msg)
{
	if (req->replied)
		return;
	http_error_fn on_error = req->srv->cfg.on_error;
	if (on_error != NULL) {
		on_error(req, status, msg);
		if (req->replied)
			return;
		log_error("http: on_error did not reply to %d", status);
	}
	const char *text = msg ? msg : default_message(status);
	http_reply(req, status, TEXT_PLAIN, text, strlen(text));
}

/* ---------------------------------------------------------------- request accessors */

void *
http_req_app(http_req_t *req)
{
	return req->srv->cfg.app;
}

arena_t *
http_req_arena(http_req_t *req)
{
	return &req->arena;
}

const http_route_t *
http_req_route(http_req_t *req)
{
	return req->route;
}

unsigned
http_req_method(http_req_t *req)
{
	return req->method;
}

const char *
http_req_path(http_req_t *req)
{
	return req->path ? req->path : "";
}

const char *
http_req_client_ip(http_req_t *req)
{
	return req->ip;
}

const char *
http_req_param(http_req_t *req, const char *name)
{
	if (name == NULL)
		return NULL;
	/* First wins: route params, then the form body, then the query (see req->params). */
	for (size_t i = 0; i < req->nparams; i++)
		if (strcmp(req->params[i].name, name) == 0)
			return req->params[i].value;
	return NULL;
}

/* Headers a reverse proxy sets about the client: believed only from a trusted proxy, so a
 * client cannot claim another address, or https, by sending them itself. */
static int
is_forwarding_header(const char *name)
{
	return strncasecmp(name, "X-Forwarded-", 12) == 0 || strcasecmp(name, "X-Real-IP") == 0 ||
	       strcasecmp(name, "Forwarded") == 0;
}

const char *
http_req_header(http_req_t *req, const char *name)
{
	if (name == NULL || (!req->via_proxy && is_forwarding_header(name)))
		return NULL;
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *
http_req_id(http_req_t *req)
{
	return req->id;
}

const char *
http_req_peer_ip(http_req_t *req)
{
	return req->peer;
}

const char *
http_req_cookie(http_req_t *req, const char *name)
{
	return http_cookie_get(http_req_header(req, "Cookie"), name, &req->arena);
}

const http_part_t *
http_req_file(http_req_t *req, const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < req->nfiles; i++)
		if (req->files[i].filename[0] != '\0' && strcmp(req->files[i].name, name) == 0)
			return &req->files[i];
	return NULL;
}

const char *
http_req_body(http_req_t *req, size_t *len)
{
	*len = req->body.len;
	return req->body.len ? req->body.data : NULL;
}

void
http_req_set_user(http_req_t *req, void *user)
{
	req->user = user;
}

void *
http_req_user(http_req_t *req)
{
	return req->user;
}

/* ---------------------------------------------------------------- request flow */

static void
reject(http_req_t *req, int status, const char *msg)
{
	if (req->reject_status == 0) {
		req->reject_status = status;
		req->reject_msg = msg;
	}
}

static const char *
bad_input(http_req_t *req, const char *why, const char *where)
{
	return arena_printf(&req->arena, "Địa chỉ hoặc tham số không hợp lệ: %s%s.", why, where);
}

int
http_media_type_is(const char *ctype, const char *mt)
{
	if (ctype == NULL)
		return 0;
	while (*ctype == ' ')
		ctype++;
	size_t n = strlen(mt);
	return strncasecmp(ctype, mt, n) == 0 &&
	       (ctype[n] == '\0' || ctype[n] == ';' || ctype[n] == ' ');
}

static int
is_form(const char *ctype)
{
	return http_media_type_is(ctype, "application/x-www-form-urlencoded");
}

static int
is_multipart(const char *ctype)
{
	return http_media_type_is(ctype, "multipart/form-data");
}

/* Content-Length as a number; -1 when absent or not plain digits. */
static long long
content_length(http_req_t *req)
{
	const char *s = http_req_header(req, "Content-Length");
	if (s == NULL || *s == '\0')
		return -1;
	long long v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (LLONG_MAX - 9) / 10)
			return LLONG_MAX;
		v = v * 10 + (*s - '0');
	}
	return v;
}

static size_t
header_bytes(http_req_t *req)
{
	const union MHD_ConnectionInfo *ci =
	        MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
	return ci ? ci->header_size : 0;
}

static const char *root_alias(const char *path);

/* ---------------------------------------------------------------- behind a reverse proxy */

static int
peer_trusted(http_server_t *srv, const char *ip)
{
	if (srv->cfg.trusted_proxy != NULL)
		return srv->cfg.trusted_proxy(srv->cfg.app, ip);
	return strcmp(ip, "127.0.0.1") == 0 || strcmp(ip, "::1") == 0;
}

/* An address as X-Forwarded-For / X-Real-IP carry it, normalised into out; -1 if it is not
 * one. */
static int
parse_ip(const char *s, size_t n, char out[INET6_ADDRSTRLEN])
{
	char tmp[INET6_ADDRSTRLEN];
	if (n == 0 || n >= sizeof tmp)
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	unsigned char bin[sizeof(struct in6_addr)];
	if (inet_pton(AF_INET, tmp, bin) == 1)
		return inet_ntop(AF_INET, bin, out, INET6_ADDRSTRLEN) ? 0 : -1;
	if (inet_pton(AF_INET6, tmp, bin) == 1)
		return inet_ntop(AF_INET6, bin, out, INET6_ADDRSTRLEN) ? 0 : -1;
	return -1;
}

/* A request from a trusted proxy: the client is the rightmost X-Forwarded-For address that
 * is not itself a trusted proxy (the ones left of it are whatever the client wrote), else
 * X-Real-IP; the proxy's X-Request-Id is kept when it is a plain token. */
static void
resolve_forwarded(http_req_t *req)
{
	http_server_t *srv = req->srv;
	req->via_proxy = peer_trusted(srv, req->peer);
	if (!req->via_proxy)
		return;
	const char *xff = http_req_header(req, "X-Forwarded-For");
	char ip[INET6_ADDRSTRLEN];
	int found = 0;
	if (xff != NULL) {
		size_t end = strlen(xff);
		while (end > 0) {
			size_t start = end;
			while (start > 0 && xff[start - 1] != ',')
				start--;
			size_t a = start, b = end;
			while (a < b && (xff[a] == ' ' || xff[a] == '\t'))
				a++;
			while (b > a && (xff[b - 1] == ' ' || xff[b - 1] == '\t'))
				b--;
			if (parse_ip(xff + a, b - a, ip) < 0)
				break; /* garbage: stop at the last address a trusted hop gave */
			found = 1;
			memcpy(req->ip, ip, sizeof ip);
			if (!peer_trusted(srv, ip))
				break;
			end = start > 0 ? start - 1 : 0;
		}
	}
	const char *real = found ? NULL : http_req_header(req, "X-Real-IP");
	if (real != NULL && parse_ip(real, strlen(real), ip) == 0)
		memcpy(req->ip, ip, sizeof ip);
	const char *rid = http_req_header(req, "X-Request-Id");
	size_t n = rid ? strlen(rid) : 0;
	int token = n > 0 && n < sizeof req->id;
	for (size_t i = 0; token && i < n; i++)
		token = (rid[i] >= '0' && rid[i] <= '9') || (rid[i] >= 'a' && rid[i] <= 'z') ||
		        (rid[i] >= 'A' && rid[i] <= 'Z') || rid[i] == '-' || rid[i] == '_' ||
		        rid[i] == '.';
	if (token)
		memcpy(req->id, rid, n + 1);
}

struct header_list {
	http_strict_hdr_t *h;
	size_t n, cap;
};

static enum MHD_Result
collect_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct header_list *l = cls;
	if (l->n < l->cap) {
		l->h[l->n].name = key ? key : "";
		l->h[l->n].value = value ? value : "";
		l->n++;
	}
	return MHD_YES;
}

/* The request line and header fields as http/strict.h wants them; a status (400, 414, 501) and
 * the Vietnamese reason in req->reject_* when refused, else 0. */
static int
strict_check(http_req_t *req, const char *version)
{
	const char *why;
	int st = http_strict_uri(req->raw_uri, strlen(req->raw_uri), &why);
	if (st != 0) {
		reject(req, st, why);
		return st;
	}
	int n = MHD_get_connection_values(req->conn, MHD_HEADER_KIND, NULL, NULL);
	struct header_list l = {NULL, 0, n > 0 ? (size_t)n : 0};
	l.h = arena_alloc(&req->arena, size_mul(l.cap ? l.cap : 1, sizeof *l.h));
	MHD_get_connection_values(req->conn, MHD_HEADER_KIND, collect_header, &l);
	/* MHD takes HTTP/1.0 and 1.x above it (as 1.1) */
	int http11 = version != NULL && strncmp(version, "HTTP/1.", 7) == 0 &&
	             strcmp(version, "HTTP/1.0") != 0;
	size_t bad;
	st = http_strict_headers(l.h, l.n, http11, &why, &bad);
	if (st == 0)
		return 0;
	/* name the field when its name can be shown as it is */
	const char *name = bad < l.n ? l.h[bad].name : NULL;
	for (const char *p = name; p && *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7F)
			name = NULL;
	reject(req, st,
	       name && *name ? arena_printf(&req->arena, "%s (tiêu đề “%s”)", why, name) : why);
	return st;
}

/* First call: everything that can be decided from the request line and headers. A request
 * the strict checks refuse is answered at once (the caller sees req->strict). */
static void
req_begin(http_req_t *req, const char *method, const char *version)
{
	http_server_t *srv = req->srv;
	req->method_name = arena_strdup(&req->arena, method ? method : "");
	req->method = method_from_name(req->method_name, &req->is_head);
	resolve_forwarded(req);
	long long clen = content_length(req);
	req->has_body = clen > 0 || http_req_header(req, "Transfer-Encoding") != NULL;

	/* Limits come first: nothing else looks at an oversize request. */
	if (header_bytes(req) > srv->max_header) {
		reject(req, 431, "Phần đầu yêu cầu quá lớn.");
		return;
	}
	/* Then HTTP itself: nothing is routed from a request two parties could read apart. */
	if (strict_check(req, version) != 0) {
		req->strict = 1;
		return;
	}

	const char *uri = req->raw_uri;
	const char *qmark = strchr(uri, '?');
	size_t plen = qmark ? (size_t)(qmark - uri) : strlen(uri);
	const char *why;
	if (http_path_decode(uri, plen, &req->arena, &req->path, &why) != 0) {
		reject(req, 400, bad_input(req, why, ""));
		return;
	}

	unsigned allow = 0;
	req->body_cap = 0;
	if (strcmp(req->path, "/healthz") == 0) {
		req->kind = KIND_HEALTH;
		allow = HTTP_GET;
	} else if (srv->static_root != NULL &&
	           (strncmp(req->path, "/static/", 8) == 0 || root_alias(req->path) != NULL)) {
		req->kind = KIND_STATIC;
		allow = HTTP_GET;
	} else {
		req->kind = KIND_ROUTE;
		if (http_route_find(srv->cfg.routes, srv->cfg.nroutes, req->method, req->path,
		                    &req->arena, &req->match) == 0) {
			req->route = req->match.route;
			req->body_cap = req->route->max_body;
		} else {
			allow = req->match.allow;
			if (allow == 0) {
				reject(req, 404, NULL);
				return;
			}
		}
	}
	if (req->kind == KIND_ROUTE ? req->route == NULL : req->method != HTTP_GET) {
		http_resp_header(req, "Allow", allow_string(&req->arena, allow));
		reject(req, 405, NULL);
		return;
	}

	if (clen > 0 && (unsigned long long)clen > req->body_cap) {
		reject(req, 413,
		       arena_printf(&req->arena, "Dữ liệu gửi lên quá lớn (tối đa %zu byte).",
		                    req->body_cap));
		return;
	}
	/* Reserve what the client announced, but not so much that idle announcers pin memory. */
	if (clen > 0)
		buf_reserve(&req->body, (size_t)clen < 65536 ? (size_t)clen : 65536);

	if (qmark != NULL) {
		if (http_form_parse(qmark + 1, strlen(qmark + 1), &req->arena, &req->query,
		                    &req->nquery, &why) != 0) {
			reject(req, 400, bad_input(req, why, " (chuỗi truy vấn)"));
			return;
		}
	}
}

/* A piece of the body. Returns -1 to drop the connection. */
/* Forget the body received so far (a refused request reads on to its end). */
static void
body_drop(http_req_t *req)
{
	buf_free(&req->body);
	if (req->spool_fd >= 0) {
		close(req->spool_fd);
		req->spool_fd = -1;
	}
}

static const char spool_failed[] = "Máy chủ không lưu tạm được dữ liệu gửi lên; hãy thử lại "
                                   "sau ít phút.";

/* Append to the spool file; 0, or -1 after refusing the request (disk full, I/O error). */
static int
spool_write(http_req_t *req, const char *data, size_t n)
{
	while (n > 0) {
		ssize_t w = write(req->spool_fd, data, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			log_error("http: spooling a request body: %s", strerror(errno));
			body_drop(req);
			reject(req, 503, spool_failed);
			return -1;
		}
		data += w;
		n -= (size_t)w;
		req->spool_len += (size_t)w;
	}
	return 0;
}

/* An unlinked file in the spool directory (created if missing); -1 when none can be made
 * (the body then stays in memory, as without a spool directory). */
static int
spool_open(const char *dir)
{
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0 && errno == ENOENT && mkdir(dir, 0700) == 0)
		fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) { /* a file system without O_TMPFILE: a named file, unlinked at once */
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%s/body-XXXXXX", dir);
		fd = mkostemp(path, O_CLOEXEC);
		if (fd >= 0)
			unlink(path);
	}
	return fd;
}

static int
req_body(http_req_t *req, const char *data, size_t n)
{
	req->body_seen = size_add(req->body_seen, n);
	if (req->reject_status != 0) {
		body_drop(req);
		return req->body_seen > size_add(req->body_cap, DISCARD_BUDGET) ? -1 : 0;
	}
	if (req->body_seen > req->body_cap) {
		reject(req, 413,
		       arena_printf(&req->arena, "Dữ liệu gửi lên quá lớn (tối đa %zu byte).",
		                    req->body_cap));
		body_drop(req);
		return 0;
	}
	if (req->spool_fd >= 0)
		return spool_write(req, data, n), 0;
	buf_append(&req->body, data, n);
	/* A large body (a contest's video, a registry file) would pin its size in memory for
	 * as long as the request lives; past SPOOL_AT it goes to disk and is mapped when
	 * complete: the page cache holds it, and gives it back under pressure. */
	const char *dir = req->srv->cfg.spool_dir;
	if (req->body.len > SPOOL_AT && dir != NULL) {
		int fd = spool_open(dir);
		if (fd < 0) {
			log_error("http: no spool file in %s (%s): the body stays in memory", dir,
			          strerror(errno));
			return 0;
		}
		req->spool_fd = fd;
		buf_t held = req->body;
		req->body = (buf_t)BUF_INIT;
		spool_write(req, held.data, held.len);
		buf_free(&held);
	}
	return 0;
}

/* The spooled body, complete, mapped read-only with a NUL after it (as buf_t keeps one):
 * req->body then points into the mapping. 0, or -1 after refusing the request. */
static int
spool_map(http_req_t *req)
{
	if (spool_write(req, "", 1) < 0)
		return -1;
	void *m = mmap(NULL, req->spool_len, PROT_READ, MAP_PRIVATE, req->spool_fd, 0);
	close(req->spool_fd);
	req->spool_fd = -1;
	if (m == MAP_FAILED) {
		log_error("http: mapping a spooled body: %s", strerror(errno));
		reject(req, 503, spool_failed);
		return -1;
	}
	req->map = m;
	req->map_len = req->spool_len;
	req->body = (buf_t){m, req->spool_len - 1, 0};
	return 0;
}

static void
serve_static_file(http_req_t *req, const char *rel)
{
	http_server_t *srv = req->srv;
	http_static_file_t f;
	if (http_static_open(srv->static_root, rel, &f) != 0) {
		fail(req, 404, NULL);
		return;
	}
	/* too big for the cache: no content hash, so never immutable */
	http_resp_header(req, "ETag", f.etag);
	http_resp_header(req, "Cache-Control", "public, max-age=3600");
	if (http_etag_match(http_req_header(req, "If-None-Match"), f.etag)) {
		close(f.fd);
		http_reply(req, 304, NULL, NULL, 0);
		return;
	}
	struct MHD_Response *r = MHD_create_response_from_fd(f.size, f.fd);
	if (r == NULL) {
		close(f.fd);
		fail(req, 500, NULL);
		return;
	}
	send_response(req, 200, f.type, r, f.size);
}

/* Two files browsers look for at the root, served from the static directory. */
static const char *
root_alias(const char *path)
{
	if (strcmp(path, "/favicon.ico") == 0)
		return "favicon.ico";
	if (strcmp(path, "/manifest.webmanifest") == 0)
		return "manifest.webmanifest";
	return NULL;
}

/* Static files come from the asset cache (compress.c): read and gzipped once, with a strong
 * ETag from the content hash ("<hash>" for the bytes, "<hash>-gz" for their gzip: two
 * representations, two validators). A URL whose "?v=" is the file's current hash (the layout
 * writes those, http_static_url) is cached for a year as immutable: the next version gets
 * another URL. Plain URLs, and stale "?v=" values, revalidate hourly. Files over 1 MiB are
 * sent from disk with the size/mtime ETag. */
static void
serve_static(http_req_t *req)
{
	http_server_t *srv = req->srv;
	const char *rel = root_alias(req->path);
	if (rel == NULL)
		rel = req->path + 8;
	const char *v = NULL;
	for (size_t i = 0; i < req->nquery; i++)
		if (strcmp(req->query[i].name, "v") == 0 && req->query[i].value[0] != '\0')
			v = req->query[i].value;
	int gzip = http_accepts_gzip(http_req_header(req, "Accept-Encoding"));
	const char *inm = http_req_header(req, "If-None-Match");
	http_asset_t a;
	int rc = http_asset_load(srv->static_root, rel,
	                         inm    ? HTTP_ASSET_HASH
	                         : gzip ? HTTP_ASSET_GZIP
	                                : HTTP_ASSET_IDENTITY,
	                         &a);
	if (rc == -1) {
		fail(req, 404, NULL);
		return;
	}
	if (rc == -2) {
		serve_static_file(req, rel);
		return;
	}
	int compressible = http_compressible_type(a.type);
	char etag[40], etag_gz[40];
	snprintf(etag, sizeof etag, "\"%s\"", a.hash);
	snprintf(etag_gz, sizeof etag_gz, "\"%s-gz\"", a.hash);
	if (compressible)
		http_resp_header(req, "Vary", "Accept-Encoding");
	http_resp_header(req, "Cache-Control",
	                 v != NULL && strcmp(v, a.hash) == 0 ? "public, max-age=31536000, immutable"
	                                                     : "public, max-age=3600");
	if (inm != NULL) {
		/* either representation's validator means the client has this content */
		int hit = http_etag_match(inm, etag) || http_etag_match(inm, etag_gz);
		http_asset_free(&a);
		if (hit) {
			http_resp_header(req, "ETag", gzip && compressible ? etag_gz : etag);
			http_reply(req, 304, NULL, NULL, 0);
			return;
		}
		if (http_asset_load(srv->static_root, rel,
		                    gzip ? HTTP_ASSET_GZIP : HTTP_ASSET_IDENTITY, &a) != 0) {
			fail(req, 404, NULL);
			return;
		}
	}
	struct MHD_Response *r;
	size_t n;
	if (a.gz != NULL) {
		http_resp_header(req, "ETag", etag_gz);
		http_resp_header(req, "Content-Encoding", "gzip");
		n = a.gzlen;
		r = MHD_create_response_from_buffer(n, a.gz, MHD_RESPMEM_MUST_FREE);
		if (r != NULL)
			a.gz = NULL;
	} else {
		/* a file that does not compress has one representation whatever was asked */
		http_resp_header(req, "ETag",
		                 gzip && compressible && a.len >= HTTP_GZIP_MIN ? etag_gz : etag);
		n = a.len;
		r = MHD_create_response_from_buffer(n, a.data, MHD_RESPMEM_MUST_FREE);
		if (r != NULL)
			a.data = NULL;
	}
	http_asset_free(&a);
	send_response(req, 200, a.type, r, n);
}

/* Parameters the handler may see: route params, then declared form fields (the body wins
 * for POST), then declared query params; lookups take the first match. */
static int
collect_params(http_req_t *req)
{
	const http_route_t *route = req->route;
	http_kv_t *form = NULL;
	size_t nform = 0;
	const char *ctype = http_req_header(req, "Content-Type");
	if (req->body.len > 0 && is_form(ctype)) {
		const char *why;
		if (http_form_parse(req->body.data, req->body.len, &req->arena, &form, &nform,
		                    &why) != 0) {
			fail(req, 400, bad_input(req, why, " (dữ liệu biểu mẫu)"));
			return -1;
		}
	} else if (req->body.len > 0 && is_multipart(ctype)) {
		/* Text parts stand in for urlencoded fields (the parser has checked their UTF-8);
		 * parts and files point into req->body, which lives as long as the request. */
		http_part_t *parts;
		size_t nparts;
		const char *why;
		if (http_multipart_parse(ctype, req->body.data, req->body.len, &req->arena, &parts,
		                         &nparts, &why) != 0) {
			fail(req, 400, bad_input(req, why, " (dữ liệu biểu mẫu)"));
			return -1;
		}
		form = arena_alloc(&req->arena, size_mul(nparts ? nparts : 1, sizeof *form));
		req->files =
		        arena_alloc(&req->arena, size_mul(nparts ? nparts : 1, sizeof *req->files));
		for (size_t i = 0; i < nparts; i++) {
			if (parts[i].filename != NULL) {
				req->files[req->nfiles++] = parts[i];
				continue;
			}
			form[nform].name = parts[i].name;
			form[nform].value = arena_strndup(&req->arena, parts[i].data, parts[i].len);
			nform++;
		}
	}
	size_t cap = size_add(size_add(req->match.n, nform), req->nquery);
	req->params = arena_alloc(&req->arena, size_mul(cap ? cap : 1, sizeof *req->params));
	size_t n = 0;
	for (size_t i = 0; i < req->match.n; i++) {
		req->params[n].name = req->match.names[i];
		req->params[n].value = req->match.values[i];
		n++;
	}
	for (size_t i = 0; i < nform; i++)
		if (declared(route->params, form[i].name))
			req->params[n++] = form[i];
	for (size_t i = 0; i < req->nquery; i++)
		if (declared(route->params, req->query[i].name))
			req->params[n++] = req->query[i];
	req->nparams = n;
	return 0;
}

static void handled(http_req_t *req, int rc);

static void route_request(http_req_t *req);
static void handling_end(http_req_t *req);

/* Final call: the whole request is in. */
static void
req_finish(http_req_t *req)
{
	http_server_t *srv = req->srv;
	if (req->reject_status != 0) {
		fail(req, req->reject_status, req->reject_msg);
		return;
	}
	if (req->kind == KIND_HEALTH) {
		http_reply(req, 200, TEXT_PLAIN, "ok", 2);
		return;
	}
	if (req->kind == KIND_STATIC) {
		serve_static(req);
		return;
	}
	if (req->spool_fd >= 0 && spool_map(req) != 0) {
		fail(req, req->reject_status, req->reject_msg);
		return;
	}
	if (collect_params(req) != 0)
		return;
	/* Once stopping, no request enters a handler: it could suspend after the stop waited
	 * for the suspended ones, and MHD aborts when stopped with a connection suspended. */
	pthread_mutex_lock(&srv->mu);
	int refuse = atomic_load(&srv->stopping);
	if (!refuse) {
		srv->handling++;
		req->handling = 1;
	}
	pthread_mutex_unlock(&srv->mu);
	if (refuse) {
		fail(req, 503, "Máy chủ đang dừng để khởi động lại; hãy thử lại sau ít giây.");
		return;
	}
	route_request(req);
	handling_end(req);
}

/* The request leaves the handlers unless it is suspended (it comes back on resume). */
static void
handling_end(http_req_t *req)
{
	if (!req->handling || req->suspended)
		return;
	req->handling = 0;
	pthread_mutex_lock(&req->srv->mu);
	if (--req->srv->handling == 0)
		pthread_cond_broadcast(&req->srv->idle);
	pthread_mutex_unlock(&req->srv->mu);
}

/* The before hook (the guard), then the route's handler. */
static void
route_request(http_req_t *req)
{
	http_server_t *srv = req->srv;
	const http_route_t *route = req->route;
	if (srv->cfg.before != NULL) {
		int rc = srv->cfg.before(req, route);
		/* A before hook that replied (say, a redirect to the login page) has finished
		 * the request whatever it returned. */
		if (req->replied)
			return;
		if (rc != 0) {
			if (rc < 400 || rc > 599) {
				log_error("http: before hook returned %d for %s", rc,
				          route->pattern);
				rc = 500;
			}
			fail(req, rc, NULL);
			return;
		}
	}
	handled(req, route->handler(req));
}

/* What a handler (or its continuation) returned: it replied, it suspended the request,
 * or it returned the error status to answer with. */
static void
handled(http_req_t *req, int rc)
{
	if (req->replied || req->suspended)
		return;
	if (rc >= 400 && rc <= 599) {
		fail(req, rc, NULL);
		return;
	}
	log_error("http: handler for %s %s returned %d without replying", req->method_name,
	          req->route ? req->route->pattern : "?", rc);
	fail(req, 500, NULL);
}

int
http_req_suspend(http_req_t *req, int (*cont)(http_req_t *req, void *arg), void *arg)
{
	req->cont = cont;
	req->cont_arg = arg;
	req->suspended = 1;
	pthread_mutex_lock(&req->srv->mu);
	req->srv->suspended++;
	pthread_mutex_unlock(&req->srv->mu);
	MHD_suspend_connection(req->conn);
	return 0;
}

void
http_req_resume(http_req_t *req)
{
	MHD_resume_connection(req->conn);
}

/* The final call again, after http_req_resume: the continuation replies. */
static void
req_resumed(http_req_t *req)
{
	req->suspended = 0;
	pthread_mutex_lock(&req->srv->mu);
	if (--req->srv->suspended == 0)
		pthread_cond_broadcast(&req->srv->idle);
	pthread_mutex_unlock(&req->srv->mu);
	int (*cont)(http_req_t *, void *) = req->cont;
	req->cont = NULL;
	handled(req, cont(req, req->cont_arg));
	handling_end(req);
}

/* ---------------------------------------------------------------- MHD callbacks */

static void request_end(http_server_t *srv, http_req_t *req, enum MHD_RequestTerminationCode toe);

/* A request target too big for the connection's memory (http/strict.h), answered from
 * on_uri straight on the socket: right after this callback MHD 0.9.75 parses the query into
 * the connection's memory, and when that runs out it queues its 431 into a state machine
 * that never sends it, and drops the request without NOTIFY_COMPLETED. So the answer goes
 * out now (a few hundred bytes: the socket's buffer takes them), the socket's sending side
 * is shut (MHD's later attempt to answer fails and it closes the connection), and the
 * request is counted out of the in-flight ones at once: a stop never waits for it. Its
 * memory is freed when the connection closes (on_connection). */
static void
answer_early(http_req_t *req, int status, const char *reason, const char *msg)
{
	http_server_t *srv = req->srv;
	buf_t b = BUF_INIT;
	buf_printf(&b,
	           "HTTP/1.1 %d %s\r\nContent-Type: " TEXT_PLAIN "\r\nContent-Length: %zu\r\n"
	           "Connection: close\r\n",
	           status, reason, strlen(msg));
	for (size_t i = 0; i < sizeof security_headers / sizeof security_headers[0]; i++)
		buf_printf(&b, "%s: %s\r\n", security_headers[i].name, security_headers[i].value);
	buf_printf(&b, "X-Request-Id: %s\r\n\r\n%s", req->id, msg);
	const union MHD_ConnectionInfo *ci =
	        MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (ci != NULL) {
		size_t off = 0;
		while (off < b.len) {
			ssize_t w = send(ci->connect_fd, b.data + off, b.len - off,
			                 MSG_NOSIGNAL | MSG_DONTWAIT);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				break;
			off += (size_t)w;
		}
		shutdown(ci->connect_fd, SHUT_WR);
		req->resp_bytes = strlen(msg);
	}
	buf_free(&b);
	req->answered_early = 1;
	req->replied = 1;
	req->status = status;
	req->uncounted = 1;
	pthread_mutex_lock(&srv->mu);
	if (--srv->inflight == 0)
		pthread_cond_broadcast(&srv->idle);
	pthread_mutex_unlock(&srv->mu);
}

static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	http_server_t *srv = cls;
	http_req_t *req = xcalloc(1, sizeof *req);
	req->spool_fd = -1;
	req->srv = srv;
	req->conn = conn;
	req->headers_tail = &req->headers;
	clock_gettime(CLOCK_MONOTONIC, &req->t0);
	req->raw_uri = arena_strdup(&req->arena, uri ? uri : "");
	strcpy(req->ip, "-");
	const union MHD_ConnectionInfo *ci =
	        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci != NULL && ci->client_addr != NULL) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET,
			          &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
			          req->ip, sizeof req->ip);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6,
			          &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			          req->ip, sizeof req->ip);
	}
	memcpy(req->peer, req->ip, sizeof req->peer);
	snprintf(req->id, sizeof req->id, "%08x%08llx", (unsigned)srv->id_prefix,
	         (unsigned long long)(atomic_fetch_add(&srv->id_next, 1) & 0xFFFFFFFFull));
	pthread_mutex_lock(&srv->mu);
	srv->inflight++;
	pthread_mutex_unlock(&srv->mu);
	http_stats_begin(srv->cfg.stats);
	const union MHD_ConnectionInfo *sc =
	        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	if (sc != NULL && sc->socket_context != NULL) {
		req->slot = sc->socket_context;
		/* a request before it on this connection that MHD dropped without a word */
		if (req->slot->req != NULL)
			request_end(srv, req->slot->req, MHD_REQUEST_TERMINATED_WITH_ERROR);
		req->slot->req = req;
	}
	const char *why;
	if (http_strict_uri(req->raw_uri, strlen(req->raw_uri), &why) == 414)
		answer_early(req, 414, "URI Too Long", why);
	return req;
}

static enum MHD_Result request_step(http_req_t *req, const char *method, const char *version,
                                    const char *upload_data, size_t *upload_data_size);

/* Every call for a request: the worker's log lines carry its id while it works on it. */
static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
           const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	http_req_t *req = *con_cls;
	if (req == NULL) {
		/* The URI callback always runs first; this only keeps a surprise harmless. */
		req = on_uri(cls, url, conn);
		*con_cls = req;
	}
	log_set_request(req->id);
	enum MHD_Result rc = request_step(req, method, version, upload_data, upload_data_size);
	log_set_request(NULL);
	return rc;
}

static enum MHD_Result
request_step(http_req_t *req, const char *method, const char *version, const char *upload_data,
             size_t *upload_data_size)
{
	if (req->answered_early) /* on_uri answered on the socket: MHD closes the connection */
		return MHD_NO;
	if (!req->started) {
		req->started = 1;
		req_begin(req, method, version);
		if (req->strict) {
			/* Plain text, not the app's page, and the connection closed: whatever
			 * follows on it (a body, a request hidden in one) is never read. */
			http_resp_header(req, "Connection", "close");
			http_reply(req, req->reject_status, TEXT_PLAIN, req->reject_msg,
			           strlen(req->reject_msg));
			return req->queued ? MHD_YES : MHD_NO;
		}
		if (req->reject_status != 0 && req->has_body) {
			fail(req, req->reject_status, req->reject_msg);
			return req->queued ? MHD_YES : MHD_NO;
		}
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		int rc = req_body(req, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return rc == 0 ? MHD_YES : MHD_NO;
	}
	if (req->suspended) /* called again after http_req_resume */
		req_resumed(req);
	else if (!req->replied)
		req_finish(req);
	if (req->suspended)
		return MHD_YES;
	return req->queued ? MHD_YES : MHD_NO;
}

/* One structured line per request (core/log.h): method, the path only (queries may hold
 * search terms about people), the route it matched, status, bytes, time, client, request id
 * and how it ended when that was not normally. */
static void
access_log(http_server_t *srv, http_req_t *req, enum MHD_RequestTerminationCode toe, long long ns,
           int status)
{
	if (srv->cfg.quiet)
		return;
	long long us = ns / 1000;
	const char *src = req->path ? req->path : req->raw_uri;
	char path[256];
	size_t o = 0;
	for (const char *s = src; *s && *s != '?' && o < sizeof path - 1; s++)
		path[o++] = *s;
	path[o] = '\0';
	static const char *const toe_names[] = {NULL,       "error",      "timeout",
	                                        "shutdown", "read-error", "client-abort"};
	const char *end =
	        (unsigned)toe < sizeof toe_names / sizeof toe_names[0] ? toe_names[toe] : "unknown";
	char st[16], bytes[24], ms[32];
	snprintf(st, sizeof st, "%d", status);
	snprintf(bytes, sizeof bytes, "%zu", req->resp_bytes);
	snprintf(ms, sizeof ms, "%lld.%03lld", us / 1000, us % 1000);
	log_field_t f[] = {
	        {.key = "method", .value = req->method_name ? req->method_name : "-"},
	        {.key = "path", .value = path[0] ? path : "-"},
	        {.key = "route", .value = req->route ? req->route->pattern : NULL},
	        {.key = "status", .value = st, .num = 1},
	        {.key = "bytes", .value = bytes, .num = 1},
	        {.key = "ms", .value = ms, .num = 1},
	        {.key = "ip", .value = req->ip},
	        {.key = "peer", .value = strcmp(req->peer, req->ip) ? req->peer : NULL},
	        {.key = "req", .value = req->id},
	        {.key = "end", .value = end},
	};
	log_event(srv->cfg.access_log, LOG_INFO, "request", f, sizeof f / sizeof *f);
}

/* The request's counters for /metrics (http/stats.h): by route pattern, never by path. */
static void
stats_end(http_server_t *srv, http_req_t *req, long long ns, int status)
{
	if (srv->cfg.stats == NULL)
		return;
	enum http_stats_where where = req->kind == KIND_HEALTH   ? HTTP_STATS_HEALTH
	                              : req->kind == KIND_STATIC ? HTTP_STATS_STATIC
	                                                         : HTTP_STATS_ROUTE;
	http_stats_end(srv->cfg.stats, where, req->route, req->method_name, status,
	               ns > 0 ? (uint64_t)ns : 0);
}

/* The end of a request: counters, the access line, deferred work, memory. */
static void
request_end(http_server_t *srv, http_req_t *req, enum MHD_RequestTerminationCode toe)
{
	if (req->slot != NULL)
		req->slot->req = NULL;
	/* how long it took and what was answered: for the counters and the access line */
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long long ns = (long long)(t1.tv_sec - req->t0.tv_sec) * 1000000000LL +
	               (t1.tv_nsec - req->t0.tv_nsec);
	int status = req->status;
	if (status == 0) {
		const union MHD_ConnectionInfo *ci =
		        MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_HTTP_STATUS);
		if (ci != NULL)
			status = (int)ci->http_status;
	}
	stats_end(srv, req, ns, status);
	access_log(srv, req, toe, ns, status);
	for (struct defer *d = req->defers; d; d = d->next)
		d->fn(d->arg);
	int handling = req->handling; /* ended without a reply (the client went away) */
	if (req->map != NULL) {
		munmap(req->map, req->map_len);
		req->body = (buf_t)BUF_INIT;
	}
	body_drop(req);
	int counted = !req->uncounted;
	arena_free(&req->arena);
	free(req);
	pthread_mutex_lock(&srv->mu);
	if (counted && --srv->inflight == 0)
		pthread_cond_broadcast(&srv->idle);
	if (handling && --srv->handling == 0)
		pthread_cond_broadcast(&srv->idle);
	pthread_mutex_unlock(&srv->mu);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
             enum MHD_RequestTerminationCode toe)
{
	(void)conn;
	http_req_t *req = *con_cls;
	if (req == NULL)
		return;
	*con_cls = NULL;
	request_end(cls, req, toe);
}

/* A connection opens (its slot) or closes: a request MHD dropped without NOTIFY_COMPLETED
 * ends here (struct conn_slot). Both run on the connection's thread. */
static void
on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
              enum MHD_ConnectionNotificationCode code)
{
	(void)conn;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		*socket_context = xcalloc(1, sizeof(struct conn_slot));
		return;
	}
	struct conn_slot *slot = *socket_context;
	*socket_context = NULL;
	if (slot == NULL)
		return;
	if (slot->req != NULL) {
		if (!slot->req->answered_early)
			log_warn("http: %s dropped by microhttpd without an answer", slot->req->id);
		request_end(cls, slot->req, MHD_REQUEST_TERMINATED_WITH_ERROR);
	}
	free(slot);
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	size_t n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	log_warn("microhttpd: %s", msg);
}

/* ---------------------------------------------------------------- server life cycle */

static int
parse_listen(const char *listen, struct sockaddr_in *sa)
{
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	const char *colon = listen ? strrchr(listen, ':') : NULL;
	if (colon == NULL || colon - listen >= 64)
		return -1;
	char host[64];
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	const char *p = colon + 1;
	if (*p == '\0')
		return -1;
	unsigned long port = 0;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		port = port * 10 + (unsigned long)(*p - '0');
		if (port > 65535)
			return -1;
	}
	if (host[0] == '\0')
		sa->sin_addr.s_addr = htonl(INADDR_ANY);
	else if (strcmp(host, "localhost") == 0)
		sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return -1;
	sa->sin_port = htons((uint16_t)port);
	return 0;
}

/* Every connection is a file descriptor: keep the limit within RLIMIT_NOFILE (raising the
 * soft limit when the hard one allows) so accept() does not fail under load. */
static unsigned
clamp_conn_limit(unsigned want)
{
	const rlim_t reserve = 64; /* database, log, static files being sent, listen socket */
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return want;
	rlim_t need = (rlim_t)want + reserve;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		rlim_t target =
		        rl.rlim_max == RLIM_INFINITY || rl.rlim_max > need ? need : rl.rlim_max;
		struct rlimit nrl = {target, rl.rlim_max};
		if (setrlimit(RLIMIT_NOFILE, &nrl) == 0)
			rl.rlim_cur = target;
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need) {
		unsigned got = rl.rlim_cur > reserve + 16 ? (unsigned)(rl.rlim_cur - reserve) : 16;
		log_warn("http: connection limit lowered from %u to %u (RLIMIT_NOFILE)", want, got);
		return got;
	}
	return want;
}

int
http_server_start(const http_config_t *cfg, http_server_t **out)
{
	*out = NULL;
	struct sockaddr_in sa;
	const char *listen = cfg->listen ? cfg->listen : "127.0.0.1:8080";
	if (parse_listen(listen, &sa) != 0) {
		log_error("http: bad listen address \"%s\" (want IPv4 host:port)", listen);
		return -1;
	}
	http_server_t *srv = xcalloc(1, sizeof *srv);
	srv->cfg = *cfg;
	atomic_init(&srv->stopping, 0);
	uint32_t prefix = 0;
	if (getentropy(&prefix, sizeof prefix) != 0)
		prefix = (uint32_t)getpid() ^ (uint32_t)time(NULL);
	srv->id_prefix = prefix;
	atomic_init(&srv->id_next, 1);
	pthread_mutex_init(&srv->mu, NULL);
	pthread_cond_init(&srv->idle, NULL);
	if (cfg->static_dir != NULL) {
		srv->static_root = realpath(cfg->static_dir, NULL);
		if (srv->static_root == NULL) {
			log_error("http: static directory %s: %s", cfg->static_dir,
			          strerror(errno));
			goto fail;
		}
	}
	for (size_t i = 0; i < cfg->nroutes; i++) {
		const http_route_t *r = &cfg->routes[i];
		unsigned m = r->method;
		if (r->pattern == NULL || r->pattern[0] != '/' || r->handler == NULL || m == 0 ||
		    (m & (m - 1)) != 0 || m > HTTP_PATCH) {
			log_error("http: route %zu is invalid", i);
			goto fail;
		}
	}

	unsigned threads = cfg->threads;
	if (threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (unsigned)n : 1;
	}
	size_t memory = cfg->conn_memory_limit ? cfg->conn_memory_limit : DEF_CONN_MEMORY;
	srv->max_header = cfg->max_header_bytes ? cfg->max_header_bytes : DEF_MAX_HEADER;
	if (srv->max_header * 2 > memory)
		log_warn("http: max_header_bytes %zu is close to the connection memory %zu: "
		         "microhttpd may answer 431 itself, without the security headers",
		         srv->max_header, memory);
	unsigned conn_limit = clamp_conn_limit(cfg->conn_limit ? cfg->conn_limit : DEF_CONN_LIMIT);
	unsigned per_ip = cfg->per_ip_limit ? cfg->per_ip_limit : DEF_PER_IP;
	unsigned timeout = cfg->timeout_s ? cfg->timeout_s : DEF_TIMEOUT_S;

	/* See "Threading" at the top of this file. ITC is required by MHD_quiesce_daemon. */
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG |
	                 MHD_ALLOW_SUSPEND_RESUME;
	srv->d = MHD_start_daemon(
	        flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv,
	        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE, threads,
	        MHD_OPTION_CONNECTION_LIMIT, conn_limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_ip,
	        MHD_OPTION_CONNECTION_TIMEOUT, timeout, MHD_OPTION_CONNECTION_MEMORY_LIMIT, memory,
	        MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
	        srv, MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv, MHD_OPTION_END);
	if (srv->d == NULL) {
		log_error("http: could not listen on %s", listen);
		goto fail;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv->d, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = di ? di->port : ntohs(sa.sin_port);
	*out = srv;
	return 0;
fail:
	free(srv->static_root);
	pthread_cond_destroy(&srv->idle);
	pthread_mutex_destroy(&srv->mu);
	free(srv);
	return -1;
}

unsigned short
http_server_port(const http_server_t *srv)
{
	return srv->port;
}

long
http_server_inflight(http_server_t *srv)
{
	pthread_mutex_lock(&srv->mu);
	long n = srv->inflight;
	pthread_mutex_unlock(&srv->mu);
	return n;
}

void
http_server_stop(http_server_t *srv)
{
	if (srv == NULL)
		return;
	atomic_store(&srv->stopping, 1);
	MHD_socket ls = MHD_quiesce_daemon(srv->d);
	/* Refuse connections still waiting in the backlog now rather than at the end of the
	 * grace period; the descriptor itself is closed only after MHD_stop_daemon. */
	if (ls != MHD_INVALID_SOCKET)
		shutdown(ls, SHUT_RDWR);
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += STOP_GRACE_S;
	pthread_mutex_lock(&srv->mu);
	while (srv->inflight > 0)
		if (pthread_cond_timedwait(&srv->idle, &srv->mu, &deadline) == ETIMEDOUT)
			break;
	/* A suspended request is resumed by the thread doing its work (the writer), which
	 * then touches it: stopping MHD before would free it under that thread's feet (and
	 * MHD forbids stopping with connections suspended). Its work ends; wait for it. */
	if (srv->suspended > 0)
		log_warn("http: waiting for %ld suspended request(s) to be resumed",
		         srv->suspended);
	/* and for every request in a handler: it may still suspend (no new one enters) */
	while (srv->suspended > 0 || srv->handling > 0)
		pthread_cond_wait(&srv->idle, &srv->mu);
	long left = srv->inflight;
	pthread_mutex_unlock(&srv->mu);
	if (left > 0)
		log_warn("http: stopping with %ld request(s) still in flight", left);
	MHD_stop_daemon(srv->d);
	if (ls != MHD_INVALID_SOCKET)
		close(ls);
	free(srv->static_root);
	pthread_cond_destroy(&srv->idle);
	pthread_mutex_destroy(&srv->mu);
	free(srv);
}

int
http_serve(const http_config_t *cfg)
{
	/* Block the signals before MHD creates its threads (they inherit the mask), so only
	 * sigwait() below ever sees them. */
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	http_server_t *srv;
	if (http_server_start(cfg, &srv) != 0) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return -1;
	}
	log_info("http: listening on %s (port %u)", cfg->listen ? cfg->listen : "127.0.0.1:8080",
	         (unsigned)srv->port);
	int sig = 0;
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig != SIGHUP)
			break;
		if (cfg->on_reload != NULL)
			cfg->on_reload(cfg->app);
		else
			log_info("http: SIGHUP ignored (no configuration to reload)");
	}
	log_info("http: signal %d, stopping", sig);
	http_server_stop(srv);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return 0;
}
