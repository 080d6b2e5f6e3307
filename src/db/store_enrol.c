/* Class enrolment (store.h): a class activity's settings and its citizens' enrolments.
 * Backend-neutral: the statements are declared here once and run through the query layer
 * (store_int.h). */
#include <stdint.h>

#include "db/store_int.h"

/* ---- settings ---- */

static q_def_t Q_SETTINGS_GET = {
        .what = "đọc cài đặt đăng ký học",
        .sql = "SELECT activity_id, open, fee, capacity, deadline, contact_name, contact_phone,"
               " contact_email FROM enrol_settings WHERE activity_id=?1"};
/* one row per activity: the whole row is replaced (an upsert on the key, as INSERT OR
 * REPLACE did, in the form both dialects take) */
static q_def_t Q_SETTINGS_PUT = {
        .what = "lưu cài đặt đăng ký học",
        .sql = "INSERT INTO enrol_settings(activity_id, open, fee, capacity, deadline,"
               " contact_name, contact_phone, contact_email) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)"
               " ON CONFLICT(activity_id) DO UPDATE SET open=excluded.open, fee=excluded.fee,"
               " capacity=excluded.capacity, deadline=excluded.deadline,"
               " contact_name=excluded.contact_name, contact_phone=excluded.contact_phone,"
               " contact_email=excluded.contact_email"};

struct settings_cb {
	int (*cb)(const store_enrol_settings_t *, void *);
	void *ctx;
};

static int
settings_row(const db_row_t *r, void *p)
{
	struct settings_cb *c = p;
	store_enrol_settings_t e = {
	        .activity_id = row_i64(r, 0),
	        .open = row_int(r, 1),
	        .fee = row_i64(r, 2),
	        .capacity = row_i64(r, 3),
	        .deadline = row_i64(r, 4),
	        .contact_name = row_text(r, 5),
	        .contact_phone = row_text(r, 6),
	        .contact_email = row_text(r, 7),
	};
	if (c->cb)
		c->cb(&e, c->ctx);
	return 1;
}

int
store_enrol_settings_get(store_t *st, int64_t activity_id,
                         int (*cb)(const store_enrol_settings_t *, void *), void *ctx)
{
	struct settings_cb c = {cb, ctx};
	return db_each(st, &Q_SETTINGS_GET, QARGS(QI(activity_id)), settings_row, &c);
}

int
store_enrol_settings_put(store_t *st, const store_enrol_settings_t *e)
{
	int rc = db_exec(st, &Q_SETTINGS_PUT,
	                 QARGS(QI(e->activity_id), QI(e->open ? 1 : 0), QI(e->fee), QI(e->capacity),
	                       QI(e->deadline), QT(e->contact_name), QT(e->contact_phone),
	                       QT(e->contact_email)),
	                 NULL);
	return rc < 0 ? -1 : 0;
}

/* ---- enrolments ---- */

#define ENROL_COLS                                                                                 \
	"SELECT id, activity_id, code, name, phone, birth_year, note, status, attended,"           \
	" created_at, changed_at, promoted_at, purged_at FROM enrolments"

static q_def_t Q_OF = {.what = "đọc danh sách đăng ký học",
                       .sql = ENROL_COLS " WHERE activity_id=?1 ORDER BY id"};
static q_def_t Q_BY_CODE = {.what = "đọc danh sách đăng ký học",
                            .sql = ENROL_COLS " WHERE code=?1"};
static q_def_t Q_PHONE_SINCE = {.what = "đếm lượt đăng ký học",
                                .sql = "SELECT count(DISTINCT activity_id) FROM enrolments"
                                       " WHERE phone=?1 AND created_at>=?2"};
static q_def_t Q_ADD = {
        .what = "ghi đăng ký học",
        .sql = "INSERT INTO enrolments(activity_id, code, name, phone, birth_year, note, status,"
               " attended, created_at, changed_at, promoted_at)"
               " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?9,?10) RETURNING id"};
static q_def_t Q_UPDATE = {.what = "sửa đăng ký học",
                           .sql = "UPDATE enrolments SET status=?3, attended=?4, changed_at=?5,"
                                  " promoted_at=?6 WHERE activity_id=?1 AND id=?2"};
static q_def_t Q_PURGE = {
        .what = "xóa dữ liệu cá nhân đăng ký học",
        .sql = "UPDATE enrolments SET name='', phone='', note='', birth_year=0, purged_at=?2"
               " WHERE purged_at=0 AND activity_id IN"
               " (SELECT id FROM activities WHERE end_at<?1)"};

struct enrol_cb {
	int (*cb)(const store_enrolment_t *, void *);
	void *ctx;
	int n; /* the rows read */
};

/* Hands each row to cb (which may be NULL) until it returns non-zero; counts the rows. */
static int
enrol_row(const db_row_t *r, void *p)
{
	struct enrol_cb *c = p;
	store_enrolment_t e = {
	        .id = row_i64(r, 0),
	        .activity_id = row_i64(r, 1),
	        .code = row_text(r, 2),
	        .name = row_text(r, 3),
	        .phone = row_text(r, 4),
	        .birth_year = row_i64(r, 5),
	        .note = row_text(r, 6),
	        .status = row_text(r, 7),
	        .attended = row_int(r, 8),
	        .created_at = row_i64(r, 9),
	        .changed_at = row_i64(r, 10),
	        .promoted_at = row_i64(r, 11),
	        .purged_at = row_i64(r, 12),
	};
	c->n++;
	return c->cb && c->cb(&e, c->ctx) ? 1 : 0;
}

int
store_enrolments_of(store_t *st, int64_t activity_id, int (*cb)(const store_enrolment_t *, void *),
                    void *ctx)
{
	struct enrol_cb c = {cb, ctx, 0};
	return db_each(st, &Q_OF, QARGS(QI(activity_id)), enrol_row, &c) < 0 ? -1 : 0;
}

int
store_enrolment_by_code(store_t *st, const char *code, int (*cb)(const store_enrolment_t *, void *),
                        void *ctx)
{
	struct enrol_cb c = {cb, ctx, 0};
	if (db_each(st, &Q_BY_CODE, QARGS(QT(code)), enrol_row, &c) < 0)
		return -1;
	return c.n > 0;
}

int
store_enrol_phone_since(store_t *st, const char *phone, int64_t since, int64_t *n)
{
	int64_t v;
	if (db_i64(st, &Q_PHONE_SINCE, QARGS(QT(phone), QI(since)), &v) != 1)
		return -1;
	*n = v;
	return 0;
}

int
store_enrolment_add(store_t *st, const store_enrolment_t *e, int64_t *id)
{
	int64_t rid;
	int rc = db_insert(st, &Q_ADD,
	                   QARGS(QI(e->activity_id), QT(e->code), QT(e->name), QT(e->phone),
	                         QI(e->birth_year), QT(e->note), QT(e->status),
	                         QI(e->attended ? 1 : 0), QI(e->created_at), QI(e->promoted_at)),
	                   &rid);
	if (rc == DB_UNIQUE)
		return -3; /* the code is taken (the only unique column a new row can clash on) */
	if (rc < 0)
		return -1;
	if (id)
		*id = rid;
	return 0;
}

int
store_enrolment_update(store_t *st, int64_t activity_id, int64_t id, const char *status,
                       int attended, int64_t changed_at, int64_t promoted_at)
{
	int64_t changed = 0;
	if (db_exec(st, &Q_UPDATE,
	            QARGS(QI(activity_id), QI(id), QT(status), QI(attended ? 1 : 0), QI(changed_at),
	                  QI(promoted_at)),
	            &changed) < 0)
		return -1;
	return changed > 0;
}

int
store_enrol_purge(store_t *st, int64_t ended_before, int64_t now, int64_t *n)
{
	int64_t changed = 0;
	if (db_exec(st, &Q_PURGE, QARGS(QI(ended_before), QI(now)), &changed) < 0)
		return -1;
	if (n)
		*n = changed;
	return 0;
}
