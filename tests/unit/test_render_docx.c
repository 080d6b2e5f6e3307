/* DOCX renderer: the package opened with libzip (every part, content types, header
 * relationships), the XML parts parsed by xmllint (libxml2) and queried with XPath for the
 * Decree 30 layout (A4, margins, Quốc hiệu, Số and date on one row, titlePg + PAGE field,
 * Times New Roman 14 pt, justified body with first-line indent, Nơi nhận bold italic,
 * annex table with a repeated header row), and hostile text escaped or stripped with the
 * XML still well-formed. */
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

#include "core/buf.h"
#include "docs/render.h"
#include "docr_fixture.h"

static char tmpdir[] = "/tmp/suotdoi-docx-XXXXXX";

static const char *const parts[] = {
        "[Content_Types].xml", "_rels/.rels",       "word/document.xml",
        "word/styles.xml",     "word/settings.xml", "word/_rels/document.xml.rels",
        "word/header1.xml",    "word/header2.xml",  "docProps/core.xml",
        "docProps/app.xml",
};
#define NPARTS (sizeof parts / sizeof parts[0])

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* A rendered package: each part's bytes (NUL-terminated) and the path it was extracted
 * to under tmpdir/<tag>/. */
typedef struct pkg {
	char *data[NPARTS];
	size_t len[NPARTS];
	char path[NPARTS][512];
} pkg_t;

static void
pkg_free(pkg_t *p)
{
	for (size_t i = 0; i < NPARTS; i++)
		free(p->data[i]);
}

static size_t
part_index(const char *name)
{
	for (size_t i = 0; i < NPARTS; i++)
		if (!strcmp(parts[i], name))
			return i;
	fail_msg("no part %s", name);
	return 0;
}

static const char *
part(const pkg_t *p, const char *name)
{
	return p->data[part_index(name)];
}

static const char *
part_path(const pkg_t *p, const char *name)
{
	return p->path[part_index(name)];
}

/* Opens the archive bytes with libzip, checks every part is there and extracts it. */
static void
unpack(const char *bytes, size_t n, const char *tag, pkg_t *p)
{
	memset(p, 0, sizeof *p);
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(bytes, n, 0, &ze);
	assert_non_null(src);
	zip_t *za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	if (!za)
		fail_msg("zip_open_from_source: %s", zip_error_strerror(&ze));
	assert_int_equal(zip_get_num_entries(za, 0), NPARTS);
	char dir[128];
	snprintf(dir, sizeof dir, "%s/%s", tmpdir, tag);
	char cmd[512];
	snprintf(cmd, sizeof cmd, "mkdir -p '%s/_rels' '%s/word/_rels' '%s/docProps'", dir, dir,
	         dir);
	assert_int_equal(system(cmd), 0);
	for (size_t i = 0; i < NPARTS; i++) {
		zip_stat_t st;
		if (zip_stat(za, parts[i], 0, &st) < 0)
			fail_msg("part %s missing", parts[i]);
		zip_file_t *zf = zip_fopen(za, parts[i], 0);
		assert_non_null(zf);
		p->data[i] = malloc(st.size + 1);
		assert_non_null(p->data[i]);
		assert_int_equal(zip_fread(zf, p->data[i], st.size), (zip_int64_t)st.size);
		p->data[i][st.size] = '\0';
		p->len[i] = st.size;
		zip_fclose(zf);
		/* no NUL inside an XML part */
		assert_int_equal(strlen(p->data[i]), st.size);

		snprintf(p->path[i], sizeof p->path[i], "%s/%s", dir, parts[i]);
		FILE *f = fopen(p->path[i], "wb");
		assert_non_null(f);
		assert_int_equal(fwrite(p->data[i], 1, st.size, f), st.size);
		assert_int_equal(fclose(f), 0);
	}
	zip_close(za); /* also frees src */
}

/* xmllint must parse the file (well-formed XML, valid UTF-8). */
static void
assert_well_formed(const char *path)
{
	char cmd[700];
	snprintf(cmd, sizeof cmd, "xmllint --noout '%s'", path);
	if (system(cmd) != 0)
		fail_msg("%s is not well-formed XML", path);
}

/* Evaluates an XPath expression on a file with xmllint and returns its string value
 * (caller frees). "w:name" steps and "@w:name" / "@r:name" attributes match by local name, so the
 * expressions need no namespace bindings. The expression must not hold a single quote. */
static char *
xpath(const char *path, const char *expr)
{
	buf_t x = BUF_INIT;
	for (const char *s = expr; *s;) {
		int attr = s[0] == '@' && (s[1] == 'w' || s[1] == 'r') && s[2] == ':';
		int elem = s[0] == 'w' && s[1] == ':' &&
		           (s == expr || strchr("/([|=!: ", s[-1]) != NULL);
		if (attr || elem) {
			s += attr ? 3 : 2;
			size_t n = strspn(
			        s,
			        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
			buf_printf(&x, "%s*[local-name()=\"%.*s\"]", attr ? "@" : "", (int)n, s);
			s += n;
		} else {
			buf_putc(&x, *s++);
		}
	}
	assert_null(strchr(expr, '\''));
	buf_t cmd = BUF_INIT;
	buf_printf(&cmd, "xmllint --xpath '%s' '%s' 2>/dev/null", buf_cstr(&x), path);
	FILE *f = popen(buf_cstr(&cmd), "r");
	assert_non_null(f);
	buf_t outb = BUF_INIT;
	char tmp[4096];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_append(&outb, tmp, n);
	pclose(f);
	buf_free(&x);
	buf_free(&cmd);
	while (outb.len && outb.data[outb.len - 1] == '\n')
		outb.data[--outb.len] = '\0';
	return buf_steal(&outb, NULL);
}

/* The failure names the caller's line. */
#define assert_xpath(path, expr, want) assert_xpath_at(path, expr, want, __FILE__, __LINE__)

static void
assert_xpath_at(const char *path, const char *expr, const char *want, const char *file, int line)
{
	char *got = xpath(path, expr);
	int ok = strcmp(got, want) == 0;
	if (!ok)
		print_error("%s\n  want: %s\n  got:  %s\n", expr, want, got);
	free(got);
	if (!ok)
		_fail(file, line);
}

static void
render(const docr_t *d, const char *tag, pkg_t *p)
{
	buf_t out = BUF_INIT;
	char err[256] = "";
	/* the archive is appended after whatever out already holds */
	buf_puts(&out, "prefix");
	if (docr_render_docx(d, &out, err, sizeof err) != 0)
		fail_msg("render: %s", err);
	assert_memory_equal(out.data, "prefix", 6);
	assert_true(out.len > 6 + 22);
	assert_memory_equal(out.data + 6, "PK\x03\x04", 4);
	unpack(out.data + 6, out.len - 6, tag, p);
	buf_free(&out);
	for (size_t i = 0; i < NPARTS; i++)
		assert_well_formed(p->path[i]);
}

static void
test_package(void **state)
{
	(void)state;
	pkg_t p;
	render(docr_fixture_000(), "pkg", &p);
	const char *ct = part_path(&p, "[Content_Types].xml");
	assert_xpath(ct,
	             "string(//*[local-name()=\"Override\"][@PartName=\"/word/document.xml\"]/"
	             "@ContentType)",
	             "application/vnd.openxmlformats-officedocument.wordprocessingml.document."
	             "main+xml");
	assert_xpath(ct, "count(//*[local-name()=\"Override\"])", "7");
	assert_xpath(part_path(&p, "_rels/.rels"),
	             "string(//*[local-name()=\"Relationship\"][contains(@Type,\"officeDocument\")]"
	             "/@Target)",
	             "word/document.xml");
	/* the default header (page 2 on) is header2.xml, the first-page one empty */
	const char *doc = part_path(&p, "word/document.xml");
	const char *rels = part_path(&p, "word/_rels/document.xml.rels");
	char *id = xpath(doc, "string(//w:sectPr/w:headerReference[@w:type=\"default\"]/@r:id)");
	char *first = xpath(doc, "string(//w:sectPr/w:headerReference[@w:type=\"first\"]/@r:id)");
	char expr[300];
	snprintf(expr, sizeof expr,
	         "string(//*[local-name()=\"Relationship\"][@Id=\"%s\"]/@Target)", id);
	assert_xpath(rels, expr, "header2.xml");
	snprintf(expr, sizeof expr,
	         "string(//*[local-name()=\"Relationship\"][@Id=\"%s\"]/@Target)", first);
	assert_xpath(rels, expr, "header1.xml");
	free(id);
	free(first);
	assert_xpath(doc, "count(//w:sectPr/w:titlePg)", "1");
	const char *h2 = part_path(&p, "word/header2.xml");
	assert_xpath(h2, "count(//w:fldSimple[normalize-space(@w:instr)=\"PAGE\"])", "1");
	assert_xpath(h2, "string(//w:p/w:pPr/w:pStyle/@w:val)", "Header");
	const char *h1 = part_path(&p, "word/header1.xml");
	assert_xpath(h1, "count(//w:fldSimple)", "0");
	assert_xpath(h1, "normalize-space(string(/))", "");
	/* core properties */
	const char *core = part_path(&p, "docProps/core.xml");
	assert_xpath(core, "string(//*[local-name()=\"title\"])",
	             "V/v tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2022");
	assert_xpath(core, "string(//*[local-name()=\"creator\"])", "UBND huyện Tiên Lãng");
	char *created = xpath(core, "string(//*[local-name()=\"created\"])");
	assert_int_equal(strlen(created), 20); /* 2022-09-26T08:00:00Z */
	assert_true(created[4] == '-' && created[10] == 'T' && created[19] == 'Z');
	free(created);
	pkg_free(&p);
}

static void
test_layout(void **state)
{
	(void)state;
	pkg_t p;
	const docr_t *d = docr_fixture_000();
	render(d, "layout", &p);
	const char *doc = part_path(&p, "word/document.xml");

	/* A4 and the Decree 30 margins */
	assert_xpath(doc, "string(//w:sectPr/w:pgSz/@w:w)", "11906");
	assert_xpath(doc, "string(//w:sectPr/w:pgSz/@w:h)", "16838");
	assert_xpath(doc, "string(//w:sectPr/w:pgMar/@w:left)", "1701");
	assert_xpath(doc, "string(//w:sectPr/w:pgMar/@w:right)", "1134");
	assert_xpath(doc, "string(//w:sectPr/w:pgMar/@w:top)", "1134");
	assert_xpath(doc, "string(//w:sectPr/w:pgMar/@w:bottom)", "1134");
	assert_xpath(doc, "string(//w:sectPr/w:pgMar/@w:header)", "567");

	/* header block: the first table; Quốc hiệu bold 12 pt, Tiêu ngữ bold 13 pt */
	assert_xpath(doc,
	             "count(//w:body/w:tbl[1]//w:r[w:t=\"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\"]"
	             "[w:rPr/w:b][w:rPr/w:sz/@w:val=\"24\"])",
	             "1");
	assert_xpath(doc,
	             "count(//w:body/w:tbl[1]//w:r[w:t=\"Độc lập - Tự do - Hạnh phúc\"]"
	             "[w:rPr/w:b][w:rPr/w:sz/@w:val=\"26\"])",
	             "1");
	/* the issuing body, bold, its line break kept */
	assert_xpath(doc,
	             "count(//w:body/w:tbl[1]//w:r[w:rPr/w:b][w:t=\"ỦY BAN NHÂN DÂN\"]"
	             "[w:br][w:t=\"HUYỆN TIÊN LÃNG\"])",
	             "1");
	/* two rules (bordered empty paragraphs) in the first row, narrower than their cells */
	assert_xpath(doc, "count(//w:body/w:tbl[1]/w:tr[1]//w:p[w:pPr/w:pBdr/w:bottom])", "2");
	assert_xpath(doc,
	             "count(//w:body/w:tbl[1]/w:tr[1]//w:p[w:pPr/w:pBdr][w:pPr/w:ind/@w:left "
	             "> 500][w:pPr/w:ind/@w:right > 500])",
	             "2");
	/* Số and the place-date on the same row; the date italic 14 pt; V/v under Số */
	assert_xpath(doc,
	             "count(//w:tr[.//w:t=\"Số: 2945/UBND-GDĐT\"]"
	             "[.//w:r[w:rPr/w:i][w:rPr/w:sz/@w:val=\"28\"]"
	             "[w:t=\"Tiên Lãng, ngày 26 tháng 9 năm 2022\"]])",
	             "1");
	assert_xpath(doc,
	             "count(//w:tc[w:p[1]//w:t=\"Số: 2945/UBND-GDĐT\"][w:p[2]//w:t=\"V/v tổ "
	             "chức Tuần lễ hưởng ứng học tập suốt đời năm 2022\"])",
	             "1");
	/* the header table is borderless and fixed; it starts at the left margin (Decree 30:
	 * the V/v line >= 30 mm from the edge, 1701 twips): page margin + tblInd + the left
	 * cell margin, and reaches 170 twips (3 mm) into the right margin only */
	assert_xpath(doc,
	             "string(//w:sectPr/w:pgMar/@w:left + //w:body/w:tbl[1]/w:tblPr/w:tblInd/@w:w"
	             " + sum(//w:body/w:tbl[1]/w:tblPr/w:tblCellMar/w:left/@w:w) >= 1701)",
	             "true");
	assert_xpath(doc, "string(//w:body/w:tbl[1]/w:tblPr/w:tblInd/@w:w)", "0");
	assert_xpath(doc, "string(//w:body/w:tbl[1]/w:tblPr/w:tblW/@w:w)", "9241");
	assert_xpath(doc, "sum(//w:body/w:tbl[1]/w:tblGrid/w:gridCol/@w:w)", "9241");
	assert_xpath(doc, "string(//w:body/w:tbl[1]/w:tblGrid/w:gridCol[1]/@w:w)", "3969");
	assert_xpath(doc, "string(//w:body/w:tbl[1]/w:tblPr/w:tblLayout/@w:type)", "fixed");
	assert_xpath(doc, "count(//w:body/w:tbl[1]/w:tblPr/w:tblBorders/*[@w:val!=\"nil\"])", "0");

	/* Kính gửi with six addressees: the label indented, then "- X" paragraphs where
	 * "Kính gửi: " ends, the dash hanging */
	assert_xpath(doc,
	             "count(//w:body/w:p[normalize-space(.)=\"Kính gửi:\"]"
	             "[w:pPr/w:ind/@w:left > 1000][w:pPr/w:ind/@w:left <= 1701])",
	             "1");
	assert_xpath(doc,
	             "count(//w:body/w:p[starts-with(., \"- \")][w:pPr/w:ind/@w:hanging > 0]"
	             "[w:pPr/w:ind/@w:left - w:pPr/w:ind/@w:hanging = "
	             "preceding-sibling::w:p[normalize-space(.)=\"Kính gửi:\"]/w:pPr/w:ind/"
	             "@w:left + 1125])",
	             "6");
	assert_xpath(doc, "count(//w:body/w:p[.=\"- Phòng Giáo dục và Đào tạo;\"])", "1");

	/* body paragraphs: every paragraph of the fixture, in its style */
	size_t nbody = 0, nh2 = 0;
	for (size_t i = 0; i < d->nparas; i++) {
		if (d->paras[i].style == DR_H2)
			nh2++;
		else
			nbody++;
	}
	for (size_t i = 0; i < d->nannexes; i++)
		nbody += d->annexes[i].nbefore + d->annexes[i].nafter;
	char want[32];
	snprintf(want, sizeof want, "%zu", nbody);
	assert_xpath(doc, "count(//w:body/w:p[w:pPr/w:pStyle/@w:val=\"Body\"])", want);
	snprintf(want, sizeof want, "%zu", nh2);
	assert_xpath(doc, "count(//w:body/w:p[w:pPr/w:pStyle/@w:val=\"H2\"])", want);
	assert_xpath(doc, "count(//w:body/w:p[w:pPr/w:pStyle/@w:val=\"H2\"][.=\"1. Chủ đề\"])",
	             "1");

	/* signature row: Nơi nhận bold italic 12 pt, lines "- X" 11 pt; signer bold */
	assert_xpath(doc,
	             "count(//w:r[w:t=\"Nơi nhận:\"][w:rPr/w:b][w:rPr/w:i]"
	             "[w:rPr/w:sz/@w:val=\"24\"])",
	             "1");
	assert_xpath(doc,
	             "count(//w:tc[w:p[1]=\"Nơi nhận:\"]/w:p[.=\"- Lưu: VT, GDĐT.\"]"
	             "[w:r/w:rPr/w:sz/@w:val=\"22\"])",
	             "1");
	assert_xpath(doc,
	             "count(//w:tr[.//w:t=\"Nơi nhận:\"][w:trPr/w:cantSplit]"
	             "[.//w:r[w:rPr/w:b][w:t=\"Nguyễn Ngọc Huy\"]]"
	             "[.//w:r[w:rPr/w:b][w:t=\"TM. ỦY BAN NHÂN DÂN\"]])",
	             "1");

	/* the annex: a page break, then a bordered table whose header row repeats */
	assert_xpath(doc, "count(//w:p[w:pPr/w:pageBreakBefore][.=\"Phụ lục I\"])", "1");
	assert_xpath(doc, "count(//w:tbl[.//w:tblHeader])", "1");
	assert_xpath(doc,
	             "count(//w:tbl[.//w:tblHeader]/w:tr[1][w:trPr/w:tblHeader]"
	             "[w:tc[2]//w:r[w:rPr/w:b][w:t=\"Đơn vị\"]])",
	             "1");
	snprintf(want, sizeof want, "%d", DOCR_FIXTURE_ANNEX_ROWS + 1);
	assert_xpath(doc, "count(//w:tbl[.//w:tblHeader]/w:tr[w:trPr/w:cantSplit])", want);
	assert_xpath(doc, "string(//w:tbl[.//w:tblHeader]/w:tblPr/w:tblBorders/w:insideH/@w:val)",
	             "single");
	assert_xpath(doc, "string(//w:tbl[.//w:tblHeader]/w:tblPr/w:tblBorders/w:top/@w:sz)", "4");
	/* 12/50/64/34 mm */
	assert_xpath(doc,
	             "concat(//w:tbl[.//w:tblHeader]/w:tblGrid/w:gridCol[1]/@w:w, \",\", "
	             "//w:tbl[.//w:tblHeader]/w:tblGrid/w:gridCol[2]/@w:w, \",\", "
	             "//w:tbl[.//w:tblHeader]/w:tblGrid/w:gridCol[3]/@w:w, \",\", "
	             "//w:tbl[.//w:tblHeader]/w:tblGrid/w:gridCol[4]/@w:w)",
	             "680,2835,3628,1928");
	/* cell lines are paragraphs of the Cell style */
	assert_xpath(doc,
	             "count(//w:tbl[.//w:tblHeader]/w:tr[2]/w:tc[4]/w:p[w:pPr/w:pStyle/"
	             "@w:val=\"Cell\"])",
	             "2");
	assert_xpath(doc,
	             "count(//w:p[.=\"Ghi chú: số người tham gia tính cả các hoạt động trực "
	             "tuyến.\"])",
	             "1");
	/* the last body paragraph (short) keeps with the signature row */
	assert_xpath(doc,
	             "count(//w:body/w:p[w:pPr/w:keepNext][following-sibling::*[1]"
	             "[self::w:tbl][.//w:t=\"Nơi nhận:\"]])",
	             "1");
	/* the body ends with a paragraph, then the section properties */
	assert_xpath(doc, "local-name(//w:body/*[last()-1])", "p");
	assert_xpath(doc, "local-name(//w:body/*[last()])", "sectPr");

	/* styles.xml: Times New Roman 14 pt Vietnamese by default; the Body style */
	const char *st = part_path(&p, "word/styles.xml");
	assert_xpath(st, "string(//w:docDefaults/w:rPrDefault/w:rPr/w:rFonts/@w:ascii)",
	             "Times New Roman");
	assert_xpath(st, "string(//w:docDefaults/w:rPrDefault/w:rPr/w:rFonts/@w:hAnsi)",
	             "Times New Roman");
	assert_xpath(st, "string(//w:docDefaults/w:rPrDefault/w:rPr/w:sz/@w:val)", "28");
	assert_xpath(st, "string(//w:docDefaults/w:rPrDefault/w:rPr/w:lang/@w:val)", "vi-VN");
	assert_xpath(st, "string(//w:style[@w:styleId=\"Body\"]/w:pPr/w:jc/@w:val)", "both");
	assert_xpath(st, "string(//w:style[@w:styleId=\"Body\"]/w:pPr/w:ind/@w:firstLine)", "720");
	assert_xpath(st, "string(//w:style[@w:styleId=\"Body\"]/w:pPr/w:spacing/@w:after)", "120");
	assert_xpath(st, "string(//w:style[@w:styleId=\"Body\"]/w:pPr/w:spacing/@w:line)", "276");
	for (int i = 1; i <= 3; i++) {
		char e[200];
		snprintf(e, sizeof e,
		         "count(//w:style[@w:styleId=\"H%d\"][w:basedOn/@w:val=\"Body\"]"
		         "[w:pPr/w:keepNext][w:rPr/w:b])",
		         i);
		assert_xpath(st, e, "1");
	}
	assert_xpath(st, "count(//w:style[@w:styleId=\"H3\"]/w:rPr/w:i)", "1");
	assert_xpath(st, "string(//w:style[@w:styleId=\"Cell\"]/w:rPr/w:sz/@w:val)", "26");
	/* every style the document uses is defined */
	char *used = xpath(doc, "count(//w:pStyle)");
	assert_true(atoi(used) > 0);
	free(used);
	static const char *const ids[] = {"Body", "H2", "Head", "Cell", "Rule", "Center"};
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		char e[120];
		snprintf(e, sizeof e, "count(//w:style[@w:styleId=\"%s\"])", ids[i]);
		assert_xpath(st, e, "1");
	}
	pkg_free(&p);
}

static void
test_no_annex(void **state)
{
	(void)state;
	pkg_t p;
	render(docr_fixture_000_noannex(), "noannex", &p);
	const char *doc = part_path(&p, "word/document.xml");
	assert_xpath(doc, "count(//w:pageBreakBefore)", "0");
	assert_xpath(doc, "count(//w:tblHeader)", "0");
	assert_xpath(doc, "count(//w:body/w:tbl)", "2");
	/* the signature table is not the last body element */
	assert_xpath(doc, "local-name(//w:body/*[last()-1])", "p");
	pkg_free(&p);
}

/* ---- hostile and edge-case input ---- */

#define LONG_WORD 5000

static char long_word[LONG_WORD + 1];

static void
test_hostile(void **state)
{
	(void)state;
	memset(long_word, 'x', LONG_WORD);
	long_word[LONG_WORD] = '\0';
	static const char evil[] = "a<w:p>b & c\x01"
	                           "d\x1b"
	                           "e";
	static const char quotes[] = "O'Neil \"trích\" </w:t></w:r>";
	static const char invalid[] = "bad \xff\xfe utf8 \xc3";
	docr_run_t runs1[] = {{evil, 1, 0}, {" ", 0, 0}, {long_word, 0, 1}};
	docr_run_t runs2[] = {{quotes, 0, 0}, {invalid, 0, 0}, {"line1\nline2\ttab", 0, 0}};
	docr_run_t runs3[] = {{"]]> <![CDATA[", 0, 0}};
	docr_para_t paras[] = {
	        {DR_H1, runs2, 3},
	        {DR_H3, runs3, 1},
	        {DR_CENTER, runs3, 1},
	        {DR_PARA, runs1, 3},
	};
	const char *kg[] = {"Sở <Giáo dục> & Đào tạo\x02."};
	const char *nn[] = {"Như trên & <khác>;", "Lưu: VT\x7f."};
	const char *sl[] = {"KT. GIÁM ĐỐC <script>"};
	const char *headers[] = {"A & B", "<C>"};
	double widths[] = {80, 80};
	docr_run_t cr[] = {{evil, 0, 0}};
	docr_para_t cl[] = {{DR_PARA, cr, 1}};
	docr_cell_t cells[] = {{cl, 1}, {NULL, 0}};
	docr_table_t table = {2, headers, widths, cells, 1};
	docr_annex_t annex = {"Phụ lục <1>", "T & T", "", NULL, 0, &table, NULL, 0, NULL, 0};
	docr_t d = {
	        .meta_title = evil,
	        .meta_author = quotes,
	        .parent_body = "UBND TỈNH <X> & Y",
	        .body = evil,
	        .number_line = "Số: 1/KH-UBND",
	        .place_date = quotes,
	        .vv = "",
	        .type_name = "KẾ HOẠCH",
	        .subject = evil,
	        .kinh_gui = kg,
	        .nkinh_gui = 1,
	        .paras = paras,
	        .nparas = sizeof paras / sizeof paras[0],
	        .noi_nhan = nn,
	        .nnoi_nhan = 2,
	        .signer_lines = sl,
	        .nsigner_lines = 1,
	        .signer_name = evil,
	        .annexes = &annex,
	        .nannexes = 1,
	};
	pkg_t p;
	render(&d, "hostile", &p); /* every part parsed by xmllint */
	const char *doc = part_path(&p, "word/document.xml");
	const char *raw = part(&p, "word/document.xml");
	/* markup escaped, controls dropped; nothing leaked as elements */
	/* body, subject, paragraph, signer name, table cell */
	assert_xpath(doc, "count(//w:t[.=\"a<w:p>b & cde\"])", "5");
	assert_xpath(doc, "count(//*[local-name()=\"p\"][ancestor::w:t])", "0");
	assert_null(strchr(raw, '\x01'));
	assert_null(strchr(raw, '\x1b'));
	assert_null(strchr(raw, '\x7f'));
	assert_null(strstr(raw, "<script>"));
	assert_non_null(strstr(raw, "O&apos;Neil &quot;trích&quot; &lt;/w:t&gt;&lt;/w:r&gt;"));
	assert_non_null(strstr(raw, "]]&gt; &lt;![CDATA["));
	/* invalid UTF-8 replaced, not passed through */
	assert_non_null(strstr(raw, "bad \xEF\xBF\xBD\xEF\xBF\xBD utf8 \xEF\xBF\xBD"));
	/* too long to keep with the signature row (LibreOffice would move all of it) */
	assert_xpath(doc,
	             "count(//w:body/w:p[w:pPr/w:keepNext][following-sibling::*[1]"
	             "[self::w:tbl][.//w:t=\"Nơi nhận:\"]])",
	             "0");
	/* the 5,000-character word intact, italic, spaces preserved */
	assert_xpath(doc, "count(//w:r[w:rPr/w:i][w:t[string-length(.)=5000]])", "1");
	assert_xpath(doc, "count(//w:t[.=\" \"][@xml:space=\"preserve\"])", "1");
	/* newline and tab */
	assert_xpath(doc, "count(//w:r[w:t=\"line1\"][w:br][w:t=\"line2\"][w:tab][w:t=\"tab\"])",
	             "1");
	/* one addressee: on the Kính gửi line, centred */
	assert_xpath(doc,
	             "count(//w:p[.=\"Kính gửi: Sở <Giáo dục> & Đào tạo.\"]"
	             "[w:pPr/w:pStyle/@w:val=\"Head\"])",
	             "1");
	/* title block: type name and subject bold, then a rule */
	assert_xpath(doc,
	             "count(//w:body/w:p[.=\"KẾ HOẠCH\"][w:r/w:rPr/w:b]"
	             "[following-sibling::w:p[1][.=\"a<w:p>b & cde\"]]"
	             "[following-sibling::w:p[2][w:pPr/w:pBdr/w:bottom]])",
	             "1");
	assert_xpath(doc, "count(//w:p[.=\"UBND TỈNH <X> & Y\"])", "1");
	/* the empty cell still holds a paragraph */
	assert_xpath(doc, "count(//w:tc[not(w:p)])", "0");
	assert_xpath(doc, "count(//w:tbl[.//w:tblHeader]//w:tc)", "4");
	assert_xpath(part_path(&p, "docProps/core.xml"), "string(//*[local-name()=\"title\"])",
	             "a<w:p>b & cde");
	pkg_free(&p);
}

/* Everything empty: still a valid package, and never two tables back to back (Word
 * would merge them). */
static void
test_minimal(void **state)
{
	(void)state;
	docr_t d = {
	        .meta_title = "",
	        .meta_author = "",
	        .parent_body = "",
	        .body = "",
	        .number_line = "",
	        .place_date = "",
	        .vv = "",
	        .type_name = "",
	        .subject = "",
	        .signer_name = "",
	};
	pkg_t p;
	render(&d, "minimal", &p);
	const char *doc = part_path(&p, "word/document.xml");
	assert_xpath(doc, "count(//w:body/w:tbl)", "2");
	assert_xpath(doc, "count(//w:body/w:tbl[following-sibling::*[1][self::w:tbl]])", "0");
	assert_xpath(doc, "count(//w:tc[not(w:p)])", "0");
	assert_xpath(doc, "count(//w:t[.=\"Nơi nhận:\"])", "0");
	pkg_free(&p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_package),  cmocka_unit_test(test_layout),
	        cmocka_unit_test(test_no_annex), cmocka_unit_test(test_hostile),
	        cmocka_unit_test(test_minimal),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
