/* The store: every byte of SQL in the project lives under src/db/. Domain code and
 * handlers call these backend-neutral functions, written once over the query layer
 * (store_int.h, src/db/store_<area>.c); a backend (store_sqlite.c, store_pg.c) only runs
 * the statements. */
#ifndef SUOTDOI_STORE_H
#define SUOTDOI_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

typedef struct store store_t;

/* A unit as stored. Strings are borrowed for the duration of the callback only. */
typedef struct store_unit {
	int64_t id;
	const char *code;
	const char *name;
	const char *kind;          /* unit_kinds.code */
	int64_t parent_id;         /* 0 for the national root */
	const char *locality_code; /* "" when none */
	const char *email;         /* "" when none */
	const char *phone;         /* "" when none */
	int active;
	/* validity, days since 1970-01-01, both inclusive: 0 = since always,
	 * STORE_DAY_OPEN = open-ended (docs/data-model.md) */
	int32_t valid_from, valid_to;
} store_unit_t;

#define STORE_DAY_OPEN 2147483647

typedef struct store_kind {
	const char *code;
	const char *name;
	int is_locality; /* 1 for administrative localities (tỉnh, huyện, xã...), 0 for bodies */
	int sort;        /* display order */
} store_kind_t;

/* One row of an import, already validated by the domain layer. */
typedef struct store_unit_change {
	int64_t id; /* existing unit's id; 0 = insert a new unit */
	const char *code;
	const char *name;
	const char *kind;
	const char *parent_code; /* the parent's code (existing or inserted in the same batch) */
	const char *locality_code, *email, *phone; /* "" = none */
	int active;
	int32_t valid_from; /* for an insert: the first day it is valid (0 = since always) */
} store_unit_change_t;

/* Open (creating if needed) and migrate. spec: a file path, "sqlite:PATH", or
 * "postgres://..." (not built yet: an error says so). On error returns -1 with a
 * readable message in err. */
int store_open(const char *spec, store_t **out /* OUT */, char *err, size_t errlen);
void store_close(store_t *st);

/* Highest applied migration version, and how many the binary knows. */
int store_schema_version(store_t *st, int *applied /* OUT */, int *known /* OUT */);
/* For readiness (/readyz): the highest applied migration read on this thread's reader
 * connection (so a busy writer does not delay it), and the one the binary knows. 0, or -1
 * when the database does not answer. */
int store_ready(store_t *st, int *applied /* OUT */, int *known /* OUT */);
/* "sqlite" or "postgresql". */
const char *store_backend_name(const store_t *st);

/* Iterate kinds (in sort order) / all units (in id order). The callback returns 0 to
 * go on, non-zero to stop (that value is returned). -1 on a store error. */
int store_kinds_each(store_t *st, int (*cb)(const store_kind_t *k, void *ctx), void *ctx);
int store_units_each(store_t *st, int (*cb)(const store_unit_t *u, void *ctx), void *ctx);

/* A counter bumped by every change to units; readers compare it to know when an
 * in-memory copy is stale. -1 on error. */
int64_t store_units_generation(store_t *st);

/* A number that changes when another connection (another process: a command-line import,
 * sqlite3, another instance) commits to the database, and only then: what this store writes
 * itself does not move it. In-memory state built from the store is stale when it moves; the
 * versions below move with it. With PostgreSQL another suotdoi's commit arrives as a notice
 * (milliseconds later); a commit made with psql moves nothing unless it sends one
 * (docs/operations.md). -1 on error. */
int64_t store_external_version(store_t *st);

/* 1 when this process runs the chores done once for a whole deployment (delivering the
 * outbox, the chase schedule, purges): always with SQLite; with PostgreSQL, the one
 * instance holding the deployment's advisory lock, taken over by another when it stops.
 * The first call makes the store a candidate (it may answer 0 until the lock is tried, within
 * a second); a store never asked never takes it. */
int store_leader(store_t *st);

/* A number that changes with every change made through this store to who someone is:
 * accounts, their roles, sessions, API tokens. An answer about a user or a credential
 * read while it said v is current while it still says v. Changes made by another process
 * (sqlite3, another suotdoi command) do not move it: whoever caches on it must also bound
 * how long an answer is trusted. */
uint64_t store_identity_version(store_t *st);

/* Apply inserts and updates in ONE transaction: all or nothing. Parents are resolved by
 * code among the open-ended units inside the transaction, so a batch may insert a parent
 * and its children. Returns 0, or -1 with err (nothing written). */
int store_units_apply(store_t *st, const store_unit_change_t *rows, size_t n, char *err,
                      size_t errlen);

/* ---- the registry through time (docs/data-model.md) ---- */

/* Where a unit sat before it moved: its parent up to valid_to (inclusive). */
typedef struct store_placement {
	int64_t unit_id;
	int32_t valid_to;
	int64_t parent_id;
} store_placement_t;

/* new_id was formed from old_id, wholly ("full") or from a part of it ("partial"). */
typedef struct store_lineage {
	int64_t new_id, old_id;
	const char *kind;
} store_lineage_t;

/* One dated registry import as recorded. */
typedef struct store_registry_import {
	int64_t id;
	int32_t as_of;
	int64_t at, by; /* Unix seconds; by 0 = the command line */
	const char *source, *summary;
} store_registry_import_t;

/* Every placement (by unit id, then valid_to) / every lineage row (by new_id, old_id) /
 * lineage rows where unit_id is the new or the old unit / recorded imports (newest
 * first). Callback returns non-zero to stop (that value is returned); -1 on error. */
int store_placements_each(store_t *st, int (*cb)(const store_placement_t *, void *), void *ctx);
/* The placements of one unit, by valid_to. */
int store_placements_of(store_t *st, int64_t unit_id, int (*cb)(const store_placement_t *, void *),
                        void *ctx);
int store_lineage_each(store_t *st, int (*cb)(const store_lineage_t *, void *), void *ctx);
int store_lineage_of(store_t *st, int64_t unit_id, int (*cb)(const store_lineage_t *, void *),
                     void *ctx);
int store_registry_imports(store_t *st, int (*cb)(const store_registry_import_t *, void *),
                           void *ctx);
/* The date of the current tree: the latest as_of of a dated import (0 = none yet), or -1. */
int32_t store_registry_date(store_t *st);
/* The last day the newest unit with this code is valid (STORE_DAY_OPEN while open): 1, 0
 * when no unit ever had the code, -1 on error. */
int store_unit_code_last_day(store_t *st, const char *code, int32_t *day /* OUT */);

/* A body (or a continuing locality) moving as of the change's date. */
typedef struct store_unit_move {
	int64_t unit_id;
	const char *parent_code;   /* among the units valid on the change's date */
	const char *locality_code; /* NULL = keep */
} store_unit_move_t;

/* Lineage into a unit valid on the change's date (named by code) from an old unit. */
typedef struct store_lineage_change {
	const char *new_code;
	int64_t old_id;
	const char *kind; /* "full" or "partial" */
} store_lineage_change_t;

/* A dated change of the registry, applied in ONE transaction, all or nothing:
 * - close: these units end on the eve of as_of (valid_to = as_of - 1);
 * - open: units inserted valid from as_of (their valid_from is ignored; id must be 0);
 * - update: existing units corrected in place (parent_code NULL = keep the parent);
 * - moves: a placement until the eve is recorded (unless the unit already has one ending
 *   then) and the unit's parent becomes parent_code as of as_of;
 * - lineage: inserted, or its kind updated;
 * then one registry_imports row (unless nothing changed and summary is NULL) and the
 * units generation moves. Codes resolve among the units valid on as_of after the closes
 * and opens. 0, or -1 with err (nothing written). */
typedef struct store_registry_change {
	int32_t as_of;
	const int64_t *close;
	size_t nclose;
	const store_unit_change_t *open;
	size_t nopen;
	const store_unit_change_t *update;
	size_t nupdate;
	const store_unit_move_t *moves;
	size_t nmoves;
	const store_lineage_change_t *lineage;
	size_t nlineage;
	int64_t at, by;
	const char *source, *summary;
} store_registry_change_t;
int store_registry_apply(store_t *st, const store_registry_change_t *c, char *err, size_t errlen);

/* A registry upload kept between the admin page's preview and its confirmation. */
typedef struct store_registry_upload {
	int64_t id, user_id, created_at;
	int32_t as_of;
	int64_t generation; /* store_units_generation when previewed */
	const char *units_name, *merges_name;
	const void *units, *merges; /* merges NULL = none */
	size_t units_len, merges_len;
} store_registry_upload_t;
/* put: *id set, 0 or -1. get: 1 (cb called; its non-zero return is returned instead),
 * 0 none, -1 error. delete: the upload id and every one created before older_than. */
int store_registry_upload_put(store_t *st, const store_registry_upload_t *u, int64_t *id);
int store_registry_upload_get(store_t *st, int64_t id,
                              int (*cb)(const store_registry_upload_t *, void *), void *ctx);
int store_registry_upload_delete(store_t *st, int64_t id, int64_t older_than);

/* ---- accounts (users, roles, sessions, API tokens) and the audit log ----
 * Times are Unix seconds. Strings in callback structs are borrowed for the callback only.
 * Lookups return 1 (found, callback called or *out filled), 0 (not found), -1 (error). */

typedef struct store_user {
	int64_t id;
	const char *username; /* lowercase, unique */
	const char *full_name, *email;
	const char *password_hash; /* libsodium crypto_pwhash_str output */
	int must_change_password;
	int disabled;
	int64_t created_at;
	int64_t created_by; /* 0 = command line */
} store_user_t;

/* A role held by a user on a unit, with the user's name fields for listings. */
typedef struct store_role {
	int64_t user_id, unit_id;
	const char *role; /* "admin", "head", "entry", "overseer", "viewer" */
	int64_t granted_by, granted_at;
	const char *username, *full_name;
	int disabled;
} store_role_t;

typedef struct store_session {
	int64_t id, user_id;
	char csrf[64]; /* NUL-terminated copy */
	int64_t created_at, last_seen_at;
} store_session_t;

typedef struct store_token {
	int64_t id, user_id;
	const char *name, *prefix;
	int64_t created_at, last_used_at, revoked_at; /* 0 = never / not revoked */
} store_token_t;

typedef struct store_audit {
	int64_t id, at;
	int64_t actor_id; /* 0 = none (anonymous, command line) */
	const char *actor_name;
	int64_t unit_id; /* 0 = none */
	const char
	        *unit_path; /* "/VN/31/306/": the unit's codes from the root, for subtree reads */
	const char *action; /* "login", "login.failed", "role.grant", ... */
	const char *target, *old_value, *new_value, *ip;
} store_audit_t;

/* Transactions spanning several calls (e.g. a role change and its audit entry). Calls
 * from the same thread inside begin/commit join the transaction; other threads' writes
 * wait for it, their reads do not (they read what was last committed). A begin inside an
 * open transaction opens a savepoint: commit releases it (durable only when the outermost
 * level commits), rollback undoes only it. Roll back after a failure inside; a commit that
 * fails has already rolled its level back (do not roll back again). */
int store_tx_begin(store_t *st);
int store_tx_commit(store_t *st);
void store_tx_rollback(store_t *st);
/* A transaction like store_tx_begin's whose commit does not wait for the disk (SQLite:
 * synchronous=NORMAL for it alone: the WAL is written, not synced). It is durable after
 * the next store_sync, or the next ordinary commit. For the group-committing writer, which
 * syncs a group while it runs the next and acknowledges nothing before. */
int store_tx_begin_unsynced(store_t *st);
/* Makes every commit made so far durable (SQLite: fdatasync of the WAL). 0 or -1. */
int store_sync(store_t *st);

/* Users. create returns 0 with *id, -2 when the username exists, -1 on error. */
int store_user_create(store_t *st, const store_user_t *u, int64_t *id /* OUT */);
int store_user_get(store_t *st, int64_t id, int (*cb)(const store_user_t *u, void *ctx), void *ctx);
int store_user_find(store_t *st, const char *username, int (*cb)(const store_user_t *u, void *ctx),
                    void *ctx);
/* Writes full_name, email, password_hash, must_change_password, disabled of u->id.
 * 1 updated, 0 no such user, -1 error. */
int store_user_update(store_t *st, const store_user_t *u);
int store_user_count(store_t *st, int64_t *n /* OUT */);

/* Roles. grant: 1 added, 0 already held, -1 error. revoke: 1 removed, 0 not held. */
int store_role_grant(store_t *st, int64_t user_id, int64_t unit_id, const char *role,
                     int64_t granted_by, int64_t now);
int store_role_revoke(store_t *st, int64_t user_id, int64_t unit_id, const char *role);
/* Iterate roles of one user / at one unit / everywhere (for subtree listings), ordered by
 * username then unit id. Callback returns non-zero to stop. */
int store_roles_of_user(store_t *st, int64_t user_id, int (*cb)(const store_role_t *r, void *ctx),
                        void *ctx);
int store_roles_at_unit(store_t *st, int64_t unit_id, int (*cb)(const store_role_t *r, void *ctx),
                        void *ctx);
int store_roles_each(store_t *st, int (*cb)(const store_role_t *r, void *ctx), void *ctx);

/* Sessions, found by the hash of their token (the token itself is never stored). */
int store_session_create(store_t *st, const unsigned char hash[32], int64_t user_id,
                         const char *csrf, int64_t now, const char *ip, int64_t *id /* OUT */);
int store_session_get(store_t *st, const unsigned char hash[32], store_session_t *out /* OUT */);
/* Notes when a session / token was last used. Not a change of who anyone is: it does not
 * move store_identity_version. */
int store_session_touch(store_t *st, int64_t id, int64_t now);
int store_session_delete(store_t *st, int64_t id);
/* Ends every session of a user (logout everywhere, disable, password change). */
int store_sessions_delete_user(store_t *st, int64_t user_id);
/* Deletes sessions idle since before idle_before or created before created_before. */
int store_sessions_expire(store_t *st, int64_t idle_before, int64_t created_before);

/* API tokens. find returns only tokens not revoked. */
int store_token_create(store_t *st, int64_t user_id, const char *name, const unsigned char hash[32],
                       const char *prefix, int64_t now, int64_t *id /* OUT */);
int store_token_find(store_t *st, const unsigned char hash[32],
                     int (*cb)(const store_token_t *t, void *ctx), void *ctx);
int store_tokens_of_user(store_t *st, int64_t user_id, int (*cb)(const store_token_t *t, void *ctx),
                         void *ctx);
/* 1 revoked, 0 no such live token of that user. */
int store_token_revoke(store_t *st, int64_t user_id, int64_t token_id, int64_t now);
int store_token_touch(store_t *st, int64_t id, int64_t now);

/* Audit log: append-only (the database refuses UPDATE and DELETE on it). list: entries
 * whose unit_path starts with path_prefix, newest first, with id < before_id (0 = from
 * the newest), at most limit. */
int store_audit_append(store_t *st, const store_audit_t *e);
int store_audit_list(store_t *st, const char *path_prefix, int64_t before_id, int limit,
                     int (*cb)(const store_audit_t *e, void *ctx), void *ctx);

/* ---- the reporting loop: templates, campaigns, reports, reminders ----
 * Dates are days since 1970-01-01 (0 = not set); times Unix seconds. Strings in callback
 * structs are borrowed for the callback only. Lookups: 1 found, 0 not, -1 error. */

typedef struct store_template {
	int64_t id;
	const char *code; /* unique */
	const char *name;
	int year;
	const char *json; /* the template document (docs/templates.md) */
	int64_t created_at;
} store_template_t;

/* Insert (t->id == 0, *id set) or replace the row t->id. -2 when the code is taken. */
int store_template_save(store_t *st, const store_template_t *t, int64_t *id /* OUT */);
int store_template_get(store_t *st, int64_t id, int (*cb)(const store_template_t *, void *),
                       void *ctx);
int store_template_find(store_t *st, const char *code, int (*cb)(const store_template_t *, void *),
                        void *ctx);
/* Newest year first, then code. */
int store_templates_each(store_t *st, int (*cb)(const store_template_t *, void *), void *ctx);

typedef struct store_campaign {
	int64_t id;
	int64_t issuer_unit_id; /* the unit that issues it for its subtree */
	int64_t parent_id;      /* the campaign it adopts, 0 = none */
	int64_t template_id;
	int year;
	const char *name, *theme;
	int32_t start_date, end_date, registration_deadline;
	const char *opening_time, *opening_place, *opening_participants; /* "" when none */
	const char *status;         /* "draft", "open", "closed" */
	const char *expected_kinds; /* space-separated unit kind codes expected to report */
	const char *deadlines;      /* space-separated "kind=days" report deadlines per kind */
	int64_t created_at, created_by;
} store_campaign_t;

/* Insert (c->id == 0, *id set) or update the row c->id. */
int store_campaign_save(store_t *st, const store_campaign_t *c, int64_t *id /* OUT */);
int store_campaign_get(store_t *st, int64_t id, int (*cb)(const store_campaign_t *, void *),
                       void *ctx);
/* Newest year first, then id. */
int store_campaigns_each(store_t *st, int (*cb)(const store_campaign_t *, void *), void *ctx);

typedef struct store_report {
	int64_t id, campaign_id, unit_id;
	const char *status; /* "draft", "submitted", "returned", "approved" */
	int64_t version;    /* bumped by every write; for optimistic concurrency */
	int64_t updated_at, updated_by;
	int on_behalf; /* last written by an upper level for the unit */
	int64_t submitted_at, submitted_by;
	int64_t reviewed_at, reviewed_by;
	const char *comment; /* the reviewer's comment when returned, else "" */
} store_report_t;

typedef struct store_value {
	const char *item; /* template item code */
	int has_num;
	int64_t num;
	const char *text; /* "" when none */
	/* The unit's note on the value (migration 10; "" or NULL when none; the roll-up and
	 * frozen reads give ""). A row may hold a note alone: has_num 0, text "". */
	const char *note;
} store_value_t;

int store_report_get(store_t *st, int64_t campaign_id, int64_t unit_id,
                     int (*cb)(const store_report_t *, void *), void *ctx);
int store_report_values(store_t *st, int64_t report_id, int (*cb)(const store_value_t *, void *),
                        void *ctx);
/* Every report of a campaign (ordered by unit id). */
int store_reports_of_campaign(store_t *st, int64_t campaign_id,
                              int (*cb)(const store_report_t *, void *), void *ctx);
/* Every numeric value of a campaign's reports, with its report's unit and status, for
 * building the roll-up (ordered by unit id). */
int store_values_of_campaign(store_t *st, int64_t campaign_id,
                             int (*cb)(int64_t unit_id, const char *status, const store_value_t *v,
                                       void *ctx),
                             void *ctx);

/* Every value of a campaign's reports, texts included, ordered by unit id then item code
 * (the value export). Same callback contract as store_values_of_campaign. */
int store_all_values_of_campaign(store_t *st, int64_t campaign_id,
                                 int (*cb)(int64_t unit_id, const char *status,
                                           const store_value_t *v, void *ctx),
                                 void *ctx);

/* Write a report and all its values in one transaction (values replace the old ones).
 * r->id is ignored: the report is found by (campaign, unit) and created when missing.
 * expected_version: the version the writer read (0 for a report that did not exist);
 * -2 when it changed meanwhile (nothing written). 0 with *id and *version. */
int store_report_save(store_t *st, const store_report_t *r, const store_value_t *vals, size_t n,
                      int64_t expected_version, int64_t *id /* OUT */, int64_t *version /* OUT */);
/* Change only the status (and who/when/comment of the review or submission), same
 * version rule. */
int store_report_set_status(store_t *st, const store_report_t *r, int64_t expected_version,
                            int64_t *version /* OUT */);

typedef struct store_report_event {
	int64_t id, report_id, at, user_id;
	const char *action; /* "save", "submit", "return", "approve", "reopen" */
	const char *comment;
} store_report_event_t;
int store_report_event_add(store_t *st, const store_report_event_t *e);
/* Oldest first. */
int store_report_events(store_t *st, int64_t report_id,
                        int (*cb)(const store_report_event_t *, void *), void *ctx);

/* The figures a level forwarded upward when it submitted, frozen (replaces earlier ones). */
int store_report_freeze(store_t *st, int64_t report_id, const store_value_t *vals, size_t n,
                        int64_t at);
int store_report_frozen(store_t *st, int64_t report_id, int (*cb)(const store_value_t *, void *),
                        void *ctx);

/* A reminder sent to a unit in a campaign (migration 9 adds kind, rule, notice, channels).
 * kind: "manual" (one unit), "all" (remind all the missing), "auto" (the campaign's
 * schedule; rule = the day offset from the deadline, "-3", "1"), "escalate" (reported to the
 * parent's head; rule "") . An "auto" or "escalate" reminder exists at most once per
 * (campaign, unit, kind, rule): adding it again answers 1 and writes nothing. */
typedef struct store_reminder {
	int64_t id, campaign_id, unit_id, at, by;
	const char *note;
	const char *kind;     /* NULL = "manual" */
	const char *rule;     /* NULL = "" */
	int64_t notice_id;    /* the notice it made (0: none) */
	const char *channels; /* "app" or "app email" (NULL = "app") */
	/* read only: the e-mails of its notice by status */
	int mail_pending, mail_sent, mail_failed;
} store_reminder_t;
/* 0 written (*id set when id is not NULL), 1 a once-only reminder already exists, -1. */
int store_reminder_add(store_t *st, const store_reminder_t *r, int64_t *id /* OUT */);
/* Newest first. */
int store_reminders_of_campaign(store_t *st, int64_t campaign_id,
                                int (*cb)(const store_reminder_t *, void *), void *ctx);

/* A campaign's chase schedule (migration 9): remind the missing units days before and after
 * their deadline, and escalate to the parent's head escalate_days after it. A campaign
 * without a row has the defaults (STORE_CHASE_DEFAULT_*). */
typedef struct store_chase {
	int64_t campaign_id;
	const char *remind_days; /* space-separated offsets from the deadline: "-3 -1 1" */
	int escalate_days;       /* 0: never */
	int automatic;           /* 0: nothing is sent by the schedule */
} store_chase_t;
#define STORE_CHASE_DEFAULT_DAYS "-3 -1 1"
#define STORE_CHASE_DEFAULT_ESCALATE 3
/* 1 with *out (strings borrowed for the callback), 0 no row (the defaults apply), -1. */
int store_chase_get(store_t *st, int64_t campaign_id, int (*cb)(const store_chase_t *, void *),
                    void *ctx);
int store_chase_set(store_t *st, const store_chase_t *c);

/* ---- notifications (migration 9): notices in the app, the e-mail outbox ----
 * A notice is addressed to a unit (every user holding a role there sees it) or to one user;
 * it is written in the same transaction as the event that causes it, with one outbox row per
 * e-mail address it goes to. The mail worker (src/service/mailer.c) delivers the outbox,
 * recording every attempt. */
typedef struct store_notice {
	int64_t id, at;
	const char *kind; /* "remind", "return", "approve", "due", "overdue", "escalate", "doc",
	                     "task" */
	int64_t unit_id;  /* the unit addressed */
	int64_t user_id;  /* one user only (0: everyone at unit_id) */
	int64_t campaign_id, about_unit_id, by; /* 0 when none */
	const char *title, *body, *link;        /* link: a path on this site ("/campaigns/…") */
	int read;                               /* reads only: the asking user has read it */
} store_notice_t;
int store_notice_add(store_t *st, const store_notice_t *n, int64_t *id /* OUT */);
/* The notices user_id sees (addressed to them, or to one of units[n]), newest first, with
 * id < before_id (0: from the newest), at most limit; unread_only skips the read ones. */
int store_notices_for(store_t *st, int64_t user_id, const int64_t *units, size_t n,
                      int64_t before_id, int limit, int unread_only,
                      int (*cb)(const store_notice_t *, void *), void *ctx);
/* How many of them user_id has not read. */
int store_notices_unread(store_t *st, int64_t user_id, const int64_t *units, size_t n,
                         int64_t *count /* OUT */);
int store_notice_get(store_t *st, int64_t id, int (*cb)(const store_notice_t *, void *), void *ctx);
/* Marks notice id (0: every notice user_id sees) read by user_id at now. */
int store_notice_mark_read(store_t *st, int64_t user_id, const int64_t *units, size_t n, int64_t id,
                           int64_t now);

typedef struct store_mail {
	int64_t id, notice_id;
	const char *recipient; /* one address */
	const char *subject, *text, *html;
	const char *status; /* "pending", "sent", "failed" (given up) */
	int attempts;
	int64_t created_at, next_at, sent_at;
	const char *last_error; /* "" when none */
} store_mail_t;
int store_mail_add(store_t *st, const store_mail_t *m, int64_t *id /* OUT */);
/* Pending mails with next_at <= now, oldest next_at first, at most limit. */
int store_mails_due(store_t *st, int64_t now, int limit, int (*cb)(const store_mail_t *, void *),
                    void *ctx);
/* The earliest next_at of a pending mail into *at (0: none). */
int store_mail_next_due(store_t *st, int64_t *at /* OUT */);
/* One delivery attempt of mail id at `at`: ok marks it sent; else attempts + 1, the error
 * kept, and it waits until next_at, or is marked failed when give_up. A delivery row records
 * the attempt either way. 0, or -1. */
int store_mail_attempt(store_t *st, int64_t id, int64_t at, int ok, const char *detail,
                       int64_t next_at, int give_up);
typedef struct store_delivery {
	int64_t id, mail_id, at;
	int ok;
	const char *detail; /* the server's answer or the error */
} store_delivery_t;
/* Oldest first. */
int store_mail_deliveries(store_t *st, int64_t mail_id, int (*cb)(const store_delivery_t *, void *),
                          void *ctx);
/* The mails of one notice, in id order. */
int store_mails_of_notice(store_t *st, int64_t notice_id, int (*cb)(const store_mail_t *, void *),
                          void *ctx);
/* Newest first, at most limit (the operations page). */
int store_mails_recent(store_t *st, int limit, int (*cb)(const store_mail_t *, void *), void *ctx);
/* How many mails wait (pending) and were given up (failed): cheap at any size (/metrics). */
int store_mail_backlog(store_t *st, int64_t *pending, int64_t *failed);
/* How many mails are pending, sent, failed. */
int store_mail_counts(store_t *st, int64_t *pending, int64_t *sent, int64_t *failed);
/* A failed mail made pending again, due at now (the cause fixed on the mail side). 1 done, 0
 * not a failed mail, -1. */
int store_mail_retry(store_t *st, int64_t id, int64_t now);

/* Representative photos of a report (already re-encoded by src/media/photo.c). */
typedef struct store_photo {
	int64_t id, report_id;
	const char *caption;
	int width, height;
	size_t full_len, thumb_len;
	int64_t created_at, created_by;
} store_photo_t;

/* Add one (p->id ignored; full and thumb are p->full_len / p->thumb_len bytes). */
int store_photo_add(store_t *st, const store_photo_t *p, const void *full, const void *thumb,
                    int64_t *id /* OUT */);
/* A report's photos, oldest first (metadata only). */
int store_photos_of_report(store_t *st, int64_t report_id, int (*cb)(const store_photo_t *, void *),
                           void *ctx);
/* One photo with its bytes (the thumbnail when thumb != 0); the bytes are borrowed for the
 * callback. 1 found, 0 not, -1 error. */
int store_photo_get(store_t *st, int64_t id, int thumb,
                    int (*cb)(const store_photo_t *, const void *data, size_t len, void *),
                    void *ctx);
/* 1 deleted, 0 no such photo of that report. */
int store_photo_delete(store_t *st, int64_t report_id, int64_t id);

/* ---- documents, their duties (tasks) and activities ----
 * Dates are days since 1970-01-01 (0 = not set); times Unix seconds (UTC). Strings in
 * callback structs are borrowed for the callback only. Lookups: 1 found, 0 not, -1 error. */

typedef struct store_doc {
	int64_t id;
	int64_t issuer_unit_id; /* the body that issues it */
	int64_t campaign_id;    /* the Week it belongs to; 0 = none */
	int64_t derived_from;   /* the upper level's document it was made from; 0 = none */
	const char *kind; /* "cv" công văn, "kh" kế hoạch, "bc" báo cáo, "qd" quyết định */
	const char *status;  /* "draft", "published" */
	int is_public;       /* shown on the issuing unit's public page once published */
	int year;            /* year of doc_date: numbering restarts every 1 January */
	int number;          /* 0 until published; then 1, 2, ... per issuer and year */
	int32_t doc_date;    /* 0 = not dated yet */
	const char *subject; /* for listings */
	const char *json;    /* the whole document (docs/documents.md) */
	int64_t version;     /* bumped by every write */
	int64_t created_at, created_by, updated_at, updated_by, published_at, published_by;
} store_doc_t;

/* A published document's addressee and when it was first opened there. */
typedef struct store_doc_recipient {
	int64_t doc_id, unit_id;
	int64_t read_at, read_by; /* 0 = not read yet */
} store_doc_recipient_t;

/* A duty of a published document, one row per assigned unit. */
typedef struct store_task {
	int64_t id, doc_id, unit_id;
	int duty;                 /* index of the duty in the document's "duties" */
	const char *role;         /* "chu_tri" (leads), "phoi_hop" (supports) */
	const char *task;         /* the duty's text */
	int32_t due_date;         /* 0 = none */
	int64_t done_at, done_by; /* 0 = open */
	const char *note;         /* the unit's note when marking it done, "" */
} store_task_t;

/* Insert (d->id == 0: status "draft", version 1, created_* = updated_*) or update a draft
 * (kind, campaign_id, derived_from, is_public, year, doc_date, subject, json, updated_*;
 * version + 1). -2 when expected_version is not the row's version, -3 when the row is no
 * longer a draft (nothing written). 0 with *id and *version. */
int store_doc_save(store_t *st, const store_doc_t *d, int64_t expected_version,
                   int64_t *id /* OUT */, int64_t *version /* OUT */);
/* Publish a draft in ONE transaction: number = *number when it is > 0 on entry (a document
 * issued on paper, registered with its number; -4 when the issuer already used it that
 * year), else 1 + the highest number the issuer gave in that year (restarting each year), status
 * "published", doc_date, year, json (the final text with its number), published_at/by = now/by,
 * version + 1; then one recipient row per distinct unit in units, and the tasks (their
 * id/doc_id/done fields ignored). -2 version changed, -3 not a draft, -4 number taken, -1 error:
 * nothing written. 0 with *number and *version. The row's number and doc_date are authoritative
 * over the json's. */
int store_doc_publish(store_t *st, int64_t id, int64_t expected_version, int32_t doc_date, int year,
                      const char *json, int64_t now, int64_t by, const int64_t *units,
                      size_t nunits, const store_task_t *tasks, size_t ntasks,
                      int *number /* IN/OUT */, int64_t *version /* OUT */);
/* Set is_public of a document (drafts and published alike); 1 changed, 0 no such doc. */
int store_doc_set_public(store_t *st, int64_t id, int is_public, int64_t now, int64_t by);
int store_doc_get(store_t *st, int64_t id, int (*cb)(const store_doc_t *, void *), void *ctx);
/* A unit's own documents, newest first (by coalesce(published_at, updated_at), then id). */
int store_docs_of_issuer(store_t *st, int64_t unit_id, int (*cb)(const store_doc_t *, void *),
                         void *ctx);
/* Documents made from doc_id (derived_from = doc_id), oldest first. */
int store_docs_derived(store_t *st, int64_t doc_id, int (*cb)(const store_doc_t *, void *),
                       void *ctx);
/* Published documents addressed to unit_id, newest first, with that unit's receipt. */
int store_docs_to_unit(store_t *st, int64_t unit_id,
                       int (*cb)(const store_doc_t *, const store_doc_recipient_t *, void *),
                       void *ctx);
/* A document's addressees, in unit id order. */
int store_doc_recipients(store_t *st, int64_t doc_id,
                         int (*cb)(const store_doc_recipient_t *, void *), void *ctx);
/* Record the first opening at unit_id: 1 recorded now, 0 already read or not addressed. */
int store_doc_mark_read(store_t *st, int64_t doc_id, int64_t unit_id, int64_t now, int64_t by);

/* A published document's digitally signed PDF (migration 11), kept as issued. */
typedef struct store_doc_signed {
	int64_t doc_id;
	const char *sha256;           /* of the PDF, lowercase hex */
	const char *signer;           /* the certificate's subject (common name) */
	int64_t signed_at, signed_by; /* signed_by 0: by the system */
	size_t size;                  /* bytes of the PDF (set by the get) */
} store_doc_signed_t;
/* Store the signed PDF of d->doc_id (size ignored) unless the document has one: 1 stored,
 * 0 already signed (nothing written), -1 error. */
int store_doc_signed_put(store_t *st, const store_doc_signed_t *d, const void *pdf, size_t n);
/* The signature row of doc_id through cb, with the PDF's bytes when with_pdf (else NULL, 0);
 * everything borrowed until cb returns. 1 found, 0 not signed, -1 error. */
int store_doc_signed_get(store_t *st, int64_t doc_id, int with_pdf,
                         int (*cb)(const store_doc_signed_t *, const void *, size_t, void *),
                         void *ctx);
/* The review of a draft made by a Word import (migration 12): what was recognised and what
 * was not, as JSON text (src/app/doc_import_pages.c), written with the draft. put: 0 or -1
 * (one per document); get appends it to review: 1 found, 0 none, -1 error. */
int store_doc_import_put(store_t *st, int64_t doc_id, int64_t at, int64_t by, const char *review);
int store_doc_import_get(store_t *st, int64_t doc_id, buf_t *review);

/* A document's tasks ordered by duty then unit id; a unit's tasks open first, then by due
 * date (none last), then id. */
int store_tasks_of_doc(store_t *st, int64_t doc_id, int (*cb)(const store_task_t *, void *),
                       void *ctx);
int store_tasks_of_unit(store_t *st, int64_t unit_id, int (*cb)(const store_task_t *, void *),
                        void *ctx);
int store_task_get(store_t *st, int64_t id, int (*cb)(const store_task_t *, void *), void *ctx);
/* Mark done (done_at > 0, with by and note) or open again (done_at 0: by 0, note ""). 1
 * changed, 0 no such task of that unit. */
int store_task_set_done(store_t *st, int64_t id, int64_t unit_id, int64_t done_at, int64_t by,
                        const char *note);

typedef struct store_activity {
	int64_t id;
	int64_t campaign_id; /* 0 = none */
	int64_t unit_id;
	const char *unit_path; /* "/VN/31/306/11413/": the unit's codes from the root */
	const char *kind;      /* activity kind code (src/domain/activity.c) */
	const char *title, *description;
	int64_t start_at, end_at; /* Unix seconds */
	const char *place;
	const char *mode; /* "truc_tiep", "truc_tuyen", "ket_hop" */
	const char *link; /* "" unless online */
	const char *audience;
	int64_t expected; /* expected participants; -1 = not given */
	int is_public;
	int late;            /* registered after the campaign's registration deadline */
	const char *status;  /* "planned", "held", "cancelled" */
	int64_t actual;      /* participants after the event; -1 = not given */
	const char *outcome; /* note after the event, "" */
	int64_t version, created_at, created_by, updated_at, updated_by;
	const char *client_id; /* the creating phone's key, NULL or "" = none; set on insert */
} store_activity_t;

/* Insert (a->id == 0; version 1; created_* from a) or update every field except
 * created_*, version + 1. -2 when expected_version is not the row's version. 0 with *id
 * and *version. */
int store_activity_save(store_t *st, const store_activity_t *a, int64_t expected_version,
                        int64_t *id /* OUT */, int64_t *version /* OUT */);
int store_activity_get(store_t *st, int64_t id, int (*cb)(const store_activity_t *, void *),
                       void *ctx);
/* The activity created_by registered with client_id (unique per user): 1 found (cb called
 * with the row, valid until cb returns), 0 none, -1 store error. */
int store_activity_by_client(store_t *st, int64_t created_by, const char *client_id,
                             int (*cb)(const store_activity_t *, void *), void *ctx);

typedef struct store_activity_query {
	const char *path; /* "" = everywhere; else a unit_path: its subtree, or the unit alone
	                   * with exact = 1 */
	int exact;
	int64_t from, to;    /* activities overlapping [from, to); 0 = unbounded on that side */
	int64_t campaign_id; /* 0 = any */
	int public_only;     /* only is_public = 1 (any status) */
	const char *kind;    /* "" = any */
	const char *mode;    /* "" = any */
	int limit, offset;   /* limit 0 = no limit */
} store_activity_query_t;

/* Matching activities ordered by start_at, then id. */
int store_activities_find(store_t *st, const store_activity_query_t *q,
                          int (*cb)(const store_activity_t *, void *), void *ctx);

/* Photos of an activity: store_photo_t with report_id holding the activity's id. Same
 * contracts as the report photo functions above. */
int store_activity_photo_add(store_t *st, const store_photo_t *p, const void *full,
                             const void *thumb, int64_t *id /* OUT */);
int store_activity_photos(store_t *st, int64_t activity_id,
                          int (*cb)(const store_photo_t *, void *), void *ctx);
int store_activity_photo_get(store_t *st, int64_t id, int thumb,
                             int (*cb)(const store_photo_t *, const void *data, size_t len, void *),
                             void *ctx);
int store_activity_photo_delete(store_t *st, int64_t activity_id, int64_t id);

/* ---- open learning resources (học liệu mở, docs/resources.md) ---- */

typedef struct store_resource {
	int64_t id;
	int64_t unit_id;
	const char *unit_path;    /* the unit's codes from the root, as activities */
	int64_t campaign_id;      /* 0 = none */
	const char *title, *description;
	const char *topic, *audience, *licence; /* codes (src/service/resources.c) */
	const char *link;         /* http(s) address; "" for a file */
	const char *file_name;    /* "" for a link */
	const char *file_type;    /* sniffed type code ("pdf", "docx"...); "" for a link */
	int64_t file_size;        /* bytes; 0 for a link */
	int32_t published_on;     /* days since 1970-01-01 (Vietnam date) */
	const char *status;       /* "draft", "published", "withdrawn" */
	const char *fold; /* text_fold of title, description, topic and audience names: searched */
	int64_t version, created_at, created_by, updated_at, updated_by;
} store_resource_t;

/* Insert (r->id == 0; version 1) or update every field except created_*, version + 1.
 * file: the bytes of a file resource; NULL keeps the stored bytes (update) and a link
 * resource has none. The row and its bytes are written in one transaction.
 * Returns 0 with *id and *version, -2 when expected_version is not the row's, -1. */
int store_resource_save(store_t *st, const store_resource_t *r, const void *file, size_t len,
                        int64_t expected_version, int64_t *id /* OUT */,
                        int64_t *version /* OUT */);
/* 1 (cb called; pointers valid while it runs), 0 no such row, -1. */
int store_resource_get(store_t *st, int64_t id, int (*cb)(const store_resource_t *, void *),
                       void *ctx);

typedef struct store_resource_query {
	const char *path;    /* "" = everywhere; a unit_path: its subtree, or with exact the unit */
	int exact;
	const char *status;  /* "" = any */
	const char *topic, *audience, *type; /* "" = any; type "link" or a file type code */
	const char *words[8]; /* folded words: each must start a word of the fold column */
	int nwords;
	int32_t from_day, to_day; /* published_on in [from_day, to_day]; 0 = unbounded */
	int limit, offset;   /* limit 0 = no limit */
} store_resource_query_t;

/* Matching resources, newest published first, then id descending; *total (may be NULL)
 * counts every match regardless of limit/offset. 0, STOPPED-style non-zero from cb, -1. */
int store_resources_find(store_t *st, const store_resource_query_t *q,
                         int (*cb)(const store_resource_t *, void *), void *ctx,
                         int64_t *total /* OUT */);
/* The stored bytes of resource id: 1 (cb called with them, valid while it runs), 0 none. */
int store_resource_file(store_t *st, int64_t id,
                        int (*cb)(const void *data, size_t len, void *ctx), void *ctx);
/* ---- reading culture (văn hóa đọc, docs/reading.md) ---- */

/* A bookshelf or library (tủ sách, thư viện) of a unit. */
typedef struct store_shelf {
	int64_t id, unit_id;
	const char *unit_path; /* the unit's codes from the root, as activities */
	const char *name;
	const char *kind;    /* code (src/service/reading.c) */
	int64_t books_start; /* books held when it was recorded */
	int32_t opened_on;   /* days since 1970-01-01 (Vietnam date) */
	int32_t closed_on;   /* 0 = active */
	int64_t held;        /* on read: books_start + added - moved out + received - withdrawn */
	int64_t created_at, created_by;
} store_shelf_t;

/* A line of the book ledger: books added to a shelf, moved from a shelf to another (a
 * move to another unit's shelf is in transit until that unit receives it), withdrawn. */
typedef struct store_book_move {
	int64_t id;
	const char *kind; /* "add", "move", "withdraw" */
	int32_t day;
	int64_t shelf_id, unit_id; /* the shelf added to, or the books leave */
	const char *unit_path;
	int64_t to_shelf_id, to_unit_id; /* a move's destination; 0 otherwise */
	const char *to_path;             /* "" when not a move */
	int64_t count;                   /* books, > 0 */
	const char *note;
	int32_t received_on; /* a move: the day the destination received it; 0 = in transit */
	int64_t received_by;
	int64_t created_at, created_by;
	const char *shelf_name, *to_shelf_name; /* on read */
} store_book_move_t;

/* Readers of a shelf on a day (or a week recorded on its first day), by channel. */
typedef struct store_reading {
	int64_t id, shelf_id, unit_id;
	const char *unit_path;
	int32_t day;
	const char *channel; /* "tai_cho", "muon_ve", "truc_tuyen" */
	int64_t readers, loans;
	const char *note;
	int64_t created_at, created_by;
	const char *shelf_name; /* on read */
} store_reading_t;

/* Grouped figures of a subtree for the roll-up (one row per unit and key). what: "shelf"
 * (key kind; n shelves active in the period, a books held now), "add" (n lines, a books),
 * "move" (key "" for a move within the unit, "out" to another unit and received,
 * "transit" to another unit not yet received; n lines, a books),
 * "withdraw" (n, a books), "read" (key channel; n records, a readers, b loans). */
typedef struct store_reading_sum {
	int64_t unit_id;
	const char *what, *key;
	int64_t n, a, b;
} store_reading_sum_t;

typedef struct store_reading_query {
	const char *path; /* "" = everywhere; a unit_path: its subtree, or with exact the unit */
	int exact;
	int64_t id;               /* one row; 0 = any */
	int64_t unit_id;          /* moves: either side is this unit; 0 = by path */
	int32_t from_day, to_day; /* day in [from_day, to_day]; 0 = unbounded */
	const char *channel;      /* readings: "" = any */
	int limit;                /* 0 = no limit */
} store_reading_query_t;

/* Insert a shelf (id ignored); 0 with *id, or -1. */
int store_shelf_add(store_t *st, const store_shelf_t *s, int64_t *id /* OUT */);
/* Set a shelf's closed_on (0 reopens): 1, 0 no such shelf of unit_id, -1. */
int store_shelf_close(store_t *st, int64_t id, int64_t unit_id, int32_t closed_on);
/* Shelves by q (path, exact, id; for a period, active in it), with their holding, by
 * unit_path then name. 0, a non-zero from cb, or -1. */
int store_shelves(store_t *st, const store_reading_query_t *q,
                  int (*cb)(const store_shelf_t *, void *), void *ctx);
/* Write a ledger line. A move or a withdrawal is refused (-3, *held the shelf's holding)
 * when the shelf holds fewer than m->count books, checked and written in one transaction;
 * a move between shelves of one unit is received at once. 0 with *id, -3, or -1. */
int store_book_move_add(store_t *st, const store_book_move_t *m, int64_t *id /* OUT */,
                        int64_t *held /* OUT */);
/* The destination unit to_unit_id receives in-transit move id: 1, 0 (not such a move), -1. */
int store_book_move_receive(store_t *st, int64_t id, int64_t to_unit_id, int32_t day, int64_t by);
/* Ledger lines by q (id; unit_id: lines of that unit's shelves or to them; else path,
 * exact), newest first. 0, a non-zero from cb, or -1. */
int store_book_moves(store_t *st, const store_reading_query_t *q,
                     int (*cb)(const store_book_move_t *, void *), void *ctx);
int store_reading_add(store_t *st, const store_reading_t *r, int64_t *id /* OUT */);
/* Reading records by q (path, exact, days, channel), newest first. */
int store_readings(store_t *st, const store_reading_query_t *q,
                   int (*cb)(const store_reading_t *, void *), void *ctx);
/* The roll-up's groups of q->path's subtree for days [from_day, to_day]: a few grouped
 * queries, not one per unit. 0, a non-zero from cb, or -1. */
int store_reading_sums(store_t *st, const store_reading_query_t *q,
                       int (*cb)(const store_reading_sum_t *, void *), void *ctx);
/* ---- class enrolment (src/service/enrol.c) ---- */

/* A class activity's enrolment settings; one row per activity at most. */
typedef struct store_enrol_settings {
	int64_t activity_id;
	int open;         /* taking enrolments */
	int64_t fee;      /* đồng; 0 = free */
	int64_t capacity; /* places, > 0 */
	int64_t deadline; /* Unix seconds; 0 = the class's start */
	const char *contact_name, *contact_phone, *contact_email; /* public */
} store_enrol_settings_t;

/* A citizen's enrolment. name/phone/note are "" once purged (purged_at > 0). */
typedef struct store_enrolment {
	int64_t id, activity_id;
	const char *code; /* 8 characters, unique across all classes */
	const char *name, *phone, *note;
	int64_t birth_year; /* 0 = not given */
	const char *status; /* "enrolled", "waiting", "cancelled" */
	int attended;
	int64_t created_at, changed_at;
	int64_t promoted_at; /* moved from the waiting list (to be told); 0 = never */
	int64_t purged_at;
} store_enrolment_t;

/* The settings of an activity: 1 found (cb called), 0 none, -1 error. */
int store_enrol_settings_get(store_t *st, int64_t activity_id,
                             int (*cb)(const store_enrol_settings_t *, void *), void *ctx);
/* Insert or replace the settings of s->activity_id. 0 or -1. */
int store_enrol_settings_put(store_t *st, const store_enrol_settings_t *s);
/* The enrolments of an activity in the order they came (id). 0, or -1 (rows delivered so
 * far stand). Lifetime: pointers valid until cb returns. */
int store_enrolments_of(store_t *st, int64_t activity_id,
                        int (*cb)(const store_enrolment_t *, void *), void *ctx);
/* The enrolment with that code: 1 (cb called), 0 none, -1 error. */
int store_enrolment_by_code(store_t *st, const char *code,
                            int (*cb)(const store_enrolment_t *, void *), void *ctx);
/* How many classes phone enrolled in (any status) since that time, in *n. 0 or -1. */
int store_enrol_phone_since(store_t *st, const char *phone, int64_t since, int64_t *n /* OUT */);
/* Insert e (id ignored). 0 with *id, -3 the code is taken, -1 error. */
int store_enrolment_add(store_t *st, const store_enrolment_t *e, int64_t *id /* OUT */);
/* Set status, attended, changed_at and promoted_at of enrolment id of activity_id. 1
 * changed, 0 no such row, -1 error. */
int store_enrolment_update(store_t *st, int64_t activity_id, int64_t id, const char *status,
                           int attended, int64_t changed_at, int64_t promoted_at);
/* Empty name, phone and note (purged_at = now) of every enrolment not yet purged whose
 * activity ended before ended_before. *n: how many. 0 or -1. */
int store_enrol_purge(store_t *st, int64_t ended_before, int64_t now, int64_t *n /* OUT */);

/* ---- contests with citizen entries (src/service/contest.c, docs/contests.md) ---- */

typedef struct store_contest {
	int64_t id;
	int64_t unit_id;        /* the organiser */
	const char *unit_path;  /* the organiser's codes from the root, as activities */
	const char *title, *theme, *rules;
	const char *types;      /* entry types accepted, space separated: "text photo audio video" */
	int64_t audio_max_bytes, video_max_bytes, audio_max_seconds, video_max_seconds;
	int64_t starts_at, ends_at; /* entries accepted in [starts_at, ends_at), Unix seconds */
	int32_t results_on;     /* day the results are due (days since 1970-01-01), 0 none */
	const char *status;     /* "draft", "published", "announced" */
	int64_t announced_at;   /* 0 until the results are announced */
	int64_t created_at, created_by, updated_at, updated_by;
	int64_t purged_at;      /* entrants' contact data emptied (0 not yet) */
} store_contest_t;

/* A citizen's entry. phone/email/ip are "" once purged. media_file: the name of the stored
 * file in the contest side directory ("" none, or deleted). */
typedef struct store_contest_entry {
	int64_t id, contest_id;
	const char *code;   /* confirmation code */
	const char *status; /* "pending", "approved", "rejected", "withdrawn" */
	const char *name, *phone, *email, *locality, *title, *body;
	const char *media_kind; /* "", "photo", "audio", "video" */
	const char *media_file, *media_mime, *media_info; /* media_info: "opus, 0:42" */
	int64_t media_size, media_ms;
	const char *reason; /* why rejected */
	const char *prize;  /* "", "nhat", "nhi", "ba", "kk" */
	const char *ip;
	int64_t created_at, moderated_at, moderated_by;
} store_contest_entry_t;

typedef struct store_contest_score {
	int64_t entry_id, judge_id;
	int score; /* 0..100 */
	const char *comment;
	int64_t at;
} store_contest_score_t;

typedef struct store_contest_query {
	const char *path; /* "" everywhere; a unit_path: its subtree, or with exact the unit */
	int exact;
	int public_only;  /* not drafts */
	int64_t judge_id; /* only contests this user judges; 0 any */
	int limit;        /* 0 = no limit */
} store_contest_query_t;

/* Insert (c->id == 0) or update every field but created_*, and set the judges to
 * judges[0..nj) (user ids), in one transaction. 0 with *id, -1. */
int store_contest_save(store_t *st, const store_contest_t *c, const int64_t *judges, size_t nj,
                       int64_t *id /* OUT */);
/* 1 (cb called; pointers valid while it runs), 0 none, -1. */
int store_contest_get(store_t *st, int64_t id, int (*cb)(const store_contest_t *, void *),
                      void *ctx);
/* Matching contests, latest entry end first. 0 or -1. */
int store_contests_find(store_t *st, const store_contest_query_t *q,
                        int (*cb)(const store_contest_t *, void *), void *ctx);
/* The judges' user ids and names, in the order they were named. 0 or -1. */
int store_contest_judges(store_t *st, int64_t contest_id,
                         int (*cb)(int64_t user_id, const char *name, void *), void *ctx);
/* 0 with *id, -3 the code exists, -1. */
int store_contest_entry_add(store_t *st, const store_contest_entry_t *e, int64_t *id /* OUT */);
/* Entries of a contest (status "" any) in the order they came. 0 or -1. */
int store_contest_entries(store_t *st, int64_t contest_id, const char *status,
                          int (*cb)(const store_contest_entry_t *, void *), void *ctx);
/* The entry with id (code NULL) or with code: 1 (cb called), 0 none, -1. */
int store_contest_entry_get(store_t *st, int64_t id, const char *code,
                            int (*cb)(const store_contest_entry_t *, void *), void *ctx);
/* Set status/reason/prize (NULL keeps each), moderated_by/at; media NULL keeps the file
 * name, "" forgets it. 1 changed, 0 no such entry, -1. */
int store_contest_entry_set(store_t *st, int64_t id, const char *status, const char *reason,
                            const char *prize, const char *media, int64_t by, int64_t at);
/* Entries sent from phone since that time (any contest) into *n. 0 or -1. */
int store_contest_phone_since(store_t *st, const char *phone, int64_t since, int64_t *n);
/* Insert or replace a judge's score of an entry. 0 or -1. */
int store_contest_score_put(store_t *st, const store_contest_score_t *sc);
/* Every score in a contest. 0 or -1. */
int store_contest_scores(store_t *st, int64_t contest_id,
                         int (*cb)(const store_contest_score_t *, void *), void *ctx);
/* For each contest announced before announced_before and not purged: cb gets the stored
 * file of each entry not approved (to delete), then its phone, email and ip are emptied, the
 * files of those entries forgotten, purged_at = now. *n: entries purged. 0 or -1. */
int store_contest_purge(store_t *st, int64_t announced_before, int64_t now,
                        int (*cb)(const char *file, void *), void *ctx, int64_t *n /* OUT */);

/* ---- commendation (khen thưởng, docs/awards.md; migration "commendation") ---- */
/* A proposal (award_proposals) with, when it is in a decision, that decision's facts and
 * its document's number and date (0 until issued). Strings borrowed for the callback. */
typedef struct store_award {
	int64_t id, campaign_id;
	int64_t unit_id; /* the proposing unit */
	const char *unit_path;
	int64_t at_unit_id; /* the unit that must act now */
	const char *at_path;
	const char *status; /* draft sent returned declined withdrawn in_decision decided */
	const char *category, *name, *place, *achievements, *form;
	int64_t amount; /* đồng: the current (possibly trimmed) amount */
	const char *proposed_form;
	int64_t proposed_amount;
	int64_t decision_id; /* 0 none */
	int ord;             /* position in the decision's list */
	int64_t version, created_at, created_by, updated_at, updated_by;
	/* read only, from the decision and its document (0 / "" without a decision) */
	int64_t document_id, decider_unit_id;
	const char *decision_status; /* "draft", "issued" */
	int32_t issued_on;           /* days since 1970 */
	int doc_number;              /* the Quyết định's number, 0 until issued */
	int32_t doc_date;
	const char *fund_source;
} store_award_t;

/* Which proposals store_awards_find reads (every set member narrows; 0/NULL ignores it). */
typedef struct store_award_query {
	int64_t unit_id;     /* proposed by this unit */
	const char *path;    /* proposed inside this subtree (unit_path prefix) */
	int exact;           /* with path: proposed by that unit itself (its index) */
	int64_t at_unit_id;  /* now at this unit */
	const char *status;  /* one status */
	int64_t decision_id; /* in this decision, by ord */
	int64_t campaign_id;
	int issued_only; /* only those whose decision is issued */
	int limit;       /* 0: 1000 */
} store_award_query_t;

typedef struct store_award_file {
	int64_t id, proposal_id;
	const char *name, *mime;
	int64_t size, created_at, created_by;
} store_award_file_t;

typedef struct store_award_event {
	int64_t id, proposal_id, at, user_id, unit_id;
	const char *user_name; /* read only: the user's full name (username when empty) */
	const char *action, *comment, *detail;
} store_award_event_t;

typedef struct store_award_decision {
	int64_t id, unit_id;
	const char *unit_path;
	int64_t campaign_id, document_id;
	const char *fund_source; /* nsnn xhh khac */
	const char *status;      /* draft issued */
	int32_t issued_on;
	int is_public;
	int64_t created_at, created_by;
	/* read only: the document's */
	int doc_number;
	int32_t doc_date;
	const char *doc_subject;
	int64_t count, total; /* its proposals and their amounts */
} store_award_decision_t;

/* Insert proposal p (p->id 0; *id, *version 1) or update every column of row p->id at
 * expected_version (*version the next). 0, -2 the row's version is not expected_version
 * (nothing written), -1 error. Joins the caller's transaction. */
int store_award_save(store_t *st, const store_award_t *p, int64_t expected_version,
                     int64_t *id /* OUT */, int64_t *version /* OUT */);
/* Proposal id: 1 found (cb called once), 0 none, -1 error. Pointers valid during cb. */
int store_award_get(store_t *st, int64_t id, int (*cb)(const store_award_t *, void *), void *ctx);
/* Proposals matching q: by decision ord when q->decision_id, else newest first. 0, -1. */
int store_awards_find(store_t *st, const store_award_query_t *q,
                      int (*cb)(const store_award_t *, void *), void *ctx);
/* Add a supporting file (its bytes, f->size of them): 0 with *id, -1. */
int store_award_file_add(store_t *st, const store_award_file_t *f, const void *bytes,
                         int64_t *id /* OUT */);
/* The files of a proposal (file_id 0), or its file file_id alone, oldest first; bytes
 * only when with_bytes (else NULL, 0). 0, -1. */
int store_award_files(store_t *st, int64_t proposal_id, int64_t file_id, int with_bytes,
                      int (*cb)(const store_award_file_t *, const void *bytes, size_t n, void *ctx),
                      void *ctx);
/* Append a history row. 0, -1. */
int store_award_event_add(store_t *st, const store_award_event_t *e);
/* A proposal's history, oldest first. 0, -1. */
int store_award_events(store_t *st, int64_t proposal_id,
                       int (*cb)(const store_award_event_t *, void *), void *ctx);
/* Insert decision d: 0 with *id, -1. */
int store_award_decision_add(store_t *st, const store_award_decision_t *d, int64_t *id /* OUT */);
/* Decisions of unit_id (0: any) or of document_id (0: any), newest first, with their
 * counts and totals. 0, -1. */
int store_award_decisions(store_t *st, int64_t unit_id, int64_t document_id,
                          int (*cb)(const store_award_decision_t *, void *), void *ctx);
/* Issuing: the draft decision whose document is document_id becomes issued on issued_on
 * and its proposals decided, each with a "decide" history row (at, by, the decider).
 * 1 done (*campaign_id its campaign), 0 the document has no draft decision (nothing
 * written), -1 error. Joins the caller's transaction (docs_publish's). */
int store_award_decision_issue(store_t *st, int64_t document_id, int32_t issued_on, int64_t at,
                               int64_t by, int64_t *campaign_id /* OUT */);

/* ---- printing awards (docs/awards.md: the decision's list, certificates, public list) ---- */
/* The decision a document is the Quyết định of: store_award_decisions(st, 0, document_id). */
/* One proposal on a decision's list, with its proposing unit's name. */
typedef struct store_award_item {
	int64_t id, decision_id, unit_id;
	const char *unit_name; /* the proposing unit's */
	const char *status;    /* "in_decision" (a draft decision) or "decided" */
	const char *category, *name, *place, *achievements, *form; /* codes: category, form */
	int64_t amount;
	int ord;
} store_award_item_t;
/* The list of the decision whose document is document_id (in_decision proposals while it
 * is a draft, decided ones once issued: every proposal tied to it), by ord then id. cb's
 * non-zero stops the walk and is returned; 0 when done (no decision: no rows), -1 error. */
int store_award_list(store_t *st, int64_t document_id,
                     int (*cb)(const store_award_item_t *, void *), void *ctx);
/* A decided award for a unit's public page. */
typedef struct store_award_public {
	int64_t id, unit_id;                /* the proposal and its proposing unit */
	const char *unit_name;              /* the proposing unit's */
	const char *category, *name, *form; /* codes: category, form */
	int64_t decision_id, decider_id, document_id;
	int32_t issued_on;
	int doc_public; /* the document is public (/van-ban/:id) */
	int doc_number;
	const char *doc_json; /* the document, for its symbol */
	int32_t doc_date;
} store_award_public_t;
/* Decided awards of issued, public decisions whose document is published, that unit_id
 * decided or proposed, newest decision first then in list order, at most limit (<= 0: 50).
 * Callback contract as store_award_list. */
int store_awards_public(store_t *st, int64_t unit_id, int limit,
                        int (*cb)(const store_award_public_t *, void *), void *ctx);

/* ---- the review queue (src/app/review_pages.c) ---- */
/* Every report waiting for review (status "submitted") in a campaign that is open: its
 * campaign and unit, in no particular order. For the "Chờ duyệt (N)" count of the menu:
 * one query over the reports' index alone. Callback contract as store_reports_of_campaign. */
int store_reports_waiting(store_t *st, int (*cb)(int64_t campaign_id, int64_t unit_id, void *ctx),
                          void *ctx);
/* A number that changes with every change made through this store to reports or
 * campaigns (as store_identity_version does for accounts): what was counted from them
 * while it said v is current while it still says v. Another process's writes do not move
 * it: whoever caches on it must also bound how long an answer is trusted. */
uint64_t store_reports_version(store_t *st);
/* The same for notices and their read marks (the bell's unread count). */
uint64_t store_notices_version(store_t *st);
/* The same for reminders, their e-mails (the outbox) and the chase schedules (the chase
 * board's marks and schedule box). */
uint64_t store_chase_version(store_t *st);

/* ---- budget (docs/budget.md; src/service/budget.c) ---- */

/* One (campaign, unit, source, purpose) line in whole dong. */
typedef struct store_budget_line {
	int64_t campaign_id, unit_id;
	const char *source;  /* "nsnn", "xhh", "khac" */
	const char *purpose; /* "tuyen_truyen", "lop_hoc", "khen_thuong", "khac" */
	int64_t planned, approved, spent;
} store_budget_line_t;

/* Money of one issued decision's decided awards. */
typedef struct store_budget_award {
	int64_t decision_id, unit_id, campaign_id, document_id;
	const char *fund_source; /* "nsnn", "xhh", "khac" */
	int32_t issued_on;       /* days since 1970 */
	int doc_number, doc_year;
	const char *subject;
	int64_t amount, awards; /* sum of the awards' amount; how many */
} store_budget_award_t;

/* Lines of campaigns ids[0..n) (n >= 1) of the units whose unit_path starts with path
 * (exact: equals it). Lock: cb runs with the store lock held; it must not call the store.
 * Lifetime: strings valid until cb returns. 0 (also when cb returns non-zero, which
 * stops), or -1. */
int store_budget_lines(store_t *st, const int64_t *ids, size_t n, const char *path, int exact,
                       int (*cb)(const store_budget_line_t *, void *), void *ctx);
/* The decided awards' money (award_proposals decided, their award_decisions issued) of
 * decisions of campaigns ids[0..n) by units whose path starts with path (exact: equals
 * it), one row per decision. Same lock and lifetime as store_budget_lines. */
int store_budget_awards(store_t *st, const int64_t *ids, size_t n, const char *path, int exact,
                        int (*cb)(const store_budget_award_t *, void *), void *ctx);
/* The head of (campaign_id, unit_id): *version (0 when nothing was ever saved),
 * *updated_at, *updated_by. 0 or -1. */
int store_budget_head(store_t *st, int64_t campaign_id, int64_t unit_id, int64_t *version,
                      int64_t *updated_at, int64_t *updated_by);
/* Writes lines[0..n) of (campaign_id, unit_id) at expected_version (0: none saved yet),
 * replacing the unit's lines (all-zero ones are not kept); the head's version moves by one into
 * *version. Joins the caller's transaction (store_tx_begin). 0, -2 (stale: the head is not
 * at expected_version; nothing written), or -1. */
int store_budget_save(store_t *st, int64_t campaign_id, int64_t unit_id, const char *unit_path,
                      const store_budget_line_t *lines, size_t n, int64_t expected_version,
                      int64_t now, int64_t by, int64_t *version /* OUT */);

/* What budget totals depend on, without a query: moves with every committed change of
 * this store's budget, commendation (proposals, decisions: awards are decided when their
 * decision is issued) or campaign rows (an adoption moves where lines count). Kept totals
 * are good while it is the same. Another process's writes are not seen: the watcher drops
 * every campaign's kept pages then. */
uint64_t store_budget_version(store_t *st);

/* ---- decided awards (docs/awards.md) ---- */

/* An award: a decided proposal of an issued decision. */
typedef struct store_decided_award {
	int64_t proposal_id, decision_id, document_id;
	int64_t campaign_id;      /* the decision's */
	int64_t decider_unit_id;  /* the decision's issuer */
	const char *decider_path; /* its unit path ("/VN/31/306/") */
	int64_t unit_id;          /* the proposing unit */
	const char *category;     /* a category code of data/awards.json */
	const char *name, *form;
	int64_t amount; /* đồng */
	int32_t issued_on;
	int number; /* the document's number */
} store_decided_award_t;

typedef struct store_decided_query {
	const int64_t *campaigns; /* decisions of these campaigns (n of them, >= 1) */
	size_t ncampaigns;
	int64_t decider_id; /* > 0: only this unit's decisions */
	const char *path;   /* non-NULL: only decisions of units in this subtree */
} store_decided_query_t;

/* Every decided award matching q, by decider path, decision, then the decision's order. */
int store_decided_awards(store_t *st, const store_decided_query_t *q,
                         int (*cb)(const store_decided_award_t *, void *), void *ctx);

/* Tests (fault injection, as SQLite's test_malloc.c): the nth write call from now (0: the
 * next one) fails as a full disk would, a statement, a transaction's begin or its commit. */
void store_fault_install(store_t *st, long n);
/* 1 once it has fired. */
int store_fault_fired(store_t *st);
/* Removes it: 1 when it fired. */
int store_fault_remove(store_t *st);

/* Moving a deployment (src/db/store_copy.c, `suotdoi migrate --from --to`): every row of
 * the SQLite database from copied into the new store to (PostgreSQL, or another SQLite
 * file) in one transaction, refused unless to is empty and at the same schema version;
 * then each table's row count and checksum compared on both sides. progress (may be NULL)
 * gets a line per table. 0, or -1 with a Vietnamese err (to unchanged when the copy
 * failed; when only the check failed, err says not to use it). */
int store_copy(const char *from, const char *to, void (*progress)(const char *line, void *ctx),
               void *ctx, char *err, size_t errlen);

/* An online backup of the SQLite database at path into the new file to (SQLite's backup API,
 * every page in one read transaction: a snapshot, which in WAL mode a running server's writes
 * go on beside), then PRAGMA integrity_check on the copy. *pages: its size in pages. 0, or -1
 * with a Vietnamese err (to removed). PostgreSQL: service/backup.h runs pg_dump. */
int store_sqlite_backup(const char *path, const char *to, int64_t *pages, char *err,
                        size_t errlen);

/* For backups and restores (src/db/store_backup.c, service/backup.h): PRAGMA integrity_check
 * on the SQLite file path (opened read-write, never created; 0, or -1 with a Vietnamese err naming what is
 * wrong); the highest applied migration of a database (a SQLite path or "sqlite:PATH", or a
 * PostgreSQL URI) read without opening it as a store, so nothing is migrated; how many tables
 * the schema public of a PostgreSQL database holds (0: a fresh database). */
int store_sqlite_check(const char *path, char *err, size_t errlen);
int store_backup_version(const char *spec, int *version /* OUT */, char *err, size_t errlen);
int store_pg_tables(const char *uri, long long *n /* OUT */, char *err, size_t errlen);

/* Backends (src/db/store_<name>.c). */
int store_sqlite_open(const char *path, store_t **out, char *err, size_t errlen);
/* conninfo: a libpq URI (postgresql://...) or key=value string. */
int store_pg_open(const char *conninfo, store_t **out, char *err, size_t errlen);

#endif
