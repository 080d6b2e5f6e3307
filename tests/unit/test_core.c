/* Core utilities: buffer growth and escaping, arena alignment and large blocks, the
 * string map under growth, whole-file reading limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/file.h"
#include "core/mem.h"
#include "core/strmap.h"

static void
test_buf(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	assert_string_equal(buf_cstr(&b), "");
	for (int i = 0; i < 1000; i++)
		buf_printf(&b, "%d,", i);
	assert_int_equal(b.len, strlen(b.data));
	assert_memory_equal(b.data, "0,1,2,", 6);
	assert_non_null(strstr(b.data, ",999,"));
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	buf_append_html(&b, "<a href=\"x\">Tom & Jerry's</a>", 29);
	assert_string_equal(buf_cstr(&b),
	                    "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
	size_t n;
	char *s = buf_steal(&b, &n);
	assert_int_equal(n, strlen(s));
	assert_null(b.data);
	free(s);
	s = buf_steal(&b, &n); /* empty buffer still yields a string */
	assert_string_equal(s, "");
	free(s);
	/* JSON strings as jansson writes them: quotes, backslashes, control characters,
	 * Vietnamese left as UTF-8 */
	const char *strs[] = {"",
	                      "Xã Đặng Xá",
	                      "a\"b\\c/d",
	                      "tab\there\nline\r\b\f",
	                      "\x01\x1f\x7f end",
	                      "Trường THCS \"Lê Lợi\""};
	for (size_t k = 0; k < sizeof strs / sizeof strs[0]; k++) {
		json_t *js = json_string(strs[k]);
		char *want = json_dumps(js, JSON_ENCODE_ANY);
		buf_reset(&b);
		buf_put_json_str(&b, strs[k]);
		assert_string_equal(buf_cstr(&b), want);
		free(want);
		json_decref(js);
	}
	/* integers without printf, the extremes included */
	const int64_t ints[] = {0, 7, -7, 10, 1234567, -1000000000000, INT64_MAX, INT64_MIN};
	for (size_t k = 0; k < sizeof ints / sizeof ints[0]; k++) {
		char want[32];
		snprintf(want, sizeof want, "%lld", (long long)ints[k]);
		buf_reset(&b);
		buf_put_int(&b, ints[k]);
		assert_string_equal(buf_cstr(&b), want);
	}
	buf_free(&b);
}

static void
test_arena(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	char *small[100];
	for (int i = 0; i < 100; i++) {
		small[i] = arena_printf(&a, "item-%d", i);
		assert_int_equal((uintptr_t)small[i] % 16, 0);
	}
	char *big = arena_alloc(&a, 100000); /* own chunk */
	memset(big, 'x', 100000);
	char *after = arena_strdup(&a, "still small");
	for (int i = 0; i < 100; i++) {
		char want[32];
		snprintf(want, sizeof want, "item-%d", i);
		assert_string_equal(small[i], want);
	}
	assert_string_equal(after, "still small");
	assert_true(a.total >= 100000);
	arena_free(&a);
	assert_null(a.head);
	assert_int_equal(a.total, 0);
}

static void
test_strmap(void **state)
{
	(void)state;
	strmap_t m = STRMAP_INIT;
	char keys[5000][12];
	for (int i = 0; i < 5000; i++) {
		snprintf(keys[i], sizeof keys[i], "k%d", i);
		strmap_put(&m, keys[i], strlen(keys[i]), i * 2);
	}
	assert_int_equal(m.len, 5000);
	int64_t v;
	for (int i = 0; i < 5000; i++) {
		assert_true(strmap_get(&m, keys[i], strlen(keys[i]), &v));
		assert_int_equal(v, i * 2);
	}
	assert_false(strmap_get(&m, "k5000", 5, &v));
	assert_false(strmap_get(&m, "k1", 1, &v)); /* prefix of a key is not the key */
	strmap_put(&m, keys[7], strlen(keys[7]), -1);
	assert_true(strmap_get(&m, "k7", 2, &v));
	assert_int_equal(v, -1);
	assert_int_equal(m.len, 5000);
	strmap_free(&m);
	assert_false(strmap_get(&m, "k7", 2, &v));
}

static void
test_file(void **state)
{
	(void)state;
	char path[] = "/tmp/suotdoi-file-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "abc\ndef", 7), 7);
	close(fd);
	char *data, err[512];
	size_t len;
	assert_int_equal(file_read_all(path, 100, &data, &len, err, sizeof err), 0);
	assert_int_equal(len, 7);
	assert_string_equal(data, "abc\ndef");
	free(data);
	assert_int_equal(file_read_all(path, 3, &data, &len, err, sizeof err), -1);
	assert_non_null(strstr(err, "quá lớn"));
	unlink(path);
	assert_int_equal(file_read_all(path, 100, &data, &len, err, sizeof err), -1);
	assert_non_null(strstr(err, "Không mở được"));
	assert_int_equal(file_read_all("/tmp", 100, &data, &len, err, sizeof err), -1);
}

static void
test_size_math(void **state)
{
	(void)state;
	assert_int_equal(size_add(2, 3), 5);
	assert_int_equal(size_mul(1 << 20, 1 << 10), (size_t)1 << 30);
	assert_int_equal(size_mul(0, SIZE_MAX), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_buf),       cmocka_unit_test(test_arena),
	        cmocka_unit_test(test_strmap),    cmocka_unit_test(test_file),
	        cmocka_unit_test(test_size_math),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
