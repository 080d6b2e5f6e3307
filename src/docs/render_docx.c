/* DOCX renderer: the Decree 30/2020/NĐ-CP layout of render.h written as hand-made
 * WordprocessingML parts, zipped in memory with libzip (no temporary file).
 *
 * The layout is built from tables and paragraphs only, so Word and LibreOffice show the
 * same thing: a borderless two-column table holds the header block (issuing body |
 * Quốc hiệu, Tiêu ngữ; then Số | place and date on one row), another one the signature
 * row (Nơi nhận | authority, name). The short rules under the body and the Tiêu ngữ are
 * empty paragraphs with a bottom border, narrowed by left and right indents. Body text
 * uses the paragraph styles of styles.xml (Body, H1, H2, H3, Center, Cell) so an edit in
 * Word keeps the formatting. Page numbers: header2.xml (a PAGE field) from page 2 on,
 * an empty header1.xml on page 1 (titlePg). */
#include "docs/render.h"
#include "export/phuluc.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zip.h>

#include "core/log.h"
#include "core/mem.h"

/* Geometry in twips (1/20 pt; 1 mm = 1440 / 25.4 = 56.7 twips). */
#define TW(mm) ((int)lround((mm)*1440.0 / 25.4))
#define PAGE_W TW(DOCR_PAGE_W_MM)                           /* 11906 */
#define PAGE_H TW(DOCR_PAGE_H_MM)                           /* 16838 */
#define MARGIN_TOP TW(DOCR_MARGIN_TOP_MM)                   /* 1134 */
#define MARGIN_BOTTOM TW(DOCR_MARGIN_BOTTOM_MM)             /* 1134 */
#define MARGIN_LEFT TW(DOCR_MARGIN_LEFT_MM)                 /* 1701 */
#define MARGIN_RIGHT TW(DOCR_MARGIN_RIGHT_MM)               /* 1134 */
#define HEADER_DIST 567                                     /* page number 10 mm from the top */
#define TEXT_W (PAGE_W - MARGIN_LEFT - MARGIN_RIGHT)        /* 9071 */
#define INDENT TW(DOCR_INDENT_MM)                           /* 720 */
#define PARA_AFTER ((int)lround(DOCR_PARA_SPACE_PT * 20.0)) /* 120 */
#define BODY_HPS ((int)lround(DOCR_BODY_PT * 2.0))          /* 28 half-points */

/* The header block: left column (issuing body, Số, V/v) and right column (Quốc hiệu,
 * Tiêu ngữ, place and date). The table starts at the left margin (tblInd 0, zero cell
 * margins: the text of the left column begins 30 mm from the edge, as Decree 30 wants),
 * its left column 70 mm as in the PDF; the right column reaches 3 mm into the right
 * margin (17 mm left, Decree 30 allows 15-20 mm) so that "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT
 * NAM" (bold 12 pt: 5085 twips) stays on one line with room to spare. A body name too wide
 * for 13 pt ("PHÒNG GIÁO DỤC VÀ ĐÀO TẠO": 4065 twips) steps down to 12 pt (3752 twips),
 * as the PDF does. */
#define HEAD_IND 0
#define HEAD_LEFT_W TW(70.0)                      /* 3969 */
#define HEAD_RIGHT_W (TEXT_W + 170 - HEAD_LEFT_W) /* 5272 */
/* "Độc lập - Tự do - Hạnh phúc" in bold 13 pt (Times New Roman / Liberation Serif). */
#define MOTTO_W 3380
/* Average advances in twips, to size the rule under the issuing body and to step a line
 * down to a smaller size when it would wrap: an upper-case letter in bold 13 pt
 * ("PHÒNG GIÁO DỤC VÀ ĐÀO TẠO": 25 characters, 4065 twips) and a character of the
 * italic 14 pt place-date line (36 characters, 4305 twips). */
#define BODY_CHAR_W 168
#define DATE_CHAR_W 122
/* Average advance of a bold 14 pt character of a subject line. */
#define SUBJECT_CHAR_W 130

/* Signature row: "Nơi nhận:" on the left, the signer block centred on the right. */
#define SIGN_LEFT_W 4082
#define SIGN_RIGHT_W (TEXT_W - SIGN_LEFT_W)

/* Kính gửi with several addressees: "Kính gửi:" 30 mm in, the list under it where
 * "Kính gửi: " ends (1125 twips in 14 pt), each line "- …" (the dash 165 twips) with
 * wrapped lines hanging under the text; further left when the longest addressee
 * (about 120 twips a character) would otherwise wrap. As in render_pdf.c. */
#define KG_LABEL_IND 1701
#define KG_LABEL_W 1125
#define KG_DASH_W 165
#define KG_CHAR_W 120

#define NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG_REL "http://schemas.openxmlformats.org/package/2006/relationships"
#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

static const char QUOC_HIEU[] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
static const char TIEU_NGU[] = "Độc lập - Tự do - Hạnh phúc";

static void
set_err(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
}

/* ---- text ---- */

/* Decodes one UTF-8 sequence of s[0..n) (n >= 1) into *cp and returns its length;
 * an invalid, overlong or surrogate sequence yields U+FFFD and length 1. */
static size_t
utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t v, min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		len = 2, v = c & 0x1F, min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3, v = c & 0x0F, min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		*cp = 0xFFFD;
		return 1;
	}
	if (len > n) {
		*cp = 0xFFFD;
		return 1;
	}
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			*cp = 0xFFFD;
			return 1;
		}
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
		*cp = 0xFFFD;
		return 1;
	}
	*cp = v;
	return len;
}

/* Appends s[0..n) as XML character data: & < > " ' escaped; characters XML 1.0 forbids
 * or that mean nothing in a document (C0 and C1 controls but tab and newline, U+FFFE,
 * U+FFFF) dropped; invalid UTF-8 replaced by U+FFFD. */
static void
put_esc_n(buf_t *b, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, start = 0;
	while (i < n) {
		uint32_t cp;
		size_t len = utf8_next(u + i, n - i, &cp);
		const char *rep = NULL;
		int drop = 0;
		switch (cp) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&apos;"; break;
		case 0xFFFD: rep = len == 1 ? "\xEF\xBF\xBD" : NULL; break;
		default:
			drop = (cp < 0x20 && cp != '\t' && cp != '\n') ||
			       (cp >= 0x7F && cp <= 0x9F) || cp == 0xFFFE || cp == 0xFFFF;
		}
		if (rep || drop) {
			buf_append(b, s + start, i - start);
			if (rep)
				buf_puts(b, rep);
			start = i + len;
		}
		i += len;
	}
	buf_append(b, s + start, n - start);
}

static void
put_esc(buf_t *b, const char *s)
{
	if (s)
		put_esc_n(b, s, strlen(s));
}

/* The number of characters of the longest '\n'-separated line of s. */
static size_t
longest_line(const char *s)
{
	size_t best = 0, cur = 0;
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '\n') {
			cur = 0;
			continue;
		}
		if ((*p & 0xC0) != 0x80 && ++cur > best)
			best = cur;
	}
	return best;
}

/* The estimated width in twips of the longest line of s at per_char twips a character
 * (capped: only compared with page widths). */
static int
est_width(const char *s, int per_char)
{
	size_t n = longest_line(s);
	return (int)(n > 1000 ? 1000 : n) * per_char;
}

/* ---- runs and paragraphs ---- */

/* Run properties: bold, italic, size in half-points (0: the style's). */
static void
put_rpr(buf_t *b, int bold, int italic, int hps)
{
	if (!bold && !italic && !hps)
		return;
	buf_puts(b, "<w:rPr>");
	if (bold)
		buf_puts(b, "<w:b/><w:bCs/>");
	if (italic)
		buf_puts(b, "<w:i/><w:iCs/>");
	if (hps)
		buf_printf(b, "<w:sz w:val=\"%d\"/><w:szCs w:val=\"%d\"/>", hps, hps);
	buf_puts(b, "</w:rPr>");
}

/* A run of text; '\n' becomes a line break and '\t' a tab. */
static void
put_run(buf_t *b, const char *text, int bold, int italic, int hps)
{
	buf_puts(b, "<w:r>");
	put_rpr(b, bold, italic, hps);
	const char *s = text ? text : "";
	for (;;) {
		size_t n = strcspn(s, "\n\t");
		if (n) {
			buf_puts(b, "<w:t xml:space=\"preserve\">");
			put_esc_n(b, s, n);
			buf_puts(b, "</w:t>");
		}
		if (!s[n])
			break;
		buf_puts(b, s[n] == '\n' ? "<w:br/>" : "<w:tab/>");
		s += n + 1;
	}
	buf_puts(b, "</w:r>");
}

/* Opens a paragraph with style (NULL: Normal) and further pPr children (in schema order:
 * keepNext, pageBreakBefore, pBdr, spacing, ind, jc) given as markup. */
static void
p_open(buf_t *b, const char *style, const char *ppr)
{
	buf_puts(b, "<w:p>");
	if (!style && !(ppr && *ppr))
		return;
	buf_puts(b, "<w:pPr>");
	if (style)
		buf_printf(b, "<w:pStyle w:val=\"%s\"/>", style);
	if (ppr)
		buf_puts(b, ppr);
	buf_puts(b, "</w:pPr>");
}

static void
p_close(buf_t *b)
{
	buf_puts(b, "</w:p>");
}

/* A paragraph of one run. */
static void
put_p(buf_t *b, const char *style, const char *ppr, const char *text, int bold, int italic, int hps)
{
	p_open(b, style, ppr);
	if (text && *text)
		put_run(b, text, bold, italic, hps);
	p_close(b);
}

/* A short horizontal rule of width w centred in a space of width avail: an empty
 * paragraph with a bottom border, narrowed by equal indents. */
static void
put_rule(buf_t *b, int avail, int w, const char *spacing)
{
	if (w > avail)
		w = avail;
	int ind = (avail - w) / 2;
	buf_printf(b,
	           "<w:p><w:pPr><w:pStyle w:val=\"Rule\"/><w:pBdr><w:bottom w:val=\"single\" "
	           "w:sz=\"6\" w:space=\"1\" w:color=\"auto\"/></w:pBdr>%s<w:ind w:left=\"%d\" "
	           "w:right=\"%d\"/></w:pPr></w:p>",
	           spacing ? spacing : "", ind, ind);
}

static const char *
style_id(docr_style_t s)
{
	switch (s) {
	case DR_H1: return "H1";
	case DR_H2: return "H2";
	case DR_H3: return "H3";
	case DR_CENTER: return "Center";
	case DR_PARA: break;
	}
	return "Body";
}

static void
put_runs(buf_t *b, const docr_para_t *p, int hps)
{
	for (size_t i = 0; i < p->nruns; i++)
		put_run(b, p->runs[i].text, p->runs[i].bold, p->runs[i].italic, hps);
}

/* The number of characters of a paragraph. */
static size_t
para_chars(const docr_para_t *p)
{
	size_t n = 0;
	for (size_t i = 0; i < p->nruns; i++)
		for (const unsigned char *s = (const unsigned char *)p->runs[i].text; s && *s; s++)
			n += (*s & 0xC0) != 0x80;
	return n;
}

static void
put_para(buf_t *b, const docr_para_t *p, int keep_next)
{
	p_open(b, style_id(p->style), keep_next ? "<w:keepNext/>" : NULL);
	put_runs(b, p, 0);
	p_close(b);
}

static void
put_paras(buf_t *b, const docr_para_t *ps, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put_para(b, &ps[i], 0);
}

/* ---- tables ---- */

/* Opens a borderless table of two columns (fixed layout, no cell margins) indented by
 * ind twips from the left margin. */
static void
tbl_open_plain(buf_t *b, int ind, int w1, int w2)
{
	buf_printf(b,
	           "<w:tbl><w:tblPr><w:tblW w:w=\"%d\" w:type=\"dxa\"/>"
	           "<w:tblInd w:w=\"%d\" w:type=\"dxa\"/><w:tblBorders>"
	           "<w:top w:val=\"nil\"/><w:left w:val=\"nil\"/><w:bottom w:val=\"nil\"/>"
	           "<w:right w:val=\"nil\"/><w:insideH w:val=\"nil\"/><w:insideV w:val=\"nil\"/>"
	           "</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar>"
	           "<w:left w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"0\" w:type=\"dxa\"/>"
	           "</w:tblCellMar><w:tblLook w:val=\"0000\" w:firstRow=\"0\" w:lastRow=\"0\" "
	           "w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/>"
	           "</w:tblPr><w:tblGrid><w:gridCol w:w=\"%d\"/><w:gridCol w:w=\"%d\"/>"
	           "</w:tblGrid>",
	           w1 + w2, ind, w1, w2);
}

static void
tc_open(buf_t *b, int w, const char *valign)
{
	buf_printf(b, "<w:tc><w:tcPr><w:tcW w:w=\"%d\" w:type=\"dxa\"/>", w);
	if (valign)
		buf_printf(b, "<w:vAlign w:val=\"%s\"/>", valign);
	buf_puts(b, "</w:tcPr>");
}

/* ---- the document parts ---- */

static void
put_header_block(buf_t *b, const docr_t *d)
{
	tbl_open_plain(b, HEAD_IND, HEAD_LEFT_W, HEAD_RIGHT_W);

	/* Row 1: parent body and issuing body | Quốc hiệu and Tiêu ngữ, each with its rule.
	 * The left block is 13 pt, 12 pt when a line would not fit. */
	int est = est_width(d->body, BODY_CHAR_W);
	int hps = est > HEAD_LEFT_W ? 24 : 26;
	int parent_hps = est_width(d->parent_body, BODY_CHAR_W) > HEAD_LEFT_W ? 24 : 26;
	buf_puts(b, "<w:tr><w:trPr><w:cantSplit/></w:trPr>");
	tc_open(b, HEAD_LEFT_W, NULL);
	if (d->parent_body && *d->parent_body)
		put_p(b, "Head", NULL, d->parent_body, 0, 0, parent_hps);
	put_p(b, "Head", NULL, d->body, 1, 0, hps);
	if (est > HEAD_LEFT_W)
		est = HEAD_LEFT_W;
	int rule = est * 2 / 5;
	if (rule < 850)
		rule = 850;
	put_rule(b, HEAD_LEFT_W, rule, NULL);
	buf_puts(b, "</w:tc>");
	tc_open(b, HEAD_RIGHT_W, NULL);
	put_p(b, "Head", NULL, QUOC_HIEU, 1, 0, 24);
	put_p(b, "Head", NULL, TIEU_NGU, 1, 0, 26);
	put_rule(b, HEAD_RIGHT_W, MOTTO_W, NULL);
	buf_puts(b, "</w:tc></w:tr>");

	/* Row 2: Số and V/v | place and date, on the same line. */
	static const char before[] = "<w:spacing w:before=\"120\"/>";
	buf_puts(b, "<w:tr><w:trPr><w:cantSplit/></w:trPr>");
	tc_open(b, HEAD_LEFT_W, NULL);
	put_p(b, "Head", before, d->number_line, 0, 0, 26);
	if (d->vv && *d->vv)
		put_p(b, "Head", "<w:spacing w:before=\"60\"/>", d->vv, 0, 0, 24);
	buf_puts(b, "</w:tc>");
	tc_open(b, HEAD_RIGHT_W, NULL);
	/* 14 pt; 13 or 12 pt when a long place name would wrap */
	int date_w = est_width(d->place_date, DATE_CHAR_W);
	int date_hps = date_w <= HEAD_RIGHT_W ? 28 : date_w * 13 / 14 <= HEAD_RIGHT_W ? 26 : 24;
	put_p(b, "Head", before, d->place_date, 0, 1, date_hps);
	buf_puts(b, "</w:tc></w:tr></w:tbl>");
}

static void
put_title(buf_t *b, const docr_t *d)
{
	put_p(b, "Head", "<w:keepNext/><w:spacing w:before=\"360\"/>", d->type_name, 1, 0, 28);
	if (d->subject && *d->subject)
		put_p(b, "Head", "<w:keepNext/>", d->subject, 1, 0, 28);
	int est = est_width(d->subject, SUBJECT_CHAR_W);
	if (est > TEXT_W)
		est = TEXT_W;
	int rule = est / 3;
	if (rule < 1134)
		rule = 1134;
	if (rule > 3402)
		rule = 3402;
	put_rule(b, TEXT_W, rule, NULL);
	/* the space between the rule and the body */
	put_p(b, "Rule", "<w:spacing w:after=\"200\"/>", NULL, 0, 0, 0);
}

static void
put_kinh_gui(buf_t *b, const docr_t *d)
{
	if (d->nkinh_gui == 1) {
		p_open(b, "Head", "<w:spacing w:before=\"240\" w:after=\"240\"/>");
		put_run(b, "Kính gửi: ", 0, 0, 0);
		put_run(b, d->kinh_gui[0], 0, 0, 0);
		p_close(b);
		return;
	}
	int maxw = 0;
	for (size_t i = 0; i < d->nkinh_gui; i++)
		if (est_width(d->kinh_gui[i], KG_CHAR_W) > maxw)
			maxw = est_width(d->kinh_gui[i], KG_CHAR_W);
	long off = (long)TEXT_W - KG_LABEL_W - KG_DASH_W - maxw;
	if (off > KG_LABEL_IND)
		off = KG_LABEL_IND;
	if (off < 0)
		off = 0;
	char ppr[160];
	snprintf(ppr, sizeof ppr,
	         "<w:keepNext/><w:spacing w:before=\"240\"/><w:ind w:left=\"%ld\"/>", off);
	put_p(b, NULL, ppr, "Kính gửi:", 0, 0, 0);
	for (size_t i = 0; i < d->nkinh_gui; i++) {
		snprintf(ppr, sizeof ppr,
		         "%s<w:spacing w:after=\"%d\"/><w:ind w:left=\"%ld\" w:hanging=\"%d\"/>",
		         i + 1 < d->nkinh_gui ? "<w:keepNext/>" : "",
		         i + 1 < d->nkinh_gui ? 0 : 240, off + KG_LABEL_W + KG_DASH_W, KG_DASH_W);
		p_open(b, NULL, ppr);
		put_run(b, "- ", 0, 0, 0);
		put_run(b, d->kinh_gui[i], 0, 0, 0);
		p_close(b);
	}
}

static void
put_signature(buf_t *b, const docr_t *d)
{
	static const char first[] = "<w:spacing w:before=\"120\"/>";
	tbl_open_plain(b, 0, SIGN_LEFT_W, SIGN_RIGHT_W);
	buf_puts(b, "<w:tr><w:trPr><w:cantSplit/></w:trPr>");
	tc_open(b, SIGN_LEFT_W, NULL);
	if (d->nnoi_nhan) {
		put_p(b, NULL, first, "Nơi nhận:", 1, 1, 24);
		for (size_t i = 0; i < d->nnoi_nhan; i++) {
			p_open(b, NULL, NULL);
			put_run(b, "- ", 0, 0, 22);
			put_run(b, d->noi_nhan[i], 0, 0, 22);
			p_close(b);
		}
	} else {
		put_p(b, NULL, NULL, NULL, 0, 0, 0);
	}
	buf_puts(b, "</w:tc>");
	tc_open(b, SIGN_RIGHT_W, NULL);
	for (size_t i = 0; i < d->nsigner_lines; i++)
		put_p(b, "Head", i ? NULL : first, d->signer_lines[i], 1, 0, 28);
	for (int i = 0; i < 4; i++)
		put_p(b, "Head", NULL, NULL, 0, 0, 0);
	put_p(b, "Head", NULL, d->signer_name, 1, 0, 28);
	buf_puts(b, "</w:tc></w:tr></w:tbl>");
}

static void
put_cell_lines(buf_t *b, const docr_cell_t *c)
{
	if (!c || !c->nlines) {
		put_p(b, "Cell", NULL, NULL, 0, 0, 0);
		return;
	}
	for (size_t l = 0; l < c->nlines; l++) {
		const docr_para_t *p = &c->lines[l];
		int bold = p->style == DR_H1 || p->style == DR_H2 || p->style == DR_H3;
		p_open(b, "Cell", p->style == DR_CENTER ? "<w:jc w:val=\"center\"/>" : NULL);
		for (size_t i = 0; i < p->nruns; i++)
			put_run(b, p->runs[i].text, p->runs[i].bold || bold,
			        p->runs[i].italic || p->style == DR_H3, 0);
		p_close(b);
	}
}

static void
put_annex_table(buf_t *b, const docr_table_t *t)
{
	size_t nc = t->ncols;
	int *w = xcalloc(nc, sizeof *w);
	int total = 0;
	for (size_t c = 0; c < nc; c++) {
		double mm = t->widths_mm ? t->widths_mm[c] : 160.0 / (double)nc;
		w[c] = mm > 0 && mm < 1000 ? TW(mm) : TW(10.0);
		total += w[c];
	}
	buf_printf(b,
	           "<w:tbl><w:tblPr><w:tblW w:w=\"%d\" w:type=\"dxa\"/><w:jc w:val=\"center\"/>"
	           "<w:tblBorders>",
	           total);
	static const char *const sides[] = {"top", "left", "bottom", "right", "insideH", "insideV"};
	for (size_t i = 0; i < sizeof sides / sizeof sides[0]; i++)
		buf_printf(b, "<w:%s w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>",
		           sides[i]);
	buf_puts(b, "</w:tblBorders><w:tblLayout w:type=\"fixed\"/><w:tblCellMar>"
	            "<w:top w:w=\"28\" w:type=\"dxa\"/><w:left w:w=\"85\" w:type=\"dxa\"/>"
	            "<w:bottom w:w=\"28\" w:type=\"dxa\"/><w:right w:w=\"85\" w:type=\"dxa\"/>"
	            "</w:tblCellMar><w:tblLook w:val=\"0000\" w:firstRow=\"0\" w:lastRow=\"0\" "
	            "w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/>"
	            "</w:tblPr><w:tblGrid>");
	for (size_t c = 0; c < nc; c++)
		buf_printf(b, "<w:gridCol w:w=\"%d\"/>", w[c]);
	buf_puts(b, "</w:tblGrid>");

	buf_puts(b, "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>");
	for (size_t c = 0; c < nc; c++) {
		tc_open(b, w[c], "center");
		put_p(b, "Cell", "<w:jc w:val=\"center\"/>", t->headers ? t->headers[c] : "", 1, 0,
		      0);
		buf_puts(b, "</w:tc>");
	}
	buf_puts(b, "</w:tr>");
	for (size_t r = 0; t->cells && r < t->nrows; r++) {
		buf_puts(b, "<w:tr><w:trPr><w:cantSplit/></w:trPr>");
		for (size_t c = 0; c < nc; c++) {
			tc_open(b, w[c], NULL);
			put_cell_lines(b, &t->cells[r * nc + c]);
			buf_puts(b, "</w:tc>");
		}
		buf_puts(b, "</w:tr>");
	}
	buf_puts(b, "</w:tbl>");
	free(w);
}

/* A text of the form: one Body paragraph per line. */
static void
put_form_text(buf_t *b, const char *s, int italic)
{
	const char *q = s;
	do {
		const char *e = strchr(q, '\n');
		size_t n = e ? (size_t)(e - q) : strlen(q);
		char *line = xmalloc(n + 1);
		memcpy(line, q, n);
		line[n] = '\0';
		put_p(b, "Body", NULL, line, 0, italic, 0);
		free(line);
		q = e ? e + 1 : NULL;
	} while (q);
}

/* The results form (src/export/phuluc.h): its lines in order, each run of rows one table
 * (the rows of a->table, which holds them in the same order). */
static void
put_annex_form(buf_t *b, const docr_annex_t *a)
{
	const phl_layout_t *f = a->form;
	size_t row = 0;
	for (size_t i = 0; i < f->n;) {
		const phl_line_t *ln = &f->lines[i];
		if (ln->kind == PHL_ROW) {
			size_t j = i;
			while (j < f->n && f->lines[j].kind == PHL_ROW)
				j++;
			if (a->table && row + (j - i) <= a->table->nrows) {
				docr_table_t part = *a->table;
				part.cells = a->table->cells + row * part.ncols;
				part.nrows = j - i;
				put_annex_table(b, &part);
				put_p(b, "Rule", "<w:spacing w:after=\"120\"/>", NULL, 0, 0, 0);
			}
			row += j - i;
			i = j;
			continue;
		}
		switch (ln->kind) {
		case PHL_NUMBER: put_p(b, NULL, NULL, ln->text, 0, 0, 26); break;
		case PHL_PLACE_DATE:
			put_p(b, NULL, "<w:spacing w:after=\"120\"/><w:jc w:val=\"right\"/>",
			      ln->text, 0, 1, 0);
			break;
		case PHL_TITLE: put_p(b, "Center", "<w:keepNext/>", ln->text, 1, 0, 0); break;
		case PHL_CENTER: put_p(b, "Center", "<w:keepNext/>", ln->text, 0, 0, 0); break;
		case PHL_CENTER_ITALIC:
			put_p(b, "Center", "<w:keepNext/>", ln->text, 0, 1, 0);
			break;
		case PHL_HEADING:
			put_p(b, NULL, "<w:keepNext/><w:spacing w:before=\"120\" w:after=\"60\"/>",
			      ln->text, 1, 0, 0);
			break;
		case PHL_LABEL:
		case PHL_NOTE: put_form_text(b, ln->text, 1); break;
		case PHL_TEXT: put_form_text(b, ln->text, 0); break;
		case PHL_CLOSING:
			/* "Nơi nhận:" on the left, "THỦ TRƯỞNG ĐƠN VỊ" centred on the right */
			tbl_open_plain(b, 0, SIGN_LEFT_W, SIGN_RIGHT_W);
			buf_puts(b, "<w:tr><w:trPr><w:cantSplit/></w:trPr>");
			tc_open(b, SIGN_LEFT_W, NULL);
			put_p(b, NULL, "<w:spacing w:before=\"240\"/>", ln->text, 1, 1, 24);
			buf_puts(b, "</w:tc>");
			tc_open(b, SIGN_RIGHT_W, NULL);
			put_p(b, "Head", "<w:spacing w:before=\"240\"/>", ln->right, 1, 0, 28);
			buf_puts(b, "</w:tc></w:tr></w:tbl>");
			break;
		case PHL_ROW: break;
		}
		i++;
	}
}

static void
put_annex(buf_t *b, const docr_annex_t *a)
{
	put_p(b, "Center", "<w:keepNext/><w:pageBreakBefore/>", a->label, 1, 0, 0);
	if (!a->form || (a->title && *a->title)) /* a form carries its own title */
		put_p(b, "Center", "<w:keepNext/><w:spacing w:after=\"0\"/>", a->title, 1, 0, 0);
	if (a->subtitle && *a->subtitle)
		put_p(b, "Center", "<w:keepNext/>", a->subtitle, 0, 1, 0);
	put_p(b, "Rule", "<w:spacing w:after=\"120\"/>", NULL, 0, 0, 0);
	if (a->form) {
		put_paras(b, a->before, a->nintro);
		put_annex_form(b, a);
		return;
	}
	put_paras(b, a->before, a->nbefore);
	if (a->table && a->table->ncols) {
		put_annex_table(b, a->table);
		/* a little air under the table, and never two tables back to back */
		put_p(b, "Rule", "<w:spacing w:after=\"120\"/>", NULL, 0, 0, 0);
	}
	put_paras(b, a->after, a->nafter);
}

static void
build_document(buf_t *b, const docr_t *d)
{
	buf_puts(b, XML_DECL "<w:document xmlns:w=\"" NS_W "\" xmlns:r=\"" NS_R "\"><w:body>");
	put_header_block(b, d);
	if (d->type_name && *d->type_name)
		put_title(b, d);
	if (d->nkinh_gui)
		put_kinh_gui(b, d);
	else if (!(d->type_name && *d->type_name))
		put_p(b, "Rule", "<w:spacing w:after=\"240\"/>", NULL, 0, 0, 0);
	/* The last paragraph keeps with the signature row so that never stands alone on a
	 * page; LibreOffice then moves the whole paragraph, so only when it is short. */
	for (size_t i = 0; i < d->nparas; i++)
		put_para(b, &d->paras[i], i + 1 == d->nparas && para_chars(&d->paras[i]) <= 500);
	put_signature(b, d);
	for (size_t i = 0; i < d->nannexes; i++)
		put_annex(b, &d->annexes[i]);
	/* The body ends with a paragraph (Word wants one after a final table): a tiny one so
	 * it never spills onto a page of its own. */
	put_p(b, "Rule", NULL, NULL, 0, 0, 0);
	buf_printf(b,
	           "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rIdHdrDefault\"/>"
	           "<w:headerReference w:type=\"first\" r:id=\"rIdHdrFirst\"/>"
	           "<w:pgSz w:w=\"%d\" w:h=\"%d\"/><w:pgMar w:top=\"%d\" w:right=\"%d\" "
	           "w:bottom=\"%d\" w:left=\"%d\" w:header=\"%d\" w:footer=\"%d\" w:gutter=\"0\"/>"
	           "<w:cols w:space=\"720\"/><w:titlePg/><w:docGrid w:linePitch=\"360\"/>"
	           "</w:sectPr></w:body></w:document>",
	           PAGE_W, PAGE_H, MARGIN_TOP, MARGIN_RIGHT, MARGIN_BOTTOM, MARGIN_LEFT,
	           HEADER_DIST, HEADER_DIST);
}

/* A paragraph style: id, display name, basedOn (NULL: none), pPr and rPr children. */
static void
put_style(buf_t *b, const char *id, const char *name, const char *based, const char *ppr,
          const char *rpr)
{
	buf_printf(b,
	           "<w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"%s\">"
	           "<w:name w:val=\"%s\"/>",
	           id, name);
	if (based)
		buf_printf(b, "<w:basedOn w:val=\"%s\"/>", based);
	if (!strcmp(id, "Body") || (id[0] == 'H' && id[1] >= '1' && id[1] <= '3' && !id[2]))
		buf_puts(b, "<w:next w:val=\"Body\"/>");
	buf_puts(b, "<w:qFormat/>");
	if (ppr)
		buf_printf(b, "<w:pPr>%s</w:pPr>", ppr);
	if (rpr)
		buf_printf(b, "<w:rPr>%s</w:rPr>", rpr);
	buf_puts(b, "</w:style>");
}

static void
build_styles(buf_t *b)
{
	char body_ppr[256];
	snprintf(body_ppr, sizeof body_ppr,
	         "<w:spacing w:before=\"0\" w:after=\"%d\" w:line=\"276\" w:lineRule=\"auto\"/>"
	         "<w:ind w:firstLine=\"%d\"/><w:jc w:val=\"both\"/>",
	         PARA_AFTER, INDENT);
	buf_printf(b,
	           XML_DECL "<w:styles xmlns:w=\"" NS_W "\"><w:docDefaults><w:rPrDefault><w:rPr>"
	                    "<w:rFonts w:ascii=\"Times New Roman\" w:eastAsia=\"Times New Roman\" "
	                    "w:hAnsi=\"Times New Roman\" w:cs=\"Times New Roman\"/>"
	                    "<w:sz w:val=\"%d\"/><w:szCs w:val=\"%d\"/><w:lang w:val=\"vi-VN\" "
	                    "w:eastAsia=\"vi-VN\" w:bidi=\"ar-SA\"/></w:rPr></w:rPrDefault>"
	                    "<w:pPrDefault><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" "
	                    "w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>",
	           BODY_HPS, BODY_HPS);
	/* Normal and the default table style (Word expects both). */
	buf_puts(b,
	         "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\">"
	         "<w:name w:val=\"Normal\"/><w:qFormat/><w:pPr><w:widowControl/></w:pPr>"
	         "</w:style>"
	         "<w:style w:type=\"character\" w:default=\"1\" w:styleId=\"DefaultParagraphFont\">"
	         "<w:name w:val=\"Default Paragraph Font\"/><w:uiPriority w:val=\"1\"/>"
	         "<w:semiHidden/><w:unhideWhenUsed/></w:style>"
	         "<w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\">"
	         "<w:name w:val=\"Normal Table\"/><w:uiPriority w:val=\"99\"/><w:semiHidden/>"
	         "<w:unhideWhenUsed/><w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/>"
	         "<w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" "
	         "w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" "
	         "w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>");
	put_style(b, "Body", "Nội dung", "Normal", body_ppr, NULL);
	put_style(b, "H1", "Đề mục 1", "Body",
	          "<w:keepNext/><w:keepLines/><w:outlineLvl w:val=\"0\"/>", "<w:b/><w:bCs/>");
	put_style(b, "H2", "Đề mục 2", "Body",
	          "<w:keepNext/><w:keepLines/><w:outlineLvl w:val=\"1\"/>", "<w:b/><w:bCs/>");
	put_style(b, "H3", "Đề mục 3", "Body",
	          "<w:keepNext/><w:keepLines/><w:outlineLvl w:val=\"2\"/>",
	          "<w:b/><w:bCs/><w:i/><w:iCs/>");
	put_style(b, "Center", "Căn giữa", "Body",
	          "<w:ind w:firstLine=\"0\"/><w:jc w:val=\"center\"/>", NULL);
	put_style(b, "Head", "Tiêu đề văn bản", "Normal", "<w:jc w:val=\"center\"/>", NULL);
	put_style(b, "Cell", "Ô bảng", "Normal",
	          "<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/>"
	          "<w:jc w:val=\"left\"/>",
	          "<w:sz w:val=\"26\"/><w:szCs w:val=\"26\"/>");
	/* Rules and spacers: tiny empty paragraphs (a border under a 5 pt line). */
	put_style(b, "Rule", "Đường kẻ", "Normal",
	          "<w:keepNext/><w:spacing w:before=\"0\" w:after=\"0\" w:line=\"100\" "
	          "w:lineRule=\"exact\"/>",
	          "<w:sz w:val=\"4\"/><w:szCs w:val=\"4\"/>");
	put_style(b, "Header", "Đầu trang", "Normal", "<w:jc w:val=\"center\"/>", NULL);
	buf_puts(b, "</w:styles>");
}

static void
build_header(buf_t *b, int page_number)
{
	buf_puts(b, XML_DECL "<w:hdr xmlns:w=\"" NS_W "\" xmlns:r=\"" NS_R "\">"
	                     "<w:p><w:pPr><w:pStyle w:val=\"Header\"/></w:pPr>");
	if (page_number)
		buf_printf(b,
		           "<w:fldSimple w:instr=\" PAGE \"><w:r><w:rPr><w:sz w:val=\"%d\"/>"
		           "<w:szCs w:val=\"%d\"/></w:rPr><w:t>2</w:t></w:r></w:fldSimple>",
		           BODY_HPS, BODY_HPS);
	buf_puts(b, "</w:p></w:hdr>");
}

static void
build_core(buf_t *b, const docr_t *d)
{
	char now[32] = "2000-01-01T00:00:00Z";
	time_t t = time(NULL);
	struct tm tm;
	if (gmtime_r(&t, &tm))
		strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
	buf_puts(b, XML_DECL "<cp:coreProperties "
	                     "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/"
	                     "core-properties\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
	                     "xmlns:dcterms=\"http://purl.org/dc/terms/\" "
	                     "xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" "
	                     "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>");
	put_esc(b, d->meta_title);
	buf_puts(b, "</dc:title><dc:creator>");
	put_esc(b, d->meta_author);
	buf_puts(b, "</dc:creator><cp:lastModifiedBy>");
	put_esc(b, d->meta_author);
	buf_printf(b,
	           "</cp:lastModifiedBy><dc:language>vi-VN</dc:language>"
	           "<dcterms:created xsi:type=\"dcterms:W3CDTF\">%s</dcterms:created>"
	           "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">%s</dcterms:modified>"
	           "</cp:coreProperties>",
	           now, now);
}

/* ---- the package ---- */

enum {
	PART_CT,
	PART_RELS,
	PART_DOC,
	PART_DOC_RELS,
	PART_STYLES,
	PART_SETTINGS,
	PART_HDR1,
	PART_HDR2,
	PART_CORE,
	PART_APP,
	NPARTS
};

static const char *const part_names[NPARTS] = {
        "[Content_Types].xml", "_rels/.rels",
        "word/document.xml",   "word/_rels/document.xml.rels",
        "word/styles.xml",     "word/settings.xml",
        "word/header1.xml",    "word/header2.xml",
        "docProps/core.xml",   "docProps/app.xml",
};

static void
build_parts(buf_t *p, const docr_t *d)
{
#define CT_WML "application/vnd.openxmlformats-officedocument.wordprocessingml."
	buf_puts(&p[PART_CT], XML_DECL
	         "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	         "<Default Extension=\"rels\" "
	         "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
	         "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
	         "<Override PartName=\"/word/document.xml\" ContentType=\"" CT_WML
	         "document.main+xml\"/>"
	         "<Override PartName=\"/word/styles.xml\" ContentType=\"" CT_WML "styles+xml\"/>"
	         "<Override PartName=\"/word/settings.xml\" ContentType=\"" CT_WML
	         "settings+xml\"/>"
	         "<Override PartName=\"/word/header1.xml\" ContentType=\"" CT_WML "header+xml\"/>"
	         "<Override PartName=\"/word/header2.xml\" ContentType=\"" CT_WML "header+xml\"/>"
	         "<Override PartName=\"/docProps/core.xml\" "
	         "ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
	         "<Override PartName=\"/docProps/app.xml\" "
	         "ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties"
	         "+xml\"/></Types>");
#undef CT_WML
	buf_puts(&p[PART_RELS],
	         XML_DECL "<Relationships xmlns=\"" NS_PKG_REL "\">"
	                  "<Relationship Id=\"rId1\" Type=\"" NS_R "/officeDocument\" "
	                  "Target=\"word/document.xml\"/>"
	                  "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/"
	                  "package/2006/relationships/metadata/core-properties\" "
	                  "Target=\"docProps/core.xml\"/>"
	                  "<Relationship Id=\"rId3\" Type=\"" NS_R "/extended-properties\" "
	                  "Target=\"docProps/app.xml\"/></Relationships>");
	build_document(&p[PART_DOC], d);
	buf_puts(&p[PART_DOC_RELS],
	         XML_DECL "<Relationships xmlns=\"" NS_PKG_REL "\">"
	                  "<Relationship Id=\"rIdStyles\" Type=\"" NS_R "/styles\" "
	                  "Target=\"styles.xml\"/>"
	                  "<Relationship Id=\"rIdSettings\" Type=\"" NS_R "/settings\" "
	                  "Target=\"settings.xml\"/>"
	                  "<Relationship Id=\"rIdHdrFirst\" Type=\"" NS_R "/header\" "
	                  "Target=\"header1.xml\"/>"
	                  "<Relationship Id=\"rIdHdrDefault\" Type=\"" NS_R "/header\" "
	                  "Target=\"header2.xml\"/></Relationships>");
	build_styles(&p[PART_STYLES]);
	buf_puts(&p[PART_SETTINGS],
	         XML_DECL "<w:settings xmlns:w=\"" NS_W "\"><w:zoom w:percent=\"100\"/>"
	                  "<w:defaultTabStop w:val=\"720\"/>"
	                  "<w:characterSpacingControl w:val=\"doNotCompress\"/><w:compat>"
	                  "<w:compatSetting w:name=\"compatibilityMode\" "
	                  "w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/>"
	                  "</w:compat><w:themeFontLang w:val=\"vi-VN\"/>"
	                  "<w:decimalSymbol w:val=\",\"/><w:listSeparator w:val=\";\"/>"
	                  "</w:settings>");
	build_header(&p[PART_HDR1], 0);
	build_header(&p[PART_HDR2], 1);
	build_core(&p[PART_CORE], d);
	buf_puts(&p[PART_APP],
	         XML_DECL "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/"
	                  "2006/extended-properties\" xmlns:vt=\"http://schemas.openxmlformats.org/"
	                  "officeDocument/2006/docPropsVTypes\"><Application>suotdoi</Application>"
	                  "<DocSecurity>0</DocSecurity></Properties>");
}

static void
zip_fail(char *err, size_t errlen, const char *what, zip_error_t *ze)
{
	/* libzip's explanation is English: it goes to the log for the admin. */
	log_warn("docx %s: %s", what, zip_error_strerror(ze));
	set_err(err, errlen, "Không tạo được tệp Word (.docx); hãy thử lại sau.");
}

int
docr_render_docx(const docr_t *d, buf_t *out, char *err, size_t errlen)
{
	buf_t parts[NPARTS];
	for (size_t i = 0; i < NPARTS; i++)
		parts[i] = (buf_t)BUF_INIT;
	build_parts(parts, d);

	int ret = -1;
	zip_error_t ze;
	zip_error_init(&ze);
	zip_t *za = NULL;
	zip_source_t *mem = zip_source_buffer_create(NULL, 0, 0, &ze);
	if (!mem) {
		zip_fail(err, errlen, "buffer", &ze);
		goto done;
	}
	za = zip_open_from_source(mem, ZIP_CREATE | ZIP_TRUNCATE, &ze);
	if (!za) {
		zip_fail(err, errlen, "open", &ze);
		zip_source_free(mem);
		mem = NULL;
		goto done;
	}
	zip_source_keep(mem); /* still ours after zip_close(), to read the archive back */
	for (size_t i = 0; i < NPARTS; i++) {
		size_t len;
		char *data = buf_steal(&parts[i], &len);
		zip_source_t *s = zip_source_buffer(za, data, len, 1);
		if (!s) {
			free(data);
			zip_fail(err, errlen, part_names[i], zip_get_error(za));
			goto done;
		}
		if (zip_file_add(za, part_names[i], s, ZIP_FL_ENC_UTF_8) < 0) {
			zip_source_free(s);
			zip_fail(err, errlen, part_names[i], zip_get_error(za));
			goto done;
		}
	}
	if (zip_close(za) < 0) {
		zip_fail(err, errlen, "close", zip_get_error(za));
		goto done;
	}
	za = NULL;

	zip_stat_t st;
	if (zip_source_stat(mem, &st) < 0 || !(st.valid & ZIP_STAT_SIZE) ||
	    zip_source_open(mem) < 0) {
		zip_fail(err, errlen, "read back", zip_source_error(mem));
		goto done;
	}
	size_t start = out->len;
	buf_reserve(out, (size_t)st.size);
	zip_int64_t n = zip_source_read(mem, out->data + start, st.size);
	zip_source_close(mem);
	if (n < 0 || (zip_uint64_t)n != st.size) {
		zip_fail(err, errlen, "read back", zip_source_error(mem));
		goto done;
	}
	out->len = start + (size_t)n;
	out->data[out->len] = '\0';
	ret = 0;
done:
	if (za)
		zip_discard(za);
	if (mem)
		zip_source_free(mem);
	for (size_t i = 0; i < NPARTS; i++)
		buf_free(&parts[i]);
	return ret;
}
