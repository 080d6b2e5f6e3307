/* The bulk value import over HTTP and from the command line (DHIS2's dataValueSets in
 * spirit): a unit with any bad row is refused whole while the others go in, each conflict
 * naming its line (CSV) or index (JSON); a dry run writes nothing and answers the real
 * run's counts; importing the same file twice changes nothing; the export of a subtree
 * re-imports as is, on the demo and on a generated province; rights are checked per
 * unit; bad parameters and bodies are 400 in Vietnamese; the CLI's exit codes, and a CLI
 * import reaching the running server's dashboard. "DB unchanged" is checked by hashing
 * the report tables and the audit log through a read-only SQLite connection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "domain/accounts.h"
#include "domain/demo.h"
#include "domain/gen.h"
#include "helper_app.h"

#define PASSWORD "Nhap-hang-loat-2022"

static char tmpdir[] = "/tmp/suotdoi-vimp-XXXXXX";
static char dbpath[256];
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t campaign;
static ha_client_t officer, principal, district_head;

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "v.db", dbpath, sizeof dbpath) < 0 ||
	    ha_serve(&app, dbpath, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	/* what `suotdoi serve` runs beside the server: it picks up writes of other processes
	 * (the CLI import below) */
	app_watch_start(&app);
	unit_tree_t *t = app_tree(&app);
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &campaign);
	unit_tree_unref(t);
	if (rc < 0)
		return -1;
	ha_user(&app, "cv.quan", "306", ROLE_OVERSEER, PASSWORD);
	ha_user(&app, "ht.danglam", "HA-11413-TH", ROLE_HEAD, PASSWORD);
	ha_user(&app, "ld.quan", "306", ROLE_HEAD, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &officer, "cv.quan", PASSWORD) != 303 ||
	    ha_login(port, &principal, "ht.danglam", PASSWORD) != 303 ||
	    ha_login(port, &district_head, "ld.quan", PASSWORD) != 303)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return ha_stop(srv, &app, tmpdir);
}

/* ---------- helpers ---------- */

/* Every row of the tables a report write touches (and the audit log), read through a
 * read-only connection, as a sum of per-row FNV-1a hashes (order-free: some tables have no
 * rowid): equal hashes, unchanged data. */
static uint64_t
db_hash(const char *path)
{
	static const char *const tables[] = {"reports",       "report_values", "report_frozen",
	                                     "report_events", "report_photos", "audit_log"};
	uint64_t sum = 0;
	if (ha_served_pg(path)) { /* the same idea: each row's text hashed, summed */
		for (size_t k = 0; k < sizeof tables / sizeof tables[0]; k++) {
			char sql[300], err[512];
			int64_t h = 0;
			snprintf(sql, sizeof sql,
			         "SELECT (coalesce(sum(('x' || substr(md5(t::text), 1, 15))::bit(60)"
			         "::bigint), 0) %% 4611686018427387903)::bigint FROM %s t",
			         tables[k]);
			if (ha_sql_i64(path, sql, &h, err, sizeof err) < 0)
				fail_msg("%s: %s", sql, err);
			sum += (uint64_t)h * (k + 1);
		}
		return sum;
	}
	sqlite3 *db;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		fail_msg("open %s read-only: %s", path, sqlite3_errmsg(db));
	for (size_t k = 0; k < sizeof tables / sizeof tables[0]; k++) {
		char sql[120];
		snprintf(sql, sizeof sql, "SELECT * FROM %s", tables[k]);
		sqlite3_stmt *q;
		if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
			fail_msg("%s: %s", sql, sqlite3_errmsg(db));
		while (sqlite3_step(q) == SQLITE_ROW) {
			uint64_t h = 1469598103934665603ULL + k;
			for (int c = 0; c < sqlite3_column_count(q); c++) {
				const unsigned char *v = sqlite3_column_text(q, c);
				int n = v ? sqlite3_column_bytes(q, c) : 0;
				for (int b = 0; b < n; b++)
					h = (h ^ v[b]) * 1099511628211ULL;
				h = (h ^ (v ? 0x1fu : 0x1eu)) * 1099511628211ULL;
			}
			sum += h * 0x9E3779B97F4A7C15ULL + 1;
		}
		sqlite3_finalize(q);
	}
	sqlite3_close(db);
	return sum;
}

static hc_resp_t
post_import_raw(ha_client_t *c, const char *query, const char *body, size_t len)
{
	char p[200], cookie[450], csrf[120];
	snprintf(p, sizeof p, "/api/v1/campaigns/%lld/values%s", (long long)campaign, query);
	snprintf(cookie, sizeof cookie, "Cookie: %s", c->cookie);
	snprintf(csrf, sizeof csrf, "X-CSRF-Token: %s", c->csrf);
	const char *hdrs[] = {cookie, csrf, "Content-Type: application/octet-stream", NULL};
	hc_opts_t o = {.method = "POST", .body = body, .body_len = len, .headers = hdrs};
	hc_resp_t r;
	CURL *h = curl_easy_init();
	if (hc_request(h, port, p, &o, &r) < 0)
		fail_msg("POST %s: transport error", p);
	curl_easy_cleanup(h);
	return r;
}

/* POST the file, expect the status; the summary. */
static json_t *
import(ha_client_t *c, const char *query, const char *body, long want)
{
	hc_resp_t r = post_import_raw(c, query, body, strlen(body));
	if (r.status != want)
		fail_msg("import%s: %ld, want %ld: %.1500s", query, r.status, want,
		         buf_cstr(&r.body));
	json_t *j = json_loadb(r.body.data, r.body.len, 0, NULL);
	if (!j)
		fail_msg("import: not JSON: %.300s", buf_cstr(&r.body));
	hc_resp_free(&r);
	return j;
}

static int64_t
count_of(json_t *s, const char *group, const char *name)
{
	json_t *g = json_object_get(s, group);
	if (!json_is_integer(json_object_get(g, name)))
		fail_msg("summary lacks %s.%s", group, name);
	return json_integer_value(json_object_get(g, name));
}

static void
expect_counts(json_t *s, int64_t imported, int64_t updated, int64_t deleted, int64_t written,
              int64_t unchanged, int64_t refused)
{
	char *d = json_dumps(s, 0);
	if (count_of(s, "importCount", "imported") != imported ||
	    count_of(s, "importCount", "updated") != updated ||
	    count_of(s, "importCount", "deleted") != deleted ||
	    count_of(s, "units", "written") != written ||
	    count_of(s, "units", "unchanged") != unchanged ||
	    count_of(s, "units", "refused") != refused)
		fail_msg("counts: want %lld/%lld/%lld units %lld/%lld/%lld, got %s",
		         (long long)imported, (long long)updated, (long long)deleted,
		         (long long)written, (long long)unchanged, (long long)refused, d);
	free(d);
}

static json_t *
get_json(ha_client_t *c, const char *path)
{
	hc_resp_t r = ha_req(port, c, "GET", path, NULL, 0);
	if (r.status != 200)
		fail_msg("GET %s: %ld %.300s", path, r.status, buf_cstr(&r.body));
	json_t *j = json_loadb(r.body.data, r.body.len, 0, NULL);
	assert_non_null(j);
	hc_resp_free(&r);
	return j;
}

/* A unit's values as the API reads them. */
static json_t *
values_of(const char *unit)
{
	char p[300];
	snprintf(p, sizeof p, "/api/v1/campaigns/%lld/units/%s/report", (long long)campaign, unit);
	json_t *j = get_json(&officer, p);
	json_t *v = json_incref(json_object_get(j, "values"));
	json_decref(j);
	return v;
}

static int64_t
value_of(const char *unit, const char *item)
{
	json_t *v = values_of(unit);
	json_t *x = json_object_get(v, item);
	int64_t n = x ? (int64_t)json_integer_value(x) : -1;
	json_decref(v);
	return n;
}

static int
has_non_ascii(const char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

/* The only conflict of s: its line or index, unit and item. */
static json_t *
only_conflict(json_t *s, const char *key, int64_t line, const char *unit)
{
	json_t *cs = json_object_get(s, "conflicts");
	if (json_array_size(cs) < 1)
		fail_msg("no conflict listed");
	json_t *c = json_array_get(cs, 0);
	char *d = json_dumps(cs, 0);
	if (json_integer_value(json_object_get(c, key)) != line ||
	    strcmp(json_string_value(json_object_get(c, "unit")), unit) != 0 ||
	    !has_non_ascii(json_string_value(json_object_get(c, "value"))))
		fail_msg("want a conflict at %s %lld of %s, got %s", key, (long long)line, unit, d);
	free(d);
	return c;
}

/* ---------- the tests ---------- */

static void
test_bad_unit_refused_whole(void **state)
{
	(void)state;
	/* an unknown item: line 6 */
	const char *csv1 = "unit_code,item_code,value\r\n"
	                   "HA-11419-TH,2.bao,5\r\n"
	                   "HA-11419-TH,5.1.lop,2\r\n"
	                   "HA-11419-TH,5.1.nguoi,20\r\n"
	                   "HA-11419-THCS,2.bao,6\r\n"
	                   "HA-11419-THCS,khong.co,1\r\n"
	                   "HA-11419-THCS,5.2.lop,1\r\n"
	                   "HA-11419-THCS,5.2.nguoi,9\r\n";
	uint64_t h0 = db_hash(dbpath);
	json_t *s = import(&officer, "", csv1, 409);
	assert_string_equal(json_string_value(json_object_get(s, "status")), "WARNING");
	expect_counts(s, 3, 0, 0, 1, 0, 1);
	json_t *c = only_conflict(s, "line", 6, "HA-11419-THCS");
	assert_string_equal(json_string_value(json_object_get(c, "item")), "khong.co");
	json_decref(s);
	assert_true(db_hash(dbpath) != h0);
	assert_int_equal(value_of("HA-11419-TH", "5.1.nguoi"), 20);
	json_t *v = values_of("HA-11419-THCS"); /* none of its rows written */
	assert_int_equal(json_object_size(v), 0);
	json_decref(v);

	/* a value that is not a number: line 3 (a multi-line quoted text before it) */
	const char *csv2 = "unit_code,item_code,value,comment\n"
	                   "HA-11419-TTHTCD,i.text,\"dòng 1\ndòng 2, \"\"ngoặc\"\"\",\n"
	                   "HA-11419-TTHTCD,2.bao,12a,\n"
	                   "HA-11419-TTHTCD,3.sach,4,\n"
	                   "HA-11419-MN,3.sach,8,sách\n";
	s = import(&officer, "", csv2, 409);
	expect_counts(s, 1, 0, 0, 1, 0, 1);
	c = only_conflict(s, "line", 4, "HA-11419-TTHTCD");
	assert_string_equal(json_string_value(json_object_get(c, "item")), "2.bao");
	json_decref(s);
	assert_int_equal(value_of("HA-11419-MN", "3.sach"), 8);
	v = values_of("HA-11419-TTHTCD");
	assert_int_equal(json_object_size(v), 0);
	json_decref(v);

	/* a relation broken (fewer participants than classes), as dataValueSets: the
	 * conflict names an index of that unit's rows */
	const char *js3 =
	        "{\"dataValues\":["
	        "{\"orgUnit\":\"HA-11425-TH\",\"dataElement\":\"5.3.lop\",\"value\":\"1\"},"
	        "{\"orgUnit\":\"HA-11425-THCS\",\"dataElement\":\"5.1.lop\",\"value\":\"5\"},"
	        "{\"orgUnit\":\"HA-11425-TH\",\"dataElement\":\"5.3.nguoi\",\"value\":30},"
	        "{\"orgUnit\":\"HA-11425-THCS\",\"dataElement\":\"5.1.nguoi\",\"value\":\"2\"},"
	        "{\"orgUnit\":\"HA-11425-THCS\",\"dataElement\":\"2.bao\",\"value\":\"1\"}]}";
	s = import(&officer, "", js3, 409);
	expect_counts(s, 2, 0, 0, 1, 0, 1);
	json_t *cs = json_object_get(s, "conflicts");
	assert_true(json_array_size(cs) >= 1);
	for (size_t k = 0; k < json_array_size(cs); k++) {
		c = json_array_get(cs, k);
		assert_null(json_object_get(c, "line"));
		int64_t ix = json_integer_value(json_object_get(c, "index"));
		assert_true(ix == 1 || ix == 3);
		assert_string_equal(json_string_value(json_object_get(c, "unit")), "HA-11425-THCS");
	}
	json_decref(s);
	assert_int_equal(value_of("HA-11425-TH", "5.3.nguoi"), 30);
	v = values_of("HA-11425-THCS");
	assert_int_equal(json_object_size(v), 0);
	json_decref(v);

	/* wrong JSON types: a boolean for a count (index 0), a number for a text (index 2) */
	const char *js4 =
	        "{\"dataValues\":["
	        "{\"orgUnit\":\"HA-11425-MN\",\"dataElement\":\"2.bao\",\"value\":true},"
	        "{\"orgUnit\":\"HA-11425-MN\",\"dataElement\":\"3.sach\",\"value\":2},"
	        "{\"orgUnit\":\"HA-11425-TTHTCD\",\"dataElement\":\"i.text\",\"value\":5},"
	        "{\"orgUnit\":\"HA-11425-TTHTCD\",\"dataElement\":\"1.ke_hoach\",\"value\":1}]}";
	h0 = db_hash(dbpath);
	s = import(&officer, "", js4, 409);
	assert_string_equal(json_string_value(json_object_get(s, "status")), "ERROR");
	expect_counts(s, 0, 0, 0, 0, 0, 2);
	cs = json_object_get(s, "conflicts");
	assert_int_equal(json_array_size(cs), 3);
	int64_t want_ix[] = {0, 2, 3};
	const char *want_item[] = {"2.bao", "i.text", "1.ke_hoach"};
	for (size_t k = 0; k < 3; k++) {
		c = json_array_get(cs, k);
		assert_int_equal(json_integer_value(json_object_get(c, "index")), want_ix[k]);
		assert_string_equal(json_string_value(json_object_get(c, "item")), want_item[k]);
		assert_true(has_non_ascii(json_string_value(json_object_get(c, "value"))));
	}
	json_decref(s);
	assert_true(db_hash(dbpath) == h0);
}

static void
test_rights_per_unit(void **state)
{
	(void)state;
	/* a principal may write its school, not the school next door */
	const char *csv = "unit_code,item_code,value\n"
	                  "HA-11413-THCS,2.bao,3\n"
	                  "HA-11413-TH,2.bao,4\n";
	json_t *s = import(&principal, "", csv, 409);
	expect_counts(s, 1, 0, 0, 1, 0, 1);
	json_t *c = only_conflict(s, "line", 2, "HA-11413-THCS");
	const char *why = json_string_value(json_object_get(c, "value"));
	print_message("refused for rights: %s\n", why);
	json_decref(s);
	assert_int_equal(value_of("HA-11413-TH", "2.bao"), 4);
	assert_int_equal(value_of("HA-11413-THCS", "2.bao"), -1);
	/* nor can it write its district's narrative */
	s = import(&principal, "", "unit_code,item_code,value\n306,i.text,Quận\n", 409);
	expect_counts(s, 0, 0, 0, 0, 0, 1);
	json_decref(s);
}

static void
test_bad_requests(void **state)
{
	(void)state;
	uint64_t h0 = db_hash(dbpath);
	const char *ok = "unit_code,item_code,value\nHA-11422-TH,2.bao,1\n";
	json_t *s = import(&officer, "?dry_run=maybe", ok, 400);
	const char *msg =
	        json_string_value(json_object_get(json_object_get(s, "error"), "message"));
	assert_non_null(msg);
	assert_non_null(strstr(msg, "dry_run"));
	json_decref(s);
	/* not JSON, not CSV: an image, a JSON array, broken JSON, nothing */
	const char *bodies[] = {"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "[1, 2, 3]",
	                        "{\"dataValues\": [", "<dataValueSet/>", ""};
	size_t lens[] = {16, 9, 16, 15, 0};
	for (size_t k = 0; k < sizeof bodies / sizeof bodies[0]; k++) {
		hc_resp_t r = post_import_raw(&officer, "", bodies[k], lens[k]);
		json_t *j = json_loadb(r.body.data, r.body.len, 0, NULL);
		msg = json_string_value(json_object_get(json_object_get(j, "error"), "message"));
		if (r.status != 400 || !has_non_ascii(msg))
			fail_msg("body %zu: %ld %.300s", k, r.status, buf_cstr(&r.body));
		json_decref(j);
		hc_resp_free(&r);
	}
	assert_true(db_hash(dbpath) == h0);
}

static const char *const batch =
        "\xEF\xBB\xBFunit_code,item_code,value,comment\r\n"
        "HA-11422-TH,2.bao,3,\r\n"
        "HA-11422-TH,8.kinh_phi,1.500.000,\r\n"
        "HA-11422-TH,1.ke_hoach,có,\r\n"
        "HA-11422-TH,i.text,\"Trường đã tổ chức, \"\"tuần lễ\"\"\",\r\n"
        "HA-11422-THCS,5.2.lop,2,\r\n"
        "HA-11422-THCS,5.2.nguoi,40,\r\n"
        "HA-11419-TH,2.bao,6,\r\n"       /* updated (was 5) */
        "HA-11419-TH,5.1.lop,,\r\n"      /* deleted: with 5.1.nguoi, the pair goes */
        "HA-11419-TH,5.1.nguoi,,\r\n"    /* deleted */
        "HA-11419-MN,3.sach,8,sách\r\n"; /* unchanged, its note too */

static void
test_dry_run_and_idempotence(void **state)
{
	(void)state;
	uint64_t h0 = db_hash(dbpath);
	json_t *dry = import(&officer, "?dry_run=1", batch, 200);
	assert_true(json_is_true(json_object_get(dry, "dryRun")));
	assert_true(db_hash(dbpath) == h0); /* nothing written */
	assert_int_equal(value_of("HA-11422-TH", "2.bao"), -1);
	assert_int_equal(value_of("HA-11419-TH", "2.bao"), 5);
	expect_counts(dry, 6, 1, 2, 3, 1, 0);
	json_t *real = import(&officer, "?dry_run=0", batch, 200);
	assert_string_equal(json_string_value(json_object_get(real, "status")), "SUCCESS");
	/* the same answer but for the flag and the words */
	json_object_del(dry, "dryRun");
	json_object_del(real, "dryRun");
	json_object_del(dry, "message");
	json_object_del(real, "message");
	assert_true(json_equal(dry, real));
	json_decref(dry);
	json_decref(real);
	uint64_t h1 = db_hash(dbpath);
	assert_true(h1 != h0);
	assert_int_equal(value_of("HA-11422-TH", "8.kinh_phi"), 1500000);
	assert_int_equal(value_of("HA-11419-TH", "2.bao"), 6);
	assert_int_equal(value_of("HA-11419-TH", "5.1.lop"), -1);
	/* the same file again: nothing to do, nothing written, not even an audit line */
	json_t *again = import(&officer, "", batch, 200);
	expect_counts(again, 0, 0, 0, 0, 4, 0);
	assert_int_equal(count_of(again, "importCount", "ignored"), 10);
	json_decref(again);
	assert_true(db_hash(dbpath) == h1);
}

/* Export a subtree, re-import it as is: nothing changes. */
static void
round_trip(unsigned short p, ha_client_t *c, int64_t camp, const char *unit, const char *db,
           size_t *nvalues)
{
	char path[200];
	snprintf(path, sizeof path, "/api/v1/campaigns/%lld/values?unit=%s", (long long)camp, unit);
	hc_resp_t r = ha_req(p, c, "GET", path, NULL, 0);
	assert_int_equal(r.status, 200);
	json_t *doc = json_loadb(r.body.data, r.body.len, 0, NULL);
	assert_non_null(doc);
	*nvalues = json_array_size(json_object_get(doc, "dataValues"));
	json_decref(doc);
	uint64_t h0 = db_hash(db);
	char ip[200], cookie[450], csrf[120];
	snprintf(ip, sizeof ip, "/api/v1/campaigns/%lld/values", (long long)camp);
	snprintf(cookie, sizeof cookie, "Cookie: %s", c->cookie);
	snprintf(csrf, sizeof csrf, "X-CSRF-Token: %s", c->csrf);
	const char *hdrs[] = {cookie, csrf, "Content-Type: application/json", NULL};
	hc_opts_t o = {
	        .method = "POST", .body = r.body.data, .body_len = r.body.len, .headers = hdrs};
	hc_resp_t ri;
	CURL *h = curl_easy_init();
	assert_int_equal(hc_request(h, p, ip, &o, &ri), 0);
	curl_easy_cleanup(h);
	hc_resp_free(&r);
	if (ri.status != 200)
		fail_msg("re-import of %s: %ld %.2000s", unit, ri.status, buf_cstr(&ri.body));
	json_t *s = json_loadb(ri.body.data, ri.body.len, 0, NULL);
	hc_resp_free(&ri);
	assert_non_null(s);
	expect_counts(s, 0, 0, 0, 0, count_of(s, "units", "unchanged"), 0);
	assert_int_equal(count_of(s, "importCount", "ignored"), (int64_t)*nvalues);
	assert_int_equal(json_array_size(json_object_get(s, "conflicts")), 0);
	json_decref(s);
	assert_true(db_hash(db) == h0);
}

static void
test_round_trip_demo(void **state)
{
	(void)state;
	/* a submitted school and the district's own narrative, submitted (its totals frozen), in
	 * the export too: a level's figures are never exported, only its texts */
	char p[300];
	snprintf(p, sizeof p, "/api/v1/campaigns/%lld/units/HA-11422-THCS/submit",
	         (long long)campaign);
	hc_resp_t r =
	        ha_req(port, &officer, "POST", p,
	               "{\"values\":{\"5.2.lop\":2,\"5.2.nguoi\":40,\"i.text\":\"Đã nộp\"}}", 1);
	assert_int_equal(r.status, 200);
	hc_resp_free(&r);
	snprintf(p, sizeof p, "/api/v1/campaigns/%lld/units/306/submit", (long long)campaign);
	r = ha_req(port, &district_head, "POST", p,
	           "{\"values\":{\"i.text\":\"Quận đã chỉ đạo, \\\"sâu sát\\\"\",\"iii.text\":"
	           "\"Kiến nghị 𠀀\"},\"confirm_missing\":true}",
	           1);
	if (r.status != 200)
		fail_msg("district save: %ld %.500s", r.status, buf_cstr(&r.body));
	hc_resp_free(&r);
	size_t n;
	round_trip(port, &officer, campaign, "306", dbpath, &n);
	print_message("demo round trip: %zu values\n", n);
	assert_int_equal(n, 14); /* 12 of six schools, the district's two texts */
	/* a change to a submitted report is refused like a form save, with the reason */
	json_t *s =
	        import(&officer, "", "unit_code,item_code,value\nHA-11422-THCS,5.2.lop,3\n", 409);
	expect_counts(s, 0, 0, 0, 0, 0, 1);
	only_conflict(s, "line", 2, "HA-11422-THCS");
	json_decref(s);
	assert_int_equal(value_of("HA-11422-THCS", "5.2.lop"), 2);
}

static void
test_round_trip_generated_province(void **state)
{
	(void)state;
	char gdb[300], err[2048];
	snprintf(gdb, sizeof gdb, "%s/gen.db", tmpdir);
	store_t *st;
	assert_int_equal(store_open(gdb, &st, err, sizeof err), 0);
	gen_opts_t o;
	gen_opts_default(&o);
	o.seed = 2022;
	o.assets = TEST_SOURCE_DIR;
	o.only_province = "31";
	gen_stats_t gs;
	double t0 = now_s();
	if (gen_national(st, &o, &gs, err, sizeof err) < 0)
		fail_msg("gen_national: %s", err);
	store_close(st);
	double t1 = now_s();
	print_message("generated province 31: %zu reports in %.1f s\n", gs.reports, t1 - t0);
	app_t gapp;
	http_server_t *gsrv;
	unsigned short gport;
	assert_int_equal(ha_serve(&gapp, gdb, &gsrv, &gport), 0);
	ha_user(&gapp, "qt.gen", "VN", ROLE_ADMIN, PASSWORD);
	ha_client_t admin;
	assert_int_equal(ha_login(gport, &admin, "qt.gen", PASSWORD), 303);
	size_t n;
	round_trip(gport, &admin, gs.campaign_id, "VN", gdb, &n);
	print_message("province round trip: %zu values in %.1f s\n", n, now_s() - t1);
	assert_true(n > gs.reports);
	http_server_stop(gsrv);
	app_close(&gapp);
}

/* ./suotdoi (the test runs in the build directory) with args; its exit status. */
static int
cli(const char *args)
{
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "./suotdoi %s >%s/cli.out 2>&1", args, tmpdir);
	int st = system(cmd);
	if (st == -1 || !WIFEXITED(st))
		fail_msg("%s: did not exit", cmd);
	return WEXITSTATUS(st);
}

static void
write_file(const char *path, const char *data)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fputs(data, f) >= 0, 1);
	fclose(f);
}

/* The command-line import on a copy of the database file: a dry run and a refused file
 * change nothing, a good file once, then nothing to do, and --as applies rights. */
static void
cli_on_copy(void)
{
	char copy[300], bad[300], good[300], args[1000];
	snprintf(copy, sizeof copy, "%s/copy.db", tmpdir);
	snprintf(good, sizeof good, "%s/good.csv", tmpdir);
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	char *sql = sqlite3_mprintf("VACUUM INTO %Q", copy);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_free(sql);
	sqlite3_close(db);
	snprintf(bad, sizeof bad, "%s/bad.csv", tmpdir);
	write_file(bad, "unit_code,item_code,value\nHA-11425-MN,2.bao,x\nHA-11425-TH,2.bao,2\n");
	write_file(good, "unit_code,item_code,value\nHA-11425-MN,2.bao,9\n");
	uint64_t h0 = db_hash(copy);
	snprintf(args, sizeof args, "values import %s --campaign %lld --db %s --dry-run", bad,
	         (long long)campaign, copy);
	assert_int_equal(cli(args), 3);
	assert_true(db_hash(copy) == h0);
	snprintf(args, sizeof args, "values import %s --campaign %lld --db %s", bad,
	         (long long)campaign, copy);
	assert_int_equal(cli(args), 3);
	snprintf(args, sizeof args, "values import %s --campaign %lld --db %s", good,
	         (long long)campaign, copy);
	assert_int_equal(cli(args), 0);
	uint64_t h1 = db_hash(copy);
	assert_true(h1 != h0);
	assert_int_equal(cli(args), 0); /* again: nothing to do */
	assert_true(db_hash(copy) == h1);
	/* rights apply with --as */
	snprintf(args, sizeof args, "values import %s --campaign %lld --db %s --as ht.danglam",
	         good, (long long)campaign, copy);
	write_file(good, "unit_code,item_code,value\nHA-11425-MN,2.bao,10\n");
	assert_int_equal(cli(args), 3);
	assert_true(db_hash(copy) == h1);
}

static void
test_cli(void **state)
{
	(void)state;
	char good[300], args[1000];
	snprintf(good, sizeof good, "%s/good.csv", tmpdir);
	/* on a copy of the database file (SQLite's run: PostgreSQL's has the live part only) */
	if (!ha_served_pg(dbpath))
		cli_on_copy();
	/* on the live database: the running server's watcher (every 100 ms) rebuilds the
	 * roll-up; the wait is bounded generously, not timed (tests never assert on
	 * wall-clock time) */
	char dash[200];
	snprintf(dash, sizeof dash, "/api/v1/campaigns/%lld/units/306?drafts=1",
	         (long long)campaign);
	json_t *j = get_json(&officer, dash); /* read once, so the roll-up is cached */
	int64_t before =
	        json_integer_value(json_object_get(json_object_get(j, "totals"), "6.co_so"));
	json_decref(j);
	write_file(good, "unit_code,item_code,value\nHA-11413-TTHTCD,6.co_so,77\n");
	snprintf(args, sizeof args, "values import %s --campaign %lld --db '%s'", good,
	         (long long)campaign, ha_served_spec(dbpath)); /* a URI has & and ? */
	assert_int_equal(cli(args), 0);
	double t0 = now_s();
	int64_t seen = before;
	while (seen != before + 77 && now_s() - t0 < 30) {
		usleep(200 * 1000);
		j = get_json(&officer, dash);
		seen = json_integer_value(json_object_get(json_object_get(j, "totals"), "6.co_so"));
		json_decref(j);
	}
	print_message("CLI import reached the dashboard in %.1f s\n", now_s() - t0);
	assert_int_equal(seen, before + 77);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_bad_unit_refused_whole),
	        cmocka_unit_test(test_rights_per_unit),
	        cmocka_unit_test(test_bad_requests),
	        cmocka_unit_test(test_dry_run_and_idempotence),
	        cmocka_unit_test(test_round_trip_demo),
	        cmocka_unit_test(test_round_trip_generated_province),
	        cmocka_unit_test(test_cli),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
