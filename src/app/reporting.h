/* The reporting service seen from the web layer: the request's campaign (loaded with its
 * live roll-up by src/service/reporting.c), the service context of a request (its user as
 * the actor), and the answers every reporting page shares. */
#ifndef SUOTDOI_REPORTING_H
#define SUOTDOI_REPORTING_H

#include "app/app.h"
#include "export/phuluc.h"
#include "service/reporting.h"

/* The campaign :id of the request with a roll-up for the request's tree, loading or
 * rebuilding it as needed; NULL after replying 404/500 (the caller returns 0). */
live_campaign_t *rep_campaign(http_req_t *req);

/* Campaign id with a roll-up for the request's tree, like rep_campaign but without
 * replying: NULL with *status (may be NULL) 404 when there is no such campaign, 500 on a
 * store error. */
live_campaign_t *rep_campaign_by_id(http_req_t *req, int64_t id, int *status /* OUT */);

/* The compiled Phụ lục of unit unit_id in campaign id, on the campaign's own tree (a
 * level: its subtree's submitted totals and the units' narratives put together; a body:
 * its own report), everything in the request arena and the loaded campaign (p->tpl lives
 * until the app closes). 1 built, 0 no such campaign or unit, -1 error. For documents
 * that attach the results (src/app/doc_pages.c). */
int rep_phuluc(http_req_t *req, int64_t campaign_id, int64_t unit_id, phuluc_t *p /* OUT */);

/* For a unit's report routes: the campaign :id, unless the unit reports in an adoption of
 * it (a lower level's campaign), then NULL after redirecting there (pages) or answering 409
 * (writes, the API). */
live_campaign_t *rep_report_campaign(http_req_t *req);

/* Make the next request reload campaign id (after its row changed). */
void rep_forget_campaign(app_t *app, int64_t id);

/* The service context of a request: its store, tree, arena, clock, and its user (with
 * their grants on the request's tree) as the actor. */
void rep_ctx_of(http_req_t *req, rep_ctx_t *cx /* OUT */);

/* Read unit i's report into the request arena. 0, or -1 on a store error. */
int rep_read_req(http_req_t *req, const live_campaign_t *lc, int32_t unit,
                 rep_report_t *out /* OUT */);

/* The HTTP status of a service result: 200, 400 (invalid), 403 (denied), 404, 409 (state,
 * lock, version, another campaign), 500. */
int rep_http_status(rep_rc_t rc);

/* 1 for statuses whose figures count in the totals (submitted, approved). */
int rep_counted(const char *status);
/* Vietnamese name of a status ("Chưa nộp" for none). */
const char *rep_status_name(const char *status);

#endif
