/* Photo processing: test images are made at run time with libvips itself (JPEG with EXIF
 * orientation and an ICC profile, PNG with alpha, 16-bit grey PNG with alpha, WebP), then
 * everything we must refuse: other formats, junk, truncation, empty, oversize, a bomb. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vips/vips.h>

#include "media/photo.h"

#define MSG_FORMAT "Ảnh phải là JPEG, PNG hoặc WebP."
#define MSG_BIG "Ảnh lớn quá 10 MB; hãy chụp ở độ phân giải thấp hơn."
#define MSG_CORRUPT "Tệp ảnh bị hỏng hoặc không đầy đủ; hãy chọn lại ảnh."

/* A w x h sRGB image of one colour plus a horizontal ramp, so it is not trivially flat. */
static VipsImage *
make_rgb(int w, int h)
{
	VipsImage *black = NULL, *coloured = NULL, *ramp = NULL, *ramp3 = NULL, *sum = NULL,
	          *img = NULL;
	double a[3] = {1, 1, 1}, b[3] = {40, 120, 200};
	assert_int_equal(vips_black(&black, w, h, "bands", 3, NULL), 0);
	assert_int_equal(vips_linear(black, &coloured, a, b, 3, NULL), 0);
	assert_int_equal(vips_grey(&ramp, w, h, NULL), 0); /* 0..1 float */
	assert_int_equal(vips_linear1(ramp, &ramp3, 50.0, 0.0, NULL), 0);
	assert_int_equal(vips_add(coloured, ramp3, &sum, NULL), 0);
	assert_int_equal(vips_cast_uchar(sum, &img, NULL), 0);
	g_object_unref(black);
	g_object_unref(coloured);
	g_object_unref(ramp);
	g_object_unref(ramp3);
	g_object_unref(sum);
	VipsImage *out = NULL;
	assert_int_equal(vips_copy(img, &out, "interpretation", VIPS_INTERPRETATION_sRGB, NULL), 0);
	g_object_unref(img);
	return out;
}

/* JPEG with EXIF (orientation + a camera make) and an embedded ICC profile. */
static void *
jpeg_with_exif(int w, int h, int orientation, size_t *len)
{
	VipsImage *img = make_rgb(w, h), *meta = NULL;
	assert_int_equal(vips_copy(img, &meta, NULL), 0);
	g_object_unref(img);
	vips_image_set_int(meta, VIPS_META_ORIENTATION, orientation);
	vips_image_set_string(meta, "exif-ifd0-Make", "SuotdoiPhone");
	void *buf = NULL;
	assert_int_equal(vips_jpegsave_buffer(meta, &buf, len, "Q", 90, "profile", "srgb", NULL),
	                 0);
	g_object_unref(meta);
	return buf;
}

static void *
plain_jpeg(int w, int h, size_t *len)
{
	VipsImage *img = make_rgb(w, h);
	void *buf = NULL;
	assert_int_equal(vips_jpegsave_buffer(img, &buf, len, "Q", 85, NULL), 0);
	g_object_unref(img);
	return buf;
}

static int
long_edge(int w, int h)
{
	return w > h ? w : h;
}

/* Reloads a JPEG from memory and checks the common properties of our output. */
static void
check_jpeg(const buf_t *b, int *w, int *h)
{
	assert_non_null(b->data);
	assert_true(b->len > 3);
	assert_memory_equal(b->data, "\xFF\xD8\xFF", 3);
	VipsImage *img = vips_image_new_from_buffer(b->data, b->len, "", NULL);
	assert_non_null(img);
	assert_string_equal(vips_foreign_find_load_buffer(b->data, b->len),
	                    "VipsForeignLoadJpegBuffer");
	assert_int_equal(vips_image_get_typeof(img, VIPS_META_EXIF_NAME), 0);
	assert_int_equal(vips_image_get_typeof(img, VIPS_META_ICC_NAME), 0);
	assert_int_equal(vips_image_get_typeof(img, VIPS_META_XMP_NAME), 0);
	assert_int_equal(vips_image_get_bands(img), 3);
	*w = vips_image_get_width(img);
	*h = vips_image_get_height(img);
	g_object_unref(img);
}

/* Processes, checks both outputs and returns the full size. */
static void
expect_ok(const void *data, size_t len, int *w, int *h)
{
	photo_out_t out;
	char err[256] = "x";
	int rc = photo_process(data, len, &out, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "refused: %s\n", err);
	assert_int_equal(rc, 0);
	assert_string_equal(err, "");
	check_jpeg(&out.full, w, h);
	assert_int_equal(*w, out.width);
	assert_int_equal(*h, out.height);
	assert_true(long_edge(*w, *h) <= PHOTO_LONG_EDGE);
	int tw, th;
	check_jpeg(&out.thumb, &tw, &th);
	assert_int_equal(long_edge(tw, th), long_edge(*w, *h) < PHOTO_THUMB_EDGE
	                                            ? long_edge(*w, *h)
	                                            : PHOTO_THUMB_EDGE);
	/* Same orientation as the full photo. */
	assert_true((tw >= th) == (*w >= *h));
	photo_out_free(&out);
	assert_null(out.full.data);
	assert_null(out.thumb.data);
}

static void
expect_refused(const void *data, size_t len, const char *msg)
{
	photo_out_t out;
	char err[256];
	assert_int_equal(photo_process(data, len, &out, err, sizeof err), -1);
	assert_string_equal(err, msg);
	assert_null(out.full.data);
	assert_null(out.thumb.data);
	photo_out_free(&out);
}

static void
test_init_twice(void **state)
{
	(void)state;
	assert_int_equal(photo_init("test_photo"), 0);
	assert_int_equal(photo_init(NULL), 0);
}

static void
test_big_jpeg_with_exif(void **state)
{
	(void)state;
	size_t len;
	void *jpg = jpeg_with_exif(3000, 2000, 1, &len);
	/* The input really carries EXIF and ICC, so their absence below means something. */
	VipsImage *in = vips_image_new_from_buffer(jpg, len, "", NULL);
	assert_non_null(in);
	assert_int_not_equal(vips_image_get_typeof(in, VIPS_META_EXIF_NAME), 0);
	assert_int_not_equal(vips_image_get_typeof(in, VIPS_META_ICC_NAME), 0);
	g_object_unref(in);
	int w, h;
	expect_ok(jpg, len, &w, &h);
	assert_int_equal(w, 1600);
	assert_int_equal(h, 1067);
	g_free(jpg);
}

static void
test_orientation(void **state)
{
	(void)state;
	size_t len;
	int w, h;
	/* Portrait pixels, no rotation: stays portrait. */
	void *jpg = jpeg_with_exif(2000, 3000, 1, &len);
	expect_ok(jpg, len, &w, &h);
	assert_int_equal(w, 1067);
	assert_int_equal(h, 1600);
	g_free(jpg);
	/* Portrait pixels with orientation 6 (rotate 90° clockwise to display): landscape. */
	jpg = jpeg_with_exif(2000, 3000, 6, &len);
	VipsImage *in = vips_image_new_from_buffer(jpg, len, "", NULL);
	assert_non_null(in);
	int o = 0;
	assert_int_equal(vips_image_get_int(in, VIPS_META_ORIENTATION, &o), 0);
	assert_int_equal(o, 6);
	g_object_unref(in);
	expect_ok(jpg, len, &w, &h);
	assert_int_equal(w, 1600);
	assert_int_equal(h, 1067);
	g_free(jpg);
	/* Small landscape with orientation 8: portrait, and not enlarged. */
	jpg = jpeg_with_exif(640, 480, 8, &len);
	expect_ok(jpg, len, &w, &h);
	assert_int_equal(w, 480);
	assert_int_equal(h, 640);
	g_free(jpg);
}

static void
test_small_not_enlarged(void **state)
{
	(void)state;
	size_t len;
	int w, h;
	void *jpg = plain_jpeg(640, 480, &len);
	expect_ok(jpg, len, &w, &h);
	assert_int_equal(w, 640);
	assert_int_equal(h, 480);
	g_free(jpg);
	/* Smaller than the thumbnail: nothing is enlarged at all. */
	jpg = plain_jpeg(200, 100, &len);
	expect_ok(jpg, len, &w, &h);
	assert_int_equal(w, 200);
	assert_int_equal(h, 100);
	g_free(jpg);
}

/* Mean of the decoded full output. */
static double
full_mean(const void *data, size_t len)
{
	photo_out_t out;
	char err[256];
	assert_int_equal(photo_process(data, len, &out, err, sizeof err), 0);
	VipsImage *img = vips_image_new_from_buffer(out.full.data, out.full.len, "", NULL);
	assert_non_null(img);
	assert_int_equal(vips_image_get_bands(img), 3);
	double mean = -1;
	assert_int_equal(vips_avg(img, &mean, NULL), 0);
	g_object_unref(img);
	photo_out_free(&out);
	return mean;
}

static void
test_png_alpha_flattened_on_white(void **state)
{
	(void)state;
	/* Fully transparent black RGBA: must come out white, not black. */
	VipsImage *rgba = NULL, *tagged = NULL;
	assert_int_equal(vips_black(&rgba, 800, 600, "bands", 4, NULL), 0);
	assert_int_equal(vips_copy(rgba, &tagged, "interpretation", VIPS_INTERPRETATION_sRGB, NULL),
	                 0);
	assert_true(vips_image_hasalpha(tagged));
	void *png = NULL;
	size_t len;
	assert_int_equal(vips_pngsave_buffer(tagged, &png, &len, NULL), 0);
	g_object_unref(rgba);
	g_object_unref(tagged);
	int w, h;
	expect_ok(png, len, &w, &h);
	assert_int_equal(w, 800);
	assert_int_equal(h, 600);
	assert_true(full_mean(png, len) > 250.0);
	g_free(png);

	/* 16-bit grey + alpha, transparent: white 8-bit sRGB too. */
	VipsImage *g = NULL, *g16 = NULL, *ga16 = NULL;
	assert_int_equal(vips_black(&g, 300, 200, "bands", 2, NULL), 0);
	assert_int_equal(vips_cast_ushort(g, &g16, NULL), 0);
	assert_int_equal(vips_copy(g16, &ga16, "interpretation", VIPS_INTERPRETATION_GREY16, NULL),
	                 0);
	assert_int_equal(vips_pngsave_buffer(ga16, &png, &len, "bitdepth", 16, NULL), 0);
	g_object_unref(g);
	g_object_unref(g16);
	g_object_unref(ga16);
	expect_ok(png, len, &w, &h);
	assert_int_equal(w, 300);
	assert_int_equal(h, 200);
	assert_true(full_mean(png, len) > 250.0);
	g_free(png);

	/* Opaque PNG keeps its colour (mean well below white). */
	VipsImage *rgb = make_rgb(500, 500);
	assert_int_equal(vips_pngsave_buffer(rgb, &png, &len, NULL), 0);
	g_object_unref(rgb);
	assert_true(full_mean(png, len) < 200.0);
	g_free(png);
}

static void
test_webp(void **state)
{
	(void)state;
	VipsImage *img = make_rgb(2400, 1200);
	void *webp = NULL;
	size_t len;
	assert_int_equal(vips_webpsave_buffer(img, &webp, &len, "Q", 70, NULL), 0);
	g_object_unref(img);
	assert_string_equal(vips_foreign_find_load_buffer(webp, len), "VipsForeignLoadWebpBuffer");
	int w, h;
	expect_ok(webp, len, &w, &h);
	assert_int_equal(w, 1600);
	assert_int_equal(h, 800);
	g_free(webp);
}

static void
test_other_formats_refused(void **state)
{
	(void)state;
	VipsImage *img = make_rgb(64, 48);
	void *b = NULL;
	size_t len;
	/* GIF: libvips' saver if built in, else a hand-written 1x1 GIF89a. */
	if (vips_gifsave_buffer(img, &b, &len, NULL) == 0) {
		expect_refused(b, len, MSG_FORMAT);
		g_free(b);
	} else {
		vips_error_clear();
	}
	static const unsigned char gif[] = {'G',  'I',  'F',  '8',  '9',  'a',  1,    0,    1,
	                                    0,    0x80, 0,    0,    0,    0,    0,    0xFF, 0xFF,
	                                    0xFF, 0x2C, 0,    0,    0,    0,    1,    0,    1,
	                                    0,    0,    0x02, 0x02, 0x44, 0x01, 0x00, 0x3B};
	expect_refused(gif, sizeof gif, MSG_FORMAT);
	/* TIFF, if this libvips can write it. */
	if (vips_tiffsave_buffer(img, &b, &len, NULL) == 0) {
		expect_refused(b, len, MSG_FORMAT);
		g_free(b);
	} else {
		vips_error_clear();
	}
	g_object_unref(img);
	/* HEIC from an iPhone: the ISO-BMFF "ftyp heic" box is enough to be sniffed (made by
	 * hand: libheif's x265 encoder leaks a one-time allocation under LeakSanitizer). */
	static const unsigned char heic[] = {0,   0,   0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i',
	                                     'c', 0,   0, 0,  0,   'm', 'i', 'f', '1', 'h', 'e',
	                                     'i', 'c', 0, 0,  0,   8,   'm', 'e', 't', 'a'};
	expect_refused(heic, sizeof heic, MSG_FORMAT);

	static const char svg[] =
	        "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
	        "width=\"100\" height=\"100\"><rect width=\"100\" height=\"100\" "
	        "fill=\"red\"/></svg>\n";
	expect_refused(svg, sizeof svg - 1, MSG_FORMAT);
	static const char pdf[] = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";
	expect_refused(pdf, sizeof pdf - 1, MSG_FORMAT);
	static const char text[] = "Báo cáo kết quả Tuần lễ học tập suốt đời.jpg\n";
	expect_refused(text, sizeof text - 1, MSG_FORMAT);

	unsigned char junk[4096];
	uint32_t x = 12345;
	for (size_t i = 0; i < sizeof junk; i++) {
		x = x * 1103515245u + 12345u;
		junk[i] = (unsigned char)(x >> 16);
	}
	expect_refused(junk, sizeof junk, MSG_FORMAT);
}

static void
test_truncated_and_corrupt(void **state)
{
	(void)state;
	size_t len;
	void *jpg = plain_jpeg(3000, 2000, &len);
	expect_refused(jpg, len / 2, MSG_CORRUPT);
	expect_refused(jpg, 3, MSG_CORRUPT);   /* just the SOI + marker byte */
	expect_refused(jpg, 200, MSG_CORRUPT); /* headers only */
	g_free(jpg);

	VipsImage *img = make_rgb(800, 600);
	void *png = NULL;
	assert_int_equal(vips_pngsave_buffer(img, &png, &len, NULL), 0);
	expect_refused(png, len / 2, MSG_CORRUPT);
	/* Corrupt the compressed data in the middle. */
	unsigned char *p = png;
	for (size_t i = len / 3; i < len / 3 + 64; i++)
		p[i] ^= 0x5A;
	expect_refused(png, len, MSG_CORRUPT);
	g_free(png);

	void *webp = NULL;
	assert_int_equal(vips_webpsave_buffer(img, &webp, &len, NULL), 0);
	expect_refused(webp, len / 2, MSG_CORRUPT);
	g_free(webp);
	g_object_unref(img);
}

static void
test_empty_and_oversize(void **state)
{
	(void)state;
	photo_out_t out;
	char err[256];
	assert_int_equal(photo_process("", 0, &out, err, sizeof err), -1);
	assert_true(strstr(err, "hãy chọn lại ảnh") != NULL);
	assert_int_equal(photo_process(NULL, 0, &out, err, sizeof err), -1);
	assert_true(err[0] != '\0');

	/* Zeros just over the cap. */
	size_t big = (size_t)PHOTO_MAX_BYTES + 1;
	unsigned char *z = calloc(1, big);
	assert_non_null(z);
	expect_refused(z, big, MSG_BIG);
	/* A valid JPEG padded past the cap is refused by size, before any decoding. */
	size_t len;
	void *jpg = plain_jpeg(640, 480, &len);
	memcpy(z, jpg, len);
	expect_refused(z, big, MSG_BIG);
	/* ... and exactly at the cap it is fine (trailing zeros after EOI). */
	int w, h;
	expect_ok(z, PHOTO_MAX_BYTES, &w, &h);
	assert_int_equal(w, 640);
	g_free(jpg);
	free(z);

	/* A tiny err buffer is truncated, never overrun. */
	char tiny[8];
	assert_int_equal(photo_process("GIF89a", 6, &out, tiny, sizeof tiny), -1);
	assert_true(strlen(tiny) < sizeof tiny);
	assert_int_equal(photo_process("GIF89a", 6, &out, NULL, 0), -1);
}

static uint32_t
crc32(const unsigned char *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
	}
	return c ^ 0xFFFFFFFFu;
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* A 1x1 PNG whose IHDR is patched to claim w x h, with a correct CRC. */
static void *
png_claiming(uint32_t w, uint32_t h, size_t *len)
{
	VipsImage *img = make_rgb(1, 1);
	void *png = NULL;
	assert_int_equal(vips_pngsave_buffer(img, &png, len, NULL), 0);
	g_object_unref(img);
	unsigned char *p = png;
	/* 8 signature, 4 length, "IHDR" at 12, width 16, height 20, CRC over 12..28 at 29. */
	assert_memory_equal(p + 12, "IHDR", 4);
	put32(p + 16, w);
	put32(p + 20, h);
	put32(p + 29, crc32(p + 12, 17));
	return png;
}

static void
test_bomb_refused_from_header(void **state)
{
	(void)state;
	size_t len;
	void *png = png_claiming(100000, 100000, &len);
	/* libvips reads the header fine: the refusal is ours, not a decode error. */
	VipsImage *hdr = vips_image_new_from_buffer(png, len, "", NULL);
	assert_non_null(hdr);
	assert_int_equal(vips_image_get_width(hdr), 100000);
	g_object_unref(hdr);
	photo_out_t out;
	char err[256];
	assert_int_equal(photo_process(png, len, &out, err, sizeof err), -1);
	assert_true(strstr(err, "50 triệu") != NULL);
	assert_true(strstr(err, "độ phân giải thấp hơn") != NULL);
	g_free(png);

	/* Just over the limit (10000 x 5001) is refused the same way... */
	png = png_claiming(10000, 5001, &len);
	assert_int_equal(photo_process(png, len, &out, err, sizeof err), -1);
	assert_true(strstr(err, "50 triệu") != NULL);
	g_free(png);
	/* ...while at the limit the header passes and the missing pixel data is corruption. */
	png = png_claiming(10000, 5000, &len);
	expect_refused(png, len, MSG_CORRUPT);
	g_free(png);
}

/* Several uploads at once. */
static void *jpg_shared;
static size_t jpg_shared_len;

static void *
worker(void *arg)
{
	int *ok = arg;
	*ok = 1;
	for (int i = 0; i < 3; i++) {
		photo_out_t out;
		char err[256];
		if (photo_process(jpg_shared, jpg_shared_len, &out, err, sizeof err) != 0 ||
		    out.width != 1600 || out.height != 1200 || out.thumb.len < 3)
			*ok = 0;
		photo_out_free(&out);
		if (photo_process("junk", 4, &out, err, sizeof err) != -1 ||
		    strcmp(err, MSG_FORMAT) != 0)
			*ok = 0;
	}
	return NULL;
}

static void
test_threads(void **state)
{
	(void)state;
	jpg_shared = plain_jpeg(2000, 1500, &jpg_shared_len);
	pthread_t th[4];
	int ok[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, worker, &ok[i]), 0);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(ok[i], 1);
	}
	g_free(jpg_shared);
}

int
main(int argc, char **argv)
{
	(void)argc;
	if (photo_init(argv[0]) != 0) {
		fprintf(stderr, "photo_init failed\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_init_twice),
	        cmocka_unit_test(test_big_jpeg_with_exif),
	        cmocka_unit_test(test_orientation),
	        cmocka_unit_test(test_small_not_enlarged),
	        cmocka_unit_test(test_png_alpha_flattened_on_white),
	        cmocka_unit_test(test_webp),
	        cmocka_unit_test(test_other_formats_refused),
	        cmocka_unit_test(test_truncated_and_corrupt),
	        cmocka_unit_test(test_empty_and_oversize),
	        cmocka_unit_test(test_bomb_refused_from_header),
	        cmocka_unit_test(test_threads),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	vips_shutdown();
	return rc;
}
