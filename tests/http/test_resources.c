/* Open learning resources over real HTTP: a primary school's officer publishes a PDF through
 * the multipart form (no JavaScript) and a citizen, signed out, finds it on /hoc-lieu by a
 * search without diacritics and by place; the file comes back byte for byte with its
 * sniffed type; links; every bad input is refused with a Vietnamese message naming the
 * field and nothing stored; drafts and withdrawn resources never show in public; the
 * results form's line 6.tai_lieu_so is pre-filled from the published resources. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "app/app.h"
#include "domain/accounts.h"
#include "domain/demo.h"
#include "helper_app.h"

#define PASSWORD "Hoc-lieu-2026-kiem-tra"
#define SCHOOL "HA-11413-TH"
#define TITLE "Cẩm nang kỹ năng số cho người cao tuổi"

static char tmpdir[] = "/tmp/suotdoi-res-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t demo_id; /* the 2022 campaign */
static ha_client_t school, clc;
static int64_t r_pdf; /* the handbook, made by test_publish_and_find */

static const char pdf[] = "%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\n"
                          "trailer <</Root 1 0 R>>\n%%EOF\n\x01\x02\xff\xfe";

/* ---------- helpers ---------- */

static int
count_cb(const store_resource_t *r, void *p)
{
	(void)r;
	(void)p;
	return 0;
}

/* Every stored resource, whatever its status. */
static int64_t
stored(void)
{
	int64_t n = -1;
	store_resource_query_t q = {.path = ""};
	assert_int_equal(store_resources_find(app.store, &q, count_cb, NULL, &n), 0);
	return n;
}

static int
has(const hc_resp_t *r, const char *s)
{
	return strstr(buf_cstr((buf_t *)&r->body), s) != NULL;
}

static void
expect_in(const hc_resp_t *r, const char *s)
{
	if (!has(r, s))
		fail_msg("response %ld lacks \"%s\":\n%.3000s", r->status, s,
		         buf_cstr((buf_t *)&r->body));
}

static hc_resp_t
get(ha_client_t *c, const char *path)
{
	return ha_req(port, c, "GET", path, NULL, 0);
}

/* POST the resource form of page path (the unit's list for a new resource, the resource's
 * page for an edit) as c's browser does: multipart, every field of the form with the
 * changes of kv, the file input (helper_page_form.c). */
static hc_resp_t
send_form(ha_client_t *c, const char *path, const char *const *kv, const void *data, size_t len,
          const char *name, const char *ctype)
{
	return ha_post_page_multipart(port, c, path, path, kv, "file", data, len, name, ctype);
}

/* A valid resource's fields with overrides (pairs in over replace or add). */
static hc_resp_t
publish(ha_client_t *c, const char *path, const char *const *over, const void *data, size_t len,
        const char *name, const char *ctype)
{
	const char *kv[40] = {
	        "title",       TITLE,
	        "description", "Gọi video, cài đặt VNeID, nhận biết tin nhắn lừa đảo.",
	        "topic",       "chuyen_doi_so",
	        "audience",    "nguoi_cao_tuoi",
	        "licence",     "cc_by_4",
	        "link",        "",
	        "published",   "03/10/2022",
	        "status",      "published",
	        NULL};
	size_t n = 16;
	for (size_t k = 0; over && over[k]; k += 2) {
		size_t j = 0;
		while (j < n && strcmp(kv[j], over[k]) != 0)
			j += 2;
		if (j == n) {
			kv[n] = over[k];
			n += 2;
			kv[n] = NULL;
		}
		kv[j + 1] = over[k + 1];
	}
	return send_form(c, path, kv, data, len, name, ctype);
}

/* The id in a 303's Location "/units/X/hoc-lieu/ID?done=..." */
static int64_t
created_id(const hc_resp_t *r)
{
	char loc[300];
	if (r->status != 303 || !hc_header(r, "Location", loc, sizeof loc))
		fail_msg("expected 303, got %ld:\n%.3000s", r->status, buf_cstr((buf_t *)&r->body));
	const char *p = strstr(loc, "/hoc-lieu/");
	assert_non_null(p);
	return atoll(p + strlen("/hoc-lieu/"));
}

static const char *
pathf(const char *fmt, long long id)
{
	static char p[4][200];
	static int k;
	k = (k + 1) % 4;
	snprintf(p[k], sizeof p[k], fmt, id);
	return p[k];
}

/* A minimal Word document: a ZIP with [Content_Types].xml and word/document.xml. */
static void *
make_docx(size_t *len)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	assert_non_null(z);
	zip_source_keep(src);
	static const char ct[] = "<?xml version=\"1.0\"?><Types/>";
	static const char doc[] = "<?xml version=\"1.0\"?><w:document/>";
	zip_file_add(z, "[Content_Types].xml", zip_source_buffer(z, ct, sizeof ct - 1, 0), 0);
	zip_file_add(z, "word/document.xml", zip_source_buffer(z, doc, sizeof doc - 1, 0), 0);
	assert_int_equal(zip_close(z), 0);
	assert_int_equal(zip_source_open(src), 0);
	zip_source_seek(src, 0, SEEK_END);
	zip_int64_t n = zip_source_tell(src);
	zip_source_seek(src, 0, SEEK_SET);
	void *b = malloc((size_t)n);
	assert_int_equal(zip_source_read(src, b, (zip_uint64_t)n), n);
	zip_source_close(src);
	zip_source_free(src);
	zip_error_fini(&ze);
	*len = (size_t)n;
	return b;
}

/* ---------- set-up ---------- */

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
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &demo_id);
	unit_tree_unref(t);
	if (rc < 0)
		return -1;
	ha_user(&app, "canbo.th", SCHOOL, ROLE_ENTRY, PASSWORD);
	ha_user(&app, "canbo.clc", "HA-11413-TTHTCD", ROLE_ENTRY, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &school, "canbo.th", PASSWORD) != 303 ||
	    ha_login(port, &clc, "canbo.clc", PASSWORD) != 303)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return ha_stop(srv, &app, tmpdir);
}

/* ---------- tests ---------- */

/* Done when: a resource published by a school is found from /hoc-lieu by a diacritic-free
 * search. */
static void
test_publish_and_find(void **state)
{
	(void)state;
	/* the unit's page offers the form, multipart, without JavaScript */
	hc_resp_t r = get(&school, "/units/" SCHOOL "/hoc-lieu");
	assert_int_equal(r.status, 200);
	expect_in(&r, "enctype=\"multipart/form-data\"");
	expect_in(&r, "Chuyển đổi số");
	expect_in(&r, "CC BY 4.0");
	hc_resp_free(&r);

	r = publish(&school, "/units/" SCHOOL "/hoc-lieu", NULL, pdf, sizeof pdf - 1,
	            "Cẩm nang.pdf", "application/pdf");
	r_pdf = created_id(&r);
	hc_resp_free(&r);
	assert_int_equal(stored(), 1);

	/* signed out, without diacritics, by title words and by the topic's name */
	const char *found[] = {"/hoc-lieu?q=cam+nang+ky+nang+so",
	                       "/hoc-lieu?q=NGUOI%20CAO%20TUOI",
	                       "/hoc-lieu?q=chuyen+doi+so",
	                       "/hoc-lieu?place=hai+an",
	                       ("/hoc-lieu?place=" SCHOOL),
	                       "/hoc-lieu?place=306&q=cam+nang",
	                       "/hoc-lieu?topic=chuyen_doi_so&type=pdf&audience=nguoi_cao_tuoi"};
	char href[64];
	snprintf(href, sizeof href, "href=\"/hoc-lieu/%lld\"", (long long)r_pdf);
	for (size_t k = 0; k < sizeof found / sizeof *found; k++) {
		r = get(NULL, found[k]);
		assert_int_equal(r.status, 200);
		if (!has(&r, href) || !has(&r, TITLE))
			fail_msg("%s does not find the handbook:\n%.2000s", found[k],
			         buf_cstr(&r.body));
		hc_resp_free(&r);
	}
	/* not found: another district, another topic, words it does not hold */
	const char *missed[] = {"/hoc-lieu?place=315", "/hoc-lieu?topic=phap_luat",
	                        "/hoc-lieu?q=cam+nang+phap+luat", "/hoc-lieu?type=mp4",
	                        "/hoc-lieu?q=nang+ky+cam+xyz"};
	for (size_t k = 0; k < sizeof missed / sizeof *missed; k++) {
		r = get(NULL, missed[k]);
		assert_int_equal(r.status, 200);
		if (has(&r, href))
			fail_msg("%s finds the handbook", missed[k]);
		hc_resp_free(&r);
	}
	/* a place that does not exist is said, not ignored */
	r = get(NULL, "/hoc-lieu?place=khong+co+noi+nay+xyz");
	expect_in(&r, "Không tìm thấy nơi");
	assert_false(has(&r, href));
	hc_resp_free(&r);

	/* the JSON API */
	r = get(NULL, "/api/v1/hoc-lieu?q=ky%20nang%20so&place=hai%20an");
	assert_int_equal(r.status, 200);
	json_t *j = json_loads(buf_cstr(&r.body), 0, NULL);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(j, "total")), 1);
	json_t *it = json_array_get(json_object_get(j, "resources"), 0);
	assert_string_equal(json_string_value(json_object_get(it, "title")), TITLE);
	assert_string_equal(json_string_value(json_object_get(it, "type")), "pdf");
	assert_string_equal(json_string_value(json_object_get(it, "licence_name")),
	                    "CC BY 4.0 (Ghi công)");
	assert_null(json_object_get(it, "status")); /* internal fields stay internal */
	json_decref(j);
	hc_resp_free(&r);

	/* the resource's page: licence by name, download; the unit's public page lists it */
	r = get(NULL, pathf("/hoc-lieu/%lld", r_pdf));
	assert_int_equal(r.status, 200);
	expect_in(&r, "CC BY 4.0 (Ghi công)");
	expect_in(&r, "rel=\"license noopener\"");
	expect_in(&r, pathf("href=\"/hoc-lieu/%lld/file\"", r_pdf));
	hc_resp_free(&r);
	r = get(NULL, "/units/" SCHOOL);
	expect_in(&r, "Học liệu mở");
	expect_in(&r, TITLE);
	hc_resp_free(&r);
}

static void
test_file_bytes(void **state)
{
	(void)state;
	char v[300];
	hc_resp_t r = get(NULL, pathf("/hoc-lieu/%lld/file", r_pdf));
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, sizeof pdf - 1);
	assert_memory_equal(r.body.data, pdf, sizeof pdf - 1);
	assert_string_equal(hc_header(&r, "Content-Type", v, sizeof v), "application/pdf");
	assert_string_equal(hc_header(&r, "X-Content-Type-Options", v, sizeof v), "nosniff");
	assert_non_null(hc_header(&r, "Content-Disposition", v, sizeof v));
	assert_int_equal(strncmp(v, "inline;", 7), 0);
	assert_non_null(strstr(v, "filename=\"cam-nang.pdf\""));
	hc_resp_free(&r);

	/* a Word file sent as "text/plain" named .txt: typed from its bytes, an attachment */
	size_t dl;
	void *docx = make_docx(&dl);
	const char *over[] = {"title", "Giáo án điện tử: An toàn trên mạng", NULL};
	r = publish(&clc, "/units/HA-11413-TTHTCD/hoc-lieu", over, docx, dl, "giao-an.txt",
	            "text/plain");
	int64_t id = created_id(&r);
	hc_resp_free(&r);
	r = get(NULL, pathf("/hoc-lieu/%lld/file", id));
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, dl);
	assert_memory_equal(r.body.data, docx, dl);
	assert_string_equal(
	        hc_header(&r, "Content-Type", v, sizeof v),
	        "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
	hc_header(&r, "Content-Disposition", v, sizeof v);
	assert_int_equal(strncmp(v, "attachment;", 11), 0);
	assert_non_null(strstr(v, ".docx\""));
	hc_resp_free(&r);
	free(docx);
	r = get(NULL, "/hoc-lieu?type=docx");
	expect_in(&r, "Giáo án điện tử");
	assert_false(has(&r, TITLE));
	hc_resp_free(&r);
}

static void
test_link(void **state)
{
	(void)state;
	const char *over[] = {"title", "Kho học liệu điện tử", "link",    "https://hoclieu.vn/sach",
	                      "topic", "van_hoa_doc",          "licence", "don_vi_chia_se",
	                      NULL};
	hc_resp_t r = publish(&clc, "/units/HA-11413-TTHTCD/hoc-lieu", over, NULL, 0, NULL, NULL);
	int64_t id = created_id(&r);
	hc_resp_free(&r);
	r = get(NULL, pathf("/hoc-lieu/%lld", id));
	assert_int_equal(r.status, 200);
	expect_in(&r, "href=\"https://hoclieu.vn/sach\" rel=\"noopener nofollow\"");
	expect_in(&r, "Bản quyền thuộc đơn vị — được phép chia sẻ");
	hc_resp_free(&r);
	r = get(NULL, pathf("/hoc-lieu/%lld/file", id));
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
	r = get(NULL, "/hoc-lieu?type=link&q=kho+hoc+lieu");
	expect_in(&r, pathf("href=\"/hoc-lieu/%lld\"", id));
	hc_resp_free(&r);
}

static void
test_bad_input(void **state)
{
	(void)state;
	int64_t before = stored();
	const char *url = "/units/" SCHOOL "/hoc-lieu";
	static const struct {
		const char *field, *value;
		const char *message;
	} cases[] = {
	        {"title", "", "Tên học liệu: chưa nhập"},
	        {"link", "javascript:alert(1)", "Đường dẫn không hợp lệ"},
	        {"link", "ftp://hoclieu.vn/sach.pdf", "Đường dẫn không hợp lệ"},
	        {"topic", "thien_van", "Chủ đề “thien_van” không có trong danh sách"},
	        {"licence", "", "Giấy phép: hãy chọn một mục"},
	        {"published", "31/02/2022", "Ngày công bố “31/02/2022” không hợp lệ"},
	        {"status", "public", "Trạng thái “public” không có trong danh sách"},
	        {"campaign", "999999", "Đợt: hãy chọn một đợt trong danh sách"},
	};
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		const char *over[] = {cases[k].field, cases[k].value, NULL};
		int file = strcmp(cases[k].field, "link") != 0;
		hc_resp_t r = publish(&school, url, over, file ? pdf : NULL,
		                      file ? sizeof pdf - 1 : 0, "a.pdf", "application/pdf");
		if (r.status != 422)
			fail_msg("%s=%s: %ld", cases[k].field, cases[k].value, r.status);
		expect_in(&r, cases[k].message);
		expect_in(&r, "Chưa có gì được lưu.");
		hc_resp_free(&r);
		assert_int_equal(stored(), before);
	}
	/* neither a file nor a link; both */
	hc_resp_t r = publish(&school, url, NULL, NULL, 0, NULL, NULL);
	assert_int_equal(r.status, 422);
	expect_in(&r, "Tệp hoặc đường dẫn: chưa có");
	hc_resp_free(&r);
	const char *both[] = {"link", "https://hoclieu.vn", NULL};
	r = publish(&school, url, both, pdf, sizeof pdf - 1, "a.pdf", "application/pdf");
	assert_int_equal(r.status, 422);
	expect_in(&r, "không cả hai");
	hc_resp_free(&r);
	/* a file that claims to be a PDF (name and Content-Type) but is not */
	static const char fake[] = "<html><script>alert(1)</script></html>";
	r = publish(&school, url, NULL, fake, sizeof fake - 1, "bai-giang.pdf", "application/pdf");
	assert_int_equal(r.status, 422);
	expect_in(&r, "Tệp: nội dung không phải PDF");
	hc_resp_free(&r);
	/* a file over 20 MB, PDF by its bytes */
	size_t big = (20u << 20) + 1;
	char *b = malloc(big);
	memset(b, 'x', big);
	memcpy(b, "%PDF-1.4\n", 9);
	r = publish(&school, url, NULL, b, big, "lon.pdf", "application/pdf");
	assert_int_equal(r.status, 413);
	expect_in(&r, "Tệp lớn 20,1 MB, quá giới hạn 20 MB");
	hc_resp_free(&r);
	free(b);
	assert_int_equal(stored(), before);

	/* the JSON API: wrong types are refused naming the field (400), never coerced; a
	 * well-typed value that is not valid is the field's error (422) */
	const char *api = "/api/v1/units/" SCHOOL "/resources";
	static const struct {
		long status;
		const char *body, *field, *message;
	} jcases[] = {
	        {400,
	         "{\"title\": 5, \"topic\": \"khac\", \"audience\": \"hoc_sinh\", \"licence\": "
	         "\"cc0\", \"link\": \"https://hoclieu.vn\"}",
	         NULL, "Trường “title” phải là một chuỗi"},
	        {400,
	         "{\"title\": \"A\", \"topic\": [\"khac\"], \"audience\": \"hoc_sinh\", "
	         "\"licence\": "
	         "\"cc0\", \"link\": \"https://hoclieu.vn\"}",
	         NULL, "Trường “topic” phải là một chuỗi"},
	        {400,
	         "{\"title\": \"A\", \"topic\": \"khac\", \"audience\": \"hoc_sinh\", \"licence\": "
	         "\"cc0\", \"link\": \"https://hoclieu.vn\", \"campaign\": \"1\"}",
	         NULL, "Trường “campaign” phải là số định danh"},
	        {400,
	         "{\"title\": \"A\", \"topic\": \"khac\", \"audience\": \"hoc_sinh\", \"licence\": "
	         "\"cc0\", \"file\": \"JVBERi0=\"}",
	         NULL, "Trường “file” phải là một đối tượng"},
	        {400,
	         "{\"title\": \"A\", \"topic\": \"khac\", \"audience\": \"hoc_sinh\", \"licence\": "
	         "\"cc0\", \"file\": {\"name\": \"a.pdf\", \"data\": 5}}",
	         NULL, "Trường “file.data” phải là một chuỗi"},
	        {400,
	         "{\"title\": \"A\", \"topic\": \"khac\", \"audience\": \"hoc_sinh\", \"licence\": "
	         "\"cc0\", \"file\": {\"name\": \"a.pdf\", \"data\": \"JVBERi0=\", \"type\": "
	         "\"pdf\"}}",
	         NULL, "Trường “file.type” không được nhận"},
	        {422,
	         "{\"title\": \"A\", \"topic\": \"khac\", \"audience\": \"hoc_sinh\", \"licence\": "
	         "\"cc0\", \"file\": {\"name\": \"a.pdf\", \"data\": \"không phải base64\"}}",
	         "file", "file.data: không phải nội dung mã hóa base64"},
	        {422,
	         "{\"title\": \"A\", \"topic\": \"khac\", \"audience\": \"hoc_sinh\", \"licence\": "
	         "\"cc0\", \"link\": \"javascript:alert(1)\"}",
	         "link", "Đường dẫn không hợp lệ"},
	};
	for (size_t k = 0; k < sizeof jcases / sizeof *jcases; k++) {
		r = ha_req(port, &school, "POST", api, jcases[k].body, 1);
		if (r.status != jcases[k].status)
			fail_msg("%s: %ld %s", jcases[k].body, r.status, buf_cstr(&r.body));
		json_t *j = json_loads(buf_cstr(&r.body), 0, NULL);
		assert_non_null(j);
		json_t *e = json_object_get(j, "error");
		const char *m = json_string_value(
		        jcases[k].field
		                ? json_object_get(json_object_get(e, "fields"), jcases[k].field)
		                : json_object_get(e, "message"));
		if (!m || !strstr(m, jcases[k].message))
			fail_msg("%s: %s", jcases[k].body, buf_cstr(&r.body));
		json_decref(j);
		hc_resp_free(&r);
		assert_int_equal(stored(), before);
	}
	r = ha_req(port, &school, "POST", api, "[1]", 1);
	assert_int_equal(r.status, 400);
	hc_resp_free(&r);
	r = ha_req(port, &school, "POST", api, "{\"title\": \"A\", \"colour\": \"red\"}", 1);
	assert_int_equal(r.status, 400);
	expect_in(&r, "Trường “colour” không được nhận");
	hc_resp_free(&r);
	/* a creation says no version */
	r = ha_req(port, &school, "POST", api, "{\"title\": \"A\", \"version\": 1}", 1);
	assert_int_equal(r.status, 400);
	expect_in(&r, "Trường “version” không được nhận");
	hc_resp_free(&r);
	/* an unknown field's name is quoted cut at a letter's boundary: 59 bytes then "ệ"
	 * (3 bytes) used to be cut inside the letter, an invalid answer without the message */
	r = ha_req(port, &school, "POST", api,
	           "{\"title\": \"A\", "
	           "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaabệnh\": 1}",
	           1);
	assert_int_equal(r.status, 400);
	{
		json_t *j = json_loads(buf_cstr(&r.body), 0, NULL);
		const char *m =
		        json_string_value(json_object_get(json_object_get(j, "error"), "message"));
		if (!m ||
		    !strstr(m,
		            "“aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab” không"))
			fail_msg("%s", buf_cstr(&r.body));
		json_decref(j);
	}
	hc_resp_free(&r);
	assert_int_equal(stored(), before);

	/* and a right one through the API, the file in base64 */
	r = ha_req(
	        port, &school, "POST", api,
	        "{\"title\": \"Phiếu bài tập\", \"topic\": \"khac\", \"audience\": \"hoc_sinh\", "
	        "\"licence\": \"cc0\", \"published\": \"2022-10-04\", "
	        "\"file\": {\"name\": \"phieu.pdf\", \"data\": \"JVBERi0xLjQKJSVFT0YK\"}}",
	        1);
	if (r.status != 201)
		fail_msg("%ld %s", r.status, buf_cstr(&r.body));
	expect_in(&r, "\"type\":\"pdf\"");
	expect_in(&r, "\"status\":\"published\"");
	hc_resp_free(&r);
	assert_int_equal(stored(), before + 1);
}

static void
test_drafts_never_public(void **state)
{
	(void)state;
	const char *over[] = {"title", "Bản nháp đề cương chuyển đổi số", "status", "draft", NULL};
	hc_resp_t r = publish(&school, "/units/" SCHOOL "/hoc-lieu", over, pdf, sizeof pdf - 1,
	                      "nhap.pdf", "application/pdf");
	int64_t id = created_id(&r);
	hc_resp_free(&r);
	const char *pub[] = {"/hoc-lieu/%lld", "/hoc-lieu/%lld/file"};
	for (int k = 0; k < 2; k++) {
		r = get(NULL, pathf(pub[k], id));
		assert_int_equal(r.status, 404);
		hc_resp_free(&r);
	}
	r = get(NULL, "/hoc-lieu?q=ban+nhap+de+cuong");
	assert_false(has(&r, "Bản nháp đề cương"));
	hc_resp_free(&r);
	r = get(NULL, "/api/v1/hoc-lieu?q=ban+nhap");
	expect_in(&r, "\"total\":0");
	hc_resp_free(&r);
	r = get(NULL, "/units/" SCHOOL);
	assert_false(has(&r, "Bản nháp đề cương"));
	hc_resp_free(&r);
	/* the unit's staff see it, and its file */
	r = get(&school, "/units/" SCHOOL "/hoc-lieu");
	expect_in(&r, "Bản nháp đề cương");
	expect_in(&r, "Bản nháp");
	hc_resp_free(&r);
	r = get(&school, pathf("/units/" SCHOOL "/hoc-lieu/%lld/file", id));
	assert_int_equal(r.status, 200);
	hc_resp_free(&r);
	r = get(&school, "/api/v1/units/" SCHOOL "/resources?status=draft");
	assert_int_equal(r.status, 200);
	expect_in(&r, "\"title\":\"Bản nháp đề cương chuyển đổi số\"");
	expect_in(&r, "\"status\":\"draft\"");
	assert_false(has(&r, TITLE)); /* published: not in a list of drafts */
	hc_resp_free(&r);
	r = get(&school, "/api/v1/units/" SCHOOL "/resources?status=hidden");
	assert_int_equal(r.status, 400);
	hc_resp_free(&r);

	/* publish it (version 1), then withdraw it (version 2); a stale version is refused */
	const char *edit = pathf("/units/" SCHOOL "/hoc-lieu/%lld", id);
	char path[200];
	snprintf(path, sizeof path, "%s", edit);
	const char *p1[] = {
	        "title", "Đề cương chuyển đổi số", "status", "published", "version", "1", NULL};
	r = publish(&school, path, p1, NULL, 0, NULL, NULL);
	assert_int_equal(created_id(&r), id);
	hc_resp_free(&r);
	r = get(NULL, pathf("/hoc-lieu/%lld", id));
	assert_int_equal(r.status, 200);
	hc_resp_free(&r);
	r = get(NULL, pathf("/hoc-lieu/%lld/file", id)); /* the file was kept */
	assert_int_equal(r.status, 200);
	assert_memory_equal(r.body.data, pdf, sizeof pdf - 1);
	hc_resp_free(&r);
	const char *stale[] = {"title", "Đề cương cũ", "status", "published", "version", "1", NULL};
	r = publish(&school, path, stale, NULL, 0, NULL, NULL);
	assert_int_equal(r.status, 409);
	expect_in(&r, "vừa được người khác sửa");
	hc_resp_free(&r);
	const char *p2[] = {
	        "title", "Đề cương chuyển đổi số", "status", "withdrawn", "version", "2", NULL};
	r = publish(&school, path, p2, NULL, 0, NULL, NULL);
	assert_int_equal(created_id(&r), id);
	hc_resp_free(&r);
	for (int k = 0; k < 2; k++) {
		r = get(NULL, pathf(pub[k], id));
		assert_int_equal(r.status, 404);
		hc_resp_free(&r);
	}
	r = get(NULL, "/hoc-lieu?q=de+cuong");
	assert_false(has(&r, "Đề cương chuyển đổi số"));
	hc_resp_free(&r);
	/* the same through the API: the whole resource with the version it read */
	char api[200];
	snprintf(api, sizeof api, "/api/v1/units/" SCHOOL "/resources/%lld", (long long)id);
	static const char fields[] = "\"title\": \"Đề cương chuyển đổi số\", \"topic\": "
	                             "\"chuyen_doi_so\", \"audience\": \"nguoi_cao_tuoi\", "
	                             "\"licence\": \"cc_by_4\", \"status\": \"published\"";
	char body[600];
	snprintf(body, sizeof body, "{%s}", fields); /* no version */
	r = ha_req(port, &school, "POST", api, body, 1);
	assert_int_equal(r.status, 400);
	expect_in(&r, "Trường “version” bị thiếu");
	hc_resp_free(&r);
	snprintf(body, sizeof body, "{%s, \"version\": 2}", fields); /* stale: it is 3 */
	r = ha_req(port, &school, "POST", api, body, 1);
	assert_int_equal(r.status, 409);
	hc_resp_free(&r);
	snprintf(body, sizeof body, "{%s, \"version\": \"3\"}", fields); /* not coerced */
	r = ha_req(port, &school, "POST", api, body, 1);
	assert_int_equal(r.status, 400);
	expect_in(&r, "Trường “version” phải là số nguyên");
	hc_resp_free(&r);
	snprintf(body, sizeof body, "{%s, \"version\": 3}", fields);
	r = ha_req(port, &school, "POST", api, body, 1);
	if (r.status != 200)
		fail_msg("%ld %s", r.status, buf_cstr(&r.body));
	expect_in(&r, "\"version\":4");
	expect_in(&r, "\"type\":\"pdf\""); /* the file kept */
	hc_resp_free(&r);
	r = get(NULL, pathf("/hoc-lieu/%lld", id));
	assert_int_equal(r.status, 200);
	hc_resp_free(&r);
	snprintf(body, sizeof body, "{%s, \"version\": 4}", fields);
	memcpy(strstr(body, "\"published\""), "\"withdrawn\"", 11);
	r = ha_req(port, &school, "POST", api, body, 1);
	assert_int_equal(r.status, 200);
	hc_resp_free(&r);
	r = get(NULL, pathf("/hoc-lieu/%lld", id));
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
	/* another unit's staff cannot edit it (the guard), nor reach it under its own code */
	r = ha_post_multipart(port, &clc, path, p2, NULL, 0, NULL, NULL); /* no page to read */
	assert_int_equal(r.status, 403);
	hc_resp_free(&r);
	r = get(&clc, pathf("/units/HA-11413-TTHTCD/hoc-lieu/%lld", id));
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
}

/* The results form's line 6.tai_lieu_so counts the unit's published resources of the
 * campaign's year (2022): the handbook (03/10/2022) and the API's worksheet (04/10/2022),
 * not the withdrawn one nor one published in 2021. */
static void
test_prefill(void **state)
{
	(void)state;
	const char *old[] = {"title", "Tài liệu năm trước", "published", "05/10/2021", NULL};
	hc_resp_t r = publish(&school, "/units/" SCHOOL "/hoc-lieu", old, pdf, sizeof pdf - 1,
	                      "cu.pdf", "application/pdf");
	created_id(&r);
	hc_resp_free(&r);
	char p[200];
	snprintf(p, sizeof p, "/api/v1/campaigns/%lld/units/%s/report", (long long)demo_id, SCHOOL);
	r = get(&school, p);
	assert_int_equal(r.status, 200);
	json_t *j = json_loads(buf_cstr(&r.body), 0, NULL);
	hc_resp_free(&r);
	assert_non_null(j);
	json_t *it = json_object_get(json_object_get(j, "prefill"), "6.tai_lieu_so");
	if (!it)
		fail_msg("no prefill of 6.tai_lieu_so: %s", json_dumps(j, 0));
	assert_int_equal(json_integer_value(json_object_get(it, "value")), 2);
	json_t *src = json_object_get(it, "sources");
	assert_int_equal(json_array_size(src), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(src, 0), "title")),
	                    TITLE);
	assert_string_equal(json_string_value(json_object_get(json_array_get(src, 0), "date")),
	                    "03/10/2022");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(src, 0), "resource")),
	                 r_pdf);
	assert_null(json_object_get(json_array_get(src, 0), "activity"));
	json_decref(j);
	/* the page shows the hint under the line */
	snprintf(p, sizeof p, "/campaigns/%lld/units/%s/report", (long long)demo_id, SCHOOL);
	r = get(&school, p);
	assert_int_equal(r.status, 200);
	expect_in(&r, "2 học liệu");
	hc_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_publish_and_find),
	        cmocka_unit_test(test_file_bytes),
	        cmocka_unit_test(test_link),
	        cmocka_unit_test(test_bad_input),
	        cmocka_unit_test(test_drafts_never_public),
	        cmocka_unit_test(test_prefill),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
