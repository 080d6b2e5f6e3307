/* Sign-in and sessions end to end, over real HTTP against a real store: the answer for a
 * wrong password and for an unknown user is the same, failures are throttled, a
 * generated account must change its password first, logout ends the session where it is
 * used, idle sessions expire, API tokens work and can be revoked, the cookie has its
 * flags, accounts are created one by one and in bulk, and nobody grants more than they
 * hold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "app/authcache.h"
#include "core/file.h"
#include "core/log.h"
#include "domain/accounts.h"
#include "helper_app.h"

#define PASSWORD "Dang-nhap-kiem-tra-1"

static char tmpdir[] = "/tmp/suotdoi-login-XXXXXX";
static char dbpath[300];
static app_t app;
static http_server_t *srv;
static unsigned short port;

typedef struct client {
	char cookie[400];
	char csrf[64];
} client_t;

static hc_resp_t
req(client_t *c, const char *method, const char *path, const char *body, const char *extra)
{
	char cookie[450];
	const char *hdrs[3] = {0};
	int k = 0;
	if (c && c->cookie[0]) {
		snprintf(cookie, sizeof cookie, "Cookie: %s", c->cookie);
		hdrs[k++] = cookie;
	}
	if (extra)
		hdrs[k++] = extra;
	hc_opts_t o = {.method = method,
	               .body = body,
	               .body_len = body ? strlen(body) : 0,
	               .headers = hdrs};
	hc_resp_t r;
	CURL *h = curl_easy_init();
	if (hc_request(h, port, path, &o, &r) < 0)
		fail_msg("%s %s: transport error", method, path);
	curl_easy_cleanup(h);
	return r;
}

static int
cookie_of(const hc_resp_t *r, const char *name, char *out, size_t cap)
{
	return hc_cookie(r, name, out, cap);
}

static void
csrf_of(const hc_resp_t *r, char *out, size_t cap)
{
	if (hc_csrf(r, out, cap) < 0)
		fail_msg("no CSRF field: %.300s", buf_cstr((buf_t *)&r->body));
}

/* POST /login; returns the response (caller frees); c gets the session on success. */
static hc_resp_t
try_login(client_t *c, const char *user, const char *pw)
{
	client_t pre = {{0}, {0}};
	hc_resp_t r = req(&pre, "GET", "/login", NULL, NULL);
	cookie_of(&r, APP_PRELOGIN_COOKIE, pre.cookie, sizeof pre.cookie);
	csrf_of(&r, pre.csrf, sizeof pre.csrf);
	hc_resp_free(&r);
	char body[300];
	snprintf(body, sizeof body, "username=%s&password=%s&csrf=%s", user, pw, pre.csrf);
	r = req(&pre, "POST", "/login", body, NULL);
	if (r.status == 303 && c) {
		cookie_of(&r, APP_SESSION_COOKIE, c->cookie, sizeof c->cookie);
		hc_resp_t a = req(c, "GET", "/account/password", NULL, NULL);
		csrf_of(&a, c->csrf, sizeof c->csrf);
		hc_resp_free(&a);
	}
	return r;
}

static void
login_ok(client_t *c, const char *user, const char *pw)
{
	hc_resp_t r = try_login(c, user, pw);
	if (r.status != 303)
		fail_msg("login %s: %ld %.300s", user, r.status, buf_cstr(&r.body));
	hc_resp_free(&r);
}

static void
make_user(const char *name, const char *unit, role_t role, int must_change, int disabled)
{
	char err[512], hash[AUTH_HASH_MAX], norm[72];
	store_t *st = app.store;
	unit_tree_t *t = app_tree(&app);
	auth_password_hash(PASSWORD, hash);
	account_new_t a = {name, NULL,        NULL, role, t->units[unit_tree_find_code(t, unit)].id,
	                   hash, must_change, 0};
	int64_t id;
	if (accounts_create(st, &a, norm, &id, err, sizeof err) != 0)
		fail_msg("%s", err);
	if (disabled) {
		store_user_t u = {.id = id,
		                  .full_name = "",
		                  .email = "",
		                  .password_hash = hash,
		                  .disabled = 1};
		store_user_update(st, &u);
	}
	unit_tree_unref(t);
}

static int
setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "l.db", dbpath, sizeof dbpath) < 0 ||
	    ha_serve(&app, dbpath, &srv, &port) < 0)
		return -1;
	make_user("head.haian", "306", ROLE_HEAD, 0, 0);
	make_user("over.haian", "306", ROLE_OVERSEER, 0, 0);
	make_user("khoa", "306", ROLE_ENTRY, 0, 1);
	make_user("moi", "HA-11413-TH", ROLE_ENTRY, 1, 0);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	http_server_stop(srv);
	app_close(&app);
	curl_global_cleanup();
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The throttles of the running app are replaced per test to start clean. */
static void
fresh_throttle(int free_failures)
{
	ha_throttles(&app, free_failures, free_failures * 10);
}

static const char *
error_text(const hc_resp_t *r)
{
	const char *p = strstr(buf_cstr((buf_t *)&r->body), "class=\"msg err\"");
	return p ? p : "";
}

static void
test_unknown_user_answer_is_identical(void **state)
{
	(void)state;
	fresh_throttle(100);
	hc_resp_t a = try_login(NULL, "head.haian", "sai-mat-khau-roi");
	hc_resp_t b = try_login(NULL, "khong.ton.tai", "sai-mat-khau-roi");
	hc_resp_t c = try_login(NULL, "Bad Name!", "sai-mat-khau-roi");
	assert_int_equal(a.status, 401);
	assert_int_equal(b.status, a.status);
	assert_int_equal(c.status, a.status);
	assert_non_null(strstr(error_text(&a), "Tên đăng nhập hoặc mật khẩu không đúng."));
	/* the same message, byte for byte, up to the end of the paragraph */
	size_t la = strcspn(error_text(&a), "<"), lb = strcspn(error_text(&b), "<");
	assert_int_equal(la, lb);
	assert_memory_equal(error_text(&a), error_text(&b), la);
	hc_resp_free(&a);
	hc_resp_free(&b);
	hc_resp_free(&c);
}

static void
test_failures_are_throttled_alike(void **state)
{
	(void)state;
	/* Waits double from 1 s; a slow machine may let one lapse while argon2id runs, so keep
	 * failing until refused (a bounded number of tries), then check that a refusal holds. */
	fresh_throttle(3);
	int tries_known = 0, tries_unknown = 0;
	long st = 0;
	/* until refused with at least 2 s still to wait: a refusal at the very end of a wait
	 * (Retry-After 1) could lapse before the next request under a loaded machine */
	while (tries_known < 12) {
		hc_resp_t r = try_login(NULL, "over.haian", "sai-mat-khau-roi");
		st = r.status;
		char wait[32];
		int left = st == 429 && hc_header(&r, "Retry-After", wait, sizeof wait) ? atoi(wait)
		                                                                        : 0;
		hc_resp_free(&r);
		tries_known++;
		if (st == 429 && left >= 2)
			break;
		if (st == 429)
			sleep((unsigned)left); /* let it lapse: the next failure doubles the wait */
	}
	assert_int_equal(st, 429);
	assert_true(tries_known >= 4);                         /* the free failures are free */
	hc_resp_t r = try_login(NULL, "over.haian", PASSWORD); /* even the right password waits */
	assert_int_equal(r.status, 429);
	assert_non_null(strstr(buf_cstr(&r.body), "Vui lòng thử lại sau"));
	char ra[32];
	assert_non_null(hc_header(&r, "Retry-After", ra, sizeof ra));
	assert_true(atoi(ra) >= 1);
	hc_resp_free(&r);
	/* an unknown username is throttled the same way: nothing tells the two apart */
	fresh_throttle(3);
	st = 0;
	while (st != 429 && tries_unknown < 12) {
		hc_resp_t u = try_login(NULL, "khong.co.ai", "sai-mat-khau-roi");
		st = u.status;
		hc_resp_free(&u);
		tries_unknown++;
	}
	assert_int_equal(st, 429);
	assert_true(tries_unknown >= 4);
	fresh_throttle(100);
}

static void
test_ip_throttle_slows_spraying(void **state)
{
	(void)state;
	/* many usernames from one address: each username is fresh, the address is not */
	ha_throttles(&app, 100, 4);
	long last = 0;
	int tries = 0;
	while (last != 429 && tries < 12) { /* bounded: see the test above on slow machines */
		char user[32];
		snprintf(user, sizeof user, "phun.%d", tries);
		hc_resp_t r = try_login(NULL, user, "sai-mat-khau-roi");
		last = r.status;
		hc_resp_free(&r);
		tries++;
	}
	assert_int_equal(last, 429);
	assert_true(tries >= 5); /* four free failures from one address */
	fresh_throttle(100);
}

static void
test_next_stays_on_site(void **state)
{
	(void)state;
	fresh_throttle(100);
	const char *nexts[] = {"//evil.example", "/%09/evil.example", "/%5Cevil.example",
	                       "https://evil.example", "/units/306"};
	for (int i = 0; i < 5; i++) {
		client_t pre = {{0}, {0}};
		hc_resp_t r = req(&pre, "GET", "/login", NULL, NULL);
		cookie_of(&r, APP_PRELOGIN_COOKIE, pre.cookie, sizeof pre.cookie);
		csrf_of(&r, pre.csrf, sizeof pre.csrf);
		hc_resp_free(&r);
		char body[300], loc[200];
		snprintf(body, sizeof body, "username=head.haian&password=%s&csrf=%s&next=%s",
		         PASSWORD, pre.csrf, nexts[i]);
		r = req(&pre, "POST", "/login", body, NULL);
		assert_int_equal(r.status, 303);
		hc_header(&r, "Location", loc, sizeof loc);
		assert_string_equal(loc, i == 4 ? "/units/306" : "/");
		hc_resp_free(&r);
	}
}

static void
test_disabled_account(void **state)
{
	(void)state;
	fresh_throttle(100);
	hc_resp_t r = try_login(NULL, "khoa", PASSWORD);
	assert_int_equal(r.status, 403);
	assert_non_null(strstr(buf_cstr(&r.body), "đã bị khóa"));
	hc_resp_free(&r);
}

static void
test_cookie_flags(void **state)
{
	(void)state;
	client_t pre = {{0}, {0}};
	hc_resp_t r = req(&pre, "GET", "/login", NULL, NULL);
	cookie_of(&r, APP_PRELOGIN_COOKIE, pre.cookie, sizeof pre.cookie);
	csrf_of(&r, pre.csrf, sizeof pre.csrf);
	hc_resp_free(&r);
	char body[300];
	snprintf(body, sizeof body, "username=head.haian&password=%s&csrf=%s", PASSWORD, pre.csrf);
	r = req(&pre, "POST", "/login", body, "X-Forwarded-Proto: https");
	assert_int_equal(r.status, 303);
	const char *h = buf_cstr(&r.headers);
	const char *sc = strcasestr(h, "Set-Cookie: " APP_SESSION_COOKIE "=");
	assert_non_null(sc);
	char line[512];
	snprintf(line, sizeof line, "%.*s", (int)strcspn(sc, "\r\n"), sc);
	assert_non_null(strstr(line, "HttpOnly"));
	assert_non_null(strstr(line, "SameSite=Lax"));
	assert_non_null(strstr(line, "Secure"));
	/* the token is 256 bits: 43 base64url characters */
	const char *v = strchr(line, '=') + 1;
	assert_int_equal(strcspn(v, ";"), 43);
	hc_resp_free(&r);
}

static void
test_first_login_must_change_password(void **state)
{
	(void)state;
	fresh_throttle(100);
	client_t c;
	hc_resp_t r = try_login(&c, "moi", PASSWORD);
	assert_int_equal(r.status, 303);
	char loc[200];
	hc_header(&r, "Location", loc, sizeof loc);
	assert_non_null(strstr(loc, "/account/password"));
	hc_resp_free(&r);
	r = req(&c, "GET", "/account", NULL, NULL); /* any other page sends them back */
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	r = req(&c, "GET", "/api/v1/me", NULL, NULL);
	assert_int_equal(r.status, 403);
	hc_resp_free(&r);
	char body[400];
	snprintf(body, sizeof body, "current=%s&new=matkhau123&confirm=matkhau123&csrf=%s",
	         PASSWORD, c.csrf);
	r = req(&c, "POST", "/account/password", body, NULL);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(buf_cstr(&r.body), "phổ biến"));
	hc_resp_free(&r);
	snprintf(body, sizeof body,
	         "current=%s&new=Hoa-sen-trong-dam&confirm=Hoa-sen-trong-dam&csrf=%s", PASSWORD,
	         c.csrf);
	r = req(&c, "POST", "/account/password", body, NULL);
	assert_int_equal(r.status, 303);
	char fresh[400];
	assert_int_equal(cookie_of(&r, APP_SESSION_COOKIE, fresh, sizeof fresh), 0);
	hc_resp_free(&r);
	/* the old session ended with the change; the new one works */
	r = req(&c, "GET", "/api/v1/me", NULL, NULL);
	assert_int_equal(r.status, 401);
	hc_resp_free(&r);
	snprintf(c.cookie, sizeof c.cookie, "%s", fresh);
	r = req(&c, "GET", "/api/v1/me", NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(buf_cstr(&r.body), "\"must_change_password\":false"));
	hc_resp_free(&r);
	login_ok(&c, "moi", "Hoa-sen-trong-dam");
}

static void
test_logout_ends_session_everywhere(void **state)
{
	(void)state;
	fresh_throttle(100);
	client_t a, b;
	login_ok(&a, "over.haian", PASSWORD);
	login_ok(&b, "over.haian", PASSWORD);
	client_t stolen = a; /* the same cookie used on another device */
	char body[100];
	snprintf(body, sizeof body, "csrf=%s", a.csrf);
	hc_resp_t r = req(&a, "POST", "/logout", body, NULL);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	r = req(&stolen, "GET", "/api/v1/me", NULL, NULL);
	assert_int_equal(r.status, 401);
	hc_resp_free(&r);
	r = req(&b, "GET", "/api/v1/me", NULL, NULL); /* another session is untouched */
	assert_int_equal(r.status, 200);
	hc_resp_free(&r);
	snprintf(body, sizeof body, "csrf=%s", b.csrf);
	login_ok(&a, "over.haian", PASSWORD);
	r = req(&b, "POST", "/account/logout-all", body, NULL);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	r = req(&a, "GET", "/api/v1/me", NULL, NULL);
	assert_int_equal(r.status, 401);
	hc_resp_free(&r);
}

static void
test_idle_session_expires(void **state)
{
	(void)state;
	client_t c;
	login_ok(&c, "over.haian", PASSWORD);
	hc_resp_t r = req(&c, "GET", "/api/v1/me", NULL, NULL); /* remembered by the server */
	assert_int_equal(r.status, 200);
	hc_resp_free(&r);
	/* another process ages the session: the server trusts what it remembers at most
	 * AUTH_CACHE_TTL_MS (src/app/authcache.c), then reads the store again */
	char sql[200], err[512];
	snprintf(sql, sizeof sql, "UPDATE sessions SET last_seen_at = last_seen_at - %d",
	         APP_SESSION_IDLE + 10);
	assert_int_equal(ha_sql(dbpath, sql, err, sizeof err), 0);
	struct timespec ts = {0, (AUTH_CACHE_TTL_MS + 200) * 1000000L};
	while (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	nanosleep(&ts, NULL);
	r = req(&c, "GET", "/api/v1/me", NULL, NULL);
	assert_int_equal(r.status, 401);
	hc_resp_free(&r);
}

static void
test_api_tokens(void **state)
{
	(void)state;
	client_t c;
	login_ok(&c, "over.haian", PASSWORD);
	char body[200];
	snprintf(body, sizeof body, "name=Phần mềm của Sở&csrf=%s", c.csrf);
	hc_resp_t r = req(&c, "POST", "/account/tokens", body, NULL);
	assert_int_equal(r.status, 201);
	const char *p = strstr(buf_cstr(&r.body), "class=\"secret\">");
	assert_non_null(p);
	p += strlen("class=\"secret\">");
	char token[80], auth[120];
	snprintf(token, sizeof token, "%.*s", (int)strcspn(p, "<"), p);
	hc_resp_free(&r);
	assert_int_equal(strncmp(token, "sd_", 3), 0);
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
	r = req(NULL, "GET", "/api/v1/me", NULL, auth);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(buf_cstr(&r.body), "\"username\":\"over.haian\""));
	hc_resp_free(&r);
	/* a token carries the user's rights, no more */
	r = req(NULL, "GET", "/api/v1/units/306/audit", NULL, auth);
	assert_int_equal(r.status, 200);
	hc_resp_free(&r);
	r = req(NULL, "GET", "/api/v1/units/315/audit", NULL, auth);
	assert_int_equal(r.status, 403);
	hc_resp_free(&r);
	r = req(NULL, "GET", "/api/v1/me", NULL, "Authorization: Bearer sd_not-a-real-token");
	assert_int_equal(r.status, 401);
	hc_resp_free(&r);
	/* revoke it from the account page: the token stops working */
	r = req(&c, "GET", "/account", NULL, NULL);
	p = strstr(buf_cstr(&r.body), "/account/tokens/");
	assert_non_null(p);
	char path[100];
	snprintf(path, sizeof path, "%.*s", (int)strcspn(p, "\""), p);
	hc_resp_free(&r);
	snprintf(body, sizeof body, "csrf=%s", c.csrf);
	r = req(&c, "POST", path, body, NULL);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	r = req(NULL, "GET", "/api/v1/me", NULL, auth);
	assert_int_equal(r.status, 401);
	hc_resp_free(&r);
}

static void
test_manage_people(void **state)
{
	(void)state;
	fresh_throttle(100);
	client_t h;
	login_ok(&h, "head.haian", PASSWORD);
	char body[400];
	/* a head may not create an admin, nor staff a unit outside the district */
	snprintf(body, sizeof body, "username=quantri2&full_name=&email=&role=admin&csrf=%s",
	         h.csrf);
	hc_resp_t r = req(&h, "POST", "/units/306/users", body, NULL);
	assert_int_equal(r.status, 403);
	assert_non_null(strstr(buf_cstr(&r.body), "không ai được cấp quyền lớn hơn"));
	hc_resp_free(&r);
	snprintf(body, sizeof body, "username=nguoi.ngoai&full_name=&email=&role=entry&csrf=%s",
	         h.csrf);
	r = req(&h, "POST", "/units/315/users", body, NULL);
	assert_int_equal(r.status, 403);
	hc_resp_free(&r);
	/* a bad username is refused with the rule, nothing created */
	snprintf(body, sizeof body, "username=a b&full_name=&email=&role=entry&csrf=%s", h.csrf);
	r = req(&h, "POST", "/units/306/users", body, NULL);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(buf_cstr(&r.body), "Tên đăng nhập"));
	hc_resp_free(&r);
	/* a JSON field's name quoted in the answer, too long to quote whole (59 bytes then
	 * "ệ"): cut before the letter, never inside it (domain/jsonin.c), the message kept */
	{
		char csrf[120];
		snprintf(csrf, sizeof csrf, "X-CSRF-Token: %s", h.csrf);
		r = req(&h, "POST", "/api/v1/units/306/users",
		        "{\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaabệ\": \"x\"}",
		        csrf);
		assert_int_equal(r.status, 400);
		char ct[80];
		assert_non_null(hc_header(&r, "Content-Type", ct, sizeof ct));
		assert_non_null(strstr(ct, "application/json"));
		json_t *j = json_loads(buf_cstr(&r.body), 0, NULL);
		const char *m =
		        json_string_value(json_object_get(json_object_get(j, "error"), "message"));
		if (!m || !strstr(m, "ab” không được nhận ở đây"))
			fail_msg("%s", buf_cstr(&r.body));
		json_decref(j);
		hc_resp_free(&r);
	}
	/* an entry officer for a school: created with a one-time password */
	snprintf(body, sizeof body,
	         "username=gv.danglam&full_name=Lê Thị Mai&email=&role=entry&csrf=%s", h.csrf);
	r = req(&h, "POST", "/units/HA-11413-TH/users", body, NULL);
	assert_int_equal(r.status, 201);
	const char *p = strstr(buf_cstr(&r.body), "class=\"secret\">");
	assert_non_null(p);
	char pw[40];
	p += strlen("class=\"secret\">");
	snprintf(pw, sizeof pw, "%.*s", (int)strcspn(p, "<"), p);
	hc_resp_free(&r);
	r = req(&h, "POST", "/units/HA-11413-TH/users", body, NULL); /* twice: taken */
	assert_int_equal(r.status, 409);
	hc_resp_free(&r);
	client_t g;
	r = try_login(&g, "gv.danglam", pw);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	/* the server now remembers who g is (src/app/authcache.c); disabling the account
	 * through the server still ends g's session at once */
	r = req(&g, "GET", "/account/password", NULL, NULL); /* signed in: must change it */
	assert_int_equal(r.status, 200);
	hc_resp_free(&r);
	int64_t gid64 = 0;
	char err[512];
	assert_int_equal(ha_sql_i64(dbpath, "SELECT id FROM users WHERE username = 'gv.danglam'",
	                            &gid64, err, sizeof err),
	                 0);
	long long gid = (long long)gid64;
	char upath[80];
	snprintf(upath, sizeof upath, "/users/%lld/disable", gid);
	snprintf(body, sizeof body, "disabled=1&csrf=%s", h.csrf);
	r = req(&h, "POST", upath, body, NULL);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	r = req(&g, "GET", "/api/v1/me", NULL, NULL);
	assert_int_equal(r.status, 401);
	hc_resp_free(&r);
	snprintf(body, sizeof body, "disabled=0&csrf=%s", h.csrf);
	r = req(&h, "POST", upath, body, NULL);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);

	/* bulk: one account per school and CLC of the district, passwords in the file only */
	snprintf(body, sizeof body, "scope=schools_clcs&role=entry&format=csv&csrf=%s", h.csrf);
	r = req(&h, "POST", "/units/306/users/bulk", body, NULL);
	assert_int_equal(r.status, 201);
	char ct[100];
	hc_header(&r, "Content-Type", ct, sizeof ct);
	assert_non_null(strstr(ct, "text/csv"));
	const char *csv = buf_cstr(&r.body);
	assert_non_null(strstr(csv, "ha-11413-th,"));
	assert_non_null(strstr(csv, "Trung tâm học tập cộng đồng phường Cát Bi"));
	int lines = 0;
	for (const char *q = csv; *q; q++)
		lines += *q == '\n';
	assert_true(lines >= 16); /* header + 4 wards x (3 schools + 1 CLC) */
	hc_resp_free(&r);
	r = req(&h, "POST", "/units/306/users/bulk", body, NULL); /* again: nothing new */
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(buf_cstr(&r.body), "đã có tài khoản"));
	hc_resp_free(&r);

	/* the audit log shows it all to the district, nothing to another district */
	client_t o;
	login_ok(&o, "over.haian", PASSWORD);
	r = req(&o, "GET", "/units/306/audit", NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(buf_cstr(&r.body), "Tạo tài khoản hàng loạt"));
	assert_non_null(strstr(buf_cstr(&r.body), "gv.danglam"));
	hc_resp_free(&r);
	r = req(&o, "GET", "/api/v1/units/306/audit", NULL, NULL);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(buf_cstr(&r.body), "\"action\":\"login\""));
	hc_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_unknown_user_answer_is_identical),
	        cmocka_unit_test(test_failures_are_throttled_alike),
	        cmocka_unit_test(test_ip_throttle_slows_spraying),
	        cmocka_unit_test(test_next_stays_on_site),
	        cmocka_unit_test(test_disabled_account),
	        cmocka_unit_test(test_cookie_flags),
	        cmocka_unit_test(test_first_login_must_change_password),
	        cmocka_unit_test(test_logout_ends_session_everywhere),
	        cmocka_unit_test(test_idle_session_expires),
	        cmocka_unit_test(test_api_tokens),
	        cmocka_unit_test(test_manage_people),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
