/* Budget lines and heads, and the decided awards' money (store.h: "budget", "decided
 * awards"). Backend-neutral: the statements are declared here once and run through the
 * query layer (store_int.h). */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/mem.h"
#include "db/store_int.h"

/* ---- budget ---- */

/* A callback's non-zero stops the rows; the calls here still return 0 then. */
enum { STOPPED = 1 };

/* " WHERE <tbl>.campaign_id IN (?..) AND <path condition>" for ids[0..n) and path: the ids
 * bound from ?1, the path (or its range: paths end in '/', and '0' follows '/') after
 * them. */
static void
budget_where(buf_t *sql, const char *tbl, size_t n, int exact)
{
	buf_printf(sql, " WHERE %s.campaign_id IN (", tbl);
	for (size_t k = 0; k < n; k++)
		buf_printf(sql, "%s?%zu", k ? "," : "", k + 1);
	if (exact)
		buf_printf(sql, ") AND %s.unit_path=?%zu", tbl, n + 1);
	else
		buf_printf(sql, ") AND %s.unit_path>=?%zu AND %s.unit_path<?%zu", tbl, n + 1, tbl,
		           n + 2);
}

/* head, the WHERE of budget_where on table tbl, tail: run with row() per result row. 0
 * (also when row stops), or -1. */
static int
budget_run(store_t *st, const char *head, const char *tbl, const char *tail, const int64_t *ids,
           size_t n, const char *path, int exact, db_row_fn row, void *ctx)
{
	if (n == 0 || n > 500 || path == NULL)
		return -1;
	buf_t sql = BUF_INIT;
	buf_puts(&sql, head);
	budget_where(&sql, tbl, n, exact);
	buf_puts(&sql, tail);
	size_t l = strlen(path);
	char *upper = xmalloc(l + 1);
	memcpy(upper, path, l + 1);
	if (l && upper[l - 1] == '/')
		upper[l - 1] = '0';
	qv_t *v = xmalloc((n + 2) * sizeof *v);
	for (size_t k = 0; k < n; k++)
		v[k] = QI(ids[k]);
	v[n] = QT(path);
	v[n + 1] = QT(upper);
	q_def_t q = {.what = "đọc kinh phí", .sql = buf_cstr(&sql)};
	int rc = db_each_dyn(st, &q, v, exact ? n + 1 : n + 2, row, ctx);
	free(v);
	free(upper);
	buf_free(&sql);
	return rc < 0 ? -1 : 0;
}

struct line_cb {
	int (*cb)(const store_budget_line_t *, void *);
	void *ctx;
};

static int
budget_line_row(const db_row_t *r, void *p)
{
	struct line_cb *c = p;
	store_budget_line_t l = {
	        .campaign_id = row_i64(r, 0),
	        .unit_id = row_i64(r, 1),
	        .source = row_text(r, 2),
	        .purpose = row_text(r, 3),
	        .planned = row_i64(r, 4),
	        .approved = row_i64(r, 5),
	        .spent = row_i64(r, 6),
	};
	return c->cb(&l, c->ctx) ? STOPPED : 0;
}

int
store_budget_lines(store_t *st, const int64_t *ids, size_t n, const char *path, int exact,
                   int (*cb)(const store_budget_line_t *, void *), void *ctx)
{
	struct line_cb c = {cb, ctx};
	return budget_run(st,
	                  "SELECT l.campaign_id,l.unit_id,l.source,l.purpose,l.planned,l.approved,"
	                  "l.spent FROM budget_lines l",
	                  "l", "", ids, n, path, exact, budget_line_row, &c);
}

struct award_cb {
	int (*cb)(const store_budget_award_t *, void *);
	void *ctx;
};

static int
budget_award_row(const db_row_t *r, void *p)
{
	struct award_cb *c = p;
	store_budget_award_t a = {
	        .decision_id = row_i64(r, 0),
	        .unit_id = row_i64(r, 1),
	        .campaign_id = row_i64(r, 2),
	        .document_id = row_i64(r, 3),
	        .fund_source = row_text(r, 4),
	        .issued_on = row_int(r, 5),
	        .doc_number = row_int(r, 6),
	        .doc_year = row_int(r, 7),
	        .subject = row_text(r, 8),
	        .amount = row_i64(r, 9),
	        .awards = row_i64(r, 10),
	};
	return c->cb(&a, c->ctx) ? STOPPED : 0;
}

int
store_budget_awards(store_t *st, const int64_t *ids, size_t n, const char *path, int exact,
                    int (*cb)(const store_budget_award_t *, void *), void *ctx)
{
	struct award_cb c = {cb, ctx};
	return budget_run(st,
	                  "SELECT d.id,d.unit_id,d.campaign_id,d.document_id,d.fund_source,"
	                  "d.issued_on,coalesce(doc.number,0),coalesce(doc.year,0),"
	                  "coalesce(doc.subject,''),coalesce(sum(p.amount),0),count(p.id)"
	                  " FROM award_decisions d"
	                  " JOIN award_proposals p ON p.decision_id=d.id AND p.status='decided'"
	                  " LEFT JOIN documents doc ON doc.id=d.document_id",
	                  "d",
	                  " AND d.status='issued' GROUP BY d.id,doc.id ORDER BY d.unit_path,"
	                  "d.issued_on,d.id",
	                  ids, n, path, exact, budget_award_row, &c);
}

static q_def_t Q_BUDGET_HEAD = {.what = "đọc kinh phí",
                                .sql = "SELECT version,updated_at,coalesce(updated_by,0)"
                                       " FROM budget_heads WHERE campaign_id=?1 AND unit_id=?2"};

static int
budget_head_row(const db_row_t *r, void *p)
{
	int64_t *o = p;
	o[0] = row_i64(r, 0);
	o[1] = row_i64(r, 1);
	o[2] = row_i64(r, 2);
	return 1;
}

int
store_budget_head(store_t *st, int64_t campaign_id, int64_t unit_id, int64_t *version,
                  int64_t *updated_at, int64_t *updated_by)
{
	int64_t o[3] = {0, 0, 0};
	*version = *updated_at = *updated_by = 0;
	if (db_each(st, &Q_BUDGET_HEAD, QARGS(QI(campaign_id), QI(unit_id)), budget_head_row, o) <
	    0)
		return -1;
	*version = o[0];
	*updated_at = o[1];
	*updated_by = o[2];
	return 0;
}

static q_def_t Q_BUDGET_HEAD_NEW = {
        .what = "lưu kinh phí",
        .sql = "INSERT INTO budget_heads(campaign_id,unit_id,unit_path,version,updated_at,"
               "updated_by) VALUES(?1,?2,?3,1,?4,nullif(?5,0)) ON CONFLICT DO NOTHING"};
static q_def_t Q_BUDGET_HEAD_BUMP = {
        .what = "lưu kinh phí",
        .sql = "UPDATE budget_heads SET version=version+1,updated_at=?4,updated_by=nullif(?5,0),"
               "unit_path=?3 WHERE campaign_id=?1 AND unit_id=?2 AND version=?6"};
static q_def_t Q_BUDGET_CHANGES = {.what = "lưu kinh phí",
                                   .sql = "INSERT INTO budget_changes(id,n) VALUES(1,1)"
                                          " ON CONFLICT(id) DO UPDATE SET n=budget_changes.n+1"};
static q_def_t Q_BUDGET_LINES_DEL = {
        .what = "lưu kinh phí",
        .sql = "DELETE FROM budget_lines WHERE campaign_id=?1 AND unit_id=?2"};
static q_def_t Q_BUDGET_LINE_ADD = {
        .what = "lưu kinh phí",
        .sql = "INSERT INTO budget_lines(campaign_id,unit_id,unit_path,source,purpose,planned,"
               "approved,spent) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)"};

/* A write's result as the old calls gave it: a unique constraint is an error like any
 * other, logged. */
static int
write_rc(int rc, const char *what)
{
	if (rc == DB_UNIQUE)
		log_error("Lỗi cơ sở dữ liệu (%s): %s", what, db_errmsg());
	return rc < 0 ? -1 : 0;
}

int
store_budget_save(store_t *st, int64_t campaign_id, int64_t unit_id, const char *unit_path,
                  const store_budget_line_t *lines, size_t n, int64_t expected_version, int64_t now,
                  int64_t by, int64_t *version)
{
	const char *what = "lưu kinh phí";
	if (store_tx_begin(st) < 0)
		return -1;
	int64_t changes = 0;
	int ret;
	if (expected_version == 0)
		ret = db_exec(st, &Q_BUDGET_HEAD_NEW,
		              QARGS(QI(campaign_id), QI(unit_id), QT(unit_path), QI(now), QI(by)),
		              &changes);
	else
		ret = db_exec(st, &Q_BUDGET_HEAD_BUMP,
		              QARGS(QI(campaign_id), QI(unit_id), QT(unit_path), QI(now), QI(by),
		                    QI(expected_version)),
		              &changes);
	ret = write_rc(ret, what);
	if (ret == 0 && changes == 0)
		ret = -2; /* someone saved since the form was read */
	if (ret == 0)
		ret = write_rc(db_exec(st, &Q_BUDGET_CHANGES, QARGS(), NULL), what);
	/* the unit's lines replaced: its path may have moved since they were written */
	if (ret == 0)
		ret = write_rc(
		        db_exec(st, &Q_BUDGET_LINES_DEL, QARGS(QI(campaign_id), QI(unit_id)), NULL),
		        what);
	for (size_t k = 0; ret == 0 && k < n; k++) {
		const store_budget_line_t *l = &lines[k];
		if (l->planned == 0 && l->approved == 0 && l->spent == 0)
			continue;
		ret = write_rc(db_exec(st, &Q_BUDGET_LINE_ADD,
		                       QARGS(QI(campaign_id), QI(unit_id), QT(unit_path),
		                             QT(l->source), QT(l->purpose), QI(l->planned),
		                             QI(l->approved), QI(l->spent)),
		                       NULL),
		               what);
	}
	if (ret == 0) {
		if (store_tx_commit(st) < 0)
			ret = -1;
	} else {
		store_tx_rollback(st);
	}
	if (ret == 0)
		*version = expected_version + 1;
	return ret;
}

/* ---- decided awards (docs/awards.md) ---- */

/* Upper bound of a prefix range: the smallest string above every string starting with
 * prefix (drop trailing 0xFF bytes, increment the last one), NUL-terminated, *n bytes long
 * (free it). With *n 0 there is no bound. (A copy of store_sqlite.c's, the audit log's.) */
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

struct decided_cb {
	int (*cb)(const store_decided_award_t *, void *);
	void *ctx;
};

static int
decided_row(const db_row_t *r, void *p)
{
	struct decided_cb *c = p;
	store_decided_award_t a = {
	        .proposal_id = row_i64(r, 0),
	        .decision_id = row_i64(r, 1),
	        .document_id = row_i64(r, 2),
	        .campaign_id = row_i64(r, 3),
	        .decider_unit_id = row_i64(r, 4),
	        .decider_path = row_text(r, 5),
	        .unit_id = row_i64(r, 6),
	        .category = row_text(r, 7),
	        .name = row_text(r, 8),
	        .form = row_text(r, 9),
	        .amount = row_i64(r, 10),
	        .issued_on = row_int(r, 11),
	        .number = row_int(r, 12),
	};
	return c->cb(&a, c->ctx);
}

int
store_decided_awards(store_t *st, const store_decided_query_t *f,
                     int (*cb)(const store_decided_award_t *, void *), void *ctx)
{
	if (f->ncampaigns == 0)
		return 0;
	qv_t *v = xmalloc((f->ncampaigns + 3) * sizeof *v);
	size_t nv = 0;
	buf_t sql = BUF_INIT;
	buf_puts(&sql, "SELECT p.id, d.id, d.document_id, d.campaign_id, d.unit_id, d.unit_path,"
	               " p.unit_id, p.category, p.name, p.form, p.amount, d.issued_on, doc.number"
	               " FROM award_decisions d"
	               " JOIN award_proposals p ON p.decision_id = d.id AND p.status = 'decided'"
	               " JOIN documents doc ON doc.id = d.document_id"
	               " WHERE d.status = 'issued' AND d.campaign_id IN (");
	for (size_t k = 0; k < f->ncampaigns; k++) {
		v[nv++] = QI(f->campaigns[k]);
		buf_printf(&sql, "%s?%zu", k ? "," : "", nv);
	}
	buf_puts(&sql, ")");
	if (f->decider_id > 0) {
		v[nv++] = QI(f->decider_id);
		buf_printf(&sql, " AND d.unit_id = ?%zu", nv);
	}
	size_t nhi = 0;
	char *hi = f->path ? prefix_upper(f->path, &nhi) : NULL;
	if (f->path) {
		v[nv++] = QT(f->path);
		buf_printf(&sql, " AND d.unit_path >= ?%zu", nv);
		if (nhi > 0) { /* none: every path is below it */
			v[nv++] = QT(hi);
			buf_printf(&sql, " AND d.unit_path < ?%zu", nv);
		}
	}
	buf_puts(&sql, " ORDER BY d.unit_path, d.id, p.ord, p.id");
	q_def_t q = {.what = "đọc khen thưởng đã quyết định", .sql = buf_cstr(&sql)};
	struct decided_cb c = {cb, ctx};
	int rc = db_each_dyn(st, &q, v, nv, decided_row, &c);
	buf_free(&sql);
	free(hi);
	free(v);
	return rc;
}
