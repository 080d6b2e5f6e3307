/* RFC 4180 CSV reader: quoted fields, "" escapes, CRLF or LF, a UTF-8 BOM skipped.
 * Streams records from a memory buffer and reports 1-based line numbers. */
#ifndef SUOTDOI_CSV_H
#define SUOTDOI_CSV_H

#include <stddef.h>

#include "core/buf.h"

#define CSV_MAX_FIELDS 64
#define CSV_MAX_FIELD_BYTES 65536

typedef struct csv_reader {
	const char *p, *end;
	size_t line;       /* line where the current record starts (1-based); after an
	                      error, the line of the problem (an unclosed quote: where it opens) */
	size_t next_line;  /* internal */
	buf_t field_store; /* field bytes of the current record */
	size_t nfields;
	size_t off[CSV_MAX_FIELDS], len[CSV_MAX_FIELDS];
	char err[256]; /* Vietnamese message after an error */
} csv_reader_t;

/* Borrow data (must outlive the reader). Skips a UTF-8 BOM. */
void csv_init(csv_reader_t *r, const char *data, size_t len);
/* Read the next record. Returns 1 with a record, 0 at end, -1 on error (r->err says
 * what and r->line where: unterminated quote, stray quote, too many fields, field too
 * long, NUL byte). Blank lines are skipped. LF and a lone CR end lines like CRLF.
 * After an error every later call returns -1 again. */
int csv_next(csv_reader_t *r);
/* Field i of the current record (NUL-terminated, borrowed until the next csv_next);
 * "" with length 0 when i >= nfields. */
const char *csv_field(const csv_reader_t *r, size_t i, size_t *len /* OUT, may be NULL */);
void csv_free(csv_reader_t *r);

#endif
