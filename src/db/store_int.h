/* The store's private query layer: every statement is declared once (a q_def_t: its SQL,
 * and PostgreSQL's text where the dialects differ), its values go through one binder
 * (qv_t) and its rows come back through one reader (db_row_t), whichever backend runs it.
 * Only src/db/ includes this file.
 *
 *   static q_def_t Q_USER_GET = {.what = "đọc người dùng",
 *                                .sql = USER_COLS " WHERE id=?1"};
 *   static int one_user(const db_row_t *r, void *ctx) { ... row_i64(r, 0) ... }
 *   return db_each(st, &Q_USER_GET, QARGS(QI(id)), one_user, &c);
 *
 * The SQL is SQLite's with ?1..?N parameters; PostgreSQL runs the same text with $1..$N
 * unless .pg gives its own. Each value carries its type (QI, QT, QB, QF, QNULL): the backend
 * binds it as that type, never guessing from the text.
 *
 * A row callback may call the store again, even the same query: a backend runs a query
 * already stepping on this connection on a fresh statement of its own (the nested-iteration
 * hazard is gone by construction). Strings a row gives are valid until the callback
 * returns. */
#ifndef SUOTDOI_STORE_INT_H
#define SUOTDOI_STORE_INT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "db/store.h"

/* One value to bind, borrowed for the call. */
typedef struct qv {
	enum { QV_NULL, QV_I64, QV_TEXT, QV_BLOB, QV_F64 } t;
	int64_t i;
	double f;
	const char *s; /* QV_TEXT: NUL-terminated; NULL binds '' (the columns' default) */
	const void *b; /* QV_BLOB */
	size_t n;
} qv_t;

#define QI(v) ((qv_t){.t = QV_I64, .i = (int64_t)(v)})
#define QT(v) ((qv_t){.t = QV_TEXT, .s = (v)})
#define QB(p, len) ((qv_t){.t = QV_BLOB, .b = (p), .n = (len)})
#define QF(v) ((qv_t){.t = QV_F64, .f = (double)(v)})
#define QNULL ((qv_t){.t = QV_NULL})
/* An id where 0 stands for NULL (the optional references: created_by, parent_id...). */
static inline qv_t
QID(int64_t v)
{
	return v ? QI(v) : QNULL;
}
/* Text where a NULL pointer stands for SQL NULL (not ''). */
static inline qv_t
QTN(const char *s)
{
	return s ? QT(s) : QNULL;
}

/* The values of one call: QARGS() for none, QARGS(QI(id), QT(name)) for two. */
#define QARGS(...)                                                                                 \
	((const qv_t[]){{0}, __VA_ARGS__} + 1),                                                    \
	        (sizeof((const qv_t[]){{0}, __VA_ARGS__}) / sizeof(qv_t) - 1)

/* A statement, declared once (static, at file scope, next to the code that runs it). */
typedef struct q_def {
	const char *what; /* Vietnamese, for the log: what failed ("đọc người dùng") */
	const char *sql;  /* SQLite's text, and PostgreSQL's unless pg is set */
	const char *pg;   /* PostgreSQL's text where the dialects differ; NULL = sql */
	/* a write that changes no one's identity, no count a page keeps (a session's or a
	 * token's last use): it moves none of the store's versions */
	int quiet;
	_Atomic int slot;  /* the connections' statement cache index; 0 = not given yet */
	_Atomic int moves; /* the versions a write moves, +1 (0 = not worked out yet) */
} q_def_t;

/* One row of a result. Columns count from 0. A NULL reads as 0, 0.0 or "". */
typedef struct db_row {
	const struct db_driver *d;
	void *h; /* the backend's handle: a sqlite3_stmt, a PGresult */
	int row; /* PostgreSQL: the row's index in h */
} db_row_t;

typedef int (*db_row_fn)(const db_row_t *r, void *ctx);

int64_t row_i64(const db_row_t *r, int col);
int row_int(const db_row_t *r, int col);
double row_f64(const db_row_t *r, int col);
const char *row_text(const db_row_t *r, int col);
const void *row_blob(const db_row_t *r, int col, size_t *n /* OUT */);
int row_null(const db_row_t *r, int col);

/* Results below 0. A callback's non-zero value is returned as it is. */
enum { DB_ERR = -1, DB_UNIQUE = -2 /* a UNIQUE or PRIMARY KEY constraint refused the write */ };

/* A read, on this thread's reader (on the writer inside this thread's transaction): row
 * per row until a callback returns non-zero. 0, that value, or DB_ERR (logged). */
int db_each(store_t *st, const q_def_t *q, const qv_t *v, size_t n, db_row_fn row, void *ctx);
/* A read of one number: 1 with *out, 0 when there is no row, DB_ERR. */
int db_i64(store_t *st, const q_def_t *q, const qv_t *v, size_t n, int64_t *out /* OUT */);
/* A write, on the writer: 0 (*changes: the rows it changed, may be NULL), DB_UNIQUE (not
 * logged: the caller says what collided) or DB_ERR (logged). */
int db_exec(store_t *st, const q_def_t *q, const qv_t *v, size_t n, int64_t *changes /* OUT */);
/* A write that returns rows (INSERT ... RETURNING, UPDATE ... RETURNING). */
int db_write_each(store_t *st, const q_def_t *q, const qv_t *v, size_t n, db_row_fn row, void *ctx);
/* INSERT ... RETURNING id: 0 with *id, DB_UNIQUE, DB_ERR. */
int db_insert(store_t *st, const q_def_t *q, const qv_t *v, size_t n, int64_t *id /* OUT */);

/* Statements built at run time (a search's filters): prepared for this call only. q's
 * sql/pg are the texts (?N parameters as above); its slot is not used. */
int db_each_dyn(store_t *st, const q_def_t *q, const qv_t *v, size_t n, db_row_fn row, void *ctx);
int db_exec_dyn(store_t *st, const q_def_t *q, const qv_t *v, size_t n, int64_t *changes);

/* The dialect of st: 0 SQLite, 1 PostgreSQL (for the few statements built at run time). */
enum { DB_SQLITE = 0, DB_PG = 1 };
int db_dialect(store_t *st);

/* This thread's last error from the store, for messages that quote it ("" when none). */
const char *db_errmsg(void);

/* ---- backends ---- */

/* The versions the layer keeps (store_identity_version and its siblings). */
enum { DB_V_IDENTITY, DB_V_REPORTS, DB_V_NOTICES, DB_V_BUDGET, DB_V_CHASE, DB_V_COUNT };

typedef struct db_driver {
	const char *name;
	int dialect;
	/* Runs q (sql_dyn: a one-off text in place of the cached statement) on the writer
	 * (write) or this thread's reader. */
	int (*run)(store_t *st, int write, const q_def_t *q, int dyn, const qv_t *v, size_t n,
	           db_row_fn row, void *ctx, int64_t *changes);
	int64_t (*i64)(const db_row_t *r, int col);
	double (*f64)(const db_row_t *r, int col);
	const char *(*text)(const db_row_t *r, int col);
	const void *(*blob)(const db_row_t *r, int col, size_t *n);
	int (*isnull)(const db_row_t *r, int col);
	void (*close)(store_t *st);
	int (*schema_version)(store_t *st, int *applied, int *known);
	int (*tx_begin)(store_t *st, int unsynced);
	int (*tx_commit)(store_t *st);
	void (*tx_rollback)(store_t *st);
	int (*sync)(store_t *st);
	int64_t (*external_version)(store_t *st);
	int (*leader)(store_t *st); /* NULL: always (one process) */
	/* Bulk load into table(cols) inside the caller's transaction (PostgreSQL: COPY FROM
	 * STDIN): copy_begin, copy_row per row (values as the columns, in order), copy_end (ok 0:
	 * abandon; the transaction must then roll back). NULL: none (row by row instead). The
	 * writer stays held from begin to end. 0 or -1 (db_errmsg). */
	int (*copy_begin)(store_t *st, const char *table, const char *const *cols, int ncols);
	int (*copy_row)(store_t *st, const qv_t *v, int ncols);
	int (*copy_end)(store_t *st, int ok);
} db_driver_t;

struct store {
	const db_driver_t *drv;
	void *backend;
	/* a test's fault (store_fault_install): the countdown of write calls, -1 none */
	_Atomic long fault_countdown;
	_Atomic int fault_fired;
	/* store_identity_version and its siblings (query.c): moved by every write to their
	 * tables, and again when the transaction ends; dirty: what the open one moved */
	_Atomic uint64_t versions[DB_V_COUNT];
	_Atomic unsigned dirty;
};

/* The backend's outermost transaction ended (committed or rolled back): the versions its
 * writes moved move again (a read made during it may have seen them move already). */
void db_tx_ended(store_t *st);

/* The versions a write by q moves (a mask of 1 << DB_V_*), and moving them: the PostgreSQL
 * backend sends the mask of each commit to the other instances, which move theirs. */
unsigned db_moves(const q_def_t *q, int dyn);
void db_versions_move(store_t *st, unsigned mask);

/* The slot of q in the connections' statement caches (given at first use, from 1). */
int db_slot(const q_def_t *q);
/* A backend records this thread's last error here (db_errmsg). */
void db_set_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* store_tx_begin's "unsynced" twin, on the driver (writer.c's groups). */
int db_tx_begin(store_t *st, int unsynced);

#endif
