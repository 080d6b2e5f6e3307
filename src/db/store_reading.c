/* Reading culture's rows (store.h, docs/reading.md): shelves, the book ledger and the
 * reading records. Backend-neutral: the statements are declared here once, or built at run
 * time from a query's filters, and run through the query layer (store_int.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/mem.h"
#include "db/store_int.h"

/* A shelf's holding: the ledger summed (docs/reading.md). In-transit books have left the
 * sender and are not yet the receiver's. */
#define SHELF_HELD                                                                                 \
	"(s.books_start"                                                                           \
	"+coalesce((SELECT sum(count) FROM book_moves WHERE shelf_id=s.id AND kind='add'),0)"      \
	"-coalesce((SELECT sum(count) FROM book_moves WHERE shelf_id=s.id AND kind<>'add'),0)"     \
	"+coalesce((SELECT sum(count) FROM book_moves"                                             \
	" WHERE to_shelf_id=s.id AND received_on>0),0))"
#define SHELF_COLS                                                                                 \
	"SELECT s.id,s.unit_id,s.unit_path,s.name,s.kind,s.books_start,s.opened_on,"               \
	"s.closed_on," SHELF_HELD ",s.created_at,coalesce(s.created_by,0) FROM reading_shelves s"

/* A reading query built at run time: its text and its values, numbered ?1.. in the order
 * they are added (only the values the text uses, so that every ?N is used). */
typedef struct reading_sql {
	buf_t sql;
	qv_t v[16];
	size_t n;
	char *hi; /* the subtree's upper bound, bound as text until the query has run */
} reading_sql_t;

/* Adds v and returns its number. */
static int
arg(reading_sql_t *d, qv_t v)
{
	if (d->n >= sizeof d->v / sizeof d->v[0])
		abort(); /* a programming error: the builders below add at most 10 */
	d->v[d->n] = v;
	return (int)++d->n;
}

/* The smallest text above every text starting with prefix (the subtree's upper bound):
 * the prefix with its last byte below 0xFF raised by one. NULL when there is none (the
 * prefix is all 0xFF bytes): then the range has no upper bound. Caller frees. */
static char *
prefix_upper(const char *prefix)
{
	size_t len = strlen(prefix);
	char *hi = xstrndup(prefix, len);
	while (len > 0 && (unsigned char)hi[len - 1] == 0xFF)
		len--;
	if (len == 0) {
		free(hi);
		return NULL;
	}
	hi[len - 1] = (char)((unsigned char)hi[len - 1] + 1);
	hi[len] = '\0';
	return hi;
}

/* Starts base + the WHERE of a reading query on table alias t (day: the day column, NULL
 * when the table has none). */
static void
reading_where(reading_sql_t *d, const char *base, const store_reading_query_t *f, const char *t,
              const char *day)
{
	const char *path = f->path ? f->path : "";
	buf_puts(&d->sql, base);
	buf_puts(&d->sql, " WHERE 1=1");
	if (f->id) {
		int a = arg(d, QI(f->id));
		buf_printf(&d->sql, " AND %s.id=?%d", t, a);
	}
	if (*path && f->exact) {
		int a = arg(d, QT(path));
		buf_printf(&d->sql, " AND %s.unit_path=?%d", t, a);
	} else if (*path) {
		int a = arg(d, QT(path));
		buf_printf(&d->sql, " AND %s.unit_path>=?%d", t, a);
		d->hi = prefix_upper(path);
		if (d->hi) {
			int b = arg(d, QT(d->hi));
			buf_printf(&d->sql, " AND %s.unit_path<?%d", t, b);
		}
	}
	if (f->from_day && day) {
		int a = arg(d, QI(f->from_day));
		buf_printf(&d->sql, " AND %s>=?%d", day, a);
	}
	if (f->to_day && day) {
		int a = arg(d, QI(f->to_day));
		buf_printf(&d->sql, " AND %s<=?%d", day, a);
	}
	if (f->channel && *f->channel) {
		int a = arg(d, QT(f->channel));
		buf_printf(&d->sql, " AND %s.channel=?%d", t, a);
	}
}

/* For a period: only the shelves active in it. */
static void
shelf_active(reading_sql_t *d, const store_reading_query_t *f)
{
	if (f->to_day) {
		int a = arg(d, QI(f->to_day));
		buf_printf(&d->sql, " AND s.opened_on<=?%d", a);
	}
	if (f->from_day) {
		int a = arg(d, QI(f->from_day));
		buf_printf(&d->sql, " AND (s.closed_on=0 OR s.closed_on>=?%d)", a);
	}
}

/* Ends the text with LIMIT when the query has one. */
static void
reading_limit(reading_sql_t *d, const store_reading_query_t *f)
{
	if (f->limit > 0) {
		int a = arg(d, QI(f->limit));
		buf_printf(&d->sql, " LIMIT ?%d", a);
	}
}

/* Runs the query d built, each row to row(r, ctx), and frees d. 0, a non-zero from row,
 * or -1. */
static int
reading_run(store_t *st, reading_sql_t *d, db_row_fn row, void *ctx)
{
	q_def_t q = {.what = "đọc văn hóa đọc", .sql = buf_cstr(&d->sql)};
	int rc = db_each_dyn(st, &q, d->v, d->n, row, ctx);
	buf_free(&d->sql);
	free(d->hi);
	return rc;
}

#define READING_SQL_INIT                                                                           \
	{                                                                                          \
		.sql = BUF_INIT                                                                    \
	}

/* ---- shelves ---- */

struct shelf_cb {
	int (*cb)(const store_shelf_t *, void *);
	void *ctx;
};

static int
shelf_row(const db_row_t *r, void *p)
{
	struct shelf_cb *c = p;
	store_shelf_t s = {
	        .id = row_i64(r, 0),
	        .unit_id = row_i64(r, 1),
	        .unit_path = row_text(r, 2),
	        .name = row_text(r, 3),
	        .kind = row_text(r, 4),
	        .books_start = row_i64(r, 5),
	        .opened_on = row_int(r, 6),
	        .closed_on = row_int(r, 7),
	        .held = row_i64(r, 8),
	        .created_at = row_i64(r, 9),
	        .created_by = row_i64(r, 10),
	};
	return c->cb(&s, c->ctx);
}

int
store_shelves(store_t *st, const store_reading_query_t *f, int (*cb)(const store_shelf_t *, void *),
              void *ctx)
{
	/* for a period: the shelves active in it */
	store_reading_query_t g = *f;
	g.from_day = g.to_day = 0;
	reading_sql_t d = READING_SQL_INIT;
	reading_where(&d, SHELF_COLS, &g, "s", NULL);
	shelf_active(&d, f);
	buf_puts(&d.sql, " ORDER BY s.unit_path, s.name, s.id");
	reading_limit(&d, f);
	struct shelf_cb c = {cb, ctx};
	return reading_run(st, &d, shelf_row, &c);
}

static q_def_t Q_SHELF_ADD = {.what = "lưu tủ sách",
                              .sql = "INSERT INTO reading_shelves(unit_id,unit_path,name,kind,"
                                     "books_start,opened_on,closed_on,created_at,created_by)"
                                     " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9) RETURNING id"};

int
store_shelf_add(store_t *st, const store_shelf_t *r, int64_t *id)
{
	int64_t nid;
	int rc = db_insert(st, &Q_SHELF_ADD,
	                   QARGS(QI(r->unit_id), QT(r->unit_path), QT(r->name), QT(r->kind),
	                         QI(r->books_start), QI(r->opened_on), QI(r->closed_on),
	                         QI(r->created_at), QID(r->created_by)),
	                   &nid);
	if (rc < 0)
		return -1;
	if (id)
		*id = nid;
	return 0;
}

static q_def_t Q_SHELF_CLOSE = {
        .what = "đóng tủ sách",
        .sql = "UPDATE reading_shelves SET closed_on=?3 WHERE id=?1 AND unit_id=?2"};

int
store_shelf_close(store_t *st, int64_t id, int64_t unit_id, int32_t closed_on)
{
	int64_t changes = 0;
	if (db_exec(st, &Q_SHELF_CLOSE, QARGS(QI(id), QI(unit_id), QI(closed_on)), &changes) < 0)
		return -1;
	return changes > 0;
}

/* ---- the book ledger ---- */

static q_def_t Q_SHELF_HELD = {.what = "ghi sổ sách",
                               .sql = "SELECT " SHELF_HELD " FROM reading_shelves s WHERE s.id=?1"};
static q_def_t Q_MOVE_ADD = {
        .what = "ghi sổ sách",
        .sql = "INSERT INTO book_moves(kind,day,shelf_id,unit_id,unit_path,to_shelf_id,"
               "to_unit_id,to_path,count,note,received_on,received_by,created_at,"
               "created_by) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14) RETURNING id"};

int
store_book_move_add(store_t *st, const store_book_move_t *m, int64_t *id, int64_t *held)
{
	if (store_tx_begin(st) < 0)
		return -1;
	if (strcmp(m->kind, "add") != 0) {
		/* the check and the write in one transaction: no other move between them */
		int64_t h = 0;
		int rc = db_i64(st, &Q_SHELF_HELD, QARGS(QI(m->shelf_id)), &h);
		if (rc != 1) {
			if (rc == 0)
				log_error("Lỗi cơ sở dữ liệu (%s): không có tủ sách %lld",
				          Q_SHELF_HELD.what, (long long)m->shelf_id);
			store_tx_rollback(st);
			return -1;
		}
		if (held)
			*held = h;
		if (h < m->count) {
			store_tx_rollback(st);
			return -3;
		}
	}
	int64_t nid;
	if (db_insert(st, &Q_MOVE_ADD,
	              QARGS(QT(m->kind), QI(m->day), QI(m->shelf_id), QI(m->unit_id),
	                    QT(m->unit_path), QID(m->to_shelf_id), QID(m->to_unit_id),
	                    QT(m->to_path), QI(m->count), QT(m->note), QI(m->received_on),
	                    QID(m->received_by), QI(m->created_at), QID(m->created_by)),
	              &nid) < 0) {
		store_tx_rollback(st);
		return -1;
	}
	if (store_tx_commit(st) < 0)
		return -1;
	if (id)
		*id = nid;
	return 0;
}

static q_def_t Q_MOVE_RECEIVE = {
        .what = "nhận sách luân chuyển",
        .sql = "UPDATE book_moves SET received_on=?3,received_by=?4"
               " WHERE id=?1 AND kind='move' AND to_unit_id=?2 AND received_on=0"};

int
store_book_move_receive(store_t *st, int64_t id, int64_t to_unit_id, int32_t day, int64_t by)
{
	int64_t changes = 0;
	if (db_exec(st, &Q_MOVE_RECEIVE, QARGS(QI(id), QI(to_unit_id), QI(day), QID(by)),
	            &changes) < 0)
		return -1;
	return changes > 0;
}

struct move_cb {
	int (*cb)(const store_book_move_t *, void *);
	void *ctx;
};

static int
move_row(const db_row_t *r, void *p)
{
	struct move_cb *c = p;
	store_book_move_t m = {
	        .id = row_i64(r, 0),
	        .kind = row_text(r, 1),
	        .day = row_int(r, 2),
	        .shelf_id = row_i64(r, 3),
	        .unit_id = row_i64(r, 4),
	        .unit_path = row_text(r, 5),
	        .to_shelf_id = row_i64(r, 6),
	        .to_unit_id = row_i64(r, 7),
	        .to_path = row_text(r, 8),
	        .count = row_i64(r, 9),
	        .note = row_text(r, 10),
	        .received_on = row_int(r, 11),
	        .received_by = row_i64(r, 12),
	        .created_at = row_i64(r, 13),
	        .created_by = row_i64(r, 14),
	        .shelf_name = row_text(r, 15),
	        .to_shelf_name = row_text(r, 16),
	};
	return c->cb(&m, c->ctx);
}

int
store_book_moves(store_t *st, const store_reading_query_t *f,
                 int (*cb)(const store_book_move_t *, void *), void *ctx)
{
	static const char base[] =
	        "SELECT "
	        "m.id,m.kind,m.day,m.shelf_id,m.unit_id,m.unit_path,coalesce(m.to_shelf_id,0),"
	        "coalesce(m.to_unit_id,0),m.to_path,m.count,m.note,m.received_on,"
	        "coalesce(m.received_by,0),m.created_at,coalesce(m.created_by,0),a.name,"
	        "coalesce(b.name,'') FROM book_moves m JOIN reading_shelves a ON a.id=m.shelf_id"
	        " LEFT JOIN reading_shelves b ON b.id=m.to_shelf_id";
	reading_sql_t d = READING_SQL_INIT;
	reading_where(&d, base, f, "m", "m.day");
	if (f->unit_id) {
		int a = arg(&d, QI(f->unit_id));
		buf_printf(&d.sql, " AND (m.unit_id=?%d OR m.to_unit_id=?%d)", a, a);
	}
	buf_puts(&d.sql, " ORDER BY m.day DESC, m.id DESC");
	reading_limit(&d, f);
	struct move_cb c = {cb, ctx};
	return reading_run(st, &d, move_row, &c);
}

/* ---- reading records ---- */

static q_def_t Q_READING_ADD = {.what = "ghi lượt đọc",
                                .sql = "INSERT INTO reading_logs(shelf_id,unit_id,unit_path,day,"
                                       "channel,readers,loans,note,created_at,created_by)"
                                       " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10) RETURNING id"};

int
store_reading_add(store_t *st, const store_reading_t *r, int64_t *id)
{
	int64_t nid;
	int rc = db_insert(st, &Q_READING_ADD,
	                   QARGS(QI(r->shelf_id), QI(r->unit_id), QT(r->unit_path), QI(r->day),
	                         QT(r->channel), QI(r->readers), QI(r->loans), QT(r->note),
	                         QI(r->created_at), QID(r->created_by)),
	                   &nid);
	if (rc < 0)
		return -1;
	if (id)
		*id = nid;
	return 0;
}

struct log_cb {
	int (*cb)(const store_reading_t *, void *);
	void *ctx;
};

static int
log_row(const db_row_t *r, void *p)
{
	struct log_cb *c = p;
	store_reading_t g = {
	        .id = row_i64(r, 0),
	        .shelf_id = row_i64(r, 1),
	        .unit_id = row_i64(r, 2),
	        .unit_path = row_text(r, 3),
	        .day = row_int(r, 4),
	        .channel = row_text(r, 5),
	        .readers = row_i64(r, 6),
	        .loans = row_i64(r, 7),
	        .note = row_text(r, 8),
	        .created_at = row_i64(r, 9),
	        .created_by = row_i64(r, 10),
	        .shelf_name = row_text(r, 11),
	};
	return c->cb(&g, c->ctx);
}

int
store_readings(store_t *st, const store_reading_query_t *f,
               int (*cb)(const store_reading_t *, void *), void *ctx)
{
	static const char base[] =
	        "SELECT r.id,r.shelf_id,r.unit_id,r.unit_path,r.day,r.channel,r.readers,r.loans,"
	        "r.note,r.created_at,coalesce(r.created_by,0),s.name FROM reading_logs r"
	        " JOIN reading_shelves s ON s.id=r.shelf_id";
	reading_sql_t d = READING_SQL_INIT;
	reading_where(&d, base, f, "r", "r.day");
	buf_puts(&d.sql, " ORDER BY r.day DESC, r.id DESC");
	reading_limit(&d, f);
	struct log_cb c = {cb, ctx};
	return reading_run(st, &d, log_row, &c);
}

/* ---- the roll-up ---- */

struct sum_cb {
	int (*cb)(const store_reading_sum_t *, void *);
	void *ctx;
};

static int
sum_row(const db_row_t *r, void *p)
{
	struct sum_cb *c = p;
	store_reading_sum_t s = {
	        .unit_id = row_i64(r, 0),
	        .what = row_text(r, 1),
	        .key = row_text(r, 2),
	        .n = row_i64(r, 3),
	        .a = row_i64(r, 4),
	        .b = row_i64(r, 5),
	};
	return c->cb(&s, c->ctx);
}

int
store_reading_sums(store_t *st, const store_reading_query_t *f,
                   int (*cb)(const store_reading_sum_t *, void *), void *ctx)
{
	store_reading_query_t g = *f;
	g.exact = 0;
	g.id = 0;
	g.channel = "";
	g.limit = 0;
	struct sum_cb c = {cb, ctx};
	/* shelves active in the period, by unit and kind, with their holdings now */
	store_reading_query_t h = g;
	h.from_day = h.to_day = 0;
	reading_sql_t d = READING_SQL_INIT;
	reading_where(&d,
	              "SELECT s.unit_id,'shelf',s.kind,count(*),sum(" SHELF_HELD
	              "),0 FROM reading_shelves s",
	              &h, "s", NULL);
	shelf_active(&d, f);
	buf_puts(&d.sql, " GROUP BY s.unit_id, s.kind");
	int rc = reading_run(st, &d, sum_row, &c);
	if (rc == 0) {
		reading_sql_t e = READING_SQL_INIT;
		reading_where(&e,
		              "SELECT m.unit_id,m.kind,CASE WHEN m.kind<>'move' OR "
		              "m.to_unit_id=m.unit_id THEN '' WHEN m.received_on=0 THEN "
		              "'transit' ELSE 'out' END,count(*),"
		              "sum(m.count),0 FROM book_moves m",
		              &g, "m", "m.day");
		buf_puts(&e.sql, " GROUP BY 1,2,3");
		rc = reading_run(st, &e, sum_row, &c);
	}
	if (rc == 0) {
		reading_sql_t e = READING_SQL_INIT;
		reading_where(&e,
		              "SELECT r.unit_id,'read',r.channel,count(*),sum(r.readers),"
		              "sum(r.loans) FROM reading_logs r",
		              &g, "r", "r.day");
		buf_puts(&e.sql, " GROUP BY 1,2,3");
		rc = reading_run(st, &e, sum_row, &c);
	}
	return rc;
}
