/* CSV import reader: RFC 4180 plus what spreadsheets really write (LF or a lone CR for
 * CRLF, a UTF-8 BOM, blank lines). One pass over a memory buffer; the fields of the
 * current record live in one reused buffer, so a 10k-row import allocates a few times. */
#include "csv/csv.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/mem.h"

/* Bytes that end an unquoted run, or are errors inside one. */
static const unsigned char special[256] = {
        [','] = 1, ['\n'] = 1, ['\r'] = 1, ['"'] = 1, [0] = 1,
};

#define HINT_QUOTE                                                                                 \
	"Hãy đặt cả trường trong dấu ngoặc kép và viết \"\" cho mỗi dấu ngoặc kép bên trong."

void
csv_init(csv_reader_t *r, const char *data, size_t len)
{
	memset(r, 0, sizeof *r);
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		data += 3, len -= 3;
	r->p = data;
	r->end = len ? data + len : data;
	r->line = 1;
	r->next_line = 1;
}

static int fail(csv_reader_t *r, size_t line, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Records an error. next_line = 0 marks the reader as failed: after an error the
 * position is somewhere inside a record, so every later call repeats the error. */
static int
fail(csv_reader_t *r, size_t line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->err, sizeof r->err, fmt, ap);
	va_end(ap);
	r->line = line;
	r->next_line = 0;
	r->nfields = 0;
	return -1;
}

static int
fail_nul(csv_reader_t *r, size_t line)
{
	return fail(r, line,
	            "Dòng %zu: tệp có byte NUL (mã 0) nên không phải văn bản CSV. "
	            "Hãy mở tệp bằng bảng tính và lưu lại dưới dạng CSV UTF-8.",
	            line);
}

static int
fail_long(csv_reader_t *r, size_t line, size_t col)
{
	return fail(r, line,
	            "Dòng %zu, cột %zu: trường dài hơn %d byte. Hãy kiểm tra xem có thiếu "
	            "dấu ngoặc kép đóng không, hoặc rút ngắn nội dung.",
	            line, col, CSV_MAX_FIELD_BYTES);
}

/* A quoted field starting after its opening quote at *pp; *line follows line breaks
 * inside it. */
static int
read_quoted(csv_reader_t *r, const char **pp, size_t *line, size_t col)
{
	const char *p = *pp, *end = r->end;
	size_t open_line = *line, start = r->field_store.len;
	for (;;) {
		const char *q = p;
		while (q < end && *q != '"') {
			if (*q == '\n' || (*q == '\r' && (q + 1 == end || q[1] != '\n')))
				(*line)++;
			else if (*q == '\0')
				return fail_nul(r, *line);
			q++;
		}
		if (r->field_store.len - start + (size_t)(q - p) > CSV_MAX_FIELD_BYTES)
			return fail_long(r, open_line, col);
		buf_append(&r->field_store, p, (size_t)(q - p));
		if (q == end)
			return fail(
			        r, open_line,
			        "Dòng %zu: thiếu dấu ngoặc kép đóng ở cột %zu (trường mở bằng "
			        "dấu \" nhưng đến cuối tệp vẫn chưa đóng). Hãy thêm dấu \" ở cuối "
			        "trường và viết \"\" cho mỗi dấu ngoặc kép bên trong.",
			        open_line, col);
		if (q + 1 < end && q[1] == '"') {
			if (r->field_store.len - start + 1 > CSV_MAX_FIELD_BYTES)
				return fail_long(r, open_line, col);
			buf_putc(&r->field_store, '"');
			p = q + 2;
			continue;
		}
		p = q + 1;
		break;
	}
	if (p < end && *p != ',' && *p != '\n' && *p != '\r') {
		if (*p == '\0')
			return fail_nul(r, *line);
		return fail(r, *line,
		            "Dòng %zu, cột %zu: có ký tự ngay sau dấu ngoặc kép đóng. " HINT_QUOTE,
		            *line, col);
	}
	*pp = p;
	return 0;
}

int
csv_next(csv_reader_t *r)
{
	if (r->next_line == 0)
		return -1;
	const char *p = r->p, *end = r->end;
	size_t line = r->next_line;
	while (p < end && (*p == '\n' || *p == '\r')) {
		if (*p == '\r' && p + 1 < end && p[1] == '\n')
			p++;
		p++;
		line++;
	}
	r->nfields = 0;
	buf_reset(&r->field_store);
	r->p = p;
	r->next_line = line;
	if (p == end)
		return 0;
	r->line = line;
	for (;;) {
		size_t f = r->nfields;
		if (f == CSV_MAX_FIELDS)
			return fail(
			        r, line,
			        "Dòng %zu: có hơn %d cột. Hãy kiểm tra dấu phẩy thừa; nếu nội dung "
			        "có dấu phẩy, hãy đặt trường chứa dấu phẩy trong dấu ngoặc kép.",
			        line, CSV_MAX_FIELDS);
		r->off[f] = r->field_store.len;
		if (p < end && *p == '"') {
			p++;
			if (read_quoted(r, &p, &line, f + 1) < 0)
				return -1;
		} else {
			const char *q = p;
			while (q < end && !special[(unsigned char)*q])
				q++;
			if (q < end && *q == '"')
				return fail(
				        r, line,
				        "Dòng %zu, cột %zu: có dấu ngoặc kép giữa một trường không "
				        "mở bằng dấu ngoặc kép. " HINT_QUOTE,
				        line, f + 1);
			if (q < end && *q == '\0')
				return fail_nul(r, line);
			if ((size_t)(q - p) > CSV_MAX_FIELD_BYTES)
				return fail_long(r, line, f + 1);
			buf_append(&r->field_store, p, (size_t)(q - p));
			p = q;
		}
		r->len[f] = r->field_store.len - r->off[f];
		/* The NUL is stored so that csv_field can hand out C strings. */
		buf_append(&r->field_store, "", 1);
		r->nfields = f + 1;
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		if (p < end) {
			if (*p == '\r' && p + 1 < end && p[1] == '\n')
				p++;
			p++;
			line++;
		}
		break;
	}
	r->p = p;
	r->next_line = line;
	return 1;
}

/* Fields past the end of a short record read as "" so callers need no bounds test. */
const char *
csv_field(const csv_reader_t *r, size_t i, size_t *len)
{
	if (i >= r->nfields) {
		if (len)
			*len = 0;
		return "";
	}
	if (len)
		*len = r->len[i];
	return r->field_store.data + r->off[i];
}

void
csv_free(csv_reader_t *r)
{
	buf_free(&r->field_store);
	r->nfields = 0;
}
