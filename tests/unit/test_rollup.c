/* Live roll-up: every subtree's totals against a brute-force sum over [i, end) kept by the
 * test itself, on a small hand-made tree and on the national registry (10,807 units) under
 * random edits (any int64 value); counted/draft layers, removal, has flags, readers racing
 * a writer, and the memory it takes against a bound computed from the data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/file.h"
#include "core/mem.h"
#include "db/store.h"
#include "domain/rollup.h"
#include "domain/units.h"

static char tmpdir[] = "/tmp/suotdoi-rollup-XXXXXX";
static unit_tree_t *small, *big;

/* VN > 31 > 306 > 11413 > SCHOOL; 31 > 315 (sibling of 306); VN > 01 > 018 (other). */
static const char tree_csv[] = "code,name,kind,parent_code\n"
                               "31,Thành phố Hải Phòng,tp_tw,\n"
                               "306,Quận Hải An,quan,31\n"
                               "315,Huyện Tiên Lãng,huyen,31\n"
                               "11413,Phường Đằng Lâm,phuong,306\n"
                               "SCHOOL,Trường Tiểu học Đằng Lâm,truong_th,11413\n"
                               "01,Thành phố Hà Nội,tp_tw,\n"
                               "018,Huyện Gia Lâm,huyen,01\n";

static int
build(const char *name, const char *csv, size_t len, unit_tree_t **out)
{
	char path[300], err[4096];
	snprintf(path, sizeof path, "%s/%s.db", tmpdir, name);
	store_t *st;
	units_import_stats_t s;
	if (store_open(path, &st, err, sizeof err) < 0 ||
	    units_import_csv(st, csv, len, &s, err, sizeof err) < 0 ||
	    unit_tree_build(st, out, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	store_close(st);
	return 0;
}

static int
setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	if (build("small", tree_csv, sizeof tree_csv - 1, &small) < 0)
		return -1;
	char *data, err[4096];
	size_t len;
	if (file_read_all(TEST_SOURCE_DIR "/data/dvhc/units-2025-03-01.csv", 1 << 26, &data, &len,
	                  err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	int rc = build("big", data, len, &big);
	free(data);
	return rc;
}

static int
teardown(void **state)
{
	(void)state;
	unit_tree_unref(small);
	unit_tree_unref(big);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	return system(cmd);
}

/* The test's own model of every unit's report, summed by brute force. */
typedef struct model {
	int32_t n;
	size_t nc;
	int64_t *vals;       /* n x nc, as given (also where has is 0) */
	unsigned char *has;  /* n x nc */
	unsigned char *pres; /* n */
	unsigned char *cnt;  /* n */
	unsigned char *ext;  /* n: an extra row (in both layers, not a report) */
} model_t;

static void
model_init(model_t *m, int32_t n, size_t nc)
{
	m->n = n;
	m->nc = nc;
	m->vals = xcalloc((size_t)n * nc, sizeof *m->vals);
	m->has = xcalloc((size_t)n * nc, 1);
	m->pres = xcalloc((size_t)n, 1);
	m->cnt = xcalloc((size_t)n, 1);
	m->ext = xcalloc((size_t)n, 1);
}

static void
model_free(model_t *m)
{
	free(m->vals);
	free(m->has);
	free(m->pres);
	free(m->cnt);
	free(m->ext);
}

/* Set in both the model and the roll-up. */
static void
set(rollup_t *r, model_t *m, int32_t unit, const int64_t *vals, const unsigned char *has,
    int counted)
{
	rollup_set(r, unit, vals, has, counted);
	m->pres[unit] = vals != NULL;
	m->cnt[unit] = vals != NULL && counted;
	for (size_t c = 0; c < m->nc; c++) {
		m->vals[(size_t)unit * m->nc + c] = vals ? vals[c] : 0;
		m->has[(size_t)unit * m->nc + c] = vals && (has == NULL || has[c]);
	}
}

static void
check_unit(const rollup_t *r, const model_t *m, const unit_tree_t *t, int32_t i, int drafts)
{
	int64_t want[8] = {0}, got[8], wrep = 0, grep = -1;
	assert_true(m->nc <= 8);
	for (int32_t j = i; j < t->units[i].end; j++) {
		if (!(drafts ? m->pres[j] : m->cnt[j]))
			continue;
		wrep += !m->ext[j];
		for (size_t c = 0; c < m->nc; c++)
			if (m->has[(size_t)j * m->nc + c])
				want[c] += m->vals[(size_t)j * m->nc + c];
	}
	rollup_subtree(r, t, i, drafts, got, &grep);
	for (size_t c = 0; c < m->nc; c++)
		if (got[c] != want[c])
			fail_msg("unit %s layer %s col %zu: got %lld, want %lld", t->units[i].code,
			         drafts ? "all" : "counted", c, (long long)got[c],
			         (long long)want[c]);
	assert_int_equal(grep, wrep);
}

static void
check_all(const rollup_t *r, const model_t *m, const unit_tree_t *t)
{
	for (int32_t i = 0; i < t->n; i++)
		for (int d = 0; d < 2; d++)
			check_unit(r, m, t, i, d);
}

static int32_t
u(const char *code)
{
	int32_t i = unit_tree_find_code(small, code);
	assert_true(i >= 0);
	return i;
}

static void
test_small_tree(void **state)
{
	(void)state;
	rollup_t *r = rollup_new(small, 3);
	model_t m;
	model_init(&m, small->n, 3);
	assert_int_equal(rollup_units(r), small->n);
	assert_int_equal(rollup_cols(r), 3);
	check_all(r, &m, small); /* all zeros, no reports */

	int64_t a[3] = {10, 20, 30}, b[3] = {1, 2, 3}, c[3] = {100, 0, -5};
	set(r, &m, u("SCHOOL"), a, NULL, 1);
	set(r, &m, u("11413"), b, NULL, 1);
	set(r, &m, u("315"), c, NULL, 0); /* a draft */
	set(r, &m, u("018"), a, NULL, 1);
	set(r, &m, 0, b, NULL, 0);
	check_all(r, &m, small);

	int64_t out[3], rep;
	rollup_subtree(r, small, u("31"), 0, out, &rep);
	assert_int_equal(out[0], 11);
	assert_int_equal(out[2], 33);
	assert_int_equal(rep, 2);
	rollup_subtree(r, small, u("31"), 1, out, &rep);
	assert_int_equal(out[0], 111);
	assert_int_equal(out[2], 28);
	assert_int_equal(rep, 3);
	rollup_subtree(r, small, 0, 1, out, NULL); /* reports may be NULL */
	assert_int_equal(out[1], 20 + 2 + 0 + 20 + 2);

	/* replacing values applies the difference, not a second copy */
	set(r, &m, u("SCHOOL"), c, NULL, 1);
	check_all(r, &m, small);
	rollup_free(r);
	model_free(&m);
}

static void
test_counted_to_draft_and_back(void **state)
{
	(void)state;
	rollup_t *r = rollup_new(small, 2);
	model_t m;
	model_init(&m, small->n, 2);
	int64_t v[2] = {7, 9}, w[2] = {70, 90}, out[2], rep;
	set(r, &m, u("SCHOOL"), v, NULL, 1);
	/* returned for correction: stays among drafts, leaves the counted totals */
	set(r, &m, u("SCHOOL"), v, NULL, 0);
	check_all(r, &m, small);
	rollup_subtree(r, small, 0, 0, out, &rep);
	assert_int_equal(out[0], 0);
	assert_int_equal(rep, 0);
	rollup_subtree(r, small, 0, 1, out, &rep);
	assert_int_equal(out[0], 7);
	assert_int_equal(rep, 1);
	assert_int_equal(rollup_own(r, u("SCHOOL"), 0, out, NULL), 0);
	assert_int_equal(out[0], 0);
	/* corrected while a draft, then submitted again */
	set(r, &m, u("SCHOOL"), w, NULL, 0);
	check_all(r, &m, small);
	set(r, &m, u("SCHOOL"), w, NULL, 1);
	check_all(r, &m, small);
	rollup_subtree(r, small, u("306"), 0, out, &rep);
	assert_int_equal(out[1], 90);
	assert_int_equal(rep, 1);
	rollup_free(r);
	model_free(&m);
}

static void
test_remove(void **state)
{
	(void)state;
	rollup_t *r = rollup_new(small, 2);
	model_t m;
	model_init(&m, small->n, 2);
	int64_t v[2] = {5, 6}, out[2], rep;
	set(r, &m, u("SCHOOL"), v, NULL, 1);
	set(r, &m, u("315"), v, NULL, 0);
	set(r, &m, u("SCHOOL"), NULL, NULL, 1);
	set(r, &m, u("315"), NULL, NULL, 0);
	set(r, &m, u("018"), NULL, NULL, 0); /* removing what is not there */
	check_all(r, &m, small);
	rollup_subtree(r, small, 0, 1, out, &rep);
	assert_int_equal(out[0], 0);
	assert_int_equal(rep, 0);
	unsigned char has[2] = {9, 9};
	assert_int_equal(rollup_own(r, u("SCHOOL"), 1, out, has), 0);
	assert_int_equal(has[0], 0);
	rollup_free(r);
	model_free(&m);
}

static void
test_has_flags(void **state)
{
	(void)state;
	rollup_t *r = rollup_new(small, 3);
	model_t m;
	model_init(&m, small->n, 3);
	/* a value without has counts 0 even if the caller left junk in vals */
	int64_t v[3] = {4, 999, 6}, out[3], rep;
	unsigned char has[3] = {1, 0, 1}, got[3];
	set(r, &m, u("SCHOOL"), v, has, 1);
	set(r, &m, u("11413"), v, has, 0);
	check_all(r, &m, small);
	rollup_subtree(r, small, u("306"), 1, out, &rep);
	assert_int_equal(out[0], 8);
	assert_int_equal(out[1], 0);
	assert_int_equal(rep, 2);

	assert_int_equal(rollup_own(r, u("SCHOOL"), 0, out, got), 1);
	assert_int_equal(out[0], 4);
	assert_int_equal(out[1], 0);
	assert_int_equal(out[2], 6);
	assert_memory_equal(got, has, 3);
	/* a draft is in the "all" layer only */
	assert_int_equal(rollup_own(r, u("11413"), 1, out, got), 1);
	assert_memory_equal(got, has, 3);
	assert_int_equal(rollup_own(r, u("11413"), 0, out, got), 0);
	assert_int_equal(out[2], 0);
	assert_int_equal(got[0], 0);
	assert_int_equal(rollup_own(r, u("31"), 1, out, got), 0);
	/* a value given later fills the column */
	has[1] = 1;
	set(r, &m, u("SCHOOL"), v, has, 1);
	check_all(r, &m, small);
	rollup_free(r);
	model_free(&m);
}

static void
test_bad_arguments(void **state)
{
	(void)state;
	rollup_t *r = rollup_new(small, 2);
	int64_t v[2] = {1, 2}, out[2] = {9, 9}, rep = 9;
	rollup_set(r, -1, v, NULL, 1);
	rollup_set(r, small->n, v, NULL, 1);
	rollup_set(NULL, 0, v, NULL, 1);
	rollup_subtree(r, small, 0, 1, out, &rep);
	assert_int_equal(out[0], 0);
	assert_int_equal(rep, 0);
	rollup_set(r, 0, v, NULL, 1);
	/* another snapshot's tree: its indexes are other units */
	rollup_subtree(r, big, 0, 1, out, &rep);
	assert_int_equal(out[0], 0);
	assert_int_equal(rep, 0);
	rollup_subtree(r, small, small->n, 1, out, &rep);
	assert_int_equal(rep, 0);
	assert_int_equal(rollup_own(r, -1, 1, out, NULL), 0);
	rollup_free(r);
	rollup_free(NULL);
	assert_null(rollup_new(NULL, 2));
	r = rollup_new(small, 0);
	assert_int_equal(rollup_cols(r), 0);
	rollup_set(r, 1, v, NULL, 1);
	rollup_subtree(r, small, 0, 1, out, &rep);
	assert_int_equal(rep, 1);
	rollup_free(r);
}

static void
test_random_national(void **state)
{
	(void)state;
	enum { NC = 5 };
	int32_t n = big->n;
	assert_true(n > 10000);
	rollup_t *r = rollup_new(big, NC);
	model_t m;
	model_init(&m, n, NC);
	srand(20250301);
	for (int op = 1; op <= 2000; op++) {
		int32_t unit = rand() % n;
		if (rand() % 6 == 0) {
			set(r, &m, unit, NULL, NULL, 0);
		} else {
			int64_t v[NC];
			unsigned char has[NC];
			for (int c = 0; c < NC; c++) {
				/* up to the template maximum (1e12), some negative */
				v[c] = rand() % 4 == 0 ? (int64_t)(rand() % 1000000) * 1000000
				                       : rand() % 1000;
				if (rand() % 10 == 0)
					v[c] = -v[c];
				has[c] = rand() % 8 != 0;
			}
			set(r, &m, unit, v, has, rand() % 3 != 0);
		}
		if (op % 500 == 0) {
			check_unit(r, &m, big, 0, 0);
			check_unit(r, &m, big, 0, 1);
			for (int k = 0; k < 200; k++) {
				check_unit(r, &m, big, rand() % n, 0);
				check_unit(r, &m, big, rand() % n, 1);
			}
		}
	}
	/* every province and district too, where sums cross many blocks */
	for (int32_t i = 0; i < n; i++)
		if (big->units[i].depth <= 2) {
			check_unit(r, &m, big, i, 0);
			check_unit(r, &m, big, i, 1);
		}
	/* own values round-trip for every unit */
	for (int32_t i = 0; i < n; i++) {
		int64_t out[NC];
		unsigned char has[NC];
		assert_int_equal(rollup_own(r, i, 1, out, has), m.pres[i]);
		for (int c = 0; c < NC; c++) {
			assert_int_equal(has[c], m.has[(size_t)i * NC + c]);
			assert_int_equal(out[c], has[c] ? m.vals[(size_t)i * NC + c] : 0);
		}
	}
	rollup_free(r);
	model_free(&m);
}

/* Extra rows (a level's decided awards) add into every total above them in both layers,
 * are not reports and are not a unit's own values; set one by one or bulk-loaded, the
 * totals agree with the brute-force model, and a report elsewhere moves as usual. */
static void
test_extra_rows(void **state)
{
	(void)state;
	enum { NC = 3 };
	int32_t n = big->n;
	rollup_t *r = rollup_new(big, NC), *b = rollup_new(big, NC);
	model_t m;
	model_init(&m, n, NC);
	srand(20261203);
	for (int op = 0; op < 3000; op++) {
		int32_t unit = rand() % n;
		int extra = unit % 2 == 0; /* disjoint: a unit has either reports or extras */
		int64_t v[NC] = {rand() % 5, rand() % 5, (int64_t)(rand() % 1000) * 100000};
		int gone = rand() % 7 == 0, counted = rand() % 2;
		if (extra)
			rollup_set_extra(r, unit, gone ? NULL : v, NULL);
		else
			rollup_set(r, unit, gone ? NULL : v, NULL, counted);
		m.pres[unit] = !gone;
		m.cnt[unit] = !gone && (extra || counted);
		m.ext[unit] = !gone && extra;
		for (int c = 0; c < NC; c++) {
			m.vals[(size_t)unit * NC + c] = gone ? 0 : v[c];
			m.has[(size_t)unit * NC + c] = !gone;
		}
	}
	for (int32_t i = 0; i < n; i++) {
		if (m.ext[i])
			rollup_load_extra(b, i, m.vals + (size_t)i * NC, NULL);
		else if (m.pres[i])
			rollup_load(b, i, m.vals + (size_t)i * NC, NULL, m.cnt[i]);
		if (m.ext[i]) { /* never a unit's own report; read back as the extra row */
			assert_int_equal(rollup_own(r, i, 1, NULL, NULL), 0);
			int64_t out[NC];
			assert_int_equal(rollup_extra(r, i, out, NULL), 1);
			for (int c = 0; c < NC; c++)
				assert_int_equal(out[c], m.vals[(size_t)i * NC + c]);
		} else
			assert_int_equal(rollup_extra(r, i, NULL, NULL), 0);
	}
	rollup_rebuild(b);
	for (int32_t i = 0; i < n; i++)
		if (big->units[i].depth <= 2 || i % 97 == 0)
			for (int d = 0; d < 2; d++) {
				check_unit(r, &m, big, i, d);
				check_unit(b, &m, big, i, d);
			}
	rollup_free(r);
	rollup_free(b);
	model_free(&m);
}

/* Bulk loading (how a campaign's roll-up is built at start-up) gives the same totals as
 * setting the same reports one by one, and later updates keep working on top of it; the
 * generation moves with every change. */
static void
test_bulk_load(void **state)
{
	(void)state;
	enum { NC = 3 };
	int32_t n = big->n;
	rollup_t *r = rollup_new(big, NC);
	model_t m;
	model_init(&m, n, NC);
	srand(7);
	uint64_t g0 = rollup_generation(r);
	for (int op = 0; op < 20000; op++) {
		int32_t unit = rand() % n;
		int64_t v[NC] = {rand() % 1000, -(rand() % 50), (int64_t)(rand() % 7) * 1000000000};
		unsigned char has[NC] = {1, (unsigned char)(rand() % 2), 1};
		int counted = rand() % 3 != 0;
		int gone = rand() % 10 == 0; /* a later load may take a unit's report away */
		rollup_load(r, unit, gone ? NULL : v, has, counted);
		m.pres[unit] = !gone;
		m.cnt[unit] = !gone && counted;
		for (size_t c = 0; c < NC; c++) {
			m.vals[(size_t)unit * NC + c] = gone ? 0 : v[c];
			m.has[(size_t)unit * NC + c] = !gone && has[c];
		}
	}
	rollup_rebuild(r);
	assert_true(rollup_generation(r) != g0);
	for (int32_t i = 0; i < n; i++)
		if (big->units[i].depth <= 2 || i % 97 == 0) {
			check_unit(r, &m, big, i, 0);
			check_unit(r, &m, big, i, 1);
		}
	uint64_t g1 = rollup_generation(r);
	int64_t v[NC] = {5, 6, 7};
	set(r, &m, n / 2, v, NULL, 1);
	set(r, &m, 3, NULL, NULL, 0);
	assert_true(rollup_generation(r) != g1);
	check_all(r, &m, big);
	rollup_free(r);
	model_free(&m);
}

/* A writer keeps every report's columns summing to 0 (v, -v); readers must never see a
 * half-applied update, so every total they read sums to 0 too. */
typedef struct race {
	rollup_t *r;
	atomic_int bad, stop;
} race_t;

static void *
race_writer(void *arg)
{
	race_t *x = arg;
	unsigned seed = 7;
	for (int i = 0; i < 20000; i++) {
		int64_t v = rand_r(&seed) % 100000, vals[2] = {v, -v};
		int32_t unit = (int32_t)(rand_r(&seed) % (unsigned)big->n);
		rollup_set(x->r, unit, rand_r(&seed) % 5 ? vals : NULL, NULL, (int)(v & 1));
	}
	atomic_store(&x->stop, 1);
	return NULL;
}

static void *
race_reader(void *arg)
{
	race_t *x = arg;
	unsigned seed = 11;
	/* bounded: the writer's end stops us, and so does a cap if it is slow */
	for (int i = 0; i < 200000 && !atomic_load(&x->stop); i++) {
		int64_t out[2], rep;
		int32_t unit = i % 3 == 0 ? 0 : (int32_t)(rand_r(&seed) % (unsigned)big->n);
		rollup_subtree(x->r, big, unit, i & 1, out, &rep);
		if (out[0] + out[1] != 0 || rep < 0)
			atomic_fetch_add(&x->bad, 1);
	}
	return NULL;
}

static void
test_concurrent(void **state)
{
	(void)state;
	race_t x = {.r = rollup_new(big, 2)};
	atomic_init(&x.bad, 0);
	atomic_init(&x.stop, 0);
	pthread_t th[4];
	assert_int_equal(pthread_create(&th[0], NULL, race_writer, &x), 0);
	for (int i = 1; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, race_reader, &x), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(atomic_load(&x.bad), 0);
	int64_t out[2], rep;
	rollup_subtree(x.r, big, 0, 1, out, &rep);
	assert_int_equal(out[0] + out[1], 0);
	assert_true(rep > 0);
	rollup_free(x.r);
}

/* Random sets and removals over the national registry with values anywhere in int64 (the
 * extremes too), in both layers: every subtree's totals equal a naive sum modulo 2^64 (what
 * rollup.h promises; exact whenever the true sum fits), and every own row round-trips. Rows
 * change length often, so rows move and the pool gets packed along the way. */
static int64_t
random_value(unsigned *seed)
{
	switch (rand_r(seed) % 8) {
	case 0: return 0;
	case 1: return INT64_MAX - rand_r(seed) % 3;
	case 2: return INT64_MIN + rand_r(seed) % 3;
	case 3: /* large, either sign: 2^40..2^62 */
		return ((int64_t)1 << (40 + rand_r(seed) % 23)) * (rand_r(seed) % 2 ? 1 : -1) +
		       rand_r(seed) % 1000;
	case 4: return -(int64_t)(rand_r(seed) % 100);
	default: return rand_r(seed) % 3000;
	}
}

static void
check_unit_mod(const rollup_t *r, const model_t *m, const unit_tree_t *t, int32_t i, int drafts)
{
	enum { MAXC = 8 };
	uint64_t want[MAXC] = {0};
	int64_t got[MAXC], wrep = 0, grep = -1;
	for (int32_t j = i; j < t->units[i].end; j++) {
		if (!(drafts ? m->pres[j] : m->cnt[j]))
			continue;
		wrep += !m->ext[j];
		for (size_t c = 0; c < m->nc; c++)
			if (m->has[(size_t)j * m->nc + c])
				want[c] += (uint64_t)m->vals[(size_t)j * m->nc + c];
	}
	rollup_subtree(r, t, i, drafts, got, &grep);
	for (size_t c = 0; c < m->nc; c++)
		if ((uint64_t)got[c] != want[c])
			fail_msg("unit %s layer %d col %zu: got %llu, want %llu", t->units[i].code,
			         drafts, c, (unsigned long long)got[c],
			         (unsigned long long)want[c]);
	assert_int_equal(grep, wrep);
}

static void
check_own_all(const rollup_t *r, const model_t *m)
{
	int64_t out[8];
	unsigned char has[8];
	for (int32_t i = 0; i < m->n; i++)
		for (int d = 0; d < 2; d++) {
			int want = d ? m->pres[i] : m->cnt[i];
			assert_int_equal(rollup_own(r, i, d, out, has), want);
			for (size_t c = 0; c < m->nc; c++) {
				int h = want && m->has[(size_t)i * m->nc + c];
				assert_int_equal(has[c], h);
				if (out[c] != (h ? m->vals[(size_t)i * m->nc + c] : 0))
					fail_msg("own unit %d col %zu: got %lld", i, c,
					         (long long)out[c]);
			}
		}
}

static void
test_random_large_values(void **state)
{
	(void)state;
	enum { NC = 7 };
	int32_t n = big->n;
	rollup_t *r = rollup_new(big, NC);
	model_t m;
	model_init(&m, n, NC);
	unsigned seed = 42;
	/* a bulk load first, like a campaign built from the store */
	for (int32_t i = 0; i < n; i += 1 + rand_r(&seed) % 3) {
		int64_t v[NC];
		unsigned char has[NC];
		for (int c = 0; c < NC; c++) {
			v[c] = random_value(&seed);
			has[c] = rand_r(&seed) % 6 != 0;
		}
		int counted = rand_r(&seed) % 3 != 0;
		rollup_load(r, i, v, has, counted);
		m.pres[i] = 1;
		m.cnt[i] = (unsigned char)counted;
		for (int c = 0; c < NC; c++) {
			m.vals[(size_t)i * NC + c] = v[c];
			m.has[(size_t)i * NC + c] = has[c];
		}
	}
	rollup_rebuild(r);
	for (int round = 0; round < 4; round++) {
		for (int op = 0; op < 5000; op++) {
			/* mostly in a few provinces, so the same rows are rewritten */
			int32_t unit = rand_r(&seed) % 4 ? (int32_t)(rand_r(&seed) % 600)
			                                 : (int32_t)(rand_r(&seed) % (unsigned)n);
			if (rand_r(&seed) % 5 == 0) {
				set(r, &m, unit, NULL, NULL, 0);
				continue;
			}
			int64_t v[NC];
			unsigned char has[NC];
			for (int c = 0; c < NC; c++) {
				v[c] = random_value(&seed);
				has[c] = rand_r(&seed) % 5 != 0;
			}
			/* a report without any value still counts as a report */
			set(r, &m, unit, v, rand_r(&seed) % 20 ? has : (unsigned char[NC]){0},
			    rand_r(&seed) % 2);
		}
		for (int32_t i = 0; i < n; i++)
			for (int d = 0; d < 2; d++)
				check_unit_mod(r, &m, big, i, d);
	}
	check_own_all(r, &m);
	/* a rebuild from the rows as they are gives the same totals */
	rollup_rebuild(r);
	for (int32_t i = 0; i < n; i++)
		for (int d = 0; d < 2; d++)
			check_unit_mod(r, &m, big, i, d);
	check_own_all(r, &m);
	rollup_free(r);
	model_free(&m);
}

/* Zigzag LEB128 length, as rollup.c codes a value. */
static size_t
varint_len(int64_t v)
{
	uint64_t u = ((uint64_t)v << 1) ^ (v < 0 ? UINT64_MAX : 0);
	size_t k = 1;
	while (u >= 0x80) {
		u >>= 7;
		k++;
	}
	return k;
}

/* The roll-up's memory stays within a bound computed from the data: a byte of flags and a
 * 4-byte offset per unit, each report's row (a length byte, two bitmaps, its non-zero
 * values' varints), and two rows of int64 totals per unit whose subtree exceeds
 * ROLLUP_SCAN_MAX; a fifth of the dense int64 matrix of the old layout at most. Rewrites leave
 * garbage but never more than the rows' size again (then a pack). */
static void
test_bytes_bound(void **state)
{
	(void)state;
	enum { NC = 45 };
	int32_t n = big->n;
	rollup_t *r = rollup_new(big, NC);
	unsigned seed = 3;
	size_t rows = 0, nb = (NC + 7) / 8, naggs = 0;
	for (int32_t i = 0; i < n; i++)
		if (big->units[i].end - i > ROLLUP_SCAN_MAX)
			naggs++;
	int64_t v[NC];
	for (int32_t i = 0; i < n; i++) {
		if (rand_r(&seed) % 10 == 0)
			continue; /* has not reported */
		size_t len = 2 * nb;
		for (int c = 0; c < NC; c++) {
			/* like gen's data: small counts, half of them 0, some money */
			v[c] = rand_r(&seed) % 2 ? 0
			       : c == 44         ? (int64_t)(rand_r(&seed) % 200) * 100000
			                         : rand_r(&seed) % 500;
			if (v[c])
				len += varint_len(v[c]);
		}
		rows += 1 + len + (len >= 128);
		rollup_load(r, i, v, NULL, 1);
	}
	rollup_rebuild(r);
	/* flags and row offsets, running totals and counts, their units, and the generation
	 * stamps of units and totals */
	size_t fixed = (size_t)n * (5 + 8) + naggs * 2 * (NC * 8 + 4) + naggs * (12 + 8) + 4096;
	size_t bytes = rollup_bytes(r), dense = (size_t)n * NC * 8;
	print_message("roll-up: %zu bytes (rows %zu, %zu totals) for %d units; dense %zu\n", bytes,
	              rows, naggs, n, dense);
	assert_true(bytes <= fixed + rows);
	assert_true(bytes * 5 < dense);
	/* churn: every row rewritten longer and shorter many times */
	for (int op = 0; op < 50000; op++) {
		int32_t i = (int32_t)(rand_r(&seed) % (unsigned)n);
		for (int c = 0; c < NC; c++)
			v[c] = rand_r(&seed) % 4 ? rand_r(&seed) % 100 : rand_r(&seed);
		rollup_set(r, i, rand_r(&seed) % 10 ? v : NULL, NULL, 1);
	}
	size_t most = (size_t)n * (1 + 2 + 2 * nb + NC * varint_len(RAND_MAX));
	assert_true(rollup_bytes(r) <= fixed + 3 * most);
	rollup_rebuild(r);
	assert_true(rollup_bytes(r) <= fixed + most);
	rollup_free(r);
}

/* A set inside a subtree moves its generation and its ancestors'; nothing else moves. */
static void
test_subtree_generation(void **state)
{
	(void)state;
	enum { NC = 3 };
	int32_t n = big->n;
	rollup_t *r = rollup_new(big, NC);
	rollup_rebuild(r);
	unsigned seed = 11;
	int32_t probes[64];
	int np = 0;
	probes[np++] = 0;
	/* some big subtrees (with running totals) and some small ones (scanned) */
	for (int32_t i = 1; i < n && np < 64; i += 1 + (int32_t)(rand_r(&seed) % 97))
		probes[np++] = i;
	uint64_t before[64];
	int64_t v[NC] = {1, 2, 3};
	for (int op = 0; op < 3000; op++) {
		for (int k = 0; k < np; k++)
			before[k] = rollup_subtree_generation(r, big, probes[k]);
		int32_t u = (int32_t)(rand_r(&seed) % (unsigned)n);
		v[0] = op;
		rollup_set(r, u, v, NULL, rand_r(&seed) % 2);
		for (int k = 0; k < np; k++) {
			int32_t p = probes[k];
			int inside = p <= u && u < big->units[p].end;
			uint64_t after = rollup_subtree_generation(r, big, p);
			if ((after != before[k]) != inside)
				fail_msg("set of %d: generation of %d %s", u, p,
				         inside ? "did not move" : "moved");
			assert_true(after <= rollup_generation(r));
		}
	}
	/* a rebuild changes everything */
	for (int k = 0; k < np; k++)
		before[k] = rollup_subtree_generation(r, big, probes[k]);
	rollup_rebuild(r);
	for (int k = 0; k < np; k++)
		assert_true(rollup_subtree_generation(r, big, probes[k]) > before[k]);
	rollup_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_small_tree),
	        cmocka_unit_test(test_counted_to_draft_and_back),
	        cmocka_unit_test(test_remove),
	        cmocka_unit_test(test_has_flags),
	        cmocka_unit_test(test_bad_arguments),
	        cmocka_unit_test(test_random_national),
	        cmocka_unit_test(test_bulk_load),
	        cmocka_unit_test(test_extra_rows),
	        cmocka_unit_test(test_concurrent),
	        cmocka_unit_test(test_random_large_values),
	        cmocka_unit_test(test_bytes_bound),
	        cmocka_unit_test(test_subtree_generation),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
