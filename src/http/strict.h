/* Strict HTTP: the checks a request passes in our layer before it is routed, over what
 * libmicrohttpd 0.9.75 reports of it (it is tolerant: it answers a request with two
 * Content-Length headers, no Host, a Transfer-Encoding it cannot decode...). Pure functions
 * over strings, so the fuzz driver (fuzz/fuzz_http_strict.c) runs them without a server.
 * What libmicrohttpd decides before these run is listed in docs/operations.md, *HTTP
 * strictness*. */
#ifndef SUOTDOI_HTTP_STRICT_H
#define SUOTDOI_HTTP_STRICT_H

#include <stddef.h>

/* The longest request target (path and query, as sent) and the most query parameters a
 * request may carry: what a connection's memory is sized for (CONN_MEMORY in server.c).
 * Beyond either: 414. */
#define HTTP_URI_MAX ((size_t)8192)
#define HTTP_QUERY_PARAMS_MAX ((size_t)256)

/* One request header field as received, in arrival order, duplicates included. */
typedef struct http_strict_hdr {
	const char *name;
	const char *value;
} http_strict_hdr_t;

/* The raw request target (before percent-decoding), len bytes: 0 when acceptable, 414 when
 * longer than HTTP_URI_MAX or with more than HTTP_QUERY_PARAMS_MAX query parameters, 400 when
 * it holds a control character or a space. *why: a Vietnamese sentence for the client. */
int http_strict_uri(const char *uri, size_t len, const char **why /* OUT */);

/* The header fields of a request (http11: its version is HTTP/1.1 or later). 0 when
 * acceptable; 400 for a header name that is not a token (whitespace before the colon, a
 * control character), a control character other than tab in a value, two Content-Length
 * fields (equal or not) or one that is not plain digits, Transfer-Encoding together with
 * Content-Length, no Host on HTTP/1.1 or two Host fields; 501 for a Transfer-Encoding other
 * than exactly "chunked" (or given twice). *why: a Vietnamese sentence; *bad: the index of
 * the field at fault, or n when it is the request as a whole (no Host). */
int http_strict_headers(const http_strict_hdr_t *h, size_t n, int http11,
                        const char **why /* OUT */, size_t *bad /* OUT */);

#endif
