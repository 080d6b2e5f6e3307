/* Activity photos sent in chunks (static/photo.js), so that a weak phone connection that
 * drops half-way resumes where it stopped instead of starting again:
 *   POST .../photos/uploads            size=<bytes>&caption=...  -> 201 {"id", "offset": 0}
 *   POST .../photos/uploads/:uid       Content-Range: bytes a-b/size, the bytes (any type but
 *        a form's; CSRF token in X-CSRF-Token) -> {"offset"}; 409 {"offset"} when the piece
 *        does not start where the received bytes end
 *   GET  .../photos/uploads/:uid       -> {"offset", "size"} (where to go on after a drop)
 *   POST .../photos/uploads/:uid/finish -> 201 {"location"}: the same checks and re-encoding
 *        as the multipart form (activity_photo_add); the spooled file is removed either way.
 * POST, not PUT, for a piece: every state change here is a POST with the CSRF token (and the
 * authorization matrix test knows GET and POST). Answers are JSON; errors {"error": "<Vietnamese>"}
 * with a 4xx. An upload belongs to the user who started it and to that unit's activity: anyone else
 * gets 404. The bytes wait in app->upload_dir (media/upload.h: a day at most, UPL_PENDING_MAX per
 * user). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/log.h"
#include "media/photo.h"
#include "media/upload.h"
#include "text/text.h"

static int
reply_json(http_req_t *req, int status, json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (s == NULL)
		return 500;
	http_resp_header(req, "Cache-Control", "no-store");
	int rc = http_reply(req, status, "application/json; charset=utf-8", s, strlen(s));
	free(s);
	return rc;
}

static int
reply_error(http_req_t *req, int status, const char *msg)
{
	return reply_json(req, status, json_pack("{s:s}", "error", msg));
}

/* The upload's scope: this unit's activity. */
static const char *
scope_of(http_req_t *req)
{
	const char *code = http_req_param(req, "code"), *aid = http_req_param(req, "aid");
	return arena_printf(http_req_arena(req), "activity:%s:%s", code ? code : "",
	                    aid ? aid : "");
}

static int64_t
owner_of(http_req_t *req)
{
	app_user_t *u = app_req_user(req);
	return u ? u->id : 0;
}

static const char *
uid_of(http_req_t *req)
{
	const char *u = http_req_param(req, "uid");
	return u ? u : "";
}

#define NOT_FOUND_MSG                                                                                                       \
	"Không tìm thấy lượt tải ảnh này (đã xong, đã quá một ngày hoặc của người khác); hãy " \
	"chọn lại ảnh và tải lên."
#define TOO_BIG_MSG "Ảnh lớn quá 10 MB; hãy chụp ở độ phân giải thấp hơn."

int
page_photo_upload_create(http_req_t *req)
{
	const char *err;
	int st = activity_photo_room(req, &err);
	if (st != 0)
		return err ? reply_error(req, st, err) : st;
	const char *sz = http_req_param(req, "size"), *caption = http_req_param(req, "caption");
	int64_t size;
	if (sz == NULL || text_parse_int(sz, strlen(sz), &size) < 0 || size < 1)
		return reply_error(req, 400,
		                   "Trường size (số byte của ảnh) thiếu hoặc không phải số dương; "
		                   "hãy chọn lại ảnh.");
	if (caption && strlen(caption) > 300)
		return reply_error(req, 400, "Chú thích ảnh dài quá 300 byte; hãy viết ngắn lại.");
	app_t *app = http_req_app(req);
	char id[UPL_ID_LEN + 1];
	switch (upl_create(app->upload_dir, owner_of(req), scope_of(req), size, PHOTO_MAX_BYTES,
	                   caption, app_now(), id)) {
	case UPL_OK: break;
	case UPL_TOO_BIG: return reply_error(req, 413, TOO_BIG_MSG);
	case UPL_TOO_MANY:
		return reply_error(req, 429,
		                   "Bạn đang có quá nhiều lượt tải ảnh dở dang; hãy đợi các ảnh "
		                   "đang tải xong rồi thử lại.");
	case UPL_FULL:
		return reply_error(
		        req, 503,
		        "Máy chủ đang nhận quá nhiều ảnh cùng lúc; hãy thử lại sau ít phút.");
	default: return 500;
	}
	return reply_json(req, 201, json_pack("{s:s,s:i}", "id", id, "offset", 0));
}

int
page_photo_upload_chunk(http_req_t *req)
{
	app_t *app = http_req_app(req);
	int64_t start, len, total, offset;
	if (upl_parse_content_range(http_req_header(req, "Content-Range"), &start, &len, &total) <
	    0)
		return reply_error(
		        req, 400,
		        "Tiêu đề Content-Range phải có dạng \"bytes đầu-cuối/tổng\"; hãy "
		        "tải lại trang rồi thử lại.");
	size_t n;
	const char *body = http_req_body(req, &n);
	if ((int64_t)n != len)
		return reply_error(req, 400,
		                   "Số byte gửi lên không khớp với Content-Range; hãy thử lại.");
	upl_rc_t rc = upl_append(app->upload_dir, uid_of(req), owner_of(req), scope_of(req), start,
	                         body, n, total, app_now(), &offset);
	switch (rc) {
	case UPL_OK: return reply_json(req, 200, json_pack("{s:I}", "offset", (json_int_t)offset));
	case UPL_NOT_FOUND: return reply_error(req, 404, NOT_FOUND_MSG);
	case UPL_BAD_RANGE:
		/* the client asks where to go on from: the offset is in the answer */
		return reply_json(
		        req, 409,
		        json_pack("{s:s,s:I}", "error",
		                  "Phần ảnh này không nối tiếp phần đã nhận; hãy gửi tiếp "
		                  "từ vị trí máy chủ báo.",
		                  "offset", (json_int_t)offset));
	case UPL_TOO_BIG: return reply_error(req, 413, TOO_BIG_MSG);
	default: return 500;
	}
}

int
page_photo_upload_status(http_req_t *req)
{
	app_t *app = http_req_app(req);
	upl_info_t info;
	if (upl_status(app->upload_dir, uid_of(req), owner_of(req), scope_of(req), app_now(),
	               &info) != UPL_OK)
		return reply_error(req, 404, NOT_FOUND_MSG);
	http_resp_header(req, "Upload-Offset",
	                 arena_printf(http_req_arena(req), "%lld", (long long)info.offset));
	return reply_json(req, 200,
	                  json_pack("{s:I,s:I}", "offset", (json_int_t)info.offset, "size",
	                            (json_int_t)info.size));
}

int
page_photo_upload_finish(http_req_t *req)
{
	app_t *app = http_req_app(req);
	buf_t data = BUF_INIT;
	upl_info_t info;
	upl_rc_t rc = upl_take(app->upload_dir, uid_of(req), owner_of(req), scope_of(req),
	                       app_now(), &data, &info);
	if (rc == UPL_NOT_FOUND)
		return reply_error(req, 404, NOT_FOUND_MSG);
	if (rc == UPL_INCOMPLETE)
		return reply_json(req, 409,
		                  json_pack("{s:s,s:I}", "error",
		                            "Ảnh chưa tải lên đủ; hãy gửi tiếp phần còn lại.",
		                            "offset", (json_int_t)info.offset));
	if (rc != UPL_OK) {
		buf_free(&data);
		return 500;
	}
	const char *location, *err;
	size_t received = data.len; /* what is on the server's disk, not what was declared */
	int st = activity_photo_add(req, data.data, data.len, info.caption, &location, &err);
	log_info("photo upload %s: %lld bytes received, status %d", uid_of(req),
	         (long long)data.len, st ? st : 201);
	buf_free(&data);
	if (st != 0)
		return err ? reply_error(req, st, err) : st;
	return reply_json(
	        req, 201,
	        json_pack("{s:s,s:I}", "location", location, "bytes", (json_int_t)received));
}
