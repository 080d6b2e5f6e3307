/* Structured log lines (src/core/log.c): the text and JSON forms, escaping of what a client
 * may have typed, levels, the request id of the thread, the timestamp's offset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

/* One event written to a memory file, returned as a string (static). */
static const char *
line_of(int level, const char *msg, const log_field_t *f, size_t nf)
{
	static char out[2048];
	memset(out, 0, sizeof out);
	FILE *m = fmemopen(out, sizeof out - 1, "w");
	assert_non_null(m);
	log_event(m, level, msg, f, nf);
	fclose(m);
	return out;
}

static void
test_text(void **state)
{
	(void)state;
	log_set_format(LOG_TEXT);
	log_set_utc_offset(0);
	log_field_t f[] = {{.key = "path", .value = "/tìm kiếm"},
	                   {.key = "q", .value = "a\"b\\c\nd\x01"},
	                   {.key = "n", .value = "12", .num = 1},
	                   {.key = "absent", .value = NULL},
	                   {.key = "empty", .value = ""}};
	const char *l = line_of(LOG_WARN, "xin chào", f, 5);
	assert_int_equal(strncmp(l, "ts=", 3), 0);
	assert_non_null(strstr(l, "Z level=warn msg=\"xin chào\" path=\"/tìm kiếm\" "
	                          "q=\"a\\\"b\\\\c\\nd\\x01\" n=12 empty=\"\"\n"));
	assert_null(strstr(l, "absent"));
	/* exactly one line: nothing a client typed can start another */
	assert_int_equal(strchr(l, '\n') - l + 1, (long)strlen(l));
}

static void
test_json(void **state)
{
	(void)state;
	log_set_format(LOG_JSON);
	log_set_utc_offset(7 * 3600);
	log_field_t f[] = {{.key = "q", .value = "a\"b\\c\nd\x01"},
	                   {.key = "ms", .value = "1.5", .num = 1}};
	const char *l = line_of(LOG_INFO, "request", f, 2);
	assert_int_equal(strncmp(l, "{\"ts\":\"", 7), 0);
	assert_non_null(strstr(l, "+07:00\",\"level\":\"info\",\"msg\":\"request\","
	                          "\"q\":\"a\\\"b\\\\c\\nd\\u0001\",\"ms\":1.5}\n"));
	log_set_format(LOG_TEXT);
	log_set_utc_offset(0);
}

static void
test_request_id(void **state)
{
	(void)state;
	log_set_request("abc123");
	const char *l = line_of(LOG_INFO, "m", NULL, 0);
	assert_non_null(strstr(l, " msg=m req=abc123\n"));
	/* a line naming its own request id does not get the thread's too */
	log_field_t f[] = {{.key = "req", .value = "zzz"}};
	l = line_of(LOG_INFO, "m", f, 1);
	assert_non_null(strstr(l, " msg=m req=zzz\n"));
	assert_null(strstr(l, "abc123"));
	log_set_request(NULL);
	l = line_of(LOG_INFO, "m", NULL, 0);
	assert_null(strstr(l, "req="));
}

static void
test_levels(void **state)
{
	(void)state;
	assert_int_equal(log_level_parse("debug"), LOG_DEBUG);
	assert_int_equal(log_level_parse("INFO"), LOG_INFO);
	assert_int_equal(log_level_parse("warning"), LOG_WARN);
	assert_int_equal(log_level_parse("error"), LOG_ERROR);
	assert_int_equal(log_level_parse("loud"), -2);
	assert_string_equal(log_level_name(LOG_DEBUG), "debug");
	assert_string_equal(log_level_name(LOG_ERROR), "error");
	log_set_level(LOG_WARN);
	assert_int_equal(log_get_level(), LOG_WARN);
	/* a file of its own (the access log) takes every line; the log drops those below */
	const char *l = line_of(LOG_INFO, "m", NULL, 0);
	assert_non_null(strstr(l, "level=info"));
	log_set_level(LOG_INFO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_text),
	        cmocka_unit_test(test_json),
	        cmocka_unit_test(test_request_id),
	        cmocka_unit_test(test_levels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
