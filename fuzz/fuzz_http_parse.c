/* libFuzzer driver for the HTTP request-parsing helpers: percent-decoding, strict path
 * decoding, urlencoded pairs, the Cookie header, route matching against a fixed table and the
 * static-path and ETag checks. Checks the invariants the server relies on, not just crashes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

static int
h_none(http_req_t *req)
{
	(void)req;
	return 404;
}

static const http_route_t table[] = {
        {HTTP_GET, "/", NULL, 0, NULL, h_none},
        {HTTP_GET, "/units/new", NULL, 0, NULL, h_none},
        {HTTP_GET, "/units/:id", "q page", 0, NULL, h_none},
        {HTTP_POST, "/units/:id", "name", 4096, NULL, h_none},
        {HTTP_GET, "/units/:id/staff/:sid", NULL, 0, NULL, h_none},
        {HTTP_GET, "/files/*rest", NULL, 0, NULL, h_none},
        {HTTP_DELETE, "/a/:b/:c/:d/:e/:f/:g/:h/:i/:j", NULL, 0, NULL, h_none},
};

/* Strict UTF-8 as the server promises it to handlers; deliberately written differently
 * from the library's validator (by code point ranges). */
static int
utf8_ok(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i], cp, k;
		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c < 0xC0 || c > 0xF4)
			return 0;
		k = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
		cp = c & (0x3F >> k);
		if (i + k >= n)
			return 0;
		for (unsigned j = 1; j <= k; j++) {
			if ((s[i + j] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + j] & 0x3F);
		}
		static const unsigned min[] = {0, 0x80, 0x800, 0x10000};
		if (cp < min[k] || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000))
			return 0;
		i += k + 1;
	}
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *)data;
	arena_t a = ARENA_INIT;

	char *out = malloc(size + 1);
	for (int plus = 0; plus <= 1; plus++) {
		long n = http_url_decode(in, size, out, plus);
		if (n >= 0) {
			if ((size_t)n > size || out[n] != '\0' || strlen(out) != (size_t)n)
				abort();
		}
	}
	free(out);

	const char *path = NULL, *why = NULL;
	if (http_path_decode(in, size, &a, &path, &why) == 0) {
		size_t n = strlen(path);
		if (path[0] != '/' || !utf8_ok((const unsigned char *)path, n))
			abort();
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)path[i] < 0x20 || path[i] == 0x7F)
				abort();
		http_match_t m;
		unsigned methods[] = {0, HTTP_GET, HTTP_POST, HTTP_PUT, HTTP_DELETE};
		for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
			int rc = http_route_find(table, sizeof table / sizeof table[0], methods[i],
			                         path, &a, &m);
			if ((rc == 0) != (m.route != NULL) || m.n > HTTP_MAX_ROUTE_PARAMS)
				abort();
			if (rc == 0 && (m.route->method & methods[i]) == 0)
				abort();
			/* allow: 0 when a route matched (the router stops at the first one);
			 * otherwise the other methods of the path, never the one asked for */
			if (rc == 0 && m.allow != 0)
				abort();
			if (rc != 0 && (m.allow & methods[i]) != 0)
				abort();
			for (size_t k = 0; k < m.n; k++)
				if (strchr(m.values[k], '/') != NULL && m.names[k][0] != 'r')
					abort(); /* only "*rest" may span segments */
		}
		if (strncmp(path, "/static/", 8) == 0 && http_static_path_ok(path + 8)) {
			const char *rel = path + 8;
			if (rel[0] == '/' || rel[0] == '.' || strstr(rel, "/.") ||
			    strstr(rel, "//"))
				abort();
		}
		(void)http_static_type(path);
	} else if (why == NULL || path != NULL) {
		abort();
	}

	http_kv_t *kv;
	size_t nkv;
	why = NULL;
	if (http_form_parse(in, size, &a, &kv, &nkv, &why) == 0) {
		for (size_t i = 0; i < nkv; i++) {
			if (kv[i].name[0] == '\0' ||
			    !utf8_ok((const unsigned char *)kv[i].name, strlen(kv[i].name)) ||
			    !utf8_ok((const unsigned char *)kv[i].value, strlen(kv[i].value)))
				abort();
		}
	} else if (why == NULL || !utf8_ok((const unsigned char *)why, strlen(why))) {
		abort();
	}

	/* The Cookie header and If-None-Match come as C strings. */
	char *hdr = malloc(size + 1);
	memcpy(hdr, data, size);
	hdr[size] = '\0';
	const char *names[] = {"sid", "a", "", "theme"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const char *v = http_cookie_get(hdr, names[i], &a);
		if (v != NULL && strlen(v) > strlen(hdr))
			abort();
	}
	(void)http_etag_match(hdr, "\"1a-2b\"");
	(void)http_static_path_ok(hdr);
	free(hdr);

	arena_free(&a);
	return 0;
}
