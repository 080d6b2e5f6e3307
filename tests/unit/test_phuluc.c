/* Phụ lục export: a hand-built template (I, II.1 table, II.2, III) exported to XLSX and read
 * back with python3's zipfile: title, header, exact Vietnamese labels, narrative text,
 * numbers as numbers, blanks without a value, neutralised formulas, U+FFFD for bad UTF-8,
 * A4 print setup, and no temporary file left behind. */
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
#include "core/file.h"
#include "export/phuluc.h"
#include "text/text.h"

static char basedir[] = "/tmp/suotdoi-phuluc-XXXXXX";
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

/* ---- the template, by hand ---- */

static tpl_item_t items_i[] = {
        {.code = "i.text",
         .number = "",
         .label = "Công tác chỉ đạo",
         .type = TPL_TEXT,
         .unit = "",
         .col = -1,
         .tcol = 0},
};
static tpl_item_t items_ii1[] = {
        {.code = "1.ke_hoach",
         .number = "1",
         .label = "Kế hoạch tổ chức tuần lễ HTSD",
         .type = TPL_BOOL,
         .unit = "",
         .col = 0,
         .tcol = -1},
        {.code = "2",
         .number = "2",
         .label = "Các phương tiện thông tin về chuyển đổi số",
         .type = TPL_COUNT,
         .unit = "",
         .col = -1,
         .tcol = -1,
         .heading = 1},
        {.code = "2.bao",
         .number = "",
         .label = "Số bài viết trên các báo",
         .type = TPL_COUNT,
         .unit = "bài",
         .col = 1,
         .tcol = -1},
        {.code = "2.truyen_hinh",
         .number = "",
         .label = "Số tin, phóng sự phát trên đài truyền hình",
         .type = TPL_COUNT,
         .unit = "tin",
         .col = 2,
         .tcol = -1},
        {.code = "5",
         .number = "5",
         .label = "Các lớp bồi dưỡng đã tổ chức liên quan đến chuyển đổi số",
         .type = TPL_COUNT,
         .unit = "",
         .col = -1,
         .tcol = -1,
         .heading = 1},
        {.code = "5.2.lop",
         .number = "",
         .label = "Số lớp bồi dưỡng nâng cao trình độ ngoại ngữ, tin học",
         .type = TPL_COUNT,
         .unit = "lớp",
         .col = 3,
         .tcol = -1},
        {.code = "5.2.nguoi",
         .number = "",
         .label = "Số lượt người tham gia",
         .type = TPL_COUNT,
         .unit = "lượt",
         .col = 4,
         .tcol = -1},
        {.code = "8",
         .number = "8",
         .label = "Tổng kết, khen thưởng",
         .type = TPL_COUNT,
         .unit = "",
         .col = -1,
         .tcol = -1,
         .heading = 1},
        {.code = "8.kinh_phi",
         .number = "",
         .label = "Tổng kinh phí khen thưởng",
         .type = TPL_MONEY,
         .unit = "đồng",
         .col = 5,
         .tcol = -1},
};
static tpl_item_t items_ii2[] = {
        {.code = "ii_2.text",
         .number = "",
         .label = "Những thuận lợi và khó khăn",
         .type = TPL_TEXT,
         .unit = "",
         .col = -1,
         .tcol = 1},
};
static tpl_item_t items_iii[] = {
        {.code = "iii.text",
         .number = "",
         .label = "Kế hoạch tiếp theo",
         .type = TPL_TEXT,
         .unit = "",
         .col = -1,
         .tcol = 2},
};
static tpl_section_t sections[] = {
        {"i", "I", "Công tác chỉ đạo", 1, items_i, 1},
        {"ii_1", "II.1", "Các kết quả theo từng hoạt động đã được thực hiện nhằm hưởng ứng Tuần lễ",
         0, items_ii1, sizeof items_ii1 / sizeof *items_ii1},
        {"ii_2", "II.2", "Những thuận lợi và khó khăn.", 1, items_ii2, 1},
        {"iii", "III", "Kế hoạch tiếp theo", 1, items_iii, 1},
};
static const template_t tpl = {
        .code = "phuluc-2022",
        .name = "Báo cáo tổng hợp số liệu kết quả tổ chức Tuần lễ hưởng ứng học tập suốt đời năm "
                "2022",
        .year = 2022,
        .sections = sections,
        .nsections = sizeof sections / sizeof *sections,
        .ncols = 6,
        .ntexts = 3,
};

static const int64_t num[6] = {1, 1234, 0, 12, 345, 25000000};
static const unsigned char has[6] = {1, 1, 0, 1, 1, 1};

/* ---- reading the file back ---- */

/* One member of the zip file through python3 (unzip may be missing), checked to be
 * well-formed XML. */
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
	if (pclose(p) != 0)
		fail_msg("python3 could not read %s from %s", member, path);
	return buf_steal(&b, NULL);
}

static void
write_xlsx(const phuluc_t *p, const char *name, char *path, size_t cap)
{
	buf_t out = BUF_INIT;
	char err[512] = "";
	int before = count_files(tmpdir);
	if (phuluc_write_xlsx(p, &out, err, sizeof err) != 0)
		fail_msg("phuluc_write_xlsx: %s", err);
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

/* The <c r="ref" ...> element of the sheet XML (self-closing or not), fresh, or NULL. */
static char *
cell_at(const char *xml, const char *ref)
{
	char needle[32];
	snprintf(needle, sizeof needle, "<c r=\"%s\"", ref);
	const char *start = strstr(xml, needle);
	if (!start)
		return NULL;
	const char *gt = strchr(start, '>');
	assert_non_null(gt);
	if (gt[-1] == '/')
		return strndup(start, (size_t)(gt - start) + 1);
	const char *end = strstr(start, "</c>");
	assert_non_null(end);
	return strndup(start, (size_t)(end - start) + 4);
}

/* The shared string at index i of sharedStrings.xml (text of the i-th <si>), fresh. */
static char *
shared_string(const char *sst, int i)
{
	const char *p = sst;
	for (int k = 0; k <= i; k++) {
		p = strstr(p, "<si>");
		assert_non_null(p);
		p += 4;
	}
	const char *t = strchr(p, '>');
	const char *end = strstr(p, "</t>");
	assert_non_null(t);
	assert_non_null(end);
	return strndup(t + 1, (size_t)(end - t - 1));
}

/* The text shown in cell ref (a shared string), fresh, or NULL when it is not a string. */
static char *
cell_text(const char *sheet, const char *sst, const char *ref)
{
	char *c = cell_at(sheet, ref);
	if (!c || !strstr(c, "t=\"s\"")) {
		free(c);
		return NULL;
	}
	const char *v = strstr(c, "<v>");
	assert_non_null(v);
	char *s = shared_string(sst, atoi(v + 3));
	free(c);
	return s;
}

static void
assert_cell_text(const char *sheet, const char *sst, const char *ref, const char *want)
{
	char *s = cell_text(sheet, sst, ref);
	if (!s || strcmp(s, want) != 0)
		fail_msg("%s: want \"%s\", got \"%s\"", ref, want, s ? s : "(no string)");
	free(s);
}

static phuluc_t
sample(const char *const *texts)
{
	return (phuluc_t){.tpl = &tpl,
	                  .unit_name = "Quận Hải An",
	                  .place_date = "Hải An, ngày 10 tháng 10 năm 2022",
	                  .scope_note = "Tổng hợp 4 báo cáo đã nộp",
	                  .num = num,
	                  .has = has,
	                  .text = texts,
	                  .nreports = 1};
}

/* ---- tests ---- */

static void
test_layout(void **state)
{
	(void)state;
	assert_int_equal(count_files(tmpdir), 0);
	const char *texts[3] = {
	        "UBND quận ban hành Kế hoạch số 112/KH-UBND ngày 15/9/2022.\nCác phường triển "
	        "khai đồng loạt.",
	        "=HYPERLINK(\"http://x\")",
	        NULL,
	};
	phuluc_t p = sample(texts);
	/* the unit's notes, by item in document order: a yes/no, a count, a money, a text */
	const char *notes[12] = {[1] = "Kế hoạch số 112/KH-UBND ngày 15/9/2022",
	                         [3] = "Báo Hải Phòng: 3 số; \"An ninh\" <2 số> & 1 số khác",
	                         [9] = "Trích từ quỹ khuyến học của quận",
	                         [11] = "Chưa thống nhất với các phường"};
	p.note = notes;
	char path[700];
	write_xlsx(&p, "a.xlsx", path, sizeof path);

	char *sst = zip_member(path, "xl/sharedStrings.xml");
	char *sheet = zip_member(path, "xl/worksheets/sheet1.xml");

	/* title block, rows 1-5, then a blank row */
	/* seed 003's order: the number line, the place and date, the two-line title */
	assert_cell_text(sheet, sst, "A1", "Số: …/BC-…");
	assert_cell_text(sheet, sst, "A2", "Hải An, ngày 10 tháng 10 năm 2022");
	assert_cell_text(sheet, sst, "A3", "BÁO CÁO TỔNG HỢP SỐ LIỆU KẾT QUẢ TỔ CHỨC");
	assert_cell_text(sheet, sst, "A4", "TUẦN LỄ HƯỞNG ỨNG HỌC TẬP SUỐT ĐỜI NĂM 2022");
	assert_cell_text(sheet, sst, "A5", "Đơn vị: Quận Hải An");
	assert_cell_text(sheet, sst, "A6", "Tổng hợp 4 báo cáo đã nộp");
	/* I and its text */
	assert_cell_text(sheet, sst, "A8", "I. Công tác chỉ đạo");
	assert_cell_text(sheet, sst, "A9",
	                 "UBND quận ban hành Kế hoạch số 112/KH-UBND ngày 15/9/2022.\nCác "
	                 "phường triển khai đồng loạt.");
	/* II, II.1 and the table header */
	assert_cell_text(sheet, sst, "A10", "II. Kết quả cụ thể");
	assert_cell_text(sheet, sst, "A11",
	                 "1. Các kết quả theo từng hoạt động đã được thực hiện nhằm hưởng ứng "
	                 "Tuần lễ");
	assert_cell_text(sheet, sst, "A12", "TT");
	assert_cell_text(sheet, sst, "B12", "Nội dung hoạt động");
	assert_cell_text(sheet, sst, "C12", "Kết quả, Số lượng");
	assert_cell_text(sheet, sst, "D12", "Ghi chú");
	/* item 1: yes/no */
	assert_cell_text(sheet, sst, "A13", "1");
	assert_cell_text(sheet, sst, "B13", "Kế hoạch tổ chức tuần lễ HTSD");
	assert_cell_text(sheet, sst, "C13", "Có");
	assert_cell_text(sheet, sst, "D13", "Kế hoạch số 112/KH-UBND ngày 15/9/2022");
	/* heading 2 and its sub-lines */
	assert_cell_text(sheet, sst, "A14", "2");
	assert_cell_text(sheet, sst, "B14", "Các phương tiện thông tin về chuyển đổi số");
	char *c = cell_at(sheet, "C14");
	assert_non_null(c); /* bordered blank */
	assert_null(strstr(c, "<v>"));
	free(c);
	/* the label as the seed has it, Ghi chú the unit's own note on the value, the unit of
	 * measure in the number's format ("1.234 bài") */
	assert_cell_text(sheet, sst, "B15", "- Số bài viết trên các báo");
	c = cell_at(sheet, "C15");
	assert_non_null(c);
	assert_non_null(strstr(c, "<v>1234</v>"));
	assert_null(strstr(c, "t=\"s\"")); /* a number, shown 1.234 by the format */
	free(c);
	/* (shared strings are read as stored: XML-escaped) */
	assert_cell_text(sheet, sst, "D15",
	                 "Báo Hải Phòng: 3 số; \"An ninh\" &lt;2 số&gt; &amp; 1 số khác");
	assert_cell_text(sheet, sst, "B16", "- Số tin, phóng sự phát trên đài truyền hình");
	assert_null(cell_text(sheet, sst, "D16")); /* no note: blank */
	c = cell_at(sheet, "C16");                 /* no value: blank, not 0 */
	assert_non_null(c);
	assert_null(strstr(c, "<v>"));
	free(c);
	/* heading 5: "+ classes" then "- participants" as in the original */
	assert_cell_text(sheet, sst, "A17", "5");
	assert_cell_text(sheet, sst, "B18",
	                 "+ Số lớp bồi dưỡng nâng cao trình độ ngoại ngữ, tin học");
	assert_null(cell_text(sheet, sst, "D18"));
	assert_cell_text(sheet, sst, "B19", "- Số lượt người tham gia");
	c = cell_at(sheet, "C19");
	assert_non_null(strstr(c, "<v>345</v>"));
	free(c);
	/* money */
	assert_cell_text(sheet, sst, "B21", "- Tổng kinh phí khen thưởng");
	c = cell_at(sheet, "C21");
	assert_non_null(strstr(c, "<v>25000000</v>"));
	free(c);
	assert_cell_text(sheet, sst, "D21", "Trích từ quỹ khuyến học của quận");
	/* II.2 with a formula-looking text, neutralised; III empty */
	assert_cell_text(sheet, sst, "A22", "2. Những thuận lợi và khó khăn.");
	assert_cell_text(sheet, sst, "A23", "'=HYPERLINK(\"http://x\")");
	assert_cell_text(sheet, sst, "A24", "III. Kế hoạch tiếp theo");
	/* a narrative's note: a line after its (empty) text */
	assert_cell_text(sheet, sst, "A26", "Ghi chú: Chưa thống nhất với các phường");
	/* footer after a blank line */
	assert_cell_text(sheet, sst, "A28", "Nơi nhận:");
	assert_cell_text(sheet, sst, "C28", "THỦ TRƯỞNG ĐƠN VỊ");
	assert_null(strstr(sst, ">=HYPERLINK"));

	/* layout: merged rows, column widths, A4 portrait one page wide */
	assert_non_null(strstr(sheet, "<mergeCell ref=\"A1:D1\"/>"));
	assert_non_null(strstr(sheet, "<mergeCell ref=\"A9:D9\"/>"));
	assert_non_null(strstr(sheet, "<mergeCell ref=\"C28:D28\"/>"));
	assert_non_null(strstr(sheet, "paperSize=\"9\""));
	assert_non_null(strstr(sheet, "orientation=\"portrait\""));
	/* one page wide, pages down as needed; the effective scale of fit-to-width keeps the
	 * 12 pt text at 11 pt or more: computed from the columns' width, in the default font
	 * Calibri (Excel's w * 7 + 5 px at 96 dpi: 100 %, nothing shrinks) and in DejaVu Sans,
	 * what LibreOffice uses without Calibri or Carlito (9.33 px a character) */
	assert_non_null(strstr(sheet, "<pageSetUpPr fitToPage=\"1\"/>"));
	assert_non_null(strstr(sheet, "fitToHeight=\"0\""));
	const char *fw = strstr(sheet, "fitToWidth=\"");
	assert_true(fw == NULL || atoi(fw + 12) == 1); /* 1 is the default */
	double chars = 0;
	int ncols = 0;
	for (const char *q = strstr(sheet, "<col "); q; q = strstr(q + 1, "<col ")) {
		const char *w = strstr(q, "width=\"");
		int lo = atoi(strstr(q, "min=\"") + 5), hi = atoi(strstr(q, "max=\"") + 5);
		/* stored as (w * 7 + 5) / 7: the width a person gave, plus the padding */
		chars += (hi - lo + 1) * (atof(w + 7) - 5.0 / 7);
		ncols += hi - lo + 1;
	}
	assert_int_equal(ncols, 4);
	double printable_px = (210 - 2 * 12.7) / 25.4 * 96;
	double calibri = chars * 7 + 5 * ncols, dejavu = chars * 28.0 / 3 + 5 * ncols;
	double s1 = printable_px / calibri, s2 = printable_px / dejavu;
	if (s1 > 1)
		s1 = 1;
	if (s2 > 1)
		s2 = 1;
	if (12 * s1 < 12 || 12 * s2 < 11)
		fail_msg("12 pt prints at %.1f pt (Calibri) / %.1f pt (DejaVu Sans)", 12 * s1,
		         12 * s2);
	assert_non_null(strstr(sheet, "<pageMargins left=\"0.5\" right=\"0.5\""));
	/* the fonts are 12 pt (13 pt the title): nothing under 11 pt prints */
	char *st = zip_member(path, "xl/styles.xml");
	for (const char *q = strstr(st, "<sz val=\""); q; q = strstr(q + 1, "<sz val=\"")) {
		int pt = atoi(q + 9);
		/* libxlsxwriter's default font (11 pt Calibri) stays for unstyled cells */
		assert_true(pt >= 11);
	}
	free(st);
	/* the table's header row repeats on every page */
	char *wbx = zip_member(path, "xl/workbook.xml");
	if (!strstr(wbx, "<definedName name=\"_xlnm.Print_Titles\" localSheetId=\"0\">"
	                 "'Phụ lục'!$12:$12</definedName>"))
		fail_msg("no print titles: %s", wbx);
	free(wbx);
	free(sheet);
	free(sst);

	char *styles = zip_member(path, "xl/styles.xml");
	/* 1.234 bài with literal dots whatever the reader's regional settings: never "#,##0"
	 * (7,734,567 outside Vietnamese settings, Excel's built-in format 3) */
	assert_null(strstr(styles, "#,##0"));
	assert_null(strstr(styles, "numFmtId=\"3\""));
	assert_non_null(strstr(styles, "formatCode=\"[&gt;=1000000]#\\.###\\.##0&quot; "
	                               "bài&quot;;[&gt;=1000]#\\.##0&quot; bài&quot;;0&quot; "
	                               "bài&quot;\""));
	assert_non_null(strstr(styles, "formatCode=\"[&gt;=1000000]#\\.###\\.##0&quot; "
	                               "đồng&quot;;"));
	assert_non_null(strstr(styles, "<b/>"));
	assert_non_null(strstr(styles, "<i/>"));
	assert_non_null(strstr(styles, "Times New Roman"));
	assert_non_null(strstr(styles, "<left style=\"thin\">"));
	free(styles);

	char *wb = zip_member(path, "xl/workbook.xml");
	assert_non_null(strstr(wb, "name=\"Phụ lục\""));
	assert_non_null(strstr(wb, "_xlnm.Print_Area"));
	free(wb);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(count_files(tmpdir), 0);
}

/* Compiled over several reports: a yes/no item shows how many units said yes; a bad UTF-8
 * byte becomes U+FFFD; a long narrative continues over several rows, each one neutralised
 * on its own; optional lines are left out. */
static void
test_compiled_and_odd_text(void **state)
{
	(void)state;
	buf_t longtext = BUF_INIT;
	buf_puts(&longtext, "Bắt đầu.");
	for (int i = 0; i < 400; i++)
		buf_printf(&longtext, " câu %d có dấu tiếng Việt;", i);
	buf_t lines = BUF_INIT;
	for (int i = 0; i < 30; i++)
		buf_printf(&lines, "%s=dòng %d", i ? "\n" : "", i);
	const char *texts[3] = {"bad \xff utf8\r\nhai", buf_cstr(&lines), buf_cstr(&longtext)};
	static const int64_t num4[6] = {3, 1234567890123456789LL, 0, 0, 0, 0};
	static const unsigned char has4[6] = {1, 1, 1, 0, 0, 0};
	phuluc_t p = {.tpl = &tpl,
	              .unit_name = "Quận Hải An",
	              .num = num4,
	              .has = has4,
	              .text = texts,
	              .nreports = 4};
	char path[700];
	write_xlsx(&p, "b.xlsx", path, sizeof path);
	char *sst = zip_member(path, "xl/sharedStrings.xml");
	char *sheet = zip_member(path, "xl/worksheets/sheet1.xml");

	/* no number, place or date given: the blank form's; no scope note: I follows the
	 * unit line and a blank row */
	assert_cell_text(sheet, sst, "A1", "Số: …/BC-…");
	assert_cell_text(sheet, sst, "A2", "……, ngày … tháng … năm 2022");
	assert_cell_text(sheet, sst, "A5", "Đơn vị: Quận Hải An");
	assert_cell_text(sheet, sst, "A7", "I. Công tác chỉ đạo");
	assert_cell_text(sheet, sst, "A8", "bad \xEF\xBF\xBD utf8\nhai");
	/* table header at row 11, item 1 at row 12: 3 units said yes */
	assert_cell_text(sheet, sst, "A11", "TT");
	char *c = cell_at(sheet, "C12");
	assert_non_null(strstr(c, "<v>3</v>"));
	free(c);
	assert_cell_text(sheet, sst, "B12", "Kế hoạch tổ chức tuần lễ HTSD");
	assert_null(cell_text(sheet, sst, "D12")); /* Ghi chú: no note, never a unit */
	/* beyond Excel's 15 digits: text in the Vietnamese format */
	assert_cell_text(sheet, sst, "C14", "1.234.567.890.123.456.789 bài");
	/* 0 is a value, shown as 0 */
	c = cell_at(sheet, "C15");
	assert_non_null(strstr(c, "<v>0</v>"));
	free(c);
	/* 30 lines of II.2 make two rows of 24 and 6 lines, each neutralised */
	assert_non_null(strstr(sst, ">'=dòng 0\n=dòng 1\n"));
	assert_non_null(strstr(sst, "\n=dòng 23<"));
	assert_non_null(strstr(sst, ">'=dòng 24\n"));
	assert_non_null(strstr(sst, "\n=dòng 29<"));
	/* the long III paragraph is cut between words over several rows */
	assert_non_null(strstr(sst, ">Bắt đầu. câu 0 có"));
	assert_non_null(strstr(sst, "câu 399 có dấu tiếng Việt;<"));
	assert_null(strstr(sst, " <"));
	assert_null(strstr(sst, "> "));
	int pieces = 0;
	for (const char *q = sheet; (q = strstr(q, "<mergeCell ")) != NULL; q++)
		pieces++;
	assert_true(pieces >= 14); /* title, unit, headings, texts, footer + the split text */
	/* no row is taller than Excel allows */
	for (const char *q = sheet; (q = strstr(q, " ht=\"")) != NULL; q++)
		assert_true(atof(q + 5) <= 409.0);
	free(sheet);
	free(sst);
	unlink(path);
	buf_free(&longtext);
	buf_free(&lines);
	assert_int_equal(count_files(tmpdir), 0);
}

static void
test_errors(void **state)
{
	(void)state;
	buf_t out = BUF_INIT;
	char err[512] = "";
	phuluc_t none = {0};
	assert_int_equal(phuluc_write_xlsx(&none, &out, err, sizeof err), -1);
	assert_true(err[0] != '\0');
	assert_true(text_utf8_valid(err, strlen(err)));

	char missing[700];
	snprintf(missing, sizeof missing, "%s/missing", basedir);
	setenv("TMPDIR", missing, 1);
	const char *texts[3] = {NULL, NULL, NULL};
	phuluc_t p = sample(texts);
	err[0] = '\0';
	assert_int_equal(phuluc_write_xlsx(&p, &out, err, sizeof err), -1);
	assert_non_null(strstr(err, "Không tạo được tệp tạm"));
	assert_true(text_utf8_valid(err, strlen(err)));
	assert_int_equal(out.len, 0);
	buf_free(&out);
	setenv("TMPDIR", tmpdir, 1);
}

/* The default template, as shipped: every label lands in the table, the money item gets its
 * unit, and each section heading reads as in seed 003. */
/* The layout itself (phuluc_layout), the description all four renderers draw: seed 003's
 * order of lines on the default template, markers by the item codes, Ghi chú per value. */
static void
test_layout_lines(void **state)
{
	(void)state;
	char *json;
	size_t len;
	char err[512] = "";
	if (file_read_all(TEST_SOURCE_DIR "/data/templates/phuluc-2022.json", 1 << 20, &json, &len,
	                  err, sizeof err) != 0)
		fail_msg("read template: %s", err);
	template_t *t = NULL;
	if (template_from_json(json, len, &t, err, sizeof err) != 0)
		fail_msg("template_from_json: %s", err);
	free(json);
	int64_t *vals = calloc(t->ncols, sizeof *vals);
	unsigned char *flags = calloc(t->ncols, 1);
	size_t nitems = 0;
	for (size_t s = 0; s < t->nsections; s++)
		nitems += t->sections[s].nitems;
	const char **notes = calloc(nitems, sizeof *notes);
	assert_true(vals && flags && notes);
	const tpl_item_t *bao = template_item(t, "2.bao");
	vals[bao->col] = 7734567;
	flags[bao->col] = 1;
	notes[3] = "Báo Hải Phòng"; /* items in document order: i.text, 1.ke_hoach, 2, 2.bao */
	phuluc_t p = {.tpl = t,
	              .num = vals,
	              .has = flags,
	              .note = notes,
	              .nreports = 1,
	              .number_line = "Số: 05/BC-UBND"};
	arena_t a = ARENA_INIT;
	phl_layout_t lay;
	phuluc_layout(&p, &a, &lay);
	static const struct {
		phl_kind_t kind;
		const char *text;
	} head[] = {
	        {PHL_NUMBER, "Số: 05/BC-UBND"},
	        {PHL_PLACE_DATE, "……, ngày … tháng … năm 2022"},
	        {PHL_TITLE, "BÁO CÁO TỔNG HỢP SỐ LIỆU KẾT QUẢ TỔ CHỨC"},
	        {PHL_TITLE, "TUẦN LỄ HƯỞNG ỨNG HỌC TẬP SUỐT ĐỜI NĂM 2022"},
	        {PHL_HEADING, "I. Công tác chỉ đạo"},
	        {PHL_TEXT, ""},
	        {PHL_HEADING, "II. Kết quả cụ thể"},
	        {PHL_HEADING, "1. Các kết quả theo từng hoạt động đã được thực hiện nhằm hưởng "
	                      "ứng Tuần lễ"},
	        {PHL_ROW, "Kế hoạch tổ chức tuần lễ HTSD"},
	        {PHL_ROW, "Các phương tiện thông tin về chuyển đổi số"},
	        {PHL_ROW, "- Số bài viết trên các báo"},
	};
	assert_true(lay.n > sizeof head / sizeof *head);
	for (size_t i = 0; i < sizeof head / sizeof *head; i++) {
		if (lay.lines[i].kind != head[i].kind || strcmp(lay.lines[i].text, head[i].text))
			fail_msg("line %zu: %d \"%s\", want %d \"%s\"", i, lay.lines[i].kind,
			         lay.lines[i].text, head[i].kind, head[i].text);
	}
	const phl_line_t *r = &lay.lines[10];
	assert_string_equal(r->value, "7.734.567 bài");
	assert_string_equal(r->unit, "bài");
	assert_true(r->numeric && r->num == 7734567);
	assert_string_equal(r->note, "Báo Hải Phòng");
	assert_int_equal(r->marker_len, 2);
	assert_false(r->bold);
	assert_true(lay.lines[9].bold);
	assert_string_equal(lay.lines[9].tt, "2");
	/* "+" for each of the seven classes under 5, then "-" for its participants */
	size_t plus = 0, rows = 0;
	for (size_t i = 0; i < lay.n; i++) {
		if (lay.lines[i].kind != PHL_ROW)
			continue;
		rows++;
		if (!strncmp(lay.lines[i].text, "+ ", 2)) {
			plus++;
			assert_true(i + 1 < lay.n);
			assert_int_equal(strncmp(lay.lines[i + 1].text, "- ", 2), 0);
			assert_int_equal(lay.lines[i + 1].indent, 1);
		}
	}
	assert_int_equal(plus, 7);
	assert_int_equal(rows, 45);
	const phl_line_t *last = &lay.lines[lay.n - 1];
	assert_int_equal(last->kind, PHL_CLOSING);
	assert_string_equal(last->text, "Nơi nhận:");
	assert_string_equal(last->right, "THỦ TRƯỞNG ĐƠN VỊ");
	assert_string_equal(lay.lines[lay.n - 3].text, "III. Kế hoạch tiếp theo");
	arena_free(&a);
	free(vals);
	free(flags);
	free(notes);
	template_free(t);
}

static void
test_default_template(void **state)
{
	(void)state;
	char *json;
	size_t len;
	char err[512] = "";
	if (file_read_all(TEST_SOURCE_DIR "/data/templates/phuluc-2022.json", 1 << 20, &json, &len,
	                  err, sizeof err) != 0)
		fail_msg("read template: %s", err);
	template_t *t = NULL;
	if (template_from_json(json, len, &t, err, sizeof err) != 0)
		fail_msg("template_from_json: %s", err);
	free(json);
	int64_t *vals = calloc(t->ncols ? t->ncols : 1, sizeof *vals);
	unsigned char *flags = calloc(t->ncols ? t->ncols : 1, 1);
	const char **texts = calloc(t->ntexts ? t->ntexts : 1, sizeof *texts);
	assert_non_null(vals);
	assert_non_null(flags);
	assert_non_null(texts);
	for (size_t i = 0; i < t->ncols; i++) {
		vals[i] = (int64_t)(i + 1) * 1000;
		flags[i] = 1;
	}
	for (size_t i = 0; i < t->ntexts; i++)
		texts[i] = "- Nội dung thuyết minh.";
	phuluc_t p = {.tpl = t,
	              .unit_name = "Quận Hải An",
	              .num = vals,
	              .has = flags,
	              .text = texts,
	              .nreports = 1};
	char path[700];
	write_xlsx(&p, "default.xlsx", path, sizeof path);
	char *sst = zip_member(path, "xl/sharedStrings.xml");
	assert_non_null(strstr(sst, ">TUẦN LỄ HƯỞNG ỨNG HỌC TẬP SUỐT ĐỜI NĂM 2022<"));
	assert_non_null(strstr(sst, ">I. Công tác chỉ đạo<"));
	assert_non_null(strstr(sst, ">II. Kết quả cụ thể<"));
	assert_non_null(strstr(sst, ">1. Các kết quả theo từng hoạt động đã được thực hiện nhằm "
	                            "hưởng ứng Tuần lễ<"));
	assert_non_null(strstr(sst, ">Các lớp bồi dưỡng đã tổ chức liên quan đến chuyển đổi số<"));
	assert_non_null(strstr(sst, ">+ Số lớp dạy nghề cho lao động nông thôn<"));
	assert_non_null(strstr(sst, ">- Số lượt người tham gia<"));
	assert_non_null(strstr(sst, ">- Tổng kinh phí khen thưởng<"));
	assert_null(strstr(sst, "(lớp)"));
	assert_non_null(strstr(sst, ">2. Những thuận lợi và khó khăn<"));
	assert_non_null(strstr(sst, ">III. Kế hoạch tiếp theo<"));
	assert_non_null(strstr(sst, ">'- Nội dung thuyết minh.<"));
	assert_non_null(strstr(sst, ">THỦ TRƯỞNG ĐƠN VỊ<"));
	free(sst);
	const char *keep = getenv("PHULUC_XLSX_OUT"); /* copy it out to look at it */
	if (keep && keep[0]) {
		char cmd[1600];
		snprintf(cmd, sizeof cmd, "cp '%s' '%s'", path, keep);
		assert_int_equal(system(cmd), 0);
	}
	unlink(path);
	free(vals);
	free(flags);
	free(texts);
	template_free(t);
	assert_int_equal(count_files(tmpdir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_layout),
	        cmocka_unit_test(test_compiled_and_odd_text),
	        cmocka_unit_test(test_errors),
	        cmocka_unit_test(test_layout_lines),
	        cmocka_unit_test(test_default_template),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
