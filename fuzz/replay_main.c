/* A main for a libFuzzer driver built without libFuzzer (gcc, ASan+UBSan in build-asan), like
 * LLVM's StandaloneFuzzTargetMain: every argument is a file or a directory, and
 * LLVMFuzzerTestOneInput runs once on each file (a directory: each regular file directly in
 * it, in name order, so a failure reproduces). The empty input runs first, so a driver with
 * no seeds is still called once. A crash, a sanitizer report or an abort() in the driver ends
 * the process; otherwise it prints how many inputs ran and exits 0. ctest's fuzz_smoke_<name>
 * runs it over fuzz/seeds/<name>/ and fuzz/corpus/<name>/ (CMakeLists.txt). */
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* optional in a driver (fuzz_photo has one); weak, so NULL when the driver has none */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static size_t runs;

static int
run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "replay: cannot open %s\n", path);
		return -1;
	}
	size_t cap = 4096, len = 0;
	uint8_t *buf = malloc(cap);
	size_t n;
	while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			uint8_t *bigger = realloc(buf, cap * 2);
			if (bigger == NULL) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = bigger;
			cap *= 2;
		}
	}
	int bad = ferror(f) || buf == NULL;
	fclose(f);
	if (bad) {
		free(buf);
		fprintf(stderr, "replay: cannot read %s\n", path);
		return -1;
	}
	/* named first, so the last name before a sanitizer report is the input that failed
	 * (ctest shows this output only when the test fails) */
	fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
	/* an exact-size copy, so ASan sees a read past the input's end */
	uint8_t *exact = malloc(len ? len : 1);
	if (exact == NULL) {
		free(buf);
		return -1;
	}
	memcpy(exact, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	runs++;
	return 0;
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int
run_dir(const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, by_name);
	if (n < 0) {
		fprintf(stderr, "replay: cannot list %s\n", dir);
		return -1;
	}
	int rc = 0;
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.' && rc == 0) {
			size_t len = strlen(dir) + strlen(names[i]->d_name) + 2;
			char *path = malloc(len);
			if (path == NULL)
				abort();
			snprintf(path, len, "%s/%s", dir, names[i]->d_name);
			struct stat st;
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
				rc = run_file(path);
			free(path);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	LLVMFuzzerTestOneInput((const uint8_t *)"", 0);
	runs++;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0)
			continue; /* a driver with no kept corpus yet */
		if ((S_ISDIR(st.st_mode) ? run_dir(argv[i]) : run_file(argv[i])) != 0)
			return 1;
	}
	printf("replay: %zu inputs ran without a finding\n", runs);
	return 0;
}
