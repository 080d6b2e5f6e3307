/* The unit pages, search and JSON through time, over a real server: a dated change on
 * 01/07/2025 (Quận Hải An and its wards close; a new ward 11413 "Phường Hải An" opens under
 * the city, formed from the old 11413 wholly and from 11414 in part; the schools of Đằng Lâm
 * move into it, a school of Tràng Cát moves to Tiên Lãng; the district's own bodies stay
 * under the closed district, waiting to be placed). Then: each page and answer shows the
 * tree of its day, a unit's validity, placements, predecessors and successors with their
 * dates, and a unit's campaigns are those of its campaign's day. */
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
#include "domain/campaign.h"
#include "domain/demo.h"
#include "domain/units.h"
#include "helper_app.h"
#include "text/text.h"

#define PASSWORD "Thoigian@2025"

static char tmpdir[] = "/tmp/suotdoi-units-time-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static ha_client_t admin;
static int64_t demo_id, haian_id, tienlang_id; /* 2022 campaigns of 31, 306, 315 */

static hc_resp_t
get(ha_client_t *c, const char *path)
{
	return ha_req(port, c, "GET", path, NULL, 0);
}

/* GET path (anonymous or as c): the status, and each of the NULL-terminated needles in
 * the body ("!" first: must not be there). */
static void
expect_as(ha_client_t *c, const char *path, long status, ...)
{
	hc_resp_t r = get(c, path);
	const char *body = buf_cstr(&r.body);
	if (r.status != status)
		fail_msg("%s: status %ld (want %ld):\n%.800s", path, r.status, status, body);
	va_list ap;
	va_start(ap, status);
	for (const char *n; (n = va_arg(ap, const char *)) != NULL;) {
		int neg = n[0] == '!';
		if ((strstr(body, n + neg) != NULL) == neg)
			fail_msg("%s: body %s \"%s\"", path, neg ? "has" : "lacks", n + neg);
	}
	va_end(ap);
	hc_resp_free(&r);
}

#define expect(path, status, ...) expect_as(NULL, path, status, __VA_ARGS__, (const char *)NULL)

static json_t *
get_json(const char *path, long status)
{
	hc_resp_t r = get(NULL, path);
	if (r.status != status)
		fail_msg("%s: status %ld (want %ld): %.400s", path, r.status, status,
		         buf_cstr(&r.body));
	json_error_t e;
	json_t *j = json_loads(buf_cstr(&r.body), 0, &e);
	if (!j)
		fail_msg("%s: bad JSON: %s", path, e.text);
	hc_resp_free(&r);
	return j;
}

static const char *
jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_string(v))
		fail_msg("\"%s\" is not a string", key);
	return json_string_value(v);
}

static int64_t
unit_id(const unit_tree_t *t, const char *code)
{
	int32_t i = unit_tree_find_code(t, code);
	if (i < 0)
		fail_msg("no unit %s", code);
	return t->units[i].id;
}

/* A 2022 campaign issued by code (its tree: 01/10/2022's). */
static int64_t
campaign_of(const unit_tree_t *t, const char *code, const char *name, int64_t template_id)
{
	store_campaign_t c = {.issuer_unit_id = unit_id(t, code),
	                      .template_id = template_id,
	                      .year = 2022,
	                      .name = name,
	                      .theme = "",
	                      .start_date = text_days_from_civil(2022, 10, 1),
	                      .end_date = text_days_from_civil(2022, 10, 7),
	                      .opening_time = "",
	                      .opening_place = "",
	                      .opening_participants = "",
	                      .status = "open",
	                      .expected_kinds = "truong_mn truong_th truong_thcs tthtcd",
	                      .deadlines = "",
	                      .created_at = 1664000000};
	int64_t id;
	assert_int_equal(store_campaign_save(app.store, &c, &id), 0);
	return id;
}

/* The change of 01/07/2025 (see the top of this file). */
static int
merge_haian(const unit_tree_t *t)
{
	const char *closing[] = {"306",   "11410", "11411", "11413", "11414",
	                         "11416", "11419", "11422", "11425"};
	int64_t close[9];
	for (int k = 0; k < 9; k++)
		close[k] = unit_id(t, closing[k]);
	store_unit_change_t open = {.code = "11413",
	                            .name = "Phường Hải An",
	                            .kind = "phuong",
	                            .parent_code = "31",
	                            .locality_code = "",
	                            .email = "",
	                            .phone = "",
	                            .active = 1};
	const char *schools[] = {"HA-11413-UBND", "HA-11413-TTHTCD", "HA-11413-MN", "HA-11413-TH",
	                         "HA-11413-THCS"};
	store_unit_move_t moves[6];
	for (int k = 0; k < 5; k++)
		moves[k] = (store_unit_move_t){unit_id(t, schools[k]), "11413", "11413"};
	moves[5] = (store_unit_move_t){unit_id(t, "HA-11425-TH"), "315", "315"};
	store_lineage_change_t lineage[] = {{"11413", unit_id(t, "11413"), "full"},
	                                    {"11413", unit_id(t, "11414"), "partial"}};
	store_registry_change_t c = {.as_of = text_days_from_civil(2025, 7, 1),
	                             .close = close,
	                             .nclose = 9,
	                             .open = &open,
	                             .nopen = 1,
	                             .moves = moves,
	                             .nmoves = 6,
	                             .lineage = lineage,
	                             .nlineage = 2,
	                             .at = 1751300000,
	                             .source = "test",
	                             .summary = "Sắp xếp quận Hải An"};
	char err[512];
	if (store_registry_apply(app.store, &c, err, sizeof err) < 0) {
		fprintf(stderr, "store_registry_apply: %s\n", err);
		return -1;
	}
	return 0;
}

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "t.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	unit_tree_t *t = app_tree(&app);
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &demo_id);
	campaign_t *c = NULL;
	char err[256];
	if (rc == 0 && campaign_load(app.store, demo_id, &c, err, sizeof err) == 1) {
		haian_id = campaign_of(t, "306", "Tuần lễ quận Hải An 2022", c->template_id);
		tienlang_id = campaign_of(t, "315", "Tuần lễ huyện Tiên Lãng 2022", c->template_id);
		rc = merge_haian(t);
	} else {
		rc = -1;
	}
	campaign_free(c);
	unit_tree_unref(t);
	if (rc < 0 || app_tree_reload(&app) < 0)
		return -1;
	ha_user(&app, "quantri.tg", "VN", ROLE_ADMIN, PASSWORD);
	if (ha_login(port, &admin, "quantri.tg", PASSWORD) != 303)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	http_server_stop(srv);
	app_close(&app);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The new ward today: its validity, what it was formed from (each old unit linked to its
 * last day), the schools moved into it. */
static void
test_new_unit_today(void **state)
{
	(void)state;
	expect("/units/11413", 200, "<h1>Phường Hải An</h1>", "Hoạt động từ 01/07/2025",
	       "Hình thành từ", "<a href=\"/units/11413?ngay=30/06/2025\">Phường Đằng Lâm</a>",
	       "mã 11413 · toàn bộ · từ ngày 01/07/2025",
	       "<a href=\"/units/11414?ngay=30/06/2025\">Phường Thành Tô</a>",
	       "mã 11414 · một phần · từ ngày 01/07/2025", "Trường Tiểu học Đằng Lâm",
	       "<a href=\"/units/31\">Thành phố Hải Phòng</a>", "!Quận Hải An", "!Cây đơn vị ngày",
	       "!Sau sắp xếp");
	/* the tree of today: the city holds the new ward, and the closed district only as the
	 * holder of its bodies */
	expect("/units/31", 200, "href=\"/units/11413\">Phường Hải An</a>",
	       "href=\"/units/306\">Quận Hải An</a>", "đã giải thể/sắp xếp lại");
}

/* The same code on the eve of the change is the old ward under its district, and every
 * link keeps that day. */
static void
test_old_unit_on_its_day(void **state)
{
	(void)state;
	const char *paths[] = {"/units/11413?ngay=30/06/2025", "/units/11413?ngay=2025-06-30"};
	for (int k = 0; k < 2; k++)
		expect(paths[k], 200, "<h1>Phường Đằng Lâm</h1>", "Cây đơn vị ngày 30/06/2025",
		       "<a href=\"/units/11413\">Xem ngày hôm nay</a>",
		       "<a href=\"/units/306?ngay=30/06/2025\">Quận Hải An</a>",
		       "href=\"/units/HA-11413-TH?ngay=30/06/2025\"", "Hoạt động đến 30/06/2025",
		       "Đã giải thể/sắp xếp lại từ 01/07/2025", "Sau sắp xếp",
		       "Sáp nhập vào <a href=\"/units/11413?ngay=01/07/2025\">Phường Hải An</a>",
		       "name=\"ngay\" value=\"2025-06-30\"", "!Hình thành từ");
	/* the whole tree on a past day, its links kept in that day */
	expect("/units?ngay=30/06/2025", 200, "Cây đơn vị ngày 30/06/2025",
	       "href=\"/units/31?ngay=30/06/2025\"");
	expect("/units/31?ngay=30/06/2025", 200, "href=\"/units/306?ngay=30/06/2025\">Quận Hải An",
	       "!Phường Hải An");
	/* a ward gone without a holder: its pages show its last day */
	expect("/units/11416", 200, "<h1>Phường Đằng Hải</h1>", "Cây đơn vị ngày 30/06/2025",
	       "Đã giải thể/sắp xếp lại từ 01/07/2025");
	/* on a day it did not exist: nothing under its code */
	expect("/units/11416?ngay=01/07/2025", 404, "Ngày 01/07/2025 không có đơn vị");
}

/* The closed district in today's tree: closed since 01/07/2025, linked to its last day,
 * and its bodies waiting to be placed. */
static void
test_closed_holder(void **state)
{
	(void)state;
	expect("/units/306", 200, "<h1>Quận Hải An</h1>", "Đã giải thể/sắp xếp lại từ 01/07/2025",
	       "<a href=\"/units/306?ngay=30/06/2025\">Xem đơn vị ngày 30/06/2025</a>",
	       "Các đơn vị sau chưa được xếp vào đơn vị hành chính mới",
	       "Phòng Giáo dục và Đào tạo quận Hải An", "!Phường Đằng Lâm", "!Cây đơn vị ngày");
	expect("/units/306?ngay=30/06/2025", 200, "Đang hoạt động", "Phường Đằng Lâm",
	       "!Các đơn vị sau chưa được xếp");
}

/* Search reads the tree of its day; its form and pager keep the day and the filters. */
static void
test_search_by_day(void **state)
{
	(void)state;
	expect("/search?q=%C4%90%E1%BA%B1ng+L%C3%A2m&kind=phuong", 200, "Không tìm thấy đơn vị nào",
	       "!>Phường Đằng Lâm</a>");
	expect("/search?q=dang+lam&kind=phuong&ngay=30/06/2025", 200,
	       "<a href=\"/units/11413?ngay=30/06/2025\">Phường Đằng Lâm</a>",
	       "Quận Hải An, Thành phố Hải Phòng", "Cây đơn vị ngày 30/06/2025",
	       "name=\"ngay\" value=\"2025-06-30\"", "name=\"kind\" value=\"phuong\"");
	expect("/search?q=hai+an&kind=phuong", 200, "href=\"/units/11413\">Phường Hải An</a>");
	expect("/search?q=hai+an&kind=phuong&ngay=30/06/2025", 200,
	       "!href=\"/units/11413?ngay=30/06/2025\">Phường Hải An</a>");
	/* the pager keeps the query (encoded), the kind and the day */
	expect("/search?q=xa&kind=xa&ngay=30/06/2025", 200,
	       "href=\"/search?q=xa&amp;kind=xa&amp;ngay=2025-06-30&amp;page=2\"");
}

static json_t *
find_code(json_t *units, const char *code)
{
	size_t k;
	json_t *u;
	json_array_foreach(units, k, u) if (!strcmp(jstr(u, "code"), code)) return u;
	fail_msg("no unit %s in the list", code);
	return NULL;
}

static void
test_api(void **state)
{
	(void)state;
	json_t *j = get_json("/api/v1/units/11413", 200);
	assert_string_equal(jstr(j, "name"), "Phường Hải An");
	assert_string_equal(jstr(j, "valid_from"), "2025-07-01");
	assert_true(json_is_null(json_object_get(j, "valid_to")));
	assert_true(json_is_false(json_object_get(j, "closed")));
	assert_string_equal(jstr(j, "parent"), "31");
	json_t *pred = json_object_get(j, "predecessors");
	assert_int_equal(json_array_size(pred), 2);
	json_t *p = find_code(pred, "11413");
	assert_string_equal(jstr(p, "name"), "Phường Đằng Lâm");
	assert_string_equal(jstr(p, "kind"), "full");
	assert_string_equal(jstr(p, "date"), "2025-07-01");
	p = find_code(pred, "11414");
	assert_string_equal(jstr(p, "name"), "Phường Thành Tô");
	assert_string_equal(jstr(p, "kind"), "partial");
	assert_string_equal(jstr(p, "date"), "2025-07-01");
	assert_int_equal(json_array_size(json_object_get(j, "successors")), 0);
	/* the day used, echoed */
	int y, m, d;
	text_civil_from_days(unit_today(), &y, &m, &d);
	char today[16];
	snprintf(today, sizeof today, "%04d-%02d-%02d", y, m, d);
	assert_string_equal(jstr(j, "as_of"), today);
	json_decref(j);

	j = get_json("/api/v1/units/11413?as_of=2025-06-30", 200);
	assert_string_equal(jstr(j, "name"), "Phường Đằng Lâm");
	assert_string_equal(jstr(j, "as_of"), "2025-06-30");
	assert_string_equal(jstr(j, "parent"), "306");
	assert_true(json_is_null(json_object_get(j, "valid_from")));
	assert_string_equal(jstr(j, "valid_to"), "2025-06-30");
	assert_int_equal(json_array_size(json_object_get(j, "predecessors")), 0);
	json_t *succ = json_object_get(j, "successors");
	assert_int_equal(json_array_size(succ), 1);
	p = json_array_get(succ, 0);
	assert_string_equal(jstr(p, "code"), "11413");
	assert_string_equal(jstr(p, "name"), "Phường Hải An");
	assert_string_equal(jstr(p, "kind"), "full");
	assert_string_equal(jstr(p, "date"), "2025-07-01");
	json_decref(j);

	/* dd/mm/yyyy is taken too */
	j = get_json("/api/v1/units/11414?as_of=30/06/2025", 200);
	succ = json_object_get(j, "successors");
	assert_int_equal(json_array_size(succ), 1);
	assert_string_equal(jstr(json_array_get(succ, 0), "kind"), "partial");
	json_decref(j);

	j = get_json("/api/v1/units/306", 200);
	assert_true(json_is_true(json_object_get(j, "closed")));
	assert_string_equal(jstr(j, "valid_to"), "2025-06-30");
	json_decref(j);

	/* a moved school: where it sat, each parent named on its day */
	j = get_json("/api/v1/units/HA-11413-TH", 200);
	json_t *pl = json_object_get(j, "placements");
	assert_int_equal(json_array_size(pl), 2);
	assert_string_equal(jstr(json_array_get(pl, 0), "name"), "Phường Đằng Lâm");
	assert_string_equal(jstr(json_array_get(pl, 0), "until"), "2025-06-30");
	assert_string_equal(jstr(json_array_get(pl, 1), "name"), "Phường Hải An");
	assert_string_equal(jstr(json_array_get(pl, 1), "since"), "2025-07-01");
	json_decref(j);

	/* lists: validity per unit, on the day asked */
	j = get_json("/api/v1/units?parent=31", 200);
	assert_string_equal(jstr(find_code(json_object_get(j, "units"), "11413"), "valid_from"),
	                    "2025-07-01");
	assert_string_equal(jstr(find_code(json_object_get(j, "units"), "306"), "valid_to"),
	                    "2025-06-30");
	json_decref(j);
	j = get_json("/api/v1/units?q=dang+lam&kind=phuong&as_of=2025-06-30", 200);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 1);
	json_t *u = json_array_get(json_object_get(j, "units"), 0);
	assert_true(json_is_null(json_object_get(u, "valid_from")));
	assert_string_equal(jstr(u, "valid_to"), "2025-06-30");
	assert_string_equal(jstr(j, "as_of"), "2025-06-30");
	json_decref(j);
	j = get_json("/api/v1/units?q=dang+lam&kind=phuong", 200);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 0);
	json_decref(j);
}

/* A day that is not a day is a 400 with a Vietnamese message, on pages and in the API. */
static void
test_bad_day(void **state)
{
	(void)state;
	expect("/units/11413?ngay=31/02/2025", 400, "không hợp lệ");
	expect("/search?q=xa&ngay=hom-qua", 400, "không hợp lệ");
	expect("/units?ngay=2025-13-01", 400, "không hợp lệ");
	json_t *j = get_json("/api/v1/units/11413?as_of=2025-02-30", 400);
	assert_non_null(strstr(jstr(json_object_get(j, "error"), "message"), "không hợp lệ"));
	json_decref(j);
	j = get_json("/api/v1/units?q=xa&as_of=1/7", 400);
	json_decref(j);
}

/* A unit's campaigns are those whose issuer held it on the campaign's day: the school that
 * left the district keeps the district's 2022 campaign, the one that joined Tiên Lãng does
 * not gain Tiên Lãng's. */
static void
test_campaigns_of_moved_school(void **state)
{
	(void)state;
	char demo[96], haian[96], tienlang[96];
	snprintf(demo, sizeof demo, "href=\"/campaigns/%lld/units/HA-11413-TH\"",
	         (long long)demo_id);
	snprintf(haian, sizeof haian, "href=\"/campaigns/%lld/units/HA-11413-TH\"",
	         (long long)haian_id);
	expect_as(
	        &admin, "/units/HA-11413-TH", 200, "Tuần lễ hưởng ứng học tập suốt đời năm 2022",
	        demo, "Tuần lễ quận Hải An 2022", haian, "!Tuần lễ huyện Tiên Lãng 2022",
	        "Thuộc <a href=\"/units/11413?ngay=30/06/2025\">Phường Đằng Lâm</a> đến 30/06/2025",
	        "Thuộc <a href=\"/units/11413?ngay=01/07/2025\">Phường Hải An</a> từ 01/07/2025",
	        (const char *)NULL);
	snprintf(tienlang, sizeof tienlang, "/campaigns/%lld/", (long long)tienlang_id);
	expect_as(&admin, "/units/HA-11425-TH", 200, "Tuần lễ hưởng ứng học tập suốt đời năm 2022",
	          "Tuần lễ quận Hải An 2022", "!Tuần lễ huyện Tiên Lãng 2022", (const char *)NULL);
	/* a Tiên Lãng school that never moved has Tiên Lãng's */
	expect_as(&admin, "/units/315", 200, "Tuần lễ huyện Tiên Lãng 2022", tienlang,
	          "!Tuần lễ quận Hải An 2022", (const char *)NULL);
	/* the campaign list, for the moved school's principal: the district's 2022 campaign
	 * is read on its own tree, where the school was the district's */
	ha_client_t principal = {0};
	ha_user(&app, "ht.danglam", "HA-11413-TH", ROLE_HEAD, PASSWORD);
	assert_int_equal(ha_login(port, &principal, "ht.danglam", PASSWORD), 303);
	expect_as(&principal, "/campaigns", 200, "Tuần lễ quận Hải An 2022", haian, demo,
	          (const char *)NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_new_unit_today),
	        cmocka_unit_test(test_old_unit_on_its_day),
	        cmocka_unit_test(test_closed_holder),
	        cmocka_unit_test(test_search_by_day),
	        cmocka_unit_test(test_api),
	        cmocka_unit_test(test_bad_day),
	        cmocka_unit_test(test_campaigns_of_moved_school),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
