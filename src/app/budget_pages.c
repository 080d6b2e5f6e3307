/* The budget of a campaign (kinh phí, docs/budget.md): a unit's page
 * /campaigns/ID/units/CODE/kinh-phi (its own lines with the entry form, the decisions its
 * khen thưởng money comes from, its subtree's totals and each child's), the same as JSON
 * under /api/v1/campaigns/ID/units/CODE/budget, the per-unit XLSX/CSV and the dashboard's
 * box. Thin adapters over src/service/budget.c: parse, call, translate. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/pagecache.h"
#include "app/report_pages.h"
#include "domain/jsonin.h"
#include "service/budget.h"
#include "service/unit_table.h"
#include "text/text.h"

static const char *const kind_key[BUD_NKIND] = {"p", "a", "s"};

typedef struct bud_req {
	live_campaign_t *lc;
	int32_t i;
	bud_ctx_t cx;
	bud_scope_t s;
} bud_req_t;

/* The request's campaign (the one the unit records in: else a redirect or 409, as the
 * results form), unit and service context. 0, or -1 after replying. */
static int
open_budget(http_req_t *req, bud_req_t *b)
{
	memset(b, 0, sizeof *b);
	b->lc = rep_report_campaign(req);
	if (!b->lc)
		return -1;
	const unit_tree_t *t = app_req_tree(req);
	b->i = rep_req_unit(req);
	int32_t issuer = unit_tree_find_id(t, b->lc->c->issuer_unit_id);
	if (issuer < 0 || !unit_tree_contains(t, issuer, b->i)) {
		app_error_page(req, 404,
		               "Đơn vị này không thuộc phạm vi đợt báo cáo; hãy mở kinh phí từ "
		               "trang của đợt mà đơn vị tham gia.");
		return -1;
	}
	app_user_t *u = app_req_user(req);
	b->cx = (bud_ctx_t){((app_t *)http_req_app(req))->store,
	                    t,
	                    http_req_arena(req),
	                    app_now(),
	                    u ? u->id : 0,
	                    u ? (*u->full_name ? u->full_name : u->username) : "",
	                    http_req_client_ip(req)};
	if (bud_scope_load(&b->cx, b->lc->c->id, &b->s) != BUD_OK) {
		app_error_page(req, 500, "Không đọc được đợt báo cáo; hãy thử lại.");
		return -1;
	}
	return 0;
}

/* ---------- figures as JSON ---------- */

static void
amount(json_t *o, arena_t *a, const char *key, int64_t v)
{
	json_object_set_new(o, key, json_integer(v));
	json_object_set_new(o, arena_printf(a, "%s_text", key), app_js(app_fmt_count(a, v)));
}

static json_t *
triple(arena_t *a, const bud_cells_t *c, int src, int pur)
{
	json_t *o = json_object();
	for (int k = 0; k < BUD_NKIND; k++)
		amount(o, a, bud_kinds[k].code, bud_cells_sum(c, src, pur, k));
	return o;
}

/* The cells by source (each with its rows by purpose and total), by purpose over every
 * source, and the grand total. */
static json_t *
cells_json(arena_t *a, const bud_cells_t *c)
{
	json_t *o = json_object(), *srcs = json_array(), *pur = json_array();
	for (int s = 0; s < BUD_NSRC; s++) {
		json_t *rows = json_array();
		for (int p = 0; p < BUD_NPUR; p++) {
			json_t *r = triple(a, c, s, p);
			json_object_set_new(r, "purpose", app_js(bud_purposes[p].code));
			json_object_set_new(r, "name", app_js(bud_purposes[p].name));
			json_object_set_new(r, "from_decisions", json_boolean(p == BUD_PUR_AWARDS));
			json_array_append_new(rows, r);
		}
		json_t *so =
		        json_pack("{s:s,s:s,s:o,s:o}", "source", bud_sources[s].code, "name",
		                  bud_sources[s].name, "lines", rows, "total", triple(a, c, s, -1));
		json_array_append_new(srcs, so);
	}
	for (int p = 0; p < BUD_NPUR; p++) {
		json_t *r = triple(a, c, -1, p);
		json_object_set_new(r, "purpose", app_js(bud_purposes[p].code));
		json_object_set_new(r, "name", app_js(bud_purposes[p].name));
		json_array_append_new(pur, r);
	}
	json_object_set_new(o, "sources", srcs);
	json_object_set_new(o, "by_purpose", pur);
	json_object_set_new(o, "total", triple(a, c, -1, -1));
	json_object_set_new(o, "any", json_boolean(bud_cells_any(c)));
	return o;
}

static const char *
field_name(arena_t *a, int s, int p, int k)
{
	return arena_printf(a, "%s.%s.%s", kind_key[k], bud_sources[s].code, bud_purposes[p].code);
}

/* The entry form: per source, a row per purpose with its three inputs (the typed values
 * and errors when typed is not NULL; after a conflict, under each typed value that is not
 * the one saved meanwhile, that one; khen thưởng's spent read-only from the decisions). */
static json_t *
form_json(arena_t *a, const bud_cells_t *own, const bud_input_t *typed, const bud_errors_t *e,
          int conflict)
{
	json_t *srcs = json_array();
	for (int s = 0; s < BUD_NSRC; s++) {
		json_t *rows = json_array();
		for (int p = 0; p < BUD_NPUR; p++) {
			json_t *cells = json_array();
			for (int k = 0; k < BUD_NKIND; k++) {
				json_t *c = json_pack(
				        "{s:s,s:s,s:s}", "name", field_name(a, s, p, k), "label",
				        bud_cell_name(a, s, p, k), "kind", bud_kinds[k].name);
				if (p == BUD_PUR_AWARDS && k == BUD_SPENT) {
					json_object_set_new(c, "readonly", json_true());
					json_object_set_new(
					        c, "text",
					        app_js(app_fmt_count(a, own->v[s][p][k])));
				} else {
					const bud_cell_in_t *in = typed ? &typed->c[s][p][k] : NULL;
					const char *v =
					        in && in->given == 1
					                ? in->text
					                : (own->v[s][p][k]
					                           ? app_fmt_count(a,
					                                           own->v[s][p][k])
					                           : "");
					json_object_set_new(c, "value", app_js(v));
					int64_t x = 0;
					const char *tx = in && in->text ? in->text : "";
					int blank = tx[strspn(tx, " \t")] == '\0';
					if (conflict && in && in->given == 1 &&
					    (blank ? 0
					     : text_parse_int(tx, strlen(tx), &x) < 0
					             ? -1
					             : x) != own->v[s][p][k])
						json_object_set_new(
						        c, "saved",
						        app_js(app_fmt_count(a, own->v[s][p][k])));
				}
				if (e && e->msg[s][p][k])
					json_object_set_new(c, "error", app_js(e->msg[s][p][k]));
				json_array_append_new(cells, c);
			}
			json_array_append_new(rows,
			                      json_pack("{s:s,s:o}", "name", bud_purposes[p].name,
			                                "cells", cells));
		}
		json_array_append_new(
		        srcs, json_pack("{s:s,s:o}", "name", bud_sources[s].name, "rows", rows));
	}
	return srcs;
}

static json_t *
decisions_json(http_req_t *req, const bud_view_t *v)
{
	arena_t *a = http_req_arena(req);
	const unit_tree_t *t = app_req_tree(req);
	json_t *arr = json_array();
	for (size_t k = 0; k < v->ndecisions; k++) {
		const bud_decision_t *d = &v->decisions[k];
		json_t *o = json_pack("{s:I,s:I,s:s,s:s,s:I}", "decision_id",
		                      (json_int_t)d->decision_id, "document_id",
		                      (json_int_t)d->document_id, "source",
		                      bud_sources[d->src].code, "source_name",
		                      bud_sources[d->src].name, "awards", (json_int_t)d->awards);
		amount(o, a, "amount", d->amount);
		json_object_set_new(o, "date", app_js(app_fmt_date(a, d->issued_on)));
		json_object_set_new(o, "number", json_integer(d->doc_number));
		json_object_set_new(o, "year", json_integer(d->doc_year));
		json_object_set_new(o, "subject", app_js(d->subject));
		json_object_set_new(
		        o, "url",
		        app_js(arena_printf(a, "/units/%s/docs/%lld", t->units[v->unit].code,
		                            (long long)d->document_id)));
		json_array_append_new(arr, o);
	}
	return arr;
}

static const char *
base_url(http_req_t *req, const bud_req_t *b, int32_t u)
{
	return arena_printf(http_req_arena(req), "/campaigns/%lld/units/%s/kinh-phi",
	                    (long long)b->lc->c->id, app_req_tree(req)->units[u].code);
}

/* The page's (and the API's) context; NULL after a store error. */
static json_t *
budget_ctx(http_req_t *req, const bud_req_t *b, const bud_input_t *typed, const bud_errors_t *e,
           int conflict)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	bud_view_t v;
	if (bud_read(&b->cx, &b->s, b->i, 0, &v) != BUD_OK)
		return NULL;
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	int edit = access_allowed(t, g, ng, ACT_REPORT_EDIT, b->i);
	int api = app_is_api(req);
	json_t *ctx = json_object();
	json_object_set_new(ctx, "campaign", rep_campaign_json(req, b->lc->c));
	json_object_set_new(ctx, "unit", app_unit_json(t, b->i));
	json_object_set_new(ctx, "path",
	                    api ? app_unit_path_json(t, b->i) : app_unit_path_links(req, t, b->i));
	json_object_set_new(ctx, "version", json_integer(v.version));
	json_object_set_new(ctx, "updated_at",
	                    v.updated_at ? app_js(app_fmt_time(a, v.updated_at)) : json_null());
	json_object_set_new(ctx, "can_edit", json_boolean(edit));
	json_object_set_new(ctx, "own", cells_json(a, &v.own));
	json_t *dec = decisions_json(req, &v);
	json_object_set_new(ctx, "has_decisions", json_boolean(json_array_size(dec) > 0));
	json_object_set_new(ctx, "decisions", dec);
	json_object_set_new(ctx, "total", cells_json(a, &v.total));
	json_t *kids = json_array();
	for (size_t k = 0; k < v.nchild; k++) {
		int32_t j = v.child[k];
		if (t->units[j].closed)
			continue;
		json_t *o = json_pack("{s:s,s:s,s:b,s:o}", "code", t->units[j].code, "name",
		                      t->units[j].name, "can_view",
		                      access_allowed(t, g, ng, ACT_UNIT_VIEW, j), "total",
		                      triple(a, &v.child_total[k], -1, -1));
		json_object_set_new(o, "url", app_js(base_url(req, b, j)));
		json_object_set_new(o, "any", json_boolean(bud_cells_any(&v.child_total[k])));
		json_array_append_new(kids, o);
	}
	json_object_set_new(ctx, "has_children", json_boolean(json_array_size(kids) > 0));
	json_object_set_new(ctx, "children", kids);
	if (!api) {
		json_object_set_new(ctx, "base", app_js(base_url(req, b, b->i)));
		if (edit)
			json_object_set_new(ctx, "form", form_json(a, &v.own, typed, e, conflict));
		if (!strcmp(app_param(req, "done"), "1") && !typed)
			json_object_set_new(ctx, "ok", app_js("Đã lưu kinh phí."));
	}
	return ctx;
}

static int
render(http_req_t *req, const bud_req_t *b, int status, const bud_input_t *typed,
       const bud_errors_t *e, const char *form_error)
{
	json_t *ctx = budget_ctx(req, b, typed, e, status == 409);
	if (ctx == NULL) {
		app_error_page(req, 500, "Không đọc được kinh phí; hãy thử lại.");
		return 0;
	}
	if (app_is_api(req))
		return app_reply_json(req, status, ctx);
	if (form_error)
		json_object_set_new(ctx, "form_error", app_js(form_error));
	const unit_tree_t *t = app_req_tree(req);
	return app_render_page(
	        req, status, "budget",
	        arena_printf(http_req_arena(req), "Kinh phí — %s", t->units[b->i].name), ctx);
}

int
page_budget(http_req_t *req)
{
	bud_req_t b;
	if (open_budget(req, &b) < 0)
		return 0;
	return render(req, &b, 200, NULL, NULL, NULL);
}

/* ---------- writes ---------- */

/* The JSON API's body: {"version": n, "lines": [{"source", "purpose", "planned",
 * "approved", "spent"}]}, amounts JSON integers (a listed line's missing amount is 0;
 * lines not listed keep theirs). Wrong types, unknown keys or codes refused naming the
 * field: 0, or -1 after replying 400. path[s][p] gets each line's "lines[k]". */
static int
read_api(http_req_t *req, bud_input_t *in, const char *path[BUD_NSRC][BUD_NPUR])
{
	arena_t *a = http_req_arena(req);
	size_t blen;
	const char *body = http_req_body(req, &blen);
	/* the top level through the typed reader (domain/jsonin.h), the lines one by one */
	json_t *doc, *lines = NULL;
	int64_t ver = 0;
	const jsonin_field_t f[] = {
	        {.name = "version",
	         .type = JSONIN_INT,
	         .flags = JSONIN_REQUIRED,
	         .min = 0,
	         .max = INT64_MAX,
	         .out = &ver,
	         .want = "số nguyên ≥ 0, phiên bản đã đọc (0 khi đơn vị chưa lưu lần nào)"},
	        {.name = "lines",
	         .type = JSONIN_ARRAY,
	         .flags = JSONIN_REQUIRED,
	         .out = &lines,
	         .want = "một mảng các dòng kinh phí"},
	};
	const char *bad = NULL, *key;
	json_t *x;
	jsonin_read(body, blen, 0, f, 2, a, &doc, &bad);
	size_t k;
	json_t *l;
	if (!bad) {
		in->expected_version = ver;
		json_array_foreach(lines, k, l)
		{
			const char *at = arena_printf(a, "lines[%zu]", k);
			if (!json_is_object(l)) {
				bad = arena_printf(a, "%s: phải là một đối tượng.", at);
				break;
			}
			json_object_foreach(l, key, x)
			{
				if (!strcmp(key, "source") || !strcmp(key, "purpose"))
					continue;
				int kind = bud_find(bud_kinds, BUD_NKIND, key);
				if (kind < 0) {
					bad = arena_printf(
					        a,
					        "%s.%.40s: không có trường này; một dòng có "
					        "source, purpose, planned, approved, spent.",
					        at, key);
					break;
				}
				if (!json_is_integer(x)) {
					bad = arena_printf(
					        a,
					        "%s.%s: phải là một số nguyên (số đồng), không "
					        "phải chuỗi, số thập phân hay true/false.",
					        at, key);
					break;
				}
			}
			if (bad)
				break;
			json_t *js = json_object_get(l, "source"),
			       *jp = json_object_get(l, "purpose");
			int s = json_is_string(js)
			                ? bud_find(bud_sources, BUD_NSRC, json_string_value(js))
			                : -1;
			int p = json_is_string(jp)
			                ? bud_find(bud_purposes, BUD_NPUR, json_string_value(jp))
			                : -1;
			if (s < 0) {
				bad = arena_printf(
				        a, "%s.source: phải là một trong nsnn, xhh, khac.", at);
				break;
			}
			if (p < 0) {
				bad = arena_printf(
				        a,
				        "%s.purpose: phải là một trong tuyen_truyen, lop_hoc, "
				        "khen_thuong, khac.",
				        at);
				break;
			}
			if (path[s][p]) {
				bad = arena_printf(a, "%s: dòng %s/%s đã có ở %s.", at,
				                   bud_sources[s].code, bud_purposes[p].code,
				                   path[s][p]);
				break;
			}
			path[s][p] = at;
			for (int q = 0; q < BUD_NKIND; q++) {
				json_t *n = json_object_get(l, bud_kinds[q].code);
				if (p == BUD_PUR_AWARDS && q == BUD_SPENT)
					in->c[s][p][q] = (bud_cell_in_t){
					        n ? 2 : 0, NULL, n ? json_integer_value(n) : 0};
				else
					in->c[s][p][q] = (bud_cell_in_t){
					        2, NULL, n ? json_integer_value(n) : 0};
			}
		}
	}
	json_decref(doc);
	if (bad) {
		app_error_page(req, 400, bad);
		return -1;
	}
	return 0;
}

int
page_budget_save(http_req_t *req)
{
	bud_req_t b;
	if (open_budget(req, &b) < 0)
		return 0;
	arena_t *a = http_req_arena(req);
	int api = app_is_api(req);
	bud_input_t in;
	memset(&in, 0, sizeof in);
	const char *path[BUD_NSRC][BUD_NPUR];
	memset(path, 0, sizeof path);
	if (api) {
		if (read_api(req, &in, path) < 0)
			return 0;
	} else {
		for (int s = 0; s < BUD_NSRC; s++)
			for (int p = 0; p < BUD_NPUR; p++)
				for (int k = 0; k < BUD_NKIND; k++) {
					const char *v = http_req_param(req, field_name(a, s, p, k));
					in.c[s][p][k] = (bud_cell_in_t){v ? 1 : 0, v, 0};
				}
		const char *vs = app_param(req, "version");
		int64_t ver = 0;
		if (*vs && (text_parse_int(vs, strlen(vs), &ver) < 0 || ver < 0)) {
			app_error_page(req, 400,
			               "Phiên bản (version) của biểu mẫu không hợp lệ; hãy "
			               "tải lại trang.");
			return 0;
		}
		in.expected_version = ver;
	}
	int64_t version;
	bud_errors_t e;
	const char *msg;
	bud_rc_t rc = bud_save(&b.cx, &b.s, b.i, &in, &version, &e, &msg);
	int status = rc == BUD_OK             ? 200
	             : rc == BUD_ERR_INVALID  ? 422
	             : rc == BUD_ERR_CONFLICT ? 409
	                                      : 500;
	if (rc == BUD_OK && !api) {
		http_redirect(req, 303, arena_printf(a, "%s?done=1", base_url(req, &b, b.i)));
		return 0;
	}
	if (rc == BUD_OK)
		return render(req, &b, 200, NULL, NULL, NULL);
	if (api) {
		json_t *fields = json_object();
		for (int s = 0; s < BUD_NSRC; s++)
			for (int p = 0; p < BUD_NPUR; p++)
				for (int k = 0; k < BUD_NKIND; k++)
					if (e.msg[s][p][k])
						json_object_set_new(
						        fields,
						        arena_printf(a, "%s.%s",
						                     path[s][p] ? path[s][p]
						                                : "lines",
						                     bud_kinds[k].code),
						        app_js(e.msg[s][p][k]));
		return app_reply_json(req, status,
		                      json_pack("{s:{s:i,s:s,s:o}}", "error", "status", status,
		                                "message", msg, "fields", fields));
	}
	if (status == 500) {
		app_error_page(req, 500, msg);
		return 0;
	}
	return render(req, &b, status, &in, &e, msg);
}

/* ---------- the per-unit table ---------- */

enum { FIXED = 3 + UTAB_NANCESTRY, NCELLS = BUD_NSRC * BUD_NPUR * BUD_NKIND };

typedef struct export_rows {
	const unit_tree_t *t;
	const bud_view_t *v;
	const int32_t *units; /* tree index of each row; -1 the totals */
	size_t next;          /* the next of v's rows to match */
	char names[4][8];
} export_rows_t;

static void
export_row(void *ctx, size_t r, table_cell_t *row)
{
	export_rows_t *m = ctx;
	int32_t u = m->units[r];
	const bud_cells_t *c = NULL;
	size_t k = 0;
	if (u < 0) {
		c = &m->v->total;
		row[k++] = (table_cell_t){TABLE_TEXT, "", 0};
		row[k++] = (table_cell_t){TABLE_TEXT, "Tổng cộng", 0};
		for (int l = 0; l < 1 + UTAB_NANCESTRY; l++)
			row[k++] = (table_cell_t){TABLE_EMPTY, NULL, 0};
	} else {
		const unit_t *un = &m->t->units[u];
		while (m->next < m->v->nrows && m->v->row_unit[m->next] < u)
			m->next++;
		if (m->next < m->v->nrows && m->v->row_unit[m->next] == u)
			c = &m->v->row[m->next];
		const char *anc[UTAB_NANCESTRY];
		utab_ancestry(m->t, u, anc);
		row[k++] = (table_cell_t){TABLE_TEXT, un->code, 0};
		row[k++] = (table_cell_t){TABLE_TEXT, un->name, 0};
		row[k++] = (table_cell_t){TABLE_TEXT, un->kind_name, 0};
		for (int l = 0; l < UTAB_NANCESTRY; l++)
			row[k++] = (table_cell_t){TABLE_TEXT, anc[l], 0};
	}
	for (int s = 0; s < BUD_NSRC; s++)
		for (int p = 0; p < BUD_NPUR; p++)
			for (int q = 0; q < BUD_NKIND; q++)
				row[k++] = (table_cell_t){TABLE_INT, NULL, c ? c->v[s][p][q] : 0};
	for (int q = 0; q < BUD_NKIND; q++)
		row[k++] = (table_cell_t){TABLE_INT, NULL, c ? bud_cells_sum(c, -1, -1, q) : 0};
}

int
page_budget_export(http_req_t *req)
{
	bud_req_t b;
	if (open_budget(req, &b) < 0)
		return 0;
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	size_t plen = strlen(http_req_path(req));
	int csv = plen > 4 && !strcmp(http_req_path(req) + plen - 4, ".csv");
	bud_view_t v;
	if (bud_read(&b.cx, &b.s, b.i, 1, &v) != BUD_OK) {
		app_error_page(req, 500, "Không đọc được kinh phí; hãy thử lại.");
		return 0;
	}
	size_t ncols = FIXED + NCELLS + BUD_NKIND;
	const char **header = arena_alloc(a, ncols * sizeof *header);
	size_t h = 0;
	header[h++] = "Mã đơn vị";
	header[h++] = "Đơn vị";
	header[h++] = "Loại đơn vị";
	for (int l = 0; l < UTAB_NANCESTRY; l++)
		header[h++] = utab_ancestry_heading[l];
	for (int s = 0; s < BUD_NSRC; s++)
		for (int p = 0; p < BUD_NPUR; p++)
			for (int q = 0; q < BUD_NKIND; q++)
				header[h++] = arena_printf(a, "%s — %s — %s", bud_sources[s].name,
				                           bud_purposes[p].name, bud_kinds[q].name);
	for (int q = 0; q < BUD_NKIND; q++)
		header[h++] = arena_printf(a, "Tổng — %s", bud_kinds[q].name);
	int32_t *units = arena_alloc(a, (size_t)(t->units[b.i].end - b.i + 1) * sizeof *units);
	size_t rows = 0;
	for (int32_t k = b.i; k < t->units[b.i].end; k++)
		if (!t->units[k].closed)
			units[rows++] = k;
	units[rows++] = -1;
	export_rows_t m = {.t = t, .v = &v, .units = units};
	table_t tb = {arena_printf(a, "Kinh phí %d — %s", b.lc->c->year, t->units[b.i].name),
	              header,
	              ncols,
	              NULL,
	              rows,
	              NULL};
	return rep_reply_table(
	        req, &tb, export_row, &m, csv,
	        arena_printf(a, "kinh-phi-%d-%s", b.lc->c->year, t->units[b.i].code));
}

/* ---------- the dashboard's box ---------- */

/* The box's totals are kept in the dashboard's page cache (lc->extra, one per live campaign
 * and tree) under a key holding the store's budget stamp: any save, issued decision or new
 * campaign makes a new key, so a kept total is never stale; a national total costs a read of
 * every line (~70 ms, docs/budget.md), a kept one a stamp query. */
json_t *
budget_box_json(http_req_t *req, live_campaign_t *lc, int32_t i)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	store_t *st = ((app_t *)http_req_app(req))->store;
	const char *key = arena_printf(a, "budget|%s|%llu", t->units[i].code,
	                               (unsigned long long)store_budget_version(st));
	bud_cells_t total;
	buf_t kept = BUF_INIT;
	if (pagecache_get((pagecache_t *)lc->extra, key, 0, &kept) && kept.len == sizeof total) {
		memcpy(&total, kept.data, sizeof total);
	} else {
		bud_ctx_t cx = {st, t, a, app_now(), 0, "", ""};
		bud_scope_t s;
		bud_view_t v;
		if (bud_scope_load(&cx, lc->c->id, &s) != BUD_OK ||
		    bud_read(&cx, &s, i, 0, &v) != BUD_OK) {
			buf_free(&kept);
			return NULL;
		}
		total = v.total;
		pagecache_put((pagecache_t *)lc->extra, key, 0, (const char *)&total, sizeof total);
	}
	buf_free(&kept);
	json_t *o = triple(a, &total, -1, -1);
	json_object_set_new(o, "any", json_boolean(bud_cells_any(&total)));
	int64_t awards = bud_cells_sum(&total, -1, BUD_PUR_AWARDS, BUD_SPENT);
	json_object_set_new(o, "has_awards", json_boolean(awards > 0));
	json_object_set_new(o, "awards_text", app_js(app_fmt_count(a, awards)));
	json_object_set_new(o, "url",
	                    app_js(arena_printf(a, "/campaigns/%lld/units/%s/kinh-phi",
	                                        (long long)lc->c->id, t->units[i].code)));
	return o;
}
