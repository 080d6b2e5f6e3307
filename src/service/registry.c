/* The dated registry import, the placement of the bodies it leaves waiting, and the list
 * of them (service/registry.h has the rules). Everything is computed in memory from one
 * read of the units, kinds, placements and lineage (a model), and written by
 * store_registry_apply. */
#include "service/registry.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/mem.h"
#include "core/strmap.h"
#include "csv/csv.h"
#include "domain/campaign.h"
#include "domain/units.h"
#include "service/merges.h"
#include "text/text.h"

#define NO (-1)
#define OPEN STORE_DAY_OPEN
#define FIRST_NAMES 10 /* examples named in a warning */

/* Append to a growable array (xrealloc'd): a vector is (ptr, n, cap). */
#define PUSH(ptr, n, cap, val)                                                                     \
	do {                                                                                       \
		if ((n) == (cap)) {                                                                \
			(cap) = (cap) ? (cap)*2 : 64;                                              \
			(ptr) = xrealloc((ptr), size_mul((cap), sizeof *(ptr)));                   \
		}                                                                                  \
		(ptr)[(n)++] = (val);                                                              \
	} while (0)

/* qsort, for any n (qsort's array may not be NULL, even empty) */
static void
sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

/* ---- the model: the stored registry, and what a plan makes of it ---- */

typedef struct mu {
	int64_t id, parent_id;
	const char *code, *name, *kind, *locality, *email, *phone;
	int active;
	int32_t valid_from, valid_to;
	int32_t after_to; /* valid_to once the plan is applied */
	int32_t parent;   /* index of the current parent, NO for the root */
	int32_t row;      /* the registry file's row this unit is after the plan, or NO */
	int32_t kind_idx;
	unsigned char is_loc, closes, base;
} mu_t;

typedef struct kind_info {
	const char *code, *name;
	int loc;
} kind_info_t;

/* A lineage edge: old unit -> the new unit u (stored) and/or registry row. */
typedef struct lin {
	int32_t old, u, row;
	int full;
} lin_t;

typedef struct model {
	arena_t *a;
	mu_t *u;
	int32_t n, cap;
	kind_info_t *kinds;
	int32_t nkinds, capk;
	strmap_t kind_by_code;
	store_placement_t *pl; /* by unit id, then valid_to */
	size_t npl, cappl;
	lin_t *lin; /* stored lineage, by old */
	size_t nlin, caplin;
	size_t *lin_first; /* lin of old unit i: [lin_first[i], lin_first[i+1]) */
	int32_t *ch;       /* children over time (current parent and placements) */
	size_t *ch_first;
	int32_t vn;
	/* a plan's */
	int32_t as_of;
	const units_registry_row_t *rows;
	size_t nrows;
	int32_t *row_unit; /* row -> the stored unit it is after the plan, or NO */
	lin_t *plin;       /* planned lineage, by old */
	size_t nplin, capplin;
	size_t *plin_first;
} model_t;

static int
load_kind(const store_kind_t *k, void *ctx)
{
	model_t *m = ctx;
	kind_info_t ki = {arena_strdup(m->a, k->code), arena_strdup(m->a, k->name), k->is_locality};
	strmap_put(&m->kind_by_code, ki.code, strlen(ki.code), m->nkinds);
	PUSH(m->kinds, m->nkinds, m->capk, ki);
	return 0;
}

static int
load_unit(const store_unit_t *s, void *ctx)
{
	model_t *m = ctx;
	int64_t k = NO;
	strmap_get(&m->kind_by_code, s->kind, strlen(s->kind), &k);
	mu_t u = {
	        .id = s->id,
	        .parent_id = s->parent_id,
	        .code = arena_strdup(m->a, s->code),
	        .name = arena_strdup(m->a, s->name),
	        .kind = k >= 0 ? m->kinds[k].code : arena_strdup(m->a, s->kind),
	        .locality = arena_strdup(m->a, s->locality_code),
	        .email = arena_strdup(m->a, s->email),
	        .phone = arena_strdup(m->a, s->phone),
	        .active = s->active,
	        .valid_from = s->valid_from,
	        .valid_to = s->valid_to,
	        .after_to = s->valid_to,
	        .parent = NO,
	        .row = NO,
	        .kind_idx = (int32_t)k,
	        .is_loc = k >= 0 && m->kinds[k].loc,
	};
	PUSH(m->u, m->n, m->cap, u);
	return 0;
}

static int
load_placement(const store_placement_t *p, void *ctx)
{
	model_t *m = ctx;
	PUSH(m->pl, m->npl, m->cappl, *p);
	return 0;
}

/* Units come ordered by id. */
static int32_t
unit_by_id(const model_t *m, int64_t id)
{
	int32_t lo = 0, hi = m->n;
	while (lo < hi) {
		int32_t mid = lo + (hi - lo) / 2;
		if (m->u[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->n && m->u[lo].id == id ? lo : NO;
}

static int
load_lineage(const store_lineage_t *l, void *ctx)
{
	model_t *m = ctx;
	lin_t e = {unit_by_id(m, l->old_id), unit_by_id(m, l->new_id), NO,
	           !strcmp(l->kind, "full")};
	if (e.old != NO && e.u != NO)
		PUSH(m->lin, m->nlin, m->caplin, e);
	return 0;
}

static int
cmp_lin(const void *a, const void *b)
{
	const lin_t *x = a, *y = b;
	return x->old != y->old ? (x->old < y->old ? -1 : 1) : 0;
}

/* Sort edges by old and index them: first[i] .. first[i+1] (first has n + 1 entries). */
static size_t *
index_by_old(lin_t *e, size_t ne, int32_t n)
{
	sort(e, ne, sizeof *e, cmp_lin);
	size_t *first = xcalloc((size_t)n + 2, sizeof *first);
	for (size_t k = 0; k < ne; k++)
		first[e[k].old + 1]++;
	for (int32_t i = 0; i < n; i++)
		first[i + 1] += first[i];
	return first;
}

static void
model_free(model_t *m)
{
	free(m->u);
	free(m->kinds);
	strmap_free(&m->kind_by_code);
	free(m->pl);
	free(m->lin);
	free(m->lin_first);
	free(m->ch);
	free(m->ch_first);
	free(m->row_unit);
	free(m->plin);
	free(m->plin_first);
	memset(m, 0, sizeof *m);
}

static int
model_load(store_t *st, arena_t *a, model_t *m)
{
	memset(m, 0, sizeof *m);
	m->a = a;
	m->vn = NO;
	if (store_kinds_each(st, load_kind, m) != 0 || store_units_each(st, load_unit, m) != 0 ||
	    store_placements_each(st, load_placement, m) != 0 ||
	    store_lineage_each(st, load_lineage, m) != 0)
		return -1;
	/* parents, and the children each unit ever had (now or before a move) */
	size_t nedges = 0;
	for (int32_t i = 0; i < m->n; i++) {
		m->u[i].parent = m->u[i].parent_id ? unit_by_id(m, m->u[i].parent_id) : NO;
		if (m->u[i].parent != NO)
			nedges++;
		if (m->u[i].parent_id == 0 && !strcmp(m->u[i].code, "VN"))
			m->vn = i;
	}
	nedges += m->npl;
	m->ch_first = xcalloc((size_t)m->n + 2, sizeof *m->ch_first);
	m->ch = xmalloc(size_mul(nedges + 1, sizeof *m->ch));
	int32_t *pl_parent = xmalloc(size_mul(m->npl + 1, sizeof *pl_parent));
	int32_t *pl_child = xmalloc(size_mul(m->npl + 1, sizeof *pl_child));
	for (size_t k = 0; k < m->npl; k++) {
		pl_parent[k] = unit_by_id(m, m->pl[k].parent_id);
		pl_child[k] = unit_by_id(m, m->pl[k].unit_id);
	}
	for (int32_t i = 0; i < m->n; i++)
		if (m->u[i].parent != NO)
			m->ch_first[m->u[i].parent + 1]++;
	for (size_t k = 0; k < m->npl; k++)
		if (pl_parent[k] != NO && pl_child[k] != NO)
			m->ch_first[pl_parent[k] + 1]++;
	for (int32_t i = 0; i < m->n; i++)
		m->ch_first[i + 1] += m->ch_first[i];
	size_t *fill = xmalloc(size_mul((size_t)m->n + 1, sizeof *fill));
	memcpy(fill, m->ch_first, (size_t)m->n * sizeof *fill);
	for (int32_t i = 0; i < m->n; i++)
		if (m->u[i].parent != NO)
			m->ch[fill[m->u[i].parent]++] = i;
	for (size_t k = 0; k < m->npl; k++)
		if (pl_parent[k] != NO && pl_child[k] != NO)
			m->ch[fill[pl_parent[k]]++] = pl_child[k];
	free(fill);
	free(pl_parent);
	free(pl_child);
	m->lin_first = index_by_old(m->lin, m->nlin, m->n);
	return 0;
}

/* The parent of unit i on day: its placement ending first on or after day, else its
 * current parent (as units.c reads it). */
static int32_t
parent_on(const model_t *m, int32_t i, int32_t day)
{
	size_t lo = 0, hi = m->npl;
	int64_t id = m->u[i].id;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m->pl[mid].unit_id < id ||
		    (m->pl[mid].unit_id == id && m->pl[mid].valid_to < day))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < m->npl && m->pl[lo].unit_id == id)
		return unit_by_id(m, m->pl[lo].parent_id);
	return m->u[i].parent;
}

static int
valid_after(const model_t *m, int32_t i, int32_t day)
{
	return m->u[i].valid_from <= day && day <= m->u[i].after_to;
}

static const char *
parent_code_of(const model_t *m, int32_t i)
{
	return m->u[i].parent != NO ? m->u[m->u[i].parent].code : "";
}

/* ---- successors and candidates ---- */

typedef struct tgt {
	int32_t u, row;
	int full;
} tgt_t;

typedef struct tgts {
	tgt_t *v;
	size_t n, cap;
} tgts_t;

static const char *
tgt_code(const model_t *m, tgt_t t)
{
	return t.row != NO ? m->rows[t.row].code : m->u[t.u].code;
}

static registry_ref_t
tgt_ref(const model_t *m, tgt_t t)
{
	registry_ref_t r = {0, "", ""};
	if (t.u != NO)
		r = (registry_ref_t){m->u[t.u].id, m->u[t.u].code, m->u[t.u].name};
	if (t.row != NO) {
		r.code = m->rows[t.row].code;
		r.name = m->rows[t.row].name;
	}
	return r;
}

static void
tgts_add(tgts_t *s, tgt_t t, const model_t *m)
{
	const char *c = tgt_code(m, t);
	for (size_t k = 0; k < s->n; k++)
		if (!strcmp(tgt_code(m, s->v[k]), c))
			return; /* one code names one unit on a day */
	PUSH(s->v, s->n, s->cap, t);
}

/* What unit x is on day (the day after its last day): itself while valid, else the units
 * formed from it (the plan's lineage on as_of, then the stored one), added to s. */
static void
successors(const model_t *m, int32_t x, int32_t day, tgts_t *s)
{
	if (valid_after(m, x, day)) {
		tgts_add(s, (tgt_t){x, m->u[x].row, 1}, m);
		return;
	}
	if (m->plin && day == m->as_of)
		for (size_t k = m->plin_first[x]; k < m->plin_first[x + 1]; k++) {
			const lin_t *l = &m->plin[k];
			tgts_add(s, (tgt_t){m->row_unit[l->row], l->row, l->full}, m);
		}
	for (size_t k = m->lin_first[x]; k < m->lin_first[x + 1]; k++) {
		const lin_t *l = &m->lin[k];
		if (valid_after(m, l->u, day))
			tgts_add(s, (tgt_t){l->u, m->u[l->u].row, l->full}, m);
	}
}

static int
cmp_ref_code(const void *a, const void *b)
{
	const registry_ref_t *x = a, *y = b;
	return strcmp(x->code, y->code);
}

/* Fill body b's candidates for holder h (closed, or closing in the plan): h's successors,
 * or for an abolished h those of the localities directly under it and of its parent. */
static void
candidates(const model_t *m, int32_t h, registry_body_t *b)
{
	int32_t last = m->u[h].after_to, day = last + 1;
	tgts_t s = {0};
	successors(m, h, day, &s);
	b->holder_has_successor = s.n > 0;
	if (s.n == 0) {
		for (size_t k = m->ch_first[h]; k < m->ch_first[h + 1]; k++) {
			int32_t c = m->ch[k];
			if (m->u[c].is_loc && m->u[c].valid_from <= last &&
			    last <= m->u[c].after_to && parent_on(m, c, last) == h)
				successors(m, c, day, &s);
		}
		int32_t p = parent_on(m, h, last);
		if (p != NO)
			successors(m, p, day, &s);
	}
	registry_ref_t *refs = arena_alloc(m->a, (s.n ? s.n : 1) * sizeof *refs);
	for (size_t k = 0; k < s.n; k++)
		refs[k] = tgt_ref(m, s.v[k]);
	sort(refs, s.n, sizeof *refs, cmp_ref_code);
	b->candidates = refs;
	b->candidates_total = s.n;
	b->ncandidates = s.n < REGISTRY_MAX_CANDIDATES ? s.n : REGISTRY_MAX_CANDIDATES;
	free(s.v);
}

/* Open bodies under body i (now), which follow it. */
static size_t
count_below(const model_t *m, int32_t i)
{
	size_t n = 0, sp = 0, cap = 0;
	int32_t *stack = NULL;
	PUSH(stack, sp, cap, i);
	while (sp) {
		int32_t v = stack[--sp];
		for (size_t k = m->ch_first[v]; k < m->ch_first[v + 1]; k++) {
			int32_t c = m->ch[k];
			if (m->u[c].parent == v && m->u[c].after_to == OPEN && !m->u[c].is_loc) {
				n++;
				PUSH(stack, sp, cap, c);
			}
		}
	}
	free(stack);
	return n;
}

static registry_body_t
body_of(const model_t *m, int32_t i, int32_t h)
{
	const mu_t *u = &m->u[i];
	registry_body_t b = {
	        .id = u->id,
	        .code = u->code,
	        .name = u->name,
	        .kind = u->kind,
	        .kind_name = u->kind_idx >= 0 ? m->kinds[u->kind_idx].name : u->kind,
	        .locality_code = u->locality,
	        .holder = {m->u[h].id, m->u[h].code, m->u[h].name},
	        .holder_last_day = m->u[h].after_to,
	        .new_parent = {0, "", ""},
	        .new_locality_code = "",
	        .candidates = NULL,
	        .nbelow = count_below(m, i),
	};
	return b;
}

static int
cmp_body(const void *a, const void *b)
{
	const registry_body_t *x = a, *y = b;
	if (x->auto_placed != y->auto_placed)
		return x->auto_placed - y->auto_placed;
	int c = strcmp(x->holder.code, y->holder.code);
	return c ? c : strcmp(x->code, y->code);
}

/* ---- the plan's private data ---- */

struct registry_plan_data {
	arena_t a;
	model_t m;
	int64_t vn_id;
	int64_t *close;
	size_t nclose, capclose;
	store_unit_change_t *open, *update;
	size_t nopen, capopen, nupdate, capupdate;
	store_unit_move_t *moves;
	size_t nmoves, capmoves;
	store_lineage_change_t *lineage;
	size_t nlineage, caplineage;
	registry_body_t *bodies;
	size_t nbodies, capbodies;
	registry_change_t *changes;
	size_t nchanges, capchanges;
	registry_warning_t *warnings;
	size_t nwarnings, capwarnings;
};

static void
data_free(struct registry_plan_data *d)
{
	if (d == NULL)
		return;
	model_free(&d->m);
	free(d->close);
	free(d->open);
	free(d->update);
	free(d->moves);
	free(d->lineage);
	free(d->bodies);
	free(d->changes);
	free(d->warnings);
	arena_free(&d->a);
	free(d);
}


static const char *
fmt_n(arena_t *a, size_t v)
{
	buf_t b = BUF_INIT;
	text_format_int((int64_t)v, &b);
	char *s = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

/* Collect the bodies whose parent is closed (or closes in the plan). plan: bodies under a
 * locality closing now follow its single full successor (a move on as_of) when it has
 * one. */
static void
collect_bodies(struct registry_plan_data *d, int plan, registry_counts_t *n)
{
	model_t *m = &d->m;
	for (int32_t i = 0; i < m->n; i++) {
		const mu_t *u = &m->u[i];
		if (u->is_loc || u->after_to != OPEN || u->parent == NO)
			continue;
		int32_t h = u->parent;
		if (m->u[h].after_to == OPEN)
			continue;
		registry_body_t b = body_of(m, i, h);
		if (plan && m->u[h].closes) {
			tgts_t s = {0};
			successors(m, h, m->as_of, &s);
			if (s.n == 1 && s.v[0].full) {
				b.auto_placed = 1;
				b.new_parent = tgt_ref(m, s.v[0]);
				b.new_locality_code = !strcmp(u->locality, m->u[h].code)
				                              ? b.new_parent.code
				                              : u->locality;
				store_unit_move_t mv = {u->id, b.new_parent.code,
				                        !strcmp(u->locality, m->u[h].code)
				                                ? b.new_parent.code
				                                : NULL};
				PUSH(d->moves, d->nmoves, d->capmoves, mv);
				n->bodies_moved++;
			} else {
				n->bodies_to_place++;
			}
			free(s.v);
		} else if (plan) {
			n->bodies_waiting++;
		}
		if (!b.auto_placed)
			candidates(m, h, &b);
		PUSH(d->bodies, d->nbodies, d->capbodies, b);
	}
	sort(d->bodies, d->nbodies, sizeof *d->bodies, cmp_body);
}

/* ---- warnings ---- */

typedef struct roles_scan {
	const model_t *m;
	size_t count;
	buf_t names;
} roles_scan_t;

static int
scan_role(const store_role_t *r, void *ctx)
{
	roles_scan_t *s = ctx;
	int32_t i = unit_by_id(s->m, r->unit_id);
	if (i == NO || !s->m->u[i].closes)
		return 0;
	if (s->count++ < FIRST_NAMES)
		buf_printf(&s->names, "%s%s (%s – %s)", s->count > 1 ? ", " : "", r->username,
		           s->m->u[i].code, s->m->u[i].name);
	return 0;
}

typedef struct camp {
	int64_t id;
	const char *name;
} camp_t;

typedef struct camps {
	arena_t *a;
	camp_t *v;
	size_t n, cap;
} camps_t;

static int
scan_campaign(const store_campaign_t *c, void *ctx)
{
	camps_t *s = ctx;
	camp_t e = {c->id, arena_strdup(s->a, c->name)};
	PUSH(s->v, s->n, s->cap, e);
	return 0;
}

typedef struct reports_scan {
	const model_t *m;
	size_t count;
} reports_scan_t;

static int
scan_report(const store_report_t *r, void *ctx)
{
	reports_scan_t *s = ctx;
	int32_t i = unit_by_id(s->m, r->unit_id);
	if (i != NO && s->m->u[i].closes)
		s->count++;
	return 0;
}

static void
warn(struct registry_plan_data *d, registry_warning_kind_t kind, size_t count, int64_t cid,
     const char *text)
{
	registry_warning_t w = {kind, count, cid, text};
	PUSH(d->warnings, d->nwarnings, d->capwarnings, w);
}

static int
warnings_of_store(store_t *st, struct registry_plan_data *d, int32_t as_of)
{
	model_t *m = &d->m;
	roles_scan_t rs = {m, 0, BUF_INIT};
	if (store_roles_each(st, scan_role, &rs) < 0) {
		buf_free(&rs.names);
		return -1;
	}
	if (rs.count)
		warn(d, REGISTRY_WARN_ROLES, rs.count, 0,
		     arena_printf(&d->a,
		                  "%s vai trò của tài khoản đang gắn với đơn vị hành chính sẽ đóng "
		                  "từ ngày %s: %s%s. Sau khi nhập, các tài khoản này chỉ còn xem "
		                  "được lịch sử của đơn vị cũ; hãy cấp vai trò ở đơn vị mới "
		                  "(Quản trị > Người dùng).",
		                  fmt_n(&d->a, rs.count), text_date_str(&d->a, as_of),
		                  buf_cstr(&rs.names), rs.count > FIRST_NAMES ? ", …" : ""));
	buf_free(&rs.names);
	camps_t cs = {&d->a, NULL, 0, 0};
	if (store_campaigns_each(st, scan_campaign, &cs) < 0) {
		free(cs.v);
		return -1;
	}
	int ret = 0;
	for (size_t k = 0; k < cs.n && ret == 0; k++) {
		int32_t day = 0;
		if (campaign_tree_day(st, cs.v[k].id, &day) < 0) {
			ret = -1;
			break;
		}
		if (day < as_of)
			continue;
		reports_scan_t r = {m, 0};
		if (store_reports_of_campaign(st, cs.v[k].id, scan_report, &r) < 0) {
			ret = -1;
			break;
		}
		if (r.count)
			warn(d, REGISTRY_WARN_CAMPAIGN, r.count, cs.v[k].id,
			     arena_printf(
			             &d->a,
			             "Đợt báo cáo \"%s\" (số %lld) cộng số liệu theo cây đơn vị "
			             "ngày %s nhưng có %s báo cáo của đơn vị hành chính sẽ đóng "
			             "từ ngày %s; các báo cáo này sẽ không còn nằm trong cây của "
			             "đợt. Hãy kiểm tra đợt báo cáo này trước khi nhập.",
			             cs.v[k].name, (long long)cs.v[k].id, text_date_str(&d->a, day),
			             fmt_n(&d->a, r.count), text_date_str(&d->a, as_of)));
	}
	free(cs.v);
	return ret;
}

/* ---- the plan ---- */

static int
cmp_change(const void *a, const void *b)
{
	const registry_change_t *x = a, *y = b;
	int xc = (x->what & REGISTRY_CH_CLOSE) != 0, yc = (y->what & REGISTRY_CH_CLOSE) != 0;
	if (xc != yc)
		return xc - yc;
	if (!xc)
		return x->line < y->line ? -1 : x->line > y->line;
	return strcmp(x->code, y->code);
}

/* Parent cycles among the file's rows: 1 with *line of a row on one. */
static int
row_cycle(const units_registry_row_t *rows, size_t n, const strmap_t *by_code, size_t *line)
{
	unsigned char *state = xcalloc(n + 1, 1);
	int found = 0;
	for (size_t s = 0; s < n && !found; s++) {
		int64_t k = (int64_t)s;
		while (k >= 0 && state[k] == 0) {
			state[k] = 1;
			int64_t p = -1;
			const char *pc = rows[k].parent_code;
			if (!strmap_get(by_code, pc, strlen(pc), &p))
				p = -1;
			k = p;
		}
		if (k >= 0 && state[k] == 1) {
			found = 1;
			*line = rows[k].line;
		}
		for (k = (int64_t)s; k >= 0 && state[k] == 1;) {
			state[k] = 2;
			int64_t p = -1;
			const char *pc = rows[k].parent_code;
			if (!strmap_get(by_code, pc, strlen(pc), &p))
				p = -1;
			k = p;
		}
	}
	free(state);
	return found;
}

static const char *
summary_of(arena_t *a, const registry_plan_t *p)
{
	const registry_counts_t *n = &p->n;
	buf_t b = BUF_INIT;
	buf_printf(&b, "Danh mục đơn vị hành chính có hiệu lực từ ngày %s (%s dòng",
	           text_date_str(a, p->as_of), fmt_n(a, n->rows));
	if (p->with_merges)
		buf_printf(&b, ", bảng sáp nhập %s dòng", fmt_n(a, n->merge_rows));
	buf_puts(&b, "): ");
	if (p->nothing_to_do) {
		buf_puts(&b, "đã có trong hệ thống, không có gì thay đổi");
	} else {
		buf_printf(&b, "giữ nguyên %s đơn vị, mở mới %s", fmt_n(a, n->unchanged),
		           fmt_n(a, n->opened));
		if (n->renamed)
			buf_printf(&b, " (%s mã đổi tên)", fmt_n(a, n->renamed));
		buf_printf(&b, ", đóng %s (%s đơn vị không có đơn vị kế thừa)", fmt_n(a, n->closed),
		           fmt_n(a, n->closed_without_successor));
		if (n->moved)
			buf_printf(&b, ", %s đơn vị đổi cấp trên", fmt_n(a, n->moved));
		if (n->corrected)
			buf_printf(&b, ", sửa %s đơn vị mở cùng ngày", fmt_n(a, n->corrected));
		buf_printf(&b,
		           "; %s quan hệ kế thừa; %s cơ quan, trường học chuyển theo đơn vị kế "
		           "thừa",
		           fmt_n(a, n->lineage), fmt_n(a, n->bodies_moved));
	}
	size_t waiting = n->bodies_to_place + n->bodies_waiting;
	if (waiting)
		buf_printf(&b,
		           "; %s cơ quan, trường học chờ xếp vào đơn vị mới (suotdoi units "
		           "pending, suotdoi units place)",
		           fmt_n(a, waiting));
	buf_puts(&b, ".");
	const char *s = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

int
registry_plan(store_t *st, const char *units_csv, size_t len, const char *merges_csv, size_t mlen,
              int32_t as_of, registry_plan_t *plan, char *err, size_t errlen)
{
	memset(plan, 0, sizeof *plan);
	struct registry_plan_data *d = xcalloc(1, sizeof *d);
	model_t *m = &d->m;
	arena_t *a = &d->a;
	reg_errors_t e = {BUF_INIT, 0};
	merge_map_t mm = {0};
	units_registry_row_t *rows = NULL;
	size_t nrows = 0;
	strmap_t row_by_code = STRMAP_INIT, eve_by_code = STRMAP_INIT, asof_by_code = STRMAP_INIT;
	strmap_t new_count = STRMAP_INIT, self_full = STRMAP_INIT, old_elsewhere = STRMAP_INIT;
	strmap_t stored_lin = STRMAP_INIT;
	registry_counts_t n = {0};
	int32_t eve = as_of - 1;

	plan->as_of = as_of;
	plan->generation = store_units_generation(st);
	int32_t tree_date = store_registry_date(st);
	if (tree_date < 0 || plan->generation < 0) {
		reg_error(&e, "", 0, "Không đọc được danh mục đơn vị hiện có.");
		goto fail;
	}
	if (as_of <= 0) {
		reg_error(&e, "", 0,
		          "Ngày hiệu lực phải sau ngày 01/01/1970; hãy nhập ngày dạng 2025-07-01 "
		          "hoặc 01/07/2025.");
		goto fail;
	}
	if (as_of < tree_date) {
		reg_error(&e, "", 0,
		          "Ngày hiệu lực %s sớm hơn ngày của cây đơn vị hiện hành (%s): danh mục "
		          "chỉ nhập được theo thứ tự thời gian. Hãy nhập với ngày hiệu lực từ %s "
		          "trở đi.",
		          text_date_str(a, as_of), text_date_str(a, tree_date), text_date_str(a, tree_date));
		goto fail;
	}
	plan->tree_date = tree_date;
	plan->rerun = tree_date == as_of;

	if (units_registry_parse(units_csv, len, a, &rows, &nrows, err, errlen) < 0) {
		reg_errors_free(&e);
		data_free(d);
		memset(plan, 0, sizeof *plan);
		return -1;
	}
	n.rows = nrows;
	if (merges_csv) {
		plan->with_merges = 1;
		if (merges_parse(merges_csv, mlen, a, &mm, &e) < 0)
			goto fail;
		n.merge_rows = mm.nrows;
	}
	if (model_load(st, a, m) < 0) {
		reg_error(&e, "", 0, "Không đọc được danh mục đơn vị hiện có.");
		goto fail;
	}
	if (m->vn == NO) {
		reg_error(&e, "", 0, "Chưa có đơn vị gốc VN (cả nước); hãy chạy suotdoi migrate.");
		goto fail;
	}
	d->vn_id = m->u[m->vn].id;
	m->as_of = as_of;
	m->rows = rows;
	m->nrows = nrows;
	m->row_unit = xmalloc(size_mul(nrows + 1, sizeof *m->row_unit));
	for (size_t r = 0; r < nrows; r++) {
		m->row_unit[r] = NO;
		strmap_put(&row_by_code, rows[r].code, strlen(rows[r].code), (int64_t)r);
	}
	for (int32_t i = 0; i < m->n; i++) {
		const mu_t *u = &m->u[i];
		if (i == m->vn)
			continue;
		if (u->valid_from <= as_of && as_of <= u->valid_to)
			strmap_put(&asof_by_code, u->code, strlen(u->code), i);
		if (u->is_loc && u->valid_from <= eve && eve <= u->valid_to)
			strmap_put(&eve_by_code, u->code, strlen(u->code), i);
	}

	/* the file on its own, and against the bodies */
	for (size_t r = 0; r < nrows; r++) {
		const char *pc = rows[r].parent_code;
		int64_t k;
		if (strcmp(pc, "VN") && !strmap_get(&row_by_code, pc, strlen(pc), NULL))
			reg_error(&e, "Dòng", rows[r].line,
			          "không tìm thấy đơn vị cấp trên có mã \"%s\" trong tệp; danh mục "
			          "có ngày hiệu lực phải có đủ mọi đơn vị cấp trên (để trống "
			          "parent_code nếu đơn vị trực thuộc cả nước).",
			          pc);
		if (strmap_get(&asof_by_code, rows[r].code, strlen(rows[r].code), &k) &&
		    !m->u[k].is_loc)
			reg_error(&e, "Dòng", rows[r].line,
			          "mã %s đang là mã của %s (%s), không phải đơn vị hành chính; hãy "
			          "đổi mã của đơn vị đó trước (suotdoi units import).",
			          rows[r].code, m->u[k].name, m->u[k].code);
	}
	if (e.n)
		goto fail;
	size_t cyc_line = 0;
	if (row_cycle(rows, nrows, &row_by_code, &cyc_line)) {
		reg_error(&e, "Dòng", cyc_line,
		          "quan hệ cấp trên tạo thành vòng lặp (một đơn vị nằm dưới chính nó); hãy "
		          "sửa cột parent_code.");
		goto fail;
	}

	/* the merge map: new codes in the file, old codes valid on the eve */
	for (size_t k = 0; k < mm.nrows; k++) {
		const merge_row_t *r = &mm.rows[k];
		int64_t c = 0;
		if (!strmap_get(&row_by_code, r->new_code, strlen(r->new_code), NULL))
			reg_error(&e, MERGES_WHERE, r->line,
			          "mã mới %s không có trong tệp danh mục; hãy thêm đơn vị này vào "
			          "tệp danh mục hoặc sửa mã mới.",
			          r->new_code);
		if (!strmap_get(&eve_by_code, r->old_code, strlen(r->old_code), NULL))
			reg_error(&e, MERGES_WHERE, r->line,
			          "mã cũ %s không phải đơn vị hành chính có hiệu lực ngày %s (ngày "
			          "trước ngày hiệu lực); hãy sửa mã cũ theo danh mục đang dùng.",
			          r->old_code, text_date_str(a, eve));
		strmap_get(&new_count, r->new_code, strlen(r->new_code), &c);
		strmap_put(&new_count, r->new_code, strlen(r->new_code), c + 1);
		if (!strcmp(r->new_code, r->old_code) && r->full)
			strmap_put(&self_full, r->new_code, strlen(r->new_code), 1);
		if (strcmp(r->new_code, r->old_code))
			strmap_put(&old_elsewhere, r->old_code, strlen(r->old_code), 1);
	}
	if (e.n)
		goto fail;

	/* the base: localities valid on as_of; who continues, who closes */
	for (int32_t i = 0; i < m->n; i++) {
		mu_t *u = &m->u[i];
		if (i == m->vn || !u->is_loc || !(u->valid_from <= as_of && as_of <= u->valid_to))
			continue;
		u->base = 1;
		n.base++;
		int64_t r = NO;
		strmap_get(&row_by_code, u->code, strlen(u->code), &r);
		if (u->valid_from == as_of) {
			if (r == NO) {
				reg_error(
				        &e, "", 0,
				        "Đơn vị %s (%s) đã mở từ ngày %s (lần nhập trước cùng ngày "
				        "hiệu lực) nhưng không có trong tệp này; không thể đóng "
				        "một "
				        "đơn vị trước ngày nó mở. Hãy thêm lại dòng của đơn vị vào "
				        "tệp.",
				        u->code, u->name, text_date_str(a, as_of));
				continue;
			}
		} else {
			int64_t c = 0, sf = 0;
			const char *cc = u->code;
			int cont = r != NO && !strcmp(rows[r].name, u->name) &&
			           !strcmp(rows[r].kind, u->kind);
			if (cont && merges_csv) {
				strmap_get(&new_count, cc, strlen(cc), &c);
				strmap_get(&self_full, cc, strlen(cc), &sf);
				cont = c == 1 && sf &&
				       !strmap_get(&old_elsewhere, cc, strlen(cc), NULL);
			}
			if (!cont) {
				u->closes = 1;
				u->after_to = eve;
				PUSH(d->close, d->nclose, d->capclose, u->id);
				n.closed++;
				continue;
			}
		}
		m->row_unit[r] = i;
		u->row = (int32_t)r;
	}
	if (e.n)
		goto fail;

	/* the file's rows: opened, moved, corrected, unchanged */
	for (size_t r = 0; r < nrows; r++) {
		const units_registry_row_t *w = &rows[r];
		int32_t i = m->row_unit[r];
		registry_change_t ch = {.line = w->line,
		                        .code = w->code,
		                        .name = w->name,
		                        .kind = w->kind,
		                        .old_name = "",
		                        .parent_code = w->parent_code,
		                        .old_parent_code = ""};
		if (i == NO) {
			store_unit_change_t o = {.code = w->code,
			                         .name = w->name,
			                         .kind = w->kind,
			                         .parent_code = w->parent_code,
			                         .locality_code = w->code,
			                         .email = "",
			                         .phone = "",
			                         .active = 1};
			PUSH(d->open, d->nopen, d->capopen, o);
			n.opened++;
			ch.what = REGISTRY_CH_OPEN;
			int64_t k;
			if (strmap_get(&eve_by_code, w->code, strlen(w->code), &k)) {
				const mu_t *old = &m->u[k];
				ch.old_name = old->name;
				ch.old_parent_code = parent_code_of(m, (int32_t)k);
				if (strcmp(old->name, w->name)) {
					ch.what |= REGISTRY_CH_RENAME;
					n.renamed++;
				}
				if (strcmp(ch.old_parent_code, w->parent_code)) {
					ch.what |= REGISTRY_CH_MOVE;
					n.moved++;
				}
			}
			PUSH(d->changes, d->nchanges, d->capchanges, ch);
			continue;
		}
		mu_t *u = &m->u[i];
		const char *pc = parent_code_of(m, i);
		int parent_closes = u->parent != NO && m->u[u->parent].closes;
		int parent_moves = strcmp(pc, w->parent_code) || parent_closes;
		ch.id = u->id;
		ch.old_name = u->name;
		ch.old_parent_code = pc;
		if (u->valid_from < as_of) {
			if (!parent_moves) {
				n.unchanged++;
				continue;
			}
			store_unit_move_t mv = {u->id, w->parent_code, NULL};
			PUSH(d->moves, d->nmoves, d->capmoves, mv);
			n.moved++;
			ch.what = REGISTRY_CH_MOVE;
		} else {
			if (!parent_moves && !strcmp(u->name, w->name) &&
			    !strcmp(u->kind, w->kind)) {
				n.unchanged++;
				continue;
			}
			store_unit_change_t up = {.id = u->id,
			                          .code = w->code,
			                          .name = w->name,
			                          .kind = w->kind,
			                          .parent_code =
			                                  parent_moves ? w->parent_code : NULL,
			                          .locality_code = w->code,
			                          .email = u->email,
			                          .phone = u->phone,
			                          .active = u->active};
			PUSH(d->update, d->nupdate, d->capupdate, up);
			n.corrected++;
			ch.what = REGISTRY_CH_CORRECT | (parent_moves ? REGISTRY_CH_MOVE : 0);
		}
		PUSH(d->changes, d->nchanges, d->capchanges, ch);
	}
	for (int32_t i = 0; i < m->n; i++)
		if (m->u[i].closes) {
			registry_change_t ch = {.what = REGISTRY_CH_CLOSE,
			                        .id = m->u[i].id,
			                        .code = m->u[i].code,
			                        .name = m->u[i].name,
			                        .kind = m->u[i].kind,
			                        .old_name = m->u[i].name,
			                        .parent_code = parent_code_of(m, i),
			                        .old_parent_code = parent_code_of(m, i)};
			PUSH(d->changes, d->nchanges, d->capchanges, ch);
		}
	sort(d->changes, d->nchanges, sizeof *d->changes, cmp_change);

	/* lineage: the map's rows, or a closed code reopened; what is stored stays */
	for (size_t k = 0; k < m->nlin; k++) {
		char *key = arena_printf(a, "%lld %lld", (long long)m->u[m->lin[k].u].id,
		                         (long long)m->u[m->lin[k].old].id);
		strmap_put(&stored_lin, key, strlen(key), m->lin[k].full);
	}
	size_t name_diffs = 0;
	buf_t names = BUF_INIT;
	for (size_t k = 0; k < (merges_csv ? mm.nrows : nrows); k++) {
		int64_t r = NO, o = NO;
		int full = 1;
		if (merges_csv) {
			const merge_row_t *mr = &mm.rows[k];
			strmap_get(&row_by_code, mr->new_code, strlen(mr->new_code), &r);
			strmap_get(&eve_by_code, mr->old_code, strlen(mr->old_code), &o);
			full = mr->full;
			int dn = *mr->new_name && strcmp(mr->new_name, rows[r].name);
			int dold = *mr->old_name && strcmp(mr->old_name, m->u[o].name);
			if (dn || dold) {
				if (name_diffs++ < FIRST_NAMES)
					buf_printf(&names,
					           "%sdòng %zu: \"%s\" (tệp danh mục: \"%s\")",
					           name_diffs > 1 ? "; " : "", mr->line,
					           dn ? mr->new_name : mr->old_name,
					           dn ? rows[r].name : m->u[o].name);
			}
		} else {
			r = (int64_t)k;
			if (!strmap_get(&eve_by_code, rows[r].code, strlen(rows[r].code), &o) ||
			    m->u[o].after_to != eve)
				continue;
		}
		if (m->row_unit[r] == o)
			continue; /* a continuing unit's own row */
		lin_t l = {(int32_t)o, m->row_unit[r], (int32_t)r, full};
		PUSH(m->plin, m->nplin, m->capplin, l);
		if (m->row_unit[r] != NO) {
			char *key = arena_printf(a, "%lld %lld", (long long)m->u[m->row_unit[r]].id,
			                         (long long)m->u[o].id);
			int64_t kind;
			if (strmap_get(&stored_lin, key, strlen(key), &kind) && kind == full)
				continue;
		}
		store_lineage_change_t lc = {rows[r].code, m->u[o].id, full ? "full" : "partial"};
		PUSH(d->lineage, d->nlineage, d->caplineage, lc);
		n.lineage++;
	}
	m->plin_first = index_by_old(m->plin, m->nplin, m->n);
	if (name_diffs)
		warn(d, REGISTRY_WARN_NAMES, name_diffs, 0,
		     arena_printf(a,
		                  "%s tên trong bảng sáp nhập khác tên trong tệp danh mục hoặc "
		                  "trong hệ thống (tên trong tệp danh mục được dùng): %s%s.",
		                  fmt_n(a, name_diffs), buf_cstr(&names),
		                  name_diffs > FIRST_NAMES ? "; …" : ""));
	buf_free(&names);
	for (int32_t i = 0; i < m->n; i++) {
		if (!m->u[i].closes)
			continue;
		tgts_t s = {0};
		successors(m, i, as_of, &s);
		if (s.n == 0)
			n.closed_without_successor++;
		free(s.v);
	}

	collect_bodies(d, 1, &n);
	if (warnings_of_store(st, d, as_of) < 0) {
		reg_error(&e, "", 0, "Không đọc được vai trò hay đợt báo cáo từ cơ sở dữ liệu.");
		goto fail;
	}

	plan->n = n;
	plan->nothing_to_do = d->nclose + d->nopen + d->nupdate + d->nmoves + d->nlineage == 0;
	plan->changes = d->changes;
	plan->nchanges = d->nchanges;
	plan->bodies = d->bodies;
	plan->nbodies = d->nbodies;
	plan->warnings = d->warnings;
	plan->nwarnings = d->nwarnings;
	plan->priv = d;
	plan->summary = summary_of(a, plan);
ret_ok:
	strmap_free(&row_by_code);
	strmap_free(&eve_by_code);
	strmap_free(&asof_by_code);
	strmap_free(&new_count);
	strmap_free(&self_full);
	strmap_free(&old_elsewhere);
	strmap_free(&stored_lin);
	if (plan->priv == NULL) {
		data_free(d);
		memset(plan, 0, sizeof *plan);
		return -1;
	}
	return 0;
fail:
	reg_errors_finish(&e, err, errlen);
	goto ret_ok;
}

void
registry_plan_free(registry_plan_t *plan)
{
	if (plan == NULL)
		return;
	data_free(plan->priv);
	memset(plan, 0, sizeof *plan);
}

/* The audit entry's actor name: the user's, or the command line's. */
typedef struct who {
	arena_t *a;
	const char *name;
} who_t;

static int
copy_username(const store_user_t *u, void *ctx)
{
	who_t *w = ctx;
	w->name = arena_strdup(w->a, u->username);
	return 0;
}

static const char *
actor_name(store_t *st, arena_t *a, int64_t by)
{
	who_t w = {a, "(dòng lệnh)"};
	if (by > 0)
		store_user_get(st, by, copy_username, &w);
	return w.name;
}

int
registry_apply(store_t *st, const registry_plan_t *plan, int64_t by, const char *source, char *err,
               size_t errlen)
{
	struct registry_plan_data *d = plan->priv;
	if (d == NULL) {
		snprintf(err, errlen, "Chưa có kế hoạch nhập danh mục nào để ghi.");
		return -1;
	}
	if (store_units_generation(st) != plan->generation) {
		snprintf(err, errlen,
		         "Danh mục đơn vị đã thay đổi từ lúc kiểm tra tệp; hãy kiểm tra lại (chạy "
		         "lại lệnh nhập hoặc tải lại trang xem trước). Không có dữ liệu nào được "
		         "ghi.");
		return -1;
	}
	store_registry_change_t c = {
	        .as_of = plan->as_of,
	        .close = d->close,
	        .nclose = d->nclose,
	        .open = d->open,
	        .nopen = d->nopen,
	        .update = d->update,
	        .nupdate = d->nupdate,
	        .moves = d->moves,
	        .nmoves = d->nmoves,
	        .lineage = d->lineage,
	        .nlineage = d->nlineage,
	        .at = (int64_t)time(NULL),
	        .by = by,
	        .source = source ? source : "",
	        .summary = plan->nothing_to_do ? NULL : plan->summary,
	};
	char serr[512];
	if (plan->nothing_to_do) /* writes nothing: no change, no summary */
		return store_registry_apply(st, &c, serr, sizeof serr) < 0
		               ? (snprintf(err, errlen, "%s Không có dữ liệu nào được ghi.", serr),
		                  -1)
		               : 0;
	arena_t a = ARENA_INIT;
	store_audit_t ae = {.at = c.at,
	                    .actor_id = by,
	                    .actor_name = actor_name(st, &a, by),
	                    .unit_id = d->vn_id,
	                    .unit_path = "/VN/",
	                    .action = "units.registry_import",
	                    .target = c.source,
	                    .new_value = plan->summary};
	int ret = -1;
	if (store_tx_begin(st) < 0) {
		snprintf(err, errlen,
		         "Lỗi cơ sở dữ liệu khi bắt đầu ghi. Không có dữ liệu nào "
		         "được ghi.");
		goto out;
	}
	if (store_registry_apply(st, &c, serr, sizeof serr) < 0) {
		store_tx_rollback(st);
		snprintf(err, errlen, "Không ghi được danh mục: %s Không có dữ liệu nào được ghi.",
		         serr);
		goto out;
	}
	if (store_audit_append(st, &ae) < 0) {
		store_tx_rollback(st);
		snprintf(err, errlen, "Không ghi được nhật ký. Không có dữ liệu nào được ghi.");
		goto out;
	}
	if (store_tx_commit(st) < 0) {
		snprintf(err, errlen, "Lỗi cơ sở dữ liệu khi ghi. Không có dữ liệu nào được ghi.");
		goto out;
	}
	ret = 0;
out:
	arena_free(&a);
	return ret;
}

/* ---- bodies waiting ---- */

int
registry_pending(store_t *st, registry_pending_t *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	struct registry_plan_data *d = xcalloc(1, sizeof *d);
	if (model_load(st, &d->a, &d->m) < 0) {
		snprintf(err, errlen, "Không đọc được danh mục đơn vị từ cơ sở dữ liệu.");
		data_free(d);
		return -1;
	}
	collect_bodies(d, 0, NULL);
	out->bodies = d->bodies;
	out->nbodies = d->nbodies;
	out->priv = d;
	return 0;
}

void
registry_pending_free(registry_pending_t *p)
{
	if (p == NULL)
		return;
	data_free(p->priv);
	memset(p, 0, sizeof *p);
}

/* ---- placing them ---- */

typedef struct place {
	size_t line;
	int32_t body, holder, parent; /* parent NO: closes */
	int32_t day;                  /* holder's last day + 1 */
	const char *loc;              /* new locality_code, NULL = keep */
} place_t;

static int
cmp_place(const void *a, const void *b)
{
	const place_t *x = a, *y = b;
	return x->day != y->day ? (x->day < y->day ? -1 : 1) : 0;
}

static const char *
row_where(const registry_place_row_t *r)
{
	return r->line ? "Dòng" : "";
}

int
registry_place(store_t *st, const registry_place_row_t *rows, size_t n, int64_t by,
               registry_place_stats_t *stats, char *err, size_t errlen)
{
	struct registry_plan_data *d = xcalloc(1, sizeof *d);
	model_t *m = &d->m;
	arena_t *a = &d->a;
	reg_errors_t e = {BUF_INIT, 0};
	strmap_t open_by_code = STRMAP_INIT, any_code = STRMAP_INIT, seen = STRMAP_INIT;
	int32_t *next_same = NULL;
	place_t *pl = xcalloc(n + 1, sizeof *pl);
	unsigned char *closing = NULL;
	int ret = -1;
	registry_place_stats_t s = {0, 0};
	if (stats)
		*stats = s;
	if (model_load(st, a, m) < 0) {
		reg_error(&e, "", 0, "Không đọc được danh mục đơn vị từ cơ sở dữ liệu.");
		goto fail;
	}
	/* every unit of a code, newest first */
	next_same = xmalloc(size_mul((size_t)m->n + 1, sizeof *next_same));
	for (int32_t i = 0; i < m->n; i++) {
		int64_t prev = NO;
		strmap_get(&any_code, m->u[i].code, strlen(m->u[i].code), &prev);
		next_same[i] = (int32_t)prev;
		strmap_put(&any_code, m->u[i].code, strlen(m->u[i].code), i);
		if (m->u[i].valid_to == OPEN)
			strmap_put(&open_by_code, m->u[i].code, strlen(m->u[i].code), i);
	}
	closing = xcalloc((size_t)m->n + 1, 1);
	for (size_t k = 0; k < n; k++) {
		const registry_place_row_t *r = &rows[k];
		const char *w = row_where(r);
		size_t line = r->line;
		const char *code = r->code ? r->code : "";
		const char *pc = r->parent_code ? r->parent_code : "";
		int64_t b, prev;
		pl[k] = (place_t){.line = line, .body = NO, .parent = NO};
		if (!units_valid_code(code)) {
			reg_error(&e, w, line, "mã đơn vị \"%s\" không hợp lệ.", code);
			continue;
		}
		if (strmap_get(&seen, code, strlen(code), &prev)) {
			reg_error(&e, w, line,
			          "đơn vị %s đã có ở dòng %zu; mỗi đơn vị chỉ một dòng.", code,
			          rows[prev].line);
			continue;
		}
		strmap_put(&seen, code, strlen(code), (int64_t)k);
		if (!strmap_get(&open_by_code, code, strlen(code), &b)) {
			if (strmap_get(&any_code, code, strlen(code), NULL))
				reg_error(&e, w, line,
				          "đơn vị %s đã đóng; chỉ xếp lại được đơn vị đang hoạt "
				          "động.",
				          code);
			else
				reg_error(
				        &e, w, line,
				        "không có đơn vị mã %s; tra mã bằng suotdoi units pending.",
				        code);
			continue;
		}
		const mu_t *u = &m->u[b];
		if (u->is_loc) {
			reg_error(
			        &e, w, line,
			        "%s (%s) là đơn vị hành chính; đơn vị hành chính đổi theo danh mục "
			        "có ngày hiệu lực (suotdoi units import TỆP --as-of NGÀY), không "
			        "xếp bằng tệp này.",
			        u->code, u->name);
			continue;
		}
		int32_t h = u->parent;
		if (h == NO || m->u[h].valid_to == OPEN) {
			reg_error(&e, w, line,
			          "đơn vị %s (%s) không chờ xếp lại: đơn vị cấp trên %s vẫn đang "
			          "hoạt "
			          "động. Muốn chuyển đơn vị này, hãy sửa cột parent_code trong tệp "
			          "đơn vị (suotdoi units import).",
			          u->code, u->name, h == NO ? "VN" : m->u[h].code);
			continue;
		}
		int32_t day = m->u[h].valid_to + 1;
		pl[k].body = (int32_t)b;
		pl[k].holder = h;
		pl[k].day = day;
		if (!*pc) {
			closing[b] = 1;
			continue;
		}
		int64_t p;
		if (!strmap_get(&any_code, pc, strlen(pc), &p)) {
			reg_error(&e, w, line, "không tìm thấy đơn vị cấp trên mã \"%s\".", pc);
			continue;
		}
		while (p != NO && !(m->u[p].valid_from <= day && day <= m->u[p].valid_to))
			p = next_same[p];
		if (p == NO) {
			registry_body_t tmp = body_of(m, (int32_t)b, h);
			candidates(m, h, &tmp);
			buf_t cl = BUF_INIT;
			for (size_t c = 0; c < tmp.ncandidates && c < 5; c++)
				buf_printf(&cl, "%s%s (%s)", c ? ", " : "", tmp.candidates[c].code,
				           tmp.candidates[c].name);
			reg_error(&e, w, line,
			          "đơn vị cấp trên %s không có hiệu lực ngày %s (ngày sau khi %s "
			          "đóng); "
			          "hãy chọn một đơn vị có hiệu lực ngày đó%s%s.",
			          pc, text_date_str(a, day), m->u[h].code, cl.len ? ", ví dụ: " : "",
			          buf_cstr(&cl));
			buf_free(&cl);
			continue;
		}
		/* not under itself */
		int32_t up = (int32_t)p;
		for (int guard = 0; up != NO && guard < 256; guard++, up = m->u[up].parent)
			if (up == (int32_t)b)
				break;
		if (up == (int32_t)b) {
			reg_error(&e, w, line,
			          "không thể xếp %s vào %s: %s nằm trong chính đơn vị %s.", code,
			          pc, pc, code);
			continue;
		}
		pl[k].parent = (int32_t)p;
		const char *ploc = m->u[p].is_loc ? m->u[p].code : m->u[p].locality;
		pl[k].loc = !strcmp(u->locality, m->u[h].code) ? ploc : NULL;
	}
	/* a parent closed by the same file */
	for (size_t k = 0; k < n; k++)
		if (pl[k].parent != NO && closing[pl[k].parent])
			reg_error(
			        &e, row_where(&rows[k]), pl[k].line,
			        "đơn vị cấp trên %s cũng được đóng trong tệp này; hãy chọn đơn vị "
			        "cấp trên khác.",
			        m->u[pl[k].parent].code);
	if (e.n)
		goto fail;

	/* write: one store_registry_apply per day, all in one transaction */
	sort(pl, n, sizeof *pl, cmp_place);
	time_t now = time(NULL);
	buf_t sum = BUF_INIT;
	if (store_tx_begin(st) < 0) {
		reg_error(&e, "", 0, "Lỗi cơ sở dữ liệu khi bắt đầu ghi.");
		goto fail;
	}
	for (size_t k = 0; k < n;) {
		size_t end = k;
		while (end < n && pl[end].day == pl[k].day)
			end++;
		int64_t *close = NULL;
		size_t nclose = 0, capclose = 0, nmv = 0;
		store_unit_move_t *mv = xcalloc(end - k + 1, sizeof *mv);
		for (size_t j = k; j < end; j++) {
			const place_t *q = &pl[j];
			if (q->parent == NO) {
				/* the body and the open bodies under it close with the holder */
				int32_t *stack = NULL;
				size_t sp = 0, cap = 0;
				PUSH(stack, sp, cap, q->body);
				while (sp) {
					int32_t v = stack[--sp];
					PUSH(close, nclose, capclose, m->u[v].id);
					for (size_t c = m->ch_first[v]; c < m->ch_first[v + 1];
					     c++) {
						int32_t w = m->ch[c];
						if (m->u[w].parent == v && m->u[w].valid_to == OPEN)
							PUSH(stack, sp, cap, w);
					}
				}
				free(stack);
				buf_printf(&sum, "%sđóng %s", sum.len ? "; " : "",
				           m->u[q->body].code);
			} else {
				mv[nmv++] = (store_unit_move_t){m->u[q->body].id,
				                                m->u[q->parent].code, q->loc};
				s.placed++;
				buf_printf(&sum, "%s%s → %s", sum.len ? "; " : "",
				           m->u[q->body].code, m->u[q->parent].code);
			}
		}
		s.closed += nclose;
		const char *summary = arena_printf(a, "Xếp lại cơ quan, trường học từ ngày %s: %s.",
		                                   text_date_str(a, pl[k].day), buf_cstr(&sum));
		store_registry_change_t c = {.as_of = pl[k].day,
		                             .close = close,
		                             .nclose = nclose,
		                             .moves = mv,
		                             .nmoves = nmv,
		                             .at = (int64_t)now,
		                             .by = by,
		                             .source = "xếp lại đơn vị",
		                             .summary = summary};
		char serr[512];
		int rc = store_registry_apply(st, &c, serr, sizeof serr);
		free(close);
		free(mv);
		if (rc < 0) {
			store_tx_rollback(st);
			buf_free(&sum);
			reg_error(&e, "", 0, "Không ghi được: %s", serr);
			goto fail;
		}
		k = end;
	}
	store_audit_t ae = {.at = (int64_t)now,
	                    .actor_id = by,
	                    .actor_name = actor_name(st, a, by),
	                    .unit_id = m->vn == NO ? 0 : m->u[m->vn].id,
	                    .unit_path = "/VN/",
	                    .action = "units.registry_place",
	                    .target = arena_printf(a, "%zu đơn vị", n),
	                    .new_value = buf_cstr(&sum)};
	if (n > 0 && store_audit_append(st, &ae) < 0) {
		store_tx_rollback(st);
		buf_free(&sum);
		reg_error(&e, "", 0, "Không ghi được nhật ký.");
		goto fail;
	}
	buf_free(&sum);
	if (store_tx_commit(st) < 0) {
		reg_error(&e, "", 0, "Lỗi cơ sở dữ liệu khi ghi.");
		goto fail;
	}
	if (stats)
		*stats = s;
	ret = 0;
	goto out;
fail:
	reg_errors_finish(&e, err, errlen);
out:
	reg_errors_free(&e);
	strmap_free(&open_by_code);
	strmap_free(&any_code);
	strmap_free(&seen);
	free(next_same);
	free(closing);
	free(pl);
	data_free(d);
	return ret;
}

int
registry_place_csv(store_t *st, const char *csv, size_t len, int64_t by,
                   registry_place_stats_t *stats, char *err, size_t errlen)
{
	csv_reader_t r;
	arena_t a = ARENA_INIT;
	reg_errors_t e = {BUF_INIT, 0};
	registry_place_row_t *rows = NULL;
	size_t n = 0, cap = 0;
	int ret = -1;
	if (stats)
		*stats = (registry_place_stats_t){0, 0};
	csv_init(&r, csv, len);
	int rc = csv_next(&r);
	int pcode = -1, pparent = -1;
	if (rc <= 0) {
		reg_error(&e, "Dòng", rc < 0 ? r.line : 1, "%s",
		          rc < 0 ? r.err : "tệp trống: dòng đầu phải là tiêu đề code,parent_code.");
		goto fail;
	}
	size_t ncols = r.nfields;
	for (size_t i = 0; i < ncols; i++) {
		const char *f = csv_field(&r, i, NULL);
		char *h = arena_strdup(&a, f);
		for (char *p = h; *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
		while (*h == ' ')
			h++;
		for (size_t l = strlen(h); l && h[l - 1] == ' '; l--)
			h[l - 1] = '\0';
		/* other columns (the name, the holder, the candidates of the list the admin
		 * page hands out to fill in) are read by people, not here */
		if (!strcmp(h, "code") || !strcmp(h, "parent_code")) {
			int *pos = !strcmp(h, "code") ? &pcode : &pparent;
			if (*pos >= 0)
				reg_error(&e, "Dòng", 1, "cột \"%s\" xuất hiện hai lần.", h);
			*pos = (int)i;
		}
	}
	if (pcode < 0 || pparent < 0)
		reg_error(&e, "Dòng", 1,
		          "thiếu cột \"code\" hoặc \"parent_code\" (tệp xếp lại cần hai cột đó; "
		          "các cột khác được bỏ qua).");
	if (e.n)
		goto fail;
	while ((rc = csv_next(&r)) > 0) {
		if (r.nfields != ncols) {
			reg_error(&e, "Dòng", r.line, "có %zu cột nhưng tiêu đề có %zu cột.",
			          r.nfields, ncols);
			continue;
		}
		size_t l1, l2;
		const char *c = csv_field(&r, (size_t)pcode, &l1);
		const char *p = csv_field(&r, (size_t)pparent, &l2);
		if (!text_utf8_valid(c, l1) || !text_utf8_valid(p, l2)) {
			reg_error(&e, "Dòng", r.line,
			          "không phải văn bản UTF-8 hợp lệ; hãy lưu tệp với mã hóa UTF-8.");
			continue;
		}
		while (l1 && c[0] == ' ')
			c++, l1--;
		while (l1 && c[l1 - 1] == ' ')
			l1--;
		while (l2 && p[0] == ' ')
			p++, l2--;
		while (l2 && p[l2 - 1] == ' ')
			l2--;
		/* empty: left waiting (the downloaded list, partly filled in); "-": closes with
		 * its old locality */
		if (l2 == 0)
			continue;
		registry_place_row_t row = {r.line, arena_strndup(&a, c, l1),
		                            l2 == 1 && *p == '-' ? "" : arena_strndup(&a, p, l2)};
		PUSH(rows, n, cap, row);
	}
	if (rc < 0)
		reg_error(&e, "Dòng", r.line, "%s", r.err);
	if (e.n)
		goto fail;
	if (n == 0) {
		reg_error(&e, "Dòng", 2, "tệp không có dòng dữ liệu nào (code,parent_code).");
		goto fail;
	}
	ret = registry_place(st, rows, n, by, stats, err, errlen);
	goto out;
fail:
	reg_errors_finish(&e, err, errlen);
out:
	reg_errors_free(&e);
	free(rows);
	csv_free(&r);
	arena_free(&a);
	return ret;
}

/* ---- helpers ---- */

