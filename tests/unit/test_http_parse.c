/* Unit tests of the HTTP layer's pure helpers: percent-decoding, strict path decoding,
 * urlencoded pairs, cookies, route matching, static path checks and ETag matching. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

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
	assert_int_equal(m.allow, HTTP_GET | HTTP_POST | HTTP_DELETE);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_url_decode),     cmocka_unit_test(test_path_decode),
	        cmocka_unit_test(test_form_parse),     cmocka_unit_test(test_cookie),
	        cmocka_unit_test(test_route_match),    cmocka_unit_test(test_route_find),
	        cmocka_unit_test(test_static_helpers), cmocka_unit_test(test_etag_match),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
