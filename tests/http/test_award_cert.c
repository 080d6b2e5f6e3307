/* Printing a commendation decision (docs/awards.md, "Printing"), over real HTTP on the
 * demo with quận Hải An's decision of helper_award_cert.c: the awards annex in the PDF
 * (pdftotext -raw: the content stream's order, a wrapped cell's lines together), the DOCX
 * (word/document.xml) and the document's web page, every name, category, form and amount
 * in order under "I. TẬP THỂ" and "II. CÁ NHÂN" and the totals; the draft's list then the
 * issued one; the certificates (one page per award, each with its name, the decision's
 * number and its register number; a 2,000-byte achievements text kept on its page; a
 * draft 409; another unit's or another kind of document 404; a school cannot print the
 * district's); the list kept when the draft is edited through the drafting form; the public awards
 * on the units' pages, with nothing beyond name and unit. */
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
#include "core/buf.h"
#include "helper_app.h"
#include "helper_award_cert.h"

#define PASSWORD "Khen-thuong-in-2022"

static char tmpdir[] = "/tmp/suotdoi-award-cert-XXXXXX";
static char db[256];
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t campaign;
static hac_fixture_t fx;
static ha_client_t head, school, primary;

static int
setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "d.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	if (ha_demo_docs(&app, &campaign) < 0 || hac_decision_draft(&app, db, campaign, &fx) < 0)
		return -1;
	ha_user(&app, "lanhdao.haian.gk", "306", ROLE_HEAD, PASSWORD);
	ha_user(&app, "thcs.danglam.gk", "HA-11413-THCS", ROLE_HEAD, PASSWORD);
	ha_user(&app, "th.danglam.gk", "HA-11413-TH", ROLE_HEAD, PASSWORD);
	if (ha_login(port, &head, "lanhdao.haian.gk", PASSWORD) != 303 ||
	    ha_login(port, &school, "thcs.danglam.gk", PASSWORD) != 303 ||
	    ha_login(port, &primary, "th.danglam.gk", PASSWORD) != 303)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return ha_stop(srv, &app, tmpdir);
}

/* ---- text of the three renderings ---- */

/* s with every run of blanks one space, entities of the pages decoded. Fresh. */
static char *
norm(const char *s, size_t n)
{
	char *o = malloc(n + 1);
	assert_non_null(o);
	size_t k = 0;
	int space = 1;
	for (size_t i = 0; i < n;) {
		static const struct {
			const char *ent, *ch;
		} ents[] = {{"&amp;", "&"},   {"&lt;", "<"},  {"&gt;", ">"},
		            {"&quot;", "\""}, {"&#39;", "'"}, {"&#x2F;", "/"}};
		int done = 0;
		for (size_t e = 0; e < sizeof ents / sizeof *ents && !done; e++) {
			size_t el = strlen(ents[e].ent);
			if (i + el <= n && !memcmp(s + i, ents[e].ent, el)) {
				o[k++] = ents[e].ch[0];
				space = 0;
				i += el;
				done = 1;
			}
		}
		if (done)
			continue;
		char c = s[i++];
		if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f') {
			if (!space)
				o[k++] = ' ';
			space = 1;
			continue;
		}
		o[k++] = c;
		space = 0;
	}
	o[k] = '\0';
	return o;
}

/* s with its markup tags as blanks, normalised. Fresh. */
static char *
untag(const char *s, size_t n)
{
	char *t = malloc(n + 1);
	assert_non_null(t);
	int in = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '<')
			in = 1;
		t[i] = in ? ' ' : s[i];
		if (s[i] == '>')
			in = 0;
	}
	char *o = norm(t, n);
	free(t);
	return o;
}

/* The text of pages first..last (0: all) of a PDF, normalised. Fresh. */
static char *
pdf_text(const buf_t *pdf, int first, int last, int raw)
{
	char path[300], cmd[700];
	snprintf(path, sizeof path, "%s/t.pdf", tmpdir);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(pdf->data, 1, pdf->len, f), pdf->len);
	fclose(f);
	if (first > 0)
		snprintf(cmd, sizeof cmd, "pdftotext -q %s -f %d -l %d %s -", raw ? "-raw" : "",
		         first, last, path);
	else
		snprintf(cmd, sizeof cmd, "pdftotext -q %s %s -", raw ? "-raw" : "", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	buf_t b = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		buf_append(&b, chunk, n);
	assert_int_equal(pclose(p), 0);
	char *o = norm(b.data ? b.data : "", b.len);
	buf_free(&b);
	return o;
}

static int
pdf_pages(const buf_t *pdf)
{
	char path[300], cmd[400];
	snprintf(path, sizeof path, "%s/n.pdf", tmpdir);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(pdf->data, 1, pdf->len, f), pdf->len);
	fclose(f);
	snprintf(cmd, sizeof cmd, "pdfinfo %s | sed -n 's/^Pages: *//p'", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	int n = -1;
	assert_int_equal(fscanf(p, "%d", &n), 1);
	pclose(p);
	return n;
}

/* word/document.xml of a DOCX, untagged. Fresh. */
static char *
docx_text(const buf_t *docx)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(docx->data, docx->len, 0, &ze);
	assert_non_null(src);
	zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &ze);
	assert_non_null(z);
	zip_stat_t st;
	assert_int_equal(zip_stat(z, "word/document.xml", 0, &st), 0);
	zip_file_t *zf = zip_fopen(z, "word/document.xml", 0);
	assert_non_null(zf);
	char *xml = malloc(st.size + 1);
	assert_non_null(xml);
	assert_int_equal(zip_fread(zf, xml, st.size), (zip_int64_t)st.size);
	zip_fclose(zf);
	zip_close(z);
	char *o = untag(xml, st.size);
	free(xml);
	return o;
}

/* Each of want (NULL-terminated) found in text after the one before it. */
static void
in_order(const char *text, const char *what, const char *const *want)
{
	const char *at = text;
	for (size_t k = 0; want[k]; k++) {
		const char *f = strstr(at, want[k]);
		if (f == NULL) {
			fprintf(stderr, "%s: \"%s\" missing after \"%.80s\"\n", what, want[k],
			        k ? want[k - 1] : "(start)");
			fail();
		}
		at = f + strlen(want[k]);
	}
}

/* What the annex shows, in order. */
static void
annex_in_order(const char *text, const char *what)
{
	const char *const want[] = {"DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC KHEN THƯỞNG",
	                            "(Kèm theo Quyết định số",
	                            "của Chủ tịch Ủy ban nhân dân quận Hải An)",
	                            "TT",
	                            "Tên tập thể / Họ và tên",
	                            "Đơn vị, địa chỉ",
	                            "Danh hiệu",
	                            "Hình thức",
	                            "Số tiền (đồng)",
	                            "I",
	                            "TẬP THỂ",
	                            "1",
	                            hac_name[0],
	                            hac_place[0],
	                            "Trường THCS Đằng Lâm",
	                            hac_category[0],
	                            "Giấy khen",
	                            hac_amount[0],
	                            "2",
	                            hac_name[1],
	                            hac_category[1],
	                            "Giấy khen",
	                            hac_amount[1],
	                            "II",
	                            "CÁ NHÂN",
	                            "1",
	                            hac_name[2],
	                            hac_place[2],
	                            hac_category[2],
	                            "Giấy khen",
	                            hac_amount[2],
	                            "2",
	                            hac_name[3],
	                            hac_place[3],
	                            "Trường Tiểu học Đằng Lâm",
	                            hac_category[3],
	                            "Giấy khen",
	                            hac_amount[3],
	                            "Tổng cộng: 2 tập thể, 2 cá nhân",
	                            HAC_TOTAL,
	                            NULL};
	in_order(text, what, want);
	/* the achievements are the certificates', not the list's */
	assert_null(strstr(text, "Tích cực tự học"));
}

static hc_resp_t
get(ha_client_t *c, const char *fmt, long long id, const char *tail)
{
	char path[300];
	snprintf(path, sizeof path, fmt, id);
	if (tail)
		strncat(path, tail, sizeof path - strlen(path) - 1);
	return ha_req(port, c, "GET", path, NULL, 0);
}

/* The three renderings of the decision as the head sees them: annex in order in each; the
 * reference line says number (blanks while a draft) and date. */
static void
check_renderings(const char *reference)
{
	hc_resp_t r = get(&head, "/units/306/docs/%lld", (long long)fx.doc_id, "/pdf");
	assert_int_equal(r.status, 200);
	char *t = pdf_text(&r.body, 0, 0, 1);
	annex_in_order(t, "PDF");
	assert_non_null(strstr(t, reference));
	free(t);
	hc_resp_free(&r);

	r = get(&head, "/units/306/docs/%lld", (long long)fx.doc_id, "/docx");
	assert_int_equal(r.status, 200);
	t = docx_text(&r.body);
	annex_in_order(t, "DOCX");
	assert_non_null(strstr(t, reference));
	free(t);
	hc_resp_free(&r);

	r = get(&head, "/units/306/docs/%lld", (long long)fx.doc_id, NULL);
	assert_int_equal(r.status, 200);
	t = untag(r.body.data, r.body.len);
	annex_in_order(t, "page");
	assert_non_null(strstr(t, reference));
	free(t);
	hc_resp_free(&r);
}

/* ---- the tests, in order: draft, issued ---- */

static void
test_draft_list_and_no_certificates(void **state)
{
	(void)state;
	/* a draft: its number blank in the reference line, its date given */
	check_renderings("(Kèm theo Quyết định số /QĐ-UBND ngày 15/10/2022 của Chủ tịch Ủy ban "
	                 "nhân dân quận Hải An)");
	/* edited through the drafting form (no script), the annex keeps its list */
	hc_resp_t r = get(&head, "/units/306/docs/%lld", (long long)fx.doc_id, NULL);
	assert_non_null(strstr(buf_cstr(&r.body), "name=\"annex_awards_0\" value=\"1\" checked"));
	const char *v = strstr(buf_cstr(&r.body), "name=\"version\" value=\"");
	assert_non_null(v);
	char version[24];
	snprintf(version, sizeof version, "%ld", atol(v + strlen("name=\"version\" value=\"")));
	hc_resp_free(&r);
	char cid[24], path[100];
	snprintf(cid, sizeof cid, "%lld", (long long)campaign);
	snprintf(path, sizeof path, "/units/306/docs/%lld", (long long)fx.doc_id);
	const char *const kv[] = {"version",
	                          version,
	                          "kind",
	                          "qd",
	                          "campaign",
	                          cid,
	                          "subject",
	                          "Khen thưởng tập thể, cá nhân có thành tích trong Tuần lễ (sửa)",
	                          "body",
	                          "ỦY BAN NHÂN DÂN\r\nQUẬN HẢI AN",
	                          "body_abbr",
	                          "UBND",
	                          "place",
	                          "Hải An",
	                          "date",
	                          HAC_DATE,
	                          "text",
	                          "Điều 1. Tặng Giấy khen./.",
	                          "distribution",
	                          "Lưu: VT.",
	                          "signer_authority",
	                          "KT.",
	                          "signer_head",
	                          "CHỦ TỊCH",
	                          "signer_position",
	                          "PHÓ CHỦ TỊCH",
	                          "signer_name",
	                          "Trần Thị Kim Oanh",
	                          "annex_title_0",
	                          "Danh sách tập thể, cá nhân được khen thưởng",
	                          "annex_awards_0",
	                          "1",
	                          "public",
	                          "1",
	                          NULL};
	r = ha_post_page_form(port, &head, path, path, kv); /* the page's whole form */
	if (r.status != 303)
		fail_msg("edit: %ld %s", r.status, buf_cstr(&r.body));
	hc_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/units/306/docs/%lld", (long long)fx.doc_id);
	r = ha_req(port, &head, "GET", path, NULL, 0);
	assert_non_null(strstr(buf_cstr(&r.body), "(sửa)"));
	assert_true(strstr(buf_cstr(&r.body), "\"awards\":true") ||
	            strstr(buf_cstr(&r.body), "\"awards\": true"));
	hc_resp_free(&r);
	check_renderings("(Kèm theo Quyết định số /QĐ-UBND ngày 15/10/2022 của Chủ tịch Ủy ban "
	                 "nhân dân quận Hải An)");

	r = get(&head, "/units/306/docs/%lld", (long long)fx.doc_id, "/giay-khen.pdf");
	assert_int_equal(r.status, 409);
	assert_non_null(strstr(buf_cstr(&r.body), "Quyết định chưa ban hành"));
	hc_resp_free(&r);
	/* no certificate link on a draft's page */
	r = get(&head, "/units/306/docs/%lld", (long long)fx.doc_id, NULL);
	assert_null(strstr(buf_cstr(&r.body), "In giấy khen"));
	hc_resp_free(&r);
	/* a draft is not public */
	r = ha_req(port, NULL, "GET", "/units/306", NULL, 0);
	assert_int_equal(r.status, 200);
	assert_null(strstr(buf_cstr(&r.body), hac_name[0]));
	hc_resp_free(&r);
}

static void
test_issued_list(void **state)
{
	(void)state;
	assert_int_equal(hac_decision_issue(&app, db, &fx), 0);
	check_renderings("(Kèm theo Quyết định số " HAC_NUMBER " ngày " HAC_DATE
	                 " của Chủ tịch Ủy ban nhân dân quận Hải An)");
	/* the public page of the document, anonymous */
	hc_resp_t r = get(NULL, "/van-ban/%lld", (long long)fx.doc_id, NULL);
	assert_int_equal(r.status, 200);
	char *t = untag(r.body.data, r.body.len);
	annex_in_order(t, "public page");
	free(t);
	hc_resp_free(&r);
	/* and the link to the certificates on the issuer's page */
	r = get(&head, "/units/306/docs/%lld", (long long)fx.doc_id, NULL);
	char href[200];
	snprintf(href, sizeof href, "href=\"/units/306/docs/%lld/giay-khen.pdf\"",
	         (long long)fx.doc_id);
	assert_non_null(strstr(buf_cstr(&r.body), href));
	assert_non_null(strstr(buf_cstr(&r.body), "In giấy khen (4)"));
	hc_resp_free(&r);
}

static void
test_certificates(void **state)
{
	(void)state;
	hc_resp_t r = get(&head, "/units/306/docs/%lld", (long long)fx.doc_id, "/giay-khen.pdf");
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(buf_cstr(&r.headers), "application/pdf"));
	assert_int_equal(pdf_pages(&r.body), HAC_N);
	/* the pages in the list's order (the fixture's: collectives first already) */
	for (int k = 0; k < HAC_N; k++) {
		char *t = pdf_text(&r.body, k + 1, k + 1, 0);
		char reg[40];
		snprintf(reg, sizeof reg, "Số: 03-%02d/GK", k + 1);
		const char *const want[] = {"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
		                            "Độc lập - Tự do - Hạnh phúc",
		                            "CHỦ TỊCH ỦY BAN NHÂN DÂN QUẬN HẢI AN",
		                            "TẶNG",
		                            "GIẤY KHEN",
		                            hac_name[k],
		                            NULL};
		in_order(t, "certificate", want);
		assert_non_null(strstr(t, "Theo Quyết định số " HAC_NUMBER " ngày " HAC_DATE));
		assert_non_null(strstr(t, reg));
		assert_non_null(strstr(t, "Hải An, ngày 15 tháng 10 năm 2022"));
		assert_non_null(strstr(t, "KT. CHỦ TỊCH"));
		assert_non_null(strstr(t, "Trần Thị Kim Oanh"));
		assert_non_null(strstr(t, "Đã có thành tích:"));
		/* a category that is a title says so; the plain ones do not */
		if (k == 0 || k == 3) {
			char ti[80];
			snprintf(ti, sizeof ti, "Danh hiệu: %s", hac_category[k]);
			assert_non_null(strstr(t, ti));
		} else {
			assert_null(strstr(t, "Danh hiệu:"));
		}
		/* the school commended as a collective: its name once, no place repeating it */
		if (k == 1) {
			const char *first = strstr(t, hac_name[1]);
			assert_null(strstr(first + strlen(hac_name[1]), hac_name[1]));
		}
		/* no other award's name on this page */
		for (int j = 0; j < HAC_N; j++)
			if (j != k && strcmp(hac_name[j], "Trường THCS Đằng Lâm") &&
			    strcmp(hac_name[k], "Trường THCS Đằng Lâm"))
				assert_null(strstr(t, hac_name[j]));
		free(t);
	}
	hc_resp_free(&r);

	/* one: the teacher with 2,000 bytes of achievements, on one page with all the rest */
	char tail[64];
	snprintf(tail, sizeof tail, "/giay-khen.pdf?p=%lld", (long long)fx.prop[2]);
	r = get(&head, "/units/306/docs/%lld", (long long)fx.doc_id, tail);
	assert_int_equal(r.status, 200);
	assert_int_equal(pdf_pages(&r.body), 1);
	char *t = pdf_text(&r.body, 1, 1, 0);
	assert_non_null(strstr(t, hac_name[2]));
	assert_non_null(strstr(t, "Đã có thành tích: Tích cực tự học"));
	assert_non_null(strstr(t, "Số: 03-03/GK"));
	assert_non_null(strstr(t, "Trần Thị Kim Oanh"));
	assert_non_null(strstr(t, "Theo Quyết định số " HAC_NUMBER));
	free(t);
	hc_resp_free(&r);

	/* p not a number: 400; not on the list: 404 */
	r = get(&head, "/units/306/docs/%lld", (long long)fx.doc_id, "/giay-khen.pdf?p=abc");
	assert_int_equal(r.status, 400);
	hc_resp_free(&r);
	r = get(&head, "/units/306/docs/%lld", (long long)fx.doc_id, "/giay-khen.pdf?p=999999");
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
}

/* The first document id of another kind issued by 306 (the demo's plan or báo cáo). */
static long long
other_doc_of_306(void)
{
	hc_resp_t r = ha_req(port, &head, "GET", "/api/v1/units/306/docs", NULL, 0);
	assert_int_equal(r.status, 200);
	const char *p = strstr(buf_cstr(&r.body), "\"id\":");
	long long id = 0;
	while (p) {
		id = atoll(p + 5);
		if (id != fx.doc_id)
			break;
		p = strstr(p + 5, "\"id\":");
	}
	hc_resp_free(&r);
	assert_true(id > 0 && id != fx.doc_id);
	return id;
}

static void
test_certificates_refused(void **state)
{
	(void)state;
	/* the school cannot reach the district's documents at all */
	hc_resp_t r = get(&primary, "/units/306/docs/%lld", (long long)fx.doc_id, "/giay-khen.pdf");
	assert_int_equal(r.status, 403);
	hc_resp_free(&r);
	/* nor print them as its own: the decision is not the school's */
	r = get(&primary, "/units/HA-11413-TH/docs/%lld", (long long)fx.doc_id, "/giay-khen.pdf");
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
	/* the district's document that is not a decision with awards */
	r = get(&head, "/units/306/docs/%lld", other_doc_of_306(), "/giay-khen.pdf");
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
	/* no such document */
	r = get(&head, "/units/306/docs/%lld", 999999LL, "/giay-khen.pdf");
	assert_int_equal(r.status, 404);
	hc_resp_free(&r);
}

/* The public page of unit code, anonymous: the awards it shows (names of want, in order),
 * those it must not, and no amount, place or achievements. */
static void
public_awards(const char *code, const char *const *want, const char *const * not )
{
	char path[100];
	snprintf(path, sizeof path, "/units/%s", code);
	hc_resp_t r = ha_req(port, NULL, "GET", path, NULL, 0);
	assert_int_equal(r.status, 200);
	char *t = untag(r.body.data, r.body.len);
	in_order(t, code, want);
	for (size_t k = 0; not &&not [k]; k++)
		if (strstr(t, not [k])) {
			fprintf(stderr, "%s: \"%s\" shown\n", code, not [k]);
			fail();
		}
	for (int k = 0; k < HAC_N; k++) {
		assert_null(strstr(t, hac_amount[k]));
		if (*hac_place[k])
			assert_null(strstr(t, hac_place[k]));
	}
	assert_null(strstr(t, HAC_TOTAL));
	assert_null(strstr(t, "Tích cực tự học"));
	assert_null(strstr(t, "Có nhiều đóng góp"));
	free(t);
	hc_resp_free(&r);
}

static void
test_public_awards(void **state)
{
	(void)state;
	/* the decider: all four, with the decision's citation linked */
	const char *const district[] = {"Khen thưởng",
	                                hac_name[0],
	                                "Trường THCS Đằng Lâm",
	                                "Gia đình hiếu học",
	                                "Giấy khen",
	                                "Quyết định số " HAC_NUMBER " ngày " HAC_DATE,
	                                hac_name[1],
	                                hac_name[2],
	                                hac_name[3],
	                                "Trường Tiểu học Đằng Lâm",
	                                NULL};
	public_awards("306", district, NULL);
	hc_resp_t r = ha_req(port, NULL, "GET", "/units/306", NULL, 0);
	char href[100];
	snprintf(href, sizeof href, "href=\"/van-ban/%lld\"", (long long)fx.doc_id);
	assert_non_null(strstr(buf_cstr(&r.body), href));
	hc_resp_free(&r);
	/* the proposing units: their own people only */
	const char *const thcs[] = {"Khen thưởng", hac_name[0], hac_name[2], NULL};
	const char *const not_thcs[] = {hac_name[3], NULL};
	public_awards("HA-11413-THCS", thcs, not_thcs);
	const char *const th[] = {"Khen thưởng", hac_name[3], NULL};
	const char *const not_th[] = {hac_name[0], hac_name[2], NULL};
	public_awards("HA-11413-TH", th, not_th);
	/* a ward in between neither decided nor proposed: nothing */
	const char *const none[] = {NULL};
	const char *const not_ward[] = {hac_name[0], hac_name[3], NULL};
	public_awards("11413", none, not_ward);

	/* the document no longer public: the awards stay, without the link */
	char sql[200];
	snprintf(sql, sizeof sql, "UPDATE documents SET is_public=0 WHERE id=%lld",
	         (long long)fx.doc_id);
	assert_int_equal(hac_sql(db, sql), 0);
	r = ha_req(port, NULL, "GET", "/units/306", NULL, 0);
	assert_non_null(strstr(buf_cstr(&r.body), hac_name[3]));
	assert_null(strstr(buf_cstr(&r.body), href));
	hc_resp_free(&r);
	/* the decision not public: none of it */
	snprintf(sql, sizeof sql, "UPDATE award_decisions SET is_public=0 WHERE id=%lld",
	         (long long)fx.decision_id);
	assert_int_equal(hac_sql(db, sql), 0);
	const char *const gone[] = {hac_name[0], hac_name[1], hac_name[2], hac_name[3], NULL};
	public_awards("306", none, gone);
	const char *const gone_thcs[] = {hac_name[0], hac_name[2], hac_name[3], NULL};
	public_awards("HA-11413-THCS", none, gone_thcs);
	r = ha_req(port, NULL, "GET", "/units/306", NULL, 0);
	assert_null(strstr(buf_cstr(&r.body), "<h2>Khen thưởng</h2>"));
	hc_resp_free(&r);
}

/* Public lists: newest decision first, then the list's order; at most 50. */
static void
test_public_order_and_limit(void **state)
{
	(void)state;
	char sql[1200];
	/* the decision public again; Lê Văn Tâm moved to a newer decision (on the demo's
	 * published plan of 306: the query does not look at the kind) */
	long long plan = other_doc_of_306();
	snprintf(
	        sql, sizeof sql,
	        "UPDATE award_decisions SET is_public=1 WHERE id=%lld;"
	        "UPDATE documents SET status='published',number=number+CASE WHEN number=0 THEN 90 ELSE 0 END,"
	        "is_public=1 WHERE id=%lld AND status='draft';"
	        "INSERT INTO award_decisions(unit_id,unit_path,campaign_id,document_id,fund_source,"
	        "status,issued_on,created_at) SELECT unit_id,unit_path,campaign_id,%lld,'xhh',"
	        "'issued',issued_on+30,1 FROM award_decisions WHERE id=%lld;"
	        "UPDATE award_proposals SET decision_id=(SELECT max(id) FROM award_decisions)"
	        " WHERE id=%lld;"
	        "UPDATE award_proposals SET ord=9 WHERE id=%lld",
	        (long long)fx.decision_id, plan, plan, (long long)fx.decision_id,
	        (long long)fx.prop[3], (long long)fx.prop[0]);
	assert_int_equal(hac_sql(db, sql), 0);
	/* 306: the newer decision's award first; in the older one the list's order (ord) */
	const char *const district[] = {hac_name[3], hac_name[1], hac_name[2], hac_name[0], NULL};
	public_awards("306", district, NULL);
	/* 60 more awards on the older decision: 50 shown */
	snprintf(sql, sizeof sql,
	         "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i<60)"
	         " INSERT INTO award_proposals(campaign_id,unit_id,unit_path,at_unit_id,at_path,"
	         "status,category,name,form,amount,proposed_form,proposed_amount,decision_id,ord,"
	         "version,created_at,updated_at) SELECT campaign_id,unit_id,unit_path,at_unit_id,"
	         "at_path,'decided','ca_nhan','Người được khen số '||i,'giay_khen',0,'giay_khen',0,"
	         "decision_id,10+i,1,1,1 FROM award_proposals, n WHERE id=%lld",
	         (long long)fx.prop[2]);
	assert_int_equal(hac_sql(db, sql), 0);
	hc_resp_t r = ha_req(port, NULL, "GET", "/units/306", NULL, 0);
	assert_int_equal(r.status, 200);
	int n = 0;
	for (const char *p = buf_cstr(&r.body); (p = strstr(p, "<li><strong>")); p++)
		n++;
	assert_int_equal(n, 50);
	assert_non_null(strstr(buf_cstr(&r.body), "Người được khen số 46<"));
	assert_null(strstr(buf_cstr(&r.body), "Người được khen số 47<"));
	hc_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_draft_list_and_no_certificates),
	        cmocka_unit_test(test_issued_list),
	        cmocka_unit_test(test_certificates),
	        cmocka_unit_test(test_certificates_refused),
	        cmocka_unit_test(test_public_awards),
	        cmocka_unit_test(test_public_order_and_limit),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
