/* SQLite backend of the store: one connection in WAL mode guarded by a mutex,
 * prepared statements kept for the life of the store, versioned migrations applied
 * at open and recorded in schema_migrations. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
};
#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

enum { Q_KINDS, Q_UNITS, Q_GEN, Q_GEN_BUMP, Q_INSERT, Q_UPDATE, Q_SET_PARENT, Q_COUNT };
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
};

typedef struct sqlite_store {
	sqlite3 *db;
	pthread_mutex_t mu; /* one connection: calls are serialised */
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
	if (exec(s->db, "BEGIN IMMEDIATE", err, errlen) < 0)
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
	if (exec(s->db, "COMMIT", err, errlen) < 0)
		goto rollback;
	ret = 0;
	goto out;
rollback:
	exec(s->db, "ROLLBACK", NULL, 0);
out:
	pthread_mutex_unlock(&s->mu);
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
	pthread_mutex_init(&s->mu, NULL);
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
