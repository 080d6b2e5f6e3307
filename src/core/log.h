/* Structured log lines on stderr (or a file): one line per event, written with one write so
 * lines from several threads never mix. Two formats:
 *   text (default)  ts=2026-12-03T21:04:05.123Z level=info msg="loaded 3321 units" req=…
 *   json            {"ts":"2026-12-03T21:04:05.123Z","level":"info","msg":"…","req":"…"}
 * Each line carries the request id of the request the calling thread is serving, if any
 * (log_set_request), so a handler's warning joins its access line. */
#ifndef SUOTDOI_LOG_H
#define SUOTDOI_LOG_H

#include <stdio.h>

enum log_level { LOG_DEBUG = -1, LOG_INFO = 0, LOG_WARN = 1, LOG_ERROR = 2 };
enum log_format { LOG_TEXT = 0, LOG_JSON = 1 };

void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Lines below level are dropped: LOG_DEBUG everything, LOG_INFO (the default) all but
 * debug, LOG_WARN warnings and errors, LOG_ERROR errors only (tests use it); above
 * LOG_ERROR: nothing. */
void log_set_level(int level);
int log_get_level(void);
void log_set_format(enum log_format f);
/* Timestamps in UTC (offset_s 0, "Z") or at a fixed offset from it ("+07:00"). */
void log_set_utc_offset(int offset_s);

/* "debug", "info", "warn"/"warning", "error" -> enum log_level; -2 when unknown. */
int log_level_parse(const char *name);
const char *log_level_name(int level);

/* One event with fields: key/value pairs; a field with num set is written unquoted in JSON
 * (the value text must then be a number). Keys are plain identifiers; values any UTF-8
 * (quoted and escaped as the format needs, control characters escaped). A line written
 * to a file of its own (to != NULL: an access log) is written whatever the level. */
typedef struct log_field {
	const char *key, *value;
	int num;
} log_field_t;
void log_event(FILE *to /* NULL = the log */, int level, const char *msg, const log_field_t *f,
               size_t nf);

/* The request id the calling thread is serving now (NULL: none). Kept in thread-local
 * storage: set when a worker starts on a request, cleared when it leaves it. */
void log_set_request(const char *id);
const char *log_request(void);

#endif
