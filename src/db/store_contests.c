/* Contests with citizen entries (store.h, docs/contests.md): the contests, their judges,
 * the entries and the judges' scores. Backend-neutral: the statements are declared here
 * once and run through the query layer (store_int.h). */
#include <stdint.h>

#include "core/buf.h"
#include "db/store_int.h"

#define CONTEST_COLS                                                                               \
	"SELECT id,unit_id,unit_path,title,theme,rules,types,audio_max_bytes,video_max_bytes,"     \
	"audio_max_seconds,video_max_seconds,starts_at,ends_at,results_on,status,announced_at,"    \
	"created_at,coalesce(created_by,0),updated_at,coalesce(updated_by,0),purged_at FROM "      \
	"contests"

/* Rows of contests to cb. once: the first row only (a lookup by id). */
struct contest_cb {
	int (*cb)(const store_contest_t *, void *);
	void *ctx;
	int once, found;
};

static int
contest_row(const db_row_t *r, void *p)
{
	struct contest_cb *c = p;
	store_contest_t k = {
	        .id = row_i64(r, 0),
	        .unit_id = row_i64(r, 1),
	        .unit_path = row_text(r, 2),
	        .title = row_text(r, 3),
	        .theme = row_text(r, 4),
	        .rules = row_text(r, 5),
	        .types = row_text(r, 6),
	        .audio_max_bytes = row_i64(r, 7),
	        .video_max_bytes = row_i64(r, 8),
	        .audio_max_seconds = row_i64(r, 9),
	        .video_max_seconds = row_i64(r, 10),
	        .starts_at = row_i64(r, 11),
	        .ends_at = row_i64(r, 12),
	        .results_on = row_int(r, 13),
	        .status = row_text(r, 14),
	        .announced_at = row_i64(r, 15),
	        .created_at = row_i64(r, 16),
	        .created_by = row_i64(r, 17),
	        .updated_at = row_i64(r, 18),
	        .updated_by = row_i64(r, 19),
	        .purged_at = row_i64(r, 20),
	};
	c->found = 1;
	int stop = c->cb(&k, c->ctx) != 0;
	return c->once || stop;
}

static q_def_t Q_CONTEST_INSERT = {
        .what = "lưu cuộc thi",
        .sql = "INSERT INTO contests(unit_id,unit_path,title,theme,rules,types,audio_max_bytes,"
               "video_max_bytes,audio_max_seconds,video_max_seconds,starts_at,ends_at,results_on,"
               "status,announced_at,created_at,created_by,updated_at,updated_by) VALUES(?1,?2,?3,"
               "?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?16,?17) RETURNING id"};
static q_def_t Q_CONTEST_UPDATE = {
        .what = "lưu cuộc thi",
        .sql = "UPDATE contests SET unit_id=?2,unit_path=?3,title=?4,theme=?5,rules=?6,types=?7,"
               "audio_max_bytes=?8,video_max_bytes=?9,audio_max_seconds=?10,video_max_seconds=?11,"
               "starts_at=?12,ends_at=?13,results_on=?14,status=?15,announced_at=?16,"
               "updated_at=?17,updated_by=?18 WHERE id=?1"};
static q_def_t Q_JUDGES_CLEAR = {.what = "lưu cuộc thi",
                                 .sql = "DELETE FROM contest_judges WHERE contest_id=?1"};
/* a judge named twice keeps the first place */
static q_def_t Q_JUDGE_ADD = {
        .what = "lưu cuộc thi",
        .sql = "INSERT INTO contest_judges(contest_id,user_id,ord)"
               " VALUES(?1,?2,?3) ON CONFLICT(contest_id,user_id) DO NOTHING"};

int
store_contest_save(store_t *st, const store_contest_t *c, const int64_t *judges, size_t nj,
                   int64_t *id)
{
	if (store_tx_begin(st) < 0)
		return -1;
	int64_t cid = c->id;
	int rc;
	if (c->id)
		rc = db_exec(st, &Q_CONTEST_UPDATE,
		             QARGS(QI(c->id), QI(c->unit_id), QT(c->unit_path), QT(c->title),
		                   QT(c->theme), QT(c->rules), QT(c->types), QI(c->audio_max_bytes),
		                   QI(c->video_max_bytes), QI(c->audio_max_seconds),
		                   QI(c->video_max_seconds), QI(c->starts_at), QI(c->ends_at),
		                   QI(c->results_on), QT(c->status), QI(c->announced_at),
		                   QI(c->updated_at), QID(c->updated_by)),
		             NULL);
	else
		rc = db_insert(st, &Q_CONTEST_INSERT,
		               QARGS(QI(c->unit_id), QT(c->unit_path), QT(c->title), QT(c->theme),
		                     QT(c->rules), QT(c->types), QI(c->audio_max_bytes),
		                     QI(c->video_max_bytes), QI(c->audio_max_seconds),
		                     QI(c->video_max_seconds), QI(c->starts_at), QI(c->ends_at),
		                     QI(c->results_on), QT(c->status), QI(c->announced_at),
		                     QI(c->created_at), QID(c->created_by)),
		               &cid);
	if (rc == 0)
		rc = db_exec(st, &Q_JUDGES_CLEAR, QARGS(QI(cid)), NULL);
	for (size_t k = 0; rc == 0 && k < nj; k++)
		rc = db_exec(st, &Q_JUDGE_ADD, QARGS(QI(cid), QI(judges[k]), QI(k)), NULL);
	if (rc != 0) {
		store_tx_rollback(st);
		return -1;
	}
	if (store_tx_commit(st) < 0)
		return -1;
	if (id)
		*id = cid;
	return 0;
}

static q_def_t Q_CONTEST_GET = {.what = "đọc cuộc thi", .sql = CONTEST_COLS " WHERE id=?1"};

int
store_contest_get(store_t *st, int64_t id, int (*cb)(const store_contest_t *, void *), void *ctx)
{
	struct contest_cb c = {cb, ctx, 1, 0};
	if (db_each(st, &Q_CONTEST_GET, QARGS(QI(id)), contest_row, &c) < 0)
		return -1;
	return c.found;
}

int
store_contests_find(store_t *st, const store_contest_query_t *f,
                    int (*cb)(const store_contest_t *, void *), void *ctx)
{
	const char *path = f->path ? f->path : "";
	qv_t v[3];
	size_t n = 0;
	buf_t sql = BUF_INIT;
	buf_puts(&sql, CONTEST_COLS " WHERE 1=1");
	if (*path) {
		v[n++] = QT(path);
		if (f->exact)
			buf_printf(&sql, " AND unit_path=?%zu", n);
		else
			buf_printf(&sql, " AND substr(unit_path,1,length(?%zu))=?%zu", n, n);
	}
	if (f->public_only)
		buf_puts(&sql, " AND status<>'draft'");
	if (f->judge_id) {
		v[n++] = QI(f->judge_id);
		buf_printf(&sql,
		           " AND id IN (SELECT contest_id FROM contest_judges WHERE user_id=?%zu)",
		           n);
	}
	buf_puts(&sql, " ORDER BY ends_at DESC, id DESC");
	if (f->limit > 0) {
		v[n++] = QI(f->limit);
		buf_printf(&sql, " LIMIT ?%zu", n);
	}
	q_def_t q = {.what = "đọc cuộc thi", .sql = buf_cstr(&sql)};
	struct contest_cb c = {cb, ctx, 0, 0};
	int rc = db_each_dyn(st, &q, v, n, contest_row, &c);
	buf_free(&sql);
	return rc < 0 ? -1 : 0;
}

struct judge_cb {
	int (*cb)(int64_t user_id, const char *name, void *);
	void *ctx;
};

static int
judge_row(const db_row_t *r, void *p)
{
	struct judge_cb *c = p;
	return c->cb(row_i64(r, 0), row_text(r, 1), c->ctx) != 0;
}

static q_def_t Q_JUDGES = {.what = "đọc giám khảo",
                           .sql = "SELECT u.id, CASE WHEN u.full_name<>'' THEN u.full_name "
                                  "ELSE u.username END FROM contest_judges j JOIN users u ON "
                                  "u.id=j.user_id WHERE j.contest_id=?1 ORDER BY j.ord"};

int
store_contest_judges(store_t *st, int64_t contest_id,
                     int (*cb)(int64_t user_id, const char *name, void *), void *ctx)
{
	struct judge_cb c = {cb, ctx};
	return db_each(st, &Q_JUDGES, QARGS(QI(contest_id)), judge_row, &c) < 0 ? -1 : 0;
}

/* ---- entries ---- */

#define ENTRY_COLS                                                                                 \
	"SELECT id,contest_id,code,status,name,phone,email,locality,title,body,media_kind,"        \
	"media_file,media_mime,media_info,media_size,media_ms,reason,prize,ip,created_at,"         \
	"moderated_at,moderated_by FROM contest_entries"

struct entry_cb {
	int (*cb)(const store_contest_entry_t *, void *);
	void *ctx;
	int found;
};

static int
entry_row(const db_row_t *r, void *p)
{
	struct entry_cb *c = p;
	store_contest_entry_t e = {
	        .id = row_i64(r, 0),
	        .contest_id = row_i64(r, 1),
	        .code = row_text(r, 2),
	        .status = row_text(r, 3),
	        .name = row_text(r, 4),
	        .phone = row_text(r, 5),
	        .email = row_text(r, 6),
	        .locality = row_text(r, 7),
	        .title = row_text(r, 8),
	        .body = row_text(r, 9),
	        .media_kind = row_text(r, 10),
	        .media_file = row_text(r, 11),
	        .media_mime = row_text(r, 12),
	        .media_info = row_text(r, 13),
	        .media_size = row_i64(r, 14),
	        .media_ms = row_i64(r, 15),
	        .reason = row_text(r, 16),
	        .prize = row_text(r, 17),
	        .ip = row_text(r, 18),
	        .created_at = row_i64(r, 19),
	        .moderated_at = row_i64(r, 20),
	        .moderated_by = row_i64(r, 21),
	};
	c->found = 1;
	return c->cb(&e, c->ctx) != 0;
}

static q_def_t Q_ENTRY_ADD = {
        .what = "ghi bài dự thi",
        .sql = "INSERT INTO contest_entries(contest_id,code,status,name,phone,email,locality,"
               "title,body,media_kind,media_file,media_mime,media_info,media_size,media_ms,ip,"
               "created_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17)"
               " RETURNING id"};

int
store_contest_entry_add(store_t *st, const store_contest_entry_t *e, int64_t *id)
{
	int64_t nid;
	int rc = db_insert(st, &Q_ENTRY_ADD,
	                   QARGS(QI(e->contest_id), QT(e->code), QT(e->status), QT(e->name),
	                         QT(e->phone), QT(e->email), QT(e->locality), QT(e->title),
	                         QT(e->body), QT(e->media_kind), QT(e->media_file),
	                         QT(e->media_mime), QT(e->media_info), QI(e->media_size),
	                         QI(e->media_ms), QT(e->ip), QI(e->created_at)),
	                   &nid);
	if (rc == DB_UNIQUE) /* the confirmation code exists: the caller draws another */
		return -3;
	if (rc < 0)
		return -1;
	if (id)
		*id = nid;
	return 0;
}

static q_def_t Q_ENTRIES = {.what = "đọc bài dự thi",
                            .sql = ENTRY_COLS " WHERE contest_id=?1 AND (?2='' OR status=?2)"
                                              " ORDER BY id"};

int
store_contest_entries(store_t *st, int64_t contest_id, const char *status,
                      int (*cb)(const store_contest_entry_t *, void *), void *ctx)
{
	struct entry_cb c = {cb, ctx, 0};
	return db_each(st, &Q_ENTRIES, QARGS(QI(contest_id), QT(status)), entry_row, &c) < 0 ? -1
	                                                                                     : 0;
}

static q_def_t Q_ENTRY_BY_CODE = {.what = "đọc bài dự thi", .sql = ENTRY_COLS " WHERE code=?1"};
static q_def_t Q_ENTRY_BY_ID = {.what = "đọc bài dự thi", .sql = ENTRY_COLS " WHERE id=?1"};

int
store_contest_entry_get(store_t *st, int64_t id, const char *code,
                        int (*cb)(const store_contest_entry_t *, void *), void *ctx)
{
	struct entry_cb c = {cb, ctx, 0};
	int rc = code ? db_each(st, &Q_ENTRY_BY_CODE, QARGS(QT(code)), entry_row, &c)
	              : db_each(st, &Q_ENTRY_BY_ID, QARGS(QI(id)), entry_row, &c);
	return rc < 0 ? -1 : c.found;
}

static q_def_t Q_ENTRY_SET = {.what = "ghi bài dự thi",
                              .sql = "UPDATE contest_entries SET status=coalesce(?2,status),"
                                     "reason=coalesce(?3,reason),prize=coalesce(?4,prize),"
                                     "media_file=coalesce(?5,media_file),moderated_by=?6,"
                                     "moderated_at=?7 WHERE id=?1"};

int
store_contest_entry_set(store_t *st, int64_t id, const char *status, const char *reason,
                        const char *prize, const char *media, int64_t by, int64_t at)
{
	int64_t changes = 0;
	if (db_exec(st, &Q_ENTRY_SET,
	            QARGS(QI(id), QTN(status), QTN(reason), QTN(prize), QTN(media), QI(by), QI(at)),
	            &changes) < 0)
		return -1;
	return changes > 0;
}

static q_def_t Q_PHONE_SINCE = {.what = "đếm bài dự thi",
                                .sql = "SELECT count(*) FROM contest_entries WHERE phone=?1 AND "
                                       "created_at>=?2"};

int
store_contest_phone_since(store_t *st, const char *phone, int64_t since, int64_t *n)
{
	return db_i64(st, &Q_PHONE_SINCE, QARGS(QT(phone), QI(since)), n) == 1 ? 0 : -1;
}

/* ---- scores ---- */

/* a judge's new score of an entry replaces the old one */
static q_def_t Q_SCORE_PUT = {
        .what = "ghi điểm",
        .sql = "INSERT INTO contest_scores(entry_id,judge_id,score,comment,at)"
               " VALUES(?1,?2,?3,?4,?5) ON CONFLICT(entry_id,judge_id) DO"
               " UPDATE SET score=excluded.score,comment=excluded.comment,"
               "at=excluded.at"};

int
store_contest_score_put(store_t *st, const store_contest_score_t *sc)
{
	return db_exec(st, &Q_SCORE_PUT,
	               QARGS(QI(sc->entry_id), QI(sc->judge_id), QI(sc->score), QT(sc->comment),
	                     QI(sc->at)),
	               NULL) < 0
	               ? -1
	               : 0;
}

struct score_cb {
	int (*cb)(const store_contest_score_t *, void *);
	void *ctx;
};

static int
score_row(const db_row_t *r, void *p)
{
	struct score_cb *c = p;
	store_contest_score_t sc = {row_i64(r, 0), row_i64(r, 1), row_int(r, 2), row_text(r, 3),
	                            row_i64(r, 4)};
	return c->cb(&sc, c->ctx) != 0;
}

static q_def_t Q_SCORES = {.what = "đọc điểm",
                           .sql = "SELECT c.entry_id,c.judge_id,c.score,c.comment,c.at FROM "
                                  "contest_scores c JOIN contest_entries e ON e.id=c.entry_id "
                                  "WHERE e.contest_id=?1 ORDER BY c.entry_id, c.judge_id"};

int
store_contest_scores(store_t *st, int64_t contest_id,
                     int (*cb)(const store_contest_score_t *, void *), void *ctx)
{
	struct score_cb c = {cb, ctx};
	return db_each(st, &Q_SCORES, QARGS(QI(contest_id)), score_row, &c) < 0 ? -1 : 0;
}

/* ---- the purge of entrants' contact data ---- */

/* the entries of the contests announced before ?1 and not purged yet */
#define PURGE_DUE                                                                                  \
	"contest_id IN (SELECT id FROM contests WHERE status='announced'"                          \
	" AND announced_at<?1 AND purged_at=0)"

static q_def_t Q_PURGE_FILES = {.what = "xóa dữ liệu cá nhân của bài dự thi",
                                .sql = "SELECT media_file FROM contest_entries WHERE " PURGE_DUE
                                       " AND status<>'approved' AND media_file<>''"};
static q_def_t Q_PURGE_ENTRIES = {
        .what = "xóa dữ liệu cá nhân của bài dự thi",
        .sql = "UPDATE contest_entries SET phone='',email='',ip='',media_file=CASE WHEN "
               "status='approved' THEN media_file ELSE '' END WHERE " PURGE_DUE};
static q_def_t Q_PURGE_CONTESTS = {
        .what = "xóa dữ liệu cá nhân của bài dự thi",
        .sql = "UPDATE contests SET purged_at=?2 WHERE status='announced'"
               " AND announced_at<?1 AND purged_at=0"};

struct file_cb {
	int (*cb)(const char *file, void *);
	void *ctx;
};

/* every file is handed on, whatever cb returns */
static int
file_row(const db_row_t *r, void *p)
{
	struct file_cb *c = p;
	c->cb(row_text(r, 0), c->ctx);
	return 0;
}

int
store_contest_purge(store_t *st, int64_t announced_before, int64_t now,
                    int (*cb)(const char *file, void *), void *ctx, int64_t *n)
{
	if (store_tx_begin(st) < 0)
		return -1;
	struct file_cb c = {cb, ctx};
	int rc = db_each(st, &Q_PURGE_FILES, QARGS(QI(announced_before)), file_row, &c);
	if (rc == 0)
		rc = db_exec(st, &Q_PURGE_ENTRIES, QARGS(QI(announced_before)), n);
	if (rc == 0)
		rc = db_exec(st, &Q_PURGE_CONTESTS, QARGS(QI(announced_before), QI(now)), NULL);
	if (rc != 0) {
		store_tx_rollback(st);
		return -1;
	}
	return store_tx_commit(st) < 0 ? -1 : 0;
}
