/* Regression: reopening an approved report always failed (the reports table's status check
 * did not allow "reopened"), so an approved district could never be unlocked. And the
 * flow of approval level by level, over HTTP as people do it: an approved district locks
 * the schools below it until the city reopens it; a district is not approved while a
 * school below it is sent back. */
#include "regress.h"

static rg_t g;
static ha_client_t school, district_officer, district_head, city_officer;
#define SCHOOL "HA-11413-TH"

static int
setup(void **state)
{
	(void)state;
	if (rg_setup(&g) < 0)
		return -1;
	rg_person(&g, &school, "hieutruong", SCHOOL, ROLE_HEAD);
	rg_person(&g, &district_officer, "chuyenvien.haian", "306", ROLE_OVERSEER);
	rg_person(&g, &district_head, "lanhdao.haian", "306", ROLE_HEAD);
	rg_person(&g, &city_officer, "chuyenvien.so", "31", ROLE_OVERSEER);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return rg_teardown(&g);
}

/* A review action (approve, return, reopen) posted through the form; the answer's status,
 * with the body in *body (caller frees) when it is not NULL. */
static long
review(ha_client_t *c, const char *unit, const char *action, const char *comment, buf_t *body)
{
	char b[400];
	snprintf(b, sizeof b, "csrf=%s&version=%ld&comment=%s", c->csrf, rg_version(&g, c, unit),
	         comment ? comment : "");
	hc_resp_t r = rg_req(&g, c, "POST", rg_path(&g, unit, action), b);
	long st = r.status;
	if (body)
		buf_append(body, r.body.data ? r.body.data : "", r.body.len);
	hc_resp_free(&r);
	return st;
}

static const char *
api_status(ha_client_t *c, const char *unit, char *comment, size_t cap)
{
	static char st[32];
	char p[200];
	snprintf(p, sizeof p, "/api/v1/campaigns/%lld/units/%s/report", (long long)g.campaign,
	         unit);
	json_t *j = rg_json(&g, c, p, 200);
	snprintf(st, sizeof st, "%s", json_string_value(json_object_get(j, "status")));
	if (comment) {
		json_t *cm = json_object_get(j, "comment");
		snprintf(comment, cap, "%s", json_is_string(cm) ? json_string_value(cm) : "");
	}
	json_decref(j);
	return st;
}

static void
test_levels_lock_and_reopen(void **state)
{
	(void)state;
	/* the school submits, the district approves it, then submits its own report */
	assert_int_equal(rg_post_form(&g, &school, SCHOOL, "/submit", 2), 303);
	assert_int_equal(review(&district_officer, SCHOOL, "/approve", NULL, NULL), 303);
	assert_int_equal(rg_post_form(&g, &district_head, "306", "/submit", 0), 303);
	assert_string_equal(api_status(&district_head, "306", NULL, 0), "submitted");
	assert_int_equal(review(&city_officer, "306", "/approve", NULL, NULL), 303);
	assert_string_equal(api_status(&city_officer, "306", NULL, 0), "approved");

	/* below an approved district nothing moves, and the answer says why */
	buf_t body = BUF_INIT;
	assert_int_equal(review(&district_officer, SCHOOL, "/reopen", "Sửa+số+lớp", &body), 409);
	assert_non_null(strstr(buf_cstr(&body), "Quận Hải An"));
	assert_non_null(strstr(buf_cstr(&body), "mở lại"));
	buf_free(&body);
	assert_string_equal(api_status(&school, SCHOOL, NULL, 0), "approved");
	hc_resp_t r = rg_req(&g, &school, "GET", rg_path(&g, SCHOOL, "/report"), NULL);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(buf_cstr(&r.body), "bị khóa cho đến khi cấp trên mở lại"));
	assert_null(strstr(buf_cstr(&r.body), "/reopen\""));
	hc_resp_free(&r);

	/* the city reopens the district (this failed: the store refused "reopened") */
	assert_int_equal(review(&city_officer, "306", "/reopen", "Bổ+sung+số+liệu", NULL), 303);
	char comment[200];
	assert_string_equal(api_status(&district_head, "306", comment, sizeof comment), "reopened");
	assert_string_equal(comment, "Bổ sung số liệu");

	/* now the district reopens the school, which saves (staying reopened) and resubmits */
	assert_int_equal(review(&district_officer, SCHOOL, "/reopen", "Sửa+số+lớp", NULL), 303);
	assert_string_equal(api_status(&school, SCHOOL, comment, sizeof comment), "reopened");
	assert_string_equal(comment, "Sửa số lớp");
	assert_int_equal(rg_post_form(&g, &school, SCHOOL, "/report", 3), 303);
	assert_string_equal(api_status(&school, SCHOOL, NULL, 0), "reopened");

	/* the district forwards again; the city cannot approve while the school is reopened */
	assert_int_equal(rg_post_form(&g, &district_head, "306", "/submit", 0), 303);
	body = (buf_t)BUF_INIT;
	assert_int_equal(review(&city_officer, "306", "/approve", NULL, &body), 409);
	assert_non_null(strstr(buf_cstr(&body), "Trường Tiểu học Đằng Lâm"));
	buf_free(&body);
	assert_int_equal(rg_post_form(&g, &school, SCHOOL, "/submit", 3), 303);
	assert_int_equal(review(&city_officer, "306", "/approve", NULL, NULL), 303);
	assert_string_equal(api_status(&city_officer, "306", NULL, 0), "approved");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_levels_lock_and_reopen),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
