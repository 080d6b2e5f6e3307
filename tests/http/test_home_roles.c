/* Home pages by role and a level's submit warning, over real HTTP on the demo: anonymous
 * visitors keep the public page with the province list; the national administrator and
 * the district's officer get no province list but a progress card per open campaign whose
 * numbers are the chase board's (its JSON); a school sees its deadline. The district head
 * submitting the compiled report with 2 of 16 units in is shown who is missing and must
 * confirm (form: a confirmation page, nothing written, its button re-posts the form; JSON:
 * 409 unless "confirm_missing": true). The Phụ lục PDF is served to the district. */
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

#define PASSWORD "Trang-chu-kiem-tra-25"

static char tmpdir[] = "/tmp/suotdoi-home-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t campaign;

static ha_client_t admin, officer, head, school1, school2, school3, tl_head;

static hc_resp_t
req(ha_client_t *c, const char *method, const char *path, const char *body, int json)
{
	return ha_req(port, c, method, path, body, json);
}

static void
login(ha_client_t *c, const char *user)
{
	if (ha_login(port, c, user, PASSWORD) != 303)
		fail_msg("login %s failed", user);
}

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "h.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	unit_tree_t *t = app_tree(&app);
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &campaign);
	unit_tree_unref(t);
	if (rc < 0)
		return -1;
	ha_user(&app, "quantri", "VN", ROLE_ADMIN, PASSWORD);
	ha_user(&app, "pgd.haian", "306", ROLE_OVERSEER, PASSWORD);
	ha_user(&app, "ld.haian", "306", ROLE_HEAD, PASSWORD);
	ha_user(&app, "th.danglam", "HA-11413-TH", ROLE_HEAD, PASSWORD);
	ha_user(&app, "thcs.danglam", "HA-11413-THCS", ROLE_HEAD, PASSWORD);
	ha_user(&app, "mn.catbi", "HA-11422-MN", ROLE_HEAD, PASSWORD);
	ha_user(&app, "ld.tienlang", "315", ROLE_HEAD, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	login(&admin, "quantri");
	login(&officer, "pgd.haian");
	login(&head, "ld.haian");
	login(&school1, "th.danglam");
	login(&school2, "thcs.danglam");
	login(&school3, "mn.catbi");
	login(&tl_head, "ld.tienlang");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return ha_stop(srv, &app, tmpdir);
}

static char *
path_of(const char *unit, const char *tail)
{
	static char p[8][256];
	static int k;
	k = (k + 1) % 8;
	snprintf(p[k], sizeof p[k], "/campaigns/%lld/units/%s%s", (long long)campaign, unit, tail);
	return p[k];
}

static char *
api_of(const char *unit, const char *tail)
{
	static char p[8][256];
	static int k;
	k = (k + 1) % 8;
	snprintf(p[k], sizeof p[k], "/api/v1/campaigns/%lld/units/%s%s", (long long)campaign, unit,
	         tail);
	return p[k];
}

static json_t *
get_json(ha_client_t *c, const char *path, long want)
{
	hc_resp_t r = req(c, "GET", path, NULL, 0);
	if (r.status != want)
		fail_msg("GET %s: %ld, expected %ld: %.300s", path, r.status, want,
		         buf_cstr(&r.body));
	json_error_t e;
	json_t *j = json_loads(buf_cstr(&r.body), 0, &e);
	assert_non_null(j);
	hc_resp_free(&r);
	return j;
}

/* The report's status and version through the API. */
static const char *
status_of(ha_client_t *c, const char *unit, long *version)
{
	static char st[32];
	json_t *j = get_json(c, api_of(unit, "/report"), 200);
	snprintf(st, sizeof st, "%s", json_string_value(json_object_get(j, "status")));
	if (version)
		*version = (long)json_integer_value(json_object_get(j, "version"));
	json_decref(j);
	return st;
}

static char *
get_page(ha_client_t *c, const char *path)
{
	hc_resp_t r = req(c, "GET", path, NULL, 0);
	if (r.status != 200)
		fail_msg("GET %s: %ld", path, r.status);
	char *s = strdup(buf_cstr(&r.body));
	hc_resp_free(&r);
	return s;
}

/* A school's results, submitted through the form. */
static void
school_submits(ha_client_t *c, const char *unit)
{
	long v;
	status_of(c, unit, &v);
	char body[1024];
	snprintf(body, sizeof body,
	         "csrf=%s&version=%ld&v.1.ke_hoach=1&v.5.2.lop=3&v.5.2.nguoi=60&v.2.bao=2"
	         "&v.i.text=Nhà+trường+đã+xây+dựng+kế+hoạch",
	         c->csrf, v);
	hc_resp_t r = ha_post_page_body(port, c, path_of(unit, "/report"), path_of(unit, "/submit"),
	                                body);
	if (r.status != 303)
		fail_msg("%s submit: %ld %.400s", unit, r.status, buf_cstr(&r.body));
	hc_resp_free(&r);
}

/* The number in the card of unit's progress under column heading label ("1.234" read as
 * 1234); -1 when there is no such card. */
static long
card_value(const char *page, const char *unit, const char *label)
{
	char link[200];
	snprintf(link, sizeof link, "/units/%s/status\"", unit);
	const char *end = strstr(page, link);
	if (!end)
		return -1;
	const char *start = NULL;
	for (const char *q = page; (q = strstr(q, "<section class=\"progress-card\">")) && q < end;
	     q++)
		start = q;
	assert_non_null(start);
	char cell[200];
	snprintf(cell, sizeof cell, "data-label=\"%s\">", label);
	const char *v = strstr(start, cell);
	assert_non_null(v);
	assert_true(v < end);
	v += strlen(cell);
	long n = 0;
	for (; *v && *v != '<'; v++)
		if (*v >= '0' && *v <= '9')
			n = n * 10 + (*v - '0');
	return n;
}

/* The card of unit on c's home page holds the chase board's numbers. */
static void
card_matches_chase(ha_client_t *c, const char *unit)
{
	char *home = get_page(c, "/");
	assert_null(strstr(home, "Tỉnh, thành phố"));
	assert_null(strstr(home, "Thành phố Hà Nội")); /* no national province list */
	json_t *j = get_json(c, api_of(unit, "/status"), 200);
	static const struct {
		const char *key, *label;
	} cols[] = {{"expected", "Phải nộp"}, {"submitted", "Đã nộp"}, {"approved", "Đã duyệt"},
	            {"missing", "Chưa nộp"},  {"late", "Nộp muộn"},    {"waiting", "Chờ duyệt"}};
	for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++) {
		long want = (long)json_integer_value(json_object_get(j, cols[k].key));
		long got = card_value(home, unit, cols[k].label);
		if (got != want)
			fail_msg("%s's card, %s: %ld, the chase board says %ld", unit, cols[k].key,
			         got, want);
	}
	json_decref(j);
	free(home);
}

static void
test_anonymous_home_keeps_provinces(void **state)
{
	(void)state;
	char *home = get_page(NULL, "/");
	assert_non_null(strstr(home, "Tỉnh, thành phố"));
	assert_non_null(strstr(home, "Thành phố Hà Nội"));
	assert_non_null(strstr(home, "Thành phố Hải Phòng"));
	assert_null(strstr(home, "progress-card"));
	free(home);
}

static void
test_officers_see_chase_numbers(void **state)
{
	(void)state;
	/* two schools submit (after the deadline: late), the district approves one */
	school_submits(&school1, "HA-11413-TH");
	school_submits(&school2, "HA-11413-THCS");
	long v;
	assert_string_equal(status_of(&officer, "HA-11413-TH", &v), "submitted");
	char body[300];
	snprintf(body, sizeof body, "csrf=%s&version=%ld", officer.csrf, v);
	hc_resp_t r = req(&officer, "POST", path_of("HA-11413-TH", "/approve"), body, 0);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);

	/* the national administrator: the campaign's card is the issuing city's */
	card_matches_chase(&admin, "31");
	/* the district's officer: its district, with a way to the chase board and the queue */
	card_matches_chase(&officer, "306");
	char *home = get_page(&officer, "/");
	assert_int_equal(card_value(home, "306", "Đã nộp"), 2);
	assert_int_equal(card_value(home, "306", "Đã duyệt"), 1);
	assert_int_equal(card_value(home, "306", "Chờ duyệt"), 1);
	assert_int_equal(card_value(home, "306", "Nộp muộn"), 2);
	assert_non_null(strstr(home, path_of("306", "/review\"")));
	assert_non_null(strstr(home, path_of("306", "/report\"")));
	assert_non_null(strstr(home, "class=\"pbar\""));
	free(home);
}

static void
test_school_sees_its_deadline(void **state)
{
	(void)state;
	char *home = get_page(&school3, "/");
	assert_non_null(strstr(home, path_of("HA-11422-MN", "/report\"")));
	assert_non_null(strstr(home, "hạn nộp 10/10/2022"));
	assert_null(strstr(home, "Tỉnh, thành phố"));
	assert_null(strstr(home, "progress-card"));
	free(home);
}

/* Every hidden field of the confirmation form as an urlencoded body. */
static void
confirm_body(const char *page, buf_t *out)
{
	const char *form = strstr(page, "/submit\">");
	assert_non_null(form);
	const char *end = strstr(form, "</form>");
	CURL *cu = curl_easy_init();
	for (const char *q = form; (q = strstr(q, "<input type=\"hidden\" name=\"")) && q < end;) {
		q += strlen("<input type=\"hidden\" name=\"");
		const char *nend = strchr(q, '"');
		const char *val = strstr(nend, "value=\"") + strlen("value=\"");
		const char *vend = strchr(val, '"');
		char *name = curl_easy_escape(cu, q, (int)(nend - q));
		/* (an empty value: curl_easy_escape takes length 0 as "up to the NUL") */
		char *value = curl_easy_escape(cu, vend > val ? val : "", (int)(vend - val));
		buf_printf(out, "%s%s=%s", out->len ? "&" : "", name, value);
		curl_free(name);
		curl_free(value);
		q = vend;
	}
	curl_easy_cleanup(cu);
}

static void
test_level_submit_warns_and_confirms(void **state)
{
	(void)state;
	/* the report page says it before the button */
	char *page = get_page(&head, path_of("306", "/report"));
	assert_non_null(strstr(page, "2/16 đơn vị đã nộp"));
	assert_non_null(strstr(page, path_of("HA-11422-MN", "/report\"")));
	assert_non_null(strstr(page, "Trường Mầm non Cát Bi"));
	assert_non_null(strstr(page, path_of("306", "/phuluc.xlsx\"")));
	assert_non_null(strstr(page, path_of("306", "/phuluc.pdf\"")));
	free(page);

	/* the JSON API: 409 with the missing units, nothing written */
	hc_resp_t r = req(&head, "POST", api_of("306", "/submit"),
	                  "{\"values\":{\"i.text\":\"Quận đã chỉ đạo\"}}", 1);
	assert_int_equal(r.status, 409);
	json_t *j = json_loads(buf_cstr(&r.body), 0, NULL);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "submitted")), 2);
	assert_int_equal(json_integer_value(json_object_get(j, "expected")), 16);
	json_t *missing = json_object_get(j, "missing");
	assert_int_equal(json_array_size(missing), 14);
	int catbi = 0;
	for (size_t k = 0; k < json_array_size(missing); k++) {
		const char *code =
		        json_string_value(json_object_get(json_array_get(missing, k), "code"));
		assert_string_not_equal(code, "HA-11413-TH");
		assert_string_not_equal(code, "HA-11413-THCS");
		catbi += !strcmp(code, "HA-11422-MN");
	}
	assert_int_equal(catbi, 1);
	assert_non_null(json_object_get(json_object_get(j, "error"), "message"));
	json_decref(j);
	hc_resp_free(&r);
	assert_string_equal(status_of(&head, "306", NULL), "none");
	/* a wrong type for confirm_missing is refused naming it */
	r = req(&head, "POST", api_of("306", "/submit"), "{\"confirm_missing\":\"yes\"}", 1);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(buf_cstr(&r.body), "confirm_missing"));
	hc_resp_free(&r);

	/* the form: a confirmation page, nothing written */
	long v;
	status_of(&head, "306", &v);
	char body[600];
	snprintf(body, sizeof body,
	         "csrf=%s&version=%ld&v.i.text=Quận+đã+chỉ+đạo+sâu+sát&v.iii.text=Tiếp+tục",
	         head.csrf, v);
	r = ha_post_page_body(port, &head, path_of("306", "/report"), path_of("306", "/submit"),
	                      body);
	assert_int_equal(r.status, 200);
	const char *conf = buf_cstr(&r.body);
	assert_non_null(strstr(conf, "Vẫn nộp báo cáo tổng hợp"));
	assert_non_null(strstr(conf, "2/16 đơn vị đã nộp"));
	assert_non_null(strstr(conf, "Trường Mầm non Cát Bi"));
	assert_non_null(strstr(conf, "name=\"confirm_missing\" value=\"1\""));
	assert_non_null(strstr(conf, "name=\"v.i.text\" value=\"Quận đã chỉ đạo sâu sát\""));
	buf_t again = BUF_INIT;
	confirm_body(conf, &again);
	hc_resp_free(&r);
	assert_string_equal(status_of(&head, "306", NULL), "none");

	/* its button sends the same form again, confirmed: submitted with the texts */
	r = req(&head, "POST", path_of("306", "/submit"), buf_cstr(&again), 0);
	if (r.status != 303)
		fail_msg("confirmed submit: %ld %.500s", r.status, buf_cstr(&r.body));
	hc_resp_free(&r);
	buf_free(&again);
	j = get_json(&head, api_of("306", "/report"), 200);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "submitted");
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(j, "values"), "i.text")),
	        "Quận đã chỉ đạo sâu sát");
	json_decref(j);

	/* the JSON API's confirmed submit, for huyện Tiên Lãng where nothing is in yet: the
	 * counts are the chase board's below the level (the level itself left out) */
	json_t *chase = get_json(&tl_head, api_of("315", "/status"), 200);
	long expected_below = (long)json_integer_value(json_object_get(chase, "expected")) - 1;
	json_decref(chase);
	r = req(&tl_head, "POST", api_of("315", "/submit"), "{}", 1);
	assert_int_equal(r.status, 409);
	j = json_loads(buf_cstr(&r.body), 0, NULL);
	assert_int_equal(json_integer_value(json_object_get(j, "submitted")), 0);
	assert_int_equal(json_integer_value(json_object_get(j, "expected")), expected_below);
	json_decref(j);
	hc_resp_free(&r);
	r = req(&tl_head, "POST", api_of("315", "/submit"), "{\"confirm_missing\":true}", 1);
	if (r.status != 200)
		fail_msg("confirmed API submit: %ld %.500s", r.status, buf_cstr(&r.body));
	hc_resp_free(&r);
	assert_string_equal(status_of(&tl_head, "315", NULL), "submitted");
}

static void
test_phuluc_pdf(void **state)
{
	(void)state;
	hc_resp_t r = req(&officer, "GET", path_of("306", "/phuluc.pdf"), NULL, 0);
	assert_int_equal(r.status, 200);
	char ct[100];
	assert_non_null(hc_header(&r, "Content-Type", ct, sizeof ct));
	assert_string_equal(ct, "application/pdf");
	assert_true(r.body.len > 1000);
	assert_memory_equal(buf_cstr(&r.body), "%PDF-", 5);
	hc_resp_free(&r);
	/* a school of another district may not */
	r = req(&school3, "GET", path_of("315", "/phuluc.pdf"), NULL, 0);
	assert_int_equal(r.status, 403);
	hc_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_anonymous_home_keeps_provinces),
	        cmocka_unit_test(test_officers_see_chase_numbers),
	        cmocka_unit_test(test_school_sees_its_deadline),
	        cmocka_unit_test(test_level_submit_warns_and_confirms),
	        cmocka_unit_test(test_phuluc_pdf),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
