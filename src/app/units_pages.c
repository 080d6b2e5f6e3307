/* Unit registry pages and API: home, tree browser, unit page, search (HTML and JSON).
 * All reads come from the in-memory tree snapshot, never from SQL. */
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/buf.h"
#include "core/mem.h"
#include "text/text.h"

#define MAX_CHILDREN_SHOWN 2000
#define PAGE_SIZE 20

/* Strict small integer parameter; -1 when present but invalid. */
static int
param_int(http_req_t *req, const char *name, int64_t lo, int64_t hi, int64_t dflt, int64_t *out)
{
	const char *v = http_req_param(req, name);
	*out = dflt;
	if (v == NULL || *v == '\0')
		return 0;
	int64_t x;
	if (text_parse_int(v, strlen(v), &x) < 0 || x < lo || x > hi)
		return -1;
	*out = x;
	return 0;
}

/* "Huyện Tiên Lãng, Thành phố Hải Phòng": ancestors below the root, nearest first. */
static json_t *
context_text(const unit_tree_t *t, int32_t i)
{
	buf_t b = BUF_INIT;
	for (int32_t p = t->units[i].parent; p > 0; p = t->units[p].parent) {
		if (b.len)
			buf_puts(&b, ", ");
		buf_puts(&b, t->units[p].name);
	}
	json_t *j = json_stringn(buf_cstr(&b), b.len);
	buf_free(&b);
	return j;
}

/* Unit summary for templates: the API shape plus formatted counts and a URL. */
static json_t *
unit_view(const unit_tree_t *t, int32_t i)
{
	json_t *o = app_unit_json(t, i);
	json_object_set_new(o, "url", json_sprintf("/units/%s", t->units[i].code));
	json_object_set_new(o, "children_text", app_json_count(t->units[i].nchildren));
	json_object_set_new(o, "subtree_text", app_json_count(unit_tree_subtree_size(t, i) - 1));
	json_object_set_new(o, "has_children", json_boolean(t->units[i].nchildren > 0));
	return o;
}

/* Direct children of i, each shaped by one(). */
static json_t *
children_json(const unit_tree_t *t, int32_t i, json_t *(*one)(const unit_tree_t *, int32_t))
{
	int32_t *kids = xmalloc(sizeof *kids * MAX_CHILDREN_SHOWN);
	int32_t n = unit_tree_children(t, i, kids, MAX_CHILDREN_SHOWN);
	json_t *a = json_array();
	for (int32_t k = 0; k < n && k < MAX_CHILDREN_SHOWN; k++)
		json_array_append_new(a, one(t, kids[k]));
	free(kids);
	return a;
}

/* The contact details shown for one unit, by its page and the API. */
static void
add_details(json_t *o, const unit_tree_t *t, int32_t i)
{
	const unit_t *u = &t->units[i];
	json_object_set_new(o, "locality_code", json_string(u->locality_code));
	json_object_set_new(o, "email", json_string(u->email));
	json_object_set_new(o, "phone", json_string(u->phone));
}

int
page_home(http_req_t *req)
{
	unit_tree_t *t = app_req_tree(req);
	json_t *ctx = json_object();
	json_object_set_new(ctx, "units_total", app_json_count(t->n));
	json_object_set_new(ctx, "provinces", children_json(t, 0, unit_view));
	app_user_t *u = app_req_user(req);
	if (u) {
		json_object_set_new(ctx, "my_units", app_roles_json(t, u));
		json_object_set_new(ctx, "countdowns", rep_home_countdowns(req));
		json_object_set_new(ctx, "docs_home", doc_home(req));
	}
	return app_render_page(req, 200, "home", NULL, ctx);
}

int
page_unit(http_req_t *req)
{
	const char *code = http_req_param(req, "code");
	unit_tree_t *t = app_req_tree(req);
	int32_t i = code ? unit_tree_find_code(t, code) : 0;
	if (i < 0) {
		app_error_page(req, 404,
		               "Không tìm thấy đơn vị với mã này. Hãy tìm đơn vị theo tên ở trang "
		               "Tìm kiếm.");
		return 0;
	}
	const unit_t *u = &t->units[i];
	json_t *ctx = json_object();
	json_t *view = unit_view(t, i);
	add_details(view, t, i);
	json_object_set_new(ctx, "unit", view);
	json_object_set_new(ctx, "path", app_unit_path_json(t, i));
	json_object_set_new(ctx, "children", children_json(t, i, unit_view));
	json_object_set_new(ctx, "is_root", json_boolean(i == 0));
	/* links only for those the guard would let through */
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	json_object_set_new(ctx, "can_users",
	                    json_boolean(access_allowed(t, g, ng, ACT_USERS_VIEW, i)));
	json_object_set_new(ctx, "can_audit",
	                    json_boolean(access_allowed(t, g, ng, ACT_AUDIT_READ, i)));
	json_object_set_new(ctx, "can_campaign",
	                    json_boolean(access_allowed(t, g, ng, ACT_CAMPAIGN_MANAGE, i)));
	/* the unit's figures per campaign: for signed-in users allowed to see them */
	if (access_allowed(t, g, ng, ACT_UNIT_VIEW, i)) {
		json_t *cs = rep_campaigns_covering(req, i);
		json_object_set_new(ctx, "has_campaigns", json_boolean(json_array_size(cs) > 0));
		json_object_set_new(ctx, "campaigns", cs);
	}
	json_object_set_new(ctx, "docs", doc_public_list(req, i));
	char *title = xstrdup(u->name);
	int rc = app_render_page(req, 200, "unit", title, ctx);
	free(title);
	return rc;
}

/* Runs a search from request parameters. 0 with results filled, or a 400 status with
 * *msg set. */
static int
run_search(http_req_t *req, const unit_tree_t *t, int32_t page_size, json_t *out)
{
	const char *q = http_req_param(req, "q");
	const char *kind = http_req_param(req, "kind");
	const char *within = http_req_param(req, "within");
	int64_t limit, offset, page;
	if (param_int(req, "limit", 1, 200, page_size, &limit) < 0)
		return app_error_page(req, 400, "Tham số limit phải là số nguyên từ 1 đến 200."), 1;
	if (param_int(req, "offset", 0, 10000000, 0, &offset) < 0)
		return app_error_page(req, 400, "Tham số offset phải là số nguyên không âm."), 1;
	if (param_int(req, "page", 1, 1000000, 1, &page) < 0)
		return app_error_page(req, 400, "Tham số page phải là số nguyên dương."), 1;
	if (page > 1)
		offset = (page - 1) * limit;
	unit_search_t s = {.q = q ? q : "",
	                   .within = -1,
	                   .kind = kind && *kind ? kind : NULL,
	                   .limit = (int32_t)limit,
	                   .offset = (int32_t)offset};
	if (within && *within) {
		s.within = unit_tree_find_code(t, within);
		if (s.within < 0)
			return app_error_page(
			               req, 400,
			               "Tham số within phải là mã của một đơn vị có trong hệ "
			               "thống."),
			       1;
	}
	int32_t *ids = xmalloc(sizeof *ids * (size_t)limit);
	int32_t total;
	int32_t n = unit_tree_search(t, &s, ids, &total);
	json_t *arr = json_array();
	for (int32_t k = 0; k < n; k++) {
		json_t *o = unit_view(t, ids[k]);
		json_object_set_new(o, "context", context_text(t, ids[k]));
		json_array_append_new(arr, o);
	}
	free(ids);
	json_object_set_new(out, "query", json_string(s.q));
	json_object_set_new(out, "total", json_integer(total));
	json_object_set_new(out, "total_text", app_json_count(total));
	json_object_set_new(out, "offset", json_integer(offset));
	json_object_set_new(out, "limit", json_integer(limit));
	json_object_set_new(out, "units", arr);
	if (s.within >= 0)
		json_object_set_new(out, "within", unit_view(t, s.within));
	/* paging links for the HTML page */
	int64_t pg = offset / limit + 1;
	if (pg > 1)
		json_object_set_new(out, "prev_page", json_integer(pg - 1));
	if (offset + n < total)
		json_object_set_new(out, "next_page", json_integer(pg + 1));
	json_object_set_new(out, "page", json_integer(pg));
	return 0;
}

int
page_search(http_req_t *req)
{
	unit_tree_t *t = app_req_tree(req);
	json_t *ctx = json_object();
	const char *q = http_req_param(req, "q");
	if (q && *q) {
		json_t *res = json_object();
		if (run_search(req, t, PAGE_SIZE, res) != 0) {
			json_decref(res);
			json_decref(ctx);
			return 0;
		}
		json_object_set_new(ctx, "searched", json_true());
		json_object_set_new(ctx, "result", res);
	}
	json_object_set_new(ctx, "q", json_string(q ? q : ""));
	const char *within = http_req_param(req, "within");
	json_object_set_new(ctx, "within_code", json_string(within ? within : ""));
	return app_render_page(req, 200, "search", "Tìm đơn vị", ctx);
}

int
api_units(http_req_t *req)
{
	const char *q = http_req_param(req, "q");
	const char *parent = http_req_param(req, "parent");
	unit_tree_t *t = app_req_tree(req);
	json_t *out = json_object();
	if (q && *q) {
		if (run_search(req, t, PAGE_SIZE, out) != 0) {
			json_decref(out);
			return 0;
		}
		/* the API keeps its own shape: no display-only fields */
		json_object_del(out, "total_text");
		json_object_del(out, "prev_page");
		json_object_del(out, "next_page");
		json_object_del(out, "page");
	} else if (parent && *parent) {
		int32_t i = unit_tree_find_code(t, parent);
		if (i < 0) {
			json_decref(out);
			app_error_page(req, 404, "Không có đơn vị nào với mã parent đã cho.");
			return 0;
		}
		json_object_set_new(out, "parent", app_unit_json(t, i));
		json_object_set_new(out, "total", json_integer(t->units[i].nchildren));
		json_object_set_new(out, "units", children_json(t, i, app_unit_json));
	} else {
		json_decref(out);
		app_error_page(
		        req, 400,
		        "Cần tham số q (từ khóa tìm kiếm) hoặc parent (mã đơn vị cấp trên).");
		return 0;
	}
	return app_reply_json(req, 200, out);
}

int
api_unit(http_req_t *req)
{
	const char *code = http_req_param(req, "code");
	unit_tree_t *t = app_req_tree(req);
	int32_t i = code ? unit_tree_find_code(t, code) : -1;
	if (i < 0) {
		app_error_page(req, 404, "Không tìm thấy đơn vị với mã này.");
		return 0;
	}
	json_t *o = app_unit_json(t, i);
	add_details(o, t, i);
	json_object_set_new(o, "path", app_unit_path_json(t, i));
	json_object_set_new(o, "units", children_json(t, i, app_unit_json));
	return app_reply_json(req, 200, o);
}
