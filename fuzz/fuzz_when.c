/* libFuzzer driver for src/text/when.c: the forgiving date and time readers on arbitrary
 * bytes. Whatever they accept must be a real date / time of day, and the normal form they
 * are shown back in must read back to the same value. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "text/text.h"
#include "text/when.h"

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			abort();                                                                   \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly size bytes, so reading past n is caught by ASan */
	char *p = malloc(size ? size : 1);
	if (!p)
		return 0;
	if (size)
		memcpy(p, data, size);
	buf_t b = BUF_INIT;
	int32_t d = 777;
	if (when_parse_date(p, size, &d) == 0) {
		/* 01/01/1900 .. 31/12/2999 */
		CHECK(d >= -25567 && d <= 376199);
		text_format_date(d, &b);
		int32_t e = 0;
		CHECK(b.len == 10);
		CHECK(when_parse_date(b.data, b.len, &e) == 0 && e == d);
		CHECK(text_parse_date(b.data, b.len, &e) == 0 && e == d);
	} else
		CHECK(d == 777);
	int m = 777;
	if (when_parse_time(p, size, &m) == 0) {
		CHECK(m >= 0 && m <= 1439);
		buf_reset(&b);
		when_format_time(m, &b);
		int k = -1;
		CHECK(b.len == 5);
		CHECK(when_parse_time(b.data, b.len, &k) == 0 && k == m);
	} else
		CHECK(m == 777);
	buf_free(&b);
	free(p);
	return 0;
}
