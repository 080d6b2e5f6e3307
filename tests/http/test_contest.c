/* Contests with citizen entries over real HTTP (docs/contests.md): the Đằng Lâm learning
 * centre's officer creates a contest through the form (no JavaScript); a citizen, signed
 * out, sends an audio entry that stays private until the officer approves it, and then
 * plays from the public page byte for byte (and by Range); a file claiming to be audio that
 * is not, an oversized video (refused from its Content-Length, before the body is read, and
 * by the contest's own cap), and a <script> title (escaped in the page, plain text in the
 * JSON) are refused or neutralised with Vietnamese messages; every bad input on every new
 * form gets a Vietnamese 4xx naming the field with nothing written; wrong JSON types are
 * refused; withdrawal deletes the file; judges score, the organiser gives prizes and
 * announces, and the public page shows the results. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <vips/vips.h>

#include "app/app.h"
#include "core/file.h"
#include "domain/accounts.h"
#include "domain/auth.h"
#include "helper_app.h"
#include "media/photo.h"
#include "service/contest.h"
#include "text/text.h"

#define PASSWORD "Cuoc-thi-2026-kiem-tra"
#define CLC "HA-11413-TTHTCD"
#define PHONE "0912 345 678"

static char tmpdir[] = "/tmp/suotdoi-contest-XXXXXX";
static char media[300]; /* the server's media directory */
static app_t app;
static http_server_t *srv;
static unsigned short port;
static ha_client_t clc, school, judge, other;
static int64_t cid; /* the open contest, made by test_create_contest */

/* ---------- helpers ---------- */

static int
has(const hc_resp_t *r, const char *s)
{
	return strstr(buf_cstr((buf_t *)&r->body), s) != NULL;
}

/* The part of a page worth reading in a failure: from <main> on. */
static const char *
main_of(const hc_resp_t *r)
{
	const char *b = buf_cstr((buf_t *)&r->body), *m = strstr(b, "<main");
	return m ? m : b;
}

static void
expect_in(const hc_resp_t *r, const char *s)
{
	if (!has(r, s))
		fail_msg("response %ld lacks \"%s\":\n%.4000s", r->status, s, main_of(r));
}

static void
expect_status_at(const hc_resp_t *r, long status, int line)
{
	if (r->status != status)
		fail_msg("line %d: expected %ld, got %ld:\n%.4000s", line, status, r->status,
		         main_of(r));
}
#define expect_status(r, s) expect_status_at(r, s, __LINE__)

static const char *
pathf(const char *fmt, ...)
{
	static char p[8][300];
	static int k;
	k = (k + 1) % 8;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p[k], sizeof p[k], fmt, ap);
	va_end(ap);
	return p[k];
}

static hc_resp_t
get(ha_client_t *c, const char *path)
{
	return ha_req(port, c, "GET", path, NULL, 0);
}

static void *
fixture(const char *name, size_t *len)
{
	char path[512], err[300], *d = NULL;
	snprintf(path, sizeof path, "%s/tests/fixtures/media/%s", TEST_SOURCE_DIR, name);
	assert_int_equal(file_read_all(path, 1u << 20, &d, len, err, sizeof err), 0);
	return d;
}

static int
count_entry(const store_contest_entry_t *e, void *p)
{
	(void)e;
	(*(int *)p)++;
	return 0;
}

/* Entries stored in contest id, whatever their status. */
static int
stored(int64_t id)
{
	int n = 0;
	assert_int_equal(store_contest_entries(app.store, id, "", count_entry, &n), 0);
	return n;
}

/* Files in the media directory. */
static int
files(void)
{
	DIR *d = opendir(media);
	if (!d)
		return 0;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static int
count_contest(const store_contest_t *c, void *p)
{
	(void)c;
	(*(int *)p)++;
	return 0;
}

static int
contests(void)
{
	int n = 0;
	store_contest_query_t q = {0};
	assert_int_equal(store_contests_find(app.store, &q, count_contest, &n), 0);
	return n;
}

static const char *
day(int offset)
{
	static char d[4][16];
	static int k;
	k = (k + 1) % 4;
	arena_t a = {0};
	snprintf(d[k], sizeof d[k], "%s", text_date_str(&a, ha_vn_today() + offset));
	arena_free(&a);
	return d[k];
}

/* A fresh per-address allowance (all the test's citizens share 127.0.0.1), between tests
 * while no request is in flight. */
static void
fresh_limits(void)
{
	auth_throttle_free(app.enrol_limit);
	app.enrol_limit = auth_throttle_new(0, 3600, 0);
}

/* A citizen: the pre-login cookie and the entry form's token. */
static ha_client_t
citizen(int64_t id)
{
	(void)id; /* the token is the browser's, whichever contest's form gave it */
	ha_client_t c = {{0}, {0}};
	hc_resp_t r = get(NULL, pathf("/cuoc-thi/%lld/du-thi", (long long)cid));
	expect_status(&r, 200);
	assert_int_equal(hc_cookie(&r, APP_PRELOGIN_COOKIE, c.cookie, sizeof c.cookie), 0);
	assert_int_equal(hc_csrf(&r, c.csrf, sizeof c.csrf), 0);
	hc_resp_free(&r);
	return c;
}

/* Apply the pairs of over (NULL-terminated) to kv's first n entries: replace a name's value
 * or add the pair (kv has room). */
static void
override(const char **kv, size_t n, const char *const *over)
{
	for (size_t k = 0; over && over[k]; k += 2) {
		size_t j = 0;
		while (j < n && strcmp(kv[j], over[k]) != 0)
			j += 2;
		if (j == n) {
			kv[n] = over[k];
			n += 2;
			kv[n] = NULL;
		}
		kv[j + 1] = over[k + 1];
	}
}

/* A valid entry's fields with overrides (pairs in over replace or add), and a file: the
 * entry form posted whole as a browser does (multipart, every field of the form, the file
 * input even when empty). The form is the open contest's (the same fields for every
 * contest; a contest not open shows none). */
static hc_resp_t
enter(int64_t id, const char *const *over, const void *data, size_t len, const char *ctype)
{
	ha_client_t c = citizen(id);
	/* a phone of its own for each entry (a phone may send 3 a day) unless over says */
	static int seq;
	char phone[32];
	snprintf(phone, sizeof phone, "0987 65%04d", ++seq % 10000);
	const char *kv[40] = {"name",     "Phạm Thu Hà",     "phone", phone,
	                      "email",    "",                "locality", "phường Đằng Lâm",
	                      "title",    "Giọng đọc: Tắt đèn", "body", "Chương một.",
	                      "media",    "audio",           "consent", "1",
	                      NULL};
	size_t n = 16;
	override(kv, n, over);
	return ha_post_page_multipart(port, &c, pathf("/cuoc-thi/%lld/du-thi", (long long)cid),
	                              pathf("/cuoc-thi/%lld/du-thi", (long long)id), kv, "file",
	                              data, len, "bai-du-thi", ctype);
}

/* The code in a 303's Location ".../ma/CODE?done=1", into code. */
static void
code_of(const hc_resp_t *r, char code[16])
{
	char loc[300];
	expect_status(r, 303);
	assert_non_null(hc_header(r, "Location", loc, sizeof loc));
	const char *p = strstr(loc, "/ma/");
	assert_non_null(p);
	snprintf(code, 16, "%.8s", p + 4);
}

static int
entry_by_code(const store_contest_entry_t *e, void *p)
{
	*(int64_t *)p = e->id;
	return 1;
}

static int64_t
entry_id(const char *code)
{
	int64_t id = 0;
	assert_int_equal(store_contest_entry_get(app.store, 0, code, entry_by_code, &id), 1);
	return id;
}

/* The staff's moderation form of entry eid, posted whole with the button action pressed. */
static hc_resp_t
moderate(int64_t eid, const char *action, const char *reason)
{
	const char *kv[] = {"action", action, "reason", reason, NULL};
	return ha_post_page_form(port, &clc, pathf("/units/" CLC "/cuoc-thi/%lld", (long long)cid),
	                         pathf("/units/" CLC "/cuoc-thi/%lld/bai/%lld", (long long)cid,
	                               (long long)eid),
	                         kv);
}

/* The contest form's fields with overrides, posted whole from the page that shows the form
 * (the unit's list for a new contest, the contest's page for an edit). */
static hc_resp_t
contest_form(const char *path, const char *const *over)
{
	const char *kv[50] = {"title",         "Công dân số 2026",
	                      "theme",         "Kể chuyện tự học trên mạng.",
	                      "rules",         "Mỗi người tối đa 3 bài.",
	                      "type_text",     "1",
	                      "type_photo",    "1",
	                      "type_audio",    "1",
	                      "type_video",    "1",
	                      "audio_minutes", "1",
	                      "video_mb",      "1",
	                      "starts",        day(-1),
	                      "ends",          day(10),
	                      "status",        "published",
	                      "judges",        "giamkhao.th",
	                      NULL};
	size_t n = 26;
	override(kv, n, over);
	return ha_post_page_form(port, &clc, path, path, kv);
}

/* ---------- set-up ---------- */

static int
setup(void **state)
{
	(void)state;
	char db[256];
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "c.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	snprintf(media, sizeof media, "%s.contest", db);
	ha_throttles(&app, 1000, 1000);
	ha_user(&app, "canbo.clc", CLC, ROLE_ENTRY, PASSWORD);
	ha_user(&app, "canbo.th", "HA-11413-TH", ROLE_ENTRY, PASSWORD);
	ha_user(&app, "giamkhao.th", "HA-11413-TH", ROLE_VIEWER, PASSWORD);
	ha_user(&app, "khac.th", "HA-11413-TH", ROLE_VIEWER, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (ha_login(port, &clc, "canbo.clc", PASSWORD) != 303 ||
	    ha_login(port, &school, "canbo.th", PASSWORD) != 303 ||
	    ha_login(port, &judge, "giamkhao.th", PASSWORD) != 303 ||
	    ha_login(port, &other, "khac.th", PASSWORD) != 303)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	http_server_stop(srv);
	app_close(&app);
	curl_global_cleanup();
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---------- tests ---------- */

static void
test_create_contest(void **state)
{
	(void)state;
	fresh_limits();
	hc_resp_t r = get(&clc, "/units/" CLC "/cuoc-thi");
	expect_status(&r, 200);
	expect_in(&r, "Tổ chức cuộc thi mới");
	hc_resp_free(&r);
	/* staff of another unit do not reach the centre's contests */
	r = get(&school, "/units/" CLC "/cuoc-thi");
	expect_status(&r, 403);
	hc_resp_free(&r);
	r = contest_form("/units/" CLC "/cuoc-thi", NULL);
	char loc[300];
	expect_status(&r, 303);
	assert_non_null(hc_header(&r, "Location", loc, sizeof loc));
	cid = atoll(strstr(loc, "/cuoc-thi/") + strlen("/cuoc-thi/"));
	assert_true(cid > 0);
	hc_resp_free(&r);
	r = get(NULL, "/cuoc-thi?place=dang%20lam");
	expect_status(&r, 200);
	expect_in(&r, "Công dân số 2026");
	expect_in(&r, "Đang nhận bài");
	hc_resp_free(&r);
	r = get(NULL, pathf("/cuoc-thi/%lld", (long long)cid));
	expect_status(&r, 200);
	expect_in(&r, "Kể chuyện tự học trên mạng.");
	expect_in(&r, "Gửi bài dự thi");
	hc_resp_free(&r);
	/* the form works without JavaScript: multipart, a plain file input */
	r = get(NULL, pathf("/cuoc-thi/%lld/du-thi", (long long)cid));
	expect_in(&r, "enctype=\"multipart/form-data\"");
	expect_in(&r, "type=\"file\"");
	hc_resp_free(&r);
}

/* Done when: a contest entry with an audio file is accepted; moderation before anything is
 * public; the approved entry plays from the public page, byte for byte. */
static void
test_audio_entry(void **state)
{
	(void)state;
	fresh_limits();
	size_t n;
	void *ogg = fixture("tone.ogg", &n);
	const char *phone[] = {"phone", PHONE, NULL};
	hc_resp_t r = enter(cid, phone, ogg, n, "audio/ogg");
	char code[16];
	code_of(&r, code);
	hc_resp_free(&r);
	int64_t eid = entry_id(code);
	/* the code page: pending, no personal data */
	r = get(NULL, pathf("/cuoc-thi/%lld/ma/%s?done=1", (long long)cid, code));
	expect_status(&r, 200);
	expect_in(&r, "Chờ ban tổ chức duyệt");
	assert_false(has(&r, "Phạm Thu Hà"));
	hc_resp_free(&r);
	/* a typed code (lower case, with a dash) finds the same page; a wrong one is a 404 */
	char typed[32];
	snprintf(typed, sizeof typed, "%.4s-%s", code, code + 4);
	for (char *p = typed; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	r = get(NULL, pathf("/cuoc-thi/%lld/tra-cuu?code=%s", (long long)cid, typed));
	expect_status(&r, 303);
	char loc[200];
	assert_non_null(hc_header(&r, "Location", loc, sizeof loc));
	assert_non_null(strstr(loc, pathf("/ma/%s", code)));
	hc_resp_free(&r);
	r = get(NULL, pathf("/cuoc-thi/%lld/tra-cuu?code=ZZZZZZZZ", (long long)cid));
	expect_status(&r, 404);
	expect_in(&r, "Mã bài dự thi (code): không có bài nào với mã này");
	hc_resp_free(&r);
	/* not public before it is approved: page, API, file */
	r = get(NULL, pathf("/cuoc-thi/%lld", (long long)cid));
	assert_false(has(&r, "Giọng đọc: Tắt đèn"));
	hc_resp_free(&r);
	r = get(NULL, pathf("/api/v1/contests/%lld", (long long)cid));
	assert_false(has(&r, "Tắt đèn"));
	hc_resp_free(&r);
	const char *file = pathf("/cuoc-thi/%lld/bai/%lld/tep", (long long)cid, (long long)eid);
	r = get(NULL, file);
	expect_status(&r, 404);
	hc_resp_free(&r);
	/* the staff's queue plays it */
	r = get(&clc, pathf("/units/" CLC "/cuoc-thi/%lld", (long long)cid));
	expect_status(&r, 200);
	expect_in(&r, "Bài chờ duyệt (1)");
	expect_in(&r, "Giọng đọc: Tắt đèn");
	expect_in(&r, "0912345678");
	expect_in(&r, pathf("<audio controls preload=\"none\" src=\"/units/" CLC
	                    "/cuoc-thi/%lld/bai/%lld/tep\"",
	                    (long long)cid, (long long)eid));
	hc_resp_free(&r);
	r = moderate(eid, "approve", "");
	expect_status(&r, 303);
	hc_resp_free(&r);
	/* public now, with a playable <audio>; never the phone */
	r = get(NULL, pathf("/cuoc-thi/%lld", (long long)cid));
	expect_in(&r, "Giọng đọc: Tắt đèn");
	expect_in(&r, "Phạm Thu Hà");
	expect_in(&r, pathf("<audio controls preload=\"none\" src=\"%s\"></audio>", file));
	assert_false(has(&r, "0912345678"));
	assert_false(has(&r, "345 678"));
	hc_resp_free(&r);
	r = get(NULL, pathf("/api/v1/contests/%lld", (long long)cid));
	expect_status(&r, 200);
	expect_in(&r, "\"Giọng đọc: Tắt đèn\"");
	assert_false(has(&r, "0912345678"));
	assert_false(has(&r, "\"phone\""));
	hc_resp_free(&r);
	r = get(NULL, file);
	expect_status(&r, 200);
	assert_int_equal(r.body.len, n);
	assert_memory_equal(r.body.data, ogg, n);
	char h[100];
	assert_string_equal(hc_header(&r, "Content-Type", h, sizeof h), "audio/ogg");
	assert_string_equal(hc_header(&r, "X-Content-Type-Options", h, sizeof h), "nosniff");
	hc_resp_free(&r);
	/* a player seeks: Range */
	const char *range[] = {"Range: bytes=100-199", NULL};
	hc_opts_t o = {.headers = range};
	CURL *c = curl_easy_init();
	assert_int_equal(hc_request(c, port, file, &o, &r), 0);
	curl_easy_cleanup(c);
	expect_status(&r, 206);
	assert_int_equal(r.body.len, 100);
	assert_memory_equal(r.body.data, (char *)ogg + 100, 100);
	assert_string_equal(hc_header(&r, "Content-Range", h, sizeof h),
	                    pathf("bytes 100-199/%zu", n));
	hc_resp_free(&r);
	free(ogg);
}

/* Done when: a file claiming to be audio that is not, an oversized video and a script in
 * the title are refused or neutralised with Vietnamese messages; nothing stored. */
static void
test_fake_audio_and_big_video(void **state)
{
	(void)state;
	fresh_limits();
	int before = stored(cid), fbefore = files();
	const char text[] = "Đây là một bài thơ, không phải bản ghi âm.\n";
	hc_resp_t r = enter(cid, NULL, text, sizeof text - 1, "audio/mpeg");
	expect_status(&r, 422);
	expect_in(&r, "Tệp ghi âm không phải là âm thanh hợp lệ (định dạng không nhận ra)");
	hc_resp_free(&r);
	/* a JPEG claimed as audio */
	static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0};
	r = enter(cid, NULL, jpeg, sizeof jpeg, "audio/mpeg");
	expect_status(&r, 422);
	expect_in(&r, "Tệp ghi âm không phải là âm thanh hợp lệ");
	hc_resp_free(&r);
	/* a video in an audio entry */
	size_t n;
	void *mp4 = fixture("clip.mp4", &n);
	r = enter(cid, NULL, mp4, n, "audio/mp4");
	expect_status(&r, 422);
	expect_in(&r, "Tệp ghi âm có hình (là video)");
	hc_resp_free(&r);
	free(mp4);
	/* a video over the contest's cap of 1 MB by one byte */
	size_t big = (1u << 20) + 1;
	char *junk = calloc(1, big);
	memcpy(junk, "\0\0\0\x18" "ftypmp42", 12);
	const char *video[] = {"media", "video", NULL};
	r = enter(cid, video, junk, big, "video/mp4");
	expect_status(&r, 413);
	expect_in(&r, "Tệp 1.048.577 byte, quá giới hạn 1.048.576 byte của cuộc thi");
	hc_resp_free(&r);
	free(junk);
	/* over the largest cap any contest has: refused from the Content-Length, before the
	 * body is read (the server answers with no body sent and closes) */
	char req[600];
	int len = snprintf(req, sizeof req,
	                   "POST /cuoc-thi/%lld/du-thi HTTP/1.1\r\nHost: 127.0.0.1\r\n"
	                   "Content-Type: multipart/form-data; boundary=x\r\n"
	                   "Content-Length: %llu\r\n\r\n",
	                   (long long)cid, (unsigned long long)(130ull << 20));
	buf_t reply = BUF_INIT;
	assert_int_equal(hc_raw(port, req, (size_t)len, &reply), 413);
	if (!strstr(buf_cstr(&reply), "Tệp dự thi (file): 130 MB, quá giới hạn 100 MB"))
		fail_msg("413 without the sentence:\n%s", buf_cstr(&reply));
	buf_free(&reply);
	assert_int_equal(stored(cid), before);
	assert_int_equal(files(), fbefore);
}

static void
test_script_title(void **state)
{
	(void)state;
	fresh_limits();
	/* control characters in the text: refused naming the field, nothing stored */
	int before = stored(cid);
	const char *ctl[] = {"title", "<script>alert(1)</script>", "body",
	                     "<img src=x onerror=alert(2)>\x01\x7f", "media", "", NULL};
	hc_resp_t r = enter(cid, ctl, NULL, 0, NULL);
	expect_status(&r, 422);
	expect_in(&r, "Nội dung bài viết: có ký tự điều khiển U+0001");
	hc_resp_free(&r);
	assert_int_equal(stored(cid), before);
	const char *over[] = {"title", "<script>alert(1)</script>", "body",
	                      "<img src=x onerror=alert(2)>", "media", "", NULL};
	r = enter(cid, over, NULL, 0, NULL);
	char code[16];
	code_of(&r, code);
	hc_resp_free(&r);
	int64_t eid = entry_id(code);
	r = moderate(eid, "approve", "");
	expect_status(&r, 303);
	hc_resp_free(&r);
	r = get(NULL, pathf("/cuoc-thi/%lld", (long long)cid));
	expect_in(&r, "&lt;script&gt;alert(1)&lt;/script&gt;");
	expect_in(&r, "&lt;img src=x onerror=alert(2)&gt;");
	assert_false(has(&r, "<script>alert"));
	assert_false(has(&r, "<img src=x"));
	assert_false(has(&r, "\x01"));
	hc_resp_free(&r);
	/* JSON: the title is text, served as JSON (never HTML) */
	r = get(NULL, pathf("/api/v1/contests/%lld", (long long)cid));
	char h[100];
	assert_non_null(strstr(hc_header(&r, "Content-Type", h, sizeof h), "application/json"));
	json_error_t je;
	json_t *doc = json_loadb(r.body.data, r.body.len, 0, &je);
	assert_non_null(doc);
	json_t *entries = json_object_get(doc, "entries"), *x;
	size_t k;
	int found = 0;
	json_array_foreach(entries, k, x) if (!strcmp(json_string_value(json_object_get(x, "title")),
	                                              "<script>alert(1)</script>"))
	{
		found = 1;
		assert_string_equal(json_string_value(json_object_get(x, "body")),
		                    "<img src=x onerror=alert(2)>");
	}
	assert_true(found);
	json_decref(doc);
	hc_resp_free(&r);
}

/* Every bad input on the entry form: a Vietnamese 422 naming the field, nothing written. */
static void
test_entry_bad_input(void **state)
{
	(void)state;
	fresh_limits();
	static const struct {
		const char *field, *value, *want;
	} cases[] = {
	        {"name", "", "Hãy nhập Họ và tên."},
	        {"phone", "12345", "Số điện thoại: hãy nhập số di động Việt Nam"},
	        {"email", "khong-phai-thu", "Thư điện tử không đúng dạng"},
	        {"locality", "", "Hãy nhập Nơi ở (xã, phường)."},
	        {"title", "", "Hãy nhập Tên bài dự thi."},
	        {"consent", "", "Hãy đánh dấu đồng ý"},
	        {"body", "", "Hãy viết nội dung bài dự thi hoặc gửi kèm một tệp."},
	};
	int before = stored(cid), fbefore = files();
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		const char *over[] = {cases[k].field, cases[k].value, "media", "", NULL};
		hc_resp_t r = enter(cid, over, NULL, 0, NULL);
		if (r.status != 422)
			fail_msg("%s=\"%s\": %ld", cases[k].field, cases[k].value, r.status);
		expect_in(&r, cases[k].want);
		expect_in(&r, "class=\"field-err\"");
		hc_resp_free(&r);
	}
	/* too long */
	char *longt = malloc(ENTRY_TITLE_MAX + 2);
	memset(longt, 'a', ENTRY_TITLE_MAX + 1);
	longt[ENTRY_TITLE_MAX + 1] = '\0';
	const char *over[] = {"title", longt, "media", "", NULL};
	hc_resp_t r = enter(cid, over, NULL, 0, NULL);
	expect_status(&r, 422);
	expect_in(&r, "Tên bài dự thi: dài 201 byte, quá giới hạn 200 byte");
	hc_resp_free(&r);
	free(longt);
	/* a photo that is not one */
	const char *photo[] = {"media", "photo", NULL};
	r = enter(cid, photo, "GIF89a....", 10, "image/gif");
	expect_status(&r, 422);
	expect_in(&r, "Tệp ảnh: Ảnh phải là JPEG, PNG hoặc WebP.");
	hc_resp_free(&r);
	/* a kind the form does not offer */
	const char *kind[] = {"media", "pdf", NULL};
	r = enter(cid, kind, "%PDF-1.4", 8, "application/pdf");
	expect_status(&r, 422);
	expect_in(&r, "Loại tệp: hãy chọn tệp gửi kèm là ảnh, ghi âm hay video.");
	hc_resp_free(&r);
	/* a phone's daily limit: the fourth entry is refused naming the phone */
	const char *same[] = {"phone", "0977 000 111", "media", "", NULL};
	int had = stored(cid);
	for (int k = 0; k < 3; k++) {
		r = enter(cid, same, NULL, 0, NULL);
		expect_status(&r, 303);
		hc_resp_free(&r);
	}
	r = enter(cid, same, NULL, 0, NULL);
	expect_status(&r, 429);
	expect_in(&r, "Số điện thoại này đã gửi đủ 3 bài trong 24 giờ");
	hc_resp_free(&r);
	assert_int_equal(stored(cid), had + 3);
	before += 3;
	/* the honeypot: pretends, writes nothing */
	const char *bot[] = {"website", "http://spam.example", NULL};
	size_t n;
	void *ogg = fixture("tone.ogg", &n);
	r = enter(cid, bot, ogg, n, "audio/ogg");
	expect_status(&r, 303);
	hc_resp_free(&r);
	free(ogg);
	assert_int_equal(stored(cid), before);
	assert_int_equal(files(), fbefore);
	/* a contest not yet open: refused with its dates */
	r = contest_form("/units/" CLC "/cuoc-thi",
	                 (const char *const[]){"title", "Sắp mở", "starts", day(5), "ends", day(9),
	                                       NULL});
	char loc[300];
	expect_status(&r, 303);
	hc_header(&r, "Location", loc, sizeof loc);
	int64_t later = atoll(strstr(loc, "/cuoc-thi/") + strlen("/cuoc-thi/"));
	hc_resp_free(&r);
	r = enter(later, NULL, NULL, 0, NULL);
	expect_status(&r, 409);
	expect_in(&r, pathf("nhận bài từ %s đến hết %s", day(5), day(9)));
	hc_resp_free(&r);
	assert_int_equal(stored(later), 0);
	/* a contest of texts only refuses a file, naming it */
	r = contest_form("/units/" CLC "/cuoc-thi",
	                 (const char *const[]){"title", "Chỉ bài viết", "type_photo", "",
	                                       "type_audio", "", "type_video", "", NULL});
	expect_status(&r, 303);
	hc_header(&r, "Location", loc, sizeof loc);
	int64_t texts = atoll(strstr(loc, "/cuoc-thi/") + strlen("/cuoc-thi/"));
	hc_resp_free(&r);
	const char *nomedia[] = {"media", "", NULL};
	ogg = fixture("tone.ogg", &n);
	r = enter(texts, nomedia, ogg, n, "audio/ogg");
	expect_status(&r, 422);
	expect_in(&r, "Cuộc thi này chỉ nhận bài viết; hãy bỏ tệp gửi kèm");
	hc_resp_free(&r);
	free(ogg);
	assert_int_equal(stored(texts), 0);
}

/* Every bad input on the organiser's form, and wrong JSON types. */
static void
test_contest_bad_input(void **state)
{
	(void)state;
	fresh_limits();
	static const struct {
		const char *field, *value, *want;
	} cases[] = {
	        {"title", "", "Hãy nhập Tên cuộc thi."},
	        {"theme", "", "Hãy nhập Chủ đề."},
	        {"rules", "", "Hãy nhập Thể lệ."},
	        {"starts", "31/02/2026", "Ngày bắt đầu nhận bài: hãy nhập ngày"},
	        {"ends", "hôm qua", "Hạn cuối nhận bài: hãy nhập ngày"},
	        {"results", "x", "Ngày công bố kết quả: hãy nhập ngày"},
	        {"audio_minutes", "0", "Thời lượng ghi âm tối đa: hãy nhập số phút từ 1 đến 60"},
	        {"video_minutes", "31", "Thời lượng video tối đa: hãy nhập số phút từ 1 đến 30"},
	        {"audio_mb", "21", "Dung lượng ghi âm tối đa: hãy nhập số MB từ 1 đến 20"},
	        {"video_mb", "abc", "Dung lượng video tối đa: hãy nhập số MB từ 1 đến 100"},
	        {"status", "announced", "Trạng thái: hãy chọn Nháp hoặc Công bố."},
	        {"judges", "khong.co.ai", "Giám khảo: không có tài khoản “khong.co.ai”"},
	};
	int before = contests();
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		const char *over[] = {cases[k].field, cases[k].value, NULL};
		hc_resp_t r = contest_form("/units/" CLC "/cuoc-thi", over);
		if (r.status != 422)
			fail_msg("%s=\"%s\": %ld", cases[k].field, cases[k].value, r.status);
		expect_in(&r, cases[k].want);
		hc_resp_free(&r);
	}
	/* no type of entry */
	hc_resp_t r = contest_form("/units/" CLC "/cuoc-thi",
	                           (const char *const[]){"type_text", "", "type_photo", "",
	                                                 "type_audio", "", "type_video", "", NULL});
	expect_status(&r, 422);
	expect_in(&r, "Loại bài dự thi: hãy chọn ít nhất một loại");
	hc_resp_free(&r);
	/* ends before starts */
	r = contest_form("/units/" CLC "/cuoc-thi",
	                 (const char *const[]){"starts", day(3), "ends", day(1), NULL});
	expect_status(&r, 422);
	expect_in(&r, "Hạn cuối nhận bài phải từ ngày bắt đầu nhận bài trở đi.");
	hc_resp_free(&r);
	assert_int_equal(contests(), before);
	/* the edit form too: nothing changes */
	r = contest_form(pathf("/units/" CLC "/cuoc-thi/%lld", (long long)cid),
	                 (const char *const[]){"title", "", NULL});
	expect_status(&r, 422);
	expect_in(&r, "Hãy nhập Tên cuộc thi.");
	hc_resp_free(&r);
	r = get(NULL, pathf("/cuoc-thi/%lld", (long long)cid));
	expect_in(&r, "Công dân số 2026");
	hc_resp_free(&r);
	/* JSON: wrong types refused, naming the field, not coerced */
	static const struct {
		const char *body, *want;
	} bad[] = {
	        {"{\"title\": [\"x\"]}", "Trường “title” phải là"},
	        {"{\"title\": \"x\", \"type_audio\": \"yes\"}", "Trường “type_audio” phải là"},
	        {"{\"judges\": {\"a\": 1}}", "Trường “judges” phải là"},
	        {"[1, 2]", "đối tượng JSON"},
	};
	for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
		r = ha_req(port, &clc, "POST", "/api/v1/units/" CLC "/contests", bad[k].body, 1);
		expect_status(&r, 400);
		expect_in(&r, bad[k].want);
		hc_resp_free(&r);
	}
	/* JSON with the right types but a bad value: 422 with the field */
	r = ha_req(port, &clc, "POST", "/api/v1/units/" CLC "/contests",
	           "{\"title\": \"API\", \"theme\": \"t\", \"rules\": \"r\", \"type_text\": true, "
	           "\"starts\": \"01/13/2026\", \"ends\": \"02/01/2027\"}",
	           1);
	expect_status(&r, 422);
	expect_in(&r, "\"starts\"");
	hc_resp_free(&r);
	assert_int_equal(contests(), before);
	/* moderation: a rejection needs its reason; an unknown action is refused */
	const char *over[] = {"media", "", NULL};
	r = enter(cid, over, NULL, 0, NULL);
	char code[16];
	code_of(&r, code);
	hc_resp_free(&r);
	int64_t eid = entry_id(code);
	r = moderate(eid, "reject", "");
	expect_status(&r, 422);
	expect_in(&r, "Hãy nhập Lý do từ chối.");
	hc_resp_free(&r);
	r = moderate(eid, "xoa", "");
	expect_status(&r, 422);
	expect_in(&r, "Hãy chọn Duyệt hoặc Từ chối.");
	hc_resp_free(&r);
	r = ha_req(port, &clc, "POST",
	           pathf("/api/v1/units/" CLC "/contests/%lld/entries/%lld", (long long)cid,
	                 (long long)eid),
	           "{\"action\": true}", 1);
	expect_status(&r, 400);
	expect_in(&r, "Trường “action” phải là");
	hc_resp_free(&r);
	r = get(&clc, pathf("/api/v1/units/" CLC "/contests/%lld/entries?status=pending",
	                    (long long)cid));
	expect_status(&r, 200);
	expect_in(&r, code);
	hc_resp_free(&r);
	/* rejected with a reason: the code page says why */
	r = moderate(eid, "reject", "Bài trùng lặp");
	expect_status(&r, 303);
	hc_resp_free(&r);
	r = get(NULL, pathf("/cuoc-thi/%lld/ma/%s", (long long)cid, code));
	expect_in(&r, "Không được duyệt");
	expect_in(&r, "Bài trùng lặp");
	hc_resp_free(&r);
}

static void
test_withdraw(void **state)
{
	(void)state;
	fresh_limits();
	size_t n;
	void *webm = fixture("tone_audio.webm", &n);
	int fbefore = files();
	const char *phone[] = {"phone", "+84 912 340 001", NULL};
	hc_resp_t r = enter(cid, phone, webm, n, "audio/webm");
	char code[16];
	code_of(&r, code);
	hc_resp_free(&r);
	free(webm);
	assert_int_equal(files(), fbefore + 1);
	ha_client_t c = citizen(cid);
	const char *page = pathf("/cuoc-thi/%lld/ma/%s", (long long)cid, code);
	const char *wrong[] = {"phone4", "0000", NULL};
	r = ha_post_page_form(port, &c, page, pathf("/cuoc-thi/%lld/rut", (long long)cid), wrong);
	expect_status(&r, 422);
	expect_in(&r, "Mã bài dự thi hoặc 4 số cuối điện thoại không đúng");
	hc_resp_free(&r);
	assert_int_equal(files(), fbefore + 1);
	const char *right[] = {"phone4", "0001", NULL};
	r = ha_post_page_form(port, &c, page, pathf("/cuoc-thi/%lld/rut", (long long)cid), right);
	expect_status(&r, 303);
	hc_resp_free(&r);
	assert_int_equal(files(), fbefore);
	r = get(NULL, pathf("/cuoc-thi/%lld/ma/%s", (long long)cid, code));
	expect_in(&r, "Đã rút");
	hc_resp_free(&r);
}

/* A phone's JPEG with a camera's EXIF (w x h), as libvips writes it; g_free it. */
static void *
camera_jpeg(int w, int h, size_t *len)
{
	assert_int_equal(photo_init("test_contest"), 0);
	VipsImage *black = NULL, *img = NULL;
	assert_int_equal(vips_black(&black, w, h, "bands", 3, NULL), 0);
	assert_int_equal(vips_copy(black, &img, "interpretation", VIPS_INTERPRETATION_sRGB, NULL),
	                 0);
	g_object_unref(black);
	vips_image_set_string(img, "exif-ifd0-Make", "SuotdoiPhone");
	void *buf = NULL;
	assert_int_equal(vips_jpegsave_buffer(img, &buf, len, "Q", 90, NULL), 0);
	g_object_unref(img);
	return buf;
}

/* A photo goes through libvips (re-encoded, metadata stripped); a phone's video is taken as
 * sent and played back from a <video>. */
static void
test_photo_and_video(void **state)
{
	(void)state;
	fresh_limits();
	size_t n;
	void *jpg = camera_jpeg(2000, 1500, &n);
	assert_non_null(memmem(jpg, n, "SuotdoiPhone", 12));
	const char *photo[] = {"media", "photo", "title", "Góc đọc sách của lớp", NULL};
	hc_resp_t r = enter(cid, photo, jpg, n, "image/jpeg");
	char code[16];
	code_of(&r, code);
	hc_resp_free(&r);
	g_free(jpg);
	int64_t pid = entry_id(code);
	r = moderate(pid, "approve", "");
	expect_status(&r, 303);
	hc_resp_free(&r);
	r = get(NULL, pathf("/cuoc-thi/%lld/bai/%lld/tep", (long long)cid, (long long)pid));
	expect_status(&r, 200);
	char h[100];
	assert_string_equal(hc_header(&r, "Content-Type", h, sizeof h), "image/jpeg");
	assert_true(r.body.len > 3 && !memcmp(r.body.data, "\xff\xd8\xff", 3));
	assert_null(memmem(r.body.data, r.body.len, "SuotdoiPhone", 12));
	VipsImage *out = vips_image_new_from_buffer(r.body.data, r.body.len, "", NULL);
	assert_non_null(out);
	assert_int_equal(vips_image_get_width(out), PHOTO_LONG_EDGE); /* shrunk, not enlarged */
	g_object_unref(out);
	hc_resp_free(&r);
	void *mp4 = fixture("clip.mp4", &n);
	const char *video[] = {"media", "video", "title", "Video: tự học trên mạng", NULL};
	r = enter(cid, video, mp4, n, "video/mp4");
	code_of(&r, code);
	hc_resp_free(&r);
	int64_t vid = entry_id(code);
	r = moderate(vid, "approve", "");
	expect_status(&r, 303);
	hc_resp_free(&r);
	const char *file = pathf("/cuoc-thi/%lld/bai/%lld/tep", (long long)cid, (long long)vid);
	r = get(NULL, pathf("/cuoc-thi/%lld", (long long)cid));
	expect_in(&r, pathf("<video controls preload=\"none\" src=\"%s\"></video>", file));
	expect_in(&r, pathf("<img src=\"/cuoc-thi/%lld/bai/%lld/tep\"", (long long)cid,
	                    (long long)pid));
	hc_resp_free(&r);
	r = get(NULL, file);
	expect_status(&r, 200);
	assert_string_equal(hc_header(&r, "Content-Type", h, sizeof h), "video/mp4");
	assert_int_equal(r.body.len, n);
	assert_memory_equal(r.body.data, mp4, n);
	hc_resp_free(&r);
	free(mp4);
}

/* Judges score approved entries; the organiser ranks, gives prizes and announces. */
static void
test_judging_and_results(void **state)
{
	(void)state;
	fresh_limits();
	/* a photo entry, through libvips, approved */
	size_t n;
	void *ogg = fixture("tone.ogg", &n);
	const char *over[] = {"title", "Bài ghi âm thứ hai", NULL};
	hc_resp_t r = enter(cid, over, ogg, n, "audio/ogg");
	char code[16];
	code_of(&r, code);
	hc_resp_free(&r);
	free(ogg);
	int64_t second = entry_id(code);
	r = moderate(second, "approve", "");
	expect_status(&r, 303);
	hc_resp_free(&r);
	/* only the contest's judges */
	r = get(&other, pathf("/cuoc-thi/%lld/cham", (long long)cid));
	expect_status(&r, 403);
	hc_resp_free(&r);
	r = get(NULL, pathf("/cuoc-thi/%lld/cham", (long long)cid));
	assert_true(r.status == 401 || r.status == 303);
	hc_resp_free(&r);
	r = get(&judge, pathf("/cuoc-thi/%lld/cham", (long long)cid));
	expect_status(&r, 200);
	expect_in(&r, "Bài ghi âm thứ hai");
	hc_resp_free(&r);
	/* the contest page leads its judges (only them) to the judging page */
	r = get(&judge, pathf("/cuoc-thi/%lld", (long long)cid));
	expect_in(&r, pathf("href=\"/cuoc-thi/%lld/cham\"", (long long)cid));
	hc_resp_free(&r);
	r = get(&other, pathf("/cuoc-thi/%lld", (long long)cid));
	assert_false(has(&r, "/cham\""));
	hc_resp_free(&r);
	char path[200];
	snprintf(path, sizeof path, "/cuoc-thi/%lld/cham/%lld", (long long)cid, (long long)second);
	const char *judging = pathf("/cuoc-thi/%lld/cham", (long long)cid);
	const char *bad[] = {"score", "101", NULL};
	r = ha_post_page_form(port, &judge, judging, path, bad);
	expect_status(&r, 422);
	expect_in(&r, "Điểm: hãy nhập số nguyên từ 0 đến 100.");
	hc_resp_free(&r);
	r = ha_req(port, &judge, "POST",
	           pathf("/api/v1/contests/%lld/entries/%lld/score", (long long)cid,
	                 (long long)second),
	           "{\"score\": true}", 1);
	expect_status(&r, 400);
	expect_in(&r, "Trường “score” phải là");
	hc_resp_free(&r);
	/* the judging form's whole set of fields (posted as is where the page shows no form) */
	const char *good[] = {"score", "87", "comment", "Giọng đọc rõ.", NULL};
	r = ha_post_page_form(port, &judge, judging, path, good);
	expect_status(&r, 303);
	hc_resp_free(&r);
	r = ha_post_form(port, &other, path, good);
	expect_status(&r, 403);
	hc_resp_free(&r);
	/* the ranking by average score */
	r = get(&clc, pathf("/units/" CLC "/cuoc-thi/%lld", (long long)cid));
	expect_in(&r, "87.0");
	hc_resp_free(&r);
	const char *prize[] = {"action", "prize", "prize", "nhat", NULL};
	r = ha_post_page_form(port, &clc, pathf("/units/" CLC "/cuoc-thi/%lld", (long long)cid),
	                      pathf("/units/" CLC "/cuoc-thi/%lld/bai/%lld", (long long)cid,
	                            (long long)second),
	                      prize);
	expect_status(&r, 303);
	hc_resp_free(&r);
	const char *badprize[] = {"action", "prize", "prize", "vang", NULL};
	r = ha_post_page_form(port, &clc, pathf("/units/" CLC "/cuoc-thi/%lld", (long long)cid),
	                      pathf("/units/" CLC "/cuoc-thi/%lld/bai/%lld", (long long)cid,
	                            (long long)second),
	                      badprize);
	expect_status(&r, 422);
	expect_in(&r, "Giải: hãy chọn Giải Nhất, Nhì, Ba, Khuyến khích");
	hc_resp_free(&r);
	/* the prize is not public before the announcement */
	r = get(NULL, pathf("/cuoc-thi/%lld", (long long)cid));
	assert_false(has(&r, "Giải Nhất"));
	hc_resp_free(&r);
	/* not before the entries close */
	const char *none[] = {NULL};
	r = ha_post_form(port, &clc, pathf("/units/" CLC "/cuoc-thi/%lld/cong-bo", (long long)cid),
	                 none);
	expect_status(&r, 409);
	expect_in(&r, "Chỉ công bố kết quả sau hạn cuối nhận bài");
	hc_resp_free(&r);
	r = contest_form(pathf("/units/" CLC "/cuoc-thi/%lld", (long long)cid),
	                 (const char *const[]){"starts", day(-10), "ends", day(-1), NULL});
	expect_status(&r, 303);
	hc_resp_free(&r);
	r = ha_req(port, &clc, "POST",
	           pathf("/api/v1/units/" CLC "/contests/%lld/announce", (long long)cid), "{}", 1);
	expect_status(&r, 200);
	expect_in(&r, "Đã công bố kết quả");
	hc_resp_free(&r);
	r = ha_post_form(port, &clc, pathf("/units/" CLC "/cuoc-thi/%lld/cong-bo", (long long)cid),
	                 none);
	expect_status(&r, 409);
	expect_in(&r, "Kết quả đã được công bố.");
	hc_resp_free(&r);
	r = get(NULL, pathf("/cuoc-thi/%lld", (long long)cid));
	expect_in(&r, "Đã công bố kết quả");
	expect_in(&r, "<span class=\"prize\">Giải Nhất</span> Bài ghi âm thứ hai");
	hc_resp_free(&r);
	/* scores are final */
	r = ha_post_form(port, &judge, path, good);
	expect_status(&r, 409);
	hc_resp_free(&r);
}

/* Contact data emptied a set time after the results; files of entries not approved go. */
static void
test_retention(void **state)
{
	(void)state;
	fresh_limits();
	int64_t n = -1;
	/* not yet: the day before the retention ends */
	assert_int_equal(app_contest_purge_tick(&app, app_now() + (CONTEST_RETENTION_DAYS - 1) * 86400LL,
	                                        &n),
	                 0);
	assert_int_equal(n, 0);
	int fbefore = files();
	assert_int_equal(app_contest_purge_tick(&app, app_now() + (CONTEST_RETENTION_DAYS + 1) * 86400LL,
	                                        &n),
	                 0);
	assert_true(n > 0);
	/* approved entries keep their files: the results page still plays them */
	assert_int_equal(files(), fbefore);
	hc_resp_t r = get(&clc, pathf("/api/v1/units/" CLC "/contests/%lld/entries",
	                              (long long)cid));
	expect_status(&r, 200);
	assert_false(has(&r, "0912345678"));
	expect_in(&r, "Bài ghi âm thứ hai"); /* the entry stays, and its name */
	hc_resp_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_create_contest),
	        cmocka_unit_test(test_audio_entry),
	        cmocka_unit_test(test_fake_audio_and_big_video),
	        cmocka_unit_test(test_script_title),
	        cmocka_unit_test(test_entry_bad_input),
	        cmocka_unit_test(test_contest_bad_input),
	        cmocka_unit_test(test_withdraw),
	        cmocka_unit_test(test_photo_and_video),
	        cmocka_unit_test(test_judging_and_results),
	        cmocka_unit_test(test_retention),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
