/* Documents as data: strict JSON in and out, the Decree-30 number, symbol, place-date
 * and reference strings, derivation of a lower level's plan, and the render model. */
#include "docs/doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "text/hygiene.h"
#include "text/text.h"

static const struct {
	const char *code, *name, *abbr, *type_name;
} kinds[DOC_KIND_COUNT] = {
        [DOC_CV] = {"cv", "Công văn", "", ""},
        [DOC_KH] = {"kh", "Kế hoạch", "KH", "KẾ HOẠCH"},
        [DOC_BC] = {"bc", "Báo cáo", "BC", "BÁO CÁO"},
        [DOC_QD] = {"qd", "Quyết định", "QĐ", "QUYẾT ĐỊNH"},
};

const char *
doc_kind_code(doc_kind_t k)
{
	return k < DOC_KIND_COUNT ? kinds[k].code : "?";
}

const char *
doc_kind_name(doc_kind_t k)
{
	return k < DOC_KIND_COUNT ? kinds[k].name : "?";
}

int
doc_kind_parse(const char *code, doc_kind_t *out)
{
	for (int i = 0; code && i < DOC_KIND_COUNT; i++)
		if (!strcmp(code, kinds[i].code)) {
			*out = (doc_kind_t)i;
			return 0;
		}
	return -1;
}

static const char *const authorities[] = {"", "KT.", "Q.", "TL.", "TUQ."};

/* ---- dates (proleptic Gregorian, days since 1970-01-01) ---- */

/* "YYYY-MM-DD" -> days; -1 when malformed or not a real date. "" -> 0. */
static int
parse_iso(const char *s, int32_t *out)
{
	*out = 0;
	if (*s == '\0')
		return 0;
	int y, m, d;
	char tail;
	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || s[4] != '-' ||
	    s[7] != '-' || y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	int32_t days = text_days_from_civil(y, m, d);
	int y2, m2, d2;
	text_civil_from_days(days, &y2, &m2, &d2);
	if (y2 != y || m2 != m || d2 != d)
		return -1;
	*out = days;
	return 0;
}

static json_t *
iso_json(int32_t days)
{
	if (days == 0)
		return json_string("");
	int y, m, d;
	text_civil_from_days(days, &y, &m, &d);
	char s[16];
	snprintf(s, sizeof s, "%04d-%02d-%02d", y, m, d);
	return json_string(s);
}

/* ---- strict JSON reading ---- */

typedef struct rd {
	arena_t *a;
	doc_error_t *errs;
	size_t nerr;
} rd_t;

static void errf(rd_t *r, const char *field, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void
errf(rd_t *r, const char *field, const char *fmt, ...)
{
	if (r->nerr >= DOC_MAX_ERRORS)
		return;
	doc_error_t *e = &r->errs[r->nerr++];
	snprintf(e->field, sizeof e->field, "%s", field);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
}

/* Unknown fields are refused: a typo must not silently drop a part of an official text. */
static void
only_fields(rd_t *r, json_t *o, const char *path, const char *const *allowed)
{
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
	{
		int ok = 0;
		for (size_t i = 0; allowed[i]; i++)
			ok |= !strcmp(k, allowed[i]);
		if (!ok) {
			char f[64];
			snprintf(f, sizeof f, "%s%s%s", path, *path ? "." : "", k);
			errf(r, f, "Trường không được hỗ trợ; hãy bỏ trường này.");
		}
	}
}

static const char *
get_str(rd_t *r, json_t *o, const char *key, const char *path)
{
	json_t *v = json_object_get(o, key);
	if (v == NULL || json_is_null(v))
		return "";
	if (!json_is_string(v)) {
		char f[64];
		snprintf(f, sizeof f, "%s%s%s", path, *path ? "." : "", key);
		errf(r, f, "Phải là một chuỗi văn bản.");
		return "";
	}
	return arena_strndup(r->a, json_string_value(v), json_string_length(v));
}

static const char **
get_strs(rd_t *r, json_t *o, const char *key, const char *path, size_t *n)
{
	*n = 0;
	json_t *v = json_object_get(o, key);
	if (v == NULL || json_is_null(v))
		return NULL;
	char f[64];
	snprintf(f, sizeof f, "%s%s%s", path, *path ? "." : "", key);
	if (!json_is_array(v)) {
		errf(r, f, "Phải là một danh sách.");
		return NULL;
	}
	size_t cnt = json_array_size(v);
	if (cnt > DOC_MAX_LIST) {
		errf(r, f, "Nhiều nhất %d mục; hãy rút bớt.", DOC_MAX_LIST);
		return NULL;
	}
	const char **out = arena_alloc(r->a, (cnt ? cnt : 1) * sizeof *out);
	for (size_t i = 0; i < cnt; i++) {
		json_t *s = json_array_get(v, i);
		if (!json_is_string(s)) {
			errf(r, f, "Mục %zu phải là một chuỗi văn bản.", i + 1);
			return NULL;
		}
		out[(*n)++] = arena_strndup(r->a, json_string_value(s), json_string_length(s));
	}
	return out;
}

static json_t *
get_array(rd_t *r, json_t *o, const char *key, size_t *n)
{
	*n = 0;
	json_t *v = json_object_get(o, key);
	if (v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_array(v)) {
		errf(r, key, "Phải là một danh sách.");
		return NULL;
	}
	if (json_array_size(v) > DOC_MAX_LIST) {
		errf(r, key, "Nhiều nhất %d mục; hãy rút bớt.", DOC_MAX_LIST);
		return NULL;
	}
	*n = json_array_size(v);
	return v;
}

static int32_t
get_date(rd_t *r, json_t *o, const char *key, const char *path)
{
	const char *s = get_str(r, o, key, path);
	int32_t d;
	if (parse_iso(s, &d) < 0) {
		char f[64];
		snprintf(f, sizeof f, "%s%s%s", path, *path ? "." : "", key);
		errf(r, f,
		     "Ngày không hợp lệ: \"%.40s\"; hãy ghi theo dạng năm-tháng-ngày, ví dụ "
		     "2022-10-10.",
		     s);
		return 0;
	}
	return d;
}

static void
read_target(rd_t *r, json_t *o, const char *path, const char *text_key, doc_target_t *t)
{
	t->text = get_str(r, o, text_key, path);
	t->units = get_strs(r, o, "units", path, &t->nunits);
	t->kinds = get_strs(r, o, "kinds", path, &t->nkinds);
}

int
doc_parse(const char *json, size_t len, arena_t *a, doc_t **out, doc_error_t *errs, size_t *nerr)
{
	rd_t r = {a, errs, 0};
	*out = NULL;
	*nerr = 0;
	json_error_t je;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL || !json_is_object(root)) {
		errf(&r, "", "Văn bản không phải JSON hợp lệ (dòng %d, cột %d): %.120s", je.line,
		     je.column, root ? "cần một đối tượng {…}" : je.text);
		json_decref(root);
		*nerr = r.nerr;
		return -1;
	}
	static const char *const top[] = {
	        "kind",        "number", "date",         "year",    "body_abbr", "drafter_abbr",
	        "parent_body", "body",   "place",        "subject", "bases",     "recipients",
	        "text",        "duties", "distribution", "signer",  "annexes",   NULL};
	only_fields(&r, root, "", top);
	doc_t *d = arena_alloc(a, sizeof *d);
	memset(d, 0, sizeof *d);
	const char *kind = get_str(&r, root, "kind", "");
	if (doc_kind_parse(kind, &d->kind) < 0)
		errf(&r, "kind",
		     "Loại văn bản \"%.20s\" không có; hãy chọn cv (công văn), kh (kế "
		     "hoạch), bc (báo cáo) hoặc qd (quyết định).",
		     kind);
	json_t *num = json_object_get(root, "number");
	if (num && !json_is_null(num)) {
		if (!json_is_integer(num) || json_integer_value(num) < 0 ||
		    json_integer_value(num) > 999999)
			errf(&r, "number", "Số văn bản phải là số nguyên từ 0 đến 999999.");
		else
			d->number = (int)json_integer_value(num);
	}
	json_t *yr = json_object_get(root, "year");
	if (yr && !json_is_null(yr)) {
		if (!json_is_integer(yr) || json_integer_value(yr) < 1900 ||
		    json_integer_value(yr) > 2999)
			errf(&r, "year", "Năm phải là số nguyên từ 1900 đến 2999.");
		else
			d->year = (int)json_integer_value(yr);
	}
	d->date = get_date(&r, root, "date", "");
	d->body_abbr = get_str(&r, root, "body_abbr", "");
	d->drafter_abbr = get_str(&r, root, "drafter_abbr", "");
	d->parent_body = get_str(&r, root, "parent_body", "");
	d->body = get_str(&r, root, "body", "");
	d->place = get_str(&r, root, "place", "");
	d->subject = get_str(&r, root, "subject", "");
	d->text = get_str(&r, root, "text", "");

	size_t n;
	json_t *arr = get_array(&r, root, "bases", &n);
	d->bases = arena_alloc(a, (n ? n : 1) * sizeof *d->bases);
	for (size_t i = 0; i < n; i++) {
		char p[48];
		snprintf(p, sizeof p, "bases[%zu]", i);
		json_t *o = json_array_get(arr, i);
		if (!json_is_object(o)) {
			errf(&r, p, "Phải là một đối tượng {\"doc\": …, \"text\": …}.");
			continue;
		}
		static const char *const f[] = {"doc", "text", NULL};
		only_fields(&r, o, p, f);
		doc_basis_t *b = &d->bases[d->nbases++];
		json_t *id = json_object_get(o, "doc");
		b->doc_id = json_is_integer(id) && json_integer_value(id) > 0
		                    ? json_integer_value(id)
		                    : 0;
		if (id && !json_is_null(id) && !json_is_integer(id))
			errf(&r, p, "\"doc\" phải là mã số văn bản (số nguyên).");
		b->text = get_str(&r, o, "text", p);
	}
	arr = get_array(&r, root, "recipients", &n);
	d->recipients = arena_alloc(a, (n ? n : 1) * sizeof *d->recipients);
	for (size_t i = 0; i < n; i++) {
		char p[48];
		snprintf(p, sizeof p, "recipients[%zu]", i);
		json_t *o = json_array_get(arr, i);
		if (!json_is_object(o)) {
			errf(&r, p, "Phải là một đối tượng {\"text\": …}.");
			continue;
		}
		static const char *const f[] = {"text", "units", "kinds", NULL};
		only_fields(&r, o, p, f);
		read_target(&r, o, p, "text", &d->recipients[d->nrecipients++]);
	}
	arr = get_array(&r, root, "duties", &n);
	d->duties = arena_alloc(a, (n ? n : 1) * sizeof *d->duties);
	for (size_t i = 0; i < n; i++) {
		char p[48];
		snprintf(p, sizeof p, "duties[%zu]", i);
		json_t *o = json_array_get(arr, i);
		if (!json_is_object(o)) {
			errf(&r, p, "Phải là một đối tượng {\"who\": …, \"task\": …}.");
			continue;
		}
		static const char *const f[] = {"who",  "units", "kinds", "role",
		                                "task", "due",   NULL};
		only_fields(&r, o, p, f);
		doc_duty_t *u = &d->duties[d->nduties++];
		read_target(&r, o, p, "who", &u->who);
		const char *role = get_str(&r, o, "role", p);
		if (!strcmp(role, "chu_tri") || *role == '\0')
			u->lead = 1;
		else if (!strcmp(role, "phoi_hop"))
			u->lead = 0;
		else {
			char fp[64];
			snprintf(fp, sizeof fp, "%s.role", p);
			errf(&r, fp,
			     "Vai trò \"%.20s\" không có; hãy chọn chu_tri (chủ trì) hoặc "
			     "phoi_hop (phối hợp).",
			     role);
		}
		u->task = get_str(&r, o, "task", p);
		u->due = get_date(&r, o, "due", p);
	}
	d->distribution = get_strs(&r, root, "distribution", "", &d->ndistribution);
	json_t *sg = json_object_get(root, "signer");
	if (sg && !json_is_null(sg)) {
		if (!json_is_object(sg))
			errf(&r, "signer", "Phải là một đối tượng {\"position\": …, \"name\": …}.");
		else {
			static const char *const f[] = {"tm",       "authority", "head",
			                                "position", "name",      NULL};
			only_fields(&r, sg, "signer", f);
			d->signer.tm = get_str(&r, sg, "tm", "signer");
			d->signer.authority = get_str(&r, sg, "authority", "signer");
			d->signer.head = get_str(&r, sg, "head", "signer");
			d->signer.position = get_str(&r, sg, "position", "signer");
			d->signer.name = get_str(&r, sg, "name", "signer");
		}
	}
	if (d->signer.tm == NULL)
		d->signer = (doc_signer_t){"", "", "", "", ""};
	arr = get_array(&r, root, "annexes", &n);
	d->annexes = arena_alloc(a, (n ? n : 1) * sizeof *d->annexes);
	for (size_t i = 0; i < n; i++) {
		char p[48];
		snprintf(p, sizeof p, "annexes[%zu]", i);
		json_t *o = json_array_get(arr, i);
		if (!json_is_object(o)) {
			errf(&r, p, "Phải là một đối tượng {\"title\": …}.");
			continue;
		}
		static const char *const f[] = {"label",   "title",  "subtitle", "text",
		                                "results", "awards", NULL};
		only_fields(&r, o, p, f);
		doc_annex_t *x = &d->annexes[d->nannexes++];
		x->label = get_str(&r, o, "label", p);
		x->title = get_str(&r, o, "title", p);
		x->subtitle = get_str(&r, o, "subtitle", p);
		x->text = get_str(&r, o, "text", p);
		json_t *res = json_object_get(o, "results");
		if (res && !json_is_boolean(res) && !json_is_null(res))
			errf(&r, p, "\"results\" phải là true hoặc false.");
		x->results = json_is_true(res);
		json_t *aw = json_object_get(o, "awards");
		if (aw && !json_is_boolean(aw) && !json_is_null(aw))
			errf(&r, p, "\"awards\" phải là true hoặc false.");
		x->awards = json_is_true(aw);
		if (x->results && x->awards)
			errf(&r, p,
			     "Một phụ lục chỉ đính kèm một bảng: hoặc \"results\" (biểu số liệu) "
			     "hoặc "
			     "\"awards\" (danh sách khen thưởng).");
	}
	json_decref(root);
	if (r.nerr == 0) {
		size_t m;
		if (doc_validate(d, errs, &m) < 0) {
			*nerr = m;
			return -1;
		}
	}
	*nerr = r.nerr;
	if (r.nerr)
		return -1;
	*out = d;
	return 0;
}

/* ---- text hygiene (text/hygiene.h) ---- */

typedef struct cl {
	rd_t r;
	arena_t *a;
	unsigned extra; /* flags added to every text's (TEXT_DROP_INVISIBLE for an import) */
} cl_t;

/* *s made what may be stored under flags (NFC, trimmed), or an error on field naming label
 * and what to do. A required text only of spaces is refused here; an empty one is left to
 * doc_validate's "Chưa có …". */
static void
clean_one(cl_t *c, const char *field, const char *label, const char **s, unsigned flags, size_t max)
{
	const char *in = *s ? *s : "";
	if (*in == '\0')
		return;
	const char *out;
	const char *why =
	        text_clean_field(c->a, label, in, flags | TEXT_TRIM | c->extra, max, &out);
	if (why)
		errf(&c->r, field, "%s", why);
	else
		*s = out;
}

static int
clean_all(doc_t *d, arena_t *a, unsigned extra, doc_error_t *errs, size_t *nerr);

int
doc_clean(doc_t *d, arena_t *a, doc_error_t *errs, size_t *nerr)
{
	return clean_all(d, a, 0, errs, nerr);
}

int
doc_clean_imported(doc_t *d, arena_t *a, doc_error_t *errs, size_t *nerr)
{
	return clean_all(d, a, TEXT_DROP_INVISIBLE, errs, nerr);
}

static int
clean_all(doc_t *d, arena_t *a, unsigned extra, doc_error_t *errs, size_t *nerr)
{
	cl_t c = {{a, errs, 0}, a, extra};
	const unsigned line = TEXT_REQUIRED, name = TEXT_NAME | TEXT_REQUIRED,
	               lines = TEXT_MULTILINE | TEXT_REQUIRED;
	clean_one(&c, "subject", "Trích yếu (V/v…)", &d->subject, name, DOC_MAX_LINE);
	clean_one(&c, "body", "Tên cơ quan ban hành", &d->body, lines | TEXT_NAME, 300);
	clean_one(&c, "parent_body", "Tên cơ quan chủ quản", &d->parent_body, lines | TEXT_NAME,
	          300);
	clean_one(&c, "body_abbr", "Chữ viết tắt tên cơ quan", &d->body_abbr, name, 40);
	clean_one(&c, "drafter_abbr", "Chữ viết tắt đơn vị soạn thảo", &d->drafter_abbr, name, 40);
	clean_one(&c, "place", "Địa danh", &d->place, name, 100);
	/* the body keeps its own blank lines and indents: not trimmed */
	if (d->text && *d->text) {
		const char *out;
		const char *why = text_clean_field(a, "Nội dung", d->text, TEXT_MULTILINE | extra,
		                                   DOC_MAX_TEXT, &out);
		if (why)
			errf(&c.r, "text", "%s", why);
		else
			d->text = out;
	}
	char f[64];
	for (size_t i = 0; i < d->nbases; i++) {
		snprintf(f, sizeof f, "bases[%zu].text", i);
		clean_one(&c, f, "Căn cứ", &d->bases[i].text, line, DOC_MAX_LINE);
	}
	for (size_t i = 0; i < d->nrecipients; i++) {
		snprintf(f, sizeof f, "recipients[%zu].text", i);
		clean_one(&c, f, "Nơi gửi (Kính gửi)", &d->recipients[i].text, line, DOC_MAX_LINE);
	}
	for (size_t i = 0; i < d->nduties; i++) {
		snprintf(f, sizeof f, "duties[%zu].who", i);
		clean_one(&c, f, "Đơn vị thực hiện", &d->duties[i].who.text, name, DOC_MAX_LINE);
		snprintf(f, sizeof f, "duties[%zu].task", i);
		clean_one(&c, f, "Nội dung nhiệm vụ", &d->duties[i].task, lines, DOC_MAX_TASK);
	}
	for (size_t i = 0; i < d->ndistribution; i++) {
		snprintf(f, sizeof f, "distribution[%zu]", i);
		clean_one(&c, f, "Nơi nhận", &d->distribution[i], line, DOC_MAX_LINE);
	}
	clean_one(&c, "signer.tm", "Tập thể lãnh đạo (TM.)", &d->signer.tm, name, 200);
	clean_one(&c, "signer.head", "Chức vụ người đứng đầu", &d->signer.head, name, 200);
	clean_one(&c, "signer.position", "Chức vụ người ký", &d->signer.position, name, 200);
	clean_one(&c, "signer.name", "Họ tên người ký", &d->signer.name, name, 200);
	for (size_t i = 0; i < d->nannexes; i++) {
		doc_annex_t *x = &d->annexes[i];
		snprintf(f, sizeof f, "annexes[%zu].title", i);
		clean_one(&c, f, "Tên phụ lục", &x->title, name, DOC_MAX_LINE);
		snprintf(f, sizeof f, "annexes[%zu].label", i);
		clean_one(&c, f, "Số phụ lục", &x->label, name, 100);
		snprintf(f, sizeof f, "annexes[%zu].subtitle", i);
		clean_one(&c, f, "Dòng dưới tên phụ lục", &x->subtitle, line, DOC_MAX_LINE);
		if (x->text && *x->text) {
			const char *out;
			const char *why = text_clean_field(a, "Nội dung phụ lục", x->text,
			                                   TEXT_MULTILINE | extra, DOC_MAX_TEXT, &out);
			snprintf(f, sizeof f, "annexes[%zu].text", i);
			if (why)
				errf(&c.r, f, "%s", why);
			else
				x->text = out;
		}
	}
	*nerr = c.r.nerr;
	return c.r.nerr ? -1 : 0;
}

/* ---- validation ---- */

/* Valid UTF-8 without control characters (tab allowed; newlines where multiline). */
static int
clean_text(const char *s, int multiline)
{
	size_t n = strlen(s);
	if (!text_utf8_valid(s, n))
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && *p != '\t' && !(multiline && (*p == '\n' || *p == '\r'))) ||
		    *p == 0x7f)
			return 0;
	return 1;
}

static void
check_str(rd_t *r, const char *field, const char *label, const char *s, size_t max, int required,
          int multiline)
{
	if (required && *s == '\0') {
		errf(r, field, "Chưa có %s; hãy nhập %s.", label, label);
		return;
	}
	if (strlen(s) > max) {
		errf(r, field, "%s dài quá %zu byte; hãy rút gọn.", label, max);
		return;
	}
	if (!clean_text(s, multiline))
		errf(r, field,
		     "%s có ký tự không hợp lệ (ký tự điều khiển hoặc không phải UTF-8); "
		     "hãy gõ lại.",
		     label);
}

static void
check_codes(rd_t *r, const char *field, const char **codes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(codes[i]);
		int ok = len > 0 && len <= 64;
		for (const char *p = codes[i]; ok && *p; p++)
			ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			     (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.';
		if (!ok) {
			errf(r, field, "Mã đơn vị hoặc loại đơn vị \"%.40s\" không hợp lệ.",
			     codes[i]);
			return;
		}
	}
}

int
doc_validate(const doc_t *d, doc_error_t *errs, size_t *nerr)
{
	rd_t r = {NULL, errs, 0};
	if (d->kind >= DOC_KIND_COUNT)
		errf(&r, "kind", "Hãy chọn loại văn bản.");
	check_str(&r, "subject", "trích yếu (V/v…)", d->subject, DOC_MAX_LINE, 1, 0);
	check_str(&r, "body", "tên cơ quan ban hành", d->body, 300, 1, 1);
	check_str(&r, "parent_body", "tên cơ quan chủ quản", d->parent_body, 300, 0, 1);
	check_str(&r, "body_abbr", "chữ viết tắt tên cơ quan", d->body_abbr, 40, 1, 0);
	check_str(&r, "drafter_abbr", "chữ viết tắt đơn vị soạn thảo", d->drafter_abbr, 40, 0, 0);
	check_str(&r, "place", "địa danh", d->place, 100, 1, 0);
	check_str(&r, "text", "nội dung", d->text, DOC_MAX_TEXT, 0, 1);
	for (const char *p = d->body_abbr; *p; p++)
		if (*p == ' ' || *p == '/') {
			errf(&r, "body_abbr",
			     "Chữ viết tắt không được có dấu cách hoặc \"/\" (ví dụ "
			     "UBND, PGDĐT).");
			break;
		}
	if (d->kind == DOC_CV && *d->drafter_abbr == '\0')
		errf(&r, "drafter_abbr",
		     "Công văn cần chữ viết tắt của đơn vị soạn thảo (ví dụ GDĐT "
		     "trong \"UBND-GDĐT\").");
	char f[64];
	for (size_t i = 0; i < d->nbases; i++) {
		snprintf(f, sizeof f, "bases[%zu].text", i);
		check_str(&r, f, "căn cứ", d->bases[i].text, DOC_MAX_LINE, 1, 0);
	}
	for (size_t i = 0; i < d->nrecipients; i++) {
		snprintf(f, sizeof f, "recipients[%zu].text", i);
		check_str(&r, f, "nơi gửi (Kính gửi)", d->recipients[i].text, DOC_MAX_LINE, 1, 0);
		snprintf(f, sizeof f, "recipients[%zu].units", i);
		check_codes(&r, f, d->recipients[i].units, d->recipients[i].nunits);
		check_codes(&r, f, d->recipients[i].kinds, d->recipients[i].nkinds);
	}
	for (size_t i = 0; i < d->nduties; i++) {
		const doc_duty_t *u = &d->duties[i];
		snprintf(f, sizeof f, "duties[%zu].who", i);
		check_str(&r, f, "đơn vị thực hiện", u->who.text, DOC_MAX_LINE, 1, 0);
		snprintf(f, sizeof f, "duties[%zu].units", i);
		check_codes(&r, f, u->who.units, u->who.nunits);
		check_codes(&r, f, u->who.kinds, u->who.nkinds);
		snprintf(f, sizeof f, "duties[%zu].task", i);
		check_str(&r, f, "nội dung nhiệm vụ", u->task, DOC_MAX_TASK, 1, 1);
	}
	for (size_t i = 0; i < d->ndistribution; i++) {
		snprintf(f, sizeof f, "distribution[%zu]", i);
		check_str(&r, f, "nơi nhận", d->distribution[i], DOC_MAX_LINE, 1, 0);
	}
	int auth_ok = 0;
	for (size_t i = 0; i < sizeof authorities / sizeof *authorities; i++)
		auth_ok |= !strcmp(d->signer.authority, authorities[i]);
	if (!auth_ok)
		errf(&r, "signer.authority",
		     "Thẩm quyền ký \"%.10s\" không có; hãy chọn để trống, "
		     "KT., Q., TL. hoặc TUQ.",
		     d->signer.authority);
	else if (*d->signer.authority && *d->signer.head == '\0')
		errf(&r, "signer.head",
		     "Ký %s thì phải ghi chức vụ của người đứng đầu (ví dụ CHỦ "
		     "TỊCH).",
		     d->signer.authority);
	check_str(&r, "signer.tm", "tập thể lãnh đạo (TM.)", d->signer.tm, 200, 0, 0);
	check_str(&r, "signer.head", "chức vụ người đứng đầu", d->signer.head, 200, 0, 0);
	check_str(&r, "signer.position", "chức vụ người ký", d->signer.position, 200, 1, 0);
	check_str(&r, "signer.name", "họ tên người ký", d->signer.name, 200, 0, 0);
	for (size_t i = 0; i < d->nannexes; i++) {
		snprintf(f, sizeof f, "annexes[%zu].title", i);
		check_str(&r, f, "tên phụ lục", d->annexes[i].title, DOC_MAX_LINE, 1, 0);
		snprintf(f, sizeof f, "annexes[%zu].label", i);
		check_str(&r, f, "số phụ lục", d->annexes[i].label, 100, 0, 0);
		snprintf(f, sizeof f, "annexes[%zu].subtitle", i);
		check_str(&r, f, "dòng dưới tên phụ lục", d->annexes[i].subtitle, DOC_MAX_LINE, 0,
		          0);
		snprintf(f, sizeof f, "annexes[%zu].text", i);
		check_str(&r, f, "nội dung phụ lục", d->annexes[i].text, DOC_MAX_TEXT, 0, 1);
	}
	if (d->nbases > DOC_MAX_LIST || d->nrecipients > DOC_MAX_LIST ||
	    d->nduties > DOC_MAX_LIST || d->ndistribution > DOC_MAX_LIST ||
	    d->nannexes > DOC_MAX_LIST)
		errf(&r, "", "Nhiều nhất %d căn cứ, nơi gửi, nhiệm vụ, nơi nhận hoặc phụ lục.",
		     DOC_MAX_LIST);
	*nerr = r.nerr;
	return r.nerr ? -1 : 0;
}

/* ---- JSON out ---- */

static json_t *
strs_json(const char **s, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(s[i]));
	return a;
}

json_t *
doc_json(const doc_t *d)
{
	json_t *o = json_object();
	json_object_set_new(o, "kind", json_string(doc_kind_code(d->kind)));
	json_object_set_new(o, "number", json_integer(d->number));
	json_object_set_new(o, "date", iso_json(d->date));
	if (d->year)
		json_object_set_new(o, "year", json_integer(d->year));
	json_object_set_new(o, "body_abbr", json_string(d->body_abbr));
	json_object_set_new(o, "drafter_abbr", json_string(d->drafter_abbr));
	json_object_set_new(o, "parent_body", json_string(d->parent_body));
	json_object_set_new(o, "body", json_string(d->body));
	json_object_set_new(o, "place", json_string(d->place));
	json_object_set_new(o, "subject", json_string(d->subject));
	json_t *a = json_array();
	for (size_t i = 0; i < d->nbases; i++) {
		json_t *b = json_pack("{s:s}", "text", d->bases[i].text);
		if (d->bases[i].doc_id)
			json_object_set_new(b, "doc", json_integer(d->bases[i].doc_id));
		json_array_append_new(a, b);
	}
	json_object_set_new(o, "bases", a);
	a = json_array();
	for (size_t i = 0; i < d->nrecipients; i++) {
		const doc_target_t *t = &d->recipients[i];
		json_array_append_new(a, json_pack("{s:s,s:o,s:o}", "text", t->text, "units",
		                                   strs_json(t->units, t->nunits), "kinds",
		                                   strs_json(t->kinds, t->nkinds)));
	}
	json_object_set_new(o, "recipients", a);
	json_object_set_new(o, "text", json_string(d->text));
	a = json_array();
	for (size_t i = 0; i < d->nduties; i++) {
		const doc_duty_t *u = &d->duties[i];
		json_array_append_new(a, json_pack("{s:s,s:o,s:o,s:s,s:s,s:o}", "who", u->who.text,
		                                   "units", strs_json(u->who.units, u->who.nunits),
		                                   "kinds", strs_json(u->who.kinds, u->who.nkinds),
		                                   "role", u->lead ? "chu_tri" : "phoi_hop", "task",
		                                   u->task, "due", iso_json(u->due)));
	}
	json_object_set_new(o, "duties", a);
	json_object_set_new(o, "distribution", strs_json(d->distribution, d->ndistribution));
	json_object_set_new(o, "signer",
	                    json_pack("{s:s,s:s,s:s,s:s,s:s}", "tm", d->signer.tm, "authority",
	                              d->signer.authority, "head", d->signer.head, "position",
	                              d->signer.position, "name", d->signer.name));
	a = json_array();
	for (size_t i = 0; i < d->nannexes; i++) {
		const doc_annex_t *x = &d->annexes[i];
		json_t *ao =
		        json_pack("{s:s,s:s,s:s,s:s,s:b}", "label", x->label, "title", x->title,
		                  "subtitle", x->subtitle, "text", x->text, "results", x->results);
		if (x->awards) /* only when set: older documents' JSON stays as it was */
			json_object_set_new(ao, "awards", json_true());
		json_array_append_new(a, ao);
	}
	json_object_set_new(o, "annexes", a);
	return o;
}

/* ---- Decree-30 strings ---- */

void
doc_symbol(const doc_t *d, buf_t *out)
{
	if (d->kind == DOC_CV)
		buf_printf(out, "%s%s%s", d->body_abbr, *d->drafter_abbr ? "-" : "",
		           d->drafter_abbr);
	else
		buf_printf(out, "%s-%s", kinds[d->kind].abbr, d->body_abbr);
}

void
doc_number_line(const doc_t *d, buf_t *out)
{
	if (d->number > 0)
		buf_printf(out, "Số: %02d/", d->number);
	else
		buf_puts(out, "Số:        /");
	doc_symbol(d, out);
}

static int
doc_year(const doc_t *d)
{
	if (d->date) {
		int y, m, dd;
		text_civil_from_days(d->date, &y, &m, &dd);
		return y;
	}
	return d->year;
}

void
doc_place_date(const doc_t *d, buf_t *out)
{
	if (d->date == 0) {
		buf_printf(out, "%s, ngày      tháng      năm ", d->place);
		if (d->year)
			buf_printf(out, "%d", d->year);
		else
			buf_puts(out, "20…");
		return;
	}
	int y, m, dd;
	text_civil_from_days(d->date, &y, &m, &dd);
	/* Decree 30: a leading zero for days below 10 and for months 1 and 2. */
	buf_printf(out, "%s, ngày %02d tháng %s%d năm %d", d->place, dd, m <= 2 ? "0" : "", m, y);
}

/* "14/9/2022", "03/10/2022", "05/01/2022": as references are written in the seeds. */
void
doc_cite_date(int32_t days, buf_t *out)
{
	if (days == 0)
		return;
	int y, m, dd;
	text_civil_from_days(days, &y, &m, &dd);
	buf_printf(out, "%02d/%s%d/%d", dd, m <= 2 ? "0" : "", m, y);
}

/* Lower-case the first letter ("Tổ chức" -> "tổ chức") for running text after "về việc". */
static void
lower_first(const char *s, buf_t *out)
{
	utf8proc_int32_t c;
	utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &c);
	if (n <= 0) {
		buf_puts(out, s);
		return;
	}
	utf8proc_uint8_t enc[4];
	utf8proc_ssize_t m = utf8proc_encode_char(utf8proc_tolower(c), enc);
	buf_append(out, enc, (size_t)m);
	buf_puts(out, s + n);
}

void
doc_number_symbol(int number, const char *symbol, buf_t *out)
{
	if (number > 0)
		buf_printf(out, "%02d/", number);
	else
		buf_puts(out, DOC_BLANK_NUMBER "/");
	buf_puts(out, symbol ? symbol : "");
}

void
doc_citation(doc_kind_t kind, int number, const char *symbol, int32_t date, const char *issuer,
             buf_t *out)
{
	buf_printf(out, "%s số ", doc_kind_name(kind));
	doc_number_symbol(number, symbol, out);
	if (date) {
		buf_puts(out, " ngày ");
		doc_cite_date(date, out);
	}
	if (issuer && *issuer)
		buf_printf(out, " của %s", issuer);
}

void
doc_cite(const doc_t *d, const char *issuer, buf_t *out)
{
	buf_t sym = BUF_INIT;
	doc_symbol(d, &sym);
	doc_citation(d->kind, d->number, buf_cstr(&sym), d->date, issuer, out);
	buf_free(&sym);
}

void
doc_annex_reference(const doc_t *d, const char *issuer, buf_t *out)
{
	buf_puts(out, "(Kèm theo ");
	doc_cite(d, issuer, out);
	buf_putc(out, ')');
}

void
doc_cite_short(const doc_t *d, buf_t *out)
{
	buf_printf(out, "%s ", doc_kind_name(d->kind));
	if (d->number > 0)
		buf_printf(out, "%02d/", d->number);
	doc_symbol(d, out);
}

const char *
doc_running_name(arena_t *a, const char *unit_name, int is_locality)
{
	if (!is_locality)
		return unit_name;
	buf_t b = BUF_INIT;
	buf_puts(&b, "Ủy ban nhân dân ");
	lower_first(unit_name, &b);
	const char *r = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return r;
}

void
doc_reference(const doc_t *d, const char *issuer, buf_t *out)
{
	doc_cite(d, issuer, out);
	if (*d->subject) {
		buf_puts(out, " về việc ");
		lower_first(d->subject, out);
	}
}

/* ---- defaults and derivation ---- */

static char *
upper(arena_t *a, const char *s)
{
	buf_t b = BUF_INIT;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t c;
	utf8proc_ssize_t n;
	while (*p && (n = utf8proc_iterate(p, -1, &c)) > 0) {
		utf8proc_uint8_t enc[4];
		utf8proc_ssize_t m = utf8proc_encode_char(utf8proc_toupper(c), enc);
		buf_append(&b, enc, (size_t)m);
		p += n;
	}
	char *r = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return r;
}

/* The name without its kind word: "Huyện Tiên Lãng" -> "Tiên Lãng". */
static const char *
bare_name(const char *name)
{
	static const char *const prefixes[] = {"Thành phố ", "Tỉnh ",     "Quận ",   "Huyện ",
	                                       "Thị xã ",    "Thị trấn ", "Phường ", "Xã ",
	                                       "Đặc khu ",   NULL};
	for (size_t i = 0; prefixes[i]; i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return name + strlen(prefixes[i]);
	return name;
}

/* Initials of a body's name for the symbol: "Phòng Giáo dục và Đào tạo" -> "PGDĐT". */
static char *
initials(arena_t *a, const char *name)
{
	buf_t b = BUF_INIT;
	int start = 1;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)name;
	utf8proc_int32_t c;
	utf8proc_ssize_t n;
	while (*p && (n = utf8proc_iterate(p, -1, &c)) > 0) {
		if (c == ' ' || c == '-')
			start = 1;
		else if (start) {
			start = 0;
			utf8proc_uint8_t enc[4];
			utf8proc_int32_t u = utf8proc_toupper(c);
			/* "và" contributes nothing to the abbreviation */
			if (!(c == 'v' && !strncmp((const char *)p, "và ", 4))) {
				/* strip the tone/diacritics except Đ */
				if (u != 0x0110) {
					utf8proc_uint8_t *dec = NULL;
					utf8proc_uint8_t one[4];
					utf8proc_ssize_t l = utf8proc_encode_char(u, one);
					if (utf8proc_map(one, l, &dec,
					                 UTF8PROC_NULLTERM | UTF8PROC_DECOMPOSE |
					                         UTF8PROC_STRIPMARK) > 0 &&
					    dec)
						u = dec[0];
					free(dec);
				}
				utf8proc_ssize_t m = utf8proc_encode_char(u, enc);
				buf_append(&b, enc, (size_t)m);
			}
		}
		p += n;
	}
	char *r = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return r;
}

void
doc_defaults_for_unit(doc_t *d, arena_t *a, const char *unit_name, const char *unit_kind,
                      int is_locality, const char *parent_locality_name)
{
	(void)unit_kind;
	if (is_locality) {
		d->parent_body = "";
		d->body = arena_printf(a, "ỦY BAN NHÂN DÂN\n%s", upper(a, unit_name));
		d->body_abbr = "UBND";
		d->place = arena_strdup(a, bare_name(unit_name));
	} else {
		const char *loc = parent_locality_name ? parent_locality_name : "";
		d->parent_body = *loc ? arena_printf(a, "UBND %s", upper(a, loc)) : "";
		/* "Phòng Giáo dục và Đào tạo huyện Tiên Lãng": the body without its locality */
		const char *name = unit_name;
		const char *cut = NULL;
		static const char *const words[] = {" huyện ",     " quận ", " thị xã ",
		                                    " thành phố ", " xã ",   " phường ",
		                                    " thị trấn ",  " tỉnh ", NULL};
		for (size_t i = 0; words[i]; i++) {
			const char *f = strstr(name, words[i]);
			if (f && (cut == NULL || f < cut))
				cut = f;
		}
		const char *own = cut ? arena_strndup(a, name, (size_t)(cut - name)) : name;
		d->body = upper(a, own);
		d->body_abbr = initials(a, own);
		d->place = arena_strdup(a, bare_name(*loc ? loc : unit_name));
	}
	if (d->drafter_abbr == NULL)
		d->drafter_abbr = "";
}

doc_t *
doc_derive(const doc_t *parent, int64_t parent_id, const char *parent_issuer, arena_t *a)
{
	doc_t *d = arena_alloc(a, sizeof *d);
	memset(d, 0, sizeof *d);
	d->kind = DOC_KH;
	d->year = doc_year(parent);
	d->subject = parent->subject;
	d->text = parent->text;
	d->body_abbr = d->drafter_abbr = d->parent_body = d->body = d->place = "";
	buf_t b = BUF_INIT;
	buf_puts(&b, "Thực hiện ");
	doc_reference(parent, parent_issuer, &b);
	buf_putc(&b, ';');
	d->bases = arena_alloc(a, sizeof *d->bases);
	d->bases[0] = (doc_basis_t){parent_id, arena_strdup(a, buf_cstr(&b))};
	d->nbases = 1;
	buf_free(&b);
	d->signer = parent->signer;
	d->distribution = arena_alloc(a, sizeof *d->distribution);
	d->distribution[0] = "Lưu: VT.";
	d->ndistribution = 1;
	return d;
}

/* ---- body markup -> paragraphs ---- */

/* Runs of one line: **bold**, *italic* (***both***). Unmatched markers stay as text. */
static void
runs(const char *s, size_t n, arena_t *a, docr_para_t *p)
{
	size_t cap = 4;
	p->runs = arena_alloc(a, cap * sizeof *p->runs);
	p->nruns = 0;
	int bold = 0, italic = 0;
	buf_t cur = BUF_INIT;
#define FLUSH()                                                                                    \
	do {                                                                                       \
		if (cur.len) {                                                                     \
			if (p->nruns == cap) {                                                     \
				docr_run_t *nr = arena_alloc(a, 2 * cap * sizeof *nr);             \
				memcpy(nr, p->runs, cap * sizeof *nr);                             \
				p->runs = nr;                                                      \
				cap *= 2;                                                          \
			}                                                                          \
			p->runs[p->nruns++] =                                                      \
			        (docr_run_t){arena_strndup(a, cur.data, cur.len),                  \
			                     (unsigned char)bold, (unsigned char)italic};          \
			buf_reset(&cur);                                                           \
		}                                                                                  \
	} while (0)
	for (size_t i = 0; i < n;) {
		if (s[i] == '*') {
			size_t k = i;
			while (k < n && s[k] == '*')
				k++;
			size_t stars = k - i;
			/* a marker only when it closes an open style or a closing one follows */
			const char *rest = s + k;
			size_t restn = n - k;
			int has_close = 0;
			for (size_t j = 0; stars <= 3 && j + stars <= restn; j++)
				if (!memcmp(rest + j, "***", stars)) {
					has_close = 1;
					break;
				}
			int closing = (stars >= 2 && bold) || (stars == 1 && italic) ||
			              (stars == 3 && bold && italic);
			if ((stars <= 3 && (has_close || closing))) {
				FLUSH();
				if (stars == 3) {
					bold = !bold;
					italic = !italic;
				} else if (stars == 2)
					bold = !bold;
				else
					italic = !italic;
				i = k;
				continue;
			}
			buf_append(&cur, s + i, stars);
			i = k;
			continue;
		}
		buf_putc(&cur, s[i++]);
	}
	FLUSH();
#undef FLUSH
	buf_free(&cur);
	if (p->nruns == 0) {
		p->runs[0] = (docr_run_t){"", 0, 0};
		p->nruns = 1;
	}
}

size_t
doc_markup(const char *text, arena_t *a, docr_para_t **out)
{
	size_t cap = 16, n = 0;
	docr_para_t *ps = arena_alloc(a, cap * sizeof *ps);
	for (const char *line = text; line && *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		const char *s = line;
		size_t l = len;
		while (l && (s[l - 1] == '\r' || s[l - 1] == ' ' || s[l - 1] == '\t'))
			l--;
		while (l && (*s == ' ' || *s == '\t')) {
			s++;
			l--;
		}
		if (l) {
			docr_style_t st = DR_PARA;
			if (l > 4 && !strncmp(s, "### ", 4)) {
				st = DR_H3;
				s += 4;
				l -= 4;
			} else if (l > 3 && !strncmp(s, "## ", 3)) {
				st = DR_H2;
				s += 3;
				l -= 3;
			} else if (l > 2 && !strncmp(s, "# ", 2)) {
				st = DR_H1;
				s += 2;
				l -= 2;
			}
			if (n == cap) {
				docr_para_t *np = arena_alloc(a, 2 * cap * sizeof *np);
				memcpy(np, ps, cap * sizeof *np);
				ps = np;
				cap *= 2;
			}
			ps[n].style = st;
			runs(s, l, a, &ps[n]);
			n++;
		}
		line = end ? end + 1 : NULL;
	}
	*out = ps;
	return n;
}

/* ---- the render model ---- */

typedef struct plist {
	docr_para_t *p;
	size_t n, cap;
} plist_t;

static void
plist_add(plist_t *l, arena_t *a, docr_para_t p)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 32;
		docr_para_t *np = arena_alloc(a, nc * sizeof *np);
		if (l->n)
			memcpy(np, l->p, l->n * sizeof *np);
		l->p = np;
		l->cap = nc;
	}
	l->p[l->n++] = p;
}

static docr_para_t
para1(arena_t *a, docr_style_t st, const char *text, int bold, int italic)
{
	docr_para_t p = {st, arena_alloc(a, sizeof(docr_run_t)), 1};
	p.runs[0] = (docr_run_t){text, (unsigned char)bold, (unsigned char)italic};
	return p;
}

/* The tasks of a duty: its lines, without a leading "- " (the printer puts the marker). */
static size_t
duty_items(const char *task, arena_t *a, const char ***out)
{
	size_t cap = 4, n = 0;
	const char **v = arena_alloc(a, cap * sizeof *v);
	for (const char *line = task; line && *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		const char *s = line;
		while (len && (s[len - 1] == '\r' || s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		while (len && (*s == ' ' || *s == '\t')) {
			s++;
			len--;
		}
		if (len >= 2 && (s[0] == '-' || s[0] == '+') && s[1] == ' ') {
			s += 2;
			len -= 2;
			while (len && *s == ' ') {
				s++;
				len--;
			}
		}
		if (len) {
			if (n == cap) {
				const char **nv = arena_alloc(a, 2 * cap * sizeof *nv);
				memcpy(nv, v, cap * sizeof *nv);
				v = nv;
				cap *= 2;
			}
			v[n++] = arena_strndup(a, s, len);
		}
		line = end ? end + 1 : NULL;
	}
	*out = v;
	return n;
}

/* "Tổ chức thực hiện" as seed 003 prints it: one numbered bold heading per body ("1. Phòng
 * Giáo dục và Đào tạo quận"), in the order bodies first appear, with every task of that
 * body under it -- the lines of its duties' tasks, and the tasks of later duties for the
 * same body (same printed text) -- as "- " items, or as a plain paragraph when the body has
 * a single task. A công văn whose bodies each have one task keeps seed 000's list
 * ("- Phòng Giáo dục và Đào tạo: Chủ trì…"). */
static void
add_duties(const doc_t *d, arena_t *a, plist_t *l)
{
	size_t n = d->nduties;
	if (n == 0)
		return;
	/* group[i]: the index of the first duty of duty i's body */
	size_t *group = arena_alloc(a, n * sizeof *group);
	size_t *items = arena_alloc(a, n * sizeof *items); /* task count per first duty */
	const char ***lines = arena_alloc(a, n * sizeof *lines);
	size_t *nlines = arena_alloc(a, n * sizeof *nlines);
	int inline_list = d->kind == DOC_CV;
	for (size_t i = 0; i < n; i++) {
		nlines[i] = duty_items(d->duties[i].task, a, &lines[i]);
		items[i] = 0;
		group[i] = i;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(d->duties[j].who.text, d->duties[i].who.text)) {
				group[i] = j;
				break;
			}
		items[group[i]] += nlines[i];
	}
	for (size_t i = 0; i < n; i++)
		if (group[i] == i && items[i] != 1)
			inline_list = 0;
	if (inline_list) {
		for (size_t i = 0; i < n; i++) {
			if (nlines[i] == 0)
				continue;
			docr_para_t p = {DR_PARA, arena_alloc(a, 2 * sizeof(docr_run_t)), 2};
			p.runs[0] = (docr_run_t){arena_printf(a, "- %s: ", d->duties[i].who.text),
			                         0, 0};
			p.runs[1] = (docr_run_t){lines[i][0], 0, 0};
			plist_add(l, a, p);
		}
		return;
	}
	int num = 0;
	for (size_t i = 0; i < n; i++) {
		if (group[i] != i)
			continue;
		plist_add(l, a,
		          para1(a, DR_H2, arena_printf(a, "%d. %s", ++num, d->duties[i].who.text),
		                1, 0));
		for (size_t j = i; j < n; j++) {
			if (group[j] != i)
				continue;
			for (size_t k = 0; k < nlines[j]; k++)
				plist_add(l, a,
				          para1(a, DR_PARA,
				                items[i] > 1 ? arena_printf(a, "- %s", lines[j][k])
				                             : lines[j][k],
				                0, 0));
		}
	}
}

static const char *const roman[] = {"I",    "II", "III", "IV", "V",   "VI",  "VII",
                                    "VIII", "IX", "X",   "XI", "XII", "XIII"};

static docr_cell_t
cell1(arena_t *a, docr_style_t st, const char *text, int bold)
{
	docr_cell_t c = {arena_alloc(a, sizeof(docr_para_t)), 1};
	c.lines[0] = para1(a, st, text, bold, 0);
	return c;
}

void
doc_results_annex(const phuluc_t *p, const char *number_line, const char *place_date, arena_t *a,
                  docr_annex_t *out)
{
	memset(out, 0, sizeof *out);
	phuluc_t q = *p;
	q.number_line = number_line && *number_line ? number_line : NULL;
	q.place_date = place_date && *place_date ? place_date : NULL;
	q.unit_name = NULL; /* the document's header names the body */
	phl_layout_t *lay = arena_alloc(a, sizeof *lay);
	phuluc_layout(&q, a, lay);
	out->form = lay;
	out->label = "";
	out->title = "";
	out->subtitle = p->reference ? p->reference : "";

	/* The same lines flattened into paragraphs and one table, for readers of the model
	 * that do not draw the form (the JSON preview). */
	plist_t before = {0}, after = {0};
	docr_table_t *tb = arena_alloc(a, sizeof *tb);
	memset(tb, 0, sizeof *tb);
	static const double widths[] = {12.0, 90.0, 32.0, 26.0};
	tb->ncols = 4;
	tb->headers = (const char **)phuluc_headers;
	tb->widths_mm = widths;
	size_t rows = 0;
	for (size_t i = 0; i < lay->n; i++)
		rows += lay->lines[i].kind == PHL_ROW;
	tb->cells = arena_alloc(a, (rows ? rows : 1) * 4 * sizeof *tb->cells);
	for (size_t i = 0; i < lay->n; i++) {
		const phl_line_t *ln = &lay->lines[i];
		plist_t *where = tb->nrows ? &after : &before;
		switch (ln->kind) {
		case PHL_ROW: {
			docr_cell_t *row = &tb->cells[tb->nrows++ * 4];
			row[0] = cell1(a, DR_CENTER, ln->tt, 0);
			row[1] = cell1(a, DR_PARA, ln->text, ln->bold);
			row[2] = cell1(a, DR_PARA, ln->value, 0);
			row[3] = cell1(a, DR_PARA, ln->note, 0);
			break;
		}
		case PHL_TITLE:
		case PHL_CENTER: plist_add(where, a, para1(a, DR_CENTER, ln->text, 1, 0)); break;
		case PHL_PLACE_DATE:
		case PHL_CENTER_ITALIC:
			plist_add(where, a, para1(a, DR_CENTER, ln->text, 0, 1));
			break;
		case PHL_HEADING: plist_add(where, a, para1(a, DR_H2, ln->text, 1, 0)); break;
		case PHL_LABEL:
		case PHL_NOTE: plist_add(where, a, para1(a, DR_PARA, ln->text, 0, 1)); break;
		case PHL_NUMBER:
		case PHL_TEXT: plist_add(where, a, para1(a, DR_PARA, ln->text, 0, 0)); break;
		case PHL_CLOSING:
			plist_add(where, a, para1(a, DR_PARA, ln->text, 1, 1));
			plist_add(where, a, para1(a, DR_CENTER, ln->right, 1, 0));
			break;
		}
	}
	out->before = before.p;
	out->nbefore = before.n;
	out->table = tb->nrows ? tb : NULL;
	out->after = after.p;
	out->nafter = after.n;
}

docr_t *
doc_render_model(const doc_t *d, const phuluc_t *results, arena_t *a)
{
	docr_t *r = arena_alloc(a, sizeof *r);
	memset(r, 0, sizeof *r);
	buf_t b = BUF_INIT;
	doc_number_line(d, &b);
	r->number_line = arena_strdup(a, buf_cstr(&b));
	buf_reset(&b);
	doc_place_date(d, &b);
	r->place_date = arena_strdup(a, buf_cstr(&b));
	buf_reset(&b);
	doc_cite_short(d, &b);
	r->meta_title = arena_printf(a, "%s: %s", buf_cstr(&b), d->subject);
	buf_free(&b);
	r->parent_body = upper(a, d->parent_body);
	r->body = upper(a, d->body);
	r->meta_author = d->body;
	if (d->kind == DOC_CV) {
		/* "V/v tổ chức…": the subject in running case after V/v */
		buf_t v = BUF_INIT;
		buf_puts(&v, "V/v ");
		lower_first(d->subject, &v);
		r->vv = arena_strdup(a, buf_cstr(&v));
		buf_free(&v);
		r->type_name = r->subject = "";
	} else {
		r->vv = "";
		r->type_name = kinds[d->kind].type_name;
		r->subject = d->subject;
	}
	r->kinh_gui = arena_alloc(a, (d->nrecipients ? d->nrecipients : 1) * sizeof(char *));
	for (size_t i = 0; i < d->nrecipients; i++) {
		const char *t = d->recipients[i].text;
		size_t n = strlen(t);
		int punct = n && (t[n - 1] == ';' || t[n - 1] == '.' || t[n - 1] == ',');
		r->kinh_gui[r->nkinh_gui++] =
		        punct ? t : arena_printf(a, "%s%s", t, i + 1 == d->nrecipients ? "." : ";");
	}
	plist_t body = {0};
	for (size_t i = 0; i < d->nbases; i++)
		plist_add(&body, a,
		          para1(a, DR_PARA, d->bases[i].text, 0,
		                !strncmp(d->bases[i].text, "Căn cứ", strlen("Căn cứ"))));
	docr_para_t *ps;
	size_t np = doc_markup(d->text, a, &ps);
	int duties_done = 0;
	for (size_t i = 0; i < np; i++) {
		if (ps[i].nruns == 1 && !strcmp(ps[i].runs[0].text, "[nhiệm vụ]")) {
			add_duties(d, a, &body);
			duties_done = 1;
			continue;
		}
		plist_add(&body, a, ps[i]);
	}
	if (!duties_done)
		add_duties(d, a, &body);
	r->paras = body.p;
	r->nparas = body.n;
	r->noi_nhan = d->distribution;
	r->nnoi_nhan = d->ndistribution;
	const char **sl = arena_alloc(a, 3 * sizeof *sl);
	size_t ns = 0;
	if (*d->signer.tm)
		sl[ns++] = arena_printf(a, "TM. %s", upper(a, d->signer.tm));
	if (*d->signer.authority)
		sl[ns++] = arena_printf(a, "%s %s", d->signer.authority, upper(a, d->signer.head));
	if (*d->signer.position)
		sl[ns++] = upper(a, d->signer.position);
	r->signer_lines = sl;
	r->nsigner_lines = ns;
	r->signer_name = d->signer.name;
	r->annexes = arena_alloc(a, (d->nannexes ? d->nannexes : 1) * sizeof *r->annexes);
	for (size_t i = 0; i < d->nannexes; i++) {
		const doc_annex_t *x = &d->annexes[i];
		docr_annex_t *o = &r->annexes[r->nannexes++];
		/* a báo cáo's form carries the báo cáo's number and date; the form a plan sends
		 * down stays blank for the units to fill ("Số: …/BC-…") */
		if (x->results && results)
			doc_results_annex(results, d->kind == DOC_BC ? r->number_line : NULL,
			                  d->kind == DOC_BC ? r->place_date : NULL, a, o);
		else
			memset(o, 0, sizeof *o);
		o->label = *x->label ? x->label
		                     : arena_printf(a, "Phụ lục %s", i < 13 ? roman[i] : "…");
		if (*x->title && !o->form) /* the form carries its own title */
			o->title = upper(a, x->title);
		else if (o->title == NULL)
			o->title = "";
		/* the form's reference line (the plan's citation) wins over a stored one */
		if (o->subtitle == NULL || (!*o->subtitle && *x->subtitle))
			o->subtitle = x->subtitle;
		if (*x->text) {
			docr_para_t *xp;
			size_t nx = doc_markup(x->text, a, &xp);
			plist_t l = {0};
			for (size_t j = 0; j < nx; j++)
				plist_add(&l, a, xp[j]);
			o->nintro = l.n;
			for (size_t j = 0; j < o->nbefore; j++)
				plist_add(&l, a, o->before[j]);
			o->before = l.p;
			o->nbefore = l.n;
		}
	}
	return r;
}

/* ---- commendation decisions ---- */

/* "CHỦ TỊCH" -> "Chủ tịch": lower-case, the first letter upper. */
static const char *
sentence_case(arena_t *a, const char *s)
{
	buf_t b = BUF_INIT;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t c;
	utf8proc_ssize_t n;
	int first = 1;
	while (*p && (n = utf8proc_iterate(p, -1, &c)) > 0) {
		utf8proc_uint8_t enc[4];
		utf8proc_ssize_t m = utf8proc_encode_char(
		        first ? utf8proc_toupper(c) : utf8proc_tolower(c), enc);
		buf_append(&b, enc, (size_t)m);
		first = 0;
		p += n;
	}
	const char *r = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return r;
}

/* The head whose decision it is: "" for a collective one (TM.), else the head the
 * authority signs for, else the signer's own title. */
static const char *
decider_head(const doc_t *d)
{
	if (*d->signer.tm)
		return "";
	if (*d->signer.authority && *d->signer.head)
		return d->signer.head;
	return *d->signer.position ? d->signer.position : d->signer.head;
}

/* A locality's people's committee: its running name starts so (doc_running_name). */
static int
is_committee(const char *issuer)
{
	return !strncmp(issuer, "Ủy ban nhân dân ", strlen("Ủy ban nhân dân "));
}

const char *
doc_decider(const doc_t *d, const char *issuer, arena_t *a)
{
	if (issuer == NULL || !*issuer)
		return NULL;
	const char *head = decider_head(d);
	if (!*head || !is_committee(issuer))
		return issuer;
	return arena_printf(a, "%s %s", sentence_case(a, head), issuer);
}

const char *
doc_decider_upper(const doc_t *d, const char *issuer, arena_t *a)
{
	if (issuer && is_committee(issuer))
		return upper(a, doc_decider(d, issuer, a));
	/* a body: the head's title before the body's name, the word they share once
	 * ("TRƯỞNG PHÒNG" + "PHÒNG GIÁO DỤC…" -> "TRƯỞNG PHÒNG GIÁO DỤC…") */
	char *body = upper(a, d->body);
	for (char *p = body; *p; p++)
		if (*p == '\n')
			*p = ' ';
	const char *head = upper(a, decider_head(d));
	if (!*head)
		return body;
	const char *last = strrchr(head, ' ');
	last = last ? last + 1 : head;
	size_t ln = strlen(last);
	if (!strncmp(body, last, ln) && body[ln] == ' ')
		return arena_printf(a, "%.*s%s", (int)(last - head), head, body);
	return arena_printf(a, "%s %s", head, body);
}

const char *
doc_award_where(const doc_award_t *w, arena_t *a)
{
	if (!*w->unit || strstr(w->place, w->unit)) /* "Giáo viên Trường THCS Đằng Lâm" */
		return w->place;
	return *w->place ? arena_printf(a, "%s, %s", w->place, w->unit) : w->unit;
}

docr_table_t *
doc_awards_table(const doc_award_t *v, size_t n, arena_t *a)
{
	static const char *const headers[] = {
	        "TT",        "Tên tập thể / Họ và tên", "Đơn vị, địa chỉ", "Danh hiệu",
	        "Hình thức", "Số tiền (đồng)"};
	static const double widths[] = {10.0, 38.0, 40.0, 26.0, 23.0, 23.0};
	enum { NC = 6 };
	docr_table_t *tb = arena_alloc(a, sizeof *tb);
	memset(tb, 0, sizeof *tb);
	tb->ncols = NC;
	tb->headers = (const char **)headers;
	tb->widths_mm = widths;
	tb->cells = arena_alloc(a, (n + 3) * NC * sizeof *tb->cells);
	size_t count[2] = {0, 0};
	int64_t sum = 0;
	int group = 0;
	buf_t b = BUF_INIT;
	for (int g = 1; g >= 0; g--) { /* collectives first */
		size_t k = 0;
		for (size_t i = 0; i < n; i++) {
			if (!v[i].collective != !g)
				continue;
			docr_cell_t *row;
			if (k == 0) {
				row = &tb->cells[tb->nrows++ * NC];
				row[0] = cell1(a, DR_CENTER, roman[group++], 1);
				row[1] = cell1(a, DR_PARA, g ? "TẬP THỂ" : "CÁ NHÂN", 1);
				for (int c = 2; c < NC; c++)
					row[c] = cell1(a, DR_PARA, "", 0);
			}
			row = &tb->cells[tb->nrows++ * NC];
			buf_reset(&b);
			text_format_int(v[i].amount, &b);
			row[0] = cell1(a, DR_CENTER, arena_printf(a, "%zu", ++k), 0);
			row[1] = cell1(a, DR_PARA, v[i].name, 0);
			row[2] = cell1(a, DR_PARA, doc_award_where(&v[i], a), 0);
			row[3] = cell1(a, DR_PARA, v[i].category, 0);
			row[4] = cell1(a, DR_PARA, v[i].form, 0);
			row[5] = cell1(a, DR_CENTER, arena_strdup(a, buf_cstr(&b)), 0);
			count[g]++;
			sum += v[i].amount;
		}
	}
	docr_cell_t *row = &tb->cells[tb->nrows++ * NC];
	buf_reset(&b);
	text_format_int(sum, &b);
	row[0] = cell1(a, DR_CENTER, "", 0);
	row[1] = cell1(a, DR_PARA,
	               arena_printf(a, "Tổng cộng: %zu tập thể, %zu cá nhân", count[1], count[0]),
	               1);
	for (int c = 2; c < NC - 1; c++)
		row[c] = cell1(a, DR_PARA, "", 0);
	row[NC - 1] = cell1(a, DR_CENTER, arena_strdup(a, buf_cstr(&b)), 1);
	buf_free(&b);
	return tb;
}

void
doc_render_awards(docr_t *m, const doc_t *d, const char *issuer, const doc_award_t *v, size_t n,
                  arena_t *a)
{
	const docr_table_t *tb = NULL;
	const char *ref = NULL;
	for (size_t i = 0; i < d->nannexes && i < m->nannexes; i++) {
		if (!d->annexes[i].awards)
			continue;
		if (tb == NULL) {
			tb = doc_awards_table(v, n, a);
			buf_t b = BUF_INIT;
			doc_annex_reference(d, doc_decider(d, issuer, a), &b);
			ref = arena_strdup(a, buf_cstr(&b));
			buf_free(&b);
		}
		docr_annex_t *o = &m->annexes[i];
		if (!*o->title)
			o->title = "DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC KHEN THƯỞNG";
		o->subtitle = ref;
		o->table = tb;
	}
}
