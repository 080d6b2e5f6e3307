/* PostgreSQL backend of the store (libpq): a db_driver_t (store_int.h) that runs the query
 * layer's statements, with versioned migrations (schema_pg.c) applied at open and recorded
 * in schema_migrations, as the SQLite backend does.
 *
 * Connections: one writer, shared by every thread and serialised by its recursive mutex
 * (store_tx_begin holds it until the matching commit), and one reader per thread, opened on
 * first use (read-only sessions). A thread inside its own transaction reads on the writer,
 * so that it sees its own uncommitted writes.
 *
 * Statements: ?N becomes $N; each q_def_t is prepared on a connection on first use as
 * "q<slot>". Values are sent typed (int8, text, bytea in binary, float8; NULL untyped),
 * results come back as text. A result is read whole before its rows are delivered, so a
 * row callback may call the store again on the same connection. (A very large read is held
 * in memory whole; no statement of the store needs chunking yet.) */
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/mem.h"
#include "db/schema.h"
#include "db/store_int.h"

/* One connection. */
typedef struct pg_conn {
	PGconn *c;
	pthread_mutex_t mu;      /* recursive: store_tx_begin holds the writer until its end */
	int tx_depth;            /* writer: store_tx_begin levels open (1 = the transaction) */
	unsigned char *prepared; /* by slot: 1 once "q<slot>" is prepared here */
	int nprepared;
	struct pg_conn *next_reader;
} pg_conn_t;

typedef struct pg_db {
	pg_conn_t w;
	char *conninfo;
	pthread_key_t key;   /* this thread's reader */
	pthread_mutex_t rmu; /* guards readers */
	pg_conn_t *readers;
	/* Several instances (see "instances" below): this store's name in its notices, how
	 * many it has sent and whether the open transaction changed rows (under w.mu) */
	store_t *st;
	char origin[20];
	int64_t notices_sent;
	int tx_wrote;
	/* the listener: its connection and thread, what it has heard (external_version) and
	 * whether its connection holds the leader's lock */
	PGconn *lc;
	pthread_t listener;
	int listening;
	_Atomic int stopping, leader, wants_leader;
	_Atomic int64_t external;
	/* a bulk load in progress (copy_begin..copy_end, writer held): rows not yet sent */
	buf_t copybuf;
	int copy_failed;
} pg_db_t;

static const db_driver_t pg_driver;
static int announce(pg_db_t *d, unsigned mask);

/* The store whose writer transaction this thread holds: its reads go to the writer. */
static _Thread_local const pg_db_t *tl_tx_db;

static pg_db_t *
backend(store_t *st)
{
	return st->backend;
}

static void
lock(pg_conn_t *s)
{
	pthread_mutex_lock(&s->mu);
}

static void
unlock(pg_conn_t *s)
{
	pthread_mutex_unlock(&s->mu);
}

/* Notices ("... already exists, skipping") are not errors: errors come back as results. */
static void
no_notices(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static void
conn_init(pg_conn_t *s, PGconn *c)
{
	s->c = c;
	pthread_mutexattr_t attr;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&s->mu, &attr);
	pthread_mutexattr_destroy(&attr);
}

static void
conn_close(pg_conn_t *s)
{
	PQfinish(s->c);
	free(s->prepared);
	pthread_mutex_destroy(&s->mu);
}

/* A statement without parameters or rows (BEGIN, SAVEPOINT, SET...): 0, or -1 with the
 * message in err (when given) and in db_errmsg. */
static int
simple(PGconn *c, const char *sql, char *err, size_t errlen)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType t = PQresultStatus(r);
	int rc = 0;
	if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK) {
		const char *m = PQresultErrorMessage(r);
		if (!*m)
			m = PQerrorMessage(c);
		db_set_error("%s", m);
		if (err)
			snprintf(err, errlen, "Lỗi cơ sở dữ liệu: %s", m);
		rc = -1;
	}
	PQclear(r);
	return rc;
}

/* A new connection in UTF-8, quiet; NULL with err. */
static PGconn *
connect_to(const char *conninfo, int reader, char *err, size_t errlen)
{
	PGconn *c = PQconnectdb(conninfo);
	if (c == NULL || PQstatus(c) != CONNECTION_OK) {
		snprintf(err, errlen, "Không kết nối được PostgreSQL: %s",
		         c ? PQerrorMessage(c) : "hết bộ nhớ");
		PQfinish(c);
		return NULL;
	}
	PQsetNoticeProcessor(c, no_notices, NULL);
	if (PQsetClientEncoding(c, "UTF8") != 0 ||
	    simple(c,
	           reader ? "SET client_min_messages TO warning;"
	                    "SET default_transaction_read_only TO on"
	                  : "SET client_min_messages TO warning",
	           err, errlen) < 0) {
		if (!*err)
			snprintf(err, errlen, "Không đặt được mã UTF-8 cho kết nối PostgreSQL.");
		PQfinish(c);
		return NULL;
	}
	return c;
}

/* This thread's reader, opened on first use; the writer when this thread is inside its
 * own transaction, or when no reader can be opened. */
static pg_conn_t *
rd(store_t *st)
{
	pg_db_t *d = backend(st);
	if (tl_tx_db == d)
		return &d->w;
	pg_conn_t *r = pthread_getspecific(d->key);
	if (r != NULL)
		return r;
	char err[512] = "";
	PGconn *c = connect_to(d->conninfo, 1, err, sizeof err);
	if (c == NULL) {
		log_error("Kho dữ liệu: không mở được kết nối đọc (%s); đọc qua kết nối ghi.", err);
		return &d->w;
	}
	r = xcalloc(1, sizeof *r);
	conn_init(r, c);
	pthread_mutex_lock(&d->rmu);
	r->next_reader = d->readers;
	d->readers = r;
	pthread_mutex_unlock(&d->rmu);
	pthread_setspecific(d->key, r);
	return r;
}

/* ---- statements ---- */

/* q's text for PostgreSQL with ?N as $N (not inside '...' literals, "..." names or --
 * comments). Freed by the caller. */
static char *
pg_text(const q_def_t *q)
{
	const char *s = q->pg ? q->pg : q->sql;
	size_t n = strlen(s);
	char *out = xmalloc(n + 1), *o = out;
	char quote = 0;
	for (const char *p = s; *p; p++) {
		if (quote) {
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
		} else if (p[0] == '-' && p[1] == '-') {
			const char *e = strchr(p, '\n');
			size_t len = e ? (size_t)(e - p) : strlen(p);
			memcpy(o, p, len);
			o += len;
			p += len - 1;
			continue;
		} else if (*p == '?' && p[1] >= '0' && p[1] <= '9') {
			*o++ = '$';
			continue;
		}
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

/* The values of one call, in libpq's arrays. */
#define PG_MAXARGS 64
typedef struct pg_args {
	Oid types[PG_MAXARGS];
	const char *vals[PG_MAXARGS];
	int lens[PG_MAXARGS];
	int fmts[PG_MAXARGS];
	char num[PG_MAXARGS][32];
} pg_args_t;

static int
args_of(pg_args_t *a, const qv_t *v, size_t n)
{
	if (n > PG_MAXARGS)
		return -1;
	for (size_t i = 0; i < n; i++) {
		a->lens[i] = 0;
		a->fmts[i] = 0;
		switch (v[i].t) {
		case QV_NULL:
			a->types[i] = 0; /* the server infers it */
			a->vals[i] = NULL;
			break;
		case QV_I64:
			a->types[i] = 20; /* int8 */
			snprintf(a->num[i], sizeof a->num[i], "%lld", (long long)v[i].i);
			a->vals[i] = a->num[i];
			break;
		case QV_F64:
			a->types[i] = 701; /* float8 */
			snprintf(a->num[i], sizeof a->num[i], "%.17g", v[i].f);
			a->vals[i] = a->num[i];
			break;
		case QV_TEXT:
			a->types[i] = 25; /* text; NULL binds '' as on SQLite */
			a->vals[i] = v[i].s ? v[i].s : "";
			break;
		case QV_BLOB:
			a->types[i] = 17; /* bytea, in binary: the bytes as they are */
			a->vals[i] = v[i].b ? v[i].b : "";
			a->lens[i] = (int)v[i].n;
			a->fmts[i] = 1;
			break;
		}
	}
	return 0;
}

/* s's "prepared here" flag of statement slot, the table grown to hold it (lock held). */
static unsigned char *
prepared_flag(pg_conn_t *s, int slot)
{
	if (slot >= s->nprepared) {
		int m = slot + 64;
		s->prepared = xrealloc(s->prepared, (size_t)m);
		memset(s->prepared + s->nprepared, 0, (size_t)(m - s->nprepared));
		s->nprepared = m;
	}
	return &s->prepared[slot];
}

/* 1 when q is prepared on s (lock held), preparing it now if not; 0 on error. */
static int
prepare(pg_conn_t *s, const q_def_t *q, const char *name, const pg_args_t *a, int n)
{
	int slot = db_slot(q);
	if (*prepared_flag(s, slot))
		return 1;
	char *sql = pg_text(q);
	PGresult *r = PQprepare(s->c, name, sql, n, a->types);
	free(sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok) {
		db_set_error("%s", PQresultErrorMessage(r));
		log_error("Lỗi chuẩn bị truy vấn (%s): %s", q->what, PQresultErrorMessage(r));
	}
	PQclear(r);
	*prepared_flag(s, slot) = (unsigned char)ok;
	return ok;
}

/* A row as the driver's callbacks see it: the blobs unescaped for it, freed after it. */
typedef struct pg_row {
	db_row_t r;
	unsigned char **blobs;
	int nblobs, cap;
} pg_row_t;

static void
row_scratch_free(pg_row_t *pr)
{
	for (int i = 0; i < pr->nblobs; i++)
		PQfreemem(pr->blobs[i]);
	pr->nblobs = 0;
}

/* A write inside a transaction, in its own savepoint, in one round trip (libpq's pipeline
 * mode): SAVEPOINT, the statement (prepared first if this connection has not yet), RELEASE,
 * then a sync. Returns the statement's result (the caller checks it; on failure the
 * transaction waits for ROLLBACK TO SAVEPOINT q_stmt), or NULL when the pipeline itself
 * failed (said in db_errmsg, the savepoint to be rolled back the same way). Lock held. */
static PGresult *
run_in_savepoint(pg_conn_t *s, const q_def_t *q, int dyn, const pg_args_t *a, int n)
{
	PGconn *c = s->c;
	char name[24] = "";
	int slot = 0, prep = 0;
	if (!dyn) { /* a one-off text (dyn) has no slot */
		slot = db_slot(q);
		snprintf(name, sizeof name, "q%d", slot);
		prep = !*prepared_flag(s, slot);
	}
	char *sql = dyn || prep ? pg_text(q) : NULL;
	int sent = PQenterPipelineMode(c) &&
	           PQsendQueryParams(c, "SAVEPOINT q_stmt", 0, NULL, NULL, NULL, NULL, 0) &&
	           (!prep || PQsendPrepare(c, name, sql, n, a->types)) &&
	           (dyn ? PQsendQueryParams(c, sql, n, a->types, a->vals, a->lens, a->fmts, 0)
	                : PQsendQueryPrepared(c, name, n, a->vals, a->lens, a->fmts, 0)) &&
	           PQsendQueryParams(c, "RELEASE SAVEPOINT q_stmt", 0, NULL, NULL, NULL, NULL, 0) &&
	           PQpipelineSync(c);
	free(sql);
	/* the results in order, one per query (each followed by a NULL), then the sync's */
	enum { MAXQ = 4 };
	PGresult *got[MAXQ] = {0};
	int nq = prep ? 4 : 3, qi = 0, nulls = 0;
	while (sent) {
		PGresult *r = PQgetResult(c);
		if (r == NULL) {
			if (++nulls > nq || PQstatus(c) == CONNECTION_BAD)
				break;
			qi++;
			continue;
		}
		nulls = 0;
		if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
			PQclear(r);
			break;
		}
		if (qi < MAXQ && !got[qi])
			got[qi] = r;
		else
			PQclear(r);
	}
	if (!PQexitPipelineMode(c))
		sent = 0;
	int stmt = prep ? 2 : 1;
	PGresult *res = got[stmt];
	got[stmt] = NULL;
	const char *bad = NULL;
	if (!sent)
		bad = PQerrorMessage(c);
	else if (!got[0] || PQresultStatus(got[0]) != PGRES_COMMAND_OK)
		bad = got[0] ? PQresultErrorMessage(got[0]) : "SAVEPOINT";
	else if (prep && (!got[1] || PQresultStatus(got[1]) != PGRES_COMMAND_OK))
		bad = got[1] ? PQresultErrorMessage(got[1]) : "PREPARE";
	if (prep && !bad)
		s->prepared[slot] = 1;
	ExecStatusType t = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	int stmt_ok = t == PGRES_TUPLES_OK || t == PGRES_COMMAND_OK;
	if (!bad && stmt_ok && (!got[nq - 1] || PQresultStatus(got[nq - 1]) != PGRES_COMMAND_OK))
		bad = got[nq - 1] ? PQresultErrorMessage(got[nq - 1]) : "RELEASE";
	if (bad) {
		db_set_error("%s", *bad ? bad : "lỗi đường truyền tới PostgreSQL");
		PQclear(res);
		res = NULL;
	}
	for (int k = 0; k < MAXQ; k++)
		PQclear(got[k]);
	return res;
}

static int
pgd_run(store_t *st, int write, const q_def_t *q, int dyn, const qv_t *v, size_t n, db_row_fn row,
        void *ctx, int64_t *changes)
{
	pg_db_t *d = backend(st);
	pg_conn_t *s = write ? &d->w : rd(st);
	pg_args_t a;
	if (args_of(&a, v, n) < 0) {
		db_set_error("quá nhiều tham số (%zu)", n);
		log_error("Lỗi cơ sở dữ liệu (%s): quá nhiều tham số (%zu)", q->what, n);
		return DB_ERR;
	}
	lock(s);
	/* Inside a transaction PostgreSQL aborts the whole transaction when one statement
	 * fails; SQLite undoes only that statement, and callers rely on it (a DB_UNIQUE they
	 * handle and go on). A write there runs in its own savepoint to keep SQLite's rule. */
	int in_tx = PQtransactionStatus(s->c) == PQTRANS_INTRANS;
	int stmt_sp = write && in_tx;
	int ret = 0;
	PGresult *res = NULL;
	if (stmt_sp) {
		res = run_in_savepoint(s, q, dyn, &a, (int)n);
		if (res == NULL) {
			log_error("Lỗi cơ sở dữ liệu (%s): %s", q->what, db_errmsg());
			if (PQstatus(s->c) == CONNECTION_OK)
				simple(s->c, "ROLLBACK TO SAVEPOINT q_stmt; RELEASE SAVEPOINT q_stmt",
				       NULL, 0);
			unlock(s);
			return DB_ERR;
		}
	} else if (dyn) {
		char *sql = pg_text(q);
		res = PQexecParams(s->c, sql, (int)n, a.types, a.vals, a.lens, a.fmts, 0);
		free(sql);
	} else {
		char name[24];
		snprintf(name, sizeof name, "q%d", db_slot(q));
		if (!prepare(s, q, name, &a, (int)n)) {
			if (stmt_sp)
				simple(s->c,
				       "ROLLBACK TO SAVEPOINT q_stmt; RELEASE SAVEPOINT q_stmt",
				       NULL, 0);
			unlock(s);
			return DB_ERR;
		}
		res = PQexecPrepared(s->c, name, (int)n, a.vals, a.lens, a.fmts, 0);
	}
	ExecStatusType t = PQresultStatus(res);
	if (t != PGRES_TUPLES_OK && t != PGRES_COMMAND_OK) {
		const char *m = PQresultErrorMessage(res);
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		if (!*m)
			m = PQerrorMessage(s->c);
		db_set_error("%s", m);
		if (state && strcmp(state, "23505") == 0) {
			ret = DB_UNIQUE;
		} else {
			log_error("Lỗi cơ sở dữ liệu (%s): %s", q->what, m);
			ret = DB_ERR;
		}
		if (stmt_sp)
			simple(s->c, "ROLLBACK TO SAVEPOINT q_stmt; RELEASE SAVEPOINT q_stmt", NULL,
			       0);
		/* the server went away: the next call starts on a fresh connection */
		if (PQstatus(s->c) == CONNECTION_BAD && !in_tx) {
			PQreset(s->c);
			memset(s->prepared, 0, (size_t)s->nprepared);
		}
		PQclear(res);
		unlock(s);
		return ret;
	}
	int64_t changed = atoi(PQcmdTuples(res));
	if (write && changed > 0) {
		if (in_tx)
			d->tx_wrote = 1;
		else if (announce(d, db_moves(q, dyn)) == 0) /* it committed on its own */
			d->notices_sent++;
	}
	if (changes)
		*changes = changed;
	if (row) {
		pg_row_t pr = {.r = {&pg_driver, res, 0}};
		int rows = PQntuples(res);
		for (int i = 0; i < rows && ret == 0; i++) {
			pr.r.row = i;
			ret = row(&pr.r, ctx);
			row_scratch_free(&pr);
		}
		free(pr.blobs);
	}
	PQclear(res);
	unlock(s);
	return ret;
}

static const char *
pgd_text(const db_row_t *r, int col)
{
	return PQgetvalue(r->h, r->row, col); /* "" for NULL */
}

static int64_t
pgd_i64(const db_row_t *r, int col)
{
	const char *t = PQgetvalue(r->h, r->row, col);
	/* a boolean expression (x IS NULL, EXISTS) comes back as t/f: 1/0 as on SQLite */
	if (t[0] == 't' && t[1] == '\0')
		return 1;
	return strtoll(t, NULL, 10);
}

static double
pgd_f64(const db_row_t *r, int col)
{
	return strtod(PQgetvalue(r->h, r->row, col), NULL);
}

static const void *
pgd_blob(const db_row_t *r, int col, size_t *n)
{
	pg_row_t *pr = (pg_row_t *)r; /* pgd_run's, which r is the first member of */
	*n = 0;
	if (PQgetisnull(r->h, r->row, col))
		return NULL;
	size_t len = 0;
	unsigned char *b =
	        PQunescapeBytea((const unsigned char *)PQgetvalue(r->h, r->row, col), &len);
	if (b == NULL)
		return NULL;
	if (pr->nblobs == pr->cap) {
		pr->cap = pr->cap ? pr->cap * 2 : 4;
		pr->blobs = xrealloc(pr->blobs, (size_t)pr->cap * sizeof *pr->blobs);
	}
	pr->blobs[pr->nblobs++] = b;
	*n = len;
	/* a zero-length blob reads as NULL, as sqlite3_column_blob gives it */
	return len ? b : NULL;
}

static int
pgd_isnull(const db_row_t *r, int col)
{
	return PQgetisnull(r->h, r->row, col);
}

/* ---- transactions ---- */

/* store_tx_begin opens the transaction, or inside one a savepoint (as store_sqlite.c). The
 * writer's lock is held from begin to the matching commit or rollback. */
static int
pgd_tx_begin(store_t *st, int unsynced)
{
	pg_db_t *d = backend(st);
	pg_conn_t *s = &d->w;
	char sql[48];
	lock(s);
	if (s->tx_depth > 0) {
		/* the transaction may be over already (the connection broke) */
		if (PQtransactionStatus(s->c) != PQTRANS_INTRANS) {
			log_error("Kho dữ liệu: giao dịch đã bị hủy; không mở điểm lưu.");
			unlock(s);
			return -1;
		}
		snprintf(sql, sizeof sql, "SAVEPOINT tx%d", s->tx_depth);
		if (simple(s->c, sql, NULL, 0) < 0) {
			log_error("Lỗi cơ sở dữ liệu: %s", db_errmsg());
			unlock(s);
			return -1;
		}
	} else {
		/* unsynced: the commit does not wait for the WAL flush; store_sync makes it
		 * durable later */
		if (simple(s->c, "BEGIN", NULL, 0) < 0 ||
		    (unsynced &&
		     simple(s->c, "SET LOCAL synchronous_commit TO off", NULL, 0) < 0)) {
			log_error("Lỗi cơ sở dữ liệu: %s", db_errmsg());
			if (PQtransactionStatus(s->c) != PQTRANS_IDLE)
				simple(s->c, "ROLLBACK", NULL, 0);
			unlock(s);
			return -1;
		}
		d->tx_wrote = 0;
	}
	if (s->tx_depth++ == 0)
		tl_tx_db = d;
	return 0;
}

/* Ends the innermost level (commit: COMMIT or RELEASE; else, or when that fails, ROLLBACK
 * or ROLLBACK TO) and releases the hold taken by its begin. */
static int
tx_end(store_t *st, pg_conn_t *s, int commit)
{
	char sql[80];
	int ret = 0;
	int level = --s->tx_depth;
	if (level > 0) {
		snprintf(sql, sizeof sql, "RELEASE SAVEPOINT tx%d", level);
		if (commit && simple(s->c, sql, NULL, 0) < 0) {
			log_error("Lỗi cơ sở dữ liệu: %s", db_errmsg());
			ret = -1;
			commit = 0;
		}
		if (!commit && PQtransactionStatus(s->c) != PQTRANS_IDLE) {
			snprintf(sql, sizeof sql,
			         "ROLLBACK TO SAVEPOINT tx%d; RELEASE SAVEPOINT tx%d", level,
			         level);
			simple(s->c, sql, NULL, 0);
		}
	} else {
		pg_db_t *d = backend(st);
		/* the notice goes out with the commit, or not at all */
		int told = commit && d->tx_wrote;
		if (told && announce(d, atomic_load(&st->dirty)) < 0) {
			ret = -1;
			commit = 0;
		}
		if (commit) {
			PGresult *r = PQexec(s->c, "COMMIT");
			/* COMMIT of a failed transaction rolls it back and says ROLLBACK */
			if (PQresultStatus(r) != PGRES_COMMAND_OK ||
			    strcmp(PQcmdStatus(r), "COMMIT") != 0) {
				const char *m = PQresultErrorMessage(r);
				db_set_error("%s", *m ? m : "giao dịch đã bị hủy");
				log_error("Lỗi cơ sở dữ liệu: %s", db_errmsg());
				ret = -1;
				commit = 0;
			}
			PQclear(r);
			if (commit && told)
				d->notices_sent++;
		}
		if (!commit && PQtransactionStatus(s->c) != PQTRANS_IDLE)
			simple(s->c, "ROLLBACK", NULL, 0);
		if (tl_tx_db == backend(st))
			tl_tx_db = NULL;
		db_tx_ended(st);
	}
	unlock(s);
	return ret;
}

/* A failed commit is rolled back here, so that level is over either way. */
static int
pgd_tx_commit(store_t *st)
{
	pg_conn_t *s = &backend(st)->w;
	lock(s);
	int ret = -1;
	if (s->tx_depth > 0)
		ret = tx_end(st, s, 1);
	unlock(s);
	return ret;
}

static void
pgd_tx_rollback(store_t *st)
{
	pg_conn_t *s = &backend(st)->w;
	lock(s);
	if (s->tx_depth > 0)
		tx_end(st, s, 0);
	unlock(s);
}

/* Makes the unsynced commits before it durable. pg_current_wal_flush_lsn() only reports;
 * a commit flushes the WAL up to its own record (and so every record before it, the
 * unsynced commits' too) only when it has a transaction id and wrote WAL: a transactional
 * logical message gives it both, at any wal_level and without privileges. */
static int
pgd_sync(store_t *st)
{
	pg_conn_t *s = &backend(st)->w;
	lock(s);
	int rc = 0;
	if (s->tx_depth == 0 &&
	    simple(s->c,
	           "BEGIN; SET LOCAL synchronous_commit TO on;"
	           " SELECT pg_logical_emit_message(true, 'suotdoi', 'sync'); COMMIT",
	           NULL, 0) < 0) {
		log_error("Kho dữ liệu: không đồng bộ được: %s", db_errmsg());
		if (PQtransactionStatus(s->c) != PQTRANS_IDLE)
			simple(s->c, "ROLLBACK", NULL, 0);
		rc = -1;
	}
	unlock(s);
	return rc;
}

/* ---- instances ----
 * Several suotdoi processes (instances behind a load balancer, a command-line import) may
 * share one database. Each keeps caches and live roll-ups that another's commits make
 * stale, so each commit that changed rows tells the others, in the same transaction:
 * NOTIFY suotdoi with "ORIGIN N MASK" (its store's random name, its notices numbered from
 * 1, the versions its writes moved: DB_V_* bits). PostgreSQL delivers a notice only if
 * its transaction commits, in commit order. Each store's listener thread holds a
 * connection that LISTENs; for a notice from another origin it moves those versions and
 * external_version (the app then rebuilds its roll-ups). A number that skips (a notice
 * missed) or a listener that lost its connection moves everything: what was missed is not
 * known. Writes made outside suotdoi (psql) send nothing.
 *
 * The same connection holds the leader's lock (a session advisory lock, tried every
 * second once store_leader has been asked): one instance at a time runs the deployment's chores (the chase schedule, the
 * mailer, the purges). When that instance dies its connection closes, the lock is freed,
 * and another takes it within a second or two. */

#define PG_LEADER_STR "2020052001"
#define PG_ALL_VERSIONS ((1u << DB_V_COUNT) - 1)

/* Sends this store's next notice with mask (writer's lock held). 0 or -1 (logged). */
static int
announce(pg_db_t *d, unsigned mask)
{
	char payload[80];
	snprintf(payload, sizeof payload, "%s %lld %u", d->origin,
	         (long long)d->notices_sent + 1, mask);
	const char *vals[1] = {payload};
	PGresult *r = PQexecParams(d->w.c, "SELECT pg_notify('suotdoi', $1)", 1, NULL, vals,
	                           NULL, NULL, 0);
	int rc = PQresultStatus(r) == PGRES_TUPLES_OK ? 0 : -1;
	if (rc < 0) {
		db_set_error("%s", PQresultErrorMessage(r));
		log_error("Kho dữ liệu: không báo được cho các máy chủ khác: %s", db_errmsg());
	}
	PQclear(r);
	return rc;
}

/* What the listener remembers of each origin heard: its last number. */
typedef struct heard {
	char origin[20];
	int64_t last;
} heard_t;

static void
moved(pg_db_t *d, unsigned mask)
{
	db_versions_move(d->st, mask);
	atomic_fetch_add(&d->external, 1);
}

/* One notice's payload. */
static void
hear(pg_db_t *d, heard_t *h, size_t nh, size_t *next, const char *payload)
{
	char origin[20];
	long long n;
	unsigned mask;
	if (sscanf(payload, "%19s %lld %u", origin, &n, &mask) != 3) {
		moved(d, PG_ALL_VERSIONS);
		return;
	}
	if (strcmp(origin, d->origin) == 0)
		return;
	heard_t *o = NULL;
	for (size_t k = 0; k < nh && !o; k++)
		if (strcmp(h[k].origin, origin) == 0)
			o = &h[k];
	if (o == NULL) { /* a new origin: it numbers from 1, so an earlier one was missed */
		o = &h[*next];
		*next = (*next + 1) % nh;
		snprintf(o->origin, sizeof o->origin, "%s", origin);
		o->last = 0;
	}
	if (n > o->last + 1) {
		log_info("Kho dữ liệu: lỡ %lld thông báo của %s; nạp lại tất cả.",
		         n - o->last - 1, origin);
		mask = PG_ALL_VERSIONS;
	}
	o->last = n;
	moved(d, mask);
}

/* The listener's connection, listening: NULL when the server cannot be reached. */
static PGconn *
listen_connect(const char *conninfo, char *err, size_t errlen)
{
	char e[512];
	PGconn *c = connect_to(conninfo, 0, err ? err : e, err ? errlen : sizeof e);
	if (c && simple(c, "LISTEN suotdoi", err, errlen) < 0) {
		PQfinish(c);
		c = NULL;
	}
	return c;
}

static int64_t
mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *
listen_loop(void *arg)
{
	pg_db_t *d = arg;
	heard_t heard[64];
	size_t next = 0;
	memset(heard, 0, sizeof heard);
	int64_t tried = 0;
	while (!atomic_load(&d->stopping)) {
		if (d->lc == NULL) {
			d->lc = listen_connect(d->conninfo, NULL, 0);
			if (d->lc == NULL) {
				usleep(250 * 1000);
				continue;
			}
			/* what was committed while it was away is not known */
			memset(heard, 0, sizeof heard);
			moved(d, PG_ALL_VERSIONS);
			log_info("Kho dữ liệu: đã kết nối lại kênh thông báo.");
		}
		if (atomic_load(&d->wants_leader) && !atomic_load(&d->leader) &&
		    mono_ms() - tried >= 1000) {
			tried = mono_ms();
			PGresult *r = PQexec(d->lc, "SELECT pg_try_advisory_lock(" PG_LEADER_STR ")");
			if (PQresultStatus(r) == PGRES_TUPLES_OK && PQgetvalue(r, 0, 0)[0] == 't') {
				atomic_store(&d->leader, 1);
				log_info("Kho dữ liệu: máy chủ này làm các việc chung (chủ trì).");
			}
			PQclear(r);
		}
		struct pollfd p = {.fd = PQsocket(d->lc), .events = POLLIN};
		if (p.fd >= 0)
			poll(&p, 1, 200);
		PGnotify *n;
		if (p.fd < 0 || !PQconsumeInput(d->lc) || PQstatus(d->lc) != CONNECTION_OK) {
			log_error("Kho dữ liệu: mất kết nối kênh thông báo: %s",
			          PQerrorMessage(d->lc));
			atomic_store(&d->leader, 0);
			PQfinish(d->lc);
			d->lc = NULL;
			continue;
		}
		while ((n = PQnotifies(d->lc)) != NULL) {
			hear(d, heard, sizeof heard / sizeof heard[0], &next, n->extra);
			PQfreemem(n);
		}
	}
	return NULL;
}

/* A number that moves when another process commits (a notice heard), not for this
 * store's own writes. */
static int64_t
pgd_external(store_t *st)
{
	return atomic_load(&backend(st)->external);
}

/* The first call makes this store a candidate: a command-line run that never asks does not
 * hold the lock from the servers. */
static int
pgd_leader(store_t *st)
{
	atomic_store(&backend(st)->wants_leader, 1);
	return atomic_load(&backend(st)->leader);
}

/* ---- bulk loads: COPY ... FROM STDIN, text format ---- */

static int
pgd_copy_begin(store_t *st, const char *table, const char *const *cols, int ncols)
{
	pg_db_t *d = backend(st);
	pg_conn_t *s = &d->w;
	buf_t sql = BUF_INIT;
	buf_printf(&sql, "COPY \"%s\"(", table);
	for (int k = 0; k < ncols; k++)
		buf_printf(&sql, "%s\"%s\"", k ? "," : "", cols[k]);
	buf_puts(&sql, ") FROM STDIN");
	lock(s);
	PGresult *r = PQexec(s->c, buf_cstr(&sql));
	buf_free(&sql);
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		db_set_error("%s", PQresultErrorMessage(r));
		log_error("Lỗi cơ sở dữ liệu (chép hàng loạt vào %s): %s", table, db_errmsg());
		PQclear(r);
		unlock(s);
		return -1;
	}
	PQclear(r);
	buf_reset(&d->copybuf);
	d->copy_failed = 0;
	return 0;
}

/* Sends what is buffered (writer held). */
static void
copy_flush(pg_db_t *d)
{
	if (d->copybuf.len && !d->copy_failed &&
	    PQputCopyData(d->w.c, d->copybuf.data, (int)d->copybuf.len) != 1) {
		db_set_error("%s", PQerrorMessage(d->w.c));
		d->copy_failed = 1;
	}
	buf_reset(&d->copybuf);
}

/* s in COPY's text format: backslash, tab, newline and carriage return escaped. */
static void
copy_text(buf_t *b, const char *s)
{
	for (const char *p = s; *p; p++) {
		switch (*p) {
		case '\\': buf_puts(b, "\\\\"); break;
		case '\t': buf_puts(b, "\\t"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\r': buf_puts(b, "\\r"); break;
		default: buf_putc(b, *p);
		}
	}
}

static int
pgd_copy_row(store_t *st, const qv_t *v, int ncols)
{
	pg_db_t *d = backend(st);
	buf_t *b = &d->copybuf;
	static const char hex[] = "0123456789abcdef";
	for (int k = 0; k < ncols; k++) {
		if (k)
			buf_putc(b, '\t');
		switch (v[k].t) {
		case QV_NULL: buf_puts(b, "\\N"); break;
		case QV_I64: buf_put_int(b, v[k].i); break;
		case QV_F64: buf_printf(b, "%.17g", v[k].f); break;
		case QV_TEXT: copy_text(b, v[k].s ? v[k].s : ""); break;
		case QV_BLOB: /* bytea's hex form, its backslash escaped for COPY */
			buf_puts(b, "\\\\x");
			for (size_t i = 0; i < v[k].n; i++) {
				unsigned char c = ((const unsigned char *)v[k].b)[i];
				buf_putc(b, hex[c >> 4]);
				buf_putc(b, hex[c & 15]);
			}
			break;
		}
	}
	buf_putc(b, '\n');
	if (b->len >= 256 * 1024)
		copy_flush(d);
	return d->copy_failed ? -1 : 0;
}

static int
pgd_copy_end(store_t *st, int ok)
{
	pg_db_t *d = backend(st);
	pg_conn_t *s = &d->w;
	if (ok)
		copy_flush(d);
	int rc = PQputCopyEnd(s->c, ok && !d->copy_failed ? NULL : "abandoned") == 1 ? 0 : -1;
	PGresult *r;
	while ((r = PQgetResult(s->c)) != NULL) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			if (rc == 0 && ok)
				db_set_error("%s", PQresultErrorMessage(r));
			rc = -1;
		}
		PQclear(r);
	}
	if (!ok || d->copy_failed)
		rc = -1;
	if (rc == 0)
		d->tx_wrote = 1;
	else if (ok)
		log_error("Lỗi cơ sở dữ liệu (chép hàng loạt): %s", db_errmsg());
	buf_free(&d->copybuf);
	unlock(s);
	return rc;
}

/* ---- schema ---- */

static int
applied_version(PGconn *c, int *out)
{
	*out = 0;
	PGresult *r = PQexec(c, "SELECT coalesce(max(version),0) FROM schema_migrations");
	int rc = -1;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		*out = atoi(PQgetvalue(r, 0, 0));
		rc = 0;
	} else {
		db_set_error("%s", PQresultErrorMessage(r));
	}
	PQclear(r);
	return rc;
}

static int
pgd_schema_version(store_t *st, int *applied, int *known)
{
	pg_conn_t *s = &backend(st)->w;
	lock(s);
	int rc = applied_version(s->c, applied);
	unlock(s);
	*known = pg_migrations[pg_nmigrations - 1].version;
	return rc;
}

static int
migrate_one(PGconn *c, const struct migration *m, char *err, size_t errlen)
{
	if (simple(c, "BEGIN", err, errlen) < 0)
		return -1;
	char ver[16];
	snprintf(ver, sizeof ver, "%d", m->version);
	const char *vals[2] = {ver, m->name};
	if (simple(c, m->sql, err, errlen) < 0)
		goto fail;
	PGresult *r = PQexecParams(c,
	                           "INSERT INTO schema_migrations VALUES($1::bigint,$2,"
	                           "to_char(now() at time zone 'UTC',"
	                           " 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))",
	                           2, NULL, vals, NULL, NULL, 0);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		snprintf(err, errlen, "Lỗi cơ sở dữ liệu: %s", PQresultErrorMessage(r));
	PQclear(r);
	if (!ok || simple(c, "COMMIT", err, errlen) < 0)
		goto fail;
	return 0;
fail:
	simple(c, "ROLLBACK", NULL, 0);
	return -1;
}

/* The migrations not applied yet, each in its own transaction; two processes opening the
 * same database at once take turns (an advisory lock). */
static int
migrate(PGconn *c, char *err, size_t errlen)
{
	if (simple(c, "SELECT pg_advisory_lock(2020052000)", err, errlen) < 0)
		return -1;
	int rc = -1, have;
	if (simple(c,
	           "CREATE TABLE IF NOT EXISTS schema_migrations(version bigint PRIMARY KEY,"
	           " name text NOT NULL, applied_at text NOT NULL)",
	           err, errlen) < 0)
		goto out;
	if (applied_version(c, &have) < 0) {
		snprintf(err, errlen, "Lỗi cơ sở dữ liệu: %s", db_errmsg());
		goto out;
	}
	if (have > pg_migrations[pg_nmigrations - 1].version) {
		snprintf(err, errlen,
		         "Cơ sở dữ liệu ở phiên bản %d, mới hơn chương trình (%d): hãy dùng bản "
		         "suotdoi mới hơn.",
		         have, pg_migrations[pg_nmigrations - 1].version);
		goto out;
	}
	for (int i = 0; i < pg_nmigrations; i++) {
		const struct migration *m = &pg_migrations[i];
		if (m->version > have && migrate_one(c, m, err, errlen) < 0)
			goto out;
	}
	rc = 0;
out:
	simple(c, "SELECT pg_advisory_unlock(2020052000)", NULL, 0);
	return rc;
}

static void
pgd_close(store_t *st)
{
	pg_db_t *d = backend(st);
	atomic_store(&d->stopping, 1);
	if (d->listening)
		pthread_join(d->listener, NULL);
	if (d->lc)
		PQfinish(d->lc);
	for (pg_conn_t *r = d->readers, *next; r; r = next) {
		next = r->next_reader;
		conn_close(r);
		free(r);
	}
	conn_close(&d->w);
	pthread_key_delete(d->key);
	pthread_mutex_destroy(&d->rmu);
	free(d->conninfo);
	free(d);
	free(st);
}

static const db_driver_t pg_driver = {
        .name = "postgresql",
        .dialect = DB_PG,
        .run = pgd_run,
        .i64 = pgd_i64,
        .f64 = pgd_f64,
        .text = pgd_text,
        .blob = pgd_blob,
        .isnull = pgd_isnull,
        .close = pgd_close,
        .schema_version = pgd_schema_version,
        .tx_begin = pgd_tx_begin,
        .tx_commit = pgd_tx_commit,
        .tx_rollback = pgd_tx_rollback,
        .sync = pgd_sync,
        .external_version = pgd_external,
        .leader = pgd_leader,
        .copy_begin = pgd_copy_begin,
        .copy_row = pgd_copy_row,
        .copy_end = pgd_copy_end,
};

/* conninfo: a libpq URI (postgresql://...) or key=value string. */
int
store_pg_open(const char *conninfo, store_t **out, char *err, size_t errlen)
{
	*out = NULL;
	if (err && errlen)
		*err = '\0';
	PGconn *c = connect_to(conninfo, 0, err, errlen);
	if (c == NULL)
		return -1;
	if (migrate(c, err, errlen) < 0) {
		PQfinish(c);
		return -1;
	}
	pg_db_t *d = xcalloc(1, sizeof *d);
	conn_init(&d->w, c);
	d->conninfo = xstrdup(conninfo);
	pthread_mutex_init(&d->rmu, NULL);
	if (pthread_key_create(&d->key, NULL) != 0) {
		snprintf(err, errlen, "Không tạo được khóa luồng cho kho dữ liệu.");
		conn_close(&d->w);
		free(d->conninfo);
		free(d);
		return -1;
	}
	store_t *st = xcalloc(1, sizeof *st);
	st->drv = &pg_driver;
	st->backend = d;
	st->fault_countdown = -1;
	d->st = st;
	/* listening before the caller reads anything, so no commit after that goes unheard */
	uint64_t name = 0;
	if (getrandom(&name, sizeof name, 0) != (ssize_t)sizeof name)
		name = (uint64_t)getpid() << 32 ^ (uint64_t)mono_ms();
	snprintf(d->origin, sizeof d->origin, "%016llx", (unsigned long long)name);
	d->lc = listen_connect(conninfo, err, errlen);
	if (d->lc == NULL || pthread_create(&d->listener, NULL, listen_loop, d) != 0) {
		if (err && !*err)
			snprintf(err, errlen, "Không khởi động được luồng nghe thông báo.");
		pgd_close(st);
		return -1;
	}
	d->listening = 1;
	*out = st;
	return 0;
}
