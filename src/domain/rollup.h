/* Live roll-up of one campaign's figures over the unit tree. Every report's own values are
 * kept compactly (only units with a report, each row varint-coded: see rollup.c), and
 * running totals are kept only for the units whose subtree is large (provinces, districts,
 * the root); a small subtree (a commune and its schools) is summed from its rows when read.
 * A report's change reaches every total above it in O(columns x depth), and any subtree's
 * totals cost O(columns) when kept, else O(columns x ROLLUP_SCAN_MAX) at most. Two layers:
 * "counted" (submitted and approved reports) and "all" (drafts included). Thread-safe:
 * readers share, a writer excludes (rwlock). */
#ifndef SUOTDOI_ROLLUP_H
#define SUOTDOI_ROLLUP_H

#include <stddef.h>
#include <stdint.h>

#include "domain/units.h"

typedef struct rollup rollup_t;

/* Subtrees of at most this many units have no running totals: they are summed when read. */
#define ROLLUP_SCAN_MAX 32

/* For the units of tree t (a snapshot; only its shape is copied, t may go afterwards) and
 * ncols numeric columns. NULL when t is NULL. */
rollup_t *rollup_new(const unit_tree_t *t, size_t ncols);
void rollup_free(rollup_t *r);
int32_t rollup_units(const rollup_t *r);
size_t rollup_cols(const rollup_t *r);
/* Heap bytes the roll-up holds now (its struct, rows, totals and index; allocator
 * overhead aside), under the read lock. */
size_t rollup_bytes(const rollup_t *r);

/* Set unit i's own values (replacing what it had): vals[ncols] with has[ncols] (a column
 * without a value counts 0; has == NULL: every column has one), in the "all" layer, and in
 * "counted" too when counted != 0 (so counted == 0 takes it out of "counted").
 * vals == NULL removes the unit's report from both layers. Out-of-range unit: ignored.
 * Any int64 value is kept exactly; totals add up modulo 2^64 (exact whenever the true
 * total fits in int64, whatever the order of the changes). */
void rollup_set(rollup_t *r, int32_t unit, const int64_t *vals, const unsigned char *has,
                int counted);

/* A row that adds into every total above unit (both layers) without being a report: not
 * counted in `reports`, not returned by rollup_own. A level's own figures that no report
 * carries: the awards its decisions gave (docs/awards.md). vals == NULL removes it. Never
 * on a unit that also has a report. */
void rollup_set_extra(rollup_t *r, int32_t unit, const int64_t *vals, const unsigned char *has);

/* Bulk loading (building a campaign's roll-up from the store): rollup_load sets unit's own
 * values like rollup_set but leaves the totals alone; rollup_rebuild then computes every
 * total from the units' own values in one pass (and packs the rows). Totals read in
 * between are wrong. */
void rollup_load(rollup_t *r, int32_t unit, const int64_t *vals, const unsigned char *has,
                 int counted);
void rollup_load_extra(rollup_t *r, int32_t unit, const int64_t *vals, const unsigned char *has);
void rollup_rebuild(rollup_t *r);
/* A number that changes whenever rollup_set changes anything: what was computed from the
 * roll-up while it read g (read before computing) is current as long as it still reads g. */
uint64_t rollup_generation(const rollup_t *r);
/* The same for what is inside unit's subtree of tree t (its totals, its own values, its
 * children's): a change elsewhere does not move it, so the dashboards of the rest of the
 * country stay cached while one province reports. Never more than rollup_generation. */
uint64_t rollup_subtree_generation(const rollup_t *r, const unit_tree_t *t, int32_t unit);
/* Totals of the subtree [unit, end) of tree t: out[ncols]; *reports = how many reports it
 * adds up (may be NULL). include_drafts selects the "all" layer. A tree whose size is not
 * rollup_units(r) (another snapshot) or an out-of-range unit gives zeros. */
void rollup_subtree(const rollup_t *r, const unit_tree_t *t, int32_t unit, int include_drafts,
                    int64_t *out, int64_t *reports);

/* Unit i's extra row (rollup_set_extra) as set; 1 when it has one, else 0 (out zeroed). */
int rollup_extra(const rollup_t *r, int32_t unit, int64_t *out, unsigned char *has);

/* Unit i's own values as set; 1 when it has a report in that layer, else 0 (out zeroed). */
int rollup_own(const rollup_t *r, int32_t unit, int include_drafts, int64_t *out,
               unsigned char *has);

#endif
