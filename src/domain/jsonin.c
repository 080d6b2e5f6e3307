/* The typed reader of JSON request bodies (see jsonin.h). */
#include "domain/jsonin.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/mem.h"
#include "domain/jsonerr.h"
#include "text/text.h"

#define NOTHING "không có gì được lưu."

static void
set_alloc(void)
{
	json_set_alloc_funcs(xmalloc, free);
}

void
jsonin_use_our_allocator(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, set_alloc);
}

static int
has_range(const jsonin_field_t *f)
{
	return f->min != 0 || f->max != 0;
}

/* What the field must be, as a phrase: "một số nguyên từ 0 đến 100", "true hoặc false"... */
static const char *
want(const jsonin_field_t *f, arena_t *a)
{
	const char *w;
	if (f->want)
		return f->want;
	switch (f->type) {
	case JSONIN_INT:
	case JSONIN_INT_TEXT:
		w = has_range(f) ? arena_printf(a,
		                                "một số nguyên từ %" PRId64 " đến %" PRId64
		                                " (không đặt trong ngoặc kép, không có phần thập "
		                                "phân)",
		                                f->min, f->max)
		                 : "một số nguyên (không đặt trong ngoặc kép, không có phần thập "
		                   "phân)";
		break;
	case JSONIN_BOOL:
	case JSONIN_BOOL_TEXT: w = "true hoặc false (không đặt trong ngoặc kép)"; break;
	case JSONIN_STRING: w = "một chuỗi trong dấu nháy kép"; break;
	case JSONIN_OBJECT: w = "một đối tượng {…}"; break;
	case JSONIN_ARRAY: w = "một mảng […]"; break;
	default: w = "đúng kiểu"; break;
	}
	return f->flags & JSONIN_NULLABLE ? arena_printf(a, "%s hoặc null", w) : w;
}

static int
refuse(const char **err, const char *msg)
{
	*err = msg;
	return -1;
}

static int
type_ok(const jsonin_field_t *f, const json_t *x)
{
	switch (f->type) {
	case JSONIN_INT:
	case JSONIN_INT_TEXT: return json_is_integer(x);
	case JSONIN_BOOL:
	case JSONIN_BOOL_TEXT: return json_is_boolean(x);
	case JSONIN_STRING: return json_is_string(x);
	case JSONIN_OBJECT: return json_is_object(x);
	case JSONIN_ARRAY: return json_is_array(x);
	}
	return 0;
}

/* One field's value x (not NULL, not a permitted null): checked and stored. */
static int
read_one(const jsonin_field_t *f, json_t *x, const char *prefix, arena_t *a, const char **err)
{
	if (!type_ok(f, x))
		return refuse(err, arena_printf(a, "Trường “%s%s” phải là %s; " NOTHING, prefix,
		                                f->name, want(f, a)));
	switch (f->type) {
	case JSONIN_INT:
	case JSONIN_INT_TEXT: {
		int64_t v = json_integer_value(x);
		if (has_range(f) && (v < f->min || v > f->max))
			return refuse(err, arena_printf(a, "Trường “%s%s” phải là %s; " NOTHING,
			                                prefix, f->name, want(f, a)));
		if (f->out && f->type == JSONIN_INT)
			*(int64_t *)f->out = v;
		else if (f->out)
			*(const char **)f->out = arena_printf(a, "%" PRId64, v);
		break;
	}
	case JSONIN_BOOL:
		if (f->out)
			*(int *)f->out = json_is_true(x);
		break;
	case JSONIN_BOOL_TEXT:
		if (f->out)
			*(const char **)f->out = json_is_true(x) ? "1" : "";
		break;
	case JSONIN_STRING: {
		const char *s = json_string_value(x);
		size_t n = json_string_length(x);
		if (strlen(s) != n)
			return refuse(err,
			              arena_printf(a,
			                           "Trường “%s%s” có ký tự NUL (\\u0000); hãy bỏ "
			                           "ký tự đó; " NOTHING,
			                           prefix, f->name));
		if (f->max > 0 && n > (uint64_t)f->max)
			return refuse(err, arena_printf(a,
			                                "Trường “%s%s” dài quá %" PRId64
			                                " byte; hãy viết ngắn lại; " NOTHING,
			                                prefix, f->name, f->max));
		if (f->out)
			*(const char **)f->out = arena_strndup(a, s, n);
		break;
	}
	case JSONIN_OBJECT:
	case JSONIN_ARRAY:
		if (f->out)
			*(json_t **)f->out = x;
		break;
	}
	return 0;
}

int
jsonin_fields(json_t *obj, unsigned opts, const jsonin_field_t *fields, size_t n,
              const char *prefix, arena_t *a, const char **err)
{
	if (!prefix)
		prefix = "";
	if (!json_is_object(obj))
		return refuse(err, *prefix ? arena_printf(a,
		                                          "Trường “%.*s” phải là một đối tượng "
		                                          "{…}; " NOTHING,
		                                          (int)(strlen(prefix) - 1), prefix)
		                           : "Nội dung phải là một đối tượng JSON {…}; " NOTHING);
	if (!(opts & JSONIN_OPEN)) {
		const char *key;
		json_t *x;
		json_object_foreach(obj, key, x)
		{
			size_t k = 0;
			while (k < n && strcmp(fields[k].name, key) != 0)
				k++;
			if (k < n)
				continue;
			buf_t names = BUF_INIT;
			for (size_t j = 0; j < n; j++)
				buf_printf(&names, "%s%s", j ? ", " : "", fields[j].name);
			const char *list = arena_strdup(a, buf_cstr(&names));
			buf_free(&names);
			return refuse(err,
			              arena_printf(a,
			                           "Trường “%s%.*s” không được nhận ở đây%s%s; "
			                           "hãy bỏ trường này; " NOTHING,
			                           prefix, text_utf8_prefix(key, 60), key,
			                           n ? "; các trường nhận: " : "", list));
		}
	}
	for (size_t k = 0; k < n; k++) {
		const jsonin_field_t *f = &fields[k];
		json_t *x = json_object_get(obj, f->name);
		if (f->given)
			*f->given = 0;
		if (x && json_is_null(x) && (f->flags & JSONIN_NULLABLE))
			x = NULL;
		if (!x) {
			if (f->flags & JSONIN_REQUIRED)
				return refuse(
				        err,
				        arena_printf(a,
				                     "Trường “%s%s” bị thiếu: phải là %s; " NOTHING,
				                     prefix, f->name, want(f, a)));
			continue;
		}
		if (read_one(f, x, prefix, a, err) < 0)
			return -1;
		if (f->given)
			*f->given = 1;
	}
	return 0;
}

int
jsonin_read(const char *body, size_t len, unsigned opts, const jsonin_field_t *fields, size_t n,
            arena_t *a, json_t **doc_out, const char **err)
{
	if (doc_out)
		*doc_out = NULL;
	json_t *doc;
	if ((!body || !len) && (opts & JSONIN_EMPTY_OK))
		doc = json_object();
	else if (!body || !len)
		return refuse(err, "Nội dung trống: hãy gửi một đối tượng JSON {…}; " NOTHING);
	else {
		json_error_t je;
		doc = json_loadb(body, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
		if (!doc)
			return refuse(
			        err,
			        arena_printf(a, "JSON không hợp lệ (dòng %d, cột %d): %s; " NOTHING,
			                     je.line, je.column,
			                     json_problem_vi(&je, "sai cú pháp")));
	}
	if (!json_is_object(doc)) {
		json_decref(doc);
		return refuse(err, "Nội dung phải là một đối tượng JSON {…}; " NOTHING);
	}
	if (jsonin_fields(doc, opts, fields, n, "", a, err) < 0) {
		json_decref(doc);
		return -1;
	}
	if (doc_out)
		*doc_out = doc;
	else
		json_decref(doc);
	return 0;
}
