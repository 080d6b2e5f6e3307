/* Inside the backup service (backup.c, restore.c, backup_files.c): the backup directory's
 * layout, its manifest's entries, and the file and process helpers both directions use. */
#ifndef SUOTDOI_SERVICE_BACKUP_INT_H
#define SUOTDOI_SERVICE_BACKUP_INT_H

#include <sodium.h>
#include <stddef.h>

#define MANIFEST_HEAD "suotdoi-backup 1"
#define DB_FILE "suotdoi.db"
#define PG_DIR "pg"
#define PG_BIN_DIR "/usr/lib/postgresql/15/bin"
#define PATH_CAP 4096

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

/* The directory part of path ("." when none). */
void bk_dir_of(const char *path, char *out, size_t cap);

/* 1: path is a directory with nothing in it; 0: it does not exist; -1: it exists and is
 * not an empty directory (or cannot be read). */
int bk_empty_dir(const char *path);

/* What a directory holds, without removing it. */
void bk_empty_out(const char *dir);

/* name on $PATH, else in PG_BIN_DIR; into out. -1 when neither. */
int bk_find_tool(const char *name, char *out, size_t cap);

void bk_fsync_dir(const char *dir);

/* Read src (copying it to dst when dst is not NULL: a new file, mode 0600, synced) and hash
 * it. 0; 1 when src is gone (a spooled upload taken meanwhile); -1 with err. */
int bk_hash_copy(const char *src, const char *dst, long long *size, char hex[65], char *err,
                 size_t errlen);

int bk_is_pg(const char *spec);

/* a/b into out; -1 (err set) when it does not fit. */
int bk_join(char *out, size_t cap, const char *a, const char *b, char *err, size_t errlen);

void bk_man_add(manifest_t *m, const char *path, long long size, const char *hex);

void bk_man_free(manifest_t *m);

/* mkdir -p path (the directories it makes 0700). */
int bk_mkdir_p(const char *path, char *err, size_t errlen);

void bk_names_free(char **v, size_t n);

/* The names in dir (not . and ..), sorted, into *out (*n of them): 0; 1 when dir does not
 * exist; -1 when it cannot be read (errno). */
int bk_names_in(const char *dir, char ***out, size_t *n);

double bk_now_s(void);

/* rm -r path. */
int bk_rm_tree(const char *path);

/* argv[0] (a path) run to its end, its output and errors read; its exit status (-1: it did not
 * run or was killed), the last lines of what it wrote in tail. */
int bk_run_tool(char *const argv[], char *tail, size_t tailcap);

const char *bk_sqlite_path(const char *spec);

/* Every regular file under src into the manifest as rel/<its path>; copied under dst when dst
 * is not NULL (the directories made). Files that vanish meanwhile are left out; a name with a
 * newline is refused (the manifest is one line per file). 0, or -1 with err. */
int bk_walk(const char *src, const char *dst, const char *rel, manifest_t *m, char *err,
            size_t errlen);

#endif
