/* Official documents over real HTTP with the web forms (no JavaScript) and the JSON API:
 * huyện Gia Lâm's head drafts a plan, bad input is refused field by field with nothing
 * stored, publishing numbers it 01 then 02 for the year, the PDF and DOCX carry the Decree-30
 * header, the subject and the number; the Phòng GD&ĐT finds it in its inbox, opening it
 * records the receipt, a body it is not addressed to gets 404; duties become tasks marked
 * done or shown late on the issuer's board; a town of Tiên Lãng makes its plan from the
 * district's công văn 2945; public documents at /van-ban; version conflicts; the demo
 * documents (Hà Thượng's plan made from Đại Từ's 747). */
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
#include "domain/demo.h"
#include "domain/demo_docs.h"
#include "helper_app.h"

#define PASSWORD "Van-ban-kiem-tra-22"

static char tmpdir[] = "/tmp/suotdoi-docs-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t campaign;

typedef ha_client_t client_t;

/* the district head of Gia Lâm (issues), its Phòng GD&ĐT (addressee), its Phòng VH-TT (not
 * addressed), Tiên Lãng's town head (derives), a national admin (reads everything) */
static client_t head, pgd, vh, town, admin;

static int64_t doc1, doc2; /* Gia Lâm's two published plans */

static hc_resp_t
req(client_t *c, const char *method, const char *path, const char *body, int json)
{
	return ha_req(port, c, method, path, body, json);
}

/* A form of page posted as a browser sends it, with body's fields over the page's. */
static hc_resp_t
post_page(client_t *c, const char *page, const char *path, const char *body)
{
	return ha_post_page_over(port, c, page, path, body);
}

static const char *
body_of(hc_resp_t *r)
{
	return buf_cstr(&r->body);
}

/* ---- form bodies ---- */

static void
add(buf_t *b, const char *name, const char *value)
{
	CURL *c = curl_easy_init();
	char *v = curl_easy_escape(c, value, 0);
	buf_printf(b, "%s%s=%s", b->len ? "&" : "", name, v);
	curl_free(v);
	curl_easy_cleanup(c);
}

/* A complete plan of Gia Lâm, every field of the page's form (the rows the form always
 * shows, empty when unused); override replaces one field. */
static char *
plan_form(client_t *c, const char *subject, const char *over_name, const char *over_value,
          const char *extra)
{
	static const char *const fields[][2] = {
	        {"kind", "kh"},
	        {"campaign", ""},
	        {"parent_body", ""},
	        {"drafter_abbr", ""},
	        {"body", "ỦY BAN NHÂN DÂN\r\nHUYỆN GIA LÂM"},
	        {"body_abbr", "UBND"},
	        {"place", "Gia Lâm"},
	        {"date", ""},
	        {"basis_text_0", "Căn cứ Kế hoạch của Ủy ban nhân dân thành phố Hà Nội;"},
	        {"basis_doc_0", ""},
	        {"basis_text_1", ""},
	        {"basis_doc_1", ""},
	        {"rcpt_text_0", "Phòng Giáo dục và Đào tạo;"},
	        {"rcpt_units_0", "GL-PGDDT"},
	        {"rcpt_text_1", "Ủy ban nhân dân các xã, thị trấn."},
	        {"rcpt_units_1", "kind:xa"},
	        {"rcpt_text_2", ""},
	        {"text",
	         "# I. MỤC ĐÍCH\r\nTổ chức **Tuần lễ** thiết thực.\r\n[nhiệm vụ]\r\nBáo cáo "
	         "kết quả về Phòng Giáo dục và Đào tạo./."},
	        {"duty_role_0", "chu_tri"},
	        {"duty_who_0", "Phòng Giáo dục và Đào tạo"},
	        {"duty_units_0", "GL-PGDDT"},
	        {"duty_task_0", "Tổng hợp báo cáo kết quả của các trường học."},
	        {"duty_due_0", "10/10/2022"},
	        {"duty_role_1", "phoi_hop"},
	        {"duty_who_1", "Hội Khuyến học huyện"},
	        {"duty_units_1", "GL-HKH"},
	        {"duty_task_1", "Tuyên dương gia đình hiếu học."},
	        {"duty_due_1", "31/12/2099"},
	        {"duty_role_2", "phoi_hop"},
	        {"duty_who_2", ""},
	        {"duty_task_2", ""},
	        {"duty_due_2", ""},
	        {"dist_auto", ""},
	        {"distribution", "Như trên;\r\nLưu: VT."},
	        {"signer_tm", "ỦY BAN NHÂN DÂN"},
	        {"signer_authority", "KT."},
	        {"signer_head", "CHỦ TỊCH"},
	        {"signer_position", "PHÓ CHỦ TỊCH"},
	        {"signer_name", "Nguyễn Văn Thử"},
	        {"annex_label_0", ""},
	        {"annex_title_0", ""},
	        {"annex_subtitle_0", ""},
	        {"annex_text_0", ""},
	};
	buf_t b = BUF_INIT;
	add(&b, "csrf", c->csrf);
	add(&b, "subject", over_name && !strcmp(over_name, "subject") ? over_value : subject);
	for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++) {
		const char *v = fields[k][1];
		if (over_name && !strcmp(over_name, fields[k][0]))
			v = over_value;
		add(&b, fields[k][0], v);
	}
	/* a second choice in the same select: both kinds of commune */
	add(&b, "rcpt_units_1", "kind:thi_tran");
	if (extra)
		buf_printf(&b, "&%s", extra);
	return buf_steal(&b, NULL);
}

/* The id at the end of a Location "/units/X/docs/<id>?done=…". */
static int64_t
location_id(hc_resp_t *r)
{
	char loc[300];
	if (!hc_header(r, "Location", loc, sizeof loc))
		fail_msg("no Location");
	const char *p = strstr(loc, "/docs/");
	assert_non_null(p);
	return strtoll(p + 6, NULL, 10);
}

static json_t *
get_json(client_t *c, const char *path)
{
	hc_resp_t r = req(c, "GET", path, NULL, 0);
	if (r.status != 200)
		fail_msg("GET %s: %ld %s", path, r.status, body_of(&r));
	json_error_t e;
	json_t *j = json_loads(body_of(&r), 0, &e);
	hc_resp_free(&r);
	assert_non_null(j);
	return j;
}

static size_t
issued_count(const char *unit)
{
	char p[200];
	snprintf(p, sizeof p, "/api/v1/units/%s/docs", unit);
	json_t *j = get_json(&admin, p);
	size_t n = json_array_size(json_object_get(j, "issued"));
	json_decref(j);
	return n;
}

static int64_t
version_of(const char *unit, int64_t id)
{
	char p[200];
	snprintf(p, sizeof p, "/api/v1/units/%s/docs/%lld", unit, (long long)id);
	json_t *j = get_json(&admin, p);
	int64_t v = json_integer_value(json_object_get(j, "version"));
	json_decref(j);
	return v;
}

static int64_t
create_plan(const char *subject)
{
	char *body = plan_form(&head, subject, NULL, NULL, NULL);
	hc_resp_t r = post_page(&head, "/units/018/docs/new", "/units/018/docs", body);
	free(body);
	if (r.status != 303)
		fail_msg("create: %ld %s", r.status, body_of(&r));
	int64_t id = location_id(&r);
	hc_resp_free(&r);
	return id;
}

static void
publish(int64_t id, const char *extra, long want, const char *says)
{
	char path[200];
	buf_t b = BUF_INIT;
	add(&b, "csrf", head.csrf);
	buf_printf(&b, "&version=%lld", (long long)version_of("018", id));
	if (extra)
		buf_printf(&b, "&%s", extra);
	char page[200];
	snprintf(page, sizeof page, "/units/018/docs/%lld", (long long)id);
	snprintf(path, sizeof path, "/units/018/docs/%lld/publish", (long long)id);
	hc_resp_t r = post_page(&head, page, path, buf_cstr(&b));
	buf_free(&b);
	if (r.status != want || (says && !strstr(body_of(&r), says)))
		fail_msg("publish %lld: %ld %s", (long long)id, r.status, body_of(&r));
	hc_resp_free(&r);
}

static hc_resp_t get_page(client_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static hc_resp_t
get_page(client_t *c, const char *fmt, ...)
{
	char path[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(path, sizeof path, fmt, ap);
	va_end(ap);
	return req(c, "GET", path, NULL, 0);
}

/* ---- set-up ---- */

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "d.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	if (ha_demo_docs(&app, &campaign) < 0)
		return -1;
	ha_user(&app, "lanhdao.gialam", "018", ROLE_HEAD, PASSWORD);
	ha_user(&app, "pgd.gialam", "GL-PGDDT", ROLE_HEAD, PASSWORD);
	ha_user(&app, "vh.gialam", "GL-PVHTT", ROLE_HEAD, PASSWORD);
	ha_user(&app, "thitran.tienlang", "11755", ROLE_HEAD, PASSWORD);
	ha_user(&app, "quantri.vn", "VN", ROLE_ADMIN, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &head, "lanhdao.gialam", PASSWORD) != 303 ||
	    ha_login(port, &pgd, "pgd.gialam", PASSWORD) != 303 ||
	    ha_login(port, &vh, "vh.gialam", PASSWORD) != 303 ||
	    ha_login(port, &town, "thitran.tienlang", PASSWORD) != 303 ||
	    ha_login(port, &admin, "quantri.vn", PASSWORD) != 303)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return ha_stop(srv, &app, tmpdir);
}

/* ---- tests (in order: later ones use what earlier ones made) ---- */

static void
test_form_and_bad_input(void **state)
{
	(void)state;
	hc_resp_t r = req(&head, "GET", "/units/018/docs/new", NULL, 0);
	assert_int_equal(r.status, 200);
	/* defaults of the issuer and the addressees it can reach */
	assert_non_null(strstr(body_of(&r), "HUYỆN GIA LÂM"));
	assert_non_null(strstr(body_of(&r), "value=\"kind:xa\""));
	assert_non_null(strstr(body_of(&r), "value=\"GL-PGDDT\""));
	hc_resp_free(&r);

	size_t before = issued_count("018");
	char big[6001];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	static const struct {
		const char *name, *value, *msg, *shown;
	} bad[] = {
	        {"subject", "", "Chưa có trích yếu", NULL},
	        {"date", "31/02/2022", "không phải ngày hợp lệ", "31/02/2022"},
	        {"duty_task_0", NULL, "Nội dung nhiệm vụ: dài 6000 byte, quá giới hạn 5000 byte", NULL},
	        {"signer_authority", "XYZ", "Thẩm quyền ký", "XYZ"},
	        {"duty_due_1", "32/13/2022", "Hạn hoàn thành", "32/13/2022"},
	        {"rcpt_units_0", "KHONG-CO", "Không có đơn vị mã", "KHONG-CO"},
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		char *body = plan_form(&head, "Kế hoạch thử", bad[k].name,
		                       bad[k].value ? bad[k].value : big, NULL);
		r = post_page(&head, "/units/018/docs/new", "/units/018/docs", body);
		free(body);
		if (r.status != 422 || !strstr(body_of(&r), bad[k].msg))
			fail_msg("%s: %ld, want 422 with \"%s\"", bad[k].name, r.status,
			         bad[k].msg);
		/* what was typed is shown again (in the field or its message) */
		if (bad[k].shown)
			assert_non_null(strstr(body_of(&r), bad[k].shown));
		assert_non_null(strstr(body_of(&r), "Chưa có gì được lưu"));
		/* and the rest of the form is kept */
		assert_non_null(strstr(body_of(&r), "Tuyên dương gia đình hiếu học."));
		hc_resp_free(&r);
	}
	assert_int_equal(issued_count("018"), before);
}

static void
test_create_publish_number(void **state)
{
	(void)state;
	doc1 = create_plan("Ngày hội học tập Gia Lâm");
	hc_resp_t r = get_page(&head, "/units/018/docs/%lld?done=created", (long long)doc1);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(body_of(&r), "Đã tạo bản nháp"));
	assert_non_null(strstr(body_of(&r), "Số:        /KH-UBND"));
	hc_resp_free(&r);
	publish(doc1, NULL, 303, NULL);
	r = get_page(&head, "/units/018/docs/%lld", (long long)doc1);
	assert_non_null(strstr(body_of(&r), "Số: 01/KH-UBND"));
	hc_resp_free(&r);
	/* the second of the year is 02 */
	doc2 = create_plan("Tuần lễ đọc sách Gia Lâm");
	publish(doc2, NULL, 303, NULL);
	r = get_page(&head, "/units/018/docs/%lld", (long long)doc2);
	assert_non_null(strstr(body_of(&r), "Số: 02/KH-UBND"));
	hc_resp_free(&r);
	/* a number already given this year is refused */
	int64_t d3 = create_plan("Văn bản trùng số");
	publish(d3, "number=2", 409, "Số 2 đã được cấp cho một văn bản khác");
	r = get_page(&head, "/units/018/docs/%lld", (long long)d3);
	assert_non_null(strstr(body_of(&r), "Bản nháp"));
	hc_resp_free(&r);
	/* a published document is not edited (its page has no form: posted whole as a
	 * program would) */
	char *body = plan_form(&head, "Sửa sau khi ban hành", NULL, NULL, "version=99");
	char path[200];
	snprintf(path, sizeof path, "/units/018/docs/%lld", (long long)doc1);
	r = req(&head, "POST", path, body, 0);
	free(body);
	assert_int_equal(r.status, 409);
	assert_non_null(strstr(body_of(&r), "đã ban hành, không sửa được"));
	hc_resp_free(&r);
}

static void
test_pdf_and_docx(void **state)
{
	(void)state;
	hc_resp_t r = get_page(&head, "/units/018/docs/%lld/pdf", (long long)doc1);
	assert_int_equal(r.status, 200);
	char ct[200], cd[300];
	assert_non_null(hc_header(&r, "Content-Type", ct, sizeof ct));
	assert_string_equal(ct, "application/pdf");
	assert_non_null(hc_header(&r, "Content-Disposition", cd, sizeof cd));
	assert_non_null(strstr(cd, "filename=\"KH-01-UBND-"));
	assert_non_null(strstr(cd, "filename*=UTF-8''KH-01-UBND-"));
	assert_memory_equal(r.body.data, "%PDF", 4);
	char pdf[300], cmd[400];
	snprintf(pdf, sizeof pdf, "%s/doc1.pdf", tmpdir);
	FILE *f = fopen(pdf, "wb");
	assert_non_null(f);
	fwrite(r.body.data, 1, r.body.len, f);
	fclose(f);
	hc_resp_free(&r);
	snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 %s -", pdf);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	buf_t text = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		buf_append(&text, chunk, n);
	assert_int_equal(pclose(p), 0);
	if (!strstr(buf_cstr(&text), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") ||
	    !strstr(buf_cstr(&text), "Ngày hội học tập Gia Lâm") ||
	    !strstr(buf_cstr(&text), "Số: 01/"))
		fail_msg("pdftotext:\n%s", buf_cstr(&text));
	buf_free(&text);

	r = get_page(&head, "/units/018/docs/%lld/docx", (long long)doc1);
	assert_int_equal(r.status, 200);
	assert_non_null(hc_header(&r, "Content-Type", ct, sizeof ct));
	assert_string_equal(ct, "application/vnd.openxmlformats-officedocument."
	                        "wordprocessingml.document");
	assert_memory_equal(r.body.data, "PK", 2);
	zip_error_t ze;
	zip_source_t *src = zip_source_buffer_create(r.body.data, r.body.len, 0, &ze);
	zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &ze);
	assert_non_null(z);
	zip_file_t *zf = zip_fopen(z, "word/document.xml", 0);
	assert_non_null(zf);
	buf_t xml = BUF_INIT;
	zip_int64_t got;
	while ((got = zip_fread(zf, chunk, sizeof chunk)) > 0)
		buf_append(&xml, chunk, (size_t)got);
	zip_fclose(zf);
	zip_close(z);
	assert_non_null(strstr(buf_cstr(&xml), "Ngày hội học tập Gia Lâm"));
	buf_free(&xml);
	hc_resp_free(&r);
}

static void
test_inbox_receipts_and_binding(void **state)
{
	(void)state;
	/* the addressee's home page: one unread document and its open task */
	hc_resp_t r = req(&pgd, "GET", "/", NULL, 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(body_of(&r), "2 văn bản chưa xem"));
	assert_non_null(strstr(body_of(&r), "Tổng hợp báo cáo kết quả của các trường học."));
	hc_resp_free(&r);
	r = req(&pgd, "GET", "/units/GL-PGDDT/docs", NULL, 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(body_of(&r), "Ngày hội học tập Gia Lâm"));
	assert_non_null(strstr(body_of(&r), "class=\"unread\""));
	hc_resp_free(&r);
	/* opening it records the receipt; the issuer sees who read it */
	r = get_page(&pgd, "/units/GL-PGDDT/docs/%lld", (long long)doc1);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(body_of(&r), "Tạo kế hoạch của đơn vị từ văn bản này"));
	hc_resp_free(&r);
	r = get_page(&head, "/units/018/docs/%lld", (long long)doc1);
	assert_non_null(strstr(body_of(&r), "đã xem 1/"));
	assert_non_null(strstr(body_of(&r), "Phòng Giáo dục và Đào tạo huyện Gia Lâm <span "
	                                    "class=\"kind\">đã xem"));
	hc_resp_free(&r);
	/* the upper level browsing a commune's inbox is not the commune reading it */
	json_t *j = get_json(&admin, "/api/v1/units/018/docs");
	assert_true(json_array_size(json_object_get(j, "issued")) >= 2);
	json_decref(j);
	j = get_json(&admin, "/api/v1/units?parent=018");
	const char *code = NULL;
	size_t k;
	json_t *u;
	json_array_foreach(json_object_get(j, "units"), k, u)
	{
		if (!code && !strcmp(json_string_value(json_object_get(u, "kind")), "xa"))
			code = json_string_value(json_object_get(u, "code"));
	}
	assert_non_null(code);
	r = get_page(&head, "/units/%s/docs/%lld", code, (long long)doc2);
	json_decref(j);
	assert_int_equal(r.status, 200);
	hc_resp_free(&r);
	r = get_page(&head, "/units/018/docs/%lld", (long long)doc2);
	assert_non_null(strstr(body_of(&r), "đã xem 0/"));
	hc_resp_free(&r);
	/* a body it is not addressed to: 404, even for its own people */
	r = get_page(&vh, "/units/GL-PVHTT/docs/%lld", (long long)doc1);
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
	r = get_page(&vh, "/units/GL-PVHTT/docs/%lld/pdf", (long long)doc1);
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
	/* nor through an addressee when it is another unit's draft */
	int64_t draft = create_plan("Bản nháp chưa gửi");
	r = get_page(&pgd, "/units/GL-PGDDT/docs/%lld", (long long)draft);
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
	/* nor written to by a unit that did not issue it */
	buf_t b = BUF_INIT;
	add(&b, "csrf", pgd.csrf);
	add(&b, "public", "1");
	char path[200];
	snprintf(path, sizeof path, "/units/GL-PGDDT/docs/%lld/public", (long long)doc1);
	r = req(&pgd, "POST", path, buf_cstr(&b), 0);
	buf_free(&b);
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
}

static void
test_tasks(void **state)
{
	(void)state;
	/* the duty due 10/10/2022 is late on the issuer's board; the one due in 2099 is not */
	hc_resp_t r = get_page(&head, "/units/018/docs/%lld", (long long)doc1);
	assert_non_null(strstr(body_of(&r), "<span class=\"st late\">Quá hạn</span> Phòng Giáo "
	                                    "dục và Đào tạo huyện Gia Lâm"));
	assert_non_null(strstr(body_of(&r), "<span class=\"st open\">Chưa xong</span> Hội Khuyến "
	                                    "học huyện Gia Lâm"));
	hc_resp_free(&r);
	r = req(&pgd, "GET", "/units/GL-PGDDT/tasks", NULL, 0);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(body_of(&r), "Tổng hợp báo cáo kết quả của các trường học."));
	assert_non_null(strstr(body_of(&r), "Quá hạn"));
	hc_resp_free(&r);
	json_t *j = get_json(&pgd, "/api/v1/units/GL-PGDDT/tasks");
	json_t *tasks = json_object_get(j, "tasks");
	assert_int_equal(json_array_size(tasks), 2); /* one duty in each of the two plans */
	int64_t tk = 0;
	size_t k;
	json_t *t;
	json_array_foreach(tasks, k, t) if (json_integer_value(json_object_get(
	                                            json_object_get(t, "doc"), "id")) == doc1) tk =
	        json_integer_value(json_object_get(t, "id"));
	json_decref(j);
	assert_true(tk > 0);
	/* another unit cannot mark it */
	char path[200];
	buf_t b = BUF_INIT;
	add(&b, "csrf", vh.csrf);
	add(&b, "done", "1");
	snprintf(path, sizeof path, "/units/GL-PVHTT/tasks/%lld", (long long)tk);
	r = req(&vh, "POST", path, buf_cstr(&b), 0);
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
	buf_free(&b);
	add(&b, "csrf", pgd.csrf);
	add(&b, "done", "1");
	add(&b, "note", "Đã gửi báo cáo tổng hợp");
	snprintf(path, sizeof path, "/units/GL-PGDDT/tasks/%lld", (long long)tk);
	r = req(&pgd, "POST", path, buf_cstr(&b), 0);
	buf_free(&b);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	r = get_page(&head, "/units/018/docs/%lld", (long long)doc1);
	assert_non_null(strstr(body_of(&r), "<span class=\"st done\">Đã xong</span> Phòng Giáo "
	                                    "dục và Đào tạo huyện Gia Lâm"));
	assert_non_null(strstr(body_of(&r), "Đã gửi báo cáo tổng hợp"));
	hc_resp_free(&r);
	/* and the district's list counts it */
	r = req(&head, "GET", "/units/018/docs", NULL, 0);
	assert_non_null(strstr(body_of(&r), "nhiệm vụ 1/2 xong"));
	hc_resp_free(&r);
}

static int64_t
find_issued(const char *unit, const char *number)
{
	char p[200];
	snprintf(p, sizeof p, "/api/v1/units/%s/docs", unit);
	json_t *j = get_json(&admin, p);
	int64_t id = 0;
	size_t k;
	json_t *d;
	json_array_foreach(json_object_get(j, "issued"), k,
	                   d) if (!strcmp(json_string_value(json_object_get(d, "number")), number))
	        id = json_integer_value(json_object_get(d, "id"));
	json_decref(j);
	return id;
}

static void
test_derive_from_district(void **state)
{
	(void)state;
	int64_t cv = find_issued("315", "2945/UBND-GDĐT");
	assert_true(cv > 0);
	hc_resp_t r = get_page(&town, "/units/11755/docs/new?from=%lld", (long long)cv);
	assert_int_equal(r.status, 200);
	const char *want = "Công văn số 2945/UBND-GDĐT ngày 26/9/2022";
	const char *at = strstr(body_of(&r), "name=\"basis_text_0\" type=\"text\" value=\"");
	assert_non_null(at);
	at += strlen("name=\"basis_text_0\" type=\"text\" value=\"");
	char basis[1000];
	snprintf(basis, sizeof basis, "%.*s", (int)strcspn(at, "\""), at);
	assert_non_null(strstr(basis, want));
	assert_non_null(strstr(body_of(&r), "THỊ TRẤN TIÊN LÃNG"));
	hc_resp_free(&r);
	/* the town's own plan, sent with that basis */
	buf_t b = BUF_INIT;
	char id[32];
	snprintf(id, sizeof id, "%lld", (long long)cv);
	add(&b, "csrf", town.csrf);
	add(&b, "from", id);
	add(&b, "kind", "kh");
	add(&b, "subject", "Tổ chức Tuần lễ hưởng ứng học tập suốt đời năm 2022");
	add(&b, "body", "ỦY BAN NHÂN DÂN\nTHỊ TRẤN TIÊN LÃNG");
	add(&b, "body_abbr", "UBND");
	add(&b, "place", "Tiên Lãng");
	add(&b, "basis_text_0", basis);
	add(&b, "basis_doc_0", id);
	add(&b, "signer_position", "CHỦ TỊCH");
	char page[200];
	snprintf(page, sizeof page, "/units/11755/docs/new?from=%s", id);
	r = post_page(&town, page, "/units/11755/docs", buf_cstr(&b));
	buf_free(&b);
	if (r.status != 303)
		fail_msg("derive: %ld %s", r.status, body_of(&r));
	int64_t mine = location_id(&r);
	hc_resp_free(&r);
	char p[200];
	snprintf(p, sizeof p, "/api/v1/units/11755/docs/%lld", (long long)mine);
	json_t *j = get_json(&town, p);
	assert_int_equal(json_integer_value(json_object_get(j, "derived_from")), cv);
	json_t *b0 = json_array_get(json_object_get(json_object_get(j, "document"), "bases"), 0);
	assert_non_null(strstr(json_string_value(json_object_get(b0, "text")), want));
	assert_int_equal(json_integer_value(json_object_get(b0, "doc")), cv);
	json_decref(j);
	/* the district sees the plans made from its công văn */
	ha_client_t tl;
	ha_user(&app, "lanhdao.tienlang", "315", ROLE_HEAD, PASSWORD);
	assert_int_equal(ha_login(port, &tl, "lanhdao.tienlang", PASSWORD), 303);
	r = get_page(&tl, "/units/315/docs/%lld", (long long)cv);
	assert_non_null(strstr(body_of(&r), "Kế hoạch của cấp dưới xây dựng từ văn bản này"));
	assert_non_null(strstr(body_of(&r), "Thị trấn Tiên Lãng"));
	hc_resp_free(&r);
	/* a unit outside the district cannot derive from it */
	r = get_page(&head, "/units/018/docs/new?from=%lld", (long long)cv);
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
}

static void
test_public_documents(void **state)
{
	(void)state;
	int64_t cv = find_issued("315", "2945/UBND-GDĐT");
	hc_resp_t r = get_page(NULL, "/van-ban/%lld", (long long)cv);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(body_of(&r), "Số: 2945/UBND-GDĐT"));
	assert_non_null(strstr(body_of(&r), "Nguyễn Ngọc Huy"));
	hc_resp_free(&r);
	r = get_page(NULL, "/units/315");
	assert_non_null(strstr(body_of(&r), "Văn bản công khai"));
	hc_resp_free(&r);
	/* Gia Lâm's plan is not public until its issuer says so */
	r = get_page(NULL, "/van-ban/%lld", (long long)doc1);
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
	r = get_page(NULL, "/van-ban/%lld/pdf", (long long)doc1);
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
	buf_t b = BUF_INIT;
	add(&b, "csrf", head.csrf);
	add(&b, "public", "1");
	char path[200];
	snprintf(path, sizeof path, "/units/018/docs/%lld/public", (long long)doc1);
	r = req(&head, "POST", path, buf_cstr(&b), 0);
	buf_free(&b);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	r = get_page(NULL, "/van-ban/%lld", (long long)doc1);
	assert_int_equal(r.status, 200);
	hc_resp_free(&r);
	r = get_page(NULL, "/van-ban/%lld/docx", (long long)doc1);
	assert_int_equal(r.status, 200);
	assert_memory_equal(r.body.data, "PK", 2);
	hc_resp_free(&r);
	/* a draft never is, even marked public */
	int64_t d = create_plan("Bản nháp công khai");
	snprintf(path, sizeof path, "/units/018/docs/%lld/public", (long long)d);
	b = (buf_t)BUF_INIT;
	add(&b, "csrf", head.csrf);
	add(&b, "public", "1");
	r = req(&head, "POST", path, buf_cstr(&b), 0);
	buf_free(&b);
	hc_resp_free(&r);
	r = get_page(NULL, "/van-ban/%lld", (long long)d);
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
}

static void
test_version_conflict(void **state)
{
	(void)state;
	int64_t id = create_plan("Bản nháp hai người cùng sửa");
	int64_t v = version_of("018", id);
	char extra[64], path[200];
	snprintf(extra, sizeof extra, "version=%lld", (long long)v);
	snprintf(path, sizeof path, "/units/018/docs/%lld", (long long)id);
	char *body = plan_form(&head, "Người thứ nhất lưu", NULL, NULL, extra);
	hc_resp_t r = post_page(&head, path, path, body);
	free(body);
	assert_int_equal(r.status, 303);
	hc_resp_free(&r);
	body = plan_form(&head, "Người thứ hai lưu đè", NULL, NULL, extra);
	r = post_page(&head, path, path, body);
	free(body);
	assert_int_equal(r.status, 409);
	assert_non_null(strstr(body_of(&r), "vừa được người khác sửa"));
	/* the second person's text is kept in the form */
	assert_non_null(strstr(body_of(&r), "Người thứ hai lưu đè"));
	hc_resp_free(&r);
	json_t *j = get_json(&admin, "/api/v1/units/018/docs");
	int found = 0;
	size_t k;
	json_t *d;
	json_array_foreach(json_object_get(j, "issued"), k, d) found |=
	        json_integer_value(json_object_get(d, "id")) == id &&
	        !strcmp(json_string_value(json_object_get(d, "subject")), "Người thứ nhất lưu");
	json_decref(j);
	assert_true(found);
}

static void
test_json_api(void **state)
{
	(void)state;
	const char *good =
	        "{\"public\": false, \"document\": {\"kind\": \"cv\", \"body\": \"ỦY BAN NHÂN "
	        "DÂN\\nHUYỆN GIA LÂM\", \"body_abbr\": \"UBND\", \"drafter_abbr\": \"GDĐT\", "
	        "\"place\": \"Gia Lâm\", \"subject\": \"Gửi qua API\", \"recipients\": [{\"text\": "
	        "\"Phòng Giáo dục và Đào tạo.\", \"units\": [\"GL-PGDDT\"], \"kinds\": []}], "
	        "\"signer\": {\"position\": \"CHỦ TỊCH\", \"name\": \"Nguyễn Văn Thử\"}}}";
	hc_resp_t r = req(&head, "POST", "/api/v1/units/018/docs", good, 1);
	if (r.status != 201)
		fail_msg("API create: %ld %s", r.status, body_of(&r));
	json_t *j = json_loads(body_of(&r), 0, NULL);
	int64_t id = json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	hc_resp_free(&r);
	assert_true(id > 0);
	/* a field the format does not have, a campaign not covering the unit */
	const char *bad = "{\"document\": {\"kind\": \"cv\", \"extra\": 1}, \"campaign\": 999}";
	size_t before = issued_count("018");
	r = req(&head, "POST", "/api/v1/units/018/docs", bad, 1);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(body_of(&r), "document.extra"));
	assert_non_null(strstr(body_of(&r), "\"campaign\""));
	hc_resp_free(&r);
	/* well-formed but not valid: every field's error */
	bad = "{\"document\": {\"kind\": \"cv\", \"subject\": \"\", \"signer\": "
	      "{\"authority\": \"XYZ\"}, \"recipients\": [{\"text\": \"X\", "
	      "\"units\": [\"KHONG-CO\"]}]}}";
	r = req(&head, "POST", "/api/v1/units/018/docs", bad, 1);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(body_of(&r), "document.subject"));
	assert_non_null(strstr(body_of(&r), "document.signer.authority"));
	hc_resp_free(&r);
	r = req(&head, "POST", "/api/v1/units/018/docs",
	        "{\"document\": {\"kind\": \"cv\", \"body\": \"UBND\", \"body_abbr\": "
	        "\"UBND\", \"drafter_abbr\": \"VP\", \"place\": \"Gia Lâm\", \"subject\": "
	        "\"Thử\", \"recipients\": [{\"text\": \"X\", \"units\": [\"KHONG-CO\"]}], "
	        "\"signer\": {\"position\": \"CHỦ TỊCH\"}}}",
	        1);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(body_of(&r), "recipients[0].units"));
	hc_resp_free(&r);
	assert_int_equal(issued_count("018"), before);
	char p[200];
	snprintf(p, sizeof p, "/api/v1/units/018/docs/%lld", (long long)doc1);
	j = get_json(&head, p);
	assert_string_equal(json_string_value(json_object_get(j, "number")), "01/KH-UBND");
	assert_true(json_array_size(json_object_get(j, "tasks")) == 2);
	assert_non_null(json_object_get(json_object_get(j, "receipts"), "read"));
	json_decref(j);
}

static void
test_demo_documents(void **state)
{
	(void)state;
	int64_t cv747 = find_issued("DT-PGDDT", "747/CV-PGDĐT-GDTX");
	int64_t kh = find_issued("05812", "15/KH-UBND");
	assert_true(cv747 > 0 && kh > 0);
	char p[200];
	snprintf(p, sizeof p, "/api/v1/units/05812/docs/%lld", (long long)kh);
	json_t *j = get_json(&admin, p);
	assert_int_equal(json_integer_value(json_object_get(j, "derived_from")), cv747);
	const char *basis = json_string_value(json_object_get(
	        json_array_get(json_object_get(json_object_get(j, "document"), "bases"), 0),
	        "text"));
	assert_string_equal(basis, "Thực hiện Công văn số 747/CV-PGDĐT-GDTX ngày 03/10/2022 của "
	                           "Phòng Giáo dục và Đào tạo huyện Đại Từ về việc tổ chức Tuần lễ "
	                           "hưởng ứng học tập suốt đời năm 2022;");
	assert_string_equal(json_string_value(json_object_get(j, "date")), "05/10/2022");
	json_decref(j);
	/* Hải An: the plan is published with the results form, the báo cáo is a draft whose
	 * PDF carries the compiled form */
	j = get_json(&admin, "/api/v1/units/306/docs");
	int64_t bc = 0;
	size_t k;
	json_t *d;
	json_array_foreach(json_object_get(j, "issued"), k,
	                   d) if (!strcmp(json_string_value(json_object_get(d, "kind")), "bc")) bc =
	        json_integer_value(json_object_get(d, "id"));
	json_decref(j);
	assert_true(bc > 0);
	hc_resp_t r = get_page(&admin, "/units/306/docs/%lld/pdf", (long long)bc);
	assert_int_equal(r.status, 200);
	char pdf[300], cmd[400];
	snprintf(pdf, sizeof pdf, "%s/bc.pdf", tmpdir);
	FILE *f = fopen(pdf, "wb");
	fwrite(r.body.data, 1, r.body.len, f);
	fclose(f);
	hc_resp_free(&r);
	snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 %s -", pdf);
	FILE *pp = popen(cmd, "r");
	buf_t text = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, pp)) > 0)
		buf_append(&text, chunk, n);
	pclose(pp);
	if (!strstr(buf_cstr(&text), "Nội dung hoạt động") || !strstr(buf_cstr(&text), "BÁO CÁO"))
		fail_msg("báo cáo PDF:\n%s", buf_cstr(&text));
	buf_free(&text);
	/* Hà Thượng's schools have its duties */
	r = req(&admin, "GET", "/units/HT-TH/tasks", NULL, 0);
	assert_non_null(strstr(body_of(&r), "Tham mưu báo cáo tổng kết Tuần lễ"));
	hc_resp_free(&r);
}

/* Dates typed on a phone (issue 17): the form's and the publication's dates take 9.10.2022,
 * 09102022 and the date picker's 2022-10-11, stored as those days; 31/04 is refused naming
 * the field, nothing stored. */
static void
test_forgiving_dates(void **state)
{
	(void)state;
	char *body = plan_form(&head, "Kế hoạch gõ ngày bằng dấu chấm", "date", "9.10.2022", NULL);
	hc_resp_t r = post_page(&head, "/units/018/docs/new", "/units/018/docs", body);
	free(body);
	if (r.status != 303)
		fail_msg("create: %ld %s", r.status, body_of(&r));
	int64_t id = location_id(&r);
	hc_resp_free(&r);
	char p[200];
	snprintf(p, sizeof p, "/api/v1/units/018/docs/%lld", (long long)id);
	json_t *j = get_json(&admin, p);
	assert_string_equal(json_string_value(json_object_get(j, "date")), "09/10/2022");
	json_decref(j);
	/* published with the date picker's form */
	publish(id, "date=2022-10-11", 303, NULL);
	j = get_json(&admin, p);
	assert_string_equal(json_string_value(json_object_get(j, "date")), "11/10/2022");
	json_decref(j);
	/* a day not on the calendar, in any form: 422 naming the field, nothing stored */
	size_t before = issued_count("018");
	static const char *const bad[] = {"31/04/2022", "31042022", "2022-04-31"};
	for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
		body = plan_form(&head, "Kế hoạch ngày sai", "date", bad[k], NULL);
		r = post_page(&head, "/units/018/docs/new", "/units/018/docs", body);
		free(body);
		assert_int_equal(r.status, 422);
		assert_non_null(strstr(body_of(&r), "Ngày ban hành"));
		assert_non_null(strstr(body_of(&r), "09102022"));
		assert_non_null(strstr(body_of(&r), "Chưa có gì được lưu"));
		hc_resp_free(&r);
	}
	assert_int_equal(issued_count("018"), before);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_form_and_bad_input),
	        cmocka_unit_test(test_create_publish_number),
	        cmocka_unit_test(test_pdf_and_docx),
	        cmocka_unit_test(test_inbox_receipts_and_binding),
	        cmocka_unit_test(test_tasks),
	        cmocka_unit_test(test_derive_from_district),
	        cmocka_unit_test(test_public_documents),
	        cmocka_unit_test(test_version_conflict),
	        cmocka_unit_test(test_json_api),
	        cmocka_unit_test(test_demo_documents),
	        cmocka_unit_test(test_forgiving_dates),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
