/* Vietnamese text: UTF-8 validation, the search fold (no case, no diacritics,
 * đ -> d, NFC/NFD alike), the Vietnamese collation key, and number/date formats. */
#ifndef SUOTDOI_TEXT_H
#define SUOTDOI_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"

/* 1 if code point c counts as part of a word for folding and collation: letters,
 * digits, private-use and unassigned code points (kept so unknown names stay distinct). */
int text_is_word_char(int32_t c);

/* 1 if s is NULL or holds only spaces, tabs and line breaks (what a form's blank field
 * sends), else 0. */
int text_blank(const char *s);
/* s without the spaces, tabs and line breaks at both ends, in a ("" for NULL). */
const char *text_trim(arena_t *a, const char *s);

/* 1 if p[0..n) is valid UTF-8 with no NUL byte, else 0. */
int text_utf8_valid(const char *p, size_t n);

/* Append p[0..n) to out with each byte that does not start a valid UTF-8 character (and
 * NUL) replaced by U+FFFD: a message quoting a client's bytes stays sayable in JSON. */
void text_utf8_clean(const char *p, size_t n, buf_t *out);

/* The length of s's longest prefix of at most max bytes that does not cut a UTF-8
 * character (for quoting a client's string, e.g. printf("%.*s", n, s), in a message). */
int text_utf8_prefix(const char *s, int max);

/* NFC-normalise (input must be valid UTF-8). Appends to out. -1 on invalid input. */
int text_nfc(const char *p, size_t n, buf_t *out);

/* Search fold: NFC, lowercase, strip every combining mark, đ/Đ -> d, collapse runs of
 * whitespace/punctuation to one space, trim. "Thành phố  Đà Nẵng" -> "thanh pho da nang".
 * Also: compatibility forms (ﬁ, full-width) to plain letters, ø/ł/æ/ß -> o/l/ae/ss,
 * invisible characters (soft hyphen, zero-width space) dropped. Idempotent.
 * Appends to out. -1 on invalid UTF-8 (out unchanged). */
int text_fold(const char *p, size_t n, buf_t *out);

/* Collation key: memcmp order of keys = Vietnamese alphabetical order:
 * a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y (other letters after, in
 * Unicode order); letters compared first, then tones (none, huyền, hỏi, ngã, sắc, nặng),
 * then case (lower first). A run of spaces/punctuation is one separator sorting before
 * digits, digits before letters ("An Tây" < "Anh"); digit runs compare by value
 * ("Phường 2" < "Phường 10"); the exact text breaks remaining ties, so only canonically
 * equal strings (NFC vs NFD) get equal keys. Layout in collate.c.
 * Appends the key bytes to out (may contain any byte but NUL). -1 on invalid UTF-8. */
int text_collate_key(const char *p, size_t n, buf_t *out);

/* Compare two UTF-8 strings in Vietnamese order (via the keys): -1, 0 or 1. Invalid
 * UTF-8 sorts after every valid string. For sorting many strings, compare keys instead. */
int text_collate_cmp(const char *a, const char *b);

/* 1234567 -> "1.234.567", -1234 -> "-1.234". Appends. */
void text_format_int(int64_t v, buf_t *out);
/* The same as a string in a. */
const char *text_int(arena_t *a, int64_t v);

/* Parse a decimal integer as people type it: optional sign, digits with optional '.'
 * or ' ' thousands groups ("1.234.567", "1 234 567"; no-break spaces count as ' '),
 * surrounding blanks ignored. Returns 0 and *out, or -1 (empty, junk, overflow,
 * misplaced or mixed separators, "0.123"). */
int text_parse_int(const char *p, size_t n, int64_t *out /* OUT */);

/* Days since 1970-01-01 <-> "dd/mm/yyyy". parse also takes "d/m/yyyy" and surrounding
 * blanks, and returns -1 on a bad or impossible date or a year outside 1900..2999. */
int text_parse_date(const char *p, size_t n, int32_t *days /* OUT */);
void text_format_date(int32_t days, buf_t *out);
/* A day as people and programs write it: when_parse_date (text/when.h: dd/mm/yyyy,
 * yyyy-mm-dd, 9.10.2022, 09102022, ...). 0 with *days, or -1. */
int text_parse_day(const char *s, int32_t *days /* OUT */);
/* text_format_date into arena a. */
const char *text_date_str(arena_t *a, int32_t days);
/* Calendar conversions (proleptic Gregorian) behind the two above: days since 1970-01-01
 * from a year, month (1-12) and day, unchecked (validate with the round trip); and back. */
int32_t text_days_from_civil(int y, int m, int d);
void text_civil_from_days(int32_t days, int *y, int *m, int *d);

#endif
