/* Activities and their photos (store.h). Backend-neutral: the statements are declared here
 * once and run through the query layer (store_int.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/mem.h"
#include "db/store_int.h"

#define ACT_COLS                                                                                   \
	"SELECT id,coalesce(campaign_id,0),unit_id,unit_path,kind,title,description,start_at,"     \
	"end_at,place,mode,link,audience,expected,is_public,late,status,actual,outcome,version,"   \
	"created_at,coalesce(created_by,0),updated_at,coalesce(updated_by,0),client_id"            \
	" FROM activities"

/* ?1..?18 the fields in struct order, ?19..?22 created_at/by, updated_at/by, ?23 the
 * client id: see act_save. */
static q_def_t Q_ACT_INSERT = {
        .what = "lưu hoạt động",
        .sql = "INSERT INTO activities(campaign_id,unit_id,unit_path,kind,title,description,"
               "start_at,end_at,place,mode,link,audience,expected,is_public,late,status,actual,"
               "outcome,version,created_at,created_by,updated_at,updated_by,client_id)"
               " VALUES(nullif(?1,0),?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,"
               "?18,1,?19,nullif(?20,0),?21,nullif(?22,0),nullif(?23,'')) RETURNING id"};
/* created_* record the creation and are never rewritten. ?1..?18 the fields, ?19/?20
 * updated_at/by, ?21 the id, ?22 the expected version. */
static q_def_t Q_ACT_UPDATE = {
        .what = "lưu hoạt động",
        .sql = "UPDATE activities SET campaign_id=nullif(?1,0),unit_id=?2,unit_path=?3,kind=?4,"
               "title=?5,description=?6,start_at=?7,end_at=?8,place=?9,mode=?10,link=?11,"
               "audience=?12,expected=?13,is_public=?14,late=?15,status=?16,actual=?17,"
               "outcome=?18,updated_at=?19,updated_by=nullif(?20,0),version=version+1"
               " WHERE id=?21 AND version=?22"};
static q_def_t Q_ACT_VERSION = {.what = "lưu hoạt động",
                                .sql = "SELECT version FROM activities WHERE id=?1"};
static q_def_t Q_ACT_GET = {.what = "đọc hoạt động", .sql = ACT_COLS " WHERE id=?1"};
static q_def_t Q_ACT_BY_CLIENT = {.what = "đọc hoạt động",
                                  .sql = ACT_COLS " WHERE created_by=?1 AND client_id=?2"};

struct act_cb {
	int (*cb)(const store_activity_t *, void *);
	void *ctx;
	int one; /* a lookup of one row: cb's value is ignored and the row answers 1 */
};

static int
act_row(const db_row_t *r, void *p)
{
	struct act_cb *c = p;
	store_activity_t a = {
	        .id = row_i64(r, 0),
	        .campaign_id = row_i64(r, 1),
	        .unit_id = row_i64(r, 2),
	        .unit_path = row_text(r, 3),
	        .kind = row_text(r, 4),
	        .title = row_text(r, 5),
	        .description = row_text(r, 6),
	        .start_at = row_i64(r, 7),
	        .end_at = row_i64(r, 8),
	        .place = row_text(r, 9),
	        .mode = row_text(r, 10),
	        .link = row_text(r, 11),
	        .audience = row_text(r, 12),
	        .expected = row_i64(r, 13),
	        .is_public = row_int(r, 14),
	        .late = row_int(r, 15),
	        .status = row_text(r, 16),
	        .actual = row_i64(r, 17),
	        .outcome = row_text(r, 18),
	        .version = row_i64(r, 19),
	        .created_at = row_i64(r, 20),
	        .created_by = row_i64(r, 21),
	        .updated_at = row_i64(r, 22),
	        .updated_by = row_i64(r, 23),
	        .client_id = row_text(r, 24),
	};
	if (c->one) {
		if (c->cb)
			c->cb(&a, c->ctx);
		return 1;
	}
	return c->cb(&a, c->ctx);
}

/* A failed write's result as the old code gave it: -1, logged (a unique clash too). */
static int
write_failed(const q_def_t *q, int rc)
{
	if (rc == DB_UNIQUE)
		log_error("Lỗi cơ sở dữ liệu (%s): %s", q->what, db_errmsg());
	return -1;
}

int
store_activity_save(store_t *st, const store_activity_t *a, int64_t expected_version, int64_t *id,
                    int64_t *version)
{
#define ACT_FIELDS                                                                                 \
	QI(a->campaign_id), QI(a->unit_id), QT(a->unit_path), QT(a->kind), QT(a->title),           \
	        QT(a->description), QI(a->start_at), QI(a->end_at), QT(a->place), QT(a->mode),     \
	        QT(a->link), QT(a->audience), QI(a->expected), QI(a->is_public != 0),              \
	        QI(a->late != 0), QT(a->status), QI(a->actual), QT(a->outcome)
	int64_t rid = a->id;
	if (a->id == 0) {
		int rc = db_insert(st, &Q_ACT_INSERT,
		                   QARGS(ACT_FIELDS, QI(a->created_at), QI(a->created_by),
		                         QI(a->updated_at), QI(a->updated_by), QT(a->client_id)),
		                   &rid);
		if (rc < 0)
			return write_failed(&Q_ACT_INSERT, rc);
	} else {
		int64_t changed = 0;
		int rc = db_exec(st, &Q_ACT_UPDATE,
		                 QARGS(ACT_FIELDS, QI(a->updated_at), QI(a->updated_by), QI(a->id),
		                       QI(expected_version)),
		                 &changed);
		if (rc < 0)
			return write_failed(&Q_ACT_UPDATE, rc);
		if (changed == 0) {
			/* the guarded update changed nothing: a newer version, or no such row */
			int64_t v;
			rc = db_i64(st, &Q_ACT_VERSION, QARGS(QI(a->id)), &v);
			if (rc == 1)
				return -2;
			if (rc == 0)
				log_error("Lỗi cơ sở dữ liệu (%s): không có hoạt động %lld",
				          Q_ACT_VERSION.what, (long long)a->id);
			return -1;
		}
	}
#undef ACT_FIELDS
	if (id)
		*id = rid;
	if (version)
		*version = a->id ? expected_version + 1 : 1;
	return 0;
}

int
store_activity_get(store_t *st, int64_t id, int (*cb)(const store_activity_t *, void *), void *ctx)
{
	struct act_cb c = {cb, ctx, 1};
	return db_each(st, &Q_ACT_GET, QARGS(QI(id)), act_row, &c);
}

int
store_activity_by_client(store_t *st, int64_t created_by, const char *client_id,
                         int (*cb)(const store_activity_t *, void *), void *ctx)
{
	struct act_cb c = {cb, ctx, 1};
	return db_each(st, &Q_ACT_BY_CLIENT, QARGS(QI(created_by), QT(client_id)), act_row, &c);
}

/* The smallest string above every string starting with prefix (drop trailing 0xFF bytes,
 * increment the last one), NUL-terminated (free it). NULL when there is no such bound:
 * every string is below it. */
static char *
prefix_upper(const char *prefix)
{
	size_t len = strlen(prefix);
	while (len > 0 && (unsigned char)prefix[len - 1] == 0xFF)
		len--;
	if (len == 0)
		return NULL;
	char *hi = xstrndup(prefix, len);
	hi[len - 1] = (char)((unsigned char)hi[len - 1] + 1);
	return hi;
}

/* The filter combination varies, so the statement is built per call from fixed
 * fragments, every value a numbered parameter (never spliced). */
int
store_activities_find(store_t *st, const store_activity_query_t *f,
                      int (*cb)(const store_activity_t *, void *), void *ctx)
{
	const char *path = f->path ? f->path : "";
	buf_t sql = BUF_INIT;
	qv_t v[12];
	size_t n = 0;
	char *hi = NULL;
	buf_puts(&sql, ACT_COLS " WHERE 1=1");
	if (*path && f->exact) {
		v[n++] = QT(path);
		buf_printf(&sql, " AND unit_path=?%zu", n);
	} else if (*path) {
		/* a range on activities_path, not LIKE: codes hold '_' and '.' */
		v[n++] = QT(path);
		buf_printf(&sql, " AND unit_path>=?%zu", n);
		if ((hi = prefix_upper(path)) != NULL) {
			v[n++] = QT(hi);
			buf_printf(&sql, " AND unit_path<?%zu", n);
		}
	}
	if (f->from) { /* inclusive: a zero-length event at from overlaps */
		v[n++] = QI(f->from);
		buf_printf(&sql, " AND end_at>=?%zu", n);
	}
	if (f->to) {
		v[n++] = QI(f->to);
		buf_printf(&sql, " AND start_at<?%zu", n);
	}
	if (f->campaign_id) {
		v[n++] = QI(f->campaign_id);
		buf_printf(&sql, " AND campaign_id=?%zu", n);
	}
	if (f->public_only)
		buf_puts(&sql, " AND is_public=1");
	if (f->kind && *f->kind) {
		v[n++] = QT(f->kind);
		buf_printf(&sql, " AND kind=?%zu", n);
	}
	if (f->mode && *f->mode) {
		v[n++] = QT(f->mode);
		buf_printf(&sql, " AND mode=?%zu", n);
	}
	/* no limit: the largest one both dialects take (LIMIT -1 is SQLite's alone) */
	v[n++] = QI(f->limit > 0 ? f->limit : INT64_MAX);
	v[n++] = QI(f->offset > 0 ? f->offset : 0);
	buf_printf(&sql, " ORDER BY start_at,id LIMIT ?%zu OFFSET ?%zu", n - 1, n);
	q_def_t q = {.what = "tìm hoạt động", .sql = buf_cstr(&sql)};
	struct act_cb c = {cb, ctx, 0};
	int ret = db_each_dyn(st, &q, v, n, act_row, &c);
	buf_free(&sql);
	free(hi);
	return ret;
}

/* ---- photos ---- */

/* "full" quoted: a reserved word of PostgreSQL's (FULL JOIN), a plain name to SQLite. */

static q_def_t Q_PHOTO_ADD = {
        .what = "ghi ảnh",
        .sql = "INSERT INTO activity_photos(activity_id,caption,width,height,\"full\",thumb,"
               "created_at,created_by) VALUES(?1,?2,?3,?4,?5,?6,?7,nullif(?8,0)) RETURNING id"};
static q_def_t Q_PHOTOS = {
        .what = "ảnh",
        .sql = "SELECT id,activity_id,caption,width,height,length(\"full\"),length(thumb),"
               "created_at,coalesce(created_by,0) FROM activity_photos"
               " WHERE activity_id=?1 ORDER BY id"};
static q_def_t Q_PHOTO_GET = {
        .what = "ảnh",
        .sql = "SELECT id,activity_id,caption,width,height,length(\"full\"),length(thumb),"
               "created_at,coalesce(created_by,0),CASE WHEN ?2=1 THEN thumb ELSE \"full\" END"
               " FROM activity_photos WHERE id=?1"};
static q_def_t Q_PHOTO_DELETE = {.what = "xóa ảnh",
                                 .sql = "DELETE FROM activity_photos WHERE id=?2 AND"
                                        " activity_id=?1"};

struct photo_cb {
	int (*list)(const store_photo_t *, void *);
	int (*get)(const store_photo_t *, const void *, size_t, void *);
	void *ctx;
};

static int
photo_row(const db_row_t *r, void *p)
{
	struct photo_cb *c = p;
	store_photo_t ph = {
	        .id = row_i64(r, 0),
	        .report_id = row_i64(r, 1),
	        .caption = row_text(r, 2),
	        .width = row_int(r, 3),
	        .height = row_int(r, 4),
	        .full_len = (size_t)row_i64(r, 5),
	        .thumb_len = (size_t)row_i64(r, 6),
	        .created_at = row_i64(r, 7),
	        .created_by = row_i64(r, 8),
	};
	if (c->get) {
		size_t n;
		const void *b = row_blob(r, 9, &n);
		c->get(&ph, b, n, c->ctx);
		return 1;
	}
	return c->list(&ph, c->ctx);
}

int
store_activity_photo_add(store_t *st, const store_photo_t *p, const void *full, const void *thumb,
                         int64_t *id)
{
	int64_t rid;
	int rc = db_insert(st, &Q_PHOTO_ADD,
	                   QARGS(QI(p->report_id), QT(p->caption), QI(p->width), QI(p->height),
	                         QB(full, p->full_len), QB(thumb, p->thumb_len), QI(p->created_at),
	                         QI(p->created_by)),
	                   &rid);
	if (rc < 0)
		return write_failed(&Q_PHOTO_ADD, rc);
	*id = rid;
	return 0;
}

int
store_activity_photos(store_t *st, int64_t activity_id, int (*cb)(const store_photo_t *, void *),
                      void *ctx)
{
	struct photo_cb c = {.list = cb, .ctx = ctx};
	return db_each(st, &Q_PHOTOS, QARGS(QI(activity_id)), photo_row, &c);
}

int
store_activity_photo_get(store_t *st, int64_t id, int thumb,
                         int (*cb)(const store_photo_t *, const void *, size_t, void *), void *ctx)
{
	struct photo_cb c = {.get = cb, .ctx = ctx};
	return db_each(st, &Q_PHOTO_GET, QARGS(QI(id), QI(thumb ? 1 : 0)), photo_row, &c);
}

int
store_activity_photo_delete(store_t *st, int64_t activity_id, int64_t id)
{
	int64_t changed = 0;
	int rc = db_exec(st, &Q_PHOTO_DELETE, QARGS(QI(activity_id), QI(id)), &changed);
	if (rc < 0)
		return write_failed(&Q_PHOTO_DELETE, rc);
	return changed > 0;
}
