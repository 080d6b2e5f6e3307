/* Documents, their duties and activities on a real SQLite file: drafts with optimistic
 * versions, publication in one transaction (numbering per issuer and year, recipients,
 * tasks, all or nothing), receipts, task completion, activities found by subtree / time
 * window / filters, activity photos, and migration 5 over an existing version-4 file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "db/store.h"
#include "store_backend.h"


/* A fresh database: two provinces (P1 with three communes, P2), two users, a template
 * and a campaign issued by P1. */
typedef struct fixture {
	char path[256];
	store_t *st;
	int64_t p1, p2, c[3], user, user2, tpl, campaign;
} fixture_t;

static int
find_unit(const store_unit_t *u, void *ctx)
{
	fixture_t *f = ctx;
	if (strcmp(u->code, "P1") == 0)
		f->p1 = u->id;
	else if (strcmp(u->code, "P2") == 0)
		f->p2 = u->id;
	else if (u->code[0] == 'C')
		f->c[u->code[1] - '1'] = u->id;
	return 0;
}

static void
open_fixture(fixture_t *f)
{
	char err[512];
	memset(f, 0, sizeof *f);
	tb_fresh_spec("d", f->path, sizeof f->path); /* SQLite, or PostgreSQL with --pg */
	if (store_open(f->path, &f->st, err, sizeof err) < 0)
		fail_msg("store_open: %s", err);
	/* C3 first: unit ids out of code order catch ordering by code instead of id */
	const store_unit_change_t rows[] = {
	        {0, "C3", "Xã Ba", "xa", "P1", "", "", "", 1, 0},
	        {0, "P1", "Tỉnh Một", "tinh", "VN", "", "", "", 1, 0},
	        {0, "C1", "Xã Một", "xa", "P1", "", "", "", 1, 0},
	        {0, "C2", "Xã Hai", "xa", "P1", "", "", "", 1, 0},
	        {0, "P2", "Tỉnh Hai", "tinh", "VN", "", "", "", 1, 0},
	};
	if (store_units_apply(f->st, rows, 5, err, sizeof err) < 0)
		fail_msg("units: %s", err);
	assert_int_equal(store_units_each(f->st, find_unit, f), 0);
	assert_true(f->p1 > 0 && f->p2 > 0 && f->c[0] > 0 && f->c[1] > 0 && f->c[2] > 0);
	assert_true(f->c[2] < f->c[0]);

	store_user_t u = {.username = "head", .password_hash = "$argon2id$x", .created_at = 1};
	assert_int_equal(store_user_create(f->st, &u, &f->user), 0);
	u.username = "clerk";
	assert_int_equal(store_user_create(f->st, &u, &f->user2), 0);
	store_template_t t = {.code = "tpl-2025", .name = "Mẫu 2025", .year = 2025, .json = "{}"};
	assert_int_equal(store_template_save(f->st, &t, &f->tpl), 0);
	store_campaign_t c = {.issuer_unit_id = f->p1,
	                      .template_id = f->tpl,
	                      .year = 2025,
	                      .name = "Tuần lễ 2025",
	                      .status = "open",
	                      .created_at = 100,
	                      .created_by = f->user};
	assert_int_equal(store_campaign_save(f->st, &c, &f->campaign), 0);
}

static int
raw_count(const char *path, const char *sql)
{
	int n = tb_count(path, sql);
	assert_true(n >= 0);
	return n;
}

static void
raw_exec(const char *path, const char *sql)
{
	char msg[512] = "";
	if (tb_exec(path, sql, msg, sizeof msg) < 0)
		fail_msg("%s: %s", sql, msg);
}

/* ---- copies of callback rows ---- */

#define MAXROWS 16

typedef struct doc_copy {
	int64_t id, issuer, campaign, derived, version;
	int64_t created_at, created_by, updated_at, updated_by, published_at, published_by;
	int is_public, year, number;
	int32_t doc_date;
	char kind[8], status[16], subject[64], json[64];
	store_doc_recipient_t r; /* docs_to_unit only */
} doc_copy_t;

typedef struct doc_list {
	int n;
	doc_copy_t d[MAXROWS];
} doc_list_t;

static void
copy_doc_into(doc_copy_t *c, const store_doc_t *d)
{
	*c = (doc_copy_t){.id = d->id,
	                  .issuer = d->issuer_unit_id,
	                  .campaign = d->campaign_id,
	                  .derived = d->derived_from,
	                  .version = d->version,
	                  .created_at = d->created_at,
	                  .created_by = d->created_by,
	                  .updated_at = d->updated_at,
	                  .updated_by = d->updated_by,
	                  .published_at = d->published_at,
	                  .published_by = d->published_by,
	                  .is_public = d->is_public,
	                  .year = d->year,
	                  .number = d->number,
	                  .doc_date = d->doc_date};
	snprintf(c->kind, sizeof c->kind, "%s", d->kind);
	snprintf(c->status, sizeof c->status, "%s", d->status);
	snprintf(c->subject, sizeof c->subject, "%s", d->subject);
	snprintf(c->json, sizeof c->json, "%s", d->json);
}

static int
copy_doc(const store_doc_t *d, void *ctx)
{
	doc_list_t *l = ctx;
	assert_true(l->n < MAXROWS);
	copy_doc_into(&l->d[l->n++], d);
	return 0;
}

static int
copy_doc_to(const store_doc_t *d, const store_doc_recipient_t *r, void *ctx)
{
	doc_list_t *l = ctx;
	assert_true(l->n < MAXROWS);
	copy_doc_into(&l->d[l->n], d);
	l->d[l->n++].r = *r;
	return 0;
}

static doc_copy_t
get_doc(fixture_t *f, int64_t id)
{
	doc_list_t l = {0};
	assert_int_equal(store_doc_get(f->st, id, copy_doc, &l), 1);
	return l.d[0];
}

typedef struct rcp_list {
	int n;
	store_doc_recipient_t r[MAXROWS];
} rcp_list_t;

static int
copy_rcp(const store_doc_recipient_t *r, void *ctx)
{
	rcp_list_t *l = ctx;
	assert_true(l->n < MAXROWS);
	l->r[l->n++] = *r;
	return 0;
}

typedef struct task_list {
	int n;
	int64_t id[MAXROWS], doc_id[MAXROWS], unit_id[MAXROWS], done_at[MAXROWS], done_by[MAXROWS];
	int duty[MAXROWS];
	int32_t due[MAXROWS];
	char role[MAXROWS][16], task[MAXROWS][32], note[MAXROWS][32];
} task_list_t;

static int
copy_task(const store_task_t *t, void *ctx)
{
	task_list_t *l = ctx;
	assert_true(l->n < MAXROWS);
	int i = l->n++;
	l->id[i] = t->id;
	l->doc_id[i] = t->doc_id;
	l->unit_id[i] = t->unit_id;
	l->done_at[i] = t->done_at;
	l->done_by[i] = t->done_by;
	l->duty[i] = t->duty;
	l->due[i] = t->due_date;
	snprintf(l->role[i], sizeof l->role[0], "%s", t->role);
	snprintf(l->task[i], sizeof l->task[0], "%s", t->task);
	snprintf(l->note[i], sizeof l->note[0], "%s", t->note);
	return 0;
}

/* Index of the task of (duty, unit) in l, -1 when absent. */
static int
task_index(const task_list_t *l, int duty, int64_t unit)
{
	for (int i = 0; i < l->n; i++)
		if (l->duty[i] == duty && l->unit_id[i] == unit)
			return i;
	return -1;
}

static store_doc_t
draft(const fixture_t *f, int64_t issuer, const char *subject)
{
	return (store_doc_t){.issuer_unit_id = issuer,
	                     .kind = "cv",
	                     .year = 2025,
	                     .subject = subject,
	                     .json = "{\"v\":1}",
	                     .updated_at = 1000,
	                     .updated_by = f->user};
}

/* A new draft; returns its id (version 1). */
static int64_t
new_draft(fixture_t *f, int64_t issuer, const char *subject)
{
	store_doc_t d = draft(f, issuer, subject);
	int64_t id = 0, v = 0;
	assert_int_equal(store_doc_save(f->st, &d, 0, &id, &v), 0);
	assert_true(id > 0);
	assert_int_equal(v, 1);
	return id;
}

static int
publish(fixture_t *f, int64_t id, int64_t version, int year, int64_t now, const int64_t *units,
        size_t nunits, const store_task_t *tasks, size_t ntasks, int *number)
{
	int64_t v = 0;
	int n = 0; /* IN 0: the next number */
	int rc = store_doc_publish(f->st, id, version, 20000, year, "{\"final\":1}", now, f->user,
	                           units, nunits, tasks, ntasks, &n, &v);
	if (rc == 0)
		*number = n;
	return rc;
}

/* ---- migration ---- */

static const char *const doc_tables = "('documents','doc_recipients','doc_tasks','activities',"
                                      "'activity_photos')";

static void
test_migration_5_over_version_4(void **state)
{
	(void)state;
	if (tb.pg) /* SQLite's migrations; PostgreSQL starts at 20 (test_store_backends) */
		skip();
	fixture_t f;
	open_fixture(&f);
	int applied, known;
	assert_int_equal(store_schema_version(f.st, &applied, &known), 0);
	assert_int_equal(applied, known);
	assert_true(known >= 5);
	store_close(f.st);
	assert_int_equal(raw_count(f.path, "SELECT count(*) FROM schema_migrations WHERE version=5"
	                                   " AND name='documents and activities'"),
	                 1);
	char sql[512];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM sqlite_master WHERE type='table' AND name IN %s",
	         doc_tables);
	assert_int_equal(raw_count(f.path, sql), 5);

	/* Turn the file back into a version-4 database (as an older binary left it, with its
	 * reporting data), then let the store upgrade it. */
	raw_exec(f.path, "DROP TABLE budget_lines; DROP TABLE budget_heads;" /* budget */
	                 "DROP TABLE budget_changes;"
	                 "DROP TABLE award_events; DROP TABLE award_files;" /* commendation */
	                 "DROP TABLE award_proposals; DROP TABLE award_decisions;"
	                 "DROP TABLE reading_logs; DROP TABLE book_moves;" /* reading culture */
	                 "DROP TABLE reading_shelves;"
	                 "DROP TABLE contest_scores; DROP TABLE contest_entries;" /* contests */
	                 "DROP TABLE contest_judges; DROP TABLE contests;"
	                 "DROP TABLE enrolments; DROP TABLE enrol_settings;" /* class enrolment */
	                 "DROP TABLE resource_files; DROP TABLE resources;" /* open resources */
	                 "DROP TABLE doc_imports;" /* migration 12, refers to documents */
	                 "DROP TABLE doc_signed;" /* migration 11, refers to documents */
	                 "DROP TABLE activity_photos; DROP TABLE activities; DROP TABLE doc_tasks;"
	                 "DROP TABLE doc_recipients; DROP TABLE documents;"
	                 /* and what later migrations added */
	                 "DROP TABLE unit_placements; DROP TABLE unit_lineage;"
	                 "DROP TABLE registry_imports; DROP TABLE registry_uploads;"
	                 "DROP TABLE deliveries; DROP TABLE outbox; DROP TABLE notice_reads;"
	                 "DROP INDEX reminders_once; ALTER TABLE reminders DROP COLUMN kind;"
	                 "ALTER TABLE reminders DROP COLUMN rule;"
	                 "ALTER TABLE reminders DROP COLUMN notice_id;"
	                 "ALTER TABLE reminders DROP COLUMN channels;"
	                 "DROP TABLE notices; DROP TABLE campaign_chase;"
	                 "ALTER TABLE report_values DROP COLUMN note;"
	                 "DELETE FROM schema_migrations WHERE version>=5");
	assert_int_equal(raw_count(f.path, "SELECT max(version) FROM schema_migrations"), 4);
	assert_int_equal(raw_count(f.path, sql), 0);
	char err[512];
	assert_int_equal(store_open(f.path, &f.st, err, sizeof err), 0);
	assert_int_equal(store_schema_version(f.st, &applied, &known), 0);
	assert_int_equal(applied, known);
	/* the old data is there and the new tables work */
	int found = store_campaign_get(f.st, f.campaign, NULL, NULL);
	assert_int_equal(found, 1);
	int64_t d = new_draft(&f, f.p1, "sau nâng cấp");
	int number = 0;
	assert_int_equal(publish(&f, d, 1, 2025, 5000, &f.c[0], 1, NULL, 0, &number), 0);
	assert_int_equal(number, 1);
	store_close(f.st);
	assert_int_equal(raw_count(f.path, sql), 5);

	/* reopening applies nothing again (CREATE TABLE would fail) and keeps the data */
	assert_int_equal(store_open(f.path, &f.st, err, sizeof err), 0);
	assert_int_equal(store_schema_version(f.st, &applied, &known), 0);
	assert_int_equal(applied, known);
	assert_int_equal(get_doc(&f, d).number, 1);
	store_close(f.st);
	assert_int_equal(raw_count(f.path, "SELECT count(*) FROM schema_migrations"), known);
}

/* ---- drafts ---- */

static void
test_doc_save_versions(void **state)
{
	(void)state;
	fixture_t f;
	open_fixture(&f);
	store_doc_t d = draft(&f, f.p1, "Kế hoạch tổ chức");
	d.status = "published"; /* ignored: a new document is a draft */
	d.number = 7;           /* ignored too */
	d.version = 99;
	int64_t id = 0, v = 0;
	assert_int_equal(store_doc_save(f.st, &d, 0, &id, &v), 0);
	assert_int_equal(v, 1);
	doc_copy_t c = get_doc(&f, id);
	assert_int_equal(c.id, id);
	assert_int_equal(c.issuer, f.p1);
	assert_int_equal(c.campaign, 0);
	assert_int_equal(c.derived, 0);
	assert_string_equal(c.kind, "cv");
	assert_string_equal(c.status, "draft");
	assert_int_equal(c.number, 0);
	assert_int_equal(c.version, 1);
	assert_int_equal(c.year, 2025);
	assert_string_equal(c.subject, "Kế hoạch tổ chức");
	assert_string_equal(c.json, "{\"v\":1}");
	assert_int_equal(c.created_at, 1000);
	assert_int_equal(c.created_by, f.user);
	assert_int_equal(c.updated_at, 1000);
	assert_int_equal(c.updated_by, f.user);
	assert_int_equal(c.published_at, 0);
	assert_int_equal(c.published_by, 0);

	/* update with the right version: the draft's fields change, the issuer does not */
	int64_t parent = new_draft(&f, f.p2, "cấp trên");
	d = draft(&f, f.p2, "Kế hoạch (sửa)");
	d.id = id;
	d.kind = "kh";
	d.campaign_id = f.campaign;
	d.derived_from = parent;
	d.is_public = 1;
	d.year = 2026;
	d.doc_date = 20400;
	d.json = "{\"v\":2}";
	d.updated_at = 2000;
	d.updated_by = f.user2;
	d.created_at = 1; /* created_* are never rewritten */
	int64_t id2 = 0;
	assert_int_equal(store_doc_save(f.st, &d, 1, &id2, &v), 0);
	assert_int_equal(id2, id);
	assert_int_equal(v, 2);
	c = get_doc(&f, id);
	assert_int_equal(c.issuer, f.p1);
	assert_string_equal(c.kind, "kh");
	assert_int_equal(c.campaign, f.campaign);
	assert_int_equal(c.derived, parent);
	assert_int_equal(c.is_public, 1);
	assert_int_equal(c.year, 2026);
	assert_int_equal(c.doc_date, 20400);
	assert_string_equal(c.subject, "Kế hoạch (sửa)");
	assert_string_equal(c.json, "{\"v\":2}");
	assert_int_equal(c.version, 2);
	assert_int_equal(c.created_at, 1000);
	assert_int_equal(c.created_by, f.user);
	assert_int_equal(c.updated_at, 2000);
	assert_int_equal(c.updated_by, f.user2);

	/* a stale version: -2, nothing written, outputs untouched */
	d.subject = "lạc hậu";
	id2 = v = -5;
	assert_int_equal(store_doc_save(f.st, &d, 1, &id2, &v), -2);
	assert_int_equal(id2, -5);
	assert_int_equal(v, -5);
	c = get_doc(&f, id);
	assert_string_equal(c.subject, "Kế hoạch (sửa)");
	assert_int_equal(c.version, 2);

	/* no such document; an unknown kind (CHECK) and an unknown issuer (FK) fail */
	d.id = 99999;
	assert_int_equal(store_doc_save(f.st, &d, 1, &id2, &v), -1);
	d = draft(&f, f.p1, "x");
	d.kind = "zz";
	assert_int_equal(store_doc_save(f.st, &d, 0, &id2, &v), -1);
	d = draft(&f, 99999, "x");
	assert_int_equal(store_doc_save(f.st, &d, 0, &id2, &v), -1);

	/* docs_derived: documents made from parent */
	doc_list_t l = {0};
	assert_int_equal(store_docs_derived(f.st, parent, copy_doc, &l), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.d[0].id, id);
	l.n = 0;
	assert_int_equal(store_docs_derived(f.st, id, copy_doc, &l), 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(store_doc_get(f.st, 99999, copy_doc, &l), 0);

	/* set_public: drafts too; bumps the version; 0 for no such document */
	assert_int_equal(store_doc_set_public(f.st, id, 0, 3000, f.user), 1);
	c = get_doc(&f, id);
	assert_int_equal(c.is_public, 0);
	assert_int_equal(c.version, 3);
	assert_int_equal(c.updated_at, 3000);
	assert_int_equal(store_doc_set_public(f.st, 99999, 1, 3000, f.user), 0);
	store_close(f.st);
}

/* ---- publication ---- */

static void
test_doc_publish_numbering(void **state)
{
	(void)state;
	fixture_t f;
	open_fixture(&f);
	int64_t a = new_draft(&f, f.p1, "a"), b = new_draft(&f, f.p1, "b");
	int64_t c = new_draft(&f, f.p1, "c"), d = new_draft(&f, f.p2, "d");
	int64_t e = new_draft(&f, f.p1, "e");
	int number = -1;
	int64_t v = 0;
	assert_int_equal(store_doc_publish(f.st, a, 1, 20100, 2025, "{\"so\":1}", 5000, f.user2,
	                                   NULL, 0, NULL, 0, &number, &v),
	                 0);
	assert_int_equal(number, 1);
	assert_int_equal(v, 2);
	doc_copy_t x = get_doc(&f, a);
	assert_string_equal(x.status, "published");
	assert_int_equal(x.number, 1);
	assert_int_equal(x.year, 2025);
	assert_int_equal(x.doc_date, 20100);
	assert_string_equal(x.json, "{\"so\":1}");
	assert_int_equal(x.published_at, 5000);
	assert_int_equal(x.published_by, f.user2);
	assert_int_equal(x.version, 2);

	number = 0; /* IN: 0 asks for the next number */
	assert_int_equal(publish(&f, b, 1, 2025, 5100, NULL, 0, NULL, 0, &number), 0);
	assert_int_equal(number, 2);
	number = 0;
	/* the year of publication counts, not the draft's: numbering restarts */
	assert_int_equal(publish(&f, c, 1, 2026, 5200, NULL, 0, NULL, 0, &number), 0);
	assert_int_equal(number, 1);
	assert_int_equal(get_doc(&f, c).year, 2026);
	/* another issuer has its own numbers */
	number = 0;
	assert_int_equal(publish(&f, d, 1, 2025, 5300, NULL, 0, NULL, 0, &number), 0);
	assert_int_equal(number, 1);

	/* a stale version: -2, still a draft */
	number = -7;
	assert_int_equal(publish(&f, e, 5, 2025, 5400, NULL, 0, NULL, 0, &number), -2);
	assert_int_equal(number, -7);
	assert_string_equal(get_doc(&f, e).status, "draft");
	assert_int_equal(publish(&f, e, 1, 2025, 5400, NULL, 0, NULL, 0, &number), 0);
	assert_int_equal(number, 3);

	/* publishing twice: -3 (whatever version is given), nothing changes */
	assert_int_equal(publish(&f, a, 2, 2025, 9000, &f.c[0], 1, NULL, 0, &number), -3);
	assert_int_equal(publish(&f, a, 1, 2025, 9000, &f.c[0], 1, NULL, 0, &number), -3);
	x = get_doc(&f, a);
	assert_int_equal(x.number, 1);
	assert_int_equal(x.version, 2);
	assert_int_equal(x.published_at, 5000);
	assert_string_equal(x.json, "{\"so\":1}");
	rcp_list_t r = {0};
	assert_int_equal(store_doc_recipients(f.st, a, copy_rcp, &r), 0);
	assert_int_equal(r.n, 0);
	/* no such document */
	assert_int_equal(publish(&f, 99999, 1, 2025, 9000, NULL, 0, NULL, 0, &number), -1);

	/* a published document can no longer be edited */
	store_doc_t s = draft(&f, f.p1, "sửa sau khi ban hành");
	s.id = a;
	int64_t id;
	assert_int_equal(store_doc_save(f.st, &s, 2, &id, &v), -3);
	assert_int_equal(store_doc_save(f.st, &s, 1, &id, &v), -3);
	assert_string_equal(get_doc(&f, a).subject, "a");

	/* the issuer's list: newest first by publication, then drafts by their update */
	int64_t g = new_draft(&f, f.p1, "g"); /* updated_at 1000: older than every publication */
	doc_list_t l = {0};
	assert_int_equal(store_docs_of_issuer(f.st, f.p1, copy_doc, &l), 0);
	assert_int_equal(l.n, 5);
	assert_int_equal(l.d[0].id, e); /* 5400 */
	assert_int_equal(l.d[1].id, c); /* 5200 */
	assert_int_equal(l.d[2].id, b); /* 5100 */
	assert_int_equal(l.d[3].id, a); /* 5000 */
	assert_int_equal(l.d[4].id, g);
	store_close(f.st);
	assert_int_equal(raw_count(f.path, "SELECT count(*) FROM documents WHERE number>0"), 5);
}

static void
test_doc_publish_all_or_nothing(void **state)
{
	(void)state;
	fixture_t f;
	open_fixture(&f);
	int64_t a = new_draft(&f, f.p1, "a");
	int number = -7;
	int64_t v = -7;
	const int64_t units[] = {f.c[0], f.c[1]};
	/* a task for a unit that does not exist: the foreign key fails after the row, its
	 * number and both recipients were written, and all of it is rolled back */
	const store_task_t bad[] = {
	        {.unit_id = f.c[0], .duty = 0, .role = "chu_tri", .task = "Tổ chức"},
	        {.unit_id = 99999, .duty = 0, .role = "phoi_hop", .task = "Phối hợp"},
	};
	assert_int_equal(store_doc_publish(f.st, a, 1, 20000, 2025, "{}", 5000, f.user, units, 2,
	                                   bad, 2, &number, &v),
	                 -1);
	assert_int_equal(number, -7);
	assert_int_equal(v, -7);
	/* an unknown role (CHECK) and an unknown recipient (FK) likewise */
	const store_task_t bad_role[] = {{.unit_id = f.c[0], .role = "xem", .task = "?"}};
	assert_int_equal(publish(&f, a, 1, 2025, 5000, units, 2, bad_role, 1, &number), -1);
	const int64_t bad_units[] = {f.c[0], 99999};
	assert_int_equal(publish(&f, a, 1, 2025, 5000, bad_units, 2, NULL, 0, &number), -1);

	doc_copy_t x = get_doc(&f, a);
	assert_string_equal(x.status, "draft");
	assert_int_equal(x.number, 0);
	assert_int_equal(x.version, 1);
	assert_int_equal(x.published_at, 0);
	rcp_list_t r = {0};
	assert_int_equal(store_doc_recipients(f.st, a, copy_rcp, &r), 0);
	assert_int_equal(r.n, 0);
	task_list_t t = {0};
	assert_int_equal(store_tasks_of_doc(f.st, a, copy_task, &t), 0);
	assert_int_equal(t.n, 0);

	/* no number was consumed */
	assert_int_equal(publish(&f, a, 1, 2025, 5000, units, 2, bad, 1, &number), 0);
	assert_int_equal(number, 1);

	/* inside an outer transaction: a failed publication undoes only itself, and the
	 * caller's rollback undoes a successful one */
	int64_t b = new_draft(&f, f.p1, "b"), c = new_draft(&f, f.p1, "c");
	assert_int_equal(store_tx_begin(f.st), 0);
	assert_int_equal(publish(&f, b, 1, 2025, 6000, bad_units, 2, NULL, 0, &number), -1);
	assert_int_equal(publish(&f, c, 1, 2025, 6000, units, 2, NULL, 0, &number), 0);
	assert_int_equal(number, 2);
	store_tx_rollback(f.st);
	assert_string_equal(get_doc(&f, c).status, "draft");
	assert_int_equal(store_tx_begin(f.st), 0);
	assert_int_equal(publish(&f, c, 1, 2025, 6000, units, 2, NULL, 0, &number), 0);
	assert_int_equal(store_tx_commit(f.st), 0);
	assert_int_equal(number, 2);
	assert_int_equal(get_doc(&f, c).number, 2);
	store_close(f.st);
	assert_int_equal(raw_count(f.path, "SELECT count(*) FROM doc_recipients"), 4);
	assert_int_equal(raw_count(f.path, "SELECT count(*) FROM doc_tasks"), 1);
	/* the partial unique index refuses a second number 1 however it is written */
	char sql[256];
	snprintf(sql, sizeof sql, "UPDATE documents SET status='published',number=1 WHERE id=%lld",
	         (long long)b);
	assert_int_equal(tb_exec(f.path, sql, NULL, 0), -1);
}

/* ---- recipients and receipts ---- */

static void
test_recipients_and_reads(void **state)
{
	(void)state;
	fixture_t f;
	open_fixture(&f);
	int64_t a = new_draft(&f, f.p1, "a"), b = new_draft(&f, f.p1, "b");
	int64_t draft_only = new_draft(&f, f.p1, "nháp");
	(void)draft_only;
	int number;
	/* duplicates collapse to one recipient each */
	const int64_t units[] = {f.c[0], f.c[1], f.c[0], f.c[2], f.c[1]};
	assert_int_equal(publish(&f, a, 1, 2025, 5000, units, 5, NULL, 0, &number), 0);
	assert_int_equal(publish(&f, b, 1, 2025, 6000, &f.c[0], 1, NULL, 0, &number), 0);
	rcp_list_t r = {0};
	assert_int_equal(store_doc_recipients(f.st, a, copy_rcp, &r), 0);
	assert_int_equal(r.n, 3);
	/* unit id order: C3 was created first */
	assert_int_equal(r.r[0].unit_id, f.c[2]);
	assert_int_equal(r.r[1].unit_id, f.c[0]);
	assert_int_equal(r.r[2].unit_id, f.c[1]);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(r.r[i].doc_id, a);
		assert_int_equal(r.r[i].read_at, 0);
		assert_int_equal(r.r[i].read_by, 0);
	}

	/* the first opening is recorded once; a unit not addressed records nothing */
	assert_int_equal(store_doc_mark_read(f.st, a, f.c[0], 7000, f.user2), 1);
	assert_int_equal(store_doc_mark_read(f.st, a, f.c[0], 8000, f.user), 0);
	assert_int_equal(store_doc_mark_read(f.st, a, f.p2, 7000, f.user), 0);
	assert_int_equal(store_doc_mark_read(f.st, 99999, f.c[0], 7000, f.user), 0);
	r.n = 0;
	assert_int_equal(store_doc_recipients(f.st, a, copy_rcp, &r), 0);
	assert_int_equal(r.r[1].read_at, 7000);
	assert_int_equal(r.r[1].read_by, f.user2);
	assert_int_equal(r.r[0].read_at, 0);

	/* what reached C1: newest first, with C1's receipt; drafts never */
	doc_list_t l = {0};
	assert_int_equal(store_docs_to_unit(f.st, f.c[0], copy_doc_to, &l), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.d[0].id, b);
	assert_int_equal(l.d[0].r.unit_id, f.c[0]);
	assert_int_equal(l.d[0].r.doc_id, b);
	assert_int_equal(l.d[0].r.read_at, 0);
	assert_int_equal(l.d[1].id, a);
	assert_string_equal(l.d[1].status, "published");
	assert_int_equal(l.d[1].number, 1);
	assert_int_equal(l.d[1].r.read_at, 7000);
	assert_int_equal(l.d[1].r.read_by, f.user2);
	l.n = 0;
	assert_int_equal(store_docs_to_unit(f.st, f.c[2], copy_doc_to, &l), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.d[0].id, a);
	l.n = 0;
	assert_int_equal(store_docs_to_unit(f.st, f.p2, copy_doc_to, &l), 0);
	assert_int_equal(l.n, 0);
	store_close(f.st);
}

/* ---- tasks ---- */

static void
test_tasks(void **state)
{
	(void)state;
	fixture_t f;
	open_fixture(&f);
	int64_t a = new_draft(&f, f.p1, "a");
	int number;
	const store_task_t tasks[] = {
	        {.id = 77,
	         .doc_id = 77,
	         .done_at = 9,
	         .done_by = 9, /* ignored */
	         .unit_id = f.c[1],
	         .duty = 1,
	         .role = "chu_tri",
	         .task = "T1-C2",
	         .due_date = 0},
	        {.unit_id = f.c[0],
	         .duty = 1,
	         .role = "phoi_hop",
	         .task = "T1-C1",
	         .due_date = 20300},
	        {.unit_id = f.c[0], .duty = 0, .role = "chu_tri", .task = "T0-C1", .due_date = 0},
	        {.unit_id = f.c[0],
	         .duty = 2,
	         .role = "chu_tri",
	         .task = "T2-C1",
	         .due_date = 20100},
	        {.unit_id = f.c[1],
	         .duty = 0,
	         .role = "phoi_hop",
	         .task = "T0-C2",
	         .due_date = 20200},
	};
	assert_int_equal(publish(&f, a, 1, 2025, 5000, NULL, 0, tasks, 5, &number), 0);

	/* by duty, then unit */
	task_list_t t = {0};
	assert_int_equal(store_tasks_of_doc(f.st, a, copy_task, &t), 0);
	assert_int_equal(t.n, 5);
	const char *doc_order[] = {"T0-C1", "T0-C2", "T1-C1", "T1-C2", "T2-C1"};
	for (int i = 0; i < 5; i++) {
		assert_string_equal(t.task[i], doc_order[i]);
		assert_int_equal(t.doc_id[i], a);
		assert_int_equal(t.done_at[i], 0);
		assert_int_equal(t.done_by[i], 0);
		assert_string_equal(t.note[i], "");
	}
	assert_string_equal(t.role[3], "chu_tri");
	assert_int_equal(t.unit_id[3], f.c[1]);
	assert_true(t.id[3] != 77);

	/* a unit's tasks: open ones by due date, none last */
	t.n = 0;
	assert_int_equal(store_tasks_of_unit(f.st, f.c[0], copy_task, &t), 0);
	assert_int_equal(t.n, 3);
	assert_string_equal(t.task[0], "T2-C1"); /* 20100 */
	assert_string_equal(t.task[1], "T1-C1"); /* 20300 */
	assert_string_equal(t.task[2], "T0-C1"); /* none */
	int64_t t2 = t.id[0], t0 = t.id[2];

	/* done: moves after every open task */
	assert_int_equal(store_task_set_done(f.st, t2, f.c[0], 6000, f.user2, "Đã tổ chức"), 1);
	t.n = 0;
	assert_int_equal(store_tasks_of_unit(f.st, f.c[0], copy_task, &t), 0);
	assert_string_equal(t.task[0], "T1-C1");
	assert_string_equal(t.task[1], "T0-C1");
	assert_string_equal(t.task[2], "T2-C1");
	assert_int_equal(t.done_at[2], 6000);
	assert_int_equal(t.done_by[2], f.user2);
	assert_string_equal(t.note[2], "Đã tổ chức");

	/* another unit's task: 0, unchanged */
	assert_int_equal(store_task_set_done(f.st, t0, f.c[1], 6000, f.user, "x"), 0);
	assert_int_equal(store_task_set_done(f.st, 99999, f.c[0], 6000, f.user, "x"), 0);
	t.n = 0;
	assert_int_equal(store_task_get(f.st, t0, copy_task, &t), 1);
	assert_int_equal(t.done_at[0], 0);
	assert_string_equal(t.task[0], "T0-C1");
	assert_int_equal(store_task_get(f.st, 99999, copy_task, &t), 0);

	/* reopen: who and the note go too, whatever is passed */
	assert_int_equal(store_task_set_done(f.st, t2, f.c[0], 0, f.user, "bỏ qua"), 1);
	t.n = 0;
	assert_int_equal(store_task_get(f.st, t2, copy_task, &t), 1);
	assert_int_equal(t.done_at[0], 0);
	assert_int_equal(t.done_by[0], 0);
	assert_string_equal(t.note[0], "");
	assert_int_equal(t.due[0], 20100);
	t.n = 0;
	assert_int_equal(store_tasks_of_unit(f.st, f.c[1], copy_task, &t), 0);
	assert_int_equal(t.n, 2);
	assert_string_equal(t.task[0], "T0-C2");
	assert_int_equal(task_index(&t, 1, f.c[1]), 1);
	store_close(f.st);
}

/* ---- activities ---- */

typedef struct act_list {
	int n;
	int64_t id[MAXROWS];
	store_activity_t a[MAXROWS]; /* strings not kept: see strs */
	char strs[MAXROWS][10][64];
} act_list_t;

static int
copy_act(const store_activity_t *a, void *ctx)
{
	act_list_t *l = ctx;
	assert_true(l->n < MAXROWS);
	int i = l->n++;
	l->id[i] = a->id;
	l->a[i] = *a;
	const char *s[] = {a->unit_path, a->kind, a->title,    a->description, a->place,
	                   a->mode,      a->link, a->audience, a->status,      a->outcome};
	for (int k = 0; k < 10; k++)
		snprintf(l->strs[i][k], sizeof l->strs[0][0], "%s", s[k]);
	/* point the copy's strings at our storage */
	l->a[i].unit_path = l->strs[i][0];
	l->a[i].kind = l->strs[i][1];
	l->a[i].title = l->strs[i][2];
	l->a[i].description = l->strs[i][3];
	l->a[i].place = l->strs[i][4];
	l->a[i].mode = l->strs[i][5];
	l->a[i].link = l->strs[i][6];
	l->a[i].audience = l->strs[i][7];
	l->a[i].status = l->strs[i][8];
	l->a[i].outcome = l->strs[i][9];
	return 0;
}

static store_activity_t
activity(const fixture_t *f, int64_t unit, const char *path, int64_t start, int64_t end)
{
	return (store_activity_t){.unit_id = unit,
	                          .unit_path = path,
	                          .kind = "hoi_thao",
	                          .title = "Hội thảo",
	                          .start_at = start,
	                          .end_at = end,
	                          .mode = "truc_tiep",
	                          .expected = -1,
	                          .status = "planned",
	                          .actual = -1,
	                          .created_at = 100,
	                          .created_by = f->user,
	                          .updated_at = 100,
	                          .updated_by = f->user};
}

static void
test_activity_save_get(void **state)
{
	(void)state;
	fixture_t f;
	open_fixture(&f);
	store_activity_t a = activity(&f, f.c[0], "/VN/P1/C1/", 1000, 2000);
	a.campaign_id = f.campaign;
	a.description = "Mô tả";
	a.place = "Nhà văn hóa";
	a.audience = "Người dân";
	a.expected = 120;
	a.is_public = 5; /* any non-zero is 1 */
	a.late = 1;
	a.version = 42; /* ignored */
	int64_t id = 0, v = 0;
	assert_int_equal(store_activity_save(f.st, &a, 0, &id, &v), 0);
	assert_true(id > 0);
	assert_int_equal(v, 1);
	act_list_t l = {0};
	assert_int_equal(store_activity_get(f.st, id, copy_act, &l), 1);
	store_activity_t *g = &l.a[0];
	assert_int_equal(g->id, id);
	assert_int_equal(g->campaign_id, f.campaign);
	assert_int_equal(g->unit_id, f.c[0]);
	assert_string_equal(g->unit_path, "/VN/P1/C1/");
	assert_string_equal(g->kind, "hoi_thao");
	assert_string_equal(g->title, "Hội thảo");
	assert_string_equal(g->description, "Mô tả");
	assert_int_equal(g->start_at, 1000);
	assert_int_equal(g->end_at, 2000);
	assert_string_equal(g->place, "Nhà văn hóa");
	assert_string_equal(g->mode, "truc_tiep");
	assert_string_equal(g->link, "");
	assert_string_equal(g->audience, "Người dân");
	assert_int_equal(g->expected, 120);
	assert_int_equal(g->is_public, 1);
	assert_int_equal(g->late, 1);
	assert_string_equal(g->status, "planned");
	assert_int_equal(g->actual, -1);
	assert_string_equal(g->outcome, "");
	assert_int_equal(g->version, 1);
	assert_int_equal(g->created_at, 100);
	assert_int_equal(g->created_by, f.user);
	assert_int_equal(g->updated_at, 100);

	/* update: every field but created_* */
	a.id = id;
	a.campaign_id = 0;
	a.mode = "truc_tuyen";
	a.link = "https://meet.example/x";
	a.status = "held";
	a.actual = 95;
	a.outcome = "Thành công";
	a.is_public = 0;
	a.created_at = 1;
	a.created_by = f.user2;
	a.updated_at = 300;
	a.updated_by = f.user2;
	assert_int_equal(store_activity_save(f.st, &a, 1, &id, &v), 0);
	assert_int_equal(v, 2);
	l.n = 0;
	assert_int_equal(store_activity_get(f.st, id, copy_act, &l), 1);
	g = &l.a[0];
	assert_int_equal(g->campaign_id, 0);
	assert_string_equal(g->mode, "truc_tuyen");
	assert_string_equal(g->link, "https://meet.example/x");
	assert_string_equal(g->status, "held");
	assert_int_equal(g->actual, 95);
	assert_string_equal(g->outcome, "Thành công");
	assert_int_equal(g->is_public, 0);
	assert_int_equal(g->version, 2);
	assert_int_equal(g->created_at, 100);
	assert_int_equal(g->created_by, f.user);
	assert_int_equal(g->updated_at, 300);
	assert_int_equal(g->updated_by, f.user2);

	/* stale version: -2, unchanged, outputs untouched */
	a.title = "lạc hậu";
	int64_t id2 = -5;
	v = -5;
	assert_int_equal(store_activity_save(f.st, &a, 1, &id2, &v), -2);
	assert_int_equal(id2, -5);
	assert_int_equal(v, -5);
	l.n = 0;
	assert_int_equal(store_activity_get(f.st, id, copy_act, &l), 1);
	assert_string_equal(l.a[0].title, "Hội thảo");
	assert_int_equal(store_activity_get(f.st, 99999, copy_act, &l), 0);
	/* no such activity; the CHECKs (end before start, unknown mode / status) */
	a.id = 99999;
	assert_int_equal(store_activity_save(f.st, &a, 1, &id2, &v), -1);
	a = activity(&f, f.c[0], "/VN/P1/C1/", 2000, 1999);
	assert_int_equal(store_activity_save(f.st, &a, 0, &id2, &v), -1);
	a = activity(&f, f.c[0], "/VN/P1/C1/", 2000, 2000);
	a.mode = "thu_tin";
	assert_int_equal(store_activity_save(f.st, &a, 0, &id2, &v), -1);
	a.mode = "ket_hop";
	a.status = "done";
	assert_int_equal(store_activity_save(f.st, &a, 0, &id2, &v), -1);
	a.status = "cancelled"; /* zero length is fine */
	assert_int_equal(store_activity_save(f.st, &a, 0, &id2, &v), 0);
	store_close(f.st);
	assert_int_equal(raw_count(f.path, "SELECT count(*) FROM activities"), 2);
}

/* ids of a query's matches, in order, as a string like "D A B" (names by id). */
typedef struct named {
	int64_t id[8];
	const char *name[8];
	int n;
} named_t;

static const char *
found(fixture_t *f, const named_t *names, store_activity_query_t q)
{
	static char out[64];
	act_list_t *l = calloc(1, sizeof *l);
	assert_non_null(l);
	assert_int_equal(store_activities_find(f->st, &q, copy_act, l), 0);
	out[0] = '\0';
	for (int i = 0; i < l->n; i++) {
		const char *nm = "?";
		for (int k = 0; k < names->n; k++)
			if (names->id[k] == l->id[i])
				nm = names->name[k];
		strcat(out, i ? " " : "");
		strcat(out, nm);
	}
	free(l);
	return out;
}

static void
test_activities_find(void **state)
{
	(void)state;
	fixture_t f;
	open_fixture(&f);
	struct {
		const char *name, *path, *kind, *mode;
		int64_t unit, start, end, campaign;
		int pub;
	} rows[] = {
	        /* a sibling whose code extends another's ("30" / "306") */
	        {"A", "/VN/31/30/", "k1", "truc_tiep", f.c[0], 1000, 2000, f.campaign, 1},
	        {"B", "/VN/31/306/", "k2", "truc_tuyen", f.c[1], 1500, 1500, 0, 0},
	        {"C", "/VN/31/306/11413/", "k1", "ket_hop", f.c[2], 3000, 4000, f.campaign, 1},
	        {"D", "/VN/32/", "k1", "truc_tiep", f.p2, 500, 999, 0, 1},
	        /* '_' in a code: a LIKE would take it for a wildcard */
	        {"E", "/VN/3a_b/", "k2", "truc_tiep", f.p2, 5000, 6000, 0, 0},
	};
	named_t names = {.n = 5};
	for (int i = 0; i < 5; i++) {
		store_activity_t a =
		        activity(&f, rows[i].unit, rows[i].path, rows[i].start, rows[i].end);
		a.kind = rows[i].kind;
		a.mode = rows[i].mode;
		a.campaign_id = rows[i].campaign;
		a.is_public = rows[i].pub;
		int64_t v;
		assert_int_equal(store_activity_save(f.st, &a, 0, &names.id[i], &v), 0);
		names.name[i] = rows[i].name;
	}
	typedef store_activity_query_t Q;
	/* everywhere, by start */
	assert_string_equal(found(&f, &names, (Q){.path = ""}), "D A B C E");
	assert_string_equal(found(&f, &names, (Q){.path = NULL}), "D A B C E");
	/* subtree vs exact; the sibling sharing a prefix never matches */
	assert_string_equal(found(&f, &names, (Q){.path = "/VN/31/30/"}), "A");
	assert_string_equal(found(&f, &names, (Q){.path = "/VN/31/306/"}), "B C");
	assert_string_equal(found(&f, &names, (Q){.path = "/VN/31/306/", .exact = 1}), "B");
	assert_string_equal(found(&f, &names, (Q){.path = "/VN/31/", .exact = 1}), "");
	assert_string_equal(found(&f, &names, (Q){.path = "/VN/31/"}), "A B C");
	assert_string_equal(found(&f, &names, (Q){.path = "/VN/"}), "D A B C E");
	assert_string_equal(found(&f, &names, (Q){.path = "/VN/3a_b/"}), "E");
	assert_string_equal(found(&f, &names, (Q){.path = "/VN/3_/"}), "");
	assert_string_equal(found(&f, &names, (Q){.path = "/VN/33/"}), "");
	/* overlap with [from, to): end inclusive, start exclusive of to */
	assert_string_equal(found(&f, &names, (Q){.from = 1500, .to = 3000}), "A B");
	assert_string_equal(found(&f, &names, (Q){.from = 2000}), "A C E");
	assert_string_equal(found(&f, &names, (Q){.from = 2001}), "C E");
	assert_string_equal(found(&f, &names, (Q){.to = 1000}), "D");
	assert_string_equal(found(&f, &names, (Q){.to = 1001}), "D A");
	assert_string_equal(found(&f, &names, (Q){.from = 999, .to = 1000}), "D");
	assert_string_equal(found(&f, &names, (Q){.from = 1500, .to = 1501}), "A B");
	assert_string_equal(found(&f, &names, (Q){.from = 4001, .to = 4999}), "");
	/* filters */
	assert_string_equal(found(&f, &names, (Q){.public_only = 1}), "D A C");
	assert_string_equal(found(&f, &names, (Q){.kind = "k1"}), "D A C");
	assert_string_equal(found(&f, &names, (Q){.kind = ""}), "D A B C E");
	assert_string_equal(found(&f, &names, (Q){.mode = "truc_tuyen"}), "B");
	assert_string_equal(found(&f, &names, (Q){.mode = "truc_tiep"}), "D A E");
	assert_string_equal(found(&f, &names, (Q){.campaign_id = f.campaign}), "A C");
	assert_string_equal(found(&f, &names, (Q){.path = "/VN/31/", .public_only = 1}), "A C");
	assert_string_equal(
	        found(&f, &names, (Q){.path = "/VN/31/", .kind = "k1", .from = 2500, .to = 9999}),
	        "C");
	/* values are bound, never spliced */
	assert_string_equal(found(&f, &names, (Q){.kind = "k1' OR '1'='1"}), "");
	/* paging */
	assert_string_equal(found(&f, &names, (Q){.limit = 2}), "D A");
	assert_string_equal(found(&f, &names, (Q){.limit = 2, .offset = 2}), "B C");
	assert_string_equal(found(&f, &names, (Q){.limit = 2, .offset = 4}), "E");
	assert_string_equal(found(&f, &names, (Q){.offset = 3}), "C E");
	assert_string_equal(found(&f, &names, (Q){.path = "/VN/31/", .limit = 1, .offset = 1}),
	                    "B");
	store_close(f.st);
}

/* ---- photos ---- */

typedef struct photo_copy {
	int n;
	store_photo_t p[4];
	char caption[4][32];
	unsigned char data[64];
	size_t len;
} photo_copy_t;

static int
copy_photo(const store_photo_t *p, void *ctx)
{
	photo_copy_t *c = ctx;
	assert_true(c->n < 4);
	c->p[c->n] = *p;
	snprintf(c->caption[c->n], sizeof c->caption[0], "%s", p->caption);
	c->n++;
	return 0;
}

static int
copy_photo_data(const store_photo_t *p, const void *data, size_t len, void *ctx)
{
	photo_copy_t *c = ctx;
	copy_photo(p, ctx);
	assert_true(len <= sizeof c->data);
	memcpy(c->data, data, len);
	c->len = len;
	return 0;
}

static void
test_activity_photos(void **state)
{
	(void)state;
	fixture_t f;
	open_fixture(&f);
	store_activity_t a = activity(&f, f.c[0], "/VN/P1/C1/", 1000, 2000);
	int64_t act, other, v;
	assert_int_equal(store_activity_save(f.st, &a, 0, &act, &v), 0);
	assert_int_equal(store_activity_save(f.st, &a, 0, &other, &v), 0);
	const unsigned char full1[] = "FULL-ONE-BYTES", thumb1[] = "th1";
	const unsigned char full2[] = "FULL-TWO", thumb2[] = "thumb-two";
	store_photo_t p = {.report_id = act,
	                   .caption = "Khai mạc",
	                   .width = 1600,
	                   .height = 1200,
	                   .full_len = sizeof full1,
	                   .thumb_len = sizeof thumb1,
	                   .created_at = 50,
	                   .created_by = f.user};
	int64_t ph1, ph2, ph3;
	assert_int_equal(store_activity_photo_add(f.st, &p, full1, thumb1, &ph1), 0);
	p.caption = NULL; /* stored as "" */
	p.full_len = sizeof full2;
	p.thumb_len = sizeof thumb2;
	p.created_by = 0;
	assert_int_equal(store_activity_photo_add(f.st, &p, full2, thumb2, &ph2), 0);
	p.report_id = other;
	assert_int_equal(store_activity_photo_add(f.st, &p, full2, thumb2, &ph3), 0);
	p.report_id = 99999; /* no such activity */
	int64_t bad = -5;
	assert_int_equal(store_activity_photo_add(f.st, &p, full2, thumb2, &bad), -1);
	assert_int_equal(bad, -5);

	photo_copy_t c = {0};
	assert_int_equal(store_activity_photos(f.st, act, copy_photo, &c), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.p[0].id, ph1);
	assert_int_equal(c.p[0].report_id, act);
	assert_string_equal(c.caption[0], "Khai mạc");
	assert_int_equal(c.p[0].width, 1600);
	assert_int_equal(c.p[0].height, 1200);
	assert_int_equal(c.p[0].full_len, sizeof full1);
	assert_int_equal(c.p[0].thumb_len, sizeof thumb1);
	assert_int_equal(c.p[0].created_at, 50);
	assert_int_equal(c.p[0].created_by, f.user);
	assert_int_equal(c.p[1].id, ph2);
	assert_string_equal(c.caption[1], "");
	assert_int_equal(c.p[1].created_by, 0);

	memset(&c, 0, sizeof c);
	assert_int_equal(store_activity_photo_get(f.st, ph1, 1, copy_photo_data, &c), 1);
	assert_int_equal(c.len, sizeof thumb1);
	assert_memory_equal(c.data, thumb1, sizeof thumb1);
	assert_int_equal(c.p[0].full_len, sizeof full1);
	memset(&c, 0, sizeof c);
	assert_int_equal(store_activity_photo_get(f.st, ph1, 0, copy_photo_data, &c), 1);
	assert_int_equal(c.len, sizeof full1);
	assert_memory_equal(c.data, full1, sizeof full1);
	assert_int_equal(store_activity_photo_get(f.st, 99999, 0, copy_photo_data, &c), 0);

	/* delete: only as a photo of its own activity */
	assert_int_equal(store_activity_photo_delete(f.st, other, ph1), 0);
	assert_int_equal(store_activity_photo_delete(f.st, act, ph1), 1);
	assert_int_equal(store_activity_photo_delete(f.st, act, ph1), 0);
	memset(&c, 0, sizeof c);
	assert_int_equal(store_activity_photos(f.st, act, copy_photo, &c), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.p[0].id, ph2);
	/* the report photos (same helpers, other table) are separate */
	memset(&c, 0, sizeof c);
	assert_int_equal(store_photo_get(f.st, ph2, 0, copy_photo_data, &c), 0);
	store_close(f.st);
	assert_int_equal(raw_count(f.path, "SELECT count(*) FROM activity_photos"), 2);
	assert_int_equal(raw_count(f.path, "SELECT count(*) FROM report_photos"), 0);
}


/* A document issued on paper is registered with its own number: refused when the issuer
 * already used it that year (-4, nothing written); the automatic numbering goes on after it. */
static void
test_doc_publish_given_number(void **state)
{
	(void)state;
	fixture_t f;
	open_fixture(&f);
	int64_t a = new_draft(&f, f.p1, "a"), b = new_draft(&f, f.p1, "b");
	int64_t c = new_draft(&f, f.p1, "c");
	int number = 0;
	int64_t v;
	assert_int_equal(publish(&f, a, 1, 2025, 5000, NULL, 0, NULL, 0, &number), 0);
	assert_int_equal(number, 1);
	number = 1;
	assert_int_equal(store_doc_publish(f.st, b, 1, 20000, 2025, "{}", 5100, f.user, NULL, 0,
	                                   NULL, 0, &number, &v),
	                 -4);
	assert_string_equal(get_doc(&f, b).status, "draft");
	number = 2945;
	assert_int_equal(store_doc_publish(f.st, b, 1, 20000, 2025, "{}", 5100, f.user, NULL, 0,
	                                   NULL, 0, &number, &v),
	                 0);
	assert_int_equal(number, 2945);
	assert_int_equal(get_doc(&f, b).number, 2945);
	assert_int_equal(publish(&f, c, 1, 2025, 5200, NULL, 0, NULL, 0, &number), 0);
	assert_int_equal(number, 2946);
	store_close(f.st);
}

/* ---- signed PDFs (migration 11) ---- */

typedef struct signed_copy {
	int calls;
	store_doc_signed_t row;
	char sha[80], signer[80];
	size_t n;
	unsigned char pdf[16];
	int had_pdf;
} signed_copy_t;

static int
copy_signed(const store_doc_signed_t *d, const void *pdf, size_t n, void *p)
{
	signed_copy_t *c = p;
	c->calls++;
	c->row = *d;
	snprintf(c->sha, sizeof c->sha, "%s", d->sha256);
	snprintf(c->signer, sizeof c->signer, "%s", d->signer);
	c->had_pdf = pdf != NULL;
	c->n = n;
	if (pdf && n <= sizeof c->pdf)
		memcpy(c->pdf, pdf, n);
	return 0;
}

static void
test_doc_signed_kept_once(void **state)
{
	(void)state;
	fixture_t f;
	open_fixture(&f);
	int64_t a = new_draft(&f, f.p1, "a");
	int number = 0;
	assert_int_equal(publish(&f, a, 1, 2025, 5000, NULL, 0, NULL, 0, &number), 0);
	signed_copy_t c = {0};
	assert_int_equal(store_doc_signed_get(f.st, a, 1, copy_signed, &c), 0);
	assert_int_equal(c.calls, 0);
	store_doc_signed_t row = {a, "ab12", "Đơn vị 018", 6000, f.user, 0};
	assert_int_equal(store_doc_signed_put(f.st, &row, "%PDF-first", 10), 1);
	/* a second signature changes nothing: the first bytes stand */
	store_doc_signed_t again = {a, "cd34", "khác", 7000, 0, 0};
	assert_int_equal(store_doc_signed_put(f.st, &again, "%PDF-second", 11), 0);
	assert_int_equal(store_doc_signed_get(f.st, a, 1, copy_signed, &c), 1);
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.n, 10);
	assert_memory_equal(c.pdf, "%PDF-first", 10);
	assert_string_equal(c.sha, "ab12");
	assert_string_equal(c.signer, "Đơn vị 018");
	assert_int_equal(c.row.signed_at, 6000);
	assert_int_equal(c.row.signed_by, f.user);
	assert_int_equal(c.row.size, 10);
	/* without the bytes: the row and its size only */
	assert_int_equal(store_doc_signed_get(f.st, a, 0, copy_signed, &c), 1);
	assert_false(c.had_pdf);
	assert_int_equal(c.row.size, 10);
	/* only documents that exist; no empty PDF */
	store_doc_signed_t none = {99999, "x", "x", 1, 0, 0};
	assert_int_equal(store_doc_signed_put(f.st, &none, "%PDF", 4), -1);
	assert_int_equal(store_doc_signed_put(f.st, &row, "", 0), -1);
	store_close(f.st);
}

/* A Word import's review (migration 12): one per draft, read back as written, only for a
 * document that exists. */
static void
test_doc_import_review(void **state)
{
	(void)state;
	fixture_t f;
	open_fixture(&f);
	int64_t a = new_draft(&f, f.p1, "nhập từ Word");
	buf_t b = BUF_INIT;
	assert_int_equal(store_doc_import_get(f.st, a, &b), 0);
	assert_int_equal(b.len, 0);
	const char *review = "{\"subject\":\"nhập\",\"unrecognised\":[\"Ghi chú lạ\"]}";
	assert_int_equal(store_doc_import_put(f.st, a, 6000, f.user, review), 0);
	assert_int_equal(store_doc_import_get(f.st, a, &b), 1);
	assert_string_equal(buf_cstr(&b), review);
	/* one review per draft; none for a document that does not exist */
	assert_int_equal(store_doc_import_put(f.st, a, 7000, 0, "{}"), -1);
	assert_int_equal(store_doc_import_put(f.st, 99999, 7000, 0, "{}"), -1);
	buf_reset(&b);
	assert_int_equal(store_doc_import_get(f.st, a, &b), 1);
	assert_string_equal(buf_cstr(&b), review);
	buf_free(&b);
	store_close(f.st);
}

/* --pg: on PostgreSQL (store_backend.h) */
int
main(int argc, char **argv)
{
	if (tb_init(argc, argv, "docs") < 0)
		return 1;
	log_set_level(2);
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_migration_5_over_version_4),
	        cmocka_unit_test(test_doc_save_versions),
	        cmocka_unit_test(test_doc_publish_numbering),
	        cmocka_unit_test(test_doc_publish_given_number),
	        cmocka_unit_test(test_doc_publish_all_or_nothing),
	        cmocka_unit_test(test_recipients_and_reads),
	        cmocka_unit_test(test_tasks),
	        cmocka_unit_test(test_activity_save_get),
	        cmocka_unit_test(test_activities_find),
	        cmocka_unit_test(test_activity_photos),
	        cmocka_unit_test(test_doc_signed_kept_once),
	        cmocka_unit_test(test_doc_import_review),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
