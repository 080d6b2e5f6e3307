/* Outlier warnings: a value that breaks a soft rule of the template (an item's "warn" range,
 * a ratio such as participants per class), lies far from the unit's peers of the same kind
 * in the campaign (the modified z-score, domain/outliers.h, on the counted values), or far
 * from the unit's own figure in its previous campaign (through the merge map,
 * service/compare.h). A warning is never a refusal: the unit may keep the value (with a
 * note). Used by the results form and its API on entry and by the reviewers' outlier list.
 * Transport-neutral: reads the live roll-up and, for the previous campaign, the store through
 * the comparison service. Messages are Vietnamese and name the rule. */
#ifndef SUOTDOI_SERVICE_WARNINGS_H
#define SUOTDOI_SERVICE_WARNINGS_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "domain/template.h"
#include "domain/units.h"
#include "service/compare.h"
#include "service/peers.h"
#include "service/reporting.h"

typedef enum warn_rule {
	WARN_RANGE,   /* the item's soft range ("warn") */
	WARN_RATIO,   /* a template ratio (num / den) */
	WARN_PEERS,   /* far from the units of the same kind */
	WARN_PREVIOUS /* far from the unit's previous campaign */
} warn_rule_t;

/* "range", "ratio", "peers", "previous" (the API's words). */
const char *warn_rule_code(warn_rule_t r);

/* How far from usual a value must be, beyond the soft rules of the template. */
#define WARN_PREVIOUS_FACTOR 10.0 /* ten times the previous figure, or a tenth of it */
#define WARN_PREVIOUS_MIN 100     /* ... and the larger of the two at least this */

typedef struct warn {
	const tpl_item_t *item; /* the value warned (a ratio: its numerator) */
	warn_rule_t rule;
	const char *message; /* Vietnamese, names the rule */
	double score;        /* how far past the rule's threshold (>= 1): larger is worse */
} warn_t;

/* What the checks read; borrowed for the calls, one campaign and tree. */
typedef struct warn_env {
	arena_t *arena; /* warnings and scratch */
	const unit_tree_t *tree;
	const live_campaign_t *lc;
	/* by tree index, 1 when the unit's report counts; NULL: see service/peers.h */
	const unsigned char *counted;
	/* the comparison service's environment for the previous campaign; NULL: no such check */
	const cmp_env_t *cmp;
	/* kept between calls (start zeroed): peers' statistics and the previous campaign (0:
	 * not chosen yet; -1: none) */
	peers_cache_t *peers;
	int64_t previous_id;
	/* 1: the template's own rules only (ranges, ratios): what a write's answer carries at
	 * the deadline's rate; the peers and the previous campaign cost a campaign-wide read */
	int template_only;
} warn_env_t;

/* The warnings on unit's values v (by the template's columns; a level's are its totals),
 * worst first, in env->arena: *out (NULL when none), returns how many. Item ranges are
 * checked on a body's values only (a level's figures are sums); ratios, peers and the
 * previous campaign on every unit. */
size_t warn_unit(warn_env_t *env, int32_t unit, const rep_values_t *v, warn_t **out /* OUT */);

/* The warnings of one item among list[0..n), joined by " " (arena), or NULL. */
const char *warn_item_text(arena_t *a, const warn_t *list, size_t n, const tpl_item_t *it);

/* The reviewers' outlier list: the counted reports of the units strictly under level, each
 * warned value (the worst warning of each, with the others' messages), worst first. */
typedef struct warn_row {
	int32_t unit;
	const tpl_item_t *item;
	int64_t value;
	warn_rule_t rule;    /* the worst warning's */
	const char *message; /* every warning of the value, worst first, joined */
	double score;
} warn_row_t;

/* Fills *rows (env->arena) with at most max rows, worst first; *total: how many values are
 * warned in all. only (may be NULL): by tree index, 0 leaves the unit out (a reviewer's
 * reach). */
size_t warn_subtree(warn_env_t *env, int32_t level, const unsigned char *only, size_t max,
                    warn_row_t **rows /* OUT */, size_t *total /* OUT */);

#endif
