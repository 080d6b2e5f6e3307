/* The open learning resources service (src/service/resources.c) on a real SQLite store with
 * the demo registry: the type sniffer, the checks (each bad field named, nothing written),
 * the search without diacritics through the store, and the campaign period rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

#include "demo_fixture.h"
#include "service/resources.h"
#include "text/text.h"

static char dir[] = "/tmp/suotdoi-restest-XXXXXX";
static store_t *st;
static unit_tree_t *tree;
static int64_t campaign_id, template_id;
static arena_t arena;

#define NOW 1664780400 /* 03/10/2022 14:00 Vietnam time */

static int
setup(void **state)
{
	(void)state;
	char path[300];
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/r.db", dir);
	return demo_fixture_open(path, &st, &tree, &campaign_id, &template_id);
}

static int
teardown(void **state)
{
	(void)state;
	unit_tree_unref(tree);
	store_close(st);
	arena_free(&arena);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---------- sniffing ---------- */

/* A ZIP in memory holding the named (empty-ish) entries. */
static void *
zip_of(const char *const *names, size_t *len)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	assert_non_null(z);
	zip_source_keep(src);
	for (size_t k = 0; names[k]; k++)
		zip_file_add(z, names[k], zip_source_buffer(z, "<x/>", 4, 0), 0);
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

static const char *
sniff_code(const void *p, size_t n)
{
	const res_type_t *t = res_sniff(p, n);
	return t ? t->code : "none";
}

#define C(s, w)                                                                                    \
	{                                                                                          \
		s, sizeof s - 1, w                                                                 \
	}

static void
test_sniff(void **state)
{
	(void)state;
	static const struct {
		const char *bytes;
		size_t len;
		const char *want;
	} cases[] = {
	        C("%PDF-1.7\n%\xe2\xe3\xcf\xd3", "pdf"),
	        C("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "png"),
	        C("\xff\xd8\xff\xe0\0\x10JFIF", "jpeg"),
	        C("RIFF\x24\0\0\0WEBPVP8 ", "webp"),
	        C("ID3\x03\0\0\0\0\0\x21", "mp3"),
	        C("\xff\xfb\x90\x64\0\0\0\0", "mp3"), /* MPEG-1 layer III, 128 kbit/s */
	        C("\0\0\0\x20"
	          "ftypisom\0\0\2\0",
	          "mp4"),
	        /* refused */
	        C("", "none"),
	        C("%PD", "none"),
	        C("<html><body>%PDF-1.4</body></html>", "none"), /* not at the start */
	        C("PDF-1.4 without the percent", "none"),
	        C("RIFF\x24\0\0\0WAVEfmt ", "none"),
	        C("\xff\xf9\x90\x64", "none"),         /* MPEG layer "reserved" */
	        C("\xff\xeb\x90\x64", "none"),         /* MPEG version "reserved" */
	        C("\xff\xfb\xf0\x64\0\0\0\0", "none"), /* bitrate index 15 (bad) */
	        C("\0\0\0\x20"
	          "ftyp\x01\x02\x03\x04",
	          "none"),                     /* brand not printable */
	        C("MZ\x90\0\3\0\0\0", "none"), /* a Windows program */
	        C("PK\x03\x04 not really a zip at all, just bytes", "none"),
	};
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++)
		if (strcmp(sniff_code(cases[k].bytes, cases[k].len), cases[k].want) != 0)
			fail_msg("case %zu: %s, want %s", k,
			         sniff_code(cases[k].bytes, cases[k].len), cases[k].want);
	assert_null(res_sniff(NULL, 10));
	/* OOXML by the part that names the application, whatever the order of entries */
	static const struct {
		const char *names[4];
		const char *want;
	} zips[] = {
	        {{"[Content_Types].xml", "word/document.xml", NULL}, "docx"},
	        {{"xl/workbook.xml", "[Content_Types].xml", NULL}, "xlsx"},
	        {{"[Content_Types].xml", "_rels/.rels", "ppt/presentation.xml", NULL}, "pptx"},
	        {{"word/document.xml", NULL}, "none"},               /* no content types */
	        {{"[Content_Types].xml", "mimetype", NULL}, "none"}, /* an OpenDocument-ish */
	        {{"virus.exe", NULL}, "none"},
	};
	for (size_t k = 0; k < sizeof zips / sizeof *zips; k++) {
		size_t n;
		void *b = zip_of(zips[k].names, &n);
		if (strcmp(sniff_code(b, n), zips[k].want) != 0)
			fail_msg("zip %zu: %s, want %s", k, sniff_code(b, n), zips[k].want);
		/* a truncated package is nothing */
		assert_string_equal(sniff_code(b, n / 2), "none");
		free(b);
	}
	assert_string_equal(res_type_find("docx")->ext, ".docx");
	assert_false(res_type_find("docx")->inline_ok);
	assert_true(res_type_find("pdf")->inline_ok);
	assert_null(res_type_find("exe"));
}

/* ---------- checks and writes ---------- */

static int
count_cb(const store_resource_t *r, void *p)
{
	(void)r;
	(void)p;
	return 0;
}

static int64_t
stored(void)
{
	int64_t n = -1;
	store_resource_query_t q = {.path = ""};
	assert_int_equal(store_resources_find(st, &q, count_cb, NULL, &n), 0);
	return n;
}

static const char pdf[] = "%PDF-1.4\n%%EOF\n";

static res_input_t
valid(void)
{
	return (res_input_t){"Cẩm nang kỹ năng số cho người cao tuổi",
	                     "Gọi video, cài đặt VNeID.",
	                     "chuyen_doi_so",
	                     "nguoi_cao_tuoi",
	                     "cc_by_4",
	                     "",
	                     "03/10/2022",
	                     "published",
	                     pdf,
	                     sizeof pdf - 1,
	                     "cam-nang.pdf"};
}

static res_rc_t
save_at(const char *code, const res_input_t *in, int64_t camp, store_resource_t *out,
        res_errors_t *e)
{
	int32_t i = unit_tree_find_code(tree, code);
	assert_true(i >= 0);
	buf_t path = BUF_INIT;
	unit_tree_path(tree, i, &path);
	res_ctx_t cx = {st, &arena, NOW, 0};
	res_rc_t rc = res_save(&cx, NULL, tree->units[i].id, arena_strdup(&arena, buf_cstr(&path)),
	                       camp, in, 0, out, e);
	buf_free(&path);
	return rc;
}

static void
test_checks(void **state)
{
	(void)state;
	int64_t before = stored();
	store_resource_t r;
	res_errors_t e;
	static const struct {
		int field;
		const char *value;
		const char *message;
	} cases[] = {
	        {RF_TITLE, "   ", "Tên học liệu: chưa nhập"},
	        {RF_TITLE, "Hai\ndòng", "Tên học liệu: có dấu tab hoặc xuống dòng"},
	        {RF_TITLE,
	         "Hai \xe2\x80\xae"
	         "dòng",
	         "Tên học liệu: có ký tự đảo chiều chữ"},
	        {RF_TOPIC, "", "Chủ đề: hãy chọn một mục (Chuyển đổi số,"},
	        {RF_AUDIENCE, "ma", "Đối tượng “ma” không có trong danh sách"},
	        {RF_LICENCE, "gpl", "Giấy phép “gpl” không có trong danh sách"},
	        {RF_PUBLISHED, "1999-12-31", "Ngày công bố “1999-12-31” không hợp lệ"},
	        {RF_PUBLISHED, "30/02/2022", "Ngày công bố “30/02/2022” không hợp lệ"},
	        {RF_STATUS, "deleted", "Trạng thái “deleted” không có trong danh sách"},
	        {RF_LINK, "javascript:alert(1)", "Đường dẫn: học liệu là một tệp hoặc"},
	};
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		res_input_t in = valid();
		const char **f[] = {[RF_TITLE] = &in.title,
		                    [RF_TOPIC] = &in.topic,
		                    [RF_AUDIENCE] = &in.audience,
		                    [RF_LICENCE] = &in.licence,
		                    [RF_PUBLISHED] = &in.published,
		                    [RF_STATUS] = &in.status,
		                    [RF_LINK] = &in.link};
		*f[cases[k].field] = cases[k].value;
		assert_int_equal(save_at("HA-11413-TH", &in, 0, &r, &e), RES_ERR_INVALID);
		if (!e.msg[cases[k].field] || !strstr(e.msg[cases[k].field], cases[k].message))
			fail_msg("case %zu: %s", k,
			         e.msg[cases[k].field] ? e.msg[cases[k].field] : "-");
		assert_int_equal(e.n, 1);
	}
	/* links: only http(s) with a host */
	const char *links[] = {
	        "javascript:alert(1)",   "ftp://hoclieu.vn/a",  "https://",         "http://x",
	        "https://user@evil.vn/", "https://hoc lieu.vn", "data:text/html,hi"};
	for (size_t k = 0; k < sizeof links / sizeof *links; k++) {
		res_input_t in = valid();
		in.file = NULL;
		in.link = links[k];
		assert_int_equal(save_at("HA-11413-TH", &in, 0, &r, &e), RES_ERR_INVALID);
		assert_non_null(e.msg[RF_LINK]);
		assert_non_null(strstr(e.msg[RF_LINK], "Đường dẫn không hợp lệ"));
	}
	/* the file: empty, too big, not a known type; a bad campaign */
	res_input_t in = valid();
	in.file_len = 0;
	assert_int_equal(save_at("HA-11413-TH", &in, 0, &r, &e), RES_ERR_INVALID);
	assert_non_null(strstr(e.msg[RF_FILE], "rỗng"));
	char *big = calloc(1, RES_FILE_MAX + 1);
	memcpy(big, "%PDF-", 5);
	in = valid();
	in.file = big;
	in.file_len = RES_FILE_MAX + 1;
	assert_int_equal(save_at("HA-11413-TH", &in, 0, &r, &e), RES_ERR_INVALID);
	assert_non_null(strstr(e.msg[RF_FILE], "Tệp lớn 20,1 MB, quá giới hạn 20 MB"));
	in.file_len = RES_FILE_MAX; /* exactly the cap is fine, but do not keep it */
	in.title = "";
	assert_int_equal(save_at("HA-11413-TH", &in, 0, &r, &e), RES_ERR_INVALID);
	assert_null(e.msg[RF_FILE]);
	free(big);
	in = valid();
	in.file = "<?php echo 1; ?>";
	in.file_len = 16;
	assert_int_equal(save_at("HA-11413-TH", &in, 0, &r, &e), RES_ERR_INVALID);
	assert_non_null(strstr(e.msg[RF_FILE], "nội dung không phải PDF"));
	in = valid();
	assert_int_equal(save_at("HA-11413-TH", &in, -1, &r, &e), RES_ERR_INVALID);
	assert_non_null(strstr(e.msg[RF_CAMPAIGN], "Đợt: hãy chọn"));
	/* every error at once, each by its field */
	res_input_t all = {0};
	all.topic = "x";
	assert_int_equal(save_at("HA-11413-TH", &all, 0, &r, &e), RES_ERR_INVALID);
	assert_non_null(e.msg[RF_TITLE]);
	assert_non_null(e.msg[RF_TOPIC]);
	assert_non_null(e.msg[RF_AUDIENCE]);
	assert_non_null(e.msg[RF_LICENCE]);
	assert_non_null(e.msg[RF_FILE]);
	assert_int_equal(e.n, 5);
	assert_int_equal(stored(), before);

	/* a right one: the name cleaned, the type from the bytes, today when no date */
	store_resource_t r2;
	in = valid();
	in.file_name = "../../tài liệu/\"Cẩm nang\".PDF";
	in.published = "";
	assert_int_equal(save_at("HA-11413-TH", &in, 0, &r, &e), RES_OK);
	assert_int_equal(e.n, 0);
	assert_string_equal(r.file_name, "Cẩm nang.pdf");
	assert_string_equal(r.file_type, "pdf");
	assert_int_equal(r.file_size, sizeof pdf - 1);
	assert_int_equal(r.published_on, text_days_from_civil(2022, 10, 3));
	/* a name that is not UTF-8, or nothing but an extension */
	in = valid();
	in.file_name = "b\xe0i gi\xe3ng.pdf"; /* Windows-1258 bytes */
	assert_int_equal(save_at("HA-11413-TH", &in, 0, &r2, &e), RES_OK);
	assert_string_equal(r2.file_name, "hoc-lieu.pdf");
	in.file_name = ".pdf";
	assert_int_equal(save_at("HA-11413-TH", &in, 0, &r2, &e), RES_OK);
	assert_string_equal(r2.file_name, "hoc-lieu.pdf");
	before += 2;
	assert_int_equal(r.version, 1);
	assert_int_equal(stored(), before + 1);
	/* an edit at a stale version writes nothing */
	res_ctx_t cx = {st, &arena, NOW, 0};
	in.title = "Tên mới";
	in.file = NULL;
	assert_int_equal(res_save(&cx, &r, r.unit_id, r.unit_path, 0, &in, 7, &r2, &e),
	                 RES_ERR_CONFLICT);
	assert_int_equal(res_save(&cx, &r, r.unit_id, r.unit_path, 0, &in, 1, &r2, &e), RES_OK);
	assert_int_equal(r2.version, 2);
	assert_string_equal(r2.file_type, "pdf"); /* the file kept */
	assert_int_equal(stored(), before + 1);
}

/* All or nothing: when the bytes cannot be written, the row is not either (a trigger put
 * on the real file by a second connection makes the file's insert fail). */
static void
test_all_or_nothing(void **state)
{
	(void)state;
	char path[300];
	snprintf(path, sizeof path, "%s/r.db", dir);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
	                              "CREATE TRIGGER no_bytes BEFORE INSERT ON resource_files "
	                              "BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	int64_t before = stored();
	res_input_t in = valid();
	store_resource_t r;
	res_errors_t e;
	assert_int_equal(save_at("HA-11413-TH", &in, 0, &r, &e), RES_ERR_STORE);
	assert_int_equal(e.n, 0);
	assert_int_equal(stored(), before);
	/* a link needs no bytes and goes through */
	in.file = NULL;
	in.link = "https://hoclieu.vn/a";
	assert_int_equal(save_at("HA-11413-TH", &in, 0, &r, &e), RES_OK);
	assert_int_equal(stored(), before + 1);
	assert_int_equal(sqlite3_exec(db, "DROP TRIGGER no_bytes;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* ---------- search ---------- */

typedef struct titles {
	char buf[2048];
} titles_t;

static int
title_cb(const store_resource_t *r, void *p)
{
	titles_t *t = p;
	strncat(t->buf, r->title, sizeof t->buf - strlen(t->buf) - 2);
	strcat(t->buf, "|");
	return 0;
}

static const char *
search(const char *q, const char *place, const char *status)
{
	static titles_t t;
	memset(&t, 0, sizeof t);
	store_resource_query_t sq = {.path = "", .status = status};
	buf_t path = BUF_INIT;
	if (place) {
		unit_tree_path(tree, unit_tree_find_code(tree, place), &path);
		sq.path = buf_cstr(&path);
	}
	sq.nwords = res_query_words(&arena, q, sq.words, RES_QUERY_WORDS);
	assert_int_equal(store_resources_find(st, &sq, title_cb, &t, NULL), 0);
	buf_free(&path);
	return t.buf;
}

static void
test_search(void **state)
{
	(void)state;
	store_resource_t r;
	res_errors_t e;
	res_input_t in = valid();
	in.title = "Sổ tay phòng chống đuối nước";
	in.topic = "ky_nang_song";
	in.audience = "hoc_sinh";
	assert_int_equal(save_at("HA-11413-THCS", &in, 0, &r, &e), RES_OK);
	in = valid();
	in.title = "Bài giảng Pháp luật về an toàn giao thông";
	in.topic = "phap_luat";
	in.status = "draft";
	in.file = NULL;
	in.link = "https://hoclieu.vn/atgt";
	assert_int_equal(save_at("HA-11413-TH", &in, 0, &r, &e), RES_OK);

	/* without diacritics, any case, NFD, đ -> d, words in any order, word starts */
	assert_non_null(strstr(search("so tay phong chong", NULL, "published"), "Sổ tay"));
	assert_non_null(strstr(search("DUOI NUOC", NULL, "published"), "Sổ tay"));
	assert_non_null(strstr(search("nuoc duoi", NULL, "published"), "Sổ tay"));
	assert_non_null(strstr(search("đuối", NULL, "published"), "Sổ tay"));
	/* NFD typing; the topic's name (the edited handbook of test_checks) */
	assert_non_null(
	        strstr(search("chuye\xcc\x82\xcc\x89n đổi số", NULL, "published"), "Tên mới"));
	assert_non_null(strstr(search("ky nang song", NULL, "published"), "Sổ tay")); /* topic */
	assert_non_null(strstr(search("hoc sinh", NULL, "published"), "Sổ tay"));     /* audience */
	assert_null(strstr(search("uoi nuoc", NULL, "published"), "Sổ tay")); /* not a word start */
	assert_null(strstr(search("so tay xyz", NULL, "published"), "Sổ tay"));
	/* drafts only with their status asked */
	assert_null(strstr(search("an toan giao thong", NULL, "published"), "Pháp luật"));
	assert_non_null(strstr(search("an toan giao thong", NULL, "draft"), "Pháp luật"));
	/* by place: a subtree */
	assert_non_null(strstr(search("", "306", "published"), "Sổ tay"));
	assert_non_null(strstr(search("", "HA-11413-THCS", "published"), "Sổ tay"));
	assert_null(strstr(search("", "HA-11413-TH", "published"), "Sổ tay"));
	assert_string_equal(search("", "315", "published"), "");
	/* the words of a query */
	const char *w[RES_QUERY_WORDS];
	assert_int_equal(res_query_words(&arena, "  Chuyển   ĐỔI, số!  ", w, RES_QUERY_WORDS), 3);
	assert_string_equal(w[0], "chuyen");
	assert_string_equal(w[1], "doi");
	assert_string_equal(w[2], "so");
	assert_int_equal(res_query_words(&arena, "a b c d e f g h i j", w, RES_QUERY_WORDS), 8);
	assert_int_equal(res_query_words(&arena, "", w, RES_QUERY_WORDS), 0);
	assert_int_equal(res_query_words(&arena, "\xff\xfe", w, RES_QUERY_WORDS), 0);
}

/* ---------- the campaign period rule ---------- */

static void
test_campaign_rule(void **state)
{
	(void)state;
	int64_t ids[] = {7, 3}; /* the campaign and the one it adopts */
	store_resource_t r = {.status = "published",
	                      .published_on = text_days_from_civil(2022, 10, 3)};
	assert_true(res_counts_in(&r, ids, 2, 2022));
	assert_false(res_counts_in(&r, ids, 2, 2023));
	r.published_on = text_days_from_civil(2022, 1, 1);
	assert_true(res_counts_in(&r, ids, 2, 2022));
	r.published_on = text_days_from_civil(2022, 12, 31);
	assert_true(res_counts_in(&r, ids, 2, 2022));
	r.published_on = text_days_from_civil(2021, 12, 31);
	assert_false(res_counts_in(&r, ids, 2, 2022));
	/* named campaigns decide, whatever the date */
	r.campaign_id = 3;
	assert_true(res_counts_in(&r, ids, 2, 2022));
	r.campaign_id = 9;
	r.published_on = text_days_from_civil(2022, 10, 3);
	assert_false(res_counts_in(&r, ids, 2, 2022));
	/* only published ones */
	r.campaign_id = 7;
	r.status = "draft";
	assert_false(res_counts_in(&r, ids, 2, 2022));
	r.status = "withdrawn";
	assert_false(res_counts_in(&r, ids, 2, 2022));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_sniff),          cmocka_unit_test(test_checks),
	        cmocka_unit_test(test_all_or_nothing), cmocka_unit_test(test_search),
	        cmocka_unit_test(test_campaign_rule),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
