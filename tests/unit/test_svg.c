/* The SVG writer (export/svg.h): every chart is well-formed XML (parsed by libxml2), carries
 * its title, its text alternative and its numbers, escapes names, and sorts bars. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <string.h>

#include "export/svg.h"
#include "text/text.h"

/* out parsed as XML; the document (free with xmlFreeDoc), failing the test if not. */
static xmlDocPtr
parse(buf_t *out)
{
	xmlDocPtr doc = xmlReadMemory(out->data, (int)out->len, "chart.svg", "UTF-8",
	                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc)
		fail_msg("not well-formed XML:\n%s", buf_cstr(out));
	xmlNodePtr root = xmlDocGetRootElement(doc);
	assert_string_equal((const char *)root->name, "svg");
	assert_non_null(root->ns);
	assert_string_equal((const char *)root->ns->href, "http://www.w3.org/2000/svg");
	xmlChar *role = xmlGetProp(root, (const xmlChar *)"role");
	assert_string_equal((const char *)role, "img");
	xmlFree(role);
	xmlChar *vb = xmlGetProp(root, (const xmlChar *)"viewBox");
	assert_non_null(vb);
	xmlFree(vb);
	return doc;
}

/* The values of attribute attr on the elements that match xpath (with prefix s: for SVG),
 * joined by commas. */
static void
attrs(xmlDocPtr doc, const char *xpath, const char *attr, buf_t *out)
{
	xmlXPathContextPtr x = xmlXPathNewContext(doc);
	xmlXPathRegisterNs(x, (const xmlChar *)"s", (const xmlChar *)"http://www.w3.org/2000/svg");
	xmlXPathObjectPtr r = xmlXPathEvalExpression((const xmlChar *)xpath, x);
	assert_non_null(r);
	buf_reset(out);
	for (int k = 0; r->nodesetval && k < r->nodesetval->nodeNr; k++) {
		xmlChar *v = xmlGetProp(r->nodesetval->nodeTab[k], (const xmlChar *)attr);
		if (k)
			buf_putc(out, ',');
		buf_puts(out, v ? (const char *)v : "(none)");
		xmlFree(v);
	}
	xmlXPathFreeObject(r);
	xmlXPathFreeContext(x);
}

static void
test_steps(void **state)
{
	(void)state;
	/* 10 days from 01/10/2022, deadline 05/10 */
	int32_t day0 = text_days_from_civil(2022, 10, 1);
	int64_t expected[10], submitted[10], approved[10];
	for (int d = 0; d < 10; d++) {
		expected[d] = 1234567;
		submitted[d] = d < 3 ? 0 : 100000 * d;
		approved[d] = d < 6 ? 0 : 50000 * d;
	}
	svg_series_t se[] = {
	        {"Phải nộp", "expected", "#57606a", expected, 1},
	        {"Đã nộp", "submitted", "#1f6feb", submitted, 0},
	        {"Đã duyệt", "approved", "#1a7f37", approved, 0},
	};
	svg_steps_t c = {.title = "Tiến độ <nộp> & \"duyệt\"",
	                 .desc = "Đến 10/10/2022: 900.000 đã nộp",
	                 .day0 = day0,
	                 .ndays = 10,
	                 .series = se,
	                 .nseries = 3,
	                 .marker_day = day0 + 4,
	                 .marker_label = "Hạn nộp"};
	buf_t out = BUF_INIT, b = BUF_INIT;
	svg_steps(&out, &c);
	xmlDocPtr doc = parse(&out);
	attrs(doc, "//s:path", "data-series", &b);
	assert_string_equal(buf_cstr(&b), "expected,submitted,approved");
	attrs(doc, "//s:path", "data-last", &b);
	assert_string_equal(buf_cstr(&b), "1234567,900000,450000");
	attrs(doc, "//s:g[@class='marker']", "data-day", &b);
	buf_t want = BUF_INIT;
	buf_printf(&want, "%d", (int)(day0 + 4));
	assert_string_equal(buf_cstr(&b), buf_cstr(&want));
	buf_free(&want);
	xmlFreeDoc(doc);
	const char *s = buf_cstr(&out);
	/* escaped title, numbers and days as people write them, no inline style */
	assert_non_null(strstr(s, "<title>Tiến độ &lt;nộp&gt; &amp; &quot;duyệt&quot;</title>"));
	assert_non_null(strstr(s, "<desc>Đến 10/10/2022: 900.000 đã nộp</desc>"));
	assert_non_null(
	        strstr(s, ">1.500.000</text>")); /* the top of the axis: 3 steps of 500.000 */
	assert_non_null(strstr(s, ">01/10</text>"));
	assert_non_null(strstr(s, ">10/10</text>"));
	assert_non_null(strstr(s, ">Hạn nộp 05/10</text>"));
	assert_null(strstr(s, "style"));
	assert_non_null(strstr(s, "width=\"100%\""));
	buf_free(&out);
	buf_free(&b);
}

static void
test_steps_one_day_and_years(void **state)
{
	(void)state;
	int64_t v[1] = {0};
	svg_series_t se = {"Đã nộp", "submitted", "#1f6feb", v, 0};
	svg_steps_t c = {
	        .title = "t", .desc = "d", .day0 = 19000, .ndays = 1, .series = &se, .nseries = 1};
	buf_t out = BUF_INIT;
	svg_steps(&out, &c);
	xmlFreeDoc(parse(&out));
	assert_null(strstr(buf_cstr(&out), "marker"));
	/* across a new year the days carry their year */
	buf_reset(&out);
	int64_t w[40] = {0};
	w[39] = 3;
	se.v = w;
	c.day0 = text_days_from_civil(2022, 12, 20);
	c.ndays = 40;
	svg_steps(&out, &c);
	xmlFreeDoc(parse(&out));
	assert_non_null(strstr(buf_cstr(&out), ">20/12/2022</text>"));
	assert_non_null(strstr(buf_cstr(&out), ">28/01/2023</text>"));
	buf_free(&out);
}

static void
test_bars_sorted_escaped_cut(void **state)
{
	(void)state;
	const char *long_name = "Trường Trung học cơ sở và Trung học phổ thông Nguyễn Bỉnh "
	                        "Khiêm huyện Vĩnh Bảo <số 2>";
	svg_bar_t bars[] = {
	        {"Phường Đằng Lâm", 45, 0, 0},
	        {long_name, 1234567, 0, 0},
	        {"A & B", 0, 0, 0},
	        {"Phường Cát Bi", 80, 0, 0},
	};
	svg_bars_t c = {.title = "Số người tham gia", .desc = "4 đơn vị", .bars = bars, .n = 4};
	buf_t out = BUF_INIT, b = BUF_INIT;
	svg_bars(&out, &c);
	xmlDocPtr doc = parse(&out);
	attrs(doc, "//s:g[@class='bar']", "data-value", &b);
	assert_string_equal(buf_cstr(&b), "1234567,80,45,0");
	attrs(doc, "//s:g[@class='bar']", "data-name", &b);
	assert_non_null(strstr(buf_cstr(&b), "<số 2>")); /* read back unescaped: whole */
	assert_non_null(strstr(buf_cstr(&b), "A & B"));
	xmlFreeDoc(doc);
	const char *s = buf_cstr(&out);
	assert_non_null(strstr(s, ">1.234.567</text>"));
	assert_non_null(strstr(s, "A &amp; B"));
	assert_non_null(strstr(s, "Vĩnh Bảo &lt;số 2&gt;: 1.234.567</title>"));
	assert_non_null(strstr(s, "…</text>")); /* drawn cut */
	assert_null(strstr(s, "style"));
	buf_free(&out);
	buf_free(&b);
}

static void
test_bars_paired_and_empty(void **state)
{
	(void)state;
	svg_bar_t bars[] = {
	        {"Quận Hải An", 10, 1, 25},
	        {"Phường mới", 30, 0, 0},
	};
	svg_bars_t c = {.title = "So sánh",
	                .desc = "d",
	                .bars = bars,
	                .n = 2,
	                .paired = 1,
	                .value_name = "Đợt 2026",
	                .past_name = "Đợt 2022"};
	buf_t out = BUF_INIT, b = BUF_INIT;
	svg_bars(&out, &c);
	xmlDocPtr doc = parse(&out);
	attrs(doc, "//s:g[@class='bar']", "data-value", &b);
	assert_string_equal(buf_cstr(&b), "30,10");
	attrs(doc, "//s:g[@class='bar']", "data-past", &b);
	assert_string_equal(buf_cstr(&b), "(none),25");
	xmlFreeDoc(doc);
	assert_non_null(strstr(buf_cstr(&out), "không có số liệu"));
	assert_non_null(strstr(buf_cstr(&out), ">Đợt 2022</text>"));
	buf_reset(&out);
	c.n = 0;
	svg_bars(&out, &c);
	xmlFreeDoc(parse(&out));
	assert_non_null(strstr(buf_cstr(&out), "Chưa có số liệu"));
	buf_free(&out);
	buf_free(&b);
}

static void
test_cut_name(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	svg_cut_name("Đằng Lâm", 8, &b);
	assert_string_equal(buf_cstr(&b), "Đằng Lâm");
	buf_reset(&b);
	svg_cut_name("Đằng Lâm", 5, &b);
	assert_string_equal(buf_cstr(&b), "Đằng…");
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_steps),
	        cmocka_unit_test(test_steps_one_day_and_years),
	        cmocka_unit_test(test_bars_sorted_escaped_cut),
	        cmocka_unit_test(test_bars_paired_and_empty),
	        cmocka_unit_test(test_cut_name),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	xmlCleanupParser();
	return rc;
}
