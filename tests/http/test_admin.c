/* Managing templates and campaigns over real HTTP: a national admin imports a template
 * (bad documents refused with the JSON path), copies it to a new year and edits the copy; a
 * template in use cannot be edited; a district head issues a campaign for the district,
 * with field errors named, and the district's units are then expected to report. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "core/file.h"
#include "domain/accounts.h"
#include "domain/demo.h"
#include "helper_app.h"

#define PASSWORD "Quan-tri-kiem-tra-9"

static char tmpdir[] = "/tmp/suotdoi-admin-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t demo_campaign_id;

typedef ha_client_t client_t;
static client_t admin, head;

static hc_resp_t
req(client_t *c, const char *method, const char *path, const char *body)
{
	return ha_req(port, c, method, path, body, 0);
}

static void
login(client_t *c, const char *user)
{
	assert_int_equal(ha_login(port, c, user, PASSWORD), 303);
}

static void
make_user(const char *name, const char *unit, role_t role)
{
	ha_user(&app, name, unit, role, PASSWORD);
}

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "a.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	unit_tree_t *t = app_tree(&app);
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &demo_campaign_id);
	unit_tree_unref(t);
	if (rc < 0)
		return -1;
	make_user("quantri", "VN", ROLE_ADMIN);
	make_user("lanhdao", "306", ROLE_HEAD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	login(&admin, "quantri");
	login(&head, "lanhdao");
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

/* application/x-www-form-urlencoded value */
static char *
enc(const char *s)
{
	CURL *c = curl_easy_init();
	char *e = curl_easy_escape(c, s, 0);
	char *out = strdup(e);
	curl_free(e);
	curl_easy_cleanup(c);
	return out;
}

static void
test_templates(void **state)
{
	(void)state;
	char body[8192];
	/* a document with an unknown field is refused with its path, nothing stored */
	char *bad = enc("{\"code\":\"t1\",\"name\":\"Mẫu thử\",\"year\":2024,\"colour\":\"red\","
	                "\"sections\":[],\"rules\":[]}");
	snprintf(body, sizeof body, "csrf=%s&json=%s", admin.csrf, bad);
	free(bad);
	hc_resp_t r = req(&admin, "POST", "/templates", body);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(buf_cstr(&r.body), "colour"));
	hc_resp_free(&r);
	/* a district head may not touch the system's templates */
	snprintf(body, sizeof body, "csrf=%s&json=%%7B%%7D", head.csrf);
	r = req(&head, "POST", "/templates", body);
	assert_int_equal(r.status, 403);
	hc_resp_free(&r);
	/* the template of the demo campaign is in use: editing it is refused */
	r = req(&admin, "GET", "/templates", NULL);
	assert_int_equal(r.status, 200);
	const char *p = strstr(buf_cstr(&r.body), "/templates/");
	assert_non_null(p);
	char tid[32];
	snprintf(tid, sizeof tid, "%.*s", (int)strspn(p + 11, "0123456789"), p + 11);
	hc_resp_free(&r);
	char path[100];
	snprintf(path, sizeof path, "/templates/%s/json", tid);
	r = req(&admin, "GET", path, NULL);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(buf_cstr(&r.body), "Kế hoạch tổ chức tuần lễ HTSD"));
	char *json = enc(buf_cstr(&r.body));
	hc_resp_free(&r);
	snprintf(path, sizeof path, "/templates/%s", tid);
	char *big = malloc(strlen(json) + 200);
	sprintf(big, "csrf=%s&json=%s", admin.csrf, json);
	r = req(&admin, "POST", path, big);
	assert_int_equal(r.status, 409);
	hc_resp_free(&r);
	free(big);
	free(json);
	/* copy it to 2026: a new code and year, ready to edit */
	snprintf(path, sizeof path, "/templates/%s/copy", tid);
	snprintf(body, sizeof body, "csrf=%s&year=2026", admin.csrf);
	r = req(&admin, "POST", path, body);
	assert_int_equal(r.status, 303);
	char loc[200];
	hc_header(&r, "Location", loc, sizeof loc);
	hc_resp_free(&r);
	r = req(&admin, "GET", loc, NULL);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(buf_cstr(&r.body), "phuluc-2026"));
	assert_non_null(strstr(buf_cstr(&r.body), "năm 2026"));
	assert_null(strstr(buf_cstr(&r.body), "readonly")); /* not used yet: editable */
	hc_resp_free(&r);
	snprintf(body, sizeof body, "csrf=%s&year=20x6", admin.csrf);
	snprintf(path, sizeof path, "/templates/%s/copy", tid);
	r = req(&admin, "POST", path, body);
	assert_int_equal(r.status, 400);
	hc_resp_free(&r);
}

static void
test_campaign_create(void **state)
{
	(void)state;
	hc_resp_t r = req(&head, "GET", "/units/306/campaigns/new", NULL);
	assert_int_equal(r.status, 200);
	const char *p = strstr(buf_cstr(&r.body), "name=\"template\"><option value=\"");
	assert_non_null(p);
	char tid[32];
	p += strlen("name=\"template\"><option value=\"");
	snprintf(tid, sizeof tid, "%.*s", (int)strspn(p, "0123456789"), p);
	hc_resp_free(&r);
	char body[1024];
	/* field errors are named */
	snprintf(body, sizeof body,
	         "csrf=%s&name=Tu%%E1%%BA%%A7n+l%%E1%%BB%%85&year=2026&template=%s&start=31/02/2026"
	         "&end=07/10/2026&due=10/10/2026&kind=truong_th",
	         head.csrf, tid);
	r = req(&head, "POST", "/units/306/campaigns", body);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(buf_cstr(&r.body), "Ngày bắt đầu"));
	hc_resp_free(&r);
	snprintf(body, sizeof body,
	         "csrf=%s&name=Tuần+lễ+2026&year=2026&template=%s&start=01/10/2026&end=07/10/2026"
	         "&due=10/10/2026&status=open",
	         head.csrf, tid);
	r = req(&head, "POST", "/units/306/campaigns", body);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(buf_cstr(&r.body), "loại đơn vị"));
	hc_resp_free(&r);
	/* a good one: the district's primary and lower-secondary schools report */
	snprintf(body, sizeof body,
	         "csrf=%s&name=Tuần+lễ+2026&year=2026&template=%s&start=01/10/2026&end=07/10/2026"
	         "&due=10/10/2026&status=open&kind=truong_th&kind=truong_thcs",
	         head.csrf, tid);
	r = req(&head, "POST", "/units/306/campaigns", body);
	assert_int_equal(r.status, 303);
	char loc[200];
	hc_header(&r, "Location", loc, sizeof loc);
	hc_resp_free(&r);
	assert_non_null(strstr(loc, "/units/306"));
	/* its chase board expects the 8 schools and the 4 wards' compiled reports + the district */
	char status[220];
	snprintf(status, sizeof status, "/api/v1%s/status", loc);
	r = req(&head, "GET", status, NULL);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(buf_cstr(&r.body), "\"expected\":13"));
	hc_resp_free(&r);
	/* nobody issues for a unit outside their subtree */
	r = req(&head, "POST", "/units/315/campaigns", body);
	assert_int_equal(r.status, 403);
	hc_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_templates),
	        cmocka_unit_test(test_campaign_create),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
