/* Contests with citizen entries over HTTP (docs/contests.md): the public list and contest
 * page under /cuoc-thi, the citizens' entry form, code page and withdrawal, the media of
 * approved entries, the judges' page, the organiser's pages under /units/:code/cuoc-thi
 * (contest form, moderation queue, ranking, prizes, announcement) and the JSON API. Thin
 * adapters over src/service/contest.h; access is the route table's (src/app/app.c), and
 * data-level checks stay here: a contest belongs to the :code unit, a public page shows
 * only published contests and approved entries (never a phone or an email), the judging
 * pages only a contest's own judges. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/app.h"
#include "core/log.h"
#include "core/mem.h"
#include "media/av.h"
#include "service/contest.h"
#include "text/text.h"

/* Entries (and failed withdrawals) one client address may send in an hour (the limiter
 * of class enrolment, app->enrol_limit, with its own keys). */
#define CONTEST_IP_PER_HOUR 10
#define MEDIA_CHUNK (1024 * 1024) /* an open-ended Range gets at most this much */
#define LIST_MAX 200

/* "<db>.contest", beside the upload spool "<db>.uploads", in a */
static const char *
app_media_dir(app_t *app, arena_t *a)
{
	const char *u = app->upload_dir;
	size_t n = strlen(u);
	if (n > 8 && !strcmp(u + n - 8, ".uploads"))
		n -= 8;
	return arena_printf(a, "%.*s.contest", (int)n, u);
}

static const char *
media_dir(http_req_t *req)
{
	return app_media_dir(http_req_app(req), http_req_arena(req));
}

int
app_contest_purge_tick(app_t *app, int64_t now, int64_t *purged)
{
	arena_t a = ARENA_INIT;
	contest_ctx_t cx = {app->store, &a, now, 0, app_media_dir(app, &a)};
	int64_t n = 0;
	int rc = contest_purge(&cx, CONTEST_RETENTION_DAYS, &n);
	arena_free(&a);
	if (n)
		log_info("contest: contact data of %lld entries removed", (long long)n);
	if (purged)
		*purged = n;
	return rc;
}

static contest_ctx_t
ctx_of(http_req_t *req)
{
	app_t *app = http_req_app(req);
	app_user_t *u = app_req_user(req);
	return (contest_ctx_t){app->store, http_req_arena(req), app_now(), u ? u->id : 0,
	                       media_dir(req)};
}

static int
status_of(contest_rc_t rc)
{
	switch (rc) {
	case CONTEST_OK: return 200;
	case CONTEST_ERR_INVALID: return 422;
	case CONTEST_ERR_NOT_FOUND: return 404;
	case CONTEST_ERR_CLOSED: return 409;
	case CONTEST_ERR_LIMIT: return 429;
	case CONTEST_ERR_TOO_BIG: return 413;
	default: return 500;
	}
}

static json_t *
errs_json(const contest_out_t *o)
{
	json_t *e = json_object();
	for (int k = 0; k < o->nerrs; k++)
		json_object_set_new(e, o->errs[k].field, app_js(o->errs[k].msg));
	return e;
}

/* A refusal: JSON with the fields under /api/, else the error page. */
static int
reply_out(http_req_t *req, contest_rc_t rc, const contest_out_t *o)
{
	int status = status_of(rc);
	if (app_is_api(req))
		return app_reply_json(req, status,
		                      json_pack("{s:{s:i,s:s,s:o}}", "error", "status", status,
		                                "message", o->message ? o->message : "", "fields",
		                                errs_json(o)));
	app_error_page(req, status, o->message);
	return 0;
}

static const char *
date_of(arena_t *a, int64_t t)
{
	return app_fmt_date(a, (int32_t)((t + 7 * 3600) / 86400));
}

/* ---------- loading ---------- */

/* The :cid contest: 1, or 0 after replying 404/500. public: drafts are not found. */
static int
load_contest(http_req_t *req, store_contest_t *c, int public)
{
	contest_ctx_t cx = ctx_of(req);
	int64_t id = app_id_param(req, "cid");
	int rc = id > 0 ? contest_load(&cx, id, c) : 0;
	if (rc < 0) {
		app_error_page(req, 500, NULL);
		return 0;
	}
	if (rc == 0 || (public && !strcmp(c->status, "draft"))) {
		app_error_page(req, 404, "Không tìm thấy cuộc thi này.");
		return 0;
	}
	return 1;
}

/* The :cid contest of the :code unit (its organiser): 1, or 0 after replying. */
static int
unit_contest(http_req_t *req, int32_t *unit, store_contest_t *c)
{
	const unit_tree_t *t = app_req_tree(req);
	*unit = unit_tree_find_code(t, app_param(req, "code"));
	if (*unit < 0) {
		app_error_page(req, 404, NULL);
		return 0;
	}
	if (!load_contest(req, c, 0))
		return 0;
	if (c->unit_id != t->units[*unit].id) {
		app_error_page(req, 404, "Không tìm thấy cuộc thi này của đơn vị.");
		return 0;
	}
	return 1;
}

typedef struct entries {
	arena_t *a;
	store_contest_entry_t *v;
	size_t n, cap;
} entries_t;

static int
entry_add(const store_contest_entry_t *e, void *p)
{
	entries_t *l = p;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		store_contest_entry_t *nv = arena_alloc(l->a, size_mul(cap, sizeof *nv));
		if (l->n)
			memcpy(nv, l->v, l->n * sizeof *nv);
		l->v = nv;
		l->cap = cap;
	}
	store_contest_entry_t *d = &l->v[l->n++];
	*d = *e;
	const char **f[] = {&d->code,       &d->status,     &d->name,       &d->phone,
	                    &d->email,      &d->locality,   &d->title,      &d->body,
	                    &d->media_kind, &d->media_file, &d->media_mime, &d->media_info,
	                    &d->reason,     &d->prize,      &d->ip};
	for (size_t k = 0; k < sizeof f / sizeof *f; k++)
		*f[k] = arena_strdup(l->a, *f[k]);
	return 0;
}

/* The :eid entry of contest c into *e: 1, or 0 after replying 404. */
static int
load_entry(http_req_t *req, const store_contest_t *c, store_contest_entry_t *e)
{
	int64_t id = app_id_param(req, "eid");
	entries_t l = {http_req_arena(req), NULL, 0, 0};
	int rc = id > 0 ? store_contest_entry_get(((app_t *)http_req_app(req))->store, id, NULL,
	                                          entry_add, &l)
	                : 0;
	if (rc < 0) {
		app_error_page(req, 500, NULL);
		return 0;
	}
	if (l.n == 0 || l.v[0].contest_id != c->id) {
		app_error_page(req, 404, "Không tìm thấy bài dự thi này.");
		return 0;
	}
	*e = l.v[0];
	return 1;
}

/* ---------- JSON of contests and entries ---------- */

static const char *
types_text(arena_t *a, const store_contest_t *c)
{
	static const char *const t[][2] = {
	        {"text", "bài viết"}, {"photo", "ảnh"}, {"audio", "ghi âm"}, {"video", "video"}};
	buf_t b = BUF_INIT;
	for (int k = 0; k < 4; k++)
		if (contest_takes(c, t[k][0]))
			buf_printf(&b, "%s%s", b.len ? ", " : "", t[k][1]);
	const char *r = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return r;
}

static int
judge_name(int64_t uid, const char *name, void *p)
{
	json_array_append_new(p, json_pack("{s:I,s:s}", "id", (json_int_t)uid, "name", name));
	return 0;
}

static json_t *
contest_json(http_req_t *req, const store_contest_t *c, int internal)
{
	arena_t *a = http_req_arena(req);
	const unit_tree_t *t = app_req_tree(req);
	int32_t u = unit_tree_find_id(t, c->unit_id);
	const char *ph = contest_phase(c, app_now());
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(c->id));
	json_object_set_new(o, "title", app_js(c->title));
	json_object_set_new(o, "theme", app_js(c->theme));
	json_object_set_new(o, "rules", app_js(c->rules));
	if (u >= 0)
		json_object_set_new(
		        o, "organiser",
		        json_pack("{s:s,s:s}", "code", t->units[u].code, "name", t->units[u].name));
	json_t *types = json_array();
	static const char *const tn[] = {"text", "photo", "audio", "video"};
	for (int k = 0; k < 4; k++)
		if (contest_takes(c, tn[k]))
			json_array_append_new(types, app_js(tn[k]));
	json_object_set_new(o, "types", types);
	json_object_set_new(o, "types_text", app_js(types_text(a, c)));
	json_object_set_new(o, "takes_photo", json_boolean(contest_takes(c, "photo")));
	json_object_set_new(o, "takes_audio", json_boolean(contest_takes(c, "audio")));
	json_object_set_new(o, "takes_video", json_boolean(contest_takes(c, "video")));
	json_object_set_new(o, "takes_text", json_boolean(contest_takes(c, "text")));
	json_object_set_new(o, "audio_max_minutes", json_integer(c->audio_max_seconds / 60));
	json_object_set_new(o, "video_max_minutes", json_integer(c->video_max_seconds / 60));
	json_object_set_new(o, "audio_max_mb", json_integer(c->audio_max_bytes >> 20));
	json_object_set_new(o, "video_max_mb", json_integer(c->video_max_bytes >> 20));
	json_object_set_new(o, "starts", app_js(date_of(a, c->starts_at)));
	json_object_set_new(o, "ends", app_js(date_of(a, c->ends_at - 1)));
	json_object_set_new(o, "results", app_js(app_fmt_date(a, c->results_on)));
	json_object_set_new(o, "phase", app_js(ph));
	json_object_set_new(o, "phase_name", app_js(contest_phase_name(ph)));
	json_object_set_new(o, "open", json_boolean(!strcmp(ph, "open")));
	json_object_set_new(o, "announced", json_boolean(!strcmp(ph, "announced")));
	json_t *judges = json_array();
	store_contest_judges(((app_t *)http_req_app(req))->store, c->id, judge_name, judges);
	buf_t jt = BUF_INIT;
	size_t jk;
	json_t *jx;
	json_array_foreach(judges, jk, jx) buf_printf(
	        &jt, "%s%s", jk ? ", " : "", json_string_value(json_object_get(jx, "name")));
	json_object_set_new(o, "judges_text", app_js(buf_cstr(&jt)));
	buf_free(&jt);
	json_object_set_new(o, "has_judges", json_boolean(json_array_size(judges) > 0));
	json_object_set_new(o, "judges", judges);
	json_object_set_new(o, "url", app_js(arena_printf(a, "/cuoc-thi/%lld", (long long)c->id)));
	json_object_set_new(o, "entry_url",
	                    app_js(arena_printf(a, "/cuoc-thi/%lld/du-thi", (long long)c->id)));
	if (internal) {
		json_object_set_new(o, "status", app_js(c->status));
		json_object_set_new(o, "is_public", json_boolean(strcmp(c->status, "draft") != 0));
		if (u >= 0)
			json_object_set_new(
			        o, "edit_url",
			        app_js(arena_printf(a, "/units/%s/cuoc-thi/%lld", t->units[u].code,
			                            (long long)c->id)));
	}
	return o;
}

/* An entry: public (name, locality, title, text, media, prize) or for staff (+ status,
 * contact, reason, code). unit: the organiser's code for staff media links. */
static json_t *
entry_json(http_req_t *req, const store_contest_t *c, const store_contest_entry_t *e,
           const char *unit)
{
	arena_t *a = http_req_arena(req);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(e->id));
	json_object_set_new(o, "title", app_js(e->title));
	json_object_set_new(o, "body", app_js(e->body));
	json_object_set_new(o, "name", app_js(e->name));
	json_object_set_new(o, "locality", app_js(e->locality));
	json_object_set_new(o, "media_kind", app_js(e->media_kind));
	json_object_set_new(o, "is_photo", json_boolean(!strcmp(e->media_kind, "photo")));
	json_object_set_new(o, "is_audio", json_boolean(!strcmp(e->media_kind, "audio")));
	json_object_set_new(o, "is_video", json_boolean(!strcmp(e->media_kind, "video")));
	if (*e->media_file) {
		json_object_set_new(o, "media_mime", app_js(e->media_mime));
		json_object_set_new(o, "media_info", app_js(e->media_info));
		json_object_set_new(o, "media_size", json_integer(e->media_size));
		json_object_set_new(
		        o, "media_url",
		        app_js(unit ? arena_printf(a, "/units/%s/cuoc-thi/%lld/bai/%lld/tep", unit,
		                                   (long long)c->id, (long long)e->id)
		                    : arena_printf(a, "/cuoc-thi/%lld/bai/%lld/tep",
		                                   (long long)c->id, (long long)e->id)));
	}
	const char *pn = contest_prize_name(e->prize);
	json_object_set_new(o, "prize", app_js(e->prize));
	if (pn && (unit || !strcmp(c->status, "announced")))
		json_object_set_new(o, "prize_name", app_js(pn));
	else if (!unit)
		json_object_set_new(o, "prize", app_js(""));
	if (unit) {
		json_object_set_new(o, "status", app_js(e->status));
		json_object_set_new(o, "code", app_js(e->code));
		json_object_set_new(o, "phone", app_js(e->phone));
		json_object_set_new(o, "email", app_js(e->email));
		json_object_set_new(o, "reason", app_js(e->reason));
		json_object_set_new(o, "sent", app_js(app_fmt_time(a, e->created_at)));
		json_object_set_new(o, "pending", json_boolean(!strcmp(e->status, "pending")));
		json_object_set_new(o, "approved", json_boolean(!strcmp(e->status, "approved")));
	}
	return o;
}

/* The approved entries of c (public), prize winners first once announced. */
static json_t *
public_entries(http_req_t *req, const store_contest_t *c)
{
	entries_t l = {http_req_arena(req), NULL, 0, 0};
	json_t *arr = json_array();
	if (store_contest_entries(((app_t *)http_req_app(req))->store, c->id, "approved", entry_add,
	                          &l) < 0)
		return arr;
	static const char *const order[] = {"nhat", "nhi", "ba", "kk", ""};
	int announced = !strcmp(c->status, "announced");
	for (int k = 0; k < 5; k++)
		for (size_t i = 0; i < l.n; i++)
			if (!announced ? k == 4
			               : !strcmp(l.v[i].prize, order[k]) ||
			                         (k == 4 && !contest_prize_name(l.v[i].prize)))
				json_array_append_new(arr, entry_json(req, c, &l.v[i], NULL));
	return arr;
}

/* ---------- public pages ---------- */

typedef struct clist {
	http_req_t *req;
	json_t *arr;
} clist_t;

static int
clist_add(const store_contest_t *c, void *p)
{
	clist_t *l = p;
	json_array_append_new(l->arr, contest_json(l->req, c, 0));
	return 0;
}

/* The published contests, of the "place" unit's subtree when given. 0, or -1 after
 * replying. */
static int
public_list(http_req_t *req, json_t **arr, int32_t *place)
{
	const unit_tree_t *t = app_req_tree(req);
	const char *pl = app_param(req, "place");
	store_contest_query_t q = {.public_only = 1, .limit = LIST_MAX};
	buf_t path = BUF_INIT;
	*place = -1;
	if (*pl) {
		*place = app_place_unit(t, pl);
		if (*place < 0) {
			app_error_page(
			        req, 404,
			        "Nơi (place): không tìm thấy đơn vị hoặc địa bàn này; hãy nhập "
			        "tên khác hoặc mã đơn vị.");
			return -1;
		}
		unit_tree_path(t, *place, &path);
		q.path = arena_strdup(http_req_arena(req), buf_cstr(&path));
	}
	buf_free(&path);
	clist_t l = {req, json_array()};
	if (store_contests_find(((app_t *)http_req_app(req))->store, &q, clist_add, &l) < 0) {
		json_decref(l.arr);
		app_error_page(req, 500, NULL);
		return -1;
	}
	*arr = l.arr;
	return 0;
}

int
page_contests(http_req_t *req)
{
	json_t *arr;
	int32_t place;
	if (public_list(req, &arr, &place) < 0)
		return 0;
	json_t *ctx = json_object();
	json_object_set_new(ctx, "has_contests", json_boolean(json_array_size(arr) > 0));
	json_object_set_new(ctx, "contests", arr);
	json_object_set_new(ctx, "place", app_js(app_param(req, "place")));
	if (place >= 0)
		json_object_set_new(ctx, "place_unit", app_unit_json(app_req_tree(req), place));
	return app_render_page(req, 200, "contests", "Cuộc thi", ctx);
}

int
api_contests(http_req_t *req)
{
	json_t *arr;
	int32_t place;
	if (public_list(req, &arr, &place) < 0)
		return 0;
	return app_reply_json(req, 200, json_pack("{s:o}", "contests", arr));
}

int
page_contest(http_req_t *req)
{
	store_contest_t c;
	if (!load_contest(req, &c, 1))
		return 0;
	json_t *ctx = json_object();
	json_t *entries = public_entries(req, &c);
	json_object_set_new(ctx, "has_entries", json_boolean(json_array_size(entries) > 0));
	json_object_set_new(ctx, "entries", entries);
	json_object_set_new(ctx, "c", contest_json(req, &c, 0));
	contest_ctx_t cx = ctx_of(req);
	if (contest_is_judge(&cx, c.id, cx.actor))
		json_object_set_new(
		        ctx, "judge_url",
		        app_js(arena_printf(cx.arena, "/cuoc-thi/%lld/cham", (long long)c.id)));
	json_object_set_new(
	        ctx, "lookup_url",
	        app_js(arena_printf(cx.arena, "/cuoc-thi/%lld/tra-cuu", (long long)c.id)));
	return app_render_page(req, 200, "contest", c.title, ctx);
}

const char *
contest_too_big_message(http_req_t *req, const char *message)
{
	const http_route_t *rt = http_req_route(req);
	if (!rt || rt->handler != page_contest_entry_post)
		return message;
	const char *cl = http_req_header(req, "Content-Length");
	char got[32] = "", cap[32];
	if (cl) {
		char *end;
		long long n = strtoll(cl, &end, 10);
		if (*end == '\0' && n > 0)
			av_size_text(n, got, sizeof got);
	}
	av_size_text(AV_VIDEO_MAX_BYTES, cap, sizeof cap);
	return arena_printf(
	        http_req_arena(req),
	        "Tệp dự thi (file)%s%s, quá giới hạn %s — dung lượng lớn nhất mà một "
	        "cuộc thi nhận; chưa có gì được gửi. Hãy cắt ngắn video hoặc quay ở chất "
	        "lượng thấp hơn.",
	        *got ? ": " : "", got, cap);
}

/* GET /cuoc-thi/:cid/tra-cuu?code=: the code page of a typed code (no JavaScript needed). */
int
page_contest_lookup(http_req_t *req)
{
	store_contest_t c;
	if (!load_contest(req, &c, 1))
		return 0;
	contest_ctx_t cx = ctx_of(req);
	store_contest_entry_t e;
	int rc = contest_entry_by_code(&cx, c.id, app_param(req, "code"), &e);
	if (rc < 0)
		return 500;
	if (rc == 0) {
		app_error_page(
		        req, 404,
		        "Mã bài dự thi (code): không có bài nào với mã này trong cuộc thi; hãy "
		        "kiểm tra lại 8 ký tự của mã.");
		return 0;
	}
	return http_redirect(
	        req, 303, arena_printf(cx.arena, "/cuoc-thi/%lld/ma/%s", (long long)c.id, e.code));
}

int
api_contest(http_req_t *req)
{
	store_contest_t c;
	if (!load_contest(req, &c, 1))
		return 0;
	json_t *o = contest_json(req, &c, 0);
	json_object_set_new(o, "entries", public_entries(req, &c));
	return app_reply_json(req, 200, o);
}

/* ---------- the citizens' entry ---------- */

static const char *const entry_fields[] = {"name", "phone", "email",   "locality", "title",
                                           "body", "media", "consent", "website"};
#define NENTRY (sizeof entry_fields / sizeof entry_fields[0])

static int
render_entry_form(http_req_t *req, const store_contest_t *c, int status, const contest_out_t *o)
{
	json_t *ctx = json_object();
	json_object_set_new(ctx, "c", contest_json(req, c, 0));
	json_t *v = json_object();
	for (size_t k = 0; k + 1 < NENTRY; k++) {
		const char *x = http_req_param(req, entry_fields[k]);
		if (x)
			json_object_set_new(v, entry_fields[k], app_js(x));
	}
	const char *m = app_param(req, "media");
	json_object_set_new(v, "media_photo", json_boolean(!strcmp(m, "photo")));
	json_object_set_new(v, "media_audio", json_boolean(!strcmp(m, "audio")));
	json_object_set_new(v, "media_video", json_boolean(!strcmp(m, "video")));
	json_object_set_new(ctx, "v", v);
	json_object_set_new(ctx, "err", o ? errs_json(o) : json_object());
	if (o)
		json_object_set_new(ctx, "form_error", app_js(o->message));
	json_object_set_new(ctx, "retention_days", json_integer(CONTEST_RETENTION_DAYS));
	int n = contest_takes(c, "photo") + contest_takes(c, "audio") + contest_takes(c, "video");
	json_object_set_new(ctx, "choose_media", json_boolean(n > 1));
	json_object_set_new(ctx, "has_media", json_boolean(n > 0));
	app_public_csrf(req, ctx);
	return app_render_page(req, status, "contest_entry",
	                       arena_printf(http_req_arena(req), "Dự thi: %s", c->title), ctx);
}

int
page_contest_entry_form(http_req_t *req)
{
	store_contest_t c;
	if (!load_contest(req, &c, 1))
		return 0;
	return render_entry_form(req, &c, 200, NULL);
}

static int
over_limit(http_req_t *req, char kind)
{
	return app_citizen_limited(req, kind, CONTEST_IP_PER_HOUR,
	                           "Có quá nhiều bài dự thi hoặc lượt rút bài từ cùng một mạng "
	                           "trong một giờ; hãy thử lại sau, hoặc gửi bài qua ban tổ chức.");
}

int
page_contest_entry_post(http_req_t *req)
{
	store_contest_t c;
	if (!load_contest(req, &c, 1))
		return 0;
	const char *v[NENTRY];
	if (app_read_fields(req, entry_fields, NENTRY, v, "consent", NULL) < 0 ||
	    over_limit(req, 'k'))
		return 0;
	contest_ctx_t cx = ctx_of(req);
	entry_input_t in = {v[0], v[1], v[2], v[3], v[4], v[5],
	                    v[7], v[6], v[8], NULL, 0,    http_req_client_ip(req)};
	const http_part_t *p = http_req_file(req, "file");
	if (p && p->len > 0) {
		in.file = p->data;
		in.file_len = p->len;
	}
	contest_out_t o;
	contest_rc_t rc = contest_enter(&cx, &c, &in, &o);
	if (rc == CONTEST_OK) {
		auth_throttle_fail(((app_t *)http_req_app(req))->enrol_limit,
		                   app_citizen_key(req, 'k'), cx.now);
		const char *where =
		        arena_printf(cx.arena, "/cuoc-thi/%lld/ma/%s", (long long)c.id, o.code);
		if (app_is_api(req))
			return app_reply_json(req, 201,
			                      json_pack("{s:s,s:s,s:s,s:s}", "code", o.code,
			                                "status", "pending", "message", o.message,
			                                "url", where));
		return http_redirect(req, 303, arena_printf(cx.arena, "%s?done=1", where));
	}
	if (!app_is_api(req) && rc != CONTEST_ERR_STORE)
		return render_entry_form(req, &c, status_of(rc), &o);
	return reply_out(req, rc, &o);
}

static const char *
status_name(const char *s)
{
	if (!strcmp(s, "pending"))
		return "Chờ ban tổ chức duyệt";
	if (!strcmp(s, "approved"))
		return "Đã duyệt, đang hiện trên trang cuộc thi";
	if (!strcmp(s, "rejected"))
		return "Không được duyệt";
	if (!strcmp(s, "withdrawn"))
		return "Đã rút";
	return s;
}

static int
render_code(http_req_t *req, const store_contest_t *c, const store_contest_entry_t *e, int status,
            const contest_out_t *o)
{
	arena_t *a = http_req_arena(req);
	json_t *ctx = json_object();
	json_object_set_new(ctx, "c", contest_json(req, c, 0));
	json_t *r = json_object();
	json_object_set_new(r, "code", app_js(e->code));
	json_object_set_new(r, "title", app_js(e->title));
	json_object_set_new(r, "status", app_js(e->status));
	json_object_set_new(r, "status_name", app_js(status_name(e->status)));
	json_object_set_new(r, "reason", app_js(!strcmp(e->status, "rejected") ? e->reason : ""));
	json_object_set_new(
	        r, "can_withdraw",
	        json_boolean(!strcmp(e->status, "pending") || !strcmp(e->status, "approved")));
	json_object_set_new(ctx, "r", r);
	json_object_set_new(ctx, "action",
	                    app_js(arena_printf(a, "/cuoc-thi/%lld/rut", (long long)c->id)));
	if (!strcmp(app_param(req, "done"), "1"))
		json_object_set_new(ctx, "just_sent", json_true());
	if (!strcmp(app_param(req, "done"), "rut"))
		json_object_set_new(ctx, "just_withdrawn", json_true());
	if (o) {
		json_object_set_new(ctx, "form_error", app_js(o->message));
		json_object_set_new(ctx, "err", errs_json(o));
	}
	app_public_csrf(req, ctx);
	return app_render_page(req, status, "contest_code", "Mã bài dự thi", ctx);
}

int
page_contest_entry_status(http_req_t *req)
{
	store_contest_t c;
	if (!load_contest(req, &c, 1))
		return 0;
	contest_ctx_t cx = ctx_of(req);
	store_contest_entry_t e;
	int rc = contest_entry_by_code(&cx, c.id, app_param(req, "ecode"), &e);
	if (rc < 0)
		return 500;
	if (rc == 0) {
		app_error_page(req, 404, "Không có bài dự thi với mã này trong cuộc thi.");
		return 0;
	}
	return render_code(req, &c, &e, 200, NULL);
}

int
page_contest_withdraw(http_req_t *req)
{
	store_contest_t c;
	if (!load_contest(req, &c, 1))
		return 0;
	static const char *const names[] = {"code", "phone4"};
	const char *v[2];
	if (app_read_fields(req, names, 2, v, NULL, NULL) < 0 || over_limit(req, 'w'))
		return 0;
	contest_ctx_t cx = ctx_of(req);
	contest_out_t o;
	contest_rc_t rc = contest_withdraw(&cx, c.id, v[0], v[1], &o);
	if (rc == CONTEST_ERR_INVALID) /* guessing codes costs the address's allowance */
		auth_throttle_fail(((app_t *)http_req_app(req))->enrol_limit,
		                   app_citizen_key(req, 'w'), cx.now);
	if (rc == CONTEST_OK) {
		if (app_is_api(req))
			return app_reply_json(req, 200,
			                      json_pack("{s:s,s:s,s:s}", "code", o.code, "status",
			                                "withdrawn", "message", o.message));
		return http_redirect(req, 303,
		                     arena_printf(cx.arena, "/cuoc-thi/%lld/ma/%s?done=rut",
		                                  (long long)c.id, o.code));
	}
	if (!app_is_api(req) && rc == CONTEST_ERR_INVALID) {
		store_contest_entry_t e;
		if (contest_entry_by_code(&cx, c.id, v[0], &e) == 1)
			return render_code(req, &c, &e, 422, &o);
	}
	return reply_out(req, rc, &o);
}

/* ---------- media ---------- */

/* The stored file of e with its type; a single "Range: bytes=" is answered 206 (an
 * open-ended one with at most MEDIA_CHUNK bytes: players ask again). */
static int
reply_media(http_req_t *req, const store_contest_entry_t *e, int public)
{
	if (!*e->media_file || strchr(e->media_file, '/') || !*e->media_mime) {
		app_error_page(req, 404, "Bài dự thi này không có tệp.");
		return 0;
	}
	arena_t *a = http_req_arena(req);
	const char *path = arena_printf(a, "%s/%s", media_dir(req), e->media_file);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		app_error_page(req, 404, "Tệp của bài dự thi không còn.");
		return 0;
	}
	int64_t size = st.st_size, from = 0, to = size - 1;
	int partial = 0;
	const char *range = http_req_header(req, "Range");
	if (range && !strncmp(range, "bytes=", 6) && !strchr(range, ',') && size > 0) {
		const char *r = range + 6;
		char *end;
		errno = 0;
		if (*r == '-') {
			long long n = strtoll(r + 1, &end, 10);
			if (!errno && *end == '\0' && n > 0) {
				from = n >= size ? 0 : size - n;
				partial = 1;
			}
		} else {
			long long f = strtoll(r, &end, 10);
			if (!errno && *end == '-' && f >= 0) {
				if (end[1] == '\0') {
					from = f;
					to = f + MEDIA_CHUNK - 1 < size - 1 ? f + MEDIA_CHUNK - 1
					                                    : size - 1;
					partial = 1;
				} else {
					long long t = strtoll(end + 1, &end, 10);
					if (!errno && *end == '\0' && t >= f) {
						from = f;
						to = t < size - 1 ? t : size - 1;
						partial = 1;
					}
				}
			}
		}
		if (partial && from >= size) {
			close(fd);
			http_resp_header(req, "Content-Range",
			                 arena_printf(a, "bytes */%lld", (long long)size));
			return http_reply(req, 416, "text/plain; charset=utf-8", "", 0);
		}
	}
	size_t len = size > 0 ? (size_t)(to - from + 1) : 0;
	buf_t b = BUF_INIT;
	buf_reserve(&b, len + 1);
	size_t got = 0;
	while (got < len) {
		ssize_t n = pread(fd, b.data + got, len - got, (off_t)(from + (int64_t)got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (got != len) {
		buf_free(&b);
		return 500;
	}
	b.len = len;
	http_resp_header(req, "Accept-Ranges", "bytes");
	http_resp_header(req, "Cache-Control",
	                 public ? "public, max-age=600" : "private, no-store");
	http_resp_header(
	        req, "Content-Disposition",
	        arena_printf(a, "inline; filename=\"bai-du-thi-%lld%s\"", (long long)e->id,
	                     strrchr(e->media_file, '.') ? strrchr(e->media_file, '.') : ""));
	if (partial)
		http_resp_header(req, "Content-Range",
		                 arena_printf(a, "bytes %lld-%lld/%lld", (long long)from,
		                              (long long)to, (long long)size));
	int rc = http_reply_buf(req, partial ? 206 : 200, e->media_mime, &b);
	buf_free(&b);
	return rc;
}

int
page_contest_media(http_req_t *req)
{
	store_contest_t c;
	store_contest_entry_t e;
	if (!load_contest(req, &c, 1) || !load_entry(req, &c, &e))
		return 0;
	if (strcmp(e.status, "approved")) {
		app_error_page(req, 404, "Không tìm thấy bài dự thi này.");
		return 0;
	}
	return reply_media(req, &e, 1);
}

int
page_unit_contest_media(http_req_t *req)
{
	int32_t i;
	store_contest_t c;
	store_contest_entry_t e;
	if (!unit_contest(req, &i, &c) || !load_entry(req, &c, &e))
		return 0;
	return reply_media(req, &e, 0);
}

/* ---------- the organiser ---------- */

static const char *const contest_fields[] = {
        "title",      "theme",         "rules",         "type_text", "type_photo", "type_audio",
        "type_video", "audio_minutes", "video_minutes", "audio_mb",  "video_mb",   "starts",
        "ends",       "results",       "status",        "judges"};
#define NCONTEST (sizeof contest_fields / sizeof contest_fields[0])

static json_t *
contest_form_json(http_req_t *req, const store_contest_t *c, const contest_out_t *o)
{
	arena_t *a = http_req_arena(req);
	json_t *f = json_object();
	if (o || !c) { /* what was typed (or the blank form) */
		for (size_t k = 0; k < NCONTEST; k++) {
			const char *x = http_req_param(req, contest_fields[k]);
			if (x)
				json_object_set_new(f, contest_fields[k], app_js(x));
		}
		if (!o) {
			json_object_set_new(f, "type_text", app_js("1"));
			json_object_set_new(f, "type_photo", app_js("1"));
			json_object_set_new(f, "type_audio", app_js("1"));
			json_object_set_new(f, "type_video", app_js("1"));
		}
	} else {
		json_object_set_new(f, "title", app_js(c->title));
		json_object_set_new(f, "theme", app_js(c->theme));
		json_object_set_new(f, "rules", app_js(c->rules));
		static const char *const tn[] = {"text", "photo", "audio", "video"};
		for (int k = 0; k < 4; k++)
			if (contest_takes(c, tn[k]))
				json_object_set_new(f, arena_printf(a, "type_%s", tn[k]),
				                    app_js("1"));
		json_object_set_new(
		        f, "audio_minutes",
		        app_js(arena_printf(a, "%lld", (long long)c->audio_max_seconds / 60)));
		json_object_set_new(
		        f, "video_minutes",
		        app_js(arena_printf(a, "%lld", (long long)c->video_max_seconds / 60)));
		json_object_set_new(
		        f, "audio_mb",
		        app_js(arena_printf(a, "%lld", (long long)c->audio_max_bytes >> 20)));
		json_object_set_new(
		        f, "video_mb",
		        app_js(arena_printf(a, "%lld", (long long)c->video_max_bytes >> 20)));
		json_object_set_new(f, "starts", app_js(date_of(a, c->starts_at)));
		json_object_set_new(f, "ends", app_js(date_of(a, c->ends_at - 1)));
		json_object_set_new(f, "results", app_js(app_fmt_date(a, c->results_on)));
		json_object_set_new(f, "status", app_js(c->status));
		json_t *judges = json_array();
		store_contest_judges(((app_t *)http_req_app(req))->store, c->id, judge_name,
		                     judges);
		buf_t jb = BUF_INIT;
		app_t *app = http_req_app(req);
		size_t k;
		json_t *j;
		json_array_foreach(judges, k, j)
		{
			app_user_t *u;
			if (app_load_user(app, a, json_integer_value(json_object_get(j, "id")),
			                  &u) == 1)
				buf_printf(&jb, "%s%s", jb.len ? ", " : "", u->username);
		}
		json_decref(judges);
		json_object_set_new(f, "judges", app_js(buf_cstr(&jb)));
		buf_free(&jb);
	}
	const char *st = json_string_value(json_object_get(f, "status"));
	json_object_set_new(f, "is_published", json_boolean(st && !strcmp(st, "published")));
	json_t *o2 = json_object();
	json_object_set_new(o2, "f", f);
	json_object_set_new(o2, "err", o ? errs_json(o) : json_object());
	if (o)
		json_object_set_new(o2, "form_error", app_js(o->message));
	return o2;
}

static int
render_unit_list(http_req_t *req, int32_t i, int status, const contest_out_t *o)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	buf_t path = BUF_INIT;
	unit_tree_path(t, i, &path);
	store_contest_query_t q = {
	        .path = arena_strdup(a, buf_cstr(&path)), .exact = 1, .limit = LIST_MAX};
	buf_free(&path);
	clist_t l = {req, json_array()};
	store_contests_find(((app_t *)http_req_app(req))->store, &q, clist_add, &l);
	size_t k;
	json_t *x;
	json_array_foreach(l.arr, k, x) json_object_set_new(
	        x, "edit_url",
	        app_js(arena_printf(a, "/units/%s/cuoc-thi/%lld", t->units[i].code,
	                            (long long)json_integer_value(json_object_get(x, "id")))));
	json_t *ctx = json_object();
	json_object_set_new(ctx, "unit", app_unit_json(t, i));
	json_object_set_new(ctx, "has_contests", json_boolean(json_array_size(l.arr) > 0));
	json_object_set_new(ctx, "contests", l.arr);
	json_object_set_new(ctx, "form", contest_form_json(req, NULL, o));
	json_object_set_new(ctx, "action",
	                    app_js(arena_printf(a, "/units/%s/cuoc-thi", t->units[i].code)));
	return app_render_page(req, status, "contest_unit",
	                       arena_printf(a, "Cuộc thi — %s", t->units[i].name), ctx);
}

int
page_unit_contests(http_req_t *req)
{
	return render_unit_list(req, unit_tree_find_code(app_req_tree(req), app_param(req, "code")),
	                        200, NULL);
}

static int
render_unit_contest(http_req_t *req, int32_t i, const store_contest_t *c, int status,
                    const contest_out_t *o)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	contest_ctx_t cx = ctx_of(req);
	const char *code = t->units[i].code;
	json_t *ctx = json_object();
	json_object_set_new(ctx, "unit", app_unit_json(t, i));
	json_object_set_new(ctx, "c", contest_json(req, c, 1));
	json_object_set_new(ctx, "form", contest_form_json(req, c, o));
	const char *base = arena_printf(a, "/units/%s/cuoc-thi/%lld", code, (long long)c->id);
	json_object_set_new(ctx, "action", app_js(base));
	json_object_set_new(ctx, "announce_url", app_js(arena_printf(a, "%s/cong-bo", base)));
	entries_t l = {a, NULL, 0, 0};
	store_contest_entries(cx.store, c->id, "", entry_add, &l);
	json_t *pending = json_array(), *decided = json_array();
	for (size_t k = 0; k < l.n; k++) {
		json_t *e = entry_json(req, c, &l.v[k], code);
		json_object_set_new(
		        e, "action",
		        app_js(arena_printf(a, "%s/bai/%lld", base, (long long)l.v[k].id)));
		json_object_set_new(e, "status_name", app_js(status_name(l.v[k].status)));
		json_array_append_new(strcmp(l.v[k].status, "pending") ? decided : pending, e);
	}
	json_object_set_new(ctx, "n_pending", json_integer((json_int_t)json_array_size(pending)));
	json_object_set_new(ctx, "pending", pending);
	json_object_set_new(ctx, "has_decided", json_boolean(json_array_size(decided) > 0));
	json_object_set_new(ctx, "decided", decided);
	contest_rank_t *rk = NULL;
	size_t nr = 0;
	contest_ranking(&cx, c->id, &rk, &nr);
	json_t *ranking = json_array();
	for (size_t k = 0; k < nr; k++) {
		json_t *e = entry_json(req, c, &rk[k].e, code);
		json_object_set_new(e, "rank", json_integer((json_int_t)k + 1));
		json_object_set_new(e, "nscores", json_integer(rk[k].nscores));
		json_object_set_new(
		        e, "average",
		        app_js(rk[k].average < 0 ? "—" : arena_printf(a, "%.1f", rk[k].average)));
		json_object_set_new(
		        e, "action",
		        app_js(arena_printf(a, "%s/bai/%lld", base, (long long)rk[k].e.id)));
		static const char *const pz[] = {"nhat", "nhi", "ba", "kk"};
		json_t *opts = json_array();
		for (int p = 0; p < 4; p++)
			json_array_append_new(opts,
			                      json_pack("{s:s,s:s,s:b}", "code", pz[p], "name",
			                                contest_prize_name(pz[p]), "selected",
			                                !strcmp(rk[k].e.prize, pz[p])));
		json_object_set_new(e, "prizes", opts);
		json_array_append_new(ranking, e);
	}
	json_object_set_new(ctx, "has_ranking", json_boolean(nr > 0));
	json_object_set_new(ctx, "ranking", ranking);
	json_object_set_new(ctx, "can_announce",
	                    json_boolean(!strcmp(contest_phase(c, cx.now), "closed")));
	json_object_set_new(ctx, "editable", json_boolean(strcmp(c->status, "announced") != 0));
	const char *done = app_param(req, "done");
	if (*done && status == 200)
		json_object_set_new(ctx, "ok",
		                    app_js(!strcmp(done, "saved")     ? "Đã lưu cuộc thi."
		                           : !strcmp(done, "approve") ? "Đã duyệt bài."
		                           : !strcmp(done, "reject") ? "Đã từ chối bài; tệp đã xóa."
		                           : !strcmp(done, "prize")    ? "Đã lưu giải."
		                           : !strcmp(done, "announce") ? "Đã công bố kết quả."
		                                                       : ""));
	if (o && !o->nerrs)
		json_object_set_new(ctx, "action_error", app_js(o->message));
	return app_render_page(req, status, "contest_edit", c->title, ctx);
}

int
page_unit_contest(http_req_t *req)
{
	int32_t i;
	store_contest_t c;
	if (!unit_contest(req, &i, &c))
		return 0;
	return render_unit_contest(req, i, &c, 200, NULL);
}

static int
save_contest(http_req_t *req, int32_t i, const store_contest_t *old)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	const char *v[NCONTEST];
	if (app_read_fields(req, contest_fields, NCONTEST, v,
	                    "type_text type_photo type_audio type_video",
	                    "audio_minutes video_minutes audio_mb video_mb") < 0)
		return 0;
	contest_input_t in = {v[0], v[1], v[2],  v[3],  v[4],  v[5],  v[6],  v[7],
	                      v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15]};
	buf_t path = BUF_INIT;
	unit_tree_path(t, i, &path);
	contest_ctx_t cx = ctx_of(req);
	contest_out_t o;
	/* the contest and its audit entry: one transaction */
	if (store_tx_begin(cx.store) < 0) {
		buf_free(&path);
		return 500;
	}
	contest_rc_t rc =
	        contest_save(&cx, old, t->units[i].id, arena_strdup(a, buf_cstr(&path)), &in, &o);
	buf_free(&path);
	int ok = rc == CONTEST_OK && app_audit(req, t, i, old ? "contest.update" : "contest.create",
	                                       arena_printf(a, "contest:%lld", (long long)o.id),
	                                       old ? old->title : NULL, v[0]) == 0;
	if (app_tx_end(req, ok) < 0 && rc == CONTEST_OK)
		return 500; /* saved, but its entry or the commit failed: nothing kept */
	if (rc != CONTEST_OK) {
		if (app_is_api(req) || rc == CONTEST_ERR_STORE)
			return reply_out(req, rc, &o);
		return old ? render_unit_contest(req, i, old, status_of(rc), &o)
		           : render_unit_list(req, i, status_of(rc), &o);
	}
	store_contest_t c;
	if (contest_load(&cx, o.id, &c) != 1)
		return 500;
	if (app_is_api(req))
		return app_reply_json(req, old ? 200 : 201, contest_json(req, &c, 1));
	return http_redirect(req, 303,
	                     arena_printf(a, "/units/%s/cuoc-thi/%lld?done=saved", t->units[i].code,
	                                  (long long)o.id));
}

int
page_unit_contest_create(http_req_t *req)
{
	return save_contest(req, unit_tree_find_code(app_req_tree(req), app_param(req, "code")),
	                    NULL);
}

int
page_unit_contest_update(http_req_t *req)
{
	int32_t i;
	store_contest_t c;
	if (!unit_contest(req, &i, &c))
		return 0;
	return save_contest(req, i, &c);
}

/* POST .../bai/:eid: action approve, reject (with reason) or prize (with prize). */
int
page_unit_contest_entry(http_req_t *req)
{
	int32_t i;
	store_contest_t c;
	store_contest_entry_t e;
	if (!unit_contest(req, &i, &c) || !load_entry(req, &c, &e))
		return 0;
	static const char *const names[] = {"action", "reason", "prize"};
	const char *v[3];
	if (app_read_fields(req, names, 3, v, NULL, NULL) < 0)
		return 0;
	contest_ctx_t cx = ctx_of(req);
	contest_out_t o;
	const char *act = v[0] ? v[0] : "";
	contest_rc_t rc;
	const unit_tree_t *t = app_req_tree(req);
	/* the decision and its audit entry: one transaction */
	if (store_tx_begin(cx.store) < 0)
		return 500;
	if (!strcmp(act, "prize"))
		rc = contest_prize(&cx, &c, e.id, v[2], &o);
	else
		rc = contest_moderate(&cx, &c, e.id, act, v[1], &o);
	int ok = rc == CONTEST_OK &&
	         app_audit(req, t, i, arena_printf(cx.arena, "contest.entry.%s", act),
	                   arena_printf(cx.arena, "contest-entry:%lld", (long long)e.id), e.status,
	                   !strcmp(act, "prize") ? v[2] : act) == 0;
	if (app_tx_end(req, ok) < 0 && rc == CONTEST_OK)
		return 500;
	if (rc != CONTEST_OK) {
		if (app_is_api(req) || rc == CONTEST_ERR_STORE)
			return reply_out(req, rc, &o);
		if (o.nerrs)
			o.message = arena_printf(cx.arena, "Bài “%s”: %s", e.title, o.errs[0].msg);
		contest_out_t shown = o;
		shown.nerrs = 0;
		return render_unit_contest(req, i, &c, status_of(rc), &shown);
	}
	if (app_is_api(req)) {
		entries_t l = {cx.arena, NULL, 0, 0};
		store_contest_entry_get(cx.store, e.id, NULL, entry_add, &l);
		return app_reply_json(req, 200,
		                      l.n ? entry_json(req, &c, &l.v[0], t->units[i].code)
		                          : json_object());
	}
	return http_redirect(req, 303,
	                     arena_printf(cx.arena, "/units/%s/cuoc-thi/%lld?done=%s",
	                                  t->units[i].code, (long long)c.id, act));
}

int
page_unit_contest_announce(http_req_t *req)
{
	int32_t i;
	store_contest_t c;
	if (!unit_contest(req, &i, &c))
		return 0;
	contest_ctx_t cx = ctx_of(req);
	contest_out_t o;
	const unit_tree_t *t = app_req_tree(req);
	/* the announcement and its audit entry: one transaction */
	if (store_tx_begin(cx.store) < 0)
		return 500;
	contest_rc_t rc = contest_announce(&cx, &c, &o);
	int ok =
	        rc == CONTEST_OK &&
	        app_audit(req, t, i, "contest.announce",
	                  arena_printf(cx.arena, "contest:%lld", (long long)c.id), NULL, NULL) == 0;
	if (app_tx_end(req, ok) < 0 && rc == CONTEST_OK)
		return 500;
	if (rc != CONTEST_OK) {
		if (app_is_api(req) || rc == CONTEST_ERR_STORE)
			return reply_out(req, rc, &o);
		return render_unit_contest(req, i, &c, status_of(rc), &o);
	}
	if (app_is_api(req))
		return app_reply_json(req, 200, json_pack("{s:s}", "message", o.message));
	return http_redirect(req, 303,
	                     arena_printf(cx.arena, "/units/%s/cuoc-thi/%lld?done=announce",
	                                  t->units[i].code, (long long)c.id));
}

int
api_unit_contest_entries(http_req_t *req)
{
	int32_t i;
	store_contest_t c;
	if (!unit_contest(req, &i, &c))
		return 0;
	const char *st = app_param(req, "status");
	if (*st && strcmp(st, "pending") && strcmp(st, "approved") && strcmp(st, "rejected") &&
	    strcmp(st, "withdrawn")) {
		app_error_page(req, 400,
		               "status: hãy dùng pending, approved, rejected, withdrawn (hoặc bỏ "
		               "trống).");
		return 0;
	}
	entries_t l = {http_req_arena(req), NULL, 0, 0};
	if (store_contest_entries(((app_t *)http_req_app(req))->store, c.id, st, entry_add, &l) < 0)
		return 500;
	json_t *arr = json_array();
	const char *code = app_req_tree(req)->units[i].code;
	for (size_t k = 0; k < l.n; k++)
		json_array_append_new(arr, entry_json(req, &c, &l.v[k], code));
	json_t *o = contest_json(req, &c, 1);
	json_object_set_new(o, "entries", arr);
	return app_reply_json(req, 200, o);
}

/* ---------- judges ---------- */

typedef struct my_scores {
	int64_t judge;
	json_t *by_entry; /* "id" -> {score, comment} */
} my_scores_t;

static int
my_score(const store_contest_score_t *s, void *p)
{
	my_scores_t *m = p;
	if (s->judge_id == m->judge) {
		char k[24];
		snprintf(k, sizeof k, "%lld", (long long)s->entry_id);
		json_object_set_new(
		        m->by_entry, k,
		        json_pack("{s:i,s:s}", "score", s->score, "comment", s->comment));
	}
	return 0;
}

/* The :cid contest when the signed-in user judges it: 1, or 0 after replying 403/404. */
static int
judged_contest(http_req_t *req, store_contest_t *c)
{
	if (!load_contest(req, c, 1))
		return 0;
	contest_ctx_t cx = ctx_of(req);
	if (!contest_is_judge(&cx, c->id, cx.actor)) {
		app_error_page(req, 403, "Bạn không phải giám khảo của cuộc thi này.");
		return 0;
	}
	return 1;
}

static int
render_judging(http_req_t *req, const store_contest_t *c, int status, const contest_out_t *o)
{
	arena_t *a = http_req_arena(req);
	contest_ctx_t cx = ctx_of(req);
	my_scores_t m = {cx.actor, json_object()};
	store_contest_scores(cx.store, c->id, my_score, &m);
	entries_t l = {a, NULL, 0, 0};
	store_contest_entries(cx.store, c->id, "approved", entry_add, &l);
	json_t *arr = json_array();
	for (size_t k = 0; k < l.n; k++) {
		json_t *e = entry_json(req, c, &l.v[k], NULL);
		char key[24];
		snprintf(key, sizeof key, "%lld", (long long)l.v[k].id);
		json_t *mine = json_object_get(m.by_entry, key);
		if (mine) {
			json_object_set(e, "my", mine);
			json_object_set_new(e, "scored", json_true());
		}
		json_object_set_new(e, "action",
		                    app_js(arena_printf(a, "/cuoc-thi/%lld/cham/%lld",
		                                        (long long)c->id, (long long)l.v[k].id)));
		json_array_append_new(arr, e);
	}
	json_decref(m.by_entry);
	json_t *ctx = json_object();
	json_object_set_new(ctx, "c", contest_json(req, c, 0));
	json_object_set_new(ctx, "has_entries", json_boolean(l.n > 0));
	json_object_set_new(ctx, "entries", arr);
	json_object_set_new(ctx, "can_score", json_boolean(strcmp(c->status, "announced") != 0));
	if (!strcmp(app_param(req, "done"), "1") && status == 200)
		json_object_set_new(ctx, "ok", app_js("Đã lưu điểm."));
	if (o)
		json_object_set_new(ctx, "form_error", app_js(o->message));
	return app_render_page(req, status, "contest_judge",
	                       arena_printf(a, "Chấm điểm: %s", c->title), ctx);
}

int
page_contest_judging(http_req_t *req)
{
	store_contest_t c;
	if (!judged_contest(req, &c))
		return 0;
	return render_judging(req, &c, 200, NULL);
}

int
page_contest_score(http_req_t *req)
{
	store_contest_t c;
	if (!judged_contest(req, &c))
		return 0;
	static const char *const names[] = {"score", "comment"};
	const char *v[2];
	if (app_read_fields(req, names, 2, v, NULL, "score") < 0)
		return 0;
	const char *eid = app_param(req, "eid");
	int64_t id = 0;
	if (text_parse_int(eid, strlen(eid), &id) < 0)
		id = 0;
	contest_ctx_t cx = ctx_of(req);
	contest_out_t o;
	contest_rc_t rc = contest_score(&cx, &c, id, v[0], v[1], &o);
	if (rc != CONTEST_OK) {
		if (app_is_api(req) || rc == CONTEST_ERR_STORE || rc == CONTEST_ERR_NOT_FOUND)
			return reply_out(req, rc, &o);
		return render_judging(req, &c, status_of(rc), &o);
	}
	if (app_is_api(req))
		return app_reply_json(req, 200, json_pack("{s:s}", "message", o.message));
	return http_redirect(req, 303,
	                     arena_printf(cx.arena, "/cuoc-thi/%lld/cham?done=1", (long long)c.id));
}
