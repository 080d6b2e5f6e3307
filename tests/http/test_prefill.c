/* Pre-fill over real HTTP: the CLC of phường Đằng Lâm recorded activities in Hải Phòng's 2022
 * campaign (two held computer/language classes with 35 and 20 people, one planned, one
 * cancelled, a held seminar with 60). Its results form shows under each line fed by them the
 * suggested figure and its sources (2 / 55 / 1 / 60) with what was not counted and why;
 * "Điền các số gợi ý" (GET ?prefill=1) puts the figures into the inputs without saving
 * anything; the officer's save stores them and the ward's roll-up shows them; a submitted
 * report shows the hints but offers no filling; the JSON API carries "prefill"; a unit without
 * activities and a level show no hints. */
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
#include "core/buf.h"
#include "domain/accounts.h"
#include "domain/demo.h"
#include "helper_app.h"

#define PASSWORD "Goi-y-hoat-dong-22"
#define CLC "HA-11413-TTHTCD"
#define SCHOOL "HA-11413-TH"
#define WARD "11413"

static char tmpdir[] = "/tmp/suotdoi-pre-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t campaign;

static ha_client_t clerk, director, officer;

/* 03/10/2022 08:00 in Vietnam (01:00 UTC), plus d days. */
#define DAY(d) (INT64_C(1664758800) + (d)*INT64_C(86400))

static int
add_activity(const unit_tree_t *t, int32_t unit, const char *kind, const char *title,
             const char *status, int64_t start, int64_t actual)
{
	buf_t path = BUF_INIT;
	unit_tree_path(t, unit, &path);
	store_activity_t a = {
	        .campaign_id = campaign,
	        .unit_id = t->units[unit].id,
	        .unit_path = buf_cstr(&path),
	        .kind = kind,
	        .title = title,
	        .description = "",
	        .start_at = start,
	        .end_at = start + 2 * 3600,
	        .place = "Nhà văn hóa phường Đằng Lâm",
	        .mode = "truc_tiep",
	        .link = "",
	        .audience = "Người dân trong phường",
	        .expected = 40,
	        .is_public = 1,
	        .status = status,
	        .actual = actual,
	        .outcome = "",
	        .created_at = start - 7 * 86400,
	        .updated_at = start - 7 * 86400,
	};
	int64_t id, version;
	int rc = store_activity_save(app.store, &a, 0, &id, &version);
	buf_free(&path);
	return rc;
}

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "p.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	unit_tree_t *t = app_tree(&app);
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &campaign);
	int32_t clc = unit_tree_find_code(t, CLC);
	if (rc == 0 && clc >= 0) {
		rc |= add_activity(t, clc, "lop_ngoai_ngu_tin_hoc",
		                   "Lớp tin học cho người cao tuổi", "held", DAY(0), 35);
		rc |= add_activity(t, clc, "lop_ngoai_ngu_tin_hoc", "Lớp tiếng Anh giao tiếp",
		                   "held", DAY(1), 20);
		rc |= add_activity(t, clc, "lop_ngoai_ngu_tin_hoc", "Lớp tin học văn phòng",
		                   "planned", DAY(5), -1);
		rc |= add_activity(t, clc, "lop_ngoai_ngu_tin_hoc", "Lớp tiếng Trung sơ cấp",
		                   "cancelled", DAY(2), -1);
		rc |= add_activity(t, clc, "hoi_thao", "Tọa đàm học tập suốt đời", "held", DAY(3),
		                   60);
	}
	unit_tree_unref(t);
	if (rc != 0 || clc < 0)
		return -1;
	ha_user(&app, "nhaplieu.clc", CLC, ROLE_ENTRY, PASSWORD);
	ha_user(&app, "giamdoc.clc", CLC, ROLE_HEAD, PASSWORD);
	ha_user(&app, "chuyenvien.haian", "306", ROLE_OVERSEER, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &clerk, "nhaplieu.clc", PASSWORD) != 303 ||
	    ha_login(port, &director, "giamdoc.clc", PASSWORD) != 303 ||
	    ha_login(port, &officer, "chuyenvien.haian", PASSWORD) != 303)
		return -1;
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

/* The page of a report as c sees it (the body, malloc'd). */
static char *
page(ha_client_t *c, const char *unit, const char *query)
{
	hc_resp_t r = ha_req(port, c, "GET", path_of(unit, query), NULL, 0);
	if (r.status != 200)
		fail_msg("GET %s: %ld", path_of(unit, query), r.status);
	char *s = strdup(buf_cstr(&r.body));
	hc_resp_free(&r);
	return s;
}

/* The table row of item code: from its label to the end of its row (malloc'd). */
static char *
row(const char *html, const char *code)
{
	char pat[80];
	snprintf(pat, sizeof pat, "<label for=\"f-%s\">", code);
	const char *b = strstr(html, pat);
	if (b == NULL)
		fail_msg("no row %s", code);
	const char *e = strstr(b, "</tr>");
	assert_non_null(e);
	return strndup(b, (size_t)(e - b));
}

static void
row_has(const char *html, const char *code, const char *want)
{
	char *r = row(html, code);
	if (strstr(r, want) == NULL)
		fail_msg("row %s lacks \"%s\":\n%s", code, want, r);
	free(r);
}

static void
row_lacks(const char *html, const char *code, const char *what)
{
	char *r = row(html, code);
	if (strstr(r, what) != NULL)
		fail_msg("row %s has \"%s\":\n%s", code, what, r);
	free(r);
}

/* value="..." of the input of item code. */
static void
input_value(const char *html, const char *code, char *out, size_t cap)
{
	char pat[80];
	snprintf(pat, sizeof pat, "<input id=\"f-%s\"", code);
	const char *p = strstr(html, pat);
	if (p == NULL)
		fail_msg("no input %s", code);
	p = strstr(p, "value=\"");
	assert_non_null(p);
	p += strlen("value=\"");
	snprintf(out, cap, "%.*s", (int)strcspn(p, "\""), p);
}

static void
expect_input(const char *html, const char *code, const char *want)
{
	char v[64];
	input_value(html, code, v, sizeof v);
	if (strcmp(v, want) != 0)
		fail_msg("input %s: \"%s\", expected \"%s\"", code, v, want);
}

static long
version_in(const char *html)
{
	const char *p = strstr(html, "name=\"version\" value=\"");
	assert_non_null(p);
	return atol(p + strlen("name=\"version\" value=\""));
}

static json_t *
get_json(ha_client_t *c, const char *path)
{
	hc_resp_t r = ha_req(port, c, "GET", path, NULL, 0);
	if (r.status != 200)
		fail_msg("GET %s: %ld %.300s", path, r.status, buf_cstr(&r.body));
	json_error_t e;
	json_t *j = json_loads(buf_cstr(&r.body), 0, &e);
	assert_non_null(j);
	hc_resp_free(&r);
	return j;
}

static int64_t
total(const char *unit, const char *item, int drafts)
{
	char p[300];
	snprintf(p, sizeof p, "/api/v1/campaigns/%lld/units/%s%s", (long long)campaign, unit,
	         drafts ? "?drafts=1" : "");
	json_t *j = get_json(&officer, p);
	int64_t v = json_integer_value(json_object_get(json_object_get(j, "totals"), item));
	json_decref(j);
	return v;
}

#define FILL_LINK "report?prefill=1\">Điền các số gợi ý</a>"

static void
test_hints(void **state)
{
	(void)state;
	char *html = page(&clerk, CLC, "/report");
	/* each line fed by activities: the figure, the counted sources, the others and why */
	row_has(html, "5.2.lop", "Từ hoạt động đã ghi nhận: <strong class=\"num\">2</strong>");
	row_has(html, "5.2.lop",
	        "<li>Lớp tin học cho người cao tuổi — 03/10/2022: <strong>+1"
	        "</strong></li>");
	row_has(html, "5.2.lop", "<li>Lớp tiếng Anh giao tiếp — 04/10/2022: <strong>+1</strong>");
	row_has(html, "5.2.lop",
	        "Lớp tin học văn phòng — 08/10/2022: không tính (chưa ghi nhận "
	        "đã tổ chức)");
	row_has(html, "5.2.lop", "Lớp tiếng Trung sơ cấp — 05/10/2022: không tính (đã hủy)");
	row_has(html, "5.2.lop", "Nguồn: 2 hoạt động được tính, 2 không tính");
	row_has(html, "5.2.nguoi", "Từ hoạt động đã ghi nhận: <strong class=\"num\">55</strong>");
	row_has(html, "4.hoi_thao", "Nguồn: 1 hoạt động</summary>");
	row_has(html, "5.2.nguoi", "Lớp tin học cho người cao tuổi — 03/10/2022: <strong>+35");
	row_has(html, "5.2.nguoi", "Lớp tiếng Anh giao tiếp — 04/10/2022: <strong>+20");
	row_has(html, "4.hoi_thao", "Từ hoạt động đã ghi nhận: <strong class=\"num\">1</strong>");
	row_has(html, "4.hoi_thao", "Tọa đàm học tập suốt đời — 06/10/2022: <strong>+1");
	row_has(html, "4.nguoi", "Từ hoạt động đã ghi nhận: <strong class=\"num\">60</strong>");
	row_has(html, "4.nguoi", "<strong>+60</strong>");
	/* lines without activities, or without a `from`, have no hint */
	row_lacks(html, "5.1.lop", "Từ hoạt động");
	row_lacks(html, "4.trien_lam", "Từ hoạt động");
	row_lacks(html, "2.bao", "Từ hoạt động");
	/* nothing saved yet: no difference to flag; the inputs are empty; the fill link */
	assert_null(strstr(html, "khác số đã nhập"));
	expect_input(html, "5.2.lop", "");
	assert_non_null(strstr(html, "4 dòng có số gợi ý"));
	assert_non_null(strstr(html, FILL_LINK));
	assert_null(strstr(html, "Đã điền số gợi ý"));
	free(html);

	/* an upper level opening the unit's report sees the same hints */
	html = page(&officer, CLC, "/report");
	row_has(html, "5.2.nguoi", "<strong class=\"num\">55</strong>");
	free(html);
}

static void
test_api(void **state)
{
	(void)state;
	char p[300];
	snprintf(p, sizeof p, "/api/v1/campaigns/%lld/units/%s/report", (long long)campaign, CLC);
	json_t *j = get_json(&clerk, p);
	json_t *pf = json_object_get(j, "prefill");
	assert_true(json_is_object(pf));
	assert_int_equal(json_object_size(pf), 4);
	json_t *lop = json_object_get(pf, "5.2.lop");
	assert_int_equal(json_integer_value(json_object_get(lop, "value")), 2);
	assert_int_equal(json_integer_value(json_object_get(lop, "counted")), 2);
	assert_true(json_is_null(json_object_get(lop, "saved")));
	assert_false(json_is_true(json_object_get(lop, "differs")));
	json_t *src = json_object_get(lop, "sources"), *skip = json_object_get(lop, "not_counted");
	assert_int_equal(json_array_size(src), 2);
	assert_int_equal(json_array_size(skip), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(src, 0), "title")),
	                    "Lớp tin học cho người cao tuổi");
	assert_string_equal(json_string_value(json_object_get(json_array_get(src, 0), "date")),
	                    "03/10/2022");
	assert_true(json_integer_value(json_object_get(json_array_get(src, 0), "activity")) > 0);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(src, 0), "add")), 1);
	/* the not counted in date order: the cancelled one (05/10) before the planned (08/10) */
	assert_string_equal(json_string_value(json_object_get(json_array_get(skip, 0), "reason")),
	                    "đã hủy");
	assert_string_equal(json_string_value(json_object_get(json_array_get(skip, 1), "reason")),
	                    "chưa ghi nhận đã tổ chức");
	assert_int_equal(
	        json_integer_value(json_object_get(json_object_get(pf, "5.2.nguoi"), "value")), 55);
	assert_int_equal(
	        json_integer_value(json_object_get(json_object_get(pf, "4.hoi_thao"), "value")), 1);
	assert_int_equal(
	        json_integer_value(json_object_get(json_object_get(pf, "4.nguoi"), "value")), 60);
	assert_null(json_object_get(pf, "5.1.lop"));
	json_decref(j);

	/* a unit without activities: an empty "prefill" */
	snprintf(p, sizeof p, "/api/v1/campaigns/%lld/units/%s/report", (long long)campaign,
	         SCHOOL);
	j = get_json(&officer, p);
	pf = json_object_get(j, "prefill");
	assert_true(json_is_object(pf));
	assert_int_equal(json_object_size(pf), 0);
	json_decref(j);
}

static void
test_no_activities(void **state)
{
	(void)state;
	/* a school that recorded nothing */
	char *html = page(&officer, SCHOOL, "/report");
	assert_null(strstr(html, "Từ hoạt động đã ghi nhận"));
	assert_null(strstr(html, "Điền các số gợi ý"));
	assert_null(strstr(html, "dòng có số gợi ý"));
	free(html);
	html = page(&officer, SCHOOL, "/report?prefill=1");
	assert_null(strstr(html, "Đã điền số gợi ý"));
	expect_input(html, "5.2.lop", "");
	free(html);
	/* a level compiles totals: no hints either, even above the CLC */
	html = page(&officer, WARD, "/report");
	assert_null(strstr(html, "Từ hoạt động đã ghi nhận"));
	free(html);
}

static long
post(ha_client_t *c, const char *action, const char *fields)
{
	char *html = page(c, CLC, "/report");
	char body[2048];
	snprintf(body, sizeof body, "csrf=%s&version=%ld&%s", c->csrf, version_in(html), fields);
	free(html);
	hc_resp_t r =
	        ha_post_page_body(port, c, path_of(CLC, "/report"), path_of(CLC, action), body);
	long st = r.status;
	if (st != 303)
		print_message("POST %s -> %ld: %.600s\n", action, st,
		              strstr(buf_cstr(&r.body), "msg err")
		                      ? strstr(buf_cstr(&r.body), "msg err")
		                      : "");
	hc_resp_free(&r);
	return st;
}

static void
test_fill_and_save(void **state)
{
	(void)state;
	char *before = page(&clerk, CLC, "/report");
	long v0 = version_in(before);
	free(before);
	/* the fill: the suggestions in the inputs, a notice, nothing saved */
	char *html = page(&clerk, CLC, "/report?prefill=1");
	expect_input(html, "5.2.lop", "2");
	expect_input(html, "5.2.nguoi", "55");
	expect_input(html, "4.hoi_thao", "1");
	expect_input(html, "4.nguoi", "60");
	expect_input(html, "5.1.lop", "");
	expect_input(html, "4.trien_lam", "");
	assert_non_null(strstr(html, "Đã điền số gợi ý từ các hoạt động đã ghi nhận vào 4 dòng"));
	assert_non_null(strstr(html, "<li>Mục 5 — Số lớp bồi dưỡng nâng cao trình độ ngoại ngữ, "
	                             "tin học: <strong>2</strong></li>"));
	assert_non_null(strstr(html, "<li>Mục 4 — Số người tham gia: <strong>60</strong></li>"));
	assert_non_null(strstr(html, "Chưa có gì được lưu"));
	row_has(html, "5.2.lop", "đã điền, chưa lưu");
	assert_null(strstr(html, FILL_LINK)); /* already filled */
	/* the group heading's total follows the filled figures */
	assert_non_null(strstr(html, "Tổng: 2 lớp, 55 lượt"));
	free(html);
	html = page(&clerk, CLC, "/report");
	assert_int_equal(version_in(html), v0);
	expect_input(html, "5.2.lop", "");
	free(html);

	/* the officer saves what the filled form holds (as a browser would post it) */
	html = page(&clerk, CLC, "/report?prefill=1");
	char fields[1024], v[4][32];
	static const char *const codes[4] = {"5.2.lop", "5.2.nguoi", "4.hoi_thao", "4.nguoi"};
	for (int k = 0; k < 4; k++)
		input_value(html, codes[k], v[k], sizeof v[k]);
	free(html);
	snprintf(fields, sizeof fields,
	         "v.1.ke_hoach=1&v.5.2.lop=%s&v.5.2.nguoi=%s&v.4.hoi_thao=%s&v.4.nguoi=%s", v[0],
	         v[1], v[2], v[3]);
	assert_int_equal(post(&clerk, "/report", fields), 303);
	html = page(&clerk, CLC, "/report");
	expect_input(html, "5.2.lop", "2");
	expect_input(html, "5.2.nguoi", "55");
	expect_input(html, "4.nguoi", "60");
	assert_null(strstr(html, "khác số đã nhập"));
	assert_null(strstr(html, FILL_LINK)); /* nothing left to fill */
	assert_non_null(strstr(html, "4 dòng có số gợi ý"));
	free(html);
	html = page(&clerk, CLC, "/report?prefill=1");
	assert_non_null(strstr(html, "không có dòng nào cần điền"));
	free(html);
	/* the ward's roll-up (drafts switched in) shows them */
	assert_int_equal(total(WARD, "5.2.lop", 1), 2);
	assert_int_equal(total(WARD, "5.2.nguoi", 1), 55);
	assert_int_equal(total(WARD, "4.nguoi", 1), 60);
	assert_int_equal(total(WARD, "5.2.nguoi", 0), 0); /* a draft does not count yet */

	/* a correction by hand is flagged against the activities, and a fill offers it back */
	assert_int_equal(
	        post(&clerk, "/report",
	             "v.1.ke_hoach=1&v.5.2.lop=2&v.5.2.nguoi=50&v.4.hoi_thao=1&v.4.nguoi=60"),
	        303);
	html = page(&clerk, CLC, "/report");
	row_has(html, "5.2.nguoi", "khác số đã nhập: 50");
	row_lacks(html, "5.2.lop", "khác số đã nhập");
	assert_non_null(strstr(html, FILL_LINK));
	free(html);
	html = page(&clerk, CLC, "/report?prefill=1");
	assert_non_null(strstr(html, "vào 1 dòng"));
	/* a line whose label repeats in its group is named with the line above it */
	assert_non_null(strstr(html, "<li>Mục 5 — Số lượt người tham gia (ứng với dòng “Số lớp bồi "
	                             "dưỡng nâng cao trình độ ngoại ngữ, tin học”): <strong>55"
	                             "</strong></li>"));
	expect_input(html, "5.2.nguoi", "55");
	expect_input(html, "5.2.lop", "2");
	free(html);

	/* the director submits with 55; the submitted report shows hints but offers no fill */
	assert_int_equal(
	        post(&director, "/submit",
	             "v.1.ke_hoach=1&v.5.2.lop=2&v.5.2.nguoi=55&v.4.hoi_thao=1&v.4.nguoi=60"),
	        303);
	assert_int_equal(total(WARD, "5.2.nguoi", 0), 55);
	assert_int_equal(total("306", "5.2.lop", 0), 2);
	html = page(&director, CLC, "/report?prefill=1");
	row_has(html, "5.2.nguoi", "<strong class=\"num\">55</strong>");
	assert_null(strstr(html, "Điền các số gợi ý"));
	assert_null(strstr(html, "Đã điền số gợi ý"));
	expect_input(html, "5.2.nguoi", "55");
	free(html);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_hints),
	        cmocka_unit_test(test_api),
	        cmocka_unit_test(test_no_activities),
	        cmocka_unit_test(test_fill_and_save),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
