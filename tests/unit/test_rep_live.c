/* The registry of loaded campaigns (rep_live_*): eviction on a fake clock (idle closed and
 * open campaigns, stale entries after their grace, never an entry used recently) and
 * reloading with the same totals; peek never builds; a write in an adopting campaign
 * reaches a loaded parent at once, an unloaded one when it is built, and one being built
 * when its build ends; and threads getting, forgetting and reaping at once, under ASan,
 * with one build per campaign and tree for simultaneous gets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "demo_fixture.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/file.h"
#include "core/log.h"
#include "domain/demo.h"
#include "service/reporting.h"

#define NOW 1665000000 /* 5/10/2022, the demo campaign is open */

static char tmpdir[64], dbpath[300];
static store_t *st;
static unit_tree_t *tree;
static int64_t demo_cid, demo_tpl;
static int32_t U_31, U_306, U_TH, U_THCS, U_CB_TH;

/* ---------- the fake clock ---------- */

static _Atomic int64_t clock_now = 1000;

static int64_t
fake_now(void)
{
	return atomic_load(&clock_now);
}

static void
advance(int64_t s)
{
	atomic_fetch_add(&clock_now, s);
}

/* ---------- extra hooks: counted, so that each entry's extra is freed with it ---------- */

static atomic_int extras;

static void *
extra_new(void)
{
	atomic_fetch_add(&extras, 1);
	return malloc(16);
}

static void
extra_free(void *p)
{
	atomic_fetch_sub(&extras, 1);
	free(p);
}

/* ---------- fixture ---------- */

static int32_t
find(const char *code)
{
	int32_t i = unit_tree_find_code(tree, code);
	if (i < 0)
		fprintf(stderr, "no unit %s\n", code);
	return i;
}

static int
setup(void **state)
{
	(void)state;
	log_set_level(3);
	struct stat sb;
	snprintf(tmpdir, sizeof tmpdir, "%s/suotdoi-live-XXXXXX",
	         stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode) ? "/dev/shm" : "/tmp");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(dbpath, sizeof dbpath, "%s/live.db", tmpdir);
	if (demo_fixture_open(dbpath, &st, &tree, &demo_cid, &demo_tpl) < 0)
		return -1;
	U_31 = find("31");
	U_306 = find("306");
	U_TH = find("HA-11413-TH");
	U_THCS = find("HA-11413-THCS");
	U_CB_TH = find("HA-11422-TH");
	return U_31 < 0 || U_306 < 0 || U_TH < 0 || U_THCS < 0 || U_CB_TH < 0 ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	unit_tree_unref(tree);
	store_close(st);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return system(cmd);
}

/* A campaign of unit issuer with the demo template; parent 0 for none. */
static int64_t
new_campaign(int32_t issuer, int64_t parent, const char *status)
{
	int64_t id = demo_fixture_campaign(st, tree, issuer, parent, demo_tpl, status, NOW);
	assert_true(id > 0);
	return id;
}

/* Submit unit's report in lc as the operator with 2.bao = bao. */
static void
submit(rep_live_t *l, live_campaign_t *lc, int32_t unit, int64_t bao)
{
	arena_t a = ARENA_INIT;
	rep_ctx_t cx = {st, tree, l, &a, NOW, {.name = "", .ip = "", .operator= 1 }, NULL, NULL};
	rep_values_t v;
	rep_values_init(&a, lc->c->tpl, &v);
	const tpl_item_t *it = template_item(lc->c->tpl, "2.bao");
	assert_non_null(it);
	v.num[it->col] = bao;
	v.has[it->col] = 1;
	rep_input_t in = {.op = REP_SUBMIT, .values = &v, .expected_version = -1};
	rep_outcome_t out;
	rep_rc_t rc = rep_apply(&cx, lc, unit, &in, &out);
	if (rc != REP_OK)
		fail_msg("submit: %d %s", rc, out.message);
	arena_free(&a);
}

/* 2.bao over unit's subtree in the counted layer, and the reports counted. */
static int64_t
bao_of(live_campaign_t *lc, int32_t unit, int64_t *reports)
{
	int64_t tot[256];
	assert_true(lc->c->tpl->ncols <= 256);
	rollup_subtree(lc->ru, tree, unit, 0, tot, reports);
	return tot[template_item(lc->c->tpl, "2.bao")->col];
}

static size_t
entries(rep_live_t *l, uint64_t *builds)
{
	size_t n;
	rep_live_stats(l, &n, NULL, builds);
	return n;
}

/* ---------- eviction ---------- */

static void
test_evict_and_reload(void **state)
{
	(void)state;
	rep_live_t *l = rep_live_new(extra_new, extra_free);
	rep_live_set_clock(l, fake_now);
	live_campaign_t *open, *closed, *lc;
	int64_t closed_id = new_campaign(U_31, 0, "open");
	assert_int_equal(rep_live_get(l, st, tree, demo_cid, &open), REP_OK);
	assert_int_equal(rep_live_get(l, st, tree, closed_id, &closed), REP_OK);
	submit(l, open, U_TH, 7);
	submit(l, open, U_THCS, 5);
	submit(l, closed, U_TH, 11);
	/* the campaign closes (its row changed: the next get loads it anew) */
	store_campaign_t c = {.id = closed_id,
	                      .issuer_unit_id = tree->units[U_31].id,
	                      .template_id = demo_tpl,
	                      .year = 2022,
	                      .name = "Đợt thử",
	                      .theme = "",
	                      .opening_time = "",
	                      .opening_place = "",
	                      .opening_participants = "",
	                      .status = "closed",
	                      .expected_kinds = "truong_th",
	                      .deadlines = "",
	                      .created_at = NOW};
	int64_t id;
	assert_int_equal(store_campaign_save(st, &c, &id), 0);
	rep_live_forget(l, closed_id);
	assert_int_equal(rep_live_get(l, st, tree, closed_id, &lc), REP_OK);
	assert_ptr_not_equal(lc, closed);
	closed = lc;
	assert_string_equal(closed->c->status, "closed");
	int64_t rep, open_bao = bao_of(open, U_31, &rep);
	assert_int_equal(open_bao, 12);
	assert_int_equal(rep, 2);
	assert_int_equal(bao_of(closed, U_31, &rep), 11);
	uint64_t builds;
	assert_int_equal(entries(l, &builds), 3); /* the forgotten one is within its grace */
	assert_int_equal(builds, 3);
	assert_int_equal(atomic_load(&extras), 3);

	/* used now and then: nothing goes, however long it lasts */
	for (int k = 0; k < 10; k++) {
		advance(REP_LIVE_GRACE / 2);
		assert_ptr_equal(rep_live_peek(l, tree, demo_cid), open);
		assert_ptr_equal(rep_live_peek(l, tree, closed_id), closed);
	}
	/* the stale entry, unused for its grace, was freed with its extra */
	assert_int_equal(entries(l, &builds), 2);
	assert_int_equal(atomic_load(&extras), 2);

	/* the closed campaign idle past REP_LIVE_IDLE_CLOSED goes; the open one stays */
	advance(REP_LIVE_IDLE_CLOSED + 1);
	assert_ptr_equal(rep_live_peek(l, tree, demo_cid), open);
	assert_null(rep_live_peek(l, tree, closed_id)); /* peek never builds */
	assert_int_equal(entries(l, &builds), 1);
	assert_int_equal(builds, 3);
	/* ...and comes back on demand with the same totals */
	assert_int_equal(rep_live_get(l, st, tree, closed_id, &closed), REP_OK);
	assert_int_equal(bao_of(closed, U_31, &rep), 11);
	assert_int_equal(rep, 1);
	assert_int_equal(entries(l, &builds), 2);
	assert_int_equal(builds, 4);

	/* an open campaign idle past REP_LIVE_IDLE_OPEN goes too, and reloads the same */
	advance(REP_LIVE_IDLE_OPEN + 1);
	assert_int_equal(rep_live_get(l, st, tree, closed_id, &closed), REP_OK);
	assert_int_equal(entries(l, &builds), 1);
	assert_int_equal(rep_live_get(l, st, tree, demo_cid, &lc), REP_OK);
	assert_int_equal(bao_of(lc, U_31, &rep), open_bao);
	assert_int_equal(rep, 2);
	int64_t own[256];
	assert_int_equal(rollup_own(lc->ru, U_THCS, 0, own, NULL), 1);
	assert_int_equal(own[template_item(lc->c->tpl, "2.bao")->col], 5);
	assert_int_equal(atomic_load(&extras), 2);
	size_t bytes;
	rep_live_stats(l, NULL, &bytes, NULL);
	assert_true(bytes > 0);
	rep_live_free(l);
	assert_int_equal(atomic_load(&extras), 0);
}

/* ---------- adoption: writes reach the parent without building it ---------- */

static void
test_propagate_peeks(void **state)
{
	(void)state;
	rep_live_t *l = rep_live_new(NULL, NULL);
	rep_live_set_clock(l, fake_now);
	int64_t parent = new_campaign(U_31, 0, "open");
	int64_t child = new_campaign(U_306, parent, "open");
	live_campaign_t *ch, *pa;
	uint64_t builds;
	assert_int_equal(rep_live_get(l, st, tree, child, &ch), REP_OK);
	/* the parent is not loaded: the write does not build it... */
	submit(l, ch, U_TH, 3);
	assert_int_equal(entries(l, &builds), 1);
	assert_int_equal(builds, 1);
	assert_null(rep_live_peek(l, tree, parent));
	/* ...and it has the write when it is built */
	assert_int_equal(rep_live_get(l, st, tree, parent, &pa), REP_OK);
	int64_t rep;
	assert_int_equal(bao_of(pa, U_31, &rep), 3);
	assert_int_equal(rep, 1);
	/* loaded, it moves at once */
	submit(l, ch, U_CB_TH, 4);
	assert_int_equal(bao_of(pa, U_31, &rep), 7);
	assert_int_equal(rep, 2);
	assert_int_equal(bao_of(ch, U_306, &rep), 7);
	assert_int_equal(entries(l, &builds), 2);
	assert_int_equal(builds, 2);
	rep_live_free(l);
}

/* A write that commits while the parent's roll-up is being built (after the build read the
 * store) must not be lost: the builder applies it before handing the entry out. The
 * extra_new hook runs in the builder between the build and that point: it writes there. */
static struct {
	rep_live_t *l;
	live_campaign_t *child;
	int armed;
} during;

static void *
extra_new_writing(void)
{
	if (during.armed) {
		during.armed = 0;
		assert_null(rep_live_peek(during.l, tree, during.child->c->parent_id));
		submit(during.l, during.child, U_THCS, 9);
	}
	return NULL;
}

static void
test_write_during_build(void **state)
{
	(void)state;
	rep_live_t *l = rep_live_new(extra_new_writing, NULL);
	rep_live_set_clock(l, fake_now);
	int64_t parent = new_campaign(U_31, 0, "open");
	int64_t child = new_campaign(U_306, parent, "open");
	live_campaign_t *pa;
	assert_int_equal(rep_live_get(l, st, tree, child, &during.child), REP_OK);
	submit(l, during.child, U_TH, 3);
	during.l = l;
	during.armed = 1;
	assert_int_equal(rep_live_get(l, st, tree, parent, &pa), REP_OK);
	assert_int_equal(during.armed, 0);
	int64_t rep;
	assert_int_equal(bao_of(pa, U_31, &rep), 12);
	assert_int_equal(rep, 2);
	/* the same as a build from the store */
	rep_live_forget(l, parent);
	assert_int_equal(rep_live_get(l, st, tree, parent, &pa), REP_OK);
	assert_int_equal(bao_of(pa, U_31, &rep), 12);
	rep_live_free(l);
}

/* ---------- threads ---------- */

typedef struct race {
	rep_live_t *l;
	int64_t ids[2];
	int64_t want[2]; /* 2.bao over the root, counted */
	pthread_barrier_t start;
	atomic_int bad, stop;
	live_campaign_t *first[8];
} race_t;

typedef struct racer {
	race_t *x;
	int k;
} racer_t;

static void *
getter(void *arg)
{
	racer_t *me = arg;
	race_t *x = me->x;
	pthread_barrier_wait(&x->start);
	/* all at once: the same campaign, never built yet */
	live_campaign_t *lc;
	if (rep_live_get(x->l, st, tree, x->ids[0], &lc) != REP_OK)
		atomic_fetch_add(&x->bad, 1);
	x->first[me->k] = lc;
	for (int i = 0; i < 60 && !atomic_load(&x->stop); i++) {
		int w = (i + me->k) % 2;
		if (rep_live_get(x->l, st, tree, x->ids[w], &lc) != REP_OK) {
			atomic_fetch_add(&x->bad, 1);
			continue;
		}
		int64_t rep;
		/* held across other threads' gets, forgets and reaps: ASan says if freed */
		for (int k = 0; k < 20; k++)
			if (bao_of(lc, 0, &rep) != x->want[w] || lc->extra == NULL)
				atomic_fetch_add(&x->bad, 1);
		live_campaign_t *p = rep_live_peek(x->l, tree, x->ids[w]);
		if (p && bao_of(p, 0, &rep) != x->want[w])
			atomic_fetch_add(&x->bad, 1);
	}
	return NULL;
}

static void *
forgetter(void *arg)
{
	race_t *x = arg;
	pthread_barrier_wait(&x->start);
	for (int i = 0; i < 40; i++) {
		rep_live_forget(x->l, x->ids[i % 2]);
		advance(REP_LIVE_GRACE / 50); /* stale entries go while getters run */
		usleep(2000);
	}
	return NULL;
}

static void
test_concurrent_gets(void **state)
{
	(void)state;
	enum { NG = 6 };
	race_t x = {.l = rep_live_new(extra_new, extra_free)};
	rep_live_set_clock(x.l, fake_now);
	x.ids[0] = new_campaign(U_31, 0, "open");
	x.ids[1] = new_campaign(U_31, 0, "open");
	live_campaign_t *lc;
	for (int w = 0; w < 2; w++) {
		assert_int_equal(rep_live_get(x.l, st, tree, x.ids[w], &lc), REP_OK);
		submit(x.l, lc, U_TH, 10 + w);
		submit(x.l, lc, U_CB_TH, 20 + w);
		x.want[w] = 30 + 2 * w;
	}
	rep_live_forget(x.l, 0);
	advance(REP_LIVE_GRACE + 1); /* the forgotten entries go at the next get */
	atomic_init(&x.bad, 0);
	atomic_init(&x.stop, 0);
	uint64_t b0;
	entries(x.l, &b0);

	/* phase 1: NG threads get the same unloaded campaign at once, then mix */
	pthread_barrier_init(&x.start, NULL, NG);
	pthread_t th[NG];
	racer_t rs[NG];
	for (int k = 0; k < NG; k++) {
		rs[k] = (racer_t){&x, k};
		assert_int_equal(pthread_create(&th[k], NULL, getter, &rs[k]), 0);
	}
	for (int k = 0; k < NG; k++)
		pthread_join(th[k], NULL);
	pthread_barrier_destroy(&x.start);
	assert_int_equal(atomic_load(&x.bad), 0);
	/* one build served them all: they got the same entry */
	for (int k = 1; k < NG; k++)
		assert_ptr_equal(x.first[k], x.first[0]);

	/* phase 2: the same with a thread forgetting and the clock running */
	pthread_barrier_init(&x.start, NULL, NG + 1);
	for (int k = 0; k < NG; k++)
		assert_int_equal(pthread_create(&th[k], NULL, getter, &rs[k]), 0);
	pthread_t f;
	assert_int_equal(pthread_create(&f, NULL, forgetter, &x), 0);
	pthread_join(f, NULL);
	for (int k = 0; k < NG; k++)
		pthread_join(th[k], NULL);
	pthread_barrier_destroy(&x.start);
	assert_int_equal(atomic_load(&x.bad), 0);

	/* every stale entry goes once its grace is over; extras go with them */
	advance(REP_LIVE_GRACE + 1);
	for (int w = 0; w < 2; w++)
		assert_int_equal(rep_live_get(x.l, st, tree, x.ids[w], &lc), REP_OK);
	assert_int_equal(entries(x.l, NULL), 2);
	assert_int_equal(atomic_load(&extras), 2);
	rep_live_free(x.l);
	assert_int_equal(atomic_load(&extras), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_evict_and_reload),
	        cmocka_unit_test(test_propagate_peeks),
	        cmocka_unit_test(test_write_during_build),
	        cmocka_unit_test(test_concurrent_gets),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
