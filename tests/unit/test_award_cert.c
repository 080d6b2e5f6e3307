/* The pure parts of printing a commendation decision (docs/awards.md, "Printing"): the
 * awards table of the annex (groups, numbering, totals, an empty list), the decider in
 * citations and on certificates (a head's decision, a collective one, a body's), the
 * register number, and the certificate renderer: one page per award, each page's text its
 * own (pdftotext -f k -l k), and an achievements text of 20,000 bytes kept on its page,
 * above the signature block (pdftotext -bbox), the register number still there; a list of
 * 80 over several pages, each starting with the header (PDF; the DOCX row marked to
 * repeat). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zip.h>

#include "core/arena.h"
#include "core/buf.h"
#include "docs/certificate.h"
#include "docs/doc.h"

static const char decision[] =
        "{\"kind\":\"qd\",\"date\":\"2022-10-15\",\"year\":2022,\"body_abbr\":\"UBND\","
        "\"drafter_abbr\":\"\",\"parent_body\":\"\",\"body\":\"ỦY BAN NHÂN DÂN\\nQUẬN HẢI AN\","
        "\"place\":\"Hải An\",\"subject\":\"Khen thưởng\",\"bases\":[],\"recipients\":[],"
        "\"text\":\"Điều 1.\",\"duties\":[],\"distribution\":[\"Lưu: VT.\"],"
        "\"signer\":{\"tm\":\"\",\"authority\":\"KT.\",\"head\":\"CHỦ TỊCH\","
        "\"position\":\"PHÓ CHỦ TỊCH\",\"name\":\"Trần Thị Kim Oanh\"},\"annexes\":[]}";

static doc_t *
parse(arena_t *a, const char *json)
{
	doc_t *d;
	doc_error_t errs[DOC_MAX_ERRORS];
	size_t nerr = 0;
	if (doc_parse(json, strlen(json), a, &d, errs, &nerr) < 0) {
		fprintf(stderr, "%s: %s\n", errs[0].field, errs[0].msg);
		fail();
	}
	d->number = 3;
	return d;
}

/* The text of cell (r, c). */
static const char *
cell(const docr_table_t *t, size_t r, size_t c)
{
	assert_true(r < t->nrows && c < t->ncols);
	const docr_cell_t *x = &t->cells[r * t->ncols + c];
	assert_int_equal(x->nlines, 1);
	return x->lines[0].runs[0].text;
}

static void
test_table(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	const doc_award_t v[] = {
	        {"Nguyễn Thị Hoa", "Giáo viên Trường THCS Đằng Lâm", "Trường THCS Đằng Lâm",
	         "Cá nhân", "Giấy khen", 0, 300000},
	        {"Gia đình ông Bình", "Tổ dân phố 5", "Trường THCS Đằng Lâm", "Gia đình hiếu học",
	         "Giấy khen", 1, 1234567},
	        {"Lê Văn Tâm", "", "Trường Tiểu học Đằng Lâm", "Tấm gương tự học", "Bằng khen", 0,
	         0},
	};
	docr_table_t *t = doc_awards_table(v, 3, &a);
	assert_int_equal(t->ncols, 6);
	assert_string_equal(t->headers[1], "Tên tập thể / Họ và tên");
	double sum = 0;
	for (size_t c = 0; c < t->ncols; c++)
		sum += t->widths_mm[c];
	assert_true(sum > 159.9 && sum < 160.1); /* the text width */
	/* I, its one row; II, its two in the given order; the total */
	assert_int_equal(t->nrows, 6);
	assert_string_equal(cell(t, 0, 0), "I");
	assert_string_equal(cell(t, 0, 1), "TẬP THỂ");
	assert_string_equal(cell(t, 1, 0), "1");
	assert_string_equal(cell(t, 1, 1), "Gia đình ông Bình");
	assert_string_equal(cell(t, 1, 2), "Tổ dân phố 5, Trường THCS Đằng Lâm");
	assert_string_equal(cell(t, 1, 3), "Gia đình hiếu học");
	assert_string_equal(cell(t, 1, 5), "1.234.567");
	assert_string_equal(cell(t, 2, 0), "II");
	assert_string_equal(cell(t, 2, 1), "CÁ NHÂN");
	assert_string_equal(cell(t, 3, 0), "1");
	assert_string_equal(cell(t, 3, 1), "Nguyễn Thị Hoa");
	/* a place naming the unit is not followed by it again */
	assert_string_equal(cell(t, 3, 2), "Giáo viên Trường THCS Đằng Lâm");
	assert_string_equal(cell(t, 4, 0), "2");
	assert_string_equal(cell(t, 4, 2), "Trường Tiểu học Đằng Lâm");
	assert_string_equal(cell(t, 4, 4), "Bằng khen");
	assert_string_equal(cell(t, 4, 5), "0");
	assert_string_equal(cell(t, 5, 1), "Tổng cộng: 1 tập thể, 2 cá nhân");
	assert_string_equal(cell(t, 5, 5), "1.534.567");
	assert_true(t->cells[5 * 6 + 5].lines[0].runs[0].bold);

	/* persons only: their group is I; nothing at all: the total row alone */
	t = doc_awards_table(v, 1, &a);
	assert_int_equal(t->nrows, 3);
	assert_string_equal(cell(t, 0, 0), "I");
	assert_string_equal(cell(t, 0, 1), "CÁ NHÂN");
	t = doc_awards_table(NULL, 0, &a);
	assert_int_equal(t->nrows, 1);
	assert_string_equal(cell(t, 0, 1), "Tổng cộng: 0 tập thể, 0 cá nhân");
	assert_string_equal(cell(t, 0, 5), "0");
	arena_free(&a);
}

static void
test_model(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	char json[2048];
	/* two annexes: the text one untouched, the awards one with the list and reference */
	snprintf(json, sizeof json,
	         "%.*s[{\"title\":\"Ghi chú\",\"text\":\"Một dòng.\"},"
	         "{\"title\":\"Danh sách tập thể, cá nhân được khen thưởng\","
	         "\"text\":\"Danh sách như sau:\","
	         "\"awards\":true}]}",
	         (int)(strstr(decision, "[]}") - decision), decision);
	doc_t *d = parse(&a, json);
	docr_t *m = doc_render_model(d, NULL, &a);
	const doc_award_t v[] = {
	        {"Trường THCS Đằng Lâm", "", "Trường THCS Đằng Lâm", "Tập thể", "Giấy khen", 1, 5}};
	doc_render_awards(m, d, "Ủy ban nhân dân quận Hải An", v, 1, &a);
	assert_int_equal(m->nannexes, 2);
	assert_null(m->annexes[0].table);
	assert_string_equal(m->annexes[0].title, "GHI CHÚ");
	const docr_annex_t *x = &m->annexes[1];
	assert_string_equal(x->label, "Phụ lục II");
	assert_string_equal(x->title, "DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC KHEN THƯỞNG");
	assert_string_equal(x->subtitle, "(Kèm theo Quyết định số 03/QĐ-UBND ngày 15/10/2022 của "
	                                 "Chủ tịch Ủy ban nhân dân quận Hải An)");
	assert_non_null(x->table);
	assert_int_equal(x->table->nrows, 3);
	assert_int_equal(x->nbefore, 1); /* the annex's own text, before the table */
	arena_free(&a);
}

static void
test_decider(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	doc_t *d = parse(&a, decision);
	const char *ubnd = "Ủy ban nhân dân quận Hải An";
	/* KT. CHỦ TỊCH: the chairman's decision */
	assert_string_equal(doc_decider(d, ubnd, &a), "Chủ tịch Ủy ban nhân dân quận Hải An");
	assert_string_equal(doc_decider_upper(d, ubnd, &a), "CHỦ TỊCH ỦY BAN NHÂN DÂN QUẬN HẢI AN");
	/* the chairman himself, no authority */
	d->signer.authority = "";
	d->signer.head = "";
	d->signer.position = "CHỦ TỊCH";
	assert_string_equal(doc_decider(d, ubnd, &a), "Chủ tịch Ủy ban nhân dân quận Hải An");
	/* TM. ỦY BAN NHÂN DÂN: the committee's */
	d->signer.tm = "ỦY BAN NHÂN DÂN";
	assert_string_equal(doc_decider(d, ubnd, &a), ubnd);
	assert_string_equal(doc_decider_upper(d, ubnd, &a), "ỦY BAN NHÂN DÂN QUẬN HẢI AN");
	/* a body: its name; on the certificate the head's title before it, the shared word once */
	d->signer.tm = "";
	d->signer.position = "TRƯỞNG PHÒNG";
	d->body = "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO";
	const char *pgd = "Phòng Giáo dục và Đào tạo quận Hải An";
	assert_string_equal(doc_decider(d, pgd, &a), pgd);
	assert_string_equal(doc_decider_upper(d, pgd, &a), "TRƯỞNG PHÒNG GIÁO DỤC VÀ ĐÀO TẠO");
	d->signer.position = "HIỆU TRƯỞNG";
	d->body = "TRƯỜNG THCS ĐẰNG LÂM";
	assert_string_equal(doc_decider_upper(d, "Trường THCS Đằng Lâm", &a),
	                    "HIỆU TRƯỞNG TRƯỜNG THCS ĐẰNG LÂM");
	/* no issuer known: no "của …" in citations */
	assert_null(doc_decider(d, NULL, &a));
	assert_null(doc_decider(d, "", &a));

	assert_string_equal(cert_register_no(3, 1, "Giấy khen", &a), "03-01/GK");
	assert_string_equal(cert_register_no(12, 10, "Bằng khen", &a), "12-10/BK");
	assert_string_equal(cert_register_no(3, 2, "Giấy chứng nhận", &a), "03-02/GCN");
	assert_string_equal(cert_register_no(3, 2, "đặc cách", &a), "03-02/ĐC");
	arena_free(&a);
}

/* pdftotext of pages first..last of pdf, blanks collapsed. Fresh. */
static char *
text_of(const buf_t *pdf, int first, int last)
{
	char path[] = "/tmp/suotdoi-cert-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, pdf->data, pdf->len), (ssize_t)pdf->len);
	close(fd);
	char cmd[200];
	snprintf(cmd, sizeof cmd, "pdftotext -q -f %d -l %d %s -", first, last, path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	buf_t b = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		buf_append(&b, chunk, n);
	assert_int_equal(pclose(p), 0);
	unlink(path);
	char *o = malloc(b.len + 1);
	assert_non_null(o);
	size_t k = 0;
	int sp = 1;
	for (size_t i = 0; i < b.len; i++) {
		char c = b.data[i];
		int blank = c == ' ' || c == '\n' || c == '\t' || c == '\f';
		if (blank && !sp)
			o[k++] = ' ';
		else if (!blank)
			o[k++] = c;
		sp = blank;
	}
	o[k] = '\0';
	buf_free(&b);
	return o;
}

/* Over the words w on page of pdf (pdftotext -bbox): the largest bottom (bottom = 1) or
 * the smallest top, in points from the page's top; -1 when there is none. */
static double
word_y(const buf_t *pdf, int page, const char *w, int bottom)
{
	char path[] = "/tmp/suotdoi-cert-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, pdf->data, pdf->len), (ssize_t)pdf->len);
	close(fd);
	char cmd[200], line[1024], tail[128];
	snprintf(cmd, sizeof cmd, "pdftotext -q -bbox -f %d -l %d %s -", page, page, path);
	snprintf(tail, sizeof tail, "\">%s</word>", w);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	double best = -1;
	while (fgets(line, sizeof line, p)) {
		double x0, y0, x1, y1;
		if (!strstr(line, tail) ||
		    sscanf(line, " <word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\"", &x0,
		           &y0, &x1, &y1) != 4)
			continue;
		double y = bottom ? y1 : y0;
		if (best < 0 || (bottom ? y > best : y < best))
			best = y;
	}
	assert_int_equal(pclose(p), 0);
	unlink(path);
	return best;
}

static int
pages_of(const buf_t *pdf)
{
	int n = 0;
	const char *p = pdf->data, *end = pdf->data + pdf->len;
	/* "/Type /Page" not followed by "s" (the page tree) */
	for (const char *q = p; (q = memmem(q, (size_t)(end - q), "/Type /Page", 11)); q += 11)
		n += q + 11 < end && q[11] != 's';
	return n;
}

static void
test_certificates(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	doc_t *d = parse(&a, decision);
	cert_t c;
	cert_from_doc(d, "Ủy ban nhân dân quận Hải An", &a, &c);
	assert_string_equal(c.decider, "CHỦ TỊCH ỦY BAN NHÂN DÂN QUẬN HẢI AN");
	assert_string_equal(c.citation, "Theo Quyết định số 03/QĐ-UBND ngày 15/10/2022");
	assert_string_equal(c.place_date, "Hải An, ngày 15 tháng 10 năm 2022");
	assert_int_equal(c.nsigner_lines, 2);

	/* 20,000 bytes: far more than the box holds at the smallest size */
	buf_t big = BUF_INIT;
	while (big.len < 20000)
		buf_puts(&big, "Nhiều năm liền là tấm gương tự học tiêu biểu của khu dân cư; ");
	big.len = 20000;
	while (((unsigned char)big.data[big.len] & 0xC0) == 0x80)
		big.len--;
	big.data[big.len] = '\0';
	const cert_award_t w[] = {
	        {"Giấy khen", "Gia đình ông Phạm Văn Bình", "Tổ dân phố 5", "Gia đình hiếu học",
	         "Có nhiều đóng góp.", "03-01/GK"},
	        {"Giấy khen", "Nguyễn Thị Hoa", "Trường THCS Đằng Lâm", "", buf_cstr(&big),
	         "03-02/GK"},
	        {"Bằng khen",
	         "Một tên rất dài của một tập thể được khen thưởng để xem tên có thu nhỏ lại vừa "
	         "một dòng hay xuống dòng mà không tràn khỏi trang giấy",
	         "", "", "", "03-03/BK"},
	};
	c.awards = w;
	c.nawards = 3;
	buf_t out = BUF_INIT;
	char err[300];
	assert_int_equal(cert_render_pdf(&c, &out, err, sizeof err), 0);
	assert_int_equal(pages_of(&out), 3);
	for (int k = 0; k < 3; k++) {
		char *t = text_of(&out, k + 1, k + 1);
		assert_non_null(strstr(t, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
		assert_non_null(strstr(t, "CHỦ TỊCH ỦY BAN NHÂN DÂN QUẬN HẢI AN"));
		assert_non_null(strstr(t, "TẶNG"));
		assert_non_null(strstr(t, k == 2 ? "BẰNG KHEN" : "GIẤY KHEN"));
		char reg[40];
		snprintf(reg, sizeof reg, "Số: %s", w[k].register_no);
		assert_non_null(strstr(t, reg));
		assert_non_null(strstr(t, "Theo Quyết định số 03/QĐ-UBND ngày 15/10/2022"));
		assert_non_null(strstr(t, "KT. CHỦ TỊCH"));
		assert_non_null(strstr(t, "Trần Thị Kim Oanh"));
		assert_non_null(
		        strstr(t, k == 0 ? "Danh hiệu: Gia đình hiếu học" : "Hải An, ngày"));
		if (k == 1) { /* the long text begins on its page and ends above the signature */
			assert_non_null(strstr(t, "Đã có thành tích: Nhiều năm liền"));
			double ach = word_y(&out, 2, "gương", 1), sign = word_y(&out, 2, "Hải", 0);
			assert_true(ach > 0 && sign > 0);
			assert_true(ach < sign);
		}
		if (k != 0)
			assert_null(strstr(t, "Danh hiệu:"));
		if (k == 2)
			assert_null(strstr(t, "Đã có thành tích"));
		free(t);
	}
	/* no award: refused, nothing appended */
	c.nawards = 0;
	size_t len = out.len;
	assert_int_equal(cert_render_pdf(&c, &out, err, sizeof err), -1);
	assert_int_equal(out.len, len);
	assert_non_null(strstr(err, "trống"));
	buf_free(&out);
	buf_free(&big);
	arena_free(&a);
}

/* A list of 80 awards runs over several pages: each of them starts with the table's header
 * (PDF), the DOCX marks the header row to repeat, and the total closes the list. */
static void
test_long_list(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	char json[2048];
	snprintf(json, sizeof json,
	         "%.*s[{\"title\":\"Danh sách tập thể, cá nhân được khen thưởng\","
	         "\"awards\":true}]}",
	         (int)(strstr(decision, "[]}") - decision), decision);
	doc_t *d = parse(&a, json);
	docr_t *m = doc_render_model(d, NULL, &a);
	enum { N = 80 };
	doc_award_t v[N];
	for (int k = 0; k < N; k++)
		v[k] = (doc_award_t){arena_printf(&a, "Người thứ %d", k + 1),
		                     "Khu dân cư số 3",
		                     "Trường THCS Đằng Lâm",
		                     "Cá nhân",
		                     "Giấy khen",
		                     k < 10,
		                     100000};
	doc_render_awards(m, d, "Ủy ban nhân dân quận Hải An", v, N, &a);
	buf_t out = BUF_INIT;
	char err[300];
	assert_int_equal(docr_render_pdf(m, &out, err, sizeof err), 0);
	int pages = pages_of(&out);
	assert_true(pages >= 4); /* the decision, then the list over three pages at least */
	for (int k = 2; k <= pages; k++) {
		char *t = text_of(&out, k, k);
		assert_non_null(strstr(t, "Danh hiệu"));
		if (k == pages) {
			assert_non_null(strstr(t, "Tổng cộng: 10 tập thể, 70 cá nhân"));
			assert_non_null(strstr(t, "8.000.000"));
		}
		free(t);
	}
	char *t = text_of(&out, 2, pages);
	const char *p = strstr(t, "Người thứ 1 ");
	for (int k = 2; p && k <= N; k++) { /* every name, in the list's order */
		char name[32];
		snprintf(name, sizeof name, "Người thứ %d ", k);
		p = strstr(p, name);
	}
	assert_non_null(p);
	free(t);
	buf_reset(&out);
	assert_int_equal(docr_render_docx(m, &out, err, sizeof err), 0);
	/* the DOCX: the header row of the list is one Word repeats on each page */
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(out.data, out.len, 0, &ze);
	zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
	assert_non_null(z);
	zip_stat_t st;
	assert_int_equal(zip_stat(z, "word/document.xml", 0, &st), 0);
	zip_file_t *zf = zip_fopen(z, "word/document.xml", 0);
	char *xml = calloc(1, st.size + 1);
	assert_non_null(zf);
	assert_non_null(xml);
	assert_int_equal(zip_fread(zf, xml, st.size), (zip_int64_t)st.size);
	zip_fclose(zf);
	zip_close(z);
	char *h = strstr(xml, ">Danh hiệu<");
	assert_non_null(h);
	*h = '\0';
	char *row = strrchr(xml, '<');
	while (row > xml && strncmp(row, "<w:tr>", 6) != 0)
		row--;
	assert_true(row > xml && strstr(row, "<w:tblHeader/>") != NULL);
	free(xml);
	buf_free(&out);
	arena_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_table),     cmocka_unit_test(test_model),
	        cmocka_unit_test(test_decider),   cmocka_unit_test(test_certificates),
	        cmocka_unit_test(test_long_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
