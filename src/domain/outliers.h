/* Outliers among peers: robust statistics of a set of whole numbers (median, median
 * absolute deviation) and the modified z-score of a value against them (Iglewicz and
 * Hoaglin: 0.6745 (x - median) / MAD; when MAD is 0, (x - median) / (1.253314 MeanAD), as
 * IBM SPSS/Cognos and DHIS2 do). A value with |z| >= OUTLIER_Z is an outlier. Pure and
 * transport-neutral: the review queue flags figures that differ from the unit's peers, and
 * data entry can warn with the same numbers. */
#ifndef SUOTDOI_OUTLIERS_H
#define SUOTDOI_OUTLIERS_H

#include <stddef.h>
#include <stdint.h>

/* The usual threshold of the modified z-score (Iglewicz and Hoaglin). */
#define OUTLIER_Z 3.5
/* Fewer values than this say nothing about what is usual: no score. */
#define OUTLIER_MIN_PEERS 5

typedef struct outlier_stats {
	size_t n;
	double median;
	double mad;    /* median of |x - median| */
	double meanad; /* mean of |x - mean|, the fallback spread when mad is 0 */
} outlier_stats_t;

/* The statistics of v[0..n). v is reordered (sorted); n may be 0 (everything 0 then). */
void outlier_stats(int64_t *v, size_t n, outlier_stats_t *out /* OUT */);

/* The modified z-score of x against s: 1 with *z, or 0 when it has no score (fewer than
 * OUTLIER_MIN_PEERS values, or no spread at all: MAD and MeanAD both 0). */
int outlier_z(const outlier_stats_t *s, int64_t x, double *z /* OUT */);

/* 1 when x is an outlier against s (a score with |z| >= OUTLIER_Z). */
int outlier_is(const outlier_stats_t *s, int64_t x);

#endif
