/* Request counters (see stats.h). One slot per route of the table, and per method for the
 * requests outside it (unmatched, /healthz, static files); each slot counts by status and
 * keeps a duration histogram, all relaxed atomics: a request's end costs three additions on
 * its slot. The exposition reads them without stopping anyone, so a scrape taken while
 * requests end may see a count and a histogram one request apart. */
#include "http/stats.h"

#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/prom.h"

/* The statuses the server answers with, each its own label value; anything else is
 * "other", and "0" is a request that ended without a reply (the client left). */
static const short codes[] = {200, 201, 202, 204, 206, 301, 302, 303, 304, 307, 308, 400,
                              401, 403, 404, 405, 406, 408, 409, 410, 411, 412, 413, 414,
                              415, 416, 422, 429, 431, 500, 501, 502, 503, 504};
#define NCODES (sizeof codes / sizeof codes[0])
enum { ST_NONE = NCODES, ST_OTHER, NSTATUS };

/* The methods of the slots outside the table (HEAD counts as GET, as it is served). */
static const char *const methods[] = {"GET", "POST", "PUT", "DELETE", "PATCH", "OTHER"};
#define NMETHODS (sizeof methods / sizeof methods[0])
static const char *const places[] = {"unmatched", "/healthz", "/static/*"};
#define NPLACES (sizeof places / sizeof places[0])

typedef struct slot {
	_Atomic uint64_t status[NSTATUS];
	_Atomic uint64_t bucket[PROM_SECONDS_BUCKETS + 1];
	_Atomic uint64_t sum_ns;
} slot_t;

struct http_stats {
	const http_route_t *routes;
	size_t nroutes;
	slot_t *slots; /* nroutes, then NPLACES x NMETHODS */
	unsigned char status_index[600];
	_Atomic long in_flight;
};

http_stats_t *
http_stats_new(const http_route_t *routes, size_t nroutes)
{
	http_stats_t *s = xcalloc(1, sizeof *s);
	s->routes = routes;
	s->nroutes = nroutes;
	s->slots = xcalloc(size_add(nroutes, NPLACES * NMETHODS), sizeof *s->slots);
	memset(s->status_index, ST_OTHER, sizeof s->status_index);
	for (size_t i = 0; i < NCODES; i++)
		s->status_index[codes[i]] = (unsigned char)i;
	s->status_index[0] = ST_NONE;
	return s;
}

void
http_stats_free(http_stats_t *s)
{
	if (s == NULL)
		return;
	free(s->slots);
	free(s);
}

void
http_stats_begin(http_stats_t *s)
{
	if (s)
		atomic_fetch_add_explicit(&s->in_flight, 1, memory_order_relaxed);
}

static size_t
method_index(const char *m)
{
	if (m == NULL)
		return NMETHODS - 1;
	if (strcmp(m, "HEAD") == 0)
		return 0;
	for (size_t i = 0; i + 1 < NMETHODS; i++)
		if (strcmp(m, methods[i]) == 0)
			return i;
	return NMETHODS - 1;
}

void
http_stats_end(http_stats_t *s, enum http_stats_where where, const http_route_t *route,
               const char *method_name, int status, uint64_t ns)
{
	if (s == NULL)
		return;
	atomic_fetch_sub_explicit(&s->in_flight, 1, memory_order_relaxed);
	size_t k;
	uintptr_t r = (uintptr_t)route, r0 = (uintptr_t)s->routes;
	if (where == HTTP_STATS_ROUTE && route != NULL && r >= r0 &&
	    r < r0 + s->nroutes * sizeof *s->routes)
		k = (r - r0) / sizeof *s->routes;
	else {
		size_t place = where == HTTP_STATS_HEALTH ? 1 : where == HTTP_STATS_STATIC ? 2 : 0;
		k = s->nroutes + place * NMETHODS + method_index(method_name);
	}
	slot_t *sl = &s->slots[k];
	unsigned st = status >= 0 && status < 600 ? s->status_index[status] : ST_OTHER;
	atomic_fetch_add_explicit(&sl->status[st], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(
	        &sl->bucket[prom_bucket(prom_seconds_bounds, PROM_SECONDS_BUCKETS, ns)], 1,
	        memory_order_relaxed);
	atomic_fetch_add_explicit(&sl->sum_ns, ns, memory_order_relaxed);
}

static const char *
method_name_of(unsigned m)
{
	switch (m) {
	case HTTP_GET: return "GET";
	case HTTP_POST: return "POST";
	case HTTP_PUT: return "PUT";
	case HTTP_DELETE: return "DELETE";
	case HTTP_PATCH: return "PATCH";
	default: return "OTHER";
	}
}

static void
slot_labels(const http_stats_t *s, size_t k, buf_t *lab)
{
	buf_reset(lab);
	if (k < s->nroutes) {
		prom_label(lab, "route", s->routes[k].pattern);
		prom_label(lab, "method", method_name_of(s->routes[k].method));
	} else {
		k -= s->nroutes;
		prom_label(lab, "route", places[k / NMETHODS]);
		prom_label(lab, "method", methods[k % NMETHODS]);
	}
}

void
http_stats_write(http_stats_t *s, buf_t *out)
{
	size_t nslots = s->nroutes + NPLACES * NMETHODS;
	buf_t lab = BUF_INIT, full = BUF_INIT;
	prom_family(out, "suotdoi_http_requests_total", "counter",
	            "HTTP requests finished, by route pattern, method and status (0: the client "
	            "left before a reply; other: a status not listed).");
	for (size_t k = 0; k < nslots; k++) {
		slot_labels(s, k, &lab);
		for (size_t i = 0; i < NSTATUS; i++) {
			uint64_t n =
			        atomic_load_explicit(&s->slots[k].status[i], memory_order_relaxed);
			if (n == 0)
				continue;
			buf_reset(&full);
			buf_puts(&full, buf_cstr(&lab));
			if (i < NCODES)
				buf_printf(&full, ",status=\"%d\"", codes[i]);
			else
				buf_puts(&full,
				         i == ST_NONE ? ",status=\"0\"" : ",status=\"other\"");
			prom_sample(out, "suotdoi_http_requests_total", buf_cstr(&full), (double)n);
		}
	}
	prom_family(out, "suotdoi_http_request_duration_seconds", "histogram",
	            "Time from a request's first byte to its end (reply sent), by route "
	            "pattern and method.");
	for (size_t k = 0; k < nslots; k++) {
		prom_hist_t h = {0};
		for (size_t i = 0; i <= PROM_SECONDS_BUCKETS; i++) {
			h.bucket[i] =
			        atomic_load_explicit(&s->slots[k].bucket[i], memory_order_relaxed);
			h.count += h.bucket[i];
		}
		if (h.count == 0)
			continue;
		h.sum = atomic_load_explicit(&s->slots[k].sum_ns, memory_order_relaxed);
		slot_labels(s, k, &lab);
		prom_hist_write(out, "suotdoi_http_request_duration_seconds", buf_cstr(&lab), &h,
		                prom_seconds_bounds, PROM_SECONDS_BUCKETS, 1e-9);
	}
	prom_family(out, "suotdoi_http_requests_in_flight", "gauge",
	            "Requests received and not yet finished (including this scrape).");
	prom_sample(out, "suotdoi_http_requests_in_flight", NULL,
	            (double)atomic_load_explicit(&s->in_flight, memory_order_relaxed));
	buf_free(&lab);
	buf_free(&full);
}
