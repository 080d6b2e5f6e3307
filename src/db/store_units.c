/* The unit registry's rows (store.h): kinds and units. Backend-neutral: the statements
 * are declared here once and run through the query layer (store_int.h). */
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
