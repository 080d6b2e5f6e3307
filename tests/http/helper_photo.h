/* A phone camera's photo for the photo tests: fine grey grain that JPEG cannot squeeze, so the
 * file is as big as a real one (4000x3000 at quality 95: ~4 MB). */
#ifndef SUOTDOI_TEST_HELPER_PHOTO_H
#define SUOTDOI_TEST_HELPER_PHOTO_H

#include <stddef.h>

/* Write a width x height JPEG at quality 95 to path; its size in *len. 0, or -1 (libvips's
 * or the file's error on stderr). photo_init must have run. */
int hp_camera_jpeg(const char *path, int width, int height, size_t *len /* OUT */);

#endif
