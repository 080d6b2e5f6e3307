/* Issue 17's page-weight budgets, in a real browser: the results form of a school at
 * 360×740 in headless Chromium, every request of the load counted from the DevTools network
 * events (helper_weight.c, the same counting as make bench's bench_weight): at most 40 KB
 * on a first visit (cache and cookies emptied), at most 10 KB on a repeat visit (the hashed
 * assets from the cache, only the page asked again), the page and its stylesheet gzipped,
 * and the same page without gzip (Accept-Encoding: identity) at least twice as heavy. The
 * sign-in page within the first-visit budget too. Bytes do not depend on the link, so the
 * test runs unthrottled; make bench measures the times on the emulated 3G link. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/log.h"
#include "domain/demo.h"
#include "helper_app.h"
#include "helper_weight.h"

#define PASSWORD "Hoctap@2022"

static char tmpdir[] = "/tmp/suotdoi-weight-XXXXXX";
static char logpath[300]; /* the server's access lines */
static FILE *access_log;
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t campaign;
static ha_client_t school;
static char form[128];

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "w.db", db, sizeof db) < 0)
		return -1;
	snprintf(logpath, sizeof logpath, "%s/access.log", tmpdir);
	if ((access_log = fopen(logpath, "a")) == NULL ||
	    ha_serve_log(&app, db, &srv, &port, access_log) < 0)
		return -1;
	unit_tree_t *t = app_tree(&app);
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &campaign);
	unit_tree_unref(t);
	if (rc < 0)
		return -1;
	ha_user(&app, "th.danglam", "HA-11413-TH", ROLE_HEAD, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &school, "th.danglam", PASSWORD) != 303)
		return -1;
	snprintf(form, sizeof form, "/campaigns/%lld/units/HA-11413-TH/report",
	         (long long)campaign);
	hb_performance_log(1);
	if (hb_start(360, 740) < 0)
		return -1;
	hw_init(port, NULL, 0, 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	hb_end();
	http_server_stop(srv);
	app_close(&app);
	fclose(access_log);
	curl_global_cleanup();
	char cmd_line[300];
	snprintf(cmd_line, sizeof cmd_line, "rm -rf %s", tmpdir);
	return system(cmd_line) == 0 ? 0 : -1;
}

static void
test_results_form_within_budgets(void **state)
{
	(void)state;
	hw_cold(&school);
	hw_load_t first = hw_measure(form);
	printf("results form, first visit: %.0f bytes in %.0f requests (%.0f gzipped)\n",
	       first.bytes, first.wire, first.encoded);
	/* the page, its stylesheet and its scripts, all counted, within the budget */
	assert_true(first.wire >= 3);
	assert_true(first.bytes > 8000);
	assert_true(first.bytes <= HW_BUDGET_FIRST);
	assert_true(first.encoded >= 2); /* at least the page and the stylesheet */

	hb_go(port, "/healthz");
	hw_load_t again = hw_measure(form);
	printf("results form, repeat visit: %.0f bytes in %.0f requests on the wire\n", again.bytes,
	       again.wire);
	assert_true(again.bytes <= HW_BUDGET_REPEAT);
	/* the immutable assets came from the cache: the page (and at most a favicon) asked */
	assert_true(again.requests >= first.wire);
	assert_true(again.wire >= 1 && again.wire <= 2);
	assert_true(again.bytes < first.bytes / 2);

	hw_cold(&school);
	hw_cdp_void("Network.setExtraHTTPHeaders",
	            json_pack("{s:{s:s}}", "headers", "Accept-Encoding", "identity"));
	hw_load_t plain = hw_measure(form);
	hw_cdp_void("Network.setExtraHTTPHeaders", json_pack("{s:{}}", "headers"));
	printf("results form without gzip: %.0f bytes\n", plain.bytes);
	assert_true(plain.encoded == 0);
	assert_true(plain.bytes > 2 * first.bytes);
}

static void
test_sign_in_page_within_budget(void **state)
{
	(void)state;
	hw_cold(NULL);
	hw_load_t first = hw_measure("/login");
	printf("sign-in page, first visit: %.0f bytes in %.0f requests\n", first.bytes, first.wire);
	assert_true(first.wire >= 2);
	assert_true(first.bytes <= HW_BUDGET_FIRST);
}

/* make bench's counting of what a service worker fetches reads the server's access lines
 * (hw_log_since): for a day after they became key=value lines it read none and counted
 * nothing. Every request of a load is found in the real server's log, in both formats. */
static void
test_access_lines_read(void **state)
{
	(void)state;
	hw_init(port, logpath, 0, 0);
	for (int json = 0; json <= 1; json++) {
		log_set_format(json ? LOG_JSON : LOG_TEXT);
		hw_cold(NULL);
		hw_load_t l = hw_measure("/login");
		printf("sign-in page, %s log: %.0f of its %.0f requests on the wire logged, "
		       "%.0f body bytes; %.0f extra\n",
		       json ? "JSON" : "text", l.server_requests - l.extra_requests,
		       l.wire - l.extra_requests, l.server_bytes, l.extra_requests);
		assert_true(l.wire - l.extra_requests >= 2); /* the page and its stylesheet */
		assert_true(l.unlogged == 0);
		assert_true(l.server_requests >= l.wire - l.extra_requests);
		assert_true(l.server_bytes > 1000);
	}
	log_set_format(LOG_TEXT);
	hw_init(port, NULL, 0, 0);

	/* a quoted value (a space, a quote, a backslash, a control character) read back as
	 * core/log.h wrote it, in both formats */
	const char *odd = "/a b\"c\\d\x01e";
	for (int json = 0; json <= 1; json++) {
		log_set_format(json ? LOG_JSON : LOG_TEXT);
		FILE *f = tmpfile();
		assert_non_null(f);
		log_field_t fl[] = {{.key = "method", .value = "GET"},
		                    {.key = "path", .value = odd},
		                    {.key = "status", .value = "404", .num = 1},
		                    {.key = "bytes", .value = "1234", .num = 1}};
		log_event(f, LOG_INFO, "request", fl, 4);
		log_event(f, LOG_INFO, "not a request", fl, 4);
		rewind(f);
		char line[512], method[16], path[64];
		int status = 0;
		size_t bytes = 0;
		assert_non_null(fgets(line, sizeof line, f));
		assert_int_equal(hw_access_line(line, method, sizeof method, path, sizeof path,
		                                &status, &bytes),
		                 1);
		assert_string_equal(method, "GET");
		assert_string_equal(path, odd);
		assert_int_equal(status, 404);
		assert_int_equal(bytes, 1234);
		assert_non_null(fgets(line, sizeof line, f));
		assert_int_equal(hw_access_line(line, method, sizeof method, path, sizeof path,
		                                &status, &bytes),
		                 0);
		fclose(f);
	}
	log_set_format(LOG_TEXT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_results_form_within_budgets),
	        cmocka_unit_test(test_sign_in_page_within_budget),
	        cmocka_unit_test(test_access_lines_read),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
