/* The resumable activity photo upload (src/app/photo_upload_pages.c) over real HTTP: a
 * photo sent in pieces, a piece out of order refused with the offset to go on from, the
 * offset asked for, a repeated piece refused, finishing before the end refused; the finished
 * photo stored re-encoded (long side 1,600) exactly as the multipart form stores it; a
 * declared size over 10 MB, a fake image and another user's upload id refused with
 * Vietnamese messages; and nothing left in the spool directory after success or failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
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
#include "media/photo.h"
#include "text/text.h"

#define PASSWORD "Tai-anh-tung-phan-2026"
#define CLC "HA-11413-TTHTCD"
#define PIECE (64 * 1024)

static char tmpdir[] = "/tmp/suotdoi-upl-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static ha_client_t clc, clc2, school;
static int64_t activity;
static void *jpeg;
static size_t jpeg_len;

/* Files in the spool directory (0 when it does not exist). */
static int
spooled(void)
{
	DIR *d = opendir(app.upload_dir);
	if (d == NULL)
		return 0;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static const char *
uploads(const char *tail)
{
	static char p[4][300];
	static int k;
	k = (k + 1) % 4;
	snprintf(p[k], sizeof p[k], "/units/%s/activities/%lld/photos/uploads%s", CLC,
	         (long long)activity, tail);
	return p[k];
}

/* A request as c with the CSRF header; range: a Content-Range value or NULL. */
static hc_resp_t
req_as(ha_client_t *c, const char *method, const char *path, const char *type, const void *body,
       size_t len, const char *range)
{
	char ck[450], cs[100], ct[100], cr[100];
	const char *h[5] = {0};
	int k = 0;
	snprintf(ck, sizeof ck, "Cookie: %s", c->cookie);
	h[k++] = ck;
	snprintf(cs, sizeof cs, "X-CSRF-Token: %s", c->csrf);
	h[k++] = cs;
	if (type) {
		snprintf(ct, sizeof ct, "Content-Type: %s", type);
		h[k++] = ct;
	}
	if (range) {
		snprintf(cr, sizeof cr, "Content-Range: %s", range);
		h[k++] = cr;
	}
	hc_opts_t o = {.method = method, .body = body, .body_len = len, .headers = h};
	hc_resp_t r;
	CURL *cu = curl_easy_init();
	if (hc_request(cu, port, path, &o, &r) < 0)
		fail_msg("%s %s: transport error", method, path);
	curl_easy_cleanup(cu);
	return r;
}

static json_t *
json_of(const hc_resp_t *r)
{
	json_t *j = json_loadb(r->body.data, r->body.len, 0, NULL);
	if (j == NULL)
		fail_msg("not JSON (%ld): %.500s", r->status, buf_cstr((buf_t *)&r->body));
	return j;
}

static long long
offset_of(const hc_resp_t *r)
{
	json_t *j = json_of(r);
	long long o = json_integer_value(json_object_get(j, "offset"));
	json_decref(j);
	return o;
}

static void
expect_error(const hc_resp_t *r, long status, const char *words)
{
	if (r->status != status || !strstr(buf_cstr((buf_t *)&r->body), words))
		fail_msg("expected %ld with \"%s\", got %ld: %.500s", status, words, r->status,
		         buf_cstr((buf_t *)&r->body));
}

/* Start an upload of size bytes; its id into id. */
static hc_resp_t
start(ha_client_t *c, long long size, char *id)
{
	char body[200];
	snprintf(body, sizeof body, "size=%lld&caption=L%%E1%%BB%%9Bp%%20tin%%20h%%E1%%BB%%8Dc",
	         size);
	hc_resp_t r = req_as(c, "POST", uploads(""), "application/x-www-form-urlencoded", body,
	                     strlen(body), NULL);
	if (r.status == 201) {
		json_t *j = json_of(&r);
		snprintf(id, 40, "%s", json_string_value(json_object_get(j, "id")));
		json_decref(j);
	}
	return r;
}

/* Piece [from, to) of data as c. */
static hc_resp_t
piece(ha_client_t *c, const char *id, const void *data, size_t from, size_t to, size_t total)
{
	char tail[80], range[100];
	snprintf(tail, sizeof tail, "/%s", id);
	snprintf(range, sizeof range, "bytes %zu-%zu/%zu", from, to - 1, total);
	return req_as(c, "POST", uploads(tail), "application/octet-stream",
	              (const char *)data + from, to - from, range);
}

static hc_resp_t
finish(ha_client_t *c, const char *id)
{
	char tail[80];
	snprintf(tail, sizeof tail, "/%s/finish", id);
	return req_as(c, "POST", uploads(tail), "application/x-www-form-urlencoded", "", 0, NULL);
}

static hc_resp_t
status_of(ha_client_t *c, const char *id)
{
	char tail[80];
	snprintf(tail, sizeof tail, "/%s", id);
	return req_as(c, "GET", uploads(tail), NULL, NULL, 0, NULL);
}

static int
photos_on_page(void)
{
	char p[200];
	snprintf(p, sizeof p, "/units/%s/activities/%lld", CLC, (long long)activity);
	hc_resp_t r = req_as(&clc, "GET", p, NULL, NULL, 0, NULL);
	assert_int_equal(r.status, 200);
	int n = 0;
	for (const char *s = buf_cstr(&r.body); (s = strstr(s, "?size=thumb")) != NULL; s++)
		n++;
	hc_resp_free(&r);
	return n;
}

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "u.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0 || photo_init("test_photo_uploads") < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	unit_tree_t *t = app_tree(&app);
	int64_t demo_id, current_id;
	int32_t base_day;
	if (demo_campaign(app.store, t, TEST_SOURCE_DIR, &demo_id) < 0)
		return -1;
	if (ha_haian_campaign(&app, demo_id, &current_id, &base_day) < 0)
		return -1;
	unit_tree_unref(t);
	ha_user(&app, "canbo.clc", CLC, ROLE_ENTRY, PASSWORD);
	ha_user(&app, "canbo2.clc", CLC, ROLE_ENTRY, PASSWORD);
	ha_user(&app, "canbo.th", "HA-11413-TH", ROLE_ENTRY, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &clc, "canbo.clc", PASSWORD) != 303 ||
	    ha_login(port, &clc2, "canbo2.clc", PASSWORD) != 303 ||
	    ha_login(port, &school, "canbo.th", PASSWORD) != 303)
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
	/* a real 2000x1500 photo of grey noise, ~0.5-1 MB as JPEG: several pieces */
	VipsImage *noise, *u8;
	if (vips_gaussnoise(&noise, 2000, 1500, "sigma", 20.0, "mean", 128.0, NULL) != 0 ||
	    vips_cast_uchar(noise, &u8, NULL) != 0 ||
	    vips_jpegsave_buffer(u8, &jpeg, &jpeg_len, "Q", 60, NULL) != 0)
		return -1;
	g_object_unref(noise);
	g_object_unref(u8);
	return jpeg_len > 4 * PIECE ? 0 : -1;
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
test_resumed_upload(void **state)
{
	(void)state;
	char id[40];
	size_t n = jpeg_len;
	hc_resp_t r = start(&clc, (long long)n, id);
	assert_int_equal(r.status, 201);
	hc_resp_free(&r);
	assert_int_equal(strlen(id), 32);
	assert_int_equal(spooled(), 2); /* the bytes and what they are for */
	r = status_of(&clc, id);
	assert_int_equal(r.status, 200);
	assert_int_equal(offset_of(&r), 0);
	hc_resp_free(&r);
	/* the second piece first: refused, and told to start at 0 */
	r = piece(&clc, id, jpeg, PIECE, 2 * PIECE, n);
	expect_error(&r, 409, "không nối tiếp");
	assert_int_equal(offset_of(&r), 0);
	hc_resp_free(&r);
	r = piece(&clc, id, jpeg, 0, PIECE, n);
	assert_int_equal(r.status, 200);
	assert_int_equal(offset_of(&r), PIECE);
	hc_resp_free(&r);
	/* the same piece again (its answer lost on the way): refused, offset unchanged */
	r = piece(&clc, id, jpeg, 0, PIECE, n);
	assert_int_equal(r.status, 409);
	assert_int_equal(offset_of(&r), PIECE);
	hc_resp_free(&r);
	/* a total that is not the declared size, a bad header, a body that is not the range */
	r = piece(&clc, id, jpeg, PIECE, 2 * PIECE, n + 1);
	assert_int_equal(r.status, 409);
	hc_resp_free(&r);
	char tail[80];
	snprintf(tail, sizeof tail, "/%s", id);
	r = req_as(&clc, "POST", uploads(tail), "application/octet-stream", jpeg, 10, "bytes */99");
	expect_error(&r, 400, "Content-Range");
	hc_resp_free(&r);
	r = req_as(&clc, "POST", uploads(tail), "application/octet-stream", jpeg, 10,
	           "bytes 65536-65545/999999999");
	assert_int_equal(r.status, 409);
	hc_resp_free(&r);
	/* finishing now: not all there */
	r = finish(&clc, id);
	expect_error(&r, 409, "chưa tải lên đủ");
	assert_int_equal(offset_of(&r), PIECE);
	hc_resp_free(&r);
	/* another officer of the same centre cannot see, extend or finish it; another unit's
	 * officer is stopped at the door */
	r = status_of(&clc2, id);
	expect_error(&r, 404, "Không tìm thấy lượt tải ảnh");
	hc_resp_free(&r);
	r = piece(&clc2, id, jpeg, PIECE, 2 * PIECE, n);
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
	r = finish(&clc2, id);
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
	r = status_of(&school, id);
	assert_int_equal(r.status, 403);
	hc_resp_free(&r);
	/* the connection "drops": ask where to go on, then send the rest */
	r = status_of(&clc, id);
	assert_int_equal(offset_of(&r), PIECE);
	char hv[40];
	assert_non_null(hc_header(&r, "Upload-Offset", hv, sizeof hv));
	assert_int_equal(atoll(hv), PIECE);
	hc_resp_free(&r);
	for (size_t at = PIECE; at < n; at += PIECE) {
		size_t to = at + PIECE < n ? at + PIECE : n;
		r = piece(&clc, id, jpeg, at, to, n);
		assert_int_equal(r.status, 200);
		assert_int_equal(offset_of(&r), (long long)to);
		hc_resp_free(&r);
	}
	assert_int_equal(photos_on_page(), 0);
	r = finish(&clc, id);
	assert_int_equal(r.status, 201);
	json_t *j = json_of(&r);
	const char *loc = json_string_value(json_object_get(j, "location"));
	assert_non_null(loc);
	assert_non_null(strstr(loc, "?done=photo"));
	assert_int_equal(json_integer_value(json_object_get(j, "bytes")), (long long)n);
	json_decref(j);
	hc_resp_free(&r);
	assert_int_equal(spooled(), 0);
	assert_int_equal(photos_on_page(), 1);
	/* stored re-encoded: 1600 px wide, smaller than what was sent */
	char p[200];
	snprintf(p, sizeof p, "/units/%s/activities/%lld", CLC, (long long)activity);
	r = req_as(&clc, "GET", p, NULL, NULL, 0, NULL);
	const char *ph = strstr(buf_cstr(&r.body), "/photos/");
	while (ph && !(ph[8] >= '0' && ph[8] <= '9'))
		ph = strstr(ph + 1, "/photos/");
	assert_non_null(ph);
	char full[300];
	snprintf(full, sizeof full, "%s/photos/%lld", p, atoll(ph + 8));
	hc_resp_free(&r);
	r = req_as(&clc, "GET", full, NULL, NULL, 0, NULL);
	assert_int_equal(r.status, 200);
	VipsImage *img = vips_image_new_from_buffer(r.body.data, r.body.len, "", NULL);
	assert_non_null(img);
	assert_int_equal(vips_image_get_width(img), 1600);
	assert_int_equal(vips_image_get_height(img), 1200);
	g_object_unref(img);
	hc_resp_free(&r);
	/* done: the id is gone */
	r = status_of(&clc, id);
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
	r = finish(&clc, id);
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
}

static void
test_refused_uploads_leave_nothing(void **state)
{
	(void)state;
	char id[40];
	int before = photos_on_page();
	/* over 10 MB declared: refused before a byte is sent */
	hc_resp_t r = start(&clc, 11LL << 20, id);
	expect_error(&r, 413, "lớn quá 10 MB");
	hc_resp_free(&r);
	assert_int_equal(spooled(), 0);
	r = req_as(&clc, "POST", uploads(""), "application/x-www-form-urlencoded", "size=abc", 8,
	           NULL);
	expect_error(&r, 400, "size");
	hc_resp_free(&r);
	/* a text file sent in full: the same check as the form, and the spool emptied */
	const char *fake = "không phải ảnh, chỉ là chữ";
	size_t n = strlen(fake);
	r = start(&clc, (long long)n, id);
	assert_int_equal(r.status, 201);
	hc_resp_free(&r);
	r = piece(&clc, id, fake, 0, n, n);
	assert_int_equal(r.status, 200);
	hc_resp_free(&r);
	r = finish(&clc, id);
	expect_error(&r, 400, "JPEG, PNG hoặc WebP");
	hc_resp_free(&r);
	assert_int_equal(spooled(), 0);
	assert_int_equal(photos_on_page(), before);
	/* a piece over the route's cap (256 KiB) */
	r = start(&clc, 1000000, id);
	assert_int_equal(r.status, 201);
	hc_resp_free(&r);
	char *big = calloc(1, 300 * 1024);
	r = piece(&clc, id, big, 0, 300 * 1024, 1000000);
	free(big);
	assert_int_equal(r.status, 413);
	hc_resp_free(&r);
	r = status_of(&clc, id);
	assert_int_equal(offset_of(&r), 0);
	hc_resp_free(&r);
	/* one officer holds at most 8 unfinished uploads */
	for (int k = 1; k < 8; k++) {
		r = start(&clc, 1000, id);
		assert_int_equal(r.status, 201);
		hc_resp_free(&r);
	}
	r = start(&clc, 1000, id);
	expect_error(&r, 429, "quá nhiều lượt tải ảnh dở dang");
	hc_resp_free(&r);
	r = start(&clc2, 1000, id); /* the other officer is not held back */
	assert_int_equal(r.status, 201);
	hc_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_resumed_upload),
	        cmocka_unit_test(test_refused_uploads_leave_nothing),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
