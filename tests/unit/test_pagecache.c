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

/* The keys of a campaign's busy dashboards (HTML, JSON and charts of ~160 units) all stay
 * when their bytes fit: with one slot per hash a fifth of them evicted each other on every
 * read. When the bound is reached, the fragments read least recently go first. */
static void
test_many_keys_and_lru(void **state)
{
	(void)state;
	enum { N = 480, FRAG = 1000 };
	pagecache_t *pc = pagecache_new(N * (FRAG + 64));
	char data[FRAG], key[48];
	memset(data, 'y', sizeof data);
	buf_t b = BUF_INIT;
	static const char *const kinds[] = {"html", "json", "charts"};
	for (int i = 0; i < N; i++) {
		snprintf(key, sizeof key, "%s|%03d|0|0", kinds[i % 3], i / 3);
		pagecache_put(pc, key, 5, data, sizeof data);
	}
	int hits = 0;
	for (int i = 0; i < N; i++) {
		snprintf(key, sizeof key, "%s|%03d|0|0", kinds[i % 3], i / 3);
		hits += pagecache_get(pc, key, 5, &b);
	}
	assert_int_equal(hits, N);
	/* read the first ten again, then add more than the bound holds: those ten stay longer
	 * than the ones never read since they went in */
	for (int i = 0; i < 10; i++) {
		snprintf(key, sizeof key, "%s|%03d|0|0", kinds[i % 3], i / 3);
		assert_int_equal(pagecache_get(pc, key, 5, &b), 1);
	}
	for (int i = 0; i < 40; i++) {
		snprintf(key, sizeof key, "new|%03d", i);
		pagecache_put(pc, key, 5, data, sizeof data);
	}
	for (int i = 0; i < 10; i++) {
		snprintf(key, sizeof key, "%s|%03d|0|0", kinds[i % 3], i / 3);
		assert_int_equal(pagecache_get(pc, key, 5, &b), 1);
	}
	int old = 0;
	for (int i = 10; i < 60; i++) {
		snprintf(key, sizeof key, "%s|%03d|0|0", kinds[i % 3], i / 3);
		old += pagecache_get(pc, key, 5, &b);
	}
	assert_true(old < 50); /* some of the unread ones made room */
	buf_free(&b);
	pagecache_free(pc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_generation_and_key),
	        cmocka_unit_test(test_bounded),
	        cmocka_unit_test(test_many_keys_and_lru),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
