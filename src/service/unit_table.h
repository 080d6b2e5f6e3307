/* The comparison table of a level (docs/api.md, "Comparison table"): for a campaign and a
 * unit, the template's numeric indicators x the units below it (its children, or every unit
 * a given number of levels down), each cell the unit's subtree total from the live roll-up
 * (rollup_subtree: the very numbers of each unit's dashboard), with the level's own total,
 * sorted by any column, filtered by kind, and cells far from their peers of the same kind
 * marked (domain/outliers.h). Also what every per-unit export shares: unambiguous column
 * headings ("group — line") and a unit's ancestry by administrative level (province,
 * district, commune: one or two levels below the province, before and after the 2025
 * merger). Transport-neutral: the adapters are src/app/table_pages.c and
 * src/app/export_pages.c. */
#ifndef SUOTDOI_SERVICE_UNIT_TABLE_H
#define SUOTDOI_SERVICE_UNIT_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "domain/template.h"
#include "domain/units.h"
#include "service/reporting.h"

/* ---- column headings ---- */

typedef struct utab_col {
	const tpl_item_t *it;    /* the numeric item of this column */
	const tpl_item_t *group; /* its group heading line, or NULL */
	const char *group_text;  /* "5. Các lớp bồi dưỡng…" (number and label) or "" */
	const char *line;        /* the line, unambiguous inside its group: the label, or for a
	                          * label repeated in the group (five "Số lượt người tham gia"
	                          * under 5.) "<the line it follows> — <label>" */
	const char *heading;     /* unambiguous in the whole template: "<group_text> — <line>" */
} utab_col_t;

/* One per numeric column of tpl (by tpl_item_t.col), in arena. Every heading differs from
 * every other (an item code is added in brackets as the last resort). */
utab_col_t *utab_columns(const template_t *tpl, arena_t *a);

/* ---- ancestry ---- */

enum { UTAB_PROVINCE, UTAB_DISTRICT, UTAB_COMMUNE, UTAB_NANCESTRY };
/* "Tỉnh/Thành phố", "Quận/Huyện", "Xã/Phường" */
extern const char *const utab_ancestry_heading[UTAB_NANCESTRY];
/* The names of the localities unit i lies in, itself included when it is one, by level:
 * out[UTAB_PROVINCE] the province or centrally-run city, out[UTAB_DISTRICT] the district
 * (quận, huyện, thị xã, provincial city: "" on a tree after the 2025 merger, which has no
 * such level), out[UTAB_COMMUNE] the commune (xã, phường, thị trấn, đặc khu); "" where there
 * is none. The level is read from the locality's kind; an unknown locality kind by its
 * depth under the root. */
void utab_ancestry(const unit_tree_t *t, int32_t i, const char *out[UTAB_NANCESTRY]);

/* ---- ratios ---- */

typedef struct utab_ratio {
	const char *label; /* the heading: both lines and the ratio's own label */
	int num, den;      /* numeric columns */
	const char *key;   /* "5.2.nguoi/5.2.lop": the JSON's name for it */
} utab_ratio_t;

/* The template's ratios (template_ratios: numerator / denominator pairs with a label), as
 * extra columns: the ratio of a row's two totals. Labels in arena. */
size_t utab_template_ratios(const template_t *tpl, arena_t *a, const utab_ratio_t **out /* OUT */);

/* ---- the table ---- */

/* What the rows are sorted by: the tree's own order, the name (Vietnamese alphabetical),
 * the number of reports, or a numeric column (>= 0). Ties keep the tree's order. */
enum { UTAB_SORT_TREE = -3, UTAB_SORT_NAME = -2, UTAB_SORT_REPORTS = -1 };

/* Rows at most (the page); exports take more. */
#define UTAB_PAGE_ROWS 1000
#define UTAB_EXPORT_ROWS 100000

typedef struct utab_opts {
	int depth;        /* levels below the unit: 1 = its children (default) */
	const char *kind; /* only units of this kind; NULL or "": any */
	int drafts;       /* 1: the "all" layer (drafts counted too), as the dashboard's drafts=1 */
	int sort;         /* UTAB_SORT_* or a column */
	int desc;         /* 1: largest first */
	size_t max_rows;  /* 0: UTAB_PAGE_ROWS */
} utab_opts_t;

enum { UTAB_OUT_NONE = 0, UTAB_OUT_HIGH = 1, UTAB_OUT_LOW = 2 };

typedef struct utab_row {
	int32_t unit; /* tree index */
	int64_t reports;
	int64_t *tot;           /* ncols: the subtree's totals */
	unsigned char *outlier; /* ncols: UTAB_OUT_* against the rows of the same kind */
} utab_row_t;

typedef struct utab {
	const template_t *tpl;
	size_t ncols; /* tpl->ncols */
	int32_t level;
	utab_row_t *rows; /* sorted, at most max_rows */
	size_t nrows;
	size_t nmatched;    /* rows before the cap (nrows < nmatched: cut) */
	int64_t *level_tot; /* the level's own totals (its dashboard's) */
	int64_t level_reports;
	int64_t *rows_tot; /* the rows' totals added up, all matched rows (not only those kept) */
	int64_t rows_reports;
	/* the kinds of the units at that depth (before the kind filter): for a choice */
	const char **kinds, **kind_names;
	size_t nkinds;
	int32_t max_depth; /* how many levels the unit's subtree goes down (0: none) */
} utab_t;

/* Build the table of unit level in lc over tree t (the request's, the roll-up's). A unit
 * gets a row when it has a report, or a unit below it (itself included) is expected to
 * report, as on the dashboard. Everything in arena. Never fails (an out-of-range depth
 * gives no rows). */
void utab_build(const live_campaign_t *lc, const unit_tree_t *t, int32_t level,
                const utab_opts_t *o, arena_t *a, utab_t *out /* OUT */);

#endif
