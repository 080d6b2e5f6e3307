/* libFuzzer driver for the open learning resources' type sniffer (src/service/resources.c,
 * res_sniff: magic numbers, MPEG frame headers, OOXML packages read by libzip) and the
 * search words of /hoc-lieu (res_query_words) on arbitrary bytes. A type is only ever
 * claimed with its own signature at the start of the bytes; the words are folded, without
 * spaces, at most RES_QUERY_WORDS of at most 64 bytes. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "service/resources.h"

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			abort();                                                                   \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly size bytes, so reading past the end is caught by ASan */
	uint8_t *p = malloc(size ? size : 1);
	if (!p)
		return 0;
	if (size)
		memcpy(p, data, size);
	const res_type_t *t = res_sniff(p, size);
	if (t) {
		CHECK(res_type_find(t->code) == t);
		if (!strcmp(t->code, "pdf"))
			CHECK(size >= 5 && !memcmp(p, "%PDF-", 5));
		else if (!strcmp(t->code, "docx") || !strcmp(t->code, "xlsx") ||
		         !strcmp(t->code, "pptx"))
			CHECK(size >= 4 && !memcmp(p, "PK\x03\x04", 4));
		else if (!strcmp(t->code, "png"))
			CHECK(size >= 8 && p[0] == 0x89);
		else if (!strcmp(t->code, "jpeg"))
			CHECK(p[0] == 0xFF && p[1] == 0xD8);
		else if (!strcmp(t->code, "webp"))
			CHECK(size >= 12 && !memcmp(p + 8, "WEBP", 4));
		else if (!strcmp(t->code, "mp4"))
			CHECK(size >= 12 && !memcmp(p + 4, "ftyp", 4));
		else if (!strcmp(t->code, "mp3"))
			CHECK(!memcmp(p, "ID3", 3) || p[0] == 0xFF);
		else
			CHECK(0);
	}
	/* the same bytes as a search */
	char *q = malloc(size + 1);
	if (q) {
		memcpy(q, data, size);
		q[size] = '\0';
		arena_t a = {0};
		const char *w[RES_QUERY_WORDS];
		int n = res_query_words(&a, q, w, RES_QUERY_WORDS);
		CHECK(n >= 0 && n <= RES_QUERY_WORDS);
		for (int k = 0; k < n; k++)
			CHECK(*w[k] && strlen(w[k]) <= 64 && !strchr(w[k], ' '));
		arena_free(&a);
		free(q);
	}
	free(p);
	return 0;
}
