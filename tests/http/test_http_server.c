/* Flow tests of the HTTP layer against a real server on 127.0.0.1 (ephemeral port), driven
 * by libcurl and raw sockets: routing, parameters, limits, errors, security headers,
 * static files, keep-alive, concurrency and graceful stop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "helper_client.h"
#include "http/http.h"

/* ---------------------------------------------------------------- test handlers */

static int
h_hello(http_req_t *req)
{
	return http_reply(req, 200, "text/plain; charset=utf-8", "hello", 5);
}

static int
h_unit(http_req_t *req)
{
	const char *id = http_req_param(req, "id");
	return http_reply(req, 200, "text/plain; charset=utf-8", id, strlen(id));
}

static int
h_echo(http_req_t *req)
{
	const char *a = http_req_param(req, "a");
	const char *b = http_req_param(req, "b");
	const char *c = http_req_param(req, "c");
	char *s = arena_printf(http_req_arena(req), "a=%s|b=%s|c=%s", a ? a : "-", b ? b : "-",
	                       c ? c : "-");
	return http_reply(req, 200, "text/plain; charset=utf-8", s, strlen(s));
}

static int
h_raw(http_req_t *req)
{
	size_t len;
	const char *body = http_req_body(req, &len);
	buf_t b = BUF_INIT;
	buf_printf(&b, "%zu:", len);
	buf_append(&b, body ? body : "", len);
	return http_reply_buf(req, 201, "application/json", &b);
}

static int
h_forbidden(http_req_t *req)
{
	(void)req;
	return 403;
}

static int
h_bug(http_req_t *req)
{
	(void)req;
	return 0;
}

static int
h_search(http_req_t *req)
{
	const char *q = http_req_param(req, "q");
	return http_reply(req, 200, "text/plain; charset=utf-8", q ? q : "-", q ? strlen(q) : 1);
}

static int
h_files(http_req_t *req)
{
	const char *rest = http_req_param(req, "rest");
	return http_reply(req, 200, "text/plain; charset=utf-8", rest, strlen(rest));
}

static int
h_cookie(http_req_t *req)
{
	const char *sid = http_req_cookie(req, "sid");
	http_resp_header(req, "Set-Cookie", "seen=1; Path=/; HttpOnly");
	return http_reply(req, 200, "text/plain; charset=utf-8", sid ? sid : "-",
	                  sid ? strlen(sid) : 1);
}

static int
h_redirect(http_req_t *req)
{
	return http_redirect(req, 303, "/hello");
}

static int
h_admin(http_req_t *req)
{
	return http_reply(req, 200, "text/plain; charset=utf-8", "admin", 5);
}

/* The slow handler tells the test it is running, then takes a while. */
static pthread_mutex_t slow_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t slow_cv = PTHREAD_COND_INITIALIZER;
static int slow_entered;

static int
h_slow(http_req_t *req)
{
	pthread_mutex_lock(&slow_mu);
	slow_entered = 1;
	pthread_cond_broadcast(&slow_cv);
	pthread_mutex_unlock(&slow_mu);
	usleep(300 * 1000);
	return http_reply(req, 200, "text/plain; charset=utf-8", "slow done", 9);
}

/* Echoes the declared text fields of a multipart form and what was uploaded as "photo". */
static int
h_upload(http_req_t *req)
{
	const char *csrf = http_req_param(req, "csrf");
	const char *title = http_req_param(req, "title");
	const char *note = http_req_param(req, "note");   /* sent but not declared */
	const char *photo = http_req_param(req, "photo"); /* a file is no parameter */
	const http_part_t *f = http_req_file(req, "photo");
	unsigned long sum = 0;
	for (size_t i = 0; f != NULL && i < f->len; i++)
		sum = sum * 31 + (unsigned char)f->data[i];
	char *s = arena_printf(http_req_arena(req),
	                       "csrf=%s|title=%s|note=%s|photo=%s|file=%s:%zu:%s:%lx",
	                       csrf ? csrf : "-", title ? title : "-", note ? note : "-",
	                       photo ? photo : "-", f ? f->filename : "-", f ? f->len : 0,
	                       f && f->content_type ? f->content_type : "-", sum);
	return http_reply(req, 200, "text/plain; charset=utf-8", s, strlen(s));
}

/* Anonymous memory of this process now, in KiB (/proc/self/status RssAnon); -1 unknown. */
static long
rss_anon_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		return -1;
	char line[256];
	long kb = -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "RssAnon: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* A large upload: the file part's length and checksum, and the process's anonymous memory
 * while the whole body is held for the handler. */
static int
h_big(http_req_t *req)
{
	const http_part_t *f = http_req_file(req, "video");
	unsigned long sum = 0;
	for (size_t i = 0; f != NULL && i < f->len; i++)
		sum = sum * 31 + (unsigned char)f->data[i];
	const char *title = http_req_param(req, "title");
	char *s = arena_printf(http_req_arena(req), "%zu:%lx:%s:%ld", f ? f->len : 0, sum,
	                       title ? title : "-", rss_anon_kb());
	return http_reply(req, 200, "text/plain; charset=utf-8", s, strlen(s));
}

static const http_route_t routes[] = {
        {HTTP_GET, "/hello", NULL, 0, NULL, h_hello},
        {HTTP_GET, "/units/:id", NULL, 0, NULL, h_unit},
        {HTTP_POST, "/echo", "a b", 1024, NULL, h_echo},
        {HTTP_POST, "/raw", NULL, 4096, NULL, h_raw},
        {HTTP_POST, "/nobody", NULL, 0, NULL, h_hello},
        {HTTP_PUT, "/units/:id", NULL, 0, NULL, h_unit},
        {HTTP_GET, "/forbidden", NULL, 0, NULL, h_forbidden},
        {HTTP_GET, "/bug", NULL, 0, NULL, h_bug},
        {HTTP_GET, "/search", "q", 0, NULL, h_search},
        {HTTP_GET, "/files/*rest", NULL, 0, NULL, h_files},
        {HTTP_GET, "/cookie", NULL, 0, NULL, h_cookie},
        {HTTP_GET, "/redirect", NULL, 0, NULL, h_redirect},
        {HTTP_GET, "/admin", NULL, 0, "admin", h_admin},
        {HTTP_GET, "/slow", NULL, 0, NULL, h_slow},
        {HTTP_POST, "/upload", "csrf title", 1024 * 1024, NULL, h_upload},
        {HTTP_POST, "/big", "title", 64 * 1024 * 1024, NULL, h_big},
};

static int before_calls;

static int
before(http_req_t *req, const http_route_t *route)
{
	(void)req;
	__atomic_add_fetch(&before_calls, 1, __ATOMIC_SEQ_CST);
	if (route->action != NULL && strcmp(route->action, "admin") == 0)
		return 403;
	return 0;
}

/* An app-style error page, used by the second server. */
static void
on_error(http_req_t *req, int status, const char *message)
{
	char *s = arena_printf(http_req_arena(req), "<p>Lỗi %d: %s</p>", status,
	                       message ? message : "");
	http_reply(req, status, "text/html; charset=utf-8", s, strlen(s));
}

/* ---------------------------------------------------------------- fixtures */

static char tmpdir[256];
static char static_dir[300];
static char spool_dir[300];

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
make_static_tree(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/suotdoi-http-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	snprintf(static_dir, sizeof static_dir, "%s/static", tmpdir);
	snprintf(spool_dir, sizeof spool_dir, "%s/spool", tmpdir); /* made by the server */
	assert_int_equal(mkdir(static_dir, 0755), 0);
	char p[400];
	snprintf(p, sizeof p, "%s/app.css", static_dir);
	write_file(p, "body{color:#123}\n");
	snprintf(p, sizeof p, "%s/pic.svg", static_dir);
	write_file(p, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n");
	snprintf(p, sizeof p, "%s/secret.txt", tmpdir);
	write_file(p, "do not serve\n");
	snprintf(p, sizeof p, "%s/.hidden.txt", static_dir);
	write_file(p, "hidden\n");
	snprintf(p, sizeof p, "%s/data.db", static_dir);
	write_file(p, "not a static type\n");
	char target[400];
	snprintf(target, sizeof target, "%s/secret.txt", tmpdir);
	snprintf(p, sizeof p, "%s/link.txt", static_dir);
	assert_int_equal(symlink(target, p), 0);
}

static void
remove_static_tree(void)
{
	const char *names[] = {"static/app.css", "static/pic.svg",  "static/.hidden.txt",
	                       "static/data.db", "static/link.txt", "secret.txt"};
	char p[400];
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", tmpdir, names[i]);
		unlink(p);
	}
	rmdir(static_dir);
	rmdir(spool_dir);
	rmdir(tmpdir);
}

static http_server_t *srv;  /* default error pages */
static http_server_t *srv2; /* app on_error */
static unsigned short port, port2;

static int
setup(void **state)
{
	(void)state;
	log_set_level(2);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	make_static_tree();
	http_config_t cfg = {0};
	cfg.listen = "127.0.0.1:0";
	cfg.threads = 4;
	cfg.max_header_bytes = 4096;
	cfg.static_dir = static_dir;
	cfg.spool_dir = spool_dir;
	cfg.routes = routes;
	cfg.nroutes = sizeof routes / sizeof routes[0];
	cfg.before = before;
	cfg.quiet = 1;
	if (http_server_start(&cfg, &srv) != 0)
		return -1;
	port = http_server_port(srv);
	cfg.on_error = on_error;
	if (http_server_start(&cfg, &srv2) != 0)
		return -1;
	port2 = http_server_port(srv2);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	http_server_stop(srv);
	http_server_stop(srv2);
	remove_static_tree();
	curl_global_cleanup();
	return 0;
}

static void
assert_security_headers(const hc_resp_t *r)
{
	char v[512];
	assert_non_null(hc_header(r, "Content-Security-Policy", v, sizeof v));
	assert_string_equal(v, "default-src 'self'; script-src 'self'; style-src 'self'; "
	                       "img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; "
	                       "form-action 'self'");
	assert_non_null(hc_header(r, "X-Content-Type-Options", v, sizeof v));
	assert_string_equal(v, "nosniff");
	assert_non_null(hc_header(r, "Referrer-Policy", v, sizeof v));
	assert_string_equal(v, "same-origin");
	assert_non_null(hc_header(r, "X-Frame-Options", v, sizeof v));
	assert_string_equal(v, "DENY");
}

/* A style sheet, script or raster image: nosniff and the referrer policy, without the
 * document-only headers (CSP, X-Frame-Options), which do nothing there. */
static void
assert_asset_headers(const hc_resp_t *r)
{
	char v[512];
	assert_null(hc_header(r, "Content-Security-Policy", v, sizeof v));
	assert_null(hc_header(r, "X-Frame-Options", v, sizeof v));
	assert_non_null(hc_header(r, "X-Content-Type-Options", v, sizeof v));
	assert_string_equal(v, "nosniff");
	assert_non_null(hc_header(r, "Referrer-Policy", v, sizeof v));
	assert_string_equal(v, "same-origin");
}

static void
expect(unsigned short p, const char *path, long status, const char *body)
{
	hc_resp_t r;
	assert_int_equal(hc_get(p, path, &r), 0);
	if (r.status != status)
		fprintf(stderr, "%s: got %ld, body: %s\n", path, r.status, buf_cstr(&r.body));
	assert_int_equal(r.status, status);
	if (body != NULL)
		assert_string_equal(buf_cstr(&r.body), body);
	assert_security_headers(&r);
	hc_resp_free(&r);
}

static long
post(const char *path, const char *body, const char *ctype, hc_resp_t *r)
{
	char h[200];
	snprintf(h, sizeof h, "Content-Type: %s", ctype);
	const char *hdrs[] = {h, NULL};
	hc_opts_t o = {.body = body, .body_len = strlen(body), .headers = hdrs};
	CURL *c = curl_easy_init();
	int rc = hc_request(c, port, path, &o, r);
	curl_easy_cleanup(c);
	assert_int_equal(rc, 0);
	return r->status;
}

/* ---------------------------------------------------------------- tests */

static void
test_hello_and_params(void **state)
{
	(void)state;
	expect(port, "/hello", 200, "hello");
	expect(port, "/units/42", 200, "42");
	expect(port, "/units/%C4%90a", 200, "Đa");
	expect(port, "/units/a+b", 200, "a+b"); /* '+' is only a space in queries and forms */
	expect(port, "/files/a/b/c.txt", 200, "a/b/c.txt");
	expect(port, "/search?q=Th%C3%A0nh+ph%E1%BB%91&q=second&x=1", 200, "Thành phố");
	expect(port, "/search?x=1", 200, "-");
}

static void
test_not_found_and_method(void **state)
{
	(void)state;
	expect(port, "/nope", 404, "Không tìm thấy trang bạn yêu cầu.");
	expect(port, "/units/", 404, NULL);
	expect(port, "/hello/", 404, NULL);

	hc_resp_t r;
	const char *hdrs[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
	hc_opts_t o = {.method = "DELETE", .headers = hdrs};
	CURL *c = curl_easy_init();
	assert_int_equal(hc_request(c, port, "/units/7", &o, &r), 0);
	assert_int_equal(r.status, 405);
	char v[200];
	assert_non_null(hc_header(&r, "Allow", v, sizeof v));
	assert_string_equal(v, "GET, HEAD, PUT");
	assert_string_equal(buf_cstr(&r.body), "Phương thức không được hỗ trợ.");
	assert_security_headers(&r);
	hc_resp_free(&r);

	hc_opts_t p = {.body = "a=1", .body_len = 3};
	assert_int_equal(hc_request(c, port, "/hello", &p, &r), 0);
	assert_int_equal(r.status, 405);
	assert_non_null(hc_header(&r, "Allow", v, sizeof v));
	assert_string_equal(v, "GET, HEAD");
	hc_resp_free(&r);

	hc_opts_t put = {.method = "PUT"};
	assert_int_equal(hc_request(c, port, "/units/9", &put, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(buf_cstr(&r.body), "9");
	hc_resp_free(&r);
	curl_easy_cleanup(c);
}

static void
test_head(void **state)
{
	(void)state;
	hc_resp_t r;
	hc_opts_t o = {.head = 1};
	CURL *c = curl_easy_init();
	assert_int_equal(hc_request(c, port, "/hello", &o, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, 0);
	char v[64];
	assert_non_null(hc_header(&r, "Content-Length", v, sizeof v));
	assert_string_equal(v, "5");
	assert_security_headers(&r);
	hc_resp_free(&r);
	curl_easy_cleanup(c);

	/* On the wire: no body bytes after the header block. */
	buf_t b = BUF_INIT;
	const char req[] = "HEAD /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	assert_int_equal(hc_raw(port, req, sizeof req - 1, &b), 200);
	const char *end = strstr(buf_cstr(&b), "\r\n\r\n");
	assert_non_null(end);
	assert_string_equal(end, "\r\n\r\n");
	buf_free(&b);
}

static void
test_form_and_declared_params(void **state)
{
	(void)state;
	hc_resp_t r;
	assert_int_equal(post("/echo", "a=%C4%91%E1%BB%95i+m%E1%BB%9Bi&c=3&b=2&a=second",
	                      "application/x-www-form-urlencoded", &r),
	                 200);
	assert_string_equal(buf_cstr(&r.body), "a=đổi mới|b=2|c=-");
	hc_resp_free(&r);
	/* The body wins over the query for POST; undeclared query params are dropped too. */
	assert_int_equal(post("/echo?a=fromquery&b=qb&c=qc", "a=frombody",
	                      "application/x-www-form-urlencoded; charset=UTF-8", &r),
	                 200);
	assert_string_equal(buf_cstr(&r.body), "a=frombody|b=qb|c=-");
	hc_resp_free(&r);
	/* Other content types stay raw. */
	assert_int_equal(post("/raw", "{\"a\":1}", "application/json", &r), 201);
	assert_string_equal(buf_cstr(&r.body), "7:{\"a\":1}");
	char v[64];
	assert_non_null(hc_header(&r, "Content-Type", v, sizeof v));
	assert_string_equal(v, "application/json");
	hc_resp_free(&r);
	/* Above 1 KiB curl sends "Expect: 100-continue": MHD's 100 comes after our first call. */
	char *json = malloc(3001);
	memset(json, 'j', 3000);
	json[3000] = '\0';
	assert_int_equal(post("/raw", json, "application/json", &r), 201);
	assert_int_equal(r.body.len, 3005);
	assert_memory_equal(r.body.data, "3000:jjj", 8);
	hc_resp_free(&r);
	free(json);
	assert_int_equal(post("/echo", "a=%zz", "application/x-www-form-urlencoded", &r), 400);
	assert_non_null(strstr(buf_cstr(&r.body), "không hợp lệ"));
	assert_non_null(strstr(buf_cstr(&r.body), "“a”"));
	assert_non_null(strstr(buf_cstr(&r.body), "dữ liệu biểu mẫu"));
	hc_resp_free(&r);
	assert_int_equal(post("/echo", "a=%C0%AF", "application/x-www-form-urlencoded", &r), 400);
	assert_non_null(strstr(buf_cstr(&r.body), "UTF-8"));
	hc_resp_free(&r);
}

static size_t
mime_on_body(char *p, size_t size, size_t n, void *ud)
{
	buf_append(ud, p, size * n);
	return size * n;
}

/* POST a curl_mime form to path as a browser form with enctype="multipart/form-data" does. */
static long
mime_post(CURL *c, const char *path, curl_mime *m, buf_t *body)
{
	char url[300];
	snprintf(url, sizeof url, "http://127.0.0.1:%u%s", (unsigned)port, path);
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_MIMEPOST, m);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, mime_on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	buf_reset(body);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	return status;
}

static void
mime_text(curl_mime *m, const char *name, const char *value)
{
	curl_mimepart *part = curl_mime_addpart(m);
	curl_mime_name(part, name);
	curl_mime_data(part, value, CURL_ZERO_TERMINATED);
}

static void
mime_file(curl_mime *m, const char *name, const char *filename, const char *type, const char *data,
          size_t len)
{
	curl_mimepart *part = curl_mime_addpart(m);
	curl_mime_name(part, name);
	curl_mime_data(part, data, len);
	curl_mime_filename(part, filename);
	curl_mime_type(part, type);
}

/* A 40 MB upload reaches the handler whole and byte for byte, without 40 MB of the server's
 * memory: past 1 MiB the body is spooled to an unlinked file and mapped (before, it grew in
 * a heap buffer for the request's life, so ten phones sending videos pinned a gigabyte). */
static void
test_large_body_spooled(void **state)
{
	(void)state;
	CURL *c = curl_easy_init();
	buf_t body = BUF_INIT;
	size_t flen = 40u << 20;
	char *file = malloc(flen);
	unsigned long sum = 0;
	for (size_t i = 0; i < flen; i++)
		file[i] = (char)(i * 13 + i / 4093);
	for (size_t i = 0; i < flen; i++)
		sum = sum * 31 + (unsigned char)file[i];
	curl_mime *m = curl_mime_init(c);
	mime_text(m, "title", "Video dự thi");
	mime_file(m, "video", "thi.mp4", "video/mp4", file, flen);
	long before = rss_anon_kb();
	assert_true(before > 0);
	assert_int_equal(mime_post(c, "/big", m, &body), 200);
	size_t got_len;
	unsigned long got_sum;
	char title[64];
	long during;
	assert_int_equal(
	        sscanf(buf_cstr(&body), "%zu:%lx:%63[^:]:%ld", &got_len, &got_sum, title, &during),
	        4);
	assert_int_equal(got_len, flen);
	assert_true(got_sum == sum);
	assert_string_equal(title, "Video dự thi");
	/* curl's copy of the form is this process's too: well under the 40 MB a held body adds */
	if (during - before > 16 * 1024)
		fail_msg("anonymous memory grew %ld KiB while the handler held a 40 MiB body",
		         during - before);
	/* the spool file was never named: nothing is left in the directory */
	DIR *d = opendir(spool_dir);
	assert_non_null(d);
	int names = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		names += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	assert_int_equal(names, 0);
	curl_mime_free(m);
	free(file);
	buf_free(&body);
	curl_easy_cleanup(c);
}

static void
test_multipart_upload(void **state)
{
	(void)state;
	CURL *c = curl_easy_init();
	buf_t body = BUF_INIT;
	/* A photo-sized binary file with CR, LF, NUL and delimiter look-alikes inside. */
	size_t flen = 200 * 1024;
	char *file = malloc(flen);
	unsigned long sum = 0;
	for (size_t i = 0; i < flen; i++) {
		file[i] = (char)(i * 7 + i / 251);
		if (i % 1000 == 0 && i + 6 < flen)
			memcpy(file + i, "\r\n--\r\n", 6);
	}
	for (size_t i = 0; i < flen; i++)
		sum = sum * 31 + (unsigned char)file[i];

	curl_mime *m = curl_mime_init(c);
	mime_text(m, "csrf", "tok123");
	mime_text(m, "title", "Cầu Bến Thủy sạt lở");
	mime_text(m, "note", "không khai báo");
	mime_text(m, "title", "second");
	mime_file(m, "photo", "ảnh hiện trường.jpg", "image/jpeg", file, flen);
	mime_file(m, "photo", "second.png", "image/png", "x", 1);
	assert_int_equal(mime_post(c, "/upload?title=fromquery&note=q", m, &body), 200);
	char *want = NULL;
	assert_true(asprintf(&want,
	                     "csrf=tok123|title=Cầu Bến Thủy sạt lở|note=-|photo=-|"
	                     "file=ảnh hiện trường.jpg:%zu:image/jpeg:%lx",
	                     flen, sum) > 0);
	assert_string_equal(buf_cstr(&body), want);
	free(want);
	curl_mime_free(m);

	/* Without a file: declared fields still arrive, the file is absent. */
	m = curl_mime_init(c);
	mime_text(m, "title", "chỉ chữ");
	assert_int_equal(mime_post(c, "/upload", m, &body), 200);
	assert_string_equal(buf_cstr(&body), "csrf=-|title=chỉ chữ|note=-|photo=-|file=-:0:-:0");
	curl_mime_free(m);

	/* Over the route's 1 MiB cap: refused from Content-Length before anything is buffered. */
	char *big = malloc(1100 * 1024);
	memset(big, 'b', 1100 * 1024);
	m = curl_mime_init(c);
	mime_text(m, "csrf", "tok");
	mime_file(m, "photo", "big.jpg", "image/jpeg", big, 1100 * 1024);
	assert_int_equal(mime_post(c, "/upload", m, &body), 413);
	assert_string_equal(buf_cstr(&body), "Dữ liệu gửi lên quá lớn (tối đa 1048576 byte).");
	curl_mime_free(m);
	free(big);
	curl_easy_cleanup(c);
	buf_free(&body);
	free(file);

	/* A browser's empty file input (filename="") is no upload. */
	hc_resp_t r;
	const char *empty =
	        "--b\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nt\r\n"
	        "--b\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"\"\r\n"
	        "Content-Type: application/octet-stream\r\n\r\n\r\n--b--\r\n";
	assert_int_equal(post("/upload", empty, "multipart/form-data; boundary=b", &r), 200);
	assert_string_equal(buf_cstr(&r.body), "csrf=-|title=t|note=-|photo=-|file=-:0:-:0");
	hc_resp_free(&r);

	/* Broken multipart bodies: 400 with the parser's reason. */
	assert_int_equal(post("/upload",
	                      "--b\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nt\r\n",
	                      "multipart/form-data; boundary=b", &r),
	                 400);
	assert_string_equal(buf_cstr(&r.body),
	                    "Địa chỉ hoặc tham số không hợp lệ: dữ liệu multipart "
	                    "thiếu ranh giới kết thúc (dữ liệu biểu mẫu).");
	assert_security_headers(&r);
	hc_resp_free(&r);
	assert_int_equal(post("/upload", "--b--", "multipart/form-data", &r), 400);
	assert_non_null(strstr(buf_cstr(&r.body), "boundary"));
	hc_resp_free(&r);
	assert_int_equal(post("/upload",
	                      "--b\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n"
	                      "\xC0\xAF\r\n--b--",
	                      "multipart/form-data; boundary=b", &r),
	                 400);
	assert_non_null(strstr(buf_cstr(&r.body), "“title” không phải UTF-8 hợp lệ"));
	hc_resp_free(&r);
}

static void
test_body_limits(void **state)
{
	(void)state;
	hc_resp_t r;
	char *big = malloc(2001);
	memset(big, 'x', 2000);
	big[0] = 'a';
	big[1] = '=';
	big[2000] = '\0';
	assert_int_equal(post("/echo", big, "application/x-www-form-urlencoded", &r), 413);
	assert_string_equal(buf_cstr(&r.body), "Dữ liệu gửi lên quá lớn (tối đa 1024 byte).");
	assert_security_headers(&r);
	hc_resp_free(&r);
	free(big);
	assert_int_equal(post("/nobody", "a=1", "application/x-www-form-urlencoded", &r), 413);
	assert_string_equal(buf_cstr(&r.body), "Dữ liệu gửi lên quá lớn (tối đa 0 byte).");
	hc_resp_free(&r);

	/* A GET with a body is refused too (GET routes take none). */
	const char *hdrs[] = {"Content-Type: text/plain", NULL};
	hc_opts_t o = {.method = "GET", .body = "abc", .body_len = 3, .headers = hdrs};
	CURL *c = curl_easy_init();
	assert_int_equal(hc_request(c, port, "/hello", &o, &r), 0);
	assert_int_equal(r.status, 413);
	hc_resp_free(&r);
	curl_easy_cleanup(c);

	/* Chunked: no Content-Length to judge by, so the size is counted as it arrives. */
	buf_t req = BUF_INIT;
	buf_puts(&req, "POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	               "Content-Type: application/x-www-form-urlencoded\r\n"
	               "Transfer-Encoding: chunked\r\n\r\n");
	for (int i = 0; i < 3; i++) {
		buf_puts(&req, "400\r\n");
		for (int k = 0; k < 0x400; k++)
			buf_putc(&req, 'b');
		buf_puts(&req, "\r\n");
	}
	buf_puts(&req, "0\r\n\r\n");
	buf_t reply = BUF_INIT;
	assert_int_equal(hc_raw(port, req.data, req.len, &reply), 413);
	buf_free(&reply);
	buf_reset(&req);
	buf_puts(&req, "POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	               "Content-Type: application/x-www-form-urlencoded\r\n"
	               "Transfer-Encoding: chunked\r\n\r\n3\r\na=1\r\n4\r\n&b=2\r\n0\r\n\r\n");
	assert_int_equal(hc_raw(port, req.data, req.len, &reply), 200);
	assert_non_null(strstr(buf_cstr(&reply), "a=1|b=2|c=-"));
	buf_free(&reply);
	buf_free(&req);
}

static void
test_header_limit(void **state)
{
	(void)state;
	/* Above max_header_bytes (4 KiB here) but within MHD's memory: our 431. */
	size_t n = 6000;
	char *h = malloc(n + 20);
	memcpy(h, "X-Big: ", 7);
	memset(h + 7, 'h', n);
	h[7 + n] = '\0';
	const char *hdrs[] = {h, NULL};
	hc_opts_t o = {.headers = hdrs};
	hc_resp_t r;
	CURL *c = curl_easy_init();
	assert_int_equal(hc_request(c, port, "/hello", &o, &r), 0);
	assert_int_equal(r.status, 431);
	assert_string_equal(buf_cstr(&r.body), "Phần đầu yêu cầu quá lớn.");
	assert_security_headers(&r);
	hc_resp_free(&r);
	curl_easy_cleanup(c);
	free(h);

	/* Beyond the connection memory: MHD answers 431 by itself. */
	buf_t req = BUF_INIT;
	buf_puts(&req, "GET /hello HTTP/1.1\r\nHost: x\r\nX-Huge: ");
	for (int i = 0; i < 100000; i++)
		buf_putc(&req, 'h');
	buf_puts(&req, "\r\nConnection: close\r\n\r\n");
	assert_int_equal(hc_raw(port, req.data, req.len, NULL), 431);
	buf_reset(&req);
	/* Many small headers add up the same way. */
	buf_puts(&req, "GET /hello HTTP/1.1\r\nHost: x\r\n");
	for (int i = 0; i < 200; i++)
		buf_printf(&req, "X-H%d: %040d\r\n", i, i);
	buf_puts(&req, "Connection: close\r\n\r\n");
	assert_int_equal(hc_raw(port, req.data, req.len, NULL), 431);
	buf_free(&req);
}

static void
test_bad_encoding(void **state)
{
	(void)state;
	const char *bad[] = {"/units/%zz",       "/units/%C0%AF", "/units/%00",
	                     "/units/%ED%A0%80", "/units/%C3",    "/units/%2F",
	                     "/units/a%0Ab",     "/units/%",      "/search?q=%zz",
	                     "/search?q=%C0%AF", "/search?q=%00", "/search?zz%=1",
	                     "/static/%zz.css"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		hc_resp_t r;
		assert_int_equal(hc_get(port, bad[i], &r), 0);
		if (r.status != 400)
			fprintf(stderr, "%s: %ld\n", bad[i], r.status);
		assert_int_equal(r.status, 400);
		assert_non_null(strstr(buf_cstr(&r.body), "Địa chỉ hoặc tham số không hợp lệ: "));
		assert_security_headers(&r);
		hc_resp_free(&r);
	}
	hc_resp_t r;
	assert_int_equal(hc_get(port, "/units/%C0%AF", &r), 0);
	assert_string_equal(
	        buf_cstr(&r.body),
	        "Địa chỉ hoặc tham số không hợp lệ: đường dẫn không phải UTF-8 hợp lệ.");
	hc_resp_free(&r);
	assert_int_equal(hc_get(port, "/units/%00", &r), 0);
	assert_non_null(strstr(buf_cstr(&r.body), "NUL"));
	hc_resp_free(&r);
	assert_int_equal(hc_get(port, "/search?q=%zz", &r), 0);
	assert_string_equal(buf_cstr(&r.body), "Địa chỉ hoặc tham số không hợp lệ: tham số “q” có "
	                                       "mã %XX sai (chuỗi truy vấn).");
	hc_resp_free(&r);
}

static void
test_handler_errors(void **state)
{
	(void)state;
	expect(port, "/forbidden", 403, "Bạn không có quyền thực hiện thao tác này.");
	expect(port, "/bug", 500, "Lỗi máy chủ; vui lòng thử lại.");
	expect(port, "/admin", 403, NULL); /* refused by the before hook */
	int calls = __atomic_load_n(&before_calls, __ATOMIC_SEQ_CST);
	expect(port, "/hello", 200, "hello");
	assert_int_equal(__atomic_load_n(&before_calls, __ATOMIC_SEQ_CST), calls + 1);
	expect(port, "/nope", 404, NULL); /* no route: the hook is not called */
	assert_int_equal(__atomic_load_n(&before_calls, __ATOMIC_SEQ_CST), calls + 1);

	/* The app's error page gets every status, including the layer's own. */
	expect(port2, "/nope", 404, "<p>Lỗi 404: </p>");
	expect(port2, "/forbidden", 403, "<p>Lỗi 403: </p>");
	expect(port2, "/units/%zz", 400,
	       "<p>Lỗi 400: Địa chỉ hoặc tham số không hợp lệ: đường dẫn có mã %XX sai.</p>");
	hc_resp_t r;
	const char *hdrs[] = {NULL};
	hc_opts_t o = {.method = "DELETE", .headers = hdrs};
	CURL *c = curl_easy_init();
	assert_int_equal(hc_request(c, port2, "/hello", &o, &r), 0);
	assert_int_equal(r.status, 405);
	char v[100];
	assert_non_null(hc_header(&r, "Allow", v, sizeof v));
	assert_string_equal(v, "GET, HEAD");
	assert_non_null(hc_header(&r, "Content-Type", v, sizeof v));
	assert_string_equal(v, "text/html; charset=utf-8");
	assert_security_headers(&r);
	hc_resp_free(&r);
	curl_easy_cleanup(c);
}

static void
test_cookie_redirect_buf(void **state)
{
	(void)state;
	const char *hdrs[] = {"Cookie: theme=dark; sid=\"abc123\"; other=1", NULL};
	hc_opts_t o = {.headers = hdrs};
	hc_resp_t r;
	CURL *c = curl_easy_init();
	assert_int_equal(hc_request(c, port, "/cookie", &o, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(buf_cstr(&r.body), "abc123");
	char v[200];
	assert_non_null(hc_header(&r, "Set-Cookie", v, sizeof v));
	assert_string_equal(v, "seen=1; Path=/; HttpOnly");
	hc_resp_free(&r);

	assert_int_equal(hc_request(c, port, "/redirect", NULL, &r), 0);
	assert_int_equal(r.status, 303);
	assert_non_null(hc_header(&r, "Location", v, sizeof v));
	assert_string_equal(v, "/hello");
	assert_security_headers(&r);
	hc_resp_free(&r);
	curl_easy_cleanup(c);
}

static void
test_static(void **state)
{
	(void)state;
	hc_resp_t r;
	assert_int_equal(hc_get(port, "/static/app.css", &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(buf_cstr(&r.body), "body{color:#123}\n");
	assert_asset_headers(&r);
	char etag[100], v[200];
	assert_non_null(hc_header(&r, "ETag", etag, sizeof etag));
	assert_true(etag[0] == '"');
	assert_non_null(hc_header(&r, "Content-Type", v, sizeof v));
	assert_string_equal(v, "text/css; charset=utf-8");
	assert_non_null(hc_header(&r, "Cache-Control", v, sizeof v));
	assert_string_equal(v, "public, max-age=3600");
	hc_resp_free(&r);

	char inm[200];
	snprintf(inm, sizeof inm, "If-None-Match: W/\"zzz\", %s", etag);
	const char *hdrs[] = {inm, NULL};
	hc_opts_t o = {.headers = hdrs};
	CURL *c = curl_easy_init();
	assert_int_equal(hc_request(c, port, "/static/app.css?v=abc", &o, &r), 0);
	assert_int_equal(r.status, 304);
	assert_int_equal(r.body.len, 0);
	assert_non_null(hc_header(&r, "ETag", v, sizeof v));
	assert_string_equal(v, etag);
	/* a "?v=" that is not the file's content hash (a page from before a deploy) is not
	 * promised for a year */
	assert_non_null(hc_header(&r, "Cache-Control", v, sizeof v));
	assert_string_equal(v, "public, max-age=3600");
	assert_security_headers(&r);
	hc_resp_free(&r);
	/* the strong ETag is the content hash, and "?v=<hash>" is cached as immutable */
	char hashed[200];
	snprintf(hashed, sizeof hashed, "/static/app.css?v=%.*s", (int)strlen(etag) - 2, etag + 1);
	assert_int_equal(hc_request(c, port, hashed, NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(buf_cstr(&r.body), "body{color:#123}\n");
	assert_non_null(hc_header(&r, "Cache-Control", v, sizeof v));
	assert_string_equal(v, "public, max-age=31536000, immutable");
	hc_resp_free(&r);

	/* an SVG is a document when opened by itself (it may hold script): it keeps them all */
	assert_int_equal(hc_request(c, port, "/static/pic.svg", NULL, &r), 0);
	assert_int_equal(r.status, 200);
	assert_security_headers(&r);
	hc_resp_free(&r);

	hc_opts_t head = {.head = 1};
	assert_int_equal(hc_request(c, port, "/static/app.css", &head, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, 0);
	assert_non_null(hc_header(&r, "Content-Length", v, sizeof v));
	assert_string_equal(v, "17");
	hc_resp_free(&r);

	const char *refused[] = {"/static/../CMakeLists.txt",
	                         "/static/../secret.txt",
	                         "/static/%2e%2e/secret.txt",
	                         "/static/%2E%2E/%2E%2E/CMakeLists.txt",
	                         "/static/..%2fsecret.txt",
	                         "/static/..%5csecret.txt",
	                         "/static/./app.css",
	                         "/static//app.css",
	                         "/static/.hidden.txt",
	                         "/static/link.txt",
	                         "/static/data.db",
	                         "/static/missing.css",
	                         "/static/",
	                         "/static/%00app.css"};
	hc_opts_t as_is = {.path_as_is = 1};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		assert_int_equal(hc_request(c, port, refused[i], &as_is, &r), 0);
		if (r.status != 404 && r.status != 400)
			fprintf(stderr, "%s: %ld\n", refused[i], r.status);
		assert_true(r.status == 404 || r.status == 400);
		assert_null(strstr(buf_cstr(&r.body), "serve"));
		assert_null(strstr(buf_cstr(&r.body), "cmake"));
		assert_security_headers(&r);
		hc_resp_free(&r);
	}
	hc_opts_t post_o = {.method = "POST"};
	assert_int_equal(hc_request(c, port, "/static/app.css", &post_o, &r), 0);
	assert_int_equal(r.status, 405);
	hc_resp_free(&r);
	curl_easy_cleanup(c);
}

static void
test_healthz(void **state)
{
	(void)state;
	hc_resp_t r;
	assert_int_equal(hc_get(port, "/healthz", &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(buf_cstr(&r.body), "ok");
	char v[100];
	assert_non_null(hc_header(&r, "Content-Type", v, sizeof v));
	assert_string_equal(v, "text/plain; charset=utf-8");
	assert_security_headers(&r);
	hc_resp_free(&r);
}

static void
test_keep_alive(void **state)
{
	(void)state;
	CURL *c = curl_easy_init();
	const char *paths[] = {"/hello",          "/units/1", "/nope",      "/forbidden",
	                       "/static/app.css", "/healthz", "/units/%zz", "/hello"};
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		hc_resp_t r;
		assert_int_equal(hc_request(c, port, paths[i], NULL, &r), 0);
		if (i > 0 && r.num_connects != 0)
			fprintf(stderr, "new connection before %s\n", paths[i]);
		assert_int_equal(r.num_connects, i == 0 ? 1 : 0);
		hc_resp_free(&r);
	}
	/* A form POST keeps the connection too. */
	const char *hdrs[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
	hc_opts_t o = {.body = "a=1", .body_len = 3, .headers = hdrs};
	hc_resp_t r;
	assert_int_equal(hc_request(c, port, "/echo", &o, &r), 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.num_connects, 0);
	hc_resp_free(&r);
	curl_easy_cleanup(c);
}

#define THREADS 4
#define PER_THREAD 150

static void *
client_thread(void *arg)
{
	long id = (long)(intptr_t)arg;
	CURL *c = curl_easy_init();
	long ok = 0;
	for (int i = 0; i < PER_THREAD; i++) {
		char path[96], want[64];
		snprintf(want, sizeof want, "t%ld-%d", id, i);
		snprintf(path, sizeof path, "/units/%s", want);
		hc_resp_t r;
		if (i % 10 == 9) {
			/* mix in a fresh connection now and then */
			curl_easy_cleanup(c);
			c = curl_easy_init();
		}
		if (hc_request(c, port, path, NULL, &r) == 0 && r.status == 200 &&
		    strcmp(buf_cstr(&r.body), want) == 0)
			ok++;
		hc_resp_free(&r);
	}
	curl_easy_cleanup(c);
	return (void *)(intptr_t)ok;
}

static void
test_concurrency(void **state)
{
	(void)state;
	pthread_t t[THREADS];
	for (long i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, client_thread, (void *)(intptr_t)i),
		                 0);
	for (int i = 0; i < THREADS; i++) {
		void *ok;
		pthread_join(t[i], &ok);
		assert_int_equal((long)(intptr_t)ok, PER_THREAD);
	}
}

struct slow_call {
	unsigned short port;
	int rc;
	hc_resp_t r;
};

static void *
slow_client(void *arg)
{
	struct slow_call *sc = arg;
	CURL *c = curl_easy_init();
	sc->rc = hc_request(c, sc->port, "/slow", NULL, &sc->r);
	curl_easy_cleanup(c);
	return NULL;
}

static void
test_stop_waits_for_inflight(void **state)
{
	(void)state;
	http_config_t cfg = {0};
	cfg.listen = "127.0.0.1:0";
	cfg.threads = 2;
	cfg.routes = routes;
	cfg.nroutes = sizeof routes / sizeof routes[0];
	cfg.quiet = 1;
	http_server_t *s;
	assert_int_equal(http_server_start(&cfg, &s), 0);
	struct slow_call sc = {.port = http_server_port(s), .rc = -1};
	slow_entered = 0;
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, slow_client, &sc), 0);
	pthread_mutex_lock(&slow_mu);
	while (!slow_entered)
		pthread_cond_wait(&slow_cv, &slow_mu);
	pthread_mutex_unlock(&slow_mu);
	http_server_stop(s); /* the handler is still sleeping */
	pthread_join(t, NULL);
	assert_int_equal(sc.rc, 0);
	assert_int_equal(sc.r.status, 200);
	assert_string_equal(buf_cstr(&sc.r.body), "slow done");
	char v[64];
	assert_non_null(hc_header(&sc.r, "Connection", v, sizeof v));
	assert_string_equal(v, "close");
	hc_resp_free(&sc.r);

	/* Nothing listens any more. */
	CURL *c = curl_easy_init();
	hc_resp_t r2;
	assert_int_equal(hc_request(c, sc.port, "/hello", NULL, &r2), -1);
	hc_resp_free(&r2);
	curl_easy_cleanup(c);
}

static void *
serve_thread(void *arg)
{
	http_config_t cfg = {0};
	cfg.listen = "127.0.0.1:0";
	cfg.threads = 1;
	cfg.routes = routes;
	cfg.nroutes = 1;
	cfg.quiet = 1;
	*(int *)arg = http_serve(&cfg);
	return NULL;
}

static void
test_serve_stops_on_sigterm(void **state)
{
	(void)state;
	/* Blocked here and inherited, so the signal waits for http_serve's sigwait. */
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	int rc = -2;
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, serve_thread, &rc), 0);
	pthread_kill(t, SIGTERM);
	pthread_join(t, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	assert_int_equal(rc, 0);

	http_config_t bad = {0};
	bad.listen = "nonsense";
	assert_int_equal(http_serve(&bad), -1);
}

static void
test_access_log(void **state)
{
	(void)state;
	char path[400];
	snprintf(path, sizeof path, "%s/access.log", tmpdir);
	FILE *f = fopen(path, "w+");
	assert_non_null(f);
	http_config_t cfg = {0};
	cfg.listen = "127.0.0.1:0";
	cfg.threads = 1;
	cfg.routes = routes;
	cfg.nroutes = sizeof routes / sizeof routes[0];
	cfg.access_log = f;
	http_server_t *s;
	assert_int_equal(http_server_start(&cfg, &s), 0);
	hc_resp_t r;
	assert_int_equal(hc_get(http_server_port(s), "/units/%C4%90a?secret=1", &r), 0);
	hc_resp_free(&r);
	assert_int_equal(hc_get(http_server_port(s), "/nope", &r), 0);
	hc_resp_free(&r);
	http_server_stop(s);
	fflush(f);
	rewind(f);
	char line[512];
	assert_non_null(fgets(line, sizeof line, f));
	assert_int_equal(strncmp(line, "ts=", 3), 0);
	assert_non_null(strstr(line, " level=info msg=request method=GET path=/units/Đa "
	                             "route=/units/:id status=200 bytes=3 ms="));
	assert_non_null(strstr(line, " ip=127.0.0.1 req="));
	assert_null(strstr(line, "secret"));
	assert_null(strstr(line, " end="));
	assert_non_null(fgets(line, sizeof line, f));
	assert_non_null(strstr(line, " method=GET path=/nope status=404 "));
	assert_null(strstr(line, "route="));
	assert_null(fgets(line, sizeof line, f));

	/* JSON lines: one object per line, the same fields */
	log_set_format(LOG_JSON);
	rewind(f);
	assert_int_equal(ftruncate(fileno(f), 0), 0);
	assert_int_equal(http_server_start(&cfg, &s), 0);
	assert_int_equal(hc_get(http_server_port(s), "/units/%22q%22", &r), 0);
	hc_resp_free(&r);
	http_server_stop(s);
	log_set_format(LOG_TEXT);
	fflush(f);
	rewind(f);
	assert_non_null(fgets(line, sizeof line, f));
	assert_int_equal(strncmp(line, "{\"ts\":\"", 7), 0);
	assert_non_null(strstr(line, "\"level\":\"info\",\"msg\":\"request\",\"method\":\"GET\","
	                             "\"path\":\"/units/\\\"q\\\"\",\"route\":\"/units/:id\","
	                             "\"status\":200,\"bytes\":3,\"ms\":"));
	assert_non_null(strstr(line, "}\n"));
	fclose(f);
	unlink(path);
}

/* Trusted proxies decide who the client is; the request id goes back in a header and into
 * the access line. */
static int
trust_10(void *app, const char *ip)
{
	(void)app;
	return strncmp(ip, "10.", 3) == 0 || strcmp(ip, "127.0.0.1") == 0;
}

static int
trust_none(void *app, const char *ip)
{
	(void)app;
	(void)ip;
	return 0;
}

static int
h_whoami(http_req_t *req)
{
	const char *proto = http_req_header(req, "X-Forwarded-Proto");
	char *s = arena_printf(http_req_arena(req), "%s %s %s %s", http_req_client_ip(req),
	                       http_req_peer_ip(req), proto ? proto : "-", http_req_id(req));
	return http_reply(req, 200, "text/plain; charset=utf-8", s, strlen(s));
}

static const http_route_t who_routes[] = {{HTTP_GET, "/who", NULL, 0, NULL, h_whoami}};

static void
who(unsigned short at, const char *const *headers, char *out, size_t cap, char *rid, size_t rcap)
{
	CURL *c = curl_easy_init();
	hc_opts_t o = {.headers = headers};
	hc_resp_t r;
	assert_int_equal(hc_request(c, at, "/who", &o, &r), 0);
	assert_int_equal(r.status, 200);
	snprintf(out, cap, "%s", buf_cstr(&r.body));
	assert_non_null(hc_header(&r, "X-Request-Id", rid, rcap));
	hc_resp_free(&r);
	curl_easy_cleanup(c);
}

static void
test_forwarded(void **state)
{
	(void)state;
	http_config_t cfg = {0};
	cfg.listen = "127.0.0.1:0";
	cfg.threads = 1;
	cfg.quiet = 1;
	cfg.routes = who_routes;
	cfg.nroutes = 1;
	http_server_t *s;
	char body[300], rid[80], rid2[80];

	/* default: loopback is the trusted proxy (nginx on the same machine) */
	assert_int_equal(http_server_start(&cfg, &s), 0);
	unsigned short wport = http_server_port(s);
	who(wport, NULL, body, sizeof body, rid, sizeof rid);
	assert_int_equal(strlen(rid), 16);
	assert_true(strspn(rid, "0123456789abcdef") == 16);
	char want[200];
	snprintf(want, sizeof want, "127.0.0.1 127.0.0.1 - %s", rid);
	assert_string_equal(body, want);
	who(wport, NULL, body, sizeof body, rid2, sizeof rid2);
	assert_string_not_equal(rid, rid2);
	/* the client wrote the first address; nginx appended the one it saw */
	const char *h1[] = {"X-Forwarded-For: 6.6.6.6, 203.0.113.7", "X-Forwarded-Proto: https",
	                    "X-Request-Id: 0a1b2c3d4e5f60718293a4b5c6d7e8f9", NULL};
	who(wport, h1, body, sizeof body, rid, sizeof rid);
	assert_string_equal(body, "203.0.113.7 127.0.0.1 https 0a1b2c3d4e5f60718293a4b5c6d7e8f9");
	assert_string_equal(rid, "0a1b2c3d4e5f60718293a4b5c6d7e8f9");
	/* IPv6, X-Real-IP, and a request id that is not a plain token (replaced by ours) */
	const char *h2[] = {"X-Real-IP: 2001:DB8::1", "X-Request-Id: a b\"c", NULL};
	who(wport, h2, body, sizeof body, rid, sizeof rid);
	assert_int_equal(strncmp(body, "2001:db8::1 127.0.0.1 - ", 24), 0);
	assert_int_equal(strlen(rid), 16);
	/* garbage in the header: the client stays the proxy's peer */
	const char *h3[] = {"X-Forwarded-For: 1.2.3.4, not-an-ip", NULL};
	who(wport, h3, body, sizeof body, rid, sizeof rid);
	assert_int_equal(strncmp(body, "127.0.0.1 127.0.0.1 - ", 22), 0);
	http_server_stop(s);

	/* a chain of trusted proxies: the rightmost untrusted address is the client */
	cfg.trusted_proxy = trust_10;
	assert_int_equal(http_server_start(&cfg, &s), 0);
	wport = http_server_port(s);
	const char *h4[] = {"X-Forwarded-For: 6.6.6.6, 198.51.100.2, 10.0.0.5", NULL};
	who(wport, h4, body, sizeof body, rid, sizeof rid);
	assert_int_equal(strncmp(body, "198.51.100.2 127.0.0.1 - ", 25), 0);
	http_server_stop(s);

	/* an untrusted peer: the forwarding headers do not exist for the app */
	cfg.trusted_proxy = trust_none;
	assert_int_equal(http_server_start(&cfg, &s), 0);
	wport = http_server_port(s);
	who(wport, h1, body, sizeof body, rid, sizeof rid);
	assert_int_equal(strncmp(body, "127.0.0.1 127.0.0.1 - ", 22), 0);
	assert_string_not_equal(rid, "0a1b2c3d4e5f60718293a4b5c6d7e8f9");
	http_server_stop(s);
}

static void
test_start_errors(void **state)
{
	(void)state;
	http_server_t *s = (http_server_t *)1;
	http_config_t cfg = {0};
	cfg.quiet = 1;
	const char *bad[] = {"127.0.0.1", "127.0.0.1:", "127.0.0.1:99999", "300.1.1.1:80",
	                     "127.0.0.1:8x"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cfg.listen = bad[i];
		assert_int_equal(http_server_start(&cfg, &s), -1);
		assert_null(s);
	}
	cfg.listen = "127.0.0.1:0";
	cfg.static_dir = "/nonexistent/static";
	assert_int_equal(http_server_start(&cfg, &s), -1);
	/* The port in use: a second server on the first one's port fails cleanly. */
	cfg.static_dir = NULL;
	char listen[64];
	snprintf(listen, sizeof listen, "127.0.0.1:%u", (unsigned)port);
	cfg.listen = listen;
	assert_int_equal(http_server_start(&cfg, &s), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_hello_and_params),
	        cmocka_unit_test(test_not_found_and_method),
	        cmocka_unit_test(test_head),
	        cmocka_unit_test(test_form_and_declared_params),
	        cmocka_unit_test(test_multipart_upload),
	        cmocka_unit_test(test_large_body_spooled),
	        cmocka_unit_test(test_body_limits),
	        cmocka_unit_test(test_header_limit),
	        cmocka_unit_test(test_bad_encoding),
	        cmocka_unit_test(test_handler_errors),
	        cmocka_unit_test(test_cookie_redirect_buf),
	        cmocka_unit_test(test_static),
	        cmocka_unit_test(test_healthz),
	        cmocka_unit_test(test_keep_alive),
	        cmocka_unit_test(test_concurrency),
	        cmocka_unit_test(test_stop_waits_for_inflight),
	        cmocka_unit_test(test_serve_stops_on_sigterm),
	        cmocka_unit_test(test_access_log),
	        cmocka_unit_test(test_forwarded),
	        cmocka_unit_test(test_start_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
