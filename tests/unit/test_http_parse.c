/* Unit tests of the HTTP layer's pure helpers: percent-decoding, strict path decoding,
 * urlencoded pairs, cookies, route matching, static path checks and ETag matching. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "core/buf.h"
#include "http/http.h"

static void
test_url_decode(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(http_url_decode("a%20b+c", 7, out, 0), 5);
	assert_string_equal(out, "a b+c");
	assert_int_equal(http_url_decode("a%20b+c", 7, out, 1), 5);
	assert_string_equal(out, "a b c");
	assert_int_equal(http_url_decode("%C4%90a", 7, out, 0), 3);
	assert_string_equal(out, "Đa");
	assert_int_equal(http_url_decode("%c4%90", 6, out, 0), 2); /* lower-case hex */
	assert_int_equal(http_url_decode("", 0, out, 0), 0);
	assert_string_equal(out, "");
	/* only len bytes are read */
	assert_int_equal(http_url_decode("ab%41", 2, out, 0), 2);
	assert_string_equal(out, "ab");
	const char *bad[] = {"%", "%4", "%zz", "%4g", "a%", "%00", "x%00y", "%%41"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(http_url_decode(bad[i], strlen(bad[i]), out, 1), -1);
	/* a raw NUL inside the given length */
	assert_int_equal(http_url_decode("a\0b", 3, out, 0), -1);
}

static const char *
path(arena_t *a, const char *raw, const char **why)
{
	const char *out = NULL;
	*why = NULL;
	if (http_path_decode(raw, strlen(raw), a, &out, why) != 0)
		return NULL;
	return out;
}

static void
test_path_decode(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	const char *why;
	assert_string_equal(path(&a, "/units/%C4%90%C3%A0%20N%E1%BA%B5ng", &why), "/units/Đà Nẵng");
	assert_string_equal(path(&a, "/a+b", &why), "/a+b");
	assert_string_equal(path(&a, "/", &why), "/");
	assert_string_equal(path(&a, "/%F0%9F%98%80", &why), "/😀");
	assert_string_equal(path(&a, "/%EF%BF%BF", &why), "/\xEF\xBF\xBF"); /* U+FFFF is allowed */

	struct {
		const char *raw, *why;
	} bad[] = {
	        {"", "đường dẫn không bắt đầu bằng /"},
	        {"units", "đường dẫn không bắt đầu bằng /"},
	        {"http://x/units", "đường dẫn không bắt đầu bằng /"},
	        {"/a%2Fb", "đường dẫn có dấu / được mã hoá (%2F)"},
	        {"/a%2fb", "đường dẫn có dấu / được mã hoá (%2F)"},
	        {"/a%zz", "đường dẫn có mã %XX sai"},
	        {"/a%", "đường dẫn có mã %XX sai"},
	        {"/a%2", "đường dẫn có mã %XX sai"},
	        {"/a%00", "đường dẫn có ký tự NUL (%00)"},
	        {"/a%0A", "đường dẫn có ký tự điều khiển"},
	        {"/a%7F", "đường dẫn có ký tự điều khiển"},
	        {"/a%C0%AF", "đường dẫn không phải UTF-8 hợp lệ"},       /* overlong '/' */
	        {"/a%E0%80%AF", "đường dẫn không phải UTF-8 hợp lệ"},    /* overlong, 3 bytes */
	        {"/a%F0%80%80%AF", "đường dẫn không phải UTF-8 hợp lệ"}, /* overlong, 4 bytes */
	        {"/a%ED%A0%80", "đường dẫn không phải UTF-8 hợp lệ"},    /* surrogate D800 */
	        {"/a%ED%BF%BF", "đường dẫn không phải UTF-8 hợp lệ"},    /* surrogate DFFF */
	        {"/a%F4%90%80%80", "đường dẫn không phải UTF-8 hợp lệ"}, /* > U+10FFFF */
	        {"/a%F5%80%80%80", "đường dẫn không phải UTF-8 hợp lệ"},
	        {"/a%C3", "đường dẫn không phải UTF-8 hợp lệ"}, /* truncated */
	        {"/a%E1%BA", "đường dẫn không phải UTF-8 hợp lệ"},
	        {"/a%80", "đường dẫn không phải UTF-8 hợp lệ"}, /* lone continuation */
	        {"/a%C3%28", "đường dẫn không phải UTF-8 hợp lệ"},
	        {"/a%FF", "đường dẫn không phải UTF-8 hợp lệ"},
	        {"/a\xC3", "đường dẫn không phải UTF-8 hợp lệ"}, /* raw bytes too */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_null(path(&a, bad[i].raw, &why));
		assert_string_equal(why, bad[i].why);
	}
	arena_free(&a);
}

static void
test_form_parse(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	http_kv_t *kv;
	size_t n;
	const char *why = NULL;
	const char *s = "q=Th%C3%A0nh+ph%E1%BB%91&empty=&flag&&=orphan&q=second&%C4%91=%C4%90";
	assert_int_equal(http_form_parse(s, strlen(s), &a, &kv, &n, &why), 0);
	assert_int_equal(n, 5);
	assert_string_equal(kv[0].name, "q");
	assert_string_equal(kv[0].value, "Thành phố");
	assert_string_equal(kv[1].name, "empty");
	assert_string_equal(kv[1].value, "");
	assert_string_equal(kv[2].name, "flag");
	assert_string_equal(kv[2].value, "");
	assert_string_equal(kv[3].name, "q");
	assert_string_equal(kv[3].value, "second");
	assert_string_equal(kv[4].name, "đ");
	assert_string_equal(kv[4].value, "Đ");

	assert_int_equal(http_form_parse("", 0, &a, &kv, &n, &why), 0);
	assert_int_equal(n, 0);
	assert_int_equal(http_form_parse("a=1&b=2", 3, &a, &kv, &n, &why), 0); /* length bound */
	assert_int_equal(n, 1);
	assert_string_equal(kv[0].value, "1");
	assert_int_equal(http_form_parse("a=b=c", 5, &a, &kv, &n, &why), 0);
	assert_string_equal(kv[0].value, "b=c");
	assert_int_equal(http_form_parse("a=%2B%26%3D", 11, &a, &kv, &n, &why), 0);
	assert_string_equal(kv[0].value, "+&=");

	struct {
		const char *s, *why;
	} bad[] = {
	        {"q=%zz", "tham số “q” có mã %XX sai"},
	        {"q=%00", "tham số “q” có ký tự NUL (%00)"},
	        {"q=%C0%AF", "tham số “q” không phải UTF-8 hợp lệ"},
	        {"%zz=1", "tên tham số có mã %XX sai"},
	        {"%C3=1", "tên tham số không phải UTF-8 hợp lệ"},
	        {"=%ED%A0%80", "giá trị không kèm tên không phải UTF-8 hợp lệ"},
	        {"ok=1&t%C3%AAn=%", "tham số “tên” có mã %XX sai"},
	        {"a%0Ab=%",
	         "tham số “ab” có mã %XX sai"}, /* control characters kept out of messages */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why = NULL;
		assert_int_equal(http_form_parse(bad[i].s, strlen(bad[i].s), &a, &kv, &n, &why),
		                 -1);
		assert_string_equal(why, bad[i].why);
	}
	/* Long names are cut on a character boundary in the message. */
	const char *longname = "%C4%91%C4%91%C4%91%C4%91%C4%91%C4%91%C4%91%C4%91%C4%91%C4%91%C4%91"
	                       "%C4%91%C4%91%C4%91%C4%91%C4%91%C4%91%C4%91%C4%91%C4%91%C4%91=%";
	assert_int_equal(http_form_parse(longname, strlen(longname), &a, &kv, &n, &why), -1);
	assert_string_equal(why, "tham số “đđđđđđđđđđđđđđđđđđđđ” có mã %XX sai");
	arena_free(&a);
}

static void
test_cookie(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	const char *h = "theme=dark; sid=abc123;other = \"quoted value\" ;sid=second; bare; e=";
	assert_string_equal(http_cookie_get(h, "sid", &a), "abc123");
	assert_string_equal(http_cookie_get(h, "theme", &a), "dark");
	assert_string_equal(http_cookie_get(h, "other", &a), "quoted value");
	assert_string_equal(http_cookie_get(h, "e", &a), "");
	assert_null(http_cookie_get(h, "bare", &a));
	assert_null(http_cookie_get(h, "si", &a));
	assert_null(http_cookie_get(h, "missing", &a));
	assert_null(http_cookie_get(NULL, "sid", &a));
	assert_null(http_cookie_get(h, "", &a));
	assert_string_equal(http_cookie_get("a=\"\"", "a", &a), "");
	assert_string_equal(http_cookie_get("a=\"", "a", &a), "\"");
	assert_string_equal(http_cookie_get("  a=1", "a", &a), "1");
	assert_string_equal(http_cookie_get(";;a=1;;", "a", &a), "1");
	assert_string_equal(http_cookie_get("x=1=2", "x", &a), "1=2");
	arena_free(&a);
}

static void
test_route_match(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	const char *names[4], *values[4];
	size_t n;
	assert_int_equal(http_route_match("/hello", "/hello", &a, names, values, 4, &n), 1);
	assert_int_equal(n, 0);
	assert_int_equal(http_route_match("/", "/", &a, names, values, 4, &n), 1);
	assert_int_equal(http_route_match("/hello", "/hello/", &a, names, values, 4, &n), 0);
	assert_int_equal(http_route_match("/hello", "/hell", &a, names, values, 4, &n), 0);
	assert_int_equal(http_route_match("/hello", "/hellos", &a, names, values, 4, &n), 0);
	assert_int_equal(http_route_match("/hello", "hello", &a, names, values, 4, &n), 0);
	assert_int_equal(http_route_match("/", "/x", &a, names, values, 4, &n), 0);

	assert_int_equal(http_route_match("/units/:id", "/units/Đa", &a, names, values, 4, &n), 1);
	assert_int_equal(n, 1);
	assert_string_equal(names[0], "id");
	assert_string_equal(values[0], "Đa");
	assert_int_equal(http_route_match("/units/:id", "/units/", &a, names, values, 4, &n), 0);
	assert_int_equal(http_route_match("/units/:id", "/units", &a, names, values, 4, &n), 0);
	assert_int_equal(http_route_match("/units/:id", "/units/1/x", &a, names, values, 4, &n), 0);

	assert_int_equal(http_route_match("/u/:a/s/:b", "/u/1/s/2", &a, names, values, 4, &n), 1);
	assert_int_equal(n, 2);
	assert_string_equal(names[1], "b");
	assert_string_equal(values[1], "2");
	/* captures beyond max are dropped, the match stands */
	assert_int_equal(http_route_match("/u/:a/s/:b", "/u/1/s/2", &a, names, values, 1, &n), 1);
	assert_int_equal(n, 1);
	/* no arena: match only */
	assert_int_equal(http_route_match("/u/:a", "/u/1", NULL, NULL, NULL, 0, &n), 1);
	assert_int_equal(n, 0);

	assert_int_equal(
	        http_route_match("/files/*rest", "/files/a/b.txt", &a, names, values, 4, &n), 1);
	assert_string_equal(names[0], "rest");
	assert_string_equal(values[0], "a/b.txt");
	assert_int_equal(http_route_match("/files/*rest", "/files/", &a, names, values, 4, &n), 1);
	assert_string_equal(values[0], "");
	assert_int_equal(http_route_match("/files/*rest", "/files", &a, names, values, 4, &n), 0);
	assert_int_equal(http_route_match("/f/*rest/x", "/f/a/x", &a, names, values, 4, &n), 0);
	assert_int_equal(http_route_match(NULL, "/", &a, names, values, 4, &n), 0);
	arena_free(&a);
}

static int
h_dummy(http_req_t *req)
{
	(void)req;
	return 0;
}

static void
test_route_find(void **state)
{
	(void)state;
	static const http_route_t table[] = {
	        {HTTP_GET, "/units/new", NULL, 0, NULL, h_dummy},
	        {HTTP_GET, "/units/:id", NULL, 0, NULL, h_dummy},
	        {HTTP_POST, "/units/:id", "name", 1024, NULL, h_dummy},
	        {HTTP_DELETE, "/units/:uid", NULL, 0, NULL, h_dummy},
	};
	arena_t a = ARENA_INIT;
	http_match_t m;
	assert_int_equal(http_route_find(table, 4, HTTP_GET, "/units/new", &a, &m), 0);
	assert_ptr_equal(m.route, &table[0]); /* table order: the literal comes first */
	assert_int_equal(m.allow, 0);          /* only said when no route matched */
	assert_int_equal(http_route_find(table, 4, HTTP_POST, "/units/7", &a, &m), 0);
	assert_ptr_equal(m.route, &table[2]);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.names[0], "id");
	assert_string_equal(m.values[0], "7");
	assert_int_equal(http_route_find(table, 4, HTTP_DELETE, "/units/7", &a, &m), 0);
	assert_string_equal(m.names[0], "uid");
	assert_int_equal(http_route_find(table, 4, HTTP_PUT, "/units/7", &a, &m), -1);
	assert_null(m.route);
	assert_int_equal(m.allow, HTTP_GET | HTTP_POST | HTTP_DELETE);
	assert_int_equal(http_route_find(table, 4, 0, "/units/7", &a, &m), -1);
	assert_int_equal(m.allow, HTTP_GET | HTTP_POST | HTTP_DELETE);
	assert_int_equal(http_route_find(table, 4, HTTP_GET, "/nope", &a, &m), -1);
	assert_int_equal(m.allow, 0);
	assert_int_equal(http_route_find(NULL, 0, HTTP_GET, "/", &a, &m), -1);
	arena_free(&a);
}

static void
test_static_helpers(void **state)
{
	(void)state;
	assert_string_equal(http_static_type("app.css"), "text/css; charset=utf-8");
	assert_string_equal(http_static_type("js/app.JS"), "text/javascript; charset=utf-8");
	assert_string_equal(http_static_type("a/b.woff2"), "font/woff2");
	assert_string_equal(http_static_type("logo.svg"), "image/svg+xml");
	assert_null(http_static_type("data.db"));
	assert_null(http_static_type("Makefile"));
	assert_null(http_static_type(".css"));
	assert_null(http_static_type("a.css/x"));

	assert_true(http_static_path_ok("app.css"));
	assert_true(http_static_path_ok("img/logo.v2.png"));
	const char *bad[] = {"",   "/etc/passwd", "../x.css",      "a/../x.css",
	                     "..", ".",           "./a.css",       "a//b.css",
	                     "a/", ".git/config", "a/.hidden.css", "a\\..\\b.css"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(http_static_path_ok(bad[i]));
	assert_false(http_static_path_ok(NULL));

	http_static_file_t f;
	assert_int_equal(http_static_open("/nonexistent", "a.css", &f), -1);
	assert_int_equal(http_static_open(TEST_SOURCE_DIR, "../CMakeLists.txt", &f), -1);
	assert_int_equal(http_static_open(TEST_SOURCE_DIR "/src", "../CMakeLists.txt", &f), -1);
	assert_int_equal(f.fd, -1);
}

static void
test_etag_match(void **state)
{
	(void)state;
	const char *e = "\"1a-2b\"";
	assert_true(http_etag_match("\"1a-2b\"", e));
	assert_true(http_etag_match("W/\"1a-2b\"", e));
	assert_true(http_etag_match("\"x\", \"1a-2b\"", e));
	assert_true(http_etag_match("\"x\",W/\"1a-2b\"", e));
	assert_true(http_etag_match("*", e));
	assert_false(http_etag_match("\"1a-2c\"", e));
	assert_false(http_etag_match("\"1a-2b", e));
	assert_false(http_etag_match("1a-2b", e));
	assert_false(http_etag_match("", e));
	assert_false(http_etag_match(NULL, e));
	assert_false(http_etag_match("W/", e));
}

/* ---- multipart/form-data ---- */

#define CT "multipart/form-data; boundary=XyZ"

static int
mp(arena_t *a, const char *ctype, const char *body, size_t len, http_part_t **parts, size_t *n,
   const char **why)
{
	*why = NULL;
	int rc = http_multipart_parse(ctype, body, len, a, parts, n, why);
	if (rc == 0) {
		assert_null(*why);
		for (size_t i = 0; i < *n; i++)
			assert_true((*parts)[i].data >= body &&
			            (*parts)[i].data + (*parts)[i].len <= body + len);
	} else {
		assert_non_null(*why);
	}
	return rc;
}

static void
assert_part(const http_part_t *p, const char *name, const char *filename, const char *ctype,
            const char *data, size_t len)
{
	assert_string_equal(p->name, name);
	if (filename == NULL)
		assert_null(p->filename);
	else
		assert_string_equal(p->filename, filename);
	if (ctype == NULL)
		assert_null(p->content_type);
	else
		assert_string_equal(p->content_type, ctype);
	assert_int_equal(p->len, len);
	assert_memory_equal(p->data, data, len);
}

static void
test_multipart_fields(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	http_part_t *p;
	size_t n;
	const char *why;
	static const char two[] = "--XyZ\r\n"
	                          "Content-Disposition: form-data; name=\"title\"\r\n"
	                          "\r\n"
	                          "Đường ngập\r\n"
	                          "--XyZ\r\n"
	                          "content-disposition: FORM-DATA; name=csrf\r\n"
	                          "\r\n"
	                          "tok\r\n"
	                          "--XyZ--\r\n";
	assert_int_equal(mp(&a, CT, two, sizeof two - 1, &p, &n, &why), 0);
	assert_int_equal(n, 2);
	assert_part(&p[0], "title", NULL, NULL, "Đường ngập", strlen("Đường ngập"));
	assert_part(&p[1], "csrf", NULL, NULL, "tok", 3);

	/* A file part; the data keeps its inner CRLFs, only the one before the delimiter goes. */
	static const char file[] = "--XyZ\r\n"
	                           "Content-Disposition: form-data; name=\"photo\"; "
	                           "filename=\"ảnh 1.jpg\"\r\n"
	                           "Content-Type: image/jpeg\r\n"
	                           "\r\n"
	                           "\r\nline\r\n\r\n"
	                           "\r\n"
	                           "--XyZ\r\n"
	                           "Content-Disposition: form-data; name=\"empty\"\r\n"
	                           "\r\n"
	                           "\r\n"
	                           "--XyZ--";
	assert_int_equal(mp(&a, CT, file, sizeof file - 1, &p, &n, &why), 0);
	assert_int_equal(n, 2);
	assert_part(&p[0], "photo", "ảnh 1.jpg", "image/jpeg", "\r\nline\r\n\r\n", 10);
	assert_part(&p[1], "empty", NULL, NULL, "", 0);

	/* Parameters: quoted with escapes, a Windows path left alone, spaces, other params and
	 * filename*= ignored, an empty filename (an empty file input) kept as "". */
	static const char params[] =
	        "--XyZ\r\n"
	        "Content-Disposition: form-data ; name = \"a\\\"b\\\\c\" ;"
	        " filename*=UTF-8''x.jpg; x=\"y;z\"; filename=\"C:\\Users\\p.jpg\"\r\n"
	        "X-Other: 1\r\n"
	        "\r\n"
	        "v\r\n"
	        "--XyZ\r\n"
	        "Content-Disposition: form-data; name=\"f\"; filename=\"\"\r\n"
	        "Content-Type: application/octet-stream\r\n"
	        "\r\n"
	        "\r\n"
	        "--XyZ--";
	assert_int_equal(mp(&a, CT, params, sizeof params - 1, &p, &n, &why), 0);
	assert_int_equal(n, 2);
	assert_part(&p[0], "a\"b\\c", "C:\\Users\\p.jpg", NULL, "v", 1);
	assert_part(&p[1], "f", "", "application/octet-stream", "", 0);
	arena_free(&a);
}

static void
test_multipart_boundaries(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	http_part_t *p;
	size_t n;
	const char *why;
	/* A quoted boundary with a space; preamble and epilogue ignored; transport padding. */
	static const char quoted[] = "preamble --a b\r\nstill preamble\r\n"
	                             "--a b  \r\n"
	                             "Content-Disposition: form-data; name=x\r\n"
	                             "\r\n"
	                             "1\r\n"
	                             "--a b--\r\n"
	                             "epilogue\r\n--a b\r\nContent-Disposition: junk\r\n";
	assert_int_equal(mp(&a, "Multipart/Form-Data; charset=utf-8; boundary=\"a b\"", quoted,
	                    sizeof quoted - 1, &p, &n, &why),
	                 0);
	assert_int_equal(n, 1);
	assert_part(&p[0], "x", NULL, NULL, "1", 1);

	/* Binary data with CR, LF, NUL and look-alikes of the delimiter. */
	static const char bin[] =
	        "--XyZ\r\n"
	        "Content-Disposition: form-data; name=\"f\"; filename=\"b.bin\"\r\n"
	        "\r\n"
	        "\x00\xff\r\n--XyZz\r\n--Xy\r\n-XyZ\r\r\n\n--XyZ-x\r\n--XyZ\t!\r\n\r"
	        "\r\n"
	        "--XyZ--";
	static const char bindata[] =
	        "\x00\xff\r\n--XyZz\r\n--Xy\r\n-XyZ\r\r\n\n--XyZ-x\r\n--XyZ\t!"
	        "\r\n\r";
	assert_int_equal(mp(&a, CT, bin, sizeof bin - 1, &p, &n, &why), 0);
	assert_int_equal(n, 1);
	assert_part(&p[0], "f", "b.bin", NULL, bindata, sizeof bindata - 1);

	/* No part at all is a valid (empty) form. */
	assert_int_equal(mp(&a, CT, "--XyZ--", 7, &p, &n, &why), 0);
	assert_int_equal(n, 0);

	/* The Content-Type and its boundary. */
	static const char ok[] = "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n"
	                         "--XyZ--\r\n";
	const char *bad_ct[] = {
	        NULL,
	        "multipart/form-data",
	        "multipart/form-data; charset=utf-8",
	        "multipart/form-data; boundary=",
	        "multipart/form-data; boundary=\"\"",
	        "multipart/form-data; boundary=\"XyZ",
	        "multipart/form-data; boundary=a\x01z",
	        "multipart/form-data; boundary=\"trailing \"",
	        "multipart/form-data; boundary=ab@c",
	        "multipart/mixed; boundary=XyZ",
	        "application/x-www-form-urlencoded",
	        "multipart/form-data; =x; boundary=XyZ",
	};
	for (size_t i = 0; i < sizeof bad_ct / sizeof bad_ct[0]; i++)
		assert_int_equal(mp(&a, bad_ct[i], ok, sizeof ok - 1, &p, &n, &why), -1);
	assert_int_equal(mp(&a, "multipart/form-data", ok, sizeof ok - 1, &p, &n, &why), -1);
	assert_string_equal(why, "Content-Type thiếu tham số boundary");
	/* 70 characters is the most RFC 2046 allows. */
	char ct70[200], body70[300];
	snprintf(ct70, sizeof ct70, "multipart/form-data; boundary=%071d", 7);
	assert_int_equal(mp(&a, ct70, ok, sizeof ok - 1, &p, &n, &why), -1);
	snprintf(ct70, sizeof ct70, "multipart/form-data; boundary=%070d", 7);
	snprintf(body70, sizeof body70,
	         "--%070d\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--%070d--", 7, 7);
	assert_int_equal(mp(&a, ct70, body70, strlen(body70), &p, &n, &why), 0);
	assert_int_equal(n, 1);
	arena_free(&a);
}

static void
test_multipart_refused(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	http_part_t *p;
	size_t n;
	const char *why;
	struct {
		const char *body, *why;
	} bad[] = {
	        /* no closing delimiter, in its various truncations */
	        {"--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n",
	         "dữ liệu multipart thiếu ranh giới kết thúc"},
	        {"--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--XyZ",
	         "dữ liệu multipart thiếu ranh giới kết thúc"},
	        {"--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--XyZ\r\n",
	         "dữ liệu multipart thiếu ranh giới kết thúc"},
	        {"--XyZ\r\nContent-Disposition: form-data; name=a",
	         "dữ liệu multipart thiếu ranh giới kết thúc"},
	        {"", "dữ liệu multipart không có ranh giới (boundary) nào"},
	        {"--XyZz\r\n", "dữ liệu multipart không có ranh giới (boundary) nào"},
	        /* bare LF line ends are not multipart */
	        {"--XyZ\nContent-Disposition: form-data; name=a\n\n1\n--XyZ--\n",
	         "dữ liệu multipart không có ranh giới (boundary) nào"},
	        /* parts without a name or a form-data disposition */
	        {"--XyZ\r\nContent-Disposition: form-data\r\n\r\n1\r\n--XyZ--",
	         "một phần multipart không có tên (name=)"},
	        {"--XyZ\r\nContent-Disposition: form-data; name=\"\"\r\n\r\n1\r\n--XyZ--",
	         "một phần multipart không có tên (name=)"},
	        {"--XyZ\r\nContent-Disposition: form-data; filename=\"a.jpg\"\r\n\r\n1\r\n--XyZ--",
	         "một phần multipart không có tên (name=)"},
	        {"--XyZ\r\nContent-Type: text/plain\r\n\r\n1\r\n--XyZ--",
	         "một phần multipart thiếu Content-Disposition: form-data"},
	        {"--XyZ\r\nContent-Disposition: attachment; name=a\r\n\r\n1\r\n--XyZ--",
	         "một phần multipart không phải Content-Disposition: form-data"},
	        {"--XyZ\r\nContent-Disposition: form-data; name=a; name=b\r\n\r\n1\r\n--XyZ--",
	         "một phần multipart có tham số name hoặc filename lặp lại"},
	        {"--XyZ\r\nContent-Disposition: form-data; name=a\r\nContent-Disposition: "
	         "form-data; name=b\r\n\r\n1\r\n--XyZ--",
	         "một phần multipart có tiêu đề lặp lại"},
	        {"--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\n1\r\n--XyZ--",
	         "tiêu đề của một phần multipart không hợp lệ"},
	        {"--XyZ\r\nContent-Disposition: form-data; name=a\r\n folded\r\n\r\n1\r\n--XyZ--",
	         "tiêu đề của một phần multipart không hợp lệ"},
	        {"--XyZ\r\nContent-Disposition: form-data; name=a\n\r\n\r\n1\r\n--XyZ--",
	         "tiêu đề của một phần multipart có ký tự điều khiển"},
	        {"--XyZ\r\nContent-Disposition: form-data; name=\"\xC0\xAF\"\r\n\r\n1\r\n--XyZ--",
	         "tiêu đề của một phần multipart không phải UTF-8 hợp lệ"},
	        /* text fields must be UTF-8, like urlencoded ones; files are bytes */
	        {"--XyZ\r\nContent-Disposition: form-data; name=title\r\n\r\n\xC0\xAF\r\n--XyZ--",
	         "tham số “title” không phải UTF-8 hợp lệ"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(mp(&a, CT, bad[i].body, strlen(bad[i].body), &p, &n, &why), -1);
		assert_string_equal(why, bad[i].why);
	}
	static const char nul[] =
	        "--XyZ\r\nContent-Disposition: form-data; name=t\r\n\r\na\0b\r\n--XyZ--";
	assert_int_equal(mp(&a, CT, nul, sizeof nul - 1, &p, &n, &why), -1);
	assert_string_equal(why, "tham số “t” có ký tự NUL");

	/* A header line of 1024 bytes passes, 1025 does not. */
	buf_t b = BUF_INIT;
	for (size_t extra = 0; extra <= 1; extra++) {
		buf_reset(&b);
		buf_puts(&b, "--XyZ\r\nContent-Disposition: form-data; name=a\r\nX-Pad: ");
		size_t line = strlen("X-Pad: ");
		for (size_t i = line; i < 1024 + extra; i++)
			buf_append(&b, "p", 1);
		buf_puts(&b, "\r\n\r\n1\r\n--XyZ--");
		int rc = mp(&a, CT, b.data, b.len, &p, &n, &why);
		if (extra == 0) {
			assert_int_equal(rc, 0);
		} else {
			assert_int_equal(rc, -1);
			assert_string_equal(
			        why, "dòng tiêu đề của một phần multipart dài quá 1024 byte");
		}
	}

	/* 64 parts pass, 65 do not. */
	for (size_t parts = 64; parts <= 65; parts++) {
		buf_reset(&b);
		for (size_t i = 0; i < parts; i++)
			buf_printf(
			        &b,
			        "--XyZ\r\nContent-Disposition: form-data; name=f%zu\r\n\r\n%zu\r\n",
			        i, i);
		buf_puts(&b, "--XyZ--\r\n");
		int rc = mp(&a, CT, b.data, b.len, &p, &n, &why);
		if (parts == 64) {
			assert_int_equal(rc, 0);
			assert_int_equal(n, 64);
			assert_string_equal(p[63].name, "f63");
		} else {
			assert_int_equal(rc, -1);
			assert_string_equal(why, "dữ liệu multipart có quá 64 phần");
		}
	}
	buf_free(&b);
	arena_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_url_decode),
	        cmocka_unit_test(test_path_decode),
	        cmocka_unit_test(test_form_parse),
	        cmocka_unit_test(test_cookie),
	        cmocka_unit_test(test_route_match),
	        cmocka_unit_test(test_route_find),
	        cmocka_unit_test(test_static_helpers),
	        cmocka_unit_test(test_etag_match),
	        cmocka_unit_test(test_multipart_fields),
	        cmocka_unit_test(test_multipart_boundaries),
	        cmocka_unit_test(test_multipart_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
