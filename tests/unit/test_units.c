/* Unit registry: national registries import with their counts, imports are idempotent
 * and all-or-nothing, the tree is depth-first, search folds diacritics and sorts in
 * Vietnamese order. Real SQLite files in a temporary directory. */
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

#include "app/app.h"
#include "core/buf.h"
#include "core/file.h"
#include "db/store.h"
#include "domain/units.h"
#include "text/text.h"

static char tmpdir[] = "/tmp/suotdoi-units-XXXXXX";
static int dbseq;

static store_t *
fresh_store(void)
{
	char path[256], err[512];
	snprintf(path, sizeof path, "%s/t%d.db", tmpdir, ++dbseq);
	store_t *st;
	if (store_open(path, &st, err, sizeof err) < 0)
		fail_msg("store_open: %s", err);
	return st;
}

static int
import_path(store_t *st, const char *rel, units_import_stats_t *s, char *err, size_t errlen)
{
	char path[512], ferr[256];
	snprintf(path, sizeof path, "%s/%s", TEST_SOURCE_DIR, rel);
	char *data;
	size_t len;
	if (file_read_all(path, 1 << 26, &data, &len, ferr, sizeof ferr) < 0)
		fail_msg("%s", ferr);
	int rc = units_import_csv(st, data, len, s, err, errlen);
	free(data);
	return rc;
}

static int
import_text(store_t *st, const char *csv, units_import_stats_t *s, char *err, size_t errlen)
{
	return units_import_csv(st, csv, strlen(csv), s, err, errlen);
}

static int
count_units(const store_unit_t *u, void *ctx)
{
	(void)u;
	(*(int *)ctx)++;
	return 0;
}

static int
nunits(store_t *st)
{
	int n = 0;
	assert_int_equal(store_units_each(st, count_units, &n), 0);
	return n;
}

static store_t *registry03;

static void
test_registry_2025_03_imports_and_is_idempotent(void **state)
{
	(void)state;
	char err[4096];
	units_import_stats_t s;
	store_t *st = registry03 = fresh_store();
	assert_int_equal(import_path(st, "data/dvhc/units-2025-03-01.csv", &s, err, sizeof err), 0);
	assert_int_equal(s.rows, 10806);
	assert_int_equal(s.inserted, 10806);
	assert_int_equal(nunits(st), 10806 + 1); /* + the national root */
	int64_t gen = store_units_generation(st);
	assert_int_equal(import_path(st, "data/dvhc/units-2025-03-01.csv", &s, err, sizeof err), 0);
	assert_int_equal(s.inserted, 0);
	assert_int_equal(s.updated, 0);
	assert_int_equal(s.unchanged, 10806);
	assert_int_equal(store_units_generation(st), gen); /* nothing written */
}

static void
test_registry_2025_07_imports(void **state)
{
	(void)state;
	char err[4096];
	units_import_stats_t s;
	store_t *st = fresh_store();
	assert_int_equal(import_path(st, "data/dvhc/units-2025-07-01.csv", &s, err, sizeof err), 0);
	assert_int_equal(s.inserted, 3355);
	assert_int_equal(nunits(st), 3355 + 1);
	store_close(st);
}

static void
test_tree_is_depth_first(void **state)
{
	(void)state;
	char err[256];
	unit_tree_t *t;
	assert_int_equal(unit_tree_build(registry03, &t, err, sizeof err), 0);
	assert_int_equal(t->n, 10807);
	assert_string_equal(t->units[0].code, "VN");
	assert_int_equal(t->units[0].end, t->n);
	int32_t provinces = 0, communes = 0;
	for (int32_t i = 1; i < t->n; i++) {
		const unit_t *u = &t->units[i];
		assert_true(unit_tree_contains(t, u->parent, i));
		assert_true(u->parent < i);
		assert_int_equal(u->depth, t->units[u->parent].depth + 1);
		if (u->depth == 1)
			provinces++;
		if (u->depth == 3)
			communes++;
	}
	assert_int_equal(provinces, 63);
	assert_int_equal(communes, 10047);
	int32_t hp = unit_tree_find_code(t, "31");
	int32_t tl = unit_tree_find_code(t, "315");
	int32_t hn = unit_tree_find_code(t, "01");
	assert_true(unit_tree_contains(t, hp, tl));
	assert_false(unit_tree_contains(t, hn, tl));
	assert_false(unit_tree_contains(t, tl, hp));
	/* the API writes units as text: byte for byte what the JSON value dumps to */
	buf_t text = BUF_INIT;
	for (int32_t i = 0; i < t->n; i++) {
		json_t *o = app_unit_json(t, i);
		char *want = json_dumps(o, JSON_COMPACT);
		buf_reset(&text);
		app_unit_json_text(t, i, &text);
		assert_string_equal(buf_cstr(&text), want);
		free(want);
		json_decref(o);
	}
	buf_free(&text);
	/* Tiên Lãng has 19 communes in the registry */
	assert_int_equal(t->units[tl].nchildren, 19);
	assert_int_equal(unit_tree_subtree_size(t, tl), 20);
	/* children listed in Vietnamese order */
	int32_t kids[64];
	int32_t nk = unit_tree_children(t, tl, kids, 64);
	assert_int_equal(nk, 19);
	for (int32_t k = 1; k < nk; k++)
		assert_true(text_collate_cmp(t->units[kids[k - 1]].name, t->units[kids[k]].name) <=
		            0);
	unit_tree_unref(t);
}

static int32_t
search_codes(unit_tree_t *t, const char *q, int32_t within, int32_t *ids, int32_t max,
             int32_t *total)
{
	unit_search_t s = {.q = q, .within = within, .limit = max};
	return unit_tree_search(t, &s, ids, total);
}

static int
has_code(unit_tree_t *t, const int32_t *ids, int32_t n, const char *code)
{
	for (int32_t i = 0; i < n; i++)
		if (!strcmp(t->units[ids[i]].code, code))
			return 1;
	return 0;
}

static void
test_search_folds_and_sorts(void **state)
{
	(void)state;
	char err[256];
	unit_tree_t *t;
	assert_int_equal(unit_tree_build(registry03, &t, err, sizeof err), 0);
	int32_t ids[200], total, n;

	n = search_codes(t, "tien lang", -1, ids, 200, &total);
	assert_true(has_code(t, ids, n, "315")); /* Huyện Tiên Lãng */

	n = search_codes(t, "da nang", -1, ids, 200, &total);
	assert_true(has_code(t, ids, n, "48"));
	int32_t total_plain = total;
	n = search_codes(t, "Đà Nẵng", -1, ids, 200, &total);
	assert_true(has_code(t, ids, n, "48"));
	assert_int_equal(total, total_plain);
	/* NFD input: "Đà Nẵng" with combining marks */
	n = search_codes(t,
	                 "\xc4\x90"
	                 "a\xcc\x80 Na\xcc\x86\xcc\x83ng",
	                 -1, ids, 200, &total);
	assert_true(has_code(t, ids, n, "48"));
	assert_int_equal(total, total_plain);
	n = search_codes(t, "DA NANG", -1, ids, 200, &total);
	assert_int_equal(total, total_plain);

	/* word starts only: "ang" is inside "lang" but starts no word of "Huyện Tiên Lãng" */
	n = search_codes(t, "tien ang", -1, ids, 200, &total);
	assert_false(has_code(t, ids, n, "315"));

	/* alphabetical order over a large result set */
	n = search_codes(t, "xa", -1, ids, 200, &total);
	assert_true(total > 7000);
	for (int32_t k = 1; k < n; k++)
		assert_true(text_collate_cmp(t->units[ids[k - 1]].name, t->units[ids[k]].name) <=
		            0);

	/* within a subtree: only Hải Phòng's units */
	int32_t hp = unit_tree_find_code(t, "31");
	n = search_codes(t, "xa", hp, ids, 200, &total);
	assert_true(total > 0 && total < 300);
	for (int32_t k = 0; k < n; k++)
		assert_true(unit_tree_contains(t, hp, ids[k]));

	/* an exact code */
	n = search_codes(t, "05812", -1, ids, 200, &total);
	assert_int_equal(n, 1);
	assert_string_equal(t->units[ids[0]].name, "Xã Hà Thượng");

	/* paging */
	unit_search_t s = {.q = "xa", .within = -1, .limit = 10, .offset = 10};
	int32_t page2[10];
	n = unit_tree_search(t, &s, page2, &total);
	assert_int_equal(n, 10);
	n = search_codes(t, "xa", -1, ids, 20, &total);
	assert_memory_equal(page2, ids + 10, sizeof page2);

	/* invalid UTF-8 is refused, an empty query finds nothing */
	assert_int_equal(search_codes(t, "\xff", -1, ids, 10, &total), -1);
	assert_int_equal(search_codes(t, "   ", -1, ids, 10, &total), 0);
	assert_int_equal(total, 0);
	unit_tree_unref(t);
}

static void
test_demo_bodies_and_changed_file(void **state)
{
	(void)state;
	char err[4096];
	units_import_stats_t s;
	store_t *st = registry03;
	assert_int_equal(import_path(st, "data/demo/units-demo.csv", &s, err, sizeof err), 0);
	assert_true(s.inserted > 50);
	int before = nunits(st);
	/* a changed file: a renamed unit and a moved one, nothing duplicated */
	const char *changed = "code,name,kind,parent_code\n"
	                      "HT-MN,Trường Mầm non Hoa Mai Hà Thượng,truong_mn,05812\n"
	                      "HT-TH,Trường Tiểu học Hà Thượng,truong_th,171\n";
	assert_int_equal(import_text(st, changed, &s, err, sizeof err), 0);
	assert_int_equal(s.updated, 2);
	assert_int_equal(s.inserted, 0);
	assert_int_equal(nunits(st), before);
	unit_tree_t *t;
	assert_int_equal(unit_tree_build(st, &t, err, sizeof err), 0);
	int32_t mn = unit_tree_find_code(t, "HT-MN"), th = unit_tree_find_code(t, "HT-TH");
	assert_string_equal(t->units[mn].name, "Trường Mầm non Hoa Mai Hà Thượng");
	assert_string_equal(t->units[t->units[th].parent].code, "171");
	assert_string_equal(t->units[mn].email, "");
	unit_tree_unref(t);
	/* same again: unchanged */
	assert_int_equal(import_text(st, changed, &s, err, sizeof err), 0);
	assert_int_equal(s.updated, 0);
	assert_int_equal(s.unchanged, 2);
}

/* Every bad file leaves the store exactly as it was and names the line. */
static void
expect_refused(store_t *st, const char *csv, const char *needle)
{
	char err[4096];
	units_import_stats_t s;
	int before = nunits(st);
	int64_t gen = store_units_generation(st);
	assert_int_equal(import_text(st, csv, &s, err, sizeof err), -1);
	if (strstr(err, needle) == NULL)
		fail_msg("expected \"%s\" in error: %s", needle, err);
	assert_non_null(strstr(err, "Không có dữ liệu nào được ghi"));
	assert_int_equal(nunits(st), before);
	assert_int_equal(store_units_generation(st), gen);
}

static void
test_bad_rows_write_nothing(void **state)
{
	(void)state;
	store_t *st = registry03;
	const char *h = "code,name,kind,parent_code\n";
	char csv[2048];
	snprintf(csv, sizeof csv, "%sNEW1,Trường A,truong_th,31\nNEW2,Trường B,truong_th,NOPE\n",
	         h);
	expect_refused(st, csv, "Dòng 3: không tìm thấy đơn vị cấp trên có mã \"NOPE\"");
	snprintf(csv, sizeof csv, "%sNEW1,Trường A,truong_th,31\nNEW1,Trường B,truong_th,31\n", h);
	expect_refused(st, csv, "Dòng 3: mã đơn vị \"NEW1\" trùng với dòng 2");
	snprintf(csv, sizeof csv, "%sNEW1,Trường A,truong_th,31\nNEW2,  ,truong_th,31\n", h);
	expect_refused(st, csv, "Dòng 3: tên đơn vị NEW2 đang để trống");
	snprintf(csv, sizeof csv, "%sNEW1,Tr\xff\xfeng,truong_th,31\n", h);
	expect_refused(st, csv, "Dòng 2: cột tên (name) không phải văn bản UTF-8");
	snprintf(csv, sizeof csv, "%sNEW1,A,truong_th,NEW2\nNEW2,B,truong_th,NEW1\n", h);
	expect_refused(st, csv, "vòng lặp");
	/* a cycle through the store: province 31 under one of its own communes */
	snprintf(csv, sizeof csv, "%s31,Thành phố Hải Phòng,tp_tw,11755\n", h);
	expect_refused(st, csv, "Dòng 2: quan hệ cấp trên tạo thành vòng lặp");
	snprintf(csv, sizeof csv, "%sNEW1,A,khong_co,31\n", h);
	expect_refused(st, csv, "loại đơn vị \"khong_co\" không tồn tại");
	snprintf(csv, sizeof csv, "%sNEW1,A,truong_th,31,x\n", h);
	expect_refused(st, csv, "Dòng 2: có 5 cột nhưng tiêu đề có 4 cột");
	snprintf(csv, sizeof csv, "code,name,colour\nNEW1,A,red\n");
	expect_refused(st, csv, "cột \"colour\" không được hỗ trợ");
	snprintf(csv, sizeof csv, "%sNEW1,\"A,truong_th,31\n", h);
	expect_refused(st, csv, "Dòng 2");
	snprintf(csv, sizeof csv, "code,name,kind,email\nNEW1,A,truong_th,not-an-email\n");
	expect_refused(st, csv, "thư điện tử \"not-an-email\" không hợp lệ");
	snprintf(csv, sizeof csv, "%sbad code,A,truong_th,31\n", h);
	expect_refused(st, csv, "mã đơn vị \"bad code\" không hợp lệ");
	snprintf(csv, sizeof csv, "code,name,type,level,parent_code\n99999,Xã Mới,Làng,3,315\n");
	expect_refused(st, csv, "loại \"Làng\" không có trong danh mục hành chính");
	expect_refused(st, "", "Tệp CSV trống");
	/* many bad rows: at most 10 listed, the rest counted */
	buf_t big = BUF_INIT;
	buf_puts(&big, h);
	for (int i = 0; i < 15; i++)
		buf_printf(&big, "X%d,,truong_th,31\n", i);
	expect_refused(st, buf_cstr(&big), "và 5 lỗi khác");
	buf_free(&big);
}

static void
test_nfd_names_are_stored_nfc(void **state)
{
	(void)state;
	char err[1024];
	units_import_stats_t s;
	store_t *st = fresh_store();
	/* "Hà" written with a combining grave accent */
	const char *csv = "code,name,kind\nNFD1,Trường Ha\xcc\x80 Nội,truong_th\n";
	assert_int_equal(import_text(st, csv, &s, err, sizeof err), 0);
	unit_tree_t *t;
	assert_int_equal(unit_tree_build(st, &t, err, sizeof err), 0);
	int32_t i = unit_tree_find_code(t, "NFD1");
	assert_string_equal(t->units[i].name, "Trường Hà Nội");
	assert_string_equal(t->units[t->units[i].parent].code, "VN");
	unit_tree_unref(t);
	/* the NFC spelling of the same name is "unchanged" */
	assert_int_equal(import_text(st, "code,name,kind\nNFD1,Trường Hà Nội,truong_th\n", &s, err,
	                             sizeof err),
	                 0);
	assert_int_equal(s.unchanged, 1);
	store_close(st);
}

static void
test_store_migrations_recorded(void **state)
{
	(void)state;
	char path[256], err[512];
	snprintf(path, sizeof path, "%s/mig.db", tmpdir);
	store_t *st;
	assert_int_equal(store_open(path, &st, err, sizeof err), 0);
	int applied, known;
	assert_int_equal(store_schema_version(st, &applied, &known), 0);
	assert_int_equal(applied, known);
	assert_true(known >= 1);
	store_close(st);
	/* reopening applies nothing again and keeps the root */
	assert_int_equal(store_open(path, &st, err, sizeof err), 0);
	assert_int_equal(nunits(st), 1);
	store_close(st);
	assert_int_equal(store_open("postgres://x", &st, err, sizeof err), -1);
	assert_non_null(strstr(err, "PostgreSQL"));
	assert_int_equal(store_open("/nonexistent-dir/x.db", &st, err, sizeof err), -1);
	assert_non_null(strstr(err, "Không mở được"));
}

static int
teardown_all(void **state)
{
	(void)state;
	store_close(registry03);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	if (mkdtemp(tmpdir) == NULL)
		return 1;
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_store_migrations_recorded),
	        cmocka_unit_test(test_registry_2025_03_imports_and_is_idempotent),
	        cmocka_unit_test(test_registry_2025_07_imports),
	        cmocka_unit_test(test_tree_is_depth_first),
	        cmocka_unit_test(test_search_folds_and_sorts),
	        cmocka_unit_test(test_demo_bodies_and_changed_file),
	        cmocka_unit_test(test_bad_rows_write_nothing),
	        cmocka_unit_test(test_nfd_names_are_stored_nfc),
	};
	return cmocka_run_group_tests(tests, NULL, teardown_all);
}
