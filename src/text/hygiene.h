/* Text hygiene at every input: what a stored text may hold. One check for every channel
 * (forms, the JSON API, imports, the command line), called by the services when they
 * validate: valid UTF-8 put in NFC (a "Học" typed as base letters and combining marks is
 * stored precomposed), no control characters (tab and line breaks only where the text has
 * lines), no bidi embeddings, overrides or isolates (U+202A–U+202E, U+2066–U+2069), and in
 * names and codes no invisible characters either; a byte limit said, never truncated. */
#ifndef SUOTDOI_HYGIENE_H
#define SUOTDOI_HYGIENE_H

#include <stddef.h>

#include "core/arena.h"

enum text_clean_flags {
	TEXT_MULTILINE = 1u, /* tab and line breaks allowed; CRLF and lone CR become LF */
	TEXT_NAME = 2u,      /* a name, title or code: also no zero-width characters, no
	                      * LRM/RLM/ALM, no line or paragraph separator */
	TEXT_REQUIRED = 4u,  /* empty or only whitespace refused */
	TEXT_TRIM = 8u,      /* spaces (and line breaks) at both ends removed */
	TEXT_DROP_INVISIBLE = 16u, /* the invisible characters TEXT_NAME refuses (soft hyphen,
	                            * zero-width space and joiners, word joiner, BOM, LRM/RLM)
	                            * removed instead: text a program wrote, such as a Word
	                            * file's runs, where nobody typed them on purpose */
};

/* Check and normalise in (NULL counts as "") under flags: 0 with *out (NFC, in a; may be in
 * itself when nothing changed), or -1 with *why, a Vietnamese phrase without the field's name
 * ("có ký tự điều khiển U+0007 ở ký tự thứ 3", "dài 612 byte, quá giới hạn 500 byte").
 * max_bytes (0: no limit) applies to the normalised text. */
int text_clean(arena_t *a, const char *in, unsigned flags, size_t max_bytes,
               const char **out /* OUT */, const char **why /* OUT */);

/* text_clean for a named field: NULL with *out, or the whole Vietnamese message naming the
 * field and what to do ("Họ và tên: có ký tự điều khiển U+0007 ở ký tự thứ 3; hãy gõ lại
 * phần này."), in a. */
const char *text_clean_field(arena_t *a, const char *field, const char *in, unsigned flags,
                             size_t max_bytes, const char **out /* OUT */);

#endif
