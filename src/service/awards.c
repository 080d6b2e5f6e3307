/* Commendation proposals and decisions: the checks, the state machine and the writes (see
 * awards.h). */
#include "service/awards.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/mem.h"
#include "docs/doc.h"
#include "docs/issue.h"
#include "service/reporting.h"
#include "service/resources.h"
#include "text/hygiene.h"
#include "text/text.h"

#define NELEM(v) (sizeof(v) / sizeof((v)[0]))

/* ---------- names ---------- */

static const char *const op_codes[AW_OP_COUNT] = {"edit", "send",   "withdraw", "endorse",
                                                  "trim", "return", "decline",  "remove"};
static const char *const op_names[AW_OP_COUNT] = {
        "Sửa đề nghị",    "Gửi lên cấp trên",   "Rút đề nghị",   "Đồng ý, trình cấp trên",
        "Điều chỉnh mức", "Trả lại để bổ sung", "Không đề nghị", "Bỏ khỏi quyết định"};

const char *
aw_op_code(aw_op_t op)
{
	return op < AW_OP_COUNT ? op_codes[op] : "?";
}

const char *
aw_op_name(aw_op_t op)
{
	return op < AW_OP_COUNT ? op_names[op] : "?";
}

int
aw_op_parse(const char *code, aw_op_t *out)
{
	for (int k = 0; code && k < AW_OP_COUNT; k++)
		if (!strcmp(code, op_codes[k])) {
			*out = (aw_op_t)k;
			return 0;
		}
	return -1;
}

static const char *const statuses[][2] = {
        {"draft", "Bản nháp"},         {"sent", "Đã gửi, chờ xử lý"},
        {"returned", "Bị trả lại"},    {"declined", "Không được đề nghị"},
        {"withdrawn", "Đã rút"},       {"in_decision", "Đang trong dự thảo quyết định"},
        {"decided", "Đã khen thưởng"},
};

const char *
aw_status_name(const char *status)
{
	for (size_t k = 0; status && k < NELEM(statuses); k++)
		if (!strcmp(status, statuses[k][0]))
			return statuses[k][1];
	return status ? status : "";
}

static const char *const funds[][2] = {
        {"nsnn", "Ngân sách nhà nước"},
        {"xhh", "Nguồn xã hội hóa"},
        {"khac", "Nguồn khác"},
};

const char *
aw_fund_name(const char *code)
{
	for (size_t k = 0; code && k < NELEM(funds); k++)
		if (!strcmp(code, funds[k][0]))
			return funds[k][1];
	return NULL;
}

static const char *const fcodes[AWF_COUNT] = {"category", "name",     "place",     "achievements",
                                              "form",     "amount",   "files",     "comment",
                                              "version",  "campaign", "proposals", "fund_source"};

const char *
aw_field_code(int f)
{
	return f >= 0 && f < AWF_COUNT ? fcodes[f] : "";
}

/* ---------- small helpers ---------- */

static void
err(aw_outcome_t *o, int f, const char *msg)
{
	if (o->err[f] == NULL)
		o->nerr++;
	o->err[f] = msg;
}

static aw_rc_t
finish(aw_outcome_t *o, aw_rc_t rc, const char *msg)
{
	o->rc = rc;
	o->message = msg;
	return rc;
}

/* Characters that are not white space. */
static size_t
visible_chars(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
		if (*p > ' ' && (*p & 0xC0) != 0x80)
			n++;
	return n;
}

/* A typed text through text hygiene (text/hygiene.h): NFC, trimmed, no control character
 * (tab and line breaks only with TEXT_MULTILINE), no bidi override, in names (TEXT_NAME) no
 * invisible character, at most max bytes; empty refused with empty_msg when not NULL. The
 * clean text, or the trimmed typed one (for the form shown again) after an error on f. */
static const char *
aw_text(arena_t *a, aw_outcome_t *o, int f, const char *label, const char *typed, unsigned flags,
        size_t max, const char *empty_msg)
{
	const char *t;
	const char *why = text_clean_field(
	        a, label, typed, flags | TEXT_TRIM | (empty_msg ? TEXT_REQUIRED : 0), max, &t);
	if (why) {
		err(o, f, empty_msg && text_blank(typed) ? empty_msg : why);
		return text_trim(a, typed ? typed : "");
	}
	return t;
}

/* A typed value quoted in a message: at most 32 bytes, never cut inside a letter. */
static const char *
quoted(arena_t *a, const char *s)
{
	return arena_printf(a, "%.*s", text_utf8_prefix(s, 32), s);
}

static const char *
unit_path_of(const aw_ctx_t *cx, int32_t i)
{
	buf_t b = BUF_INIT;
	unit_tree_path(cx->tree, i, &b);
	const char *s = arena_strdup(cx->arena, buf_cstr(&b));
	buf_free(&b);
	return s;
}

static int
allowed(const aw_ctx_t *cx, action_t act, int32_t unit)
{
	return access_allowed(cx->tree, cx->actor.grants, cx->actor.ngrants, act, unit);
}

static const char *
unit_name_of(const aw_ctx_t *cx, int64_t id)
{
	int32_t i = unit_tree_find_id(cx->tree, id);
	return i >= 0 ? cx->tree->units[i].name : "đơn vị khác";
}

/* ---------- the campaign of a unit ---------- */

typedef struct camp_pick {
	const unit_tree_t *t;
	int32_t unit;
	int64_t id;
	int year, depth;
} camp_pick_t;

static int
camp_row(const store_campaign_t *c, void *p)
{
	camp_pick_t *k = p;
	int32_t iss = unit_tree_find_id(k->t, c->issuer_unit_id);
	if (iss < 0 || strcmp(c->status, "open") != 0 || !unit_tree_contains(k->t, iss, k->unit))
		return 0;
	int depth = k->t->units[iss].depth;
	if (!k->id || c->year > k->year || (c->year == k->year && depth > k->depth))
		*k = (camp_pick_t){k->t, k->unit, c->id, c->year, depth};
	return 0;
}

int64_t
aw_campaign_for(store_t *st, const unit_tree_t *t, int32_t i)
{
	camp_pick_t k = {t, i, 0, 0, 0};
	if (store_campaigns_each(st, camp_row, &k) < 0)
		return -1;
	return k.id;
}

/* ---------- reading a proposal ---------- */

static int
copy_award(const store_award_t *s, void *p)
{
	void **v = p;
	arena_t *a = v[0];
	store_award_t *d = v[1];
	*d = *s;
	const char **str[] = {&d->unit_path,       &d->at_path,    &d->status,
	                      &d->category,        &d->name,       &d->place,
	                      &d->achievements,    &d->form,       &d->proposed_form,
	                      &d->decision_status, &d->fund_source};
	for (size_t k = 0; k < NELEM(str); k++)
		*str[k] = arena_strdup(a, *str[k] ? *str[k] : "");
	return 0;
}

static int
load(const aw_ctx_t *cx, int64_t id, store_award_t *out)
{
	void *v[2] = {cx->arena, out};
	return id > 0 ? store_award_get(cx->store, id, copy_award, v) : 0;
}

int
aw_visible(const unit_tree_t *t, int32_t unit, const store_award_t *p)
{
	if (unit < 0 || unit >= t->n)
		return 0;
	if (p->at_unit_id == t->units[unit].id)
		return 1;
	int32_t u = unit_tree_find_id(t, p->unit_id);
	return u >= 0 && unit_tree_contains(t, unit, u);
}

/* May the actor do op on p acting as unit? 0, else AW_ERR_DENIED or AW_ERR_STATE with
 * *why (a Vietnamese sentence). */
static aw_rc_t
op_check(const aw_ctx_t *cx, int32_t unit, const store_award_t *p, aw_op_t op, const char **why)
{
	arena_t *a = cx->arena;
	int64_t uid = cx->tree->units[unit].id;
	int own = p->unit_id == uid && p->at_unit_id == uid;
	int open = !strcmp(p->status, "draft") || !strcmp(p->status, "returned");
	switch (op) {
	case AW_OP_EDIT:
	case AW_OP_WITHDRAW:
	case AW_OP_SEND:
		if (!allowed(cx, op == AW_OP_SEND ? ACT_REPORT_SUBMIT : ACT_REPORT_EDIT, unit)) {
			*why = op == AW_OP_SEND ? "Bạn không có quyền gửi đề nghị của đơn vị này."
			                        : "Bạn không có quyền sửa đề nghị của đơn vị này.";
			return AW_ERR_DENIED;
		}
		if (!own || !open) {
			*why = arena_printf(a,
			                    "Đề nghị đang ở trạng thái “%s” tại %s; chỉ đơn vị đề "
			                    "nghị sửa, rút hoặc gửi được khi đề nghị là bản nháp "
			                    "hoặc bị trả lại.",
			                    aw_status_name(p->status),
			                    unit_name_of(cx, p->at_unit_id));
			return AW_ERR_STATE;
		}
		if (op == AW_OP_SEND && cx->tree->units[unit].parent < 0) {
			*why = "Đơn vị cấp cao nhất không có cấp trên để gửi đề nghị.";
			return AW_ERR_STATE;
		}
		return AW_OK;
	case AW_OP_ENDORSE:
	case AW_OP_TRIM:
	case AW_OP_RETURN:
	case AW_OP_DECLINE:
	case AW_OP_REMOVE:
		if (!allowed(cx, ACT_CAMPAIGN_MANAGE, unit)) {
			*why = "Bạn không có quyền xét đề nghị khen thưởng tại đơn vị này.";
			return AW_ERR_DENIED;
		}
		if (op == AW_OP_REMOVE) {
			if (strcmp(p->status, "in_decision") != 0 || p->decider_unit_id != uid ||
			    strcmp(p->decision_status, "draft") != 0) {
				*why = "Chỉ bỏ được đề nghị khỏi dự thảo quyết định (chưa ban "
				       "hành) "
				       "của chính đơn vị này.";
				return AW_ERR_STATE;
			}
			return AW_OK;
		}
		if (strcmp(p->status, "sent") != 0 || p->at_unit_id != uid) {
			*why = arena_printf(
			        a,
			        "Đề nghị đang ở trạng thái “%s” tại %s; chỉ đơn vị đang "
			        "giữ đề nghị đã gửi mới xử lý được.",
			        aw_status_name(p->status), unit_name_of(cx, p->at_unit_id));
			return AW_ERR_STATE;
		}
		if (op == AW_OP_ENDORSE && cx->tree->units[unit].parent < 0) {
			*why = "Đơn vị cấp cao nhất không trình lên được nữa; hãy lập quyết định "
			       "khen thưởng.";
			return AW_ERR_STATE;
		}
		return AW_OK;
	default: *why = "Thao tác không hợp lệ."; return AW_ERR_STATE;
	}
}

unsigned
aw_ops_allowed(const aw_ctx_t *cx, int32_t unit, const store_award_t *p)
{
	unsigned m = 0;
	const char *why;
	for (int op = 0; op < AW_OP_COUNT; op++)
		if (op_check(cx, unit, p, (aw_op_t)op, &why) == AW_OK)
			m |= 1u << op;
	return m;
}

/* ---------- checks ---------- */

/* The amount typed: integer đồng 0..max, "500.000" grouping allowed. */
static int
check_amount(const aw_ctx_t *cx, const char *typed, int64_t *out, aw_outcome_t *o)
{
	arena_t *a = cx->arena;
	int64_t v;
	if (text_blank(typed)) {
		*out = 0;
		return 0;
	}
	if (text_parse_int(typed, strlen(typed), &v) < 0) {
		err(o, AWF_AMOUNT,
		    arena_printf(a,
		                 "Số tiền thưởng “%s” không phải số nguyên đồng; hãy nhập chữ số "
		                 "(ví dụ 500000 hoặc 500.000), để trống nếu không kèm tiền.",
		                 quoted(a, typed)));
		return -1;
	}
	if (v < 0) {
		err(o, AWF_AMOUNT, "Số tiền thưởng không được âm; hãy nhập từ 0 đồng trở lên.");
		return -1;
	}
	if (v > cx->cat->max_amount) {
		err(o, AWF_AMOUNT,
		    arena_printf(a,
		                 "Số tiền thưởng %s đồng vượt mức tối đa %s đồng cho một khen "
		                 "thưởng; hãy nhập số nhỏ hơn.",
		                 text_int(a, v), text_int(a, cx->cat->max_amount)));
		return -1;
	}
	*out = v;
	return 0;
}

static const char *
catalog_names(arena_t *a, int forms, const award_catalog_t *c)
{
	buf_t b = BUF_INIT;
	size_t n = forms ? c->nforms : c->ncategories;
	for (size_t k = 0; k < n; k++)
		buf_printf(&b, "%s%s (%s)", k ? ", " : "",
		           forms ? c->forms[k].name : c->categories[k].name,
		           forms ? c->forms[k].code : c->categories[k].code);
	const char *s = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

static const char *
check_form(const aw_ctx_t *cx, const char *typed, aw_outcome_t *o)
{
	arena_t *a = cx->arena;
	const award_form_t *f = award_form_find(cx->cat, typed);
	if (f)
		return f->code;
	err(o, AWF_FORM,
	    text_blank(typed) ? arena_printf(a, "Hình thức khen thưởng: hãy chọn một trong: %s.",
	                                     catalog_names(a, 1, cx->cat))
	                      : arena_printf(a,
	                                     "Hình thức khen thưởng “%s” không có trong danh mục; "
	                                     "hãy chọn một trong: %s.",
	                                     quoted(a, typed), catalog_names(a, 1, cx->cat)));
	return NULL;
}

/* The proposal's own fields into p (copied into the arena). */
static void
check_fields(const aw_ctx_t *cx, const aw_input_t *in, store_award_t *p, aw_outcome_t *o)
{
	arena_t *a = cx->arena;
	const award_category_t *c = award_category_find(cx->cat, in->category);
	if (c)
		p->category = c->code;
	else
		err(o, AWF_CATEGORY,
		    text_blank(in->category)
		            ? arena_printf(a, "Loại đề nghị: hãy chọn một trong: %s.",
		                           catalog_names(a, 0, cx->cat))
		            : arena_printf(a,
		                           "Loại đề nghị “%s” không có trong danh mục; hãy chọn "
		                           "một trong: %s.",
		                           quoted(a, in->category), catalog_names(a, 0, cx->cat)));
	p->name = aw_text(a, o, AWF_NAME, "Tên tập thể, cá nhân", in->name, TEXT_NAME, AW_NAME_MAX,
	                  "Tên tập thể, cá nhân: chưa nhập; hãy nhập họ tên hoặc tên tập thể (tối "
	                  "đa 200 byte).");
	p->place = aw_text(a, o, AWF_PLACE, "Chức vụ, nơi công tác hoặc địa chỉ", in->place, 0,
	                   AW_PLACE_MAX, NULL);
	p->achievements = aw_text(a, o, AWF_ACHIEVEMENTS, "Thành tích", in->achievements,
	                          TEXT_MULTILINE, AW_ACHIEVEMENTS_MAX,
	                          "Thành tích: chưa nhập; hãy tóm tắt thành tích đề nghị khen "
	                          "thưởng (tối đa 5.000 byte).");
	p->form = check_form(cx, in->form, o);
	check_amount(cx, in->amount, &p->amount, o);
}

/* The comment: required (at least min visible characters) or optional, at most 1,000
 * bytes. The trimmed text, or NULL after an error. */
static const char *
check_comment(const aw_ctx_t *cx, const char *typed, size_t min, const char *what, aw_outcome_t *o)
{
	arena_t *a = cx->arena;
	const char *c;
	const char *why = text_clean_field(a, "Ý kiến", typed, TEXT_MULTILINE | TEXT_TRIM,
	                                   AW_COMMENT_MAX, &c);
	if (why) {
		err(o, AWF_COMMENT, why);
		return NULL;
	}
	if (min && visible_chars(c) < min) {
		err(o, AWF_COMMENT,
		    arena_printf(a, "Ý kiến: hãy ghi rõ %s (ít nhất %zu ký tự).", what, min));
		return NULL;
	}
	return c;
}

/* The files: each sniffed PDF, JPEG, PNG or DOCX of 1 byte to 10 MB; with have already
 * stored, at most AW_FILES_MAX. types[k] the sniffed type of in->files[k]. */
static void
check_files(const aw_ctx_t *cx, const aw_input_t *in, size_t have, const res_type_t **types,
            aw_outcome_t *o)
{
	arena_t *a = cx->arena;
	if (in->nfiles + have > AW_FILES_MAX) {
		err(o, AWF_FILES,
		    arena_printf(a,
		                 "Tệp minh chứng: tối đa 5 tệp cho một đề nghị (đã có %zu, gửi "
		                 "thêm %zu); hãy bớt tệp.",
		                 have, in->nfiles));
		return;
	}
	for (size_t k = 0; k < in->nfiles; k++) {
		const aw_file_in_t *f = &in->files[k];
		const res_type_t *t = f->len ? res_sniff(f->data, f->len) : NULL;
		const char *nm = f->name && text_utf8_valid(f->name, strlen(f->name))
		                         ? quoted(a, f->name)
		                         : "";
		if (f->len == 0)
			err(o, AWF_FILES,
			    arena_printf(a, "Tệp minh chứng “%s” rỗng; hãy chọn lại tệp.", nm));
		else if (f->len > AW_FILE_MAX)
			err(o, AWF_FILES,
			    arena_printf(a,
			                 "Tệp minh chứng “%s” lớn hơn 10 MB; hãy nén hoặc chụp lại "
			                 "nhỏ hơn.",
			                 nm));
		else if (!t || (strcmp(t->code, "pdf") && strcmp(t->code, "jpeg") &&
		                strcmp(t->code, "png") && strcmp(t->code, "docx")))
			err(o, AWF_FILES,
			    arena_printf(a,
			                 "Tệp minh chứng “%s”: nội dung không phải PDF, ảnh JPEG, "
			                 "PNG hay Word (.docx); hãy chọn tệp đúng định dạng.",
			                 nm));
		types[k] = t;
	}
}

/* ---------- writing ---------- */

static void
audit(const aw_ctx_t *cx, int *rc, int32_t unit, const char *action, int64_t id,
      const char *old_value, const char *new_value)
{
	if (*rc < 0)
		return;
	store_audit_t e = {
	        .at = cx->now,
	        .actor_id = cx->actor.user_id,
	        .actor_name = cx->actor.name ? cx->actor.name : "",
	        .unit_id = cx->tree->units[unit].id,
	        .unit_path = unit_path_of(cx, unit),
	        .action = action,
	        .target = arena_printf(cx->arena, "award:%lld", (long long)id),
	        .old_value = old_value ? old_value : "",
	        .new_value = new_value ? new_value : "",
	        .ip = cx->actor.ip ? cx->actor.ip : "",
	};
	*rc = store_audit_append(cx->store, &e);
}

static void
event(const aw_ctx_t *cx, int *rc, int64_t id, int32_t unit, const char *action,
      const char *comment, const char *detail)
{
	if (*rc < 0)
		return;
	store_award_event_t e = {
	        .proposal_id = id,
	        .at = cx->now,
	        .user_id = cx->actor.user_id,
	        .unit_id = cx->tree->units[unit].id,
	        .action = action,
	        .comment = comment ? comment : "",
	        .detail = detail ? detail : "",
	};
	*rc = store_award_event_add(cx->store, &e);
}

static void
save_files(const aw_ctx_t *cx, int *rc, int64_t id, const aw_input_t *in, const res_type_t **types)
{
	for (size_t k = 0; k < in->nfiles && *rc == 0; k++) {
		store_award_file_t f = {
		        .proposal_id = id,
		        .name = res_file_name(cx->arena, in->files[k].name, types[k]),
		        .mime = types[k]->mime,
		        .size = (int64_t)in->files[k].len,
		        .created_at = cx->now,
		        .created_by = cx->actor.user_id,
		};
		int64_t fid;
		*rc = store_award_file_add(cx->store, &f, in->files[k].data, &fid);
	}
}

/* Write p (new when p->id is 0) at expected_version: 0, -2 stale, -1. */
static int
save(const aw_ctx_t *cx, int *rc, store_award_t *p, int64_t expected_version)
{
	if (*rc < 0)
		return *rc;
	p->updated_at = cx->now;
	p->updated_by = cx->actor.user_id;
	int64_t id, ver;
	*rc = store_award_save(cx->store, p, expected_version, &id, &ver);
	if (*rc == 0) {
		p->id = id;
		p->version = ver;
	}
	return *rc;
}

static aw_rc_t
commit(const aw_ctx_t *cx, int rc, aw_outcome_t *o, const char *done)
{
	if (rc == 0 && store_tx_commit(cx->store) == 0) {
		if (o->mails && cx->notify)
			notify_wake(cx->notify);
		return finish(o, AW_OK, done);
	}
	if (rc != 0)
		store_tx_rollback(cx->store);
	if (rc == -2)
		return finish(o, AW_ERR_CONFLICT,
		              "Đề nghị vừa được người khác thay đổi sau khi bạn mở trang; chưa có "
		              "gì được lưu. Hãy tải lại trang rồi làm lại.");
	return finish(o, AW_ERR_STORE, "Lỗi cơ sở dữ liệu; chưa có gì được lưu. Hãy thử lại.");
}

/* "Giấy khen, 500.000 đồng" */
static const char *
level(const aw_ctx_t *cx, const char *form, int64_t amount)
{
	const award_form_t *f = award_form_find(cx->cat, form);
	return arena_printf(cx->arena, "%s, %s đồng", f ? f->name : form,
	                    text_int(cx->arena, amount));
}

/* "Gia đình hiếu học: Gia đình ông …, Giấy khen, 500.000 đồng" for the history and audit. */
static const char *
summary(const aw_ctx_t *cx, const store_award_t *p)
{
	const award_category_t *c = award_category_find(cx->cat, p->category);
	return arena_printf(cx->arena, "%s: %s, %s", c ? c->name : p->category, p->name,
	                    level(cx, p->form, p->amount));
}

/* A notice of op on p to the unit that must now act (send, endorse) or to the proposer
 * (return, decline). *mails: e-mails queued. */
static void
tell(const aw_ctx_t *cx, int *rc, int32_t unit, aw_op_t op, const store_award_t *p,
     const char *comment, int *mails)
{
	if (*rc < 0 || !cx->notify ||
	    (op != AW_OP_SEND && op != AW_OP_ENDORSE && op != AW_OP_RETURN && op != AW_OP_DECLINE))
		return;
	arena_t *a = cx->arena;
	int up = op == AW_OP_SEND || op == AW_OP_ENDORSE;
	int32_t to = unit_tree_find_id(cx->tree, up ? p->at_unit_id : p->unit_id);
	if (to < 0)
		return;
	const award_category_t *c = award_category_find(cx->cat, p->category);
	const char *what = arena_printf(a, "%s: %s, %s", c ? c->name : p->category, p->name,
	                                level(cx, p->form, p->amount));
	static const char *const titles[AW_OP_COUNT] = {
	        [AW_OP_SEND] = "Đề nghị khen thưởng chờ xử lý",
	        [AW_OP_ENDORSE] = "Đề nghị khen thưởng chờ xử lý",
	        [AW_OP_RETURN] = "Đề nghị khen thưởng bị trả lại",
	        [AW_OP_DECLINE] = "Đề nghị khen thưởng không được đề nghị tiếp"};
	notify_msg_t m = {
	        .kind = "award",
	        .unit = to,
	        .to = NOTIFY_TO_HEADS,
	        .campaign_id = p->campaign_id,
	        .about = unit,
	        .by = cx->actor.user_id,
	        .title = arena_printf(a, "%s: %s", titles[op], p->name),
	        .body = arena_printf(a, "%s (%s). %s%s%s", what, cx->tree->units[unit].name,
	                             up ? "Hãy đồng ý trình cấp trên, điều chỉnh, trả lại hoặc lập "
	                                  "quyết định khen thưởng."
	                                : "",
	                             comment && *comment ? " Ý kiến: " : "",
	                             comment ? comment : ""),
	        .link = arena_printf(a, "/units/%s/khen-thuong/%lld", cx->tree->units[to].code,
	                             (long long)p->id),
	};
	int n = 0;
	*rc = notify_write(cx->store, cx->tree, cx->notify, &m, cx->now, NULL, &n);
	*mails += n;
}

aw_rc_t
aw_create(const aw_ctx_t *cx, int32_t unit, const aw_input_t *in, aw_outcome_t *out)
{
	memset(out, 0, sizeof *out);
	if (!allowed(cx, ACT_REPORT_EDIT, unit))
		return finish(out, AW_ERR_DENIED, "Bạn không có quyền lập đề nghị của đơn vị này.");
	store_award_t p = {0};
	check_fields(cx, in, &p, out);
	const res_type_t *types[AW_FILES_MAX + 1] = {0};
	check_files(cx, in, 0, types, out);
	int64_t camp = aw_campaign_for(cx->store, cx->tree, unit);
	if (camp < 0)
		return finish(out, AW_ERR_STORE, "Lỗi cơ sở dữ liệu; hãy thử lại.");
	if (camp == 0)
		err(out, AWF_CAMPAIGN,
		    "Đợt: đơn vị chưa thuộc đợt Tuần lễ nào đang mở; chỉ đề nghị được khi cấp "
		    "trên đã phát động đợt.");
	if (out->nerr)
		return finish(out, AW_ERR_INVALID,
		              "Có mục chưa hợp lệ; hãy sửa các mục được đánh dấu. Chưa có gì "
		              "được lưu.");
	const unit_t *u = &cx->tree->units[unit];
	p.campaign_id = camp;
	p.unit_id = p.at_unit_id = u->id;
	p.unit_path = p.at_path = unit_path_of(cx, unit);
	p.status = "draft";
	p.proposed_form = p.form;
	p.proposed_amount = p.amount;
	p.created_at = cx->now;
	p.created_by = cx->actor.user_id;
	int rc = store_tx_begin(cx->store);
	if (rc < 0)
		return finish(out, AW_ERR_STORE, "Lỗi cơ sở dữ liệu; hãy thử lại.");
	save(cx, &rc, &p, 0);
	save_files(cx, &rc, p.id, in, types);
	event(cx, &rc, p.id, unit, "create", "", summary(cx, &p));
	audit(cx, &rc, unit, "award.create", p.id, NULL, summary(cx, &p));
	out->id = p.id;
	out->version = p.version;
	out->campaign_id = camp;
	return commit(cx, rc, out, "Đã lưu đề nghị (bản nháp). Gửi lên cấp trên khi đã đủ.");
}

static int
count_file(const store_award_file_t *f, const void *b, size_t n, void *p)
{
	(void)f, (void)b, (void)n;
	++*(size_t *)p;
	return 0;
}

aw_rc_t
aw_act(const aw_ctx_t *cx, int32_t unit, int64_t id, aw_op_t op, int64_t expected_version,
       const aw_input_t *in, aw_outcome_t *out)
{
	memset(out, 0, sizeof *out);
	arena_t *a = cx->arena;
	store_award_t p;
	int found = load(cx, id, &p);
	if (found < 0)
		return finish(out, AW_ERR_STORE, "Lỗi cơ sở dữ liệu; hãy thử lại.");
	if (!found || !aw_visible(cx->tree, unit, &p))
		return finish(
		        out, AW_ERR_NOT_FOUND,
		        "Không tìm thấy đề nghị này trong đơn vị hoặc các đơn vị trực thuộc.");
	const char *why = NULL;
	aw_rc_t rc0 = op_check(cx, unit, &p, op, &why);
	if (rc0 != AW_OK)
		return finish(out, rc0, why);
	if (expected_version != p.version) {
		err(out, AWF_VERSION, "version: không phải phiên bản hiện tại của đề nghị.");
		return finish(out, AW_ERR_CONFLICT,
		              "Đề nghị vừa được người khác thay đổi sau khi bạn mở trang; chưa "
		              "có gì được lưu. Hãy tải lại trang rồi làm lại.");
	}
	store_award_t old = p;
	const char *comment = NULL, *action = aw_op_code(op), *detail = NULL;
	const res_type_t *types[AW_FILES_MAX + 1] = {0};
	const char *done = NULL;
	const unit_t *L = &cx->tree->units[unit];
	switch (op) {
	case AW_OP_EDIT: {
		aw_input_t m = *in; /* fields not sent keep their value */
		m.category = in->category ? in->category : p.category;
		m.name = in->name ? in->name : p.name;
		m.place = in->place ? in->place : p.place;
		m.achievements = in->achievements ? in->achievements : p.achievements;
		m.form = in->form ? in->form : p.form;
		m.amount = in->amount ? in->amount : arena_printf(a, "%lld", (long long)p.amount);
		check_fields(cx, &m, &p, out);
		size_t have = 0;
		if (in->nfiles && store_award_files(cx->store, p.id, 0, 0, count_file, &have) < 0)
			return finish(out, AW_ERR_STORE, "Lỗi cơ sở dữ liệu; hãy thử lại.");
		check_files(cx, in, have, types, out);
		p.proposed_form = p.form;
		p.proposed_amount = p.amount;
		detail = summary(cx, &p);
		done = "Đã lưu thay đổi.";
		break;
	}
	case AW_OP_SEND:
	case AW_OP_WITHDRAW:
	case AW_OP_ENDORSE:
		comment = check_comment(cx, in->comment, 0, "", out);
		if (op == AW_OP_WITHDRAW) {
			p.status = "withdrawn";
			done = "Đã rút đề nghị.";
		} else {
			int32_t up = L->parent;
			p.status = "sent";
			p.at_unit_id = cx->tree->units[up].id;
			p.at_path = unit_path_of(cx, up);
			detail = cx->tree->units[up].name;
			done = arena_printf(a, "Đã gửi đề nghị lên %s.", cx->tree->units[up].name);
		}
		break;
	case AW_OP_TRIM: {
		comment = check_comment(cx, in->comment, 5, "lý do điều chỉnh", out);
		const char *form = in->form && *in->form ? check_form(cx, in->form, out) : p.form;
		int64_t amount = p.amount;
		if (in->amount && !text_blank(in->amount) &&
		    check_amount(cx, in->amount, &amount, out) == 0 && amount > p.amount)
			err(out, AWF_AMOUNT,
			    arena_printf(
			            a,
			            "Số tiền thưởng chỉ được giảm khi điều chỉnh (hiện %s đồng); "
			            "hãy nhập số không lớn hơn.",
			            text_int(a, p.amount)));
		if (form && !out->nerr && !strcmp(form, p.form) && amount == p.amount)
			err(out, AWF_AMOUNT,
			    "Điều chỉnh: hãy hạ số tiền thưởng hoặc đổi hình thức khen thưởng "
			    "(không "
			    "có gì thay đổi).");
		if (form)
			p.form = form;
		p.amount = amount;
		detail = arena_printf(a, "%s → %s", level(cx, old.form, old.amount),
		                      level(cx, p.form, p.amount));
		done = "Đã điều chỉnh mức khen thưởng.";
		break;
	}
	case AW_OP_RETURN:
		comment = check_comment(cx, in->comment, 5, "cần bổ sung, sửa gì", out);
		p.status = "returned";
		p.at_unit_id = p.unit_id;
		p.at_path = p.unit_path;
		done = "Đã trả lại đề nghị cho đơn vị đề nghị.";
		break;
	case AW_OP_DECLINE:
		comment = check_comment(cx, in->comment, 5, "lý do không đề nghị", out);
		p.status = "declined";
		done = "Đã ghi không đề nghị khen thưởng.";
		break;
	case AW_OP_REMOVE:
		comment = check_comment(cx, in->comment, 0, "", out);
		p.status = "sent";
		p.decision_id = 0;
		p.ord = 0;
		p.at_unit_id = L->id;
		p.at_path = unit_path_of(cx, unit);
		done = "Đã bỏ đề nghị khỏi dự thảo quyết định; đề nghị trở lại danh sách chờ xử "
		       "lý. Hãy sửa danh sách kèm theo và Điều 1, Điều 2 của dự thảo cho khớp.";
		break;
	default: return finish(out, AW_ERR_STATE, "Thao tác không hợp lệ.");
	}
	if (out->nerr)
		return finish(out, AW_ERR_INVALID,
		              "Có mục chưa hợp lệ; hãy sửa các mục được đánh dấu. Chưa có gì "
		              "được lưu.");
	int rc = store_tx_begin(cx->store);
	if (rc < 0)
		return finish(out, AW_ERR_STORE, "Lỗi cơ sở dữ liệu; hãy thử lại.");
	save(cx, &rc, &p, expected_version);
	if (op == AW_OP_EDIT)
		save_files(cx, &rc, p.id, in, types);
	event(cx, &rc, p.id, unit, action, comment, detail);
	tell(cx, &rc, unit, op, &p, comment, &out->mails);
	audit(cx, &rc, unit, arena_printf(a, "award.%s", action), p.id, summary(cx, &old),
	      arena_printf(a, "%s%s%s", aw_status_name(p.status), comment && *comment ? ": " : "",
	                   comment ? comment : ""));
	out->id = p.id;
	out->version = p.version;
	return commit(cx, rc, out, done);
}

/* ---------- decisions ---------- */

typedef struct sorted {
	store_award_t *p;
	int collective;
} sorted_t;

static int
by_kind_then_name(const void *x, const void *y)
{
	const sorted_t *a = x, *b = y;
	if (a->collective != b->collective)
		return b->collective - a->collective;
	int c = text_collate_cmp(a->p->name, b->p->name);
	return c ? c : (a->p->id < b->p->id ? -1 : a->p->id > b->p->id);
}

typedef struct plan_find {
	arena_t *a;
	int64_t campaign_id;
	store_doc_t found;
	int n;
} plan_find_t;

static int
plan_row(const store_doc_t *s, void *p)
{
	plan_find_t *f = p;
	if (f->n || strcmp(s->kind, "kh") || strcmp(s->status, "published") ||
	    s->campaign_id != f->campaign_id)
		return 0;
	f->found = *s;
	f->found.json = arena_strdup(f->a, s->json);
	f->n = 1;
	return 0;
}

/* "Căn cứ Kế hoạch số 01/KH-UBND ngày … của … về việc …;" of unit's published plan of the
 * campaign, or NULL (and *doc_id 0) when it has none. */
static const char *
plan_basis(const aw_ctx_t *cx, int32_t unit, int64_t campaign_id, int64_t *doc_id)
{
	plan_find_t f = {cx->arena, campaign_id, {0}, 0};
	*doc_id = 0;
	if (store_docs_of_issuer(cx->store, cx->tree->units[unit].id, plan_row, &f) < 0 || !f.n)
		return NULL;
	doc_t *d;
	doc_error_t errs[DOC_MAX_ERRORS];
	size_t nerr;
	if (doc_parse(f.found.json, strlen(f.found.json), cx->arena, &d, errs, &nerr) < 0)
		return NULL;
	d->number = f.found.number;
	d->date = f.found.doc_date;
	buf_t b = BUF_INIT;
	buf_puts(&b, "Căn cứ ");
	doc_reference(d,
	              doc_running_name(cx->arena, cx->tree->units[unit].name,
	                               cx->tree->units[unit].is_locality),
	              &b);
	buf_putc(&b, ';');
	const char *s = arena_strdup(cx->arena, buf_cstr(&b));
	buf_free(&b);
	*doc_id = f.found.id;
	return s;
}

typedef struct camp_year {
	int64_t id;
	int year;
} camp_year_t;

static int
take_year(const store_campaign_t *c, void *p)
{
	((camp_year_t *)p)->year = c->year;
	return 0;
}

/* The Quyết định draft of unit for the sorted proposals. */
static doc_t *
decision_doc(const aw_ctx_t *cx, int32_t unit, int64_t campaign_id, int year, const sorted_t *v,
             size_t n, const char *fund, const char *signer)
{
	arena_t *a = cx->arena;
	doc_t *d = arena_alloc(a, sizeof *d);
	memset(d, 0, sizeof *d);
	d->kind = DOC_QD;
	d->year = year;
	docs_issuer_defaults(cx->tree, unit, a, d);
	if (signer && *signer)
		d->signer.name = signer;
	d->subject = arena_printf(a,
	                          "Về việc khen thưởng tập thể, cá nhân có thành tích trong Tuần "
	                          "lễ hưởng ứng học tập suốt đời năm %d",
	                          year);
	int64_t plan_id;
	const char *plan = plan_basis(cx, unit, campaign_id, &plan_id);
	d->bases = arena_alloc(a, 2 * sizeof *d->bases);
	d->bases[0] =
	        (doc_basis_t){0, "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;"};
	d->nbases = 1;
	if (plan)
		d->bases[d->nbases++] = (doc_basis_t){plan_id, plan};
	size_t coll = 0;
	int64_t total = 0;
	for (size_t k = 0; k < n; k++) {
		coll += v[k].collective != 0;
		total += v[k].p->amount;
	}
	const char *issuer =
	        doc_running_name(a, cx->tree->units[unit].name, cx->tree->units[unit].is_locality);
	d->text = arena_printf(
	        a,
	        "**Điều 1.** Khen thưởng %zu tập thể và %zu cá nhân đã có thành tích trong Tuần lễ "
	        "hưởng ứng học tập suốt đời năm %d (có danh sách kèm theo).\n"
	        "**Điều 2.** Tổng số tiền thưởng là %s đồng, chi từ %s theo quy định hiện hành.\n"
	        "**Điều 3.** Quyết định này có hiệu lực kể từ ngày ký. Văn phòng, các cơ quan, "
	        "đơn vị có liên quan của %s và các tập thể, cá nhân có tên tại Điều 1 chịu trách "
	        "nhiệm thi hành Quyết định này.",
	        coll, n - coll, year, text_int(a, total), aw_fund_name(fund), issuer);
	d->distribution = arena_alloc(a, 2 * sizeof *d->distribution);
	d->distribution[0] = "Như Điều 3;";
	d->distribution[1] = "Lưu: VT.";
	d->ndistribution = 2;
	d->annexes = arena_alloc(a, sizeof *d->annexes);
	d->annexes[0] = (doc_annex_t){.label = "",
	                              .title = "Danh sách tập thể, cá nhân được khen thưởng",
	                              .subtitle = "",
	                              .text = "",
	                              .awards = 1};
	d->nannexes = 1;
	return d;
}

aw_rc_t
aw_decide(const aw_ctx_t *cx, int32_t unit, const int64_t *ids, size_t n, const char *fund_source,
          const char *signer, aw_outcome_t *out)
{
	memset(out, 0, sizeof *out);
	arena_t *a = cx->arena;
	if (!allowed(cx, ACT_CAMPAIGN_MANAGE, unit))
		return finish(out, AW_ERR_DENIED,
		              "Bạn không có quyền lập quyết định khen thưởng của đơn vị này.");
	if (!aw_fund_name(fund_source))
		err(out, AWF_FUND_SOURCE,
		    "Nguồn kinh phí: hãy chọn nsnn (ngân sách nhà nước), xhh (xã hội hóa) hoặc "
		    "khac (nguồn khác).");
	const char *sg = aw_text(a, out, AWF_NAME, "Người ký", signer, TEXT_NAME, 100, NULL);
	if (n == 0)
		err(out, AWF_PROPOSALS,
		    "Đề nghị: hãy chọn ít nhất một đề nghị đang chờ đơn vị xử lý.");
	else if (n > AW_DECIDE_MAX)
		err(out, AWF_PROPOSALS, "Đề nghị: tối đa 500 đề nghị trong một quyết định.");
	sorted_t *v = arena_alloc(a, (n ? n : 1) * sizeof *v);
	size_t m = 0;
	int64_t uid = cx->tree->units[unit].id;
	for (size_t k = 0; k < n && k < AW_DECIDE_MAX && !out->err[AWF_PROPOSALS]; k++) {
		for (size_t j = 0; j < k; j++)
			if (ids[j] == ids[k])
				err(out, AWF_PROPOSALS,
				    arena_printf(a,
				                 "Đề nghị số %lld được chọn hai lần; hãy chọn "
				                 "mỗi đề nghị một lần.",
				                 (long long)ids[k]));
		store_award_t *p = arena_alloc(a, sizeof *p);
		int f = load(cx, ids[k], p);
		if (f < 0)
			return finish(out, AW_ERR_STORE, "Lỗi cơ sở dữ liệu; hãy thử lại.");
		if (!f || !aw_visible(cx->tree, unit, p))
			err(out, AWF_PROPOSALS,
			    arena_printf(a,
			                 "Đề nghị số %lld không thuộc đơn vị này hay các đơn vị "
			                 "trực thuộc; hãy chọn trong danh sách chờ xử lý.",
			                 (long long)ids[k]));
		else if (strcmp(p->status, "sent") != 0 || p->at_unit_id != uid)
			err(out, AWF_PROPOSALS,
			    arena_printf(a,
			                 "Đề nghị “%s” đang ở trạng thái “%s” tại %s, không chờ "
			                 "đơn vị này xử lý; hãy bỏ chọn đề nghị đó.",
			                 quoted(a, p->name), aw_status_name(p->status),
			                 unit_name_of(cx, p->at_unit_id)));
		else {
			const award_category_t *c = award_category_find(cx->cat, p->category);
			v[m++] = (sorted_t){p, c ? c->collective : 0};
		}
	}
	int64_t camp = aw_campaign_for(cx->store, cx->tree, unit);
	if (camp < 0)
		return finish(out, AW_ERR_STORE, "Lỗi cơ sở dữ liệu; hãy thử lại.");
	if (camp == 0)
		err(out, AWF_CAMPAIGN,
		    "Đợt: đơn vị chưa thuộc đợt Tuần lễ nào đang mở; không lập được quyết định.");
	if (out->nerr)
		return finish(out, AW_ERR_INVALID,
		              "Có mục chưa hợp lệ; hãy sửa các mục được đánh dấu. Chưa có gì "
		              "được lưu.");
	qsort(v, m, sizeof *v, by_kind_then_name);
	camp_year_t cy = {camp, 0};
	if (store_campaign_get(cx->store, camp, take_year, &cy) < 0 || !cy.year)
		return finish(out, AW_ERR_STORE, "Lỗi cơ sở dữ liệu; hãy thử lại.");
	doc_t *d = decision_doc(cx, unit, camp, cy.year, v, m, fund_source, sg);
	int rc = store_tx_begin(cx->store);
	if (rc < 0)
		return finish(out, AW_ERR_STORE, "Lỗi cơ sở dữ liệu; hãy thử lại.");
	int64_t doc_id = 0, doc_ver = 0, dec_id = 0;
	rc = docs_save_draft(cx->store, 0, uid, d, camp, 0, 1, cx->now, cx->actor.user_id, 0,
	                     &doc_id, &doc_ver);
	if (rc == 0) {
		store_award_decision_t dr = {
		        .unit_id = uid,
		        .unit_path = unit_path_of(cx, unit),
		        .campaign_id = camp,
		        .document_id = doc_id,
		        .fund_source = fund_source,
		        .status = "draft",
		        .is_public = 1,
		        .created_at = cx->now,
		        .created_by = cx->actor.user_id,
		};
		rc = store_award_decision_add(cx->store, &dr, &dec_id);
	}
	for (size_t k = 0; k < m && rc == 0; k++) {
		store_award_t *p = v[k].p;
		int64_t ver = p->version;
		p->status = "in_decision";
		p->decision_id = dec_id;
		p->ord = (int)k + 1;
		save(cx, &rc, p, ver);
		event(cx, &rc, p->id, unit, "in_decision", "",
		      arena_printf(a, "Dự thảo quyết định của %s", cx->tree->units[unit].name));
	}
	audit(cx, &rc, unit, "award.decide", dec_id, NULL,
	      arena_printf(a, "document:%lld, %zu đề nghị, %s", (long long)doc_id, m, fund_source));
	out->decision_id = dec_id;
	out->document_id = doc_id;
	out->campaign_id = camp;
	return commit(cx, rc, out,
	              "Đã lập dự thảo quyết định khen thưởng; hãy xem lại, ghi người ký rồi ban "
	              "hành.");
}

typedef struct issued {
	int64_t campaign_id, unit_id;
} issued_t;

static int
take_issued(const store_award_decision_t *d, void *p)
{
	if (!strcmp(d->status, "issued"))
		*(issued_t *)p = (issued_t){d->campaign_id, d->unit_id};
	return 0;
}

void
aw_published(store_t *st, struct rep_live *live, const unit_tree_t *t, int64_t document_id)
{
	issued_t d = {0, 0};
	if (store_award_decisions(st, 0, document_id, take_issued, &d) == 0 && d.campaign_id > 0)
		rep_awards_changed(live, st, t, d.campaign_id, d.unit_id);
}
