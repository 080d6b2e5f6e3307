/* Forms never wipe data, and text hygiene at every input (issue 22), over real HTTP and the
 * real command line: a results-form post without the form's fields (10,000 a=1 pairs, JSON
 * to the form route) is refused and the saved draft is still there; a field sent twice is
 * refused; a return comment of spaces, a reminder note over its 500 bytes, an account's
 * full name with a control character (form and API) are refused with a Vietnamese message;
 * a units import with a control character or U+202E in a name is refused naming the line.
 * The document, budget, review-queue and campaign forms: a field missing or twice, a
 * required text of spaces, a control character or U+202E in a title or name.
 * Each compares the digest of the whole database before and after: nothing written. */
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
#include "core/file.h"
#include "domain/demo.h"
#include "text/text.h"
#include "helper_app.h"

#define PASSWORD "Bieu-mau-xau-22"
#define SCHOOL "HA-11413-TH"

static char tmpdir[] = "/tmp/suotdoi-badforms-XXXXXX";
static char db[256];
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t campaign;
static ha_client_t school, officer, head, admin;
static int64_t target_user; /* an account the administrator may lock */

static int
setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "b.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	unit_tree_t *t = app_tree(&app);
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &campaign);
	unit_tree_unref(t);
	if (rc < 0)
		return -1;
	ha_user(&app, "truong.bf", SCHOOL, ROLE_HEAD, PASSWORD);
	target_user = ha_user(&app, "chuyenvien.bf", "306", ROLE_OVERSEER, PASSWORD);
	ha_user(&app, "lanhdao.bf", "306", ROLE_HEAD, PASSWORD);
	ha_user(&app, "quantri.bf", "VN", ROLE_ADMIN, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return ha_login(port, &school, "truong.bf", PASSWORD) == 303 &&
	                       ha_login(port, &officer, "chuyenvien.bf", PASSWORD) == 303 &&
	                       ha_login(port, &head, "lanhdao.bf", PASSWORD) == 303 &&
	                       ha_login(port, &admin, "quantri.bf", PASSWORD) == 303
	               ? 0
	               : -1;
}

static int
teardown(void **state)
{
	(void)state;
	return ha_stop(srv, &app, tmpdir);
}

static const char *
path_of(const char *unit, const char *tail)
{
	static char p[4][256];
	static int k;
	k = (k + 1) % 4;
	snprintf(p[k], sizeof p[k], "/campaigns/%lld/units/%s%s", (long long)campaign, unit, tail);
	return p[k];
}

static void
digest(char out[65])
{
	char err[300];
	if (ha_db_digest(db, "sessions", out, err, sizeof err) < 0)
		fail_msg("digest: %s", err);
}

static long
version_of(ha_client_t *c, const char *unit)
{
	hc_resp_t r = ha_req(port, c, "GET", path_of(unit, "/report"), NULL, 0);
	assert_int_equal(r.status, 200);
	const char *p = strstr(buf_cstr(&r.body), "name=\"version\" value=\"");
	assert_non_null(p);
	long v = atol(p + strlen("name=\"version\" value=\""));
	hc_resp_free(&r);
	return v;
}

/* r (the answer to a request on path) is a refusal: a status from lo to hi with a
 * Vietnamese message holding expect (NULL: any), and the database as before (a digest
 * taken before the request). Frees r. */
static void
check_refused(hc_resp_t *r, const char *path, long lo, long hi, const char *expect,
              const char before[65])
{
	const char *body = buf_cstr(&r->body);
	const char *shown = strstr(body, "<main") ? strstr(body, "<main") : body;
	if (r->status < lo || r->status > hi)
		fail_msg("%s: %ld, expected %ld..%ld: %.600s", path, r->status, lo, hi, shown);
	if (expect && !strstr(body, expect))
		fail_msg("%s: no \"%s\" in %.600s", path, expect, shown);
	hc_resp_free(r);
	char after[65];
	digest(after);
	assert_string_equal(before, after);
}

/* A request refused with status want, a Vietnamese message holding expect (NULL: any),
 * and the database as it was. */
static void
refused(ha_client_t *c, const char *method, const char *path, const char *body, int json, long want,
        const char *expect)
{
	char before[65];
	digest(before);
	hc_resp_t r = ha_req(port, c, method, path, body, json);
	check_refused(&r, path, want, want, expect, before);
}

/* The draft the school saves, as its browser sends the form (every field of it). */
static const char *const DRAFT[] = {
        "v.1.ke_hoach",    "1", "v.5.2.lop", "7", "v.5.2.nguoi", "140", "v.2.bao", "3", "v.i.text",
        "Bản nháp đã lưu", NULL};

static void
save_draft(void)
{
	hc_resp_t r = ha_post_page_form(port, &school, path_of(SCHOOL, "/report"),
	                                path_of(SCHOOL, "/report"), DRAFT);
	if (r.status != 303)
		fail_msg("save: %ld %.400s", r.status, buf_cstr(&r.body));
	hc_resp_free(&r);
}

static void
draft_still_there(void)
{
	hc_resp_t r = ha_req(port, &school, "GET", path_of(SCHOOL, "/report"), NULL, 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(buf_cstr(&r.body), "Bản nháp đã lưu"));
	assert_non_null(strstr(buf_cstr(&r.body), "value=\"140\""));
	hc_resp_free(&r);
}

/* The results form posted without its fields: many a=1, nothing but csrf and version, JSON
 * to the form route. Each is refused and the draft is kept. */
static void
report_form_without_fields(void **state)
{
	(void)state;
	save_draft();
	char before[65], after[65];
	buf_t b = BUF_INIT;
	buf_printf(&b, "csrf=%s&version=%ld", school.csrf, version_of(&school, SCHOOL));
	for (int k = 0; k < 10000; k++)
		buf_printf(&b, "&a=1");
	refused(&school, "POST", path_of(SCHOOL, "/report"), buf_cstr(&b), 0, 400,
	        "a&quot; được gửi hai lần");
	buf_free(&b);
	char body[256];
	snprintf(body, sizeof body, "csrf=%s&version=%ld", school.csrf,
	         version_of(&school, SCHOOL));
	refused(&school, "POST", path_of(SCHOOL, "/report"), body, 0, 400, "bản nháp được giữ");
	snprintf(body, sizeof body, "csrf=%s&version=%ld&a=1", school.csrf,
	         version_of(&school, SCHOOL));
	refused(&school, "POST", path_of(SCHOOL, "/report"), body, 0, 400, "thiếu trường &quot;v.");
	refused(&school, "POST", path_of(SCHOOL, "/submit"), body, 0, 400, "thiếu trường");
	/* the whole form but one field (a note), or without its version */
	const char *no_note[] = {"g.5.2.lop", NULL, NULL};
	digest(before);
	hc_resp_t r = ha_post_page_form(port, &school, path_of(SCHOOL, "/report"),
	                                path_of(SCHOOL, "/report"), no_note);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(buf_cstr(&r.body), "thiếu trường &quot;g.5.2.lop&quot;"));
	hc_resp_free(&r);
	const char *no_version[] = {"version", NULL, NULL};
	r = ha_post_page_form(port, &school, path_of(SCHOOL, "/report"), path_of(SCHOOL, "/submit"),
	                      no_version);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(buf_cstr(&r.body), "thiếu trường &quot;version&quot;"));
	hc_resp_free(&r);
	digest(after);
	assert_string_equal(before, after);
	/* JSON sent to the form route (the X-CSRF-Token header passes the CSRF check) */
	refused(&school, "POST", path_of(SCHOOL, "/report"), "{\"values\":{}}", 1, 400,
	        "không phải một biểu mẫu");
	draft_still_there();
}

/* One field twice with different values: not last-wins, not first-wins, refused. */
static void
field_twice(void **state)
{
	(void)state;
	char before[65], after[65];
	digest(before);
	const char *lop_twice[] = {"+v.5.2.lop", "9", NULL};
	hc_resp_t r = ha_post_page_form(port, &school, path_of(SCHOOL, "/report"),
	                                path_of(SCHOOL, "/report"), lop_twice);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(buf_cstr(&r.body), "v.5.2.lop&quot; được gửi hai lần"));
	hc_resp_free(&r);
	const char *version_twice[] = {"+version", "1", NULL};
	r = ha_post_page_form(port, &school, path_of(SCHOOL, "/report"), path_of(SCHOOL, "/report"),
	                      version_twice);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(buf_cstr(&r.body), "hai lần"));
	hc_resp_free(&r);
	digest(after);
	assert_string_equal(before, after);
	draft_still_there();
}

/* A return comment of spaces is no comment; a return without its comment field is no
 * submission of the return form. */
static void
return_comment_blank(void **state)
{
	(void)state;
	char body[1024];
	hc_resp_t r = ha_post_page_form(port, &school, path_of(SCHOOL, "/report"),
	                                path_of(SCHOOL, "/submit"), DRAFT);
	if (r.status != 303)
		fail_msg("submit: %ld %.400s", r.status, buf_cstr(&r.body));
	hc_resp_free(&r);
	snprintf(body, sizeof body, "csrf=%s&version=%ld&comment=+++%%C2%%A0+++", officer.csrf,
	         version_of(&officer, SCHOOL));
	refused(&officer, "POST", path_of(SCHOOL, "/return"), body, 0, 400, "khoảng trắng");
	snprintf(body, sizeof body, "csrf=%s&version=%ld", officer.csrf,
	         version_of(&officer, SCHOOL));
	refused(&officer, "POST", path_of(SCHOOL, "/return"), body, 0, 400,
	        "thiếu trường &quot;comment&quot;");
	char api[300];
	snprintf(api, sizeof api, "/api/v1%s", path_of(SCHOOL, "/return"));
	refused(&officer, "POST", api, "{\"comment\":\"    \"}", 1, 400, NULL);
}

/* A reminder note over 500 bytes: refused with the limit said, nothing stored (it was stored
 * empty with a 303). */
static void
reminder_note_over_limit(void **state)
{
	(void)state;
	char note[700];
	memset(note, 'x', 600);
	note[600] = '\0';
	char body[1024];
	snprintf(body, sizeof body, "csrf=%s&note=%s", officer.csrf, note);
	refused(&officer, "POST", path_of("306", "/remind-all"), body, 0, 400, "500 byte");
	char json[800];
	snprintf(json, sizeof json, "{\"note\":\"%s\"}", note);
	char api[300];
	snprintf(api, sizeof api, "/api/v1%s", path_of("306", "/remind-all"));
	refused(&officer, "POST", api, json, 1, 400, "500 byte");
	snprintf(api, sizeof api, "/api/v1%s", path_of(SCHOOL, "/remind"));
	refused(&officer, "POST", api, "{\"note\":\"Nh\\u202eac\"}", 1, 400, "bidi");
	/* a note of the right size is taken, NFC-normalised */
	snprintf(body, sizeof body, "csrf=%s&note=H%%CC%%A3c", officer.csrf);
	hc_resp_t r = ha_req(port, &officer, "POST", path_of("306", "/remind-all"), body, 0);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
}

/* An account's full name with a control character, through the form and the API. */
static void
full_name_control(void **state)
{
	(void)state;
	char body[1024];
	snprintf(body, sizeof body,
	         "csrf=%s&username=nv.moi&full_name=Nguy%%E1%%BB%%85n%%07A&email=&role=entry",
	         head.csrf);
	refused(&head, "POST", "/units/306/users", body, 0, 400, "Họ và tên: có ký tự điều khiển");
	refused(&head, "POST", "/api/v1/units/306/users",
	        "{\"username\":\"nv.moi\",\"full_name\":\"Nguy\\u1ec5n\\u0007A\",\"role\":"
	        "\"entry\"}",
	        1, 400, "U+0007");
	refused(&head, "POST", "/api/v1/units/306/users",
	        "{\"username\":\"nv.moi\",\"full_name\":\"\\u202eA\",\"role\":\"entry\"}", 1, 400,
	        "bidi");
	/* the form without its email field is not the users form */
	snprintf(body, sizeof body, "csrf=%s&username=nv.moi&full_name=A&role=entry", head.csrf);
	refused(&head, "POST", "/units/306/users", body, 0, 400, "thiếu trường &quot;email&quot;");
}

/* suotdoi units import refuses a name with a control character or U+202E, naming the line. */
static void
units_import_names(void **state)
{
	(void)state;
	const char *bad[] = {"ZZ901,X\xc3\xa3 Th\x01 nghi\xe1\xbb\x87m,X\xc3\xa3,3,315\n",
	                     "ZZ902,X\xc3\xa3 \xe2\x80\xae"
	                     "abc,X\xc3\xa3,3,315\n"};
	const char *want[] = {"U+0001", "U+202E"};
	for (size_t k = 0; k < 2; k++) {
		char csv[300];
		snprintf(csv, sizeof csv, "%s/bad%zu.csv", tmpdir, k);
		FILE *f = fopen(csv, "w");
		assert_non_null(f);
		fprintf(f,
		        "code,name,type,level,parent_code\nZZ900,X\xc3\xa3 T\xe1\xbb\x91t,"
		        "X\xc3\xa3,3,315\n%s",
		        bad[k]);
		fclose(f);
		char before[65], after[65];
		digest(before);
		char *argv[] = {"./suotdoi", "units", "import",
		                csv,         "--db",  (char *)ha_served_spec(db),
		                NULL};
		char name[32];
		snprintf(name, sizeof name, "import%zu", k);
		assert_int_equal(ha_run(tmpdir, name, argv), -1);
		digest(after);
		assert_string_equal(before, after);
		char log[300];
		snprintf(log, sizeof log, "%s/%s.log", tmpdir, name);
		f = fopen(log, "r");
		assert_non_null(f);
		char out[4096];
		size_t n = fread(out, 1, sizeof out - 1, f);
		out[n] = '\0';
		fclose(f);
		if (!strstr(out, "Dòng 3:") || !strstr(out, want[k]))
			fail_msg("import %zu: %s", k, out);
	}
}

/* A page's form posted with changes (ha_post_page_form): refused with want and expect, the
 * database as it was. */
static void
page_refused(ha_client_t *c, const char *page, const char *path, const char *const *kv, long want,
             const char *expect)
{
	char before[65];
	digest(before);
	hc_resp_t r = ha_post_page_form(port, c, page, path, kv);
	check_refused(&r, path, want, want, expect, before);
}

/* The activity form: a field missing or twice is no browser's post of it; a title with a
 * bidi override (U+202E, which shows the rest of the line reversed) is refused through the
 * form and the API alike. */
static void
activity_form(void **state)
{
	(void)state;
	const char *page = "/units/" SCHOOL "/activities/new",
	           *path = "/units/" SCHOOL "/activities";
	const char *base[] = {"kind",       "lop_ngoai_ngu_tin_hoc",
	                      "title",      "Lớp tin học cho người cao tuổi",
	                      "start_date", "10/10/2022",
	                      "start_time", "07:00",
	                      "end_time",   "08:30",
	                      "place",      "Nhà văn hóa",
	                      "mode",       "truc_tiep"};
	const char *kv[32];
	size_t n = sizeof base / sizeof *base;
	memcpy(kv, base, sizeof base);
	kv[n] = "description", kv[n + 1] = NULL, kv[n + 2] = NULL;
	page_refused(&school, page, path, kv, 400, "thiếu trường &quot;description&quot;");
	kv[n] = "+title", kv[n + 1] = "Lớp khác", kv[n + 2] = NULL;
	page_refused(&school, page, path, kv, 400, "title&quot; được gửi hai lần");
	kv[n] = NULL;
	kv[3] = "Lớp \xe2\x80\xae"
	        "cba";
	char before[65], after[65];
	digest(before);
	hc_resp_t r = ha_post_page_form(port, &school, page, path, kv);
	if (r.status < 400 || r.status > 422 || !strstr(buf_cstr(&r.body), "Tên hoạt động") ||
	    !strstr(buf_cstr(&r.body), "U+202E"))
		fail_msg("bidi title (form): %ld %.600s", r.status,
		         strstr(buf_cstr(&r.body), "<main") ? strstr(buf_cstr(&r.body), "<main")
		                                            : "");
	hc_resp_free(&r);
	r = ha_req(port, &school, "POST", "/api/v1/units/" SCHOOL "/activities",
	           "{\"kind\":\"lop_ngoai_ngu_tin_hoc\",\"title\":\"L\\u1edbp \\u202ecba\","
	           "\"description\":\"\",\"start_date\":\"10/10/2022\",\"start_time\":\"07:00\","
	           "\"end_time\":\"08:30\",\"place\":\"Nh\\u00e0 v\\u0103n h\\u00f3a\","
	           "\"mode\":\"truc_tiep\"}",
	           1);
	if (r.status < 400 || r.status > 422 || !strstr(buf_cstr(&r.body), "U+202E"))
		fail_msg("bidi title (API): %ld %.600s", r.status, buf_cstr(&r.body));
	hc_resp_free(&r);
	digest(after);
	assert_string_equal(before, after);
}

/* An activity of the school (its form posted whole), for the forms that hang off one:
 * its id. */
static long long
school_activity(const char *title)
{
	const char *kv[] = {"kind",       "lop_ngoai_ngu_tin_hoc",
	                    "title",      title,
	                    "start_date", "10/10/2022",
	                    "start_time", "07:00",
	                    "end_time",   "08:30",
	                    "place",      "Nhà văn hóa",
	                    "mode",       "truc_tiep",
	                    "late_ok",    "1", /* the campaign's deadline is past */
	                    NULL};
	hc_resp_t r = ha_post_page_form(port, &school, "/units/" SCHOOL "/activities/new",
	                                "/units/" SCHOOL "/activities", kv);
	char loc[300];
	if (r.status != 303 || !hc_header(&r, "Location", loc, sizeof loc) ||
	    !strstr(loc, "/activities/"))
		fail_msg("activity: %ld %.600s", r.status,
		         strstr(buf_cstr(&r.body), "role=\"alert\"")
		                 ? strstr(buf_cstr(&r.body), "role=\"alert\"")
		                 : "");
	hc_resp_free(&r);
	return atoll(strstr(loc, "/activities/") + strlen("/activities/"));
}

/* A class's enrolment settings: a field missing or twice refused, nothing written. */
static void
enrol_settings_form(void **state)
{
	(void)state;
	long long id = school_activity("Lớp tiếng Anh giao tiếp");
	char page[200], path[220];
	snprintf(page, sizeof page, "/units/" SCHOOL "/activities/%lld/enrolments", id);
	snprintf(path, sizeof path, "%s/settings", page);
	const char *missing[] = {"enrol_open", "1", "enrol_capacity", "20", "enrol_fee",
	                         NULL,         NULL};
	page_refused(&school, page, path, missing, 400, "thiếu trường &quot;enrol_fee&quot;");
	const char *twice[] = {"enrol_open", "1", "enrol_capacity", "20", "+enrol_capacity",
	                       "200",        NULL};
	page_refused(&school, page, path, twice, 400, "enrol_capacity&quot; được gửi hai lần");
}

/* Reading culture: a shelf posted without its opening date, or with its name twice. */
static void
reading_shelf_form(void **state)
{
	(void)state;
	const char *page = "/units/" SCHOOL "/van-hoa-doc",
	           *path = "/units/" SCHOOL "/van-hoa-doc/shelves";
	const char *missing[] = {"name", "Tủ sách lớp 3A", "kind", "tu_sach_lop", "opened", NULL,
	                         NULL};
	page_refused(&school, page, path, missing, 400, "thiếu trường &quot;opened&quot;");
	const char *twice[] = {"name",  "Tủ sách lớp 3A", "kind", "tu_sach_lop",
	                       "+name", "Tủ B",           NULL};
	page_refused(&school, page, path, twice, 400, "name&quot; được gửi hai lần");
}

/* A unit's name changed through the registry page (the national list uploaded by the
 * administrator) with a control character: the upload is refused naming the line. */
static size_t
sink(char *p, size_t s, size_t n, void *ud)
{
	buf_append(ud, p, s * n);
	return s * n;
}

static void
registry_name_control(void **state)
{
	(void)state;
	char *units;
	size_t len;
	char ferr[300];
	if (file_read_all(TEST_SOURCE_DIR "/data/dvhc/units-2025-07-01.csv", 1 << 24, &units, &len,
	                  ferr, sizeof ferr) < 0)
		fail_msg("%s", ferr);
	char *at = strstr(units, "Phường Ba Đình");
	assert_non_null(at);
	at[strlen("Phường")] = '\x07'; /* "Phường\aBa Đình", a bell in place of the space */
	char before[65], after[65];
	digest(before);
	CURL *h = curl_easy_init();
	curl_mime *m = curl_mime_init(h);
	curl_mimepart *p = curl_mime_addpart(m);
	curl_mime_name(p, "csrf");
	curl_mime_data(p, admin.csrf, CURL_ZERO_TERMINATED);
	p = curl_mime_addpart(m);
	curl_mime_name(p, "as_of_day");
	curl_mime_data(p, "01/07/2025", CURL_ZERO_TERMINATED);
	p = curl_mime_addpart(m);
	curl_mime_name(p, "units");
	curl_mime_filename(p, "units.csv");
	curl_mime_type(p, "text/csv");
	curl_mime_data(p, units, len);
	char url[200], cookie[450];
	snprintf(url, sizeof url, "http://127.0.0.1:%u/admin/registry/preview", port);
	snprintf(cookie, sizeof cookie, "%s", admin.cookie);
	buf_t out = BUF_INIT;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_MIMEPOST, m);
	curl_easy_setopt(h, CURLOPT_COOKIE, cookie);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &out);
	long st = 0;
	if (curl_easy_perform(h) == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &st);
	curl_mime_free(m);
	curl_easy_cleanup(h);
	free(units);
	if (st != 400 || !strstr(buf_cstr(&out), "Dòng 3") || !strstr(buf_cstr(&out), "U+0007"))
		fail_msg("registry: %ld %.800s", st,
		         strstr(buf_cstr(&out), "<main") ? strstr(buf_cstr(&out), "<main") : "");
	buf_free(&out);
	digest(after);
	assert_string_equal(before, after);
}

/* The administration's forms: a template posted without its JSON, or with it twice; the lock
 * button without the state it sets; the sign-in without its password field. Each is refused
 * before anything is read or written (a sign-in that is no browser's post is not counted as
 * a failed password either). */
static void
admin_forms(void **state)
{
	(void)state;
	const char *no_json[] = {"json", NULL, NULL};
	page_refused(&admin, "/templates", "/templates", no_json, 400, "thiếu trường &quot;json&quot;");
	const char *json_twice[] = {"json", "{}", "+json", "{}", NULL};
	page_refused(&admin, "/templates", "/templates", json_twice, 400, "hai lần");

	char page[64], path[80];
	snprintf(page, sizeof page, "/users/%lld", (long long)target_user);
	snprintf(path, sizeof path, "%s/disable", page);
	const char *no_state[] = {"disabled", NULL, NULL};
	page_refused(&admin, page, path, no_state, 400, "thiếu trường &quot;disabled&quot;");

	ha_client_t pre = {{0}, {0}};
	hc_resp_t r = ha_req(port, &pre, "GET", "/login", NULL, 0);
	hc_cookie(&r, APP_PRELOGIN_COOKIE, pre.cookie, sizeof pre.cookie);
	hc_csrf(&r, pre.csrf, sizeof pre.csrf);
	hc_resp_free(&r);
	char body[300];
	snprintf(body, sizeof body, "username=truong.bf&next=&csrf=%s", pre.csrf);
	refused(&pre, "POST", "/login", body, 0, 400, "thiếu trường &quot;password&quot;");
	/* the same client signs in with the whole form: the refusal was not a failed attempt */
	snprintf(body, sizeof body, "username=truong.bf&password=%s&next=&csrf=%s", PASSWORD,
	         pre.csrf);
	r = ha_req(port, &pre, "POST", "/login", body, 0);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
}

/* ---------- contests, commendation, learning resources (issue 22) ---------- */

/* A multipart page form posted whole with changes (ha_post_page_multipart, no file chosen;
 * file_field NULL when the form has no file input): refused with a status from 400 to 422
 * and a Vietnamese message holding expect, the database as it was. */
static void
mp_refused(ha_client_t *c, const char *page, const char *path, const char *const *kv,
           const char *file_field, const char *expect)
{
	char before[65];
	digest(before);
	hc_resp_t r =
	        ha_post_page_multipart(port, c, page, path, kv, file_field, NULL, 0, NULL, NULL);
	check_refused(&r, path, 400, 422, expect, before);
}

/* page_refused with any status from 400 to 422 (the guard's 400, the service's 422). */
static void
page_refused_4xx(ha_client_t *c, const char *page, const char *path, const char *const *kv,
                 const char *expect)
{
	char before[65];
	digest(before);
	hc_resp_t r = ha_post_page_form(port, c, page, path, kv);
	check_refused(&r, path, 400, 422, expect, before);
}

/* A raw form body (every field a browser would send, written out) refused with a status
 * from 400 to 422 holding expect, nothing written. */
static void
body_refused(ha_client_t *c, const char *path, const char *body, const char *expect)
{
	char before[65];
	digest(before);
	hc_resp_t r = ha_req(port, c, "POST", path, body, 0);
	check_refused(&r, path, 400, 422, expect, before);
}

/* A JSON request refused with a status from 400 to 422 holding expect, nothing written. */
static void
api_refused(ha_client_t *c, const char *path, const char *json, const char *expect)
{
	char before[65];
	digest(before);
	hc_resp_t r = ha_req(port, c, "POST", path, json, 1);
	check_refused(&r, path, 400, 422, expect, before);
}

/* Today + offset days as the forms take dates (dd/mm/yyyy). */
static const char *
vn_day(int offset)
{
	static char d[4][16];
	static int k;
	k = (k + 1) % 4;
	arena_t a = {0};
	snprintf(d[k], sizeof d[k], "%s", text_date_str(&a, ha_vn_today() + offset));
	arena_free(&a);
	return d[k];
}

/* The number after key in a response (a Location, a JSON body), or 0. */
static long long
number_after(const hc_resp_t *r, const char *key)
{
	const char *p = strstr(buf_cstr((buf_t *)&r->headers), key);
	if (!p)
		p = strstr(buf_cstr((buf_t *)&r->body), key);
	return p ? atoll(p + strlen(key)) : 0;
}

static long long contest_id, entry_id;
static char entry_code[16];

/* The school's open contest of texts judged by the officer, and one entry by a citizen
 * (pending): made through the pages' whole forms. */
static void
make_contest(void)
{
	if (contest_id)
		return;
	const char *path = "/units/" SCHOOL "/cuoc-thi";
	const char *kv[] = {
	        "title",  "Em yêu sách",        "theme",     "Kể về cuốn sách em thích.",
	        "rules",  "Mỗi người một bài.", "type_text", "1",
	        "starts", vn_day(-1),           "ends",      vn_day(10),
	        "status", "published",          "judges",    "chuyenvien.bf",
	        NULL};
	hc_resp_t r = ha_post_page_form(port, &school, path, path, kv);
	if (r.status != 303)
		fail_msg("contest: %ld %.600s", r.status, buf_cstr(&r.body));
	contest_id = number_after(&r, "/cuoc-thi/");
	hc_resp_free(&r);
	assert_true(contest_id > 0);
}

/* A citizen's browser: the pre-login cookie and the token of the page it read. */
static ha_client_t
citizen(const char *page)
{
	ha_client_t c = {{0}, {0}};
	hc_resp_t r = ha_req(port, NULL, "GET", page, NULL, 0);
	assert_int_equal(r.status, 200);
	assert_int_equal(hc_cookie(&r, APP_PRELOGIN_COOKIE, c.cookie, sizeof c.cookie), 0);
	assert_int_equal(hc_csrf(&r, c.csrf, sizeof c.csrf), 0);
	hc_resp_free(&r);
	return c;
}

static const char *
cpath(const char *fmt)
{
	static char p[4][200];
	static int k;
	k = (k + 1) % 4;
	snprintf(p[k], sizeof p[k], fmt, contest_id, entry_id);
	return p[k];
}

static int
entry_of_code(const store_contest_entry_t *e, void *p)
{
	*(long long *)p = e->id;
	return 1;
}

/* A citizen's entry: a field missing or twice, a title of spaces, a name with U+202E. */
static void
contest_entry_form(void **state)
{
	(void)state;
	make_contest();
	const char *page = cpath("/cuoc-thi/%lld/du-thi");
	ha_client_t c = citizen(page);
	/* a text-only contest: no file input on the form */
	mp_refused(&c, page, page,
	           (const char *const[]){"name", "Phạm Thu Hà", "phone", "0912 345 678", "locality",
	                                 NULL, "title", "Cuốn sách đầu tiên", "body", "Chương một.",
	                                 "consent", "1", NULL},
	           NULL, "thiếu trường &quot;locality&quot;");
	mp_refused(&c, page, page,
	           (const char *const[]){"name", "Phạm Thu Hà", "phone", "0912 345 678", "locality",
	                                 "phường Đằng Lâm", "title", "Bài A", "+title", "Bài B",
	                                 "body", "Chương một.", "consent", "1", NULL},
	           NULL, "title&quot; được gửi hai lần");
	mp_refused(&c, page, page,
	           (const char *const[]){"name", "Phạm Thu Hà", "phone", "0912 345 678", "locality",
	                                 "phường Đằng Lâm", "title", "   ", "body", "Chương một.",
	                                 "consent", "1", NULL},
	           NULL, "Hãy nhập Tên bài dự thi.");
	mp_refused(&c, page, page,
	           (const char *const[]){"name",
	                                 "Phạm \xe2\x80\xae"
	                                 "aH uhT",
	                                 "phone", "0912 345 678", "locality", "phường Đằng Lâm",
	                                 "title", "Cuốn sách đầu tiên", "body", "Chương một.",
	                                 "consent", "1", NULL},
	           NULL, "Họ và tên: có ký tự đảo chiều chữ (bidi) U+202E");
	/* the whole form, right: taken (the entry the next cases use) */
	hc_resp_t r = ha_post_page_multipart(
	        port, &c, page, page,
	        (const char *const[]){"name", "Phạm Thu Hà", "phone", "0912 345 678", "locality",
	                              "phường Đằng Lâm", "title", "Cuốn sách đầu tiên", "body",
	                              "Chương một.", "consent", "1", NULL},
	        NULL, NULL, 0, NULL, NULL);
	if (r.status != 303)
		fail_msg("entry: %ld %.600s", r.status, buf_cstr(&r.body));
	const char *m = strstr(buf_cstr(&r.headers), "/ma/");
	assert_non_null(m);
	snprintf(entry_code, sizeof entry_code, "%.8s", m + 4);
	hc_resp_free(&r);
	assert_int_equal(
	        store_contest_entry_get(app.store, 0, entry_code, entry_of_code, &entry_id), 1);
}

/* The organiser's contest form, new and edited, and the API. */
static void
contest_admin_form(void **state)
{
	(void)state;
	make_contest();
	const char *path = "/units/" SCHOOL "/cuoc-thi";
	page_refused(&school, path, path,
	             (const char *const[]){"title", "Cuộc thi mới", "rules", NULL, NULL}, 400,
	             "thiếu trường &quot;rules&quot;");
	page_refused(&school, path, path,
	             (const char *const[]){"title", "Cuộc thi A", "+title", "Cuộc thi B", NULL},
	             400, "title&quot; được gửi hai lần");
	page_refused_4xx(&school, path, path,
	                 (const char *const[]){"title", "Cuộc thi mới", "theme", "  \n  ", "rules",
	                                       "Một bài.", "type_text", "1", "starts", vn_day(0),
	                                       "ends", vn_day(5), NULL},
	                 "Hãy nhập Chủ đề.");
	page_refused_4xx(&school, path, path,
	                 (const char *const[]){"title", "Cuộc thi\x07 mới", "theme", "Sách",
	                                       "rules", "Một bài.", "type_text", "1", "starts",
	                                       vn_day(0), "ends", vn_day(5), NULL},
	                 "Tên cuộc thi: có ký tự điều khiển U+0007");
	char json[400];
	snprintf(json, sizeof json,
	         "{\"title\": \"Cu\\u1ed9c thi \\u202e\", \"theme\": \"S\\u00e1ch\", \"rules\": "
	         "\"M\\u1ed9t b\\u00e0i.\", \"type_text\": true, \"starts\": \"%s\", \"ends\": "
	         "\"%s\"}",
	         vn_day(0), vn_day(5));
	api_refused(&school, "/api/v1/units/" SCHOOL "/contests", json, "U+202E");
	/* the edit form */
	const char *edit = cpath("/units/" SCHOOL "/cuoc-thi/%lld");
	page_refused(&school, edit, edit, (const char *const[]){"judges", NULL, NULL}, 400,
	             "thiếu trường &quot;judges&quot;");
	page_refused(&school, edit, edit, (const char *const[]){"+status", "draft", NULL}, 400,
	             "status&quot; được gửi hai lần");
	page_refused_4xx(&school, edit, edit, (const char *const[]){"title", "   ", NULL},
	                 "Hãy nhập Tên cuộc thi.");
	page_refused_4xx(&school, edit, edit,
	                 (const char *const[]){"title",
	                                       "Em y\xe2\x80\xae"
	                                       "\xc3\xaau s\xc3\xa1"
	                                       "ch",
	                                       NULL},
	                 "Tên cuộc thi: có ký tự đảo chiều chữ (bidi) U+202E");
}

/* The staff's moderation of the entry, then a judge's score, then the citizen's
 * withdrawal of a second entry. */
static void
contest_entry_moderation(void **state)
{
	(void)state;
	if (!entry_id)
		contest_entry_form(state);
	const char *page = cpath("/units/" SCHOOL "/cuoc-thi/%lld"),
	           *path = cpath("/units/" SCHOOL "/cuoc-thi/%lld/bai/%lld");
	/* no button pressed: no action */
	page_refused(&school, page, path, (const char *const[]){"reason", "Trùng", NULL}, 400,
	             "thiếu trường &quot;action&quot;");
	page_refused(&school, page, path,
	             (const char *const[]){"action", "reject", "reason", "Trùng", "+reason", "Khác",
	                                   NULL},
	             400, "reason&quot; được gửi hai lần");
	page_refused_4xx(&school, page, path,
	                 (const char *const[]){"action", "reject", "reason", "   ", NULL},
	                 "Hãy nhập Lý do từ chối.");
	page_refused_4xx(&school, page, path,
	                 (const char *const[]){"action", "reject", "reason", "Trùng\x01 lặp", NULL},
	                 "Lý do từ chối: có ký tự điều khiển U+0001");
	/* approved, for the judge */
	hc_resp_t r = ha_post_page_form(port, &school, page, path,
	                                (const char *const[]){"action", "approve", NULL});
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	const char *judging = cpath("/cuoc-thi/%lld/cham"),
	           *score = cpath("/cuoc-thi/%lld/cham/%lld");
	page_refused(&officer, judging, score,
	             (const char *const[]){"score", "80", "comment", NULL, NULL}, 400,
	             "thiếu trường &quot;comment&quot;");
	page_refused(&officer, judging, score,
	             (const char *const[]){"score", "80", "+score", "90", NULL}, 400,
	             "score&quot; được gửi hai lần");
	page_refused_4xx(&officer, judging, score, (const char *const[]){"score", "   ", NULL},
	                 "Điểm: hãy nhập số nguyên từ 0 đến 100.");
	page_refused_4xx(&officer, judging, score,
	                 (const char *const[]){"score", "80", "comment",
	                                       "T\xe1\xbb\x91t \xe2\x80\xae", NULL},
	                 "Nhận xét: có ký tự đảo chiều chữ (bidi) U+202E");
	/* withdrawal of a pending entry: its page's form */
	const char *form = cpath("/cuoc-thi/%lld/du-thi");
	ha_client_t c = citizen(form);
	r = ha_post_page_multipart(port, &c, form, form,
	                           (const char *const[]){"name", "Lê Văn Nam", "phone",
	                                                 "0912 345 679", "locality",
	                                                 "phường Đằng Lâm", "title", "Bài thứ hai",
	                                                 "body", "Nội dung.", "consent", "1", NULL},
	                           NULL, NULL, 0, NULL, NULL);
	assert_int_equal(r.status, 303);
	const char *m = strstr(buf_cstr(&r.headers), "/ma/");
	assert_non_null(m);
	char status_page[200];
	snprintf(status_page, sizeof status_page, "/cuoc-thi/%lld/ma/%.8s", contest_id, m + 4);
	hc_resp_free(&r);
	const char *rut = cpath("/cuoc-thi/%lld/rut");
	page_refused(&c, status_page, rut, (const char *const[]){"phone4", NULL, NULL}, 400,
	             "thiếu trường &quot;phone4&quot;");
	page_refused(&c, status_page, rut,
	             (const char *const[]){"phone4", "5679", "+code", "ABCDEFGH", NULL}, 400,
	             "code&quot; được gửi hai lần");
	page_refused_4xx(&c, status_page, rut, (const char *const[]){"phone4", "    ", NULL},
	                 "4 số cuối điện thoại");
}

/* A commendation proposal: the new-proposal form (multipart), an edit of a draft (its
 * page's forms share one route: the edit's fields written out), the decision form. */
static void
award_forms(void **state)
{
	(void)state;
	const char *base = "/units/" SCHOOL "/khen-thuong";
	const char *good[] = {"category", "ca_nhan",      "name",         "Nguyễn Văn An",
	                      "place",    "Tổ dân phố 3", "achievements", "Tự học ngoại ngữ.",
	                      "form",     "giay_khen",    "amount",       "200000",
	                      NULL};
	const char *kv[32];
	size_t n = sizeof good / sizeof *good - 1;
	memcpy(kv, good, sizeof good);
	kv[5] = NULL; /* no place */
	mp_refused(&school, base, base, kv, "files", "thiếu trường &quot;place&quot;");
	memcpy(kv, good, sizeof good);
	kv[n] = "+name", kv[n + 1] = "Trần Văn Bình", kv[n + 2] = NULL;
	mp_refused(&school, base, base, kv, "files", "name&quot; được gửi hai lần");
	memcpy(kv, good, sizeof good);
	kv[7] = " \n ";
	mp_refused(&school, base, base, kv, "files", "Thành tích: chưa nhập");
	memcpy(kv, good, sizeof good);
	kv[3] = "Nguy\xe1\xbb\x85n \xe2\x80\xae"
	        "nA";
	mp_refused(&school, base, base, kv, "files",
	           "Tên tập thể, cá nhân: có ký tự đảo chiều chữ (bidi) U+202E");
	api_refused(&school, "/api/v1/units/" SCHOOL "/awards",
	            "{\"category\": \"ca_nhan\", \"name\": \"A\\u202e\", \"achievements\": \"B\", "
	            "\"form\": \"giay_khen\"}",
	            "U+202E");
	/* a draft, and its edit */
	hc_resp_t r = ha_req(port, &school, "POST", "/api/v1/units/" SCHOOL "/awards",
	                     "{\"category\": \"ca_nhan\", \"name\": \"L\\u00ea Th\\u1ecb Hoa\", "
	                     "\"achievements\": \"D\\u1ea1y ch\\u1eef.\", \"form\": \"giay_khen\"}",
	                     1);
	assert_int_equal(r.status, 201);
	long long pid = number_after(&r, "\"id\":");
	hc_resp_free(&r);
	assert_true(pid > 0);
	char path[200], body[1024];
	snprintf(path, sizeof path, "%s/%lld", base, pid);
	r = ha_req(port, &school, "GET", path, NULL, 0);
	assert_int_equal(r.status, 200);
	long ver = (long)number_after(&r, "name=\"version\" value=\"");
	hc_resp_free(&r);
	const char *fmt = "csrf=%s&version=%ld&op=edit&category=ca_nhan&name=%s&place=&"
	                  "achievements=%s&form=giay_khen&amount=0%s";
	snprintf(body, sizeof body,
	         "csrf=%s&version=%ld&op=edit&category=ca_nhan&name=Hoa&place=&form=giay_khen&"
	         "amount=0",
	         school.csrf, ver);
	body_refused(&school, path, body, "thiếu trường &quot;achievements&quot;");
	snprintf(body, sizeof body, fmt, school.csrf, ver, "Hoa", "D%E1%BA%A1y", "&op=send");
	body_refused(&school, path, body, "op&quot; được gửi hai lần");
	snprintf(body, sizeof body, fmt, school.csrf, ver, "+++", "D%E1%BA%A1y", "");
	body_refused(&school, path, body, "Tên tập thể, cá nhân: chưa nhập");
	snprintf(body, sizeof body, fmt, school.csrf, ver, "Ho%07a", "D%E1%BA%A1y", "");
	body_refused(&school, path, body, "Tên tập thể, cá nhân: có ký tự điều khiển U+0007");
	/* the district's decision form (no proposal waiting: its fields written out) */
	const char *decide = "/units/306/khen-thuong/quyet-dinh";
	snprintf(body, sizeof body, "csrf=%s&proposal=%lld&fund_source=nsnn", head.csrf, pid);
	body_refused(&head, decide, body, "thiếu trường &quot;signer_name&quot;");
	snprintf(body, sizeof body,
	         "csrf=%s&proposal=%lld&fund_source=nsnn&fund_source=xhh&signer_name=", head.csrf,
	         pid);
	body_refused(&head, decide, body, "fund_source&quot; được gửi hai lần");
	snprintf(body, sizeof body,
	         "csrf=%s&proposal=%lld&fund_source=nsnn&signer_name=Tr%%E1%%BA%%A7n%%07",
	         head.csrf, pid);
	body_refused(&head, decide, body, "Người ký: có ký tự điều khiển U+0007");
}

/* A learning resource: the new-resource form and the edit form (multipart). */
static void
resource_forms(void **state)
{
	(void)state;
	const char *base = "/units/" SCHOOL "/hoc-lieu";
	const char *good[] = {"title",       "Sổ tay chuyển đổi số",
	                      "description", "Cài VNeID.",
	                      "topic",       "chuyen_doi_so",
	                      "audience",    "nguoi_cao_tuoi",
	                      "licence",     "cc_by_4",
	                      "link",        "https://hoclieu.vn/a",
	                      "published",   "03/10/2022",
	                      "status",      "published",
	                      NULL};
	const char *kv[32];
	size_t n = sizeof good / sizeof *good - 1;
	memcpy(kv, good, sizeof good);
	kv[3] = NULL;
	mp_refused(&school, base, base, kv, "file", "thiếu trường &quot;description&quot;");
	memcpy(kv, good, sizeof good);
	kv[n] = "+title", kv[n + 1] = "Sổ tay khác", kv[n + 2] = NULL;
	mp_refused(&school, base, base, kv, "file", "title&quot; được gửi hai lần");
	memcpy(kv, good, sizeof good);
	kv[1] = "   ";
	mp_refused(&school, base, base, kv, "file", "Tên học liệu: chưa nhập");
	memcpy(kv, good, sizeof good);
	kv[1] = "S\xe1\xbb\x95 tay \xe2\x80\xae"
	        "is";
	mp_refused(&school, base, base, kv, "file",
	           "Tên học liệu: có ký tự đảo chiều chữ (bidi) U+202E");
	api_refused(&school, "/api/v1/units/" SCHOOL "/resources",
	            "{\"title\": \"S\\u202e\", \"topic\": \"chuyen_doi_so\", \"audience\": "
	            "\"nguoi_cao_tuoi\", \"licence\": \"cc_by_4\", \"link\": "
	            "\"https://hoclieu.vn/a\", \"status\": \"published\"}",
	            "U+202E");
	/* one, and its edit form */
	hc_resp_t r =
	        ha_req(port, &school, "POST", "/api/v1/units/" SCHOOL "/resources",
	               "{\"title\": \"S\\u1ed5 tay\", \"topic\": \"chuyen_doi_so\", "
	               "\"audience\": \"nguoi_cao_tuoi\", \"licence\": \"cc_by_4\", \"link\": "
	               "\"https://hoclieu.vn/a\", \"status\": \"published\"}",
	               1);
	if (r.status != 201)
		fail_msg("resource: %ld %s", r.status, buf_cstr(&r.body));
	long long rid = number_after(&r, "\"id\":");
	hc_resp_free(&r);
	char edit[200];
	snprintf(edit, sizeof edit, "%s/%lld", base, rid);
	mp_refused(&school, edit, edit, (const char *const[]){"version", NULL, NULL}, "file",
	           "thiếu trường &quot;version&quot;");
	mp_refused(&school, edit, edit, (const char *const[]){"+status", "draft", NULL}, "file",
	           "status&quot; được gửi hai lần");
	mp_refused(&school, edit, edit, (const char *const[]){"title", " \t ", NULL}, "file",
	           "Tên học liệu: chưa nhập");
	mp_refused(&school, edit, edit,
	           (const char *const[]){"description", "Hai d\xc3\xb2ng\x01", NULL}, "file",
	           "Mô tả: có ký tự điều khiển U+0001");
}

/* Reading culture: a shelf's name with U+202E, a ledger note with a control character. */
static void
reading_text_hygiene(void **state)
{
	(void)state;
	const char *page = "/units/" SCHOOL "/van-hoa-doc";
	page_refused_4xx(&school, page, "/units/" SCHOOL "/van-hoa-doc/shelves",
	                 (const char *const[]){"name",
	                                       "Tủ sách \xe2\x80\xae"
	                                       "A3",
	                                       "kind", "tu_sach_lop", "opened", "01/09/2022", NULL},
	                 "Tên tủ sách: có ký tự đảo chiều chữ (bidi) U+202E");
	api_refused(&school, "/api/v1/units/" SCHOOL "/reading/shelves",
	            "{\"name\": \"   \", \"kind\": \"tu_sach_lop\", \"opened\": \"01/09/2022\"}",
	            "Tên tủ sách: chưa nhập");
}

/* ---- documents, budget, review queue, campaigns (issue 22, the forms part) ---- */

/* Documents: the new-document form without a field or with its subject twice is no
 * browser's post; a subject of spaces, one with U+202E or a signer with a control character
 * is refused naming the field; a draft's publish form without its number and its edit form
 * with the version twice are refused. Nothing written. */
static void
doc_forms(void **state)
{
	(void)state;
	const char *page = "/units/306/docs/new", *path = "/units/306/docs";
	const char *missing[] = {"subject", "Kế hoạch thử", "signer_name", NULL, NULL};
	page_refused(&head, page, path, missing, 400, "thiếu trường &quot;signer_name&quot;");
	const char *twice[] = {"subject", "Kế hoạch A", "+subject", "Kế hoạch B", NULL};
	page_refused(&head, page, path, twice, 400, "subject&quot; được gửi hai lần");
	const char *blank[] = {"subject", "   ", "signer_position", "CHỦ TỊCH", NULL};
	page_refused(&head, page, path, blank, 422, "Chưa có trích yếu");
	const char *wide_blank[] = {"subject", "\xe3\x80\x80\xe3\x80\x80", "signer_position",
	                            "CHỦ TỊCH", NULL};
	page_refused(&head, page, path, wide_blank, 422, "Trích yếu (V/v…): chỉ có khoảng trắng");
	const char *bidi[] = {"subject", "Kế hoạch \xe2\x80\xae""nạoh ế", "signer_position",
	                      "CHỦ TỊCH", NULL};
	page_refused(&head, page, path, bidi, 422, "ký tự đảo chiều chữ (bidi) U+202E");
	const char *bell[] = {"subject", "Kế hoạch thử", "signer_position", "CHỦ TỊCH",
	                      "signer_name", "Nguyễn\x07Văn A", NULL};
	page_refused(&head, page, path, bell, 422, "Họ tên người ký: có ký tự điều khiển U+0007");
	/* a draft, then its publish and edit forms */
	const char *good[] = {"subject", "Kế hoạch để thử ban hành", "signer_position", "CHỦ TỊCH",
	                      NULL};
	hc_resp_t r = ha_post_page_form(port, &head, page, path, good);
	if (r.status != 303)
		fail_msg("draft: %ld %.600s", r.status, buf_cstr(&r.body));
	char loc[300], doc[300], publish[320];
	assert_non_null(hc_header(&r, "Location", loc, sizeof loc));
	hc_resp_free(&r);
	snprintf(doc, sizeof doc, "%.*s", (int)strcspn(loc, "?"), loc);
	snprintf(publish, sizeof publish, "%s/publish", doc);
	const char *no_number[] = {"number", NULL, NULL};
	page_refused(&head, doc, publish, no_number, 400, "thiếu trường &quot;number&quot;");
	const char *version_twice[] = {"+version", "1", NULL};
	page_refused(&head, doc, doc, version_twice, 400, "version&quot; được gửi hai lần");
	const char *edit_bidi[] = {"signer_name", "Nguyễn \xe2\x80\xae""A", NULL};
	page_refused(&head, doc, doc, edit_bidi, 422, "Họ tên người ký: có ký tự đảo chiều chữ");
}

/* The budget form: a cell missing or twice, an amount with a control character. The form
 * has no free text (amounts only). */
static void
budget_form(void **state)
{
	(void)state;
	const char *page = path_of(SCHOOL, "/kinh-phi");
	char p[256];
	snprintf(p, sizeof p, "%s", page);
	const char *missing[] = {"p.nsnn.khac", NULL, NULL};
	page_refused(&school, p, p, missing, 400, "thiếu trường &quot;p.nsnn.khac&quot;");
	const char *twice[] = {"a.xhh.lop_hoc", "5.000", "+a.xhh.lop_hoc", "6.000", NULL};
	page_refused(&school, p, p, twice, 400, "a.xhh.lop_hoc&quot; được gửi hai lần");
	const char *bell[] = {"p.xhh.khac", "1\x07" "000", NULL};
	page_refused(&school, p, p, bell, 422, "không phải một số tiền");
}

/* The review queue: a school's submitted report listed, then the queue's form without its
 * comment, with versions twice, returning with a reason of spaces or with U+202E. */
static void
review_queue_form(void **state)
{
	(void)state;
	const char *unit = "HA-11422-TH";
	char body[600], report[256], submit[256];
	snprintf(report, sizeof report, "%s", path_of(unit, "/report"));
	snprintf(submit, sizeof submit, "%s", path_of(unit, "/submit"));
	snprintf(body, sizeof body,
	         "version=%ld&v.1.ke_hoach=1&v.5.2.lop=6&v.5.2.nguoi=180&v.2.bao=2"
	         "&v.i.text=Nhà+trường+đã+xây+dựng+kế+hoạch",
	         version_of(&head, unit));
	hc_resp_t r = ha_post_page_body(port, &head, report, submit, body);
	if (r.status != 303)
		fail_msg("submit: %ld %.600s", r.status, buf_cstr(&r.body));
	hc_resp_free(&r);
	char q[256];
	snprintf(q, sizeof q, "%s", path_of("306", "/review"));
	const char *missing[] = {"action", "approve", "unit", unit, "comment", NULL, NULL};
	page_refused(&officer, q, q, missing, 400, "thiếu trường &quot;comment&quot;");
	const char *twice[] = {"action", "approve", "unit", unit, "+versions", "x:1", NULL};
	page_refused(&officer, q, q, twice, 400, "versions&quot; được gửi hai lần");
	const char *blank[] = {"action", "return", "unit", unit, "comment", "  \t  ", NULL};
	page_refused(&officer, q, q, blank, 400, "Lý do trả lại: cần ghi ít nhất 3 ký tự");
	const char *bidi[] = {"action", "return", "unit", unit, "comment",
	                      "Thiếu số liệu \xe2\x80\xae""cớh pól", NULL};
	page_refused(&officer, q, q, bidi, 400, "Lý do trả lại: có ký tự đảo chiều chữ (bidi)");
}

/* Campaigns: the new-campaign form without its due date or with its name twice, a name of
 * spaces or with a control character, a theme with U+202E; a campaign's status form
 * without its status or with it twice. */
static void
campaign_forms(void **state)
{
	(void)state;
	const char *page = "/units/306/campaigns/new", *path = "/units/306/campaigns";
	const char *missing[] = {"name", "Tuần lễ 2026", "due", NULL, NULL};
	page_refused(&head, page, path, missing, 400, "thiếu trường &quot;due&quot;");
	const char *twice[] = {"name", "Tuần lễ A", "+name", "Tuần lễ B", NULL};
	page_refused(&head, page, path, twice, 400, "name&quot; được gửi hai lần");
	static const char *const valid[] = {"year", "2026", "start", "01/10/2026", "end",
	                                    "07/10/2026", "due", "10/10/2026", "+kind",
	                                    "truong_th"};
	struct {
		const char *field, *value, *says;
	} bad[] = {
	        {"name", "   ", "Tên đợt: đang để trống"},
	        {"name", "Tuần lễ\x07 2026", "Tên đợt: có ký tự điều khiển U+0007"},
	        {"theme", "Học \xe2\x80\xae""ậd iờưg", "Chủ đề: có ký tự đảo chiều chữ (bidi) U+202E"},
	};
	for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
		const char *kv[16];
		size_t n = 0;
		for (size_t i = 0; i < sizeof valid / sizeof *valid; i++)
			kv[n++] = valid[i];
		if (strcmp(bad[k].field, "name")) {
			kv[n++] = "name";
			kv[n++] = "Tuần lễ 2026";
		}
		kv[n++] = bad[k].field;
		kv[n++] = bad[k].value;
		kv[n] = NULL;
		page_refused(&head, page, path, kv, 400, bad[k].says);
	}
	/* a campaign of the district, then its status form */
	const char *good[] = {"year", "2026", "start", "01/10/2026", "end", "07/10/2026", "due",
	                      "10/10/2026", "+kind", "truong_th", "name", "Tuần lễ thử 2026", NULL};
	hc_resp_t r = ha_post_page_form(port, &head, page, path, good);
	if (r.status != 303)
		fail_msg("campaign: %ld %.600s", r.status, buf_cstr(&r.body));
	char loc[300];
	assert_non_null(hc_header(&r, "Location", loc, sizeof loc));
	hc_resp_free(&r);
	long long id = atoll(loc + strlen("/campaigns/"));
	char cpage[300], status[300];
	snprintf(cpage, sizeof cpage, "/campaigns/%lld/units/306", id);
	snprintf(status, sizeof status, "/units/306/campaigns/%lld/status", id);
	const char *no_status[] = {"status", NULL, NULL};
	page_refused(&head, cpage, status, no_status, 400, "thiếu trường &quot;status&quot;");
	const char *status_twice[] = {"status", "open", "+status", "closed", NULL};
	page_refused(&head, cpage, status, status_twice, 400, "status&quot; được gửi hai lần");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(report_form_without_fields),
	        cmocka_unit_test(field_twice),
	        cmocka_unit_test(return_comment_blank),
	        cmocka_unit_test(reminder_note_over_limit),
	        cmocka_unit_test(full_name_control),
	        cmocka_unit_test(units_import_names),
	        cmocka_unit_test(activity_form),
	        cmocka_unit_test(registry_name_control),
	        cmocka_unit_test(enrol_settings_form),
	        cmocka_unit_test(reading_shelf_form),
	        cmocka_unit_test(admin_forms),
	        cmocka_unit_test(contest_entry_form),
	        cmocka_unit_test(contest_admin_form),
	        cmocka_unit_test(contest_entry_moderation),
	        cmocka_unit_test(award_forms),
	        cmocka_unit_test(resource_forms),
	        cmocka_unit_test(reading_text_hygiene),
	        cmocka_unit_test(doc_forms),
	        cmocka_unit_test(budget_form),
	        cmocka_unit_test(review_queue_form),
	        cmocka_unit_test(campaign_forms),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
