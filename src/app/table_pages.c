/* The comparison table of a level (src/service/unit_table.h): indicators x the units below,
 * as a page (sortable by any column through links in the headings, filtered by a GET form:
 * no JavaScript), as JSON, and as XLSX or CSV with each unit's ancestry (format=xlsx|csv).
 * Thin adapters: the rows, totals, order and outliers are the service's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/report_pages.h"
#include "app/reporting.h"
#include "core/log.h"
#include "export/table.h"
#include "service/unit_table.h"
#include "text/text.h"

/* ---------- parameters ---------- */

typedef struct tparams {
	int depth;
	const char *kind; /* "" any */
	const char *sort; /* "" tree order, "name", "reports" or an item code */
	int desc;
	int drafts;
	const char *group;  /* "" every column, else a heading item's code */
	const char *format; /* "" page, "xlsx", "csv" */
} tparams_t;

/* The parameters, checked against the template: 0, or -1 with a Vietnamese err. */
static int
read_params(http_req_t *req, const template_t *tpl, tparams_t *p, int *sort_col, const char **err)
{
	arena_t *a = http_req_arena(req);
	*p = (tparams_t){1,
	                 app_param(req, "kind"),
	                 app_param(req, "sort"),
	                 !strcmp(app_param(req, "dir"), "desc"),
	                 !strcmp(app_param(req, "drafts"), "1"),
	                 app_param(req, "group"),
	                 app_param(req, "format")};
	const char *d = app_param(req, "depth");
	if (*d) {
		int64_t v;
		if (text_parse_int(d, strlen(d), &v) < 0 || v < 1 || v > 6 || strchr(d, '.')) {
			*err = arena_printf(
			        a,
			        "Tham số depth (số cấp bên dưới) phải là số từ 1 đến 6, "
			        "không phải \"%s\".",
			        d);
			return -1;
		}
		p->depth = (int)v;
	}
	const char *dir = app_param(req, "dir");
	if (*dir && strcmp(dir, "asc") && strcmp(dir, "desc")) {
		*err = "Tham số dir phải là asc (tăng dần) hoặc desc (giảm dần).";
		return -1;
	}
	if (!*p->sort)
		*sort_col = UTAB_SORT_TREE;
	else if (!strcmp(p->sort, "name"))
		*sort_col = UTAB_SORT_NAME;
	else if (!strcmp(p->sort, "reports"))
		*sort_col = UTAB_SORT_REPORTS;
	else {
		const tpl_item_t *it = template_item(tpl, p->sort);
		if (!it || it->col < 0) {
			*err = arena_printf(
			        a,
			        "Tham số sort phải là name, reports hoặc mã một chỉ tiêu số "
			        "của mẫu báo cáo, không phải \"%s\".",
			        p->sort);
			return -1;
		}
		*sort_col = it->col;
	}
	if (*p->group) {
		const tpl_item_t *it = template_item(tpl, p->group);
		if (!it || !it->heading) {
			*err = arena_printf(a,
			                    "Tham số group phải là mã một nhóm chỉ tiêu của mẫu "
			                    "báo cáo, không phải \"%s\".",
			                    p->group);
			return -1;
		}
	}
	if (*p->format && strcmp(p->format, "xlsx") && strcmp(p->format, "csv")) {
		*err = "Tham số format phải là xlsx hoặc csv.";
		return -1;
	}
	return 0;
}

/* The query string of p with sort/dir replaced (sort NULL: kept), without format. */
static const char *
query(arena_t *a, const tparams_t *p, const char *sort, int desc, const char *format)
{
	buf_t b = BUF_INIT;
	if (p->depth != 1)
		buf_printf(&b, "&depth=%d", p->depth);
	if (*p->kind)
		buf_printf(&b, "&kind=%s", p->kind);
	if (*p->group)
		buf_printf(&b, "&group=%s", p->group);
	if (p->drafts)
		buf_puts(&b, "&drafts=1");
	const char *s = sort ? sort : p->sort;
	if (*s)
		buf_printf(&b, "&sort=%s&dir=%s", s, (sort ? desc : p->desc) ? "desc" : "asc");
	if (format)
		buf_printf(&b, "&format=%s", format);
	const char *q = b.len ? arena_printf(a, "?%s", buf_cstr(&b) + 1) : "";
	buf_free(&b);
	return q;
}

/* The columns shown: every numeric column, or those of one group. *n of them. */
static int *
shown_columns(arena_t *a, const utab_col_t *cols, size_t nc, const char *group, size_t *n)
{
	int *v = arena_alloc(a, (nc ? nc : 1) * sizeof *v);
	*n = 0;
	for (size_t c = 0; c < nc; c++)
		if (!*group || (cols[c].group && !strcmp(cols[c].group->code, group)))
			v[(*n)++] = (int)c;
	return v;
}

/* "12,5": a ratio to one decimal (Vietnamese comma); "" when the denominator is 0. */
static const char *
fmt_ratio(arena_t *a, int64_t num, int64_t den)
{
	if (den == 0)
		return "";
	double r = (double)num / (double)den;
	int64_t tenths = (int64_t)(r * 10.0 + (r >= 0 ? 0.5 : -0.5));
	buf_t b = BUF_INIT;
	if (tenths < 0) {
		buf_putc(&b, '-');
		tenths = -tenths;
	}
	text_format_int(tenths / 10, &b);
	if (tenths % 10)
		buf_printf(&b, ",%d", (int)(tenths % 10));
	const char *s = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

/* Where a row leads: a level's dashboard, a body's report. */
static const char *
row_url(arena_t *a, const unit_tree_t *t, int64_t cid, int32_t k, int drafts)
{
	if (rep_is_level(t, k))
		return arena_printf(a, "/campaigns/%lld/units/%s%s", (long long)cid,
		                    t->units[k].code, drafts ? "?drafts=1" : "");
	return arena_printf(a, "/campaigns/%lld/units/%s/report", (long long)cid, t->units[k].code);
}

/* ---------- exports ---------- */

enum { FIXED_COLS = 4 + UTAB_NANCESTRY }; /* code, name, kind, ancestry..., reports */

typedef struct export_rows {
	const unit_tree_t *t;
	const utab_t *tb;
	const int *cols;
	size_t ncols;
	const utab_ratio_t *ratios;
	size_t nratios;
	arena_t *a;
} export_rows_t;

static void
export_row(void *ctx, size_t r, table_cell_t *row)
{
	const export_rows_t *e = ctx;
	const utab_row_t *x = &e->tb->rows[r];
	const unit_t *u = &e->t->units[x->unit];
	const char *anc[UTAB_NANCESTRY];
	utab_ancestry(e->t, x->unit, anc);
	size_t k = 0;
	row[k++] = (table_cell_t){TABLE_TEXT, u->code, 0};
	row[k++] = (table_cell_t){TABLE_TEXT, u->name, 0};
	row[k++] = (table_cell_t){TABLE_TEXT, u->kind_name, 0};
	for (int l = 0; l < UTAB_NANCESTRY; l++)
		row[k++] = (table_cell_t){TABLE_TEXT, anc[l], 0};
	row[k++] = (table_cell_t){TABLE_INT, NULL, x->reports};
	for (size_t c = 0; c < e->ncols; c++)
		row[k++] = (table_cell_t){TABLE_INT, NULL, x->tot[e->cols[c]]};
	for (size_t q = 0; q < e->nratios; q++)
		row[k++] = (table_cell_t){
		        TABLE_TEXT,
		        fmt_ratio(e->a, x->tot[e->ratios[q].num], x->tot[e->ratios[q].den]), 0};
}

static int
reply_export(http_req_t *req, live_campaign_t *lc, int32_t i, const utab_t *tb,
             const utab_col_t *cols, const int *shown, size_t nshown, const utab_ratio_t *ratios,
             size_t nratios, int csv)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	size_t n = FIXED_COLS + nshown + nratios;
	const char **header = arena_alloc(a, n * sizeof *header);
	size_t k = 0;
	header[k++] = "Mã đơn vị";
	header[k++] = "Đơn vị";
	header[k++] = "Loại đơn vị";
	for (int l = 0; l < UTAB_NANCESTRY; l++)
		header[k++] = utab_ancestry_heading[l];
	header[k++] = "Số báo cáo";
	for (size_t c = 0; c < nshown; c++)
		header[k++] = cols[shown[c]].heading;
	for (size_t q = 0; q < nratios; q++)
		header[k++] = ratios[q].label;
	export_rows_t e = {t, tb, shown, nshown, ratios, nratios, a};
	table_t tt = {arena_printf(a, "Bảng so sánh %d — %s", lc->c->year, t->units[i].name),
	              header,
	              n,
	              NULL,
	              tb->nrows,
	              NULL};
	return rep_reply_table(
	        req, &tt, export_row, &e, csv,
	        arena_printf(a, "bang-so-sanh-%d-%s", lc->c->year, t->units[i].code));
}

/* ---------- JSON ---------- */

static json_t *
totals_obj(const utab_col_t *cols, const int *shown, size_t nshown, const int64_t *tot)
{
	json_t *o = json_object();
	for (size_t c = 0; c < nshown; c++)
		json_object_set_new(o, cols[shown[c]].it->code, json_integer(tot[shown[c]]));
	return o;
}

static int
reply_json(http_req_t *req, live_campaign_t *lc, int32_t i, const tparams_t *p, const utab_t *tb,
           const utab_col_t *cols, const int *shown, size_t nshown, const utab_ratio_t *ratios,
           size_t nratios)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	json_t *jc = json_array();
	for (size_t c = 0; c < nshown; c++) {
		const utab_col_t *col = &cols[shown[c]];
		json_array_append_new(jc,
		                      json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "code", col->it->code,
		                                "heading", col->heading, "group", col->group_text,
		                                "line", col->line, "unit", col->it->unit, "type",
		                                col->it->type == TPL_BOOL    ? "bool"
		                                : col->it->type == TPL_MONEY ? "money"
		                                                             : "count"));
	}
	json_t *jr = json_array();
	for (size_t r = 0; r < tb->nrows; r++) {
		const utab_row_t *x = &tb->rows[r];
		const char *anc[UTAB_NANCESTRY];
		utab_ancestry(t, x->unit, anc);
		json_t *o = app_unit_json(t, x->unit);
		json_object_set_new(o, "ancestry",
		                    json_pack("{s:s,s:s,s:s}", "province", anc[UTAB_PROVINCE],
		                              "district", anc[UTAB_DISTRICT], "commune",
		                              anc[UTAB_COMMUNE]));
		json_object_set_new(o, "url",
		                    json_string(row_url(a, t, lc->c->id, x->unit, p->drafts)));
		json_object_set_new(o, "reports", json_integer(x->reports));
		json_object_set_new(o, "totals", totals_obj(cols, shown, nshown, x->tot));
		json_t *out = json_object();
		for (size_t c = 0; c < nshown; c++)
			if (x->outlier[shown[c]])
				json_object_set_new(
				        out, cols[shown[c]].it->code,
				        json_string(x->outlier[shown[c]] == UTAB_OUT_HIGH ? "high"
				                                                          : "low"));
		json_object_set_new(o, "outliers", out);
		if (nratios) {
			json_t *ro = json_object();
			for (size_t q = 0; q < nratios; q++)
				json_object_set_new(
				        ro, ratios[q].key,
				        x->tot[ratios[q].den]
				                ? json_real((double)x->tot[ratios[q].num] /
				                            (double)x->tot[ratios[q].den])
				                : json_null());
			json_object_set_new(o, "ratios", ro);
		}
		json_array_append_new(jr, o);
	}
	json_t *kinds = json_array();
	for (size_t k = 0; k < tb->nkinds; k++)
		json_array_append_new(kinds, json_pack("{s:s,s:s}", "code", tb->kinds[k], "name",
		                                       tb->kind_names[k]));
	json_t *o = json_pack(
	        "{s:o,s:o,s:i,s:s,s:s,s:s,s:b,s:o,s:o,s:I,s:b,s:{s:I,s:o},s:{s:I,s:o},s:o,s:i}",
	        "campaign", rep_campaign_json(req, lc->c), "unit", app_unit_json(t, i), "depth",
	        p->depth, "kind", p->kind, "sort", *p->sort ? p->sort : "tree", "dir",
	        p->desc ? "desc" : "asc", "drafts", p->drafts, "columns", jc, "rows", jr, "matched",
	        (json_int_t)tb->nmatched, "truncated", tb->nrows < tb->nmatched, "total", "reports",
	        (json_int_t)tb->level_reports, "totals",
	        totals_obj(cols, shown, nshown, tb->level_tot), "rows_total", "reports",
	        (json_int_t)tb->rows_reports, "totals",
	        totals_obj(cols, shown, nshown, tb->rows_tot), "kinds", kinds, "max_depth",
	        tb->max_depth);
	return app_reply_json(req, 200, o);
}

/* ---------- the page ---------- */

static json_t *
cells_json(arena_t *a, const int64_t *tot, const unsigned char *outlier, const int *shown,
           size_t nshown, const utab_ratio_t *ratios, size_t nratios)
{
	json_t *cells = json_array();
	for (size_t c = 0; c < nshown; c++) {
		json_t *x = json_pack("{s:s}", "v", app_fmt_count(a, tot[shown[c]]));
		if (outlier && outlier[shown[c]])
			json_object_set_new(x, outlier[shown[c]] == UTAB_OUT_HIGH ? "high" : "low",
			                    json_true());
		json_array_append_new(cells, x);
	}
	for (size_t q = 0; q < nratios; q++)
		json_array_append_new(
		        cells, json_pack("{s:s}", "v",
		                         fmt_ratio(a, tot[ratios[q].num], tot[ratios[q].den])));
	return cells;
}

static int
reply_page(http_req_t *req, live_campaign_t *lc, int32_t i, const tparams_t *p, const utab_t *tb,
           const utab_col_t *cols, const int *shown, size_t nshown, const utab_ratio_t *ratios,
           size_t nratios)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	const template_t *tpl = lc->c->tpl;
	const char *base = arena_printf(a, "/campaigns/%lld/units/%s/table", (long long)lc->c->id,
	                                t->units[i].code);
	json_t *ctx = json_object();
	json_object_set_new(ctx, "campaign", rep_campaign_json(req, lc->c));
	json_object_set_new(ctx, "unit", app_unit_json(t, i));
	json_object_set_new(ctx, "path", app_unit_path_links(req, t, i));
	json_object_set_new(ctx, "base", json_string(base));
	json_object_set_new(ctx, "drafts", json_boolean(p->drafts));
	/* the form: depth, kind, group */
	json_t *depths = json_array();
	for (int d = 1; d <= tb->max_depth || d == p->depth; d++)
		json_array_append_new(
		        depths, json_pack("{s:i,s:s,s:b}", "value", d, "label",
		                          d == 1 ? "Đơn vị trực thuộc"
		                                 : arena_printf(a, "Mọi đơn vị %d cấp bên dưới", d),
		                          "selected", d == p->depth));
	json_object_set_new(ctx, "depths", depths);
	json_t *kinds = json_array();
	for (size_t k = 0; k < tb->nkinds; k++)
		json_array_append_new(kinds, json_pack("{s:s,s:s,s:b}", "value", tb->kinds[k],
		                                       "label", tb->kind_names[k], "selected",
		                                       !strcmp(tb->kinds[k], p->kind)));
	json_object_set_new(ctx, "kinds", kinds);
	json_t *groups = json_array();
	for (size_t s = 0; s < tpl->nsections; s++)
		for (size_t k = 0; k < tpl->sections[s].nitems; k++) {
			const tpl_item_t *it = &tpl->sections[s].items[k];
			if (it->heading)
				json_array_append_new(
				        groups,
				        json_pack("{s:s,s:s,s:b}", "value", it->code, "label",
				                  *it->number ? arena_printf(a, "%s. %s",
				                                             it->number, it->label)
				                              : it->label,
				                  "selected", !strcmp(it->code, p->group)));
		}
	json_object_set_new(ctx, "groups", groups);
	/* the headings: one row of groups over one row of lines, each line a sort link */
	json_t *grow = json_array(), *lines = json_array();
	for (size_t c = 0; c < nshown;) {
		const tpl_item_t *g = cols[shown[c]].group;
		size_t span = 1;
		while (c + span < nshown && cols[shown[c + span]].group == g)
			span++;
		json_array_append_new(grow,
		                      json_pack("{s:s,s:I}", "text", cols[shown[c]].group_text,
		                                "span", (json_int_t)span));
		c += span;
	}
	for (size_t q = 0; q < nratios; q++)
		json_array_append_new(grow, json_pack("{s:s,s:I}", "text", "Tỉ lệ", "span", 1));
	/* a click on a column sorts it largest first; on the sorted column, the other way */
	for (size_t c = 0; c < nshown; c++) {
		const utab_col_t *col = &cols[shown[c]];
		int sorted = !strcmp(p->sort, col->it->code);
		int desc = sorted ? !p->desc : 1;
		json_array_append_new(
		        lines, json_pack("{s:s,s:s,s:s,s:s,s:b,s:b}", "line", col->line, "heading",
		                         col->heading, "unit", col->it->unit, "url",
		                         arena_printf(a, "%s%s", base,
		                                      query(a, p, col->it->code, desc, NULL)),
		                         "sorted", sorted, "desc", sorted && p->desc));
	}
	for (size_t q = 0; q < nratios; q++)
		json_array_append_new(lines,
		                      json_pack("{s:s,s:s,s:s,s:s,s:b,s:b}", "line",
		                                ratios[q].label, "heading", ratios[q].label, "unit",
		                                "", "url", "", "sorted", 0, "desc", 0));
	json_object_set_new(ctx, "group_row", grow);
	json_object_set_new(ctx, "lines", lines);
	int by_name = !strcmp(p->sort, "name"), by_rep = !strcmp(p->sort, "reports");
	json_object_set_new(
	        ctx, "name_sort",
	        json_pack("{s:s,s:b,s:b}", "url",
	                  arena_printf(a, "%s%s", base,
	                               query(a, p, "name", by_name ? !p->desc : 0, NULL)),
	                  "sorted", by_name, "desc", by_name && p->desc));
	json_object_set_new(
	        ctx, "reports_sort",
	        json_pack("{s:s,s:b,s:b}", "url",
	                  arena_printf(a, "%s%s", base,
	                               query(a, p, "reports", by_rep ? !p->desc : 1, NULL)),
	                  "sorted", by_rep, "desc", by_rep && p->desc));
	if (*p->sort)
		json_object_set_new(
		        ctx, "unsorted_url",
		        json_string(arena_printf(a, "%s%s", base, query(a, p, "", 0, NULL))));
	/* the rows */
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	json_t *rows = json_array();
	int any_outlier = 0;
	for (size_t r = 0; r < tb->nrows; r++) {
		const utab_row_t *x = &tb->rows[r];
		int can = access_allowed(t, g, ng, ACT_UNIT_VIEW, x->unit);
		json_t *o = json_pack(
		        "{s:s,s:s,s:s,s:b,s:o,s:o}", "name", t->units[x->unit].name, "kind_name",
		        t->units[x->unit].kind_name, "url",
		        can ? row_url(a, t, lc->c->id, x->unit, p->drafts) : "", "can_view", can,
		        "reports", app_json_count(x->reports), "cells",
		        cells_json(a, x->tot, x->outlier, shown, nshown, ratios, nratios));
		for (size_t c = 0; c < nshown; c++)
			any_outlier |= x->outlier[shown[c]] != 0;
		json_array_append_new(rows, o);
	}
	json_object_set_new(ctx, "rows", rows);
	json_object_set_new(ctx, "has_rows", json_boolean(tb->nrows > 0));
	json_object_set_new(ctx, "any_outlier", json_boolean(any_outlier));
	json_object_set_new(
	        ctx, "total",
	        json_pack("{s:o,s:o}", "reports", app_json_count(tb->level_reports), "cells",
	                  cells_json(a, tb->level_tot, NULL, shown, nshown, ratios, nratios)));
	/* the average per report, a ratio every template has */
	json_t *avg = json_array();
	for (size_t c = 0; c < nshown; c++)
		json_array_append_new(
		        avg, json_pack("{s:s}", "v",
		                       fmt_ratio(a, tb->level_tot[shown[c]], tb->level_reports)));
	for (size_t q = 0; q < nratios; q++)
		json_array_append_new(avg, json_pack("{s:s}", "v", ""));
	json_object_set_new(ctx, "average", avg);
	json_object_set_new(ctx, "has_average", json_boolean(tb->level_reports > 0));
	if (*p->kind || p->depth != 1)
		json_object_set_new(ctx, "rows_total",
		                    json_pack("{s:o,s:o}", "reports",
		                              app_json_count(tb->rows_reports), "cells",
		                              cells_json(a, tb->rows_tot, NULL, shown, nshown,
		                                         ratios, nratios)));
	if (tb->nrows < tb->nmatched)
		json_object_set_new(
		        ctx, "cut",
		        json_string(arena_printf(
		                a,
		                "Bảng chỉ hiện %s trong %s đơn vị. Chọn loại đơn vị hoặc ít cấp "
		                "hơn để xem hết, hoặc tải tệp Excel/CSV (có mọi đơn vị).",
		                app_fmt_count(a, (int64_t)tb->nrows),
		                app_fmt_count(a, (int64_t)tb->nmatched))));
	json_object_set_new(
	        ctx, "xlsx_url",
	        json_string(arena_printf(a, "%s%s", base, query(a, p, NULL, 0, "xlsx"))));
	json_object_set_new(
	        ctx, "csv_url",
	        json_string(arena_printf(a, "%s%s", base, query(a, p, NULL, 0, "csv"))));
	json_object_set_new(ctx, "json_url",
	                    json_string(arena_printf(a, "/api/v1/campaigns/%lld/units/%s/table%s",
	                                             (long long)lc->c->id, t->units[i].code,
	                                             query(a, p, NULL, 0, NULL))));
	return app_render_page(req, 200, "unit_table",
	                       arena_printf(a, "Bảng so sánh — %s", t->units[i].name), ctx);
}

int
page_unit_table(http_req_t *req)
{
	live_campaign_t *lc = rep_campaign(req);
	if (!lc)
		return 0;
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = rep_req_unit(req);
	const template_t *tpl = lc->c->tpl;
	tparams_t p;
	int sort;
	const char *err;
	if (read_params(req, tpl, &p, &sort, &err) < 0) {
		app_error_page(req, 400, err);
		return 0;
	}
	int api = rep_is_api(req);
	int export = !api && *p.format;
	utab_opts_t o = {p.depth, p.kind, p.drafts,
	                 sort,    p.desc, export ? UTAB_EXPORT_ROWS : UTAB_PAGE_ROWS};
	utab_t tb;
	utab_build(lc, t, i, &o, a, &tb);
	utab_col_t *cols = utab_columns(tpl, a);
	size_t nshown;
	int *shown = shown_columns(a, cols, tpl->ncols, p.group, &nshown);
	const utab_ratio_t *ratios;
	size_t nratios = utab_template_ratios(tpl, a, &ratios);
	if (export)
		return reply_export(req, lc, i, &tb, cols, shown, nshown, ratios, nratios,
		                    !strcmp(p.format, "csv"));
	if (api)
		return reply_json(req, lc, i, &p, &tb, cols, shown, nshown, ratios, nratios);
	return reply_page(req, lc, i, &p, &tb, cols, shown, nshown, ratios, nratios);
}
