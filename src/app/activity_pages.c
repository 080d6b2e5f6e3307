/* Activities of the Week: registration (before the campaign's deadline; later only with
 * an explicit confirmation, and flagged), details with the outcome and photos, the unit's
 * calendars (list and week, subtree or unit, filtered), the public calendar for citizens,
 * a share page per public activity with Open Graph tags, and iCalendar feeds. The guard
 * decides who reaches each route; these handlers apply the activity's own rules and never
 * show an internal activity to someone without unit.view on its unit. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "app/app.h"
#include "core/log.h"
#include "core/mem.h"
#include "domain/activity.h"
#include "domain/jsonin.h"
#include "media/photo.h"
#include "service/enrol.h"
#include "text/text.h"
#include "text/when.h"

#define MAX_PHOTOS 10
#define LIST_UPCOMING 300 /* a calendar's list: the next ones ... */
#define LIST_RECENT 100   /* ... and the latest past ones */
#define WEEK_MAX 2000     /* activities in one week's grid */
#define FEED_DAYS 400     /* an iCalendar feed: this many days back and ahead ... */
#define FEED_MAX 5000     /* ... at most this many events */
#define API_MAX 2000      /* a JSON list */
#define API_MAX_DAYS 800  /* span of from..to */
#define DAY 86400

/* ---------- small helpers ---------- */

static int
fail(http_req_t *req, int status, const char *msg)
{
	app_error_page(req, status, msg);
	return 0;
}

static const char *
date_of(arena_t *a, int64_t t)
{
	buf_t b = BUF_INIT;
	activity_format_date(t, &b);
	const char *s = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

static const char *
hhmm_of(arena_t *a, int64_t t)
{
	buf_t b = BUF_INIT;
	activity_format_hhmm(t, &b);
	const char *s = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

static const char *
span_of(arena_t *a, int64_t s, int64_t e)
{
	buf_t b = BUF_INIT;
	activity_format_span(s, e, &b);
	const char *r = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return r;
}

/* "Thứ Bảy, 01/10/2022" */
static const char *
day_heading(arena_t *a, int32_t d)
{
	return arena_printf(a, "%s, %s", activity_weekday_name(activity_weekday(d)),
	                    app_fmt_date(a, d));
}

/* "2022-10-06T07:00:00+07:00" */
static const char *
iso_vn(arena_t *a, int64_t t)
{
	time_t tt = (time_t)(t + ACTIVITY_VN_OFFSET);
	struct tm tm;
	gmtime_r(&tt, &tm);
	return arena_printf(a, "%04d-%02d-%02dT%02d:%02d:%02d+07:00", tm.tm_year + 1900,
	                    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static int32_t
today(void)
{
	int32_t d;
	int m;
	activity_vn_split(app_now(), &d, &m);
	return d;
}

/* Percent-encode a query value (RFC 3986 unreserved kept). */
static void
qs_add(buf_t *b, const char *name, const char *value)
{
	if (!value || !*value)
		return;
	buf_printf(b, "%s%s=", b->len ? "&" : "?", name);
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.' || *p == '~' ||
		    *p == '/')
			buf_putc(b, (char)*p);
		else
			buf_printf(b, "%%%02X", *p);
	}
}

/* The site's address as the visitor reached it: behind a proxy from X-Forwarded-Proto /
 * X-Forwarded-Host, else the Host header; anything odd in a host gives "localhost". */
static int
host_ok(const char *h)
{
	if (!h || !*h || strlen(h) > 200)
		return 0;
	for (const char *p = h; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == ':' ||
		      *p == '[' || *p == ']'))
			return 0;
	return 1;
}

static const char *
first_token(arena_t *a, const char *v)
{
	if (!v)
		return NULL;
	while (*v == ' ')
		v++;
	return arena_strndup(a, v, strcspn(v, ", "));
}

static const char *
site_host(http_req_t *req)
{
	arena_t *a = http_req_arena(req);
	const char *h = first_token(a, http_req_header(req, "X-Forwarded-Host"));
	if (!host_ok(h))
		h = http_req_header(req, "Host");
	return host_ok(h) ? h : "localhost";
}

static const char *
site_base(http_req_t *req)
{
	arena_t *a = http_req_arena(req);
	const char *p = first_token(a, http_req_header(req, "X-Forwarded-Proto"));
	return arena_printf(a, "%s://%s", p && !strcasecmp(p, "https") ? "https" : "http",
	                    site_host(req));
}

/* The host without its port, for UIDs. */
static const char *
uid_host(http_req_t *req)
{
	const char *h = site_host(req);
	if (*h == '[')
		return arena_strndup(http_req_arena(req), h, strcspn(h, "]") + 1);
	return arena_strndup(http_req_arena(req), h, strcspn(h, ":"));
}

/* ---------- who may see and change what ---------- */

typedef struct viewer {
	const unit_tree_t *t;
	access_grant_t *g;
	size_t ng;
} viewer_t;

static viewer_t
viewer_of(http_req_t *req)
{
	viewer_t v = {app_req_tree(req), NULL, 0};
	v.ng = app_user_grants(req, v.t, &v.g);
	return v;
}

static int
may(const viewer_t *v, action_t act, int32_t unit)
{
	return unit >= 0 && access_allowed(v->t, v->g, v->ng, act, unit);
}

/* ---------- reading activities ---------- */

typedef struct act_vec {
	arena_t *a;
	store_activity_t *v;
	size_t n, cap;
} act_vec_t;

static void
copy_into(arena_t *a, store_activity_t *d, const store_activity_t *s)
{
	*d = *s;
	d->unit_path = arena_strdup0(a, s->unit_path);
	d->kind = arena_strdup0(a, s->kind);
	d->title = arena_strdup0(a, s->title);
	d->description = arena_strdup0(a, s->description);
	d->place = arena_strdup0(a, s->place);
	d->mode = arena_strdup0(a, s->mode);
	d->link = arena_strdup0(a, s->link);
	d->audience = arena_strdup0(a, s->audience);
	d->status = arena_strdup0(a, s->status);
	d->outcome = arena_strdup0(a, s->outcome);
	d->client_id = arena_strdup0(a, s->client_id);
}

static int
vec_add(const store_activity_t *s, void *p)
{
	act_vec_t *v = p;
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 32;
		store_activity_t *nv = arena_alloc(v->a, size_mul(cap, sizeof *nv));
		if (v->n)
			memcpy(nv, v->v, v->n * sizeof *nv);
		v->v = nv;
		v->cap = cap;
	}
	copy_into(v->a, &v->v[v->n++], s);
	return 0;
}

typedef struct one_act {
	arena_t *a;
	store_activity_t act;
	int found;
} one_act_t;

static int
take_one(const store_activity_t *s, void *p)
{
	one_act_t *o = p;
	copy_into(o->a, &o->act, s);
	o->found = 1;
	return 0;
}

/* Activity id (0: none) into *out; 1 found, 0 not, -1 store error. */
static int
load_activity(http_req_t *req, int64_t id, store_activity_t *out)
{
	if (id <= 0)
		return 0;
	one_act_t o = {http_req_arena(req), {0}, 0};
	int rc = store_activity_get(((app_t *)http_req_app(req))->store, id, take_one, &o);
	if (rc < 0)
		return -1;
	if (!o.found)
		return 0;
	*out = o.act;
	return 1;
}

/* The :aid activity of the :code unit; replies 404 (or 500) and returns -1 otherwise. */
static int
unit_activity(http_req_t *req, int32_t *unit, store_activity_t *out)
{
	const unit_tree_t *t = app_req_tree(req);
	*unit = unit_tree_find_code(t, app_param(req, "code"));
	int rc = *unit < 0 ? 0 : load_activity(req, app_id_param(req, "aid"), out);
	if (rc < 0) {
		app_error_page(req, 500, NULL);
		return -1;
	}
	if (rc == 0 || out->unit_id != t->units[*unit].id) {
		app_error_page(req, 404, "Không tìm thấy hoạt động này của đơn vị.");
		return -1;
	}
	return 0;
}

/* ---------- the JSON shapes ---------- */

/* For templates: formatted texts and links. internal: links to the unit's pages when the
 * viewer may see them. */
static json_t *
act_view(http_req_t *req, const viewer_t *vw, const store_activity_t *s)
{
	arena_t *a = http_req_arena(req);
	const unit_tree_t *t = vw->t;
	int32_t u = unit_tree_find_id(t, s->unit_id);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(s->id));
	json_object_set_new(o, "title", app_js(s->title));
	json_object_set_new(o, "kind", app_js(s->kind));
	json_object_set_new(o, "kind_name", app_js(activity_kind_name(s->kind)));
	json_object_set_new(o, "mode", app_js(s->mode));
	json_object_set_new(o, "mode_name", app_js(activity_mode_name(s->mode)));
	json_object_set_new(o, "online", json_boolean(strcmp(s->mode, "truc_tiep") != 0));
	json_object_set_new(o, "when", app_js(span_of(a, s->start_at, s->end_at)));
	{
		int32_t d1, d2;
		int m1, m2;
		activity_vn_split(s->start_at, &d1, &m1);
		activity_vn_split(s->end_at, &d2, &m2);
		/* "08:00 03/10 – 10:30 07/10" across days */
		const char *sw =
		        d1 != d2 ? arena_printf(a, "%s %.5s – %s %.5s", hhmm_of(a, s->start_at),
		                                app_fmt_date(a, d1), hhmm_of(a, s->end_at),
		                                app_fmt_date(a, d2))
		        : s->end_at > s->start_at
		                ? arena_printf(a, "%s–%s", hhmm_of(a, s->start_at),
		                               hhmm_of(a, s->end_at))
		                : hhmm_of(a, s->start_at);
		json_object_set_new(o, "short_when", app_js(sw));
	}
	json_object_set_new(o, "start_hhmm", app_js(hhmm_of(a, s->start_at)));
	json_object_set_new(o, "end_hhmm", app_js(hhmm_of(a, s->end_at)));
	json_object_set_new(o, "place", app_js(s->place));
	json_object_set_new(o, "link", app_js(s->link));
	json_object_set_new(o, "audience", app_js(s->audience));
	json_object_set_new(o, "description", app_js(s->description));
	if (s->expected >= 0)
		json_object_set_new(o, "expected_text", app_js(app_fmt_count(a, s->expected)));
	json_object_set_new(o, "is_public", json_boolean(s->is_public));
	json_object_set_new(o, "late", json_boolean(s->late));
	json_object_set_new(o, "status", app_js(s->status));
	json_object_set_new(o, "status_name", app_js(activity_status_name(s->status)));
	json_object_set_new(o, "held", json_boolean(!strcmp(s->status, "held")));
	json_object_set_new(o, "cancelled", json_boolean(!strcmp(s->status, "cancelled")));
	if (s->actual >= 0)
		json_object_set_new(o, "actual_text", app_js(app_fmt_count(a, s->actual)));
	json_object_set_new(o, "outcome", app_js(s->outcome));
	if (u >= 0) {
		json_object_set_new(o, "unit_code", app_js(t->units[u].code));
		json_object_set_new(o, "unit_name", app_js(t->units[u].name));
	}
	const char *url = NULL;
	if (u >= 0 && may(vw, ACT_UNIT_VIEW, u))
		url = arena_printf(a, "/units/%s/activities/%lld", t->units[u].code,
		                   (long long)s->id);
	else if (s->is_public)
		url = arena_printf(a, "/lich/%lld", (long long)s->id);
	if (url)
		json_object_set_new(o, "url", app_js(url));
	if (s->is_public)
		json_object_set_new(o, "share_url",
		                    app_js(arena_printf(a, "/lich/%lld", (long long)s->id)));
	return o;
}

/* For the API: plain values. */
static json_t *
act_api(http_req_t *req, const store_activity_t *s, int internal)
{
	arena_t *a = http_req_arena(req);
	const unit_tree_t *t = app_req_tree(req);
	int32_t u = unit_tree_find_id(t, s->unit_id);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(s->id));
	json_object_set_new(
	        o, "unit",
	        u >= 0 ? json_pack("{s:s,s:s}", "code", t->units[u].code, "name", t->units[u].name)
	               : json_null());
	json_object_set_new(o, "kind", app_js(s->kind));
	json_object_set_new(o, "kind_name", app_js(activity_kind_name(s->kind)));
	json_object_set_new(o, "title", app_js(s->title));
	json_object_set_new(o, "description", app_js(s->description));
	json_object_set_new(o, "start", app_js(iso_vn(a, s->start_at)));
	json_object_set_new(o, "end", app_js(iso_vn(a, s->end_at)));
	json_object_set_new(o, "place", app_js(s->place));
	json_object_set_new(o, "mode", app_js(s->mode));
	json_object_set_new(o, "link", app_js(s->link));
	json_object_set_new(o, "audience", app_js(s->audience));
	json_object_set_new(o, "expected",
	                    s->expected >= 0 ? json_integer(s->expected) : json_null());
	json_object_set_new(o, "public", json_boolean(s->is_public));
	json_object_set_new(o, "status", app_js(s->status));
	json_object_set_new(o, "actual", s->actual >= 0 ? json_integer(s->actual) : json_null());
	json_object_set_new(o, "outcome", app_js(s->outcome));
	if (s->is_public)
		json_object_set_new(
		        o, "url",
		        app_js(arena_printf(a, "%s/lich/%lld", site_base(req), (long long)s->id)));
	if (internal) {
		json_object_set_new(o, "campaign_id",
		                    s->campaign_id ? json_integer(s->campaign_id) : json_null());
		json_object_set_new(o, "late", json_boolean(s->late));
		json_object_set_new(o, "version", json_integer(s->version));
		json_object_set_new(o, "updated_at", app_js(iso_vn(a, s->updated_at)));
		if (s->client_id && *s->client_id)
			json_object_set_new(o, "client_id", app_js(s->client_id));
	}
	return o;
}

/* ---------- campaigns an activity can belong to ---------- */

typedef struct camp {
	int64_t id, parent_id, adopted_by;
	const char *name;
	int year;
	int32_t reg, depth;
	int open;
} camp_t;

typedef struct camp_list {
	http_req_t *req;
	int32_t unit;
	int64_t keep; /* an activity's current campaign: listed even when not open */
	camp_t *v;
	size_t n, cap;
} camp_list_t;

static int
camp_row(const store_campaign_t *c, void *p)
{
	camp_list_t *l = p;
	const unit_tree_t *t = app_req_tree(l->req);
	int32_t issuer = unit_tree_find_id(t, c->issuer_unit_id);
	int open = !strcmp(c->status, "open");
	if (issuer < 0 || !unit_tree_contains(t, issuer, l->unit) || (!open && c->id != l->keep))
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		camp_t *nv = arena_alloc(http_req_arena(l->req), size_mul(cap, sizeof *nv));
		if (l->n)
			memcpy(nv, l->v, l->n * sizeof *nv);
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = (camp_t){c->id,
	                        c->parent_id,
	                        0,
	                        arena_strdup(http_req_arena(l->req), c->name),
	                        c->year,
	                        c->registration_deadline,
	                        t->units[issuer].depth,
	                        open};
	return 0;
}

static int
camp_cmp(const void *x, const void *y)
{
	const camp_t *a = x, *b = y;
	if (a->year != b->year)
		return b->year - a->year;
	if (a->depth != b->depth)
		return b->depth - a->depth;
	return a->id < b->id ? 1 : a->id > b->id ? -1 : 0;
}

/* Open campaigns covering unit i (and keep), newest year first, the nearest issuer first.
 * A campaign adopted by a lower level that also covers the unit is marked: the activity
 * goes to the adoption. */
static camp_list_t
campaigns_for(http_req_t *req, int32_t i, int64_t keep)
{
	camp_list_t l = {req, i, keep, NULL, 0, 0};
	store_campaigns_each(((app_t *)http_req_app(req))->store, camp_row, &l);
	for (size_t k = 0; k < l.n; k++)
		for (size_t j = 0; j < l.n; j++)
			if (l.v[j].parent_id == l.v[k].id && l.v[j].open)
				l.v[k].adopted_by = l.v[j].id;
	if (l.n > 1)
		qsort(l.v, l.n, sizeof *l.v, camp_cmp);
	return l;
}

static camp_t *
camp_find(const camp_list_t *l, int64_t id)
{
	for (size_t k = 0; k < l->n; k++)
		if (l->v[k].id == id)
			return &l->v[k];
	return NULL;
}

/* The campaign a registration goes to: the chosen one (default: the first listed that
 * no lower level adopted), followed down its adoptions. NULL when there is none, or with
 * *bad set when the choice is not in the list. */
static camp_t *
camp_pick(const camp_list_t *l, const char *choice, int *bad)
{
	*bad = 0;
	camp_t *c = NULL;
	if (choice && *choice) {
		int64_t id;
		if (text_parse_int(choice, strlen(choice), &id) < 0 || !(c = camp_find(l, id))) {
			*bad = 1;
			return NULL;
		}
	} else {
		for (size_t k = 0; k < l->n && !c; k++)
			if (!l->v[k].adopted_by)
				c = &l->v[k];
	}
	for (int hops = 0; c && c->adopted_by && hops < 16; hops++) {
		camp_t *d = camp_find(l, c->adopted_by);
		if (!d)
			break;
		c = d;
	}
	return c;
}

/* ---------- the registration form ---------- */

enum {
	F_CAMPAIGN,
	F_KIND,
	F_TITLE,
	F_DESCRIPTION,
	F_START_DATE,
	F_START_TIME,
	F_END_DATE,
	F_END_TIME,
	F_PLACE,
	F_MODE,
	F_LINK,
	F_AUDIENCE,
	F_EXPECTED,
	F_PUBLIC,
	F_LATE_OK,
	NF
};
static const char *const fnames[NF] = {"campaign",   "kind",       "title",    "description",
                                       "start_date", "start_time", "end_date", "end_time",
                                       "place",      "mode",       "link",     "audience",
                                       "expected",   "public",     "late_ok"};

typedef struct form {
	const char *v[NF];
	activity_errors_t e;
	const char *form_error;
} form_t;

static int
checked(const char *v)
{
	return v && *v && strcmp(v, "0") != 0 && strcasecmp(v, "false") != 0;
}

/* Typed values from the form. */
static void
form_read(http_req_t *req, form_t *f)
{
	memset(f, 0, sizeof *f);
	for (int k = 0; k < NF; k++)
		f->v[k] = http_req_param(req, fnames[k]);
}

/* The JSON API's body through the one typed reader (domain/jsonin.h): each member's JSON
 * type is fixed (a text is a string, a count an integer, a flag a boolean; null or absent =
 * not given), a wrong type or an unknown member is refused, never coerced. Fills v[k] for
 * names[k] with the value as the form would send it; "version" (a change: required, > 0;
 * a creation: ignored) into *version; "client_id" (a creation only) into *client_id.
 * 0, or -1 after replying 400. */
typedef enum jt { JT_TEXT, JT_INT, JT_BOOL } jt_t;

static const jt_t ftypes[NF] = {JT_INT,  JT_TEXT, JT_TEXT, JT_TEXT, JT_TEXT,
                                JT_TEXT, JT_TEXT, JT_TEXT, JT_TEXT, JT_TEXT,
                                JT_TEXT, JT_TEXT, JT_INT,  JT_BOOL, JT_BOOL};

static int client_id_ok(const char *s);

static int
read_api(http_req_t *req, const char *const *names, const jt_t *types, int n, const char **v,
         int change, int64_t *version, const char **client_id)
{
	static const jsonin_type_t as[] = {[JT_TEXT] = JSONIN_STRING,
	                                   [JT_INT] = JSONIN_INT_TEXT,
	                                   [JT_BOOL] = JSONIN_BOOL_TEXT};
	jsonin_field_t fl[NF + 2];
	int64_t ver = 0;
	int nf = 0;
	for (int k = 0; k < n; k++)
		fl[nf++] = (jsonin_field_t){.name = names[k],
		                            .type = as[types[k]],
		                            .flags = JSONIN_NULLABLE,
		                            .out = &v[k],
		                            .want = types[k] == JT_BOOL ? "true hoặc false" : NULL};
	fl[nf++] = (jsonin_field_t){
	        .name = "version",
	        .type = JSONIN_INT,
	        .flags = change ? JSONIN_REQUIRED : JSONIN_NULLABLE,
	        .min = change ? 1 : 0,
	        .max = change ? INT64_MAX : 0,
	        .out = change ? &ver : NULL,
	        .want = "số nguyên phiên bản của hoạt động mà bạn đã mở (trường “version” khi "
	                "đọc hoạt động)"};
	if (client_id)
		fl[nf++] = (jsonin_field_t){.name = "client_id",
		                            .type = JSONIN_STRING,
		                            .flags = JSONIN_NULLABLE,
		                            .out = client_id,
		                            .want = "một chuỗi từ 1 đến 64 ký tự chữ, số, “-” hoặc "
		                                    "“_” do máy tạo"};
	size_t blen;
	const char *body = http_req_body(req, &blen);
	const char *err;
	if (jsonin_read(body, blen, 0, fl, (size_t)nf, http_req_arena(req), NULL, &err) < 0)
		return fail(req, 400,
		            arena_printf(http_req_arena(req),
		                         "%s Hãy sửa rồi gửi lại (xem docs/activities.md).", err)) -
		       1;
	if (client_id && *client_id && !client_id_ok(*client_id))
		return fail(req, 400,
		            "Trường “client_id” phải là một chuỗi từ 1 đến 64 ký tự chữ, số, "
		            "“-” hoặc “_” do máy tạo; không có gì được lưu.") -
		       1;
	if (change)
		*version = ver;
	return 0;
}

/* A phone's key for a registration it may send twice: 1..64 of [A-Za-z0-9_-]. */
static int
client_id_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return 0;
	for (size_t k = 0; k < n; k++)
		if (!(isalnum((unsigned char)s[k]) || s[k] == '-' || s[k] == '_'))
			return 0;
	return 1;
}

/* An activity's values as a form shows them. */
static void
form_from(arena_t *a, const store_activity_t *s, form_t *f)
{
	memset(f, 0, sizeof *f);
	f->v[F_CAMPAIGN] = s->campaign_id ? arena_printf(a, "%lld", (long long)s->campaign_id) : "";
	f->v[F_KIND] = s->kind;
	f->v[F_TITLE] = s->title;
	f->v[F_DESCRIPTION] = s->description;
	f->v[F_START_DATE] = date_of(a, s->start_at);
	f->v[F_START_TIME] = hhmm_of(a, s->start_at);
	f->v[F_END_DATE] = date_of(a, s->end_at);
	f->v[F_END_TIME] = hhmm_of(a, s->end_at);
	f->v[F_PLACE] = s->place;
	f->v[F_MODE] = s->mode;
	f->v[F_LINK] = s->link;
	f->v[F_AUDIENCE] = s->audience;
	f->v[F_EXPECTED] = s->expected >= 0 ? arena_printf(a, "%lld", (long long)s->expected) : "";
	f->v[F_PUBLIC] = s->is_public ? "1" : "";
}

static const char *
late_message(arena_t *a, const camp_t *c)
{
	return arena_printf(a,
	                    "Đã quá hạn đăng ký hoạt động (%s) của đợt “%s”. Nếu vẫn cần đăng ký, "
	                    "hãy đánh dấu “Tôi xác nhận đăng ký muộn” rồi gửi lại; hoạt động sẽ "
	                    "được ghi là đăng ký muộn.",
	                    app_fmt_date(a, c->reg), c->name);
}

/* The form's context: typed values, options with the selection, errors by field. */
static json_t *
form_json(http_req_t *req, const camp_list_t *cl, const form_t *f, int creating)
{
	arena_t *a = http_req_arena(req);
	json_t *o = json_object();
	json_t *vals = json_object();
	for (int k = 0; k < NF; k++)
		json_object_set_new(vals, fnames[k], app_js(f->v[k]));
	json_object_set_new(o, "f", vals);
	json_object_set_new(o, "public_checked", json_boolean(checked(f->v[F_PUBLIC])));
	json_object_set_new(o, "late_checked", json_boolean(checked(f->v[F_LATE_OK])));
	int bad;
	const camp_t *sel = camp_pick(cl, f->v[F_CAMPAIGN], &bad);
	int64_t now = app_now(), late_possible = 0;
	json_t *camps = json_array();
	for (size_t k = 0; k < cl->n; k++) {
		const camp_t *c = &cl->v[k];
		if (c->adopted_by)
			continue; /* the lower level's adoption stands for it */
		int late = activity_is_late(c->reg, now);
		late_possible |= late;
		const char *label =
		        c->reg ? arena_printf(a, "%s — hạn đăng ký %s%s", c->name,
		                              app_fmt_date(a, c->reg), late ? " (đã quá hạn)" : "")
		               : c->name;
		json_array_append_new(camps, json_pack("{s:I,s:s,s:b}", "id", (json_int_t)c->id,
		                                       "label", label, "selected", c == sel));
	}
	json_object_set_new(o, "has_campaigns", json_boolean(json_array_size(camps) > 0));
	json_object_set_new(o, "campaigns", camps);
	json_object_set_new(o, "late_possible",
	                    json_boolean(creating && (late_possible || f->e.msg[AF_LATE])));
	size_t nk;
	const activity_kind_t *kinds = activity_kinds(&nk);
	json_t *ko = json_array();
	for (size_t k = 0; k < nk; k++)
		json_array_append_new(
		        ko, json_pack("{s:s,s:s,s:b}", "code", kinds[k].code, "name", kinds[k].name,
		                      "selected",
		                      f->v[F_KIND] && !strcmp(f->v[F_KIND], kinds[k].code)));
	json_object_set_new(o, "kinds", ko);
	static const char *const modes[] = {"truc_tiep", "truc_tuyen", "ket_hop"};
	json_t *mo = json_array();
	for (size_t k = 0; k < 3; k++)
		json_array_append_new(mo,
		                      json_pack("{s:s,s:s,s:b}", "code", modes[k], "name",
		                                activity_mode_name(modes[k]), "selected",
		                                f->v[F_MODE] && !strcmp(f->v[F_MODE], modes[k])));
	json_object_set_new(o, "modes", mo);
	json_t *err = json_object();
	for (int k = 0; k < AF_COUNT; k++)
		if (f->e.msg[k])
			json_object_set_new(err, activity_field_code(k), app_js(f->e.msg[k]));
	json_object_set_new(o, "err", err);
	if (f->e.n)
		json_object_set_new(o, "errors", json_integer(f->e.n));
	if (f->form_error)
		json_object_set_new(o, "form_error", app_js(f->form_error));
	return o;
}

static json_t *
crumbs(const unit_tree_t *t, int32_t i)
{
	return app_unit_path_json(t, i);
}

static int
render_new(http_req_t *req, int32_t i, const camp_list_t *cl, const form_t *f, int status)
{
	const unit_tree_t *t = app_req_tree(req);
	json_t *ctx = form_json(req, cl, f, 1);
	json_object_set_new(ctx, "unit", app_unit_json(t, i));
	json_object_set_new(ctx, "path", crumbs(t, i));
	json_object_set_new(ctx, "action",
	                    app_js(arena_printf(http_req_arena(req), "/units/%s/activities",
	                                        t->units[i].code)));
	json_object_set_new(ctx, "submit_label", app_js("Đăng ký hoạt động"));
	return app_render_page(
	        req, status, "activity_new",
	        arena_printf(http_req_arena(req), "Đăng ký hoạt động — %s", t->units[i].name), ctx);
}

int
page_activity_new(http_req_t *req)
{
	const unit_tree_t *t = app_req_tree(req);
	int32_t i = unit_tree_find_code(t, app_param(req, "code"));
	camp_list_t cl = campaigns_for(req, i, 0);
	form_t f;
	memset(&f, 0, sizeof f);
	f.v[F_CAMPAIGN] = http_req_param(req, "campaign");
	f.v[F_MODE] = "truc_tiep";
	f.v[F_PUBLIC] = "1";
	return render_new(req, i, &cl, &f, 200);
}

/* ---------- the details page ---------- */

typedef struct photo_list {
	http_req_t *req;
	const char *base;
	json_t *rows;
	int n;
} photo_list_t;

static int
photo_row(const store_photo_t *p, void *ctx)
{
	photo_list_t *l = ctx;
	arena_t *a = http_req_arena(l->req);
	l->n++;
	if (l->rows)
		json_array_append_new(
		        l->rows,
		        json_pack("{s:I,s:s,s:s,s:s,s:i,s:i}", "id", (json_int_t)p->id, "caption",
		                  p->caption, "url",
		                  arena_printf(a, "%s/photos/%lld", l->base, (long long)p->id),
		                  "thumb",
		                  arena_printf(a, "%s/photos/%lld?size=thumb", l->base,
		                               (long long)p->id),
		                  "width", p->width, "height", p->height));
	return 0;
}

static json_t *
photos_json(http_req_t *req, const char *base, int64_t activity_id)
{
	photo_list_t l = {req, base, json_array(), 0};
	store_activity_photos(((app_t *)http_req_app(req))->store, activity_id, photo_row, &l);
	return l.rows;
}

static int
photo_count(http_req_t *req, int64_t activity_id)
{
	photo_list_t l = {req, "", NULL, 0};
	store_activity_photos(((app_t *)http_req_app(req))->store, activity_id, photo_row, &l);
	return l.n;
}

static const char *
done_message(const char *done)
{
	if (!done)
		return NULL;
	if (!strcmp(done, "created"))
		return "Đã đăng ký hoạt động.";
	if (!strcmp(done, "created_late"))
		return "Đã đăng ký hoạt động; hoạt động được ghi là đăng ký muộn.";
	if (!strcmp(done, "saved"))
		return "Đã lưu thay đổi.";
	if (!strcmp(done, "outcome"))
		return "Đã ghi kết quả hoạt động.";
	if (!strcmp(done, "photo"))
		return "Đã thêm ảnh.";
	if (!strcmp(done, "photo_deleted"))
		return "Đã xóa ảnh.";
	return NULL;
}

typedef struct camp_name {
	arena_t *a;
	const char *name;
} camp_name_t;

static int
take_camp_name(const store_campaign_t *c, void *p)
{
	camp_name_t *n = p;
	n->name = arena_strdup(n->a, c->name);
	return 0;
}

/* f: the edit form as typed (NULL = the activity's values); of: the outcome form as typed
 * (NULL = the activity's). */
static int
render_activity(http_req_t *req, int32_t i, const store_activity_t *s, const form_t *f,
                const form_t *of, int status, const char *ok)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	viewer_t vw = viewer_of(req);
	int can_edit = may(&vw, ACT_REPORT_EDIT, i);
	json_t *ctx = json_object();
	json_object_set_new(ctx, "a", act_view(req, &vw, s));
	json_object_set_new(ctx, "unit", app_unit_json(t, i));
	json_object_set_new(ctx, "path", crumbs(t, i));
	json_object_set_new(ctx, "version", json_integer(s->version));
	json_object_set_new(ctx, "can_edit", json_boolean(can_edit));
	if (s->campaign_id) {
		camp_name_t cn = {a, NULL};
		if (store_campaign_get(((app_t *)http_req_app(req))->store, s->campaign_id,
		                       take_camp_name, &cn) == 1)
			json_object_set_new(ctx, "campaign_name", app_js(cn.name));
	}
	json_object_set_new(ctx, "registered", app_js(span_of(a, s->created_at, s->created_at)));
	const char *base =
	        arena_printf(a, "/units/%s/activities/%lld", t->units[i].code, (long long)s->id);
	json_object_set_new(ctx, "base", app_js(base));
	/* a class: its enrolment page (src/app/enrol_pages.c) */
	json_object_set_new(ctx, "is_class", json_boolean(enrol_kind_ok(s->kind)));
	json_object_set_new(ctx, "action", app_js(base));
	json_object_set_new(ctx, "submit_label", app_js("Lưu thay đổi"));
	json_t *photos = photos_json(req, base, s->id);
	size_t np = json_array_size(photos);
	json_object_set_new(ctx, "has_photos", json_boolean(np > 0));
	json_object_set_new(ctx, "photos", photos);
	json_object_set_new(ctx, "can_add_photo", json_boolean(can_edit && np < MAX_PHOTOS));
	if (can_edit) {
		form_t cur;
		if (!f) {
			form_from(a, s, &cur);
			f = &cur;
		}
		camp_list_t cl = campaigns_for(req, i, s->campaign_id);
		json_object_set_new(ctx, "form", form_json(req, &cl, f, 0));
		json_object_set_new(ctx, "form_open", json_boolean(f->e.n || f->form_error));
		/* the outcome form */
		const char *st = of && of->v[0] ? of->v[0] : s->status;
		json_t *opts = json_array();
		static const char *const sts[] = {"planned", "held", "cancelled"};
		for (int k = 0; k < 3; k++)
			json_array_append_new(opts, json_pack("{s:s,s:s,s:b}", "code", sts[k],
			                                      "name", activity_status_name(sts[k]),
			                                      "selected", !strcmp(st, sts[k])));
		json_object_set_new(ctx, "statuses", opts);
		json_object_set_new(ctx, "o_actual",
		                    app_js(of ? of->v[1]
		                           : s->actual >= 0
		                                   ? arena_printf(a, "%lld", (long long)s->actual)
		                                   : ""));
		json_object_set_new(ctx, "o_outcome", app_js(of ? of->v[2] : s->outcome));
		json_object_set_new(ctx, "started", json_boolean(app_now() >= s->start_at));
		if (of) {
			json_t *oe = json_object();
			for (int k = 0; k < AF_COUNT; k++)
				if (of->e.msg[k])
					json_object_set_new(oe, activity_field_code(k),
					                    app_js(of->e.msg[k]));
			json_object_set_new(ctx, "oerr", oe);
			if (of->form_error)
				json_object_set_new(ctx, "o_form_error", app_js(of->form_error));
		}
	}
	if (ok)
		json_object_set_new(ctx, "ok", app_js(ok));
	return app_render_page(req, status, "activity", s->title, ctx);
}

int
page_activity(http_req_t *req)
{
	int32_t i;
	store_activity_t s;
	if (unit_activity(req, &i, &s) < 0)
		return 0;
	return render_activity(req, i, &s, NULL, NULL, 200,
	                       done_message(http_req_param(req, "done")));
}

/* ---------- create and update ---------- */

/* Fields the validation found typed in TCVN3/VNI: the form shows the repaired text in the
 * field (a second save stores it); for the API, {field: repaired} (NULL when none). */
static json_t *
legacy_suggestions(form_t *f)
{
	static const int fields[][2] = {
	        {AF_TITLE, F_TITLE}, {AF_DESCRIPTION, F_DESCRIPTION}, {AF_PLACE, F_PLACE}};
	json_t *o = NULL;
	for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++) {
		const char *x = f->e.suggest[fields[k][0]];
		if (!x)
			continue;
		f->v[fields[k][1]] = x;
		if (!o)
			o = json_object();
		json_object_set_new(o, activity_field_code(fields[k][0]), json_string(x));
	}
	return o;
}

static int
reply_invalid(http_req_t *req, int32_t i, const store_activity_t *old, const camp_list_t *cl,
              form_t *f, int status)
{
	if (app_is_api(req)) {
		json_t *fields = json_object();
		for (int k = 0; k < AF_COUNT; k++)
			if (f->e.msg[k])
				json_object_set_new(fields, activity_field_code(k),
				                    app_js(f->e.msg[k]));
		const char *msg = f->form_error ? f->form_error
		                                : "Có mục chưa hợp lệ; xem \"fields\". Không có gì "
		                                  "được lưu.";
		json_t *o = json_pack("{s:{s:i,s:s,s:o}}", "error", "status", status, "message",
		                      msg, "fields", fields);
		json_t *sug = legacy_suggestions(f);
		if (sug)
			json_object_set_new(json_object_get(o, "error"), "suggestions", sug);
		return app_reply_json(req, status, o);
	}
	json_decref(legacy_suggestions(f)); /* the fields only */
	if (old)
		return render_activity(req, i, old, f, NULL, status, NULL);
	return render_new(req, i, cl, f, status);
}

/* After a refused version: the API answers 409 with the activity as the server has it
 * now, so a phone can show both and let the person choose; a form gets its page back. */
static int
reply_stale(http_req_t *req, int32_t i, const store_activity_t *old, form_t *f, form_t *of)
{
	if (!app_is_api(req)) {
		if (of)
			return render_activity(req, i, old, NULL, of, 409, NULL);
		memset(&f->e, 0, sizeof f->e);
		return reply_invalid(req, i, old, NULL, f, 409);
	}
	store_activity_t now;
	int rc = load_activity(req, app_id_param(req, "aid"), &now);
	if (rc <= 0)
		return rc < 0 ? 500
		              : (fail(req, 404, "Không tìm thấy hoạt động này của đơn vị."), 0);
	const char *msg = of ? of->form_error : f->form_error;
	return app_reply_json(req, 409,
	                      json_pack("{s:{s:i,s:s},s:o}", "error", "status", 409, "message", msg,
	                                "activity", act_api(req, &now, 1)));
}

/* The one workflow of registering and editing: the form and the JSON API differ only in
 * how the values are read and how the answer is written. */
static int
save(http_req_t *req, const store_activity_t *old)
{
	app_t *app = http_req_app(req);
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = unit_tree_find_code(t, app_param(req, "code"));
	int64_t now = app_now();
	app_user_t *u = app_req_user(req);
	form_t f;
	int64_t version = old ? old->version : 0;
	const char *client_id = NULL;
	if (app_is_api(req)) {
		memset(&f, 0, sizeof f);
		if (read_api(req, fnames, ftypes, NF, f.v, old != NULL, &version,
		             old ? NULL : &client_id) < 0)
			return 0;
	} else {
		form_read(req, &f);
		const char *vp = http_req_param(req, "version");
		if (old && vp && *vp && text_parse_int(vp, strlen(vp), &version) < 0)
			version = -1;
	}
	/* the same registration sent again (its answer was lost on the way to the phone):
	 * answer with the first one, create nothing */
	if (client_id && u) {
		one_act_t r = {a, {0}, 0};
		if (store_activity_by_client(app->store, u->id, client_id, take_one, &r) < 0)
			return 500;
		if (r.found && r.act.unit_id != t->units[i].id)
			return fail(req, 409,
			            "Mã “client_id” này đã dùng cho một hoạt động của đơn vị khác; "
			            "hãy để máy tạo một mã mới.");
		if (r.found)
			return app_reply_json(req, 200, act_api(req, &r.act, 1));
	}
	camp_list_t cl = campaigns_for(req, i, old ? old->campaign_id : 0);
	int bad;
	camp_t *c = camp_pick(&cl, f.v[F_CAMPAIGN], &bad);
	activity_input_t in = {f.v[F_KIND],           f.v[F_TITLE],      f.v[F_DESCRIPTION],
	                       f.v[F_START_DATE],     f.v[F_START_TIME], f.v[F_END_DATE],
	                       f.v[F_END_TIME],       f.v[F_PLACE],      f.v[F_MODE],
	                       f.v[F_LINK],           f.v[F_AUDIENCE],   f.v[F_EXPECTED],
	                       checked(f.v[F_PUBLIC])};
	activity_fields_t v;
	activity_errors_t e;
	activity_validate(&in, c ? c->year : 0, a, &v, &e);
	f.e = e;
	if (bad) {
		f.e.msg[AF_CAMPAIGN] = "Đợt: hãy chọn một đợt trong danh sách (đợt đang mở của "
		                       "cấp trên có đơn vị này).";
		f.e.n++;
	}
	int late = !old && c && activity_is_late(c->reg, now);
	if (late && !checked(f.v[F_LATE_OK])) {
		f.e.msg[AF_LATE] = late_message(a, c);
		f.e.n++;
	}
	if (f.e.n)
		return reply_invalid(req, i, old, &cl, &f, 422);
	buf_t path = BUF_INIT;
	unit_tree_path(t, i, &path);
	store_activity_t s;
	if (old)
		s = *old;
	else {
		memset(&s, 0, sizeof s);
		s.status = "planned";
		s.actual = -1;
		s.outcome = "";
		s.late = late;
		s.created_at = now;
		s.created_by = u ? u->id : 0;
		s.client_id = client_id;
	}
	s.campaign_id = c ? c->id : 0;
	s.unit_id = t->units[i].id;
	s.unit_path = arena_strdup(a, buf_cstr(&path));
	buf_free(&path);
	s.kind = v.kind;
	s.title = v.title;
	s.description = v.description;
	s.start_at = v.start_at;
	s.end_at = v.end_at;
	s.place = v.place;
	s.mode = v.mode;
	s.link = v.link;
	s.audience = v.audience;
	s.expected = v.expected;
	s.is_public = v.is_public;
	s.updated_at = now;
	s.updated_by = u ? u->id : 0;
	int64_t id, nv;
	audit_actor_t by = app_audit_actor(req);
	audit_entry_t ae = {i, old ? "activity.update" : "activity.create", NULL,
	                    old ? old->title : NULL, s.title};
	char err[200];
	int rc = activity_save(app->store, t, &s, version, &by, &ae, &id, &nv, err, sizeof err);
	if (rc == -2) {
		f.form_error = "Hoạt động vừa được người khác sửa sau khi bạn mở trang; chưa có gì "
		               "được lưu. Hãy tải lại trang để xem bản mới rồi sửa lại.";
		return reply_stale(req, i, old, &f, NULL);
	}
	if (rc < 0)
		return 500;
	if (app_is_api(req)) {
		s.id = id;
		s.version = nv;
		return app_reply_json(req, old ? 200 : 201, act_api(req, &s, 1));
	}
	return http_redirect(req, 303,
	                     arena_printf(a, "/units/%s/activities/%lld?done=%s", t->units[i].code,
	                                  (long long)id,
	                                  old    ? "saved"
	                                  : late ? "created_late"
	                                         : "created"));
}

int
page_activity_create(http_req_t *req)
{
	return save(req, NULL);
}

int
page_activity_update(http_req_t *req)
{
	int32_t i;
	store_activity_t s;
	if (unit_activity(req, &i, &s) < 0)
		return 0;
	return save(req, &s);
}

static const char *const onames[3] = {"status", "actual", "outcome"};
static const jt_t otypes[3] = {JT_TEXT, JT_INT, JT_TEXT};

/* The outcome after the event, from the form or the JSON API; the same checks and the
 * same guarded write for both. */
int
page_activity_outcome(http_req_t *req)
{
	int32_t i;
	store_activity_t s;
	if (unit_activity(req, &i, &s) < 0)
		return 0;
	app_t *app = http_req_app(req);
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	form_t of;
	memset(&of, 0, sizeof of);
	int64_t version = s.version;
	if (app_is_api(req)) {
		if (read_api(req, onames, otypes, 3, of.v, 1, &version, NULL) < 0)
			return 0;
	} else {
		for (int k = 0; k < 3; k++)
			of.v[k] = http_req_param(req, onames[k]);
		const char *vp = http_req_param(req, "version");
		if (vp && *vp && text_parse_int(vp, strlen(vp), &version) < 0)
			version = -1;
	}
	int64_t actual;
	const char *note, *status;
	if (activity_validate_outcome(of.v[0], of.v[1], of.v[2], s.start_at, app_now(), a, &status,
	                              &actual, &note, &of.e) > 0) {
		if (app_is_api(req))
			return reply_invalid(req, i, &s, NULL, &of, 422);
		if (!activity_status_name(of.v[0] ? of.v[0] : ""))
			of.v[0] = NULL;
		return render_activity(req, i, &s, NULL, &of, 422, NULL);
	}
	const char *old_status = s.status;
	store_activity_t n = s;
	n.status = status;
	n.actual = actual;
	n.outcome = note;
	app_user_t *u = app_req_user(req);
	n.updated_at = app_now();
	n.updated_by = u ? u->id : 0;
	int64_t id, nv;
	audit_actor_t by = app_audit_actor(req);
	audit_entry_t ae = {i, "activity.outcome", NULL, old_status,
	                    n.actual >= 0
	                            ? arena_printf(a, "%s %lld", n.status, (long long)n.actual)
	                            : n.status};
	char err[200];
	int rc = activity_save(app->store, t, &n, version, &by, &ae, &id, &nv, err, sizeof err);
	if (rc == -2) {
		of.form_error = "Hoạt động vừa được người khác sửa sau khi bạn mở trang; chưa có "
		                "gì được lưu. Hãy tải lại trang rồi ghi lại kết quả.";
		return reply_stale(req, i, &s, NULL, &of);
	}
	if (rc < 0)
		return 500;
	if (app_is_api(req)) {
		n.id = id;
		n.version = nv;
		return app_reply_json(req, 200, act_api(req, &n, 1));
	}
	return http_redirect(req, 303,
	                     arena_printf(a, "/units/%s/activities/%lld?done=outcome",
	                                  t->units[i].code, (long long)id));
}

/* ---------- photos ---------- */

/* The :code unit's :aid activity, if it may take another photo: 0, or an HTTP status with
 * a Vietnamese message in *err (NULL: 500). */
static int
photo_target(http_req_t *req, int32_t *i, store_activity_t *s, const char **err)
{
	const unit_tree_t *t = app_req_tree(req);
	*err = NULL;
	*i = unit_tree_find_code(t, app_param(req, "code"));
	int rc = *i < 0 ? 0 : load_activity(req, app_id_param(req, "aid"), s);
	if (rc < 0)
		return 500;
	if (rc == 0 || s->unit_id != t->units[*i].id) {
		*err = "Không tìm thấy hoạt động này của đơn vị.";
		return 404;
	}
	if (photo_count(req, s->id) >= MAX_PHOTOS) {
		*err = "Mỗi hoạt động có tối đa 10 ảnh; hãy xóa bớt ảnh cũ.";
		return 400;
	}
	return 0;
}

int
activity_photo_room(http_req_t *req, const char **err)
{
	int32_t i;
	store_activity_t s;
	return photo_target(req, &i, &s, err);
}

int
activity_photo_add(http_req_t *req, const void *data, size_t len, const char *caption,
                   const char **location, const char **err)
{
	int32_t i;
	store_activity_t s;
	*location = NULL;
	int st = photo_target(req, &i, &s, err);
	if (st != 0)
		return st;
	app_t *app = http_req_app(req);
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	if (data == NULL || len == 0) {
		*err = "Hãy chọn một ảnh (JPEG, PNG hoặc WebP) để tải lên.";
		return 400;
	}
	if (strlen(caption) > 300) {
		*err = "Chú thích ảnh dài quá 300 byte; hãy viết ngắn lại.";
		return 400;
	}
	photo_out_t out;
	char msg[300];
	if (photo_process(data, len, &out, msg, sizeof msg) < 0) {
		*err = arena_strdup(a, msg);
		return 400;
	}
	app_user_t *u = app_req_user(req);
	store_photo_t ph = {0,
	                    s.id,
	                    caption,
	                    out.width,
	                    out.height,
	                    out.full.len,
	                    out.thumb.len,
	                    app_now(),
	                    u ? u->id : 0};
	int64_t id;
	/* the photo and its audit entry: one transaction */
	if (store_tx_begin(app->store) < 0) {
		photo_out_free(&out);
		return 500;
	}
	int rc = store_activity_photo_add(app->store, &ph, out.full.data, out.thumb.data, &id);
	photo_out_free(&out);
	if (rc < 0 ||
	    app_audit(req, t, i, "activity.photo.add",
	              arena_printf(a, "activity:%lld:%lld", (long long)s.id, (long long)id), NULL,
	              caption) < 0) {
		store_tx_rollback(app->store);
		return 500;
	}
	if (store_tx_commit(app->store) < 0)
		return 500;
	*location = arena_printf(a, "/units/%s/activities/%lld?done=photo", t->units[i].code,
	                         (long long)s.id);
	return 0;
}

int
page_activity_photo_upload(http_req_t *req)
{
	const http_part_t *p = http_req_file(req, "photo");
	const char *location, *err;
	int st = activity_photo_add(req, p ? p->data : NULL, p ? p->len : 0,
	                            app_param(req, "caption"), &location, &err);
	if (st == 0)
		return http_redirect(req, 303, location);
	return err ? fail(req, st, err) : st;
}

typedef struct photo_bytes {
	int64_t activity_id;
	buf_t data;
} photo_bytes_t;

static int
take_bytes(const store_photo_t *p, const void *data, size_t len, void *ctx)
{
	photo_bytes_t *b = ctx;
	b->activity_id = p->report_id;
	buf_append(&b->data, data, len);
	return 0;
}

/* The :pid photo of activity s into b; -1 after replying 404. */
static int
load_photo(http_req_t *req, const store_activity_t *s, int thumb, int64_t *pid, photo_bytes_t *b)
{
	const char *pp = http_req_param(req, "pid");
	memset(b, 0, sizeof *b);
	if (!pp || text_parse_int(pp, strlen(pp), pid) < 0 ||
	    store_activity_photo_get(((app_t *)http_req_app(req))->store, *pid, thumb, take_bytes,
	                             b) != 1 ||
	    b->activity_id != s->id) {
		buf_free(&b->data);
		app_error_page(req, 404, "Không tìm thấy ảnh này của hoạt động.");
		return -1;
	}
	return 0;
}

static int
reply_photo(http_req_t *req, const store_activity_t *s, int public_cache)
{
	const char *size = http_req_param(req, "size");
	int64_t pid;
	photo_bytes_t b;
	if (load_photo(req, s, size && !strcmp(size, "thumb"), &pid, &b) < 0)
		return 0;
	http_resp_header(req, "Cache-Control",
	                 public_cache ? "public, max-age=3600" : "private, max-age=86400");
	return http_reply_buf(req, 200, "image/jpeg", &b.data);
}

int
page_activity_photo(http_req_t *req)
{
	int32_t i;
	store_activity_t s;
	if (unit_activity(req, &i, &s) < 0)
		return 0;
	return reply_photo(req, &s, 0);
}

int
page_activity_photo_delete(http_req_t *req)
{
	int32_t i;
	store_activity_t s;
	if (unit_activity(req, &i, &s) < 0)
		return 0;
	int64_t pid;
	photo_bytes_t b;
	if (load_photo(req, &s, 1, &pid, &b) < 0)
		return 0;
	buf_free(&b.data);
	store_t *st = ((app_t *)http_req_app(req))->store;
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	/* the deletion and its audit entry: one transaction */
	if (store_tx_begin(st) < 0)
		return 500;
	if (store_activity_photo_delete(st, s.id, pid) != 1 ||
	    app_audit(req, t, i, "activity.photo.delete",
	              arena_printf(a, "activity:%lld:%lld", (long long)s.id, (long long)pid), NULL,
	              NULL) < 0) {
		store_tx_rollback(st);
		return 500;
	}
	if (store_tx_commit(st) < 0)
		return 500;
	return http_redirect(req, 303,
	                     arena_printf(a, "/units/%s/activities/%lld?done=photo_deleted",
	                                  t->units[i].code, (long long)s.id));
}

/* ---------- calendars ---------- */

/* What a calendar shows: the place in the tree and the filters. */
typedef struct cal_query {
	const char *path; /* unit_path of the unit (subtree), "" = everywhere */
	int exact;
	int public_only;
	const char *kind, *mode; /* "" = any */
} cal_query_t;

/* Activities overlapping [from, to) (0 = open), at most limit (0 = no limit), that the
 * viewer may see: public ones, and internal ones of units they may view. */
typedef struct cal_filter {
	act_vec_t *out;
	const viewer_t *vw;
} cal_filter_t;

static int
visible(const viewer_t *vw, const store_activity_t *s)
{
	return s->is_public || may(vw, ACT_UNIT_VIEW, unit_tree_find_id(vw->t, s->unit_id));
}

static int
cal_keep(const store_activity_t *s, void *p)
{
	cal_filter_t *f = p;
	if (!visible(f->vw, s))
		return 0;
	return vec_add(s, f->out);
}

static int
cal_find(http_req_t *req, const viewer_t *vw, const cal_query_t *q, int64_t from, int64_t to,
         int limit, act_vec_t *out)
{
	store_activity_query_t sq = {.path = q->path,
	                             .exact = q->exact,
	                             .from = from,
	                             .to = to,
	                             .public_only = q->public_only,
	                             .kind = q->kind,
	                             .mode = q->mode,
	                             .limit = limit};
	cal_filter_t f = {out, vw};
	out->a = http_req_arena(req);
	return store_activities_find(((app_t *)http_req_app(req))->store, &sq, cal_keep, &f);
}

/* The latest past activities (ended before now), newest first: windows further and
 * further back until enough are found. Only the ids of the newest `want` of a window are
 * kept while scanning (a ring), then those few are read: the national calendar during the
 * Week scans many rows but copies a hundred. */
typedef struct recent_ring {
	const viewer_t *vw;
	int64_t lo, now;
	int last; /* the unbounded window: keep those starting before lo too */
	int64_t *ids;
	size_t cap, n, head;
} recent_ring_t;

static int
ring_keep(const store_activity_t *s, void *p)
{
	recent_ring_t *r = p;
	if (s->end_at >= r->now || (!r->last && s->start_at < r->lo) || !visible(r->vw, s))
		return 0;
	r->ids[r->head] = s->id;
	r->head = (r->head + 1) % r->cap;
	if (r->n < r->cap)
		r->n++;
	return 0;
}

static void
cal_recent(http_req_t *req, const viewer_t *vw, const cal_query_t *q, int64_t now, size_t want,
           act_vec_t *out)
{
	static const int64_t spans[] = {1, 7, 30, 400, 4000, 0};
	app_t *app = http_req_app(req);
	int64_t hi = now;
	out->a = http_req_arena(req);
	int64_t *ids = arena_alloc(out->a, size_mul(want ? want : 1, sizeof *ids));
	for (size_t w = 0; w < sizeof spans / sizeof spans[0] && out->n < want; w++) {
		int64_t lo = spans[w] ? now - spans[w] * DAY : 1;
		recent_ring_t r = {vw, lo, now, spans[w] == 0, ids, want - out->n, 0, 0};
		store_activity_query_t sq = {.path = q->path,
		                             .exact = q->exact,
		                             .from = lo,
		                             .to = hi,
		                             .public_only = q->public_only,
		                             .kind = q->kind,
		                             .mode = q->mode};
		if (store_activities_find(app->store, &sq, ring_keep, &r) < 0)
			return;
		/* newest first; those starting before lo but overlapping it come again later */
		for (size_t k = 0; k < r.n; k++) {
			size_t at = (r.head + r.cap - 1 - k) % r.cap;
			one_act_t o = {out->a, {0}, 0};
			if (store_activity_get(app->store, ids[at], take_one, &o) == 1)
				vec_add(&o.act, out);
		}
		hi = lo;
	}
}

/* A list grouped by day (of the start), in the order given. */
static json_t *
by_day(http_req_t *req, const viewer_t *vw, const act_vec_t *v)
{
	arena_t *a = http_req_arena(req);
	json_t *days = json_array(), *cur = NULL;
	int32_t last = INT32_MIN;
	for (size_t k = 0; k < v->n; k++) {
		int32_t d;
		int m;
		activity_vn_split(v->v[k].start_at, &d, &m);
		if (d != last || !cur) {
			cur = json_array();
			json_array_append_new(days, json_pack("{s:s,s:o}", "date",
			                                      day_heading(a, d), "items", cur));
			last = d;
		}
		json_array_append_new(cur, act_view(req, vw, &v->v[k]));
	}
	return days;
}

/* Seven columns Monday..Sunday for the week starting at monday (a day number). */
static json_t *
week_grid(http_req_t *req, const viewer_t *vw, const act_vec_t *v, int32_t monday)
{
	arena_t *a = http_req_arena(req);
	json_t *cols = json_array();
	int32_t now_day = today();
	for (int k = 0; k < 7; k++) {
		int32_t d = monday + k;
		int64_t lo = activity_vn_time(d, 0), hi = lo + DAY;
		json_t *items = json_array();
		for (size_t j = 0; j < v->n; j++) {
			const store_activity_t *s = &v->v[j];
			if (!(s->start_at < hi && (s->end_at > lo || s->start_at >= lo)))
				continue;
			json_t *o = act_view(req, vw, s);
			const char *time;
			if (s->start_at >= lo)
				time = s->end_at > s->start_at && s->end_at < hi
				               ? arena_printf(a, "%s–%s", hhmm_of(a, s->start_at),
				                              hhmm_of(a, s->end_at))
				               : hhmm_of(a, s->start_at);
			else if (s->end_at < hi)
				time = arena_printf(a, "đến %s", hhmm_of(a, s->end_at));
			else
				time = "cả ngày";
			json_object_set_new(o, "time", app_js(time));
			json_array_append_new(items, o);
		}
		json_array_append_new(cols, json_pack("{s:s,s:s,s:o,s:b,s:b}", "weekday",
		                                      activity_weekday_name(k), "date",
		                                      app_fmt_date(a, d), "items", items, "empty",
		                                      json_array_size(items) == 0, "today",
		                                      d == now_day));
	}
	return cols;
}

/* kind and mode filters: "" or a known code; else -1 after replying 400. */
static int
filters(http_req_t *req, const char **kind, const char **mode)
{
	*kind = app_param(req, "kind");
	*mode = app_param(req, "mode");
	if (**kind && !activity_kind_name(*kind))
		return fail(req, 400, "Loại hoạt động cần lọc không có trong danh sách."), -1;
	if (**mode && !activity_mode_name(*mode))
		return fail(req, 400,
		            "Hình thức cần lọc phải là truc_tiep, truc_tuyen hoặc ket_hop."),
		       -1;
	return 0;
}

/* Options for the filter form, with the selection. */
static json_t *
kind_options(const char *sel)
{
	size_t nk;
	const activity_kind_t *k = activity_kinds(&nk);
	json_t *o = json_array();
	for (size_t j = 0; j < nk; j++)
		json_array_append_new(o, json_pack("{s:s,s:s,s:b}", "code", k[j].code, "name",
		                                   k[j].name, "selected", !strcmp(sel, k[j].code)));
	return o;
}

static json_t *
mode_options(const char *sel)
{
	static const char *const modes[] = {"truc_tiep", "truc_tuyen", "ket_hop"};
	json_t *o = json_array();
	for (int j = 0; j < 3; j++)
		json_array_append_new(o, json_pack("{s:s,s:s,s:b}", "code", modes[j], "name",
		                                   activity_mode_name(modes[j]), "selected",
		                                   !strcmp(sel, modes[j])));
	return o;
}

/* The list or the week of a calendar into ctx ("days"/"recent" or "week" with links). base:
 * the page's path; keep: its query without view/week. -1 after replying an error. */
static int
calendar_body(http_req_t *req, const viewer_t *vw, const cal_query_t *q, const char *base,
              buf_t *keep, json_t *ctx)
{
	arena_t *a = http_req_arena(req);
	const char *view = app_param(req, "view");
	int week = !strcmp(view, "week");
	int64_t now = app_now();
	json_object_set_new(ctx, "week_view", json_boolean(week));
	const char *sep = keep->len ? "&" : "?";
	json_object_set_new(ctx, "list_url", app_js(arena_printf(a, "%s%s", base, buf_cstr(keep))));
	if (!week) {
		act_vec_t up = {0}, past = {0};
		if (cal_find(req, vw, q, now, 0, LIST_UPCOMING, &up) < 0)
			return 500;
		cal_recent(req, vw, q, now, LIST_RECENT, &past);
		json_object_set_new(ctx, "days", by_day(req, vw, &up));
		json_object_set_new(ctx, "recent", by_day(req, vw, &past));
		json_object_set_new(ctx, "has_upcoming", json_boolean(up.n > 0));
		json_object_set_new(ctx, "has_recent", json_boolean(past.n > 0));
		json_object_set_new(ctx, "more", json_boolean(up.n >= LIST_UPCOMING));
		json_object_set_new(
		        ctx, "week_url",
		        app_js(arena_printf(a, "%s%s%sview=week", base, buf_cstr(keep), sep)));
		return 0;
	}
	int32_t d = today();
	const char *w = app_param(req, "week");
	if (*w && when_parse_date(w, strlen(w), &d) < 0)
		return fail(req, 400, "Tuần cần xem phải là một ngày dạng " WHEN_DATE_FORMS "."),
		       -1;
	int32_t monday = d - activity_weekday(d);
	int64_t lo = activity_vn_time(monday, 0);
	act_vec_t v = {0};
	if (cal_find(req, vw, q, lo, lo + 7 * DAY, WEEK_MAX, &v) < 0)
		return 500;
	json_object_set_new(ctx, "week", week_grid(req, vw, &v, monday));
	json_object_set_new(ctx, "more", json_boolean(v.n >= WEEK_MAX));
	json_object_set_new(ctx, "week_title",
	                    app_js(arena_printf(a, "Tuần %s – %s", app_fmt_date(a, monday),
	                                        app_fmt_date(a, monday + 6))));
	json_object_set_new(ctx, "prev_url",
	                    app_js(arena_printf(a, "%s%s%sview=week&week=%s", base, buf_cstr(keep),
	                                        sep, app_fmt_date(a, monday - 7))));
	json_object_set_new(ctx, "next_url",
	                    app_js(arena_printf(a, "%s%s%sview=week&week=%s", base, buf_cstr(keep),
	                                        sep, app_fmt_date(a, monday + 7))));
	json_object_set_new(ctx, "this_week_url",
	                    app_js(arena_printf(a, "%s%s%sview=week", base, buf_cstr(keep), sep)));
	json_object_set_new(ctx, "week_value", app_js(app_fmt_date(a, monday)));
	return 0;
}

int
page_activities(http_req_t *req)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = unit_tree_find_code(t, app_param(req, "code"));
	const char *kind, *mode;
	if (filters(req, &kind, &mode) < 0)
		return 0;
	const char *scope = app_param(req, "scope");
	int exact = !strcmp(scope, "unit");
	int32_t target = i;
	const char *uf = app_param(req, "unit");
	if (*uf) {
		target = unit_tree_find_code(t, uf);
		if (target < 0 || !unit_tree_contains(t, i, target))
			return fail(
			        req, 400,
			        "Đơn vị cần lọc phải là đơn vị này hoặc một đơn vị trực thuộc.");
	}
	buf_t path = BUF_INIT;
	unit_tree_path(t, target, &path);
	cal_query_t q = {arena_strdup(a, buf_cstr(&path)), exact, 0, kind, mode};
	buf_free(&path);
	viewer_t vw = viewer_of(req);
	json_t *ctx = json_object();
	buf_t keep = BUF_INIT;
	qs_add(&keep, "scope", exact ? "unit" : "");
	qs_add(&keep, "kind", kind);
	qs_add(&keep, "mode", mode);
	qs_add(&keep, "unit", *uf && target != i ? uf : "");
	const char *base = arena_printf(a, "/units/%s/activities", t->units[i].code);
	int rc = calendar_body(req, &vw, &q, base, &keep, ctx);
	buf_free(&keep);
	if (rc) {
		json_decref(ctx);
		return rc < 0 ? 0 : rc;
	}
	json_object_set_new(ctx, "unit", app_unit_json(t, i));
	json_object_set_new(ctx, "path", crumbs(t, i));
	json_object_set_new(ctx, "exact", json_boolean(exact));
	json_object_set_new(ctx, "internal", json_true());
	json_object_set_new(ctx, "kinds", kind_options(kind));
	json_object_set_new(ctx, "modes", mode_options(mode));
	if (target != i)
		json_object_set_new(ctx, "filter_unit", app_unit_json(t, target));
	/* the children for the unit filter */
	int32_t kids[400];
	int32_t nk = unit_tree_children(t, i, kids, 400);
	json_t *ko = json_array();
	for (int32_t k = 0; k < nk && k < 400; k++)
		json_array_append_new(ko, json_pack("{s:s,s:s,s:b}", "code", t->units[kids[k]].code,
		                                    "name", t->units[kids[k]].name, "selected",
		                                    kids[k] == target));
	json_object_set_new(ctx, "children", ko);
	json_object_set_new(ctx, "has_children", json_boolean(nk > 0));
	json_object_set_new(ctx, "can_register", json_boolean(may(&vw, ACT_REPORT_EDIT, i)));
	json_object_set_new(ctx, "week_param", app_js(app_param(req, "week")));
	return app_render_page(req, 200, "activities",
	                       arena_printf(a, "Lịch hoạt động — %s", t->units[i].name), ctx);
}

/* from/to of the API: dd/mm/yyyy or yyyy-mm-dd (Vietnam days), to inclusive. */
static int
api_day(const char *s, int32_t *d)
{
	return when_parse_date(s, strlen(s), d);
}

static int
api_range(http_req_t *req, int64_t *from, int64_t *to)
{
	int32_t d1 = today() - 30, d2;
	const char *f = app_param(req, "from"), *t = app_param(req, "to");
	if (*f && api_day(f, &d1) < 0)
		return fail(req, 400, "Tham số from phải là ngày dạng dd/mm/yyyy hoặc yyyy-mm-dd."),
		       -1;
	d2 = d1 + 400;
	if (*t && api_day(t, &d2) < 0)
		return fail(req, 400, "Tham số to phải là ngày dạng dd/mm/yyyy hoặc yyyy-mm-dd."),
		       -1;
	if (d2 < d1 || d2 - d1 > API_MAX_DAYS)
		return fail(req, 400, "Khoảng from–to phải từ 0 đến 800 ngày, from trước to."), -1;
	*from = activity_vn_time(d1, 0);
	*to = activity_vn_time(d2 + 1, 0);
	return 0;
}

static int
api_list(http_req_t *req, const viewer_t *vw, const cal_query_t *q, int internal)
{
	int64_t from, to;
	if (api_range(req, &from, &to) < 0)
		return 0;
	act_vec_t v = {0};
	if (cal_find(req, vw, q, from, to, API_MAX + 1, &v) < 0)
		return 500;
	json_t *arr = json_array();
	for (size_t k = 0; k < v.n && k < API_MAX; k++)
		json_array_append_new(arr, act_api(req, &v.v[k], internal));
	arena_t *a = http_req_arena(req);
	return app_reply_json(req, 200,
	                      json_pack("{s:s,s:s,s:o,s:b}", "from", iso_vn(a, from), "to",
	                                iso_vn(a, to), "activities", arr, "truncated",
	                                v.n > API_MAX));
}

int
api_activities(http_req_t *req)
{
	const unit_tree_t *t = app_req_tree(req);
	int32_t i = unit_tree_find_code(t, app_param(req, "code"));
	const char *kind, *mode;
	if (filters(req, &kind, &mode) < 0)
		return 0;
	buf_t path = BUF_INIT;
	unit_tree_path(t, i, &path);
	cal_query_t q = {arena_strdup(http_req_arena(req), buf_cstr(&path)),
	                 !strcmp(app_param(req, "scope"), "unit"), 0, kind, mode};
	buf_free(&path);
	viewer_t vw = viewer_of(req);
	return api_list(req, &vw, &q, 1);
}

/* ---------- the public calendar ---------- */

/* "Huyện Tiên Lãng, Thành phố Hải Phòng" */
static const char *
where_text(arena_t *a, const unit_tree_t *t, int32_t i)
{
	buf_t b = BUF_INIT;
	for (int32_t p = t->units[i].parent; p > 0; p = t->units[p].parent) {
		if (b.len)
			buf_puts(&b, ", ");
		buf_puts(&b, t->units[p].name);
	}
	const char *s = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

int
page_lich(http_req_t *req)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	const char *kind, *mode;
	if (filters(req, &kind, &mode) < 0)
		return 0;
	const char *uc = app_param(req, "unit");
	int32_t u = 0;
	if (*uc && (u = unit_tree_find_code(t, uc)) < 0)
		return fail(req, 404, "Không tìm thấy đơn vị với mã này.");
	buf_t path = BUF_INIT;
	if (u > 0)
		unit_tree_path(t, u, &path);
	cal_query_t q = {arena_strdup(a, buf_cstr(&path)), 0, 1, kind, mode};
	buf_free(&path);
	viewer_t vw = {t, NULL, 0}; /* the public page shows public activities only */
	json_t *ctx = json_object();
	/* the unit search box */
	const char *qs = app_param(req, "q");
	json_object_set_new(ctx, "q", app_js(qs));
	if (*qs) {
		int32_t ids[20], total;
		unit_search_t s = {qs, -1, NULL, 20, 0};
		int32_t n = unit_tree_search(t, &s, ids, &total);
		json_t *found = json_array();
		for (int32_t k = 0; k < n; k++) {
			buf_t l = BUF_INIT;
			qs_add(&l, "unit", t->units[ids[k]].code);
			json_array_append_new(
			        found, json_pack("{s:s,s:s,s:s}", "name", t->units[ids[k]].name,
			                         "context", where_text(a, t, ids[k]), "url",
			                         arena_printf(a, "/lich%s", buf_cstr(&l))));
			buf_free(&l);
		}
		json_object_set_new(ctx, "searched", json_true());
		json_object_set_new(ctx, "found", found);
		json_object_set_new(ctx, "found_none", json_boolean(n <= 0));
	}
	buf_t keep = BUF_INIT;
	qs_add(&keep, "unit", u > 0 ? t->units[u].code : "");
	qs_add(&keep, "kind", kind);
	qs_add(&keep, "mode", mode);
	int rc = calendar_body(req, &vw, &q, "/lich", &keep, ctx);
	buf_free(&keep);
	if (rc) {
		json_decref(ctx);
		return rc < 0 ? 0 : rc;
	}
	if (u > 0) {
		json_t *uo = app_unit_json(t, u);
		json_object_set_new(uo, "context", app_js(where_text(a, t, u)));
		json_object_set_new(ctx, "unit", uo);
		buf_t l = BUF_INIT;
		qs_add(&l, "kind", kind);
		qs_add(&l, "mode", mode);
		json_object_set_new(ctx, "all_url",
		                    app_js(arena_printf(a, "/lich%s", buf_cstr(&l))));
		buf_free(&l);
		json_object_set_new(
		        ctx, "ics_url",
		        app_js(arena_printf(a, "/units/%s/lich.ics", t->units[u].code)));
	}
	json_object_set_new(ctx, "kinds", kind_options(kind));
	json_object_set_new(ctx, "modes", mode_options(mode));
	json_object_set_new(ctx, "week_param", app_js(app_param(req, "week")));
	return app_render_page(req, 200, "calendar",
	                       u > 0 ? arena_printf(a, "Lịch hoạt động — %s", t->units[u].name)
	                             : "Lịch hoạt động",
	                       ctx);
}

/* The :aid activity when it is public; -1 after replying 404. */
static int
public_activity(http_req_t *req, store_activity_t *s)
{
	int rc = load_activity(req, app_id_param(req, "aid"), s);
	if (rc < 0) {
		app_error_page(req, 500, NULL);
		return -1;
	}
	if (rc == 0 || !s->is_public) {
		app_error_page(req, 404, "Không tìm thấy hoạt động công khai này.");
		return -1;
	}
	return 0;
}

/* Plain text of at most max characters (not bytes) on one line, with "…" when cut. */
static const char *
plain_excerpt(arena_t *a, const char *s, size_t max)
{
	buf_t b = BUF_INIT;
	size_t chars = 0;
	int space = 0, cut = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p <= ' ') {
			space = b.len > 0;
			continue;
		}
		if ((*p & 0xc0) != 0x80) {
			if (chars + space >= max) {
				cut = 1;
				break;
			}
			if (space) {
				buf_putc(&b, ' ');
				chars++;
				space = 0;
			}
			chars++;
		}
		buf_putc(&b, (char)*p);
	}
	if (cut) {
		/* room for the ellipsis: drop the last character */
		while (b.len > 0 && ((unsigned char)b.data[b.len - 1] & 0xc0) == 0x80)
			b.len--;
		if (b.len > 0)
			b.len--;
		buf_puts(&b, "…");
	}
	const char *r = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return r;
}

int
page_lich_event(http_req_t *req)
{
	store_activity_t s;
	if (public_activity(req, &s) < 0)
		return 0;
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	viewer_t vw = {t, NULL, 0};
	json_t *ctx = json_object();
	json_object_set_new(ctx, "a", act_view(req, &vw, &s));
	int32_t u = unit_tree_find_id(t, s.unit_id);
	if (u >= 0) {
		json_object_set_new(ctx, "unit_path", app_unit_path_json(t, u));
		json_object_set_new(ctx, "unit_context", app_js(where_text(a, t, u)));
		json_object_set_new(ctx, "unit_calendar",
		                    app_js(arena_printf(a, "/lich?unit=%s", t->units[u].code)));
	}
	const char *base = site_base(req);
	const char *self = arena_printf(a, "/lich/%lld", (long long)s.id);
	json_t *photos = photos_json(req, self, s.id);
	json_object_set_new(ctx, "has_photos", json_boolean(json_array_size(photos) > 0));
	/* Open Graph: what a chat app or a social network shows for a shared link */
	buf_t d = BUF_INIT;
	activity_format_span(s.start_at, s.end_at, &d);
	if (*s.place)
		buf_printf(&d, " · %s", s.place);
	if (u >= 0 && strcmp(s.place, t->units[u].name) != 0)
		buf_printf(&d, " · %s", t->units[u].name);
	if (!strcmp(s.status, "cancelled"))
		buf_puts(&d, " · Đã hủy");
	if (*s.description)
		buf_printf(&d, ". %s", s.description);
	json_t *og = json_pack(
	        "{s:s,s:s,s:s}", "title",
	        !strcmp(s.status, "cancelled") ? arena_printf(a, "[Đã hủy] %s", s.title) : s.title,
	        "description", plain_excerpt(a, buf_cstr(&d), 200), "url",
	        arena_printf(a, "%s%s", base, self));
	buf_free(&d);
	json_t *first = json_array_get(photos, 0);
	if (first) {
		json_object_set_new(
		        og, "image",
		        app_js(arena_printf(a, "%s%s", base,
		                            json_string_value(json_object_get(first, "url")))));
		json_object_set_new(og, "image_width", json_copy(json_object_get(first, "width")));
		json_object_set_new(og, "image_height",
		                    json_copy(json_object_get(first, "height")));
	}
	json_object_set_new(ctx, "og", og);
	json_object_set_new(ctx, "photos", photos);
	json_object_set_new(ctx, "ics_url", app_js(arena_printf(a, "%s/event.ics", self)));
	enrol_event_ctx(req, &s, ctx); /* a class open for enrolment: places, the form */
	return app_render_page(req, 200, "calendar_event", s.title, ctx);
}

int
page_lich_photo(http_req_t *req)
{
	store_activity_t s;
	if (public_activity(req, &s) < 0)
		return 0;
	return reply_photo(req, &s, 1);
}

/* ---------- iCalendar ---------- */

static void
ics_event(http_req_t *req, const store_activity_t *s, const char *base, const char *host,
          buf_t *out)
{
	arena_t *a = http_req_arena(req);
	const unit_tree_t *t = app_req_tree(req);
	int32_t u = unit_tree_find_id(t, s->unit_id);
	const char *kind = activity_kind_name(s->kind);
	buf_t d = BUF_INIT;
	buf_printf(&d, "%s · %s", kind ? kind : s->kind, activity_mode_name(s->mode));
	if (u >= 0)
		buf_printf(&d, "\nĐơn vị tổ chức: %s", t->units[u].name);
	if (*s->audience)
		buf_printf(&d, "\nĐối tượng: %s", s->audience);
	if (!strcmp(s->status, "held") && s->actual >= 0)
		buf_printf(&d, "\nĐã tổ chức: %s người tham gia", app_fmt_count(a, s->actual));
	if (!strcmp(s->status, "cancelled"))
		buf_puts(&d, "\nĐÃ HỦY");
	if (*s->description)
		buf_printf(&d, "\n\n%s", s->description);
	if (*s->link)
		buf_printf(&d, "\n\nTham gia trực tuyến: %s", s->link);
	const char *loc = *s->place ? s->place : s->link;
	ical_event_t e = {
	        .uid = arena_printf(a, "activity-%lld@%s", (long long)s->id, host),
	        .stamp = s->updated_at,
	        .start = s->start_at,
	        .end = s->end_at,
	        .summary = s->title,
	        .description = buf_cstr(&d),
	        .location = loc,
	        .url = arena_printf(a, "%s/lich/%lld", base, (long long)s->id),
	        .category = kind ? kind : "",
	        .cancelled = !strcmp(s->status, "cancelled"),
	        .sequence = s->version - 1,
	};
	ical_event(out, &e);
	buf_free(&d);
}

static int
reply_ics(http_req_t *req, buf_t *out, const char *filename)
{
	char safe[80];
	size_t k = 0;
	for (const char *p = filename; *p && k + 1 < sizeof safe; p++)
		safe[k++] = ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		             (*p >= '0' && *p <= '9') || *p == '-' || *p == '.')
		                    ? *p
		                    : '_';
	safe[k] = '\0';
	http_resp_header(req, "Content-Disposition",
	                 arena_printf(http_req_arena(req), "attachment; filename=\"%s\"", safe));
	http_resp_header(req, "Cache-Control", "public, max-age=300");
	return http_reply_buf(req, 200, "text/calendar; charset=utf-8", out);
}

int
page_unit_ics(http_req_t *req)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = unit_tree_find_code(t, app_param(req, "code"));
	if (i < 0)
		return fail(req, 404, "Không tìm thấy đơn vị với mã này.");
	int exact = !strcmp(app_param(req, "scope"), "unit");
	buf_t path = BUF_INIT;
	unit_tree_path(t, i, &path);
	cal_query_t q = {arena_strdup(a, buf_cstr(&path)), exact, 1, "", ""};
	buf_free(&path);
	viewer_t vw = {t, NULL, 0};
	int64_t now = app_now();
	act_vec_t v = {0};
	if (cal_find(req, &vw, &q, now - FEED_DAYS * DAY, now + FEED_DAYS * DAY, FEED_MAX, &v) < 0)
		return 500;
	const char *base = site_base(req), *host = uid_host(req);
	buf_t out = BUF_INIT;
	ical_begin(&out, exact ? arena_printf(a, "Hoạt động — %s", t->units[i].name)
	                       : arena_printf(a, "Hoạt động — %s và các đơn vị trực thuộc",
	                                      t->units[i].name));
	for (size_t k = 0; k < v.n; k++)
		ics_event(req, &v.v[k], base, host, &out);
	ical_end(&out);
	return reply_ics(req, &out,
	                 arena_printf(a, "lich-%s%s.ics", t->units[i].code, exact ? "" : "-all"));
}

int
page_event_ics(http_req_t *req)
{
	store_activity_t s;
	if (public_activity(req, &s) < 0)
		return 0;
	arena_t *a = http_req_arena(req);
	buf_t out = BUF_INIT;
	ical_begin(&out, s.title);
	ics_event(req, &s, site_base(req), uid_host(req), &out);
	ical_end(&out);
	return reply_ics(req, &out, arena_printf(a, "hoat-dong-%lld.ics", (long long)s.id));
}

int
api_lich(http_req_t *req)
{
	const unit_tree_t *t = app_req_tree(req);
	const char *kind, *mode;
	if (filters(req, &kind, &mode) < 0)
		return 0;
	const char *uc = app_param(req, "unit");
	int32_t u = 0;
	if (*uc && (u = unit_tree_find_code(t, uc)) < 0)
		return fail(req, 404, "Không tìm thấy đơn vị với mã này.");
	buf_t path = BUF_INIT;
	if (u > 0)
		unit_tree_path(t, u, &path);
	cal_query_t q = {arena_strdup(http_req_arena(req), buf_cstr(&path)), 0, 1, kind, mode};
	buf_free(&path);
	viewer_t vw = {t, NULL, 0};
	return api_list(req, &vw, &q, 0);
}

/* For the enrolment pages (src/app/enrol_pages.c): the same lookups as this file's. */
int
app_activity_of_unit_or_reply(http_req_t *req, int32_t *unit, store_activity_t *out)
{
	return unit_activity(req, unit, out);
}

int
app_public_activity_or_reply(http_req_t *req, store_activity_t *out)
{
	return public_activity(req, out);
}
