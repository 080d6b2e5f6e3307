/* The chase board is kept between writes (src/app/chase_pages.c): two reads with nothing
 * changed answer the same bytes, and each thing the board shows moves it at once — a
 * submission, a reminder, the schedule, the viewer's roles (written by another process,
 * as an administrator with sqlite3 would), over real HTTP on the demo. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "app/report_pages.h"
#include "domain/demo.h"
#include "helper_app.h"

#define PASSWORD "Bang-theo-doi-22"

static char tmpdir[] = "/tmp/suotdoi-chase-kept-XXXXXX";
static char db[256];
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t campaign, viewer_id;

static ha_client_t school, officer, viewer, city_head, school2, school3;

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

/* The board of 306 as c reads it: its bytes into out (freed by the caller), parsed. */
static json_t *
board(ha_client_t *c, char **out)
{
	hc_resp_t r = ha_req(port, c, "GET", api("306", "/status"), NULL, 0);
	if (r.status != 200)
		fail_msg("board: %ld %.300s", r.status, buf_cstr(&r.body));
	json_t *j = json_loads(buf_cstr(&r.body), 0, NULL);
	assert_non_null(j);
	if (out)
		*out = strdup(buf_cstr(&r.body));
	hc_resp_free(&r);
	return j;
}

static int64_t
num(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* The not_in entry of code, or NULL. */
static json_t *
missing_entry(json_t *b, const char *code)
{
	json_t *x;
	size_t k;
	json_array_foreach(json_object_get(b, "not_in"), k, x)
	{
		if (!strcmp(json_string_value(json_object_get(x, "code")), code))
			return x;
	}
	return NULL;
}

static int
setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "c.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	app_watch_start(&app); /* another process's commits reach the loaded campaigns */
	unit_tree_t *t = app_tree(&app);
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &campaign);
	unit_tree_unref(t);
	if (rc < 0)
		return -1;
	ha_user(&app, "truong.kept", "HA-11413-TH", ROLE_HEAD, PASSWORD);
	ha_user(&app, "chuyenvien.kept", "306", ROLE_OVERSEER, PASSWORD);
	viewer_id = ha_user(&app, "xem.kept", "306", ROLE_VIEWER, PASSWORD);
	ha_user(&app, "lanhdao.so.kept", "31", ROLE_HEAD, PASSWORD);
	ha_user(&app, "thcs.kept", "HA-11413-THCS", ROLE_HEAD, PASSWORD);
	ha_user(&app, "thcs2.kept", "HA-11419-THCS", ROLE_HEAD, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &school, "truong.kept", PASSWORD) != 303 ||
	    ha_login(port, &officer, "chuyenvien.kept", PASSWORD) != 303 ||
	    ha_login(port, &viewer, "xem.kept", PASSWORD) != 303 ||
	    ha_login(port, &city_head, "lanhdao.so.kept", PASSWORD) != 303 ||
	    ha_login(port, &school2, "thcs.kept", PASSWORD) != 303 ||
	    ha_login(port, &school3, "thcs2.kept", PASSWORD) != 303)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return ha_stop(srv, &app, tmpdir);
}

static void
test_unchanged_board_answers_the_same(void **state)
{
	(void)state;
	char *a, *b;
	json_decref(board(&officer, &a));
	json_decref(board(&officer, &b));
	assert_string_equal(a, b);
	free(a);
	free(b);
	/* another viewer of the same board gets their own (no "remind" for a viewer) */
	json_t *v = board(&viewer, NULL);
	assert_int_equal(num(v, "remindable"), 0);
	json_decref(v);
}

static void
test_submission_moves_the_board(void **state)
{
	(void)state;
	json_t *b0 = board(&officer, NULL);
	assert_non_null(missing_entry(b0, "HA-11413-TH"));
	hc_resp_t r = ha_req(
	        port, &school, "POST", api("HA-11413-TH", "/submit"),
	        "{\"values\": {\"1.ke_hoach\": true, \"5.2.lop\": 3, \"5.2.nguoi\": 40}}", 1);
	assert_int_equal(r.status, 200);
	hc_resp_free(&r);
	json_t *b1 = board(&officer, NULL);
	assert_int_equal(num(b1, "submitted"), num(b0, "submitted") + 1);
	assert_int_equal(num(b1, "missing"), num(b0, "missing") - 1);
	assert_null(missing_entry(b1, "HA-11413-TH"));
	json_decref(b0);
	json_decref(b1);
}

static void
test_reminder_moves_the_board(void **state)
{
	(void)state;
	json_t *b0 = board(&officer, NULL);
	json_t *e = missing_entry(b0, "HA-11413-THCS");
	assert_non_null(e);
	assert_null(json_object_get(e, "reminded"));
	hc_resp_t r = ha_req(port, &officer, "POST", api("HA-11413-THCS", "/remind"),
	                     "{\"note\": \"Nộp trước thứ Sáu\"}", 1);
	assert_int_equal(r.status, 201);
	hc_resp_free(&r);
	json_t *b1 = board(&officer, NULL);
	e = missing_entry(b1, "HA-11413-THCS");
	assert_non_null(e);
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(e, "reminded"), "kind")),
	        "nhắc riêng");
	json_decref(b0);
	json_decref(b1);
}

static void
test_schedule_moves_the_board(void **state)
{
	(void)state;
	json_t *b0 = board(&officer, NULL);
	assert_string_not_equal(
	        json_string_value(json_object_get(json_object_get(b0, "schedule"), "days")),
	        "-6 2");
	char p[200], body[300];
	snprintf(p, sizeof p, "/units/31/campaigns/%lld/chase", (long long)campaign);
	snprintf(body, sizeof body, "csrf=%s&remind_days=-6+2&escalate_days=5&automatic=1",
	         city_head.csrf);
	hc_resp_t r = ha_req(port, &city_head, "POST", p, body, 0);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	json_t *b1 = board(&officer, NULL);
	json_t *s = json_object_get(b1, "schedule");
	assert_string_equal(json_string_value(json_object_get(s, "days")), "-6 2");
	assert_int_equal(num(s, "escalate_days"), 5);
	json_decref(b0);
	json_decref(b1);
}

/* A role granted by another process (sqlite3, psql): the board follows within the store's
 * watch of outside commits (every 100 ms). */
static void
test_role_from_another_process_moves_the_board(void **state)
{
	(void)state;
	json_t *b0 = board(&viewer, NULL);
	assert_int_equal(num(b0, "remindable"), 0);
	char sql[300], err[300];
	snprintf(sql, sizeof sql,
	         "UPDATE user_roles SET role='overseer' WHERE user_id=%lld AND unit_id=(SELECT id "
	         "FROM units WHERE code='306')",
	         (long long)viewer_id);
	if (ha_sql(db, sql, err, sizeof err) < 0)
		fail_msg("%s", err);
	json_t *b1 = NULL;
	for (int k = 0; k < 50; k++) { /* at most 5 s */
		usleep(100 * 1000);
		json_decref(b1);
		b1 = board(&viewer, NULL);
		if (num(b1, "remindable") > 0)
			break;
	}
	assert_true(num(b1, "remindable") > 0);
	json_t *o = board(&officer, NULL);
	assert_int_equal(num(b1, "remindable"), num(o, "remindable"));
	json_decref(o);
	json_decref(b0);
	json_decref(b1);
}

/* The states are kept live in the loaded campaign (service/live_states.h): a save from this
 * instance shows on the very next read (status and time), and a submission written by
 * another process (sqlite3, psql) within the watch of outside commits (100 ms). */
static void
test_writes_here_and_elsewhere_show_on_the_next_read(void **state)
{
	(void)state;
	json_t *b0 = board(&officer, NULL);
	json_t *e = missing_entry(b0, "HA-11413-THCS");
	assert_non_null(e);
	assert_string_equal(json_string_value(json_object_get(e, "status_name")), "Chưa nộp");
	/* a draft saved here */
	hc_resp_t r = ha_req(port, &school2, "POST", api("HA-11413-THCS", "/report"),
	                     "{\"values\": {\"5.2.lop\": 2}}", 1);
	if (r.status != 200)
		fail_msg("save: %ld %.300s", r.status, buf_cstr(&r.body));
	hc_resp_free(&r);
	json_t *b1 = board(&officer, NULL);
	e = missing_entry(b1, "HA-11413-THCS");
	assert_non_null(e);
	assert_string_equal(json_string_value(json_object_get(e, "status_name")),
	                    "Đang nhập (bản nháp)");
	assert_int_equal(num(b1, "missing"), num(b0, "missing"));
	/* submitted by another process: an update of the stored row, as an operator would */
	char sql[400], err[300];
	snprintf(sql, sizeof sql,
	         "UPDATE reports SET status='submitted', version=version+1, submitted_at=%lld "
	         "WHERE campaign_id=%lld AND unit_id=(SELECT id FROM units WHERE "
	         "code='HA-11413-THCS')",
	         (long long)time(NULL), (long long)campaign);
	if (ha_sql(db, sql, err, sizeof err) < 0)
		fail_msg("%s", err);
	json_t *b2 = NULL;
	for (int k = 0; k < 50; k++) { /* at most 5 s */
		usleep(100 * 1000);
		json_decref(b2);
		b2 = board(&officer, NULL);
		if (!missing_entry(b2, "HA-11413-THCS"))
			break;
	}
	assert_null(missing_entry(b2, "HA-11413-THCS"));
	assert_int_equal(num(b2, "submitted"), num(b1, "submitted") + 1);
	assert_int_equal(num(b2, "missing"), num(b1, "missing") - 1);
	/* the HTML board follows too */
	char p[200];
	snprintf(p, sizeof p, "/campaigns/%lld/units/306/status", (long long)campaign);
	r = ha_req(port, &officer, "GET", p, NULL, 0);
	assert_int_equal(r.status, 200);
	assert_null(strstr(buf_cstr(&r.body), "/units/HA-11413-THCS/report\""));
	hc_resp_free(&r);
	json_decref(b0);
	json_decref(b1);
	json_decref(b2);
}

/* The kept HTML carries each session's own CSRF token in its forms, never another's. */
static void
test_kept_html_has_the_sessions_token(void **state)
{
	(void)state;
	char p[200];
	snprintf(p, sizeof p, "/campaigns/%lld/units/306/status", (long long)campaign);
	for (int k = 0; k < 2; k++) { /* built, then kept */
		hc_resp_t r = ha_req(port, &officer, "GET", p, NULL, 0);
		assert_int_equal(r.status, 200);
		const char *html = buf_cstr(&r.body);
		assert_non_null(strstr(html, "/remind\"><input type=\"hidden\" name=\"csrf\""));
		char want[200];
		snprintf(want, sizeof want,
		         "name=\"csrf\" value=\"%s\"><input type=\"hidden\" name=\"back\"",
		         officer.csrf);
		assert_non_null(strstr(html, want));
		assert_null(strchr(html, '\x1e'));
		if (city_head.csrf[0])
			assert_null(strstr(html, city_head.csrf));
		hc_resp_free(&r);
	}
}

/* The reminder marks are kept per chase version: a report write rebuilds the board without
 * reading them from the store again, and a reminder sent after that write shows on the next
 * read (the marks follow the chase version, not the reports'). */
static void
test_marks_follow_reminders_not_report_writes(void **state)
{
	(void)state;
	json_t *b0 = board(&officer, NULL);
	json_t *e = missing_entry(b0, "HA-11419-THCS");
	assert_non_null(e);
	assert_string_equal(json_string_value(json_object_get(e, "status_name")), "Chưa nộp");
	json_t *th = missing_entry(b0, "HA-11413-THCS"); /* reminded by an earlier case */
	char *before = th ? json_dumps(json_object_get(th, "reminded"), JSON_COMPACT) : NULL;
	uint64_t reads = rep_chase_marks_reads();
	/* a report write through this instance: the board is rebuilt, the marks are not read */
	hc_resp_t r = ha_req(port, &school3, "POST", api("HA-11419-THCS", "/report"),
	                     "{\"values\": {\"5.2.lop\": 4}}", 1);
	if (r.status != 200)
		fail_msg("save: %ld %.300s", r.status, buf_cstr(&r.body));
	hc_resp_free(&r);
	json_t *b1 = board(&officer, NULL);
	e = missing_entry(b1, "HA-11419-THCS");
	assert_non_null(e);
	assert_string_equal(json_string_value(json_object_get(e, "status_name")),
	                    "Đang nhập (bản nháp)");
	assert_null(json_object_get(e, "reminded"));
	assert_int_equal(rep_chase_marks_reads(), reads);
	/* the kept marks still show on the rebuilt board */
	th = missing_entry(b1, "HA-11413-THCS");
	char *after = th ? json_dumps(json_object_get(th, "reminded"), JSON_COMPACT) : NULL;
	if (before || after) {
		assert_non_null(before);
		assert_non_null(after);
		assert_string_equal(before, after);
	}
	free(before);
	free(after);
	/* a reminder after the write shows on the next read: the marks are read once again */
	r = ha_req(port, &officer, "POST", api("306", "/remind-all"), "{}", 1);
	if (r.status != 201)
		fail_msg("remind-all: %ld %.300s", r.status, buf_cstr(&r.body));
	hc_resp_free(&r);
	json_t *b2 = board(&officer, NULL);
	e = missing_entry(b2, "HA-11419-THCS");
	assert_non_null(e);
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(e, "reminded"), "kind")),
	        "nhắc tất cả");
	assert_int_equal(rep_chase_marks_reads(), reads + 1);
	/* and another report write after it reads them no more */
	r = ha_req(port, &school3, "POST", api("HA-11419-THCS", "/report"),
	           "{\"values\": {\"5.2.lop\": 5}}", 1);
	assert_int_equal(r.status, 200);
	hc_resp_free(&r);
	json_t *b3 = board(&officer, NULL);
	e = missing_entry(b3, "HA-11419-THCS");
	assert_non_null(e);
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(e, "reminded"), "kind")),
	        "nhắc tất cả");
	assert_int_equal(rep_chase_marks_reads(), reads + 1);
	json_decref(b0);
	json_decref(b1);
	json_decref(b2);
	json_decref(b3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_unchanged_board_answers_the_same),
	        cmocka_unit_test(test_submission_moves_the_board),
	        cmocka_unit_test(test_reminder_moves_the_board),
	        cmocka_unit_test(test_schedule_moves_the_board),
	        cmocka_unit_test(test_role_from_another_process_moves_the_board),
	        cmocka_unit_test(test_writes_here_and_elsewhere_show_on_the_next_read),
	        cmocka_unit_test(test_kept_html_has_the_sessions_token),
	        cmocka_unit_test(test_marks_follow_reminders_not_report_writes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
