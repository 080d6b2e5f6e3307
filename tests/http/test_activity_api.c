/* The activities' JSON API for a phone that sends later what it kept offline (issue 17):
 * creation with a client key sent twice makes one activity; edits and outcomes as JSON
 * refuse wrong types (never coerced) naming the field, answer 422 with per-field messages,
 * and 409 with the server's current activity when the version moved; values read back
 * byte for byte from the store; another unit's officer and a viewer are refused. Real
 * server on 127.0.0.1, real SQLite file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/app.h"
#include "domain/accounts.h"
#include "domain/demo.h"
#include "helper_app.h"
#include "text/text.h"

#define PASSWORD "Hoat-dong-API-2026"
#define CLC "HA-11413-TTHTCD"
#define API "/api/v1/units/" CLC "/activities"

static char tmpdir[] = "/tmp/suotdoi-actapi-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t demo_id, current_id;
static int32_t base_day;
static ha_client_t clc, school, viewer;

/* ---------- helpers ---------- */

static const char *
day_str(int32_t d)
{
	static char s[16];
	buf_t b = BUF_INIT;
	text_format_date(d, &b);
	snprintf(s, sizeof s, "%s", buf_cstr(&b));
	buf_free(&b);
	return s;
}

static int
count_cb(const store_activity_t *a, void *p)
{
	(void)a;
	(*(int *)p)++;
	return 0;
}

static int
stored(void)
{
	int n = 0;
	store_activity_query_t q = {.path = ""};
	assert_true(store_activities_find(app.store, &q, count_cb, &n) >= 0);
	return n;
}

typedef struct got {
	char title[512], description[1024], place[256], status[16], outcome[1024], client_id[80];
	int64_t expected, actual, version;
	int is_public;
} got_t;

static int
got_cb(const store_activity_t *a, void *p)
{
	got_t *g = p;
	snprintf(g->title, sizeof g->title, "%s", a->title);
	snprintf(g->description, sizeof g->description, "%s", a->description);
	snprintf(g->place, sizeof g->place, "%s", a->place);
	snprintf(g->status, sizeof g->status, "%s", a->status);
	snprintf(g->outcome, sizeof g->outcome, "%s", a->outcome);
	snprintf(g->client_id, sizeof g->client_id, "%s", a->client_id ? a->client_id : "");
	g->expected = a->expected;
	g->actual = a->actual;
	g->version = a->version;
	g->is_public = a->is_public;
	return 0;
}

static got_t
get_activity(int64_t id)
{
	got_t g;
	memset(&g, 0, sizeof g);
	assert_int_equal(store_activity_get(app.store, id, got_cb, &g), 1);
	return g;
}

static hc_resp_t
post_json(ha_client_t *c, const char *path, json_t *body /* stolen */)
{
	char *s = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	hc_resp_t r = ha_req(port, c, "POST", path, s, 1);
	free(s);
	return r;
}

static json_t *
reply_json(const hc_resp_t *r)
{
	json_error_t je;
	json_t *j = json_loadb(r->body.data, r->body.len, 0, &je);
	if (!j)
		fail_msg("not JSON (%ld): %.2000s", r->status, buf_cstr((buf_t *)&r->body));
	return j;
}

static void
expect_status(const hc_resp_t *r, long status)
{
	if (r->status != status)
		fail_msg("expected %ld, got %ld:\n%.3000s", status, r->status,
		         buf_cstr((buf_t *)&r->body));
}

static void
expect_in(const hc_resp_t *r, const char *s)
{
	if (!strstr(buf_cstr((buf_t *)&r->body), s))
		fail_msg("response %ld lacks \"%s\":\n%.3000s", r->status, s,
		         buf_cstr((buf_t *)&r->body));
}

static const char *
act_api(int64_t id, const char *tail)
{
	static char p[2][200];
	static int k;
	k = (k + 1) % 2;
	snprintf(p[k], sizeof p[k], API "/%lld%s", (long long)id, tail);
	return p[k];
}

/* A valid registration's body on day d of the current campaign. */
static json_t *
reg_body(int32_t d, const char *title)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:b}", "campaign",
	                 (json_int_t)current_id, "kind", "lop_ngoai_ngu_tin_hoc", "title", title,
	                 "description", "Dòng một\nDòng hai: “ngoặc” & <thẻ>", "start_date",
	                 day_str(d), "start_time", "07:00", "end_time", "08:30", "place",
	                 "Nhà văn hóa thôn Đông", "mode", "truc_tiep", "audience", "Người cao tuổi",
	                 "expected", (json_int_t)35, "public", 1);
}

static int64_t
id_of(const hc_resp_t *r)
{
	json_t *j = reply_json(r);
	int64_t id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	assert_true(id > 0);
	return id;
}

/* ---------- set-up ---------- */

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "a.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	unit_tree_t *t = app_tree(&app);
	if (demo_campaign(app.store, t, TEST_SOURCE_DIR, &demo_id) < 0)
		return -1;
	unit_tree_unref(t);
	if (ha_haian_campaign(&app, demo_id, &current_id, &base_day) < 0)
		return -1;
	ha_user(&app, "canbo.clc", CLC, ROLE_ENTRY, PASSWORD);
	ha_user(&app, "canbo.th", "HA-11413-TH", ROLE_ENTRY, PASSWORD);
	ha_user(&app, "xem.clc", CLC, ROLE_VIEWER, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &clc, "canbo.clc", PASSWORD) != 303 ||
	    ha_login(port, &school, "canbo.th", PASSWORD) != 303 ||
	    ha_login(port, &viewer, "xem.clc", PASSWORD) != 303)
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

/* A creation sent again with the same client key (its answer lost): the first activity
 * comes back, none is added. */
static void
test_create_once(void **state)
{
	(void)state;
	int before = stored();
	json_t *b = reg_body(base_day + 1, "Đọc sách cùng con — buổi 1");
	json_object_set_new(b, "client_id", json_string("p-7f3a9c-0001"));
	json_incref(b);
	hc_resp_t r = post_json(&clc, API, b);
	expect_status(&r, 201);
	int64_t id = id_of(&r);
	expect_in(&r, "\"client_id\":\"p-7f3a9c-0001\"");
	hc_resp_free(&r);
	r = post_json(&clc, API, b);
	expect_status(&r, 200);
	assert_int_equal(id_of(&r), id);
	hc_resp_free(&r);
	assert_int_equal(stored(), before + 1);
	got_t g = get_activity(id);
	assert_string_equal(g.client_id, "p-7f3a9c-0001");
	assert_string_equal(g.title, "Đọc sách cùng con — buổi 1");
	assert_string_equal(g.description, "Dòng một\nDòng hai: “ngoặc” & <thẻ>");
	assert_int_equal(g.expected, 35);
	/* a key that is not a short token is refused, nothing stored */
	b = reg_body(base_day + 1, "Khóa sai");
	json_object_set_new(b, "client_id", json_integer(7));
	r = post_json(&clc, API, b);
	expect_status(&r, 400);
	expect_in(&r, "client_id");
	hc_resp_free(&r);
	b = reg_body(base_day + 1, "Khóa sai");
	json_object_set_new(b, "client_id", json_string("có dấu cách"));
	r = post_json(&clc, API, b);
	expect_status(&r, 400);
	hc_resp_free(&r);
	assert_int_equal(stored(), before + 1);
}

/* Wrong JSON types: 400 naming the field, nothing coerced, nothing stored. */
static void
test_types_refused(void **state)
{
	(void)state;
	int before = stored();
	static const struct {
		const char *field;
		const char *json; /* the member's value */
	} bad[] = {{"expected", "\"35\""}, {"public", "\"1\""},  {"title", "5"},
	           {"campaign", "\"1\""},  {"late_ok", "1"},     {"start_date", "20221006"},
	           {"place", "[\"a\"]"},   {"description", "{}"}};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		json_t *b = reg_body(base_day + 2, "Sai kiểu");
		json_error_t je;
		json_object_set_new(b, bad[k].field, json_loads(bad[k].json, JSON_DECODE_ANY, &je));
		hc_resp_t r = post_json(&clc, API, b);
		expect_status(&r, 400);
		char want[80];
		snprintf(want, sizeof want, "Trường “%s” phải là", bad[k].field);
		expect_in(&r, want);
		hc_resp_free(&r);
	}
	assert_int_equal(stored(), before);
	/* an edit and an outcome likewise, and the activity stays as it was */
	hc_resp_t r = post_json(&clc, API, reg_body(base_day + 2, "Đúng kiểu"));
	expect_status(&r, 201);
	int64_t id = id_of(&r);
	hc_resp_free(&r);
	json_t *e = reg_body(base_day + 2, "Sửa sai kiểu");
	json_object_set_new(e, "version", json_integer(1));
	json_object_set_new(e, "expected", json_real(35.5));
	r = post_json(&clc, act_api(id, ""), e);
	expect_status(&r, 400);
	expect_in(&r, "Trường “expected” phải là một số nguyên");
	hc_resp_free(&r);
	e = reg_body(base_day + 2, "Sửa thiếu phiên bản");
	r = post_json(&clc, act_api(id, ""), e);
	expect_status(&r, 400);
	expect_in(&r, "Trường “version”");
	hc_resp_free(&r);
	r = post_json(&clc, act_api(id, "/outcome"),
	              json_pack("{s:s,s:s,s:I}", "status", "cancelled", "actual", "30", "version",
	                        (json_int_t)1));
	expect_status(&r, 400);
	expect_in(&r, "Trường “actual” phải là một số nguyên");
	hc_resp_free(&r);
	r = post_json(&clc, act_api(id, "/outcome"),
	              json_pack("{s:b,s:I}", "status", 1, "version", (json_int_t)1));
	expect_status(&r, 400);
	expect_in(&r, "Trường “status” phải là một chuỗi");
	hc_resp_free(&r);
	r = ha_req(port, &clc, "POST", act_api(id, "/outcome"), "[1,2]", 1);
	expect_status(&r, 400);
	hc_resp_free(&r);
	got_t g = get_activity(id);
	assert_string_equal(g.title, "Đúng kiểu");
	assert_string_equal(g.status, "planned");
	assert_int_equal(g.version, 1);
}

/* An edit and an outcome as JSON: 200 with the new version, values read back byte for
 * byte; 422 with messages by field; 409 with the server's current activity. */
static void
test_edit_outcome_conflict(void **state)
{
	(void)state;
	/* an activity of the 2022 week (past), registered late: outcomes may say "held" */
	json_t *b = reg_body(0, "Tọa đàm “Học tập số” & <gia đình>");
	json_object_set_new(b, "campaign", json_integer(demo_id));
	json_object_set_new(b, "start_date", json_string("06/10/2022"));
	json_object_set_new(b, "late_ok", json_true());
	hc_resp_t r = post_json(&clc, API, b);
	expect_status(&r, 201);
	int64_t id = id_of(&r);
	hc_resp_free(&r);
	/* edit */
	b = reg_body(0, "Tọa đàm “Học tập số” — sửa lần 1");
	json_object_set_new(b, "campaign", json_integer(demo_id));
	json_object_set_new(b, "start_date", json_string("06/10/2022"));
	json_object_set_new(b, "place", json_string("Hội trường UBND phường, tầng 2 (phòng 201)"));
	json_object_set_new(b, "expected", json_null());
	json_object_set_new(b, "public", json_false());
	json_object_set_new(b, "version", json_integer(1));
	r = post_json(&clc, act_api(id, ""), b);
	expect_status(&r, 200);
	expect_in(&r, "\"version\":2");
	hc_resp_free(&r);
	got_t g = get_activity(id);
	assert_string_equal(g.title, "Tọa đàm “Học tập số” — sửa lần 1");
	assert_string_equal(g.place, "Hội trường UBND phường, tầng 2 (phòng 201)");
	assert_int_equal(g.expected, -1);
	assert_int_equal(g.is_public, 0);
	/* an edit that fails the checks: 422 by field, nothing written */
	b = reg_body(0, "");
	json_object_set_new(b, "campaign", json_integer(demo_id));
	json_object_set_new(b, "start_date", json_string("06/10/2022"));
	json_object_set_new(b, "end_time", json_string("06:00"));
	json_object_set_new(b, "version", json_integer(2));
	r = post_json(&clc, act_api(id, ""), b);
	expect_status(&r, 422);
	expect_in(&r, "\"title\":\"Tên hoạt động: hãy nhập tên hoạt động.\"");
	expect_in(&r, "\"end\":");
	hc_resp_free(&r);
	/* outcome: held without participants is 422 on "actual" */
	r = post_json(&clc, act_api(id, "/outcome"),
	              json_pack("{s:s,s:n,s:s,s:I}", "status", "held", "actual", "outcome", "",
	                        "version", (json_int_t)2));
	expect_status(&r, 422);
	expect_in(&r, "\"actual\":\"Số người tham gia thực tế: hãy nhập");
	hc_resp_free(&r);
	assert_int_equal(get_activity(id).version, 2);
	const char *note = "42 người dự; phát 30 cuốn “Sổ tay học tập”.\nBuổi sau: 20/10.";
	r = post_json(&clc, act_api(id, "/outcome"),
	              json_pack("{s:s,s:i,s:s,s:I}", "status", "held", "actual", 42, "outcome",
	                        note, "version", (json_int_t)2));
	expect_status(&r, 200);
	expect_in(&r, "\"actual\":42");
	expect_in(&r, "\"version\":3");
	hc_resp_free(&r);
	g = get_activity(id);
	assert_string_equal(g.status, "held");
	assert_int_equal(g.actual, 42);
	assert_string_equal(g.outcome, note);
	/* a phone that kept version 2 offline: 409 with what the server has now */
	r = post_json(&clc, act_api(id, "/outcome"),
	              json_pack("{s:s,s:i,s:s,s:I}", "status", "held", "actual", 40, "outcome",
	                        "Bản trên máy", "version", (json_int_t)2));
	expect_status(&r, 409);
	json_t *j = reply_json(&r);
	json_t *cur = json_object_get(j, "activity");
	assert_true(json_is_object(cur));
	assert_int_equal(json_integer_value(json_object_get(cur, "version")), 3);
	assert_int_equal(json_integer_value(json_object_get(cur, "actual")), 42);
	assert_string_equal(json_string_value(json_object_get(cur, "outcome")), note);
	assert_non_null(
	        strstr(json_string_value(json_object_get(json_object_get(j, "error"), "message")),
	               "vừa được người khác sửa"));
	json_decref(j);
	hc_resp_free(&r);
	b = reg_body(0, "Bản sửa cũ");
	json_object_set_new(b, "campaign", json_integer(demo_id));
	json_object_set_new(b, "start_date", json_string("06/10/2022"));
	json_object_set_new(b, "version", json_integer(1));
	r = post_json(&clc, act_api(id, ""), b);
	expect_status(&r, 409);
	expect_in(&r, "\"activity\":{");
	expect_in(&r, "\"title\":\"Tọa đàm “Học tập số” — sửa lần 1\"");
	hc_resp_free(&r);
	g = get_activity(id);
	assert_int_equal(g.version, 3);
	assert_int_equal(g.actual, 42);
	assert_string_equal(g.title, "Tọa đàm “Học tập số” — sửa lần 1");
	/* the choice made, sent with the new version */
	r = post_json(&clc, act_api(id, "/outcome"),
	              json_pack("{s:s,s:i,s:s,s:I}", "status", "held", "actual", 40, "outcome",
	                        note, "version", (json_int_t)3));
	expect_status(&r, 200);
	hc_resp_free(&r);
	assert_int_equal(get_activity(id).actual, 40);
}

/* Who may: another unit's officer and a viewer of the unit are refused; nothing changes. */
static void
test_authorisation(void **state)
{
	(void)state;
	hc_resp_t r = post_json(&clc, API, reg_body(base_day + 3, "Của trung tâm"));
	expect_status(&r, 201);
	int64_t id = id_of(&r);
	hc_resp_free(&r);
	int before = stored();
	ha_client_t *who[] = {&school, &viewer, NULL};
	for (int k = 0; k < 3; k++) {
		r = post_json(who[k], act_api(id, ""),
		              json_pack("{s:s,s:I}", "title", "Chiếm", "version", (json_int_t)1));
		assert_true(r.status == 403 || r.status == 401 || r.status == 303);
		hc_resp_free(&r);
		r = post_json(
		        who[k], act_api(id, "/outcome"),
		        json_pack("{s:s,s:I}", "status", "cancelled", "version", (json_int_t)1));
		assert_true(r.status == 403 || r.status == 401 || r.status == 303);
		hc_resp_free(&r);
		r = post_json(who[k], API, reg_body(base_day + 3, "Chen vào"));
		assert_true(r.status == 403 || r.status == 401 || r.status == 303);
		hc_resp_free(&r);
	}
	/* the right unit's officer without the CSRF header: refused */
	r = ha_req(port, &clc, "POST", act_api(id, "/outcome"),
	           "{\"status\":\"cancelled\",\"version\":1}", 0);
	assert_true(r.status == 403 || r.status == 400);
	hc_resp_free(&r);
	assert_int_equal(stored(), before);
	got_t g = get_activity(id);
	assert_string_equal(g.title, "Của trung tâm");
	assert_string_equal(g.status, "planned");
	assert_int_equal(g.version, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_create_once),
	        cmocka_unit_test(test_types_refused),
	        cmocka_unit_test(test_edit_outcome_conflict),
	        cmocka_unit_test(test_authorisation),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
