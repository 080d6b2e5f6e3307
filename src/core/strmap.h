/* Open-addressing hash map from string keys to int64 values. Keys are borrowed: they
 * must outlive the map (callers keep them in an arena or a pool). Not thread-safe for
 * writes; concurrent reads of a map nobody writes are fine. */
#ifndef SUOTDOI_STRMAP_H
#define SUOTDOI_STRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct strmap {
	const char **keys;
	size_t *klens;
	int64_t *vals;
	size_t cap, len;
} strmap_t;

#define STRMAP_INIT                                                                                \
	{                                                                                          \
		NULL, NULL, NULL, 0, 0                                                             \
	}

/* Insert or replace. */
void strmap_put(strmap_t *m, const char *key, size_t klen, int64_t val);
/* 1 and *val when found, else 0. */
int strmap_get(const strmap_t *m, const char *key, size_t klen, int64_t *val /* OUT */);
void strmap_free(strmap_t *m);

#endif
