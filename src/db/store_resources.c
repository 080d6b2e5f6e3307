/* Open learning resources (học liệu mở, store.h): the rows and their files' bytes.
 * Backend-neutral: the statements are declared here once and run through the query layer
 * (store_int.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/mem.h"
#include "db/store_int.h"

#define RES_COLS                                                                                   \
	"SELECT id,unit_id,unit_path,coalesce(campaign_id,0),title,description,topic,audience,"    \
	"licence,link,file_name,file_type,file_size,published_on,status,fold,version,created_at,"  \
	"coalesce(created_by,0),updated_at,coalesce(updated_by,0) FROM resources"

/* ?1..?15 the fields from unit_id to fold, ?16..?19 created_at/by, updated_at/by. */
static q_def_t Q_INSERT = {
        .what = "lưu học liệu",
        .sql = "INSERT INTO resources(unit_id,unit_path,campaign_id,title,description,topic,"
               "audience,licence,link,file_name,file_type,file_size,published_on,status,fold,"
               "version,created_at,created_by,updated_at,updated_by) VALUES(?1,?2,nullif(?3,0),"
               "?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,1,?16,nullif(?17,0),?18,nullif(?19,0))"
               " RETURNING id"};
/* ?1..?15 as Q_INSERT, ?16/?17 updated_at/by, ?18 the id, ?19 the expected version. */
static q_def_t Q_UPDATE = {
        .what = "lưu học liệu",
        .sql = "UPDATE resources SET unit_id=?1,unit_path=?2,campaign_id=nullif(?3,0),title=?4,"
               "description=?5,topic=?6,audience=?7,licence=?8,link=?9,file_name=?10,"
               "file_type=?11,file_size=?12,published_on=?13,status=?14,fold=?15,"
               "version=version+1,updated_at=?16,updated_by=nullif(?17,0)"
               " WHERE id=?18 AND version=?19"};
static q_def_t Q_FILE_DELETE = {.what = "lưu học liệu",
                                .sql = "DELETE FROM resource_files WHERE resource_id=?1"};
static q_def_t Q_FILE_INSERT = {.what = "lưu học liệu",
                                .sql = "INSERT INTO resource_files(resource_id,bytes)"
                                       " VALUES(?1,?2)"};
static q_def_t Q_GET = {.what = "đọc học liệu", .sql = RES_COLS " WHERE id=?1"};
static q_def_t Q_FILE = {.what = "đọc tệp học liệu",
                         .sql = "SELECT bytes FROM resource_files WHERE resource_id=?1"};

struct res_cb {
	int (*cb)(const store_resource_t *, void *);
	void *ctx;
	int one; /* a lookup of one row: cb's value is ignored and the row answers 1 */
};

static int
res_row(const db_row_t *r, void *p)
{
	struct res_cb *c = p;
	store_resource_t res = {
	        .id = row_i64(r, 0),
	        .unit_id = row_i64(r, 1),
	        .unit_path = row_text(r, 2),
	        .campaign_id = row_i64(r, 3),
	        .title = row_text(r, 4),
	        .description = row_text(r, 5),
	        .topic = row_text(r, 6),
	        .audience = row_text(r, 7),
	        .licence = row_text(r, 8),
	        .link = row_text(r, 9),
	        .file_name = row_text(r, 10),
	        .file_type = row_text(r, 11),
	        .file_size = row_i64(r, 12),
	        .published_on = row_int(r, 13),
	        .status = row_text(r, 14),
	        .fold = row_text(r, 15),
	        .version = row_i64(r, 16),
	        .created_at = row_i64(r, 17),
	        .created_by = row_i64(r, 18),
	        .updated_at = row_i64(r, 19),
	        .updated_by = row_i64(r, 20),
	};
	if (c->one) {
		if (c->cb)
			c->cb(&res, c->ctx);
		return 1;
	}
	return c->cb(&res, c->ctx);
}

/* The row, then its bytes, in one transaction (nested as a savepoint inside a caller's). */
int
store_resource_save(store_t *st, const store_resource_t *r, const void *file, size_t len,
                    int64_t expected_version, int64_t *id, int64_t *version)
{
#define RES_FIELDS                                                                                 \
	QI(r->unit_id), QT(r->unit_path), QI(r->campaign_id), QT(r->title), QT(r->description),    \
	        QT(r->topic), QT(r->audience), QT(r->licence), QT(r->link), QT(r->file_name),      \
	        QT(r->file_type), QI(r->file_size), QI(r->published_on), QT(r->status),            \
	        QT(r->fold)
	if (store_tx_begin(st) < 0)
		return -1;
	int ret = 0;
	int64_t rid = r->id;
	if (!r->id) {
		if (db_insert(st, &Q_INSERT,
		              QARGS(RES_FIELDS, QI(r->created_at), QI(r->created_by),
		                    QI(r->updated_at), QI(r->updated_by)),
		              &rid) < 0)
			ret = -1;
	} else {
		int64_t changed = 0;
		if (db_exec(st, &Q_UPDATE,
		            QARGS(RES_FIELDS, QI(r->updated_at), QI(r->updated_by), QI(r->id),
		                  QI(expected_version)),
		            &changed) < 0)
			ret = -1;
		else if (changed == 0)
			ret = -2; /* a newer version (the caller read the row, so it exists) */
	}
#undef RES_FIELDS
	/* new bytes, or a link now: the old bytes go */
	if (ret == 0 && (file || !r->file_name || !*r->file_name) &&
	    db_exec(st, &Q_FILE_DELETE, QARGS(QI(rid)), NULL) < 0)
		ret = -1;
	if (ret == 0 && file &&
	    db_exec(st, &Q_FILE_INSERT, QARGS(QI(rid), QB(file, len)), NULL) < 0)
		ret = -1;
	if (ret != 0) {
		store_tx_rollback(st);
		return ret;
	}
	if (store_tx_commit(st) < 0) /* a failed commit has rolled back */
		return -1;
	if (id)
		*id = rid;
	if (version)
		*version = r->id ? expected_version + 1 : 1;
	return 0;
}

int
store_resource_get(store_t *st, int64_t id, int (*cb)(const store_resource_t *, void *), void *ctx)
{
	struct res_cb c = {cb, ctx, 1};
	return db_each(st, &Q_GET, QARGS(QI(id)), res_row, &c);
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

/* A resource query's statement, built per call: the WHERE clause of f in both dialects
 * (only the word test differs), its values in v. */
typedef struct res_where {
	buf_t sql, pg;
	qv_t v[24];
	size_t n;
	char *hi;
} res_where_t;

/* Appends pre, the next parameter (valued x) and post to both texts; PostgreSQL's
 * pre_pg in place of pre where given. */
static void
where_add(res_where_t *w, const char *pre, const char *pre_pg, const char *post, qv_t x)
{
	w->v[w->n++] = x;
	buf_printf(&w->sql, "%s?%zu%s", pre, w->n, post);
	buf_printf(&w->pg, "%s?%zu%s", pre_pg ? pre_pg : pre, w->n, post);
}

static void
where_build(res_where_t *w, const store_resource_query_t *f)
{
	const char *path = f->path ? f->path : "";
	buf_puts(&w->sql, " WHERE 1=1");
	buf_puts(&w->pg, " WHERE 1=1");
	if (*path && f->exact) {
		where_add(w, " AND unit_path=", NULL, "", QT(path));
	} else if (*path) {
		/* a range, as activities */
		where_add(w, " AND unit_path>=", NULL, "", QT(path));
		if ((w->hi = prefix_upper(path)) != NULL)
			where_add(w, " AND unit_path<", NULL, "", QT(w->hi));
	}
	if (f->status && *f->status)
		where_add(w, " AND status=", NULL, "", QT(f->status));
	if (f->topic && *f->topic)
		where_add(w, " AND topic=", NULL, "", QT(f->topic));
	if (f->audience && *f->audience)
		where_add(w, " AND audience=", NULL, "", QT(f->audience));
	if (f->type && !strcmp(f->type, "link")) {
		buf_puts(&w->sql, " AND link<>''");
		buf_puts(&w->pg, " AND link<>''");
	} else if (f->type && *f->type) {
		where_add(w, " AND file_type=", NULL, "", QT(f->type));
	}
	/* each word starts a word of fold: instr is SQLite's, strpos PostgreSQL's */
	for (int k = 0; k < f->nwords && k < 8; k++)
		where_add(w, " AND instr(' '||fold,' '||", " AND strpos(' '||fold,' '||", ")>0",
		          QT(f->words[k]));
	if (f->from_day)
		where_add(w, " AND published_on>=", NULL, "", QI(f->from_day));
	if (f->to_day)
		where_add(w, " AND published_on<=", NULL, "", QI(f->to_day));
}

static int
count_row(const db_row_t *r, void *p)
{
	*(int64_t *)p = row_i64(r, 0);
	return 1;
}

int
store_resources_find(store_t *st, const store_resource_query_t *f,
                     int (*cb)(const store_resource_t *, void *), void *ctx, int64_t *total)
{
	res_where_t w = {.sql = BUF_INIT, .pg = BUF_INIT};
	buf_t sql = BUF_INIT, pg = BUF_INIT;
	int ret = 0;
	where_build(&w, f);
	if (total) {
		buf_puts(&sql, "SELECT count(*) FROM resources");
		buf_puts(&sql, buf_cstr(&w.sql));
		buf_puts(&pg, "SELECT count(*) FROM resources");
		buf_puts(&pg, buf_cstr(&w.pg));
		q_def_t q = {.what = "đếm học liệu", .sql = buf_cstr(&sql), .pg = buf_cstr(&pg)};
		if (db_each_dyn(st, &q, w.v, w.n, count_row, total) != 1) {
			ret = -1;
			goto out;
		}
		buf_reset(&sql);
		buf_reset(&pg);
	}
	/* no limit: the largest one both dialects take (LIMIT -1 is SQLite's alone) */
	w.v[w.n++] = QI(f->limit > 0 ? f->limit : INT64_MAX);
	w.v[w.n++] = QI(f->offset > 0 ? f->offset : 0);
	buf_puts(&sql, RES_COLS);
	buf_puts(&sql, buf_cstr(&w.sql));
	buf_printf(&sql, " ORDER BY published_on DESC, id DESC LIMIT ?%zu OFFSET ?%zu", w.n - 1,
	           w.n);
	buf_puts(&pg, RES_COLS);
	buf_puts(&pg, buf_cstr(&w.pg));
	buf_printf(&pg, " ORDER BY published_on DESC, id DESC LIMIT ?%zu OFFSET ?%zu", w.n - 1,
	           w.n);
	q_def_t q = {.what = "tìm học liệu", .sql = buf_cstr(&sql), .pg = buf_cstr(&pg)};
	struct res_cb c = {cb, ctx, 0};
	ret = db_each_dyn(st, &q, w.v, w.n, res_row, &c);
out:
	buf_free(&w.sql);
	buf_free(&w.pg);
	buf_free(&sql);
	buf_free(&pg);
	free(w.hi);
	return ret;
}

struct file_cb {
	int (*cb)(const void *data, size_t len, void *ctx);
	void *ctx;
};

static int
file_row(const db_row_t *r, void *p)
{
	struct file_cb *c = p;
	size_t n;
	const void *b = row_blob(r, 0, &n);
	c->cb(b ? b : "", n, c->ctx);
	return 1;
}

int
store_resource_file(store_t *st, int64_t id, int (*cb)(const void *data, size_t len, void *ctx),
                    void *ctx)
{
	struct file_cb c = {cb, ctx};
	return db_each(st, &Q_FILE, QARGS(QI(id)), file_row, &c);
}
