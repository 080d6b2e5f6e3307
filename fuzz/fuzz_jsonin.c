/* libFuzzer driver for the typed reader of JSON request bodies (src/domain/jsonin.c): any
 * bytes must be read or refused cleanly. On success every stored value has its declared
 * type and limits (strings copied into the arena, checked after the document is freed, so
 * ASan catches one pointing into it); on failure the message is non-empty valid UTF-8 and
 * says that nothing was stored. The same bytes are also read as an open table and with an
 * empty body allowed, and each nested "lines" item through jsonin_fields. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "domain/jsonin.h"
#include "text/text.h"

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			abort();                                                                   \
	} while (0)

static void
check_text(const char *s, size_t max)
{
	CHECK(s != NULL);
	size_t n = strlen(s);
	CHECK(max == 0 || n <= max);
	CHECK(n == 0 || text_utf8_valid(s, n));
}

static void
check_digits(const char *s)
{
	const char *p = s + (s[0] == '-');
	CHECK(*p != '\0');
	for (; *p; p++)
		CHECK(*p >= '0' && *p <= '9');
}

static void
one(const uint8_t *data, size_t size, unsigned opts)
{
	arena_t a = ARENA_INIT;
	int64_t count = -1, version = -1;
	int pub = -1, title_given = -1;
	const char *title = NULL, *note = NULL, *expected = NULL, *late = NULL, *err = NULL;
	json_t *values = NULL, *lines = NULL, *doc = NULL;
	const jsonin_field_t f[] = {
	        {"count", JSONIN_INT, JSONIN_NULLABLE, 0, 1000000, &count, NULL, NULL},
	        {"version", JSONIN_INT, JSONIN_OPTIONAL, 0, 0, &version, NULL, NULL},
	        {"public", JSONIN_BOOL, JSONIN_OPTIONAL, 0, 0, &pub, NULL, NULL},
	        {"title", JSONIN_STRING, JSONIN_REQUIRED, 0, 200, &title, &title_given, NULL},
	        {"note", JSONIN_STRING, JSONIN_NULLABLE, 0, 0, &note, NULL, NULL},
	        {"expected", JSONIN_INT_TEXT, JSONIN_NULLABLE, -5, 5, &expected, NULL, NULL},
	        {"late", JSONIN_BOOL_TEXT, JSONIN_OPTIONAL, 0, 0, &late, NULL, NULL},
	        {"values", JSONIN_OBJECT, JSONIN_OPTIONAL, 0, 0, &values, NULL, NULL},
	        {"lines", JSONIN_ARRAY, JSONIN_OPTIONAL, 0, 0, &lines, NULL, NULL},
	};
	size_t n = sizeof f / sizeof *f;
	int rc = jsonin_read((const char *)data, size, opts, f, n, &a, &doc, &err);
	if (rc == 0) {
		CHECK(json_is_object(doc));
		CHECK(count == -1 || (count >= 0 && count <= 1000000));
		CHECK(pub == -1 || pub == 0 || pub == 1);
		CHECK(title_given == 1);
		check_text(title, 200);
		if (note)
			check_text(note, 0);
		if (expected) {
			check_digits(expected);
			long v = strtol(expected, NULL, 10);
			CHECK(v >= -5 && v <= 5);
		}
		CHECK(late == NULL || !strcmp(late, "1") || !strcmp(late, ""));
		CHECK(values == NULL || json_is_object(values));
		CHECK(lines == NULL || json_is_array(lines));
		size_t k;
		json_t *l;
		json_array_foreach(lines, k, l)
		{
			int64_t planned = -1;
			const char *src = NULL, *e2 = NULL;
			const jsonin_field_t lf[] = {
			        {"planned", JSONIN_INT, JSONIN_OPTIONAL, 0, 0, &planned, NULL,
			         NULL},
			        {"source", JSONIN_STRING, JSONIN_REQUIRED, 0, 16, &src, NULL, NULL},
			};
			if (jsonin_fields(l, 0, lf, 2, "lines[0].", &a, &e2) == 0)
				check_text(src, 16);
			else
				check_text(e2, 0);
		}
		json_decref(doc);
		/* everything stored outlives the document */
		check_text(title, 200);
		if (note)
			check_text(note, 0);
	} else {
		CHECK(rc == -1);
		CHECK(doc == NULL);
		check_text(err, 0);
		CHECK(err[0] != '\0');
		CHECK(strstr(err, "không có gì được lưu.") != NULL);
	}
	arena_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int once;
	if (!once) {
		jsonin_use_our_allocator();
		once = 1;
	}
	one(data, size, 0);
	one(data, size, JSONIN_OPEN | JSONIN_EMPTY_OK);
	return 0;
}
