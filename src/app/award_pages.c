/* Commendation proposals and decisions on the web and in the JSON API (docs/awards.md):
 * a unit's page /units/:code/khen-thuong (its own proposals and the form, those waiting
 * for it, those passed on from its subtree, its decisions), a proposal's page with its
 * files, history and the actions the viewer may take, and the decision made from the
 * proposals waiting. Thin adapters over src/service/awards.c: parse, call, translate. The
 * guard admits each route (app.c); the service checks the op's right at the unit. */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/form.h"
#include "core/buf.h"
#include "core/mem.h"
#include "domain/award_catalog.h"
#include "domain/jsonin.h"
#include "service/awards.h"
#include "service/resources.h"
#include "text/text.h"

#define LIST_MAX 100 /* rows of each list on the unit's page (a phone on 3G) */

/* ---------- context ---------- */

static aw_ctx_t
ctx_of(http_req_t *req)
{
	app_t *app = http_req_app(req);
	const unit_tree_t *t = app_req_tree(req);
	app_user_t *u = app_req_user(req);
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	return (aw_ctx_t){
	        .store = app->store,
	        .tree = t,
	        .cat = app->awards,
	        .arena = http_req_arena(req),
	        .now = app_now(),
	        .actor = {u ? u->id : 0, u ? u->username : "", http_req_client_ip(req), g, ng},
	        .notify = &app->notify,
	};
}

static int32_t
req_unit(http_req_t *req)
{
	return unit_tree_find_code(app_req_tree(req), app_param(req, "code"));
}

/* ---------- reading ---------- */

typedef struct vec {
	arena_t *a;
	store_award_t *v;
	size_t n, cap;
	int64_t skip_unit, skip_at; /* the subtree list leaves out these */
	int passed_on;              /* and what was never sent (drafts, withdrawn) */
} vec_t;

static int
vec_add(const store_award_t *s, void *p)
{
	vec_t *v = p;
	if ((v->skip_unit && s->unit_id == v->skip_unit) ||
	    (v->skip_at && s->at_unit_id == v->skip_at) ||
	    (v->passed_on && (!strcmp(s->status, "draft") || !strcmp(s->status, "withdrawn"))))
		return 0;
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		store_award_t *nv = arena_alloc(v->a, size_mul(cap, sizeof *nv));
		if (v->n)
			memcpy(nv, v->v, v->n * sizeof *nv);
		v->v = nv;
		v->cap = cap;
	}
	store_award_t *d = &v->v[v->n++];
	*d = *s;
	const char **str[] = {&d->unit_path,       &d->at_path,    &d->status,
	                      &d->category,        &d->name,       &d->place,
	                      &d->achievements,    &d->form,       &d->proposed_form,
	                      &d->decision_status, &d->fund_source};
	for (size_t k = 0; k < sizeof str / sizeof *str; k++)
		*str[k] = arena_strdup0(v->a, *str[k]);
	return 0;
}

/* The :pid proposal seen from unit i: 1 into *out, else replies 404 (or 500) and 0. */
static int
proposal_or_reply(http_req_t *req, int32_t i, store_award_t *out)
{
	vec_t v = {.a = http_req_arena(req)};
	int64_t id = app_id_param(req, "pid");
	int rc = i < 0 || id <= 0
	                 ? 0
	                 : store_award_get(((app_t *)http_req_app(req))->store, id, vec_add, &v);
	if (rc < 0) {
		app_error_page(req, 500, NULL);
		return 0;
	}
	if (rc == 0 || v.n == 0 || !aw_visible(app_req_tree(req), i, &v.v[0])) {
		app_error_page(
		        req, 404,
		        "Không tìm thấy đề nghị khen thưởng này trong đơn vị hoặc các đơn vị "
		        "trực thuộc.");
		return 0;
	}
	*out = v.v[0];
	return 1;
}

/* ---------- JSON of a proposal ---------- */

static json_t *
unit_ref(const unit_tree_t *t, int64_t id)
{
	int32_t i = unit_tree_find_id(t, id);
	if (i < 0)
		return json_null();
	return json_pack("{s:s,s:s}", "code", t->units[i].code, "name", t->units[i].name);
}

static const char *
category_name(const award_catalog_t *c, const char *code)
{
	const award_category_t *x = award_category_find(c, code);
	return x ? x->name : code;
}

static const char *
form_name(const award_catalog_t *c, const char *code)
{
	const award_form_t *x = award_form_find(c, code);
	return x ? x->name : code;
}

/* A proposal as the pages and the API show it, seen from unit i (its url under i). */
static json_t *
award_json(http_req_t *req, int32_t i, const store_award_t *p)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	const award_catalog_t *cat = ((app_t *)http_req_app(req))->awards;
	const award_category_t *c = award_category_find(cat, p->category);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(p->id));
	json_object_set_new(o, "campaign_id", json_integer(p->campaign_id));
	json_object_set_new(o, "unit", unit_ref(t, p->unit_id));
	json_object_set_new(o, "at", unit_ref(t, p->at_unit_id));
	json_object_set_new(o, "status", app_js(p->status));
	json_object_set_new(o, "status_name", app_js(aw_status_name(p->status)));
	json_object_set_new(o, "category", app_js(p->category));
	json_object_set_new(o, "category_name", app_js(category_name(cat, p->category)));
	json_object_set_new(o, "collective", json_boolean(c && c->collective));
	json_object_set_new(o, "name", app_js(p->name));
	json_object_set_new(o, "place", app_js(p->place));
	json_object_set_new(o, "achievements", app_js(p->achievements));
	json_object_set_new(o, "form", app_js(p->form));
	json_object_set_new(o, "form_name", app_js(form_name(cat, p->form)));
	json_object_set_new(o, "amount", json_integer(p->amount));
	json_object_set_new(o, "amount_text", app_js(app_fmt_count(a, p->amount)));
	json_object_set_new(o, "proposed_form", app_js(p->proposed_form));
	json_object_set_new(o, "proposed_form_name", app_js(form_name(cat, p->proposed_form)));
	json_object_set_new(o, "proposed_amount", json_integer(p->proposed_amount));
	json_object_set_new(o, "proposed_amount_text",
	                    app_js(app_fmt_count(a, p->proposed_amount)));
	json_object_set_new(o, "trimmed",
	                    json_boolean(p->amount != p->proposed_amount ||
	                                 strcmp(p->form, p->proposed_form) != 0));
	json_object_set_new(o, "version", json_integer(p->version));
	json_object_set_new(o, "created", app_js(app_fmt_time(a, p->created_at)));
	if (i >= 0)
		json_object_set_new(o, "url",
		                    app_js(arena_printf(a, "/units/%s/khen-thuong/%lld",
		                                        t->units[i].code, (long long)p->id)));
	if (p->decision_id) {
		int32_t d = unit_tree_find_id(t, p->decider_unit_id);
		json_t *dj = json_pack("{s:I,s:I,s:s,s:b}", "id", (json_int_t)p->decision_id,
		                       "document_id", (json_int_t)p->document_id, "status",
		                       p->decision_status, "issued",
		                       !strcmp(p->decision_status, "issued"));
		if (p->doc_number) { /* below 10 with its leading zero, as Decree 30 writes it */
			json_object_set_new(dj, "number", json_integer(p->doc_number));
			json_object_set_new(dj, "number_text",
			                    app_js(arena_printf(a, "%02d", p->doc_number)));
		}
		if (p->doc_date)
			json_object_set_new(dj, "date", app_js(app_fmt_date(a, p->doc_date)));
		if (d >= 0)
			json_object_set_new(
			        dj, "url",
			        app_js(arena_printf(a, "/units/%s/docs/%lld", t->units[d].code,
			                            (long long)p->document_id)));
		json_object_set_new(o, "decision", dj);
	}
	return o;
}

static json_t *
rows_json(http_req_t *req, int32_t i, const vec_t *v)
{
	json_t *rows = json_array();
	for (size_t k = 0; k < v->n; k++)
		json_array_append_new(rows, award_json(req, i, &v->v[k]));
	return rows;
}

/* ---------- the unit's page ---------- */

typedef struct dec_list {
	http_req_t *req;
	json_t *rows;
} dec_list_t;

static int
dec_row(const store_award_decision_t *d, void *p)
{
	dec_list_t *l = p;
	arena_t *a = http_req_arena(l->req);
	const unit_tree_t *t = app_req_tree(l->req);
	int32_t u = unit_tree_find_id(t, d->unit_id);
	json_t *o = json_pack("{s:I,s:I,s:s,s:b,s:s,s:s,s:I,s:s}", "id", (json_int_t)d->id,
	                      "document_id", (json_int_t)d->document_id, "status", d->status,
	                      "issued", !strcmp(d->status, "issued"), "fund_source", d->fund_source,
	                      "fund_name", aw_fund_name(d->fund_source), "count",
	                      (json_int_t)d->count, "total_text", app_fmt_count(a, d->total));
	json_object_set_new(o, "total", json_integer(d->total));
	json_object_set_new(o, "subject", app_js(d->doc_subject));
	if (d->doc_number) {
		json_object_set_new(o, "number", json_integer(d->doc_number));
		json_object_set_new(o, "number_text", app_js(arena_printf(a, "%02d", d->doc_number)));
	}
	if (d->issued_on)
		json_object_set_new(o, "issued_on", app_js(app_fmt_date(a, d->issued_on)));
	if (u >= 0)
		json_object_set_new(o, "url",
		                    app_js(arena_printf(a, "/units/%s/docs/%lld", t->units[u].code,
		                                        (long long)d->document_id)));
	json_array_append_new(l->rows, o);
	return 0;
}

/* The typed values and errors of the proposal form (create, or a proposal's edit). */
typedef struct form {
	const char *v[AWF_COUNT];
	aw_outcome_t *o;
	const char *decide_error;
} form_t;

static json_t *
form_json(http_req_t *req, const form_t *f)
{
	const award_catalog_t *cat = ((app_t *)http_req_app(req))->awards;
	arena_t *a = http_req_arena(req);
	json_t *o = json_object(), *vals = json_object(), *errs = json_object();
	for (int k = 0; k < AWF_COUNT; k++) {
		json_object_set_new(vals, aw_field_code(k), app_js(f->v[k]));
		if (f->o && f->o->err[k])
			json_object_set_new(errs, aw_field_code(k), app_js(f->o->err[k]));
	}
	json_object_set_new(o, "f", vals);
	json_object_set_new(o, "err", errs);
	if (f->o && f->o->nerr)
		json_object_set_new(o, "errors", json_integer(f->o->nerr));
	if (f->o && f->o->rc != AW_OK && f->o->message && !f->o->nerr)
		json_object_set_new(o, "form_error", app_js(f->o->message));
	json_t *cs = json_array(), *fs = json_array();
	for (size_t k = 0; k < cat->ncategories; k++)
		json_array_append_new(
		        cs, json_pack("{s:s,s:s,s:b}", "code", cat->categories[k].code, "name",
		                      cat->categories[k].name, "selected",
		                      f->v[AWF_CATEGORY] && !strcmp(f->v[AWF_CATEGORY],
		                                                    cat->categories[k].code)));
	for (size_t k = 0; k < cat->nforms; k++)
		json_array_append_new(fs, json_pack("{s:s,s:s,s:b}", "code", cat->forms[k].code,
		                                    "name", cat->forms[k].name, "selected",
		                                    f->v[AWF_FORM] && !strcmp(f->v[AWF_FORM],
		                                                              cat->forms[k].code)));
	json_object_set_new(o, "categories", cs);
	json_object_set_new(o, "forms", fs);
	json_object_set_new(o, "max_amount", app_js(app_fmt_count(a, cat->max_amount)));
	return o;
}

static const char *
done_message(const char *done)
{
	static const char *const m[][2] = {
	        {"created", "Đã lưu đề nghị (bản nháp). Gửi lên cấp trên khi đã đủ."},
	        {"edit", "Đã lưu thay đổi."},
	        {"send", "Đã gửi đề nghị lên cấp trên."},
	        {"withdraw", "Đã rút đề nghị."},
	        {"endorse", "Đã đồng ý và trình đề nghị lên cấp trên."},
	        {"trim", "Đã điều chỉnh mức khen thưởng."},
	        {"return", "Đã trả lại đề nghị cho đơn vị đề nghị."},
	        {"decline", "Đã ghi không đề nghị khen thưởng."},
	        {"remove", "Đã bỏ đề nghị khỏi dự thảo quyết định; hãy sửa danh sách và Điều 1, "
	                   "Điều 2 của dự thảo cho khớp."},
	};
	for (size_t k = 0; done && k < sizeof m / sizeof *m; k++)
		if (!strcmp(done, m[k][0]))
			return m[k][1];
	return NULL;
}

/* The three lists of unit i: its own, those waiting for it, the subtree's passed on. */
static int
lists(http_req_t *req, int32_t i, vec_t *own, vec_t *waiting, vec_t *below)
{
	const unit_tree_t *t = app_req_tree(req);
	store_t *st = ((app_t *)http_req_app(req))->store;
	arena_t *a = http_req_arena(req);
	int64_t uid = t->units[i].id;
	buf_t path = BUF_INIT;
	unit_tree_path(t, i, &path);
	*own = (vec_t){.a = a};
	*waiting = (vec_t){.a = a, .skip_unit = uid};
	*below = (vec_t){.a = a, .skip_unit = uid, .skip_at = uid, .passed_on = 1};
	const char *p = arena_strdup(a, buf_cstr(&path));
	store_award_query_t qo = {.unit_id = uid, .path = p, .exact = 1, .limit = LIST_MAX};
	store_award_query_t qw = {.at_unit_id = uid, .status = "sent", .limit = LIST_MAX};
	store_award_query_t qb = {.path = p, .limit = LIST_MAX};
	buf_free(&path);
	if (store_awards_find(st, &qo, vec_add, own) < 0 ||
	    store_awards_find(st, &qw, vec_add, waiting) < 0 ||
	    store_awards_find(st, &qb, vec_add, below) < 0)
		return -1;
	return 0;
}

static int
render_list(http_req_t *req, int32_t i, const form_t *f, int status)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	aw_ctx_t cx = ctx_of(req);
	vec_t own, waiting, below;
	if (lists(req, i, &own, &waiting, &below) < 0)
		return 500;
	dec_list_t dl = {req, json_array()};
	if (store_award_decisions(cx.store, t->units[i].id, 0, dec_row, &dl) < 0) {
		json_decref(dl.rows);
		return 500;
	}
	int propose = access_allowed(t, cx.actor.grants, cx.actor.ngrants, ACT_REPORT_EDIT, i);
	int manage = access_allowed(t, cx.actor.grants, cx.actor.ngrants, ACT_CAMPAIGN_MANAGE, i);
	if (app_is_api(req)) {
		json_t *o = json_pack("{s:o,s:o,s:o,s:o}", "own", rows_json(req, i, &own),
		                      "waiting", rows_json(req, i, &waiting), "subtree",
		                      rows_json(req, i, &below), "decisions", dl.rows);
		return app_reply_json(req, 200, o);
	}
	json_t *ctx = json_object();
	json_object_set_new(ctx, "unit", app_unit_json(t, i));
	json_object_set_new(ctx, "path", app_unit_path_json(t, i));
	const char *ok = done_message(http_req_param(req, "done"));
	if (ok && status == 200)
		json_object_set_new(ctx, "ok", app_js(ok));
	json_object_set_new(ctx, "own", rows_json(req, i, &own));
	json_object_set_new(ctx, "has_own", json_boolean(own.n > 0));
	json_object_set_new(ctx, "waiting", rows_json(req, i, &waiting));
	json_object_set_new(ctx, "has_waiting", json_boolean(waiting.n > 0));
	json_object_set_new(ctx, "waiting_count", json_integer((json_int_t)waiting.n));
	json_object_set_new(ctx, "subtree", rows_json(req, i, &below));
	json_object_set_new(ctx, "has_subtree", json_boolean(below.n > 0));
	/* a full list may hold more than it shows: say so rather than let it look complete */
	json_object_set_new(ctx, "more_own", json_boolean(own.n >= LIST_MAX));
	json_object_set_new(ctx, "more_waiting", json_boolean(waiting.n >= LIST_MAX));
	json_object_set_new(ctx, "more_subtree", json_boolean(below.n >= LIST_MAX));
	json_object_set_new(ctx, "decisions", dl.rows);
	json_object_set_new(ctx, "has_decisions", json_boolean(json_array_size(dl.rows) > 0));
	/* the queue of a unit nothing can be sent to (a school without units below) is noise */
	json_object_set_new(ctx, "manage",
	                    json_boolean(manage && (t->units[i].nchildren > 0 || waiting.n > 0)));
	json_object_set_new(ctx, "base",
	                    app_js(arena_printf(a, "/units/%s/khen-thuong", t->units[i].code)));
	if (manage && waiting.n) {
		json_t *funds = json_array();
		static const char *const fc[] = {"nsnn", "xhh", "khac"};
		for (size_t k = 0; k < 3; k++)
			json_array_append_new(funds, json_pack("{s:s,s:s}", "code", fc[k], "name",
			                                       aw_fund_name(fc[k])));
		json_object_set_new(ctx, "funds", funds);
	}
	/* a refused decision says why even when its form is gone (nothing waiting any more) */
	if (f && f->decide_error)
		json_object_set_new(ctx, "decide_error", app_js(f->decide_error));
	if (propose) {
		form_t blank = {{0}, NULL, NULL};
		const form_t *pf = f && !f->decide_error ? f : &blank;
		if (pf == &blank) {
			blank.v[AWF_FORM] = "giay_khen";
		}
		json_object_set_new(ctx, "form", form_json(req, pf));
	}
	return app_render_page(req, status, "awards",
	                       arena_printf(a, "Khen thưởng — %s", t->units[i].name), ctx);
}

int
page_awards(http_req_t *req)
{
	return render_list(req, req_unit(req), NULL, 200);
}

/* ---------- reading a form or a JSON body ---------- */

/* The form fields and the JSON keys are the same names. */
static const int in_fields[] = {AWF_CATEGORY, AWF_NAME,   AWF_PLACE,  AWF_ACHIEVEMENTS,
                                AWF_FORM,     AWF_AMOUNT, AWF_COMMENT};

static void
input_from(const form_t *f, aw_input_t *in)
{
	in->category = f->v[AWF_CATEGORY];
	in->name = f->v[AWF_NAME];
	in->place = f->v[AWF_PLACE];
	in->achievements = f->v[AWF_ACHIEVEMENTS];
	in->form = f->v[AWF_FORM];
	in->amount = f->v[AWF_AMOUNT];
	in->comment = f->v[AWF_COMMENT];
}

/* The file parts named "files" (or "file") of a multipart form, skipped when empty. */
static const char *
form_files(http_req_t *req, aw_input_t *in)
{
	const char *ct = http_req_header(req, "Content-Type");
	if (!ct || strncmp(ct, "multipart/form-data", 19) != 0)
		return NULL;
	size_t blen;
	const char *body = http_req_body(req, &blen);
	http_part_t *parts;
	size_t n;
	const char *why;
	if (http_multipart_parse(ct, body, blen, http_req_arena(req), &parts, &n, &why) < 0)
		return why;
	for (size_t k = 0; k < n; k++) {
		if (!parts[k].filename || !*parts[k].filename ||
		    (strcmp(parts[k].name, "files") && strcmp(parts[k].name, "file")))
			continue;
		if (in->nfiles > AW_FILES_MAX)
			break;
		in->files[in->nfiles++] = (aw_file_in_t){parts[k].data ? parts[k].data : "",
		                                         parts[k].len, parts[k].filename};
	}
	return NULL;
}

/* A JSON body's fields into f/in/version/op (NULL when the route takes none) through the
 * typed reader (domain/jsonin.h): known keys strings, "amount" and "version" integers
 * ("version" required where taken), "files" [{"name", "data" base64}]; a body that is not
 * one object, unknown keys and other types are a message naming the field, never coerced.
 * NULL when all is well. */
static const char *
json_fields(http_req_t *req, form_t *f, aw_input_t *in, int64_t *version, const char **op)
{
	arena_t *a = http_req_arena(req);
	enum { NIN = sizeof in_fields / sizeof *in_fields };
	jsonin_field_t fl[NIN + 3];
	size_t n = 0;
	json_t *files = NULL;
	for (size_t j = 0; j < NIN; j++)
		fl[n++] = in_fields[j] == AWF_AMOUNT
		                  ? (jsonin_field_t){.name = aw_field_code(in_fields[j]),
		                                     .type = JSONIN_INT_TEXT,
		                                     .out = &f->v[in_fields[j]],
		                                     .want = "một số nguyên đồng (ví dụ 500000), "
		                                             "không đặt trong dấu nháy, không có "
		                                             "phần thập phân"}
		                  : (jsonin_field_t){.name = aw_field_code(in_fields[j]),
		                                     .type = JSONIN_STRING,
		                                     .out = &f->v[in_fields[j]]};
	if (version)
		fl[n++] = (jsonin_field_t){.name = "version",
		                           .type = JSONIN_INT,
		                           .flags = JSONIN_REQUIRED,
		                           .min = 0,
		                           .max = INT64_MAX,
		                           .out = version,
		                           .want = "số nguyên phiên bản của đề nghị mà bạn đã "
		                                   "đọc (trường “version” khi đọc đề nghị)"};
	if (op)
		fl[n++] = (jsonin_field_t){.name = "op",
		                           .type = JSONIN_STRING,
		                           .out = op,
		                           .want = "một chuỗi: edit, send, withdraw, endorse, "
		                                   "trim, return, decline hoặc remove"};
	fl[n++] = (jsonin_field_t){.name = "files",
	                           .type = JSONIN_ARRAY,
	                           .out = &files,
	                           .want = "một mảng [{\"name\": \"tên tệp\", \"data\": "
	                                   "\"nội dung mã hóa base64\"}]"};
	size_t blen;
	const char *body = http_req_body(req, &blen);
	json_t *doc;
	const char *err;
	if (jsonin_read(body, blen, 0, fl, n, a, &doc, &err) < 0)
		return arena_printf(a, "%s Xem docs/awards.md.", err);
	const char *why = NULL;
	size_t j;
	json_t *fo;
	json_array_foreach(files, j, fo)
	{
		const char *name = "", *data = NULL;
		const jsonin_field_t ff[] = {
		        {.name = "name", .type = JSONIN_STRING, .out = &name},
		        {.name = "data",
		         .type = JSONIN_STRING,
		         .flags = JSONIN_REQUIRED,
		         .out = &data},
		};
		if (jsonin_fields(fo, 0, ff, 2, arena_printf(a, "files[%zu].", j), a, &err) < 0) {
			why = arena_printf(a, "%s Xem docs/awards.md.", err);
			break;
		}
		if (in->nfiles > AW_FILES_MAX)
			break;
		size_t dl = strlen(data);
		size_t cap = dl / 4 * 3 + 3;
		unsigned char *bin = arena_alloc(a, cap);
		size_t nb = 0;
		if (sodium_base642bin(bin, cap, data, dl, "\r\n", &nb, NULL,
		                      sodium_base64_VARIANT_ORIGINAL) != 0) {
			why = arena_printf(a,
			                   "files[%zu].data: không phải nội dung mã hóa base64 hợp "
			                   "lệ; hãy mã hóa lại tệp.",
			                   j);
			break;
		}
		in->files[in->nfiles++] = (aw_file_in_t){bin, nb, name};
	}
	json_decref(doc); /* the strings were copied into the arena */
	return why;
}

/* Read the request's fields: a form (params and file parts) or a JSON object. Returns 0,
 * or -1 after replying 400. */
static int
read_input(http_req_t *req, form_t *f, aw_input_t *in, int64_t *version, const char **op)
{
	memset(in, 0, sizeof *in);
	if (!app_is_api(req)) {
		for (size_t j = 0; j < sizeof in_fields / sizeof *in_fields; j++)
			f->v[in_fields[j]] = http_req_param(req, aw_field_code(in_fields[j]));
		if (op)
			*op = app_param(req, "op");
		if (version) {
			const char *vp = app_param(req, "version");
			if (!*vp || text_parse_int(vp, strlen(vp), version) < 0)
				*version = -1;
		}
		const char *why = form_files(req, in);
		if (why) {
			app_error_page(req, 400, why);
			return -1;
		}
		input_from(f, in);
		return 0;
	}
	if (version)
		*version = -1;
	const char *why = json_fields(req, f, in, version, op);
	if (why) {
		app_error_page(req, 400, why);
		return -1;
	}
	input_from(f, in);
	return 0;
}

/* The service's refusal as JSON: {"error": {status, message, fields}}. */
static int
reply_json_error(http_req_t *req, int status, const aw_outcome_t *o)
{
	json_t *fields = json_object();
	for (int k = 0; k < AWF_COUNT; k++)
		if (o->err[k])
			json_object_set_new(fields, aw_field_code(k), app_js(o->err[k]));
	return app_reply_json(req, status,
	                      json_pack("{s:{s:i,s:o,s:o}}", "error", "status", status, "message",
	                                app_js(o->message), "fields", fields));
}

static int
status_of(aw_rc_t rc)
{
	switch (rc) {
	case AW_OK: return 200;
	case AW_ERR_INVALID: return 422;
	case AW_ERR_CONFLICT:
	case AW_ERR_STATE: return 409;
	case AW_ERR_DENIED: return 403;
	case AW_ERR_NOT_FOUND: return 404;
	default: return 500;
	}
}

/* ---------- create ---------- */

int
page_award_create(http_req_t *req)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = req_unit(req);
	form_t f = {{0}, NULL, NULL};
	aw_input_t in;
	if (read_input(req, &f, &in, NULL, NULL) < 0)
		return 0;
	aw_ctx_t cx = ctx_of(req);
	aw_outcome_t o;
	aw_rc_t rc = aw_create(&cx, i, &in, &o);
	if (rc == AW_OK) {
		if (app_is_api(req)) {
			store_award_t p;
			vec_t v = {.a = a};
			if (store_award_get(cx.store, o.id, vec_add, &v) != 1)
				return 500;
			p = v.v[0];
			return app_reply_json(req, 201, award_json(req, i, &p));
		}
		return http_redirect(req, 303,
		                     arena_printf(a, "/units/%s/khen-thuong/%lld?done=created",
		                                  t->units[i].code, (long long)o.id));
	}
	int status = status_of(rc);
	if (status == 500)
		return 500;
	if (app_is_api(req))
		return reply_json_error(req, status, &o);
	if (rc != AW_ERR_INVALID) {
		app_error_page(req, status, o.message);
		return 0;
	}
	f.o = &o;
	return render_list(req, i, &f, status);
}

/* ---------- a proposal ---------- */

typedef struct hist {
	http_req_t *req;
	json_t *rows;
} hist_t;

static const char *
event_name(const char *action)
{
	static const char *const m[][2] = {
	        {"create", "Lập đề nghị"},
	        {"edit", "Sửa đề nghị"},
	        {"send", "Gửi lên"},
	        {"withdraw", "Rút đề nghị"},
	        {"endorse", "Đồng ý, trình lên"},
	        {"trim", "Điều chỉnh mức"},
	        {"return", "Trả lại"},
	        {"decline", "Không đề nghị"},
	        {"in_decision", "Đưa vào dự thảo quyết định"},
	        {"remove", "Bỏ khỏi dự thảo quyết định"},
	        {"decide", "Được khen thưởng (quyết định đã ban hành)"},
	};
	for (size_t k = 0; k < sizeof m / sizeof *m; k++)
		if (!strcmp(action, m[k][0]))
			return m[k][1];
	return action;
}

static int
hist_row(const store_award_event_t *e, void *p)
{
	hist_t *h = p;
	arena_t *a = http_req_arena(h->req);
	const unit_tree_t *t = app_req_tree(h->req);
	int32_t u = unit_tree_find_id(t, e->unit_id);
	json_t *o = json_object();
	json_object_set_new(o, "at", app_js(app_fmt_time(a, e->at)));
	json_object_set_new(o, "action", app_js(e->action));
	json_object_set_new(o, "action_name", app_js(event_name(e->action)));
	json_object_set_new(o, "user", app_js(e->user_name));
	json_object_set_new(o, "unit", app_js(u >= 0 ? t->units[u].name : ""));
	json_object_set_new(o, "comment", app_js(e->comment));
	json_object_set_new(o, "detail", app_js(e->detail));
	json_array_append_new(h->rows, o);
	return 0;
}

typedef struct files {
	http_req_t *req;
	const char *base;
	json_t *rows;
} files_t;

static int
file_row(const store_award_file_t *f, const void *b, size_t n, void *p)
{
	(void)b, (void)n;
	files_t *l = p;
	arena_t *a = http_req_arena(l->req);
	json_array_append_new(
	        l->rows,
	        json_pack(
	                "{s:I,s:s,s:I,s:s,s:s}", "id", (json_int_t)f->id, "name", f->name, "size",
	                (json_int_t)f->size, "size_text",
	                f->size >= 1024 * 1024
	                        ? arena_printf(a, "%lld,%lld MB", (long long)(f->size / 1048576),
	                                       (long long)(f->size % 1048576 * 10 / 1048576))
	                        : arena_printf(a, "%lld KB", (long long)((f->size + 1023) / 1024)),
	                "url", arena_printf(a, "%s/files/%lld", l->base, (long long)f->id)));
	return 0;
}

static int
render_item(http_req_t *req, int32_t i, const store_award_t *p, const form_t *f, int status,
            const char *error)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	aw_ctx_t cx = ctx_of(req);
	json_t *o = award_json(req, i, p);
	const char *base =
	        arena_printf(a, "/units/%s/khen-thuong/%lld", t->units[i].code, (long long)p->id);
	files_t fl = {req, base, json_array()};
	hist_t h = {req, json_array()};
	if (store_award_files(cx.store, p->id, 0, 0, file_row, &fl) < 0 ||
	    store_award_events(cx.store, p->id, hist_row, &h) < 0) {
		json_decref(o);
		json_decref(fl.rows);
		json_decref(h.rows);
		return 500;
	}
	json_object_set_new(o, "files", fl.rows);
	json_object_set_new(o, "history", h.rows);
	unsigned ops = aw_ops_allowed(&cx, i, p);
	json_t *oj = json_array();
	for (int k = 0; k < AW_OP_COUNT; k++)
		if (ops & (1u << k))
			json_array_append_new(oj, json_string(aw_op_code((aw_op_t)k)));
	json_object_set_new(o, "ops", oj);
	if (app_is_api(req))
		return app_reply_json(req, status, o);
	json_t *ctx = json_object();
	json_object_set_new(ctx, "unit", app_unit_json(t, i));
	json_object_set_new(ctx, "path", app_unit_path_json(t, i));
	json_object_set_new(ctx, "p", o);
	json_object_set_new(ctx, "action", app_js(base));
	json_object_set_new(ctx, "list_url",
	                    app_js(arena_printf(a, "/units/%s/khen-thuong", t->units[i].code)));
	const char *ok = done_message(http_req_param(req, "done"));
	if (ok && status == 200)
		json_object_set_new(ctx, "ok", app_js(ok));
	if (error)
		json_object_set_new(ctx, "error", app_js(error));
	static const char *const flags[AW_OP_COUNT] = {"can_edit",    "can_send",  "can_withdraw",
	                                               "can_endorse", "can_trim",  "can_return",
	                                               "can_decline", "can_remove"};
	for (int k = 0; k < AW_OP_COUNT; k++)
		json_object_set_new(ctx, flags[k], json_boolean(ops & (1u << k)));
	json_object_set_new(ctx, "can_review",
	                    json_boolean(ops & ((1u << AW_OP_ENDORSE) | (1u << AW_OP_TRIM))));
	if (ops & (1u << AW_OP_EDIT)) {
		form_t cur = {{0}, NULL, NULL};
		if (!f) {
			cur.v[AWF_CATEGORY] = p->category;
			cur.v[AWF_NAME] = p->name;
			cur.v[AWF_PLACE] = p->place;
			cur.v[AWF_ACHIEVEMENTS] = p->achievements;
			cur.v[AWF_FORM] = p->form;
			cur.v[AWF_AMOUNT] = arena_printf(a, "%lld", (long long)p->amount);
			f = &cur;
		}
		json_object_set_new(ctx, "form", form_json(req, f));
	} else if (f && f->o) {
		json_object_set_new(ctx, "form_errors", form_json(req, f));
	}
	if (ops & (1u << AW_OP_TRIM)) {
		form_t tf = {{0}, NULL, NULL};
		tf.v[AWF_FORM] = p->form;
		json_t *fj = form_json(req, &tf);
		json_object_set(ctx, "trim_forms", json_object_get(fj, "forms"));
		json_decref(fj);
	}
	return app_render_page(req, status, "award", p->name, ctx);
}

int
page_award(http_req_t *req)
{
	int32_t i = req_unit(req);
	store_award_t p;
	if (!proposal_or_reply(req, i, &p))
		return 0;
	return render_item(req, i, &p, NULL, 200, NULL);
}

int
page_award_act(http_req_t *req)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = req_unit(req);
	store_award_t p;
	if (!proposal_or_reply(req, i, &p))
		return 0;
	form_t f = {{0}, NULL, NULL};
	aw_input_t in;
	int64_t version = -1;
	const char *opc = NULL;
	if (read_input(req, &f, &in, &version, &opc) < 0)
		return 0;
	aw_op_t op;
	if (!opc || aw_op_parse(opc, &op) < 0) {
		app_error_page(
		        req, 400,
		        "op: hãy gửi một thao tác: edit, send, withdraw, endorse, trim, return, "
		        "decline hoặc remove.");
		return 0;
	}
	/* the one route takes every form of the page (form.c's table lets their fields be
	 * absent): the op's own form must come whole, so an edit without its achievements,
	 * or a trim without its amount, is no browser's post and wipes nothing */
	if (!app_is_api(req)) {
		static const char *const spec[AW_OP_COUNT] = {
		        [AW_OP_EDIT] =
		                "?csrf version op category name place achievements form amount",
		        [AW_OP_ENDORSE] = "?csrf version op comment ?form ?amount",
		        [AW_OP_TRIM] = "?csrf version op comment form amount",
		        [AW_OP_RETURN] = "?csrf version op comment ?form ?amount",
		        [AW_OP_DECLINE] = "?csrf version op comment ?form ?amount",
		};
		const char *why;
		int st = spec[op] ? app_form_fields(req, spec[op], &why) : 0;
		if (st) {
			app_error_page(req, st, why);
			return st;
		}
	}
	aw_outcome_t o;
	aw_ctx_t cx = ctx_of(req);
	if (version < 0) {
		memset(&o, 0, sizeof o);
		o.err[AWF_VERSION] =
		        "version: thiếu; hãy gửi \"version\" (số nguyên) của đề nghị đã đọc.";
		o.nerr = 1;
		o.rc = AW_ERR_INVALID;
		o.message = "Thiếu phiên bản của đề nghị; hãy tải lại trang rồi làm lại.";
	} else {
		aw_act(&cx, i, p.id, op, version, &in, &o);
	}
	if (o.rc == AW_OK) {
		vec_t v = {.a = a};
		if (store_award_get(cx.store, p.id, vec_add, &v) != 1)
			return 500;
		if (app_is_api(req))
			return render_item(req, i, &v.v[0], NULL, 200, NULL);
		/* a proposal that left the unit's hands: back to the list */
		int gone = aw_visible(t, i, &v.v[0]) == 0;
		return http_redirect(req, 303,
		                     gone ? arena_printf(a, "/units/%s/khen-thuong?done=%s",
		                                         t->units[i].code, aw_op_code(op))
		                          : arena_printf(a, "/units/%s/khen-thuong/%lld?done=%s",
		                                         t->units[i].code, (long long)p.id,
		                                         aw_op_code(op)));
	}
	int status = status_of(o.rc);
	if (status == 500)
		return 500;
	if (app_is_api(req))
		return reply_json_error(req, status, &o);
	f.o = &o;
	vec_t v = {.a = a};
	if (store_award_get(cx.store, p.id, vec_add, &v) == 1)
		p = v.v[0];
	return render_item(req, i, &p, op == AW_OP_EDIT ? &f : NULL, status,
	                   o.nerr && op != AW_OP_EDIT
	                           ? arena_printf(a, "%s %s", o.message,
	                                          o.err[AWF_COMMENT]   ? o.err[AWF_COMMENT]
	                                          : o.err[AWF_AMOUNT]  ? o.err[AWF_AMOUNT]
	                                          : o.err[AWF_FORM]    ? o.err[AWF_FORM]
	                                          : o.err[AWF_VERSION] ? o.err[AWF_VERSION]
	                                                               : "")
	                           : o.message);
}

/* ---------- a supporting file ---------- */

typedef struct file_take {
	buf_t b;
	const char *name, *mime;
	arena_t *a;
	int found;
} file_take_t;

static int
take_file(const store_award_file_t *f, const void *bytes, size_t n, void *p)
{
	file_take_t *t = p;
	buf_append(&t->b, bytes, n);
	t->name = arena_strdup(t->a, f->name);
	t->mime = arena_strdup(t->a, f->mime);
	t->found = 1;
	return 1;
}

int
page_award_file(http_req_t *req)
{
	int32_t i = req_unit(req);
	store_award_t p;
	if (!proposal_or_reply(req, i, &p))
		return 0;
	file_take_t ft = {BUF_INIT, NULL, NULL, http_req_arena(req), 0};
	int64_t fid = app_id_param(req, "fid");
	if (fid <= 0 ||
	    store_award_files(((app_t *)http_req_app(req))->store, p.id, fid, 1, take_file, &ft) <
	            0 ||
	    !ft.found) {
		buf_free(&ft.b);
		app_error_page(req, 404, "Không tìm thấy tệp minh chứng này của đề nghị.");
		return 0;
	}
	/* an ASCII name for old clients, the UTF-8 one percent-encoded (RFC 6266) */
	buf_t plain = BUF_INIT, enc = BUF_INIT;
	for (const unsigned char *s = (const unsigned char *)ft.name; *s; s++) {
		int safe = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		           (*s >= '0' && *s <= '9') || *s == '.' || *s == '-' || *s == '_';
		buf_putc(&plain, safe ? (char)*s : '_');
		if (safe)
			buf_putc(&enc, (char)*s);
		else
			buf_printf(&enc, "%%%02X", *s);
	}
	int inl = !strcmp(ft.mime, "application/pdf") || !strncmp(ft.mime, "image/", 6);
	http_resp_header(
	        req, "Content-Disposition",
	        arena_printf(http_req_arena(req), "%s; filename=\"%s\"; filename*=UTF-8''%s",
	                     inl ? "inline" : "attachment", buf_cstr(&plain), buf_cstr(&enc)));
	http_resp_header(req, "Cache-Control", "private, no-store");
	buf_free(&plain);
	buf_free(&enc);
	int rc = http_reply_buf(req, 200, ft.mime, &ft.b);
	buf_free(&ft.b);
	return rc;
}

/* ---------- the decision ---------- */

int
page_award_decide(http_req_t *req)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = req_unit(req);
	int64_t *ids = arena_alloc(a, (AW_DECIDE_MAX + 1) * sizeof *ids);
	size_t n = 0;
	const char *fund = NULL, *signer = NULL, *bad = NULL;
	size_t blen;
	const char *body = http_req_body(req, &blen);
	if (app_is_api(req)) {
		/* the typed reader (domain/jsonin.h): {"proposals": [ids], "fund_source": "…",
		 * "signer_name": "…"}, nothing else, never coerced */
		json_t *props = NULL, *doc;
		const jsonin_field_t fl[] = {
		        {.name = "proposals",
		         .type = JSONIN_ARRAY,
		         .out = &props,
		         .want = "một mảng số định danh đề nghị [12, 15]"},
		        {.name = "fund_source", .type = JSONIN_STRING, .out = &fund},
		        {.name = "signer_name", .type = JSONIN_STRING, .out = &signer},
		};
		const char *err;
		if (jsonin_read(body, blen, 0, fl, 3, a, &doc, &err) < 0)
			bad = arena_printf(a, "%s Xem docs/awards.md.", err);
		size_t k;
		json_t *e;
		json_array_foreach(props, k, e)
		{
			if (!json_is_integer(e)) {
				bad = arena_printf(
				        a,
				        "Trường “proposals[%zu]” phải là một số nguyên "
				        "(định danh đề nghị, không đặt trong ngoặc kép); "
				        "không có gì được lưu.",
				        k);
				break;
			}
			if (n <= AW_DECIDE_MAX)
				ids[n++] = json_integer_value(e);
		}
		json_decref(doc);
	} else {
		fund = app_param(req, "fund_source");
		signer = app_param(req, "signer_name");
		http_kv_t *kv = NULL;
		size_t nkv = 0;
		const char *why;
		if (body && blen && http_form_parse(body, blen, a, &kv, &nkv, &why) < 0)
			bad = why;
		for (size_t k = 0; k < nkv && !bad; k++)
			if (!strcmp(kv[k].name, "proposal")) {
				int64_t id;
				if (text_parse_int(kv[k].value, strlen(kv[k].value), &id) < 0)
					bad = "proposal: phải là số định danh đề nghị.";
				else if (n <= AW_DECIDE_MAX)
					ids[n++] = id;
			}
	}
	if (bad) {
		app_error_page(req, 400, bad);
		return 0;
	}
	aw_ctx_t cx = ctx_of(req);
	aw_outcome_t o;
	aw_rc_t rc = aw_decide(&cx, i, ids, n, fund, signer, &o);
	if (rc == AW_OK) {
		const char *url = arena_printf(a, "/units/%s/docs/%lld", t->units[i].code,
		                               (long long)o.document_id);
		if (app_is_api(req))
			return app_reply_json(req, 201,
			                      json_pack("{s:I,s:I,s:I,s:s}", "decision_id",
			                                (json_int_t)o.decision_id, "document_id",
			                                (json_int_t)o.document_id, "campaign_id",
			                                (json_int_t)o.campaign_id, "url", url));
		return http_redirect(req, 303, url);
	}
	int status = status_of(rc);
	if (status == 500)
		return 500;
	if (app_is_api(req))
		return reply_json_error(req, status, &o);
	form_t f = {{0}, NULL, NULL};
	buf_t msg = BUF_INIT;
	buf_puts(&msg, o.message);
	for (int k = 0; k < AWF_COUNT; k++)
		if (o.err[k])
			buf_printf(&msg, " %s", o.err[k]);
	f.decide_error = arena_strdup(a, buf_cstr(&msg));
	buf_free(&msg);
	if (rc != AW_ERR_INVALID) {
		app_error_page(req, status, f.decide_error);
		return 0;
	}
	return render_list(req, i, &f, status);
}

/* "Chờ xử lý (N)" on the unit's page: proposals waiting at unit i, -1 on error. */
int64_t
award_waiting_count(http_req_t *req, int32_t i)
{
	vec_t v = {.a = http_req_arena(req)};
	store_award_query_t q = {
	        .at_unit_id = app_req_tree(req)->units[i].id, .status = "sent", .limit = LIST_MAX};
	if (store_awards_find(((app_t *)http_req_app(req))->store, &q, vec_add, &v) < 0)
		return -1;
	return (int64_t)v.n;
}
