/* Small pieces every reporting page shares: the :code unit, API or page, a campaign as JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/pagecache.h"
#include "app/report_pages.h"
#include "app/reporting.h"
#include "core/log.h"
#include "core/mem.h"
#include "text/text.h"

int32_t
rep_req_unit(http_req_t *req)
{
	return unit_tree_find_code(app_req_tree(req), http_req_param(req, "code"));
}

int
rep_is_api(http_req_t *req)
{
	return strncmp(http_req_path(req), "/api/", 5) == 0;
}

json_t *
rep_campaign_json(http_req_t *req, const campaign_t *c)
{
	arena_t *a = http_req_arena(req);
	const unit_tree_t *t = app_req_tree(req);
	int32_t issuer = campaign_issuer(c, t);
	json_t *o =
	        json_pack("{s:I,s:i,s:s,s:s,s:s,s:s,s:s,s:s}", "id", (json_int_t)c->id, "year",
	                  c->year, "name", c->name, "theme", c->theme, "status", c->status, "start",
	                  app_fmt_date(a, c->start_date), "end", app_fmt_date(a, c->end_date),
	                  "registration_deadline", app_fmt_date(a, c->registration_deadline));
	json_object_set_new(o, "issuer", issuer >= 0 ? app_unit_json(t, issuer) : json_null());
	json_object_set_new(o, "template", json_string(c->tpl->name));
	return o;
}

int
rep_is_level(const unit_tree_t *t, int32_t i)
{
	return t->units[i].is_locality;
}
