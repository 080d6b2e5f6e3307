/* Accounts (store.h): users, their roles, sessions, API tokens, and the audit log.
 * Backend-neutral: the statements are declared here once and run through the query layer
 * (store_int.h). 0 in C stands for NULL in the id columns. */
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/mem.h"
#include "db/store_int.h"

/* ---- users ---- */

/* The columns user_row reads. */
#define USER_COLS                                                                                  \
	"SELECT id,username,full_name,email,password_hash,must_change_password,disabled,"          \
	"created_at,coalesce(created_by,0) FROM users"

static q_def_t Q_USER_INSERT = {.what = "tạo người dùng",
                                .sql = "INSERT INTO users(username,full_name,email,password_hash,"
                                       "must_change_password,disabled,created_at,created_by)"
                                       " VALUES(?1,?2,?3,?4,?5,?6,?7,nullif(?8,0)) RETURNING id"};
static q_def_t Q_USER_GET = {.what = "đọc người dùng", .sql = USER_COLS " WHERE id=?1"};
static q_def_t Q_USER_FIND = {.what = "tìm người dùng", .sql = USER_COLS " WHERE username=?1"};
static q_def_t Q_USER_UPDATE = {.what = "cập nhật người dùng",
                                .sql = "UPDATE users SET full_name=?2,email=?3,password_hash=?4,"
                                       "must_change_password=?5,disabled=?6 WHERE id=?1"};
static q_def_t Q_USER_COUNT = {.what = "đếm người dùng", .sql = "SELECT count(*) FROM users"};

struct user_cb {
	int (*cb)(const store_user_t *, void *);
	void *ctx;
};

/* A lookup's one row: the callback (if any) is called, its value ignored; found = 1. */
static int
user_row(const db_row_t *r, void *p)
{
	struct user_cb *c = p;
	store_user_t u = {
	        .id = row_i64(r, 0),
	        .username = row_text(r, 1),
	        .full_name = row_text(r, 2),
	        .email = row_text(r, 3),
	        .password_hash = row_text(r, 4),
	        .must_change_password = row_int(r, 5),
	        .disabled = row_int(r, 6),
	        .created_at = row_i64(r, 7),
	        .created_by = row_i64(r, 8),
	};
	if (c->cb)
		c->cb(&u, c->ctx);
	return 1;
}

int
store_user_create(store_t *st, const store_user_t *u, int64_t *id)
{
	int64_t got; /* *id is left as it was unless the user is created */
	int rc = db_insert(st, &Q_USER_INSERT,
	                   QARGS(QTN(u->username), QT(u->full_name), QT(u->email),
	                         QTN(u->password_hash), QI(u->must_change_password != 0),
	                         QI(u->disabled != 0), QI(u->created_at), QI(u->created_by)),
	                   &got);
	if (rc == 0) {
		*id = got;
		return 0;
	}
	if (rc == DB_UNIQUE)
		return -2; /* username is the only UNIQUE column a caller can collide with */
	log_error("Lỗi cơ sở dữ liệu (tạo người dùng %s): %s", u->username ? u->username : "",
	          db_errmsg());
	return -1;
}

int
store_user_get(store_t *st, int64_t id, int (*cb)(const store_user_t *, void *), void *ctx)
{
	struct user_cb c = {cb, ctx};
	return db_each(st, &Q_USER_GET, QARGS(QI(id)), user_row, &c);
}

int
store_user_find(store_t *st, const char *username, int (*cb)(const store_user_t *, void *),
                void *ctx)
{
	struct user_cb c = {cb, ctx};
	return db_each(st, &Q_USER_FIND, QARGS(QTN(username)), user_row, &c);
}

/* A write whose answer is whether it changed a row: 1/0, or -1. */
static int
write_changed(store_t *st, const q_def_t *q, const qv_t *v, size_t n)
{
	int64_t changes = 0;
	if (db_exec(st, q, v, n, &changes) < 0)
		return -1;
	return changes > 0;
}

/* A write: 0 or -1. */
static int
write_done(store_t *st, const q_def_t *q, const qv_t *v, size_t n)
{
	return db_exec(st, q, v, n, NULL) < 0 ? -1 : 0;
}

/* INSERT ... RETURNING id: 0 with *id, or -1 (*id left as it was). */
static int
insert_id(store_t *st, const q_def_t *q, const qv_t *v, size_t n, int64_t *id)
{
	int64_t got;
	if (db_insert(st, q, v, n, &got) < 0)
		return -1;
	*id = got;
	return 0;
}

int
store_user_update(store_t *st, const store_user_t *u)
{
	return write_changed(st, &Q_USER_UPDATE,
	                     QARGS(QI(u->id), QT(u->full_name), QT(u->email), QTN(u->password_hash),
	                           QI(u->must_change_password != 0), QI(u->disabled != 0)));
}

int
store_user_count(store_t *st, int64_t *n)
{
	return db_i64(st, &Q_USER_COUNT, QARGS(), n) == 1 ? 0 : -1;
}

/* ---- roles ---- */

/* The columns role_row reads, and their order. */
#define ROLE_COLS                                                                                  \
	"SELECT r.user_id,r.unit_id,r.role,coalesce(r.granted_by,0),r.granted_at,u.username,"      \
	"u.full_name,u.disabled FROM user_roles r JOIN users u ON u.id=r.user_id"
#define ROLE_ORDER " ORDER BY u.username,r.unit_id,r.role"

/* ON CONFLICT DO NOTHING rather than INSERT OR IGNORE: OR IGNORE would also swallow a
 * CHECK failure (an unknown role) and report it as "already held". */
static q_def_t Q_ROLE_GRANT = {.what = "cấp vai trò",
                               .sql = "INSERT INTO user_roles(user_id,unit_id,role,granted_by,"
                                      "granted_at) VALUES(?1,?2,?3,nullif(?4,0),?5)"
                                      " ON CONFLICT(user_id,unit_id,role) DO NOTHING"};
static q_def_t Q_ROLE_REVOKE = {.what = "thu hồi vai trò",
                                .sql = "DELETE FROM user_roles WHERE user_id=?1 AND unit_id=?2"
                                       " AND role=?3"};
static q_def_t Q_ROLES_USER = {.what = "vai trò",
                               .sql = ROLE_COLS " WHERE r.user_id=?1" ROLE_ORDER};
static q_def_t Q_ROLES_UNIT = {.what = "vai trò",
                               .sql = ROLE_COLS " WHERE r.unit_id=?1" ROLE_ORDER};
static q_def_t Q_ROLES_ALL = {.what = "vai trò", .sql = ROLE_COLS ROLE_ORDER};

int
store_role_grant(store_t *st, int64_t user_id, int64_t unit_id, const char *role,
                 int64_t granted_by, int64_t now)
{
	return write_changed(st, &Q_ROLE_GRANT,
	                     QARGS(QI(user_id), QI(unit_id), QTN(role), QI(granted_by), QI(now)));
}

int
store_role_revoke(store_t *st, int64_t user_id, int64_t unit_id, const char *role)
{
	return write_changed(st, &Q_ROLE_REVOKE, QARGS(QI(user_id), QI(unit_id), QTN(role)));
}

struct role_cb {
	int (*cb)(const store_role_t *, void *);
	void *ctx;
};

static int
role_row(const db_row_t *r, void *p)
{
	struct role_cb *c = p;
	store_role_t role = {
	        .user_id = row_i64(r, 0),
	        .unit_id = row_i64(r, 1),
	        .role = row_text(r, 2),
	        .granted_by = row_i64(r, 3),
	        .granted_at = row_i64(r, 4),
	        .username = row_text(r, 5),
	        .full_name = row_text(r, 6),
	        .disabled = row_int(r, 7),
	};
	return c->cb(&role, c->ctx);
}

int
store_roles_of_user(store_t *st, int64_t user_id, int (*cb)(const store_role_t *, void *),
                    void *ctx)
{
	struct role_cb c = {cb, ctx};
	return db_each(st, &Q_ROLES_USER, QARGS(QI(user_id)), role_row, &c);
}

int
store_roles_at_unit(store_t *st, int64_t unit_id, int (*cb)(const store_role_t *, void *),
                    void *ctx)
{
	struct role_cb c = {cb, ctx};
	return db_each(st, &Q_ROLES_UNIT, QARGS(QI(unit_id)), role_row, &c);
}

int
store_roles_each(store_t *st, int (*cb)(const store_role_t *, void *), void *ctx)
{
	struct role_cb c = {cb, ctx};
	return db_each(st, &Q_ROLES_ALL, QARGS(), role_row, &c);
}

/* ---- sessions ---- */

static q_def_t Q_SESSION_INSERT = {.what = "tạo phiên",
                                   .sql = "INSERT INTO sessions(token_hash,user_id,csrf,"
                                          "created_at,last_seen_at,ip)"
                                          " VALUES(?1,?2,?3,?4,?4,?5) RETURNING id"};
static q_def_t Q_SESSION_GET = {.what = "đọc phiên",
                                .sql = "SELECT id,user_id,csrf,created_at,last_seen_at"
                                       " FROM sessions WHERE token_hash=?1"};
/* when it was last used is not who it is */
static q_def_t Q_SESSION_TOUCH = {.what = "cập nhật phiên",
                                  .sql = "UPDATE sessions SET last_seen_at=?2 WHERE id=?1",
                                  .quiet = 1};
static q_def_t Q_SESSION_DELETE = {.what = "xoá phiên", .sql = "DELETE FROM sessions WHERE id=?1"};
static q_def_t Q_SESSIONS_DELETE_USER = {.what = "xoá phiên của người dùng",
                                         .sql = "DELETE FROM sessions WHERE user_id=?1"};
static q_def_t Q_SESSIONS_EXPIRE = {.what = "xoá phiên hết hạn",
                                    .sql = "DELETE FROM sessions WHERE last_seen_at<?1"
                                           " OR created_at<?2"};

int
store_session_create(store_t *st, const unsigned char hash[32], int64_t user_id, const char *csrf,
                     int64_t now, const char *ip, int64_t *id)
{
	return insert_id(st, &Q_SESSION_INSERT,
	                 QARGS(QB(hash, 32), QI(user_id), QTN(csrf), QI(now), QT(ip)), id) < 0
	               ? -1
	               : 0;
}

static int
session_row(const db_row_t *r, void *p)
{
	store_session_t *out = p;
	out->id = row_i64(r, 0);
	out->user_id = row_i64(r, 1);
	const char *csrf = row_text(r, 2);
	size_t n = strlen(csrf);
	if (n >= sizeof out->csrf)
		n = sizeof out->csrf - 1;
	memcpy(out->csrf, csrf, n);
	out->csrf[n] = '\0';
	out->created_at = row_i64(r, 3);
	out->last_seen_at = row_i64(r, 4);
	return 1;
}

int
store_session_get(store_t *st, const unsigned char hash[32], store_session_t *out)
{
	memset(out, 0, sizeof *out);
	return db_each(st, &Q_SESSION_GET, QARGS(QB(hash, 32)), session_row, out);
}

int
store_session_touch(store_t *st, int64_t id, int64_t now)
{
	return write_done(st, &Q_SESSION_TOUCH, QARGS(QI(id), QI(now)));
}

int
store_session_delete(store_t *st, int64_t id)
{
	return write_done(st, &Q_SESSION_DELETE, QARGS(QI(id)));
}

int
store_sessions_delete_user(store_t *st, int64_t user_id)
{
	return write_done(st, &Q_SESSIONS_DELETE_USER, QARGS(QI(user_id)));
}

int
store_sessions_expire(store_t *st, int64_t idle_before, int64_t created_before)
{
	return write_done(st, &Q_SESSIONS_EXPIRE, QARGS(QI(idle_before), QI(created_before)));
}

/* ---- API tokens ---- */

/* The columns token_row reads. */
#define TOKEN_COLS                                                                                 \
	"SELECT id,user_id,name,prefix,created_at,coalesce(last_used_at,0),coalesce(revoked_at,0)" \
	" FROM api_tokens"

static q_def_t Q_TOKEN_INSERT = {.what = "tạo mã truy cập",
                                 .sql = "INSERT INTO api_tokens(user_id,name,token_hash,prefix,"
                                        "created_at) VALUES(?1,?2,?3,?4,?5) RETURNING id"};
static q_def_t Q_TOKEN_FIND = {.what = "tìm mã truy cập",
                               .sql = TOKEN_COLS " WHERE token_hash=?1 AND revoked_at IS NULL"};
static q_def_t Q_TOKENS_USER = {.what = "mã truy cập",
                                .sql = TOKEN_COLS " WHERE user_id=?1 ORDER BY id"};
static q_def_t Q_TOKEN_REVOKE = {.what = "thu hồi mã truy cập",
                                 .sql = "UPDATE api_tokens SET revoked_at=?3"
                                        " WHERE id=?2 AND user_id=?1 AND revoked_at IS NULL"};
/* when it was last used is not who it is */
static q_def_t Q_TOKEN_TOUCH = {.what = "cập nhật mã truy cập",
                                .sql = "UPDATE api_tokens SET last_used_at=?2 WHERE id=?1",
                                .quiet = 1};

struct token_cb {
	int (*cb)(const store_token_t *, void *);
	void *ctx;
	int lookup; /* token_find: the callback's value is ignored; found = 1 */
};

static int
token_row(const db_row_t *r, void *p)
{
	struct token_cb *c = p;
	store_token_t t = {
	        .id = row_i64(r, 0),
	        .user_id = row_i64(r, 1),
	        .name = row_text(r, 2),
	        .prefix = row_text(r, 3),
	        .created_at = row_i64(r, 4),
	        .last_used_at = row_i64(r, 5),
	        .revoked_at = row_i64(r, 6),
	};
	if (!c->lookup)
		return c->cb(&t, c->ctx);
	if (c->cb)
		c->cb(&t, c->ctx);
	return 1;
}

int
store_token_create(store_t *st, int64_t user_id, const char *name, const unsigned char hash[32],
                   const char *prefix, int64_t now, int64_t *id)
{
	return insert_id(st, &Q_TOKEN_INSERT,
	                 QARGS(QI(user_id), QTN(name), QB(hash, 32), QTN(prefix), QI(now)), id) < 0
	               ? -1
	               : 0;
}

int
store_token_find(store_t *st, const unsigned char hash[32],
                 int (*cb)(const store_token_t *, void *), void *ctx)
{
	struct token_cb c = {cb, ctx, 1};
	return db_each(st, &Q_TOKEN_FIND, QARGS(QB(hash, 32)), token_row, &c);
}

int
store_tokens_of_user(store_t *st, int64_t user_id, int (*cb)(const store_token_t *, void *),
                     void *ctx)
{
	struct token_cb c = {cb, ctx, 0};
	return db_each(st, &Q_TOKENS_USER, QARGS(QI(user_id)), token_row, &c);
}

int
store_token_revoke(store_t *st, int64_t user_id, int64_t token_id, int64_t now)
{
	return write_changed(st, &Q_TOKEN_REVOKE, QARGS(QI(user_id), QI(token_id), QI(now)));
}

int
store_token_touch(store_t *st, int64_t id, int64_t now)
{
	return write_done(st, &Q_TOKEN_TOUCH, QARGS(QI(id), QI(now)));
}

/* ---- audit log ---- */

static q_def_t Q_AUDIT_APPEND = {.what = "ghi nhật ký",
                                 .sql = "INSERT INTO audit_log(at,actor_id,actor_name,unit_id,"
                                        "unit_path,action,target,old_value,new_value,ip)"
                                        " VALUES(?1,nullif(?2,0),?3,nullif(?4,0),?5,?6,?7,?8,?9,"
                                        "?10)"};
/* A range on the (unit_path, id) index, not LIKE: codes hold '_' and '.', and LIKE folds
 * case. ?2 is the prefix with its last byte incremented; with no such bound (an empty
 * prefix, or one of 0xFF bytes) SQLite is given a zero-length blob, which sorts above every
 * text value, and PostgreSQL (which will not compare text with bytea) NULL. PostgreSQL
 * compares bytes under COLLATE "C", as SQLite does. */
static q_def_t Q_AUDIT_LIST = {
        .what = "đọc nhật ký",
        .sql = "SELECT id,at,coalesce(actor_id,0),actor_name,coalesce(unit_id,0),unit_path,"
               "action,target,old_value,new_value,ip FROM audit_log"
               " WHERE unit_path>=?1 AND unit_path<?2 AND (?3=0 OR id<?3)"
               " ORDER BY id DESC LIMIT ?4",
        .pg = "SELECT id,at,coalesce(actor_id,0),actor_name,coalesce(unit_id,0),unit_path,"
              "action,target,old_value,new_value,ip FROM audit_log"
              " WHERE unit_path COLLATE \"C\">=?1 AND (?2::text IS NULL OR"
              " unit_path COLLATE \"C\"<?2) AND (?3=0 OR id<?3)"
              " ORDER BY id DESC LIMIT ?4"};

int
store_audit_append(store_t *st, const store_audit_t *e)
{
	return write_done(st, &Q_AUDIT_APPEND,
	                  QARGS(QI(e->at), QI(e->actor_id), QT(e->actor_name), QI(e->unit_id),
	                        QTN(e->unit_path), QTN(e->action), QT(e->target), QT(e->old_value),
	                        QT(e->new_value), QT(e->ip)));
}

/* Upper bound of a prefix range: the smallest string above every string starting with
 * prefix (drop trailing 0xFF bytes, increment the last one), NUL-terminated, *n bytes long
 * (free it). With *n 0 there is no bound. (store_sqlite.c keeps its own copy for the
 * calls still there.) */
static char *
prefix_upper(const char *prefix, size_t *n)
{
	size_t len = strlen(prefix);
	char *hi = xstrndup(prefix, len);
	while (len > 0 && (unsigned char)hi[len - 1] == 0xFF)
		len--;
	if (len > 0)
		hi[len - 1] = (char)((unsigned char)hi[len - 1] + 1);
	hi[len] = '\0';
	*n = len;
	return hi;
}

struct audit_cb {
	int (*cb)(const store_audit_t *, void *);
	void *ctx;
};

static int
audit_row(const db_row_t *r, void *p)
{
	struct audit_cb *c = p;
	store_audit_t e = {
	        .id = row_i64(r, 0),
	        .at = row_i64(r, 1),
	        .actor_id = row_i64(r, 2),
	        .actor_name = row_text(r, 3),
	        .unit_id = row_i64(r, 4),
	        .unit_path = row_text(r, 5),
	        .action = row_text(r, 6),
	        .target = row_text(r, 7),
	        .old_value = row_text(r, 8),
	        .new_value = row_text(r, 9),
	        .ip = row_text(r, 10),
	};
	return c->cb(&e, c->ctx);
}

int
store_audit_list(store_t *st, const char *path_prefix, int64_t before_id, int limit,
                 int (*cb)(const store_audit_t *, void *), void *ctx)
{
	if (limit <= 0)
		return 0;
	size_t n;
	char *hi = prefix_upper(path_prefix, &n);
	qv_t none = db_dialect(st) == DB_PG ? QNULL : QB("", 0);
	struct audit_cb c = {cb, ctx};
	int ret = db_each(st, &Q_AUDIT_LIST,
	                  QARGS(QTN(path_prefix), n > 0 ? QT(hi) : none, QI(before_id), QI(limit)),
	                  audit_row, &c);
	free(hi);
	return ret;
}
