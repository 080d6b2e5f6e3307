/* Table export as CSV and XLSX, both written by hand (the XLSX's sheet XML streamed into a
 * ZIP by libzip), and xlsx_build, the libxlsxwriter glue of the Phụ lục. Formula-looking text
 * is neutralised in both formats. */
#include "export/table.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>
#include <zip.h>

#include "core/log.h"
#include "core/mem.h"
#include "text/text.h"

/* Excel limits (rows and columns of a sheet) and the widest
 * column we set, in characters. */
#define XLSX_MAX_ROWS 1048576u
#define XLSX_MAX_COLS 16384u
#define XLSX_MAX_WIDTH 60
#define XLSX_SHEETNAME_MAX 31
/* Excel keeps 15 significant digits; larger integers stay text so no digit is lost. */
#define XLSX_MAX_EXACT 999999999999999LL

static void
set_err(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
}

static int
is_numeric_col(const table_t *t, size_t c)
{
	return t->numeric && t->numeric[c] == 1;
}

/* An integer in a numeric column ("-5", "+1.234") is a number, not a formula: it is written
 * as is, so negative counts do not turn into text. */
static int
is_number_cell(const table_t *t, size_t c, const char *s, int64_t *v /* OUT */)
{
	return is_numeric_col(t, c) && text_parse_int(s, strlen(s), v) == 0;
}

/* The row source of table_write_csv / table_write_xlsx: t->cells, NULL and "" empty. */
static void
cells_row(void *ctx, size_t r, table_cell_t *row)
{
	const table_t *t = ctx;
	const char *const *cells = t->cells + r * t->ncols;
	for (size_t c = 0; c < t->ncols; c++)
		row[c] = cells[c] && cells[c][0] ? (table_cell_t){TABLE_TEXT, cells[c], 0}
		                                 : (table_cell_t){TABLE_EMPTY, NULL, 0};
}

/* Decimal digits of v, with a leading '-' (what printf("%lld") gives), at the end of tmp;
 * returns where they start. */
static const char *
int_text(int64_t v, char tmp[24], size_t *len /* OUT */)
{
	uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	char *p = tmp + 23;
	*p = '\0';
	do {
		*--p = (char)('0' + m % 10);
		m /= 10;
	} while (m);
	if (v < 0)
		*--p = '-';
	*len = (size_t)(tmp + 23 - p);
	return p;
}

void
table_neutralize(const char *cell, buf_t *out)
{
	if (!cell)
		return;
	/* A leading quote makes Excel and LibreOffice show the text instead of evaluating
	 * it (CSV injection, OWASP). */
	if (cell[0] && strchr("=+-@\t\r", cell[0]))
		buf_putc(out, '\'');
	buf_puts(out, cell);
}

/* ---- CSV ---- */

static void
csv_cell(const char *s, int neutralize, buf_t *tmp, buf_t *out)
{
	buf_reset(tmp);
	if (neutralize)
		table_neutralize(s, tmp);
	else
		buf_puts(tmp, s);
	const char *v = buf_cstr(tmp);
	if (!strpbrk(v, ",\"\r\n")) {
		buf_append(out, v, tmp->len);
		return;
	}
	buf_putc(out, '"');
	for (const char *p = v; *p; p++) {
		if (*p == '"')
			buf_putc(out, '"');
		buf_putc(out, *p);
	}
	buf_putc(out, '"');
}

void
table_write_csv_rows(const table_t *t, table_row_fn row, void *ctx, buf_t *out)
{
	buf_t tmp = BUF_INIT;
	table_cell_t *cells = xcalloc(t->ncols ? t->ncols : 1, sizeof *cells);
	buf_puts(out, "\xEF\xBB\xBF"); /* BOM: Excel reads the file as UTF-8 only with it */
	for (size_t c = 0; c < t->ncols; c++) {
		if (c)
			buf_putc(out, ',');
		csv_cell(t->header[c] ? t->header[c] : "", 1, &tmp, out);
	}
	buf_puts(out, "\r\n");
	for (size_t r = 0; r < t->nrows; r++) {
		row(ctx, r, cells);
		for (size_t c = 0; c < t->ncols; c++) {
			if (c)
				buf_putc(out, ',');
			if (cells[c].kind == TABLE_INT) {
				char num[24];
				size_t len;
				const char *p = int_text(cells[c].num, num, &len);
				buf_append(out, p, len);
			} else if (cells[c].kind == TABLE_TEXT) {
				const char *s = cells[c].text ? cells[c].text : "";
				int64_t v;
				csv_cell(s, !is_number_cell(t, c, s, &v), &tmp, out);
			}
		}
		buf_puts(out, "\r\n");
	}
	free(cells);
	buf_free(&tmp);
}

void
table_write_csv(const table_t *t, buf_t *out)
{
	table_write_csv_rows(t, cells_row, (void *)t, out);
}

/* ---- XLSX ---- */

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

/* Appends s with every invalid UTF-8 byte replaced by U+FFFD: invalid bytes would make
 * the sheet XML unreadable and Excel would refuse the whole file. */
static void
append_valid_utf8(const char *s, buf_t *out)
{
	size_t n = strlen(s);
	if (text_utf8_valid(s, n)) {
		buf_append(out, s, n);
		return;
	}
	for (size_t i = 0; i < n;) {
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

/* Code points in s (continuation bytes are not counted). */
static size_t
utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* The string form of a cell for the sheet: valid UTF-8 and neutralised. s itself when it
 * needs neither (the common case: no copy), else a copy in tmp. */
static const char *
sheet_text(const char *s, buf_t *tmp, buf_t *scratch)
{
	size_t n = strlen(s);
	int valid = text_utf8_valid(s, n);
	if (valid && !(s[0] && strchr("=+-@\t\r", s[0])))
		return s;
	buf_reset(scratch);
	if (valid)
		buf_append(scratch, s, n);
	else
		append_valid_utf8(s, scratch);
	buf_reset(tmp);
	table_neutralize(buf_cstr(scratch), tmp);
	return buf_cstr(tmp);
}

/* Characters of v as "#,##0" shows it: digits, one separator per group of three, sign. */
static size_t
int_width(int64_t v)
{
	uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	size_t digits = 1;
	while (m >= 10) {
		m /= 10;
		digits++;
	}
	return digits + (digits - 1) / 3 + (v < 0);
}

/* Sheet name from the title: valid UTF-8, none of []:*?/\ or control characters, no
 * quote at either end, at most 31 characters; "Sheet1" when nothing is left. */
static void
sheet_name(const char *title, char *name, size_t cap)
{
	buf_t clean = BUF_INIT;
	append_valid_utf8(title ? title : "", &clean);
	size_t k = 0, chars = 0;
	const char *p = buf_cstr(&clean);
	while (*p == ' ' || *p == '\'')
		p++;
	while (*p && chars < XLSX_SHEETNAME_MAX) {
		size_t len = utf8_seq(p, strlen(p));
		if (len == 0 || k + len >= cap)
			break;
		if (len == 1 && ((unsigned char)*p < 0x20 || strchr("[]:*?/\\", *p)))
			name[k++] = (unsigned char)*p < 0x20 ? ' ' : '-';
		else {
			memcpy(name + k, p, len);
			k += len;
		}
		p += len;
		chars++;
	}
	while (k && (name[k - 1] == ' ' || name[k - 1] == '\''))
		k--;
	name[k] = '\0';
	if (k == 0)
		snprintf(name, cap, "Sheet1");
	buf_free(&clean);
}

/* ---- XLSX for tables: our own sheet XML in a ZIP made by libzip ----
 *
 * libxlsxwriter takes 2.2 s for the national export (60,000 rows x 42 columns) even in its
 * constant-memory mode, ~60% of it in zlib at its default level and most of the rest in
 * printf (bench/bench_xlsx.c), and 600 MB without that mode. A table is one sheet of plain
 * cells, so we write the package ourselves: the rows are generated once, in order, into a
 * temporary file (widths measured on the way; text cells as inline strings, as
 * libxlsxwriter's constant-memory mode writes them), then libzip deflates head + rows + tail
 * at a fast level. Nothing of the sheet stays in memory. The rows go through a file rather
 * than straight to libzip because libzip needs the size before the data (or it makes a
 * ZIP64 entry, which not every spreadsheet reads) and the widths come before the rows. */

/* Deflate level of the sheet: 1 is ~2.5x faster than zlib's default 6 on sheet XML, for a
 * file ~30% larger (bench_xlsx). */
#define XLSX_SHEET_LEVEL 1
/* Excel's limit of characters in a cell */
#define XLSX_MAX_CELL_CHARS 32767u

static const char xlsx_content_types[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        "<Default Extension=\"rels\" "
        "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
        "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        "<Override PartName=\"/xl/workbook.xml\" "
        "ContentType=\"application/vnd.openxmlformats-officedocument."
        "spreadsheetml.sheet.main+xml\"/>"
        "<Override PartName=\"/xl/worksheets/sheet1.xml\" "
        "ContentType=\"application/vnd.openxmlformats-officedocument."
        "spreadsheetml.worksheet+xml\"/>"
        "<Override PartName=\"/xl/styles.xml\" "
        "ContentType=\"application/vnd.openxmlformats-officedocument."
        "spreadsheetml.styles+xml\"/>"
        "</Types>";

static const char xlsx_rels[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" "
        "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
        "officeDocument\" "
        "Target=\"xl/workbook.xml\"/></Relationships>";

static const char xlsx_workbook_rels[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" "
        "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
        "Target=\"worksheets/sheet1.xml\"/>"
        "<Relationship Id=\"rId2\" "
        "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
        "Target=\"styles.xml\"/></Relationships>";

/* Calibri 11 as libxlsxwriter's default, without its theme. The cells' styles (cellXfs):
 * s="1" bold (title), s="2" a number shown 1.234.567 whatever the reader's regional
 * settings (literal dots, not the locale's separator: "#,##0" shows 7,734,567 outside
 * Vietnamese settings), s="3" the header (bold, wrapped, top), s="4" a number from 10^9. */
static const char xlsx_styles[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
        "<numFmts count=\"2\"><numFmt numFmtId=\"164\" "
        "formatCode=\"[&gt;=1000000]#\\.###\\.##0;[&gt;=1000]#\\.##0;0\"/>"
        "<numFmt numFmtId=\"165\" formatCode=\"[&gt;=1000000000000]#\\.###\\.###\\.###\\.##0;"
        "#\\.###\\.###\\.##0\"/></numFmts>"
        "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/>"
        "</font><font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>"
        "</fonts><fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill>"
        "<patternFill patternType=\"gray125\"/></fill></fills><borders count=\"1\"><border>"
        "<left/><right/><top/><bottom/><diagonal/></border></borders>"
        "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" "
        "borderId=\"0\"/></cellStyleXfs><cellXfs count=\"5\"><xf numFmtId=\"0\" fontId=\"0\" "
        "fillId=\"0\" borderId=\"0\" xfId=\"0\"/><xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" "
        "borderId=\"0\" xfId=\"0\" applyFont=\"1\"/><xf numFmtId=\"164\" fontId=\"0\" "
        "fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
        "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" "
        "applyFont=\"1\" applyAlignment=\"1\"><alignment vertical=\"top\" wrapText=\"1\"/>"
        "</xf><xf numFmtId=\"165\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" "
        "applyNumberFormat=\"1\"/></cellXfs>"
        "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/>"
        "</cellStyles></styleSheet>";

/* Printing: A4 landscape, the columns across as few pages as keep the print at 75 % or
 * more (fitToWidth, computed in sheet_rows; fitToHeight 0 = pages down as needed;
 * sheetPr's fitToPage in the head), the title and header rows (and on a wide table the
 * code and name columns) repeated on every page (the workbook's _xlnm.Print_Titles), page
 * numbers at the foot. */
static const char xlsx_sheet_tail_fmt[] =
        "</sheetData><printOptions horizontalCentered=\"1\"/><pageMargins left=\"0.4\" "
        "right=\"0.4\" top=\"0.6\" bottom=\"0.6\" header=\"0.3\" footer=\"0.3\"/>"
        "<pageSetup paperSize=\"9\" orientation=\"landscape\" fitToWidth=\"%d\" "
        "fitToHeight=\"0\"/><headerFooter><oddFooter>&amp;CTrang &amp;P/&amp;N</oddFooter>"
        "</headerFooter></worksheet>";
/* A4 landscape's width between those margins, in Excel's pixels at 96 dpi (276.7 mm), and
 * the smallest print scale worth reading (11 pt Calibri at 8.25 pt). */
#define XLSX_PAGE_PX 1046.0
#define XLSX_MIN_SCALE 0.75

/* A header wider than this many characters wraps onto more lines instead of widening its
 * column (a template's labels run to 100 characters). */
#define XLSX_HEAD_WIDTH 18
/* From this many columns the first two stay in view when scrolling right. */
#define XLSX_FREEZE_COLS_FROM 6

/* The sheet being written: the table, where its rows come from, and the sheet's XML in
 * three parts: head (up to <sheetData>, with the widths), rows (in a temporary file), tail. */
typedef struct sheet {
	const table_t *t;
	table_row_fn row;
	void *ctx;
	table_cell_t *cells; /* ncols: the current row */
	char (*col)[4];      /* ncols column letters: A .. XFD */
	size_t *width;       /* ncols widths in characters */
	size_t hrow;         /* sheet row of the header (0, or 2 under a title) */
	size_t nsheetrows;   /* rows written: title, header and data rows */
	int too_long;        /* a cell longer than Excel takes */
	buf_t xml;           /* rows generated, not yet in the file */
	buf_t tmp, scratch;  /* sheet_text's */
	buf_t head, tail;
	int pages_wide; /* fitToWidth */
	FILE *rows;     /* the <row> elements (an unlinked temporary file) */
	uint64_t rows_len;
	/* reading for libzip */
	int part;   /* 0 head, 1 rows, 2 tail, 3 end */
	size_t off; /* in head or tail */
	zip_error_t error;
} sheet_t;

/* Appends a string literal (no strlen). */
#define PUT(b, lit) buf_append((b), (lit), sizeof(lit) - 1)

/* Column letters of index c (0 = A). */
static void
col_name(size_t c, char out[4])
{
	char tmp[4];
	size_t n = 0;
	c++;
	while (c && n < 3) {
		tmp[n++] = (char)('A' + (c - 1) % 26);
		c = (c - 1) / 26;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
}

/* s as XML character data: & < > " escaped, control characters other than tab and line
 * feed as Excel's _xHHHH_ (XML cannot hold them; a CR would be read as a line feed), a
 * literal "_xHHHH_" protected by escaping its underscore, and U+FFFE/U+FFFF (not XML
 * characters) as _xFFFE_/_xFFFF_. s is valid UTF-8. */
static void
put_xml_text(buf_t *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *run = p;
	char esc[8];
	for (; *p; p++) {
		const char *rep;
		size_t skip = 1;
		if (*p >= 0x20 && *p != '&' && *p != '<' && *p != '>' && *p != '"' && *p != '_' &&
		    *p != 0xEF)
			continue;
		if (*p == '&')
			rep = "&amp;";
		else if (*p == '<')
			rep = "&lt;";
		else if (*p == '>')
			rep = "&gt;";
		else if (*p == '"')
			rep = "&quot;";
		else if (*p == '_') {
			if (!(p[1] == 'x' && isxdigit(p[2]) && isxdigit(p[3]) && isxdigit(p[4]) &&
			      isxdigit(p[5]) && p[6] == '_'))
				continue;
			rep = "_x005F_";
		} else if (*p == 0xEF) {
			if (!(p[1] == 0xBF && (p[2] == 0xBE || p[2] == 0xBF)))
				continue;
			rep = p[2] == 0xBE ? "_xFFFE_" : "_xFFFF_";
			skip = 3;
		} else if (*p == '\t' || *p == '\n') {
			continue;
		} else {
			snprintf(esc, sizeof esc, "_x%04X_", *p);
			rep = esc;
		}
		buf_append(b, run, (size_t)(p - run));
		buf_puts(b, rep);
		p += skip - 1;
		run = p + 1;
	}
	buf_append(b, run, (size_t)(p - run));
}

/* A text cell (s already through sheet_text) in style `bold` (0 plain, 1 bold, 3 the
 * header's). Empty text is no cell, or a styled blank (an empty header). Returns its width
 * in characters. */
static size_t
put_text_cell(sheet_t *sh, const char *ref, int bold, const char *s)
{
	size_t n = strlen(s), chars = utf8_chars(s);
	if (chars > XLSX_MAX_CELL_CHARS)
		sh->too_long = 1;
	if (n == 0) {
		if (bold)
			buf_printf(&sh->xml, "<c r=\"%s\" s=\"%d\"/>", ref, bold);
		return 0;
	}
	PUT(&sh->xml, "<c r=\"");
	buf_puts(&sh->xml, ref);
	if (bold)
		buf_printf(&sh->xml, "\" s=\"%d\" t=\"inlineStr\"><is>", bold);
	else
		PUT(&sh->xml, "\" t=\"inlineStr\"><is>");
	/* leading or trailing blanks are kept only with xml:space */
	if (strchr(" \t\n", s[0]) || strchr(" \t\n", s[n - 1]))
		PUT(&sh->xml, "<t xml:space=\"preserve\">");
	else
		PUT(&sh->xml, "<t>");
	put_xml_text(&sh->xml, s);
	PUT(&sh->xml, "</t></is></c>");
	return chars;
}

/* Writes the XML of data cell c of the current row at ref: nothing when empty, a "#,##0"
 * number for an integer Excel holds exactly (TABLE_INT, or integer text in a numeric
 * column), else text. Returns the width the cell shows. */
static size_t
put_data_cell(sheet_t *sh, size_t c, const char *ref)
{
	const table_cell_t *cell = &sh->cells[c];
	const char *s = NULL;
	char digits[24];
	size_t len;
	int64_t v;
	if (cell->kind == TABLE_INT) {
		v = cell->num;
	} else {
		if (cell->kind != TABLE_TEXT || !cell->text || !cell->text[0])
			return 0; /* an empty cell stays blank */
		s = cell->text;
		if (!is_number_cell(sh->t, c, s, &v))
			return put_text_cell(sh, ref, 0, sheet_text(s, &sh->tmp, &sh->scratch));
	}
	if (v > XLSX_MAX_EXACT || v < -XLSX_MAX_EXACT) {
		/* more digits than a double keeps: the digits as text */
		if (!s)
			s = int_text(v, digits, &len);
		return put_text_cell(sh, ref, 0, sheet_text(s, &sh->tmp, &sh->scratch));
	}
	/* the hot path (~2 million cells nationally): one append per cell */
	char xml[80], *p = xml;
	const char *d = int_text(v, digits, &len);
	size_t rl = strlen(ref);
#define COPY(src, n) (memcpy(p, (src), (n)), p += (n))
	COPY("<c r=\"", sizeof "<c r=\"" - 1);
	COPY(ref, rl);
	if (v >= 1000000000 || v <= -1000000000)
		COPY("\" s=\"4\"><v>", sizeof "\" s=\"4\"><v>" - 1);
	else
		COPY("\" s=\"2\"><v>", sizeof "\" s=\"2\"><v>" - 1);
	COPY(d, len);
	COPY("</v></c>", sizeof "</v></c>" - 1);
#undef COPY
	buf_append(&sh->xml, xml, (size_t)(p - xml));
	return int_width(v);
}

/* Appends the i-th row written (the title when there is one, the header, then the data
 * rows) to sh->xml, widening the columns to its content. */
static void
gen_row(sheet_t *sh, size_t i)
{
	const table_t *t = sh->t;
	/* sheet row k (0-based): the title in row 0, a blank row, the header in row hrow */
	size_t k = sh->hrow ? (i ? sh->hrow + i - 1 : 0) : i;
	char num[24], ref[32];
	size_t len;
	const char *rn = int_text((int64_t)k + 1, num, &len);
	PUT(&sh->xml, "<row r=\"");
	buf_append(&sh->xml, rn, len);
	if (k == sh->hrow && k > 0) {
		/* the header wraps: as tall as its longest title needs at the narrowest width
		 * its column can have */
		size_t lines = 1;
		for (size_t c = 0; c < t->ncols; c++) {
			size_t ch = utf8_chars(t->header[c] ? t->header[c] : "");
			size_t l = (ch + XLSX_HEAD_WIDTH - 1) / XLSX_HEAD_WIDTH;
			if (l > lines)
				lines = l;
		}
		buf_printf(&sh->xml, "\" ht=\"%zu\" customHeight=\"1", lines * 15);
	}
	PUT(&sh->xml, "\">");
	if (k < sh->hrow) { /* the title, in bold in the first column */
		snprintf(ref, sizeof ref, "A%s", rn);
		put_text_cell(sh, ref, 1, sheet_text(t->title, &sh->tmp, &sh->scratch));
	} else if (k == sh->hrow) {
		for (size_t c = 0; c < t->ncols; c++) {
			snprintf(ref, sizeof ref, "%s%s", sh->col[c], rn);
			const char *s = sheet_text(t->header[c] ? t->header[c] : "", &sh->tmp,
			                           &sh->scratch);
			size_t w = put_text_cell(sh, ref, 3, s);
			if (w > XLSX_HEAD_WIDTH)
				w = XLSX_HEAD_WIDTH;
			if (w > sh->width[c])
				sh->width[c] = w;
		}
	} else {
		sh->row(sh->ctx, k - sh->hrow - 1, sh->cells);
		for (size_t c = 0; c < t->ncols; c++) {
			size_t cl = strlen(sh->col[c]);
			memcpy(ref, sh->col[c], cl);
			memcpy(ref + cl, rn, len + 1);
			size_t w = put_data_cell(sh, c, ref);
			if (w > sh->width[c])
				sh->width[c] = w;
		}
	}
	PUT(&sh->xml, "</row>");
}

static void
sheet_init(sheet_t *sh, const table_t *t, table_row_fn row, void *ctx)
{
	memset(sh, 0, sizeof *sh);
	sh->t = t;
	sh->row = row;
	sh->ctx = ctx;
	size_t n = t->ncols ? t->ncols : 1;
	sh->cells = xcalloc(n, sizeof *sh->cells);
	sh->col = xcalloc(n, sizeof *sh->col);
	sh->width = xcalloc(n, sizeof *sh->width);
	for (size_t c = 0; c < t->ncols; c++)
		col_name(c, sh->col[c]);
	sh->hrow = t->title && t->title[0] ? 2 : 0;
	sh->nsheetrows = (sh->hrow ? 1 : 0) + 1 + t->nrows;
	zip_error_init(&sh->error);
}

static void
sheet_free(sheet_t *sh)
{
	free(sh->cells);
	free(sh->col);
	free(sh->width);
	buf_free(&sh->xml);
	buf_free(&sh->tmp);
	buf_free(&sh->scratch);
	buf_free(&sh->head);
	buf_free(&sh->tail);
	if (sh->rows)
		fclose(sh->rows);
	zip_error_fini(&sh->error);
}

/* Rows generated in this many bytes at a time before they go to the file */
#define ROWS_CHUNK (256u * 1024u)

/* Every row generated once, in order, into the temporary file (one pass, so the sheet
 * holds whatever the rows said at that moment even if their source changes meanwhile),
 * then the sheet's head, which carries the widths. -1: too_long set, or the file failed. */
static int
sheet_rows(sheet_t *sh)
{
	const table_t *t = sh->t;
	for (size_t k = 0; k < sh->nsheetrows && !sh->too_long; k++) {
		gen_row(sh, k);
		if (sh->xml.len >= ROWS_CHUNK || k + 1 == sh->nsheetrows) {
			if (fwrite(sh->xml.data, 1, sh->xml.len, sh->rows) != sh->xml.len)
				return -1;
			sh->rows_len += sh->xml.len;
			buf_reset(&sh->xml);
		}
	}
	if (sh->too_long || fflush(sh->rows) != 0 || fseeko(sh->rows, 0, SEEK_SET) != 0)
		return -1;
	buf_t *h = &sh->head;
	size_t last = sh->hrow + 1 + t->nrows; /* 1-based */
	PUT(h, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	       "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
	       "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
	       "<sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr>");
	buf_printf(h, "<dimension ref=\"A1:%s%zu\"/>", t->ncols ? sh->col[t->ncols - 1] : "A",
	           last);
	/* the frozen panes: everything down to the header stays in view, and on a wide table
	 * (a unit's matrix) the first two columns (code and name) too */
	if (t->ncols > XLSX_FREEZE_COLS_FROM)
		buf_printf(h,
		           "<sheetViews><sheetView tabSelected=\"1\" workbookViewId=\"0\"><pane "
		           "xSplit=\"2\" ySplit=\"%zu\" topLeftCell=\"C%zu\" "
		           "activePane=\"bottomRight\" state=\"frozen\"/><selection "
		           "pane=\"topRight\"/><selection pane=\"bottomLeft\"/><selection "
		           "pane=\"bottomRight\"/></sheetView></sheetViews>"
		           "<sheetFormatPr defaultRowHeight=\"15\"/>",
		           sh->hrow + 1, sh->hrow + 2);
	else
		buf_printf(h,
		           "<sheetViews><sheetView tabSelected=\"1\" workbookViewId=\"0\"><pane "
		           "ySplit=\"%zu\" topLeftCell=\"A%zu\" activePane=\"bottomLeft\" "
		           "state=\"frozen\"/><selection pane=\"bottomLeft\"/></sheetView>"
		           "</sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>",
		           sh->hrow + 1, sh->hrow + 2);
	/* pages across: the columns after the repeated ones, on pages that each hold
	 * XLSX_PAGE_PX / XLSX_MIN_SCALE pixels of sheet less the repeated columns */
	double px = 0, fixed = 0;
	for (size_t c = 0; c < t->ncols; c++) {
		size_t w = sh->width[c] + 2 > XLSX_MAX_WIDTH ? XLSX_MAX_WIDTH : sh->width[c] + 2;
		px += (double)w * 7 + 5;
		if (t->ncols > XLSX_FREEZE_COLS_FROM && c < 2)
			fixed += (double)w * 7 + 5;
	}
	double per_page = XLSX_PAGE_PX / XLSX_MIN_SCALE - fixed;
	sh->pages_wide = 1;
	if (px > XLSX_PAGE_PX / XLSX_MIN_SCALE && per_page > 0)
		sh->pages_wide = (int)((px - fixed + per_page - 1) / per_page);
	buf_reset(&sh->tail);
	buf_printf(&sh->tail, xlsx_sheet_tail_fmt, sh->pages_wide);
	if (t->ncols) {
		PUT(h, "<cols>");
		for (size_t c = 0; c < t->ncols; c++) {
			/* Two characters of padding; bold headers are a little wider than text.
			 * Excel stores n characters of Calibri 11 as n + 182/256. */
			size_t w = sh->width[c] + 2;
			if (w > XLSX_MAX_WIDTH)
				w = XLSX_MAX_WIDTH;
			buf_printf(h,
			           "<col min=\"%zu\" max=\"%zu\" width=\"%zu.7109375\" "
			           "customWidth=\"1\"/>",
			           c + 1, c + 1, w);
		}
		PUT(h, "</cols>");
	}
	PUT(h, "<sheetData>");
	return 0;
}

/* Copies what is left of part p[0..n) from *off into data[0..len); returns the count. */
static size_t
take(const char *p, size_t n, size_t *off, char *data, size_t len)
{
	size_t k = n - *off < len ? n - *off : len;
	memcpy(data, p + *off, k);
	*off += k;
	return k;
}

/* libzip's source for the sheet: head, the rows' file, tail. */
static zip_int64_t
sheet_source(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
	sheet_t *sh = ud;
	switch (cmd) {
	case ZIP_SOURCE_OPEN:
		sh->part = 0;
		sh->off = 0;
		if (fseeko(sh->rows, 0, SEEK_SET) != 0) {
			zip_error_set(&sh->error, ZIP_ER_SEEK, errno);
			return -1;
		}
		return 0;
	case ZIP_SOURCE_READ: {
		size_t done = 0, want = len > SIZE_MAX ? SIZE_MAX : (size_t)len;
		char *d = data;
		while (done < want && sh->part < 3) {
			size_t k;
			if (sh->part == 0) {
				k = take(sh->head.data, sh->head.len, &sh->off, d + done,
				         want - done);
			} else if (sh->part == 1) {
				k = fread(d + done, 1, want - done, sh->rows);
				if (k == 0 && ferror(sh->rows)) {
					zip_error_set(&sh->error, ZIP_ER_READ, errno);
					return -1;
				}
			} else {
				k = take(sh->tail.data, sh->tail.len, &sh->off, d + done,
				         want - done);
			}
			if (k == 0) {
				sh->part++;
				sh->off = 0;
			}
			done += k;
		}
		return (zip_int64_t)done;
	}
	case ZIP_SOURCE_CLOSE: return 0;
	case ZIP_SOURCE_STAT: {
		zip_stat_t *st = ZIP_SOURCE_GET_ARGS(zip_stat_t, data, len, &sh->error);
		if (!st)
			return -1;
		/* the size up front keeps the entry a plain (not ZIP64) one */
		zip_stat_init(st);
		st->valid = ZIP_STAT_SIZE;
		st->size = sh->head.len + sh->rows_len + sh->tail.len;
		return sizeof *st;
	}
	case ZIP_SOURCE_ERROR: return zip_error_to_data(&sh->error, data, len);
	case ZIP_SOURCE_FREE: return 0; /* sh belongs to table_write_xlsx_rows */
	case ZIP_SOURCE_SUPPORTS:
		return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ,
		                                      ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
		                                      ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
	default: zip_error_set(&sh->error, ZIP_ER_OPNOTSUPP, 0); return -1;
	}
}

/* A temporary file path under TMPDIR (created empty). -1 with a Vietnamese err. */
static int
tmp_file(char *path, size_t cap, const char **dir /* OUT */, char *err, size_t errlen)
{
	*dir = getenv("TMPDIR");
	if (!*dir || !(*dir)[0])
		*dir = "/tmp";
	if ((size_t)snprintf(path, cap, "%s/suotdoi-xlsx-XXXXXX", *dir) >= cap) {
		set_err(err, errlen, "Đường dẫn thư mục tạm (TMPDIR) quá dài; hãy đặt lại TMPDIR.");
		return -1;
	}
	int fd = mkstemp(path);
	if (fd < 0) {
		char msg[4352];
		snprintf(msg, sizeof msg,
		         "Không tạo được tệp tạm trong %s (%s); hãy kiểm tra quyền ghi và chỗ "
		         "trống của thư mục tạm.",
		         *dir, strerror(errno));
		set_err(err, errlen, msg);
		return -1;
	}
	close(fd);
	return 0;
}

static void
write_failed(const char *dir, char *err, size_t errlen)
{
	char msg[4352];
	snprintf(msg, sizeof msg,
	         "Không ghi được tệp Excel tạm trong %s; hãy kiểm tra quyền ghi và chỗ trống của "
	         "thư mục tạm rồi thử lại.",
	         dir);
	set_err(err, errlen, msg);
}

/* Appends the whole file at path to out, read straight into out's memory. */
static int
append_file(const char *path, buf_t *out, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	struct stat sb;
	if (!f || fstat(fileno(f), &sb) < 0 || sb.st_size < 0) {
		if (f)
			fclose(f);
		set_err(err, errlen, "Không đọc lại được tệp Excel tạm; hãy thử lại.");
		return -1;
	}
	size_t n = (size_t)sb.st_size;
	buf_reserve(out, n);
	size_t got = n ? fread(out->data + out->len, 1, n, f) : 0;
	fclose(f);
	if (got != n) {
		out->data[out->len] = '\0';
		set_err(err, errlen, "Không đọc lại được tệp Excel tạm; hãy thử lại.");
		return -1;
	}
	out->len += n;
	out->data[out->len] = '\0';
	return 0;
}

/* Adds a part from memory (not copied: it must live until zip_close). */
static zip_int64_t
zip_add_mem(zip_t *za, const char *name, const void *data, size_t len)
{
	zip_source_t *s = zip_source_buffer(za, data, len, 0);
	if (!s)
		return -1;
	zip_int64_t i = zip_file_add(za, name, s, ZIP_FL_ENC_UTF_8);
	if (i < 0)
		zip_source_free(s);
	return i;
}

/* The package around the sheet, written to path (libzip's reason goes to the log). */
static int
sheet_zip(sheet_t *sh, const char *path)
{
	int zerr;
	zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	if (!za) {
		log_warn("xlsx %s: libzip error %d", path, zerr);
		return -1;
	}
	char name[4 * XLSX_SHEETNAME_MAX + 1];
	sheet_name(sh->t->title, name, sizeof name);
	buf_t wb = BUF_INIT;
	buf_puts(&wb,
	         "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	         "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
	         "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/"
	         "relationships\"><bookViews><workbookView/></bookViews><sheets><sheet name=\"");
	put_xml_text(&wb, name);
	buf_puts(&wb, "\" sheetId=\"1\" r:id=\"rId1\"/></sheets>");
	/* the rows down to the header printed at the top of every page */
	buf_puts(&wb, "<definedNames><definedName name=\"_xlnm.Print_Titles\" "
	              "localSheetId=\"0\">");
	buf_t quoted = BUF_INIT, ref = BUF_INIT; /* a quote inside a sheet name is doubled */
	buf_putc(&quoted, '\'');
	for (const char *q = name; *q; q++) {
		if (*q == '\'')
			buf_putc(&quoted, '\'');
		buf_putc(&quoted, *q);
	}
	buf_puts(&quoted, "'!");
	/* a wide table printed over several pages across: its code and name on each */
	if (sh->t->ncols > XLSX_FREEZE_COLS_FROM && sh->pages_wide > 1)
		buf_printf(&ref, "%s$A:$B,", buf_cstr(&quoted));
	buf_printf(&ref, "%s$1:$%zu", buf_cstr(&quoted), sh->hrow + 1);
	put_xml_text(&wb, buf_cstr(&ref));
	buf_free(&quoted);
	buf_free(&ref);
	buf_puts(&wb, "</definedName></definedNames></workbook>");
	zip_source_t *src = NULL;
	zip_int64_t si;
	int ok = zip_add_mem(za, "[Content_Types].xml", xlsx_content_types,
	                     sizeof xlsx_content_types - 1) >= 0 &&
	         zip_add_mem(za, "_rels/.rels", xlsx_rels, sizeof xlsx_rels - 1) >= 0 &&
	         zip_add_mem(za, "xl/workbook.xml", wb.data, wb.len) >= 0 &&
	         zip_add_mem(za, "xl/_rels/workbook.xml.rels", xlsx_workbook_rels,
	                     sizeof xlsx_workbook_rels - 1) >= 0 &&
	         zip_add_mem(za, "xl/styles.xml", xlsx_styles, sizeof xlsx_styles - 1) >= 0 &&
	         (src = zip_source_function(za, sheet_source, sh)) != NULL &&
	         (si = zip_file_add(za, "xl/worksheets/sheet1.xml", src, ZIP_FL_ENC_UTF_8)) >= 0 &&
	         zip_set_file_compression(za, (zip_uint64_t)si, ZIP_CM_DEFLATE, XLSX_SHEET_LEVEL) ==
	                 0;
	if (!ok) {
		if (src && zip_name_locate(za, "xl/worksheets/sheet1.xml", 0) < 0)
			zip_source_free(src);
		log_warn("xlsx %s: %s", path, zip_strerror(za));
		zip_discard(za);
		buf_free(&wb);
		return -1;
	}
	if (zip_close(za) < 0) {
		log_warn("xlsx %s: %s", path, zip_strerror(za));
		zip_discard(za);
		buf_free(&wb);
		return -1;
	}
	buf_free(&wb);
	return 0;
}

int
table_write_xlsx_rows(const table_t *t, table_row_fn row, void *ctx, buf_t *out, char *err,
                      size_t errlen)
{
	if (t->ncols > XLSX_MAX_COLS || t->nrows > XLSX_MAX_ROWS - 3) {
		set_err(err, errlen,
		        "Bảng quá lớn cho Excel (tối đa 1.048.576 dòng, 16.384 cột); hãy xuất CSV "
		        "hoặc lọc bớt dữ liệu.");
		return -1;
	}
	char path[4096], rows_path[4096];
	const char *dir;
	if (tmp_file(path, sizeof path, &dir, err, errlen) < 0)
		return -1;
	int ret = -1;
	sheet_t sh;
	sheet_init(&sh, t, row, ctx);
	if (tmp_file(rows_path, sizeof rows_path, &dir, err, errlen) < 0)
		goto done;
	/* the rows' file has no name from the start: nothing is left behind, whatever happens */
	sh.rows = fopen(rows_path, "w+b");
	unlink(rows_path);
	if (!sh.rows || sheet_rows(&sh) < 0) {
		if (sh.too_long)
			set_err(err, errlen,
			        "Có ô dài quá 32.767 ký tự, Excel không chứa được; hãy xuất CSV.");
		else
			write_failed(dir, err, errlen);
		goto done;
	}
	if (sheet_zip(&sh, path) < 0)
		write_failed(dir, err, errlen);
	else
		ret = append_file(path, out, err, errlen);
done:
	unlink(path);
	sheet_free(&sh);
	return ret;
}

int
table_write_xlsx(const table_t *t, buf_t *out, char *err, size_t errlen)
{
	return table_write_xlsx_rows(t, cells_row, (void *)t, out, err, errlen);
}

/* ---- XLSX through libxlsxwriter (the Phụ lục: merged cells, borders, several formats) ---- */

int
xlsx_build(int (*fill)(void *wb, const void *ctx), const void *ctx, const char *too_long_msg,
           buf_t *out, char *err, size_t errlen)
{
	char path[4096];
	const char *dir;
	if (tmp_file(path, sizeof path, &dir, err, errlen) < 0)
		return -1;
	/* libxlsxwriter opens the path itself when the workbook is closed */
	int ret = -1;
	lxw_workbook_options opts = {.constant_memory = 0, .tmpdir = (char *)dir, .use_zip64 = 0};
	lxw_workbook *wb = workbook_new_opt(path, &opts);
	if (!wb) {
		set_err(err, errlen, "Không đủ bộ nhớ để tạo tệp Excel; hãy thử lại sau.");
		goto done;
	}
	lxw_error rc = (lxw_error)fill(wb, ctx);
	lxw_error crc = workbook_close(wb); /* also frees wb, on every path */
	if (rc == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED) {
		set_err(err, errlen, too_long_msg);
		goto done;
	}
	if (rc != LXW_NO_ERROR || crc != LXW_NO_ERROR) {
		/* libxlsxwriter's explanation is English: it goes to the log for the admin. */
		log_warn("xlsx %s: %s", path, lxw_strerror(rc != LXW_NO_ERROR ? rc : crc));
		write_failed(dir, err, errlen);
		goto done;
	}
	ret = append_file(path, out, err, errlen);
done:
	unlink(path);
	return ret;
}
