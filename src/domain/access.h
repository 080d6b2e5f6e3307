/* Who may do what where: the single access decision for (user, action, target unit),
 * from the user's roles on the target and its ancestors. Pure: works on the unit tree
 * snapshot and the user's grants; every route passes through it (src/app/guard.c). */
#ifndef SUOTDOI_ACCESS_H
#define SUOTDOI_ACCESS_H

#include <stddef.h>
#include <stdint.h>

#include "domain/units.h"

typedef enum role {
	ROLE_ADMIN,    /* quản trị hệ thống */
	ROLE_HEAD,     /* lãnh đạo đơn vị */
	ROLE_OVERSEER, /* cán bộ theo dõi */
	ROLE_ENTRY,    /* cán bộ nhập liệu */
	ROLE_VIEWER,   /* chỉ xem */
	ROLE_COUNT
} role_t;

typedef enum action {
	ACT_UNIT_VIEW,       /* see a unit's non-public data */
	ACT_REPORT_EDIT,     /* enter or change a unit's figures */
	ACT_REPORT_SUBMIT,   /* submit and sign a unit's report */
	ACT_REPORT_REVIEW,   /* return or approve a unit's report */
	ACT_USERS_VIEW,      /* see who acts for a unit */
	ACT_USERS_MANAGE,    /* create, disable, reset, grant and revoke roles at a unit */
	ACT_AUDIT_READ,      /* read the audit log of a unit's subtree */
	ACT_SYSTEM_MANAGE,   /* registry imports, kinds, templates, system settings */
	ACT_CAMPAIGN_MANAGE, /* issue and edit campaigns for the unit's subtree */
	ACT_COUNT
} action_t;

/* How far a role held on unit A reaches for an action. */
typedef enum scope {
	SCOPE_NONE,
	SCOPE_OWN,     /* A itself */
	SCOPE_BELOW,   /* strictly under A (on a child's behalf, reviewing children) */
	SCOPE_SUBTREE, /* A and everything under it */
} scope_t;

/* A role held on a unit (tree index in the snapshot the check runs against). */
typedef struct access_grant {
	int32_t unit;
	role_t role;
} access_grant_t;

/* "admin", "head", "overseer", "entry", "viewer"; role_parse returns -1 if unknown. */
const char *role_code(role_t r);
const char *role_name(role_t r); /* Vietnamese display name */
int role_parse(const char *code, role_t *out /* OUT */);
/* "unit.view", "report.edit", ... ; action_parse returns -1 if unknown. */
const char *action_code(action_t a);
int action_parse(const char *code, action_t *out /* OUT */);

/* The rule table itself (for documentation pages and tests). */
scope_t access_rule(role_t r, action_t a);

/* 1 if grants allow action a on unit target, else 0. */
int access_allowed(const unit_tree_t *t, const access_grant_t *g, size_t n, action_t a,
                   int32_t target);

/* 1 if grants allow action a on every unit strictly under unit: a role on unit or above
 * whose scope reaches below the unit it is held on (whoever reviews a level's subtree). */
int access_allowed_below(const unit_tree_t *t, const access_grant_t *g, size_t n, action_t a,
                         int32_t unit);

/* 1 if the holder of grants may give role r on unit u: they manage users there, and every
 * right r would give (on u and under it) they already hold. Revoking needs the same. */
int access_can_grant(const unit_tree_t *t, const access_grant_t *g, size_t n, role_t r, int32_t u);

#endif
