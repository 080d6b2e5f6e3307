/* Table export: exact CSV bytes (BOM, CRLF, quoting, neutralised formulas, Vietnamese) and
 * an XLSX read back with python3's zipfile: Vietnamese strings, neutralised formula text,
 * real numbers in numeric columns, sheet name, frozen header, no temporary file left. */
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

#include "core/buf.h"
#include "export/table.h"
#include "text/text.h"

static char basedir[] = "/tmp/suotdoi-table-XXXXXX";
static char tmpdir[600]; /* TMPDIR during the tests: must stay empty */

static int
setup(void **state)
{
	(void)state;
	if (!mkdtemp(basedir))
		return -1;
	snprintf(tmpdir, sizeof tmpdir, "%s/tmp", basedir);
	char cmd[700];
	snprintf(cmd, sizeof cmd, "mkdir -p '%s'", tmpdir);
	if (system(cmd) != 0)
		return -1;
	return setenv("TMPDIR", tmpdir, 1);
}

static int
teardown(void **state)
{
	(void)state;
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", basedir);
	return system(cmd) == 0 ? 0 : -1;
}

static int
count_files(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
test_neutralize(void **state)
{
	(void)state;
	const char *cases[][2] = {
	        {"=1+1", "'=1+1"},    {"+84 912", "'+84 912"},
	        {"-2", "'-2"},        {"@SUM(A1)", "'@SUM(A1)"},
	        {"\tx", "'\tx"},      {"\rx", "'\rx"},
	        {"a=1", "a=1"},       {"", ""},
	        {" =1", " =1"},       {"'=1", "'=1"},
	        {"Hà Nội", "Hà Nội"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		buf_t b = BUF_INIT;
		table_neutralize(cases[i][0], &b);
		assert_string_equal(buf_cstr(&b), cases[i][1]);
		buf_free(&b);
	}
	buf_t b = BUF_INIT;
	buf_puts(&b, "x");
	table_neutralize(NULL, &b);
	table_neutralize("=y", &b); /* appends */
	assert_string_equal(buf_cstr(&b), "x'=y");
	buf_free(&b);
}

static const char *const header[] = {"Họ và tên", "Ghi chú", "Số người"};
static const unsigned char numeric[] = {0, 0, 1};
static const char *const cells[] = {
        "Nguyễn Văn An",
        "nói \"xin chào\", rồi đi",
        "1.234", /* */
        "=1+1",
        "dòng 1\ndòng 2",
        "-5", /* */
        NULL,
        "@SUM(A1)",
        "không rõ", /* */
        "-1",
        "\rx",
        "1234567", /* */
        "\tTrần Thị Bé",
        "a,b",
        "", /* */
};

static table_t
sample(const char *title)
{
	return (table_t){title, header, 3, cells, 5, numeric};
}

static void
test_csv(void **state)
{
	(void)state;
	table_t t = sample("Danh sách");
	buf_t out = BUF_INIT;
	buf_puts(&out, "prefix|"); /* appends */
	table_write_csv(&t, &out);
	const char *want = "prefix|"
	                   "\xEF\xBB\xBF"
	                   "Họ và tên,Ghi chú,Số người\r\n"
	                   "Nguyễn Văn An,\"nói \"\"xin chào\"\", rồi đi\",1.234\r\n"
	                   "'=1+1,\"dòng 1\ndòng 2\",-5\r\n"
	                   ",'@SUM(A1),không rõ\r\n"
	                   "'-1,\"'\rx\",1234567\r\n"
	                   "'\tTrần Thị Bé,\"a,b\",\r\n";
	assert_int_equal(out.len, strlen(want));
	assert_string_equal(buf_cstr(&out), want);
	buf_free(&out);

	/* no rows, no numeric flags: BOM and header only; header cells are neutralised too */
	const char *const h2[] = {"=A", "B"};
	table_t empty = {NULL, h2, 2, NULL, 0, NULL};
	table_write_csv(&empty, &out);
	assert_string_equal(buf_cstr(&out), "\xEF\xBB\xBF'=A,B\r\n");
	buf_free(&out);

	/* without numeric flags a negative number is neutralised like any text */
	const char *const c3[] = {"-5"};
	const char *const h3[] = {"n"};
	table_t plain = {NULL, h3, 1, c3, 1, NULL};
	table_write_csv(&plain, &out);
	assert_string_equal(buf_cstr(&out), "\xEF\xBB\xBFn\r\n'-5\r\n");
	buf_free(&out);
}

/* Reads one member of the zip file through python3 (unzip may be missing), checking that
 * it is well-formed XML. */
static char *
zip_member(const char *path, const char *member)
{
	char cmd[1200];
	snprintf(cmd, sizeof cmd,
	         "python3 -c \"import zipfile,sys,xml.dom.minidom as m; "
	         "d=zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]); m.parseString(d); "
	         "sys.stdout.write(d.decode())\" '%s' '%s'",
	         path, member);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	buf_t b = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		buf_append(&b, chunk, n);
	int rc = pclose(p);
	if (rc != 0)
		fail_msg("python3 could not read %s from %s", member, path);
	return buf_steal(&b, NULL);
}

static void
write_xlsx(const table_t *t, const char *name, char *path, size_t cap)
{
	buf_t out = BUF_INIT;
	char err[512] = "";
	int before = count_files(tmpdir);
	if (table_write_xlsx(t, &out, err, sizeof err) != 0)
		fail_msg("table_write_xlsx: %s", err);
	assert_int_equal(count_files(tmpdir), before);
	assert_true(out.len > 100);
	assert_memory_equal(out.data, "PK", 2);
	snprintf(path, cap, "%s/%s", basedir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(out.data, 1, out.len, f), out.len);
	fclose(f);
	buf_free(&out);
}

/* The <c ...> element holding text `needle` in the sheet XML, as a fresh string. */
static char *
cell_element(const char *xml, const char *needle)
{
	const char *hit = strstr(xml, needle);
	if (!hit)
		return NULL;
	const char *start = hit;
	while (start > xml && strncmp(start, "<c ", 3) != 0)
		start--;
	const char *end = strstr(hit, "</c>");
	assert_non_null(end);
	return strndup(start, (size_t)(end - start) + 4);
}

static void
test_xlsx(void **state)
{
	(void)state;
	assert_int_equal(count_files(tmpdir), 0);
	table_t t = sample("Danh sách: tài khoản/2024");
	char path[700];
	write_xlsx(&t, "a.xlsx", path, sizeof path);

	/* text cells are inline strings in the sheet */
	char *sheet = zip_member(path, "xl/worksheets/sheet1.xml");
	assert_non_null(strstr(sheet, ">Họ và tên<"));
	assert_non_null(strstr(sheet, ">Số người<"));
	assert_non_null(strstr(sheet, ">'=1+1<"));
	assert_non_null(strstr(sheet, ">'@SUM(A1)<"));
	assert_non_null(strstr(sheet, ">Danh sách: tài khoản/2024<")); /* the title line */
	assert_non_null(strstr(sheet, ">không rõ<"));
	assert_null(strstr(sheet, ">1.234<")); /* written as a number instead */
	char *c = cell_element(sheet, ">Danh sách: tài khoản/2024<");
	assert_non_null(c);
	assert_non_null(strstr(c, "r=\"A1\" s=\"1\"")); /* bold */
	free(c);
	c = cell_element(sheet, ">Họ và tên<");
	assert_non_null(strstr(c, "r=\"A3\" s=\"3\"")); /* the header: bold, wrapped */
	free(c);
	c = cell_element(sheet, ">'=1+1<");
	assert_non_null(strstr(c, "r=\"A5\" t=\"inlineStr\""));
	free(c);
	/* a quote inside text is escaped; a line feed stays */
	assert_non_null(strstr(sheet, ">nói &quot;xin chào&quot;, rồi đi<"));
	assert_non_null(strstr(sheet, ">dòng 1\ndòng 2<"));

	/* title in row 1, header in row 3, data from row 4; numbers in column C */
	c = cell_element(sheet, "<v>1234</v>");
	assert_non_null(c);
	assert_string_equal(c, "<c r=\"C4\" s=\"2\"><v>1234</v></c>");
	free(c);
	c = cell_element(sheet, "<v>-5</v>");
	assert_non_null(c);
	assert_string_equal(c, "<c r=\"C5\" s=\"2\"><v>-5</v></c>");
	free(c);
	assert_non_null(strstr(sheet, "<c r=\"C7\" s=\"2\"><v>1234567</v></c>"));
	assert_null(strstr(sheet, "r=\"A6\"")); /* empty cells stay blank */
	assert_null(strstr(sheet, "r=\"C8\""));
	/* a CR would be read back as a line feed: Excel's escape instead */
	assert_non_null(strstr(sheet, "<c r=\"B7\" t=\"inlineStr\"><is><t>'_x000D_x</t></is></c>"));
	assert_non_null(strstr(sheet, "<dimension ref=\"A1:C8\"/>"));
	assert_non_null(strstr(sheet, "ySplit=\"3\" topLeftCell=\"A4\"")); /* frozen header */
	/* widths: the widest cell + 2; "1.234.567" is 9 characters as shown */
	assert_non_null(strstr(sheet, "<col min=\"3\" max=\"3\" width=\"11.7109375\""));
	assert_non_null(strstr(sheet, "<col min=\"1\" max=\"1\" width=\"15.7109375\""));
	free(sheet);

	char *styles = zip_member(path, "xl/styles.xml");
	/* 1.234.567 with literal dots whatever the reader's regional settings, never the
	 * locale's separator ("#,##0" shows 7,734,567 outside Vietnamese settings) */
	assert_null(strstr(styles, "#,##0"));
	assert_non_null(strstr(styles, "<numFmt numFmtId=\"164\" formatCode=\"[&gt;=1000000]"
	                               "#\\.###\\.##0;[&gt;=1000]#\\.##0;0\"/>"));
	assert_non_null(strstr(styles, "<b/>"));
	free(styles);

	char *wb = zip_member(path, "xl/workbook.xml");
	assert_non_null(strstr(wb, "name=\"Danh sách- tài khoản-2024\""));
	/* the title and header rows printed again at the top of every page */
	assert_non_null(strstr(wb, "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"0\">"
	                           "'Danh sách- tài khoản-2024'!$1:$3</definedName>"));
	free(wb);
	/* printing: A4 landscape, one page wide, pages down as needed, numbered */
	sheet = zip_member(path, "xl/worksheets/sheet1.xml");
	assert_non_null(strstr(sheet, "<sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr>"));
	assert_non_null(strstr(sheet, "<pageSetup paperSize=\"9\" orientation=\"landscape\" "
	                              "fitToWidth=\"1\" fitToHeight=\"0\"/>"));
	assert_non_null(strstr(sheet, "<oddFooter>&amp;CTrang &amp;P/&amp;N</oddFooter>"));
	/* the header row is as tall as its wrapped titles */
	assert_non_null(strstr(sheet, "<row r=\"3\" ht=\"15\" customHeight=\"1\">"));
	free(sheet);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(count_files(tmpdir), 0);
}

static void
test_xlsx_untitled_and_odd_text(void **state)
{
	(void)state;
	const char *const h[] = {"Mã", "Tên rất dài"};
	char longcell[200];
	memset(longcell, 'x', sizeof longcell - 1);
	longcell[sizeof longcell - 1] = '\0';
	const char *const c[] = {"12",     "bad \xff utf8", "99999999999999999",
	                         longcell, "a\x01z",        "'"};
	const unsigned char num[] = {1, 0};
	table_t t = {NULL, h, 2, c, 3, num};
	char path[700];
	write_xlsx(&t, "b.xlsx", path, sizeof path);

	char *wb = zip_member(path, "xl/workbook.xml");
	assert_non_null(strstr(wb, "name=\"Sheet1\""));
	free(wb);
	char *sheet = zip_member(path, "xl/worksheets/sheet1.xml");
	assert_non_null(strstr(sheet, "ySplit=\"1\"")); /* header in row 1 */
	char *cell = cell_element(sheet, "<v>12</v>");
	assert_non_null(cell);
	assert_non_null(strstr(cell, "r=\"A2\""));
	free(cell);
	assert_non_null(strstr(sheet, "width=\"60"));            /* capped */
	assert_non_null(strstr(sheet, "bad \xEF\xBF\xBD utf8")); /* replaced, file still valid */
	assert_non_null(strstr(sheet, ">99999999999999999<"));   /* too big for a double: text */
	assert_non_null(strstr(sheet, ">a_x0001_z<"));           /* no control character in XML */
	free(sheet);
	unlink(path);

	/* no rows: the header alone, still frozen */
	const char *const h2[] = {"=A", "B"};
	table_t empty = {NULL, h2, 2, NULL, 0, NULL};
	write_xlsx(&empty, "e.xlsx", path, sizeof path);
	sheet = zip_member(path, "xl/worksheets/sheet1.xml");
	assert_non_null(strstr(sheet, "<dimension ref=\"A1:B1\"/>"));
	assert_non_null(strstr(sheet, "ySplit=\"1\""));
	assert_non_null(strstr(sheet, "<sheetData><row r=\"1\"><c r=\"A1\" s=\"3\" "
	                              "t=\"inlineStr\"><is><t>'=A</t></is></c>"));
	free(sheet);
	unlink(path);

	/* forbidden characters in the title become dashes */
	table_t odd = {"[]:*?/\\", h, 2, c, 1, NULL};
	write_xlsx(&odd, "c.xlsx", path, sizeof path);
	wb = zip_member(path, "xl/workbook.xml");
	assert_non_null(strstr(wb, "name=\"-------\""));
	free(wb);
	unlink(path);

	/* a long Vietnamese title is cut at 31 characters, not bytes */
	table_t longt = {"Tổng hợp số người học theo đơn vị và năm học", h, 2, c, 1, NULL};
	write_xlsx(&longt, "d.xlsx", path, sizeof path);
	wb = zip_member(path, "xl/workbook.xml");
	assert_non_null(strstr(wb, "name=\"Tổng hợp số người học theo đơn\""));
	free(wb);
	unlink(path);
	assert_int_equal(count_files(tmpdir), 0);
}

/* Rows on demand: row r of a 3-column table (code, number, note) made by the callback. */
typedef struct gen {
	int calls;
	int64_t big; /* the number of row 2 */
	const char *note2;
} gen_t;

static void
gen_row(void *ctx, size_t r, table_cell_t *row)
{
	gen_t *g = ctx;
	static char code[32];
	g->calls++;
	snprintf(code, sizeof code, "=M%zu", r); /* only valid until the next call */
	row[0] = (table_cell_t){TABLE_TEXT, code, 0};
	switch (r) {
	case 0:
		row[1] = (table_cell_t){TABLE_INT, NULL, -7};
		row[2] = (table_cell_t){TABLE_EMPTY, NULL, 0};
		break;
	case 1:
		row[1] = (table_cell_t){TABLE_INT, NULL, 1234567};
		row[2] = (table_cell_t){TABLE_TEXT, "12", 0}; /* text in a plain column */
		break;
	case 2:
		row[1] = (table_cell_t){TABLE_INT, NULL, g->big};
		row[2] = (table_cell_t){TABLE_TEXT, g->note2, 0};
		break;
	default:
		row[1] = (table_cell_t){TABLE_INT, NULL, (int64_t)r};
		row[2] = (table_cell_t){TABLE_TEXT, NULL, 0}; /* NULL text reads as "" */
	}
}

static const char *const gen_header[] = {"Mã", "Số", ""};

static void
test_rows_csv(void **state)
{
	(void)state;
	gen_t g = {0, INT64_MIN, "x"};
	table_t t = {"ignored by CSV", gen_header, 3, NULL, 4, NULL};
	buf_t out = BUF_INIT;
	table_write_csv_rows(&t, gen_row, &g, &out);
	assert_int_equal(g.calls, 4);
	/* an integer cell is a number in any column: its digits, never neutralised */
	assert_string_equal(buf_cstr(&out), "\xEF\xBB\xBF"
	                                    "Mã,Số,\r\n"
	                                    "'=M0,-7,\r\n"
	                                    "'=M1,1234567,12\r\n"
	                                    "'=M2,-9223372036854775808,x\r\n"
	                                    "'=M3,3,\r\n");
	buf_free(&out);
}

static void
test_rows_xlsx(void **state)
{
	(void)state;
	gen_t g = {0, 1000000000000000LL, "  <b>&amp; _x0041_ \xEF\xBF\xBF\t"};
	table_t t = {"Số liệu", gen_header, 3, NULL, 4, NULL};
	buf_t out = BUF_INIT;
	char err[512] = "";
	int before = count_files(tmpdir);
	if (table_write_xlsx_rows(&t, gen_row, &g, &out, err, sizeof err) != 0)
		fail_msg("table_write_xlsx_rows: %s", err);
	assert_int_equal(g.calls, 4); /* each row asked once */
	assert_int_equal(count_files(tmpdir), before);
	char path[700];
	snprintf(path, sizeof path, "%s/rows.xlsx", basedir);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(out.data, 1, out.len, f), out.len);
	fclose(f);
	buf_free(&out);

	char *sheet = zip_member(path, "xl/worksheets/sheet1.xml");
	assert_non_null(strstr(sheet, "<c r=\"B4\" s=\"2\"><v>-7</v></c>"));
	assert_non_null(strstr(sheet, "<c r=\"B5\" s=\"2\"><v>1234567</v></c>"));
	assert_non_null(strstr(sheet, "<c r=\"C5\" t=\"inlineStr\"><is><t>12</t></is></c>"));
	/* 16 digits: more than a double keeps, so the digits as text */
	assert_non_null(
	        strstr(sheet, "<c r=\"B6\" t=\"inlineStr\"><is><t>1000000000000000</t></is></c>"));
	/* markup escaped, a literal _x0041_ kept literal, U+FFFF (not an XML character)
	 * escaped, blanks at the ends preserved */
	assert_non_null(strstr(sheet, "<c r=\"C6\" t=\"inlineStr\"><is><t xml:space=\"preserve\">"
	                              "  &lt;b&gt;&amp;amp; _x005F_x0041_ _xFFFF_\t</t></is></c>"));
	assert_non_null(strstr(sheet, "<c r=\"A4\" t=\"inlineStr\"><is><t>'=M0</t></is></c>"));
	assert_null(strstr(sheet, "r=\"C4\"")); /* TABLE_EMPTY */
	assert_null(strstr(sheet, "r=\"C7\"")); /* NULL text */
	/* an empty header cell is a bold blank */
	assert_non_null(strstr(sheet, "<c r=\"C3\" s=\"3\"/>"));
	/* width of -7 is 2, of 1.234.567 is 9, of the 16 digits as text 16 */
	assert_non_null(strstr(sheet, "<col min=\"2\" max=\"2\" width=\"18.7109375\""));
	free(sheet);
	char *wb = zip_member(path, "xl/workbook.xml");
	assert_non_null(strstr(wb, "<sheet name=\"Số liệu\""));
	free(wb);
	char *ct = zip_member(path, "[Content_Types].xml");
	assert_non_null(strstr(ct, "/xl/worksheets/sheet1.xml"));
	free(ct);
	assert_int_equal(unlink(path), 0);
}

/* A cell longer than Excel's 32,767 characters is refused with a sentence to read. */
static void
long_row(void *ctx, size_t r, table_cell_t *row)
{
	(void)r;
	row[0] = (table_cell_t){TABLE_TEXT, ctx, 0};
}

static void
test_xlsx_cell_limit(void **state)
{
	(void)state;
	const char *const h[] = {"Ghi chú"};
	/* 32,767 characters of two bytes each fit; one more does not */
	size_t n = 32768;
	char *s = malloc(2 * n + 1);
	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		memcpy(s + 2 * i, "\xC3\xA0", 2); /* à */
	s[2 * (n - 1)] = '\0';
	table_t t = {NULL, h, 1, NULL, 2, NULL};
	buf_t out = BUF_INIT;
	char err[512] = "";
	assert_int_equal(table_write_xlsx_rows(&t, long_row, s, &out, err, sizeof err), 0);
	assert_true(out.len > 100);
	buf_reset(&out);
	s[2 * (n - 1)] = '\xC3';
	s[2 * n] = '\0';
	assert_int_equal(table_write_xlsx_rows(&t, long_row, s, &out, err, sizeof err), -1);
	assert_string_equal(err, "Có ô dài quá 32.767 ký tự, Excel không chứa được; hãy xuất CSV.");
	assert_int_equal(out.len, 0);
	assert_int_equal(count_files(tmpdir), 0);
	buf_free(&out);
	free(s);
}

/* Many rows: the sheet streams through its temporary file and every row comes back. */
typedef struct many {
	size_t calls;
	char name[64];
} many_t;

static void
many_row(void *ctx, size_t r, table_cell_t *row)
{
	many_t *m = ctx;
	m->calls++;
	snprintf(m->name, sizeof m->name, "Trường Tiểu học số %zu", r);
	row[0] = (table_cell_t){TABLE_TEXT, m->name, 0};
	for (int c = 1; c < 8; c++)
		row[c] = r % 7 == (size_t)c ? (table_cell_t){TABLE_EMPTY, NULL, 0}
		                            : (table_cell_t){TABLE_INT, NULL, (int64_t)(r * c)};
}

static void
test_xlsx_many_rows(void **state)
{
	(void)state;
	const char *const h[] = {"Đơn vị", "a", "b", "c", "d", "e", "f", "g"};
	enum { ROWS = 30000 };
	many_t m = {0, ""};
	table_t t = {"Toàn quốc", h, 8, NULL, ROWS, NULL};
	buf_t out = BUF_INIT;
	char err[512] = "";
	if (table_write_xlsx_rows(&t, many_row, &m, &out, err, sizeof err) != 0)
		fail_msg("table_write_xlsx_rows: %s", err);
	assert_int_equal(m.calls, ROWS);
	assert_int_equal(count_files(tmpdir), 0);
	char path[700];
	snprintf(path, sizeof path, "%s/many.xlsx", basedir);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(out.data, 1, out.len, f), out.len);
	fclose(f);
	buf_free(&out);
	/* python reads it back: CRCs, row count, the last row's cells */
	char cmd[1200];
	snprintf(cmd, sizeof cmd,
	         "python3 -c \"import zipfile,sys,re; z=zipfile.ZipFile(sys.argv[1]); "
	         "assert z.testzip() is None; s=z.read('xl/worksheets/sheet1.xml').decode(); "
	         "assert s.count('<row ')==%d+2, s.count('<row '); "
	         "assert '<c r=\\\"A30003\\\" t=\\\"inlineStr\\\"><is><t>Trường Tiểu học số 29999"
	         "</t></is></c>' in s; "
	         "assert '<c r=\\\"H30003\\\" s=\\\"2\\\"><v>209993</v></c>' in s; "
	         "assert 'r=\\\"E30003\\\"' not in s; "
	         "assert '<dimension ref=\\\"A1:H30003\\\"/>' in s\" '%s'",
	         ROWS, path);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(unlink(path), 0);
}

static void
test_xlsx_bad_tmpdir(void **state)
{
	(void)state;
	char missing[700];
	snprintf(missing, sizeof missing, "%s/missing", basedir);
	setenv("TMPDIR", missing, 1);
	table_t t = sample(NULL);
	buf_t out = BUF_INIT;
	char err[512] = "";
	assert_int_equal(table_write_xlsx(&t, &out, err, sizeof err), -1);
	assert_non_null(strstr(err, "Không tạo được tệp tạm"));
	assert_true(text_utf8_valid(err, strlen(err)));
	assert_int_equal(out.len, 0);
	buf_free(&out);
	setenv("TMPDIR", tmpdir, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_neutralize),
	        cmocka_unit_test(test_csv),
	        cmocka_unit_test(test_xlsx),
	        cmocka_unit_test(test_xlsx_untitled_and_odd_text),
	        cmocka_unit_test(test_xlsx_bad_tmpdir),
	        cmocka_unit_test(test_rows_csv),
	        cmocka_unit_test(test_rows_xlsx),
	        cmocka_unit_test(test_xlsx_cell_limit),
	        cmocka_unit_test(test_xlsx_many_rows),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
