/* Notices in the app: the bell's unread count on every page, the list, opening one (marks
 * it read and goes to what it is about), marking all read. A user sees the notices
 * addressed to them and to every unit where they hold a role (service/notify.h). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/log.h"
#include "core/mem.h"
#include "db/writer.h"

#define PAGE 30

/* The unit ids of the user's roles, distinct, in the request arena. */
static size_t
role_units(http_req_t *req, const app_user_t *u, int64_t **out)
{
	int64_t *ids = arena_alloc(http_req_arena(req), (u->nroles + 1) * sizeof *ids);
	size_t n = 0;
	for (size_t k = 0; k < u->nroles; k++) {
		int dup = 0;
		for (size_t j = 0; j < n; j++)
			dup |= ids[j] == u->roles[k].unit_id;
		if (!dup)
			ids[n++] = u->roles[k].unit_id;
	}
	*out = ids;
	return n;
}

/* The bell's count on every page, kept per user while nothing that counts changed through
 * this store (store_notices_version: notices and read marks; store_identity_version: the
 * user's roles) and for at most UNREAD_SECONDS (another process's writes): one query per
 * page was a sixth of a cached dashboard's time. */
#define UNREAD_SECONDS 10
#define UNREAD_USERS 256
struct unread_cache {
	pthread_mutex_t mu;
	struct unread_slot {
		int64_t user_id, at, count;
		uint64_t notices, identity;
	} slots[UNREAD_USERS];
};

struct unread_cache *
unread_cache_new(void)
{
	struct unread_cache *c = xcalloc(1, sizeof *c);
	pthread_mutex_init(&c->mu, NULL);
	return c;
}

void
unread_cache_free(struct unread_cache *c)
{
	if (c == NULL)
		return;
	pthread_mutex_destroy(&c->mu);
	free(c);
}

int64_t
app_notices_unread(http_req_t *req)
{
	app_user_t *u = app_req_user(req);
	if (!u)
		return 0;
	app_t *app = http_req_app(req);
	store_t *st = app->store;
	/* both read before the count: a change after them moves them again */
	uint64_t notices = store_notices_version(st), identity = store_identity_version(st);
	int64_t now = app_now();
	struct unread_cache *uc = app->unread_cache;
	struct unread_slot *c = uc ? &uc->slots[(uint64_t)u->id % UNREAD_USERS] : NULL;
	if (c) {
		pthread_mutex_lock(&uc->mu);
		int hit = c->user_id == u->id && c->at > 0 && c->notices == notices &&
		          c->identity == identity && now >= c->at && now - c->at < UNREAD_SECONDS;
		int64_t count = c->count;
		pthread_mutex_unlock(&uc->mu);
		if (hit)
			return count;
	}
	int64_t *ids, count = 0;
	size_t n = role_units(req, u, &ids);
	if (store_notices_unread(st, u->id, ids, n, &count) < 0)
		return 0;
	if (c) {
		pthread_mutex_lock(&uc->mu);
		*c = (struct unread_slot){u->id, now, count, notices, identity};
		pthread_mutex_unlock(&uc->mu);
	}
	return count;
}

static const char *
kind_name(const char *kind)
{
	static const struct {
		const char *k, *name;
	} names[] = {
	        {"remind", "Nhắc nhở"},           {"due", "Sắp đến hạn"},   {"overdue", "Quá hạn"},
	        {"escalate", "Báo cáo cấp trên"}, {"return", "Bị trả lại"}, {"approve", "Đã duyệt"},
	        {"reopen", "Mở lại để sửa"},      {"doc", "Văn bản mới"},   {"task", "Nhiệm vụ"},
	        {"award", "Khen thưởng"},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(kind, names[i].k))
			return names[i].name;
	return "Thông báo";
}

typedef struct list_ctx {
	http_req_t *req;
	json_t *rows;
	int64_t last;
} list_ctx_t;

static int
notice_row(const store_notice_t *n, void *p)
{
	list_ctx_t *l = p;
	arena_t *a = http_req_arena(l->req);
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:b}", "id", (json_int_t)n->id, "kind",
	                      n->kind, "kind_name", kind_name(n->kind), "title", n->title, "body",
	                      n->body, "link", n->link, "read", n->read);
	json_object_set_new(o, "at", json_string(app_fmt_time(a, n->at)));
	json_object_set_new(o, "at_unix", json_integer(n->at));
	if (n->campaign_id)
		json_object_set_new(o, "campaign_id", json_integer(n->campaign_id));
	const unit_tree_t *t = app_req_tree(l->req);
	int32_t i = unit_tree_find_id(t, n->unit_id);
	if (i >= 0)
		json_object_set_new(
		        o, "unit",
		        json_pack("{s:s,s:s}", "code", t->units[i].code, "name", t->units[i].name));
	int32_t ab = n->about_unit_id ? unit_tree_find_id(t, n->about_unit_id) : -1;
	if (ab >= 0)
		json_object_set_new(o, "about",
		                    json_pack("{s:s,s:s}", "code", t->units[ab].code, "name",
		                              t->units[ab].name));
	json_array_append_new(l->rows, o);
	l->last = n->id;
	return 0;
}

/* The user's notices, newest first, PAGE at a time (truoc: before that id); unread=1 for
 * the unread only. */
json_t *
app_notices_json(http_req_t *req, int64_t before, int limit, int unread_only)
{
	app_user_t *u = app_req_user(req);
	int64_t *ids;
	size_t n = role_units(req, u, &ids);
	list_ctx_t l = {req, json_array(), 0};
	if (store_notices_for(((app_t *)http_req_app(req))->store, u->id, ids, n, before, limit,
	                      unread_only, notice_row, &l) < 0) {
		json_decref(l.rows);
		return NULL;
	}
	return l.rows;
}

int
page_notices(http_req_t *req)
{
	const char *b = http_req_param(req, "truoc");
	if (!b)
		b = http_req_param(req, "before");
	int64_t before = b ? strtoll(b, NULL, 10) : 0;
	if (before < 0)
		before = 0;
	const char *un = http_req_param(req, "unread");
	int unread_only = un && !strcmp(un, "1");
	json_t *rows = app_notices_json(req, before, PAGE + 1, unread_only);
	if (!rows)
		return 500;
	json_t *o = json_object();
	if (json_array_size(rows) > PAGE) {
		json_array_remove(rows, PAGE);
		json_t *last = json_array_get(rows, PAGE - 1);
		json_object_set_new(o, "next_before",
		                    json_integer(json_integer_value(json_object_get(last, "id"))));
	}
	json_object_set_new(o, "notices", rows);
	json_object_set_new(o, "unread", json_integer(app_notices_unread(req)));
	if (!strncmp(http_req_path(req), "/api/", 5))
		return app_reply_json(req, 200, o);
	const char *done = http_req_param(req, "done");
	if (done && !strcmp(done, "read"))
		json_object_set_new(o, "ok", json_string("Đã đánh dấu tất cả là đã đọc."));
	return app_render_page(req, 200, "notices", "Thông báo", o);
}

typedef struct seen_ctx {
	int64_t id;
	char link[512];
	int64_t user_id, unit_id;
} seen_ctx_t;

static int
copy_notice(const store_notice_t *n, void *p)
{
	seen_ctx_t *s = p;
	s->id = n->id;
	s->user_id = n->user_id;
	s->unit_id = n->unit_id;
	snprintf(s->link, sizeof s->link, "%s", n->link);
	return 0;
}

/* 1 when notice s is the user's to see. */
static int
is_mine(http_req_t *req, const seen_ctx_t *s)
{
	app_user_t *u = app_req_user(req);
	if (s->user_id)
		return s->user_id == u->id;
	for (size_t k = 0; k < u->nroles; k++)
		if (u->roles[k].unit_id == s->unit_id)
			return 1;
	return 0;
}

static int
mark_read(void *arg)
{
	void **a = arg;
	http_req_t *req = a[0];
	int64_t id = *(int64_t *)a[1];
	app_user_t *u = app_req_user(req);
	int64_t *ids;
	size_t n = role_units(req, u, &ids);
	return store_notice_mark_read(((app_t *)http_req_app(req))->store, u->id, ids, n, id,
	                              app_now());
}

/* GET /notices/:id: marks it read and goes to what it is about. */
int
page_notice_open(http_req_t *req)
{
	app_t *app = http_req_app(req);
	const char *p = http_req_param(req, "id");
	char *end;
	int64_t id = p ? strtoll(p, &end, 10) : 0;
	seen_ctx_t s = {0};
	if (id <= 0 || *end || store_notice_get(app->store, id, copy_notice, &s) < 0 || !s.id ||
	    !is_mine(req, &s))
		return 404;
	void *arg[2] = {req, &id};
	if (writer_run(app->writer, mark_read, arg) != 0)
		return 500;
	/* only a path on this site: never an open redirect ("//host" and "/\host" are
	 * another site to a browser) */
	const char *to =
	        s.link[0] == '/' && s.link[1] != '/' && s.link[1] != '\\' ? s.link : "/notices";
	return http_redirect(req, 303, arena_strdup(http_req_arena(req), to));
}

/* POST /notices/read: every notice the user sees, read. */
int
page_notices_read(http_req_t *req)
{
	app_t *app = http_req_app(req);
	int64_t zero = 0;
	void *arg[2] = {req, &zero};
	if (writer_run(app->writer, mark_read, arg) != 0)
		return 500;
	if (!strncmp(http_req_path(req), "/api/", 5))
		return app_reply_json(req, 200, json_pack("{s:I}", "unread", (json_int_t)0));
	return http_redirect(req, 303, "/notices?done=read");
}
