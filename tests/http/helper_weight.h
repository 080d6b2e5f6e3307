/* What a page weighs in a real headless Chromium (helper_browser.h): every request of one
 * load counted from the DevTools network events (chromedriver's performance log), bytes as
 * received with headers, the first contentful paint and load from Paint and Navigation
 * Timing; optionally the server's access log for what a service worker fetched. Used by
 * bench_weight (make bench: issue 17's page-weight budgets on emulated 3G) and by the
 * browser test of the same budgets. Needs hb_performance_log(1) before hb_start. */
#ifndef SUOTDOI_TEST_HELPER_WEIGHT_H
#define SUOTDOI_TEST_HELPER_WEIGHT_H

#include <jansson.h>

#include "helper_browser.h"

/* The emulated 3G link of issue 17: 400 ms latency, 400 kbit/s both ways. */
#define HW_LATENCY_MS 400
#define HW_BYTES_PER_S 50000
/* Its budgets: bytes on a first visit and on a repeat (1 KB read as 1,000 bytes, the
 * stricter reading), and the first contentful paint on that link. */
#define HW_BUDGET_FIRST 40000
#define HW_BUDGET_REPEAT 10000
#define HW_BUDGET_PAINT_MS 2000

/* One load of a page as the browser saw it. */
typedef struct hw_load {
	double bytes;    /* sum of encodedDataLength: headers and bodies as received */
	double requests; /* requests of the load (data: URLs aside) */
	double wire;     /* of which went to the network (not from a cache) */
	double fcp_ms, load_ms;
	double rt_bytes;     /* Resource Timing's transferSize, summed: the cross-check */
	double identity;     /* responses that came without Content-Encoding */
	double encoded;      /* responses that came gzipped */
	double from_sw;      /* responses a service worker answered */
	double server_bytes; /* the server's access log: bodies sent during the load */
	double server_requests;
	double extra_bytes;    /* requests the server logged that the page did not make (a */
	double extra_requests; /* service worker's), at their body + the mean header size */
	double header_mean;    /* bytes of a response's headers, mean over the page's own */
	double unlogged;       /* the page's network requests the server's log lacks */
	long mark;             /* the server's log where the load began */
} hw_load_t;

/* The server on 127.0.0.1:port; log: the file its access log is appended to ("" or NULL:
 * none, then extras are not counted); wait_worker: after each load, wait for the log to be
 * quiet (a service worker's fetches end after the page's); verbose: each request on
 * stderr. Also turns the Network domain on and service workers' interception off. */
void hw_init(unsigned short port, const char *log, int wait_worker, int verbose);
/* A DevTools command of the page (params stolen, NULL: {}); its answer (new reference). */
json_t *hw_cdp(const char *cmd, json_t *params);
void hw_cdp_void(const char *cmd, json_t *params);
/* The emulated 3G link, or none. */
void hw_throttle(int on);
/* Every service worker and Cache Storage of the server's origin forgotten. */
void hw_forget_workers(void);
/* A new visitor: HTTP cache, cookies and service workers emptied, then (user, NULL: none)
 * signed in again by its session cookie. Leaves the link unthrottled. */
void hw_cold(const ha_client_t *user);
/* Load path (the link as set before) and wait until every request has ended and nothing new
 * came for 500 ms (at most 20 s). Fails the test when the browser does not end on path
 * with HTTP 200. */
hw_load_t hw_measure(const char *path);
/* Where the server's log ends now; the requests it logged since mark (/healthz aside) into
 * l->server_*, and those not among seen (paths, each matching once; NULL: none) into
 * l->extra_* at their body plus l->header_mean, the seen paths it lacks into l->unlogged
 * (all of them fails the test: the log's lines were not understood); wait until it has been
 * quiet for quiet_ms (at most max_ms). */
long hw_log_mark(void);
void hw_log_since(long mark, hw_load_t *l, json_t *seen);
void hw_log_settle(int quiet_ms, int max_ms);
/* One line of the server's log (core/log.h, key=value text or JSON): 1 and its method,
 * path, status and body bytes when it is an access line (msg "request"), else 0. */
int hw_access_line(const char *line, char *method, size_t mcap, char *path, size_t pcap,
                   int *status, size_t *bytes);

#endif
