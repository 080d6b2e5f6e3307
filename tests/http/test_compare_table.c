/* The comparison table over real HTTP (src/app/table_pages.c): Hải Phòng's 2022 demo
 * campaign with a school of each of seven communes of quận Hải An and huyện Tiên Lãng
 * submitted (one with far more articles than the others). For Thành phố Hải Phòng (31) the
 * table lists every district its dashboard lists, each with its dashboard's totals, column
 * for column, and the city's own total; sorting orders the rows; the kind filter keeps one
 * kind; depth=2 gives the communes with the outlier marked; the XLSX and the CSV hold one
 * row per unit with its ancestry; the per-unit export has ancestry columns and no heading
 * twice; bad parameters are refused in Vietnamese. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "app/app.h"
#include "domain/demo.h"
#include "helper_app.h"
#include "service/reporting.h"

#define PASSWORD "Bang-so-sanh-kiem-tra"
#define NOW22 1665000000

static char tmpdir[] = "/tmp/suotdoi-tab-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t cid;
static ha_client_t officer;

/* A primary school in each of seven communes, and its number of articles (2.bao). */
static const struct {
	const char *code;
	int64_t bao;
} schools[] = {
        {"TL-11755-TH", 10}, {"TL-11761-TH", 12},  {"TL-11770-TH", 11}, {"HA-11413-TH", 13},
        {"HA-11419-TH", 9},  {"HA-11422-TH", 500}, {"HA-11425-TH", 12},
};
#define NSCHOOLS (sizeof schools / sizeof schools[0])

/* ---------- the store before the server starts ---------- */

static int
submit(store_t *st, rep_live_t *live, unit_tree_t *t, const char *code, int64_t bao, int64_t k)
{
	live_campaign_t *lc;
	if (rep_live_get(live, st, t, cid, &lc) != REP_OK)
		return -1;
	arena_t a = ARENA_INIT;
	rep_values_t v;
	rep_values_init(&a, lc->c->tpl, &v);
	const char *codes[] = {"2.bao", "8.kinh_phi", "5.2.lop", "5.2.nguoi", "1.ke_hoach"};
	int64_t nums[] = {bao, 1000000 * k, k, 20 * k, 1};
	for (int i = 0; i < 5; i++) {
		const tpl_item_t *it = template_item(lc->c->tpl, codes[i]);
		v.num[it->col] = nums[i];
		v.has[it->col] = 1;
	}
	rep_ctx_t cx = {st, t, live, &a, NOW22, {0, "operator", "", NULL, 0, 1}, NULL, NULL};
	rep_input_t in = {.op = REP_SUBMIT, .values = &v, .expected_version = -1};
	rep_outcome_t out;
	rep_rc_t rc = rep_apply(&cx, lc, unit_tree_find_code(t, code), &in, &out);
	if (rc != REP_OK)
		fprintf(stderr, "submit %s: %s\n", code, out.message);
	arena_free(&a);
	return rc == REP_OK ? 0 : -1;
}

static int
prepare(const char *db)
{
	char err[600];
	store_t *st;
	unit_tree_t *t;
	if (store_open(db, &st, err, sizeof err) < 0 ||
	    unit_tree_build(st, &t, err, sizeof err) < 0)
		return -1;
	int rc = demo_campaign(st, t, TEST_SOURCE_DIR, &cid);
	rep_live_t *live = rep_live_new(NULL, NULL);
	for (size_t k = 0; k < NSCHOOLS && rc == 0; k++)
		rc = submit(st, live, t, schools[k].code, schools[k].bao, (int64_t)k + 1);
	rep_live_free(live);
	unit_tree_unref(t);
	store_close(st);
	return rc;
}

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "t.db", db, sizeof db) < 0 ||
	    prepare(db) < 0 || ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	ha_user(&app, "chuyenvien.so", "31", ROLE_OVERSEER, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return ha_login(port, &officer, "chuyenvien.so", PASSWORD) == 303 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	return ha_stop(srv, &app, tmpdir);
}

/* ---------- helpers ---------- */

static hc_resp_t get(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static hc_resp_t
get(const char *fmt, ...)
{
	char path[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(path, sizeof path, fmt, ap);
	va_end(ap);
	return ha_req(port, &officer, "GET", path, NULL, 0);
}

static json_t *get_json(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static json_t *
get_json(const char *fmt, ...)
{
	char path[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(path, sizeof path, fmt, ap);
	va_end(ap);
	hc_resp_t r = ha_req(port, &officer, "GET", path, NULL, 0);
	if (r.status != 200)
		fail_msg("GET %s: %ld %.400s", path, r.status, buf_cstr(&r.body));
	json_error_t je;
	json_t *j = json_loads(buf_cstr(&r.body), 0, &je);
	if (!j)
		fail_msg("not JSON: %.300s", buf_cstr(&r.body));
	hc_resp_free(&r);
	return j;
}

static json_t *
table_json(const char *unit, const char *query)
{
	return get_json("/api/v1/campaigns/%lld/units/%s/table%s", (long long)cid, unit, query);
}

static int64_t
row_total(json_t *row, const char *item)
{
	return json_integer_value(json_object_get(json_object_get(row, "totals"), item));
}

/* The fields of one CSV line (RFC 4180 quoting), each copied into out[] (at most max). */
static size_t
csv_fields(const char *line, char out[][400], size_t max)
{
	size_t n = 0;
	const char *p = line;
	while (n < max) {
		size_t k = 0;
		if (*p == '"') {
			p++;
			while (*p && !(*p == '"' && p[1] != '"')) {
				if (*p == '"')
					p++;
				if (k < 399)
					out[n][k++] = *p;
				p++;
			}
			if (*p == '"')
				p++;
		} else
			while (*p && *p != ',' && *p != '\r' && *p != '\n') {
				if (k < 399)
					out[n][k++] = *p;
				p++;
			}
		out[n++][k] = '\0';
		if (*p != ',')
			break;
		p++;
	}
	return n;
}

/* The lines of a CSV body (BOM skipped), as pointers into a copy the caller frees. */
static size_t
csv_lines(const char *body, char **copy, const char **lines, size_t max)
{
	if (!strncmp(body, "\xEF\xBB\xBF", 3))
		body += 3;
	*copy = strdup(body);
	size_t n = 0;
	for (char *s = strtok(*copy, "\n"); s && n < max; s = strtok(NULL, "\n"))
		if (*s && *s != '\r')
			lines[n++] = s;
	return n;
}

static char *
zip_sheet(const hc_resp_t *r)
{
	zip_error_t ze;
	zip_source_t *src = zip_source_buffer_create(r->body.data, r->body.len, 0, &ze);
	zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &ze);
	assert_non_null(z);
	zip_file_t *zf = zip_fopen(z, "xl/worksheets/sheet1.xml", 0);
	assert_non_null(zf);
	buf_t b = BUF_INIT;
	char chunk[8192];
	zip_int64_t got;
	while ((got = zip_fread(zf, chunk, sizeof chunk)) > 0)
		buf_append(&b, chunk, (size_t)got);
	zip_fclose(zf);
	zip_close(z);
	char *s = strdup(buf_cstr(&b));
	buf_free(&b);
	return s;
}

static size_t
count(const char *s, const char *needle)
{
	size_t n = 0;
	for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* ---------- tests ---------- */

/* Every district the city's dashboard lists, with its dashboard's totals in every column. */
static void
test_totals_equal_dashboards(void **state)
{
	(void)state;
	json_t *tb = table_json("31", "");
	json_t *dash = get_json("/api/v1/campaigns/%lld/units/31", (long long)cid);
	json_t *rows = json_object_get(tb, "rows"), *kids = json_object_get(dash, "children");
	/* the districts with units expected to report (the demo's two) */
	assert_int_equal(json_array_size(rows), 2);
	assert_int_equal(json_array_size(rows), json_array_size(kids));
	size_t ncols = json_array_size(json_object_get(tb, "columns"));
	assert_true(ncols >= 35); /* the Phụ lục's numeric items */
	assert_int_equal(ncols, json_object_size(json_object_get(dash, "totals")));
	int nonzero = 0;
	for (size_t r = 0; r < json_array_size(rows); r++) {
		json_t *row = json_array_get(rows, r);
		const char *code = json_string_value(json_object_get(row, "code"));
		assert_string_equal(
		        code, json_string_value(json_object_get(json_array_get(kids, r), "code")));
		json_t *d = get_json("/api/v1/campaigns/%lld/units/%s", (long long)cid, code);
		assert_int_equal(json_integer_value(json_object_get(row, "reports")),
		                 json_integer_value(json_object_get(d, "reports")));
		const char *key;
		json_t *v;
		json_t *totals = json_object_get(row, "totals");
		/* the template's ratio of the row's own totals */
		json_t *ratio =
		        json_object_get(json_object_get(row, "ratios"), "5.2.nguoi/5.2.lop");
		int64_t lop = json_integer_value(json_object_get(totals, "5.2.lop"));
		int64_t nguoi = json_integer_value(json_object_get(totals, "5.2.nguoi"));
		if (lop > 0)
			assert_true(fabs(json_real_value(ratio) - (double)nguoi / (double)lop) <
			            1e-9);
		else
			assert_true(json_is_null(ratio));
		assert_int_equal(json_object_size(totals),
		                 json_object_size(json_object_get(d, "totals")));
		json_object_foreach(json_object_get(d, "totals"), key, v)
		{
			if (json_integer_value(json_object_get(totals, key)) !=
			    json_integer_value(v))
				fail_msg(
				        "%s %s: table %lld, dashboard %lld", code, key,
				        (long long)json_integer_value(json_object_get(totals, key)),
				        (long long)json_integer_value(v));
			nonzero += json_integer_value(v) != 0;
		}
		/* the district's ancestry: the city and itself */
		json_t *anc = json_object_get(row, "ancestry");
		assert_string_equal(json_string_value(json_object_get(anc, "province")),
		                    "Thành phố Hải Phòng");
		assert_string_equal(json_string_value(json_object_get(anc, "district")),
		                    json_string_value(json_object_get(row, "name")));
		json_decref(d);
	}
	assert_true(nonzero >= 8); /* two districts with figures in four columns at least */
	/* the level's own total is its dashboard's */
	const char *key;
	json_t *v;
	json_t *total = json_object_get(json_object_get(tb, "total"), "totals");
	json_object_foreach(json_object_get(dash, "totals"), key, v) assert_int_equal(
	        json_integer_value(json_object_get(total, key)), json_integer_value(v));
	assert_int_equal(json_integer_value(json_object_get(total, "2.bao")), 567);
	json_decref(tb);
	json_decref(dash);
}

static void
test_sort(void **state)
{
	(void)state;
	const char *dirs[] = {"desc", "asc"};
	for (int d = 0; d < 2; d++) {
		char q[100];
		snprintf(q, sizeof q, "?sort=2.bao&dir=%s", dirs[d]);
		json_t *tb = table_json("31", q);
		json_t *rows = json_object_get(tb, "rows");
		assert_int_equal(json_array_size(rows), 2);
		for (size_t r = 1; r < json_array_size(rows); r++) {
			int64_t a = row_total(json_array_get(rows, r - 1), "2.bao");
			int64_t b = row_total(json_array_get(rows, r), "2.bao");
			if (d == 0 ? a < b : a > b)
				fail_msg("%s: row %zu %lld then %lld", dirs[d], r, (long long)a,
				         (long long)b);
		}
		/* Hải An (13+9+500+12) first largest first, last smallest first */
		json_t *edge = json_array_get(rows, d == 0 ? 0 : json_array_size(rows) - 1);
		assert_string_equal(json_string_value(json_object_get(edge, "code")), "306");
		assert_int_equal(row_total(edge, "2.bao"), 534);
		json_decref(tb);
	}
	/* the seven communes by each column, both ways */
	const char *items[] = {"2.bao", "8.kinh_phi", "5.2.nguoi"};
	for (int it = 0; it < 3; it++)
		for (int d = 0; d < 2; d++) {
			char q[100];
			snprintf(q, sizeof q, "?depth=2&sort=%s&dir=%s", items[it], dirs[d]);
			json_t *tb = table_json("31", q);
			json_t *rows = json_object_get(tb, "rows");
			assert_int_equal(json_array_size(rows), NSCHOOLS);
			for (size_t r = 1; r < json_array_size(rows); r++) {
				int64_t a = row_total(json_array_get(rows, r - 1), items[it]);
				int64_t b = row_total(json_array_get(rows, r), items[it]);
				if (d == 0 ? a < b : a > b)
					fail_msg("%s: row %zu %lld then %lld", q, r, (long long)a,
					         (long long)b);
			}
			json_decref(tb);
		}
	/* by name: Vietnamese alphabetical order (Huyện before Quận) */
	json_t *tb = table_json("31", "?sort=name");
	json_t *rows = json_object_get(tb, "rows");
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "name")),
	                    "Huyện Tiên Lãng");
	json_decref(tb);
	tb = table_json("31", "?sort=name&dir=desc");
	rows = json_object_get(tb, "rows");
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "name")),
	                    "Quận Hải An");
	json_decref(tb);
	/* the page: headings link their sort, the sorted one the other way; rows in order */
	hc_resp_t r = get("/campaigns/%lld/units/31/table?sort=2.bao&dir=desc", (long long)cid);
	assert_int_equal(r.status, 200);
	const char *b = buf_cstr(&r.body);
	assert_non_null(strstr(b, "table?sort=2.bao&amp;dir=asc"));
	assert_non_null(strstr(b, "table?sort=5.1.lop&amp;dir=desc"));
	const char *ha = strstr(b, "Quận Hải An</a>"), *tl = strstr(b, "Huyện Tiên Lãng</a>");
	assert_non_null(ha);
	assert_non_null(tl);
	assert_true(ha < tl);
	assert_non_null(strstr(b, "<div class=\"scroll\"><table class=\"list keep"));
	/* unambiguous headings: the line a repeated label follows */
	assert_non_null(strstr(b, "Số lớp bồi dưỡng nâng cao trình độ ngoại ngữ, tin học — Số "
	                          "lượt người tham gia"));
	/* the city's total row and each row's link to the district's dashboard */
	assert_non_null(strstr(b, "Tổng Thành phố Hải Phòng"));
	char link[120];
	snprintf(link, sizeof link, "href=\"/campaigns/%lld/units/306\"", (long long)cid);
	assert_non_null(strstr(b, link));
	hc_resp_free(&r);
	/* bad parameters: Vietnamese refusals */
	r = get("/campaigns/%lld/units/31/table?sort=khong.co", (long long)cid);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(buf_cstr(&r.body), "Tham số sort"));
	hc_resp_free(&r);
	r = get("/campaigns/%lld/units/31/table?depth=0", (long long)cid);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(buf_cstr(&r.body), "Tham số depth"));
	hc_resp_free(&r);
}

static void
test_kind_filter_and_depth(void **state)
{
	(void)state;
	json_t *all = table_json("31", "");
	json_t *tb = table_json("31", "?kind=huyen");
	json_t *rows = json_object_get(tb, "rows");
	assert_true(json_array_size(rows) > 0);
	assert_true(json_array_size(rows) < json_array_size(json_object_get(all, "rows")));
	int tien_lang = 0;
	for (size_t r = 0; r < json_array_size(rows); r++) {
		json_t *row = json_array_get(rows, r);
		assert_string_equal(json_string_value(json_object_get(row, "kind")), "huyen");
		tien_lang |= !strcmp(json_string_value(json_object_get(row, "code")), "315");
	}
	assert_true(tien_lang);
	/* the rows' sum under a filter; the level's total stays the whole city's */
	assert_int_equal(
	        json_integer_value(json_object_get(
	                json_object_get(json_object_get(tb, "rows_total"), "totals"), "2.bao")),
	        33);
	assert_int_equal(json_integer_value(json_object_get(
	                         json_object_get(json_object_get(tb, "total"), "totals"), "2.bao")),
	                 567);
	json_decref(tb);
	json_decref(all);
	/* depth 2: the communes, each under its district; the 500 articles stand out */
	tb = table_json("31", "?depth=2&sort=2.bao&dir=desc");
	rows = json_object_get(tb, "rows");
	assert_int_equal(json_array_size(rows), NSCHOOLS);
	json_t *top = json_array_get(rows, 0);
	assert_string_equal(json_string_value(json_object_get(top, "code")), "11422");
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(top, "ancestry"), "district")),
	        "Quận Hải An");
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(top, "ancestry"), "commune")),
	        json_string_value(json_object_get(top, "name")));
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(top, "outliers"), "2.bao")),
	        "high");
	for (size_t r = 1; r < json_array_size(rows); r++)
		assert_null(json_object_get(json_object_get(json_array_get(rows, r), "outliers"),
		                            "2.bao"));
	json_decref(tb);
	/* the page marks it for eyes and for screen readers */
	hc_resp_t r = get("/campaigns/%lld/units/31/table?depth=2", (long long)cid);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(buf_cstr(&r.body), "outlier"));
	assert_non_null(strstr(buf_cstr(&r.body), "(cao bất thường)"));
	assert_non_null(strstr(buf_cstr(&r.body), "Cộng các đơn vị trong bảng"));
	hc_resp_free(&r);
}

static void
test_xlsx_and_csv(void **state)
{
	(void)state;
	json_t *tb = table_json("31", "?depth=2");
	size_t n = json_array_size(json_object_get(tb, "rows"));
	assert_true(n >= 7);
	hc_resp_t r = get("/campaigns/%lld/units/31/table?depth=2&format=xlsx", (long long)cid);
	assert_int_equal(r.status, 200);
	assert_memory_equal(r.body.data, "PK", 2);
	char *sheet = zip_sheet(&r);
	hc_resp_free(&r);
	/* the title, the header, one row per unit */
	assert_int_equal(count(sheet, "<row "), n + 2);
	assert_non_null(strstr(sheet, "Tỉnh/Thành phố"));
	assert_non_null(strstr(sheet, "Quận/Huyện"));
	assert_non_null(strstr(sheet, "Xã/Phường"));
	/* every unit's row holds its province and its district */
	const char *p = strstr(sheet, "Xã/Phường");
	size_t rows = 0;
	for (p = strstr(p, "<row "); p; rows++) {
		const char *next = strstr(p + 1, "<row ");
		size_t len = next ? (size_t)(next - p) : strlen(p);
		char *row = strndup(p, len);
		assert_non_null(strstr(row, "Thành phố Hải Phòng"));
		assert_true(strstr(row, "Quận Hải An") || strstr(row, "Huyện Tiên Lãng") ||
		            strstr(row, "Huyện") || strstr(row, "Quận"));
		free(row);
		p = next;
	}
	assert_int_equal(rows, n);
	assert_non_null(strstr(sheet, "<v>500</v>"));
	free(sheet);

	r = get("/campaigns/%lld/units/31/table?depth=2&format=csv", (long long)cid);
	assert_int_equal(r.status, 200);
	char *copy;
	const char *lines[4000] = {0};
	size_t nl = csv_lines(buf_cstr(&r.body), &copy, lines, 4000);
	assert_int_equal(nl, n + 1);
	static char f[80][400];
	size_t nf = csv_fields(lines[0], f, 80);
	assert_string_equal(f[0], "Mã đơn vị");
	assert_string_equal(f[3], "Tỉnh/Thành phố");
	assert_string_equal(f[4], "Quận/Huyện");
	assert_string_equal(f[5], "Xã/Phường");
	for (size_t a = 0; a < nf; a++)
		for (size_t b = a + 1; b < nf; b++)
			if (!strcmp(f[a], f[b]))
				fail_msg("heading twice: %s", f[a]);
	for (size_t k = 1; k < nl; k++) {
		size_t m = csv_fields(lines[k], f, 80);
		assert_int_equal(m, nf);
		assert_string_equal(f[3], "Thành phố Hải Phòng");
		assert_true(f[4][0] != '\0');
		assert_true(f[5][0] != '\0');
	}
	free(copy);
	hc_resp_free(&r);
	json_decref(tb);
}

/* The per-unit export: the ancestry instead of "Thuộc", every heading once. */
static void
test_matrix_headings(void **state)
{
	(void)state;
	hc_resp_t r = get("/campaigns/%lld/units/31/matrix?format=csv", (long long)cid);
	assert_int_equal(r.status, 200);
	char *copy;
	const char *lines[4000] = {0};
	size_t nl = csv_lines(buf_cstr(&r.body), &copy, lines, 4000);
	assert_true(nl > 10);
	static char f[80][400];
	size_t nf = csv_fields(lines[0], f, 80);
	assert_true(nf > 40);
	for (size_t a = 0; a < nf; a++) {
		assert_string_not_equal(f[a], "Thuộc");
		for (size_t b = a + 1; b < nf; b++)
			if (!strcmp(f[a], f[b]))
				fail_msg("heading twice: %s", f[a]);
	}
	assert_string_equal(f[3], "Tỉnh/Thành phố");
	assert_string_equal(f[4], "Quận/Huyện");
	assert_string_equal(f[5], "Xã/Phường");
	/* a school: its city, district and commune */
	int found = 0;
	for (size_t k = 1; k < nl; k++) {
		csv_fields(lines[k], f, 80);
		if (strcmp(f[0], "HA-11422-TH") != 0)
			continue;
		found = 1;
		assert_string_equal(f[3], "Thành phố Hải Phòng");
		assert_string_equal(f[4], "Quận Hải An");
		assert_true(f[5][0] != '\0');
	}
	assert_true(found);
	free(copy);
	hc_resp_free(&r);
}

/* The dashboard and the chase board link the table. */
static void
test_links(void **state)
{
	(void)state;
	char link[120];
	snprintf(link, sizeof link, "/campaigns/%lld/units/31/table\"", (long long)cid);
	hc_resp_t r = get("/campaigns/%lld/units/31", (long long)cid);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(buf_cstr(&r.body), link));
	hc_resp_free(&r);
	r = get("/campaigns/%lld/units/31/status", (long long)cid);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(buf_cstr(&r.body), link));
	hc_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_totals_equal_dashboards), cmocka_unit_test(test_sort),
	        cmocka_unit_test(test_kind_filter_and_depth),   cmocka_unit_test(test_xlsx_and_csv),
	        cmocka_unit_test(test_matrix_headings),         cmocka_unit_test(test_links),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
