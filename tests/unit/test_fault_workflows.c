/* Every workflow that changes data, with the store failing its Nth write call (a statement,
 * a begin or a commit: store_fault_install) for N = 1, 2, 3, ... until a run fires no fault:
 * a report's save and submit (a level's with its frozen totals, its re-forwarding with the
 * reason), the reviews (return, approve, reopen), a campaign's status, a values import, an
 * undated units import, a document's publication and an activity's save. After each failed
 * run the workflow answers an error in Vietnamese and the database is exactly as before
 * (a digest of every table's rows, the audit log apart, and the audit log's count): no
 * change without its audit entry, no audit entry without its change. After the clean run
 * the change is there with exactly one audit entry of its action. The steps each workflow
 * took are printed. On a SQLite file, and with --pg on PostgreSQL (test_fault_workflows_pg). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "demo_fixture.h"
#include "store_backend.h"

#include "core/arena.h"
#include "docs/issue.h"
#include "domain/activity.h"
#include "domain/audit.h"
#include "domain/campaign.h"
#include "service/reporting.h"
#include "service/values_file.h"
#include "service/values_import.h"

#define NOW 1665000000 /* 5/10/2022 */

static char spec[300];
static store_t *st;
static unit_tree_t *tree;
static rep_live_t *live;
static live_campaign_t *lc;
static int64_t campaign_id, template_id;
static arena_t arena;

/* the operator's rights, as a signed-in user (made in setup) for the audit entries */
static rep_actor_t operator_actor = {0, "kiemthu", "127.0.0.1", NULL, 0, 1};
static audit_actor_t by = {0, "kiemthu", "127.0.0.1"};

static int32_t
unit(const char *code)
{
	int32_t i = unit_tree_find_code(tree, code);
	assert_true(i >= 0);
	return i;
}

/* ---------- the database's state: every table's rows, and the audit log's ---------- */

/* FNV-1a, two lanes with different offsets: rows are hashed one by one and the hashes
 * added, so the order rows come in does not count. */
typedef struct {
	uint64_t a, b;
} digest_t;

static void
digest_row(digest_t *d, const char *table, const unsigned char *row, size_t len)
{
	uint64_t x = 0xcbf29ce484222325ULL, y = 0x84222325cbf29ce4ULL;
	for (const char *p = table; *p; p++) {
		x = (x ^ (unsigned char)*p) * 0x100000001b3ULL;
		y = (y ^ (unsigned char)*p) * 0x100000001b3ULL;
	}
	for (size_t k = 0; k < len; k++) {
		x = (x ^ row[k]) * 0x100000001b3ULL;
		y = (y ^ row[k]) * 0x00000100000001b3ULL + 1;
	}
	d->a += x;
	d->b += y;
}

/* Every base table but the audit log, as one digest (SQLite: each column's type and
 * bytes; PostgreSQL: each row as text). */
static void
digest(char out[40])
{
	digest_t d = {0, 0};
	if (tb.pg) {
		PGconn *c = PQconnectdb(spec);
		assert_int_equal(PQstatus(c), CONNECTION_OK);
		PGresult *t = PQexec(c, "SELECT table_name FROM information_schema.tables WHERE "
		                        "table_schema = current_schema() AND table_type = 'BASE "
		                        "TABLE' AND table_name <> 'audit_log'");
		assert_int_equal(PQresultStatus(t), PGRES_TUPLES_OK);
		for (int i = 0; i < PQntuples(t); i++) {
			const char *name = PQgetvalue(t, i, 0);
			char sql[300];
			snprintf(sql, sizeof sql, "SELECT x::text FROM \"%s\" x", name);
			PGresult *r = PQexec(c, sql);
			assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
			for (int k = 0; k < PQntuples(r); k++)
				digest_row(&d, name, (const unsigned char *)PQgetvalue(r, k, 0),
				           (size_t)PQgetlength(r, k, 0));
			PQclear(r);
		}
		PQclear(t);
		PQfinish(c);
	} else {
		sqlite3 *h;
		sqlite3_stmt *t, *q;
		assert_int_equal(sqlite3_open_v2(spec, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
		sqlite3_busy_timeout(h, 5000);
		assert_int_equal(sqlite3_prepare_v2(h,
		                                    "SELECT name FROM sqlite_master WHERE type = "
		                                    "'table' AND name NOT LIKE 'sqlite_%' AND name "
		                                    "<> 'audit_log'",
		                                    -1, &t, NULL),
		                 SQLITE_OK);
		while (sqlite3_step(t) == SQLITE_ROW) {
			const char *name = (const char *)sqlite3_column_text(t, 0);
			char *sql = sqlite3_mprintf("SELECT * FROM \"%w\"", name);
			assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &q, NULL), SQLITE_OK);
			sqlite3_free(sql);
			while (sqlite3_step(q) == SQLITE_ROW) {
				unsigned char row[1 << 14];
				size_t len = 0;
				digest_t cols = {0, 0};
				for (int k = 0; k < sqlite3_column_count(q); k++) {
					const unsigned char *b = sqlite3_column_blob(q, k);
					size_t n = (size_t)sqlite3_column_bytes(q, k);
					row[0] = (unsigned char)sqlite3_column_type(q, k);
					row[1] = (unsigned char)k;
					len = n < sizeof row - 2 ? n : sizeof row - 2;
					if (len)
						memcpy(row + 2, b, len);
					digest_row(&cols, name, row, len + 2);
				}
				/* a row is its columns in order: fold the column sums once more */
				uint64_t both[2] = {cols.a * 31 + cols.b, cols.b};
				digest_row(&d, name, (const unsigned char *)both, sizeof both);
			}
			sqlite3_finalize(q);
		}
		sqlite3_finalize(t);
		sqlite3_close(h);
	}
	snprintf(out, 40, "%016llx%016llx", (unsigned long long)d.a, (unsigned long long)d.b);
}

static int
audit_count(const char *action)
{
	char sql[200];
	if (action)
		snprintf(sql, sizeof sql, "SELECT count(*) FROM audit_log WHERE action = '%s'",
		         action);
	else
		snprintf(sql, sizeof sql, "SELECT count(*) FROM audit_log");
	int n = tb_count(spec, sql);
	assert_true(n >= 0);
	return n;
}

/* A Vietnamese sentence: some text with a letter outside ASCII (its diacritics). */
static void
assert_vietnamese(const char *what, const char *msg)
{
	if (msg == NULL || *msg == '\0')
		fail_msg("%s: an error without a message", what);
	for (const char *p = msg; *p; p++)
		if ((unsigned char)*p >= 0xC0)
			return;
	fail_msg("%s: the message is not Vietnamese: %s", what, msg);
}

/* ---------- the runner ---------- */

/* A workflow's run: 0 done, or an error with *msg (Vietnamese). */
typedef int (*work_fn)(void *arg, const char **msg);

/* Runs work with the Nth write failing, N = 1, 2, ... until no fault fires. Each failed run:
 * an error with a Vietnamese message, the database and the audit log untouched. The clean
 * run: done, the database changed, and exactly one more audit entry of each of actions
 * (NULL-terminated; every entry it adds is one of them). How many write steps it took. */
static int
every_fault(const char *name, work_fn work, void *arg, const char *const *actions)
{
	char before[40], after[40];
	int n;
	for (n = 1;; n++) {
		digest(before);
		int audits = audit_count(NULL);
		arena_free(&arena);
		store_fault_install(st, n - 1);
		const char *msg = NULL;
		int rc = work(arg, &msg);
		int hit = store_fault_remove(st);
		digest(after);
		int audits_after = audit_count(NULL);
		if (!hit) {
			if (rc != 0)
				fail_msg("%s without a fault: %d %s", name, rc, msg ? msg : "");
			if (strcmp(before, after) == 0)
				fail_msg("%s: the clean run changed nothing", name);
			int want = 0;
			for (size_t k = 0; actions[k]; k++)
				want++;
			if (audits_after - audits != want)
				fail_msg("%s: %d audit entries for %d actions", name,
				         audits_after - audits, want);
			break;
		}
		if (rc == 0)
			fail_msg("%s: a fault at write %d, yet done", name, n);
		assert_vietnamese(name, msg);
		if (strcmp(before, after) != 0)
			fail_msg(
			        "%s: a fault at write %d left a change behind (audit entries %d -> "
			        "%d)",
			        name, n, audits, audits_after);
		if (audits_after != audits)
			fail_msg("%s: a fault at write %d left %d audit entries without their "
			         "change",
			         name, n, audits_after - audits);
		/* the store works normally afterwards: no transaction left open */
		assert_int_equal(store_tx_begin(st), 0);
		assert_int_equal(store_tx_commit(st), 0);
	}
	fprintf(stderr, "faults: %-28s %2d write steps, each failed in turn: all or nothing\n",
	        name, n - 1);
	return n - 1;
}

/* Checks the clean run's actions once more, each exactly once more than before. */
typedef struct counted {
	const char *const *actions;
	int before[8];
} counted_t;

static void
count_before(counted_t *c)
{
	for (size_t k = 0; c->actions[k]; k++)
		c->before[k] = audit_count(c->actions[k]);
}

static void
assert_one_each(const counted_t *c, const char *name)
{
	for (size_t k = 0; c->actions[k]; k++)
		if (audit_count(c->actions[k]) != c->before[k] + 1)
			fail_msg("%s: %d entries %s", name,
			         audit_count(c->actions[k]) - c->before[k], c->actions[k]);
}

static void
run(const char *name, work_fn work, void *arg, const char *const *actions, int min_steps)
{
	counted_t c = {actions, {0}};
	count_before(&c);
	int steps = every_fault(name, work, arg, actions);
	assert_one_each(&c, name);
	if (steps < min_steps)
		fail_msg("%s: %d write steps, expected at least %d", name, steps, min_steps);
}

/* ---------- the reporting workflows ---------- */

typedef struct rep_job {
	int32_t unit;
	rep_op_t op;
	int64_t bao;      /* 2.bao, -1 = none */
	const char *text; /* the first narrative, NULL = none */
	const char *reason, *comment;
} rep_job_t;

static int
col_of(const char *code)
{
	const tpl_item_t *it = template_item(lc->c->tpl, code);
	assert_non_null(it);
	return it->col >= 0 ? it->col : it->tcol;
}

static int
rep_work(void *arg, const char **msg)
{
	const rep_job_t *j = arg;
	rep_ctx_t cx = {st, tree, live, &arena, NOW, operator_actor, NULL, NULL};
	rep_values_t v;
	rep_values_init(&arena, lc->c->tpl, &v);
	if (j->bao >= 0) {
		v.num[col_of("2.bao")] = j->bao;
		v.has[col_of("2.bao")] = 1;
	}
	if (j->text)
		v.text[col_of("i.text")] = j->text;
	int writes = j->op == REP_SAVE || j->op == REP_SUBMIT;
	rep_input_t in = {.op = j->op,
	                  .values = writes ? &v : NULL,
	                  .expected_version = -1,
	                  .comment = j->comment,
	                  .reason = j->reason};
	rep_outcome_t out;
	rep_rc_t rc = rep_apply(&cx, lc, j->unit, &in, &out);
	*msg = out.message;
	return rc == REP_OK ? 0 : -1;
}

static void
test_reporting(void **state)
{
	(void)state;
	int32_t school = unit("HA-11413-TH"), level = unit("306");
	static const char *const value_status[] = {"report.value.behalf", "report.status", NULL};
	static const char *const status[] = {"report.status", NULL};
	static const char *const resubmit[] = {"report.resubmit", NULL};
	rep_job_t save = {school, REP_SAVE, 5, NULL, NULL, NULL};
	run("report save", rep_work, &save, value_status, 8);
	rep_job_t submit = {school, REP_SUBMIT, 6, NULL, NULL, NULL};
	run("report submit", rep_work, &submit, value_status, 7);
	rep_job_t ret = {school, REP_RETURN, -1, NULL, NULL, "Cần bổ sung số liệu"};
	run("review: return", rep_work, &ret, status, 6);
	run("report submit again", rep_work, &submit, status, 6);
	rep_job_t approve = {school, REP_APPROVE, -1, NULL, NULL, NULL};
	run("review: approve", rep_work, &approve, status, 6);
	rep_job_t reopen = {school, REP_REOPEN, -1, NULL, NULL, "Mở lại để sửa"};
	run("review: reopen", rep_work, &reopen, status, 6);
	/* a level: its submit freezes the totals it forwards; forwarding them again needs a
	 * reason, written with them */
	rep_job_t lsave = {level, REP_SAVE, -1, "Huyện chỉ đạo các trường", NULL, NULL};
	run("level save", rep_work, &lsave, value_status, 8);
	rep_job_t lsubmit = {level, REP_SUBMIT, -1, "Huyện chỉ đạo các trường", NULL, NULL};
	run("level submit (frozen totals)", rep_work, &lsubmit, status, 40);
	rep_job_t again = {level, REP_SUBMIT, -1, NULL, "Trường Tiểu học nộp bổ sung", NULL};
	run("level resubmit (reason)", rep_work, &again, resubmit, 40);
}

/* ---------- a values import ---------- */

static int
values_work(void *arg, const char **msg)
{
	const char *csv = arg;
	vf_rows_t rows;
	char err[500];
	assert_int_equal(values_parse(csv, strlen(csv), &arena, &rows, err, sizeof err), 0);
	rep_ctx_t cx = {st, tree, live, &arena, NOW, operator_actor, NULL, NULL};
	vi_summary_t s;
	rep_rc_t rc = values_import(&cx, lc, &rows, 0, &s);
	*msg = s.message;
	if (rc == REP_OK && s.units_written != 1)
		fail_msg("values import: %zu units written (%s)", s.units_written,
		         s.message ? s.message : "");
	return rc == REP_OK ? 0 : -1;
}

static void
test_values_import(void **state)
{
	(void)state;
	static const char *const actions[] = {"report.value.behalf", "report.status", NULL};
	run("values import", values_work, "unit_code,item_code,value\r\nHA-11413-THCS,2.bao,12\r\n",
	    actions, 8);
}

/* ---------- a campaign's status ---------- */

static int
copy_campaign(const store_campaign_t *c, void *p)
{
	store_campaign_t *o = p;
	*o = *c;
	o->name = arena_strdup(&arena, c->name);
	o->theme = arena_strdup(&arena, c->theme);
	o->opening_time = arena_strdup(&arena, c->opening_time);
	o->opening_place = arena_strdup(&arena, c->opening_place);
	o->opening_participants = arena_strdup(&arena, c->opening_participants);
	o->status = arena_strdup(&arena, c->status);
	o->expected_kinds = arena_strdup(&arena, c->expected_kinds);
	o->deadlines = arena_strdup(&arena, c->deadlines);
	return 0;
}

static int
campaign_work(void *arg, const char **msg)
{
	int64_t id = *(int64_t *)arg;
	store_campaign_t c;
	assert_int_equal(store_campaign_get(st, id, copy_campaign, &c), 1);
	static char err[300];
	int rc = campaign_set_status(st, tree, unit("31"), &c, "open", &by, NOW, err, sizeof err);
	*msg = err;
	return rc;
}

static void
test_campaign_status(void **state)
{
	(void)state;
	static const char *const actions[] = {"campaign.status", NULL};
	int64_t id = demo_fixture_campaign(st, tree, unit("31"), 0, template_id, "draft", NOW);
	assert_true(id > 0);
	run("campaign status", campaign_work, &id, actions, 4);
	assert_int_equal(tb_count(spec, "SELECT count(*) FROM campaigns WHERE status = 'open' AND "
	                                "name = 'Đợt thử'"),
	                 1);
}

/* ---------- a document's publication ---------- */

static int64_t doc_id;

static int
take_version(const store_doc_t *d, void *p)
{
	*(int64_t *)p = d->version;
	return 0;
}

static int
doc_work(void *arg, const char **msg)
{
	(void)arg;
	int64_t version = 0;
	assert_int_equal(store_doc_get(st, doc_id, take_version, &version), 1);
	static char err[400];
	err[0] = '\0';
	int num = 0;
	notify_cfg_t nc;
	memset(&nc, 0, sizeof nc);
	int rc = docs_publish(st, tree, doc_id, version, docs_today(NOW), NOW, &by, 0, &num, &nc,
	                      err, sizeof err);
	*msg = err;
	return rc;
}

static void
test_doc_publish(void **state)
{
	(void)state;
	static const char *const actions[] = {"doc.publish", NULL};
	int32_t issuer = unit("306");
	doc_t d;
	memset(&d, 0, sizeof d);
	docs_issuer_defaults(tree, issuer, &arena, &d);
	d.kind = DOC_KH;
	d.year = 2022;
	d.subject = "Tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2022";
	d.text = "Các trường tổ chức hoạt động.";
	d.signer.name = "Nguyễn Văn An";
	static const char *schools[] = {"HA-11413-TH", "HA-11413-THCS"};
	doc_target_t to = {.text = "Các trường", .units = schools, .nunits = 2};
	doc_duty_t duty = {.who = {.text = "Trường Tiểu học", .units = schools, .nunits = 1},
	                   .lead = 1,
	                   .task = "Tổ chức lễ khai mạc"};
	d.recipients = &to;
	d.nrecipients = 1;
	d.duties = &duty;
	d.nduties = 1;
	docs_fill_empty(&d);
	int64_t version;
	assert_int_equal(docs_save_draft(st, 0, tree->units[issuer].id, &d, campaign_id, 0, 0, NOW,
	                                 by.user_id, 0, &doc_id, &version),
	                 0);
	run("document publication", doc_work, NULL, actions, 10);
	assert_int_equal(tb_count(spec, "SELECT count(*) FROM documents WHERE status <> 'draft'"),
	                 1);
}

/* ---------- an activity's save ---------- */

typedef struct act_job {
	store_activity_t a;
	int64_t version;
	const char *action, *old_title;
} act_job_t;

static int
activity_work(void *arg, const char **msg)
{
	act_job_t *j = arg;
	audit_entry_t e = {unit("HA-11413-TH"), j->action, NULL, j->old_title, j->a.title};
	int64_t id, version;
	static char err[300];
	int rc =
	        activity_save(st, tree, &j->a, j->version, &by, &e, &id, &version, err, sizeof err);
	*msg = err;
	if (rc == 0) {
		j->a.id = id;
		j->version = version;
	}
	return rc;
}

static void
test_activity_save(void **state)
{
	(void)state;
	static const char *const create[] = {"activity.create", NULL};
	static const char *const update[] = {"activity.update", NULL};
	int32_t school = unit("HA-11413-TH");
	act_job_t j;
	memset(&j, 0, sizeof j);
	buf_t path = BUF_INIT;
	unit_tree_path(tree, school, &path);
	j.a = (store_activity_t){.campaign_id = campaign_id,
	                         .unit_id = tree->units[school].id,
	                         .unit_path = arena_strdup(&arena, buf_cstr(&path)),
	                         .kind = "khai_mac",
	                         .title = "Lễ khai mạc Tuần lễ",
	                         .description = "",
	                         .start_at = NOW + 86400,
	                         .end_at = NOW + 90000,
	                         .place = "Sân trường",
	                         .mode = "truc_tiep",
	                         .link = "",
	                         .audience = "Học sinh",
	                         .expected = 200,
	                         .status = "planned",
	                         .actual = -1,
	                         .outcome = "",
	                         .created_at = NOW,
	                         .created_by = by.user_id,
	                         .updated_at = NOW,
	                         .updated_by = by.user_id};
	buf_free(&path);
	/* the strings live outside the arena the runner frees */
	static char upath[200];
	snprintf(upath, sizeof upath, "%s", j.a.unit_path);
	j.a.unit_path = upath;
	j.action = "activity.create";
	run("activity create", activity_work, &j, create, 4);
	assert_true(j.a.id > 0);
	j.action = "activity.update";
	j.old_title = "Lễ khai mạc Tuần lễ";
	j.a.title = "Lễ khai mạc Tuần lễ học tập suốt đời";
	run("activity update", activity_work, &j, update, 4);
	assert_int_equal(tb_count(spec,
	                          "SELECT count(*) FROM activities WHERE title = 'Lễ khai mạc "
	                          "Tuần lễ học tập suốt đời' AND version = 2"),
	                 1);
}

/* ---------- an undated units import ---------- */

static int
units_work(void *arg, const char **msg)
{
	const char *csv = arg;
	static char err[2000];
	units_import_stats_t s;
	int rc = units_import_csv(st, csv, strlen(csv), &s, err, sizeof err);
	*msg = err;
	if (rc == 0 && s.inserted + s.updated != 3)
		fail_msg("units import: %zu new, %zu updated", s.inserted, s.updated);
	return rc;
}

static void
test_units_import(void **state)
{
	(void)state;
	static const char *const actions[] = {"units.import", NULL};
	run("units import", units_work,
	    "code,name,kind,parent_code,locality_code,email,phone\n"
	    "HA-TEST-1,Trường Mầm non Thử Một,truong_mn,11413,11413,,\n"
	    "HA-TEST-2,Trường Mầm non Thử Hai,truong_mn,11413,11413,,\n"
	    "HA-11413-TH,Trường Tiểu học Đằng Lâm,truong_th,11413,11413,th.haan@example.vn,\n",
	    actions, 8);
	assert_int_equal(tb_count(spec, "SELECT count(*) FROM units WHERE code LIKE 'HA-TEST-%'"),
	                 2);
}

/* ---------- set-up ---------- */

static int
setup(void **state)
{
	(void)state;
	tb_fresh_spec("faults", spec, sizeof spec);
	if (demo_fixture_open(spec, &st, &tree, &campaign_id, &template_id) < 0)
		return -1;
	store_user_t u = {.username = "kiemthu",
	                  .full_name = "Người kiểm thử",
	                  .email = "",
	                  .password_hash = "",
	                  .created_at = NOW};
	if (store_user_create(st, &u, &by.user_id) < 0)
		return -1;
	operator_actor.user_id = by.user_id;
	live = rep_live_new(NULL, NULL);
	return rep_live_get(live, st, tree, campaign_id, &lc) == REP_OK ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	rep_live_free(live);
	unit_tree_unref(tree);
	store_close(st);
	arena_free(&arena);
	return 0;
}

int
main(int argc, char **argv)
{
	if (tb_init(argc, argv, "faults") < 0)
		return 1;
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_reporting),       cmocka_unit_test(test_values_import),
	        cmocka_unit_test(test_campaign_status), cmocka_unit_test(test_doc_publish),
	        cmocka_unit_test(test_activity_save),   cmocka_unit_test(test_units_import),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
