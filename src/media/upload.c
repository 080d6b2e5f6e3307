/* Resumable uploads in a spool directory (see upload.h). One lock serialises every
 * operation: chunks are small and a photo has at most a few hundred of them. */
#include "media/upload.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"

static pthread_mutex_t upl_mu = PTHREAD_MUTEX_INITIALIZER;

static int
id_ok(const char *id)
{
	if (id == NULL || strlen(id) != UPL_ID_LEN)
		return 0;
	for (size_t k = 0; k < UPL_ID_LEN; k++)
		if (!((id[k] >= '0' && id[k] <= '9') || (id[k] >= 'a' && id[k] <= 'f')))
			return 0;
	return 1;
}

static void
path_of(char *out, size_t n, const char *dir, const char *id, const char *ext)
{
	snprintf(out, n, "%s/%s.%s", dir, id, ext);
}

static void
remove_locked(const char *dir, const char *id)
{
	char p[4200];
	path_of(p, sizeof p, dir, id, "part");
	unlink(p);
	path_of(p, sizeof p, dir, id, "json");
	unlink(p);
}

/* The upload's metadata as a new reference, or NULL when missing or unreadable. */
static json_t *
meta_load(const char *dir, const char *id)
{
	char p[4200];
	path_of(p, sizeof p, dir, id, "json");
	return json_load_file(p, 0, NULL);
}

/* The received offset (the .part file's size), or -1. */
static int64_t
part_size(const char *dir, const char *id)
{
	char p[4200];
	struct stat st;
	path_of(p, sizeof p, dir, id, "part");
	return stat(p, &st) == 0 ? (int64_t)st.st_size : -1;
}

static int
expired(json_t *m, int64_t now)
{
	return json_integer_value(json_object_get(m, "created")) + UPL_TTL < now;
}

/* The metadata of an upload of owner and scope that has not expired (a new reference), or
 * NULL; an expired one is removed. */
static json_t *
find_locked(const char *dir, const char *id, int64_t owner, const char *scope, int64_t now)
{
	if (!id_ok(id))
		return NULL;
	json_t *m = meta_load(dir, id);
	if (m == NULL)
		return NULL;
	const char *sc = json_string_value(json_object_get(m, "scope"));
	if (json_integer_value(json_object_get(m, "owner")) != owner || sc == NULL ||
	    strcmp(sc, scope) != 0) {
		json_decref(m);
		return NULL;
	}
	if (expired(m, now) || part_size(dir, id) < 0) {
		remove_locked(dir, id);
		json_decref(m);
		return NULL;
	}
	return m;
}

static void
fill_info(json_t *m, int64_t offset, upl_info_t *info)
{
	memset(info, 0, sizeof *info);
	info->size = json_integer_value(json_object_get(m, "size"));
	info->created = json_integer_value(json_object_get(m, "created"));
	info->offset = offset;
	const char *c = json_string_value(json_object_get(m, "caption"));
	snprintf(info->caption, sizeof info->caption, "%s", c ? c : "");
}

/* Remove expired uploads; count the unexpired ones of owner, and all in *all. */
static int
sweep_locked(const char *dir, int64_t owner, int64_t now, int *all)
{
	*all = 0;
	DIR *d = opendir(dir);
	if (d == NULL)
		return 0;
	int mine = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		char id[UPL_ID_LEN + 1];
		size_t n = strlen(e->d_name);
		if (n != UPL_ID_LEN + 5 || strcmp(e->d_name + UPL_ID_LEN, ".json") != 0)
			continue;
		memcpy(id, e->d_name, UPL_ID_LEN);
		id[UPL_ID_LEN] = '\0';
		if (!id_ok(id))
			continue;
		json_t *m = meta_load(dir, id);
		if (m == NULL || expired(m, now))
			remove_locked(dir, id);
		else {
			(*all)++;
			mine += json_integer_value(json_object_get(m, "owner")) == owner;
		}
		json_decref(m);
	}
	closedir(d);
	return mine;
}

upl_rc_t
upl_create(const char *dir, int64_t owner, const char *scope, int64_t size, int64_t max_size,
           const char *caption, int64_t now, char id[UPL_ID_LEN + 1])
{
	id[0] = '\0';
	if (size < 1 || size > max_size)
		return UPL_TOO_BIG;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		log_error("upload: mkdir %s: %s", dir, strerror(errno));
		return UPL_ERR;
	}
	unsigned char rnd[UPL_ID_LEN / 2];
	randombytes_buf(rnd, sizeof rnd);
	for (size_t k = 0; k < sizeof rnd; k++)
		snprintf(id + 2 * k, 3, "%02x", rnd[k]);
	char cap[301];
	snprintf(cap, sizeof cap, "%s", caption ? caption : "");
	size_t cl = strlen(cap);
	if (caption && strlen(caption) > cl) /* cut: not inside a UTF-8 sequence */
		while (cl > 0 && ((unsigned char)caption[cl] & 0xC0) == 0x80)
			cap[--cl] = '\0';
	pthread_mutex_lock(&upl_mu);
	upl_rc_t rc = UPL_OK;
	int all;
	if (sweep_locked(dir, owner, now, &all) >= UPL_PENDING_MAX) {
		rc = UPL_TOO_MANY;
		goto out;
	}
	if (all >= UPL_PENDING_ALL) {
		rc = UPL_FULL;
		goto out;
	}
	char p[4200];
	path_of(p, sizeof p, dir, id, "part");
	int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		log_error("upload: create %s: %s", p, strerror(errno));
		rc = UPL_ERR;
		goto out;
	}
	close(fd);
	json_t *m = json_pack("{s:I,s:s,s:I,s:I,s:s}", "owner", (json_int_t)owner, "scope", scope,
	                      "size", (json_int_t)size, "created", (json_int_t)now, "caption", cap);
	path_of(p, sizeof p, dir, id, "json");
	if (m == NULL || json_dump_file(m, p, 0) < 0) {
		log_error("upload: write %s", p);
		remove_locked(dir, id);
		rc = UPL_ERR;
	}
	json_decref(m);
out:
	pthread_mutex_unlock(&upl_mu);
	if (rc != UPL_OK)
		id[0] = '\0';
	return rc;
}

upl_rc_t
upl_append(const char *dir, const char *id, int64_t owner, const char *scope, int64_t start,
           const void *data, size_t len, int64_t total, int64_t now, int64_t *offset)
{
	*offset = 0;
	pthread_mutex_lock(&upl_mu);
	upl_rc_t rc = UPL_OK;
	json_t *m = find_locked(dir, id, owner, scope, now);
	if (m == NULL) {
		rc = UPL_NOT_FOUND;
		goto out;
	}
	int64_t size = json_integer_value(json_object_get(m, "size"));
	int64_t have = part_size(dir, id);
	*offset = have;
	if (len > UPL_CHUNK_MAX)
		rc = UPL_TOO_BIG;
	else if (start != have || total != size || start + (int64_t)len > size)
		rc = UPL_BAD_RANGE;
	if (rc != UPL_OK || len == 0)
		goto out;
	char p[4200];
	path_of(p, sizeof p, dir, id, "part");
	int fd = open(p, O_WRONLY | O_APPEND);
	if (fd < 0) {
		rc = UPL_ERR;
		goto out;
	}
	const char *s = data;
	size_t done = 0;
	while (done < len) {
		ssize_t w = write(fd, s + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			log_error("upload: write %s: %s", p, strerror(errno));
			/* take back a half-written chunk: the offset stays a chunk boundary */
			if (ftruncate(fd, have) < 0)
				log_error("upload: truncate %s: %s", p, strerror(errno));
			rc = UPL_ERR;
			break;
		}
		done += (size_t)w;
	}
	close(fd);
	*offset = part_size(dir, id);
out:
	json_decref(m);
	pthread_mutex_unlock(&upl_mu);
	return rc;
}

upl_rc_t
upl_status(const char *dir, const char *id, int64_t owner, const char *scope, int64_t now,
           upl_info_t *info)
{
	memset(info, 0, sizeof *info);
	pthread_mutex_lock(&upl_mu);
	json_t *m = find_locked(dir, id, owner, scope, now);
	if (m)
		fill_info(m, part_size(dir, id), info);
	json_decref(m);
	pthread_mutex_unlock(&upl_mu);
	return m ? UPL_OK : UPL_NOT_FOUND;
}

upl_rc_t
upl_take(const char *dir, const char *id, int64_t owner, const char *scope, int64_t now, buf_t *out,
         upl_info_t *info)
{
	memset(info, 0, sizeof *info);
	pthread_mutex_lock(&upl_mu);
	upl_rc_t rc = UPL_OK;
	json_t *m = find_locked(dir, id, owner, scope, now);
	if (m == NULL) {
		rc = UPL_NOT_FOUND;
		goto out;
	}
	fill_info(m, part_size(dir, id), info);
	if (info->offset != info->size) {
		rc = UPL_INCOMPLETE;
		goto out;
	}
	char p[4200];
	path_of(p, sizeof p, dir, id, "part");
	FILE *f = fopen(p, "rb");
	if (f == NULL) {
		rc = UPL_ERR;
		goto out;
	}
	buf_reserve(out, (size_t)info->size);
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(out, chunk, n);
	if (ferror(f))
		rc = UPL_ERR;
	fclose(f);
	remove_locked(dir, id);
out:
	json_decref(m);
	pthread_mutex_unlock(&upl_mu);
	return rc;
}

void
upl_remove(const char *dir, const char *id)
{
	if (!id_ok(id))
		return;
	pthread_mutex_lock(&upl_mu);
	remove_locked(dir, id);
	pthread_mutex_unlock(&upl_mu);
}

/* A decimal of 1..16 digits at *s (no sign), up to 2^53; advances *s. */
static int
num(const char **s, int64_t *v)
{
	const char *p = *s;
	int64_t x = 0;
	int n = 0;
	while (*p >= '0' && *p <= '9') {
		if (++n > 16)
			return -1;
		x = x * 10 + (*p++ - '0');
	}
	if (n == 0 || x > ((int64_t)1 << 53))
		return -1;
	*s = p;
	*v = x;
	return 0;
}

int
upl_parse_content_range(const char *s, int64_t *start, int64_t *len, int64_t *total)
{
	int64_t a, b, t;
	if (s == NULL || strncmp(s, "bytes ", 6) != 0)
		return -1;
	s += 6;
	if (num(&s, &a) < 0 || *s++ != '-' || num(&s, &b) < 0 || *s++ != '/' || num(&s, &t) < 0 ||
	    *s != '\0' || b < a || b >= t)
		return -1;
	*start = a;
	*len = b - a + 1;
	*total = t;
	return 0;
}
