/* Bump allocator in growing chunks; large requests get a chunk of their own. */
#include "core/arena.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

struct arena_chunk {
	arena_chunk_t *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
};

#define ARENA_CHUNK 8192

void *
arena_alloc(arena_t *a, size_t n)
{
	n = size_add(n, 15) & ~(size_t)15;
	arena_chunk_t *c = a->head;
	if (c == NULL || c->cap - c->used < n) {
		size_t cap = n > ARENA_CHUNK / 2 ? n : ARENA_CHUNK;
		arena_chunk_t *nc = xmalloc(size_add(sizeof *nc, cap));
		nc->used = 0;
		nc->cap = cap;
		if (c != NULL && n > ARENA_CHUNK / 2) {
			/* keep the partly used chunk at the head for small allocations */
			nc->next = c->next;
			c->next = nc;
		} else {
			nc->next = c;
			a->head = nc;
		}
		c = nc;
	}
	void *p = c->data + c->used;
	c->used += n;
	a->total += n;
	return p;
}

char *
arena_strndup(arena_t *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, size_add(n, 1));
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(arena_t *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *
arena_strdup0(arena_t *a, const char *s)
{
	return arena_strdup(a, s ? s : "");
}

char *
arena_printf(arena_t *a, const char *fmt, ...)
{
	va_list ap, cp;
	va_start(ap, fmt);
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		mem_fatal("vsnprintf failed");
	char *p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void
arena_free(arena_t *a)
{
	arena_chunk_t *c = a->head;
	while (c) {
		arena_chunk_t *n = c->next;
		free(c);
		c = n;
	}
	a->head = NULL;
	a->total = 0;
}
