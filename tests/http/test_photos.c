/* Report photos over real HTTP with a plain multipart form: a real JPEG is accepted,
 * re-encoded and shown as a thumbnail; a fake image is refused with a Vietnamese message;
 * photos are deleted while the report is a draft and frozen once it is submitted; another
 * unit's photos are out of reach. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <vips/vips.h>

#include "app/app.h"
#include "domain/accounts.h"
#include "domain/demo.h"
#include "helper_app.h"
#include "media/photo.h"

#define PASSWORD "Anh-tieu-bieu-2022"

static char tmpdir[] = "/tmp/suotdoi-photos-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t campaign;
static char cookie[400], csrf[64];
static void *jpeg;
static size_t jpeg_len;

static size_t
sink(char *p, size_t s, size_t n, void *ud)
{
	buf_append(ud, p, s * n);
	return s * n;
}

/* POST a multipart form with an optional file; returns the status, body in out. */
static long
upload(const char *path, const void *data, size_t len, const char *filename, buf_t *out)
{
	char url[300], ck[450];
	snprintf(url, sizeof url, "http://127.0.0.1:%u%s", port, path);
	snprintf(ck, sizeof ck, "%s", cookie);
	CURL *c = curl_easy_init();
	curl_mime *m = curl_mime_init(c);
	curl_mimepart *p = curl_mime_addpart(m);
	curl_mime_name(p, "csrf");
	curl_mime_data(p, csrf, CURL_ZERO_TERMINATED);
	p = curl_mime_addpart(m);
	curl_mime_name(p, "caption");
	curl_mime_data(p, "Lễ khai mạc Tuần lễ", CURL_ZERO_TERMINATED);
	if (data) {
		p = curl_mime_addpart(m);
		curl_mime_name(p, "photo");
		curl_mime_filename(p, filename);
		curl_mime_type(p, "image/jpeg");
		curl_mime_data(p, data, len);
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_MIMEPOST, m);
	curl_easy_setopt(c, CURLOPT_COOKIE, ck);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	long st = 0;
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
	curl_mime_free(m);
	curl_easy_cleanup(c);
	return st;
}

static hc_resp_t
get(const char *path, const char *method, const char *body)
{
	ha_client_t c;
	snprintf(c.cookie, sizeof c.cookie, "%s", cookie);
	snprintf(c.csrf, sizeof c.csrf, "%s", csrf);
	return ha_req(port, &c, method, path, body, 0);
}

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "p.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0 || photo_init("test_photos") < 0)
		return -1;
	unit_tree_t *t = app_tree(&app);
	if (demo_campaign(app.store, t, TEST_SOURCE_DIR, &campaign) < 0)
		return -1;
	unit_tree_unref(t);
	ha_user(&app, "hieutruong", "HA-11413-TH", ROLE_HEAD, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	ha_client_t c;
	if (ha_login(port, &c, "hieutruong", PASSWORD) != 303)
		return -1;
	snprintf(cookie, sizeof cookie, "%s", c.cookie);
	snprintf(csrf, sizeof csrf, "%s", c.csrf);
	/* a real 2000x1500 JPEG, made here */
	VipsImage *img;
	if (vips_black(&img, 2000, 1500, "bands", 3, NULL) != 0 ||
	    vips_jpegsave_buffer(img, &jpeg, &jpeg_len, NULL) != 0)
		return -1;
	g_object_unref(img);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	g_free(jpeg);
	http_server_stop(srv);
	app_close(&app);
	curl_global_cleanup();
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_photos(void **state)
{
	(void)state;
	char base[200], path[300];
	snprintf(base, sizeof base, "/campaigns/%lld/units/HA-11413-TH", (long long)campaign);
	snprintf(path, sizeof path, "%s/photos", base);
	buf_t out = BUF_INIT;
	/* a text file named .jpg is not a photo */
	assert_int_equal(upload(path, "không phải ảnh", 16, "anh.jpg", &out), 400);
	assert_non_null(strstr(buf_cstr(&out), "JPEG, PNG hoặc WebP"));
	buf_reset(&out);
	assert_int_equal(upload(path, NULL, 0, NULL, &out), 400); /* no file chosen */
	buf_reset(&out);
	assert_int_equal(upload(path, jpeg, jpeg_len, "khai-mac.jpg", &out), 303);
	buf_reset(&out);
	/* the report shows it, re-encoded, with a thumbnail */
	snprintf(path, sizeof path, "%s/report", base);
	hc_resp_t r = get(path, "GET", NULL);
	assert_int_equal(r.status, 200);
	const char *p = strstr(buf_cstr(&r.body), "/photos/");
	assert_non_null(p);
	assert_non_null(strstr(buf_cstr(&r.body), "Lễ khai mạc Tuần lễ"));
	char photo[300];
	snprintf(photo, sizeof photo, "%s/photos/%.*s", base, (int)strspn(p + 8, "0123456789"),
	         p + 8);
	hc_resp_free(&r);
	char thumb[320];
	snprintf(thumb, sizeof thumb, "%s?size=thumb", photo);
	r = get(thumb, "GET", NULL);
	assert_int_equal(r.status, 200);
	assert_memory_equal(buf_cstr(&r.body), "\xff\xd8\xff", 3);
	size_t thumb_len = r.body.len;
	hc_resp_free(&r);
	r = get(photo, "GET", NULL);
	assert_int_equal(r.status, 200);
	assert_true(r.body.len > thumb_len);
	VipsImage *img = vips_image_new_from_buffer(r.body.data, r.body.len, "", NULL);
	assert_non_null(img);
	assert_int_equal(vips_image_get_width(img), 1600); /* long edge shrunk to 1600 */
	g_object_unref(img);
	hc_resp_free(&r);
	/* another unit's path does not reach this photo */
	char other[300];
	snprintf(other, sizeof other, "/campaigns/%lld/units/HA-11413-THCS%s", (long long)campaign,
	         strstr(photo, "/photos/"));
	r = get(other, "GET", NULL);
	assert_true(r.status == 403 || r.status == 404);
	hc_resp_free(&r);
	/* delete while a draft; add again; submit; then photos are frozen */
	char del[340], body[200];
	snprintf(del, sizeof del, "%s/delete", photo);
	snprintf(body, sizeof body, "csrf=%s", csrf);
	r = get(del, "POST", body);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	r = get(photo, "GET", NULL);
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
	snprintf(path, sizeof path, "%s/photos", base);
	assert_int_equal(upload(path, jpeg, jpeg_len, "khai-mac.jpg", &out), 303);
	buf_reset(&out);
	snprintf(path, sizeof path, "%s/submit", base);
	{
		ha_client_t c;
		snprintf(c.cookie, sizeof c.cookie, "%s", cookie);
		snprintf(c.csrf, sizeof c.csrf, "%s", csrf);
		char page[300];
		snprintf(page, sizeof page, "%s/report", base);
		r = ha_post_page_body(port, &c, page, path, "v.1.ke_hoach=1");
	}
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	snprintf(path, sizeof path, "%s/photos", base);
	assert_int_equal(upload(path, jpeg, jpeg_len, "them.jpg", &out), 409);
	buf_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_photos),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
