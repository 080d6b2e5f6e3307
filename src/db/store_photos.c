/* Report photos (store.h). Backend-neutral: the statements are declared here once and run
 * through the query layer (store_int.h). "full" is quoted: PostgreSQL reserves FULL (as in
 * FULL JOIN), SQLite reads the quoted name as the same column. */
#include "core/log.h"
#include "db/store_int.h"

static q_def_t Q_PHOTO_ADD = {.what = "ghi ảnh",
                              .sql = "INSERT INTO report_photos(report_id,caption,width,height,"
                                     "\"full\",thumb,created_at,created_by)"
                                     " VALUES(?1,?2,?3,?4,?5,?6,?7,nullif(?8,0)) RETURNING id"};

int
store_photo_add(store_t *st, const store_photo_t *p, const void *full, const void *thumb,
                int64_t *id)
{
	int64_t got = 0;
	int rc = db_insert(st, &Q_PHOTO_ADD,
	                   QARGS(QI(p->report_id), QT(p->caption), QI(p->width), QI(p->height),
	                         QB(full, p->full_len), QB(thumb, p->thumb_len), QI(p->created_at),
	                         QI(p->created_by)),
	                   &got);
	if (rc == DB_UNIQUE)
		log_error("Lỗi cơ sở dữ liệu (%s): %s", Q_PHOTO_ADD.what, db_errmsg());
	if (rc < 0)
		return -1;
	*id = got;
	return 0;
}

/* The photo's fields; photo_get's ninth column is the image itself. */
#define PHOTO_FIELDS                                                                               \
	"id,report_id,caption,width,height,length(\"full\"),length(thumb),created_at,"             \
	"coalesce(created_by,0)"
static q_def_t Q_PHOTOS = {.what = "ảnh",
                           .sql = "SELECT " PHOTO_FIELDS " FROM report_photos WHERE report_id=?1"
                                  " ORDER BY id"};
static q_def_t Q_PHOTO_GET = {.what = "ảnh",
                              .sql = "SELECT " PHOTO_FIELDS
                                     ",CASE WHEN ?2<>0 THEN thumb ELSE \"full\" END"
                                     " FROM report_photos WHERE id=?1"};
static q_def_t Q_PHOTO_DELETE = {.what = "xóa ảnh",
                                 .sql = "DELETE FROM report_photos WHERE id=?2 AND report_id=?1"};

static void
read_photo(const db_row_t *r, store_photo_t *p)
{
	*p = (store_photo_t){
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
}

struct photo_cb {
	int (*cb)(const store_photo_t *, void *);
	void *ctx;
};

static int
photo_row(const db_row_t *r, void *p)
{
	struct photo_cb *c = p;
	store_photo_t x;
	read_photo(r, &x);
	return c->cb(&x, c->ctx);
}

int
store_photos_of_report(store_t *st, int64_t report_id, int (*cb)(const store_photo_t *, void *),
                       void *ctx)
{
	struct photo_cb c = {cb, ctx};
	return db_each(st, &Q_PHOTOS, QARGS(QI(report_id)), photo_row, &c);
}

struct photo_data_cb {
	int (*cb)(const store_photo_t *, const void *, size_t, void *);
	void *ctx;
};

/* 1 found, whatever the callback says */
static int
photo_data_row(const db_row_t *r, void *p)
{
	struct photo_data_cb *c = p;
	store_photo_t x;
	read_photo(r, &x);
	size_t n = 0;
	const void *b = row_blob(r, 9, &n);
	c->cb(&x, b, n, c->ctx);
	return 1;
}

int
store_photo_get(store_t *st, int64_t id, int thumb,
                int (*cb)(const store_photo_t *, const void *, size_t, void *), void *ctx)
{
	struct photo_data_cb c = {cb, ctx};
	return db_each(st, &Q_PHOTO_GET, QARGS(QI(id), QI(thumb ? 1 : 0)), photo_data_row, &c);
}

/* 1 deleted, 0 no such photo of that report, -1 error */
int
store_photo_delete(store_t *st, int64_t report_id, int64_t id)
{
	int64_t changes = 0;
	if (db_exec(st, &Q_PHOTO_DELETE, QARGS(QI(report_id), QI(id)), &changes) < 0)
		return -1;
	return changes > 0;
}
