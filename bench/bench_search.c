/* Unit search at national scale, against a baseline run side by side in the same process:
 * SQLite scanning the same folded names with LIKE and sorting by the same rank. Also the
 * tree build time (cold start) and the search through the real HTTP server.
 * Usage: bench_search [--scale national|registry | --db FILE] [--out FILE.md]
 *                     [--tsv FILE --label KEY] [--reps N]
 * --db: the units of an existing database (suotdoi gen --scale N makes N x the country),
 * read only; without it a temporary store is made. --tsv appends KEY.<figure><TAB>value
 * lines (KEY defaults to "search"). */
#include <curl/curl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "core/buf.h"
#include "util.h"
#include "core/file.h"
#include "core/log.h"
#include "core/mem.h"
#include "domain/units.h"
#include "text/text.h"

static const char *queries[] = {"tien lang", "da nang",     "Đà Nẵng", "ha thuong", "xa",
                                "phuong 1",  "truong thcs", "nguyen",  "an",        "thanh pho"};
#define NQ (int)(sizeof queries / sizeof queries[0])
/* The hardest case for an index: one or two letters that start a word of most names. */
static const char *short_queries[] = {"t", "x", "n", "h", "1", "th", "tr", "ph", "ng", "TR"};
#define NSQ (int)(sizeof short_queries / sizeof short_queries[0])

static FILE *tsv;
static const char *label = "search";

static void
put(const char *key, double v)
{
	if (tsv)
		fprintf(tsv, v == (double)(long long)v ? "%s.%s\t%.0f\n" : "%s.%s\t%.3f\n", label,
		        key, v);
}

/* p50 and p99 of one query set (all with limit 20), optionally filtered by kind or
 * subtree. */
static void
time_set(const unit_tree_t *t, const char **qs, int nq, int reps, const char *kind, int32_t within,
         double *p50, double *p99, double *max)
{
	double *v = xmalloc(sizeof *v * (size_t)(nq * reps));
	int32_t ids[20], total;
	int k = 0;
	for (int r = 0; r < reps; r++)
		for (int q = 0; q < nq; q++, k++) {
			unit_search_t us = {
			        .q = qs[q], .within = within, .kind = kind, .limit = 20};
			double a = bench_now_ms();
			unit_tree_search(t, &us, ids, &total);
			v[k] = bench_now_ms() - a;
		}
	*p50 = bench_pct(v, k, 0.5);
	*p99 = bench_pct(v, k, 0.99);
	*max = v[k - 1];
	free(v);
}

/* Synthetic bodies per commune like the national generator will make: UBND, TTHTCĐ and
 * 4 schools, so the registry grows to ~70k units. */
int
main(int argc, char **argv)
{
	const char *scale = "national", *outpath = NULL, *dbarg = NULL, *tsvpath = NULL;
	int reps = 30;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--scale"))
			scale = argv[i + 1];
		else if (!strcmp(argv[i], "--out"))
			outpath = argv[i + 1];
		else if (!strcmp(argv[i], "--db"))
			dbarg = argv[i + 1];
		else if (!strcmp(argv[i], "--tsv"))
			tsvpath = argv[i + 1];
		else if (!strcmp(argv[i], "--label"))
			label = argv[i + 1];
		else if (!strcmp(argv[i], "--reps"))
			reps = atoi(argv[i + 1]) > 0 ? atoi(argv[i + 1]) : 30;
		else {
			fprintf(stderr, "bench_search: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	if (tsvpath && !(tsv = fopen(tsvpath, "a"))) {
		perror(tsvpath);
		return 1;
	}
	log_set_level(2);
	char dir[] = "/tmp/suotdoi-bench-XXXXXX", db[4096], err[4096];
	if (!mkdtemp(dir))
		return 1;
	store_t *st;
	unit_tree_t *t;
	if (dbarg) {
		snprintf(db, sizeof db, "%s", dbarg);
		scale = dbarg;
		if (store_open(db, &st, err, sizeof err) < 0) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
	} else {
		snprintf(db, sizeof db, "%s/b.db", dir);
		if (bench_units_store(db, !strcmp(scale, "national"), &st, &t) < 0)
			return 1;
		unit_tree_unref(t); /* built again below, timed: the cold-start part */
	}
	double b0 = bench_now_ms();
	if (unit_tree_build(st, &t, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	double build_ms = bench_now_ms() - b0;
	size_t index_bytes, search_bytes = unit_tree_search_bytes(t, &index_bytes);

	/* Baseline: the same folded names and ranks in an in-memory SQLite table. */
	sqlite3 *bdb;
	sqlite3_open(":memory:", &bdb);
	sqlite3_exec(bdb, "CREATE TABLE u(i INTEGER PRIMARY KEY, fold TEXT, alpha INTEGER)", 0, 0,
	             0);
	sqlite3_exec(bdb, "BEGIN", 0, 0, 0);
	sqlite3_stmt *ins;
	sqlite3_prepare_v2(bdb, "INSERT INTO u VALUES(?,?,?)", -1, &ins, NULL);
	for (int32_t i = 0; i < t->n; i++) {
		buf_t f = BUF_INIT;
		buf_putc(&f, ' ');
		buf_puts(&f, t->fold + t->fold_off[i]);
		sqlite3_bind_int(ins, 1, i);
		sqlite3_bind_text(ins, 2, f.data, (int)f.len, SQLITE_TRANSIENT);
		sqlite3_bind_int(ins, 3, t->units[i].alpha);
		sqlite3_step(ins);
		sqlite3_reset(ins);
		buf_free(&f);
	}
	sqlite3_finalize(ins);
	sqlite3_exec(bdb, "COMMIT", 0, 0, 0);

	double *ours = xmalloc(sizeof *ours * (size_t)(NQ * reps));
	double *base = xmalloc(sizeof *base * (size_t)(NQ * reps));
	int32_t ids[20], total;
	int k = 0;
	for (int r = 0; r < reps; r++) {
		for (int q = 0; q < NQ; q++, k++) {
			unit_search_t us = {.q = queries[q], .within = -1, .limit = 20};
			double a = bench_now_ms();
			unit_tree_search(t, &us, ids, &total);
			ours[k] = bench_now_ms() - a;
			/* baseline: every folded word as a word-start LIKE, sorted by rank */
			buf_t fq = BUF_INIT, sql = BUF_INIT;
			text_fold(queries[q], strlen(queries[q]), &fq);
			buf_puts(&sql, "SELECT i FROM u WHERE 1");
			char *save = NULL;
			for (char *w = strtok_r(fq.data, " ", &save); w;
			     w = strtok_r(NULL, " ", &save))
				buf_printf(&sql, " AND fold LIKE '%% %s%%'", w);
			buf_puts(&sql, " ORDER BY alpha LIMIT 20");
			sqlite3_stmt *st2;
			a = bench_now_ms();
			sqlite3_prepare_v2(bdb, sql.data, -1, &st2, NULL);
			while (sqlite3_step(st2) == SQLITE_ROW)
				;
			sqlite3_finalize(st2);
			base[k] = bench_now_ms() - a;
			buf_free(&fq);
			buf_free(&sql);
		}
	}
	double ours50 = bench_pct(ours, k, 0.5), ours99 = bench_pct(ours, k, 0.99);
	double base50 = bench_pct(base, k, 0.5), base99 = bench_pct(base, k, 0.99);
	double oursmax = ours[k - 1];
	free(ours);
	free(base);
	/* the short queries, and filtered ones: by kind, and within the first province */
	double s50, s99, smax, f50, f99, fmax;
	time_set(t, short_queries, NSQ, reps, NULL, -1, &s50, &s99, &smax);
	int32_t prov = t->n > 1 ? 1 : -1;
	double k50, k99, kmax;
	time_set(t, queries, NQ, reps, "truong_th", -1, &k50, &k99, &kmax);
	time_set(t, short_queries, NSQ, reps, NULL, prov, &f50, &f99, &fmax);

	/* Through the real server: sequential keep-alive requests from libcurl. */
	unit_tree_unref(t);
	store_close(st);
	app_t app;
	if (app_open(&app, db, TEST_SOURCE_DIR, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	http_config_t cfg;
	app_http_config(&app, &cfg);
	cfg.listen = "127.0.0.1:0";
	cfg.quiet = 1;
	http_server_t *srv;
	if (http_server_start(&cfg, &srv) < 0)
		return 1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURL *c = curl_easy_init();
	FILE *devnull = fopen("/dev/null", "w");
	curl_easy_setopt(c, CURLOPT_WRITEDATA, devnull);
	double *http = xmalloc(sizeof *http * (size_t)(NQ * reps));
	k = 0;
	for (int r = 0; r < reps; r++) {
		for (int q = 0; q < NQ; q++, k++) {
			char *e = curl_easy_escape(c, queries[q], 0);
			char url[512];
			snprintf(url, sizeof url, "http://127.0.0.1:%u/api/v1/units?q=%s",
			         http_server_port(srv), e);
			curl_free(e);
			curl_easy_setopt(c, CURLOPT_URL, url);
			double a = bench_now_ms();
			curl_easy_perform(c);
			http[k] = bench_now_ms() - a;
		}
	}
	double http50 = bench_pct(http, k, 0.5), http99 = bench_pct(http, k, 0.99);
	free(http);
	curl_easy_cleanup(c);
	fclose(devnull);
	http_server_stop(srv);
	unit_tree_t *tt = app_tree(&app);
	int32_t nunits = tt->n;
	unit_tree_unref(tt);
	app_close(&app);
	curl_global_cleanup();

	buf_t rep = BUF_INIT;
	buf_printf(&rep, "Unit search, %s scale: %d units, %d queries x %d runs\n\n", scale, nunits,
	           NQ, reps);
	buf_printf(&rep,
	           "| figure | suotdoi | baseline (SQLite LIKE, same data) | ratio | target |\n");
	buf_printf(&rep, "| --- | --- | --- | --- | --- |\n");
	buf_printf(&rep, "| search p50 (in process) | %.3f ms | %.3f ms | %.1fx faster | |\n",
	           ours50, base50, base50 / ours50);
	buf_printf(&rep,
	           "| search p99 (in process) | %.3f ms | %.3f ms | %.1fx faster | <= 5 ms |\n",
	           ours99, base99, base99 / ours99);
	buf_printf(&rep, "| search through HTTP p50 / p99 | %.3f / %.3f ms | | | <= 5 ms |\n",
	           http50, http99);
	buf_printf(&rep, "| unit tree build (cold start part) | %.0f ms | | | <= 1 s |\n",
	           build_ms);
	buf_printf(&rep,
	           "| search p50 / p99, 1-2 letter queries | %.3f / %.3f ms | | | <= 5 ms |\n", s50,
	           s99);
	buf_printf(&rep, "| search p50 / p99, kind filter | %.3f / %.3f ms | | | <= 5 ms |\n", k50,
	           k99);
	buf_printf(&rep,
	           "| search p50 / p99, 1-2 letters within a province | %.3f / %.3f ms | | | |\n",
	           f50, f99);
	buf_printf(&rep, "| search structures in memory (word index) | %.2f MB (%.2f MB) | | | |\n",
	           (double)search_bytes / 1e6, (double)index_bytes / 1e6);
	put("units", nunits);
	put("search_bytes", (double)search_bytes);
	put("index_bytes", (double)index_bytes);
	put("p50_ms", ours50);
	put("p99_ms", ours99);
	put("max_ms", oursmax);
	put("base_p50_ms", base50);
	put("base_p99_ms", base99);
	put("http_p50_ms", http50);
	put("http_p99_ms", http99);
	put("build_ms", build_ms);
	put("short_p50_ms", s50);
	put("short_p99_ms", s99);
	put("short_max_ms", smax);
	put("kind_p99_ms", k99);
	put("within_p99_ms", f99);
	if (tsv)
		fclose(tsv);
	bench_report(outpath, rep.data);
	buf_free(&rep);
	sqlite3_close(bdb);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : 1;
}
