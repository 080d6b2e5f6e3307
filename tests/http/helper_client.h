/* Test client for the HTTP flow tests: libcurl requests against 127.0.0.1:port with the
 * status, headers and body captured, plus a raw-socket sender for requests curl will not
 * produce (oversize headers, chunked bodies, exact bytes). */
#ifndef SUOTDOI_TEST_HELPER_CLIENT_H
#define SUOTDOI_TEST_HELPER_CLIENT_H

#include <curl/curl.h>
#include <stddef.h>

#include "core/buf.h"

typedef struct hc_resp {
	long status;
	long num_connects; /* CURLINFO_NUM_CONNECTS: 0 when a kept-alive connection was reused */
	buf_t headers;     /* raw header block of the final response */
	buf_t body;
} hc_resp_t;

typedef struct hc_opts {
	const char *method; /* NULL = GET (or POST when body != NULL) */
	const char *body;   /* request body, may be NULL */
	size_t body_len;
	const char *const *headers; /* NULL-terminated "Name: value" list, may be NULL */
	int path_as_is;             /* keep "/../" as typed */
	int head;                   /* HEAD request (CURLOPT_NOBODY) */
} hc_opts_t;

/* Request http://127.0.0.1:port<path> with curl handle c (reused for keep-alive).
 * 0, or -1 on a transport error. Free *out with hc_resp_free. */
int hc_request(CURL *c, unsigned short port, const char *path, const hc_opts_t *o,
               hc_resp_t *out /* OUT */);
/* GET with a fresh handle. */
int hc_get(unsigned short port, const char *path, hc_resp_t *out /* OUT */);
/* Value of a response header (case-insensitive name), copied to dst; NULL when absent. */
const char *hc_header(const hc_resp_t *r, const char *name, char *dst, size_t cap);
void hc_resp_free(hc_resp_t *r);

/* Send raw bytes, then read until the server closes (or 10 s pass). Returns the status of
 * the first response line (0 if none) and the whole reply in *reply (may be NULL). */
int hc_raw(unsigned short port, const char *req, size_t len, buf_t *reply /* OUT */);

#endif
