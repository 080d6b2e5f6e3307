/* The loaded campaigns' unit states, kept live (service/live_states.h). */
#include "service/live_states.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/mem.h"

struct live_states {
	chase_state_t *st; /* by tree index; NULL until read */
	int16_t *rank;     /* which campaign a state came from: 0 its own, k+1 adoption k */
	int64_t *ids;      /* the adoptions when read, in chase_states' order */
	size_t nids;
	int32_t n;
	uint64_t writes; /* writes seen: a read that overlapped one is not kept */
};

/* Every entry's states, their pointers and contents. */
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

void
live_states_free(struct live_states *s)
{
	if (!s)
		return;
	free(s->st);
	free(s->rank);
	free(s->ids);
	free(s);
}

typedef struct reader {
	const unit_tree_t *t;
	chase_state_t *st;
	int16_t *rank;
	int16_t cur;
} reader_t;

static void
set_state(chase_state_t *d, const char *status, int64_t updated_at, int64_t submitted_at,
          int64_t reviewed_at)
{
	snprintf(d->status, sizeof d->status, "%s", status);
	d->updated_at = updated_at;
	d->submitted_at = submitted_at;
	d->reviewed_at = reviewed_at;
}

static int
read_row(const store_report_t *r, void *p)
{
	reader_t *x = p;
	int32_t i = unit_tree_find_id(x->t, r->unit_id);
	if (i >= 0) { /* as chase_states: later campaigns (deeper adoptions) win */
		set_state(&x->st[i], r->status, r->updated_at, r->submitted_at, r->reviewed_at);
		x->rank[i] = x->cur;
	}
	return 0;
}

/* The states of campaign c from the store, into a new struct; NULL on a store error. */
static struct live_states *
read_states(store_t *st, const unit_tree_t *t, const campaign_t *c)
{
	struct live_states *s = xcalloc(1, sizeof *s);
	s->n = t->n;
	s->st = xcalloc((size_t)t->n + 1, sizeof *s->st);
	s->rank = xmalloc(((size_t)t->n + 1) * sizeof *s->rank);
	for (int32_t k = 0; k < t->n; k++)
		s->rank[k] = -1;
	reader_t x = {t, s->st, s->rank, 0};
	int64_t *issuers = NULL;
	int rc = store_reports_of_campaign(st, c->id, read_row, &x);
	if (rc >= 0)
		rc = campaign_adoptions(st, c->id, &s->ids, &issuers, &s->nids);
	for (size_t k = 0; rc >= 0 && k < s->nids; k++) {
		x.cur = (int16_t)(k + 1 < INT16_MAX ? k + 1 : INT16_MAX);
		rc = store_reports_of_campaign(st, s->ids[k], read_row, &x);
	}
	free(issuers);
	if (rc < 0) {
		log_error("campaign %lld: the report states could not be read", (long long)c->id);
		live_states_free(s);
		return NULL;
	}
	return s;
}

int
live_states_copy(store_t *st, const unit_tree_t *t, live_campaign_t *lc, chase_state_t *out)
{
	size_t bytes = (size_t)t->n * sizeof *out;
	uint64_t seen = 0;
	pthread_mutex_lock(&mu);
	if (lc->states && lc->states->st && lc->states->n == t->n) {
		memcpy(out, lc->states->st, bytes);
		pthread_mutex_unlock(&mu);
		return 0;
	}
	if (!lc->states)
		lc->states = xcalloc(1, sizeof *lc->states);
	seen = lc->states->writes;
	pthread_mutex_unlock(&mu);
	/* read out of the lock; kept only when no write reached the entry meanwhile (its
	 * commit may have come after this read saw the store: the next read tries again) */
	struct live_states *s = read_states(st, t, lc->c);
	if (!s)
		return -1;
	memcpy(out, s->st, bytes);
	pthread_mutex_lock(&mu);
	if (lc->states->writes == seen && !lc->states->st) {
		s->writes = seen;
		live_states_free(lc->states);
		lc->states = s;
		s = NULL;
	}
	pthread_mutex_unlock(&mu);
	live_states_free(s);
	return 0;
}

/* The write into one entry (lock held). */
static void
move(live_campaign_t *e, const campaign_t *from, int32_t unit, const chase_state_t *s)
{
	if (!e->states) {
		e->states = xcalloc(1, sizeof *e->states);
		e->states->writes = 1;
		return;
	}
	struct live_states *x = e->states;
	x->writes++;
	if (!x->st)
		return;
	int rank = -1;
	if (from->id == e->c->id)
		rank = 0;
	for (size_t k = 0; rank < 0 && k < x->nids; k++)
		if (x->ids[k] == from->id)
			rank = (int)(k + 1 < INT16_MAX ? k + 1 : INT16_MAX);
	if (rank < 0 || unit < 0 || unit >= x->n) {
		/* an adoption made after the read: read them all again */
		free(x->st);
		x->st = NULL;
		return;
	}
	if (rank >= x->rank[unit]) {
		x->st[unit] = *s;
		x->rank[unit] = (int16_t)rank;
	}
}

void
live_states_written(rep_live_t *l, store_t *st, const unit_tree_t *t, live_campaign_t *lc,
                    const campaign_t *from, int32_t unit, const chase_state_t *s)
{
	live_campaign_t *cur = l ? rep_live_peek(l, t, from->id) : NULL;
	pthread_mutex_lock(&mu);
	if (lc && lc->c)
		move(lc, from, unit, s);
	if (cur && cur != lc && cur->c)
		move(cur, from, unit, s);
	pthread_mutex_unlock(&mu);
	if (!l || from->parent_id == 0)
		return;
	int64_t *chain;
	size_t n;
	if (campaign_ancestry(st, from->parent_id, &chain, &n) < 0) {
		/* the campaigns above cannot be told: they read their states again */
		rep_live_forget(l, from->parent_id);
		return;
	}
	for (size_t k = 0; k < n; k++) {
		live_campaign_t *e = rep_live_peek(l, t, chain[k]);
		pthread_mutex_lock(&mu);
		if (e && e->c)
			move(e, from, unit, s);
		pthread_mutex_unlock(&mu);
	}
	free(chain);
}
