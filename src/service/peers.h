/* A unit's peers in a campaign: the counted figures of the units of the same kind, and their
 * robust statistics per numeric column (domain/outliers.h). Shared by the review queue (the
 * figures that differ from the unit's peers), entry warnings and the reviewers' outlier list
 * (service/warnings.h). Transport-neutral; reads only the campaign's live roll-up. */
#ifndef SUOTDOI_SERVICE_PEERS_H
#define SUOTDOI_SERVICE_PEERS_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "domain/outliers.h"
#include "domain/units.h"
#include "service/reporting.h"

/* counted: by tree index, 1 when the unit's report counts (submitted, approved) in the
 * campaign it reports in; NULL: a body counts when the roll-up's counted layer holds its
 * report, a level never (its own report is not in the roll-up). */

/* Unit k's figures as counted: a body's own, a level's its subtree's totals (vals and has of
 * ncols). 1 when it has a counted report, else 0. */
int peers_unit_figures(const live_campaign_t *lc, const unit_tree_t *t,
                       const unsigned char *counted, int32_t k, int64_t *vals, unsigned char *has);

/* Per numeric column, the statistics of the counted figures of the units of kind in
 * [lo, hi) of t (arena); *npeers: how many units. */
outlier_stats_t *peers_stats(arena_t *a, const live_campaign_t *lc, const unit_tree_t *t,
                             const unsigned char *counted, const char *kind, int32_t lo, int32_t hi,
                             size_t *npeers /* OUT */);

/* The statistics of a kind computed once per kind and scope: keep a cache (start it NULL;
 * it lives in the arena) for one campaign, tree and counted array. */
typedef struct peers_cache peers_cache_t;

/* The peers of kind under level (the counted units of that kind in level's subtree), or in
 * the campaign's issuer subtree when the level holds fewer than OUTLIER_MIN_PEERS. level -1:
 * the issuer's subtree directly. */
const outlier_stats_t *peers_kind_stats(peers_cache_t **cache, arena_t *a,
                                        const live_campaign_t *lc, const unit_tree_t *t,
                                        const unsigned char *counted, int32_t level,
                                        const char *kind);

/* peers_kind_stats shares what it reads between requests, read again when the campaign's
 * figures changed but at most every 5 seconds; this forgets it all (tests that change
 * figures and look at once). */
void peers_shared_clear(void);

/* "12" or "12,5": a median of whole numbers, in arena. */
const char *peers_fmt_median(arena_t *a, double m);

#endif
