/* SQLite backend of the store: one connection in WAL mode guarded by a mutex,
 * prepared statements kept for the life of the store, versioned migrations applied
 * at open and recorded in schema_migrations. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/mem.h"
#include "db/store.h"

/* Each migration runs in its own transaction and is recorded; never edit a released
 * one, append a new one. */
static const struct migration {
	int version;
	const char *name;
	const char *sql;
} migrations[] = {
        {1, "unit registry",
         "CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
         "INSERT INTO meta VALUES('units_generation', 1);"
         "CREATE TABLE unit_kinds("
         " code TEXT PRIMARY KEY,"
         " name TEXT NOT NULL,"
         " is_locality INTEGER NOT NULL DEFAULT 0 CHECK(is_locality IN (0,1)),"
         " sort INTEGER NOT NULL DEFAULT 0);"
         "CREATE TABLE units("
         " id INTEGER PRIMARY KEY,"
         " code TEXT NOT NULL UNIQUE,"
         " name TEXT NOT NULL CHECK(length(name) > 0),"
         " kind TEXT NOT NULL REFERENCES unit_kinds(code),"
         " parent_id INTEGER REFERENCES units(id),"
         " locality_code TEXT NOT NULL DEFAULT '',"
         " email TEXT NOT NULL DEFAULT '',"
         " phone TEXT NOT NULL DEFAULT '',"
         " active INTEGER NOT NULL DEFAULT 1 CHECK(active IN (0,1)),"
         " created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
         " updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
         "CREATE INDEX units_parent ON units(parent_id);"
         /* Kinds are data. Localities first (the registries' types), then the bodies. */
         "INSERT INTO unit_kinds(code,name,is_locality,sort) VALUES"
         " ('quoc_gia','Quốc gia',1,10),"
         " ('tinh','Tỉnh',1,20),"
         " ('tp_tw','Thành phố trực thuộc Trung ương',1,21),"
         " ('huyen','Huyện',1,30),"
         " ('quan','Quận',1,31),"
         " ('thi_xa','Thị xã',1,32),"
         " ('tp_thuoc_tinh','Thành phố thuộc tỉnh',1,33),"
         " ('xa','Xã',1,40),"
         " ('phuong','Phường',1,41),"
         " ('thi_tran','Thị trấn',1,42),"
         " ('dac_khu','Đặc khu',1,43),"
         " ('bo_gddt','Bộ Giáo dục và Đào tạo',0,100),"
         " ('ubnd_tinh','UBND tỉnh/thành phố',0,110),"
         " ('so_gddt','Sở Giáo dục và Đào tạo',0,120),"
         " ('ubnd_huyen','UBND huyện/quận',0,130),"
         " ('phong_gddt','Phòng Giáo dục và Đào tạo',0,140),"
         " ('phong_vhtt','Phòng Văn hóa và Thông tin',0,150),"
         " ('tt_vhttt','Trung tâm Văn hóa - Thông tin và Thể thao',0,160),"
         " ('ubnd_xa','UBND xã/phường/thị trấn',0,170),"
         " ('tthtcd','Trung tâm học tập cộng đồng',0,180),"
         " ('tt_gdnn_gdtx','Trung tâm GDNN-GDTX',0,190),"
         " ('truong_mn','Trường mầm non',0,200),"
         " ('truong_th','Trường tiểu học',0,210),"
         " ('truong_thcs','Trường trung học cơ sở',0,220),"
         " ('truong_thpt','Trường trung học phổ thông',0,230),"
         " ('hoi_khuyen_hoc','Hội Khuyến học',0,240),"
         " ('thu_vien','Thư viện',0,250);"
         /* The single national root every province hangs from. */
         "INSERT INTO units(code,name,kind,parent_id) VALUES('VN','Việt Nam','quoc_gia',NULL);"},
        {2, "accounts and audit",
         "CREATE TABLE users("
         " id INTEGER PRIMARY KEY,"
         " username TEXT NOT NULL UNIQUE,"
         " full_name TEXT NOT NULL DEFAULT '',"
         " email TEXT NOT NULL DEFAULT '',"
         " password_hash TEXT NOT NULL,"
         " must_change_password INTEGER NOT NULL DEFAULT 0 CHECK(must_change_password IN (0,1)),"
         " disabled INTEGER NOT NULL DEFAULT 0 CHECK(disabled IN (0,1)),"
         " created_at INTEGER NOT NULL,"
         " created_by INTEGER REFERENCES users(id));"
         "CREATE TABLE user_roles("
         " user_id INTEGER NOT NULL REFERENCES users(id),"
         " unit_id INTEGER NOT NULL REFERENCES units(id),"
         " role TEXT NOT NULL CHECK(role IN ('admin','head','entry','overseer','viewer')),"
         " granted_by INTEGER REFERENCES users(id),"
         " granted_at INTEGER NOT NULL,"
         " PRIMARY KEY(user_id, unit_id, role));"
         "CREATE INDEX user_roles_unit ON user_roles(unit_id);"
         "CREATE TABLE sessions("
         " id INTEGER PRIMARY KEY,"
         " token_hash BLOB NOT NULL UNIQUE,"
         " user_id INTEGER NOT NULL REFERENCES users(id),"
         " csrf TEXT NOT NULL,"
         " created_at INTEGER NOT NULL,"
         " last_seen_at INTEGER NOT NULL,"
         " ip TEXT NOT NULL DEFAULT '');"
         "CREATE INDEX sessions_user ON sessions(user_id);"
         "CREATE TABLE api_tokens("
         " id INTEGER PRIMARY KEY,"
         " user_id INTEGER NOT NULL REFERENCES users(id),"
         " name TEXT NOT NULL,"
         " token_hash BLOB NOT NULL UNIQUE,"
         " prefix TEXT NOT NULL,"
         " created_at INTEGER NOT NULL,"
         " last_used_at INTEGER,"
         " revoked_at INTEGER);"
         "CREATE INDEX api_tokens_user ON api_tokens(user_id);"
         "CREATE TABLE audit_log("
         " id INTEGER PRIMARY KEY,"
         " at INTEGER NOT NULL,"
         " actor_id INTEGER,"
         " actor_name TEXT NOT NULL DEFAULT '',"
         " unit_id INTEGER,"
         " unit_path TEXT NOT NULL,"
         " action TEXT NOT NULL,"
         " target TEXT NOT NULL DEFAULT '',"
         " old_value TEXT NOT NULL DEFAULT '',"
         " new_value TEXT NOT NULL DEFAULT '',"
         " ip TEXT NOT NULL DEFAULT '');"
         "CREATE INDEX audit_path ON audit_log(unit_path, id);"
         /* Append-only, enforced by the database: no code path can rewrite history,
          * whatever a handler gets wrong. */
         "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log"
         " BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;"
         "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log"
         " BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;"},
};
#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

enum {
	Q_KINDS,
	Q_UNITS,
	Q_GEN,
	Q_GEN_BUMP,
	Q_INSERT,
	Q_UPDATE,
	Q_SET_PARENT,
	Q_USER_INSERT,
	Q_USER_GET,
	Q_USER_FIND,
	Q_USER_UPDATE,
	Q_USER_COUNT,
	Q_ROLE_GRANT,
	Q_ROLE_REVOKE,
	Q_ROLES_USER,
	Q_ROLES_UNIT,
	Q_ROLES_ALL,
	Q_SESSION_INSERT,
	Q_SESSION_GET,
	Q_SESSION_TOUCH,
	Q_SESSION_DELETE,
	Q_SESSIONS_DELETE_USER,
	Q_SESSIONS_EXPIRE,
	Q_TOKEN_INSERT,
	Q_TOKEN_FIND,
	Q_TOKENS_USER,
	Q_TOKEN_REVOKE,
	Q_TOKEN_TOUCH,
	Q_AUDIT_APPEND,
	Q_AUDIT_LIST,
	Q_COUNT
};

/* Column lists shared by the statements that fill the same struct (see read_user,
 * read_role, read_token, read_audit). 0 in C stands for NULL in the id columns. */
#define USER_COLS                                                                                  \
	"SELECT id,username,full_name,email,password_hash,must_change_password,disabled,"          \
	"created_at,coalesce(created_by,0) FROM users"
#define ROLE_COLS                                                                                  \
	"SELECT r.user_id,r.unit_id,r.role,coalesce(r.granted_by,0),r.granted_at,u.username,"      \
	"u.full_name,u.disabled FROM user_roles r JOIN users u ON u.id=r.user_id"
#define ROLE_ORDER " ORDER BY u.username,r.unit_id,r.role"
#define TOKEN_COLS                                                                                 \
	"SELECT id,user_id,name,prefix,created_at,coalesce(last_used_at,0),coalesce(revoked_at,0)" \
	" FROM api_tokens"

static const char *const queries[Q_COUNT] = {
        [Q_KINDS] = "SELECT code,name,is_locality,sort FROM unit_kinds ORDER BY sort,code",
        [Q_UNITS] = "SELECT id,code,name,kind,coalesce(parent_id,0),locality_code,email,phone,"
                    "active FROM units ORDER BY id",
        [Q_GEN] = "SELECT value FROM meta WHERE key='units_generation'",
        [Q_GEN_BUMP] = "UPDATE meta SET value=value+1 WHERE key='units_generation'",
        [Q_INSERT] = "INSERT INTO units(code,name,kind,locality_code,email,phone,active)"
                     " VALUES(?1,?2,?3,?4,?5,?6,?7)",
        [Q_UPDATE] = "UPDATE units SET name=?2,kind=?3,locality_code=?4,email=?5,phone=?6,"
                     "active=?7,updated_at=strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id=?1",
        [Q_SET_PARENT] = "UPDATE units SET parent_id=(SELECT id FROM units WHERE code=?2)"
                         " WHERE code=?1 AND (SELECT id FROM units WHERE code=?2) IS NOT NULL",
        [Q_USER_INSERT] = "INSERT INTO users(username,full_name,email,password_hash,"
                          "must_change_password,disabled,created_at,created_by)"
                          " VALUES(?1,?2,?3,?4,?5,?6,?7,nullif(?8,0))",
        [Q_USER_GET] = USER_COLS " WHERE id=?1",
        [Q_USER_FIND] = USER_COLS " WHERE username=?1",
        [Q_USER_UPDATE] = "UPDATE users SET full_name=?2,email=?3,password_hash=?4,"
                          "must_change_password=?5,disabled=?6 WHERE id=?1",
        [Q_USER_COUNT] = "SELECT count(*) FROM users",
        /* ON CONFLICT DO NOTHING rather than INSERT OR IGNORE: OR IGNORE would also
         * swallow a CHECK failure (an unknown role) and report it as "already held". */
        [Q_ROLE_GRANT] = "INSERT INTO user_roles(user_id,unit_id,role,granted_by,granted_at)"
                         " VALUES(?1,?2,?3,nullif(?4,0),?5)"
                         " ON CONFLICT(user_id,unit_id,role) DO NOTHING",
        [Q_ROLE_REVOKE] = "DELETE FROM user_roles WHERE user_id=?1 AND unit_id=?2 AND role=?3",
        [Q_ROLES_USER] = ROLE_COLS " WHERE r.user_id=?1" ROLE_ORDER,
        [Q_ROLES_UNIT] = ROLE_COLS " WHERE r.unit_id=?1" ROLE_ORDER,
        [Q_ROLES_ALL] = ROLE_COLS ROLE_ORDER,
        [Q_SESSION_INSERT] = "INSERT INTO sessions(token_hash,user_id,csrf,created_at,"
                             "last_seen_at,ip) VALUES(?1,?2,?3,?4,?4,?5)",
        [Q_SESSION_GET] = "SELECT id,user_id,csrf,created_at,last_seen_at FROM sessions"
                          " WHERE token_hash=?1",
        [Q_SESSION_TOUCH] = "UPDATE sessions SET last_seen_at=?2 WHERE id=?1",
        [Q_SESSION_DELETE] = "DELETE FROM sessions WHERE id=?1",
        [Q_SESSIONS_DELETE_USER] = "DELETE FROM sessions WHERE user_id=?1",
        [Q_SESSIONS_EXPIRE] = "DELETE FROM sessions WHERE last_seen_at<?1 OR created_at<?2",
        [Q_TOKEN_INSERT] = "INSERT INTO api_tokens(user_id,name,token_hash,prefix,created_at)"
                           " VALUES(?1,?2,?3,?4,?5)",
        [Q_TOKEN_FIND] = TOKEN_COLS " WHERE token_hash=?1 AND revoked_at IS NULL",
        [Q_TOKENS_USER] = TOKEN_COLS " WHERE user_id=?1 ORDER BY id",
        [Q_TOKEN_REVOKE] = "UPDATE api_tokens SET revoked_at=?3"
                           " WHERE id=?2 AND user_id=?1 AND revoked_at IS NULL",
        [Q_TOKEN_TOUCH] = "UPDATE api_tokens SET last_used_at=?2 WHERE id=?1",
        [Q_AUDIT_APPEND] = "INSERT INTO audit_log(at,actor_id,actor_name,unit_id,unit_path,"
                           "action,target,old_value,new_value,ip)"
                           " VALUES(?1,nullif(?2,0),?3,nullif(?4,0),?5,?6,?7,?8,?9,?10)",
        /* A range on the (unit_path, id) index, not LIKE: codes hold '_' and '.', and
         * LIKE folds case. ?2 is the prefix with its last byte incremented. */
        [Q_AUDIT_LIST] = "SELECT id,at,coalesce(actor_id,0),actor_name,coalesce(unit_id,0),"
                         "unit_path,action,target,old_value,new_value,ip FROM audit_log"
                         " WHERE unit_path>=?1 AND unit_path<?2 AND (?3=0 OR id<?3)"
                         " ORDER BY id DESC LIMIT ?4",
};

typedef struct sqlite_store {
	sqlite3 *db;
	/* One connection: calls are serialised. Recursive so that store_tx_begin can hold
	 * it until commit while the same thread's calls lock it again and join. */
	pthread_mutex_t mu;
	int tx_open; /* a store_tx_begin transaction is open; only read or written under mu */
	sqlite3_stmt *stmt[Q_COUNT];
} sqlite_store_t;

static sqlite_store_t *
backend(store_t *st)
{
	return st->backend;
}

static int
exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		if (err)
			snprintf(err, errlen, "Lỗi cơ sở dữ liệu: %s", msg ? msg : "?");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int
applied_version(sqlite3 *db, int *out)
{
	sqlite3_stmt *s;
	*out = 0;
	if (sqlite3_prepare_v2(db, "SELECT coalesce(max(version),0) FROM schema_migrations", -1, &s,
	                       NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		*out = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return 0;
}

static int
migrate(sqlite3 *db, char *err, size_t errlen)
{
	if (exec(db,
	         "CREATE TABLE IF NOT EXISTS schema_migrations(version INTEGER PRIMARY KEY,"
	         " name TEXT NOT NULL, applied_at TEXT NOT NULL)",
	         err, errlen) < 0)
		return -1;
	int have;
	if (applied_version(db, &have) < 0) {
		snprintf(err, errlen, "Lỗi cơ sở dữ liệu: %s", sqlite3_errmsg(db));
		return -1;
	}
	if (have > migrations[NMIGRATIONS - 1].version) {
		snprintf(err, errlen,
		         "Cơ sở dữ liệu ở phiên bản %d, mới hơn chương trình (%d): hãy dùng bản "
		         "suotdoi mới hơn.",
		         have, migrations[NMIGRATIONS - 1].version);
		return -1;
	}
	for (int i = 0; i < NMIGRATIONS; i++) {
		const struct migration *m = &migrations[i];
		if (m->version <= have)
			continue;
		if (exec(db, "BEGIN IMMEDIATE", err, errlen) < 0)
			return -1;
		char rec[256];
		snprintf(rec, sizeof rec,
		         "INSERT INTO schema_migrations VALUES(%d,'%s',"
		         "strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ','now'))",
		         m->version, m->name);
		if (exec(db, m->sql, err, errlen) < 0 || exec(db, rec, err, errlen) < 0) {
			exec(db, "ROLLBACK", NULL, 0);
			return -1;
		}
		if (exec(db, "COMMIT", err, errlen) < 0)
			return -1;
	}
	return 0;
}

static void
sq_close(store_t *st)
{
	sqlite_store_t *s = backend(st);
	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
	sqlite3_close(s->db);
	pthread_mutex_destroy(&s->mu);
	free(s);
	free(st);
}

static int
sq_schema_version(store_t *st, int *applied, int *known)
{
	sqlite_store_t *s = backend(st);
	pthread_mutex_lock(&s->mu);
	int rc = applied_version(s->db, applied);
	pthread_mutex_unlock(&s->mu);
	*known = migrations[NMIGRATIONS - 1].version;
	return rc;
}

static const char *
col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return t ? (const char *)t : "";
}

static int
sq_kinds_each(store_t *st, int (*cb)(const store_kind_t *, void *), void *ctx)
{
	sqlite_store_t *s = backend(st);
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *q = s->stmt[Q_KINDS];
	int rc, ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_kind_t k = {col_text(q, 0), col_text(q, 1), sqlite3_column_int(q, 2),
		                  sqlite3_column_int(q, 3)};
		if ((ret = cb(&k, ctx)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = -1;
	sqlite3_reset(q);
	pthread_mutex_unlock(&s->mu);
	return ret;
}

static int
sq_units_each(store_t *st, int (*cb)(const store_unit_t *, void *), void *ctx)
{
	sqlite_store_t *s = backend(st);
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *q = s->stmt[Q_UNITS];
	int rc, ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_unit_t u = {
		        .id = sqlite3_column_int64(q, 0),
		        .code = col_text(q, 1),
		        .name = col_text(q, 2),
		        .kind = col_text(q, 3),
		        .parent_id = sqlite3_column_int64(q, 4),
		        .locality_code = col_text(q, 5),
		        .email = col_text(q, 6),
		        .phone = col_text(q, 7),
		        .active = sqlite3_column_int(q, 8),
		};
		if ((ret = cb(&u, ctx)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = -1;
	sqlite3_reset(q);
	pthread_mutex_unlock(&s->mu);
	return ret;
}

static int64_t
sq_units_generation(store_t *st)
{
	sqlite_store_t *s = backend(st);
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *q = s->stmt[Q_GEN];
	int64_t v = -1;
	if (sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	pthread_mutex_unlock(&s->mu);
	return v;
}

static int
step_done(sqlite_store_t *s, sqlite3_stmt *q, char *err, size_t errlen, const char *code)
{
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "Không ghi được đơn vị %s: %s", code, sqlite3_errmsg(s->db));
		return -1;
	}
	return 0;
}

static void
bind_fields(sqlite3_stmt *q, const store_unit_change_t *r, int first)
{
	/* ?first = name, then kind, locality, email, phone, active */
	sqlite3_bind_text(q, first, r->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, first + 1, r->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, first + 2, r->locality_code, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, first + 3, r->email, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, first + 4, r->phone, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, first + 5, r->active);
}

static int
sq_units_apply(store_t *st, const store_unit_change_t *rows, size_t n, char *err, size_t errlen)
{
	sqlite_store_t *s = backend(st);
	int ret = -1;
	pthread_mutex_lock(&s->mu);
	/* Inside a store_tx_begin transaction BEGIN would fail: a savepoint gives the same
	 * all-or-nothing for this batch and leaves the outer transaction to its owner. */
	int nested = !sqlite3_get_autocommit(s->db);
	if (exec(s->db, nested ? "SAVEPOINT units_apply" : "BEGIN IMMEDIATE", err, errlen) < 0)
		goto out;
	/* Pass 1: rows themselves; pass 2: parents by code, so a batch may carry parents
	 * after their children and foreign keys hold at every statement. */
	for (size_t i = 0; i < n; i++) {
		const store_unit_change_t *r = &rows[i];
		sqlite3_stmt *q;
		if (r->id == 0) {
			q = s->stmt[Q_INSERT];
			sqlite3_bind_text(q, 1, r->code, -1, SQLITE_STATIC);
			bind_fields(q, r, 2);
		} else {
			q = s->stmt[Q_UPDATE];
			sqlite3_bind_int64(q, 1, r->id);
			bind_fields(q, r, 2);
		}
		if (step_done(s, q, err, errlen, r->code) < 0)
			goto rollback;
	}
	for (size_t i = 0; i < n; i++) {
		const store_unit_change_t *r = &rows[i];
		if (r->parent_code == NULL)
			continue;
		sqlite3_stmt *q = s->stmt[Q_SET_PARENT];
		sqlite3_bind_text(q, 1, r->code, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, r->parent_code, -1, SQLITE_STATIC);
		if (step_done(s, q, err, errlen, r->code) < 0)
			goto rollback;
		if (sqlite3_changes(s->db) != 1) {
			snprintf(err, errlen, "Không tìm thấy đơn vị cấp trên %s của đơn vị %s.",
			         r->parent_code, r->code);
			goto rollback;
		}
	}
	if (n > 0) {
		sqlite3_stmt *q = s->stmt[Q_GEN_BUMP];
		if (step_done(s, q, err, errlen, "-") < 0)
			goto rollback;
	}
	if (exec(s->db, nested ? "RELEASE units_apply" : "COMMIT", err, errlen) < 0)
		goto rollback;
	ret = 0;
	goto out;
rollback:
	exec(s->db, nested ? "ROLLBACK TO units_apply; RELEASE units_apply" : "ROLLBACK", NULL, 0);
out:
	pthread_mutex_unlock(&s->mu);
	return ret;
}

/* ---- transactions spanning several calls ---- */

static int
sq_tx_begin(store_t *st)
{
	sqlite_store_t *s = backend(st);
	char err[256];
	/* Held until commit or rollback: this thread's calls lock again (recursive) and
	 * join the transaction, other threads wait for it to end. */
	pthread_mutex_lock(&s->mu);
	if (s->tx_open) {
		log_error("Kho dữ liệu: store_tx_begin khi giao dịch trước chưa kết thúc.");
		pthread_mutex_unlock(&s->mu);
		return -1;
	}
	if (exec(s->db, "BEGIN IMMEDIATE", err, sizeof err) < 0) {
		log_error("%s", err);
		pthread_mutex_unlock(&s->mu);
		return -1;
	}
	s->tx_open = 1;
	return 0;
}

/* Ends the open transaction (ROLLBACK unless commit and COMMIT succeeds) and releases the
 * hold taken by begin. The caller's own lock of mu is released by the caller. */
static int
tx_end(sqlite_store_t *s, int commit)
{
	char err[256];
	int ret = 0;
	if (commit && exec(s->db, "COMMIT", err, sizeof err) < 0) {
		log_error("%s", err);
		ret = -1;
		commit = 0;
	}
	/* SQLite may already have rolled back on its own (I/O error, full disk). */
	if (!commit && !sqlite3_get_autocommit(s->db))
		exec(s->db, "ROLLBACK", NULL, 0);
	s->tx_open = 0;
	pthread_mutex_unlock(&s->mu);
	return ret;
}

/* A failed COMMIT is rolled back here, so the transaction is over either way and the
 * lock is released; a store_tx_rollback that follows it is a harmless no-op. */
static int
sq_tx_commit(store_t *st)
{
	sqlite_store_t *s = backend(st);
	pthread_mutex_lock(&s->mu);
	int ret = -1;
	if (s->tx_open)
		ret = tx_end(s, 1);
	pthread_mutex_unlock(&s->mu);
	return ret;
}

static void
sq_tx_rollback(store_t *st)
{
	sqlite_store_t *s = backend(st);
	pthread_mutex_lock(&s->mu);
	if (s->tx_open)
		tx_end(s, 0);
	pthread_mutex_unlock(&s->mu);
}

/* ---- statement helpers for the account tables ---- */

/* Steps a statement that returns no rows, then resets and unbinds it. Returns
 * SQLITE_DONE or the extended error code (read before the reset). Logs the error
 * unless what is NULL (the caller reports it). */
static int
run(sqlite_store_t *s, sqlite3_stmt *q, const char *what)
{
	int rc = sqlite3_step(q);
	if (rc != SQLITE_DONE) {
		rc = sqlite3_extended_errcode(s->db);
		if (rc == SQLITE_DONE || rc == SQLITE_OK || rc == SQLITE_ROW)
			rc = SQLITE_ERROR;
		if (what)
			log_error("Lỗi cơ sở dữ liệu (%s): %s", what, sqlite3_errmsg(s->db));
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc;
}

/* Runs a write whose lock the caller took, and releases it: 0 done, -1 error. With
 * changed set, returns 1/0 (a row changed or not) in place of 0. */
static int
write_locked(sqlite_store_t *s, sqlite3_stmt *q, const char *what, int changed)
{
	int rc = run(s, q, what);
	int ret = rc == SQLITE_DONE ? 0 : -1;
	if (ret == 0 && changed)
		ret = sqlite3_changes(s->db) > 0;
	pthread_mutex_unlock(&s->mu);
	return ret;
}

/* Optional text: NULL from C is stored as the column's '' default. */
static void
bind_opt(sqlite3_stmt *q, int i, const char *t)
{
	sqlite3_bind_text(q, i, t ? t : "", -1, SQLITE_STATIC);
}

static void
bind_hash(sqlite3_stmt *q, int i, const unsigned char hash[32])
{
	sqlite3_bind_blob(q, i, hash, 32, SQLITE_STATIC);
}

static void
finish_query(sqlite_store_t *s, sqlite3_stmt *q)
{
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	pthread_mutex_unlock(&s->mu);
}

/* Logs a failed step of a reading statement and returns -1. */
static int
read_failed(sqlite_store_t *s, const char *what)
{
	log_error("Lỗi cơ sở dữ liệu (%s): %s", what, sqlite3_errmsg(s->db));
	return -1;
}

/* ---- users ---- */

static void
read_user(sqlite3_stmt *q, store_user_t *u)
{
	*u = (store_user_t){
	        .id = sqlite3_column_int64(q, 0),
	        .username = col_text(q, 1),
	        .full_name = col_text(q, 2),
	        .email = col_text(q, 3),
	        .password_hash = col_text(q, 4),
	        .must_change_password = sqlite3_column_int(q, 5),
	        .disabled = sqlite3_column_int(q, 6),
	        .created_at = sqlite3_column_int64(q, 7),
	        .created_by = sqlite3_column_int64(q, 8),
	};
}

static int
sq_user_create(store_t *st, const store_user_t *u, int64_t *id)
{
	sqlite_store_t *s = backend(st);
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *q = s->stmt[Q_USER_INSERT];
	sqlite3_bind_text(q, 1, u->username, -1, SQLITE_STATIC);
	bind_opt(q, 2, u->full_name);
	bind_opt(q, 3, u->email);
	sqlite3_bind_text(q, 4, u->password_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 5, u->must_change_password != 0);
	sqlite3_bind_int(q, 6, u->disabled != 0);
	sqlite3_bind_int64(q, 7, u->created_at);
	sqlite3_bind_int64(q, 8, u->created_by);
	int rc = run(s, q, NULL);
	int ret = 0;
	if (rc == SQLITE_DONE) {
		*id = sqlite3_last_insert_rowid(s->db);
	} else if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		ret = -2; /* username is the only UNIQUE column a caller can collide with */
	} else {
		log_error("Lỗi cơ sở dữ liệu (tạo người dùng %s): %s",
		          u->username ? u->username : "", sqlite3_errmsg(s->db));
		ret = -1;
	}
	pthread_mutex_unlock(&s->mu);
	return ret;
}

static int
user_lookup(sqlite_store_t *s, sqlite3_stmt *q, int (*cb)(const store_user_t *, void *), void *ctx)
{
	int ret, rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		store_user_t u;
		read_user(q, &u);
		if (cb)
			cb(&u, ctx);
		ret = 1;
	} else {
		ret = rc == SQLITE_DONE ? 0 : read_failed(s, "users");
	}
	finish_query(s, q);
	return ret;
}

static int
sq_user_get(store_t *st, int64_t id, int (*cb)(const store_user_t *, void *), void *ctx)
{
	sqlite_store_t *s = backend(st);
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *q = s->stmt[Q_USER_GET];
	sqlite3_bind_int64(q, 1, id);
	return user_lookup(s, q, cb, ctx);
}

static int
sq_user_find(store_t *st, const char *username, int (*cb)(const store_user_t *, void *), void *ctx)
{
	sqlite_store_t *s = backend(st);
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *q = s->stmt[Q_USER_FIND];
	sqlite3_bind_text(q, 1, username, -1, SQLITE_STATIC);
	return user_lookup(s, q, cb, ctx);
}

static int
sq_user_update(store_t *st, const store_user_t *u)
{
	sqlite_store_t *s = backend(st);
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *q = s->stmt[Q_USER_UPDATE];
	sqlite3_bind_int64(q, 1, u->id);
	bind_opt(q, 2, u->full_name);
	bind_opt(q, 3, u->email);
	sqlite3_bind_text(q, 4, u->password_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 5, u->must_change_password != 0);
	sqlite3_bind_int(q, 6, u->disabled != 0);
	return write_locked(s, q, "cập nhật người dùng", 1);
}

static int
sq_user_count(store_t *st, int64_t *n)
{
	sqlite_store_t *s = backend(st);
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *q = s->stmt[Q_USER_COUNT];
	int ret = 0;
	if (sqlite3_step(q) == SQLITE_ROW)
		*n = sqlite3_column_int64(q, 0);
	else
		ret = read_failed(s, "đếm người dùng");
	finish_query(s, q);
	return ret;
}

/* ---- roles ---- */

static int
sq_role_grant(store_t *st, int64_t user_id, int64_t unit_id, const char *role, int64_t granted_by,
              int64_t now)
{
	sqlite_store_t *s = backend(st);
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *q = s->stmt[Q_ROLE_GRANT];
	sqlite3_bind_int64(q, 1, user_id);
	sqlite3_bind_int64(q, 2, unit_id);
	sqlite3_bind_text(q, 3, role, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, granted_by);
	sqlite3_bind_int64(q, 5, now);
	return write_locked(s, q, "cấp vai trò", 1);
}

static int
sq_role_revoke(store_t *st, int64_t user_id, int64_t unit_id, const char *role)
{
	sqlite_store_t *s = backend(st);
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *q = s->stmt[Q_ROLE_REVOKE];
	sqlite3_bind_int64(q, 1, user_id);
	sqlite3_bind_int64(q, 2, unit_id);
	sqlite3_bind_text(q, 3, role, -1, SQLITE_STATIC);
	return write_locked(s, q, "thu hồi vai trò", 1);
}

/* Runs a bound ROLE_COLS statement (lock held) through cb, then releases everything. */
static int
roles_loop(sqlite_store_t *s, sqlite3_stmt *q, int (*cb)(const store_role_t *, void *), void *ctx)
{
	int rc, ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_role_t r = {
		        .user_id = sqlite3_column_int64(q, 0),
		        .unit_id = sqlite3_column_int64(q, 1),
		        .role = col_text(q, 2),
		        .granted_by = sqlite3_column_int64(q, 3),
		        .granted_at = sqlite3_column_int64(q, 4),
		        .username = col_text(q, 5),
		        .full_name = col_text(q, 6),
		        .disabled = sqlite3_column_int(q, 7),
		};
		if ((ret = cb(&r, ctx)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = read_failed(s, "vai trò");
	finish_query(s, q);
	return ret;
}

static int
sq_roles_of_user(store_t *st, int64_t user_id, int (*cb)(const store_role_t *, void *), void *ctx)
{
	sqlite_store_t *s = backend(st);
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *q = s->stmt[Q_ROLES_USER];
	sqlite3_bind_int64(q, 1, user_id);
	return roles_loop(s, q, cb, ctx);
}

static int
sq_roles_at_unit(store_t *st, int64_t unit_id, int (*cb)(const store_role_t *, void *), void *ctx)
{
	sqlite_store_t *s = backend(st);
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *q = s->stmt[Q_ROLES_UNIT];
	sqlite3_bind_int64(q, 1, unit_id);
	return roles_loop(s, q, cb, ctx);
}

static int
sq_roles_each(store_t *st, int (*cb)(const store_role_t *, void *), void *ctx)
{
	sqlite_store_t *s = backend(st);
	pthread_mutex_lock(&s->mu);
	return roles_loop(s, s->stmt[Q_ROLES_ALL], cb, ctx);
}

/* ---- sessions ---- */

static int
sq_session_create(store_t *st, const unsigned char hash[32], int64_t user_id, const char *csrf,
                  int64_t now, const char *ip, int64_t *id)
{
	sqlite_store_t *s = backend(st);
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *q = s->stmt[Q_SESSION_INSERT];
	bind_hash(q, 1, hash);
	sqlite3_bind_int64(q, 2, user_id);
	sqlite3_bind_text(q, 3, csrf, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, now);
	bind_opt(q, 5, ip);
	int ret = run(s, q, "tạo phiên") == SQLITE_DONE ? 0 : -1;
	if (ret == 0)
		*id = sqlite3_last_insert_rowid(s->db);
	pthread_mutex_unlock(&s->mu);
	return ret;
}

static int
sq_session_get(store_t *st, const unsigned char hash[32], store_session_t *out)
{
	sqlite_store_t *s = backend(st);
	memset(out, 0, sizeof *out);
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *q = s->stmt[Q_SESSION_GET];
	bind_hash(q, 1, hash);
	int ret, rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(q, 0);
		out->user_id = sqlite3_column_int64(q, 1);
		const char *csrf = col_text(q, 2);
		size_t n = (size_t)sqlite3_column_bytes(q, 2);
		if (n >= sizeof out->csrf)
			n = sizeof out->csrf - 1;
		memcpy(out->csrf, csrf, n);
		out->csrf[n] = '\0';
		out->created_at = sqlite3_column_int64(q, 3);
		out->last_seen_at = sqlite3_column_int64(q, 4);
		ret = 1;
	} else {
		ret = rc == SQLITE_DONE ? 0 : read_failed(s, "đọc phiên");
	}
	finish_query(s, q);
	return ret;
}

static int
sq_session_touch(store_t *st, int64_t id, int64_t now)
{
	sqlite_store_t *s = backend(st);
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *q = s->stmt[Q_SESSION_TOUCH];
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, now);
	return write_locked(s, q, "cập nhật phiên", 0);
}

static int
sq_session_delete(store_t *st, int64_t id)
{
	sqlite_store_t *s = backend(st);
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *q = s->stmt[Q_SESSION_DELETE];
	sqlite3_bind_int64(q, 1, id);
	return write_locked(s, q, "xoá phiên", 0);
}

static int
sq_sessions_delete_user(store_t *st, int64_t user_id)
{
	sqlite_store_t *s = backend(st);
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *q = s->stmt[Q_SESSIONS_DELETE_USER];
	sqlite3_bind_int64(q, 1, user_id);
	return write_locked(s, q, "xoá phiên của người dùng", 0);
}

static int
sq_sessions_expire(store_t *st, int64_t idle_before, int64_t created_before)
{
	sqlite_store_t *s = backend(st);
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *q = s->stmt[Q_SESSIONS_EXPIRE];
	sqlite3_bind_int64(q, 1, idle_before);
	sqlite3_bind_int64(q, 2, created_before);
	return write_locked(s, q, "xoá phiên hết hạn", 0);
}

/* ---- API tokens ---- */

static void
read_token(sqlite3_stmt *q, store_token_t *t)
{
	*t = (store_token_t){
	        .id = sqlite3_column_int64(q, 0),
	        .user_id = sqlite3_column_int64(q, 1),
	        .name = col_text(q, 2),
	        .prefix = col_text(q, 3),
	        .created_at = sqlite3_column_int64(q, 4),
	        .last_used_at = sqlite3_column_int64(q, 5),
	        .revoked_at = sqlite3_column_int64(q, 6),
	};
}

static int
sq_token_create(store_t *st, int64_t user_id, const char *name, const unsigned char hash[32],
                const char *prefix, int64_t now, int64_t *id)
{
	sqlite_store_t *s = backend(st);
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *q = s->stmt[Q_TOKEN_INSERT];
	sqlite3_bind_int64(q, 1, user_id);
	sqlite3_bind_text(q, 2, name, -1, SQLITE_STATIC);
	bind_hash(q, 3, hash);
	sqlite3_bind_text(q, 4, prefix, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 5, now);
	int ret = run(s, q, "tạo mã truy cập") == SQLITE_DONE ? 0 : -1;
	if (ret == 0)
		*id = sqlite3_last_insert_rowid(s->db);
	pthread_mutex_unlock(&s->mu);
	return ret;
}

static int
sq_token_find(store_t *st, const unsigned char hash[32], int (*cb)(const store_token_t *, void *),
              void *ctx)
{
	sqlite_store_t *s = backend(st);
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *q = s->stmt[Q_TOKEN_FIND];
	bind_hash(q, 1, hash);
	int ret, rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		store_token_t t;
		read_token(q, &t);
		if (cb)
			cb(&t, ctx);
		ret = 1;
	} else {
		ret = rc == SQLITE_DONE ? 0 : read_failed(s, "tìm mã truy cập");
	}
	finish_query(s, q);
	return ret;
}

static int
sq_tokens_of_user(store_t *st, int64_t user_id, int (*cb)(const store_token_t *, void *), void *ctx)
{
	sqlite_store_t *s = backend(st);
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *q = s->stmt[Q_TOKENS_USER];
	sqlite3_bind_int64(q, 1, user_id);
	int rc, ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_token_t t;
		read_token(q, &t);
		if ((ret = cb(&t, ctx)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = read_failed(s, "mã truy cập");
	finish_query(s, q);
	return ret;
}

static int
sq_token_revoke(store_t *st, int64_t user_id, int64_t token_id, int64_t now)
{
	sqlite_store_t *s = backend(st);
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *q = s->stmt[Q_TOKEN_REVOKE];
	sqlite3_bind_int64(q, 1, user_id);
	sqlite3_bind_int64(q, 2, token_id);
	sqlite3_bind_int64(q, 3, now);
	return write_locked(s, q, "thu hồi mã truy cập", 1);
}

static int
sq_token_touch(store_t *st, int64_t id, int64_t now)
{
	sqlite_store_t *s = backend(st);
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *q = s->stmt[Q_TOKEN_TOUCH];
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, now);
	return write_locked(s, q, "cập nhật mã truy cập", 0);
}

/* ---- audit log ---- */

static int
sq_audit_append(store_t *st, const store_audit_t *e)
{
	sqlite_store_t *s = backend(st);
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *q = s->stmt[Q_AUDIT_APPEND];
	sqlite3_bind_int64(q, 1, e->at);
	sqlite3_bind_int64(q, 2, e->actor_id);
	bind_opt(q, 3, e->actor_name);
	sqlite3_bind_int64(q, 4, e->unit_id);
	sqlite3_bind_text(q, 5, e->unit_path, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 6, e->action, -1, SQLITE_STATIC);
	bind_opt(q, 7, e->target);
	bind_opt(q, 8, e->old_value);
	bind_opt(q, 9, e->new_value);
	bind_opt(q, 10, e->ip);
	return write_locked(s, q, "ghi nhật ký", 0);
}

static int
sq_audit_list(store_t *st, const char *path_prefix, int64_t before_id, int limit,
              int (*cb)(const store_audit_t *, void *), void *ctx)
{
	if (limit <= 0)
		return 0;
	sqlite_store_t *s = backend(st);
	/* Upper bound of the range: the smallest string above every string starting with
	 * the prefix (drop trailing 0xFF bytes, increment the last one). With none left
	 * there is no bound: a zero-length blob sorts above every text value. */
	size_t n = strlen(path_prefix);
	char *hi = xstrndup(path_prefix, n);
	while (n > 0 && (unsigned char)hi[n - 1] == 0xFF)
		n--;
	pthread_mutex_lock(&s->mu);
	sqlite3_stmt *q = s->stmt[Q_AUDIT_LIST];
	sqlite3_bind_text(q, 1, path_prefix, -1, SQLITE_STATIC);
	if (n > 0) {
		hi[n - 1] = (char)((unsigned char)hi[n - 1] + 1);
		sqlite3_bind_text(q, 2, hi, (int)n, SQLITE_STATIC);
	} else {
		sqlite3_bind_zeroblob(q, 2, 0);
	}
	sqlite3_bind_int64(q, 3, before_id);
	sqlite3_bind_int(q, 4, limit);
	int rc, ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_audit_t e = {
		        .id = sqlite3_column_int64(q, 0),
		        .at = sqlite3_column_int64(q, 1),
		        .actor_id = sqlite3_column_int64(q, 2),
		        .actor_name = col_text(q, 3),
		        .unit_id = sqlite3_column_int64(q, 4),
		        .unit_path = col_text(q, 5),
		        .action = col_text(q, 6),
		        .target = col_text(q, 7),
		        .old_value = col_text(q, 8),
		        .new_value = col_text(q, 9),
		        .ip = col_text(q, 10),
		};
		if ((ret = cb(&e, ctx)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = read_failed(s, "đọc nhật ký");
	finish_query(s, q);
	free(hi);
	return ret;
}

static const store_ops_t sqlite_ops = {
        .name = "sqlite",
        .close = sq_close,
        .schema_version = sq_schema_version,
        .kinds_each = sq_kinds_each,
        .units_each = sq_units_each,
        .units_generation = sq_units_generation,
        .units_apply = sq_units_apply,
        .tx_begin = sq_tx_begin,
        .tx_commit = sq_tx_commit,
        .tx_rollback = sq_tx_rollback,
        .user_create = sq_user_create,
        .user_get = sq_user_get,
        .user_find = sq_user_find,
        .user_update = sq_user_update,
        .user_count = sq_user_count,
        .role_grant = sq_role_grant,
        .role_revoke = sq_role_revoke,
        .roles_of_user = sq_roles_of_user,
        .roles_at_unit = sq_roles_at_unit,
        .roles_each = sq_roles_each,
        .session_create = sq_session_create,
        .session_get = sq_session_get,
        .session_touch = sq_session_touch,
        .session_delete = sq_session_delete,
        .sessions_delete_user = sq_sessions_delete_user,
        .sessions_expire = sq_sessions_expire,
        .token_create = sq_token_create,
        .token_find = sq_token_find,
        .tokens_of_user = sq_tokens_of_user,
        .token_revoke = sq_token_revoke,
        .token_touch = sq_token_touch,
        .audit_append = sq_audit_append,
        .audit_list = sq_audit_list,
};

int
store_sqlite_open(const char *path, store_t **out, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	*out = NULL;
	int rc = sqlite3_open_v2(
	        path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "Không mở được cơ sở dữ liệu %s: %s", path,
		         db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close(db);
		return -1;
	}
	/* WAL: readers never block the writer. synchronous=FULL: a committed submission
	 * survives a power cut (the reporting loop promises that). */
	if (exec(db,
	         "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
	         "PRAGMA busy_timeout=5000;",
	         err, errlen) < 0 ||
	    migrate(db, err, errlen) < 0) {
		sqlite3_close(db);
		return -1;
	}
	sqlite_store_t *s = xcalloc(1, sizeof *s);
	s->db = db;
	pthread_mutexattr_t attr;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&s->mu, &attr);
	pthread_mutexattr_destroy(&attr);
	for (int i = 0; i < Q_COUNT; i++) {
		if (sqlite3_prepare_v3(db, queries[i], -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[i],
		                       NULL) != SQLITE_OK) {
			snprintf(err, errlen, "Lỗi chuẩn bị truy vấn: %s", sqlite3_errmsg(db));
			store_t tmp = {&sqlite_ops, s};
			store_t *t = xmalloc(sizeof *t);
			*t = tmp;
			sq_close(t);
			return -1;
		}
	}
	store_t *st = xmalloc(sizeof *st);
	st->ops = &sqlite_ops;
	st->backend = s;
	*out = st;
	return 0;
}
