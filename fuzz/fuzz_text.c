/* libFuzzer driver for src/text: fold, collation keys, NFC, integer and date parsing on
 * arbitrary bytes, checking their invariants (idempotent fold, NFC/NFD alike, round trips). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "text/text.h"

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			abort();                                                                   \
	} while (0)

static int
same(const buf_t *a, const buf_t *b)
{
	return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

static void
check_fold(const char *p, size_t n, int valid)
{
	buf_t f = BUF_INIT, g = BUF_INIT;
	int rc = text_fold(p, n, &f);
	CHECK(rc == (valid ? 0 : -1));
	if (rc == 0) {
		CHECK(text_utf8_valid(f.data, f.len));
		if (f.len > 0) {
			CHECK(f.data[0] != ' ' && f.data[f.len - 1] != ' ');
			CHECK(strstr(f.data, "  ") == NULL);
			for (size_t i = 0; i < f.len; i++)
				CHECK(!(f.data[i] >= 'A' && f.data[i] <= 'Z'));
		}
		CHECK(text_fold(f.data, f.len, &g) == 0);
		CHECK(same(&f, &g));
	} else {
		CHECK(f.len == 0);
	}
	buf_free(&f);
	buf_free(&g);
}

static void
check_nfc_and_key(const char *p, size_t n, int valid)
{
	buf_t c = BUF_INIT, c2 = BUF_INIT, k = BUF_INIT, k2 = BUF_INIT, f = BUF_INIT, f2 = BUF_INIT;
	int rc = text_nfc(p, n, &c);
	CHECK(rc == (valid ? 0 : -1));
	CHECK(text_collate_key(p, n, &k) == rc);
	if (rc == 0) {
		CHECK(text_utf8_valid(c.data, c.len));
		CHECK(text_nfc(c.data, c.len, &c2) == 0);
		CHECK(same(&c, &c2));
		CHECK(memchr(k.data, 0, k.len) == NULL);
		CHECK(text_collate_key(c.data, c.len, &k2) == 0);
		CHECK(same(&k, &k2));
		CHECK(text_fold(p, n, &f) == 0);
		CHECK(text_fold(c.data, c.len, &f2) == 0);
		CHECK(same(&f, &f2));
	}
	buf_free(&c);
	buf_free(&c2);
	buf_free(&k);
	buf_free(&k2);
	buf_free(&f);
	buf_free(&f2);
}

static void
check_cmp(const char *p, size_t n)
{
	/* Two NUL-terminated halves; NULs inside just shorten them. */
	size_t h = n / 2;
	char *a = malloc(h + 1), *b = malloc(n - h + 1);
	CHECK(a && b);
	memcpy(a, p, h);
	a[h] = '\0';
	memcpy(b, p + h, n - h);
	b[n - h] = '\0';
	int ab = text_collate_cmp(a, b), ba = text_collate_cmp(b, a);
	CHECK(ab == -ba);
	CHECK(ab >= -1 && ab <= 1);
	CHECK(text_collate_cmp(a, a) == 0);
	free(a);
	free(b);
}

static void
check_int(const char *p, size_t n)
{
	int64_t v;
	buf_t b = BUF_INIT;
	if (text_parse_int(p, n, &v) == 0) {
		text_format_int(v, &b);
		int64_t w;
		CHECK(text_parse_int(b.data, b.len, &w) == 0 && w == v);
	}
	if (n >= 8) {
		memcpy(&v, p, 8);
		buf_reset(&b);
		text_format_int(v, &b);
		int64_t w;
		CHECK(text_parse_int(b.data, b.len, &w) == 0 && w == v);
	}
	buf_free(&b);
}

static void
check_date(const char *p, size_t n)
{
	int32_t d;
	buf_t b = BUF_INIT;
	if (text_parse_date(p, n, &d) == 0) {
		text_format_date(d, &b);
		int32_t e;
		CHECK(b.len == 10);
		CHECK(text_parse_date(b.data, b.len, &e) == 0 && e == d);
	}
	if (n >= 4) {
		memcpy(&d, p, 4);
		buf_reset(&b);
		text_format_date(d, &b);
		/* 01/01/1900 .. 31/12/2999 must round-trip; everything else just formats. */
		if (d >= -25567 && d <= 376199) {
			int32_t e;
			CHECK(text_parse_date(b.data, b.len, &e) == 0 && e == d);
		}
	}
	buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	int valid = text_utf8_valid(p, size);
	check_fold(p, size, valid);
	check_nfc_and_key(p, size, valid);
	check_cmp(p, size);
	check_int(p, size);
	check_date(p, size);
	return 0;
}
