/* Contests with citizen entries (see contest.h and docs/contests.md). */
#include "service/contest.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/mem.h"
#include "media/av.h"
#include "media/photo.h"
#include "service/enrol.h"
#include "text/hygiene.h"
#include "text/text.h"
#include "text/when.h"

#define VN_OFFSET (7 * 3600)
#define DAY 86400

/* ---------- small helpers ---------- */

static void
add_err(contest_out_t *out, const char *field, const char *msg)
{
	for (int k = 0; k < out->nerrs; k++)
		if (!strcmp(out->errs[k].field, field))
			return; /* the first sentence of a field stays */
	if (out->nerrs < CONTEST_MAX_ERRS) {
		out->errs[out->nerrs].field = field;
		out->errs[out->nerrs].msg = msg;
		out->nerrs++;
	}
}

static contest_rc_t
invalid(contest_out_t *out)
{
	if (!out->message)
		out->message = out->nerrs == 1 ? out->errs[0].msg
		                               : "Có mục chưa hợp lệ; xem các dòng báo đỏ. Chưa có "
		                                 "gì được lưu.";
	return CONTEST_ERR_INVALID;
}

static contest_rc_t
fail(contest_out_t *out, contest_rc_t rc, const char *msg)
{
	out->message = msg;
	return rc;
}

static int
checked(const char *v)
{
	return v && (!strcmp(v, "1") || !strcmp(v, "on") || !strcmp(v, "true"));
}

/* A text field through text hygiene (text/hygiene.h): NFC, trimmed, no control character
 * (tab and line breaks only in a multi-line text: flags TEXT_MULTILINE), no bidi override,
 * in names and titles (TEXT_NAME) no invisible character either, at most max bytes;
 * required when req (empty or only spaces refused). NULL after an error naming the field. */
static const char *
text_field(const contest_ctx_t *cx, contest_out_t *out, const char *field, const char *label,
           const char *v, size_t max, unsigned flags, int req)
{
	const char *t;
	const char *why = text_clean_field(cx->arena, label, v,
	                                   flags | TEXT_TRIM | (req ? TEXT_REQUIRED : 0), max, &t);
	if (why) {
		add_err(out, field,
		        req && text_blank(v) ? arena_printf(cx->arena, "Hãy nhập %s.", label)
		                             : why);
		return NULL;
	}
	return t;
}

static const char *
date_text(arena_t *a, int64_t t)
{
	return text_date_str(a, (int32_t)((t + VN_OFFSET) / DAY));
}

const char *
contest_phase(const store_contest_t *c, int64_t now)
{
	if (!strcmp(c->status, "draft"))
		return "draft";
	if (!strcmp(c->status, "announced"))
		return "announced";
	if (now < c->starts_at)
		return "upcoming";
	return now < c->ends_at ? "open" : "closed";
}

const char *
contest_phase_name(const char *p)
{
	static const char *const v[][2] = {{"draft", "Nháp"},
	                                   {"upcoming", "Sắp nhận bài"},
	                                   {"open", "Đang nhận bài"},
	                                   {"closed", "Đã đóng"},
	                                   {"announced", "Đã công bố kết quả"}};
	for (size_t k = 0; k < sizeof v / sizeof *v; k++)
		if (!strcmp(p, v[k][0]))
			return v[k][1];
	return p;
}

int
contest_takes(const store_contest_t *c, const char *type)
{
	size_t n = strlen(type);
	for (const char *p = c->types; (p = strstr(p, type)) != NULL; p += n)
		if ((p == c->types || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
	return 0;
}

const char *
contest_prize_name(const char *code)
{
	static const char *const v[][2] = {{"nhat", "Giải Nhất"},
	                                   {"nhi", "Giải Nhì"},
	                                   {"ba", "Giải Ba"},
	                                   {"kk", "Giải Khuyến khích"}};
	for (size_t k = 0; code && k < sizeof v / sizeof *v; k++)
		if (!strcmp(code, v[k][0]))
			return v[k][1];
	return NULL;
}

/* ---------- the organiser ---------- */

static int
copy_contest(const store_contest_t *c, void *p)
{
	void **pp = p;
	arena_t *a = pp[0];
	store_contest_t *d = pp[1];
	*d = *c;
	d->unit_path = arena_strdup(a, c->unit_path);
	d->title = arena_strdup(a, c->title);
	d->theme = arena_strdup(a, c->theme);
	d->rules = arena_strdup(a, c->rules);
	d->types = arena_strdup(a, c->types);
	d->status = arena_strdup(a, c->status);
	return 0;
}

int
contest_load(const contest_ctx_t *cx, int64_t id, store_contest_t *c)
{
	void *pp[2] = {cx->arena, c};
	return store_contest_get(cx->store, id, copy_contest, pp);
}

/* A whole number in [lo, hi] from v ("" = def). -1 when it is not. */
static int64_t
number(const char *v, int64_t def, int64_t lo, int64_t hi)
{
	if (v == NULL || !*v)
		return def;
	int64_t n;
	if (text_parse_int(v, strlen(v), &n) < 0 || n < lo || n > hi)
		return -1;
	return n;
}

static int
find_user(const store_user_t *u, void *p)
{
	*(int64_t *)p = u->disabled ? 0 : u->id;
	return 0;
}

contest_rc_t
contest_save(const contest_ctx_t *cx, const store_contest_t *old, int64_t unit_id,
             const char *unit_path, const contest_input_t *in, contest_out_t *out)
{
	memset(out, 0, sizeof *out);
	arena_t *a = cx->arena;
	if (old && !strcmp(old->status, "announced"))
		return fail(out, CONTEST_ERR_CLOSED,
		            "Cuộc thi đã công bố kết quả nên không sửa được nữa.");
	store_contest_t c = {.id = old ? old->id : 0, .unit_id = unit_id, .unit_path = unit_path};
	c.title = text_field(cx, out, "title", "Tên cuộc thi", in->title, CONTEST_TITLE_MAX,
	                     TEXT_NAME, 1);
	c.theme = text_field(cx, out, "theme", "Chủ đề", in->theme, CONTEST_TEXT_MAX,
	                     TEXT_MULTILINE, 1);
	c.rules = text_field(cx, out, "rules", "Thể lệ", in->rules, CONTEST_TEXT_MAX,
	                     TEXT_MULTILINE, 1);
	buf_t types = BUF_INIT;
	const char *tv[4] = {in->type_text, in->type_photo, in->type_audio, in->type_video};
	static const char *const tn[4] = {"text", "photo", "audio", "video"};
	for (int k = 0; k < 4; k++)
		if (checked(tv[k]))
			buf_printf(&types, "%s%s", types.len ? " " : "", tn[k]);
	c.types = arena_strdup(a, buf_cstr(&types));
	buf_free(&types);
	if (!*c.types)
		add_err(out, "types",
		        "Loại bài dự thi: hãy chọn ít nhất một loại (bài viết, ảnh, ghi âm, "
		        "video).");
	int64_t am = number(in->audio_minutes, AV_AUDIO_MAX_SECONDS / 60, 1, 60);
	int64_t vm = number(in->video_minutes, AV_VIDEO_MAX_SECONDS / 60, 1, 30);
	int64_t amb = number(in->audio_mb, AV_AUDIO_MAX_BYTES >> 20, 1, AV_AUDIO_MAX_BYTES >> 20);
	int64_t vmb = number(in->video_mb, AV_VIDEO_MAX_BYTES >> 20, 1, AV_VIDEO_MAX_BYTES >> 20);
	if (am < 0)
		add_err(out, "audio_minutes",
		        "Thời lượng ghi âm tối đa: hãy nhập số phút từ 1 đến 60 (để trống: 10).");
	if (vm < 0)
		add_err(out, "video_minutes",
		        "Thời lượng video tối đa: hãy nhập số phút từ 1 đến 30 (để trống: 5).");
	if (amb < 0)
		add_err(out, "audio_mb", "Dung lượng ghi âm tối đa: hãy nhập số MB từ 1 đến 20.");
	if (vmb < 0)
		add_err(out, "video_mb", "Dung lượng video tối đa: hãy nhập số MB từ 1 đến 100.");
	c.audio_max_seconds = am * 60;
	c.video_max_seconds = vm * 60;
	c.audio_max_bytes = amb > 0 ? amb << 20 : 0;
	c.video_max_bytes = vmb > 0 ? vmb << 20 : 0;
	int32_t d1 = 0, d2 = 0, d3 = 0;
	if (!in->starts || when_parse_date(in->starts, strlen(in->starts), &d1) < 0)
		add_err(out, "starts",
		        "Ngày bắt đầu nhận bài: hãy nhập ngày dạng ngày/tháng/năm, ví dụ "
		        "15/09/2022.");
	if (!in->ends || when_parse_date(in->ends, strlen(in->ends), &d2) < 0)
		add_err(out, "ends",
		        "Hạn cuối nhận bài: hãy nhập ngày dạng ngày/tháng/năm, ví dụ 15/10/2022.");
	else if (d1 && d2 < d1)
		add_err(out, "ends", "Hạn cuối nhận bài phải từ ngày bắt đầu nhận bài trở đi.");
	if (in->results && *in->results) {
		if (when_parse_date(in->results, strlen(in->results), &d3) < 0)
			add_err(out, "results",
			        "Ngày công bố kết quả: hãy nhập ngày dạng ngày/tháng/năm, hoặc để "
			        "trống.");
		else if (d2 && d3 < d2)
			add_err(out, "results", "Ngày công bố kết quả phải sau hạn cuối nhận bài.");
	}
	c.starts_at = (int64_t)d1 * DAY - VN_OFFSET;
	c.ends_at = ((int64_t)d2 + 1) * DAY - VN_OFFSET; /* the whole last day */
	c.results_on = d3;
	const char *st = in->status && *in->status ? in->status : "draft";
	if (strcmp(st, "draft") && strcmp(st, "published"))
		add_err(out, "status", "Trạng thái: hãy chọn Nháp hoặc Công bố.");
	c.status = st;
	/* judges: user names */
	int64_t judges[CONTEST_JUDGES_MAX];
	size_t nj = 0;
	const char *jv = in->judges ? in->judges : "";
	while (*jv) {
		size_t skip = strspn(jv, " ,;\r\n\t");
		jv += skip;
		size_t len = strcspn(jv, " ,;\r\n\t");
		if (!len)
			break;
		char name[80];
		if (len >= sizeof name || nj >= CONTEST_JUDGES_MAX) {
			add_err(out, "judges",
			        "Giám khảo: tối đa 20 tên đăng nhập, mỗi tên dưới 80 ký tự.");
			break;
		}
		memcpy(name, jv, len);
		name[len] = '\0';
		for (char *p = name; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		int64_t uid = 0;
		if (store_user_find(cx->store, name, find_user, &uid) < 0)
			return fail(out, CONTEST_ERR_STORE,
			            "Chưa lưu được; hãy thử lại sau ít phút.");
		if (uid == 0) {
			add_err(out, "judges",
			        arena_printf(
			                a,
			                "Giám khảo: không có tài khoản “%s”; hãy nhập tên đăng "
			                "nhập của người chấm, cách nhau bởi dấu phẩy.",
			                name));
			break;
		}
		judges[nj++] = uid;
		jv += len;
	}
	if (out->nerrs)
		return invalid(out);
	c.announced_at = 0;
	c.created_at = c.updated_at = cx->now;
	c.created_by = c.updated_by = cx->actor;
	if (store_contest_save(cx->store, &c, judges, nj, &out->id) < 0)
		return fail(out, CONTEST_ERR_STORE, "Chưa lưu được; hãy thử lại sau ít phút.");
	out->message = old ? "Đã lưu thay đổi của cuộc thi." : "Đã tạo cuộc thi.";
	return CONTEST_OK;
}

/* ---------- media files ---------- */

int
contest_store_file(const contest_ctx_t *cx, const void *data, size_t len, const char *ext,
                   const char **name)
{
	if (mkdir(cx->dir, 0700) < 0 && errno != EEXIST) {
		log_error("contest: mkdir %s: %s", cx->dir, strerror(errno));
		return -1;
	}
	unsigned char rnd[16];
	randombytes_buf(rnd, sizeof rnd);
	char hex[33];
	sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
	const char *n = arena_printf(cx->arena, "%s%s", hex, ext);
	const char *path = arena_printf(cx->arena, "%s/%s", cx->dir, n);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		log_error("contest: %s: %s", path, strerror(errno));
		return -1;
	}
	const char *p = data;
	size_t left = len;
	while (left) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			log_error("contest: write %s: %s", path, strerror(errno));
			close(fd);
			unlink(path);
			return -1;
		}
		p += w;
		left -= (size_t)w;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		unlink(path);
		return -1;
	}
	*name = n;
	return 0;
}

static void
remove_file(const char *dir, const char *name)
{
	if (!name || !*name || strchr(name, '/'))
		return;
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (unlink(path) < 0 && errno != ENOENT)
		log_warn("contest: unlink %s: %s", path, strerror(errno));
}

/* ---------- citizens ---------- */

static int
copy_entry(const store_contest_entry_t *e, void *p)
{
	void **pp = p;
	arena_t *a = pp[0];
	store_contest_entry_t *d = pp[1];
	*d = *e;
	const char **f[] = {&d->code,       &d->status,     &d->name,       &d->phone,
	                    &d->email,      &d->locality,   &d->title,      &d->body,
	                    &d->media_kind, &d->media_file, &d->media_mime, &d->media_info,
	                    &d->reason,     &d->prize,      &d->ip};
	for (size_t k = 0; k < sizeof f / sizeof *f; k++)
		*f[k] = arena_strdup(a, *f[k]);
	return 1; /* one row */
}

static int
entry_get(const contest_ctx_t *cx, int64_t id, const char *code, store_contest_entry_t *e)
{
	void *pp[2] = {cx->arena, e};
	return store_contest_entry_get(cx->store, id, code, copy_entry, pp);
}

int
contest_entry_by_code(const contest_ctx_t *cx, int64_t cid, const char *code,
                      store_contest_entry_t *e)
{
	char c[ENROL_CODE_LEN + 1];
	if (!code || enrol_code_normalise(code, c) < 0)
		return 0;
	int rc = entry_get(cx, 0, c, e);
	return rc == 1 && e->contest_id != cid ? 0 : rc;
}

/* The media kind of an entry: the one asked for, or the only one the contest takes. */
static const char *
media_kind(const store_contest_t *c, const char *asked)
{
	if (asked && *asked)
		return asked;
	const char *only = NULL;
	static const char *const k[] = {"photo", "audio", "video"};
	for (int i = 0; i < 3; i++)
		if (contest_takes(c, k[i])) {
			if (only)
				return "";
			only = k[i];
		}
	return only ? only : "";
}

contest_rc_t
contest_enter(const contest_ctx_t *cx, const store_contest_t *c, const entry_input_t *in,
              contest_out_t *out)
{
	memset(out, 0, sizeof *out);
	arena_t *a = cx->arena;
	if (strcmp(contest_phase(c, cx->now), "open") != 0)
		return fail(out, CONTEST_ERR_CLOSED,
		            arena_printf(a,
		                         "Cuộc thi “%s” nhận bài từ %s đến hết %s; bây giờ không "
		                         "nhận bài dự thi.",
		                         c->title, date_text(a, c->starts_at),
		                         date_text(a, c->ends_at - 1)));
	store_contest_entry_t e = {.contest_id = c->id, .status = "pending"};
	e.name = text_field(cx, out, "name", "Họ và tên", in->name, ENTRY_NAME_MAX, TEXT_NAME, 1);
	char phone[11];
	if (!in->phone || enrol_phone_normalise(in->phone, strlen(in->phone), phone) < 0)
		add_err(out, "phone",
		        "Số điện thoại: hãy nhập số di động Việt Nam, ví dụ 0912 345 678 (chỉ đơn "
		        "vị "
		        "tổ chức thấy số này).");
	e.phone = phone;
	e.email = text_field(cx, out, "email", "Thư điện tử", in->email, 200, TEXT_NAME, 0);
	if (e.email && *e.email &&
	    (!strchr(e.email, '@') || strchr(e.email, ' ') || strchr(e.email, '<')))
		add_err(out, "email",
		        "Thư điện tử không đúng dạng (ví dụ ten@gmail.com); hãy sửa "
		        "hoặc để trống.");
	e.locality = text_field(cx, out, "locality", "Nơi ở (xã, phường)", in->locality,
	                        ENTRY_LOCALITY_MAX, TEXT_NAME, 1);
	e.title = text_field(cx, out, "title", "Tên bài dự thi", in->title, ENTRY_TITLE_MAX,
	                     TEXT_NAME, 1);
	e.body = text_field(cx, out, "body", "Nội dung bài viết", in->body, ENTRY_BODY_MAX,
	                    TEXT_MULTILINE, 0);
	if (!checked(in->consent))
		add_err(out, "consent",
		        "Hãy đánh dấu đồng ý để ban tổ chức lưu bài và công bố tên, nơi ở của bạn "
		        "khi bài được duyệt.");
	const char *kind = media_kind(c, in->media);
	int has_file = in->file != NULL && in->file_len > 0;
	if (has_file) {
		if (!*kind && !contest_takes(c, "photo") && !contest_takes(c, "audio") &&
		    !contest_takes(c, "video"))
			add_err(out, "file",
			        "Cuộc thi này chỉ nhận bài viết; hãy bỏ tệp gửi kèm và viết nội "
			        "dung "
			        "bài.");
		else if (strcmp(kind, "photo") && strcmp(kind, "audio") && strcmp(kind, "video"))
			add_err(out, "media",
			        "Loại tệp: hãy chọn tệp gửi kèm là ảnh, ghi âm hay video.");
		else if (!contest_takes(c, kind))
			add_err(out, "media",
			        arena_printf(a, "Cuộc thi này không nhận %s; hãy xem thể lệ.",
			                     !strcmp(kind, "photo")   ? "ảnh"
			                     : !strcmp(kind, "audio") ? "bản ghi âm"
			                                              : "video"));
	} else {
		kind = "";
		if (e.body && !*e.body) {
			if (contest_takes(c, "text"))
				add_err(out, "body",
				        contest_takes(c, "photo") || contest_takes(c, "audio") ||
				                        contest_takes(c, "video")
				                ? "Hãy viết nội dung bài dự thi hoặc gửi kèm một "
				                  "tệp."
				                : "Hãy viết nội dung bài dự thi.");
			else
				add_err(out, "file", "Hãy chọn tệp dự thi để gửi kèm.");
		} else if (e.body && *e.body && !contest_takes(c, "text"))
			add_err(out, "file",
			        "Cuộc thi này nhận ảnh, ghi âm hoặc video: hãy chọn tệp dự thi để "
			        "gửi "
			        "kèm (phần nội dung chỉ là lời giới thiệu).");
	}
	/* the file last, and only when the rest is right: it is the costly check */
	photo_out_t ph = {BUF_INIT, BUF_INIT, 0, 0};
	const void *bytes = NULL;
	size_t nbytes = 0;
	contest_rc_t too_big = CONTEST_OK;
	if (has_file && !out->nerrs) {
		char err[400];
		e.media_kind = kind;
		if (!strcmp(kind, "photo")) {
			if (photo_process(in->file, in->file_len, &ph, err, sizeof err) < 0) {
				add_err(out, "file", arena_printf(a, "Tệp ảnh: %s", err));
				if (in->file_len > PHOTO_MAX_BYTES)
					too_big = CONTEST_ERR_TOO_BIG;
			} else {
				bytes = ph.full.data;
				nbytes = ph.full.len;
				e.media_mime = "image/jpeg";
				e.media_info = arena_printf(a, "JPEG %d×%d", ph.width, ph.height);
				e.media_file = ".jpg"; /* the extension, until stored */
			}
		} else {
			int video = !strcmp(kind, "video");
			av_info_t info;
			if (av_check(in->file, in->file_len, video ? AV_VIDEO : AV_AUDIO,
			             video ? c->video_max_bytes : c->audio_max_bytes,
			             video ? c->video_max_seconds : c->audio_max_seconds, &info,
			             err, sizeof err) < 0) {
				add_err(out, "file", arena_strdup(a, err));
				if ((int64_t)in->file_len >
				    (video ? c->video_max_bytes : c->audio_max_bytes))
					too_big = CONTEST_ERR_TOO_BIG;
			} else {
				bytes = in->file;
				nbytes = in->file_len;
				e.media_mime = info.mime;
				char d[40];
				av_duration_text((info.duration_ms + 500) / 1000, d, sizeof d);
				e.media_info = arena_printf(a, "%s, %s, %s", info.container,
				                            info.codecs, d);
				e.media_ms = info.duration_ms;
				e.media_file = info.ext;
			}
		}
	}
	if (out->nerrs) {
		photo_out_free(&ph);
		contest_rc_t rc = invalid(out);
		return too_big ? too_big : rc;
	}
	/* the honeypot: a person never fills it */
	if (in->website && *in->website) {
		photo_out_free(&ph);
		char fake[ENROL_CODE_LEN + 1];
		enrol_code_new(fake);
		out->code = arena_strdup(a, fake);
		out->message = "Đã nhận bài dự thi; bài chờ ban tổ chức duyệt.";
		return CONTEST_OK;
	}
	int64_t n = 0;
	if (store_contest_phone_since(cx->store, phone, cx->now - DAY, &n) < 0) {
		photo_out_free(&ph);
		return fail(out, CONTEST_ERR_STORE, "Chưa lưu được bài; hãy thử lại sau ít phút.");
	}
	if (n >= CONTEST_PHONE_PER_DAY) {
		photo_out_free(&ph);
		add_err(out, "phone",
		        "Số điện thoại này đã gửi đủ 3 bài trong 24 giờ; hãy gửi tiếp "
		        "vào ngày mai.");
		out->message = out->errs[0].msg;
		return CONTEST_ERR_LIMIT;
	}
	if (bytes) {
		e.media_size = (int64_t)nbytes;
		if (contest_store_file(cx, bytes, nbytes, e.media_file, &e.media_file) < 0) {
			photo_out_free(&ph);
			return fail(out, CONTEST_ERR_STORE,
			            "Chưa lưu được tệp; hãy thử lại sau ít phút.");
		}
	} else {
		e.media_kind = "";
		e.media_file = "";
	}
	photo_out_free(&ph);
	e.ip = in->ip;
	e.created_at = cx->now;
	int rc = -3;
	for (int tries = 0; tries < 5 && rc == -3; tries++) {
		char code[ENROL_CODE_LEN + 1];
		enrol_code_new(code);
		e.code = arena_strdup(a, code);
		rc = store_contest_entry_add(cx->store, &e, &out->id);
	}
	if (rc < 0) {
		remove_file(cx->dir, e.media_file);
		return fail(out, CONTEST_ERR_STORE, "Chưa lưu được bài; hãy thử lại sau ít phút.");
	}
	out->code = e.code;
	out->message = "Đã nhận bài dự thi; bài chờ ban tổ chức duyệt trước khi công bố.";
	return CONTEST_OK;
}

contest_rc_t
contest_withdraw(const contest_ctx_t *cx, int64_t cid, const char *code, const char *phone4,
                 contest_out_t *out)
{
	memset(out, 0, sizeof *out);
	store_contest_entry_t e;
	int rc = contest_entry_by_code(cx, cid, code, &e);
	if (rc < 0)
		return fail(out, CONTEST_ERR_STORE, "Chưa rút được bài; hãy thử lại sau ít phút.");
	size_t pl = rc ? strlen(e.phone) : 0;
	if (rc == 0 || !phone4 || strlen(phone4) != 4 || pl < 4 ||
	    strcmp(e.phone + pl - 4, phone4)) {
		const char *m = "Mã bài dự thi hoặc 4 số cuối điện thoại không đúng; hãy kiểm tra "
		                "lại.";
		add_err(out, "code", m);
		add_err(out, "phone4", m);
		out->message = m;
		return CONTEST_ERR_INVALID;
	}
	out->id = e.id;
	out->code = e.code;
	if (!strcmp(e.status, "withdrawn")) {
		out->message = "Bài dự thi đã được rút trước đó.";
		return CONTEST_OK;
	}
	if (store_contest_entry_set(cx->store, e.id, "withdrawn", NULL, "", "", e.moderated_by,
	                            e.moderated_at) < 0)
		return fail(out, CONTEST_ERR_STORE, "Chưa rút được bài; hãy thử lại sau ít phút.");
	remove_file(cx->dir, e.media_file);
	out->message = "Đã rút bài dự thi; tệp gửi kèm đã bị xóa.";
	return CONTEST_OK;
}

/* ---------- moderation, judging, results ---------- */

typedef struct judge_list {
	int64_t v[CONTEST_JUDGES_MAX];
	size_t n;
} judge_list_t;

static int
judge_add(int64_t uid, const char *name, void *p)
{
	(void)name;
	judge_list_t *l = p;
	if (l->n < CONTEST_JUDGES_MAX)
		l->v[l->n++] = uid;
	return 0;
}

/* Entry id of contest c into *e; fills out and returns non-OK when there is none. */
static contest_rc_t
entry_of(const contest_ctx_t *cx, const store_contest_t *c, int64_t id, store_contest_entry_t *e,
         contest_out_t *out)
{
	int rc = entry_get(cx, id, NULL, e);
	if (rc < 0)
		return fail(out, CONTEST_ERR_STORE, "Chưa lưu được; hãy thử lại sau ít phút.");
	if (rc == 0 || e->contest_id != c->id)
		return fail(out, CONTEST_ERR_NOT_FOUND, "Không có bài dự thi này trong cuộc thi.");
	return CONTEST_OK;
}

contest_rc_t
contest_moderate(const contest_ctx_t *cx, const store_contest_t *c, int64_t id, const char *action,
                 const char *reason, contest_out_t *out)
{
	memset(out, 0, sizeof *out);
	store_contest_entry_t e;
	contest_rc_t rc = entry_of(cx, c, id, &e, out);
	if (rc)
		return rc;
	int approve = action && !strcmp(action, "approve");
	if (!approve && !(action && !strcmp(action, "reject"))) {
		add_err(out, "action", "Hãy chọn Duyệt hoặc Từ chối.");
		return invalid(out);
	}
	if (!strcmp(e.status, "withdrawn") || !strcmp(e.status, "rejected"))
		return fail(
		        out, CONTEST_ERR_CLOSED,
		        "Bài này đã bị từ chối hoặc đã được rút; tệp đã xóa nên không duyệt lại "
		        "được.");
	if (!strcmp(c->status, "announced"))
		return fail(out, CONTEST_ERR_CLOSED, "Cuộc thi đã công bố kết quả.");
	const char *why = "";
	if (!approve) {
		why = text_field(cx, out, "reason", "Lý do từ chối", reason, ENTRY_REASON_MAX, 0,
		                 1);
		if (!why)
			return invalid(out);
	}
	if (store_contest_entry_set(cx->store, e.id, approve ? "approved" : "rejected", why,
	                            approve ? NULL : "", approve ? NULL : "", cx->actor,
	                            cx->now) < 0)
		return fail(out, CONTEST_ERR_STORE, "Chưa lưu được; hãy thử lại sau ít phút.");
	if (!approve)
		remove_file(cx->dir, e.media_file);
	out->id = e.id;
	out->message = approve ? "Đã duyệt bài; bài hiện trên trang cuộc thi."
	                       : "Đã từ chối bài; tệp gửi kèm đã bị xóa.";
	return CONTEST_OK;
}

static int
judge_seen(int64_t uid, const char *name, void *p)
{
	(void)name;
	int64_t *v = p;
	if (uid == v[0])
		v[1] = 1;
	return 0;
}

int
contest_is_judge(const contest_ctx_t *cx, int64_t contest_id, int64_t user)
{
	int64_t v[2] = {user, 0};
	if (user <= 0 || store_contest_judges(cx->store, contest_id, judge_seen, v) < 0)
		return 0;
	return v[1] != 0;
}

contest_rc_t
contest_score(const contest_ctx_t *cx, const store_contest_t *c, int64_t id, const char *score,
              const char *comment, contest_out_t *out)
{
	memset(out, 0, sizeof *out);
	if (!contest_is_judge(cx, c->id, cx->actor))
		return fail(out, CONTEST_ERR_CLOSED, "Bạn không phải giám khảo của cuộc thi này.");
	if (!strcmp(c->status, "announced"))
		return fail(out, CONTEST_ERR_CLOSED, "Cuộc thi đã công bố kết quả; điểm đã chốt.");
	store_contest_entry_t e;
	contest_rc_t rc = entry_of(cx, c, id, &e, out);
	if (rc)
		return rc;
	if (strcmp(e.status, "approved"))
		return fail(out, CONTEST_ERR_CLOSED, "Chỉ chấm điểm bài đã được duyệt.");
	int64_t sc = number(score, -1, 0, 100);
	if (!score || !*score || sc < 0)
		add_err(out, "score", "Điểm: hãy nhập số nguyên từ 0 đến 100.");
	const char *cm = text_field(cx, out, "comment", "Nhận xét", comment, ENTRY_COMMENT_MAX,
	                            TEXT_MULTILINE, 0);
	if (out->nerrs)
		return invalid(out);
	store_contest_score_t s = {e.id, cx->actor, (int)sc, cm, cx->now};
	if (store_contest_score_put(cx->store, &s) < 0)
		return fail(out, CONTEST_ERR_STORE, "Chưa lưu được điểm; hãy thử lại sau ít phút.");
	out->id = e.id;
	out->message = "Đã lưu điểm.";
	return CONTEST_OK;
}

contest_rc_t
contest_prize(const contest_ctx_t *cx, const store_contest_t *c, int64_t id, const char *prize,
              contest_out_t *out)
{
	memset(out, 0, sizeof *out);
	if (!strcmp(c->status, "announced"))
		return fail(out, CONTEST_ERR_CLOSED, "Cuộc thi đã công bố kết quả; giải đã chốt.");
	store_contest_entry_t e;
	contest_rc_t rc = entry_of(cx, c, id, &e, out);
	if (rc)
		return rc;
	if (strcmp(e.status, "approved"))
		return fail(out, CONTEST_ERR_CLOSED, "Chỉ trao giải cho bài đã được duyệt.");
	const char *p = prize ? prize : "";
	if (*p && !contest_prize_name(p)) {
		add_err(out, "prize",
		        "Giải: hãy chọn Giải Nhất, Nhì, Ba, Khuyến khích hoặc không giải.");
		return invalid(out);
	}
	if (store_contest_entry_set(cx->store, e.id, NULL, NULL, p, NULL, e.moderated_by,
	                            e.moderated_at) < 0)
		return fail(out, CONTEST_ERR_STORE, "Chưa lưu được; hãy thử lại sau ít phút.");
	out->id = e.id;
	out->message = "Đã lưu giải.";
	return CONTEST_OK;
}

contest_rc_t
contest_announce(const contest_ctx_t *cx, const store_contest_t *c, contest_out_t *out)
{
	memset(out, 0, sizeof *out);
	const char *ph = contest_phase(c, cx->now);
	if (strcmp(ph, "closed") != 0)
		return fail(
		        out, CONTEST_ERR_CLOSED,
		        !strcmp(ph, "announced")
		                ? "Kết quả đã được công bố."
		                : arena_printf(cx->arena,
		                               "Chỉ công bố kết quả sau hạn cuối nhận bài (%s).",
		                               date_text(cx->arena, c->ends_at - 1)));
	store_contest_t n = *c;
	n.status = "announced";
	n.announced_at = cx->now;
	n.updated_at = cx->now;
	n.updated_by = cx->actor;
	/* the judges stay as they are */
	judge_list_t jl = {{0}, 0};
	if (store_contest_judges(cx->store, c->id, judge_add, &jl) < 0 ||
	    store_contest_save(cx->store, &n, jl.v, jl.n, NULL) < 0)
		return fail(out, CONTEST_ERR_STORE, "Chưa lưu được; hãy thử lại sau ít phút.");
	out->id = c->id;
	out->message = "Đã công bố kết quả trên trang cuộc thi.";
	return CONTEST_OK;
}

typedef struct rank_list {
	arena_t *a;
	contest_rank_t *v;
	size_t n, cap;
} rank_list_t;

static int
rank_add(const store_contest_entry_t *e, void *p)
{
	rank_list_t *l = p;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		contest_rank_t *nv = arena_alloc(l->a, size_mul(cap, sizeof *nv));
		if (l->n)
			memcpy(nv, l->v, l->n * sizeof *nv);
		l->v = nv;
		l->cap = cap;
	}
	void *pp[2] = {l->a, &l->v[l->n].e};
	copy_entry(e, pp);
	l->v[l->n].nscores = 0;
	l->v[l->n].average = 0;
	l->n++;
	return 0;
}

static int
rank_score(const store_contest_score_t *sc, void *p)
{
	rank_list_t *l = p;
	for (size_t k = 0; k < l->n; k++)
		if (l->v[k].e.id == sc->entry_id) {
			l->v[k].nscores++;
			l->v[k].average += sc->score;
		}
	return 0;
}

static int
rank_cmp(const void *a, const void *b)
{
	const contest_rank_t *x = a, *y = b;
	if (x->average != y->average)
		return x->average < y->average ? 1 : -1;
	return x->e.id < y->e.id ? -1 : x->e.id > y->e.id;
}

int
contest_ranking(const contest_ctx_t *cx, int64_t cid, contest_rank_t **out, size_t *n)
{
	rank_list_t l = {cx->arena, NULL, 0, 0};
	if (store_contest_entries(cx->store, cid, "approved", rank_add, &l) < 0 ||
	    store_contest_scores(cx->store, cid, rank_score, &l) < 0)
		return -1;
	for (size_t k = 0; k < l.n; k++)
		l.v[k].average = l.v[k].nscores ? l.v[k].average / l.v[k].nscores : -1;
	if (l.n > 1)
		qsort(l.v, l.n, sizeof *l.v, rank_cmp);
	*out = l.v;
	*n = l.n;
	return 0;
}

static int
purge_file(const char *file, void *p)
{
	remove_file(p, file);
	return 0;
}

int
contest_purge(const contest_ctx_t *cx, int days, int64_t *n)
{
	*n = 0;
	return store_contest_purge(cx->store, cx->now - (int64_t)days * DAY, cx->now, purge_file,
	                           (void *)cx->dir, n);
}
