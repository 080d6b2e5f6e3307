/* Log lines to stderr with a timestamp and level. Thread-safe (one fprintf per line). */
#ifndef SUOTDOI_LOG_H
#define SUOTDOI_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* 0 = everything, 1 = warnings and errors, 2 = errors only (tests use 2). */
void log_set_level(int level);

#endif
