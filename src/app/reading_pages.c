/* Reading culture (văn hóa đọc): the unit's page /units/CODE/van-hoa-doc (its shelves and
 * holdings, the book ledger with rotations waiting to be received, reading records, the
 * subtree's roll-up with a row per child unit, and the forms), the same as JSON under
 * /api/v1/units/CODE/reading, and the short public summary on the unit's page. Thin
 * adapters over src/service/reading.c: parse, call, translate. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/log.h"
#include "domain/jsonin.h"
#include "service/reading.h"
#include "text/text.h"

#define LIST_MAX 300 /* rows of a list on the page */

static rd_ctx_t
ctx_of(http_req_t *req)
{
	app_user_t *u = app_req_user(req);
	rd_ctx_t cx = {((app_t *)http_req_app(req))->store, http_req_arena(req), app_req_tree(req),
	               app_now(), u ? u->id : 0};
	return cx;
}

/* ---------- the year ---------- */

typedef struct year_pick {
	const unit_tree_t *t;
	int32_t unit;
	int year;
} year_pick_t;

static int
newest_year(const store_campaign_t *c, void *p)
{
	year_pick_t *y = p;
	int32_t iss = unit_tree_find_id(y->t, c->issuer_unit_id);
	if (iss >= 0 && unit_tree_contains(y->t, iss, y->unit) && c->year > y->year)
		y->year = c->year;
	return 0;
}

static int year_default(http_req_t *req, int32_t i);

/* The year the page shows: ?year= (2000..2100), else the newest campaign covering unit i,
 * else this year. -1 after replying 400 to a bad ?year. */
static int
year_of(http_req_t *req, int32_t i)
{
	const char *s = app_param(req, "year");
	int64_t y;
	if (*s) {
		if (text_parse_int(s, strlen(s), &y) < 0 || y < 2000 || y > 2100) {
			app_error_page(req, 400, "Năm (year) phải là một số từ 2000 đến 2100.");
			return -1;
		}
		return (int)y;
	}
	return year_default(req, i);
}

static int
year_default(http_req_t *req, int32_t i)
{
	year_pick_t p = {app_req_tree(req), i, 0};
	store_campaigns_each(((app_t *)http_req_app(req))->store, newest_year, &p);
	if (p.year)
		return p.year;
	int yy, m, d;
	text_civil_from_days(unit_today(), &yy, &m, &d);
	return yy;
}

/* ---------- lists ---------- */

typedef struct rows {
	http_req_t *req;
	json_t *a;
	int64_t unit_id;
	int edit;
	json_t *incoming; /* moves waiting for this unit */
} rows_t;

static const char *
unit_name(http_req_t *req, int64_t id)
{
	const unit_tree_t *t = app_req_tree(req);
	int32_t u = unit_tree_find_id(t, id);
	return u >= 0 ? t->units[u].name : "";
}

static int
shelf_json(const store_shelf_t *s, void *p)
{
	rows_t *r = p;
	arena_t *a = http_req_arena(r->req);
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:I,s:s,s:I,s:s,s:b}", "id", (json_int_t)s->id,
	                      "name", s->name, "kind", s->kind, "kind_name",
	                      rd_option_name(rd_shelf_kinds, s->kind), "books_start",
	                      (json_int_t)s->books_start, "opened", app_fmt_date(a, s->opened_on),
	                      "held", (json_int_t)s->held, "held_text", app_fmt_count(a, s->held),
	                      "active", !s->closed_on);
	json_object_set_new(o, "status", app_js(s->closed_on ? "closed" : "active"));
	json_object_set_new(o, "status_name", app_js(s->closed_on ? "Đã đóng" : "Đang hoạt động"));
	json_object_set_new(o, "unit", app_js(unit_name(r->req, s->unit_id)));
	json_array_append_new(r->a, o);
	return 0;
}

static int
move_json(const store_book_move_t *m, void *p)
{
	rows_t *r = p;
	arena_t *a = http_req_arena(r->req);
	int is_move = !strcmp(m->kind, "move");
	int waiting = is_move && !m->received_on;
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:I,s:s,s:s,s:I,s:s}", "id", (json_int_t)m->id,
	                      "kind", m->kind, "kind_name", rd_option_name(rd_move_kinds, m->kind),
	                      "date", app_fmt_date(a, m->day), "count", (json_int_t)m->count,
	                      "count_text", app_fmt_count(a, m->count), "shelf", m->shelf_name,
	                      "shelf_id", (json_int_t)m->shelf_id, "note", m->note);
	json_object_set_new(o, "unit", app_js(unit_name(r->req, m->unit_id)));
	if (is_move) {
		json_object_set_new(o, "to_shelf", app_js(m->to_shelf_name));
		json_object_set_new(o, "to_shelf_id", json_integer(m->to_shelf_id));
		json_object_set_new(o, "to_unit", app_js(unit_name(r->req, m->to_unit_id)));
		json_object_set_new(o, "other_unit", json_boolean(m->to_unit_id != m->unit_id));
		json_object_set_new(o, "in_transit", json_boolean(waiting));
		json_object_set_new(o, "received",
		                    m->received_on ? app_js(app_fmt_date(a, m->received_on))
		                                   : json_null());
		json_object_set_new(
		        o, "state",
		        app_js(waiting ? "Đang chuyển"
		                       : arena_printf(a, "Đã nhận %s",
		                                      app_fmt_date(a, m->received_on))));
	}
	if (waiting && m->to_unit_id == r->unit_id) {
		json_object_set_new(o, "can_receive", json_boolean(r->edit));
		json_array_append(r->incoming, o);
	}
	json_array_append_new(r->a, o);
	return 0;
}

static int
read_json(const store_reading_t *s, void *p)
{
	rows_t *r = p;
	arena_t *a = http_req_arena(r->req);
	json_array_append_new(r->a,
	                      json_pack("{s:I,s:s,s:I,s:s,s:s,s:I,s:s,s:I,s:s,s:s}", "id",
	                                (json_int_t)s->id, "date", app_fmt_date(a, s->day),
	                                "shelf_id", (json_int_t)s->shelf_id, "shelf", s->shelf_name,
	                                "channel", s->channel, "readers", (json_int_t)s->readers,
	                                "readers_text", app_fmt_count(a, s->readers), "loans",
	                                (json_int_t)s->loans, "channel_name",
	                                rd_option_name(rd_channels, s->channel), "note", s->note));
	return 0;
}

static json_t *
sums_json(arena_t *a, const rd_sums_t *s)
{
	json_t *o = json_object();
#define N(k, v)                                                                                    \
	do {                                                                                       \
		json_object_set_new(o, k, json_integer((json_int_t)(v)));                          \
		json_object_set_new(o, k "_text", app_js(app_fmt_count(a, v)));                    \
	} while (0)
	N("units_with_shelf", s->units_with_shelf);
	N("shelves", s->shelves);
	N("held", s->held);
	N("added", s->added);
	N("moved", s->moves);
	N("rotated_out", s->rotated_out);
	N("in_transit", s->in_transit);
	json_object_set_new(o, "any_in_transit", json_boolean(s->in_transit > 0));
	N("withdrawn", s->withdrawn);
	N("readers", s->readers);
	N("loans", s->loans);
	N("online", s->online);
#undef N
	size_t nk;
	const rd_option_t *k = rd_shelf_kinds(&nk);
	json_t *bk = json_array();
	buf_t text = BUF_INIT;
	for (size_t q = 0; q < nk; q++)
		if (s->by_kind[q]) {
			json_array_append_new(bk, json_pack("{s:s,s:s,s:I}", "kind", k[q].code,
			                                    "name", k[q].name, "shelves",
			                                    (json_int_t)s->by_kind[q]));
			buf_printf(&text, "%s%s: %s", text.len ? "; " : "", k[q].name,
			           app_fmt_count(a, s->by_kind[q]));
		}
	json_object_set_new(o, "by_kind", bk);
	json_object_set_new(o, "by_kind_text", app_js(buf_cstr(&text)));
	buf_free(&text);
	return o;
}

static json_t *
opts(const rd_option_t *(*list)(size_t *), const char *sel)
{
	size_t n;
	const rd_option_t *v = list(&n);
	json_t *a = json_array();
	for (size_t k = 0; k < n; k++)
		json_array_append_new(a, json_pack("{s:s,s:s,s:b}", "code", v[k].code, "name",
		                                   v[k].name, "selected",
		                                   sel && !strcmp(sel, v[k].code)));
	return a;
}

/* ---------- the page ---------- */

enum { FORM_SHELF, FORM_MOVE, FORM_READ, FORM_N };
static const char *const form_keys[FORM_N] = {"shelf_form", "move_form", "read_form"};
/* The fields of each form, by rd_field_code; integers in the API are marked. */
static const int form_fields[FORM_N][7] = {
        {RDF_NAME, RDF_KIND, RDF_BOOKS_START, RDF_OPENED, RDF_STATUS, -1},
        {RDF_KIND, RDF_DATE, RDF_SHELF, RDF_TO_SHELF, RDF_COUNT_BOOKS, RDF_NOTE, -1},
        {RDF_SHELF, RDF_DATE, RDF_CHANNEL, RDF_READERS, RDF_LOANS, RDF_NOTE, -1},
};

static int
is_int_field(int f)
{
	return f == RDF_BOOKS_START || f == RDF_SHELF || f == RDF_TO_SHELF ||
	       f == RDF_COUNT_BOOKS || f == RDF_READERS || f == RDF_LOANS;
}

typedef struct form {
	int which; /* -1: none sent */
	const char *v[RDF_N];
	rd_errors_t e;
	const char *form_error;
} form_t;

/* One form's context: the values typed, the errors, the choices. */
static json_t *
form_json(const form_t *f, int which, json_t *own_shelves, json_t *to_shelves)
{
	json_t *o = json_object(), *vals = json_object(), *err = json_object();
	int mine = f && f->which == which;
	for (int k = 0; k < RDF_N; k++) {
		json_object_set_new(vals, rd_field_code(k), app_js(mine ? f->v[k] : ""));
		if (mine && f->e.msg[k])
			json_object_set_new(err, rd_field_code(k), app_js(f->e.msg[k]));
	}
	json_object_set_new(o, "f", vals);
	json_object_set_new(o, "err", err);
	if (mine && f->e.n)
		json_object_set_new(o, "errors", json_integer(f->e.n));
	if (mine && f->form_error)
		json_object_set_new(o, "form_error", app_js(f->form_error));
	const char *sel_kind = mine ? f->v[RDF_KIND] : NULL;
	if (which == FORM_SHELF)
		json_object_set_new(o, "kinds", opts(rd_shelf_kinds, sel_kind));
	if (which == FORM_MOVE)
		json_object_set_new(o, "kinds", opts(rd_move_kinds, sel_kind ? sel_kind : "add"));
	if (which == FORM_READ)
		json_object_set_new(o, "channels",
		                    opts(rd_channels, mine ? f->v[RDF_CHANNEL] : NULL));
	/* the shelf choices with the typed one selected */
	json_t *sh = json_deep_copy(own_shelves);
	size_t k;
	json_t *x;
	const char *sel = mine ? f->v[RDF_SHELF] : NULL;
	json_array_foreach(sh, k, x)
	{
		char id[24];
		snprintf(id, sizeof id, "%lld",
		         (long long)json_integer_value(json_object_get(x, "id")));
		json_object_set_new(x, "selected", json_boolean(sel && !strcmp(sel, id)));
	}
	json_object_set_new(o, "shelves", sh);
	if (which == FORM_MOVE) {
		json_t *to = json_deep_copy(to_shelves);
		const char *ts = mine ? f->v[RDF_TO_SHELF] : NULL;
		json_array_foreach(to, k, x)
		{
			char id[24];
			snprintf(id, sizeof id, "%lld",
			         (long long)json_integer_value(json_object_get(x, "id")));
			json_object_set_new(x, "selected", json_boolean(ts && !strcmp(ts, id)));
		}
		json_object_set_new(o, "to_shelves", to);
	}
	return o;
}

static const char *
done_message(const char *done)
{
	static const char *const m[][2] = {
	        {"shelf", "Đã thêm tủ sách."}, {"status", "Đã đổi trạng thái tủ sách."},
	        {"move", "Đã ghi sổ sách."},   {"received", "Đã xác nhận nhận sách luân chuyển."},
	        {"read", "Đã ghi lượt đọc."},
	};
	for (size_t k = 0; done && k < sizeof m / sizeof m[0]; k++)
		if (!strcmp(done, m[k][0]))
			return m[k][1];
	return NULL;
}

/* Shelves of q into a JSON array (only active ones with active_only); an empty array and
 * *bad set on a store error. */
static json_t *
shelves_of(http_req_t *req, const store_reading_query_t *q, int active_only, int *bad)
{
	rows_t r = {req, json_array(), 0, 0, NULL};
	if (store_shelves(ctx_of(req).store, q, shelf_json, &r) < 0) {
		*bad = 1;
		json_array_clear(r.a);
	}
	if (active_only) {
		json_t *b = json_array();
		size_t k;
		json_t *x;
		json_array_foreach(r.a, k, x) if (json_is_true(json_object_get(x, "active")))
		        json_array_append(b, x);
		json_decref(r.a);
		return b;
	}
	return r.a;
}

/* The page's (or the API's) context for unit i; NULL on a store error. */
static json_t *
reading_ctx(http_req_t *req, int32_t i, int year, const form_t *f, int status)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	rd_ctx_t cx = ctx_of(req);
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	int edit = access_allowed(t, g, ng, ACT_REPORT_EDIT, i);
	json_t *ctx = json_object();
	json_object_set_new(ctx, "unit", app_unit_json(t, i));
	json_object_set_new(ctx, "path", app_unit_path_json(t, i));
	json_object_set_new(ctx, "year", json_integer(year));
	const char *ok = done_message(http_req_param(req, "done"));
	if (ok && status == 200)
		json_object_set_new(ctx, "ok", app_js(ok));
	buf_t path = BUF_INIT;
	unit_tree_path(t, i, &path);
	store_reading_query_t q = {
	        .path = arena_strdup(a, buf_cstr(&path)), .exact = 1, .limit = LIST_MAX};
	buf_free(&path);
	int bad = 0;
	json_t *shelves = shelves_of(req, &q, 0, &bad);
	json_object_set_new(ctx, "shelves", shelves);
	json_object_set_new(ctx, "has_shelves", json_boolean(json_array_size(shelves) > 0));
	/* the ledger: this unit's shelves, either side */
	rows_t mr = {req, json_array(), t->units[i].id, edit, json_array()};
	store_reading_query_t mq = {.unit_id = t->units[i].id, .limit = LIST_MAX};
	if (store_book_moves(cx.store, &mq, move_json, &mr) < 0) {
		json_decref(mr.a);
		json_decref(mr.incoming);
		json_decref(ctx);
		return NULL;
	}
	json_object_set_new(ctx, "moves", mr.a);
	json_object_set_new(ctx, "has_moves", json_boolean(json_array_size(mr.a) > 0));
	json_object_set_new(ctx, "incoming", mr.incoming);
	json_object_set_new(ctx, "has_incoming", json_boolean(json_array_size(mr.incoming) > 0));
	/* this year's reading records */
	rows_t rr = {req, json_array(), 0, 0, NULL};
	store_reading_query_t rq = q;
	rd_year_days(year, &rq.from_day, &rq.to_day);
	if (store_readings(cx.store, &rq, read_json, &rr) < 0)
		bad = 1;
	json_object_set_new(ctx, "reads", rr.a);
	json_object_set_new(ctx, "has_reads", json_boolean(json_array_size(rr.a) > 0));
	/* the roll-up */
	rd_rollup_t ru;
	if (bad || rd_rollup(&cx, i, year, &ru) < 0) {
		json_decref(ctx);
		return NULL;
	}
	json_object_set_new(ctx, "total", sums_json(a, &ru.total));
	if (t->units[i].nchildren > 0) {
		json_t *rows = json_array();
		buf_t idle = BUF_INIT; /* the page names the children without any figure */
		for (size_t k = 0; k < ru.nrows; k++) {
			int32_t u = ru.unit[k];
			const rd_sums_t *x = &ru.rows[k];
			int none = !x->shelves && !x->added && !x->moves && !x->withdrawn &&
			           !x->readers;
			if (u == i && none)
				continue; /* the unit's own row only when it records something */
			if (none)
				buf_printf(&idle, "%s%s", idle.len ? "; " : "", t->units[u].name);
			json_t *o = sums_json(a, x);
			json_object_set_new(o, "empty", json_boolean(none));
			json_object_set_new(o, "code", app_js(t->units[u].code));
			json_object_set_new(o, "name",
			                    app_js(u == i ? "Của chính đơn vị" : t->units[u].name));
			json_object_set_new(o, "own", json_boolean(u == i));
			json_array_append_new(rows, o);
		}
		json_object_set_new(ctx, "rollup", rows);
		json_object_set_new(ctx, "has_rollup", json_true());
		if (idle.len)
			json_object_set_new(ctx, "idle", app_js(buf_cstr(&idle)));
		buf_free(&idle);
	}
	json_object_set_new(ctx, "can_edit", json_boolean(edit));
	if (edit && !app_is_api(req)) {
		json_t *own = shelves_of(req, &q, 1, &bad);
		/* destinations: active shelves of the district (or the unit's subtree when it is
		 * one), not only the unit's own */
		int32_t d = i;
		while (t->units[d].depth > 2)
			d = t->units[d].parent;
		buf_t dp = BUF_INIT;
		unit_tree_path(t, d, &dp);
		store_reading_query_t dq = {.path = arena_strdup(a, buf_cstr(&dp)),
		                            .limit = LIST_MAX};
		buf_free(&dp);
		json_t *to = shelves_of(req, &dq, 1, &bad);
		json_object_set_new(ctx, "has_own_active", json_boolean(json_array_size(own) > 0));
		for (int w = 0; w < FORM_N; w++)
			json_object_set_new(ctx, form_keys[w], form_json(f, w, own, to));
		json_decref(own);
		json_decref(to);
		json_object_set_new(
		        ctx, "base",
		        app_js(arena_printf(a, "/units/%s/van-hoa-doc", t->units[i].code)));
	}
	if (app_is_api(req)) /* the codes a client may send */
		json_object_set_new(ctx, "options",
		                    json_pack("{s:o,s:o,s:o}", "shelf_kinds",
		                              opts(rd_shelf_kinds, NULL), "move_kinds",
		                              opts(rd_move_kinds, NULL), "channels",
		                              opts(rd_channels, NULL)));
	if (bad) {
		json_decref(ctx);
		return NULL;
	}
	return ctx;
}

static int
render(http_req_t *req, int32_t i, int year, const form_t *f, int status)
{
	const unit_tree_t *t = app_req_tree(req);
	json_t *ctx = reading_ctx(req, i, year, f, status);
	if (ctx == NULL)
		return 500;
	if (app_is_api(req))
		return app_reply_json(req, status, ctx);
	return app_render_page(
	        req, status, "reading",
	        arena_printf(http_req_arena(req), "Văn hóa đọc — %s", t->units[i].name), ctx);
}

int
page_reading(http_req_t *req)
{
	int32_t i = unit_tree_find_code(app_req_tree(req), app_param(req, "code"));
	int year = year_of(req, i);
	if (year < 0)
		return 0;
	return render(req, i, year, NULL, 200);
}

/* ---------- writes ---------- */

static int
reply_invalid(http_req_t *req, int32_t i, form_t *f, int status)
{
	if (app_is_api(req)) {
		json_t *fields = json_object();
		for (int k = 0; k < RDF_N; k++)
			if (f->e.msg[k])
				json_object_set_new(fields, rd_field_code(k), app_js(f->e.msg[k]));
		const char *msg = f->form_error ? f->form_error
		                                : "Có mục chưa hợp lệ; xem \"fields\". Không có gì "
		                                  "được lưu.";
		return app_reply_json(req, status,
		                      json_pack("{s:{s:i,s:s,s:o}}", "error", "status", status,
		                                "message", msg, "fields", fields));
	}
	int year = year_of(req, i);
	return render(req, i, year < 0 ? 2022 : year, f, status);
}

/* The API's body for form which through the typed reader (domain/jsonin.h): text fields
 * strings, counts and shelf ids integers, null as absent; a wrong type, an unknown member
 * or a body that is not one object is refused by field, never coerced. 0, or -1 after
 * replying 400. */
static int
read_body(http_req_t *req, int which, form_t *f)
{
	jsonin_field_t fl[8];
	size_t n = 0;
	for (int k = 0; form_fields[which][k] >= 0; k++) {
		int fld = form_fields[which][k];
		fl[n++] = (jsonin_field_t){.name = rd_field_code(fld),
		                           .type = is_int_field(fld) ? JSONIN_INT_TEXT
		                                                     : JSONIN_STRING,
		                           .flags = JSONIN_NULLABLE,
		                           .out = &f->v[fld]};
	}
	size_t blen;
	const char *body = http_req_body(req, &blen);
	const char *err;
	if (jsonin_read(body, blen, JSONIN_EMPTY_OK, fl, n, http_req_arena(req), NULL, &err) < 0) {
		app_error_page(req, 400,
		               arena_printf(http_req_arena(req), "%s Xem docs/reading.md.", err));
		return -1;
	}
	return 0;
}

static int
submit(http_req_t *req, int which)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = unit_tree_find_code(t, app_param(req, "code"));
	form_t f;
	memset(&f, 0, sizeof f);
	f.which = which;
	if (app_is_api(req)) {
		if (read_body(req, which, &f) < 0)
			return 0;
	} else {
		for (int k = 0; form_fields[which][k] >= 0; k++)
			f.v[form_fields[which][k]] =
			        http_req_param(req, rd_field_code(form_fields[which][k]));
	}
	if (f.e.n || f.form_error)
		return reply_invalid(req, i, &f, 422);
	rd_input_t in = {.name = f.v[RDF_NAME],
	                 .kind = f.v[RDF_KIND],
	                 .books_start = f.v[RDF_BOOKS_START],
	                 .opened = f.v[RDF_OPENED],
	                 .status = f.v[RDF_STATUS],
	                 .date = f.v[RDF_DATE],
	                 .shelf = f.v[RDF_SHELF],
	                 .to_shelf = f.v[RDF_TO_SHELF],
	                 .count = f.v[RDF_COUNT_BOOKS],
	                 .note = f.v[RDF_NOTE],
	                 .channel = f.v[RDF_CHANNEL],
	                 .readers = f.v[RDF_READERS],
	                 .loans = f.v[RDF_LOANS]};
	rd_ctx_t cx = ctx_of(req);
	int64_t id = 0;
	static const char *const what[FORM_N][2] = {
	        {"reading.shelf", "shelf"}, {"reading.move", "move"}, {"reading.read", "read"}};
	/* the record and its audit entry: one transaction */
	if (store_tx_begin(((app_t *)http_req_app(req))->store) < 0)
		return 500;
	rd_rc_t rc = which == FORM_SHELF  ? rd_shelf_add(&cx, i, &in, &id, &f.e)
	             : which == FORM_MOVE ? rd_move_add(&cx, i, &in, &id, &f.e)
	                                  : rd_reading_add(&cx, i, &in, &id, &f.e);
	int ok = rc == RD_OK &&
	         app_audit(req, t, i, what[which][0],
	                   arena_printf(a, "%s:%lld", what[which][1], (long long)id), NULL,
	                   which == FORM_SHELF ? in.name
	                   : in.count          ? in.count
	                                       : in.readers) == 0;
	if (app_tx_end(req, ok) < 0 && rc == RD_OK)
		return 500;
	if (rc == RD_ERR_INVALID)
		return reply_invalid(req, i, &f, 422);
	if (rc != RD_OK)
		return 500;
	if (app_is_api(req))
		return app_reply_json(req, 201, json_pack("{s:I}", "id", (json_int_t)id));
	return http_redirect(
	        req, 303,
	        arena_printf(a, "/units/%s/van-hoa-doc?done=%s", t->units[i].code, what[which][1]));
}

int
page_reading_shelf_create(http_req_t *req)
{
	return submit(req, FORM_SHELF);
}

int
page_reading_move_create(http_req_t *req)
{
	return submit(req, FORM_MOVE);
}

int
page_reading_read_create(http_req_t *req)
{
	return submit(req, FORM_READ);
}

/* Close/reopen a shelf (status), or receive a move: no other field. */
static int
act(http_req_t *req, int receive)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = unit_tree_find_code(t, app_param(req, "code"));
	form_t f;
	memset(&f, 0, sizeof f);
	f.which = -1;
	const char *status = http_req_param(req, "status");
	if (app_is_api(req)) {
		/* the typed reader (domain/jsonin.h): a receipt takes {} (or nothing), a
		 * status change {"status": "active" | "closed"} */
		const jsonin_field_t st[] = {{.name = "status",
		                              .type = JSONIN_STRING,
		                              .flags = JSONIN_REQUIRED,
		                              .out = &status,
		                              .want = "“active” hoặc “closed” (một chuỗi)"}};
		size_t blen;
		const char *body = http_req_body(req, &blen);
		const char *err;
		status = NULL;
		if (jsonin_read(body, blen, JSONIN_EMPTY_OK, st, receive ? 0 : 1, a, NULL, &err) <
		    0)
			return app_error_page(req, 400, err), 0;
	}
	rd_ctx_t cx = ctx_of(req);
	int64_t id = app_id_param(req, receive ? "mid" : "sid");
	/* the change and its audit entry: one transaction */
	if (store_tx_begin(((app_t *)http_req_app(req))->store) < 0)
		return 500;
	rd_rc_t rc = receive ? rd_move_receive(&cx, i, id, &f.e)
	                     : rd_shelf_status(&cx, i, id, status, &f.e);
	int ok = rc == RD_OK &&
	         app_audit(req, t, i, receive ? "reading.receive" : "reading.shelf_status",
	                   arena_printf(a, "%s:%lld", receive ? "move" : "shelf", (long long)id),
	                   NULL, receive ? "received" : status) == 0;
	if (app_tx_end(req, ok) < 0 && rc == RD_OK)
		return 500;
	if (rc == RD_ERR_INVALID) {
		int missing = f.e.msg[RDF_SHELF] != NULL;
		if (!app_is_api(req) && missing)
			return app_error_page(req, 404, f.e.msg[RDF_SHELF]), 0;
		return reply_invalid(req, i, &f, missing ? 404 : 422);
	}
	if (rc != RD_OK)
		return 500;
	if (app_is_api(req))
		return app_reply_json(req, 200, json_pack("{s:I}", "id", (json_int_t)id));
	return http_redirect(req, 303,
	                     arena_printf(a, "/units/%s/van-hoa-doc?done=%s", t->units[i].code,
	                                  receive ? "received" : "status"));
}

int
page_reading_shelf_status(http_req_t *req)
{
	return act(req, 0);
}

int
page_reading_move_receive(http_req_t *req)
{
	return act(req, 1);
}

/* ---------- the unit's public page ---------- */

json_t *
reading_public_summary(http_req_t *req, int32_t i)
{
	const unit_tree_t *t = app_req_tree(req);
	rd_ctx_t cx = ctx_of(req);
	/* not on the national page, the most visited: its roll-up reads the whole country
	 * (docs/reading.md); the staff page has it */
	if (t->units[i].depth == 0)
		return json_null();
	int year = year_default(req, i);
	rd_rollup_t ru;
	if (rd_rollup(&cx, i, year, &ru) < 0 || ru.total.shelves == 0)
		return json_null();
	json_t *o = sums_json(cx.arena, &ru.total);
	json_object_set_new(o, "year", json_integer(year));
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	if (access_allowed(t, g, ng, ACT_UNIT_VIEW, i)) /* the staff page, for those it admits */
		json_object_set_new(
		        o, "url",
		        app_js(arena_printf(cx.arena, "/units/%s/van-hoa-doc", t->units[i].code)));
	return o;
}
