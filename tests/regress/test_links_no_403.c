/* Regression: links that led to 403. The "Báo cáo" menu's /campaigns sent everyone to the
 * issuer's page (/campaigns/1/units/31), and the breadcrumbs of a district's campaign pages
 * linked the city, which neither a principal nor a district officer may open. Every link to
 * /campaigns/… or /units/… on the pages of the reporting loop they reach must open. The
 * dashboard's shared cache must not hand one viewer's links to another: the city's
 * officer reads the district's pages first. */
#include "regress.h"

static rg_t g;
static ha_client_t principal, district_officer, city_officer;

static int
setup(void **state)
{
	(void)state;
	if (rg_setup(&g) < 0)
		return -1;
	rg_person(&g, &principal, "hieutruong", "HA-11413-TH", ROLE_HEAD);
	rg_person(&g, &district_officer, "chuyenvien.haian", "306", ROLE_OVERSEER);
	rg_person(&g, &city_officer, "chuyenvien.so", "31", ROLE_OVERSEER);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return rg_teardown(&g);
}

#define MAX_SEEN 400

typedef struct crawl {
	ha_client_t *c;
	const char *who;
	char seen[MAX_SEEN][200];
	int nseen;
	int opened; /* links followed */
} crawl_t;

static int
seen(crawl_t *w, const char *href)
{
	for (int k = 0; k < w->nseen; k++)
		if (!strcmp(w->seen[k], href))
			return 1;
	if (w->nseen < MAX_SEEN)
		snprintf(w->seen[w->nseen++], sizeof w->seen[0], "%s", href);
	return 0;
}

/* GET path as the crawler's user; it must not be 403; then follow its links to /campaigns/
 * and /units/ depth more levels. */
static void
visit(crawl_t *w, const char *path, const char *from, int depth)
{
	hc_resp_t r = rg_req(&g, w->c, "GET", path, NULL);
	if (r.status == 403)
		fail_msg("%s: %s (linked from %s) answers 403", w->who, path, from);
	if (r.status != 200 || depth == 0 || !strstr(buf_cstr(&r.body), "<html")) {
		hc_resp_free(&r);
		return;
	}
	/* the links of the page, copied before going on (the body is freed) */
	char(*links)[200] = calloc(300, sizeof *links);
	int n = 0;
	for (const char *p = buf_cstr(&r.body); (p = strstr(p, "href=\"")) && n < 300;) {
		p += strlen("href=\"");
		const char *e = strchr(p, '"');
		if (!e)
			break;
		if ((!strncmp(p, "/campaigns", 10) || !strncmp(p, "/units/", 7)) &&
		    (size_t)(e - p) < sizeof links[0]) {
			memcpy(links[n], p, (size_t)(e - p));
			links[n][e - p] = '\0';
			/* the HTML escapes '&' in query strings */
			char *amp;
			while ((amp = strstr(links[n], "&amp;")))
				memmove(amp + 1, amp + 5, strlen(amp + 5) + 1);
			n++;
		}
		p = e;
	}
	hc_resp_free(&r);
	for (int k = 0; k < n; k++)
		if (!seen(w, links[k])) {
			w->opened++;
			visit(w, links[k], path, depth - 1);
		}
	free(links);
}

static void
crawl_from(ha_client_t *c, const char *who, const char *const *starts, size_t nstarts)
{
	crawl_t *w = calloc(1, sizeof *w);
	w->c = c;
	w->who = who;
	for (size_t k = 0; k < nstarts; k++) {
		seen(w, starts[k]);
		visit(w, starts[k], "(start)", 1);
	}
	assert_true(w->opened > 3);
	free(w);
}

static void
test_campaign_list_leads_to_own_unit(void **state)
{
	(void)state;
	/* the principal's way in is the school's view, the officer's the district's */
	hc_resp_t r = rg_req(&g, &principal, "GET", "/campaigns", NULL);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(buf_cstr(&r.body), rg_path(&g, "HA-11413-TH", "\"")));
	assert_null(strstr(buf_cstr(&r.body), rg_path(&g, "31", "\"")));
	hc_resp_free(&r);
	r = rg_req(&g, &district_officer, "GET", "/campaigns", NULL);
	assert_non_null(strstr(buf_cstr(&r.body), rg_path(&g, "306", "\"")));
	assert_null(strstr(buf_cstr(&r.body), rg_path(&g, "31", "\"")));
	hc_resp_free(&r);
	r = rg_req(&g, &city_officer, "GET", "/campaigns", NULL);
	assert_non_null(strstr(buf_cstr(&r.body), rg_path(&g, "31", "\"")));
	hc_resp_free(&r);
}

static void
test_no_link_answers_403(void **state)
{
	(void)state;
	/* the city's officer fills the dashboard's shared cache for the district first */
	const char *district_pages[] = {
	        rg_path(&g, "306", ""),         rg_path(&g, "306", "/status"),
	        rg_path(&g, "306", "/report"),  rg_path(&g, "11413", ""),
	        rg_path(&g, "HA-11413-TH", ""), rg_path(&g, "HA-11413-TH", "/report")};
	for (size_t k = 0; k < sizeof district_pages / sizeof district_pages[0]; k++) {
		hc_resp_t r = rg_req(&g, &city_officer, "GET", district_pages[k], NULL);
		assert_int_equal(r.status, 200);
		hc_resp_free(&r);
	}
	const char *officer_starts[] = {"/campaigns", district_pages[0], district_pages[1],
	                                district_pages[2]};
	crawl_from(&district_officer, "district officer", officer_starts, 4);
	const char *principal_starts[] = {"/campaigns", "/", district_pages[4], district_pages[5],
	                                  rg_path(&g, "HA-11413-TH", "/status")};
	crawl_from(&principal, "principal", principal_starts, 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_campaign_list_leads_to_own_unit),
	        cmocka_unit_test(test_no_link_answers_403),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
