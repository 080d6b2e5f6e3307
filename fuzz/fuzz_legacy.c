/* libFuzzer driver for src/text/legacy: the TCVN3/VNI detector and the repairs on
 * arbitrary bytes (as raw legacy bytes, and as UTF-8 mojibake when they are UTF-8),
 * checking that every repair is valid UTF-8 (no NUL), that a detection's confidence is
 * in range and that legacy_suggest agrees with legacy_detect. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/buf.h"
#include "text/legacy.h"
#include "text/text.h"

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			abort();                                                                   \
	} while (0)

static void
check_repair(const char *p, size_t n, legacy_enc_t enc, int mojibake)
{
	buf_t b = BUF_INIT;
	int rc = mojibake ? legacy_repair_mojibake(p, n, enc, &b)
	                  : legacy_repair_bytes(p, n, enc, &b);
	CHECK(rc == 0);
	CHECK(text_utf8_valid(b.data ? b.data : "", b.len));
	buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	int utf8 = text_utf8_valid(p, size);
	legacy_guess_t g;
	legacy_enc_t e = legacy_detect(p, size, &g);
	CHECK(g.raw == !utf8);
	CHECK(e == LEGACY_NONE || (g.confidence >= 0 && g.confidence <= 100 && g.fixed >= 1));
	CHECK(g.valid <= g.words && g.fixed <= g.words);
	(void)legacy_detect_query(p, size);
	for (int k = LEGACY_TCVN3; k <= LEGACY_VNI; k++) {
		check_repair(p, size, (legacy_enc_t)k, 0);
		if (utf8)
			check_repair(p, size, (legacy_enc_t)k, 1);
	}
	buf_t s = BUF_INIT;
	CHECK(legacy_suggest(p, size, &s) == e);
	CHECK(e == LEGACY_NONE ? s.len == 0 : text_utf8_valid(s.data ? s.data : "", s.len));
	buf_free(&s);
	(void)legacy_is_syllable(p, size);
	return 0;
}
