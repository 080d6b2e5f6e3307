/* The form reader (form.h) and the table of the HTML forms' fields, taken from their
 * templates. */
#include "app/form.h"

#include <string.h>
#include <strings.h>

#include "app/app.h"
#include "core/arena.h"
#include "text/text.h"

/* The document form's fields (doc_form.mustache); DOC_R10 and the row counts are
 * app.h's. */
/* clang-format off */
#define DOC_SPEC_RCPT_UNITS(i) " ?rcpt_units_" #i "*"
#define DOC_SPEC_DUTY_UNITS(i) " ?duty_units_" #i "*"
#define DOC_FORM_SPEC \
	"kind campaign subject parent_body body body_abbr drafter_abbr place date text " \
	"dist_auto distribution signer_tm signer_authority signer_head signer_position " \
	"signer_name ?public basis_text_0 basis_doc_0 basis_text_1 basis_doc_1 rcpt_text_0 " \
	"rcpt_text_1 rcpt_text_2 duty_role_0 duty_due_0 duty_who_0 duty_task_0 duty_role_1 " \
	"duty_due_1 duty_who_1 duty_task_1 duty_role_2 duty_due_2 duty_who_2 duty_task_2 " \
	"annex_label_0 annex_title_0 annex_subtitle_0 annex_text_0" \
	DOC_R10(DOC_SPEC_RCPT_UNITS, ) DOC_R10(DOC_SPEC_RCPT_UNITS, 1) \
	DOC_R10(DOC_SPEC_RCPT_UNITS, 2) DOC_R10(DOC_SPEC_RCPT_UNITS, 3) \
	DOC_R10(DOC_SPEC_DUTY_UNITS, ) DOC_R10(DOC_SPEC_DUTY_UNITS, 1) \
	DOC_R10(DOC_SPEC_DUTY_UNITS, 2) DOC_R10(DOC_SPEC_DUTY_UNITS, 3) \
	DOC_R10(DOC_SPEC_DUTY_UNITS, 4) DOC_R10(DOC_SPEC_DUTY_UNITS, 5)
/* the budget's spent cells: the awards' is text (budget_pages.c) */
#define BUDGET_SPENT_SPEC \
	" s.nsnn.tuyen_truyen s.nsnn.lop_hoc ?s.nsnn.khen_thuong s.nsnn.khac" \
	" s.xhh.tuyen_truyen s.xhh.lop_hoc ?s.xhh.khen_thuong s.xhh.khac" \
	" s.khac.tuyen_truyen s.khac.lop_hoc ?s.khac.khen_thuong s.khac.khac"
/* clang-format on */
_Static_assert(DOC_FORM_RECIPIENTS == 40 && DOC_FORM_DUTIES == 60,
               "DOC_FORM_SPEC lists 40 recipients' and 60 duties' unit pickers");

/* One HTML form route: its POST pattern and the fields its template sends. */
typedef struct form_rule {
	const char *pattern;
	const char *spec;
} form_rule_t;

static const form_rule_t FORMS[] = {
        /* doc_form.mustache (in doc_new.mustache and doc.mustache): the fixed fields, the
         * rows always shown (2 bases, 3 recipients, 3 duties, 1 annex; the further empty
         * rows are optional: not required, never twice), the unit pickers of each row
         * (doc_targets.mustache: a checkbox per unit or kind, so repeated), "from" on a
         * plan made from a parent's, "version" on an edit; doc.mustache: publish and the
         * public switch; doc_sign.mustache: the signature */
        {"/units/:code/docs", "csrf ?from " DOC_FORM_SPEC},
        {"/units/:code/docs/:did", "csrf version ?from " DOC_FORM_SPEC},
        {"/units/:code/docs/:did/publish", "csrf version number date"},
        {"/units/:code/docs/:did/public", "csrf public"},
        {"/units/:code/docs/:did/sign", "csrf"},
        /* budget.mustache: every cell but the awards' spent, which is read from the
         * commendation decisions and shown as text */
        {"/campaigns/:id/units/:code/kinh-phi",
         "csrf version" BUDGET_CELLS("p") BUDGET_CELLS("a") BUDGET_SPENT_SPEC},
        /* review.mustache: the list form (a checkbox per report, each row's "Duyệt" button
         * approve_one, the two buttons action) and the return confirmation (action and
         * unit hidden) */
        {"/campaigns/:id/units/:code/review", "csrf versions comment ?action ?unit* ?approve_one"},
        /* campaign_new.mustache (the parent select only when there are campaigns above to
         * follow, the template select sends nothing without templates, a checkbox per
         * kind), campaign_unit.mustache and campaign_status_confirm.mustache (confirm) */
        {"/units/:code/campaigns",
         "csrf ?parent name year theme ?template start end registration opening_time "
         "opening_place opening_participants ?kind* due due_levels status"},
        {"/units/:code/campaigns/:id/status", "csrf status ?confirm"},
        /* report.mustache: the results form (its v.<code> and g.<code> are the template's
         * for the unit's level, checked by report_pages.c's read_form); the submit button
         * posts the same form, the resubmit form sends a reason instead of the fields, the
         * confirmation page adds confirm_missing */
        {"/campaigns/:id/units/:code/report", "csrf version"},
        {"/campaigns/:id/units/:code/submit", "csrf version ?reason ?confirm_missing"},
        {"/campaigns/:id/units/:code/return", "csrf version comment"},
        {"/campaigns/:id/units/:code/approve", "csrf version"},
        {"/campaigns/:id/units/:code/reopen", "csrf version comment"},
        /* chase.mustache */
        {"/campaigns/:id/units/:code/remind", "csrf back"},
        {"/campaigns/:id/units/:code/remind-all", "csrf note"},
        /* users.mustache, account.mustache, password.mustache */
        {"/units/:code/users", "csrf username full_name email role"},
        {"/account/tokens", "csrf name"},
        {"/account/password", "csrf current new confirm"},
        /* activity_form.mustache: the campaign list only when there are campaigns, the
         * two checkboxes; an edit also carries its version */
        {"/units/:code/activities",
         "csrf ?campaign kind title description start_date start_time end_date end_time mode "
         "place link audience expected ?public ?late_ok"},
        {"/units/:code/activities/:aid",
         "csrf version ?campaign kind title description start_date start_time end_date "
         "end_time mode place link audience expected ?public ?late_ok"},
        /* activity.mustache: the outcome (status is a group of radio buttons) */
        {"/units/:code/activities/:aid/outcome", "csrf version ?status actual outcome"},
        /* report.mustache, activity.mustache, photo.js: a photo (the file part is not a
         * field) and its caption */
        {"/campaigns/:id/units/:code/photos", "csrf caption"},
        {"/units/:code/activities/:aid/photos", "csrf caption"},
        /* chase.mustache: the issuer's reminder settings */
        {"/units/:code/campaigns/:id/chase", "csrf remind_days escalate_days ?automatic"},
        /* user.mustache, users_bulk.mustache */
        {"/users/:id/roles", "csrf unit role"},
        {"/users/:id/roles/remove", "csrf unit role"},
        {"/units/:code/users/bulk", "csrf scope role format"},
        /* templates.mustache, template_edit.mustache: the template as JSON (a read-only
         * textarea when the template is in use is still sent) */
        {"/templates/:tid/copy", "csrf year"},
        {"/templates", "csrf json"},
        {"/templates/:tid", "csrf json"},
        /* login.mustache: next is empty when the page was opened directly */
        {"/login", "csrf ?next username password"},
        /* user.mustache: the lock button carries the state it sets */
        {"/users/:id/disable", "csrf disabled"},
        /* registry.mustache (multipart; the two files are not fields),
         * registry_preview.mustache (a checkbox) */
        {"/admin/registry/preview", "csrf as_of_day"},
        {"/admin/registry/uploads/:uid/apply", "csrf ?carry_roles"},
        /* values_import.mustache (the file part is not a field) */
        {"/campaigns/:id/units/:code/values", "csrf ?dry_run"},
        /* tasks.mustache: the note only beside "done" */
        {"/units/:code/tasks/:tkid", "csrf done ?note"},
        /* enrol_box.mustache (the consent checkbox), enrol_cancel.mustache,
         * enrol_list.mustache: the settings (enrol_open a checkbox) and the attendance (a
         * checkbox per enrolment) */
        {"/lich/:aid/dang-ky", "csrf name phone birth_year note website ?consent"},
        {"/lich/:aid/huy", "csrf code phone4"},
        {"/units/:code/activities/:aid/enrolments/settings",
         "csrf ?enrol_open enrol_fee enrol_capacity enrol_deadline_date enrol_deadline_time "
         "enrol_contact_name enrol_contact_phone enrol_contact_email"},
        {"/units/:code/activities/:aid/enrolments/attendance", "csrf ?attended*"},
        /* reading.mustache: a shelf, its status button, the book ledger, reading */
        {"/units/:code/van-hoa-doc/shelves", "csrf name kind books_start opened"},
        {"/units/:code/van-hoa-doc/shelves/:sid/status", "csrf status"},
        {"/units/:code/van-hoa-doc/moves", "csrf kind date shelf to_shelf count note"},
        {"/units/:code/van-hoa-doc/reads", "csrf shelf date channel readers loans note"},
        /* contest_entry.mustache (multipart; the file part is not a field, the media radio
         * group only when the contest takes more than one kind of file, consent a
         * checkbox), contest_code.mustache (withdrawal), contest_judge.mustache (a score),
         * contest_form.mustache (the organiser's contest, new or edited; the entry types
         * are checkboxes), contest_edit.mustache (an entry's moderation, whose action is
         * the button pressed, and its prize: the same route, reason or prize; the
         * announcement) */
        {"/cuoc-thi/:cid/du-thi",
         "csrf name phone email locality title body ?media website ?consent"},
        {"/cuoc-thi/:cid/rut", "csrf code phone4"},
        {"/cuoc-thi/:cid/cham/:eid", "csrf score comment"},
        {"/units/:code/cuoc-thi",
         "csrf title theme rules ?type_text ?type_photo ?type_audio ?type_video audio_minutes "
         "audio_mb video_minutes video_mb starts ends results judges status"},
        {"/units/:code/cuoc-thi/:cid",
         "csrf title theme rules ?type_text ?type_photo ?type_audio ?type_video audio_minutes "
         "audio_mb video_minutes video_mb starts ends results judges status"},
        {"/units/:code/cuoc-thi/:cid/bai/:eid", "csrf action ?reason ?prize"},
        {"/units/:code/cuoc-thi/:cid/cong-bo", "csrf"},
        /* awards.mustache and award_form.mustache (multipart; the files are not fields): a
         * new proposal; the decision form (a checkbox per waiting proposal); award.mustache:
         * a proposal's forms all post to one route with op (a hidden field, or the review
         * button pressed), the review's comment and (when it may trim) form and amount, the
         * edit the whole award_form (checked per op by award_pages.c) */
        {"/units/:code/khen-thuong", "csrf category name place achievements form amount"},
        {"/units/:code/khen-thuong/quyet-dinh", "csrf ?proposal* fund_source signer_name"},
        {"/units/:code/khen-thuong/:pid",
         "csrf version op ?comment ?category ?name ?place ?achievements ?form ?amount"},
        /* resource_form.mustache (multipart; the file part is not a field; the campaign list
         * only when there are campaigns; an edit also carries its version) */
        {"/units/:code/hoc-lieu",
         "csrf title description topic audience licence link published status ?campaign"},
        {"/units/:code/hoc-lieu/:rid",
         "csrf version title description topic audience licence link published status "
         "?campaign"},
};

const char *
app_form_spec(const char *pattern)
{
	for (size_t i = 0; i < sizeof FORMS / sizeof *FORMS; i++)
		if (strcmp(FORMS[i].pattern, pattern) == 0)
			return FORMS[i].spec;
	return NULL;
}

int
app_form_read(http_req_t *req, const http_kv_t **kv, size_t *n, const char **why)
{
	arena_t *a = http_req_arena(req);
	*kv = NULL;
	*n = 0;
	*why = NULL;
	size_t len;
	const char *body = http_req_body(req, &len);
	const char *ctype = http_req_header(req, "Content-Type");
	if (body == NULL || len == 0)
		return 0;
	if (http_media_type_is(ctype, "application/x-www-form-urlencoded")) {
		http_kv_t *out;
		if (http_form_parse(body, len, a, &out, n, why) != 0)
			return 400;
		*kv = out;
		return 0;
	}
	if (http_media_type_is(ctype, "multipart/form-data")) {
		http_part_t *parts;
		size_t np;
		if (http_multipart_parse(ctype, body, len, a, &parts, &np, why) != 0)
			return 400;
		http_kv_t *out = arena_alloc(a, (np ? np : 1) * sizeof *out);
		size_t k = 0;
		for (size_t i = 0; i < np; i++)
			if (parts[i].filename == NULL) {
				out[k].name = parts[i].name;
				out[k].value = arena_strndup(a, parts[i].data, parts[i].len);
				k++;
			}
		*kv = out;
		*n = k;
		return 0;
	}
	*why = "Dữ liệu gửi lên không phải một biểu mẫu (cần "
	       "application/x-www-form-urlencoded hoặc multipart/form-data); không có gì được "
	       "lưu. Hãy gửi từ trang web, hoặc dùng API /api/v1 cho dữ liệu JSON.";
	return 400;
}

/* The spec entry for name: 0 not in spec, else 1 | 2 (optional) | 4 (may repeat). */
static unsigned
spec_of(const char *spec, const char *name, size_t len)
{
	const char *p = spec;
	while (*p) {
		while (*p == ' ')
			p++;
		const char *s = p;
		while (*p && *p != ' ')
			p++;
		unsigned f = 1;
		const char *b = s, *e = p;
		if (b < e && *b == '?')
			f |= 2, b++;
		if (b < e && e[-1] == '*')
			f |= 4, e--;
		if ((size_t)(e - b) == len && len > 0 && memcmp(b, name, len) == 0)
			return f;
	}
	return 0;
}

int
app_form_check(arena_t *a, const http_kv_t *kv, size_t n, const char *spec, const char **why)
{
	*why = NULL;
	/* no field twice (unless a list): a second value is not silently last- or first-wins */
	for (size_t i = 0; i < n; i++) {
		if (spec_of(spec, kv[i].name, strlen(kv[i].name)) & 4)
			continue;
		for (size_t j = 0; j < i; j++)
			if (strcmp(kv[i].name, kv[j].name) == 0) {
				*why = arena_printf(
				        a,
				        "Trường \"%.*s\" được gửi hai lần trong biểu mẫu; "
				        "không có gì được lưu. Hãy tải lại trang rồi gửi lại.",
				        text_utf8_prefix(kv[i].name, 60), kv[i].name);
				return 400;
			}
	}
	/* every field of the form present: browsers send empty inputs too */
	for (const char *p = spec; *p;) {
		while (*p == ' ')
			p++;
		const char *s = p;
		while (*p && *p != ' ')
			p++;
		if (s == p || *s == '?')
			continue;
		size_t len = (size_t)(p - s) - (p[-1] == '*');
		int seen = 0;
		for (size_t i = 0; i < n && !seen; i++)
			seen = strlen(kv[i].name) == len && memcmp(kv[i].name, s, len) == 0;
		if (!seen) {
			*why = arena_printf(
			        a,
			        "Biểu mẫu gửi lên thiếu trường \"%.*s\" nên không phải biểu "
			        "mẫu của trang này; không có gì được lưu. Hãy tải lại trang "
			        "rồi gửi lại.",
			        (int)len, s);
			return 400;
		}
	}
	return 0;
}

int
app_form_fields(http_req_t *req, const char *spec, const char **why)
{
	const http_kv_t *kv;
	size_t n;
	int st = app_form_read(req, &kv, &n, why);
	return st ? st : app_form_check(http_req_arena(req), kv, n, spec, why);
}

int
app_form_guard(http_req_t *req, const http_route_t *route)
{
	if (http_req_method(req) != HTTP_POST || app_is_api(req))
		return 0;
	const char *spec = app_form_spec(route->pattern);
	if (spec == NULL)
		return 0;
	/* a program signed in by an API token posts the same form without the page's CSRF
	 * field (the guard does not ask it for one): every other field is still required */
	const app_user_t *u = app_req_user(req);
	if (u && u->via_token && strncmp(spec, "csrf", 4) == 0 && (spec[4] == ' ' || !spec[4]))
		spec = arena_printf(http_req_arena(req), "?csrf%s", spec + 4);
	const char *why;
	int st = app_form_fields(req, spec, &why);
	if (st) {
		app_error_page(req, st, why);
		return st;
	}
	return 0;
}
