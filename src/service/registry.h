/* The dated registry import: a new national registry of localities (provinces, districts,
 * communes) taking effect on a day, with the merge map that says which old units each new
 * one was formed from, applied without rewriting history (the 2025 merger).
 *
 * Transport-neutral: the command line (suotdoi units import FILE --as-of DATE --merges
 * MAP.csv) and the admin page call the same functions. registry_plan reads the files and
 * the store, checks everything and computes the whole change, writing nothing; the plan
 * is the preview (counts, the bodies that follow their locality or wait to be placed,
 * warnings, a Vietnamese summary). registry_apply writes it in one transaction. Bodies
 * left waiting (their locality closed with no single full successor) are placed later
 * with registry_place / registry_place_csv; registry_pending lists them.
 *
 * The rules (docs/units-csv.md):
 * - Base: the localities valid on as_of other than the root VN. as_of > 0 and
 *   as_of >= store_registry_date() (the date of the current tree).
 * - A base locality L opened before as_of continues (same unit) iff the file has its code
 *   with the same name and kind and the merge map (if given) has, for new code L, exactly
 *   the row (L, full), and L's code is no other new unit's old code. It moves (a dated
 *   placement) when its parent changes (another parent code, or a parent that closes and
 *   is reopened under the same code). Any other base locality closes on the eve
 *   (valid_to = as_of - 1) and, if the file has its code, a new unit with the code opens
 *   on as_of.
 * - A base locality opened on as_of (a re-run on the same date) is corrected in place if
 *   the file differs; absent from the file, the plan is refused.
 * - File rows whose code is not in the base open on as_of.
 * - Lineage: from the merge map (new code -> the unit valid on as_of; old code -> a
 *   locality valid on the eve), self rows of a continuing unit not stored; without a map,
 *   a closed code reopened gets (new <- old, full). Stored lineage is rewritten only when
 *   its kind differs.
 * - Bodies (non-localities) follow their locality: one still open under a closing
 *   locality moves on as_of to the locality's successor when it has exactly one, full
 *   (its locality_code follows when it was the old parent's code); otherwise it waits,
 *   listed with candidate parents. Bodies under bodies follow their body.
 * - Importing the same files on the same date again plans nothing and writes nothing.
 *
 * Every message is Vietnamese and names the file's line and what to do. Strings in the
 * structs below are owned by the plan / pending list / nothing (rows: the caller's). */
#ifndef SUOTDOI_SERVICE_REGISTRY_H
#define SUOTDOI_SERVICE_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "db/store.h"

/* A unit named in a preview. */
typedef struct registry_ref {
	int64_t id;       /* store id; 0 for a unit the plan opens (not stored yet) */
	const char *code; /* never NULL */
	const char *name; /* never NULL */
} registry_ref_t;

/* The most candidate parents listed for a waiting body. */
#define REGISTRY_MAX_CANDIDATES 30

/* A body (school, office, CLC…) whose parent locality closes (or closed). */
typedef struct registry_body {
	int64_t id;                /* store id of the body */
	const char *code, *name;   /* the body's */
	const char *kind;          /* its kind code ("truong_th"…) */
	const char *kind_name;     /* the kind's display name ("Trường tiểu học"…) */
	const char *locality_code; /* its locality_code now ("" when none) */
	registry_ref_t holder;     /* the parent locality that closes (or closed) */
	int32_t holder_last_day;   /* the holder's last valid day (a plan: as_of - 1) */
	/* 1: it moves automatically to new_parent on holder_last_day + 1 (the holder's
	 * single full successor); 0: it waits to be placed (registry_place) */
	int auto_placed;
	registry_ref_t new_parent;     /* auto_placed; else {0, "", ""} */
	const char *new_locality_code; /* auto_placed: its locality_code after the move */
	/* !auto_placed: the parents to choose from, deduplicated, in code order, at most
	 * REGISTRY_MAX_CANDIDATES: the holder's successors (a split: partial rows), or for a
	 * holder without successors (an abolished district) the successors of the localities
	 * directly under it and of the holder's own parent. A successor is the unit valid
	 * after the holder's last day: a continuing locality is its own successor. */
	const registry_ref_t *candidates;
	size_t ncandidates;
	size_t candidates_total;  /* before the cut at REGISTRY_MAX_CANDIDATES */
	int holder_has_successor; /* 0: the holder was abolished (no lineage from it) */
	size_t nbelow;            /* open bodies under this one, which follow it */
} registry_body_t;

typedef struct registry_counts {
	size_t rows;       /* data rows of the registry file */
	size_t merge_rows; /* data rows of the merge map (0 without one) */
	size_t base;       /* localities valid on as_of before the import (root excluded) */
	size_t unchanged;  /* base localities that stay exactly as they are */
	size_t opened;     /* units opened on as_of */
	size_t closed;     /* base localities closed on the eve (valid_to = as_of - 1) */
	size_t renamed;    /* of the opened: their code closed under another name */
	/* continuing localities that move to another parent (dated placement), plus opened
	 * units whose code sat under another parent code */
	size_t moved;
	size_t corrected;       /* units opened on as_of corrected in place (a re-run) */
	size_t lineage;         /* lineage rows to write (new, or with another kind) */
	size_t bodies_moved;    /* bodies moved automatically to their holder's successor */
	size_t bodies_to_place; /* bodies this import leaves waiting to be placed */
	/* bodies already waiting before this import (their parent closed earlier, e.g. on a
	 * re-run): listed again, nothing written for them */
	size_t bodies_waiting;
	size_t closed_without_successor; /* closed localities nothing was formed from */
} registry_counts_t;

/* What one locality change is, for a preview listing (flags, may combine). */
enum {
	REGISTRY_CH_OPEN = 1,     /* a unit opens on as_of */
	REGISTRY_CH_CLOSE = 2,    /* a unit closes on the eve */
	REGISTRY_CH_MOVE = 4,     /* a continuing unit changes parent / an opened code moved */
	REGISTRY_CH_RENAME = 8,   /* an opened unit's code closed under another name */
	REGISTRY_CH_CORRECT = 16, /* a unit opened on as_of corrected in place (a re-run) */
};

typedef struct registry_change {
	unsigned what;           /* REGISTRY_CH_* flags */
	size_t line;             /* its line in the registry file; 0 for a close */
	int64_t id;              /* the stored unit (0 for an opening) */
	const char *code, *name; /* the unit after the change (a close: as it was) */
	const char *kind;        /* kind code after the change */
	/* the name before (an opening: that of the unit closing with the code, or "") */
	const char *old_name;
	const char *parent_code;     /* after ("VN" at the top; a close: its parent then) */
	const char *old_parent_code; /* before, or "" */
} registry_change_t;

typedef enum registry_warning_kind {
	REGISTRY_WARN_ROLES = 1, /* accounts hold roles at localities that close */
	REGISTRY_WARN_CAMPAIGN =
	        2, /* a campaign on a tree day >= as_of has reports of closing units */
	REGISTRY_WARN_NAMES = 3, /* merge map names differ from the file's / the store's */
} registry_warning_kind_t;

/* Warnings do not stop the import; they tell what to look at. */
typedef struct registry_warning {
	registry_warning_kind_t kind;
	size_t count;        /* roles, reports or names concerned */
	int64_t campaign_id; /* REGISTRY_WARN_CAMPAIGN: the campaign; else 0 */
	const char *text;    /* one Vietnamese paragraph naming up to the first 10 */
} registry_warning_t;

struct registry_plan_data;

typedef struct registry_plan {
	int32_t as_of;      /* the day the file takes effect (days since 1970-01-01) */
	int32_t tree_date;  /* store_registry_date() when planned (0 = no dated import yet) */
	int rerun;          /* 1: a dated import on as_of was already applied */
	int64_t generation; /* store_units_generation() when planned (apply checks it) */
	int with_merges;    /* 1: a merge map was given */
	registry_counts_t n;
	int nothing_to_do; /* 1: apply writes nothing (no change, no lineage, no body moves) */
	/* Locality changes (opened, closed, moved, corrected; unchanged ones are not
	 * listed), in the registry file's order, the closes after, by code. */
	const registry_change_t *changes;
	size_t nchanges;
	/* The bodies: waiting ones first (by holder code, then code), then those moved
	 * automatically (same order): n.bodies_to_place + n.bodies_waiting + n.bodies_moved
	 * of them. */
	const registry_body_t *bodies;
	size_t nbodies;
	const registry_warning_t *warnings;
	size_t nwarnings;
	/* One Vietnamese paragraph: the date, the counts and what remains to do; stored in
	 * registry_imports.summary by apply. */
	const char *summary;
	struct registry_plan_data *priv; /* internal: the change to write */
} registry_plan_t;

/* Plan the import of units_csv (the registry format code,name,type,level,parent_code;
 * docs/units-csv.md) taking effect on as_of, with merges_csv (new_code,new_name,
 * old_code,old_name,kind; kind full|partial, also "toàn bộ"|"một phần"; NULL = none).
 * Reads the store, writes nothing. 0 with *plan filled, or -1 with err: up to 10
 * Vietnamese errors naming the file and line ("Bảng sáp nhập, dòng 12: …"), then "… và N
 * lỗi khác", ending with "Không có dữ liệu nào được ghi." (*plan then empty; freeing it
 * is harmless). */
int registry_plan(store_t *st, const char *units_csv, size_t len, const char *merges_csv,
                  size_t mlen, int32_t as_of, registry_plan_t *plan /* OUT */, char *err,
                  size_t errlen);

/* Write the plan in one store transaction, all or nothing (store_registry_apply and an
 * audit_log entry "units.registry_import" at VN with the summary): by is the user id
 * (0 = the command line), source the files' names (for registry_imports.source and the
 * audit entry; may be NULL). A plan with nothing_to_do writes nothing at all. Refused if
 * the units changed since the plan (generation): plan again. 0, or -1 with err
 * (Vietnamese; nothing written). */
int registry_apply(store_t *st, const registry_plan_t *plan, int64_t by, const char *source,
                   char *err, size_t errlen);

void registry_plan_free(registry_plan_t *plan);

/* After a dated import on as_of, opt-in: for every role held on a locality that closed on
 * the eve with exactly one successor, formed from it wholly, the same role on the
 * successor (the old role stays, for the past campaigns). A second run grants nothing.
 * One transaction, a "role.grant" audit entry per role added. by: user id, 0 = the
 * command line. *granted (may be NULL): roles added. 0, or -1 with err (Vietnamese;
 * nothing written). */
int registry_carry_roles(store_t *st, int32_t as_of, int64_t by, size_t *granted /* OUT */,
                         char *err, size_t errlen);

/* ---- bodies waiting for a parent ---- */

typedef struct registry_pending {
	/* Open bodies whose parent is closed (or closes on a planned date), with their holder
	 * and candidates (auto_placed is 0), by holder code then code. */
	const registry_body_t *bodies;
	size_t nbodies;
	struct registry_plan_data *priv; /* internal */
} registry_pending_t;

/* The bodies waiting now. 0, or -1 with err. Free with registry_pending_free. */
int registry_pending(store_t *st, registry_pending_t *out /* OUT */, char *err, size_t errlen);
void registry_pending_free(registry_pending_t *p);

/* One placement: a waiting body (open, its parent closed) moves to parent_code on the day
 * after its holder's last day (the new parent must be valid that day), or, parent_code
 * NULL or "", closes with its holder (valid_to = the holder's last day; open bodies under
 * it close too). */
typedef struct registry_place_row {
	size_t line;             /* the CSV line for messages; 0: messages name the code */
	const char *code;        /* the waiting body's code */
	const char *parent_code; /* the new parent's code; NULL or "" = close */
} registry_place_row_t;

typedef struct registry_place_stats {
	size_t placed, closed; /* bodies moved / closed (bodies under a closed one included) */
} registry_place_stats_t;

/* Check every row (line-numbered Vietnamese errors, up to 10, ending with "Không có dữ
 * liệu nào được ghi."), then write them all in one transaction (grouped by date), with an
 * audit_log entry "units.registry_place". by: user id, 0 = the command line. 0 with
 * *stats (may be NULL), or -1 with err (nothing written). */
int registry_place(store_t *st, const registry_place_row_t *rows, size_t n, int64_t by,
                   registry_place_stats_t *stats /* OUT */, char *err, size_t errlen);
/* The same from a CSV with the columns code and parent_code (a header line, any order;
 * other columns are ignored, so the waiting list handed out to fill in comes back as is):
 * parent_code "-" closes the body with its holder, an empty one leaves it waiting. */
int registry_place_csv(store_t *st, const char *csv, size_t len, int64_t by,
                       registry_place_stats_t *stats /* OUT */, char *err, size_t errlen);

#endif
