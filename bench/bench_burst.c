/* The deadline burst: many schools saving and submitting at once while the levels above
 * watch their dashboards (issue 12).
 *
 * For each writer-connection count (--conns, e.g. 8,16,64), on a FRESH copy of the national
 * dataset with its campaign open:
 *   1. before the server starts, through SQL on the copy (nothing in src/ is needed, and
 *      nothing of the store's C API is used, since it is being rewritten): one account and
 *      one API token per school that has not submitted yet (head of that school: save and
 *      submit are its own rights), and --readers accounts overseeing the nation, half
 *      signed in with a session cookie, half with an API token. Tokens and sessions are
 *      stored as the code stores them: the BLAKE2b-256 hash of the text (auth_token_hash),
 *      marked as used just now so that no "touch" write is counted as a submission's.
 *      When fewer than --pool schools are left to submit (the generated campaign leaves
 *      ~7,500, five seconds at the target rate), submitted school reports are returned
 *      first, as a reviewer would, until there are --pool (their figures leave the totals
 *      until they are submitted again);
 *   2. starts the real `suotdoi serve` on the copy and warms it (national dashboard, every
 *      dashboard URL the readers use, once);
 *   3. runs the burst for --seconds (or until the schools run out): K writer connections,
 *      each taking schools in turn and doing, for each, POST …/report (save, with the
 *      version read) then POST …/submit (with the version the save answered), every request
 *      carrying that school's own token, keep-alive; plus --readers connections reading
 *      province and district dashboards, HTML and JSON, chosen at random; plus one probe
 *      thread that, --probes times, submits a school with a distinctive amount in an item
 *      no writer fills (8.kinh_phi: writers send 0) and polls the national JSON until the
 *      national total includes it, timing from the submit's 200 to the first national
 *      answer that shows it;
 *   4. stops the server and checks the copy: every pair answered 200 must be a submitted
 *      report with the values sent (a count of submitted reports and a sum of the probe
 *      item, both against what the bench expects).
 * Any non-2xx answer or transport error counts as a failure and is printed (the first few).
 *
 * Output (--tsv, key<TAB>value): burst.K.{pairs,pairs_per_s,save_p50_ms,save_p99_ms,
 * submit_p50_ms,submit_p99_ms,dash_n,dash_p50_ms,dash_p99_ms,visible_n,visible_p50_ms,
 * visible_max_ms,failed_writes,failed_reads,check} for each K, and burst.conns (the list).
 *
 * Usage: bench_burst --bin SUOTDOI --db NATIONAL.db [--assets DIR] [--tsv OUT]
 *        [--conns 8,16,64] [--readers 16] [--seconds 15] [--probes 10] [--port 18490]
 *        [--pool 30000] [--threads N] [--keep]
 * The copies go into a temporary directory beside --db (same disk), removed at the end. */
#include <curl/curl.h>
#include <jansson.h>
#include <libgen.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "domain/auth.h"
#include "domain/template.h"
#include "util.h"

#define MAX_LEVELS 8
#define PROBE_ITEM "8.kinh_phi"

static int
die(const char *what)
{
	fprintf(stderr, "bench_burst: %s\n", what);
	return 1;
}

/* ---------- the plan: schools, their tokens, the readers' URLs ---------- */

typedef struct school {
	int64_t unit_id, version; /* version of its report before the burst, 0 if none */
	char code[40];
	char auth[AUTH_TOKEN_LEN + 40];     /* "Authorization: Bearer sd_…" */
	char *save_body, *submit_body_tail; /* submit body = {"version":V,<tail> */
} school_t;

typedef struct plan {
	int64_t campaign_id, root_id;
	template_t *tpl;
	school_t *schools;
	size_t nschools;
	char **urls; /* reader URL paths, HTML and JSON */
	size_t nurls;
	char **reader_hdr; /* "Cookie: sd_session=…" or "Authorization: Bearer …" */
	int nreaders;
	int probe_col;            /* column of PROBE_ITEM */
	int64_t submitted_before; /* counted reports of the campaign before the burst */
	int64_t probe_before;     /* the national total of PROBE_ITEM before the burst */
	size_t returned;          /* submitted reports returned to make the pool */
} plan_t;

static int64_t
scalar(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	int64_t v = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	else
		fprintf(stderr, "bench_burst: %s: %s\n", sql, sqlite3_errmsg(db));
	sqlite3_finalize(s);
	return v;
}

static int
exec(sqlite3 *db, const char *sql)
{
	char *e = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &e) != SQLITE_OK) {
		fprintf(stderr, "bench_burst: %s: %s\n", sql, e ? e : "?");
		sqlite3_free(e);
		return -1;
	}
	return 0;
}

/* Values that pass the template's rules whatever the unit (as bench_submit): classes
 * 0..49, participants 100..499, money 0 (the probe item is only the probes'). */
static void
fill_values(const template_t *tpl, size_t k, int64_t *num)
{
	for (size_t c = 0; c < tpl->ncols; c++) {
		const tpl_item_t *it = template_item_col(tpl, (int)c);
		size_t n = strlen(it->code);
		if (it->type == TPL_BOOL)
			num[c] = (k + c) % 3 != 0;
		else if (it->type == TPL_MONEY)
			num[c] = 0;
		else if (n > 6 && !strcmp(it->code + n - 6, ".nguoi"))
			num[c] = 100 + (int64_t)((k * 7 + c) % 400);
		else
			num[c] = (int64_t)((k * 13 + c * 5) % 50);
	}
}

/* "values":{...}} */
static void
values_json(const template_t *tpl, const int64_t *num, buf_t *out)
{
	buf_puts(out, "\"values\":{");
	for (size_t c = 0; c < tpl->ncols; c++) {
		const tpl_item_t *it = template_item_col(tpl, (int)c);
		if (c)
			buf_puts(out, ",");
		if (it->type == TPL_BOOL)
			buf_printf(out, "\"%s\":%s", it->code, num[c] ? "true" : "false");
		else
			buf_printf(out, "\"%s\":%lld", it->code, (long long)num[c]);
	}
	buf_puts(out, "}}");
}

static int
check_values(const template_t *tpl, int64_t *num)
{
	unsigned char *has = malloc(tpl->ncols + 1);
	const char **texts = calloc(tpl->ntexts + 1, sizeof *texts);
	memset(has, 1, tpl->ncols + 1);
	tpl_values_t v = {num, has, texts};
	tpl_error_t e;
	size_t bad = template_check(tpl, &v, 1, &e, 1);
	if (bad)
		fprintf(stderr, "bench_burst: values refused: %s\n", e.msg);
	free(has);
	free(texts);
	return bad ? -1 : 0;
}

static uint64_t
mix(uint64_t x)
{
	return x * 0x9E3779B97F4A7C15ull;
}

static int
cmp_school(const void *a, const void *b)
{
	/* a fixed shuffle: schools of one commune are not all next to each other */
	uint64_t x = mix((uint64_t)((const school_t *)a)->unit_id);
	uint64_t y = mix((uint64_t)((const school_t *)b)->unit_id);
	return x < y ? -1 : x > y;
}

static void
plan_free(plan_t *p)
{
	for (size_t i = 0; i < p->nschools; i++) {
		free(p->schools[i].save_body);
		free(p->schools[i].submit_body_tail);
	}
	free(p->schools);
	for (size_t i = 0; i < p->nurls; i++)
		free(p->urls[i]);
	free(p->urls);
	for (int i = 0; i < p->nreaders; i++)
		free(p->reader_hdr[i]);
	free(p->reader_hdr);
	if (p->tpl)
		template_free(p->tpl);
	memset(p, 0, sizeof *p);
}

/* A new account with one role on unit_id; its id. */
static int64_t
new_user(sqlite3 *db, sqlite3_stmt *u, sqlite3_stmt *r, const char *name, int64_t unit_id,
         const char *role, int64_t now)
{
	sqlite3_bind_text(u, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(u, 2, now);
	int ok = sqlite3_step(u) == SQLITE_DONE;
	sqlite3_reset(u);
	if (!ok)
		return -1;
	int64_t id = sqlite3_last_insert_rowid(db);
	sqlite3_bind_int64(r, 1, id);
	sqlite3_bind_int64(r, 2, unit_id);
	sqlite3_bind_text(r, 3, role, -1, SQLITE_STATIC);
	sqlite3_bind_int64(r, 4, now);
	ok = sqlite3_step(r) == SQLITE_DONE;
	sqlite3_reset(r);
	return ok ? id : -1;
}

/* An API token of user id: its text into out ("sd_…"), its hash into the table. */
static int
new_token(sqlite3_stmt *t, int64_t uid, int64_t now, char *out, size_t n)
{
	char raw[AUTH_TOKEN_LEN + 1];
	unsigned char h[32];
	auth_token_new(raw, h);
	snprintf(out, n, "sd_%s", raw);
	auth_token_hash(out, strlen(out), h);
	sqlite3_bind_int64(t, 1, uid);
	sqlite3_bind_blob(t, 2, h, 32, SQLITE_TRANSIENT);
	sqlite3_bind_int64(t, 3, now);
	int ok = sqlite3_step(t) == SQLITE_DONE;
	sqlite3_reset(t);
	return ok ? 0 : -1;
}

/* Everything the burst needs, written into the copy at db before the server starts. */
static int
prepare(const char *db, int nreaders, size_t pool, plan_t *p)
{
	sqlite3 *q = NULL;
	sqlite3_stmt *s = NULL, *iu = NULL, *ir = NULL, *it = NULL, *is = NULL;
	int rc = -1;
	char sql[1200];
	memset(p, 0, sizeof *p);
	if (sqlite3_open(db, &q) != SQLITE_OK)
		goto fail;
	sqlite3_busy_timeout(q, 5000);
	p->root_id = scalar(q, "SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1");
	snprintf(sql, sizeof sql,
	         "SELECT id FROM campaigns WHERE status='open' AND issuer_unit_id=%lld"
	         " AND parent_id IS NULL ORDER BY id LIMIT 1",
	         (long long)p->root_id);
	p->campaign_id = scalar(q, sql);
	if (p->root_id < 0 || p->campaign_id < 0) {
		fprintf(stderr, "bench_burst: no open national campaign\n");
		goto fail;
	}
	snprintf(sql, sizeof sql, "SELECT count(*) FROM campaigns WHERE parent_id=%lld",
	         (long long)p->campaign_id);
	if (scalar(q, sql) != 0) {
		fprintf(stderr, "bench_burst: the campaign has adoptions; not handled\n");
		goto fail;
	}
	snprintf(sql, sizeof sql,
	         "SELECT t.json, c.expected_kinds FROM campaigns c JOIN templates t"
	         " ON t.id=c.template_id WHERE c.id=%lld",
	         (long long)p->campaign_id);
	if (sqlite3_prepare_v2(q, sql, -1, &s, NULL) != SQLITE_OK || sqlite3_step(s) != SQLITE_ROW)
		goto fail;
	char err[600], kinds[400];
	if (template_from_json((const char *)sqlite3_column_text(s, 0),
	                       (size_t)sqlite3_column_bytes(s, 0), &p->tpl, err, sizeof err) < 0) {
		fprintf(stderr, "bench_burst: template: %s\n", err);
		goto fail;
	}
	snprintf(kinds, sizeof kinds, " %s ", (const char *)sqlite3_column_text(s, 1));
	sqlite3_finalize(s);
	s = NULL;
	const tpl_item_t *pi = template_item(p->tpl, PROBE_ITEM);
	if (!pi || pi->col < 0) {
		fprintf(stderr, "bench_burst: the template has no numeric %s\n", PROBE_ITEM);
		goto fail;
	}
	p->probe_col = pi->col;
	/* Not enough schools left to submit for a long burst at a high rate: submitted reports
	 * of schools are returned (as a reviewer would, so save + submit is legal again) until
	 * the pool has that many. Their figures leave the totals until they come back. */
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM units u LEFT JOIN reports r ON r.unit_id=u.id AND"
	         " r.campaign_id=%lld WHERE u.active=1 AND coalesce(r.status,'draft') IN"
	         " ('draft','returned','reopened') AND instr('%s', ' ' || u.kind || ' ') > 0",
	         (long long)p->campaign_id, kinds);
	int64_t have = scalar(q, sql);
	if (have >= 0 && (size_t)have < pool) {
		snprintf(sql, sizeof sql,
		         "UPDATE reports SET status='returned', version=version+1,"
		         " comment='Bench: trả lại để nộp lại', reviewed_at=%lld WHERE id IN"
		         " (SELECT r.id FROM reports r JOIN units u ON u.id=r.unit_id WHERE"
		         " r.campaign_id=%lld AND r.status='submitted' AND instr('%s', ' ' ||"
		         " u.kind || ' ') > 0 ORDER BY (r.id * 2654435761) %% 1000003 LIMIT %zu)",
		         (long long)time(NULL), (long long)p->campaign_id, kinds,
		         pool - (size_t)have);
		if (exec(q, sql) < 0)
			goto fail;
		p->returned = (size_t)sqlite3_changes(q);
	}
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM reports WHERE campaign_id=%lld"
	         " AND status IN ('submitted','approved')",
	         (long long)p->campaign_id);
	p->submitted_before = scalar(q, sql);
	snprintf(sql, sizeof sql,
	         "SELECT coalesce(sum(v.num),0) FROM report_values v JOIN reports r"
	         " ON r.id=v.report_id WHERE r.campaign_id=%lld AND r.status IN"
	         " ('submitted','approved') AND v.item='%s' AND v.has_num=1",
	         (long long)p->campaign_id, PROBE_ITEM);
	p->probe_before = scalar(q, sql);

	/* the schools: expected kinds, active, no counted report, nothing approved above them
	 * (the generator approves nothing; an approved report anywhere is refused here) */
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM reports WHERE campaign_id=%lld AND status='approved'",
	         (long long)p->campaign_id);
	if (scalar(q, sql) != 0) {
		fprintf(stderr, "bench_burst: approved reports in the campaign; not handled\n");
		goto fail;
	}
	snprintf(sql, sizeof sql,
	         "SELECT u.id, u.code, coalesce(r.version, 0), u.kind FROM units u"
	         " LEFT JOIN reports r ON r.unit_id=u.id AND r.campaign_id=%lld"
	         " WHERE u.active=1 AND coalesce(r.status,'draft') IN "
	         "('draft','returned','reopened')",
	         (long long)p->campaign_id);
	if (sqlite3_prepare_v2(q, sql, -1, &s, NULL) != SQLITE_OK)
		goto fail;
	size_t cap = 1024;
	p->schools = calloc(cap, sizeof *p->schools);
	while (sqlite3_step(s) == SQLITE_ROW) {
		char k[80];
		snprintf(k, sizeof k, " %s ", (const char *)sqlite3_column_text(s, 3));
		if (!strstr(kinds, k))
			continue;
		if (p->nschools == cap)
			p->schools = realloc(p->schools, (cap *= 2) * sizeof *p->schools);
		school_t *c = &p->schools[p->nschools++];
		memset(c, 0, sizeof *c);
		c->unit_id = sqlite3_column_int64(s, 0);
		snprintf(c->code, sizeof c->code, "%s", (const char *)sqlite3_column_text(s, 1));
		c->version = sqlite3_column_int64(s, 2);
	}
	sqlite3_finalize(s);
	s = NULL;
	qsort(p->schools, p->nschools, sizeof *p->schools, cmp_school);

	/* accounts, roles, tokens, sessions: one transaction */
	int64_t now = (int64_t)time(NULL);
	if (exec(q, "BEGIN") < 0 ||
	    sqlite3_prepare_v2(q,
	                       "INSERT INTO users(username,full_name,password_hash,created_at)"
	                       " VALUES(?1,'Bench burst','!not-a-hash',?2)",
	                       -1, &iu, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(q,
	                       "INSERT INTO user_roles(user_id,unit_id,role,granted_at)"
	                       " VALUES(?1,?2,?3,?4)",
	                       -1, &ir, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(q,
	                       "INSERT INTO api_tokens(user_id,name,token_hash,prefix,created_at,"
	                       "last_used_at) VALUES(?1,'bench',?2,'sd_bench',?3,?3)",
	                       -1, &it, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(q,
	                       "INSERT INTO sessions(token_hash,user_id,csrf,created_at,"
	                       "last_seen_at,ip) VALUES(?1,?2,?3,?4,?4,'127.0.0.1')",
	                       -1, &is, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench_burst: %s\n", sqlite3_errmsg(q));
		goto fail;
	}
	int64_t *num = calloc(p->tpl->ncols + 1, sizeof *num);
	for (size_t i = 0; i < p->nschools; i++) {
		school_t *c = &p->schools[i];
		char name[80], tok[AUTH_TOKEN_LEN + 8];
		snprintf(name, sizeof name, "bench.burst.%lld", (long long)c->unit_id);
		int64_t uid = new_user(q, iu, ir, name, c->unit_id, "head", now);
		if (uid < 0 || new_token(it, uid, now, tok, sizeof tok) < 0) {
			fprintf(stderr, "bench_burst: account %s: %s\n", name, sqlite3_errmsg(q));
			free(num);
			goto fail;
		}
		snprintf(c->auth, sizeof c->auth, "Authorization: Bearer %s", tok);
		fill_values(p->tpl, i, num);
		if (check_values(p->tpl, num) < 0) {
			free(num);
			goto fail;
		}
		buf_t b = BUF_INIT;
		buf_printf(&b, "{\"version\":%lld,", (long long)c->version);
		values_json(p->tpl, num, &b);
		c->save_body = strdup(buf_cstr(&b));
		buf_reset(&b);
		values_json(p->tpl, num, &b);
		c->submit_body_tail = strdup(buf_cstr(&b));
		buf_free(&b);
	}
	free(num);
	p->nreaders = nreaders;
	p->reader_hdr = calloc((size_t)nreaders + 1, sizeof *p->reader_hdr);
	for (int i = 0; i < nreaders; i++) {
		char name[80], tok[AUTH_TOKEN_LEN + 8], hdr[200];
		snprintf(name, sizeof name, "bench.reader.%d", i);
		int64_t uid = new_user(q, iu, ir, name, p->root_id, "overseer", now);
		if (uid < 0)
			goto fail;
		if (i % 2 == 0) { /* a signed-in browser */
			unsigned char h[32];
			char csrf[AUTH_TOKEN_LEN + 1];
			auth_token_new(tok, h);
			auth_token_new(csrf, h);
			auth_token_hash(tok, strlen(tok), h);
			sqlite3_bind_blob(is, 1, h, 32, SQLITE_TRANSIENT);
			sqlite3_bind_int64(is, 2, uid);
			sqlite3_bind_text(is, 3, csrf, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(is, 4, now);
			int ok = sqlite3_step(is) == SQLITE_DONE;
			sqlite3_reset(is);
			if (!ok)
				goto fail;
			snprintf(hdr, sizeof hdr, "Cookie: sd_session=%s", tok);
		} else {
			if (new_token(it, uid, now, tok, sizeof tok) < 0)
				goto fail;
			snprintf(hdr, sizeof hdr, "Authorization: Bearer %s", tok);
		}
		p->reader_hdr[i] = strdup(hdr);
	}
	if (exec(q, "COMMIT") < 0)
		goto fail;

	/* the readers' dashboards: every province, every 8th district, HTML and JSON */
	snprintf(sql, sizeof sql,
	         "SELECT u.code, (u.parent_id=%lld) FROM units u WHERE u.parent_id=%lld OR"
	         " u.parent_id IN (SELECT id FROM units WHERE parent_id=%lld) AND u.id %% 8 = 0"
	         " ORDER BY u.id",
	         (long long)p->root_id, (long long)p->root_id, (long long)p->root_id);
	if (sqlite3_prepare_v2(q, sql, -1, &s, NULL) != SQLITE_OK)
		goto fail;
	cap = 256;
	p->urls = calloc(cap, sizeof *p->urls);
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(s, 0);
		char u[300];
		if (p->nurls + 2 > cap)
			p->urls = realloc(p->urls, (cap *= 2) * sizeof *p->urls);
		snprintf(u, sizeof u, "/campaigns/%lld/units/%s", (long long)p->campaign_id, code);
		p->urls[p->nurls++] = strdup(u);
		snprintf(u, sizeof u, "/api/v1/campaigns/%lld/units/%s", (long long)p->campaign_id,
		         code);
		p->urls[p->nurls++] = strdup(u);
	}
	rc = 0;
	goto out;
fail:
	if (q)
		fprintf(stderr, "bench_burst: preparation failed: %s\n", sqlite3_errmsg(q));
out:
	sqlite3_finalize(s);
	sqlite3_finalize(iu);
	sqlite3_finalize(ir);
	sqlite3_finalize(it);
	sqlite3_finalize(is);
	sqlite3_close(q);
	return rc;
}


/* ---------- the server ---------- */

static size_t
on_body(char *p, size_t size, size_t n, void *ctx)
{
	buf_append(ctx, p, size * n);
	return size * n;
}

static long
get(CURL *c, const char *url, const char *hdr, buf_t *body)
{
	struct curl_slist *h = hdr ? curl_slist_append(NULL, hdr) : NULL;
	buf_reset(body);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
	CURLcode rc = curl_easy_perform(c);
	long code = 0;
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(h);
	return code;
}

static pid_t
server_start(const char *bin, const char *db, const char *assets, int port, unsigned threads,
             const char *logpath)
{
	char listen[64], url[128], th[16];
	snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
	snprintf(th, sizeof th, "%u", threads);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (!freopen(logpath, "w", stdout) || !freopen(logpath, "a", stderr))
			_exit(127);
		if (threads)
			execl(bin, bin, "serve", "--db", db, "--listen", listen, "--assets", assets,
			      "--threads", th, (char *)NULL);
		else
			execl(bin, bin, "serve", "--db", db, "--listen", listen, "--assets", assets,
			      (char *)NULL);
		_exit(127);
	}
	snprintf(url, sizeof url, "http://%s/healthz", listen);
	CURL *c = curl_easy_init();
	buf_t b = BUF_INIT;
	int up = 0;
	for (int tries = 0; tries < 30000 && !up; tries++) {
		curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
		up = get(c, url, NULL, &b) == 200;
		if (!up) {
			if (waitpid(pid, NULL, WNOHANG) == pid) {
				pid = -1;
				break;
			}
			usleep(1000);
		}
	}
	curl_easy_cleanup(c);
	buf_free(&b);
	if (!up && pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
		pid = -1;
	}
	return pid;
}

static void
server_stop(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	for (int i = 0; i < 5000; i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return;
		usleep(1000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* ---------- the burst ---------- */

typedef struct lat {
	double *v;
	size_t n, cap;
} lat_t;

static void
lat_add(lat_t *l, double ms)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4096;
		l->v = realloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = ms;
}

static double
lat_pct(lat_t *l, double p)
{
	return l->n ? bench_pct(l->v, (int)l->n, p) : -1;
}

enum { W_SAVE, W_SUBMIT, R_READ };

typedef struct conn {
	CURL *h;
	struct curl_slist *hdr;
	buf_t body;
	int kind;     /* W_SAVE / W_SUBMIT for writers, R_READ for readers */
	int reader;   /* reader index, or -1 */
	size_t next;  /* writers: next school index */
	size_t cur;   /* the school being written */
	double t0;    /* request start */
	char *post;   /* the submit body, owned */
	int done;     /* no more requests */
	uint64_t rng; /* readers: which URL next */
} conn_t;

typedef struct burst {
	const plan_t *p;
	const char *base;
	CURLM *m;
	size_t end; /* schools [0, end) are the writers'; the probes take from end upward */
	int k;
	double deadline;
	lat_t save, submit, dash;
	size_t pairs, failed_w, failed_r, shown_fail;
	atomic_int stop;
} burst_t;

static void
fail_msg(burst_t *b, const char *what, const char *code, CURLcode rc, long status, buf_t *body)
{
	if (b->shown_fail++ < 8)
		fprintf(stderr, "bench_burst: %s %s: curl %d, HTTP %ld: %.300s\n", what, code,
		        (int)rc, status, buf_cstr(body));
}

static void
conn_headers(conn_t *c, const char *auth, int json)
{
	curl_slist_free_all(c->hdr);
	c->hdr = curl_slist_append(NULL, auth);
	if (json)
		c->hdr = curl_slist_append(c->hdr, "Content-Type: application/json");
	c->hdr = curl_slist_append(c->hdr, "Expect:");
	curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, c->hdr);
}

/* Starts c's next request; 0 if it has nothing more to do. */
static int
conn_next(burst_t *b, conn_t *c)
{
	const plan_t *p = b->p;
	char url[600];
	if (c->done)
		return 0;
	if (c->kind == R_READ) {
		if (atomic_load(&b->stop) || bench_now_ms() >= b->deadline) {
			c->done = 1;
			return 0;
		}
		c->rng ^= c->rng >> 12;
		c->rng ^= c->rng << 25;
		c->rng ^= c->rng >> 27;
		size_t u = (size_t)((c->rng * 2685821657736338717ULL) >> 33) % p->nurls;
		snprintf(url, sizeof url, "%s%s", b->base, p->urls[u]);
		conn_headers(c, p->reader_hdr[c->reader], 0);
		curl_easy_setopt(c->h, CURLOPT_HTTPGET, 1L);
	} else if (c->kind == W_SAVE) {
		if (c->next >= b->end || bench_now_ms() >= b->deadline) {
			c->done = 1;
			return 0;
		}
		c->cur = c->next;
		c->next += (size_t)b->k;
		const school_t *s = &p->schools[c->cur];
		snprintf(url, sizeof url, "%s/api/v1/campaigns/%lld/units/%s/report", b->base,
		         (long long)p->campaign_id, s->code);
		conn_headers(c, s->auth, 1);
		curl_easy_setopt(c->h, CURLOPT_POSTFIELDS, s->save_body);
		curl_easy_setopt(c->h, CURLOPT_POSTFIELDSIZE, (long)strlen(s->save_body));
	} else {
		const school_t *s = &p->schools[c->cur];
		snprintf(url, sizeof url, "%s/api/v1/campaigns/%lld/units/%s/submit", b->base,
		         (long long)p->campaign_id, s->code);
		curl_easy_setopt(c->h, CURLOPT_POSTFIELDS, c->post);
		curl_easy_setopt(c->h, CURLOPT_POSTFIELDSIZE, (long)strlen(c->post));
	}
	curl_easy_setopt(c->h, CURLOPT_URL, url);
	buf_reset(&c->body);
	c->t0 = bench_now_ms();
	curl_multi_add_handle(b->m, c->h);
	return 1;
}

/* A finished request of c: record it, move its state on. */
static void
conn_done(burst_t *b, conn_t *c, CURLcode rc)
{
	double ms = bench_now_ms() - c->t0;
	long status = 0;
	curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &status);
	curl_multi_remove_handle(b->m, c->h);
	int ok = rc == CURLE_OK && status >= 200 && status < 300;
	if (c->kind == R_READ) {
		if (ok)
			lat_add(&b->dash, ms);
		else {
			b->failed_r++;
			fail_msg(b, "read", "", rc, status, &c->body);
		}
		return;
	}
	const school_t *s = &b->p->schools[c->cur];
	json_t *o = ok ? json_loadb(c->body.data, c->body.len, 0, NULL) : NULL;
	const char *st = json_string_value(json_object_get(o, "status"));
	json_t *ver = json_object_get(o, "version");
	if (c->kind == W_SAVE) {
		/* a save keeps a returned report returned */
		ok = ok && st && (!strcmp(st, "draft") || !strcmp(st, "returned")) &&
		     json_is_integer(ver);
		if (ok) {
			lat_add(&b->save, ms);
			free(c->post);
			size_t n = strlen(s->submit_body_tail) + 40;
			c->post = malloc(n);
			snprintf(c->post, n, "{\"version\":%lld,%s",
			         (long long)json_integer_value(ver), s->submit_body_tail);
			c->kind = W_SUBMIT;
		} else {
			b->failed_w++;
			fail_msg(b, "save", s->code, rc, status, &c->body);
		}
	} else {
		ok = ok && st && !strcmp(st, "submitted");
		if (ok) {
			lat_add(&b->submit, ms);
			b->pairs++;
		} else {
			b->failed_w++;
			fail_msg(b, "submit", s->code, rc, status, &c->body);
		}
		c->kind = W_SAVE;
	}
	json_decref(o);
}

/* ---------- the probe: from a submit's 200 to the national totals showing it ---------- */

typedef struct probe {
	burst_t *b;
	size_t first, n; /* schools [first, first + n) */
	double interval_ms;
	lat_t lag;
	size_t failed, lost;
	size_t first_poll; /* probes the very first national read after the 200 already showed */
	int64_t sum;       /* what the probes added to PROBE_ITEM */
} probe_t;

static int
national_total(CURL *c, const char *url, const char *hdr, buf_t *body, int64_t *v)
{
	if (get(c, url, hdr, body) != 200)
		return -1;
	json_t *o = json_loadb(body->data, body->len, 0, NULL);
	json_t *x = json_object_get(json_object_get(o, "totals"), PROBE_ITEM);
	*v = json_integer_value(x); /* 0 when absent: nothing counted yet */
	json_decref(o);
	return o ? 0 : -1;
}

static void *
probe_run(void *arg)
{
	probe_t *pr = arg;
	burst_t *b = pr->b;
	const plan_t *p = b->p;
	CURL *w = curl_easy_init(), *r = curl_easy_init();
	buf_t body = BUF_INIT;
	char nat[400], url[600];
	snprintf(nat, sizeof nat, "%s/api/v1/campaigns/%lld/units/VN", b->base,
	         (long long)p->campaign_id);
	int64_t *num = calloc(p->tpl->ncols + 1, sizeof *num);
	for (size_t i = 0; i < pr->n; i++) {
		double wake = bench_now_ms() + pr->interval_ms;
		while (bench_now_ms() < wake && !atomic_load(&b->stop))
			usleep(2000);
		if (atomic_load(&b->stop))
			break;
		const school_t *s = &p->schools[pr->first + i];
		int64_t before;
		if (national_total(r, nat, p->reader_hdr[1 % p->nreaders], &body, &before) < 0) {
			pr->failed++;
			continue;
		}
		fill_values(p->tpl, pr->first + i, num);
		int64_t v = 1000000 * (int64_t)(i + 1) + 700000; /* distinctive, 100.000 steps */
		num[p->probe_col] = v;
		buf_t post = BUF_INIT;
		buf_printf(&post, "{\"version\":%lld,", (long long)s->version);
		values_json(p->tpl, num, &post);
		struct curl_slist *h = curl_slist_append(NULL, s->auth);
		h = curl_slist_append(h, "Content-Type: application/json");
		h = curl_slist_append(h, "Expect:");
		snprintf(url, sizeof url, "%s/api/v1/campaigns/%lld/units/%s/submit", b->base,
		         (long long)p->campaign_id, s->code);
		curl_easy_setopt(w, CURLOPT_URL, url);
		curl_easy_setopt(w, CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(w, CURLOPT_POSTFIELDS, post.data);
		curl_easy_setopt(w, CURLOPT_POSTFIELDSIZE, (long)post.len);
		curl_easy_setopt(w, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(w, CURLOPT_WRITEDATA, &body);
		buf_reset(&body);
		CURLcode rc = curl_easy_perform(w);
		double t200 = bench_now_ms();
		long status = 0;
		curl_easy_getinfo(w, CURLINFO_RESPONSE_CODE, &status);
		curl_slist_free_all(h);
		buf_free(&post);
		if (rc != CURLE_OK || status != 200) {
			pr->failed++;
			fprintf(stderr, "bench_burst: probe submit %s: curl %d, HTTP %ld: %.300s\n",
			        s->code, (int)rc, status, buf_cstr(&body));
			continue;
		}
		pr->sum += v;
		/* poll until the national total has it (5 s at most) */
		int64_t now_v = before;
		double seen = -1;
		for (int polls = 1; bench_now_ms() - t200 < 5000; polls++) {
			if (national_total(r, nat, p->reader_hdr[1 % p->nreaders], &body, &now_v) ==
			            0 &&
			    now_v >= before + v) {
				/* the end of that read: an upper bound, it includes one national
				 * read */
				seen = bench_now_ms() - t200;
				pr->first_poll += polls == 1;
				break;
			}
		}
		if (seen < 0) {
			pr->lost++;
			fprintf(stderr,
			        "bench_burst: probe %s: national %s still %lld after 5 s (want "
			        "%lld)\n",
			        s->code, PROBE_ITEM, (long long)now_v, (long long)(before + v));
		} else
			lat_add(&pr->lag, seen);
	}
	free(num);
	buf_free(&body);
	curl_easy_cleanup(w);
	curl_easy_cleanup(r);
	return NULL;
}

/* ---------- one level: a fresh copy, a fresh server, the burst, the check ---------- */

typedef struct opts {
	const char *bin, *src, *assets, *dir;
	int readers, probes, port;
	size_t pool;
	double seconds;
	unsigned threads;
} opts_t;

static FILE *tsv;

static void
put(int k, const char *key, const char *fmt, double v)
{
	if (!tsv)
		return;
	fprintf(tsv, "burst.%d.%s\t", k, key);
	fprintf(tsv, fmt, v);
	fputc('\n', tsv);
	fflush(tsv);
}

static int
level(const opts_t *o, int k)
{
	char db[1400], logp[1400], base[80];
	snprintf(db, sizeof db, "%s/burst-%d.db", o->dir, k);
	snprintf(logp, sizeof logp, "%s/burst-%d.server.log", o->dir, k);
	snprintf(base, sizeof base, "http://127.0.0.1:%d", o->port);
	plan_t p;
	printf("burst with %d writer connections: copying, preparing ...\n", k);
	fflush(stdout);
	if (bench_copy_db(o->src, db) < 0 || prepare(db, o->readers, o->pool, &p) < 0)
		return -1;
	if (p.nschools < (size_t)o->probes + (size_t)k) {
		fprintf(stderr, "bench_burst: only %zu schools without a submission\n", p.nschools);
		plan_free(&p);
		return -1;
	}
	pid_t pid = server_start(o->bin, db, o->assets, o->port, o->threads, logp);
	if (pid < 0) {
		fprintf(stderr, "bench_burst: the server did not start (see %s)\n", logp);
		plan_free(&p);
		return -1;
	}
	/* warm-up: the national roll-up, then every dashboard once */
	CURL *c = curl_easy_init();
	buf_t body = BUF_INIT;
	char url[700];
	int bad = 0;
	double w0 = bench_now_ms();
	snprintf(url, sizeof url, "%s/api/v1/campaigns/%lld/units/VN", base,
	         (long long)p.campaign_id);
	bad |= get(c, url, p.reader_hdr[0], &body) != 200;
	for (size_t i = 0; i < p.nurls && !bad; i++) {
		snprintf(url, sizeof url, "%s%s", base, p.urls[i]);
		if (get(c, url, p.reader_hdr[i % (size_t)p.nreaders], &body) != 200) {
			fprintf(stderr, "bench_burst: warm-up %s: %.300s\n", url, buf_cstr(&body));
			bad = 1;
		}
	}
	curl_easy_cleanup(c);
	buf_free(&body);
	if (bad) {
		server_stop(pid);
		plan_free(&p);
		return -1;
	}
	printf("  %zu schools with their own accounts and tokens (%zu of them returned for the"
	       " pool), %d readers on %zu dashboard URLs (warm-up %.0f ms)\n",
	       p.nschools, p.returned, o->readers, p.nurls, bench_now_ms() - w0);

	burst_t b = {0};
	b.p = &p;
	b.base = base;
	b.m = curl_multi_init();
	b.k = k;
	b.end = p.nschools - (size_t)o->probes;
	int nc = k + o->readers;
	conn_t *cs = calloc((size_t)nc, sizeof *cs);
	for (int i = 0; i < nc; i++) {
		conn_t *x = &cs[i];
		x->h = curl_easy_init();
		curl_easy_setopt(x->h, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(x->h, CURLOPT_WRITEDATA, &x->body);
		curl_easy_setopt(x->h, CURLOPT_PRIVATE, x);
		curl_easy_setopt(x->h, CURLOPT_TCP_NODELAY, 1L);
		if (i < k) {
			x->kind = W_SAVE;
			x->reader = -1;
			x->next = (size_t)i;
		} else {
			x->kind = R_READ;
			x->reader = i - k;
			x->rng = mix((uint64_t)i + 1) | 1;
		}
	}
	curl_multi_setopt(b.m, CURLMOPT_MAXCONNECTS, (long)nc + 8);
	probe_t pr = {0};
	pr.b = &b;
	pr.first = b.end;
	pr.n = (size_t)o->probes;
	pr.interval_ms = o->seconds * 1000.0 / (o->probes + 1);
	double t0 = bench_now_ms();
	b.deadline = t0 + o->seconds * 1000.0;
	pthread_t pt;
	int probing = o->probes > 0 && pthread_create(&pt, NULL, probe_run, &pr) == 0;
	for (int i = 0; i < nc; i++)
		conn_next(&b, &cs[i]);
	int running = 1, writers_left = 1;
	double t_end = 0;
	while (running) {
		curl_multi_perform(b.m, &running);
		CURLMsg *msg;
		int left;
		while ((msg = curl_multi_info_read(b.m, &left))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			conn_t *x;
			CURLcode rc = msg->data.result;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
			conn_done(&b, x, rc);
			if (conn_next(&b, x))
				running = 1;
		}
		if (writers_left) {
			writers_left = 0;
			for (int i = 0; i < k; i++)
				writers_left |= !cs[i].done;
			if (!writers_left) {
				/* the burst is over when the last writer is: readers stop too */
				t_end = bench_now_ms();
				atomic_store(&b.stop, 1);
			}
		}
		if (running)
			curl_multi_poll(b.m, NULL, 0, 50, NULL);
	}
	if (!t_end)
		t_end = bench_now_ms();
	atomic_store(&b.stop, 1);
	if (probing)
		pthread_join(pt, NULL);
	double secs = (t_end - t0) / 1000.0;
	for (int i = 0; i < nc; i++) {
		curl_easy_cleanup(cs[i].h);
		curl_slist_free_all(cs[i].hdr);
		buf_free(&cs[i].body);
		free(cs[i].post);
	}
	free(cs);
	curl_multi_cleanup(b.m);
	server_stop(pid);

	/* the check: the file has what the 200s said */
	sqlite3 *q;
	int64_t counted = -1, probe_sum = -1, probe_base = p.probe_before;
	char sql[600];
	if (sqlite3_open_v2(db, &q, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
		snprintf(sql, sizeof sql,
		         "SELECT count(*) FROM reports WHERE campaign_id=%lld"
		         " AND status IN ('submitted','approved')",
		         (long long)p.campaign_id);
		counted = scalar(q, sql);
		snprintf(sql, sizeof sql,
		         "SELECT coalesce(sum(v.num),0) FROM report_values v JOIN reports r"
		         " ON r.id=v.report_id WHERE r.campaign_id=%lld AND r.status IN"
		         " ('submitted','approved') AND v.item='%s' AND v.has_num=1",
		         (long long)p.campaign_id, PROBE_ITEM);
		probe_sum = scalar(q, sql);
	}
	sqlite3_close(q);
	int64_t want = p.submitted_before + (int64_t)b.pairs + (int64_t)(pr.lag.n + pr.lost);
	int check_ok = counted == want && probe_sum == probe_base + pr.sum;
	if (!check_ok)
		fprintf(stderr,
		        "bench_burst: check: %lld counted reports in the file, %lld expected; %s "
		        "sum "
		        "%lld, %lld expected\n",
		        (long long)counted, (long long)want, PROBE_ITEM, (long long)probe_sum,
		        (long long)(probe_base + pr.sum));

	double rate = (double)b.pairs / secs;
	printf("  %d writers: %zu save+submit pairs in %.1f s = %.0f pairs/s; save p50 %.2f p99 "
	       "%.2f ms;"
	       " submit p50 %.2f p99 %.2f ms\n",
	       k, b.pairs, secs, rate, lat_pct(&b.save, 0.5), lat_pct(&b.save, 0.99),
	       lat_pct(&b.submit, 0.5), lat_pct(&b.submit, 0.99));
	printf("  %d readers: %zu dashboards, p50 %.2f p99 %.2f ms; failed writes %zu, failed "
	       "reads %zu\n",
	       o->readers, b.dash.n, lat_pct(&b.dash, 0.5), lat_pct(&b.dash, 0.99), b.failed_w,
	       b.failed_r);
	printf("  visible nationally after the submit's 200: %zu probes, p50 %.1f ms, max %.1f ms"
	       " (%zu shown by the first read; %zu failed, %zu never seen); file check %s\n",
	       pr.lag.n, lat_pct(&pr.lag, 0.5), lat_pct(&pr.lag, 1.0), pr.first_poll, pr.failed,
	       pr.lost, check_ok ? "ok" : "FAILED");
	put(k, "pairs", "%.0f", (double)b.pairs);
	put(k, "seconds", "%.2f", secs);
	put(k, "pairs_per_s", "%.1f", rate);
	put(k, "save_p50_ms", "%.3f", lat_pct(&b.save, 0.5));
	put(k, "save_p99_ms", "%.3f", lat_pct(&b.save, 0.99));
	put(k, "submit_p50_ms", "%.3f", lat_pct(&b.submit, 0.5));
	put(k, "submit_p99_ms", "%.3f", lat_pct(&b.submit, 0.99));
	put(k, "dash_n", "%.0f", (double)b.dash.n);
	put(k, "dash_p50_ms", "%.3f", lat_pct(&b.dash, 0.5));
	put(k, "dash_p99_ms", "%.3f", lat_pct(&b.dash, 0.99));
	put(k, "visible_n", "%.0f", (double)pr.lag.n);
	put(k, "visible_p50_ms", "%.1f", lat_pct(&pr.lag, 0.5));
	put(k, "visible_max_ms", "%.1f", lat_pct(&pr.lag, 1.0));
	put(k, "visible_first_read", "%.0f", (double)pr.first_poll);
	put(k, "failed_writes", "%.0f", (double)(b.failed_w + pr.failed + pr.lost));
	put(k, "failed_reads", "%.0f", (double)b.failed_r);
	put(k, "check_ok", "%.0f", check_ok);
	put(k, "readers", "%.0f", o->readers);
	put(k, "urls", "%.0f", (double)p.nurls);
	put(k, "pool", "%.0f", (double)p.nschools);
	put(k, "returned", "%.0f", (double)p.returned);
	free(b.save.v);
	free(b.submit.v);
	free(b.dash.v);
	free(pr.lag.v);
	plan_free(&p);
	char side[1500];
	unlink(db);
	snprintf(side, sizeof side, "%s-wal", db);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", db);
	unlink(side);
	return b.failed_w || b.failed_r || pr.failed || pr.lost || !check_ok ? 1 : 0;
}

int
main(int argc, char **argv)
{
	opts_t o = {.assets = ".",
	            .readers = 16,
	            .probes = 10,
	            .port = 18490,
	            .seconds = 15,
	            .pool = 30000};
	const char *tsvpath = NULL, *conns = "8,16,64";
	int keep = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--keep")) {
			keep = 1;
			continue;
		}
		if (!v)
			return die("every option but --keep takes a value");
		i++;
		if (!strcmp(a, "--bin"))
			o.bin = v;
		else if (!strcmp(a, "--db"))
			o.src = v;
		else if (!strcmp(a, "--assets"))
			o.assets = v;
		else if (!strcmp(a, "--tsv"))
			tsvpath = v;
		else if (!strcmp(a, "--conns"))
			conns = v;
		else if (!strcmp(a, "--readers"))
			o.readers = atoi(v);
		else if (!strcmp(a, "--probes"))
			o.probes = atoi(v);
		else if (!strcmp(a, "--seconds"))
			o.seconds = atof(v);
		else if (!strcmp(a, "--port"))
			o.port = atoi(v);
		else if (!strcmp(a, "--pool"))
			o.pool = (size_t)atol(v);
		else if (!strcmp(a, "--threads"))
			o.threads = (unsigned)atoi(v);
		else
			return die(
			        "usage: --bin SUOTDOI --db NATIONAL.db [--assets DIR] [--tsv OUT]"
			        " [--conns 8,16,64] [--readers 16] [--seconds 15] [--probes 10]"
			        " [--port 18490] [--pool 30000] [--threads N] [--keep]");
	}
	if (!o.bin || !o.src || o.readers < 2 || o.probes < 0 || o.seconds <= 0)
		return die("--bin and --db are needed; --readers >= 2, --seconds > 0");
	int levels[MAX_LEVELS], nlevels = 0;
	for (const char *c = conns; *c && nlevels < MAX_LEVELS;) {
		int k = atoi(c);
		if (k < 1)
			return die("--conns: positive numbers separated by commas");
		levels[nlevels++] = k;
		c += strcspn(c, ",");
		c += *c == ',';
	}
	if (auth_init() < 0)
		return die("libsodium");
	signal(SIGPIPE, SIG_IGN);
	char dir[1200];
	char *s = strdup(o.src);
	snprintf(dir, sizeof dir, "%s/suotdoi-bench-burst-XXXXXX", dirname(s));
	free(s);
	if (!mkdtemp(dir))
		return die("mkdtemp beside --db");
	o.dir = dir;
	if (tsvpath && !(tsv = fopen(tsvpath, "a")))
		return die("cannot open --tsv");
	curl_global_init(CURL_GLOBAL_DEFAULT);
	int rc = 0;
	buf_t list = BUF_INIT;
	for (int l = 0; l < nlevels; l++) {
		int r = level(&o, levels[l]);
		if (r < 0) {
			rc = 1;
			break;
		}
		rc |= r;
		buf_printf(&list, "%s%d", l ? "," : "", levels[l]);
	}
	if (tsv) {
		fprintf(tsv, "burst.conns\t%s\n", buf_cstr(&list));
		fclose(tsv);
	}
	buf_free(&list);
	curl_global_cleanup();
	if (!keep) {
		char cmd[1300];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	} else
		printf("kept %s\n", dir);
	return rc;
}
