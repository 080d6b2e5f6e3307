/* The reporting service (see reporting.h): the state machine, its checks, the one write
 * transaction per change, and the live roll-ups it keeps in step. */
#include "service/reporting.h"
#include "service/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/mem.h"
#include "db/writer.h"
#include "service/award_totals.h"
#include "service/live_states.h"
#include "text/hygiene.h"
#include "text/legacy_field.h"
#include "text/text.h"

#define MAX_TEXT 20000 /* bytes of one text item */

/* ---------- states and the transition table ---------- */

static const char *const state_codes[RS_COUNT] = {"",         "draft",    "submitted",
                                                  "returned", "approved", "reopened"};
static const char *const state_names[RS_COUNT] = {"Chưa nộp", "Đang nhập (bản nháp)",
                                                  "Đã nộp",   "Bị trả lại",
                                                  "Đã duyệt", "Được mở lại để sửa"};
static const char *const op_codes[REP_NOPS] = {"save", "submit", "return", "approve", "reopen"};

#define BIT(s) (1u << (s))

static const rep_transition_t transitions[] = {
        {REP_SAVE, BIT(RS_NONE) | BIT(RS_DRAFT), RS_DRAFT, ACT_REPORT_EDIT, 0},
        {REP_SAVE, BIT(RS_RETURNED) | BIT(RS_REOPENED), RS_COUNT, ACT_REPORT_EDIT, 0},
        {REP_SUBMIT, BIT(RS_NONE) | BIT(RS_DRAFT) | BIT(RS_RETURNED) | BIT(RS_REOPENED),
         RS_SUBMITTED, ACT_REPORT_SUBMIT, 0},
        {REP_SUBMIT, BIT(RS_SUBMITTED), RS_SUBMITTED, ACT_REPORT_SUBMIT, 1},
        {REP_RETURN, BIT(RS_SUBMITTED), RS_RETURNED, ACT_REPORT_REVIEW, 0},
        {REP_APPROVE, BIT(RS_SUBMITTED), RS_APPROVED, ACT_REPORT_REVIEW, 0},
        {REP_REOPEN, BIT(RS_APPROVED), RS_REOPENED, ACT_REPORT_REVIEW, 0},
};

const rep_transition_t *
rep_transitions(size_t *n)
{
	*n = sizeof transitions / sizeof transitions[0];
	return transitions;
}

const char *
rep_state_code(rep_state_t s)
{
	return s < RS_COUNT ? state_codes[s] : "";
}

const char *
rep_state_name(rep_state_t s)
{
	return s < RS_COUNT ? state_names[s] : state_names[RS_NONE];
}

rep_state_t
rep_state_parse(const char *code)
{
	if (code == NULL)
		return RS_NONE;
	for (int s = 1; s < RS_COUNT; s++)
		if (!strcmp(code, state_codes[s]))
			return (rep_state_t)s;
	return RS_NONE;
}

int
rep_state_counted(rep_state_t s)
{
	return s == RS_SUBMITTED || s == RS_APPROVED;
}

const char *
rep_op_code(rep_op_t op)
{
	return op < REP_NOPS ? op_codes[op] : "?";
}

/* ---------- loaded campaigns ---------- */

/* The registry's lock guards the list and every entry's registry fields; it is never held
 * while a roll-up is built or read. cv wakes the gets waiting for a build. */
struct rep_live {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	live_campaign_t *head;
	void *(*extra_new)(void);
	void (*extra_free)(void *);
	int64_t (*now)(void);
	uint64_t builds;
	const award_catalog_t *awards; /* for the levels' decided awards (award_totals.h) */
};

/* A write that reached an entry while its roll-up was being built: applied before the
 * entry is handed out (the build may have read the store before the write committed). */
typedef struct live_pending {
	int32_t unit;
	int counted;
	int64_t *num;
	unsigned char *has;
	struct live_pending *next;
} live_pending_t;

static int64_t
mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec + 1; /* never 0 */
}

rep_live_t *
rep_live_new(void *(*extra_new)(void), void (*extra_free)(void *))
{
	rep_live_t *l = xcalloc(1, sizeof *l);
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->cv, NULL);
	l->extra_new = extra_new;
	l->extra_free = extra_free;
	l->now = mono_now;
	return l;
}

void
rep_live_set_clock(rep_live_t *l, int64_t (*now)(void))
{
	pthread_mutex_lock(&l->mu);
	l->now = now ? now : mono_now;
	pthread_mutex_unlock(&l->mu);
}

static void
pending_free(live_pending_t *p)
{
	while (p) {
		live_pending_t *n = p->next;
		free(p->num);
		free(p->has);
		free(p);
		p = n;
	}
}

static void
live_entry_free(rep_live_t *l, live_campaign_t *lc)
{
	campaign_free(lc->c);
	rollup_free(lc->ru);
	if (l->extra_free && lc->extra)
		l->extra_free(lc->extra);
	pending_free(lc->pending);
	live_states_free(lc->states);
	free(lc);
}

void
rep_live_free(rep_live_t *l)
{
	if (l == NULL)
		return;
	live_campaign_t *lc = l->head;
	while (lc) {
		live_campaign_t *n = lc->next;
		live_entry_free(l, lc);
		lc = n;
	}
	pthread_cond_destroy(&l->cv);
	pthread_mutex_destroy(&l->mu);
	free(l);
}

void
rep_live_stats(rep_live_t *l, size_t *entries, size_t *bytes, uint64_t *builds)
{
	size_t n = 0, b = 0;
	pthread_mutex_lock(&l->mu);
	for (live_campaign_t *lc = l->head; lc; lc = lc->next) {
		n++;
		b += rollup_bytes(lc->ru);
	}
	if (builds)
		*builds = l->builds;
	pthread_mutex_unlock(&l->mu);
	if (entries)
		*entries = n;
	if (bytes)
		*bytes = b;
}

/* Roll-up from the store: values come ordered by unit, one unit's row at a time. */
typedef struct build {
	const campaign_t *c;
	const unit_tree_t *t;
	rollup_t *ru;
	int64_t cur_unit;
	int counted;
	int64_t *num;
	unsigned char *has;
	size_t hint; /* for template_item_next: values come in item code order */
} build_t;

static void
flush(build_t *b)
{
	if (b->cur_unit == 0)
		return;
	int32_t i = unit_tree_find_id(b->t, b->cur_unit);
	if (i >= 0 && !b->t->units[i].is_locality)
		rollup_load(b->ru, i, b->num, b->has, b->counted);
	size_t nc = b->c->tpl->ncols;
	memset(b->num, 0, nc * sizeof *b->num);
	memset(b->has, 0, nc);
}

static int
add_value(int64_t unit_id, const char *status, const store_value_t *v, void *p)
{
	build_t *b = p;
	if (unit_id != b->cur_unit) {
		flush(b);
		b->cur_unit = unit_id;
		b->counted = rep_state_counted(rep_state_parse(status));
	}
	const tpl_item_t *it = template_item_next(b->c->tpl, v->item, &b->hint);
	if (it && it->col >= 0 && v->has_num) {
		b->num[it->col] = v->num;
		b->has[it->col] = 1;
	}
	return 0;
}

/* Reports without numeric values still count as reports: mark every report present. */
static int
add_report(const store_report_t *r, void *p)
{
	build_t *b = p;
	int32_t i = unit_tree_find_id(b->t, r->unit_id);
	if (i >= 0 && !b->t->units[i].is_locality)
		rollup_load(b->ru, i, b->num, b->has,
		            rep_state_counted(rep_state_parse(r->status)));
	return 0;
}

static void
load_extra(void *arg, int32_t unit, const int64_t *vals, const unsigned char *has)
{
	rollup_load_extra(arg, unit, vals, has);
}

static rollup_t *
build_rollup(store_t *st, const campaign_t *c, const unit_tree_t *t, const award_catalog_t *cat)
{
	size_t nc = c->tpl->ncols;
	build_t b = {c,
	             t,
	             rollup_new(t, nc ? nc : 1),
	             0,
	             0,
	             xcalloc(nc ? nc : 1, sizeof *b.num),
	             xcalloc(nc ? nc : 1, 1),
	             0};
	/* this campaign's reports, then those of the campaigns adopting it (matched by item
	 * code; their own extra items are not ours): a unit reports in the deepest one, which
	 * comes last and wins. First every report with zeros, then the values: a report with
	 * no numbers still counts. */
	int64_t *ids, *issuers;
	size_t n = 0;
	if (campaign_adoptions(st, c->id, &ids, &issuers, &n) < 0) {
		ids = issuers = NULL;
		n = 0;
	}
	int64_t *all = xmalloc((n + 1) * sizeof *all);
	for (size_t k = 0; k <= n; k++) {
		int64_t id = all[k] = k == 0 ? c->id : ids[k - 1];
		store_reports_of_campaign(st, id, add_report, &b);
		store_values_of_campaign(st, id, add_value, &b);
		flush(&b);
		b.cur_unit = 0;
	}
	/* the levels' own decided awards, as extra rows where no report is */
	awd_level_rows(st, cat, c->tpl, t, all, n + 1, 0, load_extra, b.ru);
	free(all);
	rollup_rebuild(b.ru);
	free(ids);
	free(issuers);
	free(b.num);
	free(b.has);
	return b.ru;
}

/* Whether lc may be freed at now (lock held): see reporting.h. */
static int
reapable(const live_campaign_t *lc, int64_t now)
{
	if (lc->building || now - lc->last_used <= REP_LIVE_GRACE)
		return 0;
	if (lc->stale_since)
		return now - lc->stale_since > REP_LIVE_GRACE;
	int open = lc->c && lc->c->status && !strcmp(lc->c->status, "open");
	return now - lc->last_used > (open ? REP_LIVE_IDLE_OPEN : REP_LIVE_IDLE_CLOSED);
}

/* Mark entries that are no longer current (t is newer, or they were forgotten), and free
 * those whose time is up (lock held). A request still on an older tree marks nothing. */
static void
reap(rep_live_t *l, const unit_tree_t *t, int64_t now)
{
	for (live_campaign_t **pp = &l->head; *pp;) {
		live_campaign_t *lc = *pp;
		if (lc->stale_since == 0 && lc->tree_generation < t->generation)
			lc->stale_since = now;
		if (reapable(lc, now)) {
			*pp = lc->next;
			live_entry_free(l, lc);
		} else
			pp = &lc->next;
	}
}

/* Campaign id's entry for tree t, ready or building (lock held), or NULL. */
static live_campaign_t *
live_find(rep_live_t *l, const unit_tree_t *t, int64_t id)
{
	for (live_campaign_t *lc = l->head; lc; lc = lc->next)
		if (lc->id == id && lc->tree_generation == t->generation &&
		    lc->tree_from == t->from && (lc->building || rollup_units(lc->ru) == t->n))
			return lc;
	return NULL;
}

rep_rc_t
rep_live_get(rep_live_t *l, store_t *st, const unit_tree_t *t, int64_t id, live_campaign_t **out)
{
	*out = NULL;
	pthread_mutex_lock(&l->mu);
	live_campaign_t *lc;
	for (;;) {
		int64_t now = l->now();
		reap(l, t, now);
		lc = live_find(l, t, id);
		if (lc == NULL)
			break;
		if (!lc->building) {
			lc->last_used = now;
			pthread_mutex_unlock(&l->mu);
			*out = lc;
			return REP_OK;
		}
		/* another get builds it: wait, then look again (it may have failed, or have
		 * been forgotten meanwhile) */
		pthread_cond_wait(&l->cv, &l->mu);
	}
	/* ours to build, out of the lock; older entries stay on the list (requests may hold
	 * them) until reaped */
	lc = xcalloc(1, sizeof *lc);
	lc->id = id;
	lc->tree_generation = t->generation;
	lc->tree_from = t->from;
	lc->building = 1;
	lc->last_used = l->now();
	lc->next = l->head;
	l->head = lc;
	pthread_mutex_unlock(&l->mu);

	campaign_t *c;
	char err[600];
	int rc = campaign_load(st, id, &c, err, sizeof err);
	if (rc > 0 && !unit_tree_covers(t, c->tree_day)) {
		/* a caller's bug: a campaign adds up on the tree of its day only */
		snprintf(err, sizeof err,
		         "campaign %lld adds up on the tree of day %d, asked on the tree of days "
		         "%d..%d",
		         (long long)id, c->tree_day, t->from, t->to);
		campaign_free(c);
		rc = -1;
	}
	if (rc <= 0) {
		if (rc < 0)
			log_error("%s", err);
		pthread_mutex_lock(&l->mu);
		for (live_campaign_t **pp = &l->head; *pp; pp = &(*pp)->next)
			if (*pp == lc) {
				*pp = lc->next;
				break;
			}
		live_entry_free(l, lc);
		pthread_cond_broadcast(&l->cv);
		pthread_mutex_unlock(&l->mu);
		return rc == 0 ? REP_ERR_NOT_FOUND : REP_ERR_STORE;
	}
	/* from here on, writes that find the entry building are kept for it (propagate):
	 * the build below reads the store after this point */
	pthread_mutex_lock(&l->mu);
	lc->c = c;
	pthread_mutex_unlock(&l->mu);
	rollup_t *ru = build_rollup(st, c, t, l->awards);
	void *extra = l->extra_new ? l->extra_new() : NULL;
	pthread_mutex_lock(&l->mu);
	while (lc->pending) {
		live_pending_t *p = lc->pending;
		lc->pending = NULL;
		pthread_mutex_unlock(&l->mu);
		for (live_pending_t *q = p; q; q = q->next)
			rollup_set(ru, q->unit, q->num, q->has, q->counted);
		pending_free(p);
		pthread_mutex_lock(&l->mu);
	}
	lc->ru = ru;
	lc->extra = extra;
	lc->building = 0;
	lc->last_used = l->now();
	l->builds++;
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
	*out = lc;
	return REP_OK;
}

live_campaign_t *
rep_live_peek(rep_live_t *l, const unit_tree_t *t, int64_t id)
{
	pthread_mutex_lock(&l->mu);
	int64_t now = l->now();
	reap(l, t, now);
	live_campaign_t *lc = live_find(l, t, id);
	if (lc && lc->building)
		lc = NULL;
	if (lc)
		lc->last_used = now;
	pthread_mutex_unlock(&l->mu);
	return lc;
}

void
rep_live_set_awards(rep_live_t *l, const award_catalog_t *cat)
{
	pthread_mutex_lock(&l->mu);
	l->awards = cat;
	pthread_mutex_unlock(&l->mu);
}

/* Set a level's row unless it holds those values already: an unchanged row keeps the
 * generation, and the cached pages of every subtree, as they are. */
static void
set_extra(void *arg, int32_t unit, const int64_t *vals, const unsigned char *has)
{
	rollup_t *ru = arg;
	size_t nc = rollup_cols(ru);
	int64_t *cur = xcalloc(nc, sizeof *cur);
	unsigned char *ch = xcalloc(nc, 1);
	if (!rollup_extra(ru, unit, cur, ch) || memcmp(cur, vals, nc * sizeof *cur) != 0 ||
	    memcmp(ch, has, nc) != 0)
		rollup_set_extra(ru, unit, vals, has);
	free(cur);
	free(ch);
}

void
rep_awards_changed(rep_live_t *l, store_t *st, const unit_tree_t *t, int64_t campaign_id,
                   int64_t unit_id)
{
	if (l == NULL)
		return;
	int32_t u = unit_id > 0 ? unit_tree_find_id(t, unit_id) : -1;
	if (unit_id > 0 && u >= 0 && !t->units[u].is_locality)
		return; /* a body's or a school's awards reach the totals through its report */
	int64_t *chain;
	size_t n;
	if (campaign_ancestry(st, campaign_id, &chain, &n) < 0) {
		rep_live_forget(l, 0);
		return;
	}
	for (size_t k = 0; k < n; k++) {
		live_campaign_t *lc = rep_live_peek(l, t, chain[k]);
		if (lc == NULL) { /* building (it may have read the store before), or on another
			             day's tree: the next get builds it again from the store */
			rep_live_forget(l, chain[k]);
			continue;
		}
		int64_t *ids, *issuers;
		size_t na = 0;
		if (campaign_adoptions(st, chain[k], &ids, &issuers, &na) < 0) {
			rep_live_forget(l, chain[k]);
			continue;
		}
		int64_t *all = xmalloc((na + 1) * sizeof *all);
		all[0] = chain[k];
		memcpy(all + 1, ids, na * sizeof *ids);
		/* a level's row is its whole sum, set again (decisions are only ever added) */
		if (awd_level_rows(st, l->awards, lc->c->tpl, t, all, na + 1, u >= 0 ? unit_id : 0,
		                   set_extra, lc->ru) < 0)
			rep_live_forget(l, chain[k]);
		free(all);
		free(ids);
		free(issuers);
	}
	free(chain);
}

void
rep_live_forget(rep_live_t *l, int64_t id)
{
	pthread_mutex_lock(&l->mu);
	int64_t now = l->now();
	for (live_campaign_t *lc = l->head; lc; lc = lc->next)
		if (id == 0 || lc->id == id) {
			lc->tree_generation = -1;
			if (lc->stale_since == 0)
				lc->stale_since = now;
		}
	pthread_mutex_unlock(&l->mu);
}

/* Unit's values num/has by the columns of template from, laid out by the columns of to
 * (matched by item code; to's items that from lacks are empty): *v and *h, freed by the
 * caller. */
static void
map_values(const template_t *from, const template_t *to, const int64_t *num,
           const unsigned char *has, int64_t **v, unsigned char **h)
{
	size_t nc = to->ncols ? to->ncols : 1;
	*v = xcalloc(nc, sizeof **v);
	*h = xcalloc(nc, 1);
	for (size_t col = 0; col < to->ncols; col++) {
		const tpl_item_t *mine = template_item(from, template_item_col(to, (int)col)->code);
		if (mine && mine->col >= 0) {
			(*v)[col] = num[mine->col];
			(*h)[col] = has[mine->col];
		}
	}
}

/* A committed write of unit's values (by the columns of from) for campaign id, whose
 * entry for t is being built: kept for the builder, which applies it before handing the
 * entry out. Nothing when there is no such build, or when it has not started reading the
 * store yet (c not set: it will read this write). */
static void
live_defer(rep_live_t *l, const unit_tree_t *t, int64_t id, const template_t *from, int32_t unit,
           const int64_t *num, const unsigned char *has, int counted)
{
	pthread_mutex_lock(&l->mu);
	live_campaign_t *lc = live_find(l, t, id);
	if (lc && lc->building && lc->c) {
		live_pending_t *p = xcalloc(1, sizeof *p), **tail = &lc->pending;
		p->unit = unit;
		p->counted = counted;
		map_values(from, lc->c->tpl, num, has, &p->num, &p->has);
		while (*tail)
			tail = &(*tail)->next;
		*tail = p;
	}
	pthread_mutex_unlock(&l->mu);
}

/* ---------- reading ---------- */

void
rep_values_init(arena_t *a, const template_t *tpl, rep_values_t *v)
{
	size_t nc = tpl->ncols + 1, nt = tpl->ntexts + 1;
	v->num = arena_alloc(a, nc * sizeof *v->num);
	v->has = arena_alloc(a, nc);
	size_t ni = rep_item_count(tpl) + 1;
	v->text = arena_alloc(a, nt * sizeof *v->text);
	v->note = arena_alloc(a, ni * sizeof *v->note);
	memset(v->num, 0, nc * sizeof *v->num);
	memset(v->has, 0, nc);
	memset(v->text, 0, nt * sizeof *v->text);
	memset(v->note, 0, ni * sizeof *v->note);
}

const char *
rep_item_note(const template_t *tpl, const rep_values_t *v, const void *it)
{
	if (v == NULL || v->note == NULL || it == NULL)
		return "";
	const char *n = v->note[rep_item_index(tpl, it)];
	return n ? n : "";
}

typedef struct read_ctx {
	rep_report_t *r;
	const template_t *tpl;
	arena_t *a;
} read_ctx_t;

static int
read_row(const store_report_t *s, void *p)
{
	read_ctx_t *c = p;
	rep_report_t *r = c->r;
	r->exists = 1;
	r->id = s->id;
	r->version = s->version;
	r->state = rep_state_parse(s->status);
	snprintf(r->status, sizeof r->status, "%s", rep_state_code(r->state));
	r->on_behalf = s->on_behalf;
	r->updated_at = s->updated_at;
	r->submitted_at = s->submitted_at;
	r->reviewed_at = s->reviewed_at;
	r->comment = arena_strdup(c->a, s->comment ? s->comment : "");
	return 0;
}

static int
read_value(const store_value_t *v, void *p)
{
	read_ctx_t *c = p;
	const tpl_item_t *it = template_item(c->tpl, v->item);
	if (it == NULL)
		return 0;
	if (it->col >= 0 && v->has_num) {
		c->r->v.num[it->col] = v->num;
		c->r->v.has[it->col] = 1;
	}
	if (it->tcol >= 0 && *v->text)
		c->r->v.text[it->tcol] = arena_strdup(c->a, v->text);
	if (v->note && *v->note)
		c->r->v.note[rep_item_index(c->tpl, it)] = arena_strdup(c->a, v->note);
	return 0;
}

rep_rc_t
rep_read(const rep_ctx_t *cx, const live_campaign_t *lc, int32_t unit, rep_report_t *out)
{
	const template_t *tpl = lc->c->tpl;
	memset(out, 0, sizeof *out);
	out->comment = "";
	rep_values_init(cx->arena, tpl, &out->v);
	out->num = out->v.num;
	out->has = out->v.has;
	out->text = out->v.text;
	if (unit < 0 || unit >= cx->tree->n)
		return REP_OK;
	read_ctx_t c = {out, tpl, cx->arena};
	int rc = store_report_get(cx->store, lc->c->id, cx->tree->units[unit].id, read_row, &c);
	if (rc < 0)
		return REP_ERR_STORE;
	if (rc == 1 && store_report_values(cx->store, out->id, read_value, &c) < 0)
		return REP_ERR_STORE;
	return REP_OK;
}

/* ---------- items ---------- */

size_t
rep_item_index(const template_t *tpl, const void *it)
{
	size_t idx = 0;
	for (size_t s = 0; s < tpl->nsections; s++)
		for (size_t k = 0; k < tpl->sections[s].nitems; k++, idx++)
			if ((const void *)&tpl->sections[s].items[k] == it)
				return idx;
	return idx;
}

size_t
rep_item_count(const template_t *tpl)
{
	size_t n = 0;
	for (size_t s = 0; s < tpl->nsections; s++)
		n += tpl->sections[s].nitems;
	return n;
}

/* ---------- who, and the level lock ---------- */

int
rep_on_behalf(const rep_ctx_t *cx, int32_t unit)
{
	if (cx->actor.operator)
		return 1;
	for (size_t k = 0; k < cx->actor.ngrants; k++)
		if (cx->actor.grants[k].unit == unit)
			return 0;
	return 1;
}

static int
may(const rep_ctx_t *cx, action_t a, int32_t unit)
{
	return cx->actor.operator||
	        access_allowed(cx->tree, cx->actor.grants, cx->actor.ngrants, a, unit);
}

typedef struct status_ctx {
	rep_state_t s;
} status_ctx_t;

static int
status_row(const store_report_t *r, void *p)
{
	((status_ctx_t *)p)->s = rep_state_parse(r->status);
	return 0;
}

/* The first campaign of lc's adoption chain (the one issued highest). */
static int64_t
chain_root(store_t *st, const campaign_t *c)
{
	int64_t *ids;
	size_t n;
	if (c->parent_id == 0 || campaign_ancestry(st, c->id, &ids, &n) < 0 || n == 0)
		return c->id;
	int64_t root = ids[n - 1];
	free(ids);
	return root;
}

int32_t
rep_locked_by(const rep_ctx_t *cx, const live_campaign_t *lc, int32_t unit)
{
	const unit_tree_t *t = cx->tree;
	int64_t root = -1, *ids = NULL, *issuers = NULL;
	size_t n = 0;
	int32_t found = -1;
	for (int32_t a = t->units[unit].parent; a >= 0 && found < 0; a = t->units[a].parent) {
		if (!t->units[a].is_locality)
			continue;
		if (root < 0) { /* the campaigns are read once for every level above */
			root = chain_root(cx->store, lc->c);
			if (campaign_adoptions(cx->store, root, &ids, &issuers, &n) < 0)
				n = 0;
		}
		int64_t cid = campaign_effective_among(ids, issuers, n, t, root, a);
		status_ctx_t s = {RS_NONE};
		if (store_report_get(cx->store, cid, t->units[a].id, status_row, &s) == 1 &&
		    s.s == RS_APPROVED)
			found = a;
	}
	free(ids);
	free(issuers);
	return found;
}

/* A report below level i still sent back (returned or reopened): its tree index, or -1. */
typedef struct sent_back {
	const unit_tree_t *t;
	int32_t level, found;
} sent_back_t;

static int
sent_back_row(const store_report_t *r, void *p)
{
	sent_back_t *s = p;
	rep_state_t st = rep_state_parse(r->status);
	if (st != RS_RETURNED && st != RS_REOPENED)
		return 0;
	int32_t i = unit_tree_find_id(s->t, r->unit_id);
	if (i > s->level && unit_tree_contains(s->t, s->level, i)) {
		s->found = i;
		return 1;
	}
	return 0;
}

static int32_t
sent_back_below(const rep_ctx_t *cx, const live_campaign_t *lc, int32_t level)
{
	sent_back_t s = {cx->tree, level, -1};
	store_reports_of_campaign(cx->store, lc->c->id, sent_back_row, &s);
	int64_t *ids, *issuers;
	size_t n;
	if (s.found < 0 && campaign_adoptions(cx->store, lc->c->id, &ids, &issuers, &n) == 0) {
		for (size_t k = 0; k < n && s.found < 0; k++)
			store_reports_of_campaign(cx->store, ids[k], sent_back_row, &s);
		free(ids);
		free(issuers);
	}
	return s.found;
}

/* ---------- the narratives a level starts from ---------- */

typedef struct consol {
	const rep_ctx_t *cx;
	const live_campaign_t *lc;
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
	const unit_tree_t *t = c->cx->tree;
	int32_t i = unit_tree_find_id(t, r->unit_id);
	if (i <= c->level || !unit_tree_contains(t, c->level, i) ||
	    !rep_state_counted(rep_state_parse(r->status)))
		return 0;
	consol_one_t o = {c, t->units[i].name};
	store_report_values(c->cx->store, r->id, consol_value, &o);
	return 0;
}

void
rep_consolidate(const rep_ctx_t *cx, const live_campaign_t *lc, int32_t level, const char **text)
{
	const template_t *tpl = lc->c->tpl;
	consol_t c = {cx, lc, level, xcalloc(tpl->ntexts + 1, sizeof(buf_t))};
	store_reports_of_campaign(cx->store, lc->c->id, consol_report, &c);
	for (size_t k = 0; k < tpl->ntexts; k++) {
		if (!text[k] && c.bufs[k].len)
			text[k] = arena_strdup(cx->arena, buf_cstr(&c.bufs[k]));
		buf_free(&c.bufs[k]);
	}
	free(c.bufs);
}

/* ---------- writing ---------- */

/* Text for the audit log, shortened to 200 bytes (on a character boundary). */
static const char *
shortened(arena_t *a, const char *text)
{
	if (!text)
		return "";
	if (strlen(text) <= 200)
		return text;
	int k = 200; /* cut before a character, never inside one */
	while (k > 0 && ((unsigned char)text[k] & 0xC0) == 0x80)
		k--;
	return arena_printf(a, "%.*s…", k, text);
}

/* Audit value text: numbers as typed back ("1.234"), yes/no in words, text shortened. */
static const char *
shown(arena_t *a, const tpl_item_t *it, int has, int64_t num, const char *text)
{
	if (it->col >= 0) {
		if (!has)
			return "";
		if (it->type == TPL_BOOL)
			return num ? "có" : "không";
		buf_t b = BUF_INIT;
		text_format_int(num, &b);
		char *s = arena_strdup(a, buf_cstr(&b));
		buf_free(&b);
		return s;
	}
	return shortened(a, text);
}

static int
audit(const rep_ctx_t *cx, int32_t unit, const char *action, const char *target, const char *o,
      const char *n)
{
	buf_t path = BUF_INIT;
	unit_tree_path(cx->tree, unit, &path);
	store_audit_t e = {
	        .at = cx->now,
	        .actor_id = cx->actor.user_id,
	        .actor_name = cx->actor.name ? cx->actor.name : "",
	        .unit_id = cx->tree->units[unit].id,
	        .unit_path = buf_cstr(&path),
	        .action = action,
	        .target = target,
	        .old_value = o ? o : "",
	        .new_value = n ? n : "",
	        .ip = cx->actor.ip ? cx->actor.ip : "",
	};
	int rc = store_audit_append(cx->store, &e);
	buf_free(&path);
	return rc < 0 ? -1 : 0;
}

/* A committed write of unit's values (by the columns of template from) into campaign id's
 * entry for cx->tree: set in it when it is loaded (unless it is skip, already set), kept
 * for its build when it is being built; nothing when it is not loaded (it reads the write
 * from the store when it is). */
static void
live_set(const rep_ctx_t *cx, int64_t id, const live_campaign_t *skip, const template_t *from,
         int32_t unit, const int64_t *num, const unsigned char *has, int counted)
{
	live_campaign_t *cur = rep_live_peek(cx->live, cx->tree, id);
	if (cur == skip && cur != NULL)
		return;
	if (cur == NULL) {
		live_defer(cx->live, cx->tree, id, from, unit, num, has, counted);
		return;
	}
	int64_t *v;
	unsigned char *h;
	map_values(from, cur->c->tpl, num, has, &v, &h);
	rollup_set(cur->ru, unit, v, h, counted);
	free(v);
	free(h);
}

/* A report written in campaign lc also counts in every campaign lc adopts (up the chain):
 * update those roll-ups that are loaded, mapping values by item code. One not loaded is
 * not built here (that would cost the writer ~0.4 s): it reads this committed write from
 * the store when it is built; one being built gets the write when its build ends. */
static void
propagate(const rep_ctx_t *cx, live_campaign_t *lc, int32_t unit, const int64_t *num,
          const unsigned char *has, int counted)
{
	const unit_tree_t *t = cx->tree;
	if (cx->live == NULL || lc->c->parent_id == 0 || t->units[unit].is_locality)
		return;
	int64_t *chain;
	size_t n;
	if (campaign_ancestry(cx->store, lc->c->parent_id, &chain, &n) < 0)
		return;
	for (size_t k = 0; k < n; k++)
		live_set(cx, chain[k], NULL, lc->c->tpl, unit, num, has, counted);
	free(chain);
}

/* lc may have been replaced while the write was with the writer (another process wrote,
 * the campaign's row changed: rep_live_forget), and its replacement built from the store
 * before the write committed: give the write to the replacement too, or to its build.
 * Setting a unit's values again is harmless when the build did read them. (An entry for a
 * newer unit tree is not looked for: its unit indexes are another tree's.) */
static void
replaced(const rep_ctx_t *cx, live_campaign_t *lc, int32_t unit, const int64_t *num,
         const unsigned char *has, int counted)
{
	if (cx->live != NULL)
		live_set(cx, lc->c->id, lc, lc->c->tpl, unit, num, has, counted);
}

/* A committed write's report state into the live states of lc, its replacement and the
 * campaigns it adopts (service/live_states.h): the chase board reads no store for it. */
static void
states_written(const rep_ctx_t *cx, live_campaign_t *lc, int32_t unit, const chase_state_t *s)
{
	live_states_written(cx->live, cx->store, cx->tree, lc, lc->c, unit, s);
}

static rep_rc_t
refuse(rep_outcome_t *out, rep_rc_t rc, const char *msg)
{
	out->message = msg;
	return rc;
}

/* The refusal of note x (n bytes) on item it, or NULL when it is fine. */
static const char *
note_refusal(arena_t *a, const tpl_item_t *it, const char *x, const char **clean)
{
	const char *why;
	if (text_clean(a, x, TEXT_TRIM, REP_NOTE_MAX, clean, &why) == 0)
		return NULL;
	return arena_printf(a, "Ghi chú của mục %s (%s) %s (một dòng, tối đa %d byte); hãy gõ lại.",
	                    it->code, it->label, why, REP_NOTE_MAX);
}

/* Text typed in TCVN3/VNI and pasted as mojibake (text/legacy_field.h) is not stored: the
 * item is refused with the repaired text in out->suggest_text or out->suggest_note (at
 * idx), which the form puts in the field and the API returns, so a second save with it
 * confirms. 1 when refused. */
static int
legacy_refusal(const rep_ctx_t *cx, size_t nitems, const tpl_item_t *it, size_t idx, int note,
               const char *x, size_t n, rep_outcome_t *out)
{
	const char *what = arena_printf(cx->arena, "%s của mục %s (%s)",
	                                note ? "Ghi chú" : "Nội dung", it->code, it->label);
	const char *fixed, *msg;
	if (!legacy_field_check(cx->arena, what, x, n, &fixed, &msg))
		return 0;
	const char ***slot = note ? &out->suggest_note : &out->suggest_text;
	if (*slot == NULL) {
		*slot = arena_alloc(cx->arena, (nitems + 1) * sizeof **slot);
		memset(*slot, 0, (nitems + 1) * sizeof **slot);
	}
	(*slot)[idx] = fixed;
	if (!out->errors[idx])
		out->errors[idx] = msg;
	out->nerrors++;
	return 1;
}

/* Copy the input values into the arena, checking texts and notes; a level keeps only its
 * texts and notes. */
static void
copy_values(const rep_ctx_t *cx, const template_t *tpl, int level, const rep_values_t *in,
            rep_values_t *v, rep_outcome_t *out)
{
	rep_values_init(cx->arena, tpl, v);
	if (in == NULL)
		return;
	for (size_t s = 0; s < tpl->nsections; s++)
		for (size_t k = 0; k < tpl->sections[s].nitems; k++) {
			const tpl_item_t *it = &tpl->sections[s].items[k];
			size_t idx = rep_item_index(tpl, it);
			if (it->col >= 0 && !level && in->has[it->col]) {
				v->num[it->col] = in->num[it->col];
				v->has[it->col] = 1;
				if (it->type == TPL_BOOL)
					v->num[it->col] = in->num[it->col] != 0;
			} else if (it->tcol >= 0 && in->text[it->tcol] && *in->text[it->tcol]) {
				const char *x = in->text[it->tcol], *clean, *why;
				/* TCVN3/VNI first: offered repaired (its mojibake may hold
				 * characters the hygiene refuses) */
				if (legacy_refusal(cx, rep_item_count(tpl), it, idx, 0, x,
				                   strlen(x), out))
					;
				else if (text_clean(cx->arena, x, TEXT_MULTILINE, MAX_TEXT, &clean,
				                    &why) < 0) {
					out->errors[idx] =
					        arena_printf(cx->arena,
					                     "Nội dung mục %s %s (tối đa 20.000 "
					                     "byte); hãy sửa lại.",
					                     it->code, why);
					out->nerrors++;
				} else
					v->text[it->tcol] = arena_strdup(cx->arena, clean);
			}
			const char *x = in->note ? in->note[idx] : NULL;
			if (x && *x &&
			    !legacy_refusal(cx, rep_item_count(tpl), it, idx, 1, x, strlen(x),
			                    out)) {
				const char *clean;
				const char *why = note_refusal(cx->arena, it, x, &clean);
				if (why) {
					if (!out->errors[idx])
						out->errors[idx] = why;
					out->nerrors++;
				} else if (*clean)
					v->note[idx] = arena_strdup(cx->arena, clean);
			}
		}
}

/* Relations, limits and (on submit) required items, into out->errors. */
static void
check_values(const rep_ctx_t *cx, const template_t *tpl, int submitting, int level,
             const rep_values_t *v, rep_outcome_t *out)
{
	tpl_error_t errs[64];
	tpl_values_t tv = {v->num, v->has, v->text};
	size_t n = template_check(tpl, &tv, submitting, errs, 64);
	for (size_t k = 0; k < n; k++) {
		const tpl_item_t *it = errs[k].item ? template_item(tpl, errs[k].item) : NULL;
		if (level && it && it->col >= 0)
			continue; /* computed figures */
		if (it) {
			size_t idx = rep_item_index(tpl, it);
			if (!out->errors[idx]) {
				out->errors[idx] = arena_strdup(cx->arena, errs[k].msg);
				out->nerrors++;
			}
		} else if (!out->message)
			out->message = arena_strdup(cx->arena, errs[k].msg);
	}
}

static int
same_values(const template_t *tpl, const rep_values_t *a, const rep_values_t *b)
{
	for (size_t c = 0; c < tpl->ncols; c++)
		if (a->has[c] != b->has[c] || (a->has[c] && a->num[c] != b->num[c]))
			return 0;
	for (size_t k = 0; k < tpl->ntexts; k++) {
		const char *x = a->text[k] ? a->text[k] : "", *y = b->text[k] ? b->text[k] : "";
		if (strcmp(x, y) != 0)
			return 0;
	}
	for (size_t k = 0, n = rep_item_count(tpl); k < n; k++) {
		const char *x = a->note[k] ? a->note[k] : "", *y = b->note[k] ? b->note[k] : "";
		if (strcmp(x, y) != 0)
			return 0;
	}
	return 1;
}

static const char *
state_refusal(rep_op_t op, rep_state_t from, int level)
{
	switch (op) {
	case REP_SAVE:
	case REP_SUBMIT:
		if (from == RS_SUBMITTED && op == REP_SUBMIT && !level)
			return "Báo cáo đã nộp nên bị khóa. Muốn sửa, cấp trên cần trả lại báo "
			       "cáo.";
		return from == RS_APPROVED ? "Báo cáo đã được duyệt nên bị khóa. Muốn sửa, cấp "
		                             "trên cần mở lại báo cáo."
		                           : "Báo cáo đã nộp nên bị khóa. Muốn sửa, cấp trên cần "
		                             "trả lại hoặc mở lại báo cáo.";
	case REP_RETURN:
	case REP_APPROVE: return "Chỉ trả lại hoặc duyệt được báo cáo đã nộp (chưa duyệt).";
	case REP_REOPEN: return "Chỉ mở lại được báo cáo đã duyệt.";
	default: return "Thao tác không hợp lệ.";
	}
}

static const rep_transition_t *
find_transition(rep_op_t op, rep_state_t from, int level)
{
	for (size_t k = 0; k < sizeof transitions / sizeof transitions[0]; k++) {
		const rep_transition_t *tr = &transitions[k];
		if (tr->op == op && (tr->from & BIT(from)) && (!tr->levels_only || level))
			return tr;
	}
	return NULL;
}

/* The writes of one change, carrying the first error forward. */
/* The notice of a review to the unit, in the write's transaction. */
static int
notify_review(const rep_ctx_t *cx, const live_campaign_t *lc, int32_t unit, const rep_input_t *in,
              rep_outcome_t *out)
{
	const unit_tree_t *t = cx->tree;
	const campaign_t *c = lc->c;
	arena_t *a = cx->arena;
	const char *who = cx->actor.name && *cx->actor.name ? cx->actor.name : "cấp trên";
	const char *comment = in->comment && *in->comment ? in->comment : "";
	notify_msg_t m = {.unit = unit,
	                  .to = NOTIFY_TO_UNIT,
	                  .campaign_id = c->id,
	                  .about = -1,
	                  .by = cx->actor.user_id,
	                  .link = arena_printf(a, "/campaigns/%lld/units/%s/report",
	                                       (long long)c->id, t->units[unit].code)};
	if (in->op == REP_RETURN) {
		m.kind = "return";
		m.title = arena_printf(a, "Báo cáo %s bị trả lại", c->name);
		m.body = arena_printf(a,
		                      "Báo cáo của %s đã bị %s trả lại.\nLý do: %s\nĐề nghị đơn "
		                      "vị sửa và nộp lại.",
		                      t->units[unit].name, who, comment);
	} else if (in->op == REP_APPROVE) {
		m.kind = "approve";
		m.title = arena_printf(a, "Báo cáo %s đã được duyệt", c->name);
		m.body = arena_printf(a, "Báo cáo của %s đã được %s duyệt.", t->units[unit].name,
		                      who);
	} else if (in->op == REP_REOPEN) {
		m.kind = "reopen";
		m.title = arena_printf(a, "Báo cáo %s được mở lại để sửa", c->name);
		m.body = arena_printf(a, "Báo cáo của %s đã được %s mở lại để sửa.%s%s",
		                      t->units[unit].name, who, *comment ? "\nLời nhắn: " : "",
		                      comment);
	} else
		return 0;
	int nmails = 0;
	if (notify_write(cx->store, t, cx->notify, &m, cx->now, NULL, &nmails) < 0)
		return -1;
	out->mails += nmails;
	return 0;
}

static void
write_change(int *err, const rep_ctx_t *cx, live_campaign_t *lc, int32_t unit,
             const rep_report_t *old, const rep_input_t *in, rep_state_t to, const rep_values_t *v,
             rep_outcome_t *out, chase_state_t *written)
{
	const unit_tree_t *t = cx->tree;
	const template_t *tpl = lc->c->tpl;
	arena_t *a = cx->arena;
	int64_t uid = cx->actor.user_id;
	int level = t->units[unit].is_locality;
	int writes_values = in->op == REP_SAVE || in->op == REP_SUBMIT;
	int behalf = writes_values ? rep_on_behalf(cx, unit) : old->on_behalf;
	int review = !writes_values;
	store_report_t r = {
	        .id = old->id,
	        .campaign_id = lc->c->id,
	        .unit_id = t->units[unit].id,
	        .status = rep_state_code(to),
	        .updated_at = cx->now,
	        .updated_by = uid,
	        .on_behalf = behalf,
	        .submitted_at = in->op == REP_SUBMIT ? cx->now : old->submitted_at,
	        .submitted_by = in->op == REP_SUBMIT ? uid : 0,
	        .reviewed_at = review ? cx->now : old->reviewed_at,
	        .reviewed_by = review ? uid : 0,
	        .comment = review ? (in->comment ? in->comment : "") : old->comment,
	};
	int64_t id = old->id, version = old->version;
	int64_t expect = in->expected_version >= 0 ? in->expected_version : old->version;
	int rc;
	if (writes_values) {
		store_value_t *vals = arena_alloc(a, (tpl->ncols + tpl->ntexts + 1) * sizeof *vals);
		size_t nv = 0;
		for (size_t s = 0; s < tpl->nsections; s++)
			for (size_t k = 0; k < tpl->sections[s].nitems; k++) {
				const tpl_item_t *it = &tpl->sections[s].items[k];
				const char *note = rep_item_note(tpl, v, it);
				if (it->col >= 0 && v->has[it->col])
					vals[nv++] = (store_value_t){it->code, 1, v->num[it->col],
					                             "", note};
				else if (it->tcol >= 0 && v->text[it->tcol])
					vals[nv++] = (store_value_t){it->code, 0, 0,
					                             v->text[it->tcol], note};
				else if (*note) /* a note alone ("không tổ chức") */
					vals[nv++] = (store_value_t){it->code, 0, 0, "", note};
			}
		rc = store_report_save(cx->store, &r, vals, nv, expect, &id, &version);
	} else
		rc = store_report_set_status(cx->store, &r, expect, &version);
	if (rc == -2) {
		*err = REP_ERR_CONFLICT;
		return;
	}
	if (rc < 0) {
		*err = REP_ERR_STORE;
		return;
	}
	out->report_id = id;
	out->version = version;
	memset(written, 0, sizeof *written);
	snprintf(written->status, sizeof written->status, "%s", r.status);
	written->updated_at = r.updated_at;
	written->submitted_at = r.submitted_at;
	written->reviewed_at = r.reviewed_at;
	const char *event = in->op == REP_SUBMIT && old->state == RS_SUBMITTED
	                            ? "resubmit"
	                            : rep_op_code(in->op);
	store_report_event_t ev = {0,   id,    cx->now,
	                           uid, event, review && in->comment ? in->comment : ""};
	if (store_report_event_add(cx->store, &ev) < 0) {
		*err = REP_ERR_STORE;
		return;
	}
	if (in->op == REP_SUBMIT && old->state == RS_SUBMITTED) {
		store_report_event_t why = {0, id, cx->now, uid, "resubmit.reason", in->reason};
		/* the re-forwarding is a change of its own even when no value or status moves:
		 * its audit entry carries the reason */
		if (store_report_event_add(cx->store, &why) < 0 ||
		    audit(cx, unit, "report.resubmit",
		          arena_printf(a, "%lld:", (long long)lc->c->id), "",
		          shortened(a, in->reason)) < 0) {
			*err = REP_ERR_STORE;
			return;
		}
	}
	if (level && in->op == REP_SUBMIT) {
		/* the figures forwarded upward, frozen as they are now */
		size_t nc = tpl->ncols ? tpl->ncols : 1;
		int64_t *tot = arena_alloc(a, nc * sizeof *tot);
		rollup_subtree(lc->ru, t, unit, 0, tot, NULL);
		store_value_t *vals = arena_alloc(a, nc * sizeof *vals);
		for (size_t c = 0; c < tpl->ncols; c++)
			vals[c] = (store_value_t){template_item_col(tpl, (int)c)->code, 1, tot[c],
			                          "", ""};
		if (store_report_freeze(cx->store, id, vals, tpl->ncols, cx->now) < 0) {
			*err = REP_ERR_STORE;
			return;
		}
	}
	if (review && notify_review(cx, lc, unit, in, out) < 0) {
		*err = REP_ERR_STORE;
		return;
	}
	/* every changed value, old -> new, and the status change, under the unit */
	const char *prefix = arena_printf(a, "%lld:", (long long)lc->c->id);
	if (writes_values)
		for (size_t s = 0; s < tpl->nsections && *err == 0; s++)
			for (size_t k = 0; k < tpl->sections[s].nitems && *err == 0; k++) {
				const tpl_item_t *it = &tpl->sections[s].items[k];
				const char *o, *n;
				if (it->col >= 0) {
					o = shown(a, it, old->v.has[it->col], old->v.num[it->col],
					          NULL);
					n = shown(a, it, v->has[it->col], v->num[it->col], NULL);
				} else if (it->tcol >= 0) {
					o = shown(a, it, 0, 0, old->v.text[it->tcol]);
					n = shown(a, it, 0, 0, v->text[it->tcol]);
				} else
					continue;
				if (strcmp(o, n) != 0 &&
				    audit(cx, unit, behalf ? "report.value.behalf" : "report.value",
				          arena_printf(a, "%s%s", prefix, it->code), o, n) < 0)
					*err = REP_ERR_STORE;
				o = shortened(a, rep_item_note(tpl, &old->v, it));
				n = shortened(a, rep_item_note(tpl, v, it));
				if (*err == 0 && strcmp(o, n) != 0 &&
				    audit(cx, unit, "report.note",
				          arena_printf(a, "%s%s", prefix, it->code), o, n) < 0)
					*err = REP_ERR_STORE;
			}
	if (*err == 0 && old->state != to &&
	    audit(cx, unit, "report.status", prefix, rep_state_code(old->state),
	          rep_state_code(to)) < 0)
		*err = REP_ERR_STORE;
	if (*err)
		return;
	/* the report as now stored (the values written are exactly v's) */
	rep_report_t *w = &out->report;
	*w = *old;
	w->exists = 1;
	w->id = id;
	w->version = version;
	w->state = to;
	snprintf(w->status, sizeof w->status, "%s", rep_state_code(to));
	w->on_behalf = behalf;
	w->updated_at = r.updated_at;
	w->submitted_at = r.submitted_at;
	w->reviewed_at = r.reviewed_at;
	w->comment = r.comment ? r.comment : "";
	if (writes_values)
		w->v = *v;
	w->num = w->v.num;
	w->has = w->v.has;
	w->text = w->v.text;
}

/* Characters, not bytes: "Sửa" is 3 characters in 5 bytes, and the minimum lengths of a
 * comment or a reason are in characters. */
static size_t
utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static const char *
done_message(rep_op_t op, int resubmit)
{
	switch (op) {
	case REP_SAVE: return "Đã lưu bản nháp.";
	case REP_SUBMIT:
		return resubmit ? "Đã nộp lại số liệu tổng hợp kèm lý do."
		                : "Đã nộp báo cáo. Báo cáo bị khóa cho đến khi cấp trên trả lại.";
	case REP_RETURN: return "Đã trả lại báo cáo kèm nhận xét; đơn vị có thể sửa và nộp lại.";
	case REP_APPROVE: return "Đã duyệt báo cáo.";
	case REP_REOPEN: return "Đã mở lại báo cáo để đơn vị sửa.";
	default: return "";
	}
}

/* One change on its way through the service: the checks and the writes run together
 * (on the writer thread, inside its group's transaction, when there is a writer), the
 * roll-ups move and the caller hears of it only once the writes are durable. */
typedef struct apply_job {
	rep_ctx_t cx;
	live_campaign_t *lc;
	int32_t unit;
	rep_input_t in;
	rep_values_t in_values; /* *in.values, copied: the caller's may be on its stack */
	rep_outcome_t *out;
	rep_rc_t rc;
	rep_report_t old;
	rep_values_t v;
	int ran;       /* the checks ran in the transaction */
	int attempted; /* the checks passed and the writes were tried */
	int wrote;     /* ... and made (in the open transaction) */
	int resubmit;
	chase_state_t written; /* the report's state as written (for the live states) */
	void (*done)(void *arg, rep_rc_t rc);
	void *arg;
	writer_job_t wj;
} apply_job_t;

/* Everything before the writes: REP_OK to write (job->v, job->out->state set), or the
 * refusal in job->out. */
static rep_rc_t
apply_check(apply_job_t *job)
{
	const rep_ctx_t *cx = &job->cx;
	live_campaign_t *lc = job->lc;
	int32_t unit = job->unit;
	const rep_input_t *in = &job->in;
	rep_outcome_t *out = job->out;
	const unit_tree_t *t = cx->tree;
	const template_t *tpl = lc->c->tpl;
	if (in->op >= REP_NOPS)
		return refuse(out, REP_ERR_INVALID, "Thao tác không hợp lệ.");
	int32_t issuer = campaign_issuer(lc->c, t);
	if (unit < 0 || unit >= t->n || issuer < 0 || !unit_tree_contains(t, issuer, unit))
		return refuse(out, REP_ERR_NOT_FOUND,
		              "Đơn vị này không thuộc phạm vi của đợt báo cáo.");
	int64_t eff = campaign_effective(cx->store, t, lc->c->id, unit);
	if (eff != lc->c->id) {
		out->campaign_id = eff;
		return refuse(
		        out, REP_ERR_ELSEWHERE,
		        arena_printf(cx->arena,
		                     "Đơn vị này báo cáo trong đợt %lld do cấp của mình triển "
		                     "khai; hãy gửi báo cáo vào đợt đó.",
		                     (long long)eff));
	}
	int level = t->units[unit].is_locality;
	rep_report_t old;
	if (rep_read(cx, lc, unit, &old) != REP_OK)
		return refuse(out, REP_ERR_STORE, "Lỗi khi đọc báo cáo; hãy thử lại.");
	out->state = old.state;
	out->version = old.version;
	out->report_id = old.id;
	const rep_transition_t *tr = find_transition(in->op, old.state, level);
	action_t right = tr                     ? tr->right
	                 : in->op == REP_SAVE   ? ACT_REPORT_EDIT
	                 : in->op == REP_SUBMIT ? ACT_REPORT_SUBMIT
	                                        : ACT_REPORT_REVIEW;
	if (!may(cx, right, unit))
		return refuse(out, REP_ERR_DENIED,
		              right == ACT_REPORT_REVIEW
		                      ? "Bạn không có quyền duyệt báo cáo của đơn vị này."
		              : right == ACT_REPORT_SUBMIT
		                      ? "Bạn không có quyền nộp báo cáo của đơn vị này."
		                      : "Bạn không có quyền nhập báo cáo của đơn vị này.");
	int32_t lock = rep_locked_by(cx, lc, unit);
	if (lock >= 0) {
		out->locked_by = lock;
		return refuse(out, REP_ERR_LOCKED,
		              arena_printf(cx->arena,
		                           "Báo cáo của %s đã được cấp trên duyệt nên các báo cáo "
		                           "bên dưới bị khóa. Cần cấp trên mở lại báo cáo của %s "
		                           "trước.",
		                           t->units[lock].name, t->units[lock].name));
	}
	if (tr == NULL)
		return refuse(out, REP_ERR_STATE, state_refusal(in->op, old.state, level));
	int writes_values = in->op == REP_SAVE || in->op == REP_SUBMIT;
	if (writes_values && strcmp(lc->c->status, "open") != 0)
		return refuse(out, REP_ERR_STATE,
		              "Đợt báo cáo này chưa mở hoặc đã đóng; không nhận báo cáo.");
	int resubmit = in->op == REP_SUBMIT && old.state == RS_SUBMITTED;
	/* the comment and the reason as they will be stored: NFC, trimmed, no control or
	 * bidi characters, at most REP_COMMENT_MAX bytes (text/hygiene.h) */
	const char *why;
	if (in->comment && text_clean(cx->arena, in->comment, TEXT_MULTILINE | TEXT_TRIM,
	                              REP_COMMENT_MAX, &job->in.comment, &why) < 0)
		return refuse(out, REP_ERR_INVALID,
		              arena_printf(cx->arena, "Nhận xét %s (tối đa %d byte); hãy viết lại.",
		                           why, REP_COMMENT_MAX));
	if (in->reason && text_clean(cx->arena, in->reason, TEXT_MULTILINE | TEXT_TRIM,
	                             REP_COMMENT_MAX, &job->in.reason, &why) < 0)
		return refuse(out, REP_ERR_INVALID,
		              arena_printf(cx->arena, "Lý do %s (tối đa %d byte); hãy viết lại.",
		                           why, REP_COMMENT_MAX));
	if (in->op == REP_RETURN && (!in->comment || utf8_chars(in->comment) < 3))
		return refuse(out, REP_ERR_INVALID,
		              "Trả lại báo cáo cần nhận xét (ít nhất 3 ký tự, không chỉ khoảng "
		              "trắng) cho đơn vị biết phải sửa gì.");
	if (resubmit && (!in->reason || utf8_chars(in->reason) < 5))
		return refuse(out, REP_ERR_INVALID,
		              "Nộp lại số liệu đã thay đổi cần ghi rõ lý do (ít nhất 5 ký tự, "
		              "không tính khoảng trắng ở hai đầu).");
	if (in->op == REP_APPROVE && level) {
		int32_t back = sent_back_below(cx, lc, unit);
		if (back >= 0)
			return refuse(
			        out, REP_ERR_STATE,
			        arena_printf(cx->arena,
			                     "Chưa duyệt được: báo cáo của %s đang bị trả lại "
			                     "để sửa. Cần đơn vị nộp lại và được duyệt hoặc "
			                     "xử lý trước.",
			                     t->units[back].name));
	}
	rep_values_t v;
	if (writes_values) {
		copy_values(cx, tpl, level, in->values, &v, out);
		if (resubmit) /* keep the narrative already submitted unless new text came */
			for (size_t k = 0; k < tpl->ntexts; k++)
				if (!v.text[k])
					v.text[k] = old.v.text[k];
		if (resubmit) /* and its notes */
			for (size_t k = 0, n = rep_item_count(tpl); k < n; k++)
				if (!v.note[k])
					v.note[k] = old.v.note[k];
		check_values(cx, tpl, in->op == REP_SUBMIT, level, &v, out);
		if (out->nerrors || out->message) {
			if (!out->message)
				out->message = "Có mục chưa hợp lệ; không có gì được lưu.";
			return REP_ERR_INVALID;
		}
	} else
		v = old.v;
	if (in->expected_version >= 0 && in->expected_version != old.version)
		return refuse(out, REP_ERR_CONFLICT,
		              "Báo cáo vừa được người khác sửa hoặc nộp. Hãy tải lại trang để xem "
		              "bản mới nhất rồi thực hiện lại.");
	rep_state_t to = tr->to == RS_COUNT ? old.state : tr->to;
	out->changed = to != old.state || (writes_values && !same_values(tpl, &v, &old.v));
	out->state = to;
	job->old = old;
	job->v = v;
	job->resubmit = resubmit;
	if (in->dry_run)
		return refuse(out, REP_OK, "Kiểm tra xong: hợp lệ (chưa ghi gì).");
	return REP_OK;
}

/* The writes of a checked change, in the transaction (or savepoint) the caller opened:
 * 0, or the REP_ERR_ code that must roll it back. */
static int
apply_write(apply_job_t *job)
{
	int err = 0;
	rep_state_t to = job->out->state;
	write_change(&err, &job->cx, job->lc, job->unit, &job->old, &job->in, to, &job->v, job->out,
	             &job->written);
	return err;
}

/* After the commit (durable) or its failure: the outcome, and the roll-ups moved. */
static void
apply_finish(apply_job_t *job, int err)
{
	const rep_ctx_t *cx = &job->cx;
	rep_outcome_t *out = job->out;
	const unit_tree_t *t = cx->tree;
	live_campaign_t *lc = job->lc;
	int32_t unit = job->unit;
	if (err) {
		/* the outcome describes the report as it still is, not the write that failed
		 * (a new report's id was rolled back with it) */
		out->state = job->old.state;
		out->version = job->old.version;
		out->report_id = job->old.id;
		out->changed = 0;
		memset(&out->report, 0, sizeof out->report);
		if (err == REP_ERR_CONFLICT) {
			job->rc = refuse(out, REP_ERR_CONFLICT,
			                 "Báo cáo vừa được người khác sửa hoặc nộp. Hãy tải lại "
			                 "trang để xem bản mới nhất rồi thực hiện lại.");
			return;
		}
		log_error("report %s of unit %s in campaign %lld: the store refused the write",
		          rep_op_code(job->in.op), t->units[unit].code, (long long)lc->c->id);
		job->rc = refuse(out, REP_ERR_STORE, "Không ghi được báo cáo; hãy thử lại.");
		return;
	}
	/* a level's compiled report forwards its subtree's totals, it adds none of its own */
	int counted = rep_state_counted(out->state);
	if (!t->units[unit].is_locality) {
		rollup_set(lc->ru, unit, job->v.num, job->v.has, counted);
		replaced(cx, lc, unit, job->v.num, job->v.has, counted);
	}
	propagate(cx, lc, unit, job->v.num, job->v.has, counted);
	if (job->wrote)
		states_written(cx, lc, unit, &job->written);
	if (out->mails > 0)
		notify_wake(cx->notify);
	job->rc = refuse(out, REP_OK, done_message(job->in.op, job->resubmit));
}

/* The writer's side of a change: checks and writes inside its group's transaction. */
static int
job_run(void *arg)
{
	apply_job_t *job = arg;
	job->ran = 1;
	job->rc = apply_check(job);
	if (job->rc != REP_OK || job->in.dry_run)
		return 1; /* nothing to keep */
	job->attempted = 1;
	int err = apply_write(job);
	job->wrote = err == 0;
	if (err)
		job->rc = (rep_rc_t)err;
	return err ? 1 : 0;
}

static void
job_done(void *arg, int durable)
{
	apply_job_t *job = arg;
	if (!job->ran && (job->rc = apply_check(job)) == REP_OK)
		/* the transaction could not even begin: refused as the checks would have it,
		 * else a store error describing the report as it is */
		apply_finish(job, REP_ERR_STORE);
	else if (job->attempted)
		apply_finish(job, !job->wrote ? (int)job->rc : durable ? 0 : REP_ERR_STORE);
	job->done(job->arg, job->rc);
}

static apply_job_t *
job_new(const rep_ctx_t *cx, live_campaign_t *lc, int32_t unit, const rep_input_t *in,
        rep_outcome_t *out, void (*done)(void *, rep_rc_t), void *arg)
{
	apply_job_t *job = arena_alloc(cx->arena, sizeof *job);
	memset(job, 0, sizeof *job);
	job->cx = *cx;
	job->lc = lc;
	job->unit = unit;
	job->in = *in;
	if (in->values) {
		job->in_values = *in->values;
		job->in.values = &job->in_values;
	}
	job->out = out;
	job->done = done;
	job->arg = arg;
	memset(out, 0, sizeof *out);
	size_t nitems = rep_item_count(lc->c->tpl);
	out->errors = arena_alloc(cx->arena, (nitems + 1) * sizeof *out->errors);
	memset(out->errors, 0, (nitems + 1) * sizeof *out->errors);
	out->locked_by = -1;
	out->campaign_id = lc->c->id;
	/* a level's submission freezes the totals the roll-up holds: the roll-up must have
	 * moved for every write committed before it */
	job->wj =
	        (writer_job_t){.run = job_run,
	                       .done = job_done,
	                       .arg = job,
	                       .barrier = in->op == REP_SUBMIT && unit >= 0 && unit < cx->tree->n &&
	                                  cx->tree->units[unit].is_locality};
	return job;
}

/* Without a writer (the command line, tests): the same steps in a transaction of its
 * own. */
static void
job_inline(apply_job_t *job)
{
	if (job->in.dry_run) {
		job->rc = apply_check(job);
		job->done(job->arg, job->rc);
		return;
	}
	if (store_tx_begin(job->cx.store) < 0) {
		job_done(job, 0);
		return;
	}
	int keep = job_run(job) == 0;
	if (!keep)
		store_tx_rollback(job->cx.store);
	else if (store_tx_commit(job->cx.store) < 0)
		keep = 0;
	job_done(job, keep);
}

void
rep_apply_async(const rep_ctx_t *cx, live_campaign_t *lc, int32_t unit, const rep_input_t *in,
                rep_outcome_t *out, void (*done)(void *arg, rep_rc_t rc), void *arg)
{
	apply_job_t *job = job_new(cx, lc, unit, in, out, done, arg);
	if (in->dry_run || cx->writer == NULL || writer_is_self(cx->writer) ||
	    writer_submit(cx->writer, &job->wj) < 0)
		job_inline(job);
}

typedef struct waiter {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int finished;
	rep_rc_t rc;
} waiter_t;

static void
wake(void *arg, rep_rc_t rc)
{
	waiter_t *w = arg;
	pthread_mutex_lock(&w->mu);
	w->rc = rc;
	w->finished = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

rep_rc_t
rep_apply(const rep_ctx_t *cx, live_campaign_t *lc, int32_t unit, const rep_input_t *in,
          rep_outcome_t *out)
{
	waiter_t w = {.rc = REP_ERR_STORE};
	pthread_mutex_init(&w.mu, NULL);
	pthread_cond_init(&w.cv, NULL);
	rep_apply_async(cx, lc, unit, in, out, wake, &w);
	pthread_mutex_lock(&w.mu);
	while (!w.finished)
		pthread_cond_wait(&w.cv, &w.mu);
	pthread_mutex_unlock(&w.mu);
	pthread_cond_destroy(&w.cv);
	pthread_mutex_destroy(&w.mu);
	return w.rc;
}

/* ---------- photos ---------- */

static int
count_photo(const store_photo_t *p, void *ctx)
{
	(void)p;
	(*(int *)ctx)++;
	return 0;
}

/* The checks of a save, for a photo added or deleted: REP_OK with the report read. */
static rep_rc_t
photo_gate(const rep_ctx_t *cx, live_campaign_t *lc, int32_t unit, rep_report_t *old,
           rep_outcome_t *out)
{
	rep_input_t probe = {.op = REP_SAVE, .expected_version = -1, .dry_run = 1};
	rep_rc_t rc = rep_apply(cx, lc, unit, &probe, out);
	if (rc != REP_OK)
		return rc;
	return rep_read(cx, lc, unit, old) == REP_OK ? REP_OK : REP_ERR_STORE;
}

rep_rc_t
rep_photo_add(const rep_ctx_t *cx, live_campaign_t *lc, int32_t unit, const rep_photo_t *p,
              int max_photos, int64_t *photo_id, rep_outcome_t *out)
{
	*photo_id = 0;
	rep_report_t old;
	rep_rc_t rc = photo_gate(cx, lc, unit, &old, out);
	if (rc != REP_OK)
		return rc;
	int n = 0;
	if (old.exists && store_photos_of_report(cx->store, old.id, count_photo, &n) < 0)
		return refuse(out, REP_ERR_STORE, "Không đọc được ảnh của báo cáo; hãy thử lại.");
	if (n >= max_photos)
		return refuse(out, REP_ERR_INVALID,
		              arena_printf(cx->arena,
		                           "Mỗi báo cáo có tối đa %d ảnh; hãy xóa bớt ảnh cũ.",
		                           max_photos));
	const char *caption = p->caption ? p->caption : "";
	if (strlen(caption) > 300 || !text_utf8_valid(caption, strlen(caption)))
		return refuse(out, REP_ERR_INVALID,
		              "Chú thích ảnh dài quá 300 byte hoặc có ký tự "
		              "không hợp lệ.");
	int err = 0;
	chase_state_t written;
	memset(&written, 0, sizeof written);
	if (store_tx_begin(cx->store) < 0)
		return refuse(out, REP_ERR_STORE, "Không ghi được ảnh; hãy thử lại.");
	int64_t report_id = old.id;
	if (!old.exists) { /* a photo needs its report: the first one makes an empty draft */
		rep_input_t in = {.op = REP_SAVE, .values = &old.v, .expected_version = 0};
		write_change(&err, cx, lc, unit, &old, &in, RS_DRAFT, &old.v, out, &written);
		report_id = out->report_id;
	}
	store_photo_t row = {0,           report_id,    caption, p->width,         p->height,
	                     p->full_len, p->thumb_len, cx->now, cx->actor.user_id};
	if (err == 0 && store_photo_add(cx->store, &row, p->full, p->thumb, photo_id) < 0)
		err = REP_ERR_STORE;
	if (err == 0 &&
	    audit(cx, unit, "report.photo.add",
	          arena_printf(cx->arena, "%lld:%lld", (long long)lc->c->id, (long long)*photo_id),
	          "", caption) < 0)
		err = REP_ERR_STORE;
	if (err)
		store_tx_rollback(cx->store);
	else if (store_tx_commit(cx->store) < 0) /* rolled back by the store */
		err = REP_ERR_STORE;
	if (err) {
		*photo_id = 0;
		return refuse(out, err == REP_ERR_CONFLICT ? REP_ERR_CONFLICT : REP_ERR_STORE,
		              "Không ghi được ảnh; hãy thử lại.");
	}
	if (!old.exists && !cx->tree->units[unit].is_locality)
		rollup_set(lc->ru, unit, old.v.num, old.v.has, 0);
	if (!old.exists)
		states_written(cx, lc, unit, &written);
	out->changed = 1;
	return refuse(out, REP_OK, "Đã thêm ảnh.");
}

rep_rc_t
rep_photo_delete(const rep_ctx_t *cx, live_campaign_t *lc, int32_t unit, int64_t photo_id,
                 rep_outcome_t *out)
{
	rep_report_t old;
	rep_rc_t rc = photo_gate(cx, lc, unit, &old, out);
	if (rc != REP_OK)
		return rc;
	if (!old.exists)
		return refuse(out, REP_ERR_NOT_FOUND, "Không tìm thấy ảnh này trong báo cáo.");
	if (store_tx_begin(cx->store) < 0)
		return refuse(out, REP_ERR_STORE, "Không xóa được ảnh; hãy thử lại.");
	int drc = store_photo_delete(cx->store, old.id, photo_id);
	int err = drc < 0 ? REP_ERR_STORE : drc == 0 ? REP_ERR_NOT_FOUND : 0;
	if (err == 0 &&
	    audit(cx, unit, "report.photo.delete",
	          arena_printf(cx->arena, "%lld:%lld", (long long)lc->c->id, (long long)photo_id),
	          "", "") < 0)
		err = REP_ERR_STORE;
	if (err)
		store_tx_rollback(cx->store);
	else if (store_tx_commit(cx->store) < 0) /* rolled back by the store */
		err = REP_ERR_STORE;
	if (err) {
		return refuse(out, (rep_rc_t)err,
		              err == REP_ERR_NOT_FOUND ? "Không tìm thấy ảnh này trong báo cáo."
		                                       : "Không xóa được ảnh; hãy thử lại.");
	}
	out->changed = 1;
	return refuse(out, REP_OK, "Đã xóa ảnh.");
}
