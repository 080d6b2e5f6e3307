/* Regression: the chase board folded timeliness and review into one state, so an approved
 * report sent after the deadline counted only as "late" and "Đã duyệt" read 0 after three
 * approvals. The demo campaign's deadlines are in 2022: every report sent now is late. */
#include "regress.h"

static rg_t g;
static ha_client_t heads[3], officer;
static const char *const schools[3] = {"HA-11413-TH", "HA-11413-THCS", "HA-11422-MN"};

static int
setup(void **state)
{
	(void)state;
	if (rg_setup(&g) < 0)
		return -1;
	for (int i = 0; i < 3; i++) {
		char n[32];
		snprintf(n, sizeof n, "hieutruong%d", i);
		rg_person(&g, &heads[i], n, schools[i], ROLE_HEAD);
	}
	rg_person(&g, &officer, "chuyenvien.haian", "306", ROLE_OVERSEER);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return rg_teardown(&g);
}

static void
test_approved_late_reports_count_in_both(void **state)
{
	(void)state;
	for (int i = 0; i < 3; i++)
		assert_int_equal(rg_post_form(&g, &heads[i], schools[i], "/submit", i + 1), 303);
	char p[200];
	snprintf(p, sizeof p, "/api/v1/campaigns/%lld/units/306/status", (long long)g.campaign);
	/* before review: three late, three waiting, none approved */
	json_t *j = rg_json(&g, &officer, p, 200);
	assert_int_equal(rg_int(j, "late"), 3);
	assert_int_equal(rg_int(j, "waiting"), 3);
	assert_int_equal(rg_int(j, "approved"), 0);
	json_decref(j);
	for (int i = 0; i < 3; i++) {
		char body[200];
		snprintf(body, sizeof body, "csrf=%s&version=%ld", officer.csrf,
		         rg_version(&g, &officer, schools[i]));
		hc_resp_t r =
		        rg_req(&g, &officer, "POST", rg_path(&g, schools[i], "/approve"), body);
		assert_int_equal(r.status, 303);
		hc_resp_free(&r);
	}
	j = rg_json(&g, &officer, p, 200);
	int64_t expected = rg_int(j, "expected");
	assert_int_equal(rg_int(j, "approved"), 3);
	assert_int_equal(rg_int(j, "late"), 3);
	assert_int_equal(rg_int(j, "on_time"), 0);
	assert_int_equal(rg_int(j, "submitted"), 3);
	assert_int_equal(rg_int(j, "waiting"), 0);
	assert_int_equal(rg_int(j, "returned"), 0);
	assert_int_equal(rg_int(j, "missing"), expected - 3);
	/* per child: the ward of two of the schools says the same */
	json_t *kids = json_object_get(j, "children");
	int found = 0;
	for (size_t k = 0; k < json_array_size(kids); k++) {
		json_t *c = json_array_get(kids, k);
		if (strcmp(json_string_value(json_object_get(c, "code")), "11413") != 0)
			continue;
		found = 1;
		assert_int_equal(rg_int(c, "approved"), 2);
		assert_int_equal(rg_int(c, "late"), 2);
		assert_int_equal(rg_int(c, "submitted"), 2);
	}
	assert_true(found);
	json_decref(j);

	/* the page shows both dimensions: late 3 and approved 3 in the totals row */
	hc_resp_t r = rg_req(&g, &officer, "GET", rg_path(&g, "306", "/status"), NULL);
	assert_int_equal(r.status, 200);
	const char *body = buf_cstr(&r.body);
	char row[512];
	snprintf(row, sizeof row,
	         "<tr><td data-label=\"Phải nộp\">%lld</td><td data-label=\"Đúng hạn\">0</td>"
	         "<td data-label=\"Muộn\">3</td><td data-label=\"Chưa nộp\">%lld</td>"
	         "<td data-label=\"Chờ duyệt\">0</td><td data-label=\"Bị trả lại\">0</td>"
	         "<td data-label=\"Đã duyệt\">3</td></tr>",
	         (long long)expected, (long long)(expected - 3));
	if (!strstr(body, row))
		fail_msg("totals row %s not in %.3000s", row, body);
	hc_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_approved_late_reports_count_in_both),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
