/* Legacy Vietnamese encodings over the real CLI and real HTTP (docs/legacy-encodings.md):
 * `suotdoi units import` refuses names typed in TCVN3/VNI (pasted as mojibake, or a whole
 * file in TCVN3 bytes), naming each line with the repaired text and writing nothing, and
 * stores the repaired names byte for byte with --repair-legacy; the unit search finds
 * units when the query was typed in TCVN3 or VNI. Needs ./suotdoi built beside the test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/file.h"
#include "helper_app.h"

static char tmpdir[] = "/tmp/suotdoi-legacy-XXXXXX";
static char db[256];
static app_t app;
static http_server_t *srv;
static unsigned short port;

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(tmpdir) == NULL || ha_demo_store(tmpdir, "app.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
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
write_file(const char *path, const char *data)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, strlen(data), f), strlen(data));
	assert_int_equal(fclose(f), 0);
}

/* `suotdoi units import FILE [--repair-legacy]` on the served database: its exit (0 or
 * -1) and its output in out. */
static int
import(const char *name, const char *csv, int repair, buf_t *out)
{
	char path[300], log[300];
	snprintf(path, sizeof path, "%s/%s.csv", tmpdir, name);
	write_file(path, csv);
	char *argv[] = {"./suotdoi",
	                "units",
	                "import",
	                path,
	                "--db",
	                (char *)ha_served_spec(db),
	                repair ? "--repair-legacy" : NULL,
	                NULL};
	int rc = ha_run(tmpdir, name, argv);
	snprintf(log, sizeof log, "%s/%s.log", tmpdir, name);
	char *data, err[256];
	size_t len;
	assert_int_equal(file_read_all(log, 1 << 20, &data, &len, err, sizeof err), 0);
	buf_append(out, data, len);
	free(data);
	return rc;
}

static void
assert_has(buf_t *b, const char *needle)
{
	if (!strstr(buf_cstr(b), needle))
		fail_msg("output lacks \"%s\":\n%s", needle, buf_cstr(b));
}

static int64_t
count_named(const char *code, const char *name)
{
	char sql[600], err[256];
	int64_t n = -1;
	snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM units WHERE code = '%s' AND name = '%s'",
	         code, name);
	if (ha_sql_i64(db, sql, &n, err, sizeof err) < 0)
		fail_msg("%s", err);
	return n;
}

static void
digest(char out[65])
{
	char err[256];
	if (ha_db_digest(db, "sessions", out, err, sizeof err) < 0)
		fail_msg("%s", err);
}

/* Names pasted from Word files typed in TCVN3 and VNI fonts, as UTF-8 mojibake. */
static void
test_import_mojibake(void **state)
{
	(void)state;
	const char *csv = "code,name,kind,parent_code\n"
	                  "LG-OK,Trường Tiểu học Xuân Lộc,truong_th,11755\n"
	                  "LG-1,Tr\xC2\xAD\xC3\xAAng THCS Nguy\xC3\x94n V\xC2\xA8n Tr\xC3\xA7i,"
	                  "truong_thcs,11755\n"
	                  "LG-2,Tr\xC3\xB6\xC3\xB4\xC3\xB8ng Tie\xC3\xA5u ho\xC3\xAF"
	                  "c Ta\xC3\xA2n "
	                  "Ha\xC3\xB8,truong_th,11755\n";
	char before[65], after[65];
	digest(before);
	buf_t out = BUF_INIT;
	assert_int_equal(import("mojibake", csv, 0, &out), -1);
	assert_has(&out, "Dòng 3: tên “Tr\xC2\xAD\xC3\xAAng THCS Nguy\xC3\x94n V\xC2\xA8n "
	                 "Tr\xC3\xA7i” có vẻ được gõ bằng bảng mã TCVN3; có phải là “Trường THCS "
	                 "Nguyễn Văn Trỗi”?");
	assert_has(&out, "Dòng 4: tên “Tr\xC3\xB6\xC3\xB4\xC3\xB8ng Tie\xC3\xA5u ho\xC3\xAF"
	                 "c Ta\xC3\xA2n Ha\xC3\xB8” có vẻ được gõ bằng bảng mã VNI; có phải là "
	                 "“Trường Tiểu học Tân Hà”?");
	assert_has(&out, "--repair-legacy");
	assert_has(&out, "Không có dữ liệu nào được ghi.");
	/* the well-typed line is not named */
	assert_null(strstr(buf_cstr(&out), "Dòng 2"));
	digest(after);
	assert_string_equal(before, after);
	assert_int_equal(count_named("LG-OK", "Trường Tiểu học Xuân Lộc"), 0);

	/* confirmed: the repaired names are stored, byte for byte */
	buf_reset(&out);
	assert_int_equal(import("mojibake-ok", csv, 1, &out), 0);
	assert_has(&out, "Đã sửa 2 tên");
	assert_int_equal(count_named("LG-1", "Trường THCS Nguyễn Văn Trỗi"), 1);
	assert_int_equal(count_named("LG-2", "Trường Tiểu học Tân Hà"), 1);
	assert_int_equal(count_named("LG-OK", "Trường Tiểu học Xuân Lộc"), 1);
	buf_free(&out);
}

/* A CSV saved in TCVN3: not UTF-8 at all; every name is offered repaired. */
static void
test_import_tcvn3_file(void **state)
{
	(void)state;
	const char *csv = "code,name,kind,parent_code\n"
	                  "LG-3,Tr\xAD\xEAng Ti\xD3u h\xE4"
	                  "c V\xA8n Lang,truong_th,11755\n"
	                  "LG-4,Trung t\xA9m h\xE4"
	                  "c t\xCBp c\xE9ng \xAE\xE5ng,tthtcd,11755\n";
	char before[65], after[65];
	digest(before);
	buf_t out = BUF_INIT;
	assert_int_equal(import("tcvn3", csv, 0, &out), -1);
	assert_has(&out, "Dòng 2: tên “Trường Tiểu học Văn Lang” (tệp được lưu bằng bảng mã "
	                 "TCVN3, không phải UTF-8)");
	assert_has(&out, "Dòng 3: tên “Trung tâm học tập cộng đồng”");
	digest(after);
	assert_string_equal(before, after);

	buf_reset(&out);
	assert_int_equal(import("tcvn3-ok", csv, 1, &out), 0);
	assert_int_equal(count_named("LG-3", "Trường Tiểu học Văn Lang"), 1);
	assert_int_equal(count_named("LG-4", "Trung tâm học tập cộng đồng"), 1);
	buf_free(&out);
}

static void
expect_search(const char *path, const char *needle1, const char *needle2)
{
	hc_resp_t r = ha_req(port, NULL, "GET", path, NULL, 0);
	if (r.status != 200 || !strstr(buf_cstr(&r.body), needle1) ||
	    (needle2 && !strstr(buf_cstr(&r.body), needle2)))
		fail_msg("%s: status %ld, body lacks \"%s\" / \"%s\":\n%.800s", path, r.status,
		         needle1, needle2 ? needle2 : "", buf_cstr(&r.body));
	hc_resp_free(&r);
}

/* The search finds units whose query was typed in TCVN3 or VNI. */
static void
test_search(void **state)
{
	(void)state;
	/* "TiÓu häc Tiªn L·ng" (TCVN3) -> "Tiểu học Tiên Lãng" */
	expect_search("/api/v1/units?q=Ti%C3%93u+h%C3%A4c+Ti%C2%AAn+L%C2%B7ng", "TL-11755-TH",
	              "\"repaired\":\"Tiểu học Tiên Lãng\"");
	/* "Häc" alone */
	expect_search("/api/v1/units?q=H%C3%A4c", "\"encoding\":\"TCVN3\"", "\"total\":");
	/* VNI: "Tieân Laõng" -> "Tiên Lãng" */
	expect_search("/api/v1/units?q=Tie%C3%A2n+La%C3%B5ng", "TL-11755-TH",
	              "\"encoding\":\"VNI\"");
	/* the page says what it searched */
	expect_search("/search?q=Ti%C3%93u+h%C3%A4c+Ti%C2%AAn+L%C2%B7ng",
	              "bảng mã TCVN3: đã tìm theo “Tiểu học Tiên Lãng”", "Tiên Lãng");
	/* a normal query is left alone */
	hc_resp_t r =
	        ha_req(port, NULL, "GET", "/api/v1/units?q=Ti%E1%BB%83u+h%E1%BB%8Dc", NULL, 0);
	assert_int_equal(r.status, 200);
	assert_null(strstr(buf_cstr(&r.body), "legacy_query"));
	hc_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_import_mojibake),
	        cmocka_unit_test(test_import_tcvn3_file),
	        cmocka_unit_test(test_search),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
