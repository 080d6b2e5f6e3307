/* The comparison table and the per-unit exports' headings and ancestry: see unit_table.h. */
#include "service/unit_table.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/mem.h"
#include "domain/outliers.h"

/* ---------- column headings ---------- */

static const char *
item_text(arena_t *a, const tpl_item_t *it)
{
	return *it->number ? arena_printf(a, "%s. %s", it->number, it->label) : it->label;
}

utab_col_t *
utab_columns(const template_t *tpl, arena_t *a)
{
	size_t nc = tpl->ncols;
	utab_col_t *cols = arena_alloc(a, (nc ? nc : 1) * sizeof *cols);
	/* the item each column follows in its group: what a repeated label is told apart by */
	const tpl_item_t **prev = arena_alloc(a, (nc ? nc : 1) * sizeof *prev);
	memset(cols, 0, (nc ? nc : 1) * sizeof *cols);
	memset(prev, 0, (nc ? nc : 1) * sizeof *prev);
	for (size_t s = 0; s < tpl->nsections; s++) {
		const tpl_section_t *sec = &tpl->sections[s];
		const tpl_item_t *group = NULL, *last = NULL;
		for (size_t k = 0; k < sec->nitems; k++) {
			const tpl_item_t *it = &sec->items[k];
			if (it->heading) {
				group = it;
				last = NULL;
				continue;
			}
			if (it->col < 0)
				continue;
			utab_col_t *c = &cols[it->col];
			c->it = it;
			c->group = group;
			c->group_text = group ? item_text(a, group) : "";
			c->line = item_text(a, it);
			prev[it->col] = last;
			last = it;
		}
	}
	/* a label repeated in its group: named after the line it follows, when that one's
	 * label is not repeated itself */
	for (size_t c = 0; c < nc; c++) {
		int dup = 0;
		for (size_t d = 0; d < nc && !dup; d++)
			dup = d != c && cols[d].group == cols[c].group &&
			      !strcmp(cols[d].line, cols[c].line);
		if (!dup || prev[c] == NULL)
			continue;
		const tpl_item_t *p = prev[c];
		int pdup = 0;
		for (size_t d = 0; d < nc && !pdup; d++)
			pdup = cols[d].it != p && cols[d].group == cols[c].group &&
			       !strcmp(cols[d].it->label, p->label);
		if (!pdup)
			cols[c].line = arena_printf(a, "%s — %s", item_text(a, p), cols[c].line);
	}
	for (size_t c = 0; c < nc; c++)
		cols[c].heading =
		        *cols[c].group_text
		                ? arena_printf(a, "%s — %s", cols[c].group_text, cols[c].line)
		                : cols[c].line;
	/* the last resort: the item's code */
	for (size_t c = 0; c < nc; c++) {
		int dup = 0;
		for (size_t d = 0; d < nc && !dup; d++)
			dup = d != c && !strcmp(cols[d].heading, cols[c].heading);
		if (dup) {
			cols[c].line = arena_printf(a, "%s [%s]", cols[c].line, cols[c].it->code);
			cols[c].heading =
			        arena_printf(a, "%s [%s]", cols[c].heading, cols[c].it->code);
		}
	}
	return cols;
}

/* ---------- ancestry ---------- */

const char *const utab_ancestry_heading[UTAB_NANCESTRY] = {"Tỉnh/Thành phố", "Quận/Huyện",
                                                           "Xã/Phường"};

/* The administrative level of a locality, or -1 (the nation). */
static int
locality_level(const unit_t *u)
{
	static const char *const kinds[][4] = {{"tinh", "tp_tw", NULL, NULL},
	                                       {"huyen", "quan", "thi_xa", "tp_thuoc_tinh"},
	                                       {"xa", "phuong", "thi_tran", "dac_khu"}};
	for (int l = 0; l < UTAB_NANCESTRY; l++)
		for (int k = 0; k < 4 && kinds[l][k]; k++)
			if (!strcmp(u->kind, kinds[l][k]))
				return l;
	if (!strcmp(u->kind, "quoc_gia") || u->depth <= 0)
		return -1;
	return u->depth >= 3 ? UTAB_COMMUNE : u->depth - 1;
}

void
utab_ancestry(const unit_tree_t *t, int32_t i, const char *out[UTAB_NANCESTRY])
{
	for (int l = 0; l < UTAB_NANCESTRY; l++)
		out[l] = "";
	for (int32_t k = i; k >= 0; k = t->units[k].parent) {
		const unit_t *u = &t->units[k];
		if (!u->is_locality)
			continue;
		int l = locality_level(u);
		if (l >= 0 && !*out[l])
			out[l] = u->name;
	}
}

/* ---------- ratios ---------- */

size_t
utab_template_ratios(const template_t *tpl, arena_t *a, const utab_ratio_t **out)
{
	size_t n;
	const tpl_ratio_t *r = template_ratios(tpl, &n);
	utab_ratio_t *v = arena_alloc(a, (n ? n : 1) * sizeof *v);
	for (size_t k = 0; k < n; k++) {
		const tpl_item_t *num = template_item(tpl, r[k].num);
		const tpl_item_t *den = template_item(tpl, r[k].den);
		/* "Số lượt người tham gia / Số lớp ... (người mỗi lớp)" names both lines */
		v[k] = (utab_ratio_t){arena_printf(a, "%s%s%s / %s%s%s (%s)", num->number,
		                                   *num->number ? " " : "", num->label, den->number,
		                                   *den->number ? " " : "", den->label, r[k].label),
		                      r[k].num_col, r[k].den_col,
		                      arena_printf(a, "%s/%s", r[k].num, r[k].den)};
	}
	*out = n ? v : NULL;
	return n;
}

/* ---------- the table ---------- */

/* As the dashboard's drill-down: a unit with a report, or with a unit expected below. */
static int
row_shown(const live_campaign_t *lc, const unit_tree_t *t, int32_t j, int64_t reports)
{
	if (reports > 0)
		return 1;
	for (int32_t k = j; k < t->units[j].end; k++)
		if (campaign_expects(lc->c, t, k))
			return 1;
	return 0;
}

typedef struct sort_ctx {
	const unit_tree_t *t;
	int sort, desc;
} sort_ctx_t;

static int
cmp_i64(int64_t a, int64_t b)
{
	return (a > b) - (a < b);
}

static int
row_cmp(const utab_row_t *a, const utab_row_t *b, const sort_ctx_t *s)
{
	int c = 0;
	if (s->sort == UTAB_SORT_NAME)
		c = cmp_i64(s->t->units[a->unit].alpha, s->t->units[b->unit].alpha);
	else if (s->sort == UTAB_SORT_REPORTS)
		c = cmp_i64(a->reports, b->reports);
	else if (s->sort >= 0)
		c = cmp_i64(a->tot[s->sort], b->tot[s->sort]);
	if (s->desc)
		c = -c;
	return c ? c : cmp_i64(a->unit, b->unit); /* ties: the tree's order */
}

/* A merge sort (stable and without a global for the comparison's context). */
static void
sort_rows(utab_row_t *v, size_t n, utab_row_t *tmp, const sort_ctx_t *s)
{
	if (n < 2)
		return;
	size_t h = n / 2;
	sort_rows(v, h, tmp, s);
	sort_rows(v + h, n - h, tmp, s);
	size_t i = 0, j = h, k = 0;
	while (i < h && j < n)
		tmp[k++] = row_cmp(&v[j], &v[i], s) < 0 ? v[j++] : v[i++];
	while (i < h)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof *v);
}

/* Who a row is compared with: localities of the same administrative level, bodies of the
 * same kind. */
static int
same_peers(const unit_tree_t *t, int32_t a, int32_t b)
{
	const unit_t *x = &t->units[a], *y = &t->units[b];
	if (x->is_locality != y->is_locality)
		return 0;
	if (x->is_locality)
		return locality_level(x) == locality_level(y);
	return !strcmp(x->kind, y->kind);
}

/* Marks each counted cell that stands out from the same column of its peers among rows. */
static void
mark_outliers(const template_t *tpl, const unit_tree_t *t, utab_row_t *rows, size_t n, arena_t *a)
{
	size_t nc = tpl->ncols;
	unsigned char *done = arena_alloc(a, n ? n : 1);
	memset(done, 0, n ? n : 1);
	int64_t *v = arena_alloc(a, (n ? n : 1) * sizeof *v);
	size_t *members = arena_alloc(a, (n ? n : 1) * sizeof *members);
	for (size_t r = 0; r < n; r++) {
		if (done[r])
			continue;
		size_t m = 0;
		for (size_t q = r; q < n; q++)
			if (!done[q] && same_peers(t, rows[r].unit, rows[q].unit)) {
				done[q] = 1;
				if (rows[q].reports > 0)
					members[m++] = q;
			}
		if (m < OUTLIER_MIN_PEERS)
			continue;
		for (size_t c = 0; c < nc; c++) {
			const tpl_item_t *it = template_item_col(tpl, (int)c);
			if (!it || it->type == TPL_BOOL)
				continue;
			for (size_t p = 0; p < m; p++)
				v[p] = rows[members[p]].tot[c];
			outlier_stats_t st;
			outlier_stats(v, m, &st);
			for (size_t p = 0; p < m; p++) {
				double z;
				int64_t x = rows[members[p]].tot[c];
				if (outlier_z(&st, x, &z) && (z >= OUTLIER_Z || z <= -OUTLIER_Z))
					rows[members[p]].outlier[c] =
					        z > 0 ? UTAB_OUT_HIGH : UTAB_OUT_LOW;
			}
		}
	}
}

void
utab_build(const live_campaign_t *lc, const unit_tree_t *t, int32_t level, const utab_opts_t *o,
           arena_t *a, utab_t *out)
{
	const template_t *tpl = lc->c->tpl;
	size_t nc = tpl->ncols, ncs = nc ? nc : 1;
	int depth = o->depth > 0 ? o->depth : 1;
	size_t max = o->max_rows ? o->max_rows : UTAB_PAGE_ROWS;
	const char *kind = o->kind && *o->kind ? o->kind : NULL;
	*out = (utab_t){.tpl = tpl, .ncols = nc, .level = level};
	out->level_tot = arena_alloc(a, ncs * sizeof(int64_t));
	out->rows_tot = arena_alloc(a, ncs * sizeof(int64_t));
	memset(out->rows_tot, 0, ncs * sizeof(int64_t));
	rollup_subtree(lc->ru, t, level, o->drafts, out->level_tot, &out->level_reports);
	int32_t base = t->units[level].depth, want = base + depth;
	size_t cap = 0;
	int64_t *tot = arena_alloc(a, ncs * sizeof *tot);
	for (int32_t k = level + 1; k < t->units[level].end; k++) {
		const unit_t *u = &t->units[k];
		if (u->depth - base > out->max_depth)
			out->max_depth = u->depth - base;
		if (u->depth != want)
			continue;
		int64_t n;
		rollup_subtree(lc->ru, t, k, o->drafts, tot, &n);
		if (!row_shown(lc, t, k, n))
			continue;
		size_t q = 0;
		while (q < out->nkinds && strcmp(out->kinds[q], u->kind) != 0)
			q++;
		if (q == out->nkinds) {
			const char **nk = arena_alloc(a, (q + 1) * sizeof *nk);
			const char **nn = arena_alloc(a, (q + 1) * sizeof *nn);
			if (q) {
				memcpy(nk, out->kinds, q * sizeof *nk);
				memcpy(nn, out->kind_names, q * sizeof *nn);
			}
			nk[q] = u->kind;
			nn[q] = u->kind_name;
			out->kinds = nk;
			out->kind_names = nn;
			out->nkinds++;
		}
		if (kind && strcmp(u->kind, kind) != 0)
			continue;
		if (out->nmatched == cap) {
			cap = cap ? cap * 2 : 64;
			utab_row_t *nr = arena_alloc(a, cap * sizeof *nr);
			if (out->nmatched)
				memcpy(nr, out->rows, out->nmatched * sizeof *nr);
			out->rows = nr;
		}
		utab_row_t *r = &out->rows[out->nmatched++];
		r->unit = k;
		r->reports = n;
		r->tot = arena_alloc(a, ncs * sizeof *r->tot);
		memcpy(r->tot, tot, ncs * sizeof *tot);
		r->outlier = arena_alloc(a, ncs);
		memset(r->outlier, 0, ncs);
		out->rows_reports += n;
		for (size_t c = 0; c < nc; c++)
			out->rows_tot[c] += tot[c];
	}
	mark_outliers(tpl, t, out->rows, out->nmatched, a);
	if (o->sort != UTAB_SORT_TREE && out->nmatched > 1) {
		sort_ctx_t s = {t, o->sort < (int)nc ? o->sort : UTAB_SORT_TREE, o->desc};
		utab_row_t *tmp = xmalloc(out->nmatched * sizeof *tmp);
		sort_rows(out->rows, out->nmatched, tmp, &s);
		free(tmp);
	}
	out->nrows = out->nmatched < max ? out->nmatched : max;
}
