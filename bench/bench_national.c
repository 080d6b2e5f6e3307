/* The suotdoi side of `make bench` at national scale (bench/run.sh sequences the rest).
 * On a copy of the national dataset it:
 *   1. prepares what the measurements need: an administrator of the nation with an API
 *      token, a district head (018 Gia Lâm) with a signed-in session, and a draft báo cáo
 *      of that district carrying the compiled results (the district's PDF);
 *   2. starts the real server binary and times its cold start: from exec to listening,
 *      and to the first answer of the national roll-up (campaign load + roll-up build);
 *   3. times the live roll-up through HTTP for the nation, a province and a district, and
 *      checks every total against one SQL query over the same file;
 *   4. times the exports: the national per-unit XLSX and the district's PDF.
 * It leaves the server running for the load tests (wrk) and writes what bash needs to
 * --env, the figures to --tsv as "key<TAB>value" lines.
 * Usage: bench_national --bin SUOTDOI --db WORK.db --assets DIR --tsv OUT --env OUT
 *        [--port N] [--pg URI --prefix pg.]
 * With --pg the prepared copy is moved into that (empty) PostgreSQL database, as `suotdoi
 * migrate` does, and the server serves it: the same figures for the other backend, each key
 * with --prefix in front, the totals checked by the same SQL on PostgreSQL. */
#include <curl/curl.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "core/buf.h"
#include "core/file.h"
#include "core/log.h"
#include "docs/doc.h"
#include "docs/issue.h"
#include "domain/accounts.h"
#include "domain/auth.h"
#include "util.h"

enum { ROLLUP_REPS = 300, XLSX_REPS = 5, PDF_REPS = 20 };

static const struct {
	const char *key, *code;
} levels[] = {{"VN", "VN"}, {"01", "01"}, {"018", "018"}};
#define NLEVELS (int)(sizeof levels / sizeof levels[0])

static FILE *tsv;
static const char *prefix = "";

static void put(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
put(const char *key, const char *fmt, ...)
{
	va_list ap;
	fprintf(tsv, "%s%s\t", prefix, key);
	va_start(ap, fmt);
	vfprintf(tsv, fmt, ap);
	va_end(ap);
	fputc('\n', tsv);
	fflush(tsv);
}

static int
die(const char *what)
{
	fprintf(stderr, "bench_national: %s\n", what);
	return 1;
}

/* ---------- preparation, through the store, before the server starts ---------- */

typedef struct prep {
	char token[AUTH_TOKEN_LEN + 4];   /* the administrator's API token */
	char session[AUTH_TOKEN_LEN + 1]; /* the district head's session cookie value */
	int64_t doc_id;
	int64_t campaign_id;
	char draft_unit[32]; /* a school of the district without a counted report */
} prep_t;

static int
new_account(app_t *app, const char *username, role_t role, int64_t unit_id, int64_t *uid)
{
	char hash[AUTH_HASH_MAX], norm[72], err[600];
	auth_password_hash_generated("bench-not-used-for-sign-in", hash);
	account_new_t a = {username, "Bench", NULL, role, unit_id, hash, 0, 0};
	if (accounts_create(app->store, &a, norm, uid, err, sizeof err) != 0) {
		fprintf(stderr, "%s: %s\n", username, err);
		return -1;
	}
	return 0;
}

static int
copy_counted(const store_report_t *r, void *p)
{
	*(int *)p = !strcmp(r->status, "submitted") || !strcmp(r->status, "approved");
	return 0;
}

static int
prepare(const char *db, const char *assets, prep_t *p)
{
	app_t app;
	char err[4096];
	if (app_open(&app, db, assets, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	int rc = -1;
	unit_tree_t *t = app_tree(&app);
	int32_t district = unit_tree_find_code(t, "018");
	int64_t admin, head, tid, sid;
	unsigned char th[32];
	char raw[AUTH_TOKEN_LEN + 1], csrf[AUTH_TOKEN_LEN + 1];
	if (district < 0 || new_account(&app, "bench.admin", ROLE_ADMIN, t->units[0].id, &admin) ||
	    new_account(&app, "bench.gialam", ROLE_HEAD, t->units[district].id, &head))
		goto done;
	auth_token_new(raw, th);
	snprintf(p->token, sizeof p->token, "sd_%s", raw);
	auth_token_hash(p->token, strlen(p->token), th);
	if (store_token_create(app.store, admin, "bench", th, "sd_bench", app_now(), &tid) < 0)
		goto done;
	auth_token_new(p->session, th);
	auth_token_new(csrf, th); /* th is overwritten below with the session's hash */
	auth_token_hash(p->session, strlen(p->session), th);
	if (store_session_create(app.store, th, head, csrf, app_now(), "127.0.0.1", &sid) < 0)
		goto done;

	/* the district's báo cáo with the compiled results: the demo's Hải An report text */
	char path[4096], *json;
	size_t len;
	snprintf(path, sizeof path, "%s/data/demo/docs/003-hai-an-bao-cao.json", assets);
	if (file_read_all(path, 1 << 20, &json, &len, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		goto done;
	}
	arena_t a = ARENA_INIT;
	doc_t *d;
	doc_error_t errs[DOC_MAX_ERRORS];
	size_t nerr = 0;
	int prc = doc_parse(json, len, &a, &d, errs, &nerr);
	free(json);
	int64_t version;
	p->campaign_id = 1;
	if (prc < 0 || docs_save_draft(app.store, 0, t->units[district].id, d, p->campaign_id, 0, 0,
	                               app_now(), head, 0, &p->doc_id, &version) < 0) {
		fprintf(stderr, "the district's báo cáo was not stored\n");
		arena_free(&a);
		goto done;
	}
	arena_free(&a);
	/* a school of the district whose draft the bench rewrites to change the figures */
	for (int32_t k = district + 1; k < t->units[district].end && !p->draft_unit[0]; k++) {
		if (t->units[k].is_locality)
			continue;
		int counted = 0;
		if (store_report_get(app.store, p->campaign_id, t->units[k].id, copy_counted,
		                     &counted) >= 0 &&
		    !counted)
			snprintf(p->draft_unit, sizeof p->draft_unit, "%s", t->units[k].code);
	}
	if (!p->draft_unit[0]) {
		fprintf(stderr, "no school of 018 without a counted report\n");
		goto done;
	}
	rc = 0;
done:
	unit_tree_unref(t);
	app_close(&app);
	return rc;
}

/* ---------- HTTP ---------- */

static size_t
on_body(char *p, size_t size, size_t n, void *ctx)
{
	buf_append(ctx, p, size * n);
	return size * n;
}

/* GET url on handle c (keep-alive): the status, the body in *body, the time in *ms. */
static long
get(CURL *c, const char *url, buf_t *body, double *ms)
{
	buf_reset(body);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
	double t0 = bench_now_ms();
	CURLcode rc = curl_easy_perform(c);
	*ms = bench_now_ms() - t0;
	long code = 0;
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	return code;
}

/* p50 and p99 of n timed GETs of url after one untimed; -1 unless every answer is 200. */
static int
timed(CURL *c, const char *url, int n, double *first, double *p50, double *p99, size_t *bytes,
      buf_t *body)
{
	double *v = calloc((size_t)n, sizeof *v), ms;
	int ok = get(c, url, body, &ms) == 200;
	if (first)
		*first = ms;
	for (int r = 0; r < n && ok; r++)
		ok = get(c, url, body, &v[r]) == 200;
	if (ok) {
		*p50 = bench_pct(v, n, 0.5);
		*p99 = bench_pct(v, n, 0.99);
		*bytes = body->len;
	} else {
		fprintf(stderr, "bench_national: %s failed: %.300s\n", url, buf_cstr(body));
	}
	free(v);
	return ok ? 0 : -1;
}

/* POST a draft of the district's school with a new figure: the roll-up changes, so the
 * next read of any level is built afresh, as while reports come in. */
static int
change_figures(CURL *c, const char *url, int k)
{
	char json[80];
	snprintf(json, sizeof json, "{\"values\": {\"5.1.lop\": %d}}", k);
	buf_t out = BUF_INIT;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &out);
	CURLcode rc = curl_easy_perform(c);
	long code = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (rc != CURLE_OK || code != 200)
		fprintf(stderr, "bench_national: draft save %ld: %.300s\n", code, buf_cstr(&out));
	buf_free(&out);
	return rc == CURLE_OK && code == 200 ? 0 : -1;
}

/* p50 and p99 of n GETs of url, each after the figures changed (a fresh roll-up read). */
static int
timed_fresh(CURL *c, CURL *w, const char *url, const char *save_url, int n, double *p50,
            double *p99, buf_t *body)
{
	double *v = calloc((size_t)n, sizeof *v);
	int ok = 1;
	for (int r = 0; r < n && ok; r++)
		ok = change_figures(w, save_url, r + 1) == 0 && get(c, url, body, &v[r]) == 200;
	if (ok) {
		*p50 = bench_pct(v, n, 0.5);
		*p99 = bench_pct(v, n, 0.99);
	}
	free(v);
	return ok ? 0 : -1;
}

/* The same totals in one SQL statement over the same file: the server's must equal them. */
static const char *check_sql =
        "WITH RECURSIVE sub(id) AS (SELECT (SELECT id FROM units WHERE code = ?1) UNION ALL"
        " SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id)"
        " SELECT v.item, sum(v.num) FROM report_values v JOIN reports r ON r.id = v.report_id"
        " WHERE r.campaign_id = ?2 AND r.unit_id IN sub"
        " AND r.status IN ('submitted','approved') AND v.has_num = 1"
        " GROUP BY v.item";

static const char *check_sql_pg =
        "WITH RECURSIVE sub(id) AS (SELECT (SELECT id FROM units WHERE code = $1) UNION ALL"
        " SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id)"
        " SELECT v.item, sum(v.num) FROM report_values v JOIN reports r ON r.id = v.report_id"
        " WHERE r.campaign_id = $2 AND r.unit_id IN (SELECT id FROM sub)"
        " AND r.status IN ('submitted','approved') AND v.has_num = 1"
        " GROUP BY v.item";

/* check_totals on PostgreSQL. */
static int
check_totals_pg(PGconn *pg, const char *code, int64_t campaign, const buf_t *body)
{
	json_t *o = json_loadb(body->data, body->len, 0, NULL);
	json_t *totals = json_object_get(o, "totals");
	char cid[24];
	snprintf(cid, sizeof cid, "%lld", (long long)campaign);
	const char *vals[2] = {code, cid};
	PGresult *r = PQexecParams(pg, check_sql_pg, 2, NULL, vals, NULL, NULL, 0);
	int bad = 0, n = totals && PQresultStatus(r) == PGRES_TUPLES_OK ? PQntuples(r) : 0;
	for (int i = 0; i < n; i++) {
		json_t *v = json_object_get(totals, PQgetvalue(r, i, 0));
		long long want = strtoll(PQgetvalue(r, i, 1), NULL, 10);
		if (!v || json_integer_value(v) != want) {
			fprintf(stderr, "%s %s: server %lld, SQL %lld\n", code, PQgetvalue(r, i, 0),
			        v ? (long long)json_integer_value(v) : -1LL, want);
			bad = 1;
		}
	}
	PQclear(r);
	json_decref(o);
	return bad || n == 0 ? -1 : 0;
}

static int
check_totals(sqlite3 *db, PGconn *pg, const char *code, int64_t campaign, const buf_t *body)
{
	if (pg)
		return check_totals_pg(pg, code, campaign, body);
	json_t *o = json_loadb(body->data, body->len, 0, NULL);
	json_t *totals = json_object_get(o, "totals");
	sqlite3_stmt *q;
	int bad = 0, n = 0;
	if (!totals || sqlite3_prepare_v2(db, check_sql, -1, &q, NULL) != SQLITE_OK) {
		json_decref(o);
		return -1;
	}
	sqlite3_bind_text(q, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, campaign);
	while (sqlite3_step(q) == SQLITE_ROW) {
		json_t *v = json_object_get(totals, (const char *)sqlite3_column_text(q, 0));
		n++;
		if (!v || json_integer_value(v) != sqlite3_column_int64(q, 1)) {
			fprintf(stderr, "%s %s: server %lld, SQL %lld\n", code,
			        sqlite3_column_text(q, 0),
			        v ? (long long)json_integer_value(v) : -1LL,
			        (long long)sqlite3_column_int64(q, 1));
			bad = 1;
		}
	}
	sqlite3_finalize(q);
	json_decref(o);
	return bad || n == 0 ? -1 : 0;
}

int
main(int argc, char **argv)
{
	const char *bin = NULL, *db = NULL, *assets = ".", *tsvpath = NULL, *envpath = NULL;
	const char *pg_uri = NULL;
	int port = 18480;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--bin"))
			bin = argv[i + 1];
		else if (!strcmp(argv[i], "--db"))
			db = argv[i + 1];
		else if (!strcmp(argv[i], "--assets"))
			assets = argv[i + 1];
		else if (!strcmp(argv[i], "--tsv"))
			tsvpath = argv[i + 1];
		else if (!strcmp(argv[i], "--env"))
			envpath = argv[i + 1];
		else if (!strcmp(argv[i], "--port"))
			port = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--pg"))
			pg_uri = argv[i + 1];
		else if (!strcmp(argv[i], "--prefix"))
			prefix = argv[i + 1];
	}
	if (!bin || !db || !tsvpath || !envpath)
		return die("usage: --bin SUOTDOI --db WORK.db --assets DIR --tsv OUT --env OUT");
	tsv = fopen(tsvpath, "a");
	if (!tsv)
		return die("cannot open --tsv");
	log_set_level(2);

	prep_t p;
	if (prepare(db, assets, &p) < 0)
		return die("preparation failed");
	const char *served = db;
	if (pg_uri) { /* the prepared copy, moved as suotdoi migrate moves a deployment */
		char from[4200], err[4096];
		snprintf(from, sizeof from, "sqlite:%s", db);
		double m0 = bench_now_ms();
		if (store_copy(from, pg_uri, NULL, NULL, err, sizeof err) < 0) {
			fprintf(stderr, "%s\n", err);
			return die("suotdoi migrate into PostgreSQL failed");
		}
		put("migrate_s", "%.1f", (bench_now_ms() - m0) / 1000);
		served = pg_uri;
	}

	/* cold start: exec to listening, then to the national roll-up answered */
	char listen[64], base[80];
	snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
	snprintf(base, sizeof base, "http://%s", listen);
	double t0 = bench_now_ms();
	pid_t pid = fork();
	if (pid < 0)
		return die("fork");
	if (pid == 0) {
		char logpath[4200];
		snprintf(logpath, sizeof logpath, "%s.server.log", envpath);
		if (!freopen(logpath, "w", stdout) || !freopen(logpath, "a", stderr))
			_exit(127);
		execl(bin, bin, "serve", "--db", served, "--listen", listen, "--assets", assets,
		      (char *)NULL);
		_exit(127);
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURL *probe = curl_easy_init();
	buf_t body = BUF_INIT;
	char url[512];
	snprintf(url, sizeof url, "%s/healthz", base);
	double ms, listen_ms = -1;
	for (int tries = 0; tries < 10000; tries++) {
		curl_easy_setopt(probe, CURLOPT_FRESH_CONNECT, 1L);
		if (get(probe, url, &body, &ms) == 200) {
			listen_ms = bench_now_ms() - t0;
			break;
		}
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return die("the server exited at start (see the .server.log beside --env)");
		usleep(1000);
	}
	curl_easy_cleanup(probe);
	if (listen_ms < 0)
		return die("the server never answered /healthz");
	CURL *c = curl_easy_init();
	char auth[200];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", p.token);
	struct curl_slist *hdr = curl_slist_append(NULL, auth);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	snprintf(url, sizeof url, "%s/api/v1/campaigns/%lld/units/VN", base,
	         (long long)p.campaign_id);
	if (get(c, url, &body, &ms) != 200)
		return die("the first national roll-up failed");
	double first_ms = bench_now_ms() - t0;
	put("cold.listen_ms", "%.0f", listen_ms);
	put("cold.first_rollup_ms", "%.0f", first_ms);

	/* the roll-up per level, checked against SQL over the same file */
	sqlite3 *sdb = NULL;
	PGconn *pg = NULL;
	if (pg_uri) {
		pg = PQconnectdb(pg_uri);
		if (PQstatus(pg) != CONNECTION_OK)
			return die("cannot connect to --pg");
	} else if (sqlite3_open_v2(db, &sdb, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return die("cannot open the work copy read-only");
	int bad = 0;
	CURL *w = curl_easy_init();
	struct curl_slist *whdr = curl_slist_append(NULL, auth);
	whdr = curl_slist_append(whdr, "Content-Type: application/json");
	curl_easy_setopt(w, CURLOPT_HTTPHEADER, whdr);
	char save_url[512];
	snprintf(save_url, sizeof save_url, "%s/api/v1/campaigns/%lld/units/%s/report", base,
	         (long long)p.campaign_id, p.draft_unit);
	for (int l = 0; l < NLEVELS; l++) {
		double p50, p99, f50, f99;
		size_t bytes;
		snprintf(url, sizeof url, "%s/api/v1/campaigns/%lld/units/%s", base,
		         (long long)p.campaign_id, levels[l].code);
		/* unchanged since the last read: the dashboard as kept */
		if (timed(c, url, ROLLUP_REPS, NULL, &p50, &p99, &bytes, &body) < 0)
			return die("roll-up requests failed");
		if (check_totals(sdb, pg, levels[l].code, p.campaign_id, &body) < 0)
			bad = 1;
		/* changed before every read: computed and written afresh */
		if (timed_fresh(c, w, url, save_url, ROLLUP_REPS / 3, &f50, &f99, &body) < 0)
			return die("roll-up requests after a change failed");
		if (check_totals(sdb, pg, levels[l].code, p.campaign_id, &body) < 0)
			bad = 1;
		char key[64];
		snprintf(key, sizeof key, "rollup.%s.p50_ms", levels[l].key);
		put(key, "%.3f", f50);
		snprintf(key, sizeof key, "rollup.%s.p99_ms", levels[l].key);
		put(key, "%.3f", f99);
		snprintf(key, sizeof key, "rollup.%s.kept_p50_ms", levels[l].key);
		put(key, "%.3f", p50);
		snprintf(key, sizeof key, "rollup.%s.kept_p99_ms", levels[l].key);
		put(key, "%.3f", p99);
		snprintf(key, sizeof key, "rollup.%s.bytes", levels[l].key);
		put(key, "%zu", bytes);
	}
	curl_slist_free_all(whdr);
	curl_easy_cleanup(w);
	sqlite3_close(sdb);
	PQfinish(pg);
	put("rollup.check", "%s", bad ? "DIFFERS" : "ok");
	/* the protocol floor: the smallest answer the server gives */
	{
		double p50, p99;
		size_t bytes;
		snprintf(url, sizeof url, "%s/healthz", base);
		if (timed(c, url, ROLLUP_REPS, NULL, &p50, &p99, &bytes, &body) == 0)
			put("http.healthz.p50_ms", "%.3f", p50);
	}

	/* exports: the national per-unit XLSX, the district's PDF */
	{
		double first, p50, p99;
		size_t bytes;
		snprintf(url, sizeof url, "%s/campaigns/%lld/units/VN/matrix", base,
		         (long long)p.campaign_id);
		if (timed(c, url, XLSX_REPS, &first, &p50, &p99, &bytes, &body) < 0 ||
		    body.len < 4 || memcmp(body.data, "PK", 2) != 0)
			return die("the national XLSX failed");
		put("export.xlsx.first_ms", "%.0f", first);
		put("export.xlsx.p50_ms", "%.0f", p50);
		put("export.xlsx.bytes", "%zu", bytes);
		snprintf(url, sizeof url, "%s/units/018/docs/%lld/pdf", base, (long long)p.doc_id);
		if (timed(c, url, PDF_REPS, &first, &p50, &p99, &bytes, &body) < 0 ||
		    body.len < 5 || memcmp(body.data, "%PDF", 4) != 0)
			return die("the district's PDF failed");
		put("export.pdf.first_ms", "%.1f", first);
		put("export.pdf.p50_ms", "%.1f", p50);
		put("export.pdf.p99_ms", "%.1f", p99);
		put("export.pdf.bytes", "%zu", bytes);
	}
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	buf_free(&body);
	curl_global_cleanup();

	FILE *env = fopen(envpath, "w");
	if (!env)
		return die("cannot write --env");
	fprintf(env,
	        "SERVER_PID=%d\nBASE=%s\nTOKEN=%s\nCOOKIE='sd_session=%s'\nCAMPAIGN=%lld\n"
	        "DISTRICT=018\n",
	        (int)pid, base, p.token, p.session, (long long)p.campaign_id);
	fclose(env);
	fclose(tsv);
	return bad ? 1 : 0;
}
