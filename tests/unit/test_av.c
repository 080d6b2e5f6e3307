/* Audio/video checks (src/media/av.c) on the tiny real files of tests/fixtures/media
 * (made by make.sh there): each accepted kind, and what must be refused — a text file
 * named .mp3, a JPEG claimed as audio, a truncated MP3, a video in an audio entry, a
 * duration over a small cap, a size over the cap (refused before any parsing). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "core/file.h"
#include "media/av.h"

static void *
fixture(const char *name, size_t *len)
{
	char path[512], err[300], *d = NULL;
	snprintf(path, sizeof path, "%s/tests/fixtures/media/%s", TEST_SOURCE_DIR, name);
	assert_int_equal(file_read_all(path, 1u << 20, &d, len, err, sizeof err), 0);
	return d;
}

static int
check(const void *d, size_t n, av_kind_t kind, int64_t max_bytes, int64_t max_s, av_info_t *info,
      char *err)
{
	err[0] = '\0';
	return av_check(d, n, kind, max_bytes, max_s, info, err, 400);
}

static void
accepts(const char *name, av_kind_t kind, const char *container, const char *mime,
        const char *codec)
{
	size_t n;
	void *d = fixture(name, &n);
	av_info_t info;
	char err[400];
	int rc = check(d, n, kind, AV_VIDEO_MAX_BYTES, 300, &info, err);
	if (rc != 0)
		print_error("%s: %s\n", name, err);
	assert_int_equal(rc, 0);
	assert_string_equal(info.container, container);
	assert_string_equal(info.mime, mime);
	assert_non_null(strstr(info.codecs, codec));
	/* 1 second, give or take a frame and the encoder's padding */
	assert_in_range(info.duration_ms, 900, 1200);
	free(d);
}

static void
accepted_kinds(void **state)
{
	(void)state;
	accepts("tone.mp3", AV_AUDIO, "mp3", "audio/mpeg", "mp3");
	accepts("tone.m4a", AV_AUDIO, "mp4", "audio/mp4", "aac");
	accepts("tone.ogg", AV_AUDIO, "ogg", "audio/ogg", "opus");
	accepts("tone_vorbis.ogg", AV_AUDIO, "ogg", "audio/ogg", "vorbis");
	accepts("tone.wav", AV_AUDIO, "wav", "audio/wav", "pcm_s16le");
	accepts("tone_audio.webm", AV_AUDIO, "webm", "audio/webm", "opus");
	accepts("clip.mp4", AV_VIDEO, "mp4", "video/mp4", "h264");
	accepts("clip.webm", AV_VIDEO, "webm", "video/webm", "vp8");
	accepts("clip.3gp", AV_VIDEO, "3gp", "video/3gpp", "mpeg4");
}

static void
refuses(const void *d, size_t n, av_kind_t kind, int64_t max_bytes, int64_t max_s,
        const char *want)
{
	av_info_t info;
	char err[400];
	assert_int_equal(check(d, n, kind, max_bytes, max_s, &info, err), -1);
	if (!strstr(err, want))
		print_error("got \"%s\", want \"%s\"\n", err, want);
	assert_non_null(strstr(err, want));
}

static void
text_named_mp3(void **state)
{
	(void)state;
	const char *t = "Đây là một bài thơ, không phải bản ghi âm.\n";
	refuses(t, strlen(t), AV_AUDIO, AV_AUDIO_MAX_BYTES, 600,
	        "Tệp ghi âm không phải là âm thanh hợp lệ (định dạng không nhận ra)");
	refuses("", 0, AV_AUDIO, AV_AUDIO_MAX_BYTES, 600, "Tệp ghi âm trống");
}

/* Found by fuzz/fuzz_av.c: an EBML header cut inside its DocType ("we" of "webm") was read
 * two bytes past the end by the sniffer. */
static void
ebml_cut_in_doctype(void **state)
{
	(void)state;
	static const unsigned char cut[11] = {0x1a, 0x45, 0xdf, 0xa3, 0x08, 0x42,
	                                      0x82, 0x00, 0x84, 'w',  'e'};
	unsigned char *d = malloc(sizeof cut); /* exactly: ASan catches any read past it */
	memcpy(d, cut, sizeof cut);
	refuses(d, sizeof cut, AV_AUDIO, AV_AUDIO_MAX_BYTES, 600, "định dạng không nhận ra");
	free(d);
}

static void
jpeg_as_audio(void **state)
{
	(void)state;
	static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F',
	                                     'I',  'F',  0x00, 0x01, 0x01, 0x00, 0x00, 0x01};
	refuses(jpeg, sizeof jpeg, AV_AUDIO, AV_AUDIO_MAX_BYTES, 600,
	        "Tệp ghi âm không phải là âm thanh hợp lệ");
}

static void
truncated(void **state)
{
	(void)state;
	size_t n;
	unsigned char *d = fixture("tone.mp3", &n);
	/* the first frame header and a few bytes: no whole frame */
	refuses(d, 20, AV_AUDIO, AV_AUDIO_MAX_BYTES, 600, "Tệp ghi âm không phải là âm thanh hợp lệ");
	free(d);
	/* an MP4 cut in half loses its index (moov at the end, as ffmpeg writes it) */
	d = fixture("clip.mp4", &n);
	refuses(d, n / 2, AV_VIDEO, AV_VIDEO_MAX_BYTES, 300, "Tệp video không phải là video hợp lệ");
	free(d);
}

static void
video_in_audio_entry(void **state)
{
	(void)state;
	size_t n;
	void *d = fixture("clip.mp4", &n);
	refuses(d, n, AV_AUDIO, AV_AUDIO_MAX_BYTES, 600, "Tệp ghi âm có hình (là video)");
	free(d);
	/* and audio sent as a video */
	d = fixture("tone.m4a", &n);
	refuses(d, n, AV_VIDEO, AV_VIDEO_MAX_BYTES, 300, "không có hình");
	free(d);
	d = fixture("tone.mp3", &n);
	refuses(d, n, AV_VIDEO, AV_VIDEO_MAX_BYTES, 300, "Tệp video không phải là video hợp lệ");
	free(d);
}

static void
too_long(void **state)
{
	(void)state;
	size_t n;
	void *d = fixture("tone4.ogg", &n);
	refuses(d, n, AV_AUDIO, AV_AUDIO_MAX_BYTES, 3,
	        "Bản ghi âm dài 4 giây, quá giới hạn 3 giây của cuộc thi");
	av_info_t info;
	char err[400];
	assert_int_equal(check(d, n, AV_AUDIO, AV_AUDIO_MAX_BYTES, 4, &info, err), 0);
	assert_in_range(info.duration_ms, 3900, 4200);
	free(d);
	d = fixture("clip.webm", &n);
	refuses(d, n, AV_VIDEO, AV_VIDEO_MAX_BYTES, 0, "Video dài 1 giây, quá giới hạn 0 giây");
	free(d);
}

static void
too_big(void **state)
{
	(void)state;
	size_t n;
	void *d = fixture("clip.mp4", &n);
	/* the cap first: one byte over is refused whatever the bytes are */
	refuses(d, n, AV_VIDEO, (int64_t)n - 1, 300, "Tệp 7.012 byte, quá giới hạn 7.011 byte của cuộc thi");
	free(d);
	/* a 130 MB claim is never looked at: the length alone decides */
	static const char junk[8] = "RIFFxxxx";
	refuses(junk, (size_t)130 * 1024 * 1024, AV_VIDEO, AV_VIDEO_MAX_BYTES, 300,
	        "Tệp 130 MB, quá giới hạn 100 MB của cuộc thi");
}

/* A 7 KB WAV (found by fuzz_av) whose LIST chunk claims 2 GB: libavformat's WAV header
 * reader zeroed a 1.6 GB buffer sized from the file, 1.8 GB resident for one upload. With
 * libavutil's allocations capped the check ends at once and the process stays small. */
static void
claimed_size_not_allocated(void **state)
{
	(void)state;
	size_t n;
	void *d = fixture("riff-info-2gb.wav", &n);
	struct rusage before, after;
	assert_int_equal(getrusage(RUSAGE_SELF, &before), 0);
	av_info_t info;
	char err[400];
	int rc = check(d, n, AV_AUDIO, AV_AUDIO_MAX_BYTES, 300, &info, err);
	assert_true(rc == 0 || (rc == -1 && err[0] != '\0'));
	assert_int_equal(getrusage(RUSAGE_SELF, &after), 0);
	/* ru_maxrss is in KB: less than 256 MB more than before */
	assert_true(after.ru_maxrss - before.ru_maxrss < 256 * 1024);
	free(d);
}

static void
texts(void **state)
{
	(void)state;
	char b[40];
	av_duration_text(432, b, sizeof b);
	assert_string_equal(b, "7 phút 12 giây");
	av_duration_text(300, b, sizeof b);
	assert_string_equal(b, "5 phút");
	av_size_text(2621440, b, sizeof b);
	assert_string_equal(b, "2,5 MB");
	av_size_text(700 * 1024, b, sizeof b);
	assert_string_equal(b, "700 KB");
	assert_string_equal(av_mime("webm", AV_VIDEO), "video/webm");
	assert_null(av_mime("wav", AV_VIDEO));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(accepted_kinds),       cmocka_unit_test(text_named_mp3),
	        cmocka_unit_test(jpeg_as_audio),        cmocka_unit_test(ebml_cut_in_doctype),        cmocka_unit_test(truncated),
	        cmocka_unit_test(video_in_audio_entry), cmocka_unit_test(too_long),
	        cmocka_unit_test(too_big),              cmocka_unit_test(texts),
	        cmocka_unit_test(claimed_size_not_allocated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
