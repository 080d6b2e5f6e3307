/* Minimal leveled logger writing whole lines to stderr. */
#include "core/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static int log_level;

void
log_set_level(int level)
{
	log_level = level;
}

static void
log_line(int level, const char *tag, const char *fmt, va_list ap)
{
	if (level < log_level)
		return;
	char msg[1024];
	vsnprintf(msg, sizeof msg, fmt, ap);
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	fprintf(stderr, "%04d-%02d-%02dT%02d:%02d:%02dZ %s %s\n", tm.tm_year + 1900, tm.tm_mon + 1,
	        tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, tag, msg);
}

#define LOG_FN(name, level, tag)                                                                   \
	void name(const char *fmt, ...)                                                            \
	{                                                                                          \
		va_list ap;                                                                        \
		va_start(ap, fmt);                                                                 \
		log_line(level, tag, fmt, ap);                                                     \
		va_end(ap);                                                                        \
	}
LOG_FN(log_info, 0, "info")
LOG_FN(log_warn, 1, "warn")
LOG_FN(log_error, 2, "error")
