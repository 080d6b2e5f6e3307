/* Robust statistics and the modified z-score (see outliers.h). Sums are in long double:
 * figures reach 1e12 (money) and a national set holds ~12,000 of them. */
#include "domain/outliers.h"

#include <math.h>
#include <stdlib.h>

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static int
cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The median of sorted v[0..n), n > 0. */
static double
median_i64(const int64_t *v, size_t n)
{
	if (n % 2)
		return (double)v[n / 2];
	return ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2.0;
}

void
outlier_stats(int64_t *v, size_t n, outlier_stats_t *out)
{
	*out = (outlier_stats_t){.n = n};
	if (n == 0)
		return;
	qsort(v, n, sizeof *v, cmp_i64);
	out->median = median_i64(v, n);
	long double sum = 0;
	for (size_t k = 0; k < n; k++)
		sum += (long double)v[k];
	long double mean = sum / (long double)n, absum = 0;
	for (size_t k = 0; k < n; k++)
		absum += fabsl((long double)v[k] - mean);
	out->meanad = (double)(absum / (long double)n);
	/* the deviations from the median, sorted: the two halves of v are already in order, so
	 * a merge would do; a sort of n doubles is simpler and n is small */
	double *d = malloc(n * sizeof *d);
	if (d == NULL) {
		out->mad = 0;
		return;
	}
	for (size_t k = 0; k < n; k++)
		d[k] = fabs((double)v[k] - out->median);
	qsort(d, n, sizeof *d, cmp_dbl);
	out->mad = n % 2 ? d[n / 2] : (d[n / 2 - 1] + d[n / 2]) / 2.0;
	free(d);
}

int
outlier_z(const outlier_stats_t *s, int64_t x, double *z)
{
	*z = 0;
	if (s->n < OUTLIER_MIN_PEERS)
		return 0;
	double dev = (double)x - s->median;
	if (s->mad > 0)
		*z = 0.6745 * dev / s->mad;
	else if (s->meanad > 0)
		*z = dev / (1.253314 * s->meanad);
	else
		return 0;
	return 1;
}

int
outlier_is(const outlier_stats_t *s, int64_t x)
{
	double z;
	return outlier_z(s, x, &z) && fabs(z) >= OUTLIER_Z;
}
