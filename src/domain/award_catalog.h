/* The commendation catalog (data/awards.json, docs/awards.md): the categories a candidate
 * is proposed in (tập thể, cá nhân, tấm gương tự học, gia đình hiếu học, dòng họ khuyến
 * học…), the forms of award (Giấy khen, Bằng khen…) and the largest amount one award may
 * carry. It is data, not code: a deployment edits the file and restarts. Immutable once
 * loaded; shared read-only by threads. */
#ifndef SUOTDOI_AWARD_CATALOG_H
#define SUOTDOI_AWARD_CATALOG_H

#include <stddef.h>
#include <stdint.h>

typedef struct award_category {
	const char *code; /* "gia_dinh_hieu_hoc": a-z, 0-9 and "_" */
	const char *name; /* "Gia đình hiếu học" */
	int collective;   /* 1: counts as a unit (đơn vị) in the results form, 0: a person */
	const char *kind; /* the pseudo activity kind the results template's `from` names */
} award_category_t;

typedef struct award_form {
	const char *code; /* "giay_khen" */
	const char *name; /* "Giấy khen" */
} award_form_t;

typedef struct award_catalog {
	award_category_t *categories;
	size_t ncategories;
	award_form_t *forms;
	size_t nforms;
	int64_t max_amount; /* đồng, per award */
} award_catalog_t;

/* Parse the catalog from JSON text (len bytes). Strict: unknown fields, wrong types, empty
 * or duplicate codes, codes outside [a-z0-9_]{1,32}, names over 200 bytes, no category or
 * no form, max_amount outside 0..10^12 are refused with a Vietnamese message naming the
 * field. NULL on error. */
award_catalog_t *award_catalog_parse(const char *json, size_t len, char *err, size_t errlen);
/* award_catalog_parse of the file at path (its name in the error). */
award_catalog_t *award_catalog_load(const char *path, char *err, size_t errlen);
void award_catalog_free(award_catalog_t *c);

const award_category_t *award_category_find(const award_catalog_t *c, const char *code);
const award_form_t *award_form_find(const award_catalog_t *c, const char *code);

#endif
