/* Bulk value import files as rows (see values_file.h). Every string of a row is copied
 * into the caller's arena before the JSON document or the CSV reader is freed, so nothing
 * returned points into memory this file releases. */
#include "service/values_file.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "csv/csv.h"
#include "domain/jsonerr.h"
#include "text/text.h"

/* Cuts s[0..n) back so that it does not end inside a UTF-8 sequence. */
static void
trim_partial_utf8(char *s, size_t n)
{
	size_t i = n, back = 0;
	while (i > 0 && back < 4 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
		i--, back++;
	if (i == 0)
		return;
	unsigned char lead = (unsigned char)s[i - 1];
	size_t want = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
	if (back + 1 < want)
		s[i - 1] = '\0';
}

static int fail(char *err, size_t errlen, vf_rows_t *out, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

/* Writes the message (cut at a character boundary if err is short), empties *out and
 * returns -1. */
static int
fail(char *err, size_t errlen, vf_rows_t *out, const char *fmt, ...)
{
	if (errlen > 0) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n >= errlen)
			trim_partial_utf8(err, errlen - 1);
	}
	out->v = NULL;
	out->n = 0;
	return -1;
}

/* ------------------------------------------------------------------ JSON -- */

/* jansson's own text (English, may quote a fragment of the input): printable ASCII only,
 * so the message stays valid UTF-8 whatever the input held. */
static void
ascii_only(const char *in, char *out, size_t outlen)
{
	size_t k = 0;
	for (; *in && k + 1 < outlen; in++)
		out[k++] = (*in >= 0x20 && *in <= 0x7E) ? *in : '?';
	out[k] = '\0';
}

/* Copies a JSON string member into the arena. 0 with *s and *len, or -1 (message set)
 * when the string holds a NUL or is not valid UTF-8. */
static int
copy_string(const json_t *j, size_t i, const char *field, arena_t *a, const char **s, size_t *len,
            char *err, size_t errlen, vf_rows_t *out)
{
	const char *p = json_string_value(j);
	size_t n = json_string_length(j);
	if (strlen(p) != n || !text_utf8_valid(p, n))
		return fail(err, errlen, out,
		            "dataValues[%zu].%s: chuỗi có ký tự NUL hoặc không phải UTF-8 hợp lệ.",
		            i, field);
	*s = arena_strndup(a, p, n);
	*len = n;
	return 0;
}

/* orgUnit / dataElement: a non-empty string. */
static int
get_code(const json_t *dv, size_t i, const char *field, const char *what, arena_t *a,
         const char **s, char *err, size_t errlen, vf_rows_t *out)
{
	const json_t *j = json_object_get(dv, field);
	if (j == NULL)
		return fail(err, errlen, out, "dataValues[%zu].%s: thiếu %s.", i, field, what);
	if (!json_is_string(j))
		return fail(err, errlen, out, "dataValues[%zu].%s: %s phải là chuỗi.", i, field,
		            what);
	size_t n = 0;
	if (copy_string(j, i, field, a, s, &n, err, errlen, out) < 0)
		return -1;
	if (n == 0)
		return fail(err, errlen, out, "dataValues[%zu].%s: %s trống.", i, field, what);
	return 0;
}

static int
get_value(const json_t *dv, size_t i, arena_t *a, vf_row_t *row, char *err, size_t errlen,
          vf_rows_t *out)
{
	const json_t *j = json_object_get(dv, "value");
	if (j == NULL || json_is_null(j)) {
		row->value = "";
		row->value_len = 0;
		row->type = VF_NULL;
		return 0;
	}
	if (json_is_string(j)) {
		row->type = VF_STRING;
		return copy_string(j, i, "value", a, &row->value, &row->value_len, err, errlen,
		                   out);
	}
	if (json_is_integer(j)) {
		char *s = arena_printf(a, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
		row->value = s;
		row->value_len = strlen(s);
		row->type = VF_INT;
		return 0;
	}
	if (json_is_boolean(j)) {
		row->value = json_is_true(j) ? "true" : "false";
		row->value_len = strlen(row->value);
		row->type = VF_BOOL;
		return 0;
	}
	if (json_is_real(j))
		return fail(err, errlen, out,
		            "dataValues[%zu].value: giá trị phải là chuỗi, số nguyên, true/false "
		            "hoặc null; số có phần thập phân không được nhận (nếu cần, hãy viết "
		            "trong dấu ngoặc kép, ví dụ \"12.5\").",
		            i);
	return fail(err, errlen, out,
	            "dataValues[%zu].value: giá trị phải là chuỗi, số nguyên, true/false hoặc "
	            "null.",
	            i);
}

static int
convert_json(const json_t *root, arena_t *a, vf_rows_t *out, char *err, size_t errlen)
{
	if (!json_is_object(root))
		return fail(err, errlen, out,
		            "JSON phải là một đối tượng dataValueSets {\"dataValues\": [...]}, "
		            "không phải mảng hay giá trị đơn.");
	const json_t *dvs = json_object_get(root, "dataValues");
	if (dvs == NULL)
		return fail(err, errlen, out,
		            "dataValues: thiếu trường bắt buộc; tệp JSON phải có dạng "
		            "{\"dataValues\": [...]}.");
	if (!json_is_array(dvs))
		return fail(err, errlen, out, "dataValues: phải là một mảng [...] các giá trị.");
	size_t n = json_array_size(dvs);
	if (n > VF_MAX_ROWS)
		return fail(err, errlen, out,
		            "dataValues: có %zu giá trị, nhiều hơn giới hạn %d mỗi lần nhập. Hãy "
		            "chia tệp thành nhiều phần.",
		            n, VF_MAX_ROWS);
	vf_row_t *rows = n ? arena_alloc(a, n * sizeof *rows) : NULL;
	for (size_t i = 0; i < n; i++) {
		const json_t *dv = json_array_get(dvs, i);
		vf_row_t *row = &rows[i];
		memset(row, 0, sizeof *row);
		row->line = i;
		if (!json_is_object(dv))
			return fail(err, errlen, out,
			            "dataValues[%zu]: mỗi phần tử phải là một đối tượng "
			            "{\"orgUnit\": ..., \"dataElement\": ..., \"value\": ...}.",
			            i);
		if (get_code(dv, i, "orgUnit", "mã đơn vị", a, &row->unit, err, errlen, out) < 0 ||
		    get_code(dv, i, "dataElement", "mã chỉ tiêu", a, &row->item, err, errlen, out) <
		            0 ||
		    get_value(dv, i, a, row, err, errlen, out) < 0)
			return -1;
		const json_t *c = json_object_get(dv, "comment");
		if (c == NULL || json_is_null(c)) { /* DHIS2 writes "comment": null too */
			row->comment = "";
		} else if (!json_is_string(c)) {
			return fail(err, errlen, out,
			            "dataValues[%zu].comment: ghi chú phải là chuỗi.", i);
		} else {
			size_t cl;
			if (copy_string(c, i, "comment", a, &row->comment, &cl, err, errlen, out) <
			    0)
				return -1;
			row->has_comment = 1;
		}
	}
	out->v = rows;
	out->n = n;
	return 0;
}

int
values_parse_json(const char *data, size_t len, arena_t *a, vf_rows_t *out, char *err,
                  size_t errlen)
{
	out->v = NULL;
	out->n = 0;
	out->json = 1;
	json_error_t je;
	/* No JSON_ALLOW_NUL (a \u0000 is a syntax error) and no JSON_DECODE_ANY. */
	json_t *root = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL) {
		char text[sizeof je.text];
		ascii_only(je.text, text, sizeof text);
		return fail(err, errlen, out, "JSON không hợp lệ (dòng %d, cột %d): %s (%s).",
		            je.line, je.column,
		            json_problem_vi(
		                    &je, "tài liệu phải là một đối tượng {\"dataValues\": [...]}"),
		            text);
	}
	int rc = convert_json(root, a, out, err, errlen);
	json_decref(root); /* every string of *out was copied into the arena */
	return rc;
}

/* ------------------------------------------------------------------- CSV -- */

static const char *const header_names[] = {"unit_code", "item_code", "value", "comment"};

/* 1 if field f (trimmed of spaces and tabs) is name, case aside. */
static int
is_name(const char *f, size_t n, const char *name)
{
	while (n > 0 && (*f == ' ' || *f == '\t'))
		f++, n--;
	while (n > 0 && (f[n - 1] == ' ' || f[n - 1] == '\t'))
		n--;
	return n == strlen(name) && strncasecmp(f, name, n) == 0;
}

static int
check_header(const csv_reader_t *r, size_t *ncols, char *err, size_t errlen, vf_rows_t *out)
{
	static const char want[] = "tiêu đề phải là unit_code,item_code,value[,comment]";
	if (r->nfields != 3 && r->nfields != 4)
		return fail(err, errlen, out, "Dòng %zu: %s; dòng đầu tiên của tệp có %zu cột.",
		            r->line, want, r->nfields);
	for (size_t i = 0; i < r->nfields; i++) {
		size_t n;
		const char *f = csv_field(r, i, &n);
		if (is_name(f, n, header_names[i]) || (i == 3 && is_name(f, n, "ghi_chu")))
			continue;
		if (n <= 64 && text_utf8_valid(f, n))
			return fail(err, errlen, out,
			            "Dòng %zu: %s; cột %zu là \"%s\" thay vì \"%s\".", r->line,
			            want, i + 1, f, header_names[i]);
		return fail(err, errlen, out, "Dòng %zu: %s; cột %zu không phải \"%s\".", r->line,
		            want, i + 1, header_names[i]);
	}
	*ncols = r->nfields;
	return 0;
}

static int
parse_csv_rows(csv_reader_t *r, arena_t *a, vf_rows_t *out, char *err, size_t errlen)
{
	int rc = csv_next(r);
	if (rc < 0)
		return fail(err, errlen, out, "%s", r->err);
	if (rc == 0)
		return fail(err, errlen, out,
		            "Tệp trống: cần dòng tiêu đề unit_code,item_code,value[,comment].");
	size_t ncols = 0;
	if (check_header(r, &ncols, err, errlen, out) < 0)
		return -1;

	vf_row_t *rows = NULL;
	size_t n = 0, cap = 0;
	while ((rc = csv_next(r)) == 1) {
		size_t line = r->line;
		if (r->nfields != 3 && r->nfields != ncols) {
			if (ncols == 3)
				return fail(
				        err, errlen, out,
				        "Dòng %zu: cần 3 cột (unit_code,item_code,value) nhưng có "
				        "%zu.",
				        line, r->nfields);
			return fail(
			        err, errlen, out,
			        "Dòng %zu: cần 3 hoặc 4 cột (unit_code,item_code,value[,comment]) "
			        "nhưng có %zu.",
			        line, r->nfields);
		}
		if (n == VF_MAX_ROWS)
			return fail(
			        err, errlen, out,
			        "Dòng %zu: tệp có hơn %d dòng giá trị, quá giới hạn mỗi lần nhập. "
			        "Hãy chia tệp thành nhiều phần.",
			        line, VF_MAX_ROWS);
		const char *f[4];
		size_t fl[4];
		for (size_t i = 0; i < 4; i++) {
			f[i] = csv_field(r, i, &fl[i]);
			if (!text_utf8_valid(f[i], fl[i]))
				return fail(
				        err, errlen, out,
				        "Dòng %zu: cột %s không phải văn bản UTF-8 hợp lệ. Hãy lưu "
				        "tệp dưới dạng CSV UTF-8.",
				        line, header_names[i]);
		}
		if (fl[0] == 0)
			return fail(err, errlen, out, "Dòng %zu: unit_code (mã đơn vị) trống.",
			            line);
		if (fl[1] == 0)
			return fail(err, errlen, out, "Dòng %zu: item_code (mã chỉ tiêu) trống.",
			            line);
		if (n == cap) {
			/* doubling in the arena: the old arrays stay until arena_free, at most
			 * as much again as the final one */
			size_t ncap = cap ? cap * 2 : 64;
			if (ncap > VF_MAX_ROWS)
				ncap = VF_MAX_ROWS;
			vf_row_t *nr = arena_alloc(a, ncap * sizeof *nr);
			if (n)
				memcpy(nr, rows, n * sizeof *rows);
			rows = nr;
			cap = ncap;
		}
		vf_row_t *row = &rows[n++];
		row->line = line;
		row->unit = arena_strndup(a, f[0], fl[0]);
		row->item = arena_strndup(a, f[1], fl[1]);
		row->value = arena_strndup(a, f[2], fl[2]);
		row->value_len = fl[2];
		row->type = VF_STRING;
		row->comment = fl[3] ? arena_strndup(a, f[3], fl[3]) : "";
		row->has_comment = r->nfields == 4;
	}
	if (rc < 0)
		return fail(err, errlen, out, "%s", r->err);
	out->v = rows;
	out->n = n;
	return 0;
}

int
values_parse_csv(const char *data, size_t len, arena_t *a, vf_rows_t *out, char *err, size_t errlen)
{
	out->v = NULL;
	out->n = 0;
	out->json = 0;
	csv_reader_t r;
	csv_init(&r, data, len);
	int rc = parse_csv_rows(&r, a, out, err, errlen);
	csv_free(&r);
	return rc;
}

/* ------------------------------------------------------------- dispatch -- */

int
values_parse(const char *data, size_t len, arena_t *a, vf_rows_t *out, char *err, size_t errlen)
{
	size_t i = 0;
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	size_t body = i;
	while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
		i++;
	if (i < len && data[i] == '{')
		return values_parse_json(data + body, len - body, a, out, err, errlen);
	return values_parse_csv(data, len, a, out, err, errlen);
}
