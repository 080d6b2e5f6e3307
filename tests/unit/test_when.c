/* The forgiving date and time readers (src/text/when.c): a table of what people type on a
 * phone and what it must mean, and a table of what must be refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/buf.h"
#include "text/text.h"
#include "text/when.h"

static const struct {
	const char *in;
	int y, m, d;
} good_dates[] = {
        {"9/10/2022", 2022, 10, 9},
        {"09/10/2022", 2022, 10, 9},
        {"09102022", 2022, 10, 9},
        {"9.10.2022", 2022, 10, 9},
        {"9-10-2022", 2022, 10, 9},
        {"9 10 2022", 2022, 10, 9},
        {"2022-10-09", 2022, 10, 9},
        {" 2022-10-09 ", 2022, 10, 9},
        {"091022", 2022, 10, 9},
        {"9/10/22", 2022, 10, 9},
        {"9 / 10 / 2022", 2022, 10, 9},
        {"\xc2\xa0"
         "9.10.2022\xc2\xa0",
         2022, 10, 9},
        {"29/02/2024", 2024, 2, 29},
        {"29022000", 2000, 2, 29},
        {"30/04/2022", 2022, 4, 30},
        {"31/12/2999", 2999, 12, 31},
        {"01/01/1900", 1900, 1, 1},
        {"2024/2/29", 2024, 2, 29},
        {"1.1.2025", 2025, 1, 1},
};

static const char *bad_dates[] = {
        "",           "   ",        "31/04/2022", "29/02/2023",   "29/02/1900", "29022023",
        "00/10/2022", "9/13/2022",  "9/0/2022",   "32/01/2022",   "9/10",       "9/10/",
        "9/10/202",   "9/10/20222", "0910202",    "091020222",    "9102022",    "9//10/2022",
        "9/10/2022x", "x9/10/2022", "2022-10-32", "2022-02-30",   "20221009",   "1/1/1899",
        "1/1/3000",   "9.10.2022.", "-9-10-2022", "9/10/2022 7h", "ngày 9",     "9/1o/2022",
        "2022-10",    "123/1/2022",
};

static void
test_dates(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof good_dates / sizeof *good_dates; k++) {
		int32_t d = -7;
		if (when_parse_date(good_dates[k].in, strlen(good_dates[k].in), &d) != 0)
			fail_msg("refused date \"%s\"", good_dates[k].in);
		int32_t want =
		        text_days_from_civil(good_dates[k].y, good_dates[k].m, good_dates[k].d);
		if (d != want)
			fail_msg("date \"%s\" read as day %d, want %d", good_dates[k].in, (int)d,
			         (int)want);
	}
	for (size_t k = 0; k < sizeof bad_dates / sizeof *bad_dates; k++) {
		int32_t d = 777;
		if (when_parse_date(bad_dates[k], strlen(bad_dates[k]), &d) != -1)
			fail_msg("accepted date \"%s\"", bad_dates[k]);
		assert_int_equal(d, 777);
	}
	/* shown back normalised; the normal form reads back to the same day */
	int32_t d;
	assert_int_equal(when_parse_date("9102022", 7, &d), -1);
	assert_int_equal(when_parse_date("09102022", 8, &d), 0);
	buf_t b = BUF_INIT;
	text_format_date(d, &b);
	assert_string_equal(buf_cstr(&b), "09/10/2022");
	int32_t e;
	assert_int_equal(when_parse_date(b.data, b.len, &e), 0);
	assert_int_equal(e, d);
	/* the length is honoured: no read past n */
	assert_int_equal(when_parse_date("09/10/2022junk", 10, &e), 0);
	assert_int_equal(e, d);
	assert_int_equal(when_parse_date(NULL, 0, &e), -1);
	/* text_parse_day (filters, the command line) is the same reader */
	assert_int_equal(text_parse_day("9.10.2022", &e), 0);
	assert_int_equal(e, d);
	buf_free(&b);
}

static const struct {
	const char *in;
	int minutes;
} good_times[] = {
        {"7h", 420},
        {"7h30", 450},
        {"7:30", 450},
        {"07.30", 450},
        {"19.00", 1140},
        {"1900", 1140},
        {"730", 450},
        {"0000", 0},
        {"23:59", 1439},
        {"7 giờ 30", 450},
        {"7 giờ", 420},
        {"7giờ30", 450},
        {"7 giờ 30 phút", 450},
        {"7H30", 450},
        {"7g30", 450},
        {" 07:30 ", 450},
        {"7 h 30", 450},
        {"07:05", 425},
        {"0h", 0},
        {"\xc2\xa0"
         "19h\xc2\xa0",
         1140},
};

static const char *bad_times[] = {
        "",   "  ",    "24:00", "2400",    "7:60", "760",     "7:5",     "7h5",    "07",    "7",
        "19", "7:",    "7.",    ":30",     "h30",  "7:30pm",  "7:30 AM", "07:300", "-1:00", "12345",
        "19", "7h30x", "7 30",  "7:30:00", "ab",   "7 giờ 3", "giờ",     "7..30",  "7h:30",
};

static void
test_times(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof good_times / sizeof *good_times; k++) {
		int m = -7;
		if (when_parse_time(good_times[k].in, strlen(good_times[k].in), &m) != 0)
			fail_msg("refused time \"%s\"", good_times[k].in);
		if (m != good_times[k].minutes)
			fail_msg("time \"%s\" read as %d minutes, want %d", good_times[k].in, m,
			         good_times[k].minutes);
	}
	for (size_t k = 0; k < sizeof bad_times / sizeof *bad_times; k++) {
		int m = 777;
		if (when_parse_time(bad_times[k], strlen(bad_times[k]), &m) != -1)
			fail_msg("accepted time \"%s\"", bad_times[k]);
		assert_int_equal(m, 777);
	}
	buf_t b = BUF_INIT;
	when_format_time(450, &b);
	assert_string_equal(buf_cstr(&b), "07:30");
	buf_reset(&b);
	when_format_time(1439, &b);
	assert_string_equal(buf_cstr(&b), "23:59");
	buf_free(&b);
	int m;
	assert_int_equal(when_parse_time(NULL, 0, &m), -1);
	assert_int_equal(when_parse_time("7h30 tối", 4, &m), 0);
	assert_int_equal(m, 450);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_dates),
	        cmocka_unit_test(test_times),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
