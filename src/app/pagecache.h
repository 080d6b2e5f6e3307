/* Rendered fragments kept for reuse: the pages everyone refreshes during the reporting week
 * (a level's live dashboard) are built from state that changes far less often than it is
 * read. Each entry is tagged with the generation of the state it was built from (say, the
 * roll-up's); a lookup with another generation misses, so nothing stale is ever served and
 * nobody has to remember to invalidate. Bounded in bytes; thread-safe. */
#ifndef SUOTDOI_PAGECACHE_H
#define SUOTDOI_PAGECACHE_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

typedef struct pagecache pagecache_t;

/* A cache holding at most max_bytes of fragments (keys and data). */
pagecache_t *pagecache_new(size_t max_bytes);
void pagecache_free(pagecache_t *pc);
/* Appends the bytes stored under key for generation gen to out: 1 on a hit, 0 otherwise. */
int pagecache_get(pagecache_t *pc, const char *key, uint64_t gen, buf_t *out);
/* Stores (a copy of) data under key for generation gen, replacing what was there; entries
 * are dropped, oldest slots first, to stay within the byte bound. */
void pagecache_put(pagecache_t *pc, const char *key, uint64_t gen, const char *data, size_t len);

/* For a fragment data[0..len) that req's reply will carry verbatim: registers its gzip-ready
 * form with the request (http_req_zpart) so that a gzipped reply copies it instead of
 * deflating it again. The form is kept in pc under key + "|z" for gen (made on a miss at
 * PAGECACHE_Z_LEVEL, so a cached fragment is compressed once per generation, and better
 * than a reply's own level). dict (NULL: none) is what the reply holds right before data
 * when that is known and shared (the fragment before it, say): compressed against it, the
 * part can refer back to it (a dashboard's body repeats its charts' unit names); dict_tag
 * names dict's content (its own cache key and generation) and keys the form with it.
 * Nothing when req does not accept gzip or the fragment is small. */
#define PAGECACHE_Z_LEVEL 9
#define PAGECACHE_Z_MIN 2048
struct http_req;
void pagecache_zpart(pagecache_t *pc, struct http_req *req, const char *key, uint64_t gen,
                     const char *data, size_t len, const char *dict, size_t dictlen,
                     const char *dict_tag);

/* Every cache of the process together, for /metrics: entries and bytes held now, lookups
 * that hit and missed since the start. */
void pagecache_totals(uint64_t *entries, uint64_t *bytes, uint64_t *hits, uint64_t *misses);

#endif
