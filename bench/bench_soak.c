/* make soak: a long run of mixed traffic against a real server (issue 22).
 * Creates a fresh demo database, starts `suotdoi serve` on 127.0.0.1, signs in four demo
 * accounts through the login form, then runs CONNS keep-alive connections (a thread each)
 * for SECONDS of mixed traffic: page reads (dashboards HTML and JSON, report pages, the
 * chase board, unit tables), report saves and submissions through the form and the API
 * (each reporting unit cycles: save, submit, return, form save, form submit, return),
 * exports (XLSX, CSV, the annex as PDF). Prints requests by kind, the 5xx count and any
 * transport error, latency p50/p95/p99 per kind, the chase board's server time (from the
 * server's own request log), and the server's RSS after the warm-up and at the end.
 * Exits 1 on any 5xx, transport error or RSS growth of 5 % or more. Loopback only;
 * bounded in time (SECONDS) and connections.
^ * Usage: bench_soak --bin build/suotdoi --assets . --work DIR [--seconds 1800] [--conns 64]
 *             [--warmup 60] [--port 18700] */
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/mem.h"
#include "util.h"

/* ---- request kinds and their figures ---- */
enum {
	K_DASH_HTML,
	K_DASH_JSON,
	K_REPORT_PAGE,
	K_REPORT_API,
	K_CHASE_HTML,
	K_CHASE_JSON,
	K_TABLE_HTML,
	K_TABLE_JSON,
	K_SAVE_API,
	K_SUBMIT_API,
	K_RETURN_API,
	K_SAVE_FORM,
	K_SUBMIT_FORM,
	K_XLSX,
	K_CSV,
	K_PDF,
	K_N
};
static const char *const kind_name[K_N] = {
        "dashboard HTML",   "dashboard JSON",   "report page",     "report API read",
        "chase board HTML", "chase board JSON", "unit table HTML", "unit table JSON",
        "save (API)",       "submit (API)",     "return (API)",    "save (form)",
        "submit (form)",    "export XLSX",      "export CSV",      "export PDF annex"};

typedef struct lat {
	double *v;
	size_t n, cap;
} lat_t;

static void
lat_add(lat_t *l, double ms)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		l->v = realloc(l->v, l->cap * sizeof *l->v);
		if (!l->v)
			abort();
	}
	l->v[l->n++] = ms;
}

typedef struct stats {
	lat_t lat[K_N];
	long n[K_N], s2xx[K_N], s3xx[K_N], s4xx[K_N], s5xx[K_N], transport[K_N];
} stats_t;

/* ---- the demo ---- */
typedef struct user {
	const char *name, *level; /* the level whose subtree the account reads */
	char cookie[200], csrf[80];
} user_t;
static user_t users[] = {{"quantri", "VN", "", ""},
                         {"ld.haian", "306", "", ""},
                         {"pgd.haian", "306", "", ""},
                         {"ld.tienlang", "315", "", ""}};
#define NUSERS (sizeof users / sizeof users[0])

typedef struct sunit {
	char code[40], parent[40];
	pthread_mutex_t mu;
	int step, resync;
	long version;
} sunit_t;
static sunit_t *units;
static size_t nunits;
static char levels[64][40];
static size_t nlevels;

static char base[64];
static atomic_int stop;

/* ---- HTTP ---- */
typedef struct resp {
	long status;
	char *body;
	size_t len;
	double ms;
	char cookies[4][200];
	int ncookies;
} resp_t;

static size_t
on_body(char *p, size_t sz, size_t n, void *ctx)
{
	resp_t *r = ctx;
	char *b = realloc(r->body, r->len + sz * n + 1);
	if (!b)
		return 0;
	memcpy(b + r->len, p, sz * n);
	r->len += sz * n;
	b[r->len] = 0;
	r->body = b;
	return sz * n;
}

static size_t
on_header(char *p, size_t sz, size_t n, void *ctx)
{
	resp_t *r = ctx;
	size_t len = sz * n;
	if (len > 12 && !strncasecmp(p, "Set-Cookie: ", 12) && r->ncookies < 4) {
		size_t k = strcspn(p + 12, ";\r\n");
		snprintf(r->cookies[r->ncookies++], sizeof r->cookies[0], "%.*s", (int)k, p + 12);
	}
	return len;
}

/* One request on h (keep-alive); status 0 on a transport error. */
static void
req(CURL *h, const char *method, const char *path, const char *cookie, const char *csrf,
    const char *ctype, const char *body, resp_t *r)
{
	memset(r, 0, sizeof *r);
	char url[600], ch[300], xh[120], th[120];
	snprintf(url, sizeof url, "%s%s", base, path);
	struct curl_slist *hd = NULL;
	if (cookie && *cookie) {
		snprintf(ch, sizeof ch, "Cookie: %s", cookie);
		hd = curl_slist_append(hd, ch);
	}
	if (csrf && *csrf && ctype && strstr(ctype, "json")) {
		snprintf(xh, sizeof xh, "X-CSRF-Token: %s", csrf);
		hd = curl_slist_append(hd, xh);
	}
	if (ctype) {
		snprintf(th, sizeof th, "Content-Type: %s", ctype);
		hd = curl_slist_append(hd, th);
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	if (!strcmp(method, "POST")) {
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body ? body : "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)(body ? strlen(body) : 0));
	} else {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	}
	double t0 = bench_now_ms();
	if (curl_easy_perform(h) == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	r->ms = bench_now_ms() - t0;
	curl_slist_free_all(hd);
}

static void
resp_free(resp_t *r)
{
	free(r->body);
	r->body = NULL;
}

static void
note(stats_t *s, int kind, const resp_t *r, const char *path)
{
	s->n[kind]++;
	lat_add(&s->lat[kind], r->ms);
	if (r->status == 0) {
		s->transport[kind]++;
		fprintf(stderr, "soak: %s %s: transport error\n", kind_name[kind], path);
	} else if (r->status >= 500) {
		s->s5xx[kind]++;
		fprintf(stderr, "soak: %s %s: HTTP %ld %.200s\n", kind_name[kind], path, r->status,
		        r->body ? r->body : "");
	} else if (r->status >= 400)
		s->s4xx[kind]++;
	else if (r->status >= 300)
		s->s3xx[kind]++;
	else
		s->s2xx[kind]++;
}

/* The value of the first `name="key" value="..."` after from, into out. */
static int
attr_after(const char *from, const char *key, char *out, size_t cap)
{
	char pat[80];
	snprintf(pat, sizeof pat, "name=\"%s\" value=\"", key);
	const char *p = from ? strstr(from, pat) : NULL;
	if (!p)
		return -1;
	p += strlen(pat);
	snprintf(out, cap, "%.*s", (int)strcspn(p, "\""), p);
	return 0;
}

/* ---- the report form and the API body ---- */
static const char *const NARRATIVE = "Ho%E1%BA%A1t+%C4%91%E1%BB%99ng+h%E1%BB%8Dc+t%E1%BA%ADp";

/* Every field of the report form in page (a browser sends each, empty ones too): the
 * numbers filled, yes/no "1", narratives a sentence, notes empty. Into a form body and the
 * same values as the API's "values" object. */
static void
fill(const char *page, const char *csrf, char **form, char **json)
{
	buf_t f = BUF_INIT, j = BUF_INIT;
	const char *p = strstr(page, "<form class=\"report\"");
	const char *end = p ? strstr(p, "</form>") : NULL;
	char version[32] = "0";
	attr_after(p, "version", version, sizeof version);
	buf_printf(&f, "csrf=%s&version=%s", csrf, version);
	buf_puts(&j, "{");
	int first = 1;
	while (p && (p = strstr(p, " name=\"")) && p < end) {
		p += 7;
		size_t n = strcspn(p, "\"");
		char name[120];
		snprintf(name, sizeof name, "%.*s", (int)n, p);
		const char *tag = p;
		while (tag > page && *tag != '<')
			tag--;
		int textarea = !strncmp(tag, "<textarea", 9), select = !strncmp(tag, "<select", 7);
		if (!strncmp(name, "v.", 2)) {
			const char *item = name + 2;
			const char *num = strstr(item, "nguoi") ? "200" : "3";
			buf_printf(&f, "&%s=%s", name, textarea ? NARRATIVE : select ? "1" : num);
			buf_printf(&j, "%s\"%s\":%s", first ? "" : ",", item,
			           textarea ? "\"Hoạt động học tập\""
			           : select ? "true"
			                    : num);
			first = 0;
		} else if (!strncmp(name, "g.", 2))
			buf_printf(&f, "&%s=", name);
		p += n;
	}
	buf_puts(&j, "}");
	*form = xstrdup(buf_cstr(&f));
	*json = xstrdup(buf_cstr(&j));
	buf_free(&f);
	buf_free(&j);
}

/* ---- a worker: one connection ---- */
typedef struct worker {
	pthread_t th;
	int id;
	uint64_t rnd;
	stats_t s;
} worker_t;

static uint64_t
rnd(worker_t *w)
{
	w->rnd ^= w->rnd >> 12;
	w->rnd ^= w->rnd << 25;
	w->rnd ^= w->rnd >> 27;
	return w->rnd * 2685821657736338717ull;
}

/* A level the user may read. */
static const char *
level_of(worker_t *w, const user_t *u)
{
	if (!strcmp(u->level, "VN"))
		return levels[rnd(w) % nlevels];
	/* its own level, or one of the communes under it */
	for (int tries = 0; tries < 8; tries++) {
		sunit_t *x = &units[rnd(w) % nunits];
		if (!strncmp(x->code, !strcmp(u->level, "306") ? "HA-" : "TL-", 3))
			return x->parent;
	}
	return u->level;
}

static const char *
reporter_of(worker_t *w, const user_t *u)
{
	for (int tries = 0; tries < 16; tries++) {
		sunit_t *x = &units[rnd(w) % nunits];
		if (!strcmp(u->level, "VN") ||
		    !strncmp(x->code, !strcmp(u->level, "306") ? "HA-" : "TL-", 3))
			return x->code;
	}
	return NULL;
}

/* The next step of a unit's cycle, as quantri. */
static void
write_step(worker_t *w, CURL *h, sunit_t *x)
{
	user_t *u = &users[0];
	char path[200], body[200];
	resp_t r;
	if (x->resync) { /* after a refusal: where the report is now */
		snprintf(path, sizeof path, "/api/v1/campaigns/1/units/%s/report", x->code);
		req(h, "GET", path, u->cookie, NULL, NULL, NULL, &r);
		note(&w->s, K_REPORT_API, &r, path);
		if (r.status == 200 && r.body) {
			const char *v = strstr(r.body, "\"version\":");
			x->version = v ? atol(v + 10) : 0;
			x->step = strstr(r.body, "\"status\":\"submitted\"") ? 2 : 0;
			x->resync = 0;
		}
		resp_free(&r);
		return;
	}
	int kind = 0, ok = 0;
	char *form = NULL, *json = NULL;
	switch (x->step) {
	case 0:
	case 1:
	case 3:
	case 4: {
		/* the form page gives the fields (and the version) for both ways of writing */
		snprintf(path, sizeof path, "/campaigns/1/units/%s/report", x->code);
		req(h, "GET", path, u->cookie, NULL, NULL, NULL, &r);
		note(&w->s, K_REPORT_PAGE, &r, path);
		if (r.status != 200 || !r.body) {
			resp_free(&r);
			return;
		}
		fill(r.body, u->csrf, &form, &json);
		char version[32] = "0";
		attr_after(strstr(r.body, "<form class=\"report\""), "version", version,
		           sizeof version);
		resp_free(&r);
		buf_t b = BUF_INIT;
		if (x->step <= 1) {
			kind = x->step == 0 ? K_SAVE_API : K_SUBMIT_API;
			buf_printf(&b, "{\"version\":%s,\"values\":%s}", version, json);
			snprintf(path, sizeof path, "/api/v1/campaigns/1/units/%s/%s", x->code,
			         x->step == 0 ? "report" : "submit");
			req(h, "POST", path, u->cookie, u->csrf, "application/json", buf_cstr(&b),
			    &r);
			ok = r.status == 200;
		} else {
			kind = x->step == 3 ? K_SAVE_FORM : K_SUBMIT_FORM;
			snprintf(path, sizeof path, "/campaigns/1/units/%s/%s", x->code,
			         x->step == 3 ? "report" : "submit");
			req(h, "POST", path, u->cookie, u->csrf,
			    "application/x-www-form-urlencoded", form, &r);
			ok = r.status == 303;
		}
		buf_free(&b);
		break;
	}
	default: { /* 2, 5: the reviewer returns it */
		kind = K_RETURN_API;
		snprintf(path, sizeof path, "/api/v1/campaigns/1/units/%s/report", x->code);
		req(h, "GET", path, u->cookie, NULL, NULL, NULL, &r);
		note(&w->s, K_REPORT_API, &r, path);
		const char *v = r.body ? strstr(r.body, "\"version\":") : NULL;
		long version = v ? atol(v + 10) : 0;
		resp_free(&r);
		snprintf(body, sizeof body, "{\"version\":%ld,\"comment\":\"Số liệu cần xem lại\"}",
		         version);
		snprintf(path, sizeof path, "/api/v1/campaigns/1/units/%s/return", x->code);
		req(h, "POST", path, u->cookie, u->csrf, "application/json", body, &r);
		ok = r.status == 200;
	}
	}
	note(&w->s, kind, &r, path);
	if (ok)
		x->step = (x->step + 1) % 6;
	else
		x->resync = 1;
	resp_free(&r);
	free(form);
	free(json);
}

static void *
work(void *p)
{
	worker_t *w = p;
	CURL *h = curl_easy_init();
	/* weights: reads ~62 %, writes ~30 %, exports ~8 % */
	static const int weights[] = {12, 9, 8, 5, 8, 6, 5, 4, 0, 0, 0, 0, 0, 3, 3, 2};
	const int write_weight = 30;
	int total = write_weight;
	for (int k = 0; k < K_N; k++)
		total += weights[k];
	char path[300];
	while (!atomic_load(&stop)) {
		int pick = (int)(rnd(w) % (uint64_t)total), kind = -1;
		for (int k = 0; k < K_N && kind < 0; k++) {
			if (pick < weights[k])
				kind = k;
			else
				pick -= weights[k];
		}
		if (kind < 0) { /* a write: the next step of a unit nobody else holds */
			sunit_t *x = &units[rnd(w) % nunits];
			if (pthread_mutex_trylock(&x->mu) == 0) {
				write_step(w, h, x);
				pthread_mutex_unlock(&x->mu);
			}
			continue;
		}
		user_t *u = &users[rnd(w) % NUSERS];
		const char *lv = level_of(w, u), *rep = reporter_of(w, u);
		switch (kind) {
		case K_DASH_HTML: snprintf(path, sizeof path, "/campaigns/1/units/%s", lv); break;
		case K_DASH_JSON:
			snprintf(path, sizeof path, "/api/v1/campaigns/1/units/%s", lv);
			break;
		case K_REPORT_PAGE:
			snprintf(path, sizeof path, "/campaigns/1/units/%s/report", rep ? rep : lv);
			break;
		case K_REPORT_API:
			snprintf(path, sizeof path, "/api/v1/campaigns/1/units/%s/report",
			         rep ? rep : lv);
			break;
		case K_CHASE_HTML:
			snprintf(path, sizeof path, "/campaigns/1/units/%s/status", lv);
			break;
		case K_CHASE_JSON:
			snprintf(path, sizeof path, "/api/v1/campaigns/1/units/%s/status", lv);
			break;
		case K_TABLE_HTML:
			snprintf(path, sizeof path, "/campaigns/1/units/%s/table", lv);
			break;
		case K_TABLE_JSON:
			snprintf(path, sizeof path, "/api/v1/campaigns/1/units/%s/table", lv);
			break;
		case K_XLSX:
			snprintf(path, sizeof path, "/campaigns/1/units/%s/matrix?format=xlsx", lv);
			break;
		case K_CSV:
			snprintf(path, sizeof path, "/campaigns/1/units/%s/matrix?format=csv", lv);
			break;
		default: snprintf(path, sizeof path, "/campaigns/1/units/%s/phuluc.pdf", lv);
		}
		resp_t r;
		req(h, "GET", path, u->cookie, NULL, NULL, NULL, &r);
		note(&w->s, kind, &r, path);
		resp_free(&r);
	}
	curl_easy_cleanup(h);
	return NULL;
}

/* ---- the server ---- */
static pid_t server;
static lat_t chase_server_ms;
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static long log_errors, log_warns;

/* The server's log: the chase board's own time (ms= of its request lines), warnings and
 * errors counted (and shown); the rest dropped. */
static void *
read_log(void *p)
{
	FILE *f = fdopen(*(int *)p, "r");
	char line[8192];
	while (f && fgets(line, sizeof line, f)) {
		const char *m = strstr(line, "ms=");
		pthread_mutex_lock(&log_mu);
		if (m && strstr(line, "/units/:code/status ") && strstr(line, "method=GET"))
			lat_add(&chase_server_ms, atof(m + 3));
		if (strstr(line, "level=error")) {
			log_errors++;
			fprintf(stderr, "server: %s", line);
		} else if (strstr(line, "level=warn")) {
			if (log_warns++ < 20)
				fprintf(stderr, "server: %s", line);
		}
		pthread_mutex_unlock(&log_mu);
	}
	return NULL;
}

static long
rss_kb(pid_t pid)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	long kb = -1;
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "VmRSS:", 6))
			kb = atol(line + 6);
	if (f)
		fclose(f);
	return kb;
}

static int
login(CURL *h, user_t *u)
{
	resp_t r;
	req(h, "GET", "/login", NULL, NULL, NULL, NULL, &r);
	char pre[200] = "", csrf[80] = "", body[300];
	for (int k = 0; k < r.ncookies; k++)
		if (!strncmp(r.cookies[k], "sd_pre=", 7))
			snprintf(pre, sizeof pre, "%s", r.cookies[k]);
	attr_after(r.body, "csrf", csrf, sizeof csrf);
	resp_free(&r);
	snprintf(body, sizeof body, "username=%s&password=Hoctap%%402022&csrf=%s", u->name, csrf);
	req(h, "POST", "/login", pre, NULL, "application/x-www-form-urlencoded", body, &r);
	for (int k = 0; k < r.ncookies; k++)
		if (!strncmp(r.cookies[k], "sd_session=", 11))
			snprintf(u->cookie, sizeof u->cookie, "%s", r.cookies[k]);
	long st = r.status;
	resp_free(&r);
	if (st != 303 || !u->cookie[0])
		return -1;
	req(h, "GET", "/account", u->cookie, NULL, NULL, NULL, &r);
	attr_after(r.body, "csrf", u->csrf, sizeof u->csrf);
	resp_free(&r);
	return u->csrf[0] ? 0 : -1;
}

/* The reporting units of the demo and their communes: the chase board of the nation
 * before anyone has reported lists them all. */
static int
discover(CURL *h)
{
	resp_t r;
	req(h, "GET", "/api/v1/campaigns/1/units/VN/status", users[0].cookie, NULL, NULL, NULL, &r);
	if (r.status != 200) {
		resp_free(&r);
		return -1;
	}
	units = calloc(600, sizeof *units);
	const char *p = strstr(r.body, "\"not_in\":");
	snprintf(levels[nlevels++], sizeof levels[0], "VN");
	while (p && (p = strstr(p, "{\"code\":\"")) && nunits < 600) {
		p += 9;
		sunit_t *x = &units[nunits];
		snprintf(x->code, sizeof x->code, "%.*s", (int)strcspn(p, "\""), p);
		const char *q = strstr(p, "\"parent\":\"");
		if (q)
			snprintf(x->parent, sizeof x->parent, "%.*s", (int)strcspn(q + 10, "\""),
			         q + 10);
		const char *loc = strstr(p, "\"is_locality\":");
		int level = loc && !strncmp(loc + 14, "true", 4);
		/* a level's compiled report is not written here: its code joins the levels */
		int seen = 0;
		const char *lv = level ? x->code : x->parent;
		for (size_t k = 0; k < nlevels; k++)
			seen |= !strcmp(levels[k], lv);
		if (!seen && nlevels < 64)
			snprintf(levels[nlevels++], sizeof levels[0], "%s", lv);
		if (!level) {
			pthread_mutex_init(&x->mu, NULL);
			nunits++;
		}
	}
	resp_free(&r);
	return nunits > 0 ? 0 : -1;
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double
pct(lat_t *l, double p)
{
	if (!l->n)
		return 0;
	qsort(l->v, l->n, sizeof *l->v, cmp_d);
	size_t k = (size_t)(p * (double)(l->n - 1) + 0.5);
	return l->v[k];
}

int
main(int argc, char **argv)
{
	const char *bin = "build/suotdoi", *assets = ".", *workdir = "var/soak";
	int seconds = 1800, conns = 64, warmup = 60, port = 18700;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--bin"))
			bin = argv[i + 1];
		else if (!strcmp(argv[i], "--assets"))
			assets = argv[i + 1];
		else if (!strcmp(argv[i], "--work"))
			workdir = argv[i + 1];
		else if (!strcmp(argv[i], "--seconds"))
			seconds = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--conns"))
			conns = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--warmup"))
			warmup = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--port"))
			port = atoi(argv[i + 1]);
	}
	if (seconds < 10 || seconds > 86400 || conns < 1 || conns > 512 || warmup < 0 ||
	    warmup >= seconds) {
		fprintf(stderr,
		        "soak: --seconds 10..86400, --conns 1..512, --warmup below seconds\n");
		return 2;
	}
	char db[400], cmd[2200];
	mkdir(workdir, 0755);
	snprintf(db, sizeof db, "%s/soak.db", workdir);
	snprintf(cmd, sizeof cmd, "rm -f '%s' '%s-wal' '%s-shm' && '%s' demo --db '%s' >/dev/null",
	         db, db, db, bin, db);
	if (system(cmd) != 0) {
		fprintf(stderr, "soak: could not create the demo database %s\n", db);
		return 1;
	}
	snprintf(base, sizeof base, "http://127.0.0.1:%d", port);
	int fds[2];
	if (pipe(fds) < 0)
		return 1;
	char listen[40];
	snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
	server = fork();
	if (server == 0) {
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		execl(bin, bin, "serve", "--db", db, "--listen", listen, "--assets", assets,
		      (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	pthread_t logth;
	pthread_create(&logth, NULL, read_log, &fds[0]);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURL *h = curl_easy_init();
	resp_t r = {0};
	for (int k = 0; k < 500 && r.status != 200; k++) {
		usleep(20000);
		req(h, "GET", "/healthz", NULL, NULL, NULL, NULL, &r);
		resp_free(&r);
	}
	int rc = 1;
	if (r.status != 200) {
		fprintf(stderr, "soak: the server did not come up on %s\n", base);
		goto out;
	}
	for (size_t k = 0; k < NUSERS; k++)
		if (login(h, &users[k]) < 0) {
			fprintf(stderr, "soak: could not sign in as %s\n", users[k].name);
			goto out;
		}
	if (discover(h) < 0) {
		fprintf(stderr, "soak: no reporting unit found on the chase board\n");
		goto out;
	}
	fprintf(stderr,
	        "soak: %d connections, %d s (warm-up %d s), %zu reporting units, %zu levels, "
	        "%zu accounts, server pid %d\n",
	        conns, seconds, warmup, nunits, nlevels, NUSERS, (int)server);
	worker_t *ws = calloc((size_t)conns, sizeof *ws);
	double t0 = bench_now_ms();
	for (int k = 0; k < conns; k++) {
		ws[k].id = k;
		ws[k].rnd = 0x9E3779B97F4A7C15ull * (uint64_t)(k + 1);
		pthread_create(&ws[k].th, NULL, work, &ws[k]);
	}
	long rss0 = -1, rss_peak = 0;
	for (int s = 1; s <= seconds; s++) {
		sleep(1);
		long kb = rss_kb(server);
		if (kb > rss_peak)
			rss_peak = kb;
		if (s == warmup)
			rss0 = kb;
		if (s % 60 == 0)
			fprintf(stderr, "soak: %d s, RSS %ld kB\n", s, kb);
	}
	if (rss0 < 0)
		rss0 = rss_kb(server);
	atomic_store(&stop, 1);
	for (int k = 0; k < conns; k++)
		pthread_join(ws[k].th, NULL);
	double elapsed = (bench_now_ms() - t0) / 1000;
	long rss1 = rss_kb(server);

	/* the figures */
	stats_t all = {0};
	long total = 0, e5 = 0, tr = 0;
	for (int k = 0; k < K_N; k++) {
		for (int c = 0; c < conns; c++) {
			stats_t *s = &ws[c].s;
			all.n[k] += s->n[k];
			all.s2xx[k] += s->s2xx[k];
			all.s3xx[k] += s->s3xx[k];
			all.s4xx[k] += s->s4xx[k];
			all.s5xx[k] += s->s5xx[k];
			all.transport[k] += s->transport[k];
			for (size_t j = 0; j < s->lat[k].n; j++)
				lat_add(&all.lat[k], s->lat[k].v[j]);
			free(s->lat[k].v);
		}
		total += all.n[k];
		e5 += all.s5xx[k];
		tr += all.transport[k];
	}
	printf("| kind | requests | 2xx | 3xx | 4xx | 5xx | transport errors | p50 ms | p95 ms | "
	       "p99 ms |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
	       "|\n");
	for (int k = 0; k < K_N; k++)
		printf("| %s | %ld | %ld | %ld | %ld | %ld | %ld | %.1f | %.1f | %.1f |\n",
		       kind_name[k], all.n[k], all.s2xx[k], all.s3xx[k], all.s4xx[k], all.s5xx[k],
		       all.transport[k], pct(&all.lat[k], 0.5), pct(&all.lat[k], 0.95),
		       pct(&all.lat[k], 0.99));
	pthread_mutex_lock(&log_mu);
	double ch50 = pct(&chase_server_ms, 0.5), ch95 = pct(&chase_server_ms, 0.95),
	       ch99 = pct(&chase_server_ms, 0.99);
	size_t chn = chase_server_ms.n;
	long lerr = log_errors;
	pthread_mutex_unlock(&log_mu);
	double growth = rss0 > 0 ? 100.0 * (double)(rss1 - rss0) / (double)rss0 : 0;
	printf("\nrequests: %ld in %.0f s (%.0f/s) over %d connections; 5xx: %ld; transport "
	       "errors: %ld; server log errors: %ld\n",
	       total, elapsed, (double)total / elapsed, conns, e5, tr, lerr);
	printf("chase board, server time (its request log, %zu requests): p50 %.3f ms, p95 %.3f "
	       "ms, p99 %.3f ms\n",
	       chn, ch50, ch95, ch99);
	printf("server RSS: %ld kB after the %d s warm-up, %ld kB at the end (%+.1f %%), peak "
	       "%ld kB\n",
	       rss0, warmup, rss1, growth, rss_peak);
	rc = e5 == 0 && tr == 0 && growth < 5.0 ? 0 : 1;
	printf("soak: %s\n",
	       rc == 0 ? "ok" : "FAILED (5xx, transport errors or RSS growth >= 5 %)");
	free(ws);
out:
	curl_easy_cleanup(h);
	kill(server, SIGTERM);
	int st;
	waitpid(server, &st, 0);
	pthread_join(logth, NULL);
	return rc;
}
