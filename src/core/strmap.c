/* String-keyed hash map (FNV-1a, linear probing, load factor <= 1/2). */
#include "core/strmap.h"

#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

static uint64_t
hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static void
grow(strmap_t *m)
{
	size_t cap = m->cap ? size_mul(m->cap, 2) : 64;
	strmap_t n = {xcalloc(cap, sizeof *n.keys), xcalloc(cap, sizeof *n.klens),
	              xcalloc(cap, sizeof *n.vals), cap, 0};
	for (size_t i = 0; i < m->cap; i++)
		if (m->keys[i])
			strmap_put(&n, m->keys[i], m->klens[i], m->vals[i]);
	strmap_free(m);
	*m = n;
}

void
strmap_put(strmap_t *m, const char *key, size_t klen, int64_t val)
{
	if ((m->len + 1) * 2 > m->cap)
		grow(m);
	size_t i = hash(key, klen) & (m->cap - 1);
	while (m->keys[i]) {
		if (m->klens[i] == klen && memcmp(m->keys[i], key, klen) == 0) {
			m->vals[i] = val;
			return;
		}
		i = (i + 1) & (m->cap - 1);
	}
	m->keys[i] = key;
	m->klens[i] = klen;
	m->vals[i] = val;
	m->len++;
}

int
strmap_get(const strmap_t *m, const char *key, size_t klen, int64_t *val)
{
	if (m->cap == 0)
		return 0;
	size_t i = hash(key, klen) & (m->cap - 1);
	while (m->keys[i]) {
		if (m->klens[i] == klen && memcmp(m->keys[i], key, klen) == 0) {
			if (val)
				*val = m->vals[i];
			return 1;
		}
		i = (i + 1) & (m->cap - 1);
	}
	return 0;
}

void
strmap_free(strmap_t *m)
{
	free(m->keys);
	free(m->klens);
	free(m->vals);
	m->keys = NULL;
	m->klens = NULL;
	m->vals = NULL;
	m->cap = m->len = 0;
}
