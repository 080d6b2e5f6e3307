/* The budget over real HTTP (docs/budget.md). Done when of issue 19: three schools of
 * phường Đằng Lâm enter figures through the form and the API; the ward, the district (306)
 * and the city (31) totals on the page, the API and the CSV equal the sums this test
 * computes (demo figures read before included); khen thưởng spent comes from an issued
 * decision inserted with SQL; bad input is refused with nothing written; a school cannot
 * read or write another school's figures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "domain/demo.h"
#include "helper_app.h"
#include "service/budget.h"
#include "text/text.h"

#define PASSWORD "Kinh-phi-2026-kiem-tra"

static char tmpdir[] = "/tmp/suotdoi-bud-XXXXXX";
static char db[256];
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t cid; /* the 2022 campaign, issued by Hải Phòng (31) */
static ha_client_t mn, th, thcs, city;

enum { WARD, DISTRICT, CITY, NLEVEL };
static const char *const level_code[NLEVEL] = {"11413", "306", "31"};

static const char *
pathf(const char *fmt, ...)
{
	static char p[4][400];
	static int k;
	k = (k + 1) % 4;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p[k], sizeof p[k], fmt, ap);
	va_end(ap);
	return p[k];
}

static const char *
api(const char *code)
{
	return pathf("/api/v1/campaigns/%lld/units/%s/budget", (long long)cid, code);
}

static const char *
page(const char *code, const char *tail)
{
	return pathf("/campaigns/%lld/units/%s/kinh-phi%s", (long long)cid, code, tail);
}

/* The budget page's form of unit code posted as a browser sends it, with kv's changes. */
static hc_resp_t
post_budget(ha_client_t *c, const char *code, const char *const *kv)
{
	const char *path = page(code, "");
	return ha_post_page_form(port, c, path, path, kv);
}

static json_t *
get_json(ha_client_t *c, const char *path)
{
	hc_resp_t r = ha_req(port, c, "GET", path, NULL, 0);
	assert_int_equal(r.status, 200);
	json_error_t je;
	json_t *o = json_loadb(r.body.data, r.body.len, 0, &je);
	hc_resp_free(&r);
	assert_non_null(o);
	return o;
}

/* total.total.{planned,approved,spent} of a unit, by the city's officer */
static void
api_total(const char *code, int64_t out[3])
{
	json_t *o = get_json(&city, api(code));
	json_t *t = json_object_get(json_object_get(o, "total"), "total");
	for (int k = 0; k < BUD_NKIND; k++)
		out[k] = json_integer_value(json_object_get(t, bud_kinds[k].code));
	json_decref(o);
}

static int64_t
api_version(ha_client_t *c, const char *code)
{
	json_t *o = get_json(c, api(code));
	int64_t v = json_integer_value(json_object_get(o, "version"));
	json_decref(o);
	return v;
}

static int
contains(const hc_resp_t *r, const char *s)
{
	return r->body.data && strstr(r->body.data, s) != NULL;
}

/* The page shows before, then v as people read it ("1.234.567"), then </strong>. */
static void
expect_amount(const hc_resp_t *r, const char *before, int64_t v)
{
	buf_t b = BUF_INIT;
	text_format_int(v, &b);
	char want[160];
	snprintf(want, sizeof want, "%s%s</strong>", before, buf_cstr(&b));
	buf_free(&b);
	if (!contains(r, want))
		fail_msg("the page does not show %s", want);
}

static int64_t
sql_int(const char *sql)
{
	char err[1024];
	int64_t v = 0;
	if (ha_sql_i64(db, sql, &v, err, sizeof err) < 0)
		fail_msg("%s: %s", sql, err);
	return v;
}

static void
sql_exec(const char *sql)
{
	char err[1024];
	if (ha_sql(db, sql, err, sizeof err) < 0)
		fail_msg("%s: %s", sql, err);
}

/* What the written figures add up to: planned, approved, spent. */
static int64_t added[3];

static int
setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "b.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	unit_tree_t *t = app_tree(&app);
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &cid);
	if (rc == 0)
		rc = demo_budget(app.store, t, cid);
	unit_tree_unref(t);
	if (rc < 0)
		return -1;
	ha_user(&app, "bud.mn", "HA-11413-MN", ROLE_HEAD, PASSWORD);
	ha_user(&app, "bud.th", "HA-11413-TH", ROLE_ENTRY, PASSWORD);
	ha_user(&app, "bud.thcs", "HA-11413-THCS", ROLE_HEAD, PASSWORD);
	ha_user(&app, "bud.city", "31", ROLE_OVERSEER, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &mn, "bud.mn", PASSWORD) != 303 ||
	    ha_login(port, &th, "bud.th", PASSWORD) != 303 ||
	    ha_login(port, &thcs, "bud.thcs", PASSWORD) != 303 ||
	    ha_login(port, &city, "bud.city", PASSWORD) != 303)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return ha_stop(srv, &app, tmpdir);
}

/* An issued decision of phường Đằng Lâm (NSNN) with two decided awards, beside a proposal
 * still in a decision and a draft decision's award, which do not count. Returns the
 * decision's document id. */
static int64_t
insert_decision(void)
{
	sql_exec("INSERT INTO documents(issuer_unit_id,campaign_id,kind,status,year,number,"
	         "doc_date,subject,json,version,created_at,updated_at)"
	         " SELECT id,(SELECT max(id) FROM campaigns),'qd','published',2022,7,19280,"
	         "'Khen thưởng gia đình hiếu học','{}',1,0,0 FROM units WHERE code='11413';"
	         "INSERT INTO documents(issuer_unit_id,campaign_id,kind,status,year,number,"
	         "doc_date,subject,json,version,created_at,updated_at)"
	         " SELECT id,(SELECT max(id) FROM campaigns),'qd','draft',2022,0,0,"
	         "'Dự thảo','{}',1,0,0 FROM units WHERE code='11413';");
	int64_t doc = sql_int("SELECT min(id) FROM documents WHERE subject='Khen thưởng gia "
	                      "đình hiếu học'");
	int64_t draft = sql_int("SELECT max(id) FROM documents WHERE subject='Dự thảo'");
	char sql[4000];
	snprintf(sql, sizeof sql,
	         "INSERT INTO award_decisions(unit_id,unit_path,campaign_id,document_id,"
	         "fund_source,status,issued_on,created_at) SELECT id,'/VN/31/306/11413/',%lld,"
	         "%lld,'nsnn','issued',19280,0 FROM units WHERE code='11413';"
	         "INSERT INTO award_decisions(unit_id,unit_path,campaign_id,document_id,"
	         "fund_source,status,issued_on,created_at) SELECT id,'/VN/31/306/11413/',%lld,"
	         "%lld,'nsnn','draft',0,0 FROM units WHERE code='11413';",
	         (long long)cid, (long long)doc, (long long)cid, (long long)draft);
	sql_exec(sql);
	int64_t dec = sql_int("SELECT min(id) FROM award_decisions");
	int64_t ddraft = sql_int("SELECT max(id) FROM award_decisions");
	const struct {
		const char *status, *name;
		int64_t amount, decision;
	} p[] = {{"decided", "Gia đình bà Nguyễn Thị Hoa", 500000, dec},
	         {"decided", "Thầy Trần Văn Minh", 300000, dec},
	         {"in_decision", "Chưa quyết định", 999000, dec},
	         {"decided", "Theo dự thảo", 777000, ddraft}};
	for (size_t k = 0; k < 4; k++) {
		snprintf(sql, sizeof sql,
		         "INSERT INTO "
		         "award_proposals(campaign_id,unit_id,unit_path,at_unit_id,at_path,"
		         "status,category,name,form,amount,proposed_form,proposed_amount,decision_"
		         "id,"
		         "version,created_at,updated_at) SELECT %lld,u.id,'/VN/31/306/11413/"
		         "HA-11413-THCS/',w.id,'/VN/31/306/11413/','%s','gia_dinh_hieu_hoc','%s',"
		         "'giay_khen',%lld,'giay_khen',%lld,%lld,1,0,0 FROM units u, units w"
		         " WHERE u.code='HA-11413-THCS' AND w.code='11413'",
		         (long long)cid, p[k].status, p[k].name, (long long)p[k].amount,
		         (long long)p[k].amount, (long long)p[k].decision);
		sql_exec(sql);
	}
	return doc;
}

static void
test_three_schools_sum(void **state)
{
	(void)state;
	int64_t before[NLEVEL][3];
	for (int l = 0; l < NLEVEL; l++)
		api_total(level_code[l], before[l]);
	/* the demo put figures in the district, none in Đằng Lâm */
	assert_true(before[DISTRICT][BUD_PLANNED] > 0);
	assert_int_equal(before[WARD][BUD_PLANNED], 0);
	assert_true(before[CITY][BUD_PLANNED] >= before[DISTRICT][BUD_PLANNED]);

	/* the dashboard's box before: kept in its cache, it must not be served after the saves */
	hc_resp_t r0 = ha_req(port, &city, "GET",
	                      pathf("/campaigns/%lld/units/306", (long long)cid), NULL, 0);
	assert_int_equal(r0.status, 200);
	expect_amount(&r0, "Kế hoạch <strong class=\"num\">", before[DISTRICT][BUD_PLANNED]);
	hc_resp_free(&r0);

	/* 1. the kindergarten through the form, amounts typed with dots */
	hc_resp_t r = ha_req(port, &mn, "GET", page("HA-11413-MN", ""), NULL, 0);
	assert_int_equal(r.status, 200);
	assert_true(contains(&r, "name=\"p.nsnn.tuyen_truyen\""));
	assert_false(contains(&r, "name=\"s.nsnn.khen_thuong\"")); /* read-only there */
	hc_resp_free(&r);
	const char *mn_kv[] = {"version",
	                       "0",
	                       "p.nsnn.tuyen_truyen",
	                       "1.500.000",
	                       "a.nsnn.tuyen_truyen",
	                       "1.200.000",
	                       "s.nsnn.tuyen_truyen",
	                       "1.000.000",
	                       "p.xhh.lop_hoc",
	                       "2.000.000",
	                       "a.xhh.lop_hoc",
	                       "2.000.000",
	                       "s.xhh.lop_hoc",
	                       "1.750.000",
	                       NULL};
	r = post_budget(&mn, "HA-11413-MN", mn_kv);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	added[0] += 1500000 + 2000000;
	added[1] += 1200000 + 2000000;
	added[2] += 1000000 + 1750000;

	/* 2. the primary school through the API */
	r = ha_req(port, &th, "POST", api("HA-11413-TH"),
	           "{\"version\":0,\"lines\":[{\"source\":\"nsnn\",\"purpose\":\"lop_hoc\","
	           "\"planned\":4000000,\"approved\":3500000,\"spent\":3250000},"
	           "{\"source\":\"khac\",\"purpose\":\"khac\",\"planned\":600000,"
	           "\"approved\":600000}]}",
	           1);
	assert_int_equal(r.status, 200);
	assert_true(contains(&r, "\"version\":1"));
	hc_resp_free(&r);
	added[0] += 4000000 + 600000;
	added[1] += 3500000 + 600000;
	added[2] += 3250000;

	/* 3. the lower secondary school through the form, with its award money planned */
	const char *thcs_kv[] = {"version",
	                         "0",
	                         "p.nsnn.khen_thuong",
	                         "3.000.000",
	                         "a.nsnn.khen_thuong",
	                         "2.500.000",
	                         "p.xhh.tuyen_truyen",
	                         "800000",
	                         "a.xhh.tuyen_truyen",
	                         "800000",
	                         "s.xhh.tuyen_truyen",
	                         "650.000",
	                         NULL};
	r = post_budget(&thcs, "HA-11413-THCS", thcs_kv);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	added[0] += 3000000 + 800000;
	added[1] += 2500000 + 800000;
	added[2] += 650000;

	/* 4. the ward's decision: 800.000 đ spent on khen thưởng, NSNN */
	int64_t doc = insert_decision();
	added[2] += 800000;

	int64_t after[NLEVEL][3];
	for (int l = 0; l < NLEVEL; l++) {
		api_total(level_code[l], after[l]);
		for (int k = 0; k < 3; k++)
			assert_int_equal(after[l][k], before[l][k] + added[k]);
	}
	/* the ward's own line and the decision it comes from */
	json_t *o = get_json(&city, api("11413"));
	json_t *own = json_object_get(o, "own");
	json_t *nsnn = json_array_get(json_object_get(own, "sources"), 0);
	json_t *kt = json_array_get(json_object_get(nsnn, "lines"), BUD_PUR_AWARDS);
	assert_string_equal(json_string_value(json_object_get(kt, "purpose")), "khen_thuong");
	assert_int_equal(json_integer_value(json_object_get(kt, "spent")), 800000);
	json_t *d = json_array_get(json_object_get(o, "decisions"), 0);
	assert_non_null(d);
	assert_int_equal(json_array_size(json_object_get(o, "decisions")), 1);
	assert_string_equal(json_string_value(json_object_get(d, "url")),
	                    pathf("/units/11413/docs/%lld", (long long)doc));
	assert_int_equal(json_integer_value(json_object_get(d, "awards")), 2);
	/* each school is a child row with its own total */
	json_t *kids = json_object_get(o, "children");
	size_t k;
	json_t *x;
	int seen = 0;
	json_array_foreach(kids, k, x)
	{
		const char *code = json_string_value(json_object_get(x, "code"));
		int64_t p =
		        json_integer_value(json_object_get(json_object_get(x, "total"), "planned"));
		if (!strcmp(code, "HA-11413-MN"))
			seen++, assert_int_equal(p, 3500000);
		if (!strcmp(code, "HA-11413-TH"))
			seen++, assert_int_equal(p, 4600000);
		if (!strcmp(code, "HA-11413-THCS"))
			seen++, assert_int_equal(p, 3800000);
	}
	assert_int_equal(seen, 3);
	json_decref(o);
	/* the district's row for the ward equals the ward's total */
	o = get_json(&city, api("306"));
	int found = 0;
	json_array_foreach(json_object_get(o, "children"), k,
	                   x) if (!strcmp(json_string_value(json_object_get(x, "code")), "11413"))
	{
		found = 1;
		assert_int_equal(
		        json_integer_value(json_object_get(json_object_get(x, "total"), "spent")),
		        after[WARD][BUD_SPENT]);
	}
	assert_true(found);
	json_decref(o);

	/* the pages show the same totals, formatted */
	for (int l = 0; l < NLEVEL; l++) {
		r = ha_req(port, &city, "GET", page(level_code[l], ""), NULL, 0);
		assert_int_equal(r.status, 200);
		for (int q = 0; q < 3; q++)
			expect_amount(&r, "<strong>", after[l][q]);
		hc_resp_free(&r);
	}
	/* the dashboard's box, not stale after the saves */
	r = ha_req(port, &city, "GET", pathf("/campaigns/%lld/units/306", (long long)cid), NULL, 0);
	assert_int_equal(r.status, 200);
	expect_amount(&r, "Kế hoạch <strong class=\"num\">", after[DISTRICT][BUD_PLANNED]);
	hc_resp_free(&r);

	/* the CSV: the totals row's last three cells; the schools' rows with their figures */
	for (int l = 0; l < NLEVEL; l++) {
		r = ha_req(port, &city, "GET", page(level_code[l], ".csv"), NULL, 0);
		assert_int_equal(r.status, 200);
		const char *tot = strstr(r.body.data, "\r\n,Tổng cộng,");
		assert_non_null(tot);
		char want[120];
		snprintf(want, sizeof want, ",%lld,%lld,%lld\r\n", (long long)after[l][0],
		         (long long)after[l][1], (long long)after[l][2]);
		assert_non_null(strstr(tot, want));
		assert_non_null(strstr(r.body.data, "HA-11413-TH,"));
		hc_resp_free(&r);
	}
	r = ha_req(port, &city, "GET", page("306", ".xlsx"), NULL, 0);
	assert_int_equal(r.status, 200);
	assert_true(r.body.len > 4 && !memcmp(r.body.data, "PK", 2));
	hc_resp_free(&r);
}

/* Refused input: the status, a message naming the cell, nothing written. */
static void
test_bad_input(void **state)
{
	(void)state;
	int64_t ver = api_version(&mn, "HA-11413-MN");
	assert_true(ver >= 1);
	int64_t audits = sql_int("SELECT count(*) FROM audit_log WHERE action='budget.set'");
	int64_t lines = sql_int("SELECT coalesce(sum(planned+approved+spent), 0) FROM budget_lines");
	char vs[24];
	snprintf(vs, sizeof vs, "%lld", (long long)ver);
	static const struct {
		const char *field, *value, *says;
	} bad[] = {
	        {"p.nsnn.khac", "-5", "không được âm"},
	        {"p.nsnn.khac", "abc", "không phải một số tiền"},
	        {"a.xhh.khac", "1e20", "không phải một số tiền"},
	        {"a.xhh.khac", "2.000.000.000.000", "quá lớn"},
	        {"s.nsnn.khen_thuong", "100", "không nhập tay"},
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		const char *kv[] = {"version",    vs,  "p.khac.lop_hoc", "123.456", bad[k].field,
		                    bad[k].value, NULL};
		hc_resp_t r = post_budget(&mn, "HA-11413-MN", kv);
		assert_int_equal(r.status, 422);
		assert_true(contains(&r, bad[k].says));
		assert_true(contains(&r, "123.456")); /* what was typed stays */
		hc_resp_free(&r);
	}
	/* a stale form: 409, the typed values kept */
	const char *stale[] = {"version", "0", "p.khac.lop_hoc", "765.432", NULL};
	hc_resp_t r = post_budget(&mn, "HA-11413-MN", stale);
	assert_int_equal(r.status, 409);
	assert_true(contains(&r, "765.432"));
	assert_true(contains(&r, "người khác lưu"));
	assert_true(contains(&r, "Số vừa được lưu: 0</p>")); /* what is saved there */
	hc_resp_free(&r);
	/* the API: wrong types named by their path, unknown codes, a negative number */
	static const struct {
		const char *body;
		long status;
		const char *says;
	} japi[] = {
	        {"{\"version\":%s,\"lines\":[{\"source\":\"nsnn\",\"purpose\":\"khac\","
	         "\"planned\":\"1000\"}]}",
	         400, "lines[0].planned"},
	        {"{\"version\":%s,\"lines\":[{\"source\":\"nsnn\",\"purpose\":\"khac\","
	         "\"planned\":1.5}]}",
	         400, "lines[0].planned"},
	        {"{\"version\":%s,\"lines\":[{\"source\":\"nsnn\",\"purpose\":\"khac\","
	         "\"approved\":true}]}",
	         400, "lines[0].approved"},
	        {"{\"version\":%s,\"lines\":[{\"source\":\"nsnn\",\"purpose\":\"khac\","
	         "\"planned\":1e20}]}",
	         400, "lines[0].planned"},
	        {"{\"version\":%s,\"lines\":[{\"source\":\"ngan_sach\",\"purpose\":\"khac\","
	         "\"planned\":1}]}",
	         400, "lines[0].source"},
	        {"{\"version\":%s,\"lines\":[{\"source\":\"nsnn\",\"purpose\":\"an_uong\","
	         "\"planned\":1}]}",
	         400, "lines[0].purpose"},
	        {"{\"version\":%s,\"lines\":[{\"source\":\"nsnn\",\"purpose\":\"khac\"},"
	         "{\"source\":\"xhh\",\"purpose\":\"khac\",\"planned\":-1}]}",
	         422, "lines[1].planned"},
	        {"{\"version\":%s,\"lines\":[{\"source\":\"nsnn\",\"purpose\":\"khen_thuong\","
	         "\"spent\":5}]}",
	         422, "lines[0].spent"},
	        {"{\"version\":\"%s\",\"lines\":[]}", 400, "version"},
	        {"{\"version\":0%s,\"lines\":[{\"source\":\"nsnn\",\"purpose\":\"khac\","
	         "\"planned\":1}]}",
	         409, "người khác lưu"},
	};
	for (size_t k = 0; k < sizeof japi / sizeof japi[0]; k++) {
		char body[600];
		/* the stale case reads "0%s": the version 0, nothing after it */
		snprintf(body, sizeof body, japi[k].body, japi[k].status == 409 ? "" : vs);
		r = ha_req(port, &mn, "POST", api("HA-11413-MN"), body, 1);
		if (r.status != japi[k].status || !contains(&r, japi[k].says))
			fprintf(stderr, "case %zu: %ld %s\n", k, r.status, r.body.data);
		assert_int_equal(r.status, japi[k].status);
		assert_true(contains(&r, japi[k].says));
		hc_resp_free(&r);
	}
	/* nothing written by any of them */
	assert_int_equal(api_version(&mn, "HA-11413-MN"), ver);
	assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE action='budget.set'"),
	                 audits);
	assert_int_equal(sql_int("SELECT coalesce(sum(planned+approved+spent), 0) FROM budget_lines"), lines);
	/* a right save is audited cell by cell, old -> new */
	const char *ok[] = {"version", vs, "p.khac.lop_hoc", "123.456", NULL};
	r = post_budget(&mn, "HA-11413-MN", ok);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	assert_int_equal(sql_int("SELECT count(*) FROM audit_log WHERE action='budget.set' AND "
	                         "target LIKE '%:khac.lop_hoc.planned' AND old_value='0' AND "
	                         "new_value='123456'"),
	                 1);
	assert_int_equal(api_version(&mn, "HA-11413-MN"), ver + 1);
}

/* A school reads and writes its own figures only. */
static void
test_school_cannot_see_another(void **state)
{
	(void)state;
	const char *paths[] = {api("HA-11413-TH"), page("HA-11413-TH", ""),
	                       page("HA-11413-TH", ".csv"), page("11413", "")};
	for (size_t k = 0; k < 4; k++) {
		hc_resp_t r = ha_req(port, &mn, "GET", paths[k], NULL, 0);
		assert_int_equal(r.status, 403);
		hc_resp_free(&r);
	}
	hc_resp_t r = ha_req(port, &mn, "POST", api("HA-11413-TH"),
	                     "{\"version\":1,\"lines\":[{\"source\":\"nsnn\",\"purpose\":\"khac\","
	                     "\"planned\":1}]}",
	                     1);
	assert_int_equal(r.status, 403);
	hc_resp_free(&r);
	const char *kv[] = {"version", "1", "p.nsnn.khac", "1", NULL};
	r = ha_post_form(port, &mn, page("HA-11413-TH", ""), kv);
	assert_int_equal(r.status, 403);
	hc_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_three_schools_sum),
	        cmocka_unit_test(test_bad_input),
	        cmocka_unit_test(test_school_cannot_see_another),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
