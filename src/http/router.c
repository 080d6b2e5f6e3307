/* Route matching over the decoded path: literal segments, ":name" for one non-empty segment
 * and a final "*name" for the rest. The table is scanned in order, so the first matching
 * route wins; the union of methods of matching patterns gives 404 vs 405 and Allow. */
#include "http/http.h"

#include <string.h>

static void
capture(arena_t *a, const char **names, const char **values, size_t max, size_t *n,
        const char *name, size_t nlen, const char *value, size_t vlen)
{
	if (a == NULL || *n >= max)
		return;
	names[*n] = arena_strndup(a, name, nlen);
	values[*n] = arena_strndup(a, value, vlen);
	(*n)++;
}

int
http_route_match(const char *pattern, const char *path, arena_t *a, const char **names,
                 const char **values, size_t max, size_t *n)
{
	*n = 0;
	if (pattern == NULL || path == NULL || pattern[0] != '/' || path[0] != '/')
		return 0;
	const char *p = pattern + 1;
	const char *q = path + 1;
	for (;;) {
		const char *pe = p;
		while (*pe && *pe != '/')
			pe++;
		const char *qe = q;
		while (*qe && *qe != '/')
			qe++;
		if (*p == '*') {
			if (*pe != '\0')
				return 0; /* "*rest" is only valid as the last segment */
			capture(a, names, values, max, n, p + 1, (size_t)(pe - p - 1), q,
			        strlen(q));
			return 1;
		}
		if (*p == ':') {
			if (qe == q)
				return 0;
			capture(a, names, values, max, n, p + 1, (size_t)(pe - p - 1), q,
			        (size_t)(qe - q));
		} else if (pe - p != qe - q || memcmp(p, q, (size_t)(pe - p)) != 0) {
			return 0;
		}
		if (*pe == '\0' && *qe == '\0')
			return 1;
		if (*pe != '/' || *qe != '/')
			return 0;
		p = pe + 1;
		q = qe + 1;
	}
}

int
http_route_find(const http_route_t *routes, size_t nroutes, unsigned method, const char *path,
                arena_t *a, http_match_t *m)
{
	memset(m, 0, sizeof *m);
	for (size_t i = 0; i < nroutes; i++) {
		const http_route_t *r = &routes[i];
		size_t k;
		if (!http_route_match(r->pattern, path, NULL, NULL, NULL, 0, &k))
			continue;
		if (method != 0 && (r->method & method) != 0) {
			/* the first in table order wins; the rest are read only to say which
			 * methods the path has when none matched (a scan of every route on each
			 * request was a twentieth of a cached dashboard's time) */
			m->route = r;
			m->allow = 0;
			http_route_match(r->pattern, path, a, m->names, m->values,
			                 HTTP_MAX_ROUTE_PARAMS, &m->n);
			return 0;
		}
		m->allow |= r->method;
	}
	return -1;
}
