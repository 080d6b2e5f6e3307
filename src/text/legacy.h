/* Legacy Vietnamese encodings: TCVN3 (TCVN 5712:1993 VN3, "ABC", the .VnTime fonts) and
 * VNI (VNI-Windows, the VNI-Times fonts). Text typed in them reaches us either as the
 * raw bytes (a CSV saved in that encoding: not valid UTF-8) or as UTF-8 "mojibake" (a
 * copy-paste from an old Word file: each byte became the Windows-1252 / Latin-1
 * character of the same number, "Häc tËp" for "Học tập"). Detection, repair and the
 * Vietnamese-syllable test behind it; tables and rules in docs/legacy-encodings.md. */
#ifndef SUOTDOI_LEGACY_H
#define SUOTDOI_LEGACY_H

#include <stddef.h>

#include "core/buf.h"

typedef enum legacy_enc { LEGACY_NONE = 0, LEGACY_TCVN3, LEGACY_VNI } legacy_enc_t;

/* What legacy_detect saw. Words are runs of letters (digits make a word not count);
 * all-capital ASCII words of two letters or more (THCS, UBND) do not count. */
typedef struct legacy_guess {
	legacy_enc_t enc; /* the encoding detected, or LEGACY_NONE */
	int raw;          /* 1: the input was not valid UTF-8 and was read as single bytes */
	int words;        /* words counted */
	int fixed;        /* words not Vietnamese as they are, Vietnamese syllables repaired */
	int broken;       /* words Vietnamese as they are, not after repair */
	int valid;        /* words that are Vietnamese syllables after repair */
	int confidence;   /* 0..100: valid * 100 / words for the encoding detected, else 0 */
} legacy_guess_t;

/* "TCVN3", "VNI" or "" (LEGACY_NONE). */
const char *legacy_enc_name(legacy_enc_t enc);

/* Detect p[0..n): UTF-8 text is looked at as mojibake, anything else as raw bytes. An
 * encoding is detected when its repair turns at least one word into a Vietnamese
 * syllable, fixes more words than it breaks, and leaves at least 70 % of the words
 * Vietnamese syllables (raw bytes: 70 % of the words holding bytes above 0x7F, the ASCII
 * ones of a file being column names and codes); of the two, the one fixing more words
 * wins. Normal Vietnamese
 * UTF-8, English, French or German text is not detected. g may be NULL. */
legacy_enc_t legacy_detect(const char *p, size_t n, legacy_guess_t *g /* OUT */);

/* The looser test for search queries (a wrong guess costs nothing there: both texts are
 * searched): the encoding whose repair fixes at least one word and breaks none. */
legacy_enc_t legacy_detect_query(const char *p, size_t n);

/* Repair text in enc, appending NFC UTF-8 to out. mojibake: p is UTF-8 whose characters
 * U+00A0..U+00FF stand for the legacy bytes (other characters are kept). bytes: p is the
 * legacy bytes themselves (ASCII kept, bytes the table does not define become U+FFFD).
 * legacy_repair picks by whether p is valid UTF-8. In TCVN3 a word typed with an
 * all-capitals font (.VnTimeH) keeps its ASCII capitals but its toned vowels come as
 * lowercase codes: a word whose two or more ASCII letters are all capitals is written
 * all in capitals ("TR\xAD\xEANG" -> "TRƯỜNG"). 0, or -1 (enc LEGACY_NONE, or mojibake
 * input that is not valid UTF-8) with out unchanged. */
int legacy_repair_mojibake(const char *p, size_t n, legacy_enc_t enc, buf_t *out);
int legacy_repair_bytes(const char *p, size_t n, legacy_enc_t enc, buf_t *out);
int legacy_repair(const char *p, size_t n, legacy_enc_t enc, buf_t *out);

/* Detect and repair in one: the encoding (out holds the repaired text) or LEGACY_NONE
 * (out unchanged). */
legacy_enc_t legacy_suggest(const char *p, size_t n, buf_t *out);

/* 1 if p[0..n) (UTF-8, any case, any normalisation form) is one Vietnamese syllable:
 * an onset, a rhyme of the language and at most one tone, a stop ending (p t c ch)
 * taking only sắc or nặng. */
int legacy_is_syllable(const char *p, size_t n);

#endif
