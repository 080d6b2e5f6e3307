/* The signed-in home page's progress cards: for each of the user's role units whose
 * subtree reports in an open campaign, the chase board's counts (rep_progress_count, the
 * same numbers as /campaigns/:id/units/:code/status) with a bar and the ways in. Like the
 * chase board it reads the campaign's report states from the store, once per campaign, on
 * the campaign's own tree; it builds no roll-up. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/report_pages.h"
#include "app/reporting.h"
#include "core/mem.h"
#include "service/live_states.h"

typedef struct cards_ctx {
	http_req_t *req;
	json_t *cards;
} cards_ctx_t;

/* The unit a role on unit i shows a campaign issued at top for: i itself inside the
 * issuer's subtree, the issuer for a role above it (the same counts: nothing outside the
 * subtree reports); -1 when the two subtrees do not meet. */
static int32_t
card_unit(const unit_tree_t *t, int32_t top, int32_t i)
{
	if (i < 0 || top < 0)
		return -1;
	if (unit_tree_contains(t, top, i))
		return i;
	if (unit_tree_contains(t, i, top))
		return top;
	return -1;
}

static json_t *
card_json(http_req_t *req, const campaign_t *c, const unit_tree_t *t, int32_t j,
          const rep_progress_t *pg, int can_review)
{
	arena_t *a = http_req_arena(req);
	json_t *o =
	        json_pack("{s:I,s:s,s:s,s:s}", "campaign_id", (json_int_t)c->id, "campaign",
	                  c->name, "unit_code", t->units[j].code, "unit_name", t->units[j].name);
	const struct {
		const char *key;
		int64_t v;
	} n[] = {{"expected", pg->expected}, {"submitted", pg->submitted},
	         {"approved", pg->approved}, {"missing", pg->missing},
	         {"late", pg->late},         {"waiting", pg->waiting},
	         {"returned", pg->returned}, {"on_time", pg->on_time}};
	for (size_t k = 0; k < sizeof n / sizeof n[0]; k++)
		json_object_set_new(o, n[k].key, app_json_count(n[k].v));
	int64_t pct = pg->expected ? pg->submitted * 100 / pg->expected : 0;
	json_object_set_new(o, "pct", json_integer(pct));
	json_object_set_new(o, "bar", json_integer(pct / 5 * 5)); /* the CSS class step */
	json_object_set_new(o, "submitted_raw", json_integer(pg->submitted));
	json_object_set_new(o, "expected_raw", json_integer(pg->expected));
	json_object_set_new(o, "can_review", json_boolean(can_review));
	json_object_set_new(o, "has_report",
	                    json_boolean(t->units[j].is_locality || campaign_expects(c, t, j)));
	json_object_set_new(o, "level", json_boolean(t->units[j].is_locality));
	int32_t due = campaign_due(c, t, j);
	if (due) {
		int32_t today = app_today();
		json_object_set_new(o, "due", json_string(app_fmt_date(a, due)));
		json_object_set_new(o, "days_text", json_string(app_fmt_days_left(a, due, today)));
	}
	return o;
}

static int
card_campaign(const store_campaign_t *sc, void *p)
{
	cards_ctx_t *h = p;
	if (strcmp(sc->status, "open") != 0)
		return 0;
	http_req_t *req = h->req;
	app_t *app = http_req_app(req);
	app_user_t *u = app_req_user(req);
	arena_t *a = http_req_arena(req);
	campaign_t *c;
	char err[300];
	if (campaign_load(app->store, sc->id, &c, err, sizeof err) != 1)
		return 0;
	/* on the campaign's own tree, as the chase board counts it */
	unit_tree_t *t = app_campaign_tree(app, c->id);
	app_req_keep_tree(req, t);
	unit_tree_t *saved = app_req_swap_tree(req, t);
	int32_t top = campaign_issuer(c, t);
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	rep_unit_state_t *st = NULL;
	int32_t *seen = arena_alloc(a, (u->nroles + 1) * sizeof *seen);
	size_t nseen = 0;
	for (size_t k = 0; k < u->nroles; k++) {
		int32_t j = card_unit(t, top, unit_tree_find_id(t, u->roles[k].unit_id));
		/* a body reports itself: its count-down says it; a level follows its subtree */
		if (j < 0 || !t->units[j].is_locality)
			continue;
		size_t q = 0;
		while (q < nseen && seen[q] != j)
			q++;
		if (q < nseen)
			continue;
		seen[nseen++] = j;
		if (!st) {
			live_campaign_t tmp = {.c = c};
			st = rep_load_states(req, &tmp); /* copied into the request's arena */
			live_states_free(tmp.states);    /* what the read kept in tmp */
		}
		rep_progress_t pg;
		rep_progress_count(c, t, st + j, j, t->units[j].end, &pg);
		if (pg.expected == 0)
			continue;
		json_array_append_new(
		        h->cards, card_json(req, c, t, j, &pg,
		                            access_allowed_below(t, g, ng, ACT_REPORT_REVIEW, j)));
	}
	app_req_swap_tree(req, saved);
	campaign_free(c);
	return 0;
}

json_t *
rep_home_progress(http_req_t *req)
{
	cards_ctx_t h = {req, json_array()};
	if (app_req_user(req))
		store_campaigns_each(((app_t *)http_req_app(req))->store, card_campaign, &h);
	return h.cards;
}
