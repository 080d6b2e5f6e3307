/* libFuzzer driver for the Accept-Encoding parser and the compressible-type check
 * (src/http/compress.c), plus gzip itself, whole and with parts compressed ahead
 * (http_gzip_parts, at offsets and with dictionaries the input chooses): checks the
 * invariants the server relies on. */
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

/* gzip of data (with parts, or whole) inflates back to exactly data. */
static void
gunzip_check(const uint8_t *data, size_t size, const http_zpart_t *parts, size_t n)
{
	buf_t gz = BUF_INIT;
	CHECK(http_gzip_parts(data, size, HTTP_GZIP_LEVEL, parts, n, &gz) == 0);
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
}

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

	/* gzip round trip of the raw input: whole, then with up to 3 parts made ahead */
	gunzip_check(data, size, NULL, 0);
	if (size >= 4) {
		http_zpart_t parts[3];
		buf_t z[3] = {BUF_INIT, BUF_INIT, BUF_INIT};
		size_t n = 0, at = 0;
		for (size_t k = 0; k < 3 && at < size; k++) {
			size_t off = at + data[k] % (size - at);
			size_t len = 1 + data[(k + 1) % size] * 7 % (size - off);
			/* half of them against what precedes them (up to 300 bytes) */
			size_t dl = data[(k + 2) % size] & 1 ? (off < 300 ? off : 300) : 0;
			uint32_t crc;
			CHECK(http_zpart_make(data + off, len, dl ? data + off - dl : NULL, dl,
			                      1 + data[k] % 9, &z[n], &crc) == 0);
			parts[n] = (http_zpart_t){.data = (const char *)data + off, .len = len,
			                          .z = (unsigned char *)z[n].data, .zlen = z[n].len,
			                          .crc = crc, .dict = dl ? (const char *)data + off - dl : NULL,
			                          .dictlen = dl};
			n++;
			at = off + len;
		}
		gunzip_check(data, size, parts, n);
		for (size_t k = 0; k < 3; k++)
			buf_free(&z[k]);
	}
	free(s);
	return 0;
}
