/* The budget of a campaign (kinh phí, docs/budget.md): each unit records planned, approved
 * and spent amounts in whole dong by source and purpose; spent on khen thưởng is never
 * typed, it is the money of the decided awards of the unit's issued decisions. Totals of a
 * subtree are read from the store per call (an index on campaign and unit path makes a
 * province cheap). Transport-neutral: the pages, the JSON API and the exports
 * (src/app/budget_pages.c) read their inputs and call bud_read / bud_save. */
#ifndef SUOTDOI_SERVICE_BUDGET_H
#define SUOTDOI_SERVICE_BUDGET_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/store.h"
#include "domain/units.h"

enum { BUD_NSRC = 3, BUD_NPUR = 4, BUD_NKIND = 3 };
enum { BUD_PLANNED, BUD_APPROVED, BUD_SPENT };
#define BUD_PUR_AWARDS 2 /* khen_thuong: its spent comes from the decisions */
/* A cell's cap: 1.000 tỷ đồng, far above any unit's Week; it keeps a national sum of
 * every cell of every unit inside int64. */
#define BUD_AMOUNT_MAX 1000000000000LL

typedef enum bud_rc {
	BUD_OK = 0,
	BUD_ERR_STORE = -1,    /* logged; nothing written */
	BUD_ERR_INVALID = -2,  /* a cell is wrong: see the errors; nothing written */
	BUD_ERR_CONFLICT = -3, /* expected_version is not the unit's; nothing written */
} bud_rc_t;

typedef struct bud_option {
	const char *code, *name;
} bud_option_t;
extern const bud_option_t bud_sources[BUD_NSRC];  /* nsnn, xhh, khac */
extern const bud_option_t bud_purposes[BUD_NPUR]; /* tuyen_truyen, lop_hoc, khen_thuong, khac */
extern const bud_option_t bud_kinds[BUD_NKIND];   /* planned, approved, spent */
/* The index of code in list[0..n), or -1. */
int bud_find(const bud_option_t *list, int n, const char *code);

/* Amounts by source x purpose x kind, whole dong. */
typedef struct bud_cells {
	int64_t v[BUD_NSRC][BUD_NPUR][BUD_NKIND];
} bud_cells_t;
void bud_cells_add(bud_cells_t *to, const bud_cells_t *from);
/* The sum over one source (src, or -1 all) and one purpose (pur, or -1 all) of kind. */
int64_t bud_cells_sum(const bud_cells_t *c, int src, int pur, int kind);
int bud_cells_any(const bud_cells_t *c);

typedef struct bud_ctx { /* borrowed; outlives the call */
	store_t *store;
	const unit_tree_t *tree; /* the campaign's tree, held by the caller */
	arena_t *arena;          /* owns everything a call returns */
	int64_t now;             /* Unix seconds; injected for tests */
	int64_t actor;           /* user id (0: none) */
	const char *actor_name, *ip;
} bud_ctx_t;

/* The campaigns a view of campaign reads: its adoptions (where units under an adopting
 * level record their lines) and its family (its ancestry, itself, its adoptions: where a
 * decision of a unit of the subtree counts). In cx->arena. */
typedef struct bud_scope {
	int64_t campaign;
	const int64_t *adopt, *adopt_issuer; /* the adoptions, with their issuers' unit ids */
	size_t nadopt;
	const int64_t *lines; /* campaign and its adoptions */
	size_t nlines;
	const int64_t *family;
	size_t nfamily;
} bud_scope_t;
bud_rc_t bud_scope_load(const bud_ctx_t *cx, int64_t campaign, bud_scope_t *out /* OUT */);
/* The campaign unit i records its lines in: the deepest adoption covering it, else the
 * campaign itself (as a report, docs/reporting.md "Adoption"). */
int64_t bud_campaign_of(const bud_scope_t *s, const unit_tree_t *t, int32_t i);

/* A decision whose decided awards are spent on khen thưởng. */
typedef struct bud_decision {
	int64_t decision_id, document_id, campaign_id;
	int src; /* index in bud_sources of its fund source */
	int32_t issued_on;
	int doc_number, doc_year;
	const char *subject;
	int64_t amount, awards;
} bud_decision_t;

/* What a unit's page shows: its own lines (khen thưởng spent from its decisions), its
 * subtree's total (itself included), each child's subtree total, and with with_rows each
 * unit of the subtree that has a figure (tree order; the exports), all in cx->arena. */
typedef struct bud_view {
	int32_t unit;
	int64_t campaign; /* where its own lines live */
	int64_t version, updated_at, updated_by;
	bud_cells_t own, total;
	bud_decision_t *decisions; /* the unit's own, oldest first */
	size_t ndecisions;
	int32_t *child; /* the unit's children (tree index), in tree order */
	bud_cells_t *child_total;
	size_t nchild;
	int32_t *row_unit;
	bud_cells_t *row;
	size_t nrows;
} bud_view_t;
bud_rc_t bud_read(const bud_ctx_t *cx, const bud_scope_t *s, int32_t i, int with_rows,
                  bud_view_t *out /* OUT */);

/* One typed cell: given 0 keeps the saved value, 1 text as a person typed it ("" is 0;
 * "1.500.000" is read with its dots), 2 num as a program sent it. */
typedef struct bud_cell_in {
	int given;
	const char *text;
	int64_t num;
} bud_cell_in_t;
typedef struct bud_input {
	bud_cell_in_t c[BUD_NSRC][BUD_NPUR][BUD_NKIND];
	int64_t expected_version; /* the version the form was read at (0: none saved) */
} bud_input_t;
typedef struct bud_errors {
	const char *msg[BUD_NSRC][BUD_NPUR][BUD_NKIND]; /* a Vietnamese sentence or NULL */
	int n;
} bud_errors_t;

/* The Vietnamese name of a cell: "Kế hoạch — Ngân sách nhà nước — Tuyên truyền". */
const char *bud_cell_name(arena_t *a, int src, int pur, int kind);

/* Checks in and, when every cell is right, writes unit i's own lines in the campaign it
 * records in, with an audit line per changed cell (old -> new), in one transaction. e is
 * always filled; *message a Vietnamese sentence for the page (any result); *version the
 * new version (BUD_OK). */
bud_rc_t bud_save(const bud_ctx_t *cx, const bud_scope_t *s, int32_t i, const bud_input_t *in,
                  int64_t *version /* OUT */, bud_errors_t *e /* OUT */,
                  const char **message /* OUT */);

/* The demo's budget (src/service/budget_demo.c): figures for quận Hải An, two of its wards
 * and a few schools in campaign_id, none in phường Đằng Lâm's subtree (its schools enter
 * their own in the tests); nothing when any is there. 0 or -1 (said on stderr). */
int demo_budget(store_t *st, const unit_tree_t *t, int64_t campaign_id);

#endif
