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
static client_t admin, head, principal, city;

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
	make_user("hieutruong", "HA-11413-TH", ROLE_HEAD);
	make_user("so.gddt", "31", ROLE_OVERSEER);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	login(&admin, "quantri");
	login(&head, "lanhdao");
	login(&principal, "hieutruong");
	login(&city, "so.gddt");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return ha_stop(srv, &app, tmpdir);
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

/* The district head's new-campaign form posted as the browser sends it, body over it. */
static hc_resp_t
post_new_campaign(const char *body)
{
	return ha_post_page_over(port, &head, "/units/306/campaigns/new", "/units/306/campaigns",
	                         body);
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
	r = post_new_campaign(body);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(buf_cstr(&r.body), "Ngày bắt đầu"));
	hc_resp_free(&r);
	snprintf(body, sizeof body,
	         "csrf=%s&name=Tuần+lễ+2026&year=2026&template=%s&start=01/10/2026&end=07/10/2026"
	         "&due=10/10/2026&status=open",
	         head.csrf, tid);
	r = post_new_campaign(body);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(buf_cstr(&r.body), "loại đơn vị"));
	hc_resp_free(&r);
	/* a good one: the district's primary and lower-secondary schools report */
	snprintf(body, sizeof body,
	         "csrf=%s&name=Tuần+lễ+2026&year=2026&template=%s&start=01/10/2026&end=07/10/2026"
	         "&due=10/10/2026&status=open&kind=truong_th&kind=truong_thcs",
	         head.csrf, tid);
	r = post_new_campaign(body);
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
	/* the issuer closes it: reports are no longer taken */
	char cpath[200], cbody[200];
	long long cid = atoll(loc + strlen("/campaigns/"));
	snprintf(cpath, sizeof cpath, "/units/306/campaigns/%lld/status", cid);
	snprintf(cbody, sizeof cbody, "csrf=%s&status=closed&confirm=1", head.csrf);
	r = req(&head, "POST", cpath, cbody);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	snprintf(cpath, sizeof cpath, "/campaigns/%lld/units/HA-11413-TH/report", cid);
	r = ha_post_page_body(port, &head, cpath, cpath, "v.5.2.lop=1&v.5.2.nguoi=5");
	assert_int_equal(r.status, 409);
	assert_non_null(strstr(buf_cstr(&r.body), "đã đóng"));
	hc_resp_free(&r);
	snprintf(cpath, sizeof cpath, "/units/306/campaigns/%lld/status", cid);
	snprintf(cbody, sizeof cbody, "csrf=%s&status=finished", head.csrf);
	r = req(&head, "POST", cpath, cbody);
	assert_int_equal(r.status, 400);
	hc_resp_free(&r);
	snprintf(cpath, sizeof cpath, "/units/11413/campaigns/%lld/status",
	         cid); /* not its issuer */
	snprintf(cbody, sizeof cbody, "csrf=%s&status=open", head.csrf);
	r = req(&head, "POST", cpath, cbody);
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
	/* nobody issues for a unit outside their subtree */
	r = req(&head, "POST", "/units/315/campaigns", body);
	assert_int_equal(r.status, 403);
	hc_resp_free(&r);
}

/* The default template with one change, as a JSON string to import. */
static char *
variant(const char *code, const char *add_item_code, const char *drop_item_code)
{
	char path[512];
	snprintf(path, sizeof path, "%s/data/templates/phuluc-2022.json", TEST_SOURCE_DIR);
	json_error_t e;
	json_t *doc = json_load_file(path, 0, &e);
	assert_non_null(doc);
	json_object_set_new(doc, "code", json_string(code));
	json_t *items =
	        json_object_get(json_array_get(json_object_get(doc, "sections"), 1), "items");
	if (add_item_code)
		json_array_append_new(items,
		                      json_pack("{s:s,s:s,s:s,s:s}", "code", add_item_code, "label",
		                                "Số sách quyên góp cho tủ sách lớp học", "type",
		                                "count", "unit", "cuốn"));
	if (drop_item_code)
		for (size_t k = 0; k < json_array_size(items); k++)
			if (!strcmp(json_string_value(
			                    json_object_get(json_array_get(items, k), "code")),
			            drop_item_code))
				json_array_remove(items, k);
	char *s = json_dumps(doc, 0);
	json_decref(doc);
	return s;
}

static int64_t
import_template(const char *json)
{
	hc_resp_t r = ha_req(port, &admin, "POST", "/api/v1/templates", json, 1);
	if (r.status != 201)
		fail_msg("import: %ld %s", r.status, buf_cstr(&r.body));
	json_error_t e;
	json_t *j = json_loads(buf_cstr(&r.body), 0, &e);
	int64_t id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	hc_resp_free(&r);
	return id;
}

static int64_t
total_of(client_t *c, int64_t campaign, const char *unit, const char *item, int *present)
{
	char p[200];
	snprintf(p, sizeof p, "/api/v1/campaigns/%lld/units/%s", (long long)campaign, unit);
	hc_resp_t r = req(c, "GET", p, NULL);
	assert_int_equal(r.status, 200);
	json_error_t e;
	json_t *j = json_loads(buf_cstr(&r.body), 0, &e);
	json_t *v = json_object_get(json_object_get(j, "totals"), item);
	if (present)
		*present = v != NULL;
	int64_t n = json_integer_value(v);
	json_decref(j);
	hc_resp_free(&r);
	return n;
}

static void
test_adoption(void **state)
{
	(void)state;
	char *with_extra = variant("haian-2022", "9.sach_quyen_gop", NULL);
	char *missing = variant("thieu-2022", NULL, "2.bao");
	int64_t t_extra = import_template(with_extra), t_missing = import_template(missing);
	free(with_extra);
	free(missing);
	/* the city's figures are loaded before anything happens below: later writes must
	 * reach them */
	assert_int_equal(total_of(&city, demo_campaign_id, "31", "5.2.lop", NULL), 0);

	/* a template that drops a city indicator cannot adopt the city's campaign */
	char body[1024];
	const char *form =
	        "csrf=%s&parent=%lld&name=Tuần+lễ+2022+quận+Hải+An&year=2022&template=%lld"
	        "&start=06/10/2022&end=12/10/2022&due=14/10/2022&status=open"
	        "&kind=truong_th&kind=truong_thcs&kind=truong_mn&kind=tthtcd";
	snprintf(body, sizeof body, form, head.csrf, (long long)demo_campaign_id,
	         (long long)t_missing);
	hc_resp_t r = post_new_campaign(body);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(buf_cstr(&r.body), "2.bao"));
	hc_resp_free(&r);
	/* the district adopts it with its own dates and one indicator of its own */
	snprintf(body, sizeof body, form, head.csrf, (long long)demo_campaign_id,
	         (long long)t_extra);
	r = post_new_campaign(body);
	assert_int_equal(r.status, 303);
	char loc[200];
	hc_header(&r, "Location", loc, sizeof loc);
	hc_resp_free(&r);
	int64_t adopted = atoll(loc + strlen("/campaigns/"));

	assert_true(adopted > demo_campaign_id);

	/* a school of the district is sent to the district's campaign */
	char p[200];
	snprintf(p, sizeof p, "/campaigns/%lld/units/HA-11413-TH/report",
	         (long long)demo_campaign_id);
	r = req(&principal, "GET", p, NULL);
	assert_int_equal(r.status, 303);
	hc_header(&r, "Location", loc, sizeof loc);
	char want[200];
	snprintf(want, sizeof want, "/campaigns/%lld/units/HA-11413-TH/report", (long long)adopted);
	assert_string_equal(loc, want);
	hc_resp_free(&r);
	/* writing to the city's campaign: refused (the form as the district's page shows it,
	 * without the district's own indicator) */
	const char *city_form[] = {
	        "v.5.2.lop",          "1",  "v.5.2.nguoi", "10", "v.9.sach_quyen_gop", NULL,
	        "g.9.sach_quyen_gop", NULL, NULL};
	r = ha_post_page_form(port, &principal, want, p, city_form);
	if (r.status != 409)
		fail_msg("city's campaign: %ld %.500s", r.status, buf_cstr(&r.body));
	hc_resp_free(&r);
	/* it reports there, its own indicator included */
	snprintf(p, sizeof p, "/campaigns/%lld/units/HA-11413-TH/submit", (long long)adopted);
	r = ha_post_page_body(port, &principal, want, p,
	                      "v.5.2.lop=4&v.5.2.nguoi=90&v.9.sach_quyen_gop=120");
	if (r.status != 303)
		fail_msg("submit: %ld %.500s", r.status, buf_cstr(&r.body));
	hc_resp_free(&r);

	/* the district sees its own indicator; the city the comparable ones, at once */
	assert_int_equal(total_of(&head, adopted, "306", "9.sach_quyen_gop", NULL), 120);
	assert_int_equal(total_of(&head, adopted, "306", "5.2.lop", NULL), 4);
	int present;
	assert_int_equal(total_of(&city, demo_campaign_id, "31", "5.2.lop", NULL), 4);
	assert_int_equal(total_of(&city, demo_campaign_id, "306", "5.2.nguoi", NULL), 90);
	total_of(&city, demo_campaign_id, "31", "9.sach_quyen_gop", &present);
	assert_false(present);
	/* and the city's chase board counts the school as submitted */
	snprintf(p, sizeof p, "/api/v1/campaigns/%lld/units/306/status",
	         (long long)demo_campaign_id);
	r = req(&city, "GET", p, NULL);
	assert_int_equal(r.status, 200);
	assert_null(strstr(buf_cstr(&r.body), "\"code\":\"HA-11413-TH\""));
	assert_non_null(
	        strstr(buf_cstr(&r.body), "\"late\":1")); /* 2022 deadlines, submitted today */
	hc_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_templates),
	        cmocka_unit_test(test_campaign_create),
	        cmocka_unit_test(test_adoption),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
