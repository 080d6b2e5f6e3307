/* The dated registry import (service/registry.h) on the real files: the 2025-03 registry
 * with the demo bodies and the demo 2022 campaign with submitted reports, then the 2025-07
 * registry with its merge map as of 01/07/2025. The 2022 tree and every 2022 total stay
 * exactly as they were; today's tree is the new registry; bodies follow their commune or
 * wait; a second import does nothing. Then the refusals (line and reason, nothing
 * written), the placement of the waiting bodies, and a small registry for the re-run on
 * the same date and the import without a merge map. A real SQLite file, under ASan. */
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
#include <unistd.h>

#include "core/file.h"
#include "core/log.h"
#include "domain/campaign.h"
#include "domain/rollup.h"
#include "service/merges.h"
#include "service/registry.h"
#include "service/reporting.h"
#include "text/text.h"

#define NOW 1665000000 /* 5/10/2022, the demo campaign is open */
#define MAXCOLS 256

static char tmpdir[64], dbpath[300];
static store_t *st;
static unit_tree_t *tree; /* the fixture's tree (before the import) */
static int64_t demo_cid, demo_tpl;
static int32_t day2022, as_of;
static char *units07, *merges07;
static size_t units07_len, merges07_len;

/* the 2022 tree and totals before the import */
typedef struct snap {
	int64_t id, parent_id;
	char *code, *name;
	int64_t tot[MAXCOLS], all[MAXCOLS], reports;
} snap_t;
static snap_t *before;
static int32_t nbefore;
static size_t ncols;

static char *
slurp(const char *rel, size_t *len)
{
	char p[512], err[256], *data;
	snprintf(p, sizeof p, "%s/%s", TEST_SOURCE_DIR, rel);
	if (file_read_all(p, 1 << 26, &data, len, err, sizeof err) < 0)
		fail_msg("%s", err);
	return data;
}

static int
count_unit(const store_unit_t *u, void *ctx)
{
	(void)u;
	(*(size_t *)ctx)++;
	return 0;
}

static size_t
unit_count(void)
{
	size_t n = 0;
	assert_int_equal(store_units_each(st, count_unit, &n), 0);
	return n;
}

static int
count_import(const store_registry_import_t *r, void *ctx)
{
	(void)r;
	(*(size_t *)ctx)++;
	return 0;
}

static size_t
import_count(store_t *s)
{
	size_t n = 0;
	assert_int_equal(store_registry_imports(s, count_import, &n), 0);
	return n;
}

static int
setup(void **state)
{
	(void)state;
	log_set_level(3);
	struct stat sb;
	snprintf(tmpdir, sizeof tmpdir, "%s/suotdoi-reg-XXXXXX",
	         stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode) ? "/dev/shm" : "/tmp");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(dbpath, sizeof dbpath, "%s/reg.db", tmpdir);
	if (demo_fixture_open(dbpath, &st, &tree, &demo_cid, &demo_tpl) < 0)
		return -1;
	if (campaign_tree_day(st, demo_cid, &day2022) != 1)
		return -1;
	as_of = text_days_from_civil(2025, 7, 1);
	units07 = slurp("data/dvhc/units-2025-07-01.csv", &units07_len);
	merges07 = slurp("data/dvhc/merges-2025-07-01.csv", &merges07_len);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	for (int32_t i = 0; i < nbefore; i++) {
		free(before[i].code);
		free(before[i].name);
	}
	free(before);
	free(units07);
	free(merges07);
	unit_tree_unref(tree);
	store_close(st);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return system(cmd);
}

/* ---------- reports of 2022 ---------- */

/* Submit unit's report (a body: 2.bao and 2.so_lop; a level: its texts only). */
static void
submit(rep_live_t *l, const unit_tree_t *t, live_campaign_t *lc, const char *code, int64_t bao)
{
	arena_t a = ARENA_INIT;
	int32_t unit = unit_tree_find_code(t, code);
	assert_true(unit >= 0);
	rep_ctx_t cx = {st, t, l, &a, NOW, {.name = "", .ip = "", .operator= 1 }, NULL, NULL};
	rep_values_t v;
	rep_values_init(&a, lc->c->tpl, &v);
	if (!t->units[unit].is_locality) {
		const tpl_item_t *it = template_item(lc->c->tpl, "2.bao");
		assert_non_null(it);
		v.num[it->col] = bao;
		v.has[it->col] = 1;
		for (size_t c = 0; c < lc->c->tpl->ncols && c < 6; c++)
			if ((int)c != it->col) {
				v.num[c] = bao * 10 + (int64_t)c;
				v.has[c] = 1;
			}
	}
	rep_input_t in = {.op = REP_SUBMIT, .values = &v, .expected_version = -1};
	rep_outcome_t out;
	rep_rc_t rc = rep_apply(&cx, lc, unit, &in, &out);
	if (rc != REP_OK)
		fail_msg("submit %s: %d %s", code, rc, out.message);
	arena_free(&a);
}

/* The 2022 tree (rebuilt from the store) and its totals, by tree index. */
static snap_t *
snapshot(int32_t *n)
{
	char err[256];
	unit_tree_t *t;
	assert_int_equal(unit_tree_build_at(st, day2022, &t, err, sizeof err), 0);
	rep_live_t *l = rep_live_new(NULL, NULL);
	live_campaign_t *lc;
	assert_int_equal(rep_live_get(l, st, t, demo_cid, &lc), REP_OK);
	ncols = lc->c->tpl->ncols;
	assert_true(ncols <= MAXCOLS);
	snap_t *s = calloc((size_t)t->n, sizeof *s);
	for (int32_t i = 0; i < t->n; i++) {
		const unit_t *u = &t->units[i];
		s[i].id = u->id;
		s[i].parent_id = u->parent >= 0 ? t->units[u->parent].id : 0;
		s[i].code = strdup(u->code);
		s[i].name = strdup(u->name);
		rollup_subtree(lc->ru, t, i, 0, s[i].tot, &s[i].reports);
		rollup_subtree(lc->ru, t, i, 1, s[i].all, NULL);
	}
	*n = t->n;
	rep_live_free(l);
	unit_tree_unref(t);
	return s;
}

/* Every unit of the 2022 tree and every total as before the import. */
static void
assert_2022_unchanged(void)
{
	int32_t n;
	snap_t *now = snapshot(&n);
	assert_int_equal(n, nbefore);
	int64_t reports = 0;
	for (int32_t i = 0; i < n; i++) {
		if (now[i].id != before[i].id || now[i].parent_id != before[i].parent_id ||
		    strcmp(now[i].code, before[i].code) || strcmp(now[i].name, before[i].name))
			fail_msg("2022 tree differs at %d: %s %s (was %s %s)", i, now[i].code,
			         now[i].name, before[i].code, before[i].name);
		if (memcmp(now[i].tot, before[i].tot, ncols * sizeof *now[i].tot) ||
		    memcmp(now[i].all, before[i].all, ncols * sizeof *now[i].all) ||
		    now[i].reports != before[i].reports)
			fail_msg("2022 totals differ at %s", now[i].code);
		if (i == 0)
			reports = now[i].reports;
		free(now[i].code);
		free(now[i].name);
	}
	assert_true(reports >= 10); /* the reports below are in the totals */
	free(now);
}

/* ---------- the import of 01/07/2025 ---------- */

static int32_t
find(const unit_tree_t *t, const char *code)
{
	int32_t i = unit_tree_find_code(t, code);
	if (i < 0)
		fail_msg("no unit %s", code);
	return i;
}

static const char *
parent_code(const unit_tree_t *t, const char *code)
{
	int32_t i = find(t, code);
	return t->units[t->units[i].parent].code;
}

static void
test_import_2025(void **state)
{
	(void)state;
	char err[8192];
	unit_tree_t *t22;
	assert_int_equal(unit_tree_build_at(st, day2022, &t22, err, sizeof err), 0);
	rep_live_t *l = rep_live_new(NULL, NULL);
	live_campaign_t *lc;
	assert_int_equal(rep_live_get(l, st, t22, demo_cid, &lc), REP_OK);
	/* bodies of wards merged wholly, of a ward split, of communes, and two levels */
	const char *bodies[] = {"HA-11413-TH", "HA-11413-THCS",   "HA-11413-TTHTCD",
	                        "HA-11419-TH", "HA-11422-MN",     "HA-11425-TTHTCD",
	                        "TL-11755-TH", "TL-11761-TTHTCD", "TL-11770-THCS",
	                        "TL-11770-MN"};
	for (size_t k = 0; k < sizeof bodies / sizeof *bodies; k++)
		submit(l, t22, lc, bodies[k], (int64_t)k + 3);
	submit(l, t22, lc, "306", 0);
	submit(l, t22, lc, "315", 0);
	rep_live_free(l);
	unit_tree_unref(t22);
	before = snapshot(&nbefore);

	/* a role at a district that closes, and a campaign on a tree after the date with a
	 * report of a closing unit: both warned about */
	store_user_t u = {.username = "pgd.haian.test",
	                  .full_name = "Cán bộ Hải An",
	                  .email = "",
	                  .password_hash = "x"};
	int64_t uid, cid25, rid, ver;
	assert_int_equal(store_user_create(st, &u, &uid), 0);
	assert_int_equal(
	        store_role_grant(st, uid, tree->units[find(tree, "306")].id, "overseer", 0, NOW),
	        1);
	cid25 = demo_fixture_campaign(st, tree, find(tree, "31"), 0, demo_tpl, "open",
	                              1752537600 /* 15/07/2025 */);
	assert_true(cid25 > 0);
	store_report_t r = {.campaign_id = cid25,
	                    .unit_id = tree->units[find(tree, "11413")].id,
	                    .status = "draft",
	                    .updated_at = NOW,
	                    .comment = ""};
	assert_int_equal(store_report_save(st, &r, NULL, 0, 0, &rid, &ver), 0);

	int64_t gen = store_units_generation(st);
	registry_plan_t p;
	if (registry_plan(st, units07, units07_len, merges07, merges07_len, as_of, &p, err,
	                  sizeof err) < 0)
		fail_msg("%s", err);
	assert_int_equal(store_units_generation(st), gen); /* a plan writes nothing */
	assert_false(p.nothing_to_do);
	assert_int_equal(p.n.rows, 3355);
	assert_int_equal(p.n.base, 10806);
	/* every base locality continues (unchanged or moved) or closes; every row opens or
	 * continues */
	size_t cont_moved = 0;
	for (size_t k = 0; k < p.nchanges; k++)
		cont_moved += p.changes[k].what == REGISTRY_CH_MOVE;
	assert_int_equal(cont_moved, 114); /* the 125 communes kept, less 11 provinces */
	assert_int_equal(p.n.base, p.n.unchanged + cont_moved + p.n.closed);
	assert_int_equal(p.n.rows, p.n.opened + p.n.unchanged + cont_moved);
	assert_int_equal(p.nchanges, p.n.opened + cont_moved + p.n.closed);
	assert_int_equal(p.n.closed_without_successor, 691); /* the districts of no map row */
	assert_int_equal(p.n.lineage, 10667 - 125);          /* self rows of continuing units */
	assert_int_equal(p.n.bodies_to_place, 21);
	assert_int_equal(p.n.bodies_waiting, 0);
	assert_int_equal(p.n.bodies_moved + p.n.bodies_to_place, p.nbodies);
	assert_non_null(strstr(p.summary, "01/07/2025"));
	int roles = 0, camp = 0;
	for (size_t k = 0; k < p.nwarnings; k++) {
		if (p.warnings[k].kind == REGISTRY_WARN_ROLES) {
			roles = 1;
			assert_non_null(strstr(p.warnings[k].text, "pgd.haian.test"));
		}
		if (p.warnings[k].kind == REGISTRY_WARN_CAMPAIGN) {
			camp = 1;
			assert_int_equal(p.warnings[k].campaign_id, cid25);
			assert_int_equal(p.warnings[k].count, 1);
		}
		assert_int_not_equal(p.warnings[k].kind, REGISTRY_WARN_NAMES);
	}
	assert_true(roles && camp);
	/* HA-PGDDT waits with the wards of Hải An's successors and the new city */
	int found = 0;
	for (size_t k = 0; k < p.nbodies; k++) {
		const registry_body_t *b = &p.bodies[k];
		if (strcmp(b->code, "HA-PGDDT"))
			continue;
		found = 1;
		assert_false(b->auto_placed);
		assert_false(b->holder_has_successor);
		assert_string_equal(b->holder.code, "306");
		int has31 = 0, has11413 = 0;
		for (size_t c = 0; c < b->ncandidates; c++) {
			has31 |= !strcmp(b->candidates[c].code, "31");
			has11413 |= !strcmp(b->candidates[c].code, "11413");
		}
		assert_true(has31 && has11413);
	}
	assert_true(found);
	if (registry_apply(st, &p, 0, "test", err, sizeof err) < 0)
		fail_msg("%s", err);
	registry_plan_free(&p);
	assert_int_equal(store_registry_date(st), as_of);
	assert_int_equal(import_count(st), 1);

	/* the past: no unit renamed or moved, every 2022 total as it was */
	assert_2022_unchanged();

	/* today: the new registry */
	unit_tree_t *t;
	assert_int_equal(unit_tree_build_at(st, as_of, &t, err, sizeof err), 0);
	int provinces = 0, districts = 0, communes = 0;
	for (int32_t i = 1; i < t->n; i++) {
		const unit_t *x = &t->units[i];
		if (!x->is_locality || x->closed)
			continue;
		if (!strcmp(x->kind, "tinh") || !strcmp(x->kind, "tp_tw"))
			provinces++;
		else if (!strcmp(x->kind, "xa") || !strcmp(x->kind, "phuong") ||
		         !strcmp(x->kind, "dac_khu") || !strcmp(x->kind, "thi_tran"))
			communes++;
		else
			districts++;
	}
	assert_int_equal(provinces, 34);
	assert_int_equal(communes, 3321);
	assert_int_equal(districts, 0);
	/* Sở GD&ĐT Hải Phòng under the new city (old 31 and 30 merged wholly) */
	int32_t sgd = find(t, "HP-SGDDT"), p31 = t->units[sgd].parent;
	assert_string_equal(t->units[p31].code, "31");
	assert_int_equal(t->units[p31].valid_from, as_of);
	assert_false(t->units[p31].closed);
	/* Hải An's bodies wait under the closed district */
	const char *ha[] = {"HA-PGDDT", "HA-UBND", "HA-TTVHTT", "HA-TTGDNN", "HA-HKH"};
	for (size_t k = 0; k < 5; k++) {
		int32_t i = find(t, ha[k]);
		assert_string_equal(t->units[t->units[i].parent].code, "306");
		assert_true(t->units[t->units[i].parent].closed);
	}
	registry_pending_t pend;
	assert_int_equal(registry_pending(st, &pend, err, sizeof err), 0);
	assert_int_equal(pend.nbodies, 21);
	size_t ha_waiting = 0;
	for (size_t k = 0; k < pend.nbodies; k++)
		ha_waiting += !strcmp(pend.bodies[k].holder.code, "306");
	assert_int_equal(ha_waiting, 5);
	registry_pending_free(&pend);

	/* bodies under communes merged wholly moved to the successor, by the merge map */
	arena_t a = ARENA_INIT;
	merge_map_t mm;
	reg_errors_t e = {BUF_INIT, 0};
	assert_int_equal(merges_parse(merges07, merges07_len, &a, &mm, &e), 0);
	size_t checked = 0;
	for (int32_t i = 0; i < tree->n; i++) {
		const unit_t *b = &tree->units[i];
		if (b->is_locality || b->parent < 0)
			continue;
		const char *old = tree->units[b->parent].code;
		const merge_row_t *only = NULL;
		int rows = 0;
		for (size_t k = 0; k < mm.nrows; k++)
			if (!strcmp(mm.rows[k].old_code, old)) {
				rows++;
				only = &mm.rows[k];
			}
		int32_t j = find(t, b->code);
		const unit_t *now = &t->units[t->units[j].parent];
		if (rows == 1 && only->full && strcmp(only->new_code, old)) {
			assert_string_equal(now->code, only->new_code);
			assert_false(now->closed);
			if (!strcmp(b->locality_code, old))
				assert_string_equal(t->units[j].locality_code, only->new_code);
			checked++;
		} else if (rows > 1 || (rows == 1 && !only->full)) {
			assert_string_equal(now->code, old); /* split: waits under the old one */
			assert_true(now->closed);
		}
	}
	assert_true(checked >= 20); /* Tiên Lãng, Hải An, Hà Thượng… */
	arena_free(&a);
	unit_tree_unref(t);
}

static void
test_rerun_does_nothing(void **state)
{
	(void)state;
	char err[8192];
	int64_t gen = store_units_generation(st);
	size_t nimp = import_count(st), nunits = unit_count();
	registry_plan_t p;
	if (registry_plan(st, units07, units07_len, merges07, merges07_len, as_of, &p, err,
	                  sizeof err) < 0)
		fail_msg("%s", err);
	assert_true(p.rerun);
	assert_true(p.nothing_to_do);
	assert_int_equal(p.n.opened, 0);
	assert_int_equal(p.n.closed, 0);
	assert_int_equal(p.n.renamed, 0);
	assert_int_equal(p.n.moved, 0);
	assert_int_equal(p.n.corrected, 0);
	assert_int_equal(p.n.lineage, 0);
	assert_int_equal(p.n.bodies_moved, 0);
	assert_int_equal(p.n.bodies_to_place, 0);
	assert_int_equal(p.n.closed_without_successor, 0);
	assert_int_equal(p.n.unchanged, 3355);
	assert_int_equal(p.nchanges, 0);
	/* still waiting: listed again, nothing to write for them */
	assert_int_equal(p.n.bodies_waiting, 21);
	assert_int_equal(p.nbodies, 21);
	assert_int_equal(registry_apply(st, &p, 0, "test", err, sizeof err), 0);
	registry_plan_free(&p);
	assert_int_equal(store_units_generation(st), gen);
	assert_int_equal(import_count(st), nimp);
	assert_int_equal(unit_count(), nunits);
}

/* ---------- refusals ---------- */

/* The plan refuses with every fragment in err, and nothing is written. */
static void
refused(const char *units, const char *merges, int32_t day, const char *const *want)
{
	char err[8192];
	int64_t gen = store_units_generation(st);
	size_t n = unit_count(), nimp = import_count(st);
	registry_plan_t p;
	int rc = registry_plan(st, units, strlen(units), merges, merges ? strlen(merges) : 0, day,
	                       &p, err, sizeof err);
	if (rc == 0) {
		registry_plan_free(&p);
		fail_msg("accepted, wanted: %s", want[0]);
	}
	for (size_t k = 0; want[k]; k++)
		if (!strstr(err, want[k]))
			fail_msg("\"%s\" not in: %s", want[k], err);
	const char *tail = "Không có dữ liệu nào được ghi.";
	assert_string_equal(err + strlen(err) - strlen(tail), tail);
	assert_null(p.priv);
	registry_plan_free(&p); /* harmless */
	assert_int_equal(store_units_generation(st), gen);
	assert_int_equal(unit_count(), n);
	assert_int_equal(import_count(st), nimp);
}

#define REG_HEAD "code,name,type,level,parent_code\n"
#define MAP_HEAD "new_code,new_name,old_code,old_name,kind\n"

static void
test_refusals(void **state)
{
	(void)state;
	int32_t later = text_days_from_civil(2026, 1, 1);
	const char *units = REG_HEAD "01,Thành phố Hà Nội,Thành phố Trung ương,1,\n"
	                             "00004,Phường Ba Đình,Phường,2,01\n"
	                             "00008,Phường Ngọc Hà,Phường,2,01\n";
	/* an old code that is no locality of 31/12/2025 (00001 closed on 30/06/2025) */
	refused(units, MAP_HEAD "00004,,00004,,full\n00004,,00001,,full\n", later,
	        (const char *[]){"Bảng sáp nhập, dòng 3:", "mã cũ 00001",
	                         "không phải đơn vị hành chính có hiệu lực ngày 31/12/2025", NULL});
	/* a new code not in the registry file */
	refused(units, MAP_HEAD "00004,,00004,,full\n00099,,00008,,partial\n", later,
	        (const char *[]){"Bảng sáp nhập, dòng 3:", "mã mới 00099 không có trong tệp",
	                         NULL});
	/* a bad kind */
	refused(units, MAP_HEAD "00004,,00004,,full\n00008,,00008,,một nửa\n", later,
	        (const char *[]){"Bảng sáp nhập, dòng 3:", "cột kind \"một nửa\"",
	                         "full (toàn bộ) hoặc partial (một phần)", NULL});
	/* an old unit taken wholly into one and also elsewhere */
	refused(units, MAP_HEAD "01,,01,,full\n00004,,00004,,full\n00008,,00004,,partial\n", later,
	        (const char *[]){"Bảng sáp nhập, dòng 4:", "đơn vị cũ 00004",
	                         "toàn bộ (full) vào 00004 ở dòng 3",
	                         "cũng có trong 00008 ở dòng 4", NULL});
	/* a lineage cycle: 00004 wholly from 00008 and 00008 from 00004 */
	refused(units, MAP_HEAD "01,,01,,full\n00004,,00008,,full\n00008,,00004,,full\n", later,
	        (const char *[]){"Bảng sáp nhập, dòng 3:", "vòng (00008 ← 00004 ← 00008)", NULL});
	/* a longer one */
	refused(units, MAP_HEAD "00004,,00008,,partial\n00008,,01,,partial\n01,,00004,,full\n",
	        later,
	        (const char *[]){"Bảng sáp nhập, dòng 4:", "vòng (00004 ← 00008 ← 01 ← 00004)",
	                         NULL});
	/* neighbours exchanging parts while keeping their codes (as in the 2025 map) are no
	 * refusal: a cycle of partial rows only */
	{
		char err[4096];
		registry_plan_t p;
		const char *m = MAP_HEAD "00004,,00008,,partial\n00008,,00004,,partial\n"
		                         "01,,01,,full\n00004,,00004,,partial\n"
		                         "00008,,00008,,partial\n";
		if (registry_plan(st, units, strlen(units), m, strlen(m), later, &p, err,
		                  sizeof err) < 0)
			fail_msg("%s", err);
		assert_int_equal(p.n.opened, 2);
		assert_int_equal(p.n.lineage, 4);
		registry_plan_free(&p);
	}
	/* a date before the current tree's */
	refused(units07, merges07, text_days_from_civil(2025, 6, 1),
	        (const char *[]){"Ngày hiệu lực 01/06/2025 sớm hơn ngày của cây đơn vị hiện "
	                         "hành (01/07/2025)",
	                         NULL});
	/* a parent cycle in the registry file */
	refused(REG_HEAD "01,Thành phố Hà Nội,Thành phố Trung ương,1,00008\n"
	                 "00004,Phường Ba Đình,Phường,2,01\n"
	                 "00008,Phường Ngọc Hà,Phường,2,00004\n",
	        NULL, later,
	        (const char *[]){"Dòng ", "quan hệ cấp trên tạo thành vòng lặp", NULL});
	/* the row checks of units_import_csv, up to ten, then how many more */
	refused(REG_HEAD "1 2,Xã A,Xã,2,01\n"
	                 "x1,,Xã,2,01\n"
	                 "x2,Xã B,Làng,2,01\n"
	                 "x3,Xã C,Xã,2,01\nx3,Xã C,Xã,2,01\n"
	                 "x4,Xã D,Xã,2,01\nx4,Xã D,Xã,2,01\n"
	                 "x5,Xã D,Xã,2,01\nx5,Xã D,Xã,2,01\n"
	                 "x6,Xã D,Xã,2,01\nx6,Xã D,Xã,2,01\n"
	                 "x7,Xã D,Xã,2,01\nx7,Xã D,Xã,2,01\n"
	                 "x8,Xã D,Xã,2,01\nx8,Xã D,Xã,2,01\n"
	                 "x9,Xã D,Xã,2,01\nx9,Xã D,Xã,2,01\nx9,Xã D,Xã,2,01\n",
	        NULL, later,
	        (const char *[]){"Dòng 2: mã đơn vị \"1 2\" không hợp lệ",
	                         "Dòng 3: tên đơn vị x1 đang để trống",
	                         "Dòng 4: loại \"Làng\" không có",
	                         "Dòng 6: mã đơn vị \"x3\" trùng "
	                         "với dòng 5",
	                         "… và 1 lỗi khác", NULL});
	/* a parent missing from the file */
	refused(REG_HEAD "00004,Phường Ba Đình,Phường,2,01\n", NULL, later,
	        (const char *[]){"Dòng 2: không tìm thấy đơn vị cấp trên có mã \"01\" trong tệp",
	                         NULL});
	/* the code of a body */
	refused(REG_HEAD "HN-SGDDT,Xã Lạ,Xã,1,\n", NULL, later,
	        (const char *[]){"Dòng 2: mã HN-SGDDT đang là mã của", NULL});
	/* not a registry file */
	refused("code,name,kind\nA,B,xa\n", NULL, later,
	        (const char *[]){"Dòng 1: tệp danh mục có ngày hiệu lực phải theo mẫu", NULL});
	refused(units, NULL, 0, (const char *[]){"Ngày hiệu lực phải sau ngày 01/01/1970", NULL});
}

/* ---------- placing the waiting bodies ---------- */

static void
place_refused(const char *csv, const char *const *want)
{
	char err[8192];
	int64_t gen = store_units_generation(st);
	size_t nimp = import_count(st);
	registry_place_stats_t s;
	assert_int_equal(registry_place_csv(st, csv, strlen(csv), 0, &s, err, sizeof err), -1);
	for (size_t k = 0; want[k]; k++)
		if (!strstr(err, want[k]))
			fail_msg("\"%s\" not in: %s", want[k], err);
	assert_non_null(strstr(err, "Không có dữ liệu nào được ghi."));
	assert_int_equal(store_units_generation(st), gen);
	assert_int_equal(import_count(st), nimp);
}

static void
test_place(void **state)
{
	(void)state;
	char err[8192];
	/* errors: every row checked, nothing written */
	place_refused("code,parent_code\n"
	              "HA-PGDDT,11413\n"
	              "HN-SGDDT,01\n"
	              "HA-UBND,NOPE\n"
	              "HA-TTVHTT,11419\n"
	              "HA-TTGDNN,306\n"
	              "11413,31\n"
	              "HA-PGDDT,31\n",
	              (const char *[]){"Dòng 3: đơn vị HN-SGDDT", "không chờ xếp lại",
	                               "Dòng 4: không tìm thấy đơn vị cấp trên mã \"NOPE\"",
	                               "Dòng 5: đơn vị cấp trên 11419 không có hiệu lực ngày "
	                               "01/07/2025 (ngày sau khi 306 đóng)",
	                               "ví dụ: 11411 (Phường Đông Hải)",
	                               "Dòng 6: đơn vị cấp trên 306 không có hiệu lực",
	                               "Dòng 7: 11413 (Phường Hải An) là đơn vị hành chính",
	                               "Dòng 8: đơn vị HA-PGDDT đã có ở dòng 2", NULL});
	place_refused("code,parent\nHA-PGDDT,11413\n",
	              (const char *[]){"Dòng 1: thiếu cột \"code\" hoặc \"parent_code\"", NULL});
	place_refused("code,parent_code\nHA-HKH,HA-HKH\n",
	              (const char *[]){"Dòng 2: không thể xếp HA-HKH vào HA-HKH", NULL});

	/* HA-PGDDT under the new ward Hải An, HA-HKH closes with the district ("-"),
	 * HA-UBND left empty stays waiting; a column for people is ignored */
	registry_place_stats_t s;
	const char *csv = "code,name,parent_code\nHA-PGDDT,Phòng GD,11413\nHA-HKH,Hội,-\n"
	                  "HA-UBND,UBND,\n";
	if (registry_place_csv(st, csv, strlen(csv), 0, &s, err, sizeof err) < 0)
		fail_msg("%s", err);
	assert_int_equal(s.placed, 1);
	assert_int_equal(s.closed, 1);
	unit_tree_t *t;
	assert_int_equal(unit_tree_build_at(st, as_of, &t, err, sizeof err), 0);
	int32_t pgd = find(t, "HA-PGDDT");
	const unit_t *par = &t->units[t->units[pgd].parent];
	assert_string_equal(par->code, "11413");
	assert_int_equal(par->valid_from, as_of);
	assert_string_equal(t->units[pgd].locality_code, "11413");
	assert_int_equal(unit_tree_find_code(t, "HA-HKH"), -1); /* closed on 30/06/2025 */
	assert_string_equal(parent_code(t, "HA-UBND"), "306");  /* still waiting */
	unit_tree_unref(t);
	registry_pending_t pend;
	assert_int_equal(registry_pending(st, &pend, err, sizeof err), 0);
	assert_int_equal(pend.nbodies, 19);
	registry_pending_free(&pend);
	/* and still not a line of 2022 changed */
	assert_2022_unchanged();
	/* placed already: not waiting any more */
	place_refused("code,parent_code\nHA-PGDDT,11411\n",
	              (const char *[]){"Dòng 2: đơn vị HA-PGDDT", "không chờ xếp lại", NULL});
	place_refused("code,parent_code\nHA-HKH,11411\n",
	              (const char *[]){"Dòng 2: đơn vị HA-HKH đã đóng", NULL});
}

/* ---------- a small registry: re-runs, no merge map ---------- */

static void
test_small_registry(void **state)
{
	(void)state;
	char err[8192], path[400];
	store_t *s;
	snprintf(path, sizeof path, "%s/small.db", tmpdir);
	assert_int_equal(store_open(path, &s, err, sizeof err), 0);
	units_import_stats_t is;
	const char *v1 = REG_HEAD "P,Tỉnh P,Tỉnh,1,\n"
	                          "D,Huyện D,Huyện,2,P\n"
	                          "C1,Xã Một,Xã,3,D\n"
	                          "C2,Xã Hai,Xã,3,D\n";
	assert_int_equal(units_import_csv(s, v1, strlen(v1), &is, err, sizeof err), 0);
	const char *bodies = "code,name,kind,parent_code,locality_code\n"
	                     "C1-TH,Trường Tiểu học Một,truong_th,C1,C1\n"
	                     "C1-TH-LIB,Thư viện trường Một,thu_vien,C1-TH,C1\n"
	                     "C2-TH,Trường Tiểu học Hai,truong_th,C2,C2\n"
	                     "D-PGD,Phòng GD&ĐT huyện D,phong_gddt,D,D\n";
	assert_int_equal(units_import_csv(s, bodies, strlen(bodies), &is, err, sizeof err), 0);
	int32_t d1 = text_days_from_civil(2025, 7, 1);
	/* no district; C1 renamed (closes, reopens: lineage full), C2 continues */
	const char *v2 = REG_HEAD "P,Tỉnh P,Tỉnh,1,\n"
	                          "C1,Xã Một Mới,Xã,2,P\n"
	                          "C2,Xã Hai,Xã,2,P\n";
	registry_plan_t p;
	if (registry_plan(s, v2, strlen(v2), NULL, 0, d1, &p, err, sizeof err) < 0)
		fail_msg("%s", err);
	assert_int_equal(p.n.closed, 2); /* D, C1 */
	assert_int_equal(p.n.opened, 1);
	assert_int_equal(p.n.renamed, 1);
	assert_int_equal(p.n.moved, 2); /* C1's code and C2 change parent */
	assert_int_equal(p.n.unchanged, 1);
	assert_int_equal(p.n.lineage, 1);
	assert_int_equal(p.n.bodies_moved, 1);    /* C1-TH follows C1 */
	assert_int_equal(p.n.bodies_to_place, 1); /* D-PGD: D has no successor */
	assert_int_equal(p.n.closed_without_successor, 1);
	const registry_body_t *b = &p.bodies[0];
	assert_string_equal(b->code, "D-PGD");
	assert_int_equal(b->nbelow, 0);
	assert_int_equal(b->ncandidates, 3); /* C1 new, C2, P */
	assert_string_equal(b->candidates[0].code, "C1");
	assert_int_equal(b->candidates[0].id, 0); /* opened by the plan */
	assert_string_equal(b->candidates[0].name, "Xã Một Mới");
	assert_string_equal(b->candidates[2].code, "P");
	assert_string_equal(p.bodies[1].code, "C1-TH");
	assert_true(p.bodies[1].auto_placed);
	assert_int_equal(p.bodies[1].nbelow, 1);
	assert_string_equal(p.bodies[1].new_locality_code, "C1");
	if (registry_apply(s, &p, 0, "v2", err, sizeof err) < 0)
		fail_msg("%s", err);
	registry_plan_free(&p);
	unit_tree_t *t;
	assert_int_equal(unit_tree_build_at(s, d1, &t, err, sizeof err), 0);
	int32_t c1 = unit_tree_find_code(t, "C1");
	assert_string_equal(t->units[c1].name, "Xã Một Mới");
	assert_string_equal(t->units[t->units[unit_tree_find_code(t, "C1-TH")].parent].name,
	                    "Xã Một Mới");
	assert_string_equal(t->units[t->units[unit_tree_find_code(t, "C2")].parent].code, "P");
	assert_int_equal(t->units[unit_tree_find_code(t, "C2")].valid_from, 0); /* same unit */
	unit_tree_unref(t);
	assert_int_equal(unit_tree_build_at(s, d1 - 1, &t, err, sizeof err), 0);
	assert_string_equal(t->units[unit_tree_find_code(t, "C1")].name, "Xã Một");
	assert_string_equal(t->units[t->units[unit_tree_find_code(t, "C2")].parent].code, "D");
	assert_string_equal(t->units[t->units[unit_tree_find_code(t, "C1-TH")].parent].name,
	                    "Xã Một");
	unit_tree_unref(t);

	/* the same date again, corrected: C1 renamed in place (it opened that day) */
	int64_t gen = store_units_generation(s);
	const char *v3 = REG_HEAD "P,Tỉnh P,Tỉnh,1,\n"
	                          "C1,Xã Một Sửa,Xã,2,P\n"
	                          "C2,Xã Hai,Xã,2,P\n";
	if (registry_plan(s, v3, strlen(v3), NULL, 0, d1, &p, err, sizeof err) < 0)
		fail_msg("%s", err);
	assert_true(p.rerun);
	assert_int_equal(p.n.corrected, 1);
	assert_int_equal(p.n.opened + p.n.closed + p.n.lineage + p.n.bodies_moved, 0);
	assert_int_equal(p.n.bodies_waiting, 1); /* D-PGD, listed again */
	assert_int_equal(p.nchanges, 1);
	assert_int_equal(p.changes[0].what, REGISTRY_CH_CORRECT);
	assert_string_equal(p.changes[0].old_name, "Xã Một Mới");
	if (registry_apply(s, &p, 0, "v3", err, sizeof err) < 0)
		fail_msg("%s", err);
	registry_plan_free(&p);
	assert_int_not_equal(store_units_generation(s), gen);
	/* absent from the file, a unit opened that day cannot close */
	const char *v4 = REG_HEAD "P,Tỉnh P,Tỉnh,1,\nC2,Xã Hai,Xã,2,P\n";
	assert_int_equal(registry_plan(s, v4, strlen(v4), NULL, 0, d1, &p, err, sizeof err), -1);
	assert_non_null(strstr(err, "Đơn vị C1 (Xã Một Sửa) đã mở từ ngày 01/07/2025"));
	/* a later date: C2 continues under P, D-PGD still waits (listed, not written) */
	gen = store_units_generation(s);
	if (registry_plan(s, v3, strlen(v3), NULL, 0, d1 + 30, &p, err, sizeof err) < 0)
		fail_msg("%s", err);
	assert_true(p.nothing_to_do);
	assert_int_equal(p.n.bodies_waiting, 1);
	assert_int_equal(registry_apply(s, &p, 0, "v3", err, sizeof err), 0);
	registry_plan_free(&p);
	assert_int_equal(store_units_generation(s), gen);
	/* the waiting body placed on the day after D closed, under C2 */
	registry_place_row_t row = {0, "D-PGD", "C2"};
	registry_place_stats_t ps;
	if (registry_place(s, &row, 1, 0, &ps, err, sizeof err) < 0)
		fail_msg("%s", err);
	assert_int_equal(ps.placed, 1);
	assert_int_equal(unit_tree_build_at(s, d1, &t, err, sizeof err), 0);
	assert_string_equal(t->units[t->units[unit_tree_find_code(t, "D-PGD")].parent].code, "C2");
	assert_string_equal(t->units[unit_tree_find_code(t, "D-PGD")].locality_code, "C2");
	unit_tree_unref(t);
	assert_int_equal(unit_tree_build_at(s, d1 - 1, &t, err, sizeof err), 0);
	assert_string_equal(t->units[t->units[unit_tree_find_code(t, "D-PGD")].parent].code, "D");
	unit_tree_unref(t);
	store_close(s);
}

static void
test_parse_day(void **state)
{
	(void)state;
	int32_t d;
	assert_int_equal(text_parse_day("2025-07-01", &d), 0);
	assert_int_equal(d, text_days_from_civil(2025, 7, 1));
	assert_int_equal(text_parse_day("01/07/2025", &d), 0);
	assert_int_equal(d, text_days_from_civil(2025, 7, 1));
	assert_int_equal(text_parse_day("2025-02-30", &d), -1);
	assert_int_equal(text_parse_day("2025-07-01x", &d), -1);
	assert_int_equal(text_parse_day("hôm nay", &d), -1);
	assert_int_equal(text_parse_day(NULL, &d), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_parse_day),
	        cmocka_unit_test(test_import_2025),
	        cmocka_unit_test(test_rerun_does_nothing),
	        cmocka_unit_test(test_refusals),
	        cmocka_unit_test(test_place),
	        cmocka_unit_test(test_small_registry),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
