/* The HTTP layer: libmicrohttpd behind a small API. Only src/http/ includes
 * microhttpd.h. Handlers see a request with declared parameters only, an arena
 * that lives for the request, and reply once. */
#ifndef SUOTDOI_HTTP_H
#define SUOTDOI_HTTP_H

#include <stddef.h>
#include <stdio.h>

#include "core/arena.h"
#include "core/buf.h"

typedef struct http_req http_req_t;
typedef struct http_server http_server_t;

enum http_method {
	HTTP_GET = 1, /* GET routes also answer HEAD (body dropped) */
	HTTP_POST = 2,
	HTTP_PUT = 4,
	HTTP_DELETE = 8,
	HTTP_PATCH = 16,
};

/* A handler returns 0 after it has replied (http_reply*), or an HTTP status
 * >= 400 without replying: the server then calls config.on_error. */
typedef int (*http_handler_fn)(http_req_t *req);

typedef struct http_route {
	unsigned method;     /* one enum http_method value */
	const char *pattern; /* "/units/:id": ":name" = one non-empty segment; a last "*name" = the
	                        rest */
	const char
	        *params; /* space-separated query/form parameter names accepted; others dropped */
	size_t max_body; /* body cap in bytes (413 beyond); 0 = no body accepted */
	const char *action; /* access-control action this route needs (checked by the app) */
	http_handler_fn handler;
} http_route_t;

/* Called to produce the error page for a status (404, 405, 413, 431, handler errors...).
 * message is a Vietnamese sentence or NULL. Must reply. For requests refused before routing
 * (400, 404, 405, 413, 431) http_req_route() is NULL and http_req_param() finds nothing;
 * headers already added with http_resp_header (e.g. Allow on a 405) go out with the page. */
typedef void (*http_error_fn)(http_req_t *req, int status, const char *message);

/* Called for every matched route before its handler (access check, sessions...).
 * Return 0 to continue, or a status >= 400 to stop (on_error is then called unless it replied).
 * If it replied itself (e.g. a redirect to the login page), the handler is skipped whatever
 * it returned. */
typedef int (*http_before_fn)(http_req_t *req, const http_route_t *route);

typedef struct http_config {
	const char *listen;       /* "127.0.0.1:8080"; port 0 = ephemeral (see http_server_port) */
	unsigned threads;         /* thread pool size; 0 = number of CPUs */
	unsigned conn_limit;      /* total connections; 0 = default */
	unsigned per_ip_limit;    /* connections per client IP; 0 = default */
	unsigned timeout_s;       /* idle connection timeout; 0 = default */
	size_t conn_memory_limit; /* MHD per-connection memory (headers + buffers); 0 = default */
	size_t max_header_bytes;  /* total request header bytes before 431; 0 = default */
	const char *static_dir;   /* files served under /static/ with ETag; NULL = none */
	const char *spool_dir;    /* request bodies over 1 MiB go to unlinked files here and are
	                           * mapped when complete (created if missing); NULL = memory */
	const http_route_t *routes;
	size_t nroutes;
	http_before_fn before;  /* may be NULL */
	http_error_fn on_error; /* may be NULL: a plain Vietnamese text page is sent */
	void *app;              /* returned by http_req_app() */
	/* Is the peer at this address a reverse proxy (nginx) whose X-Forwarded-For,
	 * X-Forwarded-Proto/-Host, X-Real-IP and X-Request-Id are believed? NULL: loopback
	 * only. From any other peer those headers are invisible (http_req_header gives NULL).
	 * Called on worker threads, concurrently. */
	int (*trusted_proxy)(void *app, const char *ip);
	/* http_serve: called on SIGHUP (reload the configuration); NULL: SIGHUP is ignored */
	void (*on_reload)(void *app);
	FILE *access_log; /* one line per request (core/log.h); NULL = the log */
	int quiet;        /* 1 = no access log at all (tests) */
	/* request counters for /metrics (http/stats.h) made over these routes; NULL = none;
	 * borrowed */
	struct http_stats *stats;
} http_config_t;

/* Start serving in background threads. *out owns the server; stop it with http_server_stop.
 * cfg is copied, but routes, app and access_log are borrowed and must outlive the server. */
int http_server_start(const http_config_t *cfg, http_server_t **out /* OUT */);
/* The bound port (useful with port 0). */
unsigned short http_server_port(const http_server_t *srv);
/* Stop accepting, let in-flight requests finish, free everything. */
void http_server_stop(http_server_t *srv);
/* Requests between their URI and their end (answered and completed, or dropped): 0 when the
 * server is idle. For tests and diagnostics. */
long http_server_inflight(http_server_t *srv);
/* Start, block until SIGINT or SIGTERM (SIGHUP meanwhile calls cfg->on_reload), then stop. 0 on a
 * clean stop, -1 if it could not start. The signals are blocked in the calling thread (inherited by
 * the server's threads) and taken with sigwait(): call it from main before starting other threads,
 * or block them there too. */
int http_serve(const http_config_t *cfg);

/* ---- request (pointers borrowed for the life of the request) ---- */
void *http_req_app(http_req_t *req);
arena_t *http_req_arena(http_req_t *req);
const http_route_t *http_req_route(http_req_t *req);
unsigned http_req_method(http_req_t *req);  /* enum http_method; HEAD reported as HTTP_GET */
const char *http_req_path(http_req_t *req); /* decoded path, valid UTF-8 */
/* The client: the TCP peer, or, from a trusted proxy, the address it names
 * (X-Forwarded-For's rightmost untrusted address, else X-Real-IP). */
const char *http_req_client_ip(http_req_t *req);
const char *http_req_peer_ip(http_req_t *req); /* the TCP peer, always */
/* The request id: a trusted proxy's X-Request-Id when it is a plain token of at most 64
 * characters, else one of ours (16 hex digits); sent back as X-Request-Id, written in the
 * access line and in every log line of the worker serving the request. */
const char *http_req_id(http_req_t *req);
/* Route parameter (":id") or declared query/form parameter; NULL when absent.
 * Values are percent-decoded and valid UTF-8 (invalid input is refused with 400 before).
 * Lookup order: route params, then the urlencoded form body, then the query string, so the
 * body wins over the query; a name repeated within one source: the first occurrence wins.
 * A multipart/form-data body counts as the form body through its non-file parts. */
const char *http_req_param(http_req_t *req, const char *name);
/* 1 if the Content-Type value ctype (NULL: none) is the media type mt, whatever its
 * parameters (case-insensitive). */
int http_media_type_is(const char *ctype, const char *mt);
const char *http_req_header(http_req_t *req,
                            const char *name); /* case-insensitive; NULL if absent */
const char *http_req_cookie(http_req_t *req, const char *name);
/* One part of a multipart/form-data body; strings and data live in the request arena /
 * point into the body. */
typedef struct http_part {
	const char *name;         /* the form field name (Content-Disposition name=) */
	const char *filename;     /* NULL when the part is not a file */
	const char *content_type; /* NULL when absent */
	const char *data;         /* the part's bytes (not NUL-terminated) */
	size_t len;
} http_part_t;
/* The first uploaded file part named name, or NULL. Valid for the request's life.
 * A part with an empty filename (a file input left empty: browsers send filename="") is no
 * upload and is skipped. File parts need not be declared in the route's params. */
const http_part_t *http_req_file(http_req_t *req, const char *name);
/* Raw body (any content type); NULL with *len = 0 when none. */
const char *http_req_body(http_req_t *req, size_t *len /* OUT */);
/* Run fn(arg) when the request is finished (reply sent, or the connection dropped),
 * the last registered first: for releasing what the request held. */
void http_req_defer(http_req_t *req, void (*fn)(void *arg), void *arg);
/* For a handler that hands its work to another thread (the writer): stops serving the
 * connection without replying (the worker thread goes on with other connections); the
 * handler returns what this returns. Once the other thread calls http_req_resume, cont
 * runs on a worker thread and replies, or returns an error status as a handler does.
 * Everything in the request (its arena, parameters, user) stays until then. Call it
 * before handing the work over: resume may come at once. */
int http_req_suspend(http_req_t *req, int (*cont)(http_req_t *req, void *arg), void *arg);
/* From any thread, once per http_req_suspend. */
void http_req_resume(http_req_t *req);
/* Per-request slot for the app (session, user...), lives with the request. */
void http_req_set_user(http_req_t *req, void *user);
void *http_req_user(http_req_t *req);

/* ---- response: exactly one reply per request ---- */
/* Adds a response header (before reply). name/value are copied. */
void http_resp_header(http_req_t *req, const char *name, const char *value);
/* Copies body. content_type e.g. "text/html; charset=utf-8". Returns 0. */
/* Tell the reply that its body will carry part->data verbatim, already compressed in part
 * (compress.h): a gzipped reply copies those bytes rather than deflating them again. The
 * struct is copied; the bytes it points to must live as long as the request (its arena).
 * Call before replying, once per part in the order the parts occur in the body. */
struct http_zpart;
void http_req_zpart(http_req_t *req, const struct http_zpart *part);
int http_reply(http_req_t *req, int status, const char *content_type, const char *body, size_t len);
/* Takes the buffer's memory (body is reset). Returns 0. */
int http_reply_buf(http_req_t *req, int status, const char *content_type, buf_t *body);
/* 303/302/301 with Location. Returns 0. */
int http_redirect(http_req_t *req, int status, const char *location);
/* 1 once a reply has been queued. */
int http_req_replied(http_req_t *req);

/* ---- pure helpers, exposed for tests and fuzzing ---- */
/* Percent-decode in place semantics: writes to out (capacity >= len+1); '+' -> ' ' when plus_space.
 * Returns decoded length, or -1 on malformed %XX or a NUL byte. */
long http_url_decode(const char *in, size_t len, char *out, int plus_space);
/* Match a route pattern against a path. Returns 1 and fills up to max names/values (borrowed/arena)
 * when it matches, 0 otherwise. */
int http_route_match(const char *pattern, const char *path, arena_t *a, const char **names,
                     const char **values, size_t max, size_t *n /* OUT */);

/* The helpers below were added with the server (src/http/url.c, router.c, static.c); they
 * are pure, own nothing beyond the arena they are given, and exist for tests and fuzzing. */

/* Strict path decoding: raw must start with '/'; malformed %XX, NUL, an encoded '/' (%2F),
 * control characters and invalid UTF-8 are refused. 0 with *out (in a), or -1 with *why
 * (a static Vietnamese phrase such as "đường dẫn có mã %XX sai"). */
int http_path_decode(const char *raw, size_t len, arena_t *a, const char **out /* OUT */,
                     const char **why /* OUT */);

/* One decoded name/value pair; both strings live in the arena that produced them. */
typedef struct http_kv {
	const char *name;
	const char *value;
} http_kv_t;

/* Split application/x-www-form-urlencoded text (a query string or a form body) into decoded
 * pairs in input order: '+' is a space, "k" alone has value "", empty names are skipped,
 * repeated names are all kept (the server then lets the first win). 0 with *out and *n in a, or
 * -1 on malformed %XX, NUL or invalid UTF-8, with *why naming the parameter (Vietnamese, in a). */
int http_form_parse(const char *s, size_t len, arena_t *a, http_kv_t **out /* OUT */,
                    size_t *n /* OUT */, const char **why /* OUT */);

/* Parse a multipart/form-data body (RFC 7578) with the boundary taken from the Content-Type
 * header value. 0 with *out and *n in a, or -1 with *why (a Vietnamese phrase, in a or static):
 * missing/invalid boundary (1-70 chars per RFC 2046), no closing delimiter, a part without
 * Content-Disposition: form-data; name=..., more than 64 parts, a header line over 1024
 * bytes. Quoted names with escaped quotes; filename*= may be ignored.
 * Also refused, like http_form_parse does for urlencoded bodies: a non-file part whose data
 * is not valid UTF-8 or holds a NUL (*why names the field), names and filenames that are not
 * valid UTF-8, control characters in part headers, a repeated Content-Disposition or
 * Content-Type in one part. Parts keep input order; preamble and epilogue are ignored; a
 * "\r\n--boundary" not followed by optional spaces and CRLF or "--" is part data (as in Go's
 * mime/multipart). Part headers must end with CRLF (no bare LF); a backslash in a quoted
 * parameter escapes only '"' and '\\' (browsers send Windows paths unescaped). */
int http_multipart_parse(const char *content_type, const char *body, size_t len, arena_t *a,
                         http_part_t **out /* OUT */, size_t *n /* OUT */,
                         const char **why /* OUT */);

/* Value of cookie name in a Cookie header ("a=1; b=2"); the first match wins, spaces and one
 * pair of double quotes around the value are removed; no percent-decoding (cookies are
 * opaque). Returns a copy in a, or NULL when absent. */
const char *http_cookie_get(const char *header, const char *name, arena_t *a);

/* Route table lookup used by the server. */
#define HTTP_MAX_ROUTE_PARAMS 8
typedef struct http_match {
	const http_route_t *route; /* first route (table order) matching method and path */
	unsigned allow;            /* when none matched: the methods of every route whose
	                              pattern matches the path (0 when one matched) */
	size_t n;                  /* captured route parameters (names/values in the arena) */
	const char *names[HTTP_MAX_ROUTE_PARAMS];
	const char *values[HTTP_MAX_ROUTE_PARAMS];
} http_match_t;
/* method is one enum http_method value (HEAD passed as HTTP_GET; 0 for any other method).
 * 0 when a route matched; -1 otherwise, and then m->allow == 0 means 404, else 405. */
int http_route_find(const http_route_t *routes, size_t nroutes, unsigned method, const char *path,
                    arena_t *a, http_match_t *m /* OUT */);

/* Static files (src/http/static.c). */
/* Content-Type for a file name by its extension, or NULL for types that are never served. */
const char *http_static_type(const char *name);
/* 1 if rel (decoded, the part after "/static/") is a safe relative path: no empty, ".", ".."
 * or hidden (".x") segments, no backslash, no leading '/'; else 0. */
int http_static_path_ok(const char *rel);
/* An open static file. The fd belongs to the caller (the server hands it to the response). */
typedef struct http_static_file {
	int fd;
	size_t size;
	const char *type; /* Content-Type */
	char etag[64];    /* strong validator with its quotes: size and mtime (ns) in hex */
} http_static_file_t;
/* Open root/rel (root already realpath()ed) when rel is safe, has a served type, resolves
 * inside root and is a regular file. 0 and *out, or -1 (not found / refused). */
int http_static_open(const char *root, const char *rel, http_static_file_t *out /* OUT */);
/* 1 if an If-None-Match header value matches etag ("*", or a list; weak comparison). */
int http_etag_match(const char *if_none_match, const char *etag);

#endif
