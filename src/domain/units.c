/* Builds the in-memory unit tree from the store and answers tree and search queries.
 * The depth-first layout makes "is X inside Y" and "every unit under Y" range checks,
 * which the access rules and the roll-up rely on. */
#include "domain/units.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/mem.h"
#include "domain/unit_index.h"
#include "text/legacy.h"
#include "text/text.h"

typedef struct kind_info {
	const char *code, *name;
	int is_locality, sort;
} kind_info_t;

typedef struct raw_unit {
	int64_t id, parent_id;
	const char *code, *name, *kind, *locality_code, *email, *phone;
	int active;
	int32_t valid_from, valid_to;
	int32_t kind_idx;
	int32_t alpha;
	int closed; /* not valid on the tree's day: kept only to hold a valid unit */
} raw_unit_t;

typedef struct loader {
	arena_t *pool;
	kind_info_t *kinds;
	int32_t nkinds, capkinds;
	raw_unit_t *raw;
	int32_t n, cap;
	store_placement_t *pl; /* by unit id, then valid_to */
	size_t npl, cappl;
} loader_t;

static int
load_placement(const store_placement_t *p, void *ctx)
{
	loader_t *l = ctx;
	if (l->npl == l->cappl) {
		l->cappl = l->cappl ? l->cappl * 2 : 256;
		l->pl = xrealloc(l->pl, size_mul(l->cappl, sizeof *l->pl));
	}
	l->pl[l->npl++] = *p;
	return 0;
}

/* The parent of unit r on day: its placement ending first on or after day, else its
 * current parent. */
static int64_t
parent_on(const loader_t *l, const raw_unit_t *r, int32_t day)
{
	size_t lo = 0, hi = l->npl;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l->pl[mid].unit_id < r->id ||
		    (l->pl[mid].unit_id == r->id && l->pl[mid].valid_to < day))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < l->npl && l->pl[lo].unit_id == r->id ? l->pl[lo].parent_id : r->parent_id;
}

int32_t
unit_today(void)
{
	/* Vietnam has kept UTC+7 without daylight saving since 1975 */
	return (int32_t)(((int64_t)time(NULL) + 7 * 3600) / 86400);
}

static int
load_kind(const store_kind_t *k, void *ctx)
{
	loader_t *l = ctx;
	if (l->nkinds == l->capkinds) {
		l->capkinds = l->capkinds ? l->capkinds * 2 : 32;
		l->kinds = xrealloc(l->kinds, size_mul((size_t)l->capkinds, sizeof *l->kinds));
	}
	l->kinds[l->nkinds++] =
	        (kind_info_t){arena_strdup(l->pool, k->code), arena_strdup(l->pool, k->name),
	                      k->is_locality, k->sort};
	return 0;
}

static int32_t
kind_index(const loader_t *l, const char *code)
{
	for (int32_t i = 0; i < l->nkinds; i++)
		if (strcmp(l->kinds[i].code, code) == 0)
			return i;
	return -1;
}

static int
load_unit(const store_unit_t *u, void *ctx)
{
	loader_t *l = ctx;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		l->raw = xrealloc(l->raw, size_mul((size_t)l->cap, sizeof *l->raw));
	}
	raw_unit_t *r = &l->raw[l->n++];
	r->id = u->id;
	r->parent_id = u->parent_id;
	r->code = arena_strdup(l->pool, u->code);
	r->name = arena_strdup(l->pool, u->name);
	r->kind = arena_strdup(l->pool, u->kind);
	r->locality_code = arena_strdup(l->pool, u->locality_code);
	r->email = arena_strdup(l->pool, u->email);
	r->phone = arena_strdup(l->pool, u->phone);
	r->active = u->active;
	r->valid_from = u->valid_from;
	r->valid_to = u->valid_to;
	r->kind_idx = kind_index(l, u->kind);
	r->closed = 0;
	return 0;
}

static int32_t raw_by_id(const loader_t *l, int64_t id);

/* Keep the units of day: those valid on it, each at its placement of that day, and the
 * closed units a valid one still hangs under (a body not yet placed after its locality
 * closed), at their last placement. Fills the tree's epoch: the days around day on which
 * the registry says the same. */
static void
select_day(loader_t *l, int32_t day, int32_t *from, int32_t *to)
{
	int32_t lo = 0, hi = STORE_DAY_OPEN;
#define EDGE(b)                                                                                    \
	do {                                                                                       \
		int32_t b_ = (b);                                                                  \
		if (b_ <= day && b_ > lo)                                                          \
			lo = b_;                                                                   \
		if (b_ > day && b_ - 1 < hi)                                                       \
			hi = b_ - 1;                                                               \
	} while (0)
	for (int32_t i = 0; i < l->n; i++) {
		EDGE(l->raw[i].valid_from);
		if (l->raw[i].valid_to != STORE_DAY_OPEN)
			EDGE(l->raw[i].valid_to + 1);
	}
	for (size_t k = 0; k < l->npl; k++)
		EDGE(l->pl[k].valid_to + 1);
#undef EDGE
	*from = lo;
	*to = hi;
	unsigned char *keep = xcalloc((size_t)l->n + 1, 1);
	for (int32_t i = 0; i < l->n; i++) {
		raw_unit_t *r = &l->raw[i];
		if (r->valid_from <= day && day <= r->valid_to) {
			keep[i] = 1;
			r->parent_id = parent_on(l, r, day);
		}
	}
	for (int32_t i = 0; i < l->n; i++) {
		if (keep[i] != 1)
			continue;
		/* walk up: a closed parent stays as the holder of what is still under it */
		int32_t c = i;
		for (int guard = 0; guard < 64; guard++) {
			int32_t p = raw_by_id(l, l->raw[c].parent_id);
			if (p < 0 || keep[p])
				break;
			raw_unit_t *pr = &l->raw[p];
			if (pr->valid_from > day) {
				log_warn("unit %s sits under %s, which opens after %d; shown under "
				         "the root",
				         l->raw[c].code, pr->code, day);
				l->raw[c].parent_id = 0;
				break;
			}
			keep[p] = 2;
			pr->closed = 1;
			pr->parent_id = parent_on(l, pr, pr->valid_to);
			c = p;
		}
	}
	int32_t n = 0;
	for (int32_t i = 0; i < l->n; i++)
		if (keep[i])
			l->raw[n++] = l->raw[i];
	l->n = n;
	free(keep);
}

/* Sorting helpers: qsort has no context argument, so the comparators read these
 * through a per-call struct passed via a thread-local pointer. */
typedef struct keyed {
	const char *key;
	size_t len;
	int32_t idx;
} keyed_t;

static int
cmp_keyed(const void *a, const void *b)
{
	const keyed_t *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->key, y->key, n);
	if (c)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->idx - y->idx;
}

/* keyed_t reused with len holding a unit id */
static int
cmp_by_id(const void *a, const void *b)
{
	const keyed_t *x = a, *y = b;
	return x->len < y->len ? -1 : x->len > y->len;
}

static _Thread_local const loader_t *sort_loader;

static int
cmp_children(const void *a, const void *b)
{
	const raw_unit_t *x = &sort_loader->raw[*(const int32_t *)a];
	const raw_unit_t *y = &sort_loader->raw[*(const int32_t *)b];
	const kind_info_t *kx = x->kind_idx >= 0 ? &sort_loader->kinds[x->kind_idx] : NULL;
	const kind_info_t *ky = y->kind_idx >= 0 ? &sort_loader->kinds[y->kind_idx] : NULL;
	int lx = kx ? kx->is_locality : 1, ly = ky ? ky->is_locality : 1;
	if (lx != ly)
		return lx - ly; /* bodies before sub-localities */
	if (!lx) {
		int sx = kx ? kx->sort : 0, sy = ky ? ky->sort : 0;
		if (sx != sy)
			return sx - sy;
	}
	return x->alpha - y->alpha;
}

static int32_t
raw_by_id(const loader_t *l, int64_t id)
{
	/* the store returns units in id order */
	int32_t lo = 0, hi = l->n - 1;
	while (lo <= hi) {
		int32_t mid = lo + (hi - lo) / 2;
		if (l->raw[mid].id == id)
			return mid;
		if (l->raw[mid].id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

int
unit_tree_build(store_t *st, unit_tree_t **out, char *err, size_t errlen)
{
	return unit_tree_build_at(st, unit_today(), out, err, errlen);
}

int
unit_tree_build_at(store_t *st, int32_t day, unit_tree_t **out, char *err, size_t errlen)
{
	arena_t *pool = xcalloc(1, sizeof *pool);
	loader_t l = {.pool = pool};
	*out = NULL;
	/* the generation first: a change while loading makes this snapshot look stale */
	int64_t gen = store_units_generation(st);
	if (store_kinds_each(st, load_kind, &l) != 0 || store_units_each(st, load_unit, &l) != 0 ||
	    store_placements_each(st, load_placement, &l) != 0) {
		snprintf(err, errlen, "Không đọc được danh mục đơn vị từ cơ sở dữ liệu.");
		goto fail;
	}
	int32_t from, to;
	select_day(&l, day, &from, &to);
	free(l.pl);
	l.pl = NULL;
	int32_t root = -1;
	for (int32_t i = 0; i < l.n; i++)
		if (strcmp(l.raw[i].code, "VN") == 0)
			root = i;
	if (root < 0) {
		snprintf(err, errlen, "Cơ sở dữ liệu thiếu đơn vị gốc VN.");
		goto fail;
	}

	/* Alphabetical rank of every name, once: searches and listings sort by it. */
	buf_t keys = BUF_INIT;
	size_t *koff = xmalloc(size_mul((size_t)l.n + 1, sizeof *koff));
	for (int32_t i = 0; i < l.n; i++) {
		koff[i] = keys.len;
		if (text_collate_key(l.raw[i].name, strlen(l.raw[i].name), &keys) < 0)
			log_warn("unit %s: name is not valid UTF-8", l.raw[i].code);
	}
	koff[l.n] = keys.len;
	keyed_t *kd = xmalloc(size_mul((size_t)l.n, sizeof *kd));
	for (int32_t i = 0; i < l.n; i++)
		kd[i] = (keyed_t){keys.data ? keys.data + koff[i] : "", koff[i + 1] - koff[i], i};
	qsort(kd, (size_t)l.n, sizeof *kd, cmp_keyed);
	for (int32_t r = 0; r < l.n; r++)
		l.raw[kd[r].idx].alpha = r;
	free(kd);
	free(koff);
	buf_free(&keys);

	/* Children lists (CSR), sorted for display. */
	int32_t *parent = xmalloc(size_mul((size_t)l.n, sizeof *parent));
	int32_t *cstart = xcalloc((size_t)l.n + 1, sizeof *cstart);
	for (int32_t i = 0; i < l.n; i++) {
		parent[i] = i == root ? -1 : raw_by_id(&l, l.raw[i].parent_id);
		if (parent[i] < 0 && i != root) {
			/* only the root may lack a parent; keep stray units visible under it */
			log_warn("unit %s has no parent; shown under the root", l.raw[i].code);
			parent[i] = root;
		}
		if (parent[i] >= 0)
			cstart[parent[i] + 1]++;
	}
	for (int32_t i = 0; i < l.n; i++)
		cstart[i + 1] += cstart[i];
	int32_t *child = xmalloc(size_mul((size_t)l.n + 1, sizeof *child));
	int32_t *fill = xmalloc(size_mul((size_t)l.n + 1, sizeof *fill));
	memcpy(fill, cstart, (size_t)l.n * sizeof *fill);
	for (int32_t i = 0; i < l.n; i++)
		if (parent[i] >= 0)
			child[fill[parent[i]]++] = i;
	sort_loader = &l;
	for (int32_t i = 0; i < l.n; i++)
		qsort(child + cstart[i], (size_t)(cstart[i + 1] - cstart[i]), sizeof *child,
		      cmp_children);
	sort_loader = NULL;

	/* Depth-first layout with an explicit stack (the tree may be deep). */
	unit_tree_t *t = xcalloc(1, sizeof *t);
	t->units = xcalloc((size_t)l.n, sizeof *t->units);
	t->pool = pool;
	t->refs = 1;
	t->generation = gen;
	t->day = day;
	t->from = from;
	t->to = to;
	int32_t *stack = xmalloc(size_mul((size_t)l.n + 1, sizeof *stack));
	int32_t *pos = xmalloc(size_mul((size_t)l.n, sizeof *pos)); /* raw -> tree index */
	int32_t *next = xmalloc(size_mul((size_t)l.n, sizeof *next));
	int32_t sp = 0, n = 0;
	stack[sp++] = root;
	next[root] = cstart[root];
	pos[root] = n++;
	while (sp > 0) {
		int32_t r = stack[sp - 1];
		if (next[r] < cstart[r + 1]) {
			int32_t c = child[next[r]++];
			pos[c] = n++;
			next[c] = cstart[c];
			stack[sp++] = c;
			continue;
		}
		sp--;
		int32_t ti = pos[r];
		raw_unit_t *ru = &l.raw[r];
		unit_t *u = &t->units[ti];
		const kind_info_t *k = ru->kind_idx >= 0 ? &l.kinds[ru->kind_idx] : NULL;
		*u = (unit_t){
		        .id = ru->id,
		        .code = ru->code,
		        .name = ru->name,
		        .kind = ru->kind,
		        .kind_name = k ? k->name : ru->kind,
		        .locality_code = ru->locality_code,
		        .email = ru->email,
		        .phone = ru->phone,
		        .active = ru->active && !ru->closed,
		        .closed = ru->closed,
		        .valid_from = ru->valid_from,
		        .valid_to = ru->valid_to,
		        .is_locality = k ? k->is_locality : 0,
		        .parent = parent[r] >= 0 ? pos[parent[r]] : -1,
		        .end = n,
		        .depth = sp,
		        .nchildren = cstart[r + 1] - cstart[r],
		        .alpha = ru->alpha,
		};
	}
	if (n != l.n)
		log_warn("%d units are unreachable from the root (a cycle in the store?)", l.n - n);
	t->n = n;
	free(stack);
	free(pos);
	free(next);
	free(child);
	free(fill);
	free(cstart);
	free(parent);
	free(l.raw);
	free(l.kinds);

	/* Units by name order; ranks of unreachable units leave gaps, squeezed out here. */
	t->by_alpha = xmalloc(size_mul((size_t)l.n, sizeof *t->by_alpha));
	for (int32_t r = 0; r < l.n; r++)
		t->by_alpha[r] = -1;
	for (int32_t i = 0; i < t->n; i++)
		t->by_alpha[t->units[i].alpha] = i;
	int32_t na = 0;
	for (int32_t r = 0; r < l.n; r++)
		if (t->by_alpha[r] >= 0) {
			t->units[t->by_alpha[r]].alpha = na;
			t->by_alpha[na++] = t->by_alpha[r];
		}

	/* Folded names in one block, in name order, so a search scans memory sequentially
	 * and meets matches already sorted. */
	buf_t fold = BUF_INIT;
	t->fold_off = xmalloc(size_mul((size_t)t->n, sizeof *t->fold_off));
	for (int32_t r = 0; r < t->n; r++) {
		int32_t i = t->by_alpha[r];
		t->fold_off[i] = (uint32_t)fold.len;
		if (text_fold(t->units[i].name, strlen(t->units[i].name), &fold) < 0)
			log_warn("unit %s: name is not valid UTF-8", t->units[i].code);
		buf_putc(&fold, '\0');
	}
	for (int32_t i = 0; i < t->n; i++) {
		/* a code names the unit valid on the day before a closed holder of it */
		int64_t prev;
		const char *code = t->units[i].code;
		if (t->units[i].closed && strmap_get(&t->by_code, code, strlen(code), &prev))
			continue;
		strmap_put(&t->by_code, code, strlen(code), i);
	}
	t->fold = buf_steal(&fold, NULL);

	/* ids for role lookups: sorted copy and the matching tree index */
	t->id_sorted = xmalloc(size_mul((size_t)t->n, sizeof *t->id_sorted));
	t->id_index = xmalloc(size_mul((size_t)t->n, sizeof *t->id_index));
	keyed_t *byid = xmalloc(size_mul((size_t)t->n, sizeof *byid));
	for (int32_t i = 0; i < t->n; i++)
		byid[i] = (keyed_t){NULL, (size_t)t->units[i].id, i};
	qsort(byid, (size_t)t->n, sizeof *byid, cmp_by_id);
	for (int32_t i = 0; i < t->n; i++) {
		t->id_sorted[i] = (int64_t)byid[i].len;
		t->id_index[i] = byid[i].idx;
	}
	free(byid);
	t->index = unit_index_build(t);
	*out = t;
	return 0;
fail:
	free(l.raw);
	free(l.kinds);
	free(l.pl);
	arena_free(pool);
	free(pool);
	return -1;
}

void
unit_tree_ref(unit_tree_t *t)
{
	__atomic_add_fetch(&t->refs, 1, __ATOMIC_RELAXED);
}

void
unit_tree_unref(unit_tree_t *t)
{
	if (t == NULL || __atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	strmap_free(&t->by_code);
	unit_index_free(t->index);
	free(t->fold);
	free(t->fold_off);
	free(t->by_alpha);
	free(t->id_sorted);
	free(t->id_index);
	free(t->units);
	arena_free(t->pool);
	free(t->pool);
	free(t);
}

int32_t
unit_tree_find_code(const unit_tree_t *t, const char *code)
{
	int64_t v;
	return strmap_get(&t->by_code, code, strlen(code), &v) ? (int32_t)v : -1;
}

int32_t
unit_tree_find_id(const unit_tree_t *t, int64_t id)
{
	int32_t lo = 0, hi = t->n - 1;
	while (lo <= hi) {
		int32_t mid = lo + (hi - lo) / 2;
		if (t->id_sorted[mid] == id)
			return t->id_index[mid];
		if (t->id_sorted[mid] < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

void
unit_tree_path(const unit_tree_t *t, int32_t i, buf_t *out)
{
	int32_t chain[256];
	int n = 0;
	for (int32_t p = i; p >= 0 && n < 256; p = t->units[p].parent)
		chain[n++] = p;
	buf_putc(out, '/');
	for (int k = n - 1; k >= 0; k--) {
		buf_puts(out, t->units[chain[k]].code);
		buf_putc(out, '/');
	}
}

int32_t
unit_tree_children(const unit_tree_t *t, int32_t i, int32_t *out, int32_t max)
{
	int32_t k = 0;
	for (int32_t j = i + 1; j < t->units[i].end; j = t->units[j].end, k++)
		if (k < max)
			out[k] = j;
	return k;
}

int32_t
unit_tree_subtree_size(const unit_tree_t *t, int32_t i)
{
	return t->units[i].end - i;
}

int
unit_tree_contains(const unit_tree_t *t, int32_t a, int32_t b)
{
	return a >= 0 && b >= a && b < t->units[a].end;
}

int32_t
unit_tree_search(const unit_tree_t *t, const unit_search_t *s, int32_t *out, int32_t *total)
{
	*total = 0;
	buf_t q = BUF_INIT;
	if (text_fold(s->q, strlen(s->q), &q) < 0) {
		buf_free(&q);
		return -1;
	}
	unit_query_t uq = {.ntok = 0};
	char *save = NULL;
	for (char *w = strtok_r(q.data ? q.data : (char *)"", " ", &save);
	     w && uq.ntok < UNIT_INDEX_MAX_TOKENS; w = strtok_r(NULL, " ", &save)) {
		uq.tok[uq.ntok] = w;
		uq.toklen[uq.ntok++] = strlen(w);
	}
	/* an exact code ("31", "05812") finds its unit too */
	const char *qs = s->q;
	while (*qs == ' ')
		qs++;
	size_t ql = strlen(qs);
	while (ql && qs[ql - 1] == ' ')
		ql--;
	char *codebuf = xstrndup(qs, ql);
	uq.by_code = unit_tree_find_code(t, codebuf);
	free(codebuf);

	uq.lo = 0;
	uq.hi = t->n;
	if (s->within >= 0 && s->within < t->n) {
		uq.lo = s->within;
		uq.hi = t->units[s->within].end;
	}
	uq.kind = s->kind;
	uq.limit = s->limit < 1 ? 20 : s->limit > 200 ? 200 : s->limit;
	uq.offset = s->offset < 0 ? 0 : s->offset;
	int32_t w = 0;
	if (uq.ntok > 0 || uq.by_code >= 0)
		w = unit_index_search(t, &uq, out, total);
	buf_free(&q);
	return w;
}

int32_t
unit_tree_search_legacy(const unit_tree_t *t, const unit_search_t *s, int32_t *out, int32_t *total,
                        legacy_enc_t *enc, buf_t *repaired)
{
	if (enc)
		*enc = LEGACY_NONE;
	legacy_enc_t e = legacy_detect_query(s->q, strlen(s->q));
	buf_t q = BUF_INIT;
	if (e != LEGACY_NONE && legacy_repair(s->q, strlen(s->q), e, &q) == 0) {
		/* the repaired query first: the text as typed is not Vietnamese */
		unit_search_t s2 = *s;
		s2.q = buf_cstr(&q);
		int32_t n = unit_tree_search(t, &s2, out, total);
		if (n >= 0 && *total > 0) {
			if (enc)
				*enc = e;
			if (repaired)
				buf_append(repaired, q.data, q.len);
			buf_free(&q);
			return n;
		}
	}
	buf_free(&q);
	return unit_tree_search(t, s, out, total);
}

size_t
unit_tree_search_bytes(const unit_tree_t *t, size_t *index)
{
	if (index)
		*index = unit_index_bytes(t->index);
	size_t fold = 0;
	for (int32_t i = 0; i < t->n; i++)
		fold += strlen(t->fold + t->fold_off[i]) + 1;
	return fold + (size_t)t->n * (sizeof *t->fold_off + sizeof *t->by_alpha) +
	       unit_index_bytes(t->index);
}
