/* Class enrolment in a real headless Chromium at 360 px, as a citizen's phone shows it: the
 * public page has no script, does not scroll sideways, keeps the honeypot off-screen; the
 * form typed and sent by touch leads to the code; the CLC's list fits the phone as cards
 * with labelled cells and its attendance form works by ticking a box. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "app/app.h"
#include "domain/accounts.h"
#include "domain/demo.h"
#include "helper_app.h"
#include "helper_browser.h"
#include "text/text.h"

#define PASSWORD "Dang-ky-hoc-2026-trinh-duyet"
#define CLC "HA-11413-TTHTCD"
#define WIDTH 360
#define HEIGHT 740

static char tmpdir[] = "/tmp/suotdoi-enrolb-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static ha_client_t clc;
static int64_t cls;
static char path_pub[64], path_list[128];

/* What a phone's screen shows: no sideways scroll, no script, the honeypot's box. */
static const char layout_js[] = "var hp = document.querySelector('#e-website');\n"
                                "var r = hp ? hp.getBoundingClientRect() : null;\n"
                                "return {wide: document.documentElement.scrollWidth,\n"
                                "        vw: document.documentElement.clientWidth,\n"
                                "        scripts: document.querySelectorAll('script').length,\n"
                                "        hp_right: r ? r.right : null,\n"
                                "        hp_type: hp ? hp.type : null,\n"
                                "        path: location.pathname,\n"
                                "        text: document.body.innerText};";

static json_t *
layout(void)
{
	json_t *v = hb_script(layout_js, NULL);
	json_int_t wide = json_integer_value(json_object_get(v, "wide"));
	json_int_t vw = json_integer_value(json_object_get(v, "vw"));
	if (vw > WIDTH || wide > vw + 1)
		fail_msg("%s scrolls sideways: %lld px in a %lld px screen",
		         json_string_value(json_object_get(v, "path")), (long long)wide,
		         (long long)vw);
	return v;
}

/* After a click that posts a form: wait (10 s at most) for the next page to hold want. */
static void
wait_for(const char *want)
{
	for (int k = 0; k < 100; k++) {
		json_t *v = hb_script("return document.readyState === 'complete' ? "
		                      "document.body.innerText : '';",
		                      NULL);
		int found = strstr(json_string_value(v), want) != NULL;
		json_decref(v);
		if (found)
			return;
		usleep(100 * 1000);
	}
	json_t *v = hb_script("return location.pathname + '\\n' + document.body.innerText;", NULL);
	fail_msg("the page never showed \"%s\":\n%s", want, json_string_value(v));
}

/* With SCREENSHOT_DIR set (make screenshots): the page as dir/name.png (docs/screens/). */
static void
shot(const char *name)
{
	const char *dir = getenv("SCREENSHOT_DIR");
	if (!dir || !*dir)
		return;
	json_t *h = hb_script("return document.documentElement.scrollHeight;", NULL);
	buf_t problems = BUF_INIT;
	hb_screenshot(dir, name, WIDTH, (long)json_integer_value(h), &problems);
	json_decref(h);
	if (problems.len)
		fail_msg("%s", buf_cstr(&problems));
	buf_free(&problems);
}

static int
setup(void **state)
{
	(void)state;
	char db[256];
	int64_t demo_id, current_id;
	int32_t base_day;
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "b.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	unit_tree_t *t = app_tree(&app);
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &demo_id);
	unit_tree_unref(t);
	if (rc < 0 || ha_haian_campaign(&app, demo_id, &current_id, &base_day) < 0)
		return -1;
	ha_user(&app, "canbo.clc", CLC, ROLE_ENTRY, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &clc, "canbo.clc", PASSWORD) != 303)
		return -1;
	buf_t d = BUF_INIT;
	text_format_date(base_day + 1, &d);
	char camp[32];
	snprintf(camp, sizeof camp, "%lld", (long long)current_id);
	const char *kv[] = {"campaign",    camp,
	                    "kind",        "lop_cds",
	                    "title",       "Lớp hướng dẫn sử dụng dịch vụ công trực tuyến",
	                    "description", "Mang theo điện thoại và căn cước.",
	                    "start_date",  buf_cstr(&d),
	                    "start_time",  "19:00",
	                    "end_date",    "",
	                    "end_time",    "21:00",
	                    "place",       "Trung tâm học tập cộng đồng phường Đằng Lâm",
	                    "mode",        "truc_tiep",
	                    "link",        "",
	                    "audience",    "Người dân trong phường",
	                    "expected",    "",
	                    "public",      "1",
	                    NULL};
	hc_resp_t r = ha_post_form(port, &clc, "/units/" CLC "/activities", kv);
	buf_free(&d);
	char loc[300];
	if (r.status != 303 || !hc_header(&r, "Location", loc, sizeof loc))
		return -1;
	hc_resp_free(&r);
	cls = atoll(strstr(loc, "/activities/") + strlen("/activities/"));
	snprintf(path_pub, sizeof path_pub, "/lich/%lld", (long long)cls);
	snprintf(path_list, sizeof path_list, "/units/" CLC "/activities/%lld/enrolments",
	         (long long)cls);
	char settings[160];
	snprintf(settings, sizeof settings, "%s/settings", path_list);
	const char *s[] = {"enrol_open",
	                   "1",
	                   "enrol_fee",
	                   "50.000",
	                   "enrol_capacity",
	                   "25",
	                   "enrol_contact_name",
	                   "Anh Tuấn, cán bộ TTHTCĐ",
	                   "enrol_contact_phone",
	                   "0912 000 333",
	                   NULL};
	r = ha_post_page_form(port, &clc, path_list, settings, s); /* as the browser sends it */
	rc = r.status == 303 ? 0 : -1;
	hc_resp_free(&r);
	return rc < 0 ? -1 : hb_start(WIDTH, HEIGHT);
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

static void
test_citizen_on_a_phone(void **state)
{
	(void)state;
	hb_go(port, path_pub);
	json_t *v = layout();
	assert_int_equal(json_integer_value(json_object_get(v, "scripts")), 0);
	/* the honeypot: a text field, off the screen */
	assert_string_equal(json_string_value(json_object_get(v, "hp_type")), "text");
	assert_true(json_number_value(json_object_get(v, "hp_right")) < 0);
	const char *text = json_string_value(json_object_get(v, "text"));
	assert_non_null(strstr(text, "50.000 đ"));
	assert_non_null(strstr(text, "Còn 25 chỗ"));
	json_decref(v);
	shot("enrol-360");
	hb_type("#e-name", "Bùi Thị Hằng");
	hb_type("#e-phone", "+84 976 543 210");
	hb_click("input[name=consent]");
	hb_click(".enrol-form button[type=submit]");
	wait_for("Mã xác nhận");
	shot("enrol-code-360");
	v = layout();
	assert_non_null(strstr(json_string_value(json_object_get(v, "path")), "/ma/"));
	text = json_string_value(json_object_get(v, "text"));
	assert_non_null(strstr(text, "Mã xác nhận"));
	assert_non_null(strstr(text, "Bạn đã được nhận vào lớp."));
	assert_null(strstr(text, "Bùi Thị Hằng"));
	json_decref(v);
	/* a mistake comes back at the same width, named */
	hb_go(port, path_pub);
	hb_type("#e-name", "Bùi Văn Khoa");
	hb_type("#e-phone", "0976 54");
	hb_click("input[name=consent]");
	hb_click(".enrol-form button[type=submit]");
	wait_for("Số điện thoại không hợp lệ");
	v = layout();
	if (!strstr(json_string_value(json_object_get(v, "text")), "Số điện thoại không hợp lệ"))
		fail_msg("no phone sentence at %s:\n%s",
		         json_string_value(json_object_get(v, "path")),
		         json_string_value(json_object_get(v, "text")));
	json_decref(v);
}

static void
test_clc_list_on_a_phone(void **state)
{
	(void)state;
	hb_go(port, "/login");
	hb_sign_in(&clc);
	hb_go(port, path_list);
	shot("enrol-list-360");
	json_t *v = layout();
	assert_non_null(strstr(json_string_value(json_object_get(v, "text")), "Bùi Thị Hằng"));
	json_decref(v);
	/* every cell with a value shows its label before it on the card */
	json_t *labels = hb_script("var bad = [];\n"
	                           "document.querySelectorAll('table.enrol-list "
	                           "td[data-label]').forEach(function(td) {\n"
	                           "  var b = getComputedStyle(td, '::before').content;\n"
	                           "  if (td.textContent.trim() && (b === 'none' || b === "
	                           "'normal')) bad.push(td.dataset.label);\n"
	                           "});\n"
	                           "return bad;",
	                           NULL);
	assert_int_equal(json_array_size(labels), 0);
	json_decref(labels);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_citizen_on_a_phone),
	        cmocka_unit_test(test_clc_list_on_a_phone),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
