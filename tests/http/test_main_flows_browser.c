/* The main flows on a phone, in a real browser: headless Chromium at 360×740 (helper_browser.c)
 * walks the pages each kind of user opens, signed in as them: a commune learning centre's head
 * (home, the results form, the receipt of its submitted report, its activities, the new
 * activity form, an activity with its outcome and photo forms, notices, account, its contests
 * and a contest's ranking), the
 * district's officer (home with progress cards, the campaign dashboard with its charts, the
 * comparison tables, the chase board, the review queue, outliers, documents, a document, the
 * document form), the city's officer (its dashboard), the administrator (templates, users,
 * registry, mail) and a citizen signed out (home, the public calendar and an event, units, a
 * unit, search, the login page, the contests, a contest's results and its entry form). On every
 * page, at 360 px and again at 1280 px:
 * - the page does not scroll sideways, and no element's right edge is past the screen
 *   unless inside a wrapper that scrolls sideways (the offenders named: tag, class, text);
 * - every visible table cell holding a number has its label: the cell's td::before
 *   (data-label, static/style.css), a visible column heading above it, a row heading beside
 *   it, or words before the number ("hạn 10/10/2022"); a table wider than the screen is
 *   only allowed inside its scroll wrapper (hb_table_labels_problems);
 * - the page is the one meant (not the login page; a phrase it must show).
 * Inputs and buttons under 40 px high are listed, not failed. Each page is saved as
 * screens/360/<name>.png and screens/1280/<name>.png under the build directory (the test's
 * working directory) on every run, for review. With SCREENSHOT_DIR set the pages marked
 * below are also saved there (`make screenshots` -> docs/screens/, committed). One browser
 * session for all pages; chromedriver and its browser are ended however the test ends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "domain/activity.h"
#include "domain/demo.h"
#include "service/contest.h"
#include "domain/demo_docs.h"
#include "helper_app.h"
#include "service/awards.h"
#include "service/budget.h"
#include "service/reading.h"
#include "helper_browser.h"
#include "helper_award_cert.h"

#define PASSWORD "Hoctap@2022"
#define WIDTH 360
#define HEIGHT 740
#define WIDE 1280
#define CENTRE "HA-11413-TTHTCD"

static char tmpdir[] = "/tmp/suotdoi-flows-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t campaign, current, officer_id;
static ha_client_t officer, admin, centre, city;
static hac_fixture_t award; /* {a}: quận Hải An's commendation decision (helper_award_cert.h) */

/* The pages: who looks, the path ({c}: the 2022 demo campaign, {h}: quận Hải An's campaign
 * open now, {u}: the officer's account; "@css": the first link matching css on the page
 * before, as a person follows it), the picture's name under screens/, a phrase the page
 * must show (NULL: none), whether it must show a table (a page that lost its table, or a
 * redirect, does not pass by having nothing to check), and the committed pictures taken at
 * 360 and 1280 px with SCREENSHOT_DIR (docs/screens/README.md). Adding a page is a line. */
enum who { CENTRE_HEAD, OFFICER, CITY, ADMIN, CITIZEN };
static const struct page {
	enum who who;
	const char *path, *name, *expect;
	int tables;
	const char *shot360, *shot1280;
} pages[] = {
        /* a commune learning centre's head */
        {CENTRE_HEAD, "/", "centre-home", "đã nộp lúc", 0, NULL, NULL},
        {CENTRE_HEAD, "/campaigns/{h}/units/" CENTRE "/report", "centre-report", "Lưu bản nháp", 1,
         NULL, NULL},
        {CENTRE_HEAD, "/campaigns/{c}/units/" CENTRE "/report", "centre-receipt",
         "Đã nộp báo cáo lúc", 1, NULL, NULL},
        {CENTRE_HEAD, "/units/" CENTRE "/activities", "centre-activities", "Đăng ký hoạt động", 0,
         NULL, NULL},
        {CENTRE_HEAD, "@a.act-title", "centre-activity", "Ghi kết quả", 0, NULL, NULL},
        {CENTRE_HEAD, "/units/" CENTRE "/activities/new", "centre-activity-new", "Loại hoạt động",
         0, NULL, NULL},
        {CENTRE_HEAD, "/units/" CENTRE "/van-hoa-doc", "centre-reading", "Xác nhận đã nhận", 1,
         NULL, NULL},
        {CENTRE_HEAD, "/campaigns/{c}/units/" CENTRE "/kinh-phi", "centre-budget", "Lưu kinh phí",
         1, NULL, NULL},
        {CENTRE_HEAD, "/notices", "centre-notices", NULL, 0, NULL, NULL},
        {CENTRE_HEAD, "/account", "centre-account", NULL, 0, NULL, NULL},
        {CENTRE_HEAD, "/units/" CENTRE "/cuoc-thi", "centre-contests", "Tổ chức cuộc thi mới", 1,
         NULL, NULL},
        {CENTRE_HEAD, "/units/" CENTRE "/cuoc-thi/1", "centre-contest-ranking",
         "Xếp hạng theo điểm", 1, NULL, NULL},
        {CENTRE_HEAD, "/units/" CENTRE "/khen-thuong", "centre-awards", "Đề nghị khen thưởng", 0,
         NULL, NULL},
        /* the district's officer */
        {OFFICER, "/", "officer-home", "Tiến độ nộp báo cáo", 1, NULL, NULL},
        {OFFICER, "/campaigns/{c}/units/306", "officer-dashboard", NULL, 1, "dashboard", NULL},
        {OFFICER, "/campaigns/{c}/units/306?chi_tieu=5.2.nguoi", "officer-charts", "<svg", 1,
         "charts-360", "charts-1280"},
        {OFFICER, "/campaigns/{c}/units/306/compare", "officer-compare", NULL, 0, NULL, NULL},
        {OFFICER, "/campaigns/{c}/units/306/table", "officer-table", NULL, 1, NULL, NULL},
        {OFFICER, "/campaigns/{c}/units/306/status", "officer-chase", NULL, 1, "chase", NULL},
        {OFFICER, "/review", "officer-review-home", NULL, 1, NULL, NULL},
        {OFFICER, "/campaigns/{c}/units/306/review", "officer-review", NULL, 1, "review", NULL},
        {OFFICER, "/campaigns/{c}/units/306/outliers", "officer-outliers", NULL, 0, NULL, NULL},
        {OFFICER, "/campaigns/{c}/units/306/report", "officer-report", NULL, 1, NULL, NULL},
        {OFFICER, "/campaigns/{c}/units/HA-11413-TH/report", "officer-school-report", NULL, 1, NULL,
         NULL},
        {OFFICER, "/campaigns/{c}/units/HA-11413-TH/status", "officer-school-status", NULL, 1, NULL,
         NULL},
        {OFFICER, "/campaigns", "officer-campaigns", NULL, 0, NULL, NULL},
        {OFFICER, "/units/306/docs", "officer-docs", NULL, 1, NULL, NULL},
        {OFFICER, "@td.title a[href^='/units/306/docs/']", "officer-doc", NULL, 0, NULL, NULL},
        {OFFICER, "/units/306/docs/new", "officer-doc-form", "Nơi nhận", 0, NULL, NULL},
        {OFFICER, "/units/306/docs/{a}", "officer-award-decision", "In giấy khen", 1, NULL, NULL},
        {OFFICER, "/units/306/activities", "officer-activities", NULL, 0, NULL, NULL},
        {OFFICER, "/units/306/users", "officer-users", NULL, 1, NULL, NULL},
        {OFFICER, "/units/306/audit", "officer-audit", NULL, 1, NULL, NULL},
        {OFFICER, "/account", "officer-account", NULL, 1, NULL, NULL},
        {OFFICER, "/notices", "officer-notices", NULL, 0, NULL, NULL},
        {OFFICER, "/units/306/van-hoa-doc?year=2022", "officer-reading", "Theo đơn vị trực thuộc",
         1, NULL, NULL},
        {OFFICER, "/units/306/khen-thuong", "officer-awards", "Lập quyết định khen thưởng", 1, NULL,
         NULL},
        {OFFICER, "@td.title a[href^='/units/306/khen-thuong/']", "officer-award",
         "Trả lại để bổ sung", 0, NULL, NULL},
        {OFFICER, "/campaigns/{c}/units/306/kinh-phi", "officer-budget", "Theo đơn vị trực thuộc",
         1, NULL, NULL},
        /* the city's officer */
        {CITY, "/campaigns/{c}/units/31", "city-dashboard", NULL, 1, NULL, NULL},
        {CITY, "/campaigns/{c}/units/31/kinh-phi", "city-budget", "Kinh phí", 1, NULL, NULL},
        /* the administrator */
        {ADMIN, "/templates", "admin-templates", NULL, 1, NULL, NULL},
        {ADMIN, "/users/{u}", "admin-user", NULL, 1, NULL, NULL},
        {ADMIN, "/units/306/users?scope=subtree", "admin-users", NULL, 1, NULL, NULL},
        {ADMIN, "/admin/registry", "admin-registry", NULL, 0, NULL, NULL},
        {ADMIN, "/admin/mail", "admin-mail", NULL, 1, NULL, NULL},
        /* a citizen, signed out */
        {CITIZEN, "/", "public-home", NULL, 0, NULL, NULL},
        {CITIZEN, "/lich", "public-calendar", NULL, 0, NULL, NULL},
        {CITIZEN, "@a.act-title", "public-event", "Thêm vào lịch", 0, NULL, NULL},
        {CITIZEN, "/lich?view=week", "public-week", NULL, 0, NULL, NULL},
        {CITIZEN, "/units", "public-units", NULL, 0, NULL, NULL},
        {CITIZEN, "/units/306", "public-unit", NULL, 0, NULL, NULL},
        {CITIZEN, "/units/11413", "public-unit-reading", "Văn hóa đọc năm", 0, NULL, NULL},
        {CITIZEN, "/units/HA-11413-THCS", "public-unit-awards", "Khen thưởng", 0, NULL, NULL},
        {CITIZEN, "/van-ban/{a}", "public-award-decision", "Tổng cộng", 1, NULL, NULL},
        {CITIZEN, "/search?q=H%E1%BA%A3i+An", "public-search", NULL, 0, NULL, NULL},
        {CITIZEN, "/login", "public-login", "Mật khẩu", 0, NULL, NULL},
        /* contests (demo_contest: 1 the 2022 one, announced; 2 open now) */
        {CITIZEN, "/cuoc-thi", "public-contests", "Đại sứ văn hóa đọc 2022", 0, NULL, NULL},
        {CITIZEN, "/cuoc-thi/1", "public-contest-results", "Giải Nhất", 0, NULL, NULL},
        {CITIZEN, "/cuoc-thi/2/du-thi", "public-contest-entry", "Gửi bài dự thi", 0, NULL, NULL},
};

/* ---- the data: a district mid-campaign ------------------------------------------------- */

static const char *const schools[] = {"HA-11413-TH", "HA-11413-THCS", "HA-11422-MN",
                                      "HA-11413-TTHTCD"};

static char *
path_of(const char *unit, const char *tail)
{
	static char p[4][256];
	static int k;
	k = (k + 1) % 4;
	snprintf(p[k], sizeof p[k], "/campaigns/%lld/units/%s%s", (long long)campaign, unit, tail);
	return p[k];
}

static long
version_of(ha_client_t *c, const char *unit)
{
	hc_resp_t r = ha_req(port, c, "GET", path_of(unit, "/report"), NULL, 0);
	const char *p = strstr(buf_cstr(&r.body), "name=\"version\" value=\"");
	long v = p ? atol(p + strlen("name=\"version\" value=\"")) : -1;
	hc_resp_free(&r);
	return v;
}

static int
post(ha_client_t *c, const char *path, const char *body)
{
	hc_resp_t r = ha_req(port, c, "POST", path, body, 0);
	long st = r.status;
	hc_resp_free(&r);
	if (st != 303)
		fprintf(stderr, "POST %s: %ld\n", path, st);
	return st == 303 ? 0 : -1;
}

/* Three schools and a CLC of quận Hải An enter and submit; the district returns one and
 * approves another; a draft elsewhere; the officer has an API token. */
static int
fill(void)
{
	static const int classes[] = {3, 2, 4, 6}, people[] = {60, 45, 80, 150};
	for (int i = 0; i < 4; i++) {
		ha_client_t s = {{0}, {0}};
		char name[32], body[1024];
		snprintf(name, sizeof name, "hieutruong%d", i);
		ha_user(&app, name, schools[i], ROLE_HEAD, PASSWORD);
		if (ha_login(port, &s, name, PASSWORD) != 303)
			return -1;
		for (int k = 0; k < 2; k++) {
			snprintf(body, sizeof body,
			         "csrf=%s&version=%ld&v.1.ke_hoach=1&v.5.2.lop=%d&v.5.2.nguoi=%d"
			         "&v.2.bao=%d&v.8.kinh_phi=1.500.000&v.i.text=Nhà+trường+đã+xây+"
			         "dựng",
			         s.csrf, version_of(&s, schools[i]), classes[i], people[i], i + 1);
			/* the report page's whole form, as the browser sends it (app/form.c) */
			const char *to = path_of(schools[i], k ? "/submit" : "/report");
			hc_resp_t r = ha_post_page_body(port, &s, path_of(schools[i], "/report"),
			                                to, body);
			long st = r.status;
			hc_resp_free(&r);
			if (st != 303) {
				fprintf(stderr, "POST %s: %ld\n", to, st);
				return -1;
			}
		}
		if (!strcmp(schools[i], CENTRE))
			centre = s; /* the centre's head walks its pages */
	}
	char body[400];
	snprintf(body, sizeof body, "csrf=%s&version=%ld&comment=Số+lớp+chưa+đúng", officer.csrf,
	         version_of(&officer, schools[2]));
	if (post(&officer, path_of(schools[2], "/return"), body) < 0)
		return -1;
	snprintf(body, sizeof body, "csrf=%s&version=%ld", officer.csrf,
	         version_of(&officer, schools[0]));
	if (post(&officer, path_of(schools[0], "/approve"), body) < 0)
		return -1;
	/* every school still missing reminded: the chase board's marks, notices */
	snprintf(body, sizeof body, "csrf=%s&note=Nộp+trước+10/10", officer.csrf);
	if (post(&officer, path_of("306", "/remind-all"), body) < 0)
		return -1;
	snprintf(body, sizeof body, "csrf=%s&name=Phần+mềm+tổng+hợp", officer.csrf);
	hc_resp_t r = ha_req(port, &officer, "POST", "/account/tokens", body, 0);
	long st = r.status; /* the page that shows the new token once */
	hc_resp_free(&r);
	return st == 201 ? 0 : -1;
}

/* The reports sent in the campaign's own weeks (01/10/2022 on): the browser sends them
 * today, and the progress chart would draw four years of nothing before them. */
static int
backdate(const char *db)
{
	char sql[600], err[512];
	/* 03/10/2022 14:00 Vietnam time, then every third day; reviewed two days after */
	snprintf(sql, sizeof sql,
	         "UPDATE reports SET submitted_at = 1664780400 + 259200 * (id %% 4),"
	         " reviewed_at = CASE WHEN reviewed_at > 0 THEN 1664780400 + 259200 * (id %% 4)"
	         " + 172800 ELSE 0 END WHERE campaign_id = %lld AND submitted_at > 0",
	         (long long)campaign);
	return ha_sql(db, sql, err, sizeof err);
}

static int
take_award(const store_award_t *a, void *p)
{
	store_award_t *d = p;
	*d = *a; /* only id and version are used after the callback */
	return 0;
}

/* The demo's proposal sent to phường Đằng Lâm, endorsed on to the district: the officer's
 * page then has a queue with the decision form, and the proposal its review form. */
static int
endorse_demo_award(const unit_tree_t *t)
{
	store_award_t p = {0};
	store_award_query_t q = {.status = "sent", .limit = 1};
	if (store_awards_find(app.store, &q, take_award, &p) < 0 || p.id <= 0)
		return -1;
	arena_t a = ARENA_INIT;
	access_grant_t root = {0, ROLE_ADMIN};
	aw_ctx_t cx = {app.store, t, app.awards, &a, time(NULL), {0, "test", "", &root, 1}, NULL};
	aw_outcome_t o;
	int32_t ward = unit_tree_find_code(t, "11413");
	int rc = aw_act(&cx, ward, p.id, AW_OP_ENDORSE, p.version, &(aw_input_t){0}, &o);
	arena_free(&a);
	return rc == AW_OK ? 0 : -1;
}

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "p.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	unit_tree_t *t = app_tree(&app);
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &campaign);
	if (rc == 0)
		rc = demo_activities(app.store, t, campaign);
	if (rc == 0)
		rc = demo_documents(app.store, t, campaign, TEST_SOURCE_DIR);
	if (rc == 0)
		rc = demo_reading(app.store, t, campaign);
	if (rc == 0)
		rc = demo_awards(app.store, t, app.awards);
	if (rc == 0)
		rc = endorse_demo_award(t);
	if (rc == 0)
		rc = demo_budget(app.store, t, campaign);
	unit_tree_unref(t);
	if (rc < 0 || ha_haian_campaign(&app, campaign, &current, NULL) < 0)
		return -1;
	ha_user(&app, "quantri", "VN", ROLE_ADMIN, PASSWORD);
	officer_id = ha_user(&app, "pgd.haian", "306", ROLE_OVERSEER, PASSWORD);
	ha_user(&app, "so.haiphong", "31", ROLE_OVERSEER, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &officer, "pgd.haian", PASSWORD) != 303 ||
	    ha_login(port, &admin, "quantri", PASSWORD) != 303 ||
	    ha_login(port, &city, "so.haiphong", PASSWORD) != 303 || fill() < 0 ||
	    backdate(db) < 0 || hac_decision_draft(&app, db, campaign, &award) < 0 ||
	    hac_decision_issue(&app, db, &award) < 0)
		return -1;
	char media[300];
	snprintf(media, sizeof media, "%s.contest", db);
	t = app_tree(&app);
	rc = demo_contest(app.store, t, media);
	unit_tree_unref(t);
	if (rc < 0)
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
	char cmd_line[300];
	snprintf(cmd_line, sizeof cmd_line, "rm -rf %s", tmpdir);
	return system(cmd_line) == 0 ? 0 : -1;
}

/* path with {c}, {h}, {u} and {a} filled in; "@css" the href of the first link matching css on
 * the page shown (the test fails when there is none). */
static void
expand(const char *in, char *out, size_t cap)
{
	if (in[0] == '@') {
		json_t *v = hb_script("var a = document.querySelector(arguments[0]);"
		                      " return a ? a.getAttribute('href') : null;",
		                      json_pack("[s]", in + 1));
		if (!json_is_string(v))
			fail_msg("no link \"%s\" on the page before", in + 1);
		snprintf(out, cap, "%s", json_string_value(v));
		json_decref(v);
		return;
	}
	size_t n = 0;
	for (const char *p = in; *p && n + 24 < cap; p++) {
		if (p[0] == '{' && strchr("chua", p[1]) && p[2] == '}') {
			int64_t id = p[1] == 'c'   ? campaign
			             : p[1] == 'h' ? current
			             : p[1] == 'a' ? award.doc_id
			                           : officer_id;
			n += (size_t)snprintf(out + n, cap - n, "%lld", (long long)id);
			p += 2;
		} else {
			out[n++] = *p;
		}
	}
	out[n] = 0;
}

static void
sign_in_as(enum who who)
{
	static const ha_client_t *const clients[] = {
	        [CENTRE_HEAD] = &centre, [OFFICER] = &officer, [CITY] = &city, [ADMIN] = &admin};
	if (who == CITIZEN)
		hb_cmd_void("DELETE", "/cookie", NULL);
	else
		hb_sign_in(clients[who]);
}

/* The page as shown at width: checked into problems, saved as dir/<width>/<name>.png and
 * (docs, when not NULL) as docs/<shot>.png. */
static void
look(const struct page *pg, const char *path, int width, const char *dir, const char *docs,
     const char *shot, buf_t *problems, buf_t *notes)
{
	char where[512]; /* path (< 400) " at 1280 px" */
	snprintf(where, sizeof where, "%s at %d px", path, width);
	long height = 0;
	int tables = hb_table_labels_problems(where, problems, &height);
	if (pg->tables && tables == 0)
		buf_printf(problems, "%s: no table\n", where);
	hb_overflow_problems(where, problems, notes);
	char sub[PATH_MAX];
	snprintf(sub, sizeof sub, "%s/%d", dir, width);
	buf_t scratch = {
	        0}; /* the build's pictures may be large: only docs/screens/ is kept small */
	hb_screenshot(sub, pg->name, width, height, &scratch);
	buf_free(&scratch);
	if (docs && shot)
		hb_screenshot(docs, shot, width, height, problems);
}

static void
test_main_flows(void **state)
{
	(void)state;
	const char *docs = getenv("SCREENSHOT_DIR");
	if (docs && !*docs)
		docs = NULL;
	if (docs)
		mkdir(docs, 0755);
	char dir[PATH_MAX - 16], sub[PATH_MAX];
	assert_non_null(getcwd(dir, sizeof dir - 16));
	strcat(dir, "/screens");
	mkdir(dir, 0755);
	static const int widths[] = {WIDTH, WIDE};
	for (size_t k = 0; k < 2; k++) {
		snprintf(sub, sizeof sub, "%s/%d", dir, widths[k]);
		mkdir(sub, 0755);
	}
	buf_t problems = {0}, notes = {0};
	int who = -1;
	time_t t0 = time(NULL);
	hb_go(port, "/"); /* the origin first: a cookie is set on the page's own site */
	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
		const struct page *pg = &pages[i];
		if ((int)pg->who != who) {
			sign_in_as(pg->who);
			who = (int)pg->who;
		}
		char path[400];
		expand(pg->path, path, sizeof path);
		hb_screen(WIDTH, HEIGHT);
		hb_go(port, path);
		json_t *v = hb_script(
		        "return [location.pathname, document.documentElement.outerHTML];", NULL);
		const char *at = json_string_value(json_array_get(v, 0));
		if (pg->who != CITIZEN && !strcmp(at, "/login"))
			buf_printf(&problems, "%s: sent to the login page\n", path);
		if (pg->expect && !strstr(json_string_value(json_array_get(v, 1)), pg->expect))
			buf_printf(&problems, "%s: \"%s\" not on the page\n", path, pg->expect);
		json_decref(v);
		look(pg, path, WIDTH, dir, docs, pg->shot360, &problems, &notes);
		/* the same page on a desktop's screen: it reflows, no new request */
		hb_screen(WIDE, HEIGHT);
		look(pg, path, WIDE, dir, docs, pg->shot1280, &problems, NULL);
	}
	printf("%zu pages at %d and %d px in %lld s; screenshots in %s/{%d,%d}/\n",
	       sizeof pages / sizeof pages[0], WIDTH, WIDE, (long long)(time(NULL) - t0), dir,
	       WIDTH, WIDE);
	if (notes.len)
		printf("nice to have (not failed):\n%s", buf_cstr(&notes));
	buf_free(&notes);
	if (problems.len) {
		print_message("%s", buf_cstr(&problems));
		buf_free(&problems);
		fail_msg("the main flows do not fit a phone's screen (listed above)");
	}
	buf_free(&problems);
}

/* The check itself sees what it is for: an element wider than the phone's screen is named,
 * the same element inside a wrapper that scrolls sideways is not. */
static void
test_the_check_sees_overflow(void **state)
{
	(void)state;
	hb_screen(WIDTH, HEIGHT);
	hb_go(port, "/login");
	static const char probe[] = "var d = document.createElement('div'); d.className = 'probe';"
	                            " d.textContent = 'quá rộng'; d.style.width = '500px';"
	                            " if (arguments[0]) { var w = document.createElement('div'); "
	                            "w.className = 'scroll';"
	                            "   w.appendChild(d); d = w; }"
	                            " document.querySelector('main').appendChild(d);";
	buf_t problems = {0};
	json_decref(hb_script(probe, json_pack("[b]", 1)));
	hb_overflow_problems("wrapped", &problems, NULL);
	assert_int_equal(problems.len, 0);
	hb_go(port, "/login");
	json_decref(hb_script(probe, json_pack("[b]", 0)));
	hb_overflow_problems("bare", &problems, NULL);
	print_message("%s", buf_cstr(&problems));
	assert_non_null(strstr(buf_cstr(&problems), "bare: the page scrolls sideways"));
	assert_non_null(strstr(buf_cstr(&problems), "div.probe \"quá rộng\" to "));
	buf_free(&problems);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_the_check_sees_overflow),
	        cmocka_unit_test(test_main_flows),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
