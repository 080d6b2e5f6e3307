/* A campaign in memory: its row, its parsed results template, which units are expected to
 * report (by kind, within the issuer's subtree) and by when (per kind). Immutable once
 * loaded; the app caches one per campaign with its live roll-up. */
#ifndef SUOTDOI_CAMPAIGN_H
#define SUOTDOI_CAMPAIGN_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/store.h"
#include "domain/audit.h"
#include "domain/template.h"
#include "domain/units.h"

typedef struct campaign_deadline {
	char *kind;
	int32_t due; /* days since 1970-01-01 */
} campaign_deadline_t;

typedef struct campaign {
	int64_t id, issuer_unit_id, parent_id, template_id;
	int year;
	char *name, *theme, *status;
	int32_t start_date, end_date, registration_deadline;
	char *opening_time, *opening_place, *opening_participants;
	char **expected; /* kind codes */
	size_t nexpected;
	campaign_deadline_t *deadlines;
	size_t ndeadlines;
	template_t *tpl;
	int32_t tree_day; /* the day whose unit tree it adds up on (campaign_tree_day) */
} campaign_t;

/* The day whose unit tree campaign id adds up on, for ever: the start date of the top of
 * its adoption chain (an adoption adds up with the campaign it adopts), or the day it was
 * created when it has none (docs/data-model.md). 1, 0 no such campaign, -1 error. */
int campaign_tree_day(store_t *st, int64_t id, int32_t *day /* OUT */);

/* Load campaign id with its template. 1 found, 0 not found, -1 error (err says). */
int campaign_load(store_t *st, int64_t id, campaign_t **out /* OUT */, char *err, size_t errlen);
void campaign_free(campaign_t *c);

/* The issuer's tree index in t, or -1 when the unit is not in t. */
int32_t campaign_issuer(const campaign_t *c, const unit_tree_t *t);
/* 1 if unit i of t must report: inside the issuer's subtree and of an expected kind; a
 * locality (a level that compiles) only when a unit below it must report. */
int campaign_expects(const campaign_t *c, const unit_tree_t *t, int32_t i);
/* Report deadline of unit i (by its kind), 0 when none is set. */
int32_t campaign_due(const campaign_t *c, const unit_tree_t *t, int32_t i);

/* Adoption: a lower level issues a campaign with parent_id = its parent's campaign, its own
 * dates and a template that keeps every parent indicator. Units under it report there, and
 * the parent's figures include those reports (matched by item code). */

/* Every campaign adopting id, directly or through others, parents before children: ids[]
 * (caller frees) with their issuers' unit ids. -1 on a store error. */
int campaign_adoptions(store_t *st, int64_t id, int64_t **ids /* OUT */,
                       int64_t **issuers /* OUT */, size_t *n /* OUT */);
/* The campaign (id itself or one of its adoptions) in which unit i of t reports: the
 * adoption with the deepest issuer that contains the unit. */
int64_t campaign_effective(store_t *st, const unit_tree_t *t, int64_t id, int32_t i);
/* The same from adoptions already read (campaign_adoptions of id), for asking about many
 * units without reading the campaigns again. */
int64_t campaign_effective_among(const int64_t *ids, const int64_t *issuers, size_t n,
                                 const unit_tree_t *t, int64_t id, int32_t i);
/* The chain from id up through its parents (id first): ids[] (caller frees). */
int campaign_ancestry(store_t *st, int64_t id, int64_t **ids /* OUT */, size_t *n /* OUT */);
/* 1 if child keeps every indicator of parent (same code, same type); else 0 with a
 * Vietnamese message naming the first missing or changed item. */
int template_extends(const template_t *child, const template_t *parent, char *err, size_t errlen);

/* Parse "kind=dd/mm/yyyy kind=..." or "kind=days" lists as stored; -1 with a message. */
int campaign_parse_deadlines(const char *s, campaign_deadline_t **out /* OUT */, size_t *n,
                             char *err, size_t errlen);

/* Limits of a campaign's texts (bytes). */
#define CAMPAIGN_NAME_MAX 300
#define CAMPAIGN_THEME_MAX 500
#define CAMPAIGN_OPENING_MAX 500

/* Text hygiene of a new campaign's texts (text/hygiene.h), in place: the name required and
 * a name (no control, bidi or invisible characters), the theme a title, the opening's
 * time, place and participants one line each; NFC, spaces at both ends trimmed, the limits
 * above. NULL, or the Vietnamese message naming the field and what to do (in a). Called
 * by whatever creates a campaign from input, before store_campaign_save. */
const char *campaign_clean_texts(arena_t *a, store_campaign_t *c);

/* Campaign c (its row as read) to status ("draft", "open", "closed"), with the
 * "campaign.status" audit entry (its name, the old status -> the new) under unit, the
 * issuer's tree index in t, by by at now, in one transaction. 0, or -1 with err (Vietnamese)
 * and nothing written. */
int campaign_set_status(store_t *st, const unit_tree_t *t, int32_t unit, const store_campaign_t *c,
                        const char *status, const audit_actor_t *by, int64_t now, char *err,
                        size_t errlen);

#endif
