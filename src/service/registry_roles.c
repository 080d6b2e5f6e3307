/* Roles across a dated registry import: an account that acted for a locality merged
 * wholly into a new one gets the same role on the new one (the old role stays: it is what
 * the past campaigns were reported under). Opt-in (suotdoi units import --carry-roles, the
 * admin page's check box): whether the people of an absorbed province work for the new one
 * is the administrator's call, not the registry's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/mem.h"
#include "domain/units.h"
#include "service/registry.h"

typedef struct succ {
	int64_t old_id, new_id; /* new_id 0: more than one successor, or a partial one */
} succ_t;

typedef struct carry {
	arena_t *a;
	succ_t *succ;
	size_t nsucc, capsucc;
	struct grant {
		int64_t user_id, unit_id;
		const char *role, *username;
	} * g;
	size_t ng, capg;
	const unit_tree_t *eve;
	int32_t as_of;
} carry_t;

static int
collect_lineage(const store_lineage_t *l, void *p)
{
	carry_t *c = p;
	if (c->nsucc == c->capsucc) {
		c->capsucc = c->capsucc ? c->capsucc * 2 : 256;
		c->succ = xrealloc(c->succ, size_mul(c->capsucc, sizeof *c->succ));
	}
	c->succ[c->nsucc++] =
	        (succ_t){l->old_id, l->kind && !strcmp(l->kind, "full") ? l->new_id : 0};
	return 0;
}

static int
by_old(const void *x, const void *y)
{
	int64_t a = ((const succ_t *)x)->old_id, b = ((const succ_t *)y)->old_id;
	return (a > b) - (a < b);
}

/* One row per old unit, sorted: new_id its only successor, formed from it wholly, else 0. */
static void
single_successors(carry_t *c)
{
	if (c->nsucc > 1)
		qsort(c->succ, c->nsucc, sizeof *c->succ, by_old);
	size_t m = 0;
	for (size_t k = 0; k < c->nsucc; k++) {
		if (m > 0 && c->succ[m - 1].old_id == c->succ[k].old_id)
			c->succ[m - 1].new_id = 0; /* a second successor */
		else
			c->succ[m++] = c->succ[k];
	}
	c->nsucc = m;
}

static int64_t
successor(const carry_t *c, int64_t old_id)
{
	succ_t key = {old_id, 0};
	const succ_t *s = c->nsucc ? bsearch(&key, c->succ, c->nsucc, sizeof key, by_old) : NULL;
	return s ? s->new_id : 0;
}

static int
collect_role(const store_role_t *r, void *p)
{
	carry_t *c = p;
	int32_t i = unit_tree_find_id(c->eve, r->unit_id);
	if (i < 0 || !c->eve->units[i].is_locality || c->eve->units[i].valid_to != c->as_of - 1)
		return 0;
	int64_t to = successor(c, r->unit_id);
	if (to == 0)
		return 0;
	if (c->ng == c->capg) {
		c->capg = c->capg ? c->capg * 2 : 32;
		c->g = xrealloc(c->g, size_mul(c->capg, sizeof *c->g));
	}
	c->g[c->ng++] = (struct grant){r->user_id, to, arena_strdup(c->a, r->role),
	                               arena_strdup(c->a, r->username)};
	return 0;
}

typedef struct who {
	arena_t *a;
	const char *name;
} who_t;

static int
copy_username(const store_user_t *u, void *p)
{
	who_t *w = p; /* the name is borrowed for the callback only */
	w->name = arena_strdup(w->a, u->username);
	return 0;
}

int
registry_carry_roles(store_t *st, int32_t as_of, int64_t by, size_t *granted, char *err,
                     size_t errlen)
{
	arena_t a = ARENA_INIT;
	carry_t c = {.a = &a, .as_of = as_of};
	unit_tree_t *eve = NULL, *day = NULL;
	size_t n = 0;
	int ret = -1;
	if (granted)
		*granted = 0;
	char terr[256];
	if (unit_tree_build_at(st, as_of - 1, &eve, terr, sizeof terr) < 0 ||
	    unit_tree_build_at(st, as_of, &day, terr, sizeof terr) < 0 ||
	    store_lineage_each(st, collect_lineage, &c) < 0) {
		snprintf(err, errlen, "Không đọc được danh mục đơn vị để chuyển vai trò.");
		goto out;
	}
	single_successors(&c);
	c.eve = eve;
	/* read every role before writing any: no store call inside another's callback */
	if (store_roles_each(st, collect_role, &c) < 0) {
		snprintf(err, errlen, "Không đọc được vai trò của các tài khoản.");
		goto out;
	}
	if (c.ng == 0) {
		ret = 0;
		goto out;
	}
	int64_t now = (int64_t)time(NULL);
	who_t w = {&a, "(dòng lệnh)"};
	if (by > 0)
		store_user_get(st, by, copy_username, &w);
	const char *who = w.name;
	if (store_tx_begin(st) < 0) {
		snprintf(err, errlen, "Lỗi cơ sở dữ liệu khi bắt đầu ghi vai trò.");
		goto out;
	}
	for (size_t k = 0; k < c.ng; k++) {
		int rc = store_role_grant(st, c.g[k].user_id, c.g[k].unit_id, c.g[k].role, by, now);
		int32_t i = unit_tree_find_id(day, c.g[k].unit_id);
		if (rc < 0 || i < 0) {
			store_tx_rollback(st);
			snprintf(err, errlen,
			         "Không cấp được vai trò cho tài khoản %s; không vai trò nào được "
			         "chuyển.",
			         c.g[k].username);
			goto out;
		}
		if (rc == 0)
			continue; /* held already: a second run */
		buf_t path = BUF_INIT;
		unit_tree_path(day, i, &path);
		store_audit_t ae = {.at = now,
		                    .actor_id = by,
		                    .actor_name = who,
		                    .unit_id = c.g[k].unit_id,
		                    .unit_path = buf_cstr(&path),
		                    .action = "role.grant",
		                    .target = c.g[k].username,
		                    .new_value = c.g[k].role,
		                    .ip = ""};
		int arc = store_audit_append(st, &ae);
		buf_free(&path);
		if (arc < 0) {
			store_tx_rollback(st);
			snprintf(err, errlen,
			         "Không ghi được nhật ký; không vai trò nào được chuyển.");
			goto out;
		}
		n++;
	}
	if (store_tx_commit(st) < 0) {
		snprintf(err, errlen,
		         "Lỗi cơ sở dữ liệu khi ghi vai trò; không vai trò nào được "
		         "chuyển.");
		goto out;
	}
	if (granted)
		*granted = n;
	ret = 0;
out:
	if (eve)
		unit_tree_unref(eve);
	if (day)
		unit_tree_unref(day);
	free(c.succ);
	free(c.g);
	arena_free(&a);
	return ret;
}
