/* libFuzzer driver for src/domain/activity.c: the iCalendar writer (escaping and folding)
 * and the registration checks on arbitrary text. Invariants: every physical line is at
 * most 75 octets and ends in CRLF, continuation lines start with a space, no UTF-8
 * sequence is cut, unfolding gives the escaped text back; the checks never crash, and
 * every message is valid UTF-8. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "domain/activity.h"
#include "text/text.h"

#define CHECK(x)                                                                                   \
	do {                                                                                       \
		if (!(x))                                                                          \
			abort();                                                                   \
	} while (0)

static void
check_ical(const char *s)
{
	buf_t esc = BUF_INIT, out = BUF_INIT, un = BUF_INIT;
	ical_escape(s, &esc);
	for (size_t i = 0; i < esc.len; i++)
		CHECK(esc.data[i] != '\r' && esc.data[i] != '\n');
	ical_line(&out, "DESCRIPTION", buf_cstr(&esc));
	const char *p = buf_cstr(&out);
	int first = 1;
	while (*p) {
		const char *crlf = strstr(p, "\r\n");
		CHECK(crlf != NULL);
		size_t len = (size_t)(crlf - p);
		CHECK(len <= 75);
		CHECK(text_utf8_valid(p, len));
		if (first)
			buf_append(&un, p, len);
		else {
			CHECK(len >= 1 && p[0] == ' ');
			buf_append(&un, p + 1, len - 1);
		}
		first = 0;
		p = crlf + 2;
	}
	CHECK(un.len == esc.len + strlen("DESCRIPTION:"));
	CHECK(memcmp(buf_cstr(&un) + strlen("DESCRIPTION:"), buf_cstr(&esc), esc.len) == 0);
	buf_free(&esc);
	buf_free(&out);
	buf_free(&un);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 20000 || !text_utf8_valid((const char *)data, size))
		return 0;
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	check_ical(s);
	/* the same bytes as form fields separated by '|' */
	const char *f[13] = {0};
	int n = 0;
	f[n++] = s;
	for (char *q = s; *q && n < 13; q++)
		if (*q == '|') {
			*q = '\0';
			f[n++] = q + 1;
		}
	activity_input_t in = {f[0], f[1], f[2], f[3],  f[4],  f[5],         f[6],
	                       f[7], f[8], f[9], f[10], f[11], f[12] != NULL};
	arena_t a = ARENA_INIT;
	activity_fields_t out;
	activity_errors_t e;
	int bad = activity_validate(&in, 2022, &a, &out, &e);
	int counted = 0;
	for (int k = 0; k < AF_COUNT; k++)
		if (e.msg[k]) {
			counted++;
			CHECK(text_utf8_valid(e.msg[k], strlen(e.msg[k])));
		}
	CHECK(counted == bad);
	if (bad == 0) {
		CHECK(out.start_at <= out.end_at);
		CHECK(activity_kind_name(out.kind) != NULL);
		CHECK(strlen(out.title) >= 1 && strlen(out.title) <= ACTIVITY_TITLE_MAX);
		CHECK(!*out.link || activity_link_ok(out.link));
	}
	int64_t actual;
	const char *note, *st;
	activity_validate_outcome(f[0], f[1], f[2], 0, 1, &a, &st, &actual, &note, &e);
	arena_free(&a);
	free(s);
	return 0;
}
