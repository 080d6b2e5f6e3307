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

/* An import on the background thread (app_offload): a national file takes seconds, which
 * an HTTP worker and its other connections should not wait through. */
typedef struct import_job {
	rep_ctx_t cx;
	live_campaign_t *lc;
	const char *body;
	size_t len;
	int dry;
	int parsed; /* 0: err says why the file is not readable */
	char err[600];
	vi_summary_t s;
	rep_rc_t rc;
} import_job_t;

static void
import_work(void *arg)
{
	import_job_t *j = arg;
	vf_rows_t rows;
	j->parsed = values_parse(j->body, j->len, j->cx.arena, &rows, j->err, sizeof j->err) == 0;
	if (j->parsed)
		j->rc = values_import(&j->cx, j->lc, &rows, j->dry, &j->s);
}

static int
import_answer(http_req_t *req, void *arg)
{
	import_job_t *j = arg;
	if (!j->parsed) {
		app_error_page(req, 400, arena_strdup(http_req_arena(req), j->err));
		return 0;
	}
	buf_t out = BUF_INIT;
	values_summary_json(&j->s, &out);
	/* conflicts are the file's problem: 409, with the summary saying what went in */
	int status = j->rc == REP_ERR_STORE ? 500 : j->s.conflicts_total ? 409 : 200;
	return http_reply_buf(req, status, "application/json; charset=utf-8", &out);
}

int
api_values_import(http_req_t *req)
{
	live_campaign_t *lc = rep_campaign(req);
	if (!lc)
		return 0;
	int dry = values_dry_run_param(http_req_param(req, "dry_run"));
	if (dry < 0) {
		app_error_page(req, 400, "dry_run: phải là 1 (chạy thử, không ghi) hoặc 0.");
		return 0;
	}
	import_job_t *j = arena_alloc(http_req_arena(req), sizeof *j);
	memset(j, 0, sizeof *j);
	size_t len;
	const char *body = http_req_body(req, &len);
	j->body = body ? body : "";
	j->len = body ? len : 0;
	j->lc = lc;
	j->dry = dry;
	rep_ctx_of(req, &j->cx);
	return app_offload(req, import_work, import_answer, j);
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
