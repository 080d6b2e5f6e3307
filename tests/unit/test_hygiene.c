/* Unit tests for src/text/hygiene.c: every rule of what a stored text may hold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/arena.h"
#include "text/hygiene.h"

/* text_clean's result: the cleaned text, or NULL with *why. */
static const char *
clean(arena_t *a, const char *in, unsigned flags, size_t max, const char **why)
{
	const char *out = NULL;
	*why = NULL;
	if (text_clean(a, in, flags, max, &out, why) < 0) {
		assert_non_null(*why);
		return NULL;
	}
	assert_non_null(out);
	return out;
}

static void
nfc_precomposes_vietnamese(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	const char *why;
	/* "Học" typed as H, o, U+0323 (combining dot below), c */
	const char *decomposed = "Ho\xcc\xa3"
	                         "c";
	const char *out = clean(&a, decomposed, TEXT_NAME, 0, &why);
	assert_string_equal(out, "H\xe1\xbb\x8d"
	                         "c"); /* Học, U+1ECD precomposed */
	/* "ộ" as o, U+0302, U+0323 (marks in another order) is the same letter */
	assert_string_equal(clean(&a,
	                          "Ho\xcc\x82\xcc\xa3"
	                          "c",
	                          0, 0, &why),
	                    "H\xe1\xbb\x99"
	                    "c");
	assert_string_equal(clean(&a, "Học tập suốt đời", TEXT_NAME, 0, &why), "Học tập suốt đời");
	arena_free(&a);
}

static void
control_characters_refused(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	const char *why;
	assert_null(clean(&a, "Nguy\x07n", 0, 0, &why));
	assert_non_null(strstr(why, "điều khiển"));
	assert_non_null(strstr(why, "U+0007"));
	assert_null(clean(&a, "a\x1b[31mb", TEXT_MULTILINE, 0, &why)); /* ESC even with lines */
	assert_null(clean(&a, "a\x7f", 0, 0, &why));                   /* DEL */
	assert_null(clean(&a, "a\xc2\x85", TEXT_MULTILINE, 0, &why));  /* C1 NEL */
	assert_null(clean(&a, "a\xc2\x9b", 0, 0, &why));               /* C1 CSI */
	/* tab and line breaks: only in a text with lines, CRLF and CR made LF */
	assert_null(clean(&a, "a\tb", 0, 0, &why));
	assert_null(clean(&a, "a\nb", TEXT_NAME, 0, &why));
	assert_string_equal(clean(&a, "a\tb\r\nc\rd", TEXT_MULTILINE, 0, &why), "a\tb\nc\nd");
	assert_null(clean(&a,
	                  "a\xe2\x80\xa8"
	                  "b",
	                  0, 0, &why)); /* U+2028 in one line */
	arena_free(&a);
}

static void
bidi_refused(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	const char *why;
	static const char *bidi[] = {"\xe2\x80\xaa", "\xe2\x80\xab", "\xe2\x80\xac",
	                             "\xe2\x80\xad", "\xe2\x80\xae", "\xe2\x81\xa6",
	                             "\xe2\x81\xa7", "\xe2\x81\xa8", "\xe2\x81\xa9"};
	for (size_t k = 0; k < sizeof bidi / sizeof *bidi; k++) {
		char s[32];
		strcpy(s, "Tr\xc6\xb0\xe1\xbb\x9dng ");
		strcat(s, bidi[k]);
		strcat(s, "abc");
		assert_null(clean(&a, s, TEXT_MULTILINE, 0, &why));
		assert_non_null(strstr(why, "bidi"));
	}
	arena_free(&a);
}

static void
invalid_utf8_refused(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	const char *why;
	assert_null(clean(&a,
	                  "a\xed\xa0\x80"
	                  "b",
	                  0, 0, &why)); /* lone surrogate U+D800 */
	assert_non_null(strstr(why, "UTF-8"));
	assert_null(clean(&a, "a\xc0\xaf", 0, 0, &why)); /* overlong '/' */
	assert_null(clean(&a, "\xff", 0, 0, &why));
	assert_null(clean(&a, "a\xe1\xbb", 0, 0, &why));    /* cut short */
	assert_null(clean(&a, "\xef\xbf\xbe", 0, 0, &why)); /* U+FFFE noncharacter */
	arena_free(&a);
}

static void
invisible_in_names_only(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	const char *why;
	const char *zwsp = "H\xe1\xbb\x8d\xe2\x80\x8b"
	                   "c"; /* a zero-width space */
	assert_null(clean(&a, zwsp, TEXT_NAME, 0, &why));
	assert_non_null(strstr(why, "vô hình"));
	assert_non_null(clean(&a, zwsp, TEXT_MULTILINE, 0, &why));
	assert_null(clean(&a,
	                  "\xef\xbb\xbf"
	                  "Ten",
	                  TEXT_NAME, 0, &why)); /* BOM */
	assert_null(clean(&a,
	                  "a\xe2\x80\x8f"
	                  "b",
	                  TEXT_NAME, 0, &why)); /* RLM */
	arena_free(&a);
}

/* TEXT_DROP_INVISIBLE (a Word import): the invisible characters are removed, in names and
 * in text with lines; controls and bidi overrides are still refused. */
static void
invisible_dropped_from_imports(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	const char *why;
	const char *word = "\xef\xbb\xbf"
	                   "H\xe1\xbb\x8d\xe2\x80\x8b"
	                   "c t\xc2\xad\xe1\xba\xadp"; /* BOM, ZWSP, soft hyphen */
	const char *out = clean(&a, word, TEXT_NAME | TEXT_DROP_INVISIBLE, 0, &why);
	assert_non_null(out);
	assert_string_equal(out, "H\xe1\xbb\x8d"
	                         "c t\xe1\xba\xadp");
	out = clean(&a, word, TEXT_MULTILINE | TEXT_DROP_INVISIBLE, 0, &why);
	assert_non_null(out);
	assert_string_equal(out, "H\xe1\xbb\x8d"
	                         "c t\xe1\xba\xadp");
	assert_null(clean(&a, word, TEXT_NAME, 0, &why)); /* typed: refused */
	assert_null(clean(&a,
	                  "a\xe2\x80\xae"
	                  "b",
	                  TEXT_NAME | TEXT_DROP_INVISIBLE, 0, &why));
	assert_non_null(strstr(why, "bidi"));
	assert_null(clean(&a, "a\x07" "b", TEXT_NAME | TEXT_DROP_INVISIBLE, 0, &why));
	arena_free(&a);
}

static void
blank_trim_and_limit(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	const char *why;
	assert_null(clean(&a, "   ", TEXT_REQUIRED, 0, &why));
	assert_non_null(strstr(why, "khoảng trắng"));
	assert_null(clean(&a, "\xc2\xa0\xe3\x80\x80 \n", TEXT_REQUIRED | TEXT_MULTILINE, 0,
	                  &why)); /* NBSP, ideographic space */
	assert_null(clean(&a, "", TEXT_REQUIRED, 0, &why));
	assert_non_null(strstr(why, "trống"));
	assert_null(clean(&a, NULL, TEXT_REQUIRED, 0, &why));
	assert_string_equal(clean(&a, NULL, 0, 0, &why), "");
	assert_string_equal(clean(&a, "  Hải An \n", TEXT_TRIM | TEXT_MULTILINE, 0, &why),
	                    "Hải An");
	/* the limit in bytes of the normalised text, said, never cut */
	char big[600];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_null(clean(&a, big, 0, 500, &why));
	assert_non_null(strstr(why, "599 byte"));
	assert_non_null(strstr(why, "500 byte"));
	assert_non_null(clean(&a, big, 0, 599, &why));
	/* "ồ" decomposed is 5 bytes, 3 once composed: the limit counts the stored form */
	assert_non_null(clean(&a, "o\xcc\x82\xcc\x80", 0, 3, &why));
	/* the field's message names it and says what to do */
	const char *out;
	const char *msg = text_clean_field(&a, "Họ và tên", "A\x01", TEXT_NAME, 200, &out);
	assert_non_null(msg);
	assert_non_null(strstr(msg, "Họ và tên: có ký tự điều khiển U+0001"));
	assert_null(text_clean_field(&a, "Họ và tên", "Nguyễn Văn A", TEXT_NAME, 200, &out));
	assert_string_equal(out, "Nguyễn Văn A");
	arena_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(nfc_precomposes_vietnamese),
	        cmocka_unit_test(control_characters_refused),
	        cmocka_unit_test(bidi_refused),
	        cmocka_unit_test(invalid_utf8_refused),
	        cmocka_unit_test(invisible_in_names_only),
	        cmocka_unit_test(invisible_dropped_from_imports),
	        cmocka_unit_test(blank_trim_and_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
