/* Pre-fill of the results form from the unit's recorded activities: the derived
 * figure, its sources and what was not counted, for the page and the API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/pagecache.h"
#include "app/report_pages.h"
#include "app/reporting.h"
#include "core/log.h"
#include "core/mem.h"
#include "text/text.h"

#include "docs/doc.h"
#include "domain/prefill.h"
#include "service/award_totals.h"
#include "service/reading.h"
#include "service/resources.h"

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

/* Published open learning resources count like held activities of the kind
 * RES_PREFILL_KIND (no activity has it: activity kinds are a fixed list), dated at the start of
 * their publication day (Vietnam time); only those the campaign period rule (res_counts_in) gives
 * to this campaign. */
typedef struct res_load {
	acts_load_t *l;
	const int64_t *ids;
	size_t nids;
	int year;
} res_load_t;

static int
res_row(const store_resource_t *r, void *p)
{
	res_load_t *rl = p;
	if (!res_counts_in(r, rl->ids, rl->nids, rl->year))
		return 0;
	store_activity_t s = {.id = r->id,
	                      .kind = RES_PREFILL_KIND,
	                      .title = r->title,
	                      .status = "held",
	                      .start_at = (int64_t)r->published_on * 86400 - VN_OFFSET,
	                      .actual = -1};
	return act_row(&s, rl->l);
}

/* Reading culture (docs/reading.md): the unit's library line (an establishment with a
 * shelf active in the year) and its online reading records, as held pseudo activities of
 * the kinds RD_PREFILL_LIBRARY and RD_PREFILL_ONLINE, dated at the start of their day. */
static int
rd_row(const rd_source_t *r, void *p)
{
	store_activity_t s = {.id = r->id,
	                      .kind = r->kind,
	                      .title = r->title,
	                      .status = "held",
	                      .start_at = (int64_t)r->day * 86400 - VN_OFFSET,
	                      .actual = r->actual};
	return act_row(&s, p);
}

static int
cmp_act(const void *x, const void *y)
{
	const prefill_activity_t *a = x, *b = y;
	if (a->start_at != b->start_at)
		return a->start_at < b->start_at ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

/* Decided awards (docs/awards.md) count like held activities of their category's pseudo
 * kind, dated on their decision's day, their money as the figure: "name — Quyết định số
 * 03/QĐ-UBND ngày 15/10/2022 của …". The decision's citation is made once per decision
 * (the rows come decision by decision). */
typedef struct award_load {
	acts_load_t *l;
	http_req_t *req;
	int levels_only; /* 1: only the decisions of localities (a level's own figures) */
	int64_t doc;     /* the decision whose citation is in cite */
	const char *cite;
} award_load_t;

static const char *
decision_cite(http_req_t *req, int64_t document_id, int64_t issuer_id)
{
	arena_t *a = http_req_arena(req);
	const unit_tree_t *t = app_req_tree(req);
	store_doc_t sd;
	doc_t *d = doc_load(req, document_id, &sd) == 1 ? doc_text(req, &sd) : NULL;
	if (d == NULL)
		return "Quyết định khen thưởng";
	int32_t k = unit_tree_find_id(t, issuer_id);
	buf_t b = BUF_INIT;
	doc_cite(d, k >= 0 ? doc_running_name(a, t->units[k].name, t->units[k].is_locality) : "",
	         &b);
	const char *out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

static int
award_row(const store_decided_award_t *aw, void *p)
{
	award_load_t *al = p;
	app_t *app = http_req_app(al->req);
	const unit_tree_t *t = app_req_tree(al->req);
	const char *kind = awd_kind(app->awards, aw->category);
	if (kind == NULL)
		return 0;
	if (al->levels_only) {
		int32_t k = unit_tree_find_id(t, aw->decider_unit_id);
		if (k < 0 || !t->units[k].is_locality)
			return 0;
	}
	if (aw->document_id != al->doc) {
		al->doc = aw->document_id;
		al->cite = decision_cite(al->req, aw->document_id, aw->decider_unit_id);
	}
	store_activity_t s = {
	        .id = aw->proposal_id,
	        .kind = kind,
	        .title = arena_printf(http_req_arena(al->req), "%s — %s", aw->name, al->cite),
	        .status = "held",
	        .start_at = (int64_t)aw->issued_on * 86400 - VN_OFFSET,
	        .actual = aw->amount};
	return act_row(&s, al->l);
}

/* A level's own figures from its decisions and its localities' below (the roll-up's extra
 * rows, service/award_totals.h): the awards, as sources of the lines they feed. */
static prefill_t *
level_awards(http_req_t *req, live_campaign_t *lc, int32_t i)
{
	app_t *app = http_req_app(req);
	const unit_tree_t *t = app_req_tree(req);
	int64_t *ids, *issuers;
	size_t n = 0;
	if (campaign_adoptions(app->store, lc->c->id, &ids, &issuers, &n) < 0)
		return NULL;
	int64_t *all = arena_alloc(http_req_arena(req), (n + 1) * sizeof *all);
	all[0] = lc->c->id;
	memcpy(all + 1, ids, n * sizeof *ids);
	free(ids);
	free(issuers);
	buf_t path = BUF_INIT;
	unit_tree_path(t, i, &path);
	acts_load_t l = {http_req_arena(req), NULL, 0, 0};
	award_load_t al = {&l, req, 1, 0, NULL};
	store_decided_query_t q = {.campaigns = all, .ncampaigns = n + 1, .path = buf_cstr(&path)};
	if (store_decided_awards(app->store, &q, award_row, &al) < 0)
		log_error("prefill: could not read the awards decided under %s", buf_cstr(&path));
	buf_free(&path);
	if (l.n == 0)
		return NULL;
	qsort(l.v, l.n, sizeof *l.v, cmp_act);
	return prefill_compute(lc->c->tpl, l.v, l.n);
}

/* The suggestions for unit i's own report from the activities it recorded in the campaign
 * or in the campaigns it adopts (the same Week), and from its own decided awards; for a
 * level (its figures are totals) the part of its totals its and its localities' decisions
 * gave. NULL when nothing feeds a line. Free with prefill_free; the activities live in the
 * request arena. */
static prefill_t *
unit_prefill(http_req_t *req, live_campaign_t *lc, int32_t i)
{
	const unit_tree_t *t = app_req_tree(req);
	if (rep_is_level(t, i)) {
		prefill_t *p = level_awards(req, lc, i);
		if (p && p->nitems == 0) {
			prefill_free(p);
			p = NULL;
		}
		return p;
	}
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
	res_load_t rl = {&l, ids, nids, lc->c->year};
	store_resource_query_t rq = {.path = buf_cstr(&path),
	                             .exact = 1,
	                             .status = "published",
	                             .limit = PREFILL_MAX_ACTS};
	if (store_resources_find(app->store, &rq, res_row, &rl, NULL) < 0)
		log_error("prefill: could not read the resources of %s", buf_cstr(&path));
	rd_ctx_t rc = {app->store, http_req_arena(req), t, app_now(), 0};
	if (rd_prefill_sources(&rc, i, lc->c->year, rd_row, &l) < 0)
		log_error("prefill: could not read the reading records of %s", buf_cstr(&path));
	award_load_t al = {&l, req, 0, 0, NULL};
	store_decided_query_t aq = {
	        .campaigns = ids, .ncampaigns = nids, .decider_id = t->units[i].id};
	if (store_decided_awards(app->store, &aq, award_row, &al) < 0)
		log_error("prefill: could not read the awards decided by %s", buf_cstr(&path));
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

static int
is_resource(const prefill_activity_t *a)
{
	return a->kind && strcmp(a->kind, RES_PREFILL_KIND) == 0;
}

static int
is_award(const award_catalog_t *cat, const prefill_activity_t *a)
{
	for (size_t k = 0; cat && a->kind && k < cat->ncategories; k++)
		if (!strcmp(cat->categories[k].kind, a->kind))
			return 1;
	return 0;
}

/* The key naming a source's id in the API, and the word counting them on the page. */
static const char *
source_key(const award_catalog_t *cat, const prefill_activity_t *a)
{
	if (is_award(cat, a))
		return "award";
	if (is_resource(a))
		return "resource";
	if (a->kind && !strcmp(a->kind, RD_PREFILL_LIBRARY))
		return "shelf";
	if (a->kind && !strcmp(a->kind, RD_PREFILL_ONLINE))
		return "reading";
	return "activity";
}

static const char *
source_word(const award_catalog_t *cat, const prefill_activity_t *a)
{
	const char *k = source_key(cat, a);
	return !strcmp(k, "award")      ? "khen thưởng theo quyết định"
	       : !strcmp(k, "resource") ? "học liệu"
	       : !strcmp(k, "shelf")    ? "cơ sở có thư viện, tủ sách"
	       : !strcmp(k, "reading")  ? "lần ghi đọc trực tuyến"
	                                : "hoạt động";
}

/* One line's suggestion with its sources, compared with the saved value: for the API
 * (numbers) or the page (formatted text). For a level (no typed value) the part of its
 * total that its and its localities' decisions gave. */
static json_t *
prefill_json(arena_t *a, const award_catalog_t *cat, const prefill_item_t *pi,
             const rep_report_t *r, int level, int page)
{
	int col = pi->item->col;
	int saved = !level && r->has[col] != 0;
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
			json_object_set_new(o, source_key(cat, s->act), json_integer(s->act->id));
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
		        json_string(
		                nskip ? arena_printf(a, "%zu hoạt động được tính, %zu không tính",
		                                     pi->ncounted, nskip)
		                      : arena_printf(a, "%zu %s", pi->ncounted,
		                                     pi->nsources
		                                             ? source_word(cat, pi->sources[0].act)
		                                             : "hoạt động")));
		int award = pi->nsources && is_award(cat, pi->sources[0].act);
		json_object_set_new(o, "from_label",
		                    json_string(level ? "Trong đó theo quyết định khen thưởng"
		                                : award ? "Từ quyết định khen thưởng"
		                                        : "Từ hoạt động đã ghi nhận"));
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
		if (level) /* already inside the level's total, not a suggestion */
			json_object_set_new(o, "part_of_total", json_true());
	}
	json_object_set_new(o, "differs", json_boolean(differs));
	return o;
}

/* The API's "prefill": {"item code": suggestion} ({} for a level or without activities). */
json_t *
prefill_api(http_req_t *req, live_campaign_t *lc, int32_t i, const rep_report_t *r)
{
	json_t *o = json_object();
	prefill_t *p = unit_prefill(req, lc, i);
	int level = rep_is_level(app_req_tree(req), i);
	const award_catalog_t *cat = ((app_t *)http_req_app(req))->awards;
	for (size_t k = 0; p && k < p->nitems; k++)
		json_object_set_new(
		        o, p->items[k].item->code,
		        prefill_json(http_req_arena(req), cat, &p->items[k], r, level, 0));
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
void
attach_prefill(http_req_t *req, live_campaign_t *lc, int32_t i, const rep_report_t *r, int editable,
               int fill, json_t *sections, json_t *ctx)
{
	prefill_t *p = unit_prefill(req, lc, i);
	if (p == NULL)
		return;
	const template_t *tpl = lc->c->tpl;
	arena_t *a = http_req_arena(req);
	int level = rep_is_level(app_req_tree(req), i);
	const award_catalog_t *cat = ((app_t *)http_req_app(req))->awards;
	size_t nc = tpl->ncols + 1;
	int64_t *num = arena_alloc(a, nc * sizeof *num);
	unsigned char *has = arena_alloc(a, nc);
	memcpy(num, r->num, nc * sizeof *num);
	memcpy(has, r->has, nc);
	fill = fill && editable && !level; /* a level's figures are its totals */
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
			json_t *h = prefill_json(a, cat, pi, r, level, 1);
			hints++;
			if (!level && pi->ncounted > 0 &&
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
			rep_group_totals(tpl, sec, num, has, items); /* with the filled values */
	}
	json_object_set_new(ctx, level ? "prefill_level" : "prefill_hints",
	                    json_integer((json_int_t)hints));
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
