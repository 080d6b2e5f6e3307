/* The compiled results form (Phụ lục of seed 003) as an A4 portrait XLSX laid out like the
 * paper original: title block, narrative sections as wrapped merged rows, the table
 * STT | Nội dung hoạt động | Kết quả, Số lượng | Ghi chú, and the signature footer. */
#include "export/phuluc.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
/* Characters per line, estimated: the four columns merged, the content column, the result
 * and note columns (widths 6 / 60 / 16 / 14 with a little margin for wide letters). */
#define CPL_FULL 88
#define CPL_LABEL 56
#define CPL_RESULT 14
#define CPL_NOTE 12
#define CPL_RESULT_NOTE 28

static const double col_width[NCOLS] = {6, 60, 16, 14};

static void
set_err(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
}

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

/* Section heading: "I. Công tác chỉ đạo"; a sub-section "II.1" gets its parent line
 * ("II. Kết quả cụ thể") first when the template has no section "II" of its own. */
static void
section_heading(ctx_t *c, const tpl_section_t *sec, char *parent, size_t parent_cap)
{
	buf_t up = BUF_INIT, line = BUF_INIT;
	phuluc_section_heading(sec, parent, parent_cap, &up, &line);
	if (up.len)
		text_line(c, buf_cstr(&up), c->bold);
	text_line(c, buf_cstr(&line), c->bold);
	buf_free(&up);
	buf_free(&line);
}

static void
narrative_section(ctx_t *c, const tpl_section_t *sec)
{
	const phuluc_t *p = c->p;
	buf_t line = BUF_INIT;
	for (size_t i = 0; i < sec->nitems && c->rc == LXW_NO_ERROR; i++) {
		const tpl_item_t *it = &sec->items[i];
		const char *label = it->label ? it->label : "";
		int own_label = sec->nitems > 1 && label[0] &&
		                (!sec->title || strcmp(label, sec->title) != 0);
		buf_reset(&line);
		switch (it->type) {
		case TPL_TEXT:
			if (own_label)
				text_line(c, label, c->italic);
			paragraphs(c, text_value(p, it->tcol));
			break;
		case TPL_PHOTOS: break;
		default:
			/* A figure among the text: "Số trung tâm: 12 trung tâm". */
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
			text_line(c, buf_cstr(&line), c->para);
			break;
		}
		const char *note = phuluc_note(p, it);
		if (note[0] && it->type != TPL_PHOTOS) {
			buf_reset(&line);
			buf_printf(&line, "Ghi chú: %s", note);
			text_line(c, buf_cstr(&line), c->italic);
		}
	}
	if (sec->nitems == 0)
		full_line(c, "", c->para);
	buf_free(&line);
}

static void
table_header(ctx_t *c)
{
	static const char *const head[NCOLS] = {"STT", "Nội dung hoạt động", "Kết quả, Số lượng",
	                                        "Ghi chú"};
	for (lxw_col_t k = 0; k < NCOLS; k++)
		put_string(c, c->row, k, head[k], c->th);
	set_height(c, c->row, height_for(2));
	c->row++;
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

/* One table row for item it (prev: the item above it in the section, or NULL). */
static void
table_item(ctx_t *c, const tpl_item_t *it, const tpl_item_t *prev)
{
	const phuluc_t *p = c->p;
	lxw_row_t row = c->row;
	size_t lines = 1, l;
	buf_t label = BUF_INIT, shown = BUF_INIT;
	lxw_format *lf;

	int group = phuluc_is_group_line(it);
	put_string(c, row, 0, group ? sheet_text(c, it->number) : "", c->td_stt);
	if (group) {
		buf_puts(&label, sheet_text(c, it->label));
		lf = c->td_bold;
	} else {
		/* The marker is ours, the label after it is neutralised like any text. */
		const char *l0 = it->label ? it->label : "";
		const char *marker;
		size_t indent;
		phuluc_subline(it, prev, &marker, &indent);
		if (l0[0] != '-' && l0[0] != '+')
			buf_puts(&label, marker);
		buf_puts(&label, sheet_text(c, l0));
		lf = c->td_sub[indent];
	}
	const char *measure = phuluc_measure(p, it);
	if (measure[0])
		buf_printf(&label, " (%s)", measure);
	put_string(c, row, 1, buf_cstr(&label), lf);
	lines = est_lines(buf_cstr(&label), label.len, CPL_LABEL);

	const char *note = phuluc_note(p, it);
	if (it->heading || it->type == TPL_PHOTOS) {
		put_blank(c, row, 2, c->td_num);
		put_blank(c, row, 3, c->td_note);
	} else if (it->type == TPL_TEXT && !note[0]) {
		const char *s = sheet_text(c, text_value(p, it->tcol));
		put_merged(c, row, 2, 3, s, c->td_wrap);
		l = est_lines(s, strlen(s), CPL_RESULT_NOTE);
		lines = l > lines ? l : lines;
	} else if (it->type == TPL_TEXT) { /* the text, and its note beside it */
		const char *s = sheet_text(c, text_value(p, it->tcol));
		put_string(c, row, 2, s, c->td_wrap);
		l = est_lines(s, strlen(s), CPL_NOTE);
		lines = l > lines ? l : lines;
		s = sheet_text(c, note);
		put_string(c, row, 3, s, c->td_note);
		l = est_lines(s, strlen(s), CPL_NOTE);
		lines = l > lines ? l : lines;
	} else {
		if (!has_value(p, it->col)) {
			put_blank(c, row, 2, c->td_num);
		} else if (it->type == TPL_BOOL && p->nreports <= 1) {
			put_string(c, row, 2, p->num[it->col] ? "Có" : "Không", c->td_center);
		} else {
			int64_t v = p->num[it->col];
			if (v <= XLSX_MAX_EXACT && v >= -XLSX_MAX_EXACT) {
				if (c->rc == LXW_NO_ERROR)
					c->rc = worksheet_write_number(c->ws, row, 2, (double)v,
					                               c->td_num);
			} else {
				text_format_int(v, &shown);
				put_string(c, row, 2, buf_cstr(&shown), c->td_num);
			}
		}
		const char *s = sheet_text(c, note);
		put_string(c, row, 3, s, c->td_note);
		l = est_lines(s, strlen(s), CPL_NOTE);
		lines = l > lines ? l : lines;
	}
	set_height(c, row, height_for(lines));
	c->row++;
	buf_free(&label);
	buf_free(&shown);
}

static void
table_section(ctx_t *c, const tpl_section_t *sec)
{
	if (sec->nitems == 0)
		return;
	table_header(c);
	for (size_t i = 0; i < sec->nitems && c->rc == LXW_NO_ERROR; i++)
		table_item(c, &sec->items[i], i ? &sec->items[i - 1] : NULL);
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
	format_set_num_format(c->td_num, "#,##0");
	format_set_align(c->td_num, LXW_ALIGN_RIGHT);
	format_set_align(c->td_center, LXW_ALIGN_CENTER);
	format_set_align(c->td_note, LXW_ALIGN_CENTER);
	return 0;
}

/* Writes the sheet; returns an lxw error (LXW_NO_ERROR on success). */
static lxw_error
fill_sheet(lxw_workbook *wb, const phuluc_t *p)
{
	ctx_t c = {.p = p, .tmp = BUF_INIT, .scratch = BUF_INIT};
	c.ws = workbook_add_worksheet(wb, "Phụ lục");
	if (!c.ws || make_formats(wb, &c) < 0)
		return LXW_ERROR_MEMORY_MALLOC_FAILED;
	const template_t *t = p->tpl;
	buf_t line = BUF_INIT;

	for (lxw_col_t k = 0; k < NCOLS && c.rc == LXW_NO_ERROR; k++)
		c.rc = worksheet_set_column(c.ws, k, k, col_width[k], NULL);

	/* Title block. */
	text_line(&c, "BÁO CÁO TỔNG HỢP SỐ LIỆU KẾT QUẢ TỔ CHỨC", c.title);
	buf_puts(&line, "TUẦN LỄ HƯỞNG ỨNG HỌC TẬP SUỐT ĐỜI");
	if (t->year > 0)
		buf_printf(&line, " NĂM %d", t->year);
	text_line(&c, buf_cstr(&line), c.title);
	if (p->unit_name && p->unit_name[0]) {
		buf_reset(&line);
		buf_printf(&line, "Đơn vị: %s", p->unit_name);
		text_line(&c, buf_cstr(&line), c.center);
	}
	if (p->place_date && p->place_date[0])
		text_line(&c, p->place_date, c.right_italic);
	if (p->scope_note && p->scope_note[0])
		text_line(&c, p->scope_note, c.center_italic);
	c.row++; /* a blank line before the sections */

	char parent[64] = "";
	for (size_t i = 0; i < t->nsections && c.rc == LXW_NO_ERROR; i++) {
		const tpl_section_t *sec = &t->sections[i];
		section_heading(&c, sec, parent, sizeof parent);
		if (sec->narrative)
			narrative_section(&c, sec);
		else
			table_section(&c, sec);
	}

	/* Footer: recipients on the left, the head of the unit signs on the right. */
	c.row++;
	put_merged(&c, c.row, 0, 1, "Nơi nhận:", c.italic);
	put_merged(&c, c.row, 2, 3, "THỦ TRƯỞNG ĐƠN VỊ", c.sign);
	set_height(&c, c.row, height_for(1));
	c.row++;

	if (c.rc == LXW_NO_ERROR) {
		worksheet_set_paper(c.ws, 9); /* A4 */
		worksheet_set_portrait(c.ws);
		worksheet_set_margins(c.ws, 0.79, 0.5, 0.6, 0.6);
		worksheet_center_horizontally(c.ws);
		worksheet_fit_to_pages(c.ws, 1, 0); /* one page wide, as many tall as needed */
		c.rc = worksheet_print_area(c.ws, 0, 0, c.row - 1, LAST_COL);
	}
	if (c.rc == LXW_NO_ERROR)
		c.rc = worksheet_set_footer(c.ws, "&CTrang &P/&N");
	buf_free(&line);
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
