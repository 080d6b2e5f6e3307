/* Unit tests for the bulk value import's file readers: dataValueSets JSON (every value
 * type, every refusal with the place it names, rows that outlive the document), the CSV
 * (header variants, quoting, line numbers, every refusal) and the dispatch between them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "service/values_file.h"
#include "text/text.h"

typedef int (*parse_fn)(const char *, size_t, arena_t *, vf_rows_t *, char *, size_t);

/* Parses s (strlen bytes) with fn, which must succeed with n rows. */
static vf_rows_t
ok_n(parse_fn fn, arena_t *a, const char *s, size_t n)
{
	vf_rows_t out;
	char err[512] = "";
	int rc = fn(s, strlen(s), a, &out, err, sizeof err);
	if (rc != 0)
		fail_msg("rc = %d (%s), want success for: %s", rc, err, s);
	assert_int_equal(out.n, n);
	if (n)
		assert_non_null(out.v);
	return out;
}

/* Parses data[0..len) with fn, which must fail with a message containing each needle
 * (NULL-terminated list) and leave *out empty. */
static void
refused_len(parse_fn fn, const char *data, size_t len, const char *const *needles)
{
	arena_t a = ARENA_INIT;
	vf_rows_t out = {(vf_row_t *)1, 99, -1};
	char err[512] = "";
	int rc = fn(data, len, &a, &out, err, sizeof err);
	if (rc != -1)
		fail_msg("rc = %d, want -1 for: %.*s", rc, (int)len, data);
	assert_null(out.v);
	assert_int_equal(out.n, 0);
	assert_true(err[0] != '\0');
	assert_true(text_utf8_valid(err, strlen(err)));
	for (size_t i = 0; needles[i]; i++)
		if (strstr(err, needles[i]) == NULL)
			fail_msg("message \"%s\" lacks \"%s\"", err, needles[i]);
	arena_free(&a);
}

#define REFUSED(fn, s, ...)                                                                        \
	do {                                                                                       \
		const char *const n_[] = {__VA_ARGS__, NULL};                                      \
		refused_len(fn, s, strlen(s), n_);                                                 \
	} while (0)

static void
expect_row(const vf_row_t *r, size_t line, const char *unit, const char *item, const char *value,
           vf_type_t type, const char *comment)
{
	assert_int_equal(r->line, line);
	assert_string_equal(r->unit, unit);
	assert_string_equal(r->item, item);
	assert_int_equal(r->value_len, strlen(value));
	assert_memory_equal(r->value, value, strlen(value));
	assert_int_equal(r->value[r->value_len], '\0');
	assert_int_equal(r->type, type);
	assert_string_equal(r->comment, comment);
}

/* Heap churn after the parser returned: freed document memory would be reused (and
 * ASan reports any read of it). */
static void
churn_heap(void)
{
	for (int i = 0; i < 64; i++) {
		char *p = malloc(64 + (size_t)i * 8);
		memset(p, 'x', 64 + (size_t)i * 8);
		free(p);
	}
}

/* ------------------------------------------------------------------ JSON -- */

static void
test_json_happy(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	/* 𠀀 is U+20000 (F0 A0 80 80), plus a precomposed Vietnamese string */
	const char *doc =
	        "{\"dataSet\":\"BCTK\",\"period\":\"2024\",\"orgUnit\":\"X\",\n"
	        " \"dataValues\":[\n"
	        "  {\"orgUnit\":\"01\",\"dataElement\":\"DS_TONG\",\"value\":\"Thành phố Hà Nội "
	        "𠀀\","
	        "\"comment\":\"Ghi chú: đã kiểm tra 𠀀\",\"period\":\"2024\","
	        "\"categoryOptionCombo\":\"HllvX50cXC0\",\"storedBy\":\"admin\","
	        "\"created\":\"2024-01-01\",\"lastUpdated\":\"2024-02-01\",\"followup\":false,"
	        "\"extra\":{\"nested\":[1,2.5,{\"x\":null}]}},\n"
	        "  {\"orgUnit\":\"79\",\"dataElement\":\"NAM\",\"value\":\"12\"}\n"
	        " ],\"completeDate\":\"2024-03-01\"}";
	vf_rows_t out = ok_n(values_parse_json, &a, doc, 2);
	churn_heap();
	assert_int_equal(out.json, 1);
	expect_row(&out.v[0], 0, "01", "DS_TONG", "Thành phố Hà Nội 𠀀", VF_STRING,
	           "Ghi chú: đã kiểm tra 𠀀");
	/* byte for byte */
	static const char want[] = "Th\xC3\xA0nh ph\xE1\xBB\x91 H\xC3\xA0 N\xE1\xBB\x99i "
	                           "\xF0\xA0\x80\x80";
	assert_int_equal(out.v[0].value_len, sizeof want - 1);
	assert_memory_equal(out.v[0].value, want, sizeof want - 1);
	expect_row(&out.v[1], 1, "79", "NAM", "12", VF_STRING, "");
	/* escaped form of the same characters reads back the same bytes */
	vf_rows_t esc = ok_n(values_parse_json, &a,
	                     "{\"dataValues\":[{\"orgUnit\":\"\\u0110\",\"dataElement\":\"e\","
	                     "\"value\":\"\\ud840\\udc00\"}]}",
	                     1);
	assert_string_equal(esc.v[0].unit, "Đ");
	assert_string_equal(esc.v[0].value, "\xF0\xA0\x80\x80");
	arena_free(&a);
}

static void
test_json_types(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	vf_rows_t out =
	        ok_n(values_parse_json, &a,
	             "{\"dataValues\":["
	             "{\"orgUnit\":\"u\",\"dataElement\":\"s\",\"value\":\"true\"},"
	             "{\"orgUnit\":\"u\",\"dataElement\":\"i\",\"value\":12},"
	             "{\"orgUnit\":\"u\",\"dataElement\":\"neg\",\"value\":-9223372036854775808},"
	             "{\"orgUnit\":\"u\",\"dataElement\":\"zero\",\"value\":0},"
	             "{\"orgUnit\":\"u\",\"dataElement\":\"t\",\"value\":true},"
	             "{\"orgUnit\":\"u\",\"dataElement\":\"f\",\"value\":false},"
	             "{\"orgUnit\":\"u\",\"dataElement\":\"n\",\"value\":null,\"comment\":\"xóa\"},"
	             "{\"orgUnit\":\"u\",\"dataElement\":\"m\"},"
	             "{\"orgUnit\":\"u\",\"dataElement\":\"e\",\"value\":\"\"}"
	             "]}",
	             9);
	churn_heap();
	expect_row(&out.v[0], 0, "u", "s", "true", VF_STRING, "");
	expect_row(&out.v[1], 1, "u", "i", "12", VF_INT, "");
	expect_row(&out.v[2], 2, "u", "neg", "-9223372036854775808", VF_INT, "");
	expect_row(&out.v[3], 3, "u", "zero", "0", VF_INT, "");
	expect_row(&out.v[4], 4, "u", "t", "true", VF_BOOL, "");
	expect_row(&out.v[5], 5, "u", "f", "false", VF_BOOL, "");
	expect_row(&out.v[6], 6, "u", "n", "", VF_NULL, "xóa");
	expect_row(&out.v[7], 7, "u", "m", "", VF_NULL, "");
	expect_row(&out.v[8], 8, "u", "e", "", VF_STRING, "");

	/* an empty list is no rows, not an error */
	vf_rows_t none = ok_n(values_parse_json, &a, "{\"dataValues\":[]}", 0);
	assert_int_equal(none.json, 1);
	arena_free(&a);
}

#define DV(x) "{\"dataValues\":[{\"orgUnit\":\"u\",\"dataElement\":\"e\",\"value\":1}," x "]}"

static void
test_json_refusals(void **state)
{
	(void)state;
	parse_fn J = values_parse_json;
	/* values of a type that is not accepted */
	REFUSED(J, DV("{\"orgUnit\":\"u\",\"dataElement\":\"e\",\"value\":12.5}"),
	        "dataValues[1].value", "số nguyên");
	REFUSED(J, DV("{\"orgUnit\":\"u\",\"dataElement\":\"e\",\"value\":12.0}"),
	        "dataValues[1].value");
	REFUSED(J, DV("{\"orgUnit\":\"u\",\"dataElement\":\"e\",\"value\":1e3}"),
	        "dataValues[1].value");
	REFUSED(J, DV("{\"orgUnit\":\"u\",\"dataElement\":\"e\",\"value\":{\"a\":1}}"),
	        "dataValues[1].value: giá trị phải là chuỗi, số nguyên, true/false hoặc null.");
	REFUSED(J, DV("{\"orgUnit\":\"u\",\"dataElement\":\"e\",\"value\":[1]}"),
	        "dataValues[1].value: giá trị phải là chuỗi, số nguyên, true/false hoặc null.");
	/* codes */
	REFUSED(J, DV("{\"dataElement\":\"e\",\"value\":1}"), "dataValues[1].orgUnit", "thiếu");
	REFUSED(J, DV("{\"orgUnit\":7,\"dataElement\":\"e\",\"value\":1}"), "dataValues[1].orgUnit",
	        "chuỗi");
	REFUSED(J, DV("{\"orgUnit\":\"\",\"dataElement\":\"e\",\"value\":1}"),
	        "dataValues[1].orgUnit", "trống");
	REFUSED(J, DV("{\"orgUnit\":\"u\",\"value\":1}"), "dataValues[1].dataElement", "thiếu");
	REFUSED(J, DV("{\"orgUnit\":\"u\",\"dataElement\":12,\"value\":1}"),
	        "dataValues[1].dataElement", "chuỗi");
	REFUSED(J, DV("{\"orgUnit\":\"u\",\"dataElement\":null,\"value\":1}"),
	        "dataValues[1].dataElement", "chuỗi");
	REFUSED(J, DV("{\"orgUnit\":\"u\",\"dataElement\":\"\",\"value\":1}"),
	        "dataValues[1].dataElement", "trống");
	/* comment */
	REFUSED(J, DV("{\"orgUnit\":\"u\",\"dataElement\":\"e\",\"value\":1,\"comment\":3}"),
	        "dataValues[1].comment");
	/* structure */
	REFUSED(J, "{\"dataValues\":{\"orgUnit\":\"u\"}}", "dataValues", "mảng");
	REFUSED(J, "{\"dataValues\":\"x\"}", "dataValues", "mảng");
	REFUSED(J, "{\"dataSet\":\"x\"}", "dataValues", "thiếu");
	REFUSED(J, "[{\"orgUnit\":\"u\",\"dataElement\":\"e\",\"value\":1}]", "đối tượng");
	REFUSED(J, DV("\"u,e,1\""), "dataValues[1]:", "đối tượng");
	REFUSED(J, DV("null"), "dataValues[1]:", "đối tượng");
	REFUSED(J, "{\"dataValues\":[[]]}", "dataValues[0]:");
	/* jansson's errors, with line and column */
	REFUSED(J, DV("{\"orgUnit\":\"u\",\"orgUnit\":\"v\",\"dataElement\":\"e\"}"),
	        "JSON không hợp lệ (dòng 1, ", "hai lần");
	REFUSED(J, "{\"dataValues\":[],\"dataValues\":[]}", "JSON không hợp lệ", "hai lần");
	REFUSED(J, "{\"dataValues\":[\n    {\"orgUnit\" \"u\"}]}",
	        "JSON không hợp lệ (dòng 2, cột ");
	REFUSED(J, "{\"dataValues\":[\n  {\"orgUnit\":\"u\",}]}", "(dòng 2, cột ");
	REFUSED(J, "{\"dataValues\":[", "JSON không hợp lệ", "giữa chừng");
	REFUSED(J, "{\"dataValues\":[]} x", "JSON không hợp lệ", "thừa");
	REFUSED(J, "", "JSON không hợp lệ");
	REFUSED(J, "\"just a string\"", "JSON không hợp lệ");
	REFUSED(J, DV("{\"orgUnit\":\"u\",\"dataElement\":\"e\",\"value\":99999999999999999999}"),
	        "JSON không hợp lệ", "quá lớn");
	/* NUL and bad UTF-8 inside strings */
	REFUSED(J, DV("{\"orgUnit\":\"u\",\"dataElement\":\"e\",\"value\":\"a\\u0000b\"}"),
	        "JSON không hợp lệ", "NUL");
	REFUSED(J, DV("{\"orgUnit\":\"u\",\"dataElement\":\"e\",\"value\":\"\xC3\x28\"}"),
	        "JSON không hợp lệ", "UTF-8");
	REFUSED(J, DV("{\"orgUnit\":\"u\",\"dataElement\":\"e\",\"value\":\"\\ud800\"}"),
	        "JSON không hợp lệ");
	static const char nul[] = "{\"dataValues\":[{\"orgUnit\":\"u\0\"}]}";
	const char *const nul_needles[] = {"JSON không hợp lệ", NULL};
	refused_len(J, nul, sizeof nul - 1, nul_needles);
}

/* The index of the failing entry is the position in dataValues, far into the list. */
static void
test_json_index(void **state)
{
	(void)state;
	char doc[8192];
	size_t k = (size_t)snprintf(doc, sizeof doc, "{\"dataValues\":[");
	for (int i = 0; i < 40; i++)
		k += (size_t)snprintf(doc + k, sizeof doc - k,
		                      "{\"orgUnit\":\"u%d\",\"dataElement\":\"e\",\"value\":%d},",
		                      i, i);
	snprintf(doc + k, sizeof doc - k,
	         "{\"orgUnit\":\"u\",\"dataElement\":\"e\",\"value\":0.5}]}");
	REFUSED(values_parse_json, doc, "dataValues[40].value");

	arena_t a = ARENA_INIT;
	doc[k - 1] = ']';
	doc[k] = '}';
	doc[k + 1] = '\0';
	vf_rows_t out = ok_n(values_parse_json, &a, doc, 40);
	churn_heap();
	for (size_t i = 0; i < 40; i++) {
		char u[16], v[16];
		snprintf(u, sizeof u, "u%zu", i);
		snprintf(v, sizeof v, "%zu", i);
		expect_row(&out.v[i], i, u, "e", v, VF_INT, "");
	}
	arena_free(&a);
}

static void
test_json_too_many(void **state)
{
	(void)state;
	size_t n = VF_MAX_ROWS + 1;
	size_t len = 16 + n * 2 + 4;
	char *doc = malloc(len);
	size_t k = (size_t)sprintf(doc, "{\"dataValues\":[");
	for (size_t i = 0; i < n; i++) {
		doc[k++] = '0';
		doc[k++] = ',';
	}
	doc[k - 1] = ']';
	doc[k++] = '}';
	const char *const needles[] = {"dataValues", "2000000", NULL};
	refused_len(values_parse_json, doc, k, needles);
	free(doc);
}

/* ------------------------------------------------------------------- CSV -- */

static void
test_csv_headers(void **state)
{
	(void)state;
	parse_fn C = values_parse_csv;
	arena_t a = ARENA_INIT;
	vf_rows_t out = ok_n(C, &a, "unit_code,item_code,value\n01,DS,12\n79,NAM,Hà Nội\n", 2);
	assert_int_equal(out.json, 0);
	expect_row(&out.v[0], 2, "01", "DS", "12", VF_STRING, "");
	expect_row(&out.v[1], 3, "79", "NAM", "Hà Nội", VF_STRING, "");

	out = ok_n(C, &a, "unit_code,item_code,value,comment\r\n01,DS,12,đã sửa\r\n02,DS,3\r\n", 2);
	expect_row(&out.v[0], 2, "01", "DS", "12", VF_STRING, "đã sửa");
	expect_row(&out.v[1], 3, "02", "DS", "3", VF_STRING, "");

	/* BOM, spaces and case in the header; values are kept as written */
	out = ok_n(C, &a, "\xEF\xBB\xBF Unit_Code , ITEM_CODE,\tValue ,Comment\r\n 01 ,DS,,\r\n",
	           1);
	expect_row(&out.v[0], 2, " 01 ", "DS", "", VF_STRING, "");

	/* only a header: no rows, fine */
	out = ok_n(C, &a, "unit_code,item_code,value\n", 0);
	assert_null(out.v);
	ok_n(C, &a, "\xEF\xBB\xBFunit_code,item_code,value,comment", 0);
	/* no final newline */
	out = ok_n(C, &a, "unit_code,item_code,value\n01,DS,12", 1);
	expect_row(&out.v[0], 2, "01", "DS", "12", VF_STRING, "");
	arena_free(&a);
}

static void
test_csv_quoting_and_lines(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	vf_rows_t out = ok_n(values_parse_csv, &a,
	                     "unit_code,item_code,value,comment\n"
	                     "01,DS,\"1,234\",\"dòng một\ndòng hai\r\ndòng ba\"\n"
	                     "\n"
	                     "02,\"D\"\"S\",\"\",\"nói \"\"có\"\"\"\n"
	                     "\r\n\r\n"
	                     "03,\"𠀀\",x\n",
	                     3);
	churn_heap();
	expect_row(&out.v[0], 2, "01", "DS", "1,234", VF_STRING, "dòng một\ndòng hai\r\ndòng ba");
	/* the quoted field spans lines 2-4, then a blank line 5 */
	expect_row(&out.v[1], 6, "02", "D\"S", "", VF_STRING, "nói \"có\"");
	expect_row(&out.v[2], 9, "03", "\xF0\xA0\x80\x80", "x", VF_STRING, "");

	/* a record after a multi-line field is named by its own line in errors */
	REFUSED(values_parse_csv,
	        "unit_code,item_code,value\n01,DS,\"a\nb\nc\"\n02,DS,1,extra,more\n",
	        "Dòng 5: cần 3 cột (unit_code,item_code,value) nhưng có 5.");
	arena_free(&a);
}

static void
test_csv_refusals(void **state)
{
	(void)state;
	parse_fn C = values_parse_csv;
	REFUSED(C, "unit_code,item_code,value\n01,DS,1\n\n\n\n\n01,DS,1,x,y\n",
	        "Dòng 7: cần 3 cột (unit_code,item_code,value) nhưng có 5.");
	REFUSED(C, "unit_code,item_code,value\n01,DS,1,c\n", "Dòng 2: cần 3 cột", "có 4.");
	REFUSED(C, "unit_code,item_code,value\n01,DS\n", "Dòng 2: cần 3 cột", "có 2.");
	REFUSED(C, "unit_code,item_code,value,comment\n01\n", "Dòng 2: cần 3 hoặc 4 cột", "có 1.");
	REFUSED(C, "unit_code,item_code,value,comment\n01,DS,1,c,d\n", "Dòng 2:", "có 5.");
	/* headers */
	REFUSED(C, "unit,item,value\n01,DS,1\n",
	        "Dòng 1: tiêu đề phải là unit_code,item_code,value[,comment]; ", "\"unit\"");
	REFUSED(C, "unit_code,item_code\n", "Dòng 1: tiêu đề phải là", "2 cột");
	REFUSED(C, "unit_code,item_code,value,comment,x\n", "Dòng 1: tiêu đề phải là", "5 cột");
	REFUSED(C, "item_code,unit_code,value\n", "Dòng 1: tiêu đề phải là", "cột 1");
	REFUSED(C, "unit_code,item_code,value,note\n", "Dòng 1: tiêu đề phải là", "cột 4");
	REFUSED(C, "01,DS,12\n02,DS,3\n", "Dòng 1: tiêu đề phải là");
	REFUSED(C, "\n\nunit,item_code,value\n", "Dòng 3: tiêu đề phải là");
	REFUSED(C, "unit_code,item_code,\xFF\xFE\n", "Dòng 1: tiêu đề phải là", "cột 3");
	/* empty codes */
	REFUSED(C, "unit_code,item_code,value\n01,DS,1\n,DS,1\n", "Dòng 3:", "unit_code");
	REFUSED(C, "unit_code,item_code,value\n01,\"\",1\n", "Dòng 2:", "item_code");
	REFUSED(C, "unit_code,item_code,value\n,,\n", "Dòng 2:", "unit_code");
	/* invalid UTF-8 (Windows-1258 or Latin-1 bytes) */
	REFUSED(C, "unit_code,item_code,value\n01,DS,1\n01,DS,H\xE0 N\xF4i\n", "Dòng 3:", "value",
	        "UTF-8");
	REFUSED(C, "unit_code,item_code,value,comment\n01,DS,1,\xC3\n", "Dòng 2:", "comment",
	        "UTF-8");
	REFUSED(C, "unit_code,item_code,value\n\xED\xA0\x80,DS,1\n", "Dòng 2:", "unit_code");
	/* the CSV reader's own errors, with its line */
	REFUSED(C, "unit_code,item_code,value\n01,DS,\"12\n", "Dòng 2:", "ngoặc kép");
	REFUSED(C, "unit_code,item_code,value\n01,D\"S,1\n", "Dòng 2", "ngoặc kép");
	static const char nul[] = "unit_code,item_code,value\n01,D\0S,1\n";
	const char *const nul_needles[] = {"Dòng 2", "NUL", NULL};
	refused_len(C, nul, sizeof nul - 1, nul_needles);
	/* empty files */
	REFUSED(C, "", "Tệp trống: cần dòng tiêu đề unit_code,item_code,value[,comment].");
	REFUSED(C, "\xEF\xBB\xBF", "Tệp trống");
	REFUSED(C, "\r\n\n\r\n", "Tệp trống");
	const char *const empty_needles[] = {"Tệp trống", NULL};
	refused_len(C, NULL, 0, empty_needles);
}

static void
test_csv_too_many(void **state)
{
	(void)state;
	static const char head[] = "unit_code,item_code,value\n";
	size_t n = VF_MAX_ROWS + 1;
	char *data = malloc(sizeof head + n * 6);
	memcpy(data, head, sizeof head - 1);
	size_t k = sizeof head - 1;
	for (size_t i = 0; i < n; i++) {
		memcpy(data + k, "u,e,1\n", 6);
		k += 6;
	}
	const char *const needles[] = {"Dòng 2000002:", "2000000", NULL};
	refused_len(values_parse_csv, data, k, needles);
	/* exactly the limit is accepted */
	arena_t a = ARENA_INIT;
	vf_rows_t out;
	char err[512];
	assert_int_equal(values_parse_csv(data, k - 6, &a, &out, err, sizeof err), 0);
	assert_int_equal(out.n, VF_MAX_ROWS);
	expect_row(&out.v[VF_MAX_ROWS - 1], VF_MAX_ROWS + 1, "u", "e", "1", VF_STRING, "");
	arena_free(&a);
	free(data);
}

/* -------------------------------------------------------------- dispatch -- */

static void
test_dispatch(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	static const char *const jsons[] = {
	        "{\"dataValues\":[{\"orgUnit\":\"01\",\"dataElement\":\"DS\",\"value\":5}]}",
	        "\xEF\xBB\xBF{\"dataValues\":[{\"orgUnit\":\"01\",\"dataElement\":\"DS\",\"value\":"
	        "5}]}",
	        " \r\n\t{\"dataValues\":[{\"orgUnit\":\"01\",\"dataElement\":\"DS\",\"value\":5}]}",
	        "\xEF\xBB\xBF\n  {\"dataValues\":[{\"orgUnit\":\"01\",\"dataElement\":\"DS\","
	        "\"value\":5}]}\n",
	};
	for (size_t i = 0; i < sizeof jsons / sizeof *jsons; i++) {
		vf_rows_t out = ok_n(values_parse, &a, jsons[i], 1);
		assert_int_equal(out.json, 1);
		expect_row(&out.v[0], 0, "01", "DS", "5", VF_INT, "");
	}
	static const char *const csvs[] = {
	        "unit_code,item_code,value\n01,DS,5\n",
	        "\xEF\xBB\xBFunit_code,item_code,value\r\n01,DS,5\r\n",
	        "\xEF\xBB\xBF\n unit_code,item_code,value\n01,DS,5\n",
	};
	for (size_t i = 0; i < sizeof csvs / sizeof *csvs; i++) {
		vf_rows_t out = ok_n(values_parse, &a, csvs[i], 1);
		assert_int_equal(out.json, 0);
		assert_string_equal(out.v[0].unit, "01");
		assert_string_equal(out.v[0].value, "5");
		assert_int_equal(out.v[0].type, VF_STRING);
	}
	/* the line of a CSV record counts the blank line before the header */
	vf_rows_t out = ok_n(values_parse, &a, csvs[2], 1);
	assert_int_equal(out.v[0].line, 3);
	/* only '{' means JSON: a top-level array is read as CSV, whose header it is not */
	REFUSED(values_parse, "[1,2,3]\n", "Dòng 1: tiêu đề phải là", "\"[1\"");
	REFUSED(values_parse, "\xEF\xBB\xBF  {\"dataValues\":", "JSON không hợp lệ");
	REFUSED(values_parse, "", "Tệp trống");
	REFUSED(values_parse, "\xEF\xBB\xBF\r\n", "Tệp trống");
	arena_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_json_happy),
	        cmocka_unit_test(test_json_types),
	        cmocka_unit_test(test_json_refusals),
	        cmocka_unit_test(test_json_index),
	        cmocka_unit_test(test_json_too_many),
	        cmocka_unit_test(test_csv_headers),
	        cmocka_unit_test(test_csv_quoting_and_lines),
	        cmocka_unit_test(test_csv_refusals),
	        cmocka_unit_test(test_csv_too_many),
	        cmocka_unit_test(test_dispatch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
