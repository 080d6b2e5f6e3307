/* The resumable upload spool (src/media/upload.c) on a real directory: pieces in order
 * only, owner and scope both needed to find an upload, taking removes it, a day-old upload
 * is gone (and swept when anyone starts a new one), and the Content-Range parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "media/upload.h"

static char root[] = "/tmp/suotdoi-upl-unit-XXXXXX";
static char dir[300];

static int
files(void)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return 0;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static int
setup(void **state)
{
	(void)state;
	if (!mkdtemp(root))
		return -1;
	snprintf(dir, sizeof dir, "%s/spool", root);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf %s", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_spool(void **state)
{
	(void)state;
	char id[UPL_ID_LEN + 1], id2[UPL_ID_LEN + 1];
	int64_t off, now = 1780000000;
	upl_info_t in;
	assert_int_equal(upl_create(dir, 7, "activity:A:1", 0, 100, "", now, id), UPL_TOO_BIG);
	assert_int_equal(upl_create(dir, 7, "activity:A:1", 101, 100, "", now, id), UPL_TOO_BIG);
	assert_int_equal(id[0], '\0');
	assert_int_equal(upl_create(dir, 7, "activity:A:1", 10, 100, "Lễ khai mạc", now, id),
	                 UPL_OK);
	assert_int_equal(strlen(id), UPL_ID_LEN);
	assert_int_equal(files(), 2);
	/* the wrong owner, the wrong scope, a malformed id: not found */
	assert_int_equal(upl_status(dir, id, 8, "activity:A:1", now, &in), UPL_NOT_FOUND);
	assert_int_equal(upl_status(dir, id, 7, "activity:A:2", now, &in), UPL_NOT_FOUND);
	assert_int_equal(upl_status(dir, "../../etc/passwd", 7, "activity:A:1", now, &in),
	                 UPL_NOT_FOUND);
	assert_int_equal(upl_append(dir, id, 8, "activity:A:1", 0, "0123", 4, 10, now, &off),
	                 UPL_NOT_FOUND);
	/* in order only, inside the declared size */
	assert_int_equal(upl_append(dir, id, 7, "activity:A:1", 4, "4567", 4, 10, now, &off),
	                 UPL_BAD_RANGE);
	assert_int_equal(off, 0);
	assert_int_equal(upl_append(dir, id, 7, "activity:A:1", 0, "0123", 4, 10, now, &off),
	                 UPL_OK);
	assert_int_equal(off, 4);
	assert_int_equal(upl_append(dir, id, 7, "activity:A:1", 4, "4567890", 7, 10, now, &off),
	                 UPL_BAD_RANGE); /* past the end */
	assert_int_equal(upl_append(dir, id, 7, "activity:A:1", 4, "4567", 4, 11, now, &off),
	                 UPL_BAD_RANGE); /* another total */
	assert_int_equal(upl_take(dir, id, 7, "activity:A:1", now, NULL, &in), UPL_INCOMPLETE);
	assert_int_equal(in.offset, 4);
	assert_int_equal(upl_append(dir, id, 7, "activity:A:1", 4, "456789", 6, 10, now, &off),
	                 UPL_OK);
	assert_int_equal(upl_status(dir, id, 7, "activity:A:1", now, &in), UPL_OK);
	assert_int_equal(in.offset, 10);
	assert_int_equal(in.size, 10);
	assert_string_equal(in.caption, "Lễ khai mạc");
	buf_t b = BUF_INIT;
	assert_int_equal(upl_take(dir, id, 7, "activity:A:1", now, &b, &in), UPL_OK);
	assert_int_equal(b.len, 10);
	assert_memory_equal(b.data, "0123456789", 10);
	buf_free(&b);
	assert_int_equal(files(), 0);
	assert_int_equal(upl_take(dir, id, 7, "activity:A:1", now, &b, &in), UPL_NOT_FOUND);
	/* a day later it is gone; a new upload by someone else sweeps the forgotten ones */
	assert_int_equal(upl_create(dir, 7, "activity:A:1", 10, 100, "", now, id), UPL_OK);
	assert_int_equal(upl_status(dir, id, 7, "activity:A:1", now + UPL_TTL, &in), UPL_OK);
	assert_int_equal(upl_create(dir, 9, "activity:B:3", 10, 100, "", now + UPL_TTL + 1, id2),
	                 UPL_OK);
	assert_int_equal(files(), 2); /* only the new one */
	assert_int_equal(upl_status(dir, id, 7, "activity:A:1", now + UPL_TTL + 1, &in),
	                 UPL_NOT_FOUND);
	upl_remove(dir, id2);
	assert_int_equal(files(), 0);
	/* UPL_PENDING_MAX each */
	for (int k = 0; k < UPL_PENDING_MAX; k++)
		assert_int_equal(upl_create(dir, 7, "activity:A:1", 10, 100, "", now, id), UPL_OK);
	assert_int_equal(upl_create(dir, 7, "activity:A:1", 10, 100, "", now, id), UPL_TOO_MANY);
	assert_int_equal(upl_create(dir, 8, "activity:A:1", 10, 100, "", now, id), UPL_OK);
	/* and UPL_PENDING_ALL in all, whoever holds them */
	for (int k = UPL_PENDING_MAX + 1; k < UPL_PENDING_ALL; k++)
		assert_int_equal(upl_create(dir, 100 + k / 4, "activity:A:1", 10, 100, "", now, id),
		                 UPL_OK);
	assert_int_equal(files(), 2 * UPL_PENDING_ALL);
	assert_int_equal(upl_create(dir, 99999, "activity:A:1", 10, 100, "", now, id), UPL_FULL);
	/* a day later they are swept and there is room again */
	assert_int_equal(upl_create(dir, 99999, "activity:A:1", 10, 100, "", now + UPL_TTL + 1, id),
	                 UPL_OK);
	assert_int_equal(files(), 2);
}

static void
test_content_range(void **state)
{
	(void)state;
	int64_t s, l, t;
	assert_int_equal(upl_parse_content_range("bytes 0-65535/132823", &s, &l, &t), 0);
	assert_true(s == 0 && l == 65536 && t == 132823);
	assert_int_equal(upl_parse_content_range("bytes 132822-132822/132823", &s, &l, &t), 0);
	assert_true(s == 132822 && l == 1);
	const char *bad[] = {NULL,
	                     "",
	                     "bytes */100",
	                     "bytes 0-9/*",
	                     "bytes 5-4/10",
	                     "bytes 0-10/10",
	                     "bytes 0-9/10 ",
	                     "bytes  0-9/10",
	                     "bytes -1-9/10",
	                     "bytes 0-9",
	                     "items 0-9/10",
	                     "bytes 0-99999999999999999/999999999999999999"};
	for (size_t k = 0; k < sizeof bad / sizeof *bad; k++)
		assert_int_equal(upl_parse_content_range(bad[k], &s, &l, &t), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_spool),
	        cmocka_unit_test(test_content_range),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
