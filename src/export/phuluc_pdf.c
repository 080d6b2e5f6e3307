/* The compiled results form (seed 003's báo cáo form) as PDF: the lines of phuluc_layout
 * (phuluc.c) drawn in order -- Số and date lines, title, narrative sections as flowing
 * paragraphs, the table TT | Nội dung hoạt động | Kết quả, Số lượng | Ghi chú with its header
 * row repeated at the top of every page it continues on, the closing row -- and "Trang n/N"
 * at the foot of each page. cairo's PDF surface and pango, with the font of the documents'
 * renderer (src/docs/render_pdf.c). Two passes: the first only counts the pages. */
#include "export/phuluc.h"

#include <stdio.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include "docs/render.h"
#include "text/text.h"

#define MM (72.0 / 25.4) /* points per millimetre */
#define PU ((double)PANGO_SCALE)
#define EPS 0.01

#define PAGE_W_MM 210.0 /* A4 portrait: four columns fit */
#define PAGE_H_MM 297.0
#define MARGIN_TOP_MM 20.0
#define MARGIN_BOTTOM_MM 20.0
#define MARGIN_LEFT_MM 25.0
#define MARGIN_RIGHT_MM 15.0
#define FOOT_MM 10.0 /* "Trang n/N": its baseline this far above the page's bottom edge */
#define BODY_PT 12.0
#define TITLE_PT 13.0
#define SMALL_PT 10.0
#define CELL_PAD_MM 1.2
#define INDENT_MM 4.0 /* one step of a sub-line's indent */
#define BORDER_PT 0.5
#define NCOLS 4

/* Column widths in mm; they sum to the text width (210 - 25 - 15). */
static const double col_mm[NCOLS] = {12.0, 100.0, 32.0, 26.0};

typedef struct style {
	double size;
	int bold, italic;
	PangoAlignment align;
} style_t;

static const style_t S_BODY = {BODY_PT, 0, 0, PANGO_ALIGN_LEFT};
static const style_t S_BOLD = {BODY_PT, 1, 0, PANGO_ALIGN_LEFT};
static const style_t S_ITALIC = {BODY_PT, 0, 1, PANGO_ALIGN_LEFT};
static const style_t S_TITLE = {TITLE_PT, 1, 0, PANGO_ALIGN_CENTER};
static const style_t S_CENTER = {BODY_PT, 0, 0, PANGO_ALIGN_CENTER};
static const style_t S_CENTER_ITALIC = {BODY_PT, 0, 1, PANGO_ALIGN_CENTER};
static const style_t S_RIGHT_ITALIC = {BODY_PT, 0, 1, PANGO_ALIGN_RIGHT};
static const style_t S_TH = {BODY_PT, 1, 0, PANGO_ALIGN_CENTER};
static const style_t S_NUM = {BODY_PT, 0, 0, PANGO_ALIGN_RIGHT};
static const style_t S_SIGN = {BODY_PT, 1, 0, PANGO_ALIGN_CENTER};
static const style_t S_FOOT = {SMALL_PT, 0, 0, PANGO_ALIGN_CENTER};

typedef struct pp {
	const phuluc_t *p;
	cairo_t *cr; /* NULL on the counting pass */
	PangoContext *pc;
	const char *family;
	int page, pages; /* current page (1-based; 0 before the first); total (0 while counting) */
	double y;        /* top of the next thing to draw */
	double top, bottom, left, width;
	int in_table; /* a new page starts with the table's header row */
	buf_t text;   /* scratch: cleaned text */
} pp_t;

/* s as pango takes it: valid UTF-8 (U+FFFD for bad bytes), "\r\n" and "\r" as "\n". */
static const char *
clean(pp_t *pp, const char *s)
{
	buf_reset(&pp->text);
	if (!s)
		return buf_cstr(&pp->text);
	gchar *v = g_utf8_validate(s, -1, NULL) ? NULL : g_utf8_make_valid(s, -1);
	for (const char *q = v ? v : s; *q; q++) {
		if (*q == '\r') {
			if (q[1] != '\n')
				buf_putc(&pp->text, '\n');
			continue;
		}
		buf_putc(&pp->text, *q);
	}
	g_free(v);
	return buf_cstr(&pp->text);
}

static PangoLayout *
layout(pp_t *pp, const char *s, const style_t *st, double width)
{
	PangoLayout *l = pango_layout_new(pp->pc);
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family_static(fd, pp->family);
	pango_font_description_set_absolute_size(fd, st->size * PU);
	pango_font_description_set_weight(fd, st->bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_font_description_set_style(fd, st->italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(l, (int)(width * PU));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(l, st->align);
	const char *t = clean(pp, s);
	pango_layout_set_text(l, t, (int)strlen(t));
	return l;
}

static double
height_of(PangoLayout *l)
{
	PangoRectangle log;
	pango_layout_get_extents(l, NULL, &log);
	return log.height / PU;
}

static void
show(pp_t *pp, PangoLayout *l, double x, double y)
{
	if (!pp->cr)
		return;
	cairo_move_to(pp->cr, x, y);
	pango_cairo_show_layout(pp->cr, l);
}

static void table_header(pp_t *pp);

/* The page's foot, then a new page (with the table's header row inside a table). */
static void
new_page(pp_t *pp)
{
	if (pp->page > 0 && pp->cr) {
		char foot[64];
		if (pp->pages > 0)
			snprintf(foot, sizeof foot, "Trang %d/%d", pp->page, pp->pages);
		else
			snprintf(foot, sizeof foot, "Trang %d", pp->page);
		PangoLayout *l = layout(pp, foot, &S_FOOT, pp->width);
		show(pp, l, pp->left, (PAGE_H_MM - FOOT_MM) * MM - height_of(l));
		g_object_unref(l);
		cairo_show_page(pp->cr);
	}
	pp->page++;
	pp->y = pp->top;
	if (pp->in_table)
		table_header(pp);
}

/* Text flowing line by line from the cursor across pages, in the text width with x
 * added to its left (an indent). */
static void
flow(pp_t *pp, const char *s, const style_t *st, double x)
{
	PangoLayout *l = layout(pp, s, st, pp->width - x);
	PangoLayoutIter *it = pango_layout_get_iter(l);
	double origin = pp->y; /* where the layout's top lies on this page */
	do {
		PangoRectangle log;
		pango_layout_iter_get_line_extents(it, NULL, &log);
		double y0 = origin + log.y / PU, y1 = y0 + log.height / PU;
		if (y1 > pp->bottom + EPS && y0 > pp->top + EPS) {
			new_page(pp);
			origin = pp->y - log.y / PU;
			y1 = pp->y + log.height / PU;
		}
		if (pp->cr) {
			cairo_move_to(pp->cr, pp->left + x + log.x / PU,
			              origin + pango_layout_iter_get_baseline(it) / PU);
			pango_cairo_show_layout_line(pp->cr,
			                             pango_layout_iter_get_line_readonly(it));
		}
		pp->y = y1;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	g_object_unref(l);
}

/* ---- the table ---- */

typedef struct cell {
	const char *text;
	const style_t *st;
	double indent; /* points, inside the cell's padding */
} cell_t;

/* One row of cells; span23 joins the last two columns (a text answer). */
static void
table_row(pp_t *pp, const cell_t *cells, int span23)
{
	double pad = CELL_PAD_MM * MM;
	PangoLayout *l[NCOLS] = {0};
	double w[NCOLS], h = 0;
	int n = span23 ? NCOLS - 1 : NCOLS;
	for (int k = 0; k < n; k++) {
		w[k] = col_mm[k] * MM;
		if (span23 && k == 2)
			w[k] += col_mm[3] * MM;
		l[k] = layout(pp, cells[k].text, cells[k].st, w[k] - 2 * pad - cells[k].indent);
		double hk = height_of(l[k]) + 2 * pad;
		if (hk > h)
			h = hk;
	}
	/* a row does not split: it goes to the next page (under the repeated header) unless
	 * it is the first row there already */
	if (pp->y + h > pp->bottom + EPS && pp->y > pp->top + EPS) {
		int header_only = pp->in_table && pp->y <= pp->top + EPS;
		if (!header_only)
			new_page(pp);
	}
	double x = pp->left;
	for (int k = 0; k < n; k++) {
		show(pp, l[k], x + pad + cells[k].indent, pp->y + pad);
		if (pp->cr) {
			cairo_set_line_width(pp->cr, BORDER_PT);
			cairo_rectangle(pp->cr, x, pp->y, w[k], h);
			cairo_stroke(pp->cr);
		}
		x += w[k];
		g_object_unref(l[k]);
	}
	pp->y += h;
}

static void
table_header(pp_t *pp)
{
	cell_t c[NCOLS];
	for (int k = 0; k < NCOLS; k++)
		c[k] = (cell_t){phuluc_headers[k], &S_TH, 0};
	int saved = pp->in_table;
	pp->in_table = 0; /* the header never calls for another header */
	table_row(pp, c, 0);
	pp->in_table = saved;
}

/* One table row of the layout. */
static void
table_line(pp_t *pp, const phl_line_t *ln)
{
	cell_t c[NCOLS] = {{ln->tt, &S_CENTER, 0},
	                   {ln->text, ln->bold ? &S_BOLD : &S_BODY, 0},
	                   {ln->value, &S_NUM, 0},
	                   {ln->note, &S_CENTER, 0}};
	c[1].indent = (double)ln->indent * INDENT_MM * MM;
	if (!ln->numeric)
		c[2].st = !strcmp(ln->value, "Có") || !strcmp(ln->value, "Không") ? &S_CENTER
		                                                                  : &S_BODY;
	table_row(pp, c, ln->span);
}

/* "Nơi nhận:" on the left, the head of the unit signs on the right, on one line. */
static void
signature(pp_t *pp, const phl_line_t *ln)
{
	double half = pp->width / 2;
	PangoLayout *a = layout(pp, ln->text, &S_ITALIC, half);
	PangoLayout *b = layout(pp, ln->right, &S_SIGN, half);
	double h = height_of(b);
	pp->y += BODY_PT;
	if (pp->y + h > pp->bottom + EPS)
		new_page(pp);
	show(pp, a, pp->left, pp->y);
	show(pp, b, pp->left + half, pp->y);
	pp->y += h;
	g_object_unref(a);
	g_object_unref(b);
}

/* The form: the lines of phuluc_layout, drawn in order. */
static void
form(pp_t *pp)
{
	arena_t a = ARENA_INIT;
	phl_layout_t lay;
	phuluc_layout(pp->p, &a, &lay);
	new_page(pp);
	for (size_t i = 0; i < lay.n; i++) {
		const phl_line_t *ln = &lay.lines[i];
		if (ln->kind == PHL_ROW && !pp->in_table) {
			table_header(pp);
			pp->in_table = 1;
		} else if (ln->kind != PHL_ROW && pp->in_table) {
			pp->in_table = 0;
			pp->y += BODY_PT * 0.5;
		}
		switch (ln->kind) {
		case PHL_NUMBER: flow(pp, ln->text, &S_BODY, 0); break;
		case PHL_PLACE_DATE: flow(pp, ln->text, &S_RIGHT_ITALIC, 0); break;
		case PHL_TITLE:
			if (i > 0 && lay.lines[i - 1].kind != PHL_TITLE)
				pp->y += BODY_PT * 0.5;
			flow(pp, ln->text, &S_TITLE, 0);
			break;
		case PHL_CENTER: flow(pp, ln->text, &S_CENTER, 0); break;
		case PHL_CENTER_ITALIC: flow(pp, ln->text, &S_CENTER_ITALIC, 0); break;
		case PHL_HEADING:
			if (i > 0 && lay.lines[i - 1].kind != PHL_HEADING)
				pp->y += BODY_PT * 0.5;
			flow(pp, ln->text, &S_BOLD, 0);
			break;
		case PHL_LABEL:
		case PHL_NOTE: flow(pp, ln->text, &S_ITALIC, 0); break;
		case PHL_TEXT: flow(pp, ln->text, &S_BODY, 0); break;
		case PHL_ROW: table_line(pp, ln); break;
		case PHL_CLOSING: signature(pp, ln); break;
		}
	}
	pp->in_table = 0;
	arena_free(&a);
}

static void
init(pp_t *pp, const phuluc_t *p, cairo_t *cr, PangoContext *pc, int pages)
{
	*pp = (pp_t){
	        .p = p,
	        .cr = cr,
	        .pc = pc,
	        .family = docr_pdf_font_family(),
	        .pages = pages,
	        .top = MARGIN_TOP_MM * MM,
	        .bottom = (PAGE_H_MM - MARGIN_BOTTOM_MM) * MM,
	        .left = MARGIN_LEFT_MM * MM,
	        .width = (PAGE_W_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM) * MM,
	        .text = BUF_INIT,
	};
}

static cairo_status_t
write_buf(void *closure, const unsigned char *data, unsigned int len)
{
	buf_append(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

static cairo_status_t
discard(void *closure, const unsigned char *data, unsigned int len)
{
	(void)closure;
	(void)data;
	(void)len;
	return CAIRO_STATUS_SUCCESS;
}

int
phuluc_write_pdf(const phuluc_t *p, buf_t *out, char *err, size_t errlen)
{
	if (!p || !p->tpl || !out) {
		if (err && errlen)
			snprintf(err, errlen,
			         "Chưa có mẫu báo cáo để xuất Phụ lục; hãy chọn mẫu rồi thử lại.");
		return -1;
	}
	size_t len0 = out->len;
	/* a context of our own at 72 dpi, unhinted like the PDF surface: one unit, one point
	 * (pango contexts are not shared between threads) */
	PangoContext *pc = pango_font_map_create_context(pango_cairo_font_map_get_default());
	pango_cairo_context_set_resolution(pc, 72);
	pango_context_set_round_glyph_positions(pc, FALSE);

	/* pass 1: count the pages, measuring with the same surface's font options */
	cairo_surface_t *probe =
	        cairo_pdf_surface_create_for_stream(discard, NULL, PAGE_W_MM * MM, PAGE_H_MM * MM);
	cairo_t *pcr = cairo_create(probe);
	pango_cairo_update_context(pcr, pc);
	pp_t pp;
	init(&pp, p, NULL, pc, 0);
	form(&pp);
	int pages = pp.page;
	buf_free(&pp.text);
	cairo_destroy(pcr);
	cairo_surface_destroy(probe);

	/* pass 2: draw */
	cairo_surface_t *surf =
	        cairo_pdf_surface_create_for_stream(write_buf, out, PAGE_W_MM * MM, PAGE_H_MM * MM);
	cairo_status_t st = cairo_surface_status(surf);
	if (st == CAIRO_STATUS_SUCCESS) {
		buf_t title = BUF_INIT;
		buf_puts(&title, "Phụ lục — báo cáo tổng hợp số liệu");
		if (p->unit_name && p->unit_name[0])
			buf_printf(&title, " — %s", p->unit_name);
		gchar *v = g_utf8_make_valid(buf_cstr(&title), -1);
		cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, v);
		g_free(v);
		buf_free(&title);
		cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "suotdoi");
		cairo_t *cr = cairo_create(surf);
		cairo_set_source_rgb(cr, 0, 0, 0);
		pango_cairo_update_context(cr, pc);
		init(&pp, p, cr, pc, pages);
		form(&pp);
		pp.in_table = 0;
		new_page(&pp); /* the last page's foot (the page opened after it is dropped) */
		buf_free(&pp.text);
		st = cairo_status(cr);
		cairo_destroy(cr);
		cairo_surface_finish(surf);
		if (st == CAIRO_STATUS_SUCCESS)
			st = cairo_surface_status(surf);
	}
	cairo_surface_destroy(surf);
	g_object_unref(pc);
	if (st != CAIRO_STATUS_SUCCESS) {
		out->len = len0;
		if (err && errlen)
			snprintf(err, errlen, "Không tạo được tệp PDF của Phụ lục (%s).",
			         cairo_status_to_string(st));
		return -1;
	}
	return 0;
}
