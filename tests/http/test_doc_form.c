/* The drafting form without JavaScript, over real HTTP: huyện Gia Lâm's head opens the form
 * (addressees as check boxes grouped by kind, no Ctrl/⌘; the toolbar and preview only
 * appear with the script), posts a plan whose body has headings, a list, bold and italic
 * and two Kính gửi lines ticked in the boxes, and the stored document (read back through
 * the API) has exactly that markup, those addressees and Nơi nhận filled from Kính gửi plus
 * "Lưu: VT."; an edited Nơi nhận is kept as typed; on the edit form Nơi nhận follows Kính
 * gửi only while it still says what the form filled in. The script is served as a static
 * file within its size budget. */
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
#include "domain/demo.h"
#include "helper_app.h"

#define PASSWORD "Soan-thao-kiem-tra-22"

static char tmpdir[] = "/tmp/suotdoi-docform-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static ha_client_t head;

static const char body_text[] = "# I. MỤC ĐÍCH, YÊU CẦU\n"
                                "## 1. Mục đích\n"
                                "Tổ chức **Tuần lễ** thiết thực, *hiệu quả*.\n"
                                "### 1.1. Đối tượng\n"
                                "- Cán bộ, công chức;\n"
                                "- Người dân trên địa bàn.\n"
                                "[nhiệm vụ]";

static void
add(buf_t *b, const char *name, const char *value)
{
	CURL *c = curl_easy_init();
	char *v = curl_easy_escape(c, value, 0);
	buf_printf(b, "%s%s=%s", b->len ? "&" : "", name, v);
	curl_free(v);
	curl_easy_cleanup(c);
}

/* The form as the browser sends it with two Kính gửi lines: the Phòng GD&ĐT, and every xã
 * and thị trấn (two boxes ticked in one line); distribution and dist_auto as given (NULL:
 * empty); every other field of the form (doc_form.mustache) sent empty, as a browser does. */
static char *
form(const char *subject, const char *distribution, const char *dist_auto, const char *extra)
{
	buf_t b = BUF_INIT;
	add(&b, "csrf", head.csrf);
	add(&b, "kind", "kh");
	add(&b, "campaign", "");
	add(&b, "parent_body", "");
	add(&b, "drafter_abbr", "");
	add(&b, "date", "");
	add(&b, "subject", subject);
	add(&b, "body", "ỦY BAN NHÂN DÂN\r\nHUYỆN GIA LÂM");
	add(&b, "body_abbr", "UBND");
	add(&b, "place", "Gia Lâm");
	for (int i = 0; i < 2; i++) {
		char n[32];
		snprintf(n, sizeof n, "basis_text_%d", i);
		add(&b, n, "");
		snprintf(n, sizeof n, "basis_doc_%d", i);
		add(&b, n, "");
	}
	add(&b, "rcpt_text_0", "Phòng Giáo dục và Đào tạo");
	add(&b, "rcpt_units_0", "GL-PGDDT");
	add(&b, "rcpt_text_1", "Ủy ban nhân dân các xã, thị trấn.");
	add(&b, "rcpt_units_1", "kind:xa");
	add(&b, "rcpt_units_1", "kind:thi_tran");
	add(&b, "rcpt_text_2", "");
	add(&b, "text", body_text);
	for (int i = 0; i < 3; i++) {
		static const char *const row[] = {"duty_role_%d", "duty_due_%d", "duty_who_%d",
		                                  "duty_task_%d"};
		for (size_t k = 0; k < 4; k++) {
			char n[32];
			snprintf(n, sizeof n, row[k], i);
			add(&b, n, k == 0 ? (i == 0 ? "chu_tri" : "phoi_hop") : "");
		}
	}
	add(&b, "distribution", distribution);
	add(&b, "dist_auto", dist_auto ? dist_auto : "");
	add(&b, "signer_tm", "ỦY BAN NHÂN DÂN");
	add(&b, "signer_authority", "KT.");
	add(&b, "signer_head", "CHỦ TỊCH");
	add(&b, "signer_position", "PHÓ CHỦ TỊCH");
	add(&b, "signer_name", "Nguyễn Văn Thử");
	add(&b, "annex_label_0", "");
	add(&b, "annex_title_0", "");
	add(&b, "annex_subtitle_0", "");
	add(&b, "annex_text_0", "");
	if (extra)
		buf_printf(&b, "&%s", extra);
	return buf_steal(&b, NULL);
}

static int64_t
post_new(const char *body)
{
	hc_resp_t r = ha_post_page_over(port, &head, "/units/018/docs/new", "/units/018/docs", body);
	char loc[300];
	if (r.status != 303 || !hc_header(&r, "Location", loc, sizeof loc))
		fail_msg("create: %ld %s", r.status, buf_cstr(&r.body));
	hc_resp_free(&r);
	const char *p = strstr(loc, "/docs/");
	assert_non_null(p);
	return strtoll(p + 6, NULL, 10);
}

static json_t *
doc_json(int64_t id)
{
	char path[200];
	snprintf(path, sizeof path, "/api/v1/units/018/docs/%lld", (long long)id);
	hc_resp_t r = ha_req(port, &head, "GET", path, NULL, 0);
	assert_int_equal(r.status, 200);
	json_t *j = json_loads(buf_cstr(&r.body), 0, NULL);
	hc_resp_free(&r);
	assert_non_null(j);
	return j;
}

/* The document's distribution joined by "|". */
static char *
distribution_of(json_t *j)
{
	buf_t b = BUF_INIT;
	size_t k;
	json_t *l;
	json_array_foreach(json_object_get(json_object_get(j, "document"), "distribution"), k, l)
	        buf_printf(&b, "%s%s", k ? "|" : "", json_string_value(l));
	return buf_steal(&b, NULL);
}

static void
expect_in(const char *page, const char *what)
{
	if (!strstr(page, what))
		fail_msg("the page lacks %s", what);
}

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "f.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	ha_user(&app, "lanhdao.gialam", "018", ROLE_HEAD, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return ha_login(port, &head, "lanhdao.gialam", PASSWORD) == 303 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	return ha_stop(srv, &app, tmpdir);
}

static void
test_form_without_script(void **state)
{
	(void)state;
	hc_resp_t r = ha_req(port, &head, "GET", "/units/018/docs/new", NULL, 0);
	assert_int_equal(r.status, 200);
	const char *p = buf_cstr(&r.body);
	/* several addressees without Ctrl/⌘: boxes, by kind, findable with the browser's find */
	expect_in(p, "<input type=\"checkbox\" name=\"rcpt_units_0\" value=\"GL-PGDDT\"");
	expect_in(p, "<input type=\"checkbox\" name=\"rcpt_units_0\" value=\"kind:xa\"");
	expect_in(p, "<input type=\"checkbox\" name=\"duty_units_0\" value=\"GL-PGDDT\"");
	expect_in(p, "<legend>Theo loại đơn vị</legend>");
	assert_null(strstr(p, "<select id=\"f-rcpt-units"));
	assert_null(strstr(p, "Ctrl"));
	/* the body stays a plain textarea; the toolbar and the search wait for the script */
	expect_in(p, "<textarea id=\"f-text\" name=\"text\"");
	expect_in(p, "aria-controls=\"f-text\" hidden>");
	expect_in(p, "<div class=\"rcpt-search\" hidden>");
	/* linked by content hash (long-cached; see tests/http/test_light.c) */
	expect_in(p, "<script src=\"/static/docform.js?v=");
	/* a new document: Nơi nhận is "Lưu: VT.", which is also what the form filled in */
	expect_in(p, "<input type=\"hidden\" name=\"dist_auto\" value=\"Lưu: VT.\">");
	expect_in(p, "name=\"distribution\" rows=\"4\" aria-describedby=\"f-distribution-hint\">"
	             "Lưu: VT.</textarea>");
	hc_resp_free(&r);
}

static void
test_saved_structure_and_distribution(void **state)
{
	(void)state;
	/* untouched Nơi nhận: filled from Kính gửi on the server */
	char *b = form("Kế hoạch không dùng JavaScript", "Lưu: VT.", "Lưu: VT.", NULL);
	int64_t id = post_new(b);
	free(b);
	json_t *j = doc_json(id), *d = json_object_get(j, "document");
	assert_string_equal(json_string_value(json_object_get(d, "text")), body_text);
	json_t *rc = json_object_get(d, "recipients");
	assert_int_equal(json_array_size(rc), 2);
	json_t *r0 = json_array_get(rc, 0), *r1 = json_array_get(rc, 1);
	assert_string_equal(json_string_value(json_object_get(r0, "text")),
	                    "Phòng Giáo dục và Đào tạo");
	assert_string_equal(json_string_value(json_array_get(json_object_get(r0, "units"), 0)),
	                    "GL-PGDDT");
	assert_int_equal(json_array_size(json_object_get(r1, "units")), 0);
	assert_int_equal(json_array_size(json_object_get(r1, "kinds")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(r1, "kinds"), 0)),
	                    "xa");
	assert_string_equal(json_string_value(json_array_get(json_object_get(r1, "kinds"), 1)),
	                    "thi_tran");
	char *dist = distribution_of(j);
	assert_string_equal(dist, "Phòng Giáo dục và Đào tạo;|Ủy ban nhân dân các xã, thị "
	                          "trấn;|Lưu: VT.");
	free(dist);
	json_decref(j);

	/* the officer wrote their own Nơi nhận: kept exactly (dashes dropped as before) */
	b = form("Kế hoạch có nơi nhận riêng", "- Như trên;\r\n- TT HU, TT HĐND huyện;\r\nLưu: VT, "
	                                        "GDĐT.",
	         "Lưu: VT.", NULL);
	id = post_new(b);
	free(b);
	j = doc_json(id);
	dist = distribution_of(j);
	assert_string_equal(dist, "Như trên;|TT HU, TT HĐND huyện;|Lưu: VT, GDĐT.");
	free(dist);
	json_decref(j);

	/* an empty dist_auto (the box was not filled from Kính gửi): as typed */
	b = form("Kế hoạch không có dist_auto", "Lưu: VT.", NULL, NULL);
	id = post_new(b);
	free(b);
	j = doc_json(id);
	dist = distribution_of(j);
	assert_string_equal(dist, "Lưu: VT.");
	free(dist);
	json_decref(j);
}

static void
test_edit_form_follows_kinh_gui(void **state)
{
	(void)state;
	char *b = form("Kế hoạch sửa lại", "Lưu: VT.", "Lưu: VT.", NULL);
	int64_t id = post_new(b);
	free(b);
	char path[200];
	snprintf(path, sizeof path, "/units/018/docs/%lld", (long long)id);
	hc_resp_t r = ha_req(port, &head, "GET", path, NULL, 0);
	assert_int_equal(r.status, 200);
	const char *p = buf_cstr(&r.body);
	expect_in(p, "<input type=\"hidden\" name=\"dist_auto\" value=\"Phòng Giáo dục và Đào "
	             "tạo;\nỦy ban nhân dân các xã, thị trấn;\nLưu: VT.\">");
	expect_in(p, "name=\"rcpt_units_0\" value=\"GL-PGDDT\" data-print=\"Phòng Giáo dục và "
	             "Đào tạo huyện Gia Lâm\" checked>");
	expect_in(p, "name=\"rcpt_units_1\" value=\"kind:thi_tran\" data-print=\"Các Thị trấn\" "
	             "checked>");
	hc_resp_free(&r);
	json_t *j = doc_json(id);
	long long version = (long long)json_integer_value(json_object_get(j, "version"));
	json_decref(j);

	/* the second line dropped, Nơi nhận still as filled in: it follows Kính gửi */
	const char *shown = "Phòng Giáo dục và Đào tạo;\r\nỦy ban nhân dân các xã, thị trấn;\r\n"
	                    "Lưu: VT.";
	buf_t e = BUF_INIT;
	buf_printf(&e, "version=%lld", version);
	b = form("Kế hoạch sửa lại", shown, shown, buf_cstr(&e));
	/* empty the second row: its text, its boxes unticked */
	char *at = strstr(b, "&rcpt_text_1=");
	assert_non_null(at);
	at += strlen("&rcpt_text_1=");
	char *end = strstr(at, "&rcpt_text_2=");
	assert_non_null(end);
	memmove(at, end, strlen(end) + 1);
	r = ha_req(port, &head, "POST", path, b, 0);
	free(b);
	if (r.status != 303)
		fail_msg("save: %ld %s", r.status, buf_cstr(&r.body));
	hc_resp_free(&r);
	j = doc_json(id);
	char *dist = distribution_of(j);
	assert_string_equal(dist, "Phòng Giáo dục và Đào tạo;|Lưu: VT.");
	free(dist);
	version = (long long)json_integer_value(json_object_get(j, "version"));
	json_decref(j);

	/* once edited, a change of Kính gửi leaves it alone */
	buf_reset(&e);
	buf_printf(&e, "version=%lld", version);
	b = form("Kế hoạch sửa lại", "Như trên;\r\nLưu: VT.", "Phòng Giáo dục và Đào tạo;\r\nLưu: VT.",
	         buf_cstr(&e));
	buf_free(&e);
	r = ha_req(port, &head, "POST", path, b, 0);
	free(b);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	j = doc_json(id);
	dist = distribution_of(j);
	assert_string_equal(dist, "Như trên;|Lưu: VT.");
	free(dist);
	json_decref(j);
}

static void
test_script_served(void **state)
{
	(void)state;
	hc_resp_t r = ha_req(port, NULL, "GET", "/static/docform.js", NULL, 0);
	assert_int_equal(r.status, 200);
	char v[200];
	assert_non_null(hc_header(&r, "Content-Type", v, sizeof v));
	assert_non_null(strstr(v, "javascript"));
	assert_non_null(hc_header(&r, "Cache-Control", v, sizeof v));
	assert_non_null(strstr(v, "max-age=3600"));
	/* light for old phones: no framework, within the brief's ~15 KB */
	assert_true(r.body.len > 1000 && r.body.len <= 16 * 1024);
	assert_non_null(strstr(buf_cstr(&r.body), "Lưu: VT."));
	hc_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_form_without_script),
	        cmocka_unit_test(test_saved_structure_and_distribution),
	        cmocka_unit_test(test_edit_form_follows_kinh_gui),
	        cmocka_unit_test(test_script_served),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
