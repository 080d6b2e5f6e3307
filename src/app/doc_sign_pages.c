/* The digital signature of issued documents over HTTP: the "Ký số" action of the issuer
 * (POST /units/:code/docs/:did/sign), the signed bytes served in place of a render, and
 * what the document page shows about it. The work is docs_sign (src/docs/signing.h). */
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "core/log.h"
#include "docs/signing.h"

typedef struct signed_row {
	arena_t *a;
	buf_t *out; /* NULL: the row only */
	store_doc_signed_t row;
} signed_row_t;

static int
copy_signed(const store_doc_signed_t *d, const void *pdf, size_t n, void *p)
{
	signed_row_t *r = p;
	r->row = *d;
	r->row.sha256 = arena_strdup(r->a, d->sha256);
	r->row.signer = arena_strdup(r->a, d->signer);
	if (r->out && pdf)
		buf_append(r->out, pdf, n);
	return 0;
}

int
doc_signed_pdf(http_req_t *req, int64_t id, buf_t *out)
{
	app_t *app = http_req_app(req);
	signed_row_t r = {http_req_arena(req), out, {0}};
	return store_doc_signed_get(app->store, id, 1, copy_signed, &r);
}

json_t *
doc_sign_json(http_req_t *req, int32_t i, int64_t id, int published, int can_manage)
{
	app_t *app = http_req_app(req);
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	signed_row_t r = {a, NULL, {0}};
	int rc = published ? store_doc_signed_get(app->store, id, 0, copy_signed, &r) : 0;
	json_t *o = json_pack("{s:b}", "signed", rc == 1);
	if (rc == 1) {
		json_object_set_new(o, "signer", json_string(r.row.signer));
		json_object_set_new(o, "signed_at", json_string(app_fmt_time(a, r.row.signed_at)));
		json_object_set_new(o, "sha256", json_string(r.row.sha256));
		json_object_set_new(o, "size", json_integer((json_int_t)r.row.size));
	} else if (published && can_manage) {
		json_object_set_new(
		        o, "can_sign",
		        json_boolean(docs_sign_key_present(app->sign_keys, t->units[i].code)));
		json_object_set_new(o, "sign_url",
		                    json_string(arena_printf(a, "/units/%s/docs/%lld/sign",
		                                             t->units[i].code, (long long)id)));
	}
	json_object_set_new(o, "show",
	                    json_boolean(json_object_get(o, "signed") == json_true() ||
	                                 json_object_get(o, "sign_url") != NULL));
	return o;
}

int
doc_sign_on_publish(http_req_t *req, int32_t i, int64_t id)
{
	app_t *app = http_req_app(req);
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	if (!docs_sign_key_present(app->sign_keys, t->units[i].code))
		return 0;
	store_doc_t s;
	buf_t pdf = BUF_INIT;
	const char *reason, *place;
	if (doc_signable_pdf(req, id, &s, &pdf, &reason, &place) <= 0) {
		buf_free(&pdf);
		return -1;
	}
	app_user_t *u = app_req_user(req);
	docs_sign_in_t in = {id,      t->units[i].id, t->units[i].code,
	                     reason,  place,          (const uint8_t *)pdf.data,
	                     pdf.len, app_now(),      u ? u->id : 0};
	char msg[400] = "";
	/* the signed copy and its audit entry: one transaction */
	if (store_tx_begin(app->store) < 0) {
		buf_free(&pdf);
		return -1;
	}
	docs_sign_rc_t rc = docs_sign(app->store, app->sign_keys, &in, msg, sizeof msg);
	buf_free(&pdf);
	int ok = rc == DOCS_SIGN_OK &&
	         app_audit(req, t, i, "doc.sign", arena_printf(a, "%lld", (long long)id), NULL,
	                   msg) == 0;
	if (app_tx_end(req, ok) < 0) {
		log_warn("văn bản %lld ban hành nhưng chưa ký số: %s", (long long)id,
		         rc != DOCS_SIGN_OK ? msg : "không lưu được");
		return -1;
	}
	return 1;
}

int
page_doc_sign(http_req_t *req)
{
	app_t *app = http_req_app(req);
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = unit_tree_find_code(t, http_req_param(req, "code"));
	store_doc_t s;
	buf_t pdf = BUF_INIT;
	const char *reason, *place;
	int reply;
	if (!doc_issued_pdf(req, i, &s, &pdf, &reason, &place, &reply)) {
		buf_free(&pdf);
		return reply;
	}
	app_user_t *u = app_req_user(req);
	docs_sign_in_t in = {
	        .doc_id = s.id,
	        .issuer_unit_id = t->units[i].id,
	        .unit_code = t->units[i].code,
	        .reason = reason,
	        .location = place,
	        .pdf = (const uint8_t *)pdf.data,
	        .n = pdf.len,
	        .now = app_now(),
	        .actor_id = u ? u->id : 0,
	};
	char msg[400] = "";
	/* the signed copy and its audit entry: one transaction */
	if (store_tx_begin(app->store) < 0) {
		buf_free(&pdf);
		return 500;
	}
	docs_sign_rc_t rc = docs_sign(app->store, app->sign_keys, &in, msg, sizeof msg);
	buf_free(&pdf);
	int ok = rc == DOCS_SIGN_OK &&
	         app_audit(req, t, i, "doc.sign", arena_printf(a, "%lld", (long long)s.id), NULL,
	                   msg) == 0;
	if (app_tx_end(req, ok) < 0 && rc == DOCS_SIGN_OK)
		return 500;
	switch (rc) {
	case DOCS_SIGN_OK:
		return http_redirect(req, 303,
		                     arena_printf(a, "/units/%s/docs/%lld?done=signed",
		                                  t->units[i].code, (long long)s.id));
	case DOCS_SIGN_NO_KEY:
	case DOCS_SIGN_BAD_KEY:
	case DOCS_SIGN_STATE: return doc_page_reply(req, 409, i, s.id, msg);
	case DOCS_SIGN_INVALID: return doc_page_reply(req, 422, i, s.id, msg);
	default: return 500;
	}
}
