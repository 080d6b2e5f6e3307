/* Open learning resources (học liệu mở): the unit's list and form, the JSON API, the
 * national /hoc-lieu search and a page per resource, and the file download. Thin adapters
 * over src/service/resources.c: parse, call, translate. The guard decides who reaches
 * each route (app.c); here drafts and withdrawn resources never reach a public page. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/log.h"
#include "core/mem.h"
#include "domain/jsonin.h"
#include "service/resources.h"
#include "text/text.h"

#define PAGE_SIZE 20      /* a public list's page */
#define UNIT_LIST_MAX 500 /* the unit's own list */
#define API_MAX 200       /* a JSON list's page */
#define PUBLIC_ON_UNIT 10 /* on the unit's public page */

/* ---------- small helpers ---------- */

static int
fail(http_req_t *req, int status, const char *msg)
{
	app_error_page(req, status, msg);
	return 0;
}

static store_t *
store_of(http_req_t *req)
{
	return ((app_t *)http_req_app(req))->store;
}

static const char *
opt_name(const res_option_t *(*list)(size_t *), const char *code)
{
	const res_option_t *o = res_option_find(list, code);
	return o ? o->name : code;
}

static json_t *
opts_json(const res_option_t *(*list)(size_t *), const char *sel)
{
	size_t n;
	const res_option_t *v = list(&n);
	json_t *a = json_array();
	for (size_t k = 0; k < n; k++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "code", v[k].code, "name",
		                                   v[k].name, "selected",
		                                   sel && !strcmp(sel, v[k].code)));
	return a;
}

/* ---------- reading ---------- */

typedef struct res_vec {
	arena_t *a;
	store_resource_t *v;
	size_t n, cap;
} res_vec_t;

static int
vec_add(const store_resource_t *s, void *p)
{
	res_vec_t *v = p;
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		store_resource_t *nv = arena_alloc(v->a, size_mul(cap, sizeof *nv));
		if (v->n)
			memcpy(nv, v->v, v->n * sizeof *nv);
		v->v = nv;
		v->cap = cap;
	}
	store_resource_t *d = &v->v[v->n++];
	*d = *s;
	d->unit_path = arena_strdup0(v->a, s->unit_path);
	d->title = arena_strdup0(v->a, s->title);
	d->description = arena_strdup0(v->a, s->description);
	d->topic = arena_strdup0(v->a, s->topic);
	d->audience = arena_strdup0(v->a, s->audience);
	d->licence = arena_strdup0(v->a, s->licence);
	d->link = arena_strdup0(v->a, s->link);
	d->file_name = arena_strdup0(v->a, s->file_name);
	d->file_type = arena_strdup0(v->a, s->file_type);
	d->status = arena_strdup0(v->a, s->status);
	d->fold = arena_strdup0(v->a, s->fold);
	return 0;
}

/* Resource id s into *out: 1 found, 0 not (or a bad id), -1 store error. */
static int
load(http_req_t *req, int64_t id, store_resource_t *out)
{
	if (id <= 0)
		return 0;
	res_vec_t v = {http_req_arena(req), NULL, 0, 0};
	int rc = store_resource_get(store_of(req), id, vec_add, &v);
	if (rc < 0)
		return -1;
	if (v.n == 0)
		return 0;
	*out = v.v[0];
	return 1;
}

/* The :rid resource of the :code unit; replies 404 (or 500) and returns -1 otherwise. */
static int
unit_resource(http_req_t *req, int32_t *unit, store_resource_t *out)
{
	const unit_tree_t *t = app_req_tree(req);
	*unit = unit_tree_find_code(t, app_param(req, "code"));
	int rc = *unit < 0 ? 0 : load(req, app_id_param(req, "rid"), out);
	if (rc < 0) {
		app_error_page(req, 500, NULL);
		return -1;
	}
	if (rc == 0 || out->unit_id != t->units[*unit].id) {
		app_error_page(req, 404, "Không tìm thấy học liệu này của đơn vị.");
		return -1;
	}
	return 0;
}

/* The :rid resource when it is published; replies 404 and returns -1 otherwise. */
static int
public_resource(http_req_t *req, store_resource_t *out)
{
	int rc = load(req, app_id_param(req, "rid"), out);
	if (rc < 0) {
		app_error_page(req, 500, NULL);
		return -1;
	}
	if (rc == 0 || strcmp(out->status, "published") != 0) {
		app_error_page(req, 404, "Không tìm thấy học liệu công khai này.");
		return -1;
	}
	return 0;
}

/* "1,2 MB", "350 KB" */
static const char *
size_text(arena_t *a, int64_t n)
{
	if (n >= 1024 * 1024) {
		int64_t t = (n * 10 + 512 * 1024) / (1024 * 1024);
		return arena_printf(a, "%lld,%lld MB", (long long)(t / 10), (long long)(t % 10));
	}
	return arena_printf(a, "%lld KB", (long long)((n + 1023) / 1024));
}

/* A resource for pages and the API. internal: the status, version and campaign too. */
static json_t *
res_json(http_req_t *req, const store_resource_t *r, int internal)
{
	arena_t *a = http_req_arena(req);
	const unit_tree_t *t = app_req_tree(req);
	int32_t u = unit_tree_find_id(t, r->unit_id);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(r->id));
	if (u >= 0)
		json_object_set_new(
		        o, "unit",
		        json_pack("{s:s,s:s}", "code", t->units[u].code, "name", t->units[u].name));
	json_object_set_new(o, "title", app_js(r->title));
	json_object_set_new(o, "description", app_js(r->description));
	json_object_set_new(o, "topic", app_js(r->topic));
	json_object_set_new(o, "topic_name", app_js(opt_name(res_topics, r->topic)));
	json_object_set_new(o, "audience", app_js(r->audience));
	json_object_set_new(o, "audience_name", app_js(opt_name(res_audiences, r->audience)));
	const res_option_t *lic = res_option_find(res_licences, r->licence);
	json_object_set_new(o, "licence", app_js(r->licence));
	json_object_set_new(o, "licence_name", app_js(lic ? lic->name : r->licence));
	json_object_set_new(o, "licence_url", lic && lic->url ? app_js(lic->url) : json_null());
	json_object_set_new(o, "published", app_js(app_fmt_date(a, r->published_on)));
	int is_link = *r->link != '\0';
	json_object_set_new(o, "type", app_js(is_link ? "link" : r->file_type));
	if (is_link) {
		json_object_set_new(o, "link", app_js(r->link));
		json_object_set_new(o, "type_name", app_js("Đường dẫn"));
	} else {
		const res_type_t *ft = res_type_find(r->file_type);
		json_object_set_new(o, "type_name", app_js(ft ? ft->name : r->file_type));
		json_object_set_new(o, "file",
		                    json_pack("{s:s,s:I,s:s}", "name", r->file_name, "size",
		                              (json_int_t)r->file_size, "size_text",
		                              size_text(a, r->file_size)));
	}
	int pub = !strcmp(r->status, "published");
	if (pub) {
		json_object_set_new(o, "url",
		                    app_js(arena_printf(a, "/hoc-lieu/%lld", (long long)r->id)));
		if (!is_link)
			json_object_set_new(
			        o, "file_url",
			        app_js(arena_printf(a, "/hoc-lieu/%lld/file", (long long)r->id)));
	}
	if (internal) {
		json_object_set_new(o, "status", app_js(r->status));
		json_object_set_new(o, "status_name", app_js(opt_name(res_statuses, r->status)));
		json_object_set_new(o, "campaign_id",
		                    r->campaign_id ? json_integer(r->campaign_id) : json_null());
		json_object_set_new(o, "version", json_integer(r->version));
		if (u >= 0) {
			const char *base = arena_printf(a, "/units/%s/hoc-lieu/%lld",
			                                t->units[u].code, (long long)r->id);
			json_object_set_new(o, "edit_url", app_js(base));
			if (!is_link)
				json_object_set_new(o, "unit_file_url",
				                    app_js(arena_printf(a, "%s/file", base)));
		}
	}
	return o;
}

/* The resources in v as a JSON array (res_json of each). */
static json_t *
rows_json(http_req_t *req, const res_vec_t *v, int internal)
{
	json_t *rows = json_array();
	for (size_t k = 0; k < v->n; k++)
		json_array_append_new(rows, res_json(req, &v->v[k], internal));
	return rows;
}

/* Unit i's own resources (status "" = any), newest first, at most limit, into v;
 * *total (may be NULL) all of them. 0, or -1 on a store error. */
static int
unit_list(http_req_t *req, int32_t i, const char *status, int limit, res_vec_t *v, int64_t *total)
{
	buf_t path = BUF_INIT;
	unit_tree_path(app_req_tree(req), i, &path);
	store_resource_query_t q = {
	        .path = buf_cstr(&path), .exact = 1, .status = status, .limit = limit};
	int rc = store_resources_find(store_of(req), &q, vec_add, v, total);
	buf_free(&path);
	return rc < 0 ? -1 : 0;
}

/* ---------- campaigns a resource may name ---------- */

typedef struct camp {
	int64_t id;
	const char *name;
	int year;
} camp_t;

typedef struct camp_list {
	http_req_t *req;
	int32_t unit;
	int64_t keep; /* the resource's own, listed even when closed */
	camp_t v[64];
	size_t n;
} camp_list_t;

static int
camp_row(const store_campaign_t *c, void *p)
{
	camp_list_t *l = p;
	const unit_tree_t *t = app_req_tree(l->req);
	int32_t iss = unit_tree_find_id(t, c->issuer_unit_id);
	if (l->n >= 64 || iss < 0 || !unit_tree_contains(t, iss, l->unit))
		return 0;
	if (strcmp(c->status, "open") != 0 && c->id != l->keep)
		return 0;
	l->v[l->n++] = (camp_t){c->id, arena_strdup(http_req_arena(l->req), c->name), c->year};
	return 0;
}

/* The open campaigns whose issuer's subtree holds unit i, newest year first. */
static void
campaigns_for(http_req_t *req, int32_t i, int64_t keep, camp_list_t *l)
{
	l->req = req;
	l->unit = i;
	l->keep = keep;
	l->n = 0;
	store_campaigns_each(store_of(req), camp_row, l);
}

static json_t *
camps_json(const camp_list_t *l, int64_t sel)
{
	json_t *a = json_array();
	for (size_t k = 0; k < l->n; k++)
		json_array_append_new(a, json_pack("{s:I,s:s,s:b}", "id", (json_int_t)l->v[k].id,
		                                   "name", l->v[k].name, "selected",
		                                   l->v[k].id == sel));
	return a;
}

/* ---------- the unit's list and form ---------- */

enum {
	F_TITLE,
	F_DESCRIPTION,
	F_TOPIC,
	F_AUDIENCE,
	F_LICENCE,
	F_LINK,
	F_PUBLISHED,
	F_STATUS,
	F_CAMPAIGN,
	NF
};
static const char *const fnames[NF] = {"title", "description", "topic",  "audience", "licence",
                                       "link",  "published",   "status", "campaign"};

typedef struct form {
	const char *v[NF];
	res_errors_t e;
	const char *form_error;
} form_t;

static void
form_from(arena_t *a, const store_resource_t *r, form_t *f)
{
	memset(f, 0, sizeof *f);
	f->v[F_TITLE] = r->title;
	f->v[F_DESCRIPTION] = r->description;
	f->v[F_TOPIC] = r->topic;
	f->v[F_AUDIENCE] = r->audience;
	f->v[F_LICENCE] = r->licence;
	f->v[F_LINK] = r->link;
	f->v[F_PUBLISHED] = app_fmt_date(a, r->published_on);
	f->v[F_STATUS] = r->status;
	f->v[F_CAMPAIGN] = r->campaign_id ? arena_printf(a, "%lld", (long long)r->campaign_id) : "";
}

static json_t *
form_json(http_req_t *req, int32_t i, const form_t *f, int64_t keep_campaign)
{
	json_t *o = json_object();
	json_t *vals = json_object();
	for (int k = 0; k < NF; k++)
		json_object_set_new(vals, fnames[k], app_js(f->v[k]));
	json_object_set_new(o, "f", vals);
	json_object_set_new(o, "topics", opts_json(res_topics, f->v[F_TOPIC]));
	json_object_set_new(o, "audiences", opts_json(res_audiences, f->v[F_AUDIENCE]));
	json_object_set_new(o, "licences", opts_json(res_licences, f->v[F_LICENCE]));
	json_object_set_new(o, "statuses", opts_json(res_statuses, f->v[F_STATUS]));
	camp_list_t cl;
	campaigns_for(req, i, keep_campaign, &cl);
	int64_t sel = 0;
	if (f->v[F_CAMPAIGN] && *f->v[F_CAMPAIGN])
		text_parse_int(f->v[F_CAMPAIGN], strlen(f->v[F_CAMPAIGN]), &sel);
	json_object_set_new(o, "campaigns", camps_json(&cl, sel));
	json_object_set_new(o, "has_campaigns", json_boolean(cl.n > 0));
	json_t *err = json_object();
	for (int k = 0; k < RF_COUNT; k++)
		if (f->e.msg[k])
			json_object_set_new(err, res_field_code(k), app_js(f->e.msg[k]));
	json_object_set_new(o, "err", err);
	if (f->e.n)
		json_object_set_new(o, "errors", json_integer(f->e.n));
	if (f->form_error)
		json_object_set_new(o, "form_error", app_js(f->form_error));
	return o;
}

static const char *
done_message(const char *done)
{
	if (!done)
		return NULL;
	if (!strcmp(done, "created"))
		return "Đã lưu học liệu.";
	if (!strcmp(done, "saved"))
		return "Đã lưu thay đổi.";
	return NULL;
}

/* A unit page's context: the unit, its path, the done message; *edit: may the viewer
 * change the unit's resources. */
static json_t *
page_ctx(http_req_t *req, int32_t i, int status, int *edit)
{
	const unit_tree_t *t = app_req_tree(req);
	json_t *ctx = json_object();
	json_object_set_new(ctx, "unit", app_unit_json(t, i));
	json_object_set_new(ctx, "path", app_unit_path_json(t, i));
	const char *ok = done_message(http_req_param(req, "done"));
	if (ok && status == 200)
		json_object_set_new(ctx, "ok", app_js(ok));
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	*edit = access_allowed(t, g, ng, ACT_REPORT_EDIT, i);
	return ctx;
}

static int
render_list(http_req_t *req, int32_t i, const form_t *f, int status)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	res_vec_t v = {a, NULL, 0, 0};
	if (unit_list(req, i, "", UNIT_LIST_MAX, &v, NULL) < 0)
		return 500;
	int edit;
	json_t *ctx = page_ctx(req, i, status, &edit);
	json_object_set_new(ctx, "resources", rows_json(req, &v, 1));
	json_object_set_new(ctx, "has_resources", json_boolean(v.n > 0));
	if (edit) {
		form_t blank;
		if (!f) {
			memset(&blank, 0, sizeof blank);
			blank.v[F_STATUS] = "published";
			blank.v[F_LICENCE] = "cc_by_4";
			blank.v[F_AUDIENCE] = "nguoi_dan";
			f = &blank;
		}
		json_object_set_new(ctx, "form", form_json(req, i, f, 0));
		json_object_set_new(
		        ctx, "action",
		        app_js(arena_printf(a, "/units/%s/hoc-lieu", t->units[i].code)));
	}
	return app_render_page(req, status, "resources",
	                       arena_printf(a, "Học liệu mở — %s", t->units[i].name), ctx);
}

int
page_unit_resources(http_req_t *req)
{
	const unit_tree_t *t = app_req_tree(req);
	return render_list(req, unit_tree_find_code(t, app_param(req, "code")), NULL, 200);
}

static int
render_item(http_req_t *req, int32_t i, const store_resource_t *r, const form_t *f, int status)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int edit;
	json_t *ctx = page_ctx(req, i, status, &edit);
	json_object_set_new(ctx, "r", res_json(req, r, 1));
	if (edit) {
		form_t cur;
		if (!f) {
			form_from(a, r, &cur);
			f = &cur;
		}
		json_t *fo = form_json(req, i, f, r->campaign_id);
		json_object_set_new(fo, "version", json_integer(r->version));
		json_object_set_new(fo, "editing", json_true());
		json_object_set_new(ctx, "form", fo);
		json_object_set_new(ctx, "action",
		                    app_js(arena_printf(a, "/units/%s/hoc-lieu/%lld",
		                                        t->units[i].code, (long long)r->id)));
	}
	return app_render_page(req, status, "resource_edit", r->title, ctx);
}

int
page_unit_resource(http_req_t *req)
{
	int32_t i;
	store_resource_t r;
	if (unit_resource(req, &i, &r) < 0)
		return 0;
	return render_item(req, i, &r, NULL, 200);
}

/* ---------- create and update ---------- */

static int
reply_invalid(http_req_t *req, int32_t i, const store_resource_t *old, form_t *f, int status)
{
	if (app_is_api(req)) {
		json_t *fields = json_object();
		for (int k = 0; k < RF_COUNT; k++)
			if (f->e.msg[k])
				json_object_set_new(fields, res_field_code(k), app_js(f->e.msg[k]));
		const char *msg = f->form_error ? f->form_error
		                                : "Có mục chưa hợp lệ; xem \"fields\". Không có gì "
		                                  "được lưu.";
		return app_reply_json(req, status,
		                      json_pack("{s:{s:i,s:s,s:o}}", "error", "status", status,
		                                "message", msg, "fields", fields));
	}
	if (old)
		return render_item(req, i, old, f, status);
	return render_list(req, i, f, status);
}

static void
bad(form_t *f, int field, const char *msg)
{
	if (!f->e.msg[field])
		f->e.n++;
	f->e.msg[field] = msg;
}

/* The API's body through the typed reader (domain/jsonin.h): every known field a string
 * (campaign an integer or null), the file an object {"name": "...", "data": "<base64>"};
 * a wrong type, an unknown member (a creation's "version" too) or a body that is not one
 * object is refused naming the field, never coerced: 400. version (an edit; NULL for a
 * creation): the required integer "version". A file whose data is not base64 is the
 * form's error (f->e, 422 by the caller). Returns 0, or -1 after replying. */
static int
read_json(http_req_t *req, form_t *f, res_input_t *in, int64_t *version)
{
	arena_t *a = http_req_arena(req);
	jsonin_field_t fl[NF + 2];
	size_t n = 0;
	json_t *file = NULL;
	for (int k = 0; k < NF; k++)
		fl[n++] = k == F_CAMPAIGN
		                  ? (jsonin_field_t){.name = fnames[k],
		                                     .type = JSONIN_INT_TEXT,
		                                     .flags = JSONIN_NULLABLE,
		                                     .out = &f->v[k],
		                                     .want = "số định danh của đợt (số nguyên)"}
		                  : (jsonin_field_t){.name = fnames[k],
		                                     .type = JSONIN_STRING,
		                                     .out = &f->v[k]};
	fl[n++] = (jsonin_field_t){.name = "file",
	                           .type = JSONIN_OBJECT,
	                           .out = &file,
	                           .want = "một đối tượng {\"name\": \"tên tệp\", \"data\": "
	                                   "\"nội dung mã hóa base64\"}"};
	if (version)
		fl[n++] = (jsonin_field_t){.name = "version",
		                           .type = JSONIN_INT,
		                           .flags = JSONIN_REQUIRED,
		                           .min = 0,
		                           .max = INT64_MAX,
		                           .out = version,
		                           .want = "số nguyên phiên bản của học liệu mà bạn đã "
		                                   "đọc (trường “version” khi đọc học liệu)"};
	const char *name = "", *data = NULL;
	const jsonin_field_t ff[] = {
	        {.name = "name", .type = JSONIN_STRING, .out = &name},
	        {.name = "data", .type = JSONIN_STRING, .flags = JSONIN_REQUIRED, .out = &data},
	};
	size_t blen;
	const char *body = http_req_body(req, &blen);
	json_t *doc;
	const char *err;
	if (jsonin_read(body, blen, 0, fl, n, a, &doc, &err) < 0 ||
	    (file && jsonin_fields(file, 0, ff, 2, "file.", a, &err) < 0)) {
		json_decref(doc);
		fail(req, 400, arena_printf(a, "%s Xem docs/resources.md.", err));
		return -1;
	}
	json_decref(doc); /* nothing kept points into it */
	if (data) {
		size_t dl = strlen(data);
		size_t cap = dl / 4 * 3 + 3;
		unsigned char *bin = arena_alloc(a, cap);
		size_t nb = 0;
		if (sodium_base642bin(bin, cap, data, dl, "\r\n", &nb, NULL,
		                      sodium_base64_VARIANT_ORIGINAL) != 0) {
			bad(f, RF_FILE,
			    "file.data: không phải nội dung mã hóa base64 hợp lệ; hãy mã hóa lại "
			    "tệp.");
			return 0;
		}
		in->file = bin;
		in->file_len = nb;
		in->file_name = name;
	}
	return 0;
}

/* The campaign typed in v: 0 none, the id of a listed campaign, or -1 (not listed). */
static int64_t
campaign_choice(http_req_t *req, int32_t i, const char *v, int64_t keep)
{
	if (!v || !*v)
		return 0;
	int64_t id;
	if (text_parse_int(v, strlen(v), &id) < 0)
		return -1;
	camp_list_t cl;
	campaigns_for(req, i, keep, &cl);
	for (size_t k = 0; k < cl.n; k++)
		if (cl.v[k].id == id)
			return id;
	return -1;
}

static int
save(http_req_t *req, const store_resource_t *old)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = unit_tree_find_code(t, app_param(req, "code"));
	form_t f;
	memset(&f, 0, sizeof f);
	res_input_t in;
	memset(&in, 0, sizeof in);
	int64_t version = old ? old->version : 0;
	if (app_is_api(req)) {
		version = -1; /* an edit must say which version it read */
		if (read_json(req, &f, &in, old ? &version : NULL) < 0)
			return 0;
		if (old && version < 0 && !f.form_error)
			f.form_error =
			        "version: thiếu; hãy gửi \"version\" (số nguyên) của học liệu "
			        "đã đọc.";
	} else {
		for (int k = 0; k < NF; k++)
			f.v[k] = http_req_param(req, fnames[k]);
		const http_part_t *p = http_req_file(req, "file");
		if (p) {
			in.file = p->data ? p->data : "";
			in.file_len = p->len;
			in.file_name = p->filename;
		}
		const char *vp = http_req_param(req, "version");
		if (old && vp && *vp && text_parse_int(vp, strlen(vp), &version) < 0)
			version = -1;
	}
	int64_t camp = campaign_choice(req, i, f.v[F_CAMPAIGN], old ? old->campaign_id : 0);
	in.title = f.v[F_TITLE];
	in.description = f.v[F_DESCRIPTION];
	in.topic = f.v[F_TOPIC];
	in.audience = f.v[F_AUDIENCE];
	in.licence = f.v[F_LICENCE];
	in.link = f.v[F_LINK];
	in.published = f.v[F_PUBLISHED];
	in.status = f.v[F_STATUS];
	if (f.e.n || f.form_error) /* the API's type errors: nothing goes further */
		return reply_invalid(req, i, old, &f, 422);
	buf_t path = BUF_INIT;
	unit_tree_path(t, i, &path);
	app_user_t *u = app_req_user(req);
	res_ctx_t cx = {store_of(req), a, app_now(), u ? u->id : 0};
	store_resource_t r;
	res_errors_t e;
	/* the resource and its audit entry: one transaction */
	if (store_tx_begin(cx.store) < 0) {
		buf_free(&path);
		return 500;
	}
	res_rc_t rc = res_save(&cx, old, t->units[i].id, arena_strdup(a, buf_cstr(&path)), camp,
	                       &in, version, &r, &e);
	buf_free(&path);
	int ok = rc == RES_OK && app_audit(req, t, i, old ? "resource.update" : "resource.create",
	                                   arena_printf(a, "resource:%lld", (long long)r.id),
	                                   old ? old->title : NULL, r.title) == 0;
	if (app_tx_end(req, ok) < 0 && rc == RES_OK)
		return 500;
	if (rc == RES_ERR_INVALID) {
		f.e = e;
		int too_big = e.msg[RF_FILE] && in.file_len > RES_FILE_MAX;
		return reply_invalid(req, i, old, &f, too_big ? 413 : 422);
	}
	if (rc == RES_ERR_CONFLICT) {
		f.form_error =
		        "Học liệu vừa được người khác sửa sau khi bạn mở trang; chưa có gì được "
		        "lưu. Hãy tải lại trang để xem bản mới rồi sửa lại.";
		return reply_invalid(req, i, old, &f, 409);
	}
	if (rc != RES_OK)
		return 500;
	if (app_is_api(req))
		return app_reply_json(req, old ? 200 : 201, res_json(req, &r, 1));
	return http_redirect(req, 303,
	                     arena_printf(a, "/units/%s/hoc-lieu/%lld?done=%s", t->units[i].code,
	                                  (long long)r.id, old ? "saved" : "created"));
}

int
page_resource_create(http_req_t *req)
{
	return save(req, NULL);
}

int
page_resource_update(http_req_t *req)
{
	int32_t i;
	store_resource_t r;
	if (unit_resource(req, &i, &r) < 0)
		return 0;
	return save(req, &r);
}

/* ---------- the file ---------- */

static int
take_file(const void *data, size_t len, void *ctx)
{
	buf_append(ctx, data, len);
	return 0;
}

/* The bytes of file resource r with its sniffed type; images and PDF inline, the rest as
 * an attachment (nosniff comes with every reply, see src/http/server.c). */
static int
reply_file(http_req_t *req, const store_resource_t *r, int public_cache)
{
	const res_type_t *ft = res_type_find(r->file_type);
	buf_t b = BUF_INIT;
	if (!*r->file_name || ft == NULL ||
	    store_resource_file(store_of(req), r->id, take_file, &b) != 1) {
		buf_free(&b);
		return fail(req, 404, "Học liệu này không có tệp để tải về.");
	}
	/* an ASCII name for old clients, the UTF-8 one percent-encoded (RFC 6266) */
	arena_t *a = http_req_arena(req);
	buf_t plain = BUF_INIT, fold = BUF_INIT, enc = BUF_INIT;
	if (text_fold(r->file_name, strlen(r->file_name), &fold) == 0)
		for (const char *s = buf_cstr(&fold); *s; s++)
			buf_putc(&plain,
			         (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ? *s : '-');
	for (const unsigned char *s = (const unsigned char *)r->file_name; *s; s++)
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '.' || *s == '-' || *s == '_')
			buf_putc(&enc, (char)*s);
		else
			buf_printf(&enc, "%%%02X", *s);
	/* the fold turned ".pdf" into "-pdf": put the extension back */
	size_t el = strlen(ft->ext);
	if (plain.len > el)
		plain.len -= el;
	buf_puts(&plain, ft->ext);
	http_resp_header(req, "Content-Disposition",
	                 arena_printf(a, "%s; filename=\"%s\"; filename*=UTF-8''%s",
	                              ft->inline_ok ? "inline" : "attachment", buf_cstr(&plain),
	                              buf_cstr(&enc)));
	http_resp_header(req, "Cache-Control",
	                 public_cache ? "public, max-age=600" : "private, no-store");
	buf_free(&plain);
	buf_free(&fold);
	buf_free(&enc);
	int rc = http_reply_buf(req, 200, ft->mime, &b);
	buf_free(&b);
	return rc;
}

int
page_unit_resource_file(http_req_t *req)
{
	int32_t i;
	store_resource_t r;
	if (unit_resource(req, &i, &r) < 0)
		return 0;
	return reply_file(req, &r, 0);
}

int
page_hoc_lieu_file(http_req_t *req)
{
	store_resource_t r;
	if (public_resource(req, &r) < 0)
		return 0;
	return reply_file(req, &r, 1);
}

/* ---------- the unit's API ---------- */

int
api_unit_resources(http_req_t *req)
{
	const unit_tree_t *t = app_req_tree(req);
	int32_t i = unit_tree_find_code(t, app_param(req, "code"));
	const char *st = app_param(req, "status");
	if (*st && !res_option_find(res_statuses, st))
		return fail(req, 400,
		            "status: hãy dùng draft, published hoặc withdrawn (hoặc bỏ trống).");
	res_vec_t v = {http_req_arena(req), NULL, 0, 0};
	if (unit_list(req, i, st, UNIT_LIST_MAX, &v, NULL) < 0)
		return 500;
	return app_reply_json(req, 200, json_pack("{s:o}", "resources", rows_json(req, &v, 1)));
}

/* ---------- the national list and search ---------- */

/* Percent-encode a query value (RFC 3986 unreserved kept). */
static void
qs_add(buf_t *b, const char *name, const char *value)
{
	if (!value || !*value)
		return;
	buf_printf(b, "%s%s=", b->len ? "&" : "?", name);
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.' || *p == '~')
			buf_putc(b, (char)*p);
		else
			buf_printf(b, "%%%02X", *p);
	}
}

int32_t
app_place_unit(const unit_tree_t *t, const char *place)
{
	int32_t u = unit_tree_find_code(t, place);
	if (u < 0) {
		/* the widest unit of the first matches: "hai an" is the district, not a ward
		 * named after it */
		int32_t ids[20], total;
		unit_search_t us = {place, -1, NULL, 20, 0};
		int32_t nf = unit_tree_search(t, &us, ids, &total);
		for (int32_t k = 0; k < nf; k++)
			if (u < 0 || t->units[ids[k]].depth < t->units[u].depth)
				u = ids[k];
	}
	return u;
}

typedef struct search {
	const char *q, *topic, *audience, *type, *place;
	int32_t place_unit; /* tree index, 0 = everywhere */
	int64_t page;       /* 1-based */
	const char *place_error;
	store_resource_query_t sq;
} search_t;

/* The filters of /hoc-lieu and its API. place: a unit code, else the first unit whose
 * name holds the words (without diacritics). Returns 0, or -1 after replying 400. */
static int
search_read(http_req_t *req, search_t *s)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	memset(s, 0, sizeof *s);
	s->q = app_param(req, "q");
	s->topic = app_param(req, "topic");
	s->audience = app_param(req, "audience");
	s->type = app_param(req, "type");
	s->place = app_param(req, "place");
	if (*s->topic && !res_option_find(res_topics, s->topic))
		return fail(req, 400, "Chủ đề (topic) không có trong danh sách; hãy chọn lại."), -1;
	if (*s->audience && !res_option_find(res_audiences, s->audience))
		return fail(req, 400,
		            "Đối tượng (audience) không có trong danh sách; hãy chọn lại."),
		       -1;
	if (*s->type && strcmp(s->type, "link") && !res_type_find(s->type))
		return fail(req, 400,
		            "Loại (type) phải là link, pdf, docx, xlsx, pptx, jpeg, png, "
		            "webp, mp3 hoặc mp4."),
		       -1;
	const char *pg = app_param(req, "page");
	s->page = 1;
	if (*pg && (text_parse_int(pg, strlen(pg), &s->page) < 0 || s->page < 1 || s->page > 10000))
		return fail(req, 400, "Trang (page) phải là một số từ 1."), -1;
	if (*s->place) {
		int32_t u = app_place_unit(t, s->place);
		if (u < 0)
			s->place_error =
			        "Không tìm thấy nơi (đơn vị hoặc địa bàn) này; hãy nhập tên "
			        "khác hoặc mã đơn vị.";
		else
			s->place_unit = u;
	}
	buf_t path = BUF_INIT;
	if (s->place_unit > 0)
		unit_tree_path(t, s->place_unit, &path);
	s->sq.path = arena_strdup(a, buf_cstr(&path));
	buf_free(&path);
	s->sq.status = "published";
	s->sq.topic = s->topic;
	s->sq.audience = s->audience;
	s->sq.type = s->type;
	s->sq.nwords = res_query_words(a, s->q, s->sq.words, RES_QUERY_WORDS);
	return 0;
}

static int
search_run(http_req_t *req, search_t *s, int limit, res_vec_t *v, int64_t *total)
{
	*total = 0;
	if (s->place_error)
		return 0;
	s->sq.limit = limit;
	s->sq.offset = (int)((s->page - 1) * limit);
	return store_resources_find(store_of(req), &s->sq, vec_add, v, total);
}

int
page_hoc_lieu(http_req_t *req)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	search_t s;
	if (search_read(req, &s) < 0)
		return 0;
	res_vec_t v = {a, NULL, 0, 0};
	int64_t total;
	if (search_run(req, &s, PAGE_SIZE, &v, &total) < 0)
		return 500;
	json_t *ctx = json_object();
	json_object_set_new(ctx, "resources", rows_json(req, &v, 0));
	json_object_set_new(ctx, "has_resources", json_boolean(v.n > 0));
	json_object_set_new(ctx, "total", app_js(app_fmt_count(a, total)));
	json_object_set_new(ctx, "q", app_js(s.q));
	json_object_set_new(ctx, "place", app_js(s.place));
	if (s.place_error)
		json_object_set_new(ctx, "place_error", app_js(s.place_error));
	if (s.place_unit > 0)
		json_object_set_new(ctx, "place_unit", app_unit_json(t, s.place_unit));
	json_object_set_new(ctx, "topics", opts_json(res_topics, s.topic));
	json_object_set_new(ctx, "audiences", opts_json(res_audiences, s.audience));
	json_t *types = json_array();
	json_array_append_new(types, json_pack("{s:s,s:s,s:b}", "code", "link", "name", "Đường dẫn",
	                                       "selected", !strcmp(s.type, "link")));
	static const char *const tcodes[] = {"pdf", "docx", "xlsx", "pptx", "jpeg",
	                                     "png", "webp", "mp3",  "mp4"};
	for (size_t k = 0; k < sizeof tcodes / sizeof *tcodes; k++)
		json_array_append_new(types, json_pack("{s:s,s:s,s:b}", "code", tcodes[k], "name",
		                                       res_type_find(tcodes[k])->name, "selected",
		                                       !strcmp(s.type, tcodes[k])));
	json_object_set_new(ctx, "types", types);
	/* paging links keep the filters */
	buf_t keep = BUF_INIT;
	qs_add(&keep, "q", s.q);
	qs_add(&keep, "topic", s.topic);
	qs_add(&keep, "audience", s.audience);
	qs_add(&keep, "type", s.type);
	qs_add(&keep, "place", s.place);
	const char *sep = keep.len ? "&" : "?";
	if (s.page > 1)
		json_object_set_new(
		        ctx, "prev_url",
		        app_js(arena_printf(a, "/hoc-lieu%s%spage=%lld", buf_cstr(&keep), sep,
		                            (long long)(s.page - 1))));
	if (s.page * PAGE_SIZE < total)
		json_object_set_new(
		        ctx, "next_url",
		        app_js(arena_printf(a, "/hoc-lieu%s%spage=%lld", buf_cstr(&keep), sep,
		                            (long long)(s.page + 1))));
	buf_free(&keep);
	json_object_set_new(ctx, "page", json_integer(s.page));
	return app_render_page(req, 200, "hoc_lieu", "Học liệu mở", ctx);
}

int
api_hoc_lieu(http_req_t *req)
{
	search_t s;
	if (search_read(req, &s) < 0)
		return 0;
	if (s.place_error)
		return fail(req, 404, s.place_error);
	res_vec_t v = {http_req_arena(req), NULL, 0, 0};
	int64_t total;
	if (search_run(req, &s, API_MAX, &v, &total) < 0)
		return 500;
	return app_reply_json(req, 200,
	                      json_pack("{s:o,s:I,s:I,s:i}", "resources", rows_json(req, &v, 0),
	                                "total", (json_int_t)total, "page", (json_int_t)s.page,
	                                "per_page", API_MAX));
}

int
page_hoc_lieu_item(http_req_t *req)
{
	store_resource_t r;
	if (public_resource(req, &r) < 0)
		return 0;
	const unit_tree_t *t = app_req_tree(req);
	json_t *ctx = json_object();
	json_object_set_new(ctx, "r", res_json(req, &r, 0));
	int32_t u = unit_tree_find_id(t, r.unit_id);
	if (u >= 0)
		json_object_set_new(ctx, "path", app_unit_path_json(t, u));
	return app_render_page(req, 200, "hoc_lieu_item", r.title, ctx);
}

json_t *
resource_public_list(http_req_t *req, int32_t i)
{
	const unit_tree_t *t = app_req_tree(req);
	res_vec_t v = {http_req_arena(req), NULL, 0, 0};
	int64_t total = 0;
	if (unit_list(req, i, "published", PUBLIC_ON_UNIT, &v, &total) < 0)
		v.n = 0; /* logged; the page goes on without the list */
	json_t *o = json_object();
	json_object_set_new(o, "items", rows_json(req, &v, 0));
	json_object_set_new(o, "has_items", json_boolean(v.n > 0));
	json_object_set_new(o, "more", json_boolean(total > (int64_t)v.n));
	json_object_set_new(
	        o, "all_url",
	        app_js(arena_printf(http_req_arena(req), "/hoc-lieu?place=%s", t->units[i].code)));
	return o;
}
