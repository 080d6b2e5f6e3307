/* Unit tests for src/text/legacy: every Vietnamese letter in TCVN3 and VNI, as raw
 * bytes and as UTF-8 mojibake, to its Unicode letter; whole phrases; and no detection on
 * the national registry's names or on English, French and German sentences. The expected
 * TCVN3 bytes below were taken from glibc's TCVN5712-1 (VN1, whose lowercase letters sit
 * where VN3 puts them) and the VNI ones from the VNI-Windows chart, not from legacy.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/file.h"
#include "text/legacy.h"
#include "text/text.h"

/* letter, its capital, its TCVN3 byte, its VNI bytes, the VNI bytes of the capital */
static const struct {
	const char *lower, *upper, *tcvn3, *vni, *vni_upper;
} letters[] = {
        {"à", "À", "\xB5", "a\xF8", "A\xD8"},       {"ả", "Ả", "\xB6", "a\xFB", "A\xDB"},
        {"ã", "Ã", "\xB7", "a\xF5", "A\xD5"},       {"á", "Á", "\xB8", "a\xF9", "A\xD9"},
        {"ạ", "Ạ", "\xB9", "a\xEF", "A\xCF"},       {"ă", "Ă", "\xA8", "a\xEA", "A\xCA"},
        {"ằ", "Ằ", "\xBB", "a\xE8", "A\xC8"},       {"ẳ", "Ẳ", "\xBC", "a\xFA", "A\xDA"},
        {"ẵ", "Ẵ", "\xBD", "a\xFC", "A\xDC"},       {"ắ", "Ắ", "\xBE", "a\xE9", "A\xC9"},
        {"ặ", "Ặ", "\xC6", "a\xEB", "A\xCB"},       {"â", "Â", "\xA9", "a\xE2", "A\xC2"},
        {"ầ", "Ầ", "\xC7", "a\xE0", "A\xC0"},       {"ẩ", "Ẩ", "\xC8", "a\xE5", "A\xC5"},
        {"ẫ", "Ẫ", "\xC9", "a\xE3", "A\xC3"},       {"ấ", "Ấ", "\xCA", "a\xE1", "A\xC1"},
        {"ậ", "Ậ", "\xCB", "a\xE4", "A\xC4"},       {"è", "È", "\xCC", "e\xF8", "E\xD8"},
        {"đ", "Đ", "\xAE", "\xF1", "\xD1"},         {"ẻ", "Ẻ", "\xCE", "e\xFB", "E\xDB"},
        {"ẽ", "Ẽ", "\xCF", "e\xF5", "E\xD5"},       {"é", "É", "\xD0", "e\xF9", "E\xD9"},
        {"ẹ", "Ẹ", "\xD1", "e\xEF", "E\xCF"},       {"ê", "Ê", "\xAA", "e\xE2", "E\xC2"},
        {"ề", "Ề", "\xD2", "e\xE0", "E\xC0"},       {"ể", "Ể", "\xD3", "e\xE5", "E\xC5"},
        {"ễ", "Ễ", "\xD4", "e\xE3", "E\xC3"},       {"ế", "Ế", "\xD5", "e\xE1", "E\xC1"},
        {"ệ", "Ệ", "\xD6", "e\xE4", "E\xC4"},       {"ì", "Ì", "\xD7", "\xEC", "\xCC"},
        {"ỉ", "Ỉ", "\xD8", "\xE6", "\xC6"},         {"ĩ", "Ĩ", "\xDC", "\xF3", "\xD3"},
        {"í", "Í", "\xDD", "\xED", "\xCD"},         {"ị", "Ị", "\xDE", "\xF2", "\xD2"},
        {"ò", "Ò", "\xDF", "o\xF8", "O\xD8"},       {"ỏ", "Ỏ", "\xE1", "o\xFB", "O\xDB"},
        {"õ", "Õ", "\xE2", "o\xF5", "O\xD5"},       {"ó", "Ó", "\xE3", "o\xF9", "O\xD9"},
        {"ọ", "Ọ", "\xE4", "o\xEF", "O\xCF"},       {"ô", "Ô", "\xAB", "o\xE2", "O\xC2"},
        {"ồ", "Ồ", "\xE5", "o\xE0", "O\xC0"},       {"ổ", "Ổ", "\xE6", "o\xE5", "O\xC5"},
        {"ỗ", "Ỗ", "\xE7", "o\xE3", "O\xC3"},       {"ố", "Ố", "\xE8", "o\xE1", "O\xC1"},
        {"ộ", "Ộ", "\xE9", "o\xE4", "O\xC4"},       {"ơ", "Ơ", "\xAC", "\xF4", "\xD4"},
        {"ờ", "Ờ", "\xEA", "\xF4\xF8", "\xD4\xD8"}, {"ở", "Ở", "\xEB", "\xF4\xFB", "\xD4\xDB"},
        {"ỡ", "Ỡ", "\xEC", "\xF4\xF5", "\xD4\xD5"}, {"ớ", "Ớ", "\xED", "\xF4\xF9", "\xD4\xD9"},
        {"ợ", "Ợ", "\xEE", "\xF4\xEF", "\xD4\xCF"}, {"ù", "Ù", "\xEF", "u\xF8", "U\xD8"},
        {"ủ", "Ủ", "\xF1", "u\xFB", "U\xDB"},       {"ũ", "Ũ", "\xF2", "u\xF5", "U\xD5"},
        {"ú", "Ú", "\xF3", "u\xF9", "U\xD9"},       {"ụ", "Ụ", "\xF4", "u\xEF", "U\xCF"},
        {"ư", "Ư", "\xAD", "\xF6", "\xD6"},         {"ừ", "Ừ", "\xF5", "\xF6\xF8", "\xD6\xD8"},
        {"ử", "Ử", "\xF6", "\xF6\xFB", "\xD6\xDB"}, {"ữ", "Ữ", "\xF7", "\xF6\xF5", "\xD6\xD5"},
        {"ứ", "Ứ", "\xF8", "\xF6\xF9", "\xD6\xD9"}, {"ự", "Ự", "\xF9", "\xF6\xEF", "\xD6\xCF"},
        {"ỳ", "Ỳ", "\xFA", "y\xF8", "Y\xD8"},       {"ỷ", "Ỷ", "\xFB", "y\xFB", "Y\xDB"},
        {"ỹ", "Ỹ", "\xFC", "y\xF5", "Y\xD5"},       {"ý", "Ý", "\xFD", "y\xF9", "Y\xD9"},
        {"ỵ", "Ỵ", "\xFE", "\xEE", "\xCE"},
};

/* bytes as the clipboard turns them into text: each byte the Latin-1 character of its
 * number (Windows-1252 agrees above 0x9F, the only bytes the two tables use) */
static char *
mojibake(const char *bytes)
{
	buf_t b = BUF_INIT;
	for (const unsigned char *p = (const unsigned char *)bytes; *p; p++) {
		if (*p < 0x80) {
			buf_putc(&b, (char)*p);
		} else {
			buf_putc(&b, (char)(0xC0 | (*p >> 6)));
			buf_putc(&b, (char)(0x80 | (*p & 0x3F)));
		}
	}
	buf_putc(&b, '\0');
	return buf_steal(&b, NULL);
}

static void
assert_repair(int raw, const char *in, legacy_enc_t enc, const char *want)
{
	buf_t b = BUF_INIT;
	int rc = raw ? legacy_repair_bytes(in, strlen(in), enc, &b)
	             : legacy_repair_mojibake(in, strlen(in), enc, &b);
	assert_int_equal(rc, 0);
	if (strcmp(buf_cstr(&b), want) != 0)
		fail_msg("%s %s: \"%s\" -> \"%s\", want \"%s\"", legacy_enc_name(enc),
		         raw ? "bytes" : "mojibake", in, buf_cstr(&b), want);
	assert_true(text_utf8_valid(b.data, b.len));
	buf_free(&b);
}

/* both forms: the bytes and their mojibake */
static void
assert_both(const char *bytes, legacy_enc_t enc, const char *want)
{
	assert_repair(1, bytes, enc, want);
	char *m = mojibake(bytes);
	assert_repair(0, m, enc, want);
	free(m);
}

static void
test_every_letter_tcvn3(void **state)
{
	(void)state;
	size_t n = sizeof letters / sizeof letters[0];
	assert_int_equal(n, 67);
	for (size_t i = 0; i < n; i++)
		assert_both(letters[i].tcvn3, LEGACY_TCVN3, letters[i].lower);
	/* the seven capitals TCVN3 has */
	static const char *const caps[][2] = {
	        {"\xA1", "Ă"}, {"\xA2", "Â"}, {"\xA3", "Ê"}, {"\xA4", "Ô"},
	        {"\xA5", "Ơ"}, {"\xA6", "Ư"}, {"\xA7", "Đ"},
	};
	for (size_t i = 0; i < 7; i++)
		assert_both(caps[i][0], LEGACY_TCVN3, caps[i][1]);
	/* the others were typed with an all-capitals font (.VnTimeH) on the lowercase codes:
	 * in a word whose ASCII letters are all capitals they come back as capitals */
	for (size_t i = 0; i < n; i++) {
		char in[16], want[32];
		snprintf(in, sizeof in, "NG%s", letters[i].tcvn3);
		snprintf(want, sizeof want, "NG%s", letters[i].upper);
		assert_both(in, LEGACY_TCVN3, want);
	}
	/* in a word with lowercase ASCII they stay lowercase */
	assert_both("Tr\xAD\xEAng", LEGACY_TCVN3, "Trường");
	assert_both("TR\xAD\xEANG", LEGACY_TCVN3, "TRƯỜNG");
	/* bytes VN3 does not assign are kept as their Latin-1 characters */
	assert_both("\xB0", LEGACY_TCVN3, "°");
}

static void
test_every_letter_vni(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof letters / sizeof letters[0]; i++) {
		assert_both(letters[i].vni, LEGACY_VNI, letters[i].lower);
		assert_both(letters[i].vni_upper, LEGACY_VNI, letters[i].upper);
		/* and inside a word */
		char in[16], want[32];
		snprintf(in, sizeof in, "x%sn", letters[i].vni);
		snprintf(want, sizeof want, "x%sn", letters[i].lower);
		assert_both(in, LEGACY_VNI, want);
	}
	/* a code that cannot go on the letter before it is kept */
	assert_both("e\xEA", LEGACY_VNI, "eê");
	assert_both("t\xF9", LEGACY_VNI, "tù");
}

static void
assert_detect(const char *in, legacy_enc_t enc, const char *want)
{
	legacy_guess_t g;
	legacy_enc_t e = legacy_detect(in, strlen(in), &g);
	if (e != enc)
		fail_msg("\"%s\": detected %s, want %s (%d words, %d fixed, %d valid)", in,
		         legacy_enc_name(e), legacy_enc_name(enc), g.words, g.fixed, g.valid);
	if (enc == LEGACY_NONE)
		return;
	assert_true(g.confidence >= 70);
	buf_t b = BUF_INIT;
	assert_int_equal(legacy_suggest(in, strlen(in), &b), enc);
	assert_string_equal(buf_cstr(&b), want);
	buf_free(&b);
}

static const struct {
	const char *bytes, *text;
	legacy_enc_t enc;
} phrases[] = {
        {"H\xE4"
         "c t\xCB"
         "p su\xE8t \xAE\xEAi",
         "Học tập suốt đời", LEGACY_TCVN3},
        {"Xin cha\xF8o ca\xF9"
         "c ba\xEFn",
         "Xin chào các bạn", LEGACY_VNI},
        {"Tr\xAD\xEAng THCS Nguy\xD4n V\xA8n Tr\xE7i", "Trường THCS Nguyễn Văn Trỗi", LEGACY_TCVN3},
        {"Tu\xC7n l\xD4 h\xAD\xEBng \xF8ng h\xE4"
         "c t\xCB"
         "p su\xE8t \xAE\xEAi",
         "Tuần lễ hưởng ứng học tập suốt đời", LEGACY_TCVN3},
        {"Tr\xF6\xF4\xF8ng Tie\xE5u ho\xEF"
         "c Ta\xE2n Ha\xF8",
         "Trường Tiểu học Tân Hà", LEGACY_VNI},
        {"Tua\xE0n le\xE3 h\xF6\xF4\xFBng \xF6\xF9ng ho\xEF"
         "c ta\xE4p suo\xE1t \xF1\xF4\xF8i",
         "Tuần lễ hưởng ứng học tập suốt đời", LEGACY_VNI},
};

static void
test_phrases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof phrases / sizeof phrases[0]; i++) {
		if (phrases[i].enc == LEGACY_NONE)
			continue;
		/* raw bytes */
		assert_detect(phrases[i].bytes, phrases[i].enc, phrases[i].text);
		/* mojibake */
		char *m = mojibake(phrases[i].bytes);
		assert_detect(m, phrases[i].enc, phrases[i].text);
		assert_int_equal(legacy_detect_query(m, strlen(m)), phrases[i].enc);
		free(m);
	}
	/* the mojibake as it was pasted */
	assert_detect("Häc tËp suèt ®êi", LEGACY_TCVN3, "Học tập suốt đời");
	assert_detect("Xin chaøo caùc baïn", LEGACY_VNI, "Xin chào các bạn");
	/* a one-word query */
	assert_int_equal(legacy_detect_query("Häc", strlen("Häc")), LEGACY_TCVN3);
	assert_int_equal(legacy_detect_query("hoïc", strlen("hoïc")), LEGACY_VNI);
	assert_int_equal(legacy_detect_query("học", strlen("học")), LEGACY_NONE);
	assert_int_equal(legacy_detect_query("Tân", strlen("Tân")), LEGACY_NONE);
}

static void
test_syllables(void **state)
{
	(void)state;
	const char *yes[] = {"học",     "Trường",
	                     "nghiêng", "quyết",
	                     "khuya",   "gì",
	                     "giữ",     "oách",
	                     "Xin",     "đời",
	                     "Ê",       "yêu",
	                     "TRƯỜNG",  "Tru\xCC\x9Bo\xCC\x9B\xCC\x80ng"};
	const char *no[] = {"tập̀", "hôtel", "Häc",  "schön", "this", "école", "ăn̉",
	                    "sắp̀", "tàp",   "bạnn", "",      "THCS", "x2"};
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		if (!legacy_is_syllable(yes[i], strlen(yes[i])))
			fail_msg("\"%s\" should be a syllable", yes[i]);
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		if (legacy_is_syllable(no[i], strlen(no[i])))
			fail_msg("\"%s\" should not be a syllable", no[i]);
}

/* every name of the national registry, before and after 1 July 2025 */
static void
test_no_false_positive_registry(void **state)
{
	(void)state;
	const char *files[] = {TEST_SOURCE_DIR "/data/dvhc/units-2025-03-01.csv",
	                       TEST_SOURCE_DIR "/data/dvhc/units-2025-07-01.csv"};
	size_t names = 0;
	for (size_t f = 0; f < 2; f++) {
		char *data, err[256];
		size_t len;
		assert_int_equal(file_read_all(files[f], 64u << 20, &data, &len, err, sizeof err),
		                 0);
		char *save = NULL;
		for (char *line = strtok_r(data, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save)) {
			char *a = strchr(line, ','), *b = a ? strchr(a + 1, ',') : NULL;
			if (!b)
				continue;
			size_t n = (size_t)(b - a - 1);
			names++;
			if (legacy_detect(a + 1, n, NULL) != LEGACY_NONE ||
			    legacy_detect_query(a + 1, n) != LEGACY_NONE)
				fail_msg("registry name \"%.*s\" detected as legacy", (int)n,
				         a + 1);
		}
		free(data);
	}
	assert_true(names > 9000);
}

static void
test_no_false_positive_prose(void **state)
{
	(void)state;
	const char *texts[] = {
	        "Lifelong learning week: the café is open on Sunday.",
	        "Résumé of the naïve coöperation, façade and rôle.",
	        "Je ne sais pas où il est, mais il a déjà mangé à la crêperie.",
	        "L'élève a reçu un prix à l'école; c'était très bien.",
	        "Où est la bibliothèque? À côté de la mairie, près du château.",
	        "Für Elise spielt das Mädchen schön am Flügel in München.",
	        "Größe, Übung und Ärger: süß, öde, weiß.",
	        "Ça va, garçon? Noël à Montréal, naïveté et maïs.",
	        "São Paulo, Málaga, Zürich, Göteborg, Ålesund, Reykjavík.",
	        "Thành phố Hà Nội, Phường Ba Đình, Xã Tân Hà",
	        "Trường Tiểu học Tân Hà, Huyện Đắk Mil, Tỉnh Đắk Nông",
	        "Tuần lễ hưởng ứng học tập suốt đời năm 2025",
	        "Ê Đê, Ba Na, Xơ Đăng, Cơ Ho, Chăm, Khơ Me, Mông",
	        "Nhà văn hóa thôn Tân Mỹ, xã Hòa Bình",
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		assert_detect(texts[i], LEGACY_NONE, NULL);
		/* the same text as Latin-1 bytes: not valid UTF-8, read as bytes */
		buf_t b = BUF_INIT;
		const unsigned char *p = (const unsigned char *)texts[i];
		int latin1 = 1;
		while (*p) {
			if (*p < 0x80) {
				buf_putc(&b, (char)*p++);
			} else if ((*p == 0xC2 || *p == 0xC3) && p[1]) {
				buf_putc(&b, (char)(((*p & 0x1F) << 6) | (p[1] & 0x3F)));
				p += 2;
			} else {
				latin1 = 0;
				break;
			}
		}
		buf_putc(&b, '\0');
		if (latin1 && legacy_detect(b.data, b.len - 1, NULL) != LEGACY_NONE)
			fail_msg("Latin-1 bytes of \"%s\" detected as legacy", texts[i]);
		buf_free(&b);
	}
}

static void
test_bad_input(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	assert_int_equal(legacy_repair_mojibake("\xFF", 1, LEGACY_TCVN3, &b), -1);
	assert_int_equal(legacy_repair_mojibake("a", 1, LEGACY_NONE, &b), -1);
	assert_int_equal(b.len, 0);
	/* NUL and C1 bytes never reach the output */
	assert_int_equal(legacy_repair_bytes("a\0\x85"
	                                     "b",
	                                     4, LEGACY_VNI, &b),
	                 0);
	assert_string_equal(buf_cstr(&b), "a\xEF\xBF\xBD\xEF\xBF\xBD"
	                                  "b");
	buf_free(&b);
	assert_int_equal(legacy_detect("", 0, NULL), LEGACY_NONE);
	assert_string_equal(legacy_enc_name(LEGACY_NONE), "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_every_letter_tcvn3),
	        cmocka_unit_test(test_every_letter_vni),
	        cmocka_unit_test(test_phrases),
	        cmocka_unit_test(test_syllables),
	        cmocka_unit_test(test_no_false_positive_registry),
	        cmocka_unit_test(test_no_false_positive_prose),
	        cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
