/* Table export as CSV (by hand) and XLSX (libxlsxwriter, through a temporary file since
 * version 1.1.4 cannot write to memory). Formula-looking text is neutralised in both. */
#include "export/table.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "core/file.h"
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

static const char *
cell_at(const table_t *t, size_t r, size_t c)
{
	const char *s = t->cells[r * t->ncols + c];
	return s ? s : "";
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
table_write_csv(const table_t *t, buf_t *out)
{
	buf_t tmp = BUF_INIT;
	buf_puts(out, "\xEF\xBB\xBF"); /* BOM: Excel reads the file as UTF-8 only with it */
	for (size_t c = 0; c < t->ncols; c++) {
		if (c)
			buf_putc(out, ',');
		csv_cell(t->header[c] ? t->header[c] : "", 1, &tmp, out);
	}
	buf_puts(out, "\r\n");
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = cell_at(t, r, c);
			int64_t v;
			if (c)
				buf_putc(out, ',');
			csv_cell(s, !is_number_cell(t, c, s, &v), &tmp, out);
		}
		buf_puts(out, "\r\n");
	}
	buf_free(&tmp);
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

/* The string form of a cell for the sheet: valid UTF-8 and neutralised. */
static const char *
sheet_text(const char *s, buf_t *tmp, buf_t *scratch)
{
	buf_reset(scratch);
	append_valid_utf8(s, scratch);
	buf_reset(tmp);
	table_neutralize(buf_cstr(scratch), tmp);
	return buf_cstr(tmp);
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

/* Writes the sheet; returns an lxw error (LXW_NO_ERROR on success). */
static lxw_error
fill_sheet(lxw_workbook *wb, const table_t *t)
{
	char name[4 * XLSX_SHEETNAME_MAX + 1];
	sheet_name(t->title, name, sizeof name);
	if (workbook_validate_sheet_name(wb, name) != LXW_NO_ERROR)
		snprintf(name, sizeof name, "Sheet1");
	lxw_worksheet *ws = workbook_add_worksheet(wb, name);
	lxw_format *bold = workbook_add_format(wb);
	lxw_format *number = workbook_add_format(wb);
	if (!ws || !bold || !number)
		return LXW_ERROR_MEMORY_MALLOC_FAILED;
	format_set_bold(bold);
	format_set_num_format(number, "#,##0");

	buf_t tmp = BUF_INIT, scratch = BUF_INIT, shown = BUF_INIT;
	size_t *width = xcalloc(t->ncols ? t->ncols : 1, sizeof *width);
	lxw_error rc = LXW_NO_ERROR;
	lxw_row_t hrow = 0;
	if (t->title && t->title[0]) {
		rc = worksheet_write_string(ws, 0, 0, sheet_text(t->title, &tmp, &scratch), bold);
		hrow = 2;
	}
	for (size_t c = 0; c < t->ncols && rc == LXW_NO_ERROR; c++) {
		const char *s = sheet_text(t->header[c] ? t->header[c] : "", &tmp, &scratch);
		width[c] = utf8_chars(s);
		rc = worksheet_write_string(ws, hrow, (lxw_col_t)c, s, bold);
	}
	for (size_t r = 0; r < t->nrows && rc == LXW_NO_ERROR; r++) {
		lxw_row_t row = hrow + 1 + (lxw_row_t)r;
		for (size_t c = 0; c < t->ncols && rc == LXW_NO_ERROR; c++) {
			const char *s = cell_at(t, r, c);
			int64_t v;
			size_t w;
			if (!s[0]) {
				continue; /* an empty cell stays blank */
			} else if (is_number_cell(t, c, s, &v) && v <= XLSX_MAX_EXACT &&
			           v >= -XLSX_MAX_EXACT) {
				rc = worksheet_write_number(ws, row, (lxw_col_t)c, (double)v,
				                            number);
				buf_reset(&shown);
				text_format_int(v, &shown);
				w = shown.len;
			} else {
				s = sheet_text(s, &tmp, &scratch);
				rc = worksheet_write_string(ws, row, (lxw_col_t)c, s, NULL);
				w = utf8_chars(s);
			}
			if (w > width[c])
				width[c] = w;
		}
	}
	for (size_t c = 0; c < t->ncols && rc == LXW_NO_ERROR; c++) {
		/* Two characters of padding; bold headers are a little wider than text. */
		size_t w = width[c] + 2;
		if (w > XLSX_MAX_WIDTH)
			w = XLSX_MAX_WIDTH;
		rc = worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, (double)w, NULL);
	}
	if (rc == LXW_NO_ERROR)
		worksheet_freeze_panes(ws, hrow + 1, 0);
	free(width);
	buf_free(&tmp);
	buf_free(&scratch);
	buf_free(&shown);
	return rc;
}

int
xlsx_build(int (*fill)(void *wb, const void *ctx), const void *ctx, const char *too_long_msg,
           buf_t *out, char *err, size_t errlen)
{
	const char *dir = getenv("TMPDIR");
	if (!dir || !dir[0])
		dir = "/tmp";
	char path[4096];
	if ((size_t)snprintf(path, sizeof path, "%s/suotdoi-xlsx-XXXXXX", dir) >= sizeof path) {
		set_err(err, errlen, "Đường dẫn thư mục tạm (TMPDIR) quá dài; hãy đặt lại TMPDIR.");
		return -1;
	}
	int fd = mkstemp(path);
	if (fd < 0) {
		char msg[4352];
		snprintf(msg, sizeof msg,
		         "Không tạo được tệp tạm trong %s (%s); hãy kiểm tra quyền ghi và chỗ "
		         "trống của thư mục tạm.",
		         dir, strerror(errno));
		set_err(err, errlen, msg);
		return -1;
	}
	close(fd); /* libxlsxwriter opens the path itself when the workbook is closed */

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
		char msg[4352];
		snprintf(msg, sizeof msg,
		         "Không ghi được tệp Excel tạm trong %s; hãy kiểm tra quyền ghi và chỗ "
		         "trống của thư mục tạm rồi thử lại.",
		         dir);
		set_err(err, errlen, msg);
		goto done;
	}
	char *data;
	size_t len;
	if (file_read_all(path, SIZE_MAX / 2, &data, &len, err, errlen) < 0)
		goto done;
	buf_append(out, data, len);
	free(data);
	ret = 0;
done:
	unlink(path);
	return ret;
}

/* xlsx_build's callback shape for the table */
static int
fill_table(void *wb, const void *t)
{
	return (int)fill_sheet(wb, t);
}

int
table_write_xlsx(const table_t *t, buf_t *out, char *err, size_t errlen)
{
	if (t->ncols > XLSX_MAX_COLS || t->nrows > XLSX_MAX_ROWS - 3) {
		set_err(err, errlen,
		        "Bảng quá lớn cho Excel (tối đa 1.048.576 dòng, 16.384 cột); hãy xuất CSV "
		        "hoặc lọc bớt dữ liệu.");
		return -1;
	}
	return xlsx_build(fill_table, t,
	                  "Có ô dài quá 32.767 ký tự, Excel không chứa được; hãy xuất CSV.", out,
	                  err, errlen);
}
