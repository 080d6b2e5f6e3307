/* The unit registry in memory: an immutable tree built from the store, laid out in
 * depth-first order so that every subtree is the contiguous range [i, end). Readers
 * share a snapshot by reference count; a rebuild swaps in a new snapshot. */
#ifndef SUOTDOI_UNITS_H
#define SUOTDOI_UNITS_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/strmap.h"
#include "db/store.h"
#include "text/legacy.h"

typedef struct unit {
	int64_t id;
	const char *code;
	const char *name;
	const char *kind;                          /* kind code */
	const char *kind_name;                     /* kind display name */
	const char *locality_code, *email, *phone; /* "" when none */
	int active; /* open for business on the tree's day (0 too when closed) */
	int closed; /* not valid on the tree's day: kept only because a valid unit is still
	             * under it (a body not yet placed after its locality closed) */
	int32_t valid_from, valid_to; /* days, inclusive; STORE_DAY_OPEN = open-ended */
	int is_locality;
	int32_t parent; /* index of the parent, -1 for the root */
	int32_t end;    /* subtree = [index, end) */
	int32_t depth;  /* root = 0 */
	int32_t nchildren;
	int32_t alpha; /* rank in Vietnamese alphabetical order of names */
} unit_t;

typedef struct unit_tree {
	unit_t *units; /* depth-first order; units[0] is the root */
	int32_t n;
	int64_t generation; /* store generation this snapshot was built from */
	int32_t day;        /* the day it was built for (days since 1970-01-01) */
	int32_t from, to;   /* the days around it with the same tree (to: STORE_DAY_OPEN) */
	/* internal */
	char *fold;         /* folded names, NUL-separated, in alphabetical order */
	uint32_t *fold_off; /* offset of unit i's folded name in fold */
	int32_t *by_alpha;  /* unit indexes in Vietnamese alphabetical order of names */
	int64_t *id_sorted; /* unit ids ascending ... */
	int32_t *id_index;  /* ... and the tree index of each */
	strmap_t by_code;
	struct unit_index *index; /* search index over fold (domain/unit_index.h) */
	void *pool;               /* string storage */
	int refs;
} unit_tree_t;

/* Build the tree of a day from the store: the units valid that day, each under its parent
 * of that day, and closed units only as holders of valid ones (docs/data-model.md).
 * Returns 0, or -1 with err. The tree starts with one reference owned by the caller.
 * unit_tree_build is the tree of today (Vietnam time). */
int unit_tree_build_at(store_t *st, int32_t day, unit_tree_t **out /* OUT */, char *err,
                       size_t errlen);
int unit_tree_build(store_t *st, unit_tree_t **out /* OUT */, char *err, size_t errlen);
/* Today in Vietnam (UTC+7), in days since 1970-01-01. */
int32_t unit_today(void);
/* 1 if tree t is also the tree of day (day falls in its epoch). */
static inline int
unit_tree_covers(const unit_tree_t *t, int32_t day)
{
	return t->from <= day && day <= t->to;
}
void unit_tree_ref(unit_tree_t *t);
void unit_tree_unref(unit_tree_t *t);

/* Index of the unit with that code / store id, or -1. */
int32_t unit_tree_find_code(const unit_tree_t *t, const char *code);
int32_t unit_tree_find_id(const unit_tree_t *t, int64_t id);
/* "/VN/31/306/": the codes from the root down to i, for audit entries (appended to out). */
void unit_tree_path(const unit_tree_t *t, int32_t i, buf_t *out);
/* Indexes of i's children in display order (bodies first by kind, then Vietnamese
 * alphabetical order). Writes up to max, returns the number of children. */
int32_t unit_tree_children(const unit_tree_t *t, int32_t i, int32_t *out, int32_t max);
/* Number of units in i's subtree, itself included. */
int32_t unit_tree_subtree_size(const unit_tree_t *t, int32_t i);
/* 1 if a is b or an ancestor of b. O(1) thanks to the depth-first layout. */
int unit_tree_contains(const unit_tree_t *t, int32_t a, int32_t b);

typedef struct unit_search {
	const char *q;    /* user text: any case, with or without diacritics */
	int32_t within;   /* restrict to this subtree; -1 = everywhere */
	const char *kind; /* kind code filter; NULL = any */
	int32_t limit;    /* max results returned (1..200) */
	int32_t offset;   /* for paging */
} unit_search_t;

/* Search names (and exact codes). Every word of q (the first 8) must start a word of the
 * folded name; the unit whose code is q (trimmed, exact) matches too. within and kind
 * filter both. Results in Vietnamese alphabetical order. Fills
 * out[0..min(total-offset, limit)) and *total (exact). Returns the number written, or -1
 * on invalid UTF-8 in q. Answered from the snapshot's word index: the cost follows the
 * postings of q's rarest word (bounded by a bitmap walk of all units) rather than a
 * string match per unit; a small within subtree is scanned directly. */
int32_t unit_tree_search(const unit_tree_t *t, const unit_search_t *s, int32_t *out,
                         int32_t *total /* OUT */);
/* unit_tree_search for a query that may have been typed in TCVN3 or VNI: when q looks so
 * (legacy_detect_query: "Häc" for "Học"; raw bytes too) both texts are searched, and the
 * repaired one's results are answered when it finds any — then *enc (may be NULL) gets
 * the encoding and repaired (may be NULL) the query searched (appended) — else q's as
 * typed, with *enc = LEGACY_NONE. */
int32_t unit_tree_search_legacy(const unit_tree_t *t, const unit_search_t *s, int32_t *out,
                                int32_t *total /* OUT */, legacy_enc_t *enc /* OUT */,
                                buf_t *repaired /* OUT */);
/* Heap bytes of the search structures: folded names, their offsets, the alphabetical
 * order and the word index; *index (may be NULL) gets the word index's share. */
size_t unit_tree_search_bytes(const unit_tree_t *t, size_t *index /* OUT */);

/* ---- import ---- */
typedef struct units_import_stats {
	size_t rows, inserted, updated, unchanged;
	size_t repaired; /* names repaired from TCVN3/VNI (UNITS_IMPORT_REPAIR_LEGACY) */
} units_import_stats_t;

/* Import a units CSV (the registry format code,name,type,level,parent_code or the
 * suotdoi format; see docs/units-csv.md). All or nothing: on any bad row nothing is
 * written and err holds Vietnamese messages naming the lines (up to 10). Importing the
 * same file twice changes nothing the second time. */
int units_import_csv(store_t *st, const char *data, size_t len,
                     units_import_stats_t *stats /* OUT */, char *err, size_t errlen);
/* The same with flags. A name that looks typed in TCVN3 or VNI (text/legacy.h: pasted as
 * mojibake, or a whole file in those bytes) is refused, its line named with the repaired
 * text to confirm; with UNITS_IMPORT_REPAIR_LEGACY the repaired names are stored. */
#define UNITS_IMPORT_REPAIR_LEGACY 1
int units_import_csv_ex(store_t *st, const char *data, size_t len, int flags,
                        units_import_stats_t *stats /* OUT */, char *err, size_t errlen);

/* One row of a registry-format file (code,name,type,level,parent_code), as read. */
typedef struct units_registry_row {
	size_t line;             /* its line in the file */
	const char *code, *name; /* name in NFC */
	const char *kind;        /* the kind its type maps to ("tinh", "xa"…) */
	const char *parent_code; /* "VN" when the column is empty */
} units_registry_row_t;

/* Read a registry-format file with the row checks of units_import_csv (columns, UTF-8,
 * code, name, type, level, duplicate codes) and nothing against the store: 0 with *rows
 * (in arena a, file order) and *nrows, or -1 with err (up to 10 Vietnamese errors naming
 * the lines, ending with "Không có dữ liệu nào được ghi."). For the dated registry import
 * (service/registry.h). */
/* A unit code: 1..UNITS_MAX_CODE characters of A-Z a-z 0-9 - _ . (1 if valid). */
#define UNITS_MAX_CODE 32
int units_valid_code(const char *s);
int units_registry_parse(const char *data, size_t len, arena_t *a,
                         units_registry_row_t **rows /* OUT */, size_t *nrows /* OUT */,
                         char *err, size_t errlen);

#endif
