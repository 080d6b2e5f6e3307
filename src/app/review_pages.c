/* The review queue of a level: the submitted, not yet reviewed reports of its subtree,
 * oldest submission first, with how late each came and the figures that differ most from
 * the unit's peers; approved or returned from there one by one or several at once, each
 * through the reporting service (rep_apply). Also the "Chờ duyệt (N)" count of the top
 * menu and the page /review that lists, per open campaign and unit where the user reviews,
 * how many wait.
 *
 * Units under an adopting campaign report there: the queue of campaign C lists the
 * reports of C and of every campaign adopting it, each unit in the campaign it reports in
 * (campaign_effective), and acts on that campaign. Access: the route's rule
 * "below:report.review" lets in whoever reviews every unit under :code; each row is then
 * checked again (access_allowed on the unit), as is each unit a write names. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/report_pages.h"
#include "app/reporting.h"
#include "core/log.h"
#include "core/mem.h"
#include "domain/jsonin.h"
#include "domain/outliers.h"
#include "service/peers.h"
#include "text/hygiene.h"
#include "text/text.h"

/* A write names at most this many units (a province's queue at the deadline). */
#define REVIEW_MAX_UNITS 2000
/* Rows a queue lists (the oldest): a national admin's queue holds ~40,000 at the deadline. */
#define REVIEW_SHOW 500
/* Outlying figures shown per report. */
#define REVIEW_OUTLIERS 2
/* Refusals carried back to the queue after a write, each message cut to this many bytes. */
#define REVIEW_NOTES 5
#define REVIEW_NOTE_BYTES 240

/* ---------- the reports and where each unit reports ---------- */

/* A unit's report as the queue needs it: in the campaign the unit reports in. */
typedef struct qreport {
	rep_state_t state; /* RS_NONE: no report there */
	int64_t id, version, submitted_at, campaign_id;
} qreport_t;

typedef struct load_ctx {
	const unit_tree_t *t;
	qreport_t *r;
	int64_t root;
	const int64_t *ids, *issuers;
	size_t n;
} load_ctx_t;

static int
load_row(const store_report_t *r, void *p)
{
	load_ctx_t *c = p;
	int32_t i = unit_tree_find_id(c->t, r->unit_id);
	/* a report left in a campaign the unit no longer reports in is not the unit's */
	if (i < 0 ||
	    campaign_effective_among(c->ids, c->issuers, c->n, c->t, c->root, i) != r->campaign_id)
		return 0;
	c->r[i] = (qreport_t){rep_state_parse(r->status), r->id, r->version, r->submitted_at,
	                      r->campaign_id};
	return 0;
}

/* Every unit's report (by tree index, request arena) in campaign lc and its adoptions. -1
 * on a store error. */
static qreport_t *
load_reports(http_req_t *req, const live_campaign_t *lc)
{
	const unit_tree_t *t = app_req_tree(req);
	app_t *app = http_req_app(req);
	qreport_t *r = arena_alloc(http_req_arena(req), (size_t)t->n * sizeof *r);
	memset(r, 0, (size_t)t->n * sizeof *r);
	int64_t *ids = NULL, *issuers = NULL;
	size_t n = 0;
	if (campaign_adoptions(app->store, lc->c->id, &ids, &issuers, &n) < 0)
		return NULL;
	load_ctx_t c = {t, r, lc->c->id, ids, issuers, n};
	int rc = store_reports_of_campaign(app->store, lc->c->id, load_row, &c);
	for (size_t k = 0; k < n && rc >= 0; k++)
		rc = store_reports_of_campaign(app->store, ids[k], load_row, &c);
	free(ids);
	free(issuers);
	return rc < 0 ? NULL : r;
}

/* The loaded campaign a report lives in: lc itself or one of its adoptions (NULL after a
 * failure, logged). */
static live_campaign_t *
campaign_of(http_req_t *req, live_campaign_t *lc, int64_t id)
{
	if (id == lc->c->id)
		return lc;
	return rep_campaign_by_id(req, id, NULL);
}

/* The same, remembering the last adoption asked (rows come grouped by campaign often). */
typedef struct camp_memo {
	int64_t id;
	live_campaign_t *lc;
} camp_memo_t;

static live_campaign_t *
campaign_memo(http_req_t *req, live_campaign_t *lc, int64_t id, camp_memo_t *m)
{
	if (id != lc->c->id && id == m->id)
		return m->lc;
	live_campaign_t *r = campaign_of(req, lc, id);
	if (id != lc->c->id)
		*m = (camp_memo_t){id, r};
	return r;
}

/* ---------- the figures that differ from the unit's peers ---------- */

/* Up to REVIEW_OUTLIERS figures of unit k that stand out from its peers, most first:
 * [{item, label, value, median, z, text}]. */
static json_t *
outliers_json(arena_t *a, const live_campaign_t *lc, const unit_tree_t *t,
              const unsigned char *counted, int32_t k, const outlier_stats_t *col)
{
	const template_t *tpl = lc->c->tpl;
	size_t nc = tpl->ncols ? tpl->ncols : 1;
	int64_t *vals = arena_alloc(a, nc * sizeof *vals);
	unsigned char *has = arena_alloc(a, nc);
	json_t *out = json_array();
	if (!peers_unit_figures(lc, t, counted, k, vals, has))
		return out;
	int best[REVIEW_OUTLIERS];
	double bz[REVIEW_OUTLIERS];
	int nb = 0;
	for (size_t c = 0; c < tpl->ncols; c++) {
		const tpl_item_t *it = template_item_col(tpl, (int)c);
		double z;
		if (!it || it->type == TPL_BOOL || !has[c] || !outlier_z(&col[c], vals[c], &z) ||
		    fabs(z) < OUTLIER_Z)
			continue;
		int p = nb < REVIEW_OUTLIERS ? nb++ : REVIEW_OUTLIERS;
		if (p == REVIEW_OUTLIERS && fabs(z) <= fabs(bz[REVIEW_OUTLIERS - 1]))
			continue;
		if (p == REVIEW_OUTLIERS)
			p = REVIEW_OUTLIERS - 1;
		for (; p > 0 && fabs(bz[p - 1]) < fabs(z); p--) {
			best[p] = best[p - 1];
			bz[p] = bz[p - 1];
		}
		best[p] = (int)c;
		bz[p] = z;
	}
	for (int q = 0; q < nb; q++) {
		const tpl_item_t *it = template_item_col(tpl, best[q]);
		const char *med = peers_fmt_median(a, col[best[q]].median);
		const char *val = app_fmt_count(a, vals[best[q]]);
		json_array_append_new(
		        out, json_pack("{s:s,s:s,s:I,s:f,s:f,s:s}", "item", it->code, "label",
		                       it->label, "value", (json_int_t)vals[best[q]], "median",
		                       col[best[q]].median, "z", round(bz[q] * 100) / 100, "text",
		                       arena_printf(a, "%s: %s (trung vị nhóm %s)", it->label, val,
		                                    med)));
	}
	return out;
}

/* ---------- the queue ---------- */

typedef struct qrow {
	int32_t unit;
	const qreport_t *r;
} qrow_t;

static int
qrow_cmp(const void *x, const void *y)
{
	const qrow_t *a = x, *b = y;
	if (a->r->submitted_at != b->r->submitted_at)
		return a->r->submitted_at < b->r->submitted_at ? -1 : 1;
	return (a->r->id > b->r->id) - (a->r->id < b->r->id);
}

/* The queue of level i in campaign lc as JSON: campaign, unit, path, count, reports[].
 * tra: the code of a row whose return is being confirmed (pages), or NULL. NULL after a
 * store error. */
static json_t *
queue_json(http_req_t *req, live_campaign_t *lc, int32_t i, const char *tra)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	qreport_t *r = load_reports(req, lc);
	if (r == NULL)
		return NULL;
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	int32_t end = t->units[i].end;
	qrow_t *rows = arena_alloc(a, (size_t)(end - i) * sizeof *rows);
	size_t n = 0;
	for (int32_t k = i + 1; k < end; k++)
		if (r[k].state == RS_SUBMITTED && access_allowed(t, g, ng, ACT_REPORT_REVIEW, k))
			rows[n++] = (qrow_t){k, &r[k]};
	qsort(rows, n, sizeof *rows, qrow_cmp);
	unsigned char *counted = arena_alloc(a, (size_t)t->n + 1);
	for (int32_t k = 0; k < t->n; k++)
		counted[k] = (unsigned char)rep_state_counted(r[k].state);
	peers_cache_t *kinds = NULL;
	json_t *list = json_array();
	buf_t versions = BUF_INIT;
	json_t *confirm = NULL;
	camp_memo_t memo = {0, NULL};
	size_t shown = n < REVIEW_SHOW ? n : REVIEW_SHOW;
	for (size_t q = 0; q < shown; q++) {
		int32_t k = rows[q].unit;
		const qreport_t *rk = rows[q].r;
		const unit_t *u = &t->units[k];
		live_campaign_t *in = campaign_memo(req, lc, rk->campaign_id, &memo);
		int32_t due = in ? campaign_due(in->c, t, k) : 0;
		json_t *o = json_object();
		json_object_set_new(o, "code", json_string(u->code));
		json_object_set_new(o, "name", json_string(u->name));
		json_object_set_new(o, "kind", json_string(u->kind));
		json_object_set_new(o, "kind_name", json_string(u->kind_name));
		json_object_set_new(o, "parent_name",
		                    json_string(u->parent >= 0 ? t->units[u->parent].name : ""));
		json_object_set_new(o, "campaign_id", json_integer(rk->campaign_id));
		json_object_set_new(o, "version", json_integer(rk->version));
		json_object_set_new(o, "submitted_at", json_integer(rk->submitted_at));
		json_object_set_new(o, "submitted", json_string(app_fmt_time(a, rk->submitted_at)));
		json_object_set_new(o, "due", json_string(app_fmt_date(a, due)));
		json_object_set_new(o, "late", json_boolean(rep_late(due, rk->submitted_at)));
		const outlier_stats_t *col =
		        peers_kind_stats(&kinds, a, lc, t, counted, i, u->kind);
		json_t *out = outliers_json(a, lc, t, counted, k, col);
		json_object_set_new(o, "has_outliers", json_boolean(json_array_size(out) > 0));
		json_object_set_new(o, "outliers", out);
		json_array_append_new(list, o);
		buf_printf(&versions, "%s%s:%lld", q ? "," : "", u->code, (long long)rk->version);
		if (tra && !strcmp(tra, u->code))
			confirm = json_pack(
			        "{s:s,s:s,s:s,s:s}", "code", u->code, "name", u->name,
			        "parent_name", u->parent >= 0 ? t->units[u->parent].name : "",
			        "versions",
			        arena_printf(a, "%s:%lld", u->code, (long long)rk->version));
	}
	json_t *o = json_object();
	json_object_set_new(o, "campaign", rep_campaign_json(req, lc->c));
	json_object_set_new(o, "unit", app_unit_json(t, i));
	json_object_set_new(o, "path", app_unit_path_links(req, t, i));
	json_object_set_new(o, "count", json_integer((json_int_t)n));
	json_object_set_new(o, "count_text", app_json_count((int64_t)n));
	json_object_set_new(o, "shown", json_integer((json_int_t)shown));
	if (shown < n)
		json_object_set_new(o, "truncated",
		                    json_string(arena_printf(a,
		                                             "Chỉ hiện %d báo cáo nộp sớm nhất; "
		                                             "duyệt xong sẽ hiện tiếp.",
		                                             REVIEW_SHOW)));
	json_object_set_new(o, "has_reports", json_boolean(n > 0));
	json_object_set_new(o, "reports", list);
	json_object_set_new(o, "versions", json_string(buf_cstr(&versions)));
	if (confirm)
		json_object_set_new(o, "confirm", confirm);
	buf_free(&versions);
	return o;
}

/* ---------- what a write sends back to the queue page ---------- */

/* The signature of a summary for the session whose CSRF token is key: the page shows only
 * what this server wrote for this session (no one can put words on it by a link). */
static const char *
note_sig(arena_t *a, const char *key, const char *done, const char *n, const char *more,
         const char *loi)
{
	size_t kl = strlen(key);
	if (kl < crypto_generichash_KEYBYTES_MIN)
		return NULL;
	if (kl > crypto_generichash_KEYBYTES_MAX)
		kl = crypto_generichash_KEYBYTES_MAX;
	unsigned char h[16];
	crypto_generichash_state s;
	crypto_generichash_init(&s, (const unsigned char *)key, kl, sizeof h);
	const char *parts[] = {done, n, more, loi};
	for (size_t k = 0; k < 4; k++) {
		const char *p = parts[k] ? parts[k] : "";
		crypto_generichash_update(&s, (const unsigned char *)p, strlen(p) + 1);
	}
	crypto_generichash_final(&s, h, sizeof h);
	char *hex = arena_alloc(a, 2 * sizeof h + 1);
	sodium_bin2hex(hex, 2 * sizeof h + 1, h, sizeof h);
	return hex;
}

static void
url_put(buf_t *b, const char *s)
{
	static const char hexd[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.')
			buf_putc(b, (char)*p);
		else {
			buf_putc(b, '%');
			buf_putc(b, hexd[*p >> 4]);
			buf_putc(b, hexd[*p & 15]);
		}
	}
}

/* The summary line of a write, shown on the queue page. */
static const char *
done_text(arena_t *a, const char *done, const char *n)
{
	const char *what = done && !strcmp(done, "return") ? "trả lại" : "duyệt";
	return arena_printf(a, "Đã %s %s báo cáo.", what, n && *n ? n : "0");
}

/* The summary and refusals of the query, when they carry this session's signature. */
static void
attach_notes(http_req_t *req, json_t *o)
{
	arena_t *a = http_req_arena(req);
	app_user_t *u = app_req_user(req);
	const char *done = http_req_param(req, "done"), *n = http_req_param(req, "n");
	const char *more = http_req_param(req, "more"), *loi = http_req_param(req, "loi");
	const char *sig = http_req_param(req, "sig");
	if (!done || !sig || !u || !u->csrf)
		return;
	const char *want = note_sig(a, u->csrf, done, n, more, loi);
	if (!want || !auth_secure_equal(want, sig))
		return;
	json_object_set_new(o, "ok", json_string(done_text(a, done, n)));
	json_t *notes = json_array();
	for (const char *p = loi ? loi : ""; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len)
			json_array_append_new(notes, json_stringn(p, len));
		p += len + (nl != NULL);
	}
	if (more && *more && strcmp(more, "0") != 0)
		json_array_append_new(
		        notes, json_string(arena_printf(a, "… và %s báo cáo khác không xử lý được.",
		                                        more)));
	if (json_array_size(notes)) {
		json_object_set_new(o, "has_refusals", json_true());
		json_object_set_new(o, "refusals", notes);
	} else
		json_decref(notes);
}

/* ---------- the page and its API ---------- */

static int
render_queue(http_req_t *req, live_campaign_t *lc, int32_t i, int status, const char *error,
             const char *tra, const char *comment)
{
	const unit_tree_t *t = app_req_tree(req);
	json_t *o = queue_json(req, lc, i, tra);
	if (o == NULL)
		return 500;
	if (rep_is_api(req))
		return app_reply_json(req, status, o);
	if (error)
		json_object_set_new(o, "error", json_string(error));
	else
		attach_notes(req, o);
	if (comment)
		json_object_set_new(o, "comment", json_string(comment));
	char *title = arena_printf(http_req_arena(req), "Báo cáo chờ duyệt — %s", t->units[i].name);
	return app_render_page(req, status, "review", title, o);
}

int
page_review_queue(http_req_t *req)
{
	live_campaign_t *lc = rep_campaign(req);
	if (!lc)
		return 0;
	return render_queue(req, lc, rep_req_unit(req), 200, NULL, http_req_param(req, "tra"),
	                    NULL);
}

/* ---------- approving and returning ---------- */

typedef struct bulk_item {
	const char *code;
	int32_t unit;        /* tree index, -1 when unknown */
	int64_t version;     /* -1: none sent (no check) */
	const char *refused; /* refused before the service was asked */
	live_campaign_t *lc; /* the campaign the unit reports in */
	rep_outcome_t out;
	rep_rc_t rc;
	/* each write has its own arena: they are all queued to the writer at once (one group,
	 * one sync) and the writer and syncer threads fill them while the next is queued */
	arena_t arena;
	rep_ctx_t cx;
	struct bulk *b;
} bulk_item_t;

typedef struct bulk {
	http_req_t *req;
	live_campaign_t *lc; /* the queue's */
	int32_t level;
	rep_op_t op;
	const char *comment;
	bulk_item_t *items;
	size_t n, cap;
	atomic_size_t pending; /* writes not done yet */
	rep_ctx_t cx;
} bulk_t;

/* A form's "unit" values and "versions" ("code:version,code:version"), or the API's body,
 * into b->items. NULL, or the Vietnamese reason for a 400. */
static const char *
add_item(bulk_t *b, arena_t *a, const char *code, int64_t version)
{
	for (size_t k = 0; k < b->n; k++)
		if (!strcmp(b->items[k].code, code))
			return NULL; /* once is enough */
	if (b->n == REVIEW_MAX_UNITS)
		return arena_printf(a, "Mỗi lần chỉ xử lý được tối đa %d báo cáo.",
		                    REVIEW_MAX_UNITS);
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 16;
		bulk_item_t *n = arena_alloc(a, b->cap * sizeof *n);
		if (b->n)
			memcpy(n, b->items, b->n * sizeof *n);
		b->items = n;
	}
	b->items[b->n++] =
	        (bulk_item_t){.code = arena_strdup(a, code), .unit = -1, .version = version};
	return NULL;
}

static int64_t
version_in(const char *versions, const char *code)
{
	size_t cl = strlen(code);
	for (const char *p = versions ? versions : ""; *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len > cl && !strncmp(p, code, cl) && p[cl] == ':') {
			int64_t v;
			if (text_parse_int(p + cl + 1, len - cl - 1, &v) == 0 && v >= 0)
				return v;
			return INT64_MAX; /* not what anyone read: refused as a conflict */
		}
		p += len + (comma != NULL);
	}
	return -1;
}

static const char *
read_form(http_req_t *req, bulk_t *b, const char **action)
{
	arena_t *a = http_req_arena(req);
	*action = http_req_param(req, "action");
	b->comment = http_req_param(req, "comment");
	const char *versions = http_req_param(req, "versions");
	const char *one = http_req_param(req, "approve_one");
	if (one && *one) { /* a row's own "Duyệt" button */
		*action = "approve";
		return add_item(b, a, one, version_in(versions, one));
	}
	size_t blen;
	const char *body = http_req_body(req, &blen);
	http_kv_t *kv = NULL;
	size_t nkv = 0;
	const char *why;
	if (body && blen && http_form_parse(body, blen, a, &kv, &nkv, &why) < 0)
		return why;
	for (size_t k = 0; k < nkv; k++)
		if (!strcmp(kv[k].name, "unit") && *kv[k].value) {
			const char *e =
			        add_item(b, a, kv[k].value, version_in(versions, kv[k].value));
			if (e)
				return e;
		}
	return NULL;
}

static const char *
read_json(http_req_t *req, bulk_t *b, const char **action)
{
	arena_t *a = http_req_arena(req);
	size_t blen;
	const char *body = http_req_body(req, &blen);
	if (!body || !blen)
		return "Nội dung trống: hãy gửi {\"action\": \"approve\", \"units\": [...]}.";
	/* the typed reader (domain/jsonin.h) for the top level, the units item by item */
	json_t *doc, *units = NULL;
	const jsonin_field_t f[] = {
	        {.name = "action",
	         .type = JSONIN_STRING,
	         .out = action,
	         .want = "chuỗi \"approve\" hoặc \"return\""},
	        {.name = "units",
	         .type = JSONIN_ARRAY,
	         .out = &units,
	         .want = "một mảng [{\"code\": \"…\", \"version\": N}]"},
	        {.name = "comment", .type = JSONIN_STRING, .out = &b->comment},
	};
	const char *err = NULL;
	if (jsonin_read(body, blen, 0, f, 3, a, &doc, &err) < 0)
		return err;
	size_t k;
	json_t *e;
	json_array_foreach(units, k, e)
	{
		json_t *code = json_object_get(e, "code");
		json_t *ver = json_object_get(e, "version");
		if (!json_is_object(e) || !json_is_string(code) ||
		    strlen(json_string_value(code)) != json_string_length(code) ||
		    json_object_size(e) != 1u + (ver != NULL)) {
			err = arena_printf(a,
			                   "units[%zu]: phải là {\"code\": \"mã đơn vị\", "
			                   "\"version\": N}; không có gì được lưu.",
			                   k);
			break;
		}
		if (ver && (!json_is_integer(ver) || json_integer_value(ver) < 0)) {
			err = arena_printf(a,
			                   "units[%zu].version: phải là số nguyên không âm (phiên "
			                   "bản đã đọc); không có gì được lưu.",
			                   k);
			break;
		}
		if ((err = add_item(b, a, json_string_value(code),
		                    ver ? json_integer_value(ver) : -1)))
			break;
	}
	json_decref(doc);
	return err;
}

static size_t
chars(const char *s)
{
	size_t n = 0;
	for (; s && *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* The checks made here before the service's own: the unit exists, lies under the level,
 * and the user reviews it; the campaign it reports in loads. */
static void
precheck(http_req_t *req, bulk_t *b, bulk_item_t *it)
{
	const unit_tree_t *t = app_req_tree(req);
	app_t *app = http_req_app(req);
	it->unit = unit_tree_find_code(t, it->code);
	if (it->unit < 0) {
		it->refused = "Không tìm thấy đơn vị với mã này.";
		return;
	}
	if (it->unit == b->level || !unit_tree_contains(t, b->level, it->unit)) {
		it->refused = arena_printf(http_req_arena(req),
		                           "Đơn vị này không thuộc %s; báo cáo không có trong hàng "
		                           "chờ duyệt này.",
		                           t->units[b->level].name);
		return;
	}
	if (!access_allowed(t, b->cx.actor.grants, b->cx.actor.ngrants, ACT_REPORT_REVIEW,
	                    it->unit)) {
		it->refused = "Tài khoản của bạn không có quyền duyệt báo cáo của đơn vị này.";
		return;
	}
	int64_t eff = campaign_effective(app->store, t, b->lc->c->id, it->unit);
	it->lc = campaign_of(req, b->lc, eff);
	if (it->lc == NULL)
		it->refused = "Không đọc được đợt báo cáo của đơn vị này; hãy thử lại sau.";
}

/* On the syncer thread, once a write is durable (or refused): the last wakes the request. */
static void
bulk_done(void *arg, rep_rc_t rc)
{
	bulk_item_t *it = arg;
	http_req_t *req = it->b->req;
	it->rc = rc;
	if (atomic_fetch_sub(&it->b->pending, 1) == 1)
		http_req_resume(req);
}

static void
free_arenas(void *arg)
{
	bulk_t *b = arg;
	for (size_t k = 0; k < b->n; k++)
		arena_free(&b->items[k].arena);
}

static const char *
item_name(const unit_tree_t *t, const bulk_item_t *it)
{
	return it->unit >= 0 ? t->units[it->unit].name : it->code;
}

static int
bulk_answer(http_req_t *req, void *arg)
{
	bulk_t *b = arg;
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	size_t ndone = 0, nref = 0;
	for (size_t k = 0; k < b->n; k++) {
		bulk_item_t *it = &b->items[k];
		if (!it->refused && it->rc == REP_ERR_STORE)
			return 500;
		if (!it->refused && it->rc != REP_OK)
			it->refused = it->out.message;
		if (it->refused)
			nref++;
		else
			ndone++;
	}
	if (ndone > 0)
		review_cache_changed(http_req_app(req));
	if (rep_is_api(req)) {
		json_t *done = json_array(), *refused = json_array();
		for (size_t k = 0; k < b->n; k++) {
			bulk_item_t *it = &b->items[k];
			if (it->refused)
				json_array_append_new(refused,
				                      json_pack("{s:s,s:s}", "code", it->code,
				                                "message", it->refused));
			else
				json_array_append_new(
				        done, json_pack("{s:s,s:s,s:I}", "code", it->code, "status",
				                        rep_state_code(it->out.state), "version",
				                        (json_int_t)it->out.version));
		}
		return app_reply_json(req, 200,
		                      json_pack("{s:o,s:o}", "done", done, "refused", refused));
	}
	/* back to the queue with the summary, signed for this session */
	buf_t loi = BUF_INIT;
	size_t shown = 0;
	for (size_t k = 0; k < b->n && shown < REVIEW_NOTES; k++) {
		bulk_item_t *it = &b->items[k];
		if (!it->refused)
			continue;
		char *line = arena_printf(a, "%s: %s", item_name(t, it), it->refused);
		size_t len = strlen(line);
		if (len > REVIEW_NOTE_BYTES) { /* cut at a character boundary */
			len = REVIEW_NOTE_BYTES;
			while (len > 0 && ((unsigned char)line[len] & 0xC0) == 0x80)
				len--;
			line[len] = '\0';
		}
		buf_printf(&loi, "%s%s", shown ? "\n" : "", line);
		shown++;
	}
	const char *done = b->op == REP_RETURN ? "return" : "approve";
	const char *n = arena_printf(a, "%zu", ndone);
	const char *more = arena_printf(a, "%zu", nref - shown);
	const char *l = arena_strdup(a, buf_cstr(&loi));
	buf_free(&loi);
	buf_t loc = BUF_INIT;
	buf_printf(&loc, "/campaigns/%lld/units/%s/review?done=%s&n=%s&more=%s",
	           (long long)b->lc->c->id, t->units[b->level].code, done, n, more);
	if (*l) {
		buf_puts(&loc, "&loi=");
		url_put(&loc, l);
	}
	app_user_t *u = app_req_user(req);
	const char *sig = u && u->csrf ? note_sig(a, u->csrf, done, n, more, l) : NULL;
	if (sig)
		buf_printf(&loc, "&sig=%s", sig);
	const char *location = arena_strdup(a, buf_cstr(&loc));
	buf_free(&loc);
	return http_redirect(req, 303, location);
}

int
page_review_act(http_req_t *req)
{
	live_campaign_t *lc = rep_campaign(req);
	if (!lc)
		return 0;
	arena_t *a = http_req_arena(req);
	int api = rep_is_api(req);
	bulk_t *b = arena_alloc(a, sizeof *b);
	memset(b, 0, sizeof *b);
	b->req = req;
	b->lc = lc;
	b->level = rep_req_unit(req);
	rep_ctx_of(req, &b->cx);
	const char *action = NULL;
	const char *err = api ? read_json(req, b, &action) : read_form(req, b, &action);
	if (!err && (!action || (strcmp(action, "approve") != 0 && strcmp(action, "return") != 0)))
		err = "Thao tác (action) phải là approve (duyệt) hoặc return (trả lại).";
	if (!err && b->n == 0)
		err = "Chưa chọn báo cáo nào: hãy đánh dấu ít nhất một báo cáo trong danh sách.";
	b->op = action && !strcmp(action, "return") ? REP_RETURN : REP_APPROVE;
	/* the comment as the service stores it (text/hygiene.h): checked once for the batch,
	 * so a bad one refuses the whole post with nothing written */
	const char *clean = NULL;
	if (!err && b->comment &&
	    (err = text_clean_field(a, b->op == REP_RETURN ? "Lý do trả lại" : "Nhận xét",
	                            b->comment, TEXT_MULTILINE | TEXT_TRIM, REP_COMMENT_MAX,
	                            &clean)) == NULL)
		b->comment = clean;
	if (!err && b->op == REP_RETURN && chars(b->comment) < 3)
		err = "Lý do trả lại: cần ghi ít nhất 3 ký tự để đơn vị biết phải sửa gì. Chưa "
		      "có báo cáo nào bị trả lại.";
	if (err) {
		if (api) {
			app_error_page(req, 400, err);
			return 0;
		}
		/* the queue again, with the return being confirmed kept open */
		const char *tra = b->op == REP_RETURN && b->n == 1 ? b->items[0].code : NULL;
		return render_queue(req, lc, b->level, 400, err, tra, b->comment);
	}
	for (size_t k = 0; k < b->n; k++)
		precheck(req, b, &b->items[k]);
	if (b->cx.writer == NULL) { /* no writer: each write in its own transaction, here */
		for (size_t k = 0; k < b->n; k++) {
			bulk_item_t *it = &b->items[k];
			if (it->refused)
				continue;
			rep_input_t in = {.op = b->op,
			                  .expected_version = it->version,
			                  .comment = b->comment};
			it->rc = rep_apply(&b->cx, it->lc, it->unit, &in, &it->out);
		}
		return bulk_answer(req, b);
	}
	size_t todo = 0, last = 0;
	for (size_t k = 0; k < b->n; k++)
		if (!b->items[k].refused)
			todo++, last = k;
	if (todo == 0)
		return bulk_answer(req, b);
	atomic_store(&b->pending, todo);
	http_req_defer(req, free_arenas, b);
	int rc = http_req_suspend(req, bulk_answer, b);
	for (size_t k = 0; k <= last; k++) {
		bulk_item_t *it = &b->items[k];
		if (it->refused)
			continue;
		it->b = b;
		it->cx = b->cx;
		it->cx.arena = &it->arena;
		rep_input_t in = {
		        .op = b->op, .expected_version = it->version, .comment = b->comment};
		/* after the last, b may be answered and gone: nothing of it is read again */
		rep_apply_async(&it->cx, it->lc, it->unit, &in, &it->out, bulk_done, it);
	}
	return rc;
}

/* ---------- what waits for whom: the menu's count and /review ---------- */

/* 1 when one of the user's roles reviews reports: a role that reviews, on a unit with
 * units under it (a school's head reviews no one). */
static int
reviews_anything(const unit_tree_t *t, const access_grant_t *g, size_t ng)
{
	for (size_t k = 0; k < ng; k++)
		if (access_rule(g[k].role, ACT_REPORT_REVIEW) != SCOPE_NONE &&
		    t->units[g[k].unit].end > g[k].unit + 1)
			return 1;
	return 0;
}

/* The rows of /review: each waiting report the user reviews (campaign, unit index). */
typedef struct waiting_ctx {
	const unit_tree_t *t;
	const access_grant_t *g;
	size_t ng;
	int64_t count;
	arena_t *a;
	struct waiting_row {
		int64_t campaign_id;
		int32_t unit;
	} * rows;
	size_t nrows, cap;
} waiting_ctx_t;

static int
waiting_row(int64_t campaign_id, int64_t unit_id, void *p)
{
	waiting_ctx_t *c = p;
	int32_t k = unit_tree_find_id(c->t, unit_id);
	if (k < 0 || !access_allowed(c->t, c->g, c->ng, ACT_REPORT_REVIEW, k))
		return 0;
	c->count++;
	if (c->nrows == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		struct waiting_row *n = arena_alloc(c->a, cap * sizeof *n);
		if (c->nrows)
			memcpy(n, c->rows, c->nrows * sizeof *n);
		c->rows = n;
		c->cap = cap;
	}
	c->rows[c->nrows++] = (struct waiting_row){campaign_id, k};
	return 0;
}

/* The menu's count on every page: what waits app-wide is read again only when a report or
 * a campaign changed through this store (store_reports_version) or REVIEW_CACHE_SECONDS
 * passed (another process's writes); each user's count of it is kept until then, or until
 * who they are (their roles) or the tree changes. Nationally ~40,000 reports wait at the
 * deadline: one index-only query, then a pass per user. */
#define REVIEW_CACHE_SECONDS 10
/* ... but not more often than this while reports change: at the deadline a write every
 * millisecond would otherwise make every page read the ~40,000 rows again (measured: the
 * burst's pairs/s fell from 2,027 to 864 and its dashboards' p99 rose from 11 to 60 ms).
 * A reviewer's own bulk action refreshes at once (review_cache_changed). */
#define REVIEW_CACHE_MIN_SECONDS 2
#define REVIEW_CACHE_USERS 256

typedef struct waiting_pair {
	int64_t campaign_id, unit_id;
} waiting_pair_t;

struct review_cache {
	pthread_mutex_t mu;
	uint64_t version; /* store_reports_version when rows were read */
	int64_t read_at;  /* app_now() then */
	uint64_t gen;     /* bumped at every read (0: never read) */
	int forced;       /* review_cache_changed: read again at the next page */
	waiting_pair_t *rows;
	size_t n;
	struct review_user {
		int64_t user_id;
		uint64_t gen, identity;
		int64_t tree_generation;
		int32_t tree_from;
		int64_t count;
	} users[REVIEW_CACHE_USERS];
};

struct review_cache *
review_cache_new(void)
{
	struct review_cache *c = xmalloc(sizeof *c);
	memset(c, 0, sizeof *c);
	pthread_mutex_init(&c->mu, NULL);
	return c;
}

void
review_cache_free(struct review_cache *c)
{
	if (c == NULL)
		return;
	pthread_mutex_destroy(&c->mu);
	free(c->rows);
	free(c);
}

typedef struct pairs {
	waiting_pair_t *v;
	size_t n, cap;
} pairs_t;

static int
pair_row(int64_t campaign_id, int64_t unit_id, void *p)
{
	pairs_t *ps = p;
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? 2 * ps->cap : 256;
		ps->v = xrealloc(ps->v, ps->cap * sizeof *ps->v);
	}
	ps->v[ps->n++] = (waiting_pair_t){campaign_id, unit_id};
	return 0;
}

/* How many reports wait for the request's user. -1 on a store error. */
static int64_t
waiting_count(http_req_t *req, const unit_tree_t *t, const access_grant_t *g, size_t ng)
{
	app_t *app = http_req_app(req);
	struct review_cache *c = app->review_cache;
	app_user_t *u = app_req_user(req);
	if (c == NULL || u == NULL) { /* no cache: count now */
		waiting_ctx_t w = {t, g, ng, 0, http_req_arena(req), NULL, 0, 0};
		return store_reports_waiting(app->store, waiting_row, &w) < 0 ? -1 : w.count;
	}
	uint64_t identity = store_identity_version(app->store);
	uint64_t version = store_reports_version(app->store); /* before reading */
	int64_t now = app_now();
	pthread_mutex_lock(&c->mu);
	int stale = c->gen == 0 || c->forced || now < c->read_at ||
	            now - c->read_at >= REVIEW_CACHE_SECONDS ||
	            (c->version != version && now - c->read_at >= REVIEW_CACHE_MIN_SECONDS);
	pthread_mutex_unlock(&c->mu);
	if (stale) { /* read without the lock: the other pages go on */
		pairs_t ps = {NULL, 0, 0};
		if (store_reports_waiting(app->store, pair_row, &ps) < 0) {
			free(ps.v);
			return -1;
		}
		pthread_mutex_lock(&c->mu);
		free(c->rows);
		c->rows = ps.v;
		c->n = ps.n;
		c->version = version;
		c->read_at = now;
		c->forced = 0;
		c->gen++;
		pthread_mutex_unlock(&c->mu);
	}
	pthread_mutex_lock(&c->mu);
	struct review_user *s = &c->users[(uint64_t)u->id % REVIEW_CACHE_USERS];
	int64_t n = 0;
	if (s->user_id == u->id && s->gen == c->gen && s->identity == identity &&
	    s->tree_generation == t->generation && s->tree_from == t->from)
		n = s->count;
	else {
		for (size_t k = 0; k < c->n; k++) {
			int32_t i = unit_tree_find_id(t, c->rows[k].unit_id);
			n += i >= 0 && access_allowed(t, g, ng, ACT_REPORT_REVIEW, i);
		}
		*s = (struct review_user){u->id, c->gen, identity, t->generation, t->from, n};
	}
	pthread_mutex_unlock(&c->mu);
	return n;
}

void
review_cache_changed(app_t *app)
{
	struct review_cache *c = app->review_cache;
	if (c) {
		pthread_mutex_lock(&c->mu);
		c->forced = 1;
		pthread_mutex_unlock(&c->mu);
	}
}

void
review_menu(http_req_t *req, json_t *me)
{
	const unit_tree_t *t = app_req_tree(req);
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	if (!reviews_anything(t, g, ng))
		return;
	int64_t n = waiting_count(req, t, g, ng);
	if (n < 0)
		return;
	json_object_set_new(me, "can_review", json_true());
	json_object_set_new(me, "review_count", app_json_count(n));
}

typedef struct camp_row {
	int64_t id, parent_id;
	const char *name;
	int year;
	const char *status;
} camp_row_t;

typedef struct camps_ctx {
	arena_t *a;
	camp_row_t *rows;
	size_t n, cap;
} camps_ctx_t;

static int
camp_row(const store_campaign_t *sc, void *p)
{
	camps_ctx_t *c = p;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 32;
		camp_row_t *n = arena_alloc(c->a, cap * sizeof *n);
		if (c->n)
			memcpy(n, c->rows, c->n * sizeof *n);
		c->rows = n;
		c->cap = cap;
	}
	c->rows[c->n++] = (camp_row_t){sc->id, sc->parent_id, arena_strdup(c->a, sc->name),
	                               sc->year, arena_strdup(c->a, sc->status)};
	return 0;
}

static const camp_row_t *
camp_find(const camps_ctx_t *c, int64_t id)
{
	for (size_t k = 0; k < c->n; k++)
		if (c->rows[k].id == id)
			return &c->rows[k];
	return NULL;
}

/* The campaign at the top of id's adoption chain: its queue lists the adoptions too. */
static const camp_row_t *
camp_root(const camps_ctx_t *c, int64_t id)
{
	const camp_row_t *r = camp_find(c, id);
	for (int hops = 0; r && r->parent_id && hops < 16; hops++) {
		const camp_row_t *up = camp_find(c, r->parent_id);
		if (!up)
			break;
		r = up;
	}
	return r;
}

int
page_review_home(http_req_t *req)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	app_t *app = http_req_app(req);
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	waiting_ctx_t w = {t, g, ng, 0, a, NULL, 0, 0};
	camps_ctx_t cs = {a, NULL, 0, 0};
	if (reviews_anything(t, g, ng) && (store_reports_waiting(app->store, waiting_row, &w) < 0 ||
	                                   store_campaigns_each(app->store, camp_row, &cs) < 0))
		return 500;
	/* per campaign (the top of its chain), per unit where the user reviews what is below */
	json_t *groups = json_array();
	for (size_t ci = 0; ci < cs.n; ci++) {
		const camp_row_t *c = &cs.rows[ci];
		if (c->parent_id && camp_find(&cs, c->parent_id))
			continue; /* listed with the campaign it adopts */
		json_t *units = json_array();
		int64_t total = 0;
		for (size_t k = 0; k < ng; k++) {
			int32_t u = g[k].unit;
			if (access_rule(g[k].role, ACT_REPORT_REVIEW) == SCOPE_NONE)
				continue;
			int dup = 0; /* two roles on one unit: one line */
			for (size_t q = 0; q < k; q++)
				dup |= g[q].unit == u &&
				       access_rule(g[q].role, ACT_REPORT_REVIEW) != SCOPE_NONE;
			if (dup)
				continue;
			int64_t n = 0;
			for (size_t r = 0; r < w.nrows; r++)
				if (w.rows[r].unit != u &&
				    unit_tree_contains(t, u, w.rows[r].unit) &&
				    camp_root(&cs, w.rows[r].campaign_id) == c)
					n++;
			total += n;
			json_array_append_new(
			        units, json_pack("{s:s,s:s,s:I,s:o}", "code", t->units[u].code,
			                         "name", t->units[u].name, "waiting", (json_int_t)n,
			                         "waiting_text", app_json_count(n)));
		}
		if (json_array_size(units) == 0 || (total == 0 && strcmp(c->status, "open") != 0)) {
			json_decref(units);
			continue;
		}
		json_array_append_new(groups,
		                      json_pack("{s:I,s:s,s:i,s:I,s:o}", "id", (json_int_t)c->id,
		                                "name", c->name, "year", c->year, "waiting",
		                                (json_int_t)total, "units", units));
	}
	json_t *o = json_object();
	json_object_set_new(o, "count", json_integer(w.count));
	json_object_set_new(o, "count_text", app_json_count(w.count));
	json_object_set_new(o, "campaigns", groups);
	json_object_set_new(o, "reviewer", json_boolean(reviews_anything(t, g, ng)));
	return app_render_page(req, 200, "review_home", "Báo cáo chờ duyệt", o);
}

/* For the chase board and the campaign's unit page: 1 when the request's user may open
 * level i's review queue (the route's rule). */
int
review_queue_allowed(http_req_t *req, int32_t i)
{
	const unit_tree_t *t = app_req_tree(req);
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	return access_allowed_below(t, g, ng, ACT_REPORT_REVIEW, i);
}
