/* suotdoi backup and suotdoi restore: a backup directory with its MANIFEST (backup.h). */
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

extern char **environ;

#define MANIFEST_HEAD "suotdoi-backup 1"
#define DB_FILE "suotdoi.db"
#define PG_DIR "pg"
#define PG_BIN_DIR "/usr/lib/postgresql/15/bin"
#define PATH_CAP 4096

/* ---- small helpers ---- */

static int
is_pg(const char *spec)
{
	return strncmp(spec, "postgres://", 11) == 0 || strncmp(spec, "postgresql://", 13) == 0;
}

static const char *
sqlite_path(const char *spec)
{
	return strncmp(spec, "sqlite:", 7) == 0 ? spec + 7 : spec;
}

static double
now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* a/b into out; -1 (err set) when it does not fit. */
static int
join(char *out, size_t cap, const char *a, const char *b, char *err, size_t errlen)
{
	if ((size_t)snprintf(out, cap, "%s/%s", a, b) >= cap) {
		snprintf(err, errlen, "Đường dẫn quá dài: %s/%s", a, b);
		return -1;
	}
	return 0;
}

/* 1: path is a directory with nothing in it; 0: it does not exist; -1: it exists and is
 * not an empty directory (or cannot be read). */
static int
empty_dir(const char *path)
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
static int
mkdir_p(const char *path, char *err, size_t errlen)
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
static int
rm_tree(const char *path)
{
	return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0 && errno != ENOENT ? -1 : 0;
}

/* What a directory holds, without removing it. */
static void
empty_out(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	char p[PATH_CAP];
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
		    (size_t)snprintf(p, sizeof p, "%s/%s", dir, e->d_name) < sizeof p)
			rm_tree(p);
	closedir(d);
}

static void
fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* The directory part of path ("." when none). */
static void
dir_of(const char *path, char *out, size_t cap)
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

typedef struct entry {
	char *path; /* relative to the backup directory */
	long long size;
	char hex[crypto_hash_sha256_BYTES * 2 + 1];
} entry_t;

typedef struct manifest {
	entry_t *e;
	size_t n, cap;
	char db_kind[16];
	int schema;
	char created[32];
} manifest_t;

static void
man_add(manifest_t *m, const char *path, long long size, const char *hex)
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

static void
man_free(manifest_t *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->e[i].path);
	free(m->e);
	*m = (manifest_t){0};
}

/* Read src (copying it to dst when dst is not NULL: a new file, mode 0600, synced) and hash
 * it. 0; 1 when src is gone (a spooled upload taken meanwhile); -1 with err. */
static int
hash_copy(const char *src, const char *dst, long long *size, char hex[65], char *err, size_t errlen)
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
static int
names_in(const char *dir, char ***out, size_t *n)
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

static void
names_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Every regular file under src into the manifest as rel/<its path>; copied under dst when dst
 * is not NULL (the directories made). Files that vanish meanwhile are left out; a name with a
 * newline is refused (the manifest is one line per file). 0, or -1 with err. */
static int
walk(const char *src, const char *dst, const char *rel, manifest_t *m, char *err, size_t errlen)
{
	size_t n;
	char **names;
	int got = names_in(src, &names, &n);
	if (got < 0) {
		snprintf(err, errlen, "Không đọc được thư mục %s: %s", src, strerror(errno));
		return -1;
	}
	if (got == 1) /* no such directory: nothing of that kind yet */
		return 0;
	if (dst && mkdir(dst, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "Không tạo được thư mục %s: %s", dst, strerror(errno));
		names_free(names, n);
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
		if (join(s, sizeof s, src, names[i], err, errlen) < 0 ||
		    (dst && join(d, sizeof d, dst, names[i], err, errlen) < 0) ||
		    join(r, sizeof r, rel, names[i], err, errlen) < 0) {
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
			rc = walk(s, dst ? d : NULL, r, m, err, errlen);
		} else if (S_ISREG(st.st_mode)) {
			long long size;
			char hex[65];
			int c = hash_copy(s, dst ? d : NULL, &size, hex, err, errlen);
			if (c < 0)
				rc = -1;
			else if (c == 0)
				man_add(m, r, size, hex);
		}
		/* symbolic links, sockets, …: the server makes none */
	}
	names_free(names, n);
	if (rc == 0 && dst)
		fsync_dir(dst);
	return rc;
}

/* ---- running pg_dump and pg_restore ---- */

/* name on $PATH, else in PG_BIN_DIR; into out. -1 when neither. */
static int
find_tool(const char *name, char *out, size_t cap)
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
static int
run_tool(char *const argv[], char *tail, size_t tailcap)
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

/* ---- backup ---- */

static int
write_manifest(const char *dir, const manifest_t *m, long long bytes, char *err, size_t errlen)
{
	char tmp[PATH_CAP], fin[PATH_CAP];
	if (join(tmp, sizeof tmp, dir, "MANIFEST.tmp", err, errlen) < 0 ||
	    join(fin, sizeof fin, dir, "MANIFEST", err, errlen) < 0)
		return -1;
	FILE *f = fopen(tmp, "wx");
	if (!f) {
		snprintf(err, errlen, "Không tạo được %s: %s", tmp, strerror(errno));
		return -1;
	}
	fprintf(f, "%s\ncreated %s\ndb %s\nschema %d\nfiles %zu\nbytes %lld\n", MANIFEST_HEAD,
	        m->created, m->db_kind, m->schema, m->n, bytes);
	for (size_t i = 0; i < m->n; i++)
		fprintf(f, "%s %lld %s\n", m->e[i].hex, m->e[i].size, m->e[i].path);
	int bad = fflush(f) != 0 || fsync(fileno(f)) < 0;
	bad |= fclose(f) != 0;
	if (bad || rename(tmp, fin) < 0) {
		snprintf(err, errlen, "Không ghi được %s: %s", fin, strerror(errno));
		unlink(tmp);
		return -1;
	}
	fsync_dir(dir);
	return 0;
}

/* The database into dir (DB_FILE or PG_DIR), its entries into m. */
static backup_rc_t
backup_db(const char *db, const char *dir, manifest_t *m, char *err, size_t errlen)
{
	char p[PATH_CAP];
	if (!is_pg(db)) {
		snprintf(m->db_kind, sizeof m->db_kind, "sqlite");
		if (access(sqlite_path(db), F_OK) < 0) {
			snprintf(err, errlen,
			         "Không có cơ sở dữ liệu %s; hãy kiểm tra --db (hoặc db, data_dir "
			         "trong tệp cấu hình).",
			         sqlite_path(db));
			return BACKUP_REFUSED;
		}
		int64_t pages = 0;
		long long size;
		char hex[65];
		if (join(p, sizeof p, dir, DB_FILE, err, errlen) < 0 ||
		    store_sqlite_backup(db, p, &pages, err, errlen) < 0 ||
		    store_backup_version(p, &m->schema, err, errlen) < 0 ||
		    hash_copy(p, NULL, &size, hex, err, errlen) != 0)
			return BACKUP_FAILED;
		man_add(m, DB_FILE, size, hex);
		return BACKUP_OK;
	}
	snprintf(m->db_kind, sizeof m->db_kind, "postgresql");
	char tool[PATH_CAP], tail[1200];
	if (find_tool("pg_dump", tool, sizeof tool) < 0) {
		snprintf(err, errlen,
		         "Không tìm thấy pg_dump (trên PATH hoặc trong %s); hãy cài gói "
		         "postgresql-client-15.",
		         PG_BIN_DIR);
		return BACKUP_REFUSED;
	}
	if (store_backup_version(db, &m->schema, err, errlen) < 0)
		return BACKUP_FAILED;
	if (join(p, sizeof p, dir, PG_DIR, err, errlen) < 0)
		return BACKUP_FAILED;
	char *argv[] = {tool, "--format=directory", "--file", p, "--dbname", (char *)db, NULL};
	int st = run_tool(argv, tail, sizeof tail);
	if (st != 0) {
		snprintf(err, errlen, "pg_dump thất bại (mã %d): %s", st, tail);
		return BACKUP_FAILED;
	}
	return walk(p, NULL, PG_DIR, m, err, errlen) < 0 ? BACKUP_FAILED : BACKUP_OK;
}

backup_rc_t
backup_make(const char *db, const char *files, const char *dir, backup_summary_t *s, char *err,
            size_t errlen)
{
	*s = (backup_summary_t){0};
	double t0 = now_s();
	snprintf(s->dir, sizeof s->dir, "%s", dir);
	int e = empty_dir(dir);
	if (e < 0) {
		snprintf(err, errlen,
		         "%s đã có và không phải một thư mục trống; hãy chọn một thư mục mới cho "
		         "bản "
		         "sao lưu.",
		         dir);
		return BACKUP_REFUSED;
	}
	if (e == 0 && mkdir(dir, 0700) < 0) {
		snprintf(err, errlen, "Không tạo được thư mục %s: %s", dir, strerror(errno));
		return BACKUP_REFUSED;
	}
	if (sodium_init() < 0) {
		snprintf(err, errlen, "Không khởi động được thư viện mật mã (libsodium).");
		return BACKUP_FAILED;
	}
	manifest_t m = {0};
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(m.created, sizeof m.created, "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* the database first, then the files: every file it names is already written */
	backup_rc_t rc = backup_db(db, dir, &m, err, errlen);
	size_t ndb = m.n;
	char src[PATH_CAP], dst[PATH_CAP], fdir[PATH_CAP];
	static const char *const kinds[] = {"uploads", "contest"};
	if (rc == BACKUP_OK && join(fdir, sizeof fdir, dir, "files", err, errlen) < 0)
		rc = BACKUP_FAILED;
	if (rc == BACKUP_OK && mkdir(fdir, 0700) < 0) {
		snprintf(err, errlen, "Không tạo được thư mục %s: %s", fdir, strerror(errno));
		rc = BACKUP_FAILED;
	}
	for (int k = 0; k < 2 && rc == BACKUP_OK; k++) {
		char rel[32];
		snprintf(rel, sizeof rel, "files/%s", kinds[k]);
		if ((size_t)snprintf(src, sizeof src, "%s.%s", files, kinds[k]) >= sizeof src ||
		    join(dst, sizeof dst, fdir, kinds[k], err, errlen) < 0) {
			snprintf(err, errlen, "Đường dẫn quá dài: %s", files);
			rc = BACKUP_FAILED;
		} else if (walk(src, dst, rel, &m, err, errlen) < 0) {
			rc = BACKUP_FAILED;
		}
	}
	long long bytes = 0;
	for (size_t i = 0; i < m.n; i++)
		bytes += m.e[i].size;
	if (rc == BACKUP_OK && write_manifest(dir, &m, bytes, err, errlen) < 0)
		rc = BACKUP_FAILED;
	if (rc != BACKUP_OK) {
		/* nothing half made stays behind: the directory as it was */
		if (e == 0)
			rm_tree(dir);
		else
			empty_out(dir);
	} else {
		snprintf(s->db_kind, sizeof s->db_kind, "%s", m.db_kind);
		s->schema = m.schema;
		s->files = m.n;
		s->user_files = m.n - ndb;
		s->bytes = bytes;
	}
	man_free(&m);
	s->seconds = now_s() - t0;
	return rc;
}

/* ---- retention ---- */

static int
has_manifest(const char *parent, const char *name)
{
	char p[PATH_CAP];
	struct stat st;
	return (size_t)snprintf(p, sizeof p, "%s/%s/MANIFEST", parent, name) < sizeof p &&
	       stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int
is_backup_dir(const char *parent, const char *name)
{
	char p[PATH_CAP];
	struct stat st;
	return strncmp(name, "suotdoi-", 8) == 0 &&
	       (size_t)snprintf(p, sizeof p, "%s/%s", parent, name) < sizeof p &&
	       lstat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The newest keep complete backups in parent stay (made counted first), older ones go, and
 * the unfinished ones older than the newest complete one. */
static backup_rc_t
retain(const char *parent, const char *made, int keep, size_t *removed, char *err, size_t errlen)
{
	size_t n;
	char **names;
	if (names_in(parent, &names, &n) != 0) {
		snprintf(err, errlen, "Đã sao lưu vào %s/%s nhưng không đọc được thư mục %s: %s",
		         parent, made, parent, strerror(errno));
		return BACKUP_FAILED;
	}
	const char *newest = made;
	for (size_t i = 0; i < n; i++)
		if (is_backup_dir(parent, names[i]) && has_manifest(parent, names[i]) &&
		    strcmp(names[i], newest) > 0)
			newest = names[i];
	int kept = 1; /* the one just made */
	backup_rc_t rc = BACKUP_OK;
	for (size_t k = n; k-- > 0 && rc == BACKUP_OK;) { /* newest first */
		const char *name = names[k];
		if (!strcmp(name, made) || !is_backup_dir(parent, name))
			continue;
		int gone;
		if (has_manifest(parent, name))
			gone = kept++ >= keep;
		else
			gone = strcmp(name, newest) < 0;
		if (!gone)
			continue;
		char p[PATH_CAP];
		if (join(p, sizeof p, parent, name, err, errlen) < 0 || rm_tree(p) < 0) {
			snprintf(err, errlen,
			         "Đã sao lưu vào %s/%s nhưng không xóa được bản cũ %s: %s", parent,
			         made, name, strerror(errno));
			rc = BACKUP_FAILED;
		} else {
			(*removed)++;
		}
	}
	names_free(names, n);
	return rc;
}

backup_rc_t
backup_into(const char *db, const char *files, const char *parent, int keep, backup_summary_t *s,
            char *err, size_t errlen)
{
	*s = (backup_summary_t){0};
	if (keep < 1) {
		snprintf(err, errlen, "--keep cần một số từ 1 trở lên.");
		return BACKUP_REFUSED;
	}
	if (mkdir_p(parent, err, errlen) < 0)
		return BACKUP_REFUSED;
	char name[64], dir[PATH_CAP];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(name, sizeof name, "suotdoi-%Y%m%d-%H%M%S", &tm);
	if (join(dir, sizeof dir, parent, name, err, errlen) < 0)
		return BACKUP_REFUSED;
	backup_rc_t rc = backup_make(db, files, dir, s, err, errlen);
	if (rc != BACKUP_OK)
		return rc;
	return retain(parent, name, keep, &s->removed, err, errlen);
}

/* ---- restore ---- */

/* A relative path that stays inside the backup: no leading '/', no ".." component. */
static int
safe_rel(const char *p)
{
	if (!*p || *p == '/')
		return 0;
	for (const char *c = p; *c;) {
		size_t len = strcspn(c, "/");
		if ((len == 2 && c[0] == '.' && c[1] == '.') || (len == 1 && c[0] == '.') ||
		    len == 0)
			return 0;
		c += len;
		if (*c == '/')
			c++;
	}
	return 1;
}

static int
read_manifest(const char *dir, manifest_t *m, char *err, size_t errlen)
{
	char p[PATH_CAP];
	if (join(p, sizeof p, dir, "MANIFEST", err, errlen) < 0)
		return -1;
	FILE *f = fopen(p, "r");
	if (!f) {
		snprintf(err, errlen,
		         "Không có %s: %s không phải một bản sao lưu hoàn chỉnh (bản sao lưu bị "
		         "dừng giữa chừng không có MANIFEST); hãy dùng một bản khác.",
		         p, dir);
		return -1;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	long lineno = 0, files = -1;
	int rc = 0;
	while (rc == 0 && (len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (lineno == 1) {
			if (strcmp(line, MANIFEST_HEAD) != 0) {
				snprintf(err, errlen,
				         "%s, dòng 1: cần \"%s\" (định dạng bản sao lưu này chương "
				         "trình không đọc được).",
				         p, MANIFEST_HEAD);
				rc = -1;
			}
			continue;
		}
		char hex[65];
		long long size;
		int off = 0;
		/* a file's line first: a sha256 may start with "db" */
		if (sscanf(line, "%64[0-9a-f] %lld %n", hex, &size, &off) == 2 && off > 0 &&
		    strlen(hex) == 64) {
			if (size >= 0 && safe_rel(line + off)) {
				man_add(m, line + off, size, hex);
				continue;
			}
		} else if (sscanf(line, "created %31s", m->created) == 1 ||
		           sscanf(line, "schema %d", &m->schema) == 1 ||
		           sscanf(line, "files %ld", &files) == 1 || !strncmp(line, "bytes ", 6) ||
		           sscanf(line, "db %15s", m->db_kind) == 1) {
			continue;
		}
		snprintf(err, errlen, "%s, dòng %ld: không đọc được \"%.80s\".", p, lineno, line);
		rc = -1;
	}
	free(line);
	fclose(f);
	if (rc == 0 && (files < 0 || (size_t)files != m->n)) {
		snprintf(err, errlen, "%s ghi %ld tệp nhưng liệt kê %zu: tệp kê khai bị cắt cụt.",
		         p, files, m->n);
		rc = -1;
	}
	if (rc == 0 && strcmp(m->db_kind, "sqlite") != 0 && strcmp(m->db_kind, "postgresql") != 0) {
		snprintf(err, errlen, "%s: loại cơ sở dữ liệu \"%s\" không rõ.", p, m->db_kind);
		rc = -1;
	}
	return rc;
}

/* Every file of the manifest as it says: its size and sha256. */
static int
verify(const char *dir, const manifest_t *m, char *err, size_t errlen)
{
	for (size_t i = 0; i < m->n; i++) {
		char p[PATH_CAP], hex[65];
		long long size;
		if (join(p, sizeof p, dir, m->e[i].path, err, errlen) < 0)
			return -1;
		int c = hash_copy(p, NULL, &size, hex, err, errlen);
		if (c < 0)
			return -1;
		if (c == 1) {
			snprintf(
			        err, errlen,
			        "Bản sao lưu thiếu tệp %s (có trong MANIFEST); không khôi phục gì.",
			        m->e[i].path);
			return -1;
		}
		if (size != m->e[i].size || strcmp(hex, m->e[i].hex) != 0) {
			snprintf(err, errlen,
			         "Tệp %s của bản sao lưu không khớp tổng kiểm tra trong MANIFEST "
			         "(bị "
			         "sửa hoặc hỏng); không khôi phục gì.",
			         m->e[i].path);
			return -1;
		}
	}
	return 0;
}

/* Where a files/<kind>/… entry goes: prefix.<kind>/…; NULL for other entries. */
static const char *
user_file_target(const char *rel, const char *files, char *out, size_t cap)
{
	static const char *const kinds[] = {"uploads", "contest"};
	for (int k = 0; k < 2; k++) {
		char pre[32];
		int n = snprintf(pre, sizeof pre, "files/%s/", kinds[k]);
		if (strncmp(rel, pre, (size_t)n) == 0) {
			if ((size_t)snprintf(out, cap, "%s.%s/%s", files, kinds[k], rel + n) >= cap)
				return NULL;
			return out;
		}
	}
	return NULL;
}

/* Copy from → to checking its sha256 once more (the bytes could change since verify). */
static int
copy_checked(const char *from, const char *to, const entry_t *e, char *err, size_t errlen)
{
	long long size;
	char hex[65];
	int c = hash_copy(from, to, &size, hex, err, errlen);
	if (c == 1) {
		snprintf(err, errlen, "Tệp %s biến mất trong lúc khôi phục.", from);
		return -1;
	}
	if (c < 0)
		return -1;
	if (size != e->size || strcmp(hex, e->hex) != 0) {
		snprintf(err, errlen, "Tệp %s đổi trong lúc khôi phục; hãy chạy lại.", from);
		return -1;
	}
	return 0;
}

/* The SQLite database of the backup into path: a temporary file beside it, checked, opened as a
 * store (migrated), then linked into place (never over a file that appeared meanwhile). */
static backup_rc_t
restore_sqlite(const char *from, const manifest_t *m, const char *path, int *schema_now, char *err,
               size_t errlen)
{
	const entry_t *e = NULL;
	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->e[i].path, DB_FILE))
			e = &m->e[i];
	if (!e) {
		snprintf(err, errlen, "MANIFEST của %s không có %s.", from, DB_FILE);
		return BACKUP_REFUSED;
	}
	char src[PATH_CAP], tmp[PATH_CAP], side[PATH_CAP + 8];
	if (join(src, sizeof src, from, DB_FILE, err, errlen) < 0 ||
	    (size_t)snprintf(tmp, sizeof tmp, "%s.restore-XXXXXX", path) >= sizeof tmp)
		return BACKUP_REFUSED;
	int fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errlen, "Không tạo được tệp tạm %s: %s", tmp, strerror(errno));
		return BACKUP_FAILED;
	}
	close(fd);
	unlink(tmp); /* hash_copy makes it afresh (O_EXCL); the name is ours */
	backup_rc_t rc = BACKUP_FAILED;
	store_t *st = NULL;
	if (copy_checked(src, tmp, e, err, errlen) < 0 || store_sqlite_check(tmp, err, errlen) < 0)
		goto out;
	if (store_open(tmp, &st, err, errlen) < 0)
		goto out;
	int known;
	store_schema_version(st, schema_now, &known);
	store_close(st);
	snprintf(side, sizeof side, "%s-wal", tmp);
	if (access(side, F_OK) == 0) {
		snprintf(err, errlen, "Tệp tạm %s còn nhật ký WAL sau khi đóng; không khôi phục.",
		         tmp);
		goto out;
	}
	if (link(tmp, path) < 0) {
		snprintf(err, errlen, "Không đặt được %s vào chỗ: %s", path, strerror(errno));
		goto out;
	}
	char d[PATH_CAP];
	dir_of(path, d, sizeof d);
	fsync_dir(d);
	rc = BACKUP_OK;
out:
	unlink(tmp);
	snprintf(side, sizeof side, "%s-shm", tmp);
	unlink(side);
	return rc;
}

static backup_rc_t
restore_pg(const char *from, const char *uri, int *schema_now, char *err, size_t errlen)
{
	char tool[PATH_CAP], dump[PATH_CAP], tail[1200];
	if (find_tool("pg_restore", tool, sizeof tool) < 0) {
		snprintf(err, errlen,
		         "Không tìm thấy pg_restore (trên PATH hoặc trong %s); hãy cài gói "
		         "postgresql-client-15.",
		         PG_BIN_DIR);
		return BACKUP_REFUSED;
	}
	if (join(dump, sizeof dump, from, PG_DIR, err, errlen) < 0)
		return BACKUP_REFUSED;
	char *argv[] = {tool,
	                "--dbname",
	                (char *)uri,
	                "--no-owner",
	                "--no-privileges",
	                "--single-transaction",
	                "--exit-on-error",
	                dump,
	                NULL};
	int st = run_tool(argv, tail, sizeof tail);
	if (st != 0) {
		snprintf(err, errlen,
		         "pg_restore thất bại (mã %d), cơ sở dữ liệu đích để nguyên như trước: %s",
		         st, tail);
		return BACKUP_FAILED;
	}
	store_t *s;
	if (store_open(uri, &s, err, errlen) < 0)
		return BACKUP_FAILED;
	int known;
	store_schema_version(s, schema_now, &known);
	store_close(s);
	return BACKUP_OK;
}

backup_rc_t
backup_restore(const char *from, const char *db, const char *files, backup_summary_t *s, char *err,
               size_t errlen)
{
	*s = (backup_summary_t){0};
	double t0 = now_s();
	snprintf(s->dir, sizeof s->dir, "%s", from);
	if (sodium_init() < 0) {
		snprintf(err, errlen, "Không khởi động được thư viện mật mã (libsodium).");
		return BACKUP_FAILED;
	}
	manifest_t m = {0};
	backup_rc_t rc = BACKUP_REFUSED;
	if (read_manifest(from, &m, err, errlen) < 0 || verify(from, &m, err, errlen) < 0)
		goto out;
	int pg = is_pg(db);
	if (pg != !strcmp(m.db_kind, "postgresql")) {
		snprintf(err, errlen,
		         pg ? "Bản sao lưu %s là của SQLite: hãy khôi phục vào một tệp SQLite mới "
		              "rồi "
		              "chuyển sang PostgreSQL bằng suotdoi migrate --from sqlite:TỆP --to "
		              "postgresql://…."
		            : "Bản sao lưu %s là của PostgreSQL: hãy khôi phục vào một cơ sở dữ "
		              "liệu "
		              "PostgreSQL mới tạo (--db postgresql://…).",
		         from);
		goto out;
	}
	/* nothing is ever written over: the database, then the file directories */
	if (!pg) {
		const char *path = sqlite_path(db);
		char wal[PATH_CAP];
		snprintf(wal, sizeof wal, "%s-wal", path);
		if (access(path, F_OK) == 0 || access(wal, F_OK) == 0) {
			snprintf(err, errlen,
			         "%s đã có: khôi phục không bao giờ ghi đè một cơ sở dữ liệu đang "
			         "dùng hay đã có. Hãy dừng máy chủ và chuyển tệp đó (cùng %s-wal, "
			         "%s-shm) đi chỗ khác, hoặc chọn một đường dẫn khác cho --db.",
			         access(path, F_OK) == 0 ? path : wal, path, path);
			goto out;
		}
	} else {
		long long n;
		if (store_pg_tables(db, &n, err, errlen) < 0) {
			rc = BACKUP_FAILED;
			goto out;
		}
		if (n > 0) {
			snprintf(err, errlen,
			         "Cơ sở dữ liệu PostgreSQL đích không trống (schema public có %lld "
			         "bảng): khôi phục chỉ ghi vào một cơ sở dữ liệu mới tạo (CREATE "
			         "DATABASE … TEMPLATE template0).",
			         n);
			goto out;
		}
	}
	static const char *const kinds[] = {"uploads", "contest"};
	for (int k = 0; k < 2; k++) {
		char d[PATH_CAP];
		snprintf(d, sizeof d, "%s.%s", files, kinds[k]);
		if (empty_dir(d) < 0) {
			snprintf(err, errlen,
			         "Thư mục %s đã có và không trống: khôi phục không ghi đè tệp đã "
			         "có. "
			         "Hãy chuyển nó đi chỗ khác hoặc chọn tiền tố khác cho --files.",
			         d);
			goto out;
		}
	}
	/* the database */
	rc = pg ? restore_pg(from, db, &s->schema_now, err, errlen)
	        : restore_sqlite(from, &m, sqlite_path(db), &s->schema_now, err, errlen);
	if (rc != BACKUP_OK)
		goto out;
	/* then the files */
	for (size_t i = 0; i < m.n; i++) {
		char to[PATH_CAP], src[PATH_CAP], parent[PATH_CAP];
		if (!user_file_target(m.e[i].path, files, to, sizeof to))
			continue;
		dir_of(to, parent, sizeof parent);
		if (join(src, sizeof src, from, m.e[i].path, err, errlen) < 0 ||
		    mkdir_p(parent, err, errlen) < 0 ||
		    copy_checked(src, to, &m.e[i], err, errlen) < 0) {
			char done[PATH_CAP + 200];
			snprintf(done, sizeof done, "%s", err);
			snprintf(err, errlen,
			         "Cơ sở dữ liệu đã được khôi phục nhưng tệp thì chưa xong: %s",
			         done);
			rc = BACKUP_FAILED;
			goto out;
		}
		s->user_files++;
	}
	snprintf(s->db_kind, sizeof s->db_kind, "%s", m.db_kind);
	s->schema = m.schema;
	s->files = m.n;
	for (size_t i = 0; i < m.n; i++)
		s->bytes += m.e[i].size;
	rc = BACKUP_OK;
out:
	man_free(&m);
	s->seconds = now_s() - t0;
	return rc;
}
