/* The outbox for the system's administrators (/admin/mail): whether mail is configured, how
 * many e-mails are waiting, sent and given up, the latest ones with every attempt, and
 * sending a given-up one again once its cause is fixed. */
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "db/writer.h"

#define RECENT 100

typedef struct mail_ctx {
	http_req_t *req;
	json_t *rows;
} mail_ctx_t;

static int
attempt_row(const store_delivery_t *d, void *p)
{
	json_t *a = p;
	json_array_append_new(
	        a, json_pack("{s:s,s:b,s:s}", "at", "", "ok", d->ok, "detail", d->detail));
	json_object_set_new(json_array_get(a, json_array_size(a) - 1), "at_unix",
	                    json_integer(d->at));
	return 0;
}

static const char *
status_name(const char *s)
{
	if (!strcmp(s, "sent"))
		return "Đã gửi";
	if (!strcmp(s, "failed"))
		return "Không gửi được (đã dừng thử)";
	return "Đang chờ gửi";
}

static int
mail_row(const store_mail_t *m, void *p)
{
	mail_ctx_t *c = p;
	arena_t *a = http_req_arena(c->req);
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:i,s:s}", "id", (json_int_t)m->id, "recipient",
	                      m->recipient, "subject", m->subject, "status", m->status,
	                      "status_name", status_name(m->status), "attempts", m->attempts,
	                      "last_error", m->last_error ? m->last_error : "");
	json_object_set_new(o, "created", json_string(app_fmt_time(a, m->created_at)));
	if (!strcmp(m->status, "pending"))
		json_object_set_new(o, "next", json_string(app_fmt_time(a, m->next_at)));
	if (m->sent_at)
		json_object_set_new(o, "sent", json_string(app_fmt_time(a, m->sent_at)));
	json_object_set_new(o, "failed", json_boolean(!strcmp(m->status, "failed")));
	json_t *at = json_array();
	store_mail_deliveries(((app_t *)http_req_app(c->req))->store, m->id, attempt_row, at);
	size_t i;
	json_t *x;
	json_array_foreach(at, i, x)
	{
		json_object_set_new(x, "at",
		                    json_string(app_fmt_time(
		                            a, json_integer_value(json_object_get(x, "at_unix")))));
	}
	json_object_set_new(o, "deliveries", at);
	json_array_append_new(c->rows, o);
	return 0;
}

int
page_admin_mail(http_req_t *req)
{
	app_t *app = http_req_app(req);
	int64_t pending = 0, sent = 0, failed = 0;
	if (store_mail_counts(app->store, &pending, &sent, &failed) < 0)
		return 500;
	mail_ctx_t c = {req, json_array()};
	if (store_mails_recent(app->store, RECENT, mail_row, &c) < 0) {
		json_decref(c.rows);
		return 500;
	}
	json_t *o = json_pack("{s:b,s:I,s:I,s:I,s:o}", "mail_on", app->notify.mail_on, "pending",
	                      (json_int_t)pending, "sent", (json_int_t)sent, "failed",
	                      (json_int_t)failed, "mails", c.rows);
	if (!strncmp(http_req_path(req), "/api/", 5))
		return app_reply_json(req, 200, o);
	const char *done = http_req_param(req, "done");
	if (done && !strcmp(done, "retry"))
		json_object_set_new(o, "ok", json_string("Thư sẽ được gửi lại ngay."));
	return app_render_page(req, 200, "admin_mail", "Thư điện tử đã gửi", o);
}

typedef struct retry_arg {
	store_t *st;
	int64_t id, now;
	int rc;
	const unit_tree_t *t; /* the audit entry, written in the same job */
	audit_actor_t by;
	const char *target;
} retry_arg_t;

static int
retry_run(void *p)
{
	retry_arg_t *r = p;
	r->rc = store_mail_retry(r->st, r->id, r->now);
	if (r->rc < 0)
		return -1;
	/* the retry and its audit entry: one job, committed together or not at all */
	audit_entry_t e = {0, "mail.retry", r->target, "failed", "pending"};
	return r->rc == 1 && audit_write(r->st, r->t, &r->by, r->now, &e) < 0 ? -1 : 0;
}

int
page_admin_mail_retry(http_req_t *req)
{
	app_t *app = http_req_app(req);
	const char *p = http_req_param(req, "id");
	char *end;
	int64_t id = p ? strtoll(p, &end, 10) : 0;
	if (id <= 0 || *end)
		return 404;
	retry_arg_t r = {app->store,
	                 id,
	                 app_now(),
	                 0,
	                 app_req_tree(req),
	                 app_audit_actor(req),
	                 arena_printf(http_req_arena(req), "%lld", (long long)id)};
	if (writer_run(app->writer, retry_run, &r) != 0)
		return 500;
	if (r.rc == 0) {
		app_error_page(
		        req, 409,
		        "Chỉ gửi lại được thư đã dừng thử (không gửi được); thư này đang chờ "
		        "gửi hoặc đã gửi.");
		return 0;
	}
	notify_wake(&app->notify);
	return http_redirect(req, 303, "/admin/mail?done=retry");
}
