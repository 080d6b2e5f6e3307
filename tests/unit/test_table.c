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

	char *sst = zip_member(path, "xl/sharedStrings.xml");
	assert_non_null(strstr(sst, ">Họ và tên<"));
	assert_non_null(strstr(sst, ">Số người<"));
	assert_non_null(strstr(sst, ">'=1+1<"));
	assert_non_null(strstr(sst, ">'@SUM(A1)<"));
	assert_non_null(strstr(sst, ">Danh sách: tài khoản/2024<")); /* the title line */
	assert_non_null(strstr(sst, ">không rõ<"));
	assert_null(strstr(sst, ">1.234<")); /* written as a number instead */
	free(sst);

	char *sheet = zip_member(path, "xl/worksheets/sheet1.xml");
	/* title in row 1, header in row 3, data from row 4; numbers in column C */
	char *c = cell_element(sheet, "<v>1234</v>");
	assert_non_null(c);
	assert_non_null(strstr(c, "r=\"C4\""));
	assert_null(strstr(c, "t=\"s\""));
	free(c);
	c = cell_element(sheet, "<v>-5</v>");
	assert_non_null(c);
	assert_non_null(strstr(c, "r=\"C5\""));
	assert_null(strstr(c, "t=\"s\""));
	free(c);
	assert_non_null(strstr(sheet, "<v>1234567</v>"));
	assert_non_null(strstr(sheet, "ySplit=\"3\"")); /* frozen under the header */
	assert_non_null(strstr(sheet, "<col "));
	free(sheet);

	char *styles = zip_member(path, "xl/styles.xml");
	assert_non_null(strstr(styles, "formatCode=\"#,##0\"") || strstr(styles, "numFmtId=\"3\""));
	assert_non_null(strstr(styles, "<b/>"));
	free(styles);

	char *wb = zip_member(path, "xl/workbook.xml");
	assert_non_null(strstr(wb, "name=\"Danh sách- tài khoản-2024\""));
	free(wb);
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
	assert_non_null(strstr(sheet, "width=\"60")); /* capped */
	free(sheet);
	char *sst = zip_member(path, "xl/sharedStrings.xml");
	assert_non_null(strstr(sst, "bad \xEF\xBF\xBD utf8")); /* replaced, file still valid */
	assert_non_null(strstr(sst, ">99999999999999999<"));   /* too big for a double: text */
	free(sst);
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
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
