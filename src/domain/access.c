/* The access rule table and the decisions made from it. One table, read by one function:
 * a route, a handler or a template never decides access by itself. */
#include "domain/access.h"

#include <string.h>

#define N SCOPE_NONE
#define O SCOPE_OWN
#define B SCOPE_BELOW
#define S SCOPE_SUBTREE

/* Rows: roles; columns: actions, in enum order (the last: campaign.manage):
 *                       view report.edit submit review users.view users.manage audit system */
static const scope_t rules[ROLE_COUNT][ACT_COUNT] = {
        [ROLE_ADMIN] = /*  */ {S, S, S, B, S, S, S, S, S},
        [ROLE_HEAD] = /*   */ {S, S, S, B, S, S, S, N, S},
        [ROLE_OVERSEER] = /**/ {S, B, B, B, S, N, S, N, O},
        [ROLE_ENTRY] = /*  */ {O, O, N, N, N, N, N, N, N},
        [ROLE_VIEWER] = /* */ {S, N, N, N, N, N, N, N, N},
};

#undef N
#undef O
#undef B
#undef S

static const char *const role_codes[ROLE_COUNT] = {"admin", "head", "overseer", "entry", "viewer"};
static const char *const role_names[ROLE_COUNT] = {
        "Quản trị hệ thống", "Lãnh đạo đơn vị", "Cán bộ theo dõi", "Cán bộ nhập liệu", "Chỉ xem",
};
static const char *const action_codes[ACT_COUNT] = {
        "unit.view",    "report.edit", "report.submit", "report.review",   "users.view",
        "users.manage", "audit.read",  "system.manage", "campaign.manage",
};

const char *
role_code(role_t r)
{
	return r < ROLE_COUNT ? role_codes[r] : "?";
}

const char *
role_name(role_t r)
{
	return r < ROLE_COUNT ? role_names[r] : "?";
}

int
role_parse(const char *code, role_t *out)
{
	for (int i = 0; i < ROLE_COUNT; i++)
		if (code && strcmp(code, role_codes[i]) == 0) {
			*out = (role_t)i;
			return 0;
		}
	return -1;
}

const char *
action_code(action_t a)
{
	return a < ACT_COUNT ? action_codes[a] : "?";
}

int
action_parse(const char *code, action_t *out)
{
	for (int i = 0; i < ACT_COUNT; i++)
		if (code && strcmp(code, action_codes[i]) == 0) {
			*out = (action_t)i;
			return 0;
		}
	return -1;
}

scope_t
access_rule(role_t r, action_t a)
{
	return r < ROLE_COUNT && a < ACT_COUNT ? rules[r][a] : SCOPE_NONE;
}

/* Does a role on unit `held` reach unit `target` with scope s? */
static int
reaches(const unit_tree_t *t, scope_t s, int32_t held, int32_t target)
{
	switch (s) {
	case SCOPE_OWN: return held == target;
	case SCOPE_BELOW: return held != target && unit_tree_contains(t, held, target);
	case SCOPE_SUBTREE: return unit_tree_contains(t, held, target);
	default: return 0;
	}
}

int
access_allowed(const unit_tree_t *t, const access_grant_t *g, size_t n, action_t a, int32_t target)
{
	if (a >= ACT_COUNT || target < 0 || target >= t->n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (g[i].unit >= 0 && g[i].unit < t->n &&
		    reaches(t, access_rule(g[i].role, a), g[i].unit, target))
			return 1;
	return 0;
}

/* 1 if the grants reach every unit strictly under u for action a: some role on an
 * ancestor-or-self of u whose scope extends below the unit it is held on. */
static int
allowed_below(const unit_tree_t *t, const access_grant_t *g, size_t n, action_t a, int32_t u)
{
	for (size_t i = 0; i < n; i++) {
		scope_t s = access_rule(g[i].role, a);
		if ((s == SCOPE_BELOW || s == SCOPE_SUBTREE) && unit_tree_contains(t, g[i].unit, u))
			return 1;
	}
	return 0;
}

int
access_allowed_below(const unit_tree_t *t, const access_grant_t *g, size_t n, action_t a,
                     int32_t unit)
{
	if (a >= ACT_COUNT || unit < 0 || unit >= t->n)
		return 0;
	return allowed_below(t, g, n, a, unit);
}

int
access_can_grant(const unit_tree_t *t, const access_grant_t *g, size_t n, role_t r, int32_t u)
{
	if (r >= ROLE_COUNT || u < 0 || u >= t->n)
		return 0;
	if (!access_allowed(t, g, n, ACT_USERS_MANAGE, u))
		return 0;
	for (int a = 0; a < ACT_COUNT; a++) {
		scope_t s = access_rule(r, (action_t)a);
		if ((s == SCOPE_OWN || s == SCOPE_SUBTREE) &&
		    !access_allowed(t, g, n, (action_t)a, u))
			return 0;
		if ((s == SCOPE_BELOW || s == SCOPE_SUBTREE) &&
		    !allowed_below(t, g, n, (action_t)a, u))
			return 0;
	}
	return 1;
}
