/* libFuzzer driver for text hygiene (src/text/hygiene.c) on arbitrary bytes under every
 * flag: no crash; an accepted text is valid UTF-8 without NUL, within its limit, holds no C0
 * (but tab/LF with TEXT_MULTILINE), DEL, C1 or bidi control, and is a fixed point (cleaning
 * it again gives it back unchanged: NFC is idempotent); with TEXT_DROP_INVISIBLE it holds
 * no soft hyphen, zero-width space or BOM. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "text/hygiene.h"
#include "text/text.h"

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			abort();                                                                   \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned flags = data[0] & 31u; /* TEXT_DROP_INVISIBLE included */
	size_t max = (data[0] >> 5) * 32u; /* 0 = no limit */
	arena_t a = ARENA_INIT;
	char *in = arena_strndup(&a, (const char *)data + 1, size - 1); /* stops at a NUL */
	const char *out, *why;
	if (text_clean(&a, in, flags, max, &out, &why) == 0) {
		size_t n = strlen(out);
		CHECK(why == NULL);
		CHECK(text_utf8_valid(out, n));
		CHECK(max == 0 || n <= max);
		for (size_t k = 0; k < n; k++) {
			unsigned char c = (unsigned char)out[k];
			CHECK(c >= 0x20 || ((flags & TEXT_MULTILINE) && (c == '\t' || c == '\n')));
			CHECK(c != 0x7f);
			CHECK(!(c == 0xc2 && k + 1 < n && (unsigned char)out[k + 1] < 0xa0));
			CHECK(!(c == 0xe2 && k + 2 < n && (unsigned char)out[k + 1] == 0x80 &&
			        (unsigned char)out[k + 2] >= 0xaa &&
			        (unsigned char)out[k + 2] <= 0xae));
		}
		/* an import's text keeps no soft hyphen, zero-width space or BOM */
		CHECK(!(flags & TEXT_DROP_INVISIBLE) ||
		      (!strstr(out, "\xc2\xad") && !strstr(out, "\xe2\x80\x8b") &&
		       !strstr(out, "\xef\xbb\xbf")));
		const char *again;
		CHECK(text_clean(&a, out, flags, max, &again, &why) == 0);
		CHECK(strcmp(again, out) == 0);
	} else
		CHECK(why != NULL && *why);
	arena_free(&a);
	return 0;
}
