/* The bulk value import and export over the JSON API (DHIS2's dataValueSets in spirit):
 * POST /api/v1/campaigns/:id/values?dry_run=1|0 with a dataValueSets document or a CSV,
 * GET /api/v1/campaigns/:id/values?unit=CODE. Parse, call src/service/values_import.h,
 * answer its summary. */
#include <stdio.h>
#include <string.h>

#include "app/reporting.h"
#include "service/values_import.h"

/* dry_run: absent, 0/false or 1/true; anything else is refused. 0/1, or -1. */
int
values_dry_run_param(const char *p)
{
	if (p == NULL || !strcmp(p, "0") || !strcmp(p, "false") || !*p)
		return 0;
	if (!strcmp(p, "1") || !strcmp(p, "true"))
		return 1;
	return -1;
}

int
api_values_import(http_req_t *req)
{
	live_campaign_t *lc = rep_campaign(req);
	if (!lc)
		return 0;
	arena_t *a = http_req_arena(req);
	int dry = values_dry_run_param(http_req_param(req, "dry_run"));
	if (dry < 0) {
		app_error_page(req, 400, "dry_run: phải là 1 (chạy thử, không ghi) hoặc 0.");
		return 0;
	}
	size_t len;
	const char *body = http_req_body(req, &len);
	vf_rows_t rows;
	char err[600];
	if (values_parse(body ? body : "", body ? len : 0, a, &rows, err, sizeof err) < 0) {
		app_error_page(req, 400, arena_strdup(a, err));
		return 0;
	}
	rep_ctx_t cx;
	rep_ctx_of(req, &cx);
	vi_summary_t s;
	rep_rc_t rc = values_import(&cx, lc, &rows, dry, &s);
	buf_t out = BUF_INIT;
	values_summary_json(&s, &out);
	/* conflicts are the file's problem: 409, with the summary saying what went in */
	int status = rc == REP_ERR_STORE ? 500 : s.conflicts_total ? 409 : 200;
	return http_reply_buf(req, status, "application/json; charset=utf-8", &out);
}

int
api_values_export(http_req_t *req)
{
	live_campaign_t *lc = rep_campaign(req);
	if (!lc)
		return 0;
	const unit_tree_t *t = app_req_tree(req);
	int32_t i = unit_tree_find_code(t, http_req_param(req, "unit")); /* the guard found it */
	rep_ctx_t cx;
	rep_ctx_of(req, &cx);
	buf_t out = BUF_INIT;
	if (values_export_json(&cx, lc, i, &out) != REP_OK) {
		buf_free(&out);
		return 500;
	}
	http_resp_header(req, "Content-Disposition",
	                 arena_printf(http_req_arena(req),
	                              "inline; filename=\"so-lieu-%d-%s.json\"", lc->c->year,
	                              t->units[i].code));
	return http_reply_buf(req, 200, "application/json; charset=utf-8", &out);
}
