/* Unit tests for the CSV reader: RFC 4180 quoting, line endings, line numbers, every
 * error with its Vietnamese message, and the national unit registry (10,806 rows). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "csv/csv.h"
#include "text/text.h"

/* Reads the next record and checks its fields and starting line. */
static void
expect_record(csv_reader_t *r, size_t line, size_t n, const char *const *want)
{
	int rc = csv_next(r);
	if (rc != 1)
		fail_msg("csv_next = %d (%s), want a record at line %zu", rc, r->err, line);
	assert_int_equal(r->line, line);
	assert_int_equal(r->nfields, n);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *f = csv_field(r, i, &len);
		assert_int_equal(len, strlen(want[i]));
		assert_memory_equal(f, want[i], len);
		assert_int_equal(f[len], '\0');
	}
}

#define REC(r, line, ...)                                                                          \
	do {                                                                                       \
		const char *const w_[] = {__VA_ARGS__};                                            \
		expect_record(r, line, sizeof w_ / sizeof *w_, w_);                                \
	} while (0)

static void
init_str(csv_reader_t *r, const char *s)
{
	csv_init(r, s, strlen(s));
}

static void
test_simple(void **state)
{
	(void)state;
	csv_reader_t r;
	init_str(&r, "code,name\n01,Hà Nội\n79,Hồ Chí Minh\n");
	REC(&r, 1, "code", "name");
	REC(&r, 2, "01", "Hà Nội");
	REC(&r, 3, "79", "Hồ Chí Minh");
	assert_int_equal(csv_next(&r), 0);
	assert_int_equal(csv_next(&r), 0);
	csv_free(&r);
}

static void
test_line_endings(void **state)
{
	(void)state;
	csv_reader_t r;
	init_str(&r, "a,b\r\nc,d\re,f\ng,h");
	REC(&r, 1, "a", "b");
	REC(&r, 2, "c", "d");
	REC(&r, 3, "e", "f");
	REC(&r, 4, "g", "h");
	assert_int_equal(csv_next(&r), 0);
	csv_free(&r);
}

static void
test_quoted(void **state)
{
	(void)state;
	csv_reader_t r;
	init_str(&r, "\"Xã \"\"Mới\"\"\",\"a,b\",\"\",x\n"
	             "\"dòng 1\r\ndòng 2\ndòng 3\",z\n"
	             "\"\"\"\"\n"
	             "after\n");
	REC(&r, 1, "Xã \"Mới\"", "a,b", "", "x");
	/* The quoted field spans lines 2-4; its line breaks are kept as written. */
	REC(&r, 2, "dòng 1\r\ndòng 2\ndòng 3", "z");
	REC(&r, 5, "\"");
	REC(&r, 6, "after");
	assert_int_equal(csv_next(&r), 0);
	csv_free(&r);
}

static void
test_empty_fields_and_blank_lines(void **state)
{
	(void)state;
	csv_reader_t r;
	init_str(&r, "\n\r\n,\na,\n,b\n\n\n\"\"\n  \nlast");
	REC(&r, 3, "", "");
	REC(&r, 4, "a", "");
	REC(&r, 5, "", "b");
	REC(&r, 8, "");
	REC(&r, 9, "  ");
	REC(&r, 10, "last");
	assert_int_equal(csv_next(&r), 0);
	/* Fields beyond the record read as "". */
	size_t len = 99;
	assert_string_equal(csv_field(&r, 5, &len), "");
	assert_int_equal(len, 0);
	csv_free(&r);

	init_str(&r, "a,b,");
	REC(&r, 1, "a", "b", "");
	assert_int_equal(csv_next(&r), 0);
	csv_free(&r);
}

static void
test_bom_and_empty(void **state)
{
	(void)state;
	csv_reader_t r;
	init_str(&r, "\xEF\xBB\xBF"
	             "code,name\r\n01,x\r\n");
	REC(&r, 1, "code", "name");
	REC(&r, 2, "01", "x");
	assert_int_equal(csv_next(&r), 0);
	csv_free(&r);

	init_str(&r, "\xEF\xBB\xBF");
	assert_int_equal(csv_next(&r), 0);
	csv_free(&r);

	csv_init(&r, NULL, 0);
	assert_int_equal(csv_next(&r), 0);
	csv_free(&r);

	/* Only a leading BOM is skipped. */
	init_str(&r, "a\n\xEF\xBB\xBF"
	             "b\n");
	REC(&r, 1, "a");
	REC(&r, 2,
	    "\xEF\xBB\xBF"
	    "b");
	csv_free(&r);
}

/* Expects an error at line with a message that starts with prefix, is complete
 * (ends with a full stop, so not cut by the 256-byte buffer) and is valid UTF-8. */
static void
expect_error(const char *data, size_t len, size_t records, size_t line, const char *prefix)
{
	csv_reader_t r;
	csv_init(&r, data, len);
	for (size_t i = 0; i < records; i++)
		assert_int_equal(csv_next(&r), 1);
	assert_int_equal(csv_next(&r), -1);
	assert_int_equal(r.line, line);
	size_t n = strlen(r.err);
	if (strncmp(r.err, prefix, strlen(prefix)) != 0)
		fail_msg("message \"%s\" does not start with \"%s\"", r.err, prefix);
	assert_true(n > 0 && n < sizeof r.err - 1);
	assert_int_equal(r.err[n - 1], '.');
	assert_true(text_utf8_valid(r.err, n));
	assert_int_equal(r.nfields, 0);
	/* The error sticks. */
	assert_int_equal(csv_next(&r), -1);
	csv_free(&r);
}

#define ERR(s, records, line, prefix) expect_error(s, sizeof s - 1, records, line, prefix)

static void
test_errors(void **state)
{
	(void)state;
	ERR("a,b\nc,\"never closed\nmore\n", 1, 2, "Dòng 2: thiếu dấu ngoặc kép đóng ở cột 2");
	ERR("a\n\n\"x\"\"", 1, 3, "Dòng 3: thiếu dấu ngoặc kép đóng ở cột 1");
	ERR("a,b\nab\"c\",d\n", 1, 2, "Dòng 2, cột 1: có dấu ngoặc kép giữa");
	ERR("x\ny,\"ab\"c\n", 1, 2, "Dòng 2, cột 2: có ký tự ngay sau dấu ngoặc kép đóng");
	/* The line reported is where the problem is, after a multi-line field. */
	ERR("\"a\nb\",c\"\n", 0, 2, "Dòng 2, cột 2: có dấu ngoặc kép giữa");
	ERR("a,b\nc\0d\n", 1, 2, "Dòng 2: tệp có byte NUL");
	ERR("\"a\0\"\n", 0, 1, "Dòng 1: tệp có byte NUL");
	ERR("\"a\"\0\n", 0, 1, "Dòng 1: tệp có byte NUL");

	/* The hint tells what to do. */
	csv_reader_t r;
	init_str(&r, "a b\"c\n");
	assert_int_equal(csv_next(&r), -1);
	assert_non_null(strstr(r.err, "Hãy đặt cả trường trong dấu ngoặc kép"));
	csv_free(&r);
}

static void
test_limits(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	/* Exactly CSV_MAX_FIELDS fields is fine, one more is an error. */
	for (int i = 0; i < CSV_MAX_FIELDS; i++)
		buf_puts(&b, i ? ",x" : "x");
	buf_puts(&b, "\n");
	for (int i = 0; i <= CSV_MAX_FIELDS; i++)
		buf_puts(&b, i ? ",y" : "y");
	buf_puts(&b, "\n");
	csv_reader_t r;
	csv_init(&r, b.data, b.len);
	assert_int_equal(csv_next(&r), 1);
	assert_int_equal(r.nfields, CSV_MAX_FIELDS);
	assert_int_equal(csv_next(&r), -1);
	assert_int_equal(r.line, 2);
	assert_non_null(strstr(r.err, "Dòng 2: có hơn 64 cột"));
	assert_non_null(strstr(r.err, "hãy đặt trường chứa dấu phẩy trong dấu ngoặc kép"));
	csv_free(&r);

	/* A field of CSV_MAX_FIELD_BYTES is fine, one byte more is an error, quoted or not. */
	for (int quoted = 0; quoted < 2; quoted++) {
		for (int extra = 0; extra < 2; extra++) {
			buf_reset(&b);
			buf_puts(&b, "h\n");
			if (quoted)
				buf_putc(&b, '"');
			for (size_t i = 0; i < (size_t)CSV_MAX_FIELD_BYTES + (size_t)extra; i++)
				buf_putc(&b, quoted && i % 1000 == 0 ? '\n' : 'x');
			if (quoted)
				buf_putc(&b, '"');
			buf_puts(&b, ",z\n");
			csv_init(&r, b.data, b.len);
			assert_int_equal(csv_next(&r), 1);
			if (extra) {
				assert_int_equal(csv_next(&r), -1);
				assert_int_equal(r.line, 2);
				assert_non_null(
				        strstr(r.err, "Dòng 2, cột 1: trường dài hơn 65536 byte"));
			} else {
				assert_int_equal(csv_next(&r), 1);
				size_t len;
				csv_field(&r, 0, &len);
				assert_int_equal(len, CSV_MAX_FIELD_BYTES);
				assert_string_equal(csv_field(&r, 1, NULL), "z");
				assert_int_equal(csv_next(&r), 0);
			}
			csv_free(&r);
		}
	}
	/* "" escapes count as one byte each. */
	buf_reset(&b);
	buf_putc(&b, '"');
	for (size_t i = 0; i < CSV_MAX_FIELD_BYTES; i++)
		buf_puts(&b, "\"\"");
	buf_puts(&b, "\"\n");
	csv_init(&r, b.data, b.len);
	assert_int_equal(csv_next(&r), 1);
	assert_int_equal(r.len[0], CSV_MAX_FIELD_BYTES);
	csv_free(&r);
	buf_free(&b);
}

static char *
read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	buf_t b = BUF_INIT;
	char chunk[65536];
	size_t k;
	while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&b, chunk, k);
	fclose(f);
	return buf_steal(&b, len);
}

static void
test_registry(void **state)
{
	(void)state;
	size_t len;
	char *data = read_file(TEST_SOURCE_DIR "/data/dvhc/units-2025-03-01.csv", &len);
	csv_reader_t r;
	csv_init(&r, data, len);
	REC(&r, 1, "code", "name", "type", "level", "parent_code");
	REC(&r, 2, "01", "Thành phố Hà Nội", "Thành phố Trung ương", "1", "");
	size_t rows = 1, found = 0;
	int rc;
	while ((rc = csv_next(&r)) == 1) {
		rows++;
		assert_int_equal(r.nfields, 5);
		assert_int_equal(r.line, rows + 1);
		for (size_t i = 0; i < r.nfields; i++) {
			size_t n;
			const char *f = csv_field(&r, i, &n);
			assert_true(text_utf8_valid(f, n) || n == 0);
		}
		if (strcmp(csv_field(&r, 0, NULL), "79") == 0) {
			found++;
			assert_string_equal(csv_field(&r, 1, NULL), "Thành phố Hồ Chí Minh");
		}
	}
	assert_int_equal(rc, 0);
	assert_int_equal(rows, 10806);
	assert_int_equal(found, 1);
	csv_free(&r);
	free(data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_simple),
	        cmocka_unit_test(test_line_endings),
	        cmocka_unit_test(test_quoted),
	        cmocka_unit_test(test_empty_fields_and_blank_lines),
	        cmocka_unit_test(test_bom_and_empty),
	        cmocka_unit_test(test_errors),
	        cmocka_unit_test(test_limits),
	        cmocka_unit_test(test_registry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
