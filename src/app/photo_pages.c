/* Representative photos of a report ("hình ảnh tiêu biểu"): upload from a plain form (no
 * JavaScript), re-encoded by src/media/photo.c before anything is stored; shown as
 * thumbnails on the report; deleted while the report is editable. */
#include <stdio.h>
#include <string.h>

#include "app/reporting.h"
#include "core/log.h"
#include "media/photo.h"
#include "text/text.h"

#define MAX_PHOTOS 10

typedef struct photo_list {
	http_req_t *req;
	const char *base;
	json_t *rows;
} photo_list_t;

static int
photo_row(const store_photo_t *p, void *ctx)
{
	photo_list_t *l = ctx;
	json_array_append_new(
	        l->rows, json_pack("{s:I,s:s,s:s,s:s,s:i,s:i}", "id", (json_int_t)p->id, "caption",
	                           p->caption, "url",
	                           arena_printf(http_req_arena(l->req), "%s/photos/%lld", l->base,
	                                        (long long)p->id),
	                           "thumb",
	                           arena_printf(http_req_arena(l->req), "%s/photos/%lld?size=thumb",
	                                        l->base, (long long)p->id),
	                           "width", p->width, "height", p->height));
	return 0;
}

json_t *
rep_photos_json(http_req_t *req, int64_t campaign_id, const char *unit_code, int64_t report_id)
{
	photo_list_t l = {req,
	                  arena_printf(http_req_arena(req), "/campaigns/%lld/units/%s",
	                               (long long)campaign_id, unit_code),
	                  json_array()};
	if (report_id)
		store_photos_of_report(((app_t *)http_req_app(req))->store, report_id, photo_row,
		                       &l);
	return l.rows;
}

static int
fail_form(http_req_t *req, int status, const char *msg)
{
	app_error_page(req, status, msg);
	return 0;
}

static const char *
back_to(http_req_t *req, live_campaign_t *lc, int32_t i, const char *done)
{
	return arena_printf(http_req_arena(req), "/campaigns/%lld/units/%s/report?done=%s",
	                    (long long)lc->c->id, app_req_tree(req)->units[i].code, done);
}

int
page_photo_upload(http_req_t *req)
{
	live_campaign_t *lc = rep_report_campaign(req);
	if (!lc)
		return 0;
	app_t *app = http_req_app(req);
	const unit_tree_t *t = app_req_tree(req);
	int32_t i = unit_tree_find_code(t, http_req_param(req, "code"));
	(void)app;
	const http_part_t *f = http_req_file(req, "photo");
	if (f == NULL || f->len == 0)
		return fail_form(req, 400, "Hãy chọn một ảnh (JPEG, PNG hoặc WebP) để tải lên.");
	const char *caption = http_req_param(req, "caption");
	photo_out_t out;
	char err[300];
	if (photo_process(f->data, f->len, &out, err, sizeof err) < 0)
		return fail_form(req, 400, err);
	rep_ctx_t cx;
	rep_ctx_of(req, &cx);
	rep_photo_t p = {out.full.data, out.thumb.data, out.full.len,          out.thumb.len,
	                 out.width,     out.height,     caption ? caption : ""};
	rep_outcome_t o;
	int64_t id;
	rep_rc_t rc = rep_photo_add(&cx, lc, i, &p, MAX_PHOTOS, &id, &o);
	photo_out_free(&out);
	if (rc == REP_ERR_STORE)
		return 500;
	if (rc != REP_OK)
		return fail_form(req, rep_http_status(rc), o.message);
	return http_redirect(req, 303, back_to(req, lc, i, "photo"));
}

typedef struct photo_bytes {
	int64_t report_id;
	buf_t data;
} photo_bytes_t;

static int
take_bytes(const store_photo_t *p, const void *data, size_t len, void *ctx)
{
	photo_bytes_t *b = ctx;
	b->report_id = p->report_id;
	buf_append(&b->data, data, len);
	return 0;
}

/* The :pid photo, if it belongs to this unit's report in this campaign. */
static int
load_photo(http_req_t *req, live_campaign_t *lc, int32_t i, int thumb, rep_report_t *r,
           int64_t *pid, photo_bytes_t *b)
{
	const char *pp = http_req_param(req, "pid");
	memset(b, 0, sizeof *b);
	if (!pp || text_parse_int(pp, strlen(pp), pid) < 0 || rep_read_req(req, lc, i, r) < 0 ||
	    !r->exists ||
	    store_photo_get(((app_t *)http_req_app(req))->store, *pid, thumb, take_bytes, b) != 1 ||
	    b->report_id != r->id) {
		buf_free(&b->data);
		app_error_page(req, 404, "Không tìm thấy ảnh này trong báo cáo.");
		return -1;
	}
	return 0;
}

int
page_photo(http_req_t *req)
{
	live_campaign_t *lc = rep_report_campaign(req);
	if (!lc)
		return 0;
	int32_t i = unit_tree_find_code(app_req_tree(req), http_req_param(req, "code"));
	const char *size = http_req_param(req, "size");
	rep_report_t r;
	int64_t pid;
	photo_bytes_t b;
	if (load_photo(req, lc, i, size && !strcmp(size, "thumb"), &r, &pid, &b) < 0)
		return 0;
	/* private: a report's photos are not public until the report is */
	http_resp_header(req, "Cache-Control", "private, max-age=86400");
	return http_reply_buf(req, 200, "image/jpeg", &b.data);
}

int
page_photo_delete(http_req_t *req)
{
	live_campaign_t *lc = rep_report_campaign(req);
	if (!lc)
		return 0;
	const unit_tree_t *t = app_req_tree(req);
	int32_t i = unit_tree_find_code(t, http_req_param(req, "code"));
	rep_report_t r;
	int64_t pid;
	photo_bytes_t b;
	if (load_photo(req, lc, i, 1, &r, &pid, &b) < 0)
		return 0;
	buf_free(&b.data);
	(void)t;
	rep_ctx_t cx;
	rep_ctx_of(req, &cx);
	rep_outcome_t o;
	rep_rc_t rc = rep_photo_delete(&cx, lc, i, pid, &o);
	if (rc == REP_ERR_STORE)
		return 500;
	if (rc != REP_OK)
		return fail_form(req, rep_http_status(rc), o.message);
	return http_redirect(req, 303, back_to(req, lc, i, "photo_deleted"));
}
