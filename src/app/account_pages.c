/* Signing in and out, the user's own account: password change, API tokens, sign-out
 * everywhere. The login answer never tells whether an account exists, costs the same
 * time either way, and is slowed per IP and per username after failures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/log.h"
#include "text/text.h"

/* Throttles: a few free failures in 15 minutes, then doubling waits up to 15 minutes.
 * Per username 5: guessing one account is slowed at once. Per IP many more: a school, a
 * mobile carrier or our own reverse proxy puts many honest people behind one address,
 * and the per-IP limit is only there to slow spraying across usernames. */
#define LOGIN_FREE_FAILURES 5
#define LOGIN_IP_FREE_FAILURES 50
#define LOGIN_WINDOW (15 * 60)
#define LOGIN_MAX_WAIT (15 * 60)

auth_throttle_t *
app_login_throttle_new(int per_ip)
{
	return auth_throttle_new(per_ip ? LOGIN_IP_FREE_FAILURES : LOGIN_FREE_FAILURES,
	                         LOGIN_WINDOW, LOGIN_MAX_WAIT);
}

static int
behind_tls(http_req_t *req)
{
	const char *p = http_req_header(req, "X-Forwarded-Proto");
	return p && strcasecmp(p, "https") == 0;
}

static void
set_cookie(http_req_t *req, const char *name, const char *value, int64_t max_age)
{
	char c[256];
	snprintf(c, sizeof c, "%s=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Lax%s", name, value,
	         (long long)max_age, behind_tls(req) ? "; Secure" : "");
	http_resp_header(req, "Set-Cookie", c);
}

/* Only local paths: "/x", never "//host" nor anything a browser could turn into one
 * (backslashes, and control characters it strips: "/\t/host"). */
static const char *
safe_next(const char *next)
{
	if (next == NULL || next[0] != '/' || next[1] == '/')
		return "/";
	for (const unsigned char *p = (const unsigned char *)next; *p; p++)
		if (*p < 0x20 || *p == 0x7f || *p == '\\')
			return "/";
	return next;
}

const char *
app_prelogin_csrf(http_req_t *req)
{
	const char *csrf = http_req_cookie(req, APP_PRELOGIN_COOKIE);
	if (csrf == NULL || strlen(csrf) < 32) {
		char fresh[AUTH_TOKEN_LEN + 1];
		unsigned char unused[32];
		auth_token_new(fresh, unused);
		set_cookie(req, APP_PRELOGIN_COOKIE, fresh, 24 * 3600);
		csrf = arena_strdup(http_req_arena(req), fresh);
	}
	return csrf;
}

int
app_login_page(http_req_t *req, int status, const char *message)
{
	app_user_t *u = app_req_user(req);
	const char *csrf = u ? u->csrf : app_prelogin_csrf(req);
	const char *next = http_req_param(req, "next");
	if (next == NULL && http_req_method(req) == HTTP_GET &&
	    strcmp(http_req_path(req), "/login"))
		next = http_req_path(req);
	json_t *ctx =
	        json_pack("{s:s,s:s,s:s}", "csrf", csrf, "next", safe_next(next), "username",
	                  http_req_param(req, "username") ? http_req_param(req, "username") : "");
	if (message)
		json_object_set_new(ctx, "error", json_string(message));
	if (strncmp(http_req_path(req), "/api/", 5) == 0) {
		json_decref(ctx);
		app_error_page(req, status, message);
		return 0;
	}
	return app_render_page(req, status, "login", "Đăng nhập", ctx);
}

int
page_login(http_req_t *req)
{
	return app_login_page(req, 200, NULL);
}

typedef struct found_user {
	int64_t id;
	char hash[AUTH_HASH_MAX];
	int disabled, must_change;
} found_user_t;

static int
copy_found(const store_user_t *u, void *p)
{
	found_user_t *f = p;
	f->id = u->id;
	snprintf(f->hash, sizeof f->hash, "%s", u->password_hash);
	f->disabled = u->disabled;
	f->must_change = u->must_change_password;
	return 0;
}

/* Start a session for user id: a new token in the cookie, its hash in the store. */
static int
start_session(http_req_t *req, int64_t user_id)
{
	app_t *app = http_req_app(req);
	char token[AUTH_TOKEN_LEN + 1], csrf[AUTH_TOKEN_LEN + 1];
	unsigned char hash[32], unused[32];
	auth_token_new(token, hash);
	auth_token_new(csrf, unused);
	int64_t sid;
	if (store_session_create(app->store, hash, user_id, csrf, app_now(),
	                         http_req_client_ip(req), &sid) < 0)
		return -1;
	set_cookie(req, APP_SESSION_COOKIE, token, APP_SESSION_MAX);
	return 0;
}

/* The unit a user's events are filed under in the audit log: their first role's. */
static int32_t
user_home_unit(app_t *app, arena_t *a, const unit_tree_t *t, int64_t user_id)
{
	app_user_t *u;
	if (app_load_user(app, a, user_id, &u) != 1)
		return 0;
	for (size_t i = 0; i < u->nroles; i++) {
		int32_t idx = unit_tree_find_id(t, u->roles[i].unit_id);
		if (idx >= 0)
			return idx;
	}
	return 0;
}

/* An event about the signed-in user's own account, filed under their home unit. */
static int
audit_self(http_req_t *req, const char *action, const char *target, const char *new_value)
{
	app_user_t *u = app_req_user(req);
	const unit_tree_t *t = app_req_tree(req);
	return app_audit(req, t, user_home_unit(http_req_app(req), http_req_arena(req), t, u->id),
	                 action, target, NULL, new_value);
}

int
page_login_post(http_req_t *req)
{
	app_t *app = http_req_app(req);
	const char *username = http_req_param(req, "username");
	const char *password = http_req_param(req, "password");
	if (!username)
		username = "";
	if (!password)
		password = "";
	char norm[72], err[256], kuser[96], kip[96];
	int valid = auth_username_normalize(username, norm, err, sizeof err) == 0;
	snprintf(kuser, sizeof kuser, "user:%.70s", valid ? norm : username);
	snprintf(kip, sizeof kip, "ip:%s", http_req_client_ip(req));
	int64_t now = app_now();
	int64_t wait = auth_throttle_wait(app->throttle, kuser, now);
	int64_t wip = auth_throttle_wait(app->ip_throttle, kip, now);
	if (wip > wait)
		wait = wip;
	if (wait > 0) {
		char msg[200], ra[32];
		snprintf(msg, sizeof msg,
		         "Bạn đã đăng nhập sai nhiều lần. Vui lòng thử lại sau %lld giây.",
		         (long long)wait);
		snprintf(ra, sizeof ra, "%lld", (long long)wait);
		http_resp_header(req, "Retry-After", ra);
		return app_login_page(req, 429, msg);
	}
	found_user_t f = {0};
	int found = valid && store_user_find(app->store, norm, copy_found, &f) == 1;
	int ok;
	if (found)
		ok = auth_password_verify(f.hash, password);
	else {
		auth_password_verify_dummy(password);
		ok = 0;
	}
	unit_tree_t *t = app_req_tree(req);
	if (!ok) {
		auth_throttle_fail(app->throttle, kuser, now);
		auth_throttle_fail(app->ip_throttle, kip, now);
		int32_t unit = found ? user_home_unit(app, http_req_arena(req), t, f.id) : 0;
		app_audit(req, t, unit, "login.failed", valid ? norm : "", NULL, NULL);
		return app_login_page(req, 401, "Tên đăng nhập hoặc mật khẩu không đúng.");
	}
	int32_t unit = user_home_unit(app, http_req_arena(req), t, f.id);
	if (f.disabled) {
		app_audit(req, t, unit, "login.disabled", norm, NULL, NULL);
		return app_login_page(req, 403,
		                      "Tài khoản này đã bị khóa. Hãy liên hệ lãnh đạo đơn vị hoặc "
		                      "quản trị viên để mở lại.");
	}
	auth_throttle_reset(app->throttle, kuser);
	if (start_session(req, f.id) < 0) {
		return 500;
	}
	/* the audit entry names the user who signed in */
	app_user_t *u;
	if (app_load_user(app, http_req_arena(req), f.id, &u) == 1)
		app_req_set_user(req, u);
	app_audit(req, t, unit, "login", norm, NULL, NULL);
	return http_redirect(req, 303,
	                     f.must_change ? "/account/password"
	                                   : safe_next(http_req_param(req, "next")));
}

int
page_logout(http_req_t *req)
{
	app_t *app = http_req_app(req);
	app_user_t *u = app_req_user(req);
	if (u->session_id)
		store_session_delete(app->store, u->session_id);
	set_cookie(req, APP_SESSION_COOKIE, "", 0);
	audit_self(req, "logout", u->username, NULL);
	return http_redirect(req, 303, "/");
}

int
page_logout_all(http_req_t *req)
{
	app_t *app = http_req_app(req);
	app_user_t *u = app_req_user(req);
	store_sessions_delete_user(app->store, u->id);
	set_cookie(req, APP_SESSION_COOKIE, "", 0);
	audit_self(req, "logout.all", u->username, NULL);
	return http_redirect(req, 303, "/login");
}

/* The user's roles as unit summaries with the role's name, for pages and the API. */
json_t *
app_roles_json(const unit_tree_t *t, const app_user_t *u)
{
	json_t *a = json_array();
	for (size_t i = 0; i < u->nroles; i++) {
		int32_t idx = unit_tree_find_id(t, u->roles[i].unit_id);
		if (idx < 0)
			continue;
		json_t *o = app_unit_json(t, idx);
		json_object_set_new(o, "role", json_string(role_code(u->roles[i].role)));
		json_object_set_new(o, "role_name", json_string(role_name(u->roles[i].role)));
		json_array_append_new(a, o);
	}
	return a;
}

static int
token_row(const store_token_t *tk, void *p)
{
	json_t *arr = p;
	buf_t d = BUF_INIT;
	text_format_date((int32_t)(tk->created_at / 86400), &d);
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:b}", "id", (json_int_t)tk->id, "name", tk->name,
	                      "prefix", tk->prefix, "created", buf_cstr(&d), "revoked",
	                      tk->revoked_at != 0);
	buf_free(&d);
	if (tk->last_used_at) {
		buf_t l = BUF_INIT;
		text_format_date((int32_t)(tk->last_used_at / 86400), &l);
		json_object_set_new(o, "last_used", json_string(buf_cstr(&l)));
		buf_free(&l);
	}
	json_array_append_new(arr, o);
	return 0;
}

static int
render_account(http_req_t *req, int status, const char *ok, const char *error,
               const char *new_token)
{
	app_t *app = http_req_app(req);
	app_user_t *u = app_req_user(req);
	unit_tree_t *t = app_req_tree(req);
	json_t *ctx = json_object();
	json_object_set_new(ctx, "user",
	                    json_pack("{s:s,s:s,s:s}", "username", u->username, "full_name",
	                              u->full_name, "email", u->email));
	json_object_set_new(ctx, "roles", app_roles_json(t, u));
	json_t *tokens = json_array();
	store_tokens_of_user(app->store, u->id, token_row, tokens);
	json_object_set_new(ctx, "has_tokens", json_boolean(json_array_size(tokens) > 0));
	json_object_set_new(ctx, "tokens", tokens);
	if (ok)
		json_object_set_new(ctx, "ok", json_string(ok));
	if (error)
		json_object_set_new(ctx, "error", json_string(error));
	if (new_token)
		json_object_set_new(ctx, "new_token", json_string(new_token));
	return app_render_page(req, status, "account", "Tài khoản của tôi", ctx);
}

int
page_account(http_req_t *req)
{
	const char *done = http_req_param(req, "done");
	const char *ok = NULL;
	if (done && !strcmp(done, "password"))
		ok = "Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã được đóng.";
	else if (done && !strcmp(done, "revoked"))
		ok = "Đã thu hồi mã truy cập.";
	return render_account(req, 200, ok, NULL, NULL);
}

static int
render_password(http_req_t *req, int status, const char *error)
{
	app_user_t *u = app_req_user(req);
	json_t *ctx = json_pack("{s:b}", "forced", u->must_change_password);
	if (error)
		json_object_set_new(ctx, "error", json_string(error));
	json_object_set_new(ctx, "min", json_integer(AUTH_PASSWORD_MIN));
	return app_render_page(req, status, "password", "Đổi mật khẩu", ctx);
}

int
page_password(http_req_t *req)
{
	return render_password(req, 200, NULL);
}

int
page_password_post(http_req_t *req)
{
	app_t *app = http_req_app(req);
	app_user_t *u = app_req_user(req);
	const char *cur = http_req_param(req, "current");
	const char *pw = http_req_param(req, "new");
	const char *again = http_req_param(req, "confirm");
	found_user_t f = {0};
	if (store_user_get(app->store, u->id, copy_found, &f) != 1)
		return 500;
	if (!cur || !auth_password_verify(f.hash, cur))
		return render_password(req, 400, "Mật khẩu hiện tại không đúng.");
	char err[256];
	if (!pw || auth_password_policy(u->username, pw, err, sizeof err) < 0)
		return render_password(req, 400, pw ? err : "Hãy nhập mật khẩu mới.");
	if (!again || strcmp(pw, again) != 0)
		return render_password(req, 400, "Hai lần nhập mật khẩu mới không khớp nhau.");
	if (!strcmp(pw, cur))
		return render_password(req, 400, "Mật khẩu mới phải khác mật khẩu hiện tại.");
	char hash[AUTH_HASH_MAX];
	if (auth_password_hash(pw, hash) < 0)
		return 500;
	store_user_t upd = {.id = u->id,
	                    .full_name = u->full_name,
	                    .email = u->email,
	                    .password_hash = hash,
	                    .must_change_password = 0,
	                    .disabled = 0};
	/* the new password, the other sessions ended (this device gets a fresh one) and the
	 * audit entry: one transaction */
	if (store_tx_begin(app->store) < 0)
		return 500;
	if (store_user_update(app->store, &upd) != 1 ||
	    store_sessions_delete_user(app->store, u->id) < 0 || start_session(req, u->id) < 0 ||
	    audit_self(req, "password.change", u->username, NULL) < 0) {
		store_tx_rollback(app->store);
		return 500;
	}
	if (store_tx_commit(app->store) < 0)
		return 500;
	return http_redirect(req, 303, "/account?done=password");
}

int
page_token_create(http_req_t *req)
{
	app_t *app = http_req_app(req);
	app_user_t *u = app_req_user(req);
	const char *name = http_req_param(req, "name");
	while (name && *name == ' ')
		name++;
	if (!name || !*name || strlen(name) > 100)
		return render_account(req, 400, NULL,
		                      "Hãy đặt tên cho mã truy cập (tối đa 100 ký tự), ví dụ "
		                      "\"Phần mềm tổng hợp của Sở\".",
		                      NULL);
	char raw[AUTH_TOKEN_LEN + 1], token[AUTH_TOKEN_LEN + 4], prefix[16];
	unsigned char hash[32];
	auth_token_new(raw, hash);
	/* "sd_" marks our tokens in logs and secret scanners; the hash covers all of it */
	snprintf(token, sizeof token, "sd_%s", raw);
	auth_token_hash(token, strlen(token), hash);
	snprintf(prefix, sizeof prefix, "%.9s", token);
	int64_t id;
	if (store_tx_begin(app->store) < 0)
		return 500;
	if (store_token_create(app->store, u->id, name, hash, prefix, app_now(), &id) < 0 ||
	    audit_self(req, "token.create", name, prefix) < 0) {
		store_tx_rollback(app->store);
		return 500;
	}
	if (store_tx_commit(app->store) < 0)
		return 500;
	return render_account(req, 201, "Đã tạo mã truy cập mới.", NULL, token);
}

int
page_token_revoke(http_req_t *req)
{
	app_t *app = http_req_app(req);
	app_user_t *u = app_req_user(req);
	const char *idp = http_req_param(req, "id");
	int64_t id;
	if (!idp || text_parse_int(idp, strlen(idp), &id) < 0) {
		app_error_page(req, 404, "Không tìm thấy mã truy cập này trong tài khoản của bạn.");
		return 0;
	}
	/* the revocation and its audit entry: one transaction */
	if (store_tx_begin(app->store) < 0)
		return 500;
	int rc = store_token_revoke(app->store, u->id, id, app_now());
	if (rc != 1 || audit_self(req, "token.revoke", idp, NULL) < 0) {
		store_tx_rollback(app->store);
		if (rc != 0)
			return 500;
		app_error_page(req, 404, "Không tìm thấy mã truy cập này trong tài khoản của bạn.");
		return 0;
	}
	if (store_tx_commit(app->store) < 0)
		return 500;
	return http_redirect(req, 303, "/account?done=revoked");
}

int
api_me(http_req_t *req)
{
	app_user_t *u = app_req_user(req);
	unit_tree_t *t = app_req_tree(req);
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:b}", "id", (json_int_t)u->id, "username",
	                      u->username, "full_name", u->full_name, "email", u->email,
	                      "must_change_password", u->must_change_password);
	json_object_set_new(o, "roles", app_roles_json(t, u));
	return app_reply_json(req, 200, o);
}
