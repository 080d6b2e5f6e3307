/* Reporting-loop store on a real SQLite file: templates, campaigns, reports with their
 * values and optimistic versions (all-or-nothing, inside an outer transaction too),
 * the campaign-wide reads the roll-up is built from, events, frozen figures and
 * reminders, notices and the e-mail outbox. */
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


/* A fresh database with three communes under a province, a user, a template and an
 * open campaign issued by the province. */
typedef struct fixture {
	char path[256];
	store_t *st;
	int64_t province, unit[3], user, tpl, campaign;
} fixture_t;

static int
find_unit(const store_unit_t *u, void *ctx)
{
	fixture_t *f = ctx;
	if (strcmp(u->code, "01") == 0)
		f->province = u->id;
	else if (strncmp(u->code, "01.", 3) == 0)
		f->unit[u->code[3] - '1'] = u->id;
	return 0;
}

static void
open_fixture(fixture_t *f)
{
	char err[512];
	memset(f, 0, sizeof *f);
	tb_fresh_spec("r", f->path, sizeof f->path); /* SQLite, or PostgreSQL with --pg */
	if (store_open(f->path, &f->st, err, sizeof err) < 0)
		fail_msg("store_open: %s", err);
	/* children listed before their parent's row: parents resolve by code */
	const store_unit_change_t rows[] = {
	        {0, "01.3", "Xã Ba", "xa", "01", "", "", "", 1, 0},
	        {0, "01", "Hà Nội", "tp_tw", "VN", "", "", "", 1, 0},
	        {0, "01.1", "Xã Một", "xa", "01", "", "", "", 1, 0},
	        {0, "01.2", "Xã Hai", "xa", "01", "", "", "", 1, 0},
	};
	if (store_units_apply(f->st, rows, 4, err, sizeof err) < 0)
		fail_msg("units: %s", err);
	assert_int_equal(store_units_each(f->st, find_unit, f), 0);
	assert_true(f->province > 0 && f->unit[0] > 0 && f->unit[1] > 0 && f->unit[2] > 0);
	/* ids in code order 1 < 2 < 3 would hide ordering bugs: "01.3" was inserted first */
	assert_true(f->unit[2] < f->unit[0]);

	store_user_t u = {.username = "head", .password_hash = "$argon2id$x", .created_at = 1};
	assert_int_equal(store_user_create(f->st, &u, &f->user), 0);
	store_template_t t = {.code = "tpl-2025", .name = "Mẫu 2025", .year = 2025, .json = "{}"};
	assert_int_equal(store_template_save(f->st, &t, &f->tpl), 0);
	store_campaign_t c = {.issuer_unit_id = f->province,
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

/* ---- copies of callback rows ---- */

typedef struct tpl_list {
	int n;
	int64_t id[8];
	int year[8];
	char code[8][32], name[8][64], json[8][64];
	int64_t created_at[8];
} tpl_list_t;

static int
copy_tpl(const store_template_t *t, void *ctx)
{
	tpl_list_t *l = ctx;
	assert_true(l->n < 8);
	l->id[l->n] = t->id;
	l->year[l->n] = t->year;
	l->created_at[l->n] = t->created_at;
	snprintf(l->code[l->n], sizeof l->code[0], "%s", t->code);
	snprintf(l->name[l->n], sizeof l->name[0], "%s", t->name);
	snprintf(l->json[l->n], sizeof l->json[0], "%s", t->json);
	l->n++;
	return 0;
}

typedef struct camp_list {
	int n;
	int64_t id[8], parent_id[8], issuer[8], created_at[8], created_by[8];
	int year[8];
	int32_t start_date[8];
	char name[8][64], status[8][16], theme[8][64], deadlines[8][64];
} camp_list_t;

static int
copy_camp(const store_campaign_t *c, void *ctx)
{
	camp_list_t *l = ctx;
	assert_true(l->n < 8);
	int i = l->n++;
	l->id[i] = c->id;
	l->parent_id[i] = c->parent_id;
	l->issuer[i] = c->issuer_unit_id;
	l->created_at[i] = c->created_at;
	l->created_by[i] = c->created_by;
	l->year[i] = c->year;
	l->start_date[i] = c->start_date;
	snprintf(l->name[i], sizeof l->name[0], "%s", c->name);
	snprintf(l->status[i], sizeof l->status[0], "%s", c->status);
	snprintf(l->theme[i], sizeof l->theme[0], "%s", c->theme);
	snprintf(l->deadlines[i], sizeof l->deadlines[0], "%s", c->deadlines);
	return 0;
}

typedef struct rep_list {
	int n;
	int64_t id[8], unit_id[8], version[8], updated_by[8], submitted_at[8], submitted_by[8];
	int64_t reviewed_at[8], reviewed_by[8];
	int on_behalf[8];
	char status[8][16], comment[8][64];
} rep_list_t;

static int
copy_rep(const store_report_t *r, void *ctx)
{
	rep_list_t *l = ctx;
	assert_true(l->n < 8);
	int i = l->n++;
	l->id[i] = r->id;
	l->unit_id[i] = r->unit_id;
	l->version[i] = r->version;
	l->updated_by[i] = r->updated_by;
	l->submitted_at[i] = r->submitted_at;
	l->submitted_by[i] = r->submitted_by;
	l->reviewed_at[i] = r->reviewed_at;
	l->reviewed_by[i] = r->reviewed_by;
	l->on_behalf[i] = r->on_behalf;
	snprintf(l->status[i], sizeof l->status[0], "%s", r->status);
	snprintf(l->comment[i], sizeof l->comment[0], "%s", r->comment);
	return 0;
}

typedef struct val_list {
	int n;
	int64_t unit_id[16];
	char status[16][16];
	char item[16][32], text[16][32];
	int has_num[16];
	int64_t num[16];
} val_list_t;

static void
add_val(val_list_t *l, const store_value_t *v)
{
	assert_true(l->n < 16);
	int i = l->n++;
	snprintf(l->item[i], sizeof l->item[0], "%s", v->item);
	snprintf(l->text[i], sizeof l->text[0], "%s", v->text);
	l->has_num[i] = v->has_num;
	l->num[i] = v->num;
}

static int
copy_val(const store_value_t *v, void *ctx)
{
	add_val(ctx, v);
	return 0;
}

static int
copy_campaign_val(int64_t unit_id, const char *status, const store_value_t *v, void *ctx)
{
	val_list_t *l = ctx;
	add_val(l, v);
	l->unit_id[l->n - 1] = unit_id;
	snprintf(l->status[l->n - 1], sizeof l->status[0], "%s", status);
	return 0;
}

/* Index of item in l, -1 when absent. */
static int
val_index(const val_list_t *l, const char *item)
{
	for (int i = 0; i < l->n; i++)
		if (strcmp(l->item[i], item) == 0)
			return i;
	return -1;
}

static store_report_t
draft_of(const fixture_t *f, int64_t unit_id)
{
	return (store_report_t){.campaign_id = f->campaign,
	                        .unit_id = unit_id,
	                        .status = "draft",
	                        .updated_at = 500,
	                        .updated_by = f->user};
}

/* ---- migration ---- */

static void
test_migration_3_recorded_and_reopen_idempotent(void **state)
{
	(void)state;
	if (tb.pg) /* SQLite's migrations; PostgreSQL starts at 20 (test_store_backends) */
		skip();
	fixture_t f;
	open_fixture(&f);
	int applied, known;
	assert_int_equal(store_schema_version(f.st, &applied, &known), 0);
	assert_int_equal(applied, known); /* every migration, 3 among them */
	assert_true(known >= 3);
	store_close(f.st);
	assert_int_equal(raw_count(f.path, "SELECT count(*) FROM schema_migrations WHERE version=3"
	                                   " AND name='reporting loop'"),
	                 1);
	assert_int_equal(raw_count(f.path, "SELECT count(*) FROM sqlite_master WHERE type='table'"
	                                   " AND name IN ('templates','campaigns','reports',"
	                                   "'report_values','report_frozen','report_events',"
	                                   "'reminders')"),
	                 7);
	/* reopening applies nothing again (CREATE TABLE would fail) and keeps the data */
	char err[512];
	assert_int_equal(store_open(f.path, &f.st, err, sizeof err), 0);
	assert_int_equal(store_schema_version(f.st, &applied, &known), 0);
	assert_int_equal(applied, known);
	tpl_list_t l = {0};
	assert_int_equal(store_template_get(f.st, f.tpl, copy_tpl, &l), 1);
	assert_string_equal(l.code[0], "tpl-2025");
	store_close(f.st);
	assert_int_equal(raw_count(f.path, "SELECT count(*) FROM schema_migrations"), known);
}

/* ---- templates ---- */

static void
test_templates(void **state)
{
	(void)state;
	fixture_t f;
	open_fixture(&f);
	store_template_t t = {
	        .code = "b-2025", .name = "B", .year = 2025, .json = "{\"b\":1}", .created_at = 7};
	int64_t b = 0, a = 0, old = 0;
	assert_int_equal(store_template_save(f.st, &t, &b), 0);
	t = (store_template_t){.code = "a-2025", .name = "A", .year = 2025, .json = "{}"};
	assert_int_equal(store_template_save(f.st, &t, &a), 0);
	t = (store_template_t){.code = "z-2024", .name = "Z", .year = 2024, .json = "{}"};
	assert_int_equal(store_template_save(f.st, &t, &old), 0);
	assert_true(b > f.tpl && a > b && old > a);

	tpl_list_t l = {0};
	assert_int_equal(store_template_get(f.st, b, copy_tpl, &l), 1);
	assert_int_equal(l.id[0], b);
	assert_string_equal(l.code[0], "b-2025");
	assert_string_equal(l.name[0], "B");
	assert_string_equal(l.json[0], "{\"b\":1}");
	assert_int_equal(l.year[0], 2025);
	assert_int_equal(l.created_at[0], 7);
	assert_int_equal(store_template_get(f.st, 9999, copy_tpl, &l), 0);
	memset(&l, 0, sizeof l);
	assert_int_equal(store_template_find(f.st, "a-2025", copy_tpl, &l), 1);
	assert_int_equal(l.id[0], a);
	assert_int_equal(store_template_find(f.st, "nope", copy_tpl, &l), 0);

	/* newest year first, then code */
	memset(&l, 0, sizeof l);
	assert_int_equal(store_templates_each(f.st, copy_tpl, &l), 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.code[0], "a-2025");
	assert_string_equal(l.code[1], "b-2025");
	assert_string_equal(l.code[2], "tpl-2025");
	assert_string_equal(l.code[3], "z-2024");

	/* a taken code: -2 whether inserting or renaming, and the holder is untouched */
	int64_t id = 0;
	t = (store_template_t){.code = "a-2025", .name = "dup", .year = 2025, .json = "{}"};
	assert_int_equal(store_template_save(f.st, &t, &id), -2);
	t = (store_template_t){.id = b, .code = "a-2025", .name = "B2", .year = 2025, .json = "{}"};
	assert_int_equal(store_template_save(f.st, &t, &id), -2);
	memset(&l, 0, sizeof l);
	assert_int_equal(store_templates_each(f.st, copy_tpl, &l), 0);
	assert_int_equal(l.n, 4);
	assert_int_equal(store_template_get(f.st, a, NULL, NULL), 1);
	memset(&l, 0, sizeof l);
	assert_int_equal(store_template_get(f.st, b, copy_tpl, &l), 1);
	assert_string_equal(l.name[0], "B");

	/* replace by id: same row, new fields */
	t = (store_template_t){.id = b,
	                       .code = "b2-2026",
	                       .name = "B mới",
	                       .year = 2026,
	                       .json = "{\"v\":2}",
	                       .created_at = 8};
	id = 0;
	assert_int_equal(store_template_save(f.st, &t, &id), 0);
	assert_int_equal(id, b);
	memset(&l, 0, sizeof l);
	assert_int_equal(store_templates_each(f.st, copy_tpl, &l), 0);
	assert_int_equal(l.n, 4);
	assert_int_equal(l.id[0], b);
	assert_string_equal(l.code[0], "b2-2026");
	assert_string_equal(l.name[0], "B mới");
	assert_string_equal(l.json[0], "{\"v\":2}");
	assert_int_equal(store_template_find(f.st, "b-2025", NULL, NULL), 0);
	store_close(f.st);
}

/* ---- campaigns ---- */

typedef struct nest_ctx {
	store_t *st;
	int outer, inner;
} nest_ctx_t;

static int
nest_inner(const store_campaign_t *c, void *p)
{
	(void)c;
	((nest_ctx_t *)p)->inner++;
	return 0;
}

static int
nest_outer(const store_campaign_t *c, void *p)
{
	(void)c;
	nest_ctx_t *n = p;
	if (++n->outer > 10)
		return 1; /* would loop forever */
	return store_campaigns_each(n->st, nest_inner, n);
}

static void
test_campaigns(void **state)
{
	(void)state;
	fixture_t f;
	open_fixture(&f);
	camp_list_t l = {0};
	assert_int_equal(store_campaign_get(f.st, f.campaign, copy_camp, &l), 1);
	assert_int_equal(l.parent_id[0], 0); /* NULL comes back as 0 */
	assert_int_equal(l.created_by[0], f.user);
	assert_string_equal(l.status[0], "open");
	assert_string_equal(l.theme[0], ""); /* NULL strings stored as '' */

	/* a commune-level campaign adopting the province's one */
	store_campaign_t c = {.issuer_unit_id = f.unit[0],
	                      .parent_id = f.campaign,
	                      .template_id = f.tpl,
	                      .year = 2025,
	                      .name = "Xã Một 2025",
	                      .theme = "Học tập suốt đời",
	                      .start_date = 20000,
	                      .status = "draft",
	                      .deadlines = "xa=7",
	                      .created_at = 200};
	int64_t child = 0, older = 0;
	assert_int_equal(store_campaign_save(f.st, &c, &child), 0);
	assert_true(child > f.campaign);
	store_campaign_t o = {.issuer_unit_id = f.province,
	                      .template_id = f.tpl,
	                      .year = 2024,
	                      .name = "Tuần lễ 2024",
	                      .status = "closed",
	                      .created_at = 50};
	assert_int_equal(store_campaign_save(f.st, &o, &older), 0);

	/* a callback may list campaigns again (the campaign helpers do, inside page loops):
	 * the outer listing still sees each of the three once and ends */
	nest_ctx_t nc = {f.st, 0, 0};
	assert_int_equal(store_campaigns_each(f.st, nest_outer, &nc), 0);
	assert_int_equal(nc.outer, 3);
	assert_int_equal(nc.inner, 9);

	memset(&l, 0, sizeof l);
	assert_int_equal(store_campaign_get(f.st, child, copy_camp, &l), 1);
	assert_int_equal(l.parent_id[0], f.campaign);
	assert_int_equal(l.issuer[0], f.unit[0]);
	assert_int_equal(l.created_by[0], 0);
	assert_int_equal(l.start_date[0], 20000);
	assert_string_equal(l.theme[0], "Học tập suốt đời");
	assert_string_equal(l.deadlines[0], "xa=7");

	/* update: fields change, creation facts stay */
	c.id = child;
	c.name = "Xã Một 2025 (sửa)";
	c.status = "open";
	c.created_at = 999;
	int64_t id = 0;
	assert_int_equal(store_campaign_save(f.st, &c, &id), 0);
	assert_int_equal(id, child);
	memset(&l, 0, sizeof l);
	assert_int_equal(store_campaign_get(f.st, child, copy_camp, &l), 1);
	assert_string_equal(l.name[0], "Xã Một 2025 (sửa)");
	assert_string_equal(l.status[0], "open");
	assert_int_equal(l.created_at[0], 200);

	/* newest year first, then id */
	memset(&l, 0, sizeof l);
	assert_int_equal(store_campaigns_each(f.st, copy_camp, &l), 0);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.id[0], f.campaign);
	assert_int_equal(l.id[1], child);
	assert_int_equal(l.id[2], older);

	/* refused: an unknown status, an update of a missing row, an unknown unit */
	c.id = 0;
	c.status = "archived";
	assert_int_equal(store_campaign_save(f.st, &c, &id), -1);
	c.status = "open";
	c.id = 9999;
	assert_int_equal(store_campaign_save(f.st, &c, &id), -1);
	c.id = 0;
	c.issuer_unit_id = 9999;
	assert_int_equal(store_campaign_save(f.st, &c, &id), -1);
	assert_int_equal(store_campaign_get(f.st, 9999, copy_camp, &l), 0);
	assert_int_equal(raw_count(f.path, "SELECT count(*) FROM campaigns"), 3);
	store_close(f.st);
}

/* ---- reports ---- */

static void
test_report_save_versions_and_values(void **state)
{
	(void)state;
	fixture_t f;
	open_fixture(&f);
	store_report_t r = draft_of(&f, f.unit[0]);
	r.id = 12345; /* ignored */
	const store_value_t v1[] = {
	        {"a.1", 1, 10, "", ""},
	        {"a.2", 1, -3, "ghi chú", ""},
	        {"a.note", 0, 0, "chỉ chữ", ""},
	};
	int64_t id = 0, version = 0;
	assert_int_equal(store_report_save(f.st, &r, v1, 3, 0, &id, &version), 0);
	assert_true(id > 0 && id != 12345);
	assert_int_equal(version, 1);

	rep_list_t rl = {0};
	assert_int_equal(store_report_get(f.st, f.campaign, f.unit[0], copy_rep, &rl), 1);
	assert_int_equal(rl.id[0], id);
	assert_int_equal(rl.version[0], 1);
	assert_string_equal(rl.status[0], "draft");
	assert_int_equal(rl.updated_by[0], f.user);
	assert_int_equal(rl.submitted_by[0], 0);
	assert_int_equal(store_report_get(f.st, f.campaign, f.unit[1], copy_rep, &rl), 0);

	val_list_t vl = {0};
	assert_int_equal(store_report_values(f.st, id, copy_val, &vl), 0);
	assert_int_equal(vl.n, 3);
	int i = val_index(&vl, "a.2");
	assert_true(i >= 0);
	assert_int_equal(vl.has_num[i], 1);
	assert_int_equal(vl.num[i], -3);
	assert_string_equal(vl.text[i], "ghi chú");
	i = val_index(&vl, "a.note");
	assert_true(i >= 0);
	assert_int_equal(vl.has_num[i], 0);
	assert_string_equal(vl.text[i], "chỉ chữ");

	/* second save with the version read: version 2 and the values replaced */
	const store_value_t v2[] = {{"a.1", 1, 11, "", ""}, {"b.1", 1, 5, "", ""}};
	r.on_behalf = 1;
	r.updated_at = 600;
	int64_t id2 = 0;
	assert_int_equal(store_report_save(f.st, &r, v2, 2, 1, &id2, &version), 0);
	assert_int_equal(id2, id);
	assert_int_equal(version, 2);
	memset(&vl, 0, sizeof vl);
	assert_int_equal(store_report_values(f.st, id, copy_val, &vl), 0);
	assert_int_equal(vl.n, 2);
	assert_int_equal(val_index(&vl, "a.2"), -1);
	assert_int_equal(val_index(&vl, "a.note"), -1);
	assert_int_equal(vl.num[val_index(&vl, "a.1")], 11);
	assert_int_equal(vl.num[val_index(&vl, "b.1")], 5);
	memset(&rl, 0, sizeof rl);
	assert_int_equal(store_report_get(f.st, f.campaign, f.unit[0], copy_rep, &rl), 1);
	assert_int_equal(rl.on_behalf[0], 1);
	/* the values merged, not rewritten: the same values again, then one item turned from
	 * a number to a text and one back (items out of order) */
	assert_int_equal(store_report_save(f.st, &r, v2, 2, 2, &id2, &version), 0);
	const store_value_t v2b[] = {
	        {"b.1", 0, 0, "năm", ""}, {"a.1", 1, 11, "", ""}, {"a.2", 1, 0, "", ""}};
	assert_int_equal(store_report_save(f.st, &r, v2b, 3, 3, &id2, &version), 0);
	memset(&vl, 0, sizeof vl);
	assert_int_equal(store_report_values(f.st, id, copy_val, &vl), 0);
	assert_int_equal(vl.n, 3);
	i = val_index(&vl, "b.1");
	assert_int_equal(vl.has_num[i], 0);
	assert_string_equal(vl.text[i], "năm");
	i = val_index(&vl, "a.2");
	assert_int_equal(vl.has_num[i], 1);
	assert_int_equal(vl.num[i], 0);
	assert_int_equal(store_report_save(f.st, &r, v2, 2, 4, &id2, &version), 0);
	assert_int_equal(version, 5);

	/* stale versions (1, and 0 as if it did not exist): -2, nothing written */
	const store_value_t v3[] = {{"c.1", 1, 99, "", ""}};
	r.status = "submitted";
	version = -7;
	assert_int_equal(store_report_save(f.st, &r, v3, 1, 1, &id2, &version), -2);
	assert_int_equal(version, -7);
	assert_int_equal(store_report_save(f.st, &r, v3, 1, 4, &id2, &version), -2);
	assert_int_equal(store_report_save(f.st, &r, v3, 1, 0, &id2, &version), -2);
	memset(&rl, 0, sizeof rl);
	assert_int_equal(store_report_get(f.st, f.campaign, f.unit[0], copy_rep, &rl), 1);
	assert_int_equal(rl.version[0], 5);
	assert_string_equal(rl.status[0], "draft");
	memset(&vl, 0, sizeof vl);
	assert_int_equal(store_report_values(f.st, id, copy_val, &vl), 0);
	assert_int_equal(vl.n, 2);
	assert_int_equal(val_index(&vl, "c.1"), -1);

	/* a report that does not exist has version 0: expecting another creates nothing */
	r = draft_of(&f, f.unit[1]);
	assert_int_equal(store_report_save(f.st, &r, v3, 1, 3, &id2, &version), -2);
	assert_int_equal(store_report_get(f.st, f.campaign, f.unit[1], NULL, NULL), 0);
	assert_int_equal(raw_count(f.path, "SELECT count(*) FROM reports"), 1);
	assert_int_equal(raw_count(f.path, "SELECT count(*) FROM report_values"), 2);
	store_close(f.st);
}

/* A failure in the middle (the second value repeats an item) leaves the report as it
 * was: the row update before it is undone too. */
static void
test_report_save_all_or_nothing(void **state)
{
	(void)state;
	fixture_t f;
	open_fixture(&f);
	store_report_t r = draft_of(&f, f.unit[0]);
	const store_value_t v1[] = {{"a.1", 1, 10, "", ""}};
	int64_t id = 0, version = 0;
	assert_int_equal(store_report_save(f.st, &r, v1, 1, 0, &id, &version), 0);

	const store_value_t bad[] = {{"b.1", 1, 1, "", ""}, {"b.1", 1, 2, "", ""}};
	r.status = "submitted";
	assert_int_equal(store_report_save(f.st, &r, bad, 2, 1, &id, &version), -1);
	rep_list_t rl = {0};
	assert_int_equal(store_report_get(f.st, f.campaign, f.unit[0], copy_rep, &rl), 1);
	assert_int_equal(rl.version[0], 1);
	assert_string_equal(rl.status[0], "draft");
	val_list_t vl = {0};
	assert_int_equal(store_report_values(f.st, id, copy_val, &vl), 0);
	assert_int_equal(vl.n, 1);
	assert_string_equal(vl.item[0], "a.1");
	assert_int_equal(vl.num[0], 10);

	/* the same inside an outer transaction: the savepoint undoes only this call */
	assert_int_equal(store_tx_begin(f.st), 0);
	assert_int_equal(store_report_save(f.st, &r, bad, 2, 1, &id, &version), -1);
	assert_int_equal(store_report_save(f.st, &r, v1, 1, 1, &id, &version), 0);
	assert_int_equal(version, 2);
	assert_int_equal(store_tx_commit(f.st), 0);
	memset(&rl, 0, sizeof rl);
	assert_int_equal(store_report_get(f.st, f.campaign, f.unit[0], copy_rep, &rl), 1);
	assert_int_equal(rl.version[0], 2);
	assert_string_equal(rl.status[0], "submitted");
	store_close(f.st);
	assert_int_equal(raw_count(f.path, "SELECT count(*) FROM report_values"), 1);
}

static void
test_report_save_in_rolled_back_tx(void **state)
{
	(void)state;
	fixture_t f;
	open_fixture(&f);
	store_report_t r = draft_of(&f, f.unit[0]);
	const store_value_t v[] = {{"a.1", 1, 10, "", ""}, {"a.2", 1, 20, "", ""}};
	int64_t id = 0, version = 0;
	assert_int_equal(store_tx_begin(f.st), 0);
	assert_int_equal(store_report_save(f.st, &r, v, 2, 0, &id, &version), 0);
	assert_int_equal(version, 1);
	/* visible inside the transaction */
	assert_int_equal(store_report_get(f.st, f.campaign, f.unit[0], NULL, NULL), 1);
	store_report_event_t e = {.report_id = id, .at = 1, .action = "save"};
	assert_int_equal(store_report_event_add(f.st, &e), 0);
	store_tx_rollback(f.st);

	assert_int_equal(store_report_get(f.st, f.campaign, f.unit[0], NULL, NULL), 0);
	assert_int_equal(raw_count(f.path, "SELECT count(*) FROM reports"), 0);
	assert_int_equal(raw_count(f.path, "SELECT count(*) FROM report_values"), 0);
	assert_int_equal(raw_count(f.path, "SELECT count(*) FROM report_events"), 0);
	/* and the connection is usable afterwards, outside any transaction */
	assert_int_equal(store_report_save(f.st, &r, v, 2, 0, &id, &version), 0);
	assert_int_equal(version, 1);
	store_close(f.st);
	assert_int_equal(raw_count(f.path, "SELECT count(*) FROM report_values"), 2);
}

static void
test_report_set_status(void **state)
{
	(void)state;
	fixture_t f;
	open_fixture(&f);
	store_report_t r = draft_of(&f, f.unit[0]);
	const store_value_t v[] = {{"a.1", 1, 10, "", ""}, {"a.t", 0, 0, "chữ", ""}};
	int64_t id = 0, version = 0;
	assert_int_equal(store_report_save(f.st, &r, v, 2, 0, &id, &version), 0);

	store_report_t s = r;
	s.status = "submitted";
	s.submitted_at = 700;
	s.submitted_by = f.user;
	s.updated_at = 700;
	assert_int_equal(store_report_set_status(f.st, &s, 1, &version), 0);
	assert_int_equal(version, 2);
	s.status = "returned";
	s.reviewed_at = 800;
	s.reviewed_by = f.user;
	s.comment = "Thiếu số liệu mục a.2";
	assert_int_equal(store_report_set_status(f.st, &s, 2, &version), 0);
	assert_int_equal(version, 3);

	rep_list_t rl = {0};
	assert_int_equal(store_report_get(f.st, f.campaign, f.unit[0], copy_rep, &rl), 1);
	assert_int_equal(rl.version[0], 3);
	assert_string_equal(rl.status[0], "returned");
	assert_int_equal(rl.submitted_at[0], 700);
	assert_int_equal(rl.submitted_by[0], f.user);
	assert_int_equal(rl.reviewed_at[0], 800);
	assert_int_equal(rl.reviewed_by[0], f.user);
	assert_string_equal(rl.comment[0], "Thiếu số liệu mục a.2");

	/* stale: -2, nothing changes */
	s.status = "approved";
	version = -7;
	assert_int_equal(store_report_set_status(f.st, &s, 2, &version), -2);
	assert_int_equal(version, -7);
	memset(&rl, 0, sizeof rl);
	assert_int_equal(store_report_get(f.st, f.campaign, f.unit[0], copy_rep, &rl), 1);
	assert_int_equal(rl.version[0], 3);
	assert_string_equal(rl.status[0], "returned");

	/* an unknown status is refused by the database */
	s.status = "lost";
	assert_int_equal(store_report_set_status(f.st, &s, 3, &version), -1);

	/* values untouched by status changes */
	val_list_t vl = {0};
	assert_int_equal(store_report_values(f.st, id, copy_val, &vl), 0);
	assert_int_equal(vl.n, 2);
	assert_int_equal(vl.num[val_index(&vl, "a.1")], 10);
	assert_string_equal(vl.text[val_index(&vl, "a.t")], "chữ");

	/* no report to change: -1 (version 0 matches), -2 (another expected); none created */
	store_report_t m = draft_of(&f, f.unit[1]);
	m.status = "submitted";
	assert_int_equal(store_report_set_status(f.st, &m, 0, &version), -1);
	assert_int_equal(store_report_set_status(f.st, &m, 1, &version), -2);
	assert_int_equal(store_report_get(f.st, f.campaign, f.unit[1], NULL, NULL), 0);
	store_close(f.st);
}

static int
stop_at_second(const store_report_t *r, void *ctx)
{
	(void)r;
	return ++*(int *)ctx == 2 ? 42 : 0;
}

static void
test_campaign_reads(void **state)
{
	(void)state;
	fixture_t f;
	open_fixture(&f);
	/* a second campaign whose reports must not leak into the first one's reads */
	store_campaign_t c = {.issuer_unit_id = f.province,
	                      .template_id = f.tpl,
	                      .year = 2024,
	                      .name = "Khác",
	                      .status = "closed"};
	int64_t other = 0, id = 0, version = 0;
	assert_int_equal(store_campaign_save(f.st, &c, &other), 0);

	/* saved in the order unit[1], unit[2], unit[0]; unit ids: unit[2] < unit[0] < unit[1] */
	store_report_t r = draft_of(&f, f.unit[1]);
	const store_value_t v1[] = {{"x", 1, 1, "", ""}, {"t", 0, 0, "chữ", ""}};
	assert_int_equal(store_report_save(f.st, &r, v1, 2, 0, &id, &version), 0);
	r = draft_of(&f, f.unit[2]);
	r.status = "approved";
	const store_value_t v2[] = {{"x", 1, 2, "", ""}, {"y", 1, 3, "", ""}};
	assert_int_equal(store_report_save(f.st, &r, v2, 2, 0, &id, &version), 0);
	r = draft_of(&f, f.unit[0]);
	r.status = "submitted";
	const store_value_t v0[] = {{"y", 1, 4, "", ""}, {"u", 0, 0, "", ""}};
	assert_int_equal(store_report_save(f.st, &r, v0, 2, 0, &id, &version), 0);
	r = draft_of(&f, f.unit[0]);
	r.campaign_id = other;
	const store_value_t vo[] = {{"x", 1, 1000, "", ""}};
	assert_int_equal(store_report_save(f.st, &r, vo, 1, 0, &id, &version), 0);

	rep_list_t rl = {0};
	assert_int_equal(store_reports_of_campaign(f.st, f.campaign, copy_rep, &rl), 0);
	assert_int_equal(rl.n, 3);
	assert_int_equal(rl.unit_id[0], f.unit[2]);
	assert_int_equal(rl.unit_id[1], f.unit[0]);
	assert_int_equal(rl.unit_id[2], f.unit[1]);
	assert_string_equal(rl.status[0], "approved");
	assert_string_equal(rl.status[1], "submitted");
	assert_string_equal(rl.status[2], "draft");
	int calls = 0;
	assert_int_equal(store_reports_of_campaign(f.st, f.campaign, stop_at_second, &calls), 42);
	assert_int_equal(calls, 2);

	/* numeric values only, each with its unit and the report's status, by unit */
	val_list_t vl = {0};
	assert_int_equal(store_values_of_campaign(f.st, f.campaign, copy_campaign_val, &vl), 0);
	assert_int_equal(vl.n, 4);
	for (int i = 0; i < vl.n; i++) {
		assert_int_equal(vl.has_num[i], 1);
		assert_true(strcmp(vl.item[i], "t") != 0 && strcmp(vl.item[i], "u") != 0);
		assert_true(vl.num[i] != 1000);
	}
	assert_int_equal(vl.unit_id[0], f.unit[2]);
	assert_int_equal(vl.unit_id[1], f.unit[2]);
	assert_int_equal(vl.unit_id[2], f.unit[0]);
	assert_int_equal(vl.unit_id[3], f.unit[1]);
	assert_string_equal(vl.status[0], "approved");
	assert_string_equal(vl.status[1], "approved");
	assert_int_equal(vl.num[0] + vl.num[1], 5);
	assert_string_equal(vl.status[2], "submitted");
	assert_string_equal(vl.item[2], "y");
	assert_int_equal(vl.num[2], 4);
	assert_string_equal(vl.status[3], "draft");
	assert_string_equal(vl.item[3], "x");
	assert_int_equal(vl.num[3], 1);

	memset(&vl, 0, sizeof vl);
	assert_int_equal(store_values_of_campaign(f.st, other, copy_campaign_val, &vl), 0);
	assert_int_equal(vl.n, 1);
	assert_int_equal(vl.num[0], 1000);
	memset(&rl, 0, sizeof rl);
	assert_int_equal(store_reports_of_campaign(f.st, 9999, copy_rep, &rl), 0);
	assert_int_equal(rl.n, 0);
	store_close(f.st);
}

typedef struct ev_list {
	int n;
	int64_t id[8], at[8], user_id[8];
	char action[8][16], comment[8][32];
} ev_list_t;

static int
copy_event(const store_report_event_t *e, void *ctx)
{
	ev_list_t *l = ctx;
	assert_true(l->n < 8);
	int i = l->n++;
	l->id[i] = e->id;
	l->at[i] = e->at;
	l->user_id[i] = e->user_id;
	snprintf(l->action[i], sizeof l->action[0], "%s", e->action);
	snprintf(l->comment[i], sizeof l->comment[0], "%s", e->comment);
	return 0;
}

static void
test_events(void **state)
{
	(void)state;
	fixture_t f;
	open_fixture(&f);
	store_report_t r = draft_of(&f, f.unit[0]);
	int64_t id = 0, other = 0, version = 0;
	assert_int_equal(store_report_save(f.st, &r, NULL, 0, 0, &id, &version), 0);
	r = draft_of(&f, f.unit[1]);
	assert_int_equal(store_report_save(f.st, &r, NULL, 0, 0, &other, &version), 0);

	const char *actions[] = {"save", "submit", "return"};
	for (int i = 0; i < 3; i++) {
		store_report_event_t e = {.report_id = id,
		                          .at = 1000 + i,
		                          .user_id = i == 0 ? 0 : f.user,
		                          .action = actions[i],
		                          .comment = i == 2 ? "Sửa lại" : NULL};
		assert_int_equal(store_report_event_add(f.st, &e), 0);
	}
	store_report_event_t e = {.report_id = other, .at = 5, .action = "save"};
	assert_int_equal(store_report_event_add(f.st, &e), 0);
	e.report_id = 9999; /* no such report */
	assert_int_equal(store_report_event_add(f.st, &e), -1);

	ev_list_t l = {0};
	assert_int_equal(store_report_events(f.st, id, copy_event, &l), 0);
	assert_int_equal(l.n, 3);
	for (int i = 0; i < 3; i++) {
		assert_string_equal(l.action[i], actions[i]);
		assert_int_equal(l.at[i], 1000 + i);
	}
	assert_true(l.id[0] < l.id[1] && l.id[1] < l.id[2]);
	assert_int_equal(l.user_id[0], 0);
	assert_int_equal(l.user_id[1], f.user);
	assert_string_equal(l.comment[0], "");
	assert_string_equal(l.comment[2], "Sửa lại");
	store_close(f.st);
}

static void
test_freeze(void **state)
{
	(void)state;
	fixture_t f;
	open_fixture(&f);
	store_report_t r = draft_of(&f, f.unit[0]);
	int64_t id = 0, version = 0;
	const store_value_t v[] = {{"a.1", 1, 10, "", ""}};
	assert_int_equal(store_report_save(f.st, &r, v, 1, 0, &id, &version), 0);

	val_list_t l = {0};
	assert_int_equal(store_report_frozen(f.st, id, copy_val, &l), 0);
	assert_int_equal(l.n, 0);
	const store_value_t f1[] = {{"a.1", 1, 10, "", ""}, {"a.2", 1, 20, "", ""}};
	assert_int_equal(store_report_freeze(f.st, id, f1, 2, 900), 0);
	const store_value_t f2[] = {{"a.1", 1, 11, "", ""}, {"b.t", 0, 0, "ghi chú", ""}};
	assert_int_equal(store_report_freeze(f.st, id, f2, 2, 950), 0);
	assert_int_equal(store_report_frozen(f.st, id, copy_val, &l), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(val_index(&l, "a.2"), -1);
	assert_int_equal(l.num[val_index(&l, "a.1")], 11);
	assert_int_equal(l.has_num[val_index(&l, "b.t")], 0);
	assert_string_equal(l.text[val_index(&l, "b.t")], "ghi chú");

	/* a failing freeze (repeated item) keeps the previous figures */
	const store_value_t bad[] = {{"c", 1, 1, "", ""}, {"c", 1, 2, "", ""}};
	assert_int_equal(store_report_freeze(f.st, id, bad, 2, 990), -1);
	memset(&l, 0, sizeof l);
	assert_int_equal(store_report_frozen(f.st, id, copy_val, &l), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(val_index(&l, "c"), -1);

	/* the live values are a separate table */
	memset(&l, 0, sizeof l);
	assert_int_equal(store_report_values(f.st, id, copy_val, &l), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.num[0], 10);
	store_close(f.st);
	assert_int_equal(
	        raw_count(f.path, "SELECT count(*) FROM report_frozen WHERE frozen_at=950"), 2);
}

typedef struct rem_list {
	int n;
	int64_t id[8], unit_id[8], at[8], by[8];
	char note[8][32];
} rem_list_t;

static int
copy_reminder(const store_reminder_t *r, void *ctx)
{
	rem_list_t *l = ctx;
	assert_true(l->n < 8);
	int i = l->n++;
	l->id[i] = r->id;
	l->unit_id[i] = r->unit_id;
	l->at[i] = r->at;
	l->by[i] = r->by;
	snprintf(l->note[i], sizeof l->note[0], "%s", r->note);
	return 0;
}

static void
test_reminders(void **state)
{
	(void)state;
	fixture_t f;
	open_fixture(&f);
	/* at out of insertion order; two at the same second (newest id first) */
	const int64_t ats[] = {300, 100, 300, 200};
	for (int i = 0; i < 4; i++) {
		store_reminder_t r = {.campaign_id = f.campaign,
		                      .unit_id = f.unit[i % 3],
		                      .at = ats[i],
		                      .by = i == 1 ? 0 : f.user,
		                      .note = i == 0 ? "Nhắc lần 1" : NULL};
		assert_int_equal(store_reminder_add(f.st, &r, NULL), 0);
	}
	store_reminder_t bad = {.campaign_id = 9999, .unit_id = f.unit[0], .at = 1};
	assert_int_equal(store_reminder_add(f.st, &bad, NULL), -1);

	rem_list_t l = {0};
	assert_int_equal(store_reminders_of_campaign(f.st, f.campaign, copy_reminder, &l), 0);
	assert_int_equal(l.n, 4);
	assert_int_equal(l.at[0], 300);
	assert_int_equal(l.at[1], 300);
	assert_true(l.id[0] > l.id[1]);
	assert_string_equal(l.note[1], "Nhắc lần 1");
	assert_string_equal(l.note[0], "");
	assert_int_equal(l.at[2], 200);
	assert_int_equal(l.at[3], 100);
	assert_int_equal(l.by[3], 0);
	assert_int_equal(l.by[0], f.user);
	assert_int_equal(l.unit_id[3], f.unit[1]);
	store_close(f.st);
}

/* A scheduled reminder or an escalation exists once per (campaign, unit, kind, rule); manual
 * ones and "remind all" repeat; the outbox counts of its notice come with it. */
static void
test_reminder_once(void **state)
{
	(void)state;
	fixture_t f;
	open_fixture(&f);
	int64_t nid = 0, rid = 0;
	store_notice_t n = {.at = 10, .kind = "remind", .unit_id = f.unit[0], .title = "Nhắc"};
	assert_int_equal(store_notice_add(f.st, &n, &nid), 0);
	store_mail_t m = {.notice_id = nid,
	                  .recipient = "a@x.vn",
	                  .subject = "s",
	                  .text = "t",
	                  .created_at = 10,
	                  .next_at = 10};
	assert_int_equal(store_mail_add(f.st, &m, NULL), 0);
	m.recipient = "b@x.vn";
	int64_t mid;
	assert_int_equal(store_mail_add(f.st, &m, &mid), 0);
	assert_int_equal(store_mail_attempt(f.st, mid, 11, 1, "250 OK", 0, 0), 0);
	store_reminder_t r = {.campaign_id = f.campaign,
	                      .unit_id = f.unit[0],
	                      .at = 10,
	                      .kind = "auto",
	                      .rule = "-3",
	                      .notice_id = nid,
	                      .channels = "app email"};
	assert_int_equal(store_reminder_add(f.st, &r, &rid), 0);
	assert_true(rid > 0);
	assert_int_equal(store_reminder_add(f.st, &r, NULL), 1); /* once */
	r.rule = "-1";
	assert_int_equal(store_reminder_add(f.st, &r, NULL), 0);
	r.kind = "escalate";
	r.rule = "";
	assert_int_equal(store_reminder_add(f.st, &r, NULL), 0);
	assert_int_equal(store_reminder_add(f.st, &r, NULL), 1);
	r.kind = "all";
	assert_int_equal(store_reminder_add(f.st, &r, NULL), 0);
	assert_int_equal(store_reminder_add(f.st, &r, NULL), 0); /* repeats */
	r.kind = "bogus";
	assert_int_equal(store_reminder_add(f.st, &r, NULL), -1);
	assert_int_equal(raw_count(f.path, "SELECT count(*) FROM reminders"), 5);
	assert_int_equal(raw_count(f.path, "SELECT count(*) FROM reminders WHERE kind='auto'"
	                                   " AND rule='-3' AND channels='app email'"),
	                 1);
	store_close(f.st);
}

typedef struct notice_list {
	int n;
	int64_t id[16];
	int read[16];
	char title[16][32];
} notice_list_t;

static int
copy_notice(const store_notice_t *x, void *ctx)
{
	notice_list_t *l = ctx;
	assert_true(l->n < 16);
	l->id[l->n] = x->id;
	l->read[l->n] = x->read;
	snprintf(l->title[l->n], sizeof l->title[0], "%s", x->title);
	l->n++;
	return 0;
}

/* What a user sees: notices to them and to the units where they hold a role, newest first;
 * read marks are per user. */
static void
test_notices(void **state)
{
	(void)state;
	fixture_t f;
	open_fixture(&f);
	store_user_t u2 = {.username = "other", .password_hash = "$argon2id$x", .created_at = 1};
	int64_t other;
	assert_int_equal(store_user_create(f.st, &u2, &other), 0);
	int64_t ids[4];
	store_notice_t n = {.at = 10, .kind = "remind", .unit_id = f.unit[0], .title = "A"};
	assert_int_equal(store_notice_add(f.st, &n, &ids[0]), 0);
	n = (store_notice_t){.at = 11,
	                     .kind = "return",
	                     .unit_id = f.unit[1],
	                     .title = "B",
	                     .campaign_id = f.campaign,
	                     .link = "/x"};
	assert_int_equal(store_notice_add(f.st, &n, &ids[1]), 0);
	n = (store_notice_t){.at = 12,
	                     .kind = "escalate",
	                     .unit_id = f.province,
	                     .user_id = f.user,
	                     .title = "C",
	                     .about_unit_id = f.unit[2]};
	assert_int_equal(store_notice_add(f.st, &n, &ids[2]), 0);
	n = (store_notice_t){.at = 13,
	                     .kind = "escalate",
	                     .unit_id = f.province,
	                     .user_id = other,
	                     .title = "D"};
	assert_int_equal(store_notice_add(f.st, &n, &ids[3]), 0);

	const int64_t mine[] = {f.unit[0], f.unit[1]};
	notice_list_t l = {0};
	assert_int_equal(store_notices_for(f.st, f.user, mine, 2, 0, 10, 0, copy_notice, &l), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.title[0], "C");
	assert_string_equal(l.title[1], "B");
	assert_string_equal(l.title[2], "A");
	int64_t c = -1;
	assert_int_equal(store_notices_unread(f.st, f.user, mine, 2, &c), 0);
	assert_int_equal(c, 3);
	/* no role anywhere: only what is addressed to the user */
	assert_int_equal(store_notices_unread(f.st, other, NULL, 0, &c), 0);
	assert_int_equal(c, 1);

	assert_int_equal(store_notice_mark_read(f.st, f.user, mine, 2, ids[1], 20), 0);
	assert_int_equal(store_notice_mark_read(f.st, f.user, mine, 2, ids[1], 21), 0); /* again */
	assert_int_equal(store_notices_unread(f.st, f.user, mine, 2, &c), 0);
	assert_int_equal(c, 2);
	memset(&l, 0, sizeof l);
	assert_int_equal(store_notices_for(f.st, f.user, mine, 2, 0, 10, 1, copy_notice, &l), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.read[0], 0);
	/* paging: before the newest, one at a time */
	memset(&l, 0, sizeof l);
	assert_int_equal(store_notices_for(f.st, f.user, mine, 2, ids[2], 1, 0, copy_notice, &l),
	                 0);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.title[0], "B");
	assert_int_equal(l.read[0], 1);
	/* another user's reads are theirs */
	assert_int_equal(store_notices_unread(f.st, other, mine, 2, &c), 0);
	assert_int_equal(c, 3);
	assert_int_equal(store_notice_mark_read(f.st, f.user, mine, 2, 0, 30), 0);
	assert_int_equal(store_notices_unread(f.st, f.user, mine, 2, &c), 0);
	assert_int_equal(c, 0);
	assert_int_equal(store_notices_unread(f.st, other, NULL, 0, &c), 0);
	assert_int_equal(c, 1);
	/* a notice to an unknown unit is refused */
	n = (store_notice_t){.at = 1, .kind = "remind", .unit_id = 999999, .title = "X"};
	assert_int_equal(store_notice_add(f.st, &n, NULL), -1);
	store_close(f.st);
}

typedef struct mail_list {
	int n;
	int64_t id[8], next_at[8];
	int attempts[8];
	char to[8][32], status[8][12], err[8][64];
} mail_list_t;

static int
copy_mail(const store_mail_t *m, void *ctx)
{
	mail_list_t *l = ctx;
	assert_true(l->n < 8);
	int i = l->n++;
	l->id[i] = m->id;
	l->next_at[i] = m->next_at;
	l->attempts[i] = m->attempts;
	snprintf(l->to[i], sizeof l->to[0], "%s", m->recipient);
	snprintf(l->status[i], sizeof l->status[0], "%s", m->status);
	snprintf(l->err[i], sizeof l->err[0], "%s", m->last_error);
	return 0;
}

static int
count_delivery(const store_delivery_t *d, void *ctx)
{
	int *n = ctx;
	*n += d->ok ? 100 : 1;
	return 0;
}

/* The outbox: due order, an attempt that fails backs off, one that succeeds is final, a
 * given-up mail leaves the queue; every attempt is a delivery row. */
static void
test_outbox(void **state)
{
	(void)state;
	fixture_t f;
	open_fixture(&f);
	int64_t a, b, c;
	store_mail_t m = {.recipient = "a@x.vn",
	                  .subject = "Nhắc nộp",
	                  .text = "t",
	                  .html = "<p>t</p>",
	                  .created_at = 5,
	                  .next_at = 20};
	assert_int_equal(store_mail_add(f.st, &m, &a), 0);
	m.recipient = "b@x.vn";
	m.next_at = 10;
	assert_int_equal(store_mail_add(f.st, &m, &b), 0);
	m.recipient = "c@x.vn";
	m.next_at = 50;
	assert_int_equal(store_mail_add(f.st, &m, &c), 0);
	int64_t next = -1;
	assert_int_equal(store_mail_next_due(f.st, &next), 0);
	assert_int_equal(next, 10);
	mail_list_t l = {0};
	assert_int_equal(store_mails_due(f.st, 20, 10, copy_mail, &l), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.to[0], "b@x.vn");
	assert_string_equal(l.to[1], "a@x.vn");
	/* b fails, backs off to 80; a is sent; c fails for good */
	assert_int_equal(store_mail_attempt(f.st, b, 21, 0, "451 4.3.0 try later", 80, 0), 0);
	assert_int_equal(store_mail_attempt(f.st, a, 21, 1, "250 OK", 0, 0), 0);
	assert_int_equal(store_mail_attempt(f.st, c, 51, 0, "550 no such user", 0, 1), 0);
	/* a second "ok" of a sent mail changes nothing but is recorded */
	assert_int_equal(store_mail_attempt(f.st, a, 22, 1, "250 OK", 0, 0), 0);
	memset(&l, 0, sizeof l);
	assert_int_equal(store_mails_due(f.st, 79, 10, copy_mail, &l), 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(store_mail_next_due(f.st, &next), 0);
	assert_int_equal(next, 80);
	assert_int_equal(store_mails_due(f.st, 80, 10, copy_mail, &l), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.attempts[0], 1);
	assert_string_equal(l.err[0], "451 4.3.0 try later");
	int64_t p = -1, s = -1, fl = -1;
	assert_int_equal(store_mail_counts(f.st, &p, &s, &fl), 0);
	assert_true(p == 1 && s == 1 && fl == 1);
	memset(&l, 0, sizeof l);
	assert_int_equal(store_mails_recent(f.st, 10, copy_mail, &l), 0);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.to[0], "c@x.vn");
	assert_string_equal(l.status[0], "failed");
	assert_string_equal(l.status[2], "sent");
	int d = 0;
	assert_int_equal(store_mail_deliveries(f.st, a, count_delivery, &d), 0);
	assert_int_equal(d, 200);
	d = 0;
	assert_int_equal(store_mail_deliveries(f.st, b, count_delivery, &d), 0);
	assert_int_equal(d, 1);
	/* the last pending one sent: nothing due any more */
	assert_int_equal(store_mail_attempt(f.st, b, 81, 1, "250 OK", 0, 0), 0);
	assert_int_equal(store_mail_next_due(f.st, &next), 0);
	assert_int_equal(next, 0);
	store_close(f.st);
	assert_int_equal(raw_count(f.path, "SELECT count(*) FROM deliveries"), 5);
}

static void
test_chase_schedule(void **state)
{
	(void)state;
	fixture_t f;
	open_fixture(&f);
	store_chase_t c = {f.campaign, "-2 1", 5, 1};
	assert_int_equal(store_chase_set(f.st, &c), 0);
	c.remind_days = "-7 -3 -1 2";
	c.automatic = 0;
	assert_int_equal(store_chase_set(f.st, &c), 0);
	assert_int_equal(raw_count(f.path, "SELECT count(*) FROM campaign_chase WHERE"
	                                   " remind_days='-7 -3 -1 2' AND escalate_days=5"
	                                   " AND automatic=0"),
	                 1);
	store_close(f.st);
}

static void
test_report_for_unknown_unit_fails(void **state)
{
	(void)state;
	fixture_t f;
	open_fixture(&f);
	store_report_t r = draft_of(&f, 99999);
	const store_value_t v[] = {{"a.1", 1, 10, "", ""}};
	int64_t id = -5, version = -5;
	assert_int_equal(store_report_save(f.st, &r, v, 1, 0, &id, &version), -1);
	assert_int_equal(id, -5);
	assert_int_equal(version, -5);
	r = draft_of(&f, f.unit[0]);
	r.campaign_id = 9999; /* nor for an unknown campaign */
	assert_int_equal(store_report_save(f.st, &r, v, 1, 0, &id, &version), -1);
	store_close(f.st);
	assert_int_equal(raw_count(f.path, "SELECT count(*) FROM reports"), 0);
	assert_int_equal(raw_count(f.path, "SELECT count(*) FROM report_values"), 0);
}

/* --pg: on PostgreSQL (store_backend.h) */
int
main(int argc, char **argv)
{
	if (tb_init(argc, argv, "reports") < 0)
		return 1;
	log_set_level(2);
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_migration_3_recorded_and_reopen_idempotent),
	        cmocka_unit_test(test_templates),
	        cmocka_unit_test(test_campaigns),
	        cmocka_unit_test(test_report_save_versions_and_values),
	        cmocka_unit_test(test_report_save_all_or_nothing),
	        cmocka_unit_test(test_report_save_in_rolled_back_tx),
	        cmocka_unit_test(test_report_set_status),
	        cmocka_unit_test(test_campaign_reads),
	        cmocka_unit_test(test_events),
	        cmocka_unit_test(test_freeze),
	        cmocka_unit_test(test_reminders),
	        cmocka_unit_test(test_reminder_once),
	        cmocka_unit_test(test_notices),
	        cmocka_unit_test(test_outbox),
	        cmocka_unit_test(test_chase_schedule),
	        cmocka_unit_test(test_report_for_unknown_unit_fails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
