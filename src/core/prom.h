/* The Prometheus text exposition format, version 0.0.4: families with their # HELP and
 * # TYPE once, samples "name{labels} value", histograms as cumulative _bucket{le=...},
 * _sum and _count. What /metrics writes (src/app/metrics_pages.c, src/http/stats.c). */
#ifndef SUOTDOI_PROM_H
#define SUOTDOI_PROM_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* "# HELP name help" and "# TYPE name type" (type: counter, gauge, histogram). */
void prom_family(buf_t *b, const char *name, const char *type, const char *help);
/* One sample: name{labels} value. labels is the text between the braces, already
 * escaped (prom_label), or NULL/"" for none. */
void prom_sample(buf_t *b, const char *name, const char *labels, double value);
/* Appends name="value" (with a leading comma when b's last byte is not '{' and b is not
 * empty), escaping \, " and newlines as the format wants. */
void prom_label(buf_t *b, const char *name, const char *value);

/* A histogram's counts: bucket[i] the observations <= bounds[i] and > bounds[i-1] (not
 * cumulative), bucket[n] those above the last bound; sum in the caller's integer unit. */
#define PROM_BUCKETS_MAX 16
typedef struct prom_hist {
	uint64_t bucket[PROM_BUCKETS_MAX + 1];
	uint64_t sum, count;
} prom_hist_t;

/* The index of v's bucket among the n ascending bounds (n when above them all). */
size_t prom_bucket(const uint64_t *bounds, size_t n, uint64_t v);
/* Records one observation v (not thread-safe: the caller holds its lock). */
void prom_hist_observe(prom_hist_t *h, const uint64_t *bounds, size_t n, uint64_t v);
/* The histogram's samples: name_bucket{labels,le="…"} cumulative, the last le="+Inf",
 * name_sum and name_count. Bounds and sum are multiplied by scale (1e-9: nanoseconds
 * written as seconds). labels as for prom_sample. */
void prom_hist_write(buf_t *b, const char *name, const char *labels, const prom_hist_t *h,
                     const uint64_t *bounds, size_t n, double scale);

/* Request durations in nanoseconds: .001 .0025 .005 .01 .025 .05 .1 .25 .5 1 2.5 5 10 s. */
#define PROM_SECONDS_BUCKETS 13
extern const uint64_t prom_seconds_bounds[PROM_SECONDS_BUCKETS];

#endif
