/* Notifications (store.h): the chase schedule, notices and their read marks, the outbox and
 * its deliveries. Backend-neutral: the statements are declared here once and run through
 * the query layer (store_int.h). */
#include <stdio.h>
#include <stdlib.h>

#include "core/log.h"
#include "core/mem.h"
#include "db/store_int.h"

/* A write's result as the old calls gave it: 0, or -1 (a UNIQUE refusal logged as any
 * other failure). */
static int
write_rc(int rc, const q_def_t *q)
{
	if (rc == DB_UNIQUE)
		log_error("Lỗi cơ sở dữ liệu (%s): %s", q->what, db_errmsg());
	return rc < 0 ? -1 : 0;
}

/* ---- the chase schedule ---- */

static q_def_t Q_CHASE_GET = {.what = "lịch nhắc",
                              .sql = "SELECT campaign_id,remind_days,escalate_days,automatic"
                                     " FROM campaign_chase WHERE campaign_id=?1"};
static q_def_t Q_CHASE_SET = {
        .what = "ghi lịch nhắc",
        .sql = "INSERT INTO campaign_chase(campaign_id,remind_days,escalate_days,automatic)"
               " VALUES(?1,?2,?3,?4) ON CONFLICT(campaign_id) DO UPDATE SET"
               " remind_days=excluded.remind_days,escalate_days=excluded.escalate_days,"
               "automatic=excluded.automatic"};

struct chase_cb {
	int (*cb)(const store_chase_t *, void *);
	void *ctx;
};

static int
chase_row(const db_row_t *r, void *p)
{
	struct chase_cb *c = p;
	store_chase_t x = {row_i64(r, 0), row_text(r, 1), row_int(r, 2), row_int(r, 3)};
	int ret = c->cb(&x, c->ctx);
	return ret == 0 ? 1 : ret;
}

int
store_chase_get(store_t *st, int64_t campaign_id, int (*cb)(const store_chase_t *, void *),
                void *ctx)
{
	struct chase_cb c = {cb, ctx};
	return db_each(st, &Q_CHASE_GET, QARGS(QI(campaign_id)), chase_row, &c);
}

int
store_chase_set(store_t *st, const store_chase_t *c)
{
	return write_rc(db_exec(st, &Q_CHASE_SET,
	                        QARGS(QI(c->campaign_id), QT(c->remind_days), QI(c->escalate_days),
	                              QI(c->automatic ? 1 : 0)),
	                        NULL),
	                &Q_CHASE_SET);
}

/* ---- notices ---- */

static q_def_t Q_NOTICE_ADD = {
        .what = "ghi thông báo",
        .sql = "INSERT INTO notices(at,kind,unit_id,user_id,campaign_id,about_unit_id,"
               "\"by\",title,body,link) VALUES(?1,?2,?3,nullif(?4,0),nullif(?5,0),"
               "nullif(?6,0),nullif(?7,0),?8,?9,?10) RETURNING id"};

int
store_notice_add(store_t *st, const store_notice_t *n, int64_t *id)
{
	int64_t got = 0;
	int rc = db_insert(st, &Q_NOTICE_ADD,
	                   QARGS(QI(n->at), QTN(n->kind), QI(n->unit_id), QI(n->user_id),
	                         QI(n->campaign_id), QI(n->about_unit_id), QI(n->by), QT(n->title),
	                         QT(n->body), QT(n->link)),
	                   &got);
	if (write_rc(rc, &Q_NOTICE_ADD) < 0)
		return -1;
	if (id)
		*id = got;
	return 0;
}

/* units[] as the JSON array ?2 of the statements below reads ("[12,40]"); malloc'd. */
static char *
ids_json(const int64_t *units, size_t n)
{
	size_t cap = n * 22 + 3, len = 0;
	char *j = xmalloc(cap);
	j[len++] = '[';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(j + len, cap - len, "%s%lld", i ? "," : "",
		                        (long long)units[i]);
	j[len++] = ']';
	j[len] = 0;
	return j;
}

/* The notices a user sees: their own, and those of the units ?2 (a JSON array of unit ids)
 * sent to no one in particular. SQLite reads the array with json_each, PostgreSQL with
 * jsonb_array_elements_text. */
#define NOTICE_FIELDS                                                                              \
	"n.id,n.at,n.kind,n.unit_id,coalesce(n.user_id,0),coalesce(n.campaign_id,0),"              \
	"coalesce(n.about_unit_id,0),coalesce(n.\"by\",0),n.title,n.body,n.link"
#define SEEN_BY_SQ                                                                                 \
	"(n.user_id=?1 OR (n.user_id IS NULL AND n.unit_id IN (SELECT value FROM json_each(?2))))"
#define SEEN_BY_PG                                                                                 \
	"(n.user_id=?1 OR (n.user_id IS NULL AND n.unit_id IN"                                     \
	" (SELECT value::bigint FROM jsonb_array_elements_text(?2::jsonb))))"
#define READ_BY_USER "(SELECT 1 FROM notice_reads r WHERE r.user_id=?1 AND r.notice_id=n.id)"

/* ?1 the user, ?2 a JSON array of unit ids, ?3 before id (0: none), ?4 limit,
 * ?5 unread only */
#define NOTICES_FOR(seen)                                                                          \
	"SELECT " NOTICE_FIELDS ",CASE WHEN EXISTS" READ_BY_USER " THEN 1 ELSE 0 END"              \
	" FROM notices n WHERE " seen " AND (?3=0 OR n.id<?3)"                                     \
	" AND (?5=0 OR NOT EXISTS" READ_BY_USER ") ORDER BY n.id DESC LIMIT ?4"
static q_def_t Q_NOTICES_FOR = {
        .what = "thông báo", .sql = NOTICES_FOR(SEEN_BY_SQ), .pg = NOTICES_FOR(SEEN_BY_PG)};
#define NOTICES_UNREAD(seen)                                                                       \
	"SELECT count(*) FROM notices n WHERE " seen " AND NOT EXISTS" READ_BY_USER
static q_def_t Q_NOTICES_UNREAD = {.what = "thông báo chưa đọc",
                                   .sql = NOTICES_UNREAD(SEEN_BY_SQ),
                                   .pg = NOTICES_UNREAD(SEEN_BY_PG)};
static q_def_t Q_NOTICE_GET = {.what = "thông báo",
                               .sql = "SELECT " NOTICE_FIELDS ",0 FROM notices n WHERE n.id=?1"};
/* ON CONFLICT DO NOTHING: a notice read again keeps its first mark */
static q_def_t Q_NOTICE_READ_ONE = {.what = "đánh dấu đã đọc",
                                    .sql = "INSERT INTO notice_reads(notice_id,user_id,at)"
                                           " VALUES(?2,?1,?3)"
                                           " ON CONFLICT(user_id,notice_id) DO NOTHING"};
#define NOTICE_READ_ALL(seen)                                                                      \
	"INSERT INTO notice_reads(notice_id,user_id,at) SELECT n.id,?1,?3 FROM notices n"          \
	" WHERE " seen " ON CONFLICT(user_id,notice_id) DO NOTHING"
static q_def_t Q_NOTICE_READ_ALL = {.what = "đánh dấu đã đọc",
                                    .sql = NOTICE_READ_ALL(SEEN_BY_SQ),
                                    .pg = NOTICE_READ_ALL(SEEN_BY_PG)};

struct notice_cb {
	int (*cb)(const store_notice_t *, void *);
	void *ctx;
};

static int
notice_row(const db_row_t *r, void *p)
{
	struct notice_cb *c = p;
	store_notice_t n = {
	        .id = row_i64(r, 0),
	        .at = row_i64(r, 1),
	        .kind = row_text(r, 2),
	        .unit_id = row_i64(r, 3),
	        .user_id = row_i64(r, 4),
	        .campaign_id = row_i64(r, 5),
	        .about_unit_id = row_i64(r, 6),
	        .by = row_i64(r, 7),
	        .title = row_text(r, 8),
	        .body = row_text(r, 9),
	        .link = row_text(r, 10),
	        .read = row_int(r, 11),
	};
	return c->cb(&n, c->ctx);
}

int
store_notices_for(store_t *st, int64_t user_id, const int64_t *units, size_t n, int64_t before_id,
                  int limit, int unread_only, int (*cb)(const store_notice_t *, void *), void *ctx)
{
	char *ids = ids_json(units, n);
	struct notice_cb c = {cb, ctx};
	int ret = db_each(
	        st, &Q_NOTICES_FOR,
	        QARGS(QI(user_id), QT(ids), QI(before_id), QI(limit), QI(unread_only ? 1 : 0)),
	        notice_row, &c);
	free(ids);
	return ret;
}

int
store_notices_unread(store_t *st, int64_t user_id, const int64_t *units, size_t n, int64_t *count)
{
	char *ids = ids_json(units, n);
	int64_t v = 0;
	int rc = db_i64(st, &Q_NOTICES_UNREAD, QARGS(QI(user_id), QT(ids)), &v);
	free(ids);
	if (rc != 1)
		return -1;
	*count = v;
	return 0;
}

int
store_notice_get(store_t *st, int64_t id, int (*cb)(const store_notice_t *, void *), void *ctx)
{
	struct notice_cb c = {cb, ctx};
	return db_each(st, &Q_NOTICE_GET, QARGS(QI(id)), notice_row, &c);
}

/* (the bell's version moves by the table written, notice_reads: query.c) */
int
store_notice_mark_read(store_t *st, int64_t user_id, const int64_t *units, size_t n, int64_t id,
                       int64_t now)
{
	if (id)
		return write_rc(
		        db_exec(st, &Q_NOTICE_READ_ONE, QARGS(QI(user_id), QI(id), QI(now)), NULL),
		        &Q_NOTICE_READ_ONE);
	char *ids = ids_json(units, n);
	int rc = db_exec(st, &Q_NOTICE_READ_ALL, QARGS(QI(user_id), QT(ids), QI(now)), NULL);
	free(ids);
	return write_rc(rc, &Q_NOTICE_READ_ALL);
}

/* ---- the outbox ---- */

static q_def_t Q_MAIL_ADD = {
        .what = "ghi thư đi",
        .sql = "INSERT INTO outbox(notice_id,recipient,subject,body_text,body_html,"
               "created_at,next_at) VALUES(nullif(?1,0),?2,?3,?4,?5,?6,?7) RETURNING id"};

int
store_mail_add(store_t *st, const store_mail_t *m, int64_t *id)
{
	int64_t got = 0;
	int rc = db_insert(st, &Q_MAIL_ADD,
	                   QARGS(QI(m->notice_id), QT(m->recipient), QT(m->subject), QT(m->text),
	                         QT(m->html), QI(m->created_at), QI(m->next_at)),
	                   &got);
	if (write_rc(rc, &Q_MAIL_ADD) < 0)
		return -1;
	if (id)
		*id = got;
	return 0;
}

#define MAIL_COLS                                                                                  \
	"SELECT id,coalesce(notice_id,0),recipient,subject,body_text,body_html,status,attempts,"   \
	"created_at,next_at,sent_at,last_error FROM outbox"
static q_def_t Q_MAILS_DUE = {.what = "thư đi",
                              .sql = MAIL_COLS " WHERE status='pending' AND next_at<=?1"
                                               " ORDER BY next_at,id LIMIT ?2"};
static q_def_t Q_MAILS_OF_NOTICE = {.what = "thư đi",
                                    .sql = MAIL_COLS " WHERE notice_id=?1 ORDER BY id"};
static q_def_t Q_MAILS_RECENT = {.what = "thư đi", .sql = MAIL_COLS " ORDER BY id DESC LIMIT ?1"};

struct mail_cb {
	int (*cb)(const store_mail_t *, void *);
	void *ctx;
};

static int
mail_row(const db_row_t *r, void *p)
{
	struct mail_cb *c = p;
	store_mail_t m = {
	        .id = row_i64(r, 0),
	        .notice_id = row_i64(r, 1),
	        .recipient = row_text(r, 2),
	        .subject = row_text(r, 3),
	        .text = row_text(r, 4),
	        .html = row_text(r, 5),
	        .status = row_text(r, 6),
	        .attempts = row_int(r, 7),
	        .created_at = row_i64(r, 8),
	        .next_at = row_i64(r, 9),
	        .sent_at = row_i64(r, 10),
	        .last_error = row_text(r, 11),
	};
	return c->cb(&m, c->ctx);
}

int
store_mails_due(store_t *st, int64_t now, int limit, int (*cb)(const store_mail_t *, void *),
                void *ctx)
{
	struct mail_cb c = {cb, ctx};
	return db_each(st, &Q_MAILS_DUE, QARGS(QI(now), QI(limit)), mail_row, &c);
}

int
store_mails_of_notice(store_t *st, int64_t notice_id, int (*cb)(const store_mail_t *, void *),
                      void *ctx)
{
	struct mail_cb c = {cb, ctx};
	return db_each(st, &Q_MAILS_OF_NOTICE, QARGS(QI(notice_id)), mail_row, &c);
}

int
store_mails_recent(store_t *st, int limit, int (*cb)(const store_mail_t *, void *), void *ctx)
{
	struct mail_cb c = {cb, ctx};
	return db_each(st, &Q_MAILS_RECENT, QARGS(QI(limit)), mail_row, &c);
}

static q_def_t Q_MAIL_NEXT = {
        .what = "thư đi",
        .sql = "SELECT coalesce(min(next_at),0) FROM outbox WHERE status='pending'"};

int
store_mail_next_due(store_t *st, int64_t *at)
{
	int64_t v = 0;
	if (db_i64(st, &Q_MAIL_NEXT, QARGS(), &v) != 1)
		return -1;
	*at = v;
	return 0;
}

static q_def_t Q_MAIL_COUNTS = {
        .what = "thư đi",
        .sql = "SELECT coalesce(sum(CASE WHEN status='pending' THEN 1 ELSE 0 END),0),"
               "coalesce(sum(CASE WHEN status='sent' THEN 1 ELSE 0 END),0),"
               "coalesce(sum(CASE WHEN status='failed' THEN 1 ELSE 0 END),0) FROM outbox"};

static int
counts2_row(const db_row_t *r, void *p)
{
	int64_t *c = p;
	c[0] = row_i64(r, 0);
	c[1] = row_i64(r, 1);
	return 1;
}

static int
counts_row(const db_row_t *r, void *p)
{
	int64_t *c = p;
	c[0] = row_i64(r, 0);
	c[1] = row_i64(r, 1);
	c[2] = row_i64(r, 2);
	return 1;
}

/* Each count reads only its partial index (outbox_due, outbox_failed), never the rows. */
static q_def_t Q_MAIL_BACKLOG = {
        .what = "thư đi",
        .sql = "SELECT (SELECT count(*) FROM outbox WHERE status='pending'),"
               "(SELECT count(*) FROM outbox WHERE status='failed')"};

int
store_mail_backlog(store_t *st, int64_t *pending, int64_t *failed)
{
	int64_t c[3] = {0};
	if (db_each(st, &Q_MAIL_BACKLOG, QARGS(), counts2_row, c) != 1)
		return -1;
	*pending = c[0];
	*failed = c[1];
	return 0;
}

int
store_mail_counts(store_t *st, int64_t *pending, int64_t *sent, int64_t *failed)
{
	int64_t c[3];
	if (db_each(st, &Q_MAIL_COUNTS, QARGS(), counts_row, c) != 1)
		return -1;
	*pending = c[0];
	*sent = c[1];
	*failed = c[2];
	return 0;
}

static q_def_t Q_MAIL_RETRY = {.what = "gửi lại thư",
                               .sql = "UPDATE outbox SET status='pending',next_at=?2 WHERE id=?1"
                                      " AND status='failed'"};

/* 1 when a failed mail was put back in the queue, 0 when none was, -1 error. */
int
store_mail_retry(store_t *st, int64_t id, int64_t now)
{
	int64_t changes = 0;
	int rc = db_exec(st, &Q_MAIL_RETRY, QARGS(QI(id), QI(now)), &changes);
	if (write_rc(rc, &Q_MAIL_RETRY) < 0)
		return -1;
	return changes > 0;
}

static q_def_t Q_MAIL_OK = {.what = "ghi lần gửi thư",
                            .sql = "UPDATE outbox SET status='sent',attempts=attempts+1,"
                                   "sent_at=?2,last_error='' WHERE id=?1 AND status='pending'"};
static q_def_t Q_MAIL_FAIL = {.what = "ghi lần gửi thư",
                              .sql = "UPDATE outbox SET attempts=attempts+1,last_error=?2,"
                                     "next_at=?3,"
                                     "status=CASE WHEN ?4<>0 THEN 'failed' ELSE 'pending' END"
                                     " WHERE id=?1 AND status='pending'"};
static q_def_t Q_DELIVERY_ADD = {.what = "ghi lần gửi thư",
                                 .sql = "INSERT INTO deliveries(mail_id,at,ok,detail)"
                                        " VALUES(?1,?2,?3,?4)"};

int
store_mail_attempt(store_t *st, int64_t id, int64_t at, int ok, const char *detail, int64_t next_at,
                   int give_up)
{
	if (store_tx_begin(st) < 0)
		return -1;
	int rc;
	if (ok)
		rc = db_exec(st, &Q_MAIL_OK, QARGS(QI(id), QI(at)), NULL);
	else
		rc = db_exec(st, &Q_MAIL_FAIL,
		             QARGS(QI(id), QT(detail), QI(next_at), QI(give_up ? 1 : 0)), NULL);
	rc = write_rc(rc, ok ? &Q_MAIL_OK : &Q_MAIL_FAIL);
	if (rc == 0)
		rc = write_rc(db_exec(st, &Q_DELIVERY_ADD,
		                      QARGS(QI(id), QI(at), QI(ok ? 1 : 0), QT(detail)), NULL),
		              &Q_DELIVERY_ADD);
	if (rc < 0) {
		store_tx_rollback(st);
		return -1;
	}
	return store_tx_commit(st);
}

static q_def_t Q_DELIVERIES = {.what = "lần gửi thư",
                               .sql = "SELECT id,mail_id,at,ok,detail FROM deliveries"
                                      " WHERE mail_id=?1 ORDER BY id"};

struct delivery_cb {
	int (*cb)(const store_delivery_t *, void *);
	void *ctx;
};

static int
delivery_row(const db_row_t *r, void *p)
{
	struct delivery_cb *c = p;
	store_delivery_t d = {row_i64(r, 0), row_i64(r, 1), row_i64(r, 2), row_int(r, 3),
	                      row_text(r, 4)};
	return c->cb(&d, c->ctx);
}

int
store_mail_deliveries(store_t *st, int64_t mail_id, int (*cb)(const store_delivery_t *, void *),
                      void *ctx)
{
	struct delivery_cb c = {cb, ctx};
	return db_each(st, &Q_DELIVERIES, QARGS(QI(mail_id)), delivery_row, &c);
}
