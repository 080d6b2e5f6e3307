/* Reading the audit log of a unit's subtree (admins, heads, overseers): newest first,
 * paged by id. Entries are filed under the unit's path of codes, so a subtree is a
 * prefix of it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "app/reporting.h"
#include "text/text.h"

#define AUDIT_PAGE 50

/* Every action written with app_audit (grep "app_audit(" and audit_self/audit_user in
 * src/app/), in Vietnamese; the code stays in the API and in the page's title attribute. */
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
        {"template.import", "Nhập mẫu báo cáo"},
        {"template.edit", "Sửa mẫu báo cáo"},
        {"campaign.create", "Ban hành đợt báo cáo"},
        {"campaign.status", "Đổi trạng thái đợt báo cáo"},
        {"report.value", "Sửa số liệu báo cáo"},
        {"report.value.behalf", "Cấp trên nhập thay số liệu báo cáo"},
        {"report.status", "Đổi trạng thái báo cáo"},
        {"report.remind", "Nhắc nộp báo cáo"},
        {"report.photo.add", "Thêm ảnh vào báo cáo"},
        {"report.photo.delete", "Xóa ảnh của báo cáo"},
        {"activity.create", "Đăng ký hoạt động"},
        {"activity.update", "Sửa hoạt động"},
        {"activity.outcome", "Ghi kết quả hoạt động"},
        {"activity.enrol_settings", "Cài đặt đăng ký học"},
        {"activity.attendance", "Điểm danh lớp học"},
        {"activity.photo.add", "Thêm ảnh hoạt động"},
        {"activity.photo.delete", "Xóa ảnh hoạt động"},
        {"doc.create", "Soạn văn bản"},
        {"doc.import", "Nhập văn bản từ Word"},
        {"doc.save", "Sửa văn bản"},
        {"doc.publish", "Ban hành văn bản"},
        {"doc.public", "Đổi chế độ công khai của văn bản"},
        {"task.done", "Đánh dấu nhiệm vụ đã xong"},
        {"task.reopen", "Mở lại nhiệm vụ"},
        {"reading.shelf", "Thêm thư viện, tủ sách"},
        {"reading.shelf_status", "Đóng/mở lại tủ sách"},
        {"reading.move", "Ghi sổ sách (bổ sung, luân chuyển, thanh lý)"},
        {"reading.receive", "Xác nhận nhận sách luân chuyển"},
        {"reading.read", "Ghi lượt đọc"},
};

static const char *
label_of(const char *code)
{
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (!strcmp(labels[i].code, code))
			return labels[i].label;
	return "Thao tác khác";
}

static int
starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

#define AUDIT_CAMPAIGNS 8 /* campaigns named on one page, loaded once each */

typedef struct audit_ctx {
	http_req_t *req;
	const unit_tree_t *t;
	json_t *rows;
	int64_t last_id;
	int n;
	int64_t camp_id[AUDIT_CAMPAIGNS];
	campaign_t *camp[AUDIT_CAMPAIGNS]; /* NULL: not found; freed by describe_rows */
	int ncamp;
} audit_ctx_t;

/* "đợt báo cáo 1" with the campaign's name when it loads. Only the campaign and its
 * template are read (no roll-up is built to name an item), once per page. */
static const char *
campaign_label(audit_ctx_t *c, int64_t id, campaign_t **cp)
{
	arena_t *a = http_req_arena(c->req);
	int k = 0;
	while (k < c->ncamp && c->camp_id[k] != id)
		k++;
	if (k == c->ncamp && k < AUDIT_CAMPAIGNS) {
		char err[300];
		app_t *app = http_req_app(c->req);
		c->camp_id[k] = id;
		if (campaign_load(app->store, id, &c->camp[k], err, sizeof err) != 1)
			c->camp[k] = NULL;
		c->ncamp++;
	}
	*cp = k < c->ncamp ? c->camp[k] : NULL;
	if (*cp)
		return arena_printf(a, "đợt báo cáo %lld “%s”", (long long)id, (*cp)->name);
	return arena_printf(a, "đợt báo cáo %lld", (long long)id);
}

/* The entry's target in words: "1:iii.text" → "đợt báo cáo 1 “…”, mục III. … (iii.text)". */
static const char *
target_label(audit_ctx_t *c, const store_audit_t *e)
{
	arena_t *a = http_req_arena(c->req);
	const char *tg = e->target ? e->target : "";
	if (starts(e->action, "report.")) {
		char *rest;
		long long id = strtoll(tg, &rest, 10);
		if (rest == tg || *rest != ':')
			return tg;
		rest++;
		campaign_t *cp;
		const char *camp = campaign_label(c, id, &cp);
		if (!*rest)
			return camp;
		if (starts(e->action, "report.photo."))
			return arena_printf(a, "%s, ảnh số %s", camp, rest);
		const tpl_item_t *it = cp ? template_item(cp->tpl, rest) : NULL;
		if (it)
			return arena_printf(a, "%s, mục %s%s%s (%s)", camp, it->number,
			                    *it->number ? " " : "", it->label, rest);
		return arena_printf(a, "%s, mục %s", camp, rest);
	}
	if (starts(e->action, "activity.") && starts(tg, "activity:")) {
		const char *id = tg + strlen("activity:");
		const char *colon = strchr(id, ':');
		if (colon)
			return arena_printf(a, "hoạt động số %.*s, ảnh số %s", (int)(colon - id),
			                    id, colon + 1);
		return arena_printf(a, "hoạt động số %s", id);
	}
	if (starts(e->action, "doc."))
		return arena_printf(a, "văn bản số %s", tg);
	if (starts(e->action, "task."))
		return arena_printf(a, "nhiệm vụ số %s", tg);
	if (!strcmp(e->action, "token.revoke"))
		return arena_printf(a, "mã truy cập số %s", tg);
	if (starts(e->action, "campaign."))
		return arena_printf(a, "đợt báo cáo “%s”", tg);
	return tg;
}

/* An old or new value in words where it is a code: statuses, roles, yes/no flags. */
static const char *
value_label(const char *action, const char *v)
{
	if (!v || !*v)
		return v ? v : "";
	if (!strcmp(action, "report.status"))
		return rep_status_name(v);
	if (starts(action, "campaign."))
		return app_campaign_status_name(v);
	if (starts(action, "role.")) {
		role_t r;
		if (role_parse(v, &r) == 0)
			return role_name(r);
		return v;
	}
	if (!strcmp(action, "doc.public"))
		return !strcmp(v, "1") ? "công khai" : !strcmp(v, "0") ? "không công khai" : v;
	if (starts(action, "task."))
		return !strcmp(v, "1") ? "đã xong" : !strcmp(v, "0") ? "chưa xong" : v;
	return v;
}

static int
audit_row(const store_audit_t *e, void *p)
{
	audit_ctx_t *c = p;
	const char *when = app_fmt_time_sec(http_req_arena(c->req), e->at);
	int32_t unit = e->unit_id ? unit_tree_find_id(c->t, e->unit_id) : -1;
	json_t *o = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)e->id,
	                      "at", (json_int_t)e->at, "when", when, "actor", e->actor_name,
	                      "action", e->action, "action_name", label_of(e->action), "target",
	                      e->target, "old", e->old_value, "new", e->new_value, "ip", e->ip);
	json_object_set_new(o, "unit_code", json_string(unit >= 0 ? c->t->units[unit].code : ""));
	json_object_set_new(o, "unit_name", json_string(unit >= 0 ? c->t->units[unit].name : ""));
	json_array_append_new(c->rows, o);
	c->last_id = e->id;
	c->n++;
	return 0;
}

/* The words of each row, for the page only (the API keeps the codes). */
static void
describe_rows(audit_ctx_t *c)
{
	store_audit_t e;
	json_t *row;
	size_t k;
	json_array_foreach(c->rows, k, row)
	{
		memset(&e, 0, sizeof e);
		e.action = json_string_value(json_object_get(row, "action"));
		e.target = json_string_value(json_object_get(row, "target"));
		const char *o = json_string_value(json_object_get(row, "old"));
		const char *n = json_string_value(json_object_get(row, "new"));
		json_object_set_new(row, "target_label", json_string(target_label(c, &e)));
		json_object_set_new(row, "old_label", json_string(value_label(e.action, o)));
		json_object_set_new(row, "new_label", json_string(value_label(e.action, n)));
	}
	for (int q = 0; q < c->ncamp; q++)
		campaign_free(c->camp[q]);
	c->ncamp = 0;
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
	*c = (audit_ctx_t){.req = req, .t = t, .rows = json_array()};
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
	describe_rows(&c);
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
