/* The reporting service: a unit's results report in a campaign, read and changed by one
 * workflow that every channel shares (the web form, the JSON API, the bulk value import,
 * the command line). It takes an actor, the campaign and the unit, and values it copies
 * into the caller's arena; it answers a result code and a Vietnamese message. It knows
 * nothing of HTTP, forms or JSON, and speaks to the database only through store.h.
 *
 * The state machine (docs/reporting.md holds the same table):
 *
 *   op        from                              to          right          roll-up
 *   save      none, draft                       draft       report.edit    drafts layer
 *   save      returned, reopened                (unchanged) report.edit    drafts layer
 *   submit    none, draft, returned, reopened   submitted   report.submit  counted
 *   submit    submitted (a level re-forwarding  submitted   report.submit  counted, totals
 *             changed totals, with a reason)                               frozen again
 *   return    submitted                         returned    report.review  not counted
 *   approve   submitted                         approved    report.review  counted
 *   reopen    approved                          reopened    report.review  not counted
 *
 * A level (a locality) submitting freezes the totals it forwards. Approval goes level by
 * level, as in DHIS2: while a level's own report is approved, every report below it is
 * locked (no save, submit, return, approve or reopen) until the level above reopens it;
 * and a level cannot be approved while a report below it is returned or reopened.
 * save and submit need the campaign open; the review ops work in open and closed ones.
 *
 * Every write is one store transaction (with a writer, a savepoint of its group's
 * transaction, db/writer.h): the report, its values, its event, the frozen totals, and an
 * audit line per changed value and status, and for a review (return, approve, reopen) the
 * notice to the unit with its e-mails; a failed audit line or notice fails the write. The checks
 * run in the same transaction, so they see every write committed or queued before. The
 * in-memory roll-ups (this campaign's and those of the campaigns it adopts) move once the
 * write is durable, in commit order. */
#ifndef SUOTDOI_SERVICE_REPORTING_H
#define SUOTDOI_SERVICE_REPORTING_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/store.h"
#include "db/writer.h"
#include "domain/access.h"
#include "domain/award_catalog.h"
#include "domain/campaign.h"
#include "domain/rollup.h"
#include "domain/units.h"

/* One enum of result codes for the service; never the same number for two meanings. */
typedef enum rep_rc {
	REP_OK = 0,
	REP_ERR_STORE = -1,     /* logged; nothing written */
	REP_ERR_CONFLICT = -2,  /* expected_version is not the report's: someone wrote first */
	REP_ERR_STATE = -3,     /* not allowed from the report's (or the campaign's) state */
	REP_ERR_INVALID = -4,   /* values or inputs fail the checks: out->errors, out->message */
	REP_ERR_DENIED = -5,    /* the actor has not the right for this op on this unit */
	REP_ERR_LOCKED = -6,    /* a level above is approved: it must be reopened first */
	REP_ERR_NOT_FOUND = -7, /* no such campaign, or the unit is not in the tree */
	REP_ERR_ELSEWHERE = -8, /* the unit reports in an adoption: out->campaign_id */
} rep_rc_t;

typedef enum rep_op {
	REP_SAVE,
	REP_SUBMIT,
	REP_RETURN,
	REP_APPROVE,
	REP_REOPEN,
	REP_NOPS
} rep_op_t;

typedef enum rep_state {
	RS_NONE, /* no report yet */
	RS_DRAFT,
	RS_SUBMITTED,
	RS_RETURNED,
	RS_APPROVED,
	RS_REOPENED,
	RS_COUNT
} rep_state_t;

/* "" (none), "draft", "submitted", "returned", "approved", "reopened"; the store's words. */
const char *rep_state_code(rep_state_t s);
/* "Chưa nộp", "Đang nhập (bản nháp)", "Đã nộp", "Bị trả lại", "Đã duyệt", "Được mở lại
 * để sửa". */
const char *rep_state_name(rep_state_t s);
/* The state of a stored status word; RS_NONE for NULL, "" or an unknown word. */
rep_state_t rep_state_parse(const char *code);
/* 1 for states whose figures count in the totals (submitted, approved). */
int rep_state_counted(rep_state_t s);
/* "save", "submit", "return", "approve", "reopen" (the event's action in the store). */
const char *rep_op_code(rep_op_t op);

/* One row of the state machine above, for documentation, pages and tests. */
typedef struct rep_transition {
	rep_op_t op;
	unsigned from;   /* bit (1u << state) for each state the op starts from */
	rep_state_t to;  /* RS_COUNT: the state is kept (a save of a returned report) */
	action_t right;  /* what access_allowed must grant the actor on the unit */
	int levels_only; /* 1: only a level (the re-forwarding submit) */
} rep_transition_t;
/* The table, *n rows, in the order above. */
const rep_transition_t *rep_transitions(size_t *n /* OUT */);

/* ---- loaded campaigns and their live roll-ups ---- */

/* A campaign loaded with its roll-up for one unit tree snapshot. Shared by every thread;
 * the roll-up has its own lock. extra is the caller's (the web layer keeps its page cache
 * there), made and freed through the registry's hooks, with the entry. The fields below
 * next are the registry's, under its lock. */
struct live_pending;
struct live_states; /* service/live_states.h */
typedef struct live_campaign {
	campaign_t *c;
	rollup_t *ru;
	int64_t tree_generation; /* the snapshot the roll-up's indexes belong to; -1 = stale */
	int32_t tree_from;       /* ... and its epoch (unit_tree_t.from): the campaign's day's */
	void *extra;
	int64_t stale_since; /* monotonic seconds when it went stale; 0 while current */
	struct live_campaign *next;
	int64_t id;                   /* the campaign's id (c is NULL while building starts) */
	int64_t last_used;            /* monotonic seconds of the last get or peek returning it */
	int building;                 /* 1 while its roll-up is built (not handed out yet) */
	struct live_pending *pending; /* writes that arrived while building, oldest first */
	struct live_states *states;   /* the units' report states, kept live (live_states.h) */
} live_campaign_t;

typedef struct rep_live rep_live_t;

/* Lifetime of an entry handed out, without reference counts: every rep_live_get and
 * rep_live_peek that returns an entry stamps its last use, and an entry is freed only
 * REP_LIVE_GRACE seconds or more after its last use (a request holding an entry must be
 * done with it by then: requests take seconds; so must a job that holds one longer, by
 * getting it again). Then it is freed by a later rep_live_get or rep_live_peek when:
 * - it is stale (rep_live_forget, or a newer unit tree) and REP_LIVE_GRACE seconds passed
 *   since both its last use and its going stale;
 * - its campaign is not open and it was not used for REP_LIVE_IDLE_CLOSED seconds;
 * - it was not used for REP_LIVE_IDLE_OPEN seconds (a night without users).
 * A later rep_live_get loads it again from the store (one build, ~0.4 s nationally). */
#define REP_LIVE_GRACE 900
#define REP_LIVE_IDLE_CLOSED 900
#define REP_LIVE_IDLE_OPEN 7200

/* A registry of loaded campaigns. extra_new/extra_free (may be NULL) make and free each
 * entry's extra; extra_free runs with the registry's lock held (it must not call it). */
rep_live_t *rep_live_new(void *(*extra_new)(void), void (*extra_free)(void *));
/* Frees every entry: no request may hold one any more, and no rep_live_get may be under
 * way. */
void rep_live_free(rep_live_t *l);
/* Campaign id with a roll-up for tree t, loading it (and building its roll-up from the
 * store) the first time, when t is newer, or after it was freed (see above). The build
 * runs without the registry's lock: gets of other campaigns go on meanwhile; a get of the
 * same campaign and tree waits for that build and gets the same entry (one build). The
 * entry is valid for REP_LIVE_GRACE seconds after the call at least (see above).
 * Returns REP_OK with *out, REP_ERR_NOT_FOUND, or REP_ERR_STORE (logged). */
rep_rc_t rep_live_get(rep_live_t *l, store_t *st, const unit_tree_t *t, int64_t id,
                      live_campaign_t **out /* OUT */);
/* Campaign id's entry for tree t if it is loaded and current, else NULL; never builds nor
 * waits for a build. Same lifetime as rep_live_get's. */
live_campaign_t *rep_live_peek(rep_live_t *l, const unit_tree_t *t, int64_t id);
/* The next rep_live_get of id loads it anew (its row changed); id 0: every campaign
 * (another process wrote to the store). */
void rep_live_forget(rep_live_t *l, int64_t id);
/* The catalog of commendation categories (data/awards.json) the builds map decided awards
 * with (borrowed; NULL: awards are not counted). Set once before serving. */
void rep_live_set_awards(rep_live_t *l, const award_catalog_t *cat);
/* A decision of unit_id (0: any unit) in campaign_id was issued (docs/awards.md): that
 * level's award row in every loaded roll-up that counts the campaign (the campaign and
 * those it adopts, up the chain) is read again from the store (nothing for a unit that
 * reports itself: its report carries its awards); one not loaded on tree t, or being
 * built, is built again by its next get. Call after the issuing transaction committed. */
void rep_awards_changed(rep_live_t *l, store_t *st, const unit_tree_t *t, int64_t campaign_id,
                        int64_t unit_id);
/* For tests and metrics: entries held (building ones included), the bytes of their
 * roll-ups, and how many roll-ups were built since rep_live_new. Any may be NULL. */
void rep_live_stats(rep_live_t *l, size_t *entries, size_t *bytes, uint64_t *builds);
/* For tests: the monotonic clock in seconds (default CLOCK_MONOTONIC, never 0). */
void rep_live_set_clock(rep_live_t *l, int64_t (*now)(void));

/* ---- who acts, on what ---- */

typedef struct rep_actor {
	int64_t user_id;              /* 0: the operator on the command line */
	const char *name;             /* for the audit log ("" when none) */
	const char *ip;               /* "" when none */
	const access_grant_t *grants; /* the actor's roles on the tree below (borrowed) */
	size_t ngrants;
	int operator; /* 1: the command line's operator, every right (no grants needed) */
} rep_actor_t;

/* Borrowed for the call; everything in an outcome lives in arena. */
typedef struct rep_ctx {
	store_t *store;
	const unit_tree_t *tree; /* a snapshot the caller holds for the call */
	rep_live_t *live;        /* for the campaigns up the adoption chain; may be NULL */
	arena_t *arena;
	int64_t now; /* Unix seconds; injected for tests */
	rep_actor_t actor;
	writer_t *writer; /* commits writes in groups; NULL: each in its own transaction */
	/* a return, an approval and a reopening notify the unit in the same transaction
	 * (service/notify.h); NULL: in the app only, no e-mail */
	const struct notify_cfg *notify;
} rep_ctx_t;

/* A report's values laid out by the template's columns: num/has by numeric column, text by
 * text column (NULL = empty); note by item in document order (rep_item_index; NULL or ""
 * = none): the unit's own words beside any item, a level's included (the seed form's
 * "Ghi chú"; never consolidated, never in the roll-up). */
typedef struct rep_values {
	int64_t *num;
	unsigned char *has;
	const char **text;
	const char **note;
} rep_values_t;

/* The longest note, in bytes (UTF-8, no control characters). */
#define REP_NOTE_MAX 500
/* bytes of a return or reopen comment and of a resubmit reason */
#define REP_COMMENT_MAX 2000

/* The note on item it of v ("" when none). */
const char *rep_item_note(const template_t *tpl, const rep_values_t *v, const void *it);

/* Empty values for tpl, in arena (every array at least one element long). */
void rep_values_init(arena_t *a, const template_t *tpl, rep_values_t *v /* OUT */);

/* A report as read. */
typedef struct rep_report {
	int exists;
	int64_t id, version;
	rep_state_t state;
	char status[16]; /* rep_state_code(state), for templates */
	int on_behalf;
	int64_t updated_at, submitted_at, reviewed_at;
	const char *comment; /* the reviewer's comment ("" when none) */
	rep_values_t v;
	/* convenience aliases of v's arrays (older callers) */
	int64_t *num;
	unsigned char *has;
	const char **text;
} rep_report_t;

/* Unit i's report in campaign lc (values by template column), into cx->arena. A missing
 * report reads as exists 0, RS_NONE, empty values. REP_OK or REP_ERR_STORE. */
rep_rc_t rep_read(const rep_ctx_t *cx, const live_campaign_t *lc, int32_t unit,
                  rep_report_t *out /* OUT */);

typedef struct rep_input {
	rep_op_t op;
	/* save and submit: the whole report (items absent are cleared, notes too); copied by
	 * the service. A level's numbers are its subtree's totals: only its texts and notes
	 * are taken. A note longer than REP_NOTE_MAX bytes, not UTF-8 or with a control
	 * character is refused (REP_ERR_INVALID, out->errors at the item). */
	const rep_values_t *values;
	/* the version the writer read (0: no report yet); -1 skips the check (the importer,
	 * which reads and writes under one call) */
	int64_t expected_version;
	const char *comment; /* return (required, ≥ 3 characters), reopen (optional) */
	const char *reason;  /* a level's re-forwarding submit (required, ≥ 5 characters) */
	int dry_run;         /* check everything, write nothing */
} rep_input_t;

typedef struct rep_outcome {
	const char *message; /* Vietnamese: what was done, or why not (never NULL after a call) */
	/* REP_ERR_INVALID: per item in document order (rep_item_index), NULL = fine */
	const char **errors;
	size_t nerrors;
	/* REP_ERR_INVALID: a text or note typed in TCVN3/VNI (mojibake), not stored: its
	 * repaired text per item index, for the person to confirm (NULL arrays when none) */
	const char **suggest_text, **suggest_note;
	rep_state_t state; /* the report's state after the call */
	int64_t version, report_id;
	int64_t campaign_id; /* REP_ERR_ELSEWHERE: the campaign the unit reports in */
	int32_t locked_by;   /* REP_ERR_LOCKED: the approved level (tree index) */
	int changed;         /* 1 if a value or the state changed (0: an idempotent save) */
	int mails;           /* e-mails queued by the write's notice */
	/* REP_OK after a write: the report as written (report.exists 1), what a read would
	 * give now, so an answer need not read it back; else exists 0 */
	rep_report_t report;
} rep_outcome_t;

/* Apply in->op to unit i's report in lc as cx->actor. Checks, in order: the unit and the
 * adoption (ELSEWHERE), the actor's right (DENIED), the level lock (LOCKED), the state
 * machine and the campaign's status (STATE), the inputs and the template's checks
 * (INVALID), the version (CONFLICT); then writes (unless dry_run) and moves the roll-ups.
 * out is always filled. */
rep_rc_t rep_apply(const rep_ctx_t *cx, live_campaign_t *lc, int32_t unit, const rep_input_t *in,
                   rep_outcome_t *out /* OUT */);
/* rep_apply without waiting: with cx->writer the checks and writes are queued to it and
 * done(arg, rc) is called on the writer thread once out is final (for a write: durable,
 * the roll-ups moved). Without a writer, or for a dry run, done is called before this
 * returns. *cx and *in are copied; cx->arena, cx->tree, lc and out must outlive done (a
 * suspended request's arena does). */
void rep_apply_async(const rep_ctx_t *cx, live_campaign_t *lc, int32_t unit, const rep_input_t *in,
                     rep_outcome_t *out, void (*done)(void *arg, rep_rc_t rc), void *arg);

/* A representative photo of unit i's report, already re-encoded (src/media/photo.h):
 * full and thumb JPEG bytes. Added like a save (report.edit, a report not locked by its
 * state or a level above, the campaign open); the first photo of a unit without a report
 * makes its empty draft in the same transaction. REP_OK with *photo_id, or the refusals
 * of rep_apply (REP_ERR_INVALID: already max_photos photos). */
typedef struct rep_photo {
	const void *full, *thumb;
	size_t full_len, thumb_len;
	int width, height;
	const char *caption; /* "" when none; at most 300 bytes */
} rep_photo_t;
rep_rc_t rep_photo_add(const rep_ctx_t *cx, live_campaign_t *lc, int32_t unit, const rep_photo_t *p,
                       int max_photos, int64_t *photo_id /* OUT */, rep_outcome_t *out /* OUT */);
/* Delete photo id of unit i's report, under the same rules. REP_ERR_NOT_FOUND when the
 * report has no such photo. */
rep_rc_t rep_photo_delete(const rep_ctx_t *cx, live_campaign_t *lc, int32_t unit, int64_t photo_id,
                          rep_outcome_t *out /* OUT */);

/* The index of item it in document order (sections, then items), for out->errors. */
size_t rep_item_index(const template_t *tpl, const void *it);
/* The number of items of tpl (the length of out->errors). */
size_t rep_item_count(const template_t *tpl);

/* Fill the empty text items of level i's report with its counted children's texts, each
 * as "— Unit: text" (cx->arena), for the level's draft narrative and its annex. */
void rep_consolidate(const rep_ctx_t *cx, const live_campaign_t *lc, int32_t level,
                     const char **text);

/* 1 when the actor writes for a unit on which they hold no role (an upper level). */
int rep_on_behalf(const rep_ctx_t *cx, int32_t unit);

/* The level (tree index) above unit i whose approved report locks it, or -1. */
int32_t rep_locked_by(const rep_ctx_t *cx, const live_campaign_t *lc, int32_t unit);

#endif
