/* Reading culture over real HTTP: a primary school's officer records its library through
 * the plain form (no JavaScript), adds books, rotates a box to the commune learning
 * centre's community shelf (the centre confirms receipt), records online reading through
 * the JSON API; the district's roll-up shows the numbers per ward; the school's results
 * form pre-fills 6.co_so and 6.doc_online with their sources; every bad input is refused
 * with a Vietnamese 4xx naming the field and nothing stored (read back from the store). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "domain/accounts.h"
#include "domain/demo.h"
#include "helper_app.h"

#define PASSWORD "Van-hoa-doc-2026-kiem-tra"
#define SCHOOL "HA-11413-TH"
#define CLC "HA-11413-TTHTCD"

static char tmpdir[] = "/tmp/suotdoi-rd-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t demo_id;
static ha_client_t school, clc, district;
static int64_t lib, comm; /* the school's library, the centre's shelf */

/* ---------- helpers ---------- */

static int
count_cb(const void *r, void *p)
{
	(void)r;
	++*(int *)p;
	return 0;
}

/* Every stored row of the three tables. */
static int
stored(void)
{
	int n = 0;
	store_reading_query_t q = {0};
	assert_int_equal(
	        store_shelves(app.store, &q, (int (*)(const store_shelf_t *, void *))count_cb, &n),
	        0);
	assert_int_equal(store_book_moves(app.store, &q,
	                                  (int (*)(const store_book_move_t *, void *))count_cb, &n),
	                 0);
	assert_int_equal(store_readings(app.store, &q,
	                                (int (*)(const store_reading_t *, void *))count_cb, &n),
	                 0);
	return n;
}

static void
expect_in(const hc_resp_t *r, const char *s)
{
	if (!strstr(buf_cstr((buf_t *)&r->body), s))
		fail_msg("response %ld lacks \"%s\":\n%.3000s", r->status, s,
		         buf_cstr((buf_t *)&r->body));
}

static hc_resp_t
get(ha_client_t *c, const char *path)
{
	return ha_req(port, c, "GET", path, NULL, 0);
}

static json_t *
get_json(ha_client_t *c, const char *path)
{
	hc_resp_t r = get(c, path);
	if (r.status != 200)
		fail_msg("GET %s: %ld %.2000s", path, r.status, buf_cstr(&r.body));
	json_t *j = json_loads(buf_cstr(&r.body), 0, NULL);
	hc_resp_free(&r);
	assert_non_null(j);
	return j;
}

static json_t *
post_json(ha_client_t *c, const char *path, const char *body, long status)
{
	hc_resp_t r = ha_req(port, c, "POST", path, body, 1);
	if (r.status != status)
		fail_msg("POST %s %s: %ld, expected %ld: %.2000s", path, body, r.status, status,
		         buf_cstr(&r.body));
	json_t *j = json_loads(buf_cstr(&r.body), 0, NULL);
	hc_resp_free(&r);
	assert_non_null(j);
	return j;
}

/* POST as a browser does: the unit's reading page read, its form for path sent whole. */
static hc_resp_t
post_page(ha_client_t *c, const char *path, const char *const *kv)
{
	char page[200];
	const char *at = strstr(path, "/van-hoa-doc");
	assert_non_null(at);
	snprintf(page, sizeof page, "%.*s", (int)(at - path + strlen("/van-hoa-doc")), path);
	return ha_post_page_form(port, c, page, path, kv);
}

static void
post_form_ok(ha_client_t *c, const char *path, const char *const *kv)
{
	hc_resp_t r = post_page(c, path, kv);
	if (r.status != 303)
		fail_msg("POST %s: %ld %.3000s", path, r.status, buf_cstr(&r.body));
	hc_resp_free(&r);
}

static const char *
num(int64_t v)
{
	static char b[8][24];
	static int k;
	k = (k + 1) % 8;
	snprintf(b[k], sizeof b[k], "%lld", (long long)v);
	return b[k];
}

static int64_t
jint(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	if (!json_is_integer(v))
		fail_msg("no integer %s in %s", k, json_dumps(o, 0));
	return json_integer_value(v);
}

/* The holding of shelf id in unit code's API list. */
static int64_t
holding(ha_client_t *c, const char *code, int64_t id)
{
	char p[200];
	snprintf(p, sizeof p, "/api/v1/units/%s/reading?year=2022", code);
	json_t *j = get_json(c, p);
	size_t k;
	json_t *x;
	int64_t h = -1;
	json_array_foreach(json_object_get(j, "shelves"), k, x) if (jint(x, "id") == id) h =
	        jint(x, "held");
	json_decref(j);
	return h;
}

/* ---------- set-up ---------- */

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "r.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	unit_tree_t *t = app_tree(&app);
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &demo_id);
	unit_tree_unref(t);
	if (rc < 0)
		return -1;
	ha_user(&app, "canbo.th", SCHOOL, ROLE_ENTRY, PASSWORD);
	ha_user(&app, "canbo.clc", CLC, ROLE_ENTRY, PASSWORD);
	ha_user(&app, "pgd.q", "306", ROLE_OVERSEER, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &school, "canbo.th", PASSWORD) != 303 ||
	    ha_login(port, &clc, "canbo.clc", PASSWORD) != 303 ||
	    ha_login(port, &district, "pgd.q", PASSWORD) != 303)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return ha_stop(srv, &app, tmpdir);
}

/* ---------- tests ---------- */

static void
test_flow(void **state)
{
	(void)state;
	/* the page offers the forms, labelled, without JavaScript */
	hc_resp_t r = get(&school, "/units/" SCHOOL "/van-hoa-doc");
	assert_int_equal(r.status, 200);
	expect_in(&r, "<label for=\"rs-name\">Tên</label>");
	expect_in(&r, "Tủ sách lớp học");
	hc_resp_free(&r);
	const char *shelf[] = {"name",        "Thư viện trường", "kind",   "thu_vien_truong",
	                       "books_start", "1.000",           "opened", "05/09/2022",
	                       NULL};
	post_form_ok(&school, "/units/" SCHOOL "/van-hoa-doc/shelves", shelf);
	json_t *j = get_json(&school, "/api/v1/units/" SCHOOL "/reading?year=2022");
	json_t *s0 = json_array_get(json_object_get(j, "shelves"), 0);
	lib = jint(s0, "id");
	assert_int_equal(jint(s0, "held"), 1000);
	/* the codes a client may send */
	assert_int_equal(
	        json_array_size(json_object_get(json_object_get(j, "options"), "shelf_kinds")), 6);
	json_decref(j);
	/* books donated (the form) */
	const char *add[] = {"kind",  "add", "date", "03/10/2022",       "shelf", num(lib),
	                     "count", "200", "note", "Phụ huynh ủng hộ", NULL};
	post_form_ok(&school, "/units/" SCHOOL "/van-hoa-doc/moves", add);
	assert_int_equal(holding(&school, SCHOOL, lib), 1200);
	/* the centre records its community shelf through the API */
	j = post_json(&clc, "/api/v1/units/" CLC "/reading/shelves",
	              "{\"name\": \"Tủ sách cộng đồng tổ 2\", \"kind\": \"tu_sach_cong_dong\", "
	              "\"books_start\": 30, \"opened\": \"01/06/2022\"}",
	              201);
	comm = jint(j, "id");
	json_decref(j);
	/* a box rotated from the school to the centre: in transit until received */
	const char *rot[] = {"kind",     "move",    "date",  "05/10/2022", "shelf", num(lib),
	                     "to_shelf", num(comm), "count", "100",        NULL};
	post_form_ok(&school, "/units/" SCHOOL "/van-hoa-doc/moves", rot);
	assert_int_equal(holding(&school, SCHOOL, lib), 1100);
	assert_int_equal(holding(&clc, CLC, comm), 30);
	r = get(&clc, "/units/" CLC "/van-hoa-doc");
	expect_in(&r, "chờ xác nhận");
	expect_in(&r, "Xác nhận đã nhận");
	expect_in(&r, "Đang chuyển");
	hc_resp_free(&r);
	j = get_json(&clc, "/api/v1/units/" CLC "/reading");
	json_t *in0 = json_array_get(json_object_get(j, "incoming"), 0);
	int64_t mid = jint(in0, "id");
	assert_int_equal(jint(in0, "count"), 100);
	json_decref(j);
	/* the sender cannot confirm for the receiver */
	char p[200];
	snprintf(p, sizeof p, "/api/v1/units/%s/reading/moves/%lld/receive", SCHOOL,
	         (long long)mid);
	j = post_json(&school, p, "{}", 404);
	json_decref(j);
	assert_int_equal(holding(&clc, CLC, comm), 30);
	snprintf(p, sizeof p, "/units/%s/van-hoa-doc/moves/%lld/receive", CLC, (long long)mid);
	const char *none[] = {NULL};
	post_form_ok(&clc, p, none);
	assert_int_equal(holding(&clc, CLC, comm), 130);
	r = get(&clc, "/units/" CLC "/van-hoa-doc");
	expect_in(&r, "Đã nhận");
	hc_resp_free(&r);
	/* the receipt is in the centre's audit log, named in Vietnamese */
	r = get(&district, "/units/" CLC "/audit");
	assert_int_equal(r.status, 200);
	expect_in(&r, "Xác nhận nhận sách luân chuyển");
	hc_resp_free(&r);
	/* online reading on the school's blog, through the API */
	char body[300];
	snprintf(body, sizeof body,
	         "{\"shelf\": %lld, \"date\": \"07/10/2022\", \"channel\": \"truc_tuyen\", "
	         "\"readers\": 140}",
	         (long long)lib);
	json_decref(post_json(&school, "/api/v1/units/" SCHOOL "/reading/reads", body, 201));
	const char *here[] = {"shelf",   num(comm), "date",  "08/10/2022", "channel", "tai_cho",
	                      "readers", "45",      "loans", "12",         NULL};
	post_form_ok(&clc, "/units/" CLC "/van-hoa-doc/reads", here);

	/* the district's roll-up */
	j = get_json(&district, "/api/v1/units/306/reading?year=2022");
	json_t *tot = json_object_get(j, "total");
	assert_int_equal(jint(tot, "units_with_shelf"), 2);
	assert_int_equal(jint(tot, "shelves"), 2);
	assert_int_equal(jint(tot, "held"), 1230);
	assert_int_equal(jint(tot, "added"), 200);
	assert_int_equal(jint(tot, "rotated_out"), 100);
	assert_int_equal(jint(tot, "in_transit"), 0);
	assert_int_equal(jint(tot, "readers"), 185);
	assert_int_equal(jint(tot, "online"), 140);
	size_t k;
	json_t *x;
	int ward = 0;
	json_array_foreach(json_object_get(j, "rollup"), k, x)
	{
		if (!strcmp(json_string_value(json_object_get(x, "code")), "11413")) {
			ward = 1;
			assert_int_equal(jint(x, "readers"), 185);
			assert_int_equal(jint(x, "units_with_shelf"), 2);
		} else {
			assert_int_equal(jint(x, "readers"), 0);
		}
	}
	assert_true(ward);
	json_decref(j);
	r = get(&district, "/units/306/van-hoa-doc?year=2022");
	assert_int_equal(r.status, 200);
	expect_in(&r, "Theo đơn vị trực thuộc");
	expect_in(&r, "Phường Đằng Lâm</a>");
	expect_in(&r, "1.230");
	hc_resp_free(&r);
	/* the public page of the ward: counts only, signed out */
	r = get(NULL, "/units/11413");
	expect_in(&r, "Văn hóa đọc năm 2022");
	expect_in(&r, "185 lượt đọc (140 trực tuyến)");
	hc_resp_free(&r);
}

static void
test_prefill(void **state)
{
	(void)state;
	char p[200];
	snprintf(p, sizeof p, "/api/v1/campaigns/%lld/units/%s/report", (long long)demo_id, SCHOOL);
	json_t *j = get_json(&school, p);
	json_t *pre = json_object_get(j, "prefill");
	json_t *co = json_object_get(pre, "6.co_so"), *on = json_object_get(pre, "6.doc_online");
	if (!co || !on)
		fail_msg("no prefill of 6.co_so / 6.doc_online: %s", json_dumps(pre, 0));
	assert_int_equal(jint(co, "value"), 1);
	json_t *src = json_array_get(json_object_get(co, "sources"), 0);
	assert_int_equal(jint(src, "shelf"), lib);
	assert_string_equal(json_string_value(json_object_get(src, "title")), "Thư viện trường");
	assert_int_equal(jint(on, "value"), 140);
	src = json_array_get(json_object_get(on, "sources"), 0);
	assert_int_equal(jint(src, "add"), 140);
	assert_string_equal(json_string_value(json_object_get(src, "date")), "07/10/2022");
	assert_true(json_is_integer(json_object_get(src, "reading")));
	json_decref(j);
	snprintf(p, sizeof p, "/campaigns/%lld/units/%s/report", (long long)demo_id, SCHOOL);
	hc_resp_t r = get(&school, p);
	assert_int_equal(r.status, 200);
	expect_in(&r, "1 cơ sở có thư viện, tủ sách");
	expect_in(&r, "1 lần ghi đọc trực tuyến");
	hc_resp_free(&r);
	/* the centre's own report: its shelf, no online reading */
	snprintf(p, sizeof p, "/api/v1/campaigns/%lld/units/%s/report", (long long)demo_id, CLC);
	j = get_json(&clc, p);
	pre = json_object_get(j, "prefill");
	assert_int_equal(jint(json_object_get(pre, "6.co_so"), "value"), 1);
	assert_null(json_object_get(pre, "6.doc_online"));
	json_decref(j);
}

/* A form POST that must be refused with status, a message containing msg, nothing written. */
static void
form_refused(ha_client_t *c, const char *path, const char *const *kv, long status, const char *msg)
{
	int before = stored();
	hc_resp_t r = post_page(c, path, kv);
	if (r.status != status)
		fail_msg("POST %s: %ld, expected %ld: %.2000s", path, r.status, status,
		         buf_cstr(&r.body));
	expect_in(&r, msg);
	hc_resp_free(&r);
	assert_int_equal(stored(), before);
}

static void
json_refused(ha_client_t *c, const char *path, const char *body, long status, const char *field,
             const char *msg)
{
	int before = stored();
	json_t *j = post_json(c, path, body, status);
	json_t *e = json_object_get(j, "error");
	const char *m =
	        field ? json_string_value(json_object_get(json_object_get(e, "fields"), field))
	              : json_string_value(json_object_get(e, "message"));
	if (!m || !strstr(m, msg))
		fail_msg("POST %s %s: no \"%s\" in %s", path, body, msg, json_dumps(j, 0));
	json_decref(j);
	assert_int_equal(stored(), before);
}

static void
test_bad_input(void **state)
{
	(void)state;
	const char *sp = "/units/" SCHOOL "/van-hoa-doc/shelves";
	const char *mp = "/units/" SCHOOL "/van-hoa-doc/moves";
	const char *noname[] = {"name", "", "kind", "tu_sach_lop", NULL};
	form_refused(&school, sp, noname, 422, "Tên tủ sách: chưa nhập");
	const char *badkind[] = {"name", "Tủ 3A", "kind", "ke", NULL};
	form_refused(&school, sp, badkind, 422, "Loại tủ sách “ke” không có trong danh sách");
	const char *counts[] = {"0", "-5", "abc", "1e12"};
	for (size_t k = 0; k < 4; k++) {
		const char *kv[] = {"kind", "add", "shelf", num(lib), "count", counts[k], NULL};
		form_refused(&school, mp, kv, 422, "Số sách “");
	}
	const char *same[] = {"kind",   "move",  "shelf", num(lib), "to_shelf",
	                      num(lib), "count", "1",     NULL};
	form_refused(&school, mp, same, 422, "Đến tủ sách: trùng với tủ sách chuyển đi");
	const char *toomany[] = {"kind", "withdraw", "shelf", num(lib), "count", "5.000", NULL};
	form_refused(&school, mp, toomany, 422, "tủ “Thư viện trường” hiện có 1.100 cuốn");
	const char *theirs[] = {"kind", "withdraw", "shelf", num(comm), "count", "1", NULL};
	form_refused(&school, mp, theirs, 422, "không thuộc đơn vị này");
	const char *theirs_read[] = {"shelf",   num(comm), "channel", "tai_cho",
	                             "readers", "3",       NULL};
	form_refused(&school, "/units/" SCHOOL "/van-hoa-doc/reads", theirs_read, 422,
	             "không thuộc đơn vị này");
	const char *badread[] = {"shelf", num(lib), "channel", "tai_cho", "readers", "abc", NULL};
	form_refused(&school, "/units/" SCHOOL "/van-hoa-doc/reads", badread, 422,
	             "Số lượt đọc “abc”");
	/* the JSON API: strict types, unknown fields, not an object */
	char body[300];
	snprintf(body, sizeof body, "{\"kind\": \"add\", \"shelf\": %lld, \"count\": \"5\"}",
	         (long long)lib);
	json_refused(&school, "/api/v1/units/" SCHOOL "/reading/moves", body, 400, NULL,
	             "Trường “count” phải là một số nguyên");
	snprintf(body, sizeof body, "{\"kind\": \"add\", \"shelf\": \"%lld\", \"count\": 5}",
	         (long long)lib);
	json_refused(&school, "/api/v1/units/" SCHOOL "/reading/moves", body, 400, NULL,
	             "Trường “shelf” phải là một số nguyên");
	snprintf(body, sizeof body,
	         "{\"kind\": \"add\", \"shelf\": %lld, \"count\": 1000000000000}", (long long)lib);
	json_refused(&school, "/api/v1/units/" SCHOOL "/reading/moves", body, 422, "count",
	             "Số sách “1000000000000”");
	json_refused(&school, "/api/v1/units/" SCHOOL "/reading/shelves",
	             "{\"name\": \"Tủ\", \"kind\": \"tu_sach_lop\", \"books_start\": 5.5}", 400,
	             NULL, "Trường “books_start” phải là một số nguyên");
	json_refused(&school, "/api/v1/units/" SCHOOL "/reading/shelves",
	             "{\"name\": 7, \"kind\": \"tu_sach_lop\"}", 400, NULL,
	             "Trường “name” phải là một chuỗi");
	json_refused(&school, "/api/v1/units/" SCHOOL "/reading/shelves",
	             "{\"name\": \"Tủ\", \"kind\": \"tu_sach_lop\", \"colour\": \"đỏ\"}", 400, NULL,
	             "Trường “colour” không được nhận ở đây");
	/* a long unknown name is cut at a character boundary (60 bytes), still valid JSON */
	json_refused(&school, "/api/v1/units/" SCHOOL "/reading/reads",
	             "{\"xáááááááááááááááááááááááááááááááááá\": 1}", 400, NULL,
	             "Trường “xááááááááááááááááááááááááááááá” không được nhận");
	int before = stored();
	hc_resp_t r =
	        ha_req(port, &school, "POST", "/api/v1/units/" SCHOOL "/reading/reads", "[1]", 1);
	assert_int_equal(r.status, 400);
	expect_in(&r, "đối tượng JSON");
	hc_resp_free(&r);
	assert_int_equal(stored(), before);
	/* a year that is not one */
	r = get(&school, "/units/" SCHOOL "/van-hoa-doc?year=abc");
	assert_int_equal(r.status, 400);
	expect_in(&r, "Năm (year)");
	hc_resp_free(&r);
	/* another unit's page is not the school's to write */
	const char *ok[] = {"name", "Tủ", "kind", "tu_sach_lop", NULL};
	before = stored();
	r = ha_post_form(port, &school, "/units/" CLC "/van-hoa-doc/shelves", ok);
	assert_int_equal(r.status, 403);
	hc_resp_free(&r);
	assert_int_equal(stored(), before);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_flow),
	        cmocka_unit_test(test_prefill),
	        cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
