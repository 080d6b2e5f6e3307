/* The per-unit exports' shared pieces (src/service/unit_table.h): a unit's ancestry by
 * administrative level on a tree before the 2025 merger (province, district, commune) and
 * after it (province, commune: no district), and the Phụ lục's column headings, every one
 * different. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/file.h"
#include "service/unit_table.h"

/* A tree by hand: only what utab_ancestry reads (kind, locality, parent, depth, name). */
static unit_t
unit(const char *name, const char *kind, int loc, int32_t parent, int32_t depth)
{
	return (unit_t){
	        .name = name, .kind = kind, .is_locality = loc, .parent = parent, .depth = depth};
}

static void
test_ancestry_before_merger(void **state)
{
	(void)state;
	unit_t u[] = {unit("Việt Nam", "quoc_gia", 1, -1, 0),
	              unit("Thành phố Hải Phòng", "tp_tw", 1, 0, 1),
	              unit("Quận Hải An", "quan", 1, 1, 2),
	              unit("Phường Cát Bi", "phuong", 1, 2, 3),
	              unit("Trường Tiểu học Cát Bi", "truong_th", 0, 3, 4),
	              unit("Sở Giáo dục và Đào tạo Hải Phòng", "so_gddt", 0, 1, 2)};
	unit_tree_t t = {.units = u, .n = 6};
	const char *a[UTAB_NANCESTRY];
	utab_ancestry(&t, 4, a);
	assert_string_equal(a[UTAB_PROVINCE], "Thành phố Hải Phòng");
	assert_string_equal(a[UTAB_DISTRICT], "Quận Hải An");
	assert_string_equal(a[UTAB_COMMUNE], "Phường Cát Bi");
	utab_ancestry(&t, 2, a); /* a district: itself */
	assert_string_equal(a[UTAB_DISTRICT], "Quận Hải An");
	assert_string_equal(a[UTAB_COMMUNE], "");
	utab_ancestry(&t, 5, a); /* a body of the city */
	assert_string_equal(a[UTAB_PROVINCE], "Thành phố Hải Phòng");
	assert_string_equal(a[UTAB_DISTRICT], "");
	assert_string_equal(a[UTAB_COMMUNE], "");
}

static void
test_ancestry_after_merger(void **state)
{
	(void)state;
	unit_t u[] = {unit("Việt Nam", "quoc_gia", 1, -1, 0),
	              unit("Thành phố Hải Phòng", "tp_tw", 1, 0, 1),
	              unit("Phường Hải An", "phuong", 1, 1, 2),
	              unit("Trường Tiểu học Cát Bi", "truong_th", 0, 2, 3)};
	unit_tree_t t = {.units = u, .n = 4};
	const char *a[UTAB_NANCESTRY];
	utab_ancestry(&t, 3, a);
	assert_string_equal(a[UTAB_PROVINCE], "Thành phố Hải Phòng");
	assert_string_equal(a[UTAB_DISTRICT], "");
	assert_string_equal(a[UTAB_COMMUNE], "Phường Hải An");
}

static void
test_headings_unique(void **state)
{
	(void)state;
	char *data, err[512];
	size_t len;
	assert_int_equal(file_read_all(TEST_SOURCE_DIR "/data/templates/phuluc-2022.json", 1 << 20,
	                               &data, &len, err, sizeof err),
	                 0);
	template_t *tpl;
	assert_int_equal(template_from_json(data, len, &tpl, err, sizeof err), 0);
	free(data);
	arena_t a = ARENA_INIT;
	utab_col_t *cols = utab_columns(tpl, &a);
	for (size_t c = 0; c < tpl->ncols; c++) {
		assert_non_null(cols[c].heading);
		for (size_t d = c + 1; d < tpl->ncols; d++)
			if (!strcmp(cols[c].heading, cols[d].heading))
				fail_msg("heading twice: %s", cols[c].heading);
	}
	const tpl_item_t *it = template_item(tpl, "5.2.nguoi");
	assert_string_equal(
	        cols[it->col].heading,
	        "5. Các lớp bồi dưỡng đã tổ chức liên quan đến chuyển đổi số — Số lớp "
	        "bồi dưỡng nâng cao trình độ ngoại ngữ, tin học — Số lượt người tham gia");
	it = template_item(tpl, "2.bao");
	assert_string_equal(cols[it->col].line, "Số bài viết trên các báo");
	/* the template's ratios as columns: participants per class of each kind of class */
	const utab_ratio_t *r;
	size_t nr = utab_template_ratios(tpl, &a, &r);
	assert_int_equal(nr, 7);
	size_t k = 0;
	while (k < nr && strcmp(r[k].key, "5.2.nguoi/5.2.lop") != 0)
		k++;
	assert_true(k < nr);
	assert_int_equal(r[k].num, template_item(tpl, "5.2.nguoi")->col);
	assert_int_equal(r[k].den, template_item(tpl, "5.2.lop")->col);
	assert_non_null(strstr(r[k].label, "mỗi lớp"));
	arena_free(&a);
	template_free(tpl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_ancestry_before_merger),
	        cmocka_unit_test(test_ancestry_after_merger),
	        cmocka_unit_test(test_headings_unique),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
