/* Commendation: proposals, their files and history, decisions (store.h: "commendation"),
 * and what printing awards reads (store.h: "printing awards"). Backend-neutral: the
 * statements are declared here once and run through the query layer (store_int.h). */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/mem.h"
#include "db/store_int.h"

/* ---- commendation ---- */

/* A callback's non-zero stops the rows; these reads still return 0 then. */
enum { STOPPED = 1 };

/* A read's or a write's result as the old calls gave it: 0 or -1, a unique constraint an
 * error like any other, logged. */
static int
result(int rc, const char *what)
{
	if (rc == DB_UNIQUE)
		log_error("Lỗi cơ sở dữ liệu (%s): %s", what, db_errmsg());
	return rc < 0 ? -1 : 0;
}

#define AW_COLS                                                                                    \
	"SELECT p.id,p.campaign_id,p.unit_id,p.unit_path,p.at_unit_id,p.at_path,p.status,"         \
	"p.category,p.name,p.place,p.achievements,p.form,p.amount,p.proposed_form,"                \
	"p.proposed_amount,coalesce(p.decision_id,0),p.ord,p.version,p.created_at,"                \
	"coalesce(p.created_by,0),p.updated_at,coalesce(p.updated_by,0),"                          \
	"coalesce(d.document_id,0),coalesce(d.unit_id,0),coalesce(d.status,''),"                   \
	"coalesce(d.issued_on,0),coalesce(doc.number,0),coalesce(doc.doc_date,0),"                 \
	"coalesce(d.fund_source,'') FROM award_proposals p"                                        \
	" LEFT JOIN award_decisions d ON d.id=p.decision_id"                                       \
	" LEFT JOIN documents doc ON doc.id=d.document_id"

/* A read's callback (one of the kinds of row) and its context, and the rows seen. */
typedef struct aw_rows {
	union {
		int (*award)(const store_award_t *, void *);
		int (*file)(const store_award_file_t *, const void *, size_t, void *);
		int (*event)(const store_award_event_t *, void *);
		int (*decision)(const store_award_decision_t *, void *);
	} cb;
	void *ctx;
	int n;
} aw_rows_t;

static int
aw_row(const db_row_t *q, void *p)
{
	aw_rows_t *r = p;
	store_award_t a = {
	        .id = row_i64(q, 0),
	        .campaign_id = row_i64(q, 1),
	        .unit_id = row_i64(q, 2),
	        .unit_path = row_text(q, 3),
	        .at_unit_id = row_i64(q, 4),
	        .at_path = row_text(q, 5),
	        .status = row_text(q, 6),
	        .category = row_text(q, 7),
	        .name = row_text(q, 8),
	        .place = row_text(q, 9),
	        .achievements = row_text(q, 10),
	        .form = row_text(q, 11),
	        .amount = row_i64(q, 12),
	        .proposed_form = row_text(q, 13),
	        .proposed_amount = row_i64(q, 14),
	        .decision_id = row_i64(q, 15),
	        .ord = row_int(q, 16),
	        .version = row_i64(q, 17),
	        .created_at = row_i64(q, 18),
	        .created_by = row_i64(q, 19),
	        .updated_at = row_i64(q, 20),
	        .updated_by = row_i64(q, 21),
	        .document_id = row_i64(q, 22),
	        .decider_unit_id = row_i64(q, 23),
	        .decision_status = row_text(q, 24),
	        .issued_on = row_int(q, 25),
	        .doc_number = row_int(q, 26),
	        .doc_date = row_int(q, 27),
	        .fund_source = row_text(q, 28),
	};
	r->n++;
	return r->cb.award && r->cb.award(&a, r->ctx) ? STOPPED : 0;
}

static q_def_t Q_AWARD_ADD = {
        .what = "lưu đề nghị khen thưởng",
        .sql = "INSERT INTO award_proposals(campaign_id,unit_id,unit_path,at_unit_id,at_path,"
               "status,category,name,place,achievements,form,amount,proposed_form,"
               "proposed_amount,decision_id,ord,version,created_at,created_by,updated_at,"
               "updated_by) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,nullif(?15,0),"
               "?16,1,?17,nullif(?18,0),?19,nullif(?20,0)) RETURNING id"};
static q_def_t Q_AWARD_SET = {
        .what = "lưu đề nghị khen thưởng",
        .sql = "UPDATE award_proposals SET campaign_id=?2,unit_id=?3,unit_path=?4,at_unit_id=?5,"
               "at_path=?6,status=?7,category=?8,name=?9,place=?10,achievements=?11,form=?12,"
               "amount=?13,proposed_form=?14,proposed_amount=?15,decision_id=nullif(?16,0),"
               "ord=?17,version=version+1,updated_at=?18,updated_by=nullif(?19,0)"
               " WHERE id=?1 AND version=?20"};

int
store_award_save(store_t *st, const store_award_t *p, int64_t expected_version, int64_t *id,
                 int64_t *version)
{
	int64_t changes = 0, last = 0;
	int rc;
	if (p->id)
		rc = db_exec(st, &Q_AWARD_SET,
		             QARGS(QI(p->id), QI(p->campaign_id), QI(p->unit_id), QT(p->unit_path),
		                   QI(p->at_unit_id), QT(p->at_path), QT(p->status),
		                   QT(p->category), QT(p->name), QT(p->place), QT(p->achievements),
		                   QT(p->form), QI(p->amount), QT(p->proposed_form),
		                   QI(p->proposed_amount), QI(p->decision_id), QI(p->ord),
		                   QI(p->updated_at), QI(p->updated_by), QI(expected_version)),
		             &changes);
	else
		rc = db_insert(st, &Q_AWARD_ADD,
		               QARGS(QI(p->campaign_id), QI(p->unit_id), QT(p->unit_path),
		                     QI(p->at_unit_id), QT(p->at_path), QT(p->status),
		                     QT(p->category), QT(p->name), QT(p->place),
		                     QT(p->achievements), QT(p->form), QI(p->amount),
		                     QT(p->proposed_form), QI(p->proposed_amount),
		                     QI(p->decision_id), QI(p->ord), QI(p->created_at),
		                     QI(p->created_by), QI(p->updated_at), QI(p->updated_by)),
		               &last);
	if (result(rc, Q_AWARD_ADD.what) < 0)
		return -1;
	if (p->id && changes == 0)
		return -2;
	if (id)
		*id = p->id ? p->id : last;
	if (version)
		*version = p->id ? expected_version + 1 : 1;
	return 0;
}

static q_def_t Q_AWARD_GET = {.what = "đọc đề nghị khen thưởng", .sql = AW_COLS " WHERE p.id=?1"};

int
store_award_get(store_t *st, int64_t id, int (*cb)(const store_award_t *, void *), void *ctx)
{
	aw_rows_t r = {.cb.award = cb, .ctx = ctx};
	if (db_each(st, &Q_AWARD_GET, QARGS(QI(id)), aw_row, &r) < 0)
		return -1;
	return r.n > 0;
}

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

int
store_awards_find(store_t *st, const store_award_query_t *f,
                  int (*cb)(const store_award_t *, void *), void *ctx)
{
	/* only the filters that are set, so the indexes serve them (an "?1=0 OR" would not);
	 * the subtree as a range on award_proposals_path, not LIKE: codes hold '_' and '.' */
	const char *path = f->path ? f->path : "";
	size_t nhi = 0;
	char *hi = *path ? prefix_upper(path, &nhi) : NULL;
	qv_t v[8];
	size_t nv = 0;
	buf_t sql = BUF_INIT;
	buf_puts(&sql, AW_COLS " WHERE 1=1");
	if (f->unit_id) {
		v[nv++] = QI(f->unit_id);
		buf_printf(&sql, " AND p.unit_id=?%zu", nv);
	}
	if (*path) {
		v[nv++] = QT(path);
		buf_printf(&sql, f->exact ? " AND p.unit_path=?%zu" : " AND p.unit_path>=?%zu", nv);
		if (!f->exact && nhi) {
			v[nv++] = QT(hi);
			buf_printf(&sql, " AND p.unit_path<?%zu", nv);
		}
	}
	if (f->at_unit_id) {
		v[nv++] = QI(f->at_unit_id);
		buf_printf(&sql, " AND p.at_unit_id=?%zu", nv);
	}
	if (f->status && *f->status) {
		v[nv++] = QT(f->status);
		buf_printf(&sql, " AND p.status=?%zu", nv);
	}
	if (f->decision_id) {
		v[nv++] = QI(f->decision_id);
		buf_printf(&sql, " AND p.decision_id=?%zu", nv);
	}
	if (f->campaign_id) { /* an issued award counts in its decision's campaign */
		v[nv++] = QI(f->campaign_id);
		buf_printf(&sql,
		           f->issued_only ? " AND d.campaign_id=?%zu"
		                          : " AND coalesce(d.campaign_id,p.campaign_id)=?%zu",
		           nv);
	}
	if (f->issued_only)
		buf_puts(&sql, " AND d.status='issued'");
	buf_puts(&sql, f->decision_id || f->issued_only ? " ORDER BY p.decision_id, p.ord, p.id"
	                                                : " ORDER BY p.id DESC");
	if (f->limit >= 0) { /* below 0: no limit (SQLite's LIMIT -1; PostgreSQL has none) */
		v[nv++] = QI(f->limit ? f->limit : 1000);
		buf_printf(&sql, " LIMIT ?%zu", nv);
	}
	aw_rows_t r = {.cb.award = cb, .ctx = ctx};
	q_def_t q = {.what = "đọc đề nghị khen thưởng", .sql = buf_cstr(&sql)};
	int rc = db_each_dyn(st, &q, v, nv, aw_row, &r);
	buf_free(&sql);
	free(hi);
	return rc < 0 ? -1 : 0;
}

static q_def_t Q_FILE_ADD = {
        .what = "lưu tệp minh chứng",
        .sql = "INSERT INTO award_files(proposal_id,name,mime,size,bytes,created_at,created_by)"
               " VALUES(?1,?2,?3,?4,?5,?6,nullif(?7,0)) RETURNING id"};

int
store_award_file_add(store_t *st, const store_award_file_t *f, const void *bytes, int64_t *id)
{
	int64_t last = 0;
	int rc = db_insert(st, &Q_FILE_ADD,
	                   QARGS(QI(f->proposal_id), QT(f->name), QT(f->mime), QI(f->size),
	                         QB(bytes, (size_t)f->size), QI(f->created_at), QI(f->created_by)),
	                   &last);
	if (result(rc, Q_FILE_ADD.what) < 0)
		return -1;
	if (id)
		*id = last;
	return 0;
}

static int
aw_file_row(const db_row_t *q, void *p)
{
	aw_rows_t *r = p;
	store_award_file_t f = {
	        .id = row_i64(q, 0),
	        .proposal_id = row_i64(q, 1),
	        .name = row_text(q, 2),
	        .mime = row_text(q, 3),
	        .size = row_i64(q, 4),
	        .created_at = row_i64(q, 5),
	        .created_by = row_i64(q, 6),
	};
	size_t n = 0;
	const void *b = row_blob(q, 7, &n);
	return r->cb.file(&f, b, b ? n : 0, r->ctx) ? STOPPED : 0;
}

static q_def_t Q_FILES = {.what = "đọc tệp minh chứng",
                          .sql = "SELECT id,proposal_id,name,mime,size,created_at,"
                                 "coalesce(created_by,0),NULL FROM award_files WHERE "
                                 "proposal_id=?1 AND (?2=0 OR id=?2) ORDER BY id"};
static q_def_t Q_FILES_BYTES = {.what = "đọc tệp minh chứng",
                                .sql = "SELECT id,proposal_id,name,mime,size,created_at,"
                                       "coalesce(created_by,0),bytes FROM award_files WHERE "
                                       "proposal_id=?1 AND (?2=0 OR id=?2) ORDER BY id"};

int
store_award_files(store_t *st, int64_t proposal_id, int64_t file_id, int with_bytes,
                  int (*cb)(const store_award_file_t *, const void *, size_t, void *), void *ctx)
{
	aw_rows_t r = {.cb.file = cb, .ctx = ctx};
	int rc = db_each(st, with_bytes ? &Q_FILES_BYTES : &Q_FILES,
	                 QARGS(QI(proposal_id), QI(file_id)), aw_file_row, &r);
	return rc < 0 ? -1 : 0;
}

static q_def_t Q_EVENT_ADD = {.what = "ghi lịch sử đề nghị",
                              .sql = "INSERT INTO award_events(proposal_id,at,user_id,unit_id,"
                                     "action,comment,detail) VALUES(?1,?2,nullif(?3,0),?4,?5,?6,"
                                     "?7)"};

int
store_award_event_add(store_t *st, const store_award_event_t *e)
{
	return result(db_exec(st, &Q_EVENT_ADD,
	                      QARGS(QI(e->proposal_id), QI(e->at), QI(e->user_id), QI(e->unit_id),
	                            QT(e->action), QT(e->comment), QT(e->detail)),
	                      NULL),
	              Q_EVENT_ADD.what);
}

static int
aw_event_row(const db_row_t *q, void *p)
{
	aw_rows_t *r = p;
	store_award_event_t e = {
	        .id = row_i64(q, 0),
	        .proposal_id = row_i64(q, 1),
	        .at = row_i64(q, 2),
	        .user_id = row_i64(q, 3),
	        .unit_id = row_i64(q, 4),
	        .action = row_text(q, 5),
	        .comment = row_text(q, 6),
	        .detail = row_text(q, 7),
	        .user_name = row_text(q, 8),
	};
	return r->cb.event(&e, r->ctx) ? STOPPED : 0;
}

static q_def_t Q_EVENTS = {.what = "đọc lịch sử đề nghị",
                           .sql = "SELECT e.id,e.proposal_id,e.at,coalesce(e.user_id,0),e.unit_id,"
                                  "e.action,e.comment,e.detail,"
                                  "coalesce(nullif(u.full_name,''),u.username,'')"
                                  " FROM award_events e LEFT JOIN users u ON u.id=e.user_id"
                                  " WHERE e.proposal_id=?1 ORDER BY e.id"};

int
store_award_events(store_t *st, int64_t proposal_id, int (*cb)(const store_award_event_t *, void *),
                   void *ctx)
{
	aw_rows_t r = {.cb.event = cb, .ctx = ctx};
	return db_each(st, &Q_EVENTS, QARGS(QI(proposal_id)), aw_event_row, &r) < 0 ? -1 : 0;
}

static q_def_t Q_DECISION_ADD = {
        .what = "lưu quyết định khen thưởng",
        .sql = "INSERT INTO award_decisions(unit_id,unit_path,campaign_id,document_id,"
               "fund_source,status,issued_on,is_public,created_at,created_by)"
               " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,nullif(?10,0)) RETURNING id"};

int
store_award_decision_add(store_t *st, const store_award_decision_t *d, int64_t *id)
{
	int64_t last = 0;
	int rc = db_insert(st, &Q_DECISION_ADD,
	                   QARGS(QI(d->unit_id), QT(d->unit_path), QI(d->campaign_id),
	                         QI(d->document_id), QT(d->fund_source), QT(d->status),
	                         QI(d->issued_on), QI(d->is_public), QI(d->created_at),
	                         QI(d->created_by)),
	                   &last);
	if (result(rc, Q_DECISION_ADD.what) < 0)
		return -1;
	if (id)
		*id = last;
	return 0;
}

static int
aw_dec_row(const db_row_t *q, void *p)
{
	aw_rows_t *r = p;
	store_award_decision_t d = {
	        .id = row_i64(q, 0),
	        .unit_id = row_i64(q, 1),
	        .unit_path = row_text(q, 2),
	        .campaign_id = row_i64(q, 3),
	        .document_id = row_i64(q, 4),
	        .fund_source = row_text(q, 5),
	        .status = row_text(q, 6),
	        .issued_on = row_int(q, 7),
	        .is_public = row_int(q, 8),
	        .created_at = row_i64(q, 9),
	        .created_by = row_i64(q, 10),
	        .doc_number = row_int(q, 11),
	        .doc_date = row_int(q, 12),
	        .doc_subject = row_text(q, 13),
	        .count = row_i64(q, 14),
	        .total = row_i64(q, 15),
	};
	return r->cb.decision(&d, r->ctx) ? STOPPED : 0;
}

static q_def_t Q_DECISIONS = {
        .what = "đọc quyết định khen thưởng",
        .sql = "SELECT d.id,d.unit_id,d.unit_path,d.campaign_id,d.document_id,"
               "d.fund_source,d.status,d.issued_on,d.is_public,d.created_at,"
               "coalesce(d.created_by,0),coalesce(doc.number,0),coalesce(doc.doc_date,0),"
               "coalesce(doc.subject,''),"
               "(SELECT count(*) FROM award_proposals p WHERE p.decision_id=d.id),"
               "(SELECT coalesce(sum(amount),0) FROM award_proposals p"
               " WHERE p.decision_id=d.id)"
               " FROM award_decisions d LEFT JOIN documents doc ON doc.id=d.document_id"
               " WHERE (?1=0 OR d.unit_id=?1) AND (?2=0 OR d.document_id=?2)"
               " ORDER BY d.id DESC LIMIT 500"};

int
store_award_decisions(store_t *st, int64_t unit_id, int64_t document_id,
                      int (*cb)(const store_award_decision_t *, void *), void *ctx)
{
	aw_rows_t r = {.cb.decision = cb, .ctx = ctx};
	return db_each(st, &Q_DECISIONS, QARGS(QI(unit_id), QI(document_id)), aw_dec_row, &r) < 0
	               ? -1
	               : 0;
}

static q_def_t Q_ISSUE_DRAFT = {.what = "ban hành quyết định khen thưởng",
                                .sql = "SELECT id,campaign_id,unit_id FROM award_decisions"
                                       " WHERE document_id=?1 AND status='draft'"};
static q_def_t Q_ISSUE_EVENTS = {
        .what = "ban hành quyết định khen thưởng",
        .sql = "INSERT INTO award_events(proposal_id,at,user_id,unit_id,action,comment,detail)"
               " SELECT id,?2,nullif(?3,0),?4,'decide','','' FROM award_proposals"
               " WHERE decision_id=?1 AND status='in_decision'"};
static q_def_t Q_ISSUE_DECIDE = {
        .what = "ban hành quyết định khen thưởng",
        .sql = "UPDATE award_proposals SET status='decided',version=version+1,updated_at=?2,"
               "updated_by=nullif(?3,0) WHERE decision_id=?1 AND status='in_decision'"};
static q_def_t Q_ISSUE_DECISION = {
        .what = "ban hành quyết định khen thưởng",
        .sql = "UPDATE award_decisions SET status='issued',issued_on=?2 WHERE id=?1"};

static int
aw_take_id(const db_row_t *q, void *p)
{
	int64_t *v = p;
	v[0] = row_i64(q, 0);
	v[1] = row_i64(q, 1);
	v[2] = row_i64(q, 2);
	return 1;
}

int
store_award_decision_issue(store_t *st, int64_t document_id, int32_t issued_on, int64_t at,
                           int64_t by, int64_t *campaign_id)
{
	const char *what = Q_ISSUE_DRAFT.what;
	if (store_tx_begin(st) < 0)
		return -1;
	int64_t d[3] = {0, 0, 0}; /* id, campaign, decider */
	int rc = db_each(st, &Q_ISSUE_DRAFT, QARGS(QI(document_id)), aw_take_id, d) < 0 ? -1 : 0;
	if (rc == 0 && d[0]) {
		/* history first: it names the proposals still in_decision */
		rc = result(db_exec(st, &Q_ISSUE_EVENTS, QARGS(QI(d[0]), QI(at), QI(by), QI(d[2])),
		                    NULL),
		            what);
		if (rc == 0)
			rc = result(
			        db_exec(st, &Q_ISSUE_DECIDE, QARGS(QI(d[0]), QI(at), QI(by)), NULL),
			        what);
		if (rc == 0)
			rc = result(db_exec(st, &Q_ISSUE_DECISION, QARGS(QI(d[0]), QI(issued_on)),
			                    NULL),
			            what);
	}
	if (rc == 0) {
		if (store_tx_commit(st) < 0)
			rc = -1;
	} else {
		store_tx_rollback(st);
	}
	if (rc < 0)
		return -1;
	if (campaign_id)
		*campaign_id = d[1];
	return d[0] != 0;
}

/* ---- printing awards (docs/awards.md) ---- */

/* These reads hand each row to the caller's callback; its non-zero stops and is
 * returned. 0 when done, -1 error. */

struct item_cb {
	int (*cb)(const store_award_item_t *, void *);
	void *ctx;
};

static int
award_item_row(const db_row_t *q, void *p)
{
	struct item_cb *c = p;
	store_award_item_t it = {
	        .id = row_i64(q, 0),
	        .decision_id = row_i64(q, 1),
	        .unit_id = row_i64(q, 2),
	        .unit_name = row_text(q, 3),
	        .status = row_text(q, 4),
	        .category = row_text(q, 5),
	        .name = row_text(q, 6),
	        .place = row_text(q, 7),
	        .achievements = row_text(q, 8),
	        .form = row_text(q, 9),
	        .amount = row_i64(q, 10),
	        .ord = row_int(q, 11),
	};
	return c->cb(&it, c->ctx);
}

static q_def_t Q_AWARD_LIST = {
        .what = "danh sách khen thưởng",
        .sql = "SELECT p.id,p.decision_id,p.unit_id,coalesce(u.name,''),p.status,"
               "p.category,p.name,p.place,p.achievements,p.form,p.amount,p.ord"
               " FROM award_decisions d JOIN award_proposals p ON p.decision_id=d.id"
               " LEFT JOIN units u ON u.id=p.unit_id WHERE d.document_id=?1"
               " ORDER BY p.ord,p.id"};

int
store_award_list(store_t *st, int64_t document_id, int (*cb)(const store_award_item_t *, void *),
                 void *ctx)
{
	struct item_cb c = {cb, ctx};
	return db_each(st, &Q_AWARD_LIST, QARGS(QI(document_id)), award_item_row, &c);
}

struct public_cb {
	int (*cb)(const store_award_public_t *, void *);
	void *ctx;
};

static int
award_public_row(const db_row_t *q, void *p)
{
	struct public_cb *c = p;
	store_award_public_t w = {
	        .id = row_i64(q, 0),
	        .unit_id = row_i64(q, 1),
	        .unit_name = row_text(q, 2),
	        .category = row_text(q, 3),
	        .name = row_text(q, 4),
	        .form = row_text(q, 5),
	        .decision_id = row_i64(q, 6),
	        .decider_id = row_i64(q, 7),
	        .document_id = row_i64(q, 8),
	        .issued_on = (int32_t)row_i64(q, 9),
	        .doc_public = row_int(q, 10),
	        .doc_number = row_int(q, 11),
	        .doc_json = row_text(q, 12),
	        .doc_date = (int32_t)row_i64(q, 13),
	};
	return c->cb(&w, c->ctx);
}

/* The candidates through the unit-id indexes (migration 19): the awards of the unit's
 * newest ?2 public decisions (each has one at least) and those its people received; the
 * newest ?2 of them chosen on the keys alone, then their rows read. */
static q_def_t Q_AWARDS_PUBLIC = {
        .what = "khen thưởng công khai",
        .sql = "SELECT p.id,p.unit_id,coalesce(u.name,''),p.category,p.name,p.form,d.id,"
               "d.unit_id,d.document_id,d.issued_on,doc.is_public,doc.number,doc.json,"
               "doc.doc_date FROM (SELECT p.id AS pid,d.id AS did,d.issued_on AS io,"
               "p.ord AS o FROM award_proposals p"
               " JOIN award_decisions d ON d.id=p.decision_id"
               " JOIN documents doc ON doc.id=d.document_id"
               " WHERE p.id IN (SELECT id FROM award_proposals WHERE decision_id IN"
               " (SELECT id FROM award_decisions WHERE unit_id=?1 AND status='issued'"
               " AND is_public=1 ORDER BY issued_on DESC,id DESC LIMIT ?2)"
               " UNION SELECT id FROM award_proposals WHERE unit_id=?1"
               " AND status='decided')"
               " AND p.status='decided' AND d.status='issued' AND d.is_public=1"
               " AND doc.status='published' ORDER BY io DESC,did DESC,o,pid LIMIT ?2) x"
               " JOIN award_proposals p ON p.id=x.pid"
               " JOIN award_decisions d ON d.id=x.did"
               " JOIN documents doc ON doc.id=d.document_id"
               " LEFT JOIN units u ON u.id=p.unit_id"
               " ORDER BY x.io DESC,x.did DESC,x.o,x.pid"};

int
store_awards_public(store_t *st, int64_t unit_id, int limit,
                    int (*cb)(const store_award_public_t *, void *), void *ctx)
{
	struct public_cb c = {cb, ctx};
	return db_each(st, &Q_AWARDS_PUBLIC, QARGS(QI(unit_id), QI(limit > 0 ? limit : 50)),
	               award_public_row, &c);
}
