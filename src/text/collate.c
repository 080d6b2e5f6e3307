/* Vietnamese collation keys: memcmp on keys gives dictionary order (a ă â b … đ … y),
 * so unit lists can be sorted in SQL (BLOB column) or with qsort without Unicode logic.
 * Works on the canonical decomposition, so NFC and NFD spellings get the same key.
 *
 * Key layout, levels separated by 0x01 (lower than every weight, so a shorter level
 * sorts first), and no 0x00 byte anywhere:
 *   primary    one unit per element: 0x02 a separator (a run of spaces, punctuation or
 *              symbols; leading and trailing ones dropped), 0x03 a number, 0x0D..0x29 the
 *              29 Vietnamese letters, 3 bytes led by 0x30..0x73 any other character in
 *              code point order (f j w z, other scripts, non-ASCII digits).
 *              Separators sort before numbers before letters, so "An Tây" < "Anh"
 *              (syllable by syllable, as in Vietnamese dictionaries); numbers compare by
 *              value, so "Phường 2" < "Phường 10".
 *   secondary  per element: tone 0x02..0x07 (none, huyền, hỏi, ngã, sắc, nặng), then
 *              3 bytes led by 0x08.. for every other mark (é is e+sắc, ü is u+extra mark).
 *   tertiary   per element: 0x02 lowercase or uncased, 0x03 uppercase.
 *   identical  the NFD bytes, so distinct strings never tie ("Hà Nội" vs "Hà-Nội"). */
#include "text/text.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "core/mem.h"

#define LEVEL_SEP 0x01
#define W_SEP 0x02
#define W_NUMBER 0x03
#define W_LETTER 0x0D
#define W_OTHER 0x30
#define W_TONE 0x02
#define W_MARK 0x08
#define W_LOWER 0x02
#define W_UPPER 0x03

/* Most names decompose into fewer code points than this: no allocation for them. */
#define STACK_CPS 256

enum { EL_SEP, EL_SKIP, EL_NUMBER, EL_LETTER };

/* The Vietnamese letters in order; index into this is the primary weight. */
enum {
	VA,
	VA_BREVE,
	VA_CIRC,
	VB,
	VC,
	VD,
	VDD,
	VE,
	VE_CIRC,
	VG,
	VH,
	VI,
	VK,
	VL,
	VM,
	VN,
	VO,
	VO_CIRC,
	VO_HORN,
	VP,
	VQ,
	VR,
	VS,
	VT,
	VU,
	VU_HORN,
	VV,
	VX,
	VY,
	VNONE
};

/* One element: a letter or other character with the marks that follow it, a run of
 * ASCII digits, a separator, or something ignored (an invisible or orphan character). */
typedef struct elem {
	int kind;
	int viet;   /* VA..VY, or VNONE for characters outside the alphabet */
	int32_t cp; /* lowercase base code point when viet == VNONE */
	int upper;
	int tone;                   /* 0..5 */
	size_t mark_lo, mark_hi;    /* cps[mark_lo..mark_hi) are its marks */
	size_t used_mod, used_tone; /* marks consumed as letter modifier and tone, or SIZE_MAX */
	size_t dig_lo, dig_hi;      /* significant digits of a number */
} elem_t;

static int
is_mark(int32_t c)
{
	if (c < 0x0300) /* nothing below the combining diacritics block is a mark */
		return 0;
	utf8proc_category_t cat = utf8proc_category(c);
	return cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC ||
	       cat == UTF8PROC_CATEGORY_ME;
}

static int
tone_of(int32_t mark)
{
	switch (mark) {
	case 0x0300: return 1; /* huyền */
	case 0x0309: return 2; /* hỏi */
	case 0x0303: return 3; /* ngã */
	case 0x0301: return 4; /* sắc */
	case 0x0323: return 5; /* nặng */
	default: return 0;
	}
}

/* The letter made by adding mark to letter v (ă â ê ô ơ ư), or VNONE. */
static int
modified(int v, int32_t mark)
{
	switch (mark) {
	case 0x0306: return v == VA ? VA_BREVE : VNONE;
	case 0x0302: return v == VA ? VA_CIRC : v == VE ? VE_CIRC : v == VO ? VO_CIRC : VNONE;
	case 0x031B: return v == VO ? VO_HORN : v == VU ? VU_HORN : VNONE;
	default: return VNONE;
	}
}

static int
viet_letter(int32_t lc)
{
	static const signed char ascii[26] = {
	        VA, VB, VC, VD, VE, -1, VG, VH, VI, -1, VK, VL, VM,
	        VN, VO, VP, VQ, VR, VS, VT, VU, VV, -1, VX, VY, -1,
	};
	if (lc >= 'a' && lc <= 'z')
		return ascii[lc - 'a'] < 0 ? VNONE : ascii[lc - 'a'];
	if (lc == 0x0111)
		return VDD;
	return VNONE;
}

/* Parses the element starting at cps[i]; returns the index after it. */
static size_t
next_elem(const int32_t *cps, size_t m, size_t i, elem_t *e)
{
	int32_t c = cps[i];
	memset(e, 0, sizeof *e);
	e->used_mod = e->used_tone = SIZE_MAX;
	e->viet = VNONE;
	size_t j = i + 1;
	if (c >= '0' && c <= '9') {
		e->kind = EL_NUMBER;
		while (j < m && cps[j] >= '0' && cps[j] <= '9')
			j++;
		size_t lo = i;
		while (lo < j && cps[lo] == '0')
			lo++;
		e->dig_lo = lo;
		e->dig_hi = j;
	} else if (c < 0x80) {
		/* ASCII fast path: a letter, or a separator like every other ASCII character. */
		int32_t lc = c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
		if (lc < 'a' || lc > 'z') {
			e->kind = EL_SEP;
			return j;
		}
		e->kind = EL_LETTER;
		e->upper = lc != c;
		e->cp = lc;
		e->viet = viet_letter(lc);
	} else if (utf8proc_get_property(c)->ignorable || is_mark(c)) {
		/* Invisible characters, and marks with nothing to sit on, only count at the
		 * identical level. */
		e->kind = EL_SKIP;
		return j;
	} else if (text_is_word_char(c)) {
		e->kind = EL_LETTER;
		int32_t lc = utf8proc_tolower(c);
		e->upper = lc != c;
		e->cp = lc;
		e->viet = viet_letter(lc);
	} else {
		e->kind = EL_SEP;
		return j;
	}
	e->mark_lo = j;
	while (j < m && is_mark(cps[j]))
		j++;
	e->mark_hi = j;
	for (size_t k = e->mark_lo; k < e->mark_hi; k++) {
		int v = e->viet == VNONE ? VNONE : modified(e->viet, cps[k]);
		if (v != VNONE && e->used_mod == SIZE_MAX) {
			e->viet = v;
			e->used_mod = k;
		} else if (tone_of(cps[k]) && e->used_tone == SIZE_MAX) {
			e->tone = tone_of(cps[k]);
			e->used_tone = k;
		}
	}
	return j;
}

/* Keys are written a byte at a time: check capacity inline instead of going through
 * buf_append for every byte (the reservation in text_collate_key usually suffices). */
static inline void
kput(buf_t *b, const char *s, size_t k)
{
	if (b->cap - b->len < k + 1)
		buf_reserve(b, k);
	memcpy(b->data + b->len, s, k);
	b->len += k;
}

static inline void
kputc(buf_t *b, char c)
{
	kput(b, &c, 1);
}

/* Order-preserving 3 bytes for a code point (< 0x110000), none of them 0x00 or 0x01. */
static void
put_cp3(buf_t *out, unsigned lead, int32_t c)
{
	char b[3] = {(char)(lead + ((unsigned)c >> 14)), (char)(0x80 | (((unsigned)c >> 7) & 0x7F)),
	             (char)(0x80 | ((unsigned)c & 0x7F))};
	kput(out, b, 3);
}

/* A number's digit count, order-preserving and self-delimiting: one byte below 200,
 * else 0xCA and 35 bits in five 7-bit bytes. */
static void
put_count(buf_t *out, size_t len)
{
	if (len < 200) {
		kputc(out, (char)(0x02 + len));
		return;
	}
	char b[6];
	b[0] = (char)0xCA;
	for (int k = 0; k < 5; k++)
		b[1 + k] = (char)(0x80 | ((len >> (7 * (4 - k))) & 0x7F));
	kput(out, b, 6);
}

static void
put_primary(buf_t *out, const int32_t *cps, const elem_t *els, size_t ne)
{
	int pending = 0, any = 0;
	for (size_t i = 0; i < ne; i++) {
		const elem_t *e = &els[i];
		if (e->kind == EL_SKIP)
			continue;
		if (e->kind == EL_SEP) {
			pending = any;
			continue;
		}
		if (pending)
			kputc(out, W_SEP);
		pending = 0;
		any = 1;
		if (e->kind == EL_NUMBER) {
			kputc(out, W_NUMBER);
			put_count(out, e->dig_hi - e->dig_lo);
			for (size_t k = e->dig_lo; k < e->dig_hi; k++)
				kputc(out, (char)cps[k]);
		} else if (e->viet != VNONE) {
			kputc(out, (char)(W_LETTER + e->viet));
		} else {
			put_cp3(out, W_OTHER, e->cp);
		}
	}
	kputc(out, LEVEL_SEP);
}

static void
put_secondary(buf_t *out, const int32_t *cps, const elem_t *els, size_t ne)
{
	for (size_t i = 0; i < ne; i++) {
		const elem_t *e = &els[i];
		if (e->kind != EL_NUMBER && e->kind != EL_LETTER)
			continue;
		kputc(out, (char)(W_TONE + e->tone));
		for (size_t k = e->mark_lo; k < e->mark_hi; k++)
			if (k != e->used_mod && k != e->used_tone)
				put_cp3(out, W_MARK, cps[k]);
	}
	kputc(out, LEVEL_SEP);
}

static void
put_tertiary(buf_t *out, const elem_t *els, size_t ne)
{
	for (size_t i = 0; i < ne; i++) {
		if (els[i].kind == EL_NUMBER || els[i].kind == EL_LETTER)
			kputc(out, els[i].upper ? W_UPPER : W_LOWER);
	}
	kputc(out, LEVEL_SEP);
}

int
text_collate_key(const char *p, size_t n, buf_t *out)
{
	if (!text_utf8_valid(p, n))
		return -1;
	int32_t stack[STACK_CPS], *cps = stack;
	utf8proc_ssize_t m = 0;
	if (n > 0) {
		m = utf8proc_decompose((const utf8proc_uint8_t *)p, (utf8proc_ssize_t)n, stack,
		                       STACK_CPS, UTF8PROC_DECOMPOSE);
		if (m > STACK_CPS) {
			utf8proc_ssize_t want = m;
			cps = xmalloc(size_mul((size_t)want, sizeof *cps));
			m = utf8proc_decompose((const utf8proc_uint8_t *)p, (utf8proc_ssize_t)n,
			                       cps, want, UTF8PROC_DECOMPOSE);
		}
		if (m < 0) {
			if (cps != stack)
				free(cps);
			if (m == UTF8PROC_ERROR_NOMEM)
				mem_fatal("out of memory in utf8proc_decompose");
			return -1;
		}
	}
	size_t cnt = (size_t)m, ne = 0;
	elem_t estack[STACK_CPS],
	        *els = cnt > STACK_CPS ? xmalloc(size_mul(cnt, sizeof *els)) : estack;
	for (size_t i = 0; i < cnt; ne++)
		i = next_elem(cps, cnt, i, &els[ne]);
	buf_reserve(out, size_add(size_mul(cnt, 12), 16));
	put_primary(out, cps, els, ne);
	put_secondary(out, cps, els, ne);
	put_tertiary(out, els, ne);
	for (size_t i = 0; i < cnt; i++) {
		utf8proc_uint8_t enc[4];
		utf8proc_ssize_t k = utf8proc_encode_char(cps[i], enc);
		kput(out, (const char *)enc, (size_t)k);
	}
	out->data[out->len] = '\0';
	if (els != estack)
		free(els);
	if (cps != stack)
		free(cps);
	return 0;
}

/* Strings that are not valid UTF-8 have no key: they sort after every valid one, among
 * themselves bytewise, so the order stays total. */
int
text_collate_cmp(const char *a, const char *b)
{
	buf_t ka = BUF_INIT, kb = BUF_INIT;
	int va = text_collate_key(a, strlen(a), &ka) == 0;
	int vb = text_collate_key(b, strlen(b), &kb) == 0;
	int r;
	if (va && vb) {
		size_t n = ka.len < kb.len ? ka.len : kb.len;
		r = memcmp(ka.data, kb.data, n);
		if (r == 0)
			r = (ka.len > kb.len) - (ka.len < kb.len);
	} else if (va != vb) {
		r = va ? -1 : 1;
	} else {
		r = strcmp(a, b);
	}
	buf_free(&ka);
	buf_free(&kb);
	return (r > 0) - (r < 0);
}
