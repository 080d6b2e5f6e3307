/* Open learning resources on a phone, in a real headless Chromium at 360 px: a school's
 * officer fills the form and picks a PDF with the file input, the browser's plain multipart
 * post stores it, and a signed-out citizen's /hoc-lieu search without diacritics shows it.
 * Every page of the flow loads no script at all (so it works without JavaScript: WebDriver
 * itself needs scripts, so they cannot be switched off here), and none is wider than the
 * screen. */
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
	return hb_start(WIDTH, HEIGHT);
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

/* The page's width beyond the screen in CSS pixels, and its scripts: both must be 0. */
static void
phone_ok(void)
{
	json_t *v = hb_script("return [document.documentElement.scrollWidth - window.innerWidth,"
	                      " document.scripts.length];",
	                      NULL);
	long over = (long)json_integer_value(json_array_get(v, 0));
	long nscripts = (long)json_integer_value(json_array_get(v, 1));
	json_decref(v);
	if (over != 0 || nscripts != 0)
		fail_msg("%ld px too wide, %ld scripts", over, nscripts);
}

static char *
text_of(const char *js)
{
	json_t *v = hb_script(js, NULL);
	char *s = strdup(json_is_string(v) ? json_string_value(v) : "");
	json_decref(v);
	return s;
}

/* Wait (up to 10 s) until js returns true in the page: a click on submit returns before
 * the browser has the next page. */
static int
wait_for(const char *js)
{
	for (int k = 0; k < 100; k++) {
		json_t *v = hb_script(js, NULL);
		int ok = json_is_true(v);
		json_decref(v);
		if (ok)
			return 1;
		usleep(100 * 1000);
	}
	return 0;
}

static void
test_publish_on_a_phone_without_js(void **state)
{
	(void)state;
	hb_go(port, "/");
	hb_sign_in(&school);
	hb_go(port, "/units/" SCHOOL "/hoc-lieu");
	phone_ok();
	hb_type("#r-title", "Cẩm nang kỹ năng số cho người cao tuổi");
	hb_click("#r-topic option[value=chuyen_doi_so]");
	hb_click("#r-audience option[value=nguoi_cao_tuoi]");
	hb_type("#r-file", pdf_file);
	hb_type("#r-published", "03102022");
	hb_click(".res-form button[type=submit]");
	wait_for("return location.search.indexOf('done=created') >= 0 || "
	         "!!document.querySelector('.field-err');");
	char *url = text_of("return location.pathname + location.search;");
	if (!strstr(url, "/units/" SCHOOL "/hoc-lieu/") || !strstr(url, "done=created"))
		fail_msg("after the post: %s\n%s", url,
		         text_of("return Array.from(document.querySelectorAll('.err,.field-err'))"
		                 ".map(e => e.textContent).join(' / ') + ' ' + document.title;"));
	free(url);
	char *body = text_of("return document.body.innerText;");
	assert_non_null(strstr(body, "Đã lưu học liệu."));
	assert_non_null(strstr(body, "Cẩm nang kỹ năng số.pdf"));
	assert_non_null(strstr(body, "03/10/2022"));
	free(body);
	phone_ok();

	/* a citizen on the same phone, signed out */
	hb_cmd_void("DELETE", "/cookie", NULL);
	hb_go(port, "/hoc-lieu?q=cam+nang+ky+nang+so");
	phone_ok();
	body = text_of("return document.querySelector('.res-list').innerText;");
	assert_non_null(strstr(body, "Cẩm nang kỹ năng số cho người cao tuổi"));
	free(body);
	hb_click(".res-list a");
	if (!wait_for("return location.pathname.indexOf('/hoc-lieu/') === 0;"))
		fail_msg("the search result does not open");
	phone_ok();
	body = text_of("return document.querySelector('main').innerText;");
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
