/* Durable submissions per second through the HTTP API against a minimal raw-SQLite program.
 *
 * suotdoi side: a copy of a national dataset (`suotdoi gen`), an administrator of VN with an
 * API token, the real server in-process on 127.0.0.1:0, and POST
 * /api/v1/campaigns/ID/units/CODE/submit with every numeric item of the template for units
 * expected to report that have not submitted yet: one connection (sequential keep-alive),
 * then K concurrent connections (curl multi), each with units of its own. Every answer must
 * be a 200 with the report submitted: a 200 means the submission is durable.
 *
 * Baseline: a second copy of the same database, the same pragmas as the store (WAL,
 * synchronous=FULL, foreign keys, busy timeout), one thread, prepared statements, one
 * transaction per submission writing the same rows as the server: the report (insert or
 * update with its version bumped), its values replaced, the event, an audit row per changed
 * value and the status's audit row. Afterwards both copies are compared row for row (the
 * rows' content, not only their number).
 *
 * The two sides run in alternating blocks (--rounds per connection count: HTTP block, then
 * the same units on the baseline's copy), so both see the same machine. fsync and fdatasync
 * are counted in this process (both sides use the same libsqlite3).
 *
 * Usage: bench_submit [--db NATIONAL.db] [--tsv OUT.tsv] [--out FILE.md] [--n 2000]
 *                     [--conns 1,8] [--rounds 10] [--threads 0] [--keep]
 *                     [--pg URI --prefix pg.]
 * With --pg the server's copy is moved into that (empty) PostgreSQL database (as `suotdoi
 * migrate` does) and served from there; the baseline stays raw SQLite. The server's rows are
 * then counted on PostgreSQL (submitted reports), not compared with the baseline's, and its
 * fsyncs are PostgreSQL's (not counted here). Keys in --tsv get --prefix in front.
 * --n is per connection count (the baseline commits them all); --threads is the server's
 * worker pool (0: one per CPU, as `suotdoi serve`).
 * Without --db a national dataset is generated first. The copies live in a temporary
 * directory next to the source (same filesystem), removed at the end unless --keep. */
#include <curl/curl.h>
#include <dlfcn.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <libgen.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "core/buf.h"
#include "core/log.h"
#include "domain/accounts.h"
#include "domain/auth.h"
#include "domain/campaign.h"
#include "domain/gen.h"
#include "domain/template.h"
#include "domain/units.h"
#include "util.h"

#define BENCH_USER "bench.submit"
#define MAX_LEVELS 8

/* ---- fsync counting: SQLite calls these through the PLT, so ours come first ---- */

static atomic_long nsyncs;
static int (*real_fsync)(int), (*real_fdatasync)(int);

static void
sync_counter_init(void)
{
	*(void **)&real_fsync = dlsym(RTLD_NEXT, "fsync");
	*(void **)&real_fdatasync = dlsym(RTLD_NEXT, "fdatasync");
}

int
fsync(int fd)
{
	atomic_fetch_add(&nsyncs, 1);
	return real_fsync(fd);
}

int
fdatasync(int fd)
{
	atomic_fetch_add(&nsyncs, 1);
	return real_fdatasync(fd);
}

/* ---- what is submitted ---- */

/* A template item as the baseline sees it: no suotdoi types inside the raw program. */
typedef struct raw_item {
	const char *code;
	int col;  /* numeric column or -1 */
	int tcol; /* text column or -1 */
	int is_bool;
} raw_item_t;

typedef struct job {
	int64_t unit_id;
	char *code, *path; /* unit code, audit path "/VN/01/.../" */
	int64_t *num;      /* ncols values, all present */
	char *body;        /* the JSON document posted */
} job_t;

typedef struct plan {
	job_t *jobs;
	size_t njobs;
	raw_item_t *items;
	size_t nitems, ncols, ntexts;
	int64_t campaign_id, user_id;
} plan_t;

/* Values that pass the default template's rules whatever the unit: classes 0..49,
 * participants 100..499 (so >= classes and > 0), money in 100.000 đồng steps. Checked
 * with template_check before anything is sent. */
static void
fill_values(const template_t *tpl, size_t k, int64_t *num)
{
	for (size_t c = 0; c < tpl->ncols; c++) {
		const tpl_item_t *it = template_item_col(tpl, (int)c);
		size_t n = strlen(it->code);
		if (it->type == TPL_BOOL)
			num[c] = (k + c) % 3 != 0;
		else if (it->type == TPL_MONEY)
			num[c] = (int64_t)((k % 50) + 1) * 100000;
		else if (n > 6 && !strcmp(it->code + n - 6, ".nguoi"))
			num[c] = 100 + (int64_t)((k * 7 + c) % 400);
		else
			num[c] = (int64_t)((k * 13 + c * 5) % 50);
	}
}

static char *
make_body(const template_t *tpl, const int64_t *num)
{
	json_t *vals = json_object();
	for (size_t c = 0; c < tpl->ncols; c++) {
		const tpl_item_t *it = template_item_col(tpl, (int)c);
		json_object_set_new(vals, it->code,
		                    it->type == TPL_BOOL ? json_boolean(num[c])
		                                         : json_integer((json_int_t)num[c]));
	}
	json_t *doc = json_pack("{s:o}", "values", vals);
	char *s = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	return s;
}

static int
cmp_job(const void *a, const void *b)
{
	/* a fixed shuffle: units of one commune are not all next to each other */
	uint64_t x = (uint64_t)((const job_t *)a)->unit_id * 0x9E3779B97F4A7C15ull;
	uint64_t y = (uint64_t)((const job_t *)b)->unit_id * 0x9E3779B97F4A7C15ull;
	return x < y ? -1 : x > y;
}

/* On the store of the suotdoi copy: the benchmark's administrator and token, the template's
 * items and want units expected to report in the campaign that have no submitted or
 * approved report yet, with their values and bodies. */
static int
prepare(const char *db, size_t want, plan_t *p, char *token, size_t toklen)
{
	char err[4096];
	store_t *st = NULL;
	unit_tree_t *t = NULL;
	campaign_t *c = NULL;
	sqlite3 *q = NULL;
	sqlite3_stmt *s = NULL;
	int ret = -1;
	memset(p, 0, sizeof *p);
	if (store_open(db, &st, err, sizeof err) < 0 ||
	    unit_tree_build(st, &t, err, sizeof err) < 0)
		goto fail;
	/* the dataset's national campaign: the first one issued by VN */
	for (int64_t id = 1; id < 100 && !c; id++) {
		int rc = campaign_load(st, id, &c, err, sizeof err);
		if (rc < 0)
			goto fail;
		if (rc == 1 && (c->issuer_unit_id != t->units[0].id || strcmp(c->status, "open"))) {
			campaign_free(c);
			c = NULL;
		}
	}
	if (!c) {
		snprintf(err, sizeof err, "no open campaign issued by %s", t->units[0].code);
		goto fail;
	}
	p->campaign_id = c->id;
	const template_t *tpl = c->tpl;
	p->ncols = tpl->ncols;
	p->ntexts = tpl->ntexts;
	for (size_t sct = 0; sct < tpl->nsections; sct++)
		p->nitems += tpl->sections[sct].nitems;
	p->items = calloc(p->nitems + 1, sizeof *p->items);
	p->nitems = 0;
	for (size_t sct = 0; sct < tpl->nsections; sct++)
		for (size_t k = 0; k < tpl->sections[sct].nitems; k++) {
			const tpl_item_t *it = &tpl->sections[sct].items[k];
			if (it->col < 0 && it->tcol < 0)
				continue;
			p->items[p->nitems++] = (raw_item_t){strdup(it->code), it->col, it->tcol,
			                                     it->type == TPL_BOOL};
		}

	/* the administrator, asking with an API token (as bench_national) */
	char hash[AUTH_HASH_MAX], norm[72], raw[AUTH_TOKEN_LEN + 1];
	unsigned char th[32];
	auth_password_hash_generated("bench-not-used-for-sign-in", hash);
	account_new_t a = {BENCH_USER, "Bench", NULL, ROLE_ADMIN, t->units[0].id, hash, 0, 0};
	int64_t tid;
	if (accounts_create(st, &a, norm, &p->user_id, err, sizeof err) != 0)
		goto fail;
	auth_token_new(raw, th);
	snprintf(token, toklen, "sd_%s", raw);
	auth_token_hash(token, strlen(token), th);
	if (store_token_create(st, p->user_id, "bench", th, "sd_bench", app_now(), &tid) < 0) {
		snprintf(err, sizeof err, "token not created");
		goto fail;
	}

	/* the candidates: expected, not a locality, in this campaign (not an adoption), no
	 * submitted or approved report */
	int64_t *aids, *aiss;
	size_t nad;
	if (campaign_adoptions(st, c->id, &aids, &aiss, &nad) < 0)
		goto fail;
	free(aids);
	free(aiss);
	if (sqlite3_open_v2(db, &q, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(q,
	                       "SELECT 1 FROM reports WHERE campaign_id=?1 AND unit_id=?2"
	                       " AND status IN ('submitted','approved')",
	                       -1, &s, NULL) != SQLITE_OK) {
		snprintf(err, sizeof err, "%s", sqlite3_errmsg(q));
		goto fail;
	}
	job_t *all = calloc((size_t)t->n, sizeof *all);
	size_t nall = 0;
	for (int32_t i = 0; i < t->n; i++) {
		if (t->units[i].is_locality || !campaign_expects(c, t, i))
			continue;
		if (nad && campaign_effective(st, t, c->id, i) != c->id)
			continue;
		sqlite3_bind_int64(s, 1, c->id);
		sqlite3_bind_int64(s, 2, t->units[i].id);
		int done = sqlite3_step(s) == SQLITE_ROW;
		sqlite3_reset(s);
		if (done)
			continue;
		buf_t path = BUF_INIT;
		unit_tree_path(t, i, &path);
		all[nall++] = (job_t){t->units[i].id, strdup(t->units[i].code),
		                      strdup(buf_cstr(&path)), NULL, NULL};
		buf_free(&path);
	}
	printf("%zu units expected to report in campaign %lld have not submitted yet\n", nall,
	       (long long)c->id);
	if (nall < want) {
		snprintf(err, sizeof err, "%zu units needed, only %zu without a submission", want,
		         nall);
		for (size_t k = 0; k < nall; k++) {
			free(all[k].code);
			free(all[k].path);
		}
		free(all);
		goto fail;
	}
	qsort(all, nall, sizeof *all, cmp_job);
	for (size_t k = want; k < nall; k++) {
		free(all[k].code);
		free(all[k].path);
	}
	p->jobs = all;
	p->njobs = want;
	unsigned char *has = malloc(tpl->ncols + 1);
	memset(has, 1, tpl->ncols + 1);
	const char **texts = calloc(tpl->ntexts + 1, sizeof *texts);
	for (size_t k = 0; k < want; k++) {
		job_t *j = &all[k];
		j->num = calloc(tpl->ncols + 1, sizeof *j->num);
		fill_values(tpl, k, j->num);
		tpl_values_t v = {j->num, has, texts};
		tpl_error_t e;
		if (template_check(tpl, &v, 1, &e, 1)) {
			snprintf(err, sizeof err, "values refused: %s", e.msg);
			free(has);
			free(texts);
			goto fail;
		}
		j->body = make_body(tpl, j->num);
	}
	free(has);
	free(texts);
	ret = 0;
	goto out;
fail:
	fprintf(stderr, "%s\n", err);
out:
	sqlite3_finalize(s);
	sqlite3_close(q);
	campaign_free(c);
	if (t)
		unit_tree_unref(t);
	if (st)
		store_close(st);
	return ret;
}

static void
plan_free(plan_t *p)
{
	for (size_t k = 0; k < p->njobs; k++) {
		free(p->jobs[k].code);
		free(p->jobs[k].path);
		free(p->jobs[k].num);
		free(p->jobs[k].body);
	}
	free(p->jobs);
	for (size_t k = 0; k < p->nitems; k++)
		free((char *)p->items[k].code);
	free(p->items);
}

/* ---- copies ---- */

static void
fs_type(const char *dir, char *out, size_t n)
{
	char cmd[2600];
	/* findmnt names ext4 as such; stat -f says "ext2/ext3" for the whole family */
	snprintf(cmd, sizeof cmd,
	         "findmnt -n -o FSTYPE -T '%s' 2>/dev/null || stat -f -c %%T '%s' 2>/dev/null", dir,
	         dir);
	FILE *f = popen(cmd, "r");
	out[0] = '\0';
	if (f) {
		if (fgets(out, (int)n, f))
			out[strcspn(out, "\n")] = '\0';
		pclose(f);
	}
	if (!*out) {
		struct statfs s;
		snprintf(out, n, "0x%lx", statfs(dir, &s) == 0 ? (unsigned long)s.f_type : 0ul);
	}
}

/* ---- the suotdoi side: HTTP ---- */

/* Results of one mode (HTTP with k connections, or the baseline), summed over its blocks. */
typedef struct run {
	int conns;
	size_t n;
	double ms, p50, p99;
	long syncs;
	int failed;
	double *lat; /* one per submission */
} run_t;

static void
run_add(run_t *r, double ms, long syncs)
{
	r->ms += ms;
	r->syncs += syncs;
}

static void
run_finish(run_t *r)
{
	r->p50 = bench_pct(r->lat, (int)r->n, 0.5);
	r->p99 = bench_pct(r->lat, (int)r->n, 0.99);
}

static double
run_rate(const run_t *r)
{
	return (double)r->n / r->ms * 1e3;
}

typedef struct conn {
	CURL *h;
	buf_t body;
	size_t next, step, end; /* the block's jobs this connection sends: next, next+step... */
	size_t cur;
	double t0;
} conn_t;

static size_t
on_body(char *p, size_t size, size_t n, void *ctx)
{
	buf_append(&((conn_t *)ctx)->body, p, size * n);
	return size * n;
}

/* k keep-alive connections, kept across blocks. */
typedef struct client {
	CURLM *m;
	conn_t *cs;
	int k;
	unsigned port;
	int64_t campaign_id;
} client_t;

static void
client_init(client_t *cl, int k, unsigned port, int64_t campaign_id, struct curl_slist *hdr)
{
	cl->m = curl_multi_init();
	cl->cs = calloc((size_t)k, sizeof *cl->cs);
	cl->k = k;
	cl->port = port;
	cl->campaign_id = campaign_id;
	for (int i = 0; i < k; i++) {
		conn_t *c = &cl->cs[i];
		c->h = curl_easy_init();
		curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, hdr);
		curl_easy_setopt(c->h, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(c->h, CURLOPT_WRITEDATA, c);
		curl_easy_setopt(c->h, CURLOPT_PRIVATE, c);
		curl_easy_setopt(c->h, CURLOPT_TCP_NODELAY, 1L);
	}
}

static void
client_free(client_t *cl)
{
	for (int i = 0; i < cl->k; i++) {
		curl_easy_cleanup(cl->cs[i].h);
		buf_free(&cl->cs[i].body);
	}
	free(cl->cs);
	curl_multi_cleanup(cl->m);
}

static void
conn_start(client_t *cl, conn_t *c, const job_t *jobs)
{
	char url[400];
	const job_t *j = &jobs[c->next];
	c->cur = c->next;
	c->next += c->step;
	snprintf(url, sizeof url, "http://127.0.0.1:%u/api/v1/campaigns/%lld/units/%s/submit",
	         cl->port, (long long)cl->campaign_id, j->code);
	curl_easy_setopt(c->h, CURLOPT_URL, url);
	curl_easy_setopt(c->h, CURLOPT_POSTFIELDS, j->body);
	curl_easy_setopt(c->h, CURLOPT_POSTFIELDSIZE, (long)strlen(j->body));
	buf_reset(&c->body);
	c->t0 = bench_now_ms();
	curl_multi_add_handle(cl->m, c->h);
}

/* Submits jobs[0..n) over the client's connections, job i on connection i % k; every
 * answer must be a 200 with the report submitted. */
static void
http_block(client_t *cl, const job_t *jobs, size_t n, run_t *r)
{
	for (int i = 0; i < cl->k; i++) {
		conn_t *c = &cl->cs[i];
		c->next = (size_t)i;
		c->step = (size_t)cl->k;
		c->end = n;
	}
	long s0 = atomic_load(&nsyncs);
	double t0 = bench_now_ms();
	for (int i = 0; i < cl->k; i++)
		if (cl->cs[i].next < n)
			conn_start(cl, &cl->cs[i], jobs);
	int running = 1;
	while (running) {
		curl_multi_perform(cl->m, &running);
		CURLMsg *msg;
		int left;
		while ((msg = curl_multi_info_read(cl->m, &left))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			conn_t *c;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&c);
			r->lat[r->n++] = bench_now_ms() - c->t0;
			long code = 0;
			curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &code);
			CURLcode rc = msg->data.result;
			int ok = rc == CURLE_OK && code == 200;
			if (ok) {
				json_t *o = json_loadb(c->body.data, c->body.len, 0, NULL);
				const char *st = json_string_value(json_object_get(o, "status"));
				ok = st && !strcmp(st, "submitted");
				json_decref(o);
			}
			if (!ok && r->failed++ < 5)
				fprintf(stderr, "submit %s: curl %d, HTTP %ld: %.300s\n",
				        jobs[c->cur].code, (int)rc, code, buf_cstr(&c->body));
			curl_multi_remove_handle(cl->m, c->h);
			if (c->next < c->end) {
				conn_start(cl, c, jobs);
				running = 1;
			}
		}
		if (running)
			curl_multi_poll(cl->m, NULL, 0, 100, NULL);
	}
	run_add(r, bench_now_ms() - t0, atomic_load(&nsyncs) - s0);
}

/* ---- the baseline: raw SQLite only ---- */

enum {
	R_GET,
	R_VALUES,
	R_INSERT,
	R_UPDATE,
	R_DELETE_VALUES,
	R_VALUE,
	R_EVENT,
	R_AUDIT,
	R_BEGIN,
	R_COMMIT,
	R_ROLLBACK,
	R_COUNT
};

static const char *raw_sql[R_COUNT] = {
        [R_GET] = "SELECT id,version,status,submitted_at,reviewed_at,coalesce(reviewed_by,0),"
                  "comment FROM reports WHERE campaign_id=?1 AND unit_id=?2",
        [R_VALUES] = "SELECT item,has_num,num,text FROM report_values WHERE report_id=?1",
        [R_INSERT] = "INSERT INTO reports(campaign_id,unit_id,status,version,updated_at,"
                     "updated_by,on_behalf,submitted_at,submitted_by,reviewed_at,reviewed_by,"
                     "comment) VALUES(?1,?2,'submitted',1,?3,?4,1,?3,?4,0,NULL,'')",
        [R_UPDATE] = "UPDATE reports SET status='submitted',version=?2,updated_at=?3,"
                     "updated_by=?4,on_behalf=1,submitted_at=?3,submitted_by=?4,reviewed_by=NULL"
                     " WHERE id=?1",
        [R_DELETE_VALUES] = "DELETE FROM report_values WHERE report_id=?1",
        [R_VALUE] = "INSERT INTO report_values(report_id,item,has_num,num,text)"
                    " VALUES(?1,?2,1,?3,'')",
        [R_EVENT] = "INSERT INTO report_events(report_id,at,user_id,action,comment)"
                    " VALUES(?1,?2,?3,'submit','')",
        [R_AUDIT] = "INSERT INTO audit_log(at,actor_id,actor_name,unit_id,unit_path,action,"
                    "target,old_value,new_value,ip) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,"
                    "'127.0.0.1')",
        [R_BEGIN] = "BEGIN IMMEDIATE",
        [R_COMMIT] = "COMMIT",
        [R_ROLLBACK] = "ROLLBACK",
};

/* A value as the audit log shows it: "1.234", "có"/"không", text cut at 200 bytes. */
static void
raw_shown(const raw_item_t *it, int has, int64_t num, const char *text, char *out, size_t n)
{
	out[0] = '\0';
	if (it->col >= 0) {
		if (!has)
			return;
		if (it->is_bool) {
			snprintf(out, n, "%s", num ? "có" : "không");
			return;
		}
		char d[32];
		int len = snprintf(d, sizeof d, "%lld", (long long)(num < 0 ? -num : num)), o = 0;
		if (num < 0)
			out[o++] = '-';
		for (int i = 0; i < len; i++) {
			if (i > 0 && (len - i) % 3 == 0)
				out[o++] = '.';
			out[o++] = d[i];
		}
		out[o] = '\0';
		return;
	}
	size_t l = text ? strlen(text) : 0;
	if (l <= 200) {
		snprintf(out, n, "%s", text ? text : "");
		return;
	}
	while (l > 200 && ((unsigned char)text[200] & 0xC0) == 0x80)
		l--;
	snprintf(out, n, "%.200s…", text);
}

static int
step_done(sqlite3 *db, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		fprintf(stderr, "raw: %s\n", sqlite3_errmsg(db));
	return rc == SQLITE_DONE ? 0 : -1;
}

/* One submission, one transaction. */
static int
raw_submit(sqlite3 *db, sqlite3_stmt **q, const plan_t *p, const job_t *j, const char *actor,
           int64_t *old_num, unsigned char *old_has, char **old_text)
{
	int64_t now = (int64_t)time(NULL);
	if (step_done(db, q[R_BEGIN]) < 0)
		return -1;
	sqlite3_stmt *s = q[R_GET];
	sqlite3_bind_int64(s, 1, p->campaign_id);
	sqlite3_bind_int64(s, 2, j->unit_id);
	int64_t rid = 0, version = 0;
	char status[16] = "";
	int found = sqlite3_step(s) == SQLITE_ROW;
	if (found) {
		rid = sqlite3_column_int64(s, 0);
		version = sqlite3_column_int64(s, 1);
		snprintf(status, sizeof status, "%s", (const char *)sqlite3_column_text(s, 2));
	}
	sqlite3_reset(s);
	memset(old_has, 0, p->ncols + 1);
	for (size_t k = 0; k < p->ntexts; k++) {
		free(old_text[k]);
		old_text[k] = NULL;
	}
	if (found && (!strcmp(status, "submitted") || !strcmp(status, "approved")))
		goto fail; /* locked */
	if (found) {
		s = q[R_VALUES];
		sqlite3_bind_int64(s, 1, rid);
		while (sqlite3_step(s) == SQLITE_ROW) {
			const char *item = (const char *)sqlite3_column_text(s, 0);
			for (size_t k = 0; k < p->nitems; k++) {
				const raw_item_t *it = &p->items[k];
				if (strcmp(it->code, item))
					continue;
				if (it->col >= 0 && sqlite3_column_int(s, 1)) {
					old_num[it->col] = sqlite3_column_int64(s, 2);
					old_has[it->col] = 1;
				} else if (it->tcol >= 0 && sqlite3_column_bytes(s, 3) > 0)
					old_text[it->tcol] =
					        strdup((const char *)sqlite3_column_text(s, 3));
				break;
			}
		}
		sqlite3_reset(s);
		s = q[R_UPDATE];
		sqlite3_bind_int64(s, 1, rid);
		sqlite3_bind_int64(s, 2, version + 1);
		sqlite3_bind_int64(s, 3, now);
		sqlite3_bind_int64(s, 4, p->user_id);
		if (step_done(db, s) < 0)
			goto fail;
		s = q[R_DELETE_VALUES];
		sqlite3_bind_int64(s, 1, rid);
		if (step_done(db, s) < 0)
			goto fail;
	} else {
		s = q[R_INSERT];
		sqlite3_bind_int64(s, 1, p->campaign_id);
		sqlite3_bind_int64(s, 2, j->unit_id);
		sqlite3_bind_int64(s, 3, now);
		sqlite3_bind_int64(s, 4, p->user_id);
		if (step_done(db, s) < 0)
			goto fail;
		rid = sqlite3_last_insert_rowid(db);
	}
	/* the values, in template order as the server writes them */
	s = q[R_VALUE];
	for (size_t k = 0; k < p->nitems; k++) {
		const raw_item_t *it = &p->items[k];
		if (it->col < 0)
			continue;
		sqlite3_bind_int64(s, 1, rid);
		sqlite3_bind_text(s, 2, it->code, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, j->num[it->col]);
		if (step_done(db, s) < 0)
			goto fail;
	}
	/* every changed value, then the event, then the status */
	char target[600], o[400], n[400], prefix[32];
	snprintf(prefix, sizeof prefix, "%lld:", (long long)p->campaign_id);
	s = q[R_AUDIT];
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int64(s, 2, p->user_id);
	sqlite3_bind_text(s, 3, actor, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, j->unit_id);
	sqlite3_bind_text(s, 5, j->path, -1, SQLITE_STATIC);
	for (size_t k = 0; k < p->nitems; k++) {
		const raw_item_t *it = &p->items[k];
		if (it->col >= 0) {
			raw_shown(it, old_has[it->col], old_num[it->col], NULL, o, sizeof o);
			raw_shown(it, 1, j->num[it->col], NULL, n, sizeof n);
		} else {
			raw_shown(it, 0, 0, old_text[it->tcol], o, sizeof o);
			n[0] = '\0';
		}
		if (!strcmp(o, n))
			continue;
		snprintf(target, sizeof target, "%s%s", prefix, it->code);
		sqlite3_bind_text(s, 6, "report.value.behalf", -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 7, target, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 8, o, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 9, n, -1, SQLITE_STATIC);
		if (step_done(db, s) < 0)
			goto fail;
	}
	s = q[R_EVENT];
	sqlite3_bind_int64(s, 1, rid);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_int64(s, 3, p->user_id);
	if (step_done(db, s) < 0)
		goto fail;
	s = q[R_AUDIT];
	sqlite3_bind_text(s, 6, "report.status", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, prefix, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 9, "submitted", -1, SQLITE_STATIC);
	if (step_done(db, s) < 0)
		goto fail;
	if (step_done(db, q[R_COMMIT]) < 0)
		goto fail;
	return 0;
fail:
	step_done(db, q[R_ROLLBACK]);
	return -1;
}

typedef struct raw {
	sqlite3 *db;
	sqlite3_stmt *q[R_COUNT];
	int64_t *old_num;
	unsigned char *old_has;
	char **old_text;
	size_t ntexts;
} raw_t;

/* The baseline's connection: the store's pragmas, its statements prepared once. */
static int
raw_open(raw_t *w, const char *db_path, const plan_t *p)
{
	memset(w, 0, sizeof *w);
	if (sqlite3_open_v2(db_path, &w->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	            SQLITE_OK ||
	    sqlite3_exec(w->db,
	                 "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
	                 "PRAGMA busy_timeout=5000;",
	                 NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "raw: %s\n", sqlite3_errmsg(w->db));
		return -1;
	}
	for (int i = 0; i < R_COUNT; i++)
		if (sqlite3_prepare_v3(w->db, raw_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &w->q[i],
		                       NULL) != SQLITE_OK) {
			fprintf(stderr, "raw: %s\n", sqlite3_errmsg(w->db));
			return -1;
		}
	w->old_num = calloc(p->ncols + 1, sizeof *w->old_num);
	w->old_has = calloc(p->ncols + 1, 1);
	w->old_text = calloc(p->ntexts + 1, sizeof *w->old_text);
	w->ntexts = p->ntexts;
	return 0;
}

static void
raw_close(raw_t *w)
{
	for (size_t k = 0; w->old_text && k < w->ntexts; k++)
		free(w->old_text[k]);
	free(w->old_text);
	free(w->old_num);
	free(w->old_has);
	for (int i = 0; i < R_COUNT; i++)
		sqlite3_finalize(w->q[i]);
	sqlite3_close(w->db);
}

static void
raw_block(raw_t *w, const plan_t *p, const job_t *jobs, size_t n, run_t *r)
{
	long s0 = atomic_load(&nsyncs);
	double t0 = bench_now_ms();
	for (size_t k = 0; k < n; k++) {
		double a0 = bench_now_ms();
		if (raw_submit(w->db, w->q, p, &jobs[k], BENCH_USER, w->old_num, w->old_has,
		               w->old_text) < 0 &&
		    r->failed++ < 5)
			fprintf(stderr, "raw: submission of %s failed\n", jobs[k].code);
		r->lat[r->n++] = bench_now_ms() - a0;
	}
	run_add(r, bench_now_ms() - t0, atomic_load(&nsyncs) - s0);
}

/* ---- checking both copies ---- */

typedef struct marks {
	int64_t audit, event; /* highest ids before the run */
} marks_t;

static int64_t
scalar(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	int64_t v = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static int
get_marks(const char *path, marks_t *m)
{
	sqlite3 *db;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return -1;
	m->audit = scalar(db, "SELECT coalesce(max(id),0) FROM audit_log");
	m->event = scalar(db, "SELECT coalesce(max(id),0) FROM report_events");
	sqlite3_close(db);
	return m->audit < 0 || m->event < 0 ? -1 : 0;
}

typedef struct tally {
	int64_t submitted, reports, values, events, audit;
	uint64_t hash; /* FNV-1a over the content of those rows, in a fixed order */
} tally_t;

static void
fnv(uint64_t *h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) {
		*h ^= b[i];
		*h *= 0x100000001b3ull;
	}
}

/* Hashes every column of every row of sql (?1 = the mark when bound). */
static int64_t
hash_rows(sqlite3 *db, const char *sql, int64_t mark, uint64_t *h)
{
	sqlite3_stmt *s;
	int64_t n = 0;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
		fprintf(stderr, "check: %s\n", sqlite3_errmsg(db));
		return -1;
	}
	if (sqlite3_bind_parameter_count(s) >= 1)
		sqlite3_bind_int64(s, 1, mark);
	while (sqlite3_step(s) == SQLITE_ROW) {
		n++;
		for (int c = 0; c < sqlite3_column_count(s); c++) {
			const unsigned char *t = sqlite3_column_text(s, c);
			fnv(h, t ? (const char *)t : "",
			    t ? (size_t)sqlite3_column_bytes(s, c) : 0);
			fnv(h, "\x1f", 1);
		}
	}
	sqlite3_finalize(s);
	return n;
}

/* What the benchmark wrote into a copy: the jobs' reports (all submitted?), their values,
 * the events and audit rows after the marks. Times are left out of the hash (they differ
 * by run), so are ids that depend on the order of concurrent commits. */
static int
tally(const char *path, const plan_t *p, const marks_t *m, tally_t *t)
{
	sqlite3 *db;
	memset(t, 0, sizeof *t);
	t->hash = 0xcbf29ce484222325ull;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		return -1;
	sqlite3_exec(db, "CREATE TEMP TABLE jobs(unit_id INTEGER PRIMARY KEY)", NULL, NULL, NULL);
	sqlite3_stmt *s;
	sqlite3_prepare_v2(db, "INSERT INTO jobs VALUES(?1)", -1, &s, NULL);
	for (size_t k = 0; k < p->njobs; k++) {
		sqlite3_bind_int64(s, 1, p->jobs[k].unit_id);
		sqlite3_step(s);
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	char sql[600];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM reports WHERE campaign_id=%lld AND status='submitted'"
	         " AND unit_id IN jobs",
	         (long long)p->campaign_id);
	t->submitted = scalar(db, sql);
	snprintf(sql, sizeof sql,
	         "SELECT unit_id,status,version,on_behalf,coalesce(updated_by,0),"
	         "coalesce(submitted_by,0),reviewed_at,comment FROM reports"
	         " WHERE campaign_id=%lld AND unit_id IN jobs ORDER BY unit_id",
	         (long long)p->campaign_id);
	t->reports = hash_rows(db, sql, 0, &t->hash);
	snprintf(sql, sizeof sql,
	         "SELECT r.unit_id,v.item,v.has_num,v.num,v.text FROM reports r"
	         " JOIN report_values v ON v.report_id=r.id WHERE r.campaign_id=%lld"
	         " AND r.unit_id IN jobs ORDER BY r.unit_id,v.item",
	         (long long)p->campaign_id);
	t->values = hash_rows(db, sql, 0, &t->hash);
	t->events = hash_rows(db,
	                      "SELECT r.unit_id,coalesce(e.user_id,0),e.action,e.comment"
	                      " FROM report_events e JOIN reports r ON r.id=e.report_id"
	                      " WHERE e.id>?1 ORDER BY r.unit_id,e.id",
	                      m->event, &t->hash);
	t->audit = hash_rows(db,
	                     "SELECT coalesce(unit_id,0),unit_path,coalesce(actor_id,0),actor_name,"
	                     "action,target,old_value,new_value,ip FROM audit_log WHERE id>?1"
	                     " ORDER BY unit_id,action,target,id",
	                     m->audit, &t->hash);
	sqlite3_close(db);
	return t->reports < 0 || t->values < 0 || t->events < 0 || t->audit < 0 ? -1 : 0;
}

/* ---- generation when no --db is given ---- */

static int
generate(const char *db)
{
	char err[4096];
	store_t *st;
	gen_opts_t o;
	gen_stats_t s;
	gen_opts_default(&o);
	o.assets = TEST_SOURCE_DIR;
	if (store_open(db, &st, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	int rc = gen_national(st, &o, &s, err, sizeof err);
	store_close(st);
	if (rc < 0)
		fprintf(stderr, "%s\n", err);
	return rc;
}

/* ---- main ---- */

/* The reports of campaign submitted on the PostgreSQL database uri, into *n. */
static int
pg_submitted(const char *uri, int64_t campaign, long long *n)
{
	PGconn *c = PQconnectdb(uri);
	char sql[160];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM reports WHERE campaign_id=%lld AND status='submitted'",
	         (long long)campaign);
	PGresult *r = PQstatus(c) == CONNECTION_OK ? PQexec(c, sql) : NULL;
	int ok = r && PQresultStatus(r) == PGRES_TUPLES_OK;
	if (ok)
		*n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	else
		fprintf(stderr, "PostgreSQL: %s\n", PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	return ok ? 0 : -1;
}

static const char *tsv_prefix = "";

static void
tsv_line(FILE *f, const char *key, const char *fmt, double v)
{
	if (!f)
		return;
	fprintf(f, "%s%s\t", tsv_prefix, key);
	fprintf(f, fmt, v);
	fputc('\n', f);
}

int
main(int argc, char **argv)
{
	const char *src = NULL, *tsv = NULL, *md = NULL, *conns_arg = "1,8", *pg_uri = NULL;
	size_t n = 2000;
	unsigned threads = 0;
	size_t rounds = 10;
	int keep = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--keep")) {
			keep = 1;
			continue;
		}
		if (!v) {
			fprintf(stderr, "%s needs a value\n", a);
			return 2;
		}
		i++;
		if (!strcmp(a, "--db"))
			src = v;
		else if (!strcmp(a, "--tsv"))
			tsv = v;
		else if (!strcmp(a, "--out"))
			md = v;
		else if (!strcmp(a, "--n"))
			n = (size_t)strtoul(v, NULL, 10);
		else if (!strcmp(a, "--conns"))
			conns_arg = v;
		else if (!strcmp(a, "--rounds"))
			rounds = (size_t)strtoul(v, NULL, 10);
		else if (!strcmp(a, "--threads"))
			threads = (unsigned)strtoul(v, NULL, 10);
		else if (!strcmp(a, "--pg"))
			pg_uri = v;
		else if (!strcmp(a, "--prefix"))
			tsv_prefix = v;
		else {
			fprintf(stderr, "usage: bench_submit [--db NATIONAL.db] [--tsv OUT.tsv]"
			                " [--out FILE.md] [--n 2000] [--conns 1,8] [--rounds 10]"
			                " [--threads N] [--keep]\n");
			return 2;
		}
	}
	int levels[MAX_LEVELS], nlevels = 0;
	for (const char *c = conns_arg; *c && nlevels < MAX_LEVELS;) {
		int k = atoi(c);
		if (k < 1) {
			fprintf(stderr, "--conns: positive numbers separated by commas\n");
			return 2;
		}
		levels[nlevels++] = k;
		c += strcspn(c, ",");
		c += *c == ',';
	}
	if (n == 0 || nlevels == 0 || rounds == 0)
		return 2;
	sync_counter_init();
	log_set_level(2);

	/* the copies, next to the source (same filesystem, same disk) */
	char dir[1200], srv_db[1300], raw_db[1300], gen_db[1300];
	if (src) {
		char *s = strdup(src);
		snprintf(dir, sizeof dir, "%s/suotdoi-bench-submit-XXXXXX", dirname(s));
		free(s);
	} else
		snprintf(dir, sizeof dir, "/tmp/suotdoi-bench-submit-XXXXXX");
	if (!mkdtemp(dir)) {
		perror(dir);
		return 1;
	}
	snprintf(srv_db, sizeof srv_db, "%s/suotdoi.db", dir);
	snprintf(raw_db, sizeof raw_db, "%s/raw.db", dir);
	if (!src) {
		snprintf(gen_db, sizeof gen_db, "%s/gen.db", dir);
		printf("generating a national dataset in %s ...\n", gen_db);
		fflush(stdout);
		if (generate(gen_db) < 0)
			return 1;
		src = gen_db;
	}
	char fs[64];
	fs_type(dir, fs, sizeof fs);
	int rc = 1;
	plan_t p = {0};
	char token[AUTH_TOKEN_LEN + 8];
	size_t total = n * (size_t)nlevels;
	/* the administrator goes into the first copy, then that copy is copied: both sides
	 * start from the same rows and ids */
	if (bench_copy_db(src, srv_db) < 0 || prepare(srv_db, total, &p, token, sizeof token) < 0 ||
	    bench_copy_db(srv_db, raw_db) < 0)
		goto out;
	marks_t m_srv, m_raw;
	if (get_marks(srv_db, &m_srv) < 0 || get_marks(raw_db, &m_raw) < 0)
		goto out;

	/* suotdoi */
	app_t app;
	char err[4096];
	const char *served = srv_db;
	long long pg_before = 0;
	if (pg_uri) {
		char from[1400];
		snprintf(from, sizeof from, "sqlite:%s", srv_db);
		if (store_copy(from, pg_uri, NULL, NULL, err, sizeof err) < 0 ||
		    pg_submitted(pg_uri, p.campaign_id, &pg_before) < 0) {
			fprintf(stderr, "moving the copy into PostgreSQL: %s\n", err);
			goto out;
		}
		served = pg_uri;
	}
	if (app_open(&app, served, TEST_SOURCE_DIR, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		goto out;
	}
	http_config_t cfg;
	app_http_config(&app, &cfg);
	cfg.listen = "127.0.0.1:0";
	cfg.quiet = 1;
	cfg.threads = threads;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned used_threads = threads ? threads : (unsigned)(ncpu > 0 ? ncpu : 1);
	http_server_t *srv;
	if (http_server_start(&cfg, &srv) < 0) {
		app_close(&app);
		goto out;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	char auth[200];
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
	struct curl_slist *hdr = curl_slist_append(NULL, auth);
	hdr = curl_slist_append(hdr, "Content-Type: application/json");
	hdr = curl_slist_append(hdr, "Expect:");
	/* warm-up: the first read of the campaign builds its national roll-up */
	{
		CURL *c = curl_easy_init();
		conn_t w = {0};
		char url[400];
		snprintf(url, sizeof url,
		         "http://127.0.0.1:%u/api/v1/campaigns/%lld/units/%s/report",
		         http_server_port(srv), (long long)p.campaign_id, p.jobs[0].code);
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &w);
		double a0 = bench_now_ms();
		CURLcode cr = curl_easy_perform(c);
		long code = 0;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		printf("warm-up GET %s: HTTP %ld in %.0f ms\n", url, code, bench_now_ms() - a0);
		int bad = cr != CURLE_OK || code != 200;
		if (bad)
			fprintf(stderr, "warm-up: %.300s\n", buf_cstr(&w.body));
		buf_free(&w.body);
		curl_easy_cleanup(c);
		if (bad) {
			http_server_stop(srv);
			app_close(&app);
			goto out;
		}
	}
	/* Alternating blocks: the HTTP submissions of a block, then the same units on the
	 * baseline's copy, level after level, round after round, so both sides see the same
	 * machine (other load, the disk's mood, the WALs' growth) rather than one the first
	 * half and the other the second. */
	run_t runs[MAX_LEVELS] = {0}, raw = {0};
	client_t clients[MAX_LEVELS];
	raw_t rw;
	int failed = 0;
	if (raw_open(&rw, raw_db, &p) < 0) {
		http_server_stop(srv);
		app_close(&app);
		goto out;
	}
	raw.conns = 1;
	raw.lat = calloc(total + 1, sizeof *raw.lat);
	for (int l = 0; l < nlevels; l++) {
		runs[l].conns = levels[l];
		runs[l].lat = calloc(n + 1, sizeof *runs[l].lat);
		client_init(&clients[l], levels[l], http_server_port(srv), p.campaign_id, hdr);
	}
	size_t block = (n + rounds - 1) / rounds;
	for (size_t off = 0; off < n; off += block) {
		size_t b = n - off < block ? n - off : block;
		for (int l = 0; l < nlevels; l++) {
			const job_t *jobs = p.jobs + (size_t)l * n + off;
			http_block(&clients[l], jobs, b, &runs[l]);
			raw_block(&rw, &p, jobs, b, &raw);
		}
	}
	for (int l = 0; l < nlevels; l++) {
		client_free(&clients[l]);
		run_finish(&runs[l]);
		printf("suotdoi, %d connection%s: %zu submissions in %.0f ms = %.0f/s, p50 %.2f ms,"
		       " p99 %.2f ms, %.2f fsyncs per submission%s\n",
		       levels[l], levels[l] > 1 ? "s" : "", n, runs[l].ms, run_rate(&runs[l]),
		       runs[l].p50, runs[l].p99, (double)runs[l].syncs / (double)n,
		       runs[l].failed ? " — FAILURES" : "");
		failed += runs[l].failed;
	}
	raw_close(&rw);
	run_finish(&raw);
	printf("raw SQLite, 1 thread: %zu commits in %.0f ms = %.0f/s, p50 %.2f ms, p99 %.2f ms,"
	       " %.2f fsyncs per commit%s\n",
	       raw.n, raw.ms, run_rate(&raw), raw.p50, raw.p99, (double)raw.syncs / (double)raw.n,
	       raw.failed ? " — FAILURES" : "");
	failed += raw.failed;
	curl_slist_free_all(hdr);
	http_server_stop(srv);
	app_close(&app);
	curl_global_cleanup();

	tally_t ts, tr;
	if (tally(pg_uri ? raw_db : srv_db, &p, pg_uri ? &m_raw : &m_srv, &ts) < 0 ||
	    tally(raw_db, &p, &m_raw, &tr) < 0)
		goto out;
	if (pg_uri) { /* the server's rows are on PostgreSQL: its submitted reports counted there */
		long long after = 0;
		if (pg_submitted(pg_uri, p.campaign_id, &after) < 0)
			goto out;
		printf("PostgreSQL: %lld reports submitted by the run (rows not compared with the "
		       "baseline's)\n",
		       after - pg_before);
		ts.submitted = after - pg_before;
	}
	int64_t rows_s = ts.reports + ts.values + ts.events + ts.audit;
	int64_t rows_r = tr.reports + tr.values + tr.events + tr.audit;
	int same = rows_s == rows_r && ts.hash == tr.hash;
	if (!pg_uri) {
		printf("rows written   suotdoi: %lld reports (%lld submitted), %lld values, %lld "
		       "events, "
		       "%lld audit = %lld\n",
		       (long long)ts.reports, (long long)ts.submitted, (long long)ts.values,
		       (long long)ts.events, (long long)ts.audit, (long long)rows_s);
		printf("rows written   raw:     %lld reports (%lld submitted), %lld values, %lld "
		       "events, "
		       "%lld audit = %lld\n",
		       (long long)tr.reports, (long long)tr.submitted, (long long)tr.values,
		       (long long)tr.events, (long long)tr.audit, (long long)rows_r);
		printf("content of those rows: %s\n",
		       same ? "identical"
		            : "DIFFERENT (the baseline does not write what the server does)");
	}
	if (ts.submitted != (int64_t)total) {
		fprintf(stderr, "expected %zu submitted reports on the suotdoi copy, found %lld\n",
		        total, (long long)ts.submitted);
		failed++;
	}

	double raw_rate = run_rate(&raw), best = 0;
	int best_k = 1;
	for (int l = 0; l < nlevels; l++)
		if (run_rate(&runs[l]) > best) {
			best = run_rate(&runs[l]);
			best_k = levels[l];
		}
	printf("best suotdoi rate / raw rate = %.0f / %.0f = %.2f (%d connection%s; target >= 0.5)"
	       " on %s, %u server threads\n",
	       best, raw_rate, best / raw_rate, best_k, best_k > 1 ? "s" : "", fs, used_threads);

	FILE *f = tsv ? fopen(tsv, "a") : NULL;
	if (tsv && !f)
		perror(tsv);
	tsv_line(f, "submit.n", "%.0f", (double)n);
	for (int l = 0; l < nlevels; l++) {
		char key[80], pre[40];
		int k = levels[l];
		if (k == 1)
			snprintf(pre, sizeof pre, "submit.http_1");
		else if (l == nlevels - 1)
			snprintf(pre, sizeof pre, "submit.http_K");
		else
			snprintf(pre, sizeof pre, "submit.http_%d", k);
		if (k > 1) {
			snprintf(key, sizeof key, "%s.conns", pre);
			tsv_line(f, key, "%.0f", k);
		}
		snprintf(key, sizeof key, "%s.per_s", pre);
		tsv_line(f, key, "%.1f", run_rate(&runs[l]));
		snprintf(key, sizeof key, "%s.p50_ms", pre);
		tsv_line(f, key, "%.3f", runs[l].p50);
		snprintf(key, sizeof key, "%s.p99_ms", pre);
		tsv_line(f, key, "%.3f", runs[l].p99);
		snprintf(key, sizeof key, "%s.fsyncs_per", pre);
		if (!pg_uri) /* PostgreSQL's are in its own processes */
			tsv_line(f, key, "%.2f", (double)runs[l].syncs / (double)n);
	}
	tsv_line(f, "submit.raw.per_s", "%.1f", raw_rate);
	tsv_line(f, "submit.raw.p50_ms", "%.3f", raw.p50);
	tsv_line(f, "submit.raw.p99_ms", "%.3f", raw.p99);
	tsv_line(f, "submit.raw.fsyncs_per", "%.2f", (double)raw.syncs / (double)raw.n);
	tsv_line(f, "submit.ratio", "%.3f", best / raw_rate);
	if (!pg_uri) {
		tsv_line(f, "submit.rows_server", "%.0f", (double)rows_s);
		tsv_line(f, "submit.rows_raw", "%.0f", (double)rows_r);
		tsv_line(f, "submit.rows_same", "%.0f", same);
	}
	tsv_line(f, "submit.server_threads", "%.0f", used_threads);
	if (f) {
		fprintf(f, "submit.fs\t%s\n", fs);
		fclose(f);
	}

	if (md) {
		buf_t rep = BUF_INIT;
		buf_printf(
		        &rep,
		        "Durable submissions through the API (`POST …/submit`, %zu numeric items, "
		        "one 200 = one durable commit), %zu per run on a copy of the national "
		        "dataset (%s), %u server threads. Baseline: raw SQLite, one thread, one "
		        "transaction per submission writing the same rows (%s: %lld rows each "
		        "side), same pragmas (WAL, synchronous=FULL).\n\n",
		        p.ncols, n, fs, used_threads,
		        same ? "identical content" : "content DIFFERS", (long long)rows_s);
		buf_printf(&rep, "| figure | suotdoi | raw SQLite | ratio | target |\n");
		buf_printf(&rep, "| --- | --- | --- | --- | --- |\n");
		for (int l = 0; l < nlevels; l++)
			buf_printf(
			        &rep,
			        "| submissions/s, %d connection%s (p50 / p99; fsyncs each) | %.0f "
			        "(%.2f / %.2f ms; %.2f) | %.0f (%.2f / %.2f ms; %.2f) | %.2f | "
			        "≥ 0.5 |\n",
			        levels[l], levels[l] > 1 ? "s" : "", run_rate(&runs[l]),
			        runs[l].p50, runs[l].p99, (double)runs[l].syncs / (double)n,
			        raw_rate, raw.p50, raw.p99, (double)raw.syncs / (double)raw.n,
			        run_rate(&runs[l]) / raw_rate);
		bench_report(md, rep.data);
		buf_free(&rep);
	}
	rc = failed || !same ? 1 : 0;
	for (int l = 0; l < nlevels; l++)
		free(runs[l].lat);
	free(raw.lat);
out:
	plan_free(&p);
	if (!keep) {
		char cmd[1300];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
	} else
		printf("copies kept in %s\n", dir);
	return rc;
}
