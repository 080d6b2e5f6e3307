/* Commendation over real HTTP with the demo's accounts (docs/awards.md): Trường THCS Đằng
 * Lâm proposes a "gia đình hiếu học" (with a PDF) through the form and a teacher through
 * the JSON API and sends both; phường Đằng Lâm endorses them; quận Hải An makes a
 * Quyết định of both and publishes it through the ordinary publish route; both proposals
 * are then decided, the decision issued with the document's number and date, the
 * district's commendation lines (live roll-up, results form) gain them with the decision as
 * source, and the history shows every step; the units concerned are told (notices).
 * Access: a sibling school neither sees nor acts on them, the ward neither decides for the
 * district nor acts on a proposal that has left it. Bad input over the form and the API is
 * refused with the field named and nothing written. The review ops: trim (never up),
 * return (a real comment), decline, remove from a draft. */
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
#include "domain/demo.h"
#include "helper_app.h"

#define PASSWORD "Hoctap@2022"
#define SCHOOL "HA-11413-THCS"
#define BASE "/units/" SCHOOL "/khen-thuong"
#define API "/api/v1/units/" SCHOOL "/awards"

static char tmpdir[] = "/tmp/suotdoi-awards-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t campaign;
static ha_client_t thcs, th, ward, district;

static const char pdf[] = "%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\n"
                          "trailer <</Root 1 0 R>>\n%%EOF\n";

/* ---------- helpers ---------- */

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

static void
expect_status(const hc_resp_t *r, long status)
{
	if (r->status != status)
		fail_msg("status %ld, expected %ld:\n%.2000s", r->status, status,
		         buf_cstr((buf_t *)&r->body));
}

static json_t *
body_json(const hc_resp_t *r)
{
	json_error_t je;
	json_t *j = json_loads(buf_cstr((buf_t *)&r->body), 0, &je);
	if (!j)
		fail_msg("not JSON: %.500s", buf_cstr((buf_t *)&r->body));
	return j;
}

static int64_t
jint(json_t *o, const char *key)
{
	json_t *x = json_object_get(o, key);
	if (!json_is_integer(x))
		fail_msg("no integer \"%s\"", key);
	return json_integer_value(x);
}

static int
copy_award(const store_award_t *a, void *p)
{
	store_award_t *d = p;
	*d = *a;
	/* strings are borrowed: keep what the tests compare */
	static char status[4][32], form[4][32];
	static int k;
	k = (k + 1) % 4;
	snprintf(status[k], sizeof status[k], "%s", a->status);
	snprintf(form[k], sizeof form[k], "%s", a->form);
	d->status = status[k];
	d->form = form[k];
	d->name = d->unit_path = d->at_path = d->category = d->place = d->achievements = "";
	d->proposed_form = d->decision_status = d->fund_source = "";
	return 0;
}

static store_award_t
stored(int64_t id)
{
	store_award_t a;
	memset(&a, 0, sizeof a);
	assert_int_equal(store_award_get(app.store, id, copy_award, &a), 1);
	return a;
}

static int
count_one(const store_award_t *a, void *p)
{
	(void)a;
	++*(int *)p;
	return 0;
}

static int
proposals(void)
{
	int n = 0;
	store_award_query_t q = {.limit = -1};
	assert_int_equal(store_awards_find(app.store, &q, count_one, &n), 0);
	return n;
}

static int
count_event(const store_award_event_t *e, void *p)
{
	(void)e;
	++*(int *)p;
	return 0;
}

static int
events(int64_t id)
{
	int n = 0;
	assert_int_equal(store_award_events(app.store, id, count_event, &n), 0);
	return n;
}

/* The id in a 303's Location ".../khen-thuong/ID?done=...". */
static int64_t
created_id(const hc_resp_t *r)
{
	char loc[300];
	if (!hc_header(r, "Location", loc, sizeof loc))
		fail_msg("no Location (status %ld): %.1500s", r->status,
		         buf_cstr((buf_t *)&r->body));
	const char *p = strrchr(loc, '/');
	assert_non_null(p);
	return strtoll(p + 1, NULL, 10);
}

/* A JSON request as c. */
static hc_resp_t
api(ha_client_t *c, const char *method, const char *path, const char *body)
{
	return ha_req(port, c, method, path, body, 1);
}

/* An op on proposal id at unit code through the API, at the stored version. */
static hc_resp_t
op(ha_client_t *c, const char *code, int64_t id, const char *name, const char *extra)
{
	char path[200], body[1200];
	snprintf(path, sizeof path, "/api/v1/units/%s/awards/%lld", code, (long long)id);
	snprintf(body, sizeof body, "{\"op\": \"%s\", \"version\": %lld%s%s}", name,
	         (long long)stored(id).version, extra ? ", " : "", extra ? extra : "");
	return api(c, "POST", path, body);
}

/* A teacher proposed by the school through the API: its id. */
static int64_t
propose_api(const char *name, int amount)
{
	char body[800];
	snprintf(body, sizeof body,
	         "{\"category\": \"ca_nhan\", \"name\": \"%s\", \"place\": \"Giáo viên Toán, "
	         "Trường THCS Đằng Lâm\", \"achievements\": \"Bồi dưỡng 40 học viên lớp tin học "
	         "cho người lớn tuổi tại TTHTCĐ phường.\", \"form\": \"giay_khen\", \"amount\": "
	         "%d}",
	         name, amount);
	hc_resp_t r = api(&thcs, "POST", API, body);
	expect_status(&r, 201);
	json_t *j = body_json(&r);
	int64_t id = jint(j, "id");
	assert_string_equal(json_string_value(json_object_get(j, "status")), "draft");
	json_decref(j);
	hc_resp_free(&r);
	return id;
}

/* ---------- set-up ---------- */

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "a.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0 || ha_demo_docs(&app, &campaign) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	ha_user(&app, "thcs.danglam", SCHOOL, ROLE_HEAD, PASSWORD);
	ha_user(&app, "th.danglam", "HA-11413-TH", ROLE_HEAD, PASSWORD);
	ha_user(&app, "ld.danglam", "11413", ROLE_HEAD, PASSWORD);
	ha_user(&app, "ld.haian", "306", ROLE_HEAD, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &thcs, "thcs.danglam", PASSWORD) != 303 ||
	    ha_login(port, &th, "th.danglam", PASSWORD) != 303 ||
	    ha_login(port, &ward, "ld.danglam", PASSWORD) != 303 ||
	    ha_login(port, &district, "ld.haian", PASSWORD) != 303)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return ha_stop(srv, &app, tmpdir);
}

/* ---------- the flow of the "Done when" ---------- */

static int64_t fam, teacher; /* made by test_done_when, used by test_access */

typedef struct doc_ver {
	int64_t version;
	int number;
	int32_t date;
	char status[16];
} doc_ver_t;

static int
take_doc(const store_doc_t *d, void *p)
{
	doc_ver_t *v = p;
	v->version = d->version;
	v->number = d->number;
	v->date = d->doc_date;
	snprintf(v->status, sizeof v->status, "%s", d->status);
	return 0;
}

typedef struct decided {
	int n;
	int64_t total, document_id, decider;
	int number, ord_ok;
	int32_t issued_on;
	char first[32];
} decided_t;

static int
take_decided(const store_award_t *a, void *p)
{
	decided_t *d = p;
	if (d->n == 0)
		snprintf(d->first, sizeof d->first, "%s", a->category);
	d->n++;
	d->total += a->amount;
	d->document_id = a->document_id;
	d->decider = a->decider_unit_id;
	d->number = a->doc_number;
	d->issued_on = a->issued_on;
	d->ord_ok += a->ord == d->n;
	return 0;
}

/* The district's subtree totals of the commendation lines (drafts included). */
typedef struct figures {
	int64_t don_vi, ca_nhan, kinh_phi;
} figures_t;

static figures_t
district_totals(void)
{
	char p[200];
	snprintf(p, sizeof p, "/api/v1/campaigns/%lld/units/306?drafts=1", (long long)campaign);
	hc_resp_t r = ha_req(port, &district, "GET", p, NULL, 0);
	expect_status(&r, 200);
	json_t *j = body_json(&r), *t = json_object_get(j, "totals");
	figures_t f = {json_integer_value(json_object_get(t, "8.don_vi")),
	               json_integer_value(json_object_get(t, "8.ca_nhan")),
	               json_integer_value(json_object_get(t, "8.kinh_phi"))};
	json_decref(j);
	hc_resp_free(&r);
	return f;
}

static void
test_done_when(void **state)
{
	(void)state;
	figures_t before = district_totals(); /* the live roll-up is loaded before the decision */
	/* the school proposes a family through the form, with a PDF */
	const char *kv[] = {"category",
	                    "gia_dinh_hieu_hoc",
	                    "name",
	                    "Gia đình bà Nguyễn Thị Thu",
	                    "place",
	                    "Tổ dân phố số 3, phường Đằng Lâm",
	                    "achievements",
	                    "Ba con đều tốt nghiệp đại học; bà tự học tin học ở tuổi 60.",
	                    "form",
	                    "giay_khen",
	                    "amount",
	                    "1.000.000",
	                    NULL};
	hc_resp_t r = ha_post_page_multipart(port, &thcs, BASE, BASE, kv, "files", pdf,
	                                     sizeof pdf - 1, "xac-nhan.pdf", "application/pdf");
	expect_status(&r, 303);
	fam = created_id(&r);
	hc_resp_free(&r);
	assert_int_equal(stored(fam).amount, 1000000);
	/* and a teacher through the API */
	teacher = propose_api("Thầy Trần Văn Bình", 500000);
	/* both sent to the ward */
	r = op(&thcs, SCHOOL, fam, "send", NULL);
	expect_status(&r, 200);
	expect_in(&r, "\"status\":\"sent\"");
	hc_resp_free(&r);
	r = ha_post_form(port, &thcs, BASE "/0",
	                 (const char *[]){"op", "send", "version", "1", NULL});
	expect_status(&r, 404);
	hc_resp_free(&r);
	char path[200], ver[32];
	snprintf(path, sizeof path, BASE "/%lld", (long long)teacher);
	snprintf(ver, sizeof ver, "%lld", (long long)stored(teacher).version);
	r = ha_post_form(port, &thcs, path, (const char *[]){"op", "send", "version", ver, NULL});
	expect_status(&r, 303);
	hc_resp_free(&r);
	store_award_t s = stored(teacher);
	assert_string_equal(s.status, "sent");
	/* the ward is told, and sees both waiting; it endorses both */
	r = ha_req(port, &ward, "GET", "/notices", NULL, 0);
	expect_status(&r, 200);
	expect_in(&r, "Đề nghị khen thưởng chờ xử lý: Gia đình bà Nguyễn Thị Thu");
	expect_in(&r, "Đề nghị khen thưởng chờ xử lý: Thầy Trần Văn Bình");
	hc_resp_free(&r);
	r = ha_req(port, &ward, "GET", "/units/11413/khen-thuong", NULL, 0);
	expect_status(&r, 200);
	expect_in(&r, "Chờ đơn vị xử lý (2)");
	expect_in(&r, "Gia đình bà Nguyễn Thị Thu");
	expect_in(&r, "Thầy Trần Văn Bình");
	hc_resp_free(&r);
	r = op(&ward, "11413", fam, "endorse", "\"comment\": \"Đồng ý đề nghị.\"");
	expect_status(&r, 200);
	hc_resp_free(&r);
	snprintf(path, sizeof path, "/units/11413/khen-thuong/%lld", (long long)teacher);
	snprintf(ver, sizeof ver, "%lld", (long long)stored(teacher).version);
	/* the review form posted whole, its "endorse" button pressed */
	r = ha_post_page_form(port, &ward, path, path, (const char *[]){"op", "endorse", NULL});
	expect_status(&r, 303);
	hc_resp_free(&r);
	/* the ward may not decide for the district */
	char body[300];
	snprintf(body, sizeof body, "{\"proposals\": [%lld, %lld], \"fund_source\": \"nsnn\"}",
	         (long long)fam, (long long)teacher);
	r = api(&ward, "POST", "/api/v1/units/306/award-decisions", body);
	expect_status(&r, 403);
	hc_resp_free(&r);
	assert_string_equal(stored(fam).status, "sent");
	/* the district decides through the page's form, both ticked */
	char f1[24], f2[24];
	snprintf(f1, sizeof f1, "%lld", (long long)fam);
	snprintf(f2, sizeof f2, "%lld", (long long)teacher);
	r = ha_post_form(port, &district, "/units/306/khen-thuong/quyet-dinh",
	                 (const char *[]){"proposal", f2, "proposal", f1, "fund_source", "nsnn",
	                                  "signer_name", "Trần Thị Kim Oanh", NULL});
	expect_status(&r, 303);
	int64_t doc = created_id(&r);
	hc_resp_free(&r);
	assert_string_equal(stored(fam).status, "in_decision");
	assert_int_equal(stored(fam).ord, 1); /* the family (a collective) first */
	assert_int_equal(stored(teacher).ord, 2);
	/* the draft: subject, Điều 1 and 2, the awards annex */
	snprintf(path, sizeof path, "/api/v1/units/306/docs/%lld", (long long)doc);
	r = ha_req(port, &district, "GET", path, NULL, 0);
	expect_status(&r, 200);
	expect_in(&r, "Về việc khen thưởng tập thể, cá nhân có thành tích trong Tuần lễ hưởng ứng "
	              "học tập suốt đời năm 2022");
	expect_in(&r, "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;");
	expect_in(&r, "Khen thưởng 1 tập thể và 1 cá nhân");
	expect_in(&r, "1.500.000 đồng");
	expect_in(&r, "Ngân sách nhà nước");
	expect_in(&r, "\"awards\":true");
	expect_in(&r, "Trần Thị Kim Oanh");
	hc_resp_free(&r);
	/* edited on the document form, the draft keeps its list of awards */
	snprintf(path, sizeof path, "/units/306/docs/%lld", (long long)doc);
	r = ha_req(port, &district, "GET", path, NULL, 0);
	expect_status(&r, 200);
	expect_in(&r, "name=\"annex_awards_0\" value=\"1\" checked");
	hc_resp_free(&r);
	doc_ver_t dv = {0};
	assert_int_equal(store_doc_get(app.store, doc, take_doc, &dv), 1);
	snprintf(ver, sizeof ver, "%lld", (long long)dv.version);
	r = ha_post_page_form(
	        port, &district, path, path,
	        (const char *[]){"version",
	                         ver,
	                         "kind",
	                         "qd",
	                         "subject",
	                         "Về việc khen thưởng tập thể, cá nhân có thành tích trong Tuần lễ "
	                         "hưởng ứng học tập suốt đời năm 2022",
	                         "body",
	                         "ỦY BAN NHÂN DÂN\nQUẬN HẢI AN",
	                         "body_abbr",
	                         "UBND",
	                         "place",
	                         "Hải An",
	                         "text",
	                         "**Điều 1.** Khen thưởng 1 tập thể và 1 cá nhân.",
	                         "signer_tm",
	                         "ỦY BAN NHÂN DÂN",
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
	                         NULL});
	expect_status(&r, 303);
	hc_resp_free(&r);
	snprintf(path, sizeof path, "/api/v1/units/306/docs/%lld", (long long)doc);
	r = ha_req(port, &district, "GET", path, NULL, 0);
	expect_in(&r, "\"awards\":true");
	hc_resp_free(&r);
	/* published through the documents' own route */
	assert_int_equal(store_doc_get(app.store, doc, take_doc, &dv), 1);
	snprintf(ver, sizeof ver, "%lld", (long long)dv.version);
	char page[100];
	snprintf(page, sizeof page, "/units/306/docs/%lld", (long long)doc);
	snprintf(path, sizeof path, "/units/306/docs/%lld/publish", (long long)doc);
	r = ha_post_page_form(port, &district, page, path, (const char *[]){"version", ver, NULL});
	expect_status(&r, 303);
	hc_resp_free(&r);
	assert_int_equal(store_doc_get(app.store, doc, take_doc, &dv), 1);
	assert_string_equal(dv.status, "published");
	assert_true(dv.number > 0);
	/* the issued decision prints both on its list, and their certificates */
	snprintf(path, sizeof path, "/units/306/docs/%lld", (long long)doc);
	r = ha_req(port, &district, "GET", path, NULL, 0);
	expect_status(&r, 200);
	expect_in(&r, "Gia đình bà Nguyễn Thị Thu");
	expect_in(&r, "Thầy Trần Văn Bình");
	hc_resp_free(&r);
	snprintf(path, sizeof path, "/units/306/docs/%lld/giay-khen.pdf", (long long)doc);
	r = ha_req(port, &district, "GET", path, NULL, 0);
	expect_status(&r, 200);
	assert_true(r.body.len > 4 && !memcmp(r.body.data, "%PDF", 4));
	hc_resp_free(&r);
	/* the district's commendation lines gained both and the money, live, with the
	 * decision as their source on its results form */
	figures_t after = district_totals();
	assert_int_equal(after.don_vi, before.don_vi + 1);
	assert_int_equal(after.ca_nhan, before.ca_nhan + 1);
	assert_int_equal(after.kinh_phi, before.kinh_phi + 1500000);
	snprintf(path, sizeof path, "/campaigns/%lld/units/306/report", (long long)campaign);
	r = ha_req(port, &district, "GET", path, NULL, 0);
	expect_status(&r, 200);
	expect_in(&r, "Trong đó theo quyết định khen thưởng");
	expect_in(&r, "Gia đình bà Nguyễn Thị Thu — Quyết định số");
	expect_in(&r, "Thầy Trần Văn Bình — Quyết định số");
	hc_resp_free(&r);
	/* both decided; the integrator's read sees them with the decision's facts */
	assert_string_equal(stored(fam).status, "decided");
	assert_string_equal(stored(teacher).status, "decided");
	decided_t d = {0};
	assert_int_equal(store_awards_find(app.store,
	                                   &(store_award_query_t){.campaign_id = campaign,
	                                                          .status = "decided",
	                                                          .issued_only = 1,
	                                                          .limit = -1},
	                                   take_decided, &d),
	                 0);
	assert_int_equal(d.n, 2);
	assert_int_equal(d.total, 1500000);
	assert_int_equal(d.document_id, doc);
	assert_int_equal(d.number, dv.number);
	assert_int_equal(d.issued_on, dv.date);
	assert_int_equal(d.ord_ok, 2);
	assert_string_equal(d.first, "gia_dinh_hieu_hoc");
	const unit_tree_t *t = app_tree(&app);
	assert_int_equal(d.decider, t->units[unit_tree_find_code(t, "306")].id);
	unit_tree_unref((unit_tree_t *)t);
	/* the history of the family, seen from the school */
	snprintf(path, sizeof path, BASE "/%lld", (long long)fam);
	r = ha_req(port, &thcs, "GET", path, NULL, 0);
	expect_status(&r, 200);
	expect_in(&r, "Lập đề nghị");
	expect_in(&r, "Gửi lên");
	expect_in(&r, "Đồng ý, trình lên");
	expect_in(&r, "Ý kiến: Đồng ý đề nghị.");
	expect_in(&r, "Đưa vào dự thảo quyết định");
	expect_in(&r, "Được khen thưởng");
	expect_in(&r, "Đã khen thưởng");
	expect_in(&r, "xac-nhan.pdf");
	hc_resp_free(&r);
	assert_int_equal(events(fam), 5);
	/* its file, byte for byte, as a PDF */
	snprintf(path, sizeof path, API "/%lld", (long long)fam);
	r = ha_req(port, &thcs, "GET", path, NULL, 0);
	expect_status(&r, 200);
	json_t *j = body_json(&r);
	json_t *files = json_object_get(j, "files");
	assert_int_equal(json_array_size(files), 1);
	char furl[200];
	snprintf(furl, sizeof furl, "%s",
	         json_string_value(json_object_get(json_array_get(files, 0), "url")));
	json_decref(j);
	hc_resp_free(&r);
	r = ha_req(port, &thcs, "GET", furl, NULL, 0);
	expect_status(&r, 200);
	char ct[100];
	assert_non_null(hc_header(&r, "Content-Type", ct, sizeof ct));
	assert_string_equal(ct, "application/pdf");
	assert_int_equal(r.body.len, sizeof pdf - 1);
	assert_memory_equal(r.body.data, pdf, sizeof pdf - 1);
	hc_resp_free(&r);
	/* the district's page lists the decision as issued */
	r = ha_req(port, &district, "GET", "/units/306/khen-thuong", NULL, 0);
	expect_status(&r, 200);
	expect_in(&r, "Đã ban hành");
	expect_in(&r, "1.500.000 đ");
	hc_resp_free(&r);
}

/* ---------- access ---------- */

static void
test_access(void **state)
{
	(void)state;
	int64_t id = propose_api("Cô Lê Thị Hạnh", 300000);
	char path[200];
	/* a sibling school: not through the school's pages (the guard), nor through its own */
	snprintf(path, sizeof path, BASE "/%lld", (long long)id);
	hc_resp_t r = ha_req(port, &th, "GET", path, NULL, 0);
	expect_status(&r, 403);
	hc_resp_free(&r);
	snprintf(path, sizeof path, "/units/HA-11413-TH/khen-thuong/%lld", (long long)id);
	r = ha_req(port, &th, "GET", path, NULL, 0);
	expect_status(&r, 404);
	hc_resp_free(&r);
	r = op(&th, "HA-11413-TH", id, "send", NULL);
	expect_status(&r, 404);
	hc_resp_free(&r);
	r = ha_req(port, &th, "GET", "/api/v1/units/HA-11413-TH/awards", NULL, 0);
	expect_status(&r, 200);
	assert_false(has(&r, "Cô Lê Thị Hạnh"));
	hc_resp_free(&r);
	assert_string_equal(stored(id).status, "draft");
	/* a draft is the school's own business: the ward's lists do not show it */
	r = ha_req(port, &ward, "GET", "/units/11413/khen-thuong", NULL, 0);
	expect_status(&r, 200);
	assert_false(has(&r, "Cô Lê Thị Hạnh"));
	hc_resp_free(&r);
	/* the ward cannot act on a draft still at the school */
	r = op(&ward, "11413", id, "endorse", NULL);
	expect_status(&r, 409);
	hc_resp_free(&r);
	/* sent, endorsed: at the district now, the ward can no longer act on it */
	r = op(&thcs, SCHOOL, id, "send", NULL);
	expect_status(&r, 200);
	hc_resp_free(&r);
	r = op(&ward, "11413", id, "endorse", NULL);
	expect_status(&r, 200);
	hc_resp_free(&r);
	int64_t v = stored(id).version;
	r = op(&ward, "11413", id, "endorse", NULL);
	expect_status(&r, 409);
	expect_in(&r, "Quận Hải An");
	hc_resp_free(&r);
	r = op(&ward, "11413", id, "return", "\"comment\": \"Bổ sung minh chứng.\"");
	expect_status(&r, 409);
	hc_resp_free(&r);
	r = op(&ward, "306", id, "endorse", NULL); /* acting as the district: the guard */
	expect_status(&r, 403);
	hc_resp_free(&r);
	assert_int_equal(stored(id).version, v);
	/* nor put it in a decision of its own */
	char body[200];
	snprintf(body, sizeof body, "{\"proposals\": [%lld], \"fund_source\": \"nsnn\"}",
	         (long long)id);
	r = api(&ward, "POST", "/api/v1/units/11413/award-decisions", body);
	expect_status(&r, 422);
	expect_in(&r, "\"proposals\"");
	hc_resp_free(&r);
	/* a school's head is not a reviewer of the district's queue */
	r = op(&thcs, "306", id, "decline", "\"comment\": \"Không đủ tiêu chuẩn.\"");
	expect_status(&r, 403);
	hc_resp_free(&r);
	/* the district, where it is, returns it with a reason */
	r = op(&district, "306", id, "return", "\"comment\": \"Bổ sung bản xác nhận thành tích.\"");
	expect_status(&r, 200);
	expect_in(&r, "\"status\":\"returned\"");
	hc_resp_free(&r);
	assert_int_equal(stored(id).at_unit_id, stored(id).unit_id);
	r = ha_req(port, &thcs, "GET", "/notices", NULL, 0);
	expect_status(&r, 200);
	expect_in(&r, "Đề nghị khen thưởng bị trả lại: Cô Lê Thị Hạnh");
	expect_in(&r, "Ý kiến: Bổ sung bản xác nhận thành tích.");
	hc_resp_free(&r);
	/* a sibling school hears nothing of it */
	r = ha_req(port, &th, "GET", "/notices", NULL, 0);
	expect_status(&r, 200);
	assert_false(has(&r, "Cô Lê Thị Hạnh"));
	hc_resp_free(&r);
}

/* ---------- bad input ---------- */

static void
bad_form(const char *field, const char *value, const char *says)
{
	const char *kv[] = {"category",     "ca_nhan",      "name",
	                    "Nguyễn Văn A", "achievements", "Tự học ngoại ngữ.",
	                    "form",         "giay_khen",    "amount",
	                    "200000",       NULL,           NULL};
	for (size_t k = 0; kv[k]; k += 2)
		if (!strcmp(kv[k], field))
			kv[k + 1] = value;
	int before = proposals();
	hc_resp_t r =
	        ha_post_page_multipart(port, &thcs, BASE, BASE, kv, "files", NULL, 0, NULL, NULL);
	expect_status(&r, 422);
	expect_in(&r, says);
	expect_in(&r, "field-err");
	hc_resp_free(&r);
	assert_int_equal(proposals(), before);
}

static void
bad_api(const char *body, long status, const char *says)
{
	int before = proposals();
	hc_resp_t r = api(&thcs, "POST", API, body);
	expect_status(&r, status);
	expect_in(&r, says);
	hc_resp_free(&r);
	assert_int_equal(proposals(), before);
}

#define GOOD_API                                                                                        \
	"\"category\": \"ca_nhan\", \"name\": \"Nguyễn Văn A\", \"achievements\": \"Tự học.\", " \
	"\"form\": \"giay_khen\""

static void
test_bad_input(void **state)
{
	(void)state;
	/* the form */
	bad_form("amount", "-5", "Số tiền thưởng không được âm");
	bad_form("amount", "60.000.000", "vượt mức tối đa 50.000.000 đồng");
	bad_form("amount", "abc", "Số tiền thưởng “abc” không phải số nguyên");
	bad_form("amount", "1,5", "không phải số nguyên");
	bad_form("category", "khong_co", "Loại đề nghị “khong_co” không có trong danh mục");
	bad_form("form", "huan_chuong", "Hình thức khen thưởng “huan_chuong” không có");
	bad_form("name", "   ", "Tên tập thể, cá nhân: chưa nhập");
	bad_form("achievements", " \n ", "Thành tích: chưa nhập");
	/* the API: wrong types are refused, never coerced */
	bad_api("{" GOOD_API ", \"amount\": \"500000\"}", 400,
	        "Trường “amount” phải là một số nguyên");
	bad_api("{" GOOD_API ", \"amount\": true}", 400, "Trường “amount” phải là một số nguyên");
	bad_api("{" GOOD_API ", \"amount\": 1.5}", 400, "Trường “amount” phải là một số nguyên");
	bad_api("{" GOOD_API ", \"amount\": -1}", 422, "\"amount\"");
	bad_api("{" GOOD_API ", \"amount\": 99999999999999}", 422, "vượt mức tối đa");
	bad_api("{\"category\": \"ca_nhan\", \"name\": 5, \"achievements\": \"B\", \"form\": "
	        "\"giay_khen\"}",
	        400, "Trường “name” phải là một chuỗi");
	bad_api("{" GOOD_API ", \"amount\": 1, \"foo\": 1}", 400, "Trường “foo” không được nhận");
	bad_api("{\"category\": \"huy_chuong\", \"name\": \"A\", \"achievements\": \"B\", "
	        "\"form\": \"giay_khen\"}",
	        422, "\"category\"");
	bad_api("{" GOOD_API
	        ", \"files\": [{\"name\": \"a.exe\", \"data\": \"TVqQAAMAAAAEAAAA\"}]}",
	        422, "\"files\"");
	bad_api("[1]", 400, "đối tượng JSON");
	/* a return needs a real comment; nothing moves when it is blank */
	int64_t id = propose_api("Bà Đỗ Thị Lụa", 100000);
	hc_resp_t r = op(&thcs, SCHOOL, id, "send", NULL);
	expect_status(&r, 200);
	hc_resp_free(&r);
	int64_t v = stored(id).version;
	int ev = events(id);
	r = op(&ward, "11413", id, "return", "\"comment\": \"   \"");
	expect_status(&r, 422);
	expect_in(&r, "\"comment\"");
	hc_resp_free(&r);
	char path[200], ver[32];
	snprintf(path, sizeof path, "/units/11413/khen-thuong/%lld", (long long)id);
	snprintf(ver, sizeof ver, "%lld", (long long)v);
	r = ha_post_page_form(port, &ward, path, path,
	                      (const char *[]){"op", "return", "comment", " \t ", NULL});
	expect_status(&r, 422);
	expect_in(&r, "Ý kiến: hãy ghi rõ");
	hc_resp_free(&r);
	assert_string_equal(stored(id).status, "sent");
	assert_int_equal(stored(id).version, v);
	assert_int_equal(events(id), ev);
	/* a stale version */
	int64_t d = propose_api("Ông Vũ Văn Nam", 100000);
	int64_t v1 = stored(d).version;
	r = op(&thcs, SCHOOL, d, "edit", "\"amount\": 200000");
	expect_status(&r, 200);
	hc_resp_free(&r);
	snprintf(path, sizeof path, API "/%lld", (long long)d);
	char body[200];
	snprintf(body, sizeof body, "{\"op\": \"edit\", \"version\": %lld, \"amount\": 300000}",
	         (long long)v1);
	r = api(&thcs, "POST", path, body);
	expect_status(&r, 409);
	hc_resp_free(&r);
	assert_int_equal(stored(d).amount, 200000);
	snprintf(body, sizeof body, "{\"op\": \"edit\", \"version\": \"%lld\"}", (long long)v1);
	r = api(&thcs, "POST", path, body);
	expect_status(&r, 400);
	expect_in(&r, "Trường “version” phải là số nguyên");
	hc_resp_free(&r);
	r = api(&thcs, "POST", path, "{\"op\": \"promote\", \"version\": 1}");
	expect_status(&r, 400);
	expect_in(&r, "op:");
	hc_resp_free(&r);
	/* a decision: unknown fund source, no proposal */
	r = api(&district, "POST", "/api/v1/units/306/award-decisions",
	        "{\"proposals\": [], \"fund_source\": \"vay\"}");
	expect_status(&r, 422);
	expect_in(&r, "\"fund_source\"");
	expect_in(&r, "\"proposals\"");
	hc_resp_free(&r);
	r = api(&district, "POST", "/api/v1/units/306/award-decisions",
	        "{\"proposals\": [\"1\"], \"fund_source\": \"nsnn\"}");
	expect_status(&r, 400);
	hc_resp_free(&r);
}

/* ---------- trim, decline, remove ---------- */

static void
test_review_ops(void **state)
{
	(void)state;
	int64_t id = propose_api("Cô Phạm Thu Trang", 800000);
	hc_resp_t r = op(&thcs, SCHOOL, id, "send", NULL);
	expect_status(&r, 200);
	hc_resp_free(&r);
	/* trim: never up, needs a reason */
	r = op(&ward, "11413", id, "trim", "\"amount\": 900000, \"comment\": \"Điều chỉnh.\"");
	expect_status(&r, 422);
	expect_in(&r, "chỉ được giảm");
	hc_resp_free(&r);
	r = op(&ward, "11413", id, "trim", "\"amount\":400000");
	expect_status(&r, 422);
	expect_in(&r, "\"comment\"");
	hc_resp_free(&r);
	r = op(&ward, "11413", id, "trim",
	       "\"amount\": 400000, \"form\": \"giay_chung_nhan\", \"comment\": \"Theo mức chi "
	       "của phường.\"");
	expect_status(&r, 200);
	expect_in(&r, "\"proposed_amount\":800000");
	expect_in(&r, "\"amount\":400000");
	hc_resp_free(&r);
	store_award_t s = stored(id);
	assert_int_equal(s.amount, 400000);
	assert_int_equal(s.proposed_amount, 800000);
	assert_string_equal(s.form, "giay_chung_nhan");
	/* into a district decision, then removed from the draft: back in the queue */
	r = op(&ward, "11413", id, "endorse", NULL);
	expect_status(&r, 200);
	hc_resp_free(&r);
	char body[200];
	snprintf(body, sizeof body, "{\"proposals\": [%lld], \"fund_source\": \"xhh\"}",
	         (long long)id);
	r = api(&district, "POST", "/api/v1/units/306/award-decisions", body);
	expect_status(&r, 201);
	json_t *j = body_json(&r);
	assert_true(jint(j, "document_id") > 0);
	json_decref(j);
	hc_resp_free(&r);
	assert_string_equal(stored(id).status, "in_decision");
	r = op(&district, "306", id, "remove", NULL);
	expect_status(&r, 200);
	hc_resp_free(&r);
	s = stored(id);
	assert_string_equal(s.status, "sent");
	assert_int_equal(s.decision_id, 0);
	/* declined: final */
	r = op(&district, "306", id, "decline",
	       "\"comment\": \"Trùng với đề nghị cấp thành phố.\"");
	expect_status(&r, 200);
	hc_resp_free(&r);
	assert_string_equal(stored(id).status, "declined");
	r = op(&district, "306", id, "endorse", NULL);
	expect_status(&r, 409);
	hc_resp_free(&r);
	r = op(&thcs, SCHOOL, id, "edit", "\"amount\": 1");
	expect_status(&r, 409);
	hc_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_done_when),
	        cmocka_unit_test(test_access),
	        cmocka_unit_test(test_bad_input),
	        cmocka_unit_test(test_review_ops),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
