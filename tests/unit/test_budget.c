/* The budget service on a real store (src/service/budget.c): which campaign a unit's lines
 * live in when its level adopts the campaign, totals of the campaign and of the adoption,
 * decisions of the Week's family, the version check and the cell checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo_fixture.h"
#include "service/budget.h"

static char path[] = "/tmp/suotdoi-budget-XXXXXX";
static char dbfile[300];
static store_t *st;
static unit_tree_t *tree;
static int64_t cid, tpl;
static arena_t arena;

static int
setup(void **state)
{
	(void)state;
	if (!mkdtemp(path))
		return -1;
	snprintf(dbfile, sizeof dbfile, "%s/b.db", path);
	return demo_fixture_open(dbfile, &st, &tree, &cid, &tpl);
}

static int
teardown(void **state)
{
	(void)state;
	arena_free(&arena);
	unit_tree_unref(tree);
	store_close(st);
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf %s", path);
	return system(cmd) == 0 ? 0 : -1;
}

static bud_ctx_t
ctx(void)
{
	return (bud_ctx_t){st, tree, &arena, 1666224000, 0, "test", ""};
}

static int32_t
unit(const char *code)
{
	int32_t i = unit_tree_find_code(tree, code);
	assert_true(i >= 0);
	return i;
}

static bud_scope_t
scope(int64_t campaign)
{
	bud_ctx_t cx = ctx();
	bud_scope_t s;
	assert_int_equal(bud_scope_load(&cx, campaign, &s), BUD_OK);
	return s;
}

static int64_t
planned(int64_t campaign, const char *code)
{
	bud_ctx_t cx = ctx();
	bud_scope_t s = scope(campaign);
	bud_view_t v;
	assert_int_equal(bud_read(&cx, &s, unit(code), 0, &v), BUD_OK);
	return bud_cells_sum(&v.total, -1, -1, BUD_PLANNED);
}

/* One typed cell of unit code at expected version ver. */
static bud_rc_t
save_one(int64_t campaign, const char *code, int s, int p, int k, const char *text, int64_t ver,
         bud_errors_t *e)
{
	bud_ctx_t cx = ctx();
	bud_scope_t sc = scope(campaign);
	bud_input_t in;
	memset(&in, 0, sizeof in);
	in.c[s][p][k] = (bud_cell_in_t){1, text, 0};
	in.expected_version = ver;
	int64_t nv;
	const char *msg;
	return bud_save(&cx, &sc, unit(code), &in, &nv, e, &msg);
}

static void
test_adoption_moves_the_lines(void **state)
{
	(void)state;
	bud_errors_t e;
	/* a school records in the city's campaign */
	assert_int_equal(save_one(cid, "HA-11413-TH", 0, 1, BUD_PLANNED, "1.000.000", 0, &e),
	                 BUD_OK);
	assert_int_equal(planned(cid, "31"), 1000000);
	assert_int_equal(planned(cid, "HA-11413-TH"), 1000000);
	/* the district adopts it: the school now records in the adoption, and the line it
	 * left in the city's campaign counts nowhere */
	int64_t a = demo_fixture_campaign(st, tree, unit("306"), cid, tpl, "open", 1666224000);
	assert_true(a > 0);
	bud_scope_t sc = scope(cid);
	assert_int_equal(bud_campaign_of(&sc, tree, unit("HA-11413-TH")), a);
	assert_int_equal(bud_campaign_of(&sc, tree, unit("31")), cid);
	assert_int_equal(planned(cid, "31"), 0);
	assert_int_equal(planned(a, "306"), 0);
	/* saved through the city's campaign's scope, it goes to the adoption (a new head:
	 * version 0) and counts in both */
	assert_int_equal(save_one(cid, "HA-11413-TH", 0, 1, BUD_PLANNED, "2.500.000", 0, &e),
	                 BUD_OK);
	assert_int_equal(planned(cid, "31"), 2500000);
	assert_int_equal(planned(a, "306"), 2500000);
	assert_int_equal(planned(a, "11413"), 2500000);
	/* the city's own line stays in the city's campaign */
	assert_int_equal(save_one(cid, "31", 2, 3, BUD_APPROVED, "700", 0, &e), BUD_OK);
	assert_int_equal(save_one(cid, "31", 2, 3, BUD_PLANNED, "900", 1, &e), BUD_OK);
	assert_int_equal(planned(cid, "31"), 2500000 + 900);
	assert_int_equal(planned(a, "306"), 2500000);

	/* a decision of the district recorded in the city's campaign counts in the
	 * adoption's view of the district too (the Week's family), once */
	sqlite3 *h;
	assert_int_equal(sqlite3_open(dbfile, &h), SQLITE_OK);
	char sql[3000];
	snprintf(
	        sql, sizeof sql,
	        "INSERT INTO documents(issuer_unit_id,kind,status,year,number,doc_date,subject,"
	        "json,version,created_at,updated_at) SELECT id,'qd','published',2022,3,19280,'QĐ',"
	        "'{}',1,0,0 FROM units WHERE code='306';"
	        "INSERT INTO award_decisions(unit_id,unit_path,campaign_id,document_id,fund_source,"
	        "status,issued_on,created_at) SELECT id,'/VN/31/306/',%lld,(SELECT max(id) FROM "
	        "documents),'xhh','issued',19280,0 FROM units WHERE code='306';"
	        "INSERT INTO "
	        "award_proposals(campaign_id,unit_id,unit_path,at_unit_id,at_path,status,"
	        "category,name,form,amount,proposed_form,proposed_amount,decision_id,version,"
	        "created_at,updated_at) SELECT %lld,id,'/VN/31/306/',id,'/VN/31/306/','decided',"
	        "'tap_the','Trường THCS Đằng Lâm','giay_khen',1200000,'giay_khen',1500000,"
	        "(SELECT max(id) FROM award_decisions),1,0,0 FROM units WHERE code='306';",
	        (long long)cid, (long long)cid);
	char *err = NULL;
	int rc = sqlite3_exec(h, sql, NULL, NULL, &err);
	if (rc != SQLITE_OK)
		fprintf(stderr, "%s\n", err);
	sqlite3_free(err);
	sqlite3_close(h);
	assert_int_equal(rc, SQLITE_OK);
	bud_ctx_t cx = ctx();
	const int64_t views[] = {cid, a};
	for (int k = 0; k < 2; k++) {
		bud_scope_t s = scope(views[k]);
		bud_view_t v;
		assert_int_equal(bud_read(&cx, &s, unit("306"), 1, &v), BUD_OK);
		assert_int_equal(v.own.v[1][BUD_PUR_AWARDS][BUD_SPENT], 1200000);
		assert_int_equal(bud_cells_sum(&v.total, -1, -1, BUD_SPENT), 1200000);
		assert_int_equal(v.ndecisions, 1);
		assert_int_equal(v.decisions[0].amount, 1200000);
		assert_int_equal(v.decisions[0].awards, 1);
	}
	bud_scope_t s = scope(cid);
	bud_view_t v;
	assert_int_equal(bud_read(&cx, &s, unit("31"), 1, &v), BUD_OK);
	assert_int_equal(bud_cells_sum(&v.total, 1, BUD_PUR_AWARDS, BUD_SPENT), 1200000);
	assert_int_equal(v.ndecisions, 0); /* the district's, not the city's own */
	/* the exports' rows: each unit with a figure, in tree order, its own amounts */
	assert_int_equal(v.nrows, 3);
	assert_int_equal(v.row_unit[0], unit("31"));
	assert_int_equal(v.row_unit[1], unit("306"));
	assert_int_equal(v.row_unit[2], unit("HA-11413-TH"));
	assert_int_equal(bud_cells_sum(&v.row[1], -1, -1, BUD_SPENT), 1200000);
	assert_int_equal(bud_cells_sum(&v.row[2], -1, -1, BUD_PLANNED), 2500000);
}

static void
test_checks_and_version(void **state)
{
	(void)state;
	bud_errors_t e;
	int64_t before = planned(cid, "31");
	assert_int_equal(save_one(cid, "31", 0, 0, BUD_PLANNED, "1,5", 1, &e), BUD_ERR_INVALID);
	assert_int_equal(e.n, 1);
	assert_non_null(strstr(e.msg[0][0][BUD_PLANNED], "Kế hoạch — Ngân sách nhà nước — "
	                                                 "Tuyên truyền"));
	assert_int_equal(save_one(cid, "31", 0, 0, BUD_PLANNED, "1000000000001", 2, &e),
	                 BUD_ERR_INVALID);
	assert_non_null(strstr(e.msg[0][0][BUD_PLANNED], "quá lớn"));
	assert_int_equal(save_one(cid, "31", 0, 0, BUD_PLANNED, "1000000000000", 1, &e),
	                 BUD_ERR_CONFLICT); /* at version 2 since the test above */
	assert_int_equal(planned(cid, "31"), before);
	assert_int_equal(save_one(cid, "31", 0, BUD_PUR_AWARDS, BUD_SPENT, "5", 2, &e),
	                 BUD_ERR_INVALID);
	assert_non_null(strstr(e.msg[0][BUD_PUR_AWARDS][BUD_SPENT], "không nhập tay"));
	/* blank there is fine: the form never sends it, a client may send it empty */
	assert_int_equal(save_one(cid, "31", 0, BUD_PUR_AWARDS, BUD_SPENT, " ", 2, &e), BUD_OK);
	assert_int_equal(save_one(cid, "31", 0, 0, BUD_PLANNED, "1000000000000", 3, &e), BUD_OK);
	assert_int_equal(planned(cid, "31"), before + 1000000000000LL);
}

static int64_t
raw_int(const char *sql)
{
	sqlite3 *h;
	assert_int_equal(sqlite3_open(dbfile, &h), SQLITE_OK);
	sqlite3_stmt *q;
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	int64_t v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(h);
	return v;
}

static void
raw_exec(const char *sql)
{
	sqlite3 *h;
	assert_int_equal(sqlite3_open(dbfile, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

/* The lines, the head and the audit are one transaction: the second cell's audit line
 * failing leaves the first cell, its audit line and the version as they were. */
static void
test_failed_audit_writes_nothing(void **state)
{
	(void)state;
	raw_exec("CREATE TRIGGER fail_audit BEFORE INSERT ON audit_log WHEN "
	         "NEW.action='budget.set' AND NEW.new_value='4242' BEGIN SELECT "
	         "RAISE(ABORT,'injected'); END;");
	const char *count = "SELECT count(*) FROM audit_log WHERE action='budget.set'";
	int64_t audits = raw_int(count), lines = raw_int("SELECT count(*) FROM budget_lines");
	int64_t changes = raw_int("SELECT n FROM budget_changes");
	bud_ctx_t cx = ctx();
	bud_scope_t sc = scope(cid);
	bud_view_t v;
	assert_int_equal(bud_read(&cx, &sc, unit("HA-11413-MN"), 0, &v), BUD_OK);
	bud_input_t in;
	memset(&in, 0, sizeof in);
	in.c[0][0][BUD_PLANNED] = (bud_cell_in_t){1, "1.111", 0};
	in.c[0][1][BUD_PLANNED] = (bud_cell_in_t){1, "4.242", 0};
	in.expected_version = v.version;
	int64_t nv;
	bud_errors_t e;
	const char *msg;
	assert_int_equal(bud_save(&cx, &sc, unit("HA-11413-MN"), &in, &nv, &e, &msg),
	                 BUD_ERR_STORE);
	assert_int_equal(raw_int(count), audits);
	assert_int_equal(raw_int("SELECT count(*) FROM budget_lines"), lines);
	assert_int_equal(raw_int("SELECT n FROM budget_changes"), changes);
	assert_int_equal(planned(cid, "HA-11413-MN"), 0);
	/* without the fault the same save goes through, a line each */
	raw_exec("DROP TRIGGER fail_audit");
	assert_int_equal(bud_save(&cx, &sc, unit("HA-11413-MN"), &in, &nv, &e, &msg), BUD_OK);
	assert_int_equal(raw_int(count), audits + 2);
	assert_int_equal(planned(cid, "HA-11413-MN"), 1111 + 4242);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_adoption_moves_the_lines),
	        cmocka_unit_test(test_checks_and_version),
	        cmocka_unit_test(test_failed_audit_writes_nothing),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
