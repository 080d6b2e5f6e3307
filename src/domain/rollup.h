/* Live roll-up of one campaign's figures over the unit tree: Fenwick trees over the
 * depth-first order (over blocks of 16 units, the units' own values filling in the rest;
 * see rollup.c for why), one per layer with a row of all numeric columns per node, so a
 * report's change reaches every ancestor's totals in O(columns x log units) and any
 * subtree's totals cost the same. Two layers: "counted" (submitted and approved reports)
 * and "all" (drafts included). Thread-safe: readers share, a writer excludes (rwlock). */
#ifndef SUOTDOI_ROLLUP_H
#define SUOTDOI_ROLLUP_H

#include <stddef.h>
#include <stdint.h>

#include "domain/units.h"

typedef struct rollup rollup_t;

/* For n units (a tree snapshot's size) and ncols numeric columns. */
rollup_t *rollup_new(int32_t n, size_t ncols);
void rollup_free(rollup_t *r);
int32_t rollup_units(const rollup_t *r);
size_t rollup_cols(const rollup_t *r);

/* Set unit i's own values (replacing what it had): vals[ncols] with has[ncols] (a column
 * without a value counts 0; has == NULL: every column has one), in the "all" layer, and in
 * "counted" too when counted != 0 (so counted == 0 takes it out of "counted").
 * vals == NULL removes the unit's report from both layers. Out-of-range unit: ignored. */
void rollup_set(rollup_t *r, int32_t unit, const int64_t *vals, const unsigned char *has,
                int counted);

/* Bulk loading (building a campaign's roll-up from the store): rollup_load sets unit's own
 * values like rollup_set but leaves the totals alone; rollup_rebuild then computes every
 * total from the units' own values in one pass. Totals read in between are wrong. */
void rollup_load(rollup_t *r, int32_t unit, const int64_t *vals, const unsigned char *has,
                 int counted);
void rollup_rebuild(rollup_t *r);
/* A number that changes whenever rollup_set changes anything: what was computed from the
 * roll-up while it read g (read before computing) is current as long as it still reads g. */
uint64_t rollup_generation(const rollup_t *r);
/* Totals of the subtree [unit, end) of tree t: out[ncols]; *reports = how many reports it
 * adds up (may be NULL). include_drafts selects the "all" layer. A tree whose size is not
 * rollup_units(r) (another snapshot) or an out-of-range unit gives zeros. */
void rollup_subtree(const rollup_t *r, const unit_tree_t *t, int32_t unit, int include_drafts,
                    int64_t *out, int64_t *reports);

/* Unit i's own values as set; 1 when it has a report in that layer, else 0 (out zeroed). */
int rollup_own(const rollup_t *r, int32_t unit, int include_drafts, int64_t *out,
               unsigned char *has);

#endif
