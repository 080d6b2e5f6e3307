/* libFuzzer driver for photo processing: any bytes are either refused with a message or
 * turned into two valid JPEGs within the size limits. Work is capped so the fuzzer stays
 * fast: inputs over 64 KiB are skipped, and so are headers claiming more than 1 megapixel
 * but no more than PHOTO_MAX_PIXELS (valid but slow to decode; bombs above the limit still
 * go through, to exercise the refusal).
 *
 * Outcome feedback (feedback.h): libvips and its codecs are built without coverage, so the
 * driver reports what they did (loader, bands, sample format, colour space, size class,
 * metadata, the text of a libvips error, our refusal, the output's size) as edges; without
 * it, real images looked like stray bytes to libFuzzer and were dropped from the corpus. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vips/vips.h>

#include "feedback.h"
#include "media/photo.h"
#include "text/text.h"

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			abort();                                                                   \
	} while (0)

#define FUZZ_MAX_INPUT (64u << 10)
#define MAX_FUZZ_PIXELS (1000u * 1000)

static void
quiet(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer user)
{
	(void)domain;
	(void)level;
	(void)msg;
	(void)user;
}

/* What the header load found: the image's shape, or the libvips error. */
static void
feedback_header(VipsImage *hdr)
{
	if (!hdr) {
		fuzz_feedback_text("error", vips_error_buffer());
		return;
	}
	fuzz_feedback_int("bands", vips_image_get_bands(hdr));
	fuzz_feedback_int("format", vips_image_get_format(hdr));
	fuzz_feedback_int("interpretation", vips_image_get_interpretation(hdr));
	fuzz_feedback_int("coding", vips_image_get_coding(hdr));
	fuzz_feedback_int("alpha", vips_image_hasalpha(hdr));
	fuzz_feedback_int("pages", vips_image_get_n_pages(hdr));
	fuzz_feedback_int("orientation", vips_image_get_orientation(hdr));
	fuzz_feedback_int("width", fuzz_size_class(vips_image_get_width(hdr)));
	fuzz_feedback_int("height", fuzz_size_class(vips_image_get_height(hdr)));
	fuzz_feedback_int("icc", vips_image_get_typeof(hdr, VIPS_META_ICC_NAME) != 0);
	fuzz_feedback_int("exif", vips_image_get_typeof(hdr, VIPS_META_EXIF_NAME) != 0);
	fuzz_feedback_int("xmp", vips_image_get_typeof(hdr, VIPS_META_XMP_NAME) != 0);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	if (photo_init((*argv)[0]) != 0)
		abort();
	vips_concurrency_set(1);
	g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO,
	                  quiet, NULL);
	return 0;
}

/* Decodes a JPEG we produced and returns its size; aborts if it is not a clean JPEG. */
static void
check_jpeg(const buf_t *b, int *w, int *h)
{
	CHECK(b->data && b->len > 3 && memcmp(b->data, "\xFF\xD8\xFF", 3) == 0);
	VipsImage *img = vips_image_new_from_buffer(b->data, b->len, "", NULL);
	CHECK(img != NULL);
	CHECK(vips_image_get_typeof(img, VIPS_META_EXIF_NAME) == 0);
	CHECK(vips_image_get_typeof(img, VIPS_META_ICC_NAME) == 0);
	CHECK(vips_image_get_bands(img) == 3);
	*w = vips_image_get_width(img);
	*h = vips_image_get_height(img);
	g_object_unref(img);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_INPUT)
		return 0;
	/* Skip valid-but-large images (slow, not interesting); keep bombs. */
	const char *loader = size ? vips_foreign_find_load_buffer(data, size) : NULL;
	if (loader) {
		fuzz_feedback_text("loader", loader);
		VipsImage *hdr = vips_image_new_from_buffer(data, size, "", "access",
		                                            VIPS_ACCESS_SEQUENTIAL, NULL);
		feedback_header(hdr);
		if (hdr) {
			uint64_t px = (uint64_t)vips_image_get_width(hdr) *
			              (uint64_t)vips_image_get_height(hdr);
			g_object_unref(hdr);
			if (px > MAX_FUZZ_PIXELS && px <= PHOTO_MAX_PIXELS) {
				vips_error_clear();
				return 0;
			}
		}
	}
	vips_error_clear();

	photo_out_t out;
	char err[256];
	int rc = photo_process(data, size, &out, err, sizeof err);
	if (rc != 0) {
		fuzz_feedback_text("refused", err);
		CHECK(rc == -1);
		CHECK(err[0] != '\0' && text_utf8_valid(err, strlen(err)));
		CHECK(out.full.data == NULL && out.thumb.data == NULL);
	} else {
		int w, h, tw, th;
		check_jpeg(&out.full, &w, &h);
		CHECK(w == out.width && h == out.height);
		CHECK(w > 0 && h > 0 && w <= PHOTO_LONG_EDGE && h <= PHOTO_LONG_EDGE);
		check_jpeg(&out.thumb, &tw, &th);
		CHECK(tw > 0 && th > 0 && tw <= PHOTO_THUMB_EDGE && th <= PHOTO_THUMB_EDGE);
		fuzz_feedback_int("out width", fuzz_size_class(w));
		fuzz_feedback_int("out height", fuzz_size_class(h));
		fuzz_feedback_int("out bytes", fuzz_size_class((long)out.full.len));
	}
	photo_out_free(&out);
	return 0;
}
