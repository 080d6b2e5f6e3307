/* Application lifecycle and the route table: every route the server answers is declared
 * here with its method, accepted parameters, body cap and access action. */
#include "app/app.h"
#include "app/authcache.h"
#include "app/reporting.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/mem.h"
#include "db/writer.h"
#include "http/stats.h"
#include "domain/award_catalog.h"
#include "domain/jsonin.h"
#include "docs/import_docx.h"
#include "media/upload.h"
#include "service/mailer.h"

/* Bodies: forms are small; the JSON API's create body too. A results form carries ~45
 * numbers and three narratives of up to 20,000 bytes each. */
#define FORM_MAX 8192
#define REPORT_MAX (256 * 1024)
/* A bulk value import: one district's values are well under 1 MB, a large province's as
 * CSV ~50 MB. Parsing holds ~14 times the JSON in memory (measured: a 113 MB national file
 * peaks at 1.5 GB), so the server takes 32 MiB at a time and bigger files go through the
 * command line (docs/api.md). */
#define VALUES_MAX (32u << 20)
#define PHOTO_BODY_MAX ((10u << 20) + 64 * 1024) /* a 10 MB photo and the form around it */
#define RES_BODY_MAX ((28u << 20) + 64 * 1024) /* a 20 MB file, base64 in JSON */
/* A contest entry: the largest video a contest may take (media/av.h) and the form around
 * it; a contest's own smaller cap is checked on the file before any parsing. */
#define CONTEST_BODY_MAX ((100u << 20) + 64 * 1024)
#define CONTEST_FORM_MAX (64 * 1024) /* a contest's theme and rules */
#define DOC_IMPORT_MAX (DOCX_MAX_FILE + 64 * 1024) /* a .docx and the form around it */
#define TEMPLATE_MAX_BODY (3 * 1024 * 1024)        /* a 1 MiB document, percent-encoded */
#define REGISTRY_MAX (16u << 20) /* a national registry and its merge map, ~1.2 MB today */
#define REVIEW_MAX (256 * 1024)  /* a review queue's form: 2,000 units and their versions */
/* A commendation proposal: five 10 MB supporting files, base64 in JSON, and the fields */
#define AWARD_BODY_MAX ((68u << 20) + 64 * 1024)

/* action: "public", "self", "self.password", "unit:<action>" (the :code unit),
 * "below:<action>" (every unit strictly under :code: a level's work on its subtree) or
 * "user:<action>" (the :id user's units); see src/app/guard.c. tests/http/test_authz.c
 * holds the expected answer for every route here, and fails on a route it does not know. */
static const http_route_t routes[] = {
        {HTTP_GET, "/", "", 0, "public", page_home},
        /* monitoring (metrics_pages.c): "metrics" is open to metrics_allow only (app/settings.h) */
        {HTTP_GET, "/metrics", "", 0, "metrics", page_metrics},
        {HTTP_GET, "/readyz", "", 0, "public", page_readyz},
        /* the service worker of offline entry, at the root for its scope (offline_pages.c) */
        {HTTP_GET, "/sw.js", "", 0, "public", page_sw_js},
        {HTTP_GET, "/units", "ngay", 0, "public", page_unit},
        {HTTP_GET, "/units/:code", "ngay", 0, "public", page_unit},
        {HTTP_GET, "/search", "q kind within page ngay", 0, "public", page_search},
        {HTTP_GET, "/api/v1/units", "q kind within parent limit offset as_of", 0, "public",
         api_units},
        {HTTP_GET, "/api/v1/units/:code", "as_of", 0, "public", api_unit},

        {HTTP_GET, "/login", "next", 0, "public", page_login},
        {HTTP_POST, "/login", "username password next csrf", FORM_MAX, "public", page_login_post},
        {HTTP_POST, "/logout", "csrf", FORM_MAX, "self", page_logout},
        {HTTP_GET, "/account", "done", 0, "self", page_account},
        {HTTP_GET, "/account/password", "", 0, "self.password", page_password},
        {HTTP_POST, "/account/password", "current new confirm csrf", FORM_MAX, "self.password",
         page_password_post},
        {HTTP_POST, "/account/logout-all", "csrf", FORM_MAX, "self", page_logout_all},
        {HTTP_POST, "/account/tokens", "name csrf", FORM_MAX, "self", page_token_create},
        {HTTP_POST, "/account/tokens/:id/revoke", "csrf", FORM_MAX, "self", page_token_revoke},
        {HTTP_GET, "/api/v1/me", "", 0, "self", api_me},

        {HTTP_GET, "/units/:code/users", "scope", 0, "unit:users.view", page_unit_users},
        {HTTP_POST, "/units/:code/users", "username full_name email role csrf", FORM_MAX,
         "unit:users.manage", page_unit_users_post},
        {HTTP_GET, "/units/:code/users/bulk", "", 0, "unit:users.manage", page_users_bulk},
        {HTTP_POST, "/units/:code/users/bulk", "scope role format csrf", FORM_MAX,
         "unit:users.manage", page_users_bulk_post},
        {HTTP_GET, "/units/:code/audit", "before", 0, "unit:audit.read", page_unit_audit},
        {HTTP_GET, "/users/:id", "", 0, "user:users.view", page_user},
        {HTTP_POST, "/users/:id/disable", "disabled csrf", FORM_MAX, "user:users.manage",
         page_user_disable},
        {HTTP_POST, "/users/:id/password-reset", "csrf", FORM_MAX, "user:users.manage",
         page_user_reset},
        {HTTP_POST, "/users/:id/roles", "unit role csrf", FORM_MAX, "user:users.manage",
         page_user_role_add},
        {HTTP_POST, "/users/:id/roles/remove", "unit role csrf", FORM_MAX, "user:users.manage",
         page_user_role_remove},
        {HTTP_GET, "/api/v1/units/:code/users", "", 0, "unit:users.view", api_unit_users},
        {HTTP_POST, "/api/v1/units/:code/users", "csrf", FORM_MAX, "unit:users.manage",
         api_unit_users_post},
        {HTTP_GET, "/api/v1/units/:code/audit", "before", 0, "unit:audit.read", api_unit_audit},

        {HTTP_GET, "/campaigns", "", 0, "public", page_campaigns},
        {HTTP_GET, "/api/v1/campaigns", "", 0, "public", page_campaigns},
        {HTTP_GET, "/campaigns/:id/units/:code", "drafts chi_tieu with", 0, "unit:unit.view",
         page_campaign_unit},
        {HTTP_GET, "/campaigns/:id/units/:code/charts/progress.svg", "", 0, "unit:unit.view",
         page_chart_progress},
        {HTTP_GET, "/campaigns/:id/units/:code/charts/indicator.svg", "drafts chi_tieu with", 0,
         "unit:unit.view", page_chart_indicator},
        {HTTP_GET, "/api/v1/campaigns/:id/units/:code", "drafts", 0, "unit:unit.view",
         page_campaign_unit},
        {HTTP_GET, "/campaigns/:id/units/:code/report", "done prefill", 0, "unit:unit.view",
         page_report},
        {HTTP_GET, "/api/v1/campaigns/:id/units/:code/report", "", 0, "unit:unit.view",
         page_report},
        {HTTP_POST, "/campaigns/:id/units/:code/report", "version csrf", REPORT_MAX,
         "unit:report.edit", page_report_save},
        {HTTP_POST, "/api/v1/campaigns/:id/units/:code/report", "csrf", REPORT_MAX,
         "unit:report.edit", page_report_save},
        {HTTP_POST, "/campaigns/:id/units/:code/submit", "version reason confirm_missing csrf",
         REPORT_MAX, "unit:report.submit", page_report_submit},
        {HTTP_POST, "/api/v1/campaigns/:id/units/:code/submit", "csrf", REPORT_MAX,
         "unit:report.submit", page_report_submit},
        {HTTP_POST, "/campaigns/:id/units/:code/return", "version comment csrf", FORM_MAX,
         "unit:report.review", page_report_return},
        {HTTP_POST, "/api/v1/campaigns/:id/units/:code/return", "csrf", FORM_MAX,
         "unit:report.review", page_report_return},
        {HTTP_POST, "/campaigns/:id/units/:code/approve", "version csrf", FORM_MAX,
         "unit:report.review", page_report_approve},
        {HTTP_POST, "/api/v1/campaigns/:id/units/:code/approve", "csrf", FORM_MAX,
         "unit:report.review", page_report_approve},
        {HTTP_POST, "/campaigns/:id/units/:code/reopen", "version comment csrf", FORM_MAX,
         "unit:report.review", page_report_reopen},
        {HTTP_POST, "/api/v1/campaigns/:id/units/:code/reopen", "csrf", FORM_MAX,
         "unit:report.review", page_report_reopen},
        {HTTP_POST, "/api/v1/campaigns/:id/values", "dry_run csrf", VALUES_MAX, "self",
         api_values_import},
        {HTTP_GET, "/api/v1/campaigns/:id/values", "unit", 0, "qunit:unit.view", api_values_export},
        /* the page: whoever sees the unit opens it; each row's unit is checked for
         * report.edit by the service */
        {HTTP_GET, "/campaigns/:id/units/:code/values", "", 0, "unit:unit.view", page_values_form},
        {HTTP_POST, "/campaigns/:id/units/:code/values", "dry_run csrf", VALUES_MAX,
         "unit:unit.view", page_values_import},
        {HTTP_GET, "/campaigns/:id/units/:code/values.csv", "", 0, "unit:unit.view",
         page_values_csv},
        {HTTP_GET, "/campaigns/:id/units/:code/status", "done n", 0, "unit:unit.view", page_chase},
        {HTTP_GET, "/api/v1/campaigns/:id/units/:code/status", "", 0, "unit:unit.view", page_chase},
        {HTTP_POST, "/campaigns/:id/units/:code/remind", "note back csrf", FORM_MAX,
         "unit:report.review", page_remind},
        {HTTP_POST, "/api/v1/campaigns/:id/units/:code/remind", "note", FORM_MAX,
         "unit:report.review", page_remind},
        {HTTP_POST, "/campaigns/:id/units/:code/remind-all", "note csrf", FORM_MAX,
         "below:report.review", page_remind_all},
        {HTTP_POST, "/api/v1/campaigns/:id/units/:code/remind-all", "note", FORM_MAX,
         "below:report.review", page_remind_all},
        {HTTP_POST, "/units/:code/campaigns/:id/chase", "remind_days escalate_days automatic csrf",
         FORM_MAX, "unit:campaign.manage", page_chase_schedule},
        /* notices (src/app/notice_pages.c) */
        {HTTP_GET, "/notices", "truoc unread done", 0, "self", page_notices},
        {HTTP_GET, "/api/v1/notices", "before unread", 0, "self", page_notices},
        {HTTP_GET, "/notices/:id", "", 0, "self", page_notice_open},
        {HTTP_POST, "/notices/read", "csrf", FORM_MAX, "self", page_notices_read},
        {HTTP_POST, "/api/v1/notices/read", "", FORM_MAX, "self", page_notices_read},
        {HTTP_GET, "/campaigns/:id/units/:code/phuluc.xlsx", "", 0, "unit:unit.view",
         page_export_phuluc},
        {HTTP_GET, "/campaigns/:id/units/:code/phuluc.pdf", "", 0, "unit:unit.view",
         page_export_phuluc_pdf},
        {HTTP_GET, "/campaigns/:id/units/:code/matrix", "format", 0, "unit:unit.view",
         page_export_matrix},
        {HTTP_GET, "/campaigns/:id/units/:code/table", "depth kind sort dir drafts group format", 0,
         "unit:unit.view", page_unit_table},
        {HTTP_GET, "/api/v1/campaigns/:id/units/:code/table", "depth kind sort dir drafts group", 0,
         "unit:unit.view", page_unit_table},
        {HTTP_GET, "/campaigns/:id/units/:code/compare", "with drafts", 0, "unit:unit.view",
         page_compare},
        {HTTP_GET, "/campaigns/:id/units/:code/compare.xlsx", "with drafts", 0, "unit:unit.view",
         page_compare_xlsx},
        {HTTP_GET, "/api/v1/campaigns/:id/units/:code/compare", "with drafts", 0, "unit:unit.view",
         api_compare},
        {HTTP_POST, "/campaigns/:id/units/:code/photos", "caption csrf", PHOTO_BODY_MAX,
         "unit:report.edit", page_photo_upload},
        {HTTP_GET, "/campaigns/:id/units/:code/photos/:pid", "size", 0, "unit:unit.view",
         page_photo},
        {HTTP_POST, "/campaigns/:id/units/:code/photos/:pid/delete", "csrf", FORM_MAX,
         "unit:report.edit", page_photo_delete},
        {HTTP_GET, "/units/:code/campaigns/new", "", 0, "unit:campaign.manage", page_campaign_new},
        {HTTP_POST, "/units/:code/campaigns",
         "name year theme template start end registration opening_time opening_place "
         "opening_participants due due_levels status parent csrf",
         FORM_MAX, "unit:campaign.manage", page_campaign_create},
        {HTTP_POST, "/units/:code/campaigns/:id/status", "status confirm csrf", FORM_MAX,
         "unit:campaign.manage", page_campaign_status},
        /* the registry through time (src/app/registry_pages.c): two registry files of
         * ~1 MB each, in a multipart body */
        {HTTP_GET, "/admin/mail", "done", 0, "root:system.manage", page_admin_mail},
        {HTTP_GET, "/api/v1/admin/mail", "", 0, "root:system.manage", page_admin_mail},
        {HTTP_POST, "/admin/mail/:id/retry", "csrf", FORM_MAX, "root:system.manage",
         page_admin_mail_retry},
        {HTTP_GET, "/admin/registry", "done roles", 0, "root:system.manage", page_registry},
        {HTTP_POST, "/admin/registry/preview", "as_of_day csrf", REGISTRY_MAX, "root:system.manage",
         page_registry_preview},
        {HTTP_POST, "/admin/registry/uploads/:uid/apply", "carry_roles csrf", FORM_MAX,
         "root:system.manage", page_registry_confirm},
        {HTTP_GET, "/admin/registry/pending", "done", 0, "root:system.manage",
         page_registry_pending},
        {HTTP_GET, "/admin/registry/pending.csv", "", 0, "root:system.manage",
         page_registry_pending_csv},
        {HTTP_POST, "/admin/registry/place", "csrf", FORM_MAX * 8, "root:system.manage",
         page_registry_place},
        {HTTP_POST, "/admin/registry/place.csv", "csrf", VALUES_MAX, "root:system.manage",
         page_registry_place_csv},
        {HTTP_GET, "/templates", "", 0, "self", page_templates},
        {HTTP_POST, "/templates", "json csrf", TEMPLATE_MAX_BODY, "root:system.manage",
         page_template_import},
        {HTTP_POST, "/api/v1/templates", "csrf", TEMPLATE_MAX_BODY, "root:system.manage",
         page_template_import},
        {HTTP_GET, "/templates/:tid/json", "", 0, "self", page_template_json},
        {HTTP_GET, "/templates/:tid/edit", "", 0, "root:system.manage", page_template_edit},
        {HTTP_POST, "/templates/:tid", "json csrf", TEMPLATE_MAX_BODY, "root:system.manage",
         page_template_save},
        {HTTP_POST, "/templates/:tid/copy", "year csrf", FORM_MAX, "root:system.manage",
         page_template_copy},
        /* activities (src/app/activity_pages.c) */
        /* their forms take 48 KiB: 5,000 bytes of Vietnamese are ~15,000 percent-encoded */
        {HTTP_GET, "/units/:code/activities", "view week kind mode unit scope", 0, "unit:unit.view",
         page_activities},
        {HTTP_GET, "/units/:code/activities/new", "campaign", 0, "unit:report.edit",
         page_activity_new},
        {HTTP_POST, "/units/:code/activities",
         "campaign kind title description start_date start_time end_date end_time place mode "
         "link audience expected public late_ok csrf",
         48 * 1024, "unit:report.edit", page_activity_create},
        {HTTP_GET, "/units/:code/activities/:aid", "done", 0, "unit:unit.view", page_activity},
        {HTTP_POST, "/units/:code/activities/:aid",
         "campaign kind title description start_date start_time end_date end_time place mode "
         "link audience expected public version csrf",
         48 * 1024, "unit:report.edit", page_activity_update},
        {HTTP_POST, "/units/:code/activities/:aid/outcome", "status actual outcome version csrf",
         48 * 1024, "unit:report.edit", page_activity_outcome},
        {HTTP_POST, "/units/:code/activities/:aid/photos", "caption csrf", PHOTO_BODY_MAX,
         "unit:report.edit", page_activity_photo_upload},
        {HTTP_GET, "/units/:code/activities/:aid/photos/:pid", "size", 0, "unit:unit.view",
         page_activity_photo},
        /* the same upload in chunks, resumed after a dropped connection (docs/api.md) */
        {HTTP_POST, "/units/:code/activities/:aid/photos/uploads", "size caption csrf", FORM_MAX,
         "unit:report.edit", page_photo_upload_create},
        {HTTP_POST, "/units/:code/activities/:aid/photos/uploads/:uid", "csrf", UPL_CHUNK_MAX,
         "unit:report.edit", page_photo_upload_chunk},
        {HTTP_GET, "/units/:code/activities/:aid/photos/uploads/:uid", "", 0, "unit:report.edit",
         page_photo_upload_status},
        {HTTP_POST, "/units/:code/activities/:aid/photos/uploads/:uid/finish", "csrf", FORM_MAX,
         "unit:report.edit", page_photo_upload_finish},
        {HTTP_POST, "/units/:code/activities/:aid/photos/:pid/delete", "csrf", FORM_MAX,
         "unit:report.edit", page_activity_photo_delete},
        {HTTP_GET, "/api/v1/units/:code/activities", "from to kind mode scope", 0, "unit:unit.view",
         api_activities},
        {HTTP_POST, "/api/v1/units/:code/activities", "csrf", 48 * 1024, "unit:report.edit",
         page_activity_create},
        /* the same edit and outcome as JSON (a phone sending what it kept offline) */
        {HTTP_POST, "/api/v1/units/:code/activities/:aid", "csrf", 48 * 1024, "unit:report.edit",
         page_activity_update},
        {HTTP_POST, "/api/v1/units/:code/activities/:aid/outcome", "csrf", 48 * 1024,
         "unit:report.edit", page_activity_outcome},
        {HTTP_GET, "/lich", "unit kind mode week view q", 0, "public", page_lich},
        {HTTP_GET, "/lich/:aid", "", 0, "public", page_lich_event},
        {HTTP_GET, "/lich/:aid/event.ics", "", 0, "public", page_event_ics},
        {HTTP_GET, "/lich/:aid/photos/:pid", "size", 0, "public", page_lich_photo},
        {HTTP_GET, "/units/:code/lich.ics", "scope", 0, "public", page_unit_ics},
        {HTTP_GET, "/api/v1/lich", "unit kind mode from to", 0, "public", api_lich},
        /* class enrolment (src/app/enrol_pages.c): citizens without an account; the
         * unit's list holds names and phones, so it needs report.edit */
        {HTTP_GET, "/lich/:aid/dang-ky", "", 0, "public", page_enrol_form},
        {HTTP_POST, "/lich/:aid/dang-ky", "name phone birth_year note consent website csrf",
         FORM_MAX, "public", page_enrol_post},
        {HTTP_GET, "/lich/:aid/ma/:ecode", "done", 0, "public", page_enrol_status},
        {HTTP_GET, "/lich/:aid/huy", "code", 0, "public", page_enrol_cancel_form},
        {HTTP_POST, "/lich/:aid/huy", "code phone4 csrf", FORM_MAX, "public", page_enrol_cancel},
        {HTTP_GET, "/api/v1/lich/:aid/enrolment", "", 0, "public", api_enrol_public},
        {HTTP_POST, "/api/v1/lich/:aid/enrolments", "csrf", FORM_MAX, "public", page_enrol_post},
        {HTTP_POST, "/api/v1/lich/:aid/enrolments/cancel", "csrf", FORM_MAX, "public",
         page_enrol_cancel},
        {HTTP_GET, "/units/:code/activities/:aid/enrolments", "done", 0, "unit:report.edit",
         page_enrolments},
        {HTTP_GET, "/units/:code/activities/:aid/enrolments.xlsx", "", 0, "unit:report.edit",
         page_enrolments_xlsx},
        {HTTP_POST, "/units/:code/activities/:aid/enrolments/settings",
         "enrol_open enrol_fee enrol_capacity enrol_deadline_date enrol_deadline_time "
         "enrol_contact_name enrol_contact_phone enrol_contact_email csrf",
         FORM_MAX, "unit:report.edit", page_enrol_settings},
        {HTTP_POST, "/units/:code/activities/:aid/enrolments/attendance", "attended csrf",
         64 * 1024, "unit:report.edit", page_enrol_attendance},
        {HTTP_GET, "/api/v1/units/:code/activities/:aid/enrolments", "", 0, "unit:report.edit",
         api_enrolments},
        {HTTP_POST, "/api/v1/units/:code/activities/:aid/enrolments/settings", "csrf", FORM_MAX,
         "unit:report.edit", page_enrol_settings},
        /* end of activities */
        /* open learning resources (src/app/resource_pages.c): a file of up to 20 MB in a
         * multipart form, or base64 in JSON (4/3 of it) */
        {HTTP_GET, "/units/:code/hoc-lieu", "done", 0, "unit:unit.view", page_unit_resources},
        {HTTP_POST, "/units/:code/hoc-lieu",
         "title description topic audience licence link published status campaign csrf",
         RES_BODY_MAX, "unit:report.edit", page_resource_create},
        {HTTP_GET, "/units/:code/hoc-lieu/:rid", "done", 0, "unit:unit.view", page_unit_resource},
        {HTTP_POST, "/units/:code/hoc-lieu/:rid",
         "title description topic audience licence link published status campaign version csrf",
         RES_BODY_MAX, "unit:report.edit", page_resource_update},
        {HTTP_GET, "/units/:code/hoc-lieu/:rid/file", "", 0, "unit:unit.view",
         page_unit_resource_file},
        {HTTP_GET, "/api/v1/units/:code/resources", "status", 0, "unit:unit.view",
         api_unit_resources},
        {HTTP_POST, "/api/v1/units/:code/resources", "csrf", RES_BODY_MAX, "unit:report.edit",
         page_resource_create},
        {HTTP_POST, "/api/v1/units/:code/resources/:rid", "csrf", RES_BODY_MAX, "unit:report.edit",
         page_resource_update},
        {HTTP_GET, "/hoc-lieu", "q topic audience type place page", 0, "public", page_hoc_lieu},
        {HTTP_GET, "/hoc-lieu/:rid", "", 0, "public", page_hoc_lieu_item},
        {HTTP_GET, "/hoc-lieu/:rid/file", "", 0, "public", page_hoc_lieu_file},
        {HTTP_GET, "/api/v1/hoc-lieu", "q topic audience type place page", 0, "public",
         api_hoc_lieu},
        /* end of open learning resources */
        /* commendation proposals and decisions (src/app/award_pages.c): a proposal's ops
         * need different rights (report.edit, report.submit, campaign.manage at :code),
         * checked by the service on the op (service/awards.h) */
        {HTTP_GET, "/units/:code/khen-thuong", "done", 0, "unit:unit.view", page_awards},
        {HTTP_POST, "/units/:code/khen-thuong", "category name place achievements form amount csrf",
         AWARD_BODY_MAX, "unit:report.edit", page_award_create},
        {HTTP_POST, "/units/:code/khen-thuong/quyet-dinh", "proposal fund_source signer_name csrf",
         REVIEW_MAX, "unit:campaign.manage", page_award_decide},
        {HTTP_GET, "/units/:code/khen-thuong/:pid", "done", 0, "unit:unit.view", page_award},
        {HTTP_POST, "/units/:code/khen-thuong/:pid",
         "op version comment category name place achievements form amount csrf", AWARD_BODY_MAX,
         "unit:unit.view", page_award_act},
        {HTTP_GET, "/units/:code/khen-thuong/:pid/files/:fid", "", 0, "unit:unit.view",
         page_award_file},
        {HTTP_GET, "/api/v1/units/:code/awards", "", 0, "unit:unit.view", page_awards},
        {HTTP_POST, "/api/v1/units/:code/awards", "csrf", AWARD_BODY_MAX, "unit:report.edit",
         page_award_create},
        {HTTP_GET, "/api/v1/units/:code/awards/:pid", "", 0, "unit:unit.view", page_award},
        {HTTP_POST, "/api/v1/units/:code/awards/:pid", "csrf", AWARD_BODY_MAX, "unit:unit.view",
         page_award_act},
        {HTTP_POST, "/api/v1/units/:code/award-decisions", "csrf", REVIEW_MAX,
         "unit:campaign.manage", page_award_decide},
        /* end of commendation */
        /* reading culture (src/app/reading_pages.c): shelves, the book ledger, reading */
        {HTTP_GET, "/units/:code/van-hoa-doc", "year done", 0, "unit:unit.view", page_reading},
        {HTTP_POST, "/units/:code/van-hoa-doc/shelves", "name kind books_start opened status csrf",
         FORM_MAX, "unit:report.edit", page_reading_shelf_create},
        {HTTP_POST, "/units/:code/van-hoa-doc/shelves/:sid/status", "status csrf", FORM_MAX,
         "unit:report.edit", page_reading_shelf_status},
        {HTTP_POST, "/units/:code/van-hoa-doc/moves", "kind date shelf to_shelf count note csrf",
         FORM_MAX, "unit:report.edit", page_reading_move_create},
        {HTTP_POST, "/units/:code/van-hoa-doc/moves/:mid/receive", "csrf", FORM_MAX,
         "unit:report.edit", page_reading_move_receive},
        {HTTP_POST, "/units/:code/van-hoa-doc/reads", "shelf date channel readers loans note csrf",
         FORM_MAX, "unit:report.edit", page_reading_read_create},
        {HTTP_GET, "/api/v1/units/:code/reading", "year", 0, "unit:unit.view", page_reading},
        {HTTP_POST, "/api/v1/units/:code/reading/shelves", "csrf", FORM_MAX, "unit:report.edit",
         page_reading_shelf_create},
        {HTTP_POST, "/api/v1/units/:code/reading/shelves/:sid/status", "csrf", FORM_MAX,
         "unit:report.edit", page_reading_shelf_status},
        {HTTP_POST, "/api/v1/units/:code/reading/moves", "csrf", FORM_MAX, "unit:report.edit",
         page_reading_move_create},
        {HTTP_POST, "/api/v1/units/:code/reading/moves/:mid/receive", "csrf", FORM_MAX,
         "unit:report.edit", page_reading_move_receive},
        {HTTP_POST, "/api/v1/units/:code/reading/reads", "csrf", FORM_MAX, "unit:report.edit",
         page_reading_read_create},
        /* end of reading culture */
        /* contests with citizen entries (src/app/contest_pages.c, docs/contests.md):
         * citizens without an account; the organiser's staff; judges are signed-in users
         * the contest names (checked in the handler, as a contest's unit is) */
        {HTTP_GET, "/cuoc-thi", "place", 0, "public", page_contests},
        {HTTP_GET, "/cuoc-thi/:cid", "", 0, "public", page_contest},
        {HTTP_GET, "/cuoc-thi/:cid/du-thi", "", 0, "public", page_contest_entry_form},
        {HTTP_POST, "/cuoc-thi/:cid/du-thi",
         "name phone email locality title body media consent website csrf", CONTEST_BODY_MAX,
         "public", page_contest_entry_post},
        {HTTP_GET, "/cuoc-thi/:cid/ma/:ecode", "done", 0, "public", page_contest_entry_status},
        {HTTP_GET, "/cuoc-thi/:cid/tra-cuu", "code", 0, "public", page_contest_lookup},
        {HTTP_POST, "/cuoc-thi/:cid/rut", "code phone4 csrf", FORM_MAX, "public",
         page_contest_withdraw},
        {HTTP_GET, "/cuoc-thi/:cid/bai/:eid/tep", "", 0, "public", page_contest_media},
        {HTTP_GET, "/cuoc-thi/:cid/cham", "done", 0, "self", page_contest_judging},
        {HTTP_POST, "/cuoc-thi/:cid/cham/:eid", "score comment csrf", FORM_MAX, "self",
         page_contest_score},
        {HTTP_GET, "/api/v1/contests", "place", 0, "public", api_contests},
        {HTTP_GET, "/api/v1/contests/:cid", "", 0, "public", api_contest},
        {HTTP_POST, "/api/v1/contests/:cid/entries/:eid/score", "csrf", FORM_MAX, "self",
         page_contest_score},
        {HTTP_GET, "/units/:code/cuoc-thi", "", 0, "unit:report.edit", page_unit_contests},
        {HTTP_POST, "/units/:code/cuoc-thi",
         "title theme rules type_text type_photo type_audio type_video audio_minutes "
         "video_minutes audio_mb video_mb starts ends results status judges csrf",
         CONTEST_FORM_MAX, "unit:report.edit", page_unit_contest_create},
        {HTTP_GET, "/units/:code/cuoc-thi/:cid", "done", 0, "unit:report.edit",
         page_unit_contest},
        {HTTP_POST, "/units/:code/cuoc-thi/:cid",
         "title theme rules type_text type_photo type_audio type_video audio_minutes "
         "video_minutes audio_mb video_mb starts ends results status judges csrf",
         CONTEST_FORM_MAX, "unit:report.edit", page_unit_contest_update},
        {HTTP_POST, "/units/:code/cuoc-thi/:cid/bai/:eid", "action reason prize csrf", FORM_MAX,
         "unit:report.edit", page_unit_contest_entry},
        {HTTP_POST, "/units/:code/cuoc-thi/:cid/cong-bo", "csrf", FORM_MAX, "unit:report.edit",
         page_unit_contest_announce},
        {HTTP_GET, "/units/:code/cuoc-thi/:cid/bai/:eid/tep", "", 0, "unit:report.edit",
         page_unit_contest_media},
        {HTTP_GET, "/api/v1/units/:code/contests/:cid/entries", "status", 0, "unit:report.edit",
         api_unit_contest_entries},
        {HTTP_POST, "/api/v1/units/:code/contests", "csrf", CONTEST_FORM_MAX, "unit:report.edit",
         page_unit_contest_create},
        {HTTP_POST, "/api/v1/units/:code/contests/:cid", "csrf", CONTEST_FORM_MAX,
         "unit:report.edit", page_unit_contest_update},
        {HTTP_POST, "/api/v1/units/:code/contests/:cid/entries/:eid", "csrf", FORM_MAX,
         "unit:report.edit", page_unit_contest_entry},
        {HTTP_POST, "/api/v1/units/:code/contests/:cid/announce", "csrf", FORM_MAX,
         "unit:report.edit", page_unit_contest_announce},
        /* end of contests */
        /* documents and tasks (src/app/doc_pages.c) */
        {HTTP_GET, "/units/:code/docs", "", 0, "unit:unit.view", page_docs},
        {HTTP_GET, "/api/v1/units/:code/docs", "", 0, "unit:unit.view", page_docs},
        {HTTP_GET, "/units/:code/docs/new", "kind campaign from", 0, "unit:campaign.manage",
         page_doc_new},
        {HTTP_POST, "/units/:code/docs", DOC_FORM_PARAMS " from csrf", DOC_FORM_MAX,
         "unit:campaign.manage", page_doc_create},
        {HTTP_POST, "/api/v1/units/:code/docs", "csrf", DOC_FORM_MAX, "unit:campaign.manage",
         api_doc_create},
        /* a Word draft imported (src/app/doc_import_pages.c): before ":did" matches */
        {HTTP_GET, "/units/:code/docs/import", "", 0, "unit:campaign.manage", page_doc_import_form},
        {HTTP_POST, "/units/:code/docs/import", "csrf", DOC_IMPORT_MAX, "unit:campaign.manage",
         page_doc_import},
        {HTTP_GET, "/units/:code/docs/:did/import", "", 0, "unit:campaign.manage",
         page_doc_import_review},
        {HTTP_POST, "/api/v1/units/:code/docs/import", "csrf", DOCX_MAX_FILE,
         "unit:campaign.manage", api_doc_import},
        {HTTP_GET, "/units/:code/docs/:did", "done", 0, "unit:unit.view", page_doc},
        {HTTP_GET, "/api/v1/units/:code/docs/:did", "", 0, "unit:unit.view", page_doc},
        {HTTP_POST, "/units/:code/docs/:did", DOC_FORM_PARAMS " version csrf", DOC_FORM_MAX,
         "unit:campaign.manage", page_doc_save},
        {HTTP_POST, "/units/:code/docs/:did/publish", "version number date csrf", FORM_MAX,
         "unit:campaign.manage", page_doc_publish},
        {HTTP_POST, "/units/:code/docs/:did/public", "public csrf", FORM_MAX,
         "unit:campaign.manage", page_doc_public},
        {HTTP_POST, "/units/:code/docs/:did/sign", "csrf", FORM_MAX, "unit:campaign.manage",
         page_doc_sign},
        {HTTP_GET, "/units/:code/docs/:did/pdf", "", 0, "unit:unit.view", page_doc_file},
        {HTTP_GET, "/units/:code/docs/:did/docx", "", 0, "unit:unit.view", page_doc_file},
        /* the certificates of an issued commendation decision (award_cert_pages.c) */
        {HTTP_GET, "/units/:code/docs/:did/giay-khen.pdf", "p", 0, "unit:unit.view",
         page_award_certs},
        {HTTP_GET, "/units/:code/tasks", "done", 0, "unit:unit.view", page_tasks},
        {HTTP_GET, "/api/v1/units/:code/tasks", "", 0, "unit:unit.view", page_tasks},
        {HTTP_POST, "/units/:code/tasks/:tkid", "done note csrf", FORM_MAX, "unit:report.edit",
         page_task_done},
        {HTTP_GET, "/van-ban/:did", "", 0, "public", page_public_doc},
        {HTTP_GET, "/van-ban/:did/pdf", "", 0, "public", page_public_doc_file},
        {HTTP_GET, "/van-ban/:did/docx", "", 0, "public", page_public_doc_file},
        /* end of documents */
        /* the review queue (src/app/review_pages.c): whoever reviews every unit under
         * :code opens it; each unit acted on is checked again */
        {HTTP_GET, "/campaigns/:id/units/:code/review", "done n more loi sig tra", 0,
         "below:report.review", page_review_queue},
        {HTTP_GET, "/api/v1/campaigns/:id/units/:code/review", "", 0, "below:report.review",
         page_review_queue},
        {HTTP_POST, "/campaigns/:id/units/:code/review",
         "action unit versions approve_one comment csrf", REVIEW_MAX, "below:report.review",
         page_review_act},
        {HTTP_POST, "/api/v1/campaigns/:id/units/:code/review", "csrf", REVIEW_MAX,
         "below:report.review", page_review_act},
        {HTTP_GET, "/review", "", 0, "self", page_review_home},
        /* the outlier list (src/app/outlier_pages.c): the same reviewers as the queue */
        {HTTP_GET, "/campaigns/:id/units/:code/outliers", "", 0, "below:report.review",
         page_outliers},
        {HTTP_GET, "/api/v1/campaigns/:id/units/:code/outliers", "", 0, "below:report.review",
         page_outliers},
        /* end of the review queue */
        /* the budget of a campaign (src/app/budget_pages.c, docs/budget.md) */
        {HTTP_GET, "/campaigns/:id/units/:code/kinh-phi", "done", 0, "unit:unit.view", page_budget},
        {HTTP_POST, "/campaigns/:id/units/:code/kinh-phi", BUDGET_FORM_PARAMS, FORM_MAX,
         "unit:report.edit", page_budget_save},
        {HTTP_GET, "/campaigns/:id/units/:code/kinh-phi.xlsx", "", 0, "unit:unit.view",
         page_budget_export},
        {HTTP_GET, "/campaigns/:id/units/:code/kinh-phi.csv", "", 0, "unit:unit.view",
         page_budget_export},
        {HTTP_GET, "/api/v1/campaigns/:id/units/:code/budget", "", 0, "unit:unit.view",
         page_budget},
        {HTTP_POST, "/api/v1/campaigns/:id/units/:code/budget", "csrf", FORM_MAX,
         "unit:report.edit", page_budget_save},
        /* end of the budget */
};

const http_route_t *
app_routes(size_t *n)
{
	*n = sizeof routes / sizeof routes[0];
	return routes;
}

/* The server's error pages, with the contest entry's own sentence for a body over its cap
 * (refused from the Content-Length before it is read). */
static void
app_on_error(http_req_t *req, int status, const char *message)
{
	if (status == 413)
		message = contest_too_big_message(req, message);
	app_error_page(req, status, message);
}

void
app_http_config(app_t *app, http_config_t *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->routes = app_routes(&cfg->nroutes);
	cfg->before = app_guard;
	cfg->on_error = app_on_error;
	cfg->static_dir = app->static_dir;
	cfg->spool_dir = app->upload_dir; /* large bodies beside the resumable uploads */
	cfg->app = app;
	cfg->trusted_proxy = app_trusted_proxy;
	cfg->on_reload = app_settings_reload;
	if (app->http_stats == NULL)
		app->http_stats = http_stats_new(cfg->routes, cfg->nroutes);
	cfg->stats = app->http_stats;
}

static void *jobs_loop(void *arg);

const char *
app_files_prefix(const char *db, const char *files)
{
	if (files && *files)
		return files;
	if (strncmp(db, "postgres://", 11) != 0 && strncmp(db, "postgresql://", 13) != 0)
		return strncmp(db, "sqlite:", 7) == 0 ? db + 7 : db;
	const char *env = getenv("SUOTDOI_FILES");
	return env && *env ? env : "var/suotdoi";
}

int
app_open(app_t *app, const char *db, const char *assets, char *err, size_t errlen)
{
	return app_open_files(app, db, NULL, assets, err, errlen);
}

int
app_open_files(app_t *app, const char *db, const char *files, const char *assets, char *err,
               size_t errlen)
{
	memset(app, 0, sizeof *app);
	jsonin_use_our_allocator(); /* every binary with an app comes here first */
	pthread_mutex_init(&app->tree_mu, NULL);
	pthread_mutex_init(&app->days_mu, NULL);
	pthread_mutex_init(&app->touch_mu, NULL);
	pthread_mutex_init(&app->jobs_mu, NULL);
	pthread_cond_init(&app->jobs_cv, NULL);
	app->jobs_tail = &app->jobs;
	app->assets = xstrdup(assets ? assets : SUOTDOI_SOURCE_DIR);
	size_t sl = strlen(app->assets) + sizeof "/static";
	app->static_dir = xmalloc(sl);
	snprintf(app->static_dir, sl, "%s/static", app->assets);
	files = app_files_prefix(db, files);
	size_t ul = strlen(files) + sizeof ".uploads";
	app->upload_dir = xmalloc(ul);
	snprintf(app->upload_dir, ul, "%s.uploads", files);
	if (store_open(db, &app->store, err, errlen) < 0)
		return -1;
	app->tmpl = tmpl_set_new();
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/templates", app->assets);
	if (tmpl_set_load_dir(app->tmpl, dir, err, errlen) < 0)
		return -1;
	snprintf(dir, sizeof dir, "%s/data/awards.json", app->assets);
	if ((app->awards = award_catalog_load(dir, err, errlen)) == NULL)
		return -1;
	if (unit_tree_build(app->store, &app->tree, err, errlen) < 0)
		return -1;
	app->trees[0] = app->tree;
	unit_tree_ref(app->tree);
	if (auth_init() < 0) {
		snprintf(err, errlen, "Không khởi động được thư viện mật mã (libsodium).");
		return -1;
	}
	app->throttle = app_login_throttle_new(0);
	app->ip_throttle = app_login_throttle_new(1);
	app->enrol_limit = auth_throttle_new(0, 3600, 0);
	app->auth_cache = auth_cache_new();
	app->live = rep_live_new(dashboard_cache_new, dashboard_cache_free);
	rep_live_set_awards(app->live, app->awards);
	app->review_cache = review_cache_new();
	app->unread_cache = unread_cache_new();
	app->writer = writer_start(app->store, 0);
	if (app->writer == NULL) {
		snprintf(err, errlen, "Không khởi động được luồng ghi dữ liệu.");
		return -1;
	}
	/* as the watcher: SIGINT and SIGTERM stay for the thread that stops the server */
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	app->jobs_running = pthread_create(&app->jobs_thread, NULL, jobs_loop, app) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!app->jobs_running) {
		snprintf(err, errlen, "Không khởi động được luồng xử lý nền.");
		return -1;
	}
	return 0;
}

struct app_job {
	void (*work)(void *arg);
	void *arg;
	http_req_t *req;
	struct app_job *next;
};

int
app_offload(http_req_t *req, void (*work)(void *arg), int (*answer)(http_req_t *req, void *arg),
            void *arg)
{
	app_t *app = http_req_app(req);
	struct app_job *j = arena_alloc(http_req_arena(req), sizeof *j);
	*j = (struct app_job){work, arg, req, NULL};
	int rc = http_req_suspend(req, answer, arg); /* before the job can resume it */
	pthread_mutex_lock(&app->jobs_mu);
	int queued = app->jobs_running && !app->jobs_stopping;
	if (queued) {
		*app->jobs_tail = j;
		app->jobs_tail = &j->next;
		pthread_cond_signal(&app->jobs_cv);
	}
	pthread_mutex_unlock(&app->jobs_mu);
	if (!queued) { /* no background thread (any more): here, then */
		work(arg);
		http_req_resume(req);
	}
	return rc;
}

static void *
jobs_loop(void *arg)
{
	app_t *app = arg;
	pthread_mutex_lock(&app->jobs_mu);
	for (;;) {
		struct app_job *j = app->jobs;
		if (j == NULL) {
			if (app->jobs_stopping)
				break;
			pthread_cond_wait(&app->jobs_cv, &app->jobs_mu);
			continue;
		}
		app->jobs = j->next;
		if (app->jobs == NULL)
			app->jobs_tail = &app->jobs;
		pthread_mutex_unlock(&app->jobs_mu);
		http_req_t *req = j->req; /* j lives in the request's arena */
		j->work(j->arg);
		http_req_resume(req);
		pthread_mutex_lock(&app->jobs_mu);
	}
	pthread_mutex_unlock(&app->jobs_mu);
	return NULL;
}

struct app_touch {
	char kind;
	int64_t id, at;
};

void
app_touch_later(app_t *app, char kind, int64_t id, int64_t now)
{
	pthread_mutex_lock(&app->touch_mu);
	size_t i = 0;
	while (i < app->ntouches && !(app->touches[i].kind == kind && app->touches[i].id == id))
		i++;
	if (i == app->ntouches) {
		if (app->ntouches == app->touch_cap) {
			app->touch_cap = app->touch_cap ? 2 * app->touch_cap : 64;
			app->touches =
			        xrealloc(app->touches, app->touch_cap * sizeof *app->touches);
		}
		app->ntouches++;
	}
	app->touches[i] = (struct app_touch){kind, id, now};
	pthread_mutex_unlock(&app->touch_mu);
}

typedef struct touch_batch {
	store_t *st;
	struct app_touch *t;
	size_t n;
} touch_batch_t;

static int
write_touches(void *arg)
{
	touch_batch_t *b = arg;
	for (size_t i = 0; i < b->n; i++) {
		int rc = b->t[i].kind == 's' ? store_session_touch(b->st, b->t[i].id, b->t[i].at)
		                             : store_token_touch(b->st, b->t[i].id, b->t[i].at);
		if (rc < 0)
			return -1;
	}
	return 0;
}

void
app_touch_flush(app_t *app)
{
	pthread_mutex_lock(&app->touch_mu);
	touch_batch_t b = {app->store, app->touches, app->ntouches};
	app->touches = NULL;
	app->ntouches = app->touch_cap = 0;
	pthread_mutex_unlock(&app->touch_mu);
	if (b.n > 0 && writer_run(app->writer, write_touches, &b) != 0)
		log_error("could not note when %zu sessions or tokens were last used", b.n);
	free(b.t);
}

/* The cached tree covering day (lock held), referenced, or NULL. */
static unit_tree_t *
cached_tree(app_t *app, int32_t day)
{
	for (int k = 0; k < APP_TREES; k++) {
		unit_tree_t *t = app->trees[k];
		if (t && t->generation == app->tree->generation && unit_tree_covers(t, day)) {
			unit_tree_ref(t);
			return t;
		}
	}
	return NULL;
}

/* Keep t (referenced by the caller, who keeps that reference) among the cached trees:
 * a tree of a newer generation empties the cache, one of an older is not kept. Lock
 * held; *drop gets up to APP_TREES + 1 trees to unreference after unlocking. */
static size_t
cache_tree(app_t *app, unit_tree_t *t, unit_tree_t **drop)
{
	size_t nd = 0;
	if (t->generation < app->tree->generation)
		return 0;
	if (t->generation > app->tree->generation) {
		for (int k = 0; k < APP_TREES; k++) {
			if (app->trees[k])
				drop[nd++] = app->trees[k];
			app->trees[k] = NULL;
		}
	}
	int slot = -1;
	for (int k = 0; k < APP_TREES && slot < 0; k++)
		if (app->trees[k] == NULL)
			slot = k;
	if (slot < 0) { /* every slot taken: replace the one after the last replaced */
		slot = app->tree_next++ % APP_TREES;
		drop[nd++] = app->trees[slot];
	}
	unit_tree_ref(t);
	app->trees[slot] = t;
	if (unit_tree_covers(t, unit_today()) || t->generation > app->tree->generation) {
		drop[nd++] = app->tree;
		unit_tree_ref(t);
		app->tree = t;
	}
	return nd;
}

int
app_campaign_day(app_t *app, int64_t id, int32_t *day)
{
	struct app_campaign_day *slot = &app->days[(uint64_t)id % APP_CAMPAIGN_DAYS];
	pthread_mutex_lock(&app->days_mu);
	int hit = slot->id == id && id != 0;
	if (hit)
		*day = slot->day;
	pthread_mutex_unlock(&app->days_mu);
	if (hit)
		return 1;
	int rc = campaign_tree_day(app->store, id, day);
	if (rc == 1) {
		pthread_mutex_lock(&app->days_mu);
		*slot = (struct app_campaign_day){id, *day};
		pthread_mutex_unlock(&app->days_mu);
	}
	return rc;
}

unit_tree_t *
app_tree_at(app_t *app, int32_t day)
{
	pthread_mutex_lock(&app->tree_mu);
	unit_tree_t *t = cached_tree(app, day);
	pthread_mutex_unlock(&app->tree_mu);
	if (t)
		return t;
	char err[256];
	if (unit_tree_build_at(app->store, day, &t, err, sizeof err) < 0) {
		log_error("building the unit tree of day %d: %s", day, err);
		return app_tree(app);
	}
	unit_tree_t *drop[APP_TREES + 2];
	pthread_mutex_lock(&app->tree_mu);
	unit_tree_t *other = cached_tree(app, day); /* built meanwhile by another thread */
	size_t nd = 0;
	if (other)
		drop[nd++] = t, t = other;
	else
		nd = cache_tree(app, t, drop);
	pthread_mutex_unlock(&app->tree_mu);
	for (size_t k = 0; k < nd; k++)
		unit_tree_unref(drop[k]);
	return t;
}

unit_tree_t *
app_tree(app_t *app)
{
	int32_t today = unit_today();
	pthread_mutex_lock(&app->tree_mu);
	unit_tree_t *t = app->tree;
	int current = unit_tree_covers(t, today);
	if (current)
		unit_tree_ref(t);
	pthread_mutex_unlock(&app->tree_mu);
	/* past midnight into a day the registry changes on: that day's tree */
	return current ? t : app_tree_at(app, today);
}

int
app_tree_reload(app_t *app)
{
	char err[256];
	unit_tree_t *t;
	if (unit_tree_build(app->store, &t, err, sizeof err) < 0) {
		log_error("reloading units: %s", err);
		return -1;
	}
	unit_tree_t *drop[APP_TREES + 2];
	pthread_mutex_lock(&app->tree_mu);
	size_t nd = 0;
	for (int k = 0; k < APP_TREES; k++) {
		if (app->trees[k])
			drop[nd++] = app->trees[k];
		app->trees[k] = NULL;
	}
	drop[nd++] = app->tree;
	app->tree = t;
	app->trees[0] = t;
	unit_tree_ref(t);
	pthread_mutex_unlock(&app->tree_mu);
	for (size_t k = 0; k < nd; k++)
		unit_tree_unref(drop[k]);
	log_info("unit tree reloaded: %d units", t->n);
	return 0;
}

/* Background chores: pick up unit imports and report writes made by another process
 * (every 2 s: a command-line value import reaches the dashboards then), and
 * delete sessions that can no longer authenticate (every 10 minutes). */
static void *
watch(void *arg)
{
	app_t *app = arg;
	int64_t seen = store_external_version(app->store);
	for (unsigned tick = 1; !app->stopping; tick++) {
		/* another instance's or process's commits are looked for every 100 ms: a
		 * submission on one instance reaches the others' dashboards within a second */
		for (int i = 0; i < 20 && !app->stopping; i++) {
			usleep(100 * 1000);
			int64_t ext = store_external_version(app->store);
			if (ext != seen) { /* roll-ups are rebuilt from the store on their next read */
				seen = ext;
				rep_live_forget(app->live, 0);
				pthread_mutex_lock(&app->days_mu);
				memset(app->days, 0, sizeof app->days);
				pthread_mutex_unlock(&app->days_mu);
			}
		}
		if (app->stopping)
			break;
		int64_t gen = store_units_generation(app->store);
		unit_tree_t *t = app_tree(app);
		int stale = gen >= 0 && gen != t->generation;
		unit_tree_unref(t);
		if (stale)
			app_tree_reload(app);
		app_touch_flush(app);
		/* the chores done once for the whole deployment (the chase schedule, purges) run
		 * on one instance at a time: the store's leader (always, with SQLite) */
		if (!store_leader(app->store))
			continue;
		if (app->chase_every > 0) {
			int64_t now = app_now();
			if (now - app->chase_last >= app->chase_every) {
				app->chase_last = now;
				app_chase_tick(app, now, NULL, NULL);
			}
		}
		if (tick % 1800 == 900) { /* hourly (a tick is 2 s), away from the sessions' sweep */
			app_enrol_purge_tick(app, app_now(), NULL);
			app_contest_purge_tick(app, app_now(), NULL);
		}
		if (tick % 300 == 0) {
			int64_t now = app_now();
			store_sessions_expire(app->store, now - APP_SESSION_IDLE,
			                      now - APP_SESSION_MAX);
		}
	}
	return NULL;
}

void
app_watch_start(app_t *app)
{
	/* The watcher inherits a mask without SIGINT/SIGTERM, so those always reach the
	 * thread that stops the server gracefully (http_serve's sigwait). */
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	if (pthread_create(&app->watcher, NULL, watch, app) == 0)
		app->watcher_running = 1;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

int
app_mail_on(const app_t *app)
{
	return app->notify.mail_on;
}

void
app_close(app_t *app)
{
	app->stopping = 1;
	if (app->watcher_running)
		pthread_join(app->watcher, NULL);
	if (app->jobs_running) { /* what was queued runs first */
		pthread_mutex_lock(&app->jobs_mu);
		app->jobs_stopping = 1;
		pthread_cond_signal(&app->jobs_cv);
		pthread_mutex_unlock(&app->jobs_mu);
		pthread_join(app->jobs_thread, NULL);
	}
	mailer_free(app->mailer); /* it records its attempts through the writer */
	app->mailer = NULL;
	if (app->writer) {
		app_touch_flush(app);
		writer_stop(app->writer);
	}
	free(app->touches);
	rep_live_free(app->live);
	review_cache_free(app->review_cache);
	unread_cache_free(app->unread_cache);
	unit_tree_unref(app->tree);
	for (int k = 0; k < APP_TREES; k++)
		if (app->trees[k])
			unit_tree_unref(app->trees[k]);
	if (app->throttle)
		auth_throttle_free(app->throttle);
	if (app->ip_throttle)
		auth_throttle_free(app->ip_throttle);
	if (app->enrol_limit)
		auth_throttle_free(app->enrol_limit);
	auth_cache_free(app->auth_cache);
	tmpl_set_free(app->tmpl);
	store_close(app->store);
	award_catalog_free(app->awards);
	app_settings_free(app);
	free(app->assets);
	free(app->static_dir);
	free(app->upload_dir);
	http_stats_free(app->http_stats);
	pthread_mutex_destroy(&app->tree_mu);
	pthread_mutex_destroy(&app->days_mu);
	pthread_mutex_destroy(&app->touch_mu);
	pthread_mutex_destroy(&app->jobs_mu);
	pthread_cond_destroy(&app->jobs_cv);
	memset(app, 0, sizeof *app);
}
