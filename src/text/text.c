/* Vietnamese text basics: strict UTF-8 validation, NFC, and the search fold that lets
 * "tien lang" find "Huyện Tiên Lãng" (no case, no marks, đ -> d, one space between words).
 * The fold runs over every unit name at start-up and every query, so ASCII never leaves C. */
#include "text/text.h"
#include "text/when.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "core/mem.h"

/* Options for one code point of the fold: compatibility decomposition so that full-width
 * letters, ligatures and superscripts match their plain forms; IGNORE drops invisible
 * characters (soft hyphen, zero-width space) instead of splitting a word at them. */
#define FOLD_OPTS                                                                                  \
	(UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK |           \
	 UTF8PROC_IGNORE)
/* The longest full decomposition in Unicode (U+FDFA) has 18 code points. */
#define FOLD_MAX 32

/* Strict decoder (Unicode Table 3-7): no overlongs, surrogates, > U+10FFFF or NUL.
 * Returns the sequence length and *cp, or 0 when the bytes at s are not valid. */
static size_t
utf8_decode(const unsigned char *s, size_t n, int32_t *cp)
{
	unsigned c = s[0];
	if (c < 0x80) {
		*cp = (int32_t)c;
		return c != 0;
	}
	if (c < 0xC2)
		return 0;
	if (c < 0xE0) {
		if (n < 2 || (s[1] & 0xC0) != 0x80)
			return 0;
		*cp = (int32_t)(((c & 0x1F) << 6) | (s[1] & 0x3F));
		return 2;
	}
	if (c < 0xF0) {
		if (n < 3)
			return 0;
		unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
		if (s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80)
			return 0;
		*cp = (int32_t)(((c & 0x0F) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3F));
		return 3;
	}
	if (c < 0xF5) {
		if (n < 4)
			return 0;
		unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
		if (s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
			return 0;
		*cp = (int32_t)(((c & 0x07) << 18) | ((s[1] & 0x3Fu) << 12) |
		                ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3F));
		return 4;
	}
	return 0;
}

int
text_is_word_char(int32_t c)
{
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
	case UTF8PROC_CATEGORY_CO:
	case UTF8PROC_CATEGORY_CN: return 1;
	default: return 0;
	}
}

int
text_utf8_prefix(const char *s, int max)
{
	int n = (int)strnlen(s, (size_t)(max > 0 ? max : 0) + 1);
	if (n <= max)
		return n;
	for (n = max; n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80; n--)
		;
	return n;
}

int
text_utf8_valid(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0;
	while (i < n) {
		if (s[i] >= 0x01 && s[i] < 0x80) {
			i++;
			continue;
		}
		int32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (k == 0)
			return 0;
		i += k;
	}
	return 1;
}

void
text_utf8_clean(const char *p, size_t n, buf_t *out)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0;
	while (i < n) {
		if (s[i] >= 0x01 && s[i] < 0x80) {
			buf_append(out, p + i, 1);
			i++;
			continue;
		}
		int32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (k == 0) {
			buf_append(out, "\xEF\xBF\xBD", 3); /* U+FFFD */
			i++;
			continue;
		}
		buf_append(out, p + i, k);
		i += k;
	}
}

/* 1 if p[0..n) is all ASCII (validity of the rest is checked by the caller). */
static int
all_ascii(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] >= 0x80)
			return 0;
	return 1;
}

int
text_nfc(const char *p, size_t n, buf_t *out)
{
	if (!text_utf8_valid(p, n))
		return -1;
	/* ASCII is its own NFC; skipping utf8proc saves its malloc on the common path. */
	if (all_ascii(p, n)) {
		buf_append(out, p, n);
		return 0;
	}
	utf8proc_uint8_t *dst = NULL;
	utf8proc_ssize_t k = utf8proc_map((const utf8proc_uint8_t *)p, (utf8proc_ssize_t)n, &dst,
	                                  UTF8PROC_STABLE | UTF8PROC_COMPOSE);
	if (k == UTF8PROC_ERROR_NOMEM)
		mem_fatal("out of memory in utf8proc_map");
	if (k < 0)
		return -1;
	buf_append(out, dst, (size_t)k);
	free(dst);
	return 0;
}

/* Fold state: output is written straight into out (no per-character allocation). A
 * separator only sets `pending`; the space is written before the next kept character,
 * which trims both ends and collapses runs in one rule. */
typedef struct fold_out {
	buf_t *b;
	size_t start;
	int pending;
} fold_out_t;

static inline void
fold_put(fold_out_t *o, const char *s, size_t k)
{
	buf_t *b = o->b;
	if (b->cap - b->len < k + 2)
		buf_reserve(b, k + 1);
	if (o->pending && b->len > o->start)
		b->data[b->len++] = ' ';
	o->pending = 0;
	memcpy(b->data + b->len, s, k);
	b->len += k;
}

/* Latin letters whose diacritic is part of the glyph, so no decomposition removes it;
 * đ is the one Vietnamese needs, the others make foreign names findable too. */
static const char *
fold_special(int32_t c)
{
	switch (c) {
	case 0x0111: /* đ */
	case 0x00F0: /* ð, often typed for Đ */
	case 0x0256: /* ɖ */ return "d";
	case 0x00F8: return "o";  /* ø */
	case 0x0142: return "l";  /* ł */
	case 0x0127: return "h";  /* ħ */
	case 0x0167: return "t";  /* ŧ */
	case 0x0180: return "b";  /* ƀ */
	case 0x0131:              /* ı */
	case 0x0268: return "i";  /* ɨ */
	case 0x01B6: return "z";  /* ƶ */
	case 0x01E5: return "g";  /* ǥ */
	case 0x00E6: return "ae"; /* æ */
	case 0x0153: return "oe"; /* œ */
	case 0x00FE: return "th"; /* þ */
	default: return NULL;
	}
}

static inline char
fold_ascii(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return (char)c;
	if (c >= 'A' && c <= 'Z')
		return (char)(c + ('a' - 'A'));
	return 0;
}

/* One code point of a full decomposition: keep letters and numbers, drop marks, and turn
 * everything else (spaces, punctuation, symbols, controls) into a separator. */
static void
fold_emit(fold_out_t *o, int32_t c)
{
	if (c < 0x80) {
		char f = fold_ascii((unsigned char)c);
		if (f)
			fold_put(o, &f, 1);
		else
			o->pending = 1;
		return;
	}
	const char *sp = fold_special(c);
	if (sp) {
		fold_put(o, sp, strlen(sp));
		return;
	}
	if (text_is_word_char(c)) {
		/* Private-use and unassigned code points are kept as they are: dropping them
		 * could make different names fold alike. */
		utf8proc_uint8_t enc[4];
		utf8proc_ssize_t k = utf8proc_encode_char(c, enc);
		fold_put(o, (const char *)enc, (size_t)k);
		return;
	}
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ME: break;
	default: o->pending = 1; break;
	}
}

static void
fold_cp(fold_out_t *o, int32_t cp)
{
	int32_t d[FOLD_MAX], *dp = d, *heap = NULL;
	utf8proc_ssize_t k = utf8proc_decompose_char(cp, d, FOLD_MAX, FOLD_OPTS, NULL);
	if (k > FOLD_MAX) {
		/* No such code point in Unicode 15, but a newer table must not overflow d. */
		heap = xmalloc(size_mul((size_t)k, sizeof *heap));
		k = utf8proc_decompose_char(cp, heap, k, FOLD_OPTS, NULL);
		dp = heap;
	}
	if (k < 0) {
		/* Cannot happen for a scalar value; keep the code point rather than lose it. */
		d[0] = cp;
		dp = d;
		k = 1;
	}
	for (utf8proc_ssize_t j = 0; j < k; j++)
		fold_emit(o, dp[j]);
	free(heap);
}

int
text_fold(const char *p, size_t n, buf_t *out)
{
	const unsigned char *s = (const unsigned char *)p;
	fold_out_t o = {out, out->len, 0};
	/* ASCII output is never longer than its input: one reservation usually covers it. */
	buf_reserve(out, n + 1);
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		if (c < 0x80) {
			if (c == 0)
				goto bad;
			char f = fold_ascii(c);
			if (f)
				fold_put(&o, &f, 1);
			else
				o.pending = 1;
			i++;
			continue;
		}
		int32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (k == 0)
			goto bad;
		i += k;
		fold_cp(&o, cp);
	}
	out->data[out->len] = '\0';
	return 0;
bad:
	out->len = o.start;
	out->data[out->len] = '\0';
	return -1;
}

int
text_parse_day(const char *s, int32_t *day)
{
	return s ? when_parse_date(s, strlen(s), day) : -1;
}

const char *
text_date_str(arena_t *a, int32_t days)
{
	buf_t b = BUF_INIT;
	text_format_date(days, &b);
	char *s = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

static int
is_blank_char(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int
text_blank(const char *s)
{
	for (; s && *s; s++)
		if (!is_blank_char(*s))
			return 0;
	return 1;
}

const char *
text_trim(arena_t *a, const char *s)
{
	if (!s)
		return "";
	while (is_blank_char(*s))
		s++;
	size_t n = strlen(s);
	while (n && is_blank_char(s[n - 1]))
		n--;
	return arena_strndup(a, s, n);
}

const char *
text_int(arena_t *a, int64_t v)
{
	buf_t b = BUF_INIT;
	text_format_int(v, &b);
	const char *s = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return s;
}
