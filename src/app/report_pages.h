/* Shared by the reporting pages (report_common.c, dashboard_pages.c, report_pages.c,
 * report_prefill.c, chase_pages.c, export_pages.c): private to src/app/. */
#ifndef SUOTDOI_REPORT_PAGES_H
#define SUOTDOI_REPORT_PAGES_H

#include "app/reporting.h"
#include "service/chase.h"
#include "service/compare.h"
#include "export/table.h"

#define VN_OFFSET (7 * 3600) /* deadlines are local days (UTC+7) */

/* The :code unit of the request (tree index; the guard has checked it exists). */
int32_t rep_req_unit(http_req_t *req);
/* 1 for routes under /api/. */
int rep_is_api(http_req_t *req);
/* The campaign's summary for pages and the API (dates as dd/mm/yyyy). */
json_t *rep_campaign_json(http_req_t *req, const campaign_t *c);
/* The receipt of a submitted report (submitted_at, Unix seconds), for the report page and
 * the home page: {"at": "HH:MM ngày dd/mm/yyyy" (Vietnam time), "pdf", "xlsx": the unit's
 * own Phụ lục}; NULL when never submitted (0). */
json_t *rep_receipt_json(arena_t *a, int64_t campaign_id, const char *code, int64_t submitted_at);
/* A level (a locality) compiles its subtree; a body reports its own figures. */
int rep_is_level(const unit_tree_t *t, int32_t i);

/* One unit's report state in a campaign, for the chase board and the exports: the chase
 * service's (service/chase.h). */
typedef chase_state_t rep_unit_state_t;
/* Every unit's report state for the campaign (and the campaigns adopting it), by tree
 * index, in the request arena. */
rep_unit_state_t *rep_load_states(http_req_t *req, live_campaign_t *lc);
/* 1 when a report submitted at submitted_at (Unix seconds) came after the end of its due
 * day, Vietnam time; never without a deadline (due 0). The chase board's rule, shared with
 * the review queue. */
int rep_late(int32_t due, int64_t submitted_at);

/* The chase board's counts (chase_pages.c) over the units from..to-1 of tree t that
 * campaign c expects, st[k - from] unit k's state (rep_load_states's array + from): timeliness (on time, late, missing: no
 * counted report) and review (waiting, returned, approved); submitted = on_time + late. */
typedef struct rep_progress {
	int64_t expected, submitted, on_time, late, missing, waiting, returned, approved;
} rep_progress_t;
void rep_progress_count(const campaign_t *c, const unit_tree_t *t, const rep_unit_state_t *st,
                        int32_t from, int32_t to, rep_progress_t *out /* OUT */);

/* How many times the chase board read the reminder marks from the store since start (they
 * are kept per chase version; a report write reads none): for tests and benchmarks. */
uint64_t rep_chase_marks_reads(void);

/* Each group heading of sec (items, a JSON array of its items) gets the totals of the counts
 * under it by unit of measure ("17 lớp, 450 lượt"); has NULL counts every column. */
void rep_group_totals(const template_t *tpl, const tpl_section_t *sec, const int64_t *num,
                      const unsigned char *has, json_t *items);

/* The pre-fill of unit i's results form (report_prefill.c): for the API's read, and
 * attached to the page's sections and context. */
json_t *prefill_api(http_req_t *req, live_campaign_t *lc, int32_t i, const rep_report_t *r);
void attach_prefill(http_req_t *req, live_campaign_t *lc, int32_t i, const rep_report_t *r,
                    int editable, int fill, json_t *sections, json_t *ctx);

/* A child j of a dashboard's unit gets a row (and a bar in its charts) when it has reports
 * (the count rollup_subtree gave) or a unit expected to report below it. */
int dashboard_child_shown(const live_campaign_t *lc, const unit_tree_t *t, int32_t j,
                          int64_t reports);
/* The dashboard's charts (chart_pages.c) as an HTML fragment for unit i into out: 0, or
 * the HTTP status of a refused parameter (chi_tieu, with) with *message. *tag names the
 * fragment's content (its cache key and generation, in the request arena), for the parts
 * compressed against it (pagecache_zpart). */
int dashboard_charts_html(http_req_t *req, live_campaign_t *lc, int32_t i, int drafts, buf_t *out,
                          const char **message /* OUT */, const char **tag /* OUT */);

/* The comparison service's environment for the request (service/compare.h): its store,
 * live roll-ups, arena and actor; the trees of other campaigns kept by the request until it
 * completes (src/app/compare_pages.c). */
void rep_cmp_env(http_req_t *req, cmp_env_t *env /* OUT */);
/* A table written row by row as CSV or XLSX, sent as the attachment name.csv / .xlsx (400
 * with the writer's reason when the sheet refuses) (src/app/export_pages.c). */
int rep_reply_table(http_req_t *req, const table_t *tb, table_row_fn row, void *ctx, int csv,
                    const char *name);

#endif
