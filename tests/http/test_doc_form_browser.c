/* The drafting form in a real headless Chromium (helper_browser.c), as an officer used to
 * Word fills it: the toolbar's buttons put the headings, a dash line, bold and the duties'
 * place into the body; two addressees are found by typing in the search (without
 * diacritics for one) and chosen, shown as chips, one removed and chosen again; Nơi nhận
 * fills itself with them and "Lưu: VT."; the first-page preview shows the subject as it is
 * typed; the form is sent, and the document read back through the API has exactly that
 * markup, those addressees and that Nơi nhận. With SCREENSHOT_DIR set the form is saved at
 * 360 and 1280 px (docform-360.png, docform-1280.png). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/app.h"
#include "helper_app.h"
#include "helper_browser.h"

#define PASSWORD "Soan-thao-trinh-duyet-22"
#define WIDTH 360
#define HEIGHT 800

static char tmpdir[] = "/tmp/suotdoi-docform-wd-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static ha_client_t head;

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "b.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	ha_user(&app, "lanhdao.gialam", "018", ROLE_HEAD, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &head, "lanhdao.gialam", PASSWORD) != 303)
		return -1;
	return hb_start(WIDTH, HEIGHT);
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

/* ---- the page ---- */

/* Keys pressed where the focus is (the caret and selection stay as the page left them). */
static void
keys(const char *text)
{
	json_t *acts = json_array();
	for (const char *p = text; *p;) {
		/* one UTF-8 character per key */
		size_t n = 1;
		while ((p[n] & 0xC0) == 0x80)
			n++;
		char k[8];
		snprintf(k, sizeof k, "%.*s", (int)n, p);
		json_array_append_new(acts, json_pack("{s:s, s:s}", "type", "keyDown", "value", k));
		json_array_append_new(acts, json_pack("{s:s, s:s}", "type", "keyUp", "value", k));
		p += n;
	}
	hb_cmd_void("POST", "/actions",
	            json_pack("{s:[{s:s, s:s, s:o}]}", "actions", "type", "key", "id", "kb",
	                      "actions", acts));
}

#define TEXT_JS "return document.querySelector('#f-text').value;"
#define DIST_JS "return document.querySelector('#f-distribution').value;"
#define CHIPS_JS                                                                         \
	"return Array.prototype.map.call(document.querySelectorAll('.chips .chip span'),"  \
	" function (s) { return s.textContent; }).join('|');"

static void
expect_page(const char *js, const char *want)
{
	char *got = hb_string(js);
	if (strcmp(got, want))
		fail_msg("%s\n got: \"%s\"\nwant: \"%s\"", js, got, want);
	free(got);
}

/* Choose the first unit the search finds for q. */
static void
pick(const char *q, const char *expect_first)
{
	hb_type("#f-rcpt-search", q);
	char js[300];
	snprintf(js, sizeof js,
	         "var li = document.querySelector('#f-rcpt-found li[role=option]');"
	         " return !!li && li.textContent.indexOf('%s') === 0;",
	         expect_first);
	if (!hb_wait(js, 5)) {
		char *got = hb_string("return document.querySelector('#f-rcpt-found').innerText;");
		fail_msg("searching \"%s\" did not offer \"%s\" first but:\n%s", q, expect_first,
		         got);
	}
	keys("\xee\x80\x87"); /* Enter: chooses, and must not send the form */
}

static void
test_word_like_drafting(void **state)
{
	(void)state;
	hb_go(port, "/");
	hb_sign_in(&head);
	hb_go(port, "/units/018/docs/new");
	/* the script is on: toolbar, search and preview shown */
	assert_true(hb_wait("return !document.querySelector('.md-bar').hidden &&"
	                    " !document.querySelector('.rcpt-search').hidden &&"
	                    " !document.querySelector('.doc-preview').hidden;",
	                    5));
	/* the body looks like a page, not code */
	expect_page("var s = getComputedStyle(document.querySelector('#f-text'));"
	            " return /Times|Liberation Serif/.test(s.fontFamily) &&"
	            " parseFloat(s.lineHeight) >= 14 ? 'serif' : s.fontFamily + ' ' + s.lineHeight;",
	            "serif");

	/* the body through the buttons */
	hb_click("#f-text");
	hb_click(".md-bar button[data-md=h1]");
	keys("MỤC ĐÍCH\xee\x80\x87");
	hb_click(".md-bar button[data-md=h2]");
	keys("Mục đích\xee\x80\x87");
	hb_click(".md-bar button[data-md=ul]");
	keys("Cán bộ ");
	hb_click(".md-bar button[data-md=b]");
	keys("quan trọng");
	keys("\xee\x80\x90\xee\x80\x87"); /* End, Enter */
	hb_click(".md-bar button[data-md=duties]");
	const char *want_text = "# I. MỤC ĐÍCH\n## 1. Mục đích\n- Cán bộ **quan trọng**\n[nhiệm vụ]";
	expect_page(TEXT_JS, want_text);
	/* the heading button again on a heading line takes its mark off, and back on */
	hb_click(".md-bar button[data-md=duties]"); /* selects the existing [nhiệm vụ] line */
	expect_page("var t = document.querySelector('#f-text');"
	            " return t.value.slice(t.selectionStart, t.selectionEnd);",
	            "[nhiệm vụ]");

	/* two addressees by search, as chips; Nơi nhận follows */
	expect_page(DIST_JS, "Lưu: VT.");
	pick("giáo dục", "Phòng Giáo dục và Đào tạo huyện Gia Lâm");
	assert_true(hb_wait("return document.querySelectorAll('.chips .chip').length === 1;", 5));
	pick("tat ca xa", "Tất cả Xã");
	expect_page(CHIPS_JS, "Phòng Giáo dục và Đào tạo huyện Gia Lâm|"
	                      "Tất cả Xã trong địa bàn (15)");
	expect_page(DIST_JS, "Phòng Giáo dục và Đào tạo huyện Gia Lâm;\nCác xã;\nLưu: VT.");
	/* a chip removed frees its line and leaves Nơi nhận; chosen again */
	hb_click(".chips .chip:nth-child(2) button");
	expect_page(CHIPS_JS, "Phòng Giáo dục và Đào tạo huyện Gia Lâm");
	expect_page(DIST_JS, "Phòng Giáo dục và Đào tạo huyện Gia Lâm;\nLưu: VT.");
	expect_page("return document.querySelector('[name=rcpt_text_1]').value;", "");
	pick("tat ca xa", "Tất cả Xã");
	expect_page(DIST_JS, "Phòng Giáo dục và Đào tạo huyện Gia Lâm;\nCác xã;\nLưu: VT.");
	expect_page("return location.pathname;", "/units/018/docs/new"); /* Enter sent nothing */

	/* the preview follows the subject */
	hb_type("#f-subject", "Tổ chức Tuần lễ học tập suốt đời năm 2026");
	if (!hb_wait("return document.querySelector('#doc-preview').innerText"
	             ".indexOf('Tổ chức Tuần lễ học tập suốt đời năm 2026') >= 0;",
	             5))
		fail_msg("the preview did not show the subject");
	char *pv = hb_string("return document.querySelector('#doc-preview').innerText;");
	const char *in_preview[] = {"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
	                            "Độc lập - Tự do - Hạnh phúc",
	                            "HUYỆN GIA LÂM",
	                            "/KH-",
	                            "KẾ HOẠCH",
	                            "Kính gửi:",
	                            "Các xã",
	                            "I. MỤC ĐÍCH",
	                            "Cán bộ quan trọng"};
	for (size_t k = 0; k < sizeof in_preview / sizeof in_preview[0]; k++)
		if (!strstr(pv, in_preview[k]))
			fail_msg("the preview lacks \"%s\":\n%s", in_preview[k], pv);
	assert_null(strstr(pv, "**")); /* the markup is shown as it prints */
	free(pv);

	const char *dir = getenv("SCREENSHOT_DIR");
	if (dir && *dir) {
		buf_t problems = BUF_INIT;
		mkdir(dir, 0755);
		json_t *h = hb_script("window.scrollTo(0, 0);"
		                      " return document.documentElement.scrollHeight;",
		                      NULL);
		hb_screenshot(dir, "docform-360", WIDTH, (long)json_integer_value(h), &problems);
		json_decref(h);
		hb_screen(1280, HEIGHT);
		h = hb_script("window.scrollTo(0, 0);"
		              " return document.documentElement.scrollHeight;",
		              NULL);
		/* the form's top with the preview beside it is what the picture is for */
		long hh = (long)json_integer_value(h);
		hb_screenshot(dir, "docform-1280", 1280, hh < 1100 ? hh : 1100, &problems);
		json_decref(h);
		hb_screen(WIDTH, HEIGHT);
		if (problems.len)
			fail_msg("%s", buf_cstr(&problems));
		buf_free(&problems);
	}

	/* sent; the stored document is what was built */
	hb_click("form.docform button[type=submit]");
	if (!hb_wait("return location.search.indexOf('done=created') >= 0;", 5))
		fail_msg("the form was not saved");
	char *path = hb_string("return location.pathname;");
	const char *p = strstr(path, "/docs/");
	assert_non_null(p);
	char api[200];
	snprintf(api, sizeof api, "/api/v1/units/018/docs/%lld", (long long)atoll(p + 6));
	free(path);
	hc_resp_t r = ha_req(port, &head, "GET", api, NULL, 0);
	assert_int_equal(r.status, 200);
	json_t *j = json_loads(buf_cstr(&r.body), 0, NULL), *d = json_object_get(j, "document");
	hc_resp_free(&r);
	assert_string_equal(json_string_value(json_object_get(d, "text")), want_text);
	assert_string_equal(json_string_value(json_object_get(d, "subject")),
	                    "Tổ chức Tuần lễ học tập suốt đời năm 2026");
	json_t *rc = json_object_get(d, "recipients");
	assert_int_equal(json_array_size(rc), 2);
	json_t *r0 = json_array_get(rc, 0), *r1 = json_array_get(rc, 1);
	assert_string_equal(json_string_value(json_object_get(r0, "text")),
	                    "Phòng Giáo dục và Đào tạo huyện Gia Lâm");
	assert_int_equal(json_array_size(json_object_get(r0, "units")), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(r0, "units"), 0)),
	                    "GL-PGDDT");
	assert_int_equal(json_array_size(json_object_get(r0, "kinds")), 0);
	assert_string_equal(json_string_value(json_object_get(r1, "text")), "Các xã");
	assert_int_equal(json_array_size(json_object_get(r1, "units")), 0);
	assert_int_equal(json_array_size(json_object_get(r1, "kinds")), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(r1, "kinds"), 0)),
	                    "xa");
	json_t *dist = json_object_get(d, "distribution");
	assert_int_equal(json_array_size(dist), 3);
	assert_string_equal(json_string_value(json_array_get(dist, 0)),
	                    "Phòng Giáo dục và Đào tạo huyện Gia Lâm;");
	assert_string_equal(json_string_value(json_array_get(dist, 1)), "Các xã;");
	assert_string_equal(json_string_value(json_array_get(dist, 2)), "Lưu: VT.");
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_word_like_drafting),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
