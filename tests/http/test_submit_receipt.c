/* After submitting (issue 17): a school's head submits its results form in Hải Phòng's 2022
 * demo campaign over real HTTP; the page after the submit says "Đã nộp báo cáo lúc HH:MM
 * ngày dd/mm/yyyy" (Vietnam time, the minute of the submit) with links to the unit's own
 * report as PDF and XLSX; the head fetches both and they hold the school's submitted
 * figures (pdftotext; the sheet's XML read with libzip); another school's head cannot fetch them;
 * the home page keeps a "đã nộp lúc …" card with the same links instead of the count-down, until
 * the campaign closes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zip.h>

#include "app/app.h"
#include "core/file.h"
#include "domain/accounts.h"
#include "domain/activity.h"
#include "domain/demo.h"
#include "helper_app.h"

#define PASSWORD "Nop-bao-cao-kiem-tra-17"
#define SCHOOL "HA-11413-TH"
#define OTHER "HA-11413-THCS"

static char tmpdir[] = "/tmp/suotdoi-receipt-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t campaign;
static ha_client_t head, other, city;

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "r.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	unit_tree_t *t = app_tree(&app);
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &campaign);
	unit_tree_unref(t);
	if (rc < 0)
		return -1;
	ha_user(&app, "hieutruong.th", SCHOOL, ROLE_HEAD, PASSWORD);
	ha_user(&app, "hieutruong.thcs", OTHER, ROLE_HEAD, PASSWORD);
	ha_user(&app, "lanhdao.so", "31", ROLE_HEAD, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &head, "hieutruong.th", PASSWORD) != 303 ||
	    ha_login(port, &other, "hieutruong.thcs", PASSWORD) != 303 ||
	    ha_login(port, &city, "lanhdao.so", PASSWORD) != 303)
		return -1;
	return 0;
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
expect_in(const hc_resp_t *r, const char *s)
{
	if (!strstr(buf_cstr((buf_t *)&r->body), s))
		fail_msg("response %ld lacks \"%s\":\n%.3000s", r->status, s,
		         buf_cstr((buf_t *)&r->body));
}

/* "HH:MM ngày dd/mm/yyyy" of Unix time t, Vietnam time. */
static void
vn_stamp(int64_t t, char *out, size_t cap)
{
	buf_t b = BUF_INIT;
	activity_format_hhmm(t, &b);
	buf_puts(&b, " ngày ");
	activity_format_date(t, &b);
	snprintf(out, cap, "%s", buf_cstr(&b));
	buf_free(&b);
}

/* The output of a shell command on a file holding body, into out. */
static void
run_on(const char *cmd_fmt, const buf_t *body, const char *name, buf_t *out)
{
	char path[400], cmd[1000];
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(body->data, 1, body->len, f), body->len);
	fclose(f);
	snprintf(cmd, sizeof cmd, cmd_fmt, path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		buf_append(out, chunk, n);
	assert_int_equal(pclose(p), 0);
}

/* The member name of the XLSX (a zip) in body, into out, read with libzip. */
static void
zip_member(const buf_t *body, const char *name, buf_t *out)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(body->data, body->len, 0, &ze);
	assert_non_null(src);
	zip_t *z = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	assert_non_null(z);
	zip_file_t *f = zip_fopen(z, name, 0);
	assert_non_null(f);
	char chunk[4096];
	zip_int64_t n;
	while ((n = zip_fread(f, chunk, sizeof chunk)) > 0)
		buf_append(out, chunk, (size_t)n);
	assert_true(n == 0);
	zip_fclose(f);
	zip_discard(z);
	zip_error_fini(&ze);
}

static void
test_receipt(void **state)
{
	(void)state;
	/* before: the home page counts down, no receipt */
	hc_resp_t r = ha_req(port, &head, "GET", "/", NULL, 0);
	assert_int_equal(r.status, 200);
	expect_in(&r, "class=\"msg err\"><a href=\"");
	assert_null(strstr(buf_cstr(&r.body), "đã nộp lúc"));
	hc_resp_free(&r);
	r = ha_req(port, &head, "GET", path_of(SCHOOL, "/report"), NULL, 0);
	assert_int_equal(r.status, 200);
	assert_null(strstr(buf_cstr(&r.body), "Đã nộp báo cáo lúc"));
	const char *vp = strstr(buf_cstr(&r.body), "name=\"version\" value=\"");
	assert_non_null(vp);
	long version = atol(vp + strlen("name=\"version\" value=\""));
	hc_resp_free(&r);

	/* the submit, with figures of its own */
	char body[1024];
	snprintf(body, sizeof body,
	         "csrf=%s&version=%ld&v.1.ke_hoach=1&v.5.2.lop=17&v.5.2.nguoi=4321&v.2.bao=3"
	         "&v.8.kinh_phi=2.468.000&v.i.text=Nhà+trường+đã+xây+dựng+kế+hoạch",
	         head.csrf, version);
	int64_t t0 = (int64_t)time(NULL);
	r = ha_post_page_body(port, &head, path_of(SCHOOL, "/report"), path_of(SCHOOL, "/submit"),
	                      body);
	int64_t t1 = (int64_t)time(NULL);
	if (r.status != 303)
		fail_msg("submit: %ld %.2000s", r.status, buf_cstr(&r.body));
	char loc[300];
	assert_true(hc_header(&r, "Location", loc, sizeof loc));
	hc_resp_free(&r);
	assert_non_null(strstr(loc, "done=submit"));

	/* the page after the submit: when, to the minute, and the unit's own report */
	char s0[64], s1[64], want[160];
	vn_stamp(t0, s0, sizeof s0);
	vn_stamp(t1, s1, sizeof s1);
	r = ha_req(port, &head, "GET", loc, NULL, 0);
	assert_int_equal(r.status, 200);
	snprintf(want, sizeof want, "Đã nộp báo cáo lúc %s", s0);
	if (!strstr(buf_cstr(&r.body), want))
		snprintf(want, sizeof want, "Đã nộp báo cáo lúc %s", s1);
	expect_in(&r, want);
	char pdf[200], xlsx[200];
	snprintf(pdf, sizeof pdf, "href=\"%s\"", path_of(SCHOOL, "/phuluc.pdf"));
	snprintf(xlsx, sizeof xlsx, "href=\"%s\"", path_of(SCHOOL, "/phuluc.xlsx"));
	expect_in(&r, pdf);
	expect_in(&r, xlsx);
	/* said once, with the time */
	assert_null(strstr(buf_cstr(&r.body), "Đã nộp báo cáo. Báo cáo bị khóa"));
	hc_resp_free(&r);

	/* the PDF holds the school's own figures */
	r = ha_req(port, &head, "GET", path_of(SCHOOL, "/phuluc.pdf"), NULL, 0);
	assert_int_equal(r.status, 200);
	assert_memory_equal(buf_cstr(&r.body), "%PDF", 4);
	buf_t txt = BUF_INIT;
	run_on("pdftotext -layout %s -", &r.body, "own.pdf", &txt);
	hc_resp_free(&r);
	if (!strstr(buf_cstr(&txt), "4.321") || !strstr(buf_cstr(&txt), "2.468.000"))
		fail_msg("the PDF lacks the submitted figures:\n%.3000s", buf_cstr(&txt));
	buf_free(&txt);
	/* and the XLSX: the numbers in the sheet */
	r = ha_req(port, &head, "GET", path_of(SCHOOL, "/phuluc.xlsx"), NULL, 0);
	assert_int_equal(r.status, 200);
	assert_memory_equal(buf_cstr(&r.body), "PK", 2);
	buf_t xml = BUF_INIT;
	zip_member(&r.body, "xl/worksheets/sheet1.xml", &xml);
	hc_resp_free(&r);
	if (!strstr(buf_cstr(&xml), "<v>4321</v>") || !strstr(buf_cstr(&xml), "<v>2468000</v>"))
		fail_msg("the XLSX lacks the submitted figures:\n%.3000s", buf_cstr(&xml));
	buf_free(&xml);
	/* another school's head does not get them */
	r = ha_req(port, &other, "GET", path_of(SCHOOL, "/phuluc.pdf"), NULL, 0);
	assert_true(r.status == 403 || r.status == 404);
	hc_resp_free(&r);

	/* the home page keeps a card with the same time and links; no count-down for it */
	r = ha_req(port, &head, "GET", "/", NULL, 0);
	assert_int_equal(r.status, 200);
	snprintf(want, sizeof want, "đã nộp lúc %s", s0);
	if (!strstr(buf_cstr(&r.body), want))
		snprintf(want, sizeof want, "đã nộp lúc %s", s1);
	expect_in(&r, want);
	expect_in(&r, pdf);
	expect_in(&r, xlsx);
	assert_null(strstr(buf_cstr(&r.body), "class=\"msg err\"><a href=\""));
	hc_resp_free(&r);
	/* the other school has not submitted: its home page still counts down */
	r = ha_req(port, &other, "GET", "/", NULL, 0);
	assert_int_equal(r.status, 200);
	expect_in(&r, "class=\"msg err\"><a href=\"");
	assert_null(strstr(buf_cstr(&r.body), "đã nộp lúc"));
	hc_resp_free(&r);

	/* the city closes the campaign: the card goes with it */
	char cpath[200], cbody[200];
	snprintf(cpath, sizeof cpath, "/units/31/campaigns/%lld/status", (long long)campaign);
	snprintf(cbody, sizeof cbody, "csrf=%s&status=closed&confirm=1", city.csrf);
	r = ha_req(port, &city, "POST", cpath, cbody, 0);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	r = ha_req(port, &head, "GET", "/", NULL, 0);
	assert_int_equal(r.status, 200);
	assert_null(strstr(buf_cstr(&r.body), "đã nộp lúc"));
	hc_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_receipt),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
