/* Unit tests for src/docs/render_pdf.c: the seed-000 công văn (tests/unit/docr_fixture.c)
 * rendered to PDF and read back with poppler-utils (pdfinfo, pdftotext -bbox/-layout,
 * pdffonts) to check the Decree 30 layout by word positions; plus a long document,
 * hostile text, and renders from several threads at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "docr_fixture.h"
#include "docs/render.h"

/* LeakSanitizer cannot follow fontconfig's pointers: an FcPattern keeps its elements as
 * offsets from itself, so the patterns pango and cairo cache for the life of the process
 * (the font map, cairo's font-face cache) look leaked. Allocations made inside fontconfig
 * are not ours; everything else stays checked. */
const char *__lsan_default_suppressions(void);
const char *
__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

#define A4_W 595.28
#define A4_H 841.89
#define MM (72.0 / 25.4)

/* Removes a rendered file, unless RENDER_PDF_KEEP is set (then says where it is, to look
 * at it: pdftoppm -r 60 -png FILE page). */
static void
done_with(char *path)
{
	if (getenv("RENDER_PDF_KEEP"))
		fprintf(stderr, "kept %s\n", path);
	else
		unlink(path);
	free(path);
}

/* Renders d into a new temporary file; returns its path (done_with() it). */
static char *
render_to_file(const docr_t *d)
{
	buf_t b = BUF_INIT;
	char err[256] = "";
	int rc = docr_render_pdf(d, &b, err, sizeof err);
	if (rc != 0)
		fprintf(stderr, "docr_render_pdf: %s\n", err);
	assert_int_equal(rc, 0);
	assert_true(b.len > 1000);
	assert_memory_equal(b.data, "%PDF-", 5);
	char *path = strdup("/tmp/suotdoi-test-pdf-XXXXXX.pdf");
	assert_non_null(path);
	int fd = mkstemps(path, 4);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, b.data, b.len), (ssize_t)b.len);
	close(fd);
	buf_free(&b);
	return path;
}

/* Runs "tool args path" and returns its standard output (free it). */
static char *
run(const char *tool, const char *args, const char *path)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "%s %s '%s' %s 2>/dev/null", tool, args, path,
	         strcmp(tool, "pdffonts") && strcmp(tool, "pdfinfo") ? "-" : "");
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	buf_t b = BUF_INIT;
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&b, chunk, n);
	int st = pclose(f);
	if (st != 0)
		fprintf(stderr, "%s failed (is poppler-utils installed?)\n", cmd);
	assert_int_equal(st, 0);
	return buf_steal(&b, NULL);
}

/* s with every run of white space made one space (pdftotext -layout pads columns). */
static char *
squeeze(const char *s)
{
	buf_t b = BUF_INIT;
	int sp = 0;
	for (; *s; s++) {
		if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\f') {
			sp = 1;
			continue;
		}
		if (sp && b.len)
			buf_putc(&b, ' ');
		sp = 0;
		buf_putc(&b, *s);
	}
	return buf_steal(&b, NULL);
}

/* s without any white space (a long word wraps over many lines). */
static char *
strip_space(const char *s)
{
	buf_t b = BUF_INIT;
	for (; *s; s++)
		if (*s != ' ' && *s != '\n' && *s != '\t' && *s != '\f')
			buf_putc(&b, *s);
	return buf_steal(&b, NULL);
}

/* --- words from pdftotext -bbox ------------------------------------------------------- */

typedef struct word {
	int page; /* 1-based */
	double x0, y0, x1, y1;
	char text[128];
} word_t;

typedef struct words {
	word_t *w;
	size_t n;
	int pages;
} words_t;

static words_t
read_words(const char *path)
{
	char *out = run("pdftotext", "-bbox", path);
	words_t ws = {0};
	size_t cap = 0;
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		if (strstr(line, "<page ")) {
			ws.pages++;
			continue;
		}
		char *p = strstr(line, "<word ");
		if (!p)
			continue;
		word_t w = {.page = ws.pages};
		assert_int_equal(sscanf(p,
		                        "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\"",
		                        &w.x0, &w.y0, &w.x1, &w.y1),
		                 4);
		char *t = strchr(p, '>');
		assert_non_null(t);
		t++;
		char *e = strstr(t, "</word>");
		assert_non_null(e);
		size_t len = (size_t)(e - t);
		if (len >= sizeof w.text)
			len = sizeof w.text - 1;
		memcpy(w.text, t, len);
		w.text[len] = '\0';
		if (ws.n == cap) {
			cap = cap ? cap * 2 : 256;
			ws.w = realloc(ws.w, cap * sizeof *ws.w);
			assert_non_null(ws.w);
		}
		ws.w[ws.n++] = w;
	}
	free(out);
	return ws;
}

/* The first word on page (0: any) equal to text, optionally right of xmin. */
static const word_t *
find_word(const words_t *ws, int page, const char *text, double xmin)
{
	for (size_t i = 0; i < ws->n; i++)
		if ((!page || ws->w[i].page == page) && strcmp(ws->w[i].text, text) == 0 &&
		    ws->w[i].x0 >= xmin)
			return &ws->w[i];
	return NULL;
}

static int
pdfinfo_pages(const char *info)
{
	const char *p = strstr(info, "Pages:");
	assert_non_null(p);
	return atoi(p + 6);
}

/* --- seed 000 ------------------------------------------------------------------------- */

static void
test_seed000_layout(void **state)
{
	(void)state;
	char *path = render_to_file(docr_fixture_000());

	/* A4, several pages, the metadata. */
	char *info = run("pdfinfo", "", path);
	double w = 0, h = 0;
	const char *ps = strstr(info, "Page size:");
	assert_non_null(ps);
	assert_int_equal(sscanf(ps, "Page size: %lf x %lf", &w, &h), 2);
	assert_true(fabs(w - A4_W) < 0.5);
	assert_true(fabs(h - A4_H) < 0.5);
	int pages = pdfinfo_pages(info);
	assert_true(pages >= 5);
	assert_non_null(strstr(info, "V/v tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2022"));
	assert_non_null(strstr(info, "UBND huyện Tiên Lãng"));
	assert_non_null(strstr(info, "suotdoi"));
	free(info);

	/* The text. */
	char *raw = run("pdftotext", "-layout", path);
	char *txt = squeeze(raw);
	free(raw);
	static const char *const want[] = {
	        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
	        "Độc lập - Tự do - Hạnh phúc",
	        "Số: 2945/UBND-GDĐT",
	        "Tiên Lãng, ngày 26 tháng 9 năm 2022",
	        "Kính gửi:",
	        "- Hiệu trưởng các trường Mầm non, Tiểu học, THCS.",
	        "Nơi nhận:",
	        "- Lưu: VT, GDĐT.",
	        "TM. ỦY BAN NHÂN DÂN",
	        "Nguyễn Ngọc Huy",
	        "Phụ lục I",
	        "Hội Khuyến học thành phố./.",
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		if (!strstr(txt, want[i]))
			fprintf(stderr, "missing from the PDF text: %s\n", want[i]);
		assert_non_null(strstr(txt, want[i]));
	}
	free(txt);

	words_t ws = read_words(path);
	assert_int_equal(ws.pages, pages);

	/* Header: Quốc hiệu on the right, the number and the place-date on one row. */
	const word_t *qh = find_word(&ws, 1, "CỘNG", 0);
	assert_non_null(qh);
	assert_true(qh->x0 > 250);
	const word_t *so = find_word(&ws, 1, "Số:", 0);
	const word_t *place = find_word(&ws, 1, "Tiên", 250);
	assert_non_null(so);
	assert_non_null(place);
	assert_true(so->x1 < 250);
	assert_true(fabs(so->y0 - place->y0) < 3);
	assert_true(fabs(so->y1 - place->y1) < 3);
	assert_true(so->y0 > qh->y1); /* under the Quốc hiệu row */

	/* Margins: body text starts at 30 mm; nothing passes 210 - 20 mm; nothing above
	 * the top margin on page 1 (no page number there). */
	double minx2 = 1e9;
	for (size_t i = 0; i < ws.n; i++) {
		const word_t *wd = &ws.w[i];
		if (wd->x1 > (210 - 20) * MM + 0.5)
			fprintf(stderr, "word past the right margin on page %d: %s (%.1f)\n",
			        wd->page, wd->text, wd->x1);
		assert_true(wd->x1 <= (210 - 20) * MM + 0.5);
		assert_true(wd->x0 >= 30 * MM - 0.5);
		assert_true(wd->y1 <= (297 - 20) * MM + 3);
		if (wd->page == 1)
			assert_true(wd->y0 > 50);
		if (wd->page == 2 && wd->x0 < minx2)
			minx2 = wd->x0;
	}
	assert_true(fabs(minx2 - 30 * MM) < 3);

	/* Page numbers from page 2 on, centred in the top margin. */
	for (int pg = 2; pg <= pages; pg++) {
		char num[16];
		snprintf(num, sizeof num, "%d", pg);
		const word_t *n = find_word(&ws, pg, num, 0);
		assert_non_null(n);
		assert_true(n->y0 < 57);
		assert_true(fabs((n->x0 + n->x1) / 2 - (30 + 80) * MM) < 5);
	}

	/* The signature row: Nơi nhận on the left, the signer on the right below it. */
	const word_t *nn = find_word(&ws, 0, "Nơi", 0);
	const word_t *name = find_word(&ws, 0, "Huy", 300);
	assert_non_null(nn);
	assert_non_null(name);
	assert_int_equal(nn->page, name->page);
	assert_true(nn->x0 < 100);
	assert_true(name->y0 > nn->y1 + 20 * MM);

	/* The annex starts a page; its table header repeats on the next page, at the top. */
	const word_t *pl = find_word(&ws, 0, "Phụ", 0);
	assert_non_null(pl);
	int stt_pages = 0;
	for (int pg = pl->page; pg <= pages; pg++) {
		const word_t *stt = find_word(&ws, pg, "STT", 0);
		if (!stt)
			continue;
		stt_pages++;
		if (pg > pl->page)
			assert_true(stt->y0 < 20 * MM + 12);
	}
	assert_true(stt_pages >= 2);
	for (size_t i = 0; i < ws.n; i++)
		if (ws.w[i].page < pl->page)
			assert_null(strstr(ws.w[i].text, "STT"));
	/* Every row number of the table is there once. */
	for (int r = 1; r <= DOCR_FIXTURE_ANNEX_ROWS; r++) {
		char num[16];
		snprintf(num, sizeof num, "%d", r);
		int found = 0;
		for (size_t i = 0; i < ws.n; i++)
			if (ws.w[i].page >= pl->page && strcmp(ws.w[i].text, num) == 0 &&
			    ws.w[i].x0 < 30 * MM + 12 * MM && ws.w[i].y0 > 57)
				found++;
		assert_int_equal(found, 1);
	}
	free(ws.w);

	/* Fonts: Times New Roman or Liberation Serif only, embedded. */
	char *fonts = run("pdffonts", "", path);
	int nfonts = 0;
	char *save = NULL;
	for (char *line = strtok_r(fonts, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "name", 4) == 0 || strncmp(line, "----", 4) == 0)
			continue;
		nfonts++;
		if (!strstr(line, "LiberationSerif") && !strstr(line, "TimesNewRoman"))
			fprintf(stderr,
			        "unexpected font: %s\n(a fallback font means Liberation Serif "
			        "lacks "
			        "Vietnamese letters: install fonts-liberation2, 1.07 has none)\n",
			        line);
		assert_true(strstr(line, "LiberationSerif") || strstr(line, "TimesNewRoman"));
		assert_non_null(strstr(line, " yes "));
	}
	assert_true(nfonts >= 3);
	free(fonts);

	done_with(path);
}

static void
test_seed000_without_annex(void **state)
{
	(void)state;
	char *path = render_to_file(docr_fixture_000_noannex());
	char *info = run("pdfinfo", "", path);
	int pages = pdfinfo_pages(info);
	assert_true(pages >= 2 && pages <= 4);
	free(info);
	char *raw = run("pdftotext", "-layout", path);
	assert_null(strstr(raw, "Phụ lục"));
	free(raw);
	done_with(path);
}

/* --- long and hostile documents ------------------------------------------------------- */

static void
test_many_paragraphs(void **state)
{
	(void)state;
	enum { N = 2000 };
	docr_t d = *docr_fixture_000_noannex();
	docr_para_t *paras = calloc(N, sizeof *paras);
	docr_run_t *runs = calloc(N, sizeof *runs);
	assert_non_null(paras);
	assert_non_null(runs);
	for (size_t i = 0; i < N; i++) {
		runs[i] = (docr_run_t){d.paras[i % d.nparas].runs[0].text, i % 7 == 3, i % 11 == 5};
		paras[i] = (docr_para_t){(docr_style_t)(i % 17 == 0 ? DR_H1 : i % 5), &runs[i], 1};
	}
	d.paras = paras;
	d.nparas = N;
	char *path = render_to_file(&d);
	char *info = run("pdfinfo", "", path);
	assert_true(pdfinfo_pages(info) > 10);
	free(info);
	done_with(path);
	free(paras);
	free(runs);
}

static void
test_hostile_text(void **state)
{
	(void)state;
	/* A 5,000-character word (1,250 × "Việt"), markup-looking text, an empty run. */
	buf_t big = BUF_INIT;
	for (int i = 0; i < 1250; i++)
		buf_puts(&big, "Việt");
	const char *markup = "<b>&amp; <i>x</i> </span> & < >";
	docr_run_t runs[] = {{markup, 1, 0}, {"", 0, 1}, {" ", 0, 0}, {big.data, 0, 1}};
	docr_para_t paras[] = {
	        {DR_PARA, runs, 4},
	        {DR_H3, &runs[0], 1},
	        {DR_CENTER, &runs[3], 1},
	        {DR_PARA, NULL, 0},
	};
	/* A long word in a narrow cell: one row taller than a page. */
	buf_t cellw = BUF_INIT;
	for (int i = 0; i < 200; i++)
		buf_puts(&cellw, "Đường");
	docr_run_t crun[] = {{cellw.data, 0, 0}, {markup, 1, 0}};
	docr_para_t cl[] = {{DR_PARA, &crun[0], 1}, {DR_CENTER, &crun[1], 1}};
	docr_cell_t cells[] = {{cl, 1}, {&cl[1], 1}, {NULL, 0}, {cl, 2}, {cl, 1}, {&cl[1], 1}};
	const char *headers[] = {markup, "", "Cột ba"};
	const double widths[] = {12, 100, 48};
	docr_table_t tb = {3, headers, widths, cells, 2};
	docr_annex_t annex = {markup, big.data, "", paras, 1, &tb, NULL, 0, NULL, 0};
	const char *kg[] = {markup};
	const char *nn[] = {markup, big.data};
	const char *sl[] = {markup};
	docr_t d = {
	        .meta_title = markup,
	        .meta_author = "",
	        .parent_body = markup,
	        .body = big.data,
	        .number_line = markup,
	        .place_date = big.data,
	        .vv = markup,
	        .type_name = markup,
	        .subject = big.data,
	        .kinh_gui = kg,
	        .nkinh_gui = 1,
	        .paras = paras,
	        .nparas = 4,
	        .noi_nhan = nn,
	        .nnoi_nhan = 2,
	        .signer_lines = sl,
	        .nsigner_lines = 1,
	        .signer_name = "",
	        .annexes = &annex,
	        .nannexes = 1,
	};
	char *path = render_to_file(&d);
	/* Below the top margin, so the page numbers do not cut the long words. */
	char *raw = run("pdftotext", "-x 0 -y 57 -W 596 -H 785", path);
	char *flat = strip_space(raw);
	assert_non_null(strstr(raw, "<b>&amp; <i>x</i> </span> & < >"));
	assert_non_null(strstr(flat, big.data));
	/* The cell's word is cut over pages, where the repeated header and the neighbouring
	 * cells come between its pieces in the text: count its syllables instead. */
	int syl = 0;
	for (const char *q = flat; (q = strstr(q, "Đường")); q++)
		syl++;
	assert_true(syl >= 195);
	free(flat);
	free(raw);

	/* Nothing overflows the right margin, not even the long words. */
	words_t ws = read_words(path);
	for (size_t i = 0; i < ws.n; i++)
		assert_true(ws.w[i].x1 <= (210 - 20) * MM + 0.5);
	free(ws.w);
	done_with(path);

	/* Invalid UTF-8 is replaced, not refused. */
	const char bad[] = {'a', (char)0xC3, (char)0x28, 'b', (char)0xFF, 0};
	docr_run_t br = {bad, 0, 0};
	docr_para_t bp = {DR_PARA, &br, 1};
	docr_t d2 = {.meta_title = bad,
	             .meta_author = bad,
	             .parent_body = bad,
	             .body = "",
	             .number_line = "",
	             .place_date = "",
	             .vv = "",
	             .type_name = "",
	             .subject = "",
	             .paras = &bp,
	             .nparas = 1,
	             .signer_name = bad};
	path = render_to_file(&d2);
	done_with(path);

	buf_free(&big);
	buf_free(&cellw);
}

static void
test_empty_document(void **state)
{
	(void)state;
	docr_t d = {.meta_title = "",
	            .meta_author = "",
	            .parent_body = "",
	            .body = "",
	            .number_line = "",
	            .place_date = "",
	            .vv = "",
	            .type_name = "",
	            .subject = "",
	            .signer_name = ""};
	char *path = render_to_file(&d);
	char *info = run("pdfinfo", "", path);
	assert_int_equal(pdfinfo_pages(info), 1);
	free(info);
	done_with(path);

	char err[64] = "";
	buf_t b = BUF_INIT;
	assert_int_equal(docr_render_pdf(NULL, &b, err, sizeof err), -1);
	assert_true(strlen(err) > 0);
	assert_int_equal(b.len, 0);
}

/* The server renders from several threads at once. */
static void *
render_thread(void *arg)
{
	(void)arg;
	for (int i = 0; i < 3; i++) {
		buf_t b = BUF_INIT;
		char err[128];
		if (docr_render_pdf(docr_fixture_000(), &b, err, sizeof err) != 0 || b.len < 1000)
			return (void *)1;
		buf_free(&b);
	}
	return NULL;
}

static void
test_threads(void **state)
{
	(void)state;
	pthread_t th[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, render_thread, NULL), 0);
	for (int i = 0; i < 4; i++) {
		void *rv = (void *)1;
		assert_int_equal(pthread_join(th[i], &rv), 0);
		assert_null(rv);
	}
}

int
main(int argc, char **argv)
{
	/* GLib 2.74's slice allocator would hide a leaked layout from LeakSanitizer; it reads
	 * G_SLICE when the library loads, so set it and start again. */
	(void)argc;
	if (!getenv("G_SLICE")) {
		setenv("G_SLICE", "always-malloc", 1);
		execv("/proc/self/exe", argv);
	}
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_seed000_layout),
	        cmocka_unit_test(test_seed000_without_annex),
	        cmocka_unit_test(test_many_paragraphs),
	        cmocka_unit_test(test_hostile_text),
	        cmocka_unit_test(test_empty_document),
	        cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
