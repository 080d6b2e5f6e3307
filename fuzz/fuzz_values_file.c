/* libFuzzer driver for the bulk value import's file readers (dataValueSets JSON or CSV,
 * by values_parse's dispatch): any bytes must parse or be refused cleanly. On success
 * every row reads back as well-formed text from the arena (after the parser freed its
 * document, so ASan catches a row pointing into it); on failure the rows are empty and
 * the message is non-empty valid UTF-8, also when cut short by a small buffer. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "service/values_file.h"
#include "text/text.h"

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			abort();                                                                   \
	} while (0)

static void
check_text(const char *s, size_t n)
{
	CHECK(s != NULL);
	CHECK(strlen(s) == n);
	CHECK(n == 0 || text_utf8_valid(s, n));
}

static void
check_row(const vf_rows_t *out, size_t i)
{
	const vf_row_t *r = &out->v[i];
	CHECK(r->unit && r->unit[0] != '\0');
	CHECK(r->item && r->item[0] != '\0');
	check_text(r->unit, strlen(r->unit));
	check_text(r->item, strlen(r->item));
	check_text(r->value, r->value_len);
	check_text(r->comment, strlen(r->comment));
	switch (r->type) {
	case VF_STRING: break;
	case VF_INT: {
		const char *p = r->value + (r->value[0] == '-');
		CHECK(*p != '\0');
		for (; *p; p++)
			CHECK(*p >= '0' && *p <= '9');
		break;
	}
	case VF_BOOL: CHECK(strcmp(r->value, "true") == 0 || strcmp(r->value, "false") == 0); break;
	case VF_NULL: CHECK(r->value_len == 0); break;
	default: abort();
	}
	if (out->json) {
		CHECK(r->line == i);
	} else {
		CHECK(r->type == VF_STRING);
		CHECK(r->line >= 2); /* the header comes first */
		CHECK(i == 0 || r->line > out->v[i - 1].line);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena_t a = ARENA_INIT;
	vf_rows_t out;
	char err[512];
	err[0] = '\0';
	int rc = values_parse((const char *)data, size, &a, &out, err, sizeof err);
	if (rc == 0) {
		CHECK(out.n <= VF_MAX_ROWS);
		CHECK(out.n == 0 || out.v != NULL);
		CHECK(out.json == 0 || out.json == 1);
		for (size_t i = 0; i < out.n; i++)
			check_row(&out, i);
	} else {
		CHECK(rc == -1);
		CHECK(out.n == 0 && out.v == NULL);
		CHECK(err[0] != '\0');
		check_text(err, strlen(err));
		/* a short buffer cuts the message at a character boundary */
		char small[12];
		vf_rows_t out2;
		CHECK(values_parse((const char *)data, size, &a, &out2, small, sizeof small) == -1);
		CHECK(out2.n == 0 && out2.v == NULL);
		CHECK(strncmp(small, err, strlen(small)) == 0);
		check_text(small, strlen(small));
	}
	arena_free(&a);
	return 0;
}
