/* The reporting loop's pages and API: campaign list, a unit's live figures with drill-down,
 * the results form (enter, save, submit; return, approve, reopen), the chase board with
 * reminders, and the exports (the Phụ lục as XLSX, the subtree as XLSX/CSV). Access to each
 * route is decided by the guard on the :code unit; these handlers only apply the report's
 * own state rules (a submitted report is locked, and so on). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/pagecache.h"
#include "app/reporting.h"
#include "core/log.h"
#include "core/mem.h"
#include "domain/prefill.h"
#include "export/phuluc.h"
#include "export/table.h"
#include "text/text.h"

#define MAX_TEXT 20000
#define VN_OFFSET (7 * 3600) /* deadlines are local days (UTC+7) */

static int32_t
req_unit(http_req_t *req)
{
	return unit_tree_find_code(app_req_tree(req), http_req_param(req, "code"));
}

static int
is_api(http_req_t *req)
{
	return strncmp(http_req_path(req), "/api/", 5) == 0;
}

static json_t *
fmt_int(int64_t v)
{
	return app_json_count(v);
}

static json_t *
campaign_json(http_req_t *req, const campaign_t *c)
{
	arena_t *a = http_req_arena(req);
	const unit_tree_t *t = app_req_tree(req);
	int32_t issuer = campaign_issuer(c, t);
	json_t *o =
	        json_pack("{s:I,s:i,s:s,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)c->id, "year",
	                  c->year, "name", c->name, "theme", c->theme, "status", c->status, "start",
	                  app_fmt_date(a, c->start_date), "end", app_fmt_date(a, c->end_date),
	                  "registration_deadline", app_fmt_date(a, c->registration_deadline));
	json_object_set_new(o, "issuer", issuer >= 0 ? app_unit_json(t, issuer) : json_null());
	json_object_set_new(o, "template", json_string(c->tpl->name));
	return o;
}

/* ---------- campaign list ---------- */

typedef struct list_ctx {
	http_req_t *req;
	json_t *rows;
} list_ctx_t;

static int
campaign_row(const store_campaign_t *c, void *p)
{
	list_ctx_t *l = p;
	const unit_tree_t *t = app_req_tree(l->req);
	int32_t issuer = unit_tree_find_id(t, c->issuer_unit_id);
	arena_t *a = http_req_arena(l->req);
	json_t *o = json_pack("{s:I,s:i,s:s,s:s,s:s,s:s}", "id", (json_int_t)c->id, "year", c->year,
	                      "name", c->name, "status", c->status, "start",
	                      app_fmt_date(a, c->start_date), "end", app_fmt_date(a, c->end_date));
	if (issuer >= 0) {
		json_object_set_new(o, "issuer_code", json_string(t->units[issuer].code));
		json_object_set_new(o, "issuer_name", json_string(t->units[issuer].name));
	}
	json_array_append_new(l->rows, o);
	return 0;
}

int
page_campaigns(http_req_t *req)
{
	app_t *app = http_req_app(req);
	list_ctx_t l = {req, json_array()};
	store_campaigns_each(app->store, campaign_row, &l);
	if (is_api(req))
		return app_reply_json(req, 200, json_pack("{s:o}", "campaigns", l.rows));
	json_t *ctx = json_pack("{s:o}", "campaigns", l.rows);
	return app_render_page(req, 200, "campaigns", "Các đợt báo cáo", ctx);
}

/* ---------- figures and drill-down ---------- */

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
				json_object_set_new(o, "total", fmt_int(tot[it->col]));
				json_object_set_new(o, "total_num", json_integer(tot[it->col]));
				if (it->type == TPL_BOOL)
					json_object_set_new(o, "unit", json_string("đơn vị có"));
				if (own && own_has[it->col])
					json_object_set_new(o, "own", fmt_int(own[it->col]));
			}
			json_array_append_new(rows, o);
		}
	}
	return rows;
}

/* The children of unit i that get a row: those with a report or a unit expected to report
 * below them. */
static int
child_shown(const live_campaign_t *lc, const unit_tree_t *t, int32_t j, int64_t reports)
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
		if (!child_shown(lc, t, j, n))
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
 * dashboard_api_json adds the rest. */
static json_t *
dashboard_json(http_req_t *req, live_campaign_t *lc, int32_t i, int drafts, int api, int64_t *tot)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	const template_t *tpl = lc->c->tpl;
	size_t nc = tpl->ncols ? tpl->ncols : 1;
	int64_t nrep;
	rollup_subtree(lc->ru, t, i, drafts, tot, &nrep);
	json_t *o = json_object();
	json_object_set_new(o, "campaign", campaign_json(req, lc->c));
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
	json_object_set_new(o, "reports_text", fmt_int(nrep));
	json_object_set_new(o, "figures", figures_json(tpl, tot, has_own ? own : NULL, has));
	/* drill-down: each child with its number of reports */
	json_t *kids = json_array();
	int64_t *ctot = arena_alloc(a, nc * sizeof *ctot);
	for (int32_t j = i + 1; j < t->units[i].end; j = t->units[j].end) {
		int64_t n;
		rollup_subtree(lc->ru, t, j, drafts, ctot, &n);
		if (!child_shown(lc, t, j, n))
			continue; /* nobody reports there: no row */
		json_t *c = app_unit_json(t, j);
		json_object_set_new(c, "reports", json_integer(n));
		json_object_set_new(c, "reports_text", fmt_int(n));
		json_array_append_new(kids, c);
	}
	json_object_set_new(o, "children", kids);
	return o;
}

/* A level's live dashboard, the page everyone refreshes while reports come in. Its
 * viewer-independent parts (the JSON without can_status; the HTML above and below the
 * campaign status form) are kept per live campaign, tagged with the roll-up's generation
 * read before they are built: any change to the figures misses, and a campaign or tree
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
	int32_t i = req_unit(req);
	const char *dp = http_req_param(req, "drafts");
	int drafts = dp && !strcmp(dp, "1");
	int api = is_api(req);
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	int can_status = t->units[i].id == lc->c->issuer_unit_id &&
	                 access_allowed(t, g, ng, ACT_CAMPAIGN_MANAGE, i);
	uint64_t gen = rollup_generation(lc->ru);
	const char *key = arena_printf(a, "%s|%s|%d|%d", api ? "json" : "html", t->units[i].code,
	                               drafts, api && can_status);
	buf_t frag = BUF_INIT;
	if (!pagecache_get(lc->pages, key, gen, &frag)) {
		const template_t *tpl = lc->c->tpl;
		int64_t *tot = arena_alloc(a, (tpl->ncols ? tpl->ncols : 1) * sizeof *tot);
		json_t *o = dashboard_json(req, lc, i, drafts, api, tot);
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
		pagecache_put(lc->pages, key, gen, frag.data, frag.len);
	}
	if (api)
		return http_reply_buf(req, 200, "application/json; charset=utf-8", &frag);
	/* the fragments are our own rendering, valid UTF-8: no need to check them again */
	size_t head_len = strlen(buf_cstr(&frag));
	json_t *ctx = json_pack("{s:b,s:{s:s},s:{s:I}}", "can_status", can_status, "unit", "code",
	                        t->units[i].code, "campaign", "id", (json_int_t)lc->c->id);
	json_object_set_new(ctx, "head_html", json_stringn_nocheck(frag.data, head_len));
	json_object_set_new(
	        ctx, "body_html",
	        json_stringn_nocheck(frag.data + head_len + 1, frag.len - head_len - 1));
	buf_free(&frag);
	char *title = arena_printf(a, "%s — %s", lc->c->name, t->units[i].name);
	return app_render_page(req, 200, "campaign_unit", title, ctx);
}

/* ---------- the results form ---------- */

/* A level compiles; a body reports its own figures. */
static int
is_level(const unit_tree_t *t, int32_t i)
{
	return t->units[i].is_locality;
}

static int
locked(const char *status)
{
	return !strcmp(status, "submitted") || !strcmp(status, "approved");
}

typedef struct form_state {
	int64_t *num;
	unsigned char *has;
	const char **text;
	const char **typed;  /* per item index in document order: what was typed (re-shown) */
	const char **errors; /* per item index */
	int nerrors;
	const char *form_error;
} form_state_t;

static size_t
item_index(const template_t *tpl, const tpl_item_t *it)
{
	size_t idx = 0;
	for (size_t s = 0; s < tpl->nsections; s++)
		for (size_t k = 0; k < tpl->sections[s].nitems; k++, idx++)
			if (&tpl->sections[s].items[k] == it)
				return idx;
	return idx;
}

static size_t
item_count(const template_t *tpl)
{
	size_t n = 0;
	for (size_t s = 0; s < tpl->nsections; s++)
		n += tpl->sections[s].nitems;
	return n;
}

/* The children's texts of a text item, "— Unit: text" one after another, for a level's
 * consolidated draft. */
typedef struct consol {
	http_req_t *req;
	live_campaign_t *lc;
	int32_t level;
	buf_t *bufs; /* per tcol */
} consol_t;

typedef struct consol_one {
	consol_t *c;
	const char *unit_name;
} consol_one_t;

static int
consol_value(const store_value_t *v, void *p)
{
	consol_one_t *o = p;
	const tpl_item_t *it = template_item(o->c->lc->c->tpl, v->item);
	if (it && it->tcol >= 0 && *v->text) {
		buf_t *b = &o->c->bufs[it->tcol];
		if (b->len)
			buf_puts(b, "\n\n");
		buf_printf(b, "— %s: %s", o->unit_name, v->text);
	}
	return 0;
}

static int
consol_report(const store_report_t *r, void *p)
{
	consol_t *c = p;
	const unit_tree_t *t = app_req_tree(c->req);
	int32_t i = unit_tree_find_id(t, r->unit_id);
	if (i <= c->level || !unit_tree_contains(t, c->level, i) || !rep_counted(r->status))
		return 0;
	consol_one_t o = {c, t->units[i].name};
	app_t *app = http_req_app(c->req);
	store_report_values(app->store, r->id, consol_value, &o);
	return 0;
}

static void
consolidate(http_req_t *req, live_campaign_t *lc, int32_t level, const char **text)
{
	const template_t *tpl = lc->c->tpl;
	consol_t c = {req, lc, level, xcalloc(tpl->ntexts + 1, sizeof(buf_t))};
	app_t *app = http_req_app(req);
	store_reports_of_campaign(app->store, lc->c->id, consol_report, &c);
	for (size_t k = 0; k < tpl->ntexts; k++) {
		if (!text[k] && c.bufs[k].len)
			text[k] = arena_strdup(http_req_arena(req), buf_cstr(&c.bufs[k]));
		buf_free(&c.bufs[k]);
	}
	free(c.bufs);
}

typedef struct frozen_ctx {
	const template_t *tpl;
	int64_t *num;
	int any;
} frozen_ctx_t;

static int
frozen_value(const store_value_t *v, void *p)
{
	frozen_ctx_t *f = p;
	const tpl_item_t *it = template_item(f->tpl, v->item);
	if (it && it->col >= 0)
		f->num[it->col] = v->num;
	f->any = 1;
	return 0;
}

/* Each group heading gets the totals of the counts under it, by unit of measure ("17 lớp,
 * 450 lượt"): shown after a save, and kept current as one types by static/report.js. */
static void
group_totals(const template_t *tpl, const tpl_section_t *sec, const int64_t *num,
             const unsigned char *has, json_t *items)
{
	(void)tpl;
	json_t *head = NULL;
	enum { MAXU = 8 };
	const char *units[MAXU];
	int64_t sums[MAXU];
	int nu = 0;
	for (size_t k = 0; k <= sec->nitems; k++) {
		const tpl_item_t *it = k < sec->nitems ? &sec->items[k] : NULL;
		if (it == NULL || it->heading) {
			if (head && nu) {
				buf_t b = BUF_INIT;
				for (int q = 0; q < nu; q++) {
					if (q)
						buf_puts(&b, ", ");
					text_format_int(sums[q], &b);
					buf_printf(&b, " %s", units[q]);
				}
				json_object_set_new(head, "group_total", json_string(buf_cstr(&b)));
				buf_free(&b);
			}
			head = it ? json_array_get(items, k) : NULL;
			nu = 0;
			continue;
		}
		if (!head || it->col < 0 || it->type == TPL_BOOL || !*it->unit)
			continue;
		int q = 0;
		while (q < nu && strcmp(units[q], it->unit) != 0)
			q++;
		if (q == nu) {
			if (nu == MAXU)
				continue;
			units[nu] = it->unit;
			sums[nu++] = 0;
		}
		if (!has || has[it->col])
			sums[q] += num[it->col];
	}
}

/* ---------- pre-fill from the unit's recorded activities ---------- */

#define PREFILL_MAX_ACTS 2000 /* per campaign: far above what one unit records in a Week */

typedef struct acts_load {
	arena_t *a;
	prefill_activity_t *v;
	size_t n, cap;
} acts_load_t;

static int
act_row(const store_activity_t *s, void *p)
{
	acts_load_t *l = p;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		prefill_activity_t *v = arena_alloc(l->a, cap * sizeof *v);
		if (l->n)
			memcpy(v, l->v, l->n * sizeof *v);
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = (prefill_activity_t){s->id,
	                                    arena_strdup(l->a, s->kind),
	                                    arena_strdup(l->a, s->title),
	                                    arena_strdup(l->a, s->status),
	                                    s->start_at,
	                                    s->actual};
	return 0;
}

static int
cmp_act(const void *x, const void *y)
{
	const prefill_activity_t *a = x, *b = y;
	if (a->start_at != b->start_at)
		return a->start_at < b->start_at ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

/* The suggestions for unit i's own report from the activities it recorded in the campaign
 * or in the campaigns it adopts (the same Week); NULL for a level (its figures are totals)
 * or when no activity feeds a line. Free with prefill_free; the activities live in the
 * request arena. */
static prefill_t *
unit_prefill(http_req_t *req, live_campaign_t *lc, int32_t i)
{
	const unit_tree_t *t = app_req_tree(req);
	if (is_level(t, i))
		return NULL;
	app_t *app = http_req_app(req);
	int64_t *ids;
	size_t nids;
	if (campaign_ancestry(app->store, lc->c->id, &ids, &nids) < 0)
		return NULL;
	buf_t path = BUF_INIT;
	unit_tree_path(t, i, &path);
	acts_load_t l = {http_req_arena(req), NULL, 0, 0};
	for (size_t k = 0; k < nids; k++) {
		store_activity_query_t q = {.path = buf_cstr(&path),
		                            .exact = 1,
		                            .campaign_id = ids[k],
		                            .kind = "",
		                            .mode = "",
		                            .limit = PREFILL_MAX_ACTS};
		if (store_activities_find(app->store, &q, act_row, &l) < 0)
			log_error("prefill: could not read the activities of %s", buf_cstr(&path));
	}
	buf_free(&path);
	free(ids);
	if (l.n == 0)
		return NULL;
	qsort(l.v, l.n, sizeof *l.v, cmp_act);
	prefill_t *p = prefill_compute(lc->c->tpl, l.v, l.n);
	if (p->nitems == 0) {
		prefill_free(p);
		return NULL;
	}
	return p;
}

/* One line's suggestion with its sources, compared with the saved value: for the API
 * (numbers) or the page (formatted text). */
static json_t *
prefill_json(arena_t *a, const prefill_item_t *pi, const rep_report_t *r, int page)
{
	int col = pi->item->col;
	int saved = r->has[col] != 0;
	int differs = pi->ncounted > 0 && saved && r->num[col] != pi->value;
	json_t *src = json_array(), *skip = json_array();
	for (size_t k = 0; k < pi->nsources; k++) {
		const prefill_source_t *s = &pi->sources[k];
		int64_t d = s->act->start_at + VN_OFFSET;
		const char *date =
		        app_fmt_date(a, (int32_t)(d >= 0 ? d / 86400 : (d - 86399) / 86400));
		json_t *o = json_pack("{s:s,s:s}", "title", s->act->title ? s->act->title : "",
		                      "date", date);
		if (!page)
			json_object_set_new(o, "activity", json_integer(s->act->id));
		if (s->counted) {
			json_object_set_new(o, "add",
			                    page ? json_string(app_fmt_count(a, s->add))
			                         : json_integer(s->add));
			json_array_append_new(src, o);
		} else {
			json_object_set_new(o, "reason", json_string(s->reason));
			json_array_append_new(skip, o);
		}
	}
	json_t *o = json_object();
	if (page) {
		json_object_set_new(o, "suggested", json_string(app_fmt_count(a, pi->value)));
		if (saved)
			json_object_set_new(o, "saved", json_string(app_fmt_count(a, r->num[col])));
		if (pi->nmissing)
			json_object_set_new(o, "missing", json_integer((json_int_t)pi->nmissing));
		size_t nskip = pi->nsources - pi->ncounted;
		json_object_set_new(
		        o, "summary",
		        json_string(nskip ? arena_printf(a,
		                                         "%zu hoạt động được tính, %zu không tính",
		                                         pi->ncounted, nskip)
		                          : arena_printf(a, "%zu hoạt động", pi->ncounted)));
		json_object_set_new(o, "sources", src);
		json_object_set_new(o, "skipped", skip);
	} else {
		json_object_set_new(o, "value",
		                    pi->ncounted ? json_integer(pi->value) : json_null());
		json_object_set_new(o, "counted", json_integer((json_int_t)pi->ncounted));
		json_object_set_new(o, "missing_participants",
		                    json_integer((json_int_t)pi->nmissing));
		json_object_set_new(o, "saved", saved ? json_integer(r->num[col]) : json_null());
		json_object_set_new(o, "sources", src);
		json_object_set_new(o, "not_counted", skip);
	}
	json_object_set_new(o, "differs", json_boolean(differs));
	return o;
}

/* The API's "prefill": {"item code": suggestion} ({} for a level or without activities). */
static json_t *
prefill_api(http_req_t *req, live_campaign_t *lc, int32_t i, const rep_report_t *r)
{
	json_t *o = json_object();
	prefill_t *p = unit_prefill(req, lc, i);
	for (size_t k = 0; p && k < p->nitems; k++)
		json_object_set_new(o, p->items[k].item->code,
		                    prefill_json(http_req_arena(req), &p->items[k], r, 0));
	prefill_free(p);
	return o;
}

/* Line k of a section as the fill notice names it: its label, and when another line of its
 * group reads the same ("Số lượt người tham gia" under each kind of class), the line above
 * it too. */
static const char *
line_name(arena_t *a, const tpl_section_t *sec, size_t k)
{
	const tpl_item_t *it = &sec->items[k];
	size_t b = k, e = k + 1;
	while (b > 0 && !sec->items[b].heading)
		b--;
	while (e < sec->nitems && !sec->items[e].heading)
		e++;
	int same = 0;
	for (size_t q = b; q < e && !same; q++)
		same = q != k && !sec->items[q].heading && !strcmp(sec->items[q].label, it->label);
	if (!same || k == 0 || sec->items[k - 1].heading)
		return it->label;
	return arena_printf(a, "%s (ứng với dòng “%s”)", it->label, sec->items[k - 1].label);
}

/* The page: a hint under each line an activity feeds, and with fill (GET ?prefill=1 on an
 * editable report) the suggestions put into the inputs whose saved value is empty or
 * differs, with a notice naming them. Nothing is saved here: the officer reviews and
 * presses Lưu as usual. */
static void
attach_prefill(http_req_t *req, live_campaign_t *lc, int32_t i, const rep_report_t *r, int editable,
               int fill, json_t *sections, json_t *ctx)
{
	prefill_t *p = unit_prefill(req, lc, i);
	if (p == NULL)
		return;
	const template_t *tpl = lc->c->tpl;
	arena_t *a = http_req_arena(req);
	size_t nc = tpl->ncols + 1;
	int64_t *num = arena_alloc(a, nc * sizeof *num);
	unsigned char *has = arena_alloc(a, nc);
	memcpy(num, r->num, nc * sizeof *num);
	memcpy(has, r->has, nc);
	fill = fill && editable;
	json_t *filled = json_array();
	size_t hints = 0, fillable = 0;
	for (size_t s = 0; s < tpl->nsections; s++) {
		const tpl_section_t *sec = &tpl->sections[s];
		json_t *items = json_object_get(json_array_get(sections, s), "items");
		const char *group = "";
		for (size_t k = 0; k < sec->nitems; k++) {
			const tpl_item_t *it = &sec->items[k];
			if (it->heading)
				group = it->number;
			const prefill_item_t *pi = prefill_find(p, it->code);
			json_t *o = json_array_get(items, k);
			if (pi == NULL || it->col < 0 || o == NULL)
				continue;
			json_t *h = prefill_json(a, pi, r, 1);
			hints++;
			if (pi->ncounted > 0 &&
			    (!r->has[it->col] || r->num[it->col] != pi->value)) {
				fillable++;
				if (fill) {
					const char *v = app_fmt_count(a, pi->value);
					json_object_set_new(o, "value", json_string(v));
					json_object_set_new(h, "prefilled", json_true());
					num[it->col] = pi->value;
					has[it->col] = 1;
					json_array_append_new(
					        filled,
					        json_pack("{s:s,s:s,s:s}", "group",
					                  *it->number ? it->number : group, "label",
					                  line_name(a, sec, k), "value", v));
				}
			}
			json_object_set_new(o, "prefill", h);
		}
		if (fill && json_array_size(filled) && !sec->narrative)
			group_totals(tpl, sec, num, has, items); /* with the filled values */
	}
	json_object_set_new(ctx, "prefill_hints", json_integer((json_int_t)hints));
	json_object_set_new(ctx, "can_prefill", json_boolean(editable && fillable && !fill));
	if (fill && json_array_size(filled))
		json_object_set_new(ctx, "prefill_done",
		                    json_pack("{s:I,s:o}", "n", (json_int_t)json_array_size(filled),
		                              "lines", filled));
	else {
		json_decref(filled);
		if (fill)
			json_object_set_new(ctx, "prefill_same", json_true());
	}
	prefill_free(p);
}

static int
render_report(http_req_t *req, live_campaign_t *lc, int32_t i, const rep_report_t *r,
              const form_state_t *fs, int status, const char *ok)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	const template_t *tpl = lc->c->tpl;
	int level = is_level(t, i);
	size_t nc = tpl->ncols ? tpl->ncols : 1;
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	int can_edit = access_allowed(t, g, ng, ACT_REPORT_EDIT, i);
	int can_submit = access_allowed(t, g, ng, ACT_REPORT_SUBMIT, i);
	int can_review = access_allowed(t, g, ng, ACT_REPORT_REVIEW, i);
	int editable = can_edit && !locked(r->status);
	int64_t *tot = arena_alloc(a, nc * sizeof *tot);
	rollup_subtree(lc->ru, t, i, 0, tot, NULL);
	const int64_t *num = fs ? fs->num : r->num;
	const unsigned char *has = fs ? fs->has : r->has;
	const char **text = fs ? fs->text : r->text;
	if (level && editable && !fs)
		consolidate(req, lc, i, text);
	/* a level's figures as forwarded, against today's totals */
	int64_t *frozen = arena_alloc(a, nc * sizeof *frozen);
	memset(frozen, 0, nc * sizeof *frozen);
	frozen_ctx_t fz = {tpl, frozen, 0};
	if (level && r->exists)
		store_report_frozen(((app_t *)http_req_app(req))->store, r->id, frozen_value, &fz);
	int changed = 0;
	json_t *sections = json_array();
	size_t idx = 0;
	for (size_t s = 0; s < tpl->nsections; s++) {
		const tpl_section_t *sec = &tpl->sections[s];
		json_t *items = json_array();
		for (size_t k = 0; k < sec->nitems; k++, idx++) {
			const tpl_item_t *it = &sec->items[k];
			json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:b,s:b,s:b}", "code",
			                      it->code, "number", it->number, "label", it->label,
			                      "unit", it->unit, "help", it->help, "heading",
			                      it->heading, "required", it->required, "is_bool",
			                      it->type == TPL_BOOL, "is_text", it->tcol >= 0,
			                      "is_num", it->col >= 0 && it->type != TPL_BOOL);
			json_object_set_new(o, "name", json_sprintf("v.%s", it->code));
			if (it->col >= 0) {
				const char *v = fs && fs->typed[idx] ? fs->typed[idx] : NULL;
				if (!v && has[it->col]) {
					buf_t b = BUF_INIT;
					text_format_int(num[it->col], &b);
					v = arena_strdup(a, buf_cstr(&b));
					buf_free(&b);
				}
				json_object_set_new(o, "value", json_string(v ? v : ""));
				json_object_set_new(o, "yes",
				                    json_boolean(has[it->col] && num[it->col]));
				json_object_set_new(o, "no",
				                    json_boolean(has[it->col] && !num[it->col]));
				json_object_set_new(o, "total", fmt_int(tot[it->col]));
				if (fz.any && frozen[it->col] != tot[it->col]) {
					json_object_set_new(o, "frozen", fmt_int(frozen[it->col]));
					changed = 1;
				}
			} else if (it->tcol >= 0) {
				const char *v = text[it->tcol];
				json_object_set_new(o, "value", json_string(v ? v : ""));
			}
			if (fs && fs->errors[idx])
				json_object_set_new(o, "error", json_string(fs->errors[idx]));
			json_array_append_new(items, o);
		}
		group_totals(tpl, sec, level ? tot : num, level ? NULL : has, items);
		json_array_append_new(sections,
		                      json_pack("{s:s,s:s,s:b,s:o}", "number", sec->number, "title",
		                                sec->title, "narrative", sec->narrative, "items",
		                                items));
	}
	json_t *ctx = json_object();
	json_object_set_new(ctx, "campaign", campaign_json(req, lc->c));
	json_object_set_new(ctx, "unit", app_unit_json(t, i));
	json_object_set_new(ctx, "path", app_unit_path_json(t, i));
	json_object_set_new(ctx, "sections", sections);
	json_object_set_new(ctx, "level", json_boolean(level));
	json_object_set_new(ctx, "status", json_string(r->status));
	json_object_set_new(ctx, "status_name", json_string(rep_status_name(r->status)));
	json_object_set_new(ctx, "version", json_integer(r->version));
	json_object_set_new(ctx, "editable", json_boolean(editable));
	json_object_set_new(ctx, "can_submit", json_boolean(editable && can_submit));
	json_object_set_new(ctx, "can_return",
	                    json_boolean(can_review && !strcmp(r->status, "submitted")));
	json_object_set_new(ctx, "can_approve",
	                    json_boolean(can_review && !strcmp(r->status, "submitted")));
	json_object_set_new(ctx, "can_reopen",
	                    json_boolean(can_review && !strcmp(r->status, "approved")));
	json_object_set_new(ctx, "changed", json_boolean(changed));
	json_object_set_new(
	        ctx, "can_resubmit",
	        json_boolean(level && changed && can_submit && !strcmp(r->status, "submitted")));
	json_object_set_new(ctx, "on_behalf", json_boolean(r->on_behalf));
	json_object_set_new(ctx, "updated", json_string(app_fmt_time(a, r->updated_at)));
	int32_t due = campaign_due(lc->c, t, i);
	json_object_set_new(ctx, "due", json_string(app_fmt_date(a, due)));
	if (*r->comment && !strcmp(r->status, "returned"))
		json_object_set_new(ctx, "comment", json_string(r->comment));
	if (fs && fs->nerrors)
		json_object_set_new(ctx, "errors", json_integer(fs->nerrors));
	if (fs && fs->form_error)
		json_object_set_new(ctx, "form_error", json_string(fs->form_error));
	if (ok)
		json_object_set_new(ctx, "ok", json_string(ok));
	json_t *photos = rep_photos_json(req, lc->c->id, t->units[i].code, r->exists ? r->id : 0);
	json_object_set_new(ctx, "has_photos", json_boolean(json_array_size(photos) > 0));
	json_object_set_new(ctx, "photos", photos);
	json_object_set_new(ctx, "can_add_photo", json_boolean(editable && !level));
	const char *pf = fs ? NULL : http_req_param(req, "prefill");
	attach_prefill(req, lc, i, r, editable, pf && !strcmp(pf, "1"), sections, ctx);
	char *title = arena_printf(a, "Báo cáo — %s", t->units[i].name);
	return app_render_page(req, status, "report", title, ctx);
}

static const char *
saved_message(const char *done)
{
	if (!done)
		return NULL;
	if (!strcmp(done, "save"))
		return "Đã lưu bản nháp.";
	if (!strcmp(done, "submit"))
		return "Đã nộp báo cáo. Báo cáo bị khóa cho đến khi cấp trên trả lại.";
	if (!strcmp(done, "return"))
		return "Đã trả lại báo cáo kèm nhận xét; đơn vị có thể sửa và nộp lại.";
	if (!strcmp(done, "approve"))
		return "Đã duyệt báo cáo.";
	if (!strcmp(done, "reopen"))
		return "Đã mở lại báo cáo để đơn vị sửa.";
	if (!strcmp(done, "photo"))
		return "Đã thêm ảnh.";
	if (!strcmp(done, "photo_deleted"))
		return "Đã xóa ảnh.";
	return NULL;
}

static json_t *
report_json(live_campaign_t *lc, const unit_tree_t *t, int32_t i, const rep_report_t *r)
{
	const template_t *tpl = lc->c->tpl;
	json_t *vals = json_object();
	for (size_t s = 0; s < tpl->nsections; s++)
		for (size_t k = 0; k < tpl->sections[s].nitems; k++) {
			const tpl_item_t *it = &tpl->sections[s].items[k];
			if (it->col >= 0 && r->has[it->col])
				json_object_set_new(vals, it->code,
				                    it->type == TPL_BOOL
				                            ? json_boolean(r->num[it->col])
				                            : json_integer(r->num[it->col]));
			else if (it->tcol >= 0 && r->text[it->tcol])
				json_object_set_new(vals, it->code, json_string(r->text[it->tcol]));
		}
	return json_pack("{s:I,s:s,s:s,s:I,s:b,s:o}", "campaign", (json_int_t)lc->c->id, "unit",
	                 t->units[i].code, "status", *r->status ? r->status : "none", "version",
	                 (json_int_t)r->version, "on_behalf", r->on_behalf, "values", vals);
}

int
page_report(http_req_t *req)
{
	live_campaign_t *lc = rep_report_campaign(req);
	if (!lc)
		return 0;
	int32_t i = req_unit(req);
	rep_report_t r;
	if (rep_read(req, lc, i, &r) < 0)
		return 500;
	if (is_api(req)) {
		json_t *o = report_json(lc, app_req_tree(req), i, &r);
		json_object_set_new(o, "prefill", prefill_api(req, lc, i, &r));
		return app_reply_json(req, 200, o);
	}
	return render_report(req, lc, i, &r, NULL, 200, saved_message(http_req_param(req, "done")));
}

/* Read the posted values (form fields "v.<code>", or JSON {"values": {...}}) into fs.
 * Unknown names are refused: the template is the list of accepted fields. */
static int
collect(http_req_t *req, live_campaign_t *lc, int level, form_state_t *fs, json_t **json_out)
{
	const template_t *tpl = lc->c->tpl;
	arena_t *a = http_req_arena(req);
	size_t n = item_count(tpl), nc = tpl->ncols ? tpl->ncols : 1;
	memset(fs, 0, sizeof *fs);
	fs->num = arena_alloc(a, nc * sizeof *fs->num);
	fs->has = arena_alloc(a, nc);
	fs->text = arena_alloc(a, (tpl->ntexts + 1) * sizeof *fs->text);
	fs->typed = arena_alloc(a, (n + 1) * sizeof *fs->typed);
	fs->errors = arena_alloc(a, (n + 1) * sizeof *fs->errors);
	memset(fs->num, 0, nc * sizeof *fs->num);
	memset(fs->has, 0, nc);
	memset(fs->text, 0, (tpl->ntexts + 1) * sizeof *fs->text);
	memset(fs->typed, 0, (n + 1) * sizeof *fs->typed);
	memset(fs->errors, 0, (n + 1) * sizeof *fs->errors);
	size_t blen;
	const char *body = http_req_body(req, &blen);
	json_t *jv = NULL;
	http_kv_t *kv = NULL;
	size_t nkv = 0;
	if (is_api(req)) {
		json_error_t je;
		json_t *doc = body ? json_loadb(body, blen, JSON_REJECT_DUPLICATES, &je) : NULL;
		jv = doc ? json_object_get(doc, "values") : NULL;
		if (doc && !jv && json_object_size(doc) == 0)
			jv = doc; /* {} = no values */
		if (!json_is_object(jv)) {
			json_decref(doc);
			fs->form_error =
			        "Nội dung phải là JSON dạng {\"values\": {\"mã mục\": giá trị}}.";
			return 400;
		}
		*json_out = doc;
	} else if (body && blen) {
		const char *why;
		if (http_form_parse(body, blen, a, &kv, &nkv, &why) < 0) {
			fs->form_error = why;
			return 400;
		}
	}
	/* every posted name must be an item of the template */
	const char *unknown = NULL;
	if (jv) {
		const char *key;
		json_t *v;
		json_object_foreach(jv, key, v) if (!template_item(tpl, key)) unknown = key;
	}
	for (size_t k = 0; k < nkv; k++)
		if (!strncmp(kv[k].name, "v.", 2) && !template_item(tpl, kv[k].name + 2))
			unknown = kv[k].name + 2;
	if (unknown) {
		fs->form_error = arena_printf(
		        a, "Mục \"%.60s\" không có trong mẫu báo cáo của đợt này.", unknown);
		return 400;
	}
	size_t idx = 0;
	for (size_t s = 0; s < tpl->nsections; s++)
		for (size_t k = 0; k < tpl->sections[s].nitems; k++, idx++) {
			const tpl_item_t *it = &tpl->sections[s].items[k];
			const char *v = NULL;
			if (jv) {
				json_t *x = json_object_get(jv, it->code);
				if (json_is_integer(x))
					v = arena_printf(a, "%lld",
					                 (long long)json_integer_value(x));
				else if (json_is_boolean(x))
					v = json_is_true(x) ? "1" : "0";
				else if (json_is_string(x))
					v = json_string_value(x);
				else if (x && !json_is_null(x)) {
					fs->errors[idx] =
					        "Giá trị phải là số, đúng/sai hoặc chuỗi.";
					fs->nerrors++;
					continue;
				}
			} else {
				char name[80];
				snprintf(name, sizeof name, "v.%s", it->code);
				for (size_t q = 0; q < nkv && !v; q++)
					if (!strcmp(kv[q].name, name))
						v = kv[q].value;
			}
			if (v == NULL)
				continue;
			if (it->tcol >= 0) {
				if (strlen(v) > MAX_TEXT) {
					fs->errors[idx] =
					        "Nội dung dài quá 20.000 byte; hãy viết ngắn lại.";
					fs->nerrors++;
				} else if (*v)
					fs->text[it->tcol] = v;
				continue;
			}
			if (it->col < 0 || (level && it->type != TPL_TEXT))
				continue; /* a level's figures are its subtree's totals, not typed
				           */
			fs->typed[idx] = v;
			char err[300];
			int has;
			if (template_parse_value(it, v, &fs->num[it->col], &has, err, sizeof err) <
			    0) {
				fs->errors[idx] = arena_strdup(a, err);
				fs->nerrors++;
			} else
				fs->has[it->col] = (unsigned char)has;
		}
	return fs->nerrors ? 400 : 0;
}

/* Relations, limits and (on submit) required items, into fs->errors. */
static void
check(live_campaign_t *lc, int submitting, int level, form_state_t *fs, arena_t *a)
{
	const template_t *tpl = lc->c->tpl;
	tpl_error_t errs[64];
	tpl_values_t v = {fs->num, fs->has, fs->text};
	size_t n = template_check(tpl, &v, submitting, errs, 64);
	for (size_t k = 0; k < n; k++) {
		const tpl_item_t *it = errs[k].item ? template_item(tpl, errs[k].item) : NULL;
		if (level && it && it->col >= 0)
			continue; /* computed figures */
		if (it) {
			size_t idx = item_index(tpl, it);
			if (!fs->errors[idx]) {
				fs->errors[idx] = arena_strdup(a, errs[k].msg);
				fs->nerrors++;
			}
		} else if (!fs->form_error)
			fs->form_error = arena_strdup(a, errs[k].msg);
	}
}

static int
reply_error(http_req_t *req, live_campaign_t *lc, int32_t i, const rep_report_t *r,
            form_state_t *fs, int status, json_t *doc)
{
	json_decref(doc);
	if (is_api(req)) {
		const template_t *tpl = lc->c->tpl;
		json_t *fields = json_object();
		size_t idx = 0;
		for (size_t s = 0; s < tpl->nsections; s++)
			for (size_t k = 0; k < tpl->sections[s].nitems; k++, idx++)
				if (fs->errors[idx])
					json_object_set_new(fields, tpl->sections[s].items[k].code,
					                    json_string(fs->errors[idx]));
		const char *msg = fs->form_error
		                          ? fs->form_error
		                          : "Có mục chưa hợp lệ; xem \"fields\". Không có gì "
		                            "được lưu.";
		json_t *e = json_pack("{s:{s:i,s:s,s:o}}", "error", "status", status, "message",
		                      msg, "fields", fields);
		return app_reply_json(req, status, e);
	}
	return render_report(req, lc, i, r, fs, status, NULL);
}

static int
redirect_done(http_req_t *req, live_campaign_t *lc, int32_t i, const char *done)
{
	if (is_api(req)) {
		rep_report_t r;
		if (rep_read(req, lc, i, &r) < 0)
			return 500;
		return app_reply_json(req, 200, report_json(lc, app_req_tree(req), i, &r));
	}
	char *loc = arena_printf(http_req_arena(req), "/campaigns/%lld/units/%s/report?done=%s",
	                         (long long)lc->c->id, app_req_tree(req)->units[i].code, done);
	return http_redirect(req, 303, loc);
}

/* Save (draft) or submit: the values of the form; levels also freeze their totals. */
static int
write_report(http_req_t *req, int submitting)
{
	live_campaign_t *lc = rep_report_campaign(req);
	if (!lc)
		return 0;
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = req_unit(req);
	int level = is_level(t, i);
	rep_report_t r;
	if (rep_read(req, lc, i, &r) < 0)
		return 500;
	form_state_t fs;
	json_t *doc = NULL;
	const char *vp = http_req_param(req, "version");
	int64_t version = r.version;
	if (vp && *vp && text_parse_int(vp, strlen(vp), &version) < 0)
		version = -1;
	int st = collect(req, lc, level, &fs, &doc);
	if (doc) { /* the API sends the version inside the document */
		json_t *jv = json_object_get(doc, "version");
		if (json_is_integer(jv))
			version = json_integer_value(jv);
	}
	if (st)
		return reply_error(req, lc, i, &r, &fs, st, doc);
	const char *reason = http_req_param(req, "reason");
	int resubmit = level && submitting && !strcmp(r.status, "submitted");
	if (strcmp(lc->c->status, "open") != 0) {
		fs.form_error = "Đợt báo cáo này chưa mở hoặc đã đóng; không nhận báo cáo.";
		return reply_error(req, lc, i, &r, &fs, 409, doc);
	}
	if (locked(r.status) && !resubmit) {
		fs.form_error =
		        "Báo cáo đã nộp nên bị khóa. Muốn sửa, cấp trên cần trả lại hoặc mở lại "
		        "báo cáo.";
		return reply_error(req, lc, i, &r, &fs, 409, doc);
	}
	if (resubmit && (!reason || strlen(reason) < 5)) {
		fs.form_error = "Nộp lại số liệu đã thay đổi cần ghi rõ lý do (ít nhất 5 ký tự).";
		return reply_error(req, lc, i, &r, &fs, 400, doc);
	}
	check(lc, submitting, level, &fs, a);
	if (fs.nerrors || fs.form_error)
		return reply_error(req, lc, i, &r, &fs, 400, doc);
	json_decref(doc);
	if (resubmit) {
		/* keep the narrative already submitted unless new text came */
		for (size_t k = 0; k < lc->c->tpl->ntexts; k++)
			if (!fs.text[k])
				fs.text[k] = r.text[k];
	}
	const char *msg;
	st = rep_write(req, lc, i, &r, fs.num, fs.has, fs.text, submitting ? "submitted" : "draft",
	               resubmit     ? "resubmit"
	               : submitting ? "submit"
	                            : "save",
	               version, &msg);
	if (st) {
		if (!msg)
			return st;
		fs.form_error = msg;
		return reply_error(req, lc, i, &r, &fs, st, NULL);
	}
	if (level && submitting) {
		/* the figures forwarded upward, frozen as they are now */
		const template_t *tpl = lc->c->tpl;
		size_t nc = tpl->ncols ? tpl->ncols : 1;
		int64_t *tot = arena_alloc(a, nc * sizeof *tot);
		rollup_subtree(lc->ru, t, i, 0, tot, NULL);
		store_value_t *vals = arena_alloc(a, nc * sizeof *vals);
		for (size_t c = 0; c < tpl->ncols; c++)
			vals[c] = (store_value_t){template_item_col(tpl, (int)c)->code, 1, tot[c],
			                          ""};
		rep_report_t now;
		if (rep_read(req, lc, i, &now) == 0)
			store_report_freeze(((app_t *)http_req_app(req))->store, now.id, vals,
			                    tpl->ncols, app_now());
		if (resubmit) {
			store_report_event_t ev = {
			        0,     now.id, app_now(), app_req_user(req)->id, "resubmit.reason",
			        reason};
			store_report_event_add(((app_t *)http_req_app(req))->store, &ev);
		}
	}
	return redirect_done(req, lc, i, submitting ? "submit" : "save");
}

int
page_report_save(http_req_t *req)
{
	return write_report(req, 0);
}

int
page_report_submit(http_req_t *req)
{
	return write_report(req, 1);
}

/* Return (with a comment), approve, reopen: an upper level's review. */
static int
review(http_req_t *req, const char *event)
{
	live_campaign_t *lc = rep_report_campaign(req);
	if (!lc)
		return 0;
	int32_t i = req_unit(req);
	rep_report_t r;
	if (rep_read(req, lc, i, &r) < 0)
		return 500;
	const char *comment = http_req_param(req, "comment");
	const char *vp = http_req_param(req, "version");
	int64_t version = r.version;
	size_t blen;
	const char *body = http_req_body(req, &blen);
	if (is_api(req) && body && blen) {
		json_error_t je;
		json_t *doc = json_loadb(body, blen, 0, &je);
		json_t *c = json_object_get(doc, "comment"), *v = json_object_get(doc, "version");
		if (json_is_string(c))
			comment = arena_strdup(http_req_arena(req), json_string_value(c));
		if (json_is_integer(v))
			version = json_integer_value(v);
		json_decref(doc);
	} else if (vp && *vp && text_parse_int(vp, strlen(vp), &version) < 0)
		version = -1;
	const char *need = !strcmp(event, "reopen") ? "approved" : "submitted";
	const char *to = !strcmp(event, "approve") ? "approved" : "returned";
	form_state_t fs = {0};
	const template_t *tpl = lc->c->tpl;
	size_t n = item_count(tpl);
	fs.errors = arena_alloc(http_req_arena(req), (n + 1) * sizeof *fs.errors);
	memset(fs.errors, 0, (n + 1) * sizeof *fs.errors);
	if (strcmp(r.status, need) != 0) {
		fs.form_error =
		        !strcmp(event, "reopen")
		                ? "Chỉ mở lại được báo cáo đã duyệt."
		                : "Chỉ trả lại hoặc duyệt được báo cáo đã nộp (chưa duyệt).";
		return reply_error(req, lc, i, &r, &fs, 409, NULL);
	}
	if (!strcmp(event, "return") && (!comment || strlen(comment) < 3)) {
		fs.form_error = "Trả lại báo cáo cần nhận xét cho đơn vị biết phải sửa gì.";
		return reply_error(req, lc, i, &r, &fs, 400, NULL);
	}
	const char *msg;
	int st = rep_set_status(req, lc, i, &r, to, event, comment ? comment : "", version, &msg);
	if (st) {
		if (!msg)
			return st;
		fs.form_error = msg;
		return reply_error(req, lc, i, &r, &fs, st, NULL);
	}
	return redirect_done(req, lc, i, event);
}

int
page_report_return(http_req_t *req)
{
	return review(req, "return");
}

int
page_report_approve(http_req_t *req)
{
	return review(req, "approve");
}

int
page_report_reopen(http_req_t *req)
{
	return review(req, "reopen");
}

/* ---------- chase board ---------- */

typedef struct unit_state {
	char status[12]; /* "" = no report */
	int64_t updated_at, submitted_at;
} unit_state_t;

typedef struct states_ctx {
	const unit_tree_t *t;
	unit_state_t *st;
} states_ctx_t;

static int
state_row(const store_report_t *r, void *p)
{
	states_ctx_t *c = p;
	int32_t i = unit_tree_find_id(c->t, r->unit_id);
	if (i >= 0) {
		snprintf(c->st[i].status, sizeof c->st[i].status, "%s", r->status);
		c->st[i].updated_at = r->updated_at;
		c->st[i].submitted_at = r->submitted_at;
	}
	return 0;
}

/* Every unit's report state for the campaign, by tree index (request arena). */
static unit_state_t *
load_states(http_req_t *req, live_campaign_t *lc)
{
	const unit_tree_t *t = app_req_tree(req);
	unit_state_t *st = arena_alloc(http_req_arena(req), (size_t)t->n * sizeof *st);
	memset(st, 0, (size_t)t->n * sizeof *st);
	states_ctx_t c = {t, st};
	app_t *app = http_req_app(req);
	store_reports_of_campaign(app->store, lc->c->id, state_row, &c);
	/* units under an adoption report there; deeper adoptions come later and win */
	int64_t *ids, *issuers;
	size_t n;
	if (campaign_adoptions(app->store, lc->c->id, &ids, &issuers, &n) == 0) {
		for (size_t k = 0; k < n; k++)
			store_reports_of_campaign(app->store, ids[k], state_row, &c);
		free(ids);
		free(issuers);
	}
	return st;
}

enum { K_MISSING, K_ONTIME, K_LATE, K_RETURNED, K_APPROVED, K_N };
static const char *const k_names[K_N] = {"Chưa nộp", "Nộp đúng hạn", "Nộp muộn", "Bị trả lại",
                                         "Đã duyệt"};

static int
kind_of(const unit_state_t *s, int32_t due)
{
	if (!strcmp(s->status, "returned"))
		return K_RETURNED;
	if (!rep_counted(s->status))
		return K_MISSING;
	int late = due > 0 && s->submitted_at > (int64_t)(due + 1) * 86400 - VN_OFFSET;
	if (!strcmp(s->status, "approved"))
		return late ? K_LATE : K_APPROVED;
	return late ? K_LATE : K_ONTIME;
}

int
page_chase(http_req_t *req)
{
	live_campaign_t *lc = rep_campaign(req);
	if (!lc)
		return 0;
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = req_unit(req);
	unit_state_t *st = load_states(req, lc);
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	int64_t counts[K_N] = {0}, expected = 0;
	json_t *missing = json_array();
	int32_t today = (int32_t)((app_now() + VN_OFFSET) / 86400);
	for (int32_t k = i; k < t->units[i].end; k++) {
		if (!campaign_expects(lc->c, t, k))
			continue;
		expected++;
		int32_t due = campaign_due(lc->c, t, k);
		int kd = kind_of(&st[k], due);
		counts[kd]++;
		if ((kd == K_MISSING || kd == K_RETURNED) && json_array_size(missing) < 500) {
			json_t *o = app_unit_json(t, k);
			json_object_set_new(o, "state", json_string(k_names[kd]));
			json_object_set_new(o, "status_name",
			                    json_string(rep_status_name(st[k].status)));
			json_object_set_new(o, "last",
			                    json_string(app_fmt_time(a, st[k].updated_at)));
			json_object_set_new(o, "due", json_string(app_fmt_date(a, due)));
			if (due)
				json_object_set_new(o, "days_left", json_integer(due - today));
			json_object_set_new(
			        o, "can_remind",
			        json_boolean(access_allowed(t, g, ng, ACT_REPORT_REVIEW, k)));
			json_array_append_new(missing, o);
		}
	}
	/* per child: its own state when it reports, else the counts of its subtree */
	json_t *kids = json_array();
	for (int32_t j = i + 1; j < t->units[i].end; j = t->units[j].end) {
		int64_t c[K_N] = {0}, e = 0;
		int64_t last = 0;
		for (int32_t k = j; k < t->units[j].end; k++) {
			if (!campaign_expects(lc->c, t, k))
				continue;
			e++;
			c[kind_of(&st[k], campaign_due(lc->c, t, k))]++;
			if (st[k].updated_at > last)
				last = st[k].updated_at;
		}
		if (e == 0)
			continue;
		json_t *o = app_unit_json(t, j);
		json_object_set_new(o, "expected", json_integer(e));
		json_object_set_new(o, "submitted",
		                    json_integer(c[K_ONTIME] + c[K_LATE] + c[K_APPROVED]));
		json_object_set_new(o, "late", json_integer(c[K_LATE]));
		json_object_set_new(o, "missing", json_integer(c[K_MISSING]));
		json_object_set_new(o, "returned", json_integer(c[K_RETURNED]));
		json_object_set_new(o, "last", json_string(app_fmt_time(a, last)));
		if (campaign_expects(lc->c, t, j))
			json_object_set_new(o, "status_name",
			                    json_string(rep_status_name(st[j].status)));
		json_array_append_new(kids, o);
	}
	json_t *o = json_object();
	json_object_set_new(o, "campaign", campaign_json(req, lc->c));
	json_object_set_new(o, "unit", app_unit_json(t, i));
	json_object_set_new(o, "path", app_unit_path_json(t, i));
	json_object_set_new(o, "expected", json_integer(expected));
	json_object_set_new(o, "on_time", json_integer(counts[K_ONTIME] + counts[K_APPROVED]));
	json_object_set_new(o, "approved", json_integer(counts[K_APPROVED]));
	json_object_set_new(o, "late", json_integer(counts[K_LATE]));
	json_object_set_new(o, "missing", json_integer(counts[K_MISSING]));
	json_object_set_new(o, "returned", json_integer(counts[K_RETURNED]));
	json_object_set_new(o, "children", kids);
	json_object_set_new(o, "not_in", missing);
	if (is_api(req))
		return app_reply_json(req, 200, o);
	const char *done = http_req_param(req, "done");
	if (done && !strcmp(done, "remind"))
		json_object_set_new(o, "ok", json_string("Đã ghi nhắc nhở."));
	char *title = arena_printf(a, "Theo dõi nộp báo cáo — %s", t->units[i].name);
	return app_render_page(req, 200, "chase", title, o);
}

int
page_remind(http_req_t *req)
{
	live_campaign_t *lc = rep_campaign(req);
	if (!lc)
		return 0;
	const unit_tree_t *t = app_req_tree(req);
	int32_t i = req_unit(req);
	const char *note = http_req_param(req, "note");
	if (note && strlen(note) > 500)
		note = NULL;
	store_reminder_t r = {
	        0, lc->c->id, t->units[i].id, app_now(), app_req_user(req)->id, note ? note : ""};
	if (store_reminder_add(((app_t *)http_req_app(req))->store, &r) < 0)
		return 500;
	app_audit(req, t, i, "report.remind",
	          arena_printf(http_req_arena(req), "%lld:", (long long)lc->c->id), NULL, note);
	if (is_api(req))
		return app_reply_json(req, 201, json_pack("{s:b}", "reminded", 1));
	int32_t back = t->units[i].parent >= 0 ? t->units[i].parent : i;
	const char *b = http_req_param(req, "back");
	int32_t bi = b ? unit_tree_find_code(t, b) : -1;
	if (bi >= 0 && unit_tree_contains(t, bi, i))
		back = bi;
	return http_redirect(req, 303,
	                     arena_printf(http_req_arena(req),
	                                  "/campaigns/%lld/units/%s/status?done=remind",
	                                  (long long)lc->c->id, t->units[back].code));
}

/* Count-downs for the home page: each of the user's units that must report in an open
 * campaign and has not submitted yet. */
typedef struct home_ctx {
	http_req_t *req;
	json_t *rows;
} home_ctx_t;

static int
home_campaign(const store_campaign_t *sc, void *p)
{
	home_ctx_t *h = p;
	if (strcmp(sc->status, "open") != 0)
		return 0;
	http_req_t *req = h->req;
	app_t *app = http_req_app(req);
	app_user_t *u = app_req_user(req);
	const unit_tree_t *t = app_req_tree(req);
	campaign_t *c;
	char err[300];
	if (campaign_load(app->store, sc->id, &c, err, sizeof err) != 1)
		return 0;
	int32_t today = (int32_t)((app_now() + VN_OFFSET) / 86400);
	for (size_t k = 0; k < u->nroles; k++) {
		int32_t i = unit_tree_find_id(t, u->roles[k].unit_id);
		if (i < 0 || !campaign_expects(c, t, i) ||
		    campaign_effective(app->store, t, c->id, i) != c->id)
			continue;
		/* this unit's report status (no roll-up needed for that) */
		rep_report_t r;
		live_campaign_t tmp = {.c = c};
		if (rep_read(req, &tmp, i, &r) < 0 || rep_counted(r.status))
			continue;
		int32_t due = campaign_due(c, t, i);
		json_t *o =
		        json_pack("{s:I,s:s,s:s,s:s,s:s}", "campaign_id", (json_int_t)c->id,
		                  "campaign", c->name, "unit_code", t->units[i].code, "unit_name",
		                  t->units[i].name, "status_name", rep_status_name(r.status));
		if (due) {
			json_object_set_new(o, "due",
			                    json_string(app_fmt_date(http_req_arena(req), due)));
			json_object_set_new(o, "days_left", json_integer(due - today));
			json_object_set_new(o, "overdue", json_boolean(due < today));
		}
		json_array_append_new(h->rows, o);
	}
	campaign_free(c);
	return 0;
}

json_t *
rep_home_countdowns(http_req_t *req)
{
	home_ctx_t h = {req, json_array()};
	if (app_req_user(req))
		store_campaigns_each(((app_t *)http_req_app(req))->store, home_campaign, &h);
	return h.rows;
}

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
	if (rep_read(req, lc, i, &r) < 0)
		return -1;
	int64_t *tot = arena_alloc(a, nc * sizeof *tot), nrep = 1;
	unsigned char *has = arena_alloc(a, nc);
	const int64_t *num = r.num;
	if (is_level(t, i)) {
		rollup_subtree(lc->ru, t, i, 0, tot, &nrep);
		memset(has, 1, nc);
		num = tot;
		consolidate(req, lc, i, r.text);
	} else
		memcpy(has, r.has, nc);
	int level = is_level(t, i);
	*p = (phuluc_t){
	        .tpl = tpl,
	        .unit_name = t->units[i].name,
	        .scope_note =
	                level ? arena_printf(a, "Tổng hợp %lld báo cáo đã nộp", (long long)nrep)
	                      : NULL,
	        .num = num,
	        .has = has,
	        .text = r.text,
	        .nreports = level ? nrep : 1,
	};
	return 0;
}

int
rep_phuluc(http_req_t *req, int64_t campaign_id, int32_t unit, phuluc_t *p)
{
	int status;
	live_campaign_t *lc = rep_campaign_by_id(req, campaign_id, &status);
	if (lc == NULL)
		return status == 404 ? 0 : -1;
	return build_phuluc(req, lc, unit, p) < 0 ? -1 : 1;
}

int
page_export_phuluc(http_req_t *req)
{
	live_campaign_t *lc = rep_campaign(req);
	if (!lc)
		return 0;
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = req_unit(req);
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

/* The per-unit export's rows, made one at a time as the table writer asks: names from the
 * tree, states as loaded, numbers from the live roll-up as integers (no string per cell). */
typedef struct matrix_rows {
	const unit_tree_t *t;
	const live_campaign_t *lc;
	const unit_state_t *st;
	const int32_t *units; /* tree index of each row */
	size_t nitems;        /* template columns, after the four text ones */
	int64_t *own;
	unsigned char *has;
} matrix_rows_t;

static void
matrix_row(void *ctx, size_t r, table_cell_t *row)
{
	const matrix_rows_t *m = ctx;
	const unit_t *u = &m->t->units[m->units[r]];
	row[0] = (table_cell_t){TABLE_TEXT, u->code, 0};
	row[1] = (table_cell_t){TABLE_TEXT, u->name, 0};
	row[2] = (table_cell_t){TABLE_TEXT, u->parent >= 0 ? m->t->units[u->parent].name : "", 0};
	row[3] = (table_cell_t){TABLE_TEXT, rep_status_name(m->st[m->units[r]].status), 0};
	int any = rollup_own(m->lc->ru, m->units[r], 1, m->own, m->has);
	for (size_t c = 0; c < m->nitems; c++)
		row[4 + c] = any && m->has[c] ? (table_cell_t){TABLE_INT, NULL, m->own[c]}
		                              : (table_cell_t){TABLE_EMPTY, NULL, 0};
}

int
page_export_matrix(http_req_t *req)
{
	live_campaign_t *lc = rep_campaign(req);
	if (!lc)
		return 0;
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = req_unit(req);
	const template_t *tpl = lc->c->tpl;
	const char *fmt = http_req_param(req, "format");
	int csv = fmt && !strcmp(fmt, "csv");
	size_t ncols = 4 + tpl->ncols;
	const char **header = arena_alloc(a, ncols * sizeof *header);
	header[0] = "Mã đơn vị";
	header[1] = "Đơn vị";
	header[2] = "Thuộc";
	header[3] = "Trạng thái";
	for (size_t c = 0; c < tpl->ncols; c++) {
		const tpl_item_t *it = template_item_col(tpl, (int)c);
		header[4 + c] =
		        *it->number ? arena_printf(a, "%s. %s", it->number, it->label) : it->label;
	}
	/* one row per unit expected to report in the subtree; the cells come later, row by
	 * row, from matrix_row */
	int32_t *units = arena_alloc(a, (size_t)(t->units[i].end - i) * sizeof *units);
	size_t rows = 0;
	for (int32_t k = i; k < t->units[i].end; k++)
		if (campaign_expects(lc->c, t, k) && !is_level(t, k))
			units[rows++] = k;
	matrix_rows_t m = {t,
	                   lc,
	                   load_states(req, lc),
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
	buf_t out = BUF_INIT;
	char err[300];
	int rc = 0;
	if (csv)
		table_write_csv_rows(&tb, matrix_row, &m, &out);
	else
		rc = table_write_xlsx_rows(&tb, matrix_row, &m, &out, err, sizeof err);
	if (rc < 0) {
		buf_free(&out);
		app_error_page(req, 400, err);
		return 0;
	}
	http_resp_header(req, "Content-Disposition",
	                 arena_printf(a, "attachment; filename=\"so-lieu-%d-%s.%s\"", lc->c->year,
	                              t->units[i].code, csv ? "csv" : "xlsx"));
	return http_reply_buf(
	        req, 200,
	        csv ? "text/csv; charset=utf-8"
	            : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	        &out);
}

/* Campaigns whose issuer's subtree holds unit i, newest first, for the unit's page. */
typedef struct covering {
	http_req_t *req;
	int32_t unit;
	json_t *rows;
} covering_t;

static int
covering_row(const store_campaign_t *c, void *p)
{
	covering_t *cv = p;
	const unit_tree_t *t = app_req_tree(cv->req);
	int32_t issuer = unit_tree_find_id(t, c->issuer_unit_id);
	if (issuer < 0 || !unit_tree_contains(t, issuer, cv->unit) || !strcmp(c->status, "draft"))
		return 0;
	json_array_append_new(cv->rows, json_pack("{s:I,s:s,s:i,s:b}", "id", (json_int_t)c->id,
	                                          "name", c->name, "year", c->year, "open",
	                                          !strcmp(c->status, "open")));
	return 0;
}

json_t *
rep_campaigns_covering(http_req_t *req, int32_t unit)
{
	covering_t cv = {req, unit, json_array()};
	store_campaigns_each(((app_t *)http_req_app(req))->store, covering_row, &cv);
	return cv.rows;
}
