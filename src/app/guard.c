/* The guard every route passes through: who is asking (session cookie or API token),
 * whether a state-changing request carries its CSRF token, and whether the route's
 * declared action is allowed on its target unit. Routes declare their action as
 * "public", "self", "self.password" (allowed while a password change is pending),
 * "unit:<action>" (target = the :code unit), "qunit:<action>" (target = the unit named by
 * the "unit" query parameter, for routes over a subtree), "user:<action>" (target = the :id user's
 * units), "root:<action>" (target = the national root: things of the whole system) or
 * "below:<action>" (the action on every unit strictly under the :code unit: a level's
 * review queue, src/app/review_pages.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "app/app.h"
#include "app/form.h"
#include "app/authcache.h"
#include "core/log.h"
#include "domain/campaign.h"
#include "text/text.h"

/* Refresh last-seen times at most this often: a write per request would make every
 * page view a disk sync. */
#define TOUCH_EVERY 60

enum target {
	T_PUBLIC,
	T_METRICS,
	T_SELF,
	T_SELF_PASSWORD,
	T_UNIT,
	T_QUNIT,
	T_USER,
	T_ROOT,
	T_BELOW,
	T_BAD
};

int64_t
app_now(void)
{
	return (int64_t)time(NULL);
}

/* What the app keeps per request: who asks, and the one tree snapshot the guard and the
 * handler both read (released when the request completes). */
typedef struct req_ctx {
	app_user_t *user;
	unit_tree_t *tree;
	int32_t day;      /* of the tree */
	int day_resolved; /* day is set */
	int day_given;    /* asked for: a campaign's day, or ngay/as_of */
} req_ctx_t;

static req_ctx_t *
ctx_of(http_req_t *req)
{
	req_ctx_t *c = http_req_user(req);
	if (c == NULL) {
		c = arena_alloc(http_req_arena(req), sizeof *c);
		memset(c, 0, sizeof *c);
		http_req_set_user(req, c);
	}
	return c;
}

app_user_t *
app_req_user(http_req_t *req)
{
	req_ctx_t *c = http_req_user(req);
	return c ? c->user : NULL;
}

void
app_req_set_user(http_req_t *req, app_user_t *u)
{
	ctx_of(req)->user = u;
}

static int deny(http_req_t *req, int status, const char *message);

static void
release_tree(void *t)
{
	unit_tree_unref(t);
}

unit_tree_t *
app_req_tree(http_req_t *req)
{
	req_ctx_t *c = ctx_of(req);
	if (c->tree == NULL) {
		app_t *app = http_req_app(req);
		c->tree = c->day_resolved ? app_tree_at(app, c->day) : app_tree(app);
		http_req_defer(req, release_tree, c->tree);
	}
	return c->tree;
}

unit_tree_t *
app_req_swap_tree(http_req_t *req, unit_tree_t *t)
{
	req_ctx_t *c = ctx_of(req);
	unit_tree_t *old = c->tree;
	c->tree = t;
	return old;
}

void
app_req_keep_tree(http_req_t *req, unit_tree_t *t)
{
	http_req_defer(req, release_tree, t);
}

int32_t
app_req_day(http_req_t *req)
{
	req_ctx_t *c = ctx_of(req);
	return c->day_resolved ? c->day : app_req_tree(req)->day;
}

int
app_req_day_given(http_req_t *req)
{
	return ctx_of(req)->day_given;
}

unit_tree_t *
app_campaign_tree(app_t *app, int64_t id)
{
	int32_t day;
	if (app_campaign_day(app, id, &day) == 1)
		return app_tree_at(app, day);
	return app_tree(app);
}

/* The day of the request's tree (app_req_day). -1 after answering a bad ngay/as_of. */
static int
resolve_day(http_req_t *req, const http_route_t *route)
{
	req_ctx_t *c = ctx_of(req);
	app_t *app = http_req_app(req);
	int64_t id;
	const char *p;
	c->day = unit_today();
	if (strstr(route->pattern, "campaigns/:id") && (p = http_req_param(req, "id")) &&
	    text_parse_int(p, strlen(p), &id) == 0 && id > 0 &&
	    app_campaign_day(app, id, &c->day) == 1) {
		c->day_given = 1;
	} else if ((p = http_req_param(req, "ngay")) || (p = http_req_param(req, "as_of"))) {
		while (*p == ' ')
			p++;
		if (*p && text_parse_day(p, &c->day) < 0) {
			c->day_resolved = 1;
			deny(req, 400,
			     arena_printf(
			             http_req_arena(req),
			             "Ngày \"%s\" không hợp lệ: hãy viết theo dạng ngày/tháng/năm "
			             "(01/07/2025) hoặc năm-tháng-ngày (2025-07-01).",
			             p));
			return -1;
		}
		c->day_given = *p != '\0';
	} else if ((p = http_req_param(req, "code")) && *p) {
		/* a unit that is no longer in today's tree: its pages show its last day; one
		 * that is: today's tree is the request's */
		unit_tree_t *t = app_tree(app);
		int32_t last;
		if (unit_tree_find_code(t, p) >= 0) {
			c->tree = t;
			http_req_defer(req, release_tree, t);
		} else {
			if (store_unit_code_last_day(app->store, p, &last) == 1 &&
			    last != STORE_DAY_OPEN)
				c->day = last;
			unit_tree_unref(t);
		}
	}
	c->day_resolved = 1;
	return 0;
}

static enum target
parse_action(const char *s, action_t *a)
{
	if (s == NULL)
		return T_BAD;
	if (!strcmp(s, "public"))
		return T_PUBLIC;
	if (!strcmp(s, "metrics"))
		return T_METRICS;
	if (!strcmp(s, "self"))
		return T_SELF;
	if (!strcmp(s, "self.password"))
		return T_SELF_PASSWORD;
	if (!strncmp(s, "unit:", 5))
		return action_parse(s + 5, a) == 0 ? T_UNIT : T_BAD;
	if (!strncmp(s, "qunit:", 6))
		return action_parse(s + 6, a) == 0 ? T_QUNIT : T_BAD;
	if (!strncmp(s, "user:", 5))
		return action_parse(s + 5, a) == 0 ? T_USER : T_BAD;
	if (!strncmp(s, "root:", 5))
		return action_parse(s + 5, a) == 0 ? T_ROOT : T_BAD;
	if (!strncmp(s, "below:", 6))
		return action_parse(s + 6, a) == 0 ? T_BELOW : T_BAD;
	return T_BAD;
}

typedef struct load_ctx {
	arena_t *a;
	app_user_t *u;
	size_t cap;
} load_ctx_t;

static int
copy_user(const store_user_t *su, void *p)
{
	load_ctx_t *c = p;
	app_user_t *u = arena_alloc(c->a, sizeof *u);
	memset(u, 0, sizeof *u);
	u->id = su->id;
	u->username = arena_strdup(c->a, su->username);
	u->full_name = arena_strdup(c->a, su->full_name);
	u->email = arena_strdup(c->a, su->email);
	u->must_change_password = su->must_change_password;
	u->disabled = su->disabled;
	u->csrf = "";
	c->u = u;
	return 0;
}

static int
copy_role(const store_role_t *r, void *p)
{
	load_ctx_t *c = p;
	role_t role;
	if (role_parse(r->role, &role) < 0)
		return 0;
	if (c->u->nroles == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 4;
		app_role_t *n = arena_alloc(c->a, c->cap * sizeof *n);
		if (c->u->nroles)
			memcpy(n, c->u->roles, c->u->nroles * sizeof *n);
		c->u->roles = n;
	}
	c->u->roles[c->u->nroles++] = (app_role_t){r->unit_id, role};
	return 0;
}

int
app_load_user(app_t *app, arena_t *a, int64_t id, app_user_t **out)
{
	load_ctx_t c = {a, NULL, 0};
	*out = NULL;
	int rc = store_user_get(app->store, id, copy_user, &c);
	if (rc <= 0)
		return rc;
	if (store_roles_of_user(app->store, id, copy_role, &c) < 0)
		return -1;
	*out = c.u;
	return 1;
}

size_t
app_user_grants(http_req_t *req, const unit_tree_t *t, access_grant_t **out)
{
	app_user_t *u = app_req_user(req);
	*out = NULL;
	if (u == NULL || u->nroles == 0)
		return 0;
	access_grant_t *g = arena_alloc(http_req_arena(req), u->nroles * sizeof *g);
	size_t n = 0;
	for (size_t i = 0; i < u->nroles; i++) {
		int32_t idx = unit_tree_find_id(t, u->roles[i].unit_id);
		if (idx >= 0)
			g[n++] = (access_grant_t){idx, u->roles[i].role};
	}
	*out = g;
	return n;
}

static int
copy_token(const store_token_t *t, void *p)
{
	store_token_t *out = p;
	out->id = t->id;
	out->user_id = t->user_id;
	out->last_used_at = t->last_used_at;
	return 0;
}

/* Session cookie, or an API token in "Authorization: Bearer ...". NULL = anonymous. */
static app_user_t *
authenticate(http_req_t *req, app_t *app)
{
	arena_t *a = http_req_arena(req);
	int64_t now = app_now();
	unsigned char hash[32];
	app_user_t *u = NULL;
	auth_cred_t cred;
	/* read before the store: a change in between makes what is remembered miss */
	uint64_t version = store_identity_version(app->store);
	const char *tok = http_req_cookie(req, APP_SESSION_COOKIE);
	if (tok && *tok) {
		store_session_t s;
		auth_token_hash(tok, strlen(tok), hash);
		/* remembered, unless it is due for a touch or has expired: the store does that */
		if (auth_cache_get(app->auth_cache, hash, 's', version, a, &u, &cred) &&
		    now - cred.last_seen_at < TOUCH_EVERY &&
		    now - cred.created_at <= APP_SESSION_MAX)
			return u;
		if (store_session_get(app->store, hash, &s) != 1)
			return NULL;
		if (now - s.last_seen_at > APP_SESSION_IDLE ||
		    now - s.created_at > APP_SESSION_MAX) {
			store_session_delete(app->store, s.id);
			return NULL;
		}
		if (app_load_user(app, a, s.user_id, &u) != 1 || u->disabled) {
			store_sessions_delete_user(app->store, s.user_id);
			return NULL;
		}
		if (now - s.last_seen_at >= TOUCH_EVERY) {
			app_touch_later(app, 's', s.id, now);
			s.last_seen_at = now;
		}
		u->session_id = s.id;
		u->csrf = arena_strdup(a, s.csrf);
		cred = (auth_cred_t){s.id, s.created_at, s.last_seen_at};
		auth_cache_put(app->auth_cache, hash, 's', version, u, &cred);
		return u;
	}
	const char *auth = http_req_header(req, "Authorization");
	if (auth && strncasecmp(auth, "Bearer ", 7) == 0) {
		const char *bearer = auth + 7;
		while (*bearer == ' ')
			bearer++;
		auth_token_hash(bearer, strlen(bearer), hash);
		if (auth_cache_get(app->auth_cache, hash, 't', version, a, &u, &cred) &&
		    now - cred.last_seen_at < TOUCH_EVERY)
			return u;
		store_token_t found = {0};
		if (store_token_find(app->store, hash, copy_token, &found) != 1)
			return NULL;
		if (app_load_user(app, a, found.user_id, &u) != 1 || u->disabled)
			return NULL;
		if (now - found.last_used_at >= TOUCH_EVERY) {
			app_touch_later(app, 't', found.id, now);
			found.last_used_at = now;
		}
		u->via_token = 1;
		cred = (auth_cred_t){found.id, 0, found.last_used_at};
		auth_cache_put(app->auth_cache, hash, 't', version, u, &cred);
		return u;
	}
	return NULL;
}

/* A state-changing request must carry the CSRF token: the session's (form field "csrf"
 * or header X-CSRF-Token), or before sign-in the one in the pre-login cookie. */
static int
csrf_ok(http_req_t *req, const app_user_t *u)
{
	const char *sent = http_req_param(req, "csrf");
	if (sent == NULL)
		sent = http_req_header(req, "X-CSRF-Token");
	if (sent == NULL || *sent == '\0')
		return 0;
	if (u)
		return *u->csrf && auth_secure_equal(sent, u->csrf);
	const char *pre = http_req_cookie(req, APP_PRELOGIN_COOKIE);
	return pre && strlen(pre) >= 32 && auth_secure_equal(sent, pre);
}

static int
deny(http_req_t *req, int status, const char *message)
{
	app_error_page(req, status, message);
	return status;
}

static int
unauthenticated(http_req_t *req)
{
	if (app_is_api(req)) {
		http_resp_header(req, "WWW-Authenticate", "Bearer");
		return deny(req, 401,
		            "Cần đăng nhập: gửi cookie phiên làm việc hoặc tiêu đề "
		            "\"Authorization: Bearer <mã truy cập>\".");
	}
	app_login_page(req, 401, "Hãy đăng nhập để xem trang này.");
	return 401;
}

/* Access to a user: viewing needs the action on one of their units; managing needs it on
 * every unit they hold a role on and the right to give each of their roles (a district
 * head cannot disable the province's admin). A user without roles is the national
 * admins' business. */
int
app_user_access(http_req_t *req, const unit_tree_t *t, const app_user_t *target, action_t a)
{
	access_grant_t *g;
	size_t n = app_user_grants(req, t, &g);
	int any = 0, all = 1, nroles = 0;
	for (size_t i = 0; i < target->nroles; i++) {
		int32_t unit = unit_tree_find_id(t, target->roles[i].unit_id);
		if (unit < 0)
			continue;
		nroles++;
		int ok = access_allowed(t, g, n, a, unit);
		if (a == ACT_USERS_MANAGE)
			ok = ok && access_can_grant(t, g, n, target->roles[i].role, unit);
		any |= ok;
		all &= ok;
	}
	if (nroles == 0)
		return access_allowed(t, g, n, ACT_SYSTEM_MANAGE, 0);
	return a == ACT_USERS_MANAGE ? all : any;
}

/* The :id user of the request, loaded into its arena; NULL when absent or unknown. */
app_user_t *
app_req_target_user(http_req_t *req)
{
	const char *idp = http_req_param(req, "id");
	int64_t id;
	app_user_t *target;
	if (idp == NULL || text_parse_int(idp, strlen(idp), &id) < 0 || id <= 0 ||
	    app_load_user(http_req_app(req), http_req_arena(req), id, &target) != 1)
		return NULL;
	return target;
}

/* /metrics: by the client's address alone, signed in or not, and never through a proxy
 * (a reverse proxy on 127.0.0.1 would otherwise hand it to anyone on the Internet). Refused
 * as 404: a stranger does not learn it exists. */
static int
metrics_allowed(http_req_t *req, app_t *app)
{
	if (http_req_header(req, "X-Forwarded-For") != NULL ||
	    http_req_header(req, "Forwarded") != NULL || http_req_header(req, "X-Real-IP") != NULL)
		return 0;
	return app_metrics_allowed(app, http_req_client_ip(req));
}

static int
guard_access(http_req_t *req, const http_route_t *route)
{
	app_t *app = http_req_app(req);
	action_t action = ACT_UNIT_VIEW;
	enum target target = parse_action(route->action, &action);
	if (target == T_BAD) {
		log_error("route %s declares an unknown action \"%s\"", route->pattern,
		          route->action ? route->action : "(null)");
		return deny(req, 500, NULL);
	}
	if (target == T_METRICS)
		return metrics_allowed(req, app) ? 0 : deny(req, 404, NULL);
	app_user_t *u = authenticate(req, app);
	if (u)
		app_req_set_user(req, u);
	if (resolve_day(req, route) < 0)
		return 400;
	int mutating = http_req_method(req) != HTTP_GET;
	const char *csrf_msg = "Biểu mẫu đã hết hạn hoặc không hợp lệ. Hãy tải lại trang rồi "
	                       "gửi lại.";
	if (mutating && !(u && u->via_token) && !csrf_ok(req, u))
		return u || target == T_PUBLIC ? deny(req, 403, csrf_msg) : unauthenticated(req);
	if (target == T_PUBLIC)
		return 0;
	if (u == NULL)
		return unauthenticated(req);
	if (u->must_change_password && target != T_SELF_PASSWORD) {
		if (!mutating && !app_is_api(req)) {
			http_redirect(req, 303, "/account/password");
			return 0;
		}
		return deny(req, 403, "Bạn cần đổi mật khẩu trước khi tiếp tục (trang Tài khoản).");
	}
	if (target == T_SELF || target == T_SELF_PASSWORD)
		return 0;

	unit_tree_t *t = app_req_tree(req);
	access_grant_t *g;
	size_t n = app_user_grants(req, t, &g);
	int ok = 0;
	if (target == T_ROOT) {
		ok = access_allowed(t, g, n, action, 0);
	} else if (target == T_UNIT || target == T_QUNIT || target == T_BELOW) {
		const char *code = http_req_param(req, target == T_QUNIT ? "unit" : "code");
		int32_t unit = code ? unit_tree_find_code(t, code) : -1;
		if (unit < 0) {
			return deny(req, 404, "Không tìm thấy đơn vị với mã này.");
		}
		ok = target == T_BELOW ? access_allowed_below(t, g, n, action, unit)
		                       : access_allowed(t, g, n, action, unit);
	} else {
		app_user_t *who = app_req_target_user(req);
		if (who == NULL) {
			return deny(req, 404, "Không tìm thấy người dùng này.");
		}
		ok = app_user_access(req, t, who, action);
	}
	if (!ok)
		return deny(req, 403,
		            "Tài khoản của bạn không có quyền thực hiện việc này ở đơn vị này. Nếu "
		            "cần, hãy đề nghị lãnh đạo đơn vị hoặc quản trị viên cấp quyền.");
	return 0;
}

/* Who may, then what an HTML form sent (app/form.h): a form post missing its fields or
 * carrying one twice never reaches its handler. */
int
app_guard(http_req_t *req, const http_route_t *route)
{
	int rc = guard_access(req, route);
	if (rc != 0 || http_req_replied(req))
		return rc;
	return app_form_guard(req, route);
}

audit_actor_t
app_audit_actor(http_req_t *req)
{
	app_user_t *u = app_req_user(req);
	return (audit_actor_t){
	        .user_id = u ? u->id : 0,
	        .name = u ? u->username : "",
	        .ip = http_req_client_ip(req) ? http_req_client_ip(req) : "",
	};
}

int
app_audit(http_req_t *req, const unit_tree_t *t, int32_t unit, const char *action,
          const char *target, const char *old_value, const char *new_value)
{
	app_t *app = http_req_app(req);
	audit_actor_t by = app_audit_actor(req);
	audit_entry_t e = {unit, action, target, old_value, new_value};
	return audit_write(app->store, t, &by, app_now(), &e);
}

int
app_tx_end(http_req_t *req, int ok)
{
	store_t *st = ((app_t *)http_req_app(req))->store;
	if (!ok) {
		store_tx_rollback(st);
		return -1;
	}
	return store_tx_commit(st) < 0 ? -1 : 0;
}
