/* What every benchmark needs: a monotonic clock, percentiles, the process's resident
 * memory, the national-scale unit store, and appending its table to docs/perf.md. */
#ifndef SUOTDOI_BENCH_UTIL_H
#define SUOTDOI_BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "db/store.h"
#include "domain/units.h"

/* Milliseconds on a monotonic clock. */
double bench_now_ms(void);
/* The p-quantile (0..1) of v[0..n), sorting v in place. */
double bench_pct(double *v, int n, double p);
/* VmRSS of this process in kB, -1 if unreadable. */
long bench_rss_kb(void);
/* A new store at path with the 2025-03 registry and, when national, six bodies per commune
 * (UBND, TTHTCĐ, four schools: ~71,000 units). *t is its tree. -1 with a message on stderr. */
int bench_units_store(const char *path, int national, store_t **st, unit_tree_t **t);
/* xorshift64*: cheap pseudo-random numbers, the same sequence on every run. */
uint64_t bench_rand(void);
/* A consistent copy of the database src (its WAL included) into dst, through a read-only
 * connection, left in WAL mode as the store keeps it. -1 with a message on stderr. */
int bench_copy_db(const char *src, const char *dst);
/* Print text and append it (with a blank line) to outpath when given. */
void bench_report(const char *outpath, const char *text);

#endif
