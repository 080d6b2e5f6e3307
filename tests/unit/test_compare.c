/* Year over year through the merge map (src/service/compare.h) on the demo registry: the
 * 2022 campaign of Hải Phòng with reports submitted through the reporting service, then a
 * merger applied with store_registry_apply as of 01/07/2025 (the districts of Hải An and
 * Tiên Lãng and their communes close, new communes open under the city with full and
 * partial lineage, schools move) and a second one as of 01/01/2026 (two of the new communes
 * merge again, one of them partially), then a 2026 campaign on a template with one item
 * added and one dropped, with reports from the moved schools. The comparison's earlier
 * figures are checked against sums computed here from the lineage rows and the 2022
 * roll-up, and against the submitted numbers themselves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "demo_fixture.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/file.h"
#include "core/log.h"
#include "service/compare.h"
#include "service/reporting.h"
#include "text/text.h"

#define NOW22 1665000000 /* 05/10/2022 */
#define NOW26 1791000000 /* 2026 */

static char tmpdir[64], dbpath[300];
static store_t *st;
static unit_tree_t *t22, *t26;
static rep_live_t *live;
static int64_t cid22, cid26, cid23, cid24_draft, cid_hn;
static arena_t arena;

static const rep_actor_t operator_actor = {0, "operator", "", NULL, 0, 1};

/* ---------- trees and campaigns ---------- */

static int32_t
day_of(int y, int m, int d)
{
	return text_days_from_civil(y, m, d);
}

static int32_t
idx(const unit_tree_t *t, const char *code)
{
	int32_t i = unit_tree_find_code(t, code);
	if (i < 0)
		fail_msg("no unit %s on the tree of day %d", code, t->day);
	return i;
}

static int64_t
id_of(const unit_tree_t *t, const char *code)
{
	return t->units[idx(t, code)].id;
}

static const unit_tree_t *
tree_of_campaign(void *ctx, int64_t id)
{
	(void)ctx;
	int32_t day;
	if (campaign_tree_day(st, id, &day) != 1)
		return NULL;
	if (unit_tree_covers(t22, day))
		return t22;
	if (unit_tree_covers(t26, day))
		return t26;
	return NULL;
}

static cmp_env_t
env_as(rep_actor_t a)
{
	return (cmp_env_t){st, live, &arena, tree_of_campaign, NULL, a};
}

static live_campaign_t *
live_of(const unit_tree_t *t, int64_t id)
{
	live_campaign_t *lc;
	assert_int_equal(rep_live_get(live, st, t, id, &lc), REP_OK);
	return lc;
}

/* A report of unit (code) submitted (or saved as a draft) as the operator: 2.bao = bao,
 * 5.2.lop = 1, 5.2.nguoi = people, 8.kinh_phi = money, 1.ke_hoach = yes, and the one item
 * only that year has = 1. */
static void
report(const unit_tree_t *t, int64_t cid, const char *code, int64_t bao, int64_t people,
       int64_t money, int draft)
{
	live_campaign_t *lc = live_of(t, cid);
	const template_t *tpl = lc->c->tpl;
	rep_values_t v;
	rep_values_init(&arena, tpl, &v);
	struct {
		const char *code;
		int64_t v;
	} set[] = {{"2.bao", bao},        {"5.2.lop", 1},    {"5.2.nguoi", people},
	           {"8.kinh_phi", money}, {"1.ke_hoach", 1}, {"4.van_nghe", 1},
	           {"4.the_thao", 1}};
	for (size_t k = 0; k < sizeof set / sizeof set[0]; k++) {
		const tpl_item_t *it = template_item(tpl, set[k].code);
		if (!it)
			continue;
		v.num[it->col] = set[k].v;
		v.has[it->col] = 1;
	}
	rep_ctx_t cx = {st, t, live, &arena, t == t22 ? NOW22 : NOW26, operator_actor, NULL, NULL};
	rep_input_t in = {
	        .op = draft ? REP_SAVE : REP_SUBMIT, .values = &v, .expected_version = -1};
	rep_outcome_t out;
	rep_rc_t rc = rep_apply(&cx, lc, idx(t, code), &in, &out);
	if (rc != REP_OK)
		fail_msg("report of %s: %d %s", code, rc, out.message);
}

static int64_t
save_campaign(int64_t issuer, int64_t tpl, int year, int32_t start, const char *status,
              const char *name)
{
	store_campaign_t c = {.issuer_unit_id = issuer,
	                      .template_id = tpl,
	                      .year = year,
	                      .name = name,
	                      .theme = "",
	                      .start_date = start,
	                      .end_date = start + 6,
	                      .opening_time = "",
	                      .opening_place = "",
	                      .opening_participants = "",
	                      .status = status,
	                      .expected_kinds = "truong_mn truong_th truong_thcs tthtcd xa phuong "
	                                        "thi_tran quan huyen",
	                      .deadlines = "",
	                      .created_at = NOW22};
	int64_t id;
	assert_int_equal(store_campaign_save(st, &c, &id), 0);
	return id;
}

/* The 2026 template: the 2022 one with 4.van_nghe dropped and 4.the_thao added. */
static int64_t
template_2026(void)
{
	char p[512], err[512], *data;
	size_t len;
	snprintf(p, sizeof p, "%s/data/templates/phuluc-2022.json", TEST_SOURCE_DIR);
	assert_int_equal(file_read_all(p, 1 << 20, &data, &len, err, sizeof err), 0);
	json_error_t je;
	json_t *doc = json_loadb(data, len, 0, &je);
	free(data);
	assert_non_null(doc);
	json_object_set_new(doc, "code", json_string("phuluc-2026"));
	json_object_set_new(doc, "year", json_integer(2026));
	json_t *secs = json_object_get(doc, "sections");
	int done = 0;
	for (size_t s = 0; s < json_array_size(secs); s++) {
		json_t *items = json_object_get(json_array_get(secs, s), "items");
		for (size_t k = 0; k < json_array_size(items); k++) {
			const char *code = json_string_value(
			        json_object_get(json_array_get(items, k), "code"));
			if (!strcmp(code, "4.van_nghe")) {
				json_array_set_new(items, k,
				                   json_pack("{s:s,s:s,s:s,s:s}", "code",
				                             "4.the_thao", "label", "Hội thao",
				                             "type", "count", "unit", "lần"));
				done = 1;
			}
		}
	}
	assert_true(done);
	char *json = json_dumps(doc, 0);
	json_decref(doc);
	template_t *tpl;
	if (template_from_json(json, strlen(json), &tpl, err, sizeof err) < 0)
		fail_msg("2026 template: %s", err);
	store_template_t row = {0, tpl->code, tpl->name, tpl->year, json, NOW22};
	int64_t id;
	assert_int_equal(store_template_save(st, &row, &id), 0);
	template_free(tpl);
	free(json);
	return id;
}

static void
apply(const store_registry_change_t *c)
{
	char err[600];
	if (store_registry_apply(st, c, err, sizeof err) < 0)
		fail_msg("registry change as of %d: %s", c->as_of, err);
}

static store_unit_change_t
locality(const char *code, const char *name, const char *kind)
{
	return (store_unit_change_t){.code = code,
	                             .name = name,
	                             .kind = kind,
	                             .parent_code = "31",
	                             .locality_code = "",
	                             .email = "",
	                             .phone = "",
	                             .active = 1};
}

static int
setup(void **state)
{
	(void)state;
	log_set_level(3);
	struct stat sb;
	snprintf(tmpdir, sizeof tmpdir, "%s/suotdoi-cmp-XXXXXX",
	         stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode) ? "/dev/shm" : "/tmp");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(dbpath, sizeof dbpath, "%s/cmp.db", tmpdir);
	unit_tree_t *pre;
	int64_t tpl22;
	if (demo_fixture_open(dbpath, &st, &pre, &cid22, &tpl22) < 0)
		return -1;

	/* 01/07/2025: the districts of Hải An (306) and Tiên Lãng (315) and their communes
	 * close; new communes open under the city. */
	static const char *const old_communes[] = {
	        "11410", "11411", "11413", "11414", "11416", "11419", "11422", "11425", "11755",
	        "11758", "11761", "11764", "11770", "11773", "11776", "11779", "11782", "11785",
	        "11791", "11797", "11800", "11803", "11806", "11809", "11812", "11815", "11821"};
	size_t nold = sizeof old_communes / sizeof old_communes[0];
	int64_t close1[64];
	size_t nclose = 0;
	close1[nclose++] = id_of(pre, "306");
	close1[nclose++] = id_of(pre, "315");
	for (size_t k = 0; k < nold; k++)
		close1[nclose++] = id_of(pre, old_communes[k]);
	store_unit_change_t open1[] = {
	        locality("11413", "Phường Hải An", "phuong"),
	        locality("11425", "Phường Đông Hải", "phuong"),
	        locality("11755", "Xã Tiên Lãng", "xa"),
	        locality("11770", "Xã Quyết Tiến", "xa"),
	        locality("11811", "Xã Tân Lập", "xa"),
	};
	store_lineage_change_t lin1[] = {
	        {"11413", id_of(pre, "11413"), "full"},    {"11413", id_of(pre, "11419"), "full"},
	        {"11413", id_of(pre, "11422"), "partial"}, {"11425", id_of(pre, "11425"), "full"},
	        {"11425", id_of(pre, "11422"), "partial"}, {"11755", id_of(pre, "11755"), "full"},
	        {"11755", id_of(pre, "11761"), "full"},    {"11770", id_of(pre, "11770"), "full"},
	};
	static const struct {
		const char *body, *to;
	} mv1[] = {
	        {"HA-11413-UBND", "11413"},   {"HA-11413-TTHTCD", "11413"},
	        {"HA-11413-MN", "11413"},     {"HA-11413-TH", "11413"},
	        {"HA-11413-THCS", "11413"},   {"HA-11419-UBND", "11413"},
	        {"HA-11419-TTHTCD", "11413"}, {"HA-11419-MN", "11413"},
	        {"HA-11419-TH", "11413"},     {"HA-11419-THCS", "11413"},
	        {"HA-11422-TH", "11413"},     {"HA-11422-THCS", "11413"},
	        {"HA-11422-UBND", "11425"},   {"HA-11422-TTHTCD", "11425"},
	        {"HA-11422-MN", "11425"},     {"HA-11425-UBND", "11425"},
	        {"HA-11425-TTHTCD", "11425"}, {"HA-11425-MN", "11425"},
	        {"HA-11425-TH", "11425"},     {"HA-11425-THCS", "11425"},
	        {"TL-11755-UBND", "11755"},   {"TL-11755-TTHTCD", "11755"},
	        {"TL-11755-MN", "11755"},     {"TL-11755-TH", "11755"},
	        {"TL-11755-THCS", "11755"},   {"TL-11761-UBND", "11755"},
	        {"TL-11761-TTHTCD", "11755"}, {"TL-11761-MN", "11755"},
	        {"TL-11761-TH", "11755"},     {"TL-11761-THCS", "11755"},
	        {"TL-11770-UBND", "11770"},   {"TL-11770-TTHTCD", "11770"},
	        {"TL-11770-TH", "11770"},     {"TL-11770-THCS", "11770"},
	        {"TL-11770-MN", "11811"},
	};
	size_t nmv = sizeof mv1 / sizeof mv1[0];
	store_unit_move_t moves1[64];
	for (size_t k = 0; k < nmv; k++)
		moves1[k] = (store_unit_move_t){id_of(pre, mv1[k].body), mv1[k].to, NULL};
	store_registry_change_t c1 = {.as_of = day_of(2025, 7, 1),
	                              .close = close1,
	                              .nclose = nclose,
	                              .open = open1,
	                              .nopen = sizeof open1 / sizeof open1[0],
	                              .moves = moves1,
	                              .nmoves = nmv,
	                              .lineage = lin1,
	                              .nlineage = sizeof lin1 / sizeof lin1[0],
	                              .at = NOW22,
	                              .source = "test",
	                              .summary = "sáp nhập 2025"};
	apply(&c1);

	/* 01/01/2026: Xã Tiên Lãng and Xã Quyết Tiến (partly) become a new Xã Tiên Lãng. */
	char err[600];
	unit_tree_t *mid;
	if (unit_tree_build_at(st, day_of(2025, 8, 1), &mid, err, sizeof err) < 0)
		fail_msg("%s", err);
	int64_t close2[] = {id_of(mid, "11755"), id_of(mid, "11770")};
	store_unit_change_t open2[] = {locality("11755", "Xã Tiên Lãng", "xa")};
	store_lineage_change_t lin2[] = {{"11755", id_of(mid, "11755"), "full"},
	                                 {"11755", id_of(mid, "11770"), "partial"}};
	static const char *const mv2[] = {
	        "TL-11755-UBND", "TL-11755-TTHTCD", "TL-11755-MN", "TL-11755-TH",  "TL-11755-THCS",
	        "TL-11761-UBND", "TL-11761-TTHTCD", "TL-11761-MN", "TL-11761-TH",  "TL-11761-THCS",
	        "TL-11770-UBND", "TL-11770-TTHTCD", "TL-11770-TH", "TL-11770-THCS"};
	store_unit_move_t moves2[16];
	for (size_t k = 0; k < sizeof mv2 / sizeof mv2[0]; k++)
		moves2[k] = (store_unit_move_t){id_of(mid, mv2[k]), "11755", NULL};
	store_registry_change_t c2 = {.as_of = day_of(2026, 1, 1),
	                              .close = close2,
	                              .nclose = 2,
	                              .open = open2,
	                              .nopen = 1,
	                              .moves = moves2,
	                              .nmoves = sizeof mv2 / sizeof mv2[0],
	                              .lineage = lin2,
	                              .nlineage = 2,
	                              .at = NOW22,
	                              .source = "test",
	                              .summary = "sáp nhập 2026"};
	apply(&c2);
	unit_tree_unref(mid);

	if (unit_tree_build_at(st, day_of(2022, 10, 1), &t22, err, sizeof err) < 0 ||
	    unit_tree_build_at(st, day_of(2026, 10, 1), &t26, err, sizeof err) < 0)
		fail_msg("%s", err);
	int64_t tpl26 = template_2026();
	int64_t hp = id_of(pre, "31");
	cid26 = save_campaign(hp, tpl26, 2026, day_of(2026, 10, 1), "open",
	                      "Tuần lễ hưởng ứng học tập suốt đời năm 2026");
	cid23 = save_campaign(hp, tpl22, 2023, day_of(2023, 10, 1), "closed", "Tuần lễ năm 2023");
	cid24_draft = save_campaign(hp, tpl22, 2024, day_of(2024, 10, 1), "draft", "Nháp 2024");
	cid_hn = save_campaign(id_of(pre, "01"), tpl22, 2022, day_of(2022, 10, 1), "closed",
	                       "Tuần lễ của Hà Nội năm 2022");
	unit_tree_unref(pre);
	live = rep_live_new(NULL, NULL);

	/* 2022: 2.bao in powers of two, so that every sum tells its terms */
	report(t22, cid22, "HA-11413-TH", 1, 10, 1000, 0);
	report(t22, cid22, "HA-11413-THCS", 2, 20, 2000, 0);
	report(t22, cid22, "HA-11419-TH", 4, 30, 3000, 0);
	report(t22, cid22, "HA-11422-TH", 8, 40, 4000, 0);
	report(t22, cid22, "HA-11422-MN", 16, 50, 5000, 0);
	report(t22, cid22, "HA-11425-TH", 32, 60, 6000, 0);
	report(t22, cid22, "TL-11755-TH", 64, 70, 7000, 0);
	report(t22, cid22, "TL-11761-MN", 128, 80, 8000, 0);
	report(t22, cid22, "TL-11770-TH", 256, 90, 9000, 0);
	report(t22, cid22, "TL-11770-MN", 512, 100, 10000, 0);
	report(t22, cid22, "HA-11419-MN", 1024, 110, 11000, 1); /* a draft: never counted */
	/* 2026, from the moved schools */
	report(t26, cid26, "HA-11413-TH", 3, 15, 1500, 0);
	report(t26, cid26, "HA-11422-TH", 5, 25, 2500, 0);
	report(t26, cid26, "HA-11425-MN", 7, 35, 3500, 0);
	report(t26, cid26, "TL-11770-TH", 11, 45, 4500, 0);
	report(t26, cid26, "TL-11770-MN", 13, 55, 5500, 0);
	report(t26, cid26, "HA-11413-THCS", 100, 65, 6500, 1); /* a draft */
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	rep_live_free(live);
	unit_tree_unref(t22);
	unit_tree_unref(t26);
	store_close(st);
	arena_free(&arena);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return system(cmd);
}

/* ---------- the expected figures, computed here ---------- */

typedef struct lin {
	int64_t new_id, old_id;
	int partial;
} lin_t;

static lin_t lins[64];
static size_t nlins;

static int
take_lineage(const store_lineage_t *l, void *p)
{
	(void)p;
	assert_true(nlins < 64);
	lins[nlins++] = (lin_t){l->new_id, l->old_id, !strcmp(l->kind, "partial")};
	return 0;
}

/* Adds unit id's 2022 figures (item code) to *full or *part as the spec says: its own
 * subtree total when it is on the 2022 tree, else its predecessors', a partial link
 * sending everything behind it to *part. */
static void
expect_past(const live_campaign_t *lc, const char *code, int64_t id, int partial, int64_t *full,
            int64_t *part, int *found_full, int *found_part)
{
	int32_t i = unit_tree_find_id(t22, id);
	if (i >= 0 && !t22->units[i].closed) {
		int64_t tot[64], n;
		rollup_subtree(lc->ru, t22, i, 0, tot, &n);
		int64_t v = tot[template_item(lc->c->tpl, code)->col];
		if (partial) {
			*part += v;
			*found_part = 1;
		} else {
			*full += v;
			*found_full = 1;
		}
		return;
	}
	for (size_t k = 0; k < nlins; k++)
		if (lins[k].new_id == id)
			expect_past(lc, code, lins[k].old_id, partial || lins[k].partial, full,
			            part, found_full, found_part);
}

static const cmp_row_t *
row_of(const cmp_result_t *r, const char *code)
{
	for (size_t k = 0; k < r->nrows; k++)
		if (!strcmp(r->rows[k].code, code))
			return &r->rows[k];
	return NULL;
}

static size_t
item_of(const cmp_result_t *r, const char *code)
{
	for (size_t k = 0; k < r->nitems; k++)
		if (!strcmp(r->items[k].code, code))
			return k;
	fail_msg("item %s not matched", code);
	return 0;
}

static cmp_result_t
compare(const char *unit, int64_t with, int drafts, cmp_rc_t want)
{
	cmp_env_t env = env_as(operator_actor);
	cmp_current_t cur = {live_of(t26, cid26), t26, idx(t26, unit), drafts};
	cmp_result_t res;
	cmp_rc_t rc = cmp_build(&env, &cur, with, &res);
	if (rc != want)
		fail_msg("compare %s with %lld: %d (%s), expected %d", unit, (long long)with, rc,
		         res.message, want);
	assert_non_null(res.message);
	return res;
}

/* Every row, every matched item: the earlier and partial figures are the sums computed from
 * the lineage rows and the 2022 roll-up. */
static void
check_against_lineage(const cmp_result_t *res)
{
	nlins = 0;
	assert_int_equal(store_lineage_each(st, take_lineage, NULL), 0);
	assert_true(nlins >= 10);
	const live_campaign_t *lc = live_of(t22, cid22);
	for (size_t r = 0; r < res->nrows; r++) {
		const cmp_row_t *row = &res->rows[r];
		for (size_t k = 0; k < res->nitems; k++) {
			int64_t full = 0, part = 0;
			int ff = 0, fp = 0;
			expect_past(lc, res->items[k].code, row->id, 0, &full, &part, &ff, &fp);
			assert_int_equal(row->how != CMP_NONE, ff);
			assert_int_equal(row->npartials > 0, fp);
			if (ff)
				assert_int_equal(row->past[k], full);
			if (fp)
				assert_int_equal(row->partial[k], part);
		}
	}
}

/* ---------- tests ---------- */

static void
test_items_matched_by_code(void **state)
{
	(void)state;
	cmp_result_t res = compare("31", cid22, 0, CMP_OK);
	assert_int_equal(res.nitems, 37); /* 38 numeric items, one dropped */
	assert_int_equal(res.ncur_only, 1);
	assert_string_equal(res.cur_only[0].code, "4.the_thao");
	assert_int_equal(res.cur_only[0].other_type, 0);
	assert_int_equal(res.npast_only, 1);
	assert_string_equal(res.past_only[0].code, "4.van_nghe");
	/* no heading, no text among the matched items; yes/no counted as units */
	for (size_t k = 0; k < res.nitems; k++) {
		assert_true(strcmp(res.items[k].code, "2") != 0);
		assert_true(strcmp(res.items[k].code, "i.text") != 0);
	}
	assert_string_equal(res.items[item_of(&res, "1.ke_hoach")].unit, "đơn vị có");
	assert_string_equal(res.items[0].code, "1.ke_hoach"); /* the template's order */
	assert_int_equal(res.past->id, cid22);
	assert_int_equal(res.cur->id, cid26);
}

static void
test_city_rows_through_the_merge_map(void **state)
{
	(void)state;
	cmp_result_t res = compare("31", cid22, 0, CMP_OK);
	size_t bao = item_of(&res, "2.bao"), money = item_of(&res, "8.kinh_phi"),
	       yes = item_of(&res, "1.ke_hoach");
	/* the city itself is on both trees */
	const cmp_row_t *city = &res.rows[0];
	assert_string_equal(city->code, "31");
	assert_int_equal(city->is_unit, 1);
	assert_int_equal(city->how, CMP_SAME);
	assert_int_equal(city->past[bao], 1023); /* every submitted 2022 report, not the draft */
	assert_int_equal(city->past_reports, 10);
	assert_int_equal(city->npartials, 0);
	assert_int_equal(city->cur[bao], 3 + 5 + 7 + 11 + 13);
	assert_int_equal(city->reports, 5);
	assert_int_equal(city->past[yes], 10);
	assert_int_equal(city->past[money], 55000);

	/* Phường Hải An: Đằng Lâm and Nam Hải wholly, Cát Bi partly */
	const cmp_row_t *x1 = row_of(&res, "11413");
	assert_non_null(x1);
	assert_int_equal(x1->is_unit, 0);
	assert_int_equal(x1->how, CMP_LINEAGE);
	assert_int_equal(x1->past[bao], 1 + 2 + 4);
	assert_int_equal(x1->past_reports, 3);
	assert_int_equal(x1->nsources, 2);
	assert_string_equal(x1->sources[0].name, "Phường Đằng Lâm");
	assert_string_equal(x1->sources[1].name, "Phường Nam Hải");
	assert_int_equal(x1->npartials, 1);
	assert_string_equal(x1->partials[0].name, "Phường Cát Bi");
	assert_int_equal(x1->partial[bao], 8 + 16);
	assert_int_equal(x1->partial_reports, 2);
	assert_int_equal(x1->cur[bao], 3 + 5); /* the draft of HA-11413-THCS not counted */
	int64_t diff;
	double pct;
	int approx;
	assert_int_equal(cmp_change(&res, x1, bao, &diff, &pct, &approx), 2);
	assert_int_equal(diff, 8 - 7);
	assert_true(pct > 14.28 && pct < 14.29);
	assert_int_equal(approx, 1);
	/* an item that Cát Bi had nothing of: exact, the partial link aside */
	size_t tv = item_of(&res, "2.truyen_hinh");
	assert_int_equal(x1->partial[tv], 0);
	assert_int_equal(cmp_change(&res, x1, tv, &diff, &pct, &approx), 1);
	assert_int_equal(approx, 0);

	/* Phường Đông Hải: Tràng Cát wholly, Cát Bi partly */
	const cmp_row_t *x2 = row_of(&res, "11425");
	assert_non_null(x2);
	assert_int_equal(x2->how, CMP_LINEAGE);
	assert_int_equal(x2->past[bao], 32);
	assert_int_equal(x2->npartials, 1);
	assert_int_equal(x2->partial[bao], 24);

	/* the second Xã Tiên Lãng (2026): through the first one (2025), not on the 2022 tree,
	 * to the old Thị trấn Tiên Lãng and Xã Tiên Cường; Xã Quyết Tiến through a partial
	 * link only, so apart even though its own link to its 2025 successor is full */
	const cmp_row_t *y = row_of(&res, "11755");
	assert_non_null(y);
	assert_int_equal(y->how, CMP_LINEAGE);
	assert_int_equal(y->nsources, 2);
	assert_string_equal(y->sources[0].name, "Thị trấn Tiên Lãng");
	assert_string_equal(y->sources[1].name, "Xã Tiên Cường");
	assert_int_equal(y->past[bao], 64 + 128);
	assert_int_equal(y->npartials, 1);
	assert_string_equal(y->partials[0].name, "Xã Quyết Tiến");
	assert_int_equal(y->partial[bao], 256 + 512);
	assert_int_equal(y->cur[bao], 11);

	/* Xã Tân Lập: new, without predecessors: no earlier figure, and no change */
	const cmp_row_t *x5 = row_of(&res, "11811");
	assert_non_null(x5);
	assert_int_equal(x5->how, CMP_NONE);
	assert_int_equal(x5->npartials, 0);
	assert_int_equal(x5->cur[bao], 13);
	assert_int_equal(cmp_change(&res, x5, bao, &diff, &pct, &approx), 0);
	assert_int_equal(approx, 0);

	/* Quận Hải An, closed, still holds its offices (never placed). What it holds now is
	 * those offices, so its earlier figure is theirs, not the whole old district's
	 * (1 + 2 + 4 + 8 + 16 + 32, which would read as a collapse): they never reported,
	 * then or now, so there is nothing to show and no row */
	assert_null(row_of(&res, "306"));

	/* a district that nobody reports in, then or now: no row */
	assert_null(row_of(&res, "303"));

	check_against_lineage(&res);
}

static void
test_unit_and_its_moved_schools(void **state)
{
	(void)state;
	cmp_result_t res = compare("11413", cid22, 0, CMP_OK);
	size_t bao = item_of(&res, "2.bao");
	assert_string_equal(res.rows[0].code, "11413");
	assert_int_equal(res.rows[0].past[bao], 7);
	/* the schools kept their identity: each on the 2022 tree, under its old ward */
	const cmp_row_t *th = row_of(&res, "HA-11413-TH");
	assert_non_null(th);
	assert_int_equal(th->how, CMP_SAME);
	assert_int_equal(th->past[bao], 1);
	assert_int_equal(th->cur[bao], 3);
	const cmp_row_t *cb = row_of(&res, "HA-11422-TH");
	assert_non_null(cb);
	assert_int_equal(cb->how, CMP_SAME);
	assert_int_equal(cb->past[bao], 8);
	const cmp_row_t *thcs = row_of(&res, "HA-11413-THCS");
	assert_non_null(thcs);
	assert_int_equal(thcs->cur[bao], 0);
	assert_int_equal(thcs->past[bao], 2);
	/* display order: as the tree gives the children */
	for (size_t k = 2; k < res.nrows; k++)
		assert_true(res.rows[k - 1].unit < res.rows[k].unit);
	check_against_lineage(&res);

	/* the drafts, when asked, on the current side only */
	cmp_result_t d = compare("11413", cid22, 1, CMP_OK);
	assert_int_equal(d.rows[0].cur[bao], 3 + 5 + 100);
	assert_int_equal(d.rows[0].past[bao], 7);

	res = compare("11755", cid22, 0, CMP_OK);
	check_against_lineage(&res);
	const cmp_row_t *mn = row_of(&res, "TL-11761-MN");
	assert_non_null(mn);
	assert_int_equal(mn->past[bao], 128);
	res = compare("11811", cid22, 0, CMP_OK);
	assert_int_equal(res.rows[0].how, CMP_NONE);
	mn = row_of(&res, "TL-11770-MN");
	assert_non_null(mn);
	assert_int_equal(mn->how, CMP_SAME);
	assert_int_equal(mn->past[bao], 512);
	assert_int_equal(mn->cur[bao], 13);
}

static void
test_campaign_elsewhere_has_no_figures(void **state)
{
	(void)state;
	/* Hà Nội's 2022 campaign: Hải Phòng's units are on its tree, outside its subtree */
	cmp_result_t res = compare("31", cid_hn, 0, CMP_OK);
	assert_int_equal(res.rows[0].how, CMP_NONE);
	assert_int_equal(res.rows[0].npartials, 0);
	res = compare("11413", cid_hn, 0, CMP_OK);
	assert_int_equal(res.rows[0].how, CMP_NONE);
	assert_int_equal(res.rows[0].npartials, 0);
	/* the 2023 campaign of the city has no reports: figures of zero, found */
	res = compare("11413", cid23, 0, CMP_OK);
	assert_int_equal(res.rows[0].how, CMP_LINEAGE);
	assert_int_equal(res.rows[0].past_reports, 0);
	assert_int_equal(res.rows[0].past[item_of(&res, "2.bao")], 0);
	int64_t diff;
	double pct;
	int approx;
	assert_int_equal(
	        cmp_change(&res, &res.rows[0], item_of(&res, "2.bao"), &diff, &pct, &approx),
	        1); /* no percentage of zero */
	assert_int_equal(diff, 8);
}

static void
test_refusals(void **state)
{
	(void)state;
	cmp_result_t res = compare("31", cid26, 0, CMP_ERR_INVALID);
	assert_non_null(strstr(res.message, "đợt khác"));
	res = compare("31", 999999, 0, CMP_ERR_NOT_FOUND);
	assert_non_null(strstr(res.message, "999999"));
	res = compare("31", 0, 0, CMP_ERR_NOT_FOUND);
	res = compare("31", cid24_draft, 0, CMP_ERR_INVALID);
	assert_non_null(strstr(res.message, "bản nháp"));

	/* not earlier: 2022 compared with 2026 */
	cmp_env_t env = env_as(operator_actor);
	cmp_current_t cur22 = {live_of(t22, cid22), t22, idx(t22, "31"), 0};
	assert_int_equal(cmp_build(&env, &cur22, cid26, &res), CMP_ERR_INVALID);
	assert_non_null(strstr(res.message, "không diễn ra trước"));

	/* who may see it: unit.view on the unit in the current tree */
	access_grant_t g = {idx(t26, "11413"), ROLE_HEAD};
	rep_actor_t head = {7, "hieutruong", "", &g, 1, 0};
	env = env_as(head);
	cmp_current_t cur = {live_of(t26, cid26), t26, idx(t26, "31"), 0};
	assert_int_equal(cmp_build(&env, &cur, cid22, &res), CMP_ERR_DENIED);
	assert_non_null(strstr(res.message, "quyền"));
	cur.unit = idx(t26, "11413");
	assert_int_equal(cmp_build(&env, &cur, cid22, &res), CMP_OK);
	rep_actor_t nobody = {8, "ai", "", NULL, 0, 0};
	env = env_as(nobody);
	assert_int_equal(cmp_build(&env, &cur, cid22, &res), CMP_ERR_DENIED);
	cmp_choice_t *ch;
	size_t n;
	const char *msg;
	assert_int_equal(cmp_choices(&env, &cur, &ch, &n, &msg), CMP_ERR_DENIED);
}

static void
test_choices(void **state)
{
	(void)state;
	cmp_env_t env = env_as(operator_actor);
	cmp_current_t cur = {live_of(t26, cid26), t26, idx(t26, "11413"), 0};
	cmp_choice_t *ch;
	size_t n;
	const char *msg;
	assert_int_equal(cmp_choices(&env, &cur, &ch, &n, &msg), CMP_OK);
	/* newest first: 2023, then the two of 2022; neither the draft nor 2026 itself */
	assert_int_equal(n, 3);
	assert_int_equal(ch[0].id, cid23);
	assert_int_equal(ch[0].covers, 1);
	int seen22 = 0, seenhn = 0;
	for (size_t k = 0; k < n; k++) {
		assert_true(ch[k].id != cid24_draft && ch[k].id != cid26);
		if (ch[k].id == cid22) {
			seen22 = 1;
			assert_int_equal(ch[k].covers, 1);
			assert_int_equal(ch[k].year, 2022);
		}
		if (ch[k].id == cid_hn) {
			seenhn = 1;
			assert_int_equal(ch[k].covers, 0);
		}
	}
	assert_true(seen22 && seenhn);
	/* from 2022 there is nothing earlier */
	cmp_current_t cur22 = {live_of(t22, cid22), t22, idx(t22, "31"), 0};
	assert_int_equal(cmp_choices(&env, &cur22, &ch, &n, &msg), CMP_OK);
	assert_int_equal(n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_items_matched_by_code),
	        cmocka_unit_test(test_city_rows_through_the_merge_map),
	        cmocka_unit_test(test_unit_and_its_moved_schools),
	        cmocka_unit_test(test_campaign_elsewhere_has_no_figures),
	        cmocka_unit_test(test_refusals),
	        cmocka_unit_test(test_choices),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
