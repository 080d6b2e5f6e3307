/* Allocation wrappers: the single place where out-of-memory is handled. */
#include "core/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Noreturn void
mem_fatal(const char *what)
{
	fprintf(stderr, "suotdoi: fatal: %s\n", what);
	fflush(stderr);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL)
		mem_fatal("out of memory");
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (p == NULL)
		mem_fatal("out of memory");
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (q == NULL)
		mem_fatal("out of memory");
	return q;
}

char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(size_add(n, 1));
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

size_t
size_add(size_t a, size_t b)
{
	if (a + b < a)
		mem_fatal("size overflow");
	return a + b;
}

size_t
size_mul(size_t a, size_t b)
{
	if (b != 0 && a > (size_t)-1 / b)
		mem_fatal("size overflow");
	return a * b;
}
