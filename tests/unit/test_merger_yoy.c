/* The end-to-end case on the real files: the demo (2025-03 registry, Hải Phòng's
 * bodies, the 2022 campaign with submitted reports), the 2025-07 registry imported with its
 * merge map as of 01/07/2025 (src/service/registry.h), a 2026 campaign of the new Thành phố
 * Hải Phòng on a copy of the 2022 template with reports from bodies the merger moved, and
 * the comparison of Hải Phòng 2026 with 2022 (src/service/compare.h). The expected earlier
 * figure of every new commune is computed here from the merge map itself: the sum of the
 * 2022 totals of the old units it lists as merged wholly, the partly merged ones apart. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "demo_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/file.h"
#include "core/log.h"
#include "core/strmap.h"
#include "csv/csv.h"
#include "service/compare.h"
#include "service/registry.h"
#include "service/reporting.h"
#include "text/text.h"

#define NOW22 1665000000 /* 05/10/2022 */
#define NOW26 1791000000 /* 2026 */

static char tmpdir[64], dbpath[300];
static store_t *st;
static unit_tree_t *t22, *t26;
static rep_live_t *live;
static int64_t cid22, cid26, tpl22;
static arena_t arena;
static char *merges;
static size_t merges_len;

static const rep_actor_t operator_actor = {0, "operator", "", NULL, 0, 1};

static int32_t
idx(const unit_tree_t *t, const char *code)
{
	int32_t i = unit_tree_find_code(t, code);
	if (i < 0)
		fail_msg("no unit %s on the tree of day %d", code, t->day);
	return i;
}

static live_campaign_t *
live_of(const unit_tree_t *t, int64_t id)
{
	live_campaign_t *lc;
	assert_int_equal(rep_live_get(live, st, t, id, &lc), REP_OK);
	return lc;
}

/* Submit unit's report: 2.bao = a, 5.2.nguoi = b, 8.kinh_phi = c. */
static void
submit(const unit_tree_t *t, int64_t cid, int32_t unit, int64_t a, int64_t b, int64_t c)
{
	live_campaign_t *lc = live_of(t, cid);
	const template_t *tpl = lc->c->tpl;
	rep_values_t v;
	rep_values_init(&arena, tpl, &v);
	const char *codes[] = {"2.bao", "5.2.nguoi", "8.kinh_phi"};
	int64_t vals[] = {a, b, c};
	for (size_t k = 0; k < 3; k++) {
		const tpl_item_t *it = template_item(tpl, codes[k]);
		assert_non_null(it);
		v.num[it->col] = vals[k];
		v.has[it->col] = 1;
	}
	rep_ctx_t cx = {st, t, live, &arena, t == t22 ? NOW22 : NOW26, operator_actor, NULL, NULL};
	rep_input_t in = {.op = REP_SUBMIT, .values = &v, .expected_version = -1};
	rep_outcome_t out;
	rep_rc_t rc = rep_apply(&cx, lc, unit, &in, &out);
	if (rc != REP_OK)
		fail_msg("report of %s: %d %s", t->units[unit].code, rc, out.message);
}

static int
is_reporting_body(const unit_t *u)
{
	return !u->is_locality && (!strncmp(u->kind, "truong_", 7) || !strcmp(u->kind, "tthtcd"));
}

static const unit_tree_t *
tree_of_campaign(void *ctx, int64_t id)
{
	(void)ctx;
	int32_t day;
	if (campaign_tree_day(st, id, &day) != 1)
		return NULL;
	return unit_tree_covers(t22, day) ? t22 : unit_tree_covers(t26, day) ? t26 : NULL;
}

static int
setup(void **state)
{
	(void)state;
	log_set_level(3);
	struct stat sb;
	snprintf(tmpdir, sizeof tmpdir, "%s/suotdoi-yoy-XXXXXX",
	         stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode) ? "/dev/shm" : "/tmp");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(dbpath, sizeof dbpath, "%s/yoy.db", tmpdir);
	unit_tree_t *pre;
	if (demo_fixture_open(dbpath, &st, &pre, &cid22, &tpl22) < 0)
		return -1;
	live = rep_live_new(NULL, NULL);
	arena = (arena_t)ARENA_INIT;
	unit_tree_unref(pre);
	char err[8192];
	if (unit_tree_build_at(st, text_days_from_civil(2022, 10, 1), &t22, err, sizeof err) < 0)
		return -1;
	/* 2022: every school and TTHTCĐ of Hải Phòng submits distinct figures */
	int32_t hp = idx(t22, "31");
	for (int32_t i = hp; i < t22->units[hp].end; i++)
		if (is_reporting_body(&t22->units[i]))
			submit(t22, cid22, i, 3 + i % 7, 100 + i, 1000 * (i % 5 + 1));

	/* the merger, from the real files */
	char *units;
	size_t ulen;
	if (file_read_all(TEST_SOURCE_DIR "/data/dvhc/units-2025-07-01.csv", 1 << 24, &units, &ulen,
	                  err, sizeof err) < 0 ||
	    file_read_all(TEST_SOURCE_DIR "/data/dvhc/merges-2025-07-01.csv", 1 << 24, &merges,
	                  &merges_len, err, sizeof err) < 0)
		return -1;
	registry_plan_t plan;
	int rc = registry_plan(st, units, ulen, merges, merges_len,
	                       text_days_from_civil(2025, 7, 1), &plan, err, sizeof err);
	if (rc == 0)
		rc = registry_apply(st, &plan, 0, "test", err, sizeof err);
	registry_plan_free(&plan);
	free(units);
	if (rc < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	unit_tree_unref(t22);
	if (unit_tree_build_at(st, text_days_from_civil(2022, 10, 1), &t22, err, sizeof err) < 0 ||
	    unit_tree_build_at(st, text_days_from_civil(2026, 10, 1), &t26, err, sizeof err) < 0)
		return -1;

	/* 2026: the new city's campaign on a copy of the 2022 template (same item codes) */
	store_campaign_t c = {.issuer_unit_id = t26->units[idx(t26, "31")].id,
	                      .template_id = tpl22,
	                      .year = 2026,
	                      .name = "Tuần lễ hưởng ứng học tập suốt đời năm 2026",
	                      .theme = "",
	                      .start_date = text_days_from_civil(2026, 10, 1),
	                      .end_date = text_days_from_civil(2026, 10, 7),
	                      .opening_time = "",
	                      .opening_place = "",
	                      .opening_participants = "",
	                      .status = "open",
	                      .expected_kinds = "truong_mn truong_th truong_thcs tthtcd xa phuong",
	                      .deadlines = "",
	                      .created_at = NOW26};
	if (store_campaign_save(st, &c, &cid26) < 0)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unit_tree_unref(t22);
	unit_tree_unref(t26);
	rep_live_free(live);
	store_close(st);
	arena_free(&arena);
	free(merges);
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The 2022 subtree total of item col of the old unit with that code. */
static int64_t
total22(const char *code, int col)
{
	live_campaign_t *lc = live_of(t22, cid22);
	int32_t i = unit_tree_find_code(t22, code);
	if (i < 0)
		return 0;
	int64_t *out = arena_alloc(&arena, lc->c->tpl->ncols * sizeof *out);
	rollup_subtree(lc->ru, t22, i, 0, out, NULL);
	return out[col];
}

static void
test_hai_phong_2026_against_2022(void **state)
{
	(void)state;
	/* bodies the merger moved report in 2026 */
	int32_t hp = idx(t26, "31");
	int moved = 0;
	int32_t c0 = -1; /* the new commune of the first moved body */
	for (int32_t i = hp; i < t26->units[hp].end; i++) {
		const unit_t *u = &t26->units[i];
		if (!is_reporting_body(u) || u->closed)
			continue;
		int32_t old = unit_tree_find_id(t22, u->id);
		assert_true(old >= 0); /* a demo body, there in 2022 */
		assert_int_not_equal(t22->units[t22->units[old].parent].id,
		                     t26->units[u->parent].id); /* and it moved */
		moved++;
		if (c0 < 0)
			c0 = u->parent;
		submit(t26, cid26, i, 5, 200 + i, 2000);
	}
	assert_true(moved >= 10);

	cmp_env_t env = {st, live, &arena, tree_of_campaign, NULL, operator_actor};
	cmp_current_t cur = {live_of(t26, cid26), t26, hp, 0};
	cmp_result_t res;
	assert_int_equal(cmp_build(&env, &cur, cid22, &res), CMP_OK);
	assert_int_equal(res.ncur_only + res.npast_only, 0); /* a copy: every item matches */
	int col22 = -1;
	size_t k2 = 0;
	for (size_t k = 0; k < res.nitems; k++)
		if (!strcmp(res.items[k].code, "5.2.nguoi")) {
			col22 = res.items[k].past_col;
			k2 = k;
		}
	assert_true(col22 >= 0);

	/* the city: the old city wholly, and Hải Dương (merged wholly, no 2022 report) */
	assert_true(res.rows[0].is_unit);
	assert_int_equal(res.rows[0].past[k2], total22("31", col22));

	/* every new commune: the merge map's full rows add up, its partial rows apart */
	int checked = 0;
	for (size_t r = 1; r < res.nrows; r++) {
		const cmp_row_t *row = &res.rows[r];
		const unit_t *u = &t26->units[row->unit];
		if (!u->is_locality)
			continue;
		int64_t full = 0, part = 0;
		int nfull = 0, npart = 0;
		csv_reader_t rd;
		csv_init(&rd, merges, merges_len);
		assert_int_equal(csv_next(&rd), 1); /* header */
		while (csv_next(&rd) > 0) {
			size_t l0, l2, l4;
			const char *nc = csv_field(&rd, 0, &l0), *oc = csv_field(&rd, 2, &l2),
			           *kind = csv_field(&rd, 4, &l4);
			if (l0 != strlen(u->code) || memcmp(nc, u->code, l0))
				continue;
			char old[16];
			snprintf(old, sizeof old, "%.*s", (int)l2, oc);
			if (l4 == 4 && !memcmp(kind, "full", 4))
				full += total22(old, col22), nfull++;
			else
				part += total22(old, col22), npart++;
		}
		csv_free(&rd);
		assert_true(nfull + npart > 0);
		if (full == 0 && part == 0)
			continue;
		if (row->how == CMP_NONE && full != 0)
			fail_msg("%s: no earlier figure, expected %lld", u->code, (long long)full);
		assert_int_equal(row->how == CMP_NONE ? 0 : row->past[k2], full);
		assert_int_equal(row->npartials > 0 ? row->partial[k2] : 0, part);
		checked++;
	}
	assert_true(checked >= 3);

	/* and the moved bodies' own rows, as children of their new communes, are their own */
	assert_true(c0 >= 0 && t26->units[c0].is_locality);
	cmp_current_t sub = {live_of(t26, cid26), t26, c0, 0};
	cmp_result_t res2;
	assert_int_equal(cmp_build(&env, &sub, cid22, &res2), CMP_OK);
	int same = 0;
	for (size_t r = 1; r < res2.nrows; r++) {
		const cmp_row_t *row = &res2.rows[r];
		if (t26->units[row->unit].is_locality || !is_reporting_body(&t26->units[row->unit]))
			continue;
		assert_int_equal(row->how, CMP_SAME);
		assert_int_equal(row->past[k2],
		                 total22(t22->units[unit_tree_find_id(t22, row->id)].code, col22));
		same++;
	}
	assert_true(same > 0);

	/* Quận Hải An, closed, still holds what is not placed yet: its offices (no reports)
	 * and the schools of Phường Nam Hải (split: they wait). Its earlier figure is what it
	 * holds — Nam Hải's schools — not the whole old district's */
	int32_t ha = idx(t26, "306");
	assert_true(t26->units[ha].closed);
	assert_true(unit_tree_find_code(t26, "HA-11419-TH") >= 0);
	cmp_current_t hold = {live_of(t26, cid26), t26, ha, 0};
	cmp_result_t res3;
	assert_int_equal(cmp_build(&env, &hold, cid22, &res3), CMP_OK);
	assert_true(res3.rows[0].is_unit);
	assert_int_equal(res3.rows[0].how, CMP_LINEAGE);
	assert_int_equal(res3.rows[0].past[k2], total22("11419", col22));
	assert_true(total22("306", col22) > total22("11419", col22));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_hai_phong_2026_against_2022),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
