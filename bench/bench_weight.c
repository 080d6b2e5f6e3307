/* bench_weight: what the main pages weigh on the wire and how soon they paint on a weak
 * 3G link, in a real headless Chromium (issue 17's budgets: the results form <= 40 KB on the
 * first load, <= 10 KB on a repeat visit, first render <= 2 s at 400 kbit/s, 400 ms).
 *
 * The real server binary serves a fresh demo database (`suotdoi demo`); the browser is a
 * phone's screen (360 x 740) driven over WebDriver (tests/http/helper_browser.c), with
 * DevTools network emulation (400 ms latency, 50,000 bytes/s down and up) and the page's
 * requests bypassing service workers. For each page, N times: the browser cache, cookies
 * and service workers emptied, signed in again by cookie, the page loaded (the first load),
 * left for another page (/healthz) and loaded again (the repeat visit, cache warm). Then
 * once more cold with Accept-Encoding: identity (the baseline without gzip). Bytes, counted
 * by tests/http/helper_weight.c: the DevTools Network events' encodedDataLength of every
 * request of the load (headers included, as read from the socket), from chromedriver's
 * performance log, plus what the server's access log shows a service worker fetched;
 * first contentful paint and load from Paint and Navigation Timing. Medians of N. When
 * /sw.js answers, repeat visits through the worker too (bytes from the access log).
 *
 * Usage: bench_weight --bin SUOTDOI --assets DIR --work DIR [--port P] [--n N] [--tsv OUT]
 *        [--out OUT.md] [--only PAGE-KEY]; BENCH_WEIGHT_VERBOSE=1 lists every request.
 * Prints the table (and appends it to --out); key<TAB>value figures to --tsv. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"
#include "helper_weight.h"

#define WIDTH 360
#define HEIGHT 740
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
        {"activity_new", "đăng ký hoạt động (new-activity form), tthtcd.danglam", "tthtcd.danglam",
         "/units/HA-11413-TTHTCD/activities/new"},
        {"dashboard", "bảng tổng hợp quận Hải An (district dashboard), pgd.haian", "pgd.haian",
         "/campaigns/1/units/306"},
        {"lich", "lịch công khai /lich (public calendar), anonymous", NULL, "/lich"},
        {"login", "đăng nhập (sign-in page), anonymous", NULL, "/login"},
};
#define NPAGES (sizeof pages / sizeof pages[0])

static pid_t server = -1;
static int has_sw;         /* /sw.js answers: wait for the worker's fetches too */
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

/* Repeat visits through the service worker (signed-in pages): the worker let in, a first
 * visit for it to install and take the page, then the page again n times, leaving it in
 * between. Their bytes are what the server logged (the worker's fetches included, which
 * the page's DevTools events do not show): bodies plus hdr bytes of headers each. 0, or -1
 * when no worker took the page within 15 s. */
static int
with_sw(const page_t *pg, const ha_client_t *u, double hdr, int n, hw_load_t *again)
{
	hw_cold(u);
	hw_cdp_void("Network.setBypassServiceWorker", json_pack("{s:b}", "bypass", 0));
	hw_throttle(1);
	hw_measure(pg->path);
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
		hw_log_settle(1000, 15000);
		hb_go(port, "/healthz");
		again[k] = hw_measure(pg->path);
		again[k].header_mean = hdr;
		hw_log_since(again[k].mark, &again[k], NULL);
		again[k].bytes = again[k].server_bytes + again[k].server_requests * hdr;
		again[k].wire = again[k].server_requests;
	}
	hw_cdp_void("Network.setBypassServiceWorker", json_pack("{s:b}", "bypass", 1));
	hw_throttle(0);
	hb_go(port, "/healthz");
	hw_forget_workers();
	return ok ? 0 : -1;
}

#define FIELDS(X)                                                                                  \
	X(bytes)                                                                                   \
	X(requests)                                                                                \
	X(wire)                                                                                    \
	X(fcp_ms) X(load_ms) X(rt_bytes) X(identity) X(encoded) X(from_sw) X(server_bytes)         \
	        X(server_requests) X(extra_bytes) X(extra_requests) X(header_mean)

/* The median of each field over n loads. */
static hw_load_t
median(hw_load_t *ls, int n)
{
	hw_load_t m = {0};
	double v[MAXRUNS];
#define MED(f)                                                                                     \
	for (int i = 0; i < n; i++)                                                                \
		v[i] = ls[i].f;                                                                    \
	m.f = bench_pct(v, n, 0.5);
	FIELDS(MED)
#undef MED
	return m;
}

static void
put_load(const char *pkey, const char *what, const hw_load_t *l, const char *fields)
{
	char key[128];
#define PUT(f)                                                                                     \
	if (strstr(fields, " " #f " ")) {                                                          \
		snprintf(key, sizeof key, "weight.%s.%s.%s", pkey, what, #f);                      \
		put(key, "%.0f", l->f);                                                            \
	}
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
	for (const char *ext = ""; ext; ext = !*ext                  ? "-wal"
	                                      : !strcmp(ext, "-wal") ? "-shm"
	                                                             : NULL) {
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
	if (hc_get(port, "/sw.js", &swr) == 0) {
		has_sw = swr.status == 200;
		hc_resp_free(&swr);
	}

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
	hw_init(port, logpath, has_sw, verbose);

	buf_t md = BUF_INIT;
	buf_printf(&md,
	           "## Page weight and first render on 3G (bench_weight)\n\n"
	           "Headless Chromium at %d×%d, DevTools network emulation: %d ms latency, %d "
	           "bytes/s down and up (400 kbit/s); medians of %d loads per page (the demo "
	           "database, `suotdoi serve`). *First load*: the browser cache, cookies and "
	           "service workers emptied, signed in again by cookie. *Repeat*: the same page "
	           "again after "
	           "another one, cache warm. The page's requests bypass service workers "
	           "(`Network.setBypassServiceWorker`). Bytes are everything received for the "
	           "load, headers included: DevTools `encodedDataLength` of the page's requests, "
	           "plus any request the server logged that the page did not make (a service "
	           "worker installing and fetching what it keeps) at its body and the page's mean "
	           "header size. *Identity*: a cold load asking `Accept-Encoding: identity`. "
	           "Budgets (issue 17; 1 KB = 1,000 bytes): first load ≤ 40 KB, repeat ≤ 10 KB, "
	           "first contentful paint ≤ 2 s. †: the ≤ 10 KB verdict is the repeat visit "
	           "through the service worker (the second table), which is how a phone that "
	           "has it visits the page; bypassing the worker, `offline.js` asks it to keep "
	           "the page and it fetches the page a second time.\n\n"
	           "| page (who) | first load (requests) | identity | gzip gain | repeat "
	           "(requests on the wire) | first paint | load | ≤ 40 KB | ≤ 10 KB | ≤ 2 s |\n"
	           "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n",
	           WIDTH, HEIGHT, HW_LATENCY_MS, HW_BYTES_PER_S, n);
	buf_t swmd = BUF_INIT;
	buf_printf(&swmd,
	           "\nRepeat visits through the service worker (signed-in pages; medians of %d "
	           "after a first visit that installed it; bytes: the bodies the server logged "
	           "plus the "
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
		hw_load_t first[MAXRUNS], again[MAXRUNS];
		for (int k = 0; k < n; k++) {
			hw_cold(u);
			hw_throttle(1);
			first[k] = hw_measure(pg->path);
			hb_go(port, "/healthz"); /* leave the page (no throttle needed: tiny) */
			again[k] = hw_measure(pg->path);
		}
		/* the baseline without compression, once: bytes do not vary between loads */
		hw_cold(u);
		hw_cdp_void("Network.setExtraHTTPHeaders",
		            json_pack("{s:{s:s}}", "headers", "Accept-Encoding", "identity"));
		hw_throttle(1);
		hw_load_t id = hw_measure(pg->path);
		hw_cdp_void("Network.setExtraHTTPHeaders", json_pack("{s:{}}", "headers"));
		hw_load_t f = median(first, n), r = median(again, n);
		if (id.encoded > 0)
			fprintf(stderr,
			        "bench_weight: %s: %.0f responses still gzipped under "
			        "Accept-Encoding: identity\n",
			        pg->path, id.encoded);
		if (f.encoded < 1)
			fprintf(stderr, "bench_weight: %s: no response came gzipped\n", pg->path);
		/* the raw figures: what the tables show, and the cross-checks */
		put_load(pg->key, "first", &f,
		         " bytes wire fcp_ms load_ms rt_bytes extra_bytes header_mean ");
		put_load(pg->key, "repeat", &r, " bytes wire fcp_ms ");
		put_load(pg->key, "identity", &id, " bytes encoded ");
		char kf[32], kr[32], ki[32];
		kb(r.bytes, kr, sizeof kr);
		/* a signed-in page's repeat visit as a phone with the worker makes it: the
		 * budget's verdict, when the worker took the page */
		hw_load_t sr = {0};
		int have_sr = has_sw && u && with_sw(pg, u, f.header_mean, n, again) == 0;
		if (have_sr) {
			char a[32];
			sr = median(again, n);
			put_load(pg->key, "sw_repeat", &sr, " bytes wire ");
			buf_printf(&swmd, "| %s | %s (%.0f) | %s (%.0f) | %s |\n", pg->label,
			           kb(sr.bytes, a, sizeof a), sr.wire, kr, r.wire,
			           met(sr.bytes <= HW_BUDGET_REPEAT));
			sw_rows++;
		}
		double repeat = have_sr ? sr.bytes : r.bytes;
		int ok1 = f.bytes <= HW_BUDGET_FIRST, ok2 = repeat <= HW_BUDGET_REPEAT,
		    ok3 = f.fcp_ms > 0 && f.fcp_ms <= HW_BUDGET_PAINT_MS;
		missed += !ok1 + !ok2 + !ok3;
		if (f.bytes > heaviest) {
			heaviest = f.bytes;
			heavy = pg;
		}
		buf_printf(&md,
		           "| %s | %s (%.0f) | %s | %.1f× | %s (%.0f)%s | %.0f ms | %.0f ms | %s | "
		           "%s | %s |\n",
		           pg->label, kb(f.bytes, kf, sizeof kf), f.wire,
		           kb(id.bytes, ki, sizeof ki), f.bytes > 0 ? id.bytes / f.bytes : 0, kr,
		           r.wire, have_sr ? "†" : "", f.fcp_ms, f.load_ms, met(ok1), met(ok2),
		           met(ok3));
		fprintf(stderr,
		        "bench_weight: %s: first %.0f B (%.0f req, RT %.0f), repeat %.0f B "
		        "(through the worker %.0f B), identity %.0f B, FCP %.0f ms, load %.0f ms\n",
		        pg->path, f.bytes, f.requests, f.rt_bytes, r.bytes, sr.bytes, id.bytes,
		        f.fcp_ms, f.load_ms);
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
