/* Every table at 360 px, in a real browser: headless Chromium on a phone's screen (360×800),
 * driven over the W3C WebDriver protocol (chromedriver, libcurl, jansson). On each page a
 * script finds every visible cell whose text holds a digit and asks for its label: the
 * cell's td::before (data-label, static/style.css), a visible column heading above it, a
 * row heading beside it, or words before the number in the cell itself ("hạn 10/10/2022").
 * A bare "17" fails, as on the old stylesheet, which hid the headings. No table may be wider
 * than the screen unless it scrolls inside a wrapper. With SCREENSHOT_DIR set the same run
 * saves the pages marked below as PNGs (`make screenshots` -> docs/screens/). One browser
 * session for all pages; chromedriver and its browser are ended however the test ends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "domain/activity.h"
#include "domain/demo.h"
#include "domain/demo_docs.h"
#include "helper_app.h"
#include "helper_browser.h"

#define PASSWORD "Hoctap@2022"
#define WIDTH 360
#define HEIGHT 800

static char tmpdir[] = "/tmp/suotdoi-phone-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t campaign, officer_id;
static ha_client_t officer, admin;


/* The pages: who looks (the district's officer or the administrator), the path ({c}: the
 * campaign, {u}: the officer's account), the screenshot's name (NULL: none), whether
 * the page must show a table (so a page that lost its table, or a redirect to the login
 * page, does not pass by having nothing to check). Adding a page is a line. A page whose
 * screenshot is listed in wide[] is looked at on a desktop's screen instead. */
enum who { OFFICER, ADMIN };
static const struct page {
	enum who who;
	const char *path, *shot;
	int tables;
} pages[] = {
        {OFFICER, "/campaigns/{c}/units/306/status", "chase", 1},
        {OFFICER, "/campaigns/{c}/units/306", "dashboard", 1},
        /* the dashboard's charts (docs/screens/README.md), on a phone and a desktop */
        {OFFICER, "/campaigns/{c}/units/306?chi_tieu=5.2.nguoi", "charts-360", 1},
        {OFFICER, "/campaigns/{c}/units/306?chi_tieu=5.2.nguoi", "charts-1280", 1},
        {OFFICER, "/campaigns/{c}/units/306/report", NULL, 1},
        {OFFICER, "/campaigns/{c}/units/HA-11413-TH/report", NULL, 1},
        {OFFICER, "/campaigns/{c}/units/HA-11413-TH/status", NULL, 1},
        {OFFICER, "/campaigns/{c}/units/306/compare", NULL, 0},
        {OFFICER, "/campaigns/{c}/units/306/table", NULL, 1},
        {OFFICER, "/campaigns", NULL, 0},
        {OFFICER, "/units/306/docs", NULL, 1},
        {OFFICER, "/units/306/activities", NULL, 0},
        {OFFICER, "/units/306/users", NULL, 1},
        {OFFICER, "/units/306/audit", NULL, 1},
        {OFFICER, "/account", NULL, 1},
        {ADMIN, "/templates", NULL, 1},
        {ADMIN, "/users/{u}", NULL, 1},
        {ADMIN, "/units/306/users?scope=subtree", NULL, 1},
        {ADMIN, "/admin/registry", NULL, 0},
        {OFFICER, "/campaigns/{c}/units/306/review", "review", 1},
        {OFFICER, "/review", NULL, 1},
        {OFFICER, "/", NULL, 1},
        {OFFICER, "/notices", NULL, 0},
        {ADMIN, "/admin/mail", NULL, 1},
};

/* The screenshots taken wider than the phone's WIDTH. */
static const struct {
	const char *shot;
	int width;
} wide[] = {
        {"charts-1280", 1280},
};

static int
width_of(const struct page *pg)
{
	for (size_t k = 0; pg->shot && k < sizeof wide / sizeof wide[0]; k++)
		if (!strcmp(wide[k].shot, pg->shot))
			return wide[k].width;
	return WIDTH;
}

/* ---- the browser (helper_browser.c) -------------------------------------------------- */

static void
go(const char *path)
{
	hb_go(port, path);
}

static json_t *
run_script(const char *js)
{
	return hb_script(js, NULL);
}

/* ---- the check, in the page ------------------------------------------------------------ */

static const char check_js[] =
        "var vw = document.documentElement.clientWidth, out = {tables: 0, bad: [], wide: []};\n"
        "function shown(e) { var s = getComputedStyle(e), r = e.getBoundingClientRect();\n"
        "  return s.display != 'none' && s.visibility != 'hidden' && r.width > 0 &&\n"
        "         r.height > 0; }\n"
        "function before(e) { var s = getComputedStyle(e, '::before'), c = s.content;\n"
        "  if (!c || c == 'none' || c == 'normal' || s.display == 'none' ||\n"
        "      s.visibility == 'hidden') return false;\n"
        "  try { c = JSON.parse(c); } catch (x) {}\n"
        "  return String(c).trim().length > 0; }\n"
        /* a visible heading of the same table above the cell, across its middle */
        "function column(td) { var t = td.closest('table'), r = td.getBoundingClientRect(),\n"
        "    x = (r.left + r.right) / 2, hs = t.querySelectorAll('thead th');\n"
        "  for (var i = 0; i < hs.length; i++) { var h = hs[i], q = h.getBoundingClientRect();\n"
        "    if (h.closest('table') === t && shown(h) && h.innerText.trim() &&\n"
        "        q.left <= x && x <= q.right && q.bottom <= r.top + 1) return true; }\n"
        "  return false; }\n"
        /* a visible row heading on the same line, to the left */
        "function row(td) { var r = td.getBoundingClientRect();\n"
        "  for (var c = td.parentElement.firstElementChild; c; c = c.nextElementSibling) {\n"
        "    var q = c.getBoundingClientRect();\n"
        "    if (c !== td && c.tagName == 'TH' && shown(c) && c.innerText.trim() &&\n"
        "        q.right <= r.left + 1 && q.top < r.bottom && r.top < q.bottom) return true; }\n"
        "  return false; }\n"
        /* the cell's own words come before its first number: 'hạn 10/10', 'Tổng: 6 lớp' */
        "function worded(s) { var i = s.search(/[0-9]/);\n"
        "  return /\\p{L}/u.test(s.slice(0, i)); }\n"
        "document.querySelectorAll('table').forEach(function (t) {\n"
        "  if (!shown(t)) return; out.tables++;\n"
        "  var r = t.getBoundingClientRect();\n"
        "  if (r.right > vw + 1 || r.left < -1) {\n"
        "    var p = t.parentElement, ok = false;\n"
        "    for (; p && p !== document.body; p = p.parentElement) {\n"
        "      var ox = getComputedStyle(p).overflowX;\n"
        "      if ((ox == 'auto' || ox == 'scroll') && p.getBoundingClientRect().right <= vw + 1)\n"
        "        { ok = true; break; } }\n"
        "    if (!ok) out.wide.push((t.className || 'table') + ': ' + Math.round(r.width) +\n"
        "                           ' px'); }\n"
        "  t.querySelectorAll('td, tbody th').forEach(function (c) {\n"
        "    if (c.closest('table') !== t || !shown(c)) return;\n"
        "    var s = c.innerText.replace(/\\s+/g, ' ').trim();\n"
        "    if (!/[0-9]/.test(s)) return;\n"
        "    if (before(c) || column(c) || row(c) || worded(s)) return;\n"
        "    out.bad.push(s.slice(0, 60)); }); });\n"
        /* the page itself: name the innermost elements that stick out */
        "if (document.documentElement.scrollWidth > vw + 1) {\n"
        "  var names = [];\n"
        "  document.querySelectorAll('body *').forEach(function (e) {\n"
        "    if (names.length < 3 && e.getBoundingClientRect().right > vw + 1 &&\n"
        "        !Array.prototype.some.call(e.children, function (k) {\n"
        "          return k.getBoundingClientRect().right > vw + 1; }))\n"
        "      names.push(e.tagName.toLowerCase() + ' \"' +\n"
        "                 e.textContent.trim().slice(0, 40) + '\"'); });\n"
        "  out.wide.push('page: ' + document.documentElement.scrollWidth + ' px, ' +\n"
        "                names.join(', ')); }\n"
        "out.title = document.title; out.height = document.documentElement.scrollHeight;\n"
        "return out;\n";

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
			if (post(&s, path_of(schools[i], k ? "/submit" : "/report"), body) < 0)
				return -1;
		}
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
	sqlite3 *h;
	if (sqlite3_open(db, &h) != SQLITE_OK)
		return -1;
	char sql[600];
	/* 03/10/2022 14:00 Vietnam time, then every third day; reviewed two days after */
	snprintf(sql, sizeof sql,
	         "UPDATE reports SET submitted_at = 1664780400 + 259200 * (id %% 4),"
	         " reviewed_at = CASE WHEN reviewed_at > 0 THEN 1664780400 + 259200 * (id %% 4)"
	         " + 172800 ELSE 0 END WHERE campaign_id = %lld AND submitted_at > 0",
	         (long long)campaign);
	sqlite3_busy_timeout(h, 5000);
	int rc = sqlite3_exec(h, sql, NULL, NULL, NULL);
	sqlite3_close(h);
	return rc == SQLITE_OK ? 0 : -1;
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
	unit_tree_unref(t);
	if (rc < 0)
		return -1;
	ha_user(&app, "quantri", "VN", ROLE_ADMIN, PASSWORD);
	officer_id = ha_user(&app, "pgd.haian", "306", ROLE_OVERSEER, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &officer, "pgd.haian", PASSWORD) != 303 ||
	    ha_login(port, &admin, "quantri", PASSWORD) != 303 || fill() < 0 || backdate(db) < 0)
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

/* The screen as wide as width (the phone's until told otherwise), through the DevTools
 * protocol: the session's mobile emulation stays for the phone's width. */
static void
screen_width(int width)
{
	static int current = WIDTH;
	if (width == current)
		return;
	hb_screen(width, HEIGHT);
	current = width;
}

static void
screen_width_again(int width)
{
	hb_screen(width, HEIGHT);
}

/* path with {c} and {u} filled in */
static void
expand(const char *in, char *out, size_t cap)
{
	size_t n = 0;
	for (const char *p = in; *p && n + 24 < cap; p++) {
		if (p[0] == '{' && (p[1] == 'c' || p[1] == 'u') && p[2] == '}') {
			n += (size_t)snprintf(out + n, cap - n, "%lld",
			                      (long long)(p[1] == 'c' ? campaign : officer_id));
			p += 2;
		} else {
			out[n++] = *p;
		}
	}
	out[n] = 0;
}

static void
test_every_number_has_its_label(void **state)
{
	(void)state;
	const char *dir = getenv("SCREENSHOT_DIR");
	if (dir && *dir)
		mkdir(dir, 0755);
	buf_t problems = {0};
	int who = -1;
	go("/"); /* the origin first: a cookie is set on the page's own site */
	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
		const struct page *pg = &pages[i];
		if ((int)pg->who != who) {
			hb_sign_in(pg->who == OFFICER ? &officer : &admin);
			who = (int)pg->who;
		}
		char path[300];
		expand(pg->path, path, sizeof path);
		int width = width_of(pg);
		screen_width(width);
		go(path);
		if (width != WIDTH)
			screen_width_again(width); /* a navigation may bring the phone back */
		json_t *url = hb_cmd("GET", "/url", NULL);
		if (strstr(json_string_value(url), "/login")) {
			buf_printf(&problems, "%s: sent to the login page\n", path);
		}
		json_decref(url);
		json_t *out = run_script(check_js);
		int tables = (int)json_integer_value(json_object_get(out, "tables"));
		printf("%-45s %d table(s), %zu unlabelled, %zu too wide\n", path, tables,
		       json_array_size(json_object_get(out, "bad")),
		       json_array_size(json_object_get(out, "wide")));
		if (pg->tables && tables == 0) {
			buf_printf(&problems, "%s: no table (page \"%s\")\n", path,
			           json_string_value(json_object_get(out, "title")));
		}
		size_t k;
		json_t *s;
		json_array_foreach(json_object_get(out, "bad"), k, s)
		{
			buf_printf(&problems, "%s: \"%s\" has no label\n", path,
			           json_string_value(s));
		}
		json_array_foreach(json_object_get(out, "wide"), k, s)
		{
			buf_printf(&problems, "%s: wider than the screen: %s\n", path,
			           json_string_value(s));
		}
		if (dir && *dir && pg->shot)
			hb_screenshot(dir, pg->shot, width,
			           (long)json_integer_value(json_object_get(out, "height")),
			           &problems);
		json_decref(out);
	}
	if (problems.len) {
		print_message("%s", buf_cstr(&problems));
		buf_free(&problems);
		fail_msg("numbers without their label at %d px (listed above)", WIDTH);
	}
	buf_free(&problems);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_every_number_has_its_label),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
