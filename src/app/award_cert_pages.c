/* Printing a commendation decision (docs/awards.md, "Printing"): its awards list in the
 * document's annex (page, PDF, DOCX, public routes: award_annex, called by doc_pages.c),
 * the certificates (Giấy khen) of an issued decision as one PDF, and the decided awards on
 * a unit's public page. Read-only adapters: the store's lists, the catalog's names, the
 * pure renderers of src/docs. The guard decides who reaches the routes (app.c). */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "core/log.h"
#include "docs/certificate.h"
#include "docs/doc.h"
#include "domain/award_catalog.h"

#define PUBLIC_AWARDS_MAX 50 /* on a unit's public page */

/* ---------- the list of a decision ---------- */

typedef struct award_list {
	arena_t *a;
	const award_catalog_t *cat;
	doc_award_t *v;
	int64_t *ids; /* the proposals' ids, for ?p= */
	const char **achievements;
	size_t n, cap;
} award_list_t;

static const char *
category_name(const award_catalog_t *cat, const char *code, int *collective)
{
	const award_category_t *c = cat ? award_category_find(cat, code) : NULL;
	if (collective)
		*collective = c ? c->collective : 0;
	return c ? c->name : code;
}

static const char *
form_name(const award_catalog_t *cat, const char *code)
{
	const award_form_t *f = cat ? award_form_find(cat, code) : NULL;
	return f ? f->name : code;
}

static int
list_add(const store_award_item_t *it, void *p)
{
	award_list_t *l = p;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		doc_award_t *v = arena_alloc(l->a, cap * sizeof *v);
		int64_t *ids = arena_alloc(l->a, cap * sizeof *ids);
		const char **ach = arena_alloc(l->a, cap * sizeof *ach);
		if (l->n) {
			memcpy(v, l->v, l->n * sizeof *v);
			memcpy(ids, l->ids, l->n * sizeof *ids);
			memcpy(ach, l->achievements, l->n * sizeof *ach);
		}
		l->v = v;
		l->ids = ids;
		l->achievements = ach;
		l->cap = cap;
	}
	doc_award_t *w = &l->v[l->n];
	w->name = arena_strdup0(l->a, it->name);
	w->place = arena_strdup0(l->a, it->place);
	w->unit = arena_strdup0(l->a, it->unit_name);
	w->category = arena_strdup0(l->a, category_name(l->cat, it->category, &w->collective));
	w->form = arena_strdup0(l->a, form_name(l->cat, it->form));
	w->amount = it->amount;
	l->ids[l->n] = it->id;
	l->achievements[l->n] = arena_strdup0(l->a, it->achievements);
	l->n++;
	return 0;
}

/* The list of document doc_id's decision into l: 0, or -1 on a store error (logged). */
static int
load_list(http_req_t *req, int64_t doc_id, award_list_t *l)
{
	app_t *app = http_req_app(req);
	memset(l, 0, sizeof *l);
	l->a = http_req_arena(req);
	l->cat = app->awards;
	if (store_award_list(app->store, doc_id, list_add, l) < 0) {
		log_error("awards list of document %lld: read failed", (long long)doc_id);
		return -1;
	}
	return 0;
}

/* The issuing unit's name in running text ("Ủy ban nhân dân quận Hải An"), NULL when the
 * request's tree does not hold it. */
static const char *
issuer_running(http_req_t *req, int64_t unit_id)
{
	const unit_tree_t *t = app_req_tree(req);
	int32_t i = unit_tree_find_id(t, unit_id);
	if (i < 0)
		return NULL;
	return doc_running_name(http_req_arena(req), t->units[i].name,
	                        t->units[i].is_locality && i != 0);
}

void
award_annex(http_req_t *req, const store_doc_t *s, const doc_t *d, docr_t *m)
{
	int any = 0;
	for (size_t k = 0; k < d->nannexes; k++)
		any |= d->annexes[k].awards;
	if (!any)
		return;
	award_list_t l;
	if (load_list(req, s->id, &l) < 0)
		l.n = 0; /* the annex then says so: an empty list, the total 0 */
	doc_render_awards(m, d, issuer_running(req, s->issuer_unit_id), l.v, l.n,
	                  http_req_arena(req));
}

/* ---------- certificates ---------- */

typedef struct dec_copy {
	store_award_decision_t d;
	arena_t *a;
	int found;
} dec_copy_t;

static int
copy_decision(const store_award_decision_t *d, void *p)
{
	dec_copy_t *c = p;
	c->d = *d;
	c->found = 1;
	c->d.status = arena_strdup0(c->a, d->status);
	c->d.fund_source = arena_strdup0(c->a, d->fund_source);
	c->d.unit_path = arena_strdup0(c->a, d->unit_path);
	c->d.doc_subject = arena_strdup0(c->a, d->doc_subject);
	return 0;
}

/* The decision of document doc_id: 1 (in *out), 0 none, -1 error. */
static int
decision_of(http_req_t *req, int64_t doc_id, store_award_decision_t *out)
{
	dec_copy_t c = {.a = http_req_arena(req)};
	if (store_award_decisions(((app_t *)http_req_app(req))->store, 0, doc_id, copy_decision,
	                          &c) < 0)
		return -1;
	if (c.found)
		*out = c.d;
	return c.found;
}

/* A category printed as "Danh hiệu: …": one that is more than the group it is listed
 * under (Gia đình hiếu học, not the plain Tập thể or Cá nhân). */
static int
is_title(const char *category)
{
	return strcmp(category, "Tập thể") != 0 && strcmp(category, "Cá nhân") != 0;
}

static int
published(const store_doc_t *s)
{
	return strcmp(s->status, "published") == 0;
}

/* The certificate of award x: its place followed by the proposing unit, left out when it
 * only repeats the name (a school commended as a collective). */
static cert_award_t
cert_award(const doc_award_t *x, const char *achievements, const char *register_no, arena_t *a)
{
	const char *where = doc_award_where(x, a);
	return (cert_award_t){
	        .form = x->form,
	        .name = x->name,
	        .place = strcmp(where, x->name) ? where : "",
	        .title = is_title(x->category) ? x->category : "",
	        .achievements = achievements,
	        .register_no = register_no,
	};
}

int
page_award_certs(http_req_t *req)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = unit_tree_find_code(t, http_req_param(req, "code"));
	int64_t did = app_id_param(req, "did");
	store_doc_t s = {0};
	store_award_decision_t dec = {0};
	int rc = did ? doc_load(req, did, &s) : 0;
	if (rc == 1 && (i < 0 || s.issuer_unit_id != t->units[i].id))
		rc = 0;
	if (rc == 1)
		rc = decision_of(req, did, &dec);
	if (rc < 0)
		return 500;
	if (rc == 0) {
		app_error_page(req, 404,
		               "Đơn vị này không ban hành quyết định khen thưởng nào với số này.");
		return 0;
	}
	if (!published(&s) || strcmp(dec.status, "issued") != 0) {
		app_error_page(req, 409,
		               "Quyết định chưa ban hành: chỉ in được giấy khen khi quyết định đã "
		               "ban hành (có số và ngày). Hãy ban hành quyết định rồi in.");
		return 0;
	}
	doc_t *d = doc_text(req, &s);
	award_list_t l;
	if (d == NULL || load_list(req, did, &l) < 0)
		return 500;
	int64_t only = 0;
	if (*app_param(req, "p") && (only = app_id_param(req, "p")) == 0) {
		app_error_page(req, 400,
		               "Tham số p (số đề nghị khen thưởng) phải là một số nguyên dương; "
		               "bỏ p để in cả danh sách.");
		return 0;
	}
	cert_t c;
	cert_from_doc(d, issuer_running(req, s.issuer_unit_id), a, &c);
	cert_award_t *w = arena_alloc(a, (l.n ? l.n : 1) * sizeof *w);
	size_t n = 0;
	int pos = 0;
	/* in the annex's order (doc_awards_table): the collectives, then the persons */
	for (int g = 1; g >= 0; g--)
		for (size_t k = 0; k < l.n; k++) {
			const doc_award_t *x = &l.v[k];
			if (!x->collective != !g)
				continue;
			pos++;
			if (only && l.ids[k] != only)
				continue;
			w[n++] = cert_award(x, l.achievements[k],
			                    cert_register_no(s.number, pos, x->form, a), a);
		}
	if (n == 0) {
		app_error_page(req, 404,
		               only ? "Không có người hay tập thể nào với số này trong danh sách "
		                      "khen thưởng của quyết định."
		                    : "Danh sách khen thưởng của quyết định này trống.");
		return 0;
	}
	c.awards = w;
	c.nawards = n;
	buf_t out = BUF_INIT;
	char err[300] = "";
	if (cert_render_pdf(&c, &out, err, sizeof err) < 0) {
		buf_free(&out);
		log_error("certificates of document %lld: %s", (long long)did, err);
		return 500;
	}
	char cd[128];
	snprintf(cd, sizeof cd, "inline; filename=\"giay-khen-QD-%02d-%d%s.pdf\"", s.number, s.year,
	         only ? arena_printf(a, "-%lld", (long long)only) : "");
	http_resp_header(req, "Content-Disposition", cd);
	return http_reply_buf(req, 200, "application/pdf", &out);
}

json_t *
award_cert_link(http_req_t *req, int32_t i, const store_doc_t *s)
{
	const unit_tree_t *t = app_req_tree(req);
	store_award_decision_t dec = {0};
	award_list_t l;
	if (!published(s) || decision_of(req, s->id, &dec) != 1 ||
	    strcmp(dec.status, "issued") != 0 || load_list(req, s->id, &l) < 0 || l.n == 0)
		return json_null();
	return json_pack("{s:s,s:s}", "url",
	                 arena_printf(http_req_arena(req), "/units/%s/docs/%lld/giay-khen.pdf",
	                              t->units[i].code, (long long)s->id),
	                 "n", app_fmt_count(http_req_arena(req), (int64_t)l.n));
}

/* ---------- the public page of a unit ---------- */

typedef struct pub_list {
	http_req_t *req;
	json_t *items;
	/* the citation of the last document seen (rows come grouped by decision) */
	int64_t doc_id;
	const char *citation;
} pub_list_t;

static int
pub_add(const store_award_public_t *w, void *p)
{
	pub_list_t *l = p;
	app_t *app = http_req_app(l->req);
	arena_t *a = http_req_arena(l->req);
	if (w->document_id != l->doc_id) {
		l->doc_id = w->document_id;
		l->citation = "";
		doc_error_t errs[DOC_MAX_ERRORS];
		size_t nerr = 0;
		doc_t *d;
		if (doc_parse(w->doc_json, strlen(w->doc_json), a, &d, errs, &nerr) == 0) {
			buf_t b = BUF_INIT, sym = BUF_INIT;
			doc_symbol(d, &sym);
			doc_citation(d->kind, w->doc_number, buf_cstr(&sym), w->doc_date,
			             doc_decider(d, issuer_running(l->req, w->decider_id), a), &b);
			l->citation = arena_strdup(a, buf_cstr(&b));
			buf_free(&b);
			buf_free(&sym);
		}
	}
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s}", "name", w->name, "unit", w->unit_name,
	                      "category", category_name(app->awards, w->category, NULL), "form",
	                      form_name(app->awards, w->form), "citation", l->citation);
	if (w->doc_public)
		json_object_set_new(
		        o, "url",
		        json_string(arena_printf(a, "/van-ban/%lld", (long long)w->document_id)));
	json_array_append_new(l->items, o);
	return 0;
}

json_t *
award_public_list(http_req_t *req, int32_t i)
{
	const unit_tree_t *t = app_req_tree(req);
	pub_list_t l = {.req = req, .items = json_array()};
	if (store_awards_public(((app_t *)http_req_app(req))->store, t->units[i].id,
	                        PUBLIC_AWARDS_MAX, pub_add, &l) < 0)
		log_error("public awards of unit %s: read failed", t->units[i].code);
	return json_pack("{s:o,s:b}", "items", l.items, "has_items", json_array_size(l.items) > 0);
}
