/* Year over year, for people and programs: a unit of a campaign and its children compared
 * with an earlier campaign through the merge map (src/service/compare.h) as a page (a GET
 * form to pick the earlier campaign, then one short list per indicator, readable on a
 * phone), as an XLSX sheet (every item x every row, numbers as numbers) and as JSON. Thin
 * adapters: the figures, the lineage and the refusals are the service's. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "app/report_pages.h"
#include "app/reporting.h"
#include "core/log.h"
#include "export/table.h"
#include "service/compare.h"
#include "text/text.h"

/* ---------- shared by the three ---------- */

/* The earlier campaign's tree, kept by the request until it completes. */
static const unit_tree_t *
req_campaign_tree(void *ctx, int64_t id)
{
	http_req_t *req = ctx;
	unit_tree_t *t = app_campaign_tree(http_req_app(req), id);
	app_req_keep_tree(req, t);
	return t;
}

void
rep_cmp_env(http_req_t *req, cmp_env_t *env)
{
	rep_ctx_t cx;
	rep_ctx_of(req, &cx);
	*env = (cmp_env_t){cx.store, cx.live, cx.arena, req_campaign_tree, req, cx.actor};
}

static int
drafts_param(http_req_t *req)
{
	const char *p = http_req_param(req, "drafts");
	return p && !strcmp(p, "1");
}

/* "with" as sent: 1 with *id, 0 when absent or empty, -1 when it is not a campaign number. */
static int
with_param(http_req_t *req, int64_t *id)
{
	const char *p = http_req_param(req, "with");
	*id = 0;
	if (p == NULL)
		return 0;
	while (*p == ' ')
		p++;
	if (*p == '\0')
		return 0;
	if (text_parse_int(p, strlen(p), id) < 0 || *id <= 0 || strchr(p, '.') || strchr(p, ' '))
		return -1;
	return 1;
}

static const char *
with_bad_message(http_req_t *req)
{
	return arena_printf(http_req_arena(req),
	                    "Tham số with phải là số của một đợt báo cáo trước để so sánh (ví dụ "
	                    "with=1), không phải \"%s\".",
	                    http_req_param(req, "with"));
}

static int
status_of(cmp_rc_t rc)
{
	switch (rc) {
	case CMP_OK: return 200;
	case CMP_ERR_NOT_FOUND: return 404;
	case CMP_ERR_INVALID: return 400;
	case CMP_ERR_DENIED: return 403;
	default: return 500;
	}
}

/* The service's refusal of the earlier campaign, naming the parameter it came from. */
static const char *
with_refused(http_req_t *req, cmp_rc_t rc, const char *msg)
{
	if (rc == CMP_ERR_NOT_FOUND || rc == CMP_ERR_INVALID)
		return arena_printf(http_req_arena(req), "Tham số with (đợt so sánh): %s", msg);
	return msg;
}

/* "+1.234", "-56", "0" */
static const char *
fmt_signed(arena_t *a, int64_t v)
{
	const char *s = app_fmt_count(a, v);
	return v > 0 ? arena_printf(a, "+%s", s) : s;
}

/* A percentage to one decimal, never -0. */
static double
pct_one_decimal(double pct)
{
	double r = round(pct * 10.0) / 10.0;
	return r == 0 ? 0.0 : r;
}

/* "+14,3%" */
static const char *
fmt_pct(arena_t *a, double pct)
{
	char *s = arena_printf(a, "%+.1f%%", pct_one_decimal(pct));
	for (char *p = s; *p; p++)
		if (*p == '.')
			*p = ',';
	return s;
}

/* A campaign, for the page and the API. */
static json_t *
campaign_json(http_req_t *req, const campaign_t *c)
{
	arena_t *a = http_req_arena(req);
	return json_pack("{s:I,s:i,s:s,s:s,s:s,s:s}", "id", (json_int_t)c->id, "year", c->year,
	                 "name", c->name, "status", c->status, "start",
	                 app_fmt_date(a, c->start_date), "end", app_fmt_date(a, c->end_date));
}

/* What the two sides are called: "Năm 2026" / "Năm 2022", or "Đợt này" / "Đợt so sánh"
 * when both campaigns are of one year; lower (0/1): at the start of a label or inside a
 * sentence. */
static void
side_labels(arena_t *a, const cmp_result_t *res, int lower, const char **cur, const char **past)
{
	if (res->cur->year != res->past->year && res->cur->year > 0 && res->past->year > 0) {
		*cur = arena_printf(a, "%s %d", lower ? "năm" : "Năm", res->cur->year);
		*past = arena_printf(a, "%s %d", lower ? "năm" : "Năm", res->past->year);
	} else {
		*cur = lower ? "đợt này" : "Đợt này";
		*past = lower ? "đợt so sánh" : "Đợt so sánh";
	}
}

static const char *
names_of(arena_t *a, const cmp_source_t *s, size_t n)
{
	buf_t b = BUF_INIT;
	for (size_t k = 0; k < n; k++) {
		if (k)
			buf_puts(&b, ", ");
		buf_puts(&b, s[k].name);
	}
	const char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* Where a row's earlier figure comes from, in words. */
static const char *
how_text(arena_t *a, const cmp_row_t *r)
{
	switch (r->how) {
	case CMP_SAME: return "chính đơn vị này";
	case CMP_LINEAGE: return arena_printf(a, "gộp từ %s", names_of(a, r->sources, r->nsources));
	default: return "không có số liệu";
	}
}

static const char *
partial_text(arena_t *a, const cmp_row_t *r)
{
	if (r->npartials == 0)
		return "";
	return arena_printf(a, "%s: một phần — chưa rõ tỉ lệ, không cộng vào",
	                    names_of(a, r->partials, r->npartials));
}

/* ---------- the page ---------- */

static json_t *
choices_json(http_req_t *req, const cmp_choice_t *ch, size_t n, int64_t with, int *any)
{
	arena_t *a = http_req_arena(req);
	json_t *list = json_array();
	*any = 0;
	for (size_t k = 0; k < n; k++) {
		if (!ch[k].covers && ch[k].id != with)
			continue; /* no figures of this unit there */
		*any = 1;
		const char *label = ch[k].start_date > 0
		                            ? arena_printf(a, "%s (%s)", ch[k].name,
		                                           app_fmt_date(a, ch[k].start_date))
		                            : ch[k].name;
		json_array_append_new(list,
		                      json_pack("{s:I,s:s,s:b}", "id", (json_int_t)ch[k].id,
		                                "label", label, "selected", ch[k].id == with));
	}
	return list;
}

/* Item k is 0 everywhere: every row, now, then and apart. */
static int
all_zero(const cmp_result_t *res, size_t k)
{
	for (size_t r = 0; r < res->nrows; r++) {
		const cmp_row_t *row = &res->rows[r];
		if (row->cur[k] || (row->how != CMP_NONE && row->past[k]) ||
		    (row->npartials && row->partial[k]))
			return 0;
	}
	return 1;
}

/* The page's figures: where each row's earlier figure comes from, then per item (grouped
 * under the template's headings) a short list of the rows. */
static void
result_json(http_req_t *req, const cmp_result_t *res, int drafts, json_t *ctx)
{
	arena_t *a = http_req_arena(req);
	const char *cur_label, *past_label;
	side_labels(a, res, 0, &cur_label, &past_label);
	json_t *o = json_object();
	json_object_set_new(o, "earlier", campaign_json(req, res->past));
	json_object_set_new(o, "cur_label", json_string(cur_label));
	json_object_set_new(o, "past_label", json_string(past_label));
	side_labels(a, res, 1, &cur_label, &past_label);
	json_object_set_new(o, "cur_words", json_string(cur_label));
	json_object_set_new(o, "past_words", json_string(past_label));
	const char *code = res->rows[0].code;
	json_object_set_new(
	        o, "xlsx_url",
	        json_string(arena_printf(a, "/campaigns/%lld/units/%s/compare.xlsx?with=%lld%s",
	                                 (long long)res->cur->id, code, (long long)res->past->id,
	                                 drafts ? "&drafts=1" : "")));
	json_object_set_new(
	        o, "json_url",
	        json_string(arena_printf(a, "/api/v1/campaigns/%lld/units/%s/compare?with=%lld%s",
	                                 (long long)res->cur->id, code, (long long)res->past->id,
	                                 drafts ? "&drafts=1" : "")));
	json_t *sources = json_array();
	int any_partial = 0;
	for (size_t r = 0; r < res->nrows; r++) {
		const cmp_row_t *row = &res->rows[r];
		any_partial |= row->npartials > 0;
		json_array_append_new(
		        sources,
		        json_pack("{s:s,s:s,s:b,s:s,s:s,s:b}", "name", row->name, "kind_name",
		                  row->kind_name, "is_unit", row->is_unit, "how", how_text(a, row),
		                  "partial", partial_text(a, row), "none", row->how == CMP_NONE));
	}
	json_object_set_new(o, "sources", sources);
	json_object_set_new(o, "any_partial", json_boolean(any_partial));

	/* the group heading of each item, from the current template */
	const template_t *tpl = res->cur->tpl;
	json_t *items = json_array();
	buf_t zero = BUF_INIT;
	const tpl_item_t *group = NULL, *shown_group = NULL;
	size_t next = 0;
	for (size_t s = 0; s < tpl->nsections && next < res->nitems; s++)
		for (size_t k = 0; k < tpl->sections[s].nitems && next < res->nitems; k++) {
			const tpl_item_t *it = &tpl->sections[s].items[k];
			if (it->heading) {
				group = it;
				continue;
			}
			if (strcmp(it->code, res->items[next].code) != 0)
				continue;
			const cmp_item_t *ci = &res->items[next];
			if (all_zero(res, next)) { /* listed together, below */
				buf_printf(&zero, "%s%s%s%s", zero.len ? "; " : "", ci->number,
				           *ci->number ? ". " : "", ci->label);
				next++;
				continue;
			}
			json_t *rows = json_array();
			for (size_t r = 0; r < res->nrows; r++) {
				const cmp_row_t *row = &res->rows[r];
				int64_t diff;
				double pct;
				int approx;
				int ch = cmp_change(res, row, next, &diff, &pct, &approx);
				json_t *x = json_pack("{s:s,s:b,s:s,s:b}", "name", row->name,
				                      "is_unit", row->is_unit, "cur",
				                      app_fmt_count(a, row->cur[next]), "none",
				                      row->how == CMP_NONE);
				if (row->how != CMP_NONE)
					json_object_set_new(
					        x, "past",
					        json_string(app_fmt_count(a, row->past[next])));
				if (ch > 0)
					json_object_set_new(x, "change",
					                    json_string(fmt_signed(a, diff)));
				if (ch > 1)
					json_object_set_new(x, "pct", json_string(fmt_pct(a, pct)));
				json_object_set_new(x, "approx", json_boolean(approx && ch > 0));
				if (row->npartials && row->partial[next])
					json_object_set_new(
					        x, "partial",
					        json_pack("{s:s,s:s}", "value",
					                  app_fmt_count(a, row->partial[next]),
					                  "names",
					                  names_of(a, row->partials,
					                           row->npartials)));
				json_array_append_new(rows, x);
			}
			json_t *io = json_pack("{s:s,s:s,s:s,s:s,s:o}", "code", ci->code, "number",
			                       ci->number, "label", ci->label, "unit", ci->unit,
			                       "rows", rows);
			if (group && group != shown_group) {
				json_object_set_new(io, "group",
				                    json_pack("{s:s,s:s}", "number", group->number,
				                              "label", group->label));
				shown_group = group;
			}
			json_array_append_new(items, io);
			next++;
		}
	json_object_set_new(o, "items", items);
	json_object_set_new(o, "has_zero", json_boolean(zero.len > 0));
	json_object_set_new(o, "zero", json_string(buf_cstr(&zero)));
	buf_free(&zero);
	json_t *only[2] = {json_array(), json_array()};
	for (int side = 0; side < 2; side++) {
		const cmp_unmatched_t *u = side ? res->past_only : res->cur_only;
		size_t n = side ? res->npast_only : res->ncur_only;
		for (size_t k = 0; k < n; k++)
			json_array_append_new(only[side],
			                      json_pack("{s:s,s:s,s:s,s:b}", "code", u[k].code,
			                                "number", u[k].number, "label", u[k].label,
			                                "other_type", u[k].other_type));
	}
	json_object_set_new(o, "has_unmatched", json_boolean(res->ncur_only + res->npast_only > 0));
	json_object_set_new(o, "has_cur_only", json_boolean(res->ncur_only > 0));
	json_object_set_new(o, "has_past_only", json_boolean(res->npast_only > 0));
	json_object_set_new(o, "cur_only", only[0]);
	json_object_set_new(o, "past_only", only[1]);
	json_object_set_new(ctx, "result", o);
}

int
page_compare(http_req_t *req)
{
	live_campaign_t *lc = rep_campaign(req);
	if (!lc)
		return 0;
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = rep_req_unit(req);
	int drafts = drafts_param(req);
	cmp_env_t env;
	rep_cmp_env(req, &env);
	cmp_current_t cur = {lc, t, i, drafts};
	int64_t with;
	int wp = with_param(req, &with);
	int status = 200;
	const char *error = NULL;
	cmp_result_t res;
	int have = 0;
	if (wp < 0) {
		status = 400;
		error = with_bad_message(req);
	} else if (wp > 0) {
		cmp_rc_t rc = cmp_build(&env, &cur, with, &res);
		if (rc == CMP_OK)
			have = 1;
		else if (rc == CMP_ERR_NOT_FOUND || rc == CMP_ERR_INVALID) {
			status = status_of(rc);
			error = with_refused(req, rc, res.message);
		} else {
			app_error_page(req, status_of(rc),
			               rc == CMP_ERR_STORE ? NULL : res.message);
			return 0;
		}
	}
	cmp_choice_t *ch;
	size_t nch;
	const char *msg;
	cmp_rc_t crc = cmp_choices(&env, &cur, &ch, &nch, &msg);
	if (crc != CMP_OK) {
		app_error_page(req, status_of(crc), crc == CMP_ERR_STORE ? NULL : msg);
		return 0;
	}
	int any;
	json_t *ctx = json_object();
	json_object_set_new(ctx, "campaign", rep_campaign_json(req, lc->c));
	json_object_set_new(ctx, "unit", app_unit_json(t, i));
	json_object_set_new(ctx, "path", app_unit_path_links(req, t, i));
	json_object_set_new(ctx, "choices", choices_json(req, ch, nch, have ? with : 0, &any));
	json_object_set_new(ctx, "has_choices", json_boolean(any));
	json_object_set_new(ctx, "drafts", json_boolean(drafts));
	if (error)
		json_object_set_new(ctx, "error", json_string(error));
	if (have)
		result_json(req, &res, drafts, ctx);
	return app_render_page(req, status, "compare",
	                       arena_printf(a, "So sánh với đợt trước — %s", t->units[i].name),
	                       ctx);
}

/* ---------- for programs and spreadsheets: the comparison or an answer already sent ---------- */

/* The comparison the request asks for (with required): 0, or -1 after replying. */
static int
build_or_refuse(http_req_t *req, cmp_result_t *res, int *drafts)
{
	live_campaign_t *lc = rep_campaign(req);
	if (!lc)
		return -1;
	int64_t with;
	int wp = with_param(req, &with);
	if (wp <= 0) {
		app_error_page(req, 400,
		               wp < 0 ? with_bad_message(req)
		                      : "Thiếu tham số with: số của đợt báo cáo trước để so sánh "
		                        "(ví dụ with=1).");
		return -1;
	}
	cmp_env_t env;
	rep_cmp_env(req, &env);
	*drafts = drafts_param(req);
	cmp_current_t cur = {lc, app_req_tree(req), rep_req_unit(req), *drafts};
	cmp_rc_t rc = cmp_build(&env, &cur, with, res);
	if (rc != CMP_OK) {
		app_error_page(req, status_of(rc),
		               rc == CMP_ERR_STORE ? NULL : with_refused(req, rc, res->message));
		return -1;
	}
	return 0;
}

/* ---------- JSON ---------- */

static json_t *
refs_json(const cmp_source_t *s, size_t n)
{
	json_t *a = json_array();
	for (size_t k = 0; k < n; k++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:I}", "code", s[k].code, "name",
		                                   s[k].name, "kind_name", s[k].kind_name,
		                                   "reports", (json_int_t)s[k].reports));
	return a;
}

static const char *
type_code(tpl_type_t t)
{
	switch (t) {
	case TPL_MONEY: return "money";
	case TPL_BOOL: return "bool";
	default: return "count";
	}
}

int
api_compare(http_req_t *req)
{
	cmp_result_t res;
	int drafts;
	if (build_or_refuse(req, &res, &drafts) < 0)
		return 0;
	const unit_tree_t *t = app_req_tree(req);
	json_t *o = json_object();
	json_object_set_new(o, "campaign", campaign_json(req, res.cur));
	json_object_set_new(o, "earlier", campaign_json(req, res.past));
	json_object_set_new(o, "unit", app_unit_json(t, res.rows[0].unit));
	json_object_set_new(o, "drafts", json_boolean(drafts));
	json_t *items = json_array();
	for (size_t k = 0; k < res.nitems; k++)
		json_array_append_new(items,
		                      json_pack("{s:s,s:s,s:s,s:s,s:s}", "code", res.items[k].code,
		                                "number", res.items[k].number, "label",
		                                res.items[k].label, "unit", res.items[k].unit,
		                                "type", type_code(res.items[k].type)));
	json_object_set_new(o, "items", items);
	json_t *only[2] = {json_array(), json_array()};
	for (int side = 0; side < 2; side++) {
		const cmp_unmatched_t *u = side ? res.past_only : res.cur_only;
		size_t n = side ? res.npast_only : res.ncur_only;
		for (size_t k = 0; k < n; k++)
			json_array_append_new(only[side],
			                      json_pack("{s:s,s:s,s:s,s:b}", "code", u[k].code,
			                                "number", u[k].number, "label", u[k].label,
			                                "other_type", u[k].other_type));
	}
	json_object_set_new(
	        o, "unmatched",
	        json_pack("{s:o,s:o}", "current_only", only[0], "earlier_only", only[1]));
	static const char *const how[] = {"none", "same", "lineage"};
	json_t *rows = json_array();
	for (size_t r = 0; r < res.nrows; r++) {
		const cmp_row_t *row = &res.rows[r];
		json_t *x = json_pack("{s:s,s:s,s:s,s:b,s:I}", "code", row->code, "name", row->name,
		                      "kind_name", row->kind_name, "is_unit", row->is_unit,
		                      "reports", (json_int_t)row->reports);
		json_object_set_new(x, "earlier",
		                    json_pack("{s:s,s:I,s:o,s:I,s:o}", "how", how[row->how],
		                              "reports", (json_int_t)row->past_reports, "sources",
		                              refs_json(row->sources, row->nsources),
		                              "partial_reports", (json_int_t)row->partial_reports,
		                              "partial_sources",
		                              refs_json(row->partials, row->npartials)));
		json_t *vals = json_object();
		for (size_t k = 0; k < res.nitems; k++) {
			int64_t diff;
			double pct;
			int approx;
			int ch = cmp_change(&res, row, k, &diff, &pct, &approx);
			json_t *v = json_pack("{s:I}", "current", (json_int_t)row->cur[k]);
			json_object_set_new(v, "earlier",
			                    row->how != CMP_NONE ? json_integer(row->past[k])
			                                         : json_null());
			json_object_set_new(v, "partial",
			                    row->npartials ? json_integer(row->partial[k])
			                                   : json_null());
			json_object_set_new(v, "change", ch > 0 ? json_integer(diff) : json_null());
			json_object_set_new(v, "change_pct",
			                    ch > 1 ? json_real(pct_one_decimal(pct)) : json_null());
			json_object_set_new(v, "approximate", json_boolean(approx && ch > 0));
			json_object_set_new(vals, res.items[k].code, v);
		}
		json_object_set_new(x, "values", vals);
		json_array_append_new(rows, x);
	}
	json_object_set_new(o, "rows", rows);
	return app_reply_json(req, 200, o);
}

/* ---------- XLSX ---------- */

typedef struct sheet {
	http_req_t *req;
	const cmp_result_t *res;
	const char *title;
} sheet_t;

enum {
	X_CODE,
	X_UNIT,
	X_ITEM,
	X_NUMBER,
	X_LABEL,
	X_MEASURE,
	X_CUR,
	X_PAST,
	X_DIFF,
	X_PCT,
	X_APPROX,
	X_PARTIAL,
	X_PARTIAL_NAMES,
	X_SOURCE,
	X_NCOLS
};

static int
fill_sheet(void *wbp, const void *ctx)
{
	lxw_workbook *wb = wbp;
	const sheet_t *sh = ctx;
	const cmp_result_t *res = sh->res;
	arena_t *a = http_req_arena(sh->req);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "So sánh");
	lxw_format *bold = workbook_add_format(wb), *num = workbook_add_format(wb),
	           *pct = workbook_add_format(wb), *head = workbook_add_format(wb);
	if (!ws || !bold || !num || !pct || !head)
		return LXW_ERROR_MEMORY_MALLOC_FAILED;
	format_set_bold(bold);
	format_set_bold(head);
	format_set_text_wrap(head);
	format_set_bottom(head, LXW_BORDER_THIN);
	format_set_num_format(num, "#,##0");
	format_set_num_format(pct, "0.0%");
	const char *cur_label, *past_label;
	side_labels(a, res, 0, &cur_label, &past_label);
	const char *header[X_NCOLS] = {
	        [X_CODE] = "Mã đơn vị",
	        [X_UNIT] = "Đơn vị",
	        [X_ITEM] = "Mã mục",
	        [X_NUMBER] = "STT",
	        [X_LABEL] = "Nội dung",
	        [X_MEASURE] = "Đơn vị tính",
	        [X_CUR] = arena_printf(a, "%s (%s)", cur_label, res->cur->name),
	        [X_PAST] = arena_printf(a, "%s (%s)", past_label, res->past->name),
	        [X_DIFF] = "Thay đổi",
	        [X_PCT] = "Thay đổi (%)",
	        [X_APPROX] = "Gần đúng",
	        [X_PARTIAL] = "Một phần — chưa rõ tỉ lệ (không cộng vào)",
	        [X_PARTIAL_NAMES] = "Đơn vị cũ góp một phần",
	        [X_SOURCE] = arena_printf(a, "Nguồn số liệu %s", past_label),
	};
	static const double widths[X_NCOLS] = {12, 32, 12, 6, 48, 10, 16,
	                                       16, 12, 12, 9, 18, 28, 36};
	lxw_error rc = LXW_NO_ERROR;
	for (int c = 0; c < X_NCOLS && rc == LXW_NO_ERROR; c++)
		rc = worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, widths[c], NULL);
	if (rc == LXW_NO_ERROR)
		rc = worksheet_write_string(ws, 0, 0, sh->title, bold);
	for (int c = 0; c < X_NCOLS && rc == LXW_NO_ERROR; c++)
		rc = worksheet_write_string(ws, 1, (lxw_col_t)c, header[c], head);
	if (rc == LXW_NO_ERROR)
		worksheet_freeze_panes(ws, 2, 0);
	lxw_row_t y = 2;
	for (size_t r = 0; r < res->nrows && rc == LXW_NO_ERROR; r++) {
		const cmp_row_t *row = &res->rows[r];
		const char *source = how_text(a, row);
		const char *pnames = names_of(a, row->partials, row->npartials);
		for (size_t k = 0; k < res->nitems && rc == LXW_NO_ERROR; k++, y++) {
			const cmp_item_t *it = &res->items[k];
			int64_t diff;
			double p;
			int approx;
			int ch = cmp_change(res, row, k, &diff, &p, &approx);
			const char *text[X_NCOLS] = {[X_CODE] = row->code,  [X_UNIT] = row->name,
			                             [X_ITEM] = it->code,   [X_NUMBER] = it->number,
			                             [X_LABEL] = it->label, [X_MEASURE] = it->unit,
			                             [X_SOURCE] = source};
			if (row->how == CMP_NONE)
				text[X_PAST] = "không có số liệu";
			if (approx && ch > 0)
				text[X_APPROX] = "≈";
			if (row->npartials)
				text[X_PARTIAL_NAMES] = pnames;
			for (int c = 0; c < X_NCOLS && rc == LXW_NO_ERROR; c++)
				if (text[c] && *text[c])
					rc = worksheet_write_string(ws, y, (lxw_col_t)c, text[c],
					                            NULL);
			if (rc != LXW_NO_ERROR)
				break;
			rc = worksheet_write_number(ws, y, X_CUR, (double)row->cur[k], num);
			if (rc == LXW_NO_ERROR && row->how != CMP_NONE)
				rc = worksheet_write_number(ws, y, X_PAST, (double)row->past[k],
				                            num);
			if (rc == LXW_NO_ERROR && ch > 0)
				rc = worksheet_write_number(ws, y, X_DIFF, (double)diff, num);
			if (rc == LXW_NO_ERROR && ch > 1)
				rc = worksheet_write_number(ws, y, X_PCT, p / 100.0, pct);
			if (rc == LXW_NO_ERROR && row->npartials)
				rc = worksheet_write_number(ws, y, X_PARTIAL,
				                            (double)row->partial[k], num);
		}
	}
	/* the items that could not be compared, under the table */
	for (int side = 0; side < 2 && rc == LXW_NO_ERROR; side++) {
		const cmp_unmatched_t *u = side ? res->past_only : res->cur_only;
		size_t n = side ? res->npast_only : res->ncur_only;
		if (n == 0)
			continue;
		y++;
		rc = worksheet_write_string(
		        ws, y++, 0,
		        side ? arena_printf(a,
		                            "Mục chỉ có trong đợt so sánh (%s), không có trong đợt "
		                            "này:",
		                            res->past->name)
		             : arena_printf(a,
		                            "Mục chỉ có trong đợt này (%s), không có trong đợt so "
		                            "sánh:",
		                            res->cur->name),
		        bold);
		for (size_t k = 0; k < n && rc == LXW_NO_ERROR; k++, y++) {
			rc = worksheet_write_string(ws, y, X_ITEM, u[k].code, NULL);
			if (rc == LXW_NO_ERROR && *u[k].number)
				rc = worksheet_write_string(ws, y, X_NUMBER, u[k].number, NULL);
			if (rc == LXW_NO_ERROR)
				rc = worksheet_write_string(
				        ws, y, X_LABEL,
				        u[k].other_type ? arena_printf(a, "%s (khác kiểu số liệu)",
				                                       u[k].label)
				                        : u[k].label,
				        NULL);
		}
	}
	return (int)rc;
}

int
page_compare_xlsx(http_req_t *req)
{
	cmp_result_t res;
	int drafts;
	if (build_or_refuse(req, &res, &drafts) < 0)
		return 0;
	arena_t *a = http_req_arena(req);
	sheet_t sh = {req, &res,
	              arena_printf(a, "So sánh số liệu — %s — %s với %s%s", res.rows[0].name,
	                           res.cur->name, res.past->name,
	                           drafts ? " (đợt này tính cả bản nháp)" : "")};
	buf_t out = BUF_INIT;
	char err[300];
	if (xlsx_build(fill_sheet, &sh, "Có nội dung dài quá 32.767 ký tự, Excel không chứa được.",
	               &out, err, sizeof err) < 0) {
		buf_free(&out);
		log_error("compare export: %s", err);
		app_error_page(req, 500, err);
		return 0;
	}
	http_resp_header(req, "Content-Disposition",
	                 arena_printf(a, "attachment; filename=\"so-sanh-%d-%d-%s.xlsx\"",
	                              res.cur->year, res.past->year, res.rows[0].code));
	return http_reply_buf(req, 200,
	                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	                      &out);
}
