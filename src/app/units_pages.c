/* Unit registry pages and API: home, tree browser, unit page, search (HTML and JSON).
 * Units are read from the in-memory tree of the request's day (app_req_tree: today, or the
 * day asked with ngay / as_of); a unit's history (where it sat before, what it was formed
 * from and what it became) comes from the store, each other unit read in the tree of its
 * own day. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/mem.h"
#include "text/text.h"

#define MAX_CHILDREN_SHOWN 2000
#define PAGE_SIZE 20

/* Strict small integer parameter; -1 when present but invalid. */
static int
param_int(http_req_t *req, const char *name, int64_t lo, int64_t hi, int64_t dflt, int64_t *out)
{
	const char *v = http_req_param(req, name);
	*out = dflt;
	if (v == NULL || *v == '\0')
		return 0;
	int64_t x;
	if (text_parse_int(v, strlen(v), &x) < 0 || x < lo || x > hi)
		return -1;
	*out = x;
	return 0;
}

/* ---------- the day a page shows ---------- */

/* The request's day and how its links keep it: pages viewed at another day than today
 * link with ?ngay= so that browsing stays in that day. */
typedef struct day_view {
	int32_t day, today;
	int other;        /* day is not today */
	const char *q;    /* "?ngay=30/06/2025", or "" for today */
	const char *text; /* "30/06/2025" */
	const char *iso;  /* "2025-06-30" (the date field's value) */
} day_view_t;

static const char *
iso_day(arena_t *a, int32_t day)
{
	int y, m, d;
	text_civil_from_days(day, &y, &m, &d);
	return arena_printf(a, "%04d-%02d-%02d", y, m, d);
}

static day_view_t
day_view(http_req_t *req)
{
	arena_t *a = http_req_arena(req);
	day_view_t v = {.day = app_req_day(req), .today = unit_today()};
	v.other = v.day != v.today;
	v.text = app_fmt_date(a, v.day);
	v.iso = iso_day(a, v.day);
	v.q = v.other ? arena_printf(a, "?ngay=%s", v.text) : "";
	return v;
}

/* The day's fields every page of this file gets: day_text, day_iso, other_day (with the
 * heading "Cây đơn vị ngày …"), and ngay_q for links. */
static void
add_day(json_t *ctx, const day_view_t *v)
{
	json_object_set_new(ctx, "day_text", json_string(v->text));
	json_object_set_new(ctx, "day_iso", json_string(v->iso));
	json_object_set_new(ctx, "other_day", json_boolean(v->other));
	json_object_set_new(ctx, "ngay_q", json_string(v->q));
}

/* "/units/CODE?ngay=30/06/2025" */
static const char *
unit_url_at(arena_t *a, const char *code, int32_t day)
{
	return arena_printf(a, "/units/%s?ngay=%s", code, app_fmt_date(a, day));
}

/* Unit id as it was on day: its index in the tree of that day (the request's own when it
 * covers day; another is kept by the request until it completes), or -1. */
static int32_t
unit_on(http_req_t *req, int64_t id, int32_t day, const unit_tree_t **tree /* OUT */)
{
	unit_tree_t *t = app_req_tree(req);
	if (!unit_tree_covers(t, day)) {
		t = app_tree_at(http_req_app(req), day);
		app_req_keep_tree(req, t);
	}
	*tree = t;
	return unit_tree_find_id(t, id);
}

/* ---------- a unit's history: placements and lineage ---------- */

typedef struct pl_rows {
	arena_t *a;
	store_placement_t *rows;
	size_t n, cap;
} pl_rows_t;

static int
pl_add(const store_placement_t *p, void *ctx)
{
	pl_rows_t *l = ctx;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4;
		store_placement_t *g = arena_alloc(l->a, l->cap * sizeof *g);
		if (l->n)
			memcpy(g, l->rows, l->n * sizeof *g);
		l->rows = g;
	}
	l->rows[l->n++] = *p;
	return 0;
}

/* The placements of unit id (by valid_to) into the request's arena; their number. */
static size_t
placements_of(http_req_t *req, int64_t id, store_placement_t **out)
{
	app_t *app = http_req_app(req);
	pl_rows_t l = {http_req_arena(req), NULL, 0, 0};
	if (store_placements_of(app->store, id, pl_add, &l) < 0) {
		log_error("reading the placements of unit %lld failed", (long long)id);
		l.n = 0;
	}
	*out = l.rows;
	return l.n;
}

typedef struct lineage_rows {
	arena_t *a;
	store_lineage_t *rows;
	size_t n, cap;
} lineage_rows_t;

static int
lineage_add(const store_lineage_t *l, void *ctx)
{
	lineage_rows_t *r = ctx;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 8;
		store_lineage_t *g = arena_alloc(r->a, r->cap * sizeof *g);
		if (r->n)
			memcpy(g, r->rows, r->n * sizeof *g);
		r->rows = g;
	}
	r->rows[r->n] = *l;
	r->rows[r->n].kind = arena_strdup(r->a, l->kind);
	r->n++;
	return 0;
}

/* Lineage rows where unit id is the new or the old unit, in the request's arena. */
static lineage_rows_t
lineage_of(http_req_t *req, int64_t id)
{
	lineage_rows_t r = {.a = http_req_arena(req)};
	if (store_lineage_of(((app_t *)http_req_app(req))->store, id, lineage_add, &r) < 0) {
		log_error("reading the lineage of unit %lld failed", (long long)id);
		r.n = 0;
	}
	return r;
}

static const char *
lineage_kind_text(const char *kind)
{
	return !strcmp(kind, "full") ? "toàn bộ" : !strcmp(kind, "partial") ? "một phần" : kind;
}

/* One unit of a lineage as the page and the API show it: code and name as they were on
 * day, which is also the day its link shows. */
static json_t *
lineage_json(http_req_t *req, const unit_t *u, const char *kind, int32_t date, int32_t day,
             int html)
{
	arena_t *a = http_req_arena(req);
	json_t *o = json_object();
	json_object_set_new(o, "code", json_string(u->code));
	json_object_set_new(o, "name", json_string(u->name));
	json_object_set_new(o, "kind", json_string(kind));
	if (!html) {
		json_object_set_new(o, "date", app_json_day(date));
		return o;
	}
	json_object_set_new(o, "kind_text", json_string(lineage_kind_text(kind)));
	json_object_set_new(o, "unit_kind_name", json_string(u->kind_name));
	json_object_set_new(o, "date_text", json_string(date > 0 ? app_fmt_date(a, date) : ""));
	json_object_set_new(o, "url", json_string(unit_url_at(a, u->code, day)));
	return o;
}

/* What unit u (of the request's tree) was formed from: each old unit as it was on its
 * last day before the change (the lineage date is u's first day), linked to that day. */
static json_t *
predecessors_json(http_req_t *req, const unit_t *u, const lineage_rows_t *l, int html)
{
	json_t *a = json_array();
	int32_t date = u->valid_from;
	for (size_t k = 0; k < l->n; k++) {
		if (l->rows[k].new_id != u->id)
			continue;
		const unit_tree_t *t;
		int32_t eve = date > 0 ? date - 1 : app_req_day(req);
		int32_t j = unit_on(req, l->rows[k].old_id, eve, &t);
		/* an old unit closed before the eve (only a holder then): its own last day */
		if (j >= 0 && t->units[j].closed && t->units[j].valid_to < eve) {
			eve = t->units[j].valid_to;
			j = unit_on(req, l->rows[k].old_id, eve, &t);
		}
		if (j < 0) {
			log_warn("unit %s: predecessor id %lld not found on %d", u->code,
			         (long long)l->rows[k].old_id, eve);
			continue;
		}
		json_array_append_new(
		        a, lineage_json(req, &t->units[j], l->rows[k].kind, date, eve, html));
	}
	return a;
}

/* The number of units new_id was formed from. */
static int
count_predecessors(http_req_t *req, int64_t new_id)
{
	lineage_rows_t l = lineage_of(req, new_id);
	int n = 0;
	for (size_t k = 0; k < l.n; k++)
		n += l.rows[k].new_id == new_id;
	return n;
}

/* What unit u became: each new unit as it was on its first day (the lineage date),
 * linked to that day. "Chuyển thành" when u wholly became a unit formed from u alone,
 * else "Sáp nhập vào". */
static json_t *
successors_json(http_req_t *req, const unit_t *u, const lineage_rows_t *l, int html)
{
	json_t *a = json_array();
	for (size_t k = 0; k < l->n; k++) {
		if (l->rows[k].old_id != u->id)
			continue;
		int64_t id = l->rows[k].new_id;
		/* its first day is read from the unit: look for it the day after u closed,
		 * then today, then on the page's day */
		int32_t tries[3], ntries = 0;
		if (u->valid_to != STORE_DAY_OPEN)
			tries[ntries++] = u->valid_to + 1;
		tries[ntries++] = unit_today();
		tries[ntries++] = app_req_day(req);
		const unit_tree_t *t = NULL;
		int32_t j = -1;
		for (int m = 0; m < ntries && j < 0; m++)
			j = unit_on(req, id, tries[m], &t);
		if (j < 0) {
			log_warn("unit %s: successor id %lld not found", u->code, (long long)id);
			continue;
		}
		int32_t first = t->units[j].valid_from;
		if (first > 0 && !unit_tree_covers(t, first))
			j = unit_on(req, id, first, &t);
		if (j < 0)
			continue;
		json_t *o = lineage_json(req, &t->units[j], l->rows[k].kind, first,
		                         first > 0 ? first : unit_today(), html);
		if (html) {
			int sole = !strcmp(l->rows[k].kind, "full") &&
			           count_predecessors(req, id) == 1;
			json_object_set_new(o, "verb",
			                    json_string(sole ? "Chuyển thành" : "Sáp nhập vào"));
		}
		json_array_append_new(a, o);
	}
	return a;
}

/* Where unit u sat before it moved: "Thuộc Quận Hải An đến 30/06/2025", each parent read on
 * that day, then its parent since the last move. Empty for a unit that never moved. */
static json_t *
placements_json(http_req_t *req, const unit_t *u, int html)
{
	arena_t *a = http_req_arena(req);
	store_placement_t *pl;
	size_t n = placements_of(req, u->id, &pl);
	json_t *arr = json_array();
	for (size_t k = 0; k <= n && n > 0; k++) {
		const unit_tree_t *t;
		int32_t j, day;
		if (k < n) {
			day = pl[k].valid_to;
			j = unit_on(req, pl[k].parent_id, day, &t);
		} else {
			/* since the last move: the parent in the tree of the day after it */
			day = pl[n - 1].valid_to + 1;
			int32_t me = unit_on(req, u->id, day, &t);
			j = me >= 0 ? t->units[me].parent : -1;
		}
		if (j < 0)
			continue;
		const unit_t *p = &t->units[j];
		json_t *o = json_object();
		json_object_set_new(o, "code", json_string(p->code));
		json_object_set_new(o, "name", json_string(p->name));
		if (!html) {
			json_object_set_new(o, k < n ? "until" : "since", app_json_day(day));
			json_array_append_new(arr, o);
			continue;
		}
		json_object_set_new(o, "url", json_string(unit_url_at(a, p->code, day)));
		json_object_set_new(o, k < n ? "until_text" : "since_text",
		                    json_string(app_fmt_date(a, day)));
		json_array_append_new(arr, o);
	}
	return arr;
}

/* ---------- unit views ---------- */

/* "Huyện Tiên Lãng, Thành phố Hải Phòng": ancestors below the root, nearest first. */
static json_t *
context_text(const unit_tree_t *t, int32_t i)
{
	buf_t b = BUF_INIT;
	for (int32_t p = t->units[i].parent; p > 0; p = t->units[p].parent) {
		if (b.len)
			buf_puts(&b, ", ");
		buf_puts(&b, t->units[p].name);
	}
	json_t *j = json_stringn(buf_cstr(&b), b.len);
	buf_free(&b);
	return j;
}

/* Unit summary for templates: the API shape plus formatted counts and a URL that keeps
 * the page's day (q: "" or "?ngay=…"). */
static json_t *
unit_view(const unit_tree_t *t, int32_t i, const char *q)
{
	json_t *o = app_unit_json(t, i);
	json_object_set_new(o, "url", json_sprintf("/units/%s%s", t->units[i].code, q));
	json_object_set_new(o, "children_text", app_json_count(t->units[i].nchildren));
	json_object_set_new(o, "subtree_text", app_json_count(unit_tree_subtree_size(t, i) - 1));
	json_object_set_new(o, "has_children", json_boolean(t->units[i].nchildren > 0));
	json_object_set_new(o, "closed", json_boolean(t->units[i].closed));
	return o;
}

/* Direct children of i: views for a page (q as for unit_view), else the API's summaries. */
static json_t *
children_json(const unit_tree_t *t, int32_t i, const char *q)
{
	int32_t *kids = xmalloc(sizeof *kids * MAX_CHILDREN_SHOWN);
	int32_t n = unit_tree_children(t, i, kids, MAX_CHILDREN_SHOWN);
	json_t *a = json_array();
	for (int32_t k = 0; k < n && k < MAX_CHILDREN_SHOWN; k++)
		json_array_append_new(a, q ? unit_view(t, kids[k], q) : app_unit_json(t, kids[k]));
	free(kids);
	return a;
}

/* The contact details shown for one unit, by its page and the API. */
static void
add_details(json_t *o, const unit_tree_t *t, int32_t i)
{
	const unit_t *u = &t->units[i];
	json_object_set_new(o, "locality_code", json_string(u->locality_code));
	json_object_set_new(o, "email", json_string(u->email));
	json_object_set_new(o, "phone", json_string(u->phone));
}

/* The unread notices first on a signed-in home page: reminders, returns and escalations
 * before the rest, at most 5, then a line to the full list. */
static json_t *
home_notices(http_req_t *req)
{
	json_t *rows = app_notices_json(req, 0, 50, 1), *out = json_array(), *o;
	if (!rows)
		return out;
	static const char *const urgent = " remind due overdue return escalate reopen ";
	for (int pass = 0; pass < 2; pass++) {
		size_t k;
		json_array_foreach(rows, k, o)
		{
			char pat[24];
			snprintf(pat, sizeof pat, " %s ",
			         json_string_value(json_object_get(o, "kind")));
			if ((strstr(urgent, pat) != NULL) != (pass == 0) ||
			    json_array_size(out) >= 5)
				continue;
			arena_t *a = http_req_arena(req);
			json_array_append_new(
			        out,
			        json_pack(
			                "{s:s,s:s,s:s}", "text",
			                arena_printf(a, "%s — %s",
			                             json_string_value(json_object_get(o, "title")),
			                             json_string_value(json_object_get(o, "at"))),
			                "url",
			                arena_printf(a, "/notices/%lld",
			                             (long long)json_integer_value(
			                                     json_object_get(o, "id"))),
			                "link", "Xem"));
		}
	}
	if (json_array_size(rows) > json_array_size(out))
		json_array_append_new(out, json_pack("{s:s,s:s,s:s}", "text",
		                                     "Còn thông báo chưa đọc khác.", "url",
		                                     "/notices", "link", "Xem tất cả thông báo"));
	json_decref(rows);
	return out;
}

int
page_home(http_req_t *req)
{
	unit_tree_t *t = app_req_tree(req);
	json_t *ctx = json_object();
	app_user_t *u = app_req_user(req);
	if (u) {
		/* the user's own work; the national list stays on the public page */
		json_object_set_new(ctx, "my_units", app_roles_json(t, u));
		json_object_set_new(ctx, "notices", home_notices(req));
		json_t *submitted;
		json_object_set_new(ctx, "countdowns", rep_home_countdowns(req, &submitted));
		json_object_set_new(ctx, "submitted", submitted);
		json_t *cards = rep_home_progress(req);
		json_object_set_new(ctx, "has_progress", json_boolean(json_array_size(cards) > 0));
		json_object_set_new(ctx, "progress", cards);
		json_object_set_new(ctx, "docs_home", doc_home(req));
	} else {
		json_object_set_new(ctx, "units_total", app_json_count(t->n));
		json_object_set_new(ctx, "provinces", children_json(t, 0, ""));
	}
	return app_render_page(req, 200, "home", NULL, ctx);
}

/* The unit's validity on its page: "Hoạt động từ 01/07/2025" (and until when), and for a
 * unit that ends (a closed holder, or one viewed on a day before it ended) the day it
 * ended, with a link to its last day. */
static json_t *
validity_view(http_req_t *req, const unit_t *u)
{
	arena_t *a = http_req_arena(req);
	json_t *o = json_object();
	int from = u->valid_from > 0, to = u->valid_to != STORE_DAY_OPEN;
	if (from || to) {
		buf_t b = BUF_INIT;
		buf_puts(&b, "Hoạt động");
		if (from) {
			buf_puts(&b, " từ ");
			text_format_date(u->valid_from, &b);
		}
		if (to) {
			buf_puts(&b, " đến ");
			text_format_date(u->valid_to, &b);
		}
		json_object_set_new(o, "text", json_stringn(buf_cstr(&b), b.len));
		buf_free(&b);
	}
	if (to) {
		json_object_set_new(o, "ended_text", json_string(app_fmt_date(a, u->valid_to + 1)));
		json_object_set_new(o, "last_day_text", json_string(app_fmt_date(a, u->valid_to)));
		json_object_set_new(o, "last_day_url",
		                    json_string(unit_url_at(a, u->code, u->valid_to)));
	}
	json_object_set_new(o, "closed", json_boolean(u->closed));
	return o;
}

/* 1 when unit u's code names u itself in today's tree (or nothing there): links by code
 * to its other pages (users, documents, activities), which read today's tree, reach it. */
static int
code_is_current(http_req_t *req, const unit_t *u)
{
	unit_tree_t *now = app_tree(http_req_app(req));
	int32_t j = unit_tree_find_code(now, u->code);
	int ok = j < 0 || now->units[j].id == u->id;
	unit_tree_unref(now);
	return ok;
}

int
page_unit(http_req_t *req)
{
	const char *code = http_req_param(req, "code");
	unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	day_view_t dv = day_view(req);
	int32_t i = code ? unit_tree_find_code(t, code) : 0;
	if (i < 0) {
		app_error_page(
		        req, 404,
		        dv.other ? arena_printf(a,
		                                "Ngày %s không có đơn vị với mã này. Hãy xem "
		                                "đơn vị theo ngày khác hoặc tìm theo tên ở "
		                                "trang Tìm kiếm.",
		                                dv.text)
		                 : "Không tìm thấy đơn vị với mã này. Hãy tìm đơn vị theo tên "
		                   "ở trang Tìm kiếm.");
		return 0;
	}
	const unit_t *u = &t->units[i];
	json_t *ctx = json_object();
	add_day(ctx, &dv);
	json_t *view = unit_view(t, i, dv.q);
	add_details(view, t, i);
	json_object_set_new(view, "status_text",
	                    json_string(u->closed   ? "Đã giải thể/sắp xếp lại"
	                                : u->active ? "Đang hoạt động"
	                                            : "Ngừng hoạt động"));
	json_object_set_new(ctx, "unit", view);
	json_object_set_new(ctx, "today_url", json_sprintf("/units/%s", u->code));
	json_object_set_new(ctx, "links_ok", json_boolean(!dv.other || code_is_current(req, u)));
	json_object_set_new(ctx, "path", app_unit_path_json(t, i));
	json_object_set_new(ctx, "children", children_json(t, i, dv.q));
	json_object_set_new(ctx, "is_root", json_boolean(i == 0));
	json_object_set_new(ctx, "validity", validity_view(req, u));
	/* its open units wait under it until an administrator places them */
	json_object_set_new(ctx, "waiting", json_boolean(u->closed && u->nchildren > 0));
	/* history: where it sat, what it was formed from, what it became */
	lineage_rows_t lin = lineage_of(req, u->id);
	json_t *pred = predecessors_json(req, u, &lin, 1);
	json_t *succ = successors_json(req, u, &lin, 1);
	json_t *moves = placements_json(req, u, 1);
	size_t nhist = json_array_size(pred) + json_array_size(succ) + json_array_size(moves);
	json_object_set_new(ctx, "has_history", json_boolean(nhist > 0));
	json_object_set_new(ctx, "has_predecessors", json_boolean(json_array_size(pred) > 0));
	json_object_set_new(ctx, "has_successors", json_boolean(json_array_size(succ) > 0));
	json_object_set_new(ctx, "has_placements", json_boolean(json_array_size(moves) > 0));
	json_object_set_new(ctx, "predecessors", pred);
	json_object_set_new(ctx, "successors", succ);
	json_object_set_new(ctx, "placements", moves);
	/* links only for those the guard would let through */
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	json_object_set_new(ctx, "can_users",
	                    json_boolean(access_allowed(t, g, ng, ACT_USERS_VIEW, i)));
	json_object_set_new(ctx, "can_audit",
	                    json_boolean(access_allowed(t, g, ng, ACT_AUDIT_READ, i)));
	/* a campaign is issued now, by a unit that is open: not from a past day's page */
	json_object_set_new(ctx, "can_campaign",
	                    json_boolean(!u->closed && !dv.other &&
	                                 access_allowed(t, g, ng, ACT_CAMPAIGN_MANAGE, i)));
	/* the unit's figures per campaign: for signed-in users allowed to see them */
	if (access_allowed(t, g, ng, ACT_UNIT_VIEW, i)) {
		json_t *cs = rep_campaigns_covering(req, i);
		json_object_set_new(ctx, "has_campaigns", json_boolean(json_array_size(cs) > 0));
		json_object_set_new(ctx, "campaigns", cs);
		/* commendation (award_pages.c): the link, and what waits for this unit */
		int64_t nw = award_waiting_count(req, i);
		json_object_set_new(ctx, "award_links",
		                    json_pack("{s:I}", "waiting", (json_int_t)(nw > 0 ? nw : 0)));
	}
	json_object_set_new(ctx, "docs", doc_public_list(req, i));
	json_object_set_new(ctx, "awards", award_public_list(req, i));
	json_object_set_new(ctx, "resources", resource_public_list(req, i));
	json_object_set_new(ctx, "reading", reading_public_summary(req, i));
	const char *title = dv.other ? arena_printf(a, "%s (ngày %s)", u->name, dv.text) : u->name;
	return app_render_page(req, 200, "unit", title, ctx);
}

/* s percent-encoded for a query string value. */
static void
put_query_value(buf_t *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.' || *p == '~') {
			buf_putc(b, (char)*p);
		} else {
			buf_putc(b, '%');
			buf_putc(b, hex[*p >> 4]);
			buf_putc(b, hex[*p & 15]);
		}
	}
}

/* "/search?q=…&kind=…&within=…&ngay=…&page=": the pager's links, keeping every filter
 * (dv NULL: the same search today, without the page). */
static json_t *
search_url(http_req_t *req, const day_view_t *dv)
{
	const char *names[] = {"q", "kind", "within"};
	buf_t b = BUF_INIT;
	buf_puts(&b, "/search?");
	for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
		const char *v = http_req_param(req, names[k]);
		if (!v || !*v)
			continue;
		buf_printf(&b, "%s=", names[k]);
		put_query_value(&b, v);
		buf_putc(&b, '&');
	}
	if (dv && dv->other)
		buf_printf(&b, "ngay=%s&", dv->iso);
	if (dv)
		buf_puts(&b, "page=");
	else
		b.data[--b.len] = '\0'; /* the last '&' or the '?' */
	json_t *j = json_stringn(buf_cstr(&b), b.len);
	buf_free(&b);
	return j;
}

/* Runs a search from request parameters on the request's tree; units link with q_day
 * (unit_view); html adds the page's fields. 0 with results filled, or non-zero after
 * answering a 400. */
static int
run_search(http_req_t *req, const unit_tree_t *t, int32_t page_size, const char *q_day, int html,
           json_t *out)
{
	const char *q = http_req_param(req, "q");
	const char *kind = http_req_param(req, "kind");
	const char *within = http_req_param(req, "within");
	int64_t limit, offset, page;
	if (param_int(req, "limit", 1, 200, page_size, &limit) < 0)
		return app_error_page(req, 400, "Tham số limit phải là số nguyên từ 1 đến 200."), 1;
	if (param_int(req, "offset", 0, 10000000, 0, &offset) < 0)
		return app_error_page(req, 400, "Tham số offset phải là số nguyên không âm."), 1;
	if (param_int(req, "page", 1, 1000000, 1, &page) < 0)
		return app_error_page(req, 400, "Tham số page phải là số nguyên dương."), 1;
	if (page > 1)
		offset = (page - 1) * limit;
	unit_search_t s = {.q = q ? q : "",
	                   .within = -1,
	                   .kind = kind && *kind ? kind : NULL,
	                   .limit = (int32_t)limit,
	                   .offset = (int32_t)offset};
	if (within && *within) {
		s.within = unit_tree_find_code(t, within);
		if (s.within < 0)
			return app_error_page(
			               req, 400,
			               "Tham số within phải là mã của một đơn vị có trong hệ "
			               "thống."),
			       1;
	}
	int32_t *ids = xmalloc(sizeof *ids * (size_t)limit);
	int32_t total;
	/* a query typed in TCVN3/VNI ("Häc") finds the units of its repaired text */
	legacy_enc_t enc;
	buf_t repaired = BUF_INIT;
	int32_t n = unit_tree_search_legacy(t, &s, ids, &total, &enc, &repaired);
	if (enc)
		json_object_set_new(out, "legacy_query",
		                    json_pack("{s:s,s:s}", "encoding", legacy_enc_name(enc),
		                              "repaired", buf_cstr(&repaired)));
	buf_free(&repaired);
	json_t *arr = json_array();
	for (int32_t k = 0; k < n; k++) {
		json_t *o = unit_view(t, ids[k], q_day);
		json_object_set_new(o, "context", context_text(t, ids[k]));
		json_array_append_new(arr, o);
	}
	free(ids);
	json_object_set_new(out, "query", json_string(s.q));
	json_object_set_new(out, "total", json_integer(total));
	json_object_set_new(out, "offset", json_integer(offset));
	json_object_set_new(out, "limit", json_integer(limit));
	json_object_set_new(out, "units", arr);
	if (s.within >= 0)
		json_object_set_new(out, "within", unit_view(t, s.within, q_day));
	if (!html)
		return 0;
	/* the HTML page: the count as text and paging links */
	json_object_set_new(out, "total_text", app_json_count(total));
	int64_t pg = offset / limit + 1;
	if (pg > 1)
		json_object_set_new(out, "prev_page", json_integer(pg - 1));
	if (offset + n < total)
		json_object_set_new(out, "next_page", json_integer(pg + 1));
	json_object_set_new(out, "page", json_integer(pg));
	return 0;
}

int
page_search(http_req_t *req)
{
	unit_tree_t *t = app_req_tree(req);
	day_view_t dv = day_view(req);
	json_t *ctx = json_object();
	add_day(ctx, &dv);
	const char *q = http_req_param(req, "q");
	if (q && *q) {
		json_t *res = json_object();
		if (run_search(req, t, PAGE_SIZE, dv.q, 1, res) != 0) {
			json_decref(res);
			json_decref(ctx);
			return 0;
		}
		json_object_set_new(res, "page_base", search_url(req, &dv));
		json_object_set_new(ctx, "searched", json_true());
		json_object_set_new(ctx, "result", res);
	}
	json_object_set_new(ctx, "q", json_string(q ? q : ""));
	const char *within = http_req_param(req, "within");
	json_object_set_new(ctx, "within_code", json_string(within ? within : ""));
	const char *kind = http_req_param(req, "kind");
	json_object_set_new(ctx, "kind_code", json_string(kind ? kind : ""));
	json_object_set_new(ctx, "today_url", search_url(req, NULL));
	/* the search form keeps the day it searches in */
	json_object_set_new(ctx, "search_day", dv.other ? json_string(dv.iso) : json_null());
	const char *title =
	        dv.other ? arena_printf(http_req_arena(req), "Tìm đơn vị (ngày %s)", dv.text)
	                 : "Tìm đơn vị";
	return app_render_page(req, 200, "search", title, ctx);
}

int
api_units(http_req_t *req)
{
	const char *q = http_req_param(req, "q");
	const char *parent = http_req_param(req, "parent");
	unit_tree_t *t = app_req_tree(req);
	day_view_t dv = day_view(req);
	json_t *out = json_object();
	json_object_set_new(out, "as_of", json_string(dv.iso));
	if (q && *q) {
		if (run_search(req, t, PAGE_SIZE, dv.q, 0, out) != 0) {
			json_decref(out);
			return 0;
		}
	} else if (parent && *parent) {
		int32_t i = unit_tree_find_code(t, parent);
		if (i < 0) {
			json_decref(out);
			app_error_page(req, 404, "Không có đơn vị nào với mã parent đã cho.");
			return 0;
		}
		json_object_set_new(out, "parent", app_unit_json(t, i));
		json_object_set_new(out, "total", json_integer(t->units[i].nchildren));
		json_object_set_new(out, "units", children_json(t, i, NULL));
	} else {
		json_decref(out);
		app_error_page(
		        req, 400,
		        "Cần tham số q (từ khóa tìm kiếm) hoặc parent (mã đơn vị cấp trên).");
		return 0;
	}
	return app_reply_json(req, 200, out);
}

int
api_unit(http_req_t *req)
{
	const char *code = http_req_param(req, "code");
	unit_tree_t *t = app_req_tree(req);
	int32_t i = code ? unit_tree_find_code(t, code) : -1;
	if (i < 0) {
		app_error_page(req, 404,
		               app_req_day_given(req)
		                       ? "Không tìm thấy đơn vị với mã này vào ngày as_of đã cho."
		                       : "Không tìm thấy đơn vị với mã này.");
		return 0;
	}
	const unit_t *u = &t->units[i];
	json_t *o = app_unit_json(t, i);
	add_details(o, t, i);
	json_object_set_new(o, "as_of",
	                    json_string(iso_day(http_req_arena(req), app_req_day(req))));
	json_object_set_new(o, "closed", json_boolean(u->closed));
	json_object_set_new(o, "path", app_unit_path_json(t, i));
	json_object_set_new(o, "units", children_json(t, i, NULL));
	lineage_rows_t lin = lineage_of(req, u->id);
	json_object_set_new(o, "predecessors", predecessors_json(req, u, &lin, 0));
	json_object_set_new(o, "successors", successors_json(req, u, &lin, 0));
	json_object_set_new(o, "placements", placements_json(req, u, 0));
	return app_reply_json(req, 200, o);
}
