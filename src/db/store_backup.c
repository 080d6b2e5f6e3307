/* The database side of `suotdoi backup` and `suotdoi restore` (service/backup.c) that is not
 * the SQLite copy itself (store_sqlite_backup, store_sqlite.c): a copy's integrity check, a
 * database's schema version read without migrating it, and whether a PostgreSQL database
 * already holds tables. Each opens a connection of its own and closes it. */
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/store.h"

static int
is_pg(const char *spec)
{
	return strncmp(spec, "postgres://", 11) == 0 || strncmp(spec, "postgresql://", 13) == 0;
}

/* PRAGMA integrity_check's rows: a single "ok", or what is wrong (the first row kept). */
typedef struct check {
	int rows, ok;
	char first[200];
} check_t;

static int
check_row(void *p, int n, char **v, char **names)
{
	(void)names;
	check_t *c = p;
	if (c->rows++ == 0) {
		c->ok = n == 1 && v[0] && strcmp(v[0], "ok") == 0;
		snprintf(c->first, sizeof c->first, "%s", n >= 1 && v[0] ? v[0] : "");
	} else {
		c->ok = 0;
	}
	return 0;
}

int
store_sqlite_check(const char *path, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	int rc = -1;
	/* read-write (never created): a WAL file read-only needs its -shm beside it */
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "Không mở được %s: %s", path, sqlite3_errmsg(db));
		goto out;
	}
	check_t c = {0};
	if (sqlite3_exec(db, "PRAGMA integrity_check", check_row, &c, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "Không kiểm tra được toàn vẹn của %s: %s", path,
		         sqlite3_errmsg(db));
		goto out;
	}
	if (!c.ok) {
		snprintf(err, errlen, "%s không qua kiểm tra toàn vẹn (%s).", path, c.first);
		goto out;
	}
	rc = 0;
out:
	sqlite3_close(db);
	return rc;
}

static PGconn *
pg_connect(const char *uri, char *err, size_t errlen)
{
	PGconn *c = PQconnectdb(uri);
	if (PQstatus(c) != CONNECTION_OK) {
		const char *m = PQerrorMessage(c);
		snprintf(err, errlen, "Không kết nối được PostgreSQL: %.*s", (int)strcspn(m, "\n"),
		         m);
		PQfinish(c);
		return NULL;
	}
	return c;
}

/* The first column of the first row of sql on c, as an integer. 0, or -1 with err. */
static int
pg_int(PGconn *c, const char *sql, long long *out, char *err, size_t errlen)
{
	PGresult *r = PQexec(c, sql);
	int rc = -1;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		*out = atoll(PQgetvalue(r, 0, 0));
		rc = 0;
	} else {
		const char *m = PQresultErrorMessage(r);
		snprintf(err, errlen, "Lỗi PostgreSQL: %.*s", (int)strcspn(m, "\n"), m);
	}
	PQclear(r);
	return rc;
}

#define VERSION_SQL "SELECT coalesce(max(version),0) FROM schema_migrations"

int
store_backup_version(const char *spec, int *version, char *err, size_t errlen)
{
	*version = 0;
	if (is_pg(spec)) {
		PGconn *c = pg_connect(spec, err, errlen);
		if (!c)
			return -1;
		long long v = 0;
		int rc = pg_int(c, VERSION_SQL, &v, err, errlen);
		PQfinish(c);
		*version = (int)v;
		return rc;
	}
	if (strncmp(spec, "sqlite:", 7) == 0)
		spec += 7;
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	int rc = -1;
	if (sqlite3_open_v2(spec, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, VERSION_SQL, -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_ROW) {
		snprintf(err, errlen, "Không đọc được phiên bản cấu trúc của %s: %s", spec,
		         sqlite3_errmsg(db));
	} else {
		*version = sqlite3_column_int(s, 0);
		rc = 0;
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	return rc;
}

int
store_pg_tables(const char *uri, long long *n, char *err, size_t errlen)
{
	*n = -1;
	PGconn *c = pg_connect(uri, err, errlen);
	if (!c)
		return -1;
	int rc = pg_int(c, "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = 'public'",
	                n, err, errlen);
	PQfinish(c);
	return rc;
}
