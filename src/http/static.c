/* Static files under /static/: a lexical path check, an extension allow-list, a realpath()
 * containment check (symlinks cannot lead out of the root) and a strong ETag from
 * size + mtime so old phones revalidate with a 304 instead of downloading again. */
#include "http/http.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/mem.h"

static const struct {
	const char *ext;
	const char *type;
} types[] = {
        {"css", "text/css; charset=utf-8"},
        {"js", "text/javascript; charset=utf-8"},
        {"svg", "image/svg+xml"},
        {"png", "image/png"},
        {"jpg", "image/jpeg"},
        {"jpeg", "image/jpeg"},
        {"webp", "image/webp"},
        {"ico", "image/x-icon"},
        {"woff2", "font/woff2"},
        {"txt", "text/plain; charset=utf-8"},
        {"webmanifest", "application/manifest+json"},
};

const char *
http_static_type(const char *name)
{
	const char *slash = strrchr(name, '/');
	const char *base = slash ? slash + 1 : name;
	const char *dot = strrchr(base, '.');
	if (dot == NULL || dot == base)
		return NULL;
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strcasecmp(dot + 1, types[i].ext) == 0)
			return types[i].type;
	return NULL;
}

int
http_static_path_ok(const char *rel)
{
	if (rel == NULL || rel[0] == '\0' || rel[0] == '/')
		return 0;
	if (strchr(rel, '\\') != NULL)
		return 0;
	const char *s = rel;
	for (;;) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		/* Empty segments ("a//b") and anything starting with '.' (".", "..", ".git")
		 * are never part of a published asset path. */
		if (n == 0 || s[0] == '.')
			return 0;
		if (e == NULL)
			return 1;
		s = e + 1;
	}
}

int
http_static_open(const char *root, const char *rel, http_static_file_t *out)
{
	out->fd = -1;
	if (root == NULL || !http_static_path_ok(rel))
		return -1;
	const char *type = http_static_type(rel);
	if (type == NULL)
		return -1;
	size_t rootlen = strlen(root);
	char *full = xmalloc(size_add(size_add(rootlen, strlen(rel)), 2));
	sprintf(full, "%s/%s", root, rel);
	char *real = realpath(full, NULL);
	free(full);
	if (real == NULL)
		return -1;
	/* The lexical check already forbids "..", but a symlink inside the root could still
	 * point anywhere: only paths that resolve strictly below root are served. */
	int inside = strncmp(real, root, rootlen) == 0 && real[rootlen] == '/';
	int fd = inside ? open(real, O_RDONLY | O_CLOEXEC | O_NOCTTY) : -1;
	free(real);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	unsigned long long mtime_ns = (unsigned long long)st.st_mtim.tv_sec * 1000000000ULL +
	                              (unsigned long long)st.st_mtim.tv_nsec;
	out->fd = fd;
	out->size = (size_t)st.st_size;
	out->type = type;
	snprintf(out->etag, sizeof out->etag, "\"%llx-%llx\"", (unsigned long long)st.st_size,
	         mtime_ns);
	return 0;
}

int
http_etag_match(const char *if_none_match, const char *etag)
{
	if (if_none_match == NULL || etag == NULL)
		return 0;
	size_t elen = strlen(etag);
	const char *p = if_none_match;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		if (*p == '*')
			return 1;
		/* If-None-Match uses weak comparison: W/"x" matches "x". */
		if (p[0] == 'W' && p[1] == '/')
			p += 2;
		const char *s = p;
		if (*p == '"') {
			p++;
			while (*p && *p != '"')
				p++;
			if (*p == '"')
				p++;
		} else {
			while (*p && *p != ',' && *p != ' ' && *p != '\t')
				p++;
		}
		if ((size_t)(p - s) == elen && memcmp(s, etag, elen) == 0)
			return 1;
		while (*p && *p != ',')
			p++;
	}
	return 0;
}
