/* The reporting loop's templates and campaigns (store.h). Backend-neutral: the statements
 * are declared here once and run through the query layer (store_int.h); the reports, their
 * values and reminders are in store_reports.c. */
#include "core/log.h"
#include "db/store_int.h"

/* A write's result as the old calls gave it: 0 done, -1 error (logged; a UNIQUE refusal,
 * which the layer leaves to the caller, too). */
static int
write_ok(int rc, const q_def_t *q)
{
	if (rc == DB_UNIQUE)
		log_error("Lỗi cơ sở dữ liệu (%s): %s", q->what, db_errmsg());
	return rc < 0 ? -1 : 0;
}

/* ---- templates ---- */

#define TEMPLATE_COLS "SELECT id,code,name,year,json,created_at FROM templates"

/* A new template takes the next id. */
static q_def_t Q_TPL_INSERT = {.what = "lưu mẫu báo cáo",
                               .sql = "INSERT INTO templates(code,name,year,json,created_at)"
                                      " VALUES(?1,?2,?3,?4,?5) RETURNING id"};
/* An upsert on id, not INSERT OR REPLACE: REPLACE would also resolve a clash on
 * code by deleting the other template (and orphaning its campaigns). */
static q_def_t Q_TPL_SAVE = {.what = "lưu mẫu báo cáo",
                             .sql = "INSERT INTO templates(id,code,name,year,json,created_at)"
                                    " VALUES(?1,?2,?3,?4,?5,?6)"
                                    " ON CONFLICT(id) DO UPDATE SET code=excluded.code,"
                                    "name=excluded.name,year=excluded.year,json=excluded.json,"
                                    "created_at=excluded.created_at RETURNING id"};
static q_def_t Q_TPL_GET = {.what = "đọc mẫu báo cáo", .sql = TEMPLATE_COLS " WHERE id=?1"};
static q_def_t Q_TPL_FIND = {.what = "đọc mẫu báo cáo", .sql = TEMPLATE_COLS " WHERE code=?1"};
static q_def_t Q_TPLS = {.what = "mẫu báo cáo", .sql = TEMPLATE_COLS " ORDER BY year DESC,code"};

int
store_template_save(store_t *st, const store_template_t *t, int64_t *id)
{
	int64_t got = 0;
	int rc;
	if (t->id == 0)
		rc = db_insert(st, &Q_TPL_INSERT,
		               QARGS(QTN(t->code), QTN(t->name), QI(t->year), QTN(t->json),
		                     QI(t->created_at)),
		               &got);
	else
		rc = db_insert(st, &Q_TPL_SAVE,
		               QARGS(QI(t->id), QTN(t->code), QTN(t->name), QI(t->year),
		                     QTN(t->json), QI(t->created_at)),
		               &got);
	if (rc == DB_UNIQUE)
		return -2; /* code is the only UNIQUE column besides the id upserted on */
	if (rc < 0)
		return -1;
	if (id)
		*id = t->id ? t->id : got;
	return 0;
}

struct template_cb {
	int (*cb)(const store_template_t *, void *);
	void *ctx;
	int one; /* a lookup: the callback's value is not the result */
};

static int
template_row(const db_row_t *r, void *p)
{
	struct template_cb *c = p;
	store_template_t t = {
	        .id = row_i64(r, 0),
	        .code = row_text(r, 1),
	        .name = row_text(r, 2),
	        .year = row_int(r, 3),
	        .json = row_text(r, 4),
	        .created_at = row_i64(r, 5),
	};
	if (c->one) {
		if (c->cb)
			c->cb(&t, c->ctx);
		return 1;
	}
	return c->cb(&t, c->ctx);
}

int
store_template_get(store_t *st, int64_t id, int (*cb)(const store_template_t *, void *), void *ctx)
{
	struct template_cb c = {cb, ctx, 1};
	return db_each(st, &Q_TPL_GET, QARGS(QI(id)), template_row, &c);
}

int
store_template_find(store_t *st, const char *code, int (*cb)(const store_template_t *, void *),
                    void *ctx)
{
	struct template_cb c = {cb, ctx, 1};
	return db_each(st, &Q_TPL_FIND, QARGS(QTN(code)), template_row, &c);
}

int
store_templates_each(store_t *st, int (*cb)(const store_template_t *, void *), void *ctx)
{
	struct template_cb c = {cb, ctx, 0};
	return db_each(st, &Q_TPLS, QARGS(), template_row, &c);
}

/* ---- campaigns ---- */

#define CAMPAIGN_COLS                                                                              \
	"SELECT id,issuer_unit_id,coalesce(parent_id,0),template_id,year,name,theme,start_date,"   \
	"end_date,registration_deadline,opening_time,opening_place,opening_participants,status,"   \
	"expected_kinds,deadlines,created_at,coalesce(created_by,0) FROM campaigns"

/* ?1..?15 the fields in struct order (see campaign_save), ?16/?17 created_at/by. */
static q_def_t Q_CAMP_INSERT = {
        .what = "lưu đợt",
        .sql = "INSERT INTO campaigns(issuer_unit_id,parent_id,template_id,year,name,"
               "theme,start_date,end_date,registration_deadline,opening_time,"
               "opening_place,opening_participants,status,expected_kinds,deadlines,"
               "created_at,created_by) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,"
               "?10,?11,?12,?13,?14,?15,?16,?17) RETURNING id"};
/* created_at/by record the creation and are never rewritten. ?16 is the id. */
static q_def_t Q_CAMP_UPDATE = {
        .what = "lưu đợt",
        .sql = "UPDATE campaigns SET issuer_unit_id=?1,parent_id=?2,"
               "template_id=?3,year=?4,name=?5,theme=?6,start_date=?7,end_date=?8,"
               "registration_deadline=?9,opening_time=?10,opening_place=?11,"
               "opening_participants=?12,status=?13,expected_kinds=?14,"
               "deadlines=?15 WHERE id=?16"};
static q_def_t Q_CAMP_GET = {.what = "đọc đợt", .sql = CAMPAIGN_COLS " WHERE id=?1"};
static q_def_t Q_CAMPS = {.what = "đợt", .sql = CAMPAIGN_COLS " ORDER BY year DESC,id"};

/* The fields in struct order: QID for the optional parent, QT ('' for NULL) for the
 * optional texts, QTN for the required ones (as bound before: NULL stays NULL). */
#define CAMPAIGN_FIELDS(c)                                                                         \
	QI((c)->issuer_unit_id), QID((c)->parent_id), QI((c)->template_id), QI((c)->year),         \
	        QTN((c)->name), QT((c)->theme), QI((c)->start_date), QI((c)->end_date),            \
	        QI((c)->registration_deadline), QT((c)->opening_time), QT((c)->opening_place),     \
	        QT((c)->opening_participants), QTN((c)->status), QT((c)->expected_kinds),          \
	        QT((c)->deadlines)

int
store_campaign_save(store_t *st, const store_campaign_t *c, int64_t *id)
{
	int64_t got = 0, changes = 0;
	int ret;
	if (c->id == 0) {
		ret = write_ok(
		        db_insert(st, &Q_CAMP_INSERT,
		                  QARGS(CAMPAIGN_FIELDS(c), QI(c->created_at), QID(c->created_by)),
		                  &got),
		        &Q_CAMP_INSERT);
	} else {
		ret = write_ok(
		        db_exec(st, &Q_CAMP_UPDATE, QARGS(CAMPAIGN_FIELDS(c), QI(c->id)), &changes),
		        &Q_CAMP_UPDATE);
		if (ret == 0 && changes == 0) {
			log_error("Lỗi cơ sở dữ liệu (lưu đợt): không có đợt %lld",
			          (long long)c->id);
			ret = -1;
		}
	}
	if (ret == 0 && id)
		*id = c->id ? c->id : got;
	return ret;
}

struct campaign_cb {
	int (*cb)(const store_campaign_t *, void *);
	void *ctx;
	int one;
};

static int
campaign_row(const db_row_t *r, void *p)
{
	struct campaign_cb *k = p;
	store_campaign_t c = {
	        .id = row_i64(r, 0),
	        .issuer_unit_id = row_i64(r, 1),
	        .parent_id = row_i64(r, 2),
	        .template_id = row_i64(r, 3),
	        .year = row_int(r, 4),
	        .name = row_text(r, 5),
	        .theme = row_text(r, 6),
	        .start_date = row_int(r, 7),
	        .end_date = row_int(r, 8),
	        .registration_deadline = row_int(r, 9),
	        .opening_time = row_text(r, 10),
	        .opening_place = row_text(r, 11),
	        .opening_participants = row_text(r, 12),
	        .status = row_text(r, 13),
	        .expected_kinds = row_text(r, 14),
	        .deadlines = row_text(r, 15),
	        .created_at = row_i64(r, 16),
	        .created_by = row_i64(r, 17),
	};
	if (k->one) {
		if (k->cb)
			k->cb(&c, k->ctx);
		return 1;
	}
	return k->cb(&c, k->ctx);
}

int
store_campaign_get(store_t *st, int64_t id, int (*cb)(const store_campaign_t *, void *), void *ctx)
{
	struct campaign_cb k = {cb, ctx, 1};
	return db_each(st, &Q_CAMP_GET, QARGS(QI(id)), campaign_row, &k);
}

/* The campaign helpers list campaigns while a page lists campaigns: the layer runs the
 * inner iteration on a statement of its own. */
int
store_campaigns_each(store_t *st, int (*cb)(const store_campaign_t *, void *), void *ctx)
{
	struct campaign_cb k = {cb, ctx, 0};
	return db_each(st, &Q_CAMPS, QARGS(), campaign_row, &k);
}
