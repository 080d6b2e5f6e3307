/* The awards service (src/service/awards.c) on a real SQLite store with the demo registry,
 * with faults injected: each workflow (a proposal with a file, an op, a decision with its
 * Quyết định draft, the publication that decides it) is run with its Nth store write
 * failing, for every N in turn, and must leave nothing written but the whole; the run with
 * no fault left writes everything. Also the campaign a unit works in, and the order of a
 * decision's list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo_fixture.h"
#include "docs/issue.h"
#include "service/awards.h"

static char dir[] = "/tmp/suotdoi-awtest-XXXXXX";
static char path[300];
static store_t *st;
static unit_tree_t *tree;
static int64_t campaign_id, template_id;
static award_catalog_t *cat;
static arena_t arena;

#define NOW 1664780400 /* 03/10/2022 14:00 Vietnam time */

static const char pdf[] = "%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\n%%EOF\n";

/* ---------- a store that fails its Nth write ---------- */

static int injected;

/* The Nth write from now fails (n from 1); faults(0) removes the fault. */
static void
faults(int n)
{
	if (n > 0) {
		store_fault_install(st, n - 1);
		injected = 0;
	} else {
		injected = store_fault_remove(st);
	}
}

/* ---------- helpers ---------- */

/* Rows of every table the workflows write, and the statuses, as one string. */
static void
snapshot(char *out, size_t cap)
{
	sqlite3 *h;
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	sqlite3_busy_timeout(h, 5000);
	sqlite3_stmt *q;
	assert_int_equal(
	        sqlite3_prepare_v2(h,
	                           "SELECT (SELECT count(*) FROM award_proposals)||' '||"
	                           "(SELECT count(*) FROM award_events)||' '||(SELECT count(*) "
	                           "FROM award_files)"
	                           "||' '||(SELECT count(*) FROM award_decisions)||' '||"
	                           "(SELECT count(*) FROM documents)||' '||(SELECT count(*) FROM "
	                           "audit_log)||' '||(SELECT count(*) FROM notices)||' '||"
	                           "(SELECT coalesce(group_concat(status||version||at_unit_id||"
	                           "coalesce(decision_id,0),','),'') FROM award_proposals)||' '||"
	                           "(SELECT coalesce(group_concat(status||issued_on,','),'') FROM "
	                           "award_decisions)||' '||(SELECT "
	                           "coalesce(group_concat(status||number,','),'') "
	                           "FROM documents WHERE kind='qd')",
	                           -1, &q, NULL),
	        SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	snprintf(out, cap, "%s", (const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	sqlite3_close(h);
}

static aw_ctx_t
ctx(const access_grant_t *g)
{
	static notify_cfg_t quiet; /* notices, no e-mail */
	return (aw_ctx_t){st, tree, cat, &arena, NOW, {0, "test", "", g, 1}, &quiet};
}

static int32_t
unit(const char *code)
{
	int32_t i = unit_tree_find_code(tree, code);
	assert_true(i >= 0);
	return i;
}

static const access_grant_t admin = {0, ROLE_ADMIN};

/* Run work(arg) with the Nth write failing for N = 1, 2, ... until a run injects nothing:
 * every failed run leaves the snapshot as it was; the last one returns AW_OK / 0. How many
 * runs failed. */
static int
every_fault(int (*work)(void *), void *arg)
{
	char before[2048], after[2048];
	int n;
	for (n = 1;; n++) {
		snapshot(before, sizeof before);
		faults(n);
		int rc = work(arg);
		faults(0);
		int hit = injected;
		if (!hit) {
			assert_int_equal(rc, 0);
			break;
		}
		assert_int_not_equal(rc, 0);
		snapshot(after, sizeof after);
		if (strcmp(before, after) != 0)
			fail_msg("a fault at write %d left a partial change:\n  before %s\n  after "
			         " %s",
			         n, before, after);
	}
	return n - 1;
}

/* ---------- set-up ---------- */

static int
setup(void **state)
{
	(void)state;
	char err[300];
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/a.db", dir);
	if (demo_fixture_open(path, &st, &tree, &campaign_id, &template_id) < 0)
		return -1;
	cat = award_catalog_load(TEST_SOURCE_DIR "/data/awards.json", err, sizeof err);
	if (!cat)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	award_catalog_free(cat);
	unit_tree_unref(tree);
	store_close(st);
	arena_free(&arena);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---------- the workflows under faults ---------- */

static int64_t made[4];

static int
create_with_file(void *arg)
{
	int k = *(int *)arg;
	aw_ctx_t cx = ctx(&admin);
	aw_input_t in = {.category = k ? "ca_nhan" : "gia_dinh_hieu_hoc",
	                 .name = k ? "Bùi Văn An" : "Gia đình bà Hoàng Thị Mến",
	                 .achievements = "Tự học suốt đời.",
	                 .form = "giay_khen",
	                 .amount = k ? "200.000" : "700000",
	                 .files = {{pdf, sizeof pdf - 1, "a.pdf"}, {pdf, sizeof pdf - 1, "b.pdf"}},
	                 .nfiles = 2};
	aw_outcome_t o;
	aw_rc_t rc = aw_create(&cx, unit("HA-11413-THCS"), &in, &o);
	made[k] = o.id;
	return rc;
}

static int
send(void *arg)
{
	int64_t id = *(int64_t *)arg;
	aw_ctx_t cx = ctx(&admin);
	store_award_t p;
	memset(&p, 0, sizeof p);
	aw_outcome_t o;
	/* the version as read: every run starts from the stored row */
	sqlite3 *h;
	sqlite3_open(path, &h);
	sqlite3_stmt *q;
	sqlite3_prepare_v2(h, "SELECT version, at_unit_id FROM award_proposals WHERE id=?1", -1, &q,
	                   NULL);
	sqlite3_bind_int64(q, 1, id);
	sqlite3_step(q);
	int64_t ver = sqlite3_column_int64(q, 0), at = sqlite3_column_int64(q, 1);
	sqlite3_finalize(q);
	sqlite3_close(h);
	int32_t u = unit_tree_find_id(tree, at);
	aw_op_t op = at == tree->units[unit("HA-11413-THCS")].id ? AW_OP_SEND : AW_OP_ENDORSE;
	return aw_act(&cx, u, id, op, ver, &(aw_input_t){.comment = "Đồng ý."}, &o);
}

static int64_t doc_id;

static int
decide(void *arg)
{
	(void)arg;
	aw_ctx_t cx = ctx(&admin);
	aw_outcome_t o;
	aw_rc_t rc = aw_decide(&cx, unit("306"), (int64_t[]){made[1], made[0]}, 2, "xhh",
	                       "Trần Thị Kim Oanh", &o);
	doc_id = o.document_id;
	return rc;
}

typedef struct dv {
	int64_t version;
} dv_t;

static int
take_version(const store_doc_t *d, void *p)
{
	((dv_t *)p)->version = d->version;
	return 0;
}

static int
publish(void *arg)
{
	(void)arg;
	dv_t v = {0};
	assert_int_equal(store_doc_get(st, doc_id, take_version, &v), 1);
	char err[300];
	int num;
	notify_cfg_t nc;
	memset(&nc, 0, sizeof nc);
	return docs_publish(st, tree, doc_id, v.version, docs_today(NOW), NOW, 0, 0, &num, &nc, err,
	                    sizeof err);
}

static int
take_status(const store_award_t *a, void *p)
{
	snprintf(p, 32, "%s", a->status);
	return 0;
}

static const char *
status_of(int64_t id)
{
	static char s[32];
	assert_int_equal(store_award_get(st, id, take_status, s), 1);
	return s;
}

static void
test_all_or_nothing(void **state)
{
	(void)state;
	int k0 = 0, k1 = 1;
	/* a proposal with two files: begin, the row, 2 files, its event, its audit line, the
	 * commit */
	assert_true(every_fault(create_with_file, &k0) >= 7);
	assert_true(every_fault(create_with_file, &k1) >= 7);
	assert_string_equal(status_of(made[0]), "draft");
	/* sent by the school, endorsed by the ward: begin, the row, its event, the notice to
	 * the unit it reaches, the audit line, the commit */
	for (int k = 0; k < 2; k++) {
		assert_true(every_fault(send, &made[k]) >= 6);
		assert_true(every_fault(send, &made[k]) >= 6);
		assert_string_equal(status_of(made[k]), "sent");
	}
	/* the decision: begin, its document, its row, both proposals with their events, the
	 * audit line, the commit */
	assert_true(every_fault(decide, NULL) >= 9);
	assert_string_equal(status_of(made[0]), "in_decision");
	/* the publication decides them in the document's own transaction: begin, the decision
	 * issued, the commit */
	assert_true(every_fault(publish, NULL) >= 3);
	assert_string_equal(status_of(made[0]), "decided");
	assert_string_equal(status_of(made[1]), "decided");
}

/* ---------- reads ---------- */

typedef struct ord {
	char names[2][64];
	int n;
	int64_t total;
} ord_t;

static int
take_ord(const store_award_t *a, void *p)
{
	ord_t *o = p;
	if (o->n < 2)
		snprintf(o->names[o->n], sizeof o->names[0], "%s", a->name);
	o->n++;
	o->total += a->amount;
	return 0;
}

static void
test_decided_list(void **state)
{
	(void)state;
	ord_t o = {0};
	/* made[0] the family (a collective) comes first, though decided second in the ids */
	assert_int_equal(store_awards_find(st,
	                                   &(store_award_query_t){.campaign_id = campaign_id,
	                                                          .status = "decided",
	                                                          .issued_only = 1,
	                                                          .limit = -1},
	                                   take_ord, &o),
	                 0);
	assert_int_equal(o.n, 2);
	assert_string_equal(o.names[0], "Gia đình bà Hoàng Thị Mến");
	assert_string_equal(o.names[1], "Bùi Văn An");
	assert_int_equal(o.total, 900000);
	/* another campaign has none */
	o.n = 0;
	assert_int_equal(store_awards_find(st,
	                                   &(store_award_query_t){.campaign_id = campaign_id + 1000,
	                                                          .status = "decided",
	                                                          .issued_only = 1,
	                                                          .limit = -1},
	                                   take_ord, &o),
	                 0);
	assert_int_equal(o.n, 0);
}

static void
test_campaign_for(void **state)
{
	(void)state;
	/* the city's 2022 campaign covers the school; an adoption by the district wins */
	int32_t school = unit("HA-11413-THCS");
	assert_int_equal(aw_campaign_for(st, tree, school), campaign_id);
	int64_t adopted =
	        demo_fixture_campaign(st, tree, unit("306"), campaign_id, template_id, "open", NOW);
	assert_true(adopted > 0);
	assert_int_equal(aw_campaign_for(st, tree, school), adopted);
	/* outside the district the city's stays */
	assert_int_equal(aw_campaign_for(st, tree, unit("315")), campaign_id);
	/* a unit under no open campaign cannot propose: the field says why */
	aw_ctx_t cx = ctx(&admin);
	aw_input_t in = {
	        .category = "ca_nhan", .name = "A", .achievements = "B", .form = "giay_khen"};
	aw_outcome_t out;
	int32_t far = unit("018");
	if (aw_campaign_for(st, tree, far) == 0) {
		assert_int_equal(aw_create(&cx, far, &in, &out), AW_ERR_INVALID);
		assert_non_null(out.err[AWF_CAMPAIGN]);
	}
	/* and without the right, nothing */
	access_grant_t entry = {unit("HA-11413-TH"), ROLE_ENTRY};
	aw_ctx_t cy = ctx(&entry);
	assert_int_equal(aw_create(&cy, school, &in, &out), AW_ERR_DENIED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_all_or_nothing),
	        cmocka_unit_test(test_decided_list),
	        cmocka_unit_test(test_campaign_for),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
