/* Tabular exports: one sheet of text and number cells written as CSV or XLSX. Used for
 * initial passwords now and for report exports later. Cells that a spreadsheet would
 * take as a formula (starting with = + - @, or tab/CR) are neutralised. */
#ifndef SUOTDOI_TABLE_H
#define SUOTDOI_TABLE_H

#include <stddef.h>

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
/* XLSX (libxlsxwriter; bold header, frozen header row, widths fitted to content). Appends
 * the file bytes to out. -1 with err on failure (temporary file trouble). */
int table_write_xlsx(const table_t *t, buf_t *out, char *err, size_t errlen);
/* Build an XLSX through a temporary file (libxlsxwriter 1.1 writes only to paths):
 * fill(wb, ctx) gets the lxw_workbook and returns an lxw_error; the file's bytes are appended
 * to out and the file removed on every path. too_long_msg is what a person reads when a
 * string exceeds Excel's cell limit. -1 with a Vietnamese err. */
int xlsx_build(int (*fill)(void *wb, const void *ctx), const void *ctx, const char *too_long_msg,
               buf_t *out, char *err, size_t errlen);
/* The neutralised form of a cell: "=1+1" -> "'=1+1". Appends to out. */
void table_neutralize(const char *cell, buf_t *out);

#endif
