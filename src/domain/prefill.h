/* Pre-filling a results form from the unit's recorded activities ("no double entry"): for
 * every count item of the template with a `from` (docs/templates.md), the value its
 * activities suggest and where each part of it came from, so the officer can accept or
 * correct it. Only activities marked held count; the others are listed with the reason.
 * Pure: no store, no I/O; the caller loads the activities. */
#ifndef SUOTDOI_PREFILL_H
#define SUOTDOI_PREFILL_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "domain/template.h"

/* What the aggregation needs of an activity (a subset of store_activity_t). */
typedef struct prefill_activity {
	int64_t id;
	const char *kind;   /* activity kind code ("lop_cds", "hoi_thao"...) */
	const char *title;  /* shown in the sources */
	const char *status; /* "planned", "held", "cancelled" */
	int64_t start_at;   /* Unix seconds */
	int64_t actual;     /* participants after the event; < 0 = not given */
} prefill_activity_t;

/* Why an activity of an item's kinds was left out, in Vietnamese. */
#define PREFILL_NOT_HELD "chưa ghi nhận đã tổ chức"
#define PREFILL_CANCELLED "đã hủy"
#define PREFILL_NO_PARTICIPANTS "chưa nhập số người tham gia"

typedef struct prefill_source {
	const prefill_activity_t *act; /* borrowed from the caller's array */
	int counted;                   /* 1: part of the value */
	int64_t add;                   /* what it adds (1, or its participants); 0 if not counted */
	const char *reason;            /* NULL when counted; else one of PREFILL_* */
} prefill_source_t;

typedef struct prefill_item {
	const tpl_item_t *item;    /* a COUNT item with a `from` */
	int64_t value;             /* the suggestion: the sum of the counted sources' adds */
	size_t ncounted;           /* sources counted; 0 = nothing to suggest */
	size_t nmissing;           /* held activities left out for lack of a participants figure */
	prefill_source_t *sources; /* every activity of the item's kinds, in the input order */
	size_t nsources;
} prefill_item_t;

typedef struct prefill {
	prefill_item_t *items; /* items with a `from` and at least one activity of their kinds,
	                          in document order */
	size_t nitems;
	arena_t arena; /* internal storage */
} prefill_t;

/* The suggestions for template t from n activities (borrowed: they must outlive the
 * result). Never NULL; free with prefill_free. */
prefill_t *prefill_compute(const template_t *t, const prefill_activity_t *acts, size_t n);
/* The entry of item code, or NULL (no `from`, or no activity of its kinds). */
const prefill_item_t *prefill_find(const prefill_t *p, const char *code);
void prefill_free(prefill_t *p);

#endif
