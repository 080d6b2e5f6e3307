/* Managing campaigns and results templates: issue a campaign for a unit's subtree; list,
 * download, import, copy to a new year and edit templates as JSON (docs/templates.md). A
 * template already used by a campaign is never changed in place: copy it instead. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/reporting.h"
#include "core/log.h"
#include "core/mem.h"
#include "text/text.h"
#include "text/when.h"

#define TEMPLATE_MAX (1u << 20)

/* ---------- templates ---------- */

typedef struct tpl_list {
	json_t *rows;
} tpl_list_t;

static int
tpl_row(const store_template_t *t, void *p)
{
	tpl_list_t *l = p;
	json_array_append_new(l->rows,
	                      json_pack("{s:I,s:s,s:s,s:i}", "id", (json_int_t)t->id, "code",
	                                t->code, "name", t->name, "year", t->year));
	return 0;
}

typedef struct used_ctx {
	int64_t template_id;
	int used;
} used_ctx_t;

static int
uses_template(const store_campaign_t *c, void *p)
{
	used_ctx_t *u = p;
	if (c->template_id == u->template_id)
		u->used = 1;
	return 0;
}

static int
template_used(app_t *app, int64_t id)
{
	used_ctx_t u = {id, 0};
	store_campaigns_each(app->store, uses_template, &u);
	return u.used;
}

static int
render_templates(http_req_t *req, int status, const char *ok, const char *error)
{
	app_t *app = http_req_app(req);
	tpl_list_t l = {json_array()};
	store_templates_each(app->store, tpl_row, &l);
	const unit_tree_t *t = app_req_tree(req);
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	json_t *ctx = json_pack("{s:o,s:b}", "templates", l.rows, "can_manage",
	                        access_allowed(t, g, ng, ACT_SYSTEM_MANAGE, 0));
	if (ok)
		json_object_set_new(ctx, "ok", json_string(ok));
	if (error)
		json_object_set_new(ctx, "error", json_string(error));
	const char *typed = http_req_param(req, "json");
	if (error && typed)
		json_object_set_new(ctx, "json", json_string(typed));
	return app_render_page(req, status, "templates", "Mẫu báo cáo", ctx);
}

int
page_templates(http_req_t *req)
{
	return render_templates(req, 200, NULL, NULL);
}

typedef struct one_tpl {
	char *json, *code;
	int year;
} one_tpl_t;

static int
copy_tpl(const store_template_t *t, void *p)
{
	one_tpl_t *o = p;
	o->json = xstrdup(t->json);
	o->code = xstrdup(t->code);
	o->year = t->year;
	return 0;
}

static int
load_tpl(http_req_t *req, int64_t *id, one_tpl_t *o)
{
	const char *tp = http_req_param(req, "tid");
	memset(o, 0, sizeof *o);
	if (!tp || text_parse_int(tp, strlen(tp), id) < 0 ||
	    store_template_get(((app_t *)http_req_app(req))->store, *id, copy_tpl, o) != 1) {
		app_error_page(req, 404, "Không tìm thấy mẫu báo cáo này.");
		return -1;
	}
	return 0;
}

/* The JSON document of a template, as a download. */
int
page_template_json(http_req_t *req)
{
	int64_t id;
	one_tpl_t o;
	if (load_tpl(req, &id, &o) < 0)
		return 0;
	http_resp_header(
	        req, "Content-Disposition",
	        arena_printf(http_req_arena(req), "attachment; filename=\"%s.json\"", o.code));
	int rc = http_reply(req, 200, "application/json; charset=utf-8", o.json, strlen(o.json));
	free(o.json);
	free(o.code);
	return rc;
}

/* Validate a document and store it (insert when id is 0). 0, or a status with msg. */
static int
save_template(http_req_t *req, int64_t id, const char *json, int64_t *out_id, char *msg,
              size_t msglen)
{
	app_t *app = http_req_app(req);
	if (!json || !*json) {
		snprintf(msg, msglen, "Hãy dán nội dung JSON của mẫu báo cáo (docs/templates.md).");
		return 400;
	}
	if (strlen(json) > TEMPLATE_MAX) {
		snprintf(msg, msglen, "Mẫu báo cáo lớn quá 1 MiB.");
		return 413;
	}
	template_t *tpl;
	if (template_from_json(json, strlen(json), &tpl, msg, msglen) < 0)
		return 400;
	/* stored in the canonical form, so the same template always reads the same */
	json_t *doc = template_to_json(tpl);
	char *canon = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	store_template_t row = {id, tpl->code, tpl->name, tpl->year, canon, app_now()};
	/* the template and its audit entry: one transaction */
	int rc = store_tx_begin(app->store);
	if (rc == 0) {
		rc = store_template_save(app->store, &row, out_id);
		if (rc == 0 &&
		    app_audit(req, app_req_tree(req), 0, id ? "template.edit" : "template.import",
		              tpl->code, NULL, NULL) < 0)
			rc = -1;
		if (rc != 0)
			store_tx_rollback(app->store);
		else if (store_tx_commit(app->store) < 0)
			rc = -1;
	}
	if (rc == -2)
		snprintf(msg, msglen, "Đã có mẫu báo cáo mã \"%s\"; hãy đổi \"code\" trong JSON.",
		         tpl->code);
	template_free(tpl);
	free(canon);
	return rc == 0 ? 0 : rc == -2 ? 409 : 500;
}

int
page_template_import(http_req_t *req)
{
	char msg[600];
	int64_t id;
	const char *json = http_req_param(req, "json");
	size_t blen;
	const char *body = http_req_body(req, &blen);
	if (!strncmp(http_req_path(req), "/api/", 5))
		json = body ? arena_strndup(http_req_arena(req), body, blen) : NULL;
	int st = save_template(req, 0, json, &id, msg, sizeof msg);
	if (!strncmp(http_req_path(req), "/api/", 5)) {
		if (st) {
			app_error_page(req, st, st == 500 ? NULL : msg);
			return 0;
		}
		return app_reply_json(req, 201, json_pack("{s:I}", "id", (json_int_t)id));
	}
	if (st == 500)
		return 500;
	return st ? render_templates(req, st, NULL, msg)
	          : render_templates(req, 201, "Đã nhập mẫu báo cáo.", NULL);
}

/* Copy to a new year: same items, new code and year, ready to edit. */
int
page_template_copy(http_req_t *req)
{
	int64_t id, nid;
	one_tpl_t o;
	if (load_tpl(req, &id, &o) < 0)
		return 0;
	const char *yp = http_req_param(req, "year");
	int64_t year;
	char msg[600];
	if (!yp || text_parse_int(yp, strlen(yp), &year) < 0 || year < 1900 || year > 2999) {
		free(o.json);
		free(o.code);
		return render_templates(req, 400, NULL,
		                        "Năm của bản sao phải là số từ 1900 đến 2999.");
	}
	json_error_t je;
	json_t *doc = json_loads(o.json, 0, &je);
	char code[96];
	/* "phuluc-2022" -> "phuluc-2023"; otherwise append the year */
	size_t cl = strlen(o.code);
	char old_year[8];
	snprintf(old_year, sizeof old_year, "%d", o.year);
	if (cl > 4 && !strcmp(o.code + cl - strlen(old_year), old_year))
		snprintf(code, sizeof code, "%.*s%lld", (int)(cl - strlen(old_year)), o.code,
		         (long long)year);
	else
		snprintf(code, sizeof code, "%.80s-%lld", o.code, (long long)year);
	json_object_set_new(doc, "code", json_string(code));
	json_object_set_new(doc, "year", json_integer(year));
	const char *name = json_string_value(json_object_get(doc, "name"));
	if (name && strstr(name, old_year)) {
		buf_t b = BUF_INIT;
		const char *at = strstr(name, old_year);
		buf_append(&b, name, (size_t)(at - name));
		buf_printf(&b, "%lld", (long long)year);
		buf_puts(&b, at + strlen(old_year));
		json_object_set_new(doc, "name", json_string(buf_cstr(&b)));
		buf_free(&b);
	}
	char *json = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	int st = save_template(req, 0, json, &nid, msg, sizeof msg);
	free(json);
	free(o.json);
	free(o.code);
	if (st)
		return st == 500 ? 500 : render_templates(req, st, NULL, msg);
	return http_redirect(
	        req, 303,
	        arena_printf(http_req_arena(req), "/templates/%lld/edit", (long long)nid));
}

static int
render_edit(http_req_t *req, int status, int64_t id, const char *json, const char *ok,
            const char *error)
{
	app_t *app = http_req_app(req);
	json_t *ctx = json_pack("{s:I,s:s,s:b}", "id", (json_int_t)id, "json", json, "used",
	                        template_used(app, id));
	if (ok)
		json_object_set_new(ctx, "ok", json_string(ok));
	if (error)
		json_object_set_new(ctx, "error", json_string(error));
	return app_render_page(req, status, "template_edit", "Sửa mẫu báo cáo", ctx);
}

int
page_template_edit(http_req_t *req)
{
	int64_t id;
	one_tpl_t o;
	if (load_tpl(req, &id, &o) < 0)
		return 0;
	int rc = render_edit(req, 200, id, o.json, NULL, NULL);
	free(o.json);
	free(o.code);
	return rc;
}

int
page_template_save(http_req_t *req)
{
	int64_t id, out;
	one_tpl_t o;
	if (load_tpl(req, &id, &o) < 0)
		return 0;
	free(o.json);
	free(o.code);
	const char *json = http_req_param(req, "json");
	if (template_used(http_req_app(req), id))
		return render_edit(
		        req, 409, id, json ? json : "", NULL,
		        "Mẫu này đã được dùng cho một đợt báo cáo nên không sửa được; hãy "
		        "sao chép sang năm mới rồi sửa bản sao.");
	char msg[600];
	int st = save_template(req, id, json, &out, msg, sizeof msg);
	if (st == 500)
		return 500;
	return render_edit(req, st ? st : 200, id, json ? json : "",
	                   st ? NULL : "Đã lưu mẫu báo cáo.", st ? msg : NULL);
}

/* ---------- campaigns ---------- */

static const struct {
	const char *code, *name;
} expected_kinds[] = {
        {"truong_mn", "Trường mầm non"},
        {"truong_th", "Trường tiểu học"},
        {"truong_thcs", "Trường THCS"},
        {"truong_thpt", "Trường THPT"},
        {"tthtcd", "Trung tâm học tập cộng đồng"},
        {"tt_gdnn_gdtx", "Trung tâm GDNN-GDTX"},
        {"ubnd_xa", "UBND xã/phường"},
        {"thu_vien", "Thư viện"},
        {"hoi_khuyen_hoc", "Hội Khuyến học"},
};
/* Levels that compile: the localities between the issuer and the schools. */
static const char *const level_kinds[] = {"tinh",     "tp_tw",         "huyen", "quan",
                                          "thi_xa",   "tp_thuoc_tinh", "xa",    "phuong",
                                          "thi_tran", "dac_khu"};

/* Campaigns a unit may adopt: issued by a unit strictly above it, not drafts. */
typedef struct parents_ctx {
	http_req_t *req;
	int32_t unit;
	json_t *rows;
} parents_ctx_t;

static int
parent_row(const store_campaign_t *c, void *p)
{
	parents_ctx_t *pc = p;
	const unit_tree_t *t = app_req_tree(pc->req);
	int32_t issuer = unit_tree_find_id(t, c->issuer_unit_id);
	if (issuer < 0 || issuer == pc->unit || !unit_tree_contains(t, issuer, pc->unit) ||
	    !strcmp(c->status, "draft"))
		return 0;
	json_array_append_new(pc->rows,
	                      json_pack("{s:I,s:s,s:s,s:i}", "id", (json_int_t)c->id, "name",
	                                c->name, "issuer", t->units[issuer].name, "year", c->year));
	return 0;
}

static json_t *
adoptable(http_req_t *req, int32_t unit)
{
	parents_ctx_t pc = {req, unit, json_array()};
	store_campaigns_each(((app_t *)http_req_app(req))->store, parent_row, &pc);
	return pc.rows;
}

static int
render_campaign_form(http_req_t *req, int status, const char *error)
{
	app_t *app = http_req_app(req);
	const unit_tree_t *t = app_req_tree(req);
	int32_t i = unit_tree_find_code(t, http_req_param(req, "code"));
	tpl_list_t l = {json_array()};
	store_templates_each(app->store, tpl_row, &l);
	json_t *kinds = json_array();
	for (size_t k = 0; k < sizeof expected_kinds / sizeof expected_kinds[0]; k++)
		json_array_append_new(kinds, json_pack("{s:s,s:s}", "code", expected_kinds[k].code,
		                                       "name", expected_kinds[k].name));
	json_t *ctx = json_pack("{s:o,s:o,s:o,s:o}", "unit", app_unit_json(t, i), "path",
	                        app_unit_path_json(t, i), "templates", l.rows, "kinds", kinds);
	json_t *parents = adoptable(req, i);
	json_object_set_new(ctx, "has_parents", json_boolean(json_array_size(parents) > 0));
	json_object_set_new(ctx, "parents", parents);
	const char *keep[] = {"name",         "year",          "theme",
	                      "start",        "end",           "registration",
	                      "opening_time", "opening_place", "opening_participants",
	                      "due",          "due_levels"};
	for (size_t k = 0; k < sizeof keep / sizeof keep[0]; k++) {
		const char *v = http_req_param(req, keep[k]);
		json_object_set_new(ctx, keep[k], json_string(v ? v : ""));
	}
	if (error)
		json_object_set_new(ctx, "error", json_string(error));
	return app_render_page(req, status, "campaign_new", "Ban hành đợt báo cáo", ctx);
}

int
page_campaign_new(http_req_t *req)
{
	return render_campaign_form(req, 200, NULL);
}

/* A date field (when_parse_date, shown back dd/mm/yyyy); "" allowed when optional. -1 with msg
 * naming the field. */
static int
date_field(http_req_t *req, const char *name, const char *label, int required, int32_t *out,
           char *msg, size_t msglen)
{
	const char *v = http_req_param(req, name);
	*out = 0;
	if (!v || !*v) {
		if (!required)
			return 0;
		snprintf(msg, msglen, "Hãy nhập %s, dạng " WHEN_DATE_FORMS ".", label);
		return -1;
	}
	if (when_parse_date(v, strlen(v), out) < 0) {
		snprintf(msg, msglen,
		         "%s \"%.20s\" không phải ngày hợp lệ; hãy nhập dạng " WHEN_DATE_FORMS ".",
		         label, v);
		return -1;
	}
	return 0;
}

int
page_campaign_create(http_req_t *req)
{
	app_t *app = http_req_app(req);
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = unit_tree_find_code(t, http_req_param(req, "code"));
	char msg[400];
	const char *name = http_req_param(req, "name");
	const char *yp = http_req_param(req, "year");
	const char *tp = http_req_param(req, "template");
	int64_t year, tid;
	int32_t start, end, reg, due, due_levels;
	if (!name || !*name)
		return render_campaign_form(req, 400,
		                            "Hãy nhập tên đợt báo cáo (tối đa 300 byte).");
	if (!yp || text_parse_int(yp, strlen(yp), &year) < 0 || year < 1900 || year > 2999)
		return render_campaign_form(req, 400, "Năm phải là số từ 1900 đến 2999.");
	if (!tp || text_parse_int(tp, strlen(tp), &tid) < 0 ||
	    store_template_get(app->store, tid, NULL, NULL) != 1)
		return render_campaign_form(req, 400,
		                            "Hãy chọn một mẫu báo cáo có trong danh sách.");
	if (date_field(req, "start", "Ngày bắt đầu", 1, &start, msg, sizeof msg) < 0 ||
	    date_field(req, "end", "Ngày kết thúc", 1, &end, msg, sizeof msg) < 0 ||
	    date_field(req, "registration", "Hạn đăng ký hoạt động", 0, &reg, msg, sizeof msg) <
	            0 ||
	    date_field(req, "due", "Hạn nộp báo cáo của đơn vị", 1, &due, msg, sizeof msg) < 0 ||
	    date_field(req, "due_levels", "Hạn nộp báo cáo tổng hợp của các cấp", 0, &due_levels,
	               msg, sizeof msg) < 0)
		return render_campaign_form(req, 400, msg);
	if (end < start)
		return render_campaign_form(req, 400, "Ngày kết thúc phải sau ngày bắt đầu.");
	/* adopting the campaign of an upper level: it must be one issued above this unit, and
	 * the template must keep every one of its indicators */
	int64_t parent = 0;
	const char *pp = http_req_param(req, "parent");
	if (pp && *pp) {
		json_t *cands = adoptable(req, i);
		size_t k;
		json_t *cand;
		int64_t want;
		int ok = text_parse_int(pp, strlen(pp), &want) == 0;
		int found = 0;
		json_array_foreach(cands, k, cand) found |=
		        ok && json_integer_value(json_object_get(cand, "id")) == want;
		json_decref(cands);
		if (!found)
			return render_campaign_form(
			        req, 400, "Đợt của cấp trên đã chọn không hợp lệ cho đơn vị này.");
		parent = want;
		campaign_t *pc;
		template_t *mine;
		one_tpl_t o;
		if (campaign_load(app->store, parent, &pc, msg, sizeof msg) != 1)
			return 500;
		if (store_template_get(app->store, tid, copy_tpl, &o) != 1 ||
		    template_from_json(o.json, strlen(o.json), &mine, msg, sizeof msg) < 0) {
			campaign_free(pc);
			return 500;
		}
		free(o.json);
		free(o.code);
		int ext = template_extends(mine, pc->tpl, msg, sizeof msg);
		template_free(mine);
		campaign_free(pc);
		if (!ext)
			return render_campaign_form(req, 400, msg);
	}
	if (due < start)
		return render_campaign_form(req, 400,
		                            "Hạn nộp báo cáo phải sau ngày bắt đầu Tuần lễ.");
	{
		/* the campaign adds up on the tree of its day: its issuer must be open then */
		int32_t day = start;
		if (parent)
			campaign_tree_day(app->store, parent, &day);
		unit_tree_t *ct = app_tree_at(app, day);
		int32_t ci = unit_tree_find_id(ct, t->units[i].id);
		int open = ci >= 0 && !ct->units[ci].closed;
		unit_tree_unref(ct);
		if (!open) {
			buf_t d = BUF_INIT;
			text_format_date(day, &d);
			const char *m = arena_printf(
			        a,
			        "Đơn vị %s không hoạt động vào ngày %s, ngày mà đợt này tổng hợp "
			        "số "
			        "liệu theo cây đơn vị của ngày đó. Hãy chọn ngày bắt đầu khác hoặc "
			        "để đơn vị đang hoạt động triển khai.",
			        t->units[i].name, buf_cstr(&d));
			buf_free(&d);
			return render_campaign_form(req, 400, m);
		}
	}
	/* the expected kinds come as repeated fields "kind=..." in the body */
	size_t blen, nkv = 0;
	const char *body = http_req_body(req, &blen);
	http_kv_t *kv = NULL;
	const char *why;
	if (body && http_form_parse(body, blen, a, &kv, &nkv, &why) < 0)
		return render_campaign_form(req, 400, why);
	buf_t kinds = BUF_INIT, deadlines = BUF_INIT;
	for (size_t k = 0; k < nkv; k++) {
		if (strcmp(kv[k].name, "kind") != 0)
			continue;
		int known = 0;
		for (size_t q = 0; q < sizeof expected_kinds / sizeof expected_kinds[0]; q++)
			known |= !strcmp(kv[k].value, expected_kinds[q].code);
		if (!known) {
			buf_free(&kinds);
			buf_free(&deadlines);
			return render_campaign_form(req, 400,
			                            "Loại đơn vị phải báo cáo không hợp lệ.");
		}
		buf_printf(&kinds, "%s%s", kinds.len ? " " : "", kv[k].value);
		buf_printf(&deadlines, "%s%s=%d", deadlines.len ? " " : "", kv[k].value, due);
	}
	if (kinds.len == 0) {
		buf_free(&deadlines);
		return render_campaign_form(req, 400,
		                            "Hãy chọn ít nhất một loại đơn vị phải báo cáo.");
	}
	/* the levels between the issuer and the schools compile and forward */
	for (size_t k = 0; k < sizeof level_kinds / sizeof level_kinds[0]; k++) {
		buf_printf(&kinds, " %s", level_kinds[k]);
		buf_printf(&deadlines, " %s=%d", level_kinds[k], due_levels ? due_levels : due);
	}
	const char *status = http_req_param(req, "status");
	store_campaign_t c = {
	        .issuer_unit_id = t->units[i].id,
	        .parent_id = parent,
	        .template_id = tid,
	        .year = (int)year,
	        .name = name,
	        .theme = http_req_param(req, "theme") ? http_req_param(req, "theme") : "",
	        .start_date = start,
	        .end_date = end,
	        .registration_deadline = reg,
	        .opening_time = http_req_param(req, "opening_time")
	                                ? http_req_param(req, "opening_time")
	                                : "",
	        .opening_place = http_req_param(req, "opening_place")
	                                 ? http_req_param(req, "opening_place")
	                                 : "",
	        .opening_participants = http_req_param(req, "opening_participants")
	                                        ? http_req_param(req, "opening_participants")
	                                        : "",
	        .status = status && !strcmp(status, "open") ? "open" : "draft",
	        .expected_kinds = buf_cstr(&kinds),
	        .deadlines = buf_cstr(&deadlines),
	        .created_at = app_now(),
	        .created_by = app_req_user(req)->id,
	};
	const char *bad = campaign_clean_texts(a, &c);
	if (bad) {
		buf_free(&kinds);
		buf_free(&deadlines);
		return render_campaign_form(req, 400, bad);
	}
	int64_t id;
	/* the campaign and its audit entry: one transaction */
	int rc = store_tx_begin(app->store);
	if (rc == 0) {
		rc = store_campaign_save(app->store, &c, &id);
		int ok = rc == 0 &&
		         app_audit(req, t, i, "campaign.create", c.name, NULL, c.status) == 0;
		if (app_tx_end(req, ok) < 0)
			rc = -1;
	}
	buf_free(&kinds);
	buf_free(&deadlines);
	if (rc < 0)
		return 500;
	return http_redirect(
	        req, 303,
	        arena_printf(a, "/campaigns/%lld/units/%s", (long long)id, t->units[i].code));
}

/* Open, close or return to draft a campaign the :code unit issued. */
typedef struct camp_copy {
	store_campaign_t c;
	arena_t *a;
} camp_copy_t;

static int
copy_campaign_row(const store_campaign_t *c, void *p)
{
	camp_copy_t *cc = p;
	arena_t *a = cc->a;
	cc->c = *c;
	cc->c.name = arena_strdup(a, c->name);
	cc->c.theme = arena_strdup(a, c->theme);
	cc->c.opening_time = arena_strdup(a, c->opening_time);
	cc->c.opening_place = arena_strdup(a, c->opening_place);
	cc->c.opening_participants = arena_strdup(a, c->opening_participants);
	cc->c.status = arena_strdup(a, c->status);
	cc->c.expected_kinds = arena_strdup(a, c->expected_kinds);
	cc->c.deadlines = arena_strdup(a, c->deadlines);
	return 0;
}

int
page_campaign_status(http_req_t *req)
{
	app_t *app = http_req_app(req);
	const unit_tree_t *t = app_req_tree(req);
	int32_t i = unit_tree_find_code(t, http_req_param(req, "code"));
	const char *idp = http_req_param(req, "id"), *st = http_req_param(req, "status");
	int64_t id;
	camp_copy_t cc = {.a = http_req_arena(req)};
	if (!idp || text_parse_int(idp, strlen(idp), &id) < 0 ||
	    store_campaign_get(app->store, id, copy_campaign_row, &cc) != 1 ||
	    cc.c.issuer_unit_id != t->units[i].id) {
		app_error_page(req, 404, "Đơn vị này không ban hành đợt báo cáo nào với số này.");
		return 0;
	}
	if (!st || (strcmp(st, "draft") && strcmp(st, "open") && strcmp(st, "closed"))) {
		app_error_page(req, 400,
		               "Trạng thái phải là draft (nháp), open (mở) hoặc closed (đóng).");
		return 0;
	}
	const char *old = cc.c.status;
	const char *back = arena_printf(http_req_arena(req), "/campaigns/%lld/units/%s",
	                                (long long)id, t->units[i].code);
	if (!strcmp(old, st))
		return http_redirect(req, 303, back); /* nothing to change */
	/* leaving "open" stops reporting: only after the issuer confirms it (no JavaScript:
	 * a page that explains and posts again with confirm=1) */
	const char *confirm = http_req_param(req, "confirm");
	if (!strcmp(old, "open") && (!confirm || strcmp(confirm, "1") != 0)) {
		json_t *ctx = json_pack("{s:{s:I,s:s,s:s},s:{s:s,s:s},s:s,s:s,s:b,s:s}", "campaign",
		                        "id", (json_int_t)id, "name", cc.c.name, "status_name",
		                        app_campaign_status_name(old), "unit", "code",
		                        t->units[i].code, "name", t->units[i].name, "status", st,
		                        "status_name", app_campaign_status_name(st), "to_draft",
		                        !strcmp(st, "draft"), "back", back);
		return app_render_page(req, 200, "campaign_status_confirm",
		                       "Xác nhận đổi trạng thái đợt báo cáo", ctx);
	}
	audit_actor_t by = app_audit_actor(req);
	char err[200];
	if (campaign_set_status(app->store, t, i, &cc.c, st, &by, app_now(), err, sizeof err) < 0) {
		app_error_page(req, 500, err);
		return 0;
	}
	/* loaded copies keep the old status: drop them so the next request reloads */
	rep_forget_campaign(app, id);
	return http_redirect(req, 303, back);
}
