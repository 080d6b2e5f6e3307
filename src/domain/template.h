/* Results templates as data: sections of numbered items with a type, a unit of measure,
 * help, validation (required, min/max, relations between items) and an aggregation. Read
 * from and written to JSON (docs/templates.md); the default is the Phụ lục of seed 003
 * (data/templates/phuluc-2022.json). Immutable once built; shared read-only by threads. */
#ifndef SUOTDOI_TEMPLATE_H
#define SUOTDOI_TEMPLATE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef enum tpl_type {
	TPL_COUNT, /* a whole number >= 0 (bài, lớp, người...) */
	TPL_MONEY, /* đồng, a whole number >= 0 */
	TPL_BOOL,  /* có / không */
	TPL_TEXT,  /* free text (narrative sections, notes) */
	TPL_PHOTOS /* representative photos (stored elsewhere; no value here) */
} tpl_type_t;

typedef enum tpl_agg {
	TPL_AGG_SUM,       /* counts and money: the sum over the subtree */
	TPL_AGG_COUNT_YES, /* yes/no: how many units answered yes */
	TPL_AGG_LIST,      /* text: the children's texts listed, each under its unit */
	TPL_AGG_NONE       /* not aggregated (photos) */
} tpl_agg_t;

/* Where a count's or an amount's suggested value comes from: the unit's recorded activities
 * of the given kinds (src/domain/prefill.h) — or the pseudo kinds of other records: open
 * resources, libraries, decided awards (docs/awards.md) —, counted or with their figure
 * added up. */
typedef enum tpl_measure {
	TPL_MEASURE_COUNT,        /* how many held activities (count items) */
	TPL_MEASURE_PARTICIPANTS, /* their participants (actual) added up (count items) */
	TPL_MEASURE_AMOUNT        /* their amounts (actual, đồng) added up (money items) */
} tpl_measure_t;

typedef struct tpl_from {
	const char *const *kinds; /* activity kind codes: [a-z_], 1-32 chars, no duplicates */
	size_t nkinds;            /* 1..30 */
	tpl_measure_t measure;
} tpl_from_t;

/* A soft range ("warn"): a value outside it is unusual rather than wrong, so entry warns
 * beside it (src/service/warnings.h) and never refuses it. Only for COUNT and MONEY. */
typedef struct tpl_warn {
	int has_min, has_max; /* at least one */
	int64_t min, max;     /* 0..1e12; min <= max */
	const char *message;  /* Vietnamese, added to the warning, or "" */
} tpl_warn_t;

typedef struct tpl_item {
	const char *code;   /* stable id, unique in the template: [a-z0-9_.], 1-64 chars */
	const char *number; /* shown number ("1", "5.2", "a") or "" */
	const char *label;  /* exact Vietnamese label */
	tpl_type_t type;
	const char *unit; /* unit of measure ("bài", "lớp", "người", "đồng") or "" */
	const char *help; /* or "" */
	int required;     /* must have a value to submit (not to save a draft) */
	int has_min, has_max;
	int64_t min, max; /* for COUNT and MONEY; defaults 0 and 1e12 */
	tpl_agg_t agg;
	int col;     /* index among numeric items (COUNT, MONEY, BOOL), else -1 */
	int tcol;    /* index among TEXT items, else -1 */
	int heading; /* 1: a group heading line with no value of its own (e.g. "5. Các lớp bồi
	                dưỡng...") */
	const tpl_from_t *from; /* COUNT, MONEY: records that suggest the value, or NULL */
	const tpl_warn_t *warn; /* COUNT and MONEY: the soft range, or NULL */
} tpl_item_t;

typedef struct tpl_section {
	const char *code, *number, *title; /* "ii_1", "II.1", "Các kết quả theo từng hoạt động" */
	int narrative;                     /* a text section (I, II.2, III) rather than the table */
	tpl_item_t *items;
	size_t nitems;
} tpl_section_t;

/* A relation checked on save and submit: "left op right", optionally only when "when" > 0.
 * right is an item code or an integer. E.g. participants >= classes; when classes > 0
 * then participants > 0. */
typedef struct tpl_rule {
	const char *when;    /* item code or NULL */
	const char *left;    /* item code */
	const char *op;      /* "<", "<=", "==", ">=", ">" */
	const char *right;   /* item code or integer literal */
	const char *message; /* Vietnamese, shown next to `left` */
} tpl_rule_t;

/* A soft relation between two numeric items: num / den usually lies in [min, max]
 * (participants per class: 1-200). Outside it, entry warns beside num; a den without a value
 * or of 0 says nothing. The comparison table shows these ratios where a template has them. */
typedef struct tpl_ratio {
	const char *num, *den; /* item codes, both COUNT or MONEY, different */
	int num_col, den_col;  /* their numeric columns */
	int has_min, has_max;  /* at least one */
	int64_t min, max;      /* 0..1e12; min <= max */
	const char *label;     /* what the ratio is, "người mỗi lớp" */
	const char *message;   /* Vietnamese, added to the warning, or "" */
} tpl_ratio_t;

typedef struct template
{
	const char *code, *name; /* "phuluc-2022", "Báo cáo tổng hợp số liệu kết quả..." */
	int year;
	tpl_section_t *sections;
	size_t nsections;
	tpl_rule_t *rules;
	size_t nrules;
	size_t ncols;        /* numeric items */
	size_t ntexts;       /* text items */
	void *pool;          /* internal storage */
	tpl_ratio_t *ratios; /* soft ratios, in document order */
	size_t nratios;
}
template_t;

/* Parse and validate a template JSON document. Strict: unknown fields, wrong types,
 * duplicate or malformed codes, rules naming unknown items or comparing an item with
 * itself, a rule set that forms a cycle of strict inequalities, min > max: -1 with a
 * Vietnamese message naming the JSON path ("sections[2].items[4].type: ..."). */
int template_from_json(const char *json, size_t len, template_t **out /* OUT */, char *err,
                       size_t errlen);
/* The document back (new reference); template_from_json(template_to_json(t)) equals t. */
json_t *template_to_json(const template_t *t);
void template_free(template_t *t);
/* Item by code, or NULL. */
const tpl_item_t *template_item(const template_t *t, const char *code);
/* The same, for codes asked in code order (a campaign's values as the store returns them,
 * report after report): the few items after *hint are tried before searching, and *hint
 * becomes where code was found. Start with *hint = 0. */
const tpl_item_t *template_item_next(const template_t *t, const char *code, size_t *hint);
/* Item by numeric column / text column. */
const tpl_item_t *template_item_col(const template_t *t, int col);
const tpl_item_t *template_item_tcol(const template_t *t, int tcol);

/* The template's ratios (*n of them; NULL and 0 when none), for warnings and tables. */
const tpl_ratio_t *template_ratios(const template_t *t, size_t *n /* OUT */);
/* The ratio's value for a report's values (by numeric column): 1 with *out when num has a
 * value and den a value > 0, else 0. */
int template_ratio_value(const tpl_ratio_t *r, const int64_t *num, const unsigned char *has,
                         double *out /* OUT */);
/* 1 when x lies outside r's range (a bound not given does not bound). */
int template_ratio_outside(const tpl_ratio_t *r, double x);

/* A report's values for a template: num/has by col, text by tcol (NULL = empty). */
typedef struct tpl_values {
	int64_t *num;
	unsigned char *has;
	const char **text;
} tpl_values_t;

/* Read what a person typed for item it: counts and money accept "1.234" or "1234" (see
 * text_parse_int), yes/no accepts "1"/"0"/"có"/"không"; "" means no value (0 returned
 * with *has = 0). -1 with a Vietnamese message naming the item ("Mục 5.1 \"Số lớp...\":
 * phải là số nguyên không âm, ví dụ 12.") */
int template_parse_value(const tpl_item_t *it, const char *text, int64_t *num /* OUT */,
                         int *has /* OUT */, char *err, size_t errlen);

typedef struct tpl_error {
	const char *item; /* item code (borrowed from the template), or NULL for the form */
	char msg[300];    /* Vietnamese */
} tpl_error_t;

/* Check values: min/max always, relations always (when both sides have values),
 * required items only when submitting. Writes up to max errors, returns how many. */
size_t template_check(const template_t *t, const tpl_values_t *v, int submitting, tpl_error_t *errs,
                      size_t max);

#endif
