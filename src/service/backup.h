/* Backups that restore: `suotdoi backup` and `suotdoi restore` (docs/backup.md).
 *
 * A backup is a directory: the database (SQLite: suotdoi.db, SQLite's online backup of the
 * live file, integrity-checked; PostgreSQL: pg/, pg_dump's directory format), then the files
 * (files/uploads, files/contest: copies of PREFIX.uploads and PREFIX.contest), then MANIFEST,
 * written last: the format, when, the database's kind and schema version, and one line per
 * file (sha256, size, path). A directory without MANIFEST is an unfinished backup.
 *
 * The database is copied before the files: a file is written before the row that names it
 * commits, so every file the copied database names is there when the files are copied.
 *
 * A restore checks every file against MANIFEST before it writes anything, never writes over an
 * existing database or non-empty file directory, and opens the restored database as a store
 * (older backups are migrated). No HTTP here; messages are Vietnamese, for the operator. */
#ifndef SUOTDOI_SERVICE_BACKUP_H
#define SUOTDOI_SERVICE_BACKUP_H

#include <stddef.h>

typedef enum backup_rc {
	BACKUP_OK = 0,
	BACKUP_REFUSED = -1, /* nothing written: the target, the source or the backup is not as
	                        it must be (err says what to do) */
	BACKUP_FAILED = -2,  /* a failure part way (I/O, pg_dump, pg_restore); err says what */
} backup_rc_t;

typedef struct backup_summary {
	char dir[4096];    /* the backup directory (backup_into: the one it made) */
	char db_kind[16];  /* "sqlite" or "postgresql" */
	int schema;        /* the schema version in the backup */
	int schema_now;    /* backup_restore: the restored database's, after its migrations */
	size_t files;      /* files in the backup (the database's own counted) */
	size_t user_files; /* of which uploads and contest files */
	long long bytes;   /* their bytes */
	double seconds;
	size_t removed; /* backup_into: older backups removed */
} backup_summary_t;

/* Back up the database db (a SQLite path, "sqlite:PATH" or a PostgreSQL URI) and the file
 * directories files.uploads and files.contest (files: the prefix, app_files_prefix) into dir,
 * which must not exist or be empty (made 0700). On failure what was written is removed. */
backup_rc_t backup_make(const char *db, const char *files, const char *dir,
                        backup_summary_t *s /* OUT */, char *err, size_t errlen);

/* backup_make into parent/suotdoi-YYYYMMDD-HHMMSS (UTC; parent made if missing), then keep
 * the newest keep (>= 1) complete backups there (suotdoi-* with a MANIFEST), never removing
 * the one just made; unfinished ones older than the newest complete one are removed too. */
backup_rc_t backup_into(const char *db, const char *files, const char *parent, int keep,
                        backup_summary_t *s /* OUT */, char *err, size_t errlen);

/* Restore the backup directory from into the database db and the file prefix files. Every
 * file is checked against MANIFEST first. SQLite: db must not exist (nor db-wal); the copy is
 * checked, opened as a store (migrated) and renamed into place. PostgreSQL: db must exist and
 * hold no table in schema public; pg_restore fills it, then it is migrated. files.uploads and
 * files.contest must not exist or be empty. */
backup_rc_t backup_restore(const char *from, const char *db, const char *files,
                           backup_summary_t *s /* OUT */, char *err, size_t errlen);

#endif
