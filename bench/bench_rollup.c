/* Live roll-up at national scale (registry + 6 bodies per commune, ~71,000 units, 45
 * columns), against a baseline run side by side in the same process: the naive sum over a
 * dense unit-major matrix of the same values for the same ranges. Also the cost of one
 * update and the memory the roll-up takes (RSS before/after filling it).
 * Usage: bench_rollup [--out FILE.md] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "util.h"
#include "core/file.h"
#include "core/log.h"
#include "core/mem.h"
#include "domain/rollup.h"
#include "domain/units.h"

enum { NC = 45, SUBTREE_RUNS = 2000, UPDATES = 100000 };

/* One unit's random report: values up to 100,000, ~5% of columns left empty. */
static void
random_report(int64_t *v, unsigned char *has)
{
	for (int c = 0; c < NC; c++) {
		has[c] = bench_rand() % 20 != 0;
		v[c] = has[c] ? (int64_t)(bench_rand() % 100000) : 0;
	}
}

/* Baseline: dense unit-major matrix of the counted values, summed row by row. */
static void
naive_sum(const int64_t *m, int32_t a, int32_t e, int64_t *out)
{
	memset(out, 0, NC * sizeof *out);
	for (int32_t i = a; i < e; i++) {
		const int64_t *row = m + (size_t)i * NC;
		for (int c = 0; c < NC; c++)
			out[c] += row[c];
	}
}

typedef struct fig {
	double ours50, ours99, base50, base99;
} fig_t;

/* Subtree totals of `units` (cycled) in the counted layer, both ways; checks they agree. */
static int
measure(const rollup_t *r, const unit_tree_t *t, const int64_t *m, const int32_t *units, int nunits,
        fig_t *f)
{
	static double ours[SUBTREE_RUNS], base[SUBTREE_RUNS];
	int64_t a[NC], b[NC], rep;
	for (int k = 0; k < SUBTREE_RUNS; k++) {
		int32_t i = units[k % nunits];
		double t0 = bench_now_ms();
		rollup_subtree(r, t, i, 0, a, &rep);
		double t1 = bench_now_ms();
		naive_sum(m, i, t->units[i].end, b);
		double t2 = bench_now_ms();
		ours[k] = t1 - t0;
		base[k] = t2 - t1;
		if (memcmp(a, b, sizeof a) != 0) {
			fprintf(stderr, "bench_rollup: totals differ for unit %s\n",
			        t->units[i].code);
			return -1;
		}
	}
	f->ours50 = bench_pct(ours, SUBTREE_RUNS, 0.5);
	f->ours99 = bench_pct(ours, SUBTREE_RUNS, 0.99);
	f->base50 = bench_pct(base, SUBTREE_RUNS, 0.5);
	f->base99 = bench_pct(base, SUBTREE_RUNS, 0.99);
	return 0;
}

static void
row(buf_t *rep, const char *what, double ours, double base, const char *target)
{
	buf_printf(rep, "| %s | %.2f µs | %.2f µs | %.1fx %s | %s |\n", what, ours * 1e3,
	           base * 1e3, base >= ours ? base / ours : ours / base,
	           base >= ours ? "faster" : "slower", target);
}

int
main(int argc, char **argv)
{
	const char *outpath = NULL;
	for (int i = 1; i + 1 < argc; i += 2)
		if (!strcmp(argv[i], "--out"))
			outpath = argv[i + 1];
	log_set_level(2);
	char dir[] = "/tmp/suotdoi-bench-XXXXXX", db[300];
	if (!mkdtemp(dir))
		return 1;
	snprintf(db, sizeof db, "%s/b.db", dir);
	store_t *st;
	unit_tree_t *t;
	if (bench_units_store(db, 1, &st, &t) < 0)
		return 1;
	store_close(st);
	int32_t n = t->n;

	/* Every unit's report, decided up front so both sides get the same: ~85% counted,
	 * ~10% drafts, ~5% nothing yet. */
	int64_t *vals = xmalloc((size_t)n * NC * sizeof *vals);
	unsigned char *has = xmalloc((size_t)n * NC), *status = xmalloc((size_t)n);
	for (int32_t i = 0; i < n; i++) {
		uint64_t p = bench_rand() % 100;
		status[i] = p < 85 ? 2 : p < 95 ? 1 : 0;
		random_report(vals + (size_t)i * NC, has + (size_t)i * NC);
	}

	double rss0 = (bench_rss_kb() / 1024.0);
	double b0 = bench_now_ms();
	rollup_t *r = rollup_new(t, NC);
	for (int32_t i = 0; i < n; i++)
		if (status[i])
			rollup_set(r, i, vals + (size_t)i * NC, has + (size_t)i * NC,
			           status[i] == 2);
	double build_ms = bench_now_ms() - b0;
	double rss_ours = (bench_rss_kb() / 1024.0) - rss0;

	/* baseline matrix: the counted layer, dense */
	double rss1 = (bench_rss_kb() / 1024.0);
	b0 = bench_now_ms();
	int64_t *m = xcalloc((size_t)n * NC, sizeof *m);
	for (int32_t i = 0; i < n; i++)
		if (status[i] == 2)
			memcpy(m + (size_t)i * NC, vals + (size_t)i * NC, NC * sizeof *m);
	double base_build_ms = bench_now_ms() - b0;
	double rss_base = (bench_rss_kb() / 1024.0) - rss1;

	/* subtrees: the root, every province, every district (cycled) */
	int32_t *prov = xmalloc((size_t)n * sizeof *prov),
	        *dist = xmalloc((size_t)n * sizeof *dist);
	int nprov = 0, ndist = 0, root = 0;
	for (int32_t i = 0; i < n; i++) {
		if (t->units[i].depth == 1 && t->units[i].nchildren > 0)
			prov[nprov++] = i;
		else if (t->units[i].depth == 2 && t->units[i].nchildren > 0)
			dist[ndist++] = i;
	}
	fig_t fr, fp, fd;
	if (measure(r, t, m, &root, 1, &fr) < 0 || measure(r, t, m, prov, nprov, &fp) < 0 ||
	    measure(r, t, m, dist, ndist, &fd) < 0)
		return 1;

	/* updates: random units get new random reports, counted or draft */
	static double up[UPDATES], bup[UPDATES];
	int64_t v[NC];
	unsigned char h[NC];
	for (int k = 0; k < UPDATES; k++) {
		int32_t i = (int32_t)(bench_rand() % (uint64_t)n);
		int counted = bench_rand() % 10 != 0;
		random_report(v, h);
		double t0 = bench_now_ms();
		rollup_set(r, i, v, h, counted);
		double t1 = bench_now_ms();
		/* baseline update: overwrite the unit's row */
		int64_t *brow = m + (size_t)i * NC;
		for (int c = 0; c < NC; c++)
			brow[c] = counted && h[c] ? v[c] : 0;
		double t2 = bench_now_ms();
		up[k] = t1 - t0;
		bup[k] = t2 - t1;
	}
	double up50 = bench_pct(up, UPDATES, 0.5), up99 = bench_pct(up, UPDATES, 0.99);
	double bup50 = bench_pct(bup, UPDATES, 0.5), bup99 = bench_pct(bup, UPDATES, 0.99);
	/* still the same totals after all those updates */
	int64_t a[NC], b[NC], nrep;
	rollup_subtree(r, t, 0, 0, a, &nrep);
	naive_sum(m, 0, n, b);
	if (memcmp(a, b, sizeof a) != 0) {
		fprintf(stderr, "bench_rollup: totals differ after updates\n");
		return 1;
	}

	buf_t rep = BUF_INIT;
	buf_printf(&rep,
	           "Live roll-up, national scale: %d units (%d provinces, %d districts), %d "
	           "columns, ~85%% counted + ~10%% drafts; %d subtree runs per row, %d updates\n\n",
	           n, nprov, ndist, NC, SUBTREE_RUNS, UPDATES);
	buf_printf(&rep, "| figure | suotdoi | baseline (dense matrix, naive sum) | ratio | target "
	                 "|\n");
	buf_printf(&rep, "| --- | --- | --- | --- | --- |\n");
	row(&rep, "national root totals p50", fr.ours50, fr.base50, "");
	row(&rep, "national root totals p99", fr.ours99, fr.base99, "≤ 5 ms");
	row(&rep, "province totals p50", fp.ours50, fp.base50, "");
	row(&rep, "province totals p99", fp.ours99, fp.base99, "≤ 5 ms");
	row(&rep, "district totals p50", fd.ours50, fd.base50, "");
	row(&rep, "district totals p99", fd.ours99, fd.base99, "≤ 5 ms");
	buf_printf(&rep,
	           "| one update (rollup_set) p50 / p99 | %.2f / %.2f µs | %.2f / %.2f µs | "
	           "%.1fx slower | |\n",
	           up50 * 1e3, up99 * 1e3, bup50 * 1e3, bup99 * 1e3, up50 / bup50);
	buf_printf(&rep, "| fill: every unit's report set | %.1f ms | %.1f ms | | |\n", build_ms,
	           base_build_ms);
	buf_printf(&rep,
	           "| memory (RSS growth, both layers / baseline one layer) | %.1f MB | %.1f "
	           "MB | | |\n",
	           rss_ours, rss_base);
	bench_report(outpath, rep.data);
	buf_free(&rep);
	rollup_free(r);
	unit_tree_unref(t);
	free(m);
	free(vals);
	free(has);
	free(status);
	free(prov);
	free(dist);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : 1;
}
