/* libFuzzer driver for upl_parse_content_range (src/media/upload.c), the Content-Range of a
 * resumable upload's piece. Invariants: on success the range is non-empty, inside the total,
 * every number is at most 2^53, and printing it back gives exactly the input; on failure
 * the outputs are untouched. */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "media/upload.h"

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			abort();                                                                   \
	} while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 200)
		return 0;
	char s[201];
	memcpy(s, data, size);
	s[size] = '\0';
	int64_t start = -7, len = -7, total = -7;
	if (upl_parse_content_range(s, &start, &len, &total) < 0) {
		CHECK(start == -7 && len == -7 && total == -7);
		return 0;
	}
	const int64_t max = (int64_t)1 << 53;
	CHECK(start >= 0 && len >= 1 && total >= 1 && total <= max);
	CHECK(start + len <= total);
	/* the input was canonical only if it prints back the same; leading zeros are allowed,
	 * so compare the numbers instead */
	char back[120];
	snprintf(back, sizeof back, "bytes %" PRId64 "-%" PRId64 "/%" PRId64, start,
	         start + len - 1, total);
	int64_t s2, l2, t2;
	CHECK(upl_parse_content_range(back, &s2, &l2, &t2) == 0);
	CHECK(s2 == start && l2 == len && t2 == total);
	return 0;
}
