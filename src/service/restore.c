/* suotdoi restore: a backup directory checked against its MANIFEST, then restored without
 * writing over anything (backup.h). */
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
	if (bk_join(p, sizeof p, dir, "MANIFEST", err, errlen) < 0)
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
				bk_man_add(m, line + off, size, hex);
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
		if (bk_join(p, sizeof p, dir, m->e[i].path, err, errlen) < 0)
			return -1;
		int c = bk_hash_copy(p, NULL, &size, hex, err, errlen);
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
	int c = bk_hash_copy(from, to, &size, hex, err, errlen);
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
	if (bk_join(src, sizeof src, from, DB_FILE, err, errlen) < 0 ||
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
	bk_dir_of(path, d, sizeof d);
	bk_fsync_dir(d);
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
	if (bk_find_tool("pg_restore", tool, sizeof tool) < 0) {
		snprintf(err, errlen,
		         "Không tìm thấy pg_restore (trên PATH hoặc trong %s); hãy cài gói "
		         "postgresql-client-15.",
		         PG_BIN_DIR);
		return BACKUP_REFUSED;
	}
	if (bk_join(dump, sizeof dump, from, PG_DIR, err, errlen) < 0)
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
	int st = bk_run_tool(argv, tail, sizeof tail);
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
	double t0 = bk_now_s();
	snprintf(s->dir, sizeof s->dir, "%s", from);
	if (sodium_init() < 0) {
		snprintf(err, errlen, "Không khởi động được thư viện mật mã (libsodium).");
		return BACKUP_FAILED;
	}
	manifest_t m = {0};
	backup_rc_t rc = BACKUP_REFUSED;
	if (read_manifest(from, &m, err, errlen) < 0 || verify(from, &m, err, errlen) < 0)
		goto out;
	int pg = bk_is_pg(db);
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
		const char *path = bk_sqlite_path(db);
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
		if (bk_empty_dir(d) < 0) {
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
	        : restore_sqlite(from, &m, bk_sqlite_path(db), &s->schema_now, err, errlen);
	if (rc != BACKUP_OK)
		goto out;
	/* then the files */
	for (size_t i = 0; i < m.n; i++) {
		char to[PATH_CAP], src[PATH_CAP], parent[PATH_CAP];
		if (!user_file_target(m.e[i].path, files, to, sizeof to))
			continue;
		bk_dir_of(to, parent, sizeof parent);
		if (bk_join(src, sizeof src, from, m.e[i].path, err, errlen) < 0 ||
		    bk_mkdir_p(parent, err, errlen) < 0 ||
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
	bk_man_free(&m);
	s->seconds = bk_now_s() - t0;
	return rc;
}
