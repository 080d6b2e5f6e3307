/* Request counters for /metrics: per route pattern (not per path, so the number of series
 * stays bounded), method and status, a duration histogram per route and method, and the
 * requests in flight. Slots are made once from the route table; recording a request is a
 * few relaxed atomic additions, no lock and no allocation.
 *
 * The owner (the app) makes one with http_stats_new over the routes it serves and hands it
 * to the server in http_config_t.stats; requests no route matched (404, 405, bad paths,
 * oversize headers) count under route "unmatched", /healthz and static files under their
 * own. */
#ifndef SUOTDOI_HTTP_STATS_H
#define SUOTDOI_HTTP_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "http/http.h"

typedef struct http_stats http_stats_t;

http_stats_t *http_stats_new(const http_route_t *routes, size_t nroutes);
void http_stats_free(http_stats_t *s);

/* Appends the families suotdoi_http_requests_total, suotdoi_http_request_duration_seconds
 * and suotdoi_http_requests_in_flight (core/prom.h). */
void http_stats_write(http_stats_t *s, buf_t *out);

/* ---- for the server (src/http/server.c) ---- */
enum http_stats_where {
	HTTP_STATS_ROUTE,  /* route is the matched route (NULL: none matched: "unmatched") */
	HTTP_STATS_HEALTH, /* /healthz */
	HTTP_STATS_STATIC, /* /static/…, /favicon.ico, /manifest.webmanifest */
};
void http_stats_begin(http_stats_t *s);
/* method_name as the client sent it; status 0 when no reply was sent (the client left);
 * ns the request's time from its first byte to its end. */
void http_stats_end(http_stats_t *s, enum http_stats_where where, const http_route_t *route,
                    const char *method_name, int status, uint64_t ns);

#endif
