/* The results form's layout (phuluc_layout: seed 003's báo cáo form as a list of lines) and
 * its A4 portrait XLSX: the lines as wrapped merged rows, the table TT | Nội dung hoạt động
 * | Kết quả, Số lượng | Ghi chú with numbers in a locale-proof 1.234.567 format, the closing
 * row; printed at 100 % with the header row repeated. */
#include "export/phuluc.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <utf8proc.h>
#include <xlsxwriter.h>

#include "core/file.h"
#include "core/log.h"
#include "export/table.h"
#include "text/text.h"

#define NCOLS 4
#define LAST_COL (NCOLS - 1)
/* Excel keeps 15 significant digits; larger integers are written as text. */
#define XLSX_MAX_EXACT 999999999999999LL
/* Row heights in points: one line of 12 pt Times New Roman, and Excel's maximum. */
#define LINE_PT 16.0
#define MAX_ROW_PT 409.0
/* A merged row of narrative holds at most this many estimated lines (24 x 16 < 409);
 * longer texts continue in the next row. */
#define PARA_MAX_LINES 24
/* Characters per line, estimated (12 pt Times in columns measured in the default font's
 * characters): the four columns merged, the content column, the result and note columns. */
#define CPL_FULL 74
#define CPL_LABEL 40
#define CPL_RESULT 16
#define CPL_NOTE 10
#define CPL_RESULT_NOTE 28

/* Column widths in Excel's units: characters of the workbook's default font, Calibri 11,
 * whose digit is 7 px at 96 dpi (plus 5 px of padding). 76 characters are 552 px = 146.1 mm,
 * well inside A4's 184.6 mm between MARGIN_LR_IN margins: Excel prints at 100 %, 12 pt at 12
 * pt. A reader without Calibri or Carlito (LibreOffice falls back to DejaVu Sans, 9.33 px a
 * digit) sees the columns a third wider; fit-to-width then shrinks them to about 94 %
 * (LibreOffice 7.4 printed 12 pt at 11.3 pt) and no column is cut off onto a page of its
 * own. Kết quả is wide enough for "1.234.567.890 đồng". tests/unit/test_phuluc.c checks
 * both scales. */
static const double col_width[NCOLS] = {4, 42, 18, 12};
#define MARGIN_LR_IN 0.5

static void
set_err(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
}

typedef struct unit_fmt {
	const char *unit; /* borrowed from the layout */
	int big;
	lxw_format *f;
} unit_fmt_t;

typedef struct ctx {
	const phuluc_t *p;
	lxw_worksheet *ws;
	lxw_format *title, *center, *right_italic, *center_italic, *bold, *italic, *para;
	lxw_format *th, *td_stt, *td_text, *td_bold, *td_sub[3], *td_num, *td_center, *td_note,
	        *td_wrap;
	lxw_format *sign;
	buf_t tmp, scratch;
	lxw_row_t row;
	lxw_error rc;
	long header_row; /* the first table header's row (printed on every page), or -1 */
	unit_fmt_t units[32];
	size_t nunits;
} ctx_t;

/* ---- text ---- */

/* Length of the UTF-8 sequence at p[0..n) if it is valid, else 0. */
static size_t
utf8_seq(const char *p, size_t n)
{
	size_t k = (unsigned char)p[0] < 0x80   ? 1
	           : (unsigned char)p[0] < 0xC2 ? 0
	           : (unsigned char)p[0] < 0xE0 ? 2
	           : (unsigned char)p[0] < 0xF0 ? 3
	           : (unsigned char)p[0] < 0xF5 ? 4
	                                        : 0;
	if (k == 0 || k > n || !text_utf8_valid(p, k))
		return 0;
	return k;
}

/* Appends s with every invalid UTF-8 byte replaced by U+FFFD (Excel refuses a file whose
 * XML is not UTF-8) and line ends made "\n" ("\r" would show as a box). */
static void
append_clean(const char *s, buf_t *out)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		if (s[i] == '\r') {
			if (i + 1 >= n || s[i + 1] != '\n')
				buf_putc(out, '\n');
			i++;
			continue;
		}
		size_t k = utf8_seq(s + i, n - i);
		if (k == 0) {
			buf_puts(out, "\xEF\xBF\xBD");
			i++;
		} else {
			buf_append(out, s + i, k);
			i += k;
		}
	}
}

/* The sheet form of s: clean UTF-8, neutralised (borrowed from c->tmp until the next call). */
static const char *
sheet_text(ctx_t *c, const char *s)
{
	buf_reset(&c->scratch);
	append_clean(s ? s : "", &c->scratch);
	buf_reset(&c->tmp);
	table_neutralize(buf_cstr(&c->scratch), &c->tmp);
	return buf_cstr(&c->tmp);
}

/* Estimated lines of s[0..n) wrapped at cpl characters. */
static size_t
est_lines(const char *s, size_t n, size_t cpl)
{
	size_t lines = 1, col = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '\n') {
			lines++;
			col = 0;
		} else if ((ch & 0xC0) != 0x80) {
			if (col == cpl) {
				lines++;
				col = 0;
			}
			col++;
		}
	}
	return lines;
}

static double
height_for(size_t lines)
{
	double h = (double)lines * LINE_PT + 2;
	return h > MAX_ROW_PT ? MAX_ROW_PT : h;
}

/* How many bytes of s[0..n) fit in one row of at most maxl lines of cpl characters: the
 * whole text, else up to the last line break, else the last space, else a character
 * boundary. Never 0 for n > 0. */
static size_t
chunk_len(const char *s, size_t n, size_t cpl, size_t maxl)
{
	size_t lines = 0, col = 0, last_nl = 0, last_space = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '\n') {
			lines++;
			col = 0;
			last_nl = i;
			continue;
		}
		if ((ch & 0xC0) == 0x80)
			continue;
		if (col == cpl) {
			lines++;
			col = 0;
		}
		if (lines >= maxl) {
			size_t cut = last_nl ? last_nl : last_space ? last_space : i;
			return cut ? cut : i;
		}
		if (ch == ' ')
			last_space = i;
		col++;
	}
	return n;
}

/* ---- cells ---- */

static void
set_height(ctx_t *c, lxw_row_t row, double h)
{
	if (c->rc == LXW_NO_ERROR)
		c->rc = worksheet_set_row(c->ws, row, h, NULL);
}

static void
put_string(ctx_t *c, lxw_row_t row, lxw_col_t col, const char *s, lxw_format *f)
{
	if (c->rc == LXW_NO_ERROR)
		c->rc = worksheet_write_string(c->ws, row, col, s, f);
}

static void
put_blank(ctx_t *c, lxw_row_t row, lxw_col_t col, lxw_format *f)
{
	if (c->rc == LXW_NO_ERROR)
		c->rc = worksheet_write_blank(c->ws, row, col, f);
}

static void
put_merged(ctx_t *c, lxw_row_t row, lxw_col_t first, lxw_col_t last, const char *s, lxw_format *f)
{
	if (c->rc == LXW_NO_ERROR)
		c->rc = worksheet_merge_range(c->ws, row, first, row, last, s, f);
}

/* One line across the four columns (already cleaned and neutralised text). */
static void
full_line(ctx_t *c, const char *s, lxw_format *f)
{
	put_merged(c, c->row, 0, LAST_COL, s, f);
	set_height(c, c->row, height_for(est_lines(s, strlen(s), CPL_FULL)));
	c->row++;
}

static void
text_line(ctx_t *c, const char *s, lxw_format *f)
{
	full_line(c, sheet_text(c, s), f);
}

/* A narrative text: wrapped rows merged across the columns, split so that no row needs
 * more than Excel's maximum height. An empty text leaves one empty row to write in. */
static void
paragraphs(ctx_t *c, const char *text)
{
	buf_t clean = BUF_INIT;
	append_clean(text ? text : "", &clean);
	const char *s = buf_cstr(&clean);
	size_t n = clean.len;
	if (n == 0)
		full_line(c, "", c->para);
	while (n > 0 && c->rc == LXW_NO_ERROR) {
		size_t k = chunk_len(s, n, CPL_FULL, PARA_MAX_LINES);
		buf_reset(&c->tmp);
		buf_reset(&c->scratch);
		buf_append(&c->scratch, s, k);
		table_neutralize(buf_cstr(&c->scratch), &c->tmp);
		full_line(c, buf_cstr(&c->tmp), c->para);
		s += k;
		n -= k;
		if (n > 0 && (*s == '\n' || *s == ' ')) {
			s++;
			n--;
		}
	}
	buf_free(&clean);
}

/* ---- template ---- */

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

/* Dots in an item number: "5" is a group line, "5.1" a sub-line, "5.1.2" one deeper. */
static size_t
depth_of(const tpl_item_t *it)
{
	size_t d = 0;
	for (const char *q = it->number ? it->number : ""; *q; q++)
		d += *q == '.';
	return d;
}

int
phuluc_is_group_line(const tpl_item_t *it)
{
	return it->heading || (it->number && it->number[0] && depth_of(it) == 0);
}

void
phuluc_section_heading(const tpl_section_t *sec, char *parent, size_t parent_cap,
                       buf_t *parent_line, buf_t *line)
{
	const char *num = sec->number ? sec->number : "";
	const char *title = sec->title ? sec->title : "";
	const char *dot = strchr(num, '.');
	if (dot) {
		size_t plen = (size_t)(dot - num);
		if (strlen(parent) != plen || strncmp(parent, num, plen) != 0) {
			snprintf(parent, parent_cap, "%.*s", (int)plen, num);
			/* The only parent in seed 003 without a section of its own. */
			if (strcmp(parent, "II") == 0)
				buf_puts(parent_line, "II. Kết quả cụ thể");
			else
				buf_printf(parent_line, "%s.", parent);
		}
		num = dot + 1;
	} else if (num[0]) {
		snprintf(parent, parent_cap, "%s", num);
	}
	if (num[0])
		buf_printf(line, "%s. ", num);
	buf_puts(line, title);
}

void
phuluc_subline(const tpl_item_t *it, const tpl_item_t *prev, const char **marker, size_t *indent)
{
	*marker = "- ";
	*indent = 0;
	const char *code = it->code ? it->code : "";
	const char *last = strrchr(code, '.');
	if (last && memchr(code, '.', (size_t)(last - code))) {
		size_t plen = (size_t)(last - code) + 1;
		const char *pc = prev && prev->code ? prev->code : "";
		if (strncmp(pc, code, plen) == 0)
			*indent = 1;
		else
			*marker = "+ ";
	} else {
		size_t d = depth_of(it);
		*indent = d > 1 ? d - 1 : 0;
	}
	if (*indent > 2)
		*indent = 2;
}

const char *
phuluc_note(const phuluc_t *p, const tpl_item_t *it)
{
	if (p->note == NULL)
		return "";
	size_t idx = 0;
	for (size_t s = 0; s < p->tpl->nsections; s++) {
		const tpl_section_t *sec = &p->tpl->sections[s];
		if (it >= sec->items && it < sec->items + sec->nitems) {
			const char *n = p->note[idx + (size_t)(it - sec->items)];
			return n ? n : "";
		}
		idx += sec->nitems;
	}
	return "";
}

const char *
phuluc_measure(const phuluc_t *p, const tpl_item_t *it)
{
	if (it->heading || it->col < 0)
		return "";
	if (it->type == TPL_BOOL)
		return p->nreports > 1 ? "đơn vị có" : "";
	if (it->unit && it->unit[0])
		return it->unit;
	return it->type == TPL_MONEY ? "đồng" : "";
}

/* ---- the layout (phuluc.h) ---- */

const char *const phuluc_headers[4] = {"TT", "Nội dung hoạt động", "Kết quả, Số lượng", "Ghi chú"};

typedef struct lay {
	arena_t *a;
	phl_layout_t *out;
	size_t cap;
} lay_t;

static phl_line_t *
lay_add(lay_t *l, phl_kind_t kind, const char *text)
{
	if (l->out->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		phl_line_t *v = arena_alloc(l->a, cap * sizeof *v);
		if (l->out->n)
			memcpy(v, l->out->lines, l->out->n * sizeof *v);
		l->out->lines = v;
		l->cap = cap;
	}
	phl_line_t *ln = &l->out->lines[l->out->n++];
	*ln = (phl_line_t){.kind = kind,
	                   .text = arena_strdup(l->a, text ? text : ""),
	                   .right = "",
	                   .tt = "",
	                   .value = "",
	                   .unit = "",
	                   .note = ""};
	return ln;
}

/* s in upper case (NFC text stays NFC: Vietnamese capitals are precomposed too). */
static void
upper_into(const char *s, buf_t *out)
{
	const utf8proc_uint8_t *q = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t ch;
	utf8proc_ssize_t k;
	while (*q && (k = utf8proc_iterate(q, -1, &ch)) > 0) {
		utf8proc_uint8_t enc[4];
		utf8proc_ssize_t m = utf8proc_encode_char(utf8proc_toupper(ch), enc);
		buf_append(out, enc, (size_t)m);
		q += k;
	}
}

/* The title as the seed sets it: "BÁO CÁO TỔNG HỢP SỐ LIỆU KẾT QUẢ TỔ CHỨC" over "TUẦN LỄ
 * HƯỞNG ỨNG HỌC TẬP SUỐT ĐỜI NĂM 2022" (a name without "TUẦN LỄ" stays one line). */
static void
lay_title(lay_t *l, const template_t *t)
{
	buf_t up = BUF_INIT;
	upper_into(t->name && t->name[0] ? t->name : "Báo cáo tổng hợp số liệu kết quả", &up);
	if (t->year > 0 && !strstr(buf_cstr(&up), "NĂM "))
		buf_printf(&up, " NĂM %d", t->year);
	const char *s = buf_cstr(&up);
	const char *cut = strstr(s, " TUẦN LỄ");
	if (cut && cut > s) {
		lay_add(l, PHL_TITLE, arena_strndup(l->a, s, (size_t)(cut - s)));
		lay_add(l, PHL_TITLE, cut + 1);
	} else {
		lay_add(l, PHL_TITLE, s);
	}
	buf_free(&up);
}

/* The value of a figure as shown, and its number for a spreadsheet. */
static void
lay_value(const phuluc_t *p, const tpl_item_t *it, arena_t *a, phl_line_t *ln)
{
	if (!has_value(p, it->col))
		return;
	int64_t v = p->num[it->col];
	buf_t b = BUF_INIT;
	if (it->type == TPL_BOOL && p->nreports <= 1) {
		ln->value = v ? "Có" : "Không";
		return;
	}
	const char *unit = it->type == TPL_BOOL ? "đơn vị có" : phuluc_measure(p, it);
	text_format_int(v, &b);
	if (unit[0])
		buf_printf(&b, " %s", unit);
	ln->value = arena_strdup(a, buf_cstr(&b));
	ln->unit = arena_strdup(a, unit);
	ln->num = v;
	ln->numeric = 1;
	buf_free(&b);
}

static void
lay_row(lay_t *l, const phuluc_t *p, const tpl_item_t *it, const tpl_item_t *prev)
{
	const char *l0 = it->label ? it->label : "";
	buf_t b = BUF_INIT;
	int group = phuluc_is_group_line(it);
	size_t indent = 0;
	if (!group) {
		const char *marker;
		phuluc_subline(it, prev, &marker, &indent);
		if (l0[0] != '-' && l0[0] != '+')
			buf_puts(&b, marker);
	}
	size_t mlen = b.len;
	buf_puts(&b, l0);
	phl_line_t *ln = lay_add(l, PHL_ROW, buf_cstr(&b));
	ln->marker_len = (unsigned char)mlen;
	buf_free(&b);
	ln->bold = (unsigned char)group;
	ln->indent = (unsigned char)indent;
	if (group)
		ln->tt = arena_strdup(l->a, it->number ? it->number : "");
	ln->note = arena_strdup(l->a, phuluc_note(p, it));
	if (it->heading || it->type == TPL_PHOTOS)
		return;
	if (it->type == TPL_TEXT) {
		ln->value = arena_strdup(l->a, text_value(p, it->tcol));
		ln->span = !ln->note[0];
		return;
	}
	lay_value(p, it, l->a, ln);
}

static void
lay_narrative(lay_t *l, const phuluc_t *p, const tpl_section_t *sec)
{
	buf_t line = BUF_INIT;
	for (size_t i = 0; i < sec->nitems; i++) {
		const tpl_item_t *it = &sec->items[i];
		const char *label = it->label ? it->label : "";
		int own_label = sec->nitems > 1 && label[0] &&
		                (!sec->title || strcmp(label, sec->title) != 0);
		switch (it->type) {
		case TPL_TEXT:
			if (own_label)
				lay_add(l, PHL_LABEL, label);
			lay_add(l, PHL_TEXT, text_value(p, it->tcol));
			break;
		case TPL_PHOTOS: break;
		default: {
			/* a figure among the text: "Số trung tâm: 12 trung tâm" */
			phl_line_t v = {0};
			v.value = "";
			lay_value(p, it, l->a, &v);
			buf_reset(&line);
			buf_printf(&line, "%s: %s", label, v.value);
			lay_add(l, PHL_TEXT, buf_cstr(&line));
			break;
		}
		}
		const char *note = phuluc_note(p, it);
		if (note[0] && it->type != TPL_PHOTOS) {
			buf_reset(&line);
			buf_printf(&line, "Ghi chú: %s", note);
			lay_add(l, PHL_NOTE, buf_cstr(&line));
		}
	}
	if (sec->nitems == 0)
		lay_add(l, PHL_TEXT, "");
	buf_free(&line);
}

void
phuluc_layout(const phuluc_t *p, arena_t *a, phl_layout_t *out)
{
	memset(out, 0, sizeof *out);
	lay_t l = {a, out, 0};
	const template_t *t = p->tpl;
	buf_t line = BUF_INIT, up = BUF_INIT;

	/* "Số: …/BC-…" and the place and date, then the title (seed 003's order) */
	lay_add(&l, PHL_NUMBER,
	        p->number_line && p->number_line[0] ? p->number_line : "Số: …/BC-…");
	if (p->place_date && p->place_date[0]) {
		lay_add(&l, PHL_PLACE_DATE, p->place_date);
	} else {
		buf_puts(&line, "……, ngày … tháng … năm ");
		if (t->year > 0)
			buf_printf(&line, "%d", t->year);
		else
			buf_puts(&line, "…");
		lay_add(&l, PHL_PLACE_DATE, buf_cstr(&line));
	}
	lay_title(&l, t);
	if (p->unit_name && p->unit_name[0]) {
		buf_reset(&line);
		buf_printf(&line, "Đơn vị: %s", p->unit_name);
		lay_add(&l, PHL_CENTER, buf_cstr(&line));
	}
	if (p->scope_note && p->scope_note[0])
		lay_add(&l, PHL_CENTER_ITALIC, p->scope_note);

	char parent[64] = "";
	for (size_t i = 0; i < t->nsections; i++) {
		const tpl_section_t *sec = &t->sections[i];
		buf_reset(&line);
		buf_reset(&up);
		phuluc_section_heading(sec, parent, sizeof parent, &up, &line);
		if (up.len)
			lay_add(&l, PHL_HEADING, buf_cstr(&up));
		lay_add(&l, PHL_HEADING, buf_cstr(&line));
		if (sec->narrative) {
			lay_narrative(&l, p, sec);
			continue;
		}
		for (size_t k = 0; k < sec->nitems; k++)
			lay_row(&l, p, &sec->items[k], k ? &sec->items[k - 1] : NULL);
	}
	phl_line_t *c = lay_add(&l, PHL_CLOSING, "Nơi nhận:");
	c->right = "THỦ TRƯỞNG ĐƠN VỊ";
	buf_free(&line);
	buf_free(&up);
}

/* ---- sheet ---- */

static lxw_format *
new_format(lxw_workbook *wb, int size)
{
	lxw_format *f = workbook_add_format(wb);
	if (f) {
		format_set_font_name(f, "Times New Roman");
		format_set_font_size(f, size);
		format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
	}
	return f;
}

static lxw_format *
cell_format(lxw_workbook *wb)
{
	lxw_format *f = new_format(wb, 12);
	if (f) {
		format_set_border(f, LXW_BORDER_THIN);
		format_set_text_wrap(f);
	}
	return f;
}

static int
make_formats(lxw_workbook *wb, ctx_t *c)
{
	lxw_format **text[] = {&c->title, &c->center, &c->right_italic, &c->center_italic,
	                       &c->bold,  &c->italic, &c->para,         &c->sign};
	lxw_format **cells[] = {&c->th,        &c->td_stt,    &c->td_text,   &c->td_bold,
	                        &c->td_sub[0], &c->td_sub[1], &c->td_sub[2], &c->td_num,
	                        &c->td_center, &c->td_note,   &c->td_wrap};
	for (size_t i = 0; i < sizeof text / sizeof *text; i++)
		if (!(*text[i] = new_format(wb, text[i] == &c->title ? 13 : 12)))
			return -1;
	for (size_t i = 0; i < sizeof cells / sizeof *cells; i++)
		if (!(*cells[i] = cell_format(wb)))
			return -1;
	format_set_bold(c->title);
	format_set_align(c->title, LXW_ALIGN_CENTER);
	format_set_align(c->center, LXW_ALIGN_CENTER);
	format_set_text_wrap(c->center);
	format_set_italic(c->right_italic);
	format_set_align(c->right_italic, LXW_ALIGN_RIGHT);
	format_set_italic(c->center_italic);
	format_set_align(c->center_italic, LXW_ALIGN_CENTER);
	format_set_text_wrap(c->center_italic);
	format_set_bold(c->bold);
	format_set_text_wrap(c->bold);
	format_set_italic(c->italic);
	format_set_text_wrap(c->italic);
	format_set_text_wrap(c->para);
	format_set_align(c->para, LXW_ALIGN_LEFT);
	format_set_align(c->para, LXW_ALIGN_VERTICAL_TOP);
	format_set_bold(c->sign);
	format_set_align(c->sign, LXW_ALIGN_CENTER);
	format_set_bold(c->th);
	format_set_align(c->th, LXW_ALIGN_CENTER);
	format_set_align(c->td_stt, LXW_ALIGN_CENTER);
	format_set_bold(c->td_bold);
	format_set_indent(c->td_sub[1], 1);
	format_set_indent(c->td_sub[2], 2);
	format_set_align(c->td_num, LXW_ALIGN_RIGHT);
	format_set_align(c->td_center, LXW_ALIGN_CENTER);
	format_set_align(c->td_note, LXW_ALIGN_CENTER);
	return 0;
}

/* The number format of a figure counting unit: 1.234.567 with dots whatever the reader's
 * regional settings (literal dots, not the locale's thousands separator), the unit after
 * it ("1.234 bài"). Sections by size: below 10^9 one format, from 10^9 (big) another;
 * beyond Excel's exact integers the value is written as text. */
static void
num_format(const char *unit, int big, buf_t *out)
{
	buf_t u = BUF_INIT;
	if (unit && unit[0]) {
		buf_puts(&u, "\" ");
		for (const char *q = unit; *q; q++)
			if (*q != '"' && *q != '\\')
				buf_putc(&u, *q);
		buf_putc(&u, '"');
	}
	const char *us = buf_cstr(&u);
	if (big)
		buf_printf(out,
		           "[>=1000000000000]#\\.###\\.###\\.###\\.##0%s;#\\.###\\.###\\.##0%s", us,
		           us);
	else
		buf_printf(out, "[>=1000000]#\\.###\\.##0%s;[>=1000]#\\.##0%s;0%s", us, us, us);
	buf_free(&u);
}

/* The cell format for numbers in unit (made once per unit and size). */
static lxw_format *
unit_format(ctx_t *c, lxw_workbook *wb, const char *unit, int big)
{
	for (size_t i = 0; i < c->nunits; i++)
		if (c->units[i].big == big && strcmp(c->units[i].unit, unit) == 0)
			return c->units[i].f;
	if (c->nunits == sizeof c->units / sizeof c->units[0])
		return NULL;
	lxw_format *f = cell_format(wb);
	if (!f)
		return NULL;
	buf_t b = BUF_INIT;
	num_format(unit, big, &b);
	format_set_num_format(f, buf_cstr(&b));
	buf_free(&b);
	format_set_align(f, LXW_ALIGN_RIGHT);
	c->units[c->nunits++] = (unit_fmt_t){unit, big, f};
	return f;
}

static void
table_header(ctx_t *c)
{
	for (lxw_col_t k = 0; k < NCOLS; k++)
		put_string(c, c->row, k, phuluc_headers[k], c->th);
	set_height(c, c->row, height_for(2));
	if (c->header_row < 0)
		c->header_row = (long)c->row;
	c->row++;
}

/* One table row of the layout. */
static void
table_row(ctx_t *c, lxw_workbook *wb, const phl_line_t *ln)
{
	lxw_row_t row = c->row;
	size_t lines, l;
	put_string(c, row, 0, sheet_text(c, ln->tt), c->td_stt);
	/* the marker is the form's, the label after it is neutralised like any text */
	buf_t lb = BUF_INIT;
	buf_append(&lb, ln->text, ln->marker_len);
	buf_puts(&lb, sheet_text(c, ln->text + ln->marker_len));
	const char *label = buf_cstr(&lb);
	put_string(c, row, 1, label, ln->bold ? c->td_bold : c->td_sub[ln->indent]);
	lines = est_lines(label, strlen(label), CPL_LABEL);
	buf_free(&lb);
	if (ln->span) {
		const char *s = sheet_text(c, ln->value);
		put_merged(c, row, 2, 3, s, c->td_wrap);
		l = est_lines(s, strlen(s), CPL_RESULT_NOTE);
		lines = l > lines ? l : lines;
	} else {
		lxw_format *f = NULL;
		int64_t v = ln->num;
		int exact = v <= XLSX_MAX_EXACT && v >= -XLSX_MAX_EXACT;
		if (ln->numeric && exact)
			f = unit_format(c, wb, ln->unit, v >= 1000000000 || v <= -1000000000);
		if (f) {
			if (c->rc == LXW_NO_ERROR)
				c->rc = worksheet_write_number(c->ws, row, 2, (double)v, f);
		} else if (ln->value[0]) {
			/* a yes/no, a text answer, or a number Excel cannot hold exactly */
			const char *s = sheet_text(c, ln->value);
			put_string(c, row, 2, s,
			           ln->numeric                             ? c->td_num
			           : strcmp(s, "Có") && strcmp(s, "Không") ? c->td_wrap
			                                                   : c->td_center);
			l = est_lines(s, strlen(s), CPL_RESULT);
			lines = l > lines ? l : lines;
		} else {
			put_blank(c, row, 2, c->td_num);
		}
		const char *s = sheet_text(c, ln->note);
		put_string(c, row, 3, s, c->td_note);
		l = est_lines(s, strlen(s), CPL_NOTE);
		lines = l > lines ? l : lines;
	}
	set_height(c, row, height_for(lines));
	c->row++;
}

/* Writes the sheet; returns an lxw error (LXW_NO_ERROR on success). */
static lxw_error
fill_sheet(lxw_workbook *wb, const phuluc_t *p)
{
	ctx_t c = {.p = p, .tmp = BUF_INIT, .scratch = BUF_INIT, .header_row = -1};
	c.ws = workbook_add_worksheet(wb, "Phụ lục");
	if (!c.ws || make_formats(wb, &c) < 0)
		return LXW_ERROR_MEMORY_MALLOC_FAILED;
	arena_t a = ARENA_INIT;
	phl_layout_t lay;
	phuluc_layout(p, &a, &lay);

	for (lxw_col_t k = 0; k < NCOLS && c.rc == LXW_NO_ERROR; k++)
		c.rc = worksheet_set_column(c.ws, k, k, col_width[k], NULL);

	int in_table = 0, headings = 0;
	for (size_t i = 0; i < lay.n && c.rc == LXW_NO_ERROR; i++) {
		const phl_line_t *ln = &lay.lines[i];
		if (ln->kind == PHL_ROW && !in_table)
			table_header(&c);
		in_table = ln->kind == PHL_ROW;
		switch (ln->kind) {
		case PHL_NUMBER: text_line(&c, ln->text, c.para); break;
		case PHL_PLACE_DATE: text_line(&c, ln->text, c.right_italic); break;
		case PHL_TITLE: text_line(&c, ln->text, c.title); break;
		case PHL_CENTER: text_line(&c, ln->text, c.center); break;
		case PHL_CENTER_ITALIC: text_line(&c, ln->text, c.center_italic); break;
		case PHL_HEADING:
			if (!headings++)
				c.row++; /* a blank line under the title block */
			text_line(&c, ln->text, c.bold);
			break;
		case PHL_LABEL: text_line(&c, ln->text, c.italic); break;
		case PHL_TEXT: paragraphs(&c, ln->text); break;
		case PHL_NOTE: text_line(&c, ln->text, c.italic); break;
		case PHL_ROW: table_row(&c, wb, ln); break;
		case PHL_CLOSING:
			/* recipients on the left, the head of the unit signs on the right */
			c.row++;
			put_merged(&c, c.row, 0, 1, sheet_text(&c, ln->text), c.italic);
			put_merged(&c, c.row, 2, 3, sheet_text(&c, ln->right), c.sign);
			set_height(&c, c.row, height_for(1));
			c.row++;
			break;
		}
	}

	if (c.rc == LXW_NO_ERROR) {
		/* A4 portrait, one page wide (at 100 % where the default font is Calibri's
		 * width, see col_width), pages down as needed, the table's header row printed
		 * again at the top of every page the table continues on. */
		worksheet_set_paper(c.ws, 9);
		worksheet_set_portrait(c.ws);
		worksheet_set_margins(c.ws, MARGIN_LR_IN, MARGIN_LR_IN, 0.6, 0.6);
		worksheet_center_horizontally(c.ws);
		worksheet_fit_to_pages(c.ws, 1, 0);
		c.rc = worksheet_print_area(c.ws, 0, 0, c.row ? c.row - 1 : 0, LAST_COL);
	}
	if (c.rc == LXW_NO_ERROR && c.header_row >= 0)
		c.rc = worksheet_repeat_rows(c.ws, (lxw_row_t)c.header_row,
		                             (lxw_row_t)c.header_row);
	if (c.rc == LXW_NO_ERROR)
		c.rc = worksheet_set_footer(c.ws, "&CTrang &P/&N");
	arena_free(&a);
	buf_free(&c.tmp);
	buf_free(&c.scratch);
	return c.rc;
}

/* xlsx_build's callback shape for the form */
static int
fill_phuluc(void *wb, const void *p)
{
	return (int)fill_sheet(wb, p);
}

int
phuluc_write_xlsx(const phuluc_t *p, buf_t *out, char *err, size_t errlen)
{
	if (!p || !p->tpl) {
		set_err(err, errlen,
		        "Chưa có mẫu báo cáo để xuất Phụ lục; hãy chọn mẫu rồi thử lại.");
		return -1;
	}
	return xlsx_build(fill_phuluc, p,
	                  "Có nội dung dài quá 32.767 ký tự, Excel không chứa được; hãy rút gọn "
	                  "nội dung đó.",
	                  out, err, errlen);
}
