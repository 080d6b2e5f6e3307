/* The web app end to end: a real SQLite file with the demo data, the real server on
 * 127.0.0.1 (ephemeral port), requests through libcurl. Pages, API, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "core/buf.h"
#include "core/file.h"
#include "core/log.h"
#include "domain/units.h"
#include "helper_app.h"

static char tmpdir[] = "/tmp/suotdoi-app-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;

typedef struct resp {
	long status;
	buf_t body;
	buf_t headers;
} resp_t;

static size_t
on_body(char *p, size_t sz, size_t n, void *ud)
{
	buf_append(ud, p, sz * n);
	return sz * n;
}

static resp_t
get(const char *path)
{
	resp_t r = {0, BUF_INIT, BUF_INIT};
	char url[1024];
	snprintf(url, sizeof url, "http://127.0.0.1:%u%s", port, path);
	CURL *c = curl_easy_init();
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.headers);
	if (curl_easy_perform(c) != CURLE_OK)
		fail_msg("request to %s failed", path);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
	curl_easy_cleanup(c);
	return r;
}

static void
resp_free(resp_t *r)
{
	buf_free(&r->body);
	buf_free(&r->headers);
}

static void
expect(const char *path, long status, const char *needle)
{
	resp_t r = get(path);
	if (r.status != status || (needle && strstr(buf_cstr(&r.body), needle) == NULL))
		fail_msg("%s: status %ld (want %ld), body lacks \"%s\":\n%.600s", path, r.status,
		         status, needle ? needle : "", buf_cstr(&r.body));
	resp_free(&r);
}

static json_t *
get_json(const char *path, long status)
{
	resp_t r = get(path);
	assert_int_equal(r.status, status);
	assert_non_null(strstr(buf_cstr(&r.headers), "application/json"));
	json_error_t e;
	json_t *j = json_loads(buf_cstr(&r.body), 0, &e);
	if (!j)
		fail_msg("%s: bad JSON: %s", path, e.text);
	resp_free(&r);
	return j;
}

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (mkdtemp(tmpdir) == NULL || ha_demo_store(tmpdir, "app.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return ha_stop(srv, &app, tmpdir);
}

static void
test_pages(void **state)
{
	(void)state;
	expect("/", 200, "Thành phố Hải Phòng");
	expect("/", 200, "<html lang=\"vi\">");
	expect("/units", 200, "Tỉnh Ninh Thuận");
	expect("/units/315", 200, "Huyện Tiên Lãng");
	/* bodies of the seeds sit in their localities, breadcrumb up to the root */
	expect("/units/315", 200, "Phòng Giáo dục và Đào tạo huyện Tiên Lãng");
	expect("/units/315", 200, "<a href=\"/units/31\">Thành phố Hải Phòng</a>");
	expect("/units/05812", 200, "Trường THCS Hà Thượng");
	expect("/units/TL-UBND", 200, "ubtienlang@haiphong.gov.vn");
	expect("/healthz", 200, "ok");
	expect("/static/style.css", 200, "--brand");
}

static void
test_search_page(void **state)
{
	(void)state;
	expect("/search", 200, "Tìm đơn vị");
	expect("/search?q=tien+lang", 200, "Huyện Tiên Lãng");
	expect("/search?q=%C4%90%C3%A0+N%E1%BA%B5ng", 200, "Thành phố Đà Nẵng");
	expect("/search?q=da+nang", 200, "Thành phố Đà Nẵng");
	expect("/search?q=ha+thuong&within=19", 200, "Xã Hà Thượng");
	expect("/search?q=zzzzqqq", 200, "Không tìm thấy đơn vị nào");
	/* user text is escaped */
	expect("/search?q=%3Cscript%3E", 200, "&lt;script&gt;");
	expect("/search?q=xa&page=2", 200, "Trang trước");
}

static void
test_api(void **state)
{
	(void)state;
	json_t *j = get_json("/api/v1/units?q=da+nang", 200);
	json_t *units = json_object_get(j, "units");
	assert_true(json_array_size(units) > 0);
	int found = 0;
	size_t i;
	json_t *u;
	json_array_foreach(units, i, u) if (!strcmp(json_string_value(json_object_get(u, "code")),
	                                            "48")) found = 1;
	assert_true(found);
	json_decref(j);

	j = get_json("/api/v1/units/315", 200);
	assert_string_equal(json_string_value(json_object_get(j, "name")), "Huyện Tiên Lãng");
	assert_string_equal(json_string_value(json_object_get(j, "parent")), "31");
	json_t *path = json_object_get(j, "path");
	assert_int_equal(json_array_size(path), 2); /* VN, 31 */
	assert_true(json_array_size(json_object_get(j, "units")) > 19);
	json_decref(j);

	j = get_json("/api/v1/units?parent=05812", 200);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 6);
	json_decref(j);

	j = get_json("/api/v1/units?q=xa&limit=5&offset=5", 200);
	assert_int_equal(json_array_size(json_object_get(j, "units")), 5);
	assert_true(json_integer_value(json_object_get(j, "total")) > 7000);
	json_decref(j);
}

static void
test_errors(void **state)
{
	(void)state;
	expect("/units/KHONGCO", 404, "Không tìm thấy đơn vị");
	expect("/khong-co-trang-nay", 404, "Không tìm thấy");
	json_t *j = get_json("/api/v1/units/KHONGCO", 404);
	assert_non_null(json_object_get(json_object_get(j, "error"), "message"));
	json_decref(j);
	j = get_json("/api/v1/units?q=xa&limit=abc", 400);
	assert_non_null(
	        strstr(json_string_value(json_object_get(json_object_get(j, "error"), "message")),
	               "limit"));
	json_decref(j);
	j = get_json("/api/v1/units", 400);
	json_decref(j);
	expect("/search?q=xa&within=NOPE", 400, "within");
	expect("/search?q=%FF", 400, NULL);
}

static void
test_reload_after_import(void **state)
{
	(void)state;
	char err[1024];
	units_import_stats_t s;
	const char *csv =
	        "code,name,kind,parent_code\nHT-TV,Thư viện xã Hà Thượng,thu_vien,05812\n";
	assert_int_equal(units_import_csv(app.store, csv, strlen(csv), &s, err, sizeof err), 0);
	assert_int_equal(app_tree_reload(&app), 0);
	expect("/units/HT-TV", 200, "Thư viện xã Hà Thượng");
	expect("/search?q=thu+vien+ha+thuong", 200, "Thư viện xã Hà Thượng");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_pages),
	        cmocka_unit_test(test_search_page),
	        cmocka_unit_test(test_api),
	        cmocka_unit_test(test_errors),
	        cmocka_unit_test(test_reload_after_import),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
