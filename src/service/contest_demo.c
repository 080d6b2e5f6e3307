/* The demo's contests (demo_contest, contest.h): the Đằng Lâm learning centre's announced
 * "Đại sứ văn hóa đọc 2022" with a text, a recording and a photo entry, and an open "Công dân
 * số" contest. Written through the service, so they pass its checks; the recording and the
 * photo are made here (a WAV tone, a libvips gradient). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vips/vips.h>

#include "core/log.h"
#include "core/mem.h"
#include "media/photo.h"
#include "service/contest.h"
#include "service/enrol.h"
#include "text/text.h"

#define VN_OFFSET (7 * 3600)
#define DAY 86400

/* The id of an account that is not disabled (0 otherwise). */
static int
active_user(const store_user_t *u, void *p)
{
	*(int64_t *)p = u->disabled ? 0 : u->id;
	return 0;
}

/* A 1.5-second 16-bit mono WAV at 8 kHz: a rising tone, the demo's "recording". */
static void
demo_wav(buf_t *b)
{
	const uint32_t rate = 8000, n = 12000;
	uint32_t data = n * 2, riff = 36 + data;
	buf_append(b, "RIFF", 4);
	buf_append(b, &riff, 4);
	buf_append(b, "WAVEfmt ", 8);
	uint32_t fmt_len = 16, byte_rate = rate * 2;
	uint16_t pcm = 1, ch = 1, align = 2, bits = 16;
	buf_append(b, &fmt_len, 4);
	buf_append(b, &pcm, 2);
	buf_append(b, &ch, 2);
	buf_append(b, &rate, 4);
	buf_append(b, &byte_rate, 4);
	buf_append(b, &align, 2);
	buf_append(b, &bits, 2);
	buf_append(b, "data", 4);
	buf_append(b, &data, 4);
	/* a triangle wave from 300 to 600 Hz: no libm needed */
	double phase = 0;
	for (uint32_t k = 0; k < n; k++) {
		double f = 300.0 + 300.0 * k / n;
		phase += f / rate;
		phase -= (int)phase;
		double tri = phase < 0.5 ? 4 * phase - 1 : 3 - 4 * phase;
		int16_t s = (int16_t)(tri * 6000);
		buf_append(b, &s, 2);
	}
}

/* A 480x320 picture for the demo's photo entry (a warm gradient, "a reading corner"),
 * through photo_process as any entry's photo: its stored JPEG into out. 0 or -1. */
static int
demo_photo(photo_out_t *out)
{
	if (photo_init("suotdoi") < 0)
		return -1;
	VipsImage *ramp = NULL, *rgb = NULL, *u8 = NULL, *img = NULL;
	double a[3] = {120, 80, 40}, b[3] = {110, 90, 60};
	int rc = -1;
	void *png = NULL;
	size_t len = 0;
	if (vips_grey(&ramp, 480, 320, NULL) == 0 && vips_linear(ramp, &rgb, a, b, 3, NULL) == 0 &&
	    vips_cast_uchar(rgb, &u8, NULL) == 0 &&
	    vips_copy(u8, &img, "interpretation", VIPS_INTERPRETATION_sRGB, NULL) == 0 &&
	    vips_pngsave_buffer(img, &png, &len, NULL) == 0) {
		char err[200];
		rc = photo_process(png, len, out, err, sizeof err);
	}
	g_free(png);
	if (ramp)
		g_object_unref(ramp);
	if (rgb)
		g_object_unref(rgb);
	if (u8)
		g_object_unref(u8);
	if (img)
		g_object_unref(img);
	return rc;
}

static int
demo_found(const store_contest_t *c, void *p)
{
	(void)c;
	*(int *)p = 1;
	return 1;
}

/* The demo's judges: the Đằng Lâm schools' heads, those whose accounts exist. */
static const char *
demo_judges(store_t *st, arena_t *a)
{
	static const char *const names[] = {"th.danglam", "thcs.danglam"};
	buf_t b = BUF_INIT;
	for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
		int64_t uid = 0;
		if (store_user_find(st, names[k], active_user, &uid) == 1 && uid)
			buf_printf(&b, "%s%s", b.len ? ", " : "", names[k]);
	}
	const char *r = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return r;
}

int
demo_contest(store_t *st, const unit_tree_t *t, const char *dir)
{
	int any = 0;
	store_contest_query_t q = {.limit = 1};
	if (store_contests_find(st, &q, demo_found, &any) < 0)
		return -1;
	if (any)
		return 0;
	int32_t i = unit_tree_find_code(t, "HA-11413-TTHTCD");
	if (i < 0) {
		fprintf(stderr, "demo contest: unit HA-11413-TTHTCD is missing\n");
		return -1;
	}
	arena_t a = {0};
	buf_t path = BUF_INIT;
	unit_tree_path(t, i, &path);
	int64_t now = time(NULL);
	contest_ctx_t cx = {st, &a, now, 0, dir};
	contest_out_t out;
	int rc = -1;
	/* 2022's contest, its results announced */
	contest_input_t in = {
	        .title = "Đại sứ văn hóa đọc 2022",
	        .theme = "Giới thiệu một cuốn sách đã giúp em, giúp bạn học tập suốt đời: đọc, "
	                 "viết cảm nhận, chụp ảnh góc đọc sách hoặc ghi âm giọng đọc.",
	        .rules = "1. Mỗi người gửi tối đa 3 bài.\n2. Bài viết đến 1.500 chữ; ảnh JPEG/PNG; "
	                 "ghi âm đến 10 phút.\n3. Bài phải là của chính người gửi; ban tổ chức "
	                 "duyệt "
	                 "trước khi đăng.\n4. Giải: 1 Nhất, 2 Nhì, 3 Ba và các giải Khuyến khích.",
	        .type_text = "1",
	        .type_photo = "1",
	        .type_audio = "1",
	        .starts = "01/09/2022",
	        .ends = "15/10/2022",
	        .results = "20/10/2022",
	        .status = "published",
	        .judges = demo_judges(st, &a)};
	if (contest_save(&cx, NULL, t->units[i].id, buf_cstr(&path), &in, &out) != CONTEST_OK) {
		fprintf(stderr, "demo contest: %s\n", out.message ? out.message : "?");
		goto done;
	}
	int64_t cid = out.id;
	buf_t wav = BUF_INIT;
	demo_wav(&wav);
	const char *wav_file = "";
	if (contest_store_file(&cx, wav.data, wav.len, ".wav", &wav_file) < 0) {
		buf_free(&wav);
		goto done;
	}
	photo_out_t ph = {BUF_INIT, BUF_INIT, 0, 0};
	const char *jpg_file = "";
	if (demo_photo(&ph) < 0 ||
	    contest_store_file(&cx, ph.full.data, ph.full.len, ".jpg", &jpg_file) < 0) {
		photo_out_free(&ph);
		buf_free(&wav);
		goto done;
	}
	int64_t jpg_size = (int64_t)ph.full.len;
	photo_out_free(&ph);
	struct {
		const char *name, *locality, *title, *body, *prize, *kind;
	} entries[] = {
	        {"Nguyễn Minh Anh", "phường Đằng Lâm", "Cuốn sách thay đổi cách em học",
	         "Em đọc “Đắc nhân tâm” vào mùa hè năm lớp 8. Từ đó em ghi chép mỗi ngày một "
	         "trang và rủ các bạn lập tủ sách lớp.",
	         "nhat", ""},
	        {"Trần Văn Bình", "phường Đằng Hải", "Giọng đọc: Dế Mèn phiêu lưu ký",
	         "Bản ghi âm chương một, đọc cho các cháu ở nhà nghe.", "nhi", "audio"},
	        {"Lê Thị Hồng", "phường Cát Bi", "Tủ sách của bà",
	         "Bà tôi 70 tuổi vẫn đọc báo mỗi sáng ở thư viện phường.", "kk", ""},
	        {"Đỗ Văn Nam", "phường Đằng Lâm", "Góc đọc sách nhà em",
	         "Góc nhỏ cạnh cửa sổ, nơi cả nhà đọc sách mỗi tối.", "ba", "photo"},
	};
	for (size_t k = 0; k < sizeof entries / sizeof *entries; k++) {
		int audio = !strcmp(entries[k].kind, "audio"),
		    photo = !strcmp(entries[k].kind, "photo");
		store_contest_entry_t e = {.contest_id = cid,
		                           .status = "approved",
		                           .name = entries[k].name,
		                           .phone = "",
		                           .email = "",
		                           .locality = entries[k].locality,
		                           .title = entries[k].title,
		                           .body = entries[k].body,
		                           .media_kind = entries[k].kind,
		                           .media_file = audio   ? wav_file
		                                         : photo ? jpg_file
		                                                 : "",
		                           .media_mime = audio   ? "audio/wav"
		                                         : photo ? "image/jpeg"
		                                                 : "",
		                           .media_info = audio   ? "wav, pcm_s16le, 2 giây"
		                                         : photo ? "JPEG 480×320"
		                                                 : "",
		                           .media_size = audio   ? (int64_t)wav.len
		                                         : photo ? jpg_size
		                                                 : 0,
		                           .media_ms = audio ? 1500 : 0,
		                           .ip = "",
		                           .created_at = now};
		char code[ENROL_CODE_LEN + 1];
		enrol_code_new(code);
		e.code = code;
		int64_t id;
		if (store_contest_entry_add(st, &e, &id) < 0 ||
		    store_contest_entry_set(st, id, NULL, NULL, entries[k].prize, NULL, 0, now) <
		            0) {
			buf_free(&wav);
			goto done;
		}
	}
	buf_free(&wav);
	store_contest_t c;
	if (contest_load(&cx, cid, &c) != 1 || contest_announce(&cx, &c, &out) != CONTEST_OK)
		goto done;
	/* this year's, open for entries from a week ago to a month ahead */
	char d1[16], d2[16];
	int32_t today = (int32_t)((now + VN_OFFSET) / DAY);
	snprintf(d1, sizeof d1, "%s", text_date_str(&a, today - 7));
	snprintf(d2, sizeof d2, "%s", text_date_str(&a, today + 30));
	contest_input_t open = {
	        .title = "Công dân số: kể chuyện tự học trên mạng",
	        .theme = "Chia sẻ cách bạn tự học một kỹ năng mới trên Internet an toàn: bài viết, "
	                 "ảnh, bản ghi âm hoặc video ngắn quay bằng điện thoại.",
	        .rules = "Mỗi người gửi tối đa 3 bài. Ghi âm đến 10 phút, video đến 5 phút. Ban tổ "
	                 "chức duyệt trước khi đăng; số điện thoại không bao giờ được công khai.",
	        .type_text = "1",
	        .type_photo = "1",
	        .type_audio = "1",
	        .type_video = "1",
	        .starts = d1,
	        .ends = d2,
	        .status = "published",
	        .judges = in.judges};
	if (contest_save(&cx, NULL, t->units[i].id, buf_cstr(&path), &open, &out) != CONTEST_OK) {
		fprintf(stderr, "demo contest: %s\n", out.message ? out.message : "?");
		goto done;
	}
	rc = 0;
done:
	buf_free(&path);
	arena_free(&a);
	return rc;
}
