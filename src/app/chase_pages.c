/* The chase board: who must report in a subtree, who is on time, late or missing, who
 * was returned or approved; reminders; the home page's count-downs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/pagecache.h"
#include "app/report_pages.h"
#include "app/reporting.h"
#include "core/log.h"
#include "core/mem.h"
#include "text/text.h"

typedef struct states_ctx {
	const unit_tree_t *t;
	rep_unit_state_t *st;
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
rep_unit_state_t *
rep_load_states(http_req_t *req, live_campaign_t *lc)
{
	const unit_tree_t *t = app_req_tree(req);
	rep_unit_state_t *st = arena_alloc(http_req_arena(req), (size_t)t->n * sizeof *st);
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

/* Two separate dimensions of a unit's report. Timeliness: a report counted in the totals
 * (rep_counted) was sent on time or late (after its kind's deadline, Vietnamese days);
 * anything else is missing. Review: a counted report waits for review (submitted) or is
 * approved; a returned or reopened one is back with the unit. An approved report sent
 * after the deadline is both approved and late. */
enum { T_ONTIME, T_LATE, T_MISSING, T_N };
enum { R_NONE, R_WAITING, R_RETURNED, R_APPROVED, R_N };

int
rep_late(int32_t due, int64_t submitted_at)
{
	return due > 0 && submitted_at > (int64_t)(due + 1) * 86400 - VN_OFFSET;
}

static int
timeliness_of(const rep_unit_state_t *s, int32_t due)
{
	if (!rep_counted(s->status))
		return T_MISSING;
	return rep_late(due, s->submitted_at) ? T_LATE : T_ONTIME;
}

static int
review_of(const rep_unit_state_t *s)
{
	if (!strcmp(s->status, "returned") || !strcmp(s->status, "reopened"))
		return R_RETURNED;
	if (!rep_counted(s->status))
		return R_NONE; /* none yet, or a draft */
	if (!strcmp(s->status, "approved"))
		return R_APPROVED;
	return R_WAITING;
}

typedef struct chase_counts {
	int64_t expected, t[T_N], r[R_N];
} chase_counts_t;

static void
count_unit(chase_counts_t *c, const rep_unit_state_t *s, int32_t due)
{
	c->expected++;
	c->t[timeliness_of(s, due)]++;
	c->r[review_of(s)]++;
}

/* The counts as keys of o: both dimensions; "submitted" = on_time + late (counted). */
static void
counts_json(json_t *o, const chase_counts_t *c)
{
	json_object_set_new(o, "expected", json_integer(c->expected));
	json_object_set_new(o, "submitted", json_integer(c->t[T_ONTIME] + c->t[T_LATE]));
	json_object_set_new(o, "on_time", json_integer(c->t[T_ONTIME]));
	json_object_set_new(o, "late", json_integer(c->t[T_LATE]));
	json_object_set_new(o, "missing", json_integer(c->t[T_MISSING]));
	json_object_set_new(o, "waiting", json_integer(c->r[R_WAITING]));
	json_object_set_new(o, "returned", json_integer(c->r[R_RETURNED]));
	json_object_set_new(o, "approved", json_integer(c->r[R_APPROVED]));
}

int
page_chase(http_req_t *req)
{
	live_campaign_t *lc = rep_campaign(req);
	if (!lc)
		return 0;
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = rep_req_unit(req);
	rep_unit_state_t *st = rep_load_states(req, lc);
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	chase_counts_t counts = {0};
	json_t *missing = json_array();
	int32_t today = app_today();
	for (int32_t k = i; k < t->units[i].end; k++) {
		if (!campaign_expects(lc->c, t, k))
			continue;
		int32_t due = campaign_due(lc->c, t, k);
		count_unit(&counts, &st[k], due);
		if (timeliness_of(&st[k], due) == T_MISSING && json_array_size(missing) < 500) {
			json_t *o = app_unit_json(t, k);
			json_object_set_new(o, "state",
			                    json_string(review_of(&st[k]) == R_RETURNED
			                                        ? "Bị trả lại"
			                                        : "Chưa nộp"));
			json_object_set_new(o, "status_name",
			                    json_string(rep_status_name(st[k].status)));
			json_object_set_new(o, "last",
			                    json_string(app_fmt_time(a, st[k].updated_at)));
			json_object_set_new(o, "due", json_string(app_fmt_date(a, due)));
			if (due) {
				json_object_set_new(o, "days_left", json_integer(due - today));
				json_object_set_new(o, "days_text",
				                    json_string(app_fmt_days_left(a, due, today)));
				json_object_set_new(o, "overdue", json_boolean(due < today));
			}
			json_object_set_new(
			        o, "can_view",
			        json_boolean(access_allowed(t, g, ng, ACT_UNIT_VIEW, k)));
			json_object_set_new(
			        o, "can_remind",
			        json_boolean(access_allowed(t, g, ng, ACT_REPORT_REVIEW, k)));
			json_array_append_new(missing, o);
		}
	}
	/* per child: its own state when it reports, else the counts of its subtree */
	json_t *kids = json_array();
	for (int32_t j = i + 1; j < t->units[i].end; j = t->units[j].end) {
		chase_counts_t c = {0};
		int64_t last = 0;
		for (int32_t k = j; k < t->units[j].end; k++) {
			if (!campaign_expects(lc->c, t, k))
				continue;
			count_unit(&c, &st[k], campaign_due(lc->c, t, k));
			if (st[k].updated_at > last)
				last = st[k].updated_at;
		}
		if (c.expected == 0)
			continue;
		json_t *o = app_unit_json(t, j);
		counts_json(o, &c);
		json_object_set_new(o, "last", json_string(app_fmt_time(a, last)));
		if (campaign_expects(lc->c, t, j))
			json_object_set_new(o, "status_name",
			                    json_string(rep_status_name(st[j].status)));
		json_object_set_new(o, "can_view",
		                    json_boolean(access_allowed(t, g, ng, ACT_UNIT_VIEW, j)));
		json_array_append_new(kids, o);
	}
	json_t *o = json_object();
	json_object_set_new(o, "campaign", rep_campaign_json(req, lc->c));
	json_object_set_new(o, "unit", app_unit_json(t, i));
	json_object_set_new(o, "path", app_unit_path_links(req, t, i));
	counts_json(o, &counts);
	json_object_set_new(o, "children", kids);
	json_object_set_new(o, "not_in", missing);
	if (rep_is_api(req))
		return app_reply_json(req, 200, o);
	const char *done = http_req_param(req, "done");
	if (done && !strcmp(done, "remind"))
		json_object_set_new(o, "ok", json_string("Đã ghi nhắc nhở."));
	json_object_set_new(o, "can_review_queue", json_boolean(review_queue_allowed(req, i)));
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
	int32_t i = rep_req_unit(req);
	const char *note = http_req_param(req, "note");
	if (note && strlen(note) > 500)
		note = NULL;
	store_reminder_t r = {
	        0, lc->c->id, t->units[i].id, app_now(), app_req_user(req)->id, note ? note : ""};
	if (store_reminder_add(((app_t *)http_req_app(req))->store, &r) < 0)
		return 500;
	app_audit(req, t, i, "report.remind",
	          arena_printf(http_req_arena(req), "%lld:", (long long)lc->c->id), NULL, note);
	if (rep_is_api(req))
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
	int32_t today = app_today();
	for (size_t k = 0; k < u->nroles; k++) {
		int32_t i = unit_tree_find_id(t, u->roles[k].unit_id);
		if (i < 0 || !campaign_expects(c, t, i) ||
		    campaign_effective(app->store, t, c->id, i) != c->id)
			continue;
		/* this unit's report status (no roll-up needed for that) */
		rep_report_t r;
		live_campaign_t tmp = {.c = c};
		if (rep_read_req(req, &tmp, i, &r) < 0 || rep_counted(r.status))
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
			json_object_set_new(
			        o, "days_text",
			        json_string(app_fmt_days_left(http_req_arena(req), due, today)));
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
