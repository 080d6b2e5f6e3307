/* Every item type through every channel that writes a report, read back byte for byte:
 * the HTML form, the JSON API, the bulk import over HTTP as dataValueSets JSON and as CSV
 * (BOM, CRLF, quoted texts with commas, newlines and quotes). Each channel writes a count,
 * a large money amount, a no then a yes, and every narrative with Vietnamese diacritics
 * and 4-byte UTF-8, to its own school of quận Hải An; each write is read back through the
 * API's report read and the values export. Photos go through the multipart form with a
 * session and with an API token. Then the schools submit and the district's compiled
 * report, on its page and in its Phụ lục XLSX, carries their texts: the regression for
 * the API storing freed memory as narratives (the build runs under ASan). Every channel
 * also writes the unit's notes (Ghi chú) on a yes/no, a count, a money, a text and an item
 * left empty (a note alone), one of exactly 500 bytes: read back byte for byte from the
 * report read, the values export's "comment" and the unit's Phụ lục XLSX; a 501-byte note
 * is refused naming its item with nothing written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <vips/vips.h>

#include "app/app.h"
#include "domain/accounts.h"
#include "domain/demo.h"
#include "helper_app.h"
#include "media/photo.h"

#define PASSWORD "Kenh-nhap-lieu-2022"

static char tmpdir[] = "/tmp/suotdoi-chan-XXXXXX";
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t campaign;
static ha_client_t district_head;

enum { CH_FORM, CH_API, CH_JSON, CH_CSV, NCH };

typedef struct channel {
	const char *name; /* a tag inside every text, to tell the channels apart */
	const char *unit;
	const char *user;
	ha_client_t c;
	char text[3][400]; /* i.text, ii_2.text, iii.text as written */
	char note[5][520]; /* the notes on note_items, as written */
} channel_t;

static channel_t ch[NCH] = {
        {"FORM", "HA-11413-TH", "ht.th", {{0}, {0}}, {{0}}, {{0}}},
        {"API", "HA-11413-THCS", "ht.thcs", {{0}, {0}}, {{0}}, {{0}}},
        {"JSON", "HA-11422-MN", "ht.mn", {{0}, {0}}, {{0}}, {{0}}},
        {"CSV", "HA-11413-TTHTCD", "gd.tthtcd", {{0}, {0}}, {{0}}, {{0}}},
};
static const char *const text_items[3] = {"i.text", "ii_2.text", "iii.text"};
/* a yes/no, a count (500 bytes of note), a money, a text, and an item with no value */
#define NNOTES 5
static const char *const note_items[NNOTES] = {"1.ke_hoach", "2.bao", "8.kinh_phi", "i.text",
                                               "3.to_roi"};

#define COUNT_BAO 7
#define LOP 3
#define NGUOI 45
#define MONEY 1234567890LL

static char *
path_of(const char *prefix, const char *unit, const char *tail)
{
	static char p[8][300];
	static int k;
	k = (k + 1) % 8;
	snprintf(p[k], sizeof p[k], "%s/campaigns/%lld/units/%s%s", prefix, (long long)campaign,
	         unit, tail);
	return p[k];
}

/* A request with a body of any type: the session cookie and CSRF header of c (or an extra
 * header such as Authorization). */
static hc_resp_t
send_raw(ha_client_t *c, const char *method, const char *path, const char *body, size_t len,
         const char *ctype, const char *extra)
{
	char cookie[450], csrf[120], ct[120];
	const char *hdrs[5] = {0};
	int k = 0;
	if (c) {
		snprintf(cookie, sizeof cookie, "Cookie: %s", c->cookie);
		snprintf(csrf, sizeof csrf, "X-CSRF-Token: %s", c->csrf);
		hdrs[k++] = cookie;
		hdrs[k++] = csrf;
	}
	if (ctype) {
		snprintf(ct, sizeof ct, "Content-Type: %s", ctype);
		hdrs[k++] = ct;
	}
	if (extra)
		hdrs[k++] = extra;
	hc_opts_t o = {.method = method, .body = body, .body_len = len, .headers = hdrs};
	hc_resp_t r;
	CURL *h = curl_easy_init();
	if (hc_request(h, port, path, &o, &r) < 0)
		fail_msg("%s %s: transport error", method, path);
	curl_easy_cleanup(h);
	return r;
}

static json_t *
get_json(ha_client_t *c, const char *path)
{
	hc_resp_t r = ha_req(port, c, "GET", path, NULL, 0);
	if (r.status != 200)
		fail_msg("GET %s: %ld %.300s", path, r.status, buf_cstr(&r.body));
	json_error_t e;
	json_t *j = json_loadb(r.body.data, r.body.len, 0, &e);
	if (!j)
		fail_msg("GET %s: not JSON: %s", path, e.text);
	hc_resp_free(&r);
	return j;
}

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "c.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0 || photo_init("test_channels") < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	unit_tree_t *t = app_tree(&app);
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &campaign);
	unit_tree_unref(t);
	if (rc < 0)
		return -1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	for (int i = 0; i < NCH; i++) {
		ha_user(&app, ch[i].user, ch[i].unit, ROLE_HEAD, PASSWORD);
		if (ha_login(port, &ch[i].c, ch[i].user, PASSWORD) != 303)
			return -1;
		/* every narrative: diacritics, 4-byte UTF-8, quotes, commas, newlines, tabs,
		 * markup and entities that must not be interpreted anywhere */
		snprintf(ch[i].text[0], sizeof ch[i].text[0],
		         "Học tập suốt đời — 𠀀𝕍 \"trích\" ,\n dòng 2 [%s-i]", ch[i].name);
		snprintf(ch[i].text[1], sizeof ch[i].text[1],
		         "Thuận lợi, khó khăn: “ngoặc cong” & <b>thẻ</b> 'đơn' &amp; 😀\n\tý kiến "
		         "[%s-ii]",
		         ch[i].name);
		snprintf(ch[i].text[2], sizeof ch[i].text[2],
		         "Đề xuất, kiến nghị:\n\n– Tiếp tục \"xây dựng xã hội học tập\"; ½ ∑ "
		         "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 [%s-iii]",
		         ch[i].name);
		/* notes: one line each (no control characters), markup and quotes kept */
		snprintf(ch[i].note[0], sizeof ch[i].note[0],
		         "Kế hoạch số 112/KH-UBND, \"đã ban hành\" & <gửi> các phường [%s]",
		         ch[i].name);
		buf_t b = BUF_INIT;
		buf_printf(&b, "[%s] ", ch[i].name);
		while (b.len + strlen("Số bài trên báo Hải Phòng, 𠀀 ") <= 500)
			buf_puts(&b, "Số bài trên báo Hải Phòng, 𠀀 ");
		while (b.len < 500)
			buf_putc(&b, '.');
		snprintf(ch[i].note[1], sizeof ch[i].note[1], "%s", buf_cstr(&b));
		buf_free(&b);
		snprintf(ch[i].note[2], sizeof ch[i].note[2],
		         "Trích từ quỹ khuyến học của phường; ½ ∑ [%s]", ch[i].name);
		snprintf(ch[i].note[3], sizeof ch[i].note[3], "Theo kế hoạch của Sở — ghi chú [%s]",
		         ch[i].name);
		snprintf(ch[i].note[4], sizeof ch[i].note[4], "Không tổ chức năm nay [%s]",
		         ch[i].name);
	}
	ha_user(&app, "ld.quan", "306", ROLE_HEAD, PASSWORD);
	if (ha_login(port, &district_head, "ld.quan", PASSWORD) != 303)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return ha_stop(srv, &app, tmpdir);
}

/* ---------- the four ways in ---------- */

static long
version_of(ha_client_t *c, const char *unit)
{
	json_t *j = get_json(c, path_of("/api/v1", unit, "/report"));
	long v = (long)json_integer_value(json_object_get(j, "version"));
	json_decref(j);
	return v;
}

/* The school's form as a browser posts it (money as typed in Vietnamese). */
static long
write_form(channel_t *k, int yes, const char *action)
{
	/* the page's form as a browser sends it, with this channel's values typed in */
	char bao[16], lop[16], nguoi[16], names[3 + NNOTES][32];
	snprintf(bao, sizeof bao, "%d", COUNT_BAO);
	snprintf(lop, sizeof lop, "%d", LOP);
	snprintf(nguoi, sizeof nguoi, "%d", NGUOI);
	const char *kv[2 * (5 + 3 + NNOTES) + 1];
	size_t n = 0;
	const char *fixed[] = {"v.1.ke_hoach", yes ? "1" : "0",
	                       "v.2.bao",      bao,
	                       "v.5.1.lop",    lop,
	                       "v.5.1.nguoi",  nguoi,
	                       "v.8.kinh_phi", "1.234.567.890"};
	for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++)
		kv[n++] = fixed[i];
	for (int t = 0; t < 3; t++) {
		snprintf(names[t], sizeof names[t], "v.%s", text_items[t]);
		kv[n++] = names[t];
		kv[n++] = k->text[t];
	}
	for (int t = 0; t < NNOTES; t++) {
		snprintf(names[3 + t], sizeof names[3 + t], "g.%s", note_items[t]);
		kv[n++] = names[3 + t];
		kv[n++] = k->note[t];
	}
	kv[n] = NULL;
	hc_resp_t r = ha_post_page_form(port, &k->c, path_of("", k->unit, "/report"),
	                                path_of("", k->unit, action), kv);
	long st = r.status;
	if (st != 303)
		print_message("form %s: %ld %.500s\n", action, st, buf_cstr(&r.body));
	hc_resp_free(&r);
	return st;
}

static json_t *
values_object(channel_t *k, int yes)
{
	json_t *v = json_pack("{s:b,s:i,s:i,s:i,s:I}", "1.ke_hoach", yes, "2.bao", COUNT_BAO,
	                      "5.1.lop", LOP, "5.1.nguoi", NGUOI, "8.kinh_phi", (json_int_t)MONEY);
	for (int t = 0; t < 3; t++)
		json_object_set_new(v, text_items[t], json_string(k->text[t]));
	return v;
}

static long
write_api(channel_t *k, int yes, const char *action)
{
	json_t *notes = json_object();
	for (int t = 0; t < NNOTES; t++)
		json_object_set_new(notes, note_items[t], json_string(k->note[t]));
	json_t *body = json_pack("{s:o,s:o,s:I}", "values", values_object(k, yes), "notes", notes,
	                         "version", (json_int_t)version_of(&k->c, k->unit));
	char *s = json_dumps(body, 0);
	json_decref(body);
	hc_resp_t r = send_raw(&k->c, "POST", path_of("/api/v1", k->unit, action), s, strlen(s),
	                       "application/json", NULL);
	free(s);
	long st = r.status;
	if (st != 200)
		print_message("api %s: %ld %.500s\n", action, st, buf_cstr(&r.body));
	hc_resp_free(&r);
	return st;
}

static long
post_import(ha_client_t *c, const char *body, size_t len, const char *ctype, json_t **summary)
{
	char p[200];
	snprintf(p, sizeof p, "/api/v1/campaigns/%lld/values", (long long)campaign);
	hc_resp_t r = send_raw(c, "POST", p, body, len, ctype, NULL);
	long st = r.status;
	json_error_t e;
	json_t *j = json_loadb(r.body.data, r.body.len, 0, &e);
	if (!j)
		fail_msg("import: %ld, not JSON: %.300s", st, buf_cstr(&r.body));
	if (st != 200)
		print_message("import: %ld %.800s\n", st, buf_cstr(&r.body));
	hc_resp_free(&r);
	if (summary)
		*summary = j;
	else
		json_decref(j);
	return st;
}

/* dataValueSets with values typed as DHIS2 clients send them: strings for numbers (and
 * one JSON integer, one JSON boolean, which the importer takes for their types). */
static long
write_json_import(channel_t *k, int yes)
{
	json_t *dv = json_array();
	char money[32];
	snprintf(money, sizeof money, "%lld", MONEY);
	json_array_append_new(dv, json_pack("{s:s,s:s,s:b,s:s}", "orgUnit", k->unit, "dataElement",
	                                    "1.ke_hoach", "value", yes, "comment", k->note[0]));
	json_array_append_new(dv, json_pack("{s:s,s:s,s:i,s:s}", "orgUnit", k->unit, "dataElement",
	                                    "2.bao", "value", COUNT_BAO, "comment", k->note[1]));
	json_array_append_new(dv, json_pack("{s:s,s:s,s:s}", "orgUnit", k->unit, "dataElement",
	                                    "5.1.lop", "value", "3"));
	json_array_append_new(dv, json_pack("{s:s,s:s,s:s,s:s}", "orgUnit", k->unit, "dataElement",
	                                    "5.1.nguoi", "value", "45", "period", "2022"));
	json_array_append_new(dv, json_pack("{s:s,s:s,s:s,s:s}", "orgUnit", k->unit, "dataElement",
	                                    "8.kinh_phi", "value", money, "comment", k->note[2]));
	for (int t = 0; t < 3; t++) {
		json_t *e = json_pack("{s:s,s:s,s:s}", "orgUnit", k->unit, "dataElement",
		                      text_items[t], "value", k->text[t]);
		if (t == 0)
			json_object_set_new(e, "comment", json_string(k->note[3]));
		json_array_append_new(dv, e);
	}
	/* a note alone: no value, DHIS2's null */
	json_array_append_new(dv, json_pack("{s:s,s:s,s:n,s:s}", "orgUnit", k->unit, "dataElement",
	                                    "3.to_roi", "value", "comment", k->note[4]));
	json_t *doc = json_pack("{s:s,s:s,s:o}", "dataSet", "phuluc-2022", "period", "2022",
	                        "dataValues", dv);
	char *s = json_dumps(doc, 0);
	json_decref(doc);
	json_t *sum;
	long st = post_import(&k->c, s, strlen(s), "application/json", &sum);
	free(s);
	assert_int_equal(
	        json_integer_value(json_object_get(json_object_get(sum, "units"), "written")),
	        st == 200);
	json_decref(sum);
	return st;
}

static void
csv_field(buf_t *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

/* A spreadsheet's CSV export: BOM, CRLF between records, LF inside quoted cells. */
static long
write_csv_import(channel_t *k, int yes)
{
	buf_t b = BUF_INIT;
	buf_puts(&b, "\xEF\xBB\xBFunit_code,item_code,value,comment\r\n");
	buf_printf(&b, "%s,1.ke_hoach,%s,", k->unit, yes ? "true" : "false");
	csv_field(&b, k->note[0]);
	buf_printf(&b, "\r\n%s,2.bao,%d,", k->unit, COUNT_BAO);
	csv_field(&b, k->note[1]);
	buf_printf(&b, "\r\n%s,5.1.lop,%d\r\n", k->unit, LOP);
	buf_printf(&b, "%s,5.1.nguoi,%d,\r\n", k->unit, NGUOI);
	buf_printf(&b, "\"%s\",\"8.kinh_phi\",\"%lld\",", k->unit, MONEY);
	csv_field(&b, k->note[2]);
	buf_puts(&b, "\r\n");
	for (int t = 0; t < 3; t++) {
		buf_printf(&b, "%s,%s,", k->unit, text_items[t]);
		csv_field(&b, k->text[t]);
		buf_putc(&b, ',');
		csv_field(&b, t == 0 ? k->note[3] : "");
		buf_puts(&b, "\r\n");
	}
	buf_printf(&b, "%s,3.to_roi,,", k->unit); /* a note alone */
	csv_field(&b, k->note[4]);
	buf_puts(&b, "\r\n");
	long st = post_import(&k->c, b.data, b.len, "text/csv; charset=utf-8", NULL);
	buf_free(&b);
	return st;
}

static long
write_channel(int i, int yes)
{
	switch (i) {
	case CH_FORM: return write_form(&ch[i], yes, "/report");
	case CH_API: return write_api(&ch[i], yes, "/report");
	case CH_JSON: return write_json_import(&ch[i], yes);
	default: return write_csv_import(&ch[i], yes);
	}
}

/* ---------- reading back ---------- */

static void
expect_text(const char *where, const char *item, json_t *got, const char *want)
{
	if (!json_is_string(got))
		fail_msg("%s %s: not a string", where, item);
	size_t n = json_string_length(got);
	if (n != strlen(want) || memcmp(json_string_value(got), want, n) != 0)
		fail_msg("%s %s: got [%.*s] (%zu bytes), want [%s] (%zu bytes)", where, item,
		         (int)n, json_string_value(got), n, want, strlen(want));
}

/* The report read and the values export both give back exactly what was written. */
static void
read_back(channel_t *k, int yes, const char *status)
{
	json_t *j = get_json(&k->c, path_of("/api/v1", k->unit, "/report"));
	assert_string_equal(json_string_value(json_object_get(j, "status")), status);
	json_t *v = json_object_get(j, "values");
	assert_int_equal(json_object_size(v), 8);
	json_t *b = json_object_get(v, "1.ke_hoach");
	assert_true(json_is_boolean(b));
	assert_int_equal(json_is_true(b), yes);
	assert_true(json_is_integer(json_object_get(v, "2.bao")));
	assert_int_equal(json_integer_value(json_object_get(v, "2.bao")), COUNT_BAO);
	assert_int_equal(json_integer_value(json_object_get(v, "5.1.lop")), LOP);
	assert_int_equal(json_integer_value(json_object_get(v, "5.1.nguoi")), NGUOI);
	assert_true(json_is_integer(json_object_get(v, "8.kinh_phi")));
	assert_int_equal(json_integer_value(json_object_get(v, "8.kinh_phi")), MONEY);
	for (int t = 0; t < 3; t++)
		expect_text("report read", text_items[t], json_object_get(v, text_items[t]),
		            k->text[t]);
	json_t *notes = json_object_get(j, "notes");
	assert_int_equal(json_object_size(notes), NNOTES);
	for (int t = 0; t < NNOTES; t++)
		expect_text("report read note", note_items[t],
		            json_object_get(notes, note_items[t]), k->note[t]);
	assert_int_equal(strlen(k->note[1]), 500);
	json_decref(j);

	char p[300];
	snprintf(p, sizeof p, "/api/v1/campaigns/%lld/values?unit=%s", (long long)campaign,
	         k->unit);
	j = get_json(&k->c, p);
	json_t *dv = json_object_get(j, "dataValues");
	char money[32];
	snprintf(money, sizeof money, "%lld", MONEY);
	const char *want[][2] = {
	        {"1.ke_hoach", yes ? "true" : "false"},
	        {"2.bao", "7"},
	        {"5.1.lop", "3"},
	        {"5.1.nguoi", "45"},
	        {"8.kinh_phi", money},
	        {"i.text", k->text[0]},
	        {"ii_2.text", k->text[1]},
	        {"iii.text", k->text[2]},
	        {"3.to_roi", ""},
	};
	size_t seen = 0, commented = 0;
	for (size_t x = 0; x < json_array_size(dv); x++) {
		json_t *e = json_array_get(dv, x);
		assert_string_equal(json_string_value(json_object_get(e, "orgUnit")), k->unit);
		const char *item = json_string_value(json_object_get(e, "dataElement"));
		size_t w = 0;
		while (w < 9 && strcmp(want[w][0], item) != 0)
			w++;
		if (w == 9)
			fail_msg("export %s: unexpected item %s", k->unit, item);
		expect_text("export", item, json_object_get(e, "value"), want[w][1]);
		seen++;
		int t = 0;
		while (t < NNOTES && strcmp(note_items[t], item) != 0)
			t++;
		if (t < NNOTES) {
			expect_text("export comment", item, json_object_get(e, "comment"),
			            k->note[t]);
			commented++;
		} else
			assert_null(json_object_get(e, "comment"));
	}
	assert_int_equal(seen, 9);
	assert_int_equal(commented, NNOTES);
	json_decref(j);
}

static void
test_every_type_every_channel(void **state)
{
	(void)state;
	for (int i = 0; i < NCH; i++) {
		assert_int_equal(write_channel(i, 0), i == CH_FORM ? 303 : 200);
		read_back(&ch[i], 0, "draft");
		assert_int_equal(write_channel(i, 1), i == CH_FORM ? 303 : 200);
		read_back(&ch[i], 1, "draft");
	}
	/* re-importing the same file changes nothing */
	json_t *sum;
	buf_t b = BUF_INIT;
	buf_puts(&b, "unit_code,item_code,value\r\n");
	buf_printf(&b, "%s,2.bao,%d\r\n", ch[CH_CSV].unit, COUNT_BAO);
	assert_int_equal(post_import(&ch[CH_CSV].c, b.data, b.len, "text/csv", &sum), 200);
	assert_int_equal(
	        json_integer_value(json_object_get(json_object_get(sum, "units"), "unchanged")), 1);
	json_decref(sum);
	buf_free(&b);
	read_back(&ch[CH_CSV], 1, "draft");
}

/* The unit's XML of its Phụ lục XLSX (shared strings and sheets). */
static void
phuluc_xml(ha_client_t *c, const char *unit, buf_t *xml)
{
	hc_resp_t r = ha_req(port, c, "GET", path_of("", unit, "/phuluc.xlsx"), NULL, 0);
	assert_int_equal(r.status, 200);
	char file[300];
	snprintf(file, sizeof file, "%s/phuluc-%s.xlsx", tmpdir, unit);
	FILE *f = fopen(file, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(r.body.data, 1, r.body.len, f), r.body.len);
	fclose(f);
	hc_resp_free(&r);
	char cmd[400];
	snprintf(cmd, sizeof cmd, "unzip -p '%s' 'xl/sharedStrings.xml' 'xl/worksheets/*.xml'",
	         file);
	FILE *pp = popen(cmd, "r");
	assert_non_null(pp);
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, pp)) > 0)
		buf_append(xml, chunk, n);
	assert_int_equal(pclose(pp), 0);
	unlink(file);
}

static char *escaped(const char *s, int quot);

/* Each unit's Phụ lục carries its notes in Ghi chú; the label reads as in seed 003 and
 * the unit of measure is in the number's format ("1.234 bài"), never in Ghi chú. */
static void
test_notes_in_phuluc(void **state)
{
	(void)state;
	for (int i = 0; i < NCH; i++) {
		buf_t xml = BUF_INIT;
		phuluc_xml(&ch[i].c, ch[i].unit, &xml);
		for (int t = 0; t < NNOTES; t++) {
			char *e = escaped(ch[i].note[t], 0);
			if (!strstr(buf_cstr(&xml), e))
				fail_msg("Phụ lục of %s lacks the note on %s: [%s]", ch[i].unit,
				         note_items[t], e);
			free(e);
		}
		assert_non_null(strstr(buf_cstr(&xml), ">- Số bài viết trên các báo<"));
		assert_null(strstr(buf_cstr(&xml), ">bài<"));
		buf_free(&xml);
	}
}

/* A note of 501 bytes, through each channel: refused naming its item, nothing written. */
static void
test_note_too_long(void **state)
{
	(void)state;
	for (int i = 0; i < NCH; i++) {
		channel_t *k = &ch[i];
		long v0 = version_of(&k->c, k->unit);
		char saved[520];
		memcpy(saved, k->note[1], sizeof saved);
		size_t n0 = strlen(saved); /* 501 bytes */
		k->note[1][n0] = '.';
		k->note[1][n0 + 1] = 0;
		assert_int_equal(strlen(k->note[1]), 501);
		long st;
		if (i == CH_API) { /* the answer's fields name it */
			json_t *notes = json_pack("{s:s}", "2.bao", k->note[1]);
			json_t *body = json_pack("{s:o,s:o}", "values", values_object(k, 1),
			                         "notes", notes);
			char *s = json_dumps(body, 0);
			json_decref(body);
			hc_resp_t r =
			        send_raw(&k->c, "POST", path_of("/api/v1", k->unit, "/report"), s,
			                 strlen(s), "application/json", NULL);
			free(s);
			st = r.status;
			json_t *j = json_loadb(r.body.data, r.body.len, 0, NULL);
			const char *m = json_string_value(json_object_get(
			        json_object_get(json_object_get(j, "error"), "fields"), "2.bao"));
			assert_non_null(m);
			assert_non_null(strstr(m, "Ghi chú của mục 2.bao"));
			assert_non_null(strstr(m, "500 byte"));
			json_decref(j);
			hc_resp_free(&r);
			assert_int_equal(st, 400);
		} else if (i == CH_FORM) {
			st = write_form(k, 1, "/report");
			assert_int_equal(st, 400);
		} else {
			st = write_channel(i, 1);
			assert_int_equal(st, 409);
		}
		memcpy(k->note[1], saved, sizeof saved);
		assert_int_equal(version_of(&k->c, k->unit), v0);
		read_back(k, 1, "draft");
	}
	/* the API refuses a note of another type, naming the member */
	channel_t *k = &ch[CH_API];
	const char *bodies[] = {"{\"notes\": {\"2.bao\": 5}}", "{\"notes\": [\"x\"]}",
	                        "{\"notes\": {\"khong.co\": \"x\"}}",
	                        "{\"notes\": {\"2.bao\": \"hai\\ndòng\"}}"};
	const char *want[] = {"notes.2.bao", "“notes”", "khong.co", "2.bao"};
	for (size_t x = 0; x < 4; x++) {
		hc_resp_t r = send_raw(&k->c, "POST", path_of("/api/v1", k->unit, "/report"),
		                       bodies[x], strlen(bodies[x]), "application/json", NULL);
		if (r.status != 400 || !strstr(buf_cstr(&r.body), want[x]))
			fail_msg("%s: %ld %.300s", bodies[x], r.status, buf_cstr(&r.body));
		hc_resp_free(&r);
	}
	read_back(k, 1, "draft");
}

/* ---------- photos ---------- */

static size_t
sink(char *p, size_t s, size_t n, void *ud)
{
	buf_append(ud, p, s * n);
	return s * n;
}

/* A multipart upload with a session (csrf field) or a bearer token. */
static long
upload(const char *path, ha_client_t *c, const char *bearer, const void *data, size_t len,
       const char *caption)
{
	char url[400], ck[450], auth[200];
	snprintf(url, sizeof url, "http://127.0.0.1:%u%s", port, path);
	CURL *h = curl_easy_init();
	curl_mime *m = curl_mime_init(h);
	curl_mimepart *p;
	struct curl_slist *hdrs = NULL;
	if (c) {
		p = curl_mime_addpart(m);
		curl_mime_name(p, "csrf");
		curl_mime_data(p, c->csrf, CURL_ZERO_TERMINATED);
		snprintf(ck, sizeof ck, "%s", c->cookie);
		curl_easy_setopt(h, CURLOPT_COOKIE, ck);
	}
	if (bearer) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", bearer);
		hdrs = curl_slist_append(hdrs, auth);
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	}
	p = curl_mime_addpart(m);
	curl_mime_name(p, "caption");
	curl_mime_data(p, caption, CURL_ZERO_TERMINATED);
	p = curl_mime_addpart(m);
	curl_mime_name(p, "photo");
	curl_mime_filename(p, "anh.jpg");
	curl_mime_type(p, "image/jpeg");
	curl_mime_data(p, data, len);
	buf_t out = BUF_INIT;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_MIMEPOST, m);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &out);
	long st = 0;
	if (curl_easy_perform(h) == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &st);
	if (st != 303)
		print_message("upload %s: %ld %.400s\n", path, st, buf_cstr(&out));
	buf_free(&out);
	curl_slist_free_all(hdrs);
	curl_mime_free(m);
	curl_easy_cleanup(h);
	return st;
}

/* The photo listed on the unit's report page under caption: its path, into out. */
static void
photo_path(channel_t *k, const char *caption, char *out, size_t cap)
{
	hc_resp_t r = ha_req(port, &k->c, "GET", path_of("", k->unit, "/report"), NULL, 0);
	assert_int_equal(r.status, 200);
	const char *body = buf_cstr(&r.body);
	assert_non_null(strstr(body, caption));
	char pat[200];
	snprintf(pat, sizeof pat, "/campaigns/%lld/units/%s/photos/", (long long)campaign, k->unit);
	const char *p = strstr(body, pat);
	assert_non_null(p);
	p += strlen(pat);
	snprintf(out, cap, "%s%.*s", pat, (int)strspn(p, "0123456789"), p);
	hc_resp_free(&r);
}

static void
check_photo(channel_t *k, const char *bearer, const char *caption, void *jpeg, size_t len, int w,
            int h)
{
	char path[300];
	snprintf(path, sizeof path, "/campaigns/%lld/units/%s/photos", (long long)campaign,
	         k->unit);
	assert_int_equal(upload(path, bearer ? NULL : &k->c, bearer, jpeg, len, caption), 303);
	char photo[300];
	photo_path(k, caption, photo, sizeof photo);
	hc_resp_t r = ha_req(port, &k->c, "GET", photo, NULL, 0);
	assert_int_equal(r.status, 200);
	assert_memory_equal(r.body.data, "\xff\xd8\xff", 3);
	assert_true(r.body.len > 100 && r.body.len < 4u << 20);
	VipsImage *img = vips_image_new_from_buffer(r.body.data, r.body.len, "", NULL);
	assert_non_null(img);
	assert_int_equal(vips_image_get_width(img), w);
	assert_int_equal(vips_image_get_height(img), h);
	g_object_unref(img);
	hc_resp_free(&r);
	/* it belongs to this report: another school's path does not reach it */
	char other[340];
	snprintf(other, sizeof other, "/campaigns/%lld/units/%s%s", (long long)campaign,
	         k == &ch[CH_FORM] ? ch[CH_API].unit : ch[CH_FORM].unit, strstr(photo, "/photos/"));
	r = ha_req(port, &k->c, "GET", other, NULL, 0);
	assert_true(r.status == 403 || r.status == 404);
	hc_resp_free(&r);
}

static void
test_photos_form_and_token(void **state)
{
	(void)state;
	VipsImage *img, *col;
	void *jpeg;
	size_t len;
	/* a 1200x800 image with content, so the re-encoding has something to keep */
	assert_int_equal(vips_xyz(&img, 1200, 800, NULL), 0);
	assert_int_equal(vips_cast(img, &col, VIPS_FORMAT_UCHAR, NULL), 0);
	assert_int_equal(vips_jpegsave_buffer(col, &jpeg, &len, NULL), 0);
	g_object_unref(col);
	g_object_unref(img);
	/* through the form, with the session */
	check_photo(&ch[CH_FORM], NULL, "Khai mạc — 𠀀 lớp học", jpeg, len, 1200, 800);
	/* through the same route with an API token of the API school's head */
	channel_t *k = &ch[CH_API];
	char body[200];
	snprintf(body, sizeof body, "name=Phần mềm trường&csrf=%s", k->c.csrf);
	hc_resp_t r = ha_req(port, &k->c, "POST", "/account/tokens", body, 0);
	assert_int_equal(r.status, 201);
	const char *p = strstr(buf_cstr(&r.body), "class=\"secret\">");
	assert_non_null(p);
	p += strlen("class=\"secret\">");
	char token[100];
	snprintf(token, sizeof token, "%.*s", (int)strcspn(p, "<"), p);
	hc_resp_free(&r);
	check_photo(k, token, "Ảnh gửi qua API", jpeg, len, 1200, 800);
	/* a token is no key to another school's report */
	char path[300];
	snprintf(path, sizeof path, "/campaigns/%lld/units/%s/photos", (long long)campaign,
	         ch[CH_JSON].unit);
	char auth[200];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
	const char *hdrs[] = {auth, "Content-Type: application/x-www-form-urlencoded", NULL};
	hc_opts_t o = {.method = "POST", .body = "caption=x", .body_len = 9, .headers = hdrs};
	CURL *h = curl_easy_init();
	assert_int_equal(hc_request(h, port, path, &o, &r), 0);
	curl_easy_cleanup(h);
	assert_int_equal(r.status, 403);
	hc_resp_free(&r);
	/* a token posts a button's form (only csrf in a browser's) without the csrf: it gets to
	 * the handler (no such contest), not a "missing field" refusal */
	snprintf(path, sizeof path, "/units/%s/cuoc-thi/999999/cong-bo", k->unit);
	o = (hc_opts_t){.method = "POST", .body = "", .body_len = 0, .headers = hdrs};
	h = curl_easy_init();
	assert_int_equal(hc_request(h, port, path, &o, &r), 0);
	curl_easy_cleanup(h);
	if (r.status != 404)
		fail_msg("%s with a token: %ld %s", path, r.status, buf_cstr(&r.body));
	hc_resp_free(&r);
	g_free(jpeg);
	/* the photos did not touch the values */
	read_back(&ch[CH_FORM], 1, "draft");
	read_back(&ch[CH_API], 1, "draft");
}

/* ---------- the district's compiled narrative ---------- */

static char *
escaped(const char *s, int quot)
{
	buf_t b = BUF_INIT;
	for (; *s; s++)
		switch (*s) {
		case '&': buf_puts(&b, "&amp;"); break;
		case '<': buf_puts(&b, "&lt;"); break;
		case '>': buf_puts(&b, "&gt;"); break;
		case '"': buf_puts(&b, quot ? "&quot;" : "\""); break;
		case '\'': buf_puts(&b, quot ? "&#39;" : "'"); break;
		default: buf_putc(&b, *s);
		}
	char *r = strdup(buf_cstr(&b));
	buf_free(&b);
	return r;
}

static void
test_submit_and_district_narrative(void **state)
{
	(void)state;
	assert_int_equal(write_form(&ch[CH_FORM], 1, "/submit"), 303);
	for (int i = CH_API; i < NCH; i++)
		assert_int_equal(write_api(&ch[i], 1, "/submit"), 200);
	for (int i = 0; i < NCH; i++)
		read_back(&ch[i], 1, "submitted");

	/* the district's results form starts its narrative from the schools' texts */
	hc_resp_t r = ha_req(port, &district_head, "GET", path_of("", "306", "/report"), NULL, 0);
	assert_int_equal(r.status, 200);
	const char *html = buf_cstr(&r.body);
	for (int i = 0; i < NCH; i++)
		for (int t = 0; t < 3; t++) {
			char *e = escaped(ch[i].text[t], 1);
			if (!strstr(html, e))
				fail_msg("district page lacks %s %s: [%s]", ch[i].name,
				         text_items[t], e);
			free(e);
		}
	assert_non_null(strstr(html, "— Trường THCS Đằng Lâm: "));
	hc_resp_free(&r);

	/* the reviewer sees a school's notes on its report; the district's own notes are its
	 * own (none yet), not its schools' */
	r = ha_req(port, &district_head, "GET", path_of("", ch[CH_API].unit, "/report"), NULL, 0);
	assert_int_equal(r.status, 200);
	for (int t = 0; t < NNOTES; t++) {
		char *e = escaped(ch[CH_API].note[t], 1);
		if (!strstr(buf_cstr(&r.body), e))
			fail_msg("the reviewer does not see the note on %s: [%s]", note_items[t],
			         e);
		free(e);
	}
	hc_resp_free(&r);
	json_t *dj = get_json(&district_head, path_of("/api/v1", "306", "/report"));
	assert_int_equal(json_object_size(json_object_get(dj, "notes")), 0);
	json_decref(dj);

	/* and so does its Phụ lục */
	r = ha_req(port, &district_head, "GET", path_of("", "306", "/phuluc.xlsx"), NULL, 0);
	assert_int_equal(r.status, 200);
	char file[300];
	snprintf(file, sizeof file, "%s/phuluc-306.xlsx", tmpdir);
	FILE *f = fopen(file, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(r.body.data, 1, r.body.len, f), r.body.len);
	fclose(f);
	hc_resp_free(&r);
	char cmd[400];
	snprintf(cmd, sizeof cmd, "unzip -p '%s' 'xl/sharedStrings.xml' 'xl/worksheets/*.xml'",
	         file);
	FILE *pp = popen(cmd, "r");
	assert_non_null(pp);
	buf_t xml = BUF_INIT;
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, pp)) > 0)
		buf_append(&xml, chunk, n);
	assert_int_equal(pclose(pp), 0);
	for (int i = 0; i < NCH; i++)
		for (int t = 0; t < 3; t++) {
			char *e1 = escaped(ch[i].text[t], 0), *e2 = escaped(ch[i].text[t], 1);
			if (!strstr(buf_cstr(&xml), e1) && !strstr(buf_cstr(&xml), e2))
				fail_msg("Phụ lục lacks %s %s: [%s]", ch[i].name, text_items[t],
				         e1);
			free(e1);
			free(e2);
		}
	buf_free(&xml);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_every_type_every_channel),
	        cmocka_unit_test(test_notes_in_phuluc),
	        cmocka_unit_test(test_note_too_long),
	        cmocka_unit_test(test_photos_form_and_token),
	        cmocka_unit_test(test_submit_and_district_narrative),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
