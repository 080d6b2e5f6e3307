/* The exports: the compiled Phụ lục as XLSX in seed 003's layout, and one row per
 * reporting unit of a subtree as XLSX or CSV. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/pagecache.h"
#include "app/report_pages.h"
#include "app/reporting.h"
#include "core/log.h"
#include "core/mem.h"
#include "text/text.h"

#include "export/phuluc.h"
#include "export/table.h"
#include "service/unit_table.h"

/* ---------- exports ---------- */

/* The Phụ lục of unit i: a level's subtree totals with the narratives put together, or a
 * body's own report. 0, or -1 on a store error. */
static int
build_phuluc(http_req_t *req, live_campaign_t *lc, int32_t i, phuluc_t *p)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	const template_t *tpl = lc->c->tpl;
	size_t nc = tpl->ncols ? tpl->ncols : 1;
	rep_report_t r;
	if (rep_read_req(req, lc, i, &r) < 0)
		return -1;
	int64_t *tot = arena_alloc(a, nc * sizeof *tot), nrep = 1;
	unsigned char *has = arena_alloc(a, nc);
	const int64_t *num = r.num;
	if (rep_is_level(t, i)) {
		rollup_subtree(lc->ru, t, i, 0, tot, &nrep);
		memset(has, 1, nc);
		num = tot;
		rep_ctx_t cx;
		rep_ctx_of(req, &cx);
		rep_consolidate(&cx, lc, i, r.text);
	} else
		memcpy(has, r.has, nc);
	int level = rep_is_level(t, i);
	*p = (phuluc_t){
	        .tpl = tpl,
	        .unit_name = t->units[i].name,
	        .scope_note =
	                level ? arena_printf(a, "Tổng hợp %lld báo cáo đã nộp", (long long)nrep)
	                      : NULL,
	        .num = num,
	        .has = has,
	        .text = r.text,
	        .note = r.v.note, /* a level's own notes, never its children's */
	        .nreports = level ? nrep : 1,
	};
	return 0;
}

int
rep_phuluc(http_req_t *req, int64_t campaign_id, int64_t unit_id, phuluc_t *p)
{
	/* on the campaign's own tree, which may be another day's than the request's */
	unit_tree_t *t = app_campaign_tree(http_req_app(req), campaign_id);
	app_req_keep_tree(req, t); /* p points into it */
	unit_tree_t *saved = app_req_swap_tree(req, t);
	int status, rc;
	int32_t unit = unit_tree_find_id(t, unit_id);
	live_campaign_t *lc = rep_campaign_by_id(req, campaign_id, &status);
	if (lc == NULL)
		rc = status == 404 ? 0 : -1;
	else if (unit < 0)
		rc = 0;
	else
		rc = build_phuluc(req, lc, unit, p) < 0 ? -1 : 1;
	app_req_swap_tree(req, saved);
	return rc;
}

int
page_export_phuluc(http_req_t *req)
{
	live_campaign_t *lc = rep_campaign(req);
	if (!lc)
		return 0;
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = rep_req_unit(req);
	phuluc_t p;
	if (build_phuluc(req, lc, i, &p) < 0)
		return 500;
	buf_t out = BUF_INIT;
	char err[300];
	if (phuluc_write_xlsx(&p, &out, err, sizeof err) < 0) {
		buf_free(&out);
		log_error("phuluc export: %s", err);
		return 500;
	}
	http_resp_header(req, "Content-Disposition",
	                 arena_printf(a, "attachment; filename=\"phu-luc-%d-%s.xlsx\"", lc->c->year,
	                              t->units[i].code));
	return http_reply_buf(req, 200,
	                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	                      &out);
}

/* The same Phụ lục as PDF (src/export/phuluc_pdf.c), for printing and sending on. */
int
page_export_phuluc_pdf(http_req_t *req)
{
	live_campaign_t *lc = rep_campaign(req);
	if (!lc)
		return 0;
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = rep_req_unit(req);
	phuluc_t p;
	if (build_phuluc(req, lc, i, &p) < 0)
		return 500;
	buf_t out = BUF_INIT;
	char err[300];
	if (phuluc_write_pdf(&p, &out, err, sizeof err) < 0) {
		buf_free(&out);
		log_error("phuluc pdf: %s", err);
		return 500;
	}
	http_resp_header(req, "Content-Disposition",
	                 arena_printf(a, "attachment; filename=\"phu-luc-%d-%s.pdf\"", lc->c->year,
	                              t->units[i].code));
	return http_reply_buf(req, 200, "application/pdf", &out);
}

/* The fixed columns before the template's: code, name, kind, the ancestry, the status. */
enum { MATRIX_FIXED = 4 + UTAB_NANCESTRY };

/* The per-unit export's rows, made one at a time as the table writer asks: names from the
 * tree, states as loaded, numbers from the live roll-up as integers (no string per cell). */
typedef struct matrix_rows {
	const unit_tree_t *t;
	const live_campaign_t *lc;
	const rep_unit_state_t *st;
	const int32_t *units; /* tree index of each row */
	size_t nitems;        /* template columns, after the MATRIX_FIXED text ones */
	int64_t *own;
	unsigned char *has;
} matrix_rows_t;

static void
matrix_row(void *ctx, size_t r, table_cell_t *row)
{
	const matrix_rows_t *m = ctx;
	const unit_t *u = &m->t->units[m->units[r]];
	const char *anc[UTAB_NANCESTRY];
	utab_ancestry(m->t, m->units[r], anc);
	size_t k = 0;
	row[k++] = (table_cell_t){TABLE_TEXT, u->code, 0};
	row[k++] = (table_cell_t){TABLE_TEXT, u->name, 0};
	row[k++] = (table_cell_t){TABLE_TEXT, u->kind_name, 0};
	for (int l = 0; l < UTAB_NANCESTRY; l++)
		row[k++] = (table_cell_t){TABLE_TEXT, anc[l], 0};
	/* a level's row holds what its own decisions gave (docs/awards.md): with it the rows
	 * add up to the subtree's totals */
	int level = rep_is_level(m->t, m->units[r]);
	row[k++] = (table_cell_t){
	        TABLE_TEXT,
	        level ? "Khen thưởng theo quyết định" : rep_status_name(m->st[m->units[r]].status),
	        0};
	int any = level ? rollup_extra(m->lc->ru, m->units[r], m->own, m->has)
	                : rollup_own(m->lc->ru, m->units[r], 1, m->own, m->has);
	for (size_t c = 0; c < m->nitems; c++)
		row[k + c] = any && m->has[c] ? (table_cell_t){TABLE_INT, NULL, m->own[c]}
		                              : (table_cell_t){TABLE_EMPTY, NULL, 0};
}

/* A table written row by row as CSV or XLSX (src/export/table.h), sent as the attachment
 * name.csv / name.xlsx; a sheet XLSX refuses (too many rows) answers 400 with its reason. */
int
rep_reply_table(http_req_t *req, const table_t *tb, table_row_fn row, void *ctx, int csv,
                const char *name)
{
	buf_t out = BUF_INIT;
	char err[300];
	int rc = 0;
	if (csv)
		table_write_csv_rows(tb, row, ctx, &out);
	else
		rc = table_write_xlsx_rows(tb, row, ctx, &out, err, sizeof err);
	if (rc < 0) {
		buf_free(&out);
		app_error_page(req, 400, err);
		return 0;
	}
	http_resp_header(req, "Content-Disposition",
	                 arena_printf(http_req_arena(req), "attachment; filename=\"%s.%s\"", name,
	                              csv ? "csv" : "xlsx"));
	return http_reply_buf(
	        req, 200,
	        csv ? "text/csv; charset=utf-8"
	            : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	        &out);
}

int
page_export_matrix(http_req_t *req)
{
	live_campaign_t *lc = rep_campaign(req);
	if (!lc)
		return 0;
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = rep_req_unit(req);
	const template_t *tpl = lc->c->tpl;
	const char *fmt = http_req_param(req, "format");
	int csv = fmt && !strcmp(fmt, "csv");
	size_t ncols = MATRIX_FIXED + tpl->ncols;
	const char **header = arena_alloc(a, ncols * sizeof *header);
	size_t h = 0;
	header[h++] = "Mã đơn vị";
	header[h++] = "Đơn vị";
	header[h++] = "Loại đơn vị";
	for (int l = 0; l < UTAB_NANCESTRY; l++)
		header[h++] = utab_ancestry_heading[l];
	header[h++] = "Trạng thái";
	/* "group — line": a line's label alone repeats ("Số lượt người tham gia" five times) */
	const utab_col_t *cols = utab_columns(tpl, a);
	for (size_t c = 0; c < tpl->ncols; c++)
		header[h + c] = cols[c].heading;
	/* one row per unit expected to report in the subtree; the cells come later, row by
	 * row, from matrix_row */
	int32_t *units = arena_alloc(a, (size_t)(t->units[i].end - i) * sizeof *units);
	size_t rows = 0;
	for (int32_t k = i; k < t->units[i].end; k++)
		if (rep_is_level(t, k) ? rollup_extra(lc->ru, k, NULL, NULL)
		                       : campaign_expects(lc->c, t, k))
			units[rows++] = k;
	matrix_rows_t m = {t,
	                   lc,
	                   rep_load_states(req, lc),
	                   units,
	                   tpl->ncols,
	                   arena_alloc(a, (tpl->ncols + 1) * sizeof(int64_t)),
	                   arena_alloc(a, tpl->ncols + 1)};
	table_t tb = {arena_printf(a, "Số liệu %d — %s", lc->c->year, t->units[i].name),
	              header,
	              ncols,
	              NULL,
	              rows,
	              NULL};
	return rep_reply_table(req, &tb, matrix_row, &m, csv,
	                       arena_printf(a, "so-lieu-%d-%s", lc->c->year, t->units[i].code));
}
