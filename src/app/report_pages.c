/* The results form and its API: read, enter, save, submit; return, approve, reopen.
 * Access to each route is decided by the guard on the :code unit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/pagecache.h"
#include "app/report_pages.h"
#include "app/reporting.h"
#include "core/log.h"
#include "core/mem.h"
#include "domain/prefill.h"
#include "export/phuluc.h"
#include "export/table.h"
#include "text/text.h"

#define MAX_TEXT 20000

static int
locked(const char *status)
{
	return !strcmp(status, "submitted") || !strcmp(status, "approved");
}

typedef struct form_state {
	int64_t *num;
	unsigned char *has;
	const char **text;
	const char **typed;  /* per item index in document order: what was typed (re-shown) */
	const char **errors; /* per item index */
	int nerrors;
	const char *form_error;
} form_state_t;

static size_t
item_index(const template_t *tpl, const tpl_item_t *it)
{
	size_t idx = 0;
	for (size_t s = 0; s < tpl->nsections; s++)
		for (size_t k = 0; k < tpl->sections[s].nitems; k++, idx++)
			if (&tpl->sections[s].items[k] == it)
				return idx;
	return idx;
}

static size_t
item_count(const template_t *tpl)
{
	size_t n = 0;
	for (size_t s = 0; s < tpl->nsections; s++)
		n += tpl->sections[s].nitems;
	return n;
}

/* The children's texts of a text item, "— Unit: text" one after another, for a level's
 * consolidated draft. */
typedef struct consol {
	http_req_t *req;
	live_campaign_t *lc;
	int32_t level;
	buf_t *bufs; /* per tcol */
} consol_t;

typedef struct consol_one {
	consol_t *c;
	const char *unit_name;
} consol_one_t;

static int
consol_value(const store_value_t *v, void *p)
{
	consol_one_t *o = p;
	const tpl_item_t *it = template_item(o->c->lc->c->tpl, v->item);
	if (it && it->tcol >= 0 && *v->text) {
		buf_t *b = &o->c->bufs[it->tcol];
		if (b->len)
			buf_puts(b, "\n\n");
		buf_printf(b, "— %s: %s", o->unit_name, v->text);
	}
	return 0;
}

static int
consol_report(const store_report_t *r, void *p)
{
	consol_t *c = p;
	const unit_tree_t *t = app_req_tree(c->req);
	int32_t i = unit_tree_find_id(t, r->unit_id);
	if (i <= c->level || !unit_tree_contains(t, c->level, i) || !rep_counted(r->status))
		return 0;
	consol_one_t o = {c, t->units[i].name};
	app_t *app = http_req_app(c->req);
	store_report_values(app->store, r->id, consol_value, &o);
	return 0;
}

void
rep_consolidate(http_req_t *req, live_campaign_t *lc, int32_t level, const char **text)
{
	const template_t *tpl = lc->c->tpl;
	consol_t c = {req, lc, level, xcalloc(tpl->ntexts + 1, sizeof(buf_t))};
	app_t *app = http_req_app(req);
	store_reports_of_campaign(app->store, lc->c->id, consol_report, &c);
	for (size_t k = 0; k < tpl->ntexts; k++) {
		if (!text[k] && c.bufs[k].len)
			text[k] = arena_strdup(http_req_arena(req), buf_cstr(&c.bufs[k]));
		buf_free(&c.bufs[k]);
	}
	free(c.bufs);
}

typedef struct frozen_ctx {
	const template_t *tpl;
	int64_t *num;
	int any;
} frozen_ctx_t;

static int
frozen_value(const store_value_t *v, void *p)
{
	frozen_ctx_t *f = p;
	const tpl_item_t *it = template_item(f->tpl, v->item);
	if (it && it->col >= 0)
		f->num[it->col] = v->num;
	f->any = 1;
	return 0;
}

/* Each group heading gets the totals of the counts under it, by unit of measure ("17 lớp,
 * 450 lượt"): shown after a save, and kept current as one types by static/report.js. */
void
rep_group_totals(const template_t *tpl, const tpl_section_t *sec, const int64_t *num,
                 const unsigned char *has, json_t *items)
{
	(void)tpl;
	json_t *head = NULL;
	enum { MAXU = 8 };
	const char *units[MAXU];
	int64_t sums[MAXU];
	int nu = 0;
	for (size_t k = 0; k <= sec->nitems; k++) {
		const tpl_item_t *it = k < sec->nitems ? &sec->items[k] : NULL;
		if (it == NULL || it->heading) {
			if (head && nu) {
				buf_t b = BUF_INIT;
				for (int q = 0; q < nu; q++) {
					if (q)
						buf_puts(&b, ", ");
					text_format_int(sums[q], &b);
					buf_printf(&b, " %s", units[q]);
				}
				json_object_set_new(head, "group_total", json_string(buf_cstr(&b)));
				buf_free(&b);
			}
			head = it ? json_array_get(items, k) : NULL;
			nu = 0;
			continue;
		}
		if (!head || it->col < 0 || it->type == TPL_BOOL || !*it->unit)
			continue;
		int q = 0;
		while (q < nu && strcmp(units[q], it->unit) != 0)
			q++;
		if (q == nu) {
			if (nu == MAXU)
				continue;
			units[nu] = it->unit;
			sums[nu++] = 0;
		}
		if (!has || has[it->col])
			sums[q] += num[it->col];
	}
}

static int
render_report(http_req_t *req, live_campaign_t *lc, int32_t i, const rep_report_t *r,
              const form_state_t *fs, int status, const char *ok)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	const template_t *tpl = lc->c->tpl;
	int level = rep_is_level(t, i);
	size_t nc = tpl->ncols ? tpl->ncols : 1;
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	int can_edit = access_allowed(t, g, ng, ACT_REPORT_EDIT, i);
	int can_submit = access_allowed(t, g, ng, ACT_REPORT_SUBMIT, i);
	int can_review = access_allowed(t, g, ng, ACT_REPORT_REVIEW, i);
	int editable = can_edit && !locked(r->status);
	int64_t *tot = arena_alloc(a, nc * sizeof *tot);
	rollup_subtree(lc->ru, t, i, 0, tot, NULL);
	const int64_t *num = fs ? fs->num : r->num;
	const unsigned char *has = fs ? fs->has : r->has;
	const char **text = fs ? fs->text : r->text;
	if (level && editable && !fs)
		rep_consolidate(req, lc, i, text);
	/* a level's figures as forwarded, against today's totals */
	int64_t *frozen = arena_alloc(a, nc * sizeof *frozen);
	memset(frozen, 0, nc * sizeof *frozen);
	frozen_ctx_t fz = {tpl, frozen, 0};
	if (level && r->exists)
		store_report_frozen(((app_t *)http_req_app(req))->store, r->id, frozen_value, &fz);
	int changed = 0;
	json_t *sections = json_array();
	size_t idx = 0;
	for (size_t s = 0; s < tpl->nsections; s++) {
		const tpl_section_t *sec = &tpl->sections[s];
		json_t *items = json_array();
		for (size_t k = 0; k < sec->nitems; k++, idx++) {
			const tpl_item_t *it = &sec->items[k];
			json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:b,s:b,s:b}", "code",
			                      it->code, "number", it->number, "label", it->label,
			                      "unit", it->unit, "help", it->help, "heading",
			                      it->heading, "required", it->required, "is_bool",
			                      it->type == TPL_BOOL, "is_text", it->tcol >= 0,
			                      "is_num", it->col >= 0 && it->type != TPL_BOOL);
			json_object_set_new(o, "name", json_sprintf("v.%s", it->code));
			if (it->col >= 0) {
				const char *v = fs && fs->typed[idx] ? fs->typed[idx] : NULL;
				if (!v && has[it->col]) {
					buf_t b = BUF_INIT;
					text_format_int(num[it->col], &b);
					v = arena_strdup(a, buf_cstr(&b));
					buf_free(&b);
				}
				json_object_set_new(o, "value", json_string(v ? v : ""));
				json_object_set_new(o, "yes",
				                    json_boolean(has[it->col] && num[it->col]));
				json_object_set_new(o, "no",
				                    json_boolean(has[it->col] && !num[it->col]));
				json_object_set_new(o, "total", app_json_count(tot[it->col]));
				if (fz.any && frozen[it->col] != tot[it->col]) {
					json_object_set_new(o, "frozen",
					                    app_json_count(frozen[it->col]));
					changed = 1;
				}
			} else if (it->tcol >= 0) {
				const char *v = text[it->tcol];
				json_object_set_new(o, "value", json_string(v ? v : ""));
			}
			if (fs && fs->errors[idx])
				json_object_set_new(o, "error", json_string(fs->errors[idx]));
			json_array_append_new(items, o);
		}
		rep_group_totals(tpl, sec, level ? tot : num, level ? NULL : has, items);
		json_array_append_new(sections,
		                      json_pack("{s:s,s:s,s:b,s:o}", "number", sec->number, "title",
		                                sec->title, "narrative", sec->narrative, "items",
		                                items));
	}
	json_t *ctx = json_object();
	json_object_set_new(ctx, "campaign", rep_campaign_json(req, lc->c));
	json_object_set_new(ctx, "unit", app_unit_json(t, i));
	json_object_set_new(ctx, "path", app_unit_path_json(t, i));
	json_object_set_new(ctx, "sections", sections);
	json_object_set_new(ctx, "level", json_boolean(level));
	json_object_set_new(ctx, "status", json_string(r->status));
	json_object_set_new(ctx, "status_name", json_string(rep_status_name(r->status)));
	json_object_set_new(ctx, "version", json_integer(r->version));
	json_object_set_new(ctx, "editable", json_boolean(editable));
	json_object_set_new(ctx, "can_submit", json_boolean(editable && can_submit));
	json_object_set_new(ctx, "can_return",
	                    json_boolean(can_review && !strcmp(r->status, "submitted")));
	json_object_set_new(ctx, "can_approve",
	                    json_boolean(can_review && !strcmp(r->status, "submitted")));
	json_object_set_new(ctx, "can_reopen",
	                    json_boolean(can_review && !strcmp(r->status, "approved")));
	json_object_set_new(ctx, "changed", json_boolean(changed));
	json_object_set_new(
	        ctx, "can_resubmit",
	        json_boolean(level && changed && can_submit && !strcmp(r->status, "submitted")));
	json_object_set_new(ctx, "on_behalf", json_boolean(r->on_behalf));
	json_object_set_new(ctx, "updated", json_string(app_fmt_time(a, r->updated_at)));
	int32_t due = campaign_due(lc->c, t, i);
	json_object_set_new(ctx, "due", json_string(app_fmt_date(a, due)));
	if (*r->comment && !strcmp(r->status, "returned"))
		json_object_set_new(ctx, "comment", json_string(r->comment));
	if (fs && fs->nerrors)
		json_object_set_new(ctx, "errors", json_integer(fs->nerrors));
	if (fs && fs->form_error)
		json_object_set_new(ctx, "form_error", json_string(fs->form_error));
	if (ok)
		json_object_set_new(ctx, "ok", json_string(ok));
	json_t *photos = rep_photos_json(req, lc->c->id, t->units[i].code, r->exists ? r->id : 0);
	json_object_set_new(ctx, "has_photos", json_boolean(json_array_size(photos) > 0));
	json_object_set_new(ctx, "photos", photos);
	json_object_set_new(ctx, "can_add_photo", json_boolean(editable && !level));
	const char *pf = fs ? NULL : http_req_param(req, "prefill");
	attach_prefill(req, lc, i, r, editable, pf && !strcmp(pf, "1"), sections, ctx);
	char *title = arena_printf(a, "Báo cáo — %s", t->units[i].name);
	return app_render_page(req, status, "report", title, ctx);
}

static const char *
saved_message(const char *done)
{
	if (!done)
		return NULL;
	if (!strcmp(done, "save"))
		return "Đã lưu bản nháp.";
	if (!strcmp(done, "submit"))
		return "Đã nộp báo cáo. Báo cáo bị khóa cho đến khi cấp trên trả lại.";
	if (!strcmp(done, "return"))
		return "Đã trả lại báo cáo kèm nhận xét; đơn vị có thể sửa và nộp lại.";
	if (!strcmp(done, "approve"))
		return "Đã duyệt báo cáo.";
	if (!strcmp(done, "reopen"))
		return "Đã mở lại báo cáo để đơn vị sửa.";
	if (!strcmp(done, "photo"))
		return "Đã thêm ảnh.";
	if (!strcmp(done, "photo_deleted"))
		return "Đã xóa ảnh.";
	return NULL;
}

static json_t *
report_json(live_campaign_t *lc, const unit_tree_t *t, int32_t i, const rep_report_t *r)
{
	const template_t *tpl = lc->c->tpl;
	json_t *vals = json_object();
	for (size_t s = 0; s < tpl->nsections; s++)
		for (size_t k = 0; k < tpl->sections[s].nitems; k++) {
			const tpl_item_t *it = &tpl->sections[s].items[k];
			if (it->col >= 0 && r->has[it->col])
				json_object_set_new(vals, it->code,
				                    it->type == TPL_BOOL
				                            ? json_boolean(r->num[it->col])
				                            : json_integer(r->num[it->col]));
			else if (it->tcol >= 0 && r->text[it->tcol])
				json_object_set_new(vals, it->code, json_string(r->text[it->tcol]));
		}
	return json_pack("{s:I,s:s,s:s,s:I,s:b,s:o}", "campaign", (json_int_t)lc->c->id, "unit",
	                 t->units[i].code, "status", *r->status ? r->status : "none", "version",
	                 (json_int_t)r->version, "on_behalf", r->on_behalf, "values", vals);
}

int
page_report(http_req_t *req)
{
	live_campaign_t *lc = rep_report_campaign(req);
	if (!lc)
		return 0;
	int32_t i = rep_req_unit(req);
	rep_report_t r;
	if (rep_read(req, lc, i, &r) < 0)
		return 500;
	if (rep_is_api(req)) {
		json_t *o = report_json(lc, app_req_tree(req), i, &r);
		json_object_set_new(o, "prefill", prefill_api(req, lc, i, &r));
		return app_reply_json(req, 200, o);
	}
	return render_report(req, lc, i, &r, NULL, 200, saved_message(http_req_param(req, "done")));
}

/* Read the posted values (form fields "v.<code>", or JSON {"values": {...}}) into fs.
 * Unknown names are refused: the template is the list of accepted fields. */
static int
collect(http_req_t *req, live_campaign_t *lc, int level, form_state_t *fs, json_t **json_out)
{
	const template_t *tpl = lc->c->tpl;
	arena_t *a = http_req_arena(req);
	size_t n = item_count(tpl), nc = tpl->ncols ? tpl->ncols : 1;
	memset(fs, 0, sizeof *fs);
	fs->num = arena_alloc(a, nc * sizeof *fs->num);
	fs->has = arena_alloc(a, nc);
	fs->text = arena_alloc(a, (tpl->ntexts + 1) * sizeof *fs->text);
	fs->typed = arena_alloc(a, (n + 1) * sizeof *fs->typed);
	fs->errors = arena_alloc(a, (n + 1) * sizeof *fs->errors);
	memset(fs->num, 0, nc * sizeof *fs->num);
	memset(fs->has, 0, nc);
	memset(fs->text, 0, (tpl->ntexts + 1) * sizeof *fs->text);
	memset(fs->typed, 0, (n + 1) * sizeof *fs->typed);
	memset(fs->errors, 0, (n + 1) * sizeof *fs->errors);
	size_t blen;
	const char *body = http_req_body(req, &blen);
	json_t *jv = NULL;
	http_kv_t *kv = NULL;
	size_t nkv = 0;
	if (rep_is_api(req)) {
		json_error_t je;
		json_t *doc = body ? json_loadb(body, blen, JSON_REJECT_DUPLICATES, &je) : NULL;
		jv = doc ? json_object_get(doc, "values") : NULL;
		if (doc && !jv && json_object_size(doc) == 0)
			jv = doc; /* {} = no values */
		if (!json_is_object(jv)) {
			json_decref(doc);
			fs->form_error =
			        "Nội dung phải là JSON dạng {\"values\": {\"mã mục\": giá trị}}.";
			return 400;
		}
		*json_out = doc;
	} else if (body && blen) {
		const char *why;
		if (http_form_parse(body, blen, a, &kv, &nkv, &why) < 0) {
			fs->form_error = why;
			return 400;
		}
	}
	/* every posted name must be an item of the template */
	const char *unknown = NULL;
	if (jv) {
		const char *key;
		json_t *v;
		json_object_foreach(jv, key, v) if (!template_item(tpl, key)) unknown = key;
	}
	for (size_t k = 0; k < nkv; k++)
		if (!strncmp(kv[k].name, "v.", 2) && !template_item(tpl, kv[k].name + 2))
			unknown = kv[k].name + 2;
	if (unknown) {
		fs->form_error = arena_printf(
		        a, "Mục \"%.60s\" không có trong mẫu báo cáo của đợt này.", unknown);
		return 400;
	}
	size_t idx = 0;
	for (size_t s = 0; s < tpl->nsections; s++)
		for (size_t k = 0; k < tpl->sections[s].nitems; k++, idx++) {
			const tpl_item_t *it = &tpl->sections[s].items[k];
			const char *v = NULL;
			if (jv) {
				json_t *x = json_object_get(jv, it->code);
				if (json_is_integer(x))
					v = arena_printf(a, "%lld",
					                 (long long)json_integer_value(x));
				else if (json_is_boolean(x))
					v = json_is_true(x) ? "1" : "0";
				else if (json_is_string(x))
					v = json_string_value(x);
				else if (x && !json_is_null(x)) {
					fs->errors[idx] =
					        "Giá trị phải là số, đúng/sai hoặc chuỗi.";
					fs->nerrors++;
					continue;
				}
			} else {
				char name[80];
				snprintf(name, sizeof name, "v.%s", it->code);
				for (size_t q = 0; q < nkv && !v; q++)
					if (!strcmp(kv[q].name, name))
						v = kv[q].value;
			}
			if (v == NULL)
				continue;
			if (it->tcol >= 0) {
				if (strlen(v) > MAX_TEXT) {
					fs->errors[idx] =
					        "Nội dung dài quá 20.000 byte; hãy viết ngắn lại.";
					fs->nerrors++;
				} else if (*v)
					fs->text[it->tcol] = v;
				continue;
			}
			if (it->col < 0 || (level && it->type != TPL_TEXT))
				continue; /* a level's figures are its subtree's totals, not typed
				           */
			fs->typed[idx] = v;
			char err[300];
			int has;
			if (template_parse_value(it, v, &fs->num[it->col], &has, err, sizeof err) <
			    0) {
				fs->errors[idx] = arena_strdup(a, err);
				fs->nerrors++;
			} else
				fs->has[it->col] = (unsigned char)has;
		}
	return fs->nerrors ? 400 : 0;
}

/* Relations, limits and (on submit) required items, into fs->errors. */
static void
check(live_campaign_t *lc, int submitting, int level, form_state_t *fs, arena_t *a)
{
	const template_t *tpl = lc->c->tpl;
	tpl_error_t errs[64];
	tpl_values_t v = {fs->num, fs->has, fs->text};
	size_t n = template_check(tpl, &v, submitting, errs, 64);
	for (size_t k = 0; k < n; k++) {
		const tpl_item_t *it = errs[k].item ? template_item(tpl, errs[k].item) : NULL;
		if (level && it && it->col >= 0)
			continue; /* computed figures */
		if (it) {
			size_t idx = item_index(tpl, it);
			if (!fs->errors[idx]) {
				fs->errors[idx] = arena_strdup(a, errs[k].msg);
				fs->nerrors++;
			}
		} else if (!fs->form_error)
			fs->form_error = arena_strdup(a, errs[k].msg);
	}
}

static int
reply_error(http_req_t *req, live_campaign_t *lc, int32_t i, const rep_report_t *r,
            form_state_t *fs, int status, json_t *doc)
{
	json_decref(doc);
	if (rep_is_api(req)) {
		const template_t *tpl = lc->c->tpl;
		json_t *fields = json_object();
		size_t idx = 0;
		for (size_t s = 0; s < tpl->nsections; s++)
			for (size_t k = 0; k < tpl->sections[s].nitems; k++, idx++)
				if (fs->errors[idx])
					json_object_set_new(fields, tpl->sections[s].items[k].code,
					                    json_string(fs->errors[idx]));
		const char *msg = fs->form_error
		                          ? fs->form_error
		                          : "Có mục chưa hợp lệ; xem \"fields\". Không có gì "
		                            "được lưu.";
		json_t *e = json_pack("{s:{s:i,s:s,s:o}}", "error", "status", status, "message",
		                      msg, "fields", fields);
		return app_reply_json(req, status, e);
	}
	return render_report(req, lc, i, r, fs, status, NULL);
}

static int
redirect_done(http_req_t *req, live_campaign_t *lc, int32_t i, const char *done)
{
	if (rep_is_api(req)) {
		rep_report_t r;
		if (rep_read(req, lc, i, &r) < 0)
			return 500;
		return app_reply_json(req, 200, report_json(lc, app_req_tree(req), i, &r));
	}
	char *loc = arena_printf(http_req_arena(req), "/campaigns/%lld/units/%s/report?done=%s",
	                         (long long)lc->c->id, app_req_tree(req)->units[i].code, done);
	return http_redirect(req, 303, loc);
}

/* Save (draft) or submit: the values of the form; levels also freeze their totals. */
static int
write_report(http_req_t *req, int submitting)
{
	live_campaign_t *lc = rep_report_campaign(req);
	if (!lc)
		return 0;
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = rep_req_unit(req);
	int level = rep_is_level(t, i);
	rep_report_t r;
	if (rep_read(req, lc, i, &r) < 0)
		return 500;
	form_state_t fs;
	json_t *doc = NULL;
	const char *vp = http_req_param(req, "version");
	int64_t version = r.version;
	if (vp && *vp && text_parse_int(vp, strlen(vp), &version) < 0)
		version = -1;
	int st = collect(req, lc, level, &fs, &doc);
	if (doc) { /* the API sends the version inside the document */
		json_t *jv = json_object_get(doc, "version");
		if (json_is_integer(jv))
			version = json_integer_value(jv);
	}
	if (st)
		return reply_error(req, lc, i, &r, &fs, st, doc);
	const char *reason = http_req_param(req, "reason");
	int resubmit = level && submitting && !strcmp(r.status, "submitted");
	if (strcmp(lc->c->status, "open") != 0) {
		fs.form_error = "Đợt báo cáo này chưa mở hoặc đã đóng; không nhận báo cáo.";
		return reply_error(req, lc, i, &r, &fs, 409, doc);
	}
	if (locked(r.status) && !resubmit) {
		fs.form_error =
		        "Báo cáo đã nộp nên bị khóa. Muốn sửa, cấp trên cần trả lại hoặc mở lại "
		        "báo cáo.";
		return reply_error(req, lc, i, &r, &fs, 409, doc);
	}
	if (resubmit && (!reason || strlen(reason) < 5)) {
		fs.form_error = "Nộp lại số liệu đã thay đổi cần ghi rõ lý do (ít nhất 5 ký tự).";
		return reply_error(req, lc, i, &r, &fs, 400, doc);
	}
	check(lc, submitting, level, &fs, a);
	if (fs.nerrors || fs.form_error)
		return reply_error(req, lc, i, &r, &fs, 400, doc);
	json_decref(doc);
	if (resubmit) {
		/* keep the narrative already submitted unless new text came */
		for (size_t k = 0; k < lc->c->tpl->ntexts; k++)
			if (!fs.text[k])
				fs.text[k] = r.text[k];
	}
	const char *msg;
	st = rep_write(req, lc, i, &r, fs.num, fs.has, fs.text, submitting ? "submitted" : "draft",
	               resubmit     ? "resubmit"
	               : submitting ? "submit"
	                            : "save",
	               version, &msg);
	if (st) {
		if (!msg)
			return st;
		fs.form_error = msg;
		return reply_error(req, lc, i, &r, &fs, st, NULL);
	}
	if (level && submitting) {
		/* the figures forwarded upward, frozen as they are now */
		const template_t *tpl = lc->c->tpl;
		size_t nc = tpl->ncols ? tpl->ncols : 1;
		int64_t *tot = arena_alloc(a, nc * sizeof *tot);
		rollup_subtree(lc->ru, t, i, 0, tot, NULL);
		store_value_t *vals = arena_alloc(a, nc * sizeof *vals);
		for (size_t c = 0; c < tpl->ncols; c++)
			vals[c] = (store_value_t){template_item_col(tpl, (int)c)->code, 1, tot[c],
			                          ""};
		rep_report_t now;
		if (rep_read(req, lc, i, &now) == 0)
			store_report_freeze(((app_t *)http_req_app(req))->store, now.id, vals,
			                    tpl->ncols, app_now());
		if (resubmit) {
			store_report_event_t ev = {
			        0,     now.id, app_now(), app_req_user(req)->id, "resubmit.reason",
			        reason};
			store_report_event_add(((app_t *)http_req_app(req))->store, &ev);
		}
	}
	return redirect_done(req, lc, i, submitting ? "submit" : "save");
}

int
page_report_save(http_req_t *req)
{
	return write_report(req, 0);
}

int
page_report_submit(http_req_t *req)
{
	return write_report(req, 1);
}

/* Return (with a comment), approve, reopen: an upper level's review. */
static int
review(http_req_t *req, const char *event)
{
	live_campaign_t *lc = rep_report_campaign(req);
	if (!lc)
		return 0;
	int32_t i = rep_req_unit(req);
	rep_report_t r;
	if (rep_read(req, lc, i, &r) < 0)
		return 500;
	const char *comment = http_req_param(req, "comment");
	const char *vp = http_req_param(req, "version");
	int64_t version = r.version;
	size_t blen;
	const char *body = http_req_body(req, &blen);
	if (rep_is_api(req) && body && blen) {
		json_error_t je;
		json_t *doc = json_loadb(body, blen, 0, &je);
		json_t *c = json_object_get(doc, "comment"), *v = json_object_get(doc, "version");
		if (json_is_string(c))
			comment = arena_strdup(http_req_arena(req), json_string_value(c));
		if (json_is_integer(v))
			version = json_integer_value(v);
		json_decref(doc);
	} else if (vp && *vp && text_parse_int(vp, strlen(vp), &version) < 0)
		version = -1;
	const char *need = !strcmp(event, "reopen") ? "approved" : "submitted";
	const char *to = !strcmp(event, "approve") ? "approved" : "returned";
	form_state_t fs = {0};
	const template_t *tpl = lc->c->tpl;
	size_t n = item_count(tpl);
	fs.errors = arena_alloc(http_req_arena(req), (n + 1) * sizeof *fs.errors);
	memset(fs.errors, 0, (n + 1) * sizeof *fs.errors);
	if (strcmp(r.status, need) != 0) {
		fs.form_error =
		        !strcmp(event, "reopen")
		                ? "Chỉ mở lại được báo cáo đã duyệt."
		                : "Chỉ trả lại hoặc duyệt được báo cáo đã nộp (chưa duyệt).";
		return reply_error(req, lc, i, &r, &fs, 409, NULL);
	}
	if (!strcmp(event, "return") && (!comment || strlen(comment) < 3)) {
		fs.form_error = "Trả lại báo cáo cần nhận xét cho đơn vị biết phải sửa gì.";
		return reply_error(req, lc, i, &r, &fs, 400, NULL);
	}
	const char *msg;
	int st = rep_set_status(req, lc, i, &r, to, event, comment ? comment : "", version, &msg);
	if (st) {
		if (!msg)
			return st;
		fs.form_error = msg;
		return reply_error(req, lc, i, &r, &fs, st, NULL);
	}
	return redirect_done(req, lc, i, event);
}

int
page_report_return(http_req_t *req)
{
	return review(req, "return");
}

int
page_report_approve(http_req_t *req)
{
	return review(req, "approve");
}

int
page_report_reopen(http_req_t *req)
{
	return review(req, "reopen");
}
