/* Outlier warnings (service/warnings.h) on the demo registry: the template's soft range and
 * ratio (3 classes with 60.000 participants), the unit's peers of the same kind, the unit's
 * previous campaign; ordinary values warn nothing; the outlier list of a district puts the
 * worst value first and keeps to the units it is given. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "demo_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/warnings.h"
#include "text/text.h"

#define NOW 1665000000 /* 5/10/2022 */

static char tmpdir[] = "/tmp/suotdoi-warnings-XXXXXX";
static store_t *st;
static unit_tree_t *tree;
static rep_live_t *live;
static int64_t demo_cid, demo_tpl;
static arena_t arena;

static const rep_actor_t operator_actor = {0, "operator", "", NULL, 0, 1};

static int32_t
idx(const char *code)
{
	int32_t i = unit_tree_find_code(tree, code);
	if (i < 0)
		fail_msg("no unit %s", code);
	return i;
}

static live_campaign_t *
live_of(int64_t id)
{
	live_campaign_t *lc;
	assert_int_equal(rep_live_get(live, st, tree, id, &lc), REP_OK);
	return lc;
}

static rep_values_t
values(const template_t *tpl, int64_t classes, int64_t people)
{
	rep_values_t v;
	rep_values_init(&arena, tpl, &v);
	const tpl_item_t *lop = template_item(tpl, "5.2.lop"),
	                 *nguoi = template_item(tpl, "5.2.nguoi");
	v.num[lop->col] = classes;
	v.has[lop->col] = 1;
	v.num[nguoi->col] = people;
	v.has[nguoi->col] = 1;
	return v;
}

static void
submit(int64_t cid, const char *code, int64_t classes, int64_t people)
{
	live_campaign_t *lc = live_of(cid);
	rep_values_t v = values(lc->c->tpl, classes, people);
	rep_ctx_t cx = {st, tree, live, &arena, NOW, operator_actor, NULL, NULL};
	rep_input_t in = {.op = REP_SUBMIT, .values = &v, .expected_version = -1};
	rep_outcome_t out;
	rep_rc_t rc = rep_apply(&cx, lc, idx(code), &in, &out);
	if (rc != REP_OK)
		fail_msg("submit of %s: %d %s", code, rc, out.message);
}

static const unit_tree_t *
tree_of_campaign(void *ctx, int64_t id)
{
	(void)ctx;
	(void)id;
	return tree;
}

static int
setup(void **state)
{
	(void)state;
	char db[300];
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(db, sizeof db, "%s/w.db", tmpdir);
	if (demo_fixture_open(db, &st, &tree, &demo_cid, &demo_tpl) < 0)
		return -1;
	live = rep_live_new(NULL, NULL);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	rep_live_free(live);
	unit_tree_unref(tree);
	store_close(st);
	arena_free(&arena);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The messages of list on item with rule, joined by " | ". */
static const char *
messages(const warn_t *w, size_t n, const char *item, warn_rule_t rule)
{
	static char s[2048];
	s[0] = '\0';
	for (size_t k = 0; k < n; k++)
		if (!strcmp(w[k].item->code, item) && w[k].rule == rule)
			snprintf(s + strlen(s), sizeof s - strlen(s), "%s%s", s[0] ? " | " : "",
			         w[k].message);
	return s;
}

static const char *const ordinary[] = {"HA-11419-TH", "HA-11422-TH", "HA-11425-TH", "TL-11755-TH",
                                       "TL-11761-TH"};

static void
test_unit_and_subtree(void **state)
{
	(void)state;
	for (int k = 0; k < 5; k++)
		submit(demo_cid, ordinary[k], 9 + k, (9 + k) * 30);
	live_campaign_t *lc = live_of(demo_cid);
	const template_t *tpl = lc->c->tpl;
	warn_env_t env = {.arena = &arena, .tree = tree, .lc = lc};
	warn_t *w;

	/* ordinary figures: nothing */
	rep_values_t v = values(tpl, 11, 330);
	assert_int_equal(warn_unit(&env, idx("HA-11413-TH"), &v, &w), 0);
	assert_null(w);

	/* 3 classes with 60.000 participants: the ratio, the range, the peers (not counted
	 * yet: a draft is warned against the five others) */
	v = values(tpl, 3, 60000);
	size_t n = warn_unit(&env, idx("HA-11413-TH"), &v, &w);
	assert_string_equal(messages(w, n, "5.2.nguoi", WARN_RATIO),
	                    "Số lượt người mỗi lớp là 20.000 (60.000 lượt / 3 lớp), ngoài khoảng "
	                    "thường gặp 1–200. Hãy kiểm tra lại số lớp và số người tham gia của "
	                    "dòng này.");
	assert_string_equal(messages(w, n, "5.2.nguoi", WARN_RANGE),
	                    "Số liệu là 60.000 lượt, lớn hơn mức thường gặp (tối đa 5.000).");
	assert_non_null(strstr(messages(w, n, "5.2.nguoi", WARN_PEERS),
	                       "Lớn hơn nhiều so với các đơn vị cùng loại ("));
	assert_non_null(
	        strstr(messages(w, n, "5.2.nguoi", WARN_PEERS), ": trung vị 330, 5 đơn vị)."));
	/* 3 classes against 9-13: below the peers */
	assert_non_null(strstr(messages(w, n, "5.2.lop", WARN_PEERS), "Nhỏ hơn nhiều so với"));
	/* worst first, every score at least 1, the ratio's score 20.000 / 200 */
	for (size_t k = 0; k < n; k++) {
		assert_true(w[k].score >= 1);
		if (k)
			assert_true(w[k - 1].score >= w[k].score);
		if (w[k].rule == WARN_RATIO)
			assert_true(w[k].score == 100);
	}
	/* one item's text: every warning of it, worst first */
	const char *text = warn_item_text(&arena, w, n, template_item(tpl, "5.2.nguoi"));
	assert_non_null(strstr(text, "20.000"));
	assert_non_null(strstr(text, "tối đa 5.000"));
	assert_null(warn_item_text(&arena, w, n, template_item(tpl, "2.bao")));
	/* a ratio below its range; no den, no ratio */
	v = values(tpl, 10, 5);
	n = warn_unit(&env, idx("HA-11413-TH"), &v, &w);
	assert_non_null(strstr(messages(w, n, "5.2.nguoi", WARN_RATIO),
	                       "Số lượt người mỗi lớp là 0,5 (5 lượt / 10 lớp)"));
	v = values(tpl, 0, 300);
	n = warn_unit(&env, idx("HA-11413-TH"), &v, &w);
	assert_string_equal(messages(w, n, "5.2.nguoi", WARN_RATIO), "");
	/* a level's figures are sums: no item range, still the ratio */
	v = values(tpl, 3, 60000);
	n = warn_unit(&env, idx("306"), &v, &w);
	assert_string_equal(messages(w, n, "5.2.nguoi", WARN_RANGE), "");
	assert_non_null(strstr(messages(w, n, "5.2.nguoi", WARN_RATIO), "20.000"));
	/* never a refusal: the template's checks take the value */
	tpl_values_t tv = {v.num, v.has, v.text};
	tpl_error_t errs[4];
	assert_int_equal(template_check(tpl, &tv, 0, errs, 4), 0);

	/* the district's outlier list: the submitted value first, one row per value; a lower
	 * secondary school of the district with 500 per class after it */
	submit(demo_cid, "HA-11413-TH", 3, 60000);
	submit(demo_cid, "HA-11413-THCS", 2, 1000);
	lc = live_of(demo_cid);
	warn_env_t env2 = {.arena = &arena, .tree = tree, .lc = lc};
	warn_row_t *rows;
	size_t total;
	n = warn_subtree(&env2, idx("306"), NULL, 100, &rows, &total);
	assert_true(n >= 2);
	assert_int_equal(n, total);
	assert_int_equal(rows[0].unit, idx("HA-11413-TH"));
	assert_string_equal(rows[0].item->code, "5.2.nguoi");
	assert_int_equal(rows[0].value, 60000);
	assert_non_null(strstr(rows[0].message, "20.000"));
	int thcs = 0;
	for (size_t k = 0; k < n; k++) {
		if (rows[k].unit == idx("HA-11413-THCS")) {
			thcs = 1;
			assert_string_equal(rows[k].item->code, "5.2.nguoi");
			assert_int_equal(rows[k].rule, WARN_RATIO);
			assert_true(rows[k].score == 2.5);
		} else
			assert_int_equal(rows[k].unit, idx("HA-11413-TH"));
		if (k)
			assert_true(rows[k - 1].score >= rows[k].score);
		for (size_t j = 0; j < k; j++)
			assert_true(rows[j].item != rows[k].item || rows[j].unit != rows[k].unit);
	}
	assert_true(thcs);
	/* capped, with the count of all */
	n = warn_subtree(&env2, idx("306"), NULL, 1, &rows, &total);
	assert_int_equal(n, 1);
	assert_true(total >= 2);
	/* only the units given */
	unsigned char *only = calloc((size_t)tree->n + 1, 1);
	n = warn_subtree(&env2, idx("306"), only, 100, &rows, &total);
	assert_int_equal(n, 0);
	assert_int_equal(total, 0);
	free(only);
	/* another district holds nothing unusual */
	n = warn_subtree(&env2, idx("315"), NULL, 100, &rows, &total);
	assert_int_equal(n, 0);
}

static int64_t
campaign_of_year(int year, int32_t start)
{
	store_campaign_t c = {.issuer_unit_id = tree->units[idx("31")].id,
	                      .template_id = demo_tpl,
	                      .year = year,
	                      .name = "Đợt thử",
	                      .theme = "",
	                      .start_date = start,
	                      .end_date = start + 6,
	                      .opening_time = "",
	                      .opening_place = "",
	                      .opening_participants = "",
	                      .status = "open",
	                      .expected_kinds = "truong_mn truong_th truong_thcs tthtcd quan huyen",
	                      .deadlines = "",
	                      .created_at = NOW};
	int64_t id;
	assert_int_equal(store_campaign_save(st, &c, &id), 0);
	return id;
}

static void
test_previous_campaign(void **state)
{
	(void)state;
	int64_t before = campaign_of_year(2023, text_days_from_civil(2025, 6, 1));
	int64_t now = campaign_of_year(2024, text_days_from_civil(2025, 9, 1));
	submit(before, "HA-11413-TH", 10, 150);
	submit(before, "HA-11419-TH", 10, 300);
	live_campaign_t *lc = live_of(now);
	cmp_env_t ce = {st, live, &arena, tree_of_campaign, NULL, operator_actor};
	warn_env_t env = {.arena = &arena, .tree = tree, .lc = lc, .cmp = &ce};
	warn_t *w;
	/* forty times the earlier figure (the ratio stays ordinary: 200 per class) */
	rep_values_t v = values(lc->c->tpl, 30, 6000);
	size_t n = warn_unit(&env, idx("HA-11413-TH"), &v, &w);
	assert_string_equal(messages(w, n, "5.2.nguoi", WARN_PREVIOUS),
	                    "Gấp 40 lần năm trước (2023: 150).");
	assert_string_equal(messages(w, n, "5.2.lop", WARN_PREVIOUS), "");
	assert_string_equal(messages(w, n, "5.2.nguoi", WARN_RATIO), "");
	/* a tenth of it */
	warn_env_t env2 = {.arena = &arena, .tree = tree, .lc = lc, .cmp = &ce};
	v = values(lc->c->tpl, 10, 20);
	n = warn_unit(&env2, idx("HA-11419-TH"), &v, &w);
	assert_string_equal(messages(w, n, "5.2.nguoi", WARN_PREVIOUS),
	                    "Chỉ bằng 1/15 năm trước (2023: 300).");
	/* close to the earlier figure: nothing */
	warn_env_t env3 = {.arena = &arena, .tree = tree, .lc = lc, .cmp = &ce};
	v = values(lc->c->tpl, 10, 200);
	n = warn_unit(&env3, idx("HA-11413-TH"), &v, &w);
	assert_string_equal(messages(w, n, "5.2.nguoi", WARN_PREVIOUS), "");
	/* a unit without an earlier figure: nothing */
	warn_env_t env4 = {.arena = &arena, .tree = tree, .lc = lc, .cmp = &ce};
	v = values(lc->c->tpl, 30, 6000);
	n = warn_unit(&env4, idx("HA-11422-TH"), &v, &w);
	assert_string_equal(messages(w, n, "5.2.nguoi", WARN_PREVIOUS), "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_unit_and_subtree),
	        cmocka_unit_test(test_previous_campaign),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
