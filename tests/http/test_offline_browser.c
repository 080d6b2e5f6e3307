/* Offline entry of the results form (static/sw.js, static/offline.js, static/report.js) in a
 * real headless Chromium at 360x740 (helper_browser.c), against the real server and a real
 * SQLite file:
 *   - offline: the form is opened once online (the service worker keeps it); the network is
 *     cut for real (DevTools offline AND the server stopped, so the worker cannot reach it
 *     either); numbers, a yes/no, a narrative and a note are typed and "Lưu bản nháp"
 *     pressed: "Chưa gửi — sẽ tự gửi khi có mạng"; the page reloaded offline comes from the
 *     worker with what was typed, still not sent, and the store has none of it; the server
 *     comes back on the same port and the network too: the draft goes by itself ("Đã gửi"),
 *     and the store holds byte for byte what the plain form POST stores for the same input;
 *   - conflict: typed offline while a colleague saves other values through the API; back
 *     online, both sides of each differing item are shown; one item kept from the phone,
 *     two taken from the server, sent: the store holds exactly that mix;
 *   - autosave: typed, nothing pressed, reloaded: the page shows the server's values and
 *     offers "Khôi phục bản đang nhập dở (lưu trên máy lúc HH:MM dd/mm/yyyy)"; restored, then
 *     saved online;
 *   - a weak link (the port takes connections and never answers): the kept form after the
 *     worker's 4 s wait;
 *   - a value the server refuses (400): its message under the field, the draft held until
 *     saved again; "Nộp báo cáo" offline: only kept to be saved, the person told it is not
 *     submitted; a session ended meanwhile (401): said, and sent after signing in again;
 *   - shared phone: signing out deletes the person's IndexedDB drafts and kept pages; a page
 *     of another person deletes the previous person's drafts;
 *   - a report submitted meanwhile (409, locked): said, the draft listed to be copied, held,
 *     never resent in a loop;
 *   - a dead link (the server gone, the phone thinking it is online): the save waits all the
 *     same; "Nộp báo cáo" online then submits, and the waiting save is dropped, not sent into
 *     the lock later. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/app.h"
#include "domain/accounts.h"
#include "domain/demo.h"
#include "helper_app.h"
#include "helper_browser.h"

#define PASSWORD "Nhap-khi-mat-mang-17"
#define SCHOOL "HA-11413-TH"
#define OTHER "HA-11413-TTHTCD" /* the same input through the plain form, for comparison */
#define WIDTH 360
#define HEIGHT 740
#define PENDING "Chưa gửi — sẽ tự gửi khi có mạng"

static char tmpdir[] = "/tmp/suotdoi-offline-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static ha_client_t school, colleague, centre, head, centre_head;
static int64_t campaign;
static char form_path[200], api_path[220];

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "off.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	unit_tree_t *t = app_tree(&app);
	int64_t demo_id;
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &demo_id);
	unit_tree_unref(t);
	if (rc < 0 || ha_haian_campaign(&app, demo_id, &campaign, NULL) < 0)
		return -1;
	ha_user(&app, "gv.th", SCHOOL, ROLE_ENTRY, PASSWORD);
	ha_user(&app, "dongnghiep.th", SCHOOL, ROLE_ENTRY, PASSWORD);
	ha_user(&app, "canbo.ttht", OTHER, ROLE_ENTRY, PASSWORD);
	ha_user(&app, "hieutruong.th", SCHOOL, ROLE_HEAD, PASSWORD); /* may submit */
	ha_user(&app, "giamdoc.ttht", OTHER, ROLE_HEAD, PASSWORD);
	if (ha_login(port, &school, "gv.th", PASSWORD) != 303 ||
	    ha_login(port, &colleague, "dongnghiep.th", PASSWORD) != 303 ||
	    ha_login(port, &centre, "canbo.ttht", PASSWORD) != 303 ||
	    ha_login(port, &head, "hieutruong.th", PASSWORD) != 303 ||
	    ha_login(port, &centre_head, "giamdoc.ttht", PASSWORD) != 303)
		return -1;
	snprintf(form_path, sizeof form_path, "/campaigns/%lld/units/%s/report",
	         (long long)campaign, SCHOOL);
	snprintf(api_path, sizeof api_path, "/api/v1%s", form_path);
	return hb_start(WIDTH, HEIGHT);
}

static int
teardown(void **state)
{
	(void)state;
	hb_end();
	if (srv)
		http_server_stop(srv);
	app_close(&app);
	curl_global_cleanup();
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static int
js_true(const char *js)
{
	json_t *v = hb_script(js, NULL);
	int ok = json_is_true(v);
	json_decref(v);
	return ok;
}

/* The server stopped (nothing answers on the port, not even to the service worker), and
 * started again on the same port. */
static void
server_down(void)
{
	http_server_stop(srv);
	srv = NULL;
}

static void
server_up(void)
{
	http_config_t cfg;
	app_http_config(&app, &cfg);
	char listen[40];
	snprintf(listen, sizeof listen, "127.0.0.1:%u", (unsigned)port);
	cfg.listen = listen;
	cfg.threads = 2;
	cfg.quiet = 1;
	for (int i = 0; i < 50 && http_server_start(&cfg, &srv) < 0; i++)
		usleep(100 * 1000);
	assert_non_null(srv);
	assert_int_equal(http_server_port(srv), port);
}

/* The report of unit code as the store holds it: {"item": {"num": n, "text": "…", "note":
 * "…"}} with only what is set; {} when there is no report. */
typedef struct dump {
	json_t *o;
	int64_t id;
} dump_t;

static int
take_report(const store_report_t *r, void *p)
{
	((dump_t *)p)->id = r->id;
	return 0;
}

static int
take_value(const store_value_t *v, void *p)
{
	json_t *e = json_object();
	if (v->has_num)
		json_object_set_new(e, "num", json_integer(v->num));
	if (v->text && *v->text)
		json_object_set_new(e, "text", json_string(v->text));
	if (v->note && *v->note)
		json_object_set_new(e, "note", json_string(v->note));
	if (json_object_size(e))
		json_object_set_new(((dump_t *)p)->o, v->item, e);
	else
		json_decref(e);
	return 0;
}

static json_t *
stored(const char *code)
{
	unit_tree_t *t = app_tree(&app);
	int32_t i = unit_tree_find_code(t, code);
	assert_true(i >= 0);
	dump_t d = {json_object(), 0};
	store_report_get(app.store, campaign, t->units[i].id, take_report, &d);
	unit_tree_unref(t);
	if (d.id)
		assert_int_equal(store_report_values(app.store, d.id, take_value, &d), 0);
	return d.o;
}

static void
expect_stored(json_t *got, const char *item, const char *json)
{
	json_error_t je;
	json_t *want = json_loads(json, 0, &je);
	assert_non_null(want);
	json_t *have = json_object_get(got, item);
	if (!have || !json_equal(have, want)) {
		char *g = json_dumps(got, JSON_SORT_KEYS);
		fail_msg("%s: want %s in %s", item, json, g);
	}
	json_decref(want);
}

/* the form's field name (v.CODE or g.CODE) emptied, then typed as a person does */
static void
type_field(const char *name, const char *text)
{
	char css[100];
	snprintf(css, sizeof css, "[name='%s']", name);
	hb_script("var el = document.querySelector(arguments[0]); el.value = '';"
	          " el.dispatchEvent(new Event('input', {bubbles: true}));",
	          json_pack("[s]", css));
	hb_type(css, text);
}

static void
choose(const char *name, const char *value)
{
	hb_script("var el = document.querySelector(\"[name='\" + arguments[0] + \"']\");"
	          " el.value = arguments[1];"
	          " el.dispatchEvent(new Event('change', {bubbles: true}));",
	          json_pack("[s,s]", name, value));
}

static char *
field(const char *name)
{
	json_t *v = hb_script(
	        "return document.querySelector(\"[name='\" + arguments[0] + \"']\").value;",
	        json_pack("[s]", name));
	char *s = strdup(json_is_string(v) ? json_string_value(v) : "?");
	json_decref(v);
	return s;
}

static void
assert_field(const char *name, const char *want)
{
	char *got = field(name);
	if (strcmp(got, want) != 0)
		fail_msg("%s: \"%s\", want \"%s\"", name, got, want);
	free(got);
}

static const char STATE[] =
        "var s = document.getElementById('offline-state'); return s ? s.textContent : '';";

static void
wait_state(const char *text, int seconds)
{
	char js[300];
	snprintf(js, sizeof js,
	         "var s = document.getElementById('offline-state');"
	         " return !!s && s.textContent.indexOf('%s') >= 0;",
	         text);
	if (!hb_wait(js, seconds))
		fail_msg("state is not \"%s\": \"%s\"", text, hb_string(STATE));
}

/* The form, controlled by the service worker and kept by it: the first visit installs the
 * worker (it takes the page over as it activates) and has it keep the page; later visits go
 * through it. */
static void
open_form_kept(void)
{
	hb_go(port, form_path);
	if (!hb_wait("return !!navigator.serviceWorker.controller;", 15))
		fail_msg("no service worker controls the page");
	if (!hb_wait("return caches.open('suotdoi-pages').then(function (c) {"
	             " return c.match(location.href); }).then(function (r) { return !!r; });",
	             10))
		fail_msg("the form was not kept by the service worker");
	assert_true(hb_wait("return window.suotdoiOffline.pageReady.then(function () {"
	                    " return true; });",
	                    5));
}

/* With SCREENSHOT_DIR set (make screenshots), the page's top at 360 px as name.png. */
static void
shot(const char *name)
{
	const char *dir = getenv("SCREENSHOT_DIR");
	if (!dir || !*dir)
		return;
	buf_t problems = BUF_INIT;
	mkdir(dir, 0755);
	hb_screenshot(dir, name, WIDTH, 1200, &problems);
	if (problems.len)
		fail_msg("%s", buf_cstr(&problems));
	buf_free(&problems);
}

static const char SAVE[] = "form.report .actions button:not([formaction])";

static void
test_offline_save_and_send(void **state)
{
	(void)state;
	hb_go(port, "/");
	hb_sign_in(&school);
	open_form_kept();

	/* the signal is gone: the page's and the worker's */
	hb_network(1, 0);
	server_down();
	assert_true(js_true("return navigator.onLine === false;"));
	type_field("v.2.bao", "1.234");
	type_field("v.3.to_roi", "56");
	type_field("v.8.kinh_phi", "1.500.000");
	choose("v.1.ke_hoach", "1");
	type_field("v.i.text", "Dòng một\nDòng hai — có dấu");
	type_field("g.2.bao", "Bài trên báo Hải Phòng");
	hb_click(SAVE);
	wait_state(PENDING, 10);
	assert_true(js_true("return document.getElementById('offline-state-actions')"
	                    ".textContent.indexOf('Chưa gửi') === 0;"));

	json_decref(hb_script("window.scrollTo(0, 0);", NULL));
	shot("offline-pending-360");
	/* a page never opened online: the worker says there is no network */
	hb_go(port, "/search");
	assert_true(hb_wait("var h = document.querySelector('h1');"
	                    " return !!h && h.textContent === 'Không có mạng…';",
	                    10));
	/* reloaded without a signal: the worker's copy, what was typed back, not sent */
	hb_go(port, form_path);
	assert_true(hb_wait("return !!document.querySelector('form.report');", 5));
	wait_state(PENDING, 10);
	assert_field("v.2.bao", "1.234");
	assert_field("v.3.to_roi", "56");
	assert_field("v.8.kinh_phi", "1.500.000");
	assert_field("v.1.ke_hoach", "1");
	assert_field("v.i.text", "Dòng một\nDòng hai — có dấu");
	assert_field("g.2.bao", "Bài trên báo Hải Phòng");
	/* "1 báo cáo chưa gửi" on top of the page */
	assert_true(hb_wait("var b = document.getElementById('offline-outbox');"
	                    " return !!b && b.textContent.indexOf('1 báo cáo chưa gửi') === 0;",
	                    5));
	json_t *before = stored(SCHOOL);
	assert_int_equal(json_object_size(before), 0); /* nothing reached the server */
	json_decref(before);

	/* the signal is back: sent by itself */
	server_up();
	hb_network(0, 0);
	wait_state("Đã gửi lúc ", 40);
	assert_true(hb_wait("return !document.getElementById('offline-outbox');", 5));
	/* and the page kept for offline now holds what was sent */
	if (!hb_wait("return caches.open('suotdoi-pages').then(function (c) {"
	             " return c.match(location.href); }).then(function (r) { return r.text(); })"
	             ".then(function (t) { return t.indexOf('value=\"56\"') > 0; });",
	             10))
		fail_msg("the kept page was not refreshed");
	json_t *got = stored(SCHOOL);
	expect_stored(got, "2.bao", "{\"num\": 1234, \"note\": \"Bài trên báo Hải Phòng\"}");
	expect_stored(got, "3.to_roi", "{\"num\": 56}");
	expect_stored(got, "8.kinh_phi", "{\"num\": 1500000}");
	expect_stored(got, "1.ke_hoach", "{\"num\": 1}");
	expect_stored(got, "i.text", "{\"text\": \"Dòng một\\nDòng hai — có dấu\"}");
	assert_int_equal(json_object_size(got), 5);

	/* the same input through the plain form (what a browser without JavaScript posts)
	 * stores the same bytes */
	char path[200], body[600];
	snprintf(path, sizeof path, "/campaigns/%lld/units/%s/report", (long long)campaign, OTHER);
	snprintf(body, sizeof body,
	         "csrf=%s&version=0&v.2.bao=1.234&g.2.bao=B%%C3%%A0i+tr%%C3%%AAn+b%%C3%%A1o+H%%E1"
	         "%%BA%%A3i+Ph%%C3%%B2ng&v.3.to_roi=56&v.8.kinh_phi=1.500.000&v.1.ke_hoach=1"
	         "&v.i.text=D%%C3%%B2ng+m%%E1%%BB%%99t%%0D%%0AD%%C3%%B2ng+hai+%%E2%%80%%94+c%%C3"
	         "%%B3+d%%E1%%BA%%A5u&v.4.nguoi=",
	         centre.csrf);
	hc_resp_t r = ha_post_page_body(port, &centre, path, path, body);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	json_t *plain = stored(OTHER);
	if (!json_equal(plain, got))
		fail_msg("the form stored %s, the phone %s", json_dumps(plain, JSON_SORT_KEYS),
		         json_dumps(got, JSON_SORT_KEYS));
	json_decref(plain);
	json_decref(got);
	/* nothing left on the phone to send */
	assert_true(hb_wait("return window.suotdoiOffline.all('outbox').then(function (a) {"
	                    " return a.length === 0; });",
	                    5));
}

/* As c, what the server holds for the school's report with the values in set (JSON: item
 * code -> value) put over it, sent through the API to …/report or …/submit (what). */
static void
over_api(ha_client_t *c, const char *what, const char *set)
{
	hc_resp_t r = ha_req(port, c, "GET", api_path, NULL, 1);
	assert_int_equal(r.status, 200);
	json_t *rep = json_loads(buf_cstr(&r.body), 0, NULL);
	hc_resp_free(&r);
	json_t *values = json_object_get(rep, "values");
	json_t *more = json_loads(set, 0, NULL);
	assert_non_null(more);
	json_object_update(values, more);
	json_decref(more);
	json_t *post = json_pack("{s:O, s:O, s:O}", "version", json_object_get(rep, "version"),
	                         "values", values, "notes", json_object_get(rep, "notes"));
	char *pb = json_dumps(post, 0), path[260];
	snprintf(path, sizeof path, "/api/v1/campaigns/%lld/units/%s/%s", (long long)campaign,
	         SCHOOL, what);
	r = ha_req(port, c, "POST", path, pb, 1);
	if (r.status != 200)
		fail_msg("%s: %ld %s", path, r.status, buf_cstr(&r.body));
	hc_resp_free(&r);
	free(pb);
	json_decref(post);
	json_decref(rep);
}

static void
test_conflict(void **state)
{
	(void)state;
	open_form_kept();
	hb_network(1, 0); /* the page's signal only: the colleague's save reaches the server */
	type_field("v.2.bao", "111");
	type_field("v.3.to_roi", "222");
	hb_click(SAVE);
	wait_state(PENDING, 10);

	/* meanwhile a colleague saves other values over the API */
	over_api(&colleague, "report", "{\"2.bao\": 999, \"3.to_roi\": 333, \"4.nguoi\": 77}");
	json_t *theirs = stored(SCHOOL);

	/* back online: both sides of each differing item */
	hb_network(0, 0);
	if (!hb_wait("return document.querySelectorAll('#offline-conflict fieldset.choice')"
	             ".length === 3;",
	             20))
		fail_msg("no conflict view: %s", hb_string(STATE));
	wait_state("Báo cáo đã được sửa trên máy chủ", 1);
	char *when = hb_string("return document.querySelector('#offline-conflict p').textContent;");
	print_message("%s\n", when);
	assert_non_null(strstr(when, "Bản trên máy lưu lúc "));
	assert_non_null(strstr(when, "; bản trên máy chủ lưu lúc "));
	free(when);
	char *bao = hb_string("return document.querySelector(\"#offline-conflict"
	                      " fieldset[data-code='v.2.bao']\").textContent;");
	assert_non_null(strstr(bao, "Trên máy: 111"));
	assert_non_null(strstr(bao, "Trên máy chủ: 999"));
	free(bao);
	char *nguoi = hb_string("return document.querySelector(\"#offline-conflict"
	                        " fieldset[data-code='v.4.nguoi']\").textContent;");
	assert_non_null(strstr(nguoi, "Trên máy: (trống)"));
	assert_non_null(strstr(nguoi, "Trên máy chủ: 77"));
	free(nguoi);
	json_decref(hb_script("window.scrollTo(0, 0);", NULL));
	shot("offline-conflict-360");
	/* on the phone's screen without sideways scrolling */
	assert_true(js_true("return document.documentElement.scrollWidth <= window.innerWidth;"));
	/* nothing was written over the colleague's values meanwhile */
	json_t *still = stored(SCHOOL);
	assert_true(json_equal(still, theirs));
	json_decref(still);

	/* the phone's 2.bao, the server's 3.to_roi and 4.nguoi */
	hb_click("#offline-conflict fieldset[data-code='v.3.to_roi'] input[value=server]");
	hb_click("#offline-conflict fieldset[data-code='v.4.nguoi'] input[value=server]");
	hb_click("#offline-conflict .pick-send");
	wait_state("Đã gửi lúc ", 20);
	json_t *got = stored(SCHOOL);
	json_t *want = json_deep_copy(theirs);
	json_object_set_new(json_object_get(want, "2.bao"), "num", json_integer(111));
	if (!json_equal(got, want))
		fail_msg("stored %s, want %s", json_dumps(got, JSON_SORT_KEYS),
		         json_dumps(want, JSON_SORT_KEYS));
	assert_field("v.2.bao", "111"); /* the server's page, after sending */
	assert_field("v.3.to_roi", "333");
	assert_field("v.4.nguoi", "77");
	json_decref(got);
	json_decref(want);
	json_decref(theirs);
}

static void
test_autosave(void **state)
{
	(void)state;
	open_form_kept();
	assert_field("v.5.1.lop", "");
	type_field("v.5.1.lop", "42");
	type_field("g.5.1.lop", "Lớp buổi tối");
	/* kept on the phone within about a second, without pressing anything */
	if (!hb_wait("return window.suotdoiOffline.all('drafts').then(function (a) {"
	             " return a.length === 1 &&"
	             " a[0].fields['v.5.1.lop'] === '42'; });",
	             5))
		fail_msg("no draft kept while typing");
	hb_go(port, form_path);
	if (!hb_wait("return !!document.querySelector('#offline-restore button.restore');", 10))
		fail_msg("no offer to restore: %s", hb_string(STATE));
	/* the server's values are shown until the person chooses */
	assert_field("v.5.1.lop", "");
	char *offer = hb_string("return document.querySelector('#offline-restore"
	                        " button.restore').textContent;");
	assert_true(js_true("return /^Khôi phục bản đang nhập dở \\(lưu trên máy lúc"
	                    " \\d\\d:\\d\\d \\d\\d\\/\\d\\d\\/\\d{4}\\)$/.test(document"
	                    ".querySelector('#offline-restore button.restore').textContent);"));
	print_message("%s\n", offer);
	free(offer);
	assert_true(js_true("return document.querySelector('#offline-restore .restore-drop')"
	                    ".textContent === 'Bỏ';"));
	hb_click("#offline-restore button.restore");
	assert_field("v.5.1.lop", "42");
	assert_field("g.5.1.lop", "Lớp buổi tối");
	assert_true(js_true("return !document.getElementById('offline-restore');"));
	/* and saved online: the server's page comes back, saying so */
	hb_click(SAVE);
	wait_state("Đã gửi lúc ", 20);
	assert_field("v.5.1.lop", "42");
	json_t *got = stored(SCHOOL);
	expect_stored(got, "5.1.lop", "{\"num\": 42, \"note\": \"Lớp buổi tối\"}");
	expect_stored(got, "2.bao", "{\"num\": 111, \"note\": \"Bài trên báo Hải Phòng\"}");
	json_decref(got);
	assert_true(hb_wait("return window.suotdoiOffline.all('drafts').then(function (a) {"
	                    " return a.length === 0; });",
	                    5));
	/* "Bỏ": the draft goes, the server's value stays */
	type_field("v.5.1.lop", "43");
	assert_true(hb_wait("return window.suotdoiOffline.all('drafts').then(function (a) {"
	                    " return a.length === 1 && a[0].fields['v.5.1.lop'] === '43'; });",
	                    5));
	hb_go(port, form_path);
	assert_true(
	        hb_wait("return !!document.querySelector('#offline-restore .restore-drop');", 10));
	hb_click("#offline-restore .restore-drop");
	assert_true(hb_wait("return window.suotdoiOffline.all('drafts').then(function (a) {"
	                    " return a.length === 0; });",
	                    5));
	assert_true(js_true("return !document.getElementById('offline-restore');"));
	assert_field("v.5.1.lop", "42");
}

static int
has_db(const char *name)
{
	json_t *v = hb_script("var n = arguments[0]; return indexedDB.databases().then("
	                      "function (l) { return l.some(function (d) { return d.name === n;"
	                      " }); });",
	                      json_pack("[s]", name));
	int ok = json_is_true(v);
	json_decref(v);
	return ok;
}

static int
has_pages(void)
{
	return js_true("return caches.keys().then(function (k) {"
	               " return k.indexOf('suotdoi-pages') >= 0; });");
}

static void
test_sign_out_clears(void **state)
{
	(void)state;
	open_form_kept();
	type_field("v.5.2.lop", "3");
	assert_true(hb_wait("return window.suotdoiOffline.all('drafts').then(function (a) {"
	                    " return a.length === 1; });",
	                    5));
	assert_true(has_db("suotdoi-gv.th"));
	assert_true(has_pages());
	hb_click("form[action='/logout'] button");
	if (!hb_wait("return !document.getElementById('offline-js') &&"
	             " document.readyState === 'complete';",
	             10))
		fail_msg("not signed out: %s", hb_string("return location.href;"));
	assert_false(has_db("suotdoi-gv.th"));
	assert_false(has_pages());

	/* another person on the same phone without signing out: the first one's drafts go */
	assert_int_equal(ha_login(port, &school, "gv.th", PASSWORD), 303);
	hb_sign_in(&school);
	open_form_kept();
	type_field("v.5.2.lop", "4");
	assert_true(hb_wait("return window.suotdoiOffline.all('drafts').then(function (a) {"
	                    " return a.length === 1; });",
	                    5));
	hb_sign_in(&colleague);
	hb_go(port, "/");
	assert_true(hb_wait("return !!window.suotdoiOffline &&"
	                    " window.suotdoiOffline.user === 'dongnghiep.th';",
	                    5));
	assert_true(hb_wait("return window.suotdoiOffline.ready.then(function () {"
	                    " return true; });",
	                    5));
	assert_false(has_db("suotdoi-gv.th"));
	/* and the pages kept for the first one went with them */
	json_t *v = hb_script("var p = arguments[0]; return caches.open('suotdoi-pages')"
	                      ".then(function (c) { return c.match(location.origin + p); })"
	                      ".then(function (r) { return !r; });",
	                      json_pack("[s]", form_path));
	assert_true(json_is_true(v));
	json_decref(v);
}

/* A report submitted meanwhile is locked: the 409 is said as it is, the draft is shown to be
 * copied and kept, and it is not sent again and again. */
static void
test_locked(void **state)
{
	(void)state;
	assert_int_equal(ha_login(port, &school, "gv.th", PASSWORD), 303);
	hb_sign_in(&school);
	open_form_kept();
	hb_network(1, 0);
	type_field("v.6.co_so", "5");
	hb_click(SAVE);
	wait_state(PENDING, 10);

	/* the head of the school submits what the server has */
	over_api(&head, "submit", "{}");
	json_t *submitted = stored(SCHOOL);

	hb_network(0, 0);
	if (!hb_wait("return !!document.getElementById('offline-locked');", 20))
		fail_msg("no locked view: %s", hb_string(STATE));
	char *st = hb_string(STATE);
	print_message("%s\n", st);
	assert_non_null(strstr(st, "Bản nháp chưa gửi vẫn được giữ trên máy"));
	free(st);
	assert_true(js_true("return document.getElementById('offline-locked').textContent"
	                    ".indexOf('Số cơ sở giáo dục có thư viện: 5') >= 0;"));
	/* held, not retried in a loop; the store unchanged */
	assert_true(hb_wait("return window.suotdoiOffline.all('outbox').then(function (a) {"
	                    " return a.length === 1 && a[0].hold === 'locked'; });",
	                    5));
	json_t *after = stored(SCHOOL);
	assert_true(json_equal(after, submitted));
	json_decref(after);
	json_decref(submitted);
	/* reloaded: still said, not sent */
	hb_go(port, form_path);
	assert_true(hb_wait("return !!document.getElementById('offline-locked');", 10));
	hb_click("#offline-locked button");
	assert_true(hb_wait("return window.suotdoiOffline.all('outbox').then(function (a) {"
	                    " return a.length === 0; });",
	                    5));
}

/* A value the server refuses (400): its message, under the field too; the draft kept and
 * not sent again until the person saves again. */
static void
test_refused_kept(void **state)
{
	(void)state;
	open_form_kept();
	json_t *before = stored(SCHOOL);
	type_field("v.2.bao", "-5");
	hb_click(SAVE);
	wait_state(
	        "Có 1 mục chưa hợp lệ (ghi ngay dưới từng mục). Chưa có gì được lưu. Bản nháp vẫn "
	        "được giữ trên máy",
	        10);
	char *st = hb_string(STATE);
	print_message("%s\n", st);
	free(st);
	char *under = hb_string("return document.querySelector('.offline-err').textContent;");
	print_message("%s\n", under);
	assert_non_null(strstr(under, "Số bài viết trên các báo"));
	free(under);
	assert_true(js_true("return document.querySelectorAll('.offline-err').length === 1;"));
	assert_true(hb_wait("return window.suotdoiOffline.all('outbox').then(function (a) {"
	                    " return a.length === 1 && a[0].hold === 'invalid'; });",
	                    5));
	json_t *after = stored(SCHOOL);
	assert_true(json_equal(after, before));
	json_decref(after);
	json_decref(before);
	/* corrected and saved: gone */
	type_field("v.2.bao", "111");
	hb_click(SAVE);
	wait_state("Đã gửi lúc ", 20);
	assert_true(hb_wait("return window.suotdoiOffline.all('outbox').then(function (a) {"
	                    " return a.length === 0; });",
	                    5));
}

/* "Nộp báo cáo" without a signal: kept as a draft to be saved, the person told the report is
 * not submitted; back online it is saved, not submitted. */
static void
test_submit_offline(void **state)
{
	(void)state;
	hb_sign_in(&head); /* the head may submit */
	open_form_kept();
	hb_network(1, 0);
	type_field("v.7.ho_so", "1");
	hb_click("form.report .actions button[formaction]");
	wait_state("CHƯA được nộp", 10);
	assert_true(js_true("return location.pathname.slice(-7) === '/report';"));
	hb_network(0, 0);
	wait_state("Đã gửi lúc ", 20);
	json_t *got = stored(SCHOOL);
	expect_stored(got, "7.ho_so", "{\"num\": 1}");
	json_decref(got);
	hc_resp_t r = ha_req(port, &colleague, "GET", api_path, NULL, 1);
	assert_non_null(strstr(buf_cstr(&r.body), "\"status\":\"draft\""));
	hc_resp_free(&r);
	hb_sign_in(&school);
}

/* The session ended while offline: 401 said, the draft kept, and sent from the next page
 * after signing in again. */
static void
test_expired_session(void **state)
{
	(void)state;
	open_form_kept();
	hb_network(1, 0);
	type_field("v.7.bo_may", "2");
	hb_click(SAVE);
	wait_state(PENDING, 10);
	char body[100];
	snprintf(body, sizeof body, "csrf=%s", school.csrf);
	hc_resp_t r = ha_req(port, &school, "POST", "/logout", body, 0);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	hb_network(0, 0);
	wait_state("Phiên đăng nhập đã hết hạn: hãy đăng nhập lại, bản nháp vẫn được giữ trên máy",
	           20);
	json_t *got = stored(SCHOOL);
	assert_null(json_object_get(got, "7.bo_may"));
	json_decref(got);
	assert_int_equal(ha_login(port, &school, "gv.th", PASSWORD), 303);
	hb_sign_in(&school);
	hb_go(port, "/");
	assert_true(hb_wait("return window.suotdoiOffline.all('outbox').then(function (a) {"
	                    " return a.length === 0; });",
	                    20));
	got = stored(SCHOOL);
	expect_stored(got, "7.bo_may", "{\"num\": 2}");
	json_decref(got);
}

/* The server unreachable while the phone thinks it is online (a dead link): the save waits
 * all the same. Then "Nộp báo cáo" online submits the form, and the save that waited is
 * dropped (the submit carried it), not sent later into the lock. */
static void
test_dead_link_then_submit(void **state)
{
	(void)state;
	char path[200];
	snprintf(path, sizeof path, "/campaigns/%lld/units/%s/report", (long long)campaign, OTHER);
	hb_sign_in(&centre_head);
	hb_go(port, path);
	assert_true(hb_wait("return window.suotdoiOffline.pageReady.then(function () {"
	                    " return true; });",
	                    5));
	server_down();
	assert_true(js_true("return navigator.onLine === true;"));
	type_field("v.6.tap_huan", "9");
	hb_click(SAVE);
	wait_state(PENDING, 30);
	server_up();
	hb_click("form.report .actions button[formaction]");
	if (!hb_wait("return !!document.querySelector('.receipt');", 10))
		fail_msg("not submitted: %s",
		         hb_string("return document.querySelector('main').innerText;"));
	assert_true(hb_wait("return window.suotdoiOffline.all('outbox').then(function (a) {"
	                    " return a.length === 0; });",
	                    5));
	json_t *got = stored(OTHER);
	expect_stored(got, "6.tap_huan", "{\"num\": 9}");
	json_decref(got);
	char api[220];
	snprintf(api, sizeof api, "/api/v1%s", path);
	hc_resp_t r = ha_req(port, &centre_head, "GET", api, NULL, 1);
	assert_non_null(strstr(buf_cstr(&r.body), "\"status\":\"submitted\""));
	hc_resp_free(&r);
}

/* A weak link: the server takes the connection and never answers. The form opens from the
 * worker's copy after its 4 s wait, not the browser's minute-long timeout. */
static void
test_weak_link(void **state)
{
	(void)state;
	open_form_kept();
	server_down();
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(fd, 16), 0); /* connections wait in the backlog, unanswered */
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	hb_go(port, form_path);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	print_message("the kept form after %.1f s on a link that never answers\n", s);
	assert_true(js_true("return !!document.querySelector('form.report [name=\"v.2.bao\"]');"));
	assert_true(s >= 3.5 && s < 12);
	close(fd);
	server_up();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_offline_save_and_send),
	        cmocka_unit_test(test_conflict),
	        cmocka_unit_test(test_autosave),
	        cmocka_unit_test(test_weak_link),
	        cmocka_unit_test(test_refused_kept),
	        cmocka_unit_test(test_submit_offline),
	        cmocka_unit_test(test_expired_session),
	        cmocka_unit_test(test_sign_out_clears),
	        cmocka_unit_test(test_locked),
	        cmocka_unit_test(test_dead_link_then_submit),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
