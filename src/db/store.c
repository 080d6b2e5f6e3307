/* Store dispatch: picks the backend from the spec and forwards each call. */
#include "db/store.h"

#include <stdio.h>
#include <string.h>

int
store_open(const char *spec, store_t **out, char *err, size_t errlen)
{
	if (strncmp(spec, "postgres://", 11) == 0 || strncmp(spec, "postgresql://", 13) == 0) {
		snprintf(err, errlen,
		         "Kho PostgreSQL chưa được hỗ trợ trong bản này; hãy dùng một tệp SQLite "
		         "(ví dụ --db var/suotdoi.db).");
		return -1;
	}
	if (strncmp(spec, "sqlite:", 7) == 0)
		spec += 7;
	if (*spec == '\0') {
		snprintf(err, errlen, "Thiếu đường dẫn cơ sở dữ liệu: hãy chỉ ra --db ĐƯỜNG_DẪN.");
		return -1;
	}
	return store_sqlite_open(spec, out, err, errlen);
}

int
store_template_save(store_t *st, const store_template_t *t, int64_t *id)
{
	return st->ops->template_save(st, t, id);
}

int
store_template_get(store_t *st, int64_t id, int (*cb)(const store_template_t *, void *), void *ctx)
{
	return st->ops->template_get(st, id, cb, ctx);
}

int
store_template_find(store_t *st, const char *code, int (*cb)(const store_template_t *, void *),
                    void *ctx)
{
	return st->ops->template_find(st, code, cb, ctx);
}

int
store_templates_each(store_t *st, int (*cb)(const store_template_t *, void *), void *ctx)
{
	return st->ops->templates_each(st, cb, ctx);
}

int
store_campaign_save(store_t *st, const store_campaign_t *c, int64_t *id)
{
	return st->ops->campaign_save(st, c, id);
}

int
store_campaign_get(store_t *st, int64_t id, int (*cb)(const store_campaign_t *, void *), void *ctx)
{
	return st->ops->campaign_get(st, id, cb, ctx);
}

int
store_campaigns_each(store_t *st, int (*cb)(const store_campaign_t *, void *), void *ctx)
{
	return st->ops->campaigns_each(st, cb, ctx);
}

int
store_report_get(store_t *st, int64_t campaign_id, int64_t unit_id,
                 int (*cb)(const store_report_t *, void *), void *ctx)
{
	return st->ops->report_get(st, campaign_id, unit_id, cb, ctx);
}

int
store_report_values(store_t *st, int64_t report_id, int (*cb)(const store_value_t *, void *),
                    void *ctx)
{
	return st->ops->report_values(st, report_id, cb, ctx);
}

int
store_reports_of_campaign(store_t *st, int64_t campaign_id,
                          int (*cb)(const store_report_t *, void *), void *ctx)
{
	return st->ops->reports_of_campaign(st, campaign_id, cb, ctx);
}

int
store_values_of_campaign(store_t *st, int64_t campaign_id,
                         int (*cb)(int64_t unit_id, const char *status, const store_value_t *v,
                                   void *ctx),
                         void *ctx)
{
	return st->ops->values_of_campaign(st, campaign_id, cb, ctx);
}

int
store_all_values_of_campaign(store_t *st, int64_t campaign_id,
                             int (*cb)(int64_t unit_id, const char *status, const store_value_t *v,
                                       void *ctx),
                             void *ctx)
{
	return st->ops->all_values_of_campaign(st, campaign_id, cb, ctx);
}

int
store_report_save(store_t *st, const store_report_t *r, const store_value_t *vals, size_t n,
                  int64_t expected_version, int64_t *id, int64_t *version)
{
	return st->ops->report_save(st, r, vals, n, expected_version, id, version);
}

int
store_report_set_status(store_t *st, const store_report_t *r, int64_t expected_version,
                        int64_t *version)
{
	return st->ops->report_set_status(st, r, expected_version, version);
}

int
store_report_event_add(store_t *st, const store_report_event_t *e)
{
	return st->ops->report_event_add(st, e);
}

int
store_report_events(store_t *st, int64_t report_id, int (*cb)(const store_report_event_t *, void *),
                    void *ctx)
{
	return st->ops->report_events(st, report_id, cb, ctx);
}

int
store_report_freeze(store_t *st, int64_t report_id, const store_value_t *vals, size_t n, int64_t at)
{
	return st->ops->report_freeze(st, report_id, vals, n, at);
}

int
store_report_frozen(store_t *st, int64_t report_id, int (*cb)(const store_value_t *, void *),
                    void *ctx)
{
	return st->ops->report_frozen(st, report_id, cb, ctx);
}

int
store_reminder_add(store_t *st, const store_reminder_t *r, int64_t *id)
{
	return st->ops->reminder_add(st, r, id);
}

int
store_reminders_of_campaign(store_t *st, int64_t campaign_id,
                            int (*cb)(const store_reminder_t *, void *), void *ctx)
{
	return st->ops->reminders_of_campaign(st, campaign_id, cb, ctx);
}

int
store_photo_add(store_t *st, const store_photo_t *p, const void *full, const void *thumb,
                int64_t *id)
{
	return st->ops->photo_add(st, p, full, thumb, id);
}

int
store_photos_of_report(store_t *st, int64_t report_id, int (*cb)(const store_photo_t *, void *),
                       void *ctx)
{
	return st->ops->photos_of_report(st, report_id, cb, ctx);
}

int
store_photo_get(store_t *st, int64_t id, int thumb,
                int (*cb)(const store_photo_t *, const void *, size_t, void *), void *ctx)
{
	return st->ops->photo_get(st, id, thumb, cb, ctx);
}

int
store_photo_delete(store_t *st, int64_t report_id, int64_t id)
{
	return st->ops->photo_delete(st, report_id, id);
}

int
store_doc_save(store_t *st, const store_doc_t *d, int64_t expected_version, int64_t *id,
               int64_t *version)
{
	return st->ops->doc_save(st, d, expected_version, id, version);
}

int
store_doc_publish(store_t *st, int64_t id, int64_t expected_version, int32_t doc_date, int year,
                  const char *json, int64_t now, int64_t by, const int64_t *units, size_t nunits,
                  const store_task_t *tasks, size_t ntasks, int *number, int64_t *version)
{
	return st->ops->doc_publish(st, id, expected_version, doc_date, year, json, now, by, units,
	                            nunits, tasks, ntasks, number, version);
}

int
store_doc_set_public(store_t *st, int64_t id, int is_public, int64_t now, int64_t by)
{
	return st->ops->doc_set_public(st, id, is_public, now, by);
}

int
store_doc_get(store_t *st, int64_t id, int (*cb)(const store_doc_t *, void *), void *ctx)
{
	return st->ops->doc_get(st, id, cb, ctx);
}

int
store_docs_of_issuer(store_t *st, int64_t unit_id, int (*cb)(const store_doc_t *, void *),
                     void *ctx)
{
	return st->ops->docs_of_issuer(st, unit_id, cb, ctx);
}

int
store_docs_derived(store_t *st, int64_t doc_id, int (*cb)(const store_doc_t *, void *), void *ctx)
{
	return st->ops->docs_derived(st, doc_id, cb, ctx);
}

int
store_docs_to_unit(store_t *st, int64_t unit_id,
                   int (*cb)(const store_doc_t *, const store_doc_recipient_t *, void *), void *ctx)
{
	return st->ops->docs_to_unit(st, unit_id, cb, ctx);
}

int
store_doc_recipients(store_t *st, int64_t doc_id, int (*cb)(const store_doc_recipient_t *, void *),
                     void *ctx)
{
	return st->ops->doc_recipients(st, doc_id, cb, ctx);
}

int
store_doc_mark_read(store_t *st, int64_t doc_id, int64_t unit_id, int64_t now, int64_t by)
{
	return st->ops->doc_mark_read(st, doc_id, unit_id, now, by);
}

int
store_doc_signed_put(store_t *st, const store_doc_signed_t *d, const void *pdf, size_t n)
{
	return st->ops->doc_signed_put(st, d, pdf, n);
}

int
store_doc_import_put(store_t *st, int64_t doc_id, int64_t at, int64_t by, const char *review)
{
	return st->ops->doc_import_put(st, doc_id, at, by, review);
}

int
store_doc_import_get(store_t *st, int64_t doc_id, buf_t *review)
{
	return st->ops->doc_import_get(st, doc_id, review);
}

int
store_doc_signed_get(store_t *st, int64_t doc_id, int with_pdf,
                     int (*cb)(const store_doc_signed_t *, const void *, size_t, void *), void *ctx)
{
	return st->ops->doc_signed_get(st, doc_id, with_pdf, cb, ctx);
}

int
store_tasks_of_doc(store_t *st, int64_t doc_id, int (*cb)(const store_task_t *, void *), void *ctx)
{
	return st->ops->tasks_of_doc(st, doc_id, cb, ctx);
}

int
store_tasks_of_unit(store_t *st, int64_t unit_id, int (*cb)(const store_task_t *, void *),
                    void *ctx)
{
	return st->ops->tasks_of_unit(st, unit_id, cb, ctx);
}

int
store_task_get(store_t *st, int64_t id, int (*cb)(const store_task_t *, void *), void *ctx)
{
	return st->ops->task_get(st, id, cb, ctx);
}

int
store_task_set_done(store_t *st, int64_t id, int64_t unit_id, int64_t done_at, int64_t by,
                    const char *note)
{
	return st->ops->task_set_done(st, id, unit_id, done_at, by, note);
}

/* ---- notifications ---- */

int
store_chase_get(store_t *st, int64_t campaign_id, int (*cb)(const store_chase_t *, void *),
                void *ctx)
{
	return st->ops->chase_get(st, campaign_id, cb, ctx);
}

int
store_chase_set(store_t *st, const store_chase_t *c)
{
	return st->ops->chase_set(st, c);
}

int
store_notice_add(store_t *st, const store_notice_t *n, int64_t *id)
{
	return st->ops->notice_add(st, n, id);
}

int
store_notices_for(store_t *st, int64_t user_id, const int64_t *units, size_t n, int64_t before_id,
                  int limit, int unread_only, int (*cb)(const store_notice_t *, void *), void *ctx)
{
	return st->ops->notices_for(st, user_id, units, n, before_id, limit, unread_only, cb, ctx);
}

int
store_notices_unread(store_t *st, int64_t user_id, const int64_t *units, size_t n, int64_t *count)
{
	return st->ops->notices_unread(st, user_id, units, n, count);
}

int
store_notice_get(store_t *st, int64_t id, int (*cb)(const store_notice_t *, void *), void *ctx)
{
	return st->ops->notice_get(st, id, cb, ctx);
}

int
store_notice_mark_read(store_t *st, int64_t user_id, const int64_t *units, size_t n, int64_t id,
                       int64_t now)
{
	return st->ops->notice_mark_read(st, user_id, units, n, id, now);
}

int
store_mail_add(store_t *st, const store_mail_t *m, int64_t *id)
{
	return st->ops->mail_add(st, m, id);
}

int
store_mails_due(store_t *st, int64_t now, int limit, int (*cb)(const store_mail_t *, void *),
                void *ctx)
{
	return st->ops->mails_due(st, now, limit, cb, ctx);
}

int
store_mail_next_due(store_t *st, int64_t *at)
{
	return st->ops->mail_next_due(st, at);
}

int
store_mail_attempt(store_t *st, int64_t id, int64_t at, int ok, const char *detail, int64_t next_at,
                   int give_up)
{
	return st->ops->mail_attempt(st, id, at, ok, detail, next_at, give_up);
}

int
store_mail_deliveries(store_t *st, int64_t mail_id, int (*cb)(const store_delivery_t *, void *),
                      void *ctx)
{
	return st->ops->mail_deliveries(st, mail_id, cb, ctx);
}

int
store_mails_of_notice(store_t *st, int64_t notice_id, int (*cb)(const store_mail_t *, void *),
                      void *ctx)
{
	return st->ops->mails_of_notice(st, notice_id, cb, ctx);
}

int
store_mails_recent(store_t *st, int limit, int (*cb)(const store_mail_t *, void *), void *ctx)
{
	return st->ops->mails_recent(st, limit, cb, ctx);
}

int
store_mail_counts(store_t *st, int64_t *pending, int64_t *sent, int64_t *failed)
{
	return st->ops->mail_counts(st, pending, sent, failed);
}

int
store_mail_retry(store_t *st, int64_t id, int64_t now)
{
	return st->ops->mail_retry(st, id, now);
}

/* ---- the review queue ---- */

int
store_reports_waiting(store_t *st, int (*cb)(int64_t campaign_id, int64_t unit_id, void *ctx),
                      void *ctx)
{
	return st->ops->reports_waiting(st, cb, ctx);
}

