/* Regression: the JSON API must never guess a value's type. A string for a count, a
 * number for a yes/no or a text, a string for the version are 400 naming the member, and
 * nothing is stored (the report, its version and the audit log stay as they were). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "domain/accounts.h"
#include "domain/demo.h"
#include "helper_app.h"

#define PASSWORD "Kieu-du-lieu-2022"
#define UNIT "HA-11413-THCS"

static char tmpdir[] = "/tmp/suotdoi-regt-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t campaign;
static ha_client_t school;
static char report_path[300];
static char db[256];

static int
setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "r.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	unit_tree_t *t = app_tree(&app);
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &campaign);
	unit_tree_unref(t);
	if (rc < 0)
		return -1;
	ha_user(&app, "hieutruong", UNIT, ROLE_HEAD, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &school, "hieutruong", PASSWORD) != 303)
		return -1;
	snprintf(report_path, sizeof report_path, "/api/v1/campaigns/%lld/units/%s/report",
	         (long long)campaign, UNIT);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	http_server_stop(srv);
	app_close(&app);
	curl_global_cleanup();
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The report as the API reads it, serialised (sorted keys) for comparison. */
static char *
snapshot(void)
{
	hc_resp_t r = ha_req(port, &school, "GET", report_path, NULL, 0);
	assert_int_equal(r.status, 200);
	json_t *j = json_loadb(r.body.data, r.body.len, 0, NULL);
	assert_non_null(j);
	hc_resp_free(&r);
	json_object_del(j, "prefill");
	char *s = json_dumps(j, JSON_SORT_KEYS);
	json_decref(j);
	return s;
}

static int64_t
audit_count(void)
{
	char p[200];
	snprintf(p, sizeof p, "/api/v1/units/%s/audit", UNIT);
	hc_resp_t r = ha_req(port, &school, "GET", p, NULL, 0);
	int64_t n = -1;
	if (r.status == 200) {
		json_t *j = json_loadb(r.body.data, r.body.len, 0, NULL);
		n = (int64_t)json_array_size(json_object_get(j, "entries"));
		json_decref(j);
	}
	hc_resp_free(&r);
	return n;
}

static void
test_wrong_types_refused(void **state)
{
	(void)state;
	/* a report to protect */
	hc_resp_t r = ha_req(port, &school, "POST", report_path,
	                     "{\"values\": {\"2.bao\": 4, \"1.ke_hoach\": false, \"i.text\": "
	                     "\"Nội dung gốc\"}}",
	                     1);
	assert_int_equal(r.status, 200);
	hc_resp_free(&r);
	char *before = snapshot();
	int64_t audit_before = audit_count();
	assert_true(audit_before > 0); /* the first save is in it */
	char digest[65], digest_after[65], err[300];
	if (ha_db_digest(db, NULL, digest, err, sizeof err) < 0)
		fail_msg("digest: %s", err);
	const char *bad[][2] = {
	        {"{\"values\": {\"2.bao\": \"12\"}}", "values.2.bao"},
	        {"{\"values\": {\"1.ke_hoach\": 1}}", "values.1.ke_hoach"},
	        {"{\"values\": {\"i.text\": 5}}", "values.i.text"},
	        {"{\"version\": \"3\", \"values\": {\"2.bao\": 5}}", "version"},
	        {"{\"values\": {\"8.kinh_phi\": 1.5}}", "values.8.kinh_phi"},
	        {"{\"values\": {\"1.ke_hoach\": \"true\"}}", "values.1.ke_hoach"},
	        {"{\"values\": {\"2.bao\": true}}", "values.2.bao"},
	        {"{\"values\": {\"ii_2.text\": [\"a\"]}}", "values.ii_2.text"},
	        /* one bad member spoils the whole body: the good one is not stored either */
	        {"{\"values\": {\"2.bao\": 9, \"5.1.lop\": \"2\"}}", "values.5.1.lop"},
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		r = ha_req(port, &school, "POST", report_path, bad[k][0], 1);
		json_t *j = json_loadb(r.body.data, r.body.len, 0, NULL);
		json_t *e = json_object_get(j, "error");
		const char *msg = json_string_value(json_object_get(e, "message"));
		json_t *fields = json_object_get(e, "fields");
		int named = (msg && strstr(msg, bad[k][1])) ||
		            (fields && strncmp(bad[k][1], "values.", 7) == 0 &&
		             json_object_get(fields, bad[k][1] + 7) &&
		             strstr(json_string_value(json_object_get(fields, bad[k][1] + 7)),
		                    bad[k][1]));
		if (r.status != 400 || !named)
			fail_msg("%s: %ld %.500s", bad[k][0], r.status, buf_cstr(&r.body));
		json_decref(j);
		hc_resp_free(&r);
		char *after = snapshot();
		if (strcmp(before, after) != 0)
			fail_msg("%s changed the report:\n%s\n%s", bad[k][0], before, after);
		free(after);
	}
	assert_int_equal(audit_count(), audit_before);
	/* and nothing else in the database moved either */
	if (ha_db_digest(db, NULL, digest_after, err, sizeof err) < 0)
		fail_msg("digest: %s", err);
	assert_string_equal(digest, digest_after);
	free(before);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_wrong_types_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
