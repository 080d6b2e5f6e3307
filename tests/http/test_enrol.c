/* Class enrolment over real HTTP, as issue 18's "done when" tells it: the Đằng Lâm CLC opens
 * a free class with two places; citizens without an account enrol from the public page with
 * the web form (no JavaScript) and the JSON API, get a code, the third and fourth wait; a
 * cancellation with the code promotes the first waiting; the CLC sees the names, exports
 * the XLSX (read back) and marks attendance, which becomes the activity's participants and
 * the results form's pre-fill. Every bad input is a Vietnamese 4xx naming the field with
 * nothing written; public pages and the public API never carry a name or a phone; the
 * retention sweep empties them; one IP is held to ten enrolments an hour. */
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
#include <zip.h>

#include "app/app.h"
#include "domain/accounts.h"
#include "domain/activity.h"
#include "domain/demo.h"
#include "helper_app.h"
#include "text/text.h"

#define PASSWORD "Dang-ky-hoc-2026-kiem-tra"
#define CLC "HA-11413-TTHTCD"

static char tmpdir[] = "/tmp/suotdoi-enrol-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t demo_id, current_id;
static int32_t base_day;
static ha_client_t clc;
static int64_t cls; /* the class of the story */

/* ---------- helpers ---------- */

/* POST as a browser does: the page holding the form read, every field sent (a class's
 * settings are on its list of enrolments; the sign-up and cancel forms on their own page) */
static hc_resp_t
post(ha_client_t *c, const char *path, const char *const *kv)
{
	char page[300];
	snprintf(page, sizeof page, "%s", path);
	char *tail = strstr(page, "/enrolments/settings");
	if (tail)
		tail[strlen("/enrolments")] = '\0';
	if (c == NULL || (strncmp(path, "/units/", 7) == 0 && !tail))
		return ha_post_form(port, c, path, kv);
	/* a class past its deadline shows no sign-up form: the post a stale page would send */
	hc_resp_t g = ha_req(port, c, "GET", page, NULL, 0);
	char action[320];
	snprintf(action, sizeof action, "action=\"%s\"", path);
	int shown = g.status == 200 && strstr(buf_cstr(&g.body), action);
	hc_resp_free(&g);
	if (shown)
		return ha_post_page_form(port, c, page, path, kv);
	const char *all[32];
	size_t n = 0;
	for (size_t i = 0; kv[i] && n < 20; i += 2)
		all[n++] = kv[i], all[n++] = kv[i + 1];
	static const char *const fields[] = {"name", "phone", "birth_year", "note", "website"};
	for (size_t f = 0; f < sizeof fields / sizeof *fields; f++) {
		int have = 0;
		for (size_t i = 0; kv[i]; i += 2)
			have |= strcmp(kv[i], fields[f]) == 0;
		if (!have)
			all[n++] = fields[f], all[n++] = "";
	}
	all[n] = NULL;
	return ha_post_form(port, c, path, all);
}

static hc_resp_t
get(ha_client_t *c, const char *path)
{
	return ha_req(port, c, "GET", path, NULL, 0);
}

static const char *
body(const hc_resp_t *r)
{
	return buf_cstr((buf_t *)&r->body);
}

static void
expect_in(const hc_resp_t *r, const char *s)
{
	if (!strstr(body(r), s))
		fail_msg("response %ld lacks \"%s\":\n%.3000s", r->status, s, body(r));
}

static void
expect_not_in(const hc_resp_t *r, const char *s)
{
	if (strstr(body(r), s))
		fail_msg("response %ld holds \"%s\"", r->status, s);
}

static const char *
path(const char *fmt, long long id)
{
	static char p[8][200];
	static int k;
	k = (k + 1) % 8;
	snprintf(p[k], sizeof p[k], fmt, id);
	return p[k];
}

#define UNIT_PATH(tail) path("/units/" CLC "/activities/%lld" tail, (long long)cls)

/* A citizen: the pre-login cookie and the form's token, read from a public page (the
 * cancel form's: it is there before and after the deadline). */
static ha_client_t
citizen(int64_t id)
{
	ha_client_t c = {{0}, {0}};
	hc_resp_t r = get(NULL, path("/lich/%lld/huy", id));
	assert_int_equal(r.status, 200);
	assert_int_equal(hc_cookie(&r, APP_PRELOGIN_COOKIE, c.cookie, sizeof c.cookie), 0);
	assert_int_equal(hc_csrf(&r, c.csrf, sizeof c.csrf), 0);
	hc_resp_free(&r);
	return c;
}

/* Enrol with the form; the code from the 303 (into code) or "" with the response kept. */
static hc_resp_t
enrol(int64_t id, const char *name, const char *phone, char code[16])
{
	ha_client_t c = citizen(id);
	const char *kv[] = {"name", name, "phone", phone, "consent", "1", "website", "", NULL};
	hc_resp_t r = post(&c, path("/lich/%lld/dang-ky", id), kv);
	code[0] = '\0';
	char loc[200];
	if (r.status == 303 && hc_header(&r, "Location", loc, sizeof loc)) {
		const char *p = strstr(loc, "/ma/");
		assert_non_null(p);
		snprintf(code, 16, "%s", p + 4);
	}
	return r;
}

static json_t *
get_json(ha_client_t *c, const char *p)
{
	hc_resp_t r = get(c, p);
	if (r.status != 200)
		fail_msg("GET %s: %ld %s", p, r.status, body(&r));
	json_error_t je;
	json_t *j = json_loads(body(&r), 0, &je);
	hc_resp_free(&r);
	assert_non_null(j);
	return j;
}

/* Rows of the CLC's list as the JSON API gives them. */
static size_t
rows(void)
{
	json_t *j = get_json(
	        &clc, path("/api/v1/units/" CLC "/activities/%lld/enrolments", (long long)cls));
	size_t n = json_array_size(json_object_get(j, "rows"));
	json_decref(j);
	return n;
}

static const char *
row_status(const char *name)
{
	static char st[32];
	json_t *j = get_json(
	        &clc, path("/api/v1/units/" CLC "/activities/%lld/enrolments", (long long)cls));
	json_t *rs = json_object_get(j, "rows"), *row;
	size_t i;
	st[0] = '\0';
	json_array_foreach(rs, i, row)
	{
		if (!strcmp(json_string_value(json_object_get(row, "name")), name))
			snprintf(st, sizeof st, "%s",
			         json_string_value(json_object_get(row, "status")));
	}
	json_decref(j);
	return st;
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

static int64_t
new_class(const char *title, const char *capacity)
{
	const char *kv[] = {"campaign",    path("%lld", (long long)current_id),
	                    "kind",        "lop_ngoai_ngu_tin_hoc",
	                    "title",       title,
	                    "description", "",
	                    "start_date",  day_str(base_day + 1),
	                    "start_time",  "08:00",
	                    "end_date",    "",
	                    "end_time",    "10:30",
	                    "place",       "Trung tâm học tập cộng đồng phường Đằng Lâm",
	                    "mode",        "truc_tiep",
	                    "link",        "",
	                    "audience",    "Người cao tuổi",
	                    "expected",    "",
	                    "public",      "1",
	                    NULL};
	hc_resp_t r = post(&clc, "/units/" CLC "/activities", kv);
	char loc[300];
	if (r.status != 303 || !hc_header(&r, "Location", loc, sizeof loc))
		fail_msg("register: %ld %s", r.status, body(&r));
	hc_resp_free(&r);
	int64_t id = atoll(strstr(loc, "/activities/") + strlen("/activities/"));
	const char *s[] = {"enrol_open",
	                   "1",
	                   "enrol_fee",
	                   "",
	                   "enrol_capacity",
	                   capacity,
	                   "enrol_contact_name",
	                   "Chị Hạnh",
	                   "enrol_contact_phone",
	                   "0225 3978 123",
	                   NULL};
	r = post(&clc, path("/units/" CLC "/activities/%lld/enrolments/settings", (long long)id),
	         s);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	return id;
}

typedef struct act_copy {
	store_activity_t a;
	char *s[10];
} act_copy_t;

static int
take_act(const store_activity_t *a, void *p)
{
	act_copy_t *c = p;
	c->a = *a;
	const char **f[] = {&c->a.unit_path, &c->a.kind,   &c->a.title, &c->a.description,
	                    &c->a.place,     &c->a.mode,   &c->a.link,  &c->a.audience,
	                    &c->a.status,    &c->a.outcome};
	for (int k = 0; k < 10; k++)
		*f[k] = c->s[k] = strdup(*f[k]);
	return 0;
}

/* Time passes: the class took place yesterday (moved through the store, as a clock would
 * move past it). */
static void
class_was_yesterday(int64_t id)
{
	act_copy_t c;
	assert_int_equal(store_activity_get(app.store, id, take_act, &c), 1);
	int64_t now = app_now();
	c.a.start_at = now - 26 * 3600;
	c.a.end_at = now - 24 * 3600;
	assert_int_equal(store_activity_save(app.store, &c.a, c.a.version, NULL, NULL), 0);
	for (int k = 0; k < 10; k++)
		free(c.s[k]);
}

static int64_t
actual_of(int64_t id, char status[16])
{
	act_copy_t c;
	assert_int_equal(store_activity_get(app.store, id, take_act, &c), 1);
	snprintf(status, 16, "%s", c.a.status);
	for (int k = 0; k < 10; k++)
		free(c.s[k]);
	return c.a.actual;
}

/* ---------- set-up ---------- */

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "e.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	unit_tree_t *t = app_tree(&app);
	if (demo_campaign(app.store, t, TEST_SOURCE_DIR, &demo_id) < 0)
		return -1;
	unit_tree_unref(t);
	if (ha_haian_campaign(&app, demo_id, &current_id, &base_day) < 0)
		return -1;
	ha_user(&app, "canbo.clc", CLC, ROLE_ENTRY, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &clc, "canbo.clc", PASSWORD) != 303)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return ha_stop(srv, &app, tmpdir);
}

/* ---------- the story ---------- */

static char code_a[16], code_b[16], code_c[16], code_d[16];
static const char *const names[] = {"Nguyễn Thị Lan", "Trần Văn Bình", "Lê Thị Cúc",
                                    "Phạm Văn Dũng"};

/* The CLC registers a class and opens it: bad settings first (named, nothing stored),
 * then two free places. */
static void
test_open_class(void **state)
{
	(void)state;
	cls = new_class("Lớp tin học cho người cao tuổi (khóa 2)", "2");
	/* the settings form refuses a bad capacity, fee, deadline after the start, e-mail */
	const char *bad[] = {"enrol_open",
	                     "1",
	                     "enrol_fee",
	                     "hai trăm",
	                     "enrol_capacity",
	                     "0",
	                     "enrol_deadline_date",
	                     day_str(base_day + 5),
	                     "enrol_contact_name",
	                     "Chị Hạnh",
	                     "enrol_contact_email",
	                     "hanh@",
	                     NULL};
	hc_resp_t r = post(&clc, UNIT_PATH("/enrolments/settings"), bad);
	assert_int_equal(r.status, 422);
	expect_in(&r, "Học phí “hai trăm” không hợp lệ");
	expect_in(&r, "Số chỗ “0” không hợp lệ");
	expect_in(&r, "Hạn đăng ký sau giờ bắt đầu lớp");
	expect_in(&r, "Thư điện tử liên hệ không hợp lệ");
	expect_in(&r, "value=\"hai trăm\""); /* what was typed comes back */
	hc_resp_free(&r);
	json_t *j = get_json(
	        &clc, path("/api/v1/units/" CLC "/activities/%lld/enrolments", (long long)cls));
	json_t *s = json_object_get(j, "settings");
	assert_int_equal(json_integer_value(json_object_get(s, "capacity")), 2); /* unchanged */
	json_decref(j);
	/* the JSON API refuses a wrong type by name, without coercing */
	r = ha_req(
	        port, &clc, "POST",
	        path("/api/v1/units/" CLC "/activities/%lld/enrolments/settings", (long long)cls),
	        "{\"enrol_open\": \"yes\", \"enrol_capacity\": 5}", 1);
	assert_int_equal(r.status, 400);
	expect_in(&r, "enrol_open");
	hc_resp_free(&r);
	/* the same through the JSON API, with JSON types */
	r = ha_req(
	        port, &clc, "POST",
	        path("/api/v1/units/" CLC "/activities/%lld/enrolments/settings", (long long)cls),
	        "{\"enrol_open\": true, \"enrol_capacity\": 2, \"enrol_contact_name\": \"Chị "
	        "Hạnh\","
	        " \"enrol_contact_phone\": \"0225 3978 123\"}",
	        1);
	assert_int_equal(r.status, 200);
	hc_resp_free(&r);
	/* the activity's page leads its staff to the enrolment page */
	r = get(&clc, UNIT_PATH(""));
	expect_in(&r, "/enrolments\">Đăng ký học");
	hc_resp_free(&r);
	/* the public page: free, two places, the deadline, the contact, the form */
	r = get(NULL, path("/lich/%lld", (long long)cls));
	assert_int_equal(r.status, 200);
	expect_in(&r, "Miễn phí");
	expect_in(&r, "Còn 2 chỗ");
	expect_in(&r, "Chị Hạnh");
	expect_in(&r, "href=\"tel:02253978123\"");
	expect_in(&r, "name=\"website\"");
	expect_in(&r, "class=\"enrol-hp\"");
	expect_not_in(&r, "type=\"hidden\" name=\"website\"");
	expect_in(&r, "dữ liệu sẽ được xóa sau 90 ngày");
	hc_resp_free(&r);
}

static void
test_enrol_and_waitlist(void **state)
{
	(void)state;
	hc_resp_t r = enrol(cls, names[0], "+84 913 579 246", code_a);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	assert_int_equal(strlen(code_a), 8);
	/* the confirmation: the code and the status, no name, no phone */
	char p[200];
	snprintf(p, sizeof p, "/lich/%lld/ma/%s", (long long)cls, code_a);
	r = get(NULL, p);
	assert_int_equal(r.status, 200);
	expect_in(&r, code_a);
	expect_in(&r, "Bạn đã được nhận vào lớp.");
	expect_not_in(&r, names[0]);
	expect_not_in(&r, "0913579246");
	hc_resp_free(&r);
	r = enrol(cls, names[1], "84987654321", code_b);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	r = get(NULL, path("/lich/%lld", (long long)cls));
	expect_in(&r, "Đã đủ chỗ — đăng ký vào danh sách chờ");
	expect_in(&r, "Đăng ký vào danh sách chờ");
	hc_resp_free(&r);
	/* the third waits, first in line */
	r = enrol(cls, names[2], "0355 111 222", code_c);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	snprintf(p, sizeof p, "/lich/%lld/ma/%s", (long long)cls, code_c);
	r = get(NULL, p);
	expect_in(&r, "vị trí 1 trong danh sách chờ");
	hc_resp_free(&r);
	/* the fourth through the JSON API: second in line */
	ha_client_t c = citizen(cls);
	r = ha_req(
	        port, &c, "POST", path("/api/v1/lich/%lld/enrolments", (long long)cls),
	        "{\"name\": \"Phạm Văn Dũng\", \"phone\": \"0868.123.456\", \"birth_year\": 1958,"
	        " \"consent\": true}",
	        1);
	assert_int_equal(r.status, 201);
	json_t *j = json_loads(body(&r), 0, NULL);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "waiting");
	assert_int_equal(json_integer_value(json_object_get(j, "position")), 2);
	snprintf(code_d, sizeof code_d, "%s", json_string_value(json_object_get(j, "code")));
	json_decref(j);
	hc_resp_free(&r);
	assert_int_equal(rows(), 4);
}

/* Every bad input: a Vietnamese 4xx naming the field, nothing written. */
static void
test_bad_input(void **state)
{
	(void)state;
	static const struct {
		const char *name, *phone, *consent, *year;
		long status;
		const char *says;
	} cases[] = {
	        {"", "0912000111", "1", "", 422, "Họ và tên: hãy nhập họ và tên"},
	        {"Hoàng Văn Em", "12345", "1", "", 422, "Số điện thoại không hợp lệ"},
	        {"Hoàng Văn Em", "0212345678", "1", "", 422, "Số điện thoại không hợp lệ"},
	        {"Hoàng Văn Em", "0912000111", "", "", 422, "Đồng ý lưu thông tin"},
	        {"Hoàng Văn Em", "0912000111", "1", "19x5", 422, "Năm sinh “19x5” không hợp lệ"},
	        /* a bidi override (text hygiene): refused, named */
	        {"Lê \xe2\x80\xae"
	         "An",
	         "0912000222", "1", "", 422, "U+202E"},
	        /* the same phone again, typed another way: one sentence, no telling */
	        {"Người khác", "0913 579 246", "1", "", 409, "Số điện thoại: số này không đăng ký"},
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		ha_client_t c = citizen(cls);
		const char *kv[] = {"name",       cases[k].name,
		                    "phone",      cases[k].phone,
		                    "consent",    cases[k].consent,
		                    "birth_year", cases[k].year,
		                    "website",    "",
		                    NULL};
		hc_resp_t r = post(&c, path("/lich/%lld/dang-ky", (long long)cls), kv);
		if (r.status != cases[k].status)
			fail_msg("case %zu: %ld %s", k, r.status, body(&r));
		expect_in(&r, cases[k].says);
		if (*cases[k].name)
			expect_in(&r, cases[k].name); /* the form comes back filled */
		hc_resp_free(&r);
		assert_int_equal(rows(), 4);
	}
	/* without the form's token: refused by the guard */
	const char *kv[] = {"name", "Hoàng Văn Em", "phone", "0912000111", "consent", "1", NULL};
	hc_resp_t r = post(NULL, path("/lich/%lld/dang-ky", (long long)cls), kv);
	assert_int_equal(r.status, 403);
	hc_resp_free(&r);
	/* the JSON API: a wrong type named, not coerced */
	ha_client_t c = citizen(cls);
	r = ha_req(port, &c, "POST", path("/api/v1/lich/%lld/enrolments", (long long)cls),
	           "{\"name\": \"Hoàng Văn Em\", \"phone\": \"0912000111\", \"consent\": \"yes\"}",
	           1);
	assert_int_equal(r.status, 400);
	expect_in(&r, "consent");
	hc_resp_free(&r);
	r = ha_req(port, &c, "POST", path("/api/v1/lich/%lld/enrolments", (long long)cls),
	           "{\"name\": \"Hoàng Văn Em\", \"phone\": 912000111, \"consent\": true}", 1);
	assert_int_equal(r.status, 400);
	expect_in(&r, "Trường “phone” phải là một chuỗi");
	hc_resp_free(&r);
	/* the honeypot: a bot is shown success and nothing is kept */
	const char *bot[] = {"name",    "Spam Bot", "phone",   "0911999888",
	                     "consent", "1",        "website", "http://spam.example",
	                     NULL};
	c = citizen(cls);
	r = post(&c, path("/lich/%lld/dang-ky", (long long)cls), bot);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	assert_int_equal(rows(), 4);
	/* a class that takes no enrolments */
	r = get(NULL, "/lich/999999/dang-ky");
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
}

/* Public pages and the public API: counts, never a name or a phone. */
static void
test_no_personal_data_in_public(void **state)
{
	(void)state;
	const char *pages[] = {path("/lich/%lld", (long long)cls),
	                       path("/lich/%lld/dang-ky", (long long)cls),
	                       "/lich?unit=" CLC,
	                       "/api/v1/lich?unit=" CLC,
	                       path("/api/v1/lich/%lld/enrolment", (long long)cls),
	                       path("/lich/%lld/event.ics", (long long)cls)};
	for (size_t k = 0; k < sizeof pages / sizeof pages[0]; k++) {
		hc_resp_t r = get(NULL, pages[k]);
		assert_int_equal(r.status, 200);
		for (int n = 0; n < 4; n++)
			expect_not_in(&r, names[n]);
		expect_not_in(&r, "0913579246");
		expect_not_in(&r, "0987654321");
		expect_not_in(&r, "913 579 246");
		hc_resp_free(&r);
	}
	json_t *j = get_json(NULL, path("/api/v1/lich/%lld/enrolment", (long long)cls));
	assert_int_equal(json_integer_value(json_object_get(j, "enrolled")), 2);
	assert_int_equal(json_integer_value(json_object_get(j, "waiting")), 2);
	assert_int_equal(json_integer_value(json_object_get(j, "places_left")), 0);
	assert_true(json_is_true(json_object_get(j, "free")));
	json_decref(j);
}

static char *
zip_member(const buf_t *file, const char *member)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(file->data, file->len, 0, &ze);
	assert_non_null(src);
	zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &ze);
	assert_non_null(z);
	zip_stat_t st;
	assert_int_equal(zip_stat(z, member, 0, &st), 0);
	char *d = calloc(1, st.size + 1);
	zip_file_t *f = zip_fopen(z, member, 0);
	assert_non_null(f);
	assert_int_equal(zip_fread(f, d, st.size), (zip_int64_t)st.size);
	zip_fclose(f);
	zip_close(z);
	return d;
}

/* The CLC sees the names and the order, and exports them. */
static void
test_clc_list_and_export(void **state)
{
	(void)state;
	hc_resp_t r = get(&clc, UNIT_PATH("/enrolments"));
	assert_int_equal(r.status, 200);
	for (int n = 0; n < 4; n++)
		expect_in(&r, names[n]);
	expect_in(&r, "0913579246");
	expect_in(&r, "Danh sách chờ (1)");
	expect_in(&r, "Danh sách chờ (2)");
	expect_in(&r, "Điểm danh được từ giờ bắt đầu lớp.");
	hc_resp_free(&r);
	/* anonymous: sent to sign in */
	r = get(NULL, UNIT_PATH("/enrolments"));
	assert_int_equal(r.status, 401);
	expect_not_in(&r, names[0]);
	hc_resp_free(&r);
	r = get(&clc, UNIT_PATH("/enrolments.xlsx"));
	assert_int_equal(r.status, 200);
	char ct[200];
	assert_non_null(hc_header(&r, "Content-Type", ct, sizeof ct));
	assert_non_null(strstr(ct, "spreadsheetml"));
	char *sheet = zip_member(&r.body, "xl/worksheets/sheet1.xml");
	const char *want[] = {"Họ và tên", "Số điện thoại",     "Trạng thái", "Có mặt",
	                      names[0],    "0913579246",        names[1],     "Đã nhận",
	                      names[2],    "Danh sách chờ (1)", names[3],     "Danh sách chờ (2)"};
	const char *at = sheet;
	for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
		const char *p = strstr(at, want[k]);
		if (!p)
			fail_msg("the sheet lacks \"%s\" after the previous cells", want[k]);
		at = p;
	}
	assert_non_null(strstr(sheet, "1958")); /* the year of birth from the API */
	free(sheet);
	hc_resp_free(&r);
}

/* Cancelling needs the code and the phone's last four digits; the first waiting moves up. */
static void
test_cancel_promotes(void **state)
{
	(void)state;
	ha_client_t c = citizen(cls);
	const char *wrong[] = {"code", code_b, "phone4", "4320", NULL};
	hc_resp_t r = post(&c, path("/lich/%lld/huy", (long long)cls), wrong);
	assert_int_equal(r.status, 422);
	expect_in(&r, "Mã xác nhận hoặc 4 số cuối điện thoại không đúng");
	hc_resp_free(&r);
	assert_string_equal(row_status(names[1]), "enrolled");
	const char *right[] = {"code", code_b, "phone4", "4321", NULL};
	r = post(&c, path("/lich/%lld/huy", (long long)cls), right);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	assert_string_equal(row_status(names[1]), "cancelled");
	assert_string_equal(row_status(names[2]), "enrolled"); /* the first in line */
	assert_string_equal(row_status(names[3]), "waiting");
	char p[200];
	snprintf(p, sizeof p, "/lich/%lld/ma/%s", (long long)cls, code_c);
	r = get(NULL, p);
	expect_in(&r, "Bạn đã được nhận vào lớp.");
	hc_resp_free(&r);
	snprintf(p, sizeof p, "/lich/%lld/ma/%s", (long long)cls, code_d);
	r = get(NULL, p);
	expect_in(&r, "vị trí 1 trong danh sách chờ");
	hc_resp_free(&r);
	/* the CLC sees whom to tell */
	r = get(&clc, UNIT_PATH("/enrolments"));
	expect_in(&r, "Chuyển từ danh sách chờ lúc");
	expect_in(&r, "cần báo cho người học");
	hc_resp_free(&r);
}

/* Attendance becomes the activity's participants and the results form's pre-fill. */
static void
test_attendance_prefill(void **state)
{
	(void)state;
	json_t *j = get_json(
	        &clc, path("/api/v1/units/" CLC "/activities/%lld/enrolments", (long long)cls));
	json_t *rs = json_object_get(j, "rows"), *row;
	size_t i;
	char body_ids[200] = "";
	json_array_foreach(rs, i, row)
	{
		const char *n = json_string_value(json_object_get(row, "name"));
		if (!strcmp(n, names[0]) || !strcmp(n, names[2]))
			snprintf(body_ids + strlen(body_ids), sizeof body_ids - strlen(body_ids),
			         "&attended=%lld",
			         (long long)json_integer_value(json_object_get(row, "id")));
	}
	json_decref(j);
	char b[300];
	snprintf(b, sizeof b, "csrf=%s%s", clc.csrf, body_ids);
	/* before the class: refused, nothing written */
	hc_resp_t r = ha_req(port, &clc, "POST", UNIT_PATH("/enrolments/attendance"), b, 0);
	assert_int_equal(r.status, 409);
	expect_in(&r, "Lớp chưa bắt đầu");
	hc_resp_free(&r);
	char st[16];
	assert_int_equal(actual_of(cls, st), -1);
	class_was_yesterday(cls);
	r = get(NULL, path("/lich/%lld", (long long)cls));
	expect_in(&r, "Lớp đã hết hạn đăng ký.");
	expect_not_in(&r, "name=\"phone\"");
	hc_resp_free(&r);
	/* after its start nobody can enrol any more */
	char code[16];
	r = enrol(cls, "Đinh Thị Gấm", "0977000111", code);
	assert_int_equal(r.status, 409);
	expect_in(&r, "Đã hết hạn đăng ký lớp này");
	hc_resp_free(&r);
	r = ha_req(port, &clc, "POST", UNIT_PATH("/enrolments/attendance"), b, 0);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	assert_int_equal(actual_of(cls, st), 2);
	assert_string_equal(st, "held");
	/* the results form's pre-fill: the class's participants come from the attendance */
	j = get_json(&clc,
	             path("/api/v1/campaigns/%lld/units/" CLC "/report", (long long)current_id));
	json_t *pf = json_object_get(j, "prefill");
	json_t *people = json_object_get(pf, "5.2.nguoi");
	if (!people)
		fail_msg("no 5.2.nguoi in the pre-fill: %s", json_dumps(pf, 0));
	assert_int_equal(json_integer_value(json_object_get(people, "value")), 2);
	json_decref(j);
	r = get(&clc, UNIT_PATH("/enrolments?done=attendance"));
	expect_in(&r, "Đã lưu điểm danh");
	expect_in(&r, "<strong>2</strong> có mặt");
	hc_resp_free(&r);
}

/* The retention sweep, with the scheduler's clock: names and phones go, counts stay. */
static void
test_retention(void **state)
{
	(void)state;
	int64_t n = -1;
	int64_t now = app_now();
	assert_int_equal(app_enrol_purge_tick(&app, now + 88 * 86400, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(app_enrol_purge_tick(&app, now + 91 * 86400, &n), 0);
	assert_int_equal(n, 4);
	hc_resp_t r = get(&clc, UNIT_PATH("/enrolments"));
	for (int k = 0; k < 4; k++)
		expect_not_in(&r, names[k]);
	expect_in(&r, "(đã xóa dữ liệu cá nhân)");
	expect_in(&r, "<strong>2</strong> có mặt");
	hc_resp_free(&r);
	/* a code of a purged enrolment no longer opens anything */
	char p[200];
	snprintf(p, sizeof p, "/lich/%lld/ma/%s", (long long)cls, code_a);
	r = get(NULL, p);
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
}

/* One client IP: ten enrolments an hour, then 429 with nothing written. */
static void
test_ip_limit(void **state)
{
	(void)state;
	auth_throttle_free(app.enrol_limit); /* forget the story's enrolments */
	app.enrol_limit = auth_throttle_new(0, 3600, 0);
	int64_t other = new_class("Lớp tin học văn phòng", "3");
	for (int k = 0; k < 10; k++) {
		char phone[16], code[16];
		snprintf(phone, sizeof phone, "09190000%02d", k);
		hc_resp_t r = enrol(other, "Người học", phone, code);
		if (r.status != 303)
			fail_msg("enrolment %d: %ld %s", k, r.status, body(&r));
		hc_resp_free(&r);
	}
	char code[16];
	hc_resp_t r = enrol(other, "Người học", "0919000099", code);
	assert_int_equal(r.status, 429);
	expect_in(&r, "quá nhiều lượt đăng ký");
	hc_resp_free(&r);
	json_t *j = get_json(NULL, path("/api/v1/lich/%lld/enrolment", (long long)other));
	assert_int_equal(json_integer_value(json_object_get(j, "enrolled")), 3);
	assert_int_equal(json_integer_value(json_object_get(j, "waiting")), 7);
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_open_class),
	        cmocka_unit_test(test_enrol_and_waitlist),
	        cmocka_unit_test(test_bad_input),
	        cmocka_unit_test(test_no_personal_data_in_public),
	        cmocka_unit_test(test_clc_list_and_export),
	        cmocka_unit_test(test_cancel_promotes),
	        cmocka_unit_test(test_attendance_prefill),
	        cmocka_unit_test(test_retention),
	        cmocka_unit_test(test_ip_limit),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
