/* Runs every test of the official mustache spec files in tests/data/mustache-spec
 * through the engine and fails on any mismatch, or if no test was found at all. */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/mem.h"
#include "tmpl/tmpl.h"

#define SPEC_DIR TEST_DATA_DIR "/mustache-spec"

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
show(const char *label, const char *s)
{
	fprintf(stderr, "    %s: \"", label);
	for (; *s; s++) {
		if (*s == '\n')
			fputs("\\n", stderr);
		else if (*s == '\r')
			fputs("\\r", stderr);
		else if (*s == '\t')
			fputs("\\t", stderr);
		else
			fputc(*s, stderr);
	}
	fputs("\"\n", stderr);
}

/* 1 if the test passed. */
static int
run_test(const char *file, json_t *test)
{
	const char *name = json_string_value(json_object_get(test, "name"));
	const char *src = json_string_value(json_object_get(test, "template"));
	const char *expected = json_string_value(json_object_get(test, "expected"));
	json_t *data = json_object_get(test, "data");
	json_t *partials = json_object_get(test, "partials");
	char err[256] = "";
	if (name == NULL || src == NULL || expected == NULL) {
		fprintf(stderr, "FAIL %s: malformed test %s\n", file, name ? name : "?");
		return 0;
	}

	tmpl_set_t *set = tmpl_set_new();
	const char *pname;
	json_t *psrc;
	int ok = 1;
	json_object_foreach(partials, pname, psrc)
	{
		if (tmpl_set_add(set, pname, json_string_value(psrc), json_string_length(psrc), err,
		                 sizeof err) < 0) {
			fprintf(stderr, "FAIL %s: %s: partial does not compile: %s\n", file, name,
			        err);
			ok = 0;
		}
	}
	buf_t out = BUF_INIT;
	if (ok && tmpl_render_string(set, src, strlen(src), data, &out, err, sizeof err) < 0) {
		fprintf(stderr, "FAIL %s: %s: %s\n", file, name, err);
		ok = 0;
	} else if (ok && strcmp(buf_cstr(&out), expected) != 0) {
		fprintf(stderr, "FAIL %s: %s\n", file, name);
		show("template", src);
		show("expected", expected);
		show("got     ", buf_cstr(&out));
		ok = 0;
	}
	buf_free(&out);
	tmpl_set_free(set);
	return ok;
}

int
main(void)
{
	DIR *d = opendir(SPEC_DIR);
	if (d == NULL) {
		perror(SPEC_DIR);
		return 1;
	}
	char **files = NULL;
	size_t nfiles = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		if (n > 5 && strcmp(e->d_name + n - 5, ".json") == 0) {
			files = xrealloc(files, size_mul(nfiles + 1, sizeof *files));
			files[nfiles++] = xstrdup(e->d_name);
		}
	}
	closedir(d);
	if (nfiles)
		qsort(files, nfiles, sizeof *files, cmp_str);

	int passed = 0, failed = 0;
	for (size_t i = 0; i < nfiles; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", SPEC_DIR, files[i]);
		json_error_t jerr;
		json_t *root = json_load_file(path, 0, &jerr);
		json_t *tests = json_object_get(root, "tests");
		if (!json_is_array(tests)) {
			fprintf(stderr, "FAIL %s: cannot read tests (%s)\n", files[i], jerr.text);
			failed++;
		}
		size_t k;
		json_t *test;
		json_array_foreach(tests, k, test)
		{
			if (run_test(files[i], test))
				passed++;
			else
				failed++;
		}
		json_decref(root);
		free(files[i]);
	}
	free(files);

	printf("mustache spec: %d passed, %d failed (%zu files)\n", passed, failed, nfiles);
	return failed > 0 || passed == 0 ? 1 : 0;
}
