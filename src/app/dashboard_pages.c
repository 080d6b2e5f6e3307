/* The campaign list, a unit's live figures with drill-down (the dashboard everyone
 * refreshes while reports come in), and the campaigns covering a unit for its page. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/pagecache.h"
#include "app/report_pages.h"
#include "app/reporting.h"
#include "core/log.h"
#include "core/mem.h"
#include "text/text.h"

/* ---------- campaign list ---------- */

typedef struct list_ctx {
	http_req_t *req;
	json_t *rows;
	access_grant_t *g; /* the user's grants on t */
	size_t ng;
	unit_tree_t *t; /* the tree of the last campaign listed (kept by the request) */
} list_ctx_t;

/* Adds unit i's view of campaign c to links unless it is there already. */
static void
add_link(http_req_t *req, const unit_tree_t *t, const store_campaign_t *c, int32_t i, json_t *links)
{
	const char *code = t->units[i].code;
	for (size_t k = 0; k < json_array_size(links); k++)
		if (!strcmp(json_string_value(json_object_get(json_array_get(links, k), "code")),
		            code))
			return;
	json_array_append_new(
	        links, json_pack("{s:s,s:s,s:s}", "code", code, "name", t->units[i].name, "url",
	                         arena_printf(http_req_arena(req), "/campaigns/%lld/units/%s",
	                                      (long long)c->id, code)));
}

static int
campaign_row(const store_campaign_t *c, void *p)
{
	list_ctx_t *l = p;
	/* each campaign on the tree of its day: after a merger the 2022 campaign's issuer and
	 * the units it covered are on the 2022 tree */
	int32_t day;
	app_t *app = http_req_app(l->req);
	if (app_campaign_day(app, c->id, &day) != 1)
		day = unit_today();
	if (l->t == NULL || !unit_tree_covers(l->t, day)) {
		l->t = app_tree_at(app, day);
		app_req_keep_tree(l->req, l->t);
		l->ng = app_user_grants(l->req, l->t, &l->g);
	}
	const unit_tree_t *t = l->t;
	int32_t issuer = unit_tree_find_id(t, c->issuer_unit_id);
	arena_t *a = http_req_arena(l->req);
	json_t *o = json_pack("{s:I,s:i,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)c->id, "year",
	                      c->year, "name", c->name, "status", c->status, "status_name",
	                      app_campaign_status_name(c->status), "start",
	                      app_fmt_date(a, c->start_date), "end", app_fmt_date(a, c->end_date));
	/* where the signed-in user may open it: the issuer's page if they may view it, and
	 * each unit they hold a role on inside the issuer's subtree (access_allowed decides) */
	json_t *links = json_array();
	if (issuer >= 0) {
		json_object_set_new(o, "issuer_code", json_string(t->units[issuer].code));
		json_object_set_new(o, "issuer_name", json_string(t->units[issuer].name));
		if (access_allowed(t, l->g, l->ng, ACT_UNIT_VIEW, issuer))
			add_link(l->req, t, c, issuer, links);
		for (size_t k = 0; k < l->ng; k++) {
			int32_t i = l->g[k].unit;
			if (unit_tree_contains(t, issuer, i) &&
			    access_allowed(t, l->g, l->ng, ACT_UNIT_VIEW, i))
				add_link(l->req, t, c, i, links);
		}
	}
	json_t *first = json_array_get(links, 0);
	if (first)
		json_object_set_new(o, "url",
		                    json_string(json_string_value(json_object_get(first, "url"))));
	json_object_set_new(o, "has_url", json_boolean(first != NULL));
	json_object_set_new(o, "many", json_boolean(json_array_size(links) > 1));
	json_object_set_new(o, "links", links);
	json_array_append_new(l->rows, o);
	return 0;
}

int
page_campaigns(http_req_t *req)
{
	app_t *app = http_req_app(req);
	list_ctx_t l = {req, json_array(), NULL, 0, NULL};
	store_campaigns_each(app->store, campaign_row, &l);
	if (rep_is_api(req))
		return app_reply_json(req, 200, json_pack("{s:o}", "campaigns", l.rows));
	json_t *ctx = json_pack("{s:o}", "campaigns", l.rows);
	return app_render_page(req, 200, "campaigns", "Các đợt báo cáo", ctx);
}

/* ---------- figures and drill-down ---------- */

/* Rendered dashboards kept per live campaign: a province's page is ~15 KB of HTML around
 * ~17 KB of charts, its JSON ~13 KB; 8 MB holds the whole of the ~180 most recently viewed
 * (4 MB held half of the 160 the benchmark reads, which then missed half the time). */
#define PAGECACHE_BYTES (8u << 20)

void *
dashboard_cache_new(void)
{
	return pagecache_new(PAGECACHE_BYTES);
}

void
dashboard_cache_free(void *pc)
{
	pagecache_free(pc);
}

/* Items of the template as rows with the totals (and own values) of unit i. */
static json_t *
figures_json(const template_t *tpl, const int64_t *tot, const int64_t *own,
             const unsigned char *own_has)
{
	json_t *rows = json_array();
	for (size_t s = 0; s < tpl->nsections; s++) {
		const tpl_section_t *sec = &tpl->sections[s];
		if (sec->narrative)
			continue;
		for (size_t k = 0; k < sec->nitems; k++) {
			const tpl_item_t *it = &sec->items[k];
			json_t *o = json_pack("{s:s,s:s,s:s,s:b,s:s}", "code", it->code, "number",
			                      it->number, "label", it->label, "heading",
			                      it->heading, "unit", it->unit);
			if (it->col >= 0) {
				json_object_set_new(o, "total", app_json_count(tot[it->col]));
				json_object_set_new(o, "total_num", json_integer(tot[it->col]));
				if (it->type == TPL_BOOL)
					json_object_set_new(o, "unit", json_string("đơn vị có"));
				if (own && own_has[it->col])
					json_object_set_new(o, "own", app_json_count(own[it->col]));
			}
			json_array_append_new(rows, o);
		}
	}
	return rows;
}

/* The children of unit i that get a row: those with a report or a unit expected to report
 * below them (report_pages.h). */
int
dashboard_child_shown(const live_campaign_t *lc, const unit_tree_t *t, int32_t j, int64_t reports)
{
	if (reports > 0)
		return 1;
	for (int32_t k = j; k < t->units[j].end; k++)
		if (campaign_expects(lc->c, t, k))
			return 1;
	return 0;
}

static int
dump_to_buf(const char *p, size_t n, void *ctx)
{
	buf_append(ctx, p, n);
	return 0;
}

/* The template's numeric columns as JSON keys, "code": each (escaped once per answer). */
static const char **
totals_keys(const template_t *tpl, arena_t *a)
{
	const char **keys = arena_alloc(a, (tpl->ncols + 1) * sizeof *keys);
	buf_t b = BUF_INIT;
	for (size_t col = 0; col < tpl->ncols; col++) {
		buf_reset(&b);
		buf_put_json_str(&b, template_item_col(tpl, (int)col)->code);
		buf_putc(&b, ':');
		keys[col] = arena_strdup(a, buf_cstr(&b));
	}
	buf_free(&b);
	return keys;
}

/* {"code": n, ...} of the template's numeric columns. */
static void
totals_text(const template_t *tpl, const char **keys, const int64_t *tot, buf_t *out)
{
	buf_putc(out, '{');
	for (size_t col = 0; col < tpl->ncols; col++) {
		if (col)
			buf_putc(out, ',');
		buf_puts(out, keys[col]);
		buf_put_int(out, tot[col]);
	}
	buf_putc(out, '}');
}

/* Appends the JSON object o to out without its closing brace, to go on with more keys. */
static void
open_object(json_t *o, buf_t *out)
{
	json_dump_callback(o, dump_to_buf, out, JSON_COMPACT);
	json_decref(o);
	if (out->len && out->data[out->len - 1] == '}')
		out->data[--out->len] = '\0';
}

/* The API's dashboard: the head built as JSON values, the children's and the unit's totals
 * (most of the answer: a column per item per child) written straight as text, which is
 * several times cheaper than a JSON value per number. */
static void
dashboard_api_json(http_req_t *req, live_campaign_t *lc, int32_t i, int drafts, int can_status,
                   json_t *head, const int64_t *unit_tot, buf_t *out)
{
	const unit_tree_t *t = app_req_tree(req);
	const template_t *tpl = lc->c->tpl;
	size_t nc = tpl->ncols ? tpl->ncols : 1;
	int64_t *tot = arena_alloc(http_req_arena(req), nc * sizeof *tot);
	const char **keys = totals_keys(tpl, http_req_arena(req));
	json_object_set_new(head, "can_status", json_boolean(can_status));
	open_object(head, out);
	buf_puts(out, ",\"children\":[");
	int first = 1;
	for (int32_t j = i + 1; j < t->units[i].end; j = t->units[j].end) {
		int64_t n;
		rollup_subtree(lc->ru, t, j, drafts, tot, &n);
		if (!dashboard_child_shown(lc, t, j, n))
			continue;
		if (!first)
			buf_putc(out, ',');
		first = 0;
		app_unit_json_text(t, j, out);
		out->data[--out->len] = '\0'; /* its closing brace: more keys follow */
		buf_puts(out, ",\"reports\":");
		buf_put_int(out, n);
		buf_puts(out, ",\"totals\":");
		totals_text(tpl, keys, tot, out);
		buf_putc(out, '}');
	}
	buf_puts(out, "],\"totals\":");
	totals_text(tpl, keys, unit_tot, out);
	buf_putc(out, '}');
}

/* The dashboard's data for unit i: totals (also left in tot[ncols]), the unit's own
 * figures, and one row per child with its reports. Everything here is the same for every
 * viewer of the unit: who is asking is added by the caller. For the API only the head:
 * dashboard_api_json adds the rest. kid_view (by j - i), when not NULL, says which children
 * the viewer may open (NULL: all of them). */
static json_t *
dashboard_json(http_req_t *req, live_campaign_t *lc, int32_t i, int drafts, int api,
               const unsigned char *kid_view, int64_t *tot)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	const template_t *tpl = lc->c->tpl;
	size_t nc = tpl->ncols ? tpl->ncols : 1;
	int64_t nrep;
	rollup_subtree(lc->ru, t, i, drafts, tot, &nrep);
	json_t *o = json_object();
	json_object_set_new(o, "campaign", rep_campaign_json(req, lc->c));
	json_object_set_new(o, "unit", app_unit_json(t, i));
	json_object_set_new(o, "path", app_unit_path_json(t, i));
	json_object_set_new(o, "drafts", json_boolean(drafts));
	json_object_set_new(o, "reports", json_integer(nrep));
	json_object_set_new(o, "expected", json_boolean(campaign_expects(lc->c, t, i)));
	if (api)
		return o;
	int64_t *own = arena_alloc(a, nc * sizeof *own);
	unsigned char *has = arena_alloc(a, nc);
	int has_own = rollup_own(lc->ru, i, drafts, own, has);
	json_object_set_new(o, "reports_text", app_json_count(nrep));
	json_object_set_new(o, "figures", figures_json(tpl, tot, has_own ? own : NULL, has));
	/* drill-down: each child with its number of reports */
	json_t *kids = json_array();
	int64_t *ctot = arena_alloc(a, nc * sizeof *ctot);
	for (int32_t j = i + 1; j < t->units[i].end; j = t->units[j].end) {
		int64_t n;
		rollup_subtree(lc->ru, t, j, drafts, ctot, &n);
		if (!dashboard_child_shown(lc, t, j, n))
			continue; /* nobody reports there: no row */
		json_t *c = app_unit_json(t, j);
		json_object_set_new(c, "reports", json_integer(n));
		json_object_set_new(c, "reports_text", app_json_count(n));
		json_object_set_new(c, "can_view", json_boolean(!kid_view || kid_view[j - i]));
		json_array_append_new(kids, c);
	}
	json_object_set_new(o, "children", kids);
	return o;
}

/* A level's live dashboard, the page everyone refreshes while reports come in. Its
 * viewer-independent parts (the JSON without can_status; the HTML above and below the
 * campaign status form) are kept per live campaign, tagged with the generation of the unit's
 * subtree in the roll-up, read before they are built: any change to its figures misses
 * (a change elsewhere does not), and a campaign or tree
 * change makes a new live campaign with an empty cache. */
int
page_campaign_unit(http_req_t *req)
{
	live_campaign_t *lc = rep_campaign(req);
	if (!lc)
		return 0;
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	app_t *app = http_req_app(req);
	int32_t i = rep_req_unit(req);
	const char *dp = http_req_param(req, "drafts");
	int drafts = dp && !strcmp(dp, "1");
	int api = rep_is_api(req);
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	int can_status = t->units[i].id == lc->c->issuer_unit_id &&
	                 access_allowed(t, g, ng, ACT_CAMPAIGN_MANAGE, i);
	/* what the dashboard shows all lies in i's subtree */
	uint64_t gen = rollup_subtree_generation(lc->ru, t, i);
	/* the drill-down links each child: shared by every viewer who may open them all
	 * (anyone viewing the subtree), else per viewer (say an entry officer holding the level
	 * itself only) so no one gets a link to a 403 nor another viewer's links */
	unsigned char *kid_view = NULL;
	if (!api)
		for (int32_t j = i + 1; j < t->units[i].end; j = t->units[j].end)
			if (!access_allowed(t, g, ng, ACT_UNIT_VIEW, j)) {
				kid_view = arena_alloc(a, (size_t)(t->units[i].end - i));
				for (int32_t k = i + 1; k < t->units[i].end; k = t->units[k].end)
					kid_view[k - i] = (unsigned char)access_allowed(
					        t, g, ng, ACT_UNIT_VIEW, k);
				break;
			}
	const char *key = arena_printf(a, "%s|%s|%d|%d", api ? "json" : "html", t->units[i].code,
	                               drafts, api && can_status);
	if (kid_view)
		key = arena_printf(a, "%s|user%lld", key,
		                   (long long)(app_req_user(req) ? app_req_user(req)->id : 0));
	buf_t frag = BUF_INIT;
	if (!pagecache_get((pagecache_t *)lc->extra, key, gen, &frag)) {
		const template_t *tpl = lc->c->tpl;
		int64_t *tot = arena_alloc(a, (tpl->ncols ? tpl->ncols : 1) * sizeof *tot);
		json_t *o = dashboard_json(req, lc, i, drafts, api, kid_view, tot);
		int rc = 0;
		if (api) {
			dashboard_api_json(req, lc, i, drafts, can_status, o, tot, &frag);
			o = NULL;
		} else {
			/* head, a NUL, body: HTML never holds a NUL */
			rc = tmpl_render(app->tmpl, "campaign_unit_head", o, &frag);
			buf_append(&frag, "", 1);
			if (rc == 0)
				rc = tmpl_render(app->tmpl, "campaign_unit_body", o, &frag);
		}
		json_decref(o);
		if (rc < 0) {
			buf_free(&frag);
			return 500;
		}
		pagecache_put((pagecache_t *)lc->extra, key, gen, frag.data, frag.len);
	}
	if (api) {
		pagecache_zpart((pagecache_t *)lc->extra, req, key, gen, frag.data, frag.len, NULL, 0,
		                NULL);
		return http_reply_buf(req, 200, "application/json; charset=utf-8", &frag);
	}
	/* the fragments are our own rendering, valid UTF-8: no need to check them again */
	size_t head_len = strlen(buf_cstr(&frag));
	/* the status control shows the campaign's status as loaded now (a change forgets the
	 * loaded campaign, so this is never a stale copy) */
	json_t *ctx = json_pack("{s:b,s:{s:s,s:s},s:{s:I,s:s}}", "can_status", can_status, "unit",
	                        "code", t->units[i].code, "name", t->units[i].name, "campaign",
	                        "id", (json_int_t)lc->c->id, "status_name",
	                        app_campaign_status_name(lc->c->status));
	json_object_set_new(ctx, "can_review_queue", json_boolean(review_queue_allowed(req, i)));
	/* the breadcrumb links only the levels this viewer may open: not in the cached part */
	json_object_set_new(ctx, "path", app_unit_path_links(req, t, i));
	/* the budget box: read now, outside the cached parts (budget saves and decisions do
	 * not move the roll-up's generation the cache is keyed on) */
	json_t *budget = budget_box_json(req, lc, i);
	if (budget)
		json_object_set_new(ctx, "budget", budget);
	if (can_status) {
		static const char *const statuses[] = {"draft", "open", "closed"};
		json_t *opts = json_array();
		for (size_t k = 0; k < 3; k++)
			json_array_append_new(
			        opts, json_pack("{s:s,s:s,s:b}", "value", statuses[k], "label",
			                        app_campaign_status_name(statuses[k]), "selected",
			                        !strcmp(statuses[k], lc->c->status)));
		json_object_set_new(ctx, "status_options", opts);
	}
	/* a gzipped reply copies the cached parts compressed (in the order they are in it) */
	pagecache_zpart((pagecache_t *)lc->extra, req, arena_printf(a, "%s|head", key), gen,
	                frag.data, head_len, NULL, 0, NULL);
	/* the charts: their own cache entry (they follow the reports' states and the day) */
	buf_t charts = BUF_INIT;
	const char *chart_msg = NULL;
	const char *charts_tag = NULL;
	int cst = dashboard_charts_html(req, lc, i, drafts, &charts, &chart_msg, &charts_tag);
	if (cst) {
		buf_free(&charts);
		buf_free(&frag);
		json_decref(ctx);
		app_error_page(req, cst, chart_msg);
		return 0;
	}
	json_object_set_new(ctx, "charts_html",
	                    json_stringn_nocheck(charts.data ? charts.data : "", charts.len));
	/* the body follows the charts (campaign_unit.mustache: the charts, a newline, the
	 * body) and repeats their unit names: compressed against them it is half the size */
	buf_append(&charts, "\n", 1);
	pagecache_zpart((pagecache_t *)lc->extra, req, arena_printf(a, "%s|body", key), gen,
	                frag.data + head_len + 1, frag.len - head_len - 1, charts.data, charts.len,
	                charts_tag);
	buf_free(&charts);
	json_object_set_new(ctx, "head_html", json_stringn_nocheck(frag.data, head_len));
	json_object_set_new(
	        ctx, "body_html",
	        json_stringn_nocheck(frag.data + head_len + 1, frag.len - head_len - 1));
	buf_free(&frag);
	char *title = arena_printf(a, "%s — %s", lc->c->name, t->units[i].name);
	return app_render_page(req, 200, "campaign_unit", title, ctx);
}

/* Campaigns (not drafts) whose issuer's subtree held unit i on the campaign's day, newest
 * first, for the unit's page and the document forms. Each campaign is checked in the tree
 * it adds up on (app_campaign_tree), the unit found there by its id: after a merger a
 * school that moved keeps its 2022 campaign of the district it left and gains none of the
 * district it joined. Each row carries "code", the unit's code in that tree (its
 * /campaigns/ID/units/CODE). */
typedef struct covering_row {
	int64_t id, issuer;
	int year, open, draft;
	const char *name;
} covering_row_t;

typedef struct covering {
	arena_t *a;
	covering_row_t *rows;
	size_t n, cap;
} covering_t;

static int
covering_collect(const store_campaign_t *c, void *p)
{
	covering_t *cv = p;
	if (cv->n == cv->cap) {
		cv->cap = cv->cap ? cv->cap * 2 : 64;
		cv->rows = xrealloc(cv->rows, size_mul(cv->cap, sizeof *cv->rows));
	}
	cv->rows[cv->n++] = (covering_row_t){.id = c->id,
	                                     .issuer = c->issuer_unit_id,
	                                     .year = c->year,
	                                     .open = !strcmp(c->status, "open"),
	                                     .draft = !strcmp(c->status, "draft"),
	                                     .name = arena_strdup(cv->a, c->name)};
	return 0;
}

json_t *
rep_campaigns_covering(http_req_t *req, int32_t unit)
{
	app_t *app = http_req_app(req);
	int64_t unit_id = app_req_tree(req)->units[unit].id;
	covering_t cv = {.a = http_req_arena(req)};
	json_t *out = json_array();
	/* read them all first: no store call inside another's callback */
	if (store_campaigns_each(app->store, covering_collect, &cv) < 0) {
		free(cv.rows);
		return out;
	}
	unit_tree_t *t = NULL; /* the last campaign's tree (kept by the request) */
	for (size_t k = 0; k < cv.n; k++) {
		const covering_row_t *r = &cv.rows[k];
		if (r->draft)
			continue;
		int32_t day;
		if (app_campaign_day(app, r->id, &day) != 1)
			day = unit_today();
		if (t == NULL || !unit_tree_covers(t, day)) {
			t = app_tree_at(app, day);
			app_req_keep_tree(req, t);
		}
		int32_t i = unit_tree_find_id(t, unit_id);
		int32_t issuer = unit_tree_find_id(t, r->issuer);
		if (i < 0 || issuer < 0 || t->units[i].closed || !unit_tree_contains(t, issuer, i))
			continue;
		json_array_append_new(out,
		                      json_pack("{s:I,s:s,s:i,s:b,s:s}", "id", (json_int_t)r->id,
		                                "name", r->name, "year", r->year, "open", r->open,
		                                "code", t->units[i].code));
	}
	free(cv.rows);
	return out;
}
