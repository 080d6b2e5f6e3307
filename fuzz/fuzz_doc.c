/* libFuzzer driver for documents: the input is read as a document JSON (doc_parse) and as
 * body markup (doc_markup). A document that parses must survive doc_json -> doc_parse
 * unchanged, and its render model must build. Must never crash, leak or trip UBSan. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "docs/doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *
dump(const doc_t *d)
{
	json_t *j = doc_json(d);
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	if (s == NULL)
		abort();
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	arena_t a = ARENA_INIT;
	char *text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	docr_para_t *ps;
	(void)doc_markup(text, &a, &ps);

	doc_t *d;
	doc_error_t errs[DOC_MAX_ERRORS];
	size_t nerr;
	if (doc_parse((const char *)data, size, &a, &d, errs, &nerr) == 0) {
		char *s1 = dump(d);
		doc_t *d2;
		if (doc_parse(s1, strlen(s1), &a, &d2, errs, &nerr) != 0)
			abort();
		char *s2 = dump(d2);
		if (strcmp(s1, s2) != 0)
			abort();
		free(s1);
		free(s2);
		(void)doc_render_model(d, NULL, &a);
		buf_t b = BUF_INIT;
		doc_number_line(d, &b);
		doc_place_date(d, &b);
		doc_reference(d, "x", &b);
		buf_free(&b);
	} else if (nerr == 0 || nerr > DOC_MAX_ERRORS) {
		abort();
	}
	free(text);
	arena_free(&a);
	return 0;
}
