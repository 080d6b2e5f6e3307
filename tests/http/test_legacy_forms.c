/* Text typed in TCVN3/VNI (pasted as mojibake) in forms and documents, over a real server
 * (docs/legacy-encodings.md, "What is repaired where"): a report narrative or note, an
 * activity title, through the HTML form and the JSON API, is refused with the repaired
 * text (the form shows it in the field with a notice, the API answers 422 with
 * error.suggestions) and nothing is stored; sending the repaired text stores it byte for
 * byte. A .docx with .VnTime/VNI-Times runs is imported repaired, and the review page
 * lists what was repaired. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/file.h"
#include "domain/accounts.h"
#include "domain/demo.h"
#include "helper_app.h"
#include "text/text.h"

#define PASSWORD "Bang-ma-cu-2022"
#define CLC "HA-11413-TTHTCD"

/* TCVN3 mojibake of "Nhà trường đã tổ chức học tập suốt đời cho người dân" (0xAD, ư, is
 * the soft hyphen U+00AD) */
#define NARR_TCVN3                                                                                 \
	"Nh\u00b5 tr\u00ad\u00eang \u00ae\u00b7 t\u00e6 ch\u00f8c h\u00e4c t\u00cbp su\u00e8t "    \
	"\u00ae\u00eai cho ng\u00ad\u00eai d\u00a9n"
#define NARR_FIXED "Nhà trường đã tổ chức học tập suốt đời cho người dân"
#define NOTE_TCVN3 "Th\u00ad\u00eang xuy\u00aan h\u00e4c t\u00cbp"
#define NOTE_FIXED "Thường xuyên học tập"
/* VNI mojibake of "Lớp tin học cho người cao tuổi" */
#define TITLE_VNI "L\u00f4\u00f9p tin ho\u00efc cho ng\u00f6\u00f4\u00f8i cao tuo\u00e5i"
#define TITLE_FIXED "Lớp tin học cho người cao tuổi"

static char tmpdir[] = "/tmp/suotdoi-legacyf-XXXXXX";
static char db[256];
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t demo_id, current_id;
static int32_t base_day;
static ha_client_t clc, head;

static int
setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "l.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	unit_tree_t *t = app_tree(&app);
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &demo_id);
	unit_tree_unref(t);
	if (rc < 0 || ha_haian_campaign(&app, demo_id, &current_id, &base_day) < 0)
		return -1;
	ha_user(&app, "canbo.clc", CLC, ROLE_ENTRY, PASSWORD);
	ha_user(&app, "lanhdao.tienlang", "315", ROLE_HEAD, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &clc, "canbo.clc", PASSWORD) != 303 ||
	    ha_login(port, &head, "lanhdao.tienlang", PASSWORD) != 303)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return ha_stop(srv, &app, tmpdir);
}

static void
digest(char out[65])
{
	char err[256];
	if (ha_db_digest(db, NULL, out, err, sizeof err) < 0)
		fail_msg("digest: %s", err);
}

static void
expect(const hc_resp_t *r, long status, const char *const *needles)
{
	const char *b = buf_cstr((buf_t *)&r->body);
	if (r->status != status)
		fail_msg("expected %ld, got %ld:\n%.3000s", status, r->status, b);
	for (size_t k = 0; needles && needles[k]; k++)
		if (!strstr(b, needles[k]))
			fail_msg("answer lacks \"%s\":\n%.4000s", needles[k],
			         strstr(b, "<h1>") ? strstr(b, "<h1>") : b);
}

static json_t *
body_json(const hc_resp_t *r)
{
	json_error_t e;
	json_t *j = json_loads(buf_cstr((buf_t *)&r->body), 0, &e);
	if (!j)
		fail_msg("not JSON: %.500s", buf_cstr((buf_t *)&r->body));
	return j;
}

static const char *
report_page(void)
{
	static char p[200];
	snprintf(p, sizeof p, "/campaigns/%lld/units/" CLC "/report", (long long)demo_id);
	return p;
}

static const char *
report_api(void)
{
	static char p[200];
	snprintf(p, sizeof p, "/api/v1/campaigns/%lld/units/" CLC "/report", (long long)demo_id);
	return p;
}

static long
version_now(void)
{
	hc_resp_t r = ha_req(port, &clc, "GET", report_page(), NULL, 0);
	expect(&r, 200, NULL);
	const char *p = strstr(buf_cstr(&r.body), "name=\"version\" value=\"");
	long v = p ? atol(p + strlen("name=\"version\" value=\"")) : 0;
	hc_resp_free(&r);
	return v;
}

/* The narrative and a note in TCVN3 through the form: the page again with the repaired
 * texts in the fields and the notice, nothing stored; the second post stores them. */
static void
test_report_form(void **state)
{
	(void)state;
	char before[65], after[65], ver[32];
	snprintf(ver, sizeof ver, "%ld", version_now());
	digest(before);
	const char *kv[] = {"version", ver, "v.i.text", NARR_TCVN3, "g.5.2.lop", NOTE_TCVN3, NULL};
	/* the page's whole form, as the browser sends it (app/form.c) */
	hc_resp_t r = ha_post_page_form(port, &clc, report_page(), report_page(), kv);
	const char *want[] = {
	        ">" NARR_FIXED "</textarea>", "value=\"" NOTE_FIXED "\"",
	        "có vẻ được gõ bằng bảng mã TCVN3; chúng tôi đã đổi sang chữ Unicode: “" NARR_FIXED
	        "”. Hãy kiểm tra rồi bấm Lưu lần nữa.",
	        "Ghi chú của mục 5.2.lop", NULL};
	expect(&r, 400, want);
	hc_resp_free(&r);
	digest(after);
	assert_string_equal(before, after);
	/* the officer checks and saves again: the repaired texts are stored */
	snprintf(ver, sizeof ver, "%ld", version_now());
	const char *kv2[] = {"version", ver, "v.i.text", NARR_FIXED, "g.5.2.lop", NOTE_FIXED, NULL};
	r = ha_post_page_form(port, &clc, report_page(), report_page(), kv2);
	expect(&r, 303, NULL);
	hc_resp_free(&r);
	const char *kept[] = {">" NARR_FIXED "</textarea>", "value=\"" NOTE_FIXED "\"", NULL};
	r = ha_req(port, &clc, "GET", report_page(), NULL, 0);
	expect(&r, 200, kept);
	hc_resp_free(&r);
}

/* The same through the API: 422 naming the item, the repaired text as a suggestion,
 * nothing stored; the suggestion sent back is stored byte for byte. */
static void
test_report_api(void **state)
{
	(void)state;
	char before[65], after[65];
	digest(before);
	hc_resp_t r = ha_req(port, &clc, "POST", report_api(),
	                     "{\"values\": {\"i.text\": \"" NARR_TCVN3 "\"}, \"notes\": "
	                     "{\"5.2.lop\": \"" NOTE_TCVN3 "\"}}",
	                     1);
	expect(&r, 422, NULL);
	json_t *j = body_json(&r);
	json_t *e = json_object_get(j, "error");
	json_t *sg = json_object_get(e, "suggestions");
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(sg, "values"), "i.text")),
	        NARR_FIXED);
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(sg, "notes"), "5.2.lop")),
	        NOTE_FIXED);
	const char *f = json_string_value(json_object_get(json_object_get(e, "fields"), "i.text"));
	assert_non_null(f);
	assert_non_null(strstr(f, "mục i.text"));
	assert_non_null(strstr(f, "“" NARR_FIXED "”"));
	hc_resp_free(&r);
	digest(after);
	assert_string_equal(before, after);
	/* resent with the suggestion: stored as sent */
	json_t *body = json_pack("{s:O,s:O}", "values", json_object_get(sg, "values"), "notes",
	                         json_object_get(sg, "notes"));
	char *s = json_dumps(body, 0);
	json_decref(body);
	json_decref(j);
	r = ha_req(port, &clc, "POST", report_api(), s, 1);
	free(s);
	expect(&r, 200, NULL);
	j = body_json(&r);
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(j, "values"), "i.text")),
	        NARR_FIXED);
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(j, "notes"), "5.2.lop")),
	        NOTE_FIXED);
	json_decref(j);
	hc_resp_free(&r);
}

static const char *
day_str(int32_t d)
{
	static char s[16];
	buf_t b = BUF_INIT;
	text_format_date(d, &b);
	snprintf(s, sizeof s, "%s", buf_cstr(&b));
	buf_free(&b);
	return s;
}

/* An activity title in VNI through the form and the API: refused with the repaired title
 * (in the field; as error.suggestions.title), nothing stored; the suggestion resent is
 * stored. */
static void
test_activity(void **state)
{
	(void)state;
	char before[65], after[65], camp[32];
	snprintf(camp, sizeof camp, "%lld", (long long)current_id);
	digest(before);
	const char *kv[] = {"campaign",    camp,
	                    "kind",        "lop_ngoai_ngu_tin_hoc",
	                    "title",       TITLE_VNI,
	                    "description", "Sử dụng điện thoại thông minh.",
	                    "start_date",  day_str(base_day + 1),
	                    "start_time",  "07:00",
	                    "end_date",    "",
	                    "end_time",    "07:45",
	                    "place",       "Nhà văn hóa thôn Đông",
	                    "mode",        "truc_tiep",
	                    "link",        "",
	                    "audience",    "Người cao tuổi",
	                    "expected",    "35",
	                    "public",      "1",
	                    "late_ok",     "1",
	                    NULL};
	hc_resp_t r = ha_post_form(port, &clc, "/units/" CLC "/activities", kv);
	const char *want[] = {"value=\"" TITLE_FIXED "\"",
	                      "Tên hoạt động có vẻ được gõ bằng bảng mã VNI; chúng tôi đã đổi "
	                      "sang chữ Unicode: “" TITLE_FIXED "”",
	                      NULL};
	expect(&r, 422, want);
	hc_resp_free(&r);
	digest(after);
	assert_string_equal(before, after);
	json_t *b = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:b}", "campaign",
	                      (json_int_t)current_id, "kind", "lop_ngoai_ngu_tin_hoc", "title",
	                      TITLE_VNI, "start_date", day_str(base_day + 1), "start_time", "07:00",
	                      "end_time", "08:30", "place", "Nhà văn hóa thôn Đông", "mode",
	                      "truc_tiep", "audience", "Người cao tuổi", "expected", (json_int_t)35,
	                      "public", 1);
	char *s = json_dumps(b, 0);
	r = ha_req(port, &clc, "POST", "/api/v1/units/" CLC "/activities", s, 1);
	free(s);
	expect(&r, 422, NULL);
	json_t *j = body_json(&r);
	json_t *e = json_object_get(j, "error");
	const char *sug =
	        json_string_value(json_object_get(json_object_get(e, "suggestions"), "title"));
	assert_non_null(sug);
	assert_string_equal(sug, TITLE_FIXED);
	assert_non_null(json_object_get(json_object_get(e, "fields"), "title"));
	hc_resp_free(&r);
	digest(after);
	assert_string_equal(before, after);
	/* TCVN3's "ư" pastes as a soft hyphen, which the hygiene refuses in a name: the
	 * repair is offered all the same (it is checked first) */
	json_t *tc = json_deep_copy(b);
	json_object_set_new(tc, "title",
	                    json_string("Tr\u00ad\u00eang h\u00e4c c\u00e9ng \u00ae\u00e5ng"));
	s = json_dumps(tc, 0);
	json_decref(tc);
	r = ha_req(port, &clc, "POST", "/api/v1/units/" CLC "/activities", s, 1);
	free(s);
	expect(&r, 422, NULL);
	json_t *jt = body_json(&r);
	assert_string_equal(
	        json_string_value(json_object_get(
	                json_object_get(json_object_get(jt, "error"), "suggestions"), "title")),
	        "Trường học cộng đồng");
	json_decref(jt);
	hc_resp_free(&r);
	digest(after);
	assert_string_equal(before, after);
	json_object_set_new(b, "title", json_string(sug));
	json_decref(j);
	s = json_dumps(b, 0);
	json_decref(b);
	r = ha_req(port, &clc, "POST", "/api/v1/units/" CLC "/activities", s, 1);
	free(s);
	expect(&r, 201, NULL);
	j = body_json(&r);
	assert_string_equal(json_string_value(json_object_get(j, "title")), TITLE_FIXED);
	json_decref(j);
	hc_resp_free(&r);
}

/* A .docx typed in .VnTime (and a VNI-Times line, and pasted mojibake): the draft holds
 * the repaired text and the review page lists the repairs. */
static void
test_docx(void **state)
{
	(void)state;
	char path[512], err[300], *data;
	size_t len;
	snprintf(path, sizeof path, "%s/docx/vntime.docx", TEST_DATA_DIR);
	if (file_read_all(path, 1 << 20, &data, &len, err, sizeof err) < 0)
		fail_msg("%s: %s", path, err);
	const char *kv[] = {NULL};
	hc_resp_t r = ha_post_multipart(port, &head, "/units/315/docs/import", kv, data, len,
	                                "vntime.docx",
	                                "application/vnd.openxmlformats-officedocument."
	                                "wordprocessingml.document");
	free(data);
	char loc[300];
	if (r.status != 303 || !hc_header(&r, "Location", loc, sizeof loc))
		fail_msg("import: %ld\n%.3000s", r.status,
		         strstr(buf_cstr(&r.body), "<h1>") ? strstr(buf_cstr(&r.body), "<h1>")
		                                           : buf_cstr(&r.body));
	hc_resp_free(&r);
	r = ha_req(port, &head, "GET", loc, NULL, 0);
	const char *want[] = {
	        "Có 8 đoạn trong tệp được gõ bằng bảng mã TCVN3 và VNI",
	        "<li>“PH\u00dfNG GI\u00b8O D\u00f4C V\u00b5 \u00a7\u00b5O T\u00b9O” → “PHÒNG GIÁO "
	        "DỤC VÀ "
	        "ĐÀO TẠO”</li>",
	        "… và 3 đoạn nữa.",
	        "Tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2022", /* the subject */
	        "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
	        NULL};
	expect(&r, 200, want);
	hc_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_report_form),
	        cmocka_unit_test(test_report_api),
	        cmocka_unit_test(test_activity),
	        cmocka_unit_test(test_docx),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
