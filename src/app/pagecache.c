/* Fragment cache (see pagecache.h): a direct-mapped table of slots, each holding one key's
 * latest fragment. A collision replaces the older entry, which is what a cache of pages
 * that are cheap to rebuild wants; the byte bound is kept by clearing slots from a rotating
 * cursor. Copies in and out under one mutex: the fragments are a few KB to a few tens of
 * KB, copying them costs microseconds, and no reader ever holds a pointer into the cache. */
#include "app/pagecache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

enum { SLOTS = 1024 };

typedef struct slot {
	char *key; /* NULL: empty */
	uint64_t gen;
	char *data;
	size_t len;
} slot_t;

struct pagecache {
	pthread_mutex_t mu;
	size_t max_bytes, bytes, cursor;
	slot_t slots[SLOTS];
};

static size_t
slot_of(const char *key)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return (size_t)(h % SLOTS);
}

static void
slot_clear(pagecache_t *pc, slot_t *s)
{
	if (!s->key)
		return;
	pc->bytes -= strlen(s->key) + 1 + s->len;
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

int
pagecache_get(pagecache_t *pc, const char *key, uint64_t gen, buf_t *out)
{
	if (!pc)
		return 0;
	slot_t *s = &pc->slots[slot_of(key)];
	int hit = 0;
	pthread_mutex_lock(&pc->mu);
	if (s->key && s->gen == gen && !strcmp(s->key, key)) {
		buf_append(out, s->data, s->len);
		hit = 1;
	}
	pthread_mutex_unlock(&pc->mu);
	return hit;
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
	pthread_mutex_lock(&pc->mu);
	slot_t *s = &pc->slots[slot_of(key)];
	slot_clear(pc, s);
	while (pc->bytes + need > pc->max_bytes) {
		slot_clear(pc, &pc->slots[pc->cursor]);
		pc->cursor = (pc->cursor + 1) % SLOTS;
	}
	*s = (slot_t){k, gen, d, len};
	pc->bytes += need;
	pthread_mutex_unlock(&pc->mu);
}
