/* Reading the audit log of a unit's subtree (admins, heads, overseers): newest first,
 * paged by id. Entries are filed under the unit's path of codes, so a subtree is a
 * prefix of it. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/app.h"
#include "text/text.h"

#define AUDIT_PAGE 50

static const struct {
	const char *code, *label;
} labels[] = {
        {"login", "Đăng nhập"},
        {"login.failed", "Đăng nhập sai"},
        {"login.disabled", "Đăng nhập bằng tài khoản đã khóa"},
        {"logout", "Đăng xuất"},
        {"logout.all", "Đăng xuất khỏi mọi thiết bị"},
        {"password.change", "Đổi mật khẩu"},
        {"password.reset", "Đặt lại mật khẩu"},
        {"user.create", "Tạo tài khoản"},
        {"user.disable", "Khóa tài khoản"},
        {"user.enable", "Mở khóa tài khoản"},
        {"users.bulk", "Tạo tài khoản hàng loạt"},
        {"role.grant", "Cấp vai trò"},
        {"role.revoke", "Thu hồi vai trò"},
        {"token.create", "Tạo mã truy cập API"},
        {"token.revoke", "Thu hồi mã truy cập API"},
};

static const char *
label_of(const char *code)
{
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (!strcmp(labels[i].code, code))
			return labels[i].label;
	return code;
}

typedef struct audit_ctx {
	const unit_tree_t *t;
	json_t *rows;
	int64_t last_id;
	int n;
} audit_ctx_t;

static int
audit_row(const store_audit_t *e, void *p)
{
	audit_ctx_t *c = p;
	time_t at = (time_t)e->at;
	struct tm tm;
	localtime_r(&at, &tm);
	char when[80];
	snprintf(when, sizeof when, "%02d/%02d/%04d %02d:%02d:%02d", tm.tm_mday, tm.tm_mon + 1,
	         tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	int32_t unit = e->unit_id ? unit_tree_find_id(c->t, e->unit_id) : -1;
	json_t *o = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)e->id,
	                      "at", (json_int_t)e->at, "when", when, "actor", e->actor_name,
	                      "action", e->action, "action_label", label_of(e->action), "target",
	                      e->target, "old", e->old_value, "new", e->new_value, "ip", e->ip);
	json_object_set_new(o, "unit_code", json_string(unit >= 0 ? c->t->units[unit].code : ""));
	json_object_set_new(o, "unit_name", json_string(unit >= 0 ? c->t->units[unit].name : ""));
	json_array_append_new(c->rows, o);
	c->last_id = e->id;
	c->n++;
	return 0;
}

/* Entries of the :code unit's subtree before the "before" id. 0, or 400 with a message. */
static int
load(http_req_t *req, const unit_tree_t *t, int32_t *unit, audit_ctx_t *c, int limit)
{
	app_t *app = http_req_app(req);
	*unit = unit_tree_find_code(t, http_req_param(req, "code"));
	const char *b = http_req_param(req, "before");
	int64_t before = 0;
	if (b && *b && (text_parse_int(b, strlen(b), &before) < 0 || before < 0)) {
		app_error_page(req, 400, "Tham số before phải là số thứ tự của một mục nhật ký.");
		return 400;
	}
	buf_t path = BUF_INIT;
	unit_tree_path(t, *unit, &path);
	*c = (audit_ctx_t){t, json_array(), 0, 0};
	int rc = store_audit_list(app->store, buf_cstr(&path), before, limit, audit_row, c);
	buf_free(&path);
	return rc < 0 ? 500 : 0;
}

int
page_unit_audit(http_req_t *req)
{
	unit_tree_t *t = app_req_tree(req);
	int32_t unit;
	audit_ctx_t c;
	int st = load(req, t, &unit, &c, AUDIT_PAGE);
	if (st) {
		return st == 400 ? 0 : st;
	}
	json_t *ctx = json_object();
	json_object_set_new(ctx, "unit", app_unit_json(t, unit));
	json_object_set_new(ctx, "path", app_unit_path_json(t, unit));
	json_object_set_new(ctx, "rows", c.rows);
	if (c.n == AUDIT_PAGE)
		json_object_set_new(ctx, "older", json_integer(c.last_id));
	char title[300];
	snprintf(title, sizeof title, "Nhật ký — %s", t->units[unit].name);
	return app_render_page(req, 200, "audit", title, ctx);
}

int
api_unit_audit(http_req_t *req)
{
	unit_tree_t *t = app_req_tree(req);
	int32_t unit;
	audit_ctx_t c;
	int st = load(req, t, &unit, &c, 200);
	if (st) {
		return st == 400 ? 0 : st;
	}
	json_t *o = json_pack("{s:s,s:o}", "unit", t->units[unit].code, "entries", c.rows);
	if (c.n == 200)
		json_object_set_new(o, "next_before", json_integer(c.last_id));
	return app_reply_json(req, 200, o);
}
