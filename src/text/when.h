/* Dates and times as people type them into forms, often on a phone's numeric keyboard that
 * has no "/": one forgiving reader for each, used by every form field and filter that takes
 * a day or a time of day. Shown back normalised as "dd/mm/yyyy" and "HH:MM" (24-hour). */
#ifndef SUOTDOI_TEXT_WHEN_H
#define SUOTDOI_TEXT_WHEN_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* The accepted forms, for error messages ("<field>: ... hãy nhập " WHEN_DATE_FORMS). */
#define WHEN_DATE_FORMS                                                                            \
	"dd/mm/yyyy (ví dụ 09/10/2022; cũng nhận 9/10/2022, 9.10.2022, 9-10-2022, 09102022)"
#define WHEN_TIME_FORMS "HH:MM theo 24 giờ (ví dụ 07:30; cũng nhận 7h30, 7h, 7:30, 19.00, 1900)"

/* A day: d/m/yyyy with '/', '.', '-' or blanks between the parts (blanks also around a
 * separator), a two-digit year meaning 20yy; 8 digits ddmmyyyy; 6 digits ddmmyy (20yy);
 * yyyy-mm-dd (the browser's date picker; also yyyy/mm/dd, yyyy.mm.dd). Surrounding blanks
 * ignored. The date must exist (29/02 only in leap years, no 31/04) and its year be in
 * 1900..2999. 0 with *days (since 1970-01-01), or -1 with *days untouched. */
int when_parse_date(const char *p, size_t n, int32_t *days /* OUT */);

/* A time of day, 24-hour: H or HH, then ':' '.' 'h' 'H' 'g' or "giờ" (blanks allowed
 * around it), then MM (two digits; optional after h/g/giờ), optionally "phút"; or 3-4
 * digits HMM/HHMM ("730", "1900"). 00:00..23:59; no am/pm. 0 with *minutes (0..1439), or
 * -1 with *minutes untouched. */
int when_parse_time(const char *p, size_t n, int *minutes /* OUT */);

/* Appends "HH:MM" for minutes after midnight (0..1439; others are clamped). */
void when_format_time(int minutes, buf_t *out);

#endif
