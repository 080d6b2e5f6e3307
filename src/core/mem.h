/* Allocation that never returns NULL: out of memory aborts here, in one place,
 * so callers never test allocations (Redis zmalloc). Also overflow-checked size math. */
#ifndef SUOTDOI_MEM_H
#define SUOTDOI_MEM_H

#include <stddef.h>

/* Print a message and abort(). Used for OOM and size overflow. */
_Noreturn void mem_fatal(const char *what);

/* malloc/calloc/realloc that abort on failure. Caller frees with free(). */
void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Copies; caller frees. xstrndup copies at most n bytes and NUL-terminates. */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* a + b and a * b, aborting on overflow. */
size_t size_add(size_t a, size_t b);
size_t size_mul(size_t a, size_t b);

/* SQLite-style markers for defensive branches that "cannot happen". */
#define ALWAYS(x) (x)
#define NEVER(x) (x)

#endif
