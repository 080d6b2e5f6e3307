/* Decided awards in the results form (docs/awards.md, "In the results form"): an award
 * counts where its decision was taken. A unit that reports itself (a school, a Phòng) gets
 * its own decisions' awards as suggestions in its form, like its activities
 * (src/app/report_prefill.c). A level (a locality) types no figures: the awards its own
 * decisions gave are added into the live roll-up at the level's index as an extra row
 * (rollup_set_extra), so every total from that level up holds them exactly once. Which
 * lines an award feeds is the template's: the items whose `from` names the pseudo kind of
 * the award's category (data/awards.json): `count` adds 1, `amount` adds its money. */
#ifndef SUOTDOI_SERVICE_AWARD_TOTALS_H
#define SUOTDOI_SERVICE_AWARD_TOTALS_H

#include <stddef.h>
#include <stdint.h>

#include "db/store.h"
#include "domain/award_catalog.h"
#include "domain/template.h"
#include "domain/units.h"

/* The pseudo activity kind of a category code ("khen_gia_dinh"), or NULL when the catalog
 * does not know it. */
const char *awd_kind(const award_catalog_t *cat, const char *category);

/* Add one award (category, amount) into vals/has laid out by tpl's columns; 1 when a
 * column took it, 0 when the template has no line for its category. */
int awd_template_add(const template_t *tpl, const award_catalog_t *cat, const char *category,
                     int64_t amount, int64_t *vals, unsigned char *has);

/* For every locality of t whose issued decisions in campaigns ids[n] gave awards (only
 * unit_id's when > 0): fn with its tree index and the awards' sum by tpl's columns
 * (tpl->ncols values; has marks the columns fed). Bodies and schools are skipped: their
 * reports carry their awards. 0, or -1 on a store error (logged). */
int awd_level_rows(store_t *st, const award_catalog_t *cat, const template_t *tpl,
                   const unit_tree_t *t, const int64_t *ids, size_t n, int64_t unit_id,
                   void (*fn)(void *arg, int32_t unit, const int64_t *vals,
                              const unsigned char *has),
                   void *arg);

#endif
