/* The budget of a campaign: the lists, the read of a subtree with its decisions, the
 * checks and the write with its audit lines (see budget.h). */
#include "service/budget.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/mem.h"
#include "domain/campaign.h"
#include "text/text.h"

const bud_option_t bud_sources[BUD_NSRC] = {
        {"nsnn", "Ngân sách nhà nước"},
        {"xhh", "Xã hội hóa"},
        {"khac", "Nguồn khác"},
};
const bud_option_t bud_purposes[BUD_NPUR] = {
        {"tuyen_truyen", "Tuyên truyền"},
        {"lop_hoc", "Lớp học"},
        {"khen_thuong", "Khen thưởng"},
        {"khac", "Khác"},
};
const bud_option_t bud_kinds[BUD_NKIND] = {
        {"planned", "Kế hoạch"},
        {"approved", "Được duyệt"},
        {"spent", "Đã chi"},
};

int
bud_find(const bud_option_t *list, int n, const char *code)
{
	for (int k = 0; code && k < n; k++)
		if (!strcmp(list[k].code, code))
			return k;
	return -1;
}

void
bud_cells_add(bud_cells_t *to, const bud_cells_t *from)
{
	for (int s = 0; s < BUD_NSRC; s++)
		for (int p = 0; p < BUD_NPUR; p++)
			for (int k = 0; k < BUD_NKIND; k++)
				to->v[s][p][k] += from->v[s][p][k];
}

int64_t
bud_cells_sum(const bud_cells_t *c, int src, int pur, int kind)
{
	int64_t n = 0;
	for (int s = 0; s < BUD_NSRC; s++)
		for (int p = 0; p < BUD_NPUR; p++)
			if ((src < 0 || s == src) && (pur < 0 || p == pur))
				n += c->v[s][p][kind];
	return n;
}

int
bud_cells_any(const bud_cells_t *c)
{
	for (int k = 0; k < BUD_NKIND; k++)
		if (bud_cells_sum(c, -1, -1, k))
			return 1;
	return 0;
}

const char *
bud_cell_name(arena_t *a, int src, int pur, int kind)
{
	return arena_printf(a, "%s — %s — %s", bud_kinds[kind].name, bud_sources[src].name,
	                    bud_purposes[pur].name);
}

/* ---------- the campaigns read ---------- */

static int64_t *
arena_ids(arena_t *a, const int64_t *v, size_t n)
{
	int64_t *o = arena_alloc(a, (n ? n : 1) * sizeof *o);
	if (n)
		memcpy(o, v, n * sizeof *o);
	return o;
}

bud_rc_t
bud_scope_load(const bud_ctx_t *cx, int64_t campaign, bud_scope_t *out)
{
	memset(out, 0, sizeof *out);
	out->campaign = campaign;
	int64_t *ids = NULL, *iss = NULL, *anc = NULL;
	size_t n = 0, na = 0;
	if (campaign_adoptions(cx->store, campaign, &ids, &iss, &n) < 0)
		return BUD_ERR_STORE;
	if (campaign_ancestry(cx->store, campaign, &anc, &na) < 0) {
		free(ids);
		free(iss);
		return BUD_ERR_STORE;
	}
	arena_t *a = cx->arena;
	out->adopt = arena_ids(a, ids, n);
	out->adopt_issuer = arena_ids(a, iss, n);
	out->nadopt = n;
	int64_t *lines = arena_alloc(a, (n + 1) * sizeof *lines);
	lines[0] = campaign;
	if (n)
		memcpy(lines + 1, ids, n * sizeof *ids);
	out->lines = lines;
	out->nlines = n + 1;
	/* the ancestry starts with the campaign itself */
	int64_t *fam = arena_alloc(a, (n + na + 1) * sizeof *fam);
	size_t nf = 0;
	for (size_t k = 0; k < na; k++)
		fam[nf++] = anc[k];
	if (nf == 0)
		fam[nf++] = campaign;
	for (size_t k = 0; k < n; k++)
		fam[nf++] = ids[k];
	out->family = fam;
	out->nfamily = nf;
	free(ids);
	free(iss);
	free(anc);
	return BUD_OK;
}

int64_t
bud_campaign_of(const bud_scope_t *s, const unit_tree_t *t, int32_t i)
{
	return campaign_effective_among(s->adopt, s->adopt_issuer, s->nadopt, t, s->campaign, i);
}

/* ---------- reading a subtree ---------- */

/* Reading state: every amount read goes straight into the totals it belongs to (no list of
 * amounts, no sort: a national read is ~300.000 lines). */
typedef struct collect {
	const bud_scope_t *s;
	const unit_tree_t *t;
	int32_t lo, hi;         /* the subtree */
	const int32_t *adopter; /* tree index of each adoption's issuer (-1 none) */
	bud_view_t *v;
	int32_t *slot; /* with rows: by u - lo, the row of unit u plus one (0 none) */
	size_t cap;    /* of v->row_unit / v->row (malloc'd while reading) */
	arena_t *a;
	bud_decision_t *dec; /* the unit's own decisions (malloc'd while reading) */
	size_t capdec;
} collect_t;

static int32_t
unit_in(const collect_t *c, int64_t id)
{
	int32_t u = unit_tree_find_id(c->t, id);
	return u >= c->lo && u < c->hi ? u : -1;
}

/* The campaign unit u records in, from the adopters resolved once. */
static int64_t
campaign_of(const collect_t *c, int32_t u)
{
	int64_t best = c->s->campaign;
	int32_t depth = -1;
	for (size_t k = 0; k < c->s->nadopt; k++) {
		int32_t w = c->adopter[k];
		if (w >= 0 && w <= u && u < c->t->units[w].end && c->t->units[w].depth > depth) {
			depth = c->t->units[w].depth;
			best = c->s->adopt[k];
		}
	}
	return best;
}

/* The child of the view's unit whose subtree holds u (index in v->child), or -1. */
static int32_t
child_of(const collect_t *c, int32_t u)
{
	size_t lo = 0, hi = c->v->nchild;
	while (lo < hi) {
		size_t m = (lo + hi) / 2;
		int32_t j = c->v->child[m];
		if (u < j)
			hi = m;
		else if (u >= c->t->units[j].end)
			lo = m + 1;
		else
			return (int32_t)m;
	}
	return -1;
}

static void
add(collect_t *c, int32_t u, int s, int p, int k, int64_t amount)
{
	bud_view_t *v = c->v;
	if (amount == 0)
		return;
	v->total.v[s][p][k] += amount;
	if (u == v->unit) {
		v->own.v[s][p][k] += amount;
	} else {
		int32_t j = child_of(c, u);
		if (j >= 0)
			v->child_total[j].v[s][p][k] += amount;
	}
	if (c->slot) {
		if (c->slot[u - c->lo] == 0) {
			if (v->nrows == c->cap) {
				c->cap = c->cap ? c->cap * 2 : 64;
				v->row_unit = xrealloc(v->row_unit,
				                       size_mul(c->cap, sizeof *v->row_unit));
				v->row = xrealloc(v->row, size_mul(c->cap, sizeof *v->row));
			}
			v->row_unit[v->nrows] = u;
			memset(&v->row[v->nrows], 0, sizeof *v->row);
			c->slot[u - c->lo] = (int32_t)++v->nrows;
		}
		v->row[c->slot[u - c->lo] - 1].v[s][p][k] += amount;
	}
}

static int
line_cb(const store_budget_line_t *l, void *p)
{
	collect_t *c = p;
	int32_t u = unit_in(c, l->unit_id);
	int s = bud_find(bud_sources, BUD_NSRC, l->source);
	int q = bud_find(bud_purposes, BUD_NPUR, l->purpose);
	/* a line counts only in the campaign its unit records in (one left in the parent's
	 * campaign before its level adopted stays out) */
	if (u < 0 || s < 0 || q < 0 || (c->s->nadopt && l->campaign_id != campaign_of(c, u)))
		return 0;
	add(c, u, s, q, BUD_PLANNED, l->planned);
	add(c, u, s, q, BUD_APPROVED, l->approved);
	if (q != BUD_PUR_AWARDS)
		add(c, u, s, q, BUD_SPENT, l->spent);
	return 0;
}

static int
award_cb(const store_budget_award_t *d, void *p)
{
	collect_t *c = p;
	int32_t u = unit_in(c, d->unit_id);
	int s = bud_find(bud_sources, BUD_NSRC, d->fund_source);
	if (u < 0 || s < 0)
		return 0;
	add(c, u, s, BUD_PUR_AWARDS, BUD_SPENT, d->amount);
	if (u == c->v->unit) {
		bud_view_t *v = c->v;
		if (v->ndecisions == c->capdec) {
			c->capdec = c->capdec ? c->capdec * 2 : 8;
			c->dec = xrealloc(c->dec, size_mul(c->capdec, sizeof *c->dec));
		}
		c->dec[v->ndecisions++] =
		        (bud_decision_t){d->decision_id, d->document_id,
		                         d->campaign_id, s,
		                         d->issued_on,   d->doc_number,
		                         d->doc_year,    arena_strdup(c->a, d->subject),
		                         d->amount,      d->awards};
	}
	return 0;
}

static int
by_unit(const void *x, const void *y)
{
	int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
	return (a > b) - (a < b);
}

/* Moves n elements of size sz from the heap into the arena (at least one element). */
static void *
to_arena(arena_t *a, void *heap, size_t n, size_t sz)
{
	void *o = arena_alloc(a, size_mul(n ? n : 1, sz));
	if (n)
		memcpy(o, heap, n * sz);
	free(heap);
	return o;
}

bud_rc_t
bud_read(const bud_ctx_t *cx, const bud_scope_t *s, int32_t i, int with_rows, bud_view_t *out)
{
	const unit_tree_t *t = cx->tree;
	arena_t *a = cx->arena;
	memset(out, 0, sizeof *out);
	out->unit = i;
	out->campaign = bud_campaign_of(s, t, i);
	if (store_budget_head(cx->store, out->campaign, t->units[i].id, &out->version,
	                      &out->updated_at, &out->updated_by) < 0)
		return BUD_ERR_STORE;
	size_t nk = 0;
	for (int32_t j = i + 1; j < t->units[i].end; j = t->units[j].end)
		nk++;
	out->child = arena_alloc(a, (nk ? nk : 1) * sizeof *out->child);
	out->child_total = arena_alloc(a, (nk ? nk : 1) * sizeof *out->child_total);
	memset(out->child_total, 0, (nk ? nk : 1) * sizeof *out->child_total);
	for (int32_t j = i + 1; j < t->units[i].end; j = t->units[j].end)
		out->child[out->nchild++] = j;
	int32_t *adopter = arena_alloc(a, (s->nadopt ? s->nadopt : 1) * sizeof *adopter);
	for (size_t k = 0; k < s->nadopt; k++)
		adopter[k] = unit_tree_find_id(t, s->adopt_issuer[k]);
	collect_t c = {.s = s,
	               .t = t,
	               .lo = i,
	               .hi = t->units[i].end,
	               .adopter = adopter,
	               .v = out,
	               .a = a};
	if (with_rows)
		c.slot = xcalloc((size_t)(c.hi - c.lo), sizeof *c.slot);
	buf_t path = BUF_INIT;
	unit_tree_path(t, i, &path);
	int rc =
	        store_budget_lines(cx->store, s->lines, s->nlines, buf_cstr(&path), 0, line_cb, &c);
	if (rc == 0)
		rc = store_budget_awards(cx->store, s->family, s->nfamily, buf_cstr(&path), 0,
		                         award_cb, &c);
	buf_free(&path);
	free(c.slot);
	out->decisions = to_arena(a, c.dec, out->ndecisions, sizeof *c.dec);
	/* the rows in tree order: a unit's row is unit and cells side by side */
	size_t nr = out->nrows;
	int32_t *order = xmalloc(size_mul(nr ? nr : 1, sizeof(int32_t) * 2));
	for (size_t k = 0; k < nr; k++) {
		order[2 * k] = out->row_unit[k];
		order[2 * k + 1] = (int32_t)k;
	}
	qsort(order, nr, sizeof(int32_t) * 2, by_unit);
	int32_t *ru = arena_alloc(a, (nr ? nr : 1) * sizeof *ru);
	bud_cells_t *rw = arena_alloc(a, (nr ? nr : 1) * sizeof *rw);
	for (size_t k = 0; k < nr; k++) {
		ru[k] = order[2 * k];
		rw[k] = out->row[order[2 * k + 1]];
	}
	free(order);
	free(out->row_unit);
	free(out->row);
	out->row_unit = ru;
	out->row = rw;
	return rc < 0 ? BUD_ERR_STORE : BUD_OK;
}

/* ---------- checks and the write ---------- */

/* The amount of one typed cell into *v; an error message (arena) or NULL. */
static const char *
check_cell(arena_t *a, const bud_cell_in_t *in, int s, int p, int k, int64_t *v)
{
	const char *name = bud_cell_name(a, s, p, k);
	if (p == BUD_PUR_AWARDS && k == BUD_SPENT) {
		int typed = in->given == 2 ||
		            (in->given == 1 && in->text && in->text[strspn(in->text, " \t")]);
		return typed ? arena_printf(a,
		                            "%s: không nhập tay; số này lấy từ tiền thưởng của các "
		                            "quyết định khen thưởng đã ban hành. Hãy để trống.",
		                            name)
		             : NULL;
	}
	int64_t x = 0;
	if (in->given == 1) {
		const char *s0 = in->text ? in->text : "";
		size_t l = strlen(s0);
		if (s0[strspn(s0, " \t")] == '\0') {
			x = 0;
		} else if (text_parse_int(s0, l, &x) < 0) {
			char c[40];
			snprintf(c, sizeof c, "%.32s", s0);
			return arena_printf(
			        a,
			        "%s: “%s” không phải một số tiền; hãy nhập số đồng nguyên, "
			        "ví dụ 1.500.000 (không có phần lẻ).",
			        name, text_utf8_valid(c, strlen(c)) ? c : "?");
		}
	} else if (in->given == 2) {
		x = in->num;
	}
	if (x < 0)
		return arena_printf(a, "%s: số tiền không được âm; hãy nhập 0 hoặc một số dương.",
		                    name);
	if (x > BUD_AMOUNT_MAX)
		return arena_printf(a,
		                    "%s: số tiền quá lớn (tối đa 1.000.000.000.000 đồng); hãy kiểm "
		                    "tra lại đơn vị tính là đồng.",
		                    name);
	*v = x;
	return NULL;
}

static int
audit_cell(const bud_ctx_t *cx, int32_t i, const char *path, int64_t campaign, int s, int p, int k,
           int64_t o, int64_t n)
{
	arena_t *a = cx->arena;
	store_audit_t e = {
	        .at = cx->now,
	        .actor_id = cx->actor,
	        .actor_name = cx->actor_name ? cx->actor_name : "",
	        .unit_id = cx->tree->units[i].id,
	        .unit_path = path,
	        .action = "budget.set",
	        .target = arena_printf(a, "%lld:%s.%s.%s", (long long)campaign, bud_sources[s].code,
	                               bud_purposes[p].code, bud_kinds[k].code),
	        .old_value = arena_printf(a, "%lld", (long long)o),
	        .new_value = arena_printf(a, "%lld", (long long)n),
	        .ip = cx->ip ? cx->ip : "",
	};
	return store_audit_append(cx->store, &e) < 0 ? -1 : 0;
}

typedef struct own_lines {
	int64_t campaign;
	bud_cells_t cells;
} own_lines_t;

static int
own_cb(const store_budget_line_t *l, void *p)
{
	own_lines_t *o = p;
	int s = bud_find(bud_sources, BUD_NSRC, l->source);
	int q = bud_find(bud_purposes, BUD_NPUR, l->purpose);
	if (l->campaign_id != o->campaign || s < 0 || q < 0)
		return 0;
	o->cells.v[s][q][BUD_PLANNED] = l->planned;
	o->cells.v[s][q][BUD_APPROVED] = l->approved;
	o->cells.v[s][q][BUD_SPENT] = l->spent;
	return 0;
}

bud_rc_t
bud_save(const bud_ctx_t *cx, const bud_scope_t *s, int32_t i, const bud_input_t *in,
         int64_t *version, bud_errors_t *e, const char **message)
{
	arena_t *a = cx->arena;
	const unit_tree_t *t = cx->tree;
	memset(e, 0, sizeof *e);
	*version = 0;
	own_lines_t old = {.campaign = bud_campaign_of(s, t, i)};
	buf_t path = BUF_INIT;
	unit_tree_path(t, i, &path);
	const char *upath = arena_strdup(a, buf_cstr(&path));
	buf_free(&path);
	if (store_budget_lines(cx->store, &old.campaign, 1, upath, 1, own_cb, &old) < 0) {
		*message = "Không đọc được kinh phí đã lưu; hãy thử lại.";
		return BUD_ERR_STORE;
	}
	bud_cells_t now = old.cells;
	for (int x = 0; x < BUD_NSRC; x++)
		for (int p = 0; p < BUD_NPUR; p++)
			for (int k = 0; k < BUD_NKIND; k++) {
				const bud_cell_in_t *c = &in->c[x][p][k];
				if (!c->given)
					continue;
				const char *m = check_cell(a, c, x, p, k, &now.v[x][p][k]);
				if (m) {
					e->msg[x][p][k] = m;
					e->n++;
				}
			}
	if (e->n) {
		*message = e->n == 1
		                   ? "Có 1 ô chưa đúng; hãy sửa ô được đánh dấu rồi lưu lại."
		                   : arena_printf(a,
		                                  "Có %d ô chưa đúng; hãy sửa các ô được đánh dấu "
		                                  "rồi lưu lại.",
		                                  e->n);
		return BUD_ERR_INVALID;
	}
	store_budget_line_t lines[BUD_NSRC * BUD_NPUR];
	size_t n = 0;
	for (int x = 0; x < BUD_NSRC; x++)
		for (int p = 0; p < BUD_NPUR; p++) {
			now.v[x][p][BUD_SPENT] *= p != BUD_PUR_AWARDS;
			lines[n++] = (store_budget_line_t){old.campaign,
			                                   t->units[i].id,
			                                   bud_sources[x].code,
			                                   bud_purposes[p].code,
			                                   now.v[x][p][BUD_PLANNED],
			                                   now.v[x][p][BUD_APPROVED],
			                                   now.v[x][p][BUD_SPENT]};
		}
	if (store_tx_begin(cx->store) < 0) {
		*message = "Không lưu được kinh phí; hãy thử lại.";
		return BUD_ERR_STORE;
	}
	int src = store_budget_save(cx->store, old.campaign, t->units[i].id, upath, lines, n,
	                            in->expected_version, cx->now, cx->actor, version);
	int err = src < 0;
	for (int x = 0; !err && x < BUD_NSRC; x++)
		for (int p = 0; !err && p < BUD_NPUR; p++)
			for (int k = 0; !err && k < BUD_NKIND; k++)
				if (old.cells.v[x][p][k] != now.v[x][p][k] &&
				    audit_cell(cx, i, upath, old.campaign, x, p, k,
				               old.cells.v[x][p][k], now.v[x][p][k]) < 0)
					err = 1;
	if (err)
		store_tx_rollback(cx->store);
	else if (store_tx_commit(cx->store) < 0) /* rolled back by the store */
		err = 1;
	if (src == -2) {
		*version = 0;
		*message =
		        "Kinh phí của đơn vị vừa được người khác lưu sau khi bạn mở biểu mẫu; số "
		        "bạn nhập chưa được lưu. Hãy xem lại số vừa được lưu (ghi dưới các ô khác "
		        "với số bạn nhập, hoặc tải lại trang) rồi lưu lại.";
		return BUD_ERR_CONFLICT;
	}
	if (err) {
		*version = 0;
		*message = "Không lưu được kinh phí; hãy thử lại.";
		return BUD_ERR_STORE;
	}
	*message = "Đã lưu kinh phí.";
	return BUD_OK;
}
