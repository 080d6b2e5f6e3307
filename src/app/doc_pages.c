/* Official documents and their duties on the web: a unit's issued and received documents,
 * the document form (a new draft, a draft edited, a lower level's plan made from an upper
 * level's document), publication, the web rendering of the Decree-30 layout with its PDF
 * and DOCX, read receipts, the board of duties and each unit's tasks; the public
 * documents at /van-ban/:did. The guard decides access on the :code unit; these handlers
 * bind each document to that unit (its issuer, or an addressee of a published one) and
 * answer 404 otherwise, so a document is never shown through a unit it has nothing to do
 * with. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/reporting.h"
#include "core/log.h"
#include "core/mem.h"
#include "docs/doc.h"
#include "docs/issue.h"
#include "docs/render.h"
#include "domain/jsonin.h"
#include "service/awards.h"
#include "text/text.h"
#include "text/when.h"

#define NOTE_MAX 2000     /* a unit's note when it marks a task done */
#define TARGET_MAX 500    /* units and kinds chosen on one row */
#define HOME_TASKS 20     /* open tasks listed on the home page */
#define MAX_CHILDREN 5000 /* units offered as addressees */

/* ---------- small helpers ---------- */

static int32_t
req_unit(http_req_t *req)
{
	return unit_tree_find_code(app_req_tree(req), http_req_param(req, "code"));
}

static int
year_of(int32_t days)
{
	int y, m, d;
	text_civil_from_days(days, &y, &m, &d);
	return y;
}

/* Grow an arena array of n elements of size bytes to hold one more. */
static void *
grow(arena_t *a, void *v, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return v;
	size_t nc = *cap ? size_mul(*cap, 2) : 16;
	void *nv = arena_alloc(a, size_mul(nc, size));
	if (n)
		memcpy(nv, v, n * size);
	*cap = nc;
	return nv;
}

/* A textarea's text with CRLF as LF and trailing blank lines dropped, in a. */
static const char *
multiline(arena_t *a, const char *s)
{
	buf_t b = BUF_INIT;
	for (; *s; s++)
		if (*s != '\r')
			buf_putc(&b, *s);
	while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == ' '))
		b.len--;
	char *r = arena_strndup(a, b.data ? b.data : "", b.len);
	buf_free(&b);
	return r;
}

static const char *
kind_name_of(const char *code)
{
	doc_kind_t k;
	return doc_kind_parse(code, &k) == 0 ? doc_kind_name(k) : code;
}

/* ---------- documents from the store ---------- */

static store_doc_t
dup_doc(arena_t *a, const store_doc_t *s)
{
	store_doc_t d = *s;
	d.kind = arena_strdup(a, s->kind);
	d.status = arena_strdup(a, s->status);
	d.subject = arena_strdup(a, s->subject);
	d.json = arena_strdup(a, s->json);
	return d;
}

typedef struct doc_copy {
	arena_t *a;
	store_doc_t d;
} doc_copy_t;

static int
copy_doc(const store_doc_t *s, void *p)
{
	doc_copy_t *c = p;
	c->d = dup_doc(c->a, s);
	return 0;
}

/* Document id into out (strings in the request arena): 1 found, 0 not, -1 error. */
static int
load_doc(http_req_t *req, int64_t id, store_doc_t *out)
{
	doc_copy_t c = {http_req_arena(req), {0}};
	int rc = store_doc_get(((app_t *)http_req_app(req))->store, id, copy_doc, &c);
	if (rc == 1)
		*out = c.d;
	return rc;
}

/* Documents of a listing, with the unit's receipt for received ones. */
typedef struct doc_list {
	arena_t *a;
	store_doc_t *v;
	int64_t *read_at;
	size_t n, cap;
} doc_list_t;

static int
list_doc(const store_doc_t *s, void *p)
{
	doc_list_t *l = p;
	size_t cap = l->cap;
	l->v = grow(l->a, l->v, l->n, &l->cap, sizeof *l->v);
	l->read_at = grow(l->a, l->read_at, l->n, &cap, sizeof *l->read_at);
	l->v[l->n] = dup_doc(l->a, s);
	l->read_at[l->n] = 0;
	l->n++;
	return 0;
}

static int
list_received(const store_doc_t *s, const store_doc_recipient_t *r, void *p)
{
	doc_list_t *l = p;
	list_doc(s, p);
	l->read_at[l->n - 1] = r->read_at;
	return 0;
}

/* The document of a stored row, its number the row's (the stored JSON keeps 0). NULL when
 * the JSON does not parse (logged). */
static doc_t *
doc_of(http_req_t *req, const store_doc_t *s)
{
	doc_error_t errs[DOC_MAX_ERRORS];
	size_t nerr = 0;
	doc_t *d;
	if (doc_parse(s->json, strlen(s->json), http_req_arena(req), &d, errs, &nerr) < 0) {
		log_error("document %lld does not parse: %s: %s", (long long)s->id,
		          nerr ? errs[0].field : "?", nerr ? errs[0].msg : "?");
		return NULL;
	}
	d->number = s->number;
	if (d->year == 0)
		d->year = s->year;
	return d;
}

/* "2945/UBND-GDĐT", "01/KH-UBND" (doc_number_symbol), or "Dự thảo" for a draft. */
static const char *
number_text(arena_t *a, const store_doc_t *s, const doc_t *d)
{
	if (s->number <= 0 || d == NULL)
		return "Dự thảo";
	buf_t b = BUF_INIT, sym = BUF_INIT;
	doc_symbol(d, &sym);
	doc_number_symbol(s->number, buf_cstr(&sym), &b);
	buf_free(&sym);
	char *r = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return r;
}

static int
published(const store_doc_t *s)
{
	return strcmp(s->status, "published") == 0;
}

/* Recipients of a document (in the arena). */
typedef struct rcpt_list {
	arena_t *a;
	store_doc_recipient_t *v;
	size_t n, cap;
} rcpt_list_t;

static int
list_rcpt(const store_doc_recipient_t *r, void *p)
{
	rcpt_list_t *l = p;
	l->v = grow(l->a, l->v, l->n, &l->cap, sizeof *l->v);
	l->v[l->n++] = *r;
	return 0;
}

static rcpt_list_t
recipients_of(http_req_t *req, int64_t doc_id)
{
	rcpt_list_t l = {http_req_arena(req), NULL, 0, 0};
	store_doc_recipients(((app_t *)http_req_app(req))->store, doc_id, list_rcpt, &l);
	return l;
}

/* 1 when unit_id has a receipt row for doc_id (*read_at set), else 0. */
static int
addressed(http_req_t *req, int64_t doc_id, int64_t unit_id, int64_t *read_at)
{
	rcpt_list_t l = recipients_of(req, doc_id);
	for (size_t k = 0; k < l.n; k++)
		if (l.v[k].unit_id == unit_id) {
			if (read_at)
				*read_at = l.v[k].read_at;
			return 1;
		}
	return 0;
}

/* Tasks of a document or a unit (strings in the arena). */
typedef struct task_list {
	arena_t *a;
	store_task_t *v;
	size_t n, cap;
} task_list_t;

static int
list_task(const store_task_t *t, void *p)
{
	task_list_t *l = p;
	l->v = grow(l->a, l->v, l->n, &l->cap, sizeof *l->v);
	store_task_t c = *t;
	c.role = arena_strdup(l->a, t->role);
	c.task = arena_strdup(l->a, t->task);
	c.note = arena_strdup(l->a, t->note ? t->note : "");
	l->v[l->n++] = c;
	return 0;
}

static const char *
task_status(const store_task_t *k, int32_t today, const char **cls)
{
	if (k->done_at > 0) {
		*cls = "done";
		return "Đã xong";
	}
	if (k->due_date > 0 && k->due_date < today) {
		*cls = "late";
		return "Quá hạn";
	}
	*cls = "open";
	return "Chưa xong";
}

static const char *
task_role_name(const char *role)
{
	return !strcmp(role, "chu_tri") ? "Chủ trì" : "Phối hợp";
}

/* ---------- who is who ---------- */

/* The issuing body as written in running text: a locality acts through its people's
 * committee ("Ủy ban nhân dân huyện Tiên Lãng"), a body by its name. */
static const char *
running_name(arena_t *a, const unit_tree_t *t, int32_t i)
{
	const unit_t *u = &t->units[i];
	return doc_running_name(a, u->name, u->is_locality && i != 0);
}

/* A level's own offices: their officers hold their roles on the level (docs/access.md). */
static int
level_office(const char *kind)
{
	return !strncmp(kind, "ubnd_", 5) || !strcmp(kind, "so_gddt") ||
	       !strncmp(kind, "phong_", 6);
}

/* 1 when the signed-in user acts for unit i -- holds a role on it, or on the level holding
 * it when i is one of that level's offices -- so that opening a document there is the
 * unit reading it (not an upper level browsing). */
static int
acts_for(http_req_t *req, const unit_tree_t *t, int32_t i)
{
	app_user_t *u = app_req_user(req);
	if (u == NULL)
		return 0;
	int32_t level =
	        !t->units[i].is_locality && level_office(t->units[i].kind) ? docs_area(t, i) : -1;
	for (size_t k = 0; k < u->nroles; k++) {
		int32_t r = unit_tree_find_id(t, u->roles[k].unit_id);
		if (r >= 0 && (r == i || r == level))
			return 1;
	}
	return 0;
}

static int
allowed(http_req_t *req, action_t act, int32_t i)
{
	const unit_tree_t *t = app_req_tree(req);
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	return access_allowed(t, g, ng, act, i);
}

/* May unit i make its own plan from published document s: it is addressed to i, or i lies
 * inside the area of s's issuer (a lower level). */
static int
may_derive(http_req_t *req, int32_t i, const store_doc_t *s)
{
	const unit_tree_t *t = app_req_tree(req);
	if (!published(s))
		return 0;
	int32_t issuer = unit_tree_find_id(t, s->issuer_unit_id);
	if (issuer < 0 || issuer == i)
		return 0;
	if (unit_tree_contains(t, docs_area(t, issuer), i))
		return 1;
	return addressed(req, s->id, t->units[i].id, NULL);
}

/* ---------- addressees offered by the form ---------- */

typedef struct opt {
	const char *value, *label;
	const char *group; /* a unit's kind name (the form groups check boxes by it) */
	const char *print; /* what a Kính gửi line says for it (the form's script fills it) */
} opt_t;

typedef struct opts {
	opt_t *kinds, *units;
	size_t nkinds, nunits;
} opts_t;

/* What the issuer can address: every kind present in its area ("kind:<code>": all units
 * of that kind there), localities' kinds first; then the area's direct children. */
static opts_t
area_options(http_req_t *req, int32_t issuer)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	opts_t o = {0};
	int32_t area = docs_area(t, issuer);
	enum { MAXK = 64 };
	const char *kc[MAXK], *kn[MAXK];
	int kloc[MAXK], kcount[MAXK], nk = 0;
	for (int32_t k = area + 1; k < t->units[area].end; k++) {
		if (k == issuer)
			continue;
		int f = 0;
		while (f < nk && strcmp(kc[f], t->units[k].kind))
			f++;
		if (f == nk) {
			if (nk == MAXK)
				continue;
			kc[nk] = t->units[k].kind;
			kn[nk] = t->units[k].kind_name;
			kloc[nk] = t->units[k].is_locality;
			kcount[nk] = 0;
			nk++;
		}
		kcount[f]++;
	}
	o.kinds = arena_alloc(a, (size_t)(nk ? nk : 1) * sizeof *o.kinds);
	for (int pass = 1; pass >= 0; pass--)
		for (int f = 0; f < nk; f++)
			if (kloc[f] == pass)
				o.kinds[o.nkinds++] =
				        (opt_t){arena_printf(a, "kind:%s", kc[f]),
				                arena_printf(a, "Tất cả %s trong địa bàn (%d)",
				                             kn[f], kcount[f]),
				                NULL, arena_printf(a, "Các %s", kn[f])};
	int32_t *kids = xmalloc(sizeof *kids * MAX_CHILDREN);
	int32_t n = unit_tree_children(t, area, kids, MAX_CHILDREN);
	if (n > MAX_CHILDREN)
		n = MAX_CHILDREN;
	o.units = arena_alloc(a, (size_t)(n ? n : 1) * sizeof *o.units);
	for (int32_t k = 0; k < n; k++)
		if (kids[k] != issuer)
			o.units[o.nunits++] =
			        (opt_t){t->units[kids[k]].code, t->units[kids[k]].name,
			                t->units[kids[k]].kind_name, t->units[kids[k]].name};
	free(kids);
	return o;
}

static int
has_value(const char **v, size_t n, const char *x)
{
	for (size_t k = 0; k < n; k++)
		if (!strcmp(v[k], x))
			return 1;
	return 0;
}

/* The addressees of one row as check boxes (name: the form field): the offered kinds, then
 * the offered units grouped by their kind, the row's choices checked, and choices outside
 * the offer (a unit elsewhere, kept from an earlier save) added under "Đơn vị khác".
 * "chosen" lists the checked labels for the closed box's summary. */
static json_t *
target_json(http_req_t *req, const opts_t *o, const doc_target_t *who, const char *name)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	json_t *kinds = json_array(), *groups = json_array(), *other = json_array();
	buf_t chosen = BUF_INIT;
	const char **kv = NULL;
	size_t nkv = who ? who->nkinds : 0;
	if (nkv) {
		kv = arena_alloc(a, nkv * sizeof *kv);
		for (size_t k = 0; k < nkv; k++)
			kv[k] = arena_printf(a, "kind:%s", who->kinds[k]);
	}
#define CHOSEN(l) buf_printf(&chosen, "%s%s", chosen.len ? "; " : "", (l))
	for (size_t k = 0; k < o->nkinds; k++) {
		int sel = has_value(kv, nkv, o->kinds[k].value);
		if (sel)
			CHOSEN(o->kinds[k].label);
		json_array_append_new(kinds,
		                      json_pack("{s:s,s:s,s:s,s:b}", "value", o->kinds[k].value,
		                                "label", o->kinds[k].label, "print",
		                                o->kinds[k].print, "selected", sel));
	}
	for (size_t k = 0; k < nkv; k++) {
		int offered = 0;
		for (size_t j = 0; j < o->nkinds && !offered; j++)
			offered = !strcmp(o->kinds[j].value, kv[k]);
		if (!offered) {
			const char *l = arena_printf(a, "Tất cả đơn vị loại %s", who->kinds[k]);
			CHOSEN(l);
			json_array_append_new(kinds,
			                      json_pack("{s:s,s:s,s:s,s:b}", "value", kv[k],
			                                "label", l, "print", l, "selected", 1));
		}
	}
	size_t nu = who ? who->nunits : 0;
	json_t *group = NULL;
	const char *glabel = NULL;
	for (size_t k = 0; k < o->nunits; k++) {
		const char *g = o->units[k].group ? o->units[k].group : "Đơn vị";
		if (!glabel || strcmp(glabel, g)) {
			/* children come in registry order: a kind seen before gets its group back
			 */
			group = NULL;
			size_t gi;
			json_t *gj;
			json_array_foreach(
			        groups, gi,
			        gj) if (!strcmp(json_string_value(json_object_get(gj, "label")), g))
			        group = gj;
			if (!group) {
				group = json_pack("{s:s,s:[]}", "label", g, "units");
				json_array_append_new(groups, group);
			}
			glabel = g;
		}
		int sel = nu && has_value(who->units, nu, o->units[k].value);
		if (sel)
			CHOSEN(o->units[k].label);
		json_array_append_new(json_object_get(group, "units"),
		                      json_pack("{s:s,s:s,s:s,s:b}", "value", o->units[k].value,
		                                "label", o->units[k].label, "print",
		                                o->units[k].print, "selected", sel));
	}
	for (size_t k = 0; k < nu; k++) {
		int offered = 0;
		for (size_t j = 0; j < o->nunits && !offered; j++)
			offered = !strcmp(o->units[j].value, who->units[k]);
		if (offered)
			continue;
		int32_t u = unit_tree_find_code(t, who->units[k]);
		const char *l = u >= 0 ? t->units[u].name : who->units[k];
		CHOSEN(l);
		json_array_append_new(other, json_pack("{s:s,s:s,s:s,s:b}", "value", who->units[k],
		                                       "label", l, "print", l, "selected", 1));
	}
#undef CHOSEN
	if (json_array_size(other))
		json_array_append_new(
		        groups, json_pack("{s:s,s:o}", "label", "Đơn vị khác", "units", other));
	else
		json_decref(other);
	json_t *r = json_pack("{s:s,s:b,s:o,s:o,s:s}", "name", name, "has_kinds",
	                      json_array_size(kinds) > 0, "kinds", kinds, "groups", groups,
	                      "chosen", buf_cstr(&chosen));
	buf_free(&chosen);
	return r;
}

/* ---------- Nơi nhận pre-filled from Kính gửi ---------- */

/* Nơi nhận as the form fills it: each Kính gửi line, ending in ";" (a final "." or ","
 * becomes ";"), then "Lưu: VT.". static/docform.js builds the same lines as one types. */
static const char **
auto_distribution(arena_t *a, const doc_t *d, size_t *n /* OUT */)
{
	const char **l = arena_alloc(a, (d->nrecipients + 1) * sizeof *l);
	*n = 0;
	for (size_t k = 0; k < d->nrecipients; k++) {
		const char *t = d->recipients[k].text;
		size_t len = t ? strlen(t) : 0;
		if (!len)
			continue;
		if (t[len - 1] == ';')
			l[(*n)++] = t;
		else if (t[len - 1] == '.' || t[len - 1] == ',')
			l[(*n)++] = arena_printf(a, "%.*s;", (int)(len - 1), t);
		else
			l[(*n)++] = arena_printf(a, "%s;", t);
	}
	l[(*n)++] = "Lưu: VT.";
	return l;
}

/* The lines of a Nơi nhận box: trimmed, a leading "- " dropped, empty lines skipped. */
static const char **
distribution_lines(arena_t *a, const char *text, size_t *n /* OUT */)
{
	const char *dist = multiline(a, text);
	size_t nd = 0;
	for (const char *p = dist; *p; p++)
		nd += *p == '\n';
	const char **out = arena_alloc(a, (nd + 1) * sizeof *out);
	*n = 0;
	for (const char *line = dist; line && *line;) {
		const char *end = strchr(line, '\n');
		const char *l =
		        text_trim(a, end ? arena_strndup(a, line, (size_t)(end - line)) : line);
		if (l[0] == '-' && (l[1] == ' ' || l[1] == '\0'))
			l = text_trim(a, l + 1);
		if (*l)
			out[(*n)++] = l;
		line = end ? end + 1 : NULL;
	}
	return out;
}

static int
same_lines(const char **x, size_t nx, const char **y, size_t ny)
{
	if (nx != ny)
		return 0;
	for (size_t k = 0; k < nx; k++)
		if (strcmp(x[k], y[k]))
			return 0;
	return 1;
}

static const char *
join_lines(arena_t *a, const char **l, size_t n)
{
	buf_t b = BUF_INIT;
	for (size_t k = 0; k < n; k++)
		buf_printf(&b, "%s%s", k ? "\n" : "", l[k]);
	const char *r = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return r;
}

/* ---------- the form: document -> JSON ---------- */

typedef struct form_view {
	const doc_t *d;
	int64_t campaign_id, derived_from;
	int is_public;
	json_t *errors; /* field name -> message (borrowed; may be NULL) */
	json_t *typed;  /* field name -> text as typed, for fields that did not parse */
} form_view_t;

static void
set_err(json_t *o, const char *key, json_t *errors, const char *field)
{
	json_t *e = errors ? json_object_get(errors, field) : NULL;
	if (e)
		json_object_set(o, key, e);
}

static const char *
typed_or(const form_view_t *fv, const char *field, const char *dflt)
{
	json_t *v = fv->typed ? json_object_get(fv->typed, field) : NULL;
	return v ? json_string_value(v) : dflt;
}

static json_t *
form_json(http_req_t *req, int32_t i, const form_view_t *fv)
{
	arena_t *a = http_req_arena(req);
	const doc_t *d = fv->d;
	json_t *f = json_object();
	char key[64];
	json_t *kinds = json_array();
	for (int k = 0; k < DOC_KIND_COUNT; k++)
		json_array_append_new(kinds, json_pack("{s:s,s:s,s:b}", "code",
		                                       doc_kind_code((doc_kind_t)k), "name",
		                                       doc_kind_name((doc_kind_t)k), "selected",
		                                       (int)d->kind == k));
	json_object_set_new(f, "kinds", kinds);
	json_object_set_new(f, "is_cv", json_boolean(d->kind == DOC_CV));
	json_t *cs = rep_campaigns_covering(req, i), *c;
	size_t k;
	json_array_foreach(cs, k, c) json_object_set_new(
	        c, "selected",
	        json_boolean(json_integer_value(json_object_get(c, "id")) == fv->campaign_id));
	json_object_set_new(f, "has_campaigns", json_boolean(json_array_size(cs) > 0));
	json_object_set_new(f, "campaigns", cs);
	const struct {
		const char *name, *value;
	} plain[] = {
	        {"subject", d->subject},
	        {"place", d->place},
	        {"body_abbr", d->body_abbr},
	        {"drafter_abbr", d->drafter_abbr},
	        {"parent_body", d->parent_body},
	        {"body", d->body},
	        {"text", d->text},
	        {"signer_tm", d->signer.tm},
	        {"signer_head", d->signer.head},
	        {"signer_position", d->signer.position},
	        {"signer_name", d->signer.name},
	};
	for (size_t p = 0; p < sizeof plain / sizeof plain[0]; p++)
		json_object_set_new(f, plain[p].name,
		                    json_string(plain[p].value ? plain[p].value : ""));
	json_object_set_new(f, "date", json_string(typed_or(fv, "date", app_fmt_date(a, d->date))));
	static const char *const auths[] = {"", "KT.", "Q.", "TL.", "TUQ."};
	json_t *au = json_array();
	for (size_t p = 0; p < sizeof auths / sizeof auths[0]; p++)
		json_array_append_new(
		        au, json_pack("{s:s,s:s,s:b}", "value", auths[p], "label",
		                      *auths[p] ? auths[p] : "(ký trực tiếp)", "selected",
		                      !strcmp(d->signer.authority ? d->signer.authority : "",
		                              auths[p])));
	json_object_set_new(f, "authorities", au);
	buf_t dist = BUF_INIT;
	for (size_t p = 0; p < d->ndistribution; p++)
		buf_printf(&dist, "%s%s", p ? "\n" : "", d->distribution[p]);
	json_object_set_new(f, "distribution",
	                    json_string(typed_or(fv, "distribution", buf_cstr(&dist))));
	buf_free(&dist);
	/* what Nơi nhận would be from Kính gửi: while the box still says this, the server and
	 * the script keep it following Kính gửi (read_form) */
	size_t nauto;
	const char **al = auto_distribution(a, d, &nauto);
	json_object_set_new(f, "dist_auto", json_string(join_lines(a, al, nauto)));
	json_object_set_new(f, "public", json_boolean(fv->is_public));
	json_object_set_new(f, "from", json_integer(fv->derived_from));
	json_object_set_new(f, "has_from", json_boolean(fv->derived_from > 0));

	/* rows: each list's entries, then empty rows to add more (up to the form's cap) */
	opts_t o = area_options(req, i);
	json_t *rows = json_array();
	size_t n = d->nbases < DOC_FORM_BASES ? d->nbases : DOC_FORM_BASES;
	for (size_t r = 0; r < DOC_FORM_BASES && r < n + 2; r++) {
		const doc_basis_t *b = r < n ? &d->bases[r] : NULL;
		const char *doc =
		        b && b->doc_id > 0 ? arena_printf(a, "%lld", (long long)b->doc_id) : "";
		json_t *row = json_pack("{s:i,s:s,s:s}", "i", (int)r, "text", b ? b->text : "",
		                        "doc", doc);
		snprintf(key, sizeof key, "basis_text_%zu", r);
		set_err(row, "err_text", fv->errors, key);
		json_object_set_new(row, "n", json_integer((json_int_t)r + 1));
		json_array_append_new(rows, row);
	}
	json_object_set_new(f, "bases", rows);
	rows = json_array();
	n = d->nrecipients < DOC_FORM_RECIPIENTS ? d->nrecipients : DOC_FORM_RECIPIENTS;
	for (size_t r = 0; r < DOC_FORM_RECIPIENTS && r < n + 3; r++) {
		const doc_target_t *w = r < n ? &d->recipients[r] : NULL;
		snprintf(key, sizeof key, "rcpt_units_%zu", r);
		json_t *row = json_pack("{s:i,s:s,s:o}", "i", (int)r, "text", w ? w->text : "",
		                        "targets", target_json(req, &o, w, key));
		snprintf(key, sizeof key, "rcpt_text_%zu", r);
		set_err(row, "err_text", fv->errors, key);
		snprintf(key, sizeof key, "rcpt_units_%zu", r);
		set_err(row, "err_units", fv->errors, key);
		json_object_set_new(row, "n", json_integer((json_int_t)r + 1));
		json_array_append_new(rows, row);
	}
	json_object_set_new(f, "recipients", rows);
	rows = json_array();
	n = d->nduties < DOC_FORM_DUTIES ? d->nduties : DOC_FORM_DUTIES;
	int *bno = arena_alloc(a, (n ? n : 1) * sizeof *bno), nbodies = 0;
	for (size_t r = 0; r < n; r++) {
		bno[r] = 0;
		if (!*d->duties[r].who.text)
			continue;
		for (size_t j = 0; j < r && !bno[r]; j++)
			if (!strcmp(d->duties[j].who.text, d->duties[r].who.text))
				bno[r] = bno[j];
		if (!bno[r])
			bno[r] = ++nbodies;
	}
	for (size_t r = 0; r < DOC_FORM_DUTIES && r < n + 3; r++) {
		const doc_duty_t *u = r < n ? &d->duties[r] : NULL;
		snprintf(key, sizeof key, "duty_units_%zu", r);
		json_t *tg = target_json(req, &o, u ? &u->who : NULL, key);
		snprintf(key, sizeof key, "duty_due_%zu", r);
		json_t *row = json_pack(
		        "{s:i,s:b,s:s,s:s,s:s,s:o}", "i", (int)r, "lead", u ? u->lead : r == 0,
		        "who", u ? u->who.text : "", "task", u ? u->task : "", "due",
		        typed_or(fv, key, u ? app_fmt_date(a, u->due) : ""), "targets", tg);
		set_err(row, "err_due", fv->errors, key);
		snprintf(key, sizeof key, "duty_who_%zu", r);
		set_err(row, "err_who", fv->errors, key);
		snprintf(key, sizeof key, "duty_units_%zu", r);
		set_err(row, "err_units", fv->errors, key);
		snprintf(key, sizeof key, "duty_task_%zu", r);
		set_err(row, "err_task", fv->errors, key);
		snprintf(key, sizeof key, "duty_role_%zu", r);
		set_err(row, "err_role", fv->errors, key);
		json_object_set_new(row, "n", json_integer((json_int_t)r + 1));
		/* grouped by body as printed: the body's number in "Tổ chức thực hiện", and
		 * whether an earlier row already names it (its tasks print under that heading) */
		if (u && bno[r]) {
			json_object_set_new(row, "body_no", json_integer(bno[r]));
			json_object_set_new(row, "has_body_no", json_true());
			for (size_t j = 0; j < r; j++)
				if (!strcmp(d->duties[j].who.text, u->who.text)) {
					json_object_set_new(row, "cont", json_true());
					break;
				}
		}
		size_t lines = 1;
		for (const char *ch = u ? u->task : ""; *ch; ch++)
			lines += *ch == '\n';
		json_object_set_new(row, "task_rows",
		                    json_integer(lines + 1 < 3 ? 3 : (json_int_t)lines + 1));
		json_array_append_new(rows, row);
	}
	json_object_set_new(f, "duties", rows);
	rows = json_array();
	n = d->nannexes < DOC_FORM_ANNEXES ? d->nannexes : DOC_FORM_ANNEXES;
	for (size_t r = 0; r < DOC_FORM_ANNEXES && r < n + 1; r++) {
		const doc_annex_t *x = r < n ? &d->annexes[r] : NULL;
		json_t *row = json_pack("{s:i,s:s,s:s,s:s,s:s,s:b,s:b}", "i", (int)r, "label",
		                        x ? x->label : "", "title", x ? x->title : "", "subtitle",
		                        x ? x->subtitle : "", "text", x ? x->text : "", "results",
		                        x ? x->results : 0, "awards", x ? x->awards : 0);
		static const char *const sub[] = {"label", "title", "subtitle", "text"};
		for (size_t s = 0; s < 4; s++) {
			snprintf(key, sizeof key, "annex_%s_%zu", sub[s], r);
			char ek[32];
			snprintf(ek, sizeof ek, "err_%s", sub[s]);
			set_err(row, ek, fv->errors, key);
		}
		json_object_set_new(row, "n", json_integer((json_int_t)r + 1));
		json_array_append_new(rows, row);
	}
	json_object_set_new(f, "annexes", rows);
	/* too many rows for the form: editing would drop some, so the form says so */
	json_object_set_new(
	        f, "too_long",
	        json_boolean(d->nbases > DOC_FORM_BASES || d->nrecipients > DOC_FORM_RECIPIENTS ||
	                     d->nduties > DOC_FORM_DUTIES || d->nannexes > DOC_FORM_ANNEXES));
	if (fv->errors) {
		json_object_set(f, "errors", fv->errors);
		json_object_set_new(f, "nerrors",
		                    json_integer((json_int_t)json_object_size(fv->errors)));
	}
	return f;
}

/* ---------- the form: request -> document ---------- */

typedef struct form_in {
	doc_t *d;
	int64_t campaign_id;
	int is_public;
	json_t *errors; /* field -> message */
	json_t *typed;  /* field -> typed text of fields that did not parse */
	http_kv_t *kv;  /* the urlencoded body, for the multi-valued selects */
	size_t nkv;
	int have_kv;
} form_in_t;

static void
field_err(form_in_t *in, const char *field, const char *msg)
{
	if (!json_object_get(in->errors, field))
		json_object_set_new(in->errors, field, json_string(msg));
}

/* Every value of a multi-valued field (a <select multiple>), from the body. */
static size_t
values_of(http_req_t *req, form_in_t *in, const char *name, const char **out, size_t cap)
{
	size_t n = 0;
	if (!in->have_kv) {
		const char *v = http_req_param(req, name);
		if (v && *v && cap)
			out[n++] = v;
		return n;
	}
	for (size_t k = 0; k < in->nkv && n < cap; k++)
		if (!strcmp(in->kv[k].name, name) && *in->kv[k].value)
			out[n++] = in->kv[k].value;
	return n;
}

/* A target select into who: "kind:<code>" for a kind present in the issuer's area, else a
 * unit code of the registry. */
static void
read_targets(http_req_t *req, form_in_t *in, const opts_t *o, const char *name, doc_target_t *who)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	const char **v = arena_alloc(a, TARGET_MAX * sizeof *v);
	size_t n = values_of(req, in, name, v, TARGET_MAX);
	who->units = arena_alloc(a, (n ? n : 1) * sizeof *who->units);
	who->kinds = arena_alloc(a, (n ? n : 1) * sizeof *who->kinds);
	who->nunits = who->nkinds = 0;
	for (size_t k = 0; k < n; k++) {
		if (!strncmp(v[k], "kind:", 5)) {
			int ok = 0;
			for (size_t j = 0; j < o->nkinds && !ok; j++)
				ok = !strcmp(o->kinds[j].value, v[k]);
			if (!ok) {
				field_err(
				        in, name,
				        arena_printf(
				                a,
				                "Trong địa bàn không có đơn vị loại \"%.40s\"; hãy "
				                "chọn trong danh sách.",
				                v[k] + 5));
				continue;
			}
			if (!has_value(who->kinds, who->nkinds, v[k] + 5))
				who->kinds[who->nkinds++] = v[k] + 5;
		} else if (unit_tree_find_code(t, v[k]) < 0) {
			field_err(in, name,
			          arena_printf(
			                  a,
			                  "Không có đơn vị mã \"%.40s\"; hãy chọn trong danh sách.",
			                  v[k]));
		} else if (!has_value(who->units, who->nunits, v[k]))
			who->units[who->nunits++] = v[k];
	}
}

/* A dd/mm/yyyy field; "" is no date. On a bad date the error names the field and the
 * typed text is kept for the form. */
static int32_t
read_date(http_req_t *req, form_in_t *in, const char *name, const char *label)
{
	const char *v = text_trim(http_req_arena(req), app_param(req, name));
	int32_t days = 0;
	if (*v && when_parse_date(v, strlen(v), &days) < 0) {
		field_err(in, name,
		          arena_printf(http_req_arena(req),
		                       "%s \"%.20s\" không phải ngày hợp lệ; hãy nhập "
		                       "dạng " WHEN_DATE_FORMS ".",
		                       label, v));
		json_object_set_new(in->typed, name, json_string(v));
		return 0;
	}
	return days;
}

/* The form field a document error (a JSON path of doc_validate) belongs to. */
static const char *
error_field(arena_t *a, const char *path)
{
	static const struct {
		const char *list, *sub, *field;
	} map[] = {
	        {"bases", "", "basis_text"},          {"recipients", "text", "rcpt_text"},
	        {"recipients", "", "rcpt_units"},     {"duties", "who", "duty_who"},
	        {"duties", "task", "duty_task"},      {"duties", "due", "duty_due"},
	        {"duties", "role", "duty_role"},      {"duties", "", "duty_units"},
	        {"annexes", "label", "annex_label"},  {"annexes", "subtitle", "annex_subtitle"},
	        {"annexes", "text", "annex_text"},    {"annexes", "", "annex_title"},
	        {"distribution", "", "distribution"},
	};
	if (!strncmp(path, "signer.", 7))
		return arena_printf(a, "signer_%s", path + 7);
	const char *br = strchr(path, '[');
	if (br == NULL) {
		if (!strcmp(path, "year"))
			return "date";
		return path;
	}
	size_t ll = (size_t)(br - path);
	long idx = strtol(br + 1, NULL, 10);
	const char *close = strchr(br, ']');
	const char *sub = close && close[1] == '.' ? close + 2 : "";
	for (size_t k = 0; k < sizeof map / sizeof map[0]; k++) {
		if (strlen(map[k].list) != ll || strncmp(path, map[k].list, ll))
			continue;
		if (*map[k].sub && strncmp(sub, map[k].sub, strlen(map[k].sub)))
			continue;
		if (!strcmp(map[k].list, "distribution"))
			return "distribution";
		return arena_printf(a, "%s_%ld", map[k].field, idx);
	}
	return "";
}

static void
doc_errors_to_fields(http_req_t *req, form_in_t *in, const doc_error_t *errs, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		const char *f = error_field(http_req_arena(req), errs[k].field);
		field_err(in, *f ? f : "general", errs[k].msg);
	}
}

/* The form of unit i as a document. Errors (Vietnamese, per field) in in->errors; the
 * document is built as far as it could be, so the form shows what was typed. */
static void
read_form(http_req_t *req, int32_t i, form_in_t *in)
{
	arena_t *a = http_req_arena(req);
	memset(in, 0, sizeof *in);
	in->errors = json_object();
	in->typed = json_object();
	const char *ct = http_req_header(req, "Content-Type");
	size_t blen;
	const char *body = http_req_body(req, &blen);
	if (body && ct && !strncasecmp(ct, "application/x-www-form-urlencoded", 33)) {
		const char *why;
		in->have_kv = http_form_parse(body, blen, a, &in->kv, &in->nkv, &why) == 0;
	}
	doc_t *d = arena_alloc(a, sizeof *d);
	memset(d, 0, sizeof *d);
	in->d = d;
	if (doc_kind_parse(app_param(req, "kind"), &d->kind) < 0) {
		d->kind = DOC_KH;
		field_err(in, "kind",
		          "Hãy chọn loại văn bản: công văn, kế hoạch, báo cáo hoặc quyết định.");
	}
	const char *cp = app_param(req, "campaign");
	int campaign_year = 0;
	if (*cp) {
		int64_t cid;
		int ok = text_parse_int(cp, strlen(cp), &cid) == 0;
		json_t *cs = rep_campaigns_covering(req, i), *c;
		size_t k;
		int found = 0;
		json_array_foreach(cs, k,
		                   c) if (ok && json_integer_value(json_object_get(c, "id")) == cid)
		{
			found = 1;
			campaign_year = (int)json_integer_value(json_object_get(c, "year"));
		}
		json_decref(cs);
		if (!found)
			field_err(in, "campaign",
			          "Đợt đã chọn không bao gồm đơn vị này; hãy chọn "
			          "trong danh sách hoặc để trống.");
		else
			in->campaign_id = cid;
	}
	d->subject = text_trim(a, app_param(req, "subject"));
	d->place = text_trim(a, app_param(req, "place"));
	d->body_abbr = text_trim(a, app_param(req, "body_abbr"));
	d->drafter_abbr = text_trim(a, app_param(req, "drafter_abbr"));
	d->parent_body = multiline(a, text_trim(a, app_param(req, "parent_body")));
	d->body = multiline(a, text_trim(a, app_param(req, "body")));
	d->text = multiline(a, app_param(req, "text"));
	d->date = read_date(req, in, "date", "Ngày ban hành");
	d->year = d->date         ? year_of(d->date)
	          : campaign_year ? campaign_year
	                          : year_of(docs_today(app_now()));
	d->signer.tm = text_trim(a, app_param(req, "signer_tm"));
	d->signer.authority = text_trim(a, app_param(req, "signer_authority"));
	d->signer.head = text_trim(a, app_param(req, "signer_head"));
	d->signer.position = text_trim(a, app_param(req, "signer_position"));
	d->signer.name = text_trim(a, app_param(req, "signer_name"));
	in->is_public = !strcmp(app_param(req, "public"), "1");

	char name[48];
	d->bases = arena_alloc(a, DOC_FORM_BASES * sizeof *d->bases);
	for (int r = 0; r < DOC_FORM_BASES; r++) {
		snprintf(name, sizeof name, "basis_text_%d", r);
		const char *text = text_trim(a, app_param(req, name));
		snprintf(name, sizeof name, "basis_doc_%d", r);
		const char *dp = text_trim(a, app_param(req, name));
		if (!*text && !*dp)
			continue;
		doc_basis_t *b = &d->bases[d->nbases];
		b->text = text;
		b->doc_id = 0;
		if (*dp) {
			int64_t id;
			store_doc_t s;
			if (text_parse_int(dp, strlen(dp), &id) < 0 || id <= 0 ||
			    load_doc(req, id, &s) != 1 || !published(&s)) {
				snprintf(name, sizeof name, "basis_text_%zu", d->nbases);
				field_err(in, name,
				          "Văn bản được dẫn làm căn cứ không có trong hệ "
				          "thống; hãy xóa dòng này rồi gõ lại căn cứ.");
			} else
				b->doc_id = id;
		}
		d->nbases++;
	}
	opts_t o = area_options(req, i);
	d->recipients = arena_alloc(a, DOC_FORM_RECIPIENTS * sizeof *d->recipients);
	for (int r = 0; r < DOC_FORM_RECIPIENTS; r++) {
		snprintf(name, sizeof name, "rcpt_text_%d", r);
		const char *text = text_trim(a, app_param(req, name));
		doc_target_t w = {0};
		snprintf(name, sizeof name, "rcpt_units_%d", r);
		read_targets(req, in, &o, name, &w);
		if (!*text && !w.nunits && !w.nkinds && !json_object_get(in->errors, name))
			continue;
		w.text = text;
		/* errors of this row are filed under its position among the kept rows */
		if ((size_t)r != d->nrecipients) {
			char to[48];
			snprintf(to, sizeof to, "rcpt_units_%zu", d->nrecipients);
			json_t *e = json_object_get(in->errors, name);
			if (e) {
				json_object_set(in->errors, to, e);
				json_object_del(in->errors, name);
			}
		}
		d->recipients[d->nrecipients++] = w;
	}
	d->duties = arena_alloc(a, DOC_FORM_DUTIES * sizeof *d->duties);
	for (int r = 0; r < DOC_FORM_DUTIES; r++) {
		size_t at = d->nduties;
		char from[5][48], to[5][48];
		static const char *const f[5] = {"duty_who", "duty_task", "duty_due", "duty_role",
		                                 "duty_units"};
		for (int q = 0; q < 5; q++) {
			snprintf(from[q], sizeof from[q], "%s_%d", f[q], r);
			snprintf(to[q], sizeof to[q], "%s_%zu", f[q], at);
		}
		const char *who = text_trim(a, app_param(req, from[0]));
		const char *task = multiline(a, text_trim(a, app_param(req, from[1])));
		const char *due = text_trim(a, app_param(req, from[2]));
		const char *role = app_param(req, from[3]);
		doc_duty_t u = {0};
		read_targets(req, in, &o, from[4], &u.who);
		if (!*who && !*task && !*due && !u.who.nunits && !u.who.nkinds &&
		    !json_object_get(in->errors, from[4]))
			continue;
		/* errors go under the row's position among kept rows (its index in duties) */
		json_t *ue = json_object_get(in->errors, from[4]);
		if (ue && r != (int)at) {
			json_object_set(in->errors, to[4], ue);
			json_object_del(in->errors, from[4]);
		}
		u.who.text = who;
		u.task = task;
		if (!strcmp(role, "chu_tri") || !*role)
			u.lead = 1;
		else if (!strcmp(role, "phoi_hop"))
			u.lead = 0;
		else
			field_err(in, to[3], "Vai trò phải là chủ trì hoặc phối hợp.");
		if (*due && when_parse_date(due, strlen(due), &u.due) < 0) {
			u.due = 0;
			field_err(
			        in, to[2],
			        arena_printf(a,
			                     "Hạn hoàn thành \"%.20s\" không phải ngày hợp lệ; hãy "
			                     "nhập dạng " WHEN_DATE_FORMS ".",
			                     due));
			json_object_set_new(in->typed, to[2], json_string(due));
		}
		d->duties[d->nduties++] = u;
	}
	d->distribution = distribution_lines(a, app_param(req, "distribution"), &d->ndistribution);
	/* Nơi nhận untouched since the form filled it from Kính gửi ("dist_auto", the lines it
	 * showed): it follows the Kính gửi sent now; any edit of the officer's is kept */
	const char *shown = app_param(req, "dist_auto");
	if (*shown) {
		size_t ns;
		const char **sl = distribution_lines(a, shown, &ns);
		if (same_lines(d->distribution, d->ndistribution, sl, ns))
			d->distribution = auto_distribution(a, d, &d->ndistribution);
	}
	d->annexes = arena_alloc(a, DOC_FORM_ANNEXES * sizeof *d->annexes);
	for (int r = 0; r < DOC_FORM_ANNEXES; r++) {
		doc_annex_t x = {0};
		snprintf(name, sizeof name, "annex_label_%d", r);
		x.label = text_trim(a, app_param(req, name));
		snprintf(name, sizeof name, "annex_title_%d", r);
		x.title = text_trim(a, app_param(req, name));
		snprintf(name, sizeof name, "annex_subtitle_%d", r);
		x.subtitle = text_trim(a, app_param(req, name));
		snprintf(name, sizeof name, "annex_text_%d", r);
		x.text = multiline(a, app_param(req, name));
		snprintf(name, sizeof name, "annex_results_%d", r);
		x.results = !strcmp(app_param(req, name), "1");
		snprintf(name, sizeof name, "annex_awards_%d", r);
		x.awards = !strcmp(app_param(req, name), "1"); /* a decision's list (awards.md) */
		if (!*x.label && !*x.title && !*x.subtitle && !*x.text && !x.results && !x.awards)
			continue;
		d->annexes[d->nannexes++] = x;
	}
	docs_fill_empty(d);
	doc_error_t errs[DOC_MAX_ERRORS];
	size_t nerr = 0;
	if (doc_clean(d, a, errs, &nerr) < 0 || doc_validate(d, errs, &nerr) < 0)
		doc_errors_to_fields(req, in, errs, nerr);
}

/* The same checks for a document sent as JSON: addressees must exist. Errors appended. */
static void
check_targets_json(http_req_t *req, int32_t i, const doc_t *d, json_t *errors)
{
	const unit_tree_t *t = app_req_tree(req);
	opts_t o = area_options(req, i);
	for (size_t k = 0; k < d->nrecipients + d->nduties; k++) {
		const doc_target_t *w =
		        k < d->nrecipients ? &d->recipients[k] : &d->duties[k - d->nrecipients].who;
		char f[64];
		if (k < d->nrecipients)
			snprintf(f, sizeof f, "recipients[%zu].units", k);
		else
			snprintf(f, sizeof f, "duties[%zu].units", k - d->nrecipients);
		for (size_t u = 0; u < w->nunits; u++)
			if (unit_tree_find_code(t, w->units[u]) < 0)
				json_array_append_new(
				        errors,
				        json_pack("{s:s,s:s}", "field", f, "message",
				                  arena_printf(http_req_arena(req),
				                               "Không có đơn vị mã \"%.40s\".",
				                               w->units[u])));
		for (size_t u = 0; u < w->nkinds; u++) {
			char v[80];
			snprintf(v, sizeof v, "kind:%s", w->kinds[u]);
			int ok = 0;
			for (size_t j = 0; j < o.nkinds && !ok; j++)
				ok = !strcmp(o.kinds[j].value, v);
			if (!ok)
				json_array_append_new(
				        errors, json_pack("{s:s,s:s}", "field", f, "message",
				                          arena_printf(http_req_arena(req),
				                                       "Trong địa bàn của đơn vị "
				                                       "ban hành không có "
				                                       "đơn vị loại \"%.40s\".",
				                                       w->kinds[u])));
		}
	}
}

/* ---------- storing ---------- */

/* Write d as a draft of unit i (id 0: a new one). 0 with *id and *version, or the store's
 * -2 (changed meanwhile), -3 (no longer a draft), -1. */
static int
save_draft(http_req_t *req, int32_t i, int64_t id, const doc_t *d, int64_t campaign_id,
           int64_t derived_from, int is_public, int64_t expected_version, int64_t *out_id,
           int64_t *version)
{
	app_t *app = http_req_app(req);
	const unit_tree_t *t = app_req_tree(req);
	app_user_t *u = app_req_user(req);
	/* the draft and its audit entry (doc.create or doc.save): one transaction */
	if (store_tx_begin(app->store) < 0)
		return -1;
	int rc = docs_save_draft(app->store, id, t->units[i].id, d, campaign_id, derived_from,
	                         is_public, app_now(), u ? u->id : 0, expected_version, out_id,
	                         version);
	if (rc == 0 && app_audit(req, t, i, id ? "doc.save" : "doc.create",
	                         arena_printf(http_req_arena(req), "%lld",
	                                      (long long)(id ? id : *out_id)),
	                         NULL, d->subject) < 0)
		rc = -1;
	if (app_tx_end(req, rc == 0) < 0 && rc == 0)
		rc = -1;
	return rc;
}

/* ---------- the rendered document as JSON (for the web page) ---------- */

static const char *
style_class(docr_style_t s)
{
	switch (s) {
	case DR_H1: return "h1";
	case DR_H2: return "h2";
	case DR_H3: return "h3";
	case DR_CENTER: return "c";
	default: return "p";
	}
}

static json_t *
paras_json(const docr_para_t *p, size_t n)
{
	json_t *arr = json_array();
	for (size_t k = 0; k < n; k++) {
		json_t *runs = json_array();
		for (size_t r = 0; r < p[k].nruns; r++)
			json_array_append_new(
			        runs, json_pack("{s:s,s:b,s:b}", "text", p[k].runs[r].text, "b",
			                        p[k].runs[r].bold, "i", p[k].runs[r].italic));
		json_array_append_new(
		        arr, json_pack("{s:s,s:o}", "cls", style_class(p[k].style), "runs", runs));
	}
	return arr;
}

static json_t *
lines_json(const char *s)
{
	json_t *arr = json_array();
	for (const char *p = s; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		json_array_append_new(arr, json_stringn(p, n));
		p = e ? e + 1 : NULL;
	}
	return arr;
}

static json_t *
strs_json(const char *const *s, size_t n)
{
	json_t *arr = json_array();
	for (size_t k = 0; k < n; k++)
		json_array_append_new(arr, json_string(s[k]));
	return arr;
}

static json_t *
sheet_json(const docr_t *m)
{
	json_t *o = json_object();
	json_object_set_new(o, "parent_body", lines_json(m->parent_body));
	json_object_set_new(o, "body", lines_json(m->body));
	json_object_set_new(o, "number_line", json_string(m->number_line));
	json_object_set_new(o, "place_date", json_string(m->place_date));
	json_object_set_new(o, "vv", json_string(m->vv));
	json_object_set_new(o, "type_name", json_string(m->type_name));
	json_object_set_new(o, "subject", json_string(m->subject));
	json_object_set_new(o, "kinh_gui_one",
	                    m->nkinh_gui == 1 ? json_string(m->kinh_gui[0]) : json_null());
	json_object_set_new(o, "kinh_gui_many", json_boolean(m->nkinh_gui > 1));
	json_object_set_new(o, "kinh_gui",
	                    m->nkinh_gui > 1 ? strs_json(m->kinh_gui, m->nkinh_gui) : json_array());
	json_object_set_new(o, "paras", paras_json(m->paras, m->nparas));
	json_object_set_new(o, "noi_nhan", strs_json(m->noi_nhan, m->nnoi_nhan));
	json_object_set_new(o, "has_noi_nhan", json_boolean(m->nnoi_nhan > 0));
	json_object_set_new(o, "signer_lines", strs_json(m->signer_lines, m->nsigner_lines));
	json_object_set_new(o, "signer_name", json_string(m->signer_name));
	json_t *ax = json_array();
	for (size_t k = 0; k < m->nannexes; k++) {
		const docr_annex_t *x = &m->annexes[k];
		json_t *a = json_pack("{s:s,s:s,s:s,s:o,s:o}", "label", x->label, "title", x->title,
		                      "subtitle", x->subtitle ? x->subtitle : "", "before",
		                      paras_json(x->before, x->nbefore), "after",
		                      paras_json(x->after, x->nafter));
		if (x->table) {
			const docr_table_t *tb = x->table;
			json_t *rows = json_array();
			for (size_t r = 0; r < tb->nrows; r++) {
				json_t *cells = json_array();
				for (size_t c = 0; c < tb->ncols; c++) {
					const docr_cell_t *cell = &tb->cells[r * tb->ncols + c];
					json_array_append_new(
					        cells,
					        json_pack("{s:o}", "lines",
					                  paras_json(cell->lines, cell->nlines)));
				}
				json_array_append_new(rows, json_pack("{s:o}", "cells", cells));
			}
			json_object_set_new(a, "table",
			                    json_pack("{s:o,s:o}", "headers",
			                              strs_json(tb->headers, tb->ncols), "rows",
			                              rows));
		}
		json_array_append_new(ax, a);
	}
	json_object_set_new(o, "annexes", ax);
	return o;
}

/* The results annex's reference line: "(Kèm theo Kế hoạch số 01/KH-UBND ngày 28/9/2022 của
 * Ủy ban nhân dân quận Hải An)", the plan the form came with (a báo cáo: its first basis
 * that is a stored plan; a plan: itself), through the citation formatter
 * (doc_annex_reference). NULL when none. */
static const char *
annex_reference(http_req_t *req, const store_doc_t *s, const doc_t *d)
{
	const unit_tree_t *t = app_req_tree(req);
	const doc_t *plan = d->kind == DOC_KH ? d : NULL;
	store_doc_t ps = *s;
	for (size_t k = 0; !plan && d->kind == DOC_BC && k < d->nbases; k++) {
		if (d->bases[k].doc_id <= 0 || load_doc(req, d->bases[k].doc_id, &ps) != 1)
			continue;
		const doc_t *pd = doc_of(req, &ps);
		if (pd && pd->kind == DOC_KH)
			plan = pd;
	}
	if (!plan)
		return NULL;
	int32_t pi = unit_tree_find_id(t, ps.issuer_unit_id);
	buf_t b = BUF_INIT;
	doc_annex_reference(plan, pi >= 0 ? running_name(http_req_arena(req), t, pi) : NULL, &b);
	const char *r = arena_strdup(http_req_arena(req), buf_cstr(&b));
	buf_free(&b);
	return r;
}

/* The results form attached to annexes with results = 1 when the document belongs to a
 * campaign: a báo cáo gets the compiled figures of its issuer's area; other kinds (a plan
 * sending the form down) get the blank form. NULL when none applies. */
static const phuluc_t *
doc_results(http_req_t *req, const store_doc_t *s, const doc_t *d)
{
	int any = 0;
	for (size_t k = 0; k < d->nannexes; k++)
		any |= d->annexes[k].results;
	if (!any || s->campaign_id <= 0)
		return NULL;
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	phuluc_t *p = arena_alloc(a, sizeof *p);
	memset(p, 0, sizeof *p);
	if (d->kind == DOC_BC) {
		int32_t issuer = unit_tree_find_id(t, s->issuer_unit_id);
		if (issuer < 0 ||
		    rep_phuluc(req, s->campaign_id, t->units[docs_area(t, issuer)].id, p) != 1)
			return NULL;
		p->reference = annex_reference(req, s, d);
		return p;
	}
	unit_tree_t *ct = app_campaign_tree(http_req_app(req), s->campaign_id);
	app_req_keep_tree(req, ct);
	unit_tree_t *saved = app_req_swap_tree(req, ct);
	live_campaign_t *lc = rep_campaign_by_id(req, s->campaign_id, NULL);
	app_req_swap_tree(req, saved);
	if (lc == NULL)
		return NULL;
	const template_t *tpl = lc->c->tpl;
	size_t nc = tpl->ncols ? tpl->ncols : 1, nt = tpl->ntexts ? tpl->ntexts : 1;
	int64_t *num = arena_alloc(a, nc * sizeof *num);
	unsigned char *has = arena_alloc(a, nc);
	const char **text = arena_alloc(a, nt * sizeof *text);
	memset(num, 0, nc * sizeof *num);
	memset(has, 0, nc);
	memset(text, 0, nt * sizeof *text);
	*p = (phuluc_t){.tpl = tpl, .num = num, .has = has, .text = text, .nreports = 1};
	p->reference = annex_reference(req, s, d);
	return p;
}

/* The render model of s: its results form and its decision's awards list attached. */
static docr_t *
model_of(http_req_t *req, const store_doc_t *s, const doc_t *d)
{
	docr_t *m = doc_render_model(d, doc_results(req, s, d), http_req_arena(req));
	award_annex(req, s, d, m);
	return m;
}

/* ---------- listings ---------- */

static json_t *
issued_json(http_req_t *req, const store_doc_t *s, int32_t today)
{
	app_t *app = http_req_app(req);
	arena_t *a = http_req_arena(req);
	doc_t *d = doc_of(req, s);
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:b,s:b,s:s}", "id", (json_int_t)s->id, "kind",
	                      s->kind, "kind_name", kind_name_of(s->kind), "number",
	                      number_text(a, s, d), "subject", s->subject, "public", s->is_public,
	                      "draft", !published(s), "date", app_fmt_date(a, s->doc_date));
	if (published(s)) {
		rcpt_list_t r = recipients_of(req, s->id);
		size_t nread = 0;
		for (size_t k = 0; k < r.n; k++)
			nread += r.v[k].read_at > 0;
		task_list_t tl = {a, NULL, 0, 0};
		store_tasks_of_doc(app->store, s->id, list_task, &tl);
		size_t done = 0, late = 0;
		for (size_t k = 0; k < tl.n; k++) {
			const char *cls;
			task_status(&tl.v[k], today, &cls);
			done += !strcmp(cls, "done");
			late += !strcmp(cls, "late");
		}
		json_object_set_new(o, "read", json_integer((json_int_t)nread));
		json_object_set_new(o, "recipients", json_integer((json_int_t)r.n));
		json_object_set_new(o, "tasks", json_integer((json_int_t)tl.n));
		json_object_set_new(o, "tasks_done", json_integer((json_int_t)done));
		json_object_set_new(o, "tasks_late", json_integer((json_int_t)late));
		json_object_set_new(o, "has_tasks", json_boolean(tl.n > 0));
		json_object_set_new(o, "has_late", json_boolean(late > 0));
	}
	return o;
}

int
page_docs(http_req_t *req)
{
	app_t *app = http_req_app(req);
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = req_unit(req);
	int32_t today = docs_today(app_now());
	doc_list_t mine = {.a = a}, in = {.a = a};
	if (store_docs_of_issuer(app->store, t->units[i].id, list_doc, &mine) < 0 ||
	    store_docs_to_unit(app->store, t->units[i].id, list_received, &in) < 0)
		return 500;
	json_t *issued = json_array(), *received = json_array();
	for (size_t k = 0; k < mine.n; k++)
		json_array_append_new(issued, issued_json(req, &mine.v[k], today));
	/* the inbox: unread first, each group newest first as the store gives them */
	size_t unread = 0;
	for (int pass = 0; pass < 2; pass++)
		for (size_t k = 0; k < in.n; k++) {
			const store_doc_t *s = &in.v[k];
			int is_read = in.read_at[k] > 0;
			if (is_read != pass)
				continue;
			unread += !is_read;
			doc_t *d = doc_of(req, s);
			int32_t issuer = unit_tree_find_id(t, s->issuer_unit_id);
			json_array_append_new(
			        received,
			        json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:s}", "id",
			                  (json_int_t)s->id, "kind", s->kind, "kind_name",
			                  kind_name_of(s->kind), "number", number_text(a, s, d),
			                  "subject", s->subject, "date",
			                  app_fmt_date(a, s->doc_date), "issuer",
			                  issuer >= 0 ? t->units[issuer].name : "", "unread",
			                  !is_read, "read_at", app_fmt_time(a, in.read_at[k])));
		}
	if (app_is_api(req))
		return app_reply_json(req, 200,
		                      json_pack("{s:o,s:o,s:o}", "unit", app_unit_json(t, i),
		                                "issued", issued, "received", received));
	json_t *ctx = json_pack("{s:o,s:o,s:o,s:o,s:b,s:b,s:i,s:b,s:b}", "unit",
	                        app_unit_json(t, i), "path", app_unit_path_json(t, i), "issued",
	                        issued, "received", received, "has_issued", mine.n > 0,
	                        "has_received", in.n > 0, "unread_count", (int)unread, "has_unread",
	                        unread > 0, "can_manage", allowed(req, ACT_CAMPAIGN_MANAGE, i));
	return app_render_page(req, 200, "docs", arena_printf(a, "Văn bản — %s", t->units[i].name),
	                       ctx);
}

/* ---------- the form pages ---------- */

static int
render_form_page(http_req_t *req, int status, int32_t i, const form_view_t *fv, const char *error)
{
	const unit_tree_t *t = app_req_tree(req);
	json_t *ctx =
	        json_pack("{s:o,s:o,s:o,s:s}", "unit", app_unit_json(t, i), "path",
	                  app_unit_path_json(t, i), "form", form_json(req, i, fv), "action",
	                  arena_printf(http_req_arena(req), "/units/%s/docs", t->units[i].code));
	if (error)
		json_object_set_new(ctx, "error", json_string(error));
	if (fv->derived_from > 0) {
		store_doc_t ps;
		if (load_doc(req, fv->derived_from, &ps) == 1) {
			int32_t pi = unit_tree_find_id(t, ps.issuer_unit_id);
			json_object_set_new(ctx, "parent",
			                    json_pack("{s:I,s:s,s:s}", "id", (json_int_t)ps.id,
			                              "subject", ps.subject, "issuer",
			                              pi >= 0 ? t->units[pi].name : ""));
		}
	}
	json_object_set(json_object_get(ctx, "form"), "action", json_object_get(ctx, "action"));
	return app_render_page(req, status, "doc_new", "Soạn văn bản", ctx);
}

int
page_doc_new(http_req_t *req)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = req_unit(req);
	form_view_t fv = {0};
	doc_t *d;
	const char *fp = app_param(req, "from");
	if (*fp) {
		int64_t from;
		store_doc_t ps;
		int rc = (from = app_id_param(req, "from")) == 0 ? 0 : load_doc(req, from, &ps);
		if (rc < 0)
			return 500;
		if (rc == 0 || !may_derive(req, i, &ps)) {
			app_error_page(
			        req, 404,
			        "Không tìm thấy văn bản của cấp trên gửi đến đơn vị này để xây "
			        "dựng kế hoạch.");
			return 0;
		}
		doc_t *pd = doc_of(req, &ps);
		if (pd == NULL)
			return 500;
		int32_t pi = unit_tree_find_id(t, ps.issuer_unit_id);
		d = doc_derive(pd, ps.id, running_name(a, t, pi), a);
		/* the signer block of the upper level is not this unit's */
		docs_issuer_defaults(t, i, a, d);
		fv.derived_from = ps.id;
		json_t *cs = rep_campaigns_covering(req, i), *c;
		size_t k;
		json_array_foreach(cs, k, c) if (json_integer_value(json_object_get(c, "id")) ==
		                                 ps.campaign_id) fv.campaign_id = ps.campaign_id;
		json_decref(cs);
	} else {
		d = arena_alloc(a, sizeof *d);
		memset(d, 0, sizeof *d);
		d->kind = DOC_KH;
		docs_issuer_defaults(t, i, a, d);
		d->distribution = arena_alloc(a, sizeof *d->distribution);
		d->distribution[0] = "Lưu: VT.";
		d->ndistribution = 1;
	}
	doc_kind_t k;
	if (doc_kind_parse(app_param(req, "kind"), &k) == 0)
		d->kind = k;
	int64_t cid;
	if ((cid = app_id_param(req, "campaign")) > 0)
		fv.campaign_id = cid;
	if (d->year == 0)
		d->year = year_of(docs_today(app_now()));
	docs_fill_empty(d);
	fv.d = d;
	return render_form_page(req, 200, i, &fv, NULL);
}

int
page_doc_create(http_req_t *req)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = req_unit(req);
	form_in_t in;
	read_form(req, i, &in);
	int64_t from = 0;
	if (*app_param(req, "from")) {
		store_doc_t ps;
		int rc = (from = app_id_param(req, "from")) == 0 ? 0 : load_doc(req, from, &ps);
		if (rc < 0)
			return 500;
		if (rc == 0 || !may_derive(req, i, &ps)) {
			from = 0;
			field_err(&in, "general",
			          "Văn bản của cấp trên đã chọn không gửi đến đơn vị "
			          "này; hãy tạo lại từ hộp văn bản đến.");
		}
	}
	form_view_t fv = {in.d, in.campaign_id, from, in.is_public, in.errors, in.typed};
	if (json_object_size(in.errors)) {
		int rc = render_form_page(req, 422, i, &fv, NULL);
		json_decref(in.errors);
		json_decref(in.typed);
		return rc;
	}
	int64_t id, version;
	int rc = save_draft(req, i, 0, in.d, in.campaign_id, from, in.is_public, 0, &id, &version);
	json_decref(in.errors);
	json_decref(in.typed);
	if (rc < 0)
		return 500;
	return http_redirect(req, 303,
	                     arena_printf(a, "/units/%s/docs/%lld?done=created", t->units[i].code,
	                                  (long long)id));
}

/* POST /api/v1/units/:code/docs: {"campaign": id|null, "public": bool, "derived_from":
 * id|null, "document": {…}} -> 201 {"id", "version", "url"}; 422 with the fields' errors. */
int
api_doc_create(http_req_t *req)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = req_unit(req);
	/* the top level through the typed reader (domain/jsonin.h): a wrong type, an unknown
	 * member, a duplicate key or a body that is not one object is a 400 naming the field;
	 * what is well typed but not valid (a campaign not covering the unit, the document's
	 * own fields) a 422 listing them */
	json_t *root, *doc = NULL;
	int64_t cid = 0, did = 0;
	int has_c = 0, has_df = 0, is_public = 0;
	const jsonin_field_t fl[] = {
	        {.name = "campaign",
	         .type = JSONIN_INT,
	         .flags = JSONIN_NULLABLE,
	         .out = &cid,
	         .given = &has_c,
	         .want = "số định danh của đợt (số nguyên) hoặc null"},
	        {.name = "public", .type = JSONIN_BOOL, .out = &is_public},
	        {.name = "derived_from",
	         .type = JSONIN_INT,
	         .flags = JSONIN_NULLABLE,
	         .out = &did,
	         .given = &has_df,
	         .want = "số định danh của văn bản cấp trên (số nguyên) hoặc null"},
	        {.name = "document",
	         .type = JSONIN_OBJECT,
	         .flags = JSONIN_REQUIRED,
	         .out = &doc,
	         .want = "một đối tượng {…} theo docs/documents.md"},
	};
	size_t len;
	const char *body = http_req_body(req, &len);
	const char *err;
	if (jsonin_read(body, len, 0, fl, sizeof fl / sizeof *fl, a, &root, &err) < 0) {
		app_error_page(req, 400, arena_printf(a, "%s Xem docs/documents.md.", err));
		return 0;
	}
	json_t *errors = json_array();
	doc_t *d = NULL;
	int64_t campaign = 0, from = 0;
#define FAIL(f, m) json_array_append_new(errors, json_pack("{s:s,s:s}", "field", f, "message", m))
	if (has_c) {
		int found = 0;
		json_t *cs = rep_campaigns_covering(req, i), *x;
		size_t n;
		json_array_foreach(cs, n, x) found |=
		        json_integer_value(json_object_get(x, "id")) == cid;
		json_decref(cs);
		if (!found)
			FAIL("campaign", "Đợt không có hoặc không bao gồm đơn vị này.");
		else
			campaign = cid;
	}
	if (has_df) {
		store_doc_t ps;
		if (load_doc(req, did, &ps) != 1 || !may_derive(req, i, &ps))
			FAIL("derived_from",
			     "Văn bản của cấp trên không có hoặc không gửi đến đơn vị này.");
		else
			from = ps.id;
	}
	char *s = json_dumps(doc, JSON_COMPACT);
	doc_error_t errs[DOC_MAX_ERRORS];
	size_t nerr = 0;
	int bad = doc_parse(s, strlen(s), a, &d, errs, &nerr) < 0;
	if (!bad) {
		docs_fill_empty(d);
		bad = doc_clean(d, a, errs, &nerr) < 0 || doc_validate(d, errs, &nerr) < 0;
	}
	if (bad) {
		for (size_t e = 0; e < nerr; e++)
			FAIL(arena_printf(a, "document%s%s", *errs[e].field ? "." : "",
			                  errs[e].field),
			     errs[e].msg);
		d = NULL;
	} else
		check_targets_json(req, i, d, errors);
	free(s);
#undef FAIL
	json_decref(root);
	if (json_array_size(errors) || d == NULL) {
		return app_reply_json(
		        req, 422,
		        json_pack("{s:{s:i,s:s,s:o}}", "error", "status", 422, "message",
		                  "Văn bản chưa hợp lệ; xem từng trường trong \"fields\".",
		                  "fields", errors));
	}
	json_decref(errors);
	d->number = 0;
	int64_t id, version;
	if (save_draft(req, i, 0, d, campaign, from, is_public, 0, &id, &version) < 0)
		return 500;
	return app_reply_json(
	        req, 201,
	        json_pack("{s:I,s:I,s:s}", "id", (json_int_t)id, "version", (json_int_t)version,
	                  "url",
	                  arena_printf(a, "/units/%s/docs/%lld", t->units[i].code, (long long)id)));
}

/* ---------- one document ---------- */

/* The :did document as seen at the :code unit: issued by it, or published and addressed
 * to it. 1 with *s (and *issuer: whether :code issued it), or 0 after replying 404/500. */
static int
bound_doc(http_req_t *req, int32_t i, store_doc_t *s, int *issuer)
{
	const unit_tree_t *t = app_req_tree(req);
	int64_t id;
	int rc = (id = app_id_param(req, "did")) == 0 ? 0 : load_doc(req, id, s);
	if (rc < 0) {
		app_error_page(req, 500, NULL);
		return 0;
	}
	*issuer = rc == 1 && s->issuer_unit_id == t->units[i].id;
	if (rc == 0 ||
	    (!*issuer && !(published(s) && addressed(req, s->id, t->units[i].id, NULL)))) {
		app_error_page(req, 404,
		               "Đơn vị này không ban hành và không nhận văn bản nào với số này.");
		return 0;
	}
	return 1;
}

/* Record that unit i opened document s, when the user acts for i and i is an addressee. */
static void
mark_read(http_req_t *req, int32_t i, const store_doc_t *s)
{
	const unit_tree_t *t = app_req_tree(req);
	if (!published(s) || !acts_for(req, t, i))
		return;
	app_user_t *u = app_req_user(req);
	store_doc_mark_read(((app_t *)http_req_app(req))->store, s->id, t->units[i].id, app_now(),
	                    u ? u->id : 0);
}

typedef struct campaign_name {
	arena_t *a;
	const char *name;
} campaign_name_t;

static int
copy_campaign_name(const store_campaign_t *c, void *p)
{
	campaign_name_t *cn = p;
	cn->name = arena_strdup(cn->a, c->name);
	return 0;
}

/* The board of duties: each duty with its units' tasks and their state. */
static json_t *
board_json(http_req_t *req, const store_doc_t *s, const doc_t *d, int32_t today)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	task_list_t tl = {a, NULL, 0, 0};
	store_tasks_of_doc(((app_t *)http_req_app(req))->store, s->id, list_task, &tl);
	json_t *duties = json_array();
	for (size_t k = 0; k < tl.n;) {
		int duty = tl.v[k].duty;
		const doc_duty_t *du =
		        d && duty >= 0 && (size_t)duty < d->nduties ? &d->duties[duty] : NULL;
		json_t *units = json_array();
		size_t done = 0, n = 0, late = 0;
		for (; k < tl.n && tl.v[k].duty == duty; k++) {
			const store_task_t *tk = &tl.v[k];
			int32_t u = unit_tree_find_id(t, tk->unit_id);
			const char *cls;
			const char *st = task_status(tk, today, &cls);
			done += !strcmp(cls, "done");
			late += !strcmp(cls, "late");
			n++;
			json_array_append_new(
			        units, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "code",
			                         u >= 0 ? t->units[u].code : "", "name",
			                         u >= 0 ? t->units[u].name : "", "status", st,
			                         "cls", cls, "done_at",
			                         app_fmt_time(a, tk->done_at), "note", tk->note));
		}
		json_array_append_new(
		        duties, json_pack("{s:i,s:s,s:s,s:s,s:s,s:o,s:i,s:i,s:i,s:b}", "n",
		                          duty + 1, "role", task_role_name(tl.v[k - 1].role), "who",
		                          du ? du->who.text : "", "task", tl.v[k - 1].task, "due",
		                          app_fmt_date(a, tl.v[k - 1].due_date), "units", units,
		                          "done", (int)done, "total", (int)n, "late", (int)late,
		                          "has_late", late > 0));
	}
	return duties;
}

static json_t *
receipts_json(http_req_t *req, const store_doc_t *s)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	rcpt_list_t r = recipients_of(req, s->id);
	json_t *read = json_array(), *unread = json_array();
	for (size_t k = 0; k < r.n; k++) {
		int32_t u = unit_tree_find_id(t, r.v[k].unit_id);
		json_t *o = json_pack("{s:s,s:s,s:s}", "code", u >= 0 ? t->units[u].code : "",
		                      "name", u >= 0 ? t->units[u].name : "", "at",
		                      app_fmt_time(a, r.v[k].read_at));
		json_array_append_new(r.v[k].read_at > 0 ? read : unread, o);
	}
	return json_pack("{s:o,s:o,s:i,s:i,s:b}", "read", read, "unread", unread, "nread",
	                 (int)json_array_size(read), "total", (int)r.n, "has_unread",
	                 json_array_size(unread) > 0);
}

static json_t *
derived_json(http_req_t *req, const store_doc_t *s)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	doc_list_t l = {.a = a};
	store_docs_derived(((app_t *)http_req_app(req))->store, s->id, list_doc, &l);
	json_t *arr = json_array();
	for (size_t k = 0; k < l.n; k++) {
		int32_t u = unit_tree_find_id(t, l.v[k].issuer_unit_id);
		doc_t *d = doc_of(req, &l.v[k]);
		json_array_append_new(
		        arr,
		        json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:b}", "id", (json_int_t)l.v[k].id,
		                  "issuer_code", u >= 0 ? t->units[u].code : "", "issuer",
		                  u >= 0 ? t->units[u].name : "", "subject", l.v[k].subject,
		                  "number", number_text(a, &l.v[k], d), "date",
		                  app_fmt_date(a, l.v[k].doc_date), "draft", !published(&l.v[k])));
	}
	return arr;
}

static const char *
done_message(const char *done)
{
	if (!strcmp(done, "created"))
		return "Đã tạo bản nháp. Hãy đọc lại, tải bản PDF hoặc DOCX để xem trước, rồi ban "
		       "hành.";
	if (!strcmp(done, "saved"))
		return "Đã lưu bản nháp.";
	if (!strcmp(done, "published"))
		return "Đã ban hành. Các đơn vị nhận đã thấy văn bản trong mục Văn bản đến; nhiệm "
		       "vụ đã được giao.";
	if (!strcmp(done, "public"))
		return "Đã cập nhật chế độ công khai.";
	if (!strcmp(done, "published_signed"))
		return "Đã ban hành và ký số bằng khóa của đơn vị. Các đơn vị nhận đã thấy văn bản "
		       "trong mục Văn bản đến; nhiệm vụ đã được giao.";
	if (!strcmp(done, "signed"))
		return "Đã ký số. Bản PDF tải về từ nay là bản đã ký, giữ nguyên từng byte.";
	return NULL;
}

/* The document page (HTML) or its JSON. fv: the edit form to show instead of the stored
 * draft (after a refused save), with status and error. */
static int
render_doc(http_req_t *req, int status, int32_t i, const store_doc_t *s, int is_issuer,
           const form_view_t *fv, const char *error)
{
	app_t *app = http_req_app(req);
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	doc_t *d = doc_of(req, s);
	if (d == NULL)
		return 500;
	int32_t today = docs_today(app_now());
	int32_t issuer = unit_tree_find_id(t, s->issuer_unit_id);
	const char *url =
	        arena_printf(a, "/units/%s/docs/%lld", t->units[i].code, (long long)s->id);
	json_t *meta = json_pack(
	        "{s:I,s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:i,s:I,s:s,s:s,s:I}", "id", (json_int_t)s->id,
	        "kind", s->kind, "kind_name", kind_name_of(s->kind), "status", s->status, "number",
	        number_text(a, s, d), "subject", s->subject, "public", s->is_public, "draft",
	        !published(s), "year", s->year, "version", (json_int_t)s->version, "date",
	        app_fmt_date(a, s->doc_date), "published_at", app_fmt_time(a, s->published_at),
	        "derived_from", (json_int_t)s->derived_from);
	json_object_set_new(meta, "issuer", issuer >= 0 ? app_unit_json(t, issuer) : json_null());
	if (s->campaign_id > 0) {
		campaign_name_t cn = {a, NULL};
		store_campaign_get(app->store, s->campaign_id, copy_campaign_name, &cn);
		json_object_set_new(meta, "campaign",
		                    json_pack("{s:I,s:s}", "id", (json_int_t)s->campaign_id, "name",
		                              cn.name ? cn.name : ""));
	}
	json_t *board = published(s) ? board_json(req, s, d, today) : json_array();
	json_t *receipts = published(s) ? receipts_json(req, s) : json_null();
	json_t *derived = derived_json(req, s);
	/* the digital signature (doc_sign_pages.c) */
	json_t *sign = doc_sign_json(req, i, s->id, published(s),
	                             is_issuer && allowed(req, ACT_CAMPAIGN_MANAGE, i));
	json_object_set_new(meta, "signed", json_incref(json_object_get(sign, "signed")));
	if (app_is_api(req)) {
		json_decref(sign);
		json_object_set_new(meta, "document", doc_json(d));
		json_object_set_new(meta, "tasks", board);
		json_object_set_new(meta, "receipts", receipts);
		json_object_set_new(meta, "derived", derived);
		return app_reply_json(req, status, meta);
	}
	docr_t *m = model_of(req, s, d);
	int can_manage = is_issuer && allowed(req, ACT_CAMPAIGN_MANAGE, i);
	json_t *ctx = json_object();
	json_object_set_new(ctx, "unit", app_unit_json(t, i));
	json_object_set_new(ctx, "path", app_unit_path_json(t, i));
	json_object_set_new(ctx, "doc", meta);
	json_object_set_new(ctx, "url", json_string(url));
	json_object_set_new(ctx, "sheet", sheet_json(m));
	json_object_set_new(ctx, "is_issuer", json_boolean(is_issuer));
	json_object_set_new(ctx, "can_manage", json_boolean(can_manage));
	json_object_set_new(ctx, "board", board);
	json_object_set_new(ctx, "has_board", json_boolean(json_array_size(board) > 0));
	json_object_set_new(ctx, "receipts", receipts);
	json_object_set_new(ctx, "has_derived", json_boolean(json_array_size(derived) > 0));
	json_object_set_new(ctx, "derived", derived);
	json_object_set_new(ctx, "sign", sign);
	if (is_issuer) /* the decision's certificates (award_cert_pages.c) */
		json_object_set_new(ctx, "certs", award_cert_link(req, i, s));
	if (!is_issuer && published(s) && allowed(req, ACT_CAMPAIGN_MANAGE, i))
		json_object_set_new(ctx, "derive_url",
		                    json_string(arena_printf(a, "/units/%s/docs/new?from=%lld",
		                                             t->units[i].code, (long long)s->id)));
	if (can_manage && !published(s)) {
		/* a draft made from Word: its import review (doc_import_pages.c) stays reachable */
		buf_t review = BUF_INIT;
		if (store_doc_import_get(app->store, s->id, &review) == 1)
			json_object_set_new(ctx, "import_url",
			                    json_string(arena_printf(a, "%s/import", url)));
		buf_free(&review);
		form_view_t own = {d, s->campaign_id, s->derived_from, s->is_public, NULL, NULL};
		json_t *form = form_json(req, i, fv ? fv : &own);
		json_object_set_new(form, "version", json_integer(s->version));
		json_object_set_new(form, "action", json_string(url));
		json_object_set_new(ctx, "form", form);
		json_object_set_new(ctx, "form_open", json_boolean(fv != NULL));
		json_object_set_new(ctx, "today", json_string(app_fmt_date(a, today)));
	}
	const char *ok = done_message(app_param(req, "done"));
	if (ok)
		json_object_set_new(ctx, "ok", json_string(ok));
	if (error)
		json_object_set_new(ctx, "error", json_string(error));
	return app_render_page(req, status, "doc", s->subject, ctx);
}

int
page_doc(http_req_t *req)
{
	int32_t i = req_unit(req);
	store_doc_t s;
	int is_issuer;
	if (!bound_doc(req, i, &s, &is_issuer))
		return 0;
	if (!is_issuer)
		mark_read(req, i, &s);
	return render_doc(req, 200, i, &s, is_issuer, NULL, NULL);
}

/* The :did draft issued by :code, for the writes. 1, or 0 after replying. */
static int
own_doc(http_req_t *req, int32_t i, store_doc_t *s)
{
	int is_issuer;
	if (!bound_doc(req, i, s, &is_issuer))
		return 0;
	if (!is_issuer) {
		app_error_page(req, 404, "Đơn vị này không ban hành văn bản nào với số này.");
		return 0;
	}
	return 1;
}

int
page_doc_save(http_req_t *req)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = req_unit(req);
	store_doc_t s;
	if (!own_doc(req, i, &s))
		return 0;
	if (published(&s))
		return render_doc(req, 409, i, &s, 1, NULL,
		                  "Văn bản đã ban hành, không sửa được. Nếu cần thay đổi, hãy soạn "
		                  "văn bản mới.");
	form_in_t in;
	read_form(req, i, &in);
	form_view_t fv = {in.d, in.campaign_id, s.derived_from, in.is_public, in.errors, in.typed};
	int64_t expected;
	if ((expected = app_id_param(req, "version")) == 0)
		field_err(&in, "general",
		          "Thiếu phiên bản của bản nháp; hãy tải lại trang rồi sửa.");
	int rc;
	if (json_object_size(in.errors))
		rc = render_doc(
		        req, 422, i, &s, 1, &fv,
		        "Có mục chưa hợp lệ (ghi ngay dưới từng mục). Chưa có gì được lưu.");
	else {
		int64_t id, version;
		int st = save_draft(req, i, s.id, in.d, in.campaign_id, s.derived_from,
		                    in.is_public, expected, &id, &version);
		if (st == 0) {
			rc = http_redirect(req, 303,
			                   arena_printf(a, "/units/%s/docs/%lld?done=saved",
			                                t->units[i].code, (long long)s.id));
		} else if (st == -2 || st == -3) {
			load_doc(req, s.id, &s);
			rc = render_doc(
			        req, 409, i, &s, 1, st == -2 ? &fv : NULL,
			        st == -2 ? "Bản nháp vừa được người khác sửa. Nội dung bạn "
			                   "nhập vẫn còn trong biểu mẫu dưới đây; hãy so với "
			                   "văn bản hiện tại rồi lưu lại."
			                 : "Văn bản đã ban hành, không sửa được.");
		} else
			rc = 500;
	}
	json_decref(in.errors);
	json_decref(in.typed);
	return rc;
}

int
page_doc_publish(http_req_t *req)
{
	app_t *app = http_req_app(req);
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = req_unit(req);
	store_doc_t s;
	if (!own_doc(req, i, &s))
		return 0;
	if (published(&s))
		return render_doc(req, 409, i, &s, 1, NULL, "Văn bản này đã được ban hành.");
	int64_t version, number = 0;
	if ((version = app_id_param(req, "version")) == 0)
		return render_doc(req, 400, i, &s, 1, NULL,
		                  "Thiếu phiên bản của bản nháp; hãy tải lại trang rồi ban hành.");
	const char *np = text_trim(a, app_param(req, "number"));
	if (*np && (text_parse_int(np, strlen(np), &number) < 0 || number < 1 || number > 999999))
		return render_doc(req, 422, i, &s, 1, NULL,
		                  "Số đã cấp phải là số nguyên từ 1 đến 999999 (để trống: hệ thống "
		                  "tự cấp số tiếp theo).");
	const char *dp = text_trim(a, app_param(req, "date"));
	int32_t date = 0;
	if (*dp && when_parse_date(dp, strlen(dp), &date) < 0)
		return render_doc(
		        req, 422, i, &s, 1, NULL,
		        arena_printf(a,
		                     "Ngày ban hành \"%.20s\" không phải ngày hợp lệ; hãy "
		                     "nhập dạng " WHEN_DATE_FORMS " hoặc để trống (hôm nay).",
		                     dp));
	if (date && date != s.doc_date) {
		/* date the draft first: the number is taken in the year of that date */
		doc_t *d = doc_of(req, &s);
		if (d == NULL)
			return 500;
		d->date = date;
		d->year = year_of(date);
		int64_t id;
		int st = save_draft(req, i, s.id, d, s.campaign_id, s.derived_from, s.is_public,
		                    version, &id, &version);
		if (st == -2 || st == -3) {
			load_doc(req, s.id, &s);
			return render_doc(
			        req, 409, i, &s, 1, NULL,
			        "Bản nháp vừa được người khác sửa; hãy đọc lại rồi ban hành.");
		}
		if (st < 0)
			return 500;
	}
	char err[400] = "";
	int num = 0;
	audit_actor_t by = app_audit_actor(req); /* its audit entry goes in its transaction */
	int rc = docs_publish(app->store, t, s.id, version, docs_today(app_now()), app_now(), &by,
	                      (int)number, &num, &app->notify, err, sizeof err);
	if (rc == 0) {
		aw_published(app->store, app->live, t, s.id); /* a commendation decision */
		/* signed as issued when the unit has a key (doc_sign_pages.c) */
		int sg = doc_sign_on_publish(req, i, s.id);
		return http_redirect(req, 303,
		                     arena_printf(a, "/units/%s/docs/%lld?done=%s",
		                                  t->units[i].code, (long long)s.id,
		                                  sg > 0 ? "published_signed" : "published"));
	}
	load_doc(req, s.id, &s);
	if (rc == -2)
		return render_doc(
		        req, 409, i, &s, 1, NULL,
		        "Bản nháp đã thay đổi kể từ khi bạn mở trang; hãy đọc lại rồi ban "
		        "hành.");
	if (rc == -3)
		return render_doc(req, 409, i, &s, 1, NULL, "Văn bản này đã được ban hành.");
	if (rc == -4)
		return render_doc(
		        req, 409, i, &s, 1, NULL,
		        arena_printf(a,
		                     "Số %lld đã được cấp cho một văn bản khác của đơn vị "
		                     "trong năm này; hãy kiểm tra lại số đã cấp (để trống "
		                     "để hệ thống tự cấp số).",
		                     (long long)number));
	return render_doc(req, 422, i, &s, 1, NULL, *err ? err : "Không ban hành được văn bản.");
}

int
page_doc_public(http_req_t *req)
{
	app_t *app = http_req_app(req);
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = req_unit(req);
	store_doc_t s;
	if (!own_doc(req, i, &s))
		return 0;
	const char *p = app_param(req, "public");
	if (strcmp(p, "1") && strcmp(p, "0"))
		return render_doc(req, 400, i, &s, 1, NULL,
		                  "Hãy chọn công khai (1) hoặc không công khai (0).");
	int on = !strcmp(p, "1");
	app_user_t *u = app_req_user(req);
	/* the change and its audit entry: one transaction */
	if (store_tx_begin(app->store) < 0)
		return 500;
	int ok = store_doc_set_public(app->store, s.id, on, app_now(), u ? u->id : 0) >= 0 &&
	         app_audit(req, t, i, "doc.public", arena_printf(a, "%lld", (long long)s.id),
	                   s.is_public ? "1" : "0", on ? "1" : "0") == 0;
	if (app_tx_end(req, ok) < 0)
		return 500;
	return http_redirect(req, 303,
	                     arena_printf(a, "/units/%s/docs/%lld?done=public", t->units[i].code,
	                                  (long long)s.id));
}

/* ---------- PDF and DOCX ---------- */

/* "UBND-GDĐT" -> "UBND-GDDT": letters without marks, upper case, '-' between words. */
static void
ascii_part(const char *s, buf_t *out)
{
	buf_t f = BUF_INIT;
	if (text_fold(s, strlen(s), &f) < 0) {
		buf_free(&f);
		return;
	}
	for (const char *p = buf_cstr(&f); *p; p++) {
		char c = *p;
		if (c >= 'a' && c <= 'z')
			buf_putc(out, (char)(c - 'a' + 'A'));
		else if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))
			buf_putc(out, c);
		else if (out->len && out->data[out->len - 1] != '-')
			buf_putc(out, '-');
	}
	buf_free(&f);
}

static void
percent_encode(const char *s, buf_t *out)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_')
			buf_putc(out, (char)*p);
		else
			buf_printf(out, "%%%02X", *p);
	}
}

/* Send document s as PDF or DOCX (by the path's last segment). */
static int
send_file(http_req_t *req, const store_doc_t *s)
{
	doc_t *d = doc_of(req, s);
	if (d == NULL)
		return 500;
	const char *path = http_req_path(req);
	size_t pl = strlen(path);
	int pdf = pl >= 4 && !strcmp(path + pl - 4, "/pdf");
	buf_t out = BUF_INIT;
	char err[300] = "";
	/* a signed document's PDF is the stored bytes the signature covers, never a new render */
	int sig = pdf ? doc_signed_pdf(req, s->id, &out) : 0;
	if (sig < 0)
		return 500;
	docr_t *m = sig ? NULL : model_of(req, s, d);
	int rc = sig   ? 0
	         : pdf ? docr_render_pdf(m, &out, err, sizeof err)
	               : docr_render_docx(m, &out, err, sizeof err);
	if (rc < 0) {
		buf_free(&out);
		log_error("document %lld as %s: %s", (long long)s->id, pdf ? "PDF" : "DOCX", err);
		return 500;
	}
	/* "KH-05-UBND-2022.pdf"; the symbol without the kind's own prefix */
	buf_t sym = BUF_INIT, ascii = BUF_INIT, utf = BUF_INIT;
	doc_symbol(d, &sym);
	const char *rest = buf_cstr(&sym);
	const char *dash = strchr(rest, '-');
	if (d->kind != DOC_CV && dash)
		rest = dash + 1;
	char num[32];
	if (s->number > 0)
		snprintf(num, sizeof num, "%02d", s->number);
	else
		snprintf(num, sizeof num, "du-thao");
	const char *kc = d->kind == DOC_CV   ? "CV"
	                 : d->kind == DOC_KH ? "KH"
	                 : d->kind == DOC_BC ? "BC"
	                                     : "QD";
	int year = s->doc_date ? year_of(s->doc_date) : s->year;
	buf_printf(&ascii, "%s-%s-", kc, num);
	ascii_part(rest, &ascii);
	if (ascii.len && ascii.data[ascii.len - 1] == '-')
		ascii.len--;
	buf_printf(&ascii, "-%d.%s", year, pdf ? "pdf" : "docx");
	buf_printf(&utf, "%s-%s-%s-%d.%s", kc, num, rest, year, pdf ? "pdf" : "docx");
	buf_t cd = BUF_INIT;
	buf_printf(&cd, "attachment; filename=\"%s\"; filename*=UTF-8''", buf_cstr(&ascii));
	percent_encode(buf_cstr(&utf), &cd);
	http_resp_header(req, "Content-Disposition", buf_cstr(&cd));
	buf_free(&cd);
	buf_free(&sym);
	buf_free(&ascii);
	buf_free(&utf);
	return http_reply_buf(req, 200,
	                      pdf ? "application/pdf"
	                          : "application/vnd.openxmlformats-officedocument."
	                            "wordprocessingml.document",
	                      &out);
}

int
page_doc_file(http_req_t *req)
{
	int32_t i = req_unit(req);
	store_doc_t s;
	int is_issuer;
	if (!bound_doc(req, i, &s, &is_issuer))
		return 0;
	if (!is_issuer)
		mark_read(req, i, &s);
	return send_file(req, &s);
}

int
doc_signable_pdf(http_req_t *req, int64_t id, store_doc_t *s, buf_t *out, const char **reason,
                 const char **place)
{
	arena_t *a = http_req_arena(req);
	int rc = load_doc(req, id, s);
	if (rc <= 0)
		return rc < 0 ? -1 : 0;
	doc_t *d = doc_of(req, s);
	if (d == NULL)
		return -1;
	char err[300] = "";
	docr_t *m = model_of(req, s, d);
	if (docr_render_pdf(m, out, err, sizeof err) < 0) {
		log_error("document %lld as PDF: %s", (long long)s->id, err);
		return -1;
	}
	*reason = arena_printf(a, "Ban hành %s số %s", kind_name_of(s->kind), number_text(a, s, d));
	*place = d->place ? d->place : "";
	return 1;
}

int
doc_issued_pdf(http_req_t *req, int32_t i, store_doc_t *s, buf_t *out, const char **reason,
               const char **place, int *reply)
{
	*reply = 0;
	if (!own_doc(req, i, s))
		return 0;
	if (!published(s)) {
		*reply = render_doc(
		        req, 409, i, s, 1, NULL,
		        "Chỉ ký số được văn bản đã ban hành; hãy ban hành trước rồi ký.");
		return 0;
	}
	if (doc_signable_pdf(req, s->id, s, out, reason, place) <= 0) {
		*reply = 500;
		return 0;
	}
	return 1;
}

int
doc_page_reply(http_req_t *req, int status, int32_t i, int64_t id, const char *error)
{
	store_doc_t s;
	int rc = load_doc(req, id, &s);
	if (rc <= 0)
		return rc < 0 ? 500 : 404;
	return render_doc(req, status, i, &s, 1, NULL, error);
}

/* ---------- public documents ---------- */

/* The :did document when published and public; 0 after replying 404 otherwise. */
static int
public_doc(http_req_t *req, store_doc_t *s)
{
	int64_t id;
	int rc = (id = app_id_param(req, "did")) == 0 ? 0 : load_doc(req, id, s);
	if (rc < 0) {
		app_error_page(req, 500, NULL);
		return 0;
	}
	if (rc == 0 || !published(s) || !s->is_public) {
		app_error_page(req, 404, "Không có văn bản công khai với số này.");
		return 0;
	}
	return 1;
}

int
page_public_doc(http_req_t *req)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	store_doc_t s;
	if (!public_doc(req, &s))
		return 0;
	doc_t *d = doc_of(req, &s);
	if (d == NULL)
		return 500;
	int32_t issuer = unit_tree_find_id(t, s.issuer_unit_id);
	docr_t *m = model_of(req, &s, d);
	json_t *ctx = json_pack("{s:o,s:I,s:s,s:s,s:s,s:s}", "sheet", sheet_json(m), "id",
	                        (json_int_t)s.id, "number", number_text(a, &s, d), "kind_name",
	                        kind_name_of(s.kind), "subject", s.subject, "date",
	                        app_fmt_date(a, s.doc_date));
	if (issuer >= 0) {
		json_object_set_new(ctx, "issuer", app_unit_json(t, issuer));
		json_object_set_new(ctx, "path", app_unit_path_json(t, issuer));
	}
	return app_render_page(req, 200, "doc_public", s.subject, ctx);
}

int
page_public_doc_file(http_req_t *req)
{
	store_doc_t s;
	if (!public_doc(req, &s))
		return 0;
	return send_file(req, &s);
}

json_t *
doc_public_list(http_req_t *req, int32_t unit)
{
	int can_view = allowed(req, ACT_UNIT_VIEW, unit);
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	doc_list_t l = {.a = a};
	store_docs_of_issuer(((app_t *)http_req_app(req))->store, t->units[unit].id, list_doc, &l);
	json_t *arr = json_array();
	for (size_t k = 0; k < l.n; k++) {
		const store_doc_t *s = &l.v[k];
		if (!published(s) || !s->is_public)
			continue;
		doc_t *d = doc_of(req, s);
		json_array_append_new(
		        arr,
		        json_pack("{s:I,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)s->id, "url",
		                  arena_printf(a, "/van-ban/%lld", (long long)s->id), "kind_name",
		                  kind_name_of(s->kind), "number", number_text(a, s, d), "subject",
		                  s->subject, "date", app_fmt_date(a, s->doc_date)));
	}
	return json_pack("{s:o,s:b,s:b}", "public", arr, "has_public", json_array_size(arr) > 0,
	                 "can_view", can_view);
}

/* ---------- tasks ---------- */

/* At most max bytes of s, cut at a character boundary, with "…" when cut. */
static const char *
shorten(arena_t *a, const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max)
		return s;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return arena_printf(a, "%.*s…", (int)max, s);
}

/* One task as a row of a unit's list (its document looked up once per document). */
static json_t *
task_json(http_req_t *req, const unit_t *u, const store_task_t *k, int32_t today, store_doc_t *docs,
          int *have, size_t *ndocs, size_t cap)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	store_doc_t *s = NULL;
	for (size_t j = 0; j < *ndocs; j++)
		if (docs[j].id == k->doc_id && have[j])
			s = &docs[j];
	if (s == NULL && *ndocs < cap && load_doc(req, k->doc_id, &docs[*ndocs]) == 1) {
		have[*ndocs] = 1;
		s = &docs[(*ndocs)++];
	}
	const char *cls;
	const char *st = task_status(k, today, &cls);
	json_t *o = json_pack(
	        "{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:s}", "id", (json_int_t)k->id, "role",
	        task_role_name(k->role), "task", k->task, "due", app_fmt_date(a, k->due_date),
	        "status", st, "cls", cls, "note", k->note, "done", k->done_at > 0, "done_at",
	        app_fmt_time(a, k->done_at), "unit_code", u->code, "unit_name", u->name);
	json_object_set_new(o, "short", json_string(shorten(a, k->task, 160)));
	if (s) {
		doc_t *d = doc_of(req, s);
		int32_t issuer = unit_tree_find_id(t, s->issuer_unit_id);
		json_object_set_new(o, "doc",
		                    json_pack("{s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)s->id,
		                              "subject", s->subject, "number", number_text(a, s, d),
		                              "kind_name", kind_name_of(s->kind), "issuer",
		                              issuer >= 0 ? running_name(a, t, issuer) : ""));
	}
	return o;
}

int
page_tasks(http_req_t *req)
{
	app_t *app = http_req_app(req);
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = req_unit(req);
	int32_t today = docs_today(app_now());
	task_list_t tl = {a, NULL, 0, 0};
	if (store_tasks_of_unit(app->store, t->units[i].id, list_task, &tl) < 0)
		return 500;
	store_doc_t *docs = arena_alloc(a, (tl.n ? tl.n : 1) * sizeof *docs);
	int *have = arena_alloc(a, (tl.n ? tl.n : 1) * sizeof *have);
	size_t ndocs = 0, open = 0, late = 0;
	json_t *rows = json_array();
	for (size_t k = 0; k < tl.n; k++) {
		json_t *o = task_json(req, &t->units[i], &tl.v[k], today, docs, have, &ndocs, tl.n);
		const char *cls;
		task_status(&tl.v[k], today, &cls);
		open += strcmp(cls, "done") != 0;
		late += !strcmp(cls, "late");
		json_array_append_new(rows, o);
	}
	if (app_is_api(req))
		return app_reply_json(
		        req, 200,
		        json_pack("{s:o,s:o}", "unit", app_unit_json(t, i), "tasks", rows));
	json_t *ctx = json_pack("{s:o,s:o,s:o,s:b,s:i,s:i,s:b,s:b}", "unit", app_unit_json(t, i),
	                        "path", app_unit_path_json(t, i), "tasks", rows, "has_tasks",
	                        tl.n > 0, "open", (int)open, "late", (int)late, "has_late",
	                        late > 0, "can_edit", allowed(req, ACT_REPORT_EDIT, i));
	const char *done = app_param(req, "done");
	if (!strcmp(done, "1"))
		json_object_set_new(ctx, "ok", json_string("Đã ghi nhận nhiệm vụ hoàn thành."));
	else if (!strcmp(done, "0"))
		json_object_set_new(ctx, "ok", json_string("Đã mở lại nhiệm vụ."));
	return app_render_page(req, 200, "tasks",
	                       arena_printf(a, "Nhiệm vụ — %s", t->units[i].name), ctx);
}

typedef struct task_copy {
	arena_t *a;
	store_task_t k;
	int found;
} task_copy_t;

static int
copy_task(const store_task_t *k, void *p)
{
	task_copy_t *c = p;
	c->k = *k;
	c->k.task = arena_strdup(c->a, k->task);
	c->found = 1;
	return 0;
}

int
page_task_done(http_req_t *req)
{
	app_t *app = http_req_app(req);
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = req_unit(req);
	int64_t id;
	task_copy_t c = {a, {0}, 0};
	if ((id = app_id_param(req, "tkid")) == 0 ||
	    store_task_get(app->store, id, copy_task, &c) < 0 || !c.found ||
	    c.k.unit_id != t->units[i].id) {
		app_error_page(req, 404, "Đơn vị này không có nhiệm vụ nào với số này.");
		return 0;
	}
	const char *done = app_param(req, "done");
	if (strcmp(done, "1") && strcmp(done, "0")) {
		app_error_page(req, 400,
		               "Hãy chọn đánh dấu đã xong (done=1) hoặc mở lại nhiệm vụ (done=0).");
		return 0;
	}
	const char *note = text_trim(a, app_param(req, "note"));
	if (strlen(note) > NOTE_MAX || !text_utf8_valid(note, strlen(note))) {
		app_error_page(req, 400, "Ghi chú dài quá 2.000 byte; hãy rút gọn.");
		return 0;
	}
	int on = !strcmp(done, "1");
	app_user_t *u = app_req_user(req);
	/* the task and its audit entry: one transaction */
	if (store_tx_begin(app->store) < 0)
		return 500;
	int rc = store_task_set_done(app->store, id, t->units[i].id, on ? app_now() : 0,
	                             on && u ? u->id : 0, on ? note : "");
	int ok = rc == 1 && app_audit(req, t, i, on ? "task.done" : "task.reopen",
	                              arena_printf(a, "%lld", (long long)id),
	                              c.k.done_at ? "1" : "0", on ? "1" : "0") == 0;
	if (app_tx_end(req, ok) < 0 && rc != 0)
		return 500;
	if (rc == 0) {
		app_error_page(req, 404, "Đơn vị này không có nhiệm vụ nào với số này.");
		return 0;
	}
	return http_redirect(req, 303,
	                     arena_printf(a, "/units/%s/tasks?done=%s", t->units[i].code, done));
}

/* ---------- the home page ---------- */

json_t *
doc_home(http_req_t *req)
{
	app_user_t *u = app_req_user(req);
	if (u == NULL)
		return NULL;
	app_t *app = http_req_app(req);
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t today = docs_today(app_now());
	json_t *tasks = json_array(), *unread = json_array();
	size_t total_unread = 0, shown = 0, open_total = 0;
	for (size_t r = 0; r < u->nroles; r++) {
		int32_t i = unit_tree_find_id(t, u->roles[r].unit_id);
		int dup = 0;
		for (size_t q = 0; q < r; q++)
			dup |= u->roles[q].unit_id == u->roles[r].unit_id;
		if (i < 0 || dup)
			continue;
		task_list_t tl = {a, NULL, 0, 0};
		store_tasks_of_unit(app->store, t->units[i].id, list_task, &tl);
		store_doc_t *docs = arena_alloc(a, (tl.n ? tl.n : 1) * sizeof *docs);
		int *have = arena_alloc(a, (tl.n ? tl.n : 1) * sizeof *have);
		size_t ndocs = 0;
		for (size_t k = 0; k < tl.n; k++) {
			if (tl.v[k].done_at > 0)
				continue;
			open_total++;
			if (shown < HOME_TASKS) {
				json_array_append_new(tasks,
				                      task_json(req, &t->units[i], &tl.v[k], today,
				                                docs, have, &ndocs, tl.n));
				shown++;
			}
		}
		doc_list_t in = {.a = a};
		store_docs_to_unit(app->store, t->units[i].id, list_received, &in);
		size_t n = 0;
		for (size_t k = 0; k < in.n; k++)
			n += in.read_at[k] == 0;
		if (n) {
			total_unread += n;
			json_array_append_new(unread,
			                      json_pack("{s:s,s:s,s:i}", "code", t->units[i].code,
			                                "name", t->units[i].name, "n", (int)n));
		}
	}
	return json_pack("{s:o,s:b,s:i,s:b,s:i,s:b,s:o,s:b}", "tasks", tasks, "has_tasks",
	                 json_array_size(tasks) > 0, "open", (int)open_total, "more",
	                 open_total > shown, "unread", (int)total_unread, "has_unread",
	                 total_unread > 0, "unread_units", unread, "any",
	                 json_array_size(tasks) > 0 || total_unread > 0);
}

/* ---------- for other adapters (app.h) ---------- */

int
doc_load(http_req_t *req, int64_t id, store_doc_t *out)
{
	return load_doc(req, id, out);
}

doc_t *
doc_text(http_req_t *req, const store_doc_t *s)
{
	return doc_of(req, s);
}
