/* The dashboard's charts (src/app/chart_pages.c) on the demo, Quận Hải An in Hải Phòng's
 * 2022 campaign after three schools and a CLC submitted through the forms, one approved
 * and one returned: the progress chart's last day is the chase board's counts, the bars
 * are the dashboard JSON's per-child totals, each chart alone is well-formed SVG (libxml2)
 * as image/svg+xml, and a bad chi_tieu or with is refused by name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "domain/demo.h"
#include "helper_app.h"

#define PASSWORD "Hoctap@2022"

static char tmpdir[] = "/tmp/suotdoi-charts-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t campaign;
static ha_client_t officer;

static const char *const schools[] = {"HA-11413-TH", "HA-11413-THCS", "HA-11422-MN",
                                      "HA-11413-TTHTCD"};

static char *
path_of(const char *unit, const char *tail)
{
	static char p[8][300];
	static int k;
	k = (k + 1) % 8;
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

static int
fill(void)
{
	static const int people[] = {60, 45, 80, 150};
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
			         "&v.2.bao=%d",
			         s.csrf, version_of(&s, schools[i]), i + 2, people[i], i + 1);
			hc_resp_t r = ha_post_page_body(
			        port, &s, path_of(schools[i], "/report"),
			        path_of(schools[i], k ? "/submit" : "/report"), body);
			long st = r.status;
			hc_resp_free(&r);
			if (st != 303)
				return fprintf(stderr, "POST %s: %ld\n", schools[i], st), -1;
		}
	}
	char body[400];
	snprintf(body, sizeof body, "csrf=%s&version=%ld&comment=Chưa+đúng", officer.csrf,
	         version_of(&officer, schools[2]));
	if (post(&officer, path_of(schools[2], "/return"), body) < 0)
		return -1;
	snprintf(body, sizeof body, "csrf=%s&version=%ld", officer.csrf,
	         version_of(&officer, schools[0]));
	return post(&officer, path_of(schools[0], "/approve"), body);
}

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "c.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	unit_tree_t *t = app_tree(&app);
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &campaign);
	unit_tree_unref(t);
	if (rc < 0)
		return -1;
	ha_user(&app, "pgd.haian", "306", ROLE_OVERSEER, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &officer, "pgd.haian", PASSWORD) != 303 || fill() < 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	http_server_stop(srv);
	app_close(&app);
	curl_global_cleanup();
	xmlCleanupParser();
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static json_t *
get_json(const char *path)
{
	hc_resp_t r = ha_req(port, &officer, "GET", path, NULL, 0);
	assert_int_equal(r.status, 200);
	json_t *j = json_loads(buf_cstr(&r.body), 0, NULL);
	hc_resp_free(&r);
	assert_non_null(j);
	return j;
}

/* The n-th (0-based) <svg>...</svg> of an HTML page, parsed: well-formed or the test
 * fails. */
static xmlDocPtr
svg_of(const char *html, int n)
{
	const char *p = html;
	for (int k = 0; k <= n; k++) {
		p = strstr(k ? p + 1 : p, "<svg ");
		assert_non_null(p);
	}
	const char *e = strstr(p, "</svg>");
	assert_non_null(e);
	xmlDocPtr doc = xmlReadMemory(p, (int)(e + 6 - p), "chart.svg", "UTF-8",
	                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		fail_msg("chart %d is not well-formed XML", n);
	assert_string_equal((const char *)xmlDocGetRootElement(doc)->name, "svg");
	return doc;
}

/* Attribute attr of the elements matching xpath (prefix s: SVG), in order: *n of them. */
static char **
attrs(xmlDocPtr doc, const char *xpath, const char *attr, int *n)
{
	xmlXPathContextPtr x = xmlXPathNewContext(doc);
	xmlXPathRegisterNs(x, (const xmlChar *)"s", (const xmlChar *)"http://www.w3.org/2000/svg");
	xmlXPathObjectPtr r = xmlXPathEvalExpression((const xmlChar *)xpath, x);
	assert_non_null(r);
	*n = r->nodesetval ? r->nodesetval->nodeNr : 0;
	char **out = calloc((size_t)*n + 1, sizeof *out);
	for (int k = 0; k < *n; k++) {
		xmlChar *v = xmlGetProp(r->nodesetval->nodeTab[k], (const xmlChar *)attr);
		out[k] = strdup(v ? (const char *)v : "");
		xmlFree(v);
	}
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(x);
	return out;
}

static void
free_strs(char **s, int n)
{
	for (int k = 0; k < n; k++)
		free(s[k]);
	free(s);
}

/* The progress chart's last day (data-last of each line) against the chase board. */
static void
check_progress(xmlDocPtr doc, json_t *chase)
{
	int n;
	char **keys = attrs(doc, "//s:path", "data-series", &n);
	char **last = attrs(doc, "//s:path", "data-last", &n);
	assert_int_equal(n, 3);
	for (int k = 0; k < n; k++) {
		json_t *v = json_object_get(chase, keys[k]);
		assert_true(json_is_integer(v));
		assert_int_equal(atoll(last[k]), json_integer_value(v));
	}
	free_strs(keys, n);
	free_strs(last, n);
}

static void
test_progress_equals_chase_board(void **state)
{
	(void)state;
	char api[300];
	snprintf(api, sizeof api, "/api/v1%s", path_of("306", "/status"));
	json_t *chase = get_json(api);
	/* what the demo should give: 4 counted (one approved, the returned one is not) */
	assert_int_equal(json_integer_value(json_object_get(chase, "submitted")), 3);
	assert_int_equal(json_integer_value(json_object_get(chase, "approved")), 1);
	assert_true(json_integer_value(json_object_get(chase, "expected")) > 3);

	hc_resp_t r = ha_req(port, &officer, "GET", path_of("306", ""), NULL, 0);
	assert_int_equal(r.status, 200);
	const char *html = buf_cstr(&r.body);
	assert_non_null(strstr(html, "role=\"img\""));
	assert_null(strstr(html, "<svg style"));
	xmlDocPtr doc = svg_of(html, 0);
	check_progress(doc, chase);
	xmlFreeDoc(doc);
	/* the text alternative's last row says the same */
	char want[200];
	snprintf(want, sizeof want,
	         "data-label=\"Đã nộp\">%lld</td><td class=\"num\" "
	         "data-label=\"Đã duyệt\">%lld</td></tr>\n</tbody>",
	         (long long)json_integer_value(json_object_get(chase, "submitted")),
	         (long long)json_integer_value(json_object_get(chase, "approved")));
	assert_non_null(strstr(html, want));
	hc_resp_free(&r);

	/* alone */
	r = ha_req(port, &officer, "GET", path_of("306", "/charts/progress.svg"), NULL, 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(buf_cstr(&r.headers), "image/svg+xml"));
	doc = svg_of(buf_cstr(&r.body), 0);
	check_progress(doc, chase);
	xmlFreeDoc(doc);
	hc_resp_free(&r);
	json_decref(chase);
}

/* The bars of chart n of body against the dashboard JSON's children's totals of item. */
static void
check_bars(const char *body, int n, json_t *dash, const char *item)
{
	xmlDocPtr doc = svg_of(body, n);
	int nb, nv;
	char **names = attrs(doc, "//s:g[@class='bar']", "data-name", &nb);
	char **values = attrs(doc, "//s:g[@class='bar']", "data-value", &nv);
	json_t *kids = json_object_get(dash, "children");
	assert_int_equal((size_t)nb, json_array_size(kids));
	int64_t prev = INT64_MAX, nonzero = 0;
	for (int k = 0; k < nb; k++) {
		int found = 0;
		size_t i;
		json_t *c;
		json_array_foreach(kids, i, c)
		{
			if (strcmp(json_string_value(json_object_get(c, "name")), names[k]))
				continue;
			found = 1;
			json_t *tot = json_object_get(json_object_get(c, "totals"), item);
			assert_int_equal(atoll(values[k]), json_integer_value(tot));
		}
		assert_true(found);
		assert_true(atoll(values[k]) <= prev); /* sorted, largest first */
		prev = atoll(values[k]);
		nonzero += prev > 0;
	}
	assert_true(nonzero > 0);
	free_strs(names, nb);
	free_strs(values, nv);
	xmlFreeDoc(doc);
}

static void
test_indicator_equals_dashboard_totals(void **state)
{
	(void)state;
	char api[300];
	snprintf(api, sizeof api, "/api/v1%s", path_of("306", ""));
	json_t *dash = get_json(api);
	assert_null(json_object_get(dash, "charts")); /* the JSON answer is as it was */

	hc_resp_t r = ha_req(port, &officer, "GET", path_of("306", "?chi_tieu=5.2.nguoi"), NULL, 0);
	assert_int_equal(r.status, 200);
	/* the parameter arrived (declared on the route): chosen in the form */
	assert_non_null(strstr(buf_cstr(&r.body), "<option value=\"5.2.nguoi\" selected>"));
	check_bars(buf_cstr(&r.body), 1, dash, "5.2.nguoi");
	hc_resp_free(&r);

	r = ha_req(port, &officer, "GET", path_of("306", "/charts/indicator.svg?chi_tieu=2.bao"),
	           NULL, 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(buf_cstr(&r.headers), "image/svg+xml"));
	check_bars(buf_cstr(&r.body), 0, dash, "2.bao");
	hc_resp_free(&r);

	/* the default: a count, drawn from the same totals */
	r = ha_req(port, &officer, "GET", path_of("306", ""), NULL, 0);
	assert_int_equal(r.status, 200);
	const char *sel = strstr(buf_cstr(&r.body), "\" selected>");
	assert_non_null(sel);
	const char *v = sel;
	while (v > buf_cstr(&r.body) && strncmp(v, "value=\"", 7))
		v--;
	char code[64];
	snprintf(code, sizeof code, "%.*s", (int)(sel - v - 7), v + 7);
	check_bars(buf_cstr(&r.body), 1, dash, code);
	hc_resp_free(&r);
	json_decref(dash);
}

static void
test_bad_parameters_refused(void **state)
{
	(void)state;
	hc_resp_t r = ha_req(port, &officer, "GET", path_of("306", "?chi_tieu=khong.co"), NULL, 0);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(buf_cstr(&r.body), "chi_tieu"));
	hc_resp_free(&r);
	r = ha_req(port, &officer, "GET", path_of("306", "/charts/indicator.svg?chi_tieu=i.text"),
	           NULL, 0);
	assert_int_equal(r.status, 400); /* a text item has no number to draw */
	hc_resp_free(&r);
	r = ha_req(port, &officer, "GET", path_of("306", "?with=abc"), NULL, 0);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(buf_cstr(&r.body), "with"));
	hc_resp_free(&r);
	char q[64];
	snprintf(q, sizeof q, "?with=%lld", (long long)campaign); /* itself: not earlier */
	r = ha_req(port, &officer, "GET", path_of("306", q), NULL, 0);
	assert_int_equal(r.status, 400);
	hc_resp_free(&r);
	r = ha_req(port, &officer, "GET", path_of("306", "/charts/indicator.svg?with=999999"), NULL,
	           0);
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
	/* anonymous: the sign-in, never a chart */
	r = ha_req(port, NULL, "GET", path_of("306", "/charts/progress.svg"), NULL, 0);
	assert_true(r.status == 401 || r.status == 303);
	assert_null(strstr(buf_cstr(&r.body), "<svg"));
	hc_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_progress_equals_chase_board),
	        cmocka_unit_test(test_indicator_equals_dashboard_totals),
	        cmocka_unit_test(test_bad_parameters_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
