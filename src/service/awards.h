/* Commendation proposals and decisions (khen thưởng, docs/awards.md): a unit proposes
 * candidates for its campaign to the level above; each level endorses (forwards), trims,
 * returns or declines what reaches it; the deciding level gathers the proposals at it into
 * a Quyết định draft whose annex lists them; publishing that document (docs_publish)
 * decides them. Transport-neutral: the pages and the JSON API (src/app/award_pages.c) read
 * the inputs and call here. Every write is one store transaction with its history rows
 * (award_events), audit lines and notices (a proposal sent or endorsed to a unit, returned
 * or declined to its proposer).
 *
 * The state machine (":code" is the unit the actor acts as; U the proposer, L = :code):
 *
 *   op        from status        where                        right at L        to
 *   create    -                  L = U                        report.edit       draft, at U
 *   edit      draft, returned    at U = L                     report.edit       (same)
 *   withdraw  draft, returned    at U = L                     report.edit       withdrawn
 *   send      draft, returned    at U = L, U not the root     report.submit     sent, at parent(U)
 *   endorse   sent               at L, L not the root         campaign.manage   sent, at parent(L)
 *   trim      sent               at L (comment required)      campaign.manage   sent (form/amount)
 *   return    sent               at L (comment >= 5 chars)    campaign.manage   returned, at U
 *   decline   sent               at L (comment required)      campaign.manage   declined (final)
 *   decide    sent               at L (aw_decide)             campaign.manage   in_decision
 *   remove    in_decision        decision of L still a draft  campaign.manage   sent, at L
 *   (publish) in_decision        the decision's document      (docs_publish)    decided
 */
#ifndef SUOTDOI_SERVICE_AWARDS_H
#define SUOTDOI_SERVICE_AWARDS_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/store.h"
#include "domain/access.h"
#include "domain/award_catalog.h"
#include "domain/units.h"
#include "service/notify.h"

#define AW_NAME_MAX 200
#define AW_PLACE_MAX 300
#define AW_ACHIEVEMENTS_MAX 5000
#define AW_COMMENT_MAX 1000
#define AW_FILE_MAX (10u * 1024u * 1024u) /* bytes of one supporting file */
#define AW_FILES_MAX 5                    /* files of one proposal */
#define AW_DECIDE_MAX 500                 /* proposals in one decision */

typedef enum aw_rc {
	AW_OK = 0,
	AW_ERR_STORE = -1,     /* logged; nothing written */
	AW_ERR_INVALID = -2,   /* a field is wrong: see the errors; nothing written */
	AW_ERR_CONFLICT = -3,  /* the version is not the row's; nothing written */
	AW_ERR_STATE = -4,     /* not allowed in the proposal's state or where it is now */
	AW_ERR_DENIED = -5,    /* the actor lacks the right the op needs at the unit */
	AW_ERR_NOT_FOUND = -6, /* no such proposal for this unit (outside its subtree) */
} aw_rc_t;

typedef enum aw_op {
	AW_OP_EDIT,
	AW_OP_SEND,
	AW_OP_WITHDRAW,
	AW_OP_ENDORSE,
	AW_OP_TRIM,
	AW_OP_RETURN,
	AW_OP_DECLINE,
	AW_OP_REMOVE,
	AW_OP_COUNT
} aw_op_t;

/* "edit", "send"... <-> op; parse -1 when unknown. name: "Gửi lên cấp trên"... */
const char *aw_op_code(aw_op_t op);
const char *aw_op_name(aw_op_t op);
int aw_op_parse(const char *code, aw_op_t *out /* OUT */);
/* "Bản nháp", "Đã gửi"... for a status code (the code itself when unknown). */
const char *aw_status_name(const char *status);
/* "Ngân sách nhà nước"... for nsnn, xhh, khac; NULL when unknown. */
const char *aw_fund_name(const char *code);

/* Fields, for errors by field; codes as the form and the API name them (aw_field_code). */
enum {
	AWF_CATEGORY,
	AWF_NAME,
	AWF_PLACE,
	AWF_ACHIEVEMENTS,
	AWF_FORM,
	AWF_AMOUNT,
	AWF_FILES,
	AWF_COMMENT,
	AWF_VERSION,
	AWF_CAMPAIGN,
	AWF_PROPOSALS,
	AWF_FUND_SOURCE,
	AWF_COUNT
};
const char *aw_field_code(int f);

typedef struct aw_file_in {
	const void *data;
	size_t len;
	const char *name; /* as uploaded */
} aw_file_in_t;

/* What a person sent, as typed (NULL = not sent). amount: decimal digits as typed ("500000"
 * or "500.000"); the JSON adapter passes a JSON integer's digits and refuses other types. */
typedef struct aw_input {
	const char *category, *name, *place, *achievements, *form, *amount, *comment;
	aw_file_in_t files[AW_FILES_MAX + 1];
	size_t nfiles; /* may be AW_FILES_MAX + 1: refused */
} aw_input_t;

typedef struct aw_actor {
	int64_t user_id;
	const char *name, *ip; /* for the audit lines */
	const access_grant_t *grants;
	size_t ngrants;
} aw_actor_t;

typedef struct aw_ctx { /* borrowed; outlives the call */
	store_t *store;
	const unit_tree_t *tree;
	const award_catalog_t *cat;
	arena_t *arena; /* owns the outcome's strings */
	int64_t now;    /* Unix seconds; injected for tests */
	aw_actor_t actor;
	/* notices (and their e-mails) to the unit a proposal reaches or returns to, in the op's
	 * transaction (service/notify.h); NULL: none */
	const notify_cfg_t *notify;
} aw_ctx_t;

/* What a call did: rc again, a Vietnamese sentence (done or why not), the errors by field,
 * the row written. Always filled. */
typedef struct aw_outcome {
	aw_rc_t rc;
	const char *message;
	const char *err[AWF_COUNT];
	int nerr;
	int64_t id, version;
	int64_t decision_id, document_id, campaign_id; /* aw_decide */
	int mails;                                     /* e-mails queued with the notices */
} aw_outcome_t;

/* The campaign unit i proposes and decides in: among the open campaigns whose issuer's
 * subtree holds i, the newest year's, the deepest issuer (an adoption). 0 none, -1 error. */
int64_t aw_campaign_for(store_t *st, const unit_tree_t *t, int32_t i);

/* A new proposal of unit (tree index) with in's fields and files. */
aw_rc_t aw_create(const aw_ctx_t *cx, int32_t unit, const aw_input_t *in, aw_outcome_t *out);

/* op on proposal id by the actor acting as unit (tree index), at expected_version (edit and
 * every op: the version the person read). in: the edit's fields and added files; trim's
 * form, amount and comment; the comment of the others. */
aw_rc_t aw_act(const aw_ctx_t *cx, int32_t unit, int64_t id, aw_op_t op, int64_t expected_version,
               const aw_input_t *in, aw_outcome_t *out);

/* A decision of unit from the proposals ids[0..n) (each sent and now at unit) with the
 * fund source: an award_decisions row and its Quyết định draft (kind qd, the issuer's
 * defaults, signer's name when given, an annex with "awards": true), the proposals
 * in_decision in order (collectives first, then individuals, each by name).
 * out->document_id, out->decision_id. */
aw_rc_t aw_decide(const aw_ctx_t *cx, int32_t unit, const int64_t *ids, size_t n,
                  const char *fund_source, const char *signer, aw_outcome_t *out);

/* 1 when proposal p belongs to unit's view: proposed inside its subtree or now at it. */
int aw_visible(const unit_tree_t *t, int32_t unit, const store_award_t *p);
/* The ops the actor may do on p acting as unit, as a bit set (1u << op). */
unsigned aw_ops_allowed(const aw_ctx_t *cx, int32_t unit, const store_award_t *p);

/* After document_id was published (docs_publish marked its decision issued in the same
 * transaction): when it is a commendation decision, tells the live roll-up of its campaign
 * (rep_awards_changed). Nothing for any other document. */
struct rep_live;
void aw_published(store_t *st, struct rep_live *live, const unit_tree_t *t, int64_t document_id);

/* The demo's proposals (src/service/awards_demo.c): Trường Tiểu học Đằng Lâm's "tấm gương
 * tự học" pupil sent to phường Đằng Lâm and a draft; nothing when any proposal exists.
 * No decision: the demo's results do not change until a person issues one. 0 or -1. */
int demo_awards(store_t *st, const unit_tree_t *t, const award_catalog_t *cat);

#endif
