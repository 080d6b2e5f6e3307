/* The registry through time from the admin pages, over real HTTP without JavaScript: a
 * national administrator uploads the 2025-07 registry with its merge map and effective
 * date, reads the preview (nothing written yet), confirms; bad files and an effective date
 * before the current tree's are refused with the line and nothing written; a second upload
 * has nothing to do; the bodies left waiting are placed by the form and by a CSV. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "app/app.h"
#include "core/file.h"
#include "domain/accounts.h"
#include "domain/demo.h"
#include "helper_app.h"
#include "service/registry.h"
#include "service/reporting.h"
#include "text/text.h"

#define PASSWORD "Danh-muc-kiem-tra-7"

static char tmpdir[] = "/tmp/suotdoi-registry-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static ha_client_t admin, province;
static char *units07, *merges07;
static size_t units07_len, merges07_len;
static int64_t cid22; /* the demo's 2022 campaign, with reports from Hải An's schools */
static int64_t hp_admin, ha_officer; /* roles on 31 (merged wholly), 306 (abolished) */

typedef struct roles_of {
	int64_t units[8];
	int n;
} roles_of_t;

static int
role_unit(const store_role_t *r, void *p)
{
	roles_of_t *o = p;
	if (o->n < 8)
		o->units[o->n++] = r->unit_id;
	return 0;
}

static int
roles_count(int64_t user)
{
	roles_of_t o = {{0}, 0};
	assert_int_equal(store_roles_of_user(app.store, user, role_unit, &o), 0);
	return o.n;
}

static int
holds_on(int64_t user, int64_t unit_id)
{
	roles_of_t o = {{0}, 0};
	assert_int_equal(store_roles_of_user(app.store, user, role_unit, &o), 0);
	for (int k = 0; k < o.n; k++)
		if (o.units[k] == unit_id)
			return 1;
	return 0;
}

static size_t
sink(char *p, size_t s, size_t n, void *ud)
{
	buf_append(ud, p, s * n);
	return s * n;
}

/* POST a multipart form as a browser does: fields name=value pairs (NULL-terminated), then
 * files (name, filename, data, len), up to two. Status, body in *out. */
typedef struct file_part {
	const char *name, *filename;
	const char *data;
	size_t len;
} file_part_t;

static long
post_multipart(ha_client_t *c, const char *path, const char *const *fields,
               const file_part_t *files, size_t nfiles, buf_t *out)
{
	char url[400];
	snprintf(url, sizeof url, "http://127.0.0.1:%u%s", port, path);
	CURL *h = curl_easy_init();
	curl_mime *m = curl_mime_init(h);
	curl_mimepart *p = curl_mime_addpart(m);
	curl_mime_name(p, "csrf");
	curl_mime_data(p, c->csrf, CURL_ZERO_TERMINATED);
	for (size_t k = 0; fields && fields[k]; k += 2) {
		p = curl_mime_addpart(m);
		curl_mime_name(p, fields[k]);
		curl_mime_data(p, fields[k + 1], CURL_ZERO_TERMINATED);
	}
	for (size_t k = 0; k < nfiles; k++) {
		p = curl_mime_addpart(m);
		curl_mime_name(p, files[k].name);
		curl_mime_filename(p, files[k].filename);
		curl_mime_type(p, "text/csv");
		curl_mime_data(p, files[k].data, files[k].len);
	}
	curl_easy_setopt(h, CURLOPT_COOKIE, c->cookie);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_MIMEPOST, m);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
	long st = 0;
	if (curl_easy_perform(h) == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &st);
	curl_mime_free(m);
	curl_easy_cleanup(h);
	return st;
}

static long
preview(ha_client_t *c, const char *day, const char *units, size_t ulen, const char *merges,
        size_t mlen, buf_t *out)
{
	const char *fields[] = {"as_of_day", day, NULL};
	file_part_t f[2] = {{"units", "units-2025-07-01.csv", units, ulen},
	                    {"merges", "merges-2025-07-01.csv", merges, mlen}};
	return post_multipart(c, "/admin/registry/preview", fields, f, merges ? 2 : 1, out);
}

static void
expect_in(const buf_t *b, const char *needle)
{
	if (strstr(buf_cstr((buf_t *)b), needle) == NULL)
		fail_msg("expected \"%s\" in: %.3000s", needle, buf_cstr((buf_t *)b));
}

/* Submit school code's 2022 report with 2.bao = bao through the reporting service. */
static int
submit22(const unit_tree_t *t, const char *code, int64_t bao)
{
	live_campaign_t *lc;
	if (rep_live_get(app.live, app.store, t, cid22, &lc) != REP_OK)
		return -1;
	arena_t a = ARENA_INIT;
	rep_values_t v;
	rep_values_init(&a, lc->c->tpl, &v);
	const tpl_item_t *it = template_item(lc->c->tpl, "2.bao");
	v.num[it->col] = bao;
	v.has[it->col] = 1;
	rep_ctx_t cx = {app.store, t,   app.live, &a, 1665000000, {0, "operator", "", NULL, 0, 1},
	                NULL,      NULL};
	rep_input_t in = {.op = REP_SUBMIT, .values = &v, .expected_version = -1};
	rep_outcome_t out;
	rep_rc_t rc = rep_apply(&cx, lc, unit_tree_find_code(t, code), &in, &out);
	arena_free(&a);
	return rc == REP_OK ? 0 : -1;
}

/* The 2022 dashboard of unit code as the API answers it: the totals and each child's code
 * and totals, as one JSON text (the units' own fields, validity included, left out). */
static char *
dashboard22(const char *code)
{
	char path[200];
	snprintf(path, sizeof path, "/api/v1/campaigns/%lld/units/%s", (long long)cid22, code);
	hc_resp_t r = ha_req(port, &admin, "GET", path, NULL, 0);
	assert_int_equal(r.status, 200);
	json_error_t je;
	json_t *doc = json_loadb(r.body.data, r.body.len, 0, &je);
	hc_resp_free(&r);
	assert_non_null(doc);
	json_t *kids = json_array(), *c;
	size_t k;
	json_array_foreach(json_object_get(doc, "children"), k, c) json_array_append_new(
	        kids,
	        json_pack("{s:O,s:O,s:O}", "code", json_object_get(c, "code"), "name",
	                  json_object_get(c, "name"), "totals", json_object_get(c, "totals")));
	json_t *keep =
	        json_pack("{s:O,s:o}", "totals", json_object_get(doc, "totals"), "children", kids);
	char *s = json_dumps(keep, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(keep);
	json_decref(doc);
	return s;
}

static int
setup(void **state)
{
	(void)state;
	char db[256], err[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "r.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	if (file_read_all(TEST_SOURCE_DIR "/data/dvhc/units-2025-07-01.csv", 1 << 24, &units07,
	                  &units07_len, err, sizeof err) < 0 ||
	    file_read_all(TEST_SOURCE_DIR "/data/dvhc/merges-2025-07-01.csv", 1 << 24, &merges07,
	                  &merges07_len, err, sizeof err) < 0)
		return -1;
	unit_tree_t *t = app_tree(&app);
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &cid22);
	const char *schools[] = {"HA-11413-TH", "HA-11413-THCS", "HA-11419-TH", "HA-11422-MN",
	                         "TL-11755-TH"};
	for (int k = 0; rc == 0 && k < 5; k++)
		rc = submit22(t, schools[k], 3 + k);
	unit_tree_unref(t);
	if (rc < 0)
		return -1;
	ha_user(&app, "quantri.vn", "VN", ROLE_ADMIN, PASSWORD);
	hp_admin = ha_user(&app, "quantri.hp", "31", ROLE_ADMIN, PASSWORD);
	ha_officer = ha_user(&app, "pgd.ha", "306", ROLE_OVERSEER, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &admin, "quantri.vn", PASSWORD) != 303 ||
	    ha_login(port, &province, "quantri.hp", PASSWORD) != 303)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	http_server_stop(srv);
	app_close(&app);
	free(units07);
	free(merges07);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		return -1;
	curl_global_cleanup();
	return 0;
}

/* Nothing written: the units generation and the tree's date as they were. */
static void
expect_unchanged(int64_t gen)
{
	assert_int_equal(store_units_generation(app.store), gen);
	assert_int_equal(store_registry_date(app.store), 0);
}

static void
test_preview_refusals_and_confirm(void **state)
{
	(void)state;
	buf_t out = BUF_INIT;
	hc_resp_t r = ha_req(port, &admin, "GET", "/admin/registry", NULL, 0);
	assert_int_equal(r.status, 200);
	expect_in(&r.body, "chưa có lần nhập nào kèm ngày hiệu lực");
	hc_resp_free(&r);
	/* the national administrator finds it in the menu; nobody else sees the link */
	r = ha_req(port, &admin, "GET", "/", NULL, 0);
	expect_in(&r.body, "<a href=\"/admin/registry\">");
	hc_resp_free(&r);
	r = ha_req(port, &province, "GET", "/", NULL, 0);
	assert_null(strstr(buf_cstr(&r.body), "/admin/registry"));
	hc_resp_free(&r);
	/* a province's administrator is not the whole system's */
	r = ha_req(port, &province, "GET", "/admin/registry", NULL, 0);
	assert_int_equal(r.status, 403);
	hc_resp_free(&r);
	int64_t gen = store_units_generation(app.store);

	/* refusals, each naming what to fix, nothing written */
	assert_int_equal(
	        preview(&admin, "31/02/2025", units07, units07_len, merges07, merges07_len, &out),
	        400);
	expect_in(&out, "Ngày hiệu lực không hợp lệ");
	buf_reset(&out);
	buf_t bad = BUF_INIT;
	buf_append(&bad, merges07, merges07_len);
	buf_puts(&bad, "31,Thành phố Hải Phòng,99999,Xã Không Có,full\n");
	assert_int_equal(
	        preview(&admin, "01/07/2025", units07, units07_len, bad.data, bad.len, &out), 400);
	expect_in(&out, "99999");
	expect_in(&out, "Không có dữ liệu nào được ghi");
	buf_reset(&out);
	buf_reset(&bad);
	buf_append(&bad, merges07, merges07_len);
	buf_puts(&bad, "31,Thành phố Hải Phòng,11413,Phường Đằng Lâm,toàn phần\n");
	assert_int_equal(
	        preview(&admin, "01/07/2025", units07, units07_len, bad.data, bad.len, &out), 400);
	expect_in(&out, "dòng 10669");
	buf_reset(&out);
	buf_free(&bad);
	expect_unchanged(gen);

	/* the preview: counts and the bodies, still nothing written */
	assert_int_equal(
	        preview(&admin, "01/07/2025", units07, units07_len, merges07, merges07_len, &out),
	        200);
	expect_in(&out, "Xem trước: danh mục có hiệu lực từ 01/07/2025");
	expect_in(&out, "Xác nhận nhập danh mục");
	expect_in(&out, "HA-PGDDT");      /* waits: its district was abolished */
	expect_in(&out, "HP-SGDDT");      /* follows Hải Phòng, merged wholly */
	expect_in(&out, "<td>3355</td>"); /* rows of the registry */
	expect_unchanged(gen);
	const char *act = strstr(buf_cstr(&out), "/admin/registry/uploads/");
	assert_non_null(act);
	char path[200];
	int n = (int)strcspn(act, "\"");
	snprintf(path, sizeof path, "%.*s", n, act);
	buf_reset(&out);

	/* the bug: importing the later registry rewrote quận Hải An's 2022 totals */
	char *ha_before = dashboard22("306"), *hp_before = dashboard22("31");
	assert_non_null(strstr(ha_before, "\"2.bao\":18")); /* 3 + 4 + 5 + 6 */

	/* confirmed, with the roles carried to the successors of wholly merged units: the
	 * tree of today is the new one */
	char body[200];
	snprintf(body, sizeof body, "csrf=%s&carry_roles=1", admin.csrf);
	r = ha_req(port, &admin, "POST", path, body, 0);
	assert_int_equal(r.status, 303);
	char loc[200];
	assert_non_null(hc_header(&r, "Location", loc, sizeof loc));
	assert_non_null(strstr(loc, "/admin/registry?done=imported&roles="));
	assert_int_not_equal(atoi(strstr(loc, "roles=") + 6), 0);
	hc_resp_free(&r);
	/* Hải Phòng's administrator: also on the new city now, the old role kept; Hải An's
	 * officer: the district was abolished, nothing to carry */
	snprintf(body, sizeof body, "csrf=%s", admin.csrf);
	assert_int_equal(roles_count(hp_admin), 2);
	assert_int_equal(roles_count(ha_officer), 1);
	{
		unit_tree_t *nt = app_tree(&app);
		assert_true(holds_on(hp_admin, nt->units[unit_tree_find_code(nt, "31")].id));
		unit_tree_unref(nt);
		size_t again = 9;
		char rerr[300];
		assert_int_equal(registry_carry_roles(app.store, text_days_from_civil(2025, 7, 1),
		                                      0, &again, rerr, sizeof rerr),
		                 0);
		assert_int_equal(again, 0); /* a second run grants nothing */
	}
	assert_int_not_equal(store_units_generation(app.store), gen);
	int32_t jul1 = text_days_from_civil(2025, 7, 1);
	assert_int_equal(store_registry_date(app.store), jul1);
	r = ha_req(port, &admin, "GET", "/admin/registry", NULL, 0);
	expect_in(&r.body, "có hiệu lực từ <strong>01/07/2025</strong>");
	expect_in(&r.body, "units-2025-07-01.csv, merges-2025-07-01.csv");
	hc_resp_free(&r);
	/* the same upload cannot be applied twice */
	r = ha_req(port, &admin, "POST", path, body, 0);
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
	unit_tree_t *t = app_tree(&app);
	int32_t hp = unit_tree_find_code(t, "31");
	assert_true(hp >= 0);
	int provinces = 0;
	for (int32_t k = t->units[0].end - 1; k > 0; k--)
		provinces +=
		        t->units[k].depth == 1 && t->units[k].is_locality && !t->units[k].closed;
	assert_int_equal(provinces, 34);
	unit_tree_unref(t);
	/* ... and the 2022 campaign still adds up on the 2022 tree, figure for figure */
	char *ha_after = dashboard22("306"), *hp_after = dashboard22("31");
	assert_string_equal(ha_after, ha_before);
	assert_string_equal(hp_after, hp_before);
	free(ha_before);
	free(ha_after);
	free(hp_before);
	free(hp_after);
	char p22[200];
	snprintf(p22, sizeof p22, "/campaigns/%lld/units/11413", (long long)cid22);
	r = ha_req(port, &admin, "GET", p22, NULL, 0);
	assert_int_equal(r.status, 200);
	expect_in(&r.body, "Phường Đằng Lâm"); /* 11413 of 2022, not today's Phường Hải An */
	hc_resp_free(&r);

	/* again: nothing to do, nothing written */
	gen = store_units_generation(app.store);
	assert_int_equal(
	        preview(&admin, "01/07/2025", units07, units07_len, merges07, merges07_len, &out),
	        200);
	expect_in(&out, "không có gì thay đổi");
	assert_null(strstr(buf_cstr(&out), "Xác nhận nhập danh mục"));
	buf_reset(&out);
	assert_int_equal(store_units_generation(app.store), gen);
	/* a date before the current tree's */
	assert_int_equal(
	        preview(&admin, "01/06/2025", units07, units07_len, merges07, merges07_len, &out),
	        400);
	expect_in(&out, "01/07/2025");
	assert_int_equal(store_units_generation(app.store), gen);
	buf_free(&out);
}

/* The option value the pending page offers to move body code somewhere: "CODE=PARENT". */
static int
offered(const buf_t *page, const char *code, char *parent, size_t cap)
{
	char needle[64];
	snprintf(needle, sizeof needle, "value=\"%s=", code);
	const char *p = strstr(buf_cstr((buf_t *)page), needle);
	while (p && p[strlen(needle)] == '-') /* the close option */
		p = strstr(p + 1, needle);
	if (p == NULL)
		return -1;
	p += strlen(needle);
	snprintf(parent, cap, "%.*s", (int)strcspn(p, "\""), p);
	return 0;
}

static void
test_place_waiting_bodies(void **state)
{
	(void)state;
	hc_resp_t r = ha_req(port, &admin, "GET", "/admin/registry/pending", NULL, 0);
	assert_int_equal(r.status, 200);
	expect_in(&r.body, "HA-PGDDT");
	expect_in(&r.body, "HA-UBND");
	char parent[40];
	assert_int_equal(offered(&r.body, "HA-PGDDT", parent, sizeof parent), 0);
	hc_resp_free(&r);
	r = ha_req(port, &admin, "GET", "/admin/registry/pending.csv", NULL, 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(buf_cstr(&r.body), "code,parent_code,name,holder_code"));
	assert_non_null(strstr(buf_cstr(&r.body), "\"HA-PGDDT\",\"\""));
	hc_resp_free(&r);

	/* the form: one body placed, one closed with its district, the rest left waiting */
	char body[400];
	snprintf(body, sizeof body,
	         "csrf=%s&place=HA-PGDDT%%3D%s&place=HA-UBND%%3D-&place=", admin.csrf, parent);
	r = ha_req(port, &admin, "POST", "/admin/registry/place", body, 0);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	unit_tree_t *t = app_tree(&app);
	int32_t pgd = unit_tree_find_code(t, "HA-PGDDT");
	assert_true(pgd >= 0);
	assert_string_equal(t->units[t->units[pgd].parent].code, parent);
	assert_true(unit_tree_find_code(t, "HA-UBND") < 0); /* closed */
	unit_tree_unref(t);
	/* on the eve, both still under Quận Hải An */
	t = app_tree_at(&app, text_days_from_civil(2025, 6, 30));
	pgd = unit_tree_find_code(t, "HA-PGDDT");
	assert_string_equal(t->units[t->units[pgd].parent].code, "306");
	assert_true(unit_tree_find_code(t, "HA-UBND") >= 0);
	unit_tree_unref(t);

	/* the CSV: a bad row writes nothing; then a good one */
	buf_t out = BUF_INIT;
	const char *badcsv = "code,parent_code\nHA-TTGDNN,NOPE\n";
	file_part_t f = {"file", "xep.csv", badcsv, strlen(badcsv)};
	int64_t gen = store_units_generation(app.store);
	assert_int_equal(post_multipart(&admin, "/admin/registry/place.csv", NULL, &f, 1, &out),
	                 400);
	expect_in(&out, "NOPE");
	expect_in(&out, "Không có dữ liệu nào được ghi");
	assert_int_equal(store_units_generation(app.store), gen);
	buf_reset(&out);
	char good[200];
	snprintf(good, sizeof good, "code,parent_code\nHA-TTGDNN,%s\nHA-HKH,\n", parent);
	f = (file_part_t){"file", "xep.csv", good, strlen(good)};
	assert_int_equal(post_multipart(&admin, "/admin/registry/place.csv", NULL, &f, 1, &out),
	                 303);
	buf_free(&out);
	t = app_tree(&app);
	int32_t tt = unit_tree_find_code(t, "HA-TTGDNN");
	assert_string_equal(t->units[t->units[tt].parent].code, parent);
	/* an empty parent_code leaves the body waiting */
	int32_t hkh = unit_tree_find_code(t, "HA-HKH");
	assert_true(hkh >= 0);
	assert_true(t->units[t->units[hkh].parent].closed);
	unit_tree_unref(t);
	r = ha_req(port, &admin, "GET", "/admin/registry/pending", NULL, 0);
	assert_null(strstr(buf_cstr(&r.body), ">Phòng Giáo dục và Đào tạo quận Hải An"));
	expect_in(&r.body, "HA-HKH");
	hc_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_preview_refusals_and_confirm),
	        cmocka_unit_test(test_place_waiting_bodies),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
