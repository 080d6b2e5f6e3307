/* Citations and duties of the demo documents over real HTTP: every citation of a document
 * by number -- on the pages, in the PDF text (pdftotext), the PDF title (pdfinfo), the DOCX
 * body and its core properties -- prints Decree 30's zero-padded number (the Hải An plan is
 * numbered below 10, so "01/KH-UBND", never "1/KH-UBND"); the báo cáo's legal basis cites
 * the plan with number, date and issuer; seed 003's "Tổ chức thực hiện" prints as its four
 * numbered bold bodies with their tasks in the PDF and the DOCX; the DOCX header table
 * starts at the left margin (>= 30 mm from the edge). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "app/app.h"
#include "domain/demo.h"
#include "domain/demo_docs.h"
#include "helper_app.h"

#define PASSWORD "Trich-dan-kiem-tra-22"

static char tmpdir[] = "/tmp/suotdoi-cite-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t campaign;
/* head: Hải An's district head (drafts); pgd: its Phòng GD&ĐT (has duties of the plan) */
static ha_client_t admin, head, pgd;

/* The demo's issuers. */
static const char *const issuers[] = {"315", "DT-PGDDT", "05812", "306"};

static const char *
body_of(hc_resp_t *r)
{
	return buf_cstr(&r->body);
}

static hc_resp_t
get(const char *path)
{
	hc_resp_t r = ha_req(port, &admin, "GET", path, NULL, 0);
	if (r.status != 200)
		fail_msg("GET %s: %ld %s", path, r.status, body_of(&r));
	return r;
}

static json_t *
get_json(const char *path)
{
	hc_resp_t r = get(path);
	json_error_t e;
	json_t *j = json_loads(body_of(&r), 0, &e);
	hc_resp_free(&r);
	assert_non_null(j);
	return j;
}

/* Whitespace runs (line breaks, justification, form feeds) as one space. */
static void
squeeze(buf_t *b)
{
	size_t w = 0;
	int sp = 0;
	for (size_t i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->data[i];
		if (isspace(c)) {
			sp = 1;
			continue;
		}
		if (sp && w)
			b->data[w++] = ' ';
		sp = 0;
		b->data[w++] = (char)c;
	}
	b->len = w;
	buf_cstr(b);
}

/* The output of cmd (exit status 0). */
static void
run(const char *cmd, buf_t *out)
{
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		buf_append(out, chunk, n);
	if (pclose(p) != 0)
		fail_msg("%s failed", cmd);
	buf_cstr(out);
}

/* The PDF of path: its text (pdftotext, whitespace squeezed) and its Title (pdfinfo). */
static void
pdf_of(const char *path, buf_t *text, buf_t *title)
{
	hc_resp_t r = get(path);
	assert_memory_equal(r.body.data, "%PDF", 4);
	char file[300], cmd[400];
	snprintf(file, sizeof file, "%s/f.pdf", tmpdir);
	FILE *f = fopen(file, "wb");
	assert_non_null(f);
	fwrite(r.body.data, 1, r.body.len, f);
	fclose(f);
	hc_resp_free(&r);
	snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 %s -", file);
	run(cmd, text);
	squeeze(text);
	buf_t info = BUF_INIT;
	snprintf(cmd, sizeof cmd, "pdfinfo -enc UTF-8 %s", file);
	run(cmd, &info);
	const char *t = strstr(buf_cstr(&info), "Title:");
	assert_non_null(t);
	t += strlen("Title:");
	while (*t == ' ')
		t++;
	buf_append(title, t, strcspn(t, "\n"));
	buf_cstr(title);
	buf_free(&info);
}

/* Part name of the DOCX at path. */
static void
docx_of(const char *path, const char *part, buf_t *out)
{
	hc_resp_t r = get(path);
	assert_memory_equal(r.body.data, "PK", 2);
	zip_error_t ze;
	zip_source_t *src = zip_source_buffer_create(r.body.data, r.body.len, 0, &ze);
	zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &ze);
	assert_non_null(z);
	zip_file_t *zf = zip_fopen(z, part, 0);
	assert_non_null(zf);
	char chunk[4096];
	zip_int64_t got;
	while ((got = zip_fread(zf, chunk, sizeof chunk)) > 0)
		buf_append(out, chunk, (size_t)got);
	zip_fclose(zf);
	zip_close(z);
	hc_resp_free(&r);
	buf_cstr(out);
}

/* The first citation by number without Decree 30's padding ("1/KH-UBND", "số 5/"): a
 * single digit, not part of a longer number or a date, followed by "/" and a symbol's
 * capital letter (ASCII or Đ). NULL when none. */
static const char *
unpadded(const char *s)
{
	for (const char *p = s; *p; p++) {
		if (!isdigit((unsigned char)p[0]) || p[1] != '/')
			continue;
		if (p > s && (isdigit((unsigned char)p[-1]) || p[-1] == '/' || p[-1] == '.'))
			continue;
		const unsigned char *q = (const unsigned char *)p + 2;
		if ((*q >= 'A' && *q <= 'Z') || (q[0] == 0xC4 && q[1] == 0x90))
			return p;
	}
	return NULL;
}

static void
no_unpadded(const char *what, const char *text)
{
	const char *u = unpadded(text);
	if (u) {
		const char *from = u - text > 80 ? u - 80 : text;
		fail_msg("%s: a citation without its leading zero: …%.160s…", what, from);
	}
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
	ha_user(&app, "quantri.vn", "VN", ROLE_ADMIN, PASSWORD);
	ha_user(&app, "lanhdao.haian.cite", "306", ROLE_HEAD, PASSWORD);
	ha_user(&app, "pgd.haian.cite", "HA-PGDDT", ROLE_HEAD, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &admin, "quantri.vn", PASSWORD) != 303 ||
	    ha_login(port, &head, "lanhdao.haian.cite", PASSWORD) != 303 ||
	    ha_login(port, &pgd, "pgd.haian.cite", PASSWORD) != 303)
		return -1;
	xmlInitParser();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	http_server_stop(srv);
	app_close(&app);
	curl_global_cleanup();
	xmlCleanupParser();
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* The Hải An plan and báo cáo: ids and the plan's number. */
static void
hai_an(int64_t *plan, int *number, int64_t *bc)
{
	json_t *j = get_json("/api/v1/units/306/docs");
	size_t k;
	json_t *d;
	*plan = *bc = 0;
	json_array_foreach(json_object_get(j, "issued"), k, d)
	{
		const char *kind = json_string_value(json_object_get(d, "kind"));
		int64_t id = json_integer_value(json_object_get(d, "id"));
		if (!strcmp(kind, "kh")) {
			*plan = id;
			*number = atoi(json_string_value(json_object_get(d, "number")));
		} else if (!strcmp(kind, "bc"))
			*bc = id;
	}
	json_decref(j);
	assert_true(*plan > 0 && *bc > 0);
}

/* ---- tests ---- */

/* Every document of the demo, every place it is cited: padded numbers only. */
static void
test_every_citation_padded(void **state)
{
	(void)state;
	int64_t plan, bc;
	int number;
	hai_an(&plan, &number, &bc);
	/* the plan is numbered below 10: the padding is exercised */
	assert_true(number >= 1 && number <= 9);
	char padded[64], path[300];
	snprintf(padded, sizeof padded, "%02d/KH-UBND", number);

	size_t ndocs = 0;
	for (size_t u = 0; u < sizeof issuers / sizeof *issuers; u++) {
		snprintf(path, sizeof path, "/units/%s/docs", issuers[u]);
		hc_resp_t r = get(path);
		no_unpadded(path, body_of(&r));
		if (!strcmp(issuers[u], "306") && !strstr(body_of(&r), padded))
			fail_msg("%s lists no %s", path, padded);
		hc_resp_free(&r);
		snprintf(path, sizeof path, "/api/v1/units/%s/docs", issuers[u]);
		json_t *j = get_json(path);
		size_t k;
		json_t *d;
		json_array_foreach(json_object_get(j, "issued"), k, d)
		{
			long long id = (long long)json_integer_value(json_object_get(d, "id"));
			no_unpadded(path, json_string_value(json_object_get(d, "number")));
			buf_t text = BUF_INIT, title = BUF_INIT, xml = BUF_INIT, core = BUF_INIT;
			snprintf(path, sizeof path, "/units/%s/docs/%lld", issuers[u], id);
			r = get(path);
			no_unpadded(path, body_of(&r));
			hc_resp_free(&r);
			snprintf(path, sizeof path, "/units/%s/docs/%lld/pdf", issuers[u], id);
			pdf_of(path, &text, &title);
			no_unpadded(path, buf_cstr(&text));
			no_unpadded("PDF Title", buf_cstr(&title));
			snprintf(path, sizeof path, "/units/%s/docs/%lld/docx", issuers[u], id);
			docx_of(path, "word/document.xml", &xml);
			docx_of(path, "docProps/core.xml", &core);
			no_unpadded(path, buf_cstr(&xml));
			no_unpadded("DOCX core properties", buf_cstr(&core));

			if (id == plan) {
				char want[200];
				snprintf(want, sizeof want, "Số: %s", padded);
				assert_non_null(strstr(buf_cstr(&text), want));
				snprintf(want, sizeof want, "Kế hoạch %s: Tổ chức", padded);
				if (strncmp(buf_cstr(&title), want, strlen(want)))
					fail_msg("PDF Title: %s", buf_cstr(&title));
				snprintf(want, sizeof want, "<dc:title>Kế hoạch %s: Tổ chức",
				         padded);
				assert_non_null(strstr(buf_cstr(&core), want));
			}
			if (id == bc) {
				/* its legal basis: the plan by number, date and issuer */
				char want[300];
				snprintf(want, sizeof want,
				         "Thực hiện Kế hoạch số %s ngày 28/9/2022 của Ủy ban nhân "
				         "dân "
				         "quận Hải An về việc tổ chức",
				         padded);
				if (!strstr(buf_cstr(&text), want))
					fail_msg("báo cáo PDF lacks \"%s\":\n%s", want,
					         buf_cstr(&text));
				assert_non_null(strstr(buf_cstr(&xml), want));
				snprintf(path, sizeof path, "/units/306/docs/%lld", id);
				r = get(path);
				assert_non_null(strstr(body_of(&r), want));
				hc_resp_free(&r);
			}
			buf_free(&text);
			buf_free(&title);
			buf_free(&xml);
			buf_free(&core);
			ndocs++;
		}
		json_decref(j);
	}
	assert_true(ndocs >= 5);

	/* the notice of the plan's duty to the Phòng GD&ĐT cites it in full */
	hc_resp_t r = ha_req(port, &pgd, "GET", "/api/v1/notices", NULL, 0);
	assert_int_equal(r.status, 200);
	char want[300];
	snprintf(want, sizeof want,
	         "Theo Kế hoạch số %s ngày 28/9/2022 của Ủy ban nhân dân quận Hải An: Tổ chức",
	         padded);
	if (!strstr(body_of(&r), want))
		fail_msg("notices lack \"%s\":\n%s", want, body_of(&r));
	no_unpadded("notices", body_of(&r));
	hc_resp_free(&r);
	/* and its list of tasks names the plan the same way */
	r = ha_req(port, &pgd, "GET", "/units/HA-PGDDT/tasks", NULL, 0);
	assert_int_equal(r.status, 200);
	snprintf(want, sizeof want, "Kế hoạch số %s</a> của Ủy ban nhân dân quận Hải An", padded);
	if (!strstr(body_of(&r), want))
		fail_msg("tasks lack \"%s\":\n%s", want, body_of(&r));
	no_unpadded("tasks", body_of(&r));
	hc_resp_free(&r);
}

/* XPath over word/document.xml. */
static char *
xpath(xmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr c = xmlXPathNewContext(doc);
	xmlXPathRegisterNs(c, BAD_CAST "w",
	                   BAD_CAST "http://schemas.openxmlformats.org/wordprocessingml/2006/main");
	xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, c);
	assert_non_null(o);
	xmlChar *s = xmlXPathCastToString(o);
	char *r = strdup((const char *)s);
	xmlFree(s);
	xmlXPathFreeObject(o);
	xmlXPathFreeContext(c);
	return r;
}

static void
assert_xpath(xmlDocPtr doc, const char *expr, const char *want)
{
	char *got = xpath(doc, expr);
	if (strcmp(got, want))
		fail_msg("%s: %s, want %s", expr, got, want);
	free(got);
}

/* Seed 003's "III. TỔ CHỨC THỰC HIỆN": four numbered bodies, their tasks under them. */
static const struct {
	const char *head;
	int ntasks; /* "- " items; 0: one plain paragraph */
	const char *starts[5];
} bodies[] = {
        {"1. Phòng Giáo dục và Đào tạo quận",
         5,
         {"- Hướng dẫn, đôn đốc, kiểm tra", "- Chỉ đạo các cơ sở giáo dục trong quận",
          "- Chỉ đạo các cơ sở giáo dục trên địa bàn", "- Phối hợp với Trung tâm Giáo dục",
          "- Phối hợp với Hội Khuyến học quận"}},
        {"2. Trung tâm Văn hóa thông tin và Thể thao quận", 0, {"Phối hợp với Phòng GD&ĐT"}},
        {"3. Ủy ban nhân dân các phường",
         3,
         {"- Chủ động xây dựng kế hoạch", "- Tổ chức các hoạt động tuyên truyền",
          "- Chỉ đạo Trung tâm học tập cộng đồng"}},
        {"4. Các cơ sở giáo dục trong quận",
         2,
         {"- Tổ chức các hoạt động tuyên truyền", "- Các cơ sở giáo dục triển khai"}},
};

static void
test_duties_as_numbered_bodies(void **state)
{
	(void)state;
	int64_t plan, bc;
	int number;
	hai_an(&plan, &number, &bc);
	char path[200];

	/* PDF: the headings and the starts of their tasks in order, after the section */
	buf_t text = BUF_INIT, title = BUF_INIT;
	snprintf(path, sizeof path, "/units/306/docs/%lld/pdf", (long long)plan);
	pdf_of(path, &text, &title);
	const char *t = buf_cstr(&text);
	const char *at = strstr(t, "III. TỔ CHỨC THỰC HIỆN");
	if (!at)
		fail_msg("plan PDF:\n%s", t);
	for (size_t k = 0; k < 4; k++) {
		const char *h = strstr(at, bodies[k].head);
		if (!h)
			fail_msg("plan PDF: no \"%s\" after %.80s", bodies[k].head, at);
		at = h + strlen(bodies[k].head);
		int n = bodies[k].ntasks ? bodies[k].ntasks : 1;
		for (int i = 0; i < n; i++) {
			const char *s = strstr(at, bodies[k].starts[i]);
			if (!s || (k + 1 < 4 && s > strstr(at, bodies[k + 1].head)))
				fail_msg("plan PDF: \"%s\" not under \"%s\"", bodies[k].starts[i],
				         bodies[k].head);
			if (!bodies[k].ntasks)
				assert_true(s - 2 >= t && strncmp(s - 2, "- ", 2) != 0);
			at = s + strlen(bodies[k].starts[i]);
		}
	}
	assert_non_null(strstr(at, "Kết thúc Tuần lễ yêu cầu các đơn vị"));
	/* the flattened "- Body: task" form is gone */
	assert_null(strstr(t, "Phòng Giáo dục và Đào tạo quận: "));
	buf_free(&text);
	buf_free(&title);

	/* DOCX: each body a bold H2 heading; the paragraphs up to the next heading its tasks */
	buf_t xml = BUF_INIT;
	snprintf(path, sizeof path, "/units/306/docs/%lld/docx", (long long)plan);
	docx_of(path, "word/document.xml", &xml);
	xmlDocPtr doc =
	        xmlReadMemory(xml.data, (int)xml.len, "document.xml", NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	char expr[700];
	for (size_t k = 0; k < 4; k++) {
		snprintf(expr, sizeof expr,
		         "count(//w:body/w:p[w:pPr/w:pStyle/@w:val=\"H2\"][w:r/w:rPr/w:b]"
		         "[string(.)=\"%s\"])",
		         bodies[k].head);
		assert_xpath(doc, expr, "1");
		/* paragraphs whose nearest heading is this body, and which are "- " items */
		const char *under = "//w:body/w:p[preceding-sibling::w:p[w:pPr/w:pStyle/@w:val="
		                    "\"H2\" or w:pPr/w:pStyle/@w:val=\"H1\"][1][string(.)=\"%s\"]]";
		char sel[400];
		snprintf(sel, sizeof sel, under, bodies[k].head);
		char want[16];
		snprintf(expr, sizeof expr, "count(%s[starts-with(string(.),\"- \")])", sel);
		snprintf(want, sizeof want, "%d", bodies[k].ntasks);
		assert_xpath(doc, expr, want);
		snprintf(expr, sizeof expr, "string(%s[1])", sel);
		char *first = xpath(doc, expr);
		if (strncmp(first, bodies[k].starts[0], strlen(bodies[k].starts[0])))
			fail_msg("under \"%s\": %s", bodies[k].head, first);
		free(first);
	}
	/* the header table starts at the left margin: page margin + table indent + cell margin
	 * >= 1701 twips (30 mm), where it sat 397 twips (7 mm) into the margin */
	assert_xpath(doc,
	             "string(//w:sectPr/w:pgMar/@w:left + //w:body/w:tbl[1]/w:tblPr/w:tblInd/@w:w"
	             " + sum(//w:body/w:tbl[1]/w:tblPr/w:tblCellMar/w:left/@w:w) >= 1701)",
	             "true");
	assert_xpath(doc, "string(//w:body/w:tbl[1]/w:tblPr/w:tblInd/@w:w >= 0)", "true");
	xmlFreeDoc(doc);
	buf_free(&xml);

	/* the page's sheet shows the same headings */
	snprintf(path, sizeof path, "/units/306/docs/%lld", (long long)plan);
	hc_resp_t r = get(path);
	for (size_t k = 0; k < 4; k++)
		assert_non_null(strstr(body_of(&r), bodies[k].head));
	hc_resp_free(&r);
}

static void
add(buf_t *b, const char *name, const char *value)
{
	CURL *c = curl_easy_init();
	char *v = curl_easy_escape(c, value, 0);
	buf_printf(b, "%s%s=%s", b->len ? "&" : "", name, v);
	curl_free(v);
	curl_easy_cleanup(c);
}

/* The editor without JavaScript: duties entered as one card per body, tasks one per line;
 * a second card for the same body prints under the first's heading; the form shows each
 * card with the number its heading prints with, the page's sheet prints the grouping. */
static void
test_duty_form_grouped(void **state)
{
	(void)state;
	static const char *const fields[][2] = {
	        {"kind", "kh"},
	        {"body", "ỦY BAN NHÂN DÂN\r\nQUẬN HẢI AN"},
	        {"body_abbr", "UBND"},
	        {"place", "Hải An"},
	        {"date", ""},
	        {"subject", "Kế hoạch thử nhiệm vụ theo cơ quan"},
	        {"text", "# III. TỔ CHỨC THỰC HIỆN\r\n[nhiệm vụ]\r\nKết thúc./."},
	        {"duty_role_0", "chu_tri"},
	        {"duty_who_0", "Phòng Giáo dục và Đào tạo quận"},
	        {"duty_task_0", "- Hướng dẫn các trường.\r\n- Tổng hợp báo cáo."},
	        {"duty_role_1", "phoi_hop"},
	        {"duty_who_1", "Trung tâm Văn hóa thông tin và Thể thao quận"},
	        {"duty_task_1", "Tuyên truyền về Tuần lễ."},
	        {"duty_role_2", "chu_tri"},
	        {"duty_who_2", "Phòng Giáo dục và Đào tạo quận"},
	        {"duty_task_2", "Kiểm tra các Trung tâm học tập cộng đồng."},
	        {"distribution", "Lưu: VT."},
	        {"signer_tm", "ỦY BAN NHÂN DÂN"},
	        {"signer_authority", "KT."},
	        {"signer_head", "CHỦ TỊCH"},
	        {"signer_position", "PHÓ CHỦ TỊCH"},
	        {"signer_name", "Trần Thị Kim Oanh"},
	};
	buf_t b = BUF_INIT;
	add(&b, "csrf", head.csrf);
	for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
		add(&b, fields[k][0], fields[k][1]);
	/* the new-document page's form with these values (its other rows empty) */
	hc_resp_t r = ha_post_page_over(port, &head, "/units/306/docs/new", "/units/306/docs",
	                                buf_cstr(&b));
	buf_free(&b);
	if (r.status != 303)
		fail_msg("create: %ld %s", r.status, body_of(&r));
	char loc[300];
	assert_non_null(hc_header(&r, "Location", loc, sizeof loc));
	hc_resp_free(&r);
	char path[300];
	snprintf(path, sizeof path, "%.*s", (int)strcspn(loc, "?"), loc);
	r = ha_req(port, &head, "GET", path, NULL, 0);
	assert_int_equal(r.status, 200);
	const char *h = body_of(&r);
	/* the form: cards titled by the printed heading, the repeated body said so */
	const char *c0 = strstr(h, "row-title\">1. Phòng Giáo dục và Đào tạo quận</div>");
	const char *c1 =
	        c0 ? strstr(c0, "row-title\">2. Trung tâm Văn hóa thông tin và Thể thao quận</div>")
	           : NULL;
	const char *c2 =
	        c1 ? strstr(c1, "row-title\">1. Phòng Giáo dục và Đào tạo quận <span") : NULL;
	if (!c2 ||
	    strncmp(strstr(c2, "<span"), "<span class=\"muted\">(thêm nhiệm vụ, in chung đề mục 1)",
	            strlen("<span class=\"muted\">(thêm nhiệm vụ, in chung đề mục 1)")))
		fail_msg("duty cards not grouped by body:\n%s", h);
	assert_non_null(strstr(c2, "row-title\">Đơn vị thực hiện mới</div>"));
	assert_non_null(strstr(h, "mỗi dòng một nhiệm vụ"));
	/* the task box holds the tasks one per line, and is tall enough for them */
	assert_non_null(strstr(h, "name=\"duty_task_0\" rows=\"3\">- Hướng dẫn các trường.\n- Tổng "
	                          "hợp báo cáo.</textarea>"));
	hc_resp_free(&r);

	/* the PDF: two numbered headings, the repeated body's task under the first */
	buf_t text = BUF_INIT, title = BUF_INIT;
	snprintf(path + strlen(path), sizeof path - strlen(path), "/pdf");
	pdf_of(path, &text, &title);
	const char *want =
	        "III. TỔ CHỨC THỰC HIỆN 1. Phòng Giáo dục và Đào tạo quận - Hướng dẫn các "
	        "trường. - Tổng hợp báo cáo. - Kiểm tra các Trung tâm học tập cộng đồng. "
	        "2. Trung tâm Văn hóa thông tin và Thể thao quận Tuyên truyền về Tuần lễ. "
	        "Kết thúc./.";
	if (!strstr(buf_cstr(&text), want))
		fail_msg("draft PDF:\n%s", buf_cstr(&text));
	/* a draft's title carries no made-up number */
	assert_non_null(strstr(buf_cstr(&title), "Kế hoạch KH-UBND: Kế hoạch thử"));
	buf_free(&text);
	buf_free(&title);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_every_citation_padded),
	        cmocka_unit_test(test_duties_as_numbered_bodies),
	        cmocka_unit_test(test_duty_form_grouped),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
