/* Photo processing with libvips: sniff, header-only bomb check, then one streaming pass
 * (shrink-on-load, auto-rotate, flatten, sRGB, JPEG with metadata stripped) and a thumbnail
 * made from the stored JPEG. */
#include "media/photo.h"

#include "core/log.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <vips/vips.h>

#define MSG_EMPTY "Chưa có ảnh hoặc tệp ảnh trống; hãy chọn lại ảnh."
#define MSG_BIG "Ảnh lớn quá 10 MB; hãy chụp ở độ phân giải thấp hơn."
#define MSG_FORMAT "Ảnh phải là JPEG, PNG hoặc WebP."
#define MSG_CORRUPT "Tệp ảnh bị hỏng hoặc không đầy đủ; hãy chọn lại ảnh."
#define MSG_PIXELS "Ảnh có quá nhiều điểm ảnh (trên 50 triệu); hãy chụp ở độ phân giải thấp hơn."
#define MSG_INTERNAL "Máy chủ chưa xử lý được ảnh; hãy thử lại sau ít phút."

_Static_assert(PHOTO_MAX_BYTES == 10u << 20, "MSG_BIG says 10 MB");
_Static_assert(PHOTO_MAX_PIXELS == 50u * 1000 * 1000, "MSG_PIXELS says 50 million");

/* Strict decoding: truncation and real errors fail, benign warnings (extraneous bytes
 * before a marker, common from old phones) do not. libvips 8.14's thumbnail ignores its own
 * "fail_on" property, so it is also handed to the loader as an option string. */
#define LOAD_FAIL_ON VIPS_FAIL_ON_ERROR
#define LOAD_OPTIONS "fail_on=error"

#define JPEG_Q_FULL 82
#define JPEG_Q_THUMB 80

/* The libvips loaders we accept; names differ between builds (libpng vs spng...). Checked
 * against vips_foreign_find_load_buffer, and the only loaders left unblocked. */
static const char *const allowed_loaders[] = {
        "VipsForeignLoadJpegBuffer", "VipsForeignLoadPngBuffer",  "VipsForeignLoadPngLoadBuffer",
        "VipsForeignLoadSpngBuffer", "VipsForeignLoadWebpBuffer",
};

static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static int init_state; /* 0 not yet, 1 ready, -1 failed; under init_lock */

/* libvips and GLib report problems in an uploaded file (truncated JPEG, bad tiles...) as
 * warnings, and libvips narrates every operation (loader chosen, shrink factors, "using
 * vector path": ~20 lines per photo) as info/debug messages. All of it goes through our log
 * at its own level, so the narration is a debug line an operator turns on with
 * log_level = debug and never a warning. The text is shaped by whoever uploads: one line,
 * control characters removed, and at most 20 written a minute. */
static void
photo_glib_log(const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer unused)
{
	(void)unused;
	int our = (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL)) ? LOG_ERROR
	          : (level & G_LOG_LEVEL_WARNING)                      ? LOG_WARN
	                                                               : LOG_DEBUG;
	if (our < log_get_level())
		return;
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	static time_t window;
	static int count;
	time_t now = time(NULL);
	pthread_mutex_lock(&mu);
	if (now - window >= 60) {
		window = now;
		count = 0;
	}
	int show = count++ < 20;
	pthread_mutex_unlock(&mu);
	if (!show)
		return;
	char clean[300];
	size_t k = 0;
	for (const char *p = message ? message : ""; *p && k + 1 < sizeof clean; p++)
		clean[k++] = (unsigned char)*p < 0x20 ? ' ' : *p;
	clean[k] = '\0';
	log_event(NULL, our, clean,
	          (log_field_t[]){{.key = "lib", .value = domain ? domain : "glib"}}, 1);
}

int
photo_init(const char *argv0)
{
	pthread_mutex_lock(&init_lock);
	if (init_state == 0) {
		if (VIPS_INIT(argv0 ? argv0 : "suotdoi") != 0) {
			init_state = -1;
		} else {
			/* No operation cache: every upload is different, and it would hold
			 * decoded pixels of untrusted images between requests. */
			g_log_set_handler("VIPS", G_LOG_LEVEL_MASK, photo_glib_log, NULL);
			/* GLib, GObject, Pango...: whatever has no handler of its own */
			g_log_set_default_handler(photo_glib_log, NULL);
			vips_cache_set_max(0);
			vips_cache_set_max_mem(0);
			vips_cache_set_max_files(0);
			/* Defence in depth: only our three formats can ever be decoded. */
			vips_block_untrusted_set(TRUE);
			vips_operation_block_set("VipsForeignLoad", TRUE);
			for (size_t i = 0; i < sizeof allowed_loaders / sizeof *allowed_loaders;
			     i++)
				if (g_type_from_name(allowed_loaders[i]))
					vips_operation_block_set(allowed_loaders[i], FALSE);
			init_state = 1;
		}
		vips_error_clear();
	}
	int rc = init_state > 0 ? 0 : -1;
	pthread_mutex_unlock(&init_lock);
	return rc;
}

static int
refuse(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
	vips_error_clear();
	return -1;
}

static int
loader_allowed(const char *name)
{
	if (!name)
		return 0;
	for (size_t i = 0; i < sizeof allowed_loaders / sizeof *allowed_loaders; i++)
		if (strcmp(name, allowed_loaders[i]) == 0)
			return 1;
	return 0;
}

/* Saves in as a stripped JPEG into dst. 0 or -1. */
static int
save_jpeg(VipsImage *in, int q, buf_t *dst)
{
	void *mem = NULL;
	size_t n = 0;
	if (vips_jpegsave_buffer(in, &mem, &n, "Q", q, "strip", TRUE, "optimize_coding", TRUE,
	                         NULL) != 0) {
		g_free(mem);
		return -1;
	}
	int rc = -1;
	if (mem && n >= 3) {
		buf_append(dst, mem, n);
		rc = 0;
	}
	g_free(mem);
	return rc;
}

/* Flattens alpha on white, converts to 8-bit sRGB with 3 bands. Steals nothing: *out is a
 * new reference, in is left to the caller. 0 or -1. */
static int
to_srgb(VipsImage *in, VipsImage **out)
{
	VipsImage *cur = in, *next = NULL;
	g_object_ref(cur);
	if (vips_image_hasalpha(cur)) {
		double white = vips_image_get_format(cur) == VIPS_FORMAT_USHORT ? 65535.0 : 255.0;
		VipsArrayDouble *bg = vips_array_double_newv(1, white);
		int rc = vips_flatten(cur, &next, "background", bg, "max_alpha", white, NULL);
		vips_area_unref(VIPS_AREA(bg));
		g_object_unref(cur);
		if (rc != 0)
			return -1;
		cur = next;
	}
	if (vips_image_get_interpretation(cur) != VIPS_INTERPRETATION_sRGB ||
	    vips_image_get_bands(cur) != 3) {
		int rc = vips_colourspace(cur, &next, VIPS_INTERPRETATION_sRGB, NULL);
		g_object_unref(cur);
		if (rc != 0)
			return -1;
		cur = next;
	}
	if (vips_image_get_format(cur) != VIPS_FORMAT_UCHAR) {
		int rc = vips_cast_uchar(cur, &next, NULL);
		g_object_unref(cur);
		if (rc != 0)
			return -1;
		cur = next;
	}
	if (vips_image_get_bands(cur) != 3) {
		g_object_unref(cur);
		return -1;
	}
	*out = cur;
	return 0;
}

int
photo_process(const void *data, size_t len, photo_out_t *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (err && errlen)
		err[0] = '\0';
	if (!data || len == 0)
		return refuse(err, errlen, MSG_EMPTY);
	if (len > PHOTO_MAX_BYTES)
		return refuse(err, errlen, MSG_BIG);
	if (photo_init(NULL) != 0)
		return refuse(err, errlen, MSG_INTERNAL);

	/* Sniff from the bytes only. */
	if (!loader_allowed(vips_foreign_find_load_buffer(data, len)))
		return refuse(err, errlen, MSG_FORMAT);

	/* libvips wants a non-const pointer for some loaders; it never writes to it. */
	void *bytes = (void *)(uintptr_t)data;

	/* Header only (loading is lazy): size check before any pixel is decoded. */
	VipsImage *hdr = vips_image_new_from_buffer(
	        bytes, len, "", "access", VIPS_ACCESS_SEQUENTIAL, "fail_on", LOAD_FAIL_ON, NULL);
	if (!hdr)
		return refuse(err, errlen, MSG_CORRUPT);
	int w = vips_image_get_width(hdr), h = vips_image_get_height(hdr);
	g_object_unref(hdr);
	if (w <= 0 || h <= 0)
		return refuse(err, errlen, MSG_CORRUPT);
	if ((uint64_t)w * (uint64_t)h > PHOTO_MAX_PIXELS)
		return refuse(err, errlen, MSG_PIXELS);

	/* Shrink-on-load to fit a PHOTO_LONG_EDGE square, never enlarging; auto-rotates by
	 * the orientation tag; embedded ICC profiles (and CMYK) are converted to sRGB. */
	VipsImage *thumb = NULL, *srgb = NULL;
	if (vips_thumbnail_buffer(bytes, len, &thumb, PHOTO_LONG_EDGE, "height", PHOTO_LONG_EDGE,
	                          "size", VIPS_SIZE_DOWN, "export_profile", "srgb", "fail_on",
	                          LOAD_FAIL_ON, "option_string", LOAD_OPTIONS, NULL) != 0)
		return refuse(err, errlen, MSG_CORRUPT);
	int rc = to_srgb(thumb, &srgb);
	g_object_unref(thumb);
	if (rc != 0)
		return refuse(err, errlen, MSG_CORRUPT);
	/* The pixels are decoded here, so a truncated or corrupt file fails here. */
	rc = save_jpeg(srgb, JPEG_Q_FULL, &out->full);
	out->width = vips_image_get_width(srgb);
	out->height = vips_image_get_height(srgb);
	g_object_unref(srgb);
	if (rc != 0) {
		photo_out_free(out);
		return refuse(err, errlen, MSG_CORRUPT);
	}

	/* Thumbnail from our own clean JPEG: already upright, sRGB, no metadata. */
	VipsImage *small = NULL;
	if (vips_thumbnail_buffer(out->full.data, out->full.len, &small, PHOTO_THUMB_EDGE, "height",
	                          PHOTO_THUMB_EDGE, "size", VIPS_SIZE_DOWN, NULL) != 0) {
		photo_out_free(out);
		return refuse(err, errlen, MSG_INTERNAL);
	}
	rc = save_jpeg(small, JPEG_Q_THUMB, &out->thumb);
	g_object_unref(small);
	if (rc != 0) {
		photo_out_free(out);
		return refuse(err, errlen, MSG_INTERNAL);
	}
	return 0;
}

void
photo_out_free(photo_out_t *out)
{
	if (!out)
		return;
	buf_free(&out->full);
	buf_free(&out->thumb);
	out->width = out->height = 0;
}
