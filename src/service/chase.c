/* Chasing the late: reminders, the schedule, escalation (service/chase.h). */
#include "service/chase.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/mem.h"
#include "text/hygiene.h"
#include "text/text.h"

/* Units written per transaction: a national "remind all" of thousands of units goes in
 * slices so that other writes are not held behind one long transaction. */
#define BATCH 200

int32_t
chase_day(int64_t t)
{
	int64_t local = t + 7 * 3600;
	return (int32_t)(local >= 0 ? local / 86400 : (local - 86399) / 86400);
}

int
chase_counted(const char *status)
{
	return status && (!strcmp(status, "submitted") || !strcmp(status, "approved"));
}

/* ---- states ---- */

typedef struct states_ctx {
	const unit_tree_t *t;
	chase_state_t *st;
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
		c->st[i].reviewed_at = r->reviewed_at;
	}
	return 0;
}

chase_state_t *
chase_states(store_t *st, const unit_tree_t *t, const campaign_t *c, arena_t *a)
{
	chase_state_t *s = arena_alloc(a, (size_t)t->n * sizeof *s);
	memset(s, 0, (size_t)t->n * sizeof *s);
	states_ctx_t x = {t, s};
	if (store_reports_of_campaign(st, c->id, state_row, &x) < 0)
		return NULL;
	/* units under an adoption report there; deeper adoptions come later and win */
	int64_t *ids, *issuers;
	size_t n;
	if (campaign_adoptions(st, c->id, &ids, &issuers, &n) < 0)
		return NULL;
	int rc = 0;
	for (size_t k = 0; k < n && rc == 0; k++)
		rc = store_reports_of_campaign(st, ids[k], state_row, &x);
	free(ids);
	free(issuers);
	return rc < 0 ? NULL : s;
}

/* own: only the units that report in c itself (the schedule of an adoption is its own). */
static int32_t *
missing_units(store_t *st, const unit_tree_t *t, const campaign_t *c, const chase_state_t *states,
              int32_t under, int own, arena_t *a, size_t *n)
{
	*n = 0;
	int64_t *ids = NULL, *issuers = NULL;
	size_t na = 0;
	if (own && campaign_adoptions(st, c->id, &ids, &issuers, &na) < 0)
		return NULL;
	int32_t end = t->units[under].end;
	int32_t *out = arena_alloc(a, (size_t)(end - under + 1) * sizeof *out);
	for (int32_t k = under; k < end; k++) {
		if (t->units[k].closed || !campaign_expects(c, t, k) ||
		    chase_counted(states[k].status))
			continue;
		if (own && na && campaign_effective_among(ids, issuers, na, t, c->id, k) != c->id)
			continue;
		out[(*n)++] = k;
	}
	free(ids);
	free(issuers);
	return out;
}

int32_t *
chase_missing(store_t *st, const unit_tree_t *t, const campaign_t *c, const chase_state_t *states,
              int32_t under, arena_t *a, size_t *n)
{
	return missing_units(st, t, c, states, under, 0, a, n);
}

/* ---- the schedule ---- */

int
chase_schedule_parse(const char *s, chase_schedule_t *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	const char *p = s ? s : "";
	while (*p) {
		while (*p == ' ' || *p == ',' || *p == ';' || *p == '\t')
			p++;
		if (!*p)
			break;
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p || v < -60 || v > 60) {
			snprintf(
			        err, errlen,
			        "Lịch nhắc: “%.20s” không phải số ngày hợp lệ. Hãy ghi các số ngày "
			        "so với hạn nộp, từ -60 đến 60, cách nhau bởi dấu cách (ví dụ: -3 "
			        "-1 1).",
			        p);
			return -1;
		}
		if (out->ndays == CHASE_MAX_DAYS) {
			snprintf(err, errlen, "Lịch nhắc: tối đa %d lần nhắc.", CHASE_MAX_DAYS);
			return -1;
		}
		size_t i = out->ndays;
		int dup = 0;
		for (size_t k = 0; k < i; k++)
			dup |= out->days[k] == (int)v;
		if (!dup) {
			/* insertion keeps them ascending */
			while (i > 0 && out->days[i - 1] > (int)v) {
				out->days[i] = out->days[i - 1];
				i--;
			}
			out->days[i] = (int)v;
			out->ndays++;
		}
		p = end;
	}
	return 0;
}

void
chase_schedule_format(const chase_schedule_t *s, char *out, size_t cap)
{
	size_t len = 0;
	out[0] = 0;
	for (size_t i = 0; i < s->ndays && len < cap; i++)
		len += (size_t)snprintf(out + len, cap - len, "%s%d", i ? " " : "", s->days[i]);
}

typedef struct sched_ctx {
	chase_schedule_t *s;
	int bad;
} sched_ctx_t;

static int
sched_row(const store_chase_t *c, void *p)
{
	sched_ctx_t *x = p;
	char err[200];
	if (chase_schedule_parse(c->remind_days, x->s, err, sizeof err) < 0)
		x->bad = 1;
	x->s->escalate_days = c->escalate_days;
	x->s->automatic = c->automatic;
	return 0;
}

int
chase_schedule_get(store_t *st, int64_t campaign_id, chase_schedule_t *out)
{
	sched_ctx_t x = {out, 0};
	int rc = store_chase_get(st, campaign_id, sched_row, &x);
	if (rc < 0)
		return -1;
	if (rc == 0 || x.bad) {
		char err[200];
		chase_schedule_parse(STORE_CHASE_DEFAULT_DAYS, out, err, sizeof err);
		out->escalate_days = STORE_CHASE_DEFAULT_ESCALATE;
		out->automatic = 1;
	}
	return 0;
}

/* ---- writing reminders ---- */

typedef struct one {
	int32_t unit;
	chase_kind_t kind;
	int rule; /* CHASE_AUTO: the offset */
} one_t;

typedef struct batch {
	const chase_ctx_t *cx;
	const unit_tree_t *t;
	const campaign_t *c;
	const one_t *items;
	size_t n;
	const char *note;
	int64_t *ids, *issuers; /* c's adoptions */
	size_t nadopt;
	size_t written, mails;
} batch_t;

static const char *const kind_words[] = {"manual", "all", "auto", "escalate"};

static char *
due_phrase(int32_t due, int32_t today)
{
	char d[16];
	int y, m, dd;
	text_civil_from_days(due, &y, &m, &dd);
	snprintf(d, sizeof d, "%02d/%02d/%04d", dd, m, y);
	char out[96];
	if (due > today)
		snprintf(out, sizeof out, "Hạn nộp: %s (còn %d ngày).", d, (int)(due - today));
	else if (due == today)
		snprintf(out, sizeof out, "Hạn nộp: %s (hôm nay là hạn cuối).", d);
	else
		snprintf(out, sizeof out, "Hạn nộp: %s (đã quá hạn %d ngày).", d,
		         (int)(today - due));
	return xstrdup(out);
}

/* One reminder or escalation, in its own savepoint: 0 written, 1 already there (once-only
 * kinds), -1 store error. */
static int
write_one(batch_t *b, const one_t *o)
{
	const chase_ctx_t *cx = b->cx;
	const unit_tree_t *t = b->t;
	const campaign_t *c = b->c;
	const unit_t *u = &t->units[o->unit];
	int64_t cid = b->nadopt ? campaign_effective_among(b->ids, b->issuers, b->nadopt, t, c->id,
	                                                   o->unit)
	                        : c->id;
	int32_t today = chase_day(cx->now);
	int32_t due = campaign_due(c, t, o->unit);
	char *when = due > 0 ? due_phrase(due, today) : xstrdup("");
	char title[400], body[1200], link[200], rule[16] = "";
	notify_msg_t m = {.campaign_id = cid, .about = -1, .by = cx->actor, .to = NOTIFY_TO_UNIT};
	if (o->kind == CHASE_ESCALATE) {
		int32_t p = u->parent;
		m.kind = "escalate";
		m.unit = p;
		m.about = o->unit;
		m.to = NOTIFY_TO_HEADS;
		snprintf(title, sizeof title, "%s chưa nộp báo cáo đã quá hạn %d ngày", u->name,
		         (int)(today - due));
		snprintf(body, sizeof body,
		         "Đơn vị %s (thuộc %s) chưa nộp báo cáo %s. %s Đơn vị đã được nhắc theo "
		         "lịch; đề nghị lãnh đạo đơn vị đôn đốc.",
		         u->name, t->units[p].name, c->name, when);
		snprintf(link, sizeof link, "/campaigns/%lld/units/%s/status", (long long)cid,
		         t->units[p].code);
	} else {
		m.unit = o->unit;
		if (o->kind == CHASE_AUTO) {
			snprintf(rule, sizeof rule, "%d", o->rule);
			m.kind = o->rule > 0 ? "overdue" : "due";
			if (o->rule > 0)
				snprintf(title, sizeof title, "Đã quá hạn nộp báo cáo %s", c->name);
			else if (due == today)
				snprintf(title, sizeof title, "Hôm nay là hạn nộp báo cáo %s",
				         c->name);
			else
				snprintf(title, sizeof title, "Sắp đến hạn nộp báo cáo %s",
				         c->name);
		} else {
			m.kind = "remind";
			snprintf(title, sizeof title, "Nhắc nộp báo cáo %s", c->name);
		}
		snprintf(body, sizeof body, "Đơn vị %s chưa nộp báo cáo %s. %s%s%s", u->name,
		         c->name, when, b->note && *b->note ? "\nLời nhắn: " : "",
		         b->note && *b->note ? b->note : "");
		snprintf(link, sizeof link, "/campaigns/%lld/units/%s/report", (long long)cid,
		         u->code);
	}
	free(when);
	m.title = title;
	m.body = body;
	m.link = link;
	if (m.unit < 0)
		return 1; /* the root has no parent to escalate to */
	store_t *st = cx->store;
	if (store_tx_begin(st) < 0)
		return -1;
	int64_t nid = 0;
	int nm = 0;
	int rc = notify_write(st, t, cx->notify, &m, cx->now, &nid, &nm);
	if (rc == 0) {
		store_reminder_t r = {.campaign_id = cid,
		                      .unit_id = u->id,
		                      .at = cx->now,
		                      .by = cx->actor,
		                      .note = o->kind <= CHASE_ALL ? b->note : NULL,
		                      .kind = kind_words[o->kind],
		                      .rule = rule,
		                      .notice_id = nid,
		                      .channels = nm > 0 ? "app email" : "app"};
		rc = store_reminder_add(st, &r, NULL);
	}
	if (rc != 0) {
		store_tx_rollback(st);
		return rc;
	}
	if (store_tx_commit(st) < 0)
		return -1;
	b->written++;
	b->mails += (size_t)nm;
	return 0;
}

static int
run_batch(void *arg)
{
	batch_t *b = arg;
	size_t before = b->written;
	for (size_t i = 0; i < b->n; i++)
		if (write_one(b, &b->items[i]) < 0)
			return -1;
	const chase_ctx_t *cx = b->cx;
	if (cx->by == NULL || b->written == before)
		return 0;
	/* the batch's reminders and their audit entry: one transaction */
	char target[32], count[24];
	snprintf(target, sizeof target, "%lld:", (long long)b->c->id);
	snprintf(count, sizeof count, "%zu", b->written - before);
	audit_entry_t e = {cx->audit_unit, cx->audit_action, target, NULL,
	                   cx->audit_value ? cx->audit_value : count};
	return audit_write(cx->store, b->t, cx->by, cx->now, &e) < 0 ? -1 : 0;
}

/* Writes items[n] in slices, each one transaction (or one writer job). */
static int
write_all(const chase_ctx_t *cx, const unit_tree_t *t, const campaign_t *c, const one_t *items,
          size_t n, const char *note, size_t *written)
{
	batch_t b = {.cx = cx, .t = t, .c = c, .note = note};
	if (campaign_adoptions(cx->store, c->id, &b.ids, &b.issuers, &b.nadopt) < 0)
		return -1;
	int rc = 0;
	size_t mails = 0;
	*written = 0;
	for (size_t off = 0; off < n && rc == 0; off += BATCH) {
		b.items = items + off;
		b.n = n - off < BATCH ? n - off : BATCH;
		size_t before = b.written, mbefore = b.mails;
		if (cx->writer)
			rc = writer_run(cx->writer, run_batch, &b);
		else if (store_tx_begin(cx->store) < 0)
			rc = -1;
		else if ((rc = run_batch(&b)) != 0)
			store_tx_rollback(cx->store);
		else
			rc = store_tx_commit(cx->store);
		if (rc != 0) {
			b.written = before; /* that slice was rolled back */
			b.mails = mbefore;
			rc = -1;
		}
		*written = b.written;
		mails = b.mails;
	}
	free(b.ids);
	free(b.issuers);
	if (mails > 0)
		notify_wake(cx->notify);
	return rc;
}

const char *
chase_note_clean(arena_t *a, const char *note, const char **out)
{
	return text_clean_field(a, "Lời nhắn", note, TEXT_MULTILINE | TEXT_TRIM, CHASE_NOTE_MAX,
	                        out);
}

int
chase_remind(const chase_ctx_t *cx, const unit_tree_t *t, const campaign_t *c, const int32_t *units,
             size_t n, chase_kind_t kind, const char *note, size_t *done)
{
	*done = 0;
	arena_t a = ARENA_INIT; /* the note as stored */
	if (note != NULL && chase_note_clean(&a, note, &note) != NULL) {
		arena_free(&a);
		return -2;
	}
	one_t *items = xcalloc(n ? n : 1, sizeof *items);
	for (size_t i = 0; i < n; i++)
		items[i] = (one_t){units[i], kind, 0};
	int rc = write_all(cx, t, c, items, n, note, done);
	free(items);
	arena_free(&a);
	return rc;
}

/* ---- the schedule's run ---- */

typedef struct had {
	const unit_tree_t *t;
	unsigned char *escalated; /* by tree index */
	int32_t *last_rule;       /* by tree index: the highest auto rule had, INT32_MIN none */
} had_t;

static int
had_row(const store_reminder_t *r, void *p)
{
	had_t *h = p;
	int32_t i = unit_tree_find_id(h->t, r->unit_id);
	if (i < 0)
		return 0;
	if (!strcmp(r->kind, "escalate"))
		h->escalated[i] = 1;
	else if (!strcmp(r->kind, "auto")) {
		int v = atoi(r->rule);
		if (v > h->last_rule[i])
			h->last_rule[i] = v;
	}
	return 0;
}

int
chase_tick_campaign(const chase_ctx_t *cx, const unit_tree_t *t, const campaign_t *c,
                    size_t *reminded, size_t *escalated)
{
	*reminded = *escalated = 0;
	if (!c->status || strcmp(c->status, "open") != 0)
		return 0;
	chase_schedule_t s;
	if (chase_schedule_get(cx->store, c->id, &s) < 0)
		return -1;
	if (!s.automatic || (s.ndays == 0 && s.escalate_days == 0))
		return 0;
	arena_t arena = ARENA_INIT, *a = &arena;
	int rc = -1;
	chase_state_t *states = chase_states(cx->store, t, c, a);
	int32_t issuer = campaign_issuer(c, t);
	size_t n = 0;
	int32_t *miss = states && issuer >= 0
	                        ? missing_units(cx->store, t, c, states, issuer, 1, a, &n)
	                        : NULL;
	if (!miss) {
		rc = states && issuer < 0 ? 0 : -1;
		goto out;
	}
	had_t h = {t, arena_alloc(a, (size_t)t->n), arena_alloc(a, (size_t)t->n * sizeof(int32_t))};
	memset(h.escalated, 0, (size_t)t->n);
	for (int32_t i = 0; i < t->n; i++)
		h.last_rule[i] = INT32_MIN;
	if (store_reminders_of_campaign(cx->store, c->id, had_row, &h) < 0)
		goto out;
	int32_t today = chase_day(cx->now);
	one_t *rem = arena_alloc(a, (n + 1) * sizeof *rem);
	one_t *esc = arena_alloc(a, (n + 1) * sizeof *esc);
	size_t nr = 0, ne = 0;
	for (size_t k = 0; k < n; k++) {
		int32_t i = miss[k];
		int32_t due = campaign_due(c, t, i);
		if (due <= 0)
			continue;
		int off = today - due;
		/* the latest rule whose day has come; an earlier one missed (the server was
		 * down) is not sent late on top of it */
		int rule = INT32_MIN;
		for (size_t d = 0; d < s.ndays; d++)
			if (s.days[d] <= off)
				rule = s.days[d];
		if (rule != INT32_MIN && rule > h.last_rule[i])
			rem[nr++] = (one_t){i, CHASE_AUTO, rule};
		if (s.escalate_days > 0 && off >= s.escalate_days && !h.escalated[i] &&
		    t->units[i].parent >= 0)
			esc[ne++] = (one_t){i, CHASE_ESCALATE, 0};
	}
	rc = write_all(cx, t, c, rem, nr, NULL, reminded);
	if (rc == 0)
		rc = write_all(cx, t, c, esc, ne, NULL, escalated);
out:
	arena_free(a);
	return rc;
}
