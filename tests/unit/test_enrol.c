/* The enrolment service (src/service/enrol.c) on a real SQLite file: phone numbers, codes,
 * settings, capacity and the waiting list's order, the per-phone limits, the honeypot,
 * cancelling, attendance into the activity's participants, and the retention sweep. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include "core/arena.h"
#include "db/store.h"
#include "domain/activity.h"
#include "service/enrol.h"

static char tmpdir[] = "/tmp/test_enrol_XXXXXX";
static int dbseq;

typedef struct fixture {
	char path[256];
	store_t *st;
	int64_t unit;
	arena_t arena;
	enrol_ctx_t cx;
} fixture_t;

static int
find_unit(const store_unit_t *u, void *ctx)
{
	if (!strcmp(u->code, "C1"))
		*(int64_t *)ctx = u->id;
	return 0;
}

#define T0 1700000000 /* "now" of the tests; classes start 10 days later */
#define START (T0 + 10 * 86400)

static void
open_fixture(fixture_t *f)
{
	char err[512];
	memset(f, 0, sizeof *f);
	snprintf(f->path, sizeof f->path, "%s/e%d.db", tmpdir, ++dbseq);
	if (store_open(f->path, &f->st, err, sizeof err) < 0)
		fail_msg("store_open: %s", err);
	const store_unit_change_t rows[] = {
	        {0, "P1", "Tỉnh Một", "tinh", "VN", "", "", "", 1, 0},
	        {0, "C1", "Xã Một", "xa", "P1", "", "", "", 1, 0},
	};
	if (store_units_apply(f->st, rows, 2, err, sizeof err) < 0)
		fail_msg("units: %s", err);
	assert_int_equal(store_units_each(f->st, find_unit, &f->unit), 0);
	f->cx = (enrol_ctx_t){.store = f->st, .arena = &f->arena, .now = T0, .actor_id = 0};
}

static void
close_fixture(fixture_t *f)
{
	store_close(f->st);
	arena_free(&f->arena);
	unlink(f->path);
}

/* A public class of C1 (kind), open for enrolment with capacity places. */
static store_activity_t
add_class(fixture_t *f, const char *kind, int64_t capacity)
{
	store_activity_t a = {.unit_id = f->unit,
	                      .unit_path = "/VN/P1/C1/",
	                      .kind = kind,
	                      .title = "Lớp tin học cho người cao tuổi",
	                      .description = "",
	                      .start_at = START,
	                      .end_at = START + 2 * 3600,
	                      .place = "Nhà văn hóa",
	                      .mode = "truc_tiep",
	                      .link = "",
	                      .audience = "",
	                      .expected = -1,
	                      .is_public = 1,
	                      .status = "planned",
	                      .actual = -1,
	                      .outcome = "",
	                      .created_at = T0,
	                      .updated_at = T0};
	int64_t v;
	assert_int_equal(store_activity_save(f->st, &a, 0, &a.id, &v), 0);
	a.version = v;
	enrol_settings_input_t in = {.open = "1", .capacity = "0", .contact_name = "Cô Lan"};
	char cap[24];
	snprintf(cap, sizeof cap, "%lld", (long long)capacity);
	in.capacity = cap;
	enrol_outcome_t o;
	enrol_rc_t rc = enrol_settings_save(&f->cx, &a, &in, &o);
	assert_int_equal(rc, enrol_kind_ok(kind) ? ENROL_OK : ENROL_ERR_INVALID);
	return a;
}

static int64_t
raw_count(fixture_t *f, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return n;
}

static enrol_rc_t
join(fixture_t *f, const store_activity_t *a, const char *name, const char *phone,
     enrol_outcome_t *o)
{
	enrol_input_t in = {.name = name, .phone = phone, .consent = "1"};
	return enrol_join(&f->cx, a, &in, o);
}

static void
test_phone(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} ok[] = {
	        {"0912345678", "0912345678"},     {"+84 912 345 678", "0912345678"},
	        {"84912345678", "0912345678"},    {"091.234.5678", "0912345678"},
	        {"(091) 234-5678", "0912345678"}, {"+84 0912 345 678", "0912345678"},
	        {" 0387 654 321 ", "0387654321"}, {"+84.868.123.456", "0868123456"},
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		char out[11];
		assert_int_equal(enrol_phone_normalise(ok[i].in, strlen(ok[i].in), out), 0);
		assert_string_equal(out, ok[i].out);
	}
	static const char *bad[] = {"",
	                            "091234567",
	                            "09123456789",
	                            "0212345678",
	                            "1912345678",
	                            "+840912345678x",
	                            "09a2345678",
	                            "84 212 345 678",
	                            "0912+345678",
	                            "++84912345678",
	                            "+0912345678",
	                            "0012345678"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char out[11];
		assert_int_equal(enrol_phone_normalise(bad[i], strlen(bad[i]), out), -1);
	}
}

static void
test_code(void **state)
{
	(void)state;
	char c[ENROL_CODE_LEN + 1], d[ENROL_CODE_LEN + 1];
	for (int i = 0; i < 200; i++) {
		enrol_code_new(c);
		assert_int_equal(strlen(c), 8);
		assert_int_equal(strcspn(c, "01OIL"), 8);
		assert_int_equal(enrol_code_normalise(c, d), 0);
		assert_string_equal(c, d);
	}
	assert_int_equal(enrol_code_normalise("ab2c-d3ef ", d), 0);
	assert_string_equal(d, "AB2CD3EF");
	assert_int_equal(enrol_code_normalise("AB2CD3E0", d), -1); /* 0 is not in the alphabet */
	assert_int_equal(enrol_code_normalise("AB2CD3E", d), -1);
	assert_int_equal(enrol_code_normalise("AB2CD3EFG", d), -1);
}

static void
test_settings(void **state)
{
	(void)state;
	fixture_t f;
	open_fixture(&f);
	/* a talk does not take enrolments */
	add_class(&f, "hoi_thao", 10);
	assert_int_equal(raw_count(&f, "SELECT count(*) FROM enrol_settings"), 0);
	store_activity_t a = add_class(&f, "lop_cds", 10);
	enrol_outcome_t o;
	enrol_settings_input_t bad = {.open = "1",
	                              .fee = "mười nghìn",
	                              .capacity = "-3",
	                              .deadline_date = "31/12/2030",
	                              .contact_email = "lan@"};
	assert_int_equal(enrol_settings_save(&f.cx, &a, &bad, &o), ENROL_ERR_INVALID);
	const char *want[] = {"enrol_fee", "enrol_capacity", "enrol_deadline",
	                      "enrol_contact_email"};
	assert_int_equal(o.nerrs, 4);
	for (int i = 0; i < 4; i++)
		assert_string_equal(o.errs[i].field, want[i]);
	assert_non_null(strstr(o.errs[2].msg, "sau giờ bắt đầu"));
	/* nothing written: the earlier settings stand */
	assert_int_equal(raw_count(&f, "SELECT capacity FROM enrol_settings"), 10);
	enrol_settings_input_t good = {.open = "on",
	                               .fee = "1.234.567",
	                               .capacity = "25",
	                               .deadline_date = "5-11-2023",
	                               .deadline_time = "17h",
	                               .contact_phone = "0225 3123 456"};
	assert_int_equal(enrol_settings_save(&f.cx, &a, &good, &o), ENROL_OK);
	store_enrol_settings_t s;
	assert_int_equal(enrol_settings_load(&f.cx, a.id, &s), 1);
	assert_int_equal(s.fee, 1234567);
	assert_int_equal(s.capacity, 25);
	assert_int_equal(s.deadline, activity_vn_time(19666, 17 * 60)); /* 05/11/2023 */
	assert_string_equal(enrol_fee_text(&f.arena, s.fee), "1.234.567 đ");
	assert_string_equal(enrol_fee_text(&f.arena, 0), "Miễn phí");
	close_fixture(&f);
}

/* Capacity 2: two enrolled, then the waiting list in order; a cancel promotes the first
 * waiting, not the last. */
static void
test_waitlist(void **state)
{
	(void)state;
	fixture_t f;
	open_fixture(&f);
	store_activity_t a = add_class(&f, "lop_cds", 2);
	enrol_outcome_t o[4];
	const char *phones[] = {"0912000001", "0912000002", "0912000003", "0912000004"};
	const char *want[] = {"enrolled", "enrolled", "waiting", "waiting"};
	for (int i = 0; i < 4; i++) {
		f.cx.now = T0 + i;
		assert_int_equal(join(&f, &a, "Nguyễn Văn An", phones[i], &o[i]), ENROL_OK);
		assert_string_equal(o[i].status, want[i]);
		assert_int_equal(strlen(o[i].code), 8);
	}
	assert_int_equal(o[2].position, 1);
	assert_int_equal(o[3].position, 2);
	assert_non_null(strstr(o[3].message, "vị trí 2"));
	/* wrong last digits: refused, nothing changes */
	enrol_outcome_t c;
	assert_int_equal(enrol_cancel(&f.cx, a.id, o[1].code, "0001", &c), ENROL_ERR_INVALID);
	assert_string_equal(c.errs[0].field, "code");
	assert_int_equal(raw_count(&f, "SELECT count(*) FROM enrolments WHERE status='cancelled'"),
	                 0);
	/* another class's id with a right code: refused the same way */
	assert_int_equal(enrol_cancel(&f.cx, a.id + 100, o[1].code, "0002", &c), ENROL_ERR_INVALID);
	/* cancelling a waiting place promotes nobody */
	assert_int_equal(enrol_cancel(&f.cx, a.id, o[3].code, "0004", &c), ENROL_OK);
	assert_int_equal(c.promoted_id, 0);
	f.cx.now = T0 + 100;
	assert_int_equal(enrol_cancel(&f.cx, a.id, o[1].code, "0002", &c), ENROL_OK);
	assert_int_equal(c.promoted_id, o[2].id);
	enrol_outcome_t s;
	assert_int_equal(enrol_status(&f.cx, a.id, o[2].code, &s), ENROL_OK);
	assert_string_equal(s.status, "enrolled");
	assert_int_equal(
	        raw_count(&f, "SELECT promoted_at FROM enrolments WHERE phone='0912000003'"),
	        T0 + 100);
	/* cancelling again is harmless */
	assert_int_equal(enrol_cancel(&f.cx, a.id, o[1].code, "0002", &c), ENROL_OK);
	enrol_list_t l;
	assert_int_equal(enrol_list(&f.cx, a.id, &l), 0);
	assert_int_equal(l.enrolled, 2);
	assert_int_equal(l.waiting, 0);
	assert_int_equal(l.cancelled, 2);
	/* two more places: the waiting list moves up in order */
	assert_int_equal(join(&f, &a, "Đỗ Văn Chiến", "0912000006", &o[0]), ENROL_OK);
	assert_int_equal(join(&f, &a, "Hồ Thị Duyên", "0912000007", &o[1]), ENROL_OK);
	assert_int_equal(join(&f, &a, "Vũ Văn Em", "0912000008", &o[3]), ENROL_OK);
	assert_string_equal(o[3].status, "waiting");
	enrol_settings_input_t more = {.open = "1", .capacity = "4", .contact_name = "Cô Lan"};
	assert_int_equal(enrol_settings_save(&f.cx, &a, &more, &c), ENROL_OK);
	assert_int_equal(c.promoted_id, o[0].id);
	assert_int_equal(enrol_status(&f.cx, a.id, o[1].code, &s), ENROL_OK);
	assert_string_equal(s.status, "enrolled");
	assert_int_equal(enrol_status(&f.cx, a.id, o[3].code, &s), ENROL_OK);
	assert_int_equal(s.position, 1);
	/* closing with the capacity left empty keeps it */
	enrol_settings_input_t shut = {.capacity = ""};
	assert_int_equal(enrol_settings_save(&f.cx, &a, &shut, &c), ENROL_OK);
	assert_int_equal(raw_count(&f, "SELECT capacity FROM enrol_settings"), 4);
	assert_int_equal(join(&f, &a, "Lý Thị Gấm", "0912000009", &s), ENROL_ERR_NOT_FOUND);
	assert_int_equal(enrol_settings_save(&f.cx, &a, &more, &c), ENROL_OK);
	/* a new enrolment waits behind Em: the class is full again */
	assert_int_equal(join(&f, &a, "Trần Thị Bình", "0912000005", &o[0]), ENROL_OK);
	assert_string_equal(o[0].status, "waiting");
	assert_int_equal(o[0].position, 2);
	close_fixture(&f);
}

static void
test_limits_and_bad_input(void **state)
{
	(void)state;
	fixture_t f;
	open_fixture(&f);
	store_activity_t a[6];
	for (int i = 0; i < 6; i++)
		a[i] = add_class(&f, "lop_ky_nang_song", 30);
	enrol_outcome_t o;
	assert_int_equal(join(&f, &a[0], "Lê Văn Cường", "+84 987 654 321", &o), ENROL_OK);
	/* the same phone again in the same class, typed another way: refused without saying
	 * whether it is enrolled */
	enrol_outcome_t again;
	assert_int_equal(join(&f, &a[0], "Người khác", "0987654321", &again), ENROL_ERR_PHONE);
	assert_string_equal(again.errs[0].field, "phone");
	for (int i = 1; i < 5; i++)
		assert_int_equal(join(&f, &a[i], "Lê Văn Cường", "0987654321", &o), ENROL_OK);
	/* a sixth class within 24 hours: the same sentence */
	enrol_outcome_t six;
	assert_int_equal(join(&f, &a[5], "Lê Văn Cường", "0987654321", &six), ENROL_ERR_PHONE);
	assert_string_equal(six.message, again.message);
	f.cx.now = T0 + 86400 + 1;
	assert_int_equal(join(&f, &a[5], "Lê Văn Cường", "0987654321", &six), ENROL_OK);
	int64_t rows = raw_count(&f, "SELECT count(*) FROM enrolments");
	/* bad input: every field named, nothing written */
	enrol_input_t bad = {.name = " ", .phone = "12345", .birth_year = "1850", .note = "a\x01"};
	assert_int_equal(enrol_join(&f.cx, &a[1], &bad, &o), ENROL_ERR_INVALID);
	assert_int_equal(o.nerrs, 5);
	const char *fields[] = {"name", "phone", "birth_year", "note", "consent"};
	for (int i = 0; i < 5; i++)
		assert_string_equal(o.errs[i].field, fields[i]);
	/* the honeypot: told it worked, nothing kept */
	enrol_input_t bot = {.name = "Bot",
	                     .phone = "0911111111",
	                     .consent = "1",
	                     .website = "http://spam.example"};
	assert_int_equal(enrol_join(&f.cx, &a[1], &bot, &o), ENROL_OK);
	assert_int_equal(o.id, 0);
	assert_int_equal(strlen(o.code), 8);
	assert_int_equal(raw_count(&f, "SELECT count(*) FROM enrolments"), rows);
	/* after the deadline (the start, none set) */
	f.cx.now = START;
	assert_int_equal(join(&f, &a[2], "Phạm Thị Dung", "0911222333", &o), ENROL_ERR_CLOSED);
	assert_non_null(strstr(o.message, "hết hạn"));
	assert_int_equal(raw_count(&f, "SELECT count(*) FROM enrolments"), rows);
	close_fixture(&f);
}

static void
test_attendance_and_retention(void **state)
{
	(void)state;
	fixture_t f;
	open_fixture(&f);
	store_activity_t a = add_class(&f, "lop_cds", 5);
	enrol_outcome_t o[3];
	assert_int_equal(join(&f, &a, "Nguyễn Thị Hoa", "0912100001", &o[0]), ENROL_OK);
	assert_int_equal(join(&f, &a, "Đỗ Văn Hùng", "0912100002", &o[1]), ENROL_OK);
	assert_int_equal(join(&f, &a, "Vũ Thị Mai", "0912100003", &o[2]), ENROL_OK);
	int64_t ids[] = {o[0].id, o[2].id};
	enrol_outcome_t r;
	/* before the class starts: refused */
	assert_int_equal(enrol_attendance(&f.cx, &a, ids, 2, &r), ENROL_ERR_CLOSED);
	f.cx.now = START + 3 * 3600;
	assert_int_equal(enrol_attendance(&f.cx, &a, ids, 2, &r), ENROL_OK);
	assert_int_equal(r.attended, 2);
	assert_int_equal(raw_count(&f, "SELECT actual FROM activities"), 2);
	assert_int_equal(raw_count(&f, "SELECT status='held' FROM activities"), 1);
	/* an old version: refused, nothing written */
	int64_t one[] = {o[1].id};
	assert_int_equal(enrol_attendance(&f.cx, &a, one, 1, &r), ENROL_ERR_STALE);
	assert_int_equal(raw_count(&f, "SELECT count(*) FROM enrolments WHERE attended=1"), 2);
	/* retention: 90 days after the end, not before */
	int64_t n;
	f.cx.now = a.end_at + 89 * 86400;
	assert_int_equal(enrol_purge(&f.cx, 90, &n), 0);
	assert_int_equal(n, 0);
	f.cx.now = a.end_at + 90 * 86400 + 1;
	assert_int_equal(enrol_purge(&f.cx, 90, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(raw_count(&f, "SELECT count(*) FROM enrolments WHERE name='' AND phone=''"
	                               " AND purged_at>0"),
	                 3);
	enrol_list_t l;
	assert_int_equal(enrol_list(&f.cx, a.id, &l), 0);
	assert_int_equal(l.enrolled, 3);
	assert_int_equal(l.attended, 2);
	/* a purged code no longer cancels */
	assert_int_equal(enrol_cancel(&f.cx, a.id, o[0].code, "0001", &r), ENROL_ERR_INVALID);
	close_fixture(&f);
}

/* ---------- faults: all or nothing ---------- */

/* The rows a workflow may touch, as text. */
static void
snapshot(fixture_t *f, char *out, size_t cap)
{
	sqlite3 *db;
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(
	        sqlite3_prepare_v2(
	                db,
	                "SELECT (SELECT group_concat(id||status||attended||promoted_at, ',')"
	                " FROM enrolments) || '|' || (SELECT group_concat(status||actual||"
	                "version, ',') FROM activities)",
	                -1, &q, NULL),
	        SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	snprintf(out, cap, "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	sqlite3_close(db);
}

enum { OP_JOIN, OP_CANCEL, OP_ATTEND };

/* Fail the workflow's store calls one by one: each failure leaves the rows as they were and
 * says so (ENROL_ERR_STORE); the run without a failure changes them. */
static void
faults_in(int op)
{
	int injected_any = 0;
	for (int n = 0;; n++) {
		fixture_t f;
		open_fixture(&f);
		store_activity_t a = add_class(&f, "lop_cds", 1);
		enrol_outcome_t o1, o2, r;
		assert_int_equal(join(&f, &a, "Nguyễn Văn An", "0912000001", &o1), ENROL_OK);
		assert_int_equal(join(&f, &a, "Trần Thị Bình", "0912000002", &o2), ENROL_OK);
		char before[512], after[512];
		snapshot(&f, before, sizeof before);
		store_fault_install(f.st, n); /* the nth write, begin or commit fails */
		int64_t ids[] = {o1.id};
		enrol_rc_t rc;
		if (op == OP_JOIN) {
			rc = join(&f, &a, "Lê Văn Cường", "0912000003", &r);
		} else if (op == OP_CANCEL) {
			rc = enrol_cancel(&f.cx, a.id, o1.code, "0001", &r);
		} else {
			f.cx.now = START + 60;
			rc = enrol_attendance(&f.cx, &a, ids, 1, &r);
		}
		int injected = store_fault_remove(f.st);
		snapshot(&f, after, sizeof after);
		if (injected) {
			injected_any = 1;
			if (rc != ENROL_ERR_STORE || strcmp(before, after))
				fail_msg("fault %d: rc %d, %s -> %s", n, rc, before, after);
			assert_non_null(r.message);
		} else {
			assert_int_equal(rc, ENROL_OK);
			assert_string_not_equal(before, after);
			if (op == OP_CANCEL)
				assert_int_equal(r.promoted_id, o2.id);
		}
		close_fixture(&f);
		if (!injected)
			break;
	}
	assert_true(injected_any);
}

static void
test_faults(void **state)
{
	(void)state;
	faults_in(OP_JOIN);
	faults_in(OP_CANCEL);
	faults_in(OP_ATTEND);
}

int
main(void)
{
	if (sodium_init() < 0 || !mkdtemp(tmpdir))
		return 1;
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_phone),
	        cmocka_unit_test(test_code),
	        cmocka_unit_test(test_settings),
	        cmocka_unit_test(test_waitlist),
	        cmocka_unit_test(test_limits_and_bad_input),
	        cmocka_unit_test(test_attendance_and_retention),
	        cmocka_unit_test(test_faults),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(tmpdir);
	return rc;
}
