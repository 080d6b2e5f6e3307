/* The backup service's file and process helpers (backup_int.h). */
#include "service/backup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <sodium.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/mem.h"
#include "db/store.h"

#include "service/backup_int.h"

extern char **environ;

/* ---- small helpers ---- */

int
bk_is_pg(const char *spec)
{
	return strncmp(spec, "postgres://", 11) == 0 || strncmp(spec, "postgresql://", 13) == 0;
}

const char *
bk_sqlite_path(const char *spec)
{
	return strncmp(spec, "sqlite:", 7) == 0 ? spec + 7 : spec;
}

double
bk_now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* a/b into out; -1 (err set) when it does not fit. */
int
bk_join(char *out, size_t cap, const char *a, const char *b, char *err, size_t errlen)
{
	if ((size_t)snprintf(out, cap, "%s/%s", a, b) >= cap) {
		snprintf(err, errlen, "Đường dẫn quá dài: %s/%s", a, b);
		return -1;
	}
	return 0;
}

/* 1: path is a directory with nothing in it; 0: it does not exist; -1: it exists and is
 * not an empty directory (or cannot be read). */
int
bk_empty_dir(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	struct dirent *e;
	int n = 0;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n == 0 ? 1 : -1;
}

/* mkdir -p path (the directories it makes 0700). */
int
bk_mkdir_p(const char *path, char *err, size_t errlen)
{
	char p[PATH_CAP];
	if ((size_t)snprintf(p, sizeof p, "%s", path) >= sizeof p) {
		snprintf(err, errlen, "Đường dẫn quá dài: %s", path);
		return -1;
	}
	for (char *c = p + 1;; c++) {
		if (*c != '/' && *c != '\0')
			continue;
		char was = *c;
		*c = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST) {
			snprintf(err, errlen, "Không tạo được thư mục %s: %s", p, strerror(errno));
			return -1;
		}
		*c = was;
		if (was == '\0')
			return 0;
	}
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

/* rm -r path. */
int
bk_rm_tree(const char *path)
{
	return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0 && errno != ENOENT ? -1 : 0;
}

/* What a directory holds, without removing it. */
void
bk_empty_out(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	char p[PATH_CAP];
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
		    (size_t)snprintf(p, sizeof p, "%s/%s", dir, e->d_name) < sizeof p)
			bk_rm_tree(p);
	closedir(d);
}

void
bk_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* The directory part of path ("." when none). */
void
bk_dir_of(const char *path, char *out, size_t cap)
{
	const char *sl = strrchr(path, '/');
	if (!sl)
		snprintf(out, cap, ".");
	else if (sl == path)
		snprintf(out, cap, "/");
	else
		snprintf(out, cap, "%.*s", (int)(sl - path), path);
}

/* ---- the manifest's entries ---- */

void
bk_man_add(manifest_t *m, const char *path, long long size, const char *hex)
{
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 64;
		m->e = xrealloc(m->e, m->cap * sizeof *m->e);
	}
	m->e[m->n].path = xstrdup(path);
	m->e[m->n].size = size;
	snprintf(m->e[m->n].hex, sizeof m->e[m->n].hex, "%s", hex);
	m->n++;
}

void
bk_man_free(manifest_t *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->e[i].path);
	free(m->e);
	*m = (manifest_t){0};
}

/* Read src (copying it to dst when dst is not NULL: a new file, mode 0600, synced) and hash
 * it. 0; 1 when src is gone (a spooled upload taken meanwhile); -1 with err. */
int
bk_hash_copy(const char *src, const char *dst, long long *size, char hex[65], char *err,
             size_t errlen)
{
	int in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		if (errno == ENOENT)
			return 1;
		snprintf(err, errlen, "Không đọc được %s: %s", src, strerror(errno));
		return -1;
	}
	int out = -1;
	if (dst && (out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		snprintf(err, errlen, "Không tạo được %s: %s", dst, strerror(errno));
		close(in);
		return -1;
	}
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	static __thread unsigned char buf[1 << 16];
	long long total = 0;
	int rc = 0;
	for (;;) {
		ssize_t r = read(in, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "Không đọc được %s: %s", src, strerror(errno));
			rc = -1;
			break;
		}
		if (r == 0)
			break;
		crypto_hash_sha256_update(&st, buf, (unsigned long long)r);
		total += r;
		for (ssize_t w = 0; out >= 0 && w < r;) {
			ssize_t k = write(out, buf + w, (size_t)(r - w));
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0) {
				snprintf(err, errlen, "Không ghi được %s: %s", dst,
				         strerror(errno));
				rc = -1;
				break;
			}
			w += k;
		}
		if (rc < 0)
			break;
	}
	close(in);
	if (out >= 0) {
		if (rc == 0 && fsync(out) < 0) {
			snprintf(err, errlen, "Không ghi được %s: %s", dst, strerror(errno));
			rc = -1;
		}
		close(out);
	}
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(hex, 65, h, sizeof h);
	*size = total;
	return rc;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir (not . and ..), sorted, into *out (*n of them): 0; 1 when dir does not
 * exist; -1 when it cannot be read (errno). */
int
bk_names_in(const char *dir, char ***out, size_t *n)
{
	*n = 0;
	*out = NULL;
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 1 : -1;
	char **v = NULL;
	size_t cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 32;
			v = xrealloc(v, cap * sizeof *v);
		}
		v[(*n)++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof *v, by_name);
	*out = v;
	return 0;
}

void
bk_names_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Every regular file under src into the manifest as rel/<its path>; copied under dst when dst
 * is not NULL (the directories made). Files that vanish meanwhile are left out; a name with a
 * newline is refused (the manifest is one line per file). 0, or -1 with err. */
int
bk_walk(const char *src, const char *dst, const char *rel, manifest_t *m, char *err, size_t errlen)
{
	size_t n;
	char **names;
	int got = bk_names_in(src, &names, &n);
	if (got < 0) {
		snprintf(err, errlen, "Không đọc được thư mục %s: %s", src, strerror(errno));
		return -1;
	}
	if (got == 1) /* no such directory: nothing of that kind yet */
		return 0;
	if (dst && mkdir(dst, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "Không tạo được thư mục %s: %s", dst, strerror(errno));
		bk_names_free(names, n);
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		char s[PATH_CAP], d[PATH_CAP], r[PATH_CAP];
		if (strchr(names[i], '\n')) {
			snprintf(err, errlen,
			         "Tên tệp có ký tự xuống dòng trong %s; hãy đổi tên nó.", src);
			rc = -1;
			break;
		}
		if (bk_join(s, sizeof s, src, names[i], err, errlen) < 0 ||
		    (dst && bk_join(d, sizeof d, dst, names[i], err, errlen) < 0) ||
		    bk_join(r, sizeof r, rel, names[i], err, errlen) < 0) {
			rc = -1;
			break;
		}
		struct stat st;
		if (lstat(s, &st) < 0) {
			if (errno == ENOENT)
				continue;
			snprintf(err, errlen, "Không đọc được %s: %s", s, strerror(errno));
			rc = -1;
		} else if (S_ISDIR(st.st_mode)) {
			rc = bk_walk(s, dst ? d : NULL, r, m, err, errlen);
		} else if (S_ISREG(st.st_mode)) {
			long long size;
			char hex[65];
			int c = bk_hash_copy(s, dst ? d : NULL, &size, hex, err, errlen);
			if (c < 0)
				rc = -1;
			else if (c == 0)
				bk_man_add(m, r, size, hex);
		}
		/* symbolic links, sockets, …: the server makes none */
	}
	bk_names_free(names, n);
	if (rc == 0 && dst)
		bk_fsync_dir(dst);
	return rc;
}

/* ---- running pg_dump and pg_restore ---- */

/* name on $PATH, else in PG_BIN_DIR; into out. -1 when neither. */
int
bk_find_tool(const char *name, char *out, size_t cap)
{
	const char *path = getenv("PATH");
	if (path) {
		const char *p = path;
		while (*p) {
			size_t len = strcspn(p, ":");
			if (len > 0 &&
			    (size_t)snprintf(out, cap, "%.*s/%s", (int)len, p, name) < cap &&
			    access(out, X_OK) == 0)
				return 0;
			p += len;
			if (*p == ':')
				p++;
		}
	}
	if ((size_t)snprintf(out, cap, "%s/%s", PG_BIN_DIR, name) < cap && access(out, X_OK) == 0)
		return 0;
	return -1;
}

/* argv[0] (a path) run to its end, its output and errors read; its exit status (-1: it did not
 * run or was killed), the last lines of what it wrote in tail. */
int
bk_run_tool(char *const argv[], char *tail, size_t tailcap)
{
	int fds[2];
	tail[0] = '\0';
	if (pipe2(fds, O_CLOEXEC) < 0) {
		snprintf(tail, tailcap, "%s", strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
	pid_t pid;
	int e = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (e != 0) {
		close(fds[0]);
		snprintf(tail, tailcap, "%s: %s", argv[0], strerror(e));
		return -1;
	}
	size_t len = 0;
	int dropped = 0;
	char chunk[1024];
	for (;;) {
		ssize_t r = read(fds[0], chunk, sizeof chunk);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		for (ssize_t i = 0; i < r; i++) {
			if (len + 1 >= tailcap) { /* keep the later half */
				size_t keep = tailcap / 2;
				memmove(tail, tail + len - keep, keep);
				len = keep;
				dropped = 1;
			}
			tail[len++] = chunk[i];
		}
	}
	close(fds[0]);
	tail[len] = '\0';
	char *nl = strchr(tail, '\n');
	if (dropped && nl) /* from a line's start */
		memmove(tail, nl + 1, strlen(nl + 1) + 1);
	len = strlen(tail);
	while (len && (tail[len - 1] == '\n' || tail[len - 1] == ' '))
		tail[--len] = '\0';
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
