/* TCVN3 and VNI: the code tables, repair (raw bytes or UTF-8 mojibake -> NFC UTF-8) and
 * detection by the share of words that become Vietnamese syllables. Sources of the
 * tables and the detection rule: docs/legacy-encodings.md. */
#include "text/legacy.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "core/mem.h"
#include "text/text.h"

/* Combining marks: the shapes and the five tones. */
#define M_GRAVE 0x0300
#define M_ACUTE 0x0301
#define M_CIRC 0x0302
#define M_TILDE 0x0303
#define M_BREVE 0x0306
#define M_HOOK 0x0309
#define M_HORN 0x031B
#define M_DOT 0x0323

/* TCVN 5712:1993 VN3 (TCVN3, ABC), bytes 0xA0..0xFF: the no-break space, the seven
 * capitals without tone (Ă Â Ê Ô Ơ Ư Đ) and the 67 lowercase letters; 0 = not assigned
 * (VN3 leaves those to VN1/VN2, whose capitals with tones it has not). */
static const uint16_t tcvn3[0x60] = {
        /* A0 */ 0x00A0, 0x0102, 0x00C2, 0x00CA, 0x00D4, 0x01A0, 0x01AF, 0x0110,
        /* A8 */ 0x0103, 0x00E2, 0x00EA, 0x00F4, 0x01A1, 0x01B0, 0x0111, 0,
        /* B0 */ 0,      0,      0,      0,      0,      0x00E0, 0x1EA3, 0x00E3,
        /* B8 */ 0x00E1, 0x1EA1, 0,      0x1EB1, 0x1EB3, 0x1EB5, 0x1EAF, 0,
        /* C0 */ 0,      0,      0,      0,      0,      0,      0x1EB7, 0x1EA7,
        /* C8 */ 0x1EA9, 0x1EAB, 0x1EA5, 0x1EAD, 0x00E8, 0,      0x1EBB, 0x1EBD,
        /* D0 */ 0x00E9, 0x1EB9, 0x1EC1, 0x1EC3, 0x1EC5, 0x1EBF, 0x1EC7, 0x00EC,
        /* D8 */ 0x1EC9, 0,      0,      0,      0x0129, 0x00ED, 0x1ECB, 0x00F2,
        /* E0 */ 0,      0x1ECF, 0x00F5, 0x00F3, 0x1ECD, 0x1ED3, 0x1ED5, 0x1ED7,
        /* E8 */ 0x1ED1, 0x1ED9, 0x1EDD, 0x1EDF, 0x1EE1, 0x1EDB, 0x1EE3, 0x00F9,
        /* F0 */ 0,      0x1EE7, 0x0169, 0x00FA, 0x1EE5, 0x1EEB, 0x1EED, 0x1EEF,
        /* F8 */ 0x1EE9, 0x1EF1, 0x1EF3, 0x1EF7, 0x1EF9, 0x00FD, 0x1EF5, 0,
};

/* VNI-Windows: a vowel is its ASCII letter followed by one code byte for its shape and
 * tone (lowercase codes after lowercase letters, capital codes after capitals, either
 * taken here); ơ ư đ, i with its tones and ỵ are single bytes. */
enum { S_NONE, S_CIRC, S_BREVE };
typedef struct vni_mod {
	uint8_t shape; /* S_* */
	uint16_t tone; /* a combining tone mark, or 0 */
} vni_mod_t;

/* The code byte after a vowel, by its lowercase form (0xE0..0xFF); the capital code is
 * the lowercase one minus 0x20. */
static int
vni_mod(int32_t c, vni_mod_t *m)
{
	if (c >= 0xC0 && c <= 0xDF)
		c += 0x20;
	switch (c) {
	case 0xF9: *m = (vni_mod_t){S_NONE, M_ACUTE}; return 1;  /* ù */
	case 0xF8: *m = (vni_mod_t){S_NONE, M_GRAVE}; return 1;  /* ø */
	case 0xFB: *m = (vni_mod_t){S_NONE, M_HOOK}; return 1;   /* û */
	case 0xF5: *m = (vni_mod_t){S_NONE, M_TILDE}; return 1;  /* õ */
	case 0xEF: *m = (vni_mod_t){S_NONE, M_DOT}; return 1;    /* ï */
	case 0xE2: *m = (vni_mod_t){S_CIRC, 0}; return 1;        /* â */
	case 0xE1: *m = (vni_mod_t){S_CIRC, M_ACUTE}; return 1;  /* á */
	case 0xE0: *m = (vni_mod_t){S_CIRC, M_GRAVE}; return 1;  /* à */
	case 0xE5: *m = (vni_mod_t){S_CIRC, M_HOOK}; return 1;   /* å */
	case 0xE3: *m = (vni_mod_t){S_CIRC, M_TILDE}; return 1;  /* ã */
	case 0xE4: *m = (vni_mod_t){S_CIRC, M_DOT}; return 1;    /* ä */
	case 0xEA: *m = (vni_mod_t){S_BREVE, 0}; return 1;       /* ê */
	case 0xE9: *m = (vni_mod_t){S_BREVE, M_ACUTE}; return 1; /* é */
	case 0xE8: *m = (vni_mod_t){S_BREVE, M_GRAVE}; return 1; /* è */
	case 0xFA: *m = (vni_mod_t){S_BREVE, M_HOOK}; return 1;  /* ú */
	case 0xFC: *m = (vni_mod_t){S_BREVE, M_TILDE}; return 1; /* ü */
	case 0xEB: *m = (vni_mod_t){S_BREVE, M_DOT}; return 1;   /* ë */
	default: return 0;
	}
}

/* The single-byte letters of VNI: the letter, or 0. */
static int32_t
vni_letter(int32_t c)
{
	switch (c) {
	case 0xF4: return 0x01A1; /* ô -> ơ */
	case 0xD4: return 0x01A0; /* Ô -> Ơ */
	case 0xF6: return 0x01B0; /* ö -> ư */
	case 0xD6: return 0x01AF; /* Ö -> Ư */
	case 0xF1: return 0x0111; /* ñ -> đ */
	case 0xD1: return 0x0110; /* Ñ -> Đ */
	case 0xEC: return 0x00EC; /* ì */
	case 0xCC: return 0x00CC; /* Ì */
	case 0xED: return 0x00ED; /* í */
	case 0xCD: return 0x00CD; /* Í */
	case 0xE6: return 0x1EC9; /* æ -> ỉ */
	case 0xC6: return 0x1EC8; /* Æ -> Ỉ */
	case 0xF3: return 0x0129; /* ó -> ĩ */
	case 0xD3: return 0x0128; /* Ó -> Ĩ */
	case 0xF2: return 0x1ECB; /* ò -> ị */
	case 0xD2: return 0x1ECA; /* Ò -> Ị */
	case 0xEE: return 0x1EF5; /* î -> ỵ */
	case 0xCE: return 0x1EF4; /* Î -> Ỵ */
	default: return 0;
	}
}

/* ---- code point arrays ---- */

typedef struct cps {
	int32_t *v;
	size_t n, cap;
} cps_t;

static void
cps_push(cps_t *c, int32_t x)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->v = xrealloc(c->v, size_mul(c->cap, sizeof *c->v));
	}
	c->v[c->n++] = x;
}

/* p as code points: UTF-8 (0, or -1 when invalid) or, raw, one per byte as Latin-1
 * with NUL and the C1 controls as U+FFFD. NUL in UTF-8 becomes U+FFFD as well. */
static int
decode(const char *p, size_t n, int raw, cps_t *out)
{
	const uint8_t *s = (const uint8_t *)p;
	if (raw) {
		for (size_t i = 0; i < n; i++)
			cps_push(out, s[i] == 0 || (s[i] >= 0x80 && s[i] < 0xA0) ? 0xFFFD : s[i]);
		return 0;
	}
	size_t i = 0;
	while (i < n) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k = utf8proc_iterate(s + i, (utf8proc_ssize_t)(n - i), &c);
		if (k <= 0)
			return -1;
		cps_push(out, c ? c : 0xFFFD);
		i += (size_t)k;
	}
	return 0;
}

static int
is_word_cp(int32_t c)
{
	if (c < 0x80)
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
	if (c >= 0xA1 && c <= 0xFF)
		return 1; /* every one is a letter in TCVN3 or VNI */
	if (c == 0xFFFD)
		return 0;
	utf8proc_category_t k = utf8proc_category(c);
	return (k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_LO) ||
	       (k >= UTF8PROC_CATEGORY_MN && k <= UTF8PROC_CATEGORY_ME);
}

static int
is_vowel_base(int32_t c)
{
	switch (utf8proc_tolower(c)) {
	case 'a':
	case 'e':
	case 'i':
	case 'o':
	case 'u':
	case 'y':
	case 0x01A1:
	case 0x01B0: return 1;
	default: return 0;
	}
}

/* Repair the word w[0..n) into out. */
static void
repair_word(const int32_t *w, size_t n, legacy_enc_t enc, cps_t *out)
{
	size_t start = out->n;
	if (enc == LEGACY_TCVN3) {
		int ascii = 0, upper = 0, lowcode = 0;
		for (size_t i = 0; i < n; i++) {
			int32_t c = w[i];
			if (c >= 0xA0 && c <= 0xFF && tcvn3[c - 0xA0]) {
				c = tcvn3[c - 0xA0];
				lowcode |= utf8proc_tolower(c) == c;
			} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
				ascii++;
				upper += c <= 'Z';
			}
			cps_push(out, c);
		}
		/* typed with an all-capitals font (.VnTimeH): capitals throughout */
		if (ascii >= 2 && upper == ascii && lowcode)
			for (size_t i = start; i < out->n; i++)
				out->v[i] = utf8proc_toupper(out->v[i]);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		int32_t c = w[i];
		int32_t l = c >= 0xA0 && c <= 0xFF ? vni_letter(c) : 0;
		int32_t base = l ? l : c;
		vni_mod_t m;
		if (is_vowel_base(base) && i + 1 < n && vni_mod(w[i + 1], &m)) {
			int32_t lb = utf8proc_tolower(base);
			int ok = m.shape == S_NONE ||
			         (m.shape == S_CIRC && (lb == 'a' || lb == 'e' || lb == 'o')) ||
			         (m.shape == S_BREVE && lb == 'a');
			if (ok && !(m.tone == 0 && m.shape == S_NONE)) {
				cps_push(out, base);
				if (m.shape)
					cps_push(out, m.shape == S_CIRC ? M_CIRC : M_BREVE);
				if (m.tone)
					cps_push(out, m.tone);
				i++;
				continue;
			}
		}
		cps_push(out, base);
	}
}

/* Repair a whole text: the words by repair_word, the rest kept. */
static void
repair_cps(const cps_t *in, legacy_enc_t enc, cps_t *out)
{
	size_t i = 0;
	while (i < in->n) {
		if (!is_word_cp(in->v[i])) {
			cps_push(out, in->v[i++]);
			continue;
		}
		size_t j = i;
		while (j < in->n && is_word_cp(in->v[j]))
			j++;
		repair_word(in->v + i, j - i, enc, out);
		i = j;
	}
}

static int
encode_nfc(const cps_t *c, buf_t *out)
{
	buf_t u = BUF_INIT;
	for (size_t i = 0; i < c->n; i++) {
		uint8_t e[4];
		utf8proc_ssize_t k = utf8proc_encode_char(c->v[i], e);
		buf_append(&u, e, (size_t)k);
	}
	int rc = text_nfc(u.data ? u.data : "", u.len, out);
	buf_free(&u);
	return rc;
}

/* ---- Vietnamese syllables ---- */

static const char *const onsets[] = {
        "",   "b",   "c",  "ch", "d",  "đ", "g",  "gh", "gi", "h", "k",  "kh", "l", "m", "n",
        "ng", "ngh", "nh", "p",  "ph", "q", "qu", "r",  "s",  "t", "th", "tr", "v", "x",
};

/* Rhymes without tone. */
static const char *const rhymes[] = {
        "a",   "ac",   "ach",  "ai",   "am",   "an",   "ang",  "anh",  "ao",  "ap",  "at",  "au",
        "ay",  "ăc",   "ăm",   "ăn",   "ăng",  "ăp",   "ăt",   "âc",   "âm",  "ân",  "âng", "âp",
        "ât",  "âu",   "ây",   "e",    "ec",   "em",   "en",   "eng",  "eo",  "ep",  "et",  "ê",
        "êch", "êm",   "ên",   "ênh",  "êp",   "êt",   "êu",   "i",    "ia",  "ich", "im",  "in",
        "inh", "ip",   "it",   "iu",   "iêc",  "iêm",  "iên",  "iêng", "iêp", "iêt", "iêu", "o",
        "oa",  "oac",  "oach", "oai",  "oam",  "oan",  "oang", "oanh", "oao", "oap", "oat", "oay",
        "oăc", "oăm",  "oăn",  "oăng", "oăt",  "oc",   "oe",   "oen",  "oeo", "oet", "oi",  "om",
        "on",  "ong",  "ooc",  "oong", "op",   "ot",   "ô",    "ôc",   "ôi",  "ôm",  "ôn",  "ông",
        "ôp",  "ôt",   "ơ",    "ơi",   "ơm",   "ơn",   "ơp",   "ơt",   "u",   "ua",  "uân", "uâng",
        "uât", "uây",  "uc",   "uê",   "uêch", "uênh", "ui",   "um",   "un",  "ung", "up",  "ut",
        "uy",  "uya",  "uych", "uyên", "uyêt", "uynh", "uyt",  "uyu",  "uô",  "uôc", "uôi", "uôm",
        "uôn", "uông", "uôt",  "uơ",   "ư",    "ưa",   "ưc",   "ưi",   "ưm",  "ưn",  "ưng", "ưt",
        "ưu",  "ươc",  "ươi",  "ươm",  "ươn",  "ương", "ươp",  "ươt",  "ươu", "y",   "yêm", "yên",
        "yêt", "yêu",
};

/* The rhymes in byte order, sorted once: a syllable's rhyme is found by binary search
 * (the table above stays in the order a reader checks it against a chart). */
static const char *rhymes_sorted[sizeof rhymes / sizeof rhymes[0]];
static pthread_once_t rhymes_once = PTHREAD_ONCE_INIT;

static int
rhyme_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
rhymes_sort(void)
{
	memcpy(rhymes_sorted, rhymes, sizeof rhymes);
	qsort(rhymes_sorted, sizeof rhymes / sizeof rhymes[0], sizeof rhymes[0], rhyme_cmp);
}

static int
rhyme_known(const char *r)
{
	pthread_once(&rhymes_once, rhymes_sort);
	return bsearch(&r, rhymes_sorted, sizeof rhymes / sizeof rhymes[0], sizeof rhymes[0],
	               rhyme_cmp) != NULL;
}

int
legacy_is_syllable(const char *p, size_t n)
{
	char base[40];
	size_t bl = 0;
	int32_t tone = 0;
	size_t i = 0, letters = 0;
	while (i < n) {
		utf8proc_int32_t c;
		utf8proc_ssize_t k =
		        utf8proc_iterate((const uint8_t *)p + i, (utf8proc_ssize_t)(n - i), &c);
		if (k <= 0)
			return 0;
		i += (size_t)k;
		if (c < 0x80) {
			/* ASCII, most letters of most words: a plain letter, no marks to split off */
			int32_t l = c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
			if (l < 'a' || l > 'z' || ++letters > 8 || bl + 4 >= sizeof base)
				return 0;
			base[bl++] = (char)l;
			continue;
		}
		utf8proc_int32_t d[8];
		int last = 0;
		utf8proc_ssize_t nd = utf8proc_decompose_char(utf8proc_tolower(c), d, 8,
		                                              UTF8PROC_DECOMPOSE, &last);
		if (nd < 1 || nd > 8)
			return 0;
		int32_t b = d[0];
		if (b >= 0x0300 && b < 0x0370) {
			/* a combining mark after the letter (decomposed input) */
			if (!letters)
				return 0;
			nd = 1;
			b = -1;
		}
		int shape = 0;
		for (utf8proc_ssize_t m = b < 0 ? 0 : 1; m < nd; m++) {
			switch (d[m]) {
			case M_CIRC:
			case M_BREVE:
			case M_HORN:
				if (shape)
					return 0;
				shape = d[m];
				break;
			case M_GRAVE:
			case M_ACUTE:
			case M_HOOK:
			case M_TILDE:
			case M_DOT:
				if (tone)
					return 0;
				tone = d[m];
				break;
			default: return 0;
			}
		}
		if (b < 0) {
			if (shape) {
				/* a shape mark after its letter: rewrite the last letter */
				if (bl == 0 || (unsigned char)base[bl - 1] >= 0x80)
					return 0;
				b = base[--bl];
			} else {
				/* a tone mark after its letter: a vowel's */
				unsigned char lc = bl ? (unsigned char)base[bl - 1] : 0;
				if (!lc || (lc < 0x80 && !strchr("aeiouy", lc)) || lc == 0x91)
					return 0;
				continue;
			}
		}
		int32_t l;
		if (b == 0x0111)
			l = b;
		else if (b < 'a' || b > 'z')
			return 0;
		else if (!shape)
			l = b;
		else if (shape == M_CIRC && b == 'a')
			l = 0xE2;
		else if (shape == M_BREVE && b == 'a')
			l = 0x103;
		else if (shape == M_CIRC && b == 'e')
			l = 0xEA;
		else if (shape == M_CIRC && b == 'o')
			l = 0xF4;
		else if (shape == M_HORN && b == 'o')
			l = 0x1A1;
		else if (shape == M_HORN && b == 'u')
			l = 0x1B0;
		else
			return 0;
		if (++letters > 8 || bl + 4 >= sizeof base)
			return 0;
		bl += (size_t)utf8proc_encode_char(l, (uint8_t *)base + bl);
	}
	if (!letters)
		return 0;
	base[bl] = '\0';
	for (size_t o = 0; o < sizeof onsets / sizeof onsets[0]; o++) {
		size_t ol = strlen(onsets[o]);
		if (strncmp(base, onsets[o], ol) != 0)
			continue;
		const char *r = base + ol;
		if (!rhyme_known(r))
			continue;
		size_t rl = strlen(r);
		char last = r[rl - 1];
		int stop = last == 'p' || last == 't' || last == 'c' ||
		           (rl >= 2 && r[rl - 2] == 'c' && last == 'h');
		if (stop && tone != M_ACUTE && tone != M_DOT)
			return 0;
		return 1;
	}
	return 0;
}

static int
cps_is_syllable(const int32_t *w, size_t n)
{
	/* a syllable has at most 8 letters and each mark is a code point: longer runs are
	 * not syllables, and need no encoding (the callers cap words at 24 code points) */
	uint8_t u[24 * 4];
	size_t ul = 0;
	if (n > 24)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (w[i] < 0 || w[i] > 0x10FFFF)
			return 0;
		ul += (size_t)utf8proc_encode_char(w[i], u + ul);
	}
	return legacy_is_syllable((const char *)u, ul);
}

/* ---- detection ---- */

typedef struct score {
	int words, fixed, broken, valid;
	int cand, cand_valid; /* the words with letters beyond ASCII, and those valid after */
} score_t;

/* Scores the words of the text as TCVN3 (t) and as VNI (v) in one pass: whether a word is a
 * syllable as it stands does not depend on the encoding, so it is checked once. */
static void
score_text(const cps_t *in, score_t *t, score_t *v)
{
	memset(t, 0, sizeof *t);
	memset(v, 0, sizeof *v);
	cps_t rep = {0};
	size_t i = 0;
	while (i < in->n) {
		if (!is_word_cp(in->v[i])) {
			i++;
			continue;
		}
		size_t j = i;
		int digit = 0, ascii = 1, upper = 1;
		while (j < in->n && is_word_cp(in->v[j])) {
			int32_t c = in->v[j];
			digit |= c >= '0' && c <= '9';
			ascii &= c < 0x80;
			upper &= c >= 'A' && c <= 'Z';
			j++;
		}
		const int32_t *w = in->v + i;
		size_t n = j - i;
		i = j;
		if (digit || (ascii && upper && n >= 2) || n > 24)
			continue;
		int before = cps_is_syllable(w, n);
		for (int e = 0; e < 2; e++) {
			score_t *s = e ? v : t;
			int after = before;
			if (!ascii) {
				rep.n = 0;
				repair_word(w, n, e ? LEGACY_VNI : LEGACY_TCVN3, &rep);
				after = cps_is_syllable(rep.v, rep.n);
				s->cand++;
				s->cand_valid += after;
			}
			s->words++;
			s->fixed += !before && after;
			s->broken += before && !after;
			s->valid += after;
		}
	}
	free(rep.v);
}

/* raw: the input is not UTF-8 (a file's bytes), so it is some legacy encoding already,
 * and its ASCII words (column names, codes) do not count: the words with legacy letters
 * must be 70 % Vietnamese once repaired. */
static int
passes(const score_t *s, int raw)
{
	if (s->fixed < 1 || s->fixed <= s->broken)
		return 0;
	return raw ? s->cand_valid * 100 >= 70 * s->cand : s->valid * 100 >= 70 * s->words;
}

legacy_enc_t
legacy_detect(const char *p, size_t n, legacy_guess_t *g)
{
	legacy_guess_t dummy;
	if (!g)
		g = &dummy;
	memset(g, 0, sizeof *g);
	g->raw = !text_utf8_valid(p, n);
	cps_t in = {0};
	if (decode(p, n, g->raw, &in) < 0) {
		free(in.v);
		return LEGACY_NONE;
	}
	/* nothing in U+00A1..U+00FF: nothing to repair */
	int any = 0;
	for (size_t i = 0; i < in.n && !any; i++)
		any = in.v[i] >= 0xA1 && in.v[i] <= 0xFF;
	score_t t = {0}, v = {0};
	if (any) {
		score_text(&in, &t, &v);
	}
	free(in.v);
	int pt = passes(&t, g->raw), pv = passes(&v, g->raw);
	const score_t *s = NULL;
	if (pt && pv)
		g->enc = v.fixed > t.fixed || (v.fixed == t.fixed && v.valid > t.valid)
		                 ? LEGACY_VNI
		                 : LEGACY_TCVN3;
	else if (pt || pv)
		g->enc = pt ? LEGACY_TCVN3 : LEGACY_VNI;
	s = g->enc == LEGACY_VNI ? &v : &t;
	g->words = s->words;
	g->fixed = s->fixed;
	g->broken = s->broken;
	g->valid = s->valid;
	g->confidence = g->enc && s->words ? s->valid * 100 / s->words : 0;
	return g->enc;
}

legacy_enc_t
legacy_detect_query(const char *p, size_t n)
{
	cps_t in = {0};
	if (decode(p, n, !text_utf8_valid(p, n), &in) < 0) {
		free(in.v);
		return LEGACY_NONE;
	}
	score_t t, v;
	score_text(&in, &t, &v);
	free(in.v);
	int pt = t.fixed >= 1 && t.broken == 0, pv = v.fixed >= 1 && v.broken == 0;
	if (pt && pv)
		return v.fixed > t.fixed ? LEGACY_VNI : LEGACY_TCVN3;
	return pt ? LEGACY_TCVN3 : pv ? LEGACY_VNI : LEGACY_NONE;
}

/* ---- repair ---- */

static int
repair(const char *p, size_t n, int raw, legacy_enc_t enc, buf_t *out)
{
	if (enc != LEGACY_TCVN3 && enc != LEGACY_VNI)
		return -1;
	cps_t in = {0}, rep = {0};
	int rc = -1;
	if (decode(p, n, raw, &in) == 0) {
		repair_cps(&in, enc, &rep);
		rc = encode_nfc(&rep, out);
	}
	free(in.v);
	free(rep.v);
	return rc;
}

int
legacy_repair_mojibake(const char *p, size_t n, legacy_enc_t enc, buf_t *out)
{
	return repair(p, n, 0, enc, out);
}

int
legacy_repair_bytes(const char *p, size_t n, legacy_enc_t enc, buf_t *out)
{
	return repair(p, n, 1, enc, out);
}

int
legacy_repair(const char *p, size_t n, legacy_enc_t enc, buf_t *out)
{
	return repair(p, n, !text_utf8_valid(p, n), enc, out);
}

legacy_enc_t
legacy_suggest(const char *p, size_t n, buf_t *out)
{
	legacy_enc_t e = legacy_detect(p, n, NULL);
	if (e != LEGACY_NONE && legacy_repair(p, n, e, out) < 0)
		return LEGACY_NONE;
	return e;
}

const char *
legacy_enc_name(legacy_enc_t enc)
{
	return enc == LEGACY_TCVN3 ? "TCVN3" : enc == LEGACY_VNI ? "VNI" : "";
}
