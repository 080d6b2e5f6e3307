/* Regression: the campaign status control on /campaigns/:id/units/:code showed "Nháp"
 * preselected whatever the status was, so one click put the city's open campaign back to
 * draft. The select now shows the current status, and a change that stops reporting
 * (open → draft, open → closed) asks for confirmation first and changes nothing until then. */
#include "regress.h"

static rg_t g;
static ha_client_t city_head;

static int
setup(void **state)
{
	(void)state;
	if (rg_setup(&g) < 0)
		return -1;
	rg_person(&g, &city_head, "lanhdao.haiphong", "31", ROLE_HEAD);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return rg_teardown(&g);
}

static int
copy_status(const store_campaign_t *c, void *p)
{
	snprintf(p, 16, "%s", c->status);
	return 0;
}

/* The campaign's status as stored. */
static const char *
stored_status(void)
{
	static char s[16];
	assert_int_equal(store_campaign_get(g.app.store, g.campaign, copy_status, s), 1);
	return s;
}

/* The select of the status control has exactly one option selected: value's. */
static void
assert_selected(const char *value)
{
	hc_resp_t r = rg_req(&g, &city_head, "GET", rg_path(&g, "31", ""), NULL);
	assert_int_equal(r.status, 200);
	const char *body = buf_cstr(&r.body);
	const char *sel = strstr(body, "<select id=\"status\"");
	assert_non_null(sel);
	const char *end = strstr(sel, "</select>");
	assert_non_null(end);
	char want[80];
	snprintf(want, sizeof want, "<option value=\"%s\" selected>", value);
	const char *hit = strstr(sel, want);
	if (!hit || hit > end)
		fail_msg("%s not in %.*s", want, (int)(end - sel), sel);
	int n = 0;
	for (const char *p = sel; (p = strstr(p, " selected")) && p < end; p++)
		n++;
	assert_int_equal(n, 1);
	hc_resp_free(&r);
}

static void
post_status(const char *status, int confirm, long want, const char *must_contain)
{
	char path[200], body[300];
	snprintf(path, sizeof path, "/units/31/campaigns/%lld/status", (long long)g.campaign);
	snprintf(body, sizeof body, "csrf=%s&status=%s%s", city_head.csrf, status,
	         confirm ? "&confirm=1" : "");
	hc_resp_t r = rg_req(&g, &city_head, "POST", path, body);
	if (r.status != want || (must_contain && !strstr(buf_cstr(&r.body), must_contain)))
		fail_msg("POST status=%s confirm=%d: %ld %.2000s", status, confirm, r.status,
		         buf_cstr(&r.body));
	hc_resp_free(&r);
}

static void
test_status_control(void **state)
{
	(void)state;
	assert_string_equal(stored_status(), "open");
	assert_selected("open");

	/* open → closed without confirm: a page that explains, with a form that confirms */
	post_status("closed", 0, 200, "dừng nhận báo cáo");
	post_status("closed", 0, 200, "name=\"confirm\" value=\"1\"");
	assert_string_equal(stored_status(), "open");
	assert_selected("open");
	/* open → draft likewise */
	post_status("draft", 0, 200, "Nháp");
	assert_string_equal(stored_status(), "open");
	assert_selected("open");

	/* confirmed: it changes, and the page shows the new status at once */
	post_status("closed", 1, 303, NULL);
	assert_string_equal(stored_status(), "closed");
	assert_selected("closed");
	/* reopening stops nothing: no confirmation needed */
	post_status("open", 0, 303, NULL);
	assert_string_equal(stored_status(), "open");
	assert_selected("open");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_status_control),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
