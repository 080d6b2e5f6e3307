/* Decided awards in the results form (docs/awards.md, "In the results form"), over real
 * HTTP on the demo's Hải Phòng 2022 campaign. Trường THCS Đằng Lâm has saved its own
 * commendation figures (2 collectives, 3 persons, 700.000 đồng). Then:
 * - quận Hải An (a level: it types no figures) issues a decision giving a "gia đình hiếu
 *   học" 1.000.000 đồng and a teacher 500.000 đồng: the district's totals, the ward's
 *   unchanged, the city's, gain exactly those, in both layers, the reports counted stay the
 *   same, and the district's form shows the part with the decision as its source (page and
 *   API) — whether the live roll-up was loaded when the decision came
 *   (rep_awards_changed) or is built afterwards from the store;
 * - the school's own decision (it reports itself) is not added to any total: its form
 *   suggests it, with the decision as the source, and flags the typed number that
 *   disagrees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/buf.h"
#include "domain/demo.h"
#include "helper_app.h"
#include "service/reporting.h"

#define PASSWORD "Khen-thuong-2022"
#define SCHOOL "HA-11413-THCS"
#define WARD "11413"
#define DISTRICT "306"
#define CITY "31"

static char tmpdir[] = "/tmp/suotdoi-awt-XXXXXX";
static char db[256];
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t campaign;
static ha_client_t officer, head;

static void
sql(const char *fmt, ...)
{
	char q[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(q, sizeof q, fmt, ap);
	va_end(ap);
	char err[1024];
	if (ha_sql(db, q, err, sizeof err) < 0)
		fail_msg("%s: %s", q, err);
}

static int64_t
unit_id(const char *code)
{
	unit_tree_t *t = app_tree(&app);
	int32_t i = unit_tree_find_code(t, code);
	int64_t id = i >= 0 ? t->units[i].id : 0;
	unit_tree_unref(t);
	assert_true(id > 0);
	return id;
}

static const char *
unit_path(const char *code)
{
	static char p[4][128];
	static int k;
	k = (k + 1) % 4;
	unit_tree_t *t = app_tree(&app);
	buf_t b = BUF_INIT;
	unit_tree_path(t, unit_tree_find_code(t, code), &b);
	snprintf(p[k], sizeof p[k], "%s", buf_cstr(&b));
	buf_free(&b);
	unit_tree_unref(t);
	return p[k];
}

#define QD_JSON                                                                                             \
	"{\"kind\":\"qd\",\"date\":\"2022-10-15\",\"year\":2022,\"body_abbr\":\"UBND\","                    \
	"\"drafter_abbr\":\"\",\"parent_body\":\"\",\"body\":\"Ủy ban nhân dân\\nquận Hải An\","    \
	"\"place\":\"Hải An\",\"subject\":\"Về việc khen thưởng\",\"bases\":[],\"recipients\":[]," \
	"\"text\":\"Điều 1.\",\"duties\":[],\"distribution\":[],\"signer\":{\"tm\":\"\","                \
	"\"authority\":\"\",\"head\":\"CHỦ TỊCH\",\"position\":\"CHỦ TỊCH\",\"name\":\"Trần "     \
	"Thị Kim Oanh\"},\"annexes\":[]}"

/* An issued decision of unit code, number n, with awards (category, name, amount)
 * triples; returns the decision's document id. */
static int64_t
decision(const char *code, int n, const char *const *awards, size_t nawards)
{
	static int64_t next_doc = 9000, next_dec = 100, next_prop = 5000;
	int64_t doc = ++next_doc, dec = ++next_dec;
	sql("INSERT INTO documents(id,issuer_unit_id,campaign_id,kind,status,year,number,doc_date,"
	    "subject,json,version,created_at,updated_at,published_at) VALUES(%lld,%lld,%lld,'qd',"
	    "'published',2022,%d,19280,'Về việc khen thưởng','%s',2,1,1,1)",
	    (long long)doc, (long long)unit_id(code), (long long)campaign, n, QD_JSON);
	sql("INSERT INTO award_decisions(id,unit_id,unit_path,campaign_id,document_id,fund_source,"
	    "status,issued_on,created_at) VALUES(%lld,%lld,'%s',%lld,%lld,'nsnn','issued',19280,1)",
	    (long long)dec, (long long)unit_id(code), unit_path(code), (long long)campaign,
	    (long long)doc);
	for (size_t k = 0; k < nawards; k++) {
		const char *const *a = awards + 3 * k;
		sql("INSERT INTO "
		    "award_proposals(id,campaign_id,unit_id,unit_path,at_unit_id,at_path,"
		    "status,category,name,form,amount,proposed_form,proposed_amount,decision_id,"
		    "ord,"
		    "version,created_at,updated_at) VALUES(%lld,%lld,%lld,'%s',%lld,'%s','decided',"
		    "'%s','%s','giay_khen',%s,'giay_khen',%s,%lld,%zu,3,1,1)",
		    (long long)++next_prop, (long long)campaign, (long long)unit_id(SCHOOL),
		    unit_path(SCHOOL), (long long)unit_id(code), unit_path(code), a[0], a[1], a[2],
		    a[2], (long long)dec, k + 1);
	}
	return doc;
}

static json_t *
get_json(ha_client_t *c, const char *path)
{
	hc_resp_t r = ha_req(port, c, "GET", path, NULL, 0);
	if (r.status != 200)
		fail_msg("GET %s: %ld %.300s", path, r.status, buf_cstr(&r.body));
	json_error_t e;
	json_t *j = json_loads(buf_cstr(&r.body), 0, &e);
	assert_non_null(j);
	hc_resp_free(&r);
	return j;
}

typedef struct figures {
	int64_t don_vi, ca_nhan, kinh_phi, reports;
} figures_t;

/* The subtree totals of unit (drafts included: the school's report is a draft). */
static figures_t
totals(const char *unit)
{
	char p[300];
	snprintf(p, sizeof p, "/api/v1/campaigns/%lld/units/%s?drafts=1", (long long)campaign,
	         unit);
	json_t *j = get_json(&officer, p), *t = json_object_get(j, "totals");
	figures_t f = {json_integer_value(json_object_get(t, "8.don_vi")),
	               json_integer_value(json_object_get(t, "8.ca_nhan")),
	               json_integer_value(json_object_get(t, "8.kinh_phi")),
	               json_integer_value(json_object_get(j, "reports"))};
	json_decref(j);
	return f;
}

static char *
page(ha_client_t *c, const char *unit, const char *tail)
{
	char p[300];
	snprintf(p, sizeof p, "/campaigns/%lld/units/%s%s", (long long)campaign, unit, tail);
	hc_resp_t r = ha_req(port, c, "GET", p, NULL, 0);
	if (r.status != 200)
		fail_msg("GET %s: %ld", p, r.status);
	char *s = strdup(buf_cstr(&r.body));
	hc_resp_free(&r);
	return s;
}

static int
setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "a.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	unit_tree_t *t = app_tree(&app);
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &campaign);
	unit_tree_unref(t);
	if (rc != 0)
		return -1;
	ha_user(&app, "canbo.haian", CITY, ROLE_OVERSEER, PASSWORD);
	ha_user(&app, "hieutruong.thcs", SCHOOL, ROLE_HEAD, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &officer, "canbo.haian", PASSWORD) != 303 ||
	    ha_login(port, &head, "hieutruong.thcs", PASSWORD) != 303)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return ha_stop(srv, &app, tmpdir);
}

static void
expect(figures_t got, figures_t want, const char *what)
{
	if (got.don_vi != want.don_vi || got.ca_nhan != want.ca_nhan ||
	    got.kinh_phi != want.kinh_phi || got.reports != want.reports)
		fail_msg("%s: %lld/%lld/%lld (%lld reports), want %lld/%lld/%lld (%lld)", what,
		         (long long)got.don_vi, (long long)got.ca_nhan, (long long)got.kinh_phi,
		         (long long)got.reports, (long long)want.don_vi, (long long)want.ca_nhan,
		         (long long)want.kinh_phi, (long long)want.reports);
}

/* The fields of CSV line l (quotes handled), into f (at most cap), count returned. */
static size_t
csv_fields(const char *l, char f[][200], size_t cap)
{
	size_t n = 0;
	while (n < cap) {
		size_t k = 0;
		if (*l == '"') {
			l++;
			while (*l && !(*l == '"' && l[1] != '"')) {
				if (*l == '"')
					l++;
				if (k < 199)
					f[n][k++] = *l;
				l++;
			}
			if (*l == '"')
				l++;
		} else
			while (*l && *l != ',' && *l != '\n' && *l != '\r')
				if (k < 199)
					f[n][k++] = *l++;
				else
					l++;
		f[n++][k] = '\0';
		if (*l != ',')
			break;
		l++;
	}
	return n;
}

/* The district's matrix: a row for the level's decision, and the column of item (by the end
 * of its heading) adding up to the subtree's total. */
static void
matrix_adds_up(const char *heading_end, int64_t want)
{
	char p[300];
	snprintf(p, sizeof p, "/campaigns/%lld/units/%s/matrix?format=csv", (long long)campaign,
	         DISTRICT);
	hc_resp_t r = ha_req(port, &officer, "GET", p, NULL, 0);
	assert_int_equal(r.status, 200);
	static char f[64][200];
	char *csv = strdup(buf_cstr(&r.body)), *save = NULL;
	hc_resp_free(&r);
	int col = -1, level_row = 0;
	int64_t sum = 0;
	for (char *l = strtok_r(csv, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		size_t n = csv_fields(l, f, 64);
		if (col < 0) {
			for (size_t k = 0; k < n; k++) {
				size_t hl = strlen(f[k]), el = strlen(heading_end);
				if (hl >= el && !strcmp(f[k] + hl - el, heading_end))
					col = (int)k;
			}
			assert_true(col >= 0);
			continue;
		}
		if (!strcmp(f[0], DISTRICT)) {
			level_row = 1;
			assert_non_null(strstr(l, "Khen thưởng theo quyết định"));
		}
		if ((size_t)col < n)
			sum += atoll(f[col]);
	}
	free(csv);
	assert_true(level_row);
	assert_int_equal(sum, want);
}

static void
test_level_decision(void **state)
{
	(void)state;
	/* the school's own figures, typed and saved as a draft */
	char p[300], body[300];
	snprintf(p, sizeof p, "/api/v1/campaigns/%lld/units/%s/report", (long long)campaign,
	         SCHOOL);
	snprintf(body, sizeof body,
	         "{\"values\":{\"8.don_vi\":2,\"8.ca_nhan\":3,\"8.kinh_phi\":700000}}");
	hc_resp_t r = ha_req(port, &head, "POST", p, body, 1);
	if (r.status != 200)
		fail_msg("save: %ld %s", r.status, buf_cstr(&r.body));
	hc_resp_free(&r);
	figures_t w0 = totals(WARD), d0 = totals(DISTRICT), c0 = totals(CITY);
	assert_int_equal(w0.ca_nhan, 3);
	assert_int_equal(d0.kinh_phi, 700000);

	/* the district's decision, while the campaign's roll-up is loaded */
	const char *const aw[] = {"gia_dinh_hieu_hoc", "Gia đình ông Nguyễn Văn Hòa",
	                          "1000000",           "ca_nhan",
	                          "Cô Phạm Thị Thu",   "500000"};
	decision(DISTRICT, 3, aw, 2);
	expect(totals(DISTRICT), d0, "before the service hears of it (nothing moved yet)");
	unit_tree_t *t = app_tree(&app);
	rep_awards_changed(app.live, app.store, t, campaign, unit_id(DISTRICT));
	figures_t want = {d0.don_vi + 1, d0.ca_nhan + 1, d0.kinh_phi + 1500000, d0.reports};
	expect(totals(DISTRICT), want, "district after the decision");
	expect(totals(WARD), w0, "the ward is below the decision: unchanged");
	figures_t cw = {c0.don_vi + 1, c0.ca_nhan + 1, c0.kinh_phi + 1500000, c0.reports};
	expect(totals(CITY), cw, "city");
	/* counted layer too (no report counted, only the decision) */
	char q[300];
	snprintf(q, sizeof q, "/api/v1/campaigns/%lld/units/%s", (long long)campaign, DISTRICT);
	json_t *j = get_json(&officer, q);
	assert_int_equal(
	        json_integer_value(json_object_get(json_object_get(j, "totals"), "8.ca_nhan")), 1);
	json_decref(j);

	/* rebuilt from the store: the same */
	rep_live_forget(app.live, campaign);
	expect(totals(DISTRICT), want, "district after a rebuild");
	expect(totals(CITY), cw, "city after a rebuild");
	unit_tree_unref(t);

	/* the per-unit matrix holds the level's decision as a row: its rows add up */
	matrix_adds_up("Số cá nhân được khen thưởng", want.ca_nhan);
	matrix_adds_up("Tổng kinh phí khen thưởng", want.kinh_phi);

	/* the district's form: the part from its decision, with the decision as the source */
	char *html = page(&officer, DISTRICT, "/report");
	if (!strstr(html, "Trong đó theo quyết định khen thưởng: <strong class=\"num\">1.500.000"
	                  "</strong>"))
		fail_msg("no decision part on 8.kinh_phi:\n%s", strstr(html, "8.kinh_phi") ?: html);
	assert_non_null(strstr(html, "Gia đình ông Nguyễn Văn Hòa — Quyết định số 03/QĐ-UBND ngày "
	                             "15/10/2022 của Ủy ban nhân dân quận Hải An — 15/10/2022: "
	                             "<strong>+1</strong>"));
	assert_non_null(strstr(html, "Cô Phạm Thị Thu — Quyết định số 03/QĐ-UBND"));
	assert_non_null(strstr(html, "Nguồn: 2 khen thưởng theo quyết định"));
	assert_non_null(strstr(html, "3 dòng của tổng số có phần từ các quyết định khen thưởng"));
	assert_null(strstr(html, "Điền các số gợi ý")); /* a level fills nothing */
	free(html);
	snprintf(q, sizeof q, "/api/v1/campaigns/%lld/units/%s/report", (long long)campaign,
	         DISTRICT);
	j = get_json(&officer, q);
	json_t *kp = json_object_get(json_object_get(j, "prefill"), "8.kinh_phi");
	assert_int_equal(json_integer_value(json_object_get(kp, "value")), 1500000);
	assert_true(json_is_true(json_object_get(kp, "part_of_total")));
	assert_false(json_is_true(json_object_get(kp, "differs")));
	assert_true(json_integer_value(json_object_get(
	                    json_array_get(json_object_get(kp, "sources"), 0), "award")) > 0);
	json_decref(j);
	/* the ward's form: nothing of the district's decision */
	html = page(&officer, WARD, "/report");
	assert_null(strstr(html, "theo quyết định khen thưởng"));
	free(html);
}

static void
test_unit_decision(void **state)
{
	(void)state;
	figures_t d0 = totals(DISTRICT);
	const char *const aw[] = {"tam_guong_tu_hoc", "Em Lê Minh Khang", "200000"};
	decision(SCHOOL, 1, aw, 1);
	unit_tree_t *t = app_tree(&app);
	live_campaign_t *lc = rep_live_peek(app.live, t, campaign);
	assert_non_null(lc);
	uint64_t g = rollup_generation(lc->ru);
	rep_awards_changed(app.live, app.store, t, campaign, unit_id(SCHOOL));
	/* every level read again: nothing changed, so no cached page is dropped */
	rep_awards_changed(app.live, app.store, t, campaign, 0);
	assert_int_equal(rollup_generation(lc->ru), g);
	unit_tree_unref(t);
	/* a school reports itself: its decision reaches the totals only through its report */
	expect(totals(DISTRICT), d0, "district after the school's decision");
	char p[300];
	snprintf(p, sizeof p, "/api/v1/campaigns/%lld/units/%s/report", (long long)campaign,
	         SCHOOL);
	json_t *j = get_json(&head, p);
	json_t *cn = json_object_get(json_object_get(j, "prefill"), "8.ca_nhan");
	assert_int_equal(json_integer_value(json_object_get(cn, "value")), 1);
	assert_int_equal(json_integer_value(json_object_get(cn, "saved")), 3);
	assert_true(json_is_true(json_object_get(cn, "differs")));
	assert_null(json_object_get(cn, "part_of_total"));
	json_t *kp = json_object_get(json_object_get(j, "prefill"), "8.kinh_phi");
	assert_int_equal(json_integer_value(json_object_get(kp, "value")), 200000);
	/* the district's decision is not the school's */
	assert_null(json_object_get(json_object_get(j, "prefill"), "8.don_vi"));
	json_decref(j);
	char *html = page(&head, SCHOOL, "/report");
	assert_non_null(strstr(html,
	                       "Từ quyết định khen thưởng: <strong class=\"num\">1</strong> · "
	                       "<span class=\"differs\">khác số đã nhập: 3</span>"));
	assert_non_null(strstr(html, "Em Lê Minh Khang — Quyết định số 01/QĐ-UBND"));
	free(html);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_level_decision),
	        cmocka_unit_test(test_unit_decision),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
