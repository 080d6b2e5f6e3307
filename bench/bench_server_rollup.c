/* The live roll-up through the real server at national scale: the generated dataset
 * (registry, ~60,000 bodies, ~50,000 reports of 38 numeric items), GET
 * /api/v1/campaigns/:id/units/:code for the nation, a province, a district and a commune
 * with keep-alive, against a baseline run side by side in the same process over the same
 * SQLite file: one query summing the subtree's counted values (a recursive CTE over
 * units.parent_id). Also the generation time, the cold start (app_open, then the first
 * roll-up request) and the server's RSS.
 * Usage: bench_server_rollup [--out FILE.md] */
#include <curl/curl.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "core/buf.h"
#include "util.h"
#include "core/log.h"
#include "domain/accounts.h"
#include "domain/auth.h"
#include "domain/gen.h"
#include "domain/units.h"

enum { REPS = 300, BASE_REPS = 30 };
#define BASE_BUDGET_MS 4000.0 /* per level: the national query may take a second */

/* Generation runs in a child process so that the server's RSS measured here is the
 * server's alone, not the generator's leftovers. */
typedef struct gen_result {
	int ok;
	double ms;
	gen_stats_t s;
} gen_result_t;

static int
generate(const char *db, gen_result_t *res)
{
	int fd[2];
	if (pipe(fd) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(fd[0]);
		gen_result_t r = {0};
		char err[4096];
		store_t *st;
		if (store_open(db, &st, err, sizeof err) == 0) {
			gen_opts_t o;
			gen_opts_default(&o);
			o.assets = TEST_SOURCE_DIR;
			double t0 = bench_now_ms();
			r.ok = gen_national(st, &o, &r.s, err, sizeof err) == 0;
			r.ms = bench_now_ms() - t0;
			store_close(st);
		}
		if (!r.ok)
			fprintf(stderr, "%s\n", err);
		ssize_t w = write(fd[1], &r, sizeof r);
		_exit(w == (ssize_t)sizeof r ? 0 : 1);
	}
	close(fd[1]);
	ssize_t got = read(fd[0], res, sizeof *res);
	close(fd[0]);
	int status;
	waitpid(pid, &status, 0);
	return got == (ssize_t)sizeof *res && res->ok ? 0 : -1;
}

typedef struct body {
	buf_t b;
} body_t;

static size_t
on_body(char *p, size_t size, size_t n, void *ctx)
{
	buf_append(&((body_t *)ctx)->b, p, size * n);
	return size * n;
}

/* The baseline: the counted totals of one subtree in one SQL statement. */
static const char *baseline_sql =
        "WITH RECURSIVE sub(id) AS (SELECT ?1 UNION ALL"
        " SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id)"
        " SELECT v.item, sum(v.num) FROM report_values v JOIN reports r ON r.id = v.report_id"
        " WHERE r.campaign_id = ?2 AND r.unit_id IN sub"
        " AND r.status IN ('submitted','approved') AND v.has_num = 1"
        " GROUP BY v.item";

/* Runs the baseline once; with check, compares every sum with the server's totals. */
static int
baseline(sqlite3_stmt *q, int64_t unit_id, int64_t campaign, json_t *check)
{
	int bad = 0;
	sqlite3_bind_int64(q, 1, unit_id);
	sqlite3_bind_int64(q, 2, campaign);
	while (sqlite3_step(q) == SQLITE_ROW) {
		if (!check)
			continue;
		const char *item = (const char *)sqlite3_column_text(q, 0);
		json_t *v = json_object_get(check, item);
		if (!v || json_integer_value(v) != sqlite3_column_int64(q, 1)) {
			fprintf(stderr, "mismatch %s: server %lld, SQL %lld\n", item,
			        v ? (long long)json_integer_value(v) : -1LL,
			        (long long)sqlite3_column_int64(q, 1));
			bad = 1;
		}
	}
	sqlite3_reset(q);
	return bad ? -1 : 0;
}

static const struct {
	const char *label, *code;
} levels[] = {{"nation (VN)", "VN"},
              {"province (01 Hà Nội)", "01"},
              {"district (018 Gia Lâm)", "018"},
              {"commune (00571 Dương Xá)", "00571"}};
#define NLEVELS (int)(sizeof levels / sizeof levels[0])

int
main(int argc, char **argv)
{
	const char *outpath = NULL;
	for (int i = 1; i + 1 < argc; i += 2)
		if (!strcmp(argv[i], "--out"))
			outpath = argv[i + 1];
	log_set_level(2);
	char dir[] = "/tmp/suotdoi-bench-XXXXXX", db[300], err[4096];
	if (!mkdtemp(dir))
		return 1;
	snprintf(db, sizeof db, "%s/g.db", dir);
	gen_result_t g;
	if (generate(db, &g) < 0) {
		fprintf(stderr, "generation failed\n");
		return 1;
	}
	printf("generated in %.1f s: %zu registry units, %zu bodies, %zu reports (%zu submitted, "
	       "%zu drafts)\n",
	       g.ms / 1e3, g.s.units, g.s.bodies, g.s.reports, g.s.submitted, g.s.drafts);
	fflush(stdout);

	long rss0 = bench_rss_kb();
	app_t app;
	double t0 = bench_now_ms();
	if (app_open(&app, db, TEST_SOURCE_DIR, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	double open_ms = bench_now_ms() - t0;

	/* an administrator of the whole country, asking with an API token */
	unit_tree_t *t = app_tree(&app);
	char hash[AUTH_HASH_MAX], norm[72], raw[AUTH_TOKEN_LEN + 1], token[AUTH_TOKEN_LEN + 4];
	unsigned char th[32];
	auth_password_hash_generated("bench-not-used-for-sign-in", hash);
	account_new_t a = {"bench.admin", "Bench", NULL, ROLE_ADMIN, t->units[0].id, hash, 0, 0};
	int64_t uid, tid;
	if (accounts_create(app.store, &a, norm, &uid, err, sizeof err) != 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	auth_token_new(raw, th);
	snprintf(token, sizeof token, "sd_%s", raw);
	auth_token_hash(token, strlen(token), th);
	if (store_token_create(app.store, uid, "bench", th, "sd_bench", app_now(), &tid) < 0)
		return 1;
	int64_t unit_ids[NLEVELS];
	for (int l = 0; l < NLEVELS; l++) {
		int32_t i = unit_tree_find_code(t, levels[l].code);
		if (i < 0) {
			fprintf(stderr, "no unit %s\n", levels[l].code);
			return 1;
		}
		unit_ids[l] = t->units[i].id;
	}
	int32_t nunits = t->n;
	unit_tree_unref(t);

	http_config_t cfg;
	app_http_config(&app, &cfg);
	cfg.listen = "127.0.0.1:0";
	cfg.quiet = 1;
	http_server_t *srv;
	if (http_server_start(&cfg, &srv) < 0)
		return 1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURL *c = curl_easy_init();
	char auth[200];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
	struct curl_slist *hdr = curl_slist_append(NULL, auth);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	body_t body = {BUF_INIT};
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);

	double first_ms = 0, p50[NLEVELS], p99[NLEVELS], b50[NLEVELS], b99[NLEVELS];
	int nbase[NLEVELS];
	json_t *totals[NLEVELS];
	size_t bytes[NLEVELS];
	double *samples = calloc(REPS, sizeof *samples);
	for (int l = 0; l < NLEVELS; l++) {
		char url[300];
		snprintf(url, sizeof url, "http://127.0.0.1:%u/api/v1/campaigns/%lld/units/%s",
		         http_server_port(srv), (long long)g.s.campaign_id, levels[l].code);
		curl_easy_setopt(c, CURLOPT_URL, url);
		for (int r = -1; r < REPS; r++) {
			buf_reset(&body.b);
			double a0 = bench_now_ms();
			CURLcode rc = curl_easy_perform(c);
			double ms = bench_now_ms() - a0;
			long code = 0;
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
			if (rc != CURLE_OK || code != 200) {
				fprintf(stderr, "%s: curl %d, HTTP %ld: %.300s\n", url, (int)rc,
				        code, buf_cstr(&body.b));
				return 1;
			}
			if (r < 0) {
				/* the first request loads the campaign and builds its roll-up */
				if (l == 0)
					first_ms = ms;
				json_t *o = json_loadb(body.b.data, body.b.len, 0, NULL);
				totals[l] = json_incref(json_object_get(o, "totals"));
				json_decref(o);
				bytes[l] = body.b.len;
				continue;
			}
			samples[r] = ms;
		}
		p50[l] = bench_pct(samples, REPS, 0.5);
		p99[l] = bench_pct(samples, REPS, 0.99);
	}
	long rss1 = bench_rss_kb();
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	buf_free(&body.b);
	http_server_stop(srv);

	/* baseline: the same file, its own read-only connection in this process */
	sqlite3 *bdb;
	sqlite3_stmt *q;
	if (sqlite3_open_v2(db, &bdb, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(bdb, baseline_sql, -1, &q, NULL) != SQLITE_OK) {
		fprintf(stderr, "baseline: %s\n", sqlite3_errmsg(bdb));
		return 1;
	}
	int mismatches = 0;
	for (int l = 0; l < NLEVELS; l++) {
		/* a first run warms the page cache and checks the server's figures */
		if (baseline(q, unit_ids[l], g.s.campaign_id, totals[l]) < 0)
			mismatches++;
		double spent = 0;
		int n = 0;
		for (; n < BASE_REPS && (n < 5 || spent < BASE_BUDGET_MS); n++) {
			double a0 = bench_now_ms();
			baseline(q, unit_ids[l], g.s.campaign_id, NULL);
			samples[n] = bench_now_ms() - a0;
			spent += samples[n];
		}
		nbase[l] = n;
		b50[l] = bench_pct(samples, n, 0.5);
		b99[l] = bench_pct(samples, n, 0.99);
		json_decref(totals[l]);
	}
	sqlite3_finalize(q);
	sqlite3_close(bdb);
	free(samples);
	app_close(&app);
	curl_global_cleanup();

	buf_t rep = BUF_INIT;
	buf_printf(
	        &rep,
	        "Live roll-up through the server, national scale: %d units (%zu generated "
	        "bodies), %zu reports (%zu submitted, %zu drafts), 38 numeric items; %d keep-alive "
	        "requests per level from one libcurl handle. Baseline: one SQL query over the "
	        "same SQLite file in the same process (recursive CTE over units.parent_id, sum of "
	        "submitted and approved values by item; %s), totals only: no children rows, no "
	        "JSON, no HTTP.\n\n",
	        nunits, g.s.bodies, g.s.reports, g.s.submitted, g.s.drafts, REPS,
	        mismatches ? "its totals DIFFER from the server's"
	                   : "its totals equal the server's");
	buf_printf(&rep, "| figure | suotdoi | baseline (SQL, same file) | ratio | target |\n");
	buf_printf(&rep, "| --- | --- | --- | --- | --- |\n");
	buf_printf(&rep, "| dataset generation (`gen_national`) | %.1f s | | | < 60 s |\n",
	           g.ms / 1e3);
	for (int l = 0; l < NLEVELS; l++) {
		double ratio = b50[l] / p50[l];
		/* a commune's few reports are cheaper to sum in SQL than a whole HTTP round trip */
		char rs[64];
		if (ratio >= 1)
			snprintf(rs, sizeof rs, "%.1fx faster", ratio);
		else
			snprintf(rs, sizeof rs, "%.1fx slower", 1 / ratio);
		buf_printf(&rep,
		           "| roll-up %s p50 / p99 (HTTP, %zu-byte JSON) | %.3f / %.3f ms | %.3f / "
		           "%.3f "
		           "ms (%d runs) | %s | ≤ 5 ms |\n",
		           levels[l].label, bytes[l], p50[l], p99[l], b50[l], b99[l], nbase[l], rs);
	}
	buf_printf(&rep, "| cold start: app_open (tree build) | %.0f ms | | | |\n", open_ms);
	buf_printf(
	        &rep,
	        "| cold start: first roll-up request (campaign load + roll-up build) | %.0f ms | "
	        "| | |\n",
	        first_ms);
	buf_printf(&rep,
	           "| server RSS after the requests (VmRSS; %ld MB before app_open) | %ld MB | "
	           "| | |\n",
	           rss0 / 1024, rss1 / 1024);
	bench_report(outpath, rep.data);
	buf_free(&rep);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 && !mismatches ? 0 : 1;
}
