/* Open learning resources on a phone without JavaScript: a real headless Chromium at 360 px
 * with JavaScript turned off in its settings (hb_start_nojs). A school's officer fills the
 * form and picks a PDF with the file input, the browser's plain multipart post stores it,
 * and a signed-out citizen's /hoc-lieu search without diacritics shows it and opens it.
 * None of the pages is wider than the screen (hb_overflow_problems). */
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
#include "helper_app.h"
#include "helper_browser.h"

#define PASSWORD "Hoc-lieu-tren-dien-thoai-2026"
#define SCHOOL "HA-11413-TH"
#define WIDTH 360
#define HEIGHT 800

static char tmpdir[] = "/tmp/suotdoi-res-wd-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static ha_client_t school;
static char pdf_file[300];
static const char pdf[] = "%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\n%%EOF\n";

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "b.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	ha_user(&app, "canbo.th", SCHOOL, ROLE_ENTRY, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &school, "canbo.th", PASSWORD) != 303)
		return -1;
	snprintf(pdf_file, sizeof pdf_file, "%s/Cẩm nang kỹ năng số.pdf", tmpdir);
	FILE *f = fopen(pdf_file, "wb");
	if (!f || fwrite(pdf, 1, sizeof pdf - 1, f) != sizeof pdf - 1 || fclose(f) != 0)
		return -1;
	return hb_start_nojs(WIDTH, HEIGHT);
}

static int
teardown(void **state)
{
	(void)state;
	hb_end();
	http_server_stop(srv);
	app_close(&app);
	curl_global_cleanup();
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The page fits the screen. */
static void
phone_ok(const char *name)
{
	buf_t problems = BUF_INIT;
	hb_overflow_problems(name, &problems, NULL);
	if (problems.len)
		fail_msg("%s", buf_cstr(&problems));
	buf_free(&problems);
}

static void
test_publish_on_a_phone_without_js(void **state)
{
	(void)state;
	hb_go(port, "/");
	hb_sign_in(&school);
	hb_go(port, "/units/" SCHOOL "/hoc-lieu");
	phone_ok("the unit's list and form");
	hb_type("#r-title", "Cẩm nang kỹ năng số cho người cao tuổi");
	hb_click("#r-topic option[value=chuyen_doi_so]");
	hb_click("#r-audience option[value=nguoi_cao_tuoi]");
	hb_type("#r-file", pdf_file);
	hb_type("#r-published", "03102022");
	hb_click(".res-form button[type=submit]");
	hb_wait("return location.search.indexOf('done=created') >= 0 || "
	        "!!document.querySelector('.field-err');",
	        10);
	char *url = hb_string("return location.pathname + location.search;");
	if (!strstr(url, "/units/" SCHOOL "/hoc-lieu/") || !strstr(url, "done=created"))
		fail_msg("after the post: %s\n%s", url,
		         hb_string("return Array.from(document.querySelectorAll('.err,.field-err'))"
		                   ".map(e => e.textContent).join(' / ') + ' ' + document.title;"));
	free(url);
	char *body = hb_text("main");
	assert_non_null(body);
	assert_non_null(strstr(body, "Đã lưu học liệu."));
	assert_non_null(strstr(body, "Cẩm nang kỹ năng số.pdf"));
	assert_non_null(strstr(body, "03/10/2022"));
	free(body);
	phone_ok("the resource for its unit");

	/* a citizen on the same phone, signed out */
	hb_cmd_void("DELETE", "/cookie", NULL);
	hb_go(port, "/hoc-lieu?q=cam+nang+ky+nang+so");
	phone_ok("/hoc-lieu");
	body = hb_text(".res-list");
	assert_non_null(body);
	assert_non_null(strstr(body, "Cẩm nang kỹ năng số cho người cao tuổi"));
	free(body);
	hb_click(".res-list a");
	if (!hb_wait("return location.pathname.indexOf('/hoc-lieu/') === 0;", 10))
		fail_msg("the search result does not open");
	phone_ok("/hoc-lieu/RID");
	body = hb_text("main");
	assert_non_null(body);
	assert_non_null(strstr(body, "Tải về (Cẩm nang kỹ năng số.pdf)"));
	assert_non_null(strstr(body, "CC BY 4.0"));
	free(body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_publish_on_a_phone_without_js),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
