/* The reporting loop's reports (store.h): their rows and values, events and frozen
 * figures, reminders, and the review queue (templates and campaigns: store_campaigns.c).
 * Backend-neutral: the statements are declared here once and run through the query layer
 * (store_int.h). */
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/mem.h"
#include "db/store_int.h"

/* A write's result as the old calls gave it: 0 done, -1 error (logged; a UNIQUE refusal,
 * which the layer leaves to the caller, too). */
static int
write_ok(int rc, const q_def_t *q)
{
	if (rc == DB_UNIQUE)
		log_error("Lỗi cơ sở dữ liệu (%s): %s", q->what, db_errmsg());
	return rc < 0 ? -1 : 0;
}

/* ---- reports ---- */

#define REPORT_COLS                                                                                \
	"SELECT id,campaign_id,unit_id,status,version,updated_at,coalesce(updated_by,0),"          \
	"on_behalf,submitted_at,coalesce(submitted_by,0),reviewed_at,coalesce(reviewed_by,0),"     \
	"comment FROM reports"

static q_def_t Q_REPORT_GET = {.what = "đọc báo cáo",
                               .sql = REPORT_COLS " WHERE campaign_id=?1 AND unit_id=?2"};
static q_def_t Q_REPORTS_CAMPAIGN = {.what = "báo cáo của đợt",
                                     .sql = REPORT_COLS " WHERE campaign_id=?1 ORDER BY unit_id"};

struct report_cb {
	int (*cb)(const store_report_t *, void *);
	void *ctx;
	int one;
};

static int
report_row(const db_row_t *r, void *p)
{
	struct report_cb *k = p;
	store_report_t rep = {
	        .id = row_i64(r, 0),
	        .campaign_id = row_i64(r, 1),
	        .unit_id = row_i64(r, 2),
	        .status = row_text(r, 3),
	        .version = row_i64(r, 4),
	        .updated_at = row_i64(r, 5),
	        .updated_by = row_i64(r, 6),
	        .on_behalf = row_int(r, 7),
	        .submitted_at = row_i64(r, 8),
	        .submitted_by = row_i64(r, 9),
	        .reviewed_at = row_i64(r, 10),
	        .reviewed_by = row_i64(r, 11),
	        .comment = row_text(r, 12),
	};
	if (k->one) {
		if (k->cb)
			k->cb(&rep, k->ctx);
		return 1;
	}
	return k->cb(&rep, k->ctx);
}

int
store_report_get(store_t *st, int64_t campaign_id, int64_t unit_id,
                 int (*cb)(const store_report_t *, void *), void *ctx)
{
	struct report_cb k = {cb, ctx, 1};
	return db_each(st, &Q_REPORT_GET, QARGS(QI(campaign_id), QI(unit_id)), report_row, &k);
}

int
store_reports_of_campaign(store_t *st, int64_t campaign_id,
                          int (*cb)(const store_report_t *, void *), void *ctx)
{
	struct report_cb k = {cb, ctx, 0};
	return db_each(st, &Q_REPORTS_CAMPAIGN, QARGS(QI(campaign_id)), report_row, &k);
}

/* ---- report values ---- */

static q_def_t Q_REPORT_VALUES = {.what = "số liệu báo cáo",
                                  .sql = "SELECT item,has_num,num,text,note FROM report_values"
                                         " WHERE report_id=?1 ORDER BY item"};
/* Walks reports_rollup (covering) in unit order, then each report's contiguous
 * range of report_values: no sort, no temporary b-tree, no reports table read.
 * ORDER BY the unit alone: adding v.item would make SQLite sort the whole result
 * (the index is not unique on unit), and callers need only unit order. */
/* numeric values only: their text is always '', and not reading the column spares
 * a quarter of the start-up roll-up's 1.7 million rows' cost at national scale */
static q_def_t Q_VALUES_CAMPAIGN = {.what = "số liệu của đợt",
                                    .sql = "SELECT r.unit_id,r.status,v.item,v.has_num,v.num,'',''"
                                           " FROM reports r JOIN report_values v"
                                           " ON v.report_id=r.id"
                                           " WHERE r.campaign_id=?1 AND v.has_num=1"
                                           " ORDER BY r.unit_id"};
/* the value export: texts too, a report's values together in item order */
static q_def_t Q_VALUES_CAMPAIGN_ALL = {
        .what = "số liệu của đợt",
        .sql = "SELECT r.unit_id,r.status,v.item,v.has_num,v.num,v.text,v.note"
               " FROM reports r JOIN report_values v ON v.report_id=r.id"
               " WHERE r.campaign_id=?1 ORDER BY r.unit_id,v.item"};

/* item, has_num, num, text, note from column first on (every value query's layout). */
static store_value_t
value_at(const db_row_t *r, int first)
{
	return (store_value_t){
	        .item = row_text(r, first),
	        .has_num = row_int(r, first + 1),
	        .num = row_i64(r, first + 2),
	        .text = row_text(r, first + 3),
	        .note = row_text(r, first + 4),
	};
}

struct value_cb {
	int (*cb)(const store_value_t *, void *);
	void *ctx;
};

static int
value_row(const db_row_t *r, void *p)
{
	struct value_cb *k = p;
	store_value_t v = value_at(r, 0);
	return k->cb(&v, k->ctx);
}

int
store_report_values(store_t *st, int64_t report_id, int (*cb)(const store_value_t *, void *),
                    void *ctx)
{
	struct value_cb k = {cb, ctx};
	return db_each(st, &Q_REPORT_VALUES, QARGS(QI(report_id)), value_row, &k);
}

typedef int (*campaign_value_fn)(int64_t unit_id, const char *status, const store_value_t *v,
                                 void *ctx);

struct campaign_value_cb {
	campaign_value_fn cb;
	void *ctx;
};

/* The roll-up's hot path: a row at a time, nothing allocated. */
static int
campaign_value_row(const db_row_t *r, void *p)
{
	struct campaign_value_cb *k = p;
	store_value_t v = value_at(r, 2);
	return k->cb(row_i64(r, 0), row_text(r, 1), &v, k->ctx);
}

int
store_values_of_campaign(store_t *st, int64_t campaign_id, campaign_value_fn cb, void *ctx)
{
	struct campaign_value_cb k = {cb, ctx};
	return db_each(st, &Q_VALUES_CAMPAIGN, QARGS(QI(campaign_id)), campaign_value_row, &k);
}

int
store_all_values_of_campaign(store_t *st, int64_t campaign_id, campaign_value_fn cb, void *ctx)
{
	struct campaign_value_cb k = {cb, ctx};
	return db_each(st, &Q_VALUES_CAMPAIGN_ALL, QARGS(QI(campaign_id)), campaign_value_row, &k);
}

/* ---- writing a report ---- */

static q_def_t Q_REPORT_VERSION = {.what = "phiên bản báo cáo",
                                   .sql = "SELECT id,version FROM reports"
                                          " WHERE campaign_id=?1 AND unit_id=?2"};
/* ?1..?12: campaign, unit, then the fields as REPORT_FIELDS. */
static q_def_t Q_REPORT_INSERT = {
        .what = "ghi báo cáo",
        .sql = "INSERT INTO reports(campaign_id,unit_id,status,version,updated_at,"
               "updated_by,on_behalf,submitted_at,submitted_by,reviewed_at,"
               "reviewed_by,comment) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)"
               " RETURNING id"};
/* ?13 the report's id. */
static q_def_t Q_REPORT_UPDATE = {.what = "ghi báo cáo",
                                  .sql = "UPDATE reports SET status=?3,version=?4,updated_at=?5,"
                                         "updated_by=?6,on_behalf=?7,submitted_at=?8,"
                                         "submitted_by=?9,reviewed_at=?10,"
                                         "reviewed_by=?11,comment=?12"
                                         " WHERE id=?13 AND campaign_id=?1 AND unit_id=?2"};
static q_def_t Q_VALUES_DELETE = {.what = "lưu báo cáo",
                                  .sql = "DELETE FROM report_values WHERE report_id=?1"};
static q_def_t Q_VALUE_INSERT = {.what = "lưu báo cáo",
                                 .sql = "INSERT INTO report_values(report_id,item,has_num,num,"
                                        "text,note) VALUES(?1,?2,?3,?4,?5,?6)"};
static q_def_t Q_VALUE_UPDATE = {.what = "lưu báo cáo",
                                 .sql = "UPDATE report_values SET has_num=?3,num=?4,text=?5,"
                                        "note=?6 WHERE report_id=?1 AND item=?2"};
static q_def_t Q_VALUE_DELETE = {.what = "lưu báo cáo",
                                 .sql = "DELETE FROM report_values WHERE report_id=?1"
                                        " AND item=?2"};
static q_def_t Q_FROZEN_DELETE = {.what = "chốt số liệu báo cáo",
                                  .sql = "DELETE FROM report_frozen WHERE report_id=?1"};
static q_def_t Q_FROZEN_INSERT = {.what = "chốt số liệu báo cáo",
                                  .sql = "INSERT INTO report_frozen(report_id,item,has_num,num,"
                                         "text,frozen_at) VALUES(?1,?2,?3,?4,?5,?6)"};
static q_def_t Q_FROZEN = {.what = "số liệu đã chốt",
                           .sql = "SELECT item,has_num,num,text,'' FROM report_frozen"
                                  " WHERE report_id=?1 ORDER BY item"};

#define REPORT_FIELDS(r, version)                                                                  \
	QI((r)->campaign_id), QI((r)->unit_id), QTN((r)->status), QI(version),                     \
	        QI((r)->updated_at), QID((r)->updated_by), QI((r)->on_behalf != 0),                \
	        QI((r)->submitted_at), QID((r)->submitted_by), QI((r)->reviewed_at),               \
	        QID((r)->reviewed_by), QT((r)->comment)

struct id_version {
	int64_t id, version;
};

static int
id_version_row(const db_row_t *r, void *p)
{
	struct id_version *iv = p;
	iv->id = row_i64(r, 0);
	iv->version = row_i64(r, 1);
	return 1;
}

/* The current (id, version) of the report of unit in campaign (inside the write's
 * transaction): 1 found, 0 not (*version 0, the version of a report that does not exist),
 * -1 error. */
static int
report_version(store_t *st, int64_t campaign_id, int64_t unit_id, int64_t *id, int64_t *version)
{
	struct id_version iv = {0, 0};
	int ret = db_each(st, &Q_REPORT_VERSION, QARGS(QI(campaign_id), QI(unit_id)),
	                  id_version_row, &iv);
	*id = iv.id;
	*version = iv.version;
	return ret < 0 ? -1 : ret;
}

/* Replaces the rows of report_id in a values table (inside a transaction): del deletes
 * them, ins inserts one (?1 report, ?2 item, ?3 has_num, ?4 num, ?5 text, ?6 at when at_col,
 * else ?6 note). 0 or -1 (logged). */
static int
replace_values(store_t *st, const q_def_t *del, const q_def_t *ins, int64_t report_id,
               const store_value_t *vals, size_t n, int at_col, int64_t at)
{
	if (write_ok(db_exec(st, del, QARGS(QI(report_id)), NULL), del) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const store_value_t *v = &vals[i];
		qv_t last = at_col ? QI(at) : QT(v->note);
		if (write_ok(db_exec(st, ins,
		                     QARGS(QI(report_id), QTN(v->item), QI(v->has_num != 0),
		                           QI(v->has_num ? v->num : 0), QT(v->text), last),
		                     NULL),
		             ins) < 0)
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

struct old_values {
	old_value_t *v;
	size_t n, cap;
};

static int
old_value_row(const db_row_t *r, void *p)
{
	struct old_values *o = p;
	if (o->n == o->cap) {
		o->cap = o->cap ? 2 * o->cap : 64;
		o->v = xrealloc(o->v, o->cap * sizeof *o->v);
	}
	store_value_t v = value_at(r, 0);
	o->v[o->n++] =
	        (old_value_t){xstrdup(v.item), xstrdup(v.text), xstrdup(v.note), v.has_num, v.num};
	return 0;
}

/* A report's values become vals[n], writing only what differs: a submission that sends
 * the values just saved writes none of them, a save rewrites the items changed. (Deleting
 * every row and inserting them again cost the writer about half of its time in a burst.)
 * 0 or -1 (logged). */
static int
merge_values(store_t *st, int64_t report_id, const store_value_t *vals, size_t n)
{
	struct old_values o = {NULL, 0, 0};
	old_value_t *ov, *nv = xcalloc(n + 1, sizeof *nv);
	int ret = -1;
	if (db_each(st, &Q_REPORT_VALUES, QARGS(QI(report_id)), old_value_row, &o) < 0)
		goto out;
	ov = o.v;
	/* in strcmp's order whatever the database's collation orders item by (NULL when
	 * there are none, which qsort must not be given) */
	if (o.n > 1)
		qsort(ov, o.n, sizeof *ov, cmp_old_value);
	for (size_t i = 0; i < n; i++)
		nv[i] = (old_value_t){(char *)vals[i].item,
		                      (char *)(vals[i].text ? vals[i].text : ""),
		                      (char *)(vals[i].note ? vals[i].note : ""),
		                      vals[i].has_num != 0, vals[i].has_num ? vals[i].num : 0};
	qsort(nv, n, sizeof *nv, cmp_old_value);
	size_t a = 0, b = 0, no = o.n;
	while (a < no || b < n) {
		int c = a == no ? 1 : b == n ? -1 : strcmp(ov[a].item, nv[b].item);
		if (c == 0 && ov[a].has_num == nv[b].has_num && ov[a].num == nv[b].num &&
		    strcmp(ov[a].text, nv[b].text) == 0 && strcmp(ov[a].note, nv[b].note) == 0) {
			a++, b++;
			continue;
		}
		int rc;
		const q_def_t *q;
		if (c < 0) { /* no longer there */
			q = &Q_VALUE_DELETE;
			rc = db_exec(st, q, QARGS(QI(report_id), QT(ov[a].item)), NULL);
			a++;
		} else {
			q = c == 0 ? &Q_VALUE_UPDATE : &Q_VALUE_INSERT;
			rc = db_exec(st, q,
			             QARGS(QI(report_id), QT(nv[b].item), QI(nv[b].has_num),
			                   QI(nv[b].num), QT(nv[b].text), QT(nv[b].note)),
			             NULL);
			a += c == 0;
			b++;
		}
		if (write_ok(rc, q) < 0)
			goto out;
	}
	ret = 0;
out:
	for (size_t i = 0; i < o.n; i++) {
		free(o.v[i].item);
		free(o.v[i].text);
		free(o.v[i].note);
	}
	free(o.v);
	free(nv);
	return ret;
}

/* store_report_save (with_values set) and store_report_set_status: the version check,
 * the row and (for save) its values in one transaction (a savepoint inside a caller's). */
static int
report_write(store_t *st, const store_report_t *r, int with_values, const store_value_t *vals,
             size_t n, int64_t expected_version, int64_t *id, int64_t *version)
{
	const char *what = with_values ? "lưu báo cáo" : "đổi trạng thái báo cáo";
	if (store_tx_begin(st) < 0)
		return -1;
	int ret = -1;
	int64_t rid, cur;
	int found = report_version(st, r->campaign_id, r->unit_id, &rid, &cur);
	if (found < 0)
		goto fail;
	if (cur != expected_version) {
		ret = -2;
		goto fail;
	}
	if (!found && !with_values) {
		log_error("Lỗi cơ sở dữ liệu (%s): không có báo cáo của đơn vị %lld trong đợt %lld",
		          what, (long long)r->unit_id, (long long)r->campaign_id);
		goto fail;
	}
	if (found) {
		if (write_ok(db_exec(st, &Q_REPORT_UPDATE,
		                     QARGS(REPORT_FIELDS(r, cur + 1), QI(rid)), NULL),
		             &Q_REPORT_UPDATE) < 0)
			goto fail;
	} else if (write_ok(db_insert(st, &Q_REPORT_INSERT, QARGS(REPORT_FIELDS(r, cur + 1)), &rid),
	                    &Q_REPORT_INSERT) < 0) {
		goto fail;
	}
	if (with_values &&
	    (found ? merge_values(st, rid, vals, n)
	           : replace_values(st, &Q_VALUES_DELETE, &Q_VALUE_INSERT, rid, vals, n, 0, 0)) < 0)
		goto fail;
	if (store_tx_commit(st) < 0) /* rolled back already */
		return -1;
	if (id)
		*id = rid;
	if (version)
		*version = cur + 1;
	return 0;
fail:
	store_tx_rollback(st);
	return ret;
}

int
store_report_save(store_t *st, const store_report_t *r, const store_value_t *vals, size_t n,
                  int64_t expected_version, int64_t *id, int64_t *version)
{
	return report_write(st, r, 1, vals, n, expected_version, id, version);
}

/* Finds the report by (campaign, unit) like save; r->id is not consulted. */
int
store_report_set_status(store_t *st, const store_report_t *r, int64_t expected_version,
                        int64_t *version)
{
	return report_write(st, r, 0, NULL, 0, expected_version, NULL, version);
}

int
store_report_freeze(store_t *st, int64_t report_id, const store_value_t *vals, size_t n, int64_t at)
{
	if (store_tx_begin(st) < 0)
		return -1;
	if (replace_values(st, &Q_FROZEN_DELETE, &Q_FROZEN_INSERT, report_id, vals, n, 1, at) < 0) {
		store_tx_rollback(st);
		return -1;
	}
	return store_tx_commit(st) < 0 ? -1 : 0;
}

int
store_report_frozen(store_t *st, int64_t report_id, int (*cb)(const store_value_t *, void *),
                    void *ctx)
{
	struct value_cb k = {cb, ctx};
	return db_each(st, &Q_FROZEN, QARGS(QI(report_id)), value_row, &k);
}

/* ---- report events ---- */

static q_def_t Q_EVENT_ADD = {.what = "ghi diễn biến báo cáo",
                              .sql = "INSERT INTO report_events(report_id,at,user_id,action,"
                                     "comment) VALUES(?1,?2,?3,?4,?5)"};
/* id order is the order they happened in (appended as they happen). */
static q_def_t Q_EVENTS = {.what = "diễn biến báo cáo",
                           .sql = "SELECT id,report_id,at,coalesce(user_id,0),action,comment"
                                  " FROM report_events WHERE report_id=?1 ORDER BY id"};

int
store_report_event_add(store_t *st, const store_report_event_t *e)
{
	return write_ok(db_exec(st, &Q_EVENT_ADD,
	                        QARGS(QI(e->report_id), QI(e->at), QID(e->user_id), QTN(e->action),
	                              QT(e->comment)),
	                        NULL),
	                &Q_EVENT_ADD);
}

struct event_cb {
	int (*cb)(const store_report_event_t *, void *);
	void *ctx;
};

static int
event_row(const db_row_t *r, void *p)
{
	struct event_cb *k = p;
	store_report_event_t e = {
	        .id = row_i64(r, 0),
	        .report_id = row_i64(r, 1),
	        .at = row_i64(r, 2),
	        .user_id = row_i64(r, 3),
	        .action = row_text(r, 4),
	        .comment = row_text(r, 5),
	};
	return k->cb(&e, k->ctx);
}

int
store_report_events(store_t *st, int64_t report_id, int (*cb)(const store_report_event_t *, void *),
                    void *ctx)
{
	struct event_cb k = {cb, ctx};
	return db_each(st, &Q_EVENTS, QARGS(QI(report_id)), event_row, &k);
}

/* ---- reminders ---- */

/* A once-only reminder ("auto", "escalate") already there: no row comes back. */
static q_def_t Q_REMINDER_ADD = {.what = "ghi nhắc nhở",
                                 .sql = "INSERT INTO reminders(campaign_id,unit_id,at,\"by\","
                                        "note,kind,rule,notice_id,channels)"
                                        " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)"
                                        " ON CONFLICT DO NOTHING RETURNING id"};
static q_def_t Q_REMINDERS = {
        .what = "nhắc nhở",
        .sql = "SELECT r.id,r.campaign_id,r.unit_id,r.at,coalesce(r.\"by\",0),r.note,"
               "r.kind,r.rule,coalesce(r.notice_id,0),r.channels,"
               "(SELECT count(*) FROM outbox o WHERE o.notice_id=r.notice_id"
               " AND o.status='pending'),"
               "(SELECT count(*) FROM outbox o WHERE o.notice_id=r.notice_id"
               " AND o.status='sent'),"
               "(SELECT count(*) FROM outbox o WHERE o.notice_id=r.notice_id"
               " AND o.status='failed')"
               " FROM reminders r WHERE r.campaign_id=?1 ORDER BY r.at DESC,r.id DESC"};

struct new_id {
	int64_t id;
	int got;
};

static int
new_id_row(const db_row_t *r, void *p)
{
	struct new_id *k = p;
	k->id = row_i64(r, 0);
	k->got = 1;
	return 0;
}

int
store_reminder_add(store_t *st, const store_reminder_t *r, int64_t *id)
{
	struct new_id k = {0, 0};
	int rc = db_write_each(st, &Q_REMINDER_ADD,
	                       QARGS(QI(r->campaign_id), QI(r->unit_id), QI(r->at), QID(r->by),
	                             QT(r->note), QT(r->kind ? r->kind : "manual"), QT(r->rule),
	                             QID(r->notice_id), QT(r->channels ? r->channels : "app")),
	                       new_id_row, &k);
	if (write_ok(rc, &Q_REMINDER_ADD) < 0)
		return -1;
	if (!k.got)
		return 1;
	if (id)
		*id = k.id;
	return 0;
}

struct reminder_cb {
	int (*cb)(const store_reminder_t *, void *);
	void *ctx;
};

static int
reminder_row(const db_row_t *r, void *p)
{
	struct reminder_cb *k = p;
	store_reminder_t m = {
	        .id = row_i64(r, 0),
	        .campaign_id = row_i64(r, 1),
	        .unit_id = row_i64(r, 2),
	        .at = row_i64(r, 3),
	        .by = row_i64(r, 4),
	        .note = row_text(r, 5),
	        .kind = row_text(r, 6),
	        .rule = row_text(r, 7),
	        .notice_id = row_i64(r, 8),
	        .channels = row_text(r, 9),
	        .mail_pending = row_int(r, 10),
	        .mail_sent = row_int(r, 11),
	        .mail_failed = row_int(r, 12),
	};
	return k->cb(&m, k->ctx);
}

int
store_reminders_of_campaign(store_t *st, int64_t campaign_id,
                            int (*cb)(const store_reminder_t *, void *), void *ctx)
{
	struct reminder_cb k = {cb, ctx};
	return db_each(st, &Q_REMINDERS, QARGS(QI(campaign_id)), reminder_row, &k);
}

/* ---- the review queue ---- */

/* from the covering index reports_rollup alone */
static q_def_t Q_REPORTS_WAITING = {.what = "báo cáo chờ duyệt",
                                    .sql = "SELECT campaign_id,unit_id FROM reports"
                                           " WHERE status='submitted' AND campaign_id IN"
                                           " (SELECT id FROM campaigns WHERE status='open')"};

struct waiting_cb {
	int (*cb)(int64_t campaign_id, int64_t unit_id, void *ctx);
	void *ctx;
};

static int
waiting_row(const db_row_t *r, void *p)
{
	struct waiting_cb *k = p;
	return k->cb(row_i64(r, 0), row_i64(r, 1), k->ctx);
}

int
store_reports_waiting(store_t *st, int (*cb)(int64_t campaign_id, int64_t unit_id, void *ctx),
                      void *ctx)
{
	struct waiting_cb k = {cb, ctx};
	return db_each(st, &Q_REPORTS_WAITING, QARGS(), waiting_row, &k);
}
