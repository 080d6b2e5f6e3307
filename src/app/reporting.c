/* Campaign cache, report reads and writes (see reporting.h). */
#include "app/reporting.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/pagecache.h"
#include "core/log.h"
#include "core/mem.h"
#include "text/text.h"

static pthread_mutex_t live_mu = PTHREAD_MUTEX_INITIALIZER;

/* Rendered dashboards kept per live campaign: a district's page is ~10 KB of HTML and its
 * JSON ~15 KB, so 4 MB holds a few hundred of the most recently viewed. */
#define PAGECACHE_BYTES (4u << 20)

int
rep_counted(const char *status)
{
	return status && (!strcmp(status, "submitted") || !strcmp(status, "approved"));
}

const char *
rep_status_name(const char *status)
{
	if (status == NULL || *status == '\0')
		return "Chưa nộp";
	if (!strcmp(status, "draft"))
		return "Đang nhập (bản nháp)";
	if (!strcmp(status, "submitted"))
		return "Đã nộp";
	if (!strcmp(status, "returned"))
		return "Bị trả lại";
	if (!strcmp(status, "approved"))
		return "Đã duyệt";
	return status;
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
		b->counted = rep_counted(status);
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
		rollup_load(b->ru, i, b->num, b->has, rep_counted(r->status));
	return 0;
}

static rollup_t *
build_rollup(store_t *st, const campaign_t *c, const unit_tree_t *t)
{
	size_t nc = c->tpl->ncols;
	build_t b = {c,
	             t,
	             rollup_new(t->n, nc ? nc : 1),
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
	for (size_t k = 0; k <= n; k++) {
		int64_t id = k == 0 ? c->id : ids[k - 1];
		store_reports_of_campaign(st, id, add_report, &b);
		store_values_of_campaign(st, id, add_value, &b);
		flush(&b);
		b.cur_unit = 0;
	}
	rollup_rebuild(b.ru);
	free(ids);
	free(issuers);
	free(b.num);
	free(b.has);
	return b.ru;
}

live_campaign_t *
rep_campaign(http_req_t *req)
{
	const char *idp = http_req_param(req, "id");
	int64_t id;
	int status;
	if (idp == NULL || text_parse_int(idp, strlen(idp), &id) < 0 || id <= 0) {
		app_error_page(req, 404, "Không tìm thấy đợt báo cáo này.");
		return NULL;
	}
	live_campaign_t *lc = rep_campaign_by_id(req, id, &status);
	if (lc == NULL)
		app_error_page(req, status,
		               status == 404 ? "Không tìm thấy đợt báo cáo này." : NULL);
	return lc;
}

live_campaign_t *
rep_campaign_by_id(http_req_t *req, int64_t id, int *status)
{
	app_t *app = http_req_app(req);
	const unit_tree_t *t = app_req_tree(req);
	pthread_mutex_lock(&live_mu);
	live_campaign_t *lc;
	for (lc = app->live; lc; lc = lc->next)
		if (lc->c->id == id && lc->tree_generation == t->generation && lc->ru &&
		    rollup_units(lc->ru) == t->n)
			break;
	if (lc == NULL) {
		campaign_t *c;
		char err[600];
		int rc = campaign_load(app->store, id, &c, err, sizeof err);
		if (rc <= 0) {
			pthread_mutex_unlock(&live_mu);
			if (rc < 0)
				log_error("%s", err);
			if (status)
				*status = rc == 0 ? 404 : 500;
			return NULL;
		}
		lc = xcalloc(1, sizeof *lc);
		lc->c = c;
		lc->tree_generation = t->generation;
		lc->ru = build_rollup(app->store, c, t);
		lc->pages = pagecache_new(PAGECACHE_BYTES);
		/* older entries stay on the list (requests may hold them) until the app closes */
		lc->next = app->live;
		app->live = lc;
	}
	pthread_mutex_unlock(&live_mu);
	return lc;
}

live_campaign_t *
rep_report_campaign(http_req_t *req)
{
	live_campaign_t *lc = rep_campaign(req);
	if (!lc)
		return NULL;
	app_t *app = http_req_app(req);
	const unit_tree_t *t = app_req_tree(req);
	const char *code = http_req_param(req, "code");
	int32_t i = unit_tree_find_code(t, code);
	int64_t eff = campaign_effective(app->store, t, lc->c->id, i);
	if (eff == lc->c->id)
		return lc;
	/* the unit reports in the adoption of its level: send it there */
	const char *path = http_req_path(req);
	const char *tail = strstr(path, "/units/");
	tail = tail ? tail + strlen("/units/") + strlen(code) : "";
	if (http_req_method(req) == HTTP_GET && strncmp(path, "/api/", 5) != 0) {
		http_redirect(req, 303,
		              arena_printf(http_req_arena(req), "/campaigns/%lld/units/%s%s",
		                           (long long)eff, code, tail));
		return NULL;
	}
	app_error_page(req, 409,
	               arena_printf(http_req_arena(req),
	                            "Đơn vị này báo cáo trong đợt %lld do cấp của mình triển khai; "
	                            "hãy gửi đến /campaigns/%lld/units/%s%s.",
	                            (long long)eff, (long long)eff, code, tail));
	return NULL;
}

void
rep_forget_campaign(app_t *app, int64_t id)
{
	/* entries stay allocated (a request may be using one) but are no longer found: they
	 * are marked stale and freed with the others at close */
	pthread_mutex_lock(&live_mu);
	for (live_campaign_t *lc = app->live; lc; lc = lc->next)
		if (lc->c->id == id)
			lc->tree_generation = -1;
	pthread_mutex_unlock(&live_mu);
}

void
rep_free_all(app_t *app)
{
	live_campaign_t *lc = app->live;
	while (lc) {
		live_campaign_t *n = lc->next;
		campaign_free(lc->c);
		rollup_free(lc->ru);
		pagecache_free(lc->pages);
		free(lc);
		lc = n;
	}
	app->live = NULL;
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
	snprintf(r->status, sizeof r->status, "%s", s->status);
	r->on_behalf = s->on_behalf;
	r->updated_at = s->updated_at;
	r->submitted_at = s->submitted_at;
	r->reviewed_at = s->reviewed_at;
	snprintf(r->comment, sizeof r->comment, "%s", s->comment);
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
		c->r->num[it->col] = v->num;
		c->r->has[it->col] = 1;
	}
	if (it->tcol >= 0 && *v->text)
		c->r->text[it->tcol] = arena_strdup(c->a, v->text);
	return 0;
}

int
rep_read(http_req_t *req, live_campaign_t *lc, int32_t unit, rep_report_t *out)
{
	app_t *app = http_req_app(req);
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	const template_t *tpl = lc->c->tpl;
	memset(out, 0, sizeof *out);
	out->num = arena_alloc(a, (tpl->ncols + 1) * sizeof *out->num);
	out->has = arena_alloc(a, tpl->ncols + 1);
	out->text = arena_alloc(a, (tpl->ntexts + 1) * sizeof *out->text);
	memset(out->num, 0, (tpl->ncols + 1) * sizeof *out->num);
	memset(out->has, 0, tpl->ncols + 1);
	memset(out->text, 0, (tpl->ntexts + 1) * sizeof *out->text);
	read_ctx_t c = {out, tpl, a};
	int rc = store_report_get(app->store, lc->c->id, t->units[unit].id, read_row, &c);
	if (rc < 0)
		return -1;
	if (rc == 1 && store_report_values(app->store, out->id, read_value, &c) < 0)
		return -1;
	return 0;
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
	if (!text)
		return "";
	size_t n = strlen(text);
	if (n <= 200)
		return text;
	while (n > 200 && ((unsigned char)text[200] & 0xC0) == 0x80)
		n--;
	return arena_printf(a, "%.200s…", text);
}

static int64_t
actor_id(http_req_t *req)
{
	app_user_t *u = app_req_user(req);
	return u ? u->id : 0;
}

/* Written for the unit by someone without a role on the unit itself: an upper level. */
static int
on_behalf(http_req_t *req, const unit_tree_t *t, int32_t unit)
{
	app_user_t *u = app_req_user(req);
	if (u == NULL)
		return 0;
	for (size_t i = 0; i < u->nroles; i++)
		if (u->roles[i].unit_id == t->units[unit].id)
			return 0;
	return 1;
}

/* A report written in campaign lc also counts in every campaign lc adopts (up the chain):
 * update those roll-ups that are loaded, mapping values by item code. */
static void
propagate(http_req_t *req, live_campaign_t *lc, int32_t unit, const int64_t *num,
          const unsigned char *has, int counted)
{
	app_t *app = http_req_app(req);
	const unit_tree_t *t = app_req_tree(req);
	if (lc->c->parent_id == 0 || t->units[unit].is_locality)
		return;
	int64_t *chain;
	size_t n;
	if (campaign_ancestry(app->store, lc->c->parent_id, &chain, &n) < 0)
		return;
	pthread_mutex_lock(&live_mu);
	for (live_campaign_t *up = app->live; up; up = up->next) {
		int in_chain = 0;
		for (size_t k = 0; k < n; k++)
			in_chain |= up->c->id == chain[k];
		if (!in_chain || up->tree_generation != t->generation || !up->ru)
			continue;
		const template_t *pt = up->c->tpl;
		size_t nc = pt->ncols ? pt->ncols : 1;
		int64_t *v = xcalloc(nc, sizeof *v);
		unsigned char *h = xcalloc(nc, 1);
		for (size_t col = 0; col < pt->ncols; col++) {
			const tpl_item_t *mine =
			        template_item(lc->c->tpl, template_item_col(pt, (int)col)->code);
			if (mine && mine->col >= 0) {
				v[col] = num[mine->col];
				h[col] = has[mine->col];
			}
		}
		rollup_set(up->ru, unit, v, h, counted);
		free(v);
		free(h);
	}
	pthread_mutex_unlock(&live_mu);
	free(chain);
}

int
rep_write(http_req_t *req, live_campaign_t *lc, int32_t unit, const rep_report_t *old,
          const int64_t *num, const unsigned char *has, const char *const *text, const char *status,
          const char *event, int64_t expected_version, const char **msg)
{
	app_t *app = http_req_app(req);
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	const template_t *tpl = lc->c->tpl;
	int64_t now = app_now();
	store_value_t *vals = arena_alloc(a, (tpl->ncols + tpl->ntexts + 1) * sizeof *vals);
	size_t nv = 0;
	for (size_t s = 0; s < tpl->nsections; s++)
		for (size_t k = 0; k < tpl->sections[s].nitems; k++) {
			const tpl_item_t *it = &tpl->sections[s].items[k];
			if (it->col >= 0 && has[it->col])
				vals[nv++] = (store_value_t){it->code, 1, num[it->col], ""};
			else if (it->tcol >= 0 && text[it->tcol] && *text[it->tcol])
				vals[nv++] = (store_value_t){it->code, 0, 0, text[it->tcol]};
		}
	int behalf = on_behalf(req, t, unit);
	store_report_t r = {
	        .campaign_id = lc->c->id,
	        .unit_id = t->units[unit].id,
	        .status = status,
	        .updated_at = now,
	        .updated_by = actor_id(req),
	        .on_behalf = behalf,
	        .submitted_at = !strcmp(status, "submitted") ? now : old->submitted_at,
	        .submitted_by = !strcmp(status, "submitted") ? actor_id(req) : 0,
	        .reviewed_at = old->reviewed_at,
	        .comment = old->comment,
	};
	if (store_tx_begin(app->store) < 0) {
		*msg = NULL;
		return 500;
	}
	int64_t id, version;
	int rc = store_report_save(app->store, &r, vals, nv, expected_version, &id, &version);
	if (rc == -2) {
		store_tx_rollback(app->store);
		*msg = "Báo cáo vừa được người khác sửa hoặc nộp. Hãy tải lại trang để xem bản mới "
		       "nhất rồi nhập lại.";
		return 409;
	}
	if (rc < 0) {
		store_tx_rollback(app->store);
		*msg = NULL;
		return 500;
	}
	/* every changed value, old -> new, under the unit in the audit log */
	char *target_prefix = arena_printf(a, "%lld:", (long long)lc->c->id);
	for (size_t s = 0; s < tpl->nsections; s++)
		for (size_t k = 0; k < tpl->sections[s].nitems; k++) {
			const tpl_item_t *it = &tpl->sections[s].items[k];
			const char *o, *n;
			if (it->col >= 0) {
				o = shown(a, it, old->has[it->col], old->num[it->col], NULL);
				n = shown(a, it, has[it->col], num[it->col], NULL);
			} else if (it->tcol >= 0) {
				o = shown(a, it, 0, 0, old->text[it->tcol]);
				n = shown(a, it, 0, 0, text[it->tcol]);
			} else
				continue;
			if (strcmp(o, n) != 0)
				app_audit(req, t, unit,
				          behalf ? "report.value.behalf" : "report.value",
				          arena_printf(a, "%s%s", target_prefix, it->code), o, n);
		}
	store_report_event_t ev = {0, id, now, actor_id(req), event, ""};
	if (store_report_event_add(app->store, &ev) < 0) {
		store_tx_rollback(app->store);
		*msg = NULL;
		return 500;
	}
	/* the status change goes in the same transaction: one commit, one fsync, and the
	 * audit log never lacks it when the report has it */
	if (strcmp(old->status, status) != 0)
		app_audit(req, t, unit, "report.status", target_prefix, old->status, status);
	if (store_tx_commit(app->store) < 0) {
		store_tx_rollback(app->store);
		*msg = NULL;
		return 500;
	}
	/* a level's compiled report forwards its subtree's totals, it adds none of its own */
	if (!t->units[unit].is_locality)
		rollup_set(lc->ru, unit, num, has, rep_counted(status));
	propagate(req, lc, unit, num, has, rep_counted(status));
	return 0;
}

int
rep_set_status(http_req_t *req, live_campaign_t *lc, int32_t unit, const rep_report_t *old,
               const char *status, const char *event, const char *comment, int64_t expected_version,
               const char **msg)
{
	app_t *app = http_req_app(req);
	const unit_tree_t *t = app_req_tree(req);
	int64_t now = app_now();
	int review =
	        !strcmp(event, "return") || !strcmp(event, "approve") || !strcmp(event, "reopen");
	store_report_t r = {
	        .id = old->id,
	        .campaign_id = lc->c->id,
	        .unit_id = t->units[unit].id,
	        .status = status,
	        .updated_at = now,
	        .updated_by = actor_id(req),
	        .on_behalf = old->on_behalf,
	        .submitted_at = old->submitted_at,
	        .reviewed_at = review ? now : old->reviewed_at,
	        .reviewed_by = review ? actor_id(req) : 0,
	        .comment = comment ? comment : "",
	};
	int64_t version;
	if (store_tx_begin(app->store) < 0) {
		*msg = NULL;
		return 500;
	}
	int rc = store_report_set_status(app->store, &r, expected_version, &version);
	if (rc == -2) {
		store_tx_rollback(app->store);
		*msg = "Báo cáo vừa thay đổi. Hãy tải lại trang rồi thực hiện lại.";
		return 409;
	}
	store_report_event_t ev = {0, old->id, now, actor_id(req), event, comment ? comment : ""};
	if (rc < 0 || store_report_event_add(app->store, &ev) < 0) {
		store_tx_rollback(app->store);
		*msg = NULL;
		return 500;
	}
	/* in the same transaction as the change it records (one commit, one fsync) */
	app_audit(req, t, unit, "report.status",
	          arena_printf(http_req_arena(req), "%lld:", (long long)lc->c->id), old->status,
	          status);
	if (store_tx_commit(app->store) < 0) {
		store_tx_rollback(app->store);
		*msg = NULL;
		return 500;
	}
	if (!t->units[unit].is_locality)
		rollup_set(lc->ru, unit, old->num, old->has, rep_counted(status));
	propagate(req, lc, unit, old->num, old->has, rep_counted(status));
	return 0;
}
