/* Certificates of a commendation decision as PDF: cairo's PDF surface and pango, one A4
 * landscape page per award (certificate.h). */
#include "docs/certificate.h"

#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#define MM (72.0 / 25.4)
#define PU ((double)PANGO_SCALE)

#define QUOC_HIEU "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
#define TIEU_NGU "Độc lập - Tự do - Hạnh phúc"

#define CONTENT_INSET_MM 24.0 /* text from the page's edge, inside the border */
#define SIGN_SPACE_MM 20.0    /* room for the signature and seal */
#define ACH_MAX_PT 15.0       /* the achievements at their largest… */
#define ACH_MIN_PT 9.0        /* …and smallest; cut with "…" below that */

/* The red of the title and the border, the gold of the border's inner line. */
static const double RED[3] = {0.65, 0.08, 0.08};
static const double GOLD[3] = {0.72, 0.55, 0.15};

typedef struct cpdf {
	cairo_t *cr;
	PangoContext *pc;
	double left, width; /* the text column, points */
	double y;           /* the cursor */
	int dry;            /* measuring: move the cursor, draw nothing */
} cpdf_t;

typedef struct cstyle {
	double size;
	int bold, italic;
	PangoAlignment align;
	int justify;
} cstyle_t;

static const char *
str(const char *s)
{
	return s ? s : "";
}

/* A layout of plain text, invalid UTF-8 shown as U+FFFD (pango refuses it). */
static PangoLayout *
layout(cpdf_t *p, const char *s, const cstyle_t *st, double width)
{
	PangoLayout *l = docr_pdf_layout(p->pc, st->size, st->bold, st->italic, width);
	pango_layout_set_alignment(l, st->align);
	pango_layout_set_justify(l, st->justify);
	docr_pdf_set_text(l, s);
	return l;
}

/* Draws s at the cursor across the column (or at x, width w) and moves the cursor under
 * it; returns its height. */
static double
put(cpdf_t *p, const char *s, const cstyle_t *st, double x, double w)
{
	PangoLayout *l = layout(p, s, st, w);
	double h = docr_pdf_height(l);
	if (!p->dry) {
		cairo_move_to(p->cr, x, p->y);
		pango_cairo_show_layout(p->cr, l);
	}
	g_object_unref(l);
	p->y += h;
	return h;
}

static void
color(cpdf_t *p, const double c[3])
{
	cairo_set_source_rgb(p->cr, c[0], c[1], c[2]);
}

/* The border: a thick red frame, a thin gold one inside it, and a small diamond with a
 * quarter-circle flourish in each corner. */
static void
border(cpdf_t *p)
{
	cairo_t *cr = p->cr;
	double W = CERT_PAGE_W_MM * MM, H = CERT_PAGE_H_MM * MM, m = CERT_BORDER_MM * MM;
	cairo_save(cr);
	color(p, RED);
	cairo_set_line_width(cr, 3.0);
	cairo_rectangle(cr, m, m, W - 2 * m, H - 2 * m);
	cairo_stroke(cr);
	double g = m + 3.0 * MM;
	color(p, GOLD);
	cairo_set_line_width(cr, 1.2);
	cairo_rectangle(cr, g, g, W - 2 * g, H - 2 * g);
	cairo_stroke(cr);
	double r = 7.0 * MM;
	const double cx[4] = {g, W - g, W - g, g}, cy[4] = {g, g, H - g, H - g};
	const double sx[4] = {1, -1, -1, 1}, sy[4] = {1, 1, -1, -1};
	for (int k = 0; k < 4; k++) {
		/* the flourish: a quarter circle facing into the page */
		color(p, GOLD);
		cairo_set_line_width(cr, 0.8);
		cairo_new_path(cr);
		cairo_move_to(cr, cx[k] + sx[k] * r, cy[k]);
		cairo_curve_to(cr, cx[k] + sx[k] * r, cy[k] + sy[k] * r * 0.55,
		               cx[k] + sx[k] * r * 0.55, cy[k] + sy[k] * r, cx[k],
		               cy[k] + sy[k] * r);
		cairo_stroke(cr);
		/* the diamond on the corner */
		color(p, RED);
		double d = 2.2 * MM;
		cairo_new_path(cr);
		cairo_move_to(cr, cx[k], cy[k] - d);
		cairo_line_to(cr, cx[k] + d, cy[k]);
		cairo_line_to(cr, cx[k], cy[k] + d);
		cairo_line_to(cr, cx[k] - d, cy[k]);
		cairo_close_path(cr);
		cairo_fill(cr);
	}
	cairo_restore(cr);
}

/* The largest size from max down to min (step 0.5 pt) at which s fits width in one line;
 * min when none does. */
static double
fit_one_line(cpdf_t *p, const char *s, cstyle_t st, double width, double max, double min)
{
	for (st.size = max; st.size > min; st.size -= 0.5) {
		PangoLayout *l = layout(p, s, &st, width);
		int lines = pango_layout_get_line_count(l);
		g_object_unref(l);
		if (lines <= 1)
			break;
	}
	return st.size < min ? min : st.size;
}

/* "Đã có thành tích: …" in the box [p->y, bottom): the largest size that fits, down to
 * ACH_MIN_PT, centred while it is one line, justified when longer; below ACH_MIN_PT the
 * text is cut with "…" at the box's bottom. */
static void
achievements(cpdf_t *p, const char *text, double bottom)
{
	double box = bottom - p->y;
	if (!*str(text) || box <= 0)
		return;
	char *s = g_strdup_printf("Đã có thành tích: %s", text);
	cstyle_t st = {.size = ACH_MAX_PT, .italic = 1, .align = PANGO_ALIGN_CENTER};
	PangoLayout *l = NULL;
	for (;; st.size -= 0.5) {
		l = layout(p, s, &st, p->width);
		if (pango_layout_get_line_count(l) > 1 && st.align == PANGO_ALIGN_CENTER) {
			g_object_unref(l);
			st.align = PANGO_ALIGN_LEFT;
			st.justify = 1;
			l = layout(p, s, &st, p->width);
		}
		if (docr_pdf_height(l) <= box || st.size <= ACH_MIN_PT)
			break;
		g_object_unref(l);
	}
	if (docr_pdf_height(l) > box) {
		pango_layout_set_height(l, (int)(box * PU));
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	}
	if (!p->dry) {
		cairo_move_to(p->cr, p->left, p->y);
		pango_cairo_show_layout(p->cr, l);
	}
	p->y += docr_pdf_height(l);
	g_object_unref(l);
	g_free(s);
}

/* Height of the signature block: place-date, signer lines, the room, the name. */
static double
sign_height(cpdf_t *p, const cert_t *c, double w)
{
	cstyle_t it = {.size = 14, .italic = 1, .align = PANGO_ALIGN_CENTER};
	cstyle_t b = {.size = 14, .bold = 1, .align = PANGO_ALIGN_CENTER};
	double h = 0;
	PangoLayout *l = layout(p, c->place_date, &it, w);
	h += docr_pdf_height(l);
	g_object_unref(l);
	for (size_t k = 0; k < c->nsigner_lines; k++) {
		l = layout(p, c->signer_lines[k], &b, w);
		h += docr_pdf_height(l);
		g_object_unref(l);
	}
	l = layout(p, c->signer_name, &b, w);
	h += docr_pdf_height(l) + SIGN_SPACE_MM * MM;
	g_object_unref(l);
	return h;
}

/* From the decider to the title: "TẶNG", the form's title, the name, the place; gap: more
 * room between the blocks. */
static void
middle(cpdf_t *p, const cert_t *c, const cert_award_t *w, double gap)
{
	cstyle_t dec = {.size = 15, .bold = 1, .align = PANGO_ALIGN_CENTER};
	dec.size = fit_one_line(p, c->decider, dec, p->width, 15, 11);
	put(p, c->decider, &dec, p->left, p->width);
	p->y += 1 * MM + gap / 2;
	dec.size = 15;
	put(p, "TẶNG", &dec, p->left, p->width);
	p->y += 1 * MM + gap / 2;

	/* the form's title, upper-cased, large and red */
	char *form = g_utf8_strup(str(w->form), -1);
	cstyle_t ft = {.size = 40, .bold = 1, .align = PANGO_ALIGN_CENTER};
	ft.size = fit_one_line(p, form, ft, p->width, 40, 20);
	color(p, RED);
	put(p, form, &ft, p->left, p->width);
	g_free(form);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	p->y += 2 * MM + gap;

	/* the name: large and bold, one line when it can be */
	cstyle_t nm = {.size = 24, .bold = 1, .align = PANGO_ALIGN_CENTER};
	nm.size = fit_one_line(p, w->name, nm, p->width, 24, 16);
	color(p, RED);
	put(p, w->name, &nm, p->left, p->width);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	p->y += 1 * MM + gap / 2;
	cstyle_t pl = {.size = 15, .italic = 1, .align = PANGO_ALIGN_CENTER};
	if (*str(w->place))
		put(p, w->place, &pl, p->left, p->width);
	if (*str(w->title)) {
		char *t = g_strdup_printf("Danh hiệu: %s", w->title);
		cstyle_t ti = {.size = 15, .bold = 1, .align = PANGO_ALIGN_CENTER};
		put(p, t, &ti, p->left, p->width);
		g_free(t);
	}
	p->y += 2 * MM + gap;
}

static void
page(cpdf_t *p, const cert_t *c, const cert_award_t *w)
{
	double H = CERT_PAGE_H_MM * MM;
	double top = CONTENT_INSET_MM * MM, bottom = H - CONTENT_INSET_MM * MM + 4 * MM;
	border(p);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	p->y = top;
	cstyle_t qh = {.size = 13, .bold = 1, .align = PANGO_ALIGN_CENTER};
	put(p, QUOC_HIEU, &qh, p->left, p->width);
	qh.size = 14;
	put(p, TIEU_NGU, &qh, p->left, p->width);
	/* the rule under the Tiêu ngữ, as long as it */
	PangoLayout *probe = layout(p, TIEU_NGU, &qh, -1);
	PangoRectangle log;
	pango_layout_get_extents(probe, NULL, &log);
	g_object_unref(probe);
	double len = log.width / PU, xc = p->left + p->width / 2;
	cairo_set_line_width(p->cr, 0.6);
	cairo_move_to(p->cr, xc - len / 2, p->y + 1);
	cairo_line_to(p->cr, xc + len / 2, p->y + 1);
	cairo_stroke(p->cr);
	p->y += 5 * MM;

	double mid_top = p->y;
	/* the bottom row's top: the signature block ends at the bottom */
	double half = p->width / 2, sw = half;
	double sh = sign_height(p, c, sw);
	double row_top = bottom - sh;
	/* measure the middle, then spread what is left over its gaps */
	p->dry = 1;
	middle(p, c, w, 0);
	achievements(p, w->achievements, row_top - 3 * MM);
	p->dry = 0;
	double slack = row_top - 3 * MM - p->y;
	double gap = slack > 0 ? slack / 8 : 0;
	if (gap > 7 * MM)
		gap = 7 * MM;
	p->y = mid_top + gap;
	middle(p, c, w, gap);
	p->y += gap;
	if (row_top < p->y + 4 * MM)
		row_top = p->y + 4 * MM;
	/* the achievements fill what is left above the bottom row */
	achievements(p, w->achievements, row_top - 3 * MM);

	/* the bottom row: citation and register number on the left, signature on the right */
	cstyle_t small = {.size = 13, .italic = 1, .align = PANGO_ALIGN_LEFT};
	PangoLayout *cl = layout(p, c->citation, &small, half - 6 * MM);
	double cit_h = docr_pdf_height(cl);
	g_object_unref(cl);

	p->y = row_top;
	cstyle_t it = {.size = 14, .italic = 1, .align = PANGO_ALIGN_CENTER};
	cstyle_t b = {.size = 14, .bold = 1, .align = PANGO_ALIGN_CENTER};
	double sx = p->left + half;
	put(p, c->place_date, &it, sx, sw);
	for (size_t k = 0; k < c->nsigner_lines; k++)
		put(p, c->signer_lines[k], &b, sx, sw);
	p->y += SIGN_SPACE_MM * MM;
	put(p, c->signer_name, &b, sx, sw);

	double ly = row_top + sh - cit_h - 8 * MM;
	if (ly < row_top)
		ly = row_top;
	p->y = ly;
	put(p, c->citation, &small, p->left, half - 6 * MM);
	char *reg = g_strdup_printf("Số: %s", str(w->register_no));
	cstyle_t rs = {.size = 13, .align = PANGO_ALIGN_LEFT};
	put(p, reg, &rs, p->left, half - 6 * MM);
	g_free(reg);
	cairo_show_page(p->cr);
}

static cairo_status_t
write_buf(void *closure, const unsigned char *data, unsigned int len)
{
	buf_append(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

static void
set_meta(cairo_surface_t *s, cairo_pdf_metadata_t key, const char *v)
{
	if (*str(v) && g_utf8_validate(v, -1, NULL))
		cairo_pdf_surface_set_metadata(s, key, v);
}

int
cert_render_pdf(const cert_t *c, buf_t *out, char *err, size_t errlen)
{
	if (!c || !out || c->nawards == 0) {
		if (err && errlen)
			snprintf(err, errlen,
			         "Không in được giấy khen: danh sách khen thưởng trống.");
		return -1;
	}
	size_t len0 = out->len;
	cairo_surface_t *surf = cairo_pdf_surface_create_for_stream(
	        write_buf, out, CERT_PAGE_W_MM * MM, CERT_PAGE_H_MM * MM);
	cairo_status_t st = cairo_surface_status(surf);
	if (st == CAIRO_STATUS_SUCCESS) {
		set_meta(surf, CAIRO_PDF_METADATA_TITLE, c->meta_title);
		set_meta(surf, CAIRO_PDF_METADATA_AUTHOR, c->meta_author);
		cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "suotdoi");
		cpdf_t p = {0};
		p.cr = cairo_create(surf);
		p.left = CONTENT_INSET_MM * MM;
		p.width = (CERT_PAGE_W_MM - 2 * CONTENT_INSET_MM) * MM;
		/* a context of our own at 72 dpi, unhinted like the PDF surface (render_pdf.c) */
		p.pc = pango_font_map_create_context(pango_cairo_font_map_get_default());
		pango_cairo_update_context(p.cr, p.pc);
		pango_cairo_context_set_resolution(p.pc, 72);
		pango_context_set_round_glyph_positions(p.pc, FALSE);
		for (size_t k = 0; k < c->nawards; k++)
			page(&p, c, &c->awards[k]);
		st = cairo_status(p.cr);
		g_object_unref(p.pc);
		cairo_destroy(p.cr);
		cairo_surface_finish(surf);
		if (st == CAIRO_STATUS_SUCCESS)
			st = cairo_surface_status(surf);
	}
	cairo_surface_destroy(surf);
	if (st != CAIRO_STATUS_SUCCESS) {
		if (out->data) {
			out->len = len0;
			out->data[len0] = '\0';
		}
		if (err && errlen)
			snprintf(err, errlen, "Không tạo được tệp PDF giấy khen: %s.",
			         cairo_status_to_string(st));
		return -1;
	}
	return 0;
}

/* ---- the model from a document ---- */

void
cert_from_doc(const doc_t *d, const char *issuer, arena_t *a, cert_t *c)
{
	memset(c, 0, sizeof *c);
	docr_t *m = doc_render_model(d, NULL, a);
	c->decider = doc_decider_upper(d, issuer, a);
	buf_t b = BUF_INIT, sym = BUF_INIT;
	doc_symbol(d, &sym);
	buf_puts(&b, "Theo ");
	doc_citation(d->kind, d->number, buf_cstr(&sym), d->date, NULL, &b);
	c->citation = arena_strdup(a, buf_cstr(&b));
	buf_reset(&b);
	doc_cite_short(d, &b);
	c->meta_title = arena_printf(a, "Giấy khen theo %s", buf_cstr(&b));
	buf_free(&b);
	buf_free(&sym);
	c->meta_author = d->body;
	c->place_date = m->place_date;
	c->signer_lines = m->signer_lines;
	c->nsigner_lines = m->nsigner_lines;
	c->signer_name = m->signer_name;
	/* a collective decision (TM.) is signed for the body; the certificate is the head's:
	 * print the authority lines the document prints, which already say so */
}

const char *
cert_register_no(int number, int position, const char *form, arena_t *a)
{
	buf_t b = BUF_INIT;
	buf_printf(&b, "%02d-%02d/", number, position);
	int start = 1;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)str(form);
	utf8proc_int32_t ch;
	utf8proc_ssize_t n;
	while (*p && (n = utf8proc_iterate(p, -1, &ch)) > 0) {
		if (ch == ' ') {
			start = 1;
		} else if (start) {
			utf8proc_uint8_t enc[4];
			utf8proc_ssize_t k = utf8proc_encode_char(utf8proc_toupper(ch), enc);
			buf_append(&b, enc, (size_t)k);
			start = 0;
		}
		p += n;
	}
	const char *r = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return r;
}
