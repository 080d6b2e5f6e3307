/* The review queue over real HTTP, in Hải Phòng's 2022 demo campaign: schools of quận Hải
 * An submit (one with 999.999 classes), one is approved, one returned, one left a draft;
 * the district's queue lists exactly the submitted, unreviewed ones, oldest first, in the
 * page and the API, and flags the outlier; three are approved at once; a return without a
 * reason is refused and changes nothing; another district's officer is refused; the menu's
 * count is the queue's length; a school under Tiên Lãng's adoption of the campaign is
 * listed in the city's queue and approved there, in the adoption. */
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
#include "domain/accounts.h"
#include "domain/demo.h"
#include "helper_app.h"

#define PASSWORD "Hang-cho-duyet-22"

static char tmpdir[] = "/tmp/suotdoi-review-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t campaign;

typedef ha_client_t client_t;
static client_t city_head, district, other_district, city_officer;

static hc_resp_t
req(client_t *c, const char *method, const char *path, const char *body, int json)
{
	return ha_req(port, c, method, path, body, json);
}

static void
login(client_t *c, const char *user)
{
	if (ha_login(port, c, user, PASSWORD) != 303)
		fail_msg("login %s failed", user);
}

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "q.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	unit_tree_t *t = app_tree(&app);
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &campaign);
	unit_tree_unref(t);
	if (rc < 0)
		return -1;
	/* the city's head enters and submits for the schools (on their behalf); the
	 * district's officer reviews; another district's officer; the city's officer */
	ha_user(&app, "lanhdao.so", "31", ROLE_HEAD, PASSWORD);
	ha_user(&app, "pgd.haian", "306", ROLE_OVERSEER, PASSWORD);
	ha_user(&app, "pgd.tienlang", "315", ROLE_OVERSEER, PASSWORD);
	ha_user(&app, "so.haiphong", "31", ROLE_OVERSEER, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	login(&city_head, "lanhdao.so");
	login(&district, "pgd.haian");
	login(&other_district, "pgd.tienlang");
	login(&city_officer, "so.haiphong");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return ha_stop(srv, &app, tmpdir);
}

static char *
path_of(int64_t c, const char *unit, const char *tail)
{
	static char p[8][256];
	static int k;
	k = (k + 1) % 8;
	snprintf(p[k], sizeof p[k], "/campaigns/%lld/units/%s%s", (long long)c, unit, tail);
	return p[k];
}

static char *
api_of(int64_t c, const char *unit, const char *tail)
{
	static char p[8][256];
	static int k;
	k = (k + 1) % 8;
	snprintf(p[k], sizeof p[k], "/api/v1/campaigns/%lld/units/%s%s", (long long)c, unit, tail);
	return p[k];
}

/* The district's queue form posted as the browser sends it, with body's fields over it. */
static hc_resp_t
post_queue(const char *body)
{
	const char *q = path_of(campaign, "306", "/review");
	return ha_post_page_over(port, &district, q, q, body);
}

static json_t *
get_json(client_t *c, const char *path, long want)
{
	hc_resp_t r = req(c, "GET", path, NULL, 0);
	if (r.status != want)
		fail_msg("GET %s: %ld, expected %ld: %.300s", path, r.status, want,
		         buf_cstr(&r.body));
	json_error_t e;
	json_t *j = json_loads(buf_cstr(&r.body), 0, &e);
	if (!j)
		fail_msg("GET %s: not JSON: %.300s", path, buf_cstr(&r.body));
	hc_resp_free(&r);
	return j;
}

static const char *
status_of(int64_t c, const char *unit)
{
	static char s[8][32];
	static int k;
	k = (k + 1) % 8;
	json_t *j = get_json(&city_head, api_of(c, unit, "/report"), 200);
	snprintf(s[k], sizeof s[k], "%s", json_string_value(json_object_get(j, "status")));
	json_decref(j);
	return s[k];
}

static long
version_of(int64_t c, const char *unit)
{
	json_t *j = get_json(&city_head, api_of(c, unit, "/report"), 200);
	long v = (long)json_integer_value(json_object_get(j, "version"));
	json_decref(j);
	return v;
}

/* The city's head enters a school's figures and saves (draft) or submits them. */
static void
enter(int64_t c, const char *unit, const char *action, long classes)
{
	char body[1024];
	snprintf(body, sizeof body,
	         "csrf=%s&version=%ld&v.1.ke_hoach=1&v.5.2.lop=%ld&v.5.2.nguoi=%ld&v.2.bao=2"
	         "&v.8.kinh_phi=1.500.000&v.i.text=Nhà+trường+đã+xây+dựng+kế+hoạch",
	         city_head.csrf, version_of(c, unit), classes, classes * 30);
	hc_resp_t r = ha_post_page_body(port, &city_head, path_of(c, unit, "/report"),
	                                path_of(c, unit, action), body);
	if (r.status != 303)
		fail_msg("%s %s: %ld %.600s", unit, action, r.status, buf_cstr(&r.body));
	hc_resp_free(&r);
}

/* The district's queue as the API lists it: its codes in order, comma-separated. */
static const char *
queue_codes(client_t *c, int64_t camp, const char *level, json_t **out)
{
	static char s[1024];
	json_t *j = get_json(c, api_of(camp, level, "/review"), 200);
	json_t *rows = json_object_get(j, "reports");
	s[0] = '\0';
	for (size_t k = 0; k < json_array_size(rows); k++)
		snprintf(s + strlen(s), sizeof s - strlen(s), "%s%s", k ? "," : "",
		         json_string_value(json_object_get(json_array_get(rows, k), "code")));
	assert_int_equal(json_integer_value(json_object_get(j, "count")), json_array_size(rows));
	if (out)
		*out = j;
	else
		json_decref(j);
	return s;
}

static json_t *
row_of(json_t *queue, const char *code)
{
	json_t *rows = json_object_get(queue, "reports");
	for (size_t k = 0; k < json_array_size(rows); k++)
		if (!strcmp(json_string_value(json_object_get(json_array_get(rows, k), "code")),
		            code))
			return json_array_get(rows, k);
	fail_msg("%s is not in the queue", code);
	return NULL;
}

/* N in the menu's "Chờ duyệt (N)" of a page, -1 when absent. Other people's submissions
 * reach the menu within 2 seconds (REVIEW_CACHE_MIN_SECONDS); the test does not wait: it
 * says reports changed, as a reviewer's own action does. */
static long
menu_count(client_t *c)
{
	review_cache_changed(&app);
	hc_resp_t r = req(c, "GET", "/", NULL, 0);
	assert_int_equal(r.status, 200);
	const char *p = strstr(buf_cstr(&r.body), "href=\"/review\">Chờ duyệt (");
	long n = p ? atol(p + strlen("href=\"/review\">Chờ duyệt (")) : -1;
	hc_resp_free(&r);
	return n;
}

static const char *const queued[] = {"HA-11413-TH", "HA-11419-TH", "HA-11422-TH", "HA-11425-TH"};

static void
test_queue_lists_exactly_the_waiting_reports(void **state)
{
	(void)state;
	/* before anything: an empty queue, a zero in the menu */
	assert_string_equal(queue_codes(&district, campaign, "306", NULL), "");
	assert_int_equal(menu_count(&district), 0);
	/* in this order (each report made and submitted in turn: oldest first by submission
	 * time, then by report, never by chance) */
	long classes[] = {10, 12, 999999, 11};
	for (int k = 0; k < 4; k++)
		enter(campaign, queued[k], "/submit", classes[k]);
	enter(campaign, "HA-11413-THCS", "/submit", 14);
	enter(campaign, "HA-11419-THCS", "/submit", 15);
	enter(campaign, "HA-11422-MN", "/report", 7); /* a draft */
	/* peers elsewhere in the city: two primary schools of Tiên Lãng */
	enter(campaign, "TL-11755-TH", "/submit", 13);
	enter(campaign, "TL-11761-TH", "/submit", 9);
	/* one approved, one returned, one by one as before */
	char body[300];
	snprintf(body, sizeof body, "csrf=%s&version=%ld", district.csrf,
	         version_of(campaign, "HA-11413-THCS"));
	hc_resp_t r =
	        req(&district, "POST", path_of(campaign, "HA-11413-THCS", "/approve"), body, 0);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	snprintf(body, sizeof body, "csrf=%s&version=%ld&comment=Thiếu+số+người+học", district.csrf,
	         version_of(campaign, "HA-11419-THCS"));
	r = req(&district, "POST", path_of(campaign, "HA-11419-THCS", "/return"), body, 0);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);

	/* the API: exactly the four, oldest first */
	json_t *q;
	assert_string_equal(queue_codes(&district, campaign, "306", &q),
	                    "HA-11413-TH,HA-11419-TH,HA-11422-TH,HA-11425-TH");
	/* context for each row: its ward, its submission time, on time (the demo's deadline
	 * is 10/10/2022, long past: late) */
	json_t *row = row_of(q, "HA-11422-TH");
	assert_string_equal(json_string_value(json_object_get(row, "parent_name")),
	                    "Phường Cát Bi");
	assert_true(json_is_true(json_object_get(row, "late")));
	assert_string_equal(json_string_value(json_object_get(row, "due")), "10/10/2022");
	assert_int_equal(strlen(json_string_value(json_object_get(row, "submitted"))),
	                 strlen("dd/mm/yyyy HH:MM"));
	/* the outlier: 999.999 classes against a median of 11,5 (the city's six primary
	 * schools: the district has fewer than five) */
	json_t *out = json_object_get(row, "outliers");
	assert_true(json_array_size(out) >= 1 && json_array_size(out) <= 2);
	int found = 0;
	for (size_t k = 0; k < json_array_size(out); k++) {
		json_t *o = json_array_get(out, k);
		if (!strcmp(json_string_value(json_object_get(o, "item")), "5.2.lop")) {
			found = 1;
			assert_int_equal(json_integer_value(json_object_get(o, "value")), 999999);
			assert_true(json_real_value(json_object_get(o, "median")) == 11.5);
			assert_non_null(strstr(json_string_value(json_object_get(o, "text")),
			                       ": 999.999 (trung vị nhóm 11,5)"));
		}
	}
	assert_true(found);
	/* the others are ordinary */
	for (int k = 0; k < 4; k++)
		if (k != 2)
			assert_int_equal(
			        json_array_size(json_object_get(row_of(q, queued[k]), "outliers")),
			        0);
	json_decref(q);

	/* the page lists the same, in the same order, and flags the same figure */
	r = req(&district, "GET", path_of(campaign, "306", "/review"), NULL, 0);
	assert_int_equal(r.status, 200);
	const char *page = buf_cstr(&r.body), *at = page;
	for (int k = 0; k < 4; k++) {
		char v[80];
		snprintf(v, sizeof v, "name=\"unit\" value=\"%s\"", queued[k]);
		const char *p = strstr(page, v);
		if (!p || p < at)
			fail_msg("%s missing or out of order on the page", queued[k]);
		at = p;
	}
	assert_null(strstr(page, "value=\"HA-11413-THCS\""));
	assert_null(strstr(page, "value=\"HA-11419-THCS\""));
	assert_null(strstr(page, "value=\"HA-11422-MN\""));
	assert_null(strstr(page, "value=\"TL-11755-TH\""));
	assert_non_null(strstr(page, "999.999 (trung vị nhóm 11,5)"));
	assert_non_null(strstr(page, "Phường Cát Bi"));
	hc_resp_free(&r);
	/* the menu's count is the queue's length, and /review leads there */
	assert_int_equal(menu_count(&district), 4);
	r = req(&district, "GET", "/review", NULL, 0);
	assert_int_equal(r.status, 200);
	char link[120];
	snprintf(link, sizeof link, "href=\"/campaigns/%lld/units/306/review\"",
	         (long long)campaign);
	assert_non_null(strstr(buf_cstr(&r.body), link));
	hc_resp_free(&r);
	/* the chase board and the campaign's page of the district link the queue */
	snprintf(link, sizeof link, "href=\"/campaigns/%lld/units/306/review\"",
	         (long long)campaign);
	r = req(&district, "GET", path_of(campaign, "306", "/status"), NULL, 0);
	assert_non_null(strstr(buf_cstr(&r.body), link));
	hc_resp_free(&r);
	r = req(&district, "GET", path_of(campaign, "306", ""), NULL, 0);
	assert_non_null(strstr(buf_cstr(&r.body), link));
	hc_resp_free(&r);
}

static void
test_return_needs_a_reason(void **state)
{
	(void)state;
	long v = version_of(campaign, "HA-11422-TH");
	char body[400];
	snprintf(body, sizeof body,
	         "csrf=%s&action=return&unit=HA-11422-TH&versions=HA-11422-TH:%ld", district.csrf,
	         v);
	hc_resp_t r = post_queue(body);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(buf_cstr(&r.body), "Lý do trả lại"));
	hc_resp_free(&r);
	snprintf(body, sizeof body,
	         "csrf=%s&action=return&unit=HA-11422-TH&unit=HA-11425-TH&comment=ab",
	         district.csrf);
	r = post_queue(body);
	assert_int_equal(r.status, 400);
	hc_resp_free(&r);
	/* the API too, and wrong types */
	const char *bad[] = {
	        "{\"action\":\"return\",\"units\":[{\"code\":\"HA-11422-TH\"}]}",
	        "{\"action\":\"return\",\"units\":[{\"code\":\"HA-11422-TH\"}],\"comment\":\" \"}",
	        "{\"action\":\"approve\",\"units\":\"HA-11422-TH\"}",
	        "{\"action\":\"approve\",\"units\":[{\"code\":\"HA-11422-TH\",\"version\":\"3\"}]}",
	        "{\"action\":\"approve\",\"units\":[{\"code\":11422}]}",
	        "{\"action\":1,\"units\":[{\"code\":\"HA-11422-TH\"}]}",
	        "{\"action\":\"delete\",\"units\":[{\"code\":\"HA-11422-TH\"}]}",
	        "{\"action\":\"approve\",\"units\":[],\"extra\":1}",
	        "{\"action\":\"approve\",\"units\":[]}",
	        "[1,2]",
	        "{\"action\":",
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		r = req(&district, "POST", api_of(campaign, "306", "/review"), bad[k], 1);
		if (r.status != 400 || !strstr(buf_cstr(&r.body), "\"message\""))
			fail_msg("%s: %ld %.300s", bad[k], r.status, buf_cstr(&r.body));
		hc_resp_free(&r);
	}
	/* nothing changed */
	assert_string_equal(status_of(campaign, "HA-11422-TH"), "submitted");
	assert_string_equal(status_of(campaign, "HA-11425-TH"), "submitted");
	assert_int_equal(version_of(campaign, "HA-11422-TH"), v);
}

static void
test_another_district_is_refused(void **state)
{
	(void)state;
	hc_resp_t r = req(&other_district, "GET", path_of(campaign, "306", "/review"), NULL, 0);
	assert_int_equal(r.status, 403);
	hc_resp_free(&r);
	r = req(&other_district, "GET", api_of(campaign, "306", "/review"), NULL, 0);
	assert_int_equal(r.status, 403);
	hc_resp_free(&r);
	char body[300];
	snprintf(body, sizeof body, "csrf=%s&action=approve&unit=HA-11425-TH", other_district.csrf);
	r = req(&other_district, "POST", path_of(campaign, "306", "/review"), body, 0);
	assert_int_equal(r.status, 403);
	hc_resp_free(&r);
	r = req(&other_district, "POST", api_of(campaign, "306", "/review"),
	        "{\"action\":\"approve\",\"units\":[{\"code\":\"HA-11425-TH\"}]}", 1);
	assert_int_equal(r.status, 403);
	hc_resp_free(&r);
	/* its own queue opens, without Hải An's reports, and its menu counts its own */
	assert_string_equal(queue_codes(&other_district, campaign, "315", NULL),
	                    "TL-11755-TH,TL-11761-TH");
	assert_int_equal(menu_count(&other_district), 2);
	/* from its own queue, a unit of Hải An is refused for that unit only */
	r = req(&other_district, "POST", api_of(campaign, "315", "/review"),
	        "{\"action\":\"approve\",\"units\":[{\"code\":\"HA-11425-TH\"}]}", 1);
	assert_int_equal(r.status, 200);
	json_error_t e;
	json_t *j = json_loads(buf_cstr(&r.body), 0, &e);
	hc_resp_free(&r);
	assert_int_equal(json_array_size(json_object_get(j, "done")), 0);
	json_t *ref = json_array_get(json_object_get(j, "refused"), 0);
	assert_string_equal(json_string_value(json_object_get(ref, "code")), "HA-11425-TH");
	assert_non_null(strstr(json_string_value(json_object_get(ref, "message")), "không thuộc"));
	json_decref(j);
	assert_string_equal(status_of(campaign, "HA-11425-TH"), "submitted");
	/* nor does a school head (no review right) get the menu's link */
	ha_user(&app, "hieutruong", "HA-11413-TH", ROLE_HEAD, PASSWORD);
	client_t school;
	login(&school, "hieutruong");
	assert_int_equal(menu_count(&school), -1);
}

static void
test_bulk_approve(void **state)
{
	(void)state;
	json_t *q;
	queue_codes(&district, campaign, "306", &q);
	const char *versions = json_string_value(json_object_get(q, "versions"));
	char body[1024];
	snprintf(body, sizeof body,
	         "csrf=%s&action=approve&unit=HA-11413-TH&unit=HA-11419-TH&unit=HA-11425-TH"
	         "&versions=%s&comment=",
	         district.csrf, versions);
	json_decref(q);
	hc_resp_t r = post_queue(body);
	assert_int_equal(r.status, 303);
	char loc[2048];
	assert_non_null(hc_header(&r, "Location", loc, sizeof loc));
	hc_resp_free(&r);
	assert_non_null(strstr(loc, "done=approve&n=3"));
	/* back to the queue: the summary, and only the outlier left */
	r = req(&district, "GET", loc, NULL, 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(buf_cstr(&r.body), "Đã duyệt 3 báo cáo."));
	/* the reviewer's own action reaches the menu at once, nothing forced by the test */
	assert_non_null(strstr(buf_cstr(&r.body), "href=\"/review\">Chờ duyệt (1)"));
	hc_resp_free(&r);
	/* a summary not written by the server is not shown */
	char forged[2100];
	snprintf(forged, sizeof forged, "%s", loc);
	char *sig = strstr(forged, "&sig=");
	assert_non_null(sig);
	sig[5] = sig[5] == 'a' ? 'b' : 'a';
	r = req(&district, "GET", forged, NULL, 0);
	assert_null(strstr(buf_cstr(&r.body), "Đã duyệt 3 báo cáo."));
	hc_resp_free(&r);
	for (int k = 0; k < 4; k++)
		assert_string_equal(status_of(campaign, queued[k]),
		                    k == 2 ? "submitted" : "approved");
	assert_string_equal(queue_codes(&district, campaign, "306", NULL), "HA-11422-TH");
	assert_int_equal(menu_count(&district), 1);
	/* a stale version is refused by the service, named on the page */
	snprintf(body, sizeof body, "csrf=%s&approve_one=HA-11422-TH&versions=HA-11422-TH:%ld",
	         district.csrf, version_of(campaign, "HA-11422-TH") - 1);
	r = post_queue(body);
	assert_int_equal(r.status, 303);
	assert_non_null(hc_header(&r, "Location", loc, sizeof loc));
	hc_resp_free(&r);
	assert_non_null(strstr(loc, "n=0"));
	r = req(&district, "GET", loc, NULL, 0);
	assert_non_null(strstr(buf_cstr(&r.body), "Trường Tiểu học Cát Bi: "));
	hc_resp_free(&r);
	assert_string_equal(status_of(campaign, "HA-11422-TH"), "submitted");
	/* the row's return: a confirm box asks the reason, then the API returns it */
	r = req(&district, "GET", path_of(campaign, "306", "/review?tra=HA-11422-TH"), NULL, 0);
	assert_non_null(strstr(buf_cstr(&r.body), "id=\"tra-lai\""));
	assert_non_null(strstr(buf_cstr(&r.body), "Trả lại báo cáo của Trường Tiểu học Cát Bi"));
	hc_resp_free(&r);
	snprintf(body, sizeof body,
	         "{\"action\":\"return\",\"units\":[{\"code\":\"HA-11422-TH\",\"version\":%ld}],"
	         "\"comment\":\"Số lớp 999.999 có nhầm không?\"}",
	         version_of(campaign, "HA-11422-TH"));
	r = req(&district, "POST", api_of(campaign, "306", "/review"), body, 1);
	assert_int_equal(r.status, 200);
	json_error_t e;
	json_t *j = json_loads(buf_cstr(&r.body), 0, &e);
	hc_resp_free(&r);
	json_t *d = json_array_get(json_object_get(j, "done"), 0);
	assert_string_equal(json_string_value(json_object_get(d, "code")), "HA-11422-TH");
	assert_string_equal(json_string_value(json_object_get(d, "status")), "returned");
	assert_int_equal(json_array_size(json_object_get(j, "refused")), 0);
	json_decref(j);
	assert_string_equal(status_of(campaign, "HA-11422-TH"), "returned");
	assert_string_equal(queue_codes(&district, campaign, "306", NULL), "");
	assert_int_equal(menu_count(&district), 0);
}

static int
take_template(const store_campaign_t *c, void *p)
{
	*(int64_t *)p = c->template_id;
	return 0;
}

/* Tiên Lãng adopts the city's campaign: its schools report there, and the city's queue of
 * the city's campaign lists them and acts on the adoption. */
static void
test_adoption_listed_and_approved_there(void **state)
{
	(void)state;
	int64_t tid = 0;
	store_campaign_get(app.store, campaign, take_template, &tid);
	ha_user(&app, "lanhdao.tienlang", "315", ROLE_HEAD, PASSWORD);
	client_t tl;
	login(&tl, "lanhdao.tienlang");
	char body[1024];
	snprintf(body, sizeof body,
	         "csrf=%s&parent=%lld&name=Tuần+lễ+2022+huyện+Tiên+Lãng&year=2022&template=%lld"
	         "&start=06/10/2022&end=12/10/2022&due=14/10/2022&status=open"
	         "&kind=truong_th&kind=truong_thcs&kind=truong_mn&kind=tthtcd",
	         tl.csrf, (long long)campaign, (long long)tid);
	hc_resp_t r = ha_post_page_over(port, &tl, "/units/315/campaigns/new",
	                                "/units/315/campaigns", body);
	if (r.status != 303)
		fail_msg("adoption: %ld %.500s", r.status, buf_cstr(&r.body));
	char loc[300];
	hc_header(&r, "Location", loc, sizeof loc);
	hc_resp_free(&r);
	int64_t adopted = atoll(loc + strlen("/campaigns/"));
	assert_true(adopted > campaign);
	enter(adopted, "TL-11770-TH", "/submit", 8);
	/* the city's queue: Tiên Lãng's two from before the adoption are the root's no more
	 * (the units report in the adoption now); the new one is there, in the adoption */
	json_t *q;
	const char *codes = queue_codes(&city_officer, campaign, "31", &q);
	assert_non_null(strstr(codes, "TL-11770-TH"));
	assert_null(strstr(codes, "TL-11755-TH"));
	assert_int_equal(
	        json_integer_value(json_object_get(row_of(q, "TL-11770-TH"), "campaign_id")),
	        adopted);
	json_decref(q);
	r = req(&city_officer, "POST", api_of(campaign, "31", "/review"),
	        "{\"action\":\"approve\",\"units\":[{\"code\":\"TL-11770-TH\"}]}", 1);
	assert_int_equal(r.status, 200);
	json_error_t e;
	json_t *j = json_loads(buf_cstr(&r.body), 0, &e);
	hc_resp_free(&r);
	if (json_array_size(json_object_get(j, "done")) != 1)
		fail_msg("%s", json_dumps(j, 0));
	json_decref(j);
	assert_string_equal(status_of(adopted, "TL-11770-TH"), "approved");
	assert_null(strstr(queue_codes(&city_officer, campaign, "31", NULL), "TL-11770-TH"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_queue_lists_exactly_the_waiting_reports),
	        cmocka_unit_test(test_return_needs_a_reason),
	        cmocka_unit_test(test_another_district_is_refused),
	        cmocka_unit_test(test_bulk_approve),
	        cmocka_unit_test(test_adoption_listed_and_approved_there),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
