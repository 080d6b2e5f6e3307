/* The unit search index (see unit_index.h): a sorted dictionary of the folded names' words
 * with the alphabetical ranks of each word's units. A search costs the postings of its
 * words and one bitmap walk, instead of a string match against every name. */
#include "domain/unit_index.h"

#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/strmap.h"

/* A subtree this many times smaller than the rarest word's postings is cheaper to scan. */
#define SCAN_FACTOR 16
/* A further word costing up to this many times the rarest one's postings goes through a
 * bitmap; a commoner one is checked against the few names left, as a string. */
#define AND_FACTOR 32
/* A unit kind the index did not number: compared as a string. */
#define KIND_OTHER UINT16_MAX

struct unit_index {
	int32_t n;          /* units = ranks */
	uint32_t nwords;    /* distinct words */
	char *words;        /* the words, sorted bytewise, each NUL-terminated */
	uint32_t *word_off; /* [nwords] offset of each word in words */
	uint32_t *post_off; /* [nwords + 1] word w's ranks: post[post_off[w]..post_off[w + 1]) */
	int32_t *post;      /* ascending within a word; a unit once per word */
	uint16_t *kind_of;  /* [n] kind number of the unit of each rank */
	char **kinds;       /* kind codes by number */
	uint32_t nkinds;
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

static uint16_t
kind_number(unit_index_t *ix, const char *kind)
{
	for (uint32_t k = 0; k < ix->nkinds; k++)
		if (!strcmp(ix->kinds[k], kind))
			return (uint16_t)k;
	if (ix->nkinds == KIND_OTHER)
		return KIND_OTHER;
	ix->kinds = xrealloc(ix->kinds, size_mul((size_t)ix->nkinds + 1, sizeof *ix->kinds));
	ix->kinds[ix->nkinds] = xstrdup(kind);
	ix->bytes += strlen(kind) + 1 + sizeof *ix->kinds;
	return (uint16_t)ix->nkinds++;
}

unit_index_t *
unit_index_build(const unit_tree_t *t)
{
	unit_index_t *ix = xcalloc(1, sizeof *ix);
	int32_t n = t->n;
	ix->n = n;
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
	ix->post_off = xmalloc(size_mul((size_t)nw + 1, sizeof *ix->post_off));
	uint32_t *fill = xmalloc(size_mul((size_t)nw + 1, sizeof *fill)); /* id -> next slot */
	size_t at = 0, po = 0;
	for (uint32_t k = 0; k < nw; k++) {
		ix->word_off[k] = (uint32_t)at;
		memcpy(ix->words + at, ref[k].p, ref[k].len);
		ix->words[at + ref[k].len] = '\0';
		at += (size_t)ref[k].len + 1;
		ix->post_off[k] = (uint32_t)po;
		fill[ref[k].id] = (uint32_t)po;
		po += count[ref[k].id];
	}
	ix->post_off[nw] = (uint32_t)po;
	free(ref);
	free(count);

	/* Pass 2: ranks into their words' postings, ascending since r is. */
	ix->post = xmalloc(size_mul(np ? np : 1, sizeof *ix->post));
	for (int32_t r = 0; r < n; r++)
		for (uint32_t p = pstart[r]; p < pstart[r + 1]; p++)
			ix->post[fill[pairs[p]]++] = r;
	free(fill);
	free(pairs);
	free(pstart);

	ix->kind_of = xmalloc(size_mul((size_t)n + 1, sizeof *ix->kind_of));
	for (int32_t r = 0; r < n; r++)
		ix->kind_of[r] = kind_number(ix, t->units[t->by_alpha[r]].kind);
	ix->bytes += blob + ((size_t)nw + 1) * 2 * sizeof(uint32_t) + np * sizeof(int32_t) +
	             ((size_t)n + 1) * sizeof(uint16_t);
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
	free(ix->post_off);
	free(ix->post);
	free(ix->kind_of);
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
	const int32_t *p = ix->post + ix->post_off[a], *end = ix->post + ix->post_off[b];
	for (; p < end; p++)
		bits[(uint32_t)*p >> 6] |= 1ull << ((uint32_t)*p & 63);
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

int32_t
unit_index_search(const unit_tree_t *t, const unit_query_t *q, int32_t *out, int32_t *total)
{
	const unit_index_t *ix = t->index;
	page_t pg = {out, q->limit, q->offset, 0, 0};
	int32_t kid = kind_filter(ix, q->kind);
	*total = 0;
	if (kid == -2)
		return 0;
	int filtered = q->lo > 0 || q->hi < t->n || kid >= 0;
	int32_t code = q->by_code >= q->lo && q->by_code < q->hi &&
	                               kind_ok(t, kid, t->units[q->by_code].alpha, q->kind)
	                       ? q->by_code
	                       : -1;

	/* Each word's dictionary range and its postings' length, rarest first. */
	uint32_t a[UNIT_INDEX_MAX_TOKENS], b[UNIT_INDEX_MAX_TOKENS];
	size_t cost[UNIT_INDEX_MAX_TOKENS];
	int ord[UNIT_INDEX_MAX_TOKENS], nt = q->ntok;
	for (int k = 0; k < nt; k++) {
		word_range(ix, q->tok[k], q->toklen[k], &a[k], &b[k]);
		cost[k] = ix->post_off[b[k]] - ix->post_off[a[k]];
		int j = k;
		for (; j > 0 && cost[ord[j - 1]] > cost[k]; j--)
			ord[j] = ord[j - 1];
		ord[j] = k;
		if (!cost[k])
			nt = 0; /* a word no name has: only the code can match */
	}
	if (nt == 0) {
		if (code >= 0)
			page_add(&pg, code);
		*total = pg.nm;
		return pg.w;
	}
	size_t cost0 = cost[ord[0]];
	if (filtered && (size_t)(q->hi - q->lo) * SCAN_FACTOR <= cost0) {
		scan_subtree(t, q, kid, &pg);
		*total = pg.nm;
		return pg.w;
	}

	size_t nw = ((size_t)t->n + 63) / 64;
	uint64_t *m = xcalloc(nw, sizeof *m), *tmp = NULL;
	mark(ix, a[ord[0]], b[ord[0]], m);
	int check[UNIT_INDEX_MAX_TOKENS], nc = 0; /* words left to check as strings */
	for (int j = 1; j < nt; j++) {
		int k = ord[j];
		if (cost[k] > cost0 * AND_FACTOR) {
			check[nc++] = k;
			continue;
		}
		if (!tmp)
			tmp = xmalloc(size_mul(nw, sizeof *tmp));
		memset(tmp, 0, nw * sizeof *tmp);
		mark(ix, a[k], b[k], tmp);
		for (size_t x = 0; x < nw; x++)
			m[x] &= tmp[x];
	}
	free(tmp);
	int32_t rcode = code >= 0 ? t->units[code].alpha : -1;
	if (rcode >= 0)
		m[rcode >> 6] |= 1ull << (rcode & 63);

	/* Walk the ranks in order: matches come out sorted; once the page is full and
	 * nothing is left to check, the rest is only counted. */
	for (size_t x = 0; x < nw; x++) {
		uint64_t bits = m[x];
		if (!filtered && !nc && pg.w == pg.limit) {
			for (; x < nw; x++)
				pg.nm += __builtin_popcountll(m[x]);
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
