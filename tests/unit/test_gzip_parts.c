/* gzip with parts compressed ahead (src/http/compress.c, http_gzip_parts): a reply that
 * carries cached fragments verbatim copies their deflate bytes instead of compressing them
 * again. Every output must inflate (zlib's own gzip reader) to exactly the input, with the
 * trailer's CRC-32 and length right, wherever the parts sit: at the start, the end, side by
 * side, missing, repeated, or the whole body; and copying must really happen (the output
 * holds each part's bytes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/buf.h"
#include "http/compress.h"

/* Inflates a gzip member (checking its CRC and length, as zlib does) into out; 0 or -1. */
static int
gunzip(const buf_t *gz, buf_t *out)
{
	z_stream zs = {0};
	if (inflateInit2(&zs, 15 + 16) != Z_OK)
		return -1;
	zs.next_in = (Bytef *)gz->data;
	zs.avail_in = (uInt)gz->len;
	int rc;
	do {
		char chunk[4096];
		zs.next_out = (Bytef *)chunk;
		zs.avail_out = sizeof chunk;
		rc = inflate(&zs, Z_NO_FLUSH);
		if (rc != Z_OK && rc != Z_STREAM_END)
			break;
		buf_append(out, chunk, sizeof chunk - zs.avail_out);
	} while (rc != Z_STREAM_END);
	int left = (int)zs.avail_in;
	inflateEnd(&zs);
	return rc == Z_STREAM_END && left == 0 ? 0 : -1;
}

/* Some HTML-like text, different for each seed. */
static void
text(buf_t *b, unsigned seed, size_t n)
{
	static const char *const words[] = {"<tr><td class=\"num\">", "Trường Tiểu học ", "Phường ",
	                                    "</td></tr>\n", "Cát Bi", "đã nộp", "1.234", " ", "<a href=\"/u/"};
	while (b->len < n) {
		seed = seed * 1103515245u + 12345u;
		buf_printf(b, "%s%u", words[(seed >> 16) % 9], (seed >> 8) % 97);
	}
}

static void
make_part(http_zpart_t *p, buf_t *z, const char *data, size_t len, int level)
{
	buf_reset(z);
	uint32_t crc;
	assert_int_equal(http_zpart_make(data, len, NULL, 0, level, z, &crc), 0);
	*p = (http_zpart_t){.data = data, .len = len, .z = (unsigned char *)z->data,
	                    .zlen = z->len, .crc = crc};
}

/* body = a + P1 + b + P2 + c (any of them possibly empty); the output inflates to body and
 * holds both parts' deflate bytes. */
static void
check(size_t la, size_t l1, size_t lb, size_t l2, size_t lc, unsigned seed)
{
	buf_t p1 = BUF_INIT, p2 = BUF_INIT, body = BUF_INIT, z1 = BUF_INIT, z2 = BUF_INIT;
	text(&p1, seed + 1, l1);
	text(&p2, seed + 2, l2);
	buf_t a = BUF_INIT, b = BUF_INIT, c = BUF_INIT;
	/* runs made of other words than the parts' seeds, so a part is found only where put */
	if (la)
		buf_printf(&a, "<!doctype html>%.*s", (int)la, "<html><head><title>x</title></head>");
	if (lb)
		buf_printf(&b, "<form>%zu</form>", lb);
	if (lc)
		buf_printf(&c, "</main><footer>%zu</footer></html>", lc);
	buf_append(&body, a.data, a.len);
	buf_append(&body, p1.data, p1.len);
	buf_append(&body, b.data, b.len);
	buf_append(&body, p2.data, p2.len);
	buf_append(&body, c.data, c.len);
	http_zpart_t parts[2];
	make_part(&parts[0], &z1, p1.data, p1.len, 9);
	make_part(&parts[1], &z2, p2.data, p2.len, 6);
	buf_t gz = BUF_INIT, back = BUF_INIT;
	assert_int_equal(http_gzip_parts(body.data, body.len, 3, parts, 2, &gz), 0);
	assert_int_equal(gunzip(&gz, &back), 0);
	assert_int_equal(back.len, body.len);
	assert_memory_equal(back.data, body.data, body.len);
	if (l1)
		assert_non_null(memmem(gz.data, gz.len, z1.data, z1.len));
	if (l2)
		assert_non_null(memmem(gz.data, gz.len, z2.data, z2.len));
	buf_free(&p1), buf_free(&p2), buf_free(&body), buf_free(&z1), buf_free(&z2);
	buf_free(&a), buf_free(&b), buf_free(&c), buf_free(&gz), buf_free(&back);
}

static void
test_positions(void **state)
{
	(void)state;
	size_t lens[] = {0, 30, 5000};
	unsigned seed = 1;
	for (size_t i = 0; i < 3; i++)
		for (size_t j = 0; j < 3; j++)
			for (size_t k = 0; k < 3; k++)
				check(lens[i] ? 20 : 0, 3000 + lens[j], lens[k], 9000, lens[i] ? 7 : 0,
				      seed++);
	/* a part that is the whole body, and a body ending with a part */
	check(0, 4000, 0, 0, 0, 50);
	check(10, 4000, 0, 0, 0, 51);
}

/* Parts out of order, absent, or not matching are compressed with the rest: the reply is
 * still exactly the body. */
static void
test_missing_parts(void **state)
{
	(void)state;
	buf_t body = BUF_INIT, other = BUF_INIT, z = BUF_INIT, z2 = BUF_INIT;
	text(&body, 7, 20000);
	text(&other, 8, 3000);
	http_zpart_t parts[3];
	make_part(&parts[0], &z, other.data, other.len, 9);           /* not in the body */
	make_part(&parts[1], &z2, body.data + 15000, 4000, 9);         /* in it, late */
	parts[2] = (http_zpart_t){.data = body.data + 100, .len = 500, /* before the last one */
	                          .z = (unsigned char *)z2.data, .zlen = z2.len, .crc = 0};
	buf_t gz = BUF_INIT, back = BUF_INIT;
	assert_int_equal(http_gzip_parts(body.data, body.len, 3, parts, 3, &gz), 0);
	assert_int_equal(gunzip(&gz, &back), 0);
	assert_int_equal(back.len, body.len);
	assert_memory_equal(back.data, body.data, body.len);
	/* no parts: plain gzip, and an empty body */
	buf_reset(&gz), buf_reset(&back);
	assert_int_equal(http_gzip_parts(body.data, body.len, 3, NULL, 0, &gz), 0);
	assert_int_equal(gunzip(&gz, &back), 0);
	assert_memory_equal(back.data, body.data, body.len);
	buf_reset(&gz), buf_reset(&back);
	assert_int_equal(http_gzip_parts("", 0, 3, parts, 1, &gz), 0);
	assert_int_equal(gunzip(&gz, &back), 0);
	assert_int_equal(back.len, 0);
	buf_free(&body), buf_free(&other), buf_free(&z), buf_free(&z2), buf_free(&gz);
	buf_free(&back);
}

/* The same part twice in a body: registered twice, copied twice. */
static void
test_repeated(void **state)
{
	(void)state;
	buf_t p = BUF_INIT, body = BUF_INIT, z = BUF_INIT;
	text(&p, 9, 4000);
	buf_printf(&body, "<p>a</p>%s<p>b</p>%s", buf_cstr(&p), buf_cstr(&p));
	http_zpart_t parts[2];
	make_part(&parts[0], &z, p.data, p.len, 9);
	parts[1] = parts[0];
	buf_t gz = BUF_INIT, back = BUF_INIT;
	assert_int_equal(http_gzip_parts(body.data, body.len, 1, parts, 2, &gz), 0);
	assert_int_equal(gunzip(&gz, &back), 0);
	assert_int_equal(back.len, body.len);
	assert_memory_equal(back.data, body.data, body.len);
	char *first = memmem(gz.data, gz.len, z.data, z.len);
	assert_non_null(first);
	assert_non_null(memmem(first + z.len, gz.len - (size_t)(first + z.len - gz.data), z.data,
	                       z.len));
	buf_free(&p), buf_free(&body), buf_free(&z), buf_free(&gz), buf_free(&back);
}

/* A part made against its dictionary: smaller when it repeats it; copied where the dictionary
 * precedes it; where something else does, compressed afresh (its back-references would read
 * the wrong bytes) and the reply is still exact. */
static void
test_dictionary(void **state)
{
	(void)state;
	buf_t dict = BUF_INIT, part = BUF_INIT, z = BUF_INIT, plain = BUF_INIT;
	text(&dict, 21, 20000);
	/* the part repeats much of the dictionary, as a dashboard's body its charts' names */
	buf_append(&part, dict.data + 5000, 9000);
	text(&part, 22, 12000);
	uint32_t crc;
	assert_int_equal(http_zpart_make(part.data, part.len, dict.data, dict.len, 9, &z, &crc), 0);
	assert_int_equal(http_zpart_make(part.data, part.len, NULL, 0, 9, &plain, &crc), 0);
	assert_true(z.len < plain.len * 3 / 4);
	http_zpart_t p = {.data = part.data, .len = part.len, .z = (unsigned char *)z.data,
	                  .zlen = z.len, .crc = crc, .dict = dict.data, .dictlen = dict.len};
	for (int right = 1; right >= 0; right--) {
		buf_t body = BUF_INIT, gz = BUF_INIT, back = BUF_INIT;
		buf_append(&body, "<html>", 6);
		if (right)
			buf_append(&body, dict.data, dict.len);
		else
			text(&body, 23, 20006);
		buf_append(&body, part.data, part.len);
		buf_append(&body, "</html>", 7);
		assert_int_equal(http_gzip_parts(body.data, body.len, 3, &p, 1, &gz), 0);
		assert_int_equal(gunzip(&gz, &back), 0);
		assert_int_equal(back.len, body.len);
		assert_memory_equal(back.data, body.data, body.len);
		if (right)
			assert_non_null(memmem(gz.data, gz.len, z.data, z.len));
		else
			assert_null(memmem(gz.data, gz.len, z.data, z.len));
		buf_free(&body), buf_free(&gz), buf_free(&back);
	}
	/* a dictionary longer than the window: only its last 32 KiB count */
	buf_t big = BUF_INIT;
	text(&big, 24, 50000);
	buf_reset(&z);
	assert_int_equal(http_zpart_make(part.data, part.len, big.data, big.len, 9, &z, &crc), 0);
	p = (http_zpart_t){.data = part.data, .len = part.len, .z = (unsigned char *)z.data,
	                   .zlen = z.len, .crc = crc, .dict = big.data, .dictlen = big.len};
	buf_t body = BUF_INIT, gz = BUF_INIT, back = BUF_INIT;
	buf_append(&body, big.data + big.len - HTTP_ZPART_DICT_MAX, HTTP_ZPART_DICT_MAX);
	buf_append(&body, part.data, part.len);
	assert_int_equal(http_gzip_parts(body.data, body.len, 3, &p, 1, &gz), 0);
	assert_int_equal(gunzip(&gz, &back), 0);
	assert_memory_equal(back.data, body.data, body.len);
	assert_non_null(memmem(gz.data, gz.len, z.data, z.len));
	buf_free(&body), buf_free(&gz), buf_free(&back), buf_free(&big);
	buf_free(&dict), buf_free(&part), buf_free(&z), buf_free(&plain);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_positions),
	        cmocka_unit_test(test_missing_parts),
	        cmocka_unit_test(test_repeated),
	        cmocka_unit_test(test_dictionary),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
