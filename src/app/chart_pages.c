/* The dashboard's charts, drawn on the server (export/svg.h): the subtree's submissions by
 * day against the units expected, the deadline marked; one indicator by child unit
 * (chi_tieu=<item code>), against an earlier campaign through the merge map when with=<id>
 * is given (service/compare.h). Each is inline in the dashboard with its numbers as a
 * table (the text alternative), and alone as image/svg+xml under .../charts/.
 *
 * The numbers are the other pages': the progress chart's last day is the chase board's
 * count (rep_progress_count over the same states), the bars are rollup_subtree's totals
 * per child (the dashboard JSON's children[].totals), the earlier figures compare.h's. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/pagecache.h"
#include "core/mem.h"
#include "app/report_pages.h"
#include "app/reporting.h"
#include "core/buf.h"
#include "export/svg.h"
#include "service/compare.h"
#include "text/text.h"

#define MAX_DAYS 3660 /* a longer history starts 10 years before its end */

/* ---------- submissions by day ---------- */

typedef struct progress {
	int32_t day0, due;
	size_t nd;
	int64_t *expected, *submitted, *approved; /* [nd], cumulative at the end of each day */
	rep_progress_t now;                       /* the chase board's counts */
} progress_t;

/* The campaign's report states for the charts, shared by every page for STATES_SECONDS:
 * reading them is a pass over every report of the campaign (~30 ms nationally), and each
 * unit's charts would otherwise pay it (the chase board reads its own, always fresh). */
#define STATES_SECONDS 10
static struct {
	int64_t campaign_id, tree_generation, at;
	int32_t tree_from, n;
	rep_unit_state_t *st; /* malloc'd */
} states_cache;
static pthread_mutex_t states_mu = PTHREAD_MUTEX_INITIALIZER;

/* The states of units i..end-1 (st[k - i] is unit k's), copied from the shared array: a
 * province's charts copy its own ~1,100 units, not the nation's 71,000 (copying them all
 * on every drawing was half the HTML dashboards' time). */
static rep_unit_state_t *
shared_states(http_req_t *req, live_campaign_t *lc, int32_t i, int32_t end)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int64_t now = app_now();
	size_t n = (size_t)(end - i);
	rep_unit_state_t *out = arena_alloc(a, (n ? n : 1) * sizeof *out);
	pthread_mutex_lock(&states_mu);
	int hit = states_cache.st && states_cache.campaign_id == lc->c->id &&
	          states_cache.tree_generation == t->generation &&
	          states_cache.tree_from == t->from && states_cache.n == t->n &&
	          now - states_cache.at < STATES_SECONDS && now >= states_cache.at;
	if (hit)
		memcpy(out, states_cache.st + i, n * sizeof *out);
	pthread_mutex_unlock(&states_mu);
	if (hit)
		return out;
	rep_unit_state_t *fresh = rep_load_states(req, lc);
	memcpy(out, fresh + i, n * sizeof *out);
	rep_unit_state_t *copy = xmalloc((size_t)t->n * sizeof *copy);
	memcpy(copy, fresh, (size_t)t->n * sizeof *copy);
	pthread_mutex_lock(&states_mu);
	free(states_cache.st);
	states_cache.campaign_id = lc->c->id;
	states_cache.tree_generation = t->generation;
	states_cache.tree_from = t->from;
	states_cache.n = t->n;
	states_cache.at = now;
	states_cache.st = copy;
	pthread_mutex_unlock(&states_mu);
	return out;
}

static void
progress_build(http_req_t *req, live_campaign_t *lc, int32_t i, progress_t *p)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	const campaign_t *c = lc->c;
	int32_t end = t->units[i].end;
	rep_unit_state_t *st = shared_states(req, lc, i, end);
	rep_progress_count(c, t, st, i, end, &p->now);
	/* when each counted report was sent and each approved one approved (the last review
	 * of a report approved is its approval) */
	int32_t first = 0, last = 0, due = 0;
	for (int32_t k = i; k < end; k++) {
		if (!campaign_expects(c, t, k))
			continue;
		int32_t d = campaign_due(c, t, k);
		if (d > due)
			due = d;
		if (!rep_counted(st[k - i].status))
			continue;
		int64_t at = st[k - i].submitted_at ? st[k - i].submitted_at : st[k - i].updated_at;
		int32_t sd = chase_day(at);
		if (!first || sd < first)
			first = sd;
		if (sd > last)
			last = sd;
		if (!strcmp(st[k - i].status, "approved")) {
			int64_t rat = st[k - i].reviewed_at ? st[k - i].reviewed_at : at;
			int32_t ad = chase_day(rat);
			if (ad > last)
				last = ad;
		}
	}
	int32_t today = app_today();
	int32_t lo = c->start_date > 0 ? c->start_date : (first ? first : (due ? due : today));
	if (first && first < lo)
		lo = first;
	int32_t hi = lo;
	if (due > hi)
		hi = due;
	if (last > hi)
		hi = last;
	/* while the campaign runs the chart reaches today */
	if (today > hi && (c->end_date <= 0 || today <= c->end_date))
		hi = today;
	if (hi - lo >= MAX_DAYS)
		lo = hi - MAX_DAYS + 1;
	p->day0 = lo;
	p->due = due;
	p->nd = (size_t)(hi - lo + 1);
	p->expected = arena_alloc(a, p->nd * sizeof(int64_t));
	p->submitted = arena_alloc(a, p->nd * sizeof(int64_t));
	p->approved = arena_alloc(a, p->nd * sizeof(int64_t));
	memset(p->submitted, 0, p->nd * sizeof(int64_t));
	memset(p->approved, 0, p->nd * sizeof(int64_t));
	for (int32_t k = i; k < end; k++) {
		if (!campaign_expects(c, t, k) || !rep_counted(st[k - i].status))
			continue;
		int64_t at = st[k - i].submitted_at ? st[k - i].submitted_at : st[k - i].updated_at;
		int32_t sd = chase_day(at) - lo;
		p->submitted[sd < 0 ? 0 : sd]++;
		if (!strcmp(st[k - i].status, "approved")) {
			int32_t ad = chase_day(st[k - i].reviewed_at ? st[k - i].reviewed_at : at) - lo;
			p->approved[ad < 0 ? 0 : ad]++;
		}
	}
	for (size_t d = 0; d < p->nd; d++) {
		p->expected[d] = p->now.expected;
		if (d) {
			p->submitted[d] += p->submitted[d - 1];
			p->approved[d] += p->approved[d - 1];
		}
	}
}

static void
progress_svg(http_req_t *req, const progress_t *p, const char *unit_name, buf_t *out)
{
	arena_t *a = http_req_arena(req);
	svg_series_t se[] = {
	        {"Phải nộp", "expected", "#57606a", p->expected, 1},
	        {"Đã nộp", "submitted", "#1f6feb", p->submitted, 0},
	        {"Đã duyệt", "approved", "#1a7f37", p->approved, 0},
	};
	const char *desc = arena_printf(
	        a, "Đến %s: %s/%s đơn vị đã nộp, %s đã duyệt.%s%s",
	        app_fmt_date(a, p->day0 + (int32_t)p->nd - 1), app_fmt_count(a, p->now.submitted),
	        app_fmt_count(a, p->now.expected), app_fmt_count(a, p->now.approved),
	        p->due ? " Hạn nộp " : "", p->due ? app_fmt_date(a, p->due) : "");
	svg_steps_t c = {.title = arena_printf(a, "Tiến độ nộp báo cáo — %s", unit_name),
	                 .desc = desc,
	                 .day0 = p->day0,
	                 .ndays = p->nd,
	                 .series = se,
	                 .nseries = 3,
	                 .marker_day = p->due,
	                 .marker_label = "Hạn nộp"};
	svg_steps(out, &c);
}

/* The text alternative: the first day, each day something changed, and the last. */
static json_t *
progress_rows(http_req_t *req, const progress_t *p)
{
	arena_t *a = http_req_arena(req);
	json_t *rows = json_array();
	for (size_t d = 0; d < p->nd; d++) {
		int changed = d == 0 || d + 1 == p->nd || p->submitted[d] != p->submitted[d - 1] ||
		              p->approved[d] != p->approved[d - 1];
		if (!changed)
			continue;
		int32_t day = p->day0 + (int32_t)d;
		json_array_append_new(
		        rows, json_pack("{s:s,s:o,s:o,s:o,s:b}", "day", app_fmt_date(a, day),
		                        "expected", app_json_count(p->expected[d]), "submitted",
		                        app_json_count(p->submitted[d]), "approved",
		                        app_json_count(p->approved[d]), "due", day == p->due));
	}
	return rows;
}

/* ---------- one indicator by child ---------- */

typedef struct indicator {
	const tpl_item_t *item;
	svg_bar_t *bars;
	size_t n;
	int paired;
	const char *cur_name, *past_name; /* the two campaigns, for a paired chart */
	int64_t with;
} indicator_t;

static int
item_numeric(const tpl_item_t *it)
{
	return it && it->col >= 0 && !it->heading && it->type != TPL_TEXT && it->type != TPL_PHOTOS;
}

/* The item drawn when none is asked: the count with the largest total in the unit's
 * subtree (the headline number of the page), else the first numeric item. */
static const tpl_item_t *
default_item(const template_t *tpl, const int64_t *tot)
{
	const tpl_item_t *best = NULL, *first = NULL;
	for (size_t s = 0; s < tpl->nsections; s++)
		for (size_t k = 0; k < tpl->sections[s].nitems; k++) {
			const tpl_item_t *it = &tpl->sections[s].items[k];
			if (!item_numeric(it))
				continue;
			if (!first)
				first = it;
			if (it->type == TPL_COUNT && (!best || tot[it->col] > tot[best->col]))
				best = it;
		}
	return best ? best : first;
}

/* "with" as sent: 1 with *id, 0 when absent or empty, -1 when not a campaign number. */
static int
with_param(http_req_t *req, int64_t *id)
{
	const char *p = http_req_param(req, "with");
	*id = 0;
	if (!p || !*p)
		return 0;
	if (strspn(p, "0123456789") != strlen(p) || strlen(p) > 15 ||
	    text_parse_int(p, strlen(p), id) < 0 || *id <= 0)
		return -1;
	return 1;
}

/* 0, or the status of a refused chi_tieu or with with *message. */
static int
indicator_build(http_req_t *req, live_campaign_t *lc, int32_t i, int drafts, indicator_t *ind,
                const char **message)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	const template_t *tpl = lc->c->tpl;
	size_t nc = tpl->ncols ? tpl->ncols : 1;
	memset(ind, 0, sizeof *ind);
	const char *code = http_req_param(req, "chi_tieu");
	if (code && *code) {
		ind->item = template_item(tpl, code);
		if (!item_numeric(ind->item)) {
			*message =
			        arena_printf(a,
			                     "Tham số chi_tieu phải là mã một chỉ tiêu có số của "
			                     "mẫu báo cáo (ví dụ 5.2.nguoi), không phải \"%s\".",
			                     code);
			return 400;
		}
	} else {
		int64_t *tot = arena_alloc(a, nc * sizeof *tot);
		int64_t n;
		rollup_subtree(lc->ru, t, i, drafts, tot, &n);
		ind->item = default_item(tpl, tot);
		if (!ind->item)
			return 0; /* a template without numbers: no bars */
	}
	int wp = with_param(req, &ind->with);
	if (wp < 0) {
		*message = "Tham số with phải là số của một đợt báo cáo trước để so sánh (ví dụ "
		           "with=1).";
		return 400;
	}
	if (wp > 0) {
		cmp_env_t env;
		rep_cmp_env(req, &env);
		cmp_current_t cur = {lc, t, i, drafts};
		cmp_result_t res;
		cmp_rc_t rc = cmp_build(&env, &cur, ind->with, &res);
		if (rc != CMP_OK) {
			*message = arena_printf(a, "Tham số with (đợt so sánh): %s", res.message);
			return rc == CMP_ERR_NOT_FOUND ? 404 : rc == CMP_ERR_DENIED ? 403 : 400;
		}
		size_t k = res.nitems;
		for (size_t m = 0; m < res.nitems; m++)
			if (!strcmp(res.items[m].code, ind->item->code))
				k = m;
		ind->paired = 1;
		ind->cur_name = res.cur->name;
		ind->past_name = res.past->name;
		ind->bars = arena_alloc(a, (res.nrows ? res.nrows : 1) * sizeof *ind->bars);
		for (size_t r = 0; r < res.nrows; r++) {
			const cmp_row_t *row = &res.rows[r];
			if (row->is_unit)
				continue;
			svg_bar_t *b = &ind->bars[ind->n++];
			/* an item not in the earlier template: no earlier figure for anyone */
			b->name = row->name;
			b->value = k < res.nitems ? row->cur[k] : 0;
			b->has_past = k < res.nitems && row->how != CMP_NONE;
			b->past = b->has_past ? row->past[k] : 0;
			if (k == res.nitems) {
				/* the current figure straight from the roll-up */
				int64_t *tot = arena_alloc(a, nc * sizeof *tot), n;
				rollup_subtree(lc->ru, t, row->unit, drafts, tot, &n);
				b->value = tot[ind->item->col];
			}
		}
		return 0;
	}
	int32_t nk = 0;
	for (int32_t j = i + 1; j < t->units[i].end; j = t->units[j].end)
		nk++;
	ind->bars = arena_alloc(a, (size_t)(nk ? nk : 1) * sizeof *ind->bars);
	int64_t *tot = arena_alloc(a, nc * sizeof *tot);
	for (int32_t j = i + 1; j < t->units[i].end; j = t->units[j].end) {
		int64_t n;
		rollup_subtree(lc->ru, t, j, drafts, tot, &n);
		if (!dashboard_child_shown(lc, t, j, n))
			continue;
		ind->bars[ind->n++] =
		        (svg_bar_t){.name = t->units[j].name, .value = tot[ind->item->col]};
	}
	return 0;
}

static const char *
item_title(arena_t *a, const tpl_item_t *it)
{
	const char *unit = it->type == TPL_BOOL ? "đơn vị có" : it->unit;
	return unit && *unit ? arena_printf(a, "%s %s (%s)", it->number, it->label, unit)
	                     : arena_printf(a, "%s %s", it->number, it->label);
}

static void
indicator_svg(http_req_t *req, const indicator_t *ind, const char *unit_name, buf_t *out)
{
	arena_t *a = http_req_arena(req);
	const char *what = ind->item ? item_title(a, ind->item) : "Không có chỉ tiêu có số";
	const char *title =
	        ind->paired
	                ? arena_printf(a, "%s — %s so với %s, theo đơn vị trực thuộc của %s", what,
	                               ind->cur_name, ind->past_name, unit_name)
	                : arena_printf(a, "%s — theo đơn vị trực thuộc của %s", what, unit_name);
	size_t top = 0;
	for (size_t k = 1; k < ind->n; k++)
		if (ind->bars[k].value > ind->bars[top].value)
			top = k;
	const char *desc =
	        ind->n ? arena_printf(a, "%zu đơn vị trực thuộc; cao nhất: %s (%s).", ind->n,
	                              ind->bars[top].name, app_fmt_count(a, ind->bars[top].value))
	               : "Không có đơn vị trực thuộc nào có số liệu.";
	svg_bars_t c = {.title = title,
	                .desc = desc,
	                .bars = ind->bars,
	                .n = ind->n,
	                .paired = ind->paired,
	                .value_name = ind->cur_name,
	                .past_name = ind->past_name};
	svg_bars(out, &c);
}

/* The text alternative, in the chart's order. */
static json_t *
indicator_rows(http_req_t *req, const indicator_t *ind)
{
	arena_t *a = http_req_arena(req);
	size_t *idx = arena_alloc(a, (ind->n ? ind->n : 1) * sizeof *idx);
	svg_bars_order(ind->bars, ind->n, idx);
	json_t *rows = json_array();
	for (size_t r = 0; r < ind->n; r++) {
		const svg_bar_t *b = &ind->bars[idx[r]];
		json_t *o =
		        json_pack("{s:s,s:o}", "name", b->name, "value", app_json_count(b->value));
		if (ind->paired) {
			json_object_set_new(o, "past",
			                    json_string(b->has_past ? app_fmt_count(a, b->past)
			                                            : "không có số liệu"));
			if (b->has_past) {
				int64_t d = b->value - b->past;
				const char *s = app_fmt_count(a, d);
				json_object_set_new(
				        o, "change",
				        json_string(d > 0 ? arena_printf(a, "+%s", s) : s));
			} else {
				json_object_set_new(o, "change", json_string("—"));
			}
		}
		json_array_append_new(rows, o);
	}
	return rows;
}

/* ---------- on the dashboard ---------- */

static json_t *
items_json(const template_t *tpl, const tpl_item_t *sel)
{
	json_t *list = json_array();
	for (size_t s = 0; s < tpl->nsections; s++)
		for (size_t k = 0; k < tpl->sections[s].nitems; k++) {
			const tpl_item_t *it = &tpl->sections[s].items[k];
			if (!item_numeric(it))
				continue;
			json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:b}", "code", it->code,
			                                      "number", it->number, "label",
			                                      it->label, "selected", it == sel));
		}
	return list;
}

static json_t *
with_choices(http_req_t *req, live_campaign_t *lc, int32_t i, int drafts, int64_t with)
{
	arena_t *a = http_req_arena(req);
	cmp_env_t env;
	rep_cmp_env(req, &env);
	cmp_current_t cur = {lc, app_req_tree(req), i, drafts};
	cmp_choice_t *ch;
	size_t n;
	const char *msg;
	json_t *list = json_array();
	if (cmp_choices(&env, &cur, &ch, &n, &msg) != CMP_OK)
		return list;
	for (size_t k = 0; k < n; k++)
		if (ch[k].covers || ch[k].id == with)
			json_array_append_new(
			        list,
			        json_pack("{s:I,s:s,s:b}", "id", (json_int_t)ch[k].id, "label",
			                  ch[k].start_date > 0
			                          ? arena_printf(a, "%s (%s)", ch[k].name,
			                                         app_fmt_date(a, ch[k].start_date))
			                          : ch[k].name,
			                  "selected", ch[k].id == with));
	return list;
}

static const char *
query_of(http_req_t *req, const indicator_t *ind, int drafts)
{
	arena_t *a = http_req_arena(req);
	const char *q = arena_printf(a, "?chi_tieu=%s", ind->item ? ind->item->code : "");
	if (ind->with)
		q = arena_printf(a, "%s&with=%lld", q, (long long)ind->with);
	if (drafts)
		q = arena_printf(a, "%s&drafts=1", q);
	return q;
}

#define CHARTS_MIN_SECONDS 10
#define CHARTS_SLOTS 8192
static struct charts_gen {
	int64_t campaign_id, unit_id, at;
	uint64_t shown; /* the generation the cache holds */
} charts_gens[CHARTS_SLOTS];
static pthread_mutex_t charts_mu = PTHREAD_MUTEX_INITIALIZER;

/* The generation the charts of unit i are cached under: the subtree's figures and the
 * reports' states, moved on at most every CHARTS_MIN_SECONDS. */
static uint64_t
charts_generation(app_t *app, const live_campaign_t *lc, const unit_tree_t *t, int32_t i)
{
	uint64_t now_gen = rollup_subtree_generation(lc->ru, t, i) * 0x9E3779B97F4A7C15ull +
	                   store_reports_version(app->store);
	int64_t now = app_now();
	size_t slot =
	        (size_t)(((uint64_t)lc->c->id * 31 + (uint64_t)t->units[i].id) % CHARTS_SLOTS);
	pthread_mutex_lock(&charts_mu);
	struct charts_gen *g = &charts_gens[slot];
	if (g->campaign_id != lc->c->id || g->unit_id != t->units[i].id) {
		*g = (struct charts_gen){lc->c->id, t->units[i].id, now, now_gen};
	} else if (now_gen != g->shown && now - g->at >= CHARTS_MIN_SECONDS) {
		g->shown = now_gen;
		g->at = now;
	}
	uint64_t out = g->shown;
	pthread_mutex_unlock(&charts_mu);
	return out;
}

int
dashboard_charts_html(http_req_t *req, live_campaign_t *lc, int32_t i, int drafts, buf_t *out,
                      const char **message, const char **tag)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	app_t *app = http_req_app(req);
	/* the charts change with the reports' states (a review moves no total) and the day:
	 * cached on both, and on what was asked (the parameters as sent: a hit skips even
	 * choosing the indicator); but drawn again at most every CHARTS_MIN_SECONDS while
	 * reports change (at the deadline, every page would otherwise read every report of the
	 * campaign: measured, the HTML dashboards fell from 32,757 to 109 req/s under
	 * background submissions) */
	uint64_t gen = charts_generation(app, lc, t, i);
	const char *qi = http_req_param(req, "chi_tieu"), *qw = http_req_param(req, "with");
	const char *key = arena_printf(a, "charts|%s|%d|%s|%s|%d", t->units[i].code, drafts,
	                               qi ? qi : "", qw ? qw : "", (int)app_today());
	*tag = arena_printf(a, "%s#%llu", key, (unsigned long long)gen);
	size_t start = out->len;
	if (pagecache_get((pagecache_t *)lc->extra, key, gen, out)) {
		pagecache_zpart((pagecache_t *)lc->extra, req, key, gen, out->data + start,
		                out->len - start, NULL, 0, NULL);
		return 0;
	}
	indicator_t ind;
	int st = indicator_build(req, lc, i, drafts, &ind, message);
	if (st)
		return st;
	progress_t p;
	progress_build(req, lc, i, &p);
	buf_t svg = BUF_INIT;
	progress_svg(req, &p, t->units[i].name, &svg);
	const char *base = arena_printf(a, "/campaigns/%lld/units/%s/charts", (long long)lc->c->id,
	                                t->units[i].code);
	json_t *o = json_object();
	json_object_set_new(o, "campaign", json_pack("{s:I}", "id", (json_int_t)lc->c->id));
	json_object_set_new(o, "unit", app_unit_json(t, i));
	json_object_set_new(o, "drafts", json_boolean(drafts));
	json_object_set_new(o, "progress",
	                    json_pack("{s:s,s:o,s:s}", "svg", buf_cstr(&svg), "rows",
	                              progress_rows(req, &p), "url",
	                              arena_printf(a, "%s/progress.svg", base)));
	buf_reset(&svg);
	indicator_svg(req, &ind, t->units[i].name, &svg);
	json_t *io =
	        json_pack("{s:s,s:o,s:b,s:s}", "svg", buf_cstr(&svg), "rows",
	                  indicator_rows(req, &ind), "paired", ind.paired, "url",
	                  arena_printf(a, "%s/indicator.svg%s", base, query_of(req, &ind, drafts)));
	buf_free(&svg);
	if (ind.item)
		json_object_set_new(io, "label", json_string(ind.item->label));
	if (ind.paired) {
		json_object_set_new(io, "cur_name", json_string(ind.cur_name));
		json_object_set_new(io, "past_name", json_string(ind.past_name));
	}
	json_object_set_new(o, "indicator", io);
	json_object_set_new(o, "items", items_json(lc->c->tpl, ind.item));
	json_t *choices = with_choices(req, lc, i, drafts, ind.with);
	json_object_set_new(o, "has_choices", json_boolean(json_array_size(choices) > 0));
	json_object_set_new(o, "choices", choices);
	int rc = tmpl_render(app->tmpl, "campaign_unit_charts", o, out);
	json_decref(o);
	if (rc < 0)
		return 500;
	pagecache_put((pagecache_t *)lc->extra, key, gen, out->data + start, out->len - start);
	pagecache_zpart((pagecache_t *)lc->extra, req, key, gen, out->data + start,
	                out->len - start, NULL, 0, NULL);
	return 0;
}

/* ---------- each chart alone ---------- */

static int
reply_svg(http_req_t *req, buf_t *svg)
{
	return http_reply_buf(req, 200, "image/svg+xml; charset=utf-8", svg);
}

int
page_chart_progress(http_req_t *req)
{
	live_campaign_t *lc = rep_campaign(req);
	if (!lc)
		return 0;
	int32_t i = rep_req_unit(req);
	progress_t p;
	progress_build(req, lc, i, &p);
	buf_t svg = BUF_INIT;
	progress_svg(req, &p, app_req_tree(req)->units[i].name, &svg);
	return reply_svg(req, &svg);
}

int
page_chart_indicator(http_req_t *req)
{
	live_campaign_t *lc = rep_campaign(req);
	if (!lc)
		return 0;
	int32_t i = rep_req_unit(req);
	const char *dp = http_req_param(req, "drafts");
	int drafts = dp && !strcmp(dp, "1");
	indicator_t ind;
	const char *message = NULL;
	int st = indicator_build(req, lc, i, drafts, &ind, &message);
	if (st) {
		app_error_page(req, st, message);
		return 0;
	}
	buf_t svg = BUF_INIT;
	indicator_svg(req, &ind, app_req_tree(req)->units[i].name, &svg);
	return reply_svg(req, &svg);
}
