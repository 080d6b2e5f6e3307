/* Unit tests for src/text: strict UTF-8, the search fold, Vietnamese collation order,
 * and the number/date formats people type into forms and CSV files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>

#include "app/app.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "text/text.h"

/* The fold of s as a C string (freed by the caller), or NULL when text_fold fails. */
static char *
fold(const char *s)
{
	buf_t b = BUF_INIT;
	if (text_fold(s, strlen(s), &b) < 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_steal(&b, NULL);
}

static void
assert_fold(const char *in, const char *want)
{
	char *got = fold(in);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
test_utf8_prefix(void **state)
{
	(void)state;
	assert_int_equal(text_utf8_prefix("abc", 5), 3);
	assert_int_equal(text_utf8_prefix("abc", 3), 3);
	assert_int_equal(text_utf8_prefix("abcd", 3), 3);
	/* "aệ" is a + 3 bytes: a cut at 2 or 3 falls inside the letter */
	assert_int_equal(text_utf8_prefix("aệb", 2), 1);
	assert_int_equal(text_utf8_prefix("aệb", 3), 1);
	assert_int_equal(text_utf8_prefix("aệb", 4), 4);
	assert_int_equal(text_utf8_prefix("ệ", 0), 0);
	assert_int_equal(text_utf8_prefix("", 10), 0);
	/* text_utf8_clean: valid text as it is, each stray byte as U+FFFD */
	buf_t b = BUF_INIT;
	text_utf8_clean("aệb", strlen("aệb"), &b);
	assert_string_equal(buf_cstr(&b), "aệb");
	buf_reset(&b);
	text_utf8_clean("a\xE1\xBB", 3, &b); /* "ệ" cut after two of its three bytes */
	assert_string_equal(buf_cstr(&b), "a\xEF\xBF\xBD\xEF\xBF\xBD");
	buf_reset(&b);
	text_utf8_clean("\xFFok\xC0\x80", 5, &b); /* never valid; an overlong NUL */
	assert_string_equal(buf_cstr(&b), "\xEF\xBF\xBDok\xEF\xBF\xBD\xEF\xBF\xBD");
	assert_true(text_utf8_valid(buf_cstr(&b), b.len));
	buf_free(&b);
	/* app_js, the handlers' JSON string: such a message is said, not lost (json_string
	 * alone gives NULL for it) */
	assert_null(json_string("a\xE1\xBB"));
	json_t *j = app_js("Trường \"a\xE1\xBB\" không có ở đây");
	assert_non_null(j);
	assert_string_equal(json_string_value(j),
	                    "Trường \"a\xEF\xBF\xBD\xEF\xBF\xBD\" không có ở đây");
	json_decref(j);
	j = app_js(NULL);
	assert_string_equal(json_string_value(j), "");
	json_decref(j);
}

static void
test_utf8_valid(void **state)
{
	(void)state;
	assert_true(text_utf8_valid("", 0));
	assert_true(text_utf8_valid("abc", 3));
	assert_true(text_utf8_valid("Huyện Tiên Lãng", strlen("Huyện Tiên Lãng")));
	assert_true(text_utf8_valid("\xF4\x8F\xBF\xBF", 4));  /* U+10FFFF */
	assert_true(text_utf8_valid("\xF0\x9F\x98\x80", 4));  /* emoji */
	assert_true(text_utf8_valid("\xEF\xBF\xBF", 3));      /* U+FFFF */
	assert_true(text_utf8_valid("\xED\x9F\xBF", 3));      /* U+D7FF */
	assert_false(text_utf8_valid("a\0b", 3));             /* NUL */
	assert_false(text_utf8_valid("\xC0\x80", 2));         /* overlong NUL */
	assert_false(text_utf8_valid("\xC1\xBF", 2));         /* overlong */
	assert_false(text_utf8_valid("\xE0\x80\xAF", 3));     /* overlong '/' */
	assert_false(text_utf8_valid("\xF0\x80\x80\xAF", 4)); /* overlong '/' */
	assert_false(text_utf8_valid("\xED\xA0\x80", 3));     /* surrogate D800 */
	assert_false(text_utf8_valid("\xED\xBF\xBF", 3));     /* surrogate DFFF */
	assert_false(text_utf8_valid("\xF4\x90\x80\x80", 4)); /* U+110000 */
	assert_false(text_utf8_valid("\xF5\x80\x80\x80", 4));
	assert_false(text_utf8_valid("\xFF", 1));
	assert_false(text_utf8_valid("\x80", 1));     /* lone continuation */
	assert_false(text_utf8_valid("\xC3", 1));     /* truncated */
	assert_false(text_utf8_valid("\xE1\xBB", 2)); /* truncated */
	assert_false(text_utf8_valid("\xC3\x28", 2)); /* bad continuation */
	/* Length is respected: the byte after n is never read as part of the sequence. */
	assert_false(text_utf8_valid("\xC3\xA9", 1));
}

static void
test_fold_vietnamese(void **state)
{
	(void)state;
	assert_fold("Huyện Tiên Lãng", "huyen tien lang");
	assert_fold("tien lang", "tien lang");
	assert_fold("Đà Nẵng", "da nang");
	assert_fold("đà nẵng", "da nang");
	assert_fold("da nang", "da nang");
	assert_fold("ĐÀ NẴNG", "da nang");
	assert_fold("Thành phố  Đà Nẵng", "thanh pho da nang");
	assert_fold("Thừa Thiên Huế", "thua thien hue");
	assert_fold("Bà Rịa - Vũng Tàu", "ba ria vung tau");
	assert_fold("Ư Ơ Ô Ă Â Ê", "u o o a a e");
	assert_fold("Phường 10", "phuong 10");
}

static void
test_fold_nfd(void **state)
{
	(void)state;
	/* "Huyện Tiên Lãng" in NFD: e + dot below + circumflex, a + tilde. */
	assert_fold("Huye\xCC\xA3\xCC\x82n Tie\xCC\x82n La\xCC\x83ng", "huyen tien lang");
	/* Marks in non-canonical order fold the same. */
	assert_fold("Huye\xCC\x82\xCC\xA3n", "huyen");
	/* Đ has no decomposition: it is mapped on its own, next to NFD letters. */
	assert_fold("\xC4\x90"
	            "a\xCC\x80 Na\xCC\x86\xCC\x83ng",
	            "da nang");
	assert_fold("U\xCC\x9B", "u");
}

static void
test_fold_spacing(void **state)
{
	(void)state;
	assert_fold("", "");
	assert_fold("   ", "");
	assert_fold("  ,;!  ", "");
	assert_fold("  Hà   Nội  ", "ha noi");
	assert_fold("Hà,Nội", "ha noi");
	assert_fold("Hà\t\r\nNội", "ha noi");
	assert_fold("(Hà Nội)", "ha noi");
	assert_fold("Hà\xC2\xA0Nội", "ha noi");     /* no-break space */
	assert_fold("Hà\xE2\x80\x94Nội", "ha noi"); /* em dash */
	assert_fold("Hà\xC2\xADNội", "hanoi");      /* soft hyphen is invisible */
	assert_fold("\xCC\x81"
	            "a",
	            "a");                                 /* orphan mark at the start */
	assert_fold("Ha Noi \xF0\x9F\x98\x80", "ha noi"); /* emoji is a separator */
}

static void
test_fold_latin(void **state)
{
	(void)state;
	assert_fold("Café Müller", "cafe muller");
	assert_fold("Straße", "strasse");
	assert_fold("Øresund Łódź", "oresund lodz");
	assert_fold("Ærø", "aero");
	assert_fold("ﬁn", "fin");           /* ligature */
	assert_fold("ＡＢＣ１２", "abc12"); /* full width */
	assert_fold("İstanbul", "istanbul");
	assert_fold("Ελλάδα", "ελλαδα");
	assert_fold("Москва́", "москва");
}

static void
test_fold_appends_and_rejects(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	buf_puts(&b, "x:");
	assert_int_equal(text_fold("Hà Nội", strlen("Hà Nội"), &b), 0);
	assert_string_equal(buf_cstr(&b), "x:ha noi");
	/* A separator right after existing content is not written before the fold. */
	assert_int_equal(text_fold(" A", 2, &b), 0);
	assert_string_equal(buf_cstr(&b), "x:ha noia");
	/* Invalid input leaves the buffer as it was. */
	assert_int_equal(text_fold("Hà \xC3", 5, &b), -1);
	assert_string_equal(buf_cstr(&b), "x:ha noia");
	assert_int_equal(text_fold("a\0b", 3, &b), -1);
	assert_int_equal(text_fold("\xED\xA0\x80", 3, &b), -1);
	assert_string_equal(buf_cstr(&b), "x:ha noia");
	assert_int_equal(b.len, strlen("x:ha noia"));
	buf_free(&b);
}

static void
test_fold_idempotent(void **state)
{
	(void)state;
	const char *in[] = {"Huyện Tiên Lãng", "Straße ﬁ Ǆ ½ ²", "Ελλάδα", "한국어", "Ærø, Þór"};
	for (size_t i = 0; i < sizeof in / sizeof *in; i++) {
		char *a = fold(in[i]);
		char *b = fold(a);
		assert_non_null(b);
		assert_string_equal(a, b);
		assert_true(text_utf8_valid(a, strlen(a)));
		free(a);
		free(b);
	}
}

static void
test_nfc(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	const char *nfd = "Huye\xCC\xA3\xCC\x82n Tie\xCC\x82n La\xCC\x83ng";
	assert_int_equal(text_nfc(nfd, strlen(nfd), &b), 0);
	assert_string_equal(buf_cstr(&b), "Huyện Tiên Lãng");
	buf_reset(&b);
	assert_int_equal(text_nfc("Huyện", strlen("Huyện"), &b), 0);
	assert_string_equal(buf_cstr(&b), "Huyện");
	buf_reset(&b);
	assert_int_equal(text_nfc("plain", 5, &b), 0);
	assert_string_equal(buf_cstr(&b), "plain");
	buf_reset(&b);
	assert_int_equal(text_nfc("\xE2\x84\xAB", 3, &b), 0); /* Angstrom sign -> Å */
	assert_string_equal(buf_cstr(&b), "\xC3\x85");
	buf_reset(&b);
	assert_int_equal(text_nfc("", 0, &b), 0);
	assert_int_equal(b.len, 0);
	assert_int_equal(text_nfc("a\xFF", 2, &b), -1);
	assert_int_equal(text_nfc("a\0", 2, &b), -1);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static void
assert_sorted(const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(text_collate_cmp(list[i], list[i]), 0);
		for (size_t j = i + 1; j < n; j++) {
			if (text_collate_cmp(list[i], list[j]) >= 0 ||
			    text_collate_cmp(list[j], list[i]) <= 0)
				fail_msg("expected \"%s\" < \"%s\"", list[i], list[j]);
		}
	}
}

#define SORTED(...)                                                                                \
	do {                                                                                       \
		const char *const l_[] = {__VA_ARGS__};                                            \
		assert_sorted(l_, sizeof l_ / sizeof *l_);                                         \
	} while (0)

static void
test_collate_letters(void **state)
{
	(void)state;
	SORTED("An", "Ăn", "Ân", "Bình");
	SORTED("a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "g", "h", "i", "k", "l", "m", "n", "o",
	       "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "x", "y");
	SORTED("O", "Ô", "Ơ", "P");
	SORTED("U", "Ư", "V");
	SORTED("Dung", "Dũng", "Duy", "Dương", "Dzũ", "Đà Lạt", "Đà Nẵng", "Đắk Lắk", "Đồng Nai",
	       "Eo", "Ê");
	SORTED("Huyện Tiên Lãng", "Huyện Tiên Yên");
	/* Outside the alphabet: after y, in code point order. */
	SORTED("y", "f", "j", "w", "z", "ø", "α", "ж");
	SORTED("Yên", "Fansipan", "Jơ Ngây", "Wang", "Zơ");
}

static void
test_collate_tones(void **state)
{
	(void)state;
	SORTED("Ca", "Cà", "Cả", "Cã", "Cá", "Cạ");
	SORTED("a", "à", "ả", "ã", "á", "ạ", "ă", "ằ", "ẳ", "ẵ", "ắ", "ặ", "â");
	/* Letters of the whole string decide before any tone. */
	SORTED("Cá", "Cab");
	SORTED("Bà Rịa", "Bạc Liêu", "Bắc Giang", "Bắc Ninh");
	SORTED("Ca Máu", "Cà Mau");
	/* Another mark is compared after the tone of its letter: u < ü < ù < ú. */
	SORTED("u", "ü", "ù", "ú");
}

static void
test_collate_case_digits_spaces(void **state)
{
	(void)state;
	SORTED("an", "An", "AN");
	SORTED("đà", "Đà");
	/* Digits before letters, numbers by value. */
	SORTED("1", "2", "10", "100", "A");
	SORTED("Phường 1", "Phường 2", "Phường 9", "Phường 10", "Phường 12", "Phường An Lạc");
	SORTED("0", "00", "1");
	/* Spaces and punctuation before digits and letters: syllable by syllable. */
	SORTED("An Bình", "An Tây", "Anh");
	SORTED("An", "An 2", "An Bình", "Ana");
	/* Punctuation counts as a space; the exact characters only break the tie. */
	SORTED("Hà Nội", "Hà-Nội");
	SORTED("", " ", "a");
}

/* The key of s, as a malloc'd copy with its length. */
static char *
key(const char *s, size_t n, size_t *klen)
{
	buf_t b = BUF_INIT;
	assert_int_equal(text_collate_key(s, n, &b), 0);
	return buf_steal(&b, klen);
}

static void
test_collate_key_props(void **state)
{
	(void)state;
	const char *nfc = "Huyện Tiên Lãng";
	const char *nfd = "Huye\xCC\xA3\xCC\x82n Tie\xCC\x82n La\xCC\x83ng";
	size_t a, b;
	char *ka = key(nfc, strlen(nfc), &a);
	char *kb = key(nfd, strlen(nfd), &b);
	assert_int_equal(a, b);
	assert_memory_equal(ka, kb, a);
	assert_null(memchr(ka, 0, a));
	free(ka);
	free(kb);
	assert_int_equal(text_collate_cmp(nfc, nfd), 0);

	/* Keys of long strings (heap path) and odd input still have no NUL. */
	buf_t s = BUF_INIT;
	for (int i = 0; i < 300; i++)
		buf_puts(&s, "Ệ9\xCC\x81 ");
	buf_puts(&s, "\xCC\x81\xE2\x80\x8B\xEF\xBF\xBF");
	char *k = key(s.data, s.len, &a);
	assert_null(memchr(k, 0, a));
	free(k);
	buf_free(&s);

	buf_t o = BUF_INIT;
	assert_int_equal(text_collate_key("a\xC3", 2, &o), -1);
	assert_int_equal(text_collate_key("a\0", 2, &o), -1);
	assert_int_equal(text_collate_key("", 0, &o), 0);
	assert_null(memchr(o.data, 0, o.len));
	buf_free(&o);
	/* Invalid strings sort after valid ones, deterministically. */
	assert_int_equal(text_collate_cmp("zzz", "\xFF"), -1);
	assert_int_equal(text_collate_cmp("\xFF", "zzz"), 1);
	assert_int_equal(text_collate_cmp("\xFE", "\xFF"), -1);
}

static int
cmp_keys(const void *a, const void *b)
{
	const buf_t *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int r = memcmp(x->data, y->data, n);
	return r ? r : (x->len > y->len) - (x->len < y->len);
}

/* Sorting by keys and the qsort comparator agree on a real-looking list. */
static void
test_collate_sort(void **state)
{
	(void)state;
	const char *want[] = {"Xã An Bình",  "Xã An Lạc",   "Xã Ăn Hưng", "Xã Bình An",
	                      "Xã Đa Phúc",  "Xã Ea Kar",   "Xã Ia Grai", "Xã Kim Sơn",
	                      "Xã Ông Đình", "Xã Ơn Trung", "Xã Yên Bái"};
	enum { N = sizeof want / sizeof *want };
	buf_t keys[N];
	for (size_t i = 0; i < N; i++) {
		buf_t b = BUF_INIT;
		size_t j = N - 1 - i;
		assert_int_equal(text_collate_key(want[j], strlen(want[j]), &b), 0);
		keys[i] = b;
	}
	qsort(keys, N, sizeof *keys, cmp_keys);
	for (size_t i = 0; i < N; i++) {
		buf_t b = BUF_INIT;
		assert_int_equal(text_collate_key(want[i], strlen(want[i]), &b), 0);
		assert_int_equal(b.len, keys[i].len);
		assert_memory_equal(b.data, keys[i].data, b.len);
		buf_free(&b);
		buf_free(&keys[i]);
	}
}

static void
assert_format_int(int64_t v, const char *want)
{
	buf_t b = BUF_INIT;
	text_format_int(v, &b);
	assert_string_equal(buf_cstr(&b), want);
	int64_t back = 0;
	assert_int_equal(text_parse_int(b.data, b.len, &back), 0);
	assert_true(back == v);
	buf_free(&b);
}

static void
test_format_int(void **state)
{
	(void)state;
	assert_format_int(0, "0");
	assert_format_int(7, "7");
	assert_format_int(999, "999");
	assert_format_int(1000, "1.000");
	assert_format_int(1234567, "1.234.567");
	assert_format_int(-1234, "-1.234");
	assert_format_int(-100, "-100");
	assert_format_int(100000, "100.000");
	assert_format_int(INT64_MAX, "9.223.372.036.854.775.807");
	assert_format_int(INT64_MIN, "-9.223.372.036.854.775.808");
}

static int
parse(const char *s, int64_t *v)
{
	return text_parse_int(s, strlen(s), v);
}

static void
test_parse_int(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		int64_t v;
	} ok[] = {
	        {"1234567", 1234567},
	        {"1.234.567", 1234567},
	        {"1 234 567", 1234567},
	        {"-12", -12},
	        {"+7", 7},
	        {"  42  ", 42},
	        {"0", 0},
	        {"-0", 0},
	        {"007", 7},
	        {"1.000", 1000},
	        {"12.345", 12345},
	        {"123.456", 123456},
	        {"1\xC2\xA0"
	         "234",
	         1234},
	        {"\t-1.234\r\n", -1234},
	        {"1\xE2\x80\xAF"
	         "000",
	         1000},
	        {"9223372036854775807", INT64_MAX},
	        {"9.223.372.036.854.775.807", INT64_MAX},
	        {"-9223372036854775808", INT64_MIN},
	};
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		int64_t v = -99;
		if (parse(ok[i].in, &v) != 0 || v != ok[i].v)
			fail_msg("parse \"%s\"", ok[i].in);
	}
	static const char *bad[] = {
	        "",
	        "   ",
	        "-",
	        "+",
	        "1.23",
	        "12a",
	        "1,5",
	        "1,000",
	        "a1",
	        "1.",
	        ".1",
	        "1..234",
	        "1.2345",
	        "1234.567",
	        "1.234 567",
	        "0.123",
	        "01.234",
	        "- 12",
	        "--1",
	        "+-1",
	        "1 2",
	        "1  234",
	        "1\t234",
	        "1\n234",
	        "9223372036854775808",
	        "-9223372036854775809",
	        "9.223.372.036.854.775.808",
	        "99999999999999999999",
	        "1e5",
	        "0x10",
	        "١٢",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		int64_t v = 12345;
		if (parse(bad[i], &v) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_true(v == 12345);
	}
	int64_t v;
	assert_int_equal(text_parse_int("12\0"
	                                "3",
	                                4, &v),
	                 -1);
	assert_int_equal(text_parse_int("123", 2, &v), 0);
	assert_true(v == 12);
}

static int
pdate(const char *s, int32_t *d)
{
	return text_parse_date(s, strlen(s), d);
}

static void
test_dates(void **state)
{
	(void)state;
	int32_t d = -1;
	assert_int_equal(pdate("01/01/1970", &d), 0);
	assert_int_equal(d, 0);
	assert_int_equal(pdate("02/01/1970", &d), 0);
	assert_int_equal(d, 1);
	assert_int_equal(pdate("31/12/1969", &d), 0);
	assert_int_equal(d, -1);
	assert_int_equal(pdate("05/01/2022", &d), 0);
	assert_int_equal(d, 18997);
	int32_t e;
	assert_int_equal(pdate("5/1/2022", &e), 0);
	assert_int_equal(e, d);
	assert_int_equal(pdate(" 5/01/2022 ", &e), 0);
	assert_int_equal(e, d);
	assert_int_equal(pdate("29/02/2024", &d), 0);
	assert_int_equal(pdate("29/02/2000", &d), 0);
	assert_int_equal(pdate("01/01/1900", &d), 0);
	assert_int_equal(d, -25567);
	assert_int_equal(pdate("31/12/2999", &d), 0);

	static const char *bad[] = {
	        "",           "31/02/2025",  "29/02/2023",  "29/02/1900",  "31/04/2025",
	        "00/01/2025", "01/00/2025",  "01/13/2025",  "32/01/2025",  "31/12/1899",
	        "01/01/3000", "01/01/25",    "01/01/02025", "001/01/2025", "01-01-2025",
	        "2025-01-01", "1/1/2025x",   "1//2025",     "/1/2025",     "a/1/2025",
	        "1/1/",       "01/01/ 2025",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		int32_t x = 777;
		if (pdate(bad[i], &x) != -1)
			fail_msg("accepted date \"%s\"", bad[i]);
		assert_int_equal(x, 777);
	}

	buf_t b = BUF_INIT;
	text_format_date(18997, &b);
	assert_string_equal(buf_cstr(&b), "05/01/2022");
	buf_reset(&b);
	text_format_date(0, &b);
	assert_string_equal(buf_cstr(&b), "01/01/1970");
	buf_reset(&b);
	text_format_date(19782, &b);
	assert_string_equal(buf_cstr(&b), "29/02/2024");
	/* Every day of the accepted range survives format -> parse. */
	int32_t lo, hi;
	assert_int_equal(pdate("01/01/1900", &lo), 0);
	assert_int_equal(pdate("31/12/2999", &hi), 0);
	for (int32_t x = lo; x <= hi; x++) {
		buf_reset(&b);
		text_format_date(x, &b);
		int32_t y;
		if (text_parse_date(b.data, b.len, &y) != 0 || y != x)
			fail_msg("date round trip %d -> %s", (int)x, b.data);
	}
	/* Extremes format without crashing. */
	buf_reset(&b);
	text_format_date(INT32_MIN, &b);
	buf_reset(&b);
	text_format_date(INT32_MAX, &b);
	buf_free(&b);
}

/* Concurrent callers: the functions keep no shared mutable state. */
static void *
worker(void *arg)
{
	(void)arg;
	for (int i = 0; i < 2000; i++) {
		char *f = fold("Thành phố Đà Nẵng");
		if (f == NULL || strcmp(f, "thanh pho da nang") != 0)
			abort();
		free(f);
		if (text_collate_cmp("Đà Nẵng", "Đồng Nai") >= 0)
			abort();
	}
	return NULL;
}

static void
test_threads(void **state)
{
	(void)state;
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker, NULL), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_utf8_valid),
	        cmocka_unit_test(test_fold_vietnamese),
	        cmocka_unit_test(test_fold_nfd),
	        cmocka_unit_test(test_fold_spacing),
	        cmocka_unit_test(test_fold_latin),
	        cmocka_unit_test(test_fold_appends_and_rejects),
	        cmocka_unit_test(test_fold_idempotent),
	        cmocka_unit_test(test_nfc),
	        cmocka_unit_test(test_collate_letters),
	        cmocka_unit_test(test_collate_tones),
	        cmocka_unit_test(test_collate_case_digits_spaces),
	        cmocka_unit_test(test_collate_key_props),
	        cmocka_unit_test(test_collate_sort),
	        cmocka_unit_test(test_format_int),
	        cmocka_unit_test(test_utf8_prefix),
	        cmocka_unit_test(test_parse_int),
	        cmocka_unit_test(test_dates),
	        cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
