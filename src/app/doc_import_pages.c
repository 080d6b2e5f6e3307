/* A Word draft imported into a document (docs/documents.md, "Nhập từ Word"): the upload
 * form, the multipart upload and its JSON twin. Thin: src/docs/import_docx.c reads the
 * file, the unit's defaults fill what the file lacks, doc_validate decides, and the draft
 * is stored through docs_save_draft like the document form's create. The review (what was
 * recognised, and every paragraph that was not) is stored with the draft in the same
 * transaction, and the upload answers with a redirect to it (GET
 * /units/:code/docs/:did/import): reloading the page shows it again instead of making a
 * second draft, and it can be opened later from the draft. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "docs/doc.h"
#include "docs/import_docx.h"
#include "docs/issue.h"
#include "text/text.h"

static int32_t
req_unit(http_req_t *req)
{
	return unit_tree_find_code(app_req_tree(req), http_req_param(req, "code"));
}

static json_t *
page_ctx(http_req_t *req, int32_t i)
{
	const unit_tree_t *t = app_req_tree(req);
	return json_pack("{s:o,s:o}", "unit", app_unit_json(t, i), "path",
	                 app_unit_path_json(t, i));
}

int
page_doc_import_form(http_req_t *req)
{
	return app_render_page(req, 200, "doc_import", "Nhập văn bản từ Word",
	                       page_ctx(req, req_unit(req)));
}

static json_t *
str_array(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t k = 0; k < n; k++)
		json_array_append_new(a, json_string(v[k]));
	return a;
}

/* Empty issuer fields from the unit's own defaults; the Vietnamese names of those filled
 * are added to filled. */
static void
fill_defaults(http_req_t *req, int32_t i, doc_t *d, json_t *filled)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	const unit_t *u = &t->units[i];
	doc_t def;
	memset(&def, 0, sizeof def);
	int32_t area = docs_area(t, i);
	doc_defaults_for_unit(&def, a, u->name, u->kind, u->is_locality,
	                      u->is_locality ? NULL : t->units[area].name);
	if (!*d->body && def.body) {
		d->body = def.body;
		d->parent_body = def.parent_body ? def.parent_body : "";
		json_array_append_new(filled, json_string("tên cơ quan ban hành"));
	}
	if (!*d->body_abbr && def.body_abbr) {
		d->body_abbr = def.body_abbr;
		json_array_append_new(filled, json_string("chữ viết tắt trong ký hiệu"));
	}
	if (!*d->place && def.place) {
		d->place = def.place;
		json_array_append_new(filled, json_string("địa danh"));
	}
	if (d->year == 0) {
		int y, m, dd;
		text_civil_from_days(docs_today(app_now()), &y, &m, &dd);
		d->year = y;
		json_array_append_new(filled, json_string("năm"));
	}
	const doc_signer_t *s = &d->signer;
	if (!*s->tm && !*s->authority && !*s->head && !*s->position && !*s->name) {
		d->signer = u->is_locality ? (doc_signer_t){"ỦY BAN NHÂN DÂN", "KT.", "CHỦ TỊCH",
		                                            "PHÓ CHỦ TỊCH", ""}
		                           : (doc_signer_t){"", "", "", "THỦ TRƯỞNG ĐƠN VỊ", ""};
		json_array_append_new(filled, json_string("khối chữ ký"));
	}
}

/* The body's heading lines ("# I. MỤC ĐÍCH" -> "I. MỤC ĐÍCH"), for the review. */
static json_t *
headings(const char *text)
{
	json_t *a = json_array();
	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (*p != '#')
			continue;
		const char *h = p + strspn(p, "#");
		h += *h == ' ';
		json_array_append_new(a, json_stringn(h, strcspn(h, "\n")));
	}
	return a;
}

static size_t
count_lines(const char *text)
{
	size_t n = *text != '\0';
	for (const char *p = text; *p; p++)
		n += *p == '\n';
	return n;
}

/* The review: the draft's recognised fields and the paragraphs left over. */
static json_t *
review_json(http_req_t *req, const doc_t *d, const docx_result_t *r)
{
	arena_t *a = http_req_arena(req);
	buf_t nl = BUF_INIT, pd = BUF_INIT;
	doc_number_line(d, &nl);
	doc_place_date(d, &pd);
	json_t *bases = json_array();
	for (size_t k = 0; k < d->nbases; k++)
		json_array_append_new(bases, json_string(d->bases[k].text));
	json_t *rec = json_array();
	for (size_t k = 0; k < d->nrecipients; k++)
		json_array_append_new(rec, json_string(d->recipients[k].text));
	const doc_signer_t *s = &d->signer;
	const char *signer = arena_printf(
	        a, "%s%s%s%s%s%s%s%s", *s->tm ? "TM. " : "", s->tm, *s->tm ? " / " : "",
	        s->authority, *s->authority ? " " : "", *s->authority ? s->head : "",
	        *s->authority ? " / " : "", s->position);
	if (*s->name)
		signer = arena_printf(a, "%s / %s", signer, s->name);
	json_t *o = json_pack(
	        "{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:i,s:o,s:i,s:o,s:i,s:i,s:o,s:s,s:b}",
	        "kind_name", doc_kind_name(d->kind), "parent_body", d->parent_body, "body",
	        d->body, "number_line", buf_cstr(&nl), "place_date", buf_cstr(&pd), "subject",
	        d->subject, "signer", signer, "bases", bases, "nbases", (int)d->nbases,
	        "recipients", rec, "nrecipients", (int)d->nrecipients, "distribution",
	        str_array(d->distribution, d->ndistribution), "ndistribution",
	        (int)d->ndistribution, "nlines", (int)count_lines(d->text), "headings",
	        headings(d->text), "text", d->text, "number", d->number > 0);
	json_object_set_new(o, "nheadings",
	                    json_integer((json_int_t)json_array_size(json_object_get(o, "headings"))));
	(void)r;
	buf_free(&nl);
	buf_free(&pd);
	return o;
}

/* Import bytes as a draft of unit i. On success 0 with *id, *version; otherwise the
 * status to answer (422 refused or invalid, 500) with *msg and *fields (field errors:
 * [{field, label?, message}]) set. */
static json_t *review_json(http_req_t *req, const doc_t *d, const docx_result_t *r);

/* The review page's list of paragraphs left over (u: a JSON array of strings, taken). */
static void
set_unrecognised(json_t *ctx, json_t *u)
{
	size_t n = json_array_size(u);
	json_object_set_new(ctx, "unrecognised", u ? u : json_array());
	json_object_set_new(ctx, "nunrecognised", json_integer((json_int_t)n));
	json_object_set_new(ctx, "has_unrecognised", json_boolean(n > 0));
}

static int
issuer_of(const store_doc_t *s, void *p)
{
	*(int64_t *)p = s->issuer_unit_id;
	return 0;
}

/* Lines typed in TCVN3/VNI that the import repaired (docx_result_t.nlegacy), for the review
 * page's notice: {"count", "encoding", "notice", "examples": [{"from", "to"}], "more"}, or
 * NULL when none. The officer confirms the repair by saving the reviewed draft. */
static json_t *
legacy_json(arena_t *a, const docx_result_t *r)
{
	if (r->nlegacy == 0)
		return NULL;
	json_t *ex = json_array();
	for (size_t k = 0; k < r->nlegacy && k < DOCX_LEGACY_SHOWN; k++)
		json_array_append_new(ex, json_pack("{s:s,s:s}", "from", r->legacy_from[k], "to",
		                                    r->legacy_to[k]));
	json_t *o = json_pack(
	        "{s:I,s:s,s:s,s:o}", "count", (json_int_t)r->nlegacy, "encoding", r->legacy_enc,
	        "notice",
	        arena_printf(a,
	                     "Có %zu đoạn trong tệp được gõ bằng bảng mã %s (phông .VnTime, "
	                     "VNI-Times…); chúng tôi đã đổi sang chữ Unicode. Hãy kiểm tra "
	                     "các đoạn dưới đây và cả văn bản trước khi lưu.",
	                     r->nlegacy, r->legacy_enc),
	        "examples", ex);
	if (r->nlegacy > DOCX_LEGACY_SHOWN)
		json_object_set_new(o, "more",
		                    json_integer((json_int_t)(r->nlegacy - DOCX_LEGACY_SHOWN)));
	return o;
}

/* What the review page shows of an import, stored with its draft: the recognised fields
 * (review_json), the file's name, the defaults filled in, the unrecognised paragraphs. */
static char *
stored_review(http_req_t *req, const doc_t *d, const docx_result_t *r, const char *filename,
              json_t *filled)
{
	json_t *o = review_json(req, d, r);
	json_object_set_new(o, "filename", json_string(filename ? filename : ""));
	json_object_set(o, "defaults", filled);
	json_object_set_new(o, "unrecognised", str_array(r->unrecognised, r->nunrecognised));
	json_t *lg = legacy_json(http_req_arena(req), r);
	if (lg)
		json_object_set_new(o, "legacy", lg);
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

static int
import_draft(http_req_t *req, int32_t i, const char *data, size_t len, const char *filename,
             docx_result_t *r, json_t *filled, json_t *fields, const char **msg, int64_t *id,
             int64_t *version)
{
	app_t *app = http_req_app(req);
	arena_t *a = http_req_arena(req);
	const unit_tree_t *t = app_req_tree(req);
	if (docx_import(data, len, a, r) != DOCX_OK) {
		*msg = arena_strdup(a, r->error);
		return 422;
	}
	doc_t *d = r->doc;
	fill_defaults(req, i, d, filled);
	d->number = 0; /* given at publication; the file's number is shown, not kept */
	doc_error_t errs[DOC_MAX_ERRORS];
	size_t nerr = 0;
	if (doc_clean_imported(d, a, errs, &nerr) < 0 || doc_validate(d, errs, &nerr) < 0) {
		for (size_t k = 0; k < nerr; k++)
			json_array_append_new(fields,
			                      json_pack("{s:s,s:s}", "field",
			                                arena_printf(a, "document%s%s",
			                                             *errs[k].field ? "." : "",
			                                             errs[k].field),
			                                "message", errs[k].msg));
		*msg = "Tệp đã đọc được nhưng văn bản chưa đủ các mục bắt buộc (xem từng mục); "
		       "chưa có gì được lưu. Hãy sửa trong Word rồi tải lên lại, hoặc soạn văn "
		       "bản mới trên trang.";
		return 422;
	}
	app_user_t *u = app_req_user(req);
	char *review = stored_review(req, d, r, filename, filled);
	int64_t now = app_now();
	int ok = review && store_tx_begin(app->store) == 0;
	if (ok) {
		/* the draft, its review and its audit entry: one transaction */
		ok = docs_save_draft(app->store, 0, t->units[i].id, d, 0, 0, 0, now, u ? u->id : 0,
		                     0, id, version) == 0 &&
		     store_doc_import_put(app->store, *id, now, u ? u->id : 0, review) == 0 &&
		     app_audit(req, t, i, "doc.import", arena_printf(a, "%lld", (long long)*id), NULL,
		               d->subject) == 0;
		if (ok)
			ok = store_tx_commit(app->store) == 0;
		else
			store_tx_rollback(app->store);
	}
	free(review);
	if (!ok)
		return 500;
	return 0;
}

int
page_doc_import(http_req_t *req)
{
	const unit_tree_t *t = app_req_tree(req);
	int32_t i = req_unit(req);
	json_t *ctx = page_ctx(req, i);
	const http_part_t *f = http_req_file(req, "file");
	if (f == NULL || f->len == 0) {
		json_object_set_new(ctx, "error",
		                    json_string("Hãy chọn tệp văn bản Word (.docx) để tải lên."));
		return app_render_page(req, 400, "doc_import", "Nhập văn bản từ Word", ctx);
	}
	docx_result_t r;
	json_t *filled = json_array(), *fields = json_array();
	const char *msg = NULL;
	int64_t id = 0, version = 0;
	int st = import_draft(req, i, f->data, f->len, f->filename, &r, filled, fields, &msg,
	                      &id, &version);
	json_decref(filled);
	if (st == 0 || st == 500) {
		json_decref(ctx);
		json_decref(fields);
		if (st == 500)
			return 500;
		return http_redirect(req, 303,
		                     arena_printf(http_req_arena(req), "/units/%s/docs/%lld/import",
		                                  t->units[i].code, (long long)id));
	}
	json_object_set_new(ctx, "error", json_string(msg));
	json_t *fe = json_array(), *e;
	size_t k;
	json_array_foreach(fields, k, e) json_array_append_new(
	        fe, json_pack("{s:O,s:O}", "label", json_object_get(e, "field"), "message",
	                      json_object_get(e, "message")));
	json_object_set_new(ctx, "has_field_errors", json_boolean(json_array_size(fe) > 0));
	json_object_set_new(ctx, "field_errors", fe);
	if (r.doc)
		set_unrecognised(ctx, str_array(r.unrecognised, r.nunrecognised));
	json_decref(fields);
	return app_render_page(req, st, "doc_import", "Nhập văn bản từ Word", ctx);
}

/* GET /units/:code/docs/:did/import: the review stored with a draft the unit imported from
 * Word (the upload's redirect); 404 for a document not imported or not the unit's. */
int
page_doc_import_review(http_req_t *req)
{
	app_t *app = http_req_app(req);
	arena_t *a = http_req_arena(req);
	const unit_tree_t *t = app_req_tree(req);
	int32_t i = req_unit(req);
	const char *did = http_req_param(req, "did");
	char *end = NULL;
	long long id = did ? strtoll(did, &end, 10) : 0;
	int64_t issuer = 0;
	buf_t review = BUF_INIT;
	int rc = id > 0 && end && !*end ? store_doc_get(app->store, id, issuer_of, &issuer) : 0;
	if (rc == 1 && issuer == t->units[i].id)
		rc = store_doc_import_get(app->store, id, &review);
	else if (rc == 1)
		rc = 0;
	if (rc < 0) {
		buf_free(&review);
		return 500;
	}
	json_error_t err;
	json_t *draft = rc == 1 ? json_loads(buf_cstr(&review), 0, &err) : NULL;
	buf_free(&review);
	if (draft == NULL) {
		app_error_page(req, 404, "Không có kết quả nhập từ Word của văn bản này.");
		return 0;
	}
	json_t *ctx = page_ctx(req, i);
	json_object_set_new(draft, "url", json_string(arena_printf(a, "/units/%s/docs/%lld",
	                                                             t->units[i].code, id)));
	buf_t defs = BUF_INIT;
	size_t k;
	json_t *v;
	json_array_foreach(json_object_get(draft, "defaults"), k, v)
	{
		buf_puts(&defs, k ? ", " : "");
		buf_puts(&defs, json_string_value(v));
	}
	if (defs.len)
		json_object_set_new(ctx, "defaults", json_string(buf_cstr(&defs)));
	buf_free(&defs);
	set_unrecognised(ctx, json_incref(json_object_get(draft, "unrecognised")));
	json_object_set_new(ctx, "draft", draft);
	return app_render_page(req, 200, "doc_import", "Nhập văn bản từ Word", ctx);
}

/* POST /api/v1/units/:code/docs/import: the .docx as the raw body -> 201 {"id",
 * "version", "url", "document", "unrecognised", "defaults"}; 422 {"error": {"status",
 * "message", "fields"?, "unrecognised"?}} with nothing stored. */
int
api_doc_import(http_req_t *req)
{
	arena_t *a = http_req_arena(req);
	const unit_tree_t *t = app_req_tree(req);
	int32_t i = req_unit(req);
	size_t len = 0;
	const char *body = http_req_body(req, &len);
	docx_result_t r;
	json_t *filled = json_array(), *fields = json_array();
	const char *msg = NULL;
	int64_t id = 0, version = 0;
	int st = import_draft(req, i, body ? body : "", body ? len : 0, NULL, &r, filled, fields, &msg,
	                      &id, &version);
	if (st == 500) {
		json_decref(filled);
		json_decref(fields);
		return 500;
	}
	json_t *unrec = r.doc ? str_array(r.unrecognised, r.nunrecognised) : json_array();
	if (st != 0) {
		json_decref(filled);
		json_t *err = json_pack("{s:i,s:s}", "status", st, "message", msg);
		if (json_array_size(fields))
			json_object_set(err, "fields", fields);
		if (r.doc)
			json_object_set(err, "unrecognised", unrec);
		json_decref(fields);
		json_decref(unrec);
		return app_reply_json(req, st, json_pack("{s:o}", "error", err));
	}
	json_decref(fields);
	json_t *ok = json_pack(
	        "{s:I,s:I,s:s,s:o,s:o,s:o}", "id", (json_int_t)id, "version", (json_int_t)version,
	        "url", arena_printf(a, "/units/%s/docs/%lld", t->units[i].code, (long long)id),
	        "document", doc_json(r.doc), "unrecognised", unrec, "defaults", filled);
	json_t *lg = legacy_json(a, &r);
	if (lg) /* repaired in the draft: the client shows it for confirmation */
		json_object_set_new(ok, "legacy", lg);
	return app_reply_json(req, 201, ok);
}
