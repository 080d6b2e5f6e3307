/* Activities (src/domain/activity.c): the kinds table, each bad input with its Vietnamese
 * field error, Vietnam time without TZ, and the iCalendar writer's escaping and folding at
 * 75 octets around multi-byte characters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "domain/activity.h"
#include "text/text.h"

static int32_t
day(const char *s)
{
	int32_t d;
	assert_int_equal(text_parse_date(s, strlen(s), &d), 0);
	return d;
}

/* A valid in-person registration in 2022. */
static activity_input_t
good(void)
{
	return (activity_input_t){.kind = "lop_ngoai_ngu_tin_hoc",
	                          .title = "Lớp tin học cơ bản cho người cao tuổi",
	                          .description = "Sử dụng điện thoại thông minh.\nMang theo máy.",
	                          .start_date = "06/10/2022",
	                          .start_time = "07:00",
	                          .end_date = "",
	                          .end_time = "07:45",
	                          .place = "TTHTCD phường Đằng Lâm",
	                          .mode = "truc_tiep",
	                          .link = "",
	                          .audience = "Người cao tuổi",
	                          .expected = "1.200",
	                          .is_public = 1};
}

static void
test_kinds(void **state)
{
	(void)state;
	size_t n;
	const activity_kind_t *k = activity_kinds(&n);
	assert_int_equal(n, 21);
	/* the codes other modules map: exactly these */
	const char *const codes[] = {
	        "khai_mac",     "tong_ket",         "lop_cds",      "lop_ngoai_ngu_tin_hoc",
	        "lop_day_nghe", "lop_ky_nang_song", "lop_cap_nhat", "lop_xoa_mu_chu",
	        "lop_khac",     "tap_huan",         "hoi_thao",     "trien_lam",
	        "cuoc_thi",     "dien_dan",         "thu_vien",     "luan_chuyen_sach",
	        "tuyen_truyen", "van_nghe",         "giao_luu",     "khen_thuong",
	        "khac"};
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(k[i].code, codes[i]);
		assert_string_equal(activity_kind_name(codes[i]), k[i].name);
		assert_true(text_utf8_valid(k[i].name, strlen(k[i].name)));
	}
	assert_string_equal(activity_kind_name("hoi_thao"), "Hội thảo, tọa đàm");
	assert_string_equal(activity_kind_name("lop_day_nghe"),
	                    "Lớp dạy nghề cho lao động nông thôn");
	assert_null(activity_kind_name("hop_chi_bo"));
	assert_null(activity_kind_name(NULL));
	assert_string_equal(activity_mode_name("truc_tuyen"), "Trực tuyến");
	assert_string_equal(activity_mode_name("ket_hop"), "Kết hợp (trực tiếp và trực tuyến)");
	assert_null(activity_mode_name("online"));
	assert_string_equal(activity_status_name("cancelled"), "Đã hủy");
	assert_string_equal(activity_status_name("held"), "Đã tổ chức");
}

static void
test_vn_time(void **state)
{
	(void)state;
	/* 06/10/2022 07:00 in Vietnam is 06/10/2022 00:00 UTC = 1665014400 */
	int32_t d = day("06/10/2022");
	assert_int_equal(activity_vn_time(d, 7 * 60), 1665014400);
	/* 00:30 local is the previous day in UTC */
	assert_int_equal(activity_vn_time(d, 30), 1665014400 - 6 * 3600 - 30 * 60);
	int32_t dd;
	int m;
	activity_vn_split(1665014400, &dd, &m);
	assert_int_equal(dd, d);
	assert_int_equal(m, 7 * 60);
	activity_vn_split(1665014400 - 7 * 3600 - 60, &dd, &m); /* 23:59 the day before */
	assert_int_equal(dd, d - 1);
	assert_int_equal(m, 23 * 60 + 59);
	activity_vn_split(-3600 * 8, &dd, &m); /* before 1970 */
	assert_int_equal(dd, -1);
	assert_int_equal(m, 23 * 60);
	/* weekdays: 06/10/2022 was a Thursday, 01/01/1970 too, 31/12/1969 a Wednesday */
	assert_int_equal(activity_weekday(d), 3);
	assert_string_equal(activity_weekday_name(activity_weekday(d)), "Thứ Năm");
	assert_int_equal(activity_weekday(0), 3);
	assert_int_equal(activity_weekday(-1), 2);
	assert_string_equal(activity_weekday_name(activity_weekday(day("02/10/2022"))), "Chủ Nhật");
	/* HH:MM */
	assert_int_equal(activity_parse_hhmm("07:30", &m), 0);
	assert_int_equal(m, 450);
	assert_int_equal(activity_parse_hhmm(" 7:05 ", &m), 0);
	assert_int_equal(m, 425);
	assert_int_equal(activity_parse_hhmm("14h", &m), 0);
	assert_int_equal(m, 840);
	assert_int_equal(activity_parse_hhmm("14h30", &m), 0);
	assert_int_equal(m, 870);
	assert_int_equal(activity_parse_hhmm("23:59", &m), 0);
	const char *bad[] = {"24:00", "7:60", "7:5", "07", "", "ab", "7:30pm", "07:300", "-1:00"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(activity_parse_hhmm(bad[i], &m), -1);
	/* spans as people read them */
	buf_t b = BUF_INIT;
	int64_t s = activity_vn_time(d, 7 * 60);
	activity_format_span(s, s + 45 * 60, &b);
	assert_string_equal(buf_cstr(&b), "Thứ Năm, 06/10/2022, 07:00–07:45");
	buf_reset(&b);
	activity_format_span(activity_vn_time(day("01/10/2022"), 450),
	                     activity_vn_time(day("03/10/2022"), 17 * 60), &b);
	assert_string_equal(buf_cstr(&b),
	                    "Thứ Bảy, 01/10/2022, 07:30 – Thứ Hai, 03/10/2022, 17:00");
	buf_reset(&b);
	activity_format_span(s, s, &b);
	assert_string_equal(buf_cstr(&b), "Thứ Năm, 06/10/2022, 07:00");
	buf_free(&b);
	/* the registration deadline is a whole local day */
	int32_t dl = day("30/09/2022");
	assert_int_equal(activity_is_late(dl, activity_vn_time(dl, 23 * 60 + 59)), 0);
	assert_int_equal(activity_is_late(dl, activity_vn_time(dl + 1, 0)), 1);
	assert_int_equal(activity_is_late(0, activity_vn_time(dl + 100, 0)), 0);
}

static void
test_valid(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	activity_input_t in = good();
	in.title = "  Lớp tin học  ";
	activity_fields_t f;
	activity_errors_t e;
	assert_int_equal(activity_validate(&in, 2022, &a, &f, &e), 0);
	assert_string_equal(f.title, "Lớp tin học");
	assert_int_equal(f.start_at, 1665014400);
	assert_int_equal(f.end_at, 1665014400 + 45 * 60); /* empty end date: the same day */
	assert_int_equal(f.expected, 1200);
	assert_int_equal(f.is_public, 1);
	/* online with a link; no place needed; start = end allowed */
	in = good();
	in.mode = "truc_tuyen";
	in.place = "";
	in.link = "https://meet.google.com/abc-defg-hij";
	in.end_time = "07:00";
	in.expected = "";
	assert_int_equal(activity_validate(&in, 2022, &a, &f, &e), 0);
	assert_int_equal(f.expected, -1);
	/* 31 days exactly is fine; no campaign: any year */
	in = good();
	in.start_date = "01/01/2030";
	in.start_time = "00:00";
	in.end_date = "01/02/2030";
	in.end_time = "00:00";
	assert_int_equal(activity_validate(&in, 0, &a, &f, &e), 0);
	arena_free(&a);
}

/* One bad field: exactly that field's error, containing want. */
static void
expect_bad(activity_input_t in, int year, int field, const char *want)
{
	arena_t a = ARENA_INIT;
	activity_fields_t f;
	activity_errors_t e;
	int n = activity_validate(&in, year, &a, &f, &e);
	if (n != 1 || !e.msg[field] || !strstr(e.msg[field], want)) {
		for (int k = 0; k < AF_COUNT; k++)
			if (e.msg[k])
				print_error("%s: %s\n", activity_field_code(k), e.msg[k]);
		fail_msg("expected one error on %s containing \"%s\"", activity_field_code(field),
		         want);
	}
	assert_true(text_utf8_valid(e.msg[field], strlen(e.msg[field])));
	arena_free(&a);
}

static void
test_bad_input(void **state)
{
	(void)state;
	activity_input_t in;
	in = good();
	in.kind = "hop_chi_bo";
	expect_bad(in, 2022, AF_KIND,
	           "Loại hoạt động “hop_chi_bo” không có trong danh sách; hãy chọn");
	in = good();
	in.kind = "";
	expect_bad(in, 2022, AF_KIND, "Loại hoạt động: hãy chọn một loại trong danh sách.");
	in = good();
	in.title = "   ";
	expect_bad(in, 2022, AF_TITLE, "Tên hoạt động: hãy nhập tên hoạt động.");
	char big[6000];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	in = good();
	big[301] = '\0';
	in.title = big;
	expect_bad(in, 2022, AF_TITLE,
	           "Tên hoạt động dài 301 byte, quá giới hạn 300 byte; hãy viết ngắn lại.");
	big[301] = 'a';
	in = good();
	in.description = big;
	expect_bad(in, 2022, AF_DESCRIPTION, "Mô tả dài 5.999 byte, quá giới hạn 5.000 byte");
	in = good();
	in.title = "Dòng một\nDòng hai";
	expect_bad(in, 2022, AF_TITLE, "không được xuống dòng");
	/* dates out of order */
	in = good();
	in.end_time = "06:30";
	expect_bad(in, 2022, AF_END,
	           "Kết thúc (06:30 06/10/2022) trước lúc bắt đầu (07:00 06/10/2022); hãy sửa");
	in = good();
	in.end_date = "05/10/2022";
	in.end_time = "09:00";
	expect_bad(in, 2022, AF_END, "trước lúc bắt đầu");
	in = good();
	in.end_date = "10/11/2022";
	expect_bad(in, 2022, AF_END, "kéo dài quá 31 ngày");
	in = good();
	in.start_date = "31/02/2022";
	expect_bad(in, 2022, AF_START,
	           "Bắt đầu: ngày “31/02/2022” không hợp lệ; hãy nhập dạng "
	           "dd/mm/yyyy");
	in = good();
	in.start_time = "25:00";
	expect_bad(in, 2022, AF_START, "Bắt đầu: giờ “25:00” không hợp lệ");
	in = good();
	in.start_time = "";
	expect_bad(in, 2022, AF_START, "Bắt đầu: hãy nhập giờ");
	in = good();
	in.start_date = NULL;
	expect_bad(in, 2022, AF_START, "Bắt đầu: hãy nhập ngày");
	/* outside the campaign's year ±1 */
	in = good();
	in.start_date = "06/10/2030";
	in.end_date = "06/10/2030";
	expect_bad(in, 2022, AF_START,
	           "Bắt đầu: ngày 06/10/2030 nằm ngoài thời gian của đợt (năm 2022); hãy nhập "
	           "ngày trong các năm 2021–2023.");
	/* mode, place, link */
	in = good();
	in.mode = "online";
	expect_bad(in, 2022, AF_MODE, "Hình thức: hãy chọn Trực tiếp, Trực tuyến hoặc Kết hợp");
	in = good();
	in.place = "";
	expect_bad(in, 2022, AF_PLACE, "Địa điểm: hãy nhập nơi tổ chức");
	in = good();
	in.mode = "truc_tuyen";
	in.place = "";
	expect_bad(in, 2022, AF_LINK,
	           "Đường dẫn trực tuyến: hình thức trực tuyến hoặc kết hợp "
	           "cần đường dẫn");
	in = good();
	in.mode = "ket_hop";
	in.link = "meet.google.com/abc";
	expect_bad(in, 2022, AF_LINK,
	           "Đường dẫn trực tuyến “meet.google.com/abc” không hợp lệ; hãy nhập địa chỉ đầy "
	           "đủ bắt đầu bằng https://");
	in = good();
	in.link = "javascript:alert(1)"; /* in person: empty or valid */
	expect_bad(in, 2022, AF_LINK, "không hợp lệ");
	in = good();
	in.audience = big;
	expect_bad(in, 2022, AF_AUDIENCE, "Đối tượng tham gia dài 5.999 byte");
	in = good();
	in.expected = "1.000.001";
	expect_bad(in, 2022, AF_EXPECTED,
	           "Số người dự kiến “1.000.001” không hợp lệ; hãy nhập số nguyên từ 0 đến "
	           "1.000.000.");
	in = good();
	in.expected = "-3";
	expect_bad(in, 2022, AF_EXPECTED, "không hợp lệ");
	in = good();
	in.expected = "ba mươi";
	expect_bad(in, 2022, AF_EXPECTED, "không hợp lệ");
	/* every field wrong at once: one message each */
	activity_input_t all = {0};
	all.kind = "x";
	all.mode = "x";
	all.expected = "x";
	all.link = "x";
	arena_t a = ARENA_INIT;
	activity_fields_t f;
	activity_errors_t e;
	assert_int_equal(activity_validate(&all, 2022, &a, &f, &e), 7);
	assert_non_null(e.msg[AF_KIND]);
	assert_non_null(e.msg[AF_TITLE]);
	assert_non_null(e.msg[AF_START]);
	assert_non_null(e.msg[AF_END]);
	assert_non_null(e.msg[AF_MODE]);
	assert_non_null(e.msg[AF_LINK]);
	assert_non_null(e.msg[AF_EXPECTED]);
	arena_free(&a);
}

static void
test_links(void **state)
{
	(void)state;
	const char *ok[] = {"https://meet.google.com/abc-defg-hij",
	                    "http://zoom.us/j/123?pwd=x",
	                    "HTTPS://Example.VN",
	                    "http://localhost:8080/x",
	                    "https://a.b:443/",
	                    "https://học.vn/bài"};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (!activity_link_ok(ok[i]))
			fail_msg("refused %s", ok[i]);
	char longer[600];
	snprintf(longer, sizeof longer, "https://example.vn/%0500d", 0);
	const char *bad[] = {"",
	                     "ftp://example.vn",
	                     "https://",
	                     "https://nodot",
	                     "https://exa mple.vn",
	                     "https://example.vn/a b",
	                     "https://user@evil.vn",
	                     "https://.example.vn",
	                     "https://example..vn",
	                     "https://example.vn:",
	                     "https://example.vn:123456",
	                     "https://example.vn/\t",
	                     "https://example.vn/\"onmouseover=",
	                     "//example.vn",
	                     longer};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (activity_link_ok(bad[i]))
			fail_msg("accepted %s", bad[i]);
}

static void
test_outcome(void **state)
{
	(void)state;
	arena_t a = ARENA_INIT;
	activity_errors_t e;
	int64_t actual;
	const char *note, *st;
	int64_t start = 1665014400;
	assert_int_equal(activity_validate_outcome("held", "35", " Tốt ", start, start + 60, &a,
	                                           &st, &actual, &note, &e),
	                 0);
	assert_string_equal(st, "held");
	assert_int_equal(actual, 35);
	assert_string_equal(note, "Tốt");
	assert_int_equal(activity_validate_outcome("cancelled", "35", "Mưa bão", start, 0, &a, &st,
	                                           &actual, &note, &e),
	                 0);
	assert_int_equal(actual, -1);
	assert_int_equal(activity_validate_outcome("planned", "", "x", start, 0, &a, &st, &actual,
	                                           &note, &e),
	                 0);
	assert_string_equal(note, "");
	/* held needs participants and a start in the past */
	assert_int_equal(activity_validate_outcome("held", "", "", start, start + 1, &a, &st,
	                                           &actual, &note, &e),
	                 1);
	assert_non_null(strstr(e.msg[AF_ACTUAL], "Số người tham gia thực tế: hãy nhập"));
	assert_int_equal(activity_validate_outcome("held", "40", "", start, start - 1, &a, &st,
	                                           &actual, &note, &e),
	                 1);
	assert_non_null(strstr(e.msg[AF_STATUS], "Hoạt động chưa bắt đầu (bắt đầu lúc 07:00 "
	                                         "06/10/2022)"));
	assert_int_equal(activity_validate_outcome("held", "2.000.000", "", start, start, &a, &st,
	                                           &actual, &note, &e),
	                 1);
	assert_non_null(e.msg[AF_ACTUAL]);
	assert_int_equal(activity_validate_outcome("done", "1", "", start, start, &a, &st, &actual,
	                                           &note, &e),
	                 1);
	assert_non_null(e.msg[AF_STATUS]);
	arena_free(&a);
}

static void
test_ical_escape(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	ical_escape("a\\b;c,d\ne\r\nf\rg\x01h\tị", &b);
	assert_string_equal(buf_cstr(&b), "a\\\\b\\;c\\,d\\ne\\nf\\ngh\tị");
	buf_reset(&b);
	ical_line(&b, "SUMMARY", "Ngắn");
	assert_string_equal(buf_cstr(&b), "SUMMARY:Ngắn\r\n");
	buf_free(&b);
}

/* Every physical line <= 75 octets, CRLF ends, continuation lines start with one space,
 * no UTF-8 sequence cut, and unfolding gives the content line back. */
static void
check_folded(const char *name, const char *value)
{
	buf_t b = BUF_INIT, un = BUF_INIT;
	ical_line(&b, name, value);
	const char *p = buf_cstr(&b);
	int first = 1;
	while (*p) {
		const char *crlf = strstr(p, "\r\n");
		assert_non_null(crlf);
		size_t len = (size_t)(crlf - p);
		assert_true(len <= 75);
		assert_true(text_utf8_valid(p, len));
		if (!first) {
			assert_int_equal(p[0], ' ');
			buf_append(&un, p + 1, len - 1);
		} else
			buf_append(&un, p, len);
		assert_null(memchr(p, '\n', len));
		first = 0;
		p = crlf + 2;
	}
	char want[8192];
	snprintf(want, sizeof want, "%s:%s", name, value);
	assert_string_equal(buf_cstr(&un), want);
	buf_free(&b);
	buf_free(&un);
}

static void
test_ical_fold(void **state)
{
	(void)state;
	/* 3-byte characters: "ệ" is E1 BB 87; at any offset the cut must not fall inside */
	char s[1200] = "";
	for (int pre = 0; pre < 4; pre++) {
		size_t n = 0;
		for (int k = 0; k < pre; k++)
			s[n++] = 'x';
		for (int k = 0; k < 150; k++) {
			memcpy(s + n, "ệ", 3);
			n += 3;
		}
		s[n] = '\0';
		check_folded("SUMMARY", s);
		check_folded("DESCRIPTION", s);
	}
	/* exactly 75 octets: one line; 76: two */
	memset(s, 'a', 67);
	s[67] = '\0';
	buf_t b = BUF_INIT;
	ical_line(&b, "SUMMARY", s); /* "SUMMARY:" is 8 + 67 = 75 */
	assert_int_equal(b.len, 77);
	buf_reset(&b);
	s[67] = 'a';
	s[68] = '\0';
	ical_line(&b, "SUMMARY", s);
	assert_string_equal(buf_cstr(&b) + 75, "\r\n a\r\n");
	buf_free(&b);
	/* 4-byte characters and a mix */
	check_folded("LOCATION", "🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉 Hội trường UBND "
	                         "phường Đằng Lâm, quận Hải An, thành phố Hải Phòng");
	check_folded("X", "");
}

static void
test_ical_event(void **state)
{
	(void)state;
	buf_t b = BUF_INIT;
	ical_begin(&b, "Hoạt động — Phường Đằng Lâm");
	ical_event_t e = {.uid = "activity-7@example.vn",
	                  .stamp = 1665014400,
	                  .start = 1665014400,
	                  .end = 1665014400 + 2700,
	                  .summary = "Lớp tin học; cơ bản, cho người cao tuổi",
	                  .description = "Lớp ngoại ngữ, tin học\nMang theo điện thoại",
	                  .location = "TTHTCD",
	                  .url = "https://example.vn/lich/7",
	                  .category = "Lớp ngoại ngữ, tin học",
	                  .cancelled = 1,
	                  .sequence = 2};
	ical_event(&b, &e);
	ical_end(&b);
	const char *s = buf_cstr(&b);
	assert_non_null(strstr(s,
	                       "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//suotdoi//Tuan le "
	                       "hoc tap suot doi//VI\r\nCALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\n"));
	assert_non_null(strstr(s, "X-WR-CALNAME:Hoạt động — Phường Đằng Lâm\r\n"));
	assert_non_null(strstr(s, "X-WR-TIMEZONE:Asia/Ho_Chi_Minh\r\n"));
	assert_non_null(strstr(s, "UID:activity-7@example.vn\r\n"));
	assert_non_null(strstr(s, "DTSTART:20221006T000000Z\r\n"));
	assert_non_null(strstr(s, "DTEND:20221006T004500Z\r\n"));
	assert_non_null(strstr(s, "DTSTAMP:20221006T000000Z\r\n"));
	assert_non_null(strstr(s, "SUMMARY:Lớp tin học\\; cơ bản\\, cho người cao tuổi\r\n"));
	assert_non_null(strstr(s, "DESCRIPTION:Lớp ngoại ngữ\\, tin học\\nMang theo điện thoại"));
	assert_non_null(strstr(s, "STATUS:CANCELLED\r\n"));
	assert_non_null(strstr(s, "CATEGORIES:Lớp ngoại ngữ\\, tin học\r\n"));
	assert_non_null(strstr(s, "SEQUENCE:2\r\n"));
	assert_non_null(strstr(s, "URL:https://example.vn/lich/7\r\n"));
	assert_non_null(strstr(s, "END:VEVENT\r\nEND:VCALENDAR\r\n"));
	/* no bare LF anywhere */
	for (size_t i = 0; i < b.len; i++)
		if (s[i] == '\n')
			assert_int_equal(s[i - 1], '\r');
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_kinds),       cmocka_unit_test(test_vn_time),
	        cmocka_unit_test(test_valid),       cmocka_unit_test(test_bad_input),
	        cmocka_unit_test(test_links),       cmocka_unit_test(test_outcome),
	        cmocka_unit_test(test_ical_escape), cmocka_unit_test(test_ical_fold),
	        cmocka_unit_test(test_ical_event),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
