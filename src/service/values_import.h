/* Bulk values into a campaign, in the spirit of DHIS2's dataValueSets import: rows from
 * a file (src/service/values_file.h) go unit by unit through the reporting service's save
 * (src/service/reporting.h), so every check of a form save applies, with the importer's
 * rights checked per unit. A unit whose rows have any conflict is not written at all;
 * the other units are. A dry run checks everything and writes nothing. Re-importing the
 * same rows changes nothing: a unit whose values are already those of the file is not
 * written (its rows count as ignored), whatever its report's state. And the export of a
 * subtree's values, in the same JSON, re-imports as is. */
#ifndef SUOTDOI_VALUES_IMPORT_H
#define SUOTDOI_VALUES_IMPORT_H

#include "core/buf.h"
#include "service/reporting.h"
#include "service/values_file.h"

typedef struct vi_conflict {
	size_t line;        /* the row's line (CSV) or index in dataValues (JSON) */
	const char *unit;   /* as written in the file */
	const char *item;   /* "" for a problem of the whole unit */
	const char *reason; /* Vietnamese: what is wrong and what to do */
} vi_conflict_t;

/* The most conflicts listed (all are counted): enough to fix a file by, small enough to
 * answer. */
#define VI_MAX_CONFLICTS 1000

typedef struct vi_summary {
	int dry_run;
	int json;        /* the rows' line is an index in dataValues */
	size_t rows;     /* rows read */
	size_t imported; /* values a report did not have */
	size_t updated;  /* values that replace another */
	size_t deleted;  /* values cleared (an empty value or null) */
	size_t ignored;  /* rows that change nothing, and every row of a refused unit */
	size_t units_written, units_unchanged, units_refused;
	vi_conflict_t *conflicts; /* in file order (qsort by line), up to VI_MAX_CONFLICTS */
	size_t nconflicts;        /* listed */
	size_t conflicts_total;   /* found */
	const char *message;      /* Vietnamese, one sentence */
} vi_summary_t;

/* Import rows into campaign lc as cx->actor (each unit saved as a draft, or kept in its
 * returned/reopened state, by rep_apply). Everything in out lives in cx->arena.
 * Returns REP_OK (look at out->conflicts: conflicts are not failures of the import), or
 * REP_ERR_STORE when the store failed (units written before that stay written; the
 * summary says which). */
rep_rc_t values_import(const rep_ctx_t *cx, live_campaign_t *lc, const vf_rows_t *rows, int dry_run,
                       vi_summary_t *out /* OUT */);

/* The values of campaign lc's reports in the subtree of unit (tree index) as a
 * dataValueSets document appended to out: {"dataSet": template code, "period": year,
 * "orgUnit": unit code, "campaign": id, "dataValues": [{"orgUnit", "dataElement",
 * "value"}]} with values as strings (counts in decimal, yes/no "true"/"false"), in unit
 * then item order. REP_OK or REP_ERR_STORE. */
rep_rc_t values_export_json(const rep_ctx_t *cx, const live_campaign_t *lc, int32_t unit,
                            buf_t *out);

/* The same values as CSV with the header unit_code,item_code,value (UTF-8 with a BOM, CRLF,
 * cells starting with = + - @ are not touched: the importer reads them as written, and
 * they are unit codes, item codes and figures). Re-imports as is. */
rep_rc_t values_export_csv(const rep_ctx_t *cx, const live_campaign_t *lc, int32_t unit,
                           buf_t *out);

/* The summary as JSON text (DHIS2's importSummary shape: status, importCount {imported,
 * updated, deleted, ignored}, conflicts [{line|index, unit, item, value: reason}], and
 * our units counts and message). */
void values_summary_json(const vi_summary_t *s, buf_t *out);

#endif
