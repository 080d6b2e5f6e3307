/* The core forms without JavaScript, in a real browser: headless Chromium at 360×740 with
 * JavaScript turned off as a person turns it off in Chrome's settings (hb_start_nojs). A
 * school's head signs in through the login form (typing the username and password, tapping
 * the button); fills the results form — a number typed the Vietnamese way ("1.250"), a
 * yes/no, the narrative, a note — saves it and then submits it; registers an activity
 * through its form with the day and times typed as on a phone's number pad ("09102022",
 * "7h30", "10h") and records its outcome. After each form the page shows its confirmation
 * and the server holds exactly what was typed (read back through the JSON API). JavaScript
 * was really off: the page's own script (static/report.js), present on the page, did not
 * update the group's total while a number was typed, and <noscript> content is laid out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "domain/demo.h"
#include "helper_app.h"
#include "helper_browser.h"

#define PASSWORD "Khong-co-JavaScript-17"
#define SCHOOL "HA-11413-TH"
#define WIDTH 360
#define HEIGHT 740

static char tmpdir[] = "/tmp/suotdoi-nojs-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t campaign;
static ha_client_t api; /* the same head over HTTP: reads back what the browser sent */

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "n.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	unit_tree_t *t = app_tree(&app);
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &campaign);
	unit_tree_unref(t);
	if (rc < 0)
		return -1;
	ha_user(&app, "hieutruong.th", SCHOOL, ROLE_HEAD, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &api, "hieutruong.th", PASSWORD) != 303)
		return -1;
	return hb_start_nojs(WIDTH, HEIGHT);
}

static int
teardown(void **state)
{
	(void)state;
	hb_end();
	http_server_stop(srv);
	app_close(&app);
	curl_global_cleanup();
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* GET path through the API as the head: the JSON (the test fails on anything but 200). */
static json_t *
api_get(const char *path)
{
	hc_resp_t r = ha_req(port, &api, "GET", path, NULL, 0);
	if (r.status != 200)
		fail_msg("GET %s: %ld %.400s", path, r.status, buf_cstr(&r.body));
	json_t *j = json_loads(buf_cstr(&r.body), 0, NULL);
	hc_resp_free(&r);
	assert_non_null(j);
	return j;
}

/* Wait for the page after a tap that sent a form: want is either a path ("/": the address's
 * path is exactly it) or a marker the redirect puts in the query ("done=save"); the test
 * fails after 10 s with the page's text. (A path was once matched as a substring: "/" is in
 * "/login", so under load the sign-in test went on from the sign-in page itself.) */
static void
arrive(const char *want)
{
	for (int i = 0; i < 100; i++) {
		json_t *v = hb_script("var w = arguments[0];"
		                      " return document.readyState == 'complete' &&"
		                      " (w.charAt(0) == '/' ? location.pathname == w"
		                      " : location.search.indexOf(w) >= 0);",
		                      json_pack("[s]", want));
		int ok = json_is_true(v);
		json_decref(v);
		if (ok)
			return;
		usleep(100 * 1000);
	}
	char *body = hb_text("main");
	fail_msg("not at \"%s\": %.800s", want, body ? body : "(no page)");
}

/* The page shows text inside the first element matching css. */
static void
shows(const char *css, const char *text)
{
	char *s = hb_text(css);
	if (!s || !strstr(s, text))
		fail_msg("%s does not say \"%s\": %.800s", css, text, s ? s : "(none)");
	free(s);
}

static void
test_sign_in_through_the_form(void **state)
{
	(void)state;
	hb_go(port, "/login");
	/* JavaScript is off: <noscript> content is parsed as the page's own, which happens only
	 * without scripting (with it, <noscript> holds raw text) */
	json_t *v = hb_script("var n = document.createElement('div');"
	                      " n.innerHTML = '<noscript><p id=ns>x</p></noscript>';"
	                      " return !!n.querySelector('#ns');",
	                      NULL);
	assert_true(json_is_true(v));
	json_decref(v);
	hb_type("#username", "hieutruong.th");
	hb_type("#password", PASSWORD);
	hb_click("main form button[type=submit]");
	arrive("/");
	json_t *path = hb_script("return location.pathname;", NULL);
	assert_string_equal(json_string_value(path), "/");
	json_decref(path);
	/* signed in: the header names the account and offers to sign out */
	shows("header.top", "hieutruong.th");
	shows("header.top", "Đăng xuất");
}

/* The group total's text above the row of the input named name. */
static char *
group_total(const char *name)
{
	json_t *v = hb_script("var tr = document.querySelector('[name=\"' + arguments[0] + '\"]')"
	                      "   .closest('tr');"
	                      " while (tr && !tr.classList.contains('heading'))"
	                      "   tr = tr.previousElementSibling;"
	                      " var g = tr && tr.querySelector('.group-total');"
	                      " return g ? g.textContent : null;",
	                      json_pack("[s]", name));
	assert_true(json_is_string(v));
	char *s = strdup(json_string_value(v));
	json_decref(v);
	return s;
}

#define NARRATIVE "Nhà trường mở 7 lớp kỹ năng số cho phụ huynh.\nLớp cuối học ngày 07/10."
#define NOTE "Lớp buổi tối, thứ Bảy"

static void
test_results_form(void **state)
{
	(void)state;
	char page[200], api_path[240];
	snprintf(page, sizeof page, "/campaigns/%lld/units/%s/report", (long long)campaign, SCHOOL);
	snprintf(api_path, sizeof api_path, "/api/v1%s", page);
	hb_go(port, page);
	/* the page carries its script, which keeps the group's total as one types */
	json_t *v = hb_script("return !!document.querySelector('script[src*=\"report\"]') &&"
	                      " !!document.querySelector('[name=\"v.5.2.lop\"][data-unit]');",
	                      NULL);
	assert_true(json_is_true(v));
	json_decref(v);
	char *before = group_total("v.5.2.lop");
	hb_type("[name='v.5.2.lop']", "7");
	hb_type("[name='v.5.2.nguoi']", "1.250");
	hb_click("[id='f-1.ke_hoach'] option[value='1']");
	hb_type("[id='f-i.text']", NARRATIVE);
	hb_type("[id='g-5.2.lop']", NOTE);
	/* without JavaScript the total stays as the server drew it */
	char *after = group_total("v.5.2.lop");
	assert_string_equal(after, before);
	assert_null(strstr(after, "1.250"));
	free(before);
	free(after);
	hb_click("form.report .actions button:not([formaction])");
	arrive("done=save");
	shows(".msg.ok", "Đã lưu bản nháp.");
	/* the server drew the total the script would have */
	char *drawn = group_total("v.5.2.lop");
	print_message("group total after saving: %s\n", drawn);
	assert_non_null(strstr(drawn, "1.250"));
	free(drawn);
	json_t *r = api_get(api_path);
	json_t *values = json_object_get(r, "values"), *notes = json_object_get(r, "notes");
	assert_string_equal(json_string_value(json_object_get(r, "status")), "draft");
	assert_int_equal(json_integer_value(json_object_get(values, "5.2.lop")), 7);
	assert_int_equal(json_integer_value(json_object_get(values, "5.2.nguoi")), 1250);
	assert_true(json_is_true(json_object_get(values, "1.ke_hoach")));
	assert_string_equal(json_string_value(json_object_get(values, "i.text")), NARRATIVE);
	assert_string_equal(json_string_value(json_object_get(notes, "5.2.lop")), NOTE);
	json_decref(r);

	/* and submitted: the receipt, the report locked with the same values */
	hb_click("form.report button[formaction$='/submit']");
	arrive("done=submit");
	shows(".receipt", "Đã nộp báo cáo lúc");
	r = api_get(api_path);
	values = json_object_get(r, "values");
	assert_string_equal(json_string_value(json_object_get(r, "status")), "submitted");
	assert_int_equal(json_integer_value(json_object_get(values, "5.2.nguoi")), 1250);
	assert_string_equal(json_string_value(json_object_get(values, "i.text")), NARRATIVE);
	json_decref(r);
}

#define TITLE "Lớp tin học cho phụ huynh"
#define PLACE "Phòng máy, Trường Tiểu học Cát Bi"
#define OUTCOME "Phụ huynh tự lập được hộp thư điện tử."

/* The school's activity titled TITLE through the API (a new reference; fails when absent). */
static json_t *
activity(void)
{
	json_t *r = api_get("/api/v1/units/" SCHOOL
	                    "/activities?from=2022-10-01&to=2022-10-31&scope=unit");
	size_t k;
	json_t *a, *found = NULL;
	json_array_foreach(json_object_get(r, "activities"), k, a)
	{
		if (!strcmp(json_string_value(json_object_get(a, "title")), TITLE))
			found = json_incref(a);
	}
	json_decref(r);
	if (!found)
		fail_msg("no activity \"%s\" on the server", TITLE);
	return found;
}

static void
test_activity_form(void **state)
{
	(void)state;
	hb_go(port, "/units/" SCHOOL "/activities/new");
	hb_click("#a-kind option[value='lop_ngoai_ngu_tin_hoc']");
	hb_type("#a-title", TITLE);
	/* as typed on a number pad: no "/" nor ":" */
	hb_type("#a-start-date", "09102022");
	hb_type("#a-start-time", "7h30");
	hb_type("#a-end-time", "10h");
	hb_click("#a-mode option[value='truc_tiep']");
	hb_type("#a-place", PLACE);
	hb_type("#a-audience", "Phụ huynh học sinh");
	hb_type("#a-expected", "40");
	json_t *v = hb_script("return document.querySelector('[name=public]').checked;", NULL);
	if (!json_is_true(v))
		hb_click("[name=public]");
	json_decref(v);
	/* the 2022 campaign's registration closed on 30/09/2022 */
	hb_click("[name=late_ok]");
	hb_click("form.act-form button[type=submit]");
	arrive("done=created");
	shows(".msg.ok", "Đã đăng ký hoạt động");
	json_t *a = activity();
	assert_string_equal(json_string_value(json_object_get(a, "kind")), "lop_ngoai_ngu_tin_hoc");
	assert_string_equal(json_string_value(json_object_get(a, "start")),
	                    "2022-10-09T07:30:00+07:00");
	assert_string_equal(json_string_value(json_object_get(a, "end")),
	                    "2022-10-09T10:00:00+07:00");
	assert_string_equal(json_string_value(json_object_get(a, "mode")), "truc_tiep");
	assert_string_equal(json_string_value(json_object_get(a, "place")), PLACE);
	assert_string_equal(json_string_value(json_object_get(a, "audience")), "Phụ huynh học sinh");
	assert_int_equal(json_integer_value(json_object_get(a, "expected")), 40);
	assert_true(json_is_true(json_object_get(a, "public")));
	assert_true(json_is_true(json_object_get(a, "late")));
	assert_string_equal(json_string_value(json_object_get(a, "status")), "planned");
	json_decref(a);

	/* its outcome, on the activity's page the form led to */
	hb_click("input[name=status][value=held]");
	hb_type("#o-actual", "38");
	hb_type("#o-outcome", OUTCOME);
	hb_click("form[action$='/outcome'] button[type=submit]");
	arrive("done=outcome");
	shows(".msg.ok", "Đã ghi kết quả hoạt động.");
	a = activity();
	assert_string_equal(json_string_value(json_object_get(a, "status")), "held");
	assert_int_equal(json_integer_value(json_object_get(a, "actual")), 38);
	assert_string_equal(json_string_value(json_object_get(a, "outcome")), OUTCOME);
	json_decref(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_sign_in_through_the_form),
	        cmocka_unit_test(test_results_form),
	        cmocka_unit_test(test_activity_form),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
