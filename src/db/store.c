/* Store dispatch: picks the backend from the spec and forwards each call. */
#include "db/store.h"

#include <stdio.h>
#include <string.h>

int
store_open(const char *spec, store_t **out, char *err, size_t errlen)
{
	if (strncmp(spec, "postgres://", 11) == 0 || strncmp(spec, "postgresql://", 13) == 0)
		return store_pg_open(spec, out, err, errlen);
	if (strncmp(spec, "sqlite:", 7) == 0)
		spec += 7;
	if (*spec == '\0') {
		snprintf(err, errlen, "Thiếu đường dẫn cơ sở dữ liệu: hãy chỉ ra --db ĐƯỜNG_DẪN.");
		return -1;
	}
	return store_sqlite_open(spec, out, err, errlen);
}

int
store_units_apply(store_t *st, const store_unit_change_t *rows, size_t n, char *err, size_t errlen)
{
	return st->ops->units_apply(st, rows, n, err, errlen);
}

int
store_placements_each(store_t *st, int (*cb)(const store_placement_t *, void *), void *ctx)
{
	return st->ops->placements_each(st, cb, ctx);
}

int
store_placements_of(store_t *st, int64_t unit_id, int (*cb)(const store_placement_t *, void *),
                    void *ctx)
{
	return st->ops->placements_of(st, unit_id, cb, ctx);
}

int
store_lineage_each(store_t *st, int (*cb)(const store_lineage_t *, void *), void *ctx)
{
	return st->ops->lineage_each(st, cb, ctx);
}

int
store_lineage_of(store_t *st, int64_t unit_id, int (*cb)(const store_lineage_t *, void *),
                 void *ctx)
{
	return st->ops->lineage_of(st, unit_id, cb, ctx);
}

int
store_registry_imports(store_t *st, int (*cb)(const store_registry_import_t *, void *), void *ctx)
{
	return st->ops->registry_imports(st, cb, ctx);
}

int32_t
store_registry_date(store_t *st)
{
	return st->ops->registry_date(st);
}

int
store_unit_code_last_day(store_t *st, const char *code, int32_t *day)
{
	return st->ops->unit_code_last_day(st, code, day);
}

int
store_registry_apply(store_t *st, const store_registry_change_t *c, char *err, size_t errlen)
{
	return st->ops->registry_apply(st, c, err, errlen);
}

int
store_registry_upload_put(store_t *st, const store_registry_upload_t *u, int64_t *id)
{
	return st->ops->registry_upload_put(st, u, id);
}

int
store_registry_upload_get(store_t *st, int64_t id,
                          int (*cb)(const store_registry_upload_t *, void *), void *ctx)
{
	return st->ops->registry_upload_get(st, id, cb, ctx);
}

int
store_registry_upload_delete(store_t *st, int64_t id, int64_t older_than)
{
	return st->ops->registry_upload_delete(st, id, older_than);
}

int
store_user_create(store_t *st, const store_user_t *u, int64_t *id)
{
	return st->ops->user_create(st, u, id);
}

int
store_user_get(store_t *st, int64_t id, int (*cb)(const store_user_t *, void *), void *ctx)
{
	return st->ops->user_get(st, id, cb, ctx);
}

int
store_user_find(store_t *st, const char *username, int (*cb)(const store_user_t *, void *),
                void *ctx)
{
	return st->ops->user_find(st, username, cb, ctx);
}

int
store_user_update(store_t *st, const store_user_t *u)
{
	return st->ops->user_update(st, u);
}

int
store_user_count(store_t *st, int64_t *n)
{
	return st->ops->user_count(st, n);
}

int
store_role_grant(store_t *st, int64_t user_id, int64_t unit_id, const char *role,
                 int64_t granted_by, int64_t now)
{
	return st->ops->role_grant(st, user_id, unit_id, role, granted_by, now);
}

int
store_role_revoke(store_t *st, int64_t user_id, int64_t unit_id, const char *role)
{
	return st->ops->role_revoke(st, user_id, unit_id, role);
}

int
store_roles_of_user(store_t *st, int64_t user_id, int (*cb)(const store_role_t *, void *),
                    void *ctx)
{
	return st->ops->roles_of_user(st, user_id, cb, ctx);
}

int
store_roles_at_unit(store_t *st, int64_t unit_id, int (*cb)(const store_role_t *, void *),
                    void *ctx)
{
	return st->ops->roles_at_unit(st, unit_id, cb, ctx);
}

int
store_roles_each(store_t *st, int (*cb)(const store_role_t *, void *), void *ctx)
{
	return st->ops->roles_each(st, cb, ctx);
}

int
store_session_create(store_t *st, const unsigned char hash[32], int64_t user_id, const char *csrf,
                     int64_t now, const char *ip, int64_t *id)
{
	return st->ops->session_create(st, hash, user_id, csrf, now, ip, id);
}

int
store_session_get(store_t *st, const unsigned char hash[32], store_session_t *out)
{
	return st->ops->session_get(st, hash, out);
}

int
store_session_touch(store_t *st, int64_t id, int64_t now)
{
	return st->ops->session_touch(st, id, now);
}

int
store_session_delete(store_t *st, int64_t id)
{
	return st->ops->session_delete(st, id);
}

int
store_sessions_delete_user(store_t *st, int64_t user_id)
{
	return st->ops->sessions_delete_user(st, user_id);
}

int
store_sessions_expire(store_t *st, int64_t idle_before, int64_t created_before)
{
	return st->ops->sessions_expire(st, idle_before, created_before);
}

int
store_token_create(store_t *st, int64_t user_id, const char *name, const unsigned char hash[32],
                   const char *prefix, int64_t now, int64_t *id)
{
	return st->ops->token_create(st, user_id, name, hash, prefix, now, id);
}

int
store_token_find(store_t *st, const unsigned char hash[32],
                 int (*cb)(const store_token_t *, void *), void *ctx)
{
	return st->ops->token_find(st, hash, cb, ctx);
}

int
store_tokens_of_user(store_t *st, int64_t user_id, int (*cb)(const store_token_t *, void *),
                     void *ctx)
{
	return st->ops->tokens_of_user(st, user_id, cb, ctx);
}

int
store_token_revoke(store_t *st, int64_t user_id, int64_t token_id, int64_t now)
{
	return st->ops->token_revoke(st, user_id, token_id, now);
}

int
store_token_touch(store_t *st, int64_t id, int64_t now)
{
	return st->ops->token_touch(st, id, now);
}

int
store_audit_append(store_t *st, const store_audit_t *e)
{
	return st->ops->audit_append(st, e);
}

int
store_audit_list(store_t *st, const char *path_prefix, int64_t before_id, int limit,
                 int (*cb)(const store_audit_t *, void *), void *ctx)
{
	return st->ops->audit_list(st, path_prefix, before_id, limit, cb, ctx);
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

int
store_activity_save(store_t *st, const store_activity_t *a, int64_t expected_version, int64_t *id,
                    int64_t *version)
{
	return st->ops->activity_save(st, a, expected_version, id, version);
}

int
store_activity_get(store_t *st, int64_t id, int (*cb)(const store_activity_t *, void *), void *ctx)
{
	return st->ops->activity_get(st, id, cb, ctx);
}

int
store_activity_by_client(store_t *st, int64_t created_by, const char *client_id,
                         int (*cb)(const store_activity_t *, void *), void *ctx)
{
	return st->ops->activity_by_client(st, created_by, client_id, cb, ctx);
}

int
store_activities_find(store_t *st, const store_activity_query_t *q,
                      int (*cb)(const store_activity_t *, void *), void *ctx)
{
	return st->ops->activities_find(st, q, cb, ctx);
}

int
store_activity_photo_add(store_t *st, const store_photo_t *p, const void *full, const void *thumb,
                         int64_t *id)
{
	return st->ops->activity_photo_add(st, p, full, thumb, id);
}

int
store_activity_photos(store_t *st, int64_t activity_id, int (*cb)(const store_photo_t *, void *),
                      void *ctx)
{
	return st->ops->activity_photos(st, activity_id, cb, ctx);
}

int
store_activity_photo_get(store_t *st, int64_t id, int thumb,
                         int (*cb)(const store_photo_t *, const void *, size_t, void *), void *ctx)
{
	return st->ops->activity_photo_get(st, id, thumb, cb, ctx);
}

int
store_activity_photo_delete(store_t *st, int64_t activity_id, int64_t id)
{
	return st->ops->activity_photo_delete(st, activity_id, id);
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

/* ---- class enrolment ---- */

int
store_enrol_settings_get(store_t *st, int64_t activity_id,
                         int (*cb)(const store_enrol_settings_t *, void *), void *ctx)
{
	return st->ops->enrol_settings_get(st, activity_id, cb, ctx);
}

int
store_enrol_settings_put(store_t *st, const store_enrol_settings_t *s)
{
	return st->ops->enrol_settings_put(st, s);
}

int
store_enrolments_of(store_t *st, int64_t activity_id,
                    int (*cb)(const store_enrolment_t *, void *), void *ctx)
{
	return st->ops->enrolments_of(st, activity_id, cb, ctx);
}

int
store_enrolment_by_code(store_t *st, const char *code,
                        int (*cb)(const store_enrolment_t *, void *), void *ctx)
{
	return st->ops->enrolment_by_code(st, code, cb, ctx);
}

int
store_enrol_phone_since(store_t *st, const char *phone, int64_t since, int64_t *n)
{
	return st->ops->enrol_phone_since(st, phone, since, n);
}

int
store_enrolment_add(store_t *st, const store_enrolment_t *e, int64_t *id)
{
	return st->ops->enrolment_add(st, e, id);
}

int
store_enrolment_update(store_t *st, int64_t activity_id, int64_t id, const char *status,
                       int attended, int64_t changed_at, int64_t promoted_at)
{
	return st->ops->enrolment_update(st, activity_id, id, status, attended, changed_at,
	                                 promoted_at);
}

int
store_enrol_purge(store_t *st, int64_t ended_before, int64_t now, int64_t *n)
{
	return st->ops->enrol_purge(st, ended_before, now, n);
}

int
store_resource_save(store_t *st, const store_resource_t *r, const void *file, size_t len,
                    int64_t expected_version, int64_t *id, int64_t *version)
{
	return st->ops->resource_save(st, r, file, len, expected_version, id, version);
}

int
store_resource_get(store_t *st, int64_t id, int (*cb)(const store_resource_t *, void *), void *ctx)
{
	return st->ops->resource_get(st, id, cb, ctx);
}

int
store_resources_find(store_t *st, const store_resource_query_t *q,
                     int (*cb)(const store_resource_t *, void *), void *ctx, int64_t *total)
{
	return st->ops->resources_find(st, q, cb, ctx, total);
}

int
store_resource_file(store_t *st, int64_t id, int (*cb)(const void *data, size_t len, void *ctx),
                    void *ctx)
{
	return st->ops->resource_file(st, id, cb, ctx);
}

int
store_shelf_add(store_t *st, const store_shelf_t *s, int64_t *id)
{
	return st->ops->shelf_add(st, s, id);
}

int
store_shelf_close(store_t *st, int64_t id, int64_t unit_id, int32_t closed_on)
{
	return st->ops->shelf_close(st, id, unit_id, closed_on);
}

int
store_shelves(store_t *st, const store_reading_query_t *q, int (*cb)(const store_shelf_t *, void *),
              void *ctx)
{
	return st->ops->shelves(st, q, cb, ctx);
}

int
store_book_move_add(store_t *st, const store_book_move_t *m, int64_t *id, int64_t *held)
{
	return st->ops->book_move_add(st, m, id, held);
}

int
store_book_move_receive(store_t *st, int64_t id, int64_t to_unit_id, int32_t day, int64_t by)
{
	return st->ops->book_move_receive(st, id, to_unit_id, day, by);
}

int
store_book_moves(store_t *st, const store_reading_query_t *q,
                 int (*cb)(const store_book_move_t *, void *), void *ctx)
{
	return st->ops->book_moves(st, q, cb, ctx);
}

int
store_reading_add(store_t *st, const store_reading_t *r, int64_t *id)
{
	return st->ops->reading_add(st, r, id);
}

int
store_readings(store_t *st, const store_reading_query_t *q,
               int (*cb)(const store_reading_t *, void *), void *ctx)
{
	return st->ops->readings(st, q, cb, ctx);
}

int
store_reading_sums(store_t *st, const store_reading_query_t *q,
                   int (*cb)(const store_reading_sum_t *, void *), void *ctx)
{
	return st->ops->reading_sums(st, q, cb, ctx);
}

/* ---- contests ---- */

int
store_contest_save(store_t *st, const store_contest_t *c, const int64_t *judges, size_t nj,
                   int64_t *id)
{
	return st->ops->contest_save(st, c, judges, nj, id);
}

int
store_contest_get(store_t *st, int64_t id, int (*cb)(const store_contest_t *, void *), void *ctx)
{
	return st->ops->contest_get(st, id, cb, ctx);
}

int
store_contests_find(store_t *st, const store_contest_query_t *q,
                    int (*cb)(const store_contest_t *, void *), void *ctx)
{
	return st->ops->contests_find(st, q, cb, ctx);
}

int
store_contest_judges(store_t *st, int64_t contest_id,
                     int (*cb)(int64_t user_id, const char *name, void *), void *ctx)
{
	return st->ops->contest_judges(st, contest_id, cb, ctx);
}

int
store_contest_entry_add(store_t *st, const store_contest_entry_t *e, int64_t *id)
{
	return st->ops->contest_entry_add(st, e, id);
}

int
store_contest_entries(store_t *st, int64_t contest_id, const char *status,
                      int (*cb)(const store_contest_entry_t *, void *), void *ctx)
{
	return st->ops->contest_entries(st, contest_id, status, cb, ctx);
}

int
store_contest_entry_get(store_t *st, int64_t id, const char *code,
                        int (*cb)(const store_contest_entry_t *, void *), void *ctx)
{
	return st->ops->contest_entry_get(st, id, code, cb, ctx);
}

int
store_contest_entry_set(store_t *st, int64_t id, const char *status, const char *reason,
                        const char *prize, const char *media, int64_t by, int64_t at)
{
	return st->ops->contest_entry_set(st, id, status, reason, prize, media, by, at);
}

int
store_contest_phone_since(store_t *st, const char *phone, int64_t since, int64_t *n)
{
	return st->ops->contest_phone_since(st, phone, since, n);
}

int
store_contest_score_put(store_t *st, const store_contest_score_t *sc)
{
	return st->ops->contest_score_put(st, sc);
}

int
store_contest_scores(store_t *st, int64_t contest_id,
                     int (*cb)(const store_contest_score_t *, void *), void *ctx)
{
	return st->ops->contest_scores(st, contest_id, cb, ctx);
}

int
store_contest_purge(store_t *st, int64_t announced_before, int64_t now,
                    int (*cb)(const char *file, void *), void *ctx, int64_t *n)
{
	return st->ops->contest_purge(st, announced_before, now, cb, ctx, n);
}

int
store_budget_lines(store_t *st, const int64_t *ids, size_t n, const char *path, int exact,
                   int (*cb)(const store_budget_line_t *, void *), void *ctx)
{
	return st->ops->budget_lines(st, ids, n, path, exact, cb, ctx);
}

int
store_budget_awards(store_t *st, const int64_t *ids, size_t n, const char *path, int exact,
                    int (*cb)(const store_budget_award_t *, void *), void *ctx)
{
	return st->ops->budget_awards(st, ids, n, path, exact, cb, ctx);
}

int
store_budget_head(store_t *st, int64_t campaign_id, int64_t unit_id, int64_t *version,
                  int64_t *updated_at, int64_t *updated_by)
{
	return st->ops->budget_head(st, campaign_id, unit_id, version, updated_at, updated_by);
}

int
store_budget_save(store_t *st, int64_t campaign_id, int64_t unit_id, const char *unit_path,
                  const store_budget_line_t *lines, size_t n, int64_t expected_version, int64_t now,
                  int64_t by, int64_t *version)
{
	return st->ops->budget_save(st, campaign_id, unit_id, unit_path, lines, n, expected_version,
	                            now, by, version);
}

int
store_decided_awards(store_t *st, const store_decided_query_t *q,
                     int (*cb)(const store_decided_award_t *, void *), void *ctx)
{
	return st->ops->decided_awards(st, q, cb, ctx);
}

/* ---- commendation ---- */

int
store_award_save(store_t *st, const store_award_t *p, int64_t expected_version, int64_t *id,
                 int64_t *version)
{
	return st->ops->award_save(st, p, expected_version, id, version);
}

int
store_award_get(store_t *st, int64_t id, int (*cb)(const store_award_t *, void *), void *ctx)
{
	return st->ops->award_get(st, id, cb, ctx);
}

int
store_awards_find(store_t *st, const store_award_query_t *q,
                  int (*cb)(const store_award_t *, void *), void *ctx)
{
	return st->ops->awards_find(st, q, cb, ctx);
}

int
store_award_file_add(store_t *st, const store_award_file_t *f, const void *bytes, int64_t *id)
{
	return st->ops->award_file_add(st, f, bytes, id);
}

int
store_award_files(store_t *st, int64_t proposal_id, int64_t file_id, int with_bytes,
                  int (*cb)(const store_award_file_t *, const void *, size_t, void *), void *ctx)
{
	return st->ops->award_files(st, proposal_id, file_id, with_bytes, cb, ctx);
}

int
store_award_event_add(store_t *st, const store_award_event_t *e)
{
	return st->ops->award_event_add(st, e);
}

int
store_award_events(store_t *st, int64_t proposal_id, int (*cb)(const store_award_event_t *, void *),
                   void *ctx)
{
	return st->ops->award_events(st, proposal_id, cb, ctx);
}

int
store_award_decision_add(store_t *st, const store_award_decision_t *d, int64_t *id)
{
	return st->ops->award_decision_add(st, d, id);
}

int
store_award_decisions(store_t *st, int64_t unit_id, int64_t document_id,
                      int (*cb)(const store_award_decision_t *, void *), void *ctx)
{
	return st->ops->award_decisions(st, unit_id, document_id, cb, ctx);
}

int
store_award_decision_issue(store_t *st, int64_t document_id, int32_t issued_on, int64_t at,
                           int64_t by, int64_t *campaign_id)
{
	return st->ops->award_decision_issue(st, document_id, issued_on, at, by, campaign_id);
}

/* ---- printing awards ---- */

int
store_award_list(store_t *st, int64_t document_id, int (*cb)(const store_award_item_t *, void *),
                 void *ctx)
{
	return st->ops->award_list(st, document_id, cb, ctx);
}

int
store_awards_public(store_t *st, int64_t unit_id, int limit,
                    int (*cb)(const store_award_public_t *, void *), void *ctx)
{
	return st->ops->awards_public(st, unit_id, limit, cb, ctx);
}
