/* Issuing a document: where its addressees and duties land in the unit tree, and the
 * publication itself (number, date, receipts, tasks) in one store transaction. Used by
 * the pages (src/app/doc_pages.c) and the demo. */
#ifndef SUOTDOI_DOCS_ISSUE_H
#define SUOTDOI_DOCS_ISSUE_H

#include <stddef.h>
#include <stdint.h>

#include "db/store.h"
#include "docs/doc.h"
#include "domain/audit.h"
#include "domain/units.h"
#include "service/notify.h"

/* The area a unit issues for: a locality itself; a body, the locality holding it (the
 * nearest locality ancestor); the root for the root. */
int32_t docs_area(const unit_tree_t *t, int32_t issuer);

/* The units a target reaches (tree indexes, ascending, distinct): its listed codes found in
 * t, and every unit of its kinds inside the issuer's area. At most cap written; returns how
 * many there are (may exceed cap). */
size_t docs_target_units(const unit_tree_t *t, int32_t issuer, const doc_target_t *who,
                         int32_t *out, size_t cap);

/* Publish draft id: date it today when undated, give it the issuer's next number for that
 * year (or `number` when > 0: a document already issued on paper, registered here with its
 * number), write the final JSON, a receipt row for every unit reached by the addressees and
 * the duties, one task per (duty, unit), and a notice to every unit reached ("task" when it
 * has a duty, else "doc"; e-mailed when notify says so: service/notify.h), and its
 * "doc.publish" audit entry by by (NULL: none, the demo or a command), all in one
 * transaction. 0 with *number_out; -2 the draft changed since expected_version; -3 not a
 * draft; -4 that number is taken this year; -1 with err (a Vietnamese message). Nothing is
 * written unless 0. */
int docs_publish(store_t *st, const unit_tree_t *t, int64_t id, int64_t expected_version,
                 int32_t today, int64_t now, const audit_actor_t *by, int number, int *number_out,
                 const notify_cfg_t *notify, char *err, size_t errlen);

/* Write d as a draft issued by issuer_unit_id: a new one when id is 0, else the draft id
 * (expected_version as read). The row's year is d's date's, or d->year while undated.
 * The store's answers: 0 with *out_id and *version, -2 changed meanwhile, -3 no longer a
 * draft, -1 error. */
int docs_save_draft(store_t *st, int64_t id, int64_t issuer_unit_id, const doc_t *d,
                    int64_t campaign_id, int64_t derived_from, int is_public, int64_t now,
                    int64_t by, int64_t expected_version, int64_t *out_id /* OUT */,
                    int64_t *version /* OUT */);

/* A new document of unit i of t with the issuer's defaults as the document form fills
 * them: parent body, body, its abbreviation, place (doc_defaults_for_unit) and the signer
 * block (a locality's "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH", a body's head), every other text
 * field "" when unset. Strings in a. */
void docs_issuer_defaults(const unit_tree_t *t, int32_t i, arena_t *a, doc_t *d);
/* Every text field of d's head, subject, body and signer that is NULL becomes "". */
void docs_fill_empty(doc_t *d);

/* Today's date in Vietnam (UTC+7), days since 1970-01-01. */
int32_t docs_today(int64_t now);

#endif
