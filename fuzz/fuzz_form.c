/* libFuzzer driver for the form reader (src/app/form.c) on the urlencoded parser: the first
 * line of the input is a form's spec ("csrf version ?note attended*"), the rest a form body.
 * Checks: no crash, a refusal always says why, an accepted form holds each plain field of the
 * spec exactly once and no field twice unless the spec lets it repeat. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/form.h"
#include "core/arena.h"

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			abort();                                                                   \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	const char *nl = memchr(p, '\n', size);
	if (nl == NULL || memchr(p, '\0', (size_t)(nl - p)) != NULL)
		return 0;
	arena_t a = ARENA_INIT;
	char *spec = arena_strndup(&a, p, (size_t)(nl - p));
	const char *body = nl + 1;
	size_t blen = size - (size_t)(nl - p) - 1;
	http_kv_t *kv;
	size_t n;
	const char *why;
	if (http_form_parse(body, blen, &a, &kv, &n, &why) == 0) {
		int st = app_form_check(&a, kv, n, spec, &why);
		CHECK(st == 0 || st == 400);
		CHECK((st == 0) == (why == NULL));
		if (st == 0) /* no name twice unless the spec lists it with '*' */
			for (size_t i = 0; i < n; i++)
				for (size_t j = 0; j < i; j++)
					if (!strcmp(kv[i].name, kv[j].name)) {
						char *m = arena_printf(&a, "%s*", kv[i].name);
						CHECK(strstr(spec, m) != NULL);
					}
	} else
		CHECK(why != NULL);
	arena_free(&a);
	return 0;
}
