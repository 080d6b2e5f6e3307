/* Activities over real HTTP with the web forms (no JavaScript) and the JSON API: a CLC's
 * officer registers activities; each kind of bad input is refused with its Vietnamese
 * field error and nothing is stored; after the registration deadline only a confirmed
 * registration goes through, flagged late; another unit's officer is refused; citizens
 * see public activities on /lich and on share pages with Open Graph tags, never internal
 * ones; the iCalendar feed parses with a real client parser (python3-icalendar); edits
 * are versioned; outcomes and photos. */
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
#include <vips/vips.h>

#include "app/app.h"
#include "domain/accounts.h"
#include "domain/activity.h"
#include "domain/demo.h"
#include "helper_app.h"
#include "media/photo.h"
#include "text/text.h"

#define PASSWORD "Hoat-dong-2026-kiem-tra"
#define CLC "HA-11413-TTHTCD"

static char tmpdir[] = "/tmp/suotdoi-act-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t demo_id, current_id; /* the 2022 campaign (deadline passed), and one open now */
static int32_t base_day;            /* the first day of the current campaign's week */
static ha_client_t clc, school, district;
static void *jpeg;
static size_t jpeg_len;
/* activities made along the way */
static int64_t a_public, a_cancel, a_internal, a_late;

/* ---------- helpers ---------- */

static const char *
day_str(int32_t d)
{
	static char s[4][16];
	static int k;
	k = (k + 1) % 4;
	buf_t b = BUF_INIT;
	text_format_date(d, &b);
	snprintf(s[k], sizeof s[k], "%s", buf_cstr(&b));
	buf_free(&b);
	return s[k];
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
	int late, is_public;
	char status[16];
	int64_t actual;
} got_t;

static int
got_cb(const store_activity_t *a, void *p)
{
	got_t *g = p;
	g->late = a->late;
	g->is_public = a->is_public;
	snprintf(g->status, sizeof g->status, "%s", a->status);
	g->actual = a->actual;
	return 0;
}

static got_t
get_activity(int64_t id)
{
	got_t g = {0};
	assert_int_equal(store_activity_get(app.store, id, got_cb, &g), 1);
	return g;
}

/* A form body from name/value pairs (NULL-terminated), values percent-encoded. */
static char *
form(ha_client_t *c, const char *const *kv)
{
	buf_t b = BUF_INIT;
	CURL *h = curl_easy_init();
	buf_printf(&b, "csrf=%s", c ? c->csrf : "");
	for (size_t k = 0; kv[k]; k += 2) {
		char *e = curl_easy_escape(h, kv[k + 1], 0);
		buf_printf(&b, "&%s=%s", kv[k], e);
		curl_free(e);
	}
	curl_easy_cleanup(h);
	return buf_steal(&b, NULL);
}

static hc_resp_t
post(ha_client_t *c, const char *path, const char *const *kv)
{
	char *body = form(c, kv);
	hc_resp_t r = ha_req(port, c, "POST", path, body, 0);
	free(body);
	return r;
}

static hc_resp_t
get(ha_client_t *c, const char *path)
{
	return ha_req(port, c, "GET", path, NULL, 0);
}

static int
has(const hc_resp_t *r, const char *s)
{
	return strstr(buf_cstr((buf_t *)&r->body), s) != NULL;
}

static void
expect_in(const hc_resp_t *r, const char *s)
{
	if (!has(r, s))
		fail_msg("response %ld lacks \"%s\":\n%.3000s", r->status, s,
		         buf_cstr((buf_t *)&r->body));
}

/* The fields of a valid registration on day d (VN) at 07:00–07:45, with overrides:
 * pairs in over replace or add. */
static hc_resp_t
register_at(ha_client_t *c, const char *unit, int32_t d, const char *const *over)
{
	const char *kv[64] = {"kind",        "lop_ngoai_ngu_tin_hoc",
	                      "title",       "Lớp tin học cơ bản cho người cao tuổi",
	                      "description", "Sử dụng điện thoại thông minh; gọi video, nhắn tin.",
	                      "start_date",  day_str(d),
	                      "start_time",  "07:00",
	                      "end_date",    "",
	                      "end_time",    "07:45",
	                      "place",       "Trung tâm học tập cộng đồng phường Đằng Lâm",
	                      "mode",        "truc_tiep",
	                      "link",        "",
	                      "audience",    "Người cao tuổi",
	                      "expected",    "35",
	                      "public",      "1",
	                      NULL};
	size_t n = 26;
	for (size_t k = 0; over && over[k]; k += 2) {
		size_t j = 0;
		while (j < n && strcmp(kv[j], over[k]) != 0)
			j += 2;
		if (j == n) {
			kv[n] = over[k];
			n += 2;
			kv[n] = NULL;
		}
		kv[j + 1] = over[k + 1];
	}
	char path[200];
	snprintf(path, sizeof path, "/units/%s/activities", unit);
	return post(c, path, kv);
}

/* The id in a 303's Location "/units/X/activities/ID?done=..." */
static int64_t
created_id(const hc_resp_t *r)
{
	char loc[300];
	if (r->status != 303 || !hc_header(r, "Location", loc, sizeof loc))
		fail_msg("expected 303, got %ld:\n%.3000s", r->status, buf_cstr((buf_t *)&r->body));
	const char *p = strstr(loc, "/activities/");
	assert_non_null(p);
	return atoll(p + strlen("/activities/"));
}

static const char *
act_path(int64_t id, const char *tail)
{
	static char p[4][200];
	static int k;
	k = (k + 1) % 4;
	snprintf(p[k], sizeof p[k], "/units/%s/activities/%lld%s", CLC, (long long)id, tail);
	return p[k];
}

static long
version_of(int64_t id)
{
	hc_resp_t r = get(&clc, act_path(id, ""));
	assert_int_equal(r.status, 200);
	const char *p = strstr(buf_cstr(&r.body), "name=\"version\" value=\"");
	assert_non_null(p);
	long v = atol(p + strlen("name=\"version\" value=\""));
	hc_resp_free(&r);
	return v;
}

static size_t
sink(char *p, size_t s, size_t n, void *ud)
{
	buf_append(ud, p, s * n);
	return s * n;
}

/* POST a multipart photo form as the CLC's officer; returns the status. */
static long
upload(const char *path, const char *caption)
{
	char url[300], ck[450];
	snprintf(url, sizeof url, "http://127.0.0.1:%u%s", port, path);
	snprintf(ck, sizeof ck, "%s", clc.cookie);
	buf_t out = BUF_INIT;
	CURL *c = curl_easy_init();
	curl_mime *m = curl_mime_init(c);
	curl_mimepart *p = curl_mime_addpart(m);
	curl_mime_name(p, "csrf");
	curl_mime_data(p, clc.csrf, CURL_ZERO_TERMINATED);
	p = curl_mime_addpart(m);
	curl_mime_name(p, "caption");
	curl_mime_data(p, caption, CURL_ZERO_TERMINATED);
	p = curl_mime_addpart(m);
	curl_mime_name(p, "photo");
	curl_mime_filename(p, "anh.jpg");
	curl_mime_type(p, "image/jpeg");
	curl_mime_data(p, jpeg, jpeg_len);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_MIMEPOST, m);
	curl_easy_setopt(c, CURLOPT_COOKIE, ck);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &out);
	long st = 0;
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
	curl_mime_free(m);
	curl_easy_cleanup(c);
	buf_free(&out);
	return st;
}

/* The first "/photos/<n>" id in a page. */
static int64_t
first_photo(const hc_resp_t *r)
{
	const char *p = strstr(buf_cstr((buf_t *)&r->body), "/photos/");
	assert_non_null(p);
	return atoll(p + strlen("/photos/"));
}

/* ---------- set-up ---------- */

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "a.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0 || photo_init("test_activities") < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	unit_tree_t *t = app_tree(&app);
	if (demo_campaign(app.store, t, TEST_SOURCE_DIR, &demo_id) < 0)
		return -1;
	/* a campaign of quận Hải An open now: registration until 10 days from today */
	if (ha_haian_campaign(&app, demo_id, &current_id, &base_day) < 0)
		return -1;
	unit_tree_unref(t);
	ha_user(&app, "canbo.clc", CLC, ROLE_ENTRY, PASSWORD);
	ha_user(&app, "canbo.th", "HA-11413-TH", ROLE_ENTRY, PASSWORD);
	ha_user(&app, "chuyenvien.haian", "306", ROLE_OVERSEER, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &clc, "canbo.clc", PASSWORD) != 303 ||
	    ha_login(port, &school, "canbo.th", PASSWORD) != 303 ||
	    ha_login(port, &district, "chuyenvien.haian", PASSWORD) != 303)
		return -1;
	VipsImage *img;
	if (vips_black(&img, 800, 600, "bands", 3, NULL) != 0 ||
	    vips_jpegsave_buffer(img, &jpeg, &jpeg_len, NULL) != 0)
		return -1;
	g_object_unref(img);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	g_free(jpeg);
	http_server_stop(srv);
	app_close(&app);
	curl_global_cleanup();
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---------- tests ---------- */

static void
test_register(void **state)
{
	(void)state;
	/* the form offers the open campaign (the newest) and every kind */
	hc_resp_t r = get(&clc, "/units/" CLC "/activities/new");
	assert_int_equal(r.status, 200);
	expect_in(&r, "Tuần lễ học tập suốt đời quận Hải An");
	expect_in(&r, "Lớp dạy nghề cho lao động nông thôn");
	expect_in(&r, "Kết hợp (trực tiếp và trực tuyến)");
	hc_resp_free(&r);
	r = register_at(&clc, CLC, base_day + 1, NULL);
	a_public = created_id(&r);
	hc_resp_free(&r);
	assert_int_equal(stored(), 1);
	r = get(&clc, act_path(a_public, "?done=created"));
	assert_int_equal(r.status, 200);
	expect_in(&r, "Đã đăng ký hoạt động.");
	expect_in(&r, "Lớp tin học cơ bản cho người cao tuổi");
	expect_in(&r, "07:00–07:45");
	expect_in(&r, "Tuần lễ học tập suốt đời quận Hải An");
	hc_resp_free(&r);
	/* one more public (to cancel later) and an internal one */
	const char *cancel[] = {
	        "kind",       "hoi_thao", "title",    "Tọa đàm “Chuyển đổi số”, ngày 2",
	        "mode",       "ket_hop",  "link",     "https://meet.google.com/abc-defg-hij",
	        "start_time", "14:00",    "end_time", "16:30",
	        NULL};
	r = register_at(&clc, CLC, base_day + 2, cancel);
	a_cancel = created_id(&r);
	hc_resp_free(&r);
	const char *internal[] = {"kind",   "khac", "title", "Họp nội bộ chuẩn bị Tuần lễ",
	                          "public", "",     NULL};
	r = register_at(&clc, CLC, base_day, internal);
	a_internal = created_id(&r);
	hc_resp_free(&r);
	assert_int_equal(stored(), 3);
	assert_int_equal(get_activity(a_internal).is_public, 0);
	assert_int_equal(get_activity(a_public).late, 0);
}

static void
expect_refused(const char *const *over, int32_t d, const char *msg)
{
	int before = stored();
	hc_resp_t r = register_at(&clc, CLC, d, over);
	if (r.status != 422)
		fail_msg("expected 422 for \"%s\", got %ld", msg, r.status);
	expect_in(&r, msg);
	expect_in(&r, "Chưa có gì được lưu.");
	hc_resp_free(&r);
	assert_int_equal(stored(), before);
}

static void
test_bad_input(void **state)
{
	(void)state;
	const char *order[] = {"end_time", "06:30", NULL};
	expect_refused(order, base_day, "trước lúc bắt đầu");
	const char *order2[] = {"end_date", day_str(base_day - 1), NULL};
	expect_refused(order2, base_day, "trước lúc bắt đầu");
	const char *kind[] = {"kind", "hop_chi_bo", NULL};
	expect_refused(kind, base_day, "Loại hoạt động “hop_chi_bo” không có trong danh sách");
	const char *link[] = {"mode", "truc_tuyen", "link", "zoom.us/j/123", NULL};
	expect_refused(link, base_day, "Đường dẫn trực tuyến “zoom.us/j/123” không hợp lệ");
	const char *nolink[] = {"mode", "truc_tuyen", NULL};
	expect_refused(nolink, base_day, "cần đường dẫn");
	char big[5200];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	const char *desc[] = {"description", big, NULL};
	expect_refused(desc, base_day, "Mô tả dài 5.199 byte, quá giới hạn 5.000 byte");
	big[301] = '\0';
	const char *title[] = {"title", big, NULL};
	expect_refused(title, base_day, "Tên hoạt động dài 301 byte, quá giới hạn 300 byte");
	const char *people[] = {"expected", "2.000.000", NULL};
	expect_refused(people, base_day, "Số người dự kiến “2.000.000” không hợp lệ");
	const char *date[] = {"start_date", "31/02/2026", NULL};
	expect_refused(date, base_day, "ngày “31/02/2026” không hợp lệ");
	const char *far[] = {"start_date", "01/10/2035", "end_date", "01/10/2035", NULL};
	expect_refused(far, base_day, "nằm ngoài thời gian của đợt");
	const char *camp[] = {"campaign", "999999", NULL};
	expect_refused(camp, base_day, "Đợt: hãy chọn một đợt trong danh sách");
	/* the form comes back with what was typed */
	const char *typed[] = {"title", "Tiêu đề <đã gõ>", "end_time", "05:00", NULL};
	hc_resp_t r = register_at(&clc, CLC, base_day, typed);
	assert_int_equal(r.status, 422);
	expect_in(&r, "value=\"Tiêu đề &lt;đã gõ&gt;\"");
	expect_in(&r, "class=\"field-err\"");
	hc_resp_free(&r);
	/* the API answers 422 JSON with the same errors by field */
	int before = stored();
	r = ha_req(port, &clc, "POST", "/api/v1/units/" CLC "/activities",
	           "{\"kind\":\"x\",\"title\":\"\",\"mode\":\"truc_tiep\",\"start_date\":"
	           "\"01/12/2026\",\"start_time\":\"08:00\",\"end_time\":\"07:00\"}",
	           1);
	assert_int_equal(r.status, 422);
	expect_in(&r, "\"fields\"");
	expect_in(&r, "\"kind\":\"Loại hoạt động “x” không có trong danh sách");
	expect_in(&r, "\"title\":\"Tên hoạt động: hãy nhập tên hoạt động.\"");
	expect_in(&r, "\"end\":");
	expect_in(&r, "\"place\":");
	hc_resp_free(&r);
	assert_int_equal(stored(), before);
	/* and creates with 201 */
	char body[600];
	snprintf(body, sizeof body,
	         "{\"kind\":\"tap_huan\",\"title\":\"Tập huấn qua API\",\"mode\":\"truc_tuyen\","
	         "\"link\":\"https://zoom.us/j/1\",\"start_date\":\"%s\",\"start_time\":\"08:00\","
	         "\"end_time\":\"09:00\",\"expected\":20,\"public\":false}",
	         day_str(base_day + 3));
	r = ha_req(port, &clc, "POST", "/api/v1/units/" CLC "/activities", body, 1);
	assert_int_equal(r.status, 201);
	expect_in(&r, "\"title\":\"Tập huấn qua API\"");
	expect_in(&r, "\"expected\":20");
	hc_resp_free(&r);
	assert_int_equal(stored(), before + 1);
}

static void
test_late_registration(void **state)
{
	(void)state;
	/* the 2022 campaign's deadline (30/09/2022) has passed: refused without confirmation */
	int32_t d;
	text_parse_date("06/10/2022", 10, &d);
	char cid[32];
	snprintf(cid, sizeof cid, "%lld", (long long)demo_id);
	const char *late[] = {"campaign", cid, NULL};
	expect_refused(late, d, "Đã quá hạn đăng ký hoạt động (30/09/2022)");
	hc_resp_t r = register_at(&clc, CLC, d, late);
	expect_in(&r, "Tôi xác nhận đăng ký muộn");
	hc_resp_free(&r);
	/* confirmed: stored with the flag, shown as such */
	const char *ok[] = {"campaign", cid, "late_ok", "1", NULL};
	r = register_at(&clc, CLC, d, ok);
	a_late = created_id(&r);
	hc_resp_free(&r);
	assert_int_equal(get_activity(a_late).late, 1);
	r = get(&clc, act_path(a_late, "?done=created_late"));
	assert_int_equal(r.status, 200);
	expect_in(&r, "Đăng ký muộn");
	expect_in(&r, "ghi là đăng ký muộn");
	hc_resp_free(&r);
	r = get(&clc, "/units/" CLC "/activities?view=week&week=06/10/2022");
	assert_int_equal(r.status, 200);
	expect_in(&r, "Đăng ký muộn");
	expect_in(&r, "Thứ Năm");
	hc_resp_free(&r);
	/* the district sees the subtree's calendar, late flag included */
	r = get(&district, "/units/306/activities?view=week&week=06/10/2022");
	assert_int_equal(r.status, 200);
	expect_in(&r, "Đăng ký muộn");
	hc_resp_free(&r);
}

static void
test_other_unit_refused(void **state)
{
	(void)state;
	int before = stored();
	hc_resp_t r = register_at(&school, CLC, base_day, NULL);
	assert_int_equal(r.status, 403);
	hc_resp_free(&r);
	r = post(&school, act_path(a_public, "/outcome"),
	         (const char *const[]){"status", "cancelled", NULL});
	assert_int_equal(r.status, 403);
	hc_resp_free(&r);
	r = get(&school, act_path(a_internal, ""));
	assert_int_equal(r.status, 403);
	hc_resp_free(&r);
	/* an activity reached through another unit's path: 404 */
	char p[200];
	snprintf(p, sizeof p, "/units/HA-11413-TH/activities/%lld", (long long)a_public);
	r = get(&school, p);
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
	/* anonymous: sign-in */
	r = get(NULL, "/units/" CLC "/activities");
	assert_int_equal(r.status, 401);
	hc_resp_free(&r);
	assert_int_equal(stored(), before);
}

static void
test_public_calendar(void **state)
{
	(void)state;
	hc_resp_t r = get(NULL, "/lich");
	assert_int_equal(r.status, 200);
	expect_in(&r, "Lớp tin học cơ bản cho người cao tuổi");
	assert_false(has(&r, "Họp nội bộ chuẩn bị Tuần lễ"));
	assert_false(has(&r, "Tập huấn qua API"));
	hc_resp_free(&r);
	r = get(NULL, "/lich?unit=" CLC);
	assert_int_equal(r.status, 200);
	expect_in(&r, "Lớp tin học cơ bản cho người cao tuổi");
	assert_false(has(&r, "Họp nội bộ"));
	hc_resp_free(&r);
	r = get(NULL, "/lich?q=dang+lam");
	assert_int_equal(r.status, 200);
	expect_in(&r, "/lich?unit=11413");
	hc_resp_free(&r);
	char week[80];
	snprintf(week, sizeof week, "/lich?view=week&week=%s", day_str(base_day + 1));
	r = get(NULL, week);
	assert_int_equal(r.status, 200);
	expect_in(&r, "Lớp tin học cơ bản cho người cao tuổi");
	assert_false(has(&r, "Họp nội bộ"));
	hc_resp_free(&r);
	/* the share page */
	char p[100];
	snprintf(p, sizeof p, "/lich/%lld", (long long)a_public);
	r = get(NULL, p);
	assert_int_equal(r.status, 200);
	expect_in(&r, "<meta property=\"og:title\" content=\"Lớp tin học cơ bản cho người cao "
	              "tuổi\">");
	char url[200];
	snprintf(url, sizeof url, "<meta property=\"og:description\" content=\"%s, %s, 07:00–07:45",
	         activity_weekday_name(activity_weekday(base_day + 1)), day_str(base_day + 1));
	expect_in(&r, url);
	snprintf(url, sizeof url,
	         "<meta property=\"og:url\" content=\"http://127.0.0.1:%u/lich/%lld\">", port,
	         (long long)a_public);
	expect_in(&r, url);
	expect_in(&r, "og:locale\" content=\"vi_VN\"");
	expect_in(&r, "og:site_name");
	expect_in(&r, "twitter:card");
	expect_in(&r, "Trung tâm học tập cộng đồng phường Đằng Lâm");
	expect_in(&r, "/event.ics");
	hc_resp_free(&r);
	/* behind a TLS proxy the absolute addresses follow it */
	const char *hdrs[] = {"X-Forwarded-Proto: https", "X-Forwarded-Host: lich.example.vn",
	                      NULL};
	hc_opts_t o = {.headers = hdrs};
	CURL *h = curl_easy_init();
	assert_int_equal(hc_request(h, port, p, &o, &r), 0);
	curl_easy_cleanup(h);
	snprintf(url, sizeof url, "content=\"https://lich.example.vn/lich/%lld\"",
	         (long long)a_public);
	expect_in(&r, url);
	hc_resp_free(&r);
	/* internal: not found for citizens, nor its single-event file */
	snprintf(p, sizeof p, "/lich/%lld", (long long)a_internal);
	r = get(NULL, p);
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
	snprintf(p, sizeof p, "/lich/%lld/event.ics", (long long)a_internal);
	r = get(NULL, p);
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
	/* the public API */
	r = get(NULL, "/api/v1/lich?unit=" CLC);
	assert_int_equal(r.status, 200);
	expect_in(&r, "Lớp tin học cơ bản cho người cao tuổi");
	assert_false(has(&r, "Họp nội bộ"));
	assert_false(has(&r, "\"late\""));
	hc_resp_free(&r);
	/* the internal API shows everything the officer may see */
	r = get(&clc, "/api/v1/units/" CLC "/activities");
	assert_int_equal(r.status, 200);
	expect_in(&r, "Họp nội bộ chuẩn bị Tuần lễ");
	expect_in(&r, "\"version\":1");
	hc_resp_free(&r);
	r = get(NULL, "/api/v1/units/" CLC "/activities");
	assert_int_equal(r.status, 401);
	hc_resp_free(&r);
}

static void
test_version_conflict(void **state)
{
	(void)state;
	long v = version_of(a_public);
	char vs[32];
	snprintf(vs, sizeof vs, "%ld", v);
	const char *kv[] = {"version",    vs,
	                    "kind",       "lop_ngoai_ngu_tin_hoc",
	                    "title",      "Lớp tin học cơ bản cho người cao tuổi (khóa 2)",
	                    "start_date", day_str(base_day + 1),
	                    "start_time", "07:00",
	                    "end_time",   "07:45",
	                    "place",      "Trung tâm học tập cộng đồng phường Đằng Lâm",
	                    "mode",       "truc_tiep",
	                    "public",     "1",
	                    NULL};
	hc_resp_t r =
	        ha_post_page_form(port, &clc, act_path(a_public, ""), act_path(a_public, ""), kv);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	/* the same stale version again: refused, nothing overwritten */
	kv[5] = "Bản sửa cũ";
	r = ha_post_page_form(port, &clc, act_path(a_public, ""), act_path(a_public, ""), kv);
	assert_int_equal(r.status, 409);
	expect_in(&r, "vừa được người khác sửa");
	hc_resp_free(&r);
	r = get(&clc, act_path(a_public, ""));
	expect_in(&r, "(khóa 2)");
	hc_resp_free(&r);
	/* a bad edit: 422, nothing changed */
	snprintf(vs, sizeof vs, "%ld", version_of(a_public));
	kv[1] = vs;
	kv[5] = "Lớp tin học";
	kv[11] = "06:00"; /* end before start */
	r = ha_post_page_form(port, &clc, act_path(a_public, ""), act_path(a_public, ""), kv);
	assert_int_equal(r.status, 422);
	expect_in(&r, "trước lúc bắt đầu");
	hc_resp_free(&r);
	assert_int_equal(version_of(a_public), v + 1);
}

static void
test_outcome(void **state)
{
	(void)state;
	char vs[32];
	/* held needs a start in the past and participants */
	snprintf(vs, sizeof vs, "%ld", version_of(a_public));
	hc_resp_t r = ha_post_page_form(
	        port, &clc, act_path(a_public, ""), act_path(a_public, "/outcome"),
	        (const char *const[]){"status", "held", "actual", "30", "version", vs, NULL});
	assert_int_equal(r.status, 422);
	expect_in(&r, "Hoạt động chưa bắt đầu");
	hc_resp_free(&r);
	snprintf(vs, sizeof vs, "%ld", version_of(a_late));
	r = ha_post_page_form(
	        port, &clc, act_path(a_late, ""), act_path(a_late, "/outcome"),
	        (const char *const[]){"status", "held", "actual", "", "version", vs, NULL});
	assert_int_equal(r.status, 422);
	expect_in(&r, "Số người tham gia thực tế: hãy nhập");
	hc_resp_free(&r);
	r = ha_post_page_form(port, &clc, act_path(a_late, ""), act_path(a_late, "/outcome"),
	                      (const char *const[]){"status", "held", "actual", "35", "outcome",
	                                            "35 học viên hoàn thành lớp.", "version", vs,
	                                            NULL});
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	got_t g = get_activity(a_late);
	assert_string_equal(g.status, "held");
	assert_int_equal(g.actual, 35);
	r = get(&clc, act_path(a_late, ""));
	expect_in(&r, "Đã tổ chức: 35 người tham gia");
	hc_resp_free(&r);
	/* cancelled stays visible, as such */
	snprintf(vs, sizeof vs, "%ld", version_of(a_cancel));
	r = ha_post_page_form(port, &clc, act_path(a_cancel, ""), act_path(a_cancel, "/outcome"),
	                      (const char *const[]){"status", "cancelled", "outcome",
	                                            "Hoãn do mưa bão", "version", vs, NULL});
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	assert_string_equal(get_activity(a_cancel).status, "cancelled");
	r = get(NULL, "/lich?unit=" CLC);
	expect_in(&r, "Đã hủy");
	expect_in(&r, "Tọa đàm “Chuyển đổi số”, ngày 2");
	hc_resp_free(&r);
}

/* Parse an iCalendar file with python3-icalendar; lines of "SUMMARY|DTSTART|STATUS". */
static char *
parse_ics(const char *ics, size_t len)
{
	char file[300], script[300], cmd[900];
	snprintf(file, sizeof file, "%s/feed.ics", tmpdir);
	snprintf(script, sizeof script, "%s/parse.py", tmpdir);
	FILE *f = fopen(file, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(ics, 1, len, f), len);
	fclose(f);
	f = fopen(script, "w");
	assert_non_null(f);
	fputs("import sys, icalendar\n"
	      "cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())\n"
	      "evs = list(cal.walk('VEVENT'))\n"
	      "print('N|%d' % len(evs))\n"
	      "print('CAL|%s' % cal.get('X-WR-CALNAME'))\n"
	      "for e in evs:\n"
	      "    print('E|%s|%s|%s|%s' % (e.get('SUMMARY'),\n"
	      "        e.decoded('DTSTART').strftime('%Y%m%dT%H%M%SZ'), e.get('STATUS'),\n"
	      "        e.get('LOCATION')))\n",
	      f);
	fclose(f);
	const char *py = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
	snprintf(cmd, sizeof cmd, "PYTHONIOENCODING=utf-8 %s %s %s 2>&1", py, script, file);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	buf_t out = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		buf_append(&out, chunk, n);
	int rc = pclose(p);
	if (rc != 0)
		fail_msg("python3-icalendar failed (install it: scripts/install-deps.sh):\n%s",
		         buf_cstr(&out));
	return buf_steal(&out, NULL);
}

static void
test_feed(void **state)
{
	(void)state;
	hc_resp_t r = get(NULL, "/units/" CLC "/lich.ics");
	assert_int_equal(r.status, 200);
	char ct[100];
	assert_non_null(hc_header(&r, "Content-Type", ct, sizeof ct));
	assert_string_equal(ct, "text/calendar; charset=utf-8");
	assert_non_null(hc_header(&r, "Content-Disposition", ct, sizeof ct));
	assert_non_null(strstr(ct, "lich-" CLC));
	/* CRLF everywhere, no line over 75 octets */
	const char *s = buf_cstr(&r.body);
	for (const char *l = s; *l;) {
		const char *e = strstr(l, "\r\n");
		assert_non_null(e);
		assert_true(e - l <= 75);
		assert_null(memchr(l, '\n', (size_t)(e - l)));
		l = e + 2;
	}
	char *out = parse_ics(s, r.body.len);
	hc_resp_free(&r);
	/* public ones within the feed's window: the class and the cancelled talk (the 2022 one
	 * is older than 400 days; the internal and API ones are not public) */
	if (!strstr(out, "N|2\n"))
		fail_msg("unexpected feed:\n%s", out);
	assert_non_null(strstr(out, "CAL|Hoạt động — Trung tâm học tập cộng đồng phường Đằng Lâm "
	                            "và các đơn vị trực thuộc"));
	char want[300];
	int64_t t0 = activity_vn_time(base_day + 1, 7 * 60);
	buf_t b = BUF_INIT;
	ical_utc(t0, &b);
	snprintf(want, sizeof want,
	         "E|Lớp tin học cơ bản cho người cao tuổi (khóa 2)|%s|CONFIRMED|Trung tâm học tập "
	         "cộng đồng phường Đằng Lâm",
	         buf_cstr(&b));
	if (!strstr(out, want))
		fail_msg("no \"%s\" in:\n%s", want, out);
	buf_reset(&b);
	ical_utc(activity_vn_time(base_day + 2, 14 * 60), &b);
	snprintf(want, sizeof want, "E|Tọa đàm “Chuyển đổi số”, ngày 2|%s|CANCELLED|",
	         buf_cstr(&b));
	if (!strstr(out, want))
		fail_msg("no \"%s\" in:\n%s", want, out);
	free(out);
	buf_free(&b);
	/* scope=unit of the ward: none of its own; of the CLC itself: the same two */
	r = get(NULL, "/units/11413/lich.ics?scope=unit");
	out = parse_ics(buf_cstr(&r.body), r.body.len);
	assert_non_null(strstr(out, "N|0\n"));
	free(out);
	hc_resp_free(&r);
	r = get(NULL, "/units/11413/lich.ics");
	out = parse_ics(buf_cstr(&r.body), r.body.len);
	assert_non_null(strstr(out, "N|2\n"));
	free(out);
	hc_resp_free(&r);
	r = get(NULL, "/units/NOPE/lich.ics");
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
	/* one event's file */
	char p[100];
	snprintf(p, sizeof p, "/lich/%lld/event.ics", (long long)a_cancel);
	r = get(NULL, p);
	assert_int_equal(r.status, 200);
	out = parse_ics(buf_cstr(&r.body), r.body.len);
	assert_non_null(strstr(out, "N|1\n"));
	assert_non_null(strstr(out, "|CANCELLED|"));
	free(out);
	hc_resp_free(&r);
}

static void
test_photos(void **state)
{
	(void)state;
	assert_int_equal(upload(act_path(a_public, "/photos"), "Học viên thực hành"), 303);
	hc_resp_t r = get(&clc, act_path(a_public, ""));
	expect_in(&r, "Học viên thực hành");
	int64_t pid = first_photo(&r);
	hc_resp_free(&r);
	char p[200];
	snprintf(p, sizeof p, "/units/%s/activities/%lld/photos/%lld?size=thumb", CLC,
	         (long long)a_public, (long long)pid);
	r = get(&clc, p);
	assert_int_equal(r.status, 200);
	assert_memory_equal(buf_cstr(&r.body), "\xff\xd8\xff", 3);
	hc_resp_free(&r);
	/* public: by anyone, and the share page announces it */
	snprintf(p, sizeof p, "/lich/%lld/photos/%lld", (long long)a_public, (long long)pid);
	r = get(NULL, p);
	assert_int_equal(r.status, 200);
	hc_resp_free(&r);
	snprintf(p, sizeof p, "/lich/%lld", (long long)a_public);
	r = get(NULL, p);
	char og[200];
	snprintf(og, sizeof og, "og:image\" content=\"http://127.0.0.1:%u/lich/%lld/photos/%lld\"",
	         port, (long long)a_public, (long long)pid);
	expect_in(&r, og);
	hc_resp_free(&r);
	/* an internal activity's photo is not public */
	assert_int_equal(upload(act_path(a_internal, "/photos"), "Nội bộ"), 303);
	r = get(&clc, act_path(a_internal, ""));
	int64_t ipid = first_photo(&r);
	hc_resp_free(&r);
	snprintf(p, sizeof p, "/lich/%lld/photos/%lld", (long long)a_internal, (long long)ipid);
	r = get(NULL, p);
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
	/* nor through a public activity's address */
	snprintf(p, sizeof p, "/lich/%lld/photos/%lld", (long long)a_public, (long long)ipid);
	r = get(NULL, p);
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
	/* delete */
	snprintf(p, sizeof p, "/units/%s/activities/%lld/photos/%lld/delete", CLC,
	         (long long)a_internal, (long long)ipid);
	r = post(&clc, p, (const char *const[]){NULL});
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	r = get(&clc, act_path(a_internal, ""));
	expect_in(&r, "Chưa có ảnh.");
	hc_resp_free(&r);
}

/* Dates and times as typed on a phone's numeric keyboard (issue 17): "09102022" and "7h30"
 * are stored as 09/10/2022 07:30 and shown back in that normal form; a day not on the
 * calendar (31/04) is refused with the field named and nothing stored. */
static void
test_forgiving_inputs(void **state)
{
	(void)state;
	char cid[32];
	snprintf(cid, sizeof cid, "%lld", (long long)demo_id);
	int before = stored();
	const char *typed[] = {"campaign",   cid,          "late_ok",
	                       "1",          "start_date", "09102022",
	                       "start_time", "7h30",       "end_time",
	                       "9h",         "title",      "Lớp gõ ngày không dấu gạch chéo",
	                       NULL};
	hc_resp_t r = register_at(&clc, CLC, 0, typed);
	int64_t id = created_id(&r);
	hc_resp_free(&r);
	assert_int_equal(stored(), before + 1);
	/* stored as 09/10/2022 07:30–09:00 Vietnam time, shown so and in the edit form */
	r = get(&clc, act_path(id, ""));
	assert_int_equal(r.status, 200);
	expect_in(&r, "09/10/2022, 07:30–09:00");
	expect_in(&r, "name=\"start_date\" type=\"text\" inputmode=\"numeric\" "
	              "placeholder=\"vd 09/10/2022 hoặc 09102022\" value=\"09/10/2022\"");
	expect_in(&r, "value=\"07:30\"");
	expect_in(&r, "value=\"09:00\"");
	hc_resp_free(&r);
	/* other ways of typing the same: 9.10.2022, 9-10-2022, 2022-10-09 and 19.00, 1900 */
	const char *dots[] = {"campaign",  cid,          "late_ok", "1",        "start_date",
	                      "9.10.2022", "start_time", "19.00",   "end_date", "2022-10-09",
	                      "end_time",  "2030",       NULL};
	r = register_at(&clc, CLC, 0, dots);
	id = created_id(&r);
	hc_resp_free(&r);
	r = get(&clc, act_path(id, ""));
	expect_in(&r, "09/10/2022, 19:00–20:30");
	hc_resp_free(&r);
	/* 31/04 does not exist: 422, the field named, the accepted forms listed, nothing stored */
	before = stored();
	const char *april[] = {"campaign", cid, "late_ok", "1", "start_date", "31/04/2022", NULL};
	r = register_at(&clc, CLC, 0, april);
	assert_int_equal(r.status, 422);
	expect_in(&r, "Bắt đầu: ngày “31/04/2022” không hợp lệ");
	expect_in(&r, "09102022");
	expect_in(&r, "Chưa có gì được lưu.");
	hc_resp_free(&r);
	const char *pm[] = {"campaign",  cid,          "late_ok", "1", "start_date",
	                    "9/10/2022", "start_time", "7h30pm",  NULL};
	r = register_at(&clc, CLC, 0, pm);
	assert_int_equal(r.status, 422);
	expect_in(&r, "Bắt đầu: giờ “7h30pm” không hợp lệ");
	hc_resp_free(&r);
	assert_int_equal(stored(), before);
	/* the week filter takes the same forms */
	r = get(&clc, "/units/" CLC "/activities?view=week&week=09102022");
	assert_int_equal(r.status, 200);
	expect_in(&r, "Lớp gõ ngày không dấu gạch chéo");
	hc_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_register),
	        cmocka_unit_test(test_bad_input),
	        cmocka_unit_test(test_late_registration),
	        cmocka_unit_test(test_other_unit_refused),
	        cmocka_unit_test(test_public_calendar),
	        cmocka_unit_test(test_version_conflict),
	        cmocka_unit_test(test_outcome),
	        cmocka_unit_test(test_feed),
	        cmocka_unit_test(test_photos),
	        cmocka_unit_test(test_forgiving_inputs),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
