/* Writes fuzz_photo's seeds (fuzz/seeds/fuzz_photo/, committed): small real JPEG, PNG and
 * WebP files in the shapes phones and scanners send — baseline and progressive JPEG, CMYK
 * and grey JPEG, EXIF orientation, PNG with alpha, palette, 16-bit and interlaced, lossy
 * and lossless WebP with alpha, one bomb header — each a few hundred bytes to a few KB.
 * Not part of the build (nothing in the build runs it); run from the source tree:
 *   cc -o /tmp/mps fuzz/make_photo_seeds.c $(pkg-config --cflags --libs vips) &&
 *   /tmp/mps fuzz/seeds/fuzz_photo
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vips/vips.h>

static const char *outdir;

static void
fail(const char *what)
{
	fprintf(stderr, "make_photo_seeds: %s: %s\n", what, vips_error_buffer());
	exit(1);
}

/* A w x h sRGB test picture: a colour gradient with a diagonal band (edges for the
 * shrinker, colours for the colourspace conversion). */
static VipsImage *
picture(int w, int h)
{
	VipsImage *xy, *bands[3], *rgb, *u8;
	if (vips_xyz(&xy, w, h, NULL))
		fail("xyz");
	VipsImage *x, *y, *sum;
	if (vips_extract_band(xy, &x, 0, NULL) || vips_extract_band(xy, &y, 1, NULL) ||
	    vips_add(x, y, &sum, NULL))
		fail("bands");
	if (vips_linear1(x, &bands[0], 255.0 / w, 0, NULL) ||
	    vips_linear1(y, &bands[1], 255.0 / h, 0, NULL) ||
	    vips_linear1(sum, &bands[2], 255.0 / (w + h), 0, NULL))
		fail("linear");
	if (vips_bandjoin(bands, &rgb, 3, NULL) || vips_cast_uchar(rgb, &u8, NULL))
		fail("join");
	vips_image_set_int(u8, "interpretation", VIPS_INTERPRETATION_sRGB);
	u8->Type = VIPS_INTERPRETATION_sRGB;
	g_object_unref(xy);
	g_object_unref(x);
	g_object_unref(y);
	g_object_unref(sum);
	for (int i = 0; i < 3; i++)
		g_object_unref(bands[i]);
	g_object_unref(rgb);
	return u8;
}

static VipsImage *
with_alpha(VipsImage *in)
{
	VipsImage *a, *out;
	if (vips_extract_band(in, &a, 0, NULL) || vips_bandjoin2(in, a, &out, NULL))
		fail("alpha");
	g_object_unref(a);
	out->Type = VIPS_INTERPRETATION_sRGB;
	return out;
}

static void
save(const char *name, void *mem, size_t len)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", outdir, name);
	FILE *f = fopen(path, "wb");
	if (f == NULL || fwrite(mem, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "make_photo_seeds: cannot write %s\n", path);
		exit(1);
	}
	printf("%-28s %6zu bytes\n", name, len);
	g_free(mem);
}

int
main(int argc, char **argv)
{
	if (argc != 2 || VIPS_INIT(argv[0]))
		return 2;
	outdir = argv[1];
	void *mem;
	size_t len;
	VipsImage *p = picture(48, 32), *tall = picture(24, 40), *grey, *cmyk, *pa, *p16;

	if (vips_jpegsave_buffer(p, &mem, &len, "Q", 60, "strip", TRUE, NULL))
		fail("jpeg");
	save("baseline.jpg", mem, len);
	if (vips_jpegsave_buffer(tall, &mem, &len, "Q", 40, "interlace", TRUE, "strip", TRUE, NULL))
		fail("progressive");
	save("progressive.jpg", mem, len);
	if (vips_jpegsave_buffer(p, &mem, &len, "Q", 50, "subsample_mode",
	                         VIPS_FOREIGN_SUBSAMPLE_OFF, "strip", TRUE, NULL))
		fail("444");
	save("no-subsample.jpg", mem, len);
	/* EXIF orientation 6 (rotate 90°): the photo must come out turned */
	VipsImage *o;
	if (vips_copy(tall, &o, NULL))
		fail("copy");
	vips_image_set_int(o, "orientation", 6);
	if (vips_jpegsave_buffer(o, &mem, &len, "Q", 40, NULL))
		fail("exif");
	save("exif-orientation-6.jpg", mem, len);
	g_object_unref(o);
	if (vips_colourspace(p, &grey, VIPS_INTERPRETATION_B_W, NULL) ||
	    vips_jpegsave_buffer(grey, &mem, &len, "Q", 50, "strip", TRUE, NULL))
		fail("grey");
	save("grey.jpg", mem, len);
	if (vips_colourspace(p, &cmyk, VIPS_INTERPRETATION_CMYK, NULL) ||
	    vips_jpegsave_buffer(cmyk, &mem, &len, "Q", 50, "strip", TRUE, NULL))
		fail("cmyk");
	save("cmyk.jpg", mem, len);

	if (vips_pngsave_buffer(p, &mem, &len, "compression", 9, "strip", TRUE, NULL))
		fail("png");
	save("rgb.png", mem, len);
	pa = with_alpha(tall);
	if (vips_pngsave_buffer(pa, &mem, &len, "compression", 9, "strip", TRUE, NULL))
		fail("png alpha");
	save("alpha.png", mem, len);
	if (vips_pngsave_buffer(p, &mem, &len, "palette", TRUE, "bitdepth", 4, "strip", TRUE, NULL))
		fail("palette");
	save("palette-4bit.png", mem, len);
	if (vips_pngsave_buffer(grey, &mem, &len, "interlace", TRUE, "strip", TRUE, NULL))
		fail("interlaced");
	save("grey-interlaced.png", mem, len);
	if (vips_cast_ushort(p, &p16, NULL))
		fail("16");
	p16->Type = VIPS_INTERPRETATION_RGB16;
	if (vips_pngsave_buffer(p16, &mem, &len, "bitdepth", 16, "strip", TRUE, NULL))
		fail("png16");
	save("rgb16.png", mem, len);

	if (vips_webpsave_buffer(p, &mem, &len, "Q", 40, "strip", TRUE, NULL))
		fail("webp");
	save("lossy.webp", mem, len);
	if (vips_webpsave_buffer(pa, &mem, &len, "lossless", TRUE, "strip", TRUE, NULL))
		fail("webp lossless");
	save("lossless-alpha.webp", mem, len);
	if (vips_webpsave_buffer(pa, &mem, &len, "Q", 30, "strip", TRUE, NULL))
		fail("webp alpha");
	save("lossy-alpha.webp", mem, len);

	/* a bomb: a real PNG whose header claims 20000 x 20000 (400 Mpx) — refused before
	 * decoding. The IHDR's width and height are patched and its CRC left wrong, as a
	 * hand-made bomb would have it. */
	if (vips_pngsave_buffer(p, &mem, &len, "strip", TRUE, NULL))
		fail("bomb");
	unsigned char *b = mem;
	static const unsigned char dim[8] = {0, 0, 0x4e, 0x20, 0, 0, 0x4e, 0x20};
	memcpy(b + 16, dim, 8);
	save("bomb-header.png", mem, len);

	g_object_unref(p);
	g_object_unref(tall);
	g_object_unref(grey);
	g_object_unref(cmyk);
	g_object_unref(pa);
	g_object_unref(p16);
	vips_shutdown();
	return 0;
}
