/* Results templates: the default Phụ lục (seed 003) read from data/templates with its exact
 * labels, the JSON round trip, reading typed values, checking a report's values, and
 * every refusal naming its JSON path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/file.h"
#include "domain/template.h"

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

/* Every line of the II.1 table in seed 003, in order ("H" = group heading). */
static const struct {
	const char *number, *label, *type;
} ii1[] = {
        {"1", "Kế hoạch tổ chức tuần lễ HTSD", "bool"},
        {"2", "Các phương tiện thông tin về chuyển đổi số", "H"},
        {"", "Số bài viết trên các báo", "count"},
        {"", "Số tin, phóng sự phát trên đài truyền hình", "count"},
        {"", "Số bài, tin đã phát trên đài phát thanh", "count"},
        {"", "Số tờ báo tường, số bài viết liên quan đến chuyển đổi số và học tập suốt đời",
         "count"},
        {"3",
         "Các hoạt động tuyên truyền về chuyển đổi số, học tập suốt đời và xây dựng xã hội học "
         "tập",
         "H"},
        {"", "Số lượng tờ rơi đã phát hành", "count"},
        {"", "Số lượng sách, tài liệu đã phát hành", "count"},
        {"", "Số băng zôn, panô, khẩu hiệu đã thực hiện", "count"},
        {"4",
         "Hội thảo, tọa đàm, triển lãm...về chuyển đổi số; các nội dung về học tập suốt đời, "
         "xây dựng XHHT",
         "H"},
        {"", "Số lần hội thảo, tọa đàm", "count"},
        {"", "Số người tham gia", "count"},
        {"", "Triển lãm, số lượt người tham dự", "count"},
        {"", "Hội diễn văn nghệ", "count"},
        {"5", "Các lớp bồi dưỡng đã tổ chức liên quan đến chuyển đổi số", "H"},
        {"",
         "Số lớp bồi dưỡng nâng cao trình độ chuyên môn nghiệp vụ cho cán bộ, công chức, viên "
         "chức, công nhân lao động về chuyển đổi số",
         "count"},
        {"", "Số lượt người tham gia", "count"},
        {"", "Số lớp bồi dưỡng nâng cao trình độ ngoại ngữ, tin học", "count"},
        {"", "Số lượt người tham gia", "count"},
        {"", "Số lớp dạy nghề cho lao động nông thôn", "count"},
        {"", "Số lượt người tham gia", "count"},
        {"", "Số lớp giáo dục kỹ năng sống", "count"},
        {"", "Số lượt người tham gia", "count"},
        {"",
         "Số lớp học theo chương trình giáo dục đáp ứng yêu cầu người học, cập nhật kiến thức, "
         "kỹ năng chuyên giao công nghệ",
         "count"},
        {"", "Số lượt người tham gia", "count"},
        {"", "Số lớp xóa mù chữ", "count"},
        {"", "Số lượng người tham gia", "count"},
        {"", "Các lớp khác", "count"},
        {"", "Số lượng người tham gia", "count"},
        {"6", "Thư viện", "H"},
        {"", "Số cơ sở giáo dục có thư viện", "count"},
        {"", "Số sách báo điện tử, tài liệu số và trang web đã khai thác", "count"},
        {"", "Số lượng hoạt động tập huấn, hướng dẫn, giới thiệu", "count"},
        {"", "Số lượng tham gia đọc sách online trên blogs nhà trường", "count"},
        {"7",
         "Số Trung tâm HTCĐ trên địa bàn đã thực hiện theo quy định và công văn hướng dẫn của Sở "
         "GD&ĐT",
         "H"},
        {"", "Có đủ cơ sở vật chất", "count"},
        {"", "Về tổ chức bộ máy theo quy định", "count"},
        {"", "Về hồ sơ của Trung tâm", "count"},
        {"", "Về tài chính", "count"},
        {"", "Có nội dung hoạt động hàng tháng", "count"},
        {"8", "Tổng kết, khen thưởng", "H"},
        {"", "Số đơn vị được khen thưởng", "count"},
        {"", "Số cá nhân được khen thưởng", "count"},
        {"", "Tổng kinh phí khen thưởng", "money"},
};

static void
test_default_template(void **state)
{
	(void)state;
	template_t *t = load_default();
	assert_string_equal(t->code, "phuluc-2022");
	assert_int_equal(t->year, 2022);
	assert_string_equal(t->name, "Báo cáo tổng hợp số liệu kết quả tổ chức Tuần lễ hưởng ứng "
	                             "học tập suốt đời năm 2022");
	assert_int_equal(t->nsections, 4);
	static const char *const numbers[] = {"I", "II.1", "II.2", "III"};
	static const char *const titles[] = {
	        "Công tác chỉ đạo",
	        "Các kết quả theo từng hoạt động đã được thực hiện nhằm hưởng ứng Tuần lễ",
	        "Những thuận lợi và khó khăn", "Kế hoạch tiếp theo"};
	for (size_t s = 0; s < 4; s++) {
		assert_string_equal(t->sections[s].number, numbers[s]);
		assert_string_equal(t->sections[s].title, titles[s]);
		assert_int_equal(t->sections[s].narrative, s != 1);
		if (s != 1) {
			assert_int_equal(t->sections[s].nitems, 1);
			assert_int_equal(t->sections[s].items[0].type, TPL_TEXT);
			assert_int_equal(t->sections[s].items[0].agg, TPL_AGG_LIST);
		}
	}

	const tpl_section_t *sec = &t->sections[1];
	assert_int_equal(sec->nitems, sizeof ii1 / sizeof ii1[0]);
	int group = 0, numeric = 0;
	for (size_t i = 0; i < sec->nitems; i++) {
		const tpl_item_t *it = &sec->items[i];
		assert_string_equal(it->number, ii1[i].number);
		assert_string_equal(it->label, ii1[i].label);
		if (it->number[0]) { /* the 8 groups, numbered 1..8 in order */
			char want[16];
			snprintf(want, sizeof want, "%d", ++group);
			assert_string_equal(it->number, want);
		}
		if (strcmp(ii1[i].type, "H") == 0) {
			assert_true(it->heading);
			assert_int_equal(it->col, -1);
			assert_int_equal(it->tcol, -1);
			continue;
		}
		assert_false(it->heading);
		tpl_type_t want = strcmp(ii1[i].type, "bool") == 0    ? TPL_BOOL
		                  : strcmp(ii1[i].type, "money") == 0 ? TPL_MONEY
		                                                      : TPL_COUNT;
		assert_int_equal(it->type, want);
		assert_int_equal(it->col, numeric++);
		assert_true(it->type == TPL_BOOL || it->unit[0] != '\0');
		assert_ptr_equal(template_item_col(t, it->col), it);
	}
	assert_int_equal(group, 8);
	assert_int_equal(numeric, 38);
	assert_int_equal(t->ncols, 38);
	assert_int_equal(t->ntexts, 3);
	assert_int_equal(t->nrules, 14);

	/* a few codes and units, spelled out */
	const tpl_item_t *it = template_item(t, "8.kinh_phi");
	assert_non_null(it);
	assert_int_equal(it->type, TPL_MONEY);
	assert_string_equal(it->unit, "đồng");
	assert_int_equal(it->agg, TPL_AGG_SUM);
	it = template_item(t, "1.ke_hoach");
	assert_non_null(it);
	assert_int_equal(it->agg, TPL_AGG_COUNT_YES);
	it = template_item(t, "5.1.lop");
	assert_non_null(it);
	assert_string_equal(it->unit, "lớp");
	assert_string_equal(template_item(t, "5.1.nguoi")->label, "Số lượt người tham gia");
	assert_string_equal(template_item(t, "5.6.nguoi")->label, "Số lượng người tham gia");
	assert_null(template_item(t, "9.khong_co"));
	assert_null(template_item_col(t, 38));
	assert_null(template_item_col(t, -1));
	assert_string_equal(template_item_tcol(t, 0)->code, "i.text");
	assert_string_equal(template_item_tcol(t, 2)->code, "iii.text");
	assert_null(template_item_tcol(t, 3));
	template_free(t);
}

static char *
dump(const template_t *t)
{
	json_t *j = template_to_json(t);
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* template_item_next finds what template_item finds, whatever order the codes come in; in
 * code order (as the roll-up build asks) and with codes skipped or unknown too. */
static void
test_item_next(void **state)
{
	(void)state;
	template_t *t = load_default();
	const char *codes[128];
	size_t n = 0;
	for (size_t s = 0; s < t->nsections; s++)
		for (size_t k = 0; k < t->sections[s].nitems && n < 128; k++)
			codes[n++] = t->sections[s].items[k].code;
	assert_true(n > 40);
	size_t hint = 0;
	for (int round = 0; round < 3; round++) /* document order, then twice in code order */
		for (size_t k = 0; k < n; k++) {
			if (round == 2 && k % 3 == 1)
				continue; /* a value left empty */
			assert_ptr_equal(template_item_next(t, codes[k], &hint),
			                 template_item(t, codes[k]));
			if (round == 0 && k == n - 1)
				qsort(codes, n, sizeof *codes, cmp_str);
		}
	assert_null(template_item_next(t, "9.khong_co", &hint));
	assert_null(template_item_next(t, NULL, &hint));
	template_free(t);
}

static void
test_round_trip(void **state)
{
	(void)state;
	template_t *t = load_default();
	char *a = dump(t);
	template_t *t2;
	char err[512];
	if (template_from_json(a, strlen(a), &t2, err, sizeof err) < 0)
		fail_msg("%s", err);
	char *b = dump(t2);
	assert_string_equal(a, b);
	assert_int_equal(t2->nsections, t->nsections);
	assert_int_equal(t2->ncols, t->ncols);
	assert_int_equal(t2->nrules, t->nrules);
	for (size_t s = 0; s < t->nsections; s++) {
		assert_int_equal(t2->sections[s].nitems, t->sections[s].nitems);
		for (size_t i = 0; i < t->sections[s].nitems; i++) {
			const tpl_item_t *x = &t->sections[s].items[i],
			                 *y = &t2->sections[s].items[i];
			assert_string_equal(x->code, y->code);
			assert_string_equal(x->label, y->label);
			assert_string_equal(x->unit, y->unit);
			assert_int_equal(x->type, y->type);
			assert_int_equal(x->agg, y->agg);
			assert_int_equal(x->col, y->col);
			assert_int_equal(x->tcol, y->tcol);
			assert_int_equal(x->heading, y->heading);
			assert_true(x->min == y->min && x->max == y->max);
		}
	}
	for (size_t r = 0; r < t->nrules; r++) {
		assert_string_equal(t->rules[r].left, t2->rules[r].left);
		assert_string_equal(t->rules[r].right, t2->rules[r].right);
		assert_string_equal(t->rules[r].message, t2->rules[r].message);
		assert_true((t->rules[r].when == NULL) == (t2->rules[r].when == NULL));
	}
	free(a);
	free(b);
	template_free(t2);
	template_free(t);
}

static template_t *
parse_ok(const char *json)
{
	template_t *t;
	char err[512];
	if (template_from_json(json, strlen(json), &t, err, sizeof err) < 0)
		fail_msg("%s", err);
	return t;
}

/* A small template for values: a count with limits, money, a yes/no, a required text. */
static const char small[] =
        "{\"code\":\"t\",\"name\":\"Mẫu thử\",\"year\":2023,\"sections\":["
        "{\"code\":\"a\",\"number\":\"II\",\"title\":\"Số liệu\",\"items\":["
        "{\"code\":\"lop\",\"number\":\"5\",\"label\":\"Số lớp bồi dưỡng nâng cao trình độ "
        "chuyên môn nghiệp vụ cho cán bộ, công chức, viên chức\",\"type\":\"count\","
        "\"unit\":\"lớp\",\"required\":true},"
        "{\"code\":\"nguoi\",\"label\":\"Số lượt người tham gia\",\"type\":\"count\","
        "\"min\":0,\"max\":5000},"
        "{\"code\":\"tien\",\"label\":\"Tổng kinh phí\",\"type\":\"money\",\"min\":1000},"
        "{\"code\":\"kh\",\"number\":\"1\",\"label\":\"Kế hoạch\",\"type\":\"bool\"}]},"
        "{\"code\":\"b\",\"number\":\"III\",\"title\":\"Kế hoạch tiếp theo\",\"narrative\":true,"
        "\"items\":[{\"code\":\"b.text\",\"label\":\"Kế hoạch tiếp theo\",\"type\":\"text\","
        "\"required\":true}]}],"
        "\"rules\":[{\"left\":\"nguoi\",\"op\":\">=\",\"right\":\"lop\",\"message\":\"Số lượt "
        "người tham gia không thể ít hơn số lớp.\"},"
        "{\"when\":\"lop\",\"left\":\"nguoi\",\"op\":\">\",\"right\":\"0\",\"message\":\"Đã có "
        "lớp thì phải có người tham gia.\"}]}";

static void
test_parse_value(void **state)
{
	(void)state;
	template_t *t = parse_ok(small);
	const tpl_item_t *lop = template_item(t, "lop"), *nguoi = template_item(t, "nguoi"),
	                 *tien = template_item(t, "tien"), *kh = template_item(t, "kh");
	int64_t v;
	int has;
	char err[300];
	assert_int_equal(template_parse_value(lop, "1.234", &v, &has, err, sizeof err), 0);
	assert_true(v == 1234 && has == 1);
	assert_int_equal(template_parse_value(lop, "1234", &v, &has, err, sizeof err), 0);
	assert_true(v == 1234 && has == 1);
	assert_int_equal(template_parse_value(lop, " 12 ", &v, &has, err, sizeof err), 0);
	assert_true(v == 12 && has == 1);
	assert_int_equal(template_parse_value(lop, "", &v, &has, err, sizeof err), 0);
	assert_true(v == 0 && has == 0);
	assert_int_equal(template_parse_value(lop, "  ", &v, &has, err, sizeof err), 0);
	assert_int_equal(has, 0);

	assert_int_equal(template_parse_value(lop, "mười", &v, &has, err, sizeof err), -1);
	assert_string_equal(err, "Mục 5 \"Số lớp bồi dưỡng nâng cao trình độ chuyên môn nghiệp "
	                         "vụ cho…\": phải là số nguyên không âm (ví dụ 12).");
	assert_int_equal(template_parse_value(lop, "-3", &v, &has, err, sizeof err), -1);
	assert_string_equal(err, "Mục 5 \"Số lớp bồi dưỡng nâng cao trình độ chuyên môn nghiệp "
	                         "vụ cho…\": phải là số nguyên không âm (ví dụ 12).");
	assert_int_equal(template_parse_value(lop, "1,5", &v, &has, err, sizeof err), -1);
	assert_int_equal(template_parse_value(lop, "1.000.000.000.001", &v, &has, err, sizeof err),
	                 -1);
	assert_string_equal(err, "Mục 5 \"Số lớp bồi dưỡng nâng cao trình độ chuyên môn nghiệp "
	                         "vụ cho…\": không được lớn hơn 1.000.000.000.000.");
	assert_int_equal(template_parse_value(lop, "1.000.000.000.000", &v, &has, err, sizeof err),
	                 0);
	assert_true(v == INT64_C(1000000000000));

	assert_int_equal(template_parse_value(nguoi, "5.001", &v, &has, err, sizeof err), -1);
	assert_string_equal(err, "Mục \"Số lượt người tham gia\": không được lớn hơn 5.000.");
	assert_int_equal(template_parse_value(tien, "999", &v, &has, err, sizeof err), -1);
	assert_string_equal(err, "Mục \"Tổng kinh phí\": không được nhỏ hơn 1.000.");
	assert_int_equal(template_parse_value(tien, "ba triệu", &v, &has, err, sizeof err), -1);
	assert_string_equal(err, "Mục \"Tổng kinh phí\": phải là số nguyên không âm (ví dụ "
	                         "1.500.000).");
	assert_int_equal(template_parse_value(tien, "1.500.000", &v, &has, err, sizeof err), 0);
	assert_true(v == 1500000 && has == 1);

	static const char *const yes[] = {"1", "có", "Có", "true", " có "};
	static const char *const no[] = {"0", "không", "Không", "false"};
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(template_parse_value(kh, yes[i], &v, &has, err, sizeof err), 0);
		assert_true(v == 1 && has == 1);
	}
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(template_parse_value(kh, no[i], &v, &has, err, sizeof err), 0);
		assert_true(v == 0 && has == 1);
	}
	assert_int_equal(template_parse_value(kh, "", &v, &has, err, sizeof err), 0);
	assert_int_equal(has, 0);
	assert_int_equal(template_parse_value(kh, "2", &v, &has, err, sizeof err), -1);
	assert_string_equal(err, "Mục 1 \"Kế hoạch\": hãy chọn \"có\" hoặc \"không\".");

	/* text is not read here */
	assert_int_equal(
	        template_parse_value(template_item(t, "b.text"), "abc", &v, &has, err, sizeof err),
	        0);
	assert_int_equal(has, 0);
	template_free(t);
}

typedef struct vals {
	int64_t num[4];
	unsigned char has[4];
	const char *text[1];
	tpl_values_t v;
} vals_t;

static void
vals_init(vals_t *x)
{
	memset(x, 0, sizeof *x);
	x->v.num = x->num;
	x->v.has = x->has;
	x->v.text = x->text;
}

static void
set(vals_t *x, int col, int64_t v)
{
	x->num[col] = v;
	x->has[col] = 1;
}

static void
test_check(void **state)
{
	(void)state;
	template_t *t = parse_ok(small);
	assert_int_equal(t->ncols, 4);
	tpl_error_t e[8];
	vals_t x;

	/* an empty draft is fine; submitting it misses the two required items */
	vals_init(&x);
	assert_int_equal(template_check(t, &x.v, 0, e, 8), 0);
	assert_int_equal(template_check(t, &x.v, 1, e, 8), 2);
	assert_string_equal(e[0].item, "lop");
	assert_string_equal(e[0].msg, "Mục 5 \"Số lớp bồi dưỡng nâng cao trình độ chuyên môn "
	                              "nghiệp vụ cho…\" là bắt buộc khi nộp báo cáo.");
	assert_string_equal(e[1].item, "b.text");
	assert_string_equal(e[1].msg, "Mục \"Kế hoạch tiếp theo\" là bắt buộc khi nộp báo cáo.");
	assert_int_equal(template_check(t, &x.v, 1, e, 1), 1); /* max respected */
	x.text[0] = "  ";
	assert_int_equal(template_check(t, &x.v, 1, e, 8), 2);

	/* complete and consistent */
	set(&x, 0, 3);
	set(&x, 1, 40);
	set(&x, 2, 2000000);
	set(&x, 3, 1);
	x.text[0] = "Tiếp tục";
	assert_int_equal(template_check(t, &x.v, 1, e, 8), 0);

	/* min/max as they could come from the API */
	set(&x, 1, 5001);
	set(&x, 2, 10);
	set(&x, 0, -1);
	set(&x, 3, 7);
	assert_int_equal(template_check(t, &x.v, 0, e, 8), 4);
	assert_string_equal(e[0].item, "lop");
	assert_string_equal(e[0].msg, "Mục 5 \"Số lớp bồi dưỡng nâng cao trình độ chuyên môn "
	                              "nghiệp vụ cho…\": phải là số nguyên không âm (ví dụ 12).");
	assert_string_equal(e[1].msg, "Mục \"Số lượt người tham gia\": không được lớn hơn 5.000.");
	assert_string_equal(e[2].msg, "Mục \"Tổng kinh phí\": không được nhỏ hơn 1.000.");
	assert_string_equal(e[3].msg, "Mục 1 \"Kế hoạch\": hãy chọn \"có\" hoặc \"không\".");

	/* relation: participants >= classes */
	vals_init(&x);
	set(&x, 0, 10);
	set(&x, 1, 4);
	assert_int_equal(template_check(t, &x.v, 0, e, 8), 1);
	assert_string_equal(e[0].item, "nguoi");
	assert_string_equal(e[0].msg, "Số lượt người tham gia không thể ít hơn số lớp.");
	/* only when both sides have values */
	x.has[1] = 0;
	assert_int_equal(template_check(t, &x.v, 0, e, 8), 0);

	/* "when": classes > 0 then participants > 0 */
	vals_init(&x);
	set(&x, 0, 2);
	set(&x, 1, 0);
	assert_int_equal(template_check(t, &x.v, 0, e, 8), 2);
	assert_string_equal(e[0].msg, "Số lượt người tham gia không thể ít hơn số lớp.");
	assert_string_equal(e[1].item, "nguoi");
	assert_string_equal(e[1].msg, "Đã có lớp thì phải có người tham gia.");
	set(&x, 0, 0); /* no classes: the when-rule is off, 0 >= 0 holds */
	assert_int_equal(template_check(t, &x.v, 0, e, 8), 0);
	template_free(t);
}

/* The JSON of a one-section template with the given items and rules. */
static void
refuse(const char *items, const char *rules, const char *want)
{
	char doc[4096], err[512];
	snprintf(doc, sizeof doc,
	         "{\"code\":\"t\",\"name\":\"Mẫu\",\"year\":2022,\"sections\":[{\"code\":\"s\","
	         "\"title\":\"Phần\",\"items\":[%s]}],\"rules\":[%s]}",
	         items, rules);
	template_t *t = (template_t *)1;
	err[0] = '\0';
	assert_int_equal(template_from_json(doc, strlen(doc), &t, err, sizeof err), -1);
	assert_null(t);
	if (strstr(err, want) == NULL)
		fail_msg("want \"%s\" in \"%s\"", want, err);
}

#define A "{\"code\":\"a\",\"label\":\"A\",\"type\":\"count\"}"
#define B "{\"code\":\"b\",\"label\":\"B\",\"type\":\"count\"}"
#define C "{\"code\":\"c\",\"label\":\"C\",\"type\":\"count\"}"

static void
test_refusals(void **state)
{
	(void)state;
	refuse(A "," B ",{\"code\":\"x\",\"label\":\"X\",\"type\":\"text\",\"colour\":\"red\"}", "",
	       "sections[0].items[2].colour: trường không được hỗ trợ; hãy bỏ trường này");
	refuse(A "," B "," A, "",
	       "sections[0].items[2].code: mã \"a\" đã dùng ở sections[0].items[0]; mỗi mục cần "
	       "một mã riêng.");
	refuse(A, "{\"left\":\"a\",\"op\":\">\",\"right\":\"zz\",\"message\":\"m\"}",
	       "rules[0].right: không có mục nào mã \"zz\"");
	refuse(A "," B,
	       "{\"left\":\"a\",\"op\":\">\",\"right\":\"b\",\"message\":\"m\"},"
	       "{\"left\":\"b\",\"op\":\">\",\"right\":\"a\",\"message\":\"m\"}",
	       "rules[0]: các quy tắc mâu thuẫn nhau, không số liệu nào thỏa mãn được: b < a < b;");
	refuse(A "," B "," C,
	       "{\"left\":\"a\",\"op\":\"<\",\"right\":\"b\",\"message\":\"m\"},"
	       "{\"left\":\"b\",\"op\":\"<=\",\"right\":\"c\",\"message\":\"m\"},"
	       "{\"left\":\"a\",\"op\":\">=\",\"right\":\"c\",\"message\":\"m\"}",
	       "a < b <= c <= a");
	refuse(A, "{\"left\":\"a\",\"op\":\">\",\"right\":\"a\",\"message\":\"m\"}",
	       "rules[0].right: quy tắc so sánh mục \"a\" với chính nó");
	refuse(A, "{\"left\":\"a\",\"op\":\"=>\",\"right\":\"0\",\"message\":\"m\"}",
	       "rules[0].op: phép so sánh \"=>\" không hợp lệ");
	refuse(A, "{\"left\":\"a\",\"op\":\">\",\"right\":\"0\"}",
	       "rules[0].message: thiếu trường bắt buộc");
	refuse("{\"code\":\"x\",\"label\":\"X\",\"type\":\"text\",\"aggregate\":\"sum\"}", "",
	       "sections[0].items[0].aggregate: mục kiểu text không tổng hợp được bằng \"sum\"; "
	       "hãy dùng \"list\" hoặc \"none\".");
	refuse("{\"code\":\"x\",\"label\":\"\",\"type\":\"count\"}", "",
	       "sections[0].items[0].label: không được để trống");
	refuse("{\"code\":\"X\",\"label\":\"X\",\"type\":\"count\"}", "",
	       "sections[0].items[0].code: mã \"X\" không hợp lệ");
	refuse("{\"code\":\"x\",\"label\":\"X\",\"type\":\"number\"}", "",
	       "sections[0].items[0].type: kiểu \"number\" không hợp lệ");
	refuse("{\"code\":\"x\",\"label\":\"X\",\"type\":\"count\",\"min\":5,\"max\":3}", "",
	       "sections[0].items[0].min: min (5) lớn hơn max (3)");
	refuse("{\"code\":\"x\",\"label\":\"X\",\"type\":\"bool\",\"max\":3}", "",
	       "sections[0].items[0].max: chỉ dùng cho mục kiểu count hoặc money");
	refuse("{\"code\":\"x\",\"label\":\"X\",\"heading\":true,\"type\":\"count\"}", "",
	       "sections[0].items[0].type: dòng tiêu đề nhóm (heading)");
	refuse("{\"code\":\"x\",\"label\":\"X\"}", "", "sections[0].items[0].type: thiếu trường");
	refuse("{\"code\":\"h\",\"label\":\"H\",\"heading\":true}",
	       "{\"left\":\"h\",\"op\":\">\",\"right\":\"0\",\"message\":\"m\"}",
	       "rules[0].left: mục \"h\" không phải mục số");

	char err[512];
	template_t *t;
	const char *bad_year =
	        "{\"code\":\"t\",\"name\":\"Mẫu\",\"year\":1800,\"sections\":[{\"code\":\"s\","
	        "\"title\":\"P\",\"items\":[]}]}";
	assert_int_equal(template_from_json(bad_year, strlen(bad_year), &t, err, sizeof err), -1);
	assert_string_equal(err, "year: phải từ 1900 đến 2999; hãy sửa lại.");
	const char *top_unknown = "{\"code\":\"t\",\"name\":\"Mẫu\",\"year\":2022,\"colour\":1,"
	                          "\"sections\":[]}";
	assert_int_equal(template_from_json(top_unknown, strlen(top_unknown), &t, err, sizeof err),
	                 -1);
	assert_non_null(strstr(err, "colour: trường không được hỗ trợ"));
	const char *bad_json = "{\"code\": \"t\",\n \"name\": \"Mẫu\"\n \"year\": 2022}";
	assert_int_equal(template_from_json(bad_json, strlen(bad_json), &t, err, sizeof err), -1);
	assert_non_null(strstr(err, "Tài liệu mẫu không phải JSON hợp lệ: sai cú pháp ở dòng 3, "
	                            "cột"));
	const char *dup_key = "{\"code\":\"t\",\"code\":\"u\"}";
	assert_int_equal(template_from_json(dup_key, strlen(dup_key), &t, err, sizeof err), -1);
	assert_non_null(strstr(err, "một trường xuất hiện hai lần"));
	assert_int_equal(template_from_json("[1]", 3, &t, err, sizeof err), -1);
	assert_non_null(strstr(err, "phải là một đối tượng JSON"));
	char *huge = calloc(1, (1 << 20) + 2);
	memset(huge, ' ', (1 << 20) + 1);
	assert_int_equal(template_from_json(huge, (1 << 20) + 1, &t, err, sizeof err), -1);
	assert_non_null(strstr(err, "quá giới hạn 1 MiB"));
	free(huge);
}

static void
test_small_round_trip(void **state)
{
	(void)state;
	/* right given as a JSON number comes back as a string; everything else as written */
	const char *doc =
	        "{\"code\":\"t-1\",\"name\":\"N\",\"year\":2999,\"sections\":[{\"code\":\"s\","
	        "\"title\":\"P\",\"items\":[{\"code\":\"a\",\"label\":\"A\",\"type\":\"count\","
	        "\"min\":2,\"aggregate\":\"none\",\"help\":\"dòng 1\\ndòng 2\"},{\"code\":\"p\","
	        "\"label\":\"Ảnh\",\"type\":\"photos\"}]}],\"rules\":[{\"left\":\"a\",\"op\":\"<\","
	        "\"right\":-5,\"message\":\"m\"}]}";
	template_t *t = parse_ok(doc);
	assert_int_equal(t->ncols, 1);
	assert_int_equal(template_item(t, "p")->col, -1);
	assert_int_equal(template_item(t, "p")->agg, TPL_AGG_NONE);
	assert_int_equal(template_item(t, "a")->agg, TPL_AGG_NONE);
	assert_true(template_item(t, "a")->has_min && !template_item(t, "a")->has_max);
	char *a = dump(t);
	assert_string_equal(
	        a, "{\"code\":\"t-1\",\"name\":\"N\",\"year\":2999,\"sections\":[{\"code\":\"s\","
	           "\"title\":\"P\",\"items\":[{\"code\":\"a\",\"label\":\"A\",\"type\":\"count\","
	           "\"help\":\"dòng 1\\ndòng 2\",\"min\":2,\"aggregate\":\"none\"},{\"code\":\"p\","
	           "\"label\":\"Ảnh\",\"type\":\"photos\"}]}],\"rules\":[{\"left\":\"a\",\"op\":"
	           "\"<\",\"right\":\"-5\",\"message\":\"m\"}]}");
	template_t *t2 = parse_ok(a);
	char *b = dump(t2);
	assert_string_equal(a, b);
	free(a);
	free(b);
	template_free(t2);
	template_free(t);
}

/* A template with items (and no rules) and these ratios, refused with want. */
static void
refuse_ratios(const char *items, const char *ratios, const char *want)
{
	char doc[4096], err[512];
	snprintf(doc, sizeof doc,
	         "{\"code\":\"t\",\"name\":\"Mẫu\",\"year\":2022,\"sections\":[{\"code\":\"s\","
	         "\"title\":\"Phần\",\"items\":[%s]}],\"ratios\":%s}",
	         items, ratios);
	template_t *t = (template_t *)1;
	err[0] = '\0';
	assert_int_equal(template_from_json(doc, strlen(doc), &t, err, sizeof err), -1);
	assert_null(t);
	if (strstr(err, want) == NULL)
		fail_msg("want \"%s\" in \"%s\"", want, err);
}

/* Soft rules: an item's "warn" range and the template's "ratios", read strictly, written
 * back the same, and found through template_ratios; the default has one ratio per kind of
 * class (participants per class, 1-200). */
static void
test_soft_rules(void **state)
{
	(void)state;
	const char *doc =
	        "{\"code\":\"t\",\"name\":\"N\",\"year\":2022,\"sections\":[{\"code\":\"s\","
	        "\"title\":\"P\",\"items\":[{\"code\":\"lop\",\"label\":\"Lớp\",\"type\":"
	        "\"count\",\"unit\":\"lớp\",\"warn\":{\"max\":100,\"message\":\"Hiếm khi quá "
	        "100.\"}},{\"code\":\"nguoi\",\"label\":\"Người\",\"type\":\"count\",\"unit\":"
	        "\"người\",\"max\":1000000,\"warn\":{\"min\":1,\"max\":5000}}]}],\"rules\":[],"
	        "\"ratios\":[{\"num\":\"nguoi\",\"den\":\"lop\",\"min\":1,\"max\":200,\"label\":"
	        "\"người mỗi lớp\",\"message\":\"Hãy kiểm tra.\"},{\"num\":\"lop\",\"den\":"
	        "\"nguoi\",\"max\":1,\"label\":\"lớp mỗi người\"}]}";
	template_t *t = parse_ok(doc);
	const tpl_item_t *lop = template_item(t, "lop"), *nguoi = template_item(t, "nguoi");
	assert_non_null(lop->warn);
	assert_false(lop->warn->has_min);
	assert_true(lop->warn->has_max);
	assert_int_equal(lop->warn->max, 100);
	assert_string_equal(lop->warn->message, "Hiếm khi quá 100.");
	assert_int_equal(nguoi->warn->min, 1);
	assert_string_equal(nguoi->warn->message, "");
	size_t n;
	const tpl_ratio_t *r = template_ratios(t, &n);
	assert_int_equal(n, 2);
	assert_string_equal(r[0].num, "nguoi");
	assert_int_equal(r[0].num_col, nguoi->col);
	assert_int_equal(r[0].den_col, lop->col);
	assert_string_equal(r[0].label, "người mỗi lớp");
	assert_false(r[1].has_min);
	assert_string_equal(r[1].message, "");
	/* the ratio's value: only with both values and a denominator above 0 */
	int64_t num[2] = {0, 0};
	unsigned char has[2] = {1, 1};
	num[lop->col] = 3;
	num[nguoi->col] = 60000;
	double x;
	assert_int_equal(template_ratio_value(&r[0], num, has, &x), 1);
	assert_true(x == 20000);
	assert_true(template_ratio_outside(&r[0], x));
	assert_false(template_ratio_outside(&r[0], 200));
	assert_true(template_ratio_outside(&r[0], 0.5));
	assert_false(template_ratio_outside(&r[1], 0.5));
	has[lop->col] = 0;
	assert_int_equal(template_ratio_value(&r[0], num, has, &x), 0);
	has[lop->col] = 1;
	num[lop->col] = 0;
	assert_int_equal(template_ratio_value(&r[0], num, has, &x), 0);
	/* soft rules never refuse a value */
	num[lop->col] = 3;
	tpl_values_t v = {num, has, NULL};
	tpl_error_t errs[4];
	assert_int_equal(template_check(t, &v, 1, errs, 4), 0);
	/* the canonical form keeps them, and reads back the same */
	char *a = dump(t);
	assert_non_null(strstr(a, "\"warn\":{\"max\":100,\"message\":\"Hiếm khi quá 100.\"}"));
	assert_non_null(strstr(a, "\"ratios\":[{\"num\":\"nguoi\",\"den\":\"lop\",\"min\":1,"));
	template_t *t2 = parse_ok(a);
	char *b = dump(t2);
	assert_string_equal(a, b);
	free(a);
	free(b);
	template_free(t2);
	template_free(t);
	/* a template without ratios writes none (existing templates' documents unchanged) */
	t = parse_ok("{\"code\":\"t\",\"name\":\"N\",\"year\":2022,\"sections\":[{\"code\":"
	             "\"s\",\"title\":\"P\",\"items\":[]}]}");
	assert_null(template_ratios(t, &n));
	assert_int_equal(n, 0);
	a = dump(t);
	assert_null(strstr(a, "ratios"));
	free(a);
	template_free(t);
	/* the default: a ratio per kind of class, a soft range on its lines */
	t = load_default();
	r = template_ratios(t, &n);
	assert_int_equal(n, 7);
	for (size_t k = 0; k < n; k++) {
		char c[32];
		snprintf(c, sizeof c, "5.%zu.nguoi", k + 1);
		assert_string_equal(r[k].num, c);
		snprintf(c, sizeof c, "5.%zu.lop", k + 1);
		assert_string_equal(r[k].den, c);
		assert_int_equal(r[k].min, 1);
		assert_int_equal(r[k].max, 200);
		assert_non_null(template_item(t, c)->warn);
	}
	template_free(t);

	/* refusals name the path */
	refuse("{\"code\":\"x\",\"label\":\"X\",\"type\":\"count\",\"warn\":{\"max\":5,"
	       "\"colour\":1}}",
	       "", "sections[0].items[0].warn.colour: trường không được hỗ trợ");
	refuse("{\"code\":\"x\",\"label\":\"X\",\"type\":\"count\",\"warn\":{}}", "",
	       "sections[0].items[0].warn: cần ít nhất một trong hai giới hạn");
	refuse("{\"code\":\"x\",\"label\":\"X\",\"type\":\"count\",\"warn\":{\"min\":9,"
	       "\"max\":3}}",
	       "", "sections[0].items[0].warn.min: min (9) lớn hơn max (3)");
	refuse("{\"code\":\"x\",\"label\":\"X\",\"type\":\"count\",\"warn\":{\"max\":-1}}", "",
	       "sections[0].items[0].warn.max: phải từ 0 đến");
	refuse("{\"code\":\"x\",\"label\":\"X\",\"type\":\"bool\",\"warn\":{\"max\":1}}", "",
	       "sections[0].items[0].warn: chỉ dùng cho mục kiểu count hoặc money");
	refuse("{\"code\":\"x\",\"label\":\"X\",\"heading\":true,\"warn\":{\"max\":1}}", "",
	       "sections[0].items[0].warn: dòng tiêu đề nhóm (heading)");
	refuse("{\"code\":\"x\",\"label\":\"X\",\"type\":\"count\",\"warn\":3}", "",
	       "sections[0].items[0].warn: phải là một đối tượng");
	refuse_ratios(A "," B, "[{\"num\":\"a\",\"den\":\"zz\",\"max\":2,\"label\":\"l\"}]",
	              "ratios[0].den: không có mục nào mã \"zz\"");
	refuse_ratios(A ",{\"code\":\"y\",\"label\":\"Y\",\"type\":\"bool\"}",
	              "[{\"num\":\"y\",\"den\":\"a\",\"max\":2,\"label\":\"l\"}]",
	              "ratios[0].num: mục \"y\" không phải mục kiểu count hoặc money");
	refuse_ratios(A, "[{\"num\":\"a\",\"den\":\"a\",\"max\":2,\"label\":\"l\"}]",
	              "ratios[0].den: tỉ số của mục \"a\" với chính nó");
	refuse_ratios(A "," B,
	              "[{\"num\":\"a\",\"den\":\"b\",\"min\":5,\"max\":2,\"label\":\"l\"}]",
	              "ratios[0].min: min (5) lớn hơn max (2)");
	refuse_ratios(A "," B, "[{\"num\":\"a\",\"den\":\"b\",\"label\":\"l\"}]",
	              "ratios[0]: cần ít nhất một trong hai giới hạn");
	refuse_ratios(A "," B, "[{\"num\":\"a\",\"den\":\"b\",\"max\":2}]",
	              "ratios[0].label: thiếu trường bắt buộc");
	refuse_ratios(A "," B,
	              "[{\"num\":\"a\",\"den\":\"b\",\"max\":2,\"label\":\"l\",\"soft\":true}]",
	              "ratios[0].soft: trường không được hỗ trợ");
	refuse_ratios(A "," B, "{}", "ratios: phải là một danh sách");
	refuse_ratios(A "," B, "[1]", "ratios[0]: mỗi tỉ số phải là một đối tượng");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_default_template),
	        cmocka_unit_test(test_round_trip),
	        cmocka_unit_test(test_item_next),
	        cmocka_unit_test(test_parse_value),
	        cmocka_unit_test(test_check),
	        cmocka_unit_test(test_refusals),
	        cmocka_unit_test(test_small_round_trip),
	        cmocka_unit_test(test_soft_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
