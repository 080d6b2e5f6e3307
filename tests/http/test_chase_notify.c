/* Chasing that reaches people, over real HTTP on the demo (Hải Phòng's 2022 campaign,
 * schools due 10/10/2022): "remind all" reaches every missing unit of quận Hải An once and
 * no one who has reported; the schedule's reminders go out on their days (time injected
 * through app_chase_tick, never slept) and only once however often it runs; escalation
 * reaches the parent's head and marks the chase board; a return reaches the school with its
 * comment; the bell, the notice list, opening a notice and marking all read; the schedule
 * is set by the issuer only, with bad values refused naming the field. */
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
#include "domain/demo.h"
#include "helper_app.h"
#include "text/text.h"

#define PASSWORD "Nhac-nho-kiem-tra-22"

static char tmpdir[] = "/tmp/suotdoi-chase-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t campaign;

static ha_client_t school0, school1, officer, ward_head, city_head, other_district;
static int64_t school1_user;

static hc_resp_t
req(ha_client_t *c, const char *method, const char *path, const char *body, int json)
{
	return ha_req(port, c, method, path, body, json);
}

static json_t *
get_json(ha_client_t *c, const char *path)
{
	hc_resp_t r = req(c, "GET", path, NULL, 0);
	if (r.status != 200)
		fail_msg("GET %s: %ld %.300s", path, r.status, buf_cstr(&r.body));
	json_error_t e;
	json_t *j = json_loads(buf_cstr(&r.body), 0, &e);
	assert_non_null(j);
	hc_resp_free(&r);
	return j;
}

static const char *
cpath(const char *unit, const char *tail)
{
	static char p[4][256];
	static int k;
	k = (k + 1) % 4;
	snprintf(p[k], sizeof p[k], "/campaigns/%lld/units/%s%s", (long long)campaign, unit, tail);
	return p[k];
}

static const char *
api(const char *unit, const char *tail)
{
	static char p[4][256];
	static int k;
	k = (k + 1) % 4;
	snprintf(p[k], sizeof p[k], "/api/v1/campaigns/%lld/units/%s%s", (long long)campaign, unit,
	         tail);
	return p[k];
}

/* Unix time of 10:00 in Vietnam on d/m/y. */
static int64_t
vn_at(const char *date)
{
	int32_t day;
	assert_int_equal(text_parse_date(date, strlen(date), &day), 0);
	return (int64_t)day * 86400 + 3 * 3600;
}

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "c.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	unit_tree_t *t = app_tree(&app);
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &campaign);
	unit_tree_unref(t);
	if (rc < 0)
		return -1;
	ha_user(&app, "truong0", "HA-11413-TH", ROLE_HEAD, PASSWORD);
	school1_user = ha_user(&app, "truong1", "HA-11413-THCS", ROLE_HEAD, PASSWORD);
	ha_user(&app, "chuyenvien.haian", "306", ROLE_OVERSEER, PASSWORD);
	ha_user(&app, "lanhdao.11413", "11413", ROLE_HEAD, PASSWORD);
	ha_user(&app, "lanhdao.so", "31", ROLE_HEAD, PASSWORD);
	ha_user(&app, "chuyenvien.khac", "315", ROLE_OVERSEER, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	const struct {
		ha_client_t *c;
		const char *n;
	} who[] = {{&school0, "truong0"},          {&school1, "truong1"},
	           {&officer, "chuyenvien.haian"}, {&ward_head, "lanhdao.11413"},
	           {&city_head, "lanhdao.so"},     {&other_district, "chuyenvien.khac"}};
	for (size_t i = 0; i < sizeof who / sizeof who[0]; i++)
		if (ha_login(port, who[i].c, who[i].n, PASSWORD) != 303)
			return -1;
	/* school 0 reports; school 1 does not */
	hc_resp_t r =
	        req(&school0, "POST", api("HA-11413-TH", "/submit"),
	            "{\"values\": {\"1.ke_hoach\": true, \"5.2.lop\": 3, \"5.2.nguoi\": 40}}", 1);
	if (r.status != 200)
		print_error("submit: %ld %s\n", r.status, buf_cstr(&r.body));
	rc = r.status == 200 ? 0 : -1;
	hc_resp_free(&r);
	return rc;
}

static int
teardown(void **state)
{
	(void)state;
	return ha_stop(srv, &app, tmpdir);
}

static int64_t
unread(ha_client_t *c)
{
	json_t *j = get_json(c, "/api/v1/notices");
	int64_t n = json_integer_value(json_object_get(j, "unread"));
	json_decref(j);
	return n;
}

/* How many of c's notices are of kind (and, when not NULL, contain text in title/body). */
static int
notices_of(ha_client_t *c, const char *kind, const char *text)
{
	json_t *j = get_json(c, "/api/v1/notices");
	json_t *rows = json_object_get(j, "notices"), *o;
	size_t i;
	int n = 0;
	json_array_foreach(rows, i, o)
	{
		if (strcmp(json_string_value(json_object_get(o, "kind")), kind) != 0)
			continue;
		if (text && !strstr(json_string_value(json_object_get(o, "title")), text) &&
		    !strstr(json_string_value(json_object_get(o, "body")), text))
			continue;
		n++;
	}
	json_decref(j);
	return n;
}

/* The chase board's row of unit code among the missing, or NULL (borrowed from board). */
static json_t *
missing_row(json_t *board, const char *code)
{
	json_t *o;
	size_t i;
	json_array_foreach(json_object_get(board, "not_in"), i, o)
	{
		if (!strcmp(json_string_value(json_object_get(o, "code")), code))
			return o;
	}
	return NULL;
}

static int
count_rem(const store_reminder_t *r, void *p)
{
	void **a = p;
	if (!strcmp(r->kind, (const char *)a[0]))
		(*(int *)a[1])++;
	return 0;
}

static int
reminders(const char *kind)
{
	int n = 0;
	void *a[2] = {(void *)kind, &n};
	assert_int_equal(store_reminders_of_campaign(app.store, campaign, count_rem, a), 0);
	return n;
}

static void
test_remind_all_reaches_each_missing_unit_once(void **state)
{
	(void)state;
	json_t *board = get_json(&officer, api("306", "/status"));
	int64_t remindable = json_integer_value(json_object_get(board, "remindable"));
	int64_t missing = json_integer_value(json_object_get(board, "missing"));
	assert_true(remindable > 5);
	/* every unit below the district that has not reported; the district's own report is
	 * its own business */
	assert_int_equal(remindable, missing - 1);
	assert_null(missing_row(board, "HA-11413-TH")); /* reported */
	assert_non_null(missing_row(board, "HA-11413-THCS"));
	assert_false(json_object_get(missing_row(board, "HA-11413-THCS"), "reminded"));
	assert_false(json_is_true(json_object_get(board, "mail_on")));
	json_decref(board);

	int64_t before = unread(&school1);
	/* the form, as the board's button sends it */
	char body[300];
	snprintf(body, sizeof body, "csrf=%s&note=%s", officer.csrf, "Nộp+trước+ngày+10/10");
	hc_resp_t r = req(&officer, "POST", cpath("306", "/remind-all"), body, 0);
	assert_int_equal(r.status, 303);
	char loc[300];
	assert_non_null(hc_header(&r, "Location", loc, sizeof loc));
	assert_non_null(strstr(loc, "done=remind-all"));
	hc_resp_free(&r);
	/* the page it leads to says how many were reminded */
	r = req(&officer, "GET", loc, NULL, 0);
	char said[120];
	snprintf(said, sizeof said, "Đã gửi nhắc nhở tới %lld đơn vị chưa nộp.",
	         (long long)remindable);
	assert_non_null(strstr(buf_cstr(&r.body), said));
	hc_resp_free(&r);
	/* a crafted count puts no words on the page */
	r = req(&officer, "GET", cpath("306", "/status?done=remind-all&n=Hãy+gọi+số+0900"), NULL,
	        0);
	assert_null(strstr(buf_cstr(&r.body), "Hãy gọi"));
	hc_resp_free(&r);
	assert_int_equal(reminders("all"), remindable);
	assert_int_equal(unread(&school1), before + 1);
	assert_int_equal(notices_of(&school1, "remind", "Nộp trước ngày 10/10"), 1);
	assert_int_equal(notices_of(&school0, "remind", NULL), 0); /* it reported */

	board = get_json(&officer, api("306", "/status"));
	json_t *row = missing_row(board, "HA-11413-THCS");
	json_t *mark = json_object_get(row, "reminded");
	assert_non_null(mark);
	assert_string_equal(json_string_value(json_object_get(mark, "kind")), "nhắc tất cả");
	assert_string_equal(json_string_value(json_object_get(mark, "channels")), "trong ứng dụng");
	json_decref(board);
	/* the page says when, how, and that no e-mail is configured */
	r = req(&officer, "GET", cpath("306", "/status"), NULL, 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(buf_cstr(&r.body), "Đã nhắc"));
	assert_non_null(strstr(buf_cstr(&r.body), "Chưa cấu hình thư điện tử"));
	assert_non_null(strstr(buf_cstr(&r.body), "Nhắc tất cả"));
	hc_resp_free(&r);

	/* the API: another district's officer may not remind Hải An's units */
	r = req(&other_district, "POST", api("306", "/remind-all"), "{}", 1);
	assert_int_equal(r.status, 403);
	hc_resp_free(&r);
	/* wrong JSON types are refused, nothing written */
	r = req(&officer, "POST", api("306", "/remind-all"), "{\"note\": 5}", 1);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(buf_cstr(&r.body), "note"));
	hc_resp_free(&r);
	r = req(&officer, "POST", api("306", "/remind-all"), "{\"units\": []}", 1);
	assert_int_equal(r.status, 400);
	hc_resp_free(&r);
	char long_note[700] = "{\"note\": \"";
	memset(long_note + strlen(long_note), 'x', 600);
	strcpy(long_note + 610, "\"}");
	r = req(&officer, "POST", api("306", "/remind-all"), long_note, 1);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(buf_cstr(&r.body), "500"));
	hc_resp_free(&r);
	assert_int_equal(reminders("all"), remindable);
	/* one unit, through the API */
	r = req(&officer, "POST", api("HA-11413-THCS", "/remind"), "{\"note\": \"Gấp\"}", 1);
	assert_int_equal(r.status, 201);
	hc_resp_free(&r);
	assert_int_equal(reminders("manual"), 1);
	assert_int_equal(notices_of(&school1, "remind", "Gấp"), 1);
}

static void
test_schedule_runs_once_per_day_and_escalates(void **state)
{
	(void)state;
	size_t rem = 0, esc = 0;
	/* 05/10: nothing is due yet (schools: 10/10, reminders at -3 -1 +1) */
	assert_int_equal(app_chase_tick(&app, vn_at("05/10/2022"), &rem, &esc), 0);
	assert_int_equal(rem, 0);
	assert_int_equal(esc, 0);
	/* 07/10: three days before */
	assert_int_equal(app_chase_tick(&app, vn_at("07/10/2022"), &rem, &esc), 0);
	assert_true(rem > 5);
	assert_int_equal(esc, 0);
	size_t first = rem;
	assert_int_equal(notices_of(&school1, "due", "Sắp đến hạn"), 1);
	assert_int_equal(notices_of(&school0, "due", NULL), 0);
	/* again the same day, and the next: nothing new */
	assert_int_equal(app_chase_tick(&app, vn_at("07/10/2022"), &rem, &esc), 0);
	assert_int_equal(rem, 0);
	assert_int_equal(app_chase_tick(&app, vn_at("08/10/2022"), &rem, &esc), 0);
	assert_int_equal(rem, 0);
	/* 09/10: one day before; 11/10: overdue */
	assert_int_equal(app_chase_tick(&app, vn_at("09/10/2022"), &rem, &esc), 0);
	assert_int_equal(rem, first);
	assert_int_equal(app_chase_tick(&app, vn_at("11/10/2022"), &rem, &esc), 0);
	assert_true(rem >= first); /* the districts (due 15/10) are not overdue yet */
	assert_int_equal(notices_of(&school1, "overdue", "quá hạn"), 1);
	assert_int_equal(notices_of(&ward_head, "escalate", NULL), 0);
	/* 13/10: three days late: the parent's heads hear of it, once */
	assert_int_equal(app_chase_tick(&app, vn_at("13/10/2022"), &rem, &esc), 0);
	assert_true(rem < first); /* only the districts' first reminder (due 15/10) */
	assert_true(esc > 0);
	assert_int_equal(notices_of(&ward_head, "escalate", "Trường THCS"), 1);
	assert_int_equal(notices_of(&ward_head, "escalate", "Trường Tiểu học"), 0); /* reported */
	assert_int_equal(app_chase_tick(&app, vn_at("14/10/2022"), &rem, &esc), 0);
	assert_int_equal(esc, 0);
	json_t *board = get_json(&officer, api("306", "/status"));
	json_t *row = missing_row(board, "HA-11413-THCS");
	assert_true(json_is_string(json_object_get(row, "escalated")));
	/* the newest reminder is the manual one (written at the real time, after 2022) */
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(row, "reminded"), "kind")),
	        "nhắc riêng");
	assert_null(json_object_get(missing_row(board, "HA-11413-TH"), "escalated"));
	json_decref(board);
}

static void
test_return_reaches_the_school_with_its_comment(void **state)
{
	(void)state;
	hc_resp_t r = req(&officer, "POST", api("HA-11413-TH", "/return"),
	                  "{\"comment\": \"Số lớp học chưa khớp với kế hoạch\"}", 1);
	assert_int_equal(r.status, 200);
	hc_resp_free(&r);
	assert_int_equal(notices_of(&school0, "return", "Số lớp học chưa khớp với kế hoạch"), 1);
	assert_int_equal(notices_of(&school1, "return", NULL), 0);
}

static void
test_notice_list_open_and_read(void **state)
{
	(void)state;
	int64_t n = unread(&school1);
	assert_true(n >= 3);
	/* the bell on every page */
	hc_resp_t r = req(&school1, "GET", "/", NULL, 0);
	char bell[64];
	snprintf(bell, sizeof bell, ">%lld</span>", (long long)n);
	assert_non_null(strstr(buf_cstr(&r.body), bell));
	/* the school's home page puts its unread reminders first, before its count-down */
	const char *home = buf_cstr(&r.body);
	const char *rem = strstr(home, "class=\"msg warn notice\"");
	assert_non_null(rem);
	assert_non_null(strstr(rem, "báo cáo Tuần lễ"));
	const char *countdown = strstr(home, "class=\"msg err\"");
	assert_true(countdown == NULL || rem < countdown);
	hc_resp_free(&r);
	r = req(&school1, "GET", "/notices", NULL, 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(buf_cstr(&r.body), "Nhắc nộp báo cáo"));
	hc_resp_free(&r);
	/* opening one marks it read and goes to the report */
	json_t *j = get_json(&school1, "/api/v1/notices");
	json_t *first = json_array_get(json_object_get(j, "notices"), 0);
	long long id = (long long)json_integer_value(json_object_get(first, "id"));
	char p[64];
	snprintf(p, sizeof p, "/notices/%lld", id);
	json_decref(j);
	/* not someone else's */
	r = req(&other_district, "GET", p, NULL, 0);
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
	r = req(&school1, "GET", p, NULL, 0);
	assert_int_equal(r.status, 303);
	char loc[300];
	assert_non_null(hc_header(&r, "Location", loc, sizeof loc));
	assert_non_null(strstr(loc, "/units/HA-11413-THCS/report"));
	hc_resp_free(&r);
	assert_int_equal(unread(&school1), n - 1);
	/* a notice's link is only ever a path on this site: anything else opens the list */
	const char *links[] = {"//evil.example", "/\\evil.example", "https://evil.example"};
	for (size_t k = 0; k < 3; k++) {
		unit_tree_t *t = app_tree(&app);
		store_notice_t bad = {.at = app_now(),
		                      .kind = "remind",
		                      .unit_id =
		                              t->units[unit_tree_find_code(t, "HA-11413-THCS")].id,
		                      .user_id = school1_user,
		                      .title = "x",
		                      .link = links[k]};
		unit_tree_unref(t);
		int64_t bid;
		assert_int_equal(store_notice_add(app.store, &bad, &bid), 0);
		snprintf(p, sizeof p, "/notices/%lld", (long long)bid);
		r = req(&school1, "GET", p, NULL, 0);
		assert_int_equal(r.status, 303);
		assert_non_null(hc_header(&r, "Location", loc, sizeof loc));
		assert_string_equal(loc, "/notices");
		hc_resp_free(&r);
	}
	assert_int_equal(unread(&school1), n - 1);
	char body[100];
	snprintf(body, sizeof body, "csrf=%s", school1.csrf);
	r = req(&school1, "POST", "/notices/read", body, 0);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	assert_int_equal(unread(&school1), 0);
	assert_true(unread(&ward_head) > 0); /* reads are per user */
}

static void
test_schedule_set_by_the_issuer(void **state)
{
	(void)state;
	char p[200], body[300];
	snprintf(p, sizeof p, "/units/31/campaigns/%lld/chase", (long long)campaign);
	snprintf(body, sizeof body, "csrf=%s&remind_days=-5+-2+%%2C2&escalate_days=4&automatic=1",
	         city_head.csrf);
	hc_resp_t r = req(&city_head, "POST", p, body, 0);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	json_t *board = get_json(&officer, api("306", "/status"));
	json_t *s = json_object_get(board, "schedule");
	assert_string_equal(json_string_value(json_object_get(s, "days")), "-5 -2 2");
	assert_int_equal(json_integer_value(json_object_get(s, "escalate_days")), 4);
	assert_false(json_is_true(json_object_get(s, "can_manage"))); /* not the issuer */
	json_decref(board);
	/* bad values: 400 naming the field, the schedule unchanged */
	snprintf(body, sizeof body, "csrf=%s&remind_days=-5+ba&escalate_days=4", city_head.csrf);
	r = req(&city_head, "POST", p, body, 0);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(buf_cstr(&r.body), "Lịch nhắc"));
	hc_resp_free(&r);
	snprintf(body, sizeof body, "csrf=%s&remind_days=-5&escalate_days=-1", city_head.csrf);
	r = req(&city_head, "POST", p, body, 0);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(buf_cstr(&r.body), "báo lãnh đạo"));
	hc_resp_free(&r);
	/* the district is not the issuer */
	snprintf(p, sizeof p, "/units/306/campaigns/%lld/chase", (long long)campaign);
	snprintf(body, sizeof body, "csrf=%s&remind_days=1&escalate_days=1", officer.csrf);
	r = req(&officer, "POST", p, body, 0);
	assert_true(r.status == 403 || r.status == 404);
	hc_resp_free(&r);
	board = get_json(&city_head, api("31", "/status"));
	s = json_object_get(board, "schedule");
	assert_string_equal(json_string_value(json_object_get(s, "days")), "-5 -2 2");
	assert_true(json_is_true(json_object_get(s, "can_manage")));
	json_decref(board);
	/* switched off: the schedule sends nothing */
	snprintf(p, sizeof p, "/units/31/campaigns/%lld/chase", (long long)campaign);
	snprintf(body, sizeof body, "csrf=%s&remind_days=-5+-2+2&escalate_days=4", city_head.csrf);
	r = req(&city_head, "POST", p, body, 0);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	size_t rem = 1, esc = 1;
	assert_int_equal(app_chase_tick(&app, vn_at("20/10/2022"), &rem, &esc), 0);
	assert_int_equal(rem + esc, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_remind_all_reaches_each_missing_unit_once),
	        cmocka_unit_test(test_schedule_runs_once_per_day_and_escalates),
	        cmocka_unit_test(test_return_reaches_the_school_with_its_comment),
	        cmocka_unit_test(test_notice_list_open_and_read),
	        cmocka_unit_test(test_schedule_set_by_the_issuer),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
