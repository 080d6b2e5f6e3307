/* libFuzzer driver for the enrolment form's phone-number and code readers
 * (src/service/enrol.c): never past the input, a result is always a 10-digit mobile number
 * that reads back as itself, and a normalised code is 8 characters of the alphabet. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "service/enrol.h"

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			abort();                                                                   \
	} while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy: reading one byte past it is ASan's to catch */
	char *in = calloc(size ? size : 1, 1);
	if (size)
		memcpy(in, data, size);
	char out[11];
	if (enrol_phone_normalise(in, size, out) == 0) {
		CHECK(strlen(out) == 10 && out[0] == '0' && strchr("35789", out[1]) != NULL);
		CHECK(strspn(out, "0123456789") == 10);
		char again[11];
		CHECK(enrol_phone_normalise(out, 10, again) == 0 && memcmp(out, again, 11) == 0);
	}
	free(in);
	/* the same bytes as a typed code (a C string) */
	char *s = malloc(size + 1);
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	char code[ENROL_CODE_LEN + 1];
	if (enrol_code_normalise(s, code) == 0) {
		CHECK(strlen(code) == ENROL_CODE_LEN);
		CHECK(strcspn(code, "01OIL") == ENROL_CODE_LEN);
		char again[ENROL_CODE_LEN + 1];
		CHECK(enrol_code_normalise(code, again) == 0 && !strcmp(code, again));
	}
	free(s);
	return 0;
}
