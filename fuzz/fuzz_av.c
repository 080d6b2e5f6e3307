/* libFuzzer driver for the contest entries' audio/video check (src/media/av.c): arbitrary
 * bytes as an audio and as a video entry, with small caps so the duration and size paths
 * are reached. Whatever the bytes, av_check returns 0 with a known container, mime and a
 * duration within the cap, or -1 with a message; it never reads past the bytes (a copy of
 * exactly size bytes), never opens a file, never leaks. Seeds: fuzz/seeds/fuzz_av (the
 * tiny files of tests/fixtures/media). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "media/av.h"

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			abort();                                                                   \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *p = malloc(size ? size : 1);
	if (!p)
		return 0;
	if (size)
		memcpy(p, data, size);
	for (int kind = AV_AUDIO; kind <= AV_VIDEO; kind++) {
		av_info_t info;
		char err[512];
		err[0] = '\0';
		int rc = av_check(p, size, (av_kind_t)kind, 1 << 20, 60, &info, err, sizeof err);
		if (rc == 0) {
			CHECK(info.container && info.mime && info.ext);
			CHECK(info.duration_ms > 0 && (info.duration_ms + 500) / 1000 <= 60);
			CHECK(size <= (1u << 20));
		} else {
			CHECK(rc == -1 && err[0] != '\0');
		}
	}
	free(p);
	return 0;
}
