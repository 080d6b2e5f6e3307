/* The unit search index (see unit_index.h): a sorted dictionary of the folded names' words
 * with the alphabetical ranks of each word's units. A search costs the postings of its
 * words and one bitmap walk, instead of a string match against every name. */
#include "domain/unit_index.h"

#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/strmap.h"

/* A subtree this many times smaller than the rarest word's cost is cheaper to scan. */
#define SCAN_FACTOR 16
/* A further word costing up to this many times the names left goes through a bitmap; a
 * commoner one is checked against those names as a string. */
#define AND_FACTOR 32
/* A prefix of 1 or 2 bytes whose postings exceed n / HEAVY_DIV keeps a ready bitmap: the
 * short words people type first ("t", "tr", "xa") cost one pass over n / 64 words instead
 * of marking most of the units. */
#define HEAVY_DIV 8
#define HEAVY_MAXLEN 2
/* A unit kind the index did not number: compared as a string. */
#define KIND_OTHER UINT8_MAX

struct unit_index {
	int32_t n;          /* units = ranks */
	uint32_t nwords;    /* distinct words */
	char *words;        /* the words, sorted bytewise, each NUL-terminated */
	uint32_t *word_off; /* [nwords] offset of each word in words */
	uint32_t *cnt_off;  /* [nwords + 1] postings before word w, to plan by */
	uint32_t *post_off; /* [nwords + 1] word w's ranks: post[post_off[w]..post_off[w + 1]) */
	uint8_t *post;      /* ascending within a word, a unit once per word; each the gap from
	                       the previous (the first from 0) in LEB128: 1-2 bytes, not 4 */
	uint8_t *kind_of;   /* [n] kind number of the unit of each rank */
	char **kinds;       /* kind codes by number */
	uint32_t nkinds;
	uint32_t nheavy;   /* ready bitmaps of common short prefixes: */
	uint32_t *heavy_a; /* [nheavy] their dictionary ranges [a, b), ascending */
	uint32_t *heavy_b;
	uint64_t *heavy; /* [nheavy][nbits] */
	size_t nbits;    /* 64-bit words in a bitmap of n ranks */
	size_t bytes;
};

typedef struct word_ref {
	const char *p;
	uint32_t len, id;
} word_ref_t;

static int
cmp_word(const void *a, const void *b)
{
	const word_ref_t *x = a, *y = b;
	int c = memcmp(x->p, y->p, x->len < y->len ? x->len : y->len);
	if (c)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

static void word_range(const unit_index_t *ix, const char *tok, size_t len, uint32_t *a,
                       uint32_t *b);
static void mark(const unit_index_t *ix, uint32_t a, uint32_t b, uint64_t *bits);

/* The ready bitmaps: every distinct prefix of 1..HEAVY_MAXLEN bytes whose postings are
 * many. Ranges of different prefixes may coincide ("q", "qu"): kept once. */
static void
heavy_build(unit_index_t *ix)
{
	size_t thr = (size_t)ix->n / HEAVY_DIV, cap = 0;
	for (uint32_t w = 0; w < ix->nwords; w++) {
		const char *s = ix->words + ix->word_off[w];
		for (size_t len = 1; len <= HEAVY_MAXLEN && s[len - 1]; len++) {
			uint32_t a, b;
			word_range(ix, s, len, &a, &b);
			if (a != w || ix->cnt_off[b] - ix->cnt_off[a] <= thr)
				continue; /* seen from an earlier word, or rare enough */
			if (ix->nheavy && ix->heavy_a[ix->nheavy - 1] == a &&
			    ix->heavy_b[ix->nheavy - 1] == b)
				continue;
			if (ix->nheavy == cap) {
				cap = cap ? cap * 2 : 16;
				ix->heavy_a =
				        xrealloc(ix->heavy_a, size_mul(cap, sizeof(uint32_t)));
				ix->heavy_b =
				        xrealloc(ix->heavy_b, size_mul(cap, sizeof(uint32_t)));
			}
			ix->heavy_a[ix->nheavy] = a;
			ix->heavy_b[ix->nheavy++] = b;
		}
	}
	ix->heavy = xcalloc(size_mul((size_t)ix->nheavy, ix->nbits) + 1, sizeof *ix->heavy);
	for (uint32_t h = 0; h < ix->nheavy; h++)
		mark(ix, ix->heavy_a[h], ix->heavy_b[h], ix->heavy + (size_t)h * ix->nbits);
	ix->bytes += (size_t)ix->nheavy * (ix->nbits * sizeof *ix->heavy + 2 * sizeof(uint32_t));
}

/* The ready bitmap of words [a, b), or NULL. The ranges nest or are disjoint, in order of
 * a then (for "t" before "th") wider first. */
static const uint64_t *
heavy_of(const unit_index_t *ix, uint32_t a, uint32_t b)
{
	for (uint32_t h = 0; h < ix->nheavy && ix->heavy_a[h] <= a; h++)
		if (ix->heavy_a[h] == a && ix->heavy_b[h] == b)
			return ix->heavy + (size_t)h * ix->nbits;
	return NULL;
}

static uint8_t
kind_number(unit_index_t *ix, const char *kind)
{
	for (uint32_t k = 0; k < ix->nkinds; k++)
		if (!strcmp(ix->kinds[k], kind))
			return (uint8_t)k;
	if (ix->nkinds == KIND_OTHER)
		return KIND_OTHER;
	ix->kinds = xrealloc(ix->kinds, size_mul((size_t)ix->nkinds + 1, sizeof *ix->kinds));
	ix->kinds[ix->nkinds] = xstrdup(kind);
	ix->bytes += strlen(kind) + 1 + sizeof *ix->kinds;
	return (uint8_t)ix->nkinds++;
}

unit_index_t *
unit_index_build(const unit_tree_t *t)
{
	unit_index_t *ix = xcalloc(1, sizeof *ix);
	int32_t n = t->n;
	ix->n = n;
	ix->nbits = ((size_t)n + 63) / 64;
	ix->bytes = sizeof *ix;

	/* Pass 1, in rank order: number the words as they first appear, and keep each
	 * name's distinct word numbers (pairs[pstart[r]..pstart[r + 1])). */
	strmap_t seen = STRMAP_INIT;
	size_t cap = size_add(size_mul((size_t)n, 4), 16), np = 0, wcap = 1024;
	uint32_t nw = 0;
	uint32_t *pairs = xmalloc(size_mul(cap, sizeof *pairs));
	uint32_t *pstart = xmalloc(size_mul((size_t)n + 1, sizeof *pstart));
	word_ref_t *ref = xmalloc(size_mul(wcap, sizeof *ref));
	uint32_t *count = xmalloc(size_mul(wcap, sizeof *count));
	int32_t *last = xmalloc(size_mul(wcap, sizeof *last));
	for (int32_t r = 0; r < n; r++) {
		pstart[r] = (uint32_t)np;
		const char *s = t->fold + t->fold_off[t->by_alpha[r]];
		while (*s) {
			const char *e = strchr(s, ' ');
			size_t len = e ? (size_t)(e - s) : strlen(s);
			int64_t id;
			if (!strmap_get(&seen, s, len, &id)) {
				if (nw == wcap) {
					wcap = size_mul(wcap, 2);
					ref = xrealloc(ref, size_mul(wcap, sizeof *ref));
					count = xrealloc(count, size_mul(wcap, sizeof *count));
					last = xrealloc(last, size_mul(wcap, sizeof *last));
				}
				id = nw++;
				strmap_put(&seen, s, len, id);
				ref[id] = (word_ref_t){s, (uint32_t)len, (uint32_t)id};
				count[id] = 0;
				last[id] = -1;
			}
			if (last[id] != r) { /* "Xã An An": the unit once under "an" */
				last[id] = r;
				count[id]++;
				if (np == cap) {
					cap = size_mul(cap, 2);
					pairs = xrealloc(pairs, size_mul(cap, sizeof *pairs));
				}
				pairs[np++] = (uint32_t)id;
			}
			s += len;
			if (*s == ' ')
				s++;
		}
	}
	pstart[n] = (uint32_t)np;
	if (np > UINT32_MAX)
		mem_fatal("unit index: too many words");
	strmap_free(&seen);
	free(last);

	/* The dictionary in byte order; postings laid out in the same order. */
	qsort(ref, nw, sizeof *ref, cmp_word);
	size_t blob = 0;
	for (uint32_t k = 0; k < nw; k++)
		blob = size_add(blob, (size_t)ref[k].len + 1);
	ix->nwords = nw;
	ix->words = xmalloc(blob ? blob : 1);
	ix->word_off = xmalloc(size_mul((size_t)nw + 1, sizeof *ix->word_off));
	ix->cnt_off = xmalloc(size_mul((size_t)nw + 1, sizeof *ix->cnt_off));
	ix->post_off = xmalloc(size_mul((size_t)nw + 1, sizeof *ix->post_off));
	uint32_t *fill = xmalloc(size_mul((size_t)nw + 1, sizeof *fill)); /* id -> next slot */
	size_t at = 0, po = 0;
	for (uint32_t k = 0; k < nw; k++) {
		ix->word_off[k] = (uint32_t)at;
		memcpy(ix->words + at, ref[k].p, ref[k].len);
		ix->words[at + ref[k].len] = '\0';
		at += (size_t)ref[k].len + 1;
		ix->cnt_off[k] = (uint32_t)po;
		fill[ref[k].id] = (uint32_t)po;
		po += count[ref[k].id];
	}
	ix->cnt_off[nw] = (uint32_t)po;
	free(ref);
	free(count);

	/* Pass 2: ranks into their words' postings, ascending since r is, then packed. */
	int32_t *post = xmalloc(size_mul(np ? np : 1, sizeof *post));
	for (int32_t r = 0; r < n; r++)
		for (uint32_t p = pstart[r]; p < pstart[r + 1]; p++)
			post[fill[pairs[p]]++] = r;
	free(fill);
	free(pairs);
	free(pstart);
	size_t packed = 0;
	for (uint32_t k = 0; k < nw; k++)
		for (uint32_t p = ix->cnt_off[k], prev = 0; p < ix->cnt_off[k + 1]; p++) {
			uint32_t gap = (uint32_t)post[p] - prev;
			prev = (uint32_t)post[p];
			do
				packed++;
			while (gap >>= 7);
		}
	if (packed > UINT32_MAX)
		mem_fatal("unit index: postings too large");
	ix->post = xmalloc(packed ? packed : 1);
	size_t o = 0;
	for (uint32_t k = 0; k < nw; k++) {
		ix->post_off[k] = (uint32_t)o;
		for (uint32_t p = ix->cnt_off[k], prev = 0; p < ix->cnt_off[k + 1]; p++) {
			uint32_t gap = (uint32_t)post[p] - prev;
			prev = (uint32_t)post[p];
			for (; gap >= 0x80; gap >>= 7)
				ix->post[o++] = (uint8_t)(gap | 0x80);
			ix->post[o++] = (uint8_t)gap;
		}
	}
	ix->post_off[nw] = (uint32_t)o;
	free(post);

	ix->kind_of = xmalloc(size_mul((size_t)n + 1, sizeof *ix->kind_of));
	for (int32_t r = 0; r < n; r++)
		ix->kind_of[r] = kind_number(ix, t->units[t->by_alpha[r]].kind);
	ix->bytes += blob + ((size_t)nw + 1) * 3 * sizeof(uint32_t) + packed +
	             ((size_t)n + 1) * sizeof *ix->kind_of;
	heavy_build(ix);
	return ix;
}

void
unit_index_free(unit_index_t *ix)
{
	if (!ix)
		return;
	for (uint32_t k = 0; k < ix->nkinds; k++)
		free(ix->kinds[k]);
	free(ix->kinds);
	free(ix->words);
	free(ix->word_off);
	free(ix->cnt_off);
	free(ix->post_off);
	free(ix->post);
	free(ix->kind_of);
	free(ix->heavy_a);
	free(ix->heavy_b);
	free(ix->heavy);
	free(ix);
}

size_t
unit_index_bytes(const unit_index_t *ix)
{
	return ix ? ix->bytes : 0;
}

/* The dictionary words that start with tok: [*a, *b). */
static void
word_range(const unit_index_t *ix, const char *tok, size_t len, uint32_t *a, uint32_t *b)
{
	uint32_t lo = 0, hi = ix->nwords;
	while (lo < hi) { /* first word not before tok */
		uint32_t mid = lo + (hi - lo) / 2;
		if (strncmp(ix->words + ix->word_off[mid], tok, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*a = lo;
	hi = ix->nwords;
	while (lo < hi) { /* first word after every word starting with tok */
		uint32_t mid = lo + (hi - lo) / 2;
		if (strncmp(ix->words + ix->word_off[mid], tok, len) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*b = lo;
}

/* Set the bit of every rank in the postings of words [a, b). */
static void
mark(const unit_index_t *ix, uint32_t a, uint32_t b, uint64_t *bits)
{
	for (uint32_t w = a; w < b; w++) {
		const uint8_t *p = ix->post + ix->post_off[w],
		              *end = ix->post + ix->post_off[w + 1];
		uint32_t r = 0;
		while (p < end) {
			uint32_t gap = *p++;
			if (gap & 0x80) {
				gap &= 0x7f;
				for (int sh = 7;; sh += 7) {
					uint32_t c = *p++;
					gap |= (c & 0x7f) << sh;
					if (!(c & 0x80))
						break;
				}
			}
			r += gap;
			bits[r >> 6] |= 1ull << (r & 63);
		}
	}
}

/* 1 if tok starts a word of the folded name s: the scan's rule, for names left to check. */
static int
starts_word(const char *s, const char *tok, size_t len)
{
	for (const char *p = s;;) {
		if (!strncmp(p, tok, len))
			return 1;
		p = strchr(p, ' ');
		if (!p)
			return 0;
		p++;
	}
}

typedef struct page {
	int32_t *out;
	int32_t limit, off, w, nm;
} page_t;

static void
page_add(page_t *pg, int32_t i)
{
	if (pg->nm++ >= pg->off && pg->w < pg->limit)
		pg->out[pg->w++] = i;
}

static int
cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return x < y ? -1 : x > y;
}

/* The kind filter: -1 any, else a kind number (KIND_OTHER: compare strings). -2 when no
 * unit has that kind. */
static int32_t
kind_filter(const unit_index_t *ix, const char *kind)
{
	if (!kind)
		return -1;
	for (uint32_t k = 0; k < ix->nkinds; k++)
		if (!strcmp(ix->kinds[k], kind))
			return (int32_t)k;
	return ix->nkinds == KIND_OTHER ? KIND_OTHER : -2;
}

static int
kind_ok(const unit_tree_t *t, int32_t kid, int32_t r, const char *kind)
{
	if (kid < 0)
		return 1;
	if (t->index->kind_of[r] != kid)
		return 0;
	return kid != KIND_OTHER || !strcmp(t->units[t->by_alpha[r]].kind, kind);
}

/* A small subtree: every name in it checked as a string, then sorted by rank. */
static void
scan_subtree(const unit_tree_t *t, const unit_query_t *q, int32_t kid, page_t *pg)
{
	int32_t *ranks = xmalloc(size_mul((size_t)(q->hi - q->lo) + 1, sizeof *ranks));
	int32_t k = 0;
	for (int32_t i = q->lo; i < q->hi; i++) {
		int32_t r = t->units[i].alpha;
		if (!kind_ok(t, kid, r, q->kind))
			continue;
		int ok = 1;
		for (int j = 0; ok && i != q->by_code && j < q->ntok; j++)
			ok = starts_word(t->fold + t->fold_off[i], q->tok[j], q->toklen[j]);
		if (ok)
			ranks[k++] = r;
	}
	qsort(ranks, (size_t)k, sizeof *ranks, cmp_i32);
	for (int32_t j = 0; j < k; j++)
		page_add(pg, t->by_alpha[ranks[j]]);
	free(ranks);
}

/* 1 if word k is implied by another: a name with a word starting "tr" has one starting
 * "t", so "t tr" is "tr" (and "an an" is "an"). */
static int
implied(const unit_query_t *q, int k)
{
	for (int j = 0; j < q->ntok; j++)
		if (j != k && q->toklen[k] <= q->toklen[j] &&
		    !memcmp(q->tok[k], q->tok[j], q->toklen[k]) &&
		    (q->toklen[k] < q->toklen[j] || j < k))
			return 1;
	return 0;
}

static size_t
popcount(const uint64_t *m, size_t nw)
{
	size_t c = 0;
	for (size_t x = 0; x < nw; x++)
		c += (size_t)__builtin_popcountll(m[x]);
	return c;
}

int32_t
unit_index_search(const unit_tree_t *t, const unit_query_t *q, int32_t *out, int32_t *total)
{
	const unit_index_t *ix = t->index;
	page_t pg = {out, q->limit, q->offset, 0, 0};
	int32_t kid = kind_filter(ix, q->kind);
	*total = 0;
	if (kid == -2)
		return 0;
	int within = q->lo > 0 || q->hi < t->n;
	int32_t code = q->by_code >= q->lo && q->by_code < q->hi &&
	                               kind_ok(t, kid, t->units[q->by_code].alpha, q->kind)
	                       ? q->by_code
	                       : -1;

	/* Each word's dictionary range and what it costs, cheapest first: its postings, or
	 * one pass over a ready bitmap. */
	uint32_t a[UNIT_INDEX_MAX_TOKENS], b[UNIT_INDEX_MAX_TOKENS];
	size_t cost[UNIT_INDEX_MAX_TOKENS], nw = ix->nbits;
	const uint64_t *ready[UNIT_INDEX_MAX_TOKENS];
	int ord[UNIT_INDEX_MAX_TOKENS], nt = 0, none = q->ntok == 0;
	for (int k = 0; k < q->ntok && !none; k++) {
		if (implied(q, k))
			continue;
		word_range(ix, q->tok[k], q->toklen[k], &a[k], &b[k]);
		cost[k] = ix->cnt_off[b[k]] - ix->cnt_off[a[k]];
		ready[k] = q->toklen[k] <= HEAVY_MAXLEN ? heavy_of(ix, a[k], b[k]) : NULL;
		if (ready[k])
			cost[k] = nw;
		int j = nt++;
		for (; j > 0 && cost[ord[j - 1]] > cost[k]; j--)
			ord[j] = ord[j - 1];
		ord[j] = k;
		none = !cost[k]; /* a word no name has: only the code can match */
	}
	if (none) {
		if (code >= 0)
			page_add(&pg, code);
		*total = pg.nm;
		return pg.w;
	}
	size_t sub = (size_t)(q->hi - q->lo);
	if (within && sub * SCAN_FACTOR <= cost[ord[0]]) {
		scan_subtree(t, q, kid, &pg);
		*total = pg.nm;
		return pg.w;
	}

	uint64_t *m = xmalloc(size_mul(nw, sizeof *m)), *tmp = NULL;
	int k0 = ord[0];
	if (ready[k0])
		memcpy(m, ready[k0], nw * sizeof *m);
	else {
		memset(m, 0, nw * sizeof *m);
		mark(ix, a[k0], b[k0], m);
	}
	size_t cand = ready[k0] ? SIZE_MAX : cost[k0]; /* names left, at most */
	int check[UNIT_INDEX_MAX_TOKENS], nc = 0;      /* words left to check as strings */
	for (int j = 1; j < nt; j++) {
		int k = ord[j];
		const uint64_t *and = ready[k];
		if (!and) {
			if (cand == SIZE_MAX)
				cand = popcount(m, nw);
			if (cost[k] > cand * AND_FACTOR) {
				check[nc++] = k;
				continue;
			}
			if (!tmp)
				tmp = xmalloc(size_mul(nw, sizeof *tmp));
			memset(tmp, 0, nw * sizeof *tmp);
			mark(ix, a[k], b[k], tmp);
			and = tmp;
		}
		cand = 0;
		for (size_t x = 0; x < nw; x++)
			cand += (size_t)__builtin_popcountll(m[x] &= and[x]);
	}
	/* A subtree smaller than the names left: its ranks ANDed in, so the walk below
	 * meets only matches; else each name left is checked. */
	if (within) {
		if (cand == SIZE_MAX)
			cand = popcount(m, nw);
		if (sub < cand) {
			if (!tmp)
				tmp = xmalloc(size_mul(nw, sizeof *tmp));
			memset(tmp, 0, nw * sizeof *tmp);
			for (int32_t i = q->lo; i < q->hi; i++)
				tmp[(uint32_t)t->units[i].alpha >> 6] |=
				        1ull << ((uint32_t)t->units[i].alpha & 63);
			for (size_t x = 0; x < nw; x++)
				m[x] &= tmp[x];
			within = 0;
		}
	}
	free(tmp);
	int filtered = within || kid >= 0;
	int32_t rcode = code >= 0 ? t->units[code].alpha : -1;
	if (rcode >= 0)
		m[rcode >> 6] |= 1ull << (rcode & 63);

	/* Walk the ranks in order: matches come out sorted; once the page is full and
	 * nothing is left to check, the rest is only counted. */
	for (size_t x = 0; x < nw; x++) {
		uint64_t bits = m[x];
		if (!filtered && !nc && pg.w == pg.limit) {
			pg.nm += (int32_t)popcount(m + x, nw - x);
			break;
		}
		while (bits) {
			int32_t r = (int32_t)(x * 64 + (size_t)__builtin_ctzll(bits));
			bits &= bits - 1;
			int32_t i = t->by_alpha[r];
			if (filtered && (i < q->lo || i >= q->hi || !kind_ok(t, kid, r, q->kind)))
				continue;
			int ok = 1;
			for (int j = 0; ok && r != rcode && j < nc; j++)
				ok = starts_word(t->fold + t->fold_off[i], q->tok[check[j]],
				                 q->toklen[check[j]]);
			if (ok)
				page_add(&pg, i);
		}
	}
	free(m);
	*total = pg.nm;
	return pg.w;
}
