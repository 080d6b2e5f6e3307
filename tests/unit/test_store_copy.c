/* Moving a deployment (store_copy, `suotdoi migrate --from --to`): the demo registry and
 * campaign, accounts with Vietnamese names and quotes, sessions with binary hashes (NUL
 * bytes), copied from a SQLite file into a new store; every row reads back the same, new
 * rows get fresh ids, and a store that is not empty is refused. The target is a second
 * SQLite file, or with --pg a fresh PostgreSQL database (the ctest entry test_store_copy_pg,
 * on the "pg" fixture's cluster: tests/unit/store_backend.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/store.h"
#include "demo_fixture.h"
#include "domain/units.h"
#include "store_backend.h"

static char dir[] = "/tmp/suotdoi-copy-XXXXXX";

static int
count_unit(const store_unit_t *u, void *ctx)
{
	(void)u;
	(*(int64_t *)ctx)++;
	return 0;
}

static int64_t
units_in(store_t *st)
{
	int64_t n = 0;
	assert_int_equal(store_units_each(st, count_unit, &n), 0);
	return n;
}

typedef struct seen {
	char full_name[128];
	int64_t id;
} seen_t;

static int
take_user(const store_user_t *u, void *ctx)
{
	seen_t *s = ctx;
	snprintf(s->full_name, sizeof s->full_name, "%s", u->full_name);
	s->id = u->id;
	return 0;
}

static void
quiet_line(const char *line, void *ctx)
{
	(void)line;
	(*(int *)ctx)++;
}

/* The target: a fresh SQLite file, or a fresh PostgreSQL database. */
static const char *
target(char *buf, size_t cap, const char *name)
{
	if (tb.pg) {
		tb_fresh_spec("copy", buf, cap);
		return buf;
	}
	snprintf(buf, cap, "sqlite:%s/%s", dir, name);
	return buf;
}

static void
test_copy_reads_back(void **state)
{
	(void)state;
	char src[256], to[1024], err[1024];
	snprintf(src, sizeof src, "%s/src.db", dir);
	store_t *st;
	unit_tree_t *tree;
	int64_t campaign_id, template_id;
	assert_int_equal(demo_fixture_open(src, &st, &tree, &campaign_id, &template_id), 0);
	/* quotes, and what COPY's text format escapes: a backslash, "\N" (its NULL), tab,
	 * line breaks */
	const char *name = "Nguyễn Thị Hoà 'Bông' \"Út\" \\N \\\\ \t\nxuống dòng\r.";
	int64_t uid;
	assert_int_equal(store_user_create(st,
	                                   &(store_user_t){.username = "nv.hoa",
	                                                   .full_name = name,
	                                                   .email = "hoa@example.vn",
	                                                   .password_hash = "$argon2id$x",
	                                                   .created_at = 1700000000},
	                                   &uid),
	                 0);
	unsigned char hash[32];
	for (int i = 0; i < 32; i++)
		hash[i] = (unsigned char)(i % 3 == 0 ? 0 : 255 - i); /* NUL bytes inside */
	int64_t sid;
	assert_int_equal(
	        store_session_create(st, hash, uid, "csrf-ổn", 1700000001, "10.0.0.1", &sid), 0);
	int64_t nunits = units_in(st);
	assert_true(nunits > 10000);
	store_close(st);
	unit_tree_unref(tree);

	char from[300];
	snprintf(from, sizeof from, "sqlite:%s", src);
	target(to, sizeof to, "to.db");
	int lines = 0;
	if (store_copy(from, to, quiet_line, &lines, err, sizeof err) < 0)
		fail_msg("store_copy: %s", err);
	assert_true(lines > 40); /* a line per table and the summary */

	store_t *t;
	assert_int_equal(store_open(to, &t, err, sizeof err), 0);
	assert_int_equal(units_in(t), nunits);
	seen_t s = {0};
	assert_int_equal(store_user_find(t, "nv.hoa", take_user, &s), 1);
	assert_string_equal(s.full_name, name);
	assert_int_equal(s.id, uid);
	store_session_t ses;
	assert_int_equal(store_session_get(t, hash, &ses), 1);
	assert_int_equal(ses.user_id, uid);
	assert_string_equal(ses.csrf, "csrf-ổn");
	/* new rows get ids after the copied ones (PostgreSQL: the sequences moved) */
	int64_t uid2;
	assert_int_equal(store_user_create(t,
	                                   &(store_user_t){.username = "nv.moi",
	                                                   .full_name = "Người mới",
	                                                   .password_hash = "$argon2id$y",
	                                                   .created_at = 1700000002},
	                                   &uid2),
	                 0);
	assert_true(uid2 > uid);
	store_close(t);

	/* a second copy into the same store is refused, and changes nothing */
	err[0] = '\0';
	assert_int_equal(store_copy(from, to, NULL, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "không trống"));
	assert_int_equal(store_open(to, &t, err, sizeof err), 0);
	assert_int_equal(units_in(t), nunits);
	store_close(t);
}

static void
test_copy_refuses_bad_source(void **state)
{
	(void)state;
	char to[1024], err[1024], junk[300], from[320];
	target(to, sizeof to, "to2.db");
	/* a file that is not a database */
	snprintf(junk, sizeof junk, "%s/junk.db", dir);
	FILE *f = fopen(junk, "w");
	assert_non_null(f);
	fputs("Đây không phải cơ sở dữ liệu, chỉ là chữ.\n", f);
	for (int i = 0; i < 200; i++)
		fputs("0123456789abcdef0123456789abcdef\n", f);
	fclose(f);
	snprintf(from, sizeof from, "sqlite:%s", junk);
	err[0] = '\0';
	assert_int_equal(store_copy(from, to, NULL, NULL, err, sizeof err), -1);
	assert_true(strlen(err) > 0);
	/* the source must be SQLite */
	if (tb.pg) {
		char other[1024];
		tb_fresh_spec("copysrc", other, sizeof other);
		err[0] = '\0';
		assert_int_equal(store_copy(other, to, NULL, NULL, err, sizeof err), -1);
		assert_non_null(strstr(err, "SQLite"));
	}
}

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	if (tb_init(argc, argv, "copy") < 0)
		return 1;
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_copy_reads_back),
	        cmocka_unit_test(test_copy_refuses_bad_source),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
