/* Growable byte buffer (Redis sds-like, but a plain struct). The data is always
 * NUL-terminated so it can be passed as a C string; len excludes the NUL. */
#ifndef SUOTDOI_BUF_H
#define SUOTDOI_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef struct buf {
	char *data; /* owned; NULL until first append */
	size_t len;
	size_t cap;
} buf_t;

#define BUF_INIT                                                                                   \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

void buf_reserve(buf_t *b, size_t extra);
void buf_append(buf_t *b, const void *p, size_t n);
void buf_puts(buf_t *b, const char *s);
void buf_putc(buf_t *b, char c);
/* s (UTF-8) as a JSON string, quotes included, escaped as jansson's dump escapes it. */
void buf_put_json_str(buf_t *b, const char *s);
/* The decimal digits of v (no separators), without printf's cost. */
void buf_put_int(buf_t *b, int64_t v);
void buf_printf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf_t *b, const char *fmt, va_list ap);
/* Appends s with HTML escaping of & < > " ' (and nothing else). */
void buf_append_html(buf_t *b, const char *s, size_t n);
/* Returns data as a C string ("" when empty); borrowed until the next change. */
const char *buf_cstr(buf_t *b);
/* Hands the memory to the caller (free() it) and resets b. Never NULL. */
char *buf_steal(buf_t *b, size_t *len /* OUT, may be NULL */);
void buf_reset(buf_t *b); /* len = 0, keeps memory */
void buf_free(buf_t *b);

#endif
