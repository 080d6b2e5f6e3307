/* Dates as typed on a phone in the campaign form (issue 17), over real HTTP: a district's
 * head issues a campaign with "1.10.2026", "07102026", "2026-10-10" (the date picker) and
 * "30-9-2026"; they are stored as the days meant and shown back as dd/mm/yyyy. A day not on
 * the calendar (31/04, 29/02 of a common year) is refused with a 400 naming the field and
 * the accepted forms, and no campaign is stored. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "domain/accounts.h"
#include "domain/demo.h"
#include "helper_app.h"

#define PASSWORD "Ngay-thang-kiem-tra-17"

static char tmpdir[] = "/tmp/suotdoi-forms-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static ha_client_t head;

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "f.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	/* the demo campaign brings the default template (seed 003's Phụ lục) */
	unit_tree_t *t = app_tree(&app);
	int64_t demo;
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &demo);
	unit_tree_unref(t);
	if (rc < 0)
		return -1;
	ha_user(&app, "lanhdao.haian", "306", ROLE_HEAD, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return ha_login(port, &head, "lanhdao.haian", PASSWORD) == 303 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	return ha_stop(srv, &app, tmpdir);
}

static size_t
campaigns(void)
{
	hc_resp_t r = ha_req(port, &head, "GET", "/api/v1/campaigns", NULL, 0);
	assert_int_equal(r.status, 200);
	json_t *j = json_loads(buf_cstr(&r.body), 0, NULL);
	hc_resp_free(&r);
	assert_non_null(j);
	json_t *a = json_is_array(j) ? j : json_object_get(j, "campaigns");
	assert_true(json_is_array(a));
	size_t n = json_array_size(a);
	json_decref(j);
	return n;
}

static char tid[32];

static hc_resp_t
create(const char *start, const char *end, const char *reg, const char *due)
{
	char body[1024];
	snprintf(body, sizeof body,
	         "csrf=%s&name=Tuần+lễ+2026&year=2026&template=%s&start=%s&end=%s&registration=%s"
	         "&due=%s&status=open&kind=truong_th",
	         head.csrf, tid, start, end, reg, due);
	return ha_post_page_over(port, &head, "/units/306/campaigns/new", "/units/306/campaigns",
	                         body);
}

static void
test_campaign_dates(void **state)
{
	(void)state;
	hc_resp_t r = ha_req(port, &head, "GET", "/units/306/campaigns/new", NULL, 0);
	assert_int_equal(r.status, 200);
	const char *p = strstr(buf_cstr(&r.body), "name=\"template\"><option value=\"");
	assert_non_null(p);
	p += strlen("name=\"template\"><option value=\"");
	snprintf(tid, sizeof tid, "%.*s", (int)strspn(p, "0123456789"), p);
	/* the date fields bring up the numeric keyboard and say what may be typed */
	assert_non_null(
	        strstr(buf_cstr(&r.body), "name=\"start\" type=\"text\" inputmode=\"numeric\""));
	hc_resp_free(&r);
	size_t before = campaigns();

	/* refused: the field named, the forms listed, nothing stored */
	static const struct {
		const char *start, *end, *due, *field;
	} bad[] = {
	        {"31/04/2026", "07/10/2026", "10/10/2026", "Ngày bắt đầu &quot;31/04/2026&quot;"},
	        {"01/10/2026", "29022026", "10/10/2026", "Ngày kết thúc &quot;29022026&quot;"},
	        {"01/10/2026", "07/10/2026", "2026-13-01",
	         "Hạn nộp báo cáo của đơn vị &quot;2026-13-01&quot;"},
	};
	for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
		r = create(bad[k].start, bad[k].end, "", bad[k].due);
		assert_int_equal(r.status, 400);
		if (!strstr(buf_cstr(&r.body), bad[k].field) ||
		    !strstr(buf_cstr(&r.body), "9.10.2022, 9-10-2022, 09102022"))
			fail_msg("no message naming \"%s\":\n%.600s", bad[k].field,
			         strstr(buf_cstr(&r.body), "msg err")
			                 ? strstr(buf_cstr(&r.body), "msg err")
			                 : buf_cstr(&r.body));
		hc_resp_free(&r);
	}
	assert_int_equal(campaigns(), before);

	/* accepted as typed on a phone; shown back normalised */
	r = create("1.10.2026", "07102026", "30-9-2026", "2026-10-10");
	if (r.status != 303)
		fail_msg("create: %ld %.2000s", r.status, buf_cstr(&r.body));
	char loc[200];
	assert_true(hc_header(&r, "Location", loc, sizeof loc));
	hc_resp_free(&r);
	assert_int_equal(campaigns(), before + 1);
	char api[260];
	snprintf(api, sizeof api, "/api/v1%s", loc);
	r = ha_req(port, &head, "GET", api, NULL, 0);
	assert_int_equal(r.status, 200);
	json_t *j = json_loads(buf_cstr(&r.body), 0, NULL);
	hc_resp_free(&r);
	assert_non_null(j);
	json_t *c = json_object_get(j, "campaign");
	assert_string_equal(json_string_value(json_object_get(c, "start")), "01/10/2026");
	assert_string_equal(json_string_value(json_object_get(c, "end")), "07/10/2026");
	assert_string_equal(json_string_value(json_object_get(c, "registration_deadline")),
	                    "30/09/2026");
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_campaign_dates),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
