/* libFuzzer driver for photo processing: any bytes are either refused with a message or
 * turned into two valid JPEGs within the size limits. Work is capped so the fuzzer stays
 * fast: inputs over 64 KiB are skipped, and so are headers claiming more than 1 megapixel
 * but no more than PHOTO_MAX_PIXELS (valid but slow to decode; bombs above the limit still
 * go through, to exercise the refusal).
 *
 * Outcome feedback: libvips and its codecs are Debian's, built without coverage, so libFuzzer
 * sees only our few branches and keeps no input that reaches the same ones: a real JPEG seed
 * and a refused stray byte looked alike, and the seeds were dropped from the working corpus
 * as soon as they were loaded. The driver therefore reports what the decoders did (loader,
 * bands, sample format, colour space, size class, metadata, the text of a libvips error, our
 * refusal) as edges: each outcome is hashed onto one of FEEDBACK_SLOTS small functions, and
 * calling one is an edge libFuzzer counts, so an input that reaches a new decoder outcome is
 * kept and mutated further. */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vips/vips.h>

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

/* FEEDBACK_SLOTS distinct functions (fb_000 … fb_1ff), each its own edge. */
#define FEEDBACK_SLOTS 512
/* clang-format off */
static volatile unsigned feedback_sink;
#define FB(n)                                                                                      \
	static __attribute__((noinline)) void fb_##n(void)                                         \
	{                                                                                          \
		feedback_sink = 0x##n;                                                             \
	}
#define FB16(h)                                                                                    \
	FB(h##0) FB(h##1) FB(h##2) FB(h##3) FB(h##4) FB(h##5) FB(h##6) FB(h##7) FB(h##8) FB(h##9) \
	FB(h##a) FB(h##b) FB(h##c) FB(h##d) FB(h##e) FB(h##f)
#define FB_ALL(X)                                                                                  \
	X(00) X(01) X(02) X(03) X(04) X(05) X(06) X(07) X(08) X(09) X(0a) X(0b) X(0c) X(0d)       \
	X(0e) X(0f) X(10) X(11) X(12) X(13) X(14) X(15) X(16) X(17) X(18) X(19) X(1a) X(1b)      \
	X(1c) X(1d) X(1e) X(1f)
FB_ALL(FB16)
#define FT(n) fb_##n,
#define FT16(h)                                                                                    \
	FT(h##0) FT(h##1) FT(h##2) FT(h##3) FT(h##4) FT(h##5) FT(h##6) FT(h##7) FT(h##8) FT(h##9) \
	FT(h##a) FT(h##b) FT(h##c) FT(h##d) FT(h##e) FT(h##f)
static void (*const feedback_fn[FEEDBACK_SLOTS])(void) = {FB_ALL(FT16)};
/* clang-format on */

/* Reports one outcome: what (a category) and n bytes of value, hashed (FNV-1a) onto a slot.
 * In text, numbers (decimal, and hex after "0x") are skipped: "8 extraneous bytes before
 * marker 0xdb" and "1 … 0xe1" are one kind of error, not 256 outcomes that would fill the
 * corpus with near copies. */
static void
feedback(const char *what, const void *value, size_t n, int text)
{
	uint32_t h = 2166136261u;
	for (const char *p = what; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	const uint8_t *v = value;
	for (size_t i = 0; i < n; i++) {
		if (text && v[i] == '0' && i + 1 < n && (v[i + 1] == 'x' || v[i + 1] == 'X')) {
			for (i += 2; i < n && isxdigit(v[i]); i++)
				;
			i--;
			continue;
		}
		if (text && isdigit(v[i]))
			continue;
		h = (h ^ v[i]) * 16777619u;
	}
	feedback_fn[(h ^ (h >> 16)) % FEEDBACK_SLOTS]();
}

static void
feedback_int(const char *what, long value)
{
	feedback(what, &value, sizeof value, 0);
}

static void
feedback_text(const char *what, const char *text)
{
	feedback(what, text, text ? strlen(text) : 0, 1);
}

/* floor(log2(v)) + 1 for v > 0, else 0: a size class. */
static long
size_class(long v)
{
	long c = 0;
	while (v > 0) {
		c++;
		v >>= 1;
	}
	return c;
}

/* What the header load found: the image's shape, or the libvips error. */
static void
feedback_header(VipsImage *hdr)
{
	if (!hdr) {
		feedback_text("error", vips_error_buffer());
		return;
	}
	feedback_int("bands", vips_image_get_bands(hdr));
	feedback_int("format", vips_image_get_format(hdr));
	feedback_int("interpretation", vips_image_get_interpretation(hdr));
	feedback_int("coding", vips_image_get_coding(hdr));
	feedback_int("alpha", vips_image_hasalpha(hdr));
	feedback_int("pages", vips_image_get_n_pages(hdr));
	feedback_int("orientation", vips_image_get_orientation(hdr));
	feedback_int("width", size_class(vips_image_get_width(hdr)));
	feedback_int("height", size_class(vips_image_get_height(hdr)));
	feedback_int("icc", vips_image_get_typeof(hdr, VIPS_META_ICC_NAME) != 0);
	feedback_int("exif", vips_image_get_typeof(hdr, VIPS_META_EXIF_NAME) != 0);
	feedback_int("xmp", vips_image_get_typeof(hdr, VIPS_META_XMP_NAME) != 0);
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
		feedback_text("loader", loader);
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
		feedback_text("refused", err);
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
		feedback_int("out width", size_class(w));
		feedback_int("out height", size_class(h));
		feedback_int("out bytes", size_class((long)out.full.len));
	}
	photo_out_free(&out);
	return 0;
}
