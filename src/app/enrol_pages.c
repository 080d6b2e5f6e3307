/* Class enrolment over HTTP: the citizens' form, confirmation and cancel pages under
 * /lich/:aid, the enrolment box of the public event page, the unit's list with attendance,
 * settings and the XLSX export, and their JSON API. Thin adapters over
 * src/service/enrol.h; access is the route table's (src/app/app.c). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "domain/jsonin.h"
#include "core/log.h"
#include "domain/activity.h"
#include "export/table.h"
#include "service/enrol.h"
#include "text/text.h"

/* Enrolments (and failed cancels) one client IP may make in an hour. A school or a
 * carrier's NAT puts many people behind one address: ten is a class's worth from one
 * place, not a flood. In memory: a restart forgets it. */
#define ENROL_IP_PER_HOUR 10

static enrol_ctx_t
ctx_of(http_req_t *req)
{
	app_t *app = http_req_app(req);
	app_user_t *u = app_req_user(req);
	return (enrol_ctx_t){.store = app->store,
	                     .arena = http_req_arena(req),
	                     .now = app_now(),
	                     .actor_id = u ? u->id : 0};
}

static const char *
time_text(arena_t *a, int64_t t)
{
	buf_t b = BUF_INIT;
	activity_format_hhmm(t, &b);
	buf_putc(&b, ' ');
	activity_format_date(t, &b);
	char *s = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

/* The settings and the list of activity a, in cx's arena: 1 (settings found), 0 (none),
 * or -1 on a store error. */
static int
class_state(const enrol_ctx_t *cx, const store_activity_t *a, store_enrol_settings_t *s,
            enrol_list_t *l)
{
	int has = enrol_settings_load(cx, a->id, s);
	if (has < 0 || enrol_list(cx, a->id, l) < 0)
		return -1;
	return has;
}

/* The public facts of a class open for enrolment: counts only, never a name. NULL when
 * the activity takes no enrolments. */
static json_t *
public_json(http_req_t *req, const store_activity_t *a)
{
	enrol_ctx_t cx = ctx_of(req);
	store_enrol_settings_t s;
	enrol_list_t l;
	if (!enrol_kind_ok(a->kind) || class_state(&cx, a, &s, &l) != 1 || !s.open)
		return NULL;
	int64_t left = s.capacity - l.enrolled;
	if (left < 0)
		left = 0;
	int64_t dl = enrol_deadline(&s, a);
	int open = cx.now < dl && strcmp(a->status, "cancelled") != 0;
	json_t *o = json_object();
	json_object_set_new(o, "free", json_boolean(s.fee == 0));
	json_object_set_new(o, "fee", json_integer(s.fee));
	json_object_set_new(o, "fee_text", app_js(enrol_fee_text(cx.arena, s.fee)));
	json_object_set_new(o, "capacity", json_integer(s.capacity));
	json_object_set_new(o, "enrolled", json_integer(l.enrolled));
	json_object_set_new(o, "waiting", json_integer(l.waiting));
	json_object_set_new(o, "places_left", json_integer(left));
	json_object_set_new(o, "full", json_boolean(left == 0));
	json_object_set_new(o, "places_text",
	                    app_js(left > 0 ? arena_printf(cx.arena, "Còn %s chỗ",
	                                                   app_fmt_count(cx.arena, left))
	                                    : "Đã đủ chỗ — đăng ký vào danh sách chờ"));
	json_object_set_new(o, "deadline", app_js(time_text(cx.arena, dl)));
	json_object_set_new(o, "open", json_boolean(open));
	json_object_set_new(o, "closed_text",
	                    app_js(!strcmp(a->status, "cancelled")
	                                   ? "Lớp đã hủy; không nhận đăng ký."
	                                   : "Lớp đã hết hạn đăng ký."));
	json_object_set_new(o, "contact_name", app_js(s.contact_name));
	json_object_set_new(o, "contact_phone", app_js(s.contact_phone));
	char tel[32];
	size_t k = 0;
	for (const char *p = s.contact_phone; *p && k + 1 < sizeof tel; p++)
		if ((*p >= '0' && *p <= '9') || (*p == '+' && k == 0))
			tel[k++] = *p;
	tel[k] = '\0';
	json_object_set_new(o, "contact_tel", app_js(tel)); /* the tel: link, digits only */
	json_object_set_new(o, "contact_email", app_js(s.contact_email));
	json_object_set_new(o, "form_url",
	                    app_js(arena_printf(cx.arena, "/lich/%lld/dang-ky", (long long)a->id)));
	json_object_set_new(o, "cancel_url",
	                    app_js(arena_printf(cx.arena, "/lich/%lld/huy", (long long)a->id)));
	json_object_set_new(o, "retention_days", json_integer(app_enrol_retention(req)));
	return o;
}

/* The token a form posted before sign-in carries: the session's when signed in (the
 * layout adds it), else the pre-login cookie's, set here when missing. */
void
app_public_csrf(http_req_t *req, json_t *ctx)
{
	if (!app_req_user(req))
		json_object_set_new(ctx, "csrf", app_js(app_prelogin_csrf(req)));
}

void
enrol_event_ctx(http_req_t *req, const store_activity_t *a, json_t *ctx)
{
	json_t *e = public_json(req, a);
	if (!e)
		return;
	json_object_set_new(ctx, "enrol", e);
	if (json_is_true(json_object_get(e, "open")))
		app_public_csrf(req, ctx);
}

/* ---------- the citizens' pages ---------- */

static const char *const form_fields[] = {"name", "phone",   "birth_year",
                                          "note", "consent", "website"};
#define NFORM (sizeof form_fields / sizeof form_fields[0])

/* The enrolment form page: with what was typed and the sentences by field on a refusal. */
static int
render_form(http_req_t *req, const store_activity_t *a, int status, const enrol_outcome_t *o)
{
	json_t *ctx = json_object();
	json_t *e = public_json(req, a);
	if (!e) {
		json_decref(ctx);
		app_error_page(req, 404, "Lớp này không nhận đăng ký qua trang này.");
		return 0;
	}
	json_object_set_new(ctx, "enrol", e);
	json_object_set_new(ctx, "title", app_js(a->title));
	json_object_set_new(
	        ctx, "event_url",
	        app_js(arena_printf(http_req_arena(req), "/lich/%lld", (long long)a->id)));
	json_t *v = json_object(), *err = json_object();
	for (size_t k = 0; k + 1 < NFORM; k++) {
		const char *x = http_req_param(req, form_fields[k]);
		if (x)
			json_object_set_new(v, form_fields[k], app_js(x));
	}
	if (o) {
		for (int k = 0; k < o->nerrs; k++)
			json_object_set_new(err, o->errs[k].field, app_js(o->errs[k].msg));
		json_object_set_new(ctx, "form_error", app_js(o->message));
	}
	json_object_set_new(ctx, "v", v);
	json_object_set_new(ctx, "err", err);
	app_public_csrf(req, ctx);
	return app_render_page(req, status, "enrol_form", "Đăng ký học", ctx);
}

static int
reply_error(http_req_t *req, int status, const enrol_outcome_t *o)
{
	if (app_is_api(req) && o->nerrs) {
		json_t *fields = json_object();
		for (int k = 0; k < o->nerrs; k++)
			json_object_set_new(fields, o->errs[k].field, app_js(o->errs[k].msg));
		return app_reply_json(req, status,
		                      json_pack("{s:{s:i,s:s,s:o}}", "error", "status", status,
		                                "message", o->message, "fields", fields));
	}
	app_error_page(req, status, o->message);
	return 0;
}

static int
status_of(enrol_rc_t rc)
{
	switch (rc) {
	case ENROL_OK: return 200;
	case ENROL_ERR_INVALID: return 422;
	case ENROL_ERR_NOT_FOUND: return 404;
	case ENROL_ERR_CLOSED:
	case ENROL_ERR_PHONE:
	case ENROL_ERR_STALE: return 409;
	default: return 500;
	}
}

int
page_enrol_form(http_req_t *req)
{
	store_activity_t a;
	if (app_public_activity_or_reply(req, &a) < 0)
		return 0;
	return render_form(req, &a, 200, NULL);
}

/* name as a whole word of the space-separated list (NULL: none). */
static int
listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; p && (p = strstr(p, name)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
	return 0;
}

/* The values of names[0..n): the form's parameters, or for the JSON API its body's
 * fields through the typed reader — strings, int_fields' names integers as their digits,
 * bool_field's names booleans as "1"/""; null as absent; anything else, and fields not in
 * names, refused naming the field (wrong types are not coerced). 0, or -1 after replying. */
int
app_read_fields(http_req_t *req, const char *const *names, size_t n, const char **v,
                const char *bool_field, const char *int_fields)
{
	if (!app_is_api(req)) {
		for (size_t k = 0; k < n; k++)
			v[k] = http_req_param(req, names[k]);
		return 0;
	}
	arena_t *a = http_req_arena(req);
	jsonin_field_t *f = arena_alloc(a, (n ? n : 1) * sizeof *f);
	for (size_t k = 0; k < n; k++) {
		v[k] = NULL;
		f[k] = (jsonin_field_t){.name = names[k],
		                        .type = listed(bool_field, names[k])   ? JSONIN_BOOL_TEXT
		                                : listed(int_fields, names[k]) ? JSONIN_INT_TEXT
		                                                               : JSONIN_STRING,
		                        .flags = JSONIN_NULLABLE,
		                        .out = &v[k]};
	}
	size_t blen;
	const char *body = http_req_body(req, &blen);
	const char *err;
	if (jsonin_read(body, blen, 0, f, n, a, NULL, &err) < 0) {
		app_error_page(req, 400, arena_printf(a, "%s Xem docs/api.md.", err));
		return -1;
	}
	return 0;
}

/* The limiter's key: kind and the client's address; an IPv6 address by its /64, which one
 * subscriber gets whole and can walk through. */
const char *
app_citizen_key(http_req_t *req, char kind)
{
	const char *ip = http_req_client_ip(req);
	struct in6_addr a6;
	char net[INET6_ADDRSTRLEN];
	if (ip && strchr(ip, ':') && inet_pton(AF_INET6, ip, &a6) == 1) {
		memset(a6.s6_addr + 8, 0, 8);
		if (inet_ntop(AF_INET6, &a6, net, sizeof net))
			ip = net;
	}
	return arena_printf(http_req_arena(req), "%c:%s", kind, ip ? ip : "");
}

int
app_citizen_limited(http_req_t *req, char kind, int per_hour, const char *msg)
{
	app_t *app = http_req_app(req);
	if (auth_throttle_count(app->enrol_limit, app_citizen_key(req, kind), app_now()) < per_hour)
		return 0;
	http_resp_header(req, "Retry-After", "3600");
	app_error_page(req, 429, msg);
	return 1;
}

static int
too_many(http_req_t *req, char kind)
{
	return app_citizen_limited(req, kind, ENROL_IP_PER_HOUR,
	                           "Có quá nhiều lượt đăng ký hoặc hủy từ cùng một mạng trong một "
	                           "giờ; hãy thử lại sau, hoặc liên hệ đơn vị tổ chức để được đăng "
	                           "ký trực tiếp.");
}

int
page_enrol_post(http_req_t *req)
{
	store_activity_t a;
	if (app_public_activity_or_reply(req, &a) < 0)
		return 0;
	const char *v[NFORM];
	if (app_read_fields(req, form_fields, NFORM, v, "consent", "birth_year") < 0 ||
	    too_many(req, 'e'))
		return 0;
	enrol_ctx_t cx = ctx_of(req);
	enrol_input_t in = {v[0], v[1], v[2], v[3], v[4], v[5]};
	enrol_outcome_t o;
	enrol_rc_t rc = enrol_join(&cx, &a, &in, &o);
	if (rc == ENROL_OK) {
		app_t *app = http_req_app(req);
		auth_throttle_fail(app->enrol_limit, app_citizen_key(req, 'e'), cx.now);
		const char *where =
		        arena_printf(cx.arena, "/lich/%lld/ma/%s", (long long)a.id, o.code);
		if (app_is_api(req))
			return app_reply_json(req, 201,
			                      json_pack("{s:s,s:s,s:I,s:s,s:s}", "code", o.code,
			                                "status", o.status, "position",
			                                (json_int_t)o.position, "message",
			                                o.message, "url", where));
		return http_redirect(req, 303, where);
	}
	int status = status_of(rc);
	if (!app_is_api(req) &&
	    (rc == ENROL_ERR_INVALID || rc == ENROL_ERR_PHONE || rc == ENROL_ERR_CLOSED))
		return render_form(req, &a, status, &o);
	return reply_error(req, status, &o);
}

static json_t *
outcome_json(const enrol_outcome_t *o)
{
	return json_pack("{s:s,s:s,s:I,s:s}", "code", o->code, "status", o->status, "position",
	                 (json_int_t)o->position, "message", o->message);
}

int
page_enrol_status(http_req_t *req)
{
	store_activity_t a;
	if (app_public_activity_or_reply(req, &a) < 0)
		return 0;
	enrol_ctx_t cx = ctx_of(req);
	enrol_outcome_t o;
	enrol_rc_t rc = enrol_status(&cx, a.id, http_req_param(req, "ecode"), &o);
	if (rc != ENROL_OK)
		return reply_error(req, status_of(rc), &o);
	json_t *ctx = json_object();
	json_object_set_new(ctx, "r", outcome_json(&o));
	json_object_set_new(ctx, "title", app_js(a.title));
	json_object_set_new(ctx, "when", app_js(time_text(cx.arena, a.start_at)));
	json_object_set_new(ctx, "place", app_js(a.place));
	json_object_set_new(ctx, "event_url",
	                    app_js(arena_printf(cx.arena, "/lich/%lld", (long long)a.id)));
	json_object_set_new(
	        ctx, "cancel_url",
	        app_js(arena_printf(cx.arena, "/lich/%lld/huy?code=%s", (long long)a.id, o.code)));
	json_object_set_new(ctx, "enrolled", json_boolean(!strcmp(o.status, "enrolled")));
	json_object_set_new(ctx, "waiting", json_boolean(!strcmp(o.status, "waiting")));
	json_object_set_new(ctx, "cancelled", json_boolean(!strcmp(o.status, "cancelled")));
	const char *done = http_req_param(req, "done");
	if (done && !strcmp(done, "huy"))
		json_object_set_new(ctx, "just_cancelled", json_true());
	return app_render_page(req, 200, "enrol_done", "Mã đăng ký học", ctx);
}

static int
render_cancel(http_req_t *req, const store_activity_t *a, int status, const enrol_outcome_t *o)
{
	json_t *ctx = json_object();
	json_object_set_new(ctx, "title", app_js(a->title));
	json_object_set_new(
	        ctx, "event_url",
	        app_js(arena_printf(http_req_arena(req), "/lich/%lld", (long long)a->id)));
	json_object_set_new(
	        ctx, "action",
	        app_js(arena_printf(http_req_arena(req), "/lich/%lld/huy", (long long)a->id)));
	const char *code = http_req_param(req, "code");
	json_object_set_new(ctx, "code", app_js(code));
	if (o) {
		json_object_set_new(ctx, "form_error", app_js(o->message));
		json_object_set_new(ctx, "err_code", json_true());
	}
	app_public_csrf(req, ctx);
	return app_render_page(req, status, "enrol_cancel", "Hủy đăng ký học", ctx);
}

int
page_enrol_cancel_form(http_req_t *req)
{
	store_activity_t a;
	if (app_public_activity_or_reply(req, &a) < 0)
		return 0;
	return render_cancel(req, &a, 200, NULL);
}

int
page_enrol_cancel(http_req_t *req)
{
	store_activity_t a;
	if (app_public_activity_or_reply(req, &a) < 0)
		return 0;
	static const char *const names[] = {"code", "phone4"};
	const char *v[2];
	if (app_read_fields(req, names, 2, v, NULL, NULL) < 0 || too_many(req, 'c'))
		return 0;
	enrol_ctx_t cx = ctx_of(req);
	enrol_outcome_t o;
	enrol_rc_t rc = enrol_cancel(&cx, a.id, v[0], v[1], &o);
	if (rc == ENROL_ERR_INVALID) /* guessing codes costs the IP's hourly allowance */
		auth_throttle_fail(((app_t *)http_req_app(req))->enrol_limit,
		                   app_citizen_key(req, 'c'), cx.now);
	if (rc == ENROL_OK) {
		if (o.promoted_id)
			log_info("enrol: activity %lld: enrolment %lld moved up from the waiting "
			         "list",
			         (long long)a.id, (long long)o.promoted_id);
		if (app_is_api(req))
			return app_reply_json(req, 200, outcome_json(&o));
		return http_redirect(req, 303,
		                     arena_printf(cx.arena, "/lich/%lld/ma/%s?done=huy",
		                                  (long long)a.id, o.code));
	}
	if (!app_is_api(req) && rc == ENROL_ERR_INVALID)
		return render_cancel(req, &a, 422, &o);
	return reply_error(req, status_of(rc), &o);
}

int
api_enrol_public(http_req_t *req)
{
	store_activity_t a;
	if (app_public_activity_or_reply(req, &a) < 0)
		return 0;
	json_t *e = public_json(req, &a);
	if (!e) {
		app_error_page(req, 404, "Lớp này không nhận đăng ký qua trang này.");
		return 0;
	}
	json_object_del(e, "form_url");
	json_object_del(e, "cancel_url");
	json_object_set_new(e, "activity", json_integer(a.id));
	return app_reply_json(req, 200, e);
}

/* ---------- the unit's list ---------- */

static const char *
status_name(const char *s)
{
	return !strcmp(s, "enrolled")  ? "Đã nhận"
	       : !strcmp(s, "waiting") ? "Danh sách chờ"
	                               : "Đã hủy";
}

static json_t *
row_json(arena_t *a, const enrol_row_t *r)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(r->e.id));
	json_object_set_new(o, "name", app_js(r->e.name));
	json_object_set_new(o, "phone", app_js(r->e.phone));
	json_object_set_new(o, "birth_year",
	                    r->e.birth_year ? json_integer(r->e.birth_year) : json_null());
	json_object_set_new(o, "note", app_js(r->e.note));
	json_object_set_new(o, "status", app_js(r->e.status));
	json_object_set_new(o, "status_name", app_js(status_name(r->e.status)));
	json_object_set_new(o, "position", r->position ? json_integer(r->position) : json_null());
	json_object_set_new(o, "attended", json_boolean(r->e.attended));
	json_object_set_new(o, "enrolled_at", app_js(app_fmt_time(a, r->e.created_at)));
	json_object_set_new(o, "promoted_at",
	                    r->e.promoted_at ? app_js(app_fmt_time(a, r->e.promoted_at))
	                                     : json_null());
	json_object_set_new(o, "purged", json_boolean(r->e.purged_at > 0));
	return o;
}

static json_t *
list_json(arena_t *a, const enrol_list_t *l)
{
	json_t *rows = json_array();
	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(rows, row_json(a, &l->rows[i]));
	return json_pack("{s:I,s:I,s:I,s:I,s:o}", "enrolled", (json_int_t)l->enrolled, "waiting",
	                 (json_int_t)l->waiting, "cancelled", (json_int_t)l->cancelled, "attended",
	                 (json_int_t)l->attended, "rows", rows);
}

static const char *const settings_fields[] = {
        "enrol_open",          "enrol_fee",          "enrol_capacity",      "enrol_deadline_date",
        "enrol_deadline_time", "enrol_contact_name", "enrol_contact_phone", "enrol_contact_email"};
#define NSETTINGS (sizeof settings_fields / sizeof settings_fields[0])

static int
render_list(http_req_t *req, int32_t i, const store_activity_t *a, int status,
            const enrol_outcome_t *bad, const char *ok)
{
	const unit_tree_t *t = app_req_tree(req);
	enrol_ctx_t cx = ctx_of(req);
	enrol_list_t l;
	store_enrol_settings_t s;
	int has = class_state(&cx, a, &s, &l);
	if (has < 0)
		return 500;
	json_t *ctx = list_json(cx.arena, &l);
	json_object_set_new(ctx, "title", app_js(a->title));
	json_object_set_new(ctx, "unit_name", app_js(t->units[i].name));
	json_object_set_new(ctx, "when", app_js(time_text(cx.arena, a->start_at)));
	const char *base = arena_printf(cx.arena, "/units/%s/activities/%lld", t->units[i].code,
	                                (long long)a->id);
	json_object_set_new(ctx, "activity_url", app_js(base));
	json_object_set_new(ctx, "base", app_js(base));
	json_object_set_new(ctx, "public_url",
	                    a->is_public
	                            ? app_js(arena_printf(cx.arena, "/lich/%lld", (long long)a->id))
	                            : json_null());
	json_object_set_new(ctx, "is_class", json_boolean(enrol_kind_ok(a->kind)));
	json_object_set_new(ctx, "can_attend", json_boolean(a->start_at <= cx.now && l.n > 0));
	json_object_set_new(ctx, "has_rows", json_boolean(l.n > 0));
	if (has == 1) {
		json_object_set_new(ctx, "capacity", json_integer(s.capacity));
		json_object_set_new(ctx, "fee_text", app_js(enrol_fee_text(cx.arena, s.fee)));
	}
	/* the settings form: what was typed after a refusal, else what is stored */
	json_t *v = json_object(), *err = json_object();
	if (bad) {
		for (size_t k = 0; k < NSETTINGS; k++)
			json_object_set_new(v, settings_fields[k],
			                    app_js(http_req_param(req, settings_fields[k])));
		for (int k = 0; k < bad->nerrs; k++)
			json_object_set_new(err, bad->errs[k].field, app_js(bad->errs[k].msg));
		json_object_set_new(ctx, "form_error", app_js(bad->message));
	} else if (has == 1) {
		json_object_set_new(v, "enrol_open", app_js(s.open ? "1" : ""));
		json_object_set_new(v, "enrol_fee",
		                    app_js(s.fee ? app_fmt_count(cx.arena, s.fee) : ""));
		json_object_set_new(v, "enrol_capacity",
		                    app_js(arena_printf(cx.arena, "%lld", (long long)s.capacity)));
		if (s.deadline) {
			buf_t b = BUF_INIT;
			activity_format_date(s.deadline, &b);
			json_object_set_new(v, "enrol_deadline_date", app_js(buf_cstr(&b)));
			buf_reset(&b);
			activity_format_hhmm(s.deadline, &b);
			json_object_set_new(v, "enrol_deadline_time", app_js(buf_cstr(&b)));
			buf_free(&b);
		}
		json_object_set_new(v, "enrol_contact_name", app_js(s.contact_name));
		json_object_set_new(v, "enrol_contact_phone", app_js(s.contact_phone));
		json_object_set_new(v, "enrol_contact_email", app_js(s.contact_email));
	}
	json_object_set_new(ctx, "v", v);
	json_object_set_new(ctx, "err", err);
	json_object_set_new(ctx, "open_checked",
	                    json_boolean(json_string_value(json_object_get(v, "enrol_open")) &&
	                                 *json_string_value(json_object_get(v, "enrol_open"))));
	if (ok)
		json_object_set_new(ctx, "ok", app_js(ok));
	json_object_set_new(ctx, "retention_days", json_integer(app_enrol_retention(req)));
	return app_render_page(req, status, "enrol_list", "Danh sách đăng ký học", ctx);
}

static const char *
done_text(const char *d)
{
	if (!d)
		return NULL;
	if (!strcmp(d, "settings"))
		return "Đã lưu cài đặt đăng ký.";
	if (!strcmp(d, "attendance"))
		return "Đã lưu điểm danh; số người tham gia của hoạt động đã được cập nhật.";
	return NULL;
}

int
page_enrolments(http_req_t *req)
{
	int32_t i;
	store_activity_t a;
	if (app_activity_of_unit_or_reply(req, &i, &a) < 0)
		return 0;
	return render_list(req, i, &a, 200, NULL, done_text(http_req_param(req, "done")));
}

int
api_enrolments(http_req_t *req)
{
	int32_t i;
	store_activity_t a;
	if (app_activity_of_unit_or_reply(req, &i, &a) < 0)
		return 0;
	enrol_ctx_t cx = ctx_of(req);
	enrol_list_t l;
	store_enrol_settings_t s;
	int has = class_state(&cx, &a, &s, &l);
	if (has < 0)
		return 500;
	json_t *o = list_json(cx.arena, &l);
	json_object_set_new(o, "activity", json_integer(a.id));
	json_object_set_new(o, "settings",
	                    has == 1 ? json_pack("{s:b,s:I,s:I,s:I,s:s,s:s,s:s}", "open", s.open,
	                                         "fee", (json_int_t)s.fee, "capacity",
	                                         (json_int_t)s.capacity, "deadline",
	                                         (json_int_t)enrol_deadline(&s, &a), "contact_name",
	                                         s.contact_name, "contact_phone", s.contact_phone,
	                                         "contact_email", s.contact_email)
	                             : json_null());
	return app_reply_json(req, 200, o);
}

typedef struct xlsx_rows {
	arena_t *a;
	const enrol_list_t *l;
} xlsx_rows_t;

static void
xlsx_row(void *p, size_t r, table_cell_t *row)
{
	const xlsx_rows_t *x = p;
	const enrol_row_t *e = &x->l->rows[r];
	row[0] = (table_cell_t){TABLE_INT, NULL, (int64_t)r + 1};
	row[1] = (table_cell_t){TABLE_TEXT, e->e.name, 0};
	row[2] = (table_cell_t){TABLE_TEXT, e->e.phone, 0};
	row[3] = e->e.birth_year ? (table_cell_t){TABLE_INT, NULL, e->e.birth_year}
	                         : (table_cell_t){TABLE_EMPTY, NULL, 0};
	row[4] = (table_cell_t){
	        TABLE_TEXT,
	        e->position ? arena_printf(x->a, "Danh sách chờ (%lld)", (long long)e->position)
	                    : status_name(e->e.status),
	        0};
	row[5] = (table_cell_t){TABLE_TEXT, e->e.attended ? "Có" : "", 0};
	row[6] = (table_cell_t){TABLE_TEXT, app_fmt_time(x->a, e->e.created_at), 0};
	row[7] = (table_cell_t){TABLE_TEXT, e->e.note, 0};
}

int
page_enrolments_xlsx(http_req_t *req)
{
	int32_t i;
	store_activity_t a;
	if (app_activity_of_unit_or_reply(req, &i, &a) < 0)
		return 0;
	enrol_ctx_t cx = ctx_of(req);
	enrol_list_t l;
	if (enrol_list(&cx, a.id, &l) < 0)
		return 500;
	static const char *const head[] = {
	        "STT",        "Họ và tên", "Số điện thoại",     "Năm sinh",
	        "Trạng thái", "Có mặt",    "Thời gian đăng ký", "Ghi chú"};
	table_t t = {.title = arena_printf(cx.arena, "Danh sách đăng ký: %s", a.title),
	             .header = head,
	             .ncols = 8,
	             .nrows = l.n};
	xlsx_rows_t x = {cx.arena, &l};
	buf_t out = BUF_INIT;
	char err[256];
	if (table_write_xlsx_rows(&t, xlsx_row, &x, &out, err, sizeof err) < 0) {
		buf_free(&out);
		app_error_page(req, 500, err);
		return 0;
	}
	http_resp_header(req, "Content-Disposition",
	                 arena_printf(cx.arena, "attachment; filename=\"dang-ky-hoc-%lld.xlsx\"",
	                              (long long)a.id));
	http_resp_header(req, "Cache-Control", "no-store");
	return http_reply_buf(req, 200,
	                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	                      &out);
}

int
page_enrol_settings(http_req_t *req)
{
	int32_t i;
	store_activity_t a;
	if (app_activity_of_unit_or_reply(req, &i, &a) < 0)
		return 0;
	const char *v[NSETTINGS];
	if (app_read_fields(req, settings_fields, NSETTINGS, v, "enrol_open",
	                    "enrol_fee enrol_capacity") < 0)
		return 0;
	enrol_settings_input_t in = {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]};
	enrol_ctx_t cx = ctx_of(req);
	enrol_outcome_t o;
	const unit_tree_t *t = app_req_tree(req);
	/* the settings and their audit entry: one transaction (the service's own is a
	 * savepoint inside it) */
	if (store_tx_begin(cx.store) < 0)
		return 500;
	enrol_rc_t rc = enrol_settings_save(&cx, &a, &in, &o);
	if (rc == ENROL_OK && app_audit(req, t, i, "activity.enrol_settings",
	                                arena_printf(cx.arena, "activity:%lld", (long long)a.id),
	                                NULL, in.open && *in.open ? "open" : "closed") < 0) {
		store_tx_rollback(cx.store);
		return 500;
	}
	if (rc != ENROL_OK)
		store_tx_rollback(cx.store);
	else if (store_tx_commit(cx.store) < 0)
		return 500;
	if (rc == ENROL_OK) {
		if (app_is_api(req))
			return api_enrolments(req);
		return http_redirect(
		        req, 303,
		        arena_printf(cx.arena, "/units/%s/activities/%lld/enrolments?done=settings",
		                     t->units[i].code, (long long)a.id));
	}
	if (!app_is_api(req) && rc == ENROL_ERR_INVALID)
		return render_list(req, i, &a, 422, &o, NULL);
	return reply_error(req, status_of(rc), &o);
}

int
page_enrol_attendance(http_req_t *req)
{
	int32_t i;
	store_activity_t a;
	if (app_activity_of_unit_or_reply(req, &i, &a) < 0)
		return 0;
	enrol_ctx_t cx = ctx_of(req);
	/* one "attended" per ticked box: the router keeps the first of a repeated name, so
	 * the body is read here (the route declares the name) */
	size_t blen, n = 0;
	const char *body = http_req_body(req, &blen);
	http_kv_t *kv = NULL;
	size_t nkv = 0;
	const char *why;
	if (body && http_form_parse(body, blen, cx.arena, &kv, &nkv, &why) < 0) {
		app_error_page(req, 400, why);
		return 0;
	}
	int64_t *ids = arena_alloc(cx.arena, (nkv + 1) * sizeof *ids);
	for (size_t k = 0; k < nkv; k++) {
		if (strcmp(kv[k].name, "attended"))
			continue;
		int64_t id;
		if (text_parse_int(kv[k].value, strlen(kv[k].value), &id) < 0 || id <= 0) {
			app_error_page(
			        req, 400,
			        "Có mặt: giá trị không hợp lệ; hãy tải lại trang rồi điểm danh "
			        "lại.");
			return 0;
		}
		ids[n++] = id;
	}
	enrol_outcome_t o;
	const unit_tree_t *t = app_req_tree(req);
	/* the attendance and its audit entry: one transaction (the service's is a savepoint) */
	if (store_tx_begin(cx.store) < 0)
		return 500;
	enrol_rc_t rc = enrol_attendance(&cx, &a, ids, n, &o);
	if (rc != ENROL_OK) {
		store_tx_rollback(cx.store);
		return reply_error(req, status_of(rc), &o);
	}
	if (app_audit(req, t, i, "activity.attendance",
	              arena_printf(cx.arena, "activity:%lld", (long long)a.id), NULL,
	              arena_printf(cx.arena, "%lld", (long long)o.attended)) < 0) {
		store_tx_rollback(cx.store);
		return 500;
	}
	if (store_tx_commit(cx.store) < 0)
		return 500;
	return http_redirect(req, 303,
	                     arena_printf(cx.arena,
	                                  "/units/%s/activities/%lld/enrolments?done=attendance",
	                                  t->units[i].code, (long long)a.id));
}

/* ---------- retention ---------- */

int
app_enrol_purge_tick(app_t *app, int64_t now, int64_t *purged)
{
	arena_t a = ARENA_INIT;
	enrol_ctx_t cx = {.store = app->store, .arena = &a, .now = now};
	int64_t n = 0;
	int rc = enrol_purge(&cx,
	                     app->enrol_retention_days > 0 ? app->enrol_retention_days
	                                                   : ENROL_RETENTION_DAYS,
	                     &n);
	arena_free(&a);
	if (n)
		log_info("enrol: personal data of %lld enrolments removed", (long long)n);
	if (purged)
		*purged = n;
	return rc;
}

int
app_enrol_retention(http_req_t *req)
{
	app_t *app = http_req_app(req);
	return app->enrol_retention_days > 0 ? app->enrol_retention_days : ENROL_RETENTION_DAYS;
}
