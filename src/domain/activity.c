/* Activities: kinds and modes, the registration checks, Vietnam time and the iCalendar
 * writer (see activity.h). */
#include "domain/activity.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "text/hygiene.h"
#include "text/legacy_field.h"
#include "text/text.h"
#include "text/when.h"

/* The codes are shared with the results form's pre-fill (another module maps them to the
 * Phụ lục's lines): never rename one. */
static const activity_kind_t kinds[] = {
        {"khai_mac", "Lễ khai mạc"},
        {"tong_ket", "Lễ tổng kết"},
        {"lop_cds", "Lớp bồi dưỡng về chuyển đổi số"},
        {"lop_ngoai_ngu_tin_hoc", "Lớp ngoại ngữ, tin học"},
        {"lop_day_nghe", "Lớp dạy nghề cho lao động nông thôn"},
        {"lop_ky_nang_song", "Lớp giáo dục kỹ năng sống"},
        {"lop_cap_nhat", "Lớp cập nhật kiến thức, kỹ năng, chuyển giao công nghệ"},
        {"lop_xoa_mu_chu", "Lớp xóa mù chữ"},
        {"lop_khac", "Lớp học khác"},
        {"tap_huan", "Tập huấn, hướng dẫn"},
        {"hoi_thao", "Hội thảo, tọa đàm"},
        {"trien_lam", "Triển lãm"},
        {"cuoc_thi", "Cuộc thi"},
        {"dien_dan", "Diễn đàn, câu lạc bộ"},
        {"thu_vien", "Hoạt động thư viện, khuyến đọc"},
        {"luan_chuyen_sach", "Luân chuyển sách"},
        {"tuyen_truyen", "Tuyên truyền"},
        {"van_nghe", "Văn nghệ"},
        {"giao_luu", "Giao lưu, chia sẻ"},
        {"khen_thuong", "Tuyên dương, khen thưởng"},
        {"khac", "Hoạt động khác"},
};

const activity_kind_t *
activity_kinds(size_t *n)
{
	*n = sizeof kinds / sizeof kinds[0];
	return kinds;
}

const char *
activity_kind_name(const char *code)
{
	if (code == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (!strcmp(kinds[i].code, code))
			return kinds[i].name;
	return NULL;
}

const char *
activity_mode_name(const char *code)
{
	if (code == NULL)
		return NULL;
	if (!strcmp(code, "truc_tiep"))
		return "Trực tiếp";
	if (!strcmp(code, "truc_tuyen"))
		return "Trực tuyến";
	if (!strcmp(code, "ket_hop"))
		return "Kết hợp (trực tiếp và trực tuyến)";
	return NULL;
}

const char *
activity_status_name(const char *code)
{
	if (code == NULL)
		return NULL;
	if (!strcmp(code, "planned"))
		return "Chưa diễn ra";
	if (!strcmp(code, "held"))
		return "Đã tổ chức";
	if (!strcmp(code, "cancelled"))
		return "Đã hủy";
	return NULL;
}

/* ---------- Vietnam time ---------- */

int64_t
activity_vn_time(int32_t days, int minutes)
{
	return (int64_t)days * 86400 + (int64_t)minutes * 60 - ACTIVITY_VN_OFFSET;
}

void
activity_vn_split(int64_t t, int32_t *days, int *minutes)
{
	int64_t l = t + ACTIVITY_VN_OFFSET;
	int64_t d = l / 86400, r = l % 86400;
	if (r < 0) {
		r += 86400;
		d--;
	}
	*days = (int32_t)d;
	*minutes = (int)(r / 60);
}

int
activity_weekday(int32_t days)
{
	/* 1970-01-01 was a Thursday (3 when Monday is 0) */
	int w = (int)(((int64_t)days + 3) % 7);
	return w < 0 ? w + 7 : w;
}

const char *
activity_weekday_name(int wd)
{
	static const char *const names[7] = {"Thứ Hai", "Thứ Ba",  "Thứ Tư",  "Thứ Năm",
	                                     "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"};
	return wd >= 0 && wd < 7 ? names[wd] : "";
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int
activity_parse_hhmm(const char *s, int *minutes)
{
	return s ? when_parse_time(s, strlen(s), minutes) : -1;
}

void
activity_format_date(int64_t t, buf_t *out)
{
	int32_t d;
	int m;
	activity_vn_split(t, &d, &m);
	text_format_date(d, out);
}

void
activity_format_hhmm(int64_t t, buf_t *out)
{
	int32_t d;
	int m;
	activity_vn_split(t, &d, &m);
	buf_printf(out, "%02d:%02d", m / 60, m % 60);
}

void
activity_format_span(int64_t start, int64_t end, buf_t *out)
{
	int32_t d1, d2;
	int m1, m2;
	activity_vn_split(start, &d1, &m1);
	activity_vn_split(end, &d2, &m2);
	buf_printf(out, "%s, ", activity_weekday_name(activity_weekday(d1)));
	text_format_date(d1, out);
	buf_printf(out, ", %02d:%02d", m1 / 60, m1 % 60);
	if (end <= start)
		return;
	if (d1 == d2) {
		buf_printf(out, "\xe2\x80\x93%02d:%02d", m2 / 60, m2 % 60); /* en dash */
		return;
	}
	buf_printf(out, " \xe2\x80\x93 %s, ", activity_weekday_name(activity_weekday(d2)));
	text_format_date(d2, out);
	buf_printf(out, ", %02d:%02d", m2 / 60, m2 % 60);
}

int
activity_is_late(int32_t deadline, int64_t now)
{
	return deadline > 0 && now >= activity_vn_time(deadline + 1, 0);
}

/* ---------- checks ---------- */

const char *
activity_field_code(int f)
{
	static const char *const codes[AF_COUNT] = {
	        "campaign", "kind",    "title",  "description", "start",
	        "end",      "place",   "mode",   "link",        "audience",
	        "expected", "late_ok", "status", "actual",      "outcome"};
	return f >= 0 && f < AF_COUNT ? codes[f] : "";
}

static void
set_err(activity_errors_t *e, int f, const char *msg)
{
	if (e->msg[f] == NULL) {
		e->msg[f] = msg;
		e->n++;
	}
}

/* Copy of s without surrounding blanks, in a; "" for NULL. */
static const char *
trimmed(arena_t *a, const char *s)
{
	if (s == NULL)
		return "";
	while (is_blank(*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && is_blank(s[n - 1]))
		n--;
	return arena_strndup(a, s, n);
}

static int
has_control(const char *s, int allow_newlines)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (allow_newlines && (*p == '\n' || *p == '\r' || *p == '\t'))
			continue;
		if (*p < 0x20 || *p == 0x7f)
			return 1;
	}
	return 0;
}

/* s cut to at most max bytes at a character boundary, with "…" when cut: typed text
 * quoted back in a message stays valid UTF-8. */
static const char *
clip(arena_t *a, const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max)
		return s;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return arena_printf(a, "%.*s…", (int)max, s);
}

/* "5.000" */
static const char *
num(arena_t *a, int64_t v)
{
	buf_t b = BUF_INIT;
	text_format_int(v, &b);
	const char *s = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

/* A one-line text field of at most max bytes; required when min > 0. */
static void
text_field(arena_t *a, activity_errors_t *e, int f, const char *label, const char **vp, size_t max,
           int required, const char *what)
{
	const char *v = *vp, *clean, *why;
	size_t n = strlen(v);
	if (n == 0 && required)
		set_err(e, f, arena_printf(a, "%s: hãy nhập %s.", label, what));
	else if (n > max)
		set_err(e, f,
		        arena_printf(a, "%s dài %s byte, quá giới hạn %s byte; hãy viết ngắn lại.",
		                     label, num(a, (int64_t)n), num(a, (int64_t)max)));
	else if (has_control(v, 0))
		set_err(e, f,
		        arena_printf(a,
		                     "%s không được xuống dòng hay chứa ký tự điều khiển; hãy "
		                     "viết trên một dòng.",
		                     label));
	/* text hygiene (text/hygiene.h): NFC, no bidi override or invisible character */
	else if ((why = text_clean_field(a, label, v, TEXT_NAME | TEXT_TRIM, max, &clean)))
		set_err(e, f, why);
	else
		*vp = clean;
}

/* A multi-line text (description, outcome note) past its length and control checks: NFC,
 * no bidi override; 0, or -1 after setting the field's error. */
static int
text_lines(arena_t *a, activity_errors_t *e, int f, const char *label, const char **vp, size_t max)
{
	const char *clean;
	const char *why = text_clean_field(a, label, *vp, TEXT_MULTILINE | TEXT_TRIM, max, &clean);
	if (why) {
		set_err(e, f, why);
		return -1;
	}
	*vp = clean;
	return 0;
}

int
activity_link_ok(const char *s)
{
	if (s == NULL)
		return 0;
	size_t n = strlen(s);
	if (n == 0 || n > ACTIVITY_LINK_MAX)
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= 0x20 || *p == 0x7f || *p == '"' || *p == '<' || *p == '>' || *p == '\\' ||
		    *p == '`')
			return 0;
	const char *h;
	if (!strncasecmp(s, "https://", 8))
		h = s + 8;
	else if (!strncasecmp(s, "http://", 7))
		h = s + 7;
	else
		return 0;
	size_t hl = strcspn(h, "/?#");
	/* no user information: "https://trusted@evil.example" misleads readers */
	if (memchr(h, '@', hl))
		return 0;
	size_t port = hl;
	const char *colon = memchr(h, ':', hl);
	if (colon) {
		port = (size_t)(colon - h);
		size_t nd = hl - port - 1;
		if (nd == 0 || nd > 5)
			return 0;
		for (size_t k = port + 1; k < hl; k++)
			if (h[k] < '0' || h[k] > '9')
				return 0;
	}
	if (port == 0)
		return 0;
	if (port == 9 && !strncasecmp(h, "localhost", 9))
		return 1;
	int dots = 0;
	for (size_t k = 0; k < port; k++) {
		unsigned char c = (unsigned char)h[k];
		if (c == '.') {
			if (k == 0 || k + 1 == port || h[k - 1] == '.')
				return 0;
			dots++;
		} else if (!(c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		             (c >= '0' && c <= '9') || c == '-'))
			return 0;
	}
	return dots > 0;
}

/* A day and a time into Unix seconds; errors on field f. */
static int
when(arena_t *a, activity_errors_t *e, int f, const char *label, const char *date, const char *time,
     int32_t *days, int64_t *at)
{
	int minutes;
	int bad = 0;
	if (*date == '\0') {
		set_err(e, f,
		        arena_printf(a, "%s: hãy nhập ngày, dạng " WHEN_DATE_FORMS ".", label));
		bad = 1;
	} else if (when_parse_date(date, strlen(date), days) < 0) {
		set_err(e, f,
		        arena_printf(
		                a, "%s: ngày “%s” không hợp lệ; hãy nhập dạng " WHEN_DATE_FORMS ".",
		                label, clip(a, date, 20)));
		bad = 1;
	}
	if (*time == '\0') {
		set_err(e, f,
		        arena_printf(a, "%s: hãy nhập giờ, dạng " WHEN_TIME_FORMS ".", label));
		bad = 1;
	} else if (activity_parse_hhmm(time, &minutes) < 0) {
		set_err(e, f,
		        arena_printf(a,
		                     "%s: giờ “%s” không hợp lệ; hãy nhập giờ Việt Nam "
		                     "dạng " WHEN_TIME_FORMS ".",
		                     label, clip(a, time, 12)));
		bad = 1;
	}
	if (bad)
		return -1;
	*at = activity_vn_time(*days, minutes);
	return 0;
}

static int
year_of(int32_t days)
{
	time_t tt = (time_t)days * 86400;
	struct tm tm;
	gmtime_r(&tt, &tm);
	return tm.tm_year + 1900;
}

static const char *
stamp(arena_t *a, int64_t t)
{
	buf_t b = BUF_INIT;
	activity_format_hhmm(t, &b);
	buf_puts(&b, " ");
	activity_format_date(t, &b);
	const char *s = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

/* Field f (text x) typed in TCVN3/VNI and pasted as mojibake (text/legacy_field.h):
 * refused with the repaired text in e->suggest[f], so the person confirms it by saving it
 * again. This message wins over the hygiene's: the mojibake itself may hold a character
 * refused there (the soft hyphen of "Tr­êng"), and the repair is what helps. */
static void
legacy_check(arena_t *a, activity_errors_t *e, int f, const char *label, const char *x)
{
	const char *fixed, *msg;
	if (!legacy_field_check(a, label, x, strlen(x), &fixed, &msg))
		return;
	if (e->msg[f])
		e->msg[f] = msg;
	else
		set_err(e, f, msg);
	e->suggest[f] = fixed;
}

int
activity_validate(const activity_input_t *in, int campaign_year, arena_t *a, activity_fields_t *out,
                  activity_errors_t *e)
{
	memset(out, 0, sizeof *out);
	memset(e, 0, sizeof *e);
	out->kind = trimmed(a, in->kind);
	out->title = trimmed(a, in->title);
	out->description = trimmed(a, in->description);
	out->place = trimmed(a, in->place);
	out->mode = trimmed(a, in->mode);
	out->link = trimmed(a, in->link);
	out->audience = trimmed(a, in->audience);
	out->is_public = in->is_public ? 1 : 0;
	out->expected = -1;

	if (*out->kind == '\0')
		set_err(e, AF_KIND, "Loại hoạt động: hãy chọn một loại trong danh sách.");
	else if (!activity_kind_name(out->kind))
		set_err(e, AF_KIND,
		        arena_printf(a,
		                     "Loại hoạt động “%s” không có trong danh sách; hãy chọn "
		                     "một loại trong danh sách.",
		                     clip(a, out->kind, 40)));

	text_field(a, e, AF_TITLE, "Tên hoạt động", &out->title, ACTIVITY_TITLE_MAX, 1,
	           "tên hoạt động");
	size_t dl = strlen(out->description);
	if (dl > ACTIVITY_DESCRIPTION_MAX)
		set_err(e, AF_DESCRIPTION,
		        arena_printf(a,
		                     "Mô tả dài %s byte, quá giới hạn %s byte; hãy viết ngắn lại.",
		                     num(a, (int64_t)dl), num(a, ACTIVITY_DESCRIPTION_MAX)));
	else if (has_control(out->description, 1))
		set_err(e, AF_DESCRIPTION,
		        "Mô tả chứa ký tự điều khiển không hợp lệ; hãy gõ lại nội dung.");
	else
		text_lines(a, e, AF_DESCRIPTION, "Mô tả", &out->description,
		           ACTIVITY_DESCRIPTION_MAX);

	/* times */
	const char *sd = trimmed(a, in->start_date), *st = trimmed(a, in->start_time);
	const char *ed = trimmed(a, in->end_date), *et = trimmed(a, in->end_time);
	int32_t d1 = 0, d2 = 0;
	int ok1 = when(a, e, AF_START, "Bắt đầu", sd, st, &d1, &out->start_at) == 0;
	if (*ed == '\0') {
		/* the start's day; when that one is wrong, its error says so already */
		int32_t tmp;
		ed = *sd && when_parse_date(sd, strlen(sd), &tmp) == 0 ? sd : "01/01/1970";
	}
	int ok2 = when(a, e, AF_END, "Kết thúc", ed, et, &d2, &out->end_at) == 0;
	if (ok1 && campaign_year) {
		int y = year_of(d1);
		if (y < campaign_year - 1 || y > campaign_year + 1) {
			buf_t b = BUF_INIT;
			text_format_date(d1, &b);
			set_err(e, AF_START,
			        arena_printf(
			                a,
			                "Bắt đầu: ngày %s nằm ngoài thời gian của đợt (năm %d); "
			                "hãy nhập ngày trong các năm %d–%d.",
			                buf_cstr(&b), campaign_year, campaign_year - 1,
			                campaign_year + 1));
			buf_free(&b);
			ok1 = 0;
		}
	}
	if (ok1 && ok2) {
		if (out->end_at < out->start_at)
			set_err(e, AF_END,
			        arena_printf(a,
			                     "Kết thúc (%s) trước lúc bắt đầu (%s); hãy sửa ngày "
			                     "hoặc giờ kết thúc.",
			                     stamp(a, out->end_at), stamp(a, out->start_at)));
		else if (out->end_at - out->start_at > (int64_t)ACTIVITY_MAX_DAYS * 86400)
			set_err(e, AF_END,
			        "Kết thúc: hoạt động kéo dài quá 31 ngày; hãy sửa ngày kết thúc "
			        "hoặc chia thành nhiều hoạt động.");
	}

	/* how and where */
	const char *mode_name = activity_mode_name(out->mode);
	if (!mode_name)
		set_err(e, AF_MODE,
		        "Hình thức: hãy chọn Trực tiếp, Trực tuyến hoặc Kết hợp (trực tiếp và trực "
		        "tuyến).");
	int in_person = mode_name && strcmp(out->mode, "truc_tuyen") != 0;
	int online = mode_name && strcmp(out->mode, "truc_tiep") != 0;
	if (in_person && *out->place == '\0')
		set_err(e, AF_PLACE,
		        "Địa điểm: hãy nhập nơi tổ chức (bắt buộc với hình thức trực tiếp hoặc "
		        "kết hợp).");
	else
		text_field(a, e, AF_PLACE, "Địa điểm", &out->place, ACTIVITY_PLACE_MAX, 0, "");
	size_t ll = strlen(out->link);
	if (ll == 0 && online)
		set_err(e, AF_LINK,
		        "Đường dẫn trực tuyến: hình thức trực tuyến hoặc kết hợp cần đường dẫn để "
		        "người tham gia vào (bắt đầu bằng https://).");
	else if (ll > ACTIVITY_LINK_MAX)
		set_err(e, AF_LINK,
		        arena_printf(a,
		                     "Đường dẫn trực tuyến dài %s byte, quá giới hạn %s byte; hãy "
		                     "dùng đường dẫn ngắn hơn.",
		                     num(a, (int64_t)ll), num(a, ACTIVITY_LINK_MAX)));
	else if (ll > 0 && !activity_link_ok(out->link))
		set_err(e, AF_LINK,
		        arena_printf(a,
		                     "Đường dẫn trực tuyến “%s” không hợp lệ; hãy nhập địa chỉ "
		                     "đầy đủ bắt đầu bằng https://, ví dụ "
		                     "https://meet.google.com/abc-defg-hij.",
		                     clip(a, out->link, 80)));

	text_field(a, e, AF_AUDIENCE, "Đối tượng tham gia", &out->audience, ACTIVITY_AUDIENCE_MAX,
	           0, "");
	const char *ex = trimmed(a, in->expected);
	if (*ex) {
		int64_t v;
		if (text_parse_int(ex, strlen(ex), &v) < 0 || v < 0 || v > ACTIVITY_PEOPLE_MAX)
			set_err(e, AF_EXPECTED,
			        arena_printf(a,
			                     "Số người dự kiến “%s” không hợp lệ; hãy nhập số "
			                     "nguyên từ 0 đến 1.000.000.",
			                     clip(a, ex, 20)));
		else
			out->expected = v;
	}
	legacy_check(a, e, AF_TITLE, "Tên hoạt động", out->title);
	legacy_check(a, e, AF_DESCRIPTION, "Mô tả", out->description);
	legacy_check(a, e, AF_PLACE, "Địa điểm", out->place);
	return e->n;
}

int
activity_validate_outcome(const char *status, const char *actual, const char *note,
                          int64_t start_at, int64_t now, arena_t *a, const char **status_out,
                          int64_t *actual_out, const char **note_out, activity_errors_t *e)
{
	memset(e, 0, sizeof *e);
	*actual_out = -1;
	*note_out = trimmed(a, note);
	const char *st = trimmed(a, status);
	*status_out = st;
	if (!activity_status_name(st)) {
		set_err(e, AF_STATUS, "Kết quả: hãy chọn Đã tổ chức, Đã hủy hoặc Chưa diễn ra.");
		return e->n;
	}
	size_t nl = strlen(*note_out);
	if (nl > ACTIVITY_OUTCOME_MAX)
		set_err(e, AF_OUTCOME,
		        arena_printf(a,
		                     "Ghi chú kết quả dài %s byte, quá giới hạn %s byte; hãy viết "
		                     "ngắn lại.",
		                     num(a, (int64_t)nl), num(a, ACTIVITY_OUTCOME_MAX)));
	else if (has_control(*note_out, 1))
		set_err(e, AF_OUTCOME, "Ghi chú kết quả chứa ký tự điều khiển không hợp lệ.");
	else
		text_lines(a, e, AF_OUTCOME, "Ghi chú kết quả", note_out, ACTIVITY_OUTCOME_MAX);
	if (!strcmp(st, "planned"))
		*note_out = "";
	if (strcmp(st, "held") != 0)
		return e->n;
	if (start_at > now)
		set_err(e, AF_STATUS,
		        arena_printf(a,
		                     "Hoạt động chưa bắt đầu (bắt đầu lúc %s); chỉ ghi “Đã tổ "
		                     "chức” sau giờ bắt đầu.",
		                     stamp(a, start_at)));
	const char *n = trimmed(a, actual);
	int64_t v;
	if (*n == '\0')
		set_err(e, AF_ACTUAL,
		        "Số người tham gia thực tế: hãy nhập số người đã tham gia (số nguyên từ 0 "
		        "đến 1.000.000).");
	else if (text_parse_int(n, strlen(n), &v) < 0 || v < 0 || v > ACTIVITY_PEOPLE_MAX)
		set_err(e, AF_ACTUAL,
		        arena_printf(a,
		                     "Số người tham gia thực tế “%s” không hợp lệ; hãy nhập số "
		                     "nguyên từ 0 đến 1.000.000.",
		                     clip(a, n, 20)));
	else
		*actual_out = v;
	return e->n;
}

/* ---------- iCalendar ---------- */

void
ical_escape(const char *s, buf_t *out)
{
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
		switch (*p) {
		case '\\': buf_puts(out, "\\\\"); break;
		case ';': buf_puts(out, "\\;"); break;
		case ',': buf_puts(out, "\\,"); break;
		case '\r':
			if (p[1] == '\n')
				p++;
			buf_puts(out, "\\n");
			break;
		case '\n': buf_puts(out, "\\n"); break;
		default:
			if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
				break;
			buf_putc(out, (char)*p);
		}
	}
}

void
ical_line(buf_t *out, const char *name, const char *value)
{
	buf_t l = BUF_INIT;
	buf_printf(&l, "%s:%s", name, value);
	const char *p = buf_cstr(&l);
	size_t n = l.len, pos = 0;
	int first = 1;
	while (pos < n || first) {
		size_t room = first ? 75 : 74; /* a continuation line starts with a space */
		size_t take = n - pos;
		if (take > room) {
			take = room;
			/* never cut inside a UTF-8 sequence: back up to its lead byte */
			while (take > 0 && ((unsigned char)p[pos + take] & 0xc0) == 0x80)
				take--;
			if (take == 0)
				take = room; /* not UTF-8: cut anyway */
		}
		if (!first)
			buf_putc(out, ' ');
		buf_append(out, p + pos, take);
		buf_puts(out, "\r\n");
		pos += take;
		first = 0;
	}
	buf_free(&l);
}

void
ical_utc(int64_t t, buf_t *out)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	buf_printf(out, "%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	           tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static void
text_prop(buf_t *out, const char *name, const char *text)
{
	buf_t v = BUF_INIT;
	ical_escape(text, &v);
	ical_line(out, name, buf_cstr(&v));
	buf_free(&v);
}

static void
time_prop(buf_t *out, const char *name, int64_t t)
{
	buf_t v = BUF_INIT;
	ical_utc(t, &v);
	ical_line(out, name, buf_cstr(&v));
	buf_free(&v);
}

void
ical_begin(buf_t *out, const char *calname)
{
	buf_puts(out, "BEGIN:VCALENDAR\r\n"
	              "VERSION:2.0\r\n"
	              "PRODID:-//suotdoi//Tuan le hoc tap suot doi//VI\r\n"
	              "CALSCALE:GREGORIAN\r\n"
	              "METHOD:PUBLISH\r\n");
	text_prop(out, "X-WR-CALNAME", calname);
	buf_puts(out, "X-WR-TIMEZONE:Asia/Ho_Chi_Minh\r\n");
}

void
ical_event(buf_t *out, const ical_event_t *e)
{
	buf_puts(out, "BEGIN:VEVENT\r\n");
	/* UID and URL are not TEXT: no escapes, but nothing that could break the line */
	buf_t v = BUF_INIT;
	ical_escape(e->uid, &v);
	ical_line(out, "UID", buf_cstr(&v));
	buf_free(&v);
	time_prop(out, "DTSTAMP", e->stamp);
	time_prop(out, "DTSTART", e->start);
	if (e->end > e->start)
		time_prop(out, "DTEND", e->end);
	text_prop(out, "SUMMARY", e->summary);
	if (e->description && *e->description)
		text_prop(out, "DESCRIPTION", e->description);
	if (e->location && *e->location)
		text_prop(out, "LOCATION", e->location);
	if (e->url && *e->url) {
		buf_t u = BUF_INIT;
		for (const unsigned char *p = (const unsigned char *)e->url; *p; p++)
			if (*p > 0x20 && *p != 0x7f)
				buf_putc(&u, (char)*p);
		ical_line(out, "URL", buf_cstr(&u));
		buf_free(&u);
	}
	buf_puts(out, e->cancelled ? "STATUS:CANCELLED\r\n" : "STATUS:CONFIRMED\r\n");
	if (e->category && *e->category)
		text_prop(out, "CATEGORIES", e->category);
	buf_printf(out, "SEQUENCE:%lld\r\n", (long long)(e->sequence < 0 ? 0 : e->sequence));
	time_prop(out, "LAST-MODIFIED", e->stamp);
	buf_puts(out, "END:VEVENT\r\n");
}

void
ical_end(buf_t *out)
{
	buf_puts(out, "END:VCALENDAR\r\n");
}
