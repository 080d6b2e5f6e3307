/* Per-request arena (h2o's req->pool): many small allocations, one free at the end. */
#ifndef SUOTDOI_ARENA_H
#define SUOTDOI_ARENA_H

#include <stddef.h>

typedef struct arena_chunk arena_chunk_t;
typedef struct arena {
	arena_chunk_t *head;
	size_t total; /* bytes handed out, for limits and diagnostics */
} arena_t;

#define ARENA_INIT                                                                                 \
	{                                                                                          \
		NULL, 0                                                                            \
	}

/* Returns 16-byte aligned memory owned by the arena; lives until arena_free(). */
void *arena_alloc(arena_t *a, size_t n);
char *arena_strndup(arena_t *a, const char *s, size_t n);
char *arena_strdup(arena_t *a, const char *s);
/* arena_strdup with NULL read as "" (a store row's optional text kept past its callback). */
char *arena_strdup0(arena_t *a, const char *s);
char *arena_printf(arena_t *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void arena_free(arena_t *a);

#endif
