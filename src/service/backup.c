/* suotdoi backup: a backup directory with its MANIFEST, and the retention of dated ones
 * (backup.h). */
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

/* ---- backup ---- */

static int
write_manifest(const char *dir, const manifest_t *m, long long bytes, char *err, size_t errlen)
{
	char tmp[PATH_CAP], fin[PATH_CAP];
	if (bk_join(tmp, sizeof tmp, dir, "MANIFEST.tmp", err, errlen) < 0 ||
	    bk_join(fin, sizeof fin, dir, "MANIFEST", err, errlen) < 0)
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
	bk_fsync_dir(dir);
	return 0;
}

/* The database into dir (DB_FILE or PG_DIR), its entries into m. */
static backup_rc_t
backup_db(const char *db, const char *dir, manifest_t *m, char *err, size_t errlen)
{
	char p[PATH_CAP];
	if (!bk_is_pg(db)) {
		snprintf(m->db_kind, sizeof m->db_kind, "sqlite");
		if (access(bk_sqlite_path(db), F_OK) < 0) {
			snprintf(err, errlen,
			         "Không có cơ sở dữ liệu %s; hãy kiểm tra --db (hoặc db, data_dir "
			         "trong tệp cấu hình).",
			         bk_sqlite_path(db));
			return BACKUP_REFUSED;
		}
		int64_t pages = 0;
		long long size;
		char hex[65];
		if (bk_join(p, sizeof p, dir, DB_FILE, err, errlen) < 0 ||
		    store_sqlite_backup(db, p, &pages, err, errlen) < 0 ||
		    store_backup_version(p, &m->schema, err, errlen) < 0 ||
		    bk_hash_copy(p, NULL, &size, hex, err, errlen) != 0)
			return BACKUP_FAILED;
		bk_man_add(m, DB_FILE, size, hex);
		return BACKUP_OK;
	}
	snprintf(m->db_kind, sizeof m->db_kind, "postgresql");
	char tool[PATH_CAP], tail[1200];
	if (bk_find_tool("pg_dump", tool, sizeof tool) < 0) {
		snprintf(err, errlen,
		         "Không tìm thấy pg_dump (trên PATH hoặc trong %s); hãy cài gói "
		         "postgresql-client-15.",
		         PG_BIN_DIR);
		return BACKUP_REFUSED;
	}
	if (store_backup_version(db, &m->schema, err, errlen) < 0)
		return BACKUP_FAILED;
	if (bk_join(p, sizeof p, dir, PG_DIR, err, errlen) < 0)
		return BACKUP_FAILED;
	char *argv[] = {tool, "--format=directory", "--file", p, "--dbname", (char *)db, NULL};
	int st = bk_run_tool(argv, tail, sizeof tail);
	if (st != 0) {
		snprintf(err, errlen, "pg_dump thất bại (mã %d): %s", st, tail);
		return BACKUP_FAILED;
	}
	return bk_walk(p, NULL, PG_DIR, m, err, errlen) < 0 ? BACKUP_FAILED : BACKUP_OK;
}

backup_rc_t
backup_make(const char *db, const char *files, const char *dir, backup_summary_t *s, char *err,
            size_t errlen)
{
	*s = (backup_summary_t){0};
	double t0 = bk_now_s();
	snprintf(s->dir, sizeof s->dir, "%s", dir);
	int e = bk_empty_dir(dir);
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
	if (rc == BACKUP_OK && bk_join(fdir, sizeof fdir, dir, "files", err, errlen) < 0)
		rc = BACKUP_FAILED;
	if (rc == BACKUP_OK && mkdir(fdir, 0700) < 0) {
		snprintf(err, errlen, "Không tạo được thư mục %s: %s", fdir, strerror(errno));
		rc = BACKUP_FAILED;
	}
	for (int k = 0; k < 2 && rc == BACKUP_OK; k++) {
		char rel[32];
		snprintf(rel, sizeof rel, "files/%s", kinds[k]);
		if ((size_t)snprintf(src, sizeof src, "%s.%s", files, kinds[k]) >= sizeof src ||
		    bk_join(dst, sizeof dst, fdir, kinds[k], err, errlen) < 0) {
			snprintf(err, errlen, "Đường dẫn quá dài: %s", files);
			rc = BACKUP_FAILED;
		} else if (bk_walk(src, dst, rel, &m, err, errlen) < 0) {
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
			bk_rm_tree(dir);
		else
			bk_empty_out(dir);
	} else {
		snprintf(s->db_kind, sizeof s->db_kind, "%s", m.db_kind);
		s->schema = m.schema;
		s->files = m.n;
		s->user_files = m.n - ndb;
		s->bytes = bytes;
	}
	bk_man_free(&m);
	s->seconds = bk_now_s() - t0;
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
	if (bk_names_in(parent, &names, &n) != 0) {
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
		if (bk_join(p, sizeof p, parent, name, err, errlen) < 0 || bk_rm_tree(p) < 0) {
			snprintf(err, errlen,
			         "Đã sao lưu vào %s/%s nhưng không xóa được bản cũ %s: %s", parent,
			         made, name, strerror(errno));
			rc = BACKUP_FAILED;
		} else {
			(*removed)++;
		}
	}
	bk_names_free(names, n);
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
	if (bk_mkdir_p(parent, err, errlen) < 0)
		return BACKUP_REFUSED;
	char name[64], dir[PATH_CAP];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(name, sizeof name, "suotdoi-%Y%m%d-%H%M%S", &tm);
	if (bk_join(dir, sizeof dir, parent, name, err, errlen) < 0)
		return BACKUP_REFUSED;
	backup_rc_t rc = backup_make(db, files, dir, s, err, errlen);
	if (rc != BACKUP_OK)
		return rc;
	return retain(parent, name, keep, &s->removed, err, errlen);
}
