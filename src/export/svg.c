/* Charts as SVG text (export/svg.h). Coordinates are in a 420-unit-wide viewBox: on a
 * 360 px phone a 13-unit font draws at about 11 px, and the stylesheet caps the width on a
 * desktop so the text does not grow past reading size. */
#include "export/svg.h"

#include <stdlib.h>
#include <string.h>

#include "text/text.h"

#define W 420.0
#define FONT 13
#define SMALL 12

static void
esc(buf_t *out, const char *s)
{
	buf_append_html(out, s ? s : "", s ? strlen(s) : 0);
}

static void
num(buf_t *out, int64_t v)
{
	text_format_int(v, out);
}

/* "05/10" or, when the chart crosses a year, "05/10/2022" */
static void
day_label(buf_t *out, int32_t day, int with_year)
{
	int y, m, d;
	text_civil_from_days(day, &y, &m, &d);
	if (with_year)
		buf_printf(out, "%02d/%02d/%04d", d, m, y);
	else
		buf_printf(out, "%02d/%02d", d, m);
}

static void
open_svg(buf_t *out, double h, const char *title, const char *desc, const char *cls)
{
	buf_printf(
	        out,
	        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart %s\" viewBox=\"0 0 %.0f "
	        "%.0f\" width=\"100%%\" preserveAspectRatio=\"xMinYMin meet\" role=\"img\" "
	        "aria-label=\"",
	        cls, W, h);
	esc(out, title);
	buf_printf(out, "\" font-family=\"sans-serif\" font-size=\"%d\"><title>", FONT);
	esc(out, title);
	buf_puts(out, "</title><desc>");
	esc(out, desc);
	buf_puts(out, "</desc>");
}

void
svg_cut_name(const char *name, size_t max, buf_t *out)
{
	const char *p = name ? name : "";
	size_t chars = 0;
	const char *q = p;
	while (*q) {
		if (chars == max) {
			/* keep max - 1 characters and the ellipsis */
			const char *r = p;
			for (size_t k = 0; k + 1 < max; k++) {
				r++;
				while ((*r & 0xC0) == 0x80)
					r++;
			}
			buf_append(out, p, (size_t)(r - p));
			buf_puts(out, "…");
			return;
		}
		q++;
		while ((*q & 0xC0) == 0x80)
			q++;
		chars++;
	}
	buf_puts(out, p);
}

/* ---------- the step chart ---------- */

/* A round step (1, 2 or 5 times a power of ten) giving at most 5 intervals up to max. */
static int64_t
nice_step(int64_t max)
{
	int64_t step = 1;
	for (;;) {
		for (int k = 0; k < 3; k++) {
			static const int64_t m[] = {1, 2, 5};
			int64_t s = step * m[k];
			if ((max + s - 1) / s <= 5)
				return s;
		}
		if (step > INT64_MAX / 10)
			return step;
		step *= 10;
	}
}

void
svg_steps(buf_t *out, const svg_steps_t *c)
{
	const double H = 290, ML = 56, MR = 14, MT = 44, MB = 30;
	const double PW = W - ML - MR, PH = H - MT - MB;
	size_t nd = c->ndays ? c->ndays : 1;
	int64_t max = 0;
	for (size_t s = 0; s < c->nseries; s++)
		for (size_t d = 0; d < c->ndays; d++)
			if (c->series[s].v[d] > max)
				max = c->series[s].v[d];
	int64_t step = nice_step(max > 0 ? max : 1);
	int64_t top = max > 0 ? (max + step - 1) / step * step : step;
	double span = nd > 1 ? (double)(nd - 1) : 1.0;
#define X(d) (ML + ((nd > 1) ? (double)(d)*PW / span : PW / 2))
#define Y(v) (MT + PH - (double)((v) < 0 ? 0 : (v)) * PH / (double)top)
	open_svg(out, H, c->title, c->desc, "steps");
	/* the legend, one row above the plot */
	double lx = 4;
	for (size_t s = 0; s < c->nseries; s++) {
		const svg_series_t *se = &c->series[s];
		buf_printf(out,
		           "<line x1=\"%.1f\" y1=\"14\" x2=\"%.1f\" y2=\"14\" stroke=\"%s\" "
		           "stroke-width=\"3\"%s/>",
		           lx, lx + 18, se->color, se->dashed ? " stroke-dasharray=\"5 3\"" : "");
		buf_printf(out, "<text x=\"%.1f\" y=\"18\">", lx + 22);
		esc(out, se->name);
		buf_puts(out, "</text>");
		lx += 22 + 7.2 * (double)strlen(se->name) * 0.8 + 16;
	}
	/* horizontal grid and the numbers */
	for (int64_t v = 0; v <= top; v += step) {
		double y = Y(v);
		buf_printf(
		        out,
		        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#d0d7de\" "
		        "stroke-width=\"1\"/><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
		        "font-size=\"%d\">",
		        ML, y, ML + PW, y, ML - 6, y + 4, SMALL);
		num(out, v);
		buf_puts(out, "</text>");
		if (v > INT64_MAX - step)
			break;
	}
	/* days along the bottom: up to 5 labels, both ends included */
	int y0, m0, d0, y1, m1, d1;
	text_civil_from_days(c->day0, &y0, &m0, &d0);
	text_civil_from_days(c->day0 + (int32_t)nd - 1, &y1, &m1, &d1);
	int with_year = y0 != y1;
	size_t nt = nd < 5 ? nd : (with_year ? 4 : 5);
	for (size_t k = 0; k < nt; k++) {
		size_t d = nt > 1 ? (size_t)((double)k * (double)(nd - 1) / (double)(nt - 1) + 0.5)
		                  : 0;
		const char *anchor = nt == 1       ? "middle"
		                     : k == 0      ? "start"
		                     : k + 1 == nt ? "end"
		                                   : "middle";
		buf_printf(
		        out,
		        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#57606a\"/>"
		        "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">",
		        X(d), MT + PH, X(d), MT + PH + 4, X(d), H - 10, anchor, SMALL);
		day_label(out, c->day0 + (int32_t)d, with_year);
		buf_puts(out, "</text>");
	}
	/* the deadline */
	if (c->marker_day >= c->day0 && c->marker_day < c->day0 + (int32_t)nd) {
		double x = X(c->marker_day - c->day0);
		int right_half = x > ML + PW / 2;
		buf_printf(
		        out,
		        "<g class=\"marker\" data-day=\"%d\"><line x1=\"%.1f\" y1=\"%.1f\" "
		        "x2=\"%.1f\" y2=\"%.1f\" stroke=\"#cf222e\" stroke-width=\"1.5\" "
		        "stroke-dasharray=\"4 3\"/><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" "
		        "fill=\"#cf222e\" font-size=\"%d\">",
		        (int)c->marker_day, x, MT - 10, x, MT + PH, right_half ? x - 4 : x + 4,
		        MT - 12 + 8, right_half ? "end" : "start", SMALL);
		esc(out, c->marker_label ? c->marker_label : "Hạn");
		buf_putc(out, ' ');
		day_label(out, c->marker_day, with_year);
		buf_puts(out, "</text></g>");
	}
	/* the lines: a step at each day whose value changed */
	for (size_t s = 0; s < c->nseries; s++) {
		const svg_series_t *se = &c->series[s];
		const int64_t *v = se->v;
		buf_printf(out, "<path data-series=\"%s\" data-last=\"%lld\" fill=\"none\" ",
		           se->key, (long long)v[nd - 1]);
		buf_printf(out, "stroke=\"%s\" stroke-width=\"2.5\"%s d=\"M%.1f %.1f", se->color,
		           se->dashed ? " stroke-dasharray=\"6 4\"" : "", X(0), Y(v[0]));
		for (size_t d = 1; d < nd; d++)
			if (v[d] != v[d - 1])
				buf_printf(out, "H%.1fV%.1f", X(d), Y(v[d]));
		buf_printf(out, "H%.1f\"><title>", X(nd - 1));
		esc(out, se->name);
		buf_puts(out, ": ");
		num(out, v[nd - 1]);
		buf_puts(out, "</title></path>");
	}
#undef X
#undef Y
	buf_puts(out, "</svg>");
}

/* ---------- the bar chart ---------- */

void
svg_bars_order(const svg_bar_t *bars, size_t n, size_t *idx)
{
	for (size_t k = 0; k < n; k++)
		idx[k] = k;
	/* insertion sort, stable: charts have tens of rows */
	for (size_t k = 1; k < n; k++) {
		size_t x = idx[k], j = k;
		while (j > 0 && bars[idx[j - 1]].value < bars[x].value) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = x;
	}
}

/* One bar with its value at its end (inside the bar when there is no room after it). */
static void
bar(buf_t *out, double y, double h, double len, double maxlen, const char *color, int64_t v)
{
	const double X0 = 6;
	buf_printf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
	           X0, y, len, h, color);
	int inside = len > maxlen - 8;
	buf_printf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s font-size=\"%d\">",
	           inside ? X0 + len - 4 : X0 + len + 4, y + h - 2, inside ? "end" : "start",
	           inside ? " fill=\"#ffffff\"" : "", SMALL);
	num(out, v);
	buf_puts(out, "</text>");
}

void
svg_bars(buf_t *out, const svg_bars_t *c)
{
	const double MT = c->paired ? 30 : 6, ROW = c->paired ? 54 : 40, MAXLEN = W - 6 - 76;
	const char *C1 = "#1f6feb", *C2 = "#8c959f";
	double H = MT + (double)(c->n ? c->n : 1) * ROW + 4;
	open_svg(out, H, c->title, c->desc, c->paired ? "bars paired" : "bars");
	if (c->paired) {
		buf_printf(out,
		           "<rect x=\"6\" y=\"6\" width=\"14\" height=\"12\" fill=\"%s\"/><text "
		           "x=\"24\" y=\"17\">",
		           C1);
		esc(out, c->value_name);
		double x2 =
		        24 + 7.2 * 0.8 * (double)strlen(c->value_name ? c->value_name : "") + 18;
		buf_printf(
		        out,
		        "</text><rect x=\"%.1f\" y=\"6\" width=\"14\" height=\"12\" fill=\"%s\"/>"
		        "<text x=\"%.1f\" y=\"17\">",
		        x2, C2, x2 + 18);
		esc(out, c->past_name);
		buf_puts(out, "</text>");
	}
	if (c->n == 0) {
		buf_printf(out, "<text x=\"6\" y=\"%.1f\">Chưa có số liệu.</text></svg>", MT + 20);
		return;
	}
	int64_t max = 1;
	for (size_t k = 0; k < c->n; k++) {
		if (c->bars[k].value > max)
			max = c->bars[k].value;
		if (c->paired && c->bars[k].has_past && c->bars[k].past > max)
			max = c->bars[k].past;
	}
	size_t *idx = malloc((c->n ? c->n : 1) * sizeof *idx);
	if (!idx)
		abort();
	svg_bars_order(c->bars, c->n, idx);
	buf_t cut = BUF_INIT;
	for (size_t r = 0; r < c->n; r++) {
		const svg_bar_t *b = &c->bars[idx[r]];
		double y = MT + (double)r * ROW;
		buf_puts(out, "<g class=\"bar\" data-name=\"");
		esc(out, b->name);
		buf_printf(out, "\" data-value=\"%lld\"", (long long)b->value);
		if (c->paired && b->has_past)
			buf_printf(out, " data-past=\"%lld\"", (long long)b->past);
		buf_puts(out, "><title>");
		esc(out, b->name);
		buf_puts(out, ": ");
		num(out, b->value);
		if (c->paired) {
			buf_puts(out, " (");
			esc(out, c->past_name);
			buf_puts(out, ": ");
			if (b->has_past)
				num(out, b->past);
			else
				buf_puts(out, "không có số liệu");
			buf_putc(out, ')');
		}
		buf_printf(out, "</title><text x=\"6\" y=\"%.1f\">", y + 14);
		buf_reset(&cut);
		svg_cut_name(b->name, 50, &cut);
		esc(out, buf_cstr(&cut));
		buf_puts(out, "</text>");
		double bh = c->paired ? 13 : 16;
		double len = b->value > 0 ? (double)b->value * MAXLEN / (double)max : 0;
		bar(out, y + 19, bh, len, MAXLEN, C1, b->value);
		if (c->paired) {
			if (b->has_past) {
				double pl =
				        b->past > 0 ? (double)b->past * MAXLEN / (double)max : 0;
				bar(out, y + 19 + bh + 2, bh, pl, MAXLEN, C2, b->past);
			} else {
				buf_printf(out,
				           "<text x=\"6\" y=\"%.1f\" font-size=\"%d\" "
				           "fill=\"#57606a\">không có số liệu</text>",
				           y + 19 + 2 * bh, SMALL);
			}
		}
		buf_puts(out, "</g>");
	}
	buf_free(&cut);
	free(idx);
	buf_puts(out, "</svg>");
}
