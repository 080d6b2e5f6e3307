/* The reviewers' outlier list of a level: the values of its subtree's counted reports that
 * break a soft rule of the template or lie far from the unit's peers or its previous
 * campaign (service/warnings.h), worst first, each with a link to its report. Access: the
 * route's rule "below:report.review" lets in whoever reviews every unit under :code; each
 * unit is checked again (access_allowed), as the review queue does. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "app/report_pages.h"
#include "app/reporting.h"
#include "service/warnings.h"

/* Values listed (the worst); the count says how many there are in all. */
#define OUTLIERS_SHOW 500

static const char *const rule_names[] = {"Khoảng thường gặp", "Tỉ số", "So với đơn vị cùng loại",
                                         "So với năm trước"};

int
page_outliers(http_req_t *req)
{
	live_campaign_t *lc = rep_campaign(req);
	if (!lc)
		return 0;
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	int32_t i = rep_req_unit(req);
	rep_unit_state_t *st = rep_load_states(req, lc);
	if (st == NULL)
		return 500;
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	unsigned char *counted = arena_alloc(a, (size_t)t->n + 1);
	unsigned char *only = arena_alloc(a, (size_t)t->n + 1);
	memset(only, 0, (size_t)t->n + 1);
	for (int32_t k = 0; k < t->n; k++)
		counted[k] = (unsigned char)rep_counted(st[k].status);
	for (int32_t k = i + 1; k < t->units[i].end; k++)
		only[k] = counted[k] && access_allowed(t, g, ng, ACT_REPORT_REVIEW, k);
	cmp_env_t ce;
	rep_cmp_env(req, &ce);
	warn_env_t env = {.arena = a, .tree = t, .lc = lc, .counted = counted, .cmp = &ce};
	warn_row_t *rows;
	size_t total;
	size_t n = warn_subtree(&env, i, only, OUTLIERS_SHOW, &rows, &total);
	json_t *list = json_array();
	for (size_t k = 0; k < n; k++) {
		const warn_row_t *r = &rows[k];
		const unit_t *u = &t->units[r->unit];
		json_t *o = json_object();
		json_object_set_new(o, "code", json_string(u->code));
		json_object_set_new(o, "name", json_string(u->name));
		json_object_set_new(o, "kind_name", json_string(u->kind_name));
		json_object_set_new(o, "parent_name",
		                    json_string(u->parent >= 0 ? t->units[u->parent].name : ""));
		json_object_set_new(o, "item", json_string(r->item->code));
		json_object_set_new(o, "number", json_string(r->item->number));
		json_object_set_new(o, "label", json_string(r->item->label));
		json_object_set_new(o, "value", json_integer(r->value));
		json_object_set_new(o, "value_text", json_string(app_fmt_count(a, r->value)));
		json_object_set_new(o, "unit_of_measure", json_string(r->item->unit));
		json_object_set_new(o, "rule", json_string(warn_rule_code(r->rule)));
		json_object_set_new(o, "rule_name", json_string(rule_names[r->rule]));
		json_object_set_new(o, "message", json_string(r->message));
		json_object_set_new(o, "score", json_real(round(r->score * 100) / 100));
		json_object_set_new(o, "report",
		                    json_string(arena_printf(a, "/campaigns/%lld/units/%s/report",
		                                             (long long)lc->c->id, u->code)));
		json_array_append_new(list, o);
	}
	json_t *o = json_object();
	json_object_set_new(o, "campaign", rep_campaign_json(req, lc->c));
	json_object_set_new(o, "unit", app_unit_json(t, i));
	json_object_set_new(o, "path", app_unit_path_links(req, t, i));
	json_object_set_new(o, "count", json_integer((json_int_t)total));
	json_object_set_new(o, "count_text", app_json_count((int64_t)total));
	json_object_set_new(o, "shown", json_integer((json_int_t)n));
	if (n < total)
		json_object_set_new(
		        o, "truncated",
		        json_string(arena_printf(a, "Chỉ hiện %d số liệu khác thường nhất.",
		                                 OUTLIERS_SHOW)));
	json_object_set_new(o, "has_outliers", json_boolean(n > 0));
	json_object_set_new(o, "outliers", list);
	if (rep_is_api(req))
		return app_reply_json(req, 200, o);
	return app_render_page(req, 200, "outliers",
	                       arena_printf(a, "Số liệu khác thường — %s", t->units[i].name), o);
}
