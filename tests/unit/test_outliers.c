/* The outlier maths (src/domain/outliers.h): median, MAD, the MeanAD fallback, the
 * modified z-score and its threshold, with values worked out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "domain/outliers.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void
test_median_and_mad_odd(void **state)
{
	(void)state;
	int64_t v[] = {14, 10, 999999, 12, 11}; /* sorted: 10 11 12 14 999999 */
	outlier_stats_t s;
	outlier_stats(v, N(v), &s);
	assert_int_equal(s.n, 5);
	assert_true(s.median == 12.0);
	/* |x - 12|: 2 1 0 2 999987 -> sorted 0 1 2 2 999987 -> 2 */
	assert_true(s.mad == 2.0);
	double z;
	assert_int_equal(outlier_z(&s, 999999, &z), 1);
	assert_true(fabs(z - 0.6745 * 999987 / 2) < 1e-6);
	assert_true(outlier_is(&s, 999999));
	assert_int_equal(outlier_z(&s, 14, &z), 1);
	assert_true(fabs(z - 0.6745) < 1e-9); /* 0.6745 * 2 / 2 */
	assert_false(outlier_is(&s, 14));
	/* below the median counts too: negative z */
	assert_int_equal(outlier_z(&s, 0, &z), 1);
	assert_true(z < -3.5);
	assert_true(outlier_is(&s, 0));
}

static void
test_median_even_count(void **state)
{
	(void)state;
	int64_t v[] = {1, 2, 3, 4, 5, 6}; /* median 3.5; deviations .5 .5 1.5 1.5 2.5 2.5 */
	outlier_stats_t s;
	outlier_stats(v, N(v), &s);
	assert_true(s.median == 3.5);
	assert_true(s.mad == 1.5);
	double z;
	assert_int_equal(outlier_z(&s, 10, &z), 1);
	assert_true(fabs(z - 0.6745 * 6.5 / 1.5) < 1e-9);
	assert_false(outlier_is(&s, 10)); /* 2.92 */
	assert_true(outlier_is(&s, 12));  /* 0.6745 * 8.5 / 1.5 = 3.82 */
}

/* More than half the peers give the same figure: MAD is 0, the mean absolute deviation
 * (around the mean) times 1.253314 stands in for the spread. */
static void
test_mad_zero_falls_back_to_meanad(void **state)
{
	(void)state;
	int64_t v[] = {5, 5, 5, 5, 65, 5, 5, 5, 5, 5};
	outlier_stats_t s;
	outlier_stats(v, N(v), &s);
	assert_true(s.median == 5.0);
	assert_true(s.mad == 0.0);
	/* mean 11; |x - 11|: nine times 6 and 54 -> 108 / 10 */
	assert_true(fabs(s.meanad - 10.8) < 1e-9);
	double z;
	assert_int_equal(outlier_z(&s, 65, &z), 1);
	assert_true(fabs(z - 60 / (1.253314 * 10.8)) < 1e-9); /* 4.43 */
	assert_true(outlier_is(&s, 65));
	assert_int_equal(outlier_z(&s, 20, &z), 1);
	assert_true(fabs(z - 15 / (1.253314 * 10.8)) < 1e-9); /* 1.11 */
	assert_false(outlier_is(&s, 20));
}

static void
test_no_spread_no_score(void **state)
{
	(void)state;
	int64_t v[] = {7, 7, 7, 7, 7, 7};
	outlier_stats_t s;
	outlier_stats(v, N(v), &s);
	assert_true(s.mad == 0.0 && s.meanad == 0.0);
	double z = 99;
	assert_int_equal(outlier_z(&s, 700, &z), 0);
	assert_true(z == 0.0);
	assert_false(outlier_is(&s, 700));
}

static void
test_too_few_peers_no_score(void **state)
{
	(void)state;
	int64_t v[] = {1, 2, 3, 1000000};
	outlier_stats_t s;
	outlier_stats(v, N(v), &s);
	assert_int_equal(s.n, 4);
	double z;
	assert_int_equal(outlier_z(&s, 1000000, &z), 0);
	assert_false(outlier_is(&s, 1000000));
	outlier_stats(v, 0, &s); /* empty: all zero, no score */
	assert_int_equal(s.n, 0);
	assert_true(s.median == 0.0 && s.mad == 0.0 && s.meanad == 0.0);
	assert_int_equal(outlier_z(&s, 5, &z), 0);
}

/* Money reaches 1e12 and a national set holds thousands: no overflow, exact median. */
static void
test_large_values(void **state)
{
	(void)state;
	enum { M = 12001 };
	static int64_t v[M];
	for (int k = 0; k < M; k++)
		v[k] = 1000000000000LL - (int64_t)k * 1000; /* descending */
	outlier_stats_t s;
	outlier_stats(v, M, &s);
	assert_true(v[0] < v[M - 1]); /* sorted in place */
	assert_true(s.median == (double)(1000000000000LL - 6000LL * 1000));
	assert_true(s.mad == 3000.0 * 1000);
	assert_false(outlier_is(&s, 1000000000000LL));
	assert_true(outlier_is(&s, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_median_and_mad_odd),
	        cmocka_unit_test(test_median_even_count),
	        cmocka_unit_test(test_mad_zero_falls_back_to_meanad),
	        cmocka_unit_test(test_no_spread_no_score),
	        cmocka_unit_test(test_too_few_peers_no_score),
	        cmocka_unit_test(test_large_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
