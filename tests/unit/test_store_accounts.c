/* Accounts store on a real SQLite file: users, roles, sessions, API tokens, the
 * append-only audit log and multi-call transactions (including that another thread
 * waits for an open transaction). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "db/store.h"
#include "store_backend.h"

/* Opens a new database (a SQLite file, or with --pg a PostgreSQL database); its spec goes to
 * path (for raw access). */
static store_t *
fresh_store_at(char *path, size_t len)
{
	char err[512];
	tb_fresh_spec("a", path, len);
	store_t *st;
	if (store_open(path, &st, err, sizeof err) < 0)
		fail_msg("store_open: %s", err);
	return st;
}

static store_t *
fresh_store(void)
{
	char path[256];
	return fresh_store_at(path, sizeof path);
}

static int64_t
new_user(store_t *st, const char *username, int64_t created_by)
{
	store_user_t u = {.username = username,
	                  .full_name = "Người Dùng",
	                  .email = "",
	                  .password_hash = "$argon2id$x",
	                  .created_at = 1000,
	                  .created_by = created_by};
	int64_t id = 0;
	assert_int_equal(store_user_create(st, &u, &id), 0);
	assert_true(id > 0);
	return id;
}

/* ---- users ---- */

typedef struct user_copy {
	int calls;
	int64_t id, created_at, created_by;
	int must_change_password, disabled;
	char username[64], full_name[128], email[128], password_hash[128];
} user_copy_t;

static int
copy_user(const store_user_t *u, void *ctx)
{
	user_copy_t *c = ctx;
	c->calls++;
	c->id = u->id;
	c->created_at = u->created_at;
	c->created_by = u->created_by;
	c->must_change_password = u->must_change_password;
	c->disabled = u->disabled;
	snprintf(c->username, sizeof c->username, "%s", u->username);
	snprintf(c->full_name, sizeof c->full_name, "%s", u->full_name);
	snprintf(c->email, sizeof c->email, "%s", u->email);
	snprintf(c->password_hash, sizeof c->password_hash, "%s", u->password_hash);
	return 0;
}

static int
raw_count(const char *path, const char *sql)
{
	int n = tb_count(path, sql);
	assert_true(n >= 0);
	return n;
}

static void
test_migration_2_recorded_and_reopen_idempotent(void **state)
{
	(void)state;
	if (tb.pg) /* SQLite's migrations; PostgreSQL starts at 20 (test_store_backends) */
		skip();
	char path[256], err[512];
	store_t *st = fresh_store_at(path, sizeof path);
	int applied, known;
	assert_int_equal(store_schema_version(st, &applied, &known), 0);
	assert_int_equal(applied, known); /* every migration, 2 among them */
	assert_true(known >= 2);
	int64_t id = new_user(st, "alice", 0);
	store_close(st);
	assert_int_equal(raw_count(path, "SELECT count(*) FROM schema_migrations WHERE version=2"
	                                 " AND name='accounts and audit'"),
	                 1);
	/* reopening applies nothing again (CREATE TABLE would fail) and keeps the data */
	assert_int_equal(store_open(path, &st, err, sizeof err), 0);
	assert_int_equal(store_schema_version(st, &applied, &known), 0);
	assert_int_equal(applied, known);
	user_copy_t c = {0};
	assert_int_equal(store_user_get(st, id, copy_user, &c), 1);
	assert_string_equal(c.username, "alice");
	store_close(st);
	assert_int_equal(raw_count(path, "SELECT count(*) FROM schema_migrations"), known);
}

static void
test_users(void **state)
{
	(void)state;
	store_t *st = fresh_store();
	int64_t n = -1;
	assert_int_equal(store_user_count(st, &n), 0);
	assert_int_equal(n, 0);

	store_user_t u = {.username = "alice",
	                  .full_name = "Nguyễn Thị An",
	                  .email = "an@example.vn",
	                  .password_hash = "$argon2id$v=19$abc",
	                  .must_change_password = 1,
	                  .created_at = 1700000000};
	int64_t alice = 0;
	assert_int_equal(store_user_create(st, &u, &alice), 0);
	assert_true(alice > 0);
	int64_t dup = -7;
	assert_int_equal(store_user_create(st, &u, &dup), -2);
	assert_int_equal(dup, -7);

	int64_t bob = new_user(st, "bob", alice);
	assert_true(bob != alice);
	/* created_by must name a user */
	store_user_t ghost = {.username = "ghost", .password_hash = "h", .created_by = 9999};
	int64_t gid;
	assert_int_equal(store_user_create(st, &ghost, &gid), -1);

	user_copy_t c = {0};
	assert_int_equal(store_user_get(st, alice, copy_user, &c), 1);
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.id, alice);
	assert_string_equal(c.username, "alice");
	assert_string_equal(c.full_name, "Nguyễn Thị An");
	assert_string_equal(c.email, "an@example.vn");
	assert_string_equal(c.password_hash, "$argon2id$v=19$abc");
	assert_int_equal(c.must_change_password, 1);
	assert_int_equal(c.disabled, 0);
	assert_int_equal(c.created_at, 1700000000);
	assert_int_equal(c.created_by, 0);

	memset(&c, 0, sizeof c);
	assert_int_equal(store_user_find(st, "bob", copy_user, &c), 1);
	assert_int_equal(c.id, bob);
	assert_int_equal(c.created_by, alice);
	memset(&c, 0, sizeof c);
	assert_int_equal(store_user_find(st, "nobody", copy_user, &c), 0);
	assert_int_equal(store_user_find(st, "ALICE", copy_user, &c), 0); /* exact match */
	assert_int_equal(store_user_get(st, 424242, copy_user, &c), 0);
	assert_int_equal(c.calls, 0);
	assert_int_equal(store_user_find(st, "alice", NULL, NULL), 1);

	store_user_t upd = {.id = alice,
	                    .username = "ignored",
	                    .full_name = "Nguyễn Thị Bình",
	                    .email = "",
	                    .password_hash = "$argon2id$new",
	                    .must_change_password = 0,
	                    .disabled = 1};
	assert_int_equal(store_user_update(st, &upd), 1);
	memset(&c, 0, sizeof c);
	assert_int_equal(store_user_get(st, alice, copy_user, &c), 1);
	assert_string_equal(c.username, "alice"); /* not renamed */
	assert_string_equal(c.full_name, "Nguyễn Thị Bình");
	assert_string_equal(c.email, "");
	assert_string_equal(c.password_hash, "$argon2id$new");
	assert_int_equal(c.must_change_password, 0);
	assert_int_equal(c.disabled, 1);
	assert_int_equal(c.created_at, 1700000000);
	upd.id = 424242;
	assert_int_equal(store_user_update(st, &upd), 0);

	assert_int_equal(store_user_count(st, &n), 0);
	assert_int_equal(n, 2);
	store_close(st);
}

/* ---- roles ---- */

typedef struct role_copy {
	char username[32], full_name[64], role[16];
	int64_t user_id, unit_id, granted_by, granted_at;
	int disabled;
} role_copy_t;

typedef struct roles {
	role_copy_t r[16];
	int n;
	int stop_after; /* 0 = never */
} roles_t;

static int
copy_role(const store_role_t *r, void *ctx)
{
	roles_t *rs = ctx;
	assert_true(rs->n < 16);
	role_copy_t *c = &rs->r[rs->n++];
	snprintf(c->username, sizeof c->username, "%s", r->username);
	snprintf(c->full_name, sizeof c->full_name, "%s", r->full_name);
	snprintf(c->role, sizeof c->role, "%s", r->role);
	c->user_id = r->user_id;
	c->unit_id = r->unit_id;
	c->granted_by = r->granted_by;
	c->granted_at = r->granted_at;
	c->disabled = r->disabled;
	return rs->stop_after && rs->n == rs->stop_after ? 7 : 0;
}

typedef struct find_code {
	const char *code;
	int64_t id;
} find_code_t;

static int
match_code(const store_unit_t *u, void *ctx)
{
	find_code_t *f = ctx;
	if (strcmp(u->code, f->code) == 0)
		f->id = u->id;
	return 0;
}

static int64_t
unit_id(store_t *st, const char *code)
{
	find_code_t f = {code, 0};
	assert_int_equal(store_units_each(st, match_code, &f), 0);
	assert_true(f.id > 0);
	return f.id;
}

static void
add_units(store_t *st)
{
	char err[512];
	store_unit_change_t rows[] = {
	        {0, "31", "Thành phố Hải Phòng", "tp_tw", "VN", "", "", "", 1, 0},
	        {0, "310", "Đơn vị thử", "tinh", "VN", "", "", "", 1, 0},
	};
	if (store_units_apply(st, rows, 2, err, sizeof err) < 0)
		fail_msg("units_apply: %s", err);
}

static void
assert_role(const role_copy_t *c, const char *username, int64_t unit, const char *role)
{
	assert_string_equal(c->username, username);
	assert_int_equal(c->unit_id, unit);
	assert_string_equal(c->role, role);
}

static void
test_roles(void **state)
{
	(void)state;
	store_t *st = fresh_store();
	add_units(st);
	int64_t vn = unit_id(st, "VN"), u31 = unit_id(st, "31"), u310 = unit_id(st, "310");
	assert_true(vn < u31 && u31 < u310);
	/* ids in the opposite order to the names, so ordering by id would show */
	int64_t carol = new_user(st, "carol", 0);
	int64_t bob = new_user(st, "bob", 0);
	int64_t alice = new_user(st, "alice", 0);

	assert_int_equal(store_role_grant(st, alice, u31, "head", carol, 500), 1);
	assert_int_equal(store_role_grant(st, alice, u31, "head", carol, 600), 0); /* held */
	assert_int_equal(store_role_grant(st, alice, vn, "viewer", 0, 501), 1);
	assert_int_equal(store_role_grant(st, alice, u31, "entry", 0, 502), 1);
	assert_int_equal(store_role_grant(st, bob, u31, "entry", alice, 503), 1);
	assert_int_equal(store_role_grant(st, carol, u310, "overseer", 0, 504), 1);
	/* foreign keys and the role CHECK are enforced */
	assert_int_equal(store_role_grant(st, alice, 99999, "viewer", 0, 505), -1);
	assert_int_equal(store_role_grant(st, 99999, u31, "viewer", 0, 505), -1);
	assert_int_equal(store_role_grant(st, alice, u31, "superuser", 0, 505), -1);
	assert_int_equal(store_role_grant(st, alice, u31, "viewer", 99999, 505), -1);

	roles_t rs = {0};
	assert_int_equal(store_roles_of_user(st, alice, copy_role, &rs), 0);
	assert_int_equal(rs.n, 3);
	assert_role(&rs.r[0], "alice", vn, "viewer");
	assert_role(&rs.r[1], "alice", u31, "entry");
	assert_role(&rs.r[2], "alice", u31, "head");
	assert_int_equal(rs.r[0].granted_by, 0);
	assert_int_equal(rs.r[2].granted_by, carol);
	assert_int_equal(rs.r[2].granted_at, 500); /* the second grant changed nothing */
	assert_int_equal(rs.r[2].user_id, alice);
	assert_string_equal(rs.r[2].full_name, "Người Dùng");

	/* disabled comes from the joined user */
	store_user_t upd = {
	        .id = bob, .full_name = "Trần Văn Bình", .password_hash = "h", .disabled = 1};
	assert_int_equal(store_user_update(st, &upd), 1);

	memset(&rs, 0, sizeof rs);
	assert_int_equal(store_roles_at_unit(st, u31, copy_role, &rs), 0);
	assert_int_equal(rs.n, 3);
	assert_role(&rs.r[0], "alice", u31, "entry");
	assert_role(&rs.r[1], "alice", u31, "head");
	assert_role(&rs.r[2], "bob", u31, "entry");
	assert_int_equal(rs.r[0].disabled, 0);
	assert_int_equal(rs.r[2].disabled, 1);
	assert_string_equal(rs.r[2].full_name, "Trần Văn Bình");
	assert_int_equal(rs.r[2].granted_by, alice);

	memset(&rs, 0, sizeof rs);
	assert_int_equal(store_roles_each(st, copy_role, &rs), 0);
	assert_int_equal(rs.n, 5);
	assert_role(&rs.r[0], "alice", vn, "viewer");
	assert_role(&rs.r[3], "bob", u31, "entry");
	assert_role(&rs.r[4], "carol", u310, "overseer");

	/* a callback's non-zero stops the iteration and is returned */
	memset(&rs, 0, sizeof rs);
	rs.stop_after = 2;
	assert_int_equal(store_roles_each(st, copy_role, &rs), 7);
	assert_int_equal(rs.n, 2);

	assert_int_equal(store_role_revoke(st, bob, u31, "entry"), 1);
	assert_int_equal(store_role_revoke(st, bob, u31, "entry"), 0);
	assert_int_equal(store_role_revoke(st, alice, u310, "head"), 0);
	memset(&rs, 0, sizeof rs);
	assert_int_equal(store_roles_at_unit(st, u31, copy_role, &rs), 0);
	assert_int_equal(rs.n, 2);
	memset(&rs, 0, sizeof rs);
	assert_int_equal(store_roles_of_user(st, bob, copy_role, &rs), 0);
	assert_int_equal(rs.n, 0);
	store_close(st);
}

/* ---- sessions ---- */

static void
fill_hash(unsigned char h[32], unsigned char v)
{
	memset(h, v, 32);
	h[31] = (unsigned char)(v ^ 0x5a); /* not all one byte: binding must be 32 bytes */
}

static const char csrf43[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ";

static void
test_sessions(void **state)
{
	(void)state;
	store_t *st = fresh_store();
	int64_t u1 = new_user(st, "u1", 0), u2 = new_user(st, "u2", 0);
	unsigned char h1[32], h2[32], h3[32], h4[32], h5[32];
	fill_hash(h1, 1), fill_hash(h2, 2), fill_hash(h3, 3), fill_hash(h4, 4), fill_hash(h5, 5);
	assert_int_equal(strlen(csrf43), 43);

	int64_t s1, s2, s3, s4, sx;
	assert_int_equal(store_session_create(st, h1, u1, csrf43, 1000, "203.0.113.5", &s1), 0);
	assert_int_equal(store_session_create(st, h2, u1, "c2", 1500, NULL, &s2), 0);
	assert_true(s1 != s2);
	assert_int_equal(store_session_create(st, h1, u2, "c", 1500, "", &sx), -1); /* same hash */
	assert_int_equal(store_session_create(st, h5, 99999, "c", 1500, "", &sx), -1); /* no user */

	store_session_t ss;
	assert_int_equal(store_session_get(st, h1, &ss), 1);
	assert_int_equal(ss.id, s1);
	assert_int_equal(ss.user_id, u1);
	assert_string_equal(ss.csrf, csrf43);
	assert_int_equal(ss.created_at, 1000);
	assert_int_equal(ss.last_seen_at, 1000);
	assert_int_equal(store_session_get(st, h3, &ss), 0);

	assert_int_equal(store_session_touch(st, s1, 2000), 0);
	assert_int_equal(store_session_get(st, h1, &ss), 1);
	assert_int_equal(ss.last_seen_at, 2000);
	assert_int_equal(ss.created_at, 1000);

	/* idle: s2 last seen 1500 < 1600 goes, s1 (seen 2000) stays */
	assert_int_equal(store_sessions_expire(st, 1600, 0), 0);
	assert_int_equal(store_session_get(st, h2, &ss), 0);
	assert_int_equal(store_session_get(st, h1, &ss), 1);
	/* absolute: s1 created 1000 < 1001 goes although recently seen */
	assert_int_equal(store_session_create(st, h3, u1, "c3", 3000, "", &s3), 0);
	assert_int_equal(store_sessions_expire(st, 0, 1001), 0);
	assert_int_equal(store_session_get(st, h1, &ss), 0);
	assert_int_equal(store_session_get(st, h3, &ss), 1);

	/* logout everywhere touches only that user */
	assert_int_equal(store_session_create(st, h4, u2, "c4", 3000, "", &s4), 0);
	assert_int_equal(store_sessions_delete_user(st, u1), 0);
	assert_int_equal(store_session_get(st, h3, &ss), 0);
	assert_int_equal(store_session_get(st, h4, &ss), 1);
	assert_int_equal(ss.user_id, u2);

	assert_int_equal(store_session_delete(st, s4), 0);
	assert_int_equal(store_session_get(st, h4, &ss), 0);
	assert_int_equal(store_session_delete(st, s4), 0); /* already gone: not an error */
	store_close(st);
}

/* ---- API tokens ---- */

typedef struct token_copy {
	int n;
	int64_t id[8], user_id[8], created_at[8], last_used_at[8], revoked_at[8];
	char name[8][32], prefix[8][16];
} token_copy_t;

static int
copy_token(const store_token_t *t, void *ctx)
{
	token_copy_t *c = ctx;
	assert_true(c->n < 8);
	int i = c->n++;
	c->id[i] = t->id;
	c->user_id[i] = t->user_id;
	c->created_at[i] = t->created_at;
	c->last_used_at[i] = t->last_used_at;
	c->revoked_at[i] = t->revoked_at;
	snprintf(c->name[i], sizeof c->name[i], "%s", t->name);
	snprintf(c->prefix[i], sizeof c->prefix[i], "%s", t->prefix);
	return 0;
}

static void
test_tokens(void **state)
{
	(void)state;
	store_t *st = fresh_store();
	int64_t u1 = new_user(st, "u1", 0), u2 = new_user(st, "u2", 0);
	unsigned char h1[32], h2[32], h3[32], h4[32];
	fill_hash(h1, 11), fill_hash(h2, 12), fill_hash(h3, 13), fill_hash(h4, 14);
	int64_t t1, t2, t3, tx;
	assert_int_equal(store_token_create(st, u1, "Máy chủ báo cáo", h1, "sdt_ab12", 100, &t1),
	                 0);
	assert_int_equal(store_token_create(st, u1, "CI", h2, "sdt_cd34", 110, &t2), 0);
	assert_int_equal(store_token_create(st, u2, "khác", h3, "sdt_ef56", 120, &t3), 0);
	assert_int_equal(store_token_create(st, u2, "trùng", h1, "sdt_ab12", 130, &tx), -1);

	token_copy_t c = {0};
	assert_int_equal(store_token_find(st, h1, copy_token, &c), 1);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.id[0], t1);
	assert_int_equal(c.user_id[0], u1);
	assert_string_equal(c.name[0], "Máy chủ báo cáo");
	assert_string_equal(c.prefix[0], "sdt_ab12");
	assert_int_equal(c.created_at[0], 100);
	assert_int_equal(c.last_used_at[0], 0);
	assert_int_equal(c.revoked_at[0], 0);
	assert_int_equal(store_token_find(st, h4, copy_token, &c), 0);

	assert_int_equal(store_token_touch(st, t1, 150), 0);
	memset(&c, 0, sizeof c);
	assert_int_equal(store_token_find(st, h1, copy_token, &c), 1);
	assert_int_equal(c.last_used_at[0], 150);

	/* another user's token cannot be revoked by id */
	assert_int_equal(store_token_revoke(st, u2, t1, 200), 0);
	assert_int_equal(store_token_find(st, h1, NULL, NULL), 1);
	assert_int_equal(store_token_revoke(st, u1, t1, 200), 1);
	assert_int_equal(store_token_find(st, h1, NULL, NULL), 0);
	assert_int_equal(store_token_revoke(st, u1, t1, 300), 0); /* already revoked */

	memset(&c, 0, sizeof c);
	assert_int_equal(store_tokens_of_user(st, u1, copy_token, &c), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.id[0], t1);
	assert_int_equal(c.revoked_at[0], 200); /* not moved by the second revoke */
	assert_int_equal(c.last_used_at[0], 150);
	assert_int_equal(c.id[1], t2);
	assert_int_equal(c.revoked_at[1], 0);
	assert_string_equal(c.name[1], "CI");
	memset(&c, 0, sizeof c);
	assert_int_equal(store_tokens_of_user(st, u2, copy_token, &c), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.id[0], t3);
	store_close(st);
}

/* ---- audit log ---- */

typedef struct audit_copy {
	int n;
	int64_t id[16], actor_id[16], unit_id[16], at[16];
	char path[16][48], action[16][32], actor[16][32], target[16][32], oldv[16][32],
	        newv[16][32], ip[16][32];
} audit_copy_t;

static int
copy_audit(const store_audit_t *e, void *ctx)
{
	audit_copy_t *c = ctx;
	assert_true(c->n < 16);
	int i = c->n++;
	c->id[i] = e->id;
	c->at[i] = e->at;
	c->actor_id[i] = e->actor_id;
	c->unit_id[i] = e->unit_id;
	snprintf(c->path[i], sizeof c->path[i], "%s", e->unit_path);
	snprintf(c->action[i], sizeof c->action[i], "%s", e->action);
	snprintf(c->actor[i], sizeof c->actor[i], "%s", e->actor_name);
	snprintf(c->target[i], sizeof c->target[i], "%s", e->target);
	snprintf(c->oldv[i], sizeof c->oldv[i], "%s", e->old_value);
	snprintf(c->newv[i], sizeof c->newv[i], "%s", e->new_value);
	snprintf(c->ip[i], sizeof c->ip[i], "%s", e->ip);
	return 0;
}

static int64_t
last_audit_id(store_t *st)
{
	audit_copy_t c = {0};
	assert_int_equal(store_audit_list(st, "", 0, 1, copy_audit, &c), 0);
	assert_int_equal(c.n, 1);
	return c.id[0];
}

static int64_t
append(store_t *st, const char *path, const char *action)
{
	store_audit_t e = {.at = 5000, .unit_path = path, .action = action};
	assert_int_equal(store_audit_append(st, &e), 0);
	return last_audit_id(st);
}

static void
test_audit(void **state)
{
	(void)state;
	char path[256];
	store_t *st = fresh_store_at(path, sizeof path);
	int64_t actor = new_user(st, "admin", 0);
	store_audit_t full = {.at = 4000,
	                      .actor_id = actor,
	                      .actor_name = "admin",
	                      .unit_id = 1,
	                      .unit_path = "/VN/31/",
	                      .action = "role.grant",
	                      .target = "user:7",
	                      .old_value = "",
	                      .new_value = "head",
	                      .ip = "198.51.100.7"};
	assert_int_equal(store_audit_append(st, &full), 0);
	int64_t b = last_audit_id(st);
	int64_t a = append(st, "/VN/", "unit.import");
	int64_t c306 = append(st, "/VN/31/306/", "login");
	int64_t d = append(st, "/VN/310/", "login");
	int64_t e3 = append(st, "/VN/3/", "login");
	int64_t f = append(st, "/VN/31/306/x_y.z/", "login.failed");
	int64_t lower = append(st, "/vn/31/", "login"); /* not under "/VN/31/": case matters */
	int64_t g = append(st, "/VN/31/", "logout");
	/* a required field missing is refused */
	store_audit_t bad = {.at = 1, .unit_path = "/VN/"};
	assert_int_equal(store_audit_append(st, &bad), -1);

	audit_copy_t c = {0};
	assert_int_equal(store_audit_list(st, "/VN/31/", 0, 10, copy_audit, &c), 0);
	assert_int_equal(c.n, 4);
	assert_int_equal(c.id[0], g);
	assert_int_equal(c.id[1], f);
	assert_int_equal(c.id[2], c306);
	assert_int_equal(c.id[3], b);
	/* every field round-trips; 0 ids come back as 0 */
	assert_int_equal(c.at[3], 4000);
	assert_int_equal(c.actor_id[3], actor);
	assert_int_equal(c.unit_id[3], 1);
	assert_string_equal(c.actor[3], "admin");
	assert_string_equal(c.action[3], "role.grant");
	assert_string_equal(c.target[3], "user:7");
	assert_string_equal(c.oldv[3], "");
	assert_string_equal(c.newv[3], "head");
	assert_string_equal(c.ip[3], "198.51.100.7");
	assert_int_equal(c.actor_id[0], 0);
	assert_int_equal(c.unit_id[0], 0);
	assert_string_equal(c.actor[0], "");
	assert_string_equal(c.path[1], "/VN/31/306/x_y.z/");

	/* keyset paging */
	memset(&c, 0, sizeof c);
	assert_int_equal(store_audit_list(st, "/VN/31/", 0, 2, copy_audit, &c), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.id[1], f);
	int64_t before = c.id[1];
	memset(&c, 0, sizeof c);
	assert_int_equal(store_audit_list(st, "/VN/31/", before, 2, copy_audit, &c), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.id[0], c306);
	assert_int_equal(c.id[1], b);
	memset(&c, 0, sizeof c);
	assert_int_equal(store_audit_list(st, "/VN/31/", b, 2, copy_audit, &c), 0);
	assert_int_equal(c.n, 0);

	/* the whole country, a deeper subtree, a sibling, everything */
	memset(&c, 0, sizeof c);
	assert_int_equal(store_audit_list(st, "/VN/", 0, 16, copy_audit, &c), 0);
	assert_int_equal(c.n, 7);
	memset(&c, 0, sizeof c);
	assert_int_equal(store_audit_list(st, "/VN/31/306/", 0, 16, copy_audit, &c), 0);
	assert_int_equal(c.n, 2);
	memset(&c, 0, sizeof c);
	assert_int_equal(store_audit_list(st, "/VN/3/", 0, 16, copy_audit, &c), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.id[0], e3);
	memset(&c, 0, sizeof c);
	assert_int_equal(store_audit_list(st, "/VN/310/", 0, 16, copy_audit, &c), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.id[0], d);
	memset(&c, 0, sizeof c);
	assert_int_equal(store_audit_list(st, "", 0, 16, copy_audit, &c), 0);
	assert_int_equal(c.n, 8);
	assert_int_equal(c.id[0], g);
	assert_int_equal(c.id[1], lower);
	assert_int_equal(c.id[7], b);
	(void)a;

	/* the database itself refuses to rewrite or drop history */
	char msg[256] = "";
	assert_int_equal(tb_exec(path, "UPDATE audit_log SET action='x'", msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "append-only"));
	msg[0] = '\0';
	assert_int_equal(tb_exec(path, "DELETE FROM audit_log WHERE id=1", msg, sizeof msg), -1);
	assert_non_null(strstr(msg, "append-only"));
	memset(&c, 0, sizeof c);
	assert_int_equal(store_audit_list(st, "", 0, 16, copy_audit, &c), 0);
	assert_int_equal(c.n, 8);
	assert_string_equal(c.action[7], "role.grant");
	store_close(st);
}

/* ---- transactions ---- */

static int64_t
user_count(store_t *st)
{
	int64_t n = -1;
	assert_int_equal(store_user_count(st, &n), 0);
	return n;
}

static void
test_tx_rollback_and_commit(void **state)
{
	(void)state;
	char err[512];
	store_t *st = fresh_store();
	add_units(st);

	assert_int_equal(store_tx_begin(st), 0);
	int64_t id = new_user(st, "tx1", 0);
	assert_int_equal(store_role_grant(st, id, 1, "admin", 0, 1), 1);
	assert_int_equal(store_user_get(st, id, NULL, NULL), 1); /* visible inside */
	/* a begin inside is a savepoint: its rollback undoes only what it wrote */
	assert_int_equal(store_tx_begin(st), 0);
	int64_t inner = new_user(st, "tx1b", 0);
	assert_true(inner > 0);
	store_tx_rollback(st);
	assert_int_equal(store_user_find(st, "tx1b", NULL, NULL), 0);
	assert_int_equal(store_user_get(st, id, NULL, NULL), 1);
	/* a committed savepoint still goes with the outer rollback */
	assert_int_equal(store_tx_begin(st), 0);
	new_user(st, "tx1c", 0);
	assert_int_equal(store_tx_commit(st), 0);
	assert_int_equal(store_user_find(st, "tx1c", NULL, NULL), 1);
	store_tx_rollback(st);
	assert_int_equal(store_user_find(st, "tx1c", NULL, NULL), 0);
	assert_int_equal(store_user_find(st, "tx1", NULL, NULL), 0);
	assert_int_equal(user_count(st), 0);
	roles_t rs = {0};
	assert_int_equal(store_roles_each(st, copy_role, &rs), 0);
	assert_int_equal(rs.n, 0);

	assert_int_equal(store_tx_begin(st), 0);
	id = new_user(st, "tx2", 0);
	store_audit_t e = {.at = 1, .actor_id = id, .unit_path = "/VN/", .action = "user.create"};
	assert_int_equal(store_audit_append(st, &e), 0);
	assert_int_equal(store_tx_commit(st), 0);
	assert_int_equal(store_user_find(st, "tx2", NULL, NULL), 1);
	assert_int_equal(user_count(st), 1);

	/* commit or rollback without a transaction: refused / no-op, nothing left locked */
	assert_int_equal(store_tx_commit(st), -1);
	store_tx_rollback(st);

	/* units_apply inside a transaction uses a savepoint: it joins the rollback... */
	store_unit_change_t t1 = {0, "T1", "Trường thử", "truong_th", "31", "", "", "", 1, 0};
	assert_int_equal(store_tx_begin(st), 0);
	assert_int_equal(store_units_apply(st, &t1, 1, err, sizeof err), 0);
	store_tx_rollback(st);
	find_code_t f = {"T1", 0};
	assert_int_equal(store_units_each(st, match_code, &f), 0);
	assert_int_equal(f.id, 0);
	/* ...and its own failure undoes only itself, the outer transaction goes on */
	store_unit_change_t orphan = {0, "T2", "Trường mồ côi", "truong_th", "NOPE", "", "", "",
	                              1, 0};
	assert_int_equal(store_tx_begin(st), 0);
	new_user(st, "tx3", 0);
	assert_int_equal(store_units_apply(st, &orphan, 1, err, sizeof err), -1);
	assert_non_null(strstr(err, "NOPE"));
	assert_int_equal(store_units_apply(st, &t1, 1, err, sizeof err), 0);
	assert_int_equal(store_tx_commit(st), 0);
	assert_int_equal(store_user_find(st, "tx3", NULL, NULL), 1);
	f = (find_code_t){"T1", 0};
	assert_int_equal(store_units_each(st, match_code, &f), 0);
	assert_true(f.id > 0);
	f = (find_code_t){"T2", 0};
	assert_int_equal(store_units_each(st, match_code, &f), 0);
	assert_int_equal(f.id, 0);
	store_close(st);
}

typedef struct waiter {
	store_t *st;
	atomic_int done;
	int64_t count;
	int rc;
} waiter_t;

static void *
count_users(void *arg)
{
	waiter_t *w = arg;
	w->rc = store_user_count(w->st, &w->count);
	atomic_store(&w->done, 1);
	return NULL;
}

static void *
add_user(void *arg)
{
	waiter_t *w = arg;
	store_user_t u = {.username = "later",
	                  .full_name = "Sau",
	                  .email = "",
	                  .password_hash = "x",
	                  .created_at = 1000};
	w->rc = store_user_create(w->st, &u, &w->count);
	atomic_store(&w->done, 1);
	return NULL;
}

/* While a transaction is open, another thread's read goes on at once (its own WAL
 * reader) and sees what was committed before it; another thread's write waits. */
static void
test_tx_readers_do_not_wait(void **state)
{
	(void)state;
	store_t *st = fresh_store();
	new_user(st, "before", 0);
	assert_int_equal(store_tx_begin(st), 0);
	new_user(st, "inside", 0);
	waiter_t r = {.st = st, .count = -1, .rc = -9};
	atomic_init(&r.done, 0);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, count_users, &r), 0);
	/* joined while the transaction is still open: a reader that waited would hang */
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(r.rc, 0);
	assert_int_equal(r.count, 1); /* not the uncommitted "inside" */
	waiter_t w = {.st = st, .count = -1, .rc = -9};
	atomic_init(&w.done, 0);
	assert_int_equal(pthread_create(&th, NULL, add_user, &w), 0);
	/* whatever the timing, the write cannot finish while the transaction is open */
	struct timespec ts = {0, 100 * 1000 * 1000};
	nanosleep(&ts, NULL);
	assert_int_equal(atomic_load(&w.done), 0);
	assert_int_equal(user_count(st), 2); /* this thread reads its own writes */
	assert_int_equal(store_tx_commit(st), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(w.rc, 0);
	/* the other thread's reader sees the commit on its next read */
	r.count = -1;
	assert_int_equal(pthread_create(&th, NULL, count_users, &r), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(r.count, 3);
	store_close(st);
}

/* --pg: on PostgreSQL (store_backend.h) */
int
main(int argc, char **argv)
{
	if (tb_init(argc, argv, "accounts") < 0)
		return 1;
	log_set_level(2);
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_migration_2_recorded_and_reopen_idempotent),
	        cmocka_unit_test(test_users),
	        cmocka_unit_test(test_roles),
	        cmocka_unit_test(test_sessions),
	        cmocka_unit_test(test_tokens),
	        cmocka_unit_test(test_audit),
	        cmocka_unit_test(test_tx_rollback_and_commit),
	        cmocka_unit_test(test_tx_readers_do_not_wait),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
