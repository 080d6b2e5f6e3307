/* The notices' pure parts: an e-mail's subject and bodies (Vietnamese, the link back made
 * absolute, the HTML escaped), the address check, and the chase schedule's parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "service/chase.h"
#include "service/notify.h"

static void
test_compose(void **state)
{
	(void)state;
	unit_t u[1] = {{.name = "Trường THCS <Đằng Lâm> & con"}};
	unit_tree_t t = {.units = u, .n = 1};
	notify_cfg_t cfg = {.mail_on = 1, .base_url = "https://hoctap.example.vn/"};
	notify_msg_t m = {.kind = "return",
	                  .unit = 0,
	                  .about = -1,
	                  .title = "Báo cáo bị trả lại",
	                  .body = "Lý do: số lớp <5>\nHãy sửa.",
	                  .link = "/campaigns/1/units/X/report"};
	notify_mail_t mail;
	notify_compose(&cfg, &m, &t, &mail);
	assert_string_equal(mail.subject, "[Học tập suốt đời] Báo cáo bị trả lại");
	assert_non_null(strstr(mail.text, "Kính gửi: Trường THCS <Đằng Lâm> & con"));
	assert_non_null(strstr(mail.text, "Lý do: số lớp <5>\nHãy sửa."));
	assert_non_null(strstr(mail.text, "https://hoctap.example.vn/campaigns/1/units/X/report"));
	assert_non_null(strstr(mail.html, "Trường THCS &lt;Đằng Lâm&gt; &amp; con"));
	assert_non_null(strstr(mail.html, "số lớp &lt;5&gt;<br>Hãy sửa."));
	assert_non_null(
	        strstr(mail.html, "href=\"https://hoctap.example.vn/campaigns/1/units/X/report\""));
	assert_null(strstr(mail.html, "<5>"));
	notify_mail_free(&mail);
	/* no link: no line pointing nowhere */
	m.link = "";
	notify_compose(&cfg, &m, &t, &mail);
	assert_null(strstr(mail.text, "Xem và xử lý"));
	assert_null(strstr(mail.html, "href"));
	notify_mail_free(&mail);
}

static void
test_addresses(void **state)
{
	(void)state;
	assert_true(notify_valid_address("hieutruong@thcs-danglam.edu.vn"));
	assert_true(notify_valid_address("a.b+c@x.vn"));
	const char *bad[] = {"",           "x",        "@x.vn",
	                     "a@",         "a@b",      "a@.vn",
	                     "a@b.",       "a b@x.vn", "a@x.vn,b@y.vn",
	                     "a@@x.vn",    "<a@x.vn>", "a@x.vn\r\nBcc: b@y.vn",
	                     "trường@x.vn"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (notify_valid_address(bad[i]))
			fail_msg("accepted \"%s\"", bad[i]);
}

static void
test_schedule_parse(void **state)
{
	(void)state;
	chase_schedule_t s;
	char err[300], text[64];
	assert_int_equal(chase_schedule_parse("1, -3;-1  1", &s, err, sizeof err), 0);
	assert_int_equal(s.ndays, 3);
	assert_int_equal(s.days[0], -3);
	assert_int_equal(s.days[2], 1);
	chase_schedule_format(&s, text, sizeof text);
	assert_string_equal(text, "-3 -1 1");
	assert_int_equal(chase_schedule_parse("", &s, err, sizeof err), 0);
	assert_int_equal(s.ndays, 0);
	assert_int_equal(chase_schedule_parse("-61", &s, err, sizeof err), -1);
	assert_non_null(strstr(err, "Lịch nhắc"));
	assert_int_equal(chase_schedule_parse("3 ngày", &s, err, sizeof err), -1);
	assert_non_null(strstr(err, "ngày"));
	assert_int_equal(chase_schedule_parse("1 2 3 4 5 6 7 8 9", &s, err, sizeof err), -1);
	assert_int_equal(chase_day(1665370800), 19275); /* 10/10/2022 10:00 in Vietnam */
	assert_int_equal(chase_day(1665334799), 19274); /* 09/10/2022 23:59:59 */
	assert_int_equal(chase_day(1665334800), 19275); /* 10/10/2022 00:00 */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_compose),
	        cmocka_unit_test(test_addresses),
	        cmocka_unit_test(test_schedule_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
