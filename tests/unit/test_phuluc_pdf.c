/* Phụ lục as PDF (src/export/phuluc_pdf.c): the shipped template of seed 003
 * (data/templates/phuluc-2022.json) with a district's totals rendered to PDF and read back
 * with poppler-utils (pdfinfo, pdftotext): the unit's name, the indicator labels with their
 * Vietnamese diacritics, numbers as 1.234.567, the table's header row on every page the
 * table runs over, "Trang n/N", hostile text, and a missing template refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/file.h"
#include "export/phuluc.h"

/* fontconfig keeps its patterns as offsets from themselves: LeakSanitizer cannot follow
 * them (as in test_render_pdf.c). */
const char *__lsan_default_suppressions(void);
const char *
__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

static template_t *tpl;

static int
setup(void **state)
{
	(void)state;
	char path[4096], err[512], *json;
	size_t len;
	snprintf(path, sizeof path, "%s/data/templates/phuluc-2022.json", TEST_SOURCE_DIR);
	if (file_read_all(path, 1 << 20, &json, &len, err, sizeof err) < 0)
		return -1;
	int rc = template_from_json(json, len, &tpl, err, sizeof err);
	free(json);
	return rc < 0 ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	template_free(tpl);
	return 0;
}

/* Renders p to a temporary file; returns its path (free it, unlink it). */
static char *
render(const phuluc_t *p)
{
	buf_t b = BUF_INIT;
	char err[256] = "";
	int rc = phuluc_write_pdf(p, &b, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "phuluc_write_pdf: %s\n", err);
	assert_int_equal(rc, 0);
	assert_true(b.len > 1000);
	assert_memory_equal(b.data, "%PDF-", 5);
	char *path = strdup("/tmp/suotdoi-phuluc-pdf-XXXXXX.pdf");
	assert_non_null(path);
	int fd = mkstemps(path, 4);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, b.data, b.len), (ssize_t)b.len);
	close(fd);
	buf_free(&b);
	return path;
}

/* "tool args path -" 's standard output (free it). */
static char *
run(const char *tool, const char *args, const char *path)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "%s %s '%s' %s 2>/dev/null", tool, args, path,
	         strcmp(tool, "pdfinfo") ? "-" : "");
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	buf_t b = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&b, chunk, n);
	int st = pclose(f);
	if (st != 0)
		fprintf(stderr, "%s failed (is poppler-utils installed?)\n", cmd);
	assert_int_equal(st, 0);
	return buf_steal(&b, NULL);
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *q = hay; (q = strstr(q, needle)); q += strlen(needle))
		n++;
	return n;
}

static int
pages_of(const char *path)
{
	char *info = run("pdfinfo", "", path);
	const char *q = strstr(info, "Pages:");
	assert_non_null(q);
	int pages = atoi(q + 6);
	free(info);
	return pages;
}

/* A district's totals: every count set, one of them in the millions. */
static void
district(phuluc_t *p, int64_t *num, unsigned char *has, const char **text)
{
	for (size_t k = 0; k < tpl->ncols; k++) {
		num[k] = (int64_t)(k + 1) * 7;
		has[k] = 1;
	}
	const tpl_item_t *bao = template_item(tpl, "2.bao");
	assert_non_null(bao);
	num[bao->col] = 1234567;
	for (size_t k = 0; k < tpl->ntexts; k++)
		text[k] = NULL;
	*p = (phuluc_t){.tpl = tpl,
	                .unit_name = "Quận Hải An",
	                .scope_note = "Tổng hợp 16 báo cáo đã nộp",
	                .num = num,
	                .has = has,
	                .text = text,
	                .nreports = 16};
}

static void
test_district_form(void **state)
{
	(void)state;
	int64_t num[256];
	unsigned char has[256];
	const char *text[64];
	assert_true(tpl->ncols <= 256 && tpl->ntexts <= 64);
	phuluc_t p;
	district(&p, num, has, text);
	const tpl_item_t *i = template_item(tpl, "i.text");
	if (i && i->tcol >= 0)
		text[i->tcol] = "Ủy ban nhân dân quận ban hành Kế hoạch số 05/KH-UBND; Phòng GD&ĐT "
		                "hướng dẫn các trường.";
	char *path = render(&p);
	char *txt = run("pdftotext", "-layout", path);
	assert_non_null(strstr(txt, "Đơn vị: Quận Hải An"));
	assert_non_null(strstr(txt, "BÁO CÁO TỔNG HỢP SỐ LIỆU KẾT QUẢ TỔ CHỨC"));
	assert_non_null(strstr(txt, "TUẦN LỄ HƯỞNG ỨNG HỌC TẬP SUỐT ĐỜI NĂM 2022"));
	assert_non_null(strstr(txt, "Tổng hợp 16 báo cáo đã nộp"));
	assert_non_null(strstr(txt, "- Số bài viết trên các báo"));
	assert_non_null(strstr(txt, "Các phương tiện thông tin về chuyển đổi số"));
	assert_non_null(strstr(txt, "1.234.567"));
	assert_null(strstr(txt, "1234567"));
	assert_non_null(strstr(txt, "Phòng GD&ĐT"));
	assert_non_null(strstr(txt, "II. Kết quả cụ thể"));
	/* the form's Số and date lines (blank ones without a document), "+" class lines */
	assert_non_null(strstr(txt, "Số: …/BC-…"));
	assert_non_null(strstr(txt, "……, ngày … tháng … năm 2022"));
	assert_non_null(strstr(txt, "+ Số lớp xóa mù chữ"));
	assert_null(strstr(txt, "II.1"));
	assert_non_null(strstr(txt, "THỦ TRƯỞNG ĐƠN VỊ"));
	/* a compiled yes/no item counts the units that answered "có" */
	assert_non_null(strstr(txt, "đơn vị có"));
	/* the table runs over two pages at least: its header row opens each of them */
	int pages = pages_of(path);
	assert_true(pages >= 2);
	assert_int_equal(count(txt, "Nội dung hoạt động"), pages);
	char foot[32];
	snprintf(foot, sizeof foot, "Trang %d/%d", pages, pages);
	assert_non_null(strstr(txt, foot));
	assert_non_null(strstr(txt, "Trang 1/"));
	free(txt);
	unlink(path);
	free(path);
}

/* A body's own report: yes/no as Có/Không, a blank for nothing entered; bad UTF-8 and a
 * long narrative with CR LF line ends flow onto further pages. */
static void
test_body_form_hostile_text(void **state)
{
	(void)state;
	int64_t num[256] = {0};
	unsigned char has[256] = {0};
	const char *text[64] = {0};
	const tpl_item_t *kh = template_item(tpl, "1.ke_hoach");
	assert_non_null(kh);
	num[kh->col] = 1;
	has[kh->col] = 1;
	buf_t long_text = BUF_INIT;
	for (int k = 0; k < 120; k++)
		buf_printf(&long_text, "Dòng %d của phần chỉ đạo <b>&amp;</b> \xff\xfe.\r\n",
		           k + 1);
	const tpl_item_t *i = template_item(tpl, "i.text");
	assert_non_null(i);
	text[i->tcol] = buf_cstr(&long_text);
	phuluc_t p = {.tpl = tpl,
	              .unit_name = "Trường Tiểu học Đằng Lâm",
	              .num = num,
	              .has = has,
	              .text = text,
	              .nreports = 1};
	char *path = render(&p);
	char *txt = run("pdftotext", "-layout", path);
	assert_non_null(strstr(txt, "Trường Tiểu học Đằng Lâm"));
	/* on the item's own line */
	const char *kl = strstr(txt, "Kế hoạch tổ chức tuần lễ HTSD");
	assert_non_null(kl);
	char line[300];
	snprintf(line, sizeof line, "%.*s", (int)strcspn(kl, "\n"), kl);
	assert_non_null(strstr(line, "Có"));
	assert_null(strstr(line, "Không"));
	assert_non_null(strstr(txt, "Dòng 120 của phần chỉ đạo <b>&amp;</b>"));
	assert_non_null(strstr(txt, "\xEF\xBF\xBD")); /* U+FFFD for the bad bytes */
	assert_true(pages_of(path) >= 3);
	free(txt);
	unlink(path);
	free(path);
	buf_free(&long_text);
}

static void
test_no_template(void **state)
{
	(void)state;
	phuluc_t p = {0};
	buf_t b = BUF_INIT;
	char err[256] = "";
	assert_int_equal(phuluc_write_pdf(&p, &b, err, sizeof err), -1);
	assert_non_null(strstr(err, "mẫu báo cáo"));
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_district_form),
	        cmocka_unit_test(test_body_form_hostile_text),
	        cmocka_unit_test(test_no_template),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
