/* Documents and their tasks (store.h): drafts, publishing (numbering, recipients, duties),
 * read receipts, the signed PDF, the review of a Word import. Backend-neutral: the
 * statements are declared here once and run through the query layer (store_int.h). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"
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

/* ---- documents ---- */

/* doc_row's columns, from documents aliased d (Q_DOCS_TO_UNIT joins the receipts). */
#define DOC_FIELDS                                                                                 \
	"d.id,d.issuer_unit_id,coalesce(d.campaign_id,0),coalesce(d.derived_from,0),d.kind,"       \
	"d.status,d.is_public,d.year,d.number,d.doc_date,d.subject,d.json,d.version,d.created_at," \
	"coalesce(d.created_by,0),d.updated_at,coalesce(d.updated_by,0),d.published_at,"           \
	"coalesce(d.published_by,0)"
#define DOC_COLS "SELECT " DOC_FIELDS " FROM documents d"

static void
read_doc(const db_row_t *r, store_doc_t *d)
{
	*d = (store_doc_t){
	        .id = row_i64(r, 0),
	        .issuer_unit_id = row_i64(r, 1),
	        .campaign_id = row_i64(r, 2),
	        .derived_from = row_i64(r, 3),
	        .kind = row_text(r, 4),
	        .status = row_text(r, 5),
	        .is_public = row_int(r, 6),
	        .year = row_int(r, 7),
	        .number = row_int(r, 8),
	        .doc_date = row_int(r, 9),
	        .subject = row_text(r, 10),
	        .json = row_text(r, 11),
	        .version = row_i64(r, 12),
	        .created_at = row_i64(r, 13),
	        .created_by = row_i64(r, 14),
	        .updated_at = row_i64(r, 15),
	        .updated_by = row_i64(r, 16),
	        .published_at = row_i64(r, 17),
	        .published_by = row_i64(r, 18),
	};
}

/* doc_id, unit_id, read_at, read_by from column first on. */
static void
read_recipient(const db_row_t *r, int first, store_doc_recipient_t *x)
{
	*x = (store_doc_recipient_t){
	        .doc_id = row_i64(r, first),
	        .unit_id = row_i64(r, first + 1),
	        .read_at = row_i64(r, first + 2),
	        .read_by = row_i64(r, first + 3),
	};
}

static q_def_t Q_DOC_STATE = {
        .what = "trạng thái văn bản",
        .sql = "SELECT status,version,issuer_unit_id FROM documents WHERE id=?1"};

struct doc_state {
	char status[16];
	int64_t version, issuer;
};

static int
state_row(const db_row_t *r, void *p)
{
	struct doc_state *s = p;
	snprintf(s->status, sizeof s->status, "%s", row_text(r, 0));
	s->version = row_i64(r, 1);
	s->issuer = row_i64(r, 2);
	return 1;
}

/* The document's status, version and issuer: 1 found, 0 not, -1 error (logged). */
static int
doc_state(store_t *st, int64_t id, struct doc_state *s)
{
	*s = (struct doc_state){{0}, 0, 0};
	int rc = db_each(st, &Q_DOC_STATE, QARGS(QI(id)), state_row, s);
	return rc < 0 ? -1 : rc;
}

/* Why a guarded write of document id changed nothing: -3 not a draft (checked first, so
 * publishing or editing a published document is -3 whatever version the caller holds),
 * -2 version moved on, -1 no such document or error (logged). */
static int
doc_refusal(store_t *st, int64_t id, int64_t expected_version, const char *what)
{
	struct doc_state s;
	int found = doc_state(st, id, &s);
	if (found < 0)
		return -1;
	if (!found) {
		log_error("Lỗi cơ sở dữ liệu (%s): không có văn bản %lld", what, (long long)id);
		return -1;
	}
	if (strcmp(s.status, "draft") != 0)
		return -3;
	if (s.version != expected_version)
		return -2;
	log_error("Lỗi cơ sở dữ liệu (%s): văn bản %lld không đổi", what, (long long)id);
	return -1;
}

/* ?1..?11 as doc_save binds them. A new document is a draft at version 1 whose created_*
 * are its updated_*. */
static q_def_t Q_DOC_INSERT = {
        .what = "lưu văn bản",
        .sql = "INSERT INTO documents(issuer_unit_id,campaign_id,derived_from,kind,"
               "status,is_public,year,doc_date,subject,json,version,created_at,"
               "created_by,updated_at,updated_by) VALUES(?1,nullif(?2,0),nullif(?3,0),"
               "?4,'draft',?5,?6,?7,?8,?9,1,?10,nullif(?11,0),?10,nullif(?11,0)) RETURNING id"};
/* ?1 the id, ?2..?11 as the insert's from campaign_id on. Only a draft at the expected
 * version (?12) changes; the issuer never does. When nothing changed, Q_DOC_STATE tells
 * why. */
static q_def_t Q_DOC_UPDATE = {
        .what = "lưu văn bản",
        .sql = "UPDATE documents SET campaign_id=nullif(?2,0),derived_from=nullif(?3,0),"
               "kind=?4,is_public=?5,year=?6,doc_date=?7,subject=?8,json=?9,"
               "updated_at=?10,updated_by=nullif(?11,0),version=version+1"
               " WHERE id=?1 AND version=?12 AND status='draft'"};

int
store_doc_save(store_t *st, const store_doc_t *d, int64_t expected_version, int64_t *id,
               int64_t *version)
{
	const char *what = "lưu văn bản";
	/* A new row's created_* are its updated_* (from created_* when updated_at is 0). */
	int64_t at = d->updated_at ? d->updated_at : d->created_at;
	int64_t by = d->updated_at ? d->updated_by : d->created_by;
	const char *json = d->json ? d->json : "{}";
	int64_t new_id = d->id, changes = 0;
	int ret;
	if (d->id) {
		int rc = db_exec(st, &Q_DOC_UPDATE,
		                 QARGS(QI(d->id), QI(d->campaign_id), QI(d->derived_from),
		                       QTN(d->kind), QI(d->is_public != 0), QI(d->year),
		                       QI(d->doc_date), QT(d->subject), QT(json), QI(at), QI(by),
		                       QI(expected_version)),
		                 &changes);
		ret = write_rc(rc, &Q_DOC_UPDATE);
		if (ret == 0 && changes == 0)
			ret = doc_refusal(st, d->id, expected_version, what);
	} else {
		int rc = db_insert(st, &Q_DOC_INSERT,
		                   QARGS(QI(d->issuer_unit_id), QI(d->campaign_id),
		                         QI(d->derived_from), QTN(d->kind), QI(d->is_public != 0),
		                         QI(d->year), QI(d->doc_date), QT(d->subject), QT(json),
		                         QI(at), QI(by)),
		                   &new_id);
		ret = write_rc(rc, &Q_DOC_INSERT);
	}
	if (ret == 0) {
		if (id)
			*id = new_id;
		if (version)
			*version = d->id ? expected_version + 1 : 1;
	}
	return ret;
}

/* Reads the partial unique index documents_number (number>0 matches its WHERE). */
static q_def_t Q_DOC_NUMBER_TAKEN = {.what = "ban hành văn bản",
                                     .sql = "SELECT count(*) FROM documents"
                                            " WHERE issuer_unit_id=?1 AND year=?2 AND number=?3"};
static q_def_t Q_DOC_NEXT_NUMBER = {.what = "ban hành văn bản",
                                    .sql = "SELECT coalesce(max(number),0)+1 FROM documents"
                                           " WHERE issuer_unit_id=?1 AND year=?2 AND number>0"};
static q_def_t Q_DOC_PUBLISH = {
        .what = "ban hành văn bản",
        .sql = "UPDATE documents SET status='published',number=?2,year=?3,"
               "doc_date=?4,json=?5,published_at=?6,published_by=nullif(?7,0),"
               "updated_at=?6,updated_by=nullif(?7,0),version=version+1"
               " WHERE id=?1 AND version=?8 AND status='draft'"};
/* DO NOTHING, not OR IGNORE: an unknown unit (foreign key) must still fail. */
static q_def_t Q_RECIPIENT_ADD = {.what = "ban hành văn bản",
                                  .sql = "INSERT INTO doc_recipients(doc_id,unit_id) VALUES(?1,?2)"
                                         " ON CONFLICT(doc_id,unit_id) DO NOTHING"};
static q_def_t Q_TASK_ADD = {.what = "ban hành văn bản",
                             .sql = "INSERT INTO doc_tasks(doc_id,unit_id,duty,role,task,due_date)"
                                    " VALUES(?1,?2,?3,?4,?5,?6)"};

int
store_doc_publish(store_t *st, int64_t id, int64_t expected_version, int32_t doc_date, int year,
                  const char *json, int64_t now, int64_t by, const int64_t *units, size_t nunits,
                  const store_task_t *tasks, size_t ntasks, int *number, int64_t *version)
{
	const char *what = "ban hành văn bản";
	int ok = 0, ret = -1, num = 0;
	if (store_tx_begin(st) < 0)
		return -1;
	struct doc_state s;
	int found = doc_state(st, id, &s);
	if (found < 0)
		goto end;
	if (!found) {
		log_error("Lỗi cơ sở dữ liệu (%s): không có văn bản %lld", what, (long long)id);
		goto end;
	}
	if (strcmp(s.status, "draft") != 0) {
		ret = -3;
		goto end;
	}
	if (s.version != expected_version) {
		ret = -2;
		goto end;
	}
	/* a number given by the caller (a document issued on paper) must be free that year */
	int given = *number > 0 ? *number : 0;
	int64_t got = 0;
	int rc = given ? db_i64(st, &Q_DOC_NUMBER_TAKEN, QARGS(QI(s.issuer), QI(year), QI(given)),
	                        &got)
	               : db_i64(st, &Q_DOC_NEXT_NUMBER, QARGS(QI(s.issuer), QI(year)), &got);
	if (rc != 1)
		goto end;
	if (given && got > 0) {
		ret = -4;
		goto end;
	}
	num = given ? given : (int)got;
	int64_t changes = 0;
	if (write_rc(db_exec(st, &Q_DOC_PUBLISH,
	                     QARGS(QI(id), QI(num), QI(year), QI(doc_date), QT(json ? json : "{}"),
	                           QI(now), QI(by), QI(expected_version)),
	                     &changes),
	             &Q_DOC_PUBLISH) < 0)
		goto end;
	if (changes != 1) {
		log_error("Lỗi cơ sở dữ liệu (%s): văn bản %lld không đổi", what, (long long)id);
		goto end;
	}
	for (size_t i = 0; i < nunits; i++)
		if (write_rc(db_exec(st, &Q_RECIPIENT_ADD, QARGS(QI(id), QI(units[i])), NULL),
		             &Q_RECIPIENT_ADD) < 0)
			goto end;
	for (size_t i = 0; i < ntasks; i++) {
		const store_task_t *t = &tasks[i];
		if (write_rc(db_exec(st, &Q_TASK_ADD,
		                     QARGS(QI(id), QI(t->unit_id), QI(t->duty), QTN(t->role),
		                           QT(t->task), QI(t->due_date)),
		                     NULL),
		             &Q_TASK_ADD) < 0)
			goto end;
	}
	ok = 1;
end:
	if (!ok) {
		store_tx_rollback(st);
		return ret;
	}
	if (store_tx_commit(st) < 0)
		return -1;
	if (number)
		*number = num;
	if (version)
		*version = s.version + 1;
	return 0;
}

static q_def_t Q_DOC_SET_PUBLIC = {.what = "đổi chế độ công khai của văn bản",
                                   .sql = "UPDATE documents SET is_public=?2,updated_at=?3,"
                                          "updated_by=nullif(?4,0),version=version+1"
                                          " WHERE id=?1"};

/* 1 changed, 0 no such document, -1 error */
int
store_doc_set_public(store_t *st, int64_t id, int is_public, int64_t now, int64_t by)
{
	int64_t changes = 0;
	int rc = db_exec(st, &Q_DOC_SET_PUBLIC, QARGS(QI(id), QI(is_public != 0), QI(now), QI(by)),
	                 &changes);
	if (write_rc(rc, &Q_DOC_SET_PUBLIC) < 0)
		return -1;
	return changes > 0;
}

static q_def_t Q_DOC_GET = {.what = "văn bản", .sql = DOC_COLS " WHERE d.id=?1"};
/* the expression of the documents_issuer index, so no sort */
static q_def_t Q_DOCS_ISSUER = {.what = "văn bản",
                                .sql = DOC_COLS " WHERE d.issuer_unit_id=?1 ORDER BY"
                                                " coalesce(nullif(d.published_at,0),d.updated_at)"
                                                " DESC,d.id DESC"};
static q_def_t Q_DOCS_DERIVED = {.what = "văn bản",
                                 .sql = DOC_COLS " WHERE d.derived_from=?1 ORDER BY d.id"};

struct doc_cb {
	int (*cb)(const store_doc_t *, void *);
	void *ctx;
	int one; /* stop at the first row: 1 found, whatever the callback says */
};

static int
doc_row(const db_row_t *r, void *p)
{
	struct doc_cb *c = p;
	store_doc_t d;
	read_doc(r, &d);
	if (c->one) {
		if (c->cb)
			c->cb(&d, c->ctx);
		return 1;
	}
	return c->cb(&d, c->ctx);
}

int
store_doc_get(store_t *st, int64_t id, int (*cb)(const store_doc_t *, void *), void *ctx)
{
	struct doc_cb c = {cb, ctx, 1};
	return db_each(st, &Q_DOC_GET, QARGS(QI(id)), doc_row, &c);
}

int
store_docs_of_issuer(store_t *st, int64_t unit_id, int (*cb)(const store_doc_t *, void *),
                     void *ctx)
{
	struct doc_cb c = {cb, ctx, 0};
	return db_each(st, &Q_DOCS_ISSUER, QARGS(QI(unit_id)), doc_row, &c);
}

int
store_docs_derived(store_t *st, int64_t doc_id, int (*cb)(const store_doc_t *, void *), void *ctx)
{
	struct doc_cb c = {cb, ctx, 0};
	return db_each(st, &Q_DOCS_DERIVED, QARGS(QI(doc_id)), doc_row, &c);
}

static q_def_t Q_DOCS_TO_UNIT = {.what = "văn bản đến",
                                 .sql = "SELECT " DOC_FIELDS ",r.doc_id,r.unit_id,r.read_at,"
                                        "coalesce(r.read_by,0) FROM doc_recipients r"
                                        " JOIN documents d ON d.id=r.doc_id"
                                        " WHERE r.unit_id=?1 AND d.status='published'"
                                        " ORDER BY d.published_at DESC,d.id DESC"};

struct doc_to_cb {
	int (*cb)(const store_doc_t *, const store_doc_recipient_t *, void *);
	void *ctx;
};

static int
doc_to_row(const db_row_t *r, void *p)
{
	struct doc_to_cb *c = p;
	store_doc_t d;
	store_doc_recipient_t x;
	read_doc(r, &d);
	read_recipient(r, 19, &x);
	return c->cb(&d, &x, c->ctx);
}

int
store_docs_to_unit(store_t *st, int64_t unit_id,
                   int (*cb)(const store_doc_t *, const store_doc_recipient_t *, void *), void *ctx)
{
	struct doc_to_cb c = {cb, ctx};
	return db_each(st, &Q_DOCS_TO_UNIT, QARGS(QI(unit_id)), doc_to_row, &c);
}

static q_def_t Q_DOC_RECIPIENTS = {.what = "nơi nhận văn bản",
                                   .sql = "SELECT doc_id,unit_id,read_at,coalesce(read_by,0)"
                                          " FROM doc_recipients WHERE doc_id=?1 ORDER BY unit_id"};

struct recipient_cb {
	int (*cb)(const store_doc_recipient_t *, void *);
	void *ctx;
};

static int
recipient_row(const db_row_t *r, void *p)
{
	struct recipient_cb *c = p;
	store_doc_recipient_t x;
	read_recipient(r, 0, &x);
	return c->cb(&x, c->ctx);
}

int
store_doc_recipients(store_t *st, int64_t doc_id, int (*cb)(const store_doc_recipient_t *, void *),
                     void *ctx)
{
	struct recipient_cb c = {cb, ctx};
	return db_each(st, &Q_DOC_RECIPIENTS, QARGS(QI(doc_id)), recipient_row, &c);
}

static q_def_t Q_DOC_MARK_READ = {.what = "ghi nhận đã đọc văn bản",
                                  .sql = "UPDATE doc_recipients SET read_at=?3,read_by=nullif(?4,0)"
                                         " WHERE doc_id=?1 AND unit_id=?2 AND read_at=0"};

/* 1 marked now, 0 not a recipient or read already, -1 error */
int
store_doc_mark_read(store_t *st, int64_t doc_id, int64_t unit_id, int64_t now, int64_t by)
{
	int64_t changes = 0;
	int rc = db_exec(st, &Q_DOC_MARK_READ, QARGS(QI(doc_id), QI(unit_id), QI(now), QI(by)),
	                 &changes);
	if (write_rc(rc, &Q_DOC_MARK_READ) < 0)
		return -1;
	return changes > 0;
}

/* the first signature stands: a second one changes nothing */
static q_def_t Q_DOC_SIGNED_PUT = {
        .what = "lưu văn bản đã ký số",
        .sql = "INSERT INTO doc_signed(doc_id,pdf,sha256,signer,signed_at,signed_by)"
               " VALUES(?1,?2,?3,?4,?5,nullif(?6,0)) ON CONFLICT(doc_id) DO NOTHING"};

/* 1 stored, 0 signed already, -1 error */
int
store_doc_signed_put(store_t *st, const store_doc_signed_t *d, const void *pdf, size_t n)
{
	if (n == 0 || n > INT32_MAX)
		return -1;
	int64_t changes = 0;
	int rc = db_exec(st, &Q_DOC_SIGNED_PUT,
	                 QARGS(QI(d->doc_id), QB(pdf, n), QT(d->sha256), QT(d->signer),
	                       QI(d->signed_at), QI(d->signed_by)),
	                 &changes);
	if (write_rc(rc, &Q_DOC_SIGNED_PUT) < 0)
		return -1;
	return changes > 0;
}

static q_def_t Q_DOC_SIGNED_GET = {
        .what = "văn bản đã ký số",
        .sql = "SELECT doc_id,sha256,signer,signed_at,coalesce(signed_by,0),"
               "length(pdf),CASE WHEN ?2<>0 THEN pdf END FROM doc_signed WHERE doc_id=?1"};

struct signed_cb {
	int (*cb)(const store_doc_signed_t *, const void *, size_t, void *);
	void *ctx;
	int with_pdf;
};

static int
signed_row(const db_row_t *r, void *p)
{
	struct signed_cb *c = p;
	store_doc_signed_t d = {
	        .doc_id = row_i64(r, 0),
	        .sha256 = row_text(r, 1),
	        .signer = row_text(r, 2),
	        .signed_at = row_i64(r, 3),
	        .signed_by = row_i64(r, 4),
	        .size = (size_t)row_i64(r, 5),
	};
	size_t n = 0;
	const void *pdf = c->with_pdf ? row_blob(r, 6, &n) : NULL;
	c->cb(&d, pdf, n, c->ctx);
	return 1;
}

int
store_doc_signed_get(store_t *st, int64_t doc_id, int with_pdf,
                     int (*cb)(const store_doc_signed_t *, const void *, size_t, void *), void *ctx)
{
	struct signed_cb c = {cb, ctx, with_pdf};
	return db_each(st, &Q_DOC_SIGNED_GET, QARGS(QI(doc_id), QI(with_pdf ? 1 : 0)), signed_row,
	               &c);
}

static q_def_t Q_DOC_IMPORT_PUT = {.what = "lưu kết quả nhập văn bản từ Word",
                                   .sql = "INSERT INTO doc_imports(doc_id,at,\"by\",review)"
                                          " VALUES(?1,?2,nullif(?3,0),?4)"};

int
store_doc_import_put(store_t *st, int64_t doc_id, int64_t at, int64_t by, const char *review)
{
	return write_rc(db_exec(st, &Q_DOC_IMPORT_PUT,
	                        QARGS(QI(doc_id), QI(at), QI(by), QTN(review)), NULL),
	                &Q_DOC_IMPORT_PUT);
}

static q_def_t Q_DOC_IMPORT_GET = {.what = "kết quả nhập văn bản từ Word",
                                   .sql = "SELECT review FROM doc_imports WHERE doc_id=?1"};

static int
import_row(const db_row_t *r, void *p)
{
	buf_puts(p, row_text(r, 0));
	return 1;
}

int
store_doc_import_get(store_t *st, int64_t doc_id, buf_t *review)
{
	return db_each(st, &Q_DOC_IMPORT_GET, QARGS(QI(doc_id)), import_row, review);
}

/* ---- tasks (the duties of published documents) ---- */

#define TASK_COLS                                                                                  \
	"SELECT id,doc_id,unit_id,duty,role,task,due_date,done_at,coalesce(done_by,0),note"        \
	" FROM doc_tasks"
static q_def_t Q_TASKS_DOC = {.what = "nhiệm vụ",
                              .sql = TASK_COLS " WHERE doc_id=?1 ORDER BY duty,unit_id,id"};
/* open first, then by due date with none (0) last */
static q_def_t Q_TASKS_UNIT = {.what = "nhiệm vụ",
                               .sql = TASK_COLS " WHERE unit_id=?1"
                                                " ORDER BY done_at>0,due_date=0,due_date,id"};
static q_def_t Q_TASK_GET = {.what = "nhiệm vụ", .sql = TASK_COLS " WHERE id=?1"};

struct task_cb {
	int (*cb)(const store_task_t *, void *);
	void *ctx;
	int one; /* stop at the first row: 1 found, whatever the callback says */
};

static int
task_row(const db_row_t *r, void *p)
{
	struct task_cb *c = p;
	store_task_t t = {
	        .id = row_i64(r, 0),
	        .doc_id = row_i64(r, 1),
	        .unit_id = row_i64(r, 2),
	        .duty = row_int(r, 3),
	        .role = row_text(r, 4),
	        .task = row_text(r, 5),
	        .due_date = row_int(r, 6),
	        .done_at = row_i64(r, 7),
	        .done_by = row_i64(r, 8),
	        .note = row_text(r, 9),
	};
	if (c->one) {
		if (c->cb)
			c->cb(&t, c->ctx);
		return 1;
	}
	return c->cb(&t, c->ctx);
}

int
store_tasks_of_doc(store_t *st, int64_t doc_id, int (*cb)(const store_task_t *, void *), void *ctx)
{
	struct task_cb c = {cb, ctx, 0};
	return db_each(st, &Q_TASKS_DOC, QARGS(QI(doc_id)), task_row, &c);
}

int
store_tasks_of_unit(store_t *st, int64_t unit_id, int (*cb)(const store_task_t *, void *),
                    void *ctx)
{
	struct task_cb c = {cb, ctx, 0};
	return db_each(st, &Q_TASKS_UNIT, QARGS(QI(unit_id)), task_row, &c);
}

int
store_task_get(store_t *st, int64_t id, int (*cb)(const store_task_t *, void *), void *ctx)
{
	struct task_cb c = {cb, ctx, 1};
	return db_each(st, &Q_TASK_GET, QARGS(QI(id)), task_row, &c);
}

static q_def_t Q_TASK_DONE = {.what = "cập nhật nhiệm vụ",
                              .sql = "UPDATE doc_tasks SET done_at=?3,done_by=nullif(?4,0),note=?5"
                                     " WHERE id=?1 AND unit_id=?2"};

/* 1 updated, 0 no such task of that unit, -1 error */
int
store_task_set_done(store_t *st, int64_t id, int64_t unit_id, int64_t done_at, int64_t by,
                    const char *note)
{
	/* reopening clears who and the note */
	int64_t changes = 0;
	int rc = db_exec(st, &Q_TASK_DONE,
	                 QARGS(QI(id), QI(unit_id), QI(done_at > 0 ? done_at : 0),
	                       QI(done_at > 0 ? by : 0), QT(done_at > 0 ? note : "")),
	                 &changes);
	if (write_rc(rc, &Q_TASK_DONE) < 0)
		return -1;
	return changes > 0;
}
