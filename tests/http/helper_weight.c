/* A page's weight in a real headless Chromium (helper_weight.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "helper_weight.h"

static unsigned short port;
static char logpath[4200]; /* the server's output: its access log among it; "": none */
static int wait_worker;    /* a service worker may fetch after the page: wait for the log */
static int verbose;

static double
now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

void
hw_init(unsigned short p, const char *log, int worker, int verb)
{
	port = p;
	snprintf(logpath, sizeof logpath, "%s", log ? log : "");
	wait_worker = worker;
	verbose = verb;
	hw_cdp_void("Network.enable", NULL);
	hw_cdp_void("Network.setBypassServiceWorker", json_pack("{s:b}", "bypass", 1));
}

json_t *
hw_cdp(const char *cmd, json_t *params)
{
	return hb_cmd(
	        "POST", "/goog/cdp/execute",
	        json_pack("{s:s, s:o}", "cmd", cmd, "params", params ? params : json_object()));
}

void
hw_cdp_void(const char *cmd, json_t *params)
{
	json_decref(hw_cdp(cmd, params));
}

/* The emulated 3G link, or none. */
void
hw_throttle(int on)
{
	hw_cdp_void("Network.emulateNetworkConditions",
	            json_pack("{s:b, s:i, s:i, s:i}", "offline", 0, "latency",
	                      on ? HW_LATENCY_MS : 0, "downloadThroughput",
	                      on ? HW_BYTES_PER_S : -1, "uploadThroughput",
	                      on ? HW_BYTES_PER_S : -1));
}

/* Every service worker and its caches of the server's origin forgotten. */
void
hw_forget_workers(void)
{
	char origin[64];
	snprintf(origin, sizeof origin, "http://127.0.0.1:%u", (unsigned)port);
	hw_cdp_void("Storage.clearDataForOrigin",
	            json_pack("{s:s, s:s}", "origin", origin, "storageTypes",
	                      "service_workers,cache_storage"));
}

/* A new visitor: the browser's HTTP cache, cookies and service workers emptied, then (user)
 * signed in again by its session cookie, set on a page of the server's origin. */
void
hw_cold(const ha_client_t *user)
{
	hw_throttle(0);
	hb_go(port, "/healthz");
	hw_cdp_void("Network.clearBrowserCache", NULL);
	hw_cdp_void("Network.clearBrowserCookies", NULL);
	hw_forget_workers();
	if (user)
		hb_sign_in(user);
}

static const char *
header(json_t *headers, const char *name)
{
	const char *k;
	json_t *v;
	json_object_foreach(headers, k, v)
	{
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
	json_array_foreach(events, i, ev)
	{
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
				r = json_pack("{s:s, s:b, s:f}", "url", url, "done", 0, "bytes",
				              0.0);
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
			const char *enc =
			        header(json_object_get(resp, "headers"), "Content-Encoding");
			json_object_set_new(r, "enc", json_string(enc ? enc : ""));
			/* what had come when the headers were read: the headers */
			json_object_set_new(r, "hdr",
			                    json_real(json_number_value(
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
long
hw_log_mark(void)
{
	struct stat st;
	return logpath[0] && stat(logpath, &st) == 0 ? (long)st.st_size : 0;
}

/* The value of key in a key=value line (core/log.h's text format: bare, or in double
 * quotes with \" \\ \n and \xNN escaped) into out; 0, or -1 when the line has no such key. */
static int
text_field(const char *line, const char *key, char *out, size_t cap)
{
	size_t kn = strlen(key);
	for (const char *p = line; (p = strstr(p, key)) != NULL; p += kn) {
		if ((p != line && p[-1] != ' ') || p[kn] != '=')
			continue;
		const char *v = p + kn + 1;
		size_t o = 0;
		if (*v != '"') {
			while (*v && *v != ' ' && *v != '\n' && o + 1 < cap)
				out[o++] = *v++;
		} else {
			for (v++; *v && *v != '"' && o + 1 < cap; v++) {
				if (*v != '\\' || !v[1]) {
					out[o++] = *v;
					continue;
				}
				v++;
				unsigned x;
				if (*v == 'n')
					out[o++] = '\n';
				else if (*v == 'x' && sscanf(v + 1, "%2x", &x) == 1)
					out[o++] = (char)x, v += 2;
				else
					out[o++] = *v;
			}
		}
		out[o] = '\0';
		return 0;
	}
	return -1;
}

int
hw_access_line(const char *line, char *method, size_t mcap, char *path, size_t pcap, int *status,
               size_t *bytes)
{
	char msg[32], st[16], by[32];
	if (line[0] == '{') {
		json_t *j = json_loads(line, 0, NULL);
		const char *m = json_string_value(json_object_get(j, "msg"));
		const char *me = json_string_value(json_object_get(j, "method"));
		const char *pa = json_string_value(json_object_get(j, "path"));
		json_t *s = json_object_get(j, "status"), *b = json_object_get(j, "bytes");
		int ok = m && !strcmp(m, "request") && me && pa && json_is_integer(s) &&
		         json_is_integer(b);
		if (ok) {
			snprintf(method, mcap, "%s", me);
			snprintf(path, pcap, "%s", pa);
			*status = (int)json_integer_value(s);
			*bytes = (size_t)json_integer_value(b);
		}
		json_decref(j);
		return ok;
	}
	if (text_field(line, "msg", msg, sizeof msg) < 0 || strcmp(msg, "request") ||
	    text_field(line, "method", method, mcap) < 0 ||
	    text_field(line, "path", path, pcap) < 0 ||
	    text_field(line, "status", st, sizeof st) < 0 ||
	    text_field(line, "bytes", by, sizeof by) < 0)
		return 0;
	*status = atoi(st);
	*bytes = (size_t)strtoull(by, NULL, 10);
	return 1;
}

/* The requests the server logged since mark (its access lines, hw_access_line), /healthz
 * aside: their count and body bytes into l. Those whose path is not among seen (the paths
 * the page's own requests went to the network for, NULL: none; each matches once) are
 * extras: a service worker's fetches, which the page's DevTools events do not show; counted
 * at their body plus l->header_mean. The seen paths the log lacks go into l->unlogged: all
 * of them is a log this function cannot read (make bench once counted a service worker's
 * fetches as nothing for a day, after the access line's format changed), and fails. */
void
hw_log_since(long mark, hw_load_t *l, json_t *seen)
{
	l->server_bytes = l->server_requests = l->extra_bytes = l->extra_requests = l->unlogged = 0;
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
		if (!hw_access_line(line, method, sizeof method, path, sizeof path, &status,
		                    &bytes) ||
		    !strcmp(path, "/healthz"))
			continue;
		l->server_bytes += (double)bytes;
		l->server_requests++;
		size_t i;
		json_t *p;
		int matched = 0;
		json_array_foreach(left, i, p)
		{
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
	l->unlogged = (double)json_array_size(left);
	size_t asked = seen ? json_array_size(seen) : 0;
	json_decref(left);
	fclose(f);
	if (asked > 0 && l->unlogged == (double)asked)
		fail_msg(
		        "the server's log (%s) has none of the page's %zu requests since byte %ld: "
		        "its access lines are not read as core/log.h writes them",
		        logpath, asked, mark);
}

/* Wait until the server's log has not grown for quiet_ms (at most max_ms). */
void
hw_log_settle(int quiet_ms, int max_ms)
{
	double t0 = now_ms(), since = t0;
	long last = hw_log_mark();
	while (now_ms() - since < quiet_ms && now_ms() - t0 < max_ms) {
		usleep(100 * 1000);
		long m = hw_log_mark();
		if (m != last) {
			last = m;
			since = now_ms();
		}
	}
}

/* Load path (the link as set before) and wait until every request of the load has ended and
 * nothing new came for 500 ms (at most 20 s). */
hw_load_t
hw_measure(const char *path)
{
	json_decref(hb_log_events()); /* what came before is not this load's */
	long mark = hw_log_mark();
	hb_go(port, path);
	json_t *reqs = json_object();
	double redirect_bytes = 0, quiet_since = now_ms(), t0 = quiet_since;
	for (;;) {
		json_t *evs = hb_log_events();
		if (fold(reqs, evs, &redirect_bytes) > 0)
			quiet_since = now_ms();
		json_decref(evs);
		int open = 0;
		const char *k;
		json_t *r;
		json_object_foreach(reqs, k, r)
		{
			if (!json_is_true(json_object_get(r, "done")))
				open++;
		}
		double now = now_ms();
		if ((!open && now - quiet_since >= 500) || now - t0 > 20000)
			break;
		usleep(100 * 1000);
	}
	hw_load_t l = {.bytes = redirect_bytes};
	const char *k;
	json_t *r, *seen = json_array();
	double hdr_sum = 0, hdr_n = 0;
	json_object_foreach(reqs, k, r)
	{
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
	const char *js = "var n = performance.getEntriesByType('navigation')[0];"
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
	if (!at || strcmp(at, path) || (status && status != 200))
		fail_msg("%s: the browser is at %s (HTTP %ld), not at the page", path,
		         at ? at : "?", status);
	l.fcp_ms = json_number_value(json_object_get(v, "fcp"));
	l.load_ms = json_number_value(json_object_get(v, "load"));
	l.rt_bytes = json_number_value(json_object_get(v, "rt"));
	json_decref(v);
	l.header_mean = hdr_n ? hdr_sum / hdr_n : 0;
	if (wait_worker)
		hw_log_settle(700, 10000); /* the worker's own fetches, if any, end too */
	hw_log_since(mark, &l, seen);
	json_decref(seen);
	l.bytes += l.extra_bytes;
	l.wire += l.extra_requests;
	l.mark = mark;
	return l;
}
