/* Strict HTTP before routing (issue 22), over raw TCP to a real server on 127.0.0.1 (libcurl
 * would normalise these requests): two Content-Length headers hiding a second request, a
 * Transfer-Encoding other than chunked, no or two Host headers, whitespace before a colon,
 * control characters in header names, values and the path, and a query too big for the
 * connection's memory. Each is answered with its status, a short Vietnamese text (not a
 * header block) and a closed connection; nothing is routed (the database digest is the same
 * before and after) and nothing stays in flight. Normal requests still work. What
 * libmicrohttpd 0.9.75 decides before our code runs is docs/operations.md's *HTTP
 * strictness* (and tests/ops/nginx_front.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "app/app.h"
#include "domain/accounts.h"
#include "helper_app.h"

#define PASSWORD "Nghiem-ngat-HTTP-22"

static char tmpdir[] = "/tmp/suotdoi-strict-XXXXXX";
static char db[256];
static app_t app;
static http_server_t *srv;
static unsigned short port;

static int
setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "s.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	ha_user(&app, "strict.haian", "306", ROLE_HEAD, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	double t0 = ha_now();
	int rc = ha_stop(srv, &app, tmpdir);
	/* nothing was left in flight: no grace period (30 s) waited for */
	assert_true(ha_now() - t0 < 10.0);
	return rc;
}

typedef struct reply {
	int status;
	int closed; /* the server closed the connection */
	buf_t head; /* the header block */
	buf_t body;
} reply_t;

/* Sends len bytes on a new connection, then reads until the server closes it or 5 s pass. */
static reply_t
raw(const char *req, size_t len)
{
	reply_t r = {0, 0, BUF_INIT, BUF_INIT};
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	size_t off = 0;
	while (off < len) {
		ssize_t w = send(fd, req + off, len - off, MSG_NOSIGNAL);
		if (w <= 0)
			break; /* the server may answer and close before reading it all */
		off += (size_t)w;
	}
	buf_t all = BUF_INIT;
	double end = ha_now() + 5.0;
	for (;;) {
		int left = (int)((end - ha_now()) * 1000);
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (left <= 0 || poll(&p, 1, left) <= 0)
			break;
		char b[8192];
		ssize_t n = recv(fd, b, sizeof b, 0);
		if (n <= 0) {
			r.closed = 1;
			break;
		}
		buf_append(&all, b, (size_t)n);
	}
	close(fd);
	const char *s = buf_cstr(&all);
	if (strncmp(s, "HTTP/1.1 ", 9) == 0)
		r.status = atoi(s + 9);
	const char *sep = strstr(s, "\r\n\r\n");
	if (sep != NULL) {
		buf_append(&r.head, s, (size_t)(sep - s) + 2);
		buf_puts(&r.body, sep + 4);
	}
	buf_free(&all);
	return r;
}

static reply_t
raws(const char *req)
{
	return raw(req, strlen(req));
}

static void
reply_free(reply_t *r)
{
	buf_free(&r->head);
	buf_free(&r->body);
}

/* The refusal: status, a Vietnamese text holding want (not a second header block), plain
 * text, the connection closed. */
static void
expect_refused(const char *what, reply_t *r, int status, const char *want)
{
	if (r->status != status || !r->closed || strstr(buf_cstr(&r->body), want) == NULL)
		fprintf(stderr, "%s: status %d closed %d\n%s\n%s\n", what, r->status, r->closed,
		        buf_cstr(&r->head), buf_cstr(&r->body));
	assert_int_equal(r->status, status);
	assert_true(r->closed);
	assert_non_null(strstr(buf_cstr(&r->body), want));
	assert_null(strstr(buf_cstr(&r->body), "\r\n")); /* one line, no header block */
	assert_non_null(strstr(buf_cstr(&r->head), "\r\nContent-Type: text/plain; charset=utf-8"));
	assert_non_null(strstr(buf_cstr(&r->head), "\r\nConnection: close"));
	reply_free(r);
}

/* No request in flight. A request ends just after its answer leaves (libmicrohttpd's
 * NOTIFY_COMPLETED), so the counter is given a moment; one left in flight stays there. */
static void
assert_idle(void)
{
	double end = ha_now() + 2.0;
	while (http_server_inflight(srv) != 0 && ha_now() < end)
		usleep(10000);
	assert_int_equal(http_server_inflight(srv), 0);
}

static void
digest(char out[65])
{
	char err[256];
	assert_int_equal(ha_db_digest(db, NULL, out, err, sizeof err), 0);
}

/* ---------------------------------------------------------------- tests */

/* Content-Length 0 and 45: libmicrohttpd took the first and read the body as the next
 * request. Here the hidden request is a signed-in sign-out, which would delete the session. */
static void
test_two_content_length_smuggling(void **state)
{
	(void)state;
	ha_client_t c;
	assert_int_equal(ha_login(port, &c, "strict.haian", PASSWORD), 303);
	char before[65], after[65];
	digest(before);
	char inner[1024], outer[2048];
	snprintf(inner, sizeof inner,
	         "POST /logout HTTP/1.1\r\nHost: x\r\nCookie: %s\r\n"
	         "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n\r\n"
	         "csrf=%s",
	         c.cookie, strlen("csrf=") + strlen(c.csrf), c.csrf);
	snprintf(outer, sizeof outer,
	         "POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: %zu\r\n"
	         "\r\n%s",
	         strlen(inner), inner);
	reply_t r = raws(outer);
	assert_null(strstr(buf_cstr(&r.body), "303")); /* one answer only */
	expect_refused("two Content-Length", &r, 400, "Content-Length");
	/* equal values too: no guessing which one a proxy used */
	r = raws("POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n"
	         "\r\na=1");
	expect_refused("two equal Content-Length", &r, 400, "hai tiêu đề Content-Length");
	digest(after);
	assert_string_equal(before, after);
	/* the session is still there: the sign-out was never run */
	hc_resp_t h = ha_req(port, &c, "GET", "/account", NULL, 0);
	assert_int_equal(h.status, 200);
	hc_resp_free(&h);
}

static void
test_host(void **state)
{
	(void)state;
	char before[65], after[65];
	digest(before);
	reply_t r = raws("GET /login HTTP/1.1\r\n\r\n");
	expect_refused("no Host", &r, 400, "thiếu tiêu đề Host");
	r = raws("GET /login HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
	expect_refused("two Host", &r, 400, "hai tiêu đề Host");
	digest(after);
	assert_string_equal(before, after);
	/* HTTP/1.0 has no Host requirement */
	r = raws("GET /healthz HTTP/1.0\r\n\r\n");
	assert_int_equal(r.status, 200);
	assert_string_equal(buf_cstr(&r.body), "ok");
	reply_free(&r);
}

static void
test_whitespace_before_colon(void **state)
{
	(void)state;
	reply_t r = raws("GET /login HTTP/1.1\r\nHost: a\r\nX-Foo : b\r\n\r\n");
	expect_refused("space before colon", &r, 400, "khoảng trắng");
	r = raws("GET /login HTTP/1.1\r\nHost\t: a\r\n\r\n");
	expect_refused("tab before colon", &r, 400, "khoảng trắng");
}

static void
test_control_characters(void **state)
{
	(void)state;
	char before[65], after[65];
	digest(before);
	static const struct {
		const char *what, *req, *want;
	} cases[] = {
	        {"bare CR in a value", "GET /login HTTP/1.1\r\nHost: a\r\nX-A: a\rb\r\n\r\n",
	         "ký tự điều khiển"},
	        {"^A in a value", "GET /login HTTP/1.1\r\nHost: a\r\nX-A: a\001b\r\n\r\n",
	         "ký tự điều khiển"},
	        {"DEL in a value", "GET /login HTTP/1.1\r\nHost: a\r\nX-A: a\177b\r\n\r\n",
	         "ký tự điều khiển"},
	        {"ESC in Host", "GET /login HTTP/1.1\r\nHost: a\033b\r\n\r\n", "ký tự điều khiển"},
	        {"^A in a name", "GET /login HTTP/1.1\r\nHost: a\r\nX-\001A: b\r\n\r\n",
	         "Tên tiêu đề"},
	        {"^A in the path", "GET /log\001in HTTP/1.1\r\nHost: a\r\n\r\n",
	         "ký tự điều khiển"},
	        {"^A in the query", "GET /units?q=a\001 HTTP/1.1\r\nHost: a\r\n\r\n",
	         "ký tự điều khiển"},
	        {"a space in the path", "GET /log in HTTP/1.1\r\nHost: a\r\n\r\n", "khoảng trắng"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		reply_t r = raws(cases[i].req);
		expect_refused(cases[i].what, &r, 400, cases[i].want);
	}
	/* the field at fault is named when it can be shown */
	reply_t r = raws("GET /login HTTP/1.1\r\nHost: a\r\nX-A: a\rb\r\n\r\n");
	assert_non_null(strstr(buf_cstr(&r.body), "(tiêu đề “X-A”)"));
	reply_free(&r);
	/* a POST with a control character is not run either */
	r = raws("POST /login HTTP/1.1\r\nHost: a\r\nX-A: \001\r\n"
	         "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\na=1");
	expect_refused("POST with ^A", &r, 400, "ký tự điều khiển");
	digest(after);
	assert_string_equal(before, after);
	/* a tab in a value is allowed */
	r = raws("GET /healthz HTTP/1.1\r\nHost: a\r\nX-A: a\tb\r\nConnection: close\r\n\r\n");
	assert_int_equal(r.status, 200);
	reply_free(&r);
}

static void
test_transfer_encoding(void **state)
{
	(void)state;
	char before[65], after[65];
	digest(before);
	/* these hung until the client gave up: libmicrohttpd read the body to the end */
	reply_t r = raws("POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n");
	expect_refused("TE gzip", &r, 501, "Transfer-Encoding: chunked");
	r = raws("POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n");
	expect_refused("TE chunked, identity", &r, 501, "Transfer-Encoding: chunked");
	r = raws("POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
	         "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
	expect_refused("TE twice", &r, 501, "Transfer-Encoding: chunked");
	r = raws("POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
	         "Content-Length: 5\r\n\r\n0\r\n\r\n");
	expect_refused("TE and CL", &r, 400, "cả Transfer-Encoding và Content-Length");
	digest(after);
	assert_string_equal(before, after);
}

/* ~460 tiny parameters (3 KB) ran libmicrohttpd out of the connection's memory: it logged
 * a 431 that never left, and the request stayed in flight until the stop's 30 s grace. */
static void
test_query_too_big_for_memory(void **state)
{
	(void)state;
	size_t counts[] = {300, 460, 1000, 4000};
	for (size_t k = 0; k < sizeof counts / sizeof *counts; k++) {
		buf_t q = BUF_INIT;
		buf_puts(&q, "GET /units?");
		for (size_t i = 0; i < counts[k]; i++)
			buf_printf(&q, "%sa%zu=1", i ? "&" : "", i);
		buf_puts(&q, " HTTP/1.1\r\nHost: x\r\n\r\n");
		reply_t r = raw(q.data, q.len);
		expect_refused("many parameters", &r, 414,
		               q.len > 8192 ? "quá dài" : "quá nhiều tham số");
		buf_free(&q);
		assert_idle();
	}
	/* one long parameter */
	buf_t q = BUF_INIT;
	buf_puts(&q, "GET /units?q=");
	for (int i = 0; i < 9000; i++)
		buf_putc(&q, 'a');
	buf_puts(&q, " HTTP/1.1\r\nHost: x\r\n\r\n");
	reply_t r = raw(q.data, q.len);
	expect_refused("a long target", &r, 414, "tối đa 8192 byte");
	assert_idle();
	/* within the limits: answered, and the connection kept */
	buf_reset(&q);
	buf_puts(&q, "GET /units?");
	for (int i = 0; i < 250; i++)
		buf_printf(&q, "%sa%d=1", i ? "&" : "", i);
	buf_puts(&q, " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	r = raw(q.data, q.len);
	assert_int_equal(r.status, 200);
	reply_free(&r);
	buf_free(&q);
	assert_idle();
}

static void
test_normal_requests(void **state)
{
	(void)state;
	/* two requests on one kept-alive connection */
	reply_t r = raws("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
	                 "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	assert_int_equal(r.status, 200);
	assert_int_equal(strncmp(buf_cstr(&r.body), "okHTTP/1.1 200 OK\r\n", 19), 0);
	reply_free(&r);
	/* a form post with one Content-Length: a sign-in */
	ha_client_t c;
	assert_int_equal(ha_login(port, &c, "strict.haian", PASSWORD), 303);
	/* a chunked upload: the sign-out, routed and run */
	char req[1024], form[200];
	int n = snprintf(form, sizeof form, "csrf=%s", c.csrf);
	snprintf(req, sizeof req,
	         "POST /logout HTTP/1.1\r\nHost: x\r\nCookie: %s\r\nConnection: close\r\n"
	         "Content-Type: application/x-www-form-urlencoded\r\n"
	         "Transfer-Encoding: Chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n",
	         c.cookie, n, form);
	r = raws(req);
	assert_int_equal(r.status, 303);
	reply_free(&r);
	hc_resp_t h = ha_req(port, &c, "GET", "/account", NULL, 0);
	assert_int_not_equal(h.status, 200); /* signed out */
	hc_resp_free(&h);
	assert_idle();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_two_content_length_smuggling),
	        cmocka_unit_test(test_host),
	        cmocka_unit_test(test_whitespace_before_colon),
	        cmocka_unit_test(test_control_characters),
	        cmocka_unit_test(test_transfer_encoding),
	        cmocka_unit_test(test_query_too_big_for_memory),
	        cmocka_unit_test(test_normal_requests),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
