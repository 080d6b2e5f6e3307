/* Live roll-up (see rollup.h): the reports' own values as varint-coded rows in one byte
 * pool, and running totals for the few units whose subtree is large.
 *
 * Why: the previous layout (a dense units x columns int64 matrix of own values plus block
 * Fenwick trees per layer) held ~24 MB per national campaign (71,000 units x 45 columns),
 * and every campaign loaded stayed. The figures people type are small counts, most of them
 * 0, and only bodies report, so:
 *
 * - Rows. Unit i with a report that has at least one value owns a row in `pool` at off[i]:
 *   a varint capacity (bytes of body), then the body: a has bitmap, a non-zero bitmap
 *   (ncols bits each), then each non-zero value in column order as a zigzag LEB128 varint
 *   (1 byte up to 63, 2 up to 8191, 10 at most for any int64). A national row is ~40 bytes
 *   instead of 360. A row rewritten no longer than its capacity stays in place; a longer
 *   one moves to the end and its old bytes are counted as garbage, packed away when they
 *   reach half the pool (and by every rollup_rebuild).
 * - Totals. Only units whose subtree has more than ROLLUP_SCAN_MAX units keep a total row
 *   per layer (~770 at national scale: the root, provinces, districts, big communes); they
 *   are sorted by unit index with their subtree end and the nearest such ancestor, so a
 *   change walks up the chain (depth <= 5) and a read of one of them is a copy. Any other
 *   subtree has at most ROLLUP_SCAN_MAX units and is summed from its rows.
 * - Totals are uint64 and add modulo 2^64: no signed overflow whatever the values, and a
 *   total is exact whenever the true sum fits in int64 (rows keep every int64 exactly).
 *
 * At national scale (gen's dataset): see rollup_bytes and docs/architecture.md. */
#include "domain/rollup.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

enum { LAYER_COUNTED, LAYER_ALL, NLAYERS };
/* unit flags: has a row / the row is counted / the row is not a report but a figure that adds
 * into the totals above (rollup_set_extra) */
enum { F_PRESENT = 1, F_COUNTED = 2, F_EXTRA = 4 };
#define NO_ROW UINT32_MAX /* off[i]: no row (no report, or no value in it) */

struct rollup {
	pthread_rwlock_t lock;
	int32_t n;
	size_t ncols, nb;     /* nb: bytes of one bitmap (ncols bits) */
	unsigned char *flags; /* n: F_PRESENT | F_COUNTED */
	uint32_t *off;        /* n: the unit's row in pool, or NO_ROW */
	unsigned char *pool;  /* rows: varint capacity, then the body */
	size_t used, cap;     /* bytes of pool in use (garbage included) / allocated */
	size_t garbage;       /* bytes in use by rows moved or removed */
	/* units with running totals, by unit index ascending */
	int32_t nagg;
	int32_t *agg_unit, *agg_end, *agg_up; /* agg_up: index of the nearest such ancestor, -1 */
	uint64_t *tot[NLAYERS];               /* nagg x ncols */
	int32_t *cnt[NLAYERS];                /* nagg: reports in the subtree */
	/* scratch for writers, under the write lock */
	int64_t *oldv, *newv;
	unsigned char *enc; /* one encoded body, at most row_max bytes */
	size_t row_max;
	_Atomic uint64_t generation; /* bumped by every change, after it */
	/* the generation of the last change inside each unit's own row (ustamp, n) and each
	 * running total's subtree (astamp, nagg); base: the last rebuild, which changed all */
	uint64_t *ustamp, *astamp, base;
};

/* ---------- varints ---------- */

static size_t
put_varint(unsigned char *p, uint64_t v)
{
	size_t k = 0;
	while (v >= 0x80) {
		p[k++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	p[k++] = (unsigned char)v;
	return k;
}

static const unsigned char *
get_varint(const unsigned char *p, uint64_t *v)
{
	uint64_t x = 0;
	for (unsigned shift = 0;; shift += 7) {
		unsigned char b = *p++;
		x |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			break;
	}
	*v = x;
	return p;
}

static uint64_t
zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (v < 0 ? UINT64_MAX : 0);
}

static int64_t
unzigzag(uint64_t u)
{
	/* (u >> 1) ^ -(u & 1), in unsigned arithmetic; the conversion wraps (gcc, clang) */
	return (int64_t)((u >> 1) ^ (0 - (u & 1)));
}

/* ---------- rows ---------- */

/* Encode a report's values into r->enc: vals[c] where has (NULL: all) says so. Returns the
 * body's length, 0 when no column has a value (no row needed). */
static size_t
encode(rollup_t *r, const int64_t *vals, const unsigned char *has)
{
	size_t nb = r->nb, k = 2 * nb, any = 0;
	unsigned char *hb = r->enc, *nz = r->enc + nb;
	memset(r->enc, 0, 2 * nb);
	for (size_t c = 0; c < r->ncols; c++) {
		if (has != NULL && !has[c])
			continue;
		any = 1;
		hb[c / 8] |= (unsigned char)(1u << (c % 8));
		if (vals[c] != 0) {
			nz[c / 8] |= (unsigned char)(1u << (c % 8));
			k += put_varint(r->enc + k, zigzag(vals[c]));
		}
	}
	return any ? k : 0;
}

/* The body of unit's row and its capacity; NULL when it has none. */
static const unsigned char *
row_of(const rollup_t *r, int32_t unit, uint64_t *cap)
{
	uint32_t o = r->off[unit];
	if (o == NO_ROW)
		return NULL;
	uint64_t c;
	const unsigned char *body = get_varint(r->pool + o, &c);
	if (cap)
		*cap = c;
	return body;
}

/* Bytes a row takes in the pool, header included. */
static size_t
row_span(const rollup_t *r, int32_t unit)
{
	uint64_t cap;
	const unsigned char *body = row_of(r, unit, &cap);
	return body ? (size_t)(body - (r->pool + r->off[unit])) + (size_t)cap : 0;
}

/* Length of an encoded body (its bitmaps say how many varints follow). */
static size_t
body_len(const rollup_t *r, const unsigned char *body)
{
	const unsigned char *nz = body + r->nb, *p = body + 2 * r->nb;
	for (size_t b = 0; b < r->nb; b++)
		for (unsigned bits = nz[b]; bits; bits &= bits - 1) {
			while (*p & 0x80)
				p++;
			p++;
		}
	return (size_t)(p - body);
}

/* out[c] = the row's values (0 where none), has[c] its bitmap (either may be NULL). */
static void
decode(const rollup_t *r, const unsigned char *body, int64_t *out, unsigned char *has)
{
	const unsigned char *hb = body, *nz = body + r->nb, *p = body + 2 * r->nb;
	for (size_t c = 0; c < r->ncols; c++) {
		unsigned bit = 1u << (c % 8);
		int64_t v = 0;
		if (nz[c / 8] & bit) {
			uint64_t u;
			p = get_varint(p, &u);
			v = unzigzag(u);
		}
		if (out)
			out[c] = v;
		if (has)
			has[c] = (hb[c / 8] & bit) != 0;
	}
}

/* acc[c] += the row's value in c (only the non-zero ones are read). */
static void
decode_add(const rollup_t *r, const unsigned char *body, uint64_t *acc)
{
	const unsigned char *nz = body + r->nb, *p = body + 2 * r->nb;
	for (size_t b = 0; b < r->nb; b++)
		for (unsigned bits = nz[b]; bits; bits &= bits - 1) {
			uint64_t u;
			p = get_varint(p, &u);
			acc[b * 8 + (size_t)__builtin_ctz(bits)] += (uint64_t)unzigzag(u);
		}
}

/* Room for add more bytes at the end of the pool. */
static void
pool_reserve(rollup_t *r, size_t add)
{
	size_t need = size_add(r->used, add);
	if (need <= r->cap)
		return;
	if (need >= NO_ROW) {
		fprintf(stderr, "rollup: more than 4 GiB of rows\n");
		abort();
	}
	size_t cap = r->cap ? r->cap + r->cap / 2 : 4096;
	if (cap < need)
		cap = need;
	if (cap >= NO_ROW)
		cap = NO_ROW - 1;
	r->pool = xrealloc(r->pool, cap);
	r->cap = cap;
}

/* Rewrite the pool with the live rows only, each trimmed to its length, sized to fit. */
static void
pool_pack(rollup_t *r)
{
	size_t live = r->used - r->garbage;
	unsigned char *np = live ? xmalloc(live) : NULL;
	size_t k = 0;
	for (int32_t u = 0; u < r->n; u++) {
		const unsigned char *body = row_of(r, u, NULL);
		if (body == NULL)
			continue;
		size_t len = body_len(r, body);
		unsigned char hdr[10];
		size_t h = put_varint(hdr, len);
		/* a trimmed row is never longer than it was */
		memcpy(np + k, hdr, h);
		memcpy(np + k + h, body, len);
		r->off[u] = (uint32_t)k;
		k += h + len;
	}
	free(r->pool);
	if (k == 0) {
		free(np);
		np = NULL;
	} else if (k < live)
		np = xrealloc(np, k);
	r->pool = np;
	r->used = r->cap = k;
	r->garbage = 0;
}

/* Unit's row becomes the len bytes of r->enc (len 0: no row). */
static void
store_row(rollup_t *r, int32_t unit, size_t len)
{
	uint64_t cap = 0;
	unsigned char *body = (unsigned char *)row_of(r, unit, &cap);
	if (body != NULL && len > 0 && len <= cap) {
		memcpy(body, r->enc, len); /* in place; bytes past len are slack */
		return;
	}
	if (body != NULL) {
		r->garbage += row_span(r, unit);
		r->off[unit] = NO_ROW;
	}
	if (len > 0) {
		unsigned char hdr[10];
		size_t h = put_varint(hdr, len);
		pool_reserve(r, h + len);
		memcpy(r->pool + r->used, hdr, h);
		memcpy(r->pool + r->used + h, r->enc, len);
		r->off[unit] = (uint32_t)r->used;
		r->used += h + len;
	}
	if (r->garbage > 4096 && r->garbage > r->used / 2)
		pool_pack(r);
}

/* ---------- the roll-up ---------- */

rollup_t *
rollup_new(const unit_tree_t *t, size_t ncols)
{
	if (t == NULL || t->n < 0)
		return NULL;
	rollup_t *r = xcalloc(1, sizeof *r);
	pthread_rwlockattr_t attr;
	pthread_rwlockattr_init(&attr);
#ifdef __GLIBC__
	/* glibc prefers readers by default: a steady stream of dashboard reads could starve
	 * a submission. Nothing here takes the read lock recursively, so writers may go first. */
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
#endif
	pthread_rwlock_init(&r->lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	int32_t n = t->n;
	r->n = n;
	r->ncols = ncols;
	r->nb = (ncols + 7) / 8;
	r->flags = xcalloc((size_t)n + 1, 1);
	r->off = xmalloc(((size_t)n + 1) * sizeof *r->off);
	for (int32_t i = 0; i < n; i++)
		r->off[i] = NO_ROW;
	for (int32_t i = 0; i < n; i++)
		if (t->units[i].end - i > ROLLUP_SCAN_MAX)
			r->nagg++;
	size_t na = (size_t)r->nagg + 1;
	r->agg_unit = xmalloc(na * sizeof *r->agg_unit);
	r->agg_end = xmalloc(na * sizeof *r->agg_end);
	r->agg_up = xmalloc(na * sizeof *r->agg_up);
	/* depth-first order: the nearest enclosing total is on top of a stack */
	int32_t k = 0, *stack = xmalloc(na * sizeof *stack), sp = 0;
	for (int32_t i = 0; i < n; i++) {
		if (t->units[i].end - i <= ROLLUP_SCAN_MAX)
			continue;
		while (sp > 0 && r->agg_end[stack[sp - 1]] <= i)
			sp--;
		r->agg_unit[k] = i;
		r->agg_end[k] = t->units[i].end;
		r->agg_up[k] = sp > 0 ? stack[sp - 1] : -1;
		stack[sp++] = k++;
	}
	free(stack);
	for (int l = 0; l < NLAYERS; l++) {
		r->tot[l] = xcalloc(size_mul(na, ncols ? ncols : 1), sizeof *r->tot[l]);
		r->cnt[l] = xcalloc(na, sizeof *r->cnt[l]);
	}
	r->oldv = xcalloc(ncols + 1, sizeof *r->oldv);
	r->newv = xcalloc(ncols + 1, sizeof *r->newv);
	r->ustamp = xcalloc((size_t)n + 1, sizeof *r->ustamp);
	r->astamp = xcalloc(na, sizeof *r->astamp);
	r->row_max = 2 * r->nb + 10 * ncols + 1;
	r->enc = xmalloc(r->row_max);
	return r;
}

void
rollup_free(rollup_t *r)
{
	if (r == NULL)
		return;
	pthread_rwlock_destroy(&r->lock);
	free(r->flags);
	free(r->off);
	free(r->pool);
	free(r->agg_unit);
	free(r->agg_end);
	free(r->agg_up);
	free(r->ustamp);
	free(r->astamp);
	for (int l = 0; l < NLAYERS; l++) {
		free(r->tot[l]);
		free(r->cnt[l]);
	}
	free(r->oldv);
	free(r->newv);
	free(r->enc);
	free(r);
}

int32_t
rollup_units(const rollup_t *r)
{
	return r->n;
}

size_t
rollup_cols(const rollup_t *r)
{
	return r->ncols;
}

/* The lock is the one mutable part of a const rollup: readers lock too. */
static pthread_rwlock_t *
lock_of(const rollup_t *r)
{
	return (pthread_rwlock_t *)&r->lock;
}

size_t
rollup_bytes(const rollup_t *r)
{
	if (r == NULL)
		return 0;
	size_t na = (size_t)r->nagg + 1, nc = r->ncols ? r->ncols : 1;
	pthread_rwlock_rdlock(lock_of(r));
	size_t b = sizeof *r + ((size_t)r->n + 1) * (1 + sizeof *r->off) + r->cap +
	           na * 3 * sizeof(int32_t) +
	           NLAYERS * (na * nc * sizeof(uint64_t) + na * sizeof(int32_t)) +
	           2 * (r->ncols + 1) * sizeof(int64_t) + r->row_max +
	           ((size_t)r->n + 1 + na) * sizeof(uint64_t);
	pthread_rwlock_unlock(lock_of(r));
	return b;
}

static int
in_layer(unsigned char flags, int layer)
{
	return (flags & (layer == LAYER_ALL ? F_PRESENT : F_COUNTED)) != 0;
}

/* Whether a row with flags counts as a report of the layer (an extra one does not). */
static int
is_report(unsigned char flags, int layer)
{
	return in_layer(flags, layer) && !(flags & F_EXTRA);
}

/* The index of the deepest unit with totals whose subtree holds unit, or -1. */
static int32_t
agg_above(const rollup_t *r, int32_t unit)
{
	int32_t lo = 0, hi = r->nagg; /* the last k with agg_unit[k] <= unit */
	while (lo < hi) {
		int32_t mid = lo + (hi - lo) / 2;
		if (r->agg_unit[mid] <= unit)
			lo = mid + 1;
		else
			hi = mid;
	}
	int32_t k = lo - 1;
	/* an enclosing one is before k and encloses k too: climb k's chain */
	while (k >= 0 && r->agg_end[k] <= unit)
		k = r->agg_up[k];
	return k;
}

/* Unit's row and flags set; the old values left in r->oldv, the new in r->newv. Under the
 * write lock. Returns the old flags. */
static unsigned char
set_own(rollup_t *r, int32_t unit, const int64_t *vals, const unsigned char *has, int counted,
        int extra)
{
	unsigned char f0 = r->flags[unit];
	unsigned char f1 = vals ? (unsigned char)(F_PRESENT | (counted ? F_COUNTED : 0) |
	                                          (extra ? F_EXTRA : 0))
	                        : 0;
	const unsigned char *body = row_of(r, unit, NULL);
	if (body)
		decode(r, body, r->oldv, NULL);
	else
		memset(r->oldv, 0, r->ncols * sizeof *r->oldv);
	for (size_t c = 0; c < r->ncols; c++)
		r->newv[c] = vals && (has == NULL || has[c]) ? vals[c] : 0;
	store_row(r, unit, vals ? encode(r, vals, has) : 0);
	r->flags[unit] = f1;
	return f0;
}

static void
set_row(rollup_t *r, int32_t unit, const int64_t *vals, const unsigned char *has, int counted,
        int extra)
{
	if (r == NULL || unit < 0 || unit >= r->n)
		return;
	size_t nc = r->ncols;
	pthread_rwlock_wrlock(&r->lock);
	unsigned char f0 = set_own(r, unit, vals, has, counted, extra), f1 = r->flags[unit];
	int32_t first = agg_above(r, unit);
	for (int l = 0; l < NLAYERS; l++) {
		int in0 = in_layer(f0, l), in1 = in_layer(f1, l);
		if (!in0 && !in1)
			continue;
		for (int32_t k = first; k >= 0; k = r->agg_up[k]) {
			uint64_t *tot = r->tot[l] + (size_t)k * nc;
			for (size_t c = 0; c < nc; c++)
				tot[c] += (in1 ? (uint64_t)r->newv[c] : 0) -
				          (in0 ? (uint64_t)r->oldv[c] : 0);
			r->cnt[l][k] += is_report(f1, l) - is_report(f0, l);
		}
	}
	uint64_t g = atomic_fetch_add(&r->generation, 1) + 1;
	r->ustamp[unit] = g;
	for (int32_t k = first; k >= 0; k = r->agg_up[k])
		r->astamp[k] = g;
	pthread_rwlock_unlock(&r->lock);
}

void
rollup_set(rollup_t *r, int32_t unit, const int64_t *vals, const unsigned char *has, int counted)
{
	set_row(r, unit, vals, has, counted, 0);
}

void
rollup_set_extra(rollup_t *r, int32_t unit, const int64_t *vals, const unsigned char *has)
{
	set_row(r, unit, vals, has, 1, 1);
}

static void
load_row(rollup_t *r, int32_t unit, const int64_t *vals, const unsigned char *has, int counted,
         int extra)
{
	if (r == NULL || unit < 0 || unit >= r->n)
		return;
	pthread_rwlock_wrlock(&r->lock);
	set_own(r, unit, vals, has, counted, extra);
	pthread_rwlock_unlock(&r->lock);
}

void
rollup_load(rollup_t *r, int32_t unit, const int64_t *vals, const unsigned char *has, int counted)
{
	load_row(r, unit, vals, has, counted, 0);
}

void
rollup_load_extra(rollup_t *r, int32_t unit, const int64_t *vals, const unsigned char *has)
{
	load_row(r, unit, vals, has, 1, 1);
}

void
rollup_rebuild(rollup_t *r)
{
	if (r == NULL)
		return;
	size_t nc = r->ncols, na = (size_t)r->nagg;
	pthread_rwlock_wrlock(&r->lock);
	pool_pack(r);
	for (int l = 0; l < NLAYERS; l++) {
		memset(r->tot[l], 0, na * nc * sizeof *r->tot[l]);
		memset(r->cnt[l], 0, na * sizeof *r->cnt[l]);
	}
	/* each row into the deepest total enclosing it (a stack, in depth-first order), then
	 * every total into the one above it, deepest first: O(rows x columns + totals) */
	int32_t *stack = xmalloc((na + 1) * sizeof *stack), sp = 0, next = 0;
	for (int32_t u = 0; u < r->n; u++) {
		while (sp > 0 && r->agg_end[stack[sp - 1]] <= u)
			sp--;
		if (next < r->nagg && r->agg_unit[next] == u)
			stack[sp++] = next++;
		if (sp == 0 || !r->flags[u])
			continue;
		int32_t k = stack[sp - 1];
		const unsigned char *body = row_of(r, u, NULL);
		for (int l = 0; l < NLAYERS; l++) {
			if (!in_layer(r->flags[u], l))
				continue;
			if (body)
				decode_add(r, body, r->tot[l] + (size_t)k * nc);
			r->cnt[l][k] += is_report(r->flags[u], l);
		}
	}
	free(stack);
	for (int32_t k = r->nagg - 1; k >= 0; k--) {
		int32_t up = r->agg_up[k];
		if (up < 0)
			continue;
		for (int l = 0; l < NLAYERS; l++) {
			const uint64_t *src = r->tot[l] + (size_t)k * nc;
			uint64_t *dst = r->tot[l] + (size_t)up * nc;
			for (size_t c = 0; c < nc; c++)
				dst[c] += src[c];
			r->cnt[l][up] += r->cnt[l][k];
		}
	}
	r->base = atomic_fetch_add(&r->generation, 1) + 1;
	pthread_rwlock_unlock(&r->lock);
}

static int32_t agg_of(const rollup_t *r, int32_t unit);

uint64_t
rollup_subtree_generation(const rollup_t *r, const unit_tree_t *t, int32_t unit)
{
	if (r == NULL)
		return 0;
	rollup_t *w = (rollup_t *)r;
	if (t == NULL || t->n != r->n || unit < 0 || unit >= r->n)
		return atomic_load(&w->generation);
	pthread_rwlock_rdlock(&w->lock);
	uint64_t g = r->base;
	int32_t k = agg_of(r, unit);
	if (k >= 0) { /* every change below passed its running totals */
		if (r->astamp[k] > g)
			g = r->astamp[k];
	} else /* a small subtree (at most ROLLUP_SCAN_MAX units): its rows' stamps */
		for (int32_t u = unit; u < t->units[unit].end; u++)
			if (r->ustamp[u] > g)
				g = r->ustamp[u];
	pthread_rwlock_unlock(&w->lock);
	return g;
}

uint64_t
rollup_generation(const rollup_t *r)
{
	return r ? atomic_load(&((rollup_t *)r)->generation) : 0;
}

/* The index of unit's own running totals, or -1 when it has none. */
static int32_t
agg_of(const rollup_t *r, int32_t unit)
{
	int32_t lo = 0, hi = r->nagg - 1;
	while (lo <= hi) {
		int32_t mid = lo + (hi - lo) / 2;
		if (r->agg_unit[mid] == unit)
			return mid;
		if (r->agg_unit[mid] < unit)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

void
rollup_subtree(const rollup_t *r, const unit_tree_t *t, int32_t unit, int include_drafts,
               int64_t *out, int64_t *reports)
{
	size_t nc = r->ncols;
	int64_t nrep = 0;
	memset(out, 0, nc * sizeof *out);
	/* a tree of another size is another snapshot: its indexes mean other units */
	if (t != NULL && t->n == r->n && unit >= 0 && unit < r->n) {
		int layer = include_drafts ? LAYER_ALL : LAYER_COUNTED;
		int32_t end = t->units[unit].end, k = agg_of(r, unit);
		pthread_rwlock_rdlock(lock_of(r));
		if (k >= 0 && r->agg_end[k] == end) {
			const uint64_t *tot = r->tot[layer] + (size_t)k * nc;
			for (size_t c = 0; c < nc; c++)
				out[c] = (int64_t)tot[c]; /* wraps back (gcc, clang) */
			nrep = r->cnt[layer][k];
		} else {
			/* a small subtree (or a tree of another shape: still right, only slower) */
			uint64_t *acc = (uint64_t *)out; /* same size; 0 bits are 0 */
			if (end > r->n)
				end = r->n;
			for (int32_t u = unit; u < end; u++) {
				if (!in_layer(r->flags[u], layer))
					continue;
				nrep += is_report(r->flags[u], layer);
				const unsigned char *body = row_of(r, u, NULL);
				if (body)
					decode_add(r, body, acc);
			}
		}
		pthread_rwlock_unlock(lock_of(r));
	}
	if (reports)
		*reports = nrep;
}

int
rollup_own(const rollup_t *r, int32_t unit, int include_drafts, int64_t *out, unsigned char *has)
{
	size_t nc = r->ncols;
	if (out)
		memset(out, 0, nc * sizeof *out);
	if (has)
		memset(has, 0, nc);
	if (unit < 0 || unit >= r->n)
		return 0;
	int layer = include_drafts ? LAYER_ALL : LAYER_COUNTED;
	pthread_rwlock_rdlock(lock_of(r));
	int in = is_report(r->flags[unit], layer);
	if (in) {
		const unsigned char *body = row_of(r, unit, NULL);
		if (body)
			decode(r, body, out, has);
	}
	pthread_rwlock_unlock(lock_of(r));
	return in;
}

int
rollup_extra(const rollup_t *r, int32_t unit, int64_t *out, unsigned char *has)
{
	size_t nc = r->ncols;
	if (out)
		memset(out, 0, nc * sizeof *out);
	if (has)
		memset(has, 0, nc);
	if (unit < 0 || unit >= r->n)
		return 0;
	pthread_rwlock_rdlock(lock_of(r));
	int in = (r->flags[unit] & F_EXTRA) != 0;
	if (in && out) {
		const unsigned char *body = row_of(r, unit, NULL);
		if (body)
			decode(r, body, out, has);
	}
	pthread_rwlock_unlock(lock_of(r));
	return in;
}
