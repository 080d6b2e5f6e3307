/* The configuration (`--config FILE`, /etc/suotdoi/suotdoi.conf when packaged): "key = value"
 * lines, blank lines and lines starting with # ignored, a value optionally in double quotes.
 * Every key is also a flag (--key-with-dashes VALUE, e.g. max_connections and
 * --max-connections); a flag given on the command line wins over the file. One table below
 * (serve_config.c) declares each key: its flag, its type and limits, whether a running server
 * applies a new value on SIGHUP, and its one-line help; the file parser, the flag parser,
 * the start-up log of the effective configuration, the usage text and docs/operations.md's
 * table all follow it. Values are checked when read: an unknown key, a key given twice or a
 * bad value is refused with a Vietnamese message naming the line (or the flag). */
#ifndef SUOTDOI_SERVICE_SERVE_CONFIG_H
#define SUOTDOI_SERVICE_SERVE_CONFIG_H

#include <stddef.h>

enum conf_key {
	CONF_LISTEN,
	CONF_DB,
	CONF_DATA_DIR,
	CONF_FILES,
	CONF_ASSETS,
	CONF_THREADS,
	CONF_MAX_CONNECTIONS,
	CONF_MAX_CONNECTIONS_PER_IP,
	CONF_IDLE_TIMEOUT,
	CONF_PUBLIC_URL,
	CONF_TRUSTED_PROXIES,
	CONF_METRICS_ALLOW,
	CONF_LOG_LEVEL,
	CONF_LOG_FORMAT,
	CONF_TIME_ZONE,
	CONF_SMTP_URL,
	CONF_MAIL_FROM,
	CONF_SMTP_USER,
	CONF_SMTP_PASSWORD_FILE,
	CONF_SMTP_CA,
	CONF_SMTP_REQUIRE_TLS,
	CONF_SIGN_KEYS,
	CONF_ENROL_RETENTION_DAYS,
	CONF_NKEYS
};

typedef struct conf_key_info {
	const char *name;  /* in the file: "max_connections" */
	const char *flag;  /* "--max-connections" */
	const char *alias; /* an older flag for the same key ("--smtp"), or NULL */
	int reload;        /* applied by a running server on SIGHUP (else at the next start) */
	const char *dflt;  /* the value when neither the file nor a flag gives one; NULL: none */
	const char *help;  /* Vietnamese, one line */
} conf_key_info_t;

const conf_key_info_t *conf_key(int k);
/* The key a file name or a flag (or alias) names, or -1. */
int conf_key_by_name(const char *name);
int conf_key_by_flag(const char *flag);

typedef struct serve_config {
	char *val[CONF_NKEYS];   /* NULL: not given */
	char *where[CONF_NKEYS]; /* where it was given: "dòng 12" or "--threads" */
} serve_config_t;

/* Sets key k to value after checking it (trailing slashes dropped from public_url); where
 * names the source in the message ("Dòng 3", "--threads"). -1 with err when the value is
 * bad or the key was already given. */
int serve_config_set(serve_config_t *c, int k, const char *value, const char *where, char *err,
                     size_t errlen);
/* Parses text into c (freed with serve_config_free, also on failure). -1 with a Vietnamese
 * message naming the line in err: an unknown key, a line without '=', a key given twice,
 * a bad value. */
int serve_config_parse(const char *text, serve_config_t *c /* OUT */, char *err, size_t errlen);
/* The same from a file (the message names it). */
int serve_config_load(const char *path, serve_config_t *c /* OUT */, char *err, size_t errlen);
/* The effective configuration: the flags' values, then the file's for keys no flag gave
 * (copied into out, which is reset first). */
void serve_config_merge(const serve_config_t *flags, const serve_config_t *file,
                        serve_config_t *out /* OUT */);
void serve_config_free(serve_config_t *c);

/* A key's value, or its default (NULL when it has none). data_dir implies db
 * (DATA_DIR/suotdoi.db) and files (DATA_DIR/suotdoi) when those are not given. The string
 * lives in c, or is static. conf_int: the number, or 0 when not given and no default. */
const char *conf_get(const serve_config_t *c, int k, char *tmp, size_t tmplen);
long conf_int(const serve_config_t *c, int k);
int conf_bool(const serve_config_t *c, int k);
/* time_zone as seconds east of UTC (UTC, Asia/Ho_Chi_Minh or ±HH:MM). */
int conf_utc_offset(const serve_config_t *c);

/* Calls line(arg, text) once per key: "key = value (where)" with the effective value, the
 * default marked "(mặc định)", the unset "(không đặt)". For the start-up log. */
void serve_config_describe(const serve_config_t *c, void (*line)(void *arg, const char *text),
                           void *arg);

/* The SMTP password from a file: its first line without the line end (malloc'd into *out).
 * -1 with err when it cannot be read or is empty. */
int serve_password_read(const char *path, char **out /* OUT */, char *err, size_t errlen);

#endif
