/* The registry through time for national administrators: upload a later registry with
 * its merge map and effective date, see what it will do (counts, conflicts, the bodies
 * that follow their locality or wait), confirm; then place the waiting bodies, one form
 * or a CSV. Works without JavaScript: the files are sent once, kept as an upload between
 * the preview and the confirmation. An adapter over src/service/registry.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/log.h"
#include "core/mem.h"
#include "service/registry.h"
#include "text/text.h"

/* An upload is confirmed within this many seconds of its preview, or previewed again. */
#define UPLOAD_TTL (24 * 3600)
/* Rows shown on the page; the rest are counted (the CLI and the CSV list them all). */
#define SHOW_CHANGES 300
#define SHOW_BODIES 500

static json_t *
ref_json(const registry_ref_t *r)
{
	return json_pack("{s:s,s:s}", "code", r->code, "name", r->name);
}

static json_t *
body_json(const registry_body_t *b, arena_t *a)
{
	json_t *cands = json_array();
	for (size_t k = 0; k < b->ncandidates; k++)
		json_array_append_new(cands, ref_json(&b->candidates[k]));
	return json_pack("{s:s,s:s,s:s,s:s,s:o,s:s,s:b,s:o,s:o,s:b,s:b,s:I}", "code", b->code,
	                 "body_code", b->code, "name", b->name, "kind_name", b->kind_name, "holder",
	                 ref_json(&b->holder), "holder_closed_from",
	                 app_fmt_date(a, b->holder_last_day + 1), "auto_placed", b->auto_placed,
	                 "new_parent", ref_json(&b->new_parent), "candidates", cands,
	                 "more_candidates", b->candidates_total > b->ncandidates, "abolished",
	                 !b->holder_has_successor, "below", (json_int_t)b->nbelow);
}

typedef struct history {
	arena_t *a;
	json_t *rows;
} history_t;

static int
history_row(const store_registry_import_t *r, void *p)
{
	history_t *h = p;
	if (json_array_size(h->rows) >= 20)
		return 1;
	json_array_append_new(
	        h->rows, json_pack("{s:s,s:s,s:s,s:s}", "as_of", text_date_str(h->a, r->as_of),
	                           "at", text_date_str(h->a, (int32_t)((r->at + 7 * 3600) / 86400)),
	                           "source", r->source, "summary", r->summary));
	return 0;
}

static int
render_main(http_req_t *req, int status, json_t *extra)
{
	app_t *app = http_req_app(req);
	arena_t *a = http_req_arena(req);
	json_t *ctx = extra ? extra : json_object();
	int32_t date = store_registry_date(app->store);
	json_t *hist = json_array();
	history_t h = {a, hist};
	store_registry_imports(app->store, history_row, &h);
	registry_pending_t pend;
	char err[512];
	size_t waiting = 0;
	if (registry_pending(app->store, &pend, err, sizeof err) == 0) {
		waiting = pend.nbodies;
		registry_pending_free(&pend);
	}
	json_object_set_new(ctx, "tree_date", json_string(date > 0 ? app_fmt_date(a, date) : ""));
	json_object_set_new(ctx, "history", hist);
	json_object_set_new(ctx, "has_history", json_boolean(json_array_size(hist) > 0));
	json_object_set_new(ctx, "waiting", json_integer((json_int_t)waiting));
	if (!json_object_get(ctx, "ngay"))
		json_object_set_new(ctx, "ngay", json_string(""));
	return app_render_page(req, status, "registry", "Danh mục đơn vị hành chính theo thời gian",
	                       ctx);
}

int
page_registry(http_req_t *req)
{
	const char *done = http_req_param(req, "done");
	const char *roles = http_req_param(req, "roles");
	int64_t nroles = 0;
	json_t *ctx = json_object();
	if (done && *done)
		json_object_set_new(ctx, "done", json_string(done));
	if (roles && text_parse_int(roles, strlen(roles), &nroles) == 0 && nroles > 0)
		json_object_set_new(ctx, "roles_carried", json_integer((json_int_t)nroles));
	return render_main(req, 200, ctx);
}

/* The preview (and the confirmation) as a page context. */
static json_t *
plan_json(http_req_t *req, const registry_plan_t *p)
{
	arena_t *a = http_req_arena(req);
	const registry_counts_t *n = &p->n;
	json_t *counts = json_pack(
	        "{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "bodies_waiting",
	        (json_int_t)n->bodies_waiting, "rows", (json_int_t)n->rows, "merge_rows",
	        (json_int_t)n->merge_rows, "base", (json_int_t)n->base, "unchanged",
	        (json_int_t)n->unchanged, "opened", (json_int_t)n->opened, "closed",
	        (json_int_t)n->closed, "renamed", (json_int_t)n->renamed, "moved",
	        (json_int_t)n->moved, "corrected", (json_int_t)n->corrected, "lineage",
	        (json_int_t)n->lineage, "bodies_moved", (json_int_t)n->bodies_moved,
	        "bodies_to_place", (json_int_t)n->bodies_to_place, "closed_without_successor",
	        (json_int_t)n->closed_without_successor);
	json_t *changes = json_array();
	for (size_t k = 0; k < p->nchanges && k < SHOW_CHANGES; k++) {
		const registry_change_t *c = &p->changes[k];
		const char *what = c->what & REGISTRY_CH_CORRECT ? "Sửa tại chỗ"
		                   : c->what & REGISTRY_CH_CLOSE ? "Đóng"
		                   : c->what & REGISTRY_CH_OPEN  ? "Mở"
		                                                 : "Chuyển cấp trên";
		const char *also = (c->what & REGISTRY_CH_RENAME) && (c->what & REGISTRY_CH_MOVE)
		                           ? " (đổi tên, đổi cấp trên)"
		                   : c->what & REGISTRY_CH_RENAME ? " (đổi tên)"
		                   : (c->what & REGISTRY_CH_MOVE) && (c->what & REGISTRY_CH_OPEN)
		                           ? " (đổi cấp trên)"
		                           : "";
		json_array_append_new(changes,
		                      json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:I}", "what",
		                                arena_printf(a, "%s%s", what, also), "code",
		                                c->code, "name", c->name, "old_name", c->old_name,
		                                "parent", c->parent_code, "old_parent",
		                                c->old_parent_code, "line", (json_int_t)c->line));
	}
	json_t *waiting = json_array(), *moved = json_array();
	size_t shown = 0;
	for (size_t k = 0; k < p->nbodies && shown < SHOW_BODIES; k++, shown++)
		json_array_append_new(p->bodies[k].auto_placed ? moved : waiting,
		                      body_json(&p->bodies[k], a));
	json_t *warnings = json_array();
	for (size_t k = 0; k < p->nwarnings; k++)
		json_array_append_new(warnings, json_pack("{s:s}", "text", p->warnings[k].text));
	return json_pack("{s:s,s:s,s:b,s:b,s:b,s:o,s:o,s:I,s:o,s:o,s:b,s:b,s:o,s:b}", "as_of",
	                 app_fmt_date(a, p->as_of), "summary", p->summary, "rerun", p->rerun,
	                 "with_merges", p->with_merges, "nothing_to_do", p->nothing_to_do, "counts",
	                 counts, "changes", changes, "changes_more",
	                 (json_int_t)(p->nchanges > SHOW_CHANGES ? p->nchanges - SHOW_CHANGES : 0),
	                 "waiting", waiting, "moved", moved, "has_waiting",
	                 json_array_size(waiting) > 0, "has_moved", json_array_size(moved) > 0,
	                 "warnings", warnings, "has_warnings", p->nwarnings > 0);
}

int
page_registry_preview(http_req_t *req)
{
	app_t *app = http_req_app(req);
	arena_t *a = http_req_arena(req);
	const http_part_t *units = http_req_file(req, "units");
	const http_part_t *merges = http_req_file(req, "merges");
	const char *ngay = http_req_param(req, "as_of_day");
	int32_t as_of;
	json_t *ctx = json_pack("{s:s}", "ngay", ngay ? ngay : "");
	if (ngay == NULL || *ngay == '\0' || text_parse_day(ngay, &as_of) < 0) {
		json_object_set_new(ctx, "error",
		                    json_string("Ngày hiệu lực không hợp lệ: hãy nhập ngày theo "
		                                "dạng ngày/tháng/năm, ví dụ 01/07/2025."));
		return render_main(req, 400, ctx);
	}
	if (units == NULL || units->len == 0) {
		json_object_set_new(ctx, "error",
		                    json_string("Hãy chọn tệp danh mục đơn vị hành chính (CSV)."));
		return render_main(req, 400, ctx);
	}
	json_decref(ctx);
	ctx = NULL;
	int with_merges = merges && merges->len > 0;
	registry_plan_t plan;
	char err[8192];
	if (registry_plan(app->store, units->data, units->len, with_merges ? merges->data : NULL,
	                  with_merges ? merges->len : 0, as_of, &plan, err, sizeof err) < 0) {
		registry_plan_free(&plan);
		return render_main(req, 400, json_pack("{s:s,s:s}", "ngay", ngay, "error", err));
	}
	store_registry_upload_t up = {
	        .user_id = app_req_user(req)->id,
	        .created_at = app_now(),
	        .as_of = as_of,
	        .generation = plan.generation,
	        .units_name = units->filename ? units->filename : "",
	        .units = units->data,
	        .units_len = units->len,
	        .merges_name = with_merges && merges->filename ? merges->filename : "",
	        .merges = with_merges ? merges->data : NULL,
	        .merges_len = with_merges ? merges->len : 0,
	};
	int64_t uid = 0;
	/* old uploads nobody confirmed go at the next preview */
	store_registry_upload_delete(app->store, 0, app_now() - UPLOAD_TTL);
	if (!plan.nothing_to_do && store_registry_upload_put(app->store, &up, &uid) < 0) {
		registry_plan_free(&plan);
		return 500;
	}
	json_t *pj = plan_json(req, &plan);
	registry_plan_free(&plan);
	json_object_set_new(pj, "upload", json_integer((json_int_t)uid));
	json_object_set_new(
	        pj, "files",
	        json_string(with_merges ? arena_printf(a, "%s, %s", up.units_name, up.merges_name)
	                                : up.units_name));
	return app_render_page(req, 200, "registry_preview", "Xem trước: nhập danh mục đơn vị", pj);
}

/* The confirmation: planned again from the kept files (the store may have moved since the
 * preview: then the page says so), applied off the HTTP worker. */
typedef struct confirm {
	app_t *app;
	int64_t uid, by;
	int32_t as_of;
	int64_t generation;
	char *units, *merges, *source;
	size_t units_len, merges_len;
	int status, carry_roles;
	size_t carried;
	char err[8192];
} confirm_t;

static int
copy_upload(const store_registry_upload_t *u, void *p)
{
	confirm_t *c = p;
	c->as_of = u->as_of;
	c->generation = u->generation;
	c->units = xmalloc(u->units_len + 1);
	memcpy(c->units, u->units, u->units_len);
	c->units_len = u->units_len;
	if (u->merges) {
		c->merges = xmalloc(u->merges_len + 1);
		memcpy(c->merges, u->merges, u->merges_len);
		c->merges_len = u->merges_len;
	}
	size_t n = strlen(u->units_name) + strlen(u->merges_name) + 3;
	c->source = xmalloc(n);
	snprintf(c->source, n, "%s%s%s", u->units_name, *u->merges_name ? ", " : "",
	         u->merges_name);
	return 0;
}

static void
confirm_free(void *p)
{
	confirm_t *c = p;
	free(c->units);
	free(c->merges);
	free(c->source);
}

static void
confirm_work(void *arg)
{
	confirm_t *c = arg;
	registry_plan_t plan;
	if (registry_plan(c->app->store, c->units, c->units_len, c->merges, c->merges_len, c->as_of,
	                  &plan, c->err, sizeof c->err) < 0) {
		c->status = 409;
	} else if (plan.generation != c->generation) {
		snprintf(c->err, sizeof c->err,
		         "Danh mục đơn vị đã thay đổi từ lúc xem trước. Hãy tải tệp lên và xem "
		         "trước "
		         "lại. Không có dữ liệu nào được ghi.");
		c->status = 409;
	} else if (registry_apply(c->app->store, &plan, c->by, c->source, c->err, sizeof c->err) <
	           0) {
		c->status = 409;
	} else {
		store_registry_upload_delete(c->app->store, c->uid, 0);
		app_tree_reload(c->app);
		c->status = 303;
		char rerr[512];
		if (c->carry_roles && registry_carry_roles(c->app->store, c->as_of, c->by,
		                                           &c->carried, rerr, sizeof rerr) < 0) {
			snprintf(c->err, sizeof c->err,
			         "Đã nhập danh mục, nhưng chưa cấp được vai trò ở đơn vị kế thừa: "
			         "%s",
			         rerr);
			c->status = 500;
		}
	}
	registry_plan_free(&plan);
}

static int
confirm_answer(http_req_t *req, void *arg)
{
	confirm_t *c = arg;
	if (c->status == 303)
		return http_redirect(req, 303,
		                     arena_printf(http_req_arena(req),
		                                  "/admin/registry?done=imported&roles=%zu",
		                                  c->carried));
	json_t *ctx = json_pack("{s:s}", "error", c->err);
	return render_main(req, c->status, ctx);
}

int
page_registry_confirm(http_req_t *req)
{
	app_t *app = http_req_app(req);
	arena_t *a = http_req_arena(req);
	const char *p = http_req_param(req, "uid");
	int64_t uid;
	confirm_t *c = arena_alloc(a, sizeof *c);
	memset(c, 0, sizeof *c);
	http_req_defer(req, confirm_free, c);
	if (p == NULL || text_parse_int(p, strlen(p), &uid) < 0 || uid <= 0 ||
	    store_registry_upload_get(app->store, uid, copy_upload, c) != 1)
		return render_main(req, 404,
		                   json_pack("{s:s}", "error",
		                             "Không tìm thấy tệp đã xem trước (có thể đã nhập rồi, "
		                             "hoặc quá 24 giờ). Hãy tải tệp lên lại."));
	c->app = app;
	c->uid = uid;
	c->by = app_req_user(req)->id;
	const char *cr = http_req_param(req, "carry_roles");
	c->carry_roles = cr && !strcmp(cr, "1");
	return app_offload(req, confirm_work, confirm_answer, c);
}

/* ---------- bodies waiting for a parent ---------- */

static int
render_pending(http_req_t *req, int status, json_t *ctx)
{
	app_t *app = http_req_app(req);
	arena_t *a = http_req_arena(req);
	registry_pending_t pend;
	char err[512];
	if (registry_pending(app->store, &pend, err, sizeof err) < 0) {
		json_decref(ctx);
		log_error("%s", err);
		return 500;
	}
	json_t *rows = json_array();
	for (size_t k = 0; k < pend.nbodies && k < SHOW_BODIES; k++)
		json_array_append_new(rows, body_json(&pend.bodies[k], a));
	json_object_set_new(ctx, "bodies", rows);
	json_object_set_new(ctx, "total", json_integer((json_int_t)pend.nbodies));
	json_object_set_new(
	        ctx, "more",
	        json_integer(
	                (json_int_t)(pend.nbodies > SHOW_BODIES ? pend.nbodies - SHOW_BODIES : 0)));
	json_object_set_new(ctx, "has_bodies", json_boolean(pend.nbodies > 0));
	registry_pending_free(&pend);
	return app_render_page(req, status, "registry_pending", "Đơn vị chờ xếp vào đơn vị mới",
	                       ctx);
}

int
page_registry_pending(http_req_t *req)
{
	const char *done = http_req_param(req, "done");
	json_t *ctx = json_object();
	if (done && *done)
		json_object_set_new(ctx, "done", json_string(done));
	return render_pending(req, 200, ctx);
}

static int
placed(http_req_t *req, int rc, const registry_place_stats_t *s, const char *err)
{
	if (rc < 0)
		return render_pending(req, 400, json_pack("{s:s}", "error", err));
	app_tree_reload(http_req_app(req));
	return http_redirect(req, 303,
	                     arena_printf(http_req_arena(req),
	                                  "/admin/registry/pending?done=%zu-%zu", s->placed,
	                                  s->closed));
}

/* The form: repeated fields place=CODE=PARENT (PARENT "-" = close with the old locality;
 * an empty value = leave it waiting). */
int
page_registry_place(http_req_t *req)
{
	app_t *app = http_req_app(req);
	arena_t *a = http_req_arena(req);
	size_t blen, nkv = 0, n = 0;
	const char *body = http_req_body(req, &blen), *why;
	http_kv_t *kv = NULL;
	if (body && http_form_parse(body, blen, a, &kv, &nkv, &why) < 0)
		return render_pending(req, 400, json_pack("{s:s}", "error", why));
	registry_place_row_t *rows = arena_alloc(a, (nkv ? nkv : 1) * sizeof *rows);
	for (size_t k = 0; k < nkv; k++) {
		if (strcmp(kv[k].name, "place") != 0 || kv[k].value[0] == '\0')
			continue;
		const char *eq = strchr(kv[k].value, '=');
		if (eq == NULL || eq == kv[k].value)
			return render_pending(
			        req, 400,
			        json_pack("{s:s}", "error",
			                  "Lựa chọn không hợp lệ; hãy tải lại trang."));
		const char *parent = eq + 1;
		rows[n++] = (registry_place_row_t){
		        0, arena_strndup(a, kv[k].value, (size_t)(eq - kv[k].value)),
		        strcmp(parent, "-") == 0 ? "" : parent};
	}
	if (n == 0)
		return render_pending(
		        req, 400,
		        json_pack("{s:s}", "error",
		                  "Chưa chọn đơn vị nào: hãy chọn nơi chuyển đến (hoặc "
		                  "giải thể) cho ít nhất một đơn vị."));
	registry_place_stats_t s = {0, 0};
	char err[4096];
	int rc = registry_place(app->store, rows, n, app_req_user(req)->id, &s, err, sizeof err);
	return placed(req, rc, &s, err);
}

int
page_registry_place_csv(http_req_t *req)
{
	app_t *app = http_req_app(req);
	const http_part_t *f = http_req_file(req, "file");
	if (f == NULL || f->len == 0)
		return render_pending(
		        req, 400,
		        json_pack("{s:s}", "error", "Hãy chọn tệp CSV có cột code,parent_code."));
	registry_place_stats_t s = {0, 0};
	char err[4096];
	int rc = registry_place_csv(app->store, f->data, f->len, app_req_user(req)->id, &s, err,
	                            sizeof err);
	return placed(req, rc, &s, err);
}

/* The waiting bodies as the CSV to fill in: parent_code empty, candidates alongside. */
int
page_registry_pending_csv(http_req_t *req)
{
	app_t *app = http_req_app(req);
	registry_pending_t pend;
	char err[512];
	if (registry_pending(app->store, &pend, err, sizeof err) < 0) {
		log_error("%s", err);
		return 500;
	}
	buf_t out = BUF_INIT;
	buf_puts(&out, "code,parent_code,name,holder_code,holder_name,candidates\r\n");
	for (size_t k = 0; k < pend.nbodies; k++) {
		const registry_body_t *b = &pend.bodies[k];
		buf_t cands = BUF_INIT;
		for (size_t c = 0; c < b->ncandidates; c++)
			buf_printf(&cands, "%s%s %s", c ? "; " : "", b->candidates[c].code,
			           b->candidates[c].name);
		const char *cells[] = {b->code,         "", b->name, b->holder.code, b->holder.name,
		                       buf_cstr(&cands)};
		for (size_t c = 0; c < sizeof cells / sizeof cells[0]; c++) {
			if (c)
				buf_putc(&out, ',');
			buf_putc(&out, '"');
			for (const char *q = cells[c]; *q; q++) {
				if (*q == '"')
					buf_putc(&out, '"');
				buf_putc(&out, *q);
			}
			buf_putc(&out, '"');
		}
		buf_puts(&out, "\r\n");
		buf_free(&cands);
	}
	registry_pending_free(&pend);
	http_resp_header(req, "Content-Disposition", "attachment; filename=\"don-vi-cho-xep.csv\"");
	return http_reply_buf(req, 200, "text/csv; charset=utf-8", &out);
}
