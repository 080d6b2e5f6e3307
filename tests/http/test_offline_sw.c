/* The service worker of offline entry over plain HTTP (no browser): /sw.js is JavaScript at
 * the root, never cached without asking (Cache-Control: no-cache), carries a version and
 * the hashed URLs of the scripts and the style sheet that the pages link; the version moves
 * when an asset changes; and the layout loads offline.js (which registers the worker and
 * holds the drafts) only for a signed-in person, naming them. */
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
#include "http/compress.h"

#define PASSWORD "Mat-mang-van-nhap-17"

static char tmpdir[] = "/tmp/suotdoi-offsw-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static ha_client_t school;

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "o.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	ha_user(&app, "truong.th", "HA-11413-TH", ROLE_ENTRY, PASSWORD);
	return ha_login(port, &school, "truong.th", PASSWORD) == 303 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	return ha_stop(srv, &app, tmpdir);
}

/* the value of "var SW_VERSION = "…";" in a /sw.js body, into out (17 bytes) */
static void
sw_version(const char *body, char *out)
{
	const char *p = strstr(body, "var SW_VERSION = \"");
	assert_non_null(p);
	p += strlen("var SW_VERSION = \"");
	assert_int_equal(strspn(p, "0123456789abcdef"), 16);
	memcpy(out, p, 16);
	out[16] = '\0';
}

static void
test_sw_served(void **state)
{
	(void)state;
	hc_resp_t r = ha_req(port, NULL, "GET", "/sw.js", NULL, 0);
	assert_int_equal(r.status, 200);
	char v[200];
	assert_non_null(hc_header(&r, "Content-Type", v, sizeof v));
	assert_string_equal(v, "text/javascript; charset=utf-8");
	assert_non_null(hc_header(&r, "Cache-Control", v, sizeof v));
	assert_string_equal(v, "no-cache");
	const char *body = buf_cstr(&r.body);
	char ver[17];
	sw_version(body, ver);
	/* the browser's check on each visit: 304 for the version it has, the worker for another */
	char etag[200], inm[240];
	assert_non_null(hc_header(&r, "ETag", etag, sizeof etag));
	assert_non_null(strstr(etag, ver));
	for (int k = 0; k < 2; k++) {
		snprintf(inm, sizeof inm, "If-None-Match: %s", k ? "\"sw-0000000000000000\"" : etag);
		const char *hdrs[] = {inm, NULL};
		hc_opts_t o = {.headers = hdrs};
		hc_resp_t c;
		CURL *h = curl_easy_init();
		assert_int_equal(hc_request(h, port, "/sw.js", &o, &c), 0);
		curl_easy_cleanup(h);
		assert_int_equal(c.status, k ? 200 : 304);
		assert_int_equal(c.body.len, k ? r.body.len : 0);
		hc_resp_free(&c);
	}
	/* the URLs the pages link, hash and all: the worker stores exactly those */
	char url[300];
	http_static_url(app.static_dir, "report.js", url, sizeof url);
	assert_non_null(strstr(url, "?v="));
	char quoted[320];
	snprintf(quoted, sizeof quoted, "\"%s\"", url);
	assert_non_null(strstr(body, quoted));
	http_static_url(app.static_dir, "style.css", url, sizeof url);
	snprintf(quoted, sizeof quoted, "\"%s\"", url);
	assert_non_null(strstr(body, quoted));
	assert_null(strstr(body, "/static/sw.js")); /* not itself */
	/* every asset's current version is listed (what the worker may keep): it fetches none
	 * at install, so listing costs a phone nothing */
	http_static_url(app.static_dir, "photo.js", url, sizeof url);
	snprintf(quoted, sizeof quoted, "\"%s\"", url);
	assert_non_null(strstr(body, quoted));
	/* the worker's own code follows the head, and never keeps the API */
	assert_non_null(strstr(body, "addEventListener(\"fetch\""));
	assert_non_null(strstr(body, "\"/api/\""));
	hc_resp_free(&r);

	/* a deployment that changes an asset changes the worker's bytes (a copy of the
	 * assets, so the source tree is left alone) */
	char cmd[1200], dir[300];
	snprintf(dir, sizeof dir, "%s/assets", tmpdir);
	snprintf(cmd, sizeof cmd, "mkdir -p %s && cp -r %s/static %s/", dir, TEST_SOURCE_DIR, dir);
	assert_int_equal(system(cmd), 0);
	char *saved = app.static_dir;
	char sdir[340];
	snprintf(sdir, sizeof sdir, "%s/static", dir);
	app.static_dir = sdir;
	r = ha_req(port, NULL, "GET", "/sw.js", NULL, 0);
	char same[17];
	sw_version(buf_cstr(&r.body), same);
	assert_string_equal(same, ver); /* same files, same version */
	hc_resp_free(&r);
	snprintf(cmd, sizeof cmd, "echo '/* next */' >> %s/report.js", sdir);
	assert_int_equal(system(cmd), 0);
	sleep(1); /* http_static_url looks at the disk again after a second */
	r = ha_req(port, NULL, "GET", "/sw.js", NULL, 0);
	char moved[17];
	sw_version(buf_cstr(&r.body), moved);
	assert_string_not_equal(moved, ver);
	hc_resp_free(&r);
	app.static_dir = saved;
}

static void
test_layout_registers_signed_in_only(void **state)
{
	(void)state;
	const char *paths[] = {"/", "/units", "/lich"};
	for (size_t k = 0; k < 3; k++) {
		hc_resp_t r = ha_req(port, NULL, "GET", paths[k], NULL, 0);
		assert_int_equal(r.status, 200);
		assert_null(strstr(buf_cstr(&r.body), "offline.js"));
		assert_null(strstr(buf_cstr(&r.body), "id=\"offline-js\""));
		hc_resp_free(&r);
		r = ha_req(port, &school, "GET", paths[k], NULL, 0);
		assert_int_equal(r.status, 200);
		const char *b = buf_cstr(&r.body);
		char url[300], tag[500];
		http_static_url(app.static_dir, "offline.js", url, sizeof url);
		snprintf(tag, sizeof tag,
		         "<script src=\"%s\" defer id=\"offline-js\" data-user=\"truong.th\">",
		         url);
		if (!strstr(b, tag))
			fail_msg("%s: no %s", paths[k], tag);
		hc_resp_free(&r);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_sw_served),
	        cmocka_unit_test(test_layout_registers_signed_in_only),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
