/* Photos shrunk on the phone (static/photo.js) in a real headless Chromium at 360 px
 * (helper_browser.c): a 4 MB photo from the camera is chosen in the activity's form; the
 * page says how big it was and how big it will be sent; the connection is cut (DevTools
 * offline) as the upload starts, the page says it is trying again, the connection comes
 * back slow and is cut again after the first piece: the upload goes on by itself from the
 * offset the server has, not from 0; the progress bar moves to 100%; what arrived at the
 * server was <= 400 KB (the server's own count, returned by finish) and the stored photo is
 * the 1,600 px re-encoding. Signed out meanwhile, the page says so in Vietnamese. A
 * report's photo form (multipart, no resumable protocol) is shrunk the same way. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <vips/vips.h>

#include "app/app.h"
#include "domain/accounts.h"
#include "domain/activity.h"
#include "domain/demo.h"
#include "helper_app.h"
#include "helper_browser.h"
#include "media/photo.h"
#include "text/text.h"

#define PASSWORD "Anh-tren-dien-thoai-2026"
#define CLC "HA-11413-TTHTCD"
#define WIDTH 360
#define HEIGHT 800

static char tmpdir[] = "/tmp/suotdoi-photo-wd-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static ha_client_t clc;
static int64_t activity, campaign;
static char photo_file[300];
static size_t photo_len;

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "b.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0 || photo_init("test_photo_browser") < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	unit_tree_t *t = app_tree(&app);
	int64_t demo_id, current_id;
	int32_t base_day;

	if (demo_campaign(app.store, t, TEST_SOURCE_DIR, &demo_id) < 0)
		return -1;
	campaign = demo_id;
	if (ha_haian_campaign(&app, demo_id, &current_id, &base_day) < 0)
		return -1;
	unit_tree_unref(t);
	ha_user(&app, "canbo.clc", CLC, ROLE_ENTRY, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &clc, "canbo.clc", PASSWORD) != 303 || 0)
		return -1;
	/* an activity of the centre, registered through its form */
	buf_t day = BUF_INIT;
	text_format_date(base_day, &day);
	char body[1200], path[100];
	snprintf(body, sizeof body,
	         "csrf=%s&kind=lop_ngoai_ngu_tin_hoc&title=L%%E1%%BB%%9Bp+tin+h%%E1%%BB%%8Dc"
	         "&description=&start_date=%s&start_time=07%%3A00&end_date=&end_time=07%%3A45"
	         "&place=Trung+t%%C3%%A2m&mode=truc_tiep&link=&audience=Ng%%C6%%B0%%E1%%BB%%9Di+"
	         "cao+tu%%E1%%BB%%95i&expected=35&public=1",
	         clc.csrf, buf_cstr(&day));
	buf_free(&day);
	snprintf(path, sizeof path, "/units/%s/activities", CLC);
	hc_resp_t r = ha_req(port, &clc, "POST", path, body, 0);
	char loc[300];
	if (r.status != 303 || !hc_header(&r, "Location", loc, sizeof loc)) {
		fprintf(stderr, "activity not created: %ld %.2000s\n", r.status, buf_cstr(&r.body));
		return -1;
	}
	activity = atoll(strstr(loc, "/activities/") + strlen("/activities/"));
	hc_resp_free(&r);
	/* a phone's 4000x3000 photo at quality 95: ~4 MB (fine grey grain) */
	VipsImage *noise, *u8, *rgb;
	void *jpeg;
	size_t jpeg_len;
	if (vips_gaussnoise(&noise, 4000, 3000, "sigma", 4.0, "mean", 128.0, NULL) != 0 ||
	    vips_cast_uchar(noise, &u8, NULL) != 0)
		return -1;
	VipsImage *bands[3] = {u8, u8, u8};
	if (vips_bandjoin(bands, &rgb, 3, NULL) != 0 ||
	    vips_jpegsave_buffer(rgb, &jpeg, &jpeg_len, "Q", 95, NULL) != 0)
		return -1;
	g_object_unref(noise);
	g_object_unref(u8);
	g_object_unref(rgb);
	snprintf(photo_file, sizeof photo_file, "%s/IMG_20261203_0815.jpg", tmpdir);
	FILE *f = fopen(photo_file, "wb");
	if (!f || fwrite(jpeg, 1, jpeg_len, f) != jpeg_len || fclose(f) != 0)
		return -1;
	photo_len = jpeg_len;
	g_free(jpeg);
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

static void
test_phone_photo(void **state)
{
	(void)state;
	assert_true(photo_len > 3800 * 1000 && photo_len < 4600 * 1000); /* a 4 MB photo */
	char page[200];
	snprintf(page, sizeof page, "/units/%s/activities/%lld", CLC, (long long)activity);
	hb_go(port, "/");
	hb_sign_in(&clc);
	hb_go(port, page);
	/* before: no progress shown */
	assert_true(hb_wait("return document.querySelector('#photo-progress').hidden;", 2));
	hb_type("#photo", photo_file);
	if (!hb_wait("return document.querySelector('#photo-size').textContent"
	             ".indexOf('→ gửi') > 0;",
	             20))
		fail_msg("no size line: %s",
		         hb_string("return document.querySelector('#photo-size').textContent;"));
	char *line = hb_string("return document.querySelector('#photo-size').textContent;");
	print_message("%s\n", line);
	/* "Ảnh gốc 3,9 MB → gửi 2xx KB (1.600×1.200 điểm ảnh)." */
	assert_non_null(strstr(line, "Ảnh gốc "));
	assert_non_null(strstr(line, " MB → gửi "));
	assert_non_null(strstr(line, "(1.600×1.200 điểm ảnh)"));
	free(line);
	hb_type("#caption", "Lớp tin học cho người cao tuổi");
	/* the connection drops as the upload starts */
	hb_network(1, 0);
	hb_click("#photo-form button[type=submit]");
	if (!hb_wait("var m = document.querySelector('#photo-msg');"
	             " return !m.hidden && m.textContent.indexOf('Mất kết nối') === 0;",
	             10))
		fail_msg("no retry message: %s",
		         hb_string("return document.querySelector('#photo-msg').textContent;"));
	assert_true(hb_wait("return !document.querySelector('#photo-progress').hidden;", 1));
	/* back, but slow (0.7 s a request): cut again once the first piece is in */
	hb_network(0, 700);
	if (!hb_wait("return document.querySelector('#photo-progress progress').value >= 40;", 15))
		fail_msg(
		        "no progress: %s",
		        hb_string("return document.querySelector('#photo-progress').textContent;"));
	hb_network(1, 0);
	assert_true(hb_wait("var m = document.querySelector('#photo-msg');"
	                    " return !m.hidden && m.textContent.indexOf('M\u1ea5t') === 0;",
	                    10));
	hb_network(0, 0);
	/* it goes on by itself and lands on the activity with the photo */
	if (!hb_wait("return location.search.indexOf('done=photo') >= 0;", 30))
		fail_msg(
		        "upload did not finish: %s | %s",
		        hb_string("return document.querySelector('#photo-msg').textContent;"),
		        hb_string("return document.querySelector('#photo-progress').textContent;"));
	char *rec = hb_string("return sessionStorage.getItem('photo-upload');");
	print_message("%s\n", rec);
	json_t *j = json_loads(rec, 0, NULL);
	free(rec);
	assert_non_null(j);
	json_int_t sent = json_integer_value(json_object_get(j, "sent"));
	json_int_t received = json_integer_value(json_object_get(j, "received"));
	assert_true(sent > 20 * 1000);
	assert_true(received == sent);       /* the server's own count */
	assert_true(received <= 400 * 1000); /* from 4 MB */
	/* the bar moved: several steps to 100 */
	json_t *pr = json_object_get(j, "progress");
	assert_true(json_array_size(pr) >= 3);
	assert_int_equal(json_integer_value(json_array_get(pr, 0)), 0);
	assert_int_equal(json_integer_value(json_array_get(pr, json_array_size(pr) - 1)), 100);
	/* after the second cut it asked the server where to go on, and went on from a piece
	 * past the first rather than from 0 */
	json_t *rs = json_object_get(j, "resumed");
	assert_true(json_array_size(rs) >= 1);
	assert_true(json_integer_value(json_array_get(rs, json_array_size(rs) - 1)) >= 64 * 1024);
	json_decref(j);
	/* stored: one photo, re-encoded at 1,600 px */
	hc_resp_t r = ha_req(port, &clc, "GET", page, NULL, 0);
	assert_int_equal(r.status, 200);
	const char *ph = strstr(buf_cstr(&r.body), "/photos/");
	while (ph && !(ph[8] >= '0' && ph[8] <= '9'))
		ph = strstr(ph + 1, "/photos/");
	assert_non_null(ph);
	assert_non_null(strstr(buf_cstr(&r.body), "Lớp tin học cho người cao tuổi"));
	char full[300];
	snprintf(full, sizeof full, "%s/photos/%lld", page, atoll(ph + 8));
	hc_resp_free(&r);
	r = ha_req(port, &clc, "GET", full, NULL, 0);
	assert_int_equal(r.status, 200);
	VipsImage *img = vips_image_new_from_buffer(r.body.data, r.body.len, "", NULL);
	assert_non_null(img);
	assert_int_equal(vips_image_get_width(img), 1600);
	g_object_unref(img);
	hc_resp_free(&r);
}

/* Signed out meanwhile (the session ended in another tab): the page says so in Vietnamese
 * instead of sending into the sign-in page, and the button works again. */
static void
test_signed_out(void **state)
{
	(void)state;
	char page[200];
	snprintf(page, sizeof page, "/units/%s/activities/%lld", CLC, (long long)activity);
	hb_go(port, "/");
	hb_sign_in(&clc);
	hb_go(port, page);
	hb_type("#photo", photo_file);
	assert_true(hb_wait("return document.querySelector('#photo-size').textContent"
	                    ".indexOf('\u2192') > 0;",
	                    20));
	hb_cmd_void("DELETE", "/cookie", NULL);
	hb_click("#photo-form button[type=submit]");
	if (!hb_wait("var m = document.querySelector('#photo-msg');"
	             " return !m.hidden && m.textContent.indexOf('Phi\u00ean l\u00e0m vi\u1ec7c "
	             "\u0111\u00e3 h\u1ebft') === 0;",
	             10))
		fail_msg("no signed-out message: %s",
		         hb_string("return location.href + ' | ' + "
		                   "document.querySelector('#photo-msg').textContent;"));
	assert_true(hb_wait("return !document.querySelector('#photo-form button').disabled;", 2));
}

/* A report's photo form (no resumable protocol there): the same shrinking, sent as the
 * form's own multipart post with the bar; the report shows the photo, 1,600 px wide. */
static void
test_report_photo(void **state)
{
	(void)state;
	char page[200];
	snprintf(page, sizeof page, "/campaigns/%lld/units/%s/report", (long long)campaign, CLC);
	hb_go(port, "/");
	hb_sign_in(&clc);
	hb_go(port, page);
	hb_type("#photo", photo_file);
	assert_true(hb_wait("return document.querySelector('#photo-size').textContent"
	                    ".indexOf('\u2192') > 0;",
	                    20));
	hb_type("#caption", "Khai mạc Tuần lễ");
	hb_click("#photo-form button[type=submit]");
	if (!hb_wait("return location.search.indexOf('done=photo') >= 0;", 20))
		fail_msg("report photo not sent: %s",
		         hb_string("return location.href + ' | ' + "
		                   "(document.querySelector('#photo-msg') || {}).textContent;"));
	char *rec = hb_string("return sessionStorage.getItem('photo-upload');");
	print_message("%s\n", rec);
	json_t *j = json_loads(rec, 0, NULL);
	free(rec);
	assert_non_null(j);
	assert_true(json_integer_value(json_object_get(j, "sent")) <= 400 * 1000);
	json_t *pr = json_object_get(j, "progress");
	assert_int_equal(json_integer_value(json_array_get(pr, json_array_size(pr) - 1)), 100);
	json_decref(j);
	hc_resp_t r = ha_req(port, &clc, "GET", page, NULL, 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(buf_cstr(&r.body), "Khai mạc Tuần lễ"));
	const char *ph = strstr(buf_cstr(&r.body), "/photos/");
	assert_non_null(ph);
	char full[300];
	snprintf(full, sizeof full, "/campaigns/%lld/units/%s/photos/%lld", (long long)campaign,
	         CLC, atoll(ph + 8));
	hc_resp_free(&r);
	r = ha_req(port, &clc, "GET", full, NULL, 0);
	assert_int_equal(r.status, 200);
	VipsImage *img = vips_image_new_from_buffer(r.body.data, r.body.len, "", NULL);
	assert_non_null(img);
	assert_int_equal(vips_image_get_width(img), 1600);
	g_object_unref(img);
	hc_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_phone_photo),
	        cmocka_unit_test(test_signed_out),
	        cmocka_unit_test(test_report_photo),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
