/* gzip for replies and the static-asset cache (see compress.h).
 *
 * Why gzip at all: the pages are Vietnamese HTML and CSS, highly repetitive (tags, class
 * names, UTF-8 diacritics); on a 3G phone every kilobyte is ~10 ms. gzip shrinks the
 * dashboard and the results form 5-8x (measured in tests/http/test_light.c, reported in
 * docs/documents.md). zlib is everywhere (Debian zlib1g-dev); brotli would save ~15% more on
 * text but costs more CPU per dynamic page, so only gzip is offered.
 *
 * Memory: a deflate stream at memLevel 8 / windowBits 15 holds ~268 KiB. One per server
 * thread, reset per reply (deflateReset is a few hundred ns, deflateInit a calloc of that
 * much), freed when the thread ends (pthread key destructor). */
#include "http/compress.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "core/mem.h"
#include "http/http.h"

/* ---------------------------------------------------------------- Accept-Encoding */

/* q-value "0", "0.x", "1", "1.0" as thousandths; -1 when malformed. */
static int
qvalue(const char *s, size_t n)
{
	if (n == 0 || (s[0] != '0' && s[0] != '1'))
		return -1;
	int v = (s[0] - '0') * 1000;
	if (n == 1)
		return v;
	if (s[1] != '.' || n > 5)
		return -1;
	int scale = 100;
	for (size_t i = 2; i < n; i++, scale /= 10) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v += (s[i] - '0') * scale;
	}
	return v > 1000 ? -1 : v;
}

int
http_accepts_gzip(const char *ae)
{
	if (ae == NULL)
		return 0;
	int gzip_q = -1, star_q = -1; /* -1: not named */
	const char *p = ae;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		const char *tok = p;
		while (*p && *p != ',' && *p != ';' && *p != ' ' && *p != '\t')
			p++;
		size_t tlen = (size_t)(p - tok);
		int q = 1000;
		/* parameters: only q matters */
		while (*p && *p != ',') {
			while (*p == ' ' || *p == '\t' || *p == ';')
				p++;
			const char *ps = p;
			while (*p && *p != ',' && *p != ';')
				p++;
			const char *pe = p;
			while (pe > ps && (pe[-1] == ' ' || pe[-1] == '\t'))
				pe--;
			if (pe - ps >= 2 && (ps[0] == 'q' || ps[0] == 'Q') && ps[1] == '=') {
				int v = qvalue(ps + 2, (size_t)(pe - ps - 2));
				q = v < 0 ? 0 : v;
			}
		}
		if ((tlen == 4 && strncasecmp(tok, "gzip", 4) == 0) ||
		    (tlen == 6 && strncasecmp(tok, "x-gzip", 6) == 0)) {
			if (gzip_q < q)
				gzip_q = q;
		} else if (tlen == 1 && tok[0] == '*') {
			star_q = q;
		}
	}
	if (gzip_q >= 0)
		return gzip_q > 0;
	return star_q > 0;
}

int
http_compressible_type(const char *ct)
{
	if (ct == NULL)
		return 0;
	while (*ct == ' ')
		ct++;
	static const char *const types[] = {
	        "text/html",       "text/css",         "text/javascript",
	        "text/csv",        "text/plain",       "application/javascript",
	        "application/json", "application/manifest+json", "image/svg+xml",
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		size_t n = strlen(types[i]);
		if (strncasecmp(ct, types[i], n) == 0 &&
		    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' '))
			return 1;
	}
	return 0;
}

/* ---------------------------------------------------------------- deflate */

/* Per thread: a gzip-wrapped stream for whole replies and a raw one for the runs between
 * compressed-ahead parts, each made on first use at the level asked. */
struct zstream {
	z_stream zs;
	int level; /* 0: not made */
};
struct zstate {
	struct zstream s[2]; /* [0] gzip, [1] raw */
};

static pthread_key_t zkey;
static pthread_once_t zonce = PTHREAD_ONCE_INIT;

static void
zstate_free(void *p)
{
	struct zstate *s = p;
	for (int i = 0; i < 2; i++)
		if (s->s[i].level)
			deflateEnd(&s->s[i].zs);
	free(s);
}

static void
zkey_init(void)
{
	if (pthread_key_create(&zkey, zstate_free) != 0)
		mem_fatal("pthread_key_create");
}

/* This thread's stream (raw or gzip) at level, reset for a new reply; NULL on failure. */
static z_stream *
thread_stream(int level, int raw)
{
	pthread_once(&zonce, zkey_init);
	struct zstate *st = pthread_getspecific(zkey);
	if (st == NULL) {
		st = xcalloc(1, sizeof *st);
		pthread_setspecific(zkey, st);
	}
	struct zstream *s = &st->s[raw ? 1 : 0];
	if (s->level && s->level != level) {
		deflateEnd(&s->zs);
		s->level = 0;
	}
	if (!s->level) {
		memset(&s->zs, 0, sizeof s->zs);
		/* windowBits 15 + 16: a gzip header and trailer rather than zlib's; -15: none */
		if (deflateInit2(&s->zs, level, Z_DEFLATED, raw ? -15 : 15 + 16, 8,
		                 Z_DEFAULT_STRATEGY) != Z_OK)
			return NULL;
		s->level = level;
		return &s->zs;
	}
	if (deflateReset(&s->zs) != Z_OK)
		return NULL;
	return &s->zs;
}

/* Deflates in[0..len) through zs with flush (Z_FINISH or Z_SYNC_FLUSH), appending to out.
 * 0, or -1 (out unchanged). */
static int
deflate_into(z_stream *zs, const void *in, size_t len, int flush, buf_t *out)
{
	size_t start = out->len;
	/* the bound plus a sync flush's empty stored block */
	size_t bound = deflateBound(zs, (uLong)len) + 8;
	buf_reserve(out, bound);
	zs->next_in = (Bytef *)(uintptr_t)in;
	zs->avail_in = (uInt)len;
	zs->next_out = (Bytef *)out->data + start;
	zs->avail_out = (uInt)bound;
	int rc = deflate(zs, flush);
	if ((flush == Z_FINISH && rc != Z_STREAM_END) || (flush != Z_FINISH && rc != Z_OK) ||
	    zs->avail_in != 0 || zs->avail_out == 0) {
		out->len = start;
		return -1;
	}
	out->len = start + (bound - zs->avail_out);
	return 0;
}

int
http_gzip(const void *in, size_t len, int level, buf_t *out)
{
	if (level < 1 || level > 9 || len > UINT32_MAX)
		return -1;
	z_stream *zs = thread_stream(level, 0);
	if (zs == NULL)
		return -1;
	return deflate_into(zs, in, len, Z_FINISH, out);
}

int
http_zpart_make(const void *in, size_t len, const void *dict, size_t dictlen, int level,
                buf_t *out, uint32_t *crc)
{
	if (level < 1 || level > 9 || len > UINT32_MAX)
		return -1;
	z_stream *zs = thread_stream(level, 1);
	if (zs == NULL)
		return -1;
	if (dict && dictlen) {
		if (dictlen > HTTP_ZPART_DICT_MAX) {
			dict = (const char *)dict + (dictlen - HTTP_ZPART_DICT_MAX);
			dictlen = HTTP_ZPART_DICT_MAX;
		}
		if (deflateSetDictionary(zs, dict, (uInt)dictlen) != Z_OK)
			return -1;
	}
	if (deflate_into(zs, in, len, Z_SYNC_FLUSH, out) != 0)
		return -1;
	*crc = (uint32_t)crc32(0L, (const Bytef *)in, (uInt)len);
	return 0;
}

static void
put_le32(buf_t *out, uint32_t v)
{
	unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
	                      (unsigned char)(v >> 24)};
	buf_append(out, (const char *)b, 4);
}

/* Runs shorter than this are stored, not deflated: without the context of what precedes
 * them a few hundred bytes hardly shrink, and each new stream costs a deflateReset (a
 * 64 KiB memset of its hash table). */
#define RUN_STORED_MAX 256

/* One run of a reply between parts: its own raw stream, ended by a sync flush (or, the last
 * run, as the final block); the CRC-32 so far combined with it. */
static int
gzip_run(const unsigned char *in, size_t len, int level, int last, buf_t *out, uLong *crc)
{
	if (len == 0 && !last)
		return 0;
	if (len < RUN_STORED_MAX) {
		/* a stored block (RFC 1951 3.2.4): BFINAL, BTYPE 00, padding to the byte (the
		 * stream is byte-aligned after the sync flush before), LEN, NLEN, the bytes */
		unsigned char h[5] = {last ? 1 : 0, (unsigned char)len, (unsigned char)(len >> 8),
		                      (unsigned char)~len, (unsigned char)(~len >> 8)};
		buf_append(out, (const char *)h, sizeof h);
		buf_append(out, (const char *)in, len);
		*crc = crc32(*crc, in, (uInt)len);
		return 0;
	}
	z_stream *zs = thread_stream(level, 1);
	if (zs == NULL || deflate_into(zs, in, len, last ? Z_FINISH : Z_SYNC_FLUSH, out) != 0)
		return -1;
	*crc = crc32(*crc, in, (uInt)len);
	return 0;
}

/* The first occurrence of needle (len bytes) in hay, or NULL. glibc's memmem walks a long
 * needle a byte at a time (two-way): on a dashboard it cost more than the deflate it saves.
 * Its short-needle search is quick, so: find the needle's first bytes, then compare it all. */
static const unsigned char *
find_part(const unsigned char *hay, size_t n, const char *needle, size_t len)
{
	enum { PREFIX = 64 };
	if (len <= PREFIX)
		return memmem(hay, n, needle, len);
	const unsigned char *p = hay, *end = hay + n;
	while ((size_t)(end - p) >= len) {
		const unsigned char *at = memmem(p, (size_t)(end - p) - (len - PREFIX), needle, PREFIX);
		if (at == NULL)
			return NULL;
		if (memcmp(at + PREFIX, needle + PREFIX, len - PREFIX) == 0)
			return at;
		p = at + 1;
	}
	return NULL;
}

int
http_gzip_parts(const void *in, size_t len, int level, const http_zpart_t *parts,
                size_t nparts, buf_t *out)
{
	if (level < 1 || level > 9 || len > UINT32_MAX)
		return -1;
	if (nparts == 0)
		return http_gzip(in, len, level, out);
	const unsigned char *p = in, *end = p + len;
	size_t start = out->len;
	/* RFC 1952: magic, deflate, no flags, no time, no extra flags, Unix */
	static const unsigned char head[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
	buf_append(out, (const char *)head, sizeof head);
	uLong crc = crc32(0L, Z_NULL, 0);
	for (size_t k = 0; k < nparts; k++) {
		const http_zpart_t *z = &parts[k];
		if (z->len == 0 || z->zlen == 0 || z->len > (size_t)(end - p))
			continue;
		const unsigned char *at = find_part(p, (size_t)(end - p), z->data, z->len);
		if (at == NULL)
			continue;
		/* its back-references reach into what precedes it: that must be its dictionary */
		size_t dl = z->dictlen < HTTP_ZPART_DICT_MAX ? z->dictlen : HTTP_ZPART_DICT_MAX;
		if (z->dict && dl &&
		    ((size_t)(at - (const unsigned char *)in) < dl ||
		     memcmp(at - dl, z->dict + (z->dictlen - dl), dl) != 0))
			continue;
		if (gzip_run(p, (size_t)(at - p), level, 0, out, &crc) != 0)
			goto fail;
		buf_append(out, (const char *)z->z, z->zlen);
		crc = crc32_combine(crc, z->crc, (z_off_t)z->len);
		p = at + z->len;
	}
	/* the rest, possibly nothing: then just the final empty block */
	if (gzip_run(p, (size_t)(end - p), level, 1, out, &crc) != 0)
		goto fail;
	put_le32(out, (uint32_t)crc);
	put_le32(out, (uint32_t)len);
	return 0;
fail:
	out->len = start;
	return -1;
}

/* ---------------------------------------------------------------- static asset cache */

#define ASSET_MAX ((size_t)1 << 20)

struct centry {
	struct centry *next;
	char *path; /* realpath */
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	http_asset_t a;
};

/* Process-wide: a handful of files, read once, kept until they change on disk. */
static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct centry *cache;

static char *
dup_bytes(const char *p, size_t n)
{
	char *d = xmalloc(n ? n : 1);
	if (n)
		memcpy(d, p, n);
	return d;
}

static int
read_all(int fd, size_t size, char **out)
{
	char *d = xmalloc(size ? size : 1);
	size_t got = 0;
	while (got < size) {
		ssize_t n = read(fd, d + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(d);
			return -1;
		}
		got += (size_t)n;
	}
	*out = d;
	return 0;
}

static void
hash_hex(const char *data, size_t len, char hex[17])
{
	unsigned char h[crypto_generichash_BYTES_MIN];
	crypto_generichash(h, sizeof h, (const unsigned char *)data, len, NULL, 0);
	static const char digits[] = "0123456789abcdef";
	for (int i = 0; i < 8; i++) {
		hex[2 * i] = digits[h[i] >> 4];
		hex[2 * i + 1] = digits[h[i] & 15];
	}
	hex[16] = '\0';
}

/* Whitespace only: spaces and tabs. */
static const char *
skip_blank(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

size_t
http_asset_trim(char *data, size_t len, const char *type)
{
	int js = type && (strncmp(type, "text/javascript", 15) == 0 ||
	                  strncmp(type, "application/javascript", 22) == 0);
	int css = type && strncmp(type, "text/css", 8) == 0;
	if (!js && !css)
		return len;
	/* a template literal or a string continued over lines could hold a line that looks
	 * like a comment or whose indentation counts: leave such a file alone */
	for (size_t i = 0; i < len; i++)
		if (data[i] == '`' || (data[i] == '\\' && i + 1 < len && data[i + 1] == '\n'))
			return len;
	const char *p = data, *end = data + len;
	/* a block comment opened inside a line and left open past it (or such an opening in
	 * a string) could hold lines that look like comments or close it: then only the
	 * indentation and blank lines go. One closed on its own line ("f(); /+ why +/") is
	 * harmless and stays. */
	int comments = 1;
	for (const char *t = data; t + 1 < end && comments; t++)
		if (t[0] == '/' && t[1] == '*') {
			const char *b = t;
			while (b > data && (b[-1] == ' ' || b[-1] == '\t'))
				b--;
			if (b == data || b[-1] == '\n')
				continue;
			const char *eol = memchr(t, '\n', (size_t)(end - t)), *c = t + 2;
			const char *le = eol ? eol : end;
			while (c + 1 < le && !(c[0] == '*' && c[1] == '/'))
				c++;
			if (c + 1 >= le)
				comments = 0;
		}
	char *w = data;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *next = eol ? eol + 1 : end, *line_end = eol ? eol : end;
		const char *q = skip_blank(p, line_end);
		if (q == line_end ||
		    (comments && js && line_end - q >= 2 && q[0] == '/' && q[1] == '/')) {
			p = next; /* a blank line, or a line that is only a // comment */
			continue;
		}
		if (comments && line_end - q >= 2 && q[0] == '/' && q[1] == '*') {
			/* a block comment opening a line is dropped when nothing follows its end on
			 * its last line; otherwise its lines are kept as they are */
			const char *c = NULL;
			for (const char *t = q + 2; t + 1 < end; t++)
				if (t[0] == '*' && t[1] == '/') {
					c = t;
					break;
				}
			if (c == NULL) { /* unterminated: not ours to judge, kept as it is */
				memmove(w, q, (size_t)(end - q));
				w += end - q;
				break;
			}
			const char *after = c + 2, *ceol = memchr(after, '\n', (size_t)(end - after));
			const char *cnext = ceol ? ceol + 1 : end;
			if (skip_blank(after, ceol ? ceol : end) != (ceol ? ceol : end)) {
				memmove(w, q, (size_t)(cnext - q));
				w += cnext - q;
			}
			p = cnext;
			continue;
		}
		size_t n = (size_t)(next - q);
		memmove(w, q, n);
		w += n;
		p = next;
	}
	return (size_t)(w - data);
}

int
http_asset_load(const char *root, const char *rel, int what, http_asset_t *out)
{
	memset(out, 0, sizeof *out);
	http_static_file_t f;
	if (http_static_open(root, rel, &f) != 0)
		return -1;
	struct stat st;
	if (fstat(f.fd, &st) != 0) {
		close(f.fd);
		return -1;
	}
	if (f.size > ASSET_MAX) {
		close(f.fd);
		return -2;
	}
	char key[4096];
	if ((size_t)snprintf(key, sizeof key, "%s/%s", root, rel) >= sizeof key) {
		close(f.fd);
		return -2;
	}
	pthread_mutex_lock(&cache_mu);
	struct centry **pp = &cache, *e = NULL;
	for (; *pp; pp = &(*pp)->next)
		if (strcmp((*pp)->path, key) == 0) {
			e = *pp;
			break;
		}
	int fresh = e != NULL && e->dev == st.st_dev && e->ino == st.st_ino &&
	            e->size == st.st_size && e->mtime.tv_sec == st.st_mtim.tv_sec &&
	            e->mtime.tv_nsec == st.st_mtim.tv_nsec;
	if (!fresh) {
		/* Read and compress under the lock: it happens once per file version, and two
		 * threads doing it at once would only waste the work. */
		char *data;
		if (read_all(f.fd, f.size, &data) != 0) {
			pthread_mutex_unlock(&cache_mu);
			close(f.fd);
			return -1;
		}
		if (e == NULL) {
			e = xcalloc(1, sizeof *e);
			e->path = xstrdup(key);
			e->next = cache;
			cache = e;
		} else {
			free(e->a.data);
			free(e->a.gz);
			memset(&e->a, 0, sizeof e->a);
		}
		e->dev = st.st_dev;
		e->ino = st.st_ino;
		e->size = st.st_size;
		e->mtime = st.st_mtim;
		/* the hash is the file's (what its URL and ETag promise: the served bytes are
		 * a function of it), taken before the trim */
		hash_hex(data, f.size, e->a.hash);
		size_t len = http_asset_trim(data, f.size, f.type);
		e->a.data = data;
		e->a.len = len;
		e->a.type = f.type;
		if (http_compressible_type(f.type) && len >= HTTP_GZIP_MIN) {
			buf_t gz = BUF_INIT;
			if (http_gzip(data, len, HTTP_GZIP_STATIC_LEVEL, &gz) == 0 && gz.len < len) {
				e->a.gzlen = gz.len;
				e->a.gz = buf_steal(&gz, &e->a.gzlen);
			}
			buf_free(&gz);
		}
	}
	close(f.fd);
	if (what == HTTP_ASSET_GZIP && e->a.gz != NULL) {
		out->gzlen = e->a.gzlen;
		out->gz = dup_bytes(e->a.gz, e->a.gzlen);
	} else if (what != HTTP_ASSET_HASH) {
		out->len = e->a.len;
		out->data = dup_bytes(e->a.data, e->a.len);
	}
	memcpy(out->hash, e->a.hash, sizeof out->hash);
	out->type = e->a.type;
	pthread_mutex_unlock(&cache_mu);
	return 0;
}

void
http_asset_free(http_asset_t *a)
{
	free(a->data);
	free(a->gz);
	a->data = a->gz = NULL;
}

/* The layout asks for the same few URLs on every page: remember them per directory and file,
 * and look at the disk again at most once a second (a changed file gets a new URL within a
 * second; a page render does not pay a realpath() and a hash lookup per asset). */
struct urlentry {
	struct urlentry *next;
	char *dir, *rel;
	time_t checked; /* CLOCK_MONOTONIC_COARSE seconds */
	char url[512];
};
static struct urlentry *urls;

const char *
http_static_url(const char *static_dir, const char *rel, char *out, size_t cap)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
	pthread_mutex_lock(&cache_mu);
	struct urlentry *u = urls;
	while (u && (strcmp(u->rel, rel) != 0 || strcmp(u->dir, static_dir ? static_dir : "") != 0))
		u = u->next;
	if (u != NULL && u->checked == now.tv_sec) {
		snprintf(out, cap, "%s", u->url);
		pthread_mutex_unlock(&cache_mu);
		return out;
	}
	pthread_mutex_unlock(&cache_mu);

	char url[512];
	char *root = static_dir ? realpath(static_dir, NULL) : NULL;
	http_asset_t a;
	int rc = root ? http_asset_load(root, rel, HTTP_ASSET_HASH, &a) : -1;
	free(root);
	if (rc == 0)
		snprintf(url, sizeof url, "/static/%s?v=%s", rel, a.hash);
	else
		snprintf(url, sizeof url, "/static/%s", rel);

	pthread_mutex_lock(&cache_mu);
	u = urls;
	while (u && (strcmp(u->rel, rel) != 0 || strcmp(u->dir, static_dir ? static_dir : "") != 0))
		u = u->next;
	if (u == NULL) {
		u = xcalloc(1, sizeof *u);
		u->dir = xstrdup(static_dir ? static_dir : "");
		u->rel = xstrdup(rel);
		u->next = urls;
		urls = u;
	}
	u->checked = now.tv_sec;
	snprintf(u->url, sizeof u->url, "%s", url);
	pthread_mutex_unlock(&cache_mu);
	snprintf(out, cap, "%s", url);
	return out;
}
