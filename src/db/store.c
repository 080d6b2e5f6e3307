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

/* ---- the review queue ---- */

int
store_reports_waiting(store_t *st, int (*cb)(int64_t campaign_id, int64_t unit_id, void *ctx),
                      void *ctx)
{
	return st->ops->reports_waiting(st, cb, ctx);
}

