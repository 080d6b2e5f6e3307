/* libFuzzer driver for the trim of served scripts and style sheets (http_asset_trim,
 * src/http/compress.c): never longer, only ever drops bytes (the output is a subsequence of
 * the input), whole lines' worth of text kept in order, and other types untouched. The
 * first byte picks the type. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/compress.h"

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			abort();                                                                   \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static const char *const types[] = {"text/javascript; charset=utf-8", "text/css",
	                                    "application/javascript", "text/html"};
	const char *type = types[data[0] % 4];
	size_t n = size - 1;
	char *d = malloc(n ? n : 1);
	memcpy(d, data + 1, n);
	size_t len = http_asset_trim(d, n, type);
	CHECK(len <= n);
	if (data[0] % 4 == 3)
		CHECK(len == n && memcmp(d, data + 1, n) == 0);
	/* a subsequence of the input */
	size_t j = 0;
	for (size_t i = 0; i < len; i++) {
		while (j < n && data[1 + j] != (uint8_t)d[i])
			j++;
		CHECK(j < n);
		j++;
	}
	free(d);
	return 0;
}
