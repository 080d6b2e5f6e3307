/* libFuzzer driver for the contest entries' audio/video check (src/media/av.c): arbitrary
 * bytes as an audio and as a video entry, with small caps so the duration and size paths
 * are reached. Whatever the bytes, av_check returns 0 with a known container, mime and a
 * duration within the cap, or -1 with a message; it never reads past the bytes (a copy of
 * exactly size bytes), never opens a file, never leaks. Seeds: fuzz/seeds/fuzz_av (the
 * tiny files of tests/fixtures/media).
 *
 * Outcome feedback (feedback.h): libavformat is built without coverage, so the driver
 * reports what av_check found as edges: on success the container, codecs, picture size class
 * and duration class, on refusal the Vietnamese reason without its numbers (it names the
 * container and the codec that was refused). Without it, libFuzzer kept only inputs that took
 * a new branch in av.c itself. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "feedback.h"
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
		fuzz_feedback_int("kind", kind * 2 + (rc == 0));
		if (rc == 0) {
			CHECK(info.container && info.mime && info.ext);
			CHECK(info.duration_ms > 0 && (info.duration_ms + 500) / 1000 <= 60);
			CHECK(size <= (1u << 20));
			fuzz_feedback_text("container", info.container);
			fuzz_feedback_text("codecs", info.codecs);
			fuzz_feedback_int("width", fuzz_size_class(info.width));
			fuzz_feedback_int("height", fuzz_size_class(info.height));
			fuzz_feedback_int("duration", fuzz_size_class((long)info.duration_ms));
		} else {
			CHECK(rc == -1 && err[0] != '\0');
			fuzz_feedback_text("refused", err);
		}
	}
	free(p);
	return 0;
}
