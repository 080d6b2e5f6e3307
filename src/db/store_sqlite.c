/* The SQLite backend of the store: a driver of the query layer (store_int.h). One writer
 * connection in WAL mode guarded by a mutex and one reader connection per thread, each
 * keeping its prepared statements for the life of the store; the versioned migrations of
 * schema_sqlite.c applied at open and recorded in schema_migrations. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/mem.h"
#include "db/schema.h"
#include "db/store_int.h"

#define migrations sqlite_migrations
#define NMIGRATIONS sqlite_nmigrations

/* One connection. The store has one writer connection, shared by every thread and
 * serialised by its mutex, and one reader connection per thread that reads (WAL readers:
 * a read never waits for the writer, even while a group of writes is being committed). */
typedef struct sqlite_store {
	sqlite3 *db;
	/* Recursive so that store_tx_begin can hold the writer until commit while the same
	 * thread's calls lock it again and join. depth counts this connection's holds. */
	pthread_mutex_t mu;
	int depth;
	int tx_depth; /* writer: store_tx_begin levels open (1 = the transaction, more =
	                 savepoints); only read or written under mu */
	int unsynced; /* writer: the open transaction runs with synchronous=NORMAL */
	int reader;   /* 1: a reader connection (query_only) */
	sqlite3_stmt **qs; /* the query layer's statements, by slot (store_int.h) */
	int nqs;
	struct sqlite_store *next_reader;
} sqlite_store_t;

/* The store: the writer connection and the readers opened so far. */
typedef struct sq_db {
	sqlite_store_t w;
	char *path;
	int no_readers;      /* an in-memory or temporary database: everything on the writer */
	pthread_key_t key;   /* this thread's reader */
	pthread_mutex_t rmu; /* guards readers */
	sqlite_store_t *readers;
	int64_t data_version; /* the last sq_external_version read (under w.mu), -1 none */
} sq_db_t;

/* The store whose writer transaction this thread holds: its reads must see its own
 * uncommitted writes, so they go to the writer too. */
static _Thread_local const sq_db_t *tl_tx_db;

static sq_db_t *
backend(store_t *st)
{
	return st->backend;
}

static void
lock(sqlite_store_t *s)
{
	pthread_mutex_lock(&s->mu);
	s->depth++;
}

/* A reader that ends a call with a statement still stepping would keep its read
 * transaction, and this thread would read an old snapshot from then on: say so, and
 * reset it. */
static void
unlock(sqlite_store_t *s)
{
	if (--s->depth == 0 && s->reader && !sqlite3_get_autocommit(s->db)) {
		for (sqlite3_stmt *q = sqlite3_next_stmt(s->db, NULL); q;
		     q = sqlite3_next_stmt(s->db, q))
			if (sqlite3_stmt_busy(q)) {
				log_error("Kho dữ liệu: truy vấn chưa kết thúc: %s",
				          sqlite3_sql(q));
				sqlite3_reset(q);
			}
	}
	pthread_mutex_unlock(&s->mu);
}

static void conn_init(sqlite_store_t *s, sqlite3 *db, int reader);

/* The writer connection: for every write, and for reads inside this thread's
 * transaction. */
static sqlite_store_t *
wr(store_t *st)
{
	return &backend(st)->w;
}

/* This thread's reader, opened on first use; the writer when there can be none or this
 * thread is inside its own transaction. */
static sqlite_store_t *
rd(store_t *st)
{
	sq_db_t *d = backend(st);
	if (d->no_readers || tl_tx_db == d)
		return &d->w;
	sqlite_store_t *r = pthread_getspecific(d->key);
	if (r != NULL)
		return r;
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(d->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	            SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA query_only=1; PRAGMA busy_timeout=5000;", NULL, NULL, NULL) !=
	            SQLITE_OK) {
		log_error("Kho dữ liệu: không mở được kết nối đọc (%s); đọc qua kết nối ghi.",
		          db ? sqlite3_errmsg(db) : "?");
		sqlite3_close(db);
		return &d->w;
	}
	r = xcalloc(1, sizeof *r);
	conn_init(r, db, 1);
	pthread_mutex_lock(&d->rmu);
	r->next_reader = d->readers;
	d->readers = r;
	pthread_mutex_unlock(&d->rmu);
	pthread_setspecific(d->key, r);
	return r;
}


static void
conn_init(sqlite_store_t *s, sqlite3 *db, int reader)
{
	s->db = db;
	s->reader = reader;
	pthread_mutexattr_t attr;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&s->mu, &attr);
	pthread_mutexattr_destroy(&attr);
}

static void
conn_close(sqlite_store_t *s)
{
	for (int i = 0; i < s->nqs; i++)
		sqlite3_finalize(s->qs[i]);
	free(s->qs);
	sqlite3_close(s->db);
	pthread_mutex_destroy(&s->mu);
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

/* 1 if PRAGMA foreign_key_check reports no row, 0 if it does, -1 on error. */
static int
foreign_keys_hold(sqlite3 *db)
{
	sqlite3_stmt *q;
	if (sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &q, NULL) != SQLITE_OK)
		return -1;
	int rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? 1 : rc == SQLITE_ROW ? 0 : -1;
}

static int
migrate_one(sqlite3 *db, const struct migration *m, char *err, size_t errlen)
{
	if (exec(db, "BEGIN IMMEDIATE", err, errlen) < 0)
		return -1;
	char rec[256];
	/* %q: a name may hold a quote (one with "drafts'" broke the statement) */
	sqlite3_snprintf((int)sizeof rec, rec,
	                 "INSERT INTO schema_migrations VALUES(%d,'%q',"
	                 "strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ','now'))",
	                 m->version, m->name);
	if (exec(db, m->sql, err, errlen) < 0 || exec(db, rec, err, errlen) < 0) {
		exec(db, "ROLLBACK", NULL, 0);
		return -1;
	}
	if (m->rebuild && foreign_keys_hold(db) != 1) {
		snprintf(err, errlen,
		         "Nâng cấp cơ sở dữ liệu %d (%s): dữ liệu vi phạm khóa ngoại; không "
		         "áp dụng.",
		         m->version, m->name);
		exec(db, "ROLLBACK", NULL, 0);
		return -1;
	}
	if (exec(db, "COMMIT", err, errlen) < 0) {
		exec(db, "ROLLBACK", NULL, 0);
		return -1;
	}
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
		/* foreign_keys cannot change inside a transaction */
		if (m->rebuild && exec(db, "PRAGMA foreign_keys=OFF", err, errlen) < 0)
			return -1;
		int rc = migrate_one(db, m, err, errlen);
		if (m->rebuild &&
		    exec(db, "PRAGMA foreign_keys=ON", rc < 0 ? NULL : err, errlen) < 0)
			rc = -1;
		if (rc < 0)
			return -1;
	}
	return 0;
}

static void
sq_close(store_t *st)
{
	sq_db_t *d = backend(st);
	for (sqlite_store_t *r = d->readers, *next; r; r = next) {
		next = r->next_reader;
		conn_close(r);
		free(r);
	}
	conn_close(&d->w);
	pthread_key_delete(d->key);
	pthread_mutex_destroy(&d->rmu);
	free(d->path);
	free(d);
	free(st);
}

static int
sq_schema_version(store_t *st, int *applied, int *known)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	int rc = applied_version(s->db, applied);
	unlock(s);
	*known = migrations[NMIGRATIONS - 1].version;
	return rc;
}

static const char *
col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return t ? (const char *)t : "";
}



/* PRAGMA data_version: moves when another connection commits (SQLite's own contract).
 * What the other wrote is not known, so every version pages cache on moves with it. */
static int64_t
sq_external_version(store_t *st)
{
	sq_db_t *d = st->backend;
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = NULL;
	int64_t v = -1;
	if (sqlite3_prepare_v2(s->db, "PRAGMA data_version", -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	if (v >= 0 && d->data_version >= 0 && v != d->data_version)
		db_versions_move(st, (1u << DB_V_COUNT) - 1);
	if (v >= 0)
		d->data_version = v;
	unlock(s);
	return v;
}






/* ---- transactions spanning several calls ---- */

/* store_tx_begin opens the transaction, or inside one a savepoint: the writer thread
 * commits a group of writes in one transaction and runs each in its own savepoint, and
 * the workflow it runs opens its own transaction as before, which then nests. The lock is
 * held from begin to the matching commit or rollback. */
static int tx_begin(store_t *st, int unsynced);

/* synchronous=NORMAL for this transaction only: in WAL mode SQLite then writes the WAL at
 * commit without syncing it (it still syncs before a checkpoint), and store_sync makes it
 * durable. Ordinary commits, before and after, keep synchronous=FULL. */

static int
sq_sync(store_t *st)
{
	sq_db_t *d = backend(st);
	if (d->no_readers)
		return 0; /* a private database: nothing to make durable */
	size_t n = strlen(d->path) + 5;
	char *wal = xmalloc(n);
	snprintf(wal, n, "%s-wal", d->path);
	/* fdatasync on any descriptor of the file writes its dirty pages */
	int fd = open(wal, O_RDONLY | O_CLOEXEC);
	int rc = 0;
	if (fd < 0) {
		/* no WAL: SQLite removed it after checkpointing everything into the database
		 * file, which it synced */
		if (errno != ENOENT) {
			log_error("Kho dữ liệu: không mở được %s: %s", wal, strerror(errno));
			rc = -1;
		}
	} else {
		if (fdatasync(fd) < 0) {
			log_error("Kho dữ liệu: fdatasync %s: %s", wal, strerror(errno));
			rc = -1;
		}
		close(fd);
	}
	free(wal);
	return rc;
}

static int
tx_begin(store_t *st, int unsynced)
{
	sqlite_store_t *s = wr(st);
	char err[256], sql[48];
	lock(s);
	if (s->tx_depth > 0) {
		/* SQLite may have rolled the transaction back on its own (I/O error, full
		 * disk): a savepoint now would start a new transaction outside the group. */
		if (sqlite3_get_autocommit(s->db)) {
			log_error("Kho dữ liệu: giao dịch đã bị hủy; không mở điểm lưu.");
			unlock(s);
			return -1;
		}
		snprintf(sql, sizeof sql, "SAVEPOINT tx%d", s->tx_depth);
	} else {
		snprintf(sql, sizeof sql, "BEGIN IMMEDIATE");
		if (unsynced && exec(s->db, "PRAGMA synchronous=NORMAL", err, sizeof err) < 0) {
			log_error("%s", err);
			unlock(s);
			return -1;
		}
		s->unsynced = unsynced;
	}
	if (exec(s->db, sql, err, sizeof err) < 0) {
		log_error("%s", err);
		if (s->tx_depth == 0 && s->unsynced) {
			exec(s->db, "PRAGMA synchronous=FULL", NULL, 0);
			s->unsynced = 0;
		}
		unlock(s);
		return -1;
	}
	if (s->tx_depth++ == 0)
		tl_tx_db = backend(st);
	return 0;
}

/* Ends the innermost level (commit: COMMIT or RELEASE; else, or when that fails, ROLLBACK
 * or ROLLBACK TO) and releases the hold taken by its begin. The caller's own lock of mu
 * is released by the caller. */
static int
tx_end(store_t *st, sqlite_store_t *s, int commit)
{
	char err[256], sql[80];
	int ret = 0;
	int level = --s->tx_depth;
	if (level > 0) {
		snprintf(sql, sizeof sql, "RELEASE tx%d", level);
		if (commit && exec(s->db, sql, err, sizeof err) < 0) {
			log_error("%s", err);
			ret = -1;
			commit = 0;
		}
		if (!commit && !sqlite3_get_autocommit(s->db)) {
			snprintf(sql, sizeof sql, "ROLLBACK TO tx%d; RELEASE tx%d", level, level);
			exec(s->db, sql, NULL, 0);
		}
	} else {
		if (commit && exec(s->db, "COMMIT", err, sizeof err) < 0) {
			log_error("%s", err);
			ret = -1;
			commit = 0;
		}
		/* SQLite may already have rolled back on its own (I/O error, full disk). */
		if (!commit && !sqlite3_get_autocommit(s->db))
			exec(s->db, "ROLLBACK", NULL, 0);
		if (s->unsynced) {
			exec(s->db, "PRAGMA synchronous=FULL", NULL, 0);
			s->unsynced = 0;
		}
		if (tl_tx_db == backend(st))
			tl_tx_db = NULL;
		db_tx_ended(st);
	}
	unlock(s);
	return ret;
}

/* A failed commit is rolled back here, so that level is over either way and its lock is
 * released: the caller must not roll it back again (that would end the level around it). */
static int
sq_tx_commit(store_t *st)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	int ret = -1;
	if (s->tx_depth > 0)
		ret = tx_end(st, s, 1);
	unlock(s);
	return ret;
}

static void
sq_tx_rollback(store_t *st)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	if (s->tx_depth > 0)
		tx_end(st, s, 0);
	unlock(s);
}



/* ---- the query layer's driver (store_int.h) ---- */

static const db_driver_t sqlite_driver;

/* q's statement on s (lock held): the connection's own, prepared on first use, or when that
 * one is stepping already (a row callback running the same query) a fresh one; *own says
 * it is to be finalised. NULL logged. */
static sqlite3_stmt *
q_stmt(sqlite_store_t *s, const q_def_t *q, int dyn, int *own)
{
	sqlite3_stmt *stm = NULL;
	*own = 1;
	if (!dyn) {
		int slot = db_slot(q);
		if (slot >= s->nqs) {
			int n = slot + 64;
			s->qs = xrealloc(s->qs, (size_t)n * sizeof *s->qs);
			memset(s->qs + s->nqs, 0, (size_t)(n - s->nqs) * sizeof *s->qs);
			s->nqs = n;
		}
		if (s->qs[slot] == NULL &&
		    sqlite3_prepare_v3(s->db, q->sql, -1, SQLITE_PREPARE_PERSISTENT, &s->qs[slot],
		                       NULL) != SQLITE_OK)
			goto failed;
		if (!sqlite3_stmt_busy(s->qs[slot])) {
			*own = 0;
			return s->qs[slot];
		}
	}
	if (sqlite3_prepare_v2(s->db, q->sql, -1, &stm, NULL) == SQLITE_OK)
		return stm;
failed:
	db_set_error("%s", sqlite3_errmsg(s->db));
	log_error("Lỗi chuẩn bị truy vấn (%s): %s", q->what, sqlite3_errmsg(s->db));
	return NULL;
}

static int
q_bind(sqlite3_stmt *stm, const qv_t *v, size_t n)
{
	int rc = SQLITE_OK;
	for (size_t i = 0; i < n && rc == SQLITE_OK; i++) {
		int k = (int)i + 1;
		switch (v[i].t) {
		case QV_NULL: rc = sqlite3_bind_null(stm, k); break;
		case QV_I64: rc = sqlite3_bind_int64(stm, k, v[i].i); break;
		case QV_F64: rc = sqlite3_bind_double(stm, k, v[i].f); break;
		case QV_TEXT:
			rc = sqlite3_bind_text(stm, k, v[i].s ? v[i].s : "", -1, SQLITE_STATIC);
			break;
		case QV_BLOB:
			/* an empty blob, not NULL, when there are no bytes */
			rc = sqlite3_bind_blob64(stm, k, v[i].b ? v[i].b : "", v[i].n, SQLITE_STATIC);
			break;
		}
	}
	return rc;
}

static int
sqd_run(store_t *st, int write, const q_def_t *q, int dyn, const qv_t *v, size_t n,
        db_row_fn row, void *ctx, int64_t *changes)
{
	sqlite_store_t *s = write ? wr(st) : rd(st);
	lock(s);
	int own, ret = 0, rc;
	sqlite3_stmt *stm = q_stmt(s, q, dyn, &own);
	if (stm == NULL) {
		unlock(s);
		return DB_ERR;
	}
	if ((rc = q_bind(stm, v, n)) != SQLITE_OK) {
		db_set_error("%s", sqlite3_errstr(rc));
		log_error("Lỗi cơ sở dữ liệu (%s): %s", q->what, sqlite3_errstr(rc));
		ret = DB_ERR;
		goto out;
	}
	db_row_t r = {&sqlite_driver, stm, 0};
	while ((rc = sqlite3_step(stm)) == SQLITE_ROW)
		if (row && (ret = row(&r, ctx)) != 0)
			break;
	if (ret == 0 && rc != SQLITE_DONE) {
		int ext = sqlite3_extended_errcode(s->db);
		db_set_error("%s", sqlite3_errmsg(s->db));
		if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
			ret = DB_UNIQUE;
		} else {
			log_error("Lỗi cơ sở dữ liệu (%s): %s", q->what, sqlite3_errmsg(s->db));
			ret = DB_ERR;
		}
	}
	if (ret == 0 && changes)
		*changes = sqlite3_changes(s->db);
out:
	if (own) {
		sqlite3_finalize(stm);
	} else {
		sqlite3_reset(stm);
		sqlite3_clear_bindings(stm);
	}
	unlock(s);
	return ret;
}

static int64_t
sqd_i64(const db_row_t *r, int col)
{
	return sqlite3_column_int64(r->h, col);
}

static double
sqd_f64(const db_row_t *r, int col)
{
	return sqlite3_column_double(r->h, col);
}

static const char *
sqd_text(const db_row_t *r, int col)
{
	return col_text(r->h, col);
}

static const void *
sqd_blob(const db_row_t *r, int col, size_t *n)
{
	const void *b = sqlite3_column_blob(r->h, col); /* before its size (SQLite's rule) */
	*n = (size_t)sqlite3_column_bytes(r->h, col);
	return b;
}

static int
sqd_isnull(const db_row_t *r, int col)
{
	return sqlite3_column_type(r->h, col) == SQLITE_NULL;
}


static const db_driver_t sqlite_driver = {
        .name = "sqlite",
        .dialect = DB_SQLITE,
        .run = sqd_run,
        .i64 = sqd_i64,
        .f64 = sqd_f64,
        .text = sqd_text,
        .blob = sqd_blob,
        .isnull = sqd_isnull,
        .close = sq_close,
        .schema_version = sq_schema_version,
        .tx_begin = tx_begin,
        .tx_commit = sq_tx_commit,
        .tx_rollback = sq_tx_rollback,
        .sync = sq_sync,
        .external_version = sq_external_version,
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
	sq_db_t *d = xcalloc(1, sizeof *d);
	d->data_version = -1;
	sqlite_store_t *s = &d->w;
	conn_init(s, db, 0);
	d->path = xstrdup(path);
	/* an in-memory or temporary database is private to its connection */
	const char *file = sqlite3_db_filename(db, "main");
	d->no_readers = file == NULL || *file == '\0' || strstr(path, "mode=memory") != NULL;
	pthread_mutex_init(&d->rmu, NULL);
	if (pthread_key_create(&d->key, NULL) != 0) {
		snprintf(err, errlen, "Không tạo được khóa luồng cho kho dữ liệu.");
		conn_close(s);
		free(d->path);
		free(d);
		return -1;
	}
	store_t *st = xcalloc(1, sizeof *st);
	st->drv = &sqlite_driver;
	st->backend = d;
	st->fault_countdown = -1;
	*out = st;
	return 0;
}

/* ---- online backup (suotdoi backup) ---- */

/* PRAGMA integrity_check's rows: a single "ok", or what is wrong. */
static int
integrity_row(void *p, int n, char **v, char **names)
{
	(void)names;
	int *ok = p;
	*ok = n == 1 && v[0] && strcmp(v[0], "ok") == 0 && *ok != -1;
	if (!*ok)
		*ok = -1; /* a second row, or not "ok": never ok again */
	return 0;
}

int
store_sqlite_backup(const char *path, const char *to, int64_t *pages, char *err, size_t errlen)
{
	if (strncmp(path, "sqlite:", 7) == 0)
		path += 7;
	if (access(to, F_OK) == 0) {
		snprintf(err, errlen, "Tệp %s đã có; hãy chọn tên tệp sao lưu mới.", to);
		return -1;
	}
	sqlite3 *src = NULL, *dst = NULL;
	int rc = -1;
	if (sqlite3_open_v2(path, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "Không mở được %s: %s", path, sqlite3_errmsg(src));
		goto out;
	}
	sqlite3_busy_timeout(src, 5000);
	if (sqlite3_open_v2(to, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "Không tạo được %s: %s", to, sqlite3_errmsg(dst));
		goto out;
	}
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b) {
		snprintf(err, errlen, "Không sao lưu được: %s", sqlite3_errmsg(dst));
		goto out;
	}
	int step;
	/* every page in one step, inside one read transaction: in WAL mode that snapshot never
	 * blocks the server's writers, and nothing they commit meanwhile restarts the copy (in
	 * steps of a few hundred pages, every commit by another connection between two steps
	 * started it over: under a steady load a large file might never finish). BUSY/LOCKED:
	 * wait and try again. */
	while ((step = sqlite3_backup_step(b, -1)) == SQLITE_OK || step == SQLITE_BUSY ||
	       step == SQLITE_LOCKED)
		sqlite3_sleep(50);
	*pages = sqlite3_backup_pagecount(b);
	sqlite3_backup_finish(b);
	if (step != SQLITE_DONE) {
		snprintf(err, errlen, "Sao lưu dừng giữa chừng: %s", sqlite3_errstr(step));
		goto out;
	}
	int ok = 0;
	if (sqlite3_exec(dst, "PRAGMA integrity_check", integrity_row, &ok, NULL) != SQLITE_OK ||
	    ok != 1) {
		snprintf(err, errlen, "Bản sao lưu %s không qua kiểm tra toàn vẹn.", to);
		goto out;
	}
	rc = 0;
out:
	sqlite3_close(src);
	sqlite3_close(dst);
	if (rc < 0 && dst)
		unlink(to);
	return rc;
}
