/* Representative photos ("hình ảnh tiêu biểu") attached to a results report: untrusted
 * bytes from old phones in, a small metadata-free sRGB JPEG and a thumbnail out (libvips). */
#ifndef SUOTDOI_PHOTO_H
#define SUOTDOI_PHOTO_H

#include <stddef.h>

#include "core/buf.h"

/* Limits */
#define PHOTO_MAX_BYTES (10u << 20)          /* upload cap */
#define PHOTO_MAX_PIXELS (50u * 1000 * 1000) /* decompression-bomb guard */
#define PHOTO_LONG_EDGE 1600                 /* stored photo: longest side */
#define PHOTO_THUMB_EDGE 320                 /* thumbnail */

/* Call once at start-up (VIPS_INIT); -1 on failure. Safe to call twice (and from several
 * threads). Turns the libvips operation cache off and blocks every libvips loader except
 * the JPEG, PNG and WebP buffer loaders, process-wide. photo_process calls it itself if
 * nobody did. */
int photo_init(const char *argv0);

typedef struct photo_out {
	buf_t full;        /* JPEG, quality ~82, sRGB, no metadata (EXIF/GPS/ICC stripped) */
	buf_t thumb;       /* JPEG thumbnail */
	int width, height; /* of full */
} photo_out_t;

/* Accept JPEG, PNG or WebP (sniffed from the bytes, never from a file name), refuse
 * everything else (GIF, SVG, HEIC, PDF, text...) and oversize, truncated or corrupt
 * images, bombs (width*height > PHOTO_MAX_PIXELS, checked from the header BEFORE decoding).
 * Auto-rotate by EXIF orientation, flatten alpha on white, convert to sRGB, shrink so the
 * long edge <= PHOTO_LONG_EDGE (never enlarge), re-encode as JPEG with metadata stripped,
 * and make the thumbnail (long edge <= PHOTO_THUMB_EDGE). 0, or -1 with a Vietnamese
 * message in err that says what to do ("Ảnh phải là JPEG, PNG hoặc WebP.",
 * "Ảnh lớn quá 10 MB; hãy chụp ở độ phân giải thấp hơn.",
 * "Tệp ảnh bị hỏng hoặc không đầy đủ; hãy chọn lại ảnh."...). On -1 *out is empty (safe to
 * photo_out_free). Thread-safe. */
int photo_process(const void *data, size_t len, photo_out_t *out /* OUT */, char *err,
                  size_t errlen);
void photo_out_free(photo_out_t *out);

#endif
