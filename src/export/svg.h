/* Charts as SVG text, drawn on the server (no charting library in the browser): a step
 * chart of counts by day and a horizontal bar chart (one value per row, or this campaign
 * against an earlier one). Transport-neutral: text in, text out.
 *
 * Every chart is self-contained and the same inline in a page or served alone as
 * image/svg+xml: a viewBox and width="100%" (it scales down to a phone's 360 px), colours
 * as presentation attributes (no style attribute nor <style>: the CSP forbids inline
 * style), role="img" with an aria-label, and <title>/<desc>. Every text is XML-escaped.
 * The numbers drawn are also in data- attributes (data-last, data-value, data-past) so a
 * test or a script can read them back; the page shows them as a table too. Numbers are
 * written 1.234.567, days dd/mm (dd/mm/yyyy when the chart crosses a year). */
#ifndef SUOTDOI_EXPORT_SVG_H
#define SUOTDOI_EXPORT_SVG_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* One line of a step chart: v[ndays], the value at the end of each day. */
typedef struct svg_series {
	const char *name;  /* legend, Vietnamese */
	const char *key;   /* data-series, [a-z_] */
	const char *color; /* "#1f6feb" */
	const int64_t *v;
	int dashed;
} svg_series_t;

typedef struct svg_steps {
	const char *title, *desc; /* desc: the numbers in words (the short text alternative) */
	int32_t day0;             /* days since 1970-01-01 of v[0] */
	size_t ndays;             /* >= 1 */
	const svg_series_t *series;
	size_t nseries;
	int32_t marker_day;       /* a vertical line (the deadline); 0: none */
	const char *marker_label; /* "Hạn nộp" */
} svg_steps_t;

/* Appends the chart to out. */
void svg_steps(buf_t *out, const svg_steps_t *c);

/* One row of a bar chart. */
typedef struct svg_bar {
	const char *name; /* drawn cut to a phone's width; whole in the row's <title> */
	int64_t value;
	int has_past; /* paired charts: the earlier figure is known */
	int64_t past;
} svg_bar_t;

typedef struct svg_bars {
	const char *title, *desc;
	const svg_bar_t *bars;
	size_t n;
	int paired;                         /* two bars a row: value, then past */
	const char *value_name, *past_name; /* the legend of a paired chart */
} svg_bars_t;

/* Appends the chart to out, rows sorted by value descending (then by name as given). */
void svg_bars(buf_t *out, const svg_bars_t *c);

/* The order svg_bars draws bars[n] in: idx[n] filled with indexes into bars. */
void svg_bars_order(const svg_bar_t *bars, size_t n, size_t *idx /* OUT */);

/* name cut to at most max characters (UTF-8 code points), "…" added when cut; appended
 * unescaped. */
void svg_cut_name(const char *name, size_t max, buf_t *out);

#endif
