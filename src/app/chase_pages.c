/* The chase board: who must report in a subtree, who is on time, late or missing, who
 * was returned or approved; reminders; the home page's count-downs. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/pagecache.h"
#include "app/report_pages.h"
#include "app/reporting.h"
#include "core/buf.h"
#include "core/log.h"
#include "core/mem.h"
#include "domain/jsonin.h"
#include "service/chase.h"
#include "service/live_states.h"
#include "text/text.h"

/* ---- what the board keeps between writes ----
 * Every unit's report state comes from the loaded campaign, where the one write path keeps
 * it live (service/live_states.h: read from the store once per loaded campaign, then moved
 * by each write, O(the unit)). A board (per set of grants: what differs between viewers
 * follows from them) is kept as its JSON text and, once asked for, its HTML rendered with
 * a placeholder where the session's CSRF token goes, until a report, a campaign, a
 * reminder or its e-mails, the schedule, the tree or the day changes (the store's
 * versions, read before what they cover), and KEPT_SECONDS at most. The page's notices
 * (?done=) and the review queue's links are added per request. */
#define BOARD_SLOTS 64
#define BOARD_MAX_BYTES (16u << 20) /* all kept boards; the nation's is ~330 KB of JSON */
#define BOARD_MAX_GRANTS 16
/* Another process's commits move the versions within 100 ms (app.c's watcher); what the
 * store never hears of at all is trusted this long at most (as the identity cache does). */
#define KEPT_SECONDS 2
/* Where the CSRF token goes in a kept board's HTML: a control character, which no text
 * the board shows may hold (names and titles refuse them; a stray one in old data would
 * only show the viewer their own token). */
#define CSRF_MARK '\x1e'

typedef struct board_slot {
	char *key;
	char *json;      /* the board as JSON text (compact): the API's answer as is */
	char *html;      /* the page's head, a NUL, its body, CSRF_MARK for the token; or NULL */
	size_t hlen;     /* bytes of html */
	int64_t waiting; /* the board's "waiting" (the review queue's link shows it) */
	int64_t at;      /* app_now() when built */
} board_slot_t;

static board_slot_t boards[BOARD_SLOTS];
static size_t boards_bytes; /* of every kept board's key, JSON and HTML */
static pthread_mutex_t boards_mu = PTHREAD_MUTEX_INITIALIZER;

static int
fresh(int64_t at, int64_t now)
{
	return now >= at && now - at < KEPT_SECONDS;
}

/* Every unit's report state for the campaign, by tree index (request arena). */
rep_unit_state_t *
rep_load_states(http_req_t *req, live_campaign_t *lc)
{
	const unit_tree_t *t = app_req_tree(req);
	app_t *app = http_req_app(req);
	size_t bytes = (size_t)t->n * sizeof(rep_unit_state_t);
	rep_unit_state_t *st = arena_alloc(http_req_arena(req), bytes ? bytes : 1);
	if (live_states_copy(app->store, t, lc, st) < 0) /* logged: none reads as reported */
		memset(st, 0, bytes);
	return st;
}

static size_t
board_slot_of(const char *key)
{
	uint64_t h = 1469598103934665603ull;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return (size_t)(h % BOARD_SLOTS);
}

static void
slot_clear(board_slot_t *b)
{
	if (!b->key)
		return;
	boards_bytes -= strlen(b->key) + strlen(b->json) + b->hlen;
	free(b->key);
	free(b->json);
	free(b->html);
	memset(b, 0, sizeof *b);
}

/* The board kept under key: its JSON text into json, and when html is not NULL its HTML
 * (if rendered yet, else html->len stays 0) and *waiting. 1 when kept, else 0. */
static int
board_get(const char *key, buf_t *json, buf_t *html, int64_t *waiting, int64_t *at)
{
	board_slot_t *b = &boards[board_slot_of(key)];
	int hit = 0;
	int64_t now = app_now();
	pthread_mutex_lock(&boards_mu);
	if (b->key && !strcmp(b->key, key) && fresh(b->at, now)) {
		hit = 1;
		*at = b->at;
		if (json)
			buf_puts(json, b->json);
		if (html && b->html) {
			buf_append(html, b->html, b->hlen);
			*waiting = b->waiting;
		}
	}
	pthread_mutex_unlock(&boards_mu);
	return hit;
}

/* Keeps text (the board's JSON, taken) under key, built at `at`. */
static void
board_put(const char *key, char *text, int64_t at)
{
	size_t bytes = strlen(text) + strlen(key);
	board_slot_t *b = &boards[board_slot_of(key)];
	pthread_mutex_lock(&boards_mu);
	slot_clear(b); /* the slot's board goes */
	if (boards_bytes + bytes <= BOARD_MAX_BYTES) {
		b->key = xstrdup(key);
		b->json = text;
		b->at = at;
		boards_bytes += bytes;
		text = NULL;
	}
	pthread_mutex_unlock(&boards_mu);
	free(text);
}

/* Adds the HTML of the board kept under key (if it still is, built at `at`). */
static void
board_put_html(const char *key, int64_t at, const char *html, size_t len, int64_t waiting)
{
	board_slot_t *b = &boards[board_slot_of(key)];
	pthread_mutex_lock(&boards_mu);
	if (b->key && !strcmp(b->key, key) && b->at == at && !b->html &&
	    boards_bytes + len <= BOARD_MAX_BYTES) {
		b->html = xmalloc(len ? len : 1);
		memcpy(b->html, html, len);
		b->hlen = len;
		b->waiting = waiting;
		boards_bytes += len;
	}
	pthread_mutex_unlock(&boards_mu);
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

/* ---- the reminder marks, kept per chase version ----
 * The last reminder of each unit and whether it was escalated, from the reminders of the
 * campaign and of its adoptions (newest first) with their e-mails' counts: nationally
 * ~15,000 rows, 50–85 ms. They move only with store_chase_version (reminders, outbox), so
 * they are read once per (campaign, its adoptions, tree, chase version) and shared by every
 * board built meanwhile: a report write, which rebuilds the boards, reads none. */
#define MARK_SLOTS 8

typedef struct mark {
	int32_t unit;         /* tree index */
	uint8_t has_last;     /* a reminder (not an escalation) */
	uint8_t email;        /* it went by e-mail too */
	uint8_t has_escalate; /* an escalation */
	const char *kind;     /* the reminder's kind, in words (static) */
	int64_t at;           /* the last reminder's time */
	int mail_pending, mail_sent, mail_failed;
	int64_t escalated_at; /* the first escalation seen (the newest) */
} mark_t;

typedef struct marks_set {
	char *key; /* campaign, adoptions, tree, chase version */
	mark_t *m; /* by unit (tree index), ascending: the units with a mark */
	size_t n;
	int refs; /* the slot's and each board's being built (marks_mu) */
} marks_set_t;

static marks_set_t *mark_slots[MARK_SLOTS];
static size_t mark_next; /* the slot to replace next */
static pthread_mutex_t marks_mu = PTHREAD_MUTEX_INITIALIZER;
static uint64_t marks_reads; /* from the store (marks_mu): rep_chase_marks_reads */

uint64_t
rep_chase_marks_reads(void)
{
	pthread_mutex_lock(&marks_mu);
	uint64_t n = marks_reads;
	pthread_mutex_unlock(&marks_mu);
	return n;
}

static void
marks_unref(marks_set_t *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&marks_mu);
	int last = --s->refs == 0;
	pthread_mutex_unlock(&marks_mu);
	if (last) {
		free(s->key);
		free(s->m);
		free(s);
	}
}

static const char *
reminder_kind_name(const char *kind)
{
	if (!strcmp(kind, "all"))
		return "nhắc tất cả";
	if (!strcmp(kind, "auto"))
		return "tự động theo lịch";
	if (!strcmp(kind, "escalate"))
		return "báo lãnh đạo cấp trên";
	return "nhắc riêng";
}

/* While reading: every unit's mark by tree index. */
typedef struct marks_reader {
	const unit_tree_t *t;
	mark_t *by_unit;
} marks_reader_t;

static int
mark_row(const store_reminder_t *r, void *p)
{
	marks_reader_t *x = p;
	int32_t i = unit_tree_find_id(x->t, r->unit_id);
	if (i < 0)
		return 0;
	mark_t *m = &x->by_unit[i];
	if (!strcmp(r->kind, "escalate")) {
		if (!m->has_escalate) {
			m->has_escalate = 1;
			m->escalated_at = r->at;
		}
		return 0;
	}
	if (m->has_last && m->at >= r->at)
		return 0;
	m->has_last = 1;
	m->at = r->at;
	m->kind = reminder_kind_name(r->kind);
	m->email = strstr(r->channels, "email") != NULL;
	m->mail_pending = r->mail_pending;
	m->mail_sent = r->mail_sent;
	m->mail_failed = r->mail_failed;
	return 0;
}

/* The marks of lc on the request's tree, kept or read now (a reference: marks_unref);
 * NULL on a store error (logged: the board shows no marks). */
static marks_set_t *
marks_get(http_req_t *req, live_campaign_t *lc)
{
	const unit_tree_t *t = app_req_tree(req);
	app_t *app = http_req_app(req);
	/* the version before what it covers; the adoptions are a small read (the campaigns) */
	uint64_t version = store_chase_version(app->store);
	int64_t *ids, *issuers;
	size_t nids;
	if (campaign_adoptions(app->store, lc->c->id, &ids, &issuers, &nids) < 0) {
		log_error("campaign %lld: its adoptions could not be read", (long long)lc->c->id);
		return NULL;
	}
	buf_t k = BUF_INIT;
	buf_printf(&k, "%lld|%p:%lld:%d|m%llu|", (long long)lc->c->id, (const void *)t,
	           (long long)t->generation, (int)t->n, (unsigned long long)version);
	for (size_t j = 0; j < nids; j++)
		buf_printf(&k, "%lld,", (long long)ids[j]);
	const char *key = buf_cstr(&k);
	marks_set_t *s = NULL;
	pthread_mutex_lock(&marks_mu);
	for (size_t j = 0; j < MARK_SLOTS && !s; j++)
		if (mark_slots[j] && !strcmp(mark_slots[j]->key, key)) {
			s = mark_slots[j];
			s->refs++;
		}
	pthread_mutex_unlock(&marks_mu);
	if (s) {
		buf_free(&k);
		free(ids);
		free(issuers);
		return s;
	}
	/* read out of the lock: two boards may read the same marks once each */
	marks_reader_t x = {t, xcalloc((size_t)t->n + 1, sizeof(mark_t))};
	int rc = store_reminders_of_campaign(app->store, lc->c->id, mark_row, &x);
	for (size_t j = 0; rc >= 0 && j < nids; j++)
		rc = store_reminders_of_campaign(app->store, ids[j], mark_row, &x);
	free(ids);
	free(issuers);
	if (rc < 0) {
		log_error("campaign %lld: the reminders could not be read", (long long)lc->c->id);
		free(x.by_unit);
		buf_free(&k);
		return NULL;
	}
	s = xcalloc(1, sizeof *s);
	for (int32_t i = 0; i < t->n; i++)
		if (x.by_unit[i].has_last || x.by_unit[i].has_escalate)
			s->n++;
	s->m = xmalloc((s->n ? s->n : 1) * sizeof *s->m);
	s->n = 0;
	for (int32_t i = 0; i < t->n; i++)
		if (x.by_unit[i].has_last || x.by_unit[i].has_escalate) {
			s->m[s->n] = x.by_unit[i];
			s->m[s->n++].unit = i;
		}
	free(x.by_unit);
	s->key = xstrdup(key);
	buf_free(&k);
	s->refs = 2; /* the slot's and ours */
	marks_set_t *old = NULL;
	pthread_mutex_lock(&marks_mu);
	marks_reads++;
	for (size_t j = 0; j < MARK_SLOTS; j++) /* the campaign's older marks go first */
		if (mark_slots[j] && !strncmp(mark_slots[j]->key, s->key,
		                              (size_t)(strchr(s->key, '|') - s->key + 1))) {
			old = mark_slots[j];
			mark_slots[j] = s;
			break;
		}
	if (!old) {
		old = mark_slots[mark_next];
		mark_slots[mark_next] = s;
		mark_next = (mark_next + 1) % MARK_SLOTS;
	}
	pthread_mutex_unlock(&marks_mu);
	marks_unref(old);
	return s;
}

/* The first mark of a unit at or after tree index i in s (s->n when none). */
static size_t
marks_from(const marks_set_t *s, int32_t i)
{
	size_t lo = 0, hi = s ? s->n : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->m[mid].unit < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Unit k's mark in s, walking the cursor *at forward (k ascending); NULL when none. */
static const mark_t *
mark_of(const marks_set_t *s, size_t *at, int32_t k)
{
	if (!s)
		return NULL;
	while (*at < s->n && s->m[*at].unit < k)
		(*at)++;
	return *at < s->n && s->m[*at].unit == k ? &s->m[*at] : NULL;
}

/* A reminder's mark as the board shows it ("reminded"). */
static json_t *
mark_json(arena_t *a, const mark_t *m)
{
	const char *mail = "";
	if (m->email && m->mail_failed && !m->mail_sent && !m->mail_pending)
		mail = "gửi thư không được";
	else if (m->email && m->mail_pending)
		mail = "thư đang chờ gửi";
	else if (m->email && m->mail_sent)
		mail = arena_printf(a, "đã gửi %d thư", m->mail_sent);
	return json_pack("{s:s,s:I,s:s,s:s,s:s}", "at", app_fmt_time(a, m->at), "at_unix",
	                 (json_int_t)m->at, "kind", m->kind, "channels",
	                 m->email ? "trong ứng dụng và thư điện tử" : "trong ứng dụng", "mail",
	                 mail);
}

/* "3 ngày trước hạn, 1 ngày sau hạn" */
static const char *
schedule_words(arena_t *a, const chase_schedule_t *s)
{
	buf_t b = BUF_INIT;
	for (size_t k = 0; k < s->ndays; k++) {
		int d = s->days[k];
		if (k)
			buf_puts(&b, ", ");
		if (d < 0)
			buf_printf(&b, "%d ngày trước hạn", -d);
		else if (d == 0)
			buf_puts(&b, "đúng ngày hạn");
		else
			buf_printf(&b, "%d ngày sau hạn", d);
	}
	const char *out = arena_strdup(a, b.len ? buf_cstr(&b) : "không nhắc theo lịch");
	buf_free(&b);
	return out;
}

static json_t *
schedule_json(http_req_t *req, live_campaign_t *lc, int32_t i)
{
	app_t *app = http_req_app(req);
	arena_t *a = http_req_arena(req);
	const unit_tree_t *t = app_req_tree(req);
	chase_schedule_t s;
	if (chase_schedule_get(app->store, lc->c->id, &s) < 0)
		return json_null();
	char days[64];
	chase_schedule_format(&s, days, sizeof days);
	json_t *o = json_pack("{s:s,s:s,s:i,s:b}", "days", days, "words", schedule_words(a, &s),
	                      "escalate_days", s.escalate_days, "automatic", s.automatic);
	int32_t issuer = campaign_issuer(lc->c, t);
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	if (issuer >= 0 && access_allowed(t, g, ng, ACT_CAMPAIGN_MANAGE, issuer)) {
		json_object_set_new(o, "can_manage", json_true());
		json_object_set_new(o, "issuer_code", json_string(t->units[issuer].code));
	}
	(void)i;
	return o;
}

void
rep_progress_count(const campaign_t *c, const unit_tree_t *t, const rep_unit_state_t *st,
                   int32_t from, int32_t to, rep_progress_t *out)
{
	chase_counts_t n = {0};
	for (int32_t k = from; k < to; k++)
		if (campaign_expects(c, t, k))
			count_unit(&n, &st[k - from], campaign_due(c, t, k));
	*out = (rep_progress_t){
	        .expected = n.expected,
	        .submitted = n.t[T_ONTIME] + n.t[T_LATE],
	        .on_time = n.t[T_ONTIME],
	        .late = n.t[T_LATE],
	        .missing = n.t[T_MISSING],
	        .waiting = n.r[R_WAITING],
	        .returned = n.r[R_RETURNED],
	        .approved = n.r[R_APPROVED],
	};
}

/* The board of unit i as the request's user sees it (everything but the page's notices). */
static json_t *
board_build(http_req_t *req, live_campaign_t *lc, int32_t i)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	rep_unit_state_t *st = rep_load_states(req, lc);
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	chase_counts_t counts = {0};
	json_t *missing = json_array();
	int32_t today = app_today();
	marks_set_t *marks = marks_get(req, lc);
	size_t mk = marks_from(marks, i);
	int64_t remindable = 0;
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
			int can_remind = k != i && access_allowed(t, g, ng, ACT_REPORT_REVIEW, k);
			json_object_set_new(o, "can_remind", json_boolean(can_remind));
			const mark_t *m = mark_of(marks, &mk, k);
			if (m && m->has_last)
				json_object_set_new(o, "reminded", mark_json(a, m));
			if (m && m->has_escalate)
				json_object_set_new(o, "escalated",
				                    json_string(app_fmt_time(a, m->escalated_at)));
			json_array_append_new(missing, o);
		}
		if (k != i && timeliness_of(&st[k], due) == T_MISSING &&
		    access_allowed(t, g, ng, ACT_REPORT_REVIEW, k))
			remindable++;
	}
	marks_unref(marks);
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
	json_object_set_new(o, "remindable", json_integer(remindable));
	json_object_set_new(o, "mail_on",
	                    json_boolean(((app_t *)http_req_app(req))->notify.mail_on));
	json_object_set_new(o, "schedule", schedule_json(req, lc, i));
	return o;
}

/* Appends fragment [p, p+n) with each CSRF_MARK replaced by the token (HTML-escaped, as
 * the template would have put it). */
static void
put_with_token(buf_t *out, const char *p, size_t n, const char *token)
{
	const char *end = p + n;
	for (const char *m; (m = memchr(p, CSRF_MARK, (size_t)(end - p))) != NULL; p = m + 1) {
		buf_append(out, p, (size_t)(m - p));
		buf_append_html(out, token, strlen(token));
	}
	buf_append(out, p, (size_t)(end - p));
}

/* The board's HTML fragments (head, a NUL, body) for o, the token a CSRF_MARK; 0 or -1. */
static int
board_html(http_req_t *req, json_t *o, buf_t *out)
{
	app_t *app = http_req_app(req);
	char mark[2] = {CSRF_MARK, 0};
	json_object_set_new(o, "csrf", json_string(mark));
	int rc = tmpl_render(app->tmpl, "chase_head", o, out);
	buf_append(out, "", 1);
	if (rc == 0)
		rc = tmpl_render(app->tmpl, "chase_body", o, out);
	json_object_del(o, "csrf");
	return rc;
}

int
page_chase(http_req_t *req)
{
	live_campaign_t *lc = rep_campaign(req);
	if (!lc)
		return 0;
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	app_t *app = http_req_app(req);
	int32_t i = rep_req_unit(req);
	int api = rep_is_api(req);
	/* what the board depends on, read before it is built; the viewer by their grants (the
	 * links, "remind" and the schedule's control follow from them alone) */
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	buf_t who = BUF_INIT;
	for (size_t k = 0; k < ng && k < BOARD_MAX_GRANTS; k++)
		buf_printf(&who, "%d:%d,", (int)g[k].unit, (int)g[k].role);
	const char *key =
	        arena_printf(a, "%lld|%p|%s|%p:%lld:%d|%s|r%llu|m%llu|d%d|mail%d",
	                     (long long)lc->c->id, (void *)lc->c, t->units[i].code, (const void *)t,
	                     (long long)t->generation, (int)t->n, who.len ? buf_cstr(&who) : "-",
	                     (unsigned long long)store_reports_version(app->store),
	                     (unsigned long long)store_chase_version(app->store), (int)app_today(),
	                     app->notify.mail_on);
	buf_free(&who);
	if (ng > BOARD_MAX_GRANTS)
		key = NULL; /* not kept: a rare viewer */
	int64_t at = app_now(), waiting = 0;
	buf_t json = BUF_INIT, html = BUF_INIT;
	json_t *o = NULL;
	if (!key || !board_get(key, &json, api ? NULL : &html, &waiting, &at)) {
		at = app_now();
		o = board_build(req, lc, i);
		char *text = json_dumps(o, JSON_COMPACT);
		if (!text) {
			json_decref(o);
			return 500;
		}
		buf_puts(&json, text);
		if (key)
			board_put(key, text, at);
		else
			free(text);
	}
	if (api) {
		json_decref(o);
		return http_reply_buf(req, 200, "application/json; charset=utf-8", &json);
	}
	if (!html.len) { /* rendered once per kept board */
		if (!o)
			o = json_loads(buf_cstr(&json), JSON_ALLOW_NUL, NULL);
		if (!o || board_html(req, o, &html) < 0) {
			json_decref(o);
			buf_free(&json);
			buf_free(&html);
			return 500;
		}
		waiting = json_integer_value(json_object_get(o, "waiting"));
		if (key)
			board_put_html(key, at, html.data, html.len, waiting);
	}
	json_decref(o);
	buf_free(&json);
	/* the session's token in place of the marks */
	app_user_t *u = app_req_user(req);
	const char *token = u && !u->via_token && u->csrf ? u->csrf : "";
	size_t head_len = strlen(buf_cstr(&html));
	buf_t head = BUF_INIT, body = BUF_INIT;
	put_with_token(&head, html.data, head_len, token);
	put_with_token(&body, html.data + head_len + 1, html.len - head_len - 1, token);
	buf_free(&html);
	json_t *ctx =
	        json_pack("{s:{s:I},s:{s:s},s:I,s:b}", "campaign", "id", (json_int_t)lc->c->id,
	                  "unit", "code", t->units[i].code, "waiting", (json_int_t)waiting,
	                  "can_review_queue", review_queue_allowed(req, i));
	const char *done = http_req_param(req, "done");
	const char *n = http_req_param(req, "n");
	if (n && (!*n || strspn(n, "0123456789") != strlen(n) || strlen(n) > 7))
		n = NULL; /* a count only: a crafted link puts no words on the page */
	if (done && !strcmp(done, "remind"))
		json_object_set_new(ctx, "ok", json_string("Đã gửi nhắc nhở."));
	else if (done && !strcmp(done, "remind-all"))
		json_object_set_new(
		        ctx, "ok",
		        json_string(arena_printf(a, "Đã gửi nhắc nhở tới %s đơn vị chưa nộp.",
		                                 n ? n : "0")));
	else if (done && !strcmp(done, "schedule"))
		json_object_set_new(ctx, "ok", json_string("Đã lưu lịch nhắc tự động."));
	/* our own rendering, valid UTF-8 */
	json_object_set_new(ctx, "head_html",
	                    json_stringn_nocheck(head.data ? head.data : "", head.len));
	json_object_set_new(ctx, "body_html",
	                    json_stringn_nocheck(body.data ? body.data : "", body.len));
	buf_free(&head);
	buf_free(&body);
	char *title = arena_printf(a, "Theo dõi nộp báo cáo — %s", t->units[i].name);
	return app_render_page(req, 200, "chase", title, ctx);
}

/* An error page (JSON under /api/) with status and message; the handler's return value. */
static int
fail(http_req_t *req, int status, const char *message)
{
	app_error_page(req, status, message);
	return 0;
}

/* The API's optional body {"note": "..."}: other members and other types are refused. */
static int
read_note(http_req_t *req, const char **note, const char **err)
{
	*note = NULL;
	*err = NULL;
	if (!rep_is_api(req)) {
		*note = http_req_param(req, "note");
		return 0;
	}
	/* the typed reader (domain/jsonin.h): an empty body is no note */
	const jsonin_field_t f[] = {{.name = "note", .type = JSONIN_STRING, .out = note}};
	size_t len;
	const char *body = http_req_body(req, &len);
	if (jsonin_read(body, len, JSONIN_EMPTY_OK, f, 1, http_req_arena(req), NULL, err) < 0)
		return -1;
	return 0;
}

/* The officer's note of a reminder: 0, or -1 when refused (the 400 answered). */
static int
remind_note(http_req_t *req, const char **note)
{
	const char *err;
	if (read_note(req, note, &err) < 0)
		return fail(req, 400, err) - 1;
	const char *msg = *note ? chase_note_clean(http_req_arena(req), *note, note) : NULL;
	if (msg)
		return fail(req, 400, msg) - 1;
	return 0;
}

/* A chase context for the request's user. */
static chase_ctx_t
chase_ctx_of(http_req_t *req)
{
	app_t *app = http_req_app(req);
	return (chase_ctx_t){.store = app->store,
	                     .writer = app->writer,
	                     .notify = &app->notify,
	                     .now = app_now(),
	                     .actor = app_req_user(req)->id};
}

static int
remind_reply(http_req_t *req, live_campaign_t *lc, int32_t back_default, const char *done, size_t n)
{
	app_t *app = http_req_app(req);
	if (rep_is_api(req))
		return app_reply_json(req, 201,
		                      json_pack("{s:b,s:I,s:b}", "reminded", n > 0, "units",
		                                (json_int_t)n, "email", app->notify.mail_on));
	const unit_tree_t *t = app_req_tree(req);
	int32_t back = back_default;
	const char *b = http_req_param(req, "back");
	int32_t bi = b ? unit_tree_find_code(t, b) : -1;
	if (bi >= 0 && unit_tree_contains(t, bi, back_default))
		back = bi;
	return http_redirect(req, 303,
	                     arena_printf(http_req_arena(req),
	                                  "/campaigns/%lld/units/%s/status?done=%s&n=%zu",
	                                  (long long)lc->c->id, t->units[back].code, done, n));
}

int
page_remind(http_req_t *req)
{
	live_campaign_t *lc = rep_campaign(req);
	if (!lc)
		return 0;
	const unit_tree_t *t = app_req_tree(req);
	int32_t i = rep_req_unit(req);
	const char *note;
	if (remind_note(req, &note) < 0)
		return 0;
	chase_ctx_t cx = chase_ctx_of(req);
	audit_actor_t by = app_audit_actor(req);
	cx.by = &by; /* the reminder and its audit entry in one transaction */
	cx.audit_unit = i;
	cx.audit_action = "report.remind";
	cx.audit_value = note ? note : "";
	size_t done = 0;
	if (chase_remind(&cx, t, lc->c, &i, 1, CHASE_MANUAL, note, &done) < 0)
		return 500;
	return remind_reply(req, lc, t->units[i].parent >= 0 ? t->units[i].parent : i, "remind",
	                    done);
}

/* Every unit of the subtree below :code that has not reported and that the user may
 * review, reminded once each. */
int
page_remind_all(http_req_t *req)
{
	live_campaign_t *lc = rep_campaign(req);
	if (!lc)
		return 0;
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = rep_req_unit(req);
	const char *note;
	if (remind_note(req, &note) < 0)
		return 0;
	app_t *app = http_req_app(req);
	chase_state_t *states = chase_states(app->store, t, lc->c, a);
	if (!states)
		return 500;
	size_t n = 0;
	int32_t *miss = chase_missing(app->store, t, lc->c, states, i, a, &n);
	if (!miss)
		return 500;
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	size_t m = 0;
	for (size_t k = 0; k < n; k++)
		if (miss[k] != i && access_allowed(t, g, ng, ACT_REPORT_REVIEW, miss[k]))
			miss[m++] = miss[k];
	chase_ctx_t cx = chase_ctx_of(req);
	audit_actor_t by = app_audit_actor(req);
	cx.by = &by; /* each batch with its audit entry (how many it reminded) */
	cx.audit_unit = i;
	cx.audit_action = "report.remind.all";
	size_t done = 0;
	if (chase_remind(&cx, t, lc->c, miss, m, CHASE_ALL, note, &done) < 0)
		return 500;
	return remind_reply(req, lc, i, "remind-all", done);
}

/* The campaign's chase schedule, set by its issuer (/units/:code/campaigns/:id/chase). */
int
page_chase_schedule(http_req_t *req)
{
	app_t *app = http_req_app(req);
	const unit_tree_t *t = app_req_tree(req);
	int32_t i = unit_tree_find_code(t, http_req_param(req, "code"));
	const char *idp = http_req_param(req, "id");
	char *end;
	int64_t id = idp ? strtoll(idp, &end, 10) : 0;
	campaign_t *c = NULL;
	char err[300];
	if (i < 0 || id <= 0 || *end || campaign_load(app->store, id, &c, err, sizeof err) != 1)
		return 404;
	int issuer = c->issuer_unit_id == t->units[i].id;
	campaign_free(c);
	if (!issuer) /* as the campaign's status: another unit's campaign is not found here */
		return 404;
	chase_schedule_t s;
	if (chase_schedule_parse(http_req_param(req, "remind_days"), &s, err, sizeof err) < 0)
		return fail(req, 400, err);
	const char *e = http_req_param(req, "escalate_days");
	long esc = e && *e ? strtol(e, &end, 10) : 0;
	if ((e && *e && *end) || esc < 0 || esc > 60)
		return fail(req, 400,
		            "Số ngày báo lãnh đạo cấp trên: hãy ghi một số từ 0 (không báo) "
		            "đến 60.");
	const char *au = http_req_param(req, "automatic");
	char days[64];
	chase_schedule_format(&s, days, sizeof days);
	store_chase_t row = {id, days, (int)esc, au && !strcmp(au, "1")};
	/* the schedule and its audit entry: one transaction */
	if (store_tx_begin(app->store) < 0)
		return 500;
	if (store_chase_set(app->store, &row) < 0 ||
	    app_audit(req, t, i, "campaign.chase",
	              arena_printf(http_req_arena(req), "%lld", (long long)id), NULL,
	              arena_printf(http_req_arena(req), "%s; %ld; %d", days, esc, row.automatic)) <
	            0) {
		store_tx_rollback(app->store);
		return 500;
	}
	if (store_tx_commit(app->store) < 0)
		return 500;
	return http_redirect(req, 303,
	                     arena_printf(http_req_arena(req),
	                                  "/campaigns/%lld/units/%s/status?done=schedule",
	                                  (long long)id, t->units[i].code));
}

/* Count-downs for the home page: each of the user's units that must report in an open
 * campaign and has not submitted yet. */
typedef struct home_ctx {
	http_req_t *req;
	json_t *rows, *done;
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
		if (rep_read_req(req, &tmp, i, &r) < 0)
			continue;
		if (rep_counted(r.status)) {
			/* submitted: a card with when and the unit's own report, while open */
			json_t *rc = rep_receipt_json(http_req_arena(req), c->id, t->units[i].code,
			                              r.submitted_at);
			if (rc) {
				json_object_set_new(rc, "campaign", json_string(c->name));
				json_object_set_new(rc, "unit_name", json_string(t->units[i].name));
				json_object_set_new(rc, "unit_code", json_string(t->units[i].code));
				json_object_set_new(rc, "campaign_id", json_integer(c->id));
				json_object_set_new(rc, "approved",
				                    json_boolean(!strcmp(r.status, "approved")));
				json_array_append_new(h->done, rc);
			}
			continue;
		}
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
rep_home_countdowns(http_req_t *req, json_t **submitted)
{
	home_ctx_t h = {req, json_array(), json_array()};
	if (app_req_user(req))
		store_campaigns_each(((app_t *)http_req_app(req))->store, home_campaign, &h);
	*submitted = h.done;
	return h.rows;
}
