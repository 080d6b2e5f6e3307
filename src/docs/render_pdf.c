/* PDF rendering of an official document in the Decree 30/2020/NĐ-CP layout, with cairo's
 * PDF surface and pango: the page-1 header block, Kính gửi, the justified body flowing line
 * by line across pages, the signature row, then each annex on new pages with its table. */
#include "docs/render.h"
#include "export/phuluc.h"

#include "core/mem.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#define MM (72.0 / 25.4) /* points per millimetre; the PDF user space is in points */
#define PU ((double)PANGO_SCALE)
#define EPS 0.01

#define QUOC_HIEU "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
#define TIEU_NGU "Độc lập - Tự do - Hạnh phúc"

#define HEAD_LEFT_MM 70.0   /* the body/number column of the header */
#define SIGN_LEFT_FRAC 0.5  /* Nơi nhận column of the signature row */
#define SIGN_SPACE_MM 25.0  /* room for the signature and seal */
#define LINE_SPACING 1.15   /* body line height as a multiple of the font's */
#define RULE_PT 0.6         /* the short rules in the header and under the title */
#define BORDER_PT 0.5       /* table borders */
#define CELL_PAD_MM 1.5     /* inside table cells */
#define PAGE_NO_TOP_MM 10.0 /* top of the page number from the top edge */

/* Times New Roman when fontconfig knows it, else the metric-compatible Liberation Serif.
 * Written once under family_once; pthread_once orders the write before every read. */
static const char *font_family = "Liberation Serif";
static pthread_once_t family_once = PTHREAD_ONCE_INIT;

static void
pick_family(void)
{
	PangoFontMap *fm = pango_cairo_font_map_get_default();
	PangoFontFamily **fams = NULL;
	int n = 0;
	pango_font_map_list_families(fm, &fams, &n);
	for (int i = 0; i < n; i++)
		if (g_ascii_strcasecmp(pango_font_family_get_name(fams[i]), "Times New Roman") == 0)
			font_family = "Times New Roman";
	g_free(fams);
}

const char *
docr_pdf_font_family(void)
{
	pthread_once(&family_once, pick_family);
	return font_family;
}

/* One line of a laid-out paragraph, in points relative to the layout's top-left. */
typedef struct pline {
	PangoLayoutLine *line; /* borrowed from its layout */
	double x, y0, y1, base;
	int brk; /* a new page starts before this line */
} pline_t;

typedef struct pdf {
	cairo_surface_t *surf;
	cairo_t *cr;
	PangoContext *pc; /* per render: pango contexts are not thread-safe */
	int page;         /* current page, 1-based; 0 before the first */
	double y;         /* the cursor: top of the next thing to draw */
	double top, bottom, left, width;
	pline_t *ll; /* scratch for flow() */
	size_t nll, cap;
	buf_t text; /* scratch for paragraph text */
} pdf_t;

typedef struct tstyle {
	double size;
	int bold, italic;
	PangoAlignment align;
	int justify;
	double indent;  /* first-line indent in points; negative: hanging */
	double spacing; /* line-height factor; 0: the font's own */
} tstyle_t;

/* Attributes every layout starts with: a word cut to fit the width gets no hyphen (it
 * is a code, a URL or a name, not an English word). */
static PangoAttrList *
base_attrs(void)
{
	PangoAttrList *attrs = pango_attr_list_new();
	pango_attr_list_insert(attrs, pango_attr_insert_hyphens_new(FALSE));
	return attrs;
}

PangoLayout *
docr_pdf_layout(PangoContext *pc, double size, int bold, int italic, double width)
{
	pthread_once(&family_once, pick_family);
	PangoLayout *l = pango_layout_new(pc);
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family_static(fd, font_family);
	pango_font_description_set_absolute_size(fd, size * PU);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_font_description_set_style(fd, italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	if (width > 0)
		pango_layout_set_width(l, (int)(width * PU));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	PangoAttrList *attrs = base_attrs();
	pango_layout_set_attributes(l, attrs);
	pango_attr_list_unref(attrs);
	return l;
}

static PangoLayout *
new_layout(pdf_t *p, const tstyle_t *st, double width)
{
	PangoLayout *l = docr_pdf_layout(p->pc, st->size, st->bold, st->italic, width);
	pango_layout_set_alignment(l, st->align);
	pango_layout_set_justify(l, st->justify);
	if (st->indent != 0)
		pango_layout_set_indent(l, (int)(st->indent * PU));
	if (st->spacing > 0)
		pango_layout_set_line_spacing(l, (float)st->spacing);
	return l;
}

/* Appends s to b, replacing invalid UTF-8 (pango refuses it) with U+FFFD. */
static void
append_valid(buf_t *b, const char *s)
{
	if (!s)
		return;
	if (g_utf8_validate(s, -1, NULL)) {
		buf_puts(b, s);
		return;
	}
	gchar *v = g_utf8_make_valid(s, -1);
	buf_puts(b, v);
	g_free(v);
}

/* A layout of plain text (which is never markup: '<' and '&' are just characters). */
void
docr_pdf_set_text(PangoLayout *l, const char *s)
{
	if (!s || g_utf8_validate(s, -1, NULL)) {
		pango_layout_set_text(l, s ? s : "", -1);
		return;
	}
	gchar *v = g_utf8_make_valid(s, -1);
	pango_layout_set_text(l, v, -1);
	g_free(v);
}

double
docr_pdf_height(PangoLayout *l)
{
	PangoRectangle log;
	pango_layout_get_extents(l, NULL, &log);
	return log.height / PU;
}

static PangoLayout *
text_layout(pdf_t *p, const char *s, const tstyle_t *st, double width)
{
	PangoLayout *l = new_layout(p, st, width);
	docr_pdf_set_text(l, s);
	return l;
}

/* A layout of a paragraph's runs; a run's bold/italic adds to the style's. */
static PangoLayout *
runs_layout(pdf_t *p, const docr_para_t *para, const tstyle_t *st, double width)
{
	PangoLayout *l = new_layout(p, st, width);
	PangoAttrList *attrs = base_attrs();
	buf_reset(&p->text);
	for (size_t i = 0; para->runs && i < para->nruns; i++) {
		const docr_run_t *run = &para->runs[i];
		size_t start = p->text.len;
		append_valid(&p->text, run->text);
		size_t end = p->text.len;
		if (end == start)
			continue;
		if (run->bold && !st->bold) {
			PangoAttribute *a = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
			a->start_index = (guint)start;
			a->end_index = (guint)end;
			pango_attr_list_insert(attrs, a);
		}
		if (run->italic && !st->italic) {
			PangoAttribute *a = pango_attr_style_new(PANGO_STYLE_ITALIC);
			a->start_index = (guint)start;
			a->end_index = (guint)end;
			pango_attr_list_insert(attrs, a);
		}
	}
	pango_layout_set_text(l, buf_cstr(&p->text), (int)p->text.len);
	pango_layout_set_attributes(l, attrs);
	pango_attr_list_unref(attrs);
	return l;
}

static double
layout_baseline(PangoLayout *l)
{
	return pango_layout_get_baseline(l) / PU;
}

/* The widest line's ink-independent (logical) width. */
static double
widest_line(PangoLayout *l)
{
	int w = 0;
	for (GSList *it = pango_layout_get_lines_readonly(l); it; it = it->next) {
		PangoRectangle log;
		pango_layout_line_get_extents(it->data, NULL, &log);
		if (log.width > w)
			w = log.width;
	}
	return w / PU;
}

static void
draw_layout(pdf_t *p, PangoLayout *l, double x, double y)
{
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, l);
}

static void
hrule(pdf_t *p, double xc, double y, double len, double thick)
{
	cairo_set_line_width(p->cr, thick);
	cairo_move_to(p->cr, xc - len / 2, y);
	cairo_line_to(p->cr, xc + len / 2, y);
	cairo_stroke(p->cr);
}

static void
new_page(pdf_t *p)
{
	if (p->page > 0)
		cairo_show_page(p->cr);
	p->page++;
	p->y = p->top;
	if (p->page < 2)
		return;
	char num[24];
	snprintf(num, sizeof num, "%d", p->page);
	tstyle_t st = {.size = 13, .align = PANGO_ALIGN_CENTER};
	PangoLayout *l = text_layout(p, num, &st, p->width);
	draw_layout(p, l, p->left, PAGE_NO_TOP_MM * MM);
	g_object_unref(l);
}

/* The lines of l into p->ll; returns how many. */
static size_t
collect_lines(pdf_t *p, PangoLayout *l)
{
	p->nll = 0;
	PangoLayoutIter *it = pango_layout_get_iter(l);
	do {
		if (p->nll == p->cap) {
			p->cap = p->cap ? size_mul(p->cap, 2) : 64;
			p->ll = xrealloc(p->ll, size_mul(p->cap, sizeof *p->ll));
		}
		pline_t *ln = &p->ll[p->nll++];
		PangoRectangle log;
		int y0, y1;
		pango_layout_iter_get_line_extents(it, NULL, &log);
		pango_layout_iter_get_line_yrange(it, &y0, &y1);
		ln->line = pango_layout_iter_get_line_readonly(it);
		ln->x = log.x / PU;
		ln->y0 = y0 / PU;
		ln->y1 = y1 / PU;
		ln->base = pango_layout_iter_get_baseline(it) / PU;
		ln->brk = 0;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	return p->nll;
}

/* Draws l with its left edge at x and its top at the cursor, starting a new page between
 * lines where the page is full (never leaving a paragraph's first line alone at the bottom
 * or its last line alone at the top), and moves the cursor under it. */
static void
flow(pdf_t *p, PangoLayout *l, double x)
{
	size_t n = collect_lines(p, l);
	pline_t *ll = p->ll;
	if (n == 0)
		return;

	/* Pass 1: where the pages break. */
	double base = p->y, shift = ll[0].y0;
	size_t start = 0, k = 0;
	while (k < n) {
		int fits = base + ll[k].y1 - shift <= p->bottom + EPS;
		int page_used = base + ll[k].y0 - shift > p->top + EPS;
		if (fits || !page_used) {
			k++;
			continue;
		}
		size_t brk = k;
		if (start == 0 && k == 1 && n >= 2 && p->y > p->top + EPS)
			brk = 0; /* orphan: take the first line along */
		else if (k == n - 1 && k - start >= 3)
			brk = k - 1; /* widow: give the last line company */
		ll[brk].brk = 1;
		base = p->top;
		shift = ll[brk].y0;
		start = k = brk;
		k++;
	}

	/* Pass 2: draw. */
	base = p->y;
	shift = ll[0].y0;
	double bottom = p->y;
	for (k = 0; k < n; k++) {
		if (ll[k].brk) {
			new_page(p);
			base = p->y;
			shift = ll[k].y0;
		}
		cairo_move_to(p->cr, x + ll[k].x, base + ll[k].base - shift);
		pango_cairo_show_layout_line(p->cr, ll[k].line);
		bottom = base + ll[k].y1 - shift;
	}
	p->y = bottom;
}

/* Height of the first n lines of l (all of them when it has fewer). */
static double
first_lines_height(PangoLayout *l, int n)
{
	PangoLayoutIter *it = pango_layout_get_iter(l);
	int y0, y1, top = 0, bot = 0;
	for (int i = 0; i < n; i++) {
		pango_layout_iter_get_line_yrange(it, &y0, &y1);
		if (i == 0)
			top = y0;
		bot = y1;
		if (!pango_layout_iter_next_line(it))
			break;
	}
	pango_layout_iter_free(it);
	return (bot - top) / PU;
}

static const char *
str(const char *s)
{
	return s ? s : "";
}

/* --- page 1: the header block --------------------------------------------------------- */

/* Draws the rule under a block: centred at xc, 3 pt under y; returns the new bottom. */
static double
rule_under(pdf_t *p, double xc, double y, double len)
{
	hrule(p, xc, y + 3, len, RULE_PT);
	return y + 3 + RULE_PT;
}

static double
height_or_0(PangoLayout *l)
{
	return l ? docr_pdf_height(l) : 0;
}

static void
unref_all(PangoLayout **ls, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ls[i])
			g_object_unref(ls[i]);
}

/* A layout of s at st's size, or 1 pt smaller when that keeps s to its own lines (one per
 * '\n'): Decree 30 allows 12-13 pt for the bodies' names, and "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"
 * in 13 pt bold would leave "TẠO" alone on a line. */
static PangoLayout *
fitted_layout(pdf_t *p, const char *s, const tstyle_t *st, double width)
{
	int want = 1;
	for (const char *c = s; *c; c++)
		want += *c == '\n';
	PangoLayout *l = text_layout(p, s, st, width);
	if (pango_layout_get_line_count(l) <= want)
		return l;
	tstyle_t small = *st;
	small.size -= 1;
	PangoLayout *l2 = text_layout(p, s, &small, width);
	if (pango_layout_get_line_count(l2) <= want) {
		g_object_unref(l);
		return l2;
	}
	g_object_unref(l2);
	return l;
}

/* The two columns of page 1: the bodies and "Số:" on the left, Quốc hiệu, Tiêu ngữ and
 * the place-date on the right, "Số:" and the place-date on one baseline. Text far too long
 * for a header (which would run off the page) is stacked and flowed instead. */
static void
header(pdf_t *p, const docr_t *d)
{
	double lw = HEAD_LEFT_MM * MM, lx = p->left, lc = lx + lw / 2;
	double rx = lx + lw, rw = p->width - lw, rc = rx + rw / 2, right = p->left + p->width;
	enum { PAR, BODY, QH, TN, NUM, DATE, VV, N };
	PangoLayout *l[N] = {0};

	tstyle_t up = {.size = 13, .align = PANGO_ALIGN_CENTER};
	if (*str(d->parent_body))
		l[PAR] = fitted_layout(p, d->parent_body, &up, lw);
	up.bold = 1;
	if (*str(d->body))
		l[BODY] = fitted_layout(p, d->body, &up, lw);
	/* Quốc hiệu on one line, 13 pt or 12 when 13 does not fit; Tiêu ngữ one size up. */
	tstyle_t qh = {.size = 13, .bold = 1, .align = PANGO_ALIGN_LEFT};
	l[QH] = text_layout(p, QUOC_HIEU, &qh, -1);
	if (widest_line(l[QH]) > rw) {
		g_object_unref(l[QH]);
		qh.size = 12;
		l[QH] = text_layout(p, QUOC_HIEU, &qh, -1);
	}
	qh.size += 1;
	l[TN] = text_layout(p, TIEU_NGU, &qh, -1);
	tstyle_t num = {.size = 13, .align = PANGO_ALIGN_CENTER};
	if (*str(d->number_line))
		l[NUM] = text_layout(p, d->number_line, &num, lw);
	tstyle_t date = {.size = 14, .italic = 1, .align = PANGO_ALIGN_CENTER};
	if (*str(d->place_date))
		l[DATE] = text_layout(p, d->place_date, &date, rw);
	tstyle_t vv = {.size = 12, .align = PANGO_ALIGN_CENTER};
	if (*str(d->vv))
		l[VV] = text_layout(p, d->vv, &vv, lw);

	double body_rule = l[BODY] ? widest_line(l[BODY]) * 0.4 : 0;
	double qw = widest_line(l[QH]), tw = widest_line(l[TN]);
	double qx = rc - qw / 2;
	if (qx + qw > right)
		qx = right - qw;

	double hl = height_or_0(l[PAR]) + height_or_0(l[BODY]) + (l[BODY] ? 3 + RULE_PT : 0);
	double hr = docr_pdf_height(l[QH]) + docr_pdf_height(l[TN]) + 3 + RULE_PT;
	double bn = l[NUM] ? layout_baseline(l[NUM]) : 0,
	       bp = l[DATE] ? layout_baseline(l[DATE]) : 0;
	double hrow =
	        (bn > bp ? bn : bp) + 8 +
	        (height_or_0(l[NUM]) - bn > height_or_0(l[DATE]) - bp ? height_or_0(l[NUM]) - bn
	                                                              : height_or_0(l[DATE]) - bp);
	double total = (hl > hr ? hl : hr) + hrow + (l[VV] ? 3 + docr_pdf_height(l[VV]) : 0);

	if (total > (p->bottom - p->top) * 0.6) {
		/* Stacked: each piece flows over pages like body text. */
		if (l[PAR])
			flow(p, l[PAR], lx);
		if (l[BODY]) {
			flow(p, l[BODY], lx);
			p->y = rule_under(p, lc, p->y, body_rule);
		}
		if (l[NUM])
			flow(p, l[NUM], lx);
		if (l[VV])
			flow(p, l[VV], lx);
		p->y += 8;
		flow(p, l[QH], qx);
		flow(p, l[TN], rc - tw / 2);
		p->y = rule_under(p, rc, p->y, tw);
		if (l[DATE])
			flow(p, l[DATE], rx);
		p->y += 14;
		unref_all(l, N);
		return;
	}

	double yl = p->y, yr = p->y;
	if (l[PAR]) {
		draw_layout(p, l[PAR], lx, yl);
		yl += docr_pdf_height(l[PAR]);
	}
	if (l[BODY]) {
		draw_layout(p, l[BODY], lx, yl);
		yl = rule_under(p, lc, yl + docr_pdf_height(l[BODY]), body_rule);
	}
	draw_layout(p, l[QH], qx, yr);
	yr += docr_pdf_height(l[QH]);
	draw_layout(p, l[TN], rc - tw / 2, yr);
	yr = rule_under(p, rc, yr + docr_pdf_height(l[TN]), tw);

	double base = (yl > yr ? yl : yr) + 8 + (bn > bp ? bn : bp);
	if (l[NUM]) {
		draw_layout(p, l[NUM], lx, base - bn);
		yl = base - bn + docr_pdf_height(l[NUM]);
	}
	if (l[DATE]) {
		draw_layout(p, l[DATE], rx, base - bp);
		yr = base - bp + docr_pdf_height(l[DATE]);
	}
	if (l[VV]) {
		draw_layout(p, l[VV], lx, yl + 3);
		yl += 3 + docr_pdf_height(l[VV]);
	}
	p->y = (yl > yr ? yl : yr) + 14;
	unref_all(l, N);
}

/* "KẾ HOẠCH" and its subject, with a short rule under them. */
static void
title_block(pdf_t *p, const docr_t *d)
{
	if (!*str(d->type_name))
		return;
	double xc = p->left + p->width / 2;
	tstyle_t st = {.size = 14, .bold = 1, .align = PANGO_ALIGN_CENTER};
	p->y += 4;
	PangoLayout *l = text_layout(p, d->type_name, &st, p->width);
	double w = widest_line(l);
	flow(p, l, p->left);
	g_object_unref(l);
	if (*str(d->subject)) {
		double sw = p->width * 0.85;
		l = text_layout(p, d->subject, &st, sw);
		w = widest_line(l);
		flow(p, l, p->left + (p->width - sw) / 2);
		g_object_unref(l);
	}
	hrule(p, xc, p->y + 3, w / 3, RULE_PT);
	p->y += 3 + RULE_PT + 14;
}

static void
kinh_gui(pdf_t *p, const docr_t *d)
{
	size_t n = d->kinh_gui ? d->nkinh_gui : 0;
	if (n == 0)
		return;
	tstyle_t st = {.size = 14, .align = PANGO_ALIGN_CENTER};
	PangoLayout *l;
	if (n == 1) {
		buf_t b = BUF_INIT;
		buf_puts(&b, "Kính gửi: ");
		append_valid(&b, d->kinh_gui[0]);
		l = text_layout(p, buf_cstr(&b), &st, p->width);
		buf_free(&b);
		flow(p, l, p->left);
		g_object_unref(l);
		p->y += 12;
		return;
	}

	/* "Kính gửi:" about 30 mm in, the list under it where "Kính gửi: " ends, each line
	 * "- …" with wrapped lines hanging under the text; further left when the longest
	 * addressee would otherwise wrap. */
	st.align = PANGO_ALIGN_LEFT;
	l = text_layout(p, "Kính gửi: ", &st, -1);
	double kgw = widest_line(l);
	g_object_unref(l);
	l = text_layout(p, "- ", &st, -1);
	double dash = widest_line(l);
	g_object_unref(l);
	double maxw = 0;
	for (size_t i = 0; i < n; i++) {
		l = text_layout(p, str(d->kinh_gui[i]), &st, -1);
		double w = widest_line(l) + dash;
		if (w > maxw)
			maxw = w;
		g_object_unref(l);
	}
	double off = p->width - kgw - maxw - 2;
	if (off > 30 * MM)
		off = 30 * MM;
	if (off < 0)
		off = 0;
	l = text_layout(p, "Kính gửi:", &st, -1);
	flow(p, l, p->left + off);
	g_object_unref(l);
	double lx = p->left + off + kgw;
	st.indent = -dash;
	buf_t b = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		buf_reset(&b);
		buf_puts(&b, "- ");
		append_valid(&b, d->kinh_gui[i]);
		l = text_layout(p, buf_cstr(&b), &st, p->left + p->width - lx);
		flow(p, l, lx);
		g_object_unref(l);
	}
	buf_free(&b);
	p->y += 12;
}

/* --- the body ------------------------------------------------------------------------- */

static tstyle_t
para_style(docr_style_t s, double size, int indent)
{
	tstyle_t st = {.size = size,
	               .align = PANGO_ALIGN_LEFT,
	               .justify = 1,
	               .indent = indent ? DOCR_INDENT_MM * MM : 0,
	               .spacing = LINE_SPACING};
	switch (s) {
	case DR_H1:
	case DR_H2: st.bold = 1; break;
	case DR_H3: st.bold = st.italic = 1; break;
	case DR_CENTER:
		st.align = PANGO_ALIGN_CENTER;
		st.justify = 0;
		st.indent = 0;
		break;
	case DR_PARA:
	default: break;
	}
	return st;
}

static PangoLayout *
body_layout(pdf_t *p, const docr_para_t *para)
{
	tstyle_t st = para_style(para->style, DOCR_BODY_PT, 1);
	return runs_layout(p, para, &st, p->width);
}

/* Paragraphs in the body style; a heading moves to the next page rather than sit alone at
 * the bottom of this one. */
static void
paragraphs(pdf_t *p, const docr_para_t *paras, size_t n)
{
	if (!paras)
		return;
	PangoLayout *next = n ? body_layout(p, &paras[0]) : NULL;
	for (size_t i = 0; i < n; i++) {
		PangoLayout *cur = next;
		next = i + 1 < n ? body_layout(p, &paras[i + 1]) : NULL;
		if (paras[i].style == DR_H1 || paras[i].style == DR_H2 || paras[i].style == DR_H3) {
			double need = docr_pdf_height(cur);
			if (next)
				need += DOCR_PARA_SPACE_PT + first_lines_height(next, 2);
			if (p->y + need > p->bottom + EPS && p->y > p->top + EPS)
				new_page(p);
		}
		flow(p, cur, p->left);
		p->y += DOCR_PARA_SPACE_PT;
		g_object_unref(cur);
	}
}

/* --- the signature row ---------------------------------------------------------------- */

static void
signature(pdf_t *p, const docr_t *d)
{
	size_t nn = d->noi_nhan ? d->nnoi_nhan : 0, ns = d->signer_lines ? d->nsigner_lines : 0;
	if (nn == 0 && ns == 0 && !*str(d->signer_name))
		return;
	double lw = p->width * SIGN_LEFT_FRAC, rw = p->width - lw;
	double lx = p->left, rx = p->left + lw;

	/* Build both columns, measure, then place: the row is kept on one page. */
	PangoLayout **left = xcalloc(size_add(nn, 1), sizeof *left);
	PangoLayout **rightc = xcalloc(size_add(ns, 1), sizeof *rightc);
	size_t nl = 0, nr = 0;
	if (nn > 0) {
		tstyle_t st = {.size = 12, .bold = 1, .italic = 1, .align = PANGO_ALIGN_LEFT};
		left[nl++] = text_layout(p, "Nơi nhận:", &st, lw);
		tstyle_t it = {.size = 11, .align = PANGO_ALIGN_LEFT};
		PangoLayout *dl = text_layout(p, "- ", &it, -1);
		it.indent = -widest_line(dl);
		g_object_unref(dl);
		buf_t b = BUF_INIT;
		for (size_t i = 0; i < nn; i++) {
			buf_reset(&b);
			buf_puts(&b, "- ");
			append_valid(&b, d->noi_nhan[i]);
			left[nl++] = text_layout(p, buf_cstr(&b), &it, lw - 6);
		}
		buf_free(&b);
	}
	tstyle_t sg = {.size = 14, .bold = 1, .align = PANGO_ALIGN_CENTER};
	for (size_t i = 0; i < ns; i++)
		rightc[nr++] = text_layout(p, str(d->signer_lines[i]), &sg, rw);
	size_t nsigners = nr;
	if (*str(d->signer_name))
		rightc[nr++] = text_layout(p, d->signer_name, &sg, rw);

	double hl = 0, hr = 0;
	for (size_t i = 0; i < nl; i++)
		hl += docr_pdf_height(left[i]);
	for (size_t i = 0; i < nr; i++)
		hr += docr_pdf_height(rightc[i]);
	hr += SIGN_SPACE_MM * MM;
	/* "Nơi nhận:" sits on the baseline of the first authority line. */
	double dl = 0;
	if (nl && nr)
		dl = layout_baseline(rightc[0]) - layout_baseline(left[0]);
	double h = hl + dl > hr ? hl + dl : hr;

	p->y += 6;
	if (h > p->bottom - p->top) {
		/* Taller than a page (absurdly long lines): the columns one after the other. */
		for (size_t i = 0; i < nl; i++) {
			flow(p, left[i], lx);
			g_object_unref(left[i]);
		}
		for (size_t i = 0; i < nr; i++) {
			if (i == nsigners)
				p->y += SIGN_SPACE_MM * MM;
			flow(p, rightc[i], rx);
			g_object_unref(rightc[i]);
		}
		free(left);
		free(rightc);
		return;
	}
	if (p->y + h > p->bottom + EPS && p->y > p->top + EPS)
		new_page(p);
	double y = p->y + dl;
	for (size_t i = 0; i < nl; i++) {
		draw_layout(p, left[i], lx, y);
		y += docr_pdf_height(left[i]);
		g_object_unref(left[i]);
	}
	y = p->y;
	for (size_t i = 0; i < nr; i++) {
		if (i == nsigners)
			y += SIGN_SPACE_MM * MM;
		draw_layout(p, rightc[i], rx, y);
		y += docr_pdf_height(rightc[i]);
		g_object_unref(rightc[i]);
	}
	free(left);
	free(rightc);
	p->y += h;
}

/* --- annexes and their tables --------------------------------------------------------- */

/* One line of a table cell: its layout's line and its position inside the cell's text. */
typedef struct cline {
	PangoLayoutLine *line;
	double x, base, h;
} cline_t;

typedef struct ccell {
	PangoLayout **layouts;
	size_t nlayouts;
	cline_t *lines;
	size_t nlines, next; /* next: the first line not drawn yet */
} ccell_t;

static void
cell_add_layout(ccell_t *c, PangoLayout *l)
{
	c->layouts = xrealloc(c->layouts, size_mul(c->nlayouts + 1, sizeof *c->layouts));
	c->layouts[c->nlayouts++] = l;
	PangoLayoutIter *it = pango_layout_get_iter(l);
	do {
		PangoRectangle log;
		int y0, y1;
		pango_layout_iter_get_line_extents(it, NULL, &log);
		pango_layout_iter_get_line_yrange(it, &y0, &y1);
		c->lines = xrealloc(c->lines, size_mul(c->nlines + 1, sizeof *c->lines));
		c->lines[c->nlines++] = (cline_t){
		        .line = pango_layout_iter_get_line_readonly(it),
		        .x = log.x / PU,
		        .base = (pango_layout_iter_get_baseline(it) - y0) / PU,
		        .h = (y1 - y0) / PU,
		};
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
}

static void
cell_free(ccell_t *c)
{
	for (size_t i = 0; i < c->nlayouts; i++)
		g_object_unref(c->layouts[i]);
	free(c->layouts);
	free(c->lines);
	memset(c, 0, sizeof *c);
}

static double
cell_rest(const ccell_t *c)
{
	double h = 0;
	for (size_t i = c->next; i < c->nlines; i++)
		h += c->lines[i].h;
	return h;
}

typedef struct tbl {
	size_t ncols;
	double *x, *w; /* column left edges and widths, points */
	double pad, minh;
	ccell_t *head; /* the header row, built once */
	double head_h;
	int repeat_head;
} tbl_t;

/* Draws the rest of each cell's lines that fit in avail, and the cells' borders of height
 * h at the cursor; returns how many lines it drew. */
static size_t
draw_row(pdf_t *p, tbl_t *t, ccell_t *cells, double avail, double h, int restart)
{
	size_t drawn = 0;
	for (size_t c = 0; c < t->ncols; c++) {
		ccell_t *cell = &cells[c];
		if (restart)
			cell->next = 0;
		double y = p->y + t->pad;
		while (cell->next < cell->nlines &&
		       y + cell->lines[cell->next].h <= p->y + avail - t->pad + EPS) {
			cline_t *ln = &cell->lines[cell->next++];
			cairo_move_to(p->cr, t->x[c] + t->pad + ln->x, y + ln->base);
			pango_cairo_show_layout_line(p->cr, ln->line);
			y += ln->h;
			drawn++;
		}
		cairo_rectangle(p->cr, t->x[c], p->y, t->w[c], h);
	}
	cairo_set_line_width(p->cr, BORDER_PT);
	cairo_stroke(p->cr);
	p->y += h;
	return drawn;
}

static void
table_head(pdf_t *p, tbl_t *t)
{
	draw_row(p, t, t->head, t->head_h, t->head_h, 1);
}

static void
table_new_page(pdf_t *p, tbl_t *t)
{
	new_page(p);
	if (t->repeat_head)
		table_head(p, t);
}

/* Height of the rest of a row's cells, padding included. */
static double
row_rest(const tbl_t *t, const ccell_t *cells)
{
	double rest = 0;
	for (size_t c = 0; c < t->ncols; c++) {
		double h = cell_rest(&cells[c]);
		if (h > rest)
			rest = h;
	}
	return (rest < t->minh ? t->minh : rest) + 2 * t->pad;
}

/* Draws a row at the cursor. A row that fits on a page goes whole to the next page when
 * it does not fit on this one; a taller one is cut between lines, filling this page first
 * when a few lines fit. */
static void
table_row(pdf_t *p, tbl_t *t, ccell_t *cells)
{
	double cap = p->bottom - p->top - (t->repeat_head ? t->head_h : 0);
	for (;;) {
		double rest = row_rest(t, cells);
		double avail = p->bottom - p->y;
		if (rest <= avail + EPS) {
			draw_row(p, t, cells, rest, rest, 0);
			return;
		}
		if ((rest <= cap + EPS || avail < 3 * t->minh) && p->y > p->top + EPS) {
			table_new_page(p, t);
			continue;
		}
		if (NEVER(draw_row(p, t, cells, avail, avail, 0) == 0 && avail >= 3 * t->minh)) {
			/* Not a line fits on a whole page: cannot happen with 13 pt text. */
			for (size_t c = 0; c < t->ncols; c++)
				cells[c].next = cells[c].nlines;
			return;
		}
		table_new_page(p, t);
	}
}

static void
build_cell(pdf_t *p, ccell_t *cell, const docr_cell_t *src, double w)
{
	for (size_t i = 0; src && src->lines && i < src->nlines; i++) {
		tstyle_t st = para_style(src->lines[i].style, 13, 0);
		st.justify = 0;
		st.spacing = 0;
		cell_add_layout(cell, runs_layout(p, &src->lines[i], &st, w));
	}
}

static void
table(pdf_t *p, const docr_table_t *tb)
{
	size_t nc = tb->ncols;
	if (nc == 0)
		return;
	tbl_t t = {.ncols = nc, .pad = CELL_PAD_MM * MM};
	t.x = xcalloc(nc, sizeof *t.x);
	t.w = xcalloc(nc, sizeof *t.w);
	/* Widths in proportion to widths_mm over the text width (they should sum to it). */
	double sum = 0;
	for (size_t c = 0; c < nc; c++)
		sum += tb->widths_mm && tb->widths_mm[c] > 0 ? tb->widths_mm[c] : 0;
	for (size_t c = 0; c < nc; c++) {
		double wmm = tb->widths_mm && tb->widths_mm[c] > 0 ? tb->widths_mm[c] : 0;
		t.w[c] = sum > 0 ? wmm / sum * p->width : p->width / (double)nc;
		t.x[c] = c ? t.x[c - 1] + t.w[c - 1] : p->left;
	}

	tstyle_t hs = {.size = 13, .bold = 1, .align = PANGO_ALIGN_CENTER};
	tstyle_t one = {.size = 13, .align = PANGO_ALIGN_LEFT};
	PangoLayout *probe = text_layout(p, "Ag", &one, -1);
	t.minh = docr_pdf_height(probe);
	g_object_unref(probe);

	t.head = xcalloc(nc, sizeof *t.head);
	for (size_t c = 0; c < nc; c++) {
		double cw = t.w[c] - 2 * t.pad;
		const char *h = tb->headers ? str(tb->headers[c]) : "";
		cell_add_layout(&t.head[c], text_layout(p, h, &hs, cw > 1 ? cw : 1));
	}
	t.head_h = row_rest(&t, t.head);
	double page_h = p->bottom - p->top;
	t.repeat_head = t.head_h < page_h / 3;

	ccell_t *cells = xcalloc(nc, sizeof *cells);
	for (size_t r = 0; r < tb->nrows; r++) {
		for (size_t c = 0; c < nc; c++) {
			double cw = t.w[c] - 2 * t.pad;
			build_cell(p, &cells[c], tb->cells ? &tb->cells[r * nc + c] : NULL,
			           cw > 1 ? cw : 1);
		}
		if (r == 0) {
			/* The header never sits alone at the bottom of a page. */
			double need = row_rest(&t, cells);
			double first = need < page_h / 2 ? need : page_h / 4;
			if (p->y + t.head_h + first > p->bottom + EPS && p->y > p->top + EPS)
				new_page(p);
			if (t.repeat_head)
				table_head(p, &t);
			else
				table_row(p, &t, t.head);
		}
		table_row(p, &t, cells);
		for (size_t c = 0; c < nc; c++)
			cell_free(&cells[c]);
	}
	if (tb->nrows == 0) {
		if (t.repeat_head)
			table_head(p, &t);
		else
			table_row(p, &t, t.head);
	}
	free(cells);
	for (size_t c = 0; c < nc; c++)
		cell_free(&t.head[c]);
	free(t.head);
	free(t.x);
	free(t.w);
	p->y += 8;
}

/* One line of the results form (src/export/phuluc.h) outside its table. */
static void
form_line(pdf_t *p, const phl_line_t *ln, const phl_line_t *prev)
{
	tstyle_t st = para_style(DR_PARA, DOCR_BODY_PT, 0);
	st.justify = 0;
	switch (ln->kind) {
	case PHL_NUMBER: st.size = 13; break;
	case PHL_PLACE_DATE:
		st.italic = 1;
		st.align = PANGO_ALIGN_RIGHT;
		break;
	case PHL_TITLE:
		if (prev && prev->kind != PHL_TITLE)
			p->y += 8;
		st.bold = 1;
		st.align = PANGO_ALIGN_CENTER;
		break;
	case PHL_CENTER: st.align = PANGO_ALIGN_CENTER; break;
	case PHL_CENTER_ITALIC:
		st.italic = 1;
		st.align = PANGO_ALIGN_CENTER;
		break;
	case PHL_HEADING:
		if (prev && prev->kind != PHL_HEADING)
			p->y += DOCR_PARA_SPACE_PT;
		st.bold = 1;
		break;
	case PHL_LABEL:
	case PHL_NOTE: st.italic = 1; break;
	case PHL_TEXT:
		st.justify = 1;
		st.indent = DOCR_INDENT_MM * MM;
		break;
	case PHL_ROW: return;
	case PHL_CLOSING: {
		/* "Nơi nhận:" on the left, "THỦ TRƯỞNG ĐƠN VỊ" centred on the right half */
		double half = p->width / 2;
		tstyle_t l = {.size = 12, .bold = 1, .italic = 1, .align = PANGO_ALIGN_LEFT};
		tstyle_t r = {.size = 14, .bold = 1, .align = PANGO_ALIGN_CENTER};
		PangoLayout *ll = text_layout(p, ln->text, &l, half);
		PangoLayout *rl = text_layout(p, ln->right, &r, half);
		double h = docr_pdf_height(rl);
		p->y += 12;
		if (p->y + h > p->bottom + EPS && p->y > p->top + EPS)
			new_page(p);
		draw_layout(p, ll, p->left, p->y + layout_baseline(rl) - layout_baseline(ll));
		draw_layout(p, rl, p->left + half, p->y);
		p->y += h;
		g_object_unref(ll);
		g_object_unref(rl);
		return;
	}
	}
	PangoLayout *l = text_layout(p, ln->text, &st, p->width);
	flow(p, l, p->left);
	g_object_unref(l);
}

/* The results form: its lines in order, each run of rows one table (the rows of
 * a->table, which holds them in the same order). */
static void
annex_form(pdf_t *p, const docr_annex_t *a)
{
	const phl_layout_t *f = a->form;
	size_t row = 0;
	for (size_t i = 0; i < f->n;) {
		if (f->lines[i].kind != PHL_ROW) {
			form_line(p, &f->lines[i], i ? &f->lines[i - 1] : NULL);
			i++;
			continue;
		}
		size_t j = i;
		while (j < f->n && f->lines[j].kind == PHL_ROW)
			j++;
		if (a->table && row + (j - i) <= a->table->nrows) {
			docr_table_t part = *a->table;
			part.cells = a->table->cells + row * part.ncols;
			part.nrows = j - i;
			p->y += 4;
			table(p, &part);
		}
		row += j - i;
		i = j;
	}
}

static void
annex(pdf_t *p, const docr_annex_t *a)
{
	new_page(p);
	tstyle_t st = {.size = 14, .bold = 1, .align = PANGO_ALIGN_CENTER};
	PangoLayout *l;
	if (*str(a->label)) {
		l = text_layout(p, a->label, &st, p->width);
		flow(p, l, p->left);
		g_object_unref(l);
	}
	if (*str(a->title)) {
		l = text_layout(p, a->title, &st, p->width);
		flow(p, l, p->left);
		g_object_unref(l);
	}
	if (*str(a->subtitle)) {
		st.bold = 0;
		st.italic = 1;
		l = text_layout(p, a->subtitle, &st, p->width);
		flow(p, l, p->left);
		g_object_unref(l);
	}
	p->y += 12;
	if (a->form) {
		paragraphs(p, a->before, a->nintro);
		annex_form(p, a);
		return;
	}
	paragraphs(p, a->before, a->nbefore);
	if (a->table)
		table(p, a->table);
	paragraphs(p, a->after, a->nafter);
}

/* --- the surface ---------------------------------------------------------------------- */

static cairo_status_t
write_buf(void *closure, const unsigned char *data, unsigned int len)
{
	buf_append(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

static void
set_meta(cairo_surface_t *s, cairo_pdf_metadata_t key, const char *v)
{
	if (!*str(v))
		return;
	buf_t b = BUF_INIT;
	append_valid(&b, v);
	cairo_pdf_surface_set_metadata(s, key, buf_cstr(&b));
	buf_free(&b);
}

static int
fail(buf_t *out, size_t len0, char *err, size_t errlen, cairo_status_t st)
{
	if (out->data) {
		out->len = len0;
		out->data[len0] = '\0';
	}
	if (err && errlen)
		snprintf(err, errlen, "Không tạo được tệp PDF: %s.", cairo_status_to_string(st));
	return -1;
}

int
docr_render_pdf(const docr_t *d, buf_t *out, char *err, size_t errlen)
{
	if (!d || !out) {
		if (err && errlen)
			snprintf(err, errlen, "Không tạo được tệp PDF: thiếu nội dung văn bản.");
		return -1;
	}
	pthread_once(&family_once, pick_family);
	size_t len0 = out->len;

	pdf_t p = {0};
	p.top = DOCR_MARGIN_TOP_MM * MM;
	p.bottom = (DOCR_PAGE_H_MM - DOCR_MARGIN_BOTTOM_MM) * MM;
	p.left = DOCR_MARGIN_LEFT_MM * MM;
	p.width = (DOCR_PAGE_W_MM - DOCR_MARGIN_LEFT_MM - DOCR_MARGIN_RIGHT_MM) * MM;

	p.surf = cairo_pdf_surface_create_for_stream(write_buf, out, DOCR_PAGE_W_MM * MM,
	                                             DOCR_PAGE_H_MM * MM);
	cairo_status_t st = cairo_surface_status(p.surf);
	if (st != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(p.surf);
		return fail(out, len0, err, errlen, st);
	}
	set_meta(p.surf, CAIRO_PDF_METADATA_TITLE, d->meta_title);
	set_meta(p.surf, CAIRO_PDF_METADATA_AUTHOR, d->meta_author);
	cairo_pdf_surface_set_metadata(p.surf, CAIRO_PDF_METADATA_CREATOR, "suotdoi");
	p.cr = cairo_create(p.surf);
	cairo_set_source_rgb(p.cr, 0, 0, 0);

	/* The thread's default font map (pango keeps one per thread) and a context of our own
	 * at 72 dpi, unhinted like the PDF surface, so one unit is one point. */
	p.pc = pango_font_map_create_context(pango_cairo_font_map_get_default());
	pango_cairo_update_context(p.cr, p.pc);
	pango_cairo_context_set_resolution(p.pc, 72);
	pango_context_set_round_glyph_positions(p.pc, FALSE);

	new_page(&p);
	header(&p, d);
	title_block(&p, d);
	kinh_gui(&p, d);
	paragraphs(&p, d->paras, d->nparas);
	signature(&p, d);
	for (size_t i = 0; d->annexes && i < d->nannexes; i++)
		annex(&p, &d->annexes[i]);
	cairo_show_page(p.cr);

	st = cairo_status(p.cr);
	g_object_unref(p.pc);
	free(p.ll);
	buf_free(&p.text);
	cairo_destroy(p.cr);
	cairo_surface_finish(p.surf);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(p.surf);
	cairo_surface_destroy(p.surf);
	if (st != CAIRO_STATUS_SUCCESS)
		return fail(out, len0, err, errlen, st);
	return 0;
}
