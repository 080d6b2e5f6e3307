/* A contest entry from a phone in a real headless Chromium at 360 px: a citizen, signed out,
 * fills the demo's open contest's form (no script on the page), picks a recording with the
 * file input and sends it; the code page shows the code and not the name; the learning
 * centre's officer approves it from the queue, where the recording plays; on the public
 * contest page the browser itself loads the <audio> through the server's media reply and
 * reads its duration (about one second) — the file is playable, not only linked. No page
 * scrolls sideways. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "domain/accounts.h"
#include "helper_app.h"
#include "helper_browser.h"
#include "service/contest.h"

#define PASSWORD "Cuoc-thi-tren-dien-thoai-1"
#define CLC "HA-11413-TTHTCD"
#define WIDTH 360
#define HEIGHT 740
#define OPEN_CONTEST "/cuoc-thi/2" /* demo_contest: 1 the 2022 one, 2 open now */

static char tmpdir[] = "/tmp/suotdoi-contestb-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static ha_client_t clc;

static int
setup(void **state)
{
	(void)state;
	char db[256], media[300];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "b.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	snprintf(media, sizeof media, "%s.contest", db);
	unit_tree_t *t = app_tree(&app);
	int rc = demo_contest(app.store, t, media);
	unit_tree_unref(t);
	if (rc < 0)
		return -1;
	ha_user(&app, "canbo.clc", CLC, ROLE_ENTRY, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &clc, "canbo.clc", PASSWORD) != 303)
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

/* Wait (10 s at most) for the loaded page to show want; fail naming the page otherwise. */
static void
wait_text(const char *want)
{
	json_t *args = json_pack("[s]", want);
	char js[200];
	snprintf(js, sizeof js, "return document.readyState === 'complete' && "
	                        "document.body.innerText.indexOf(%s) >= 0;",
	         "arguments[0]");
	json_t *v = NULL;
	for (int k = 0; k < 100; k++) {
		json_decref(v);
		v = hb_script(js, json_incref(args));
		if (json_is_true(v))
			break;
		usleep(100 * 1000);
	}
	int ok = json_is_true(v);
	json_decref(v);
	json_decref(args);
	if (!ok) {
		char *page = hb_string("return location.pathname + '\\n' + document.body.innerText;");
		fail_msg("the page never showed \"%s\":\n%s", want, page);
	}
}

static void
fits(const char *what)
{
	buf_t problems = BUF_INIT;
	hb_overflow_problems(what, &problems, NULL);
	if (problems.len)
		fail_msg("%s", buf_cstr(&problems));
	buf_free(&problems);
}

static void
test_audio_entry_on_a_phone(void **state)
{
	(void)state;
	hb_go(port, OPEN_CONTEST "/du-thi");
	fits("entry form");
	json_t *n = hb_script("return document.scripts.length;", NULL);
	assert_int_equal(json_integer_value(n), 0); /* the form needs no script */
	json_decref(n);
	hb_type("#k-name", "Vũ Thị Lan");
	hb_type("#k-phone", "0965 432 101");
	hb_type("#k-locality", "phường Đằng Lâm");
	hb_type("#k-title", "Bài thơ tự đọc");
	hb_click("input[name=media][value=audio]");
	hb_type("#k-file", TEST_SOURCE_DIR "/tests/fixtures/media/tone.ogg");
	hb_click("input[name=consent]");
	hb_click(".contest-form button[type=submit]");
	wait_text("Mã bài:");
	fits("code page");
	char *text = hb_string("return document.body.innerText;");
	assert_non_null(strstr(text, "Chờ ban tổ chức duyệt"));
	assert_null(strstr(text, "Vũ Thị Lan"));
	free(text);

	/* the officer's queue plays it; approve */
	hb_go(port, "/login");
	hb_sign_in(&clc);
	hb_go(port, "/units/" CLC "/cuoc-thi/2");
	wait_text("Bài thơ tự đọc");
	fits("moderation queue");
	json_t *a = hb_script("return document.querySelectorAll('.moderation audio').length;", NULL);
	assert_int_equal(json_integer_value(a), 1);
	json_decref(a);
	hb_click(".moderation button[value=approve]");
	wait_text("Đã duyệt bài.");

	/* the public page: Chromium loads the recording through the server and reads it */
	hb_go(port, OPEN_CONTEST);
	wait_text("Bài thơ tự đọc");
	fits("contest page");
	if (!hb_wait("var a = document.querySelector('.contest-entry audio');\n"
	             "if (!a) return false;\n"
	             "if (a.readyState === 0) { a.preload = 'metadata'; a.load(); }\n"
	             "return a.readyState >= 1 && a.duration > 0.8 && a.duration < 1.5;",
	             10)) {
		char *why = hb_string("var a = document.querySelector('.contest-entry audio');\n"
		                      "return a ? a.currentSrc + ' state ' + a.readyState + ' error ' +"
		                      " (a.error ? a.error.code : 0) + ' duration ' + a.duration :"
		                      " 'no audio';");
		fail_msg("the recording did not load: %s", why);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_audio_entry_on_a_phone),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
