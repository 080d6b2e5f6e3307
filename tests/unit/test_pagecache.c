/* The fragment cache: a hit only for the same key and generation, replaced in place, and
 * never above its byte bound however many fragments go in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "app/pagecache.h"
#include "core/buf.h"

static void
test_generation_and_key(void **state)
{
	(void)state;
	pagecache_t *pc = pagecache_new(1 << 20);
	buf_t b = BUF_INIT;
	assert_int_equal(pagecache_get(pc, "json|018|0|0", 7, &b), 0);
	pagecache_put(pc, "json|018|0|0", 7, "{\"a\":1}", 7);
	assert_int_equal(pagecache_get(pc, "json|018|0|0", 7, &b), 1);
	assert_string_equal(buf_cstr(&b), "{\"a\":1}");
	/* another generation (the figures changed) or another key: a miss */
	buf_reset(&b);
	assert_int_equal(pagecache_get(pc, "json|018|0|0", 8, &b), 0);
	assert_int_equal(pagecache_get(pc, "json|018|1|0", 7, &b), 0);
	assert_int_equal(b.len, 0);
	/* a newer fragment replaces the older */
	pagecache_put(pc, "json|018|0|0", 8, "{\"a\":2}", 7);
	assert_int_equal(pagecache_get(pc, "json|018|0|0", 7, &b), 0);
	assert_int_equal(pagecache_get(pc, "json|018|0|0", 8, &b), 1);
	assert_string_equal(buf_cstr(&b), "{\"a\":2}");
	/* fragments may hold NULs (the HTML head and body are stored as one) */
	buf_reset(&b);
	pagecache_put(pc, "html|018|0|0", 8, "head\0body", 9);
	assert_int_equal(pagecache_get(pc, "html|018|0|0", 8, &b), 1);
	assert_int_equal(b.len, 9);
	assert_memory_equal(b.data, "head\0body", 9);
	buf_free(&b);
	pagecache_free(pc);
	pagecache_free(NULL);
}

static void
test_bounded(void **state)
{
	(void)state;
	enum { MAX = 64 * 1024, FRAG = 3000 };
	pagecache_t *pc = pagecache_new(MAX);
	char data[FRAG], key[32];
	memset(data, 'x', sizeof data);
	buf_t b = BUF_INIT;
	int hits = 0;
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "json|%05d|0|0", i);
		pagecache_put(pc, key, 1, data, sizeof data);
		/* the newest is always there */
		buf_reset(&b);
		assert_int_equal(pagecache_get(pc, key, 1, &b), 1);
		assert_int_equal(b.len, FRAG);
	}
	/* at most MAX bytes of fragments: about 21 of 5000 are left */
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "json|%05d|0|0", i);
		hits += pagecache_get(pc, key, 1, &b);
	}
	assert_true(hits >= 1);
	assert_true((size_t)hits * FRAG <= MAX);
	/* a fragment bigger than a quarter of the bound is not kept at all */
	static char big[MAX / 2];
	pagecache_put(pc, "big", 1, big, sizeof big);
	assert_int_equal(pagecache_get(pc, "big", 1, &b), 0);
	buf_free(&b);
	pagecache_free(pc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_generation_and_key),
	        cmocka_unit_test(test_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
