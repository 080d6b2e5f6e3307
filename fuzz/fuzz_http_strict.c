/* libFuzzer driver for the strict HTTP checks (src/http/strict.c). The input: a flags byte
 * (bit 0: HTTP/1.1), then a request target up to the first '\n', then header lines
 * "name:value" up to each '\n' (a line without a colon is a name with an empty value).
 * Checks the invariants the server relies on, written independently of the checker: an
 * accepted request has token names, no control character but tab in a value, at most one
 * Host and one Content-Length (digits only), Transfer-Encoding only as a single "chunked" and
 * never with Content-Length, and a Host when it is HTTP/1.1. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/strict.h"

#define MAX_FIELDS 64

static int
token(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		int ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		         (c >= 'A' && c <= 'Z') || (c && strchr("!#$%&'*+-.^_`|~", c));
		if (!ok)
			return 0;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int http11 = data[0] & 1;
	char *in = malloc(size);
	memcpy(in, data + 1, size - 1);
	in[size - 1] = '\0'; /* the server's strings end at a NUL */
	size_t len = size - 1;

	char *nl = memchr(in, '\n', len);
	size_t ulen = nl ? (size_t)(nl - in) : len;
	const char *why = NULL;
	int st = http_strict_uri(in, ulen, &why);
	if ((st != 0) != (why != NULL) || (st != 0 && st != 400 && st != 414))
		abort();
	if (st == 0) {
		if (ulen > HTTP_URI_MAX)
			abort();
		for (size_t i = 0; i < ulen; i++)
			if ((unsigned char)in[i] <= ' ' || in[i] == 0x7F)
				abort();
	}

	http_strict_hdr_t h[MAX_FIELDS];
	size_t n = 0;
	char *p = nl ? nl + 1 : in + len;
	while (p < in + len && n < MAX_FIELDS) {
		char *e = memchr(p, '\n', (size_t)(in + len - p));
		if (e != NULL)
			*e = '\0';
		char *colon = strchr(p, ':');
		if (colon != NULL)
			*colon = '\0';
		h[n].name = p;
		h[n].value = colon ? colon + 1 : "";
		n++;
		if (e == NULL)
			break;
		p = e + 1;
	}
	size_t bad = 0;
	why = NULL;
	st = http_strict_headers(h, n, http11, &why, &bad);
	if ((st != 0) != (why != NULL) || bad > n || (st != 0 && st != 400 && st != 501))
		abort();
	if (st == 0) {
		size_t hosts = 0, clens = 0, tes = 0;
		for (size_t i = 0; i < n; i++) {
			if (!token(h[i].name))
				abort();
			for (const char *v = h[i].value; *v; v++)
				if (((unsigned char)*v < 0x20 && *v != '\t') || *v == 0x7F)
					abort();
			if (strcasecmp(h[i].name, "host") == 0)
				hosts++;
			if (strcasecmp(h[i].name, "content-length") == 0) {
				clens++;
				if (h[i].value[0] == '\0' ||
				    strspn(h[i].value, "0123456789") != strlen(h[i].value))
					abort();
			}
			if (strcasecmp(h[i].name, "transfer-encoding") == 0) {
				tes++;
				if (strcasecmp(h[i].value, "chunked") != 0)
					abort();
			}
		}
		if (hosts > 1 || clens > 1 || tes > 1 || (clens && tes) || (http11 && !hosts))
			abort();
	}
	free(in);
	return 0;
}
