/* libFuzzer driver for the cheap authentication primitives and the CSV export: any bytes
 * as username/password, token or cell must be handled without a crash, and the results
 * must keep their invariants. Never hashes passwords (argon2id is far too slow here). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "domain/auth.h"
#include "export/table.h"
#include "text/text.h"

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			abort();                                                                   \
	} while (0)

static int
is_username_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

static void
check_username(const char *in)
{
	char out[65], err[256] = "";
	if (auth_username_normalize(in, out, err, sizeof err) == 0) {
		size_t n = strlen(out);
		CHECK(n >= 3 && n <= 64);
		CHECK(out[0] != '.' && out[0] != '_' && out[0] != '-');
		for (size_t i = 0; i < n; i++)
			CHECK(is_username_char(out[i]));
		/* normalising again changes nothing */
		char again[65];
		CHECK(auth_username_normalize(out, again, err, sizeof err) == 0);
		CHECK(strcmp(out, again) == 0);
	} else {
		CHECK(err[0] != '\0' && text_utf8_valid(err, strlen(err)));
	}
}

static void
check_policy(const char *user, const char *pw)
{
	char err[256] = "";
	size_t n = strlen(pw);
	if (auth_password_policy(user, pw, err, sizeof err) == 0) {
		CHECK(n >= AUTH_PASSWORD_MIN && n <= AUTH_PASSWORD_MAX);
		CHECK(text_utf8_valid(pw, n));
	} else {
		CHECK(err[0] != '\0' && text_utf8_valid(err, strlen(err)));
	}
}

/* Cells for the CSV: the input split at '|' into up to 3 columns x 4 rows. */
static void
check_csv(const char *s, size_t n)
{
	const char *cells[12] = {0};
	char *copy = malloc(n + 1);
	CHECK(copy);
	memcpy(copy, s, n);
	copy[n] = '\0';
	size_t k = 0;
	char *p = copy;
	while (k < 12) {
		cells[k++] = p;
		char *bar = strchr(p, '|');
		if (!bar)
			break;
		*bar = '\0';
		p = bar + 1;
	}
	static const char *const header[] = {"=a", "Số", "c"};
	static const unsigned char numeric[] = {0, 1, 0};
	table_t t = {NULL, header, 3, cells, 4, numeric};
	buf_t out = BUF_INIT;
	table_write_csv(&t, &out);
	CHECK(out.len >= 3 && memcmp(out.data, "\xEF\xBB\xBF", 3) == 0);
	CHECK(out.len >= 5 && memcmp(out.data + out.len - 2, "\r\n", 2) == 0);
	/* quotes come in pairs inside quoted cells and one around each: always even */
	size_t quotes = 0;
	for (size_t i = 0; i < out.len; i++)
		quotes += out.data[i] == '"';
	CHECK(quotes % 2 == 0);

	buf_t neut = BUF_INIT;
	for (size_t i = 0; i < k; i++) {
		buf_reset(&neut);
		table_neutralize(cells[i], &neut);
		size_t cn = strlen(cells[i]);
		if (cn && strchr("=+-@\t\r", cells[i][0])) {
			CHECK(neut.len == cn + 1 && neut.data[0] == '\'');
			CHECK(memcmp(neut.data + 1, cells[i], cn) == 0);
		} else {
			CHECK(neut.len == cn && (cn == 0 || memcmp(neut.data, cells[i], cn) == 0));
		}
	}
	buf_free(&neut);
	buf_free(&out);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (auth_init() < 0)
		abort();
	const char *s = (const char *)data;
	/* Username before the first NUL or newline, password after it. */
	size_t cut = 0;
	while (cut < size && s[cut] != '\0' && s[cut] != '\n')
		cut++;
	char *user = malloc(cut + 1);
	size_t pwlen = cut < size ? size - cut - 1 : 0;
	char *pw = malloc(pwlen + 1);
	CHECK(user && pw);
	memcpy(user, s, cut);
	user[cut] = '\0';
	if (pwlen)
		memcpy(pw, s + cut + 1, pwlen);
	pw[pwlen] = '\0'; /* a NUL inside the password simply ends it */

	check_username(user);
	check_policy(user, pw);
	check_policy(NULL, pw);

	unsigned char h1[32], h2[32];
	auth_token_hash(s, size, h1);
	auth_token_hash(s, size, h2);
	CHECK(memcmp(h1, h2, 32) == 0);

	CHECK(auth_secure_equal(user, user) == 1);
	CHECK(auth_secure_equal(user, pw) == (strcmp(user, pw) == 0));

	check_csv(s, size);
	free(user);
	free(pw);
	return 0;
}
