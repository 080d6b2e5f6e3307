/* A unit's peers in a campaign (service/peers.h): moved from the review queue so entry
 * warnings and the outlier list count peers the same way. */
#include "service/peers.h"

#include <pthread.h>
#include <time.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/mem.h"
#include "text/text.h"

struct peers_cache {
	const char *kind;
	int32_t level;
	const outlier_stats_t *col; /* ncols */
	struct peers_cache *next;
};

static int
is_counted(const live_campaign_t *lc, const unit_tree_t *t, const unsigned char *counted, int32_t k)
{
	if (counted != NULL)
		return counted[k] != 0;
	(void)lc;
	return !t->units[k].is_locality; /* rollup_own answers for a body */
}

int
peers_unit_figures(const live_campaign_t *lc, const unit_tree_t *t, const unsigned char *counted,
                   int32_t k, int64_t *vals, unsigned char *has)
{
	size_t nc = lc->c->tpl->ncols ? lc->c->tpl->ncols : 1;
	if (!is_counted(lc, t, counted, k))
		return 0;
	if (t->units[k].is_locality) {
		rollup_subtree(lc->ru, t, k, 0, vals, NULL);
		memset(has, 1, nc);
		return 1;
	}
	return rollup_own(lc->ru, k, 0, vals, has);
}

outlier_stats_t *
peers_stats(arena_t *a, const live_campaign_t *lc, const unit_tree_t *t,
            const unsigned char *counted, const char *kind, int32_t lo, int32_t hi, size_t *npeers)
{
	size_t nc = lc->c->tpl->ncols ? lc->c->tpl->ncols : 1;
	size_t n = 0, cap = 16;
	int64_t *vals = xmalloc(cap * nc * sizeof *vals);
	unsigned char *has = xmalloc(cap * nc);
	for (int32_t k = lo; k < hi; k++) {
		if (strcmp(t->units[k].kind, kind) != 0 || !is_counted(lc, t, counted, k))
			continue;
		if (n == cap) {
			cap *= 2;
			vals = xrealloc(vals, cap * nc * sizeof *vals);
			has = xrealloc(has, cap * nc);
		}
		if (peers_unit_figures(lc, t, counted, k, vals + n * nc, has + n * nc))
			n++;
	}
	outlier_stats_t *st = arena_alloc(a, nc * sizeof *st);
	int64_t *colv = xmalloc((n ? n : 1) * sizeof *colv);
	for (size_t c = 0; c < nc; c++) {
		size_t m = 0;
		for (size_t p = 0; p < n; p++)
			if (has[p * nc + c])
				colv[m++] = vals[p * nc + c];
		outlier_stats(colv, m, &st[c]);
	}
	free(colv);
	free(vals);
	free(has);
	*npeers = n;
	return st;
}

/* The peers' statistics shared by every request: a report's warnings are computed on every
 * save and view, and nationally one kind's statistics read ~10,000 units (measured: durable
 * submissions through the API fell from 2,417/s to 20/s when each computed them). They are
 * read again when the campaign's figures changed, but not more often than every
 * PEERS_SHARED_SECONDS: soft warnings may lag that much behind the peers' figures
 * (peers_shared_clear forgets them). Keyed by campaign, tree snapshot, level and kind; only
 * for the default counted set. */
#define PEERS_SHARED_SECONDS 5
#define PEERS_SHARED_SLOTS 64
static struct shared_peers {
	int64_t campaign_id, tree_generation, at;
	uint64_t figures; /* rollup_generation when read */
	int32_t tree_from, level;
	char kind[48];
	size_t ncols;
	outlier_stats_t *col; /* malloc'd */
} shared[PEERS_SHARED_SLOTS];
static pthread_mutex_t shared_mu = PTHREAD_MUTEX_INITIALIZER;

void
peers_shared_clear(void)
{
	pthread_mutex_lock(&shared_mu);
	for (size_t k = 0; k < PEERS_SHARED_SLOTS; k++) {
		free(shared[k].col);
		memset(&shared[k], 0, sizeof shared[k]);
	}
	pthread_mutex_unlock(&shared_mu);
}

static int64_t
mono_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec + 1;
}

static size_t
shared_slot(int64_t cid, int32_t level, const char *kind)
{
	uint64_t h = (uint64_t)cid * 0x9E3779B97F4A7C15ull ^ (uint64_t)(uint32_t)level * 31;
	for (const char *p = kind; *p; p++)
		h = h * 131 + (unsigned char)*p;
	return (size_t)(h % PEERS_SHARED_SLOTS);
}

/* A copy of the shared statistics into a, or NULL when none is fresh. */
static outlier_stats_t *
shared_get(arena_t *a, const live_campaign_t *lc, const unit_tree_t *t, int32_t level,
           const char *kind, size_t nc)
{
	outlier_stats_t *out = NULL;
	int64_t now = mono_seconds();
	pthread_mutex_lock(&shared_mu);
	struct shared_peers *e = &shared[shared_slot(lc->c->id, level, kind)];
	if (e->col && e->campaign_id == lc->c->id && e->tree_generation == t->generation &&
	    e->tree_from == t->from && e->level == level && !strcmp(e->kind, kind) &&
	    e->ncols == nc &&
	    (now - e->at < PEERS_SHARED_SECONDS || e->figures == rollup_generation(lc->ru))) {
		out = arena_alloc(a, nc * sizeof *out);
		memcpy(out, e->col, nc * sizeof *out);
	}
	pthread_mutex_unlock(&shared_mu);
	return out;
}

static void
shared_put(const live_campaign_t *lc, const unit_tree_t *t, int32_t level, const char *kind,
           size_t nc, const outlier_stats_t *col)
{
	if (strlen(kind) >= sizeof shared[0].kind)
		return;
	outlier_stats_t *copy = xmalloc(nc * sizeof *copy);
	memcpy(copy, col, nc * sizeof *copy);
	pthread_mutex_lock(&shared_mu);
	struct shared_peers *e = &shared[shared_slot(lc->c->id, level, kind)];
	free(e->col);
	*e = (struct shared_peers){lc->c->id,
	                           t->generation,
	                           mono_seconds(),
	                           rollup_generation(lc->ru),
	                           t->from,
	                           level,
	                           "",
	                           nc,
	                           copy};
	snprintf(e->kind, sizeof e->kind, "%s", kind);
	pthread_mutex_unlock(&shared_mu);
}

const outlier_stats_t *
peers_kind_stats(peers_cache_t **cache, arena_t *a, const live_campaign_t *lc, const unit_tree_t *t,
                 const unsigned char *counted, int32_t level, const char *kind)
{
	for (peers_cache_t *k = *cache; k; k = k->next)
		if (k->level == level && !strcmp(k->kind, kind))
			return k->col;
	size_t nc = lc->c->tpl->ncols ? lc->c->tpl->ncols : 1;
	outlier_stats_t *hit = counted ? NULL : shared_get(a, lc, t, level, kind, nc);
	if (hit) {
		peers_cache_t *k = arena_alloc(a, sizeof *k);
		*k = (peers_cache_t){kind, level, hit, *cache};
		*cache = k;
		return hit;
	}
	size_t n = 0;
	int32_t top = campaign_issuer(lc->c, t);
	outlier_stats_t *col = NULL;
	int share = !counted;
	if (level >= 0)
		col = peers_stats(a, lc, t, counted, kind, level, t->units[level].end, &n);
	if ((level < 0 || n < OUTLIER_MIN_PEERS) && top >= 0 && top != level) {
		/* the whole campaign's peers: shared under the issuer, so every small level
		 * falling back to it (a ward's few schools) reads them once; a small level's own
		 * scan is cheap and not kept */
		share = 0;
		outlier_stats_t *th = counted ? NULL : shared_get(a, lc, t, top, kind, nc);
		if (th)
			col = th;
		else {
			col = peers_stats(a, lc, t, counted, kind, top, t->units[top].end, &n);
			if (!counted && col)
				shared_put(lc, t, top, kind, nc, col);
		}
	}
	if (col == NULL) /* no issuer on this tree: nobody to compare with */
		col = peers_stats(a, lc, t, counted, kind, 0, 0, &n);
	if (share && col)
		shared_put(lc, t, level, kind, nc, col);
	peers_cache_t *k = arena_alloc(a, sizeof *k);
	*k = (peers_cache_t){kind, level, col, *cache};
	*cache = k;
	return col;
}

const char *
peers_fmt_median(arena_t *a, double m)
{
	double w = floor(m);
	buf_t b = BUF_INIT;
	text_format_int((int64_t)w, &b);
	if (m - w > 0.25)
		buf_puts(&b, ",5");
	const char *s = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return s;
}
