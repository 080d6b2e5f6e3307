/* bench_weight: what the main pages weigh on the wire and how soon they paint on a weak
 * 3G link, in a real headless Chromium (issue 17's budgets: the results form <= 40 KB on the
 * first load, <= 10 KB on a repeat visit, first render <= 2 s at 400 kbit/s, 400 ms).
 *
 * The real server binary serves a fresh demo database (`suotdoi demo`); the browser is a
 * phone's screen (360 x 740) driven over WebDriver by tests/http/helper_browser.c, with
 * DevTools network emulation (400 ms latency, 50,000 bytes/s down and up) and service
 * workers bypassed. For each page, N times: the browser cache and cookies emptied, signed in
 * again by cookie, the page loaded (the first load), left for another page (/healthz) and loaded again
 * (the repeat visit, cache warm). Then once more cold with Accept-Encoding: identity (the
 * baseline without gzip). Bytes are the DevTools Network events' encodedDataLength of every
 * request of the load (headers included, as read from the socket), taken from chromedriver's
 * performance log; first contentful paint and load from Paint and Navigation Timing.
 * Medians of N.
 *
 * Usage: bench_weight --bin SUOTDOI --assets DIR --work DIR [--port P] [--n N] [--tsv OUT]
 *        [--out OUT.md] [--only PAGE-KEY]; BENCH_WEIGHT_VERBOSE=1 lists every request.
 * Prints the table (and appends it to --out); key<TAB>value figures to --tsv. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"
#include "helper_browser.h"

#define LATENCY_MS 400
#define BYTES_PER_S 50000 /* 400 kbit/s */
#define WIDTH 360
#define HEIGHT 740
#define BUDGET_FIRST 40000 /* bytes: 40 KB read as 40,000, the stricter reading */
#define BUDGET_REPEAT 10000
#define BUDGET_PAINT_MS 2000
#define PASSWORD "Hoctap@2022"
#define MAXRUNS 21

/* The main pages of the demo, as the person who uses each. */
typedef struct page {
	const char *key, *label, *user, *path;
} page_t;
static const page_t pages[] = {
        {"report", "phiếu báo cáo (results form), th.danglam", "th.danglam",
         "/campaigns/1/units/HA-11413-TH/report"},
        {"home", "trang chủ (home), th.danglam", "th.danglam", "/"},
        {"activities", "hoạt động (activities list), tthtcd.danglam", "tthtcd.danglam",
         "/units/HA-11413-TTHTCD/activities"},
        {"activity_new", "đăng ký hoạt động (new-activity form), tthtcd.danglam",
         "tthtcd.danglam", "/units/HA-11413-TTHTCD/activities/new"},
        {"dashboard", "bảng tổng hợp quận Hải An (district dashboard), pgd.haian",
         "pgd.haian", "/campaigns/1/units/306"},
        {"lich", "lịch công khai /lich (public calendar), anonymous", NULL, "/lich"},
        {"login", "đăng nhập (sign-in page), anonymous", NULL, "/login"},
};
#define NPAGES (sizeof pages / sizeof pages[0])

/* One load of a page as the browser saw it. */
typedef struct load {
	double bytes;    /* sum of encodedDataLength: headers and bodies as received */
	double requests; /* requests of the load (data: URLs aside) */
	double wire;     /* of which went to the network (not from a cache) */
	double fcp_ms, load_ms;
	double rt_bytes;   /* Resource Timing's transferSize, summed: the cross-check */
	double identity;   /* responses that came without Content-Encoding */
	double encoded;    /* responses that came gzipped */
	double from_sw;    /* responses a service worker answered */
	double server_bytes; /* the server's access log: bodies sent during the load */
	double server_requests;
	double extra_bytes; /* requests the server logged that the page did not make (a */
	double extra_requests; /* service worker's), at their body + the mean header size */
	double header_mean; /* bytes of a response's headers, mean over the page's own */
	long mark; /* the server's log where the load began */
} load_t;

static pid_t server = -1;
static int has_sw; /* /sw.js answers: wait for the worker's fetches too */
static char logpath[4200]; /* the server's output: its access log among it */
static unsigned short port;
static FILE *tsv;
static int verbose; /* BENCH_WEIGHT_VERBOSE=1: every request of every load on stderr */

static int
die(const char *msg)
{
	fprintf(stderr, "bench_weight: %s\n", msg);
	return 1;
}

static void
stop_server(void)
{
	if (server > 0) {
		kill(server, SIGTERM);
		waitpid(server, NULL, 0);
		server = -1;
	}
}

static void
put(const char *key, const char *fmt, ...)
{
	if (!tsv)
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(tsv, "%s\t", key);
	vfprintf(tsv, fmt, ap);
	fputc('\n', tsv);
	va_end(ap);
	fflush(tsv);
}

/* Run argv to its end, its output to the log; its exit status, -1 when it could not run. */
static int
run(char *const argv[])
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (!freopen(logpath, "a", stdout) || !freopen(logpath, "a", stderr))
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static size_t
discard(char *p, size_t size, size_t n, void *u)
{
	(void)p;
	(void)u;
	return size * n;
}

static json_t *
cdp(const char *cmd, json_t *params)
{
	return hb_cmd("POST", "/goog/cdp/execute",
	              json_pack("{s:s, s:o}", "cmd", cmd, "params", params ? params : json_object()));
}

static void
cdp_void(const char *cmd, json_t *params)
{
	json_decref(cdp(cmd, params));
}

/* The emulated 3G link, or none. */
static void
throttle(int on)
{
	cdp_void("Network.emulateNetworkConditions",
	         json_pack("{s:b, s:i, s:i, s:i}", "offline", 0, "latency", on ? LATENCY_MS : 0,
	                   "downloadThroughput", on ? BYTES_PER_S : -1, "uploadThroughput",
	                   on ? BYTES_PER_S : -1));
}

/* Every service worker and its caches of the server's origin forgotten. */
static void
forget_workers(void)
{
	char origin[64];
	snprintf(origin, sizeof origin, "http://127.0.0.1:%u", (unsigned)port);
	cdp_void("Storage.clearDataForOrigin", json_pack("{s:s, s:s}", "origin", origin,
	                                                 "storageTypes",
	                                                 "service_workers,cache_storage"));
}

/* A new visitor: the browser's HTTP cache, cookies and service workers emptied, then (user)
 * signed in again by its session cookie, set on a page of the server's origin. */
static void
cold(const ha_client_t *user)
{
	throttle(0);
	hb_go(port, "/healthz");
	cdp_void("Network.clearBrowserCache", NULL);
	cdp_void("Network.clearBrowserCookies", NULL);
	forget_workers();
	if (user)
		hb_sign_in(user);
}

static const char *
header(json_t *headers, const char *name)
{
	const char *k;
	json_t *v;
	json_object_foreach(headers, k, v) {
		if (!strcasecmp(k, name))
			return json_string_value(v);
	}
	return NULL;
}

/* Fold the logged events into reqs (requestId -> what is known of that request). Returns
 * how many events were about the load's requests. */
static int
fold(json_t *reqs, json_t *events, double *redirect_bytes)
{
	size_t i;
	json_t *ev;
	int n = 0;
	json_array_foreach(events, i, ev) {
		const char *m = json_string_value(json_object_get(ev, "method"));
		json_t *p = json_object_get(ev, "params");
		const char *id = json_string_value(json_object_get(p, "requestId"));
		if (!m || !id)
			continue;
		json_t *r = json_object_get(reqs, id);
		if (!strcmp(m, "Network.requestWillBeSent")) {
			const char *url = json_string_value(
			        json_object_get(json_object_get(p, "request"), "url"));
			if (!url || !strncmp(url, "data:", 5))
				continue;
			json_t *redir = json_object_get(p, "redirectResponse");
			if (redir)
				*redirect_bytes += json_number_value(
				        json_object_get(redir, "encodedDataLength"));
			if (!r) {
				r = json_pack("{s:s, s:b, s:f}", "url", url, "done", 0, "bytes", 0.0);
				json_object_set_new(reqs, id, r);
			}
			n++;
			continue;
		}
		if (!r)
			continue;
		n++;
		if (!strcmp(m, "Network.requestServedFromCache")) {
			json_object_set_new(r, "cached", json_true());
		} else if (!strcmp(m, "Network.responseReceived")) {
			json_t *resp = json_object_get(p, "response");
			if (json_is_true(json_object_get(resp, "fromDiskCache")) ||
			    json_is_true(json_object_get(resp, "fromPrefetchCache")))
				json_object_set_new(r, "cached", json_true());
			if (json_is_true(json_object_get(resp, "fromServiceWorker")))
				json_object_set_new(r, "sw", json_true());
			const char *enc = header(json_object_get(resp, "headers"), "Content-Encoding");
			json_object_set_new(r, "enc", json_string(enc ? enc : ""));
			/* what had come when the headers were read: the headers */
			json_object_set_new(r, "hdr", json_real(json_number_value(
			                                       json_object_get(resp, "encodedDataLength"))));
		} else if (!strcmp(m, "Network.loadingFinished")) {
			json_object_set_new(r, "bytes",
			                    json_real(json_number_value(
			                            json_object_get(p, "encodedDataLength"))));
			json_object_set_new(r, "done", json_true());
		} else if (!strcmp(m, "Network.loadingFailed")) {
			json_object_set_new(r, "done", json_true());
			json_object_set_new(r, "failed", json_true());
		}
	}
	return n;
}

/* Where the server's log ends now. */
static long
log_mark(void)
{
	struct stat st;
	return stat(logpath, &st) == 0 ? (long)st.st_size : 0;
}

/* The requests the server logged since mark (its access log: "TIME IP METHOD PATH STATUS
 * BYTES TIMEus"), /healthz aside: their count and body bytes into l. Those whose path is
 * not among seen (the paths the page's own requests went to the network for, NULL: none;
 * each matches once) are extras: a service worker's fetches, which the page's DevTools
 * events do not show; counted at their body plus l->header_mean. */
static void
log_since(long mark, load_t *l, json_t *seen)
{
	l->server_bytes = l->server_requests = l->extra_bytes = l->extra_requests = 0;
	FILE *f = fopen(logpath, "r");
	if (!f || fseek(f, mark, SEEK_SET) != 0) {
		if (f)
			fclose(f);
		return;
	}
	json_t *left = seen ? json_copy(seen) : json_array();
	char line[1024], method[16], path[300];
	int status;
	size_t bytes;
	while (fgets(line, sizeof line, f)) {
		if (sscanf(line, "%*s %*s %15s %299s %d %zu", method, path, &status, &bytes) != 4 ||
		    !strcmp(path, "/healthz"))
			continue;
		l->server_bytes += (double)bytes;
		l->server_requests++;
		size_t i;
		json_t *p;
		int matched = 0;
		json_array_foreach(left, i, p) {
			if (!strcmp(json_string_value(p), path)) {
				json_array_remove(left, i);
				matched = 1;
				break;
			}
		}
		if (!matched) {
			l->extra_bytes += (double)bytes + l->header_mean;
			l->extra_requests++;
			if (verbose)
				fprintf(stderr, "  %7.0f B (not the page's: %s %s)\n",
				        (double)bytes + l->header_mean, method, path);
		}
	}
	json_decref(left);
	fclose(f);
}

/* Wait until the server's log has not grown for quiet_ms (at most max_ms). */
static void
log_settle(int quiet_ms, int max_ms)
{
	double t0 = bench_now_ms(), since = t0;
	long last = log_mark();
	while (bench_now_ms() - since < quiet_ms && bench_now_ms() - t0 < max_ms) {
		usleep(100 * 1000);
		long m = log_mark();
		if (m != last) {
			last = m;
			since = bench_now_ms();
		}
	}
}

/* Load path (the link as set before) and wait until every request of the load has ended and
 * nothing new came for 500 ms (at most 20 s). */
static load_t
measure(const page_t *pg)
{
	json_decref(hb_log_events()); /* what came before is not this load's */
	long mark = log_mark();
	hb_go(port, pg->path);
	json_t *reqs = json_object();
	double redirect_bytes = 0, quiet_since = bench_now_ms(), t0 = quiet_since;
	for (;;) {
		json_t *evs = hb_log_events();
		if (fold(reqs, evs, &redirect_bytes) > 0)
			quiet_since = bench_now_ms();
		json_decref(evs);
		int open = 0;
		const char *k;
		json_t *r;
		json_object_foreach(reqs, k, r) {
			if (!json_is_true(json_object_get(r, "done")))
				open++;
		}
		double now = bench_now_ms();
		if ((!open && now - quiet_since >= 500) || now - t0 > 20000)
			break;
		usleep(100 * 1000);
	}
	load_t l = {.bytes = redirect_bytes};
	const char *k;
	json_t *r, *seen = json_array();
	double hdr_sum = 0, hdr_n = 0;
	json_object_foreach(reqs, k, r) {
		double b = json_number_value(json_object_get(r, "bytes"));
		double h = json_number_value(json_object_get(r, "hdr"));
		if (h > 0 && b >= h) {
			hdr_sum += h;
			hdr_n++;
		}
		if (verbose)
			fprintf(stderr, "  %7.0f B %-5s %s%s%s\n", b,
			        json_string_value(json_object_get(r, "enc")) ?: "-",
			        json_string_value(json_object_get(r, "url")),
			        json_is_true(json_object_get(r, "cached")) ? " (cache)" : "",
			        json_is_true(json_object_get(r, "failed")) ? " (failed)" : "");
		l.bytes += b;
		l.requests++;
		if (!json_is_true(json_object_get(r, "cached")) && b > 0) {
			l.wire++;
			/* its path, as the server logs it */
			const char *u = json_string_value(json_object_get(r, "url"));
			const char *p = strstr(u, "://");
			p = p ? strchr(p + 3, '/') : NULL;
			if (p)
				json_array_append_new(seen, json_stringn(p, strcspn(p, "?#")));
		}
		if (json_is_true(json_object_get(r, "sw")))
			l.from_sw++;
		const char *enc = json_string_value(json_object_get(r, "enc"));
		if (enc && *enc)
			l.encoded++;
		else if (enc && b > 0)
			l.identity++;
	}
	json_decref(reqs);
	/* the timings, once the first contentful paint is known (it comes before load) */
	const char *js =
	        "var n = performance.getEntriesByType('navigation')[0];"
	        "var p = performance.getEntriesByName('first-contentful-paint')[0];"
	        "var rt = 0; performance.getEntries().forEach(function (e) {"
	        "  if (typeof e.transferSize === 'number') rt += e.transferSize; });"
	        "return {fcp: p ? p.startTime : -1, load: n ? n.loadEventEnd : -1,"
	        "  status: n && n.responseStatus ? n.responseStatus : 0, rt: rt,"
	        "  at: location.pathname + location.search};";
	json_t *v = NULL;
	for (int i = 0; i < 20; i++) {
		json_decref(v);
		v = hb_script(js, NULL);
		if (json_number_value(json_object_get(v, "fcp")) > 0)
			break;
		usleep(100 * 1000);
	}
	const char *at = json_string_value(json_object_get(v, "at"));
	long status = (long)json_integer_value(json_object_get(v, "status"));
	if (!at || strcmp(at, pg->path) || (status && status != 200))
		fail_msg("%s: the browser is at %s (HTTP %ld), not at the page", pg->path,
		         at ? at : "?", status);
	l.fcp_ms = json_number_value(json_object_get(v, "fcp"));
	l.load_ms = json_number_value(json_object_get(v, "load"));
	l.rt_bytes = json_number_value(json_object_get(v, "rt"));
	json_decref(v);
	l.header_mean = hdr_n ? hdr_sum / hdr_n : 0;
	if (has_sw)
		log_settle(700, 10000); /* the worker's own fetches, if any, end too */
	log_since(mark, &l, seen);
	json_decref(seen);
	l.bytes += l.extra_bytes;
	l.wire += l.extra_requests;
	l.mark = mark;
	return l;
}

/* Repeat visits through the service worker (signed-in pages): the worker let in, a first
 * visit for it to install and take the page, then the page again n times, leaving it in
 * between. Their bytes are what the server logged (the worker's fetches included, which
 * the page's DevTools events do not show): bodies plus hdr bytes of headers each. 0, or -1
 * when no worker took the page within 15 s. */
static int
with_sw(const page_t *pg, const ha_client_t *u, double hdr, int n, load_t *again)
{
	cold(u);
	cdp_void("Network.setBypassServiceWorker", json_pack("{s:b}", "bypass", 0));
	throttle(1);
	measure(pg);
	int ok = 0;
	for (int i = 0; i < 150 && !ok; i++) {
		json_t *v = hb_script("return !!(navigator.serviceWorker && "
		                      "navigator.serviceWorker.controller);",
		                      NULL);
		ok = json_is_true(v);
		json_decref(v);
		if (!ok)
			usleep(100 * 1000);
	}
	for (int k = 0; ok && k < n; k++) {
		log_settle(1000, 15000);
		hb_go(port, "/healthz");
		again[k] = measure(pg);
		again[k].header_mean = hdr;
		log_since(again[k].mark, &again[k], NULL);
		again[k].bytes = again[k].server_bytes + again[k].server_requests * hdr;
		again[k].wire = again[k].server_requests;
	}
	cdp_void("Network.setBypassServiceWorker", json_pack("{s:b}", "bypass", 1));
	throttle(0);
	hb_go(port, "/healthz");
	forget_workers();
	return ok ? 0 : -1;
}

#define FIELDS(X)                                                                           \
	X(bytes) X(requests) X(wire) X(fcp_ms) X(load_ms) X(rt_bytes) X(identity) X(encoded) \
	        X(from_sw) X(server_bytes) X(server_requests) X(extra_bytes) \
	        X(extra_requests) X(header_mean)

/* The median of each field over n loads. */
static load_t
median(load_t *ls, int n)
{
	load_t m = {0};
	double v[MAXRUNS];
#define MED(f)                          \
	for (int i = 0; i < n; i++)     \
		v[i] = ls[i].f;         \
	m.f = bench_pct(v, n, 0.5);
	FIELDS(MED)
#undef MED
	return m;
}

static void
put_load(const char *pkey, const char *what, const load_t *l)
{
	char key[128];
#define PUT(f)                                                             \
	snprintf(key, sizeof key, "weight.%s.%s.%s", pkey, what, #f);      \
	put(key, "%.0f", l->f);
	FIELDS(PUT)
#undef PUT
}

static const char *
met(int ok)
{
	return ok ? "met" : "**missed**";
}

/* 12.3 KB (1 KB = 1,000 bytes, as the budgets are read) */
static const char *
kb(double bytes, char *out, size_t cap)
{
	snprintf(out, cap, "%.1f KB", bytes / 1000.0);
	return out;
}

int
main(int argc, char **argv)
{
	const char *only = NULL; /* --only KEY: that page alone (while developing) */
	const char *bin = NULL, *assets = ".", *work = NULL, *tsvpath = NULL, *outpath = NULL;
	int n = 5;
	port = 18470;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--bin"))
			bin = argv[i + 1];
		else if (!strcmp(argv[i], "--assets"))
			assets = argv[i + 1];
		else if (!strcmp(argv[i], "--work"))
			work = argv[i + 1];
		else if (!strcmp(argv[i], "--port"))
			port = (unsigned short)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--n"))
			n = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--tsv"))
			tsvpath = argv[i + 1];
		else if (!strcmp(argv[i], "--out"))
			outpath = argv[i + 1];
		else if (!strcmp(argv[i], "--only"))
			only = argv[i + 1];
	}
	verbose = getenv("BENCH_WEIGHT_VERBOSE") && atoi(getenv("BENCH_WEIGHT_VERBOSE"));
	if (!bin || !work || n < 1 || n > MAXRUNS)
		return die("usage: --bin SUOTDOI --assets DIR --work DIR [--port P] [--n 1..21] "
		           "[--tsv OUT] [--out OUT.md]");
	if (access("/usr/bin/chromium", X_OK) || access("/usr/bin/chromedriver", X_OK))
		return die("needs chromium and chromium-driver (scripts/install-deps.sh)");
	if (tsvpath && !(tsv = fopen(tsvpath, "a")))
		return die("cannot open --tsv");
	mkdir(work, 0755);

	/* a fresh demo database, served by the real binary */
	char db[4200], listen[64];
	snprintf(db, sizeof db, "%s/weight.db", work);
	snprintf(logpath, sizeof logpath, "%s/weight.log", work);
	for (const char *ext = ""; ext; ext = !*ext ? "-wal" : !strcmp(ext, "-wal") ? "-shm" : NULL) {
		char f[4300];
		snprintf(f, sizeof f, "%s%s", db, ext);
		unlink(f);
	}
	unlink(logpath);
	char *demo[] = {(char *)bin, "demo", "--db", db, NULL};
	if (run(demo) != 0)
		return die("suotdoi demo failed (see weight.log in --work)");
	snprintf(listen, sizeof listen, "127.0.0.1:%u", (unsigned)port);
	server = fork();
	if (server < 0)
		return die("fork");
	if (server == 0) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (!freopen(logpath, "a", stdout) || !freopen(logpath, "a", stderr))
			_exit(127);
		execl(bin, bin, "serve", "--db", db, "--listen", listen, "--assets", assets,
		      (char *)NULL);
		_exit(127);
	}
	atexit(stop_server);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	int up = 0;
	CURL *probe = curl_easy_init();
	char url[128];
	snprintf(url, sizeof url, "http://%s/healthz", listen);
	curl_easy_setopt(probe, CURLOPT_URL, url);
	curl_easy_setopt(probe, CURLOPT_WRITEFUNCTION, discard);
	for (int i = 0; i < 500 && !up; i++) {
		long st = 0;
		if (curl_easy_perform(probe) == CURLE_OK)
			curl_easy_getinfo(probe, CURLINFO_RESPONSE_CODE, &st);
		up = st == 200;
		if (!up)
			usleep(20 * 1000);
	}
	curl_easy_cleanup(probe);
	if (!up)
		return die("the server did not answer /healthz (see weight.log in --work)");

	/* the service worker, when this branch has one: its own row */
	hc_resp_t swr;
	has_sw = hc_get(port, "/sw.js", &swr) == 0 && swr.status == 200;
	if (swr.status)
		hc_resp_free(&swr);

	ha_client_t users[NPAGES];
	for (size_t i = 0; i < NPAGES; i++) {
		memset(&users[i], 0, sizeof users[i]);
		if (pages[i].user && ha_login(port, &users[i], pages[i].user, PASSWORD) != 303) {
			fprintf(stderr, "bench_weight: %s cannot sign in\n", pages[i].user);
			return 1;
		}
	}

	hb_performance_log(1);
	if (hb_start(WIDTH, HEIGHT) < 0)
		return die("no headless browser");
	cdp_void("Network.enable", NULL);
	cdp_void("Network.setBypassServiceWorker", json_pack("{s:b}", "bypass", 1));

	buf_t md = BUF_INIT;
	buf_printf(&md,
	           "## Page weight and first render on 3G (bench_weight)\n\n"
	           "Headless Chromium at %d×%d, DevTools network emulation: %d ms latency, %d "
	           "bytes/s down and up (400 kbit/s); medians of %d loads per page (the demo "
	           "database, `suotdoi serve`). *First load*: the browser cache and cookies "
	           "emptied, signed in again by cookie. *Repeat*: the same page again after "
	           "another one, cache warm. The page's requests bypass service workers "
	           "(`Network.setBypassServiceWorker`). Bytes are everything received for the "
	           "load, headers included: DevTools `encodedDataLength` of the page's requests, "
	           "plus any request the server logged that the page did not make (a service "
	           "worker installing and fetching what it keeps) at its body and the page's mean "
	           "header size. *Identity*: a cold load asking `Accept-Encoding: identity`. "
	           "Budgets (issue 17; 1 KB = 1,000 bytes): first load ≤ 40 KB, repeat ≤ 10 KB, "
	           "first contentful paint ≤ 2 s.\n\n"
	           "| page (who) | first load (requests) | identity | gzip gain | repeat "
	           "(requests on the wire) | first paint | load | ≤ 40 KB | ≤ 10 KB | ≤ 2 s |\n"
	           "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n",
	           WIDTH, HEIGHT, LATENCY_MS, BYTES_PER_S, n);
	buf_t swmd = BUF_INIT;
	buf_printf(&swmd,
	           "\nRepeat visits through the service worker (signed-in pages; medians of %d "
	           "after a first visit that installed it; bytes: the bodies the server logged plus the "
	           "page's mean header size each, since the page's DevTools events do not show "
	           "the worker's own fetches; no timings: DevTools emulation does not slow the "
	           "worker's fetches):\n\n"
	           "| page (who) | repeat through the worker (requests) | repeat bypassing it "
	           "| ≤ 10 KB |\n| --- | --- | --- | --- |\n",
	           n);
	int missed = 0, sw_rows = 0;
	double heaviest = 0;
	const page_t *heavy = NULL;
	for (size_t i = 0; i < NPAGES; i++) {
		const page_t *pg = &pages[i];
		const ha_client_t *u = pg->user ? &users[i] : NULL;
		if (only && strcmp(only, pg->key))
			continue;
		load_t first[MAXRUNS], again[MAXRUNS];
		for (int k = 0; k < n; k++) {
			cold(u);
			throttle(1);
			first[k] = measure(pg);
			hb_go(port, "/healthz"); /* leave the page (no throttle needed: tiny) */
			again[k] = measure(pg);
		}
		/* the baseline without compression, once: bytes do not vary between loads */
		cold(u);
		cdp_void("Network.setExtraHTTPHeaders",
		         json_pack("{s:{s:s}}", "headers", "Accept-Encoding", "identity"));
		throttle(1);
		load_t id = measure(pg);
		cdp_void("Network.setExtraHTTPHeaders", json_pack("{s:{}}", "headers"));
		load_t f = median(first, n), r = median(again, n);
		if (id.encoded > 0)
			fprintf(stderr, "bench_weight: %s: %.0f responses still gzipped under "
			        "Accept-Encoding: identity\n", pg->path, id.encoded);
		if (f.encoded < 1)
			fprintf(stderr, "bench_weight: %s: no response came gzipped\n", pg->path);
		put_load(pg->key, "first", &f);
		put_load(pg->key, "repeat", &r);
		put_load(pg->key, "identity", &id);
		char kf[32], kr[32], ki[32];
		int ok1 = f.bytes <= BUDGET_FIRST, ok2 = r.bytes <= BUDGET_REPEAT,
		    ok3 = f.fcp_ms > 0 && f.fcp_ms <= BUDGET_PAINT_MS;
		missed += !ok1 + !ok2 + !ok3;
		if (f.bytes > heaviest) {
			heaviest = f.bytes;
			heavy = pg;
		}
		buf_printf(&md,
		           "| %s | %s (%.0f) | %s | %.1f× | %s (%.0f) | %.0f ms | %.0f ms | %s | "
		           "%s | %s |\n",
		           pg->label, kb(f.bytes, kf, sizeof kf), f.wire,
		           kb(id.bytes, ki, sizeof ki), f.bytes > 0 ? id.bytes / f.bytes : 0,
		           kb(r.bytes, kr, sizeof kr), r.wire, f.fcp_ms, f.load_ms, met(ok1),
		           met(ok2), met(ok3));
		fprintf(stderr, "bench_weight: %s: first %.0f B (%.0f req, RT %.0f), repeat %.0f B, "
		        "identity %.0f B, FCP %.0f ms, load %.0f ms\n", pg->path, f.bytes,
		        f.requests, f.rt_bytes, r.bytes, id.bytes, f.fcp_ms, f.load_ms);
		if (has_sw && u && with_sw(pg, u, f.header_mean, n, again) == 0) {
			char a[32];
			load_t sr = median(again, n);
			put_load(pg->key, "sw_repeat", &sr);
			buf_printf(&swmd, "| %s | %s (%.0f) | %s (%.0f) | %s |\n", pg->label,
			           kb(sr.bytes, a, sizeof a), sr.wire, kr, r.wire,
			           met(sr.bytes <= BUDGET_REPEAT));
			missed += sr.bytes > BUDGET_REPEAT;
			sw_rows++;
		}
	}
	if (sw_rows)
		buf_printf(&md, "%s", buf_cstr(&swmd));
	else if (has_sw)
		buf_printf(&md, "\n/sw.js answers, but no service worker took a signed-in page "
		                "within 15 s: no rows for visits through it.\n");
	else
		buf_printf(&md, "\nNo service worker on this branch (/sw.js: 404): no rows for "
		                "visits through one.\n");
	buf_free(&swmd);
	put("weight.n", "%d", n);
	put("weight.pages", "%zu", NPAGES);
	put("weight.missed", "%d", missed);
	if (heavy)
		put("weight.heaviest", "%s, %.1f KB", heavy->path, heaviest / 1000);
	put("weight.sw", "%d", has_sw);
	hb_end();
	stop_server();
	bench_report(outpath, buf_cstr(&md));
	buf_free(&md);
	if (tsv)
		fclose(tsv);
	return 0;
}
