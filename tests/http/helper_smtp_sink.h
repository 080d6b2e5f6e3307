/* A real SMTP server for tests: tests/smtp_sink.py (python3-aiosmtpd) on 127.0.0.1, started
 * by the test, writing each message it accepts into a directory the test reads. Linked by
 * every HTTP test and by the unit tests that ask for it (CMakeLists.txt). */
#ifndef SUOTDOI_TEST_SMTP_SINK_H
#define SUOTDOI_TEST_SMTP_SINK_H

#include <stddef.h>
#include <sys/types.h>

typedef struct smtp_sink_opts {
	const char *user, *password;    /* AUTH required with these (NULL: no AUTH) */
	const char *reject;             /* recipients matching this regex get 550 (NULL: none) */
	const char *tls_cert, *tls_key; /* offer STARTTLS with these (NULL: plain only) */
	int implicit_tls;               /* TLS from the start (smtps://) */
	int port;                       /* 0: any free one */
} smtp_sink_opts_t;

typedef struct smtp_sink {
	pid_t pid;
	int port;
	char dir[512]; /* where messages land: 0001.eml + 0001.env, ... */
	char url[64];  /* "smtp://127.0.0.1:PORT" ("smtps://" with implicit_tls) */
} smtp_sink_t;

/* Starts the sink writing into a fresh directory under /tmp, waits until it listens
 * (bounded). 0, or -1 with a message on stderr. opts may be NULL. */
int smtp_sink_start(smtp_sink_t *s, const smtp_sink_opts_t *opts);
/* Stops the sink and removes its directory. */
void smtp_sink_stop(smtp_sink_t *s);
/* While on, every message is answered "451 4.3.0 try later" (the "fail" file). */
void smtp_sink_fail(smtp_sink_t *s, int on);
/* How many messages arrived. */
int smtp_sink_count(const smtp_sink_t *s);
/* Waits (bounded, timeout_ms) until at least n messages arrived; 1 when they did. */
int smtp_sink_wait(const smtp_sink_t *s, int n, int timeout_ms);
/* The n-th message (1-based) as received (malloc'd, NUL-terminated), its envelope in *env
 * when env is not NULL ("from: A\nrcpt: B\n[auth: U\n][tls: 1\n]", malloc'd). NULL when
 * absent. */
char *smtp_sink_message(const smtp_sink_t *s, int n, char **env /* OUT */);

#endif
