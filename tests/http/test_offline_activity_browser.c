/* Activities entered without a signal (static/activity_offline.js, static/photo.js) in a
 * real headless Chromium at 360x740: the registration form is opened online, then the
 * network is cut for real (DevTools offline AND the server stopped); the registration saved
 * shows "Chưa gửi — sẽ tự gửi khi có mạng" and the store has no such activity; a photo is
 * kept for it, a second registration kept too, and the list opened offline (the service
 * worker's copy) shows both at its top. With the server back but the API still unreachable
 * (DevTools blocked URLs), the unit's list shows them with their titles and dates. On an
 * earlier activity, cut again, an outcome is recorded and a photo chosen ("Ảnh chờ gửi").
 * Meanwhile the server's outcome is changed by someone else. Reconnected: the registration
 * is created exactly once with every field byte for byte, both photos arrive on the right
 * activities (<= 400 KB), and the outcome's conflict shows the phone's and the server's
 * values; the choice made per field is what the server keeps. Another user of the same
 * phone neither sees nor sends what the first kept; the registration sent again as after a
 * lost answer stays one; sdActivitiesClear empties a user's records. An edit conflict, a
 * kept registration refused then corrected, and a report's photo chosen offline (sent by the
 * report's multipart form). Signing out removes the person's records, not another's. */
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
#include "domain/accounts.h"
#include "domain/demo.h"
#include "helper_app.h"
#include "helper_browser.h"
#include "helper_photo.h"
#include "media/photo.h"
#include "text/text.h"

#define PASSWORD "Khong-co-song-2026"
#define CLC "HA-11413-TTHTCD"

static char tmpdir[] = "/tmp/suotdoi-offact-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static ha_client_t clc, other;
static int32_t base_day;
static int64_t campaign;             /* the 2022 demo campaign: its report takes photos */
static int64_t past;                 /* an activity of the 2022 week: its outcome may say "held" */
static int64_t current_id, editable; /* the campaign open now, and an activity of it */
static char photo_file[300];

#define TITLE "Đọc sách cùng con — “Tủ sách nhỏ” & <trẻ em>"
#define DESCRIPTION "Buổi 1: đọc truyện.\nBuổi 2: kể lại; mỗi nhà mang 1 cuốn."
#define PLACE "Nhà văn hóa thôn Đông, xã Tân Lập"
#define TITLE2 "Nói chuyện chuyên đề: nuôi dạy con thời số"
#define AUDIENCE "Phụ huynh và trẻ 6–10 tuổi"
#define SERVER_NOTE "Ghi trên máy chủ: 40 người, có đại diện hội khuyến học."
#define PHONE_NOTE "Ghi trên điện thoại: 42 người dự, phát 30 cuốn sổ tay."

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "o.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0 || photo_init("test_offline_activity") < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	unit_tree_t *t = app_tree(&app);
	int64_t demo_id;
	if (demo_campaign(app.store, t, TEST_SOURCE_DIR, &demo_id) < 0)
		return -1;
	unit_tree_unref(t);
	if (ha_haian_campaign(&app, demo_id, &current_id, &base_day) < 0)
		return -1;
	campaign = demo_id;
	ha_user(&app, "canbo.clc", CLC, ROLE_ENTRY, PASSWORD);
	ha_user(&app, "canbo2.clc", CLC, ROLE_ENTRY, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &clc, "canbo.clc", PASSWORD) != 303 ||
	    ha_login(port, &other, "canbo2.clc", PASSWORD) != 303)
		return -1;
	char body[900];
	snprintf(body, sizeof body,
	         "{\"campaign\":%lld,\"late_ok\":true,\"kind\":\"hoi_thao\",\"title\":\"Tọa đàm "
	         "học tập số\",\"start_date\":\"06/10/2022\",\"start_time\":\"08:00\","
	         "\"end_time\":\"10:00\",\"place\":\"Hội trường\",\"mode\":\"truc_tiep\"}",
	         (long long)demo_id);
	hc_resp_t r = ha_req(port, &clc, "POST", "/api/v1/units/" CLC "/activities", body, 1);
	if (r.status != 201) {
		fprintf(stderr, "past activity: %ld %s\n", r.status, buf_cstr(&r.body));
		return -1;
	}
	json_t *j = json_loadb(r.body.data, r.body.len, 0, NULL);
	past = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	hc_resp_free(&r);
	buf_t d = BUF_INIT;
	text_format_date(base_day + 3, &d);
	snprintf(body, sizeof body,
	         "{\"campaign\":%lld,\"kind\":\"lop_ngoai_ngu_tin_hoc\",\"title\":\"Lớp tin học "
	         "buổi tối\",\"start_date\":\"%s\",\"start_time\":\"19:00\",\"end_time\":"
	         "\"21:00\",\"place\":\"Phòng máy UBND\",\"mode\":\"truc_tiep\",\"expected\":"
	         "25,\"public\":true}",
	         (long long)current_id, buf_cstr(&d));
	buf_free(&d);
	r = ha_req(port, &clc, "POST", "/api/v1/units/" CLC "/activities", body, 1);
	if (r.status != 201) {
		fprintf(stderr, "current activity: %ld %s\n", r.status, buf_cstr(&r.body));
		return -1;
	}
	j = json_loadb(r.body.data, r.body.len, 0, NULL);
	editable = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	hc_resp_free(&r);
	/* a 3000x2000 camera photo, ~2 MB */
	snprintf(photo_file, sizeof photo_file, "%s/IMG_20261203_0900.jpg", tmpdir);
	size_t len;
	if (hp_camera_jpeg(photo_file, 3000, 2000, &len) < 0)
		return -1;
	return hb_start(360, 740);
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

/* ---------- helpers ---------- */

static void
must(const char *js, int seconds, const char *what, const char *show)
{
	if (!hb_wait(js, seconds)) {
		char safe[2000];
		snprintf(safe, sizeof safe,
		         "try { return location.href + ' | ' + (function () { %s })(); }"
		         " catch (e) { return location.href + ' | ' + e; }",
		         show);
		char *s = hb_string(safe);
		print_message("%s: %s\n", what, s);
		free(s);
		fail();
	}
}

/* DevTools: the phone offline or not; the API blocked (requests fail as with no signal). */
static void
network(int off, int block_api)
{
	static const char *const api[] = {"*/api/v1/*", "*/photos/uploads*", NULL};
	/* the block first: going online wakes the page's sending at once */
	hb_block(block_api ? api : NULL);
	hb_network(off, 0);
}

static void
server_stop(void)
{
	http_server_stop(srv);
	srv = NULL;
}

static void
server_start(void)
{
	http_config_t cfg;
	app_http_config(&app, &cfg);
	char listen[40];
	snprintf(listen, sizeof listen, "127.0.0.1:%u", port);
	cfg.listen = listen;
	cfg.threads = 2;
	cfg.quiet = 1;
	for (int i = 0; i < 50 && http_server_start(&cfg, &srv) < 0; i++)
		usleep(100 * 1000);
	assert_non_null(srv);
}

typedef struct found {
	const char *want; /* the title looked for */
	int n;
	store_activity_t a;
	char title[300], description[300], place[200], audience[200], status[16], outcome[300],
	        kind[40];
} found_t;

/* Copies what the checks read (the row's texts live only during the callback). */
static void
found_copy(found_t *f, const store_activity_t *a)
{
	f->n++;
	f->a = *a;
	snprintf(f->title, sizeof f->title, "%s", a->title);
	snprintf(f->description, sizeof f->description, "%s", a->description);
	snprintf(f->place, sizeof f->place, "%s", a->place);
	snprintf(f->audience, sizeof f->audience, "%s", a->audience);
	snprintf(f->kind, sizeof f->kind, "%s", a->kind);
	snprintf(f->status, sizeof f->status, "%s", a->status);
	snprintf(f->outcome, sizeof f->outcome, "%s", a->outcome);
}

static int
find_cb(const store_activity_t *a, void *p)
{
	found_t *f = p;
	if (!f->want || strcmp(a->title, f->want) == 0)
		found_copy(f, a);
	return 0;
}

static found_t
find_title(const char *title)
{
	found_t f;
	memset(&f, 0, sizeof f);
	f.want = title;
	store_activity_query_t q = {.path = ""};
	assert_true(store_activities_find(app.store, &q, find_cb, &f) >= 0);
	return f;
}

static found_t
find_new(void)
{
	return find_title(TITLE);
}

static found_t
get_act(int64_t id)
{
	found_t f;
	memset(&f, 0, sizeof f);
	assert_int_equal(store_activity_get(app.store, id, find_cb, &f), 1);
	return f;
}

typedef struct photos {
	int n;
	int64_t bytes;
} photos_t;

static int
photo_cb(const store_photo_t *p, void *ctx)
{
	photos_t *s = ctx;
	s->n++;
	s->bytes = (int64_t)p->full_len;
	return 0;
}

static photos_t
photos_of(int64_t id)
{
	photos_t s = {0, 0};
	assert_true(store_activity_photos(app.store, id, photo_cb, &s) >= 0);
	return s;
}

/* An asynchronous script: its last argument is the callback giving the value. */
static char *
page_async(const char *js, json_t *args)
{
	json_t *v =
	        hb_cmd("POST", "/execute/async",
	               json_pack("{s:s, s:o}", "script", js, "args", args ? args : json_array()));
	char *out = strdup(json_is_string(v) ? json_string_value(v) : "");
	json_decref(v);
	return out;
}

static void
set_value(const char *css, const char *v)
{
	json_decref(
	        hb_script("var e = document.querySelector(arguments[0]); e.value = arguments[1];"
	                  " e.dispatchEvent(new Event('change'));",
	                  json_pack("[s,s]", css, v)));
}

/* The page as it is now: no sideways scroll at 360 px, and under $SCREENSHOT_DIR (make
 * screenshots) a picture of its top for review. */
static void
look(const char *name)
{
	json_t *v = hb_script("return document.documentElement.scrollWidth;", NULL);
	long w = (long)json_integer_value(v);
	json_decref(v);
	if (w > 360)
		fail_msg("%s scrolls sideways at 360 px: %ld px wide", name, w);
	const char *dir = getenv("SCREENSHOT_DIR");
	if (!dir || !*dir)
		return;
	mkdir(dir, 0755);
	buf_t problems = BUF_INIT;
	v = hb_script("return document.documentElement.scrollHeight;", NULL);
	long h = (long)json_integer_value(v);
	json_decref(v);
	hb_screenshot(dir, name, 360, h < 1400 ? h : 1400, &problems);
	if (problems.len)
		fail_msg("%s", buf_cstr(&problems));
	buf_free(&problems);
}

/* ---------- the test ---------- */

static void
test_offline_activity(void **state)
{
	(void)state;
	buf_t day = BUF_INIT;
	text_format_date(base_day + 2, &day);
	char date[16];
	snprintf(date, sizeof date, "%s", buf_cstr(&day));
	buf_free(&day);
	char past_page[200];
	snprintf(past_page, sizeof past_page, "/units/%s/activities/%lld", CLC, (long long)past);

	/* 1. the list kept by the service worker (static/sw.js), the registration form opened
	 * online; then no signal at all */
	hb_go(port, "/");
	hb_sign_in(&clc);
	hb_go(port, "/units/" CLC "/activities");
	must("return !!navigator.serviceWorker.controller;", 15, "no service worker", "return '';");
	hb_go(port, "/units/" CLC "/activities");
	must("return caches.open('suotdoi-pages').then(function (c) {"
	     " return c.match(location.href); }).then(function (r) { return !!r; });",
	     10, "the list was not kept", "return '';");
	hb_go(port, "/units/" CLC "/activities/new");
	must("return !!window.sdStore && !!document.querySelector('.offline-status');", 5,
	     "the offline script did not start", "return document.body.innerHTML.slice(0, 500);");
	network(1, 0);
	server_stop();
	set_value("#a-kind", "thu_vien");
	set_value("#a-title", TITLE);
	set_value("#a-description", DESCRIPTION);
	set_value("#a-start-date", date);
	set_value("#a-start-time", "7h30");
	set_value("#a-end-time", "09:00");
	set_value("#a-place", PLACE);
	set_value("#a-audience", AUDIENCE);
	set_value("#a-expected", "1.200");
	hb_click(".act-form button[type=submit]");
	must("var b = document.querySelector('.act-form .offline-status');"
	     " return !b.hidden && b.textContent.indexOf('Chưa gửi — sẽ tự gửi khi có mạng') >= 0;",
	     20, "no pending state on the form",
	     "return document.querySelector('.act-form').textContent;");
	assert_int_equal(find_new().n, 0);
	look("offline-activity-kept-360");
	/* a photo for the registration that waits */
	hb_type(".pp-file", photo_file);
	set_value(".pp-caption", "Góc đọc sách của thôn");
	hb_click(".pp-keep");
	must("return document.querySelector('.pp-note').textContent.indexOf('Ảnh chờ gửi') === 0;",
	     20, "the photo for the waiting registration was not kept",
	     "return document.querySelector('.pending-photo-pick').textContent;");
	/* the next one, in the same emptied form (the page cannot be opened again offline) */
	hb_click(".act-form .another");
	must("return document.querySelector('#a-title').value === '' &&"
	     " document.querySelector('.act-form .offline-status').hidden;",
	     5, "the form was not emptied", "return document.querySelector('#a-title').value;");
	set_value("#a-kind", "hoi_thao");
	set_value("#a-title", TITLE2);
	set_value("#a-start-date", date);
	set_value("#a-start-time", "14:00");
	set_value("#a-end-time", "16:00");
	set_value("#a-place", PLACE);
	hb_click(".act-form button[type=submit]");
	must("var b = document.querySelector('.act-form .offline-status');"
	     " return !b.hidden && b.textContent.indexOf('Chưa gửi — sẽ tự gửi khi có mạng') >= 0;",
	     20, "the second one is not kept",
	     "return document.querySelector('.act-form').textContent;");
	assert_int_equal(find_title(TITLE2).n, 0);
	/* the list, opened with no signal (the worker's copy): both wait at its top */
	hb_go(port, "/units/" CLC "/activities");
	must("var s = document.querySelector('#act-pending');"
	     " return !!s && !s.hidden && s.querySelectorAll('li.pending-act').length === 2;",
	     10, "no pending rows on the list opened offline",
	     "return (document.querySelector('#act-pending') || "
	     "document.body).textContent.slice(0, 300);");

	/* 2. the server is back, the API still unreachable: the list shows it waiting */
	server_start();
	network(0, 1);
	hb_go(port, "/units/" CLC "/activities");
	must("var s = document.querySelector('#act-pending');"
	     " return !!s && !s.hidden && s.querySelectorAll('li.pending-act').length === 2;",
	     10, "no pending row on the list",
	     "return (document.querySelector('#act-pending') || document.body).outerHTML.slice(0, "
	     "800);");
	look("offline-activity-list-360");
	char *row = hb_string("return document.querySelector('#act-pending li').textContent;");
	print_message("%s\n", row);
	assert_non_null(strstr(row, TITLE));
	assert_non_null(strstr(row, date));
	assert_non_null(strstr(row, "Chưa gửi — sẽ tự gửi khi có mạng"));
	free(row);
	/* at the top: right under the title, above the filters and the calendar */
	json_t *v = hb_script("var s = document.querySelector('#act-pending'),"
	                      " c = document.querySelector('.act-actions');"
	                      " return !!(s.compareDocumentPosition(c) & 4) &&"
	                      " s.previousElementSibling.tagName === 'H1';",
	                      NULL);
	assert_true(json_is_true(v));
	json_decref(v);
	assert_int_equal(find_new().n, 0);
	/* what the phone keeps for that registration, as it is before sending */
	char *kept = page_async("var done = arguments[0]; sdStore.all('queue').then(function (r) {"
	                        " done(JSON.stringify(r)); });",
	                        NULL);
	assert_non_null(strstr(kept, "\"kind\":\"create\""));

	/* another user of the same phone neither sees nor sends it, API reachable or not */
	hb_sign_in(&other);
	network(0, 0);
	/* the first user's page still open while the other is signed in: it sends nothing */
	json_decref(hb_script("window.dispatchEvent(new Event('online'));", NULL));
	usleep(1500 * 1000);
	assert_int_equal(find_new().n, 0);
	must("var f = document.querySelector('#act-pending li .flag');"
	     " return !!f && f.textContent.indexOf('tài khoản khác') > 0;",
	     5, "the other account is not said",
	     "return document.querySelector('#act-pending').textContent;");
	hb_go(port, "/units/" CLC "/activities");
	must("return !!window.sdStore && document.querySelector('#act-pending').hidden &&"
	     " !document.querySelector('#act-pending li');",
	     5, "another user sees the waiting registration",
	     "return document.querySelector('#act-pending').outerHTML;");
	usleep(1500 * 1000); /* the page's first sending round has run */
	assert_int_equal(find_new().n, 0);
	network(0, 1);
	hb_sign_in(&clc);

	/* 3. an earlier activity: cut again, record its outcome and choose a photo */
	hb_go(port, past_page);
	must("return !!document.querySelector('.act-outcome .offline-status');", 5,
	     "no outcome form", "return document.body.textContent.slice(0, 500);");
	network(1, 0);
	server_stop();
	hb_click(".act-outcome input[name=status][value=held]");
	set_value("#o-actual", "42");
	set_value("#o-outcome", PHONE_NOTE);
	hb_click(".act-outcome button[type=submit]");
	must("var b = document.querySelector('.act-outcome .offline-status');"
	     " return !b.hidden && b.textContent.indexOf('Chưa gửi — sẽ tự gửi khi có mạng') >= 0;",
	     20, "no pending state on the outcome",
	     "return document.querySelector('.act-outcome').textContent;");
	hb_type("#photo", photo_file);
	must("return document.querySelector('#photo-size').textContent.indexOf('→') > 0;", 20,
	     "not shrunk", "return document.querySelector('#photo-size').textContent;");
	set_value("#caption", "Tọa đàm — ảnh chụp khi mất sóng");
	hb_click("#photo-form button[type=submit]");
	must("var l = document.querySelector('#photo-pending');"
	     " return !!l && !l.hidden && l.textContent.indexOf('Ảnh chờ gửi') === 0 &&"
	     " !!l.querySelector('img') && !!l.querySelector('button');",
	     20, "no kept photo",
	     "return (document.querySelector('#photo-pending') || {}).textContent + ' | ' +"
	     " document.querySelector('#photo-msg').textContent;");
	assert_string_equal(get_act(past).status, "planned");

	/* 4. someone changes the outcome on the server meanwhile */
	server_start();
	found_t cur = get_act(past);
	char body[600];
	snprintf(body, sizeof body,
	         "{\"status\":\"held\",\"actual\":40,\"outcome\":\"" SERVER_NOTE
	         "\",\"version\":%lld}",
	         (long long)cur.a.version);
	char path[200];
	snprintf(path, sizeof path, "/api/v1/units/%s/activities/%lld/outcome", CLC,
	         (long long)past);
	hc_resp_t r = ha_req(port, &clc, "POST", path, body, 1);
	assert_int_equal(r.status, 200);
	hc_resp_free(&r);

	/* 5. the signal is back */
	network(0, 0);
	must("var b = document.querySelector('.act-outcome .offline-status');"
	     " return !!b.querySelector('.conflict');",
	     40, "no conflict shown", "return document.querySelector('.act-outcome').textContent;");
	char *conf =
	        hb_string("return document.querySelector('.act-outcome .conflict').textContent;");
	print_message("%s\n", conf);
	assert_non_null(strstr(conf, "Trên máy: 42"));
	assert_non_null(strstr(conf, "Trên máy chủ: 40"));
	assert_non_null(strstr(conf, "Trên máy: " PHONE_NOTE));
	assert_non_null(strstr(conf, "Trên máy chủ: " SERVER_NOTE));
	assert_null(strstr(conf, "Tình trạng")); /* the same on both: nothing to choose */
	free(conf);
	/* nothing overwritten before the choice */
	cur = get_act(past);
	assert_int_equal(cur.a.actual, 40);
	assert_string_equal(cur.outcome, SERVER_NOTE);
	/* the phone's count, the server's note */
	hb_click(".conflict [data-field=actual] input[value=phone]");
	hb_click(".conflict [data-field=outcome] input[value=server]");
	hb_click(".conflict-send");
	/* "Đã gửi" on the form, unless the photo's own upload has finished meanwhile and
	 * reloaded the page (then the server's copy says it) */
	for (int i = 0; i < 200 && get_act(past).a.actual != 42; i++)
		usleep(100 * 1000);
	v = hb_script("var b = document.querySelector('.act-outcome .offline-status');"
	              " return !b || b.hidden || b.textContent.indexOf('Đã gửi') === 0;",
	              NULL);
	assert_true(json_is_true(v));
	json_decref(v);
	cur = get_act(past);
	assert_string_equal(cur.status, "held");
	assert_int_equal(cur.a.actual, 42);
	assert_string_equal(cur.outcome, SERVER_NOTE);

	/* the registrations: each created once, byte for byte */
	for (int i = 0; i < 400 && (find_new().n == 0 || find_title(TITLE2).n == 0); i++)
		usleep(100 * 1000);
	found_t f2 = find_title(TITLE2);
	assert_int_equal(f2.n, 1);
	assert_int_equal(f2.a.start_at, (int64_t)(base_day + 2) * 86400 + 7 * 3600);
	assert_string_equal(f2.kind, "hoi_thao");
	found_t f = find_new();
	assert_int_equal(f.n, 1);
	assert_string_equal(f.title, TITLE);
	assert_string_equal(f.description, DESCRIPTION);
	assert_string_equal(f.place, PLACE);
	assert_string_equal(f.audience, AUDIENCE);
	assert_int_equal(f.a.expected, 1200);
	assert_int_equal(f.a.start_at, (int64_t)(base_day + 2) * 86400 + 30 * 60);
	assert_int_equal(f.a.end_at, (int64_t)(base_day + 2) * 86400 + 2 * 3600);
	assert_int_equal(f.a.is_public, 1);
	/* both photos on the right activities, shrunk */
	photos_t p1 = {0, 0}, p2 = {0, 0};
	for (int i = 0; i < 400 && (p1.n == 0 || p2.n == 0); i++) {
		usleep(100 * 1000);
		p1 = photos_of(f.a.id);
		p2 = photos_of(past);
	}
	print_message("photos: new activity %d (%lld bytes), earlier one %d (%lld bytes)\n", p1.n,
	              (long long)p1.bytes, p2.n, (long long)p2.bytes);
	assert_int_equal(p1.n, 1);
	assert_int_equal(p2.n, 1);
	assert_int_equal(photos_of(f2.a.id).n, 0); /* the photo went to its own activity */
	assert_true(p1.bytes > 0 && p1.bytes <= 400 * 1000);
	assert_true(p2.bytes > 0 && p2.bytes <= 400 * 1000);
	/* the page's own upload of its photo ends by opening the activity again (or, while a
	 * choice waited there, by saying so): let it, then look at the list */
	must("return location.search.indexOf('done=photo') >= 0 ||"
	     " document.querySelector('#photo-msg').textContent.indexOf('Đã gửi ảnh') === 0;",
	     20, "the photo's page did not finish",
	     "return document.querySelector('#photo-msg').textContent;");
	/* sent: nothing left waiting on the phone; still one activity */
	hb_go(port, "/units/" CLC "/activities");
	must("var s = document.querySelector('#act-pending'); return !!s && s.hidden;", 10,
	     "something still waits", "return document.querySelector('#act-pending').textContent;");
	assert_int_equal(find_new().n, 1);
	/* the answer lost on the way back: the phone still holds the registration and sends it
	 * again; the server answers with the one it made, adds none */
	char *again = page_async("var rows = JSON.parse(arguments[0]), done = arguments[1];"
	                         " Promise.all(rows.map(function (r) { r.state = 'pending';"
	                         " return sdStore.put('queue', r); })).then(function () {"
	                         " window.dispatchEvent(new Event('online'));"
	                         " done(String(rows.length)); });",
	                         json_pack("[s]", kept));
	assert_string_equal(again, "2");
	free(again);
	must("var done = false; window.__left = window.__left === undefined ? -1 : window.__left;"
	     " sdStore.all('queue').then(function (r) { window.__left = r.length; });"
	     " return window.__left === 0;",
	     20, "the registration sent again stays on the phone",
	     "return document.querySelector('#act-pending').textContent;");
	assert_int_equal(find_new().n, 1);
	assert_int_equal(find_title(TITLE2).n, 1);
	free(kept);
	/* sign-out's hook: this user's records leave the phone, another user's stay */
	char *left = page_async(
	        "var done = arguments[0];"
	        " sdStore.put('queue', {key: 'x-1', at: 1, user: 'someone-else', api: '/x', body: "
	        "{}})"
	        ".then(function () { return sdStore.put('queue', {key: 'x-2', at: 2, api: '/x',"
	        " body: {}}); })"
	        ".then(function () { return sdActivitiesClear(sdStore.user()); })"
	        ".then(function () { return sdStore.all('queue'); })"
	        ".then(function (mine) { return sdActivitiesClear(undefined).then(function () {"
	        " return 'mine=' + mine.length; }); })"
	        ".then(done, function (e) { done('error ' + e); });",
	        NULL);
	assert_string_equal(left, "mine=0");
	free(left);
}

/* An edit saved offline while someone changed another field on the server: both differing
 * fields are shown (the dates, equal, are not), and each keeps the value chosen. */
static void
test_edit_conflict(void **state)
{
	(void)state;
	char page[200];
	snprintf(page, sizeof page, "/units/%s/activities/%lld", CLC, (long long)editable);
	hb_go(port, "/");
	hb_sign_in(&clc);
	hb_go(port, page);
	must("return !!document.querySelector('.act-form .offline-status');", 5, "no edit form",
	     "return document.body.textContent.slice(0, 300);");
	network(1, 0);
	server_stop();
	hb_click("details.act-edit summary");
	set_value("#a-title", "Lớp tin học buổi tối — đổi sang thứ Bảy");
	hb_click(".act-form button[type=submit]");
	must("var b = document.querySelector('.act-form .offline-status');"
	     " return !b.hidden && b.textContent.indexOf('Chưa gửi — sẽ tự gửi khi có mạng') >= 0;",
	     20, "no pending state on the edit",
	     "return document.querySelector('.act-form .offline-status').textContent;");
	/* the server's copy: another place, by someone else */
	server_start();
	buf_t d = BUF_INIT;
	text_format_date(base_day + 3, &d);
	char body[900], path[200];
	snprintf(body, sizeof body,
	         "{\"campaign\":%lld,\"kind\":\"lop_ngoai_ngu_tin_hoc\",\"title\":\"Lớp tin học "
	         "buổi tối\",\"start_date\":\"%s\",\"start_time\":\"19:00\",\"end_time\":"
	         "\"21:00\",\"place\":\"Phòng họp tầng 2, nhà văn hóa\",\"mode\":\"truc_tiep\","
	         "\"expected\":25,\"public\":true,\"version\":1}",
	         (long long)current_id, buf_cstr(&d));
	buf_free(&d);
	snprintf(path, sizeof path, "/api/v1/units/%s/activities/%lld", CLC, (long long)editable);
	hc_resp_t r = ha_req(port, &clc, "POST", path, body, 1);
	assert_int_equal(r.status, 200);
	hc_resp_free(&r);
	network(0, 0);
	must("return !!document.querySelector('.act-form .conflict');", 40, "no conflict shown",
	     "return document.querySelector('.act-form .offline-status').textContent;");
	char *conf =
	        hb_string("return Array.prototype.map.call("
	                  "document.querySelectorAll('.act-form .conflict-field'),"
	                  " function (f) { return f.getAttribute('data-field'); }).join(',');");
	assert_string_equal(conf, "title,place");
	free(conf);
	json_decref(
	        hb_script("document.querySelector('.act-form .conflict').scrollIntoView();", NULL));
	look("offline-activity-conflict-360");
	found_t f;
	memset(&f, 0, sizeof f);
	assert_int_equal(store_activity_get(app.store, editable, find_cb, &f), 1);
	assert_string_equal(f.title, "Lớp tin học buổi tối"); /* nothing overwritten yet */
	/* sending without choosing asks for the choice */
	hb_click(".act-form .conflict-send");
	must("return document.querySelector('.act-form .offline-status').textContent"
	     ".indexOf('Hãy chọn giá trị cho') >= 0;",
	     5, "no request to choose",
	     "return document.querySelector('.act-form .offline-status').textContent;");
	hb_click(".act-form [data-field=title] input[value=phone]");
	hb_click(".act-form [data-field=place] input[value=server]");
	hb_click(".act-form .conflict-send");
	must("var b = document.querySelector('.act-form .offline-status');"
	     " return !!b && b.textContent.indexOf('Đã gửi') === 0;",
	     20, "the choice was not sent",
	     "return document.querySelector('.act-form .offline-status').textContent;");
	memset(&f, 0, sizeof f);
	assert_int_equal(store_activity_get(app.store, editable, find_cb, &f), 1);
	assert_string_equal(f.title, "Lớp tin học buổi tối — đổi sang thứ Bảy");
	assert_string_equal(f.place, "Phòng họp tầng 2, nhà văn hóa");
	assert_int_equal(f.a.version, 3);
}

/* Kept offline, then refused: signed out meanwhile, the form says the session ended and the
 * data stays; signed in again, the server's sentence about the bad field shows under it and
 * nothing is stored; corrected and saved again, it is created once. */
static void
test_refused_offline(void **state)
{
	(void)state;
	buf_t day = BUF_INIT;
	text_format_date(base_day + 4, &day);
	char date[16];
	snprintf(date, sizeof date, "%s", buf_cstr(&day));
	buf_free(&day);
	hb_go(port, "/");
	hb_sign_in(&clc);
	hb_go(port, "/units/" CLC "/activities/new");
	must("return !!document.querySelector('.act-form .offline-status');", 5, "no form",
	     "return document.body.textContent.slice(0, 300);");
	network(1, 0);
	server_stop();
	set_value("#a-kind", "tap_huan");
	set_value("#a-title", "Tập huấn sai giờ");
	set_value("#a-start-date", date);
	set_value("#a-start-time", "08:00");
	set_value("#a-end-time", "07:00"); /* before the start */
	set_value("#a-place", "Hội trường xã");
	hb_click(".act-form button[type=submit]");
	must("return document.querySelector('.act-form .offline-status').textContent"
	     ".indexOf('Chưa gửi') === 0;",
	     20, "not kept", "return document.querySelector('.act-form').textContent;");
	server_start();
	hb_cmd_void("DELETE", "/cookie", NULL);
	network(0, 0);
	must("return document.querySelector('.act-form .offline-status').textContent"
	     ".indexOf('Phiên đăng nhập đã hết hạn: hãy đăng nhập lại, dữ liệu vẫn được giữ trên"
	     " máy') === 0;",
	     20, "no session message", "return document.querySelector('.act-form').textContent;");
	hb_sign_in(&clc);
	json_decref(hb_script("window.dispatchEvent(new Event('online'));", NULL));
	must("var e = document.querySelector('#a-end-time').closest('fieldset').nextElementSibling;"
	     " return !!e && e.className === 'field-err' &&"
	     " e.textContent.indexOf('trước lúc bắt đầu') >= 0 &&"
	     " document.querySelector('.act-form .offline-status').textContent"
	     ".indexOf('Dữ liệu vẫn được giữ trên máy') > 0;",
	     20, "no refusal shown", "return document.querySelector('.act-form').textContent;");
	assert_int_equal(find_title("Tập huấn sai giờ").n, 0);
	/* corrected: sent once */
	set_value("#a-end-time", "10:00");
	hb_click(".act-form button[type=submit]");
	must("var b = document.querySelector('.act-form .offline-status');"
	     " return b.textContent.indexOf('Đã gửi') === 0 && !!b.querySelector('a') &&"
	     " !document.querySelector('.act-form .field-err');",
	     20, "not sent after the correction",
	     "return document.querySelector('.act-form').textContent;");
	found_t f = find_title("Tập huấn sai giờ");
	assert_int_equal(f.n, 1);
	assert_int_equal(f.a.end_at, (int64_t)(base_day + 4) * 86400 + 3 * 3600);
}

/* Signing out (offline.js's sign-out, here from the home page where photo.js is not loaded)
 * with an unsent activity asks first; cancelled, nothing goes; confirmed, it removes this
 * person's kept activities and photos from the phone; another person's stay.
 * Last: it ends clc's session. */
static void
test_sign_out_clears(void **state)
{
	(void)state;
	hb_go(port, "/");
	hb_sign_in(&clc);
	hb_go(port, "/units/" CLC "/activities");
	char *put = page_async("var done = arguments[0];"
	                       " sdStore.put('queue', {key: 'a-mine', at: 1, kind: 'create',"
	                       " api: '/api/v1/units/x/activities', state: 'error', body: {}})"
	                       ".then(function () { return sdStore.put('queue', {key: 'a-theirs',"
	                       " at: 2, user: '999999', kind: 'create', api: '/x', state: 'error',"
	                       " body: {}}); }).then(function () { done('ok'); },"
	                       " function (e) { done('error ' + e); });",
	                       NULL);
	assert_string_equal(put, "ok");
	free(put);
	hb_go(port, "/");
	/* an unsent activity: signing out asks first, and "Hủy" keeps everything */
	hb_click("form[action='/logout'] button");
	char *ask = hb_alert_text(5);
	if (!ask)
		fail_msg("signing out with an unsent activity did not ask");
	assert_non_null(strstr(ask, "1 hoạt động, ảnh chưa gửi được lên máy chủ"));
	assert_null(strstr(ask, "báo cáo"));
	free(ask);
	hb_alert_answer(0);
	must("return !!document.querySelector(\"form[action='/logout']\");", 5,
	     "signed out although the person cancelled",
	     "return document.body.textContent.slice(0, 200);");
	char *kept = page_async("var done = arguments[0], rq = indexedDB.open('sd-activities');"
	                        " rq.onsuccess = function () { var g = rq.result.transaction('queue')"
	                        ".objectStore('queue').count(); g.onsuccess = function () {"
	                        " done(String(g.result)); }; };",
	                        NULL);
	assert_string_equal(kept, "2");
	free(kept);
	/* asked again, OK: this person's records go */
	hb_click("form[action='/logout'] button");
	ask = hb_alert_text(5);
	assert_non_null(ask);
	free(ask);
	hb_alert_answer(1);
	must("return !document.querySelector(\"form[action='/logout']\");", 10, "not signed out",
	     "return document.body.textContent.slice(0, 200);");
	/* the session is over (the last test: clc's cookie no longer signs in); the phone's
	 * store is the origin's, read from whatever page it shows now */
	hb_go(port, "/units/" CLC "/activities");
	char *left =
	        page_async("var done = arguments[0], rq = indexedDB.open('sd-activities');"
	                   " rq.onsuccess = function () { var g = rq.result.transaction('queue')"
	                   ".objectStore('queue').getAll(); g.onsuccess = function () {"
	                   " done(g.result.map(function (r) { return r.key; }).join(',')); }; };",
	                   NULL);
	assert_string_equal(left, "a-theirs");
	free(left);
}

/* A report's photo chosen without a signal waits on the phone too, and goes through the
 * report's own multipart form when the connection is back. */
static void
test_report_photo_offline(void **state)
{
	(void)state;
	char page[200];
	snprintf(page, sizeof page, "/campaigns/%lld/units/%s/report", (long long)campaign, CLC);
	hb_go(port, "/");
	hb_sign_in(&clc);
	hb_go(port, page);
	must("return !!window.sdStore && !!document.querySelector('#photo-form');", 5,
	     "no photo form on the report", "return document.body.textContent.slice(0, 300);");
	hb_type("#photo", photo_file);
	must("return document.querySelector('#photo-size').textContent.indexOf('→') > 0;", 20,
	     "not shrunk", "return document.querySelector('#photo-size').textContent;");
	network(1, 0);
	server_stop();
	set_value("#caption", "Khai mạc — ảnh chờ gửi");
	hb_click("#photo-form button[type=submit]");
	must("var l = document.querySelector('#photo-pending');"
	     " return !!l && !l.hidden && l.textContent.indexOf('Khai mạc — ảnh chờ gửi') > 0;",
	     20, "no kept report photo",
	     "return (document.querySelector('#photo-pending') || {}).textContent + ' | ' +"
	     " document.querySelector('#photo-msg').textContent;");
	server_start();
	network(0, 0);
	must("return location.search.indexOf('done=photo') >= 0;", 40, "report photo not sent",
	     "return location.href + ' | ' + document.querySelector('#photo-msg').textContent;");
	hc_resp_t r = ha_req(port, &clc, "GET", page, NULL, 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(buf_cstr(&r.body), "Khai mạc — ảnh chờ gửi"));
	const char *ph = strstr(buf_cstr(&r.body), "/photos/");
	assert_non_null(ph);
	char full[300];
	snprintf(full, sizeof full, "/campaigns/%lld/units/%s/photos/%lld", (long long)campaign,
	         CLC, atoll(ph + 8));
	hc_resp_free(&r);
	r = ha_req(port, &clc, "GET", full, NULL, 0);
	assert_int_equal(r.status, 200);
	assert_true(r.body.len > 0 && r.body.len <= 400 * 1000);
	hc_resp_free(&r);
	/* nothing left waiting */
	must("return !document.querySelector('#photo-pending li');", 5, "photo still kept",
	     "return document.querySelector('#photo-pending').textContent;");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_offline_activity),
	        cmocka_unit_test(test_edit_conflict),
	        cmocka_unit_test(test_refused_offline),
	        cmocka_unit_test(test_report_photo_offline),
	        cmocka_unit_test(test_sign_out_clears),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
