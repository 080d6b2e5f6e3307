/* Pre-fill from recorded activities: the template's `from` field (read strictly, written
 * back, refusals naming the JSON path), the mapping of the default Phụ lục, and the
 * aggregation: only held activities count, the others are listed with their reason, a held
 * activity without a participants figure counts for the number of classes but not for the
 * participants. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/file.h"
#include "domain/prefill.h"
#include "domain/template.h"

static template_t *
parse_ok(const char *json)
{
	template_t *t;
	char err[512];
	if (template_from_json(json, strlen(json), &t, err, sizeof err) < 0)
		fail_msg("%s", err);
	return t;
}

static char *
dump(const template_t *t)
{
	json_t *j = template_to_json(t);
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

/* A one-section template with the given items. */
static char *
doc_of(const char *items)
{
	static char doc[8192];
	int n = snprintf(doc, sizeof doc,
	                 "{\"code\":\"t\",\"name\":\"Mẫu\",\"year\":2022,\"sections\":[{\"code\":"
	                 "\"s\",\"title\":\"Phần\",\"items\":[%s]}],\"rules\":[]}",
	                 items);
	assert_true(n > 0 && (size_t)n < sizeof doc);
	return doc;
}

static void
refuse(const char *items, const char *want)
{
	char err[512];
	const char *doc = doc_of(items);
	template_t *t = (template_t *)1;
	err[0] = '\0';
	assert_int_equal(template_from_json(doc, strlen(doc), &t, err, sizeof err), -1);
	assert_null(t);
	if (strstr(err, want) == NULL)
		fail_msg("want \"%s\" in \"%s\"", want, err);
}

#define LOP "{\"code\":\"lop\",\"label\":\"Số lớp\",\"type\":\"count\""

static void
test_from_field(void **state)
{
	(void)state;
	template_t *t = parse_ok(doc_of(
	        LOP ",\"unit\":\"lớp\",\"from\":{\"kinds\":[\"lop_cds\",\"lop_khac\"],"
	            "\"measure\":\"count\"}},"
	            "{\"code\":\"nguoi\",\"label\":\"Số người\",\"type\":\"count\",\"from\":{"
	            "\"measure\":\"participants\",\"kinds\":[\"lop_cds\"]}},"
	            "{\"code\":\"khac\",\"label\":\"Khác\",\"type\":\"count\"}"));
	const tpl_item_t *lop = template_item(t, "lop"), *nguoi = template_item(t, "nguoi");
	assert_non_null(lop->from);
	assert_int_equal(lop->from->nkinds, 2);
	assert_string_equal(lop->from->kinds[0], "lop_cds");
	assert_string_equal(lop->from->kinds[1], "lop_khac");
	assert_int_equal(lop->from->measure, TPL_MEASURE_COUNT);
	assert_int_equal(nguoi->from->measure, TPL_MEASURE_PARTICIPANTS);
	assert_null(template_item(t, "khac")->from);
	/* written back after aggregate (canonical key order), read back the same */
	char *a = dump(t);
	assert_non_null(strstr(a, "{\"code\":\"lop\",\"label\":\"Số lớp\",\"type\":\"count\","
	                          "\"unit\":\"lớp\",\"from\":{\"kinds\":[\"lop_cds\",\"lop_khac\"],"
	                          "\"measure\":\"count\"}}"));
	assert_non_null(strstr(a, "\"from\":{\"kinds\":[\"lop_cds\"],\"measure\":"
	                          "\"participants\"}"));
	assert_null(strstr(a, "{\"code\":\"khac\",\"label\":\"Khác\",\"type\":\"count\",\"from"));
	template_t *t2 = parse_ok(a);
	char *b = dump(t2);
	assert_string_equal(a, b);
	assert_int_equal(template_item(t2, "lop")->from->nkinds, 2);
	free(a);
	free(b);
	template_free(t2);
	template_free(t);

	/* 30 kinds is the limit */
	char items[4096], kinds[2048] = "";
	for (int k = 0; k < 30; k++) {
		size_t n = strlen(kinds);
		snprintf(kinds + n, sizeof kinds - n, "%s\"k_%c%c\"", k ? "," : "", 'a' + k / 26,
		         'a' + k % 26);
	}
	snprintf(items, sizeof items, LOP ",\"from\":{\"kinds\":[%s],\"measure\":\"count\"}}",
	         kinds);
	t = parse_ok(doc_of(items));
	assert_int_equal(template_item(t, "lop")->from->nkinds, 30);
	template_free(t);
	snprintf(items, sizeof items,
	         LOP ",\"from\":{\"kinds\":[%s,\"k_zz\"],\"measure\":\"count\"}}", kinds);
	refuse(items, "sections[0].items[0].from.kinds: phải có từ 1 đến 30 loại hoạt động; "
	              "hiện có 31.");
}

static void
test_from_refusals(void **state)
{
	(void)state;
	refuse(LOP ",\"from\":[\"lop_cds\"]}",
	       "sections[0].items[0].from: phải là một đối tượng {\"kinds\": [...], \"measure\": "
	       "\"count\"}");
	refuse(LOP ",\"from\":{\"measure\":\"count\"}}",
	       "sections[0].items[0].from.kinds: thiếu trường bắt buộc; hãy thêm \"kinds\"");
	refuse(LOP ",\"from\":{\"kinds\":[\"lop_cds\"]}}",
	       "sections[0].items[0].from.measure: thiếu trường bắt buộc; hãy thêm \"measure\".");
	refuse(LOP ",\"from\":{\"kinds\":\"lop_cds\",\"measure\":\"count\"}}",
	       "sections[0].items[0].from.kinds: phải là một danh sách [...] các mã loại hoạt "
	       "động.");
	refuse(LOP ",\"from\":{\"kinds\":[],\"measure\":\"count\"}}",
	       "sections[0].items[0].from.kinds: phải có từ 1 đến 30 loại hoạt động; hiện có 0.");
	refuse(LOP ",\"from\":{\"kinds\":[\"lop_cds\",3],\"measure\":\"count\"}}",
	       "sections[0].items[0].from.kinds[1]: phải là một chuỗi ký tự trong dấu nháy kép.");
	refuse(LOP ",\"from\":{\"kinds\":[\"Lop-CDS\"],\"measure\":\"count\"}}",
	       "sections[0].items[0].from.kinds[0]: mã loại hoạt động \"Lop-CDS\" không hợp lệ; "
	       "chỉ dùng chữ thường không dấu a-z và dấu gạch dưới \"_\", dài 1-32 ký tự.");
	refuse(LOP ",\"from\":{\"kinds\":[\"lop2\"],\"measure\":\"count\"}}",
	       "mã loại hoạt động \"lop2\" không hợp lệ");
	refuse(LOP ",\"from\":{\"kinds\":[\"\"],\"measure\":\"count\"}}",
	       "mã loại hoạt động \"\" không hợp lệ");
	refuse(LOP ",\"from\":{\"kinds\":[\"abcdefghijklmnopqrstuvwxyz_abcdefg\"],\"measure\":"
	           "\"count\"}}",
	       "from.kinds[0]: mã loại hoạt động");
	refuse(LOP ",\"from\":{\"kinds\":[\"lop_cds\",\"tap_huan\",\"lop_cds\"],\"measure\":"
	           "\"count\"}}",
	       "sections[0].items[0].from.kinds[2]: loại \"lop_cds\" đã có ở "
	       "sections[0].items[0].from.kinds[0]; mỗi loại chỉ ghi một lần.");
	refuse(LOP ",\"from\":{\"kinds\":[\"lop_cds\"],\"measure\":\"sum\"}}",
	       "sections[0].items[0].from.measure: cách đếm \"sum\" không hợp lệ; hãy dùng "
	       "\"count\" (số hoạt động) hoặc \"participants\" (số người tham gia).");
	refuse(LOP ",\"from\":{\"kinds\":[\"lop_cds\"],\"measure\":1}}",
	       "sections[0].items[0].from.measure: phải là một chuỗi ký tự");
	refuse(LOP ",\"from\":{\"kinds\":[\"lop_cds\"],\"measure\":\"count\",\"unit\":\"x\"}}",
	       "sections[0].items[0].from.unit: trường không được hỗ trợ; hãy bỏ trường này (các "
	       "trường hợp lệ: kinds, measure).");
	/* money items add amounts up; count items count or add participants */
	refuse("{\"code\":\"tien\",\"label\":\"Tiền\",\"type\":\"money\",\"from\":{\"kinds\":["
	       "\"khen_thuong\"],\"measure\":\"count\"}}",
	       "sections[0].items[0].from.measure: cách tính \"count\" không dùng được cho mục "
	       "tiền; hãy dùng \"amount\" (cộng số tiền).");
	refuse(LOP ",\"from\":{\"kinds\":[\"lop_cds\"],\"measure\":\"amount\"}}",
	       "sections[0].items[0].from.measure: cách đếm \"amount\" không hợp lệ");
	refuse("{\"code\":\"kh\",\"label\":\"KH\",\"type\":\"bool\",\"from\":{\"kinds\":["
	       "\"khai_mac\"],\"measure\":\"count\"}}",
	       "sections[0].items[0].from: chỉ dùng cho mục kiểu count (số lớp, số người...) hoặc "
	       "money (số tiền); hãy bỏ trường này.");
	refuse("{\"code\":\"h\",\"label\":\"H\",\"heading\":true,\"from\":{\"kinds\":["
	       "\"khai_mac\"],\"measure\":\"count\"}}",
	       "sections[0].items[0].from: dòng tiêu đề nhóm (heading) không có giá trị");
}

static template_t *
load_default(void)
{
	char *data, err[512];
	size_t len;
	assert_int_equal(file_read_all(TEST_SOURCE_DIR "/data/templates/phuluc-2022.json", 1 << 20,
	                               &data, &len, err, sizeof err),
	                 0);
	template_t *t;
	if (template_from_json(data, len, &t, err, sizeof err) < 0)
		fail_msg("%s", err);
	free(data);
	return t;
}

static void
expect_from(const template_t *t, const char *code, const char *kinds, tpl_measure_t m)
{
	const tpl_item_t *it = template_item(t, code);
	assert_non_null(it);
	if (it->from == NULL)
		fail_msg("%s has no from", code);
	char got[256] = "";
	for (size_t k = 0; k < it->from->nkinds; k++) {
		size_t n = strlen(got);
		snprintf(got + n, sizeof got - n, "%s%s", k ? " " : "", it->from->kinds[k]);
	}
	assert_string_equal(got, kinds);
	assert_int_equal(it->from->measure, m);
}

static void
test_default_mapping(void **state)
{
	(void)state;
	template_t *t = load_default();
	static const char *const classes[][2] = {
	        {"5.1", "lop_cds"},      {"5.2", "lop_ngoai_ngu_tin_hoc"},
	        {"5.3", "lop_day_nghe"}, {"5.4", "lop_ky_nang_song"},
	        {"5.5", "lop_cap_nhat"}, {"5.6", "lop_xoa_mu_chu"},
	        {"5.7", "lop_khac"},
	};
	for (size_t k = 0; k < sizeof classes / sizeof classes[0]; k++) {
		char code[32];
		snprintf(code, sizeof code, "%s.lop", classes[k][0]);
		expect_from(t, code, classes[k][1], TPL_MEASURE_COUNT);
		snprintf(code, sizeof code, "%s.nguoi", classes[k][0]);
		expect_from(t, code, classes[k][1], TPL_MEASURE_PARTICIPANTS);
	}
	expect_from(t, "4.hoi_thao", "hoi_thao", TPL_MEASURE_COUNT);
	expect_from(t, "4.nguoi", "hoi_thao", TPL_MEASURE_PARTICIPANTS);
	expect_from(t, "4.trien_lam", "trien_lam", TPL_MEASURE_PARTICIPANTS);
	expect_from(t, "4.van_nghe", "van_nghe", TPL_MEASURE_COUNT);
	expect_from(t, "6.tap_huan", "thu_vien tap_huan", TPL_MEASURE_COUNT);
	/* published open learning resources (docs/resources.md) */
	expect_from(t, "6.tai_lieu_so", "hoc_lieu", TPL_MEASURE_COUNT);
	/* reading culture (docs/reading.md) */
	expect_from(t, "6.co_so", "thu_vien_co_so", TPL_MEASURE_COUNT);
	expect_from(t, "6.doc_online", "doc_online", TPL_MEASURE_PARTICIPANTS);
	/* decided awards (docs/awards.md): collectives, persons, and all of their money */
	expect_from(t, "8.don_vi", "khen_tap_the khen_gia_dinh khen_dong_ho", TPL_MEASURE_COUNT);
	expect_from(t, "8.ca_nhan", "khen_ca_nhan khen_tam_guong", TPL_MEASURE_COUNT);
	expect_from(t, "8.kinh_phi",
	            "khen_tap_the khen_gia_dinh khen_dong_ho khen_ca_nhan khen_tam_guong",
	            TPL_MEASURE_AMOUNT);
	size_t n = 0;
	for (size_t s = 0; s < t->nsections; s++)
		for (size_t i = 0; i < t->sections[s].nitems; i++)
			n += t->sections[s].items[i].from != NULL;
	assert_int_equal(n, 25);
	/* the canonical form keeps the mapping */
	char *a = dump(t);
	template_t *t2 = parse_ok(a);
	expect_from(t2, "6.tap_huan", "thu_vien tap_huan", TPL_MEASURE_COUNT);
	char *b = dump(t2);
	assert_string_equal(a, b);
	free(a);
	free(b);
	template_free(t2);
	template_free(t);
}

/* 03/10/2022 08:00 in Vietnam, plus d days. */
#define DAY(d) (INT64_C(1664758800) + (d)*INT64_C(86400))

static void
test_aggregate(void **state)
{
	(void)state;
	template_t *t = load_default();
	const prefill_activity_t acts[] = {
	        {11, "lop_ngoai_ngu_tin_hoc", "Lớp tin học cho người cao tuổi", "held", DAY(0), 35},
	        {12, "lop_ngoai_ngu_tin_hoc", "Lớp tiếng Anh giao tiếp", "held", DAY(1), 20},
	        {13, "lop_ngoai_ngu_tin_hoc", "Lớp tin học văn phòng", "planned", DAY(2), -1},
	        {14, "lop_ngoai_ngu_tin_hoc", "Lớp tiếng Trung", "cancelled", DAY(3), 12},
	        {15, "hoi_thao", "Tọa đàm học tập suốt đời", "held", DAY(1), 60},
	        {16, "hoi_thao", "Hội thảo chuyển đổi số", "held", DAY(4), -1},
	        {17, "thu_vien", "Ngày hội đọc sách", "held", DAY(2), 200},
	        {18, "tap_huan", "Tập huấn khai thác tài liệu số", "held", DAY(3), 0},
	        {19, "khac", "Dọn vệ sinh", "held", DAY(3), 40},
	        {20, "trien_lam", "Triển lãm ảnh", "held", DAY(5), 1500},
	        {21, "van_nghe", "Đêm văn nghệ", "planned", DAY(6), 300},
	};
	size_t n = sizeof acts / sizeof acts[0];
	prefill_t *p = prefill_compute(t, acts, n);

	const prefill_item_t *lop = prefill_find(p, "5.2.lop");
	assert_non_null(lop);
	assert_ptr_equal(lop->item, template_item(t, "5.2.lop"));
	assert_int_equal(lop->value, 2);
	assert_int_equal(lop->ncounted, 2);
	assert_int_equal(lop->nmissing, 0);
	assert_int_equal(lop->nsources, 4);
	assert_ptr_equal(lop->sources[0].act, &acts[0]);
	assert_true(lop->sources[0].counted && lop->sources[0].add == 1);
	assert_null(lop->sources[0].reason);
	assert_true(lop->sources[1].counted && lop->sources[1].add == 1);
	assert_false(lop->sources[2].counted);
	assert_int_equal(lop->sources[2].add, 0);
	assert_string_equal(lop->sources[2].reason, "chưa ghi nhận đã tổ chức");
	assert_false(lop->sources[3].counted);
	assert_string_equal(lop->sources[3].reason, "đã hủy");

	const prefill_item_t *nguoi = prefill_find(p, "5.2.nguoi");
	assert_int_equal(nguoi->value, 55);
	assert_int_equal(nguoi->ncounted, 2);
	assert_true(nguoi->sources[0].add == 35 && nguoi->sources[1].add == 20);
	assert_string_equal(nguoi->sources[3].reason, PREFILL_CANCELLED);

	/* a held seminar without its participants counts as a seminar, not for people */
	const prefill_item_t *ht = prefill_find(p, "4.hoi_thao");
	assert_int_equal(ht->value, 2);
	assert_int_equal(ht->ncounted, 2);
	assert_int_equal(ht->nmissing, 0);
	const prefill_item_t *ng = prefill_find(p, "4.nguoi");
	assert_int_equal(ng->value, 60);
	assert_int_equal(ng->ncounted, 1);
	assert_int_equal(ng->nmissing, 1);
	assert_int_equal(ng->nsources, 2);
	assert_false(ng->sources[1].counted);
	assert_string_equal(ng->sources[1].reason, "chưa nhập số người tham gia");

	/* several kinds feed one line; a held activity with 0 participants still counts */
	const prefill_item_t *th = prefill_find(p, "6.tap_huan");
	assert_int_equal(th->value, 2);
	assert_int_equal(th->nsources, 2);
	assert_int_equal(prefill_find(p, "4.trien_lam")->value, 1500);
	/* only planned: listed, nothing counted */
	const prefill_item_t *vn = prefill_find(p, "4.van_nghe");
	assert_non_null(vn);
	assert_int_equal(vn->value, 0);
	assert_int_equal(vn->ncounted, 0);
	assert_int_equal(vn->nsources, 1);

	/* no activity of its kinds, no `from`, no such item: no entry */
	assert_null(prefill_find(p, "5.1.lop"));
	assert_null(prefill_find(p, "2.bao"));
	assert_null(prefill_find(p, "khong.co"));
	assert_null(prefill_find(p, NULL));
	/* entries in document order: 4.hoi_thao 4.nguoi 4.trien_lam 4.van_nghe 5.2.lop ... */
	assert_int_equal(p->nitems, 7);
	assert_string_equal(p->items[0].item->code, "4.hoi_thao");
	assert_string_equal(p->items[4].item->code, "5.2.lop");
	assert_string_equal(p->items[6].item->code, "6.tap_huan");
	prefill_free(p);

	/* decided awards as pseudo activities: each counts once in its line (a family as a
	 * unit, a teacher as a person) and its money adds into the amount line */
	const prefill_activity_t aw[] = {
	        {31, "khen_gia_dinh", "Gia đình ông Nguyễn Văn A", "held", DAY(10), 1000000},
	        {32, "khen_ca_nhan", "Cô Trần Thị B", "held", DAY(10), 500000},
	        {33, "khen_tam_guong", "Em Lê Văn C", "held", DAY(10), 0},
	};
	p = prefill_compute(t, aw, 3);
	assert_int_equal(prefill_find(p, "8.don_vi")->value, 1);
	assert_int_equal(prefill_find(p, "8.ca_nhan")->value, 2);
	const prefill_item_t *kp = prefill_find(p, "8.kinh_phi");
	assert_int_equal(kp->value, 1500000);
	assert_int_equal(kp->ncounted, 3);
	assert_int_equal(kp->sources[1].add, 500000);
	prefill_free(p);

	/* nothing recorded: nothing suggested */
	p = prefill_compute(t, NULL, 0);
	assert_int_equal(p->nitems, 0);
	assert_null(prefill_find(p, "5.2.lop"));
	prefill_free(p);
	prefill_free(NULL);
	template_free(t);
}

static void
test_edge_cases(void **state)
{
	(void)state;
	template_t *t = parse_ok(doc_of(
	        "{\"code\":\"n\",\"label\":\"N\",\"type\":\"count\",\"from\":{\"kinds\":[\"a\"],"
	        "\"measure\":\"participants\"}},"
	        "{\"code\":\"c\",\"label\":\"C\",\"type\":\"count\",\"from\":{\"kinds\":[\"a\"],"
	        "\"measure\":\"count\"}}"));
	/* huge figures saturate instead of wrapping; unknown statuses and kinds are safe */
	const prefill_activity_t acts[] = {
	        {1, "a", "x", "held", 0, INT64_MAX}, {2, "a", "y", "held", 0, 5},
	        {3, "a", "z", "postponed", 0, 5},    {4, NULL, "w", "held", 0, 5},
	        {5, "a", "v", NULL, 0, 5},           {6, "a", "u", "held", 0, -7},
	};
	prefill_t *p = prefill_compute(t, acts, 6);
	const prefill_item_t *n = prefill_find(p, "n"), *c = prefill_find(p, "c");
	assert_true(n->value == INT64_MAX);
	assert_int_equal(n->ncounted, 2);
	assert_int_equal(n->nmissing, 1);
	assert_int_equal(n->nsources, 5);
	assert_string_equal(n->sources[2].reason, PREFILL_NOT_HELD);
	assert_string_equal(n->sources[3].reason, PREFILL_NOT_HELD);
	assert_string_equal(n->sources[4].reason, PREFILL_NO_PARTICIPANTS);
	assert_int_equal(c->value, 3);
	prefill_free(p);
	template_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_from_field),      cmocka_unit_test(test_from_refusals),
	        cmocka_unit_test(test_default_mapping), cmocka_unit_test(test_aggregate),
	        cmocka_unit_test(test_edge_cases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
