/* libFuzzer driver for the Accept-Encoding parser and the compressible-type check
 * (src/http/compress.c), plus gzip itself: checks the invariants the server relies on. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "core/buf.h"
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
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0'; /* headers are C strings: stop at the first NUL like MHD does */
	int r = http_accepts_gzip(s);
	CHECK(r == 0 || r == 1);
	/* only a gzip token or "*" can allow gzip */
	int named = 0;
	for (const char *p = s; *p; p++)
		if (*p == '*' || strncasecmp(p, "gzip", 4) == 0)
			named = 1;
	if (!named)
		CHECK(r == 0);
	/* appending an explicit refusal refuses when nothing before names gzip */
	buf_t b = BUF_INIT;
	buf_puts(&b, s);
	buf_puts(&b, ",gzip;q=0,x-gzip;q=0");
	if (strcasestr(s, "gzip") == NULL && strchr(s, ';') == NULL)
		CHECK(http_accepts_gzip(buf_cstr(&b)) == 0);
	buf_free(&b);
	r = http_compressible_type(s);
	CHECK(r == 0 || r == 1);

	/* gzip round trip of the raw input */
	buf_t gz = BUF_INIT;
	CHECK(http_gzip(data, size, HTTP_GZIP_LEVEL, &gz) == 0);
	z_stream zs = {0};
	CHECK(inflateInit2(&zs, 15 + 16) == Z_OK);
	unsigned char *back = malloc(size + 1);
	zs.next_in = (Bytef *)gz.data;
	zs.avail_in = (uInt)gz.len;
	zs.next_out = back;
	zs.avail_out = (uInt)size + 1;
	CHECK(inflate(&zs, Z_FINISH) == Z_STREAM_END);
	CHECK(zs.total_out == size && memcmp(back, data, size) == 0);
	inflateEnd(&zs);
	free(back);
	buf_free(&gz);
	free(s);
	return 0;
}
