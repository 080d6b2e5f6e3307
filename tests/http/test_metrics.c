/* Monitoring over real HTTP (issue 21): GET /metrics in the Prometheus text format (every
 * line parsed; HELP and TYPE once per family; histograms cumulative with +Inf equal to
 * _count), its counters moved by exactly the requests made (by route pattern, method and
 * status), the writer's commits by a report saved through the JSON API, the outbox backlog
 * by rows written beside the server; /metrics refused (404) to a client outside
 * metrics_allow and to one that came through a proxy; GET /readyz 200 on a good
 * database and 503 when the schema applied is not the one the program knows. Run on SQLite
 * and (http_pg_test_metrics) on PostgreSQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "core/netlist.h"
#include "domain/demo.h"
#include "helper_app.h"

#define PASSWORD "Do-luong-kiem-tra-21"
#define SCHOOL "HA-11413-TH"

static char tmpdir[] = "/tmp/suotdoi-metrics-XXXXXX";
static char db[256];
static app_t app;
static http_server_t *srv;
static unsigned short port;
static int64_t campaign;
static ha_client_t head;

static int
setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir) || ha_demo_store(tmpdir, "m.db", db, sizeof db) < 0 ||
	    ha_serve(&app, db, &srv, &port) < 0)
		return -1;
	ha_throttles(&app, 1000, 1000);
	unit_tree_t *t = app_tree(&app);
	int rc = demo_campaign(app.store, t, TEST_SOURCE_DIR, &campaign);
	unit_tree_unref(t);
	if (rc < 0)
		return -1;
	ha_user(&app, "hieutruong.th", SCHOOL, ROLE_HEAD, PASSWORD);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return ha_login(port, &head, "hieutruong.th", PASSWORD) == 303 ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	return ha_stop(srv, &app, tmpdir);
}

/* ---- the exposition, parsed ---- */

#define MAX_SAMPLES 8192
typedef struct scrape {
	size_t n;
	char *key[MAX_SAMPLES]; /* "name{labels}" exactly as written */
	double value[MAX_SAMPLES];
	double in_flight;
} scrape_t;

static void
scrape_free(scrape_t *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->key[i]);
	s->n = 0;
}

static int
name_char(char c, int first)
{
	return isalpha((unsigned char)c) || c == '_' || c == ':' ||
	       (!first && isdigit((unsigned char)c));
}

/* The family a sample belongs to: its name less _bucket/_sum/_count when that family is a
 * histogram. */
static void
family_of(const char *name, const char *hist_family, char *out, size_t cap)
{
	size_t hl = hist_family ? strlen(hist_family) : 0;
	if (hl && !strncmp(name, hist_family, hl) &&
	    (!strcmp(name + hl, "_bucket") || !strcmp(name + hl, "_sum") ||
	     !strcmp(name + hl, "_count")))
		snprintf(out, cap, "%s", hist_family);
	else
		snprintf(out, cap, "%s", name);
}

/* Parses body: each line a comment (# HELP / # TYPE of the family that follows, once each)
 * or name{label="v",...} value; samples of a family together after its TYPE. Fails the test
 * at the first line that is not. */
static void
parse(const char *body, scrape_t *s)
{
	char families[512][96];
	size_t nfam = 0;
	char cur[96] = "", cur_type[16] = "", hist[96] = "";
	int seen_help = 0;
	s->n = 0;
	s->in_flight = -1;
	int lineno = 0;
	for (const char *p = body; *p;) {
		const char *e = strchr(p, '\n');
		if (e == NULL)
			fail_msg("line %d does not end with a newline", lineno + 1);
		char line[2048];
		size_t len = (size_t)(e - p);
		assert_true(len < sizeof line);
		memcpy(line, p, len);
		line[len] = '\0';
		p = e + 1;
		lineno++;
		if (!strncmp(line, "# HELP ", 7) || !strncmp(line, "# TYPE ", 7)) {
			char name[96], rest[1024] = "";
			if (sscanf(line + 7, "%95s %1023[^\n]", name, rest) < 1 || !rest[0])
				fail_msg("line %d: a comment without its text: %s", lineno, line);
			if (strcmp(name, cur) != 0) { /* a new family */
				for (size_t i = 0; i < nfam; i++)
					if (!strcmp(families[i], name))
						fail_msg("line %d: family %s described twice",
						         lineno, name);
				assert_true(nfam < 512);
				snprintf(families[nfam++], sizeof families[0], "%s", name);
				snprintf(cur, sizeof cur, "%s", name);
				cur_type[0] = hist[0] = '\0';
				seen_help = 0;
			}
			if (line[2] == 'H') {
				if (seen_help++)
					fail_msg("line %d: second HELP for %s", lineno, name);
			} else {
				if (cur_type[0])
					fail_msg("line %d: second TYPE for %s", lineno, name);
				if (strcmp(rest, "counter") && strcmp(rest, "gauge") &&
				    strcmp(rest, "histogram"))
					fail_msg("line %d: type %s", lineno, rest);
				snprintf(cur_type, sizeof cur_type, "%.15s", rest);
				if (!strcmp(rest, "histogram"))
					snprintf(hist, sizeof hist, "%s", name);
				if (!strcmp(rest, "counter") &&
				    strcmp(name + strlen(name) - 6, "_total"))
					fail_msg("line %d: counter %s does not end in _total",
					         lineno, name);
			}
			continue;
		}
		if (line[0] == '#' || line[0] == '\0')
			fail_msg("line %d: unexpected \"%s\"", lineno, line);
		/* name */
		size_t i = 0;
		char name[96];
		while (name_char(line[i], i == 0))
			i++;
		if (i == 0 || i >= sizeof name)
			fail_msg("line %d: no metric name: %s", lineno, line);
		memcpy(name, line, i);
		name[i] = '\0';
		char fam[96];
		family_of(name, hist[0] ? hist : NULL, fam, sizeof fam);
		if (strcmp(fam, cur) != 0 || !cur_type[0])
			fail_msg("line %d: %s outside its family's TYPE (current %s)", lineno, name,
			         cur);
		/* labels */
		if (line[i] == '{') {
			i++;
			while (line[i] != '}') {
				size_t k = i;
				while (name_char(line[i], i == k))
					i++;
				if (i == k || line[i] != '=' || line[i + 1] != '"')
					fail_msg("line %d: bad label at %zu: %s", lineno, i, line);
				i += 2;
				while (line[i] != '"') {
					if (line[i] == '\0')
						fail_msg("line %d: unterminated label", lineno);
					if (line[i] == '\\') {
						if (line[i + 1] != '\\' && line[i + 1] != '"' &&
						    line[i + 1] != 'n')
							fail_msg("line %d: bad escape", lineno);
						i++;
					}
					i++;
				}
				i++;
				if (line[i] == ',')
					i++;
				else if (line[i] != '}')
					fail_msg("line %d: expected , or }: %s", lineno, line);
			}
			i++;
		}
		if (line[i] != ' ')
			fail_msg("line %d: no space before the value: %s", lineno, line);
		const char *v = line + i + 1;
		double d;
		if (!strcmp(v, "+Inf"))
			d = INFINITY;
		else if (!strcmp(v, "-Inf"))
			d = -INFINITY;
		else if (!strcmp(v, "NaN"))
			d = NAN;
		else {
			char *end;
			d = strtod(v, &end);
			if (end == v || *end != '\0')
				fail_msg("line %d: value \"%s\" is not a float", lineno, v);
		}
		assert_true(s->n < MAX_SAMPLES);
		s->key[s->n] = strndup(line, i);
		s->value[s->n] = d;
		for (size_t j = 0; j < s->n; j++)
			if (!strcmp(s->key[j], s->key[s->n]))
				fail_msg("line %d: series %s twice", lineno, s->key[s->n]);
		s->n++;
		if (!strcmp(name, "suotdoi_http_requests_in_flight"))
			s->in_flight = d;
	}
}

/* The value of series key, 0 when absent (a counter not yet moved). */
static double
val(const scrape_t *s, const char *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->key[i], key))
			return s->value[i];
	return 0;
}

static int
has(const scrape_t *s, const char *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->key[i], key))
			return 1;
	return 0;
}

/* Every histogram: buckets cumulative in increasing le, the last +Inf equal to _count. */
static void
check_histograms(const scrape_t *s)
{
	int nhist = 0;
	for (size_t i = 0; i < s->n; i++) {
		const char *k = s->key[i];
		const char *b = strstr(k, "_bucket{");
		if (!b || !strstr(k, "le=\"+Inf\""))
			continue;
		nhist++;
		/* walk back over this series' buckets */
		double prev = s->value[i], prev_le = INFINITY;
		size_t j = i;
		while (j > 0 && strstr(s->key[j - 1], "_bucket{") &&
		       !strncmp(s->key[j - 1], k, (size_t)(b - k))) {
			j--;
			const char *le = strstr(s->key[j], "le=\"");
			double l = strtod(le + 4, NULL);
			if (s->value[j] > prev || !(l < prev_le))
				fail_msg("%s: buckets not cumulative", s->key[j]);
			prev = s->value[j];
			prev_le = l;
		}
		char count[1024];
		const char *labels = strchr(k, '{');
		const char *lab_end = strstr(k, "le=\"+Inf\"");
		size_t nl = (size_t)(lab_end - labels - 1);
		if (nl > 0)
			nl--; /* the comma before le */
		snprintf(count, sizeof count, "%.*s_count%s%.*s%s", (int)(b - k), k, nl ? "{" : "",
		         (int)nl, labels + 1, nl ? "}" : "");
		if (!has(s, count) || val(s, count) != s->value[i])
			fail_msg("%s: +Inf %g, %s %g", k, s->value[i], count, val(s, count));
	}
	assert_true(nhist >= 4);
}

static void
scrape(scrape_t *s)
{
	hc_resp_t r;
	assert_int_equal(hc_get(port, "/metrics", &r), 0);
	if (r.status != 200)
		fail_msg("/metrics: %ld %s", r.status, buf_cstr(&r.body));
	char ct[128];
	assert_non_null(hc_header(&r, "Content-Type", ct, sizeof ct));
	assert_string_equal(ct, "text/plain; version=0.0.4; charset=utf-8");
	parse(buf_cstr(&r.body), s);
	check_histograms(s);
	hc_resp_free(&r);
}

static long
get_status(const char *path)
{
	hc_resp_t r;
	assert_int_equal(hc_get(port, path, &r), 0);
	long st = r.status;
	hc_resp_free(&r);
	return st;
}

#define REQ(route, method, status)                                                                 \
	"suotdoi_http_requests_total{route=\"" route "\",method=\"" method "\",status=\"" status   \
	"\"}"
#define SAVE_ROUTE "/api/v1/campaigns/:id/units/:code/report"

static void
test_counters_move(void **state)
{
	(void)state;
	scrape_t *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
	scrape(a);
	/* the requests: three unit pages, two unknown paths, one health check, one save */
	for (int i = 0; i < 3; i++)
		assert_int_equal(get_status("/units/306"), 200);
	assert_int_equal(get_status("/khong-co-trang-nay"), 404);
	assert_int_equal(get_status("/units/306/khong/co"), 404);
	assert_int_equal(get_status("/healthz"), 200);
	char path[200];
	snprintf(path, sizeof path, "/api/v1/campaigns/%lld/units/%s/report", (long long)campaign,
	         SCHOOL);
	hc_resp_t r = ha_req(port, &head, "POST", path, "{\"values\":{\"2.bao\":7}}", 1);
	if (r.status != 200)
		fail_msg("save: %ld %s", r.status, buf_cstr(&r.body));
	hc_resp_free(&r);
	/* a request's counters move when it has ended, which the server may note a moment
	 * after the client has the reply: scrape until the last one shows (a few ms) */
	int scrapes = 1;
	for (int tries = 0;; tries++) {
		scrape(b);
		scrapes++;
		if (val(b, REQ(SAVE_ROUTE, "POST", "200")) -
		                    val(a, REQ(SAVE_ROUTE, "POST", "200")) >=
		            1 ||
		    tries == 100)
			break;
		scrape_free(b);
		usleep(20000);
	}
	assert_int_equal(val(b, REQ("/units/:code", "GET", "200")) -
	                         val(a, REQ("/units/:code", "GET", "200")),
	                 3);
	assert_int_equal(
	        val(b, REQ("unmatched", "GET", "404")) - val(a, REQ("unmatched", "GET", "404")), 2);
	assert_int_equal(
	        val(b, REQ("/healthz", "GET", "200")) - val(a, REQ("/healthz", "GET", "200")), 1);
	assert_int_equal(
	        val(b, REQ(SAVE_ROUTE, "POST", "200")) - val(a, REQ(SAVE_ROUTE, "POST", "200")), 1);
	/* nothing else moved on those routes */
	assert_int_equal(val(b, REQ("/units/:code", "GET", "404")) -
	                         val(a, REQ("/units/:code", "GET", "404")),
	                 0);
	assert_false(has(b, REQ("/units/:code", "POST", "200")));
	/* the scrapes before the last one, each counted once it ended */
	double m = val(b, REQ("/metrics", "GET", "200")) - val(a, REQ("/metrics", "GET", "200"));
	assert_true(m >= 1 && m <= scrapes - 1);
	/* the duration histogram counted the same requests */
	const char *cnt = "suotdoi_http_request_duration_seconds_count{route=\"/units/"
	                  ":code\",method=\"GET\"}";
	assert_int_equal(val(b, cnt) - val(a, cnt), 3);
	const char *sum =
	        "suotdoi_http_request_duration_seconds_sum{route=\"/units/:code\",method=\"GET\"}";
	assert_true(val(b, sum) > val(a, sum));
	/* only the scrape itself is in flight */
	assert_true(b->in_flight >= 1 && b->in_flight <= 2);
	/* the save went through the writer: a group committed and made durable */
	assert_true(val(b, "suotdoi_writer_commits_total") >=
	            val(a, "suotdoi_writer_commits_total") + 1);
	assert_true(val(b, "suotdoi_writer_writes_total") >=
	            val(a, "suotdoi_writer_writes_total") + 1);
	assert_true(val(b, "suotdoi_writer_syncs_total") >= 1);
	assert_true(val(b, "suotdoi_writer_group_size_count") >=
	            val(a, "suotdoi_writer_group_size_count") + 1);
	assert_true(val(b, "suotdoi_writer_fsync_duration_seconds_count") >= 1);
	assert_true(has(b, "suotdoi_writer_queue_depth"));
	/* the campaign is loaded with its roll-up */
	assert_true(val(b, "suotdoi_live_campaigns") >= 1);
	assert_true(val(b, "suotdoi_live_rollup_bytes") > 0);
	assert_true(has(b, "suotdoi_pagecache_bytes"));
	scrape_free(a);
	scrape_free(b);
	free(a);
	free(b);
}

static void
test_process_and_build(void **state)
{
	(void)state;
	scrape_t *s = calloc(1, sizeof *s);
	scrape(s);
	int found = 0;
	const char *want = ha_served_pg(db) ? "backend=\"postgresql\"" : "backend=\"sqlite\"";
	for (size_t i = 0; i < s->n; i++)
		if (!strncmp(s->key[i], "suotdoi_build_info{version=\"", 28) &&
		    strstr(s->key[i], want) && s->value[i] == 1)
			found = 1;
	assert_true(found);
	double now = (double)time(NULL);
	double start = val(s, "process_start_time_seconds");
	assert_true(start > now - 3600 && start <= now + 2);
	double up = val(s, "suotdoi_uptime_seconds");
	assert_true(up >= 0 && fabs(start + up - now) < 5);
	assert_true(val(s, "process_resident_memory_bytes") > 1e6);
	assert_true(val(s, "process_open_fds") >= 3);
	assert_true(val(s, "process_open_fds") < val(s, "process_max_fds"));
	scrape_free(s);
	free(s);
}

/* Mails written beside the server (another instance, or the command line, would) show in
 * the next scrape: pending and failed apart, sent in neither. */
static void
test_outbox_backlog(void **state)
{
	(void)state;
	scrape_t *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
	scrape(a);
	assert_true(has(a, "suotdoi_outbox_pending"));
	assert_true(has(a, "suotdoi_outbox_failed"));
	char err[512];
	const char *sql =
	        "INSERT INTO outbox(recipient,subject,body_text,status,created_at,next_at) VALUES"
	        "('a@example.org','s','b','pending',1,1),('b@example.org','s','b','pending',1,1),"
	        "('c@example.org','s','b','pending',1,1),('d@example.org','s','b','failed',1,1),"
	        "('e@example.org','s','b','sent',1,1)";
	if (ha_sql(db, sql, err, sizeof err) < 0)
		fail_msg("%s", err);
	scrape(b);
	assert_int_equal(val(b, "suotdoi_outbox_pending") - val(a, "suotdoi_outbox_pending"), 3);
	assert_int_equal(val(b, "suotdoi_outbox_failed") - val(a, "suotdoi_outbox_failed"), 1);
	scrape_free(a);
	scrape_free(b);
	free(a);
	free(b);
}

static void
set_allow(const char *text)
{
	char err[256];
	if (app_settings_set_nets(&app, NULL, text, err, sizeof err) < 0)
		fail_msg("%s", err);
}

static long
get_with(const char *path, const char *header)
{
	const char *hdrs[] = {header, NULL};
	hc_opts_t o = {.headers = header ? hdrs : NULL};
	hc_resp_t r;
	CURL *c = curl_easy_init();
	assert_int_equal(hc_request(c, port, path, &o, &r), 0);
	curl_easy_cleanup(c);
	long st = r.status;
	if (st == 200 && !strcmp(path, "/metrics"))
		assert_non_null(strstr(buf_cstr(&r.body), "suotdoi_http_requests_total"));
	if (st == 404)
		assert_null(strstr(buf_cstr(&r.body), "suotdoi_"));
	hc_resp_free(&r);
	return st;
}

/* /metrics answers only the allowed addresses, whoever is signed in, and never a request
 * that came through a proxy; the others get the site's 404, as for a page that does not
 * exist. */
static void
test_allow_list(void **state)
{
	(void)state;
	assert_int_equal(get_with("/metrics", NULL), 200);
	set_allow("10.0.0.0/8, fd00::/8");
	assert_int_equal(get_with("/metrics", NULL), 404);
	char cookie[450];
	snprintf(cookie, sizeof cookie, "Cookie: %s", head.cookie);
	assert_int_equal(get_with("/metrics", cookie), 404); /* signed in changes nothing */
	assert_int_equal(get_with("/readyz", NULL), 200);    /* readiness stays public */
	set_allow("");
	assert_int_equal(get_with("/metrics", NULL), 404);
	set_allow("127.0.0.0/8");
	assert_int_equal(get_with("/metrics", NULL), 200);
	/* a reverse proxy on this machine would forward anyone's request from 127.0.0.1 */
	assert_int_equal(get_with("/metrics", "X-Forwarded-For: 203.0.113.7"), 404);
	assert_int_equal(get_with("/metrics", "X-Forwarded-For: 127.0.0.1"), 404);
	assert_int_equal(get_with("/metrics", "Forwarded: for=203.0.113.7"), 404);
	assert_int_equal(get_with("/metrics", "X-Real-IP: 203.0.113.7"), 404);
	set_allow(APP_METRICS_ALLOW);
	assert_int_equal(get_with("/metrics", NULL), 200);
	/* the refusals were counted, under the route; a request is counted when it has ended,
	 * which the server may note a moment after the client has the reply (a loaded machine
	 * once showed 6): scrape until the last one shows */
	scrape_t *s = calloc(1, sizeof *s);
	for (int tries = 0;; tries++) {
		scrape(s);
		if (val(s, REQ("/metrics", "GET", "404")) >= 7 || tries == 100)
			break;
		scrape_free(s);
		usleep(20000);
	}
	assert_true(val(s, REQ("/metrics", "GET", "404")) >= 7);
	scrape_free(s);
	free(s);
}

static void
test_readyz(void **state)
{
	(void)state;
	hc_resp_t r;
	assert_int_equal(hc_get(port, "/readyz", &r), 0);
	assert_int_equal(r.status, 200);
	assert_string_equal(buf_cstr(&r.body), "ready\n");
	hc_resp_free(&r);
	/* a newer binary's migration applied to the database (a rolling upgrade gone wrong):
	 * this instance should not take traffic */
	char err[512];
	if (ha_sql(db,
	           "INSERT INTO schema_migrations(version,name,applied_at) VALUES(999,'future',"
	           "'2099-01-01T00:00:00Z')",
	           err, sizeof err) < 0)
		fail_msg("%s", err);
	assert_int_equal(hc_get(port, "/readyz", &r), 0);
	assert_int_equal(r.status, 503);
	assert_non_null(strstr(buf_cstr(&r.body), "lược đồ"));
	assert_null(strstr(buf_cstr(&r.body), "999")); /* no detail for strangers */
	hc_resp_free(&r);
	if (ha_sql(db, "DELETE FROM schema_migrations WHERE version=999", err, sizeof err) < 0)
		fail_msg("%s", err);
	assert_int_equal(get_status("/readyz"), 200);
	/* liveness is the HTTP layer's own */
	assert_int_equal(get_status("/healthz"), 200);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_counters_move),  cmocka_unit_test(test_process_and_build),
	        cmocka_unit_test(test_outbox_backlog), cmocka_unit_test(test_allow_list),
	        cmocka_unit_test(test_readyz),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
