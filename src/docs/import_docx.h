/* Import of a Word draft (.docx, WordprocessingML) into the document model of
 * src/docs/doc.h: the header block (issuing body, "Số:" number and symbol, place and
 * date, "V/v" subject or the title and the line under it), legal bases ("Căn cứ …",
 * "Thực hiện …"), Kính gửi lines, the body with its headings as body markup, Nơi nhận
 * lines and the signer block. Paragraphs it cannot place are returned with their text,
 * never dropped silently.
 *
 * Hostile input is refused before it costs much: the zip is read from memory (libzip),
 * every entry name is checked (no "..", no absolute path, no backslash, no control
 * character), the total uncompressed size declared by the entries is capped, and each
 * part is read with the cap enforced again while reading (an entry lying about its size
 * is refused). Parts are found only through _rels/.rels and [Content_Types].xml. XML is
 * parsed by libxml2 without network, without DTD loading and without entity
 * substitution; a document with a DOCTYPE (entities, billion laughs, external entities)
 * is refused, and so is one with too many elements or nesting too deep.
 * Pure: no store, no HTTP. */
#ifndef SUOTDOI_IMPORT_DOCX_H
#define SUOTDOI_IMPORT_DOCX_H

#include <stddef.h>

#include "core/arena.h"
#include "docs/doc.h"

#define DOCX_MAX_FILE (10u << 20)        /* the .docx itself */
#define DOCX_MAX_UNCOMPRESSED (20u << 20) /* all entries together, uncompressed */
#define DOCX_MAX_PART (8u << 20)          /* one XML part we read */
#define DOCX_MAX_ENTRIES 1000
#define DOCX_MAX_NODES 400000 /* elements and text nodes of one part */
#define DOCX_MAX_DEPTH 128
#define DOCX_LEGACY_SHOWN 5 /* repaired lines given as examples (docx_result_t) */

typedef enum docx_rc {
	DOCX_OK = 0,
	DOCX_REFUSED = -1, /* malformed or hostile: the reason is in error */
} docx_rc_t;

typedef struct docx_result {
	/* The document as recognised (everything in the arena). Fields not found are ""
	 * (strings), 0 (number, date, year) or empty lists; kind is DOC_CV when nothing
	 * says otherwise. The caller fills missing issuer fields with its own defaults. */
	doc_t *doc;
	/* Paragraphs not placed in any field, in document order, as their text. */
	const char **unrecognised;
	size_t nunrecognised;
	/* How many paragraphs (lines) were read in all. */
	size_t nlines;
	/* Lines typed in TCVN3 or VNI (runs in a .VnTime/VNI-Times font, or pasted mojibake),
	 * repaired to Unicode before being recognised: how many, the first DOCX_LEGACY_SHOWN
	 * as read and as repaired, and the encoding(s) ("TCVN3", "VNI", "TCVN3 và VNI"). */
	size_t nlegacy;
	const char *legacy_from[DOCX_LEGACY_SHOWN], *legacy_to[DOCX_LEGACY_SHOWN];
	const char *legacy_enc;
	/* When refused: a Vietnamese sentence saying what is wrong and what to do. */
	char error[640];
} docx_result_t;

/* Read the .docx in data[0..len) into *out (memory in a). DOCX_OK, or DOCX_REFUSED with
 * out->error set and out->doc NULL. Never reads outside data, never touches files. */
docx_rc_t docx_import(const void *data, size_t len, arena_t *a, docx_result_t *out /* OUT */);

#endif
