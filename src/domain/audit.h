/* An audit_log entry written by the workflow that makes the change it records, with store
 * calls inside that change's own transaction: the entry and the change are committed
 * together or not at all (docs/architecture.md, *The audit log*). The HTTP adapters pass
 * who acts; only events that change nothing else (a sign-in, a failed one) are appended on
 * their own (app_audit). */
#ifndef SUOTDOI_AUDIT_H
#define SUOTDOI_AUDIT_H

#include <stdint.h>

#include "db/store.h"
#include "domain/units.h"

/* Who made a change. */
typedef struct audit_actor {
	int64_t user_id;  /* 0 = none (the command line, the demo) */
	const char *name; /* the username; NULL = "" */
	const char *ip;   /* the client's address; NULL = "" */
} audit_actor_t;

/* What changed, under which unit. */
typedef struct audit_entry {
	int32_t unit;       /* tree index in the tree given (out of range = the root) */
	const char *action; /* "activity.update", "campaign.status", "doc.publish", ... */
	const char *target; /* what changed ("activity:12", a campaign's name...); NULL = "" */
	const char *old_value, *new_value; /* NULL = "" */
} audit_entry_t;

/* Append e at time at by by (NULL = none) in the caller's open transaction (or alone when
 * none is open). 0, or -1 when the store refused it (logged): the caller rolls back. */
int audit_write(store_t *st, const unit_tree_t *t, const audit_actor_t *by, int64_t at,
                const audit_entry_t *e);

#endif
