/* The registry through time (store.h): placements, lineage, dated imports and their
 * uploads. Backend-neutral: the statements are declared here once and run through the
 * query layer (store_int.h). */
#include <stdio.h>
#include <stdlib.h>

#include "core/mem.h"
#include "db/store_int.h"

/* The unit writes store_units_apply also makes (store_units.c): one declaration of each
 * statement, shared. 0, or -1 with err naming the unit. */
int store_unit_insert(store_t *st, const store_unit_change_t *r, int32_t valid_from, int64_t *id,
                      char *err, size_t errlen);
int store_unit_update(store_t *st, const store_unit_change_t *r, int64_t *changes, char *err,
                      size_t errlen);
int store_units_bump(store_t *st, char *err, size_t errlen);

/* ---- placements and lineage ---- */

static q_def_t Q_PLACEMENTS = {.what = "đọc vị trí đơn vị",
                               .sql = "SELECT unit_id,valid_to,parent_id FROM unit_placements"
                                      " ORDER BY unit_id,valid_to"};
static q_def_t Q_PLACEMENTS_OF = {.what = "đọc vị trí đơn vị",
                                  .sql = "SELECT unit_id,valid_to,parent_id FROM unit_placements"
                                         " WHERE unit_id=?1 ORDER BY valid_to"};

struct placement_cb {
	int (*cb)(const store_placement_t *, void *);
	void *ctx;
};

static int
placement_row(const db_row_t *r, void *p)
{
	struct placement_cb *c = p;
	store_placement_t pl = {row_i64(r, 0), row_int(r, 1), row_i64(r, 2)};
	return c->cb(&pl, c->ctx);
}

int
store_placements_each(store_t *st, int (*cb)(const store_placement_t *, void *), void *ctx)
{
	struct placement_cb c = {cb, ctx};
	return db_each(st, &Q_PLACEMENTS, QARGS(), placement_row, &c);
}

int
store_placements_of(store_t *st, int64_t unit_id, int (*cb)(const store_placement_t *, void *),
                    void *ctx)
{
	struct placement_cb c = {cb, ctx};
	return db_each(st, &Q_PLACEMENTS_OF, QARGS(QI(unit_id)), placement_row, &c);
}

static q_def_t Q_LINEAGE = {.what = "đọc quan hệ kế thừa",
                            .sql = "SELECT new_id,old_id,kind FROM unit_lineage"
                                   " ORDER BY new_id,old_id"};
static q_def_t Q_LINEAGE_OF = {.what = "đọc quan hệ kế thừa",
                               .sql = "SELECT new_id,old_id,kind FROM unit_lineage"
                                      " WHERE new_id=?1 UNION ALL"
                                      " SELECT new_id,old_id,kind FROM unit_lineage"
                                      " WHERE old_id=?1 ORDER BY 1,2"};

struct lineage_cb {
	int (*cb)(const store_lineage_t *, void *);
	void *ctx;
};

static int
lineage_row(const db_row_t *r, void *p)
{
	struct lineage_cb *c = p;
	store_lineage_t l = {row_i64(r, 0), row_i64(r, 1), row_text(r, 2)};
	return c->cb(&l, c->ctx);
}

int
store_lineage_each(store_t *st, int (*cb)(const store_lineage_t *, void *), void *ctx)
{
	struct lineage_cb c = {cb, ctx};
	return db_each(st, &Q_LINEAGE, QARGS(), lineage_row, &c);
}

int
store_lineage_of(store_t *st, int64_t unit_id, int (*cb)(const store_lineage_t *, void *),
                 void *ctx)
{
	struct lineage_cb c = {cb, ctx};
	return db_each(st, &Q_LINEAGE_OF, QARGS(QI(unit_id)), lineage_row, &c);
}

/* ---- dated imports ---- */

static q_def_t Q_REG_IMPORTS = {.what = "đọc lịch sử nhập danh mục",
                                .sql = "SELECT id,as_of,at,coalesce(\"by\",0),source,summary"
                                       " FROM registry_imports ORDER BY id DESC"};
static q_def_t Q_REG_DATE = {.what = "đọc ngày của danh mục",
                             .sql = "SELECT coalesce(max(as_of),0) FROM registry_imports"};
static q_def_t Q_CODE_LAST = {.what = "đọc ngày cuối của mã đơn vị",
                              .sql = "SELECT valid_to FROM units WHERE code=?1"
                                     " ORDER BY valid_from DESC LIMIT 1"};

struct import_cb {
	int (*cb)(const store_registry_import_t *, void *);
	void *ctx;
};

static int
import_row(const db_row_t *r, void *p)
{
	struct import_cb *c = p;
	store_registry_import_t i = {
	        .id = row_i64(r, 0),
	        .as_of = row_int(r, 1),
	        .at = row_i64(r, 2),
	        .by = row_i64(r, 3),
	        .source = row_text(r, 4),
	        .summary = row_text(r, 5),
	};
	return c->cb(&i, c->ctx);
}

int
store_registry_imports(store_t *st, int (*cb)(const store_registry_import_t *, void *), void *ctx)
{
	struct import_cb c = {cb, ctx};
	return db_each(st, &Q_REG_IMPORTS, QARGS(), import_row, &c);
}

int32_t
store_registry_date(store_t *st)
{
	int64_t v = -1;
	return db_i64(st, &Q_REG_DATE, QARGS(), &v) == 1 ? (int32_t)v : -1;
}

int
store_unit_code_last_day(store_t *st, const char *code, int32_t *day)
{
	int64_t v = 0;
	int rc = db_i64(st, &Q_CODE_LAST, QARGS(QTN(code)), &v);
	if (rc == 1)
		*day = (int32_t)v;
	return rc;
}

/* ---- a dated change ---- */

#define NOW_SQ "strftime('%Y-%m-%dT%H:%M:%SZ','now')"
#define NOW_PG "to_char(now() AT TIME ZONE 'UTC','YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define UNIT_CLOSE(now)                                                                            \
	"UPDATE units SET valid_to=?2,updated_at=" now " WHERE id=?1 AND valid_from<=?2"
#define SET_PARENT_AT(now)                                                                         \
	"UPDATE units SET parent_id=(SELECT id FROM units WHERE code=?2"                           \
	" AND valid_from<=?3 AND valid_to>=?3),updated_at=" now " WHERE id=?1"                     \
	" AND (SELECT id FROM units WHERE code=?2 AND valid_from<=?3 AND valid_to>=?3)"            \
	" IS NOT NULL"

static q_def_t Q_UNIT_CLOSE = {
        .what = "đóng đơn vị", .sql = UNIT_CLOSE(NOW_SQ), .pg = UNIT_CLOSE(NOW_PG)};
static q_def_t Q_SET_PARENT_AT = {.what = "đặt đơn vị cấp trên theo ngày",
                                  .sql = SET_PARENT_AT(NOW_SQ),
                                  .pg = SET_PARENT_AT(NOW_PG)};
static q_def_t Q_PLACE_ADD = {.what = "ghi vị trí đơn vị",
                              .sql = "INSERT INTO unit_placements(unit_id,valid_to,parent_id)"
                                     " SELECT id,?2,parent_id FROM units WHERE id=?1"
                                     " AND parent_id IS NOT NULL"
                                     " ON CONFLICT(unit_id,valid_to) DO NOTHING"};
static q_def_t Q_LOCALITY_SET = {.what = "đặt mã địa bàn",
                                 .sql = "UPDATE units SET locality_code=?2 WHERE id=?1"};
static q_def_t Q_LINEAGE_PUT = {.what = "ghi quan hệ kế thừa",
                                .sql = "INSERT INTO unit_lineage(new_id,old_id,kind)"
                                       " SELECT id,?2,?3 FROM units WHERE code=?1"
                                       " AND valid_from<=?4 AND valid_to>=?4"
                                       " ON CONFLICT(new_id,old_id) DO UPDATE"
                                       " SET kind=excluded.kind"};
static q_def_t Q_REG_LOG = {.what = "ghi lịch sử nhập danh mục",
                            .sql = "INSERT INTO registry_imports(as_of,at,\"by\",source,summary)"
                                   " VALUES(?1,?2,nullif(?3,0),?4,?5)"};

/* Runs a write expected to change exactly one row; else err names what and code (a failed
 * write: "Không ghi được đơn vị code: ..."). */
static int
write_one(store_t *st, const q_def_t *q, const qv_t *v, size_t n, char *err, size_t errlen,
          const char *what, const char *code)
{
	int64_t changed = 0;
	if (db_exec(st, q, v, n, &changed) < 0) {
		snprintf(err, errlen, "Không ghi được đơn vị %s: %s", code, db_errmsg());
		return -1;
	}
	if (changed != 1) {
		snprintf(err, errlen, "%s %s.", what, code);
		return -1;
	}
	return 0;
}

/* Runs a write; a failure's err names code. */
static int
write_done(store_t *st, const q_def_t *q, const qv_t *v, size_t n, char *err, size_t errlen,
           const char *code)
{
	if (db_exec(st, q, v, n, NULL) < 0) {
		snprintf(err, errlen, "Không ghi được đơn vị %s: %s", code, db_errmsg());
		return -1;
	}
	return 0;
}

int
store_registry_apply(store_t *st, const store_registry_change_t *c, char *err, size_t errlen)
{
	int ret = -1;
	int32_t day = c->as_of;
	char idbuf[32];
	int64_t *opened = xcalloc(c->nopen ? c->nopen : 1, sizeof *opened);
	/* inside a caller's transaction, a savepoint: all or nothing for this change alone */
	if (store_tx_begin(st) < 0) {
		snprintf(err, errlen, "Lỗi cơ sở dữ liệu: %s", db_errmsg());
		goto out;
	}
	for (size_t i = 0; i < c->nclose; i++) {
		snprintf(idbuf, sizeof idbuf, "%lld", (long long)c->close[i]);
		if (write_one(st, &Q_UNIT_CLOSE, QARGS(QI(c->close[i]), QI(day - 1)), err, errlen,
		              "Không đóng được đơn vị (mở sau ngày đóng) id", idbuf) < 0)
			goto rollback;
	}
	for (size_t i = 0; i < c->nopen; i++)
		if (store_unit_insert(st, &c->open[i], day, &opened[i], err, errlen) < 0)
			goto rollback;
	for (size_t i = 0; i < c->nupdate; i++) {
		const store_unit_change_t *r = &c->update[i];
		int64_t changed = 0;
		if (store_unit_update(st, r, &changed, err, errlen) < 0)
			goto rollback;
		if (changed != 1) {
			snprintf(err, errlen, "%s %s.", "Không tìm thấy đơn vị", r->code);
			goto rollback;
		}
	}
	/* parents of opened and corrected units, by code on the day */
	for (size_t i = 0; i < c->nopen + c->nupdate; i++) {
		const store_unit_change_t *r =
		        i < c->nopen ? &c->open[i] : &c->update[i - c->nopen];
		if (r->parent_code == NULL)
			continue;
		if (write_one(st, &Q_SET_PARENT_AT,
		              QARGS(QI(i < c->nopen ? opened[i] : r->id), QTN(r->parent_code),
		                    QI(day)),
		              err, errlen, "Không tìm thấy đơn vị cấp trên của đơn vị",
		              r->code) < 0)
			goto rollback;
	}
	for (size_t i = 0; i < c->nmoves; i++) {
		const store_unit_move_t *m = &c->moves[i];
		snprintf(idbuf, sizeof idbuf, "%lld", (long long)m->unit_id);
		if (write_done(st, &Q_PLACE_ADD, QARGS(QI(m->unit_id), QI(day - 1)), err, errlen,
		               idbuf) < 0)
			goto rollback;
		if (write_one(st, &Q_SET_PARENT_AT,
		              QARGS(QI(m->unit_id), QTN(m->parent_code), QI(day)), err, errlen,
		              "Không tìm thấy đơn vị cấp trên mới", m->parent_code) < 0)
			goto rollback;
		if (m->locality_code &&
		    write_done(st, &Q_LOCALITY_SET, QARGS(QI(m->unit_id), QTN(m->locality_code)),
		               err, errlen, idbuf) < 0)
			goto rollback;
	}
	for (size_t i = 0; i < c->nlineage; i++) {
		const store_lineage_change_t *l = &c->lineage[i];
		if (write_one(st, &Q_LINEAGE_PUT,
		              QARGS(QTN(l->new_code), QI(l->old_id), QTN(l->kind), QI(day)), err,
		              errlen, "Không ghi được quan hệ kế thừa của đơn vị", l->new_code) < 0)
			goto rollback;
	}
	int changed = c->nclose + c->nopen + c->nupdate + c->nmoves + c->nlineage > 0;
	if (changed || c->summary) {
		if (write_done(st, &Q_REG_LOG,
		               QARGS(QI(day), QI(c->at), QI(c->by), QT(c->source), QT(c->summary)),
		               err, errlen, "-") < 0)
			goto rollback;
	}
	if (changed && store_units_bump(st, err, errlen) < 0)
		goto rollback;
	if (store_tx_commit(st) < 0) { /* (rolled back already) */
		snprintf(err, errlen, "Lỗi cơ sở dữ liệu: %s", db_errmsg());
		goto out;
	}
	ret = 0;
	goto out;
rollback:
	store_tx_rollback(st);
out:
	free(opened);
	return ret;
}

/* ---- uploads kept between the admin page's preview and its confirmation ---- */

static q_def_t Q_UPLOAD_PUT = {.what = "lưu tệp danh mục tải lên",
                               .sql = "INSERT INTO registry_uploads(user_id,created_at,as_of,"
                                      "generation,units_name,units,merges_name,merges)"
                                      " VALUES(?1,?2,?3,?4,?5,?6,?7,?8) RETURNING id"};
static q_def_t Q_UPLOAD_GET = {.what = "đọc tệp danh mục tải lên",
                               .sql = "SELECT id,user_id,created_at,as_of,generation,units_name,"
                                      "units,merges_name,merges FROM registry_uploads"
                                      " WHERE id=?1"};
static q_def_t Q_UPLOAD_DELETE = {.what = "xoá tệp danh mục tải lên",
                                  .sql = "DELETE FROM registry_uploads WHERE id=?1"
                                         " OR created_at<?2"};

int
store_registry_upload_put(store_t *st, const store_registry_upload_t *u, int64_t *id)
{
	/* units: an empty blob when there are none; merges: NULL when there are none */
	int64_t got; /* *id is left as it was unless the upload is kept */
	int rc =
	        db_insert(st, &Q_UPLOAD_PUT,
	                  QARGS(QI(u->user_id), QI(u->created_at), QI(u->as_of), QI(u->generation),
	                        QTN(u->units_name), QB(u->units, u->units_len), QTN(u->merges_name),
	                        u->merges ? QB(u->merges, u->merges_len) : QNULL),
	                  &got);
	if (rc < 0)
		return -1;
	*id = got;
	return 0;
}

struct upload_cb {
	int (*cb)(const store_registry_upload_t *, void *);
	void *ctx;
};

static int
upload_row(const db_row_t *r, void *p)
{
	struct upload_cb *c = p;
	store_registry_upload_t u = {
	        .id = row_i64(r, 0),
	        .user_id = row_i64(r, 1),
	        .created_at = row_i64(r, 2),
	        .as_of = row_int(r, 3),
	        .generation = row_i64(r, 4),
	        .units_name = row_text(r, 5),
	        .merges_name = row_text(r, 7),
	};
	u.units = row_blob(r, 6, &u.units_len);
	u.merges = row_blob(r, 8, &u.merges_len);
	int ret = c->cb ? c->cb(&u, c->ctx) : 0;
	return ret ? ret : 1;
}

int
store_registry_upload_get(store_t *st, int64_t id,
                          int (*cb)(const store_registry_upload_t *, void *), void *ctx)
{
	struct upload_cb c = {cb, ctx};
	return db_each(st, &Q_UPLOAD_GET, QARGS(QI(id)), upload_row, &c);
}

int
store_registry_upload_delete(store_t *st, int64_t id, int64_t older_than)
{
	return db_exec(st, &Q_UPLOAD_DELETE, QARGS(QI(id), QI(older_than)), NULL) < 0 ? -1 : 0;
}
