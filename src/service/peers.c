/* A unit's peers in a campaign (service/peers.h): moved from the review queue so entry
 * warnings and the outlier list count peers the same way. */
#include "service/peers.h"

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

const outlier_stats_t *
peers_kind_stats(peers_cache_t **cache, arena_t *a, const live_campaign_t *lc, const unit_tree_t *t,
                 const unsigned char *counted, int32_t level, const char *kind)
{
	for (peers_cache_t *k = *cache; k; k = k->next)
		if (k->level == level && !strcmp(k->kind, kind))
			return k->col;
	size_t n = 0;
	int32_t top = campaign_issuer(lc->c, t);
	outlier_stats_t *col = NULL;
	if (level >= 0)
		col = peers_stats(a, lc, t, counted, kind, level, t->units[level].end, &n);
	if ((level < 0 || n < OUTLIER_MIN_PEERS) && top >= 0 && top != level)
		col = peers_stats(a, lc, t, counted, kind, top, t->units[top].end, &n);
	if (col == NULL) /* no issuer on this tree: nobody to compare with */
		col = peers_stats(a, lc, t, counted, kind, 0, 0, &n);
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
