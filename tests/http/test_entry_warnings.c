/* Outlier warnings on entry and the reviewers' outlier list, over real HTTP in Hải Phòng's
 * 2022 demo campaign (issue 15): five primary schools submit ordinary figures; the head of
 * HA-11413-TH enters 3 classes with 60.000 participants: the save goes through, the page and
 * the API warn beside the value naming the rule (participants per class, 1–200), saving it
 * again unchanged keeps it (still saved, still warned), the submit goes through too; the
 * ordinary schools get no warning; the district's outlier list shows that value first, in
 * the page and the API, and another district's officer may not open it. */
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
#include "domain/accounts.h"
#include "domain/demo.h"
#include "helper_app.h"

#define PASSWORD "Canh-bao-so-lieu-22"
#define SCHOOL "HA-11413-TH"
#define RATIO_TEXT                                                                                 \
	"Số lượt người mỗi lớp là 20.000 (60.000 lượt / 3 lớp), ngoài khoảng thường gặp 1–200."
#define KEEP_HINT "Nếu số liệu đúng, hãy giữ nguyên và ghi chú lý do."
#define KEEP_NOTE "Lớp học trực tuyến cho toàn phường: 60.000 lượt theo dõi"

static char tmpdir[] = "/tmp/suotdoi-warn-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t campaign;

typedef ha_client_t client_t;
static client_t city_head, school, district, other_district;

static hc_resp_t
req(client_t *c, const char *method, const char *path, const char *body, int json)
{
	return ha_req(port, c, method, path, body, json);
}

static void
login(client_t *c, const char *user)
{
	if (ha_login(port, c, user, PASSWORD) != 303)
		fail_msg("login %s failed", user);
}

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "w.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	unit_tree_t *t = app_tree(&app);
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &campaign);
	unit_tree_unref(t);
	if (rc < 0)
		return -1;
	ha_user(&app, "lanhdao.so", "31", ROLE_HEAD, PASSWORD);
	ha_user(&app, "hieutruong", SCHOOL, ROLE_HEAD, PASSWORD);
	ha_user(&app, "pgd.haian", "306", ROLE_OVERSEER, PASSWORD);
	ha_user(&app, "pgd.tienlang", "315", ROLE_OVERSEER, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	login(&city_head, "lanhdao.so");
	login(&school, "hieutruong");
	login(&district, "pgd.haian");
	login(&other_district, "pgd.tienlang");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return ha_stop(srv, &app, tmpdir);
}

static char *
path_of(const char *api, const char *unit, const char *tail)
{
	static char p[8][256];
	static int k;
	k = (k + 1) % 8;
	snprintf(p[k], sizeof p[k], "%s/campaigns/%lld/units/%s%s", api, (long long)campaign, unit,
	         tail);
	return p[k];
}

static json_t *
get_json(client_t *c, const char *path, long want)
{
	hc_resp_t r = req(c, "GET", path, NULL, 0);
	if (r.status != want)
		fail_msg("GET %s: %ld, expected %ld: %.300s", path, r.status, want,
		         buf_cstr(&r.body));
	json_error_t e;
	json_t *j = json_loads(buf_cstr(&r.body), 0, &e);
	if (!j)
		fail_msg("GET %s: not JSON: %.300s", path, buf_cstr(&r.body));
	hc_resp_free(&r);
	return j;
}

static long
version_of(const char *unit)
{
	json_t *j = get_json(&city_head, path_of("/api/v1", unit, "/report"), 200);
	long v = (long)json_integer_value(json_object_get(j, "version"));
	json_decref(j);
	return v;
}

/* c enters a school's figures through the form and saves (/report) or submits them. */
static void
enter(client_t *c, const char *unit, const char *action, long classes, long people)
{
	char body[1024];
	snprintf(body, sizeof body,
	         "csrf=%s&version=%ld&v.1.ke_hoach=1&v.5.2.lop=%ld&v.5.2.nguoi=%ld&v.2.bao=2"
	         "&v.8.kinh_phi=1.500.000&v.i.text=Nhà+trường+đã+xây+dựng+kế+hoạch",
	         c->csrf, version_of(unit), classes, people);
	hc_resp_t r = ha_post_page_body(port, c, path_of("", unit, "/report"),
	                                path_of("", unit, action), body);
	if (r.status != 303)
		fail_msg("%s %s: %ld %.600s", unit, action, r.status, buf_cstr(&r.body));
	hc_resp_free(&r);
}

/* The warnings of an API answer on item, joined; "" when none. */
static const char *
warned(json_t *answer, const char *item, const char *rule)
{
	static char s[2048];
	s[0] = '\0';
	json_t *list = json_object_get(answer, "warnings");
	if (!json_is_array(list))
		fail_msg("no \"warnings\" array in the answer");
	for (size_t k = 0; k < json_array_size(list); k++) {
		json_t *w = json_array_get(list, k);
		if (strcmp(json_string_value(json_object_get(w, "item")), item) != 0)
			continue;
		if (rule && strcmp(json_string_value(json_object_get(w, "rule")), rule) != 0)
			continue;
		snprintf(s + strlen(s), sizeof s - strlen(s), "%s%s", s[0] ? " | " : "",
		         json_string_value(json_object_get(w, "message")));
	}
	return s;
}

static const char *const ordinary[] = {"HA-11419-TH", "HA-11422-TH", "HA-11425-TH", "TL-11755-TH",
                                       "TL-11761-TH"};

static void
test_warns_keeps_and_lists(void **state)
{
	(void)state;
	/* five ordinary primary schools of the city: 9-13 classes of 30 */
	for (int k = 0; k < 5; k++)
		enter(&city_head, ordinary[k], "/submit", 9 + k, (9 + k) * 30);
	for (int k = 0; k < 5; k++) {
		json_t *j = get_json(&city_head, path_of("/api/v1", ordinary[k], "/report"), 200);
		assert_int_equal(json_array_size(json_object_get(j, "warnings")), 0);
		json_decref(j);
	}

	/* the school saves 3 classes with 60.000 participants: saved, warned, not refused */
	enter(&school, SCHOOL, "/report", 3, 60000);
	hc_resp_t r = req(&school, "GET", path_of("", SCHOOL, "/report?done=save"), NULL, 0);
	assert_int_equal(r.status, 200);
	const char *page = buf_cstr(&r.body);
	assert_non_null(strstr(page, "Đã lưu bản nháp."));
	assert_non_null(strstr(page, "value=\"60.000\""));
	/* beside the value (after its input), labelled, with the rule and the hint */
	const char *input = strstr(page, "name=\"v.5.2.nguoi\"");
	assert_non_null(input);
	const char *marker = strstr(input, "class=\"field-warn\"");
	assert_non_null(marker);
	assert_true(marker < strstr(input, "name=\"v.5.3.lop\""));
	assert_non_null(strstr(marker, "Cần xem lại:"));
	assert_true(strstr(marker, RATIO_TEXT) < strstr(input, "name=\"v.5.3.lop\""));
	assert_non_null(strstr(marker, KEEP_HINT));
	assert_non_null(strstr(page, "cảnh báo số liệu khác thường"));
	hc_resp_free(&r);

	/* the API says the same, naming the rule */
	json_t *j = get_json(&school, path_of("/api/v1", SCHOOL, "/report"), 200);
	assert_int_equal(
	        json_integer_value(json_object_get(json_object_get(j, "values"), "5.2.nguoi")),
	        60000);
	assert_string_equal(warned(j, "5.2.nguoi", "ratio"),
	                    RATIO_TEXT " Hãy kiểm tra lại số lớp "
	                               "và số người tham gia của dòng này.");
	/* the peers: far above the city's primary schools (median 330 of 5) */
	assert_non_null(strstr(warned(j, "5.2.nguoi", "peers"), "trung vị 330, 5 đơn vị"));
	/* the soft range of the line */
	assert_non_null(strstr(warned(j, "5.2.nguoi", "range"), "tối đa 5.000"));
	/* the worst first: the list is sorted by score */
	json_t *list = json_object_get(j, "warnings");
	for (size_t k = 1; k < json_array_size(list); k++)
		assert_true(
		        json_real_value(json_object_get(json_array_get(list, k - 1), "score")) >=
		        json_real_value(json_object_get(json_array_get(list, k), "score")));
	json_decref(j);

	/* kept with a note: saved again unchanged, through the API, the reason in the value's
	 * Ghi chú; still saved, still warned, the note there for the reviewer */
	char body[800];
	snprintf(body, sizeof body,
	         "{\"version\": %ld, \"values\": {\"1.ke_hoach\": true, \"5.2.lop\": 3, "
	         "\"5.2.nguoi\": 60000, \"2.bao\": 2, \"8.kinh_phi\": 1500000, \"i.text\": "
	         "\"Nhà trường đã xây dựng kế hoạch\"}, \"notes\": {\"5.2.nguoi\": \"" KEEP_NOTE
	         "\"}}",
	         version_of(SCHOOL));
	r = req(&school, "POST", path_of("/api/v1", SCHOOL, "/report"), body, 1);
	assert_int_equal(r.status, 200);
	j = json_loads(buf_cstr(&r.body), 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "draft");
	assert_int_equal(
	        json_integer_value(json_object_get(json_object_get(j, "values"), "5.2.nguoi")),
	        60000);
	assert_non_null(strstr(warned(j, "5.2.nguoi", "ratio"), RATIO_TEXT));
	/* a write's answer carries the template's own rules only; the peers come on GET */
	assert_string_equal(warned(j, "5.2.nguoi", "peers"), "");
	json_decref(j);
	hc_resp_free(&r);
	j = get_json(&district, path_of("/api/v1", SCHOOL, "/report"), 200);
	assert_string_not_equal(warned(j, "5.2.nguoi", "peers"), "");
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(j, "notes"), "5.2.nguoi")),
	        KEEP_NOTE);
	json_decref(j);
	/* the form's save of the same figures too */
	enter(&school, SCHOOL, "/report", 3, 60000);

	/* and submitted as it is */
	enter(&school, SCHOOL, "/submit", 3, 60000);
	j = get_json(&school, path_of("/api/v1", SCHOOL, "/report"), 200);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "submitted");
	assert_non_null(strstr(warned(j, "5.2.nguoi", "ratio"), RATIO_TEXT));
	json_decref(j);

	/* the district's outlier list: that value first */
	j = get_json(&district, path_of("/api/v1", "306", "/outliers"), 200);
	json_t *rows = json_object_get(j, "outliers");
	assert_true(json_array_size(rows) >= 1);
	assert_int_equal(json_integer_value(json_object_get(j, "count")), json_array_size(rows));
	json_t *first = json_array_get(rows, 0);
	assert_string_equal(json_string_value(json_object_get(first, "code")), SCHOOL);
	assert_string_equal(json_string_value(json_object_get(first, "item")), "5.2.nguoi");
	assert_int_equal(json_integer_value(json_object_get(first, "value")), 60000);
	assert_non_null(strstr(json_string_value(json_object_get(first, "message")), RATIO_TEXT));
	char link[160];
	snprintf(link, sizeof link, "/campaigns/%lld/units/%s/report", (long long)campaign, SCHOOL);
	assert_string_equal(json_string_value(json_object_get(first, "report")), link);
	/* only the district's units; the ordinary ones are not listed */
	for (size_t k = 0; k < json_array_size(rows); k++) {
		const char *code =
		        json_string_value(json_object_get(json_array_get(rows, k), "code"));
		assert_true(!strncmp(code, "HA-", 3));
		assert_string_equal(code, SCHOOL);
	}
	json_decref(j);
	/* the page lists the same value first, linking the report */
	r = req(&district, "GET", path_of("", "306", "/outliers"), NULL, 0);
	assert_int_equal(r.status, 200);
	page = buf_cstr(&r.body);
	const char *row = strstr(page, "<tbody>");
	assert_non_null(row);
	char href[200];
	snprintf(href, sizeof href, "<td data-label=\"Đơn vị\"><a href=\"%s\">", link);
	assert_true(strstr(row, href) != NULL);
	assert_true(strstr(row, "60.000") < strstr(row, "</tr>"));
	hc_resp_free(&r);
	/* the chase board and the review queue link it */
	snprintf(href, sizeof href, "href=\"/campaigns/%lld/units/306/outliers\"",
	         (long long)campaign);
	r = req(&district, "GET", path_of("", "306", "/status"), NULL, 0);
	assert_non_null(strstr(buf_cstr(&r.body), href));
	hc_resp_free(&r);
	r = req(&district, "GET", path_of("", "306", "/review"), NULL, 0);
	assert_non_null(strstr(buf_cstr(&r.body), href));
	hc_resp_free(&r);
	/* another district's officer may not open it; the school neither */
	r = req(&other_district, "GET", path_of("/api/v1", "306", "/outliers"), NULL, 0);
	assert_int_equal(r.status, 403);
	hc_resp_free(&r);
	r = req(&school, "GET", path_of("", "306", "/outliers"), NULL, 0);
	assert_int_equal(r.status, 403);
	hc_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_warns_keeps_and_lists),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
