/* Managing people: who acts for a unit, creating accounts (one or one per unit of a
 * subtree), disabling, resetting passwords, granting and revoking roles. Access to each
 * route is decided by the guard; which role a person may give where is decided by
 * access_can_grant. Generated passwords are shown (or exported) once and must be changed
 * at first sign-in. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/log.h"
#include "core/mem.h"
#include "domain/accounts.h"
#include "domain/jsonin.h"
#include "export/table.h"
#include "text/text.h"

#define MAX_LISTED 1000
#define MAX_BULK 5000

/* ---------- listing ---------- */

typedef struct list_ctx {
	const unit_tree_t *t;
	int32_t lo, hi; /* subtree range, or the unit alone */
	json_t *rows;
	size_t n;
} list_ctx_t;

static int
role_row(const store_role_t *r, void *p)
{
	list_ctx_t *c = p;
	int32_t idx = unit_tree_find_id(c->t, r->unit_id);
	if (idx < c->lo || idx >= c->hi)
		return 0;
	if (c->n++ >= MAX_LISTED)
		return 1;
	role_t role;
	json_t *o = json_pack("{s:I,s:s,s:s,s:b,s:s,s:s,s:s}", "user_id", (json_int_t)r->user_id,
	                      "username", r->username, "full_name", r->full_name, "disabled",
	                      r->disabled, "role", r->role, "role_name",
	                      role_parse(r->role, &role) == 0 ? role_name(role) : r->role,
	                      "unit_code", c->t->units[idx].code);
	json_object_set_new(o, "unit_name", json_string(c->t->units[idx].name));
	json_array_append_new(c->rows, o);
	return 0;
}

/* Roles at unit i (or in its whole subtree) as rows. */
static json_t *
list_roles(app_t *app, const unit_tree_t *t, int32_t i, int subtree, size_t *count)
{
	list_ctx_t c = {t, i, subtree ? t->units[i].end : i + 1, json_array(), 0};
	if (subtree)
		store_roles_each(app->store, role_row, &c);
	else
		store_roles_at_unit(app->store, t->units[i].id, role_row, &c);
	*count = c.n;
	return c.rows;
}

/* Roles the request's user may give on unit i, for the form's select. */
static json_t *
grantable(http_req_t *req, const unit_tree_t *t, int32_t i)
{
	access_grant_t *g;
	size_t n = app_user_grants(req, t, &g);
	json_t *a = json_array();
	for (int r = 0; r < ROLE_COUNT; r++)
		if (access_can_grant(t, g, n, (role_t)r, i))
			json_array_append_new(
			        a, json_pack("{s:s,s:s,s:b}", "code", role_code((role_t)r), "name",
			                     role_name((role_t)r), "selected", r == ROLE_ENTRY));
	return a;
}

static int
render_users(http_req_t *req, int status, const char *error, const char *created_user,
             const char *created_password)
{
	app_t *app = http_req_app(req);
	unit_tree_t *t = app_req_tree(req);
	int32_t i = unit_tree_find_code(t, http_req_param(req, "code"));
	const char *scope = http_req_param(req, "scope");
	int subtree = scope && !strcmp(scope, "subtree");
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	json_t *ctx = json_object();
	json_t *unit = app_unit_json(t, i);
	json_object_set_new(ctx, "unit", unit);
	json_object_set_new(ctx, "path", app_unit_path_json(t, i));
	size_t count;
	json_object_set_new(ctx, "rows", list_roles(app, t, i, subtree, &count));
	json_object_set_new(ctx, "count", app_json_count((int64_t)count));
	json_object_set_new(ctx, "truncated", json_boolean(count > MAX_LISTED));
	json_object_set_new(ctx, "subtree", json_boolean(subtree));
	json_object_set_new(ctx, "has_children", json_boolean(t->units[i].nchildren > 0));
	int manage = access_allowed(t, g, ng, ACT_USERS_MANAGE, i);
	json_object_set_new(ctx, "can_manage", json_boolean(manage));
	json_object_set_new(ctx, "can_audit",
	                    json_boolean(access_allowed(t, g, ng, ACT_AUDIT_READ, i)));
	if (manage)
		json_object_set_new(ctx, "roles", grantable(req, t, i));
	if (error) {
		json_object_set_new(ctx, "error", json_string(error));
		const char *keep[] = {"username", "full_name", "email"};
		for (int k = 0; k < 3; k++) {
			const char *v = http_req_param(req, keep[k]);
			json_object_set_new(ctx, keep[k], json_string(v ? v : ""));
		}
	}
	if (created_user) {
		json_object_set_new(ctx, "created_user", json_string(created_user));
		json_object_set_new(ctx, "created_password", json_string(created_password));
	}
	char title[400];
	snprintf(title, sizeof title, "Người dùng — %s", t->units[i].name);
	return app_render_page(req, status, "users", title, ctx);
}

int
page_unit_users(http_req_t *req)
{
	return render_users(req, 200, NULL, NULL, NULL);
}

/* ---------- creating ---------- */

typedef struct new_user {
	const char *username, *full_name, *email, *role;
} new_user_t;

/* Validate and create one account with a role on unit i, inside the caller's
 * transaction. 0 with the new id; otherwise an HTTP status and a Vietnamese message
 * (NULL for a server error). hash is the generated password's hash. */
static int
create_one(http_req_t *req, const unit_tree_t *t, int32_t i, const new_user_t *nu, const char *hash,
           int64_t *id, const char **msg)
{
	app_t *app = http_req_app(req);
	static _Thread_local char err[300];
	char norm[72];
	role_t role;
	*msg = err;
	if (!nu->role || role_parse(nu->role, &role) < 0) {
		*msg = "Hãy chọn vai trò: admin, head, overseer, entry hoặc viewer.";
		return 400;
	}
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	if (!access_can_grant(t, g, ng, role, i)) {
		*msg = "Bạn không thể giao vai trò này ở đơn vị này: không ai được cấp quyền lớn "
		       "hơn "
		       "quyền mình đang có.";
		return 403;
	}
	account_new_t a = {nu->username,   nu->full_name, nu->email, role,
	                   t->units[i].id, hash,          1,         app_req_user(req)->id};
	int rc = accounts_create(app->store, &a, norm, id, err, sizeof err);
	if (rc != 0) {
		if (rc < 0)
			*msg = NULL;
		return rc < 0 ? 500 : rc;
	}
	/* the entries go in the caller's transaction: no account without its record */
	if (app_audit(req, t, i, "user.create", norm, NULL, NULL) < 0 ||
	    app_audit(req, t, i, "role.grant", norm, NULL, role_code(role)) < 0) {
		*msg = NULL;
		return 500;
	}
	return 0;
}

/* Create from request values; on success *password holds the generated password. */
static int
create_from(http_req_t *req, const new_user_t *nu, char *password, int64_t *id, const char **msg)
{
	app_t *app = http_req_app(req);
	static _Thread_local char err[300];
	char norm[72];
	/* refuse a bad name before spending an argon2id hash on it */
	if (auth_username_normalize(nu->username ? nu->username : "", norm, err, sizeof err) < 0) {
		*msg = err;
		return 400;
	}
	unit_tree_t *t = app_req_tree(req);
	int32_t i = unit_tree_find_code(t, http_req_param(req, "code"));
	char hash[AUTH_HASH_MAX];
	auth_password_generate(password);
	/* hash before the transaction: argon2id takes a while and the store waits for no one */
	if (auth_password_hash_generated(password, hash) < 0 || store_tx_begin(app->store) < 0) {
		*msg = NULL;
		return 500;
	}
	int st = create_one(req, t, i, nu, hash, id, msg);
	if (st == 0 && store_tx_commit(app->store) < 0) {
		st = 500;
		*msg = NULL;
	} else if (st != 0)
		store_tx_rollback(app->store);
	return st;
}

int
page_unit_users_post(http_req_t *req)
{
	new_user_t nu = {http_req_param(req, "username"), http_req_param(req, "full_name"),
	                 http_req_param(req, "email"), http_req_param(req, "role")};
	char password[AUTH_GENERATED_LEN + 1];
	int64_t id;
	const char *msg;
	int st = create_from(req, &nu, password, &id, &msg);
	if (st == 500 || (st != 0 && msg == NULL))
		return 500;
	if (st != 0)
		return render_users(req, st, msg, NULL, NULL);
	char norm[72], err[64];
	auth_username_normalize(nu.username, norm, err, sizeof err);
	return render_users(req, 201, NULL, norm, password);
}

int
api_unit_users(http_req_t *req)
{
	app_t *app = http_req_app(req);
	unit_tree_t *t = app_req_tree(req);
	int32_t i = unit_tree_find_code(t, http_req_param(req, "code"));
	size_t count;
	json_t *rows = list_roles(app, t, i, 0, &count);
	json_t *o = json_pack("{s:s,s:o}", "unit", t->units[i].code, "users", rows);
	return app_reply_json(req, 200, o);
}

int
api_unit_users_post(http_req_t *req)
{
	/* the typed reader (domain/jsonin.h): four strings, nothing else */
	new_user_t nu = {NULL, NULL, NULL, NULL};
	const jsonin_field_t fields[] = {
	        {.name = "username", .type = JSONIN_STRING, .out = &nu.username},
	        {.name = "full_name", .type = JSONIN_STRING, .out = &nu.full_name},
	        {.name = "email", .type = JSONIN_STRING, .out = &nu.email},
	        {.name = "role", .type = JSONIN_STRING, .out = &nu.role},
	};
	size_t len;
	const char *body = http_req_body(req, &len);
	const char *why;
	if (jsonin_read(body, len, 0, fields, 4, http_req_arena(req), NULL, &why) < 0) {
		app_error_page(req, 400, why);
		return 0;
	}
	char password[AUTH_GENERATED_LEN + 1];
	int64_t id;
	const char *msg;
	int st = create_from(req, &nu, password, &id, &msg);
	if (st != 0) {
		if (msg == NULL)
			return 500;
		app_error_page(req, st, msg);
		return 0;
	}
	char norm[72], err[64];
	auth_username_normalize(nu.username, norm, err, sizeof err);
	json_t *o = json_pack("{s:I,s:s,s:s,s:b}", "id", (json_int_t)id, "username", norm,
	                      "password", password, "must_change_password", 1);
	return app_reply_json(req, 201, o);
}

/* ---------- bulk: one account per unit of a subtree ---------- */

static int
bulk_kind_matches(const char *scope, const unit_t *u)
{
	if (u->is_locality)
		return 0;
	int school = !strncmp(u->kind, "truong_", 7);
	int clc = !strcmp(u->kind, "tthtcd");
	if (!strcmp(scope, "schools"))
		return school;
	if (!strcmp(scope, "clcs"))
		return clc;
	if (!strcmp(scope, "bodies"))
		return 1;
	return school || clc; /* "schools_clcs", the default */
}

static int
render_bulk(http_req_t *req, int status, const char *error, const char *info)
{
	unit_tree_t *t = app_req_tree(req);
	int32_t i = unit_tree_find_code(t, http_req_param(req, "code"));
	json_t *ctx = json_object();
	json_object_set_new(ctx, "unit", app_unit_json(t, i));
	json_object_set_new(ctx, "path", app_unit_path_json(t, i));
	json_t *roles = grantable(req, t, i);
	json_object_set_new(ctx, "roles", roles);
	if (error)
		json_object_set_new(ctx, "error", json_string(error));
	if (info)
		json_object_set_new(ctx, "info", json_string(info));
	return app_render_page(req, status, "users_bulk", "Tạo tài khoản hàng loạt", ctx);
}

int
page_users_bulk(http_req_t *req)
{
	return render_bulk(req, 200, NULL, NULL);
}

typedef struct bulk_row {
	int32_t unit;
	char username[72];
	char password[AUTH_GENERATED_LEN + 1];
	char hash[AUTH_HASH_MAX];
	const char *note;
} bulk_row_t;

static int
exists_cb(const store_user_t *u, void *p)
{
	(void)u;
	(void)p;
	return 0;
}

int
page_users_bulk_post(http_req_t *req)
{
	app_t *app = http_req_app(req);
	const char *scope = http_req_param(req, "scope");
	const char *rolep = http_req_param(req, "role");
	const char *format = http_req_param(req, "format");
	if (!scope || !*scope)
		scope = "schools_clcs";
	if (strcmp(scope, "schools_clcs") && strcmp(scope, "schools") && strcmp(scope, "clcs") &&
	    strcmp(scope, "bodies"))
		return render_bulk(req, 400, "Phạm vi đơn vị không hợp lệ.", NULL);
	int xlsx = !format || strcmp(format, "csv") != 0;
	role_t role;
	if (!rolep || role_parse(rolep, &role) < 0)
		return render_bulk(req, 400, "Hãy chọn vai trò cho các tài khoản mới.", NULL);
	unit_tree_t *t = app_req_tree(req);
	int32_t top = unit_tree_find_code(t, http_req_param(req, "code"));
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	if (!access_can_grant(t, g, ng, role, top)) {
		return render_bulk(
		        req, 403,
		        "Bạn không thể giao vai trò này trong đơn vị này: không ai được cấp "
		        "quyền lớn hơn quyền mình đang có.",
		        NULL);
	}
	size_t cap = 0, n = 0, created = 0;
	bulk_row_t *rows = NULL;
	for (int32_t i = top; i < t->units[top].end; i++) {
		const unit_t *u = &t->units[i];
		if (!bulk_kind_matches(scope, u))
			continue;
		if (n == MAX_BULK) {
			free(rows);
			return render_bulk(
			        req, 400,
			        "Quá nhiều đơn vị trong một lần (tối đa 5.000): hãy chọn một "
			        "cấp nhỏ hơn.",
			        NULL);
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			rows = xrealloc(rows, size_mul(cap, sizeof *rows));
		}
		bulk_row_t *r = &rows[n++];
		memset(r, 0, sizeof *r);
		r->unit = i;
		char err[200];
		if (auth_username_normalize(u->code, r->username, err, sizeof err) < 0)
			r->note = "Mã đơn vị không dùng được làm tên đăng nhập";
		else if (!access_can_grant(t, g, ng, role, i))
			r->note = "Bạn không có quyền giao vai trò này ở đơn vị này";
		else if (store_user_find(app->store, r->username, exists_cb, NULL) == 1)
			r->note = "Đã có tài khoản";
		else {
			auth_password_generate(r->password);
			if (auth_password_hash_generated(r->password, r->hash) < 0) {
				free(rows);
				return 500;
			}
		}
	}
	if (n == 0) {
		free(rows);
		return render_bulk(req, 200, NULL, "Không có đơn vị nào thuộc phạm vi đã chọn.");
	}
	/* all accounts in one transaction: a failure leaves none half-made */
	int ok = store_tx_begin(app->store) == 0;
	for (size_t k = 0; ok && k < n; k++) {
		bulk_row_t *r = &rows[k];
		if (r->note)
			continue;
		account_new_t na = {r->username, t->units[r->unit].name, t->units[r->unit].email,
		                    role,        t->units[r->unit].id,   r->hash,
		                    1,           app_req_user(req)->id};
		char norm[72], msg[300];
		int64_t id;
		int rc = accounts_create(app->store, &na, norm, &id, msg, sizeof msg);
		if (rc > 0) { /* taken meanwhile, or a unit e-mail the form would refuse */
			r->note = rc == 409 ? "Đã có tài khoản"
			                    : arena_strdup(http_req_arena(req), msg);
			r->password[0] = '\0';
			continue;
		}
		ok = rc == 0 &&
		     app_audit(req, t, r->unit, "user.create", r->username, NULL, NULL) == 0 &&
		     app_audit(req, t, r->unit, "role.grant", r->username, NULL, role_code(role)) ==
		             0;
		if (ok)
			created++;
	}
	if (ok) {
		char summary[64];
		snprintf(summary, sizeof summary, "%zu", created);
		ok = app_audit(req, t, top, "users.bulk", scope, NULL, summary) == 0;
		if (ok)
			ok = store_tx_commit(app->store) == 0;
		else
			store_tx_rollback(app->store);
	} else
		store_tx_rollback(app->store);
	if (!ok) {
		free(rows);
		return 500;
	}
	if (created == 0) {
		free(rows);
		return render_bulk(
		        req, 200, NULL,
		        "Không tạo tài khoản mới nào: mọi đơn vị trong phạm vi đã có tài "
		        "khoản.");
	}
	/* the export is the only place the initial passwords ever appear */
	static const char *const header[] = {"Mã đơn vị",        "Tên đơn vị", "Tên đăng nhập",
	                                     "Mật khẩu ban đầu", "Vai trò",    "Ghi chú"};
	const char **cells = xcalloc(n * 6, sizeof *cells);
	for (size_t k = 0; k < n; k++) {
		const bulk_row_t *r = &rows[k];
		cells[k * 6 + 0] = t->units[r->unit].code;
		cells[k * 6 + 1] = t->units[r->unit].name;
		cells[k * 6 + 2] = r->username;
		cells[k * 6 + 3] = r->note ? "" : r->password;
		cells[k * 6 + 4] = r->note ? "" : role_name(role);
		cells[k * 6 + 5] = r->note ? r->note : "Đổi mật khẩu khi đăng nhập lần đầu";
	}
	char title[300];
	snprintf(title, sizeof title, "Tài khoản — %s", t->units[top].name);
	table_t tb = {title, header, 6, cells, n, NULL};
	buf_t out = BUF_INIT;
	char err[256];
	int rc = 0;
	if (xlsx)
		rc = table_write_xlsx(&tb, &out, err, sizeof err);
	else
		table_write_csv(&tb, &out);
	char disp[200];
	snprintf(disp, sizeof disp, "attachment; filename=\"tai-khoan-%s.%s\"", t->units[top].code,
	         xlsx ? "xlsx" : "csv");
	free(cells);
	for (size_t k = 0; k < n; k++)
		sodium_memzero(rows[k].password, sizeof rows[k].password);
	free(rows);
	if (rc < 0) {
		buf_free(&out);
		log_error("bulk export: %s", err);
		return 500;
	}
	http_resp_header(req, "Content-Disposition", disp);
	http_resp_header(req, "Cache-Control", "no-store");
	return http_reply_buf(
	        req, 201,
	        xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	             : "text/csv; charset=utf-8",
	        &out);
}

/* ---------- one user ---------- */

static int
render_user(http_req_t *req, int status, const char *ok, const char *error, const char *password)
{
	app_user_t *target = app_req_target_user(req);
	app_user_t *me = app_req_user(req);
	unit_tree_t *t = app_req_tree(req);
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	json_t *roles = app_roles_json(t, target);
	size_t k;
	json_t *r;
	int self = target->id == me->id;
	json_array_foreach(roles, k, r)
	{
		role_t role;
		role_parse(json_string_value(json_object_get(r, "role")), &role);
		int32_t unit =
		        unit_tree_find_code(t, json_string_value(json_object_get(r, "code")));
		json_object_set_new(r, "can_revoke",
		                    json_boolean(!self && access_can_grant(t, g, ng, role, unit)));
	}
	json_t *ctx = json_object();
	json_object_set_new(ctx, "target",
	                    json_pack("{s:I,s:s,s:s,s:s,s:b,s:b}", "id", (json_int_t)target->id,
	                              "username", target->username, "full_name", target->full_name,
	                              "email", target->email, "disabled", target->disabled,
	                              "must_change", target->must_change_password));
	json_object_set_new(ctx, "roles", roles);
	json_object_set_new(ctx, "self", json_boolean(self));
	json_object_set_new(
	        ctx, "can_manage",
	        json_boolean(!self && app_user_access(req, t, target, ACT_USERS_MANAGE)));
	json_t *opts = json_array();
	for (int i = 0; i < ROLE_COUNT; i++)
		json_array_append_new(opts, json_pack("{s:s,s:s}", "code", role_code((role_t)i),
		                                      "name", role_name((role_t)i)));
	json_object_set_new(ctx, "role_options", opts);
	if (ok)
		json_object_set_new(ctx, "ok", json_string(ok));
	if (error)
		json_object_set_new(ctx, "error", json_string(error));
	if (password)
		json_object_set_new(ctx, "password", json_string(password));
	char title[200];
	snprintf(title, sizeof title, "Người dùng %s", target->username);
	return app_render_page(req, status, "user", title, ctx);
}

int
page_user(http_req_t *req)
{
	return render_user(req, 200, NULL, NULL, NULL);
}

typedef struct hash_copy {
	store_user_t *dst;
	arena_t *a;
} hash_copy_t;

static int
copy_hash_into(const store_user_t *u, void *p)
{
	hash_copy_t *c = p;
	c->dst->password_hash = arena_strdup(c->a, u->password_hash);
	return 0;
}

/* store_user_update writes every field: fill in the stored password hash unchanged. */
static int
keep_hash(http_req_t *req, store_user_t *su)
{
	app_t *app = http_req_app(req);
	hash_copy_t c = {su, http_req_arena(req)};
	return store_user_get(app->store, su->id, copy_hash_into, &c) == 1 ? 0 : -1;
}

/* Managing actions on oneself go through the account page, never here: a head cannot
 * lock themself out or lift their own roles. */
static int
refuse_self(http_req_t *req)
{
	app_user_t *target = app_req_target_user(req);
	if (target->id != app_req_user(req)->id)
		return 0;
	app_error_page(req, 403,
	               "Bạn không thể tự khóa, đặt lại mật khẩu hay đổi vai trò của chính mình; "
	               "hãy dùng trang Tài khoản hoặc nhờ cấp trên.");
	return 1;
}

static int
audit_user(http_req_t *req, const app_user_t *target, const char *action, const char *old_value,
           const char *new_value)
{
	unit_tree_t *t = app_req_tree(req);
	int32_t unit = 0;
	for (size_t i = 0; i < target->nroles && unit == 0; i++) {
		int32_t idx = unit_tree_find_id(t, target->roles[i].unit_id);
		if (idx >= 0)
			unit = idx;
	}
	return app_audit(req, t, unit, action, target->username, old_value, new_value);
}

int
page_user_disable(http_req_t *req)
{
	if (refuse_self(req))
		return 0;
	app_t *app = http_req_app(req);
	app_user_t *target = app_req_target_user(req);
	const char *v = http_req_param(req, "disabled");
	if (!v || (strcmp(v, "0") && strcmp(v, "1")))
		return render_user(req, 400, NULL, "Giá trị khóa tài khoản phải là 0 hoặc 1.",
		                   NULL);
	int disable = v[0] == '1';
	store_user_t su = {.id = target->id,
	                   .full_name = target->full_name,
	                   .email = target->email,
	                   .must_change_password = target->must_change_password,
	                   .disabled = disable};
	/* the lock, the closed sessions and the audit entry: all or nothing */
	if (keep_hash(req, &su) < 0 || store_tx_begin(app->store) < 0)
		return 500;
	int ok = store_user_update(app->store, &su) == 1 &&
	         (!disable || store_sessions_delete_user(app->store, target->id) >= 0) &&
	         audit_user(req, target, disable ? "user.disable" : "user.enable",
	                    target->disabled ? "1" : "0", disable ? "1" : "0") == 0;
	if (app_tx_end(req, ok) < 0)
		return 500;
	char loc[64];
	snprintf(loc, sizeof loc, "/users/%lld", (long long)target->id);
	return http_redirect(req, 303, loc);
}

int
page_user_reset(http_req_t *req)
{
	if (refuse_self(req))
		return 0;
	app_t *app = http_req_app(req);
	app_user_t *target = app_req_target_user(req);
	char password[AUTH_GENERATED_LEN + 1], hash[AUTH_HASH_MAX];
	auth_password_generate(password);
	if (auth_password_hash_generated(password, hash) < 0)
		return 500;
	store_user_t su = {.id = target->id,
	                   .full_name = target->full_name,
	                   .email = target->email,
	                   .password_hash = hash,
	                   .must_change_password = 1,
	                   .disabled = target->disabled};
	if (store_tx_begin(app->store) < 0)
		return 500;
	int ok = store_user_update(app->store, &su) == 1 &&
	         store_sessions_delete_user(app->store, target->id) >= 0 &&
	         audit_user(req, target, "password.reset", NULL, NULL) == 0;
	if (app_tx_end(req, ok) < 0)
		return 500;
	return render_user(req, 200,
	                   "Đã đặt lại mật khẩu. Người dùng phải đổi mật khẩu khi đăng nhập lần "
	                   "sau; các phiên đăng nhập cũ đã bị đóng.",
	                   NULL, password);
}

/* Grant (add) or revoke a role on a unit given by its code, within the actor's rights. */
static int
change_role(http_req_t *req, int grant)
{
	if (refuse_self(req))
		return 0;
	app_t *app = http_req_app(req);
	app_user_t *target = app_req_target_user(req);
	const char *code = http_req_param(req, "unit");
	const char *rolep = http_req_param(req, "role");
	role_t role;
	if (!rolep || role_parse(rolep, &role) < 0)
		return render_user(req, 400, NULL, "Hãy chọn một vai trò hợp lệ.", NULL);
	unit_tree_t *t = app_req_tree(req);
	int32_t unit = code ? unit_tree_find_code(t, code) : -1;
	if (unit < 0) {
		return render_user(
		        req, 400, NULL,
		        "Không tìm thấy đơn vị với mã đã nhập; hãy tra mã ở trang Tìm kiếm.", NULL);
	}
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	if (!access_can_grant(t, g, ng, role, unit)) {
		return render_user(
		        req, 403, NULL,
		        "Bạn không thể giao hay thu hồi vai trò này ở đơn vị này: không ai "
		        "được cấp quyền lớn hơn quyền mình đang có.",
		        NULL);
	}
	if (store_tx_begin(app->store) < 0)
		return 500;
	int rc = grant ? store_role_grant(app->store, target->id, t->units[unit].id,
	                                  role_code(role), app_req_user(req)->id, app_now())
	               : store_role_revoke(app->store, target->id, t->units[unit].id,
	                                   role_code(role));
	/* a role changed (rc 1) is recorded in the same transaction; none changed, none */
	int ok =
	        rc >= 0 && (rc != 1 || app_audit(req, t, unit, grant ? "role.grant" : "role.revoke",
	                                         target->username, grant ? NULL : role_code(role),
	                                         grant ? role_code(role) : NULL) == 0);
	if (app_tx_end(req, ok) < 0)
		return 500;
	char loc[64];
	snprintf(loc, sizeof loc, "/users/%lld", (long long)target->id);
	return http_redirect(req, 303, loc);
}

int
page_user_role_add(http_req_t *req)
{
	return change_role(req, 1);
}

int
page_user_role_remove(http_req_t *req)
{
	return change_role(req, 0);
}
