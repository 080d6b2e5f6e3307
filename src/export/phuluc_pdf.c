/* The compiled results form (Phụ lục of seed 003) as PDF, laid out like the XLSX of
 * phuluc.c and the paper original: title block, narrative sections as flowing paragraphs,
 * the table STT | Nội dung hoạt động | Kết quả, Số lượng | Ghi chú with its header row
 * repeated at the top of every page it continues on, the signature footer, and "Trang n/N"
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
static const char *const col_head[NCOLS] = {"STT", "Nội dung hoạt động", "Kết quả, Số lượng",
                                            "Ghi chú"};

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
		c[k] = (cell_t){col_head[k], &S_TH, 0};
	int saved = pp->in_table;
	pp->in_table = 0; /* the header never calls for another header */
	table_row(pp, c, 0);
	pp->in_table = saved;
}

static int
has_value(const phuluc_t *p, int col)
{
	return col >= 0 && (size_t)col < p->tpl->ncols && p->num && p->has && p->has[col];
}

static const char *
text_value(const phuluc_t *p, int tcol)
{
	if (tcol < 0 || (size_t)tcol >= p->tpl->ntexts || !p->text || !p->text[tcol])
		return "";
	return p->text[tcol];
}

/* One table line for item it, as the XLSX writes it (prev: the item above, or NULL). */
static void
table_item(pp_t *pp, const tpl_item_t *it, const tpl_item_t *prev)
{
	const phuluc_t *p = pp->p;
	buf_t label = BUF_INIT, value = BUF_INIT;
	cell_t c[NCOLS] = {
	        {"", &S_CENTER, 0}, {"", &S_BODY, 0}, {"", &S_NUM, 0}, {"", &S_CENTER, 0}};
	int group = phuluc_is_group_line(it);
	const char *l0 = it->label ? it->label : "";
	if (group) {
		c[0].text = it->number ? it->number : "";
		buf_puts(&label, l0);
		c[1].st = &S_BOLD;
	} else {
		const char *marker;
		size_t indent;
		phuluc_subline(it, prev, &marker, &indent);
		if (l0[0] != '-' && l0[0] != '+')
			buf_puts(&label, marker);
		buf_puts(&label, l0);
		c[1].indent = (double)indent * INDENT_MM * MM;
	}
	const char *measure = phuluc_measure(p, it);
	if (measure[0])
		buf_printf(&label, " (%s)", measure);
	c[1].text = buf_cstr(&label);
	int span = 0;
	const char *note = phuluc_note(p, it);
	if (it->heading || it->type == TPL_PHOTOS) {
		/* a group heading: nothing to its right */
	} else if (it->type == TPL_TEXT) {
		c[2] = (cell_t){text_value(p, it->tcol), &S_BODY, 0};
		if (note[0]) /* the text, and its note beside it */
			c[3].text = note;
		else
			span = 1;
	} else {
		if (!has_value(p, it->col)) {
			/* blank: nothing reported */
		} else if (it->type == TPL_BOOL && p->nreports <= 1) {
			buf_puts(&value, p->num[it->col] ? "Có" : "Không");
			c[2].st = &S_CENTER;
		} else {
			text_format_int(p->num[it->col], &value);
		}
		c[2].text = buf_cstr(&value);
		c[3].text = note;
	}
	table_row(pp, c, span);
	buf_free(&label);
	buf_free(&value);
}

static void
table_section(pp_t *pp, const tpl_section_t *sec)
{
	if (sec->nitems == 0)
		return;
	table_header(pp);
	pp->in_table = 1;
	for (size_t i = 0; i < sec->nitems; i++)
		table_item(pp, &sec->items[i], i ? &sec->items[i - 1] : NULL);
	pp->in_table = 0;
	pp->y += BODY_PT * 0.5;
}

/* ---- the rest of the form ---- */

static void
narrative_section(pp_t *pp, const tpl_section_t *sec)
{
	const phuluc_t *p = pp->p;
	buf_t line = BUF_INIT;
	for (size_t i = 0; i < sec->nitems; i++) {
		const tpl_item_t *it = &sec->items[i];
		const char *label = it->label ? it->label : "";
		int own_label = sec->nitems > 1 && label[0] &&
		                (!sec->title || strcmp(label, sec->title) != 0);
		buf_reset(&line);
		switch (it->type) {
		case TPL_TEXT:
			if (own_label)
				flow(pp, label, &S_ITALIC, 0);
			flow(pp, text_value(p, it->tcol), &S_BODY, 0);
			break;
		case TPL_PHOTOS: break;
		default:
			/* a figure among the text: "Số trung tâm: 12 trung tâm" */
			buf_puts(&line, label);
			buf_puts(&line, ": ");
			if (!has_value(p, it->col))
				;
			else if (it->type == TPL_BOOL && p->nreports <= 1)
				buf_puts(&line, p->num[it->col] ? "Có" : "Không");
			else {
				text_format_int(p->num[it->col], &line);
				if (it->unit && it->unit[0])
					buf_printf(&line, " %s", it->unit);
			}
			flow(pp, buf_cstr(&line), &S_BODY, 0);
			break;
		}
		const char *note = phuluc_note(p, it);
		if (note[0] && it->type != TPL_PHOTOS) {
			buf_reset(&line);
			buf_printf(&line, "Ghi chú: %s", note);
			flow(pp, buf_cstr(&line), &S_ITALIC, 0);
		}
	}
	if (sec->nitems == 0)
		flow(pp, "", &S_BODY, 0);
	buf_free(&line);
	pp->y += BODY_PT * 0.5;
}

/* "Nơi nhận:" on the left, the head of the unit signs on the right, on one line. */
static void
signature(pp_t *pp)
{
	double half = pp->width / 2;
	PangoLayout *a = layout(pp, "Nơi nhận:", &S_ITALIC, half);
	PangoLayout *b = layout(pp, "THỦ TRƯỞNG ĐƠN VỊ", &S_SIGN, half);
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

static void
form(pp_t *pp)
{
	const phuluc_t *p = pp->p;
	const template_t *t = p->tpl;
	buf_t line = BUF_INIT, up = BUF_INIT;
	new_page(pp);
	flow(pp, "BÁO CÁO TỔNG HỢP SỐ LIỆU KẾT QUẢ TỔ CHỨC", &S_TITLE, 0);
	buf_puts(&line, "TUẦN LỄ HƯỞNG ỨNG HỌC TẬP SUỐT ĐỜI");
	if (t->year > 0)
		buf_printf(&line, " NĂM %d", t->year);
	flow(pp, buf_cstr(&line), &S_TITLE, 0);
	if (p->unit_name && p->unit_name[0]) {
		buf_reset(&line);
		buf_printf(&line, "Đơn vị: %s", p->unit_name);
		flow(pp, buf_cstr(&line), &S_CENTER, 0);
	}
	if (p->place_date && p->place_date[0])
		flow(pp, p->place_date, &S_RIGHT_ITALIC, 0);
	if (p->scope_note && p->scope_note[0])
		flow(pp, p->scope_note, &S_CENTER_ITALIC, 0);
	pp->y += BODY_PT;
	char parent[64] = "";
	for (size_t i = 0; i < t->nsections; i++) {
		const tpl_section_t *sec = &t->sections[i];
		buf_reset(&line);
		buf_reset(&up);
		phuluc_section_heading(sec, parent, sizeof parent, &up, &line);
		if (up.len)
			flow(pp, buf_cstr(&up), &S_BOLD, 0);
		flow(pp, buf_cstr(&line), &S_BOLD, 0);
		if (sec->narrative)
			narrative_section(pp, sec);
		else
			table_section(pp, sec);
	}
	signature(pp);
	buf_free(&line);
	buf_free(&up);
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
