/* Rendering helpers shared by handlers: pages through the template set, JSON replies,
 * the error page, and the JSON shape of a unit used by both pages and the API. */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "core/buf.h"
#include "core/log.h"
#include "http/compress.h"
#include "text/text.h"

int
app_render_page(http_req_t *req, int status, const char *tmpl, const char *title, json_t *ctx)
{
	app_t *app = http_req_app(req);
	if (title)
		json_object_set_new(ctx, "page_title", json_string(title));
	/* every page knows who is signed in (header, sign-out form) and the CSRF token its
	 * forms must carry */
	app_user_t *u = app_req_user(req);
	if (u && !u->via_token) {
		access_grant_t *g;
		const unit_tree_t *t = app_req_tree(req);
		size_t ng = app_user_grants(req, t, &g);
		json_t *me =
		        json_pack("{s:I,s:s,s:s,s:s,s:b}", "id", (json_int_t)u->id, "username",
		                  u->username, "full_name", u->full_name, "csrf", u->csrf,
		                  "system_admin", access_allowed(t, g, ng, ACT_SYSTEM_MANAGE, 0));
		json_int_t unread = (json_int_t)app_notices_unread(req);
		if (unread > 0)
			json_object_set_new(me, "unread", json_integer(unread));
		review_menu(req, me); /* "Chờ duyệt (N)" */
		json_object_set_new(ctx, "me", me);
		if (!json_object_get(ctx, "csrf"))
			json_object_set_new(ctx, "csrf", json_string(u->csrf));
	}
	/* the layout and the pages' scripts link assets by content hash (long-cached) */
	char css[300], report_js[300], docform_js[300], photo_js[300], offline_js[300],
	        activity_js[300];
	json_object_set_new(
	        ctx, "asset",
	        json_pack(
	                "{s:s,s:s,s:s,s:s,s:s,s:s}", "activity_js",
	                http_static_url(app->static_dir, "activity_offline.js", activity_js,
	                                sizeof activity_js),
	                "css", http_static_url(app->static_dir, "style.css", css, sizeof css),
	                "report_js",
	                http_static_url(app->static_dir, "report.js", report_js, sizeof report_js),
	                "docform_js",
	                http_static_url(app->static_dir, "docform.js", docform_js,
	                                sizeof docform_js),
	                "photo_js",
	                http_static_url(app->static_dir, "photo.js", photo_js, sizeof photo_js),
	                "offline_js",
	                http_static_url(app->static_dir, "offline.js", offline_js,
	                                sizeof offline_js)));
	buf_t out = BUF_INIT;
	int rc = tmpl_render(app->tmpl, tmpl, ctx, &out);
	json_decref(ctx);
	if (rc < 0) {
		buf_free(&out);
		log_error("template %s failed to render", tmpl);
		return 500;
	}
	return http_reply_buf(req, status, "text/html; charset=utf-8", &out);
}

int
app_reply_json(http_req_t *req, int status, json_t *value)
{
	char *s = json_dumps(value, JSON_COMPACT);
	json_decref(value);
	if (s == NULL)
		return 500;
	buf_t b = {s, strlen(s), strlen(s) + 1};
	return http_reply_buf(req, status, "application/json; charset=utf-8", &b);
}

const char *
app_param(http_req_t *req, const char *name)
{
	const char *v = http_req_param(req, name);
	return v ? v : "";
}

int64_t
app_id_param(http_req_t *req, const char *name)
{
	const char *s = http_req_param(req, name);
	int64_t id;
	return s && text_parse_int(s, strlen(s), &id) == 0 && id > 0 ? id : 0;
}

int
app_is_api(http_req_t *req)
{
	return strncmp(http_req_path(req), "/api/", 5) == 0;
}

/* s itself when it is valid UTF-8, else its text with U+FFFD for each stray byte, in b (a
 * message quoting a client's bytes cut inside a letter: JSON cannot hold it as it is). */
static const char *
sayable(const char *s, buf_t *b)
{
	size_t n = strlen(s);
	if (text_utf8_valid(s, n))
		return s;
	text_utf8_clean(s, n, b);
	return buf_cstr(b);
}

json_t *
app_js(const char *s)
{
	buf_t b = BUF_INIT;
	json_t *j = json_string(s ? sayable(s, &b) : "");
	buf_free(&b);
	return j;
}

json_t *
app_json_count(int64_t v)
{
	buf_t b = BUF_INIT;
	text_format_int(v, &b);
	json_t *j = json_stringn(buf_cstr(&b), b.len);
	buf_free(&b);
	return j;
}

/* "2025-07-01" into out (16 bytes), or "" for 0 (since always) and STORE_DAY_OPEN. */
static const char *
iso_day(int32_t day, char *out)
{
	out[0] = '\0';
	if (day > 0 && day != STORE_DAY_OPEN) {
		int y, m, d;
		text_civil_from_days(day, &y, &m, &d);
		snprintf(out, 16, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
	}
	return out;
}

json_t *
app_json_day(int32_t day)
{
	char s[16];
	return *iso_day(day, s) ? json_string(s) : json_null();
}

static void
put_day_text(buf_t *out, int32_t day)
{
	char s[16];
	if (*iso_day(day, s))
		buf_put_json_str(out, s);
	else
		buf_puts(out, "null");
}

json_t *
app_unit_json(const unit_tree_t *t, int32_t i)
{
	const unit_t *u = &t->units[i];
	json_t *o = json_object();
	json_object_set_new(o, "code", json_string(u->code));
	json_object_set_new(o, "name", json_string(u->name));
	json_object_set_new(o, "kind", json_string(u->kind));
	json_object_set_new(o, "kind_name", json_string(u->kind_name));
	json_object_set_new(o, "is_locality", json_boolean(u->is_locality));
	json_object_set_new(o, "active", json_boolean(u->active));
	json_object_set_new(o, "parent",
	                    u->parent >= 0 ? json_string(t->units[u->parent].code) : json_null());
	json_object_set_new(o, "depth", json_integer(u->depth));
	json_object_set_new(o, "children", json_integer(u->nchildren));
	json_object_set_new(o, "subtree_size", json_integer(unit_tree_subtree_size(t, i)));
	json_object_set_new(o, "valid_from", app_json_day(u->valid_from));
	json_object_set_new(o, "valid_to", app_json_day(u->valid_to));
	return o;
}

void
app_unit_json_text(const unit_tree_t *t, int32_t i, buf_t *out)
{
	const unit_t *u = &t->units[i];
	buf_puts(out, "{\"code\":");
	buf_put_json_str(out, u->code);
	buf_puts(out, ",\"name\":");
	buf_put_json_str(out, u->name);
	buf_puts(out, ",\"kind\":");
	buf_put_json_str(out, u->kind);
	buf_puts(out, ",\"kind_name\":");
	buf_put_json_str(out, u->kind_name);
	buf_puts(out, u->is_locality ? ",\"is_locality\":true" : ",\"is_locality\":false");
	buf_puts(out, u->active ? ",\"active\":true" : ",\"active\":false");
	buf_puts(out, ",\"parent\":");
	if (u->parent >= 0)
		buf_put_json_str(out, t->units[u->parent].code);
	else
		buf_puts(out, "null");
	buf_puts(out, ",\"depth\":");
	buf_put_int(out, u->depth);
	buf_puts(out, ",\"children\":");
	buf_put_int(out, u->nchildren);
	buf_puts(out, ",\"subtree_size\":");
	buf_put_int(out, unit_tree_subtree_size(t, i));
	buf_puts(out, ",\"valid_from\":");
	put_day_text(out, u->valid_from);
	buf_puts(out, ",\"valid_to\":");
	put_day_text(out, u->valid_to);
	buf_putc(out, '}');
}

json_t *
app_unit_path_json(const unit_tree_t *t, int32_t i)
{
	int32_t chain[256];
	int n = 0;
	for (int32_t p = t->units[i].parent; p >= 0 && n < 256; p = t->units[p].parent)
		chain[n++] = p;
	json_t *a = json_array();
	for (int k = n - 1; k >= 0; k--) {
		json_t *o = json_object();
		json_object_set_new(o, "code", json_string(t->units[chain[k]].code));
		json_object_set_new(o, "name", json_string(t->units[chain[k]].name));
		json_array_append_new(a, o);
	}
	return a;
}

static const char *
status_title(int status)
{
	switch (status) {
	case 400: return "Yêu cầu không hợp lệ";
	case 401: return "Cần đăng nhập";
	case 403: return "Không có quyền truy cập";
	case 404: return "Không tìm thấy";
	case 405: return "Phương thức không được hỗ trợ";
	case 413: return "Dữ liệu quá lớn";
	case 431: return "Phần đầu yêu cầu quá lớn";
	default: return status >= 500 ? "Lỗi máy chủ" : "Không thực hiện được";
	}
}

void
app_error_page(http_req_t *req, int status, const char *message)
{
	const char *msg = message ? message
	                  : status == 404
	                          ? "Không tìm thấy trang bạn yêu cầu. Hãy kiểm tra lại địa chỉ."
	                  : status >= 500 ? "Máy chủ gặp lỗi; vui lòng thử lại sau ít phút."
	                                  : status_title(status);
	buf_t b = BUF_INIT;
	msg = arena_strdup(http_req_arena(req), sayable(msg, &b));
	buf_free(&b);
	const char *path = http_req_path(req);
	if (path && strncmp(path, "/api/", 5) == 0) {
		json_t *e = json_pack("{s:{s:i,s:s}}", "error", "status", status, "message", msg);
		if (app_reply_json(req, status, e) == 0)
			return;
	} else {
		json_t *ctx = json_pack("{s:i,s:s,s:s}", "status", status, "title",
		                        status_title(status), "message", msg);
		if (app_render_page(req, status, "error", status_title(status), ctx) == 0)
			return;
	}
	http_reply(req, status, "text/plain; charset=utf-8", msg, strlen(msg));
}

const char *
app_fmt_count(arena_t *a, int64_t v)
{
	buf_t b = BUF_INIT;
	text_format_int(v, &b);
	char *s = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

const char *
app_fmt_date(arena_t *a, int32_t days)
{
	if (days <= 0)
		return "";
	buf_t b = BUF_INIT;
	text_format_date(days, &b);
	char *s = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

static const char *
fmt_time(arena_t *a, int64_t at, int seconds)
{
	if (at <= 0)
		return "";
	int64_t local = at + 7 * 3600; /* Vietnam: UTC+7, no daylight saving */
	int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
	int64_t sec = local - days * 86400;
	int y, m, d;
	text_civil_from_days((int32_t)days, &y, &m, &d);
	if (seconds)
		return arena_printf(a, "%02d/%02d/%04d %02d:%02d:%02d", d, m, y, (int)(sec / 3600),
		                    (int)(sec / 60 % 60), (int)(sec % 60));
	return arena_printf(a, "%02d/%02d/%04d %02d:%02d", d, m, y, (int)(sec / 3600),
	                    (int)(sec / 60 % 60));
}

const char *
app_fmt_time(arena_t *a, int64_t at)
{
	return fmt_time(a, at, 0);
}

const char *
app_fmt_time_sec(arena_t *a, int64_t at)
{
	return fmt_time(a, at, 1);
}

const char *
app_fmt_days_left(arena_t *a, int32_t due, int32_t today)
{
	if (due <= 0)
		return "";
	if (due > today)
		return arena_printf(a, "còn %d ngày", (int)(due - today));
	if (due == today)
		return "hôm nay là hạn cuối";
	return arena_printf(a, "quá hạn %d ngày", (int)(today - due));
}

int32_t
app_today(void)
{
	return (int32_t)((app_now() + 7 * 3600) / 86400);
}

const char *
app_campaign_status_name(const char *status)
{
	if (status && !strcmp(status, "draft"))
		return "Nháp";
	if (status && !strcmp(status, "open"))
		return "Đang nhận báo cáo";
	if (status && !strcmp(status, "closed"))
		return "Đã đóng";
	return status ? status : "";
}

json_t *
app_unit_path_links(http_req_t *req, const unit_tree_t *t, int32_t i)
{
	json_t *path = app_unit_path_json(t, i);
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	int32_t p = t->units[i].parent;
	/* the array is root first: walk it from its end, which is i's parent */
	for (size_t k = json_array_size(path); k-- > 0 && p >= 0; p = t->units[p].parent)
		json_object_set_new(json_array_get(path, k), "can_view",
		                    json_boolean(access_allowed(t, g, ng, ACT_UNIT_VIEW, p)));
	return path;
}
