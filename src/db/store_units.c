/* The unit registry's rows (store.h): kinds and units. Backend-neutral: the statements
 * are declared here once and run through the query layer (store_int.h). */
#include <stdio.h>

#include "db/store_int.h"

static q_def_t Q_KINDS = {.what = "đọc loại đơn vị",
                          .sql = "SELECT code,name,is_locality,sort FROM unit_kinds"
                                 " ORDER BY sort,code"};
static q_def_t Q_UNITS = {.what = "đọc đơn vị",
                          .sql = "SELECT id,code,name,kind,coalesce(parent_id,0),locality_code,"
                                 "email,phone,active,valid_from,valid_to FROM units ORDER BY id"};
static q_def_t Q_GEN = {.what = "đọc thế hệ đơn vị",
                        .sql = "SELECT value FROM meta WHERE key='units_generation'"};

struct kind_cb {
	int (*cb)(const store_kind_t *, void *);
	void *ctx;
};

static int
kind_row(const db_row_t *r, void *p)
{
	struct kind_cb *c = p;
	store_kind_t k = {row_text(r, 0), row_text(r, 1), row_int(r, 2), row_int(r, 3)};
	return c->cb(&k, c->ctx);
}

int
store_kinds_each(store_t *st, int (*cb)(const store_kind_t *, void *), void *ctx)
{
	struct kind_cb c = {cb, ctx};
	return db_each(st, &Q_KINDS, QARGS(), kind_row, &c);
}

struct unit_cb {
	int (*cb)(const store_unit_t *, void *);
	void *ctx;
};

static int
unit_row(const db_row_t *r, void *p)
{
	struct unit_cb *c = p;
	store_unit_t u = {
	        .id = row_i64(r, 0),
	        .code = row_text(r, 1),
	        .name = row_text(r, 2),
	        .kind = row_text(r, 3),
	        .parent_id = row_i64(r, 4),
	        .locality_code = row_text(r, 5),
	        .email = row_text(r, 6),
	        .phone = row_text(r, 7),
	        .active = row_int(r, 8),
	        .valid_from = row_int(r, 9),
	        .valid_to = row_int(r, 10),
	};
	return c->cb(&u, c->ctx);
}

int
store_units_each(store_t *st, int (*cb)(const store_unit_t *, void *), void *ctx)
{
	struct unit_cb c = {cb, ctx};
	return db_each(st, &Q_UNITS, QARGS(), unit_row, &c);
}

int64_t
store_units_generation(store_t *st)
{
	int64_t v = -1;
	return db_i64(st, &Q_GEN, QARGS(), &v) == 1 ? v : -1;
}

/* ---- applying changes (store_units_apply, and the registry's dated changes) ---- */

/* updated_at's text, now, in UTC */
#define NOW_SQ "strftime('%Y-%m-%dT%H:%M:%SZ','now')"
#define NOW_PG "to_char(now() AT TIME ZONE 'UTC','YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define UNIT_UPDATE(now)                                                                           \
	"UPDATE units SET name=?2,kind=?3,locality_code=?4,email=?5,phone=?6,active=?7,"           \
	"updated_at=" now " WHERE id=?1"

static q_def_t Q_INSERT = {.what = "thêm đơn vị",
                           .sql = "INSERT INTO units(code,name,kind,locality_code,email,phone,"
                                  "active,valid_from) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)"
                                  " RETURNING id"};
static q_def_t Q_UPDATE = {
        .what = "sửa đơn vị", .sql = UNIT_UPDATE(NOW_SQ), .pg = UNIT_UPDATE(NOW_PG)};
/* undated imports edit the current (open-ended) units */
static q_def_t Q_SET_PARENT = {.what = "đặt đơn vị cấp trên",
                               .sql = "UPDATE units SET parent_id=(SELECT id FROM units"
                                      " WHERE code=?2 AND valid_to=2147483647)"
                                      " WHERE code=?1 AND valid_to=2147483647"
                                      " AND (SELECT id FROM units WHERE code=?2"
                                      " AND valid_to=2147483647) IS NOT NULL"};
static q_def_t Q_GEN_BUMP = {.what = "tăng thế hệ đơn vị",
                             .sql = "UPDATE meta SET value=value+1"
                                    " WHERE key='units_generation'"};

/* A failed write: err names the unit, with the store's message. */
static int
unit_failed(char *err, size_t errlen, const char *code)
{
	snprintf(err, errlen, "Không ghi được đơn vị %s: %s", code, db_errmsg());
	return -1;
}

/* The fields a row writes from ?2 on: name, kind, locality, email, phone, active (a NULL
 * pointer binds NULL, as it always did: the NOT NULL columns refuse it). */
#define UNIT_FIELDS(r)                                                                             \
	QTN((r)->name), QTN((r)->kind), QTN((r)->locality_code), QTN((r)->email), QTN((r)->phone), \
	        QI((r)->active)

/* Inserts r valid from valid_from: 0 with *id, or -1 with err. */
int
store_unit_insert(store_t *st, const store_unit_change_t *r, int32_t valid_from, int64_t *id,
                  char *err, size_t errlen)
{
	if (db_insert(st, &Q_INSERT, QARGS(QTN(r->code), UNIT_FIELDS(r), QI(valid_from)), id) < 0)
		return unit_failed(err, errlen, r->code);
	return 0;
}

/* Corrects r (by id) in place: 0 with *changes, or -1 with err. */
int
store_unit_update(store_t *st, const store_unit_change_t *r, int64_t *changes, char *err,
                  size_t errlen)
{
	if (db_exec(st, &Q_UPDATE, QARGS(QI(r->id), UNIT_FIELDS(r)), changes) < 0)
		return unit_failed(err, errlen, r->code);
	return 0;
}

/* Moves the units generation: 0, or -1 with err. */
int
store_units_bump(store_t *st, char *err, size_t errlen)
{
	if (db_exec(st, &Q_GEN_BUMP, QARGS(), NULL) < 0)
		return unit_failed(err, errlen, "-");
	return 0;
}

int
store_units_apply(store_t *st, const store_unit_change_t *rows, size_t n, char *err, size_t errlen)
{
	/* Inside a store_tx_begin transaction this is a savepoint: the same all-or-nothing for
	 * this batch, and the outer transaction is left to its owner. */
	if (store_tx_begin(st) < 0) {
		snprintf(err, errlen, "Lỗi cơ sở dữ liệu: %s", db_errmsg());
		return -1;
	}
	/* Pass 1: rows themselves; pass 2: parents by code, so a batch may carry parents
	 * after their children and foreign keys hold at every statement. */
	for (size_t i = 0; i < n; i++) {
		const store_unit_change_t *r = &rows[i];
		int64_t id;
		if (r->id == 0) {
			if (store_unit_insert(st, r, r->valid_from, &id, err, errlen) < 0)
				goto rollback;
			continue;
		}
		if (store_unit_update(st, r, NULL, err, errlen) < 0)
			goto rollback;
	}
	for (size_t i = 0; i < n; i++) {
		const store_unit_change_t *r = &rows[i];
		if (r->parent_code == NULL)
			continue;
		int64_t changed = 0;
		if (db_exec(st, &Q_SET_PARENT, QARGS(QTN(r->code), QTN(r->parent_code)), &changed) <
		    0) {
			unit_failed(err, errlen, r->code);
			goto rollback;
		}
		if (changed != 1) {
			snprintf(err, errlen, "Không tìm thấy đơn vị cấp trên %s của đơn vị %s.",
			         r->parent_code, r->code);
			goto rollback;
		}
	}
	if (n > 0 && store_units_bump(st, err, errlen) < 0)
		goto rollback;
	if (store_tx_commit(st) < 0) { /* (rolled back already) */
		snprintf(err, errlen, "Lỗi cơ sở dữ liệu: %s", db_errmsg());
		return -1;
	}
	return 0;
rollback:
	store_tx_rollback(st);
	return -1;
}
