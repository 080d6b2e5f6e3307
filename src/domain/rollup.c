/* Live roll-up: a Fenwick tree over blocks of BLOCK consecutive units of the depth-first
 * order, per layer, node-major (one node = one contiguous row of ncols int64), plus every
 * unit's own values in one dense unit-major matrix shared by both layers.
 *
 * Why blocks: a plain Fenwick over units costs (n+1) x ncols x 8 bytes per layer (25.6 MB
 * for 71,000 units x 45 columns), and the own values needed for deltas cost the same again;
 * two layers would be ~100 MB, the whole server's budget. The own values must be kept
 * anyway, and they already hold every single-unit sum, so the Fenwick only needs to go down
 * to blocks: prefix(x) = Fenwick prefix of the whole blocks before x + the own rows of the
 * at most BLOCK-1 units of x's block before x. One copy of the own values serves both
 * layers: a unit's report is the same figures whether counted or not, and a flag says
 * whether the "counted" layer includes it. At national scale: 25.6 MB own values + 2 x
 * 1.6 MB block Fenwicks + bit sets, and the own matrix comes from calloc (fresh zero pages
 * from mmap), so its pages only become resident as units report.
 *
 * Overflow: values people type are bounded by the template's maximum (1e12), so any sum
 * over <= 70,000-odd units stays below 1e12 x 1e5 = 1e17 < 2^63; deltas (new - old) are
 * bounded the same way. No checks beyond that bound (enforced where reports are validated). */
#include "domain/rollup.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

/* Units per Fenwick leaf block: a prefix reads <= BLOCK-1 own rows plus log2(n/BLOCK)
 * Fenwick rows; 16 keeps both small (~30 rows x 45 columns for 71,000 units) while the
 * block Fenwicks cost 1/16 of the own values. */
#define BLOCK 16

enum { LAYER_COUNTED, LAYER_ALL, NLAYERS };
enum { F_PRESENT = 1, F_COUNTED = 2 }; /* unit flags: has a report / the report is counted */

struct rollup {
	pthread_rwlock_t lock;
	int32_t n, nblocks;
	size_t ncols, hwords;        /* hwords: 64-bit words per unit in has */
	int64_t *own;                /* n x ncols: own values, 0 where no value or no report */
	uint64_t *has;               /* n x hwords: bit c set when column c has a value */
	unsigned char *flags;        /* n: F_PRESENT | F_COUNTED */
	int64_t *fw[NLAYERS];        /* (nblocks+1) x ncols: Fenwick over block sums, 1-based */
	int32_t *cnt[NLAYERS];       /* nblocks+1: Fenwick over reports per block */
	int64_t *delta[NLAYERS];     /* ncols each: scratch for rollup_set, under the write lock */
	_Atomic uint64_t generation; /* bumped by every rollup_set, after the change */
};

rollup_t *
rollup_new(int32_t n, size_t ncols)
{
	if (n < 0)
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
	r->n = n;
	r->nblocks = (int32_t)(((int64_t)n + BLOCK - 1) / BLOCK);
	r->ncols = ncols;
	r->hwords = (ncols + 63) / 64;
	r->own = xcalloc(size_mul((size_t)n, ncols), sizeof *r->own);
	r->has = xcalloc(size_mul((size_t)n, r->hwords), sizeof *r->has);
	r->flags = xcalloc((size_t)n, 1);
	for (int l = 0; l < NLAYERS; l++) {
		r->fw[l] = xcalloc(size_mul((size_t)r->nblocks + 1, ncols), sizeof *r->fw[l]);
		r->cnt[l] = xcalloc((size_t)r->nblocks + 1, sizeof *r->cnt[l]);
		r->delta[l] = xcalloc(ncols, sizeof *r->delta[l]);
	}
	return r;
}

void
rollup_free(rollup_t *r)
{
	if (r == NULL)
		return;
	pthread_rwlock_destroy(&r->lock);
	free(r->own);
	free(r->has);
	free(r->flags);
	for (int l = 0; l < NLAYERS; l++) {
		free(r->fw[l]);
		free(r->cnt[l]);
		free(r->delta[l]);
	}
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

static int
in_layer(unsigned char flags, int layer)
{
	return (flags & (layer == LAYER_ALL ? F_PRESENT : F_COUNTED)) != 0;
}

/* Unit's own row, has bits and flags set; the layers' deltas left in r->delta. Under the
 * write lock. Returns the old flags (the new ones are in r->flags[unit]). */
static unsigned char
set_own(rollup_t *r, int32_t unit, const int64_t *vals, const unsigned char *has, int counted)
{
	size_t nc = r->ncols;
	unsigned char f0 = r->flags[unit];
	unsigned char f1 = vals ? (unsigned char)(F_PRESENT | (counted ? F_COUNTED : 0)) : 0;
	int64_t *row = r->own + (size_t)unit * nc;
	uint64_t *hrow = r->has + (size_t)unit * r->hwords;
	for (size_t w = 0; w < r->hwords; w++)
		hrow[w] = 0;
	for (size_t c = 0; c < nc; c++) {
		int present = vals && (has == NULL || has[c]);
		int64_t nv = present ? vals[c] : 0, ov = row[c];
		r->delta[LAYER_ALL][c] = nv - ov;
		r->delta[LAYER_COUNTED][c] =
		        ((f1 & F_COUNTED) ? nv : 0) - ((f0 & F_COUNTED) ? ov : 0);
		row[c] = nv;
		if (present)
			hrow[c / 64] |= (uint64_t)1 << (c % 64);
	}
	r->flags[unit] = f1;
	atomic_fetch_add(&r->generation, 1);
	return f0;
}

void
rollup_set(rollup_t *r, int32_t unit, const int64_t *vals, const unsigned char *has, int counted)
{
	if (r == NULL || unit < 0 || unit >= r->n)
		return;
	size_t nc = r->ncols;
	pthread_rwlock_wrlock(&r->lock);
	unsigned char f0 = set_own(r, unit, vals, has, counted), f1 = r->flags[unit];
	for (int l = 0; l < NLAYERS; l++) {
		/* out of the layer before and after (a draft edited again, for the counted
		 * layer): all deltas are 0, since own rows of absent reports are 0 */
		if (!in_layer(f0, l) && !in_layer(f1, l))
			continue;
		int32_t dc = in_layer(f1, l) - in_layer(f0, l);
		const int64_t *d = r->delta[l];
		for (int32_t k = unit / BLOCK + 1; k <= r->nblocks; k += k & -k) {
			int64_t *node = r->fw[l] + (size_t)k * nc;
			for (size_t c = 0; c < nc; c++)
				node[c] += d[c];
			r->cnt[l][k] += dc;
		}
	}
	pthread_rwlock_unlock(&r->lock);
}

void
rollup_load(rollup_t *r, int32_t unit, const int64_t *vals, const unsigned char *has, int counted)
{
	if (r == NULL || unit < 0 || unit >= r->n)
		return;
	pthread_rwlock_wrlock(&r->lock);
	set_own(r, unit, vals, has, counted);
	pthread_rwlock_unlock(&r->lock);
}

void
rollup_rebuild(rollup_t *r)
{
	if (r == NULL)
		return;
	size_t nc = r->ncols;
	pthread_rwlock_wrlock(&r->lock);
	for (int l = 0; l < NLAYERS; l++) {
		int64_t *fw = r->fw[l];
		int32_t *cnt = r->cnt[l];
		memset(fw, 0, size_mul((size_t)r->nblocks + 1, nc) * sizeof *fw);
		memset(cnt, 0, ((size_t)r->nblocks + 1) * sizeof *cnt);
		/* each block's own sums, then every node passes its sum to its Fenwick parent:
		 * O(units x columns) instead of a log factor per unit */
		for (int32_t u = 0; u < r->n; u++) {
			if (!in_layer(r->flags[u], l))
				continue;
			int64_t *node = fw + (size_t)(u / BLOCK + 1) * nc;
			const int64_t *row = r->own + (size_t)u * nc;
			for (size_t c = 0; c < nc; c++)
				node[c] += row[c];
			cnt[u / BLOCK + 1]++;
		}
		for (int32_t k = 1; k <= r->nblocks; k++) {
			int32_t up = k + (k & -k);
			if (up > r->nblocks)
				continue;
			int64_t *node = fw + (size_t)k * nc, *parent = fw + (size_t)up * nc;
			for (size_t c = 0; c < nc; c++)
				parent[c] += node[c];
			cnt[up] += cnt[k];
		}
	}
	atomic_fetch_add(&r->generation, 1);
	pthread_rwlock_unlock(&r->lock);
}

uint64_t
rollup_generation(const rollup_t *r)
{
	return r ? atomic_load(&((rollup_t *)r)->generation) : 0;
}

/* out += (or -= when neg) the layer's totals over units [0, x); same for *reports. */
static void
prefix_acc(const rollup_t *r, int layer, int32_t x, int neg, int64_t *out, int64_t *reports)
{
	size_t nc = r->ncols;
	int32_t q = x / BLOCK;
	int64_t count = 0;
	for (int32_t k = q; k > 0; k -= k & -k) {
		const int64_t *node = r->fw[layer] + (size_t)k * nc;
		if (neg)
			for (size_t c = 0; c < nc; c++)
				out[c] -= node[c];
		else
			for (size_t c = 0; c < nc; c++)
				out[c] += node[c];
		count += r->cnt[layer][k];
	}
	for (int32_t i = q * BLOCK; i < x; i++) {
		if (!in_layer(r->flags[i], layer))
			continue;
		const int64_t *row = r->own + (size_t)i * nc;
		if (neg)
			for (size_t c = 0; c < nc; c++)
				out[c] -= row[c];
		else
			for (size_t c = 0; c < nc; c++)
				out[c] += row[c];
		count++;
	}
	*reports += neg ? -count : count;
}

void
rollup_subtree(const rollup_t *r, const unit_tree_t *t, int32_t unit, int include_drafts,
               int64_t *out, int64_t *reports)
{
	int64_t nrep = 0;
	memset(out, 0, r->ncols * sizeof *out);
	/* a tree of another size is another snapshot: its indexes mean other units */
	if (t != NULL && t->n == r->n && unit >= 0 && unit < r->n) {
		int layer = include_drafts ? LAYER_ALL : LAYER_COUNTED;
		pthread_rwlock_rdlock(lock_of(r));
		prefix_acc(r, layer, t->units[unit].end, 0, out, &nrep);
		prefix_acc(r, layer, unit, 1, out, &nrep);
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
	int in = in_layer(r->flags[unit], layer);
	if (in) {
		const int64_t *row = r->own + (size_t)unit * nc;
		const uint64_t *hrow = r->has + (size_t)unit * r->hwords;
		if (out)
			memcpy(out, row, nc * sizeof *out);
		if (has)
			for (size_t c = 0; c < nc; c++)
				has[c] = (hrow[c / 64] >> (c % 64)) & 1;
	}
	pthread_rwlock_unlock(lock_of(r));
	return in;
}
