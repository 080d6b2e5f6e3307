/* Response compression (gzip through zlib) and the static-asset cache with content hashes.
 * The server compresses in one place (src/http/server.c); these helpers are pure or keep
 * their own state, and exist for the server, the app's layout, tests and fuzzing. */
#ifndef SUOTDOI_HTTP_COMPRESS_H
#define SUOTDOI_HTTP_COMPRESS_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* zlib level for dynamic replies. Measured on the demo's district dashboard (21.8 KB of
 * HTML; tests/http/test_light.c prints it, zlib 1.2.13, one core of the 2-CPU VM):
 *   level 1: 5,091 bytes, 43 us    level 3: 4,803 bytes, 45 us    level 6: 4,414 bytes, 95 us
 *   level 2: 4,893 bytes, 44 us    level 4: 4,607 bytes, 70 us    level 9: 4,388 bytes, 120 us
 * Levels 1-3 share zlib's fast matcher and cost the same; 3 is the smallest of them, 4% over
 * level 4 for 35% less CPU, 9% over level 6 for half. */
#define HTTP_GZIP_LEVEL 3
/* Static assets are compressed once and kept, so they get the best level. */
#define HTTP_GZIP_STATIC_LEVEL 9
/* Below this many bytes gzip saves less than a TCP segment and costs a deflate. */
#define HTTP_GZIP_MIN 1024

/* 1 when an Accept-Encoding header value allows gzip: "gzip" or "x-gzip" with q > 0, or
 * "*" with q > 0 when gzip is not named; "gzip;q=0" refuses even with "*". NULL -> 0.
 * q-values follow RFC 9110 (0, 0.5, 1.000); a malformed q counts as 0 for that coding. */
int http_accepts_gzip(const char *accept_encoding);

/* 1 when a Content-Type names a text type worth compressing: text/html, text/css,
 * text/javascript, application/javascript, application/json, application/manifest+json,
 * image/svg+xml, text/csv, text/plain (any parameters). Never images, PDF, DOCX, XLSX. */
int http_compressible_type(const char *content_type);

/* gzip (RFC 1952) of in[0..len) appended to out at level (1-9). Uses one z_stream per thread,
 * reset between calls (deflateReset) rather than set up per reply. 0, or -1 (out unchanged). */
int http_gzip(const void *in, size_t len, int level, buf_t *out);

/* A part of a reply compressed ahead of time: a cached fragment that many replies carry
 * verbatim (a dashboard's body, its charts). z holds the raw deflate (RFC 1951) of
 * data[0..len), ending byte-aligned on a sync flush with no final block, so it can stand
 * between other deflate streams; crc is data's CRC-32. http_gzip_parts copies z where data
 * occurs in a reply instead of compressing those bytes again. When z was made with a preset
 * dictionary (dict, dictlen; at most HTTP_ZPART_DICT_MAX bytes), it may refer back into
 * those bytes, and is copied only where the reply has exactly dict right before data. */
#define HTTP_ZPART_DICT_MAX 32768
typedef struct http_zpart {
	const char *data;
	size_t len;
	const unsigned char *z;
	size_t zlen;
	uint32_t crc;
	const char *dict; /* NULL: none */
	size_t dictlen;
} http_zpart_t;

/* The raw deflate of in[0..len) at level (1-9), as http_zpart_t's z, appended to out; its
 * CRC-32 in *crc. dict (dictlen bytes, NULL: none; only its last HTTP_ZPART_DICT_MAX count)
 * is what the reply holds right before in. 0, or -1 (out unchanged). */
int http_zpart_make(const void *in, size_t len, const void *dict, size_t dictlen, int level,
                    buf_t *out, uint32_t *crc);

/* gzip of in[0..len) appended to out, like http_gzip, but the parts (in the order they
 * occur in `in`) are copied as compressed: only the bytes between them are deflated, each
 * run as its own stream at level. A part not found where it should be (or not preceded by
 * its dictionary) is compressed with the rest; the output always inflates to exactly in.
 * 0, or -1 (out unchanged). */
int http_gzip_parts(const void *in, size_t len, int level, const http_zpart_t *parts,
                    size_t nparts, buf_t *out);

/* The versioned URL of a static file for templates: "/static/<rel>?v=<hash>", the hash being
 * 16 hex digits of the file's BLAKE2b (the same the server compares to grant a year of
 * caching). When the file cannot be read, "/static/<rel>" plain. Writes into out (cap). */
const char *http_static_url(const char *static_dir, const char *rel, char *out, size_t cap);

/* Scripts and style sheets are served without their comments and indentation: the files
 * are written to be read (and commented in English at length), a phone on 3G pays for every
 * byte, and no build step is wanted. In place, line by line and only where it is certain:
 * leading spaces and tabs, blank lines, JavaScript lines that are only a // comment, and
 * block comments that open a line and end one. A script holding a template literal or a
 * string continued over lines is left whole. type: the file's Content-Type; other types
 * are untouched. Returns the new length. */
size_t http_asset_trim(char *data, size_t len, const char *type);

/* A static file as the server keeps it: its bytes, its gzip (when the type compresses and
 * that is smaller), and its content hash. http_asset_load hands out private copies. */
typedef struct http_asset {
	char *data; /* identity bytes (malloc) */
	size_t len;
	char *gz; /* gzip bytes (malloc) or NULL */
	size_t gzlen;
	char hash[17]; /* 16 hex digits */
	const char *type;
} http_asset_t;
/* Load root/rel (root realpath()ed, rel checked as by http_static_open) from the process-wide
 * cache, reading and compressing it on first use or when its size/mtime changed. Files over
 * 1 MiB are not cached: -2 then (serve them from disk). what: HTTP_ASSET_HASH (hash and type
 * only), HTTP_ASSET_IDENTITY (a copy of the bytes in data), HTTP_ASSET_GZIP (a copy of the gzip
 * in gz when there is one, else of the bytes in data). 0 with *out (free with
 * http_asset_free), -1 when not found / refused. */
enum { HTTP_ASSET_HASH, HTTP_ASSET_IDENTITY, HTTP_ASSET_GZIP };
int http_asset_load(const char *root, const char *rel, int what, http_asset_t *out /* OUT */);
void http_asset_free(http_asset_t *a);

#endif
