/* Outlier warnings (service/warnings.h): soft ranges and ratios of the template, the unit's
 * peers, its previous campaign. */
#include "service/warnings.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "text/text.h"

const char *
warn_rule_code(warn_rule_t r)
{
	switch (r) {
	case WARN_RANGE: return "range";
	case WARN_RATIO: return "ratio";
	case WARN_PEERS: return "peers";
	case WARN_PREVIOUS: return "previous";
	}
	return "range";
}

/* A ratio as people read it: whole from 100 up ("20.000"), else one decimal ("2,5"). */
static const char *
fmt_ratio(arena_t *a, double x)
{
	if (x >= 100 || fabs(x - round(x)) < 0.05)
		return text_int(a, (int64_t)llround(x));
	double t = round(x * 10) / 10;
	int64_t w = (int64_t)floor(t);
	return arena_printf(a, "%s,%d", text_int(a, w), (int)llround((t - (double)w) * 10));
}

/* "1–200", "tối đa 5.000", "tối thiểu 1": a soft range's bounds. */
static const char *
fmt_range(arena_t *a, int has_min, int64_t min, int has_max, int64_t max)
{
	if (has_min && has_max)
		return arena_printf(a, "ngoài khoảng thường gặp %s–%s", text_int(a, min),
		                    text_int(a, max));
	if (has_max)
		return arena_printf(a, "lớn hơn mức thường gặp (tối đa %s)", text_int(a, max));
	return arena_printf(a, "nhỏ hơn mức thường gặp (tối thiểu %s)", text_int(a, min));
}

/* How far x is past [min, max]: x / max above, min / x below (>= 1 when outside). */
static double
beyond(double x, int has_min, double min, int has_max, double max)
{
	if (has_max && x > max)
		return max > 0 ? x / max : x + 1;
	if (has_min && x < min)
		return x > 0 ? min / x : min + 1;
	return 0;
}

typedef struct wlist {
	warn_t *w;
	size_t n, cap;
} wlist_t;

static void
add(arena_t *a, wlist_t *l, const tpl_item_t *it, warn_rule_t rule, const char *msg, double score)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 8;
		warn_t *w = arena_alloc(a, cap * sizeof *w);
		if (l->n)
			memcpy(w, l->w, l->n * sizeof *w);
		l->w = w;
		l->cap = cap;
	}
	l->w[l->n++] = (warn_t){it, rule, msg, score < 1 ? 1 : score};
}

static void
check_ranges(arena_t *a, const template_t *tpl, const rep_values_t *v, wlist_t *l)
{
	for (size_t c = 0; c < tpl->ncols; c++) {
		const tpl_item_t *it = template_item_col(tpl, (int)c);
		if (!it || !it->warn || !v->has[c])
			continue;
		const tpl_warn_t *w = it->warn;
		double s = beyond((double)v->num[c], w->has_min, (double)w->min, w->has_max,
		                  (double)w->max);
		if (s <= 0)
			continue;
		const char *msg =
		        arena_printf(a, "Số liệu là %s%s%s, %s.%s%s", text_int(a, v->num[c]),
		                     it->unit[0] ? " " : "", it->unit,
		                     fmt_range(a, w->has_min, w->min, w->has_max, w->max),
		                     w->message[0] ? " " : "", w->message);
		add(a, l, it, WARN_RANGE, msg, s);
	}
}

static void
check_ratios(arena_t *a, const template_t *tpl, const rep_values_t *v, wlist_t *l)
{
	size_t nr;
	const tpl_ratio_t *r = template_ratios(tpl, &nr);
	for (size_t k = 0; k < nr; k++) {
		double x;
		if (!template_ratio_value(&r[k], v->num, v->has, &x) ||
		    !template_ratio_outside(&r[k], x))
			continue;
		const tpl_item_t *num = template_item_col(tpl, r[k].num_col);
		const tpl_item_t *den = template_item_col(tpl, r[k].den_col);
		const char *msg =
		        arena_printf(a, "Số %s là %s (%s %s / %s %s), %s.%s%s", r[k].label,
		                     fmt_ratio(a, x), text_int(a, v->num[r[k].num_col]), num->unit,
		                     text_int(a, v->num[r[k].den_col]), den->unit,
		                     fmt_range(a, r[k].has_min, r[k].min, r[k].has_max, r[k].max),
		                     r[k].message[0] ? " " : "", r[k].message);
		add(a, l, num, WARN_RATIO, msg,
		    beyond(x, r[k].has_min, (double)r[k].min, r[k].has_max, (double)r[k].max));
	}
}

static void
check_peers(warn_env_t *env, int32_t unit, const rep_values_t *v, wlist_t *l)
{
	const template_t *tpl = env->lc->c->tpl;
	const unit_t *u = &env->tree->units[unit];
	const outlier_stats_t *col = peers_kind_stats(&env->peers, env->arena, env->lc, env->tree,
	                                              env->counted, -1, u->kind);
	for (size_t c = 0; c < tpl->ncols; c++) {
		const tpl_item_t *it = template_item_col(tpl, (int)c);
		double z;
		if (!it || it->type == TPL_BOOL || !v->has[c] ||
		    !outlier_z(&col[c], v->num[c], &z) || fabs(z) < OUTLIER_Z)
			continue;
		const char *msg = arena_printf(
		        env->arena, "%s các đơn vị cùng loại (%s: trung vị %s, %s đơn vị).",
		        z > 0 ? "Lớn hơn nhiều so với" : "Nhỏ hơn nhiều so với", u->kind_name,
		        peers_fmt_median(env->arena, col[c].median),
		        text_int(env->arena, (int64_t)col[c].n));
		add(env->arena, l, it, WARN_PEERS, msg, fabs(z) / OUTLIER_Z);
	}
}

/* The newest earlier campaign with figures for the unit (or its predecessors): its id, or
 * -1. */
static int64_t
choose_previous(warn_env_t *env, int32_t unit)
{
	cmp_current_t cur = {env->lc, env->tree, unit, 0};
	cmp_choice_t *ch;
	size_t n;
	const char *msg;
	if (cmp_choices(env->cmp, &cur, &ch, &n, &msg) != CMP_OK)
		return -1;
	for (size_t k = 0; k < n; k++)
		if (ch[k].covers)
			return ch[k].id;
	return -1;
}

static void
check_previous(warn_env_t *env, int32_t unit, const rep_values_t *v, wlist_t *l)
{
	if (env->previous_id == 0)
		env->previous_id = choose_previous(env, unit);
	if (env->previous_id < 0)
		return;
	cmp_current_t cur = {env->lc, env->tree, unit, 0};
	cmp_result_t res;
	if (cmp_build(env->cmp, &cur, env->previous_id, &res) != CMP_OK)
		return;
	const cmp_row_t *row = NULL;
	for (size_t r = 0; r < res.nrows && !row; r++)
		if (res.rows[r].is_unit)
			row = &res.rows[r];
	/* no earlier figure, or one that leaves out a share of a split unit */
	if (!row || row->how == CMP_NONE || row->npartials > 0)
		return;
	for (size_t k = 0; k < res.nitems; k++) {
		const cmp_item_t *ci = &res.items[k];
		int c = ci->col;
		if (ci->type == TPL_BOOL || c < 0 || !v->has[c])
			continue;
		int64_t now = v->num[c], then = row->past[k];
		if (now <= 0 || then <= 0 || (now > then ? now : then) < WARN_PREVIOUS_MIN)
			continue;
		double f = now > then ? (double)now / (double)then : (double)then / (double)now;
		if (f < WARN_PREVIOUS_FACTOR)
			continue;
		const char *year = arena_printf(env->arena, "%d", res.past->year);
		const char *msg =
		        now > then ? arena_printf(env->arena, "Gấp %s lần năm trước (%s: %s).",
		                                  fmt_ratio(env->arena, f), year,
		                                  text_int(env->arena, then))
		                   : arena_printf(env->arena, "Chỉ bằng 1/%s năm trước (%s: %s).",
		                                  fmt_ratio(env->arena, f), year,
		                                  text_int(env->arena, then));
		add(env->arena, l, template_item_col(env->lc->c->tpl, c), WARN_PREVIOUS, msg,
		    f / WARN_PREVIOUS_FACTOR);
	}
}

static int
warn_cmp(const void *x, const void *y)
{
	const warn_t *a = x, *b = y;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->item->col != b->item->col)
		return a->item->col < b->item->col ? -1 : 1;
	return (a->rule > b->rule) - (a->rule < b->rule);
}

size_t
warn_unit(warn_env_t *env, int32_t unit, const rep_values_t *v, warn_t **out)
{
	*out = NULL;
	if (env == NULL || env->lc == NULL || env->tree == NULL || v == NULL || v->num == NULL ||
	    v->has == NULL || unit < 0 || unit >= env->tree->n)
		return 0;
	const template_t *tpl = env->lc->c->tpl;
	wlist_t l = {NULL, 0, 0};
	if (!env->tree->units[unit].is_locality)
		check_ranges(env->arena, tpl, v, &l);
	check_ratios(env->arena, tpl, v, &l);
	if (!env->template_only) {
		check_peers(env, unit, v, &l);
		if (env->cmp != NULL)
			check_previous(env, unit, v, &l);
	}
	if (l.n > 1)
		qsort(l.w, l.n, sizeof *l.w, warn_cmp);
	*out = l.w;
	return l.n;
}

const char *
warn_item_text(arena_t *a, const warn_t *list, size_t n, const tpl_item_t *it)
{
	buf_t b = BUF_INIT;
	for (size_t k = 0; k < n; k++)
		if (list[k].item == it) {
			if (b.len)
				buf_putc(&b, ' ');
			buf_puts(&b, list[k].message);
		}
	const char *s = b.len ? arena_strdup(a, buf_cstr(&b)) : NULL;
	buf_free(&b);
	return s;
}

static int
row_cmp(const void *x, const void *y)
{
	const warn_row_t *a = x, *b = y;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->unit != b->unit)
		return a->unit < b->unit ? -1 : 1;
	return (a->item->col > b->item->col) - (a->item->col < b->item->col);
}

size_t
warn_subtree(warn_env_t *env, int32_t level, const unsigned char *only, size_t max,
             warn_row_t **rows, size_t *total)
{
	*rows = NULL;
	*total = 0;
	const unit_tree_t *t = env->tree;
	const template_t *tpl = env->lc->c->tpl;
	if (level < 0 || level >= t->n)
		return 0;
	size_t nc = tpl->ncols ? tpl->ncols : 1;
	if (env->cmp != NULL && env->previous_id == 0)
		env->previous_id = choose_previous(env, level);
	rep_values_t v = {arena_alloc(env->arena, nc * sizeof(int64_t)),
	                  arena_alloc(env->arena, nc), NULL, NULL};
	warn_row_t *list = NULL;
	size_t n = 0, cap = 0;
	for (int32_t k = level + 1; k < t->units[level].end; k++) {
		if ((only && !only[k]) ||
		    !peers_unit_figures(env->lc, t, env->counted, k, v.num, v.has))
			continue;
		warn_t *w;
		size_t nw = warn_unit(env, k, &v, &w);
		/* one row per value: its worst warning first, the others' messages after */
		for (size_t q = 0; q < nw; q++) {
			size_t p = 0;
			while (p < q && w[p].item != w[q].item)
				p++;
			if (p < q)
				continue;
			if (n == cap) {
				cap = cap ? 2 * cap : 64;
				warn_row_t *bigger = malloc(cap * sizeof *bigger);
				if (bigger == NULL)
					abort();
				if (n)
					memcpy(bigger, list, n * sizeof *list);
				free(list);
				list = bigger;
			}
			list[n++] = (warn_row_t){k,
			                         w[q].item,
			                         v.num[w[q].item->col],
			                         w[q].rule,
			                         warn_item_text(env->arena, w, nw, w[q].item),
			                         w[q].score};
		}
	}
	if (n > 1)
		qsort(list, n, sizeof *list, row_cmp);
	*total = n;
	size_t keep = n < max ? n : max;
	if (keep) {
		*rows = arena_alloc(env->arena, keep * sizeof **rows);
		memcpy(*rows, list, keep * sizeof *list);
	}
	free(list);
	return keep;
}
