/* Chasing the late: reminders to the units that have not reported, one by one or all at
 * once, on the campaign's schedule (days before and after each unit's deadline), and the
 * escalation to the level above once a unit is still missing days after its deadline.
 *
 * Transport-neutral like every service: the pages, the JSON API and the server's
 * scheduler call it; the scheduler with the real clock, the tests with an injected one.
 * Each reminder is one reminder row, its notice and its e-mails, written together
 * (through the writer when there is one); a scheduled reminder or an escalation is written
 * at most once per (campaign, unit, rule), so a tick may run any number of times. */
#ifndef SUOTDOI_SERVICE_CHASE_H
#define SUOTDOI_SERVICE_CHASE_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/store.h"
#include "db/writer.h"
#include "domain/audit.h"
#include "domain/campaign.h"
#include "domain/units.h"
#include "service/notify.h"

typedef struct chase_ctx {
	store_t *store;
	writer_t *writer;           /* NULL: each batch in its own transaction */
	const notify_cfg_t *notify; /* NULL: in the app only */
	int64_t now;                /* Unix seconds; injected for tests */
	int64_t actor;              /* user id, 0 for the system (the schedule) */
	/* A person's reminders: each batch writes, in its own transaction, an audit entry of
	 * what it sent (action, filed under tree index audit_unit, target "<campaign id>:",
	 * new value audit_value or, when NULL, the number the batch wrote). by NULL: none (the
	 * schedule's reminders; their rows record them). */
	const audit_actor_t *by;
	int32_t audit_unit;
	const char *audit_action, *audit_value;
} chase_ctx_t;

/* A unit's report in a campaign, as the chase sees it (by tree index). */
typedef struct chase_state {
	char status[12]; /* store status word, "" = no report */
	int64_t updated_at, submitted_at;
	int64_t reviewed_at; /* when it was last returned or approved; 0 never */
} chase_state_t;

/* Every unit's report state for campaign c on tree t, following adoptions (a unit under an
 * adopting campaign reports there): t->n entries in arena. NULL on a store error. */
chase_state_t *chase_states(store_t *st, const unit_tree_t *t, const campaign_t *c, arena_t *a);
/* 1 when status counts in the totals (submitted or approved). */
int chase_counted(const char *status);
/* The units of c that must report in c itself (not in an adoption), expected by c, are not
 * closed, and have no counted report: tree indexes under `under` (inclusive subtree), in
 * tree order, into arena; *n their number. */
int32_t *chase_missing(store_t *st, const unit_tree_t *t, const campaign_t *c,
                       const chase_state_t *states, int32_t under, arena_t *a, size_t *n /* OUT */);

/* The schedule of campaign id (the defaults when none is stored). Offsets sorted
 * ascending, at most CHASE_MAX_DAYS. */
#define CHASE_MAX_DAYS 8
typedef struct chase_schedule {
	int days[CHASE_MAX_DAYS];
	size_t ndays;
	int escalate_days; /* 0 never */
	int automatic;
} chase_schedule_t;
int chase_schedule_get(store_t *st, int64_t campaign_id, chase_schedule_t *out /* OUT */);
/* Parse "-3 -1 1" (spaces or commas; each -60..60; at most CHASE_MAX_DAYS): 0, or -1 with a
 * Vietnamese message in err. */
int chase_schedule_parse(const char *s, chase_schedule_t *out /* OUT */, char *err, size_t errlen);
/* "-3 -1 1" of a schedule, into out. */
void chase_schedule_format(const chase_schedule_t *s, char *out, size_t cap);

typedef enum chase_kind {
	CHASE_MANUAL,   /* one unit, by a person */
	CHASE_ALL,      /* every missing unit of a subtree, by a person */
	CHASE_AUTO,     /* the schedule: rule = the offset from the deadline */
	CHASE_ESCALATE, /* reported to the parent's heads */
} chase_kind_t;

/* The most bytes of a reminder's note (the officer's words). */
#define CHASE_NOTE_MAX 500
/* Check a reminder's note for every channel (text/hygiene.h: NFC, no control or bidi
 * characters, at most CHASE_NOTE_MAX bytes, trimmed): NULL with *out (in a), or the
 * Vietnamese message naming the field and the limit. */
const char *chase_note_clean(arena_t *a, const char *note, const char **out /* OUT */);

/* Remind units[n] (tree indexes of t) of campaign c: a reminder row, a notice to the unit
 * and its e-mails for each; kind CHASE_MANUAL or CHASE_ALL (note: the officer's words, may
 * be NULL; pass it through chase_note_clean first). Written in batches; 0 with *done
 * (reminders written), -2 when the note is refused by chase_note_clean (nothing written),
 * or -1 (a store error: the batch that failed wrote nothing). */
int chase_remind(const chase_ctx_t *cx, const unit_tree_t *t, const campaign_t *c,
                 const int32_t *units, size_t n, chase_kind_t kind, const char *note,
                 size_t *done /* OUT */);

/* One run of the schedule for campaign c (open, on its tree t) at cx->now: each missing
 * unit with a deadline gets the latest scheduled reminder whose day has come and that it
 * has not had yet, and, escalate_days after its deadline, one escalation to its parent's
 * heads. Returns the reminders and escalations written (*reminded, *escalated), 0 or -1. */
int chase_tick_campaign(const chase_ctx_t *cx, const unit_tree_t *t, const campaign_t *c,
                        size_t *reminded /* OUT */, size_t *escalated /* OUT */);

/* Vietnam's day of a Unix time (days since 1970-01-01, UTC+7). */
int32_t chase_day(int64_t t);

#endif
