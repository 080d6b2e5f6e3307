/* Regression: a unit working through the JSON API could not see why its report came back.
 * The API's report read must carry the reviewer's return comment (and null otherwise), as
 * the form shows it. */
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

#define PASSWORD "Nhan-xet-tra-lai-22"
#define UNIT "HA-11413-TH"
#define COMMENT "Số lớp chưa đúng — “xem lại” mục 5.1 \"lớp\"; 𠀀"

static char tmpdir[] = "/tmp/suotdoi-regc-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t campaign;
static ha_client_t school, officer;

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "r.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	unit_tree_t *t = app_tree(&app);
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &campaign);
	unit_tree_unref(t);
	if (rc < 0)
		return -1;
	ha_user(&app, "hieutruong", UNIT, ROLE_HEAD, PASSWORD);
	ha_user(&app, "chuyenvien", "306", ROLE_OVERSEER, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &school, "hieutruong", PASSWORD) != 303 ||
	    ha_login(port, &officer, "chuyenvien", PASSWORD) != 303)
		return -1;
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

static json_t *
call(ha_client_t *c, const char *method, const char *action, json_t *body, long want)
{
	char p[300];
	snprintf(p, sizeof p, "/api/v1/campaigns/%lld/units/%s%s", (long long)campaign, UNIT,
	         action);
	char *s = body ? json_dumps(body, 0) : NULL;
	json_decref(body);
	hc_resp_t r = ha_req(port, c, method, p, s, body != NULL);
	free(s);
	if (r.status != want)
		fail_msg("%s %s: %ld, want %ld: %.400s", method, p, r.status, want,
		         buf_cstr(&r.body));
	json_t *j = json_loadb(r.body.data, r.body.len, 0, NULL);
	assert_non_null(j);
	hc_resp_free(&r);
	return j;
}

static void
test_return_comment_in_api_read(void **state)
{
	(void)state;
	json_t *j = call(&school, "POST", "/submit",
	                 json_pack("{s:{s:i,s:i,s:b}}", "values", "5.1.lop", 2, "5.1.nguoi", 30,
	                           "1.ke_hoach", 1),
	                 200);
	assert_true(json_is_null(json_object_get(j, "comment"))); /* nothing to say yet */
	json_int_t v = json_integer_value(json_object_get(j, "version"));
	json_decref(j);
	j = call(&officer, "POST", "/return",
	         json_pack("{s:I,s:s}", "version", v, "comment", COMMENT), 200);
	json_decref(j);
	/* the unit reads it through the API, byte for byte */
	j = call(&school, "GET", "/report", NULL, 200);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "returned");
	json_t *c = json_object_get(j, "comment");
	assert_true(json_is_string(c));
	assert_string_equal(json_string_value(c), COMMENT);
	/* the values came back with it */
	assert_int_equal(
	        json_integer_value(json_object_get(json_object_get(j, "values"), "5.1.lop")), 2);
	json_decref(j);
	/* resubmitted, the comment is history */
	j = call(&school, "POST", "/submit",
	         json_pack("{s:{s:i,s:i,s:b}}", "values", "5.1.lop", 3, "5.1.nguoi", 30,
	                   "1.ke_hoach", 1),
	         200);
	json_decref(j);
	j = call(&school, "GET", "/report", NULL, 200);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "submitted");
	assert_true(json_is_null(json_object_get(j, "comment")));
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_return_comment_in_api_read),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
