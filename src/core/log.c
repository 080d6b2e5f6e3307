/* Structured log lines (log.h). */
#include "core/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"

static atomic_int log_level;
static atomic_int log_format;
static atomic_int log_offset;
static _Thread_local const char *log_req;

void
log_set_level(int level)
{
	atomic_store(&log_level, level);
}

int
log_get_level(void)
{
	return atomic_load(&log_level);
}

void
log_set_format(enum log_format f)
{
	atomic_store(&log_format, (int)f);
}

void
log_set_utc_offset(int offset_s)
{
	atomic_store(&log_offset, offset_s);
}

void
log_set_request(const char *id)
{
	log_req = id;
}

const char *
log_request(void)
{
	return log_req;
}

static const char *const level_names[] = {"debug", "info", "warn", "error"};

const char *
log_level_name(int level)
{
	return level < LOG_DEBUG ? "debug" : level > LOG_ERROR ? "off" : level_names[level + 1];
}

int
log_level_parse(const char *name)
{
	if (name == NULL)
		return -2;
	for (int l = LOG_DEBUG; l <= LOG_ERROR; l++)
		if (!strcasecmp(name, level_names[l + 1]))
			return l;
	return !strcasecmp(name, "warning") ? LOG_WARN : -2;
}

/* v in double quotes, \" \\ and \n escaped, other control characters as ctl_fmt gives
 * them (\xNN in text, \u00NN in JSON). */
static void
put_quoted(buf_t *b, const char *v, const char *ctl_fmt)
{
	buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p == '"' || *p == '\\') {
			buf_putc(b, '\\');
			buf_putc(b, (char)*p);
		} else if (*p == '\n')
			buf_puts(b, "\\n");
		else if (*p < 0x20 || *p == 0x7F)
			buf_printf(b, ctl_fmt, *p);
		else
			buf_putc(b, (char)*p);
	}
	buf_putc(b, '"');
}

/* A value as the text format writes it: bare when it is a plain word, else quoted with
 * \" \\ \n and other control characters escaped. */
static void
put_text_value(buf_t *b, const char *v)
{
	int bare = *v != '\0';
	for (const unsigned char *p = (const unsigned char *)v; *p && bare; p++)
		bare = *p > 0x20 && *p != '"' && *p != '=' && *p != '\\' && *p != 0x7F;
	if (bare) {
		buf_puts(b, v);
		return;
	}
	put_quoted(b, v, "\\x%02x");
}

static void
put_field(buf_t *b, int json, const char *key, const char *value, int num)
{
	if (json) {
		buf_puts(b, ",\"");
		buf_puts(b, key);
		buf_puts(b, "\":");
		if (num)
			buf_puts(b, value);
		else
			put_quoted(b, value, "\\u%04x");
	} else {
		buf_putc(b, ' ');
		buf_puts(b, key);
		buf_putc(b, '=');
		put_text_value(b, value);
	}
}

void
log_event(FILE *to, int level, const char *msg, const log_field_t *f, size_t nf)
{
	if (to == NULL && level < atomic_load(&log_level))
		return;
	int json = atomic_load(&log_format) == LOG_JSON;
	int off = atomic_load(&log_offset);
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	time_t secs = now.tv_sec + off;
	struct tm tm;
	gmtime_r(&secs, &tm);
	char ts[40];
	int n = snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03ld", tm.tm_year + 1900,
	                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	                 now.tv_nsec / 1000000);
	if (off == 0)
		snprintf(ts + n, sizeof ts - (size_t)n, "Z");
	else
		snprintf(ts + n, sizeof ts - (size_t)n, "%c%02d:%02d", off < 0 ? '-' : '+',
		         (off < 0 ? -off : off) / 3600, (off < 0 ? -off : off) % 3600 / 60);
	buf_t b = BUF_INIT;
	if (json) {
		buf_puts(&b, "{\"ts\":\"");
		buf_puts(&b, ts);
		buf_puts(&b, "\"");
	} else {
		buf_puts(&b, "ts=");
		buf_puts(&b, ts);
	}
	put_field(&b, json, "level", log_level_name(level), 0);
	put_field(&b, json, "msg", msg, 0);
	for (size_t i = 0; i < nf; i++)
		if (f[i].value != NULL)
			put_field(&b, json, f[i].key, f[i].value, f[i].num);
	int has_req = 0;
	for (size_t i = 0; i < nf; i++)
		has_req |= f[i].value != NULL && strcmp(f[i].key, "req") == 0;
	const char *req = log_req;
	if (req != NULL && !has_req)
		put_field(&b, json, "req", req, 0);
	buf_puts(&b, json ? "}\n" : "\n");
	/* one write: lines of several threads never interleave (stderr is unbuffered) */
	FILE *out = to ? to : stderr;
	fwrite(b.data, 1, b.len, out);
	if (to)
		fflush(to);
	buf_free(&b);
}

static void
log_line(int level, const char *fmt, va_list ap)
{
	if (level < atomic_load(&log_level))
		return;
	char msg[1024];
	vsnprintf(msg, sizeof msg, fmt, ap);
	log_event(NULL, level, msg, NULL, 0);
}

#define LOG_FN(name, level)                                                                        \
	void name(const char *fmt, ...)                                                            \
	{                                                                                          \
		va_list ap;                                                                        \
		va_start(ap, fmt);                                                                 \
		log_line(level, fmt, ap);                                                          \
		va_end(ap);                                                                        \
	}
LOG_FN(log_debug, LOG_DEBUG)
LOG_FN(log_info, LOG_INFO)
LOG_FN(log_warn, LOG_WARN)
LOG_FN(log_error, LOG_ERROR)
