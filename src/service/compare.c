/* Year over year through the merge map (see compare.h). */
#include "service/compare.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/mem.h"
#include "domain/rollup.h"

/* Lineage chains longer than this are a data error (a cycle is caught before). */
#define CMP_MAX_DEPTH 64

/* ---------- items ---------- */

static int
numeric(const tpl_item_t *it)
{
	return it->col >= 0 && !it->heading &&
	       (it->type == TPL_COUNT || it->type == TPL_MONEY || it->type == TPL_BOOL);
}

/* A yes/no item adds up as the number of units answering yes. */
static const char *
item_unit(const tpl_item_t *it)
{
	return it->type == TPL_BOOL ? "đơn vị có" : it->unit;
}

static void
match_items(arena_t *a, const template_t *cur, const template_t *past, cmp_result_t *out)
{
	size_t cap = cur->ncols + 1, pcap = past->ncols + 1;
	out->items = arena_alloc(a, cap * sizeof *out->items);
	out->cur_only = arena_alloc(a, cap * sizeof *out->cur_only);
	out->past_only = arena_alloc(a, pcap * sizeof *out->past_only);
	out->nitems = out->ncur_only = out->npast_only = 0;
	for (size_t s = 0; s < cur->nsections; s++)
		for (size_t k = 0; k < cur->sections[s].nitems; k++) {
			const tpl_item_t *it = &cur->sections[s].items[k];
			if (!numeric(it))
				continue;
			const tpl_item_t *p = template_item(past, it->code);
			if (p && numeric(p) && p->type == it->type) {
				out->items[out->nitems++] =
				        (cmp_item_t){it->code, it->number, it->label, item_unit(it),
				                     it->type, it->col,    p->col};
			} else {
				out->cur_only[out->ncur_only++] =
				        (cmp_unmatched_t){it->code, it->number, it->label,
				                          item_unit(it), p != NULL && numeric(p)};
			}
		}
	for (size_t s = 0; s < past->nsections; s++)
		for (size_t k = 0; k < past->sections[s].nitems; k++) {
			const tpl_item_t *p = &past->sections[s].items[k];
			if (!numeric(p))
				continue;
			const tpl_item_t *it = template_item(cur, p->code);
			if (it && numeric(it) && it->type == p->type)
				continue;
			out->past_only[out->npast_only++] =
			        (cmp_unmatched_t){p->code, p->number, p->label, item_unit(p),
			                          it != NULL && numeric(it)};
		}
}

/* ---------- the units an earlier figure comes from ---------- */

typedef struct found {
	int32_t idx; /* in the earlier tree */
	int partial; /* reached through a partial link */
} found_t;

typedef struct walk {
	store_t *st;
	const unit_tree_t *t; /* the earlier tree */
	found_t *f;
	size_t n, cap;
	int64_t *seen; /* id * 2 + partial, for the walk's cycles and repeated paths */
	size_t nseen, seencap;
	int err;
} walk_t;

typedef struct preds {
	int64_t of;
	int64_t *old;
	unsigned char *partial;
	size_t n, cap;
} preds_t;

static int
collect_pred(const store_lineage_t *l, void *p)
{
	preds_t *pr = p;
	if (l->new_id != pr->of || l->old_id == pr->of)
		return 0;
	if (pr->n == pr->cap) {
		pr->cap = pr->cap ? 2 * pr->cap : 8;
		pr->old = xrealloc(pr->old, pr->cap * sizeof *pr->old);
		pr->partial = xrealloc(pr->partial, pr->cap);
	}
	pr->old[pr->n] = l->old_id;
	pr->partial[pr->n++] = l->kind && !strcmp(l->kind, "partial");
	return 0;
}

static int
seen_before(walk_t *w, int64_t id, int partial)
{
	int64_t key = id * 2 + (partial ? 1 : 0);
	for (size_t k = 0; k < w->nseen; k++)
		if (w->seen[k] == key)
			return 1;
	if (w->nseen == w->seencap) {
		w->seencap = w->seencap ? 2 * w->seencap : 16;
		w->seen = xrealloc(w->seen, w->seencap * sizeof *w->seen);
	}
	w->seen[w->nseen++] = key;
	return 0;
}

static void
walk_unit(walk_t *w, int64_t id, int partial, int depth)
{
	if (w->err || depth > CMP_MAX_DEPTH || seen_before(w, id, partial))
		return;
	int32_t idx = unit_tree_find_id(w->t, id);
	if (idx >= 0 && !w->t->units[idx].closed) { /* valid on the earlier day */
		if (w->n == w->cap) {
			w->cap = w->cap ? 2 * w->cap : 8;
			w->f = xrealloc(w->f, w->cap * sizeof *w->f);
		}
		w->f[w->n++] = (found_t){idx, partial};
		return;
	}
	/* read every predecessor first: no store call inside another's callback */
	preds_t pr = {.of = id};
	if (store_lineage_of(w->st, id, collect_pred, &pr) < 0) {
		w->err = 1;
	} else {
		for (size_t k = 0; k < pr.n; k++)
			walk_unit(w, pr.old[k], partial || pr.partial[k], depth + 1);
	}
	free(pr.old);
	free(pr.partial);
}

static int
cmp_found(const void *a, const void *b)
{
	const found_t *x = a, *y = b;
	if (x->idx != y->idx)
		return x->idx < y->idx ? -1 : 1;
	return x->partial - y->partial;
}

/* The units of the earlier tree that the earlier figure of units ids[0..nids) adds up
 * (partial 0) or reports apart (partial 1), once each, none inside another one kept
 * before it, only those with figures in a campaign issued by issuer (an index of that
 * tree; -1: none), in the earlier tree's order. *same: the one unit asked for is there
 * itself. -1 on a store error. */
static int
resolve(store_t *st, const unit_tree_t *past, int32_t issuer, const int64_t *ids, size_t nids,
        found_t **out, size_t *n, int *same)
{
	walk_t w = {.st = st, .t = past};
	for (size_t k = 0; k < nids; k++)
		walk_unit(&w, ids[k], 0, 0);
	free(w.seen);
	*out = NULL;
	*n = 0;
	*same = 0;
	if (w.err) {
		free(w.f);
		return -1;
	}
	/* outside the issuer's subtree a campaign has no figures */
	size_t m = 0;
	for (size_t k = 0; k < w.n; k++)
		if (issuer >= 0 && (unit_tree_contains(past, issuer, w.f[k].idx) ||
		                    unit_tree_contains(past, w.f[k].idx, issuer)))
			w.f[m++] = w.f[k];
	/* by tree order, the full one first when a unit is reached both ways: a unit's
	 * subtree follows it, so whatever lies inside one kept comes after it */
	if (m > 1)
		qsort(w.f, m, sizeof *w.f, cmp_found);
	size_t kept = 0;
	for (size_t k = 0; k < m; k++) {
		int drop = 0;
		for (size_t j = 0; j < kept && !drop; j++)
			if (unit_tree_contains(past, w.f[j].idx, w.f[k].idx) &&
			    (!w.f[j].partial || w.f[k].partial))
				drop = 1; /* inside (or equal to) a full one, or a partial in a
				             partial */
		if (!drop)
			w.f[kept++] = w.f[k];
	}
	/* (a partial unit holding a full one: both stay, apart) */
	if (nids == 1 && kept == 1 && !w.f[0].partial && past->units[w.f[0].idx].id == ids[0])
		*same = 1;
	*out = w.f;
	*n = kept;
	return 0;
}

/* ---------- rows ---------- */

/* Adds the earlier campaign's subtree totals of the found units to the row. */
static void
add_past(const cmp_env_t *env, const live_campaign_t *lcp, const unit_tree_t *past,
         const cmp_result_t *res, const found_t *f, size_t nf, int64_t *tmp, cmp_row_t *r)
{
	arena_t *a = env->arena;
	size_t ni = res->nitems ? res->nitems : 1;
	r->sources = arena_alloc(a, (nf + 1) * sizeof *r->sources);
	r->partials = arena_alloc(a, (nf + 1) * sizeof *r->partials);
	r->past = arena_alloc(a, ni * sizeof *r->past);
	r->partial = arena_alloc(a, ni * sizeof *r->partial);
	memset(r->past, 0, ni * sizeof *r->past);
	memset(r->partial, 0, ni * sizeof *r->partial);
	for (size_t k = 0; k < nf; k++) {
		const unit_t *u = &past->units[f[k].idx];
		int64_t nrep = 0;
		rollup_subtree(lcp->ru, past, f[k].idx, 0, tmp, &nrep);
		cmp_source_t s = {u->id, arena_strdup0(a, u->code), arena_strdup0(a, u->name),
		                  arena_strdup0(a, u->kind_name), nrep};
		int64_t *dst = f[k].partial ? r->partial : r->past;
		for (size_t i = 0; i < res->nitems; i++) /* totals add up modulo 2^64 */
			dst[i] =
			        (int64_t)((uint64_t)dst[i] + (uint64_t)tmp[res->items[i].past_col]);
		if (f[k].partial) {
			r->partials[r->npartials++] = s;
			r->partial_reports += nrep;
		} else {
			r->sources[r->nsources++] = s;
			r->past_reports += nrep;
		}
	}
}

/* Something expected to report in [j, end) of the current tree. */
static int
expects_below(const campaign_t *c, const unit_tree_t *t, int32_t j)
{
	for (int32_t k = j; k < t->units[j].end; k++)
		if (campaign_expects(c, t, k))
			return 1;
	return 0;
}

/* Row for current unit i. -1 on a store error. */
static int
make_row(const cmp_env_t *env, const cmp_current_t *cur, const live_campaign_t *lcp,
         const unit_tree_t *past, int32_t issuer, cmp_result_t *res, int32_t i, int is_unit,
         int64_t *tmp, cmp_row_t *r)
{
	arena_t *a = env->arena;
	const unit_tree_t *t = cur->tree;
	const unit_t *u = &t->units[i];
	size_t ni = res->nitems ? res->nitems : 1;
	memset(r, 0, sizeof *r);
	r->unit = i;
	r->id = u->id;
	r->code = arena_strdup0(a, u->code);
	r->name = arena_strdup0(a, u->name);
	r->kind_name = arena_strdup0(a, u->kind_name);
	r->is_unit = is_unit;
	r->cur = arena_alloc(a, ni * sizeof *r->cur);
	rollup_subtree(cur->lc->ru, t, i, cur->include_drafts, tmp, &r->reports);
	for (size_t k = 0; k < res->nitems; k++)
		r->cur[k] = tmp[res->items[k].col];
	found_t *f;
	size_t nf;
	int same, rc;
	if (u->closed) {
		/* a closed locality still holding bodies not yet placed: what it holds now is
		 * those bodies, so its earlier figure is theirs, not the whole old locality's
		 * (which would read as a collapse) */
		int64_t *ids = xmalloc(((size_t)(u->end - i) + 1) * sizeof *ids);
		size_t nids = 0;
		for (int32_t k = i + 1; k < u->end; k++)
			if (!t->units[k].closed)
				ids[nids++] = t->units[k].id;
		rc = resolve(env->store, past, issuer, ids, nids, &f, &nf, &same);
		free(ids);
	} else {
		rc = resolve(env->store, past, issuer, &u->id, 1, &f, &nf, &same);
	}
	if (rc < 0)
		return -1;
	add_past(env, lcp, past, res, f, nf, tmp, r);
	free(f);
	r->how = r->nsources == 0 ? CMP_NONE : same ? CMP_SAME : CMP_LINEAGE;
	return 0;
}

/* ---------- checks ---------- */

typedef struct row_copy {
	int found;
	int64_t id, issuer;
	int year;
	char status[16];
	char *name;
	int32_t start;
} row_copy_t;

static int
copy_campaign(const store_campaign_t *c, void *p)
{
	row_copy_t *rc = p;
	rc->found = 1;
	rc->id = c->id;
	rc->issuer = c->issuer_unit_id;
	rc->year = c->year;
	snprintf(rc->status, sizeof rc->status, "%s", c->status ? c->status : "");
	rc->name = xstrdup(c->name ? c->name : "");
	rc->start = c->start_date;
	return 0;
}

static int
can_view(const cmp_env_t *env, const cmp_current_t *cur)
{
	return env->actor.operator|| access_allowed(cur->tree, env->actor.grants,
	                                            env->actor.ngrants, ACT_UNIT_VIEW, cur->unit);
}

static cmp_rc_t
fail(cmp_result_t *out, cmp_rc_t rc, const char *msg)
{
	out->message = msg;
	return rc;
}

#define STORE_MSG "Không đọc được dữ liệu; vui lòng thử lại sau ít phút."

cmp_rc_t
cmp_build(const cmp_env_t *env, const cmp_current_t *cur, int64_t earlier_id, cmp_result_t *out)
{
	arena_t *a = env->arena;
	memset(out, 0, sizeof *out);
	out->message = "";
	const campaign_t *c = cur->lc->c;
	out->cur = c;
	if (cur->unit < 0 || cur->unit >= cur->tree->n)
		return fail(out, CMP_ERR_NOT_FOUND, "Không tìm thấy đơn vị này trong đợt báo cáo.");
	if (!can_view(env, cur))
		return fail(out, CMP_ERR_DENIED,
		            "Tài khoản của bạn không có quyền xem số liệu của đơn vị này.");
	if (earlier_id == c->id)
		return fail(out, CMP_ERR_INVALID,
		            "Hãy chọn một đợt khác, diễn ra trước đợt này, để so sánh.");
	row_copy_t e = {0};
	int rc = earlier_id > 0 ? store_campaign_get(env->store, earlier_id, copy_campaign, &e) : 0;
	if (rc < 0)
		return fail(out, CMP_ERR_STORE, STORE_MSG);
	if (rc == 0 || !e.found)
		return fail(out, CMP_ERR_NOT_FOUND,
		            arena_printf(a, "Không có đợt báo cáo số %lld để so sánh.",
		                         (long long)earlier_id));
	const char *ename = arena_strdup(a, e.name);
	free(e.name);
	if (!strcmp(e.status, "draft"))
		return fail(out, CMP_ERR_INVALID,
		            arena_printf(a,
		                         "Đợt \"%s\" còn là bản nháp, chưa có số liệu chính thức: "
		                         "chưa thể dùng để so sánh.",
		                         ename));
	int32_t eday;
	rc = campaign_tree_day(env->store, earlier_id, &eday);
	if (rc < 0)
		return fail(out, CMP_ERR_STORE, STORE_MSG);
	if (rc == 0)
		return fail(out, CMP_ERR_NOT_FOUND,
		            arena_printf(a, "Không có đợt báo cáo số %lld để so sánh.",
		                         (long long)earlier_id));
	if (eday >= c->tree_day)
		return fail(
		        out, CMP_ERR_INVALID,
		        arena_printf(a,
		                     "Đợt \"%s\" không diễn ra trước đợt \"%s\": chỉ so sánh được "
		                     "với một đợt trước đó.",
		                     ename, c->name));
	const unit_tree_t *past = env->campaign_tree(env->ctx, earlier_id);
	if (past == NULL)
		return fail(out, CMP_ERR_STORE, STORE_MSG);
	live_campaign_t *lcp;
	rep_rc_t lrc = rep_live_get(env->live, env->store, past, earlier_id, &lcp);
	if (lrc == REP_ERR_NOT_FOUND)
		return fail(out, CMP_ERR_NOT_FOUND,
		            arena_printf(a, "Không có đợt báo cáo số %lld để so sánh.",
		                         (long long)earlier_id));
	if (lrc != REP_OK)
		return fail(out, CMP_ERR_STORE, STORE_MSG);
	out->past = lcp->c;
	out->past_tree = past;
	match_items(a, c->tpl, lcp->c->tpl, out);

	const unit_tree_t *t = cur->tree;
	int32_t i = cur->unit;
	int32_t issuer = campaign_issuer(lcp->c, past);
	size_t nc = c->tpl->ncols > lcp->c->tpl->ncols ? c->tpl->ncols : lcp->c->tpl->ncols;
	int64_t *tmp = arena_alloc(a, (nc ? nc : 1) * sizeof *tmp);
	out->rows = arena_alloc(a, ((size_t)t->units[i].nchildren + 1) * sizeof *out->rows);
	if (make_row(env, cur, lcp, past, issuer, out, i, 1, tmp, &out->rows[0]) < 0)
		return fail(out, CMP_ERR_STORE, STORE_MSG);
	out->nrows = 1;
	for (int32_t j = i + 1; j < t->units[i].end; j = t->units[j].end) {
		cmp_row_t *r = &out->rows[out->nrows];
		if (make_row(env, cur, lcp, past, issuer, out, j, 0, tmp, r) < 0)
			return fail(out, CMP_ERR_STORE, STORE_MSG);
		if (r->reports > 0 || r->past_reports > 0 || r->partial_reports > 0 ||
		    expects_below(c, t, j))
			out->nrows++;
	}
	return CMP_OK;
}

int
cmp_change(const cmp_result_t *res, const cmp_row_t *r, size_t k, int64_t *diff, double *pct,
           int *approx)
{
	*approx = r->npartials > 0 && k < res->nitems && r->partial[k] != 0;
	*diff = 0;
	*pct = 0;
	if (r->how == CMP_NONE || k >= res->nitems)
		return 0;
	int64_t d;
	if (__builtin_sub_overflow(r->cur[k], r->past[k], &d))
		return 0;
	*diff = d;
	if (r->past[k] <= 0)
		return 1;
	*pct = (double)d * 100.0 / (double)r->past[k];
	return 2;
}

/* ---------- the campaigns to compare with ---------- */

typedef struct rows_copy {
	row_copy_t *v;
	size_t n, cap;
} rows_copy_t;

static int
copy_each(const store_campaign_t *c, void *p)
{
	rows_copy_t *rc = p;
	if (rc->n == rc->cap) {
		rc->cap = rc->cap ? 2 * rc->cap : 16;
		rc->v = xrealloc(rc->v, rc->cap * sizeof *rc->v);
	}
	memset(&rc->v[rc->n], 0, sizeof rc->v[rc->n]);
	copy_campaign(c, &rc->v[rc->n++]);
	return 0;
}

cmp_rc_t
cmp_choices(const cmp_env_t *env, const cmp_current_t *cur, cmp_choice_t **out, size_t *n,
            const char **message)
{
	arena_t *a = env->arena;
	const campaign_t *c = cur->lc->c;
	*out = NULL;
	*n = 0;
	*message = "";
	if (!can_view(env, cur)) {
		*message = "Tài khoản của bạn không có quyền xem số liệu của đơn vị này.";
		return CMP_ERR_DENIED;
	}
	rows_copy_t all = {0};
	if (store_campaigns_each(env->store, copy_each, &all) < 0) {
		*message = STORE_MSG;
		return CMP_ERR_STORE;
	}
	cmp_rc_t ret = CMP_OK;
	*out = arena_alloc(a, (all.n + 1) * sizeof **out);
	int64_t uid = cur->tree->units[cur->unit].id;
	for (size_t k = 0; k < all.n && ret == CMP_OK; k++) {
		row_copy_t *e = &all.v[k];
		int32_t day;
		if (e->id == c->id || !strcmp(e->status, "draft"))
			continue;
		int rc = campaign_tree_day(env->store, e->id, &day);
		if (rc < 0) {
			ret = CMP_ERR_STORE;
			break;
		}
		if (rc == 0 || day >= c->tree_day)
			continue;
		const unit_tree_t *past = env->campaign_tree(env->ctx, e->id);
		if (past == NULL) {
			ret = CMP_ERR_STORE;
			break;
		}
		found_t *f;
		size_t nf;
		int same;
		if (resolve(env->store, past, unit_tree_find_id(past, e->issuer), &uid, 1, &f, &nf,
		            &same) < 0) {
			ret = CMP_ERR_STORE;
			break;
		}
		free(f);
		(*out)[(*n)++] = (cmp_choice_t){e->id,
		                                e->year,
		                                arena_strdup(a, e->name),
		                                arena_strdup(a, e->status),
		                                e->start,
		                                day,
		                                nf > 0};
	}
	for (size_t k = 0; k < all.n; k++)
		free(all.v[k].name);
	free(all.v);
	if (ret != CMP_OK)
		*message = STORE_MSG;
	return ret;
}
