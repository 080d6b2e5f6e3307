/* The reporting service from the web layer (see reporting.h): a request's campaign, its
 * service context, the statuses as words. The workflow itself is src/service/reporting.c. */
#include "app/reporting.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/pagecache.h"
#include "core/log.h"
#include "core/mem.h"
#include "text/text.h"

int
rep_counted(const char *status)
{
	return rep_state_counted(rep_state_parse(status));
}

const char *
rep_status_name(const char *status)
{
	return rep_state_name(rep_state_parse(status));
}

int
rep_http_status(rep_rc_t rc)
{
	switch (rc) {
	case REP_OK: return 200;
	case REP_ERR_INVALID: return 400;
	case REP_ERR_DENIED: return 403;
	case REP_ERR_NOT_FOUND: return 404;
	case REP_ERR_CONFLICT:
	case REP_ERR_STATE:
	case REP_ERR_LOCKED:
	case REP_ERR_ELSEWHERE: return 409;
	default: return 500;
	}
}

void
rep_ctx_of(http_req_t *req, rep_ctx_t *cx)
{
	app_t *app = http_req_app(req);
	const unit_tree_t *t = app_req_tree(req);
	app_user_t *u = app_req_user(req);
	access_grant_t *g = NULL;
	size_t ng = u ? app_user_grants(req, t, &g) : 0;
	const char *ip = http_req_client_ip(req);
	*cx = (rep_ctx_t){
	        .store = app->store,
	        .tree = t,
	        .live = app->live,
	        .arena = http_req_arena(req),
	        .now = app_now(),
	        .actor = {.user_id = u ? u->id : 0,
	                  .name = u ? u->username : "",
	                  .ip = ip ? ip : "",
	                  .grants = g,
	                  .ngrants = ng},
	        .writer = app->writer,
	        .notify = &app->notify,
	};
}

int
rep_read_req(http_req_t *req, const live_campaign_t *lc, int32_t unit, rep_report_t *out)
{
	rep_ctx_t cx;
	rep_ctx_of(req, &cx);
	return rep_read(&cx, lc, unit, out) == REP_OK ? 0 : -1;
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
	live_campaign_t *lc;
	rep_rc_t rc = rep_live_get(app->live, app->store, app_req_tree(req), id, &lc);
	if (rc != REP_OK) {
		if (status)
			*status = rc == REP_ERR_NOT_FOUND ? 404 : 500;
		return NULL;
	}
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
	rep_live_forget(app->live, id);
}
