/* Year over year through the merge map: a unit of a campaign's tree (the current campaign,
 * say 2026 on the tree after the 2025 merger) and its children, item by item, against an
 * earlier campaign (say 2022 on the tree before it) (docs/data-model.md, "Year over year").
 *
 * - Items are matched by code between the two templates: the numeric items (counts, money,
 *   yes/no counted as "units answering yes"; a heading has no value) with the same code and
 *   type. The others are listed, both ways, never guessed.
 * - The current figure of a unit is its subtree's total in the current campaign's roll-up:
 *   submitted and approved reports, drafts too when asked (as the dashboard does).
 * - The earlier figure: the unit's own subtree total in the earlier campaign when the unit
 *   is valid on the earlier tree; otherwise the sum over its predecessors by lineage,
 *   recursively (a predecessor valid on the earlier tree counts its subtree total, one that
 *   is not recurses into its own predecessors). Only `full` links add to the figure; a
 *   predecessor reached through any `partial` link is kept apart: its total goes to the
 *   row's partial amount and its name to the partial list, the share being unknown. A unit
 *   counted twice (reached by two paths, or inside another one counted) counts once. Units
 *   outside the earlier campaign's issuer subtree have no figures there and are left out.
 *   Nothing found: no earlier figure.
 * - Change = current - earlier (and a percentage when earlier > 0); approximate when the
 *   row has partial predecessors with something on that item (a partial amount of 0 leaves
 *   nothing out).
 *
 * Transport-neutral (no HTTP, no SQL): the adapters are src/app/compare_pages.c. Access:
 * the actor must be allowed unit.view on the unit in the current tree; the earlier campaign
 * must exist, not be a draft, and add up on a day before the current campaign's. */
#ifndef SUOTDOI_SERVICE_COMPARE_H
#define SUOTDOI_SERVICE_COMPARE_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/store.h"
#include "domain/campaign.h"
#include "domain/units.h"
#include "service/reporting.h"

typedef enum cmp_rc {
	CMP_OK = 0,
	CMP_ERR_STORE = -1,     /* logged */
	CMP_ERR_NOT_FOUND = -2, /* no such earlier campaign */
	CMP_ERR_INVALID = -3,   /* the earlier campaign is a draft, the same, or not earlier */
	CMP_ERR_DENIED = -4,    /* the actor may not view the unit */
} cmp_rc_t;

/* What the service works with; borrowed for the call. */
typedef struct cmp_env {
	store_t *store;
	rep_live_t *live; /* the loaded campaigns: the earlier one is loaded through it */
	arena_t *arena;   /* everything in a result lives here */
	/* The unit tree campaign id adds up on (campaign_tree_day's). It must stay valid as long
	 * as the results are used: the caller keeps it (the service never releases it). NULL
	 * on failure. */
	const unit_tree_t *(*campaign_tree)(void *ctx, int64_t campaign_id);
	void *ctx;
	rep_actor_t actor; /* grants on the current campaign's tree */
} cmp_env_t;

/* The current side: a loaded campaign and the tree it adds up on. */
typedef struct cmp_current {
	const live_campaign_t *lc;
	const unit_tree_t *tree;
	int32_t unit;       /* tree index of the unit compared */
	int include_drafts; /* current figures with the drafts (the earlier never) */
} cmp_current_t;

/* A numeric item found in both templates, in the current template's order. */
typedef struct cmp_item {
	const char *code, *number, *label, *unit; /* the current template's */
	tpl_type_t type;
	int col, past_col; /* numeric column in the current / earlier template */
} cmp_item_t;

/* An item of one template only (or of another type in the other). */
typedef struct cmp_unmatched {
	const char *code, *number, *label, *unit;
	int other_type; /* 1: the code is in both, with different types */
} cmp_unmatched_t;

/* A unit of the earlier tree a row's earlier figure comes from. */
typedef struct cmp_source {
	int64_t id;
	const char *code, *name, *kind_name;
	int64_t reports; /* its reports counted in the earlier campaign */
} cmp_source_t;

typedef enum cmp_how {
	CMP_NONE,   /* no earlier figure ("không có số liệu") */
	CMP_SAME,   /* the unit itself was on the earlier tree */
	CMP_LINEAGE /* the sum over its predecessors (sources) */
} cmp_how_t;

typedef struct cmp_row {
	int32_t unit; /* current tree index */
	int64_t id;
	const char *code, *name, *kind_name;
	int is_unit;     /* 1 for the compared unit itself, 0 for a child */
	int64_t reports; /* counted in the current figures */
	int64_t *cur;    /* [nitems] */
	cmp_how_t how;
	int64_t past_reports;
	int64_t *past;         /* [nitems]; meaningful unless how == CMP_NONE */
	cmp_source_t *sources; /* what adds up to past (CMP_SAME: the unit itself) */
	size_t nsources;
	int64_t partial_reports;
	int64_t *partial;       /* [nitems]; meaningful when npartials > 0 */
	cmp_source_t *partials; /* predecessors reached through a partial link */
	size_t npartials;
} cmp_row_t;

typedef struct cmp_result {
	const campaign_t *cur, *past; /* borrowed from the loaded campaigns */
	const unit_tree_t *past_tree;
	cmp_item_t *items;
	size_t nitems;
	cmp_unmatched_t *cur_only, *past_only; /* "không có trong đợt so sánh" both ways */
	size_t ncur_only, npast_only;
	cmp_row_t *rows; /* the unit, then its children in display order */
	size_t nrows;
	const char *message; /* Vietnamese: why not (never NULL after a call) */
} cmp_result_t;

/* Compare cur's unit with campaign earlier_id. Children with nothing to show in either
 * campaign (no report now or then, nothing expected to report below them now) get no row,
 * as on the dashboard. out is always filled (message). */
cmp_rc_t cmp_build(const cmp_env_t *env, const cmp_current_t *cur, int64_t earlier_id,
                   cmp_result_t *out /* OUT */);

/* The change of row r on item k: 0 when there is no earlier figure; 1 with *diff; 2 with
 * *diff and *pct (percent of the earlier figure, which is > 0). *approx is set when the
 * row has partial predecessors whose amount on item k (not 0) is left out of the earlier
 * figure. */
int cmp_change(const cmp_result_t *res, const cmp_row_t *r, size_t k, int64_t *diff /* OUT */,
               double *pct /* OUT */, int *approx /* OUT */);

/* A campaign the unit may be compared with. */
typedef struct cmp_choice {
	int64_t id;
	int year;
	const char *name, *status;
	int32_t start_date, tree_day;
	int covers; /* 1 when the unit, or its predecessors, have figures there */
} cmp_choice_t;

/* The campaigns earlier than cur's (not drafts, on a day before it), newest first, each
 * with whether it holds figures for the unit: *out in env->arena. */
cmp_rc_t cmp_choices(const cmp_env_t *env, const cmp_current_t *cur, cmp_choice_t **out /* OUT */,
                     size_t *n /* OUT */, const char **message /* OUT */);

#endif
