/* The national dataset generator on real SQLite files, limited to one province (Hải
 * Phòng) so it stays fast under the sanitizers: the registry and the bodies, the split of
 * report statuses, every report valid for its template, reproducibility from the seed,
 * and the refusal to generate into a store that already holds data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/file.h"
#include "core/log.h"
#include "db/store.h"
#include "domain/gen.h"
#include "domain/template.h"
#include "domain/units.h"

static char tmpdir[] = "/tmp/suotdoi-gen-XXXXXX";

/* Two stores generated with the same options, shared by the tests. */
static store_t *st_a, *st_b;
static gen_stats_t gs_a, gs_b;

static void
opts(gen_opts_t *o)
{
	gen_opts_default(o);
	o->seed = 2022;
	o->assets = TEST_SOURCE_DIR;
	o->only_province = "31";
}

static store_t *
generate(const char *name, gen_stats_t *s)
{
	char path[256], err[2048];
	store_t *st;
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	if (store_open(path, &st, err, sizeof err) < 0) {
		fprintf(stderr, "store_open: %s\n", err);
		return NULL;
	}
	gen_opts_t o;
	opts(&o);
	if (gen_national(st, &o, s, err, sizeof err) < 0) {
		fprintf(stderr, "gen_national: %s\n", err);
		store_close(st);
		return NULL;
	}
	return st;
}

static int
setup(void **state)
{
	(void)state;
	log_set_level(2);
	if (!mkdtemp(tmpdir))
		return -1;
	st_a = generate("a.db", &gs_a);
	st_b = generate("b.db", &gs_b);
	return st_a && st_b ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	if (st_a)
		store_close(st_a);
	if (st_b)
		store_close(st_b);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_units(void **state)
{
	(void)state;
	char err[512];
	unit_tree_t *t;
	assert_int_equal(unit_tree_build(st_a, &t, err, sizeof err), 0);
	assert_int_equal(gs_a.units, 10806);
	assert_int_equal((size_t)t->n, 1 + gs_a.units + gs_a.bodies);
	int32_t hp = unit_tree_find_code(t, "31");
	assert_true(hp > 0);
	size_t communes = 0, ubnd = 0, clc = 0, schools = 0;
	for (int32_t i = 0; i < t->n; i++) {
		const unit_t *u = &t->units[i];
		if (u->depth == 3 && u->is_locality && unit_tree_contains(t, hp, i))
			communes++;
		if (u->code[0] != 'G')
			continue;
		/* every generated body under a commune of Hải Phòng, the commune its locality */
		assert_true(unit_tree_contains(t, hp, i));
		const unit_t *p = &t->units[u->parent];
		assert_true(p->is_locality && p->depth == 3);
		assert_string_equal(u->locality_code, p->code);
		if (!strcmp(u->kind, "ubnd_xa"))
			ubnd++;
		else if (!strcmp(u->kind, "tthtcd"))
			clc++;
		else if (!strncmp(u->kind, "truong_", 7))
			schools++;
		else
			fail_msg("unexpected kind %s", u->kind);
	}
	assert_true(communes > 150);
	assert_int_equal(ubnd, communes);
	assert_int_equal(clc, communes);
	assert_true(schools >= 3 * communes && schools <= 5 * communes);
	assert_int_equal(ubnd + clc + schools, gs_a.bodies);
	/* names follow the commune's, without its type */
	int32_t th = unit_tree_find_code(t, "G11755-S2");
	assert_true(th >= 0);
	assert_string_equal(t->units[th].name, "Trường Tiểu học Tiên Lãng");
	int32_t ub = unit_tree_find_code(t, "G11755-UB");
	assert_true(ub >= 0);
	assert_string_equal(t->units[ub].name, "Ủy ban nhân dân thị trấn Tiên Lãng");
	unit_tree_unref(t);
}

static void
test_statuses(void **state)
{
	(void)state;
	size_t reporting = gs_a.bodies * 1; /* minus the UBNDs, counted below */
	char err[512];
	unit_tree_t *t;
	assert_int_equal(unit_tree_build(st_a, &t, err, sizeof err), 0);
	for (int32_t i = 0; i < t->n; i++)
		if (!strcmp(t->units[i].kind, "ubnd_xa"))
			reporting--;
	unit_tree_unref(t);
	assert_int_equal(gs_a.reports, gs_a.submitted + gs_a.drafts);
	double sub = 100.0 * (double)gs_a.submitted / (double)reporting;
	double dr = 100.0 * (double)gs_a.drafts / (double)reporting;
	/* ~1,000 reporting units: a few points of sampling noise */
	assert_true(sub > 80 && sub < 90);
	assert_true(dr > 4 && dr < 12);
	assert_true(gs_a.campaign_id > 0);
}

typedef struct check_ctx {
	store_t *st;
	const template_t *tpl;
	int64_t num[256];
	unsigned char has[256];
	const char *text[16];
	char *texts[16];
	size_t reports, submitted, drafts, values;
} check_ctx_t;

static int
read_value(const store_value_t *v, void *ctx)
{
	check_ctx_t *c = ctx;
	const tpl_item_t *it = template_item(c->tpl, v->item);
	assert_non_null(it);
	if (v->has_num) {
		assert_true(it->col >= 0);
		c->num[it->col] = v->num;
		c->has[it->col] = 1;
	} else {
		assert_true(it->tcol >= 0);
		c->texts[it->tcol] = strdup(v->text);
		c->text[it->tcol] = c->texts[it->tcol];
	}
	c->values++;
	return 0;
}

static int
check_report(const store_report_t *r, void *ctx)
{
	check_ctx_t *c = ctx;
	memset(c->has, 0, sizeof c->has);
	memset(c->text, 0, sizeof c->text);
	memset(c->texts, 0, sizeof c->texts);
	assert_int_equal(store_report_values(c->st, r->id, read_value, c), 0);
	int submitting = !strcmp(r->status, "submitted");
	if (submitting)
		c->submitted++;
	else if (!strcmp(r->status, "draft"))
		c->drafts++;
	else
		fail_msg("status %s", r->status);
	tpl_values_t v = {c->num, c->has, c->text};
	tpl_error_t e[4];
	size_t n = template_check(c->tpl, &v, submitting, e, 4);
	if (n)
		fail_msg("report %lld: %s: %s", (long long)r->id, e[0].item ? e[0].item : "-",
		         e[0].msg);
	/* a submitted report answers every numeric item */
	if (submitting)
		for (size_t k = 0; k < c->tpl->ncols; k++)
			assert_true(c->has[k]);
	for (int k = 0; k < 16; k++)
		free(c->texts[k]);
	c->reports++;
	return 0;
}

static void
test_reports_valid(void **state)
{
	(void)state;
	char path[512], err[512], *json;
	size_t len;
	snprintf(path, sizeof path, "%s/data/templates/phuluc-2022.json", TEST_SOURCE_DIR);
	assert_int_equal(file_read_all(path, 1 << 20, &json, &len, err, sizeof err), 0);
	check_ctx_t c = {.st = st_a};
	template_t *tpl;
	assert_int_equal(template_from_json(json, len, &tpl, err, sizeof err), 0);
	free(json);
	assert_true(tpl->ncols <= 256 && tpl->ntexts <= 16);
	c.tpl = tpl;
	assert_int_equal(store_reports_of_campaign(st_a, gs_a.campaign_id, check_report, &c), 0);
	assert_int_equal(c.reports, gs_a.reports);
	assert_int_equal(c.submitted, gs_a.submitted);
	assert_int_equal(c.drafts, gs_a.drafts);
	assert_true(c.values > c.reports * 10);
	template_free(tpl);
}

typedef struct sum_ctx {
	const char *item;
	int64_t sum;
	size_t n;
} sum_ctx_t;

static int
sum_value(int64_t unit_id, const char *status, const store_value_t *v, void *ctx)
{
	(void)unit_id;
	(void)status;
	sum_ctx_t *s = ctx;
	if (!strcmp(v->item, s->item)) {
		s->sum += v->num;
		s->n++;
	}
	return 0;
}

static void
test_same_seed_same_data(void **state)
{
	(void)state;
	assert_int_equal(gs_a.bodies, gs_b.bodies);
	assert_int_equal(gs_a.reports, gs_b.reports);
	assert_int_equal(gs_a.submitted, gs_b.submitted);
	const char *items[] = {"5.1.nguoi", "8.kinh_phi", "2.bao"};
	for (int k = 0; k < 3; k++) {
		sum_ctx_t a = {items[k], 0, 0}, b = {items[k], 0, 0};
		assert_int_equal(store_values_of_campaign(st_a, gs_a.campaign_id, sum_value, &a),
		                 0);
		assert_int_equal(store_values_of_campaign(st_b, gs_b.campaign_id, sum_value, &b),
		                 0);
		assert_true(a.n > 0 && a.sum > 0);
		assert_int_equal(a.n, b.n);
		assert_int_equal(a.sum, b.sum);
	}
}

static void
test_refuses_non_empty_store(void **state)
{
	(void)state;
	gen_opts_t o;
	opts(&o);
	char err[1024] = "";
	gen_stats_t s;
	assert_int_equal(gen_national(st_a, &o, &s, err, sizeof err), -1);
	assert_non_null(strstr(err, "đã có dữ liệu"));
	/* nothing was added */
	unit_tree_t *t;
	char e[256];
	assert_int_equal(unit_tree_build(st_a, &t, e, sizeof e), 0);
	assert_int_equal((size_t)t->n, 1 + gs_a.units + gs_a.bodies);
	unit_tree_unref(t);
}

static void
test_bad_options(void **state)
{
	(void)state;
	char path[256], err[1024];
	store_t *st;
	snprintf(path, sizeof path, "%s/bad.db", tmpdir);
	assert_int_equal(store_open(path, &st, err, sizeof err), 0);
	gen_opts_t o;
	opts(&o);
	o.only_province = "99";
	assert_int_equal(gen_national(st, &o, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "\"99\""));
	/* a district code is not a province */
	o.only_province = "315";
	assert_int_equal(gen_national(st, &o, NULL, err, sizeof err), -1);
	opts(&o);
	o.submitted_pct = 95;
	o.draft_pct = 10;
	assert_int_equal(gen_national(st, &o, NULL, err, sizeof err), -1);
	opts(&o);
	o.schools_min = 5;
	o.schools_max = 3;
	assert_int_equal(gen_national(st, &o, NULL, err, sizeof err), -1);
	/* none of those wrote anything: the store is still empty */
	unit_tree_t *t;
	assert_int_equal(unit_tree_build(st, &t, err, sizeof err), 0);
	assert_int_equal(t->n, 1);
	unit_tree_unref(t);
	store_close(st);
}

/* --scale 3: the registry and two synthetic copies of its shape, coded S<k>.<code>, with
 * other place names but the same types; numbered wards keep their numbers. */
static void
test_scale(void **state)
{
	(void)state;
	char path[256], err[1024];
	store_t *st;
	snprintf(path, sizeof path, "%s/scale.db", tmpdir);
	assert_int_equal(store_open(path, &st, err, sizeof err), 0);
	gen_opts_t o;
	opts(&o);
	o.scale = 3;
	gen_stats_t s;
	assert_int_equal(gen_national(st, &o, &s, err, sizeof err), 0);
	assert_int_equal(s.units, 3 * 10806);
	unit_tree_t *t;
	assert_int_equal(unit_tree_build(st, &t, err, sizeof err), 0);
	int renamed = 0, copies = 0;
	for (int32_t i = 0; i < t->n; i++) {
		const unit_t *u = &t->units[i];
		if (strncmp(u->code, "S2.", 3))
			continue;
		copies++;
		int32_t real = unit_tree_find_code(t, u->code + 3);
		assert_true(real > 0);
		const unit_t *r = &t->units[real];
		assert_string_equal(u->kind, r->kind);
		assert_int_equal(u->depth, r->depth);
		const char *num = strchr(r->name, ' ');
		if (num && num[1] >= '0' && num[1] <= '9' && !strcmp(r->kind, "phuong"))
			assert_string_equal(u->name, r->name);
		renamed += strcmp(u->name, r->name) != 0;
		/* the parent is the copy's */
		if (u->depth > 1)
			assert_int_equal(strncmp(t->units[u->parent].code, "S2.", 3), 0);
	}
	assert_int_equal(copies, 10806);
	assert_true(renamed > 10806 * 9 / 10);
	unit_tree_unref(t);
	/* out of range */
	o.scale = 101;
	assert_int_equal(gen_national(st, &o, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "quy mô"));
	store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_units),
	        cmocka_unit_test(test_statuses),
	        cmocka_unit_test(test_reports_valid),
	        cmocka_unit_test(test_same_seed_same_data),
	        cmocka_unit_test(test_refuses_non_empty_store),
	        cmocka_unit_test(test_bad_options),
	        cmocka_unit_test(test_scale),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
