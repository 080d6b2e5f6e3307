/* The server's scheduler: the chase schedule of every open campaign, run by the watcher
 * (app.c) with the real clock, by tests with theirs. A thin adapter over service/chase.h:
 * it finds the open campaigns and the tree each adds up on. */
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/log.h"
#include "domain/campaign.h"
#include "service/chase.h"

typedef struct open_ids {
	int64_t *id;
	size_t n, cap;
} open_ids_t;

static int
collect_open(const store_campaign_t *c, void *p)
{
	open_ids_t *o = p;
	if (strcmp(c->status, "open") != 0)
		return 0;
	if (o->n == o->cap) {
		o->cap = o->cap ? 2 * o->cap : 16;
		o->id = realloc(o->id, o->cap * sizeof *o->id);
		if (!o->id)
			abort();
	}
	o->id[o->n++] = c->id;
	return 0;
}

int
app_chase_tick(app_t *app, int64_t now, size_t *reminded, size_t *escalated)
{
	open_ids_t o = {0};
	size_t r_all = 0, e_all = 0;
	int ret = 0;
	if (store_campaigns_each(app->store, collect_open, &o) < 0) {
		log_error("chase: the campaigns could not be read");
		return -1;
	}
	chase_ctx_t cx = {.store = app->store,
	                  .writer = app->writer,
	                  .notify = &app->notify,
	                  .now = now,
	                  .actor = 0};
	for (size_t k = 0; k < o.n && !app->stopping; k++) {
		campaign_t *c;
		char err[300];
		if (campaign_load(app->store, o.id[k], &c, err, sizeof err) != 1) {
			log_error("chase: campaign %lld: %s", (long long)o.id[k], err);
			ret = -1;
			continue;
		}
		unit_tree_t *t = app_campaign_tree(app, c->id);
		size_t r = 0, e = 0;
		if (chase_tick_campaign(&cx, t, c, &r, &e) < 0) {
			log_error("chase: campaign %lld: the schedule's reminders failed",
			          (long long)c->id);
			ret = -1;
		}
		if (r || e)
			log_info("chase: campaign %lld: %zu reminders, %zu escalations",
			         (long long)c->id, r, e);
		r_all += r;
		e_all += e;
		unit_tree_unref(t);
		campaign_free(c);
	}
	free(o.id);
	if (reminded)
		*reminded = r_all;
	if (escalated)
		*escalated = e_all;
	return ret;
}
