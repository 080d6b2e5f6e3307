/* Tabular exports: one sheet of text and number cells written as CSV or XLSX (initial
 * passwords, the per-unit report figures). Cells that a spreadsheet would take as a formula
 * (starting with = + - @, or tab/CR) are neutralised. */
#ifndef SUOTDOI_TABLE_H
#define SUOTDOI_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

typedef struct table {
	const char *title;         /* sheet name / first line of the XLSX (may be NULL) */
	const char *const *header; /* ncols column titles */
	size_t ncols;
	const char *const *cells; /* nrows * ncols, row-major; NULL cell = empty */
	size_t nrows;
	const unsigned char *numeric; /* ncols flags: 1 = write cells as numbers when they
	                               * parse as integers (XLSX shows 1.234.567); may be NULL */
} table_t;

/* CSV (RFC 4180, CRLF, UTF-8 with a BOM so Excel reads Vietnamese). Appends to out. */
void table_write_csv(const table_t *t, buf_t *out);
/* XLSX (title in bold in the first row when there is one, bold header, frozen header row,
 * widths fitted to content, numbers as "#,##0"). Written by hand and zipped by libzip
 * through temporary files, rows in order, text as inline strings: memory stays flat
 * whatever the number of rows. Appends the file bytes to out. -1 with a Vietnamese err on
 * failure (temporary file trouble, a cell over Excel's 32,767 characters). */
int table_write_xlsx(const table_t *t, buf_t *out, char *err, size_t errlen);

/* Rows produced on demand instead of t->cells, for big exports: no string per cell, numbers
 * as integers. A TABLE_INT cell is a number in any column (in the XLSX, with the "#,##0"
 * format; in the CSV, its plain decimal form); a TABLE_TEXT cell behaves exactly like a
 * cell of t->cells (numeric columns still turn integer-looking text into numbers). */
typedef enum table_kind { TABLE_EMPTY = 0, TABLE_TEXT, TABLE_INT } table_kind_t;
typedef struct table_cell {
	table_kind_t kind;
	const char *text; /* TABLE_TEXT; NULL reads as "" */
	int64_t num;      /* TABLE_INT */
} table_cell_t;
/* Fills row[0..ncols) for row r. Called for r = 0 .. nrows-1 in order, once each per write;
 * the text pointers only need to stay valid until the next call. */
typedef void (*table_row_fn)(void *ctx, size_t r, table_cell_t *row);
/* table_write_csv / table_write_xlsx with t->nrows rows taken from row(ctx, ...); t->cells
 * is not read. */
void table_write_csv_rows(const table_t *t, table_row_fn row, void *ctx, buf_t *out);
int table_write_xlsx_rows(const table_t *t, table_row_fn row, void *ctx, buf_t *out, char *err,
                          size_t errlen);
/* Build an XLSX through a temporary file (libxlsxwriter 1.1 writes only to paths):
 * fill(wb, ctx) gets the lxw_workbook and returns an lxw_error; the file's bytes are appended
 * to out and the file removed on every path. too_long_msg is what a person reads when a
 * string exceeds Excel's cell limit. -1 with a Vietnamese err. */
int xlsx_build(int (*fill)(void *wb, const void *ctx), const void *ctx, const char *too_long_msg,
               buf_t *out, char *err, size_t errlen);
/* The neutralised form of a cell: "=1+1" -> "'=1+1". Appends to out. */
void table_neutralize(const char *cell, buf_t *out);

#endif
