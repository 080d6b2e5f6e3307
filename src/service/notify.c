/* Notifications: the notice and its e-mails, written in the event's transaction
 * (service/notify.h). */
#include "service/notify.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/mem.h"
#include "domain/access.h"

#define SITE_NAME "Tuần lễ hưởng ứng học tập suốt đời"
#define MAX_RECIPIENTS 64

int
notify_valid_address(const char *s)
{
	if (!s || !*s || strlen(s) > 254)
		return 0;
	const char *at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@'))
		return 0;
	const char *dot = strrchr(at + 1, '.');
	if (!dot || dot == at + 1 || !dot[1])
		return 0;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == ',' || *p == ';' || *p == '<' || *p == '>' ||
		    *p == '"' || (unsigned char)*p >= 0x7f)
			return 0;
	return 1;
}

void
notify_compose(const notify_cfg_t *cfg, const notify_msg_t *m, const unit_tree_t *t,
               notify_mail_t *out)
{
	const char *base = cfg && cfg->base_url ? cfg->base_url : "";
	size_t bl = strlen(base);
	while (bl > 0 && base[bl - 1] == '/')
		bl--;
	const char *link = m->link ? m->link : "";
	buf_t url = BUF_INIT;
	if (*link) {
		buf_append(&url, base, bl);
		buf_puts(&url, link);
	}
	const char *to_name = m->unit >= 0 && m->unit < t->n ? t->units[m->unit].name : "";
	buf_t b = BUF_INIT;
	buf_printf(&b, "[Học tập suốt đời] %s", m->title);
	out->subject = buf_steal(&b, NULL);

	buf_printf(&b, "Kính gửi: %s\n\n%s\n", to_name, m->title);
	if (m->body && *m->body)
		buf_printf(&b, "\n%s\n", m->body);
	if (url.len)
		buf_printf(&b, "\nXem và xử lý tại: %s\n", buf_cstr(&url));
	buf_puts(&b, "\n-- \nThư tự động từ hệ thống điều hành " SITE_NAME
	             ". Xin không trả lời thư này.\n");
	out->text = buf_steal(&b, NULL);

	buf_puts(&b, "<!doctype html><html lang=\"vi\"><body style=\"font-family:sans-serif\">"
	             "<p>Kính gửi: ");
	buf_append_html(&b, to_name, strlen(to_name));
	buf_puts(&b, "</p><p><strong>");
	buf_append_html(&b, m->title, strlen(m->title));
	buf_puts(&b, "</strong></p>");
	if (m->body && *m->body) {
		buf_puts(&b, "<p>");
		for (const char *p = m->body; *p;) {
			const char *nl = strchr(p, '\n');
			size_t n = nl ? (size_t)(nl - p) : strlen(p);
			buf_append_html(&b, p, n);
			if (!nl)
				break;
			buf_puts(&b, "<br>");
			p = nl + 1;
		}
		buf_puts(&b, "</p>");
	}
	if (url.len) {
		buf_puts(&b, "<p><a href=\"");
		buf_append_html(&b, url.data, url.len);
		buf_puts(&b, "\">Xem và xử lý trên hệ thống</a></p>");
	}
	buf_puts(
	        &b,
	        "<p style=\"color:#666;font-size:90%\">Thư tự động từ hệ thống điều hành " SITE_NAME
	        ". Xin không trả lời thư này.</p></body></html>");
	out->html = buf_steal(&b, NULL);
	buf_free(&url);
}

void
notify_mail_free(notify_mail_t *m)
{
	free(m->subject);
	free(m->text);
	free(m->html);
	memset(m, 0, sizeof *m);
}

/* Distinct addresses, compared without case. */
typedef struct rcpt {
	char *addr[MAX_RECIPIENTS];
	size_t n;
} rcpt_t;

static void
rcpt_add(rcpt_t *r, const char *a)
{
	if (!notify_valid_address(a) || r->n == MAX_RECIPIENTS)
		return;
	for (size_t i = 0; i < r->n; i++)
		if (!strcasecmp(r->addr[i], a))
			return;
	r->addr[r->n++] = xstrdup(a);
}

typedef struct people {
	store_t *st;
	rcpt_t *r;
	int heads_only;
	int64_t only_user;
} people_t;

static int
user_mail(const store_user_t *u, void *p)
{
	rcpt_t *r = p;
	if (!u->disabled)
		rcpt_add(r, u->email);
	return 0;
}

static int
role_mail(const store_role_t *ro, void *p)
{
	people_t *pp = p;
	if (ro->disabled || (pp->heads_only && strcmp(ro->role, "head") != 0))
		return 0;
	return store_user_get(pp->st, ro->user_id, user_mail, pp->r) < 0 ? -1 : 0;
}

/* The addresses m goes to, into r. -1 on a store error. */
static int
recipients(store_t *st, const unit_tree_t *t, const notify_msg_t *m, rcpt_t *r)
{
	if (m->user_id)
		return store_user_get(st, m->user_id, user_mail, r) < 0 ? -1 : 0;
	const unit_t *u = &t->units[m->unit];
	people_t p = {st, r, m->to == NOTIFY_TO_HEADS, 0};
	if (m->to == NOTIFY_TO_UNIT)
		rcpt_add(r, u->email);
	if (store_roles_at_unit(st, u->id, role_mail, &p) < 0)
		return -1;
	if (m->to == NOTIFY_TO_HEADS && r->n == 0)
		rcpt_add(r, u->email);
	return 0;
}

int
notify_write(store_t *st, const unit_tree_t *t, const notify_cfg_t *cfg, const notify_msg_t *m,
             int64_t now, int64_t *notice_id, int *nmails)
{
	if (nmails)
		*nmails = 0;
	if (m->unit < 0 || m->unit >= t->n)
		return -1;
	store_notice_t n = {
	        .at = now,
	        .kind = m->kind,
	        .unit_id = t->units[m->unit].id,
	        .user_id = m->user_id,
	        .campaign_id = m->campaign_id,
	        .about_unit_id = m->about >= 0 && m->about < t->n ? t->units[m->about].id : 0,
	        .by = m->by,
	        .title = m->title,
	        .body = m->body ? m->body : "",
	        .link = m->link ? m->link : "",
	};
	int64_t id = 0;
	if (store_notice_add(st, &n, &id) < 0)
		return -1;
	if (notice_id)
		*notice_id = id;
	if (!cfg || !cfg->mail_on)
		return 0;
	rcpt_t r = {.n = 0};
	int rc = recipients(st, t, m, &r);
	if (rc == 0 && r.n > 0) {
		notify_mail_t mail;
		notify_compose(cfg, m, t, &mail);
		for (size_t i = 0; i < r.n && rc == 0; i++) {
			store_mail_t sm = {.notice_id = id,
			                   .recipient = r.addr[i],
			                   .subject = mail.subject,
			                   .text = mail.text,
			                   .html = mail.html,
			                   .created_at = now,
			                   .next_at = now};
			rc = store_mail_add(st, &sm, NULL);
		}
		notify_mail_free(&mail);
		if (rc == 0 && nmails)
			*nmails = (int)r.n;
	}
	for (size_t i = 0; i < r.n; i++)
		free(r.addr[i]);
	return rc < 0 ? -1 : 0;
}

void
notify_wake(const notify_cfg_t *cfg)
{
	if (cfg && cfg->mail_on && cfg->wake)
		cfg->wake(cfg->wake_arg);
}
