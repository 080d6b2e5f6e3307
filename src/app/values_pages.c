/* The bulk value import as a page, for officers who keep their figures in Excel: upload a
 * CSV or a dataValueSets file, see the summary and the lines to fix; and the subtree's
 * values as CSV to edit and re-import. An adapter over src/service/values_import.h. */
#include <stdio.h>
#include <string.h>

#include "app/report_pages.h"
#include "app/reporting.h"
#include "service/values_import.h"

static int
render(http_req_t *req, live_campaign_t *lc, int32_t i, int status, json_t *extra)
{
	const unit_tree_t *t = app_req_tree(req);
	json_t *ctx = extra ? extra : json_object();
	json_object_set_new(ctx, "campaign", rep_campaign_json(req, lc->c));
	json_object_set_new(ctx, "unit", app_unit_json(t, i));
	return app_render_page(
	        req, status, "values_import",
	        arena_printf(http_req_arena(req), "Nhập số liệu từ tệp — %s", t->units[i].name),
	        ctx);
}

int
page_values_form(http_req_t *req)
{
	live_campaign_t *lc = rep_campaign(req);
	if (!lc)
		return 0;
	return render(req, lc, rep_req_unit(req), 200, NULL);
}

/* The form's import, off the HTTP worker as the API's (values_api.c). */
typedef struct form_import {
	rep_ctx_t cx;
	live_campaign_t *lc;
	int32_t unit;
	vf_rows_t rows;
	int dry;
	vi_summary_t s;
	rep_rc_t rc;
} form_import_t;

static void
form_import_work(void *arg)
{
	form_import_t *j = arg;
	j->rc = values_import(&j->cx, j->lc, &j->rows, j->dry, &j->s);
}

static int
form_import_answer(http_req_t *req, void *arg)
{
	form_import_t *j = arg;
	const vi_summary_t *s = &j->s;
	if (j->rc == REP_ERR_STORE)
		return 500;
	json_t *list = json_array();
	for (size_t k = 0; k < s->nconflicts; k++)
		json_array_append_new(list,
		                      json_pack("{s:I,s:s,s:s,s:s}", "line",
		                                (json_int_t)s->conflicts[k].line, "unit",
		                                s->conflicts[k].unit, "item", s->conflicts[k].item,
		                                "reason", s->conflicts[k].reason));
	json_t *sum = json_pack("{s:s,s:b,s:b,s:b,s:I,s:o}", "message", s->message, "ok",
	                        s->conflicts_total == 0, "json", s->json, "has_conflicts",
	                        s->nconflicts > 0, "total", (json_int_t)s->conflicts_total,
	                        "conflicts", list);
	return render(req, j->lc, j->unit, s->conflicts_total ? 409 : 200,
	              json_pack("{s:o,s:b}", "summary", sum, "dry_run", j->dry));
}

int
page_values_import(http_req_t *req)
{
	live_campaign_t *lc = rep_campaign(req);
	if (!lc)
		return 0;
	arena_t *a = http_req_arena(req);
	int32_t i = rep_req_unit(req);
	int dry = values_dry_run_param(http_req_param(req, "dry_run"));
	const http_part_t *f = http_req_file(req, "file");
	char err[600];
	form_import_t *j = arena_alloc(a, sizeof *j);
	memset(j, 0, sizeof *j);
	if (dry < 0 || f == NULL || f->len == 0 ||
	    values_parse(f->data, f->len, a, &j->rows, err, sizeof err) < 0) {
		const char *why = dry < 0                    ? "Ô chạy thử không hợp lệ."
		                  : f == NULL || f->len == 0 ? "Hãy chọn tệp CSV hoặc JSON để nhập."
		                                             : arena_strdup(a, err);
		return render(req, lc, i, 400,
		              json_pack("{s:s,s:b}", "error", why, "dry_run", dry > 0));
	}
	j->lc = lc;
	j->unit = i;
	j->dry = dry;
	rep_ctx_of(req, &j->cx);
	return app_offload(req, form_import_work, form_import_answer, j);
}

int
page_values_csv(http_req_t *req)
{
	live_campaign_t *lc = rep_campaign(req);
	if (!lc)
		return 0;
	const unit_tree_t *t = app_req_tree(req);
	int32_t i = rep_req_unit(req);
	rep_ctx_t cx;
	rep_ctx_of(req, &cx);
	buf_t out = BUF_INIT;
	if (values_export_csv(&cx, lc, i, &out) != REP_OK) {
		buf_free(&out);
		return 500;
	}
	http_resp_header(req, "Content-Disposition",
	                 arena_printf(http_req_arena(req),
	                              "attachment; filename=\"so-lieu-%d-%s.csv\"", lc->c->year,
	                              t->units[i].code));
	return http_reply_buf(req, 200, "text/csv; charset=utf-8", &out);
}
