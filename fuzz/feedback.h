/* Outcome feedback for drivers whose real work happens in libraries built without coverage
 * (libvips and its codecs, libavformat: Debian's packages). libFuzzer sees only our own
 * branches, so an input that takes a codec down a new path looks like one it already has
 * and is dropped; real seeds vanish from the working corpus as soon as they are loaded.
 * A driver calls fuzz_feedback_int / fuzz_feedback_text with what the library did (the
 * loader or container, stream shapes, the text of an error, our refusal); each outcome is
 * hashed onto one of FUZZ_FEEDBACK_SLOTS small functions, and calling one is an edge that
 * libFuzzer counts, so an input that reaches a new outcome is kept and mutated further.
 * Header-only: each driver is one translation unit. docs/fuzzing.md, "Outcome feedback". */
#ifndef SUOTDOI_FUZZ_FEEDBACK_H
#define SUOTDOI_FUZZ_FEEDBACK_H

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* FUZZ_FEEDBACK_SLOTS distinct functions (fb_000 … fb_1ff), each its own edge. */
#define FUZZ_FEEDBACK_SLOTS 512
/* clang-format off */
static volatile unsigned fuzz_feedback_sink;
#define FB(n)                                                                                      \
	static __attribute__((noinline)) void fb_##n(void)                                         \
	{                                                                                          \
		fuzz_feedback_sink = 0x##n;                                                        \
	}
#define FB16(h)                                                                                    \
	FB(h##0) FB(h##1) FB(h##2) FB(h##3) FB(h##4) FB(h##5) FB(h##6) FB(h##7) FB(h##8) FB(h##9) \
	FB(h##a) FB(h##b) FB(h##c) FB(h##d) FB(h##e) FB(h##f)
#define FB_ALL(X)                                                                                  \
	X(00) X(01) X(02) X(03) X(04) X(05) X(06) X(07) X(08) X(09) X(0a) X(0b) X(0c) X(0d)       \
	X(0e) X(0f) X(10) X(11) X(12) X(13) X(14) X(15) X(16) X(17) X(18) X(19) X(1a) X(1b)      \
	X(1c) X(1d) X(1e) X(1f)
FB_ALL(FB16)
#define FT(n) fb_##n,
#define FT16(h)                                                                                    \
	FT(h##0) FT(h##1) FT(h##2) FT(h##3) FT(h##4) FT(h##5) FT(h##6) FT(h##7) FT(h##8) FT(h##9) \
	FT(h##a) FT(h##b) FT(h##c) FT(h##d) FT(h##e) FT(h##f)
static void (*const fuzz_feedback_fn[FUZZ_FEEDBACK_SLOTS])(void) = {FB_ALL(FT16)};
#undef FB
#undef FB16
#undef FB_ALL
#undef FT
#undef FT16
/* clang-format on */

/* Reports one outcome: what (a category) and n bytes of value, hashed (FNV-1a) onto a slot.
 * In text, numbers (decimal, and hex after "0x") are skipped: "8 extraneous bytes before
 * marker 0xdb" and "1 … 0xe1" are one kind of error, not 256 outcomes that would fill the
 * corpus with near copies. */
static void
fuzz_feedback(const char *what, const void *value, size_t n, int text)
{
	uint32_t h = 2166136261u;
	for (const char *p = what; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	const uint8_t *v = value;
	for (size_t i = 0; i < n; i++) {
		if (text && v[i] == '0' && i + 1 < n && (v[i + 1] == 'x' || v[i + 1] == 'X')) {
			for (i += 2; i < n && isxdigit(v[i]); i++)
				;
			i--;
			continue;
		}
		if (text && isdigit(v[i]))
			continue;
		h = (h ^ v[i]) * 16777619u;
	}
	fuzz_feedback_fn[(h ^ (h >> 16)) % FUZZ_FEEDBACK_SLOTS]();
}

static inline void
fuzz_feedback_int(const char *what, long value)
{
	fuzz_feedback(what, &value, sizeof value, 0);
}

static inline void
fuzz_feedback_text(const char *what, const char *text)
{
	fuzz_feedback(what, text, text ? strlen(text) : 0, 1);
}

/* floor(log2(v)) + 1 for v > 0, else 0: a size class. */
static inline long
fuzz_size_class(long v)
{
	long c = 0;
	while (v > 0) {
		c++;
		v >>= 1;
	}
	return c;
}

#endif
