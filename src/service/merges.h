/* The merge map of a dated registry import (data/dvhc/merges-*.csv): for each new unit,
 * the old units it was formed from, wholly ("full") or from a part ("partial"). This
 * module reads the file and checks what needs no registry; service/registry.c checks the
 * codes against the registry file and the store. Also the error list both share. */
#ifndef SUOTDOI_SERVICE_MERGES_H
#define SUOTDOI_SERVICE_MERGES_H

#include <stddef.h>

#include "core/arena.h"
#include "core/buf.h"

/* ---- an error list: the first REG_MAX_ERRORS messages, and how many in all ---- */

#define REG_MAX_ERRORS 10

typedef struct reg_errors {
	buf_t buf;
	int n;
} reg_errors_t;

/* Add one error: "<where> <line>: <message>" ("Dòng 12: …", "Bảng sáp nhập, dòng 3: …"),
 * or the message alone when line is 0. */
void reg_error(reg_errors_t *e, const char *where, size_t line, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
/* The listed errors, then "… và N lỗi khác." when more, then "Không có dữ liệu nào được
 * ghi.", into err; frees e. */
void reg_errors_finish(reg_errors_t *e, char *err, size_t errlen);
void reg_errors_free(reg_errors_t *e);

/* How merge map errors start. */
#define MERGES_WHERE "Bảng sáp nhập, dòng"

/* ---- the merge map ---- */

typedef struct merge_row {
	size_t line;                     /* its line in the file */
	const char *new_code, *old_code; /* checked codes */
	const char *new_name, *old_name; /* NFC; "" when the column is absent or empty */
	int full;                        /* 1 full, 0 partial */
} merge_row_t;

typedef struct merge_map {
	merge_row_t *rows; /* file order, in the arena */
	size_t nrows;
} merge_map_t;

/* Read a merge map: a header naming the columns (any order) new_code, old_code, kind and
 * optionally new_name, old_name; kind is full or partial (also "toàn bộ" or "một phần",
 * any case). Refuses, naming the lines: unknown or missing columns, a wrong number of
 * fields, bad UTF-8, a bad code, a bad kind, a duplicate (new, old) pair, an old code with
 * a full row and any other row, a lineage cycle among distinct codes (X formed from Y, …,
 * formed from X) that has a full row on it, and a map without rows. 0 with *out (strings
 * in a), or -1 with the errors added to e. */
int merges_parse(const char *csv, size_t len, arena_t *a, merge_map_t *out /* OUT */,
                 reg_errors_t *e);

#endif
