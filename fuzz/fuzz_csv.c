/* libFuzzer driver for the CSV reader: any bytes must parse or fail cleanly, and every
 * parsed file must survive re-serialisation (all fields quoted) unchanged. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "csv/csv.h"
#include "text/text.h"

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			abort();                                                                   \
	} while (0)

/* Appends the current record, every field quoted, to out. */
static void
serialise(const csv_reader_t *r, buf_t *out)
{
	for (size_t i = 0; i < r->nfields; i++) {
		size_t n;
		const char *f = csv_field(r, i, &n);
		if (i)
			buf_putc(out, ',');
		buf_putc(out, '"');
		for (size_t k = 0; k < n; k++) {
			if (f[k] == '"')
				buf_putc(out, '"');
			buf_putc(out, f[k]);
		}
		buf_putc(out, '"');
	}
	buf_puts(out, "\r\n");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	csv_reader_t r;
	buf_t again = BUF_INIT;
	size_t records = 0, last_line = 0;
	int rc;
	csv_init(&r, (const char *)data, size);
	while ((rc = csv_next(&r)) == 1) {
		CHECK(r.nfields >= 1 && r.nfields <= CSV_MAX_FIELDS);
		CHECK(r.line > last_line);
		last_line = r.line;
		for (size_t i = 0; i < r.nfields; i++) {
			size_t n;
			const char *f = csv_field(&r, i, &n);
			CHECK(n <= CSV_MAX_FIELD_BYTES);
			CHECK(strlen(f) == n); /* NUL bytes are errors, so none inside */
		}
		serialise(&r, &again);
		records++;
	}
	if (rc < 0) {
		CHECK(r.err[0] != '\0');
		CHECK(text_utf8_valid(r.err, strlen(r.err)));
		CHECK(r.line >= 1);
		CHECK(csv_next(&r) == -1);
	} else {
		CHECK(rc == 0);
		CHECK(csv_next(&r) == 0);
	}

	/* Round trip: what was read writes back into the same records. */
	csv_reader_t r2;
	csv_init(&r2, again.data, again.len);
	csv_reader_t r1;
	csv_init(&r1, (const char *)data, size);
	for (size_t k = 0; k < records; k++) {
		CHECK(csv_next(&r1) == 1);
		CHECK(csv_next(&r2) == 1);
		CHECK(r1.nfields == r2.nfields);
		for (size_t i = 0; i < r1.nfields; i++) {
			size_t n1, n2;
			const char *f1 = csv_field(&r1, i, &n1);
			const char *f2 = csv_field(&r2, i, &n2);
			CHECK(n1 == n2 && memcmp(f1, f2, n1) == 0);
		}
	}
	CHECK(csv_next(&r2) == 0);
	csv_free(&r1);
	csv_free(&r2);
	csv_free(&r);
	buf_free(&again);
	return 0;
}
