/* The reporting loop inside the app: loaded campaigns with their live roll-up (built from
 * the store once, then updated by every write), and the writes themselves, which keep
 * the store, the roll-up and the audit log in step. */
#ifndef SUOTDOI_REPORTING_H
#define SUOTDOI_REPORTING_H

#include "app/app.h"
#include "domain/campaign.h"
#include "domain/rollup.h"
#include "export/phuluc.h"

typedef struct live_campaign {
	campaign_t *c;
	rollup_t *ru;
	int64_t tree_generation; /* the snapshot the roll-up's indexes belong to */
	struct pagecache *pages; /* rendered dashboards, by roll-up generation (report_pages.c) */
	struct live_campaign *next;
} live_campaign_t;

/* The campaign :id of the request with a roll-up for the request's tree, loading or
 * rebuilding it as needed; NULL after replying 404/500 (the caller returns 0). */
live_campaign_t *rep_campaign(http_req_t *req);

/* Campaign id with a roll-up for the request's tree, like rep_campaign but without
 * replying: NULL with *status (may be NULL) 404 when there is no such campaign, 500 on a
 * store error. */
live_campaign_t *rep_campaign_by_id(http_req_t *req, int64_t id, int *status /* OUT */);

/* The compiled Phụ lục of unit i in campaign id (a level: its subtree's submitted totals
 * and the units' narratives put together; a body: its own report), everything in the
 * request arena and the loaded campaign (p->tpl lives until the app closes). 1 built, 0 no
 * such campaign, -1 error. For documents that attach the results (src/app/doc_pages.c). */
int rep_phuluc(http_req_t *req, int64_t campaign_id, int32_t unit, phuluc_t *p /* OUT */);

/* For a unit's report routes: the campaign :id, unless the unit reports in an adoption of
 * it (a lower level's campaign), then NULL after redirecting there (pages) or answering 409
 * (writes, the API). */
live_campaign_t *rep_report_campaign(http_req_t *req);

/* Make the next request reload campaign id (after its row changed). */
void rep_forget_campaign(app_t *app, int64_t id);

/* Free every loaded campaign (at app close). */
void rep_free_all(app_t *app);

/* A report as read for a page or the API. */
typedef struct rep_report {
	int exists;
	int64_t id, version;
	char status[16]; /* "" when none yet */
	int on_behalf;
	int64_t updated_at, submitted_at, reviewed_at;
	char comment[600];
	int64_t *num;
	unsigned char *has;
	const char **text; /* in the request arena */
} rep_report_t;

/* Read unit i's report (values laid out by template columns) into the request arena. */
int rep_read(http_req_t *req, live_campaign_t *lc, int32_t unit, rep_report_t *out /* OUT */);

/* Write values (and status) of unit i's report: store, audit (old -> new for each changed
 * item), event, roll-up. expected_version from the form. 0, or an HTTP status with msg. */
int rep_write(http_req_t *req, live_campaign_t *lc, int32_t unit, const rep_report_t *old,
              const int64_t *num, const unsigned char *has, const char *const *text,
              const char *status, const char *event, int64_t expected_version, const char **msg);
/* Change only the status (return, approve, reopen): store, event, audit, roll-up. */
int rep_set_status(http_req_t *req, live_campaign_t *lc, int32_t unit, const rep_report_t *old,
                   const char *status, const char *event, const char *comment,
                   int64_t expected_version, const char **msg);

/* 1 for statuses whose figures count in the totals (submitted, approved). */
int rep_counted(const char *status);
/* Vietnamese name of a status ("Chưa nộp" for none). */
const char *rep_status_name(const char *status);

#endif
