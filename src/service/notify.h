/* Notifications, one mechanism for every event that must reach people: a reminder, a
 * report returned with its comment or approved, a deadline coming or passed, an escalation
 * to the level above, a document addressed to a unit, a task assigned.
 *
 * notify_write runs inside the caller's transaction (the event's own: a report's return is
 * committed with its notice or not at all). It writes one notice, seen in the app by every
 * user holding a role at the addressed unit (or by one user), and, when e-mail is
 * configured, one outbox row per distinct address it goes to: the unit's own address and
 * its people's. The mail worker (service/mailer.c) delivers the outbox after the commit,
 * with retries; nothing here talks to a mail server. Bodies are Vietnamese, plain text and
 * HTML, with a link back to the page the notice is about. */
#ifndef SUOTDOI_SERVICE_NOTIFY_H
#define SUOTDOI_SERVICE_NOTIFY_H

#include <stddef.h>
#include <stdint.h>

#include "db/store.h"
#include "domain/units.h"

typedef struct notify_cfg {
	int mail_on;          /* 1: queue e-mails (a mail server is configured) */
	const char *base_url; /* "https://hoctap.example.vn", for links in e-mails ("" none) */
	/* called after a commit that queued e-mail (may be NULL): wakes the mail worker */
	void (*wake)(void *arg);
	void *wake_arg;
} notify_cfg_t;

/* Who gets the e-mail copies of a notice addressed to a unit. */
typedef enum notify_to {
	NOTIFY_TO_UNIT,  /* the unit's address and every enabled user with a role there */
	NOTIFY_TO_HEADS, /* its heads (lãnh đạo); the unit's address when no head has one */
} notify_to_t;

typedef struct notify_msg {
	const char *kind;    /* store_notice_t.kind */
	int32_t unit;        /* tree index of the unit addressed */
	int64_t user_id;     /* one user only (0: the unit's people) */
	notify_to_t to;      /* for a unit's notice */
	int64_t campaign_id; /* 0 when none */
	int32_t about;       /* tree index of the unit it is about, -1 none */
	int64_t by;          /* who caused it (0: the system) */
	const char *title;   /* one line, Vietnamese */
	const char *body;    /* plain text, may be "" */
	const char *link;    /* a path on this site ("/campaigns/3/units/0123/report") */
} notify_msg_t;

/* Write m's notice and its e-mails in the caller's transaction, at now. 0 with *notice_id
 * and *nmails (either may be NULL), or -1 (a store error: the caller rolls back). */
int notify_write(store_t *st, const unit_tree_t *t, const notify_cfg_t *cfg, const notify_msg_t *m,
                 int64_t now, int64_t *notice_id /* OUT */, int *nmails /* OUT */);

/* After the commit of writes that queued e-mail: wake the worker. */
void notify_wake(const notify_cfg_t *cfg);

/* The e-mail of a notice as it is queued: subject, plain text and HTML (malloc'd; free
 * with notify_mail_free). For tests and for the operations page's preview. */
typedef struct notify_mail {
	char *subject, *text, *html;
} notify_mail_t;
void notify_compose(const notify_cfg_t *cfg, const notify_msg_t *m, const unit_tree_t *t,
                    notify_mail_t *out /* OUT */);
void notify_mail_free(notify_mail_t *m);

/* 1 when s looks like one e-mail address (local@domain.tld, no spaces or commas). */
int notify_valid_address(const char *s);

#endif
