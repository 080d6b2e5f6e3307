/* Regression: count-downs printed "còn -1514 ngày" for deadlines already past. The demo
 * campaign's deadlines are in 2022, so a principal's home page must say "quá hạn N ngày"
 * and never "còn -"; the chase board's list of missing units likewise. */
#include "regress.h"

#include "core/arena.h"
#include "text/text.h"

static rg_t g;
static ha_client_t principal, officer;

static int
setup(void **state)
{
	(void)state;
	if (rg_setup(&g) < 0)
		return -1;
	rg_person(&g, &principal, "hieutruong", "HA-11413-TH", ROLE_HEAD);
	rg_person(&g, &officer, "chuyenvien.haian", "306", ROLE_OVERSEER);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return rg_teardown(&g);
}

/* Days from 10/10/2022 (the schools' deadline) to today in Vietnam. */
static long
days_overdue(void)
{
	int32_t due;
	assert_int_equal(text_parse_date("10/10/2022", 10, &due), 0);
	return (long)(app_today() - due);
}

static void
test_home_says_overdue(void **state)
{
	(void)state;
	hc_resp_t r = rg_req(&g, &principal, "GET", "/", NULL);
	assert_int_equal(r.status, 200);
	const char *body = buf_cstr(&r.body);
	assert_non_null(strstr(body, "hạn nộp 10/10/2022"));
	char want[80];
	snprintf(want, sizeof want, "(quá hạn %ld ngày)", days_overdue());
	if (!strstr(body, want))
		fail_msg("%s not on the home page: %.2000s", want, body);
	assert_null(strstr(body, "còn -"));
	hc_resp_free(&r);
}

static void
test_chase_list_says_overdue(void **state)
{
	(void)state;
	hc_resp_t r = rg_req(&g, &officer, "GET", rg_path(&g, "306", "/status"), NULL);
	assert_int_equal(r.status, 200);
	const char *body = buf_cstr(&r.body);
	char want[80];
	snprintf(want, sizeof want, "(quá hạn %ld ngày)", days_overdue());
	assert_non_null(strstr(body, want));
	assert_null(strstr(body, "còn -"));
	hc_resp_free(&r);
}

static void
test_phrase(void **state)
{
	(void)state;
	arena_t ar = ARENA_INIT, *a = &ar;
	assert_string_equal(app_fmt_days_left(a, 100, 97), "còn 3 ngày");
	assert_string_equal(app_fmt_days_left(a, 100, 100), "hôm nay là hạn cuối");
	assert_string_equal(app_fmt_days_left(a, 100, 101), "quá hạn 1 ngày");
	assert_string_equal(app_fmt_days_left(a, 0, 101), "");
	arena_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_phrase),
	        cmocka_unit_test(test_home_says_overdue),
	        cmocka_unit_test(test_chase_list_says_overdue),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
