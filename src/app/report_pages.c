/* The results form and its API, thin adapters over the reporting service
 * (src/service/reporting.h): read the form or the JSON into values, call the service,
 * render its outcome. Access to each route is decided by the guard on the :code unit; the
 * service checks the report's own rules (state, level lock, version). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/report_pages.h"
#include "app/form.h"
#include "app/reporting.h"
#include "core/log.h"
#include "core/mem.h"
#include "service/warnings.h"
#include "domain/activity.h"
#include "domain/jsonin.h"
#include "text/text.h"

#define MAX_TEXT 20000

/* What the form showed or the API sent, with the errors to show next to each item. */
typedef struct form_state {
	rep_values_t v;
	const char **typed;  /* per item index in document order: what was typed (re-shown) */
	const char **errors; /* per item index */
	size_t nerrors;
	const char *form_error;
	/* the service's repaired TCVN3/VNI texts and notes (rep_outcome_t), or NULL */
	const char **suggest_text, **suggest_note;
} form_state_t;

static void
form_state_init(arena_t *a, const template_t *tpl, form_state_t *fs)
{
	size_t n = rep_item_count(tpl) + 1;
	memset(fs, 0, sizeof *fs);
	rep_values_init(a, tpl, &fs->v);
	fs->typed = arena_alloc(a, n * sizeof *fs->typed);
	fs->errors = arena_alloc(a, n * sizeof *fs->errors);
	memset(fs->typed, 0, n * sizeof *fs->typed);
	memset(fs->errors, 0, n * sizeof *fs->errors);
}

typedef struct frozen_ctx {
	const template_t *tpl;
	int64_t *num;
	int any;
} frozen_ctx_t;

static int
frozen_value(const store_value_t *v, void *p)
{
	frozen_ctx_t *f = p;
	const tpl_item_t *it = template_item(f->tpl, v->item);
	if (it && it->col >= 0)
		f->num[it->col] = v->num;
	f->any = 1;
	return 0;
}

/* Each group heading gets the totals of the counts under it, by unit of measure ("17 lớp,
 * 450 lượt"): shown after a save, and kept current as one types by static/report.js. */
void
rep_group_totals(const template_t *tpl, const tpl_section_t *sec, const int64_t *num,
                 const unsigned char *has, json_t *items)
{
	(void)tpl;
	json_t *head = NULL;
	enum { MAXU = 8 };
	const char *units[MAXU];
	int64_t sums[MAXU];
	int nu = 0;
	for (size_t k = 0; k <= sec->nitems; k++) {
		const tpl_item_t *it = k < sec->nitems ? &sec->items[k] : NULL;
		if (it == NULL || it->heading) {
			if (head && nu) {
				buf_t b = BUF_INIT;
				for (int q = 0; q < nu; q++) {
					if (q)
						buf_puts(&b, ", ");
					text_format_int(sums[q], &b);
					buf_printf(&b, " %s", units[q]);
				}
				json_object_set_new(head, "group_total", json_string(buf_cstr(&b)));
				buf_free(&b);
			}
			head = it ? json_array_get(items, k) : NULL;
			nu = 0;
			continue;
		}
		if (!head || it->col < 0 || it->type == TPL_BOOL || !*it->unit)
			continue;
		int q = 0;
		while (q < nu && strcmp(units[q], it->unit) != 0)
			q++;
		if (q == nu) {
			if (nu == MAXU)
				continue;
			units[nu] = it->unit;
			sums[nu++] = 0;
		}
		if (!has || has[it->col])
			sums[q] += num[it->col];
	}
}

/* ---------- outlier warnings (service/warnings.h) ---------- */

/* Warnings on unit i's values as shown (a level's: its totals), worst first: never a
 * refusal, shown beside each value and in the API's "warnings". */
static size_t
report_warnings(http_req_t *req, const live_campaign_t *lc, int32_t i, const rep_values_t *v,
                int template_only, warn_t **out)
{
	rep_ctx_t cx;
	rep_ctx_of(req, &cx);
	cmp_env_t *ce = arena_alloc(cx.arena, sizeof *ce);
	rep_cmp_env(req, ce);
	warn_env_t env = {.arena = cx.arena,
	                  .tree = cx.tree,
	                  .lc = lc,
	                  .cmp = ce,
	                  .template_only = template_only};
	return warn_unit(&env, i, v, out);
}

/* [{item, rule, message}] for the API. */
static json_t *
warnings_json(const warn_t *w, size_t n)
{
	json_t *list = json_array();
	for (size_t k = 0; k < n; k++)
		json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:f}", "item", w[k].item->code,
		                                      "rule", warn_rule_code(w[k].rule), "message",
		                                      w[k].message, "score",
		                                      round(w[k].score * 100) / 100));
	return list;
}

/* ---------- a level's submit while units below it have not reported ---------- */

#define MISSING_SHOWN 200 /* units listed by name; the chase board lists the rest */

/* The units below level i that the campaign expects and that have no counted report, by
 * the chase board's counting (rep_progress_count): *pg its counts below i (the level
 * itself left out: it is the one submitting), and the first MISSING_SHOWN of the missing
 * as {code, name, parent, parent_name, status, status_name, can_view}. */
static json_t *
level_missing(http_req_t *req, live_campaign_t *lc, int32_t i, rep_progress_t *pg)
{
	const unit_tree_t *t = app_req_tree(req);
	rep_unit_state_t *st = rep_load_states(req, lc);
	rep_progress_count(lc->c, t, st + i + 1, i + 1, t->units[i].end, pg);
	json_t *list = json_array();
	if (pg->missing == 0)
		return list;
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	for (int32_t k = i + 1; k < t->units[i].end && json_array_size(list) < MISSING_SHOWN; k++) {
		if (!campaign_expects(lc->c, t, k) || rep_counted(st[k].status))
			continue;
		int32_t up = t->units[k].parent;
		json_t *o =
		        json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:b}", "code", t->units[k].code, "name",
		                  t->units[k].name, "parent", up >= 0 ? t->units[up].code : "",
		                  "parent_name", up >= 0 ? t->units[up].name : "", "status",
		                  *st[k].status ? st[k].status : "none", "status_name",
		                  rep_status_name(st[k].status), "can_view",
		                  access_allowed(t, g, ng, ACT_UNIT_VIEW, k));
		json_array_append_new(list, o);
	}
	return list;
}

/* "2/16 đơn vị đã nộp", the missing list and how many more, for the page's context. */
static json_t *
progress_json(http_req_t *req, const rep_progress_t *pg, json_t *list)
{
	arena_t *a = http_req_arena(req);
	json_t *o = json_object();
	json_object_set_new(o, "expected", json_integer(pg->expected));
	json_object_set_new(o, "submitted", json_integer(pg->submitted));
	json_object_set_new(
	        o, "text",
	        json_string(arena_printf(a, "%s/%s đơn vị đã nộp", app_fmt_count(a, pg->submitted),
	                                 app_fmt_count(a, pg->expected))));
	json_object_set_new(o, "any_missing", json_boolean(pg->missing > 0));
	json_object_set_new(o, "missing_text", json_string(app_fmt_count(a, pg->missing)));
	int64_t more = pg->missing - (int64_t)json_array_size(list);
	if (more > 0)
		json_object_set_new(o, "more", json_string(app_fmt_count(a, more)));
	json_object_set_new(o, "missing", list);
	return o;
}

#define SUBMITTED_MSG "Đã nộp báo cáo. Báo cáo bị khóa cho đến khi cấp trên trả lại."

json_t *
rep_receipt_json(arena_t *a, int64_t campaign_id, const char *code, int64_t submitted_at)
{
	if (submitted_at <= 0)
		return NULL;
	buf_t b = BUF_INIT;
	activity_format_hhmm(submitted_at, &b);
	buf_puts(&b, " ngày ");
	activity_format_date(submitted_at, &b);
	json_t *o = json_pack("{s:s,s:s,s:s}", "at", buf_cstr(&b), "pdf",
	                      arena_printf(a, "/campaigns/%lld/units/%s/phuluc.pdf",
	                                   (long long)campaign_id, code),
	                      "xlsx",
	                      arena_printf(a, "/campaigns/%lld/units/%s/phuluc.xlsx",
	                                   (long long)campaign_id, code));
	buf_free(&b);
	return o;
}

static int
render_report(http_req_t *req, live_campaign_t *lc, int32_t i, const rep_report_t *r,
              const form_state_t *fs, int status, const char *ok)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	const template_t *tpl = lc->c->tpl;
	int level = rep_is_level(t, i);
	size_t nc = tpl->ncols ? tpl->ncols : 1;
	access_grant_t *g;
	size_t ng = app_user_grants(req, t, &g);
	int can_edit = access_allowed(t, g, ng, ACT_REPORT_EDIT, i);
	int can_submit = access_allowed(t, g, ng, ACT_REPORT_SUBMIT, i);
	int can_review = access_allowed(t, g, ng, ACT_REPORT_REVIEW, i);
	rep_ctx_t cx;
	rep_ctx_of(req, &cx);
	int32_t lock = rep_locked_by(&cx, lc, i);
	int open_state = r->state == RS_NONE || r->state == RS_DRAFT || r->state == RS_RETURNED ||
	                 r->state == RS_REOPENED;
	int editable = can_edit && open_state && lock < 0;
	can_review = can_review && lock < 0;
	int64_t *tot = arena_alloc(a, nc * sizeof *tot);
	rollup_subtree(lc->ru, t, i, 0, tot, NULL);
	const int64_t *num = fs ? fs->v.num : r->num;
	const unsigned char *has = fs ? fs->v.has : r->has;
	const char **text = fs ? fs->v.text : r->text;
	const char **note = fs ? fs->v.note : r->v.note;
	if (level && editable && !fs)
		rep_consolidate(&cx, lc, i, text);
	/* a level's figures as forwarded, against today's totals */
	int64_t *frozen = arena_alloc(a, nc * sizeof *frozen);
	memset(frozen, 0, nc * sizeof *frozen);
	frozen_ctx_t fz = {tpl, frozen, 0};
	if (level && r->exists)
		store_report_frozen(((app_t *)http_req_app(req))->store, r->id, frozen_value, &fz);
	/* the warnings on the figures as shown: a level's totals, a body's values */
	rep_values_t shown = {level ? tot : (int64_t *)num, (unsigned char *)has, NULL, NULL};
	if (level) {
		shown.has = arena_alloc(a, nc);
		memset(shown.has, 1, nc);
	}
	warn_t *warns = NULL;
	size_t nwarns = (r->exists || fs) ? report_warnings(req, lc, i, &shown, 0, &warns) : 0;
	int changed = 0;
	json_t *sections = json_array();
	size_t idx = 0;
	for (size_t s = 0; s < tpl->nsections; s++) {
		const tpl_section_t *sec = &tpl->sections[s];
		json_t *items = json_array();
		for (size_t k = 0; k < sec->nitems; k++, idx++) {
			const tpl_item_t *it = &sec->items[k];
			json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:b,s:b,s:b}", "code",
			                      it->code, "number", it->number, "label", it->label,
			                      "unit", it->unit, "help", it->help, "heading",
			                      it->heading, "required", it->required, "is_bool",
			                      it->type == TPL_BOOL, "is_text", it->tcol >= 0,
			                      "is_num", it->col >= 0 && it->type != TPL_BOOL);
			json_object_set_new(o, "name", json_sprintf("v.%s", it->code));
			/* the unit's note beside the value ("g.<code>"), for any item */
			json_object_set_new(o, "note_name", json_sprintf("g.%s", it->code));
			json_object_set_new(o, "note", json_string(note[idx] ? note[idx] : ""));
			if (it->col >= 0) {
				const char *v = fs && fs->typed[idx] ? fs->typed[idx] : NULL;
				if (!v && has[it->col]) {
					buf_t b = BUF_INIT;
					text_format_int(num[it->col], &b);
					v = arena_strdup(a, buf_cstr(&b));
					buf_free(&b);
				}
				json_object_set_new(o, "value", json_string(v ? v : ""));
				json_object_set_new(o, "yes",
				                    json_boolean(has[it->col] && num[it->col]));
				json_object_set_new(o, "no",
				                    json_boolean(has[it->col] && !num[it->col]));
				json_object_set_new(o, "total", app_json_count(tot[it->col]));
				if (fz.any && frozen[it->col] != tot[it->col]) {
					json_object_set_new(o, "frozen",
					                    app_json_count(frozen[it->col]));
					changed = 1;
				}
			} else if (it->tcol >= 0) {
				const char *v = text[it->tcol];
				json_object_set_new(o, "value", json_string(v ? v : ""));
			}
			if (fs && fs->errors[idx])
				json_object_set_new(o, "error", json_string(fs->errors[idx]));
			const char *wt = it->col >= 0 ? warn_item_text(a, warns, nwarns, it) : NULL;
			if (wt)
				json_object_set_new(o, "warning", json_string(wt));
			json_array_append_new(items, o);
		}
		rep_group_totals(tpl, sec, level ? tot : num, level ? NULL : has, items);
		json_array_append_new(sections,
		                      json_pack("{s:s,s:s,s:b,s:o}", "number", sec->number, "title",
		                                sec->title, "narrative", sec->narrative, "items",
		                                items));
	}
	json_t *ctx = json_object();
	json_object_set_new(ctx, "campaign", rep_campaign_json(req, lc->c));
	json_object_set_new(ctx, "unit", app_unit_json(t, i));
	json_object_set_new(ctx, "path", app_unit_path_links(req, t, i));
	json_object_set_new(ctx, "sections", sections);
	json_object_set_new(ctx, "level", json_boolean(level));
	json_object_set_new(ctx, "status", json_string(r->status));
	json_object_set_new(ctx, "status_name", json_string(rep_status_name(r->status)));
	json_object_set_new(ctx, "version", json_integer(r->version));
	json_object_set_new(ctx, "editable", json_boolean(editable));
	json_object_set_new(ctx, "can_submit", json_boolean(editable && can_submit));
	json_object_set_new(ctx, "can_return",
	                    json_boolean(can_review && !strcmp(r->status, "submitted")));
	json_object_set_new(ctx, "can_approve",
	                    json_boolean(can_review && !strcmp(r->status, "submitted")));
	json_object_set_new(ctx, "can_reopen",
	                    json_boolean(can_review && !strcmp(r->status, "approved")));
	json_object_set_new(ctx, "changed", json_boolean(changed));
	json_object_set_new(
	        ctx, "can_resubmit",
	        json_boolean(level && changed && can_submit && !strcmp(r->status, "submitted")));
	/* a level about to submit sees who below it has not reported yet */
	if (level && can_submit && (editable || (changed && !strcmp(r->status, "submitted")))) {
		rep_progress_t pg;
		json_t *list = level_missing(req, lc, i, &pg);
		json_object_set_new(ctx, "progress", progress_json(req, &pg, list));
	}
	json_object_set_new(ctx, "on_behalf", json_boolean(r->on_behalf));
	json_object_set_new(ctx, "updated", json_string(app_fmt_time(a, r->updated_at)));
	int32_t due = campaign_due(lc->c, t, i);
	json_object_set_new(ctx, "due", json_string(app_fmt_date(a, due)));
	if (*r->comment && (r->state == RS_RETURNED || r->state == RS_REOPENED))
		json_object_set_new(ctx, "comment", json_string(r->comment));
	json_object_set_new(ctx, "reopened", json_boolean(r->state == RS_REOPENED));
	if (lock >= 0)
		json_object_set_new(ctx, "locked_by",
		                    json_string(arena_printf(
		                            a,
		                            "Báo cáo của %s đã được cấp trên duyệt nên báo cáo "
		                            "này bị khóa cho đến khi cấp trên mở lại.",
		                            t->units[lock].name)));
	if (fs && fs->nerrors)
		json_object_set_new(ctx, "errors", json_integer((json_int_t)fs->nerrors));
	if (nwarns)
		json_object_set_new(ctx, "warnings", app_json_count((int64_t)nwarns));
	if (fs && fs->form_error)
		json_object_set_new(ctx, "form_error", json_string(fs->form_error));
	/* submitted (or approved since): when, and the unit's own report to keep */
	json_t *receipt = rep_counted(r->status) ? rep_receipt_json(a, lc->c->id, t->units[i].code,
	                                                            r->submitted_at)
	                                         : NULL;
	if (receipt)
		json_object_set_new(ctx, "receipt", receipt);
	/* the receipt says it, with the time: no second "Đã nộp" line */
	if (ok && !(receipt && !strcmp(ok, SUBMITTED_MSG)))
		json_object_set_new(ctx, "ok", json_string(ok));
	json_t *photos = rep_photos_json(req, lc->c->id, t->units[i].code, r->exists ? r->id : 0);
	json_object_set_new(ctx, "has_photos", json_boolean(json_array_size(photos) > 0));
	json_object_set_new(ctx, "photos", photos);
	json_object_set_new(ctx, "can_add_photo", json_boolean(editable && !level));
	const char *pf = fs ? NULL : http_req_param(req, "prefill");
	attach_prefill(req, lc, i, r, editable, pf && !strcmp(pf, "1"), sections, ctx);
	char *title = arena_printf(a, "Báo cáo — %s", t->units[i].name);
	return app_render_page(req, status, "report", title, ctx);
}

static const char *
saved_message(const char *done)
{
	if (!done)
		return NULL;
	if (!strcmp(done, "save"))
		return "Đã lưu bản nháp.";
	if (!strcmp(done, "submit"))
		return SUBMITTED_MSG;
	if (!strcmp(done, "return"))
		return "Đã trả lại báo cáo kèm nhận xét; đơn vị có thể sửa và nộp lại.";
	if (!strcmp(done, "approve"))
		return "Đã duyệt báo cáo.";
	if (!strcmp(done, "reopen"))
		return "Đã mở lại báo cáo để đơn vị sửa.";
	if (!strcmp(done, "photo"))
		return "Đã thêm ảnh.";
	if (!strcmp(done, "photo_deleted"))
		return "Đã xóa ảnh.";
	return NULL;
}

static json_t *
report_json(http_req_t *req, live_campaign_t *lc, int32_t i, const rep_report_t *r, int after_write)
{
	const unit_tree_t *t = app_req_tree(req);
	const template_t *tpl = lc->c->tpl;
	json_t *vals = json_object(), *notes = json_object();
	for (size_t s = 0; s < tpl->nsections; s++)
		for (size_t k = 0; k < tpl->sections[s].nitems; k++) {
			const tpl_item_t *it = &tpl->sections[s].items[k];
			if (it->col >= 0 && r->has[it->col])
				json_object_set_new(vals, it->code,
				                    it->type == TPL_BOOL
				                            ? json_boolean(r->num[it->col])
				                            : json_integer(r->num[it->col]));
			else if (it->tcol >= 0 && r->text[it->tcol])
				json_object_set_new(vals, it->code, json_string(r->text[it->tcol]));
			const char *n = rep_item_note(tpl, &r->v, it);
			if (*n)
				json_object_set_new(notes, it->code, json_string(n));
		}
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:I,s:b,s:o,s:o}", "campaign",
	                      (json_int_t)lc->c->id, "unit", t->units[i].code, "status",
	                      *r->status ? r->status : "none", "status_name",
	                      rep_state_name(r->state), "version", (json_int_t)r->version,
	                      "on_behalf", r->on_behalf, "values", vals, "notes", notes);
	/* when it was last written: a phone's draft in conflict shows it beside its own time */
	json_object_set_new(o, "updated_at",
	                    r->updated_at > 0 ? json_integer(r->updated_at) : json_null());
	json_object_set_new(o, "updated",
	                    json_string(app_fmt_time(http_req_arena(req), r->updated_at)));
	/* why it came back, for a unit that works through the API */
	json_object_set_new(o, "comment",
	                    *r->comment && (r->state == RS_RETURNED || r->state == RS_REOPENED)
	                            ? json_string(r->comment)
	                            : json_null());
	/* values far from usual: kept as entered, shown so the unit can check or explain them
	 * (a level's figures are its totals: warned where they are shown, on its page) */
	warn_t *w = NULL;
	size_t nw = r->exists && !rep_is_level(t, i)
	                    ? report_warnings(req, lc, i, &r->v, after_write, &w)
	                    : 0;
	json_object_set_new(o, "warnings", warnings_json(w, nw));
	return o;
}

int
page_report(http_req_t *req)
{
	live_campaign_t *lc = rep_report_campaign(req);
	if (!lc)
		return 0;
	int32_t i = rep_req_unit(req);
	rep_report_t r;
	if (rep_read_req(req, lc, i, &r) < 0)
		return 500;
	if (rep_is_api(req)) {
		json_t *o = report_json(req, lc, i, &r, 0);
		json_object_set_new(o, "prefill", prefill_api(req, lc, i, &r));
		return app_reply_json(req, 200, o);
	}
	return render_report(req, lc, i, &r, NULL, 200, saved_message(http_req_param(req, "done")));
}

/* ---------- reading what was sent ---------- */

/* One value as JSON, strictly by the item's type: a count or money is an integer, a yes/no
 * is true/false, a text is a string; null clears it. Anything else is refused naming the
 * item: the API never guesses (a "12" string for a count is an error, not a 12). */
static void
json_value(const tpl_item_t *it, json_t *x, size_t idx, arena_t *a, form_state_t *fs)
{
	if (json_is_null(x))
		return;
	const char *want = NULL;
	if (it->tcol >= 0) {
		if (!json_is_string(x))
			want = "một chuỗi (string)";
		else {
			const char *s = json_string_value(x);
			size_t n = json_string_length(x);
			if (strlen(s) != n)
				fs->errors[idx] = "Nội dung có ký tự NUL; hãy bỏ ký tự đó.";
			else if (n > MAX_TEXT)
				fs->errors[idx] =
				        "Nội dung dài quá 20.000 byte; hãy viết ngắn lại.";
			else if (n)
				fs->v.text[it->tcol] =
				        arena_strndup(a, s, n); /* ours, not the doc's */
		}
	} else if (it->col >= 0 && it->type == TPL_BOOL) {
		if (!json_is_boolean(x))
			want = "true hoặc false";
		else {
			fs->v.num[it->col] = json_is_true(x);
			fs->v.has[it->col] = 1;
		}
	} else if (it->col >= 0) {
		if (!json_is_integer(x))
			want = "một số nguyên (không đặt trong ngoặc kép)";
		else {
			char txt[32], err[300];
			int64_t num;
			int has;
			snprintf(txt, sizeof txt, "%lld", (long long)json_integer_value(x));
			fs->typed[idx] = arena_strdup(a, txt);
			if (template_parse_value(it, txt, &num, &has, err, sizeof err) < 0)
				fs->errors[idx] = arena_strdup(a, err);
			else {
				fs->v.num[it->col] = num;
				fs->v.has[it->col] = (unsigned char)has;
			}
		}
	} else
		want = "không có giá trị (mục này không nhận số liệu)";
	if (want)
		fs->errors[idx] = arena_printf(a, "values.%s: giá trị phải là %s.", it->code, want);
	if (fs->errors[idx])
		fs->nerrors++;
}

/* The API's body: {"values": {"code": value, ...}, "notes": {"code": "text", ...},
 * "version": n, "reason": "..."} for a save or a submit, {"comment": "...", "version": n} for a
 * review. Members outside allowed (a space-separated list) and wrong types are refused naming the
 * member. The strings kept are copied into the arena before the document is freed. */
static int
read_json(http_req_t *req, const template_t *tpl, const char *allowed, form_state_t *fs,
          int64_t *version, const char **comment, const char **reason, int *confirm)
{
	arena_t *a = http_req_arena(req);
	size_t blen;
	const char *body = http_req_body(req, &blen);
	/* the top level through the typed reader (domain/jsonin.h): the members allowed here,
	 * each of its one type; values and notes item by item below */
	static const jsonin_field_t all[] = {
	        {.name = "values",
	         .type = JSONIN_OBJECT,
	         .want = "một đối tượng {\"mã mục\": giá trị}"},
	        {.name = "notes",
	         .type = JSONIN_OBJECT,
	         .want = "một đối tượng {\"mã mục\": \"ghi chú\"}"},
	        {.name = "version",
	         .type = JSONIN_INT,
	         .min = 0,
	         .max = INT64_MAX,
	         .want = "số nguyên không âm (phiên bản đã đọc)"},
	        {.name = "reason", .type = JSONIN_STRING},
	        {.name = "confirm_missing", .type = JSONIN_BOOL},
	        {.name = "comment", .type = JSONIN_STRING},
	};
	jsonin_field_t f[6];
	json_t *values = NULL, *notes = NULL;
	void *outs[6] = {&values, &notes, version, reason, confirm, comment};
	size_t n = 0;
	char list[100];
	snprintf(list, sizeof list, " %s ", allowed);
	for (size_t k = 0; k < 6; k++) {
		char pat[40];
		snprintf(pat, sizeof pat, " %s ", all[k].name);
		if (strstr(list, pat)) {
			f[n] = all[k];
			f[n++].out = outs[k];
		}
	}
	json_t *doc;
	const char *err;
	if (jsonin_read(body, blen, JSONIN_EMPTY_OK, f, n, a, &doc, &err) < 0) {
		fs->form_error = err;
		return 400;
	}
	const char *code;
	json_t *v;
	json_object_foreach(values, code, v)
	{
		const tpl_item_t *it = template_item(tpl, code);
		if (!it) {
			fs->form_error = arena_printf(a,
			                              "Mục \"%.*s\" không có trong mẫu báo cáo của "
			                              "đợt này.",
			                              text_utf8_prefix(code, 60), code);
			break;
		}
		json_value(it, v, rep_item_index(tpl, it), a, fs);
	}
	if (!fs->form_error)
		json_object_foreach(notes, code, v)
		{
			const tpl_item_t *it = template_item(tpl, code);
			if (!it) {
				fs->form_error =
				        arena_printf(a,
				                     "notes: mục \"%.*s\" không có trong mẫu "
				                     "báo cáo của đợt này.",
				                     text_utf8_prefix(code, 60), code);
				break;
			}
			size_t idx = rep_item_index(tpl, it);
			if (json_is_null(v))
				continue;
			if (!json_is_string(v) ||
			    strlen(json_string_value(v)) != json_string_length(v)) {
				if (!fs->errors[idx])
					fs->nerrors++;
				fs->errors[idx] = arena_printf(
				        a, "notes.%s: ghi chú phải là một chuỗi (string).",
				        it->code);
			} else /* checked by the service (length, characters) */
				fs->v.note[idx] = arena_strdup(a, json_string_value(v));
		}
	json_decref(doc); /* nothing kept points into it */
	return fs->form_error || fs->nerrors ? 400 : 0;
}

/* The form's fields "v.<code>" and the notes "g.<code>": unknown names are refused, the
 * template is the list of accepted fields. A level's figures are its subtree's totals:
 * only its texts and notes are read. */
static int
read_form(http_req_t *req, const template_t *tpl, int level, form_state_t *fs)
{
	arena_t *a = http_req_arena(req);
	const http_kv_t *kv = NULL;
	size_t nkv = 0;
	const char *why;
	if (app_form_read(req, &kv, &nkv, &why) != 0) {
		fs->form_error = why;
		return 400;
	}
	/* A browser sends every field of the form, empty ones too; a post missing one is no
	 * submission of this form (taking the missing as "cleared" would wipe the draft). The
	 * form's fields are what report.mustache shows for this level: in a narrative section
	 * each item's text and note; in the table a body's value (input or select) and each
	 * line's note (a level's values are totals, not inputs). The resubmit form sends only
	 * its reason: the texts submitted are kept. */
	if (!http_req_param(req, "reason"))
		for (size_t s = 0; s < tpl->nsections; s++)
			for (size_t k = 0; k < tpl->sections[s].nitems; k++) {
				const tpl_section_t *sec = &tpl->sections[s];
				const tpl_item_t *it = &sec->items[k];
				int value = sec->narrative ||
				            (!level && (it->col >= 0 || it->type == TPL_BOOL));
				int note = sec->narrative || !it->heading;
				for (int g = 0; g < 2; g++) {
					if (!(g ? note : value))
						continue;
					const char *name =
					        arena_printf(a, "%s.%s", g ? "g" : "v", it->code);
					int seen = 0;
					for (size_t j = 0; j < nkv && !seen; j++)
						seen = !strcmp(kv[j].name, name);
					if (!seen) {
						fs->form_error = arena_printf(
						        a,
						        "Biểu mẫu gửi lên thiếu trường \"%s\" của "
						        "báo cáo nên không phải biểu mẫu của trang "
						        "này; bản nháp được giữ nguyên, không có "
						        "gì "
						        "được lưu. Hãy tải lại trang rồi gửi lại.",
						        name);
						return 400;
					}
				}
			}
	for (size_t k = 0; k < nkv; k++)
		if ((!strncmp(kv[k].name, "v.", 2) || !strncmp(kv[k].name, "g.", 2)) &&
		    !template_item(tpl, kv[k].name + 2)) {
			fs->form_error = arena_printf(
			        a, "Mục \"%.*s\" không có trong mẫu báo cáo của đợt này.",
			        text_utf8_prefix(kv[k].name + 2, 60), kv[k].name + 2);
			return 400;
		}
	for (size_t k = 0; k < nkv; k++) {
		if (!strncmp(kv[k].name, "g.", 2)) { /* a note: checked by the service */
			const tpl_item_t *it = template_item(tpl, kv[k].name + 2);
			if (*kv[k].value)
				fs->v.note[rep_item_index(tpl, it)] = kv[k].value;
			continue;
		}
		if (strncmp(kv[k].name, "v.", 2) != 0)
			continue;
		const tpl_item_t *it = template_item(tpl, kv[k].name + 2);
		size_t idx = rep_item_index(tpl, it);
		const char *v = kv[k].value;
		if (it->tcol >= 0) {
			if (strlen(v) > MAX_TEXT) {
				fs->errors[idx] =
				        "Nội dung dài quá 20.000 byte; hãy viết ngắn lại.";
				fs->nerrors++;
			} else if (*v) {
				/* a browser sends a textarea's lines as CRLF (HTML's form
				 * encoding); kept as typed, LF, as the JSON API's */
				char *t = arena_strdup(a, v), *w = t;
				for (const char *p = v; *p; p++)
					if (*p != '\r')
						*w++ = *p;
				*w = '\0';
				fs->v.text[it->tcol] = t;
			}
			continue;
		}
		if (it->col < 0 || level)
			continue;
		fs->typed[idx] = v;
		char err[300];
		int has;
		if (template_parse_value(it, v, &fs->v.num[it->col], &has, err, sizeof err) < 0) {
			fs->errors[idx] = arena_strdup(a, err);
			fs->nerrors++;
		} else
			fs->v.has[it->col] = (unsigned char)has;
	}
	return fs->nerrors ? 400 : 0;
}

/* ---------- answering ---------- */

/* {"values": {code: text}, "notes": {code: text}}: the repaired TCVN3/VNI texts, shaped
 * as the body to send again. */
static json_t *
suggestions_json(const template_t *tpl, const form_state_t *fs)
{
	json_t *vals = json_object(), *notes = json_object();
	size_t idx = 0;
	for (size_t s = 0; s < tpl->nsections; s++)
		for (size_t k = 0; k < tpl->sections[s].nitems; k++, idx++) {
			const char *code = tpl->sections[s].items[k].code;
			if (fs->suggest_text && fs->suggest_text[idx])
				json_object_set_new(vals, code, json_string(fs->suggest_text[idx]));
			if (fs->suggest_note && fs->suggest_note[idx])
				json_object_set_new(notes, code, json_string(fs->suggest_note[idx]));
		}
	return json_pack("{s:o,s:o}", "values", vals, "notes", notes);
}

/* The refusal: JSON with each field's error, or the form again with what was typed (the
 * report is read only here, for the page around it). */
static int
reply_error(http_req_t *req, live_campaign_t *lc, int32_t i, form_state_t *fs, int status)
{
	if (rep_is_api(req)) {
		const template_t *tpl = lc->c->tpl;
		json_t *fields = json_object();
		size_t idx = 0;
		for (size_t s = 0; s < tpl->nsections; s++)
			for (size_t k = 0; k < tpl->sections[s].nitems; k++, idx++)
				if (fs->errors[idx])
					json_object_set_new(fields, tpl->sections[s].items[k].code,
					                    json_string(fs->errors[idx]));
		const char *msg = fs->form_error
		                          ? fs->form_error
		                          : "Có mục chưa hợp lệ; xem \"fields\". Không có gì "
		                            "được lưu.";
		json_t *e = json_pack("{s:{s:i,s:s,s:o}}", "error", "status", status, "message",
		                      msg, "fields", fields);
		if (fs->suggest_text || fs->suggest_note)
			json_object_set_new(json_object_get(e, "error"), "suggestions",
			                    suggestions_json(tpl, fs));
		return app_reply_json(req, status, e);
	}
	rep_report_t r;
	if (rep_read_req(req, lc, i, &r) < 0)
		return 500;
	return render_report(req, lc, i, &r, fs, status, NULL);
}

/* Done: the API answers the report as written (the service's outcome carries it; read
 * back only when it does not), a form goes back to the report's page. */
static int
redirect_done(http_req_t *req, live_campaign_t *lc, int32_t i, const char *done,
              const rep_report_t *written)
{
	if (rep_is_api(req)) {
		rep_report_t r;
		if (written && written->exists)
			r = *written;
		else if (rep_read_req(req, lc, i, &r) < 0)
			return 500;
		return app_reply_json(req, 200, report_json(req, lc, i, &r, 1));
	}
	char *loc = arena_printf(http_req_arena(req), "/campaigns/%lld/units/%s/report?done=%s",
	                         (long long)lc->c->id, app_req_tree(req)->units[i].code, done);
	return http_redirect(req, 303, loc);
}

/* A write handed to the writer: the request is suspended until its group is durable. */
typedef struct pending {
	http_req_t *req;
	live_campaign_t *lc;
	int32_t unit;
	rep_op_t op;
	form_state_t fs;
	rep_input_t in;
	rep_outcome_t out;
	rep_rc_t rc;
} pending_t;

/* Texts and notes the service found typed in TCVN3/VNI: the form shows the repaired text
 * in the field (a second save stores it), the API returns it as a suggestion. 1 if any. */
static int
legacy_suggested(const template_t *tpl, const rep_outcome_t *out, form_state_t *fs)
{
	if (!out->suggest_text && !out->suggest_note)
		return 0;
	fs->suggest_text = out->suggest_text;
	fs->suggest_note = out->suggest_note;
	size_t idx = 0;
	for (size_t s = 0; s < tpl->nsections; s++)
		for (size_t k = 0; k < tpl->sections[s].nitems; k++, idx++) {
			const tpl_item_t *it = &tpl->sections[s].items[k];
			if (out->suggest_text && out->suggest_text[idx] && it->tcol >= 0)
				fs->v.text[it->tcol] = out->suggest_text[idx];
			if (out->suggest_note && out->suggest_note[idx])
				fs->v.note[idx] = out->suggest_note[idx];
		}
	return 1;
}

/* The service's outcome, answered. */
static int
answer(http_req_t *req, void *arg)
{
	pending_t *p = arg;
	live_campaign_t *lc = p->lc;
	form_state_t *fs = &p->fs;
	if (p->rc == REP_OK)
		return redirect_done(req, lc, p->unit, rep_op_code(p->op), &p->out.report);
	if (p->rc == REP_ERR_STORE)
		return 500;
	for (size_t k = 0; k < rep_item_count(lc->c->tpl); k++)
		if (p->out.errors[k] && !fs->errors[k]) {
			fs->errors[k] = p->out.errors[k];
			fs->nerrors++;
		}
	fs->form_error = p->out.message;
	int st = rep_http_status(p->rc);
	if (legacy_suggested(lc->c->tpl, &p->out, fs) && rep_is_api(req))
		st = 422;
	return reply_error(req, lc, p->unit, fs, st);
}

/* On the writer thread, once the write is durable (or refused): wake the request. */
static void
written(void *arg, rep_rc_t rc)
{
	pending_t *p = arg;
	p->rc = rc;
	http_req_resume(p->req);
}

/* A level's submit while units below it have not reported, without confirm_missing:
 * nothing is written. The API answers 409 with the missing units; a form gets a page
 * listing them whose button sends the same form again with confirm_missing=1. */
static int
ask_confirm(http_req_t *req, live_campaign_t *lc, int32_t i, const rep_progress_t *pg, json_t *list)
{
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	if (rep_is_api(req)) {
		const char *msg = arena_printf(
		        a,
		        "Mới có %lld/%lld đơn vị đã nộp báo cáo; còn %lld đơn vị chưa nộp (xem "
		        "\"missing\"). Chưa có gì được lưu. Để vẫn nộp báo cáo tổng hợp, gửi lại "
		        "với \"confirm_missing\": true.",
		        (long long)pg->submitted, (long long)pg->expected, (long long)pg->missing);
		json_t *o = json_pack(
		        "{s:{s:i,s:s},s:o,s:I,s:I,s:I}", "error", "status", 409, "message", msg,
		        "missing", list, "missing_count", (json_int_t)pg->missing, "submitted",
		        (json_int_t)pg->submitted, "expected", (json_int_t)pg->expected);
		return app_reply_json(req, 409, o);
	}
	/* every field the form sent goes back as it was (the texts, version, reason) */
	json_t *fields = json_array();
	size_t blen;
	const char *body = http_req_body(req, &blen);
	http_kv_t *kv = NULL;
	size_t nkv = 0;
	const char *why;
	if (body && blen && http_form_parse(body, blen, a, &kv, &nkv, &why) < 0)
		nkv = 0; /* read_form took this body already */
	for (size_t k = 0; k < nkv; k++)
		if (strcmp(kv[k].name, "csrf") != 0 && strcmp(kv[k].name, "confirm_missing") != 0)
			json_array_append_new(fields, json_pack("{s:s,s:s}", "name", kv[k].name,
			                                        "value", kv[k].value));
	json_t *ctx = json_object();
	json_object_set_new(ctx, "campaign", rep_campaign_json(req, lc->c));
	json_object_set_new(ctx, "unit", app_unit_json(t, i));
	json_object_set_new(ctx, "path", app_unit_path_links(req, t, i));
	json_object_set_new(ctx, "progress", progress_json(req, pg, list));
	json_object_set_new(ctx, "fields", fields);
	char *title = arena_printf(a, "Xác nhận nộp báo cáo tổng hợp — %s", t->units[i].name);
	return app_render_page(req, 200, "report_confirm", title, ctx);
}

/* Every write of the form and the API: read, hand to the service, answer its outcome
 * when the writer has made it durable (the worker thread serves others meanwhile). */
static int
act(http_req_t *req, rep_op_t op)
{
	live_campaign_t *lc = rep_report_campaign(req);
	if (!lc)
		return 0;
	const unit_tree_t *t = app_req_tree(req);
	arena_t *a = http_req_arena(req);
	const template_t *tpl = lc->c->tpl;
	pending_t *p = arena_alloc(a, sizeof *p);
	memset(p, 0, sizeof *p);
	p->req = req;
	p->lc = lc;
	p->op = op;
	p->unit = rep_req_unit(req);
	form_state_t *fs = &p->fs;
	form_state_init(a, tpl, fs);
	int64_t version = -1; /* none sent: write over whatever is there */
	const char *comment = NULL, *reason = NULL;
	int writes = op == REP_SAVE || op == REP_SUBMIT;
	int st = 0;
	int confirm = 0; /* a level's submit while units below it are missing */
	if (rep_is_api(req))
		st = read_json(req, tpl,
		               op == REP_SUBMIT ? "values notes version reason confirm_missing"
		               : writes         ? "values notes version reason"
		                                : "comment version",
		               fs, &version, &comment, &reason, &confirm);
	else {
		const char *cm = http_req_param(req, "confirm_missing");
		confirm = cm && !strcmp(cm, "1");
		const char *vp = http_req_param(req, "version");
		if (vp && *vp && (text_parse_int(vp, strlen(vp), &version) < 0 || version < 0))
			version = INT64_MAX; /* not what anyone read: refused as a conflict */
		comment = http_req_param(req, "comment");
		reason = http_req_param(req, "reason");
		if (writes)
			st = read_form(req, tpl, rep_is_level(t, p->unit), fs);
	}
	if (st)
		return reply_error(req, lc, p->unit, fs, st);
	rep_ctx_t cx;
	rep_ctx_of(req, &cx);
	p->in = (rep_input_t){
	        .op = op,
	        .values = writes ? &fs->v : NULL,
	        .expected_version = version,
	        .comment = comment,
	        .reason = reason,
	};
	if (op == REP_SUBMIT && !confirm && rep_is_level(t, p->unit)) {
		rep_progress_t pg;
		json_t *list = level_missing(req, lc, p->unit, &pg);
		if (pg.missing > 0) {
			/* ask only about a submit the service would take */
			rep_input_t probe = p->in;
			probe.dry_run = 1;
			p->rc = rep_apply(&cx, lc, p->unit, &probe, &p->out);
			if (p->rc != REP_OK) {
				json_decref(list);
				return answer(req, p);
			}
			return ask_confirm(req, lc, p->unit, &pg, list);
		}
		json_decref(list);
	}
	if (cx.writer == NULL) {
		p->rc = rep_apply(&cx, lc, p->unit, &p->in, &p->out);
		return answer(req, p);
	}
	int rc = http_req_suspend(req, answer, p);
	rep_apply_async(&cx, lc, p->unit, &p->in, &p->out, written, p);
	return rc;
}

int
page_report_save(http_req_t *req)
{
	return act(req, REP_SAVE);
}

int
page_report_submit(http_req_t *req)
{
	return act(req, REP_SUBMIT);
}

int
page_report_return(http_req_t *req)
{
	return act(req, REP_RETURN);
}

int
page_report_approve(http_req_t *req)
{
	return act(req, REP_APPROVE);
}

int
page_report_reopen(http_req_t *req)
{
	return act(req, REP_REOPEN);
}
