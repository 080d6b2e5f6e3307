/* Fragment cache (see pagecache.h): a set-associative table, SETS sets of WAYS slots, each
 * slot holding one key's latest fragment. A key lives in the set its hash names; a new key
 * takes an empty way or the set's least recently used one, so a few keys that hash alike
 * no longer evict each other on every request (with one slot per hash, the ~500 keys of a
 * campaign's busy dashboards collided ~30 % of the time and were rebuilt on every read).
 * The byte bound is kept by dropping the least recently used entries of the whole table.
 * Copies in and out under one mutex: the fragments are a few KB to a few tens of KB,
 * copying them costs microseconds, and no reader ever holds a pointer into the cache. */
#include "app/pagecache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "http/compress.h"
#include "http/http.h"

enum { SETS = 512, WAYS = 8, SLOTS = SETS * WAYS };

typedef struct slot {
	char *key; /* NULL: empty */
	uint64_t gen;
	uint64_t used; /* the cache's clock at the last get or put */
	char *data;
	size_t len;
} slot_t;

struct pagecache {
	pthread_mutex_t mu;
	size_t max_bytes, bytes;
	uint64_t clock;
	slot_t slots[SLOTS];
};

/* Every cache's entries and bytes, and lookups (pagecache_totals), for /metrics. */
static _Atomic uint64_t total_entries, total_bytes, total_hits, total_misses;

static size_t
set_of(const char *key)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return (size_t)(h % SETS);
}

static void
slot_clear(pagecache_t *pc, slot_t *s)
{
	if (!s->key)
		return;
	size_t n = strlen(s->key) + 1 + s->len;
	pc->bytes -= n;
	atomic_fetch_sub_explicit(&total_bytes, n, memory_order_relaxed);
	atomic_fetch_sub_explicit(&total_entries, 1, memory_order_relaxed);
	free(s->key);
	free(s->data);
	memset(s, 0, sizeof *s);
}

pagecache_t *
pagecache_new(size_t max_bytes)
{
	pagecache_t *pc = xcalloc(1, sizeof *pc);
	pthread_mutex_init(&pc->mu, NULL);
	pc->max_bytes = max_bytes;
	return pc;
}

void
pagecache_free(pagecache_t *pc)
{
	if (!pc)
		return;
	for (size_t i = 0; i < SLOTS; i++)
		slot_clear(pc, &pc->slots[i]);
	pthread_mutex_destroy(&pc->mu);
	free(pc);
}

/* The slot of key in its set, or NULL. */
static slot_t *
find(slot_t *set, const char *key)
{
	for (size_t w = 0; w < WAYS; w++)
		if (set[w].key && !strcmp(set[w].key, key))
			return &set[w];
	return NULL;
}

int
pagecache_get(pagecache_t *pc, const char *key, uint64_t gen, buf_t *out)
{
	if (!pc)
		return 0;
	slot_t *set = &pc->slots[set_of(key) * WAYS];
	int hit = 0;
	pthread_mutex_lock(&pc->mu);
	slot_t *s = find(set, key);
	if (s && s->gen == gen) {
		buf_append(out, s->data, s->len);
		s->used = ++pc->clock;
		hit = 1;
	}
	pthread_mutex_unlock(&pc->mu);
	atomic_fetch_add_explicit(hit ? &total_hits : &total_misses, 1, memory_order_relaxed);
	return hit;
}

/* Drops the least recently used entry of the whole table (a linear pass: it runs only when
 * the byte bound is reached, and a put has just rendered a page). */
static void
drop_oldest(pagecache_t *pc)
{
	slot_t *old = NULL;
	for (size_t i = 0; i < SLOTS; i++)
		if (pc->slots[i].key && (!old || pc->slots[i].used < old->used))
			old = &pc->slots[i];
	if (old)
		slot_clear(pc, old);
}

void
pagecache_put(pagecache_t *pc, const char *key, uint64_t gen, const char *data, size_t len)
{
	if (!pc)
		return;
	size_t need = strlen(key) + 1 + len;
	if (need > pc->max_bytes / 4)
		return; /* one huge fragment would evict everything else */
	char *k = xstrdup(key), *d = xmalloc(len ? len : 1);
	memcpy(d, data, len);
	slot_t *set = &pc->slots[set_of(key) * WAYS];
	pthread_mutex_lock(&pc->mu);
	slot_t *s = find(set, key);
	if (!s) /* an empty way, else the set's least recently used */
		for (size_t w = 0; w < WAYS; w++)
			if (!s || !set[w].key || (s->key && set[w].used < s->used))
				s = &set[w];
	slot_clear(pc, s);
	while (pc->bytes + need > pc->max_bytes && pc->bytes > 0)
		drop_oldest(pc);
	*s = (slot_t){k, gen, ++pc->clock, d, len};
	pc->bytes += need;
	pthread_mutex_unlock(&pc->mu);
	atomic_fetch_add_explicit(&total_bytes, need, memory_order_relaxed);
	atomic_fetch_add_explicit(&total_entries, 1, memory_order_relaxed);
}

void
pagecache_zpart(pagecache_t *pc, struct http_req *req, const char *key, uint64_t gen,
                const char *data, size_t len, const char *dict, size_t dictlen,
                const char *dict_tag)
{
	if (!pc || len < PAGECACHE_Z_MIN ||
	    !http_accepts_gzip(http_req_header(req, "Accept-Encoding")))
		return;
	if (!dict || !dictlen || !dict_tag) {
		dict = NULL;
		dictlen = 0;
	}
	if (dictlen > HTTP_ZPART_DICT_MAX) {
		dict += dictlen - HTTP_ZPART_DICT_MAX;
		dictlen = HTTP_ZPART_DICT_MAX;
	}
	arena_t *a = http_req_arena(req);
	const char *zkey = dict ? arena_printf(a, "%s|z|%s", key, dict_tag)
	                        : arena_printf(a, "%s|z", key);
	/* stored as the CRC-32 (4 bytes, host order) then the deflate bytes */
	buf_t z = BUF_INIT;
	uint32_t crc;
	if (!pagecache_get(pc, zkey, gen, &z)) {
		buf_append(&z, "\0\0\0\0", 4);
		if (http_zpart_make(data, len, dict, dictlen, PAGECACHE_Z_LEVEL, &z, &crc) != 0) {
			buf_free(&z);
			return;
		}
		memcpy(z.data, &crc, 4);
		pagecache_put(pc, zkey, gen, z.data, z.len);
	}
	if (z.len <= 4) {
		buf_free(&z);
		return;
	}
	memcpy(&crc, z.data, 4);
	/* all live until the reply is sent: copies in the request's arena */
	char *d = arena_alloc(a, len + dictlen), *zb = arena_alloc(a, z.len - 4);
	memcpy(d, data, len);
	if (dictlen)
		memcpy(d + len, dict, dictlen);
	memcpy(zb, z.data + 4, z.len - 4);
	http_zpart_t part = {.data = d, .len = len, .z = (const unsigned char *)zb,
	                     .zlen = z.len - 4, .crc = crc, .dict = dictlen ? d + len : NULL,
	                     .dictlen = dictlen};
	http_req_zpart(req, &part);
	buf_free(&z);
}

void
pagecache_totals(uint64_t *entries, uint64_t *bytes, uint64_t *hits, uint64_t *misses)
{
	*entries = atomic_load_explicit(&total_entries, memory_order_relaxed);
	*bytes = atomic_load_explicit(&total_bytes, memory_order_relaxed);
	*hits = atomic_load_explicit(&total_hits, memory_order_relaxed);
	*misses = atomic_load_explicit(&total_misses, memory_order_relaxed);
}
