/* A Word draft imported over real HTTP: huyện Tiên Lãng's head uploads seed 000 as a
 * .docx (made by LibreOffice, tests/data/docx/SOURCE) through the plain multipart form and
 * through the API; a draft is stored whose fields are the seed's, and the review page
 * lists what was recognised. Every hostile or malformed file is refused with a 4xx and its
 * Vietnamese reason, and nothing is stored. */
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
#include "core/file.h"
#include "helper_app.h"

#define PASSWORD "Nhap-van-ban-22"

static char tmpdir[] = "/tmp/suotdoi-docimport-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static ha_client_t head;

static char *
slurp(const char *name, size_t *len)
{
	char path[512], err[300], *data;
	snprintf(path, sizeof path, "%s/docx/%s", TEST_DATA_DIR, name);
	if (file_read_all(path, 64u << 20, &data, len, err, sizeof err) < 0)
		fail_msg("%s: %s", path, err);
	return data;
}

static size_t
sink(char *p, size_t size, size_t n, void *ud)
{
	buf_append(ud, p, size * n);
	return size * n;
}

/* POST the form with file (NULL: no file part) as the head; body in out, the redirect's
 * target (if any) in loc[100]. */
static long
upload_to(const char *path, const char *file, buf_t *out, char *loc)
{
	char url[300], hdr[500];
	snprintf(url, sizeof url, "http://127.0.0.1:%u%s", port, path);
	CURL *c = curl_easy_init();
	curl_mime *m = curl_mime_init(c);
	curl_mimepart *p = curl_mime_addpart(m);
	curl_mime_name(p, "csrf");
	curl_mime_data(p, head.csrf, CURL_ZERO_TERMINATED);
	char *data = NULL;
	if (file) {
		size_t len;
		data = slurp(file, &len);
		p = curl_mime_addpart(m);
		curl_mime_name(p, "file");
		curl_mime_filename(p, strrchr(file, '/') ? strrchr(file, '/') + 1 : file);
		curl_mime_type(p, "application/vnd.openxmlformats-officedocument."
		                  "wordprocessingml.document");
		curl_mime_data(p, data, len);
	}
	snprintf(hdr, sizeof hdr, "%s", head.cookie);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_MIMEPOST, m);
	curl_easy_setopt(c, CURLOPT_COOKIE, hdr);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	long st = 0;
	if (curl_easy_perform(c) == CURLE_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
		char *to = NULL;
		if (loc && curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &to) == CURLE_OK && to) {
			const char *path_of = strstr(to, "/units/");
			snprintf(loc, 100, "%s", path_of ? path_of : to);
		}
	}
	curl_mime_free(m);
	curl_easy_cleanup(c);
	free(data);
	return st;
}

static long
upload(const char *path, const char *file, buf_t *out)
{
	return upload_to(path, file, out, NULL);
}

/* The review page a form upload redirected to, asserted 200; its body in out. */
static void
get_review(const char *loc, buf_t *out)
{
	hc_resp_t r = ha_req(port, &head, "GET", loc, NULL, 0);
	if (r.status != 200)
		fail_msg("GET %s: %ld", loc, r.status);
	buf_reset(out);
	buf_puts(out, buf_cstr(&r.body));
	hc_resp_free(&r);
}

/* POST the raw file to the API as the head (session + X-CSRF-Token). */
static long
api_upload(const char *file, buf_t *out)
{
	char url[300], ck[500], tok[120];
	snprintf(url, sizeof url, "http://127.0.0.1:%u/api/v1/units/315/docs/import", port);
	size_t len;
	char *data = slurp(file, &len);
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	snprintf(ck, sizeof ck, "Cookie: %s", head.cookie);
	snprintf(tok, sizeof tok, "X-CSRF-Token: %s", head.csrf);
	h = curl_slist_append(h, ck);
	h = curl_slist_append(h, tok);
	h = curl_slist_append(h, "Content-Type: application/vnd.openxmlformats-officedocument."
	                         "wordprocessingml.document");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, data);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	long st = 0;
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &st);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	free(data);
	return st;
}

static json_t *
get_json(const char *path)
{
	hc_resp_t r = ha_req(port, &head, "GET", path, NULL, 0);
	if (r.status != 200)
		fail_msg("GET %s: %ld", path, r.status);
	json_error_t e;
	json_t *j = json_loads(buf_cstr(&r.body), 0, &e);
	hc_resp_free(&r);
	assert_non_null(j);
	return j;
}

static size_t
issued_count(void)
{
	json_t *j = get_json("/api/v1/units/315/docs");
	size_t n = json_array_size(json_object_get(j, "issued"));
	json_decref(j);
	return n;
}

static int64_t
audit_rows(void)
{
	hc_resp_t r = ha_req(port, &head, "GET", "/units/315/audit", NULL, 0);
	int64_t n = 0;
	for (const char *p = buf_cstr(&r.body); (p = strstr(p, "Nhập văn bản từ Word")) != NULL;
	     p++)
		n++;
	hc_resp_free(&r);
	return n;
}

/* The stored draft's document equals the seed's fields (seed000.expected.json). */
static void
assert_seed_fields(int64_t id)
{
	char path[100];
	snprintf(path, sizeof path, "/api/v1/units/315/docs/%lld", (long long)id);
	json_t *j = get_json(path), *doc = json_object_get(j, "document");
	size_t n;
	char *s = slurp("seed000.expected.json", &n);
	json_error_t e;
	json_t *want = json_loadb(s, n, 0, &e);
	free(s);
	assert_non_null(want);
	static const char *const keys[] = {"kind",      "date",         "year",       "body_abbr",
	                                   "drafter_abbr", "parent_body", "body",       "place",
	                                   "subject",   "bases",        "recipients", "text",
	                                   "distribution", "signer"};
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
		if (!json_equal(json_object_get(doc, keys[k]), json_object_get(want, keys[k]))) {
			char *g = json_dumps(json_object_get(doc, keys[k]), JSON_ENCODE_ANY);
			fail_msg("%s differs: %s", keys[k], g);
		}
	assert_string_equal(json_string_value(json_object_get(j, "status")), "draft");
	json_decref(want);
	json_decref(j);
}

static void
test_form_imports_seed000(void **state)
{
	(void)state;
	hc_resp_t r = ha_req(port, &head, "GET", "/units/315/docs/import", NULL, 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(buf_cstr(&r.body), "enctype=\"multipart/form-data\""));
	assert_non_null(strstr(buf_cstr(&r.body), "name=\"file\""));
	hc_resp_free(&r);

	size_t before = issued_count();
	int64_t audits = audit_rows();
	buf_t out = BUF_INIT;
	char loc[100] = "";
	long st = upload_to("/units/315/docs/import", "seed000.docx", &out, loc);
	/* the upload redirects to the review stored with the draft (reloading it makes no
	 * second draft) */
	if (st != 303)
		fail_msg("%ld %s", st, buf_cstr(&out));
	assert_int_equal(strncmp(loc, "/units/315/docs/", 16), 0);
	assert_non_null(strstr(loc, "/import"));
	get_review(loc, &out);
	get_review(loc, &out);
	const char *b = buf_cstr(&out);
	assert_non_null(strstr(b, "Đã tạo bản nháp từ tệp seed000.docx"));
	assert_non_null(strstr(b, "Tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2022"));
	assert_non_null(strstr(b, "Kính gửi (6)"));
	assert_non_null(strstr(b, "20 đoạn, 4 đề mục"));
	assert_non_null(strstr(b, "<li>3. Các hoạt động trong Tuần lễ</li>"));
	assert_non_null(strstr(b, "Nơi nhận (4)"));
	assert_non_null(strstr(b, "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / Nguyễn "
	                          "Ngọc Huy"));
	assert_null(strstr(b, "Các đoạn chưa nhận ra")); /* everything was placed */
	const char *u = strstr(b, "href=\"/units/315/docs/");
	assert_non_null(u);
	int64_t id = strtoll(u + strlen("href=\"/units/315/docs/"), NULL, 10);
	assert_true(id > 0);
	buf_free(&out);
	assert_int_equal(issued_count(), before + 1);
	assert_int_equal(audit_rows(), audits + 1);
	assert_seed_fields(id);
	/* the draft opens as any other, with its edit form */
	char path[100];
	snprintf(path, sizeof path, "/units/315/docs/%lld", (long long)id);
	r = ha_req(port, &head, "GET", path, NULL, 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(buf_cstr(&r.body), "Thực hiện Công văn số 3201/VP-VX"));
	hc_resp_free(&r);
}

static void
test_api_imports_seed000(void **state)
{
	(void)state;
	buf_t out = BUF_INIT;
	long st = api_upload("seed000.docx", &out);
	if (st != 201)
		fail_msg("%ld %s", st, buf_cstr(&out));
	json_error_t e;
	json_t *j = json_loads(buf_cstr(&out), 0, &e);
	assert_non_null(j);
	assert_int_equal(json_array_size(json_object_get(j, "unrecognised")), 0);
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(j, "document"), "subject")),
	        "Tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2022");
	assert_seed_fields(json_integer_value(json_object_get(j, "id")));
	json_decref(j);
	buf_free(&out);
}

/* Word leaves invisible characters in its runs (an optional hyphen, a zero-width space):
 * an import removes them, so the draft is the seed's text exactly; the same characters
 * typed into a document through the JSON API are refused naming the field, nothing
 * written. */
static void
test_import_drops_invisible(void **state)
{
	(void)state;
	buf_t out = BUF_INIT;
	long st = api_upload("invisible.docx", &out);
	if (st != 201)
		fail_msg("%ld %s", st, buf_cstr(&out));
	json_error_t e;
	json_t *j = json_loads(buf_cstr(&out), 0, &e);
	assert_non_null(j);
	assert_seed_fields(json_integer_value(json_object_get(j, "id")));
	json_decref(j);
	buf_free(&out);

	size_t n;
	char *s = slurp("seed000.expected.json", &n);
	json_t *doc = json_loadb(s, n, 0, &e);
	free(s);
	assert_non_null(doc);
	json_object_set_new(doc, "subject",
	                    json_string("Tổ chức Tuần lễ hưởng ứng học tập suốt đời năm "
	                                "20\xc2\xad" "22"));
	json_t *req = json_pack("{s:o}", "document", doc);
	char *body = json_dumps(req, 0);
	json_decref(req);
	size_t before = issued_count();
	hc_resp_t r = ha_req(port, &head, "POST", "/api/v1/units/315/docs", body, 1);
	free(body);
	if (r.status != 422 || !strstr(buf_cstr(&r.body), "ký tự vô hình"))
		fail_msg("%ld %s", r.status, buf_cstr(&r.body));
	hc_resp_free(&r);
	assert_int_equal(issued_count(), before);
}

/* A paragraph the import cannot place is kept with the draft: the review it redirects to
 * shows it, and shows it again on a reload, without another draft; a document that was not
 * imported has no review. */
static void
test_leftover_kept_with_draft(void **state)
{
	(void)state;
	size_t before = issued_count();
	buf_t out = BUF_INIT;
	char loc[100] = "";
	long st = upload_to("/units/315/docs/import", "leftover.docx", &out, loc);
	if (st != 303)
		fail_msg("%ld %s", st, buf_cstr(&out));
	for (int k = 0; k < 2; k++) {
		get_review(loc, &out);
		const char *b = buf_cstr(&out);
		assert_non_null(strstr(b, "Các đoạn chưa nhận ra (1)"));
		assert_non_null(strstr(b, "<li>Ghi chú lạ cuối trang</li>"));
		assert_non_null(strstr(b, "Đã tạo bản nháp từ tệp leftover.docx"));
		assert_non_null(strstr(b, "<li>I. MỤC ĐÍCH</li>"));
	}
	assert_int_equal(issued_count(), before + 1);
	/* the draft's own page links back to its review */
	char draft[100];
	snprintf(draft, sizeof draft, "%.*s", (int)(strstr(loc, "/import") - loc), loc);
	hc_resp_t r = ha_req(port, &head, "GET", draft, NULL, 0);
	assert_int_equal(r.status, 200);
	char link[120];
	snprintf(link, sizeof link, "href=\"%s\"", loc);
	assert_non_null(strstr(buf_cstr(&r.body), link));
	hc_resp_free(&r);
	r = ha_req(port, &head, "GET", "/units/315/docs/999999/import", NULL, 0);
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
	r = ha_req(port, &head, "GET", "/units/315/docs/x1/import", NULL, 0);
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
	buf_free(&out);
}

static void
test_hostile_refused_nothing_stored(void **state)
{
	(void)state;
	static const struct {
		const char *file, *says;
	} cases[] = {
	        {"hostile/bomb_huge.docx", "giải nén lớn hơn 20 MB"},
	        {"hostile/bomb_lying.docx", "nhiều hơn kích thước khai báo"},
	        {"hostile/entities.docx", "DOCTYPE/ENTITY"},
	        {"hostile/xxe.docx", "DOCTYPE/ENTITY"},
	        {"hostile/missing_part.docx", "thiếu phần nội dung chính"},
	        {"hostile/not_zip.docx", "không phải tệp nén zip"},
	        {"hostile/traversal.docx", "../"},
	        {"hostile/traversal_rels.docx", "../"},
	};
	size_t before = issued_count();
	int64_t audits = audit_rows();
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		buf_t out = BUF_INIT;
		long st = upload("/units/315/docs/import", cases[k].file, &out);
		if (st != 422 || !strstr(buf_cstr(&out), cases[k].says))
			fail_msg("form %s: %ld, reason \"%s\" not in the page", cases[k].file, st,
			         cases[k].says);
		assert_non_null(strstr(buf_cstr(&out), "name=\"file\"")); /* the form again */
		buf_free(&out);
		out = (buf_t)BUF_INIT;
		st = api_upload(cases[k].file, &out);
		json_error_t e;
		json_t *j = json_loads(buf_cstr(&out), 0, &e);
		assert_non_null(j);
		const char *msg = json_string_value(
		        json_object_get(json_object_get(j, "error"), "message"));
		if (st != 422 || msg == NULL || !strstr(msg, cases[k].says))
			fail_msg("api %s: %ld %s", cases[k].file, st, buf_cstr(&out));
		json_decref(j);
		buf_free(&out);
	}
	/* no file at all */
	buf_t out = BUF_INIT;
	assert_int_equal(upload("/units/315/docs/import", NULL, &out), 400);
	assert_non_null(strstr(buf_cstr(&out), "Hãy chọn tệp văn bản Word (.docx)"));
	buf_free(&out);
	assert_int_equal(issued_count(), before);
	assert_int_equal(audit_rows(), audits);
}

static int
setup(void **state)
{
	(void)state;
	char db[300];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "d.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	ha_user(&app, "lanhdao.tienlang", "315", ROLE_HEAD, PASSWORD);
	return ha_login(port, &head, "lanhdao.tienlang", PASSWORD) == 303 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	http_server_stop(srv);
	app_close(&app);
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_form_imports_seed000),
	        cmocka_unit_test(test_api_imports_seed000),
	        cmocka_unit_test(test_import_drops_invisible),
	        cmocka_unit_test(test_leftover_kept_with_draft),
	        cmocka_unit_test(test_hostile_refused_nothing_stored),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
