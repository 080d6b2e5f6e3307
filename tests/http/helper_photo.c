/* A phone camera's photo for the photo tests (helper_photo.h). */
#include "helper_photo.h"

#include <stdio.h>
#include <vips/vips.h>

int
hp_camera_jpeg(const char *path, int width, int height, size_t *len)
{
	VipsImage *noise = NULL, *u8 = NULL, *rgb = NULL;
	void *jpeg = NULL;
	int rc = -1;
	if (vips_gaussnoise(&noise, width, height, "sigma", 4.0, "mean", 128.0, NULL) == 0 &&
	    vips_cast_uchar(noise, &u8, NULL) == 0) {
		VipsImage *bands[3] = {u8, u8, u8};
		if (vips_bandjoin(bands, &rgb, 3, NULL) == 0 &&
		    vips_jpegsave_buffer(rgb, &jpeg, len, "Q", 95, NULL) == 0) {
			FILE *f = fopen(path, "wb");
			rc = f && fwrite(jpeg, 1, *len, f) == *len ? 0 : -1;
			if (f && fclose(f) != 0)
				rc = -1;
		}
	}
	if (rc < 0)
		fprintf(stderr, "hp_camera_jpeg %s: %s\n", path, vips_error_buffer());
	g_free(jpeg);
	if (rgb)
		g_object_unref(rgb);
	if (u8)
		g_object_unref(u8);
	if (noise)
		g_object_unref(noise);
	return rc;
}
