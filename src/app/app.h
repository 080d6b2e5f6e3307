/* The application: owns the store, the compiled templates and the current unit tree
 * snapshot, and declares the route table the HTTP layer serves. Handlers live in
 * src/app/ and speak neither SQL nor libmicrohttpd. */
#ifndef SUOTDOI_APP_H
#define SUOTDOI_APP_H

#include <pthread.h>
#include <jansson.h>

#include "app/settings.h"
#include "core/netlist.h"
#include "db/store.h"
#include "domain/access.h"
#include "domain/audit.h"
#include "domain/auth.h"
#include "domain/units.h"
#include "http/http.h"
#include "service/notify.h"
#include "tmpl/tmpl.h"

typedef struct app {
	store_t *store;
	tmpl_set_t *tmpl;
	char *assets;     /* directory holding templates/ and static/ */
	char *static_dir; /* assets/static */
	pthread_mutex_t tree_mu;
	unit_tree_t *tree; /* today's tree (newest generation); swap under tree_mu */
	/* trees of other days (campaigns add up on the tree of their day), newest generation
	 * only, under tree_mu */
#define APP_TREES 6
	unit_tree_t *trees[APP_TREES];
	unsigned tree_next;
	/* campaign id -> the day it adds up on (app_campaign_day), direct-mapped; a
	 * campaign's day never changes once it exists, so only another process's writes
	 * (the watcher) empty it */
#define APP_CAMPAIGN_DAYS 256
	pthread_mutex_t days_mu;
	struct app_campaign_day {
		int64_t id; /* 0 = empty */
		int32_t day;
	} days[APP_CAMPAIGN_DAYS];
	struct rep_live *live;     /* loaded campaigns with their roll-ups (service/reporting.c) */
	auth_throttle_t *throttle; /* failed sign-ins per username */
	auth_throttle_t *ip_throttle;  /* failed sign-ins per client IP */
	struct auth_cache *auth_cache; /* who sessions and tokens are (authcache.c) */
	struct writer *writer;         /* commits writes in groups (db/writer.h) */
	/* long work handed off the HTTP workers (app_offload), run in order by one thread */
	pthread_mutex_t jobs_mu;
	pthread_cond_t jobs_cv;
	struct app_job *jobs, **jobs_tail;
	pthread_t jobs_thread;
	int jobs_running, jobs_stopping;
	/* when sessions and tokens were last used, written by the watcher in one go
	 * (app_touch_later) rather than by each request */
	pthread_mutex_t touch_mu;
	struct app_touch *touches;
	size_t ntouches, touch_cap;
	pthread_t watcher;
	int watcher_running;
	volatile int stopping;
	/* notifications: whether e-mail goes out, the site's address for links in e-mails,
	 * the mail worker's wake-up (service/notify.h); set before serving */
	notify_cfg_t notify;
	/* the chase schedule runs from the watcher every chase_every seconds (0: never) */
	int chase_every;
	int64_t chase_last;
	/* e-mail (service/mailer.h), set by the caller after app_open: how mail leaves (NULL:
	 * not configured, nothing is e-mailed; notify.mail_on says the same to the services) and
	 * the worker delivering the outbox (notify.wake wakes it; app_close stops and frees it
	 * before the writer) */
	const struct mail_config *mail;
	struct mailer *mailer;
	struct review_cache *review_cache; /* the menu's "Chờ duyệt (N)" (review_pages.c) */
	struct unread_cache *unread_cache; /* the bell's count per user (notice_pages.c) */
	/* the issuing units' signing keys, DIR/<unit code>.pem (serve --sign-keys; NULL: none,
	 * documents are not signed); borrowed, set before serving */
	const char *sign_keys;
	char *upload_dir; /* <db>.uploads: resumable uploads in progress (media/upload.h) */
	/* class enrolment (enrol_pages.c): enrolments and failed cancels per client IP an
	 * hour; days personal data is kept after a class (serve --enrol-retention-days; 0:
	 * the default, 90) */
	auth_throttle_t *enrol_limit;
	int enrol_retention_days;
	/* the commendation catalog, assets/data/awards.json (domain/award_catalog.h) */
	struct award_catalog *awards;
	/* the configuration in force, reloaded on SIGHUP (app/settings.h) */
	app_settings_t settings;
	/* the HTTP layer's request counters over the route table (http/stats.h), made by
	 * app_http_config */
	struct http_stats *http_stats;
} app_t;

/* who may read /metrics until the configuration says (metrics_allow; app/settings.h) */
#define APP_METRICS_ALLOW "127.0.0.1, ::1"

/* Open the store at db, compile templates under assets (NULL = the source tree's),
 * build the unit tree. -1 with err on failure. */
int app_open(app_t *app, const char *db, const char *assets, char *err, size_t errlen);
/* The same with the prefix of the directories files are kept in (files.uploads,
 * files.contest): NULL = beside a SQLite database (its path), and for PostgreSQL
 * $SUOTDOI_FILES or var/suotdoi (several instances share it: docs/operations.md). */
int app_open_files(app_t *app, const char *db, const char *files, const char *assets, char *err,
                   size_t errlen);
/* The prefix app_open_files picks for db and files. */
const char *app_files_prefix(const char *db, const char *files);
void app_close(app_t *app);

/* 1 when e-mail is configured (app->notify.mail_on): pages say "Chưa cấu hình thư điện tử"
 * when not. */
int app_mail_on(const app_t *app);

/* Start a thread that rebuilds the unit tree when the store's generation changes (an
 * import from the command line while serving). */
void app_watch_start(app_t *app);

/* Runs work(arg) on the application's background thread, the request suspended meanwhile
 * (http_req_suspend); then answer(req, arg) replies on an HTTP worker, as a handler does.
 * For work that takes seconds (a bulk import of a large file) and would otherwise hold an
 * HTTP worker and every connection it serves. work may use the request's arena: nothing
 * else touches it until answer. The handler returns what this returns. */
int app_offload(http_req_t *req, void (*work)(void *arg), int (*answer)(http_req_t *req, void *arg),
                void *arg);

/* Notes that session ('s') or API token ('t') id was used at now; written to the store
 * within a few seconds, many in one transaction. */
void app_touch_later(app_t *app, char kind, int64_t id, int64_t now);
/* Writes the noted uses now (the watcher does, and app_close). */
void app_touch_flush(app_t *app);

/* Today's tree with a reference the caller releases with unit_tree_unref. */
unit_tree_t *app_tree(app_t *app);
/* The tree of day (built once per epoch and kept while the registry does not change),
 * referenced; today's when it cannot be built (logged). */
unit_tree_t *app_tree_at(app_t *app, int32_t day);
/* The tree campaign id adds up on (campaign_tree_day), referenced; today's when the
 * campaign is unknown. */
unit_tree_t *app_campaign_tree(app_t *app, int64_t id);
/* campaign_tree_day, remembered: every request under /campaigns/:id asks. 1, 0 no such
 * campaign, -1 error. */
int app_campaign_day(app_t *app, int64_t id, int32_t *day /* OUT */);
/* Rebuild the tree from the store now. */
int app_tree_reload(app_t *app);

/* One run of every open campaign's chase schedule at now (service/chase.h): scheduled
 * reminders and escalations due by then are written once. The watcher calls it every
 * chase_every seconds; tests call it with their own clock. *reminded and *escalated (may be
 * NULL) count what was written. 0, or -1 when a campaign could not be chased (logged). */
int app_chase_tick(app_t *app, int64_t now, size_t *reminded, size_t *escalated);

/* ---- who is asking (src/app/guard.c) ---- */

/* Sessions end after this long without a request, and at the latest this long after
 * sign-in. */
#define APP_SESSION_IDLE (8 * 3600)
#define APP_SESSION_MAX (7 * 24 * 3600)
#define APP_SESSION_COOKIE "sd_session"
#define APP_PRELOGIN_COOKIE "sd_pre" /* CSRF for forms sent before signing in */

typedef struct app_role {
	int64_t unit_id;
	role_t role;
} app_role_t;

/* The signed-in user of a request; lives in the request arena. */
typedef struct app_user {
	int64_t id;
	const char *username, *full_name, *email;
	int must_change_password;
	int disabled;
	int via_token;      /* authenticated by an API token: no cookie, no CSRF */
	int64_t session_id; /* 0 with a token */
	const char *csrf;   /* the session's CSRF token ("" with a token) */
	app_role_t *roles;
	size_t nroles;
} app_user_t;

/* The http `before` hook: authenticates (session cookie or "Authorization: Bearer"),
 * checks CSRF on state-changing requests, then asks access_allowed() about the route's
 * declared action on its target. Every route goes through it; handlers never decide. */
int app_guard(http_req_t *req, const http_route_t *route);
/* The request's user, or NULL when anonymous. */
app_user_t *app_req_user(http_req_t *req);
void app_req_set_user(http_req_t *req, app_user_t *u);
/* The unit tree snapshot of this request: the guard and the handler see the same one,
 * released when the request completes (no unref by the caller). */
unit_tree_t *app_req_tree(http_req_t *req);
/* The day of the request's tree: a campaign's (routes under /campaigns/:id), the "ngay"
 * or "as_of" parameter, or today; for a :code that today's tree does not hold, the last
 * day of the unit that had the code (a closed unit's pages). */
int32_t app_req_day(http_req_t *req);
/* For work on another day's tree inside a request (a 2022 document's results viewed after
 * the 2025 merger): make t the request's tree and return the previous one, to be put back
 * the same way. app_req_keep_tree hands a reference to the request: released when it
 * completes. */
unit_tree_t *app_req_swap_tree(http_req_t *req, unit_tree_t *t);
void app_req_keep_tree(http_req_t *req, unit_tree_t *t);
/* 1 when the request asked for its day (a campaign's, or "ngay"/"as_of"). */
int app_req_day_given(http_req_t *req);
/* The user's roles as grants on tree t (roles on units missing from t are dropped). The
 * array lives in the request arena. */
size_t app_user_grants(http_req_t *req, const unit_tree_t *t, access_grant_t **out /* OUT */);
/* The guard's decision on a user target (view: any of their units; manage: all of them
 * and each of their roles grantable). 1 allowed. */
int app_user_access(http_req_t *req, const unit_tree_t *t, const app_user_t *target, action_t a);
/* The :id user of the request (in its arena), or NULL. */
app_user_t *app_req_target_user(http_req_t *req);
/* The user's roles as unit summaries with role names. */
json_t *app_roles_json(const unit_tree_t *t, const app_user_t *u);
/* A sign-in throttle: per username (per_ip 0) or per client IP (per_ip 1). */
auth_throttle_t *app_login_throttle_new(int per_ip);
/* Load a user with roles from the store into the arena; 1 found, 0 not, -1 error. */
int app_load_user(app_t *app, arena_t *a, int64_t id, app_user_t **out /* OUT */);
/* Who the request acts as, for the audit entry a workflow writes in its transaction
 * (domain/audit.h): the user (none when signed out) and the client's address. */
audit_actor_t app_audit_actor(http_req_t *req);
/* Append an audit entry for unit (tree index, -1 = the root) in t, by the request's user:
 * on its own for events that change nothing else (a sign-in, a failed one), or inside the
 * transaction of the change it records (a handler's store_tx_begin ... app_tx_end). A
 * domain workflow writes its entry itself (domain/audit.h). 0, or -1 when the store refused
 * it (logged). */
int app_audit(http_req_t *req, const unit_tree_t *t, int32_t unit, const char *action,
              const char *target, const char *old_value, const char *new_value);
/* The end of a handler's transaction (store_tx_begin on the app's store): committed when ok
 * (every step, the audit entry included, succeeded), else rolled back. 0, or -1 when it was
 * rolled back or the commit failed (the caller answers 500 or its refusal). */
int app_tx_end(http_req_t *req, int ok);
/* Render the sign-in page with status (200, 401) and an optional message. Sets the
 * pre-login CSRF cookie. Returns 0. */
int app_login_page(http_req_t *req, int status, const char *message);
/* The CSRF token of a form sent before sign-in (sign-in, a citizen's enrolment): the
 * pre-login cookie's, set on the reply when missing. In the request arena. */
const char *app_prelogin_csrf(http_req_t *req);
/* Unix time now. */
int64_t app_now(void);

/* One run of the enrolment retention (src/app/enrol_pages.c): names and phones of classes
 * that ended more than app->enrol_retention_days before now are removed. The watcher calls
 * it hourly; tests with their own clock. *purged (may be NULL): how many. 0 or -1. */
int app_enrol_purge_tick(app_t *app, int64_t now, int64_t *purged);
/* The same for contests (src/app/contest_pages.c): phones, e-mails and addresses of the
 * entrants of contests announced more than CONTEST_RETENTION_DAYS ago are emptied and the
 * files of entries not approved deleted. */
int app_contest_purge_tick(app_t *app, int64_t now, int64_t *purged);
/* The retention in days that applies to the request's app. */
int app_enrol_retention(http_req_t *req);

/* The route table. */
const http_route_t *app_routes(size_t *n /* OUT */);
/* Fill cfg with the app's routes, guard, error page and static directory; the caller
 * sets listen, threads, quiet. cfg->static_dir points into app (lives as long). */
void app_http_config(app_t *app, http_config_t *cfg /* OUT */);
/* The HTTP layer's error page hook: HTML for pages, JSON under /api/. */
void app_error_page(http_req_t *req, int status, const char *message);

/* ---- helpers shared by handlers (src/app/render.c) ---- */
/* A declared request parameter, "" when absent. */
const char *app_param(http_req_t *req, const char *name);
/* A declared parameter that must be a positive id (":aid", "version"…); 0 when absent,
 * malformed or not positive. */
int64_t app_id_param(http_req_t *req, const char *name);
/* 1 for a request under /api/ (answered in JSON). */
int app_is_api(http_req_t *req);
/* A JSON string of s, "" for NULL; invalid UTF-8 (a client's bytes quoted in a message and
 * cut inside a letter) said as U+FFFD rather than lost. */
json_t *app_js(const char *s);
/* Render template name inside the layout with ctx (stolen) and reply 200/status. */
int app_render_page(http_req_t *req, int status, const char *tmpl, const char *title, json_t *ctx);
/* Reply with JSON (value stolen). */
int app_reply_json(http_req_t *req, int status, json_t *value);
/* "1.234" */
json_t *app_json_count(int64_t v);
/* Display strings in the request arena a: "1.234"; "05/10/2022" ("" for 0 or less, a date
 * not set); "05/10/2022 07:30" in Vietnam's time (UTC+7) for Unix seconds ("" for 0). */
const char *app_fmt_count(arena_t *a, int64_t v);
const char *app_fmt_date(arena_t *a, int32_t days);
const char *app_fmt_time(arena_t *a, int64_t at);
/* The same with seconds: "05/10/2022 07:30:05" (the audit log). */
const char *app_fmt_time_sec(arena_t *a, int64_t at);
/* A deadline as seen on day today (local days, UTC+7): "còn 3 ngày", "hôm nay là hạn
 * cuối", "quá hạn 5 ngày"; "" when due is not set (0 or less). */
const char *app_fmt_days_left(arena_t *a, int32_t due, int32_t today);
/* Today in Vietnam (UTC+7) as days since 1970-01-01, the unit of deadlines. */
int32_t app_today(void);
/* Vietnamese name of a campaign status (draft, open, closed): "Nháp", "Đang nhận báo cáo",
 * "Đã đóng"; an unknown code as it is. */
const char *app_campaign_status_name(const char *status);
/* JSON summary of unit i: code, name, kind, kind_name, children, subtree size, and its
 * validity valid_from/valid_to (app_json_day). */
json_t *app_unit_json(const unit_tree_t *t, int32_t i);
/* A day as JSON: "2025-07-01", or null for 0 (since always) and STORE_DAY_OPEN. */
json_t *app_json_day(int32_t day);
/* The same object as JSON text appended to out, byte for byte what dumping app_unit_json
 * gives (tests/unit/test_units.c holds them equal), for answers written as text. */
void app_unit_json_text(const unit_tree_t *t, int32_t i, buf_t *out);
/* Ancestors of i (root first, i excluded) as an array of unit summaries. */
json_t *app_unit_path_json(const unit_tree_t *t, int32_t i);
/* The same path for the request's viewer: each ancestor with "can_view", whether
 * access_allowed lets them open it (unit.view), so a page links only where they may go. */
json_t *app_unit_path_links(http_req_t *req, const unit_tree_t *t, int32_t i);

/* Handlers */
/* Monitoring (src/app/metrics_pages.c): the Prometheus exposition, readiness. */
int page_metrics(http_req_t *req);
int page_readyz(http_req_t *req);
int page_home(http_req_t *req);
int page_sw_js(http_req_t *req);
int page_unit(http_req_t *req);
int page_search(http_req_t *req);
int api_units(http_req_t *req);
int api_unit(http_req_t *req);
int page_login(http_req_t *req);
int page_login_post(http_req_t *req);
int page_logout(http_req_t *req);
int page_logout_all(http_req_t *req);
int page_account(http_req_t *req);
int page_password(http_req_t *req);
int page_password_post(http_req_t *req);
int page_token_create(http_req_t *req);
int page_token_revoke(http_req_t *req);
int api_me(http_req_t *req);
int page_unit_users(http_req_t *req);
int page_unit_users_post(http_req_t *req);
int page_users_bulk(http_req_t *req);
int page_users_bulk_post(http_req_t *req);
int page_unit_audit(http_req_t *req);
int page_user(http_req_t *req);
int page_user_disable(http_req_t *req);
int page_user_reset(http_req_t *req);
int page_user_role_add(http_req_t *req);
int page_user_role_remove(http_req_t *req);
int api_unit_users(http_req_t *req);
int api_unit_users_post(http_req_t *req);
int api_unit_audit(http_req_t *req);
/* The dashboards' page cache kept with each loaded campaign (dashboard_pages.c). */
void *dashboard_cache_new(void);
void dashboard_cache_free(void *pc);
int page_campaigns(http_req_t *req);
int page_campaign_unit(http_req_t *req);
/* The dashboard's charts alone, as image/svg+xml (chart_pages.c). */
int page_chart_progress(http_req_t *req);
int page_chart_indicator(http_req_t *req);
int page_report(http_req_t *req);
int page_report_save(http_req_t *req);
int page_report_submit(http_req_t *req);
int page_report_return(http_req_t *req);
int page_report_approve(http_req_t *req);
int page_report_reopen(http_req_t *req);
int page_chase(http_req_t *req);
/* bulk values over the JSON API (src/app/values_api.c) */
int api_values_import(http_req_t *req);
int api_values_export(http_req_t *req);
/* "dry_run" as sent: 0, 1, or -1 when it is neither. */
int values_dry_run_param(const char *p);
/* the same as a page (src/app/values_pages.c) */
int page_values_form(http_req_t *req);
int page_values_import(http_req_t *req);
int page_values_csv(http_req_t *req);
/* chasing (src/app/chase_pages.c): one unit, every missing unit, the schedule */
int page_remind(http_req_t *req);
int page_remind_all(http_req_t *req);
int page_chase_schedule(http_req_t *req);
/* the outbox for administrators (src/app/mail_pages.c) */
int page_admin_mail(http_req_t *req);
int page_admin_mail_retry(http_req_t *req);
/* notices (src/app/notice_pages.c) */
int page_notices(http_req_t *req);
int page_notice_open(http_req_t *req);
int page_notices_read(http_req_t *req);
/* The request user's unread notices (0 when anonymous). */
int64_t app_notices_unread(http_req_t *req);
/* The user's notices as JSON rows, newest first (NULL on a store error). */
json_t *app_notices_json(http_req_t *req, int64_t before, int limit, int unread_only);
int page_export_phuluc(http_req_t *req);
int page_export_phuluc_pdf(http_req_t *req);
int page_export_matrix(http_req_t *req);
int page_unit_table(http_req_t *req);
/* year over year through the merge map (src/app/compare_pages.c) */
int page_compare(http_req_t *req);
int page_compare_xlsx(http_req_t *req);
int api_compare(http_req_t *req);
int page_templates(http_req_t *req);
/* the registry through time (src/app/registry_pages.c) */
int page_registry(http_req_t *req);
int page_registry_preview(http_req_t *req);
int page_registry_confirm(http_req_t *req);
int page_registry_pending(http_req_t *req);
int page_registry_pending_csv(http_req_t *req);
int page_registry_place(http_req_t *req);
int page_registry_place_csv(http_req_t *req);
int page_template_json(http_req_t *req);
int page_template_import(http_req_t *req);
int page_template_copy(http_req_t *req);
int page_template_edit(http_req_t *req);
int page_template_save(http_req_t *req);
int page_campaign_new(http_req_t *req);
int page_campaign_create(http_req_t *req);
int page_campaign_status(http_req_t *req);
int page_photo_upload(http_req_t *req);
int page_photo(http_req_t *req);
int page_photo_delete(http_req_t *req);
/* A report's photos (id, caption, url, thumb) for its page; empty when report_id is 0. */
json_t *rep_photos_json(http_req_t *req, int64_t campaign_id, const char *unit_code,
                        int64_t report_id);
/* Campaigns (not drafts) whose issuer's subtree held unit i (of the request's tree) on the
 * campaign's day, each checked in its own tree (app_campaign_tree) with the unit matched by
 * id; newest first. Rows: id, name, year, open, code (the unit's code in that tree). */
json_t *rep_campaigns_covering(http_req_t *req, int32_t unit);
/* Count-downs to report deadlines for the signed-in user's units (home page), and in
 * *submitted the receipts (rep_receipt_json + campaign, unit) of those units' reports
 * already submitted in an open campaign. */
json_t *rep_home_countdowns(http_req_t *req, json_t **submitted /* OUT */);
/* Progress cards for the signed-in user's levels in open campaigns (home_pages.c): the
 * chase board's counts per campaign and unit, with the links. */
json_t *rep_home_progress(http_req_t *req);

/* activities (src/app/activity_pages.c) */
int page_activities(http_req_t *req);
int page_activity_new(http_req_t *req);
int page_activity_create(http_req_t *req); /* also POST /api/v1/units/:code/activities */
int page_activity(http_req_t *req);
int page_activity_update(http_req_t *req);
int page_activity_outcome(http_req_t *req);
int page_activity_photo_upload(http_req_t *req);
/* The :code unit's :aid activity may take another photo: 0, or an HTTP status with a
 * Vietnamese message in *err (NULL for a 500). */
int activity_photo_room(http_req_t *req, const char **err /* OUT */);
/* Re-encode data (media/photo.h: the same checks for every way in) and add it to the
 * :code unit's :aid activity with caption, audited: 0 with *location the activity page, or
 * an HTTP status with a Vietnamese message in *err (NULL for a 500); nothing is stored
 * then. */
int activity_photo_add(http_req_t *req, const void *data, size_t len, const char *caption,
                       const char **location /* OUT */, const char **err /* OUT */);
/* Resumable activity photo uploads (src/app/photo_upload_pages.c, docs/api.md) */
int page_photo_upload_create(http_req_t *req);
int page_photo_upload_chunk(http_req_t *req);
int page_photo_upload_status(http_req_t *req);
int page_photo_upload_finish(http_req_t *req);
int page_activity_photo(http_req_t *req);
int page_activity_photo_delete(http_req_t *req);
int api_activities(http_req_t *req);
int page_lich(http_req_t *req);
int page_lich_event(http_req_t *req);
/* The :aid activity of the :code unit, or the :aid public activity, into *out (request
 * arena); otherwise replies 404/500 and returns -1 (src/app/activity_pages.c). */
int app_activity_of_unit_or_reply(http_req_t *req, int32_t *unit, store_activity_t *out);
int app_public_activity_or_reply(http_req_t *req, store_activity_t *out);
/* class enrolment (src/app/enrol_pages.c) */
/* Adds "enrol" (the public facts, counts only) and the form's CSRF token to the event
 * page's ctx when activity a takes enrolments. */
void enrol_event_ctx(http_req_t *req, const store_activity_t *a, json_t *ctx);
int page_enrol_form(http_req_t *req);
/* Shared with other citizens' forms (contest entries, contest_pages.c): the pre-login CSRF
 * token into ctx when signed out; the values of names[0..n) from the form or, for the JSON
 * API, its body's fields through the typed reader (domain/jsonin.h): strings, int_fields'
 * names (space-separated; NULL: none) integers as their digits, bool_field's names
 * true/false as "1"/""; null as absent; other types and unknown fields refused naming the
 * field, never coerced: 0, or -1 after replying 400); the per-IP limiter's
 * key (kind + address, IPv6 by its /64) for app->enrol_limit. */
void app_public_csrf(http_req_t *req, json_t *ctx);
int app_read_fields(http_req_t *req, const char *const *names, size_t n, const char **v,
                    const char *bool_field, const char *int_fields);
const char *app_citizen_key(http_req_t *req, char kind);
/* 1 after replying 429 (Retry-After, msg) when kind's key already counts per_hour events in
 * app->enrol_limit's hour; else 0. */
int app_citizen_limited(http_req_t *req, char kind, int per_hour, const char *msg);
int page_enrol_post(http_req_t *req);
int page_enrol_status(http_req_t *req);
int page_enrol_cancel_form(http_req_t *req);
int page_enrol_cancel(http_req_t *req);
int api_enrol_public(http_req_t *req);
int page_enrolments(http_req_t *req);
int api_enrolments(http_req_t *req);
int page_enrolments_xlsx(http_req_t *req);
int page_enrol_settings(http_req_t *req);
int page_enrol_attendance(http_req_t *req);
int page_event_ics(http_req_t *req);
int page_lich_photo(http_req_t *req);
int page_unit_ics(http_req_t *req);
int api_lich(http_req_t *req);
/* A place as people type it in a public search (resource_pages.c; /hoc-lieu, /cuoc-thi): a
 * unit code, else the widest of the first units whose names hold the words without
 * diacritics ("hai an" is the district). -1 none. */
int32_t app_place_unit(const unit_tree_t *t, const char *place);
/* contests with citizen entries (contest_pages.c) */
int page_contests(http_req_t *req);
int api_contests(http_req_t *req);
int page_contest(http_req_t *req);
int api_contest(http_req_t *req);
int page_contest_entry_form(http_req_t *req);
int page_contest_entry_post(http_req_t *req);
int page_contest_entry_status(http_req_t *req);
int page_contest_lookup(http_req_t *req);
/* For a 413 on the contest entry route: "Tệp dự thi (file): 130 MB, quá giới hạn 100 MB…"
 * from the Content-Length; message otherwise. */
const char *contest_too_big_message(http_req_t *req, const char *message);
int page_contest_withdraw(http_req_t *req);
int page_contest_media(http_req_t *req);
int page_contest_judging(http_req_t *req);
int page_contest_score(http_req_t *req);
int page_unit_contests(http_req_t *req);
int page_unit_contest_create(http_req_t *req);
int page_unit_contest(http_req_t *req);
int page_unit_contest_update(http_req_t *req);
int page_unit_contest_entry(http_req_t *req);
int page_unit_contest_announce(http_req_t *req);
int page_unit_contest_media(http_req_t *req);
int api_unit_contest_entries(http_req_t *req);
/* open learning resources (resource_pages.c) */
int page_unit_resources(http_req_t *req);
int page_unit_resource(http_req_t *req);
int page_resource_create(http_req_t *req);
int page_resource_update(http_req_t *req);
int page_unit_resource_file(http_req_t *req);
int api_unit_resources(http_req_t *req);
int page_hoc_lieu(http_req_t *req);
int page_hoc_lieu_item(http_req_t *req);
int page_hoc_lieu_file(http_req_t *req);
int api_hoc_lieu(http_req_t *req);
/* The unit's latest published resources for its public page: {items, has_items, more,
 * all_url} (new reference). */
json_t *resource_public_list(http_req_t *req, int32_t i);
/* reading culture (reading_pages.c) */
int page_reading(http_req_t *req);
int page_reading_shelf_create(http_req_t *req);
int page_reading_shelf_status(http_req_t *req);
int page_reading_move_create(http_req_t *req);
int page_reading_move_receive(http_req_t *req);
int page_reading_read_create(http_req_t *req);
/* The unit's subtree's reading figures of the year for its public page (counts only), or
 * JSON null when it has no shelf or is the national root (new reference). */
json_t *reading_public_summary(http_req_t *req, int32_t i);
/* end of activities */

/* documents and tasks (src/app/doc_pages.c) */
/* Body cap of the document form and of the JSON API: a 200 KB body and up to 60 duties of
 * 5,000 bytes, percent-encoded. */
#define DOC_FORM_MAX (4u << 20)
/* Rows of the document form. Every accepted name is declared in the route's params
 * (basis_text_0 … basis_text_19 and so on); the target selects (rcpt_units_N,
 * duty_units_N) send one value per chosen unit and are read from the body by the handler. */
#define DOC_FORM_BASES 20
#define DOC_FORM_RECIPIENTS 40
#define DOC_FORM_DUTIES 60
#define DOC_FORM_ANNEXES 10
/* The formatter does not settle on these lists: kept as written. */
/* clang-format off */
#define DOC_R10(M, p) \
	M(p##0) M(p##1) M(p##2) M(p##3) M(p##4) M(p##5) M(p##6) M(p##7) M(p##8) M(p##9)
#define DOC_BASIS_ROW(i) " basis_text_" #i " basis_doc_" #i
#define DOC_RCPT_ROW(i) " rcpt_text_" #i " rcpt_units_" #i
#define DOC_DUTY_ROW(i) \
	" duty_role_" #i " duty_who_" #i " duty_units_" #i " duty_task_" #i " duty_due_" #i
#define DOC_ANNEX_ROW(i) \
	" annex_label_" #i " annex_title_" #i " annex_subtitle_" #i " annex_text_" #i \
	" annex_results_" #i " annex_awards_" #i
#define DOC_FORM_PARAMS \
	"kind campaign subject place date body_abbr drafter_abbr parent_body body text " \
	"distribution dist_auto signer_tm signer_authority signer_head signer_position signer_name " \
	"public" \
	DOC_R10(DOC_BASIS_ROW, ) DOC_R10(DOC_BASIS_ROW, 1) \
	DOC_R10(DOC_RCPT_ROW, ) DOC_R10(DOC_RCPT_ROW, 1) DOC_R10(DOC_RCPT_ROW, 2) \
	DOC_R10(DOC_RCPT_ROW, 3) \
	DOC_R10(DOC_DUTY_ROW, ) DOC_R10(DOC_DUTY_ROW, 1) DOC_R10(DOC_DUTY_ROW, 2) \
	DOC_R10(DOC_DUTY_ROW, 3) DOC_R10(DOC_DUTY_ROW, 4) DOC_R10(DOC_DUTY_ROW, 5) \
	DOC_R10(DOC_ANNEX_ROW, )
/* clang-format on */

int page_docs(http_req_t *req);
int page_doc_new(http_req_t *req);
int page_doc_create(http_req_t *req);
int api_doc_create(http_req_t *req);
int page_doc(http_req_t *req);
int page_doc_save(http_req_t *req);
int page_doc_publish(http_req_t *req);
int page_doc_public(http_req_t *req);
int page_doc_file(http_req_t *req);
int page_tasks(http_req_t *req);
int page_task_done(http_req_t *req);
int page_public_doc(http_req_t *req);
int page_public_doc_file(http_req_t *req);
/* a Word draft imported (src/app/doc_import_pages.c) */
int page_doc_import_form(http_req_t *req);
int page_doc_import(http_req_t *req);
int page_doc_import_review(http_req_t *req);
int api_doc_import(http_req_t *req);
/* The documents section of unit i's page (tree index): "public", its published public
 * documents newest first (id, url, kind_name, number, subject, date), "has_public", and
 * "can_view" when the user may open the unit's own documents and tasks. */
json_t *doc_public_list(http_req_t *req, int32_t unit);
/* For the home page of the signed-in user: the open tasks of the units they hold a role
 * on (due date, overdue flag, link) and the number of unread documents there; NULL when
 * anonymous. */
json_t *doc_home(http_req_t *req);
/* For the digital signature (doc_sign_pages.c): the :did document issued by unit i, which
 * must be published, into *s and its PDF as rendered now into out, with the signature's
 * reason ("Ban hành Kế hoạch số 05/KH-UBND") and place (request arena). 1; or 0 after
 * replying, *reply then being the handler's return value (404 not its document, 409 a
 * draft, 500). */
int doc_issued_pdf(http_req_t *req, int32_t i, store_doc_t *s, buf_t *out, const char **reason,
                   const char **place, int *reply /* OUT */);
/* Document id (into *s) rendered now as PDF into out, with the signature's reason and place;
 * no reply. 1, 0 no such document, -1 error (logged). */
int doc_signable_pdf(http_req_t *req, int64_t id, store_doc_t *s, buf_t *out, const char **reason,
                     const char **place);
/* The document page of id at its issuer i, with status and error; the handler's return. */
int doc_page_reply(http_req_t *req, int status, int32_t i, int64_t id, const char *error);
/* digital signature (src/app/doc_sign_pages.c) */
int page_doc_sign(http_req_t *req);
/* Right after unit i published document id: sign it when the unit has a key file. 1
 * signed, 0 no key (nothing done), -1 not signed (the reason logged; the officer can press
 * Ký số later). Never replies. */
int doc_sign_on_publish(http_req_t *req, int32_t i, int64_t id);
/* The signed PDF of document id into out: 1, 0 not signed (out untouched), -1 error. */
int doc_signed_pdf(http_req_t *req, int64_t id, buf_t *out);
/* The "sign" part of a document page: signed (bool), signer, signed_at, sha256, size; for
 * a published document of an issuer that may manage it, can_sign (a key file is present)
 * and sign_url. New reference. */
json_t *doc_sign_json(http_req_t *req, int32_t i, int64_t id, int published, int can_manage);
/* end of documents */

/* the review queue (src/app/review_pages.c) */
int page_review_queue(http_req_t *req); /* also its API */
int page_review_act(http_req_t *req);   /* approve or return several: the form and the API */
int page_review_home(http_req_t *req);  /* GET /review: what waits for the user, where */
/* the reviewers' outlier list of a level's subtree (src/app/outlier_pages.c); also its API */
int page_outliers(http_req_t *req);
/* The top menu's "Chờ duyệt (N)": sets me.can_review and me.review_count (one store query)
 * when the request's user holds a role that reviews. */
void review_menu(http_req_t *req, json_t *me);
/* What the count reads, kept between pages (app_open, app_close). */
struct review_cache *review_cache_new(void);
void review_cache_free(struct review_cache *c);
/* Reports' review states changed by this user's action: the menu's count is read again at
 * the next page (it is otherwise read at most every 2 seconds while reports change). */
void review_cache_changed(app_t *app);
struct unread_cache *unread_cache_new(void);
void unread_cache_free(struct unread_cache *c);
/* 1 when the request's user may open level i's review queue. */
int review_queue_allowed(http_req_t *req, int32_t i);
/* end of the review queue */

/* commendation proposals and decisions (src/app/award_pages.c) */
int page_awards(http_req_t *req);
int page_award_create(http_req_t *req);
int page_award(http_req_t *req);
int page_award_act(http_req_t *req);
int page_award_file(http_req_t *req);
int page_award_decide(http_req_t *req);
/* Proposals waiting for unit i to act (the unit page's "Chờ xử lý (N)"); -1 on error. */
int64_t award_waiting_count(http_req_t *req, int32_t i);
/* the budget of a campaign (src/app/budget_pages.c, docs/budget.md) */
/* The form's cells: p. (planned), a. (approved), s. (spent) of each source and purpose. */
/* clang-format off */
#define BUDGET_CELLS(k) \
	" " k ".nsnn.tuyen_truyen " k ".nsnn.lop_hoc " k ".nsnn.khen_thuong " k ".nsnn.khac" \
	" " k ".xhh.tuyen_truyen " k ".xhh.lop_hoc " k ".xhh.khen_thuong " k ".xhh.khac" \
	" " k ".khac.tuyen_truyen " k ".khac.lop_hoc " k ".khac.khen_thuong " k ".khac.khac"
#define BUDGET_FORM_PARAMS "version csrf" BUDGET_CELLS("p") BUDGET_CELLS("a") BUDGET_CELLS("s")
/* clang-format on */
int page_budget(http_req_t *req);        /* the page and GET of the API */
int page_budget_save(http_req_t *req);   /* the form's POST and the API's */
int page_budget_export(http_req_t *req); /* kinh-phi.xlsx / kinh-phi.csv */
/* The campaign dashboard's budget box for unit i (struct live_campaign: the request's
 * campaign): its subtree's planned, approved and spent, read now (never cached); NULL when
 * it cannot be read (the dashboard shows without it). */
struct live_campaign;
json_t *budget_box_json(http_req_t *req, struct live_campaign *lc, int32_t i);
/* end of the budget */

/* ---- printing awards (award_cert_pages.c, docs/awards.md "Printing") ---- */
struct doc;
struct docr;
/* Fill the awards annexes of m (the render model of document s, text d) with the list of
 * its decision: the current list of a draft decision, the decided list of an issued one.
 * Nothing when no annex carries awards; an empty list when the document has no decision. */
void award_annex(http_req_t *req, const store_doc_t *s, const struct doc *d, struct docr *m);
/* GET /units/:code/docs/:did/giay-khen.pdf[?p=ID]: the certificates of an issued decision. */
int page_award_certs(http_req_t *req);
/* {url, n} of the certificates of document s issued by unit i when it is an issued
 * decision with awards, else JSON null (new reference): the link on the document's page. */
json_t *award_cert_link(http_req_t *req, int32_t i, const store_doc_t *s);
/* The "Khen thưởng" section of unit i's public page: decided awards of public decisions it
 * issued or its people received, newest first: {items: [{name, unit, category, form,
 * citation, url}], has_items} (new reference). */
json_t *award_public_list(http_req_t *req, int32_t i);
/* (doc_pages.c) Document id into out, strings in the request arena: 1, 0 none, -1 error. */
int doc_load(http_req_t *req, int64_t id, store_doc_t *out);
/* (doc_pages.c) The text of s with the row's number; NULL when it does not parse (logged). */
struct doc *doc_text(http_req_t *req, const store_doc_t *s);

#endif
