/* Results templates: strict JSON reading (every refusal names the JSON path and says what
 * to fix), the canonical JSON writing, and what a person types checked against an item.
 * Format and rules: docs/templates.md. */
#include "domain/template.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/mem.h"
#include "domain/jsonerr.h"
#include "text/text.h"

#define DOC_MAX ((size_t)1 << 20)
#define SECTIONS_MAX 100
#define ITEMS_MAX 1000
#define RULES_MAX 200
#define RATIOS_MAX 200
#define RATIO_LABEL_MAX 100
#define CODE_MAX 64
#define NUMBER_MAX 32
#define TEXT_MAX 500 /* label, title, name */
#define UNIT_MAX 64
#define HELP_MAX 2000
#define MESSAGE_MAX 280 /* fits tpl_error_t.msg with room to spare */
#define KINDS_MAX 30    /* activity kinds in one item's "from" */
#define KIND_MAX 32     /* bytes of an activity kind code */
#define VALUE_MAX INT64_C(1000000000000)
#define LITERAL_MAX INT64_C(9999999999999999)

/* What template_t.pool points to: the strings and arrays, plus lookups built once so
 * template_check and the accessors never search. */
typedef struct rule_ref {
	int left, right, when; /* numeric columns; right -1 = the literal; when -1 = none */
	int64_t literal;
} rule_ref_t;

typedef struct tpl_pool {
	arena_t arena;
	const tpl_item_t **by_code; /* sorted by code */
	size_t nitems;
	const tpl_item_t **by_col;  /* ncols */
	const tpl_item_t **by_tcol; /* ntexts */
	rule_ref_t *refs;           /* nrules */
} tpl_pool_t;

typedef struct parse {
	char *err;
	size_t errlen;
	arena_t *a;
} parse_t;

static const char *const type_names[] = {"count", "money", "bool", "text", "photos"};
static const char *const agg_names[] = {"sum", "count_yes", "list", "none"};
static const char *const ops[] = {"<", "<=", "==", ">=", ">"};
static const char *const measure_names[] = {"count", "participants", "amount"};

static void set_err(char *err, size_t errlen, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (err == NULL || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Every refusal reads "path: problem; what to do." */
static int fail(parse_t *p, const char *path, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static int
fail(parse_t *p, const char *path, const char *fmt, ...)
{
	if (p->err == NULL || p->errlen == 0)
		return -1;
	int n = snprintf(p->err, p->errlen, "%s: ", path);
	if (n >= 0 && (size_t)n < p->errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Copy at most max bytes of s, cut on a UTF-8 boundary, marking the cut with "…". Bytes
 * below 0x20 become '?' so a hostile key cannot break the message's line. */
static void
clip(const char *s, size_t max, char *out, size_t outlen)
{
	size_t n = strlen(s), o = 0;
	int cut = 0;
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
		while (n > 0 && s[n - 1] == ' ')
			n--;
		cut = 1;
	}
	for (size_t i = 0; i < n && o + 1 < outlen; i++)
		out[o++] = (unsigned char)s[i] < 0x20 ? '?' : s[i];
	if (cut && o + 4 < outlen) {
		memcpy(out + o, "\xE2\x80\xA6", 3);
		o += 3;
	}
	if (outlen > 0)
		out[o] = '\0';
}

static int
lookup(const char *s, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

static void
subpath(char *out, size_t n, const char *path, const char *key)
{
	/* a JSON path only names a place in an error message: a cut one still helps */
	buf_t b = BUF_INIT;
	if (path[0] != '\0') {
		buf_puts(&b, path);
		buf_putc(&b, '.');
	}
	buf_puts(&b, key);
	snprintf(out, n, "%s", buf_cstr(&b));
	buf_free(&b);
}

/* Refuse any key of obj not in allowed (a NULL-terminated list). */
static int
check_keys(parse_t *p, json_t *obj, const char *path, const char *const *allowed, const char *list)
{
	const char *key;
	json_t *val;
	json_object_foreach(obj, key, val)
	{
		int ok = 0;
		for (size_t i = 0; allowed[i] != NULL && !ok; i++)
			ok = strcmp(key, allowed[i]) == 0;
		if (!ok) {
			char k[80], fp[160];
			clip(key, 64, k, sizeof k);
			subpath(fp, sizeof fp, path, k);
			return fail(
			        p, fp,
			        "trường không được hỗ trợ; hãy bỏ trường này (các trường hợp lệ: "
			        "%s).",
			        list);
		}
	}
	return 0;
}

/* A string field: NULL (and 0) when absent and optional. */
static int
get_str(parse_t *p, json_t *obj, const char *path, const char *key, int required, size_t max,
        int allow_empty, int allow_newline, const char **out /* OUT */)
{
	char fp[128];
	subpath(fp, sizeof fp, path, key);
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (v == NULL) {
		if (required)
			return fail(p, fp, "thiếu trường bắt buộc; hãy thêm \"%s\".", key);
		*out = "";
		return 0;
	}
	if (!json_is_string(v))
		return fail(p, fp, "phải là một chuỗi ký tự trong dấu nháy kép.");
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	if (n != strlen(s) || !text_utf8_valid(s, n))
		return fail(p, fp, "có ký tự không hợp lệ (NUL hoặc không phải UTF-8); hãy bỏ nó.");
	if (n == 0 && !allow_empty)
		return fail(p, fp, "không được để trống; hãy nhập nội dung.");
	if (n > max)
		return fail(p, fp, "dài %zu byte, quá giới hạn %zu byte; hãy rút gọn.", n, max);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && !(allow_newline && (c == '\n' || c == '\t'))) || c == 0x7F)
			return fail(
			        p, fp,
			        "có ký tự điều khiển (xuống dòng, tab...) ở byte %zu; hãy bỏ nó.",
			        i);
	}
	*out = arena_strndup(p->a, s, n);
	return 0;
}

static int
get_bool(parse_t *p, json_t *obj, const char *path, const char *key, int *out /* OUT */)
{
	json_t *v = json_object_get(obj, key);
	*out = 0;
	if (v == NULL)
		return 0;
	if (!json_is_boolean(v)) {
		char fp[128];
		subpath(fp, sizeof fp, path, key);
		return fail(p, fp, "phải là true hoặc false (không có dấu nháy).");
	}
	*out = json_is_true(v);
	return 0;
}

static int
get_int(parse_t *p, json_t *obj, const char *path, const char *key, int64_t lo, int64_t hi,
        int *has /* OUT */, int64_t *out /* OUT */)
{
	char fp[128];
	subpath(fp, sizeof fp, path, key);
	json_t *v = json_object_get(obj, key);
	*has = 0;
	if (v == NULL)
		return 0;
	if (!json_is_integer(v))
		return fail(p, fp, "phải là một số nguyên (không có dấu nháy, không có phần lẻ).");
	json_int_t x = json_integer_value(v);
	if (x < lo || x > hi) {
		buf_t a = BUF_INIT, b = BUF_INIT;
		if (hi < 10000) { /* a year reads better without the thousands dot */
			buf_printf(&a, "%lld", (long long)lo);
			buf_printf(&b, "%lld", (long long)hi);
		} else {
			text_format_int(lo, &a);
			text_format_int(hi, &b);
		}
		fail(p, fp, "phải từ %s đến %s; hãy sửa lại.", buf_cstr(&a), buf_cstr(&b));
		buf_free(&a);
		buf_free(&b);
		return -1;
	}
	*has = 1;
	*out = x;
	return 0;
}

/* [a-z0-9_.] (and '-' for template codes), 1..64 bytes. */
static int
check_code(parse_t *p, const char *path, const char *code, int dash)
{
	size_t n = strlen(code);
	int ok = n >= 1 && n <= CODE_MAX;
	for (size_t i = 0; ok && i < n; i++) {
		char c = code[i];
		ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		     (dash && c == '-');
	}
	if (ok)
		return 0;
	char c[80];
	clip(code, 64, c, sizeof c);
	return fail(p, path,
	            "mã \"%s\" không hợp lệ; chỉ dùng chữ thường không dấu a-z, chữ số, dấu gạch "
	            "dưới \"_\"%s và dấu chấm \".\", dài 1-64 ký tự.",
	            c, dash ? ", gạch ngang \"-\"" : "");
}

static int
default_agg(tpl_type_t t)
{
	switch (t) {
	case TPL_COUNT:
	case TPL_MONEY: return TPL_AGG_SUM;
	case TPL_BOOL: return TPL_AGG_COUNT_YES;
	case TPL_TEXT: return TPL_AGG_LIST;
	case TPL_PHOTOS: return TPL_AGG_NONE;
	}
	return TPL_AGG_NONE;
}

static int
is_numeric(const tpl_item_t *it)
{
	return !it->heading &&
	       (it->type == TPL_COUNT || it->type == TPL_MONEY || it->type == TPL_BOOL);
}

static const char *const item_keys[] = {"code", "number",   "label",   "type", "unit",
                                        "help", "required", "min",     "max",  "aggregate",
                                        "from", "warn",     "heading", NULL};
static const char *const from_keys[] = {"kinds", "measure", NULL};
static const char *const warn_keys[] = {"min", "max", "message", NULL};

/* "min ... max": the two bounds of obj (at least one), 0..VALUE_MAX, min <= max. */
static int
parse_bounds(parse_t *p, json_t *o, const char *path, int *has_min, int64_t *min, int *has_max,
             int64_t *max)
{
	if (get_int(p, o, path, "min", 0, VALUE_MAX, has_min, min) < 0 ||
	    get_int(p, o, path, "max", 0, VALUE_MAX, has_max, max) < 0)
		return -1;
	if (!*has_min && !*has_max)
		return fail(p, path,
		            "cần ít nhất một trong hai giới hạn \"min\" hoặc \"max\"; hãy thêm "
		            "giới hạn.");
	if (!*has_min)
		*min = 0;
	if (!*has_max)
		*max = VALUE_MAX;
	if (*min > *max) {
		char fp[192];
		subpath(fp, sizeof fp, path, "min");
		buf_t a = BUF_INIT, b = BUF_INIT;
		text_format_int(*min, &a);
		text_format_int(*max, &b);
		fail(p, fp, "min (%s) lớn hơn max (%s); hãy sửa để min không lớn hơn max.",
		     buf_cstr(&a), buf_cstr(&b));
		buf_free(&a);
		buf_free(&b);
		return -1;
	}
	return 0;
}

/* "warn": {"min": N, "max": N, "message": "..."}: the soft range of a count or money. */
static int
parse_warn(parse_t *p, json_t *o, const char *path, tpl_item_t *it)
{
	char fp[160];
	subpath(fp, sizeof fp, path, "warn");
	if (!json_is_object(o))
		return fail(p, fp,
		            "phải là một đối tượng {\"min\": ..., \"max\": ..., \"message\": "
		            "\"...\"} (khoảng thường gặp).");
	if (check_keys(p, o, fp, warn_keys, "min, max, message") < 0)
		return -1;
	tpl_warn_t *w = arena_alloc(p->a, sizeof *w);
	memset(w, 0, sizeof *w);
	if (parse_bounds(p, o, fp, &w->has_min, &w->min, &w->has_max, &w->max) < 0 ||
	    get_str(p, o, fp, "message", 0, MESSAGE_MAX, 0, 0, &w->message) < 0)
		return -1;
	it->warn = w;
	return 0;
}

/* "from": {"kinds": ["lop_cds", ...], "measure": "count" | "participants"}. */
static int
parse_from(parse_t *p, json_t *o, const char *path, tpl_item_t *it)
{
	char fp[160];
	subpath(fp, sizeof fp, path, "from");
	if (!json_is_object(o))
		return fail(p, fp,
		            "phải là một đối tượng {\"kinds\": [...], \"measure\": \"count\"} "
		            "(loại hoạt động và cách đếm).");
	if (check_keys(p, o, fp, from_keys, "kinds, measure") < 0)
		return -1;
	tpl_from_t *f = arena_alloc(p->a, sizeof *f);
	memset(f, 0, sizeof *f);
	char kp[192];
	subpath(kp, sizeof kp, fp, "kinds");
	json_t *kinds = json_object_get(o, "kinds");
	if (kinds == NULL)
		return fail(p, kp,
		            "thiếu trường bắt buộc; hãy thêm \"kinds\": danh sách mã loại hoạt "
		            "động (ví dụ [\"lop_cds\"]).");
	if (!json_is_array(kinds))
		return fail(p, kp, "phải là một danh sách [...] các mã loại hoạt động.");
	size_t n = json_array_size(kinds);
	if (n == 0 || n > KINDS_MAX)
		return fail(p, kp, "phải có từ 1 đến %d loại hoạt động; hiện có %zu.", KINDS_MAX,
		            n);
	const char **list = arena_alloc(p->a, n * sizeof *list);
	for (size_t k = 0; k < n; k++) {
		char ep[224];
		snprintf(ep, sizeof ep, "%s[%zu]", kp, k);
		json_t *v = json_array_get(kinds, k);
		if (!json_is_string(v))
			return fail(p, ep, "phải là một chuỗi ký tự trong dấu nháy kép.");
		const char *s = json_string_value(v);
		size_t len = json_string_length(v);
		int ok = len >= 1 && len <= KIND_MAX && len == strlen(s);
		for (size_t i = 0; ok && i < len; i++)
			ok = (s[i] >= 'a' && s[i] <= 'z') || s[i] == '_';
		if (!ok) {
			char c[80];
			clip(s, 64, c, sizeof c);
			return fail(p, ep,
			            "mã loại hoạt động \"%s\" không hợp lệ; chỉ dùng chữ thường "
			            "không dấu a-z và dấu gạch dưới \"_\", dài 1-%d ký tự.",
			            c, KIND_MAX);
		}
		for (size_t j = 0; j < k; j++)
			if (strcmp(list[j], s) == 0)
				return fail(
				        p, ep,
				        "loại \"%s\" đã có ở %s[%zu]; mỗi loại chỉ ghi một lần.", s,
				        kp, j);
		list[k] = arena_strndup(p->a, s, len);
	}
	f->kinds = list;
	f->nkinds = n;
	const char *measure;
	if (get_str(p, o, fp, "measure", 1, 32, 0, 0, &measure) < 0)
		return -1;
	int m = lookup(measure, measure_names, 3);
	int money = it->type == TPL_MONEY;
	if (m < 0 || money != (m == TPL_MEASURE_AMOUNT)) {
		char mp[192], c[48];
		subpath(mp, sizeof mp, fp, "measure");
		clip(measure, 32, c, sizeof c);
		return fail(p, mp,
		            money ? "cách tính \"%s\" không dùng được cho mục tiền; hãy dùng "
		                    "\"amount\" (cộng số tiền)."
		                  : "cách đếm \"%s\" không hợp lệ; hãy dùng \"count\" (số hoạt động) "
		                    "hoặc \"participants\" (số người tham gia).",
		            c);
	}
	f->measure = (tpl_measure_t)m;
	it->from = f;
	return 0;
}

static int
parse_item(parse_t *p, json_t *o, const char *path, int narrative, tpl_item_t *it)
{
	if (!json_is_object(o))
		return fail(p, path, "mỗi mục phải là một đối tượng {...}.");
	if (check_keys(p, o, path, item_keys,
	               "code, number, label, type, unit, help, required, min, max, aggregate, "
	               "from, warn, heading") < 0)
		return -1;
	char fp[128];
	subpath(fp, sizeof fp, path, "code");
	if (get_str(p, o, path, "code", 1, CODE_MAX + 16, 0, 0, &it->code) < 0 ||
	    check_code(p, fp, it->code, 0) < 0)
		return -1;
	if (get_str(p, o, path, "number", 0, NUMBER_MAX, 1, 0, &it->number) < 0 ||
	    get_str(p, o, path, "label", 1, TEXT_MAX, 0, 0, &it->label) < 0 ||
	    get_str(p, o, path, "unit", 0, UNIT_MAX, 1, 0, &it->unit) < 0 ||
	    get_str(p, o, path, "help", 0, HELP_MAX, 1, 1, &it->help) < 0 ||
	    get_bool(p, o, path, "heading", &it->heading) < 0 ||
	    get_bool(p, o, path, "required", &it->required) < 0)
		return -1;
	it->col = it->tcol = -1;
	it->min = 0;
	it->max = VALUE_MAX;
	if (it->heading) {
		/* A heading only names its group: it holds no value, so it has no type. Its
		 * type is TPL_PHOTOS ("no value here") and its aggregation none, so code that
		 * forgets to test heading still stores and sums nothing for it. */
		static const char *const banned[] = {"type", "unit",      "required", "min",
		                                     "max",  "aggregate", "from",     "warn"};
		for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++)
			if (json_object_get(o, banned[i]) != NULL) {
				subpath(fp, sizeof fp, path, banned[i]);
				return fail(
				        p, fp,
				        "dòng tiêu đề nhóm (heading) không có giá trị nên không "
				        "dùng trường này; hãy bỏ trường này hoặc bỏ \"heading\".");
			}
		it->type = TPL_PHOTOS;
		it->agg = TPL_AGG_NONE;
		return 0;
	}
	const char *type;
	if (get_str(p, o, path, "type", 1, 32, 0, 0, &type) < 0)
		return -1;
	int t = lookup(type, type_names, 5);
	subpath(fp, sizeof fp, path, "type");
	if (t < 0) {
		char c[48];
		clip(type, 32, c, sizeof c);
		return fail(
		        p, fp,
		        "kiểu \"%s\" không hợp lệ; hãy dùng một trong: count, money, bool, text, "
		        "photos.",
		        c);
	}
	it->type = (tpl_type_t)t;
	if (narrative && (t == TPL_COUNT || t == TPL_MONEY || t == TPL_BOOL))
		return fail(p, fp,
		            "phần tường thuật (narrative) chỉ chứa mục kiểu text hoặc photos; hãy "
		            "đổi kiểu hoặc bỏ \"narrative\" của phần này.");
	int numeric = t == TPL_COUNT || t == TPL_MONEY;
	for (int k = 0; k < 2; k++) {
		const char *key = k ? "max" : "min";
		if (!numeric && json_object_get(o, key) != NULL) {
			subpath(fp, sizeof fp, path, key);
			return fail(p, fp,
			            "chỉ dùng cho mục kiểu count hoặc money; hãy bỏ trường này.");
		}
	}
	if (get_int(p, o, path, "min", 0, VALUE_MAX, &it->has_min, &it->min) < 0 ||
	    get_int(p, o, path, "max", 0, VALUE_MAX, &it->has_max, &it->max) < 0)
		return -1;
	if (!it->has_min)
		it->min = 0;
	if (!it->has_max)
		it->max = VALUE_MAX;
	if (it->min > it->max) {
		subpath(fp, sizeof fp, path, "min");
		buf_t a = BUF_INIT, b = BUF_INIT;
		text_format_int(it->min, &a);
		text_format_int(it->max, &b);
		fail(p, fp, "min (%s) lớn hơn max (%s); hãy sửa để min không lớn hơn max.",
		     buf_cstr(&a), buf_cstr(&b));
		buf_free(&a);
		buf_free(&b);
		return -1;
	}
	it->agg = (tpl_agg_t)default_agg(it->type);
	if (json_object_get(o, "aggregate") != NULL) {
		const char *agg;
		if (get_str(p, o, path, "aggregate", 1, 32, 0, 0, &agg) < 0)
			return -1;
		subpath(fp, sizeof fp, path, "aggregate");
		int g = lookup(agg, agg_names, 4);
		if (g < 0) {
			char c[48];
			clip(agg, 32, c, sizeof c);
			return fail(
			        p, fp,
			        "cách tổng hợp \"%s\" không hợp lệ; hãy dùng sum, count_yes, list "
			        "hoặc none.",
			        c);
		}
		if (g != TPL_AGG_NONE && g != default_agg(it->type))
			return fail(
			        p, fp,
			        "mục kiểu %s không tổng hợp được bằng \"%s\"; hãy dùng \"%s\" hoặc "
			        "\"none\".",
			        type_names[t], agg_names[g], agg_names[default_agg(it->type)]);
		it->agg = (tpl_agg_t)g;
	}
	json_t *from = json_object_get(o, "from");
	if (from != NULL) {
		if (t != TPL_COUNT && t != TPL_MONEY) {
			subpath(fp, sizeof fp, path, "from");
			return fail(p, fp,
			            "chỉ dùng cho mục kiểu count (số lớp, số người...) hoặc money (số "
			            "tiền); hãy bỏ trường này.");
		}
		if (parse_from(p, from, path, it) < 0)
			return -1;
	}
	json_t *warn = json_object_get(o, "warn");
	if (warn != NULL) {
		if (!numeric) {
			subpath(fp, sizeof fp, path, "warn");
			return fail(p, fp,
			            "chỉ dùng cho mục kiểu count hoặc money; hãy bỏ trường này.");
		}
		if (parse_warn(p, warn, path, it) < 0)
			return -1;
	}
	return 0;
}

static int
cmp_item_code(const void *a, const void *b)
{
	const tpl_item_t *x = *(const tpl_item_t *const *)a, *y = *(const tpl_item_t *const *)b;
	int c = strcmp(x->code, y->code);
	/* equal codes: document order, so the later one is reported as the duplicate */
	return c != 0 ? c : (x < y ? -1 : x > y);
}

static const char *const section_keys[] = {"code", "number", "title", "narrative", "items", NULL};
static const char *const rule_keys[] = {"when", "left", "op", "right", "message", NULL};
static const char *const top_keys[] = {"code", "name", "year", "sections", "rules", "ratios", NULL};
static const char *const ratio_keys[] = {"num", "den", "min", "max", "label", "message", NULL};

/* Where item it sits, as a JSON path. */
static void
item_path(const template_t *t, const tpl_item_t *it, char *out, size_t n)
{
	for (size_t s = 0; s < t->nsections; s++) {
		const tpl_section_t *sec = &t->sections[s];
		if (sec->nitems > 0 && it >= sec->items && it < sec->items + sec->nitems) {
			if (snprintf(out, n, "sections[%zu].items[%zu]", s,
			             (size_t)(it - sec->items)) >= (int)n)
				out[n - 1] = '\0'; /* cut: only used in messages */
			return;
		}
	}
	snprintf(out, n, "?");
}

/* Where code is in pool->by_code, or pool->nitems when absent. */
static size_t
find_index(const tpl_pool_t *pool, const char *code)
{
	size_t lo = 0, hi = pool->nitems;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(pool->by_code[mid]->code, code);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return pool->nitems;
}

static const tpl_item_t *
find_item(const tpl_pool_t *pool, const char *code)
{
	size_t k = find_index(pool, code);
	return k < pool->nitems ? pool->by_code[k] : NULL;
}

/* -?[0-9]{1,16}: a literal, not an item code (codes made only of digits cannot be the right
 * side; docs/templates.md says so). */
static int
parse_literal(const char *s, int64_t *out /* OUT */)
{
	const char *q = s + (*s == '-');
	size_t n = strlen(q);
	if (n == 0 || n > 16)
		return -1;
	int64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (q[i] < '0' || q[i] > '9')
			return -1;
		v = v * 10 + (q[i] - '0');
	}
	if (v > LITERAL_MAX)
		return -1;
	*out = *s == '-' ? -v : v;
	return 0;
}

static int
rule_item(parse_t *p, const tpl_pool_t *pool, const char *path, const char *code, int *col)
{
	const tpl_item_t *it = find_item(pool, code);
	char c[80];
	clip(code, 64, c, sizeof c);
	if (it == NULL)
		return fail(p, path,
		            "không có mục nào mã \"%s\"; hãy dùng mã của một mục kiểu count, money "
		            "hoặc bool.",
		            c);
	if (!is_numeric(it))
		return fail(p, path,
		            "mục \"%s\" không phải mục số (count, money, bool) nên không so sánh "
		            "được; hãy chọn mục khác.",
		            c);
	*col = it->col;
	return 0;
}

static int
parse_rule(parse_t *p, template_t *t, json_t *o, size_t r)
{
	tpl_pool_t *pool = t->pool;
	tpl_rule_t *rule = &t->rules[r];
	rule_ref_t *ref = &pool->refs[r];
	char path[48], fp[128];
	snprintf(path, sizeof path, "rules[%zu]", r);
	if (!json_is_object(o))
		return fail(p, path, "mỗi quy tắc phải là một đối tượng {...}.");
	if (check_keys(p, o, path, rule_keys, "when, left, op, right, message") < 0)
		return -1;
	const char *when;
	if (get_str(p, o, path, "left", 1, CODE_MAX + 16, 0, 0, &rule->left) < 0 ||
	    get_str(p, o, path, "op", 1, 8, 0, 0, &rule->op) < 0 ||
	    get_str(p, o, path, "when", 0, CODE_MAX + 16, 0, 0, &when) < 0)
		return -1;
	subpath(fp, sizeof fp, path, "left");
	if (rule_item(p, pool, fp, rule->left, &ref->left) < 0)
		return -1;
	subpath(fp, sizeof fp, path, "op");
	if (lookup(rule->op, ops, 5) < 0) {
		char c[24];
		clip(rule->op, 8, c, sizeof c);
		return fail(
		        p, fp,
		        "phép so sánh \"%s\" không hợp lệ; hãy dùng một trong: <, <=, ==, >=, >.",
		        c);
	}
	json_t *rv = json_object_get(o, "right");
	subpath(fp, sizeof fp, path, "right");
	if (json_is_integer(rv)) {
		/* an integer written as a JSON number is kept as its decimal text */
		json_int_t x = json_integer_value(rv);
		if (x < -LITERAL_MAX || x > LITERAL_MAX)
			return fail(p, fp, "số quá lớn; hãy dùng số có tối đa 16 chữ số.");
		rule->right = arena_printf(p->a, "%lld", (long long)x);
	} else if (get_str(p, o, path, "right", 1, CODE_MAX + 16, 0, 0, &rule->right) < 0) {
		return -1;
	}
	ref->right = -1;
	ref->literal = 0;
	if (parse_literal(rule->right, &ref->literal) < 0 &&
	    rule_item(p, pool, fp, rule->right, &ref->right) < 0)
		return -1;
	if (ref->right == ref->left)
		return fail(
		        p, fp,
		        "quy tắc so sánh mục \"%s\" với chính nó; hãy chọn một mục khác hoặc một "
		        "số.",
		        rule->left);
	ref->when = -1;
	rule->when = NULL;
	if (json_object_get(o, "when") != NULL) {
		subpath(fp, sizeof fp, path, "when");
		if (rule_item(p, pool, fp, when, &ref->when) < 0)
			return -1;
		rule->when = when;
	}
	if (get_str(p, o, path, "message", 1, MESSAGE_MAX, 0, 0, &rule->message) < 0)
		return -1;
	return 0;
}

/* A ratio's side: a count or money item. */
static int
ratio_item(parse_t *p, const tpl_pool_t *pool, const char *path, const char *code, int *col)
{
	const tpl_item_t *it = find_item(pool, code);
	char c[80];
	clip(code, 64, c, sizeof c);
	if (it == NULL)
		return fail(p, path,
		            "không có mục nào mã \"%s\"; hãy dùng mã của một mục kiểu count hoặc "
		            "money.",
		            c);
	if (it->heading || (it->type != TPL_COUNT && it->type != TPL_MONEY))
		return fail(p, path,
		            "mục \"%s\" không phải mục kiểu count hoặc money nên không lập tỉ số "
		            "được; hãy chọn mục khác.",
		            c);
	*col = it->col;
	return 0;
}

/* "ratios": [{"num", "den", "min", "max", "label", "message"}]: soft relations. */
static int
parse_ratios(parse_t *p, template_t *t, json_t *list)
{
	if (list == NULL)
		return 0;
	if (!json_is_array(list))
		return fail(p, "ratios", "phải là một danh sách [...] các tỉ số.");
	size_t n = json_array_size(list);
	if (n > RATIOS_MAX)
		return fail(p, "ratios", "có %zu tỉ số, tối đa %d; hãy bớt tỉ số.", n, RATIOS_MAX);
	t->ratios = arena_alloc(p->a, n * sizeof *t->ratios + 1);
	memset(t->ratios, 0, n * sizeof *t->ratios);
	for (size_t r = 0; r < n; r++) {
		tpl_ratio_t *ra = &t->ratios[r];
		json_t *o = json_array_get(list, r);
		char path[48], fp[128];
		snprintf(path, sizeof path, "ratios[%zu]", r);
		t->nratios = r + 1;
		if (!json_is_object(o))
			return fail(p, path, "mỗi tỉ số phải là một đối tượng {...}.");
		if (check_keys(p, o, path, ratio_keys, "num, den, min, max, label, message") < 0)
			return -1;
		if (get_str(p, o, path, "num", 1, CODE_MAX + 16, 0, 0, &ra->num) < 0)
			return -1;
		subpath(fp, sizeof fp, path, "num");
		if (ratio_item(p, t->pool, fp, ra->num, &ra->num_col) < 0)
			return -1;
		if (get_str(p, o, path, "den", 1, CODE_MAX + 16, 0, 0, &ra->den) < 0)
			return -1;
		subpath(fp, sizeof fp, path, "den");
		if (ratio_item(p, t->pool, fp, ra->den, &ra->den_col) < 0)
			return -1;
		if (ra->num_col == ra->den_col)
			return fail(
			        p, fp,
			        "tỉ số của mục \"%s\" với chính nó; hãy chọn hai mục khác nhau.",
			        ra->num);
		if (parse_bounds(p, o, path, &ra->has_min, &ra->min, &ra->has_max, &ra->max) < 0 ||
		    get_str(p, o, path, "label", 1, RATIO_LABEL_MAX, 0, 0, &ra->label) < 0 ||
		    get_str(p, o, path, "message", 0, MESSAGE_MAX, 0, 0, &ra->message) < 0)
			return -1;
	}
	return 0;
}

/* Edges of the order the rules impose: u -> v means u <= v (strict: u < v). */
typedef struct edge {
	int u, v, strict;
	size_t rule;
} edge_t;

/* A strict edge on a cycle makes x < x: no values satisfy every rule. Breadth-first from
 * the strict edge's head back to its tail finds the shortest such cycle to name. */
static int
check_cycles(parse_t *p, const template_t *t)
{
	const tpl_pool_t *pool = t->pool;
	size_t ne = 0;
	edge_t *e = xcalloc(t->nrules * 2 + 1, sizeof *e);
	for (size_t r = 0; r < t->nrules; r++) {
		const rule_ref_t *f = &pool->refs[r];
		if (f->right < 0)
			continue;
		int op = lookup(t->rules[r].op, ops, 5);
		int a = f->left, b = f->right;
		if (op == 0 || op == 1)
			e[ne++] = (edge_t){a, b, op == 0, r};
		else if (op == 3 || op == 4)
			e[ne++] = (edge_t){b, a, op == 4, r};
		else {
			e[ne++] = (edge_t){a, b, 0, r};
			e[ne++] = (edge_t){b, a, 0, r};
		}
	}
	size_t nv = t->ncols;
	int *via = xmalloc(size_mul(nv + 1, sizeof *via)); /* edge index that reached a node */
	int *queue = xmalloc(size_mul(nv + 1, sizeof *queue));
	int rc = 0;
	for (size_t s = 0; s < ne && rc == 0; s++) {
		if (!e[s].strict)
			continue;
		for (size_t i = 0; i < nv; i++)
			via[i] = -2;
		int head = 0, tail = 0, target = e[s].u;
		via[e[s].v] = -1;
		queue[tail++] = e[s].v;
		while (head < tail && via[target] == -2) {
			int x = queue[head++];
			for (size_t k = 0; k < ne; k++)
				if (e[k].u == x && via[e[k].v] == -2) {
					via[e[k].v] = (int)k;
					queue[tail++] = e[k].v;
				}
		}
		if (via[target] == -2)
			continue;
		/* walk back from the tail to the head, then print forwards */
		int chain[ITEMS_MAX + 1];
		size_t n = 0;
		for (int x = target; via[x] != -1 && n < ITEMS_MAX; x = e[via[x]].u)
			chain[n++] = via[x];
		buf_t b = BUF_INIT;
		buf_printf(&b, "%s %s %s", pool->by_col[e[s].u]->code, "<",
		           pool->by_col[e[s].v]->code);
		for (size_t k = n; k-- > 0;)
			buf_printf(&b, " %s %s", e[chain[k]].strict ? "<" : "<=",
			           pool->by_col[e[chain[k]].v]->code);
		char path[32];
		snprintf(path, sizeof path, "rules[%zu]", e[s].rule);
		rc = fail(p, path,
		          "các quy tắc mâu thuẫn nhau, không số liệu nào thỏa mãn được: %s; hãy bỏ "
		          "hoặc sửa một trong các quy tắc này.",
		          buf_cstr(&b));
		buf_free(&b);
	}
	free(queue);
	free(via);
	free(e);
	return rc;
}

static int
build(parse_t *p, json_t *root, template_t *t)
{
	tpl_pool_t *pool = t->pool;
	if (!json_is_object(root))
		return fail(p, "(gốc)", "tài liệu mẫu phải là một đối tượng JSON {...}.");
	if (check_keys(p, root, "", top_keys, "code, name, year, sections, rules, ratios") < 0)
		return -1;
	int has;
	int64_t year;
	if (get_str(p, root, "", "code", 1, CODE_MAX + 16, 0, 0, &t->code) < 0 ||
	    check_code(p, "code", t->code, 1) < 0 ||
	    get_str(p, root, "", "name", 1, TEXT_MAX, 0, 0, &t->name) < 0 ||
	    get_int(p, root, "", "year", 1900, 2999, &has, &year) < 0)
		return -1;
	if (!has)
		return fail(p, "year", "thiếu trường bắt buộc; hãy thêm \"year\" (ví dụ 2022).");
	t->year = (int)year;

	json_t *secs = json_object_get(root, "sections");
	if (secs == NULL)
		return fail(p, "sections", "thiếu trường bắt buộc; hãy thêm danh sách các phần.");
	if (!json_is_array(secs))
		return fail(p, "sections", "phải là một danh sách [...] các phần.");
	size_t ns = json_array_size(secs);
	if (ns == 0 || ns > SECTIONS_MAX)
		return fail(p, "sections", "phải có từ 1 đến %d phần; hiện có %zu.", SECTIONS_MAX,
		            ns);
	t->sections = arena_alloc(p->a, ns * sizeof *t->sections);
	memset(t->sections, 0, ns * sizeof *t->sections);
	size_t total = 0;
	char path[64], fp[128];
	for (size_t s = 0; s < ns; s++) {
		tpl_section_t *sec = &t->sections[s];
		json_t *o = json_array_get(secs, s);
		snprintf(path, sizeof path, "sections[%zu]", s);
		t->nsections = s + 1;
		if (!json_is_object(o))
			return fail(p, path, "mỗi phần phải là một đối tượng {...}.");
		if (check_keys(p, o, path, section_keys, "code, number, title, narrative, items") <
		    0)
			return -1;
		subpath(fp, sizeof fp, path, "code");
		if (get_str(p, o, path, "code", 1, CODE_MAX + 16, 0, 0, &sec->code) < 0 ||
		    check_code(p, fp, sec->code, 0) < 0 ||
		    get_str(p, o, path, "number", 0, NUMBER_MAX, 1, 0, &sec->number) < 0 ||
		    get_str(p, o, path, "title", 1, TEXT_MAX, 0, 0, &sec->title) < 0 ||
		    get_bool(p, o, path, "narrative", &sec->narrative) < 0)
			return -1;
		for (size_t k = 0; k < s; k++)
			if (strcmp(t->sections[k].code, sec->code) == 0)
				return fail(
				        p, fp,
				        "mã phần \"%s\" đã dùng ở sections[%zu]; mỗi phần cần một "
				        "mã riêng.",
				        sec->code, k);
		json_t *items = json_object_get(o, "items");
		subpath(fp, sizeof fp, path, "items");
		if (items == NULL)
			return fail(p, fp, "thiếu trường bắt buộc; hãy thêm danh sách các mục.");
		if (!json_is_array(items))
			return fail(p, fp, "phải là một danh sách [...] các mục.");
		size_t ni = json_array_size(items);
		if (ni > ITEMS_MAX - total)
			return fail(p, fp,
			            "mẫu có quá %d mục; hãy bớt mục hoặc tách thành mẫu khác.",
			            ITEMS_MAX);
		sec->items = arena_alloc(p->a, ni * sizeof *sec->items + 1);
		memset(sec->items, 0, ni * sizeof *sec->items);
		for (size_t i = 0; i < ni; i++) {
			char ip[160];
			snprintf(ip, sizeof ip, "%s[%zu]", fp, i);
			sec->nitems = i + 1;
			if (parse_item(p, json_array_get(items, i), ip, sec->narrative,
			               &sec->items[i]) < 0)
				return -1;
		}
		total += ni;
	}

	/* columns in document order, and the code index (duplicates found by sorting) */
	pool->by_code = arena_alloc(p->a, total * sizeof *pool->by_code + 1);
	pool->nitems = total;
	size_t k = 0;
	for (size_t s = 0; s < t->nsections; s++)
		for (size_t i = 0; i < t->sections[s].nitems; i++) {
			tpl_item_t *it = &t->sections[s].items[i];
			pool->by_code[k++] = it;
			if (is_numeric(it))
				it->col = (int)t->ncols++;
			else if (!it->heading && it->type == TPL_TEXT)
				it->tcol = (int)t->ntexts++;
		}
	qsort(pool->by_code, total, sizeof *pool->by_code, cmp_item_code);
	for (size_t i = 1; i < total; i++)
		if (strcmp(pool->by_code[i - 1]->code, pool->by_code[i]->code) == 0) {
			char a[48], b[48];
			item_path(t, pool->by_code[i - 1], a, sizeof a);
			item_path(t, pool->by_code[i], b, sizeof b);
			snprintf(fp, sizeof fp, "%s.code", b);
			return fail(p, fp, "mã \"%s\" đã dùng ở %s; mỗi mục cần một mã riêng.",
			            pool->by_code[i]->code, a);
		}
	pool->by_col = arena_alloc(p->a, t->ncols * sizeof *pool->by_col + 1);
	pool->by_tcol = arena_alloc(p->a, t->ntexts * sizeof *pool->by_tcol + 1);
	for (size_t s = 0; s < t->nsections; s++)
		for (size_t i = 0; i < t->sections[s].nitems; i++) {
			const tpl_item_t *it = &t->sections[s].items[i];
			if (it->col >= 0)
				pool->by_col[it->col] = it;
			if (it->tcol >= 0)
				pool->by_tcol[it->tcol] = it;
		}

	if (parse_ratios(p, t, json_object_get(root, "ratios")) < 0)
		return -1;
	json_t *rules = json_object_get(root, "rules");
	if (rules == NULL)
		return 0;
	if (!json_is_array(rules))
		return fail(p, "rules", "phải là một danh sách [...] các quy tắc.");
	size_t nr = json_array_size(rules);
	if (nr > RULES_MAX)
		return fail(p, "rules", "có %zu quy tắc, tối đa %d; hãy bớt quy tắc.", nr,
		            RULES_MAX);
	t->rules = arena_alloc(p->a, nr * sizeof *t->rules + 1);
	memset(t->rules, 0, nr * sizeof *t->rules);
	pool->refs = arena_alloc(p->a, nr * sizeof *pool->refs + 1);
	t->nrules = nr;
	for (size_t r = 0; r < nr; r++)
		if (parse_rule(p, t, json_array_get(rules, r), r) < 0)
			return -1;
	return check_cycles(p, t);
}

int
template_from_json(const char *json, size_t len, template_t **out /* OUT */, char *err,
                   size_t errlen)
{
	*out = NULL;
	if (len > DOC_MAX) {
		set_err(err, errlen,
		        "Tài liệu mẫu dài %zu byte, quá giới hạn 1 MiB (1.048.576 byte); hãy rút "
		        "gọn.",
		        len);
		return -1;
	}
	json_error_t je;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL) {
		if (je.line > 0)
			set_err(err, errlen,
			        "Tài liệu mẫu không phải JSON hợp lệ: %s ở dòng %d, cột %d; hãy "
			        "sửa "
			        "quanh vị trí đó.",
			        json_problem_vi(&je, "tài liệu phải là một đối tượng {...}"),
			        je.line, je.column);
		else
			set_err(err, errlen,
			        "Tài liệu mẫu không phải JSON hợp lệ: %s; hãy sửa lại.",
			        json_problem_vi(&je, "tài liệu phải là một đối tượng {...}"));
		return -1;
	}
	template_t *t = xcalloc(1, sizeof *t);
	tpl_pool_t *pool = xcalloc(1, sizeof *pool);
	t->pool = pool;
	parse_t p = {err, errlen, &pool->arena};
	int rc = build(&p, root, t);
	json_decref(root);
	if (rc < 0) {
		template_free(t);
		return -1;
	}
	*out = t;
	return 0;
}

void
template_free(template_t *t)
{
	if (t == NULL)
		return;
	tpl_pool_t *pool = t->pool;
	if (pool != NULL) {
		arena_free(&pool->arena);
		free(pool);
	}
	free(t);
}

/* Canonical form: fixed key order, defaults left out, so to_json(from_json(x)) is stable. */
json_t *
template_to_json(const template_t *t)
{
	json_t *root = json_object();
	json_object_set_new(root, "code", json_string(t->code));
	json_object_set_new(root, "name", json_string(t->name));
	json_object_set_new(root, "year", json_integer(t->year));
	json_t *secs = json_array();
	for (size_t s = 0; s < t->nsections; s++) {
		const tpl_section_t *sec = &t->sections[s];
		json_t *so = json_object();
		json_object_set_new(so, "code", json_string(sec->code));
		if (sec->number[0])
			json_object_set_new(so, "number", json_string(sec->number));
		json_object_set_new(so, "title", json_string(sec->title));
		if (sec->narrative)
			json_object_set_new(so, "narrative", json_true());
		json_t *items = json_array();
		for (size_t i = 0; i < sec->nitems; i++) {
			const tpl_item_t *it = &sec->items[i];
			json_t *io = json_object();
			json_object_set_new(io, "code", json_string(it->code));
			if (it->number[0])
				json_object_set_new(io, "number", json_string(it->number));
			json_object_set_new(io, "label", json_string(it->label));
			if (!it->heading)
				json_object_set_new(io, "type", json_string(type_names[it->type]));
			if (it->unit[0])
				json_object_set_new(io, "unit", json_string(it->unit));
			if (it->help[0])
				json_object_set_new(io, "help", json_string(it->help));
			if (it->required)
				json_object_set_new(io, "required", json_true());
			if (it->has_min)
				json_object_set_new(io, "min", json_integer(it->min));
			if (it->has_max)
				json_object_set_new(io, "max", json_integer(it->max));
			if (!it->heading && (int)it->agg != default_agg(it->type))
				json_object_set_new(io, "aggregate",
				                    json_string(agg_names[it->agg]));
			if (it->from != NULL) {
				json_t *kinds = json_array();
				for (size_t k = 0; k < it->from->nkinds; k++)
					json_array_append_new(kinds,
					                      json_string(it->from->kinds[k]));
				json_object_set_new(io, "from",
				                    json_pack("{s:o,s:s}", "kinds", kinds,
				                              "measure",
				                              measure_names[it->from->measure]));
			}
			if (it->warn != NULL) {
				json_t *w = json_object();
				if (it->warn->has_min)
					json_object_set_new(w, "min", json_integer(it->warn->min));
				if (it->warn->has_max)
					json_object_set_new(w, "max", json_integer(it->warn->max));
				if (it->warn->message[0])
					json_object_set_new(w, "message",
					                    json_string(it->warn->message));
				json_object_set_new(io, "warn", w);
			}
			if (it->heading)
				json_object_set_new(io, "heading", json_true());
			json_array_append_new(items, io);
		}
		json_object_set_new(so, "items", items);
		json_array_append_new(secs, so);
	}
	json_object_set_new(root, "sections", secs);
	json_t *rules = json_array();
	for (size_t r = 0; r < t->nrules; r++) {
		const tpl_rule_t *rule = &t->rules[r];
		json_t *ro = json_object();
		if (rule->when != NULL)
			json_object_set_new(ro, "when", json_string(rule->when));
		json_object_set_new(ro, "left", json_string(rule->left));
		json_object_set_new(ro, "op", json_string(rule->op));
		json_object_set_new(ro, "right", json_string(rule->right));
		json_object_set_new(ro, "message", json_string(rule->message));
		json_array_append_new(rules, ro);
	}
	json_object_set_new(root, "rules", rules);
	if (t->nratios > 0) {
		json_t *ratios = json_array();
		for (size_t r = 0; r < t->nratios; r++) {
			const tpl_ratio_t *ra = &t->ratios[r];
			json_t *ro = json_object();
			json_object_set_new(ro, "num", json_string(ra->num));
			json_object_set_new(ro, "den", json_string(ra->den));
			if (ra->has_min)
				json_object_set_new(ro, "min", json_integer(ra->min));
			if (ra->has_max)
				json_object_set_new(ro, "max", json_integer(ra->max));
			json_object_set_new(ro, "label", json_string(ra->label));
			if (ra->message[0])
				json_object_set_new(ro, "message", json_string(ra->message));
			json_array_append_new(ratios, ro);
		}
		json_object_set_new(root, "ratios", ratios);
	}
	return root;
}

const tpl_ratio_t *
template_ratios(const template_t *t, size_t *n)
{
	*n = t != NULL ? t->nratios : 0;
	return *n ? t->ratios : NULL;
}

int
template_ratio_value(const tpl_ratio_t *r, const int64_t *num, const unsigned char *has,
                     double *out)
{
	if (r == NULL || num == NULL || r->num_col < 0 || r->den_col < 0 ||
	    (has != NULL && (!has[r->num_col] || !has[r->den_col])) || num[r->den_col] <= 0)
		return 0;
	*out = (double)num[r->num_col] / (double)num[r->den_col];
	return 1;
}

int
template_ratio_outside(const tpl_ratio_t *r, double x)
{
	return (r->has_min && x < (double)r->min) || (r->has_max && x > (double)r->max);
}

const tpl_item_t *
template_item(const template_t *t, const char *code)
{
	if (t == NULL || code == NULL)
		return NULL;
	return find_item(t->pool, code);
}

const tpl_item_t *
template_item_next(const template_t *t, const char *code, size_t *hint)
{
	if (t == NULL || code == NULL)
		return NULL;
	const tpl_pool_t *pool = t->pool;
	/* the next numeric item may sit behind a text item or a value left empty */
	for (size_t k = 0; k < 4 && pool->nitems; k++) {
		size_t g = (*hint + k) % pool->nitems;
		if (!strcmp(pool->by_code[g]->code, code)) {
			*hint = g + 1;
			return pool->by_code[g];
		}
	}
	size_t g = find_index(pool, code);
	if (g == pool->nitems)
		return NULL;
	*hint = g + 1;
	return pool->by_code[g];
}

const tpl_item_t *
template_item_col(const template_t *t, int col)
{
	if (t == NULL || col < 0 || (size_t)col >= t->ncols)
		return NULL;
	return ((const tpl_pool_t *)t->pool)->by_col[col];
}

const tpl_item_t *
template_item_tcol(const template_t *t, int tcol)
{
	if (t == NULL || tcol < 0 || (size_t)tcol >= t->ntexts)
		return NULL;
	return ((const tpl_pool_t *)t->pool)->by_tcol[tcol];
}

/* ---- values ---- */

/* `Mục 5 "Số lớp bồi dưỡng…"`: the number (when any) and the label cut to ~80 bytes. */
static void
item_name(const tpl_item_t *it, char *out, size_t n)
{
	char label[96];
	clip(it->label, 80, label, sizeof label);
	if (it->number[0])
		snprintf(out, n, "Mục %s \"%s\"", it->number, label);
	else
		snprintf(out, n, "Mục \"%s\"", label);
}

/* Range of a count or money value: 0, or -1 with the message. */
static int
check_range(const tpl_item_t *it, int64_t v, char *err, size_t errlen)
{
	char name[160];
	if (v >= it->min && v <= it->max)
		return 0;
	item_name(it, name, sizeof name);
	if (v < 0 && it->min == 0) {
		set_err(err, errlen, "%s: phải là số nguyên không âm (ví dụ %s).", name,
		        it->type == TPL_MONEY ? "1.500.000" : "12");
		return -1;
	}
	buf_t b = BUF_INIT;
	text_format_int(v < it->min ? it->min : it->max, &b);
	set_err(err, errlen, "%s: không được %s hơn %s.", name, v < it->min ? "nhỏ" : "lớn",
	        buf_cstr(&b));
	buf_free(&b);
	return -1;
}

static int
blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	return 1;
}

int
template_parse_value(const tpl_item_t *it, const char *text, int64_t *num /* OUT */,
                     int *has /* OUT */, char *err, size_t errlen)
{
	*num = 0;
	*has = 0;
	if (it == NULL || it->heading || it->type == TPL_TEXT || it->type == TPL_PHOTOS ||
	    text == NULL || blank(text))
		return 0;
	char name[160];
	size_t n = strlen(text);
	if (it->type == TPL_BOOL) {
		static const char *const yes[] = {"1", "có", "Có", "true"};
		static const char *const no[] = {"0", "không", "Không", "false"};
		/* people pad with blanks; compare the trimmed text */
		size_t b = 0, e = n;
		while (b < e && (text[b] == ' ' || text[b] == '\t'))
			b++;
		while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t'))
			e--;
		for (int k = 0; k < 4; k++) {
			if (strlen(yes[k]) == e - b && memcmp(yes[k], text + b, e - b) == 0) {
				*num = 1;
				*has = 1;
				return 0;
			}
			if (strlen(no[k]) == e - b && memcmp(no[k], text + b, e - b) == 0) {
				*has = 1;
				return 0;
			}
		}
		item_name(it, name, sizeof name);
		set_err(err, errlen, "%s: hãy chọn \"có\" hoặc \"không\".", name);
		return -1;
	}
	int64_t v;
	if (text_parse_int(text, n, &v) < 0) {
		item_name(it, name, sizeof name);
		set_err(err, errlen, "%s: phải là số nguyên không âm (ví dụ %s).", name,
		        it->type == TPL_MONEY ? "1.500.000" : "12");
		return -1;
	}
	if (check_range(it, v, err, errlen) < 0)
		return -1;
	*num = v;
	*has = 1;
	return 0;
}

static int
compare(int64_t a, const char *op, int64_t b)
{
	switch (lookup(op, ops, 5)) {
	case 0: return a < b;
	case 1: return a <= b;
	case 2: return a == b;
	case 3: return a >= b;
	case 4: return a > b;
	}
	return 1;
}

static void
add_error(tpl_error_t *errs, size_t max, size_t *n, const char *item, const char *msg)
{
	if (*n >= max)
		return;
	errs[*n].item = item;
	snprintf(errs[*n].msg, sizeof errs[*n].msg, "%s", msg);
	(*n)++;
}

size_t
template_check(const template_t *t, const tpl_values_t *v, int submitting, tpl_error_t *errs,
               size_t max)
{
	size_t n = 0;
	if (t == NULL || v == NULL || errs == NULL)
		return 0;
	char msg[sizeof errs->msg], name[160];
	for (size_t s = 0; s < t->nsections && n < max; s++)
		for (size_t i = 0; i < t->sections[s].nitems && n < max; i++) {
			const tpl_item_t *it = &t->sections[s].items[i];
			int has = 0;
			if (it->col >= 0 && v->num != NULL && v->has != NULL) {
				has = v->has[it->col] != 0;
				int64_t x = v->num[it->col];
				if (has && it->type == TPL_BOOL && x != 0 && x != 1) {
					item_name(it, name, sizeof name);
					snprintf(msg, sizeof msg,
					         "%s: hãy chọn \"có\" hoặc \"không\".", name);
					add_error(errs, max, &n, it->code, msg);
					continue;
				}
				if (has && it->type != TPL_BOOL &&
				    check_range(it, x, msg, sizeof msg) < 0) {
					add_error(errs, max, &n, it->code, msg);
					continue;
				}
			} else if (it->tcol >= 0 && v->text != NULL) {
				const char *x = v->text[it->tcol];
				has = x != NULL && !blank(x);
			}
			if (submitting && it->required && !has && (it->col >= 0 || it->tcol >= 0)) {
				item_name(it, name, sizeof name);
				snprintf(msg, sizeof msg, "%s là bắt buộc khi nộp báo cáo.", name);
				add_error(errs, max, &n, it->code, msg);
			}
		}
	if (v->num == NULL || v->has == NULL)
		return n;
	const tpl_pool_t *pool = t->pool;
	for (size_t r = 0; r < t->nrules && n < max; r++) {
		const rule_ref_t *f = &pool->refs[r];
		if (!v->has[f->left] || (f->right >= 0 && !v->has[f->right]))
			continue;
		if (f->when >= 0 && (!v->has[f->when] || v->num[f->when] <= 0))
			continue;
		int64_t b = f->right >= 0 ? v->num[f->right] : f->literal;
		if (!compare(v->num[f->left], t->rules[r].op, b))
			add_error(errs, max, &n, pool->by_col[f->left]->code, t->rules[r].message);
	}
	return n;
}
