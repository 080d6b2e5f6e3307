/* E-mail delivery: the outbox (store_mail_*, written by src/service/notify.c in the same
 * transaction as the event that causes a mail) is delivered by one worker thread over SMTP
 * (libcurl). Transport-neutral: no HTTP here.
 *
 *   mail_build    one RFC 5322 + MIME message (multipart/alternative: text/plain and
 *                 text/html, UTF-8, base64; Subject and display names RFC 2047-encoded)
 *   mail_send     one message to one recipient: ok, or a reason and whether to retry
 *   mailer_*      the worker: reads the due mails, sends each, records every attempt through
 *                 the writer (store_mail_attempt), backs off on temporary failures
 *
 * All state lives in the store: a restart picks up what is pending. A crash between an
 * accepted send and its record means the mail is sent again at the next start (delivery is
 * at least once); the resend carries the same Message-ID, so mail clients can tell. */
#ifndef SUOTDOI_SERVICE_MAILER_H
#define SUOTDOI_SERVICE_MAILER_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "db/store.h"

struct writer;

/* The display name of the sender when the configuration gives none. */
#define MAIL_FROM_NAME "Tuần lễ học tập suốt đời"

/* How mail leaves. Strings are borrowed: mailer_new copies what it keeps. */
typedef struct mail_config {
	/* smtp://host[:port] (25 by default): plain, upgraded with STARTTLS when the server
	 * offers it (or required: require_tls); smtps://host[:port] (465): TLS from the start.
	 * A user and password may be given in the URL (smtp://user:pass@host, percent-encoded);
	 * user/password below win over them. */
	const char *url;
	const char *from;            /* the envelope and From: address */
	const char *from_name;       /* NULL: MAIL_FROM_NAME */
	const char *user, *password; /* NULL: no AUTH (unless in the URL) */
	const char *ca_file;         /* CA bundle to verify the server with (NULL: the system's) */
	int require_tls;             /* smtp://: refuse to send without STARTTLS */
	int insecure;                /* do not verify the server's certificate (tests only) */
	long connect_timeout;        /* seconds; 0: 20 */
	long timeout;                /* seconds for a whole send; 0: 120 */
} mail_config_t;

/* 1 when addr is an address this code sends to: ASCII local@domain, no spaces, quotes,
 * angle brackets or control characters, at most 254 bytes. */
int mail_addr_ok(const char *addr);

/* Checks cfg (the URL's scheme and host, the From address). 0, or -1 with a Vietnamese
 * message in err. */
int mail_config_check(const mail_config_t *cfg, char *err, size_t errlen);

/* ---- building a message ---- */

typedef struct mail_msg {
	const char *from, *from_name; /* from_name NULL or "": none */
	const char *to, *to_name;     /* to_name NULL or "": none */
	const char *subject;          /* UTF-8; control characters become spaces */
	const char *text;             /* UTF-8 plain text (required) */
	const char *html;             /* UTF-8 HTML; NULL or "": a text/plain message only */
	int64_t date;                 /* Unix seconds; written in Vietnam's time (+0700) */
	const char *id;               /* the Message-ID's left part ([A-Za-z0-9.-]); the right
	                                 is the From address's domain */
} mail_msg_t;

/* Appends the message to out with CRLF line ends, no line longer than 78 octets. Bodies
 * keep their bytes, except that every line end becomes CRLF. -1 with err when an address
 * or the id is unusable or a text is not valid UTF-8 (nothing appended). */
int mail_build(const mail_msg_t *m, buf_t *out, char *err, size_t errlen);

/* ---- sending one ---- */

typedef struct mail_result {
	int ok;
	int permanent; /* a 5xx answer to RCPT, DATA or the message: retrying will not help */
	int code;      /* the server's last reply code (0: none, e.g. no connection) */
	/* ok: the server's last reply ("250 2.0.0 Ok: queued"); else why, as the server or
	 * libcurl said it */
	char detail[512];
} mail_result_t;

/* Sends msg (len bytes, as mail_build makes it) from cfg->from to rcpt. */
void mail_send(const mail_config_t *cfg, const char *rcpt, const char *msg, size_t len,
               mail_result_t *res /* OUT */);

/* ---- the worker ---- */

/* Waits between attempts after temporary failures: 1, 5, 15 minutes, 1 and 3 hours, then
 * every 6 hours; a mail still failing MAIL_GIVE_UP seconds after it was queued is failed. */
#define MAIL_GIVE_UP (48 * 3600)
/* The wait after the attempts-th failed attempt (1 = the first). */
int64_t mail_backoff(int attempts);
/* The worker also looks at the outbox this often (other processes may queue mail). */
#define MAIL_POLL_SECONDS 60

typedef struct mailer mailer_t;

/* A worker over st, recording attempts through w (NULL: straight into the store, for
 * tests and one-shot commands). NULL with err when cfg does not check. Nothing runs until
 * mailer_start. */
mailer_t *mailer_new(store_t *st, struct writer *w, const mail_config_t *cfg, char *err,
                     size_t errlen);
/* Replaces the clock (Unix seconds) the worker reads "now" from (tests). */
void mailer_set_clock(mailer_t *m, int64_t (*now)(void *ctx), void *ctx);
/* Starts the thread. 0, or -1. */
int mailer_start(mailer_t *m);
/* Tells the thread to look at the outbox now (after a commit that queued mail). No-op on
 * NULL or before mailer_start. */
void mailer_wake(mailer_t *m);
/* The same with m as void *: notify_cfg_t.wake (service/notify.h). */
void mailer_wake_arg(void *m);
/* Stops the thread and joins it: a send in progress is interrupted (within a second) and
 * recorded as a temporary failure, so a hanging SMTP server never holds the server's stop.
 * Call before the writer stops. Afterwards mailer_deliver_due works on the caller's
 * thread, and mailer_start starts it again. */
void mailer_stop(mailer_t *m);
/* Stops if needed and frees. NULL is fine. */
void mailer_free(mailer_t *m);

typedef struct mailer_round {
	int sent, retry, failed; /* attempts made this round, by outcome */
	int errors;              /* attempts that could not be recorded */
} mailer_round_t;
/* Delivers every mail due at now, synchronously, on the caller's thread (what the thread
 * does each time it wakes; tests call it with an injected time, never sleeping). Mails
 * queued for later stay queued. -1 when the store could not be read. */
int mailer_deliver_due(mailer_t *m, int64_t now, mailer_round_t *out /* OUT, may be NULL */);

#endif
