/* SQLite backend of the store: one connection in WAL mode guarded by a mutex,
 * prepared statements kept for the life of the store, versioned migrations applied
 * at open and recorded in schema_migrations. */
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

enum {
	Q_TPL_SAVE,
	Q_TPL_GET,
	Q_TPL_FIND,
	Q_TPLS,
	Q_CAMP_INSERT,
	Q_CAMP_UPDATE,
	Q_CAMP_GET,
	Q_CAMPS,
	Q_REPORT_GET,
	Q_REPORT_VERSION,
	Q_REPORT_INSERT,
	Q_REPORT_UPDATE,
	Q_REPORTS_CAMPAIGN,
	Q_VALUES_DELETE,
	Q_VALUE_INSERT,
	Q_VALUE_UPDATE,
	Q_VALUE_DELETE,
	Q_REPORT_VALUES,
	Q_VALUES_CAMPAIGN,
	Q_VALUES_CAMPAIGN_ALL,
	Q_EVENT_ADD,
	Q_EVENTS,
	Q_FROZEN_DELETE,
	Q_FROZEN_INSERT,
	Q_FROZEN,
	Q_REMINDER_ADD,
	Q_REMINDERS,
	/* the review queue */
	Q_REPORTS_WAITING,
	Q_COUNT
};

/* Column lists shared by the statements that fill the same struct (see read_user,
 * read_role, read_token, read_audit). 0 in C stands for NULL in the id columns. */
#define TEMPLATE_COLS "SELECT id,code,name,year,json,created_at FROM templates"
#define CAMPAIGN_COLS                                                                              \
	"SELECT id,issuer_unit_id,coalesce(parent_id,0),template_id,year,name,theme,start_date,"   \
	"end_date,registration_deadline,opening_time,opening_place,opening_participants,status,"   \
	"expected_kinds,deadlines,created_at,coalesce(created_by,0) FROM campaigns"
#define REPORT_COLS                                                                                \
	"SELECT id,campaign_id,unit_id,status,version,updated_at,coalesce(updated_by,0),"          \
	"on_behalf,submitted_at,coalesce(submitted_by,0),reviewed_at,coalesce(reviewed_by,0),"     \
	"comment FROM reports"

static const char *const queries[Q_COUNT] = {
        /* An upsert on id, not INSERT OR REPLACE: REPLACE would also resolve a clash on
         * code by deleting the other template (and orphaning its campaigns). */
        [Q_TPL_SAVE] = "INSERT INTO templates(id,code,name,year,json,created_at)"
                       " VALUES(nullif(?1,0),?2,?3,?4,?5,?6)"
                       " ON CONFLICT(id) DO UPDATE SET code=excluded.code,name=excluded.name,"
                       "year=excluded.year,json=excluded.json,created_at=excluded.created_at",
        [Q_TPL_GET] = TEMPLATE_COLS " WHERE id=?1",
        [Q_TPL_FIND] = TEMPLATE_COLS " WHERE code=?1",
        [Q_TPLS] = TEMPLATE_COLS " ORDER BY year DESC,code",
        /* ?1 is the id (unused by the insert), ?2..?16 the fields in struct order,
         * ?17/?18 created_at/by: see bind_campaign. */
        [Q_CAMP_INSERT] = "INSERT INTO campaigns(issuer_unit_id,parent_id,template_id,year,name,"
                          "theme,start_date,end_date,registration_deadline,opening_time,"
                          "opening_place,opening_participants,status,expected_kinds,deadlines,"
                          "created_at,created_by) VALUES(?2,nullif(?3,0),?4,?5,?6,?7,?8,?9,?10,"
                          "?11,?12,?13,?14,?15,?16,?17,nullif(?18,0))",
        /* created_at/by record the creation and are never rewritten. */
        [Q_CAMP_UPDATE] = "UPDATE campaigns SET issuer_unit_id=?2,parent_id=nullif(?3,0),"
                          "template_id=?4,year=?5,name=?6,theme=?7,start_date=?8,end_date=?9,"
                          "registration_deadline=?10,opening_time=?11,opening_place=?12,"
                          "opening_participants=?13,status=?14,expected_kinds=?15,"
                          "deadlines=?16 WHERE id=?1",
        [Q_CAMP_GET] = CAMPAIGN_COLS " WHERE id=?1",
        [Q_CAMPS] = CAMPAIGN_COLS " ORDER BY year DESC,id",
        [Q_REPORT_GET] = REPORT_COLS " WHERE campaign_id=?1 AND unit_id=?2",
        [Q_REPORT_VERSION] = "SELECT id,version FROM reports WHERE campaign_id=?1 AND unit_id=?2",
        /* ?1 is the report id (unused by the insert), ?2..?13 as bind_report. */
        [Q_REPORT_INSERT] = "INSERT INTO reports(campaign_id,unit_id,status,version,updated_at,"
                            "updated_by,on_behalf,submitted_at,submitted_by,reviewed_at,"
                            "reviewed_by,comment) VALUES(?2,?3,?4,?5,?6,nullif(?7,0),?8,?9,"
                            "nullif(?10,0),?11,nullif(?12,0),?13)",
        [Q_REPORT_UPDATE] = "UPDATE reports SET status=?4,version=?5,updated_at=?6,"
                            "updated_by=nullif(?7,0),on_behalf=?8,submitted_at=?9,"
                            "submitted_by=nullif(?10,0),reviewed_at=?11,"
                            "reviewed_by=nullif(?12,0),comment=?13"
                            " WHERE id=?1 AND campaign_id=?2 AND unit_id=?3",
        [Q_REPORTS_CAMPAIGN] = REPORT_COLS " WHERE campaign_id=?1 ORDER BY unit_id",
        [Q_VALUES_DELETE] = "DELETE FROM report_values WHERE report_id=?1",
        [Q_VALUE_INSERT] = "INSERT INTO report_values(report_id,item,has_num,num,text,note)"
                           " VALUES(?1,?2,?3,?4,?5,?6)",
        [Q_VALUE_UPDATE] = "UPDATE report_values SET has_num=?3,num=?4,text=?5,note=?6"
                           " WHERE report_id=?1 AND item=?2",
        [Q_VALUE_DELETE] = "DELETE FROM report_values WHERE report_id=?1 AND item=?2",
        [Q_REPORT_VALUES] = "SELECT item,has_num,num,text,note FROM report_values"
                            " WHERE report_id=?1"
                            " ORDER BY item",
        /* Walks reports_rollup (covering) in unit order, then each report's contiguous
         * range of report_values: no sort, no temporary b-tree, no reports table read.
         * ORDER BY the unit alone: adding v.item would make SQLite sort the whole result
         * (the index is not unique on unit), and callers need only unit order. */
        /* numeric values only: their text is always '', and not reading the column spares
         * a quarter of the start-up roll-up's 1.7 million rows' cost at national scale */
        [Q_VALUES_CAMPAIGN] = "SELECT r.unit_id,r.status,v.item,v.has_num,v.num,'',''"
                              " FROM reports r JOIN report_values v ON v.report_id=r.id"
                              " WHERE r.campaign_id=?1 AND v.has_num=1 ORDER BY r.unit_id",
        /* the value export: texts too, a report's values together in item order */
        [Q_VALUES_CAMPAIGN_ALL] = "SELECT r.unit_id,r.status,v.item,v.has_num,v.num,v.text,v.note"
                                  " FROM reports r JOIN report_values v ON v.report_id=r.id"
                                  " WHERE r.campaign_id=?1 ORDER BY r.unit_id,v.item",
        [Q_EVENT_ADD] = "INSERT INTO report_events(report_id,at,user_id,action,comment)"
                        " VALUES(?1,?2,nullif(?3,0),?4,?5)",
        /* id order is the order they happened in (appended as they happen). */
        [Q_EVENTS] = "SELECT id,report_id,at,coalesce(user_id,0),action,comment"
                     " FROM report_events WHERE report_id=?1 ORDER BY id",
        [Q_FROZEN_DELETE] = "DELETE FROM report_frozen WHERE report_id=?1",
        [Q_FROZEN_INSERT] = "INSERT INTO report_frozen(report_id,item,has_num,num,text,frozen_at)"
                            " VALUES(?1,?2,?3,?4,?5,?6)",
        [Q_FROZEN] = "SELECT item,has_num,num,text,'' FROM report_frozen WHERE report_id=?1"
                     " ORDER BY item",
        [Q_REMINDER_ADD] = "INSERT INTO reminders(campaign_id,unit_id,at,\"by\",note,kind,rule,"
                           "notice_id,channels) VALUES(?1,?2,?3,nullif(?4,0),?5,?6,?7,"
                           "nullif(?8,0),?9) ON CONFLICT DO NOTHING",
        [Q_REMINDERS] = "SELECT r.id,r.campaign_id,r.unit_id,r.at,coalesce(r.\"by\",0),r.note,"
                        "r.kind,r.rule,coalesce(r.notice_id,0),r.channels,"
                        "(SELECT count(*) FROM outbox o WHERE o.notice_id=r.notice_id"
                        " AND o.status='pending'),"
                        "(SELECT count(*) FROM outbox o WHERE o.notice_id=r.notice_id"
                        " AND o.status='sent'),"
                        "(SELECT count(*) FROM outbox o WHERE o.notice_id=r.notice_id"
                        " AND o.status='failed')"
                        " FROM reminders r WHERE r.campaign_id=?1 ORDER BY r.at DESC,r.id DESC",
        /* the review queue: from the covering index reports_rollup alone */
        [Q_REPORTS_WAITING] = "SELECT campaign_id,unit_id FROM reports WHERE status='submitted'"
                              " AND campaign_id IN (SELECT id FROM campaigns WHERE status='open')",
};

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
	sqlite3_stmt *stmt[Q_COUNT]; /* prepared on first use (the writer: at open) */
	sqlite3_stmt **qs;           /* the query layer's statements, by slot (store_int.h) */
	int nqs;
	/* store_identity_version (writer): bumped when a row of an identity table changes,
	 * and again when that transaction ends (identity_dirty, under mu like every
	 * statement). quiet: the statement running only notes when a session or token was
	 * last used, which changes no one's identity. */
	_Atomic uint64_t identity_version;
	int identity_dirty;
	int quiet;
	struct sqlite_store *next_reader;
	/* store_reports_version (writer): as identity_version, for reports and campaigns */
	_Atomic uint64_t reports_version;
	int reports_dirty;
	/* store_notices_version (writer): as identity_version, for notices and read marks */
	_Atomic uint64_t notices_version;
	int notices_dirty;
	/* store_budget_version (writer): as identity_version, for budgets, commendation
	 * decisions and campaigns (what the dashboard's kept budget box depends on) */
	_Atomic uint64_t budget_version;
	int budget_dirty;
} sqlite_store_t;

/* The store: the writer connection and the readers opened so far. */
typedef struct sq_db {
	sqlite_store_t w;
	char *path;
	int no_readers;      /* an in-memory or temporary database: everything on the writer */
	pthread_key_t key;   /* this thread's reader */
	pthread_mutex_t rmu; /* guards readers */
	sqlite_store_t *readers;
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

/* Statement i of connection s (whose lock the caller holds), prepared on first use. */
static sqlite3_stmt *
stmt(sqlite_store_t *s, int i)
{
	if (s->stmt[i] == NULL &&
	    sqlite3_prepare_v3(s->db, queries[i], -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[i],
	                       NULL) != SQLITE_OK)
		log_error("Lỗi chuẩn bị truy vấn: %s", sqlite3_errmsg(s->db));
	return s->stmt[i];
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
	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(s->stmt[i]);
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



/* PRAGMA data_version: moves when another connection commits (SQLite's own contract). */
static int64_t
sq_external_version(store_t *st)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = NULL;
	int64_t v = -1;
	if (sqlite3_prepare_v2(s->db, "PRAGMA data_version", -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	unlock(s);
	return v;
}


/* Who someone is lives in these tables: users, their roles, sessions and API tokens. The
 * hooks see every row this connection changes in them (all rowid tables, changed by
 * statements with a WHERE: no truncate optimisation, no REPLACE, both of which would skip
 * the update hook), and the end of the transaction that changed them. */
static void
on_update(void *p, int op, const char *db, const char *table, sqlite3_int64 rowid)
{
	(void)op;
	(void)rowid;
	sqlite_store_t *s = p;
	if (strcmp(db, "main") != 0)
		return;
	if (s->quiet)
		return;
	if (!strcmp(table, "users") || !strcmp(table, "user_roles") || !strcmp(table, "sessions") ||
	    !strcmp(table, "api_tokens")) {
		s->identity_dirty = 1;
		atomic_fetch_add(&s->identity_version, 1);
	}
	/* the review queue's count */
	if (!strcmp(table, "reports") || !strcmp(table, "campaigns")) {
		s->reports_dirty = 1;
		atomic_fetch_add(&s->reports_version, 1);
	}
	/* the bell's count */
	if (!strcmp(table, "notices") || !strcmp(table, "notice_reads")) {
		s->notices_dirty = 1;
		atomic_fetch_add(&s->notices_version, 1);
	}
	/* the dashboard's budget box */
	if (!strncmp(table, "budget_", 7) || !strncmp(table, "award_", 6) ||
	    !strcmp(table, "campaigns")) {
		s->budget_dirty = 1;
		atomic_fetch_add(&s->budget_version, 1);
	}
}

static void
on_tx_end(void *p)
{
	sqlite_store_t *s = p;
	if (s->identity_dirty) {
		s->identity_dirty = 0;
		atomic_fetch_add(&s->identity_version, 1);
	}
	if (s->reports_dirty) { /* the review queue's count */
		s->reports_dirty = 0;
		atomic_fetch_add(&s->reports_version, 1);
	}
	if (s->notices_dirty) {
		s->notices_dirty = 0;
		atomic_fetch_add(&s->notices_version, 1);
	}
	if (s->budget_dirty) {
		s->budget_dirty = 0;
		atomic_fetch_add(&s->budget_version, 1);
	}
}

static int
on_commit(void *p)
{
	on_tx_end(p);
	return 0; /* go on with the commit */
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
	unlock(s);
	return ret;
}

/* Optional text: NULL from C is stored as the column's '' default. */
static void
bind_opt(sqlite3_stmt *q, int i, const char *t)
{
	sqlite3_bind_text(q, i, t ? t : "", -1, SQLITE_STATIC);
}

static void
finish_query(sqlite_store_t *s, sqlite3_stmt *q)
{
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	unlock(s);
}

/* The statement for an iteration whose callback may start the same iteration again (the
 * campaign helpers list campaigns while a page lists campaigns): the persistent statement,
 * or when it is already stepping in this thread a private copy, finalised by
 * finish_nested. Resetting a statement in use would restart the outer loop forever. */
static sqlite3_stmt *
nested_query(sqlite_store_t *s, int which)
{
	sqlite3_stmt *q = stmt(s, which);
	if (!sqlite3_stmt_busy(q))
		return q;
	sqlite3_stmt *copy = NULL;
	if (sqlite3_prepare_v2(s->db, sqlite3_sql(q), -1, &copy, NULL) != SQLITE_OK)
		return NULL;
	return copy;
}

static void
finish_nested(sqlite_store_t *s, int which, sqlite3_stmt *q)
{
	if (q != stmt(s, which)) {
		sqlite3_finalize(q);
		unlock(s);
		return;
	}
	finish_query(s, q);
}

/* Logs a failed step of a reading statement and returns -1. */
static int
read_failed(sqlite_store_t *s, const char *what)
{
	log_error("Lỗi cơ sở dữ liệu (%s): %s", what, sqlite3_errmsg(s->db));
	return -1;
}


/* ---- the reporting loop ---- */

/* Opens a transaction for a multi-statement write (lock held): inside a store_tx_begin
 * transaction BEGIN would fail, so a savepoint gives the same all-or-nothing and leaves
 * the outer transaction to its owner. Returns 1 nested, 0 not, -1 error. */
static int
write_begin(sqlite_store_t *s, const char *what)
{
	char err[256];
	int nested = !sqlite3_get_autocommit(s->db);
	if (exec(s->db, nested ? "SAVEPOINT store_write" : "BEGIN IMMEDIATE", err, sizeof err) <
	    0) {
		log_error("%s (%s)", err, what);
		return -1;
	}
	return nested;
}

/* Commits (ok set) or rolls back what write_begin opened. A failed commit is rolled
 * back. Returns 0 when committed, -1 otherwise. */
static int
write_end(sqlite_store_t *s, int nested, int ok, const char *what)
{
	char err[256];
	if (ok && exec(s->db, nested ? "RELEASE store_write" : "COMMIT", err, sizeof err) == 0)
		return 0;
	if (ok)
		log_error("%s (%s)", err, what);
	/* After an I/O error SQLite may have rolled back everything on its own; the
	 * statement then fails harmlessly. */
	exec(s->db, nested ? "ROLLBACK TO store_write; RELEASE store_write" : "ROLLBACK", NULL, 0);
	return -1;
}

static void
read_template(sqlite3_stmt *q, store_template_t *t)
{
	*t = (store_template_t){
	        .id = sqlite3_column_int64(q, 0),
	        .code = col_text(q, 1),
	        .name = col_text(q, 2),
	        .year = sqlite3_column_int(q, 3),
	        .json = col_text(q, 4),
	        .created_at = sqlite3_column_int64(q, 5),
	};
}

static void
read_campaign(sqlite3_stmt *q, store_campaign_t *c)
{
	*c = (store_campaign_t){
	        .id = sqlite3_column_int64(q, 0),
	        .issuer_unit_id = sqlite3_column_int64(q, 1),
	        .parent_id = sqlite3_column_int64(q, 2),
	        .template_id = sqlite3_column_int64(q, 3),
	        .year = sqlite3_column_int(q, 4),
	        .name = col_text(q, 5),
	        .theme = col_text(q, 6),
	        .start_date = sqlite3_column_int(q, 7),
	        .end_date = sqlite3_column_int(q, 8),
	        .registration_deadline = sqlite3_column_int(q, 9),
	        .opening_time = col_text(q, 10),
	        .opening_place = col_text(q, 11),
	        .opening_participants = col_text(q, 12),
	        .status = col_text(q, 13),
	        .expected_kinds = col_text(q, 14),
	        .deadlines = col_text(q, 15),
	        .created_at = sqlite3_column_int64(q, 16),
	        .created_by = sqlite3_column_int64(q, 17),
	};
}

static void
read_report(sqlite3_stmt *q, store_report_t *r)
{
	*r = (store_report_t){
	        .id = sqlite3_column_int64(q, 0),
	        .campaign_id = sqlite3_column_int64(q, 1),
	        .unit_id = sqlite3_column_int64(q, 2),
	        .status = col_text(q, 3),
	        .version = sqlite3_column_int64(q, 4),
	        .updated_at = sqlite3_column_int64(q, 5),
	        .updated_by = sqlite3_column_int64(q, 6),
	        .on_behalf = sqlite3_column_int(q, 7),
	        .submitted_at = sqlite3_column_int64(q, 8),
	        .submitted_by = sqlite3_column_int64(q, 9),
	        .reviewed_at = sqlite3_column_int64(q, 10),
	        .reviewed_by = sqlite3_column_int64(q, 11),
	        .comment = col_text(q, 12),
	};
}

/* item, has_num, num, text, note from column first on. */
static void
read_value(sqlite3_stmt *q, int first, store_value_t *v)
{
	*v = (store_value_t){
	        .item = col_text(q, first),
	        .has_num = sqlite3_column_int(q, first + 1),
	        .num = sqlite3_column_int64(q, first + 2),
	        .text = col_text(q, first + 3),
	        .note = col_text(q, first + 4),
	};
}

/* ---- templates ---- */

static int
sq_template_save(store_t *st, const store_template_t *t, int64_t *id)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_TPL_SAVE);
	sqlite3_bind_int64(q, 1, t->id);
	sqlite3_bind_text(q, 2, t->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, t->name, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 4, t->year);
	sqlite3_bind_text(q, 5, t->json, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 6, t->created_at);
	int rc = run(s, q, NULL);
	int ret = 0;
	if (rc == SQLITE_DONE) {
		/* The upsert's update branch leaves last_insert_rowid alone. */
		if (id)
			*id = t->id ? t->id : sqlite3_last_insert_rowid(s->db);
	} else if (rc == SQLITE_CONSTRAINT_UNIQUE) {
		ret = -2; /* code is the only UNIQUE column besides the id upserted on */
	} else {
		log_error("Lỗi cơ sở dữ liệu (lưu mẫu báo cáo %s): %s", t->code ? t->code : "",
		          sqlite3_errmsg(s->db));
		ret = -1;
	}
	unlock(s);
	return ret;
}

static int
template_lookup(sqlite_store_t *s, sqlite3_stmt *q, int (*cb)(const store_template_t *, void *),
                void *ctx)
{
	int ret, rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		store_template_t t;
		read_template(q, &t);
		if (cb)
			cb(&t, ctx);
		ret = 1;
	} else {
		ret = rc == SQLITE_DONE ? 0 : read_failed(s, "đọc mẫu báo cáo");
	}
	finish_query(s, q);
	return ret;
}

static int
sq_template_get(store_t *st, int64_t id, int (*cb)(const store_template_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_TPL_GET);
	sqlite3_bind_int64(q, 1, id);
	return template_lookup(s, q, cb, ctx);
}

static int
sq_template_find(store_t *st, const char *code, int (*cb)(const store_template_t *, void *),
                 void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_TPL_FIND);
	sqlite3_bind_text(q, 1, code, -1, SQLITE_STATIC);
	return template_lookup(s, q, cb, ctx);
}

static int
sq_templates_each(store_t *st, int (*cb)(const store_template_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_TPLS);
	int rc, ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_template_t t;
		read_template(q, &t);
		if ((ret = cb(&t, ctx)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = read_failed(s, "mẫu báo cáo");
	finish_query(s, q);
	return ret;
}

/* ---- campaigns ---- */

static int
sq_campaign_save(store_t *st, const store_campaign_t *c, int64_t *id)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, c->id ? Q_CAMP_UPDATE : Q_CAMP_INSERT);
	sqlite3_bind_int64(q, 1, c->id);
	sqlite3_bind_int64(q, 2, c->issuer_unit_id);
	sqlite3_bind_int64(q, 3, c->parent_id);
	sqlite3_bind_int64(q, 4, c->template_id);
	sqlite3_bind_int(q, 5, c->year);
	sqlite3_bind_text(q, 6, c->name, -1, SQLITE_STATIC);
	bind_opt(q, 7, c->theme);
	sqlite3_bind_int(q, 8, c->start_date);
	sqlite3_bind_int(q, 9, c->end_date);
	sqlite3_bind_int(q, 10, c->registration_deadline);
	bind_opt(q, 11, c->opening_time);
	bind_opt(q, 12, c->opening_place);
	bind_opt(q, 13, c->opening_participants);
	sqlite3_bind_text(q, 14, c->status, -1, SQLITE_STATIC);
	bind_opt(q, 15, c->expected_kinds);
	bind_opt(q, 16, c->deadlines);
	if (c->id == 0) {
		sqlite3_bind_int64(q, 17, c->created_at);
		sqlite3_bind_int64(q, 18, c->created_by);
	}
	int ret = run(s, q, "lưu đợt") == SQLITE_DONE ? 0 : -1;
	if (ret == 0 && c->id && sqlite3_changes(s->db) == 0) {
		log_error("Lỗi cơ sở dữ liệu (lưu đợt): không có đợt %lld", (long long)c->id);
		ret = -1;
	}
	if (ret == 0 && id)
		*id = c->id ? c->id : sqlite3_last_insert_rowid(s->db);
	unlock(s);
	return ret;
}

static int
sq_campaign_get(store_t *st, int64_t id, int (*cb)(const store_campaign_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_CAMP_GET);
	sqlite3_bind_int64(q, 1, id);
	int ret, rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		store_campaign_t c;
		read_campaign(q, &c);
		if (cb)
			cb(&c, ctx);
		ret = 1;
	} else {
		ret = rc == SQLITE_DONE ? 0 : read_failed(s, "đọc đợt");
	}
	finish_query(s, q);
	return ret;
}

static int
sq_campaigns_each(store_t *st, int (*cb)(const store_campaign_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = nested_query(s, Q_CAMPS);
	if (q == NULL) {
		int r = read_failed(s, "đợt");
		unlock(s);
		return r;
	}
	int rc, ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_campaign_t c;
		read_campaign(q, &c);
		if ((ret = cb(&c, ctx)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = read_failed(s, "đợt");
	finish_nested(s, Q_CAMPS, q);
	return ret;
}

/* ---- reports ---- */

static int
sq_report_get(store_t *st, int64_t campaign_id, int64_t unit_id,
              int (*cb)(const store_report_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_REPORT_GET);
	sqlite3_bind_int64(q, 1, campaign_id);
	sqlite3_bind_int64(q, 2, unit_id);
	int ret, rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		store_report_t r;
		read_report(q, &r);
		if (cb)
			cb(&r, ctx);
		ret = 1;
	} else {
		ret = rc == SQLITE_DONE ? 0 : read_failed(s, "đọc báo cáo");
	}
	finish_query(s, q);
	return ret;
}

/* Runs a bound item,has_num,num,text,note statement (lock held) through cb, then releases. */
static int
values_loop(sqlite_store_t *s, sqlite3_stmt *q, int (*cb)(const store_value_t *, void *), void *ctx,
            const char *what)
{
	int rc, ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_value_t v;
		read_value(q, 0, &v);
		if ((ret = cb(&v, ctx)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = read_failed(s, what);
	finish_query(s, q);
	return ret;
}

static int
sq_report_values(store_t *st, int64_t report_id, int (*cb)(const store_value_t *, void *),
                 void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_REPORT_VALUES);
	sqlite3_bind_int64(q, 1, report_id);
	return values_loop(s, q, cb, ctx, "số liệu báo cáo");
}

static int
sq_reports_of_campaign(store_t *st, int64_t campaign_id, int (*cb)(const store_report_t *, void *),
                       void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_REPORTS_CAMPAIGN);
	sqlite3_bind_int64(q, 1, campaign_id);
	int rc, ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_report_t r;
		read_report(q, &r);
		if ((ret = cb(&r, ctx)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = read_failed(s, "báo cáo của đợt");
	finish_query(s, q);
	return ret;
}

static int
values_query(store_t *st, int which, int64_t campaign_id,
             int (*cb)(int64_t unit_id, const char *status, const store_value_t *v, void *ctx),
             void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, which);
	sqlite3_bind_int64(q, 1, campaign_id);
	int rc, ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_value_t v;
		read_value(q, 2, &v);
		if ((ret = cb(sqlite3_column_int64(q, 0), col_text(q, 1), &v, ctx)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = read_failed(s, "số liệu của đợt");
	finish_query(s, q);
	return ret;
}

static int
sq_values_of_campaign(store_t *st, int64_t campaign_id,
                      int (*cb)(int64_t unit_id, const char *status, const store_value_t *v,
                                void *ctx),
                      void *ctx)
{
	return values_query(st, Q_VALUES_CAMPAIGN, campaign_id, cb, ctx);
}

static int
sq_all_values_of_campaign(store_t *st, int64_t campaign_id,
                          int (*cb)(int64_t unit_id, const char *status, const store_value_t *v,
                                    void *ctx),
                          void *ctx)
{
	return values_query(st, Q_VALUES_CAMPAIGN_ALL, campaign_id, cb, ctx);
}

/* The current (id, version) of the report of unit in campaign (lock held): 1 found,
 * 0 not (*version 0, the version of a report that does not exist), -1 error. */
static int
report_version(sqlite_store_t *s, int64_t campaign_id, int64_t unit_id, int64_t *id,
               int64_t *version)
{
	sqlite3_stmt *q = stmt(s, Q_REPORT_VERSION);
	sqlite3_bind_int64(q, 1, campaign_id);
	sqlite3_bind_int64(q, 2, unit_id);
	*id = *version = 0;
	int ret, rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(q, 0);
		*version = sqlite3_column_int64(q, 1);
		ret = 1;
	} else {
		ret = rc == SQLITE_DONE ? 0 : read_failed(s, "phiên bản báo cáo");
	}
	/* Reset at once: a statement left mid-step would keep its read open under the
	 * writes that follow. */
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return ret;
}

/* Binds ?1 = id and ?2..?13 = the report's fields (Q_REPORT_INSERT, Q_REPORT_UPDATE). */
static void
bind_report(sqlite3_stmt *q, int64_t id, const store_report_t *r, int64_t version)
{
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_int64(q, 2, r->campaign_id);
	sqlite3_bind_int64(q, 3, r->unit_id);
	sqlite3_bind_text(q, 4, r->status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 5, version);
	sqlite3_bind_int64(q, 6, r->updated_at);
	sqlite3_bind_int64(q, 7, r->updated_by);
	sqlite3_bind_int(q, 8, r->on_behalf != 0);
	sqlite3_bind_int64(q, 9, r->submitted_at);
	sqlite3_bind_int64(q, 10, r->submitted_by);
	sqlite3_bind_int64(q, 11, r->reviewed_at);
	sqlite3_bind_int64(q, 12, r->reviewed_by);
	bind_opt(q, 13, r->comment);
}

/* Replaces the rows of report_id in a values table (lock held, inside a transaction):
 * del deletes them, ins inserts one (?1 report, ?2 item, ?3 has_num, ?4 num, ?5 text,
 * ?6 at when at_col, else ?6 note). 0 or -1 (logged). */
static int
replace_values(sqlite_store_t *s, int del, int ins, int64_t report_id, const store_value_t *vals,
               size_t n, int at_col, int64_t at, const char *what)
{
	sqlite3_stmt *q = stmt(s, del);
	sqlite3_bind_int64(q, 1, report_id);
	if (run(s, q, what) != SQLITE_DONE)
		return -1;
	q = stmt(s, ins);
	for (size_t i = 0; i < n; i++) {
		const store_value_t *v = &vals[i];
		sqlite3_bind_int64(q, 1, report_id);
		sqlite3_bind_text(q, 2, v->item, -1, SQLITE_STATIC);
		sqlite3_bind_int(q, 3, v->has_num != 0);
		sqlite3_bind_int64(q, 4, v->has_num ? v->num : 0);
		bind_opt(q, 5, v->text);
		if (at_col)
			sqlite3_bind_int64(q, 6, at);
		else
			bind_opt(q, 6, v->note);
		if (run(s, q, what) != SQLITE_DONE)
			return -1;
	}
	return 0;
}

typedef struct old_value {
	char *item, *text, *note;
	int has_num;
	int64_t num;
} old_value_t;

static int
cmp_old_value(const void *a, const void *b)
{
	return strcmp(((const old_value_t *)a)->item, ((const old_value_t *)b)->item);
}

/* A report's values become vals[n], writing only what differs: a submission that sends
 * the values just saved writes none of them, a save rewrites the items changed. (Deleting
 * every row and inserting them again cost the writer about half of its time in a burst.)
 * 0 or -1 (logged). */
static int
merge_values(sqlite_store_t *s, int64_t report_id, const store_value_t *vals, size_t n,
             const char *what)
{
	old_value_t *ov = NULL, *nv = xcalloc(n + 1, sizeof *nv);
	size_t no = 0, cap = 0;
	int ret = -1;
	sqlite3_stmt *q = stmt(s, Q_REPORT_VALUES); /* ordered by item */
	sqlite3_bind_int64(q, 1, report_id);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (no == cap) {
			cap = cap ? 2 * cap : 64;
			ov = xrealloc(ov, cap * sizeof *ov);
		}
		ov[no++] = (old_value_t){xstrdup(col_text(q, 0)), xstrdup(col_text(q, 3)),
		                         xstrdup(col_text(q, 4)), sqlite3_column_int(q, 1),
		                         sqlite3_column_int64(q, 2)};
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	if (rc != SQLITE_DONE) {
		read_failed(s, what);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		nv[i] = (old_value_t){(char *)vals[i].item,
		                      (char *)(vals[i].text ? vals[i].text : ""),
		                      (char *)(vals[i].note ? vals[i].note : ""),
		                      vals[i].has_num != 0, vals[i].has_num ? vals[i].num : 0};
	qsort(nv, n, sizeof *nv, cmp_old_value);
	size_t a = 0, b = 0;
	while (a < no || b < n) {
		int c = a == no ? 1 : b == n ? -1 : strcmp(ov[a].item, nv[b].item);
		if (c == 0 && ov[a].has_num == nv[b].has_num && ov[a].num == nv[b].num &&
		    strcmp(ov[a].text, nv[b].text) == 0 && strcmp(ov[a].note, nv[b].note) == 0) {
			a++, b++;
			continue;
		}
		if (c < 0) { /* no longer there */
			q = stmt(s, Q_VALUE_DELETE);
			sqlite3_bind_int64(q, 1, report_id);
			sqlite3_bind_text(q, 2, ov[a].item, -1, SQLITE_STATIC);
			a++;
		} else {
			q = stmt(s, c == 0 ? Q_VALUE_UPDATE : Q_VALUE_INSERT);
			sqlite3_bind_int64(q, 1, report_id);
			sqlite3_bind_text(q, 2, nv[b].item, -1, SQLITE_STATIC);
			sqlite3_bind_int(q, 3, nv[b].has_num);
			sqlite3_bind_int64(q, 4, nv[b].num);
			sqlite3_bind_text(q, 5, nv[b].text, -1, SQLITE_STATIC);
			sqlite3_bind_text(q, 6, nv[b].note, -1, SQLITE_STATIC);
			a += c == 0;
			b++;
		}
		if (run(s, q, what) != SQLITE_DONE)
			goto out;
	}
	ret = 0;
out:
	for (size_t i = 0; i < no; i++) {
		free(ov[i].item);
		free(ov[i].text);
		free(ov[i].note);
	}
	free(ov);
	free(nv);
	return ret;
}

/* store_report_save (with_values set) and store_report_set_status: the version check,
 * the row and (for save) its values in one transaction. */
static int
report_write(store_t *st, const store_report_t *r, int with_values, const store_value_t *vals,
             size_t n, int64_t expected_version, int64_t *id, int64_t *version)
{
	sqlite_store_t *s = wr(st);
	const char *what = with_values ? "lưu báo cáo" : "đổi trạng thái báo cáo";
	lock(s);
	int ok = 0, ret = -1;
	int nested = write_begin(s, what);
	if (nested < 0)
		goto out;
	int64_t rid, cur;
	int found = report_version(s, r->campaign_id, r->unit_id, &rid, &cur);
	if (found < 0)
		goto end;
	if (cur != expected_version) {
		ret = -2;
		goto end;
	}
	if (!found && !with_values) {
		log_error("Lỗi cơ sở dữ liệu (%s): không có báo cáo của đơn vị %lld trong đợt %lld",
		          what, (long long)r->unit_id, (long long)r->campaign_id);
		goto end;
	}
	sqlite3_stmt *q = stmt(s, found ? Q_REPORT_UPDATE : Q_REPORT_INSERT);
	bind_report(q, rid, r, cur + 1);
	if (run(s, q, what) != SQLITE_DONE)
		goto end;
	if (!found)
		rid = sqlite3_last_insert_rowid(s->db);
	if (with_values && (found ? merge_values(s, rid, vals, n, what)
	                          : replace_values(s, Q_VALUES_DELETE, Q_VALUE_INSERT, rid, vals, n,
	                                           0, 0, what)) < 0)
		goto end;
	ok = 1;
end:
	if (write_end(s, nested, ok, what) == 0) {
		ret = 0;
		if (id)
			*id = rid;
		if (version)
			*version = cur + 1;
	}
out:
	unlock(s);
	return ret;
}

static int
sq_report_save(store_t *st, const store_report_t *r, const store_value_t *vals, size_t n,
               int64_t expected_version, int64_t *id, int64_t *version)
{
	return report_write(st, r, 1, vals, n, expected_version, id, version);
}

/* Finds the report by (campaign, unit) like save; r->id is not consulted. */
static int
sq_report_set_status(store_t *st, const store_report_t *r, int64_t expected_version,
                     int64_t *version)
{
	return report_write(st, r, 0, NULL, 0, expected_version, NULL, version);
}

static int
sq_report_event_add(store_t *st, const store_report_event_t *e)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_EVENT_ADD);
	sqlite3_bind_int64(q, 1, e->report_id);
	sqlite3_bind_int64(q, 2, e->at);
	sqlite3_bind_int64(q, 3, e->user_id);
	sqlite3_bind_text(q, 4, e->action, -1, SQLITE_STATIC);
	bind_opt(q, 5, e->comment);
	return write_locked(s, q, "ghi diễn biến báo cáo", 0);
}

static int
sq_report_events(store_t *st, int64_t report_id, int (*cb)(const store_report_event_t *, void *),
                 void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_EVENTS);
	sqlite3_bind_int64(q, 1, report_id);
	int rc, ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_report_event_t e = {
		        .id = sqlite3_column_int64(q, 0),
		        .report_id = sqlite3_column_int64(q, 1),
		        .at = sqlite3_column_int64(q, 2),
		        .user_id = sqlite3_column_int64(q, 3),
		        .action = col_text(q, 4),
		        .comment = col_text(q, 5),
		};
		if ((ret = cb(&e, ctx)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = read_failed(s, "diễn biến báo cáo");
	finish_query(s, q);
	return ret;
}

static int
sq_report_freeze(store_t *st, int64_t report_id, const store_value_t *vals, size_t n, int64_t at)
{
	sqlite_store_t *s = wr(st);
	const char *what = "chốt số liệu báo cáo";
	lock(s);
	int ret = -1;
	int nested = write_begin(s, what);
	if (nested >= 0) {
		int ok = replace_values(s, Q_FROZEN_DELETE, Q_FROZEN_INSERT, report_id, vals, n, 1,
		                        at, what) == 0;
		ret = write_end(s, nested, ok, what);
	}
	unlock(s);
	return ret;
}

static int
sq_report_frozen(store_t *st, int64_t report_id, int (*cb)(const store_value_t *, void *),
                 void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_FROZEN);
	sqlite3_bind_int64(q, 1, report_id);
	return values_loop(s, q, cb, ctx, "số liệu đã chốt");
}

/* ---- reminders ---- */

static int
sq_reminder_add(store_t *st, const store_reminder_t *r, int64_t *id)
{
	sqlite_store_t *s = wr(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_REMINDER_ADD);
	sqlite3_bind_int64(q, 1, r->campaign_id);
	sqlite3_bind_int64(q, 2, r->unit_id);
	sqlite3_bind_int64(q, 3, r->at);
	sqlite3_bind_int64(q, 4, r->by);
	bind_opt(q, 5, r->note);
	sqlite3_bind_text(q, 6, r->kind ? r->kind : "manual", -1, SQLITE_STATIC);
	bind_opt(q, 7, r->rule);
	sqlite3_bind_int64(q, 8, r->notice_id);
	sqlite3_bind_text(q, 9, r->channels ? r->channels : "app", -1, SQLITE_STATIC);
	int rc = run(s, q, "ghi nhắc nhở");
	int ret = rc == SQLITE_DONE ? (sqlite3_changes(s->db) > 0 ? 0 : 1) : -1;
	if (ret == 0 && id)
		*id = sqlite3_last_insert_rowid(s->db);
	unlock(s);
	return ret;
}

static int
sq_reminders_of_campaign(store_t *st, int64_t campaign_id,
                         int (*cb)(const store_reminder_t *, void *), void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_REMINDERS);
	sqlite3_bind_int64(q, 1, campaign_id);
	int rc, ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		store_reminder_t r = {
		        .id = sqlite3_column_int64(q, 0),
		        .campaign_id = sqlite3_column_int64(q, 1),
		        .unit_id = sqlite3_column_int64(q, 2),
		        .at = sqlite3_column_int64(q, 3),
		        .by = sqlite3_column_int64(q, 4),
		        .note = col_text(q, 5),
		        .kind = col_text(q, 6),
		        .rule = col_text(q, 7),
		        .notice_id = sqlite3_column_int64(q, 8),
		        .channels = col_text(q, 9),
		        .mail_pending = sqlite3_column_int(q, 10),
		        .mail_sent = sqlite3_column_int(q, 11),
		        .mail_failed = sqlite3_column_int(q, 12),
		};
		if ((ret = cb(&r, ctx)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = read_failed(s, "nhắc nhở");
	finish_query(s, q);
	return ret;
}

/* ---- report photos ---- */


/* The photo functions of reports and activities differ only in their table: add, ...,
 * del are the statements of one (the owner's id is ?1 of each, photo_get's thumb ?2). */





/* ---- the review queue ---- */

static int
sq_reports_waiting(store_t *st, int (*cb)(int64_t campaign_id, int64_t unit_id, void *ctx),
                   void *ctx)
{
	sqlite_store_t *s = rd(st);
	lock(s);
	sqlite3_stmt *q = stmt(s, Q_REPORTS_WAITING);
	int rc, ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		if ((ret = cb(sqlite3_column_int64(q, 0), sqlite3_column_int64(q, 1), ctx)) != 0)
			break;
	if (ret == 0 && rc != SQLITE_DONE)
		ret = read_failed(s, "báo cáo chờ duyệt");
	finish_query(s, q);
	return ret;
}



/* ---- class enrolment ----
 * Statements prepared per call (the tables are small and these calls rare next to the
 * reports'), every value bound. */


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
	s->quiet = q->quiet; /* (the hooks', while some calls bypass the query layer) */
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
	s->quiet = 0;
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

static uint64_t
sqd_version(store_t *st, int which)
{
	sqlite_store_t *w = wr(st);
	switch (which) {
	case DB_V_IDENTITY: return atomic_load(&w->identity_version);
	case DB_V_REPORTS: return atomic_load(&w->reports_version);
	case DB_V_NOTICES: return atomic_load(&w->notices_version);
	default: return atomic_load(&w->budget_version);
	}
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
        .version = sqd_version,
};

static const store_ops_t sqlite_ops = {
        .name = "sqlite",
        .template_save = sq_template_save,
        .template_get = sq_template_get,
        .template_find = sq_template_find,
        .templates_each = sq_templates_each,
        .campaign_save = sq_campaign_save,
        .campaign_get = sq_campaign_get,
        .campaigns_each = sq_campaigns_each,
        .report_get = sq_report_get,
        .report_values = sq_report_values,
        .reports_of_campaign = sq_reports_of_campaign,
        .values_of_campaign = sq_values_of_campaign,
        .all_values_of_campaign = sq_all_values_of_campaign,
        .report_save = sq_report_save,
        .report_set_status = sq_report_set_status,
        .report_event_add = sq_report_event_add,
        .report_events = sq_report_events,
        .report_freeze = sq_report_freeze,
        .report_frozen = sq_report_frozen,
        .reminder_add = sq_reminder_add,
        .reminders_of_campaign = sq_reminders_of_campaign,
        /* the review queue */
        .reports_waiting = sq_reports_waiting,
        /* reading culture */
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
	sqlite3_update_hook(db, on_update, s);
	sqlite3_commit_hook(db, on_commit, s);
	sqlite3_rollback_hook(db, on_tx_end, s);
	for (int i = 0; i < Q_COUNT; i++) {
		if (sqlite3_prepare_v3(db, queries[i], -1, SQLITE_PREPARE_PERSISTENT, &s->stmt[i],
		                       NULL) != SQLITE_OK) {
			snprintf(err, errlen, "Lỗi chuẩn bị truy vấn: %s", sqlite3_errmsg(db));
			store_t *t = xcalloc(1, sizeof *t);
			t->ops = &sqlite_ops;
			t->drv = &sqlite_driver;
			t->backend = d;
			sq_close(t);
			return -1;
		}
	}
	store_t *st = xmalloc(sizeof *st);
	st->ops = &sqlite_ops;
	st->drv = &sqlite_driver;
	st->backend = d;
	st->fault_countdown = -1;
	*out = st;
	return 0;
}
