/* The server's configuration file (`suotdoi serve --config FILE`): "key = value" lines,
 * blank lines and lines starting with # ignored. Keys: db, listen, threads, smtp_url,
 * mail_from, smtp_user, smtp_password_file, smtp_ca, smtp_require_tls, public_url, sign_keys. Flags
 * given on the command line override the file (src/main.c). */
#ifndef SUOTDOI_SERVICE_SERVE_CONFIG_H
#define SUOTDOI_SERVICE_SERVE_CONFIG_H

#include <stddef.h>

typedef struct serve_config {
	/* NULL: not in the file */
	char *db, *listen;
	char *smtp_url, *mail_from, *smtp_user, *smtp_password_file, *smtp_ca;
	char *public_url;     /* http(s)://host[:port][/path], no trailing slash */
	char *sign_keys;      /* directory of the units' signing keys, <unit code>.pem */
	unsigned threads;     /* 0: not in the file */
	int smtp_require_tls; /* -1: not in the file, else 0/1 */
} serve_config_t;

/* Parses text into c (freed with serve_config_free, also on failure). -1 with a Vietnamese
 * message naming the line in err: an unknown key, a line without '=', a key given twice,
 * a bad value. */
int serve_config_parse(const char *text, serve_config_t *c /* OUT */, char *err, size_t errlen);
/* The same from a file (the message names it). */
int serve_config_load(const char *path, serve_config_t *c /* OUT */, char *err, size_t errlen);
void serve_config_free(serve_config_t *c);

/* The SMTP password from a file: its first line without the line end (malloc'd into *out).
 * -1 with err when it cannot be read or is empty. */
int serve_password_read(const char *path, char **out /* OUT */, char *err, size_t errlen);

#endif
