/* Reading culture (văn hóa đọc): a unit's bookshelves and libraries, the book ledger
 * (books added, rotated between shelves and units, withdrawn) and reading records, the
 * subtree roll-up and what they give the results form (docs/reading.md). Transport-
 * neutral: the pages and the JSON API (src/app/reading_pages.c) pass what was typed as
 * strings and call these; every check is here, and nothing is written unless all pass. */
#ifndef SUOTDOI_SERVICE_READING_H
#define SUOTDOI_SERVICE_READING_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/store.h"
#include "domain/units.h"

#define RD_NAME_MAX 200        /* bytes of a shelf's name */
#define RD_NOTE_MAX 500        /* bytes of a note */
#define RD_BOOKS_MAX 1000000   /* books in one shelf, one ledger line */
#define RD_READERS_MAX 1000000 /* readers or loans of one record */
/* The pseudo activity kinds a template's "from" names (docs/reading.md): a unit's own
 * report counts 1 establishment with a library, and the online readers. */
#define RD_PREFILL_LIBRARY "thu_vien_co_so"
#define RD_PREFILL_ONLINE "doc_online"

typedef enum rd_rc {
	RD_OK = 0,
	RD_ERR_STORE = -1,   /* logged; nothing written */
	RD_ERR_INVALID = -2, /* a field is wrong: see the errors; nothing written */
} rd_rc_t;

typedef struct rd_option {
	const char *code, *name;
} rd_option_t;

const rd_option_t *rd_shelf_kinds(size_t *n /* OUT */);
const rd_option_t *rd_channels(size_t *n /* OUT */);
const rd_option_t *rd_move_kinds(size_t *n /* OUT */);
/* The name of code in list, or code itself when unknown. */
const char *rd_option_name(const rd_option_t *(*list)(size_t *), const char *code);

/* Fields, for errors by field; codes as the form and the API name them. */
enum {
	RDF_NAME,
	RDF_KIND,
	RDF_BOOKS_START,
	RDF_OPENED,
	RDF_STATUS,
	RDF_DATE,
	RDF_SHELF,
	RDF_TO_SHELF,
	RDF_COUNT_BOOKS,
	RDF_NOTE,
	RDF_CHANNEL,
	RDF_READERS,
	RDF_LOANS,
	RDF_N
};
const char *rd_field_code(int f);

typedef struct rd_errors {
	const char *msg[RDF_N]; /* a Vietnamese sentence naming the field, or NULL */
	int n;
} rd_errors_t;

/* What a person sent, as typed (NULL = not sent). */
typedef struct rd_input {
	const char *name, *kind, *books_start, *opened, *status; /* a shelf */
	const char *date, *shelf, *to_shelf, *count, *note;      /* a ledger line (kind) */
	const char *channel, *readers, *loans;                   /* a reading record */
} rd_input_t;

typedef struct rd_ctx { /* borrowed; outlives the call */
	store_t *store;
	arena_t *arena; /* owns the messages */
	const unit_tree_t *tree;
	int64_t now;   /* Unix seconds; injected for tests */
	int64_t actor; /* user id */
} rd_ctx_t;

/* A new shelf of unit i. *id on RD_OK. */
rd_rc_t rd_shelf_add(const rd_ctx_t *cx, int32_t i, const rd_input_t *in, int64_t *id,
                     rd_errors_t *e);
/* Close (status "closed", from today) or reopen ("active") shelf id of unit i. */
rd_rc_t rd_shelf_status(const rd_ctx_t *cx, int32_t i, int64_t id, const char *status,
                        rd_errors_t *e);
/* A ledger line of unit i: in->kind "add" (books to in->shelf), "move" (from in->shelf to
 * in->to_shelf, of this unit or of another in the same province: in transit until that
 * unit receives it) or "withdraw". A move or withdrawal larger than the shelf's holding is
 * refused by count, naming the holding. */
rd_rc_t rd_move_add(const rd_ctx_t *cx, int32_t i, const rd_input_t *in, int64_t *id,
                    rd_errors_t *e);
/* Unit i receives the in-transit move id sent to one of its shelves: RD_OK, or
 * RD_ERR_INVALID (no such move waiting for i; e->msg[RDF_SHELF] says so). */
rd_rc_t rd_move_receive(const rd_ctx_t *cx, int32_t i, int64_t id, rd_errors_t *e);
/* A reading record of one of unit i's shelves. */
rd_rc_t rd_reading_add(const rd_ctx_t *cx, int32_t i, const rd_input_t *in, int64_t *id,
                       rd_errors_t *e);

/* The period rule: a record counts in the report of a campaign of year when its day falls
 * in that calendar year (Vietnam date); a shelf when it was active on some day of it. */
void rd_year_days(int year, int32_t *from, int32_t *to);
int rd_counts_in(int32_t day, int year);

/* 1 when units of kind are education establishments (schools, learning centres): the
 * ones whose report line 6.co_so counts. */
int rd_is_establishment(const char *kind);

/* The roll-up of unit i's subtree for year: one row per child of i (and i's own shelves)
 * plus the total. */
typedef struct rd_sums {
	int64_t units_with_shelf; /* units with at least one shelf active in the year */
	int64_t shelves, held, added, moves, withdrawn, readers, loans, online;
	int64_t rotated_out, in_transit; /* to other units; of them not yet received */
	int64_t by_kind[8];              /* shelves by rd_shelf_kinds() order */
} rd_sums_t;
typedef struct rd_rollup {
	int32_t *unit; /* tree index of each row: i itself (its own shelves), then children */
	rd_sums_t *rows;
	size_t nrows;
	rd_sums_t total;
} rd_rollup_t;
/* Fills *r (arrays in the context's arena) with a few grouped queries. 0 or -1. */
int rd_rollup(const rd_ctx_t *cx, int32_t i, int year, rd_rollup_t *r);

/* A pre-fill source: what report_prefill.c turns into a pseudo activity. */
typedef struct rd_source {
	int64_t id;        /* shelf or reading record id */
	const char *kind;  /* RD_PREFILL_LIBRARY or RD_PREFILL_ONLINE */
	const char *title; /* shown in the sources */
	int32_t day;
	int64_t actual; /* online readers; -1 for the library line */
} rd_source_t;
/* The sources of unit i's own report for year: one library line when i is an
 * establishment with a shelf active in the year (titled with its shelves), one per online
 * reading record. cb's non-zero stops. 0 or -1. */
int rd_prefill_sources(const rd_ctx_t *cx, int32_t i, int year,
                       int (*cb)(const rd_source_t *, void *), void *ctx);

/* The demo's shelves, rotation and reading in quận Hải An in the year of campaign_id (2022
 * when 0; src/service/reading_demo.c); nothing when any shelf exists. 0 or -1 (said on
 * stderr). */
int demo_reading(store_t *st, const unit_tree_t *t, int64_t campaign_id);

#endif
