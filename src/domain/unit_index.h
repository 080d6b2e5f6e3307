/* The unit search index, built with each tree snapshot: every distinct word of the folded
 * names, sorted, each with the alphabetical ranks of the units whose name holds it. A
 * query word must start a word of the name, so it selects one contiguous range of the
 * dictionary, found by binary search; the ranks of a range go into a bitmap walked in
 * alphabetical order. Private to units.c. */
#ifndef SUOTDOI_UNIT_INDEX_H
#define SUOTDOI_UNIT_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "domain/units.h"

typedef struct unit_index unit_index_t;

/* Build over t's folded names (t->fold, t->fold_off, t->by_alpha, t->units[].kind must be
 * final). The index borrows nothing from t; the caller frees it with unit_index_free. */
unit_index_t *unit_index_build(const unit_tree_t *t);
void unit_index_free(unit_index_t *ix);
/* Heap bytes the index holds. */
size_t unit_index_bytes(const unit_index_t *ix);

#define UNIT_INDEX_MAX_TOKENS 8

/* A parsed search (see unit_tree_search). Tokens are folded words, no spaces, borrowed. */
typedef struct unit_query {
	const char *tok[UNIT_INDEX_MAX_TOKENS];
	size_t toklen[UNIT_INDEX_MAX_TOKENS];
	int ntok;
	int32_t by_code;  /* tree index found by exact code, or -1: matches whatever the words */
	int32_t lo, hi;   /* tree index range of the subtree searched */
	const char *kind; /* kind code, NULL = any */
	int32_t limit;    /* 1..200 */
	int32_t offset;   /* >= 0 */
} unit_query_t;

/* Units matching q in alphabetical order: out[0..min(total - offset, limit)) and *total,
 * exactly as a scan of every name would give them. Returns the number written. */
int32_t unit_index_search(const unit_tree_t *t, const unit_query_t *q, int32_t *out,
                          int32_t *total /* OUT */);

#endif
