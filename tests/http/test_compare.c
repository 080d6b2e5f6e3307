/* Year over year over real HTTP: the demo registry with Hải Phòng's 2022 campaign and its
 * reports, a merger as of 01/07/2025 (Quận Hải An and its wards close; the new Phường Hải
 * An is formed from Đằng Lâm and Nam Hải wholly and Cát Bi partly; the schools move) and a
 * 2026 campaign on a template with one item added and one dropped. The comparison page
 * (the form without `with`, the lists with it, numbers as 1.234), the XLSX (a zip whose
 * sheet holds the numbers as numbers), the JSON (values and their types), the refusals of
 * a bad `with` in each, and the link from the dashboard. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "app/app.h"
#include "core/file.h"
#include "domain/demo.h"
#include "helper_app.h"
#include "service/reporting.h"
#include "text/text.h"

#define PASSWORD "So-sanh-kiem-tra-26"
#define NOW22 1665000000

static char tmpdir[] = "/tmp/suotdoi-cmp-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t cid22, cid26, cid_draft;
static ha_client_t officer, outsider;

/* ---------- the store before the server starts ---------- */

static int64_t
id_of(const unit_tree_t *t, const char *code)
{
	int32_t i = unit_tree_find_code(t, code);
	if (i < 0) {
		fprintf(stderr, "no unit %s\n", code);
		abort();
	}
	return t->units[i].id;
}

static store_unit_change_t
ward(const char *code, const char *name)
{
	return (store_unit_change_t){.code = code,
	                             .name = name,
	                             .kind = "phuong",
	                             .parent_code = "31",
	                             .locality_code = "",
	                             .email = "",
	                             .phone = "",
	                             .active = 1};
}

static int
merge(store_t *st, const unit_tree_t *t)
{
	static const char *const closing[] = {"306",   "11410", "11411", "11413", "11414",
	                                      "11416", "11419", "11422", "11425"};
	int64_t close[9];
	for (int k = 0; k < 9; k++)
		close[k] = id_of(t, closing[k]);
	store_unit_change_t open[] = {ward("11413", "Phường Hải An")};
	store_lineage_change_t lin[] = {{"11413", id_of(t, "11413"), "full"},
	                                {"11413", id_of(t, "11419"), "full"},
	                                {"11413", id_of(t, "11422"), "partial"}};
	store_unit_move_t moves[] = {{id_of(t, "HA-11413-TH"), "11413", NULL},
	                             {id_of(t, "HA-11419-TH"), "11413", NULL},
	                             {id_of(t, "HA-11413-THCS"), "11413", NULL}};
	store_registry_change_t c = {.as_of = text_days_from_civil(2025, 7, 1),
	                             .close = close,
	                             .nclose = 9,
	                             .open = open,
	                             .nopen = 1,
	                             .moves = moves,
	                             .nmoves = 3,
	                             .lineage = lin,
	                             .nlineage = 3,
	                             .at = NOW22,
	                             .source = "test",
	                             .summary = "sáp nhập"};
	char err[600];
	if (store_registry_apply(st, &c, err, sizeof err) < 0) {
		fprintf(stderr, "merge: %s\n", err);
		return -1;
	}
	return 0;
}

/* The 2026 template: 4.van_nghe gives way to 4.the_thao. */
static int64_t
template_2026(store_t *st)
{
	char p[512], err[512], *data;
	size_t len;
	snprintf(p, sizeof p, "%s/data/templates/phuluc-2022.json", TEST_SOURCE_DIR);
	if (file_read_all(p, 1 << 20, &data, &len, err, sizeof err) < 0)
		return -1;
	json_error_t je;
	json_t *doc = json_loadb(data, len, 0, &je);
	free(data);
	json_object_set_new(doc, "code", json_string("phuluc-2026"));
	json_object_set_new(doc, "year", json_integer(2026));
	json_t *secs = json_object_get(doc, "sections");
	for (size_t s = 0; s < json_array_size(secs); s++) {
		json_t *items = json_object_get(json_array_get(secs, s), "items");
		for (size_t k = 0; k < json_array_size(items); k++)
			if (!strcmp(json_string_value(
			                    json_object_get(json_array_get(items, k), "code")),
			            "4.van_nghe"))
				json_array_set_new(items, k,
				                   json_pack("{s:s,s:s,s:s,s:s}", "code",
				                             "4.the_thao", "label", "Hội thao",
				                             "type", "count", "unit", "lần"));
	}
	char *json = json_dumps(doc, 0);
	json_decref(doc);
	store_template_t row = {0, "phuluc-2026", "Phụ lục 2026", 2026, json, NOW22};
	int64_t id = -1;
	if (store_template_save(st, &row, &id) < 0)
		id = -1;
	free(json);
	return id;
}

static int64_t
campaign(store_t *st, int64_t issuer, int64_t tpl, int year, const char *status)
{
	store_campaign_t c = {.issuer_unit_id = issuer,
	                      .template_id = tpl,
	                      .year = year,
	                      .name = year == 2026 ? "Tuần lễ học tập suốt đời năm 2026"
	                                           : "Nháp năm 2024",
	                      .theme = "",
	                      .start_date = text_days_from_civil(year, 10, 1),
	                      .end_date = text_days_from_civil(year, 10, 7),
	                      .opening_time = "",
	                      .opening_place = "",
	                      .opening_participants = "",
	                      .status = status,
	                      .expected_kinds = "truong_mn truong_th truong_thcs tthtcd phuong",
	                      .deadlines = "",
	                      .created_at = NOW22};
	int64_t id = -1;
	if (store_campaign_save(st, &c, &id) < 0)
		return -1;
	return id;
}

/* Submit unit's report as the operator: 2.bao, 8.kinh_phi, and 5.2 with one class. */
static int
submit(store_t *st, rep_live_t *live, unit_tree_t *t, int64_t cid, const char *code, int64_t bao,
       int64_t money)
{
	live_campaign_t *lc;
	if (rep_live_get(live, st, t, cid, &lc) != REP_OK)
		return -1;
	arena_t a = ARENA_INIT;
	rep_values_t v;
	rep_values_init(&a, lc->c->tpl, &v);
	const char *codes[] = {"2.bao", "8.kinh_phi", "5.2.lop", "5.2.nguoi"};
	int64_t nums[] = {bao, money, 1, 20};
	for (int k = 0; k < 4; k++) {
		const tpl_item_t *it = template_item(lc->c->tpl, codes[k]);
		v.num[it->col] = nums[k];
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
	unit_tree_t *pre, *t22, *t26;
	if (store_open(db, &st, err, sizeof err) < 0 ||
	    unit_tree_build(st, &pre, err, sizeof err) < 0)
		return -1;
	int rc = demo_campaign(st, pre, TEST_SOURCE_DIR, &cid22);
	int64_t hp = id_of(pre, "31");
	if (rc < 0 || merge(st, pre) < 0)
		return -1;
	unit_tree_unref(pre);
	int64_t tpl = template_2026(st);
	cid26 = campaign(st, hp, tpl, 2026, "open");
	cid_draft = campaign(st, hp, tpl, 2024, "draft");
	if (tpl < 0 || cid26 < 0 || cid_draft < 0)
		return -1;
	if (unit_tree_build_at(st, text_days_from_civil(2022, 10, 1), &t22, err, sizeof err) < 0 ||
	    unit_tree_build_at(st, text_days_from_civil(2026, 10, 1), &t26, err, sizeof err) < 0)
		return -1;
	rep_live_t *live = rep_live_new(NULL, NULL);
	rc = submit(st, live, t22, cid22, "HA-11413-TH", 1000, 1234567);
	rc |= submit(st, live, t22, cid22, "HA-11419-TH", 234, 1000000);
	rc |= submit(st, live, t22, cid22, "HA-11422-TH", 50, 5000);
	rc |= submit(st, live, t26, cid26, "HA-11413-TH", 1500, 2000000);
	rc |= submit(st, live, t26, cid26, "HA-11419-TH", 100, 0);
	rep_live_free(live);
	unit_tree_unref(t22);
	unit_tree_unref(t26);
	store_close(st);
	return rc;
}

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "c.db", db, sizeof db) < 0 ||
	    prepare(db) < 0 || ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	ha_user(&app, "chuyenvien.so", "31", ROLE_OVERSEER, PASSWORD);
	ha_user(&app, "chuyenvien.hanoi", "01", ROLE_OVERSEER, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &officer, "chuyenvien.so", PASSWORD) != 303 ||
	    ha_login(port, &outsider, "chuyenvien.hanoi", PASSWORD) != 303)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return ha_stop(srv, &app, tmpdir);
}

/* ---------- helpers ---------- */

static hc_resp_t get(ha_client_t *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static hc_resp_t
get(ha_client_t *c, const char *fmt, ...)
{
	char path[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(path, sizeof path, fmt, ap);
	va_end(ap);
	return ha_req(port, c, "GET", path, NULL, 0);
}

static void
expect(const hc_resp_t *r, long status, const char *needle)
{
	if (r->status != status || (needle && !strstr(buf_cstr((buf_t *)&r->body), needle)))
		fail_msg("got %ld, expected %ld with \"%s\": %.600s", r->status, status,
		         needle ? needle : "", buf_cstr((buf_t *)&r->body));
}

/* The text between the first `from` and the next `to` after it ("" when absent). */
static const char *
between(const char *s, const char *from, const char *to, char *out, size_t cap)
{
	const char *p = strstr(s, from);
	out[0] = '\0';
	if (!p)
		return out;
	p += strlen(from);
	const char *e = strstr(p, to);
	snprintf(out, cap, "%.*s", e ? (int)(e - p) : (int)strlen(p), p);
	return out;
}

/* ---------- tests ---------- */

static void
test_form_without_with(void **state)
{
	(void)state;
	hc_resp_t r = get(&officer, "/campaigns/%lld/units/11413/compare", (long long)cid26);
	expect(&r, 200, "<select id=\"with\" name=\"with\">");
	const char *b = buf_cstr(&r.body);
	char opt[64];
	snprintf(opt, sizeof opt, "<option value=\"%lld\">", (long long)cid22);
	assert_non_null(strstr(b, opt));
	assert_non_null(strstr(b, "method=\"get\""));
	snprintf(opt, sizeof opt, "<option value=\"%lld\"", (long long)cid_draft);
	assert_null(strstr(b, opt)); /* a draft is no choice */
	snprintf(opt, sizeof opt, "<option value=\"%lld\"", (long long)cid26);
	assert_null(strstr(b, opt));          /* nor the campaign itself */
	assert_null(strstr(b, "lấy từ đâu")); /* no figures yet */
	hc_resp_free(&r);

	/* from 2022 there is nothing earlier */
	r = get(&officer, "/campaigns/%lld/units/31/compare", (long long)cid22);
	expect(&r, 200, "Chưa có đợt báo cáo nào trước đợt này");
	hc_resp_free(&r);

	/* the dashboard links to it */
	r = get(&officer, "/campaigns/%lld/units/11413", (long long)cid26);
	char link[128];
	snprintf(link, sizeof link, "/campaigns/%lld/units/11413/compare\"", (long long)cid26);
	expect(&r, 200, link);
	hc_resp_free(&r);
}

static void
test_page_with_figures(void **state)
{
	(void)state;
	hc_resp_t r = get(&officer, "/campaigns/%lld/units/11413/compare?with=%lld",
	                  (long long)cid26, (long long)cid22);
	expect(&r, 200, "Số liệu năm 2022 lấy từ đâu");
	const char *b = buf_cstr(&r.body);
	char sel[64];
	snprintf(sel, sizeof sel, "<option value=\"%lld\" selected>", (long long)cid22);
	assert_non_null(strstr(b, sel));
	assert_non_null(strstr(b, "gộp từ Phường Đằng Lâm, Phường Nam Hải"));
	assert_non_null(strstr(b, "Phường Cát Bi: một phần — chưa rõ tỉ lệ"));
	/* 2.bao: 1.500 + 100 now, 1.000 + 234 then, Cát Bi's 50 apart */
	char sec[4000];
	between(b, "Số bài viết trên các báo", "</ul>", sec, sizeof sec);
	assert_non_null(strstr(sec, "Năm 2026: <strong>1.600</strong>"));
	assert_non_null(strstr(sec, "Năm 2022: 1.234"));
	assert_non_null(strstr(sec, "thay đổi: ≈ +366 (+29,7%)"));
	assert_non_null(strstr(sec, "(Phường Cát Bi): 50"));
	/* the school that moved: itself on both trees, exact */
	assert_non_null(strstr(sec, "Năm 2022: 1.000</span> · <span class=\"num\">thay đổi: +500 "
	                            "(+50,0%)"));
	between(b, "Tổng kinh phí khen thưởng", "</ul>", sec, sizeof sec);
	assert_non_null(strstr(sec, "Năm 2026: <strong>2.000.000</strong>"));
	assert_non_null(strstr(sec, "Năm 2022: 2.234.567"));
	assert_non_null(strstr(sec, "thay đổi: ≈ -234.567 (-10,5%)"));
	/* an item nobody had anything of, then or now: in one line, not a list of zeros */
	assert_null(strstr(b, "<h3>Số tin, phóng sự phát trên đài truyền hình"));
	between(b, "Các mục bằng 0 ở cả hai đợt", "</p>", sec, sizeof sec);
	assert_non_null(strstr(sec, "Số tin, phóng sự phát trên đài truyền hình"));
	/* the items of one template only */
	between(b, "Mục không so sánh được", "</main>", sec, sizeof sec);
	assert_non_null(strstr(sec, "Hội thao"));
	assert_non_null(strstr(sec, "Hội diễn văn nghệ"));
	assert_non_null(strstr(b, "compare.xlsx?with="));
	hc_resp_free(&r);
}

static void
test_xlsx(void **state)
{
	(void)state;
	hc_resp_t r = get(&officer, "/campaigns/%lld/units/11413/compare.xlsx?with=%lld",
	                  (long long)cid26, (long long)cid22);
	expect(&r, 200, NULL);
	assert_true(r.body.len > 100);
	assert_memory_equal(r.body.data, "PK", 2);
	char ct[200];
	assert_non_null(hc_header(&r, "Content-Type", ct, sizeof ct));
	assert_non_null(strstr(ct, "spreadsheetml"));
	zip_error_t ze;
	zip_source_t *src = zip_source_buffer_create(r.body.data, r.body.len, 0, &ze);
	zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &ze);
	assert_non_null(z);
	const char *names[] = {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"};
	buf_t xml[2] = {BUF_INIT, BUF_INIT};
	for (int k = 0; k < 2; k++) {
		zip_file_t *zf = zip_fopen(z, names[k], 0);
		assert_non_null(zf);
		char chunk[8192];
		zip_int64_t got;
		while ((got = zip_fread(zf, chunk, sizeof chunk)) > 0)
			buf_append(&xml[k], chunk, (size_t)got);
		zip_fclose(zf);
	}
	zip_close(z);
	/* numbers as numbers: the 2022 figures of Phường Hải An, the change */
	assert_non_null(strstr(buf_cstr(&xml[0]), "<v>1234</v>"));
	assert_non_null(strstr(buf_cstr(&xml[0]), "<v>2234567</v>"));
	assert_non_null(strstr(buf_cstr(&xml[0]), "<v>-234567</v>"));
	assert_non_null(strstr(buf_cstr(&xml[1]), "Mã đơn vị"));
	assert_non_null(strstr(buf_cstr(&xml[1]), "Phường Cát Bi"));
	assert_non_null(strstr(buf_cstr(&xml[1]), "Hội diễn văn nghệ"));
	buf_free(&xml[0]);
	buf_free(&xml[1]);
	hc_resp_free(&r);
}

static json_t *get_json(ha_client_t *c, long status, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static json_t *
get_json(ha_client_t *c, long status, const char *fmt, ...)
{
	char path[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(path, sizeof path, fmt, ap);
	va_end(ap);
	hc_resp_t r = ha_req(port, c, "GET", path, NULL, 0);
	expect(&r, status, NULL);
	char ct[200];
	assert_non_null(hc_header(&r, "Content-Type", ct, sizeof ct));
	assert_non_null(strstr(ct, "application/json"));
	json_error_t je;
	json_t *j = json_loads(buf_cstr(&r.body), 0, &je);
	if (!j)
		fail_msg("not JSON: %.300s", buf_cstr(&r.body));
	hc_resp_free(&r);
	return j;
}

static json_t *
row_named(json_t *rows, const char *code)
{
	for (size_t k = 0; k < json_array_size(rows); k++)
		if (!strcmp(json_string_value(json_object_get(json_array_get(rows, k), "code")),
		            code))
			return json_array_get(rows, k);
	fail_msg("no row %s", code);
	return NULL;
}

static void
test_json(void **state)
{
	(void)state;
	json_t *j = get_json(&officer, 200, "/api/v1/campaigns/%lld/units/11413/compare?with=%lld",
	                     (long long)cid26, (long long)cid22);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "campaign"), "id")),
	                 cid26);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "earlier"), "id")),
	                 cid22);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "unit"), "code")),
	                    "11413");
	assert_true(json_is_false(json_object_get(j, "drafts")));
	assert_int_equal(json_array_size(json_object_get(j, "items")), 37);
	json_t *un = json_object_get(j, "unmatched");
	assert_string_equal(
	        json_string_value(json_object_get(
	                json_array_get(json_object_get(un, "current_only"), 0), "code")),
	        "4.the_thao");
	assert_string_equal(
	        json_string_value(json_object_get(
	                json_array_get(json_object_get(un, "earlier_only"), 0), "code")),
	        "4.van_nghe");
	json_t *rows = json_object_get(j, "rows");
	json_t *x = json_array_get(rows, 0);
	assert_true(json_is_true(json_object_get(x, "is_unit")));
	assert_string_equal(json_string_value(json_object_get(x, "code")), "11413");
	json_t *e = json_object_get(x, "earlier");
	assert_string_equal(json_string_value(json_object_get(e, "how")), "lineage");
	assert_int_equal(json_array_size(json_object_get(e, "sources")), 2);
	assert_string_equal(
	        json_string_value(json_object_get(
	                json_array_get(json_object_get(e, "partial_sources"), 0), "code")),
	        "11422");
	json_t *v = json_object_get(json_object_get(x, "values"), "2.bao");
	assert_true(json_is_integer(json_object_get(v, "current")));
	assert_int_equal(json_integer_value(json_object_get(v, "current")), 1600);
	assert_int_equal(json_integer_value(json_object_get(v, "earlier")), 1234);
	assert_int_equal(json_integer_value(json_object_get(v, "partial")), 50);
	assert_int_equal(json_integer_value(json_object_get(v, "change")), 366);
	assert_true(json_is_real(json_object_get(v, "change_pct")));
	assert_true(json_real_value(json_object_get(v, "change_pct")) == 29.7);
	assert_true(json_is_true(json_object_get(v, "approximate")));
	/* a moved school: itself, exact, no partial */
	x = row_named(rows, "HA-11419-TH");
	v = json_object_get(json_object_get(x, "values"), "2.bao");
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(x, "earlier"), "how")), "same");
	assert_int_equal(json_integer_value(json_object_get(v, "earlier")), 234);
	assert_true(json_is_null(json_object_get(v, "partial")));
	assert_int_equal(json_integer_value(json_object_get(v, "change")), -134);
	assert_true(json_is_false(json_object_get(v, "approximate")));
	json_decref(j);

	/* the city: the same unit on both trees */
	j = get_json(&officer, 200, "/api/v1/campaigns/%lld/units/31/compare?with=%lld&drafts=1",
	             (long long)cid26, (long long)cid22);
	assert_true(json_is_true(json_object_get(j, "drafts")));
	x = json_array_get(json_object_get(j, "rows"), 0);
	assert_string_equal(
	        json_string_value(json_object_get(json_object_get(x, "earlier"), "how")), "same");
	v = json_object_get(json_object_get(x, "values"), "2.bao");
	assert_int_equal(json_integer_value(json_object_get(v, "earlier")), 1284);
	assert_int_equal(json_integer_value(json_object_get(v, "current")), 1600);
	json_decref(j);
}

static void
test_bad_with(void **state)
{
	(void)state;
	struct {
		const char *with;
		long status;
		const char *says;
	} bad[] = {
	        {"abc", 400, "Tham số with phải là số"},
	        {"-3", 400, "Tham số with phải là số"},
	        {"999999", 404, "Tham số with (đợt so sánh): Không có đợt báo cáo số 999999"},
	        {"SELF", 400, "Tham số with (đợt so sánh): Hãy chọn một đợt khác"},
	        {"DRAFT", 400, "bản nháp"},
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		char with[32];
		if (!strcmp(bad[k].with, "SELF"))
			snprintf(with, sizeof with, "%lld", (long long)cid26);
		else if (!strcmp(bad[k].with, "DRAFT"))
			snprintf(with, sizeof with, "%lld", (long long)cid_draft);
		else
			snprintf(with, sizeof with, "%s", bad[k].with);
		/* the page: the form again, with the message */
		hc_resp_t r = get(&officer, "/campaigns/%lld/units/11413/compare?with=%s",
		                  (long long)cid26, with);
		expect(&r, bad[k].status, bad[k].says);
		assert_non_null(strstr(buf_cstr(&r.body), "msg err"));
		hc_resp_free(&r);
		r = get(&officer, "/campaigns/%lld/units/11413/compare.xlsx?with=%s",
		        (long long)cid26, with);
		expect(&r, bad[k].status, bad[k].says);
		hc_resp_free(&r);
		/* the API: the API's error shape */
		json_t *j = get_json(&officer, bad[k].status,
		                     "/api/v1/campaigns/%lld/units/11413/compare?with=%s",
		                     (long long)cid26, with);
		json_t *err = json_object_get(j, "error");
		assert_int_equal(json_integer_value(json_object_get(err, "status")), bad[k].status);
		assert_non_null(
		        strstr(json_string_value(json_object_get(err, "message")), bad[k].says));
		json_decref(j);
	}
	/* not earlier: 2022 compared with 2026 */
	json_t *j = get_json(&officer, 400, "/api/v1/campaigns/%lld/units/31/compare?with=%lld",
	                     (long long)cid22, (long long)cid26);
	assert_non_null(
	        strstr(json_string_value(json_object_get(json_object_get(j, "error"), "message")),
	               "không diễn ra trước"));
	json_decref(j);
	/* without with: the API and the spreadsheet need it */
	j = get_json(&officer, 400, "/api/v1/campaigns/%lld/units/11413/compare", (long long)cid26);
	assert_non_null(
	        strstr(json_string_value(json_object_get(json_object_get(j, "error"), "message")),
	               "with"));
	json_decref(j);
	hc_resp_t r = get(&officer, "/campaigns/%lld/units/11413/compare.xlsx", (long long)cid26);
	expect(&r, 400, "Thiếu tham số with");
	hc_resp_free(&r);
	/* an unknown campaign, someone else's unit, nobody */
	r = get(&officer, "/campaigns/999999/units/11413/compare?with=%lld", (long long)cid22);
	expect(&r, 404, NULL);
	hc_resp_free(&r);
	r = get(&outsider, "/campaigns/%lld/units/11413/compare?with=%lld", (long long)cid26,
	        (long long)cid22);
	expect(&r, 403, NULL);
	hc_resp_free(&r);
	r = get(NULL, "/api/v1/campaigns/%lld/units/11413/compare?with=%lld", (long long)cid26,
	        (long long)cid22);
	expect(&r, 401, NULL);
	hc_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_form_without_with),
	        cmocka_unit_test(test_page_with_figures),
	        cmocka_unit_test(test_xlsx),
	        cmocka_unit_test(test_json),
	        cmocka_unit_test(test_bad_with),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
