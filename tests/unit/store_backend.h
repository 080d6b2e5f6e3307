/* The store tests' backend (header-only, for tests/unit/test_store_*.c): a fresh SQLite file
 * by default, or with --pg a fresh PostgreSQL database on the server SUOTDOI_TEST_PG names
 * (ctest's _pg entries get it from the "pg" fixture, tests/pg_cluster.sh). A spec is what
 * store_open takes: a file's path or a database's URI; tb_count and tb_exec reach the same
 * database directly, for the checks a store call cannot make. */
#ifndef SUOTDOI_TEST_STORE_BACKEND_H
#define SUOTDOI_TEST_STORE_BACKEND_H

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct {
	int pg;
	const char *server; /* SUOTDOI_TEST_PG */
	char dir[64];       /* SQLite's files */
	int seq;
	char dbs[64][64]; /* PostgreSQL's databases, dropped at exit */
	int ndbs;
} tb;

static inline void
tb_quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* The URI of database db on the server of uri (postgresql://auth/DB?params). */
static inline void
tb_uri_with_db(char *out, size_t len, const char *uri, const char *db)
{
	const char *auth = strstr(uri, "://");
	auth = auth ? auth + 3 : uri;
	const char *slash = strchr(auth, '/');
	const char *q = strchr(auth, '?');
	size_t head = slash && (!q || slash < q) ? (size_t)(slash - uri)
	              : q                        ? (size_t)(q - uri)
	                                         : strlen(uri);
	snprintf(out, len, "%.*s/%s%s", (int)head, uri, db, q ? q : "");
}

/* sql on the server's maintenance database; 0 or -1 (said on stderr). */
static inline int
tb_admin(const char *sql)
{
	PGconn *c = PQconnectdb(tb.server);
	int rc = -1;
	if (PQstatus(c) == CONNECTION_OK) {
		PQsetNoticeProcessor(c, tb_quiet, NULL);
		PGresult *r = PQexec(c, sql);
		if (PQresultStatus(r) == PGRES_COMMAND_OK)
			rc = 0;
		else
			fprintf(stderr, "%s: %s", sql, PQresultErrorMessage(r));
		PQclear(r);
	} else {
		fprintf(stderr, "PostgreSQL %s: %s", tb.server, PQerrorMessage(c));
	}
	PQfinish(c);
	return rc;
}

static inline void
tb_cleanup(void)
{
	char sql[128];
	for (int i = 0; i < tb.ndbs; i++) {
		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", tb.dbs[i]);
		tb_admin(sql);
	}
	if (tb.dir[0]) {
		char cmd[128];
		snprintf(cmd, sizeof cmd, "rm -rf %s", tb.dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tb.dir);
	}
}

/* From main: --pg chooses PostgreSQL (SUOTDOI_TEST_PG must be set: never a skip). 0 or -1. */
static inline int
tb_init(int argc, char **argv, const char *tag)
{
	tb.pg = argc > 1 && strcmp(argv[1], "--pg") == 0;
	if (tb.pg) {
		tb.server = getenv("SUOTDOI_TEST_PG");
		if (tb.server == NULL || *tb.server == '\0') {
			fprintf(stderr, "%s --pg: SUOTDOI_TEST_PG is not set\n", argv[0]);
			return -1;
		}
	} else {
		snprintf(tb.dir, sizeof tb.dir, "/tmp/suotdoi-%s-XXXXXX", tag);
		if (mkdtemp(tb.dir) == NULL)
			return -1;
	}
	atexit(tb_cleanup);
	return 0;
}

/* A spec for a database of its own, empty (store_open migrates it). */
static inline void
tb_fresh_spec(const char *tag, char *spec, size_t len)
{
	tb.seq++;
	if (!tb.pg) {
		snprintf(spec, len, "%s/%s%d.db", tb.dir, tag, tb.seq);
		return;
	}
	if (tb.ndbs == (int)(sizeof tb.dbs / sizeof tb.dbs[0])) {
		fprintf(stderr, "too many test databases\n");
		abort();
	}
	char *db = tb.dbs[tb.ndbs];
	snprintf(db, sizeof tb.dbs[0], "t_%s_%d_%d", tag, (int)getpid(), tb.seq);
	char sql[128];
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", db);
	if (tb_admin(sql) < 0)
		abort();
	tb.ndbs++;
	tb_uri_with_db(spec, len, tb.server, db);
}

/* The first column of the first row of sql, as an integer (-1: no row or an error). */
static inline int
tb_count(const char *spec, const char *sql)
{
	int n = -1;
	if (tb.pg) {
		PGconn *c = PQconnectdb(spec);
		PGresult *r = PQexec(c, sql);
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0)
			n = atoi(PQgetvalue(r, 0, 0));
		else
			fprintf(stderr, "%s: %s", sql, PQresultErrorMessage(r));
		PQclear(r);
		PQfinish(c);
		return n;
	}
	sqlite3 *db;
	sqlite3_stmt *q;
	if (sqlite3_open(spec, &db) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK) {
		if (sqlite3_step(q) == SQLITE_ROW)
			n = sqlite3_column_int(q, 0);
		sqlite3_finalize(q);
	}
	sqlite3_close(db);
	return n;
}

/* sql run directly: 0, or -1 with the database's message in msg. */
static inline int
tb_exec(const char *spec, const char *sql, char *msg, size_t len)
{
	int rc = -1;
	if (tb.pg) {
		PGconn *c = PQconnectdb(spec);
		PQsetNoticeProcessor(c, tb_quiet, NULL);
		PGresult *r = PQexec(c, sql);
		ExecStatusType t = PQresultStatus(r);
		if (t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK)
			rc = 0;
		else if (msg)
			snprintf(msg, len, "%s", PQresultErrorMessage(r));
		PQclear(r);
		PQfinish(c);
		return rc;
	}
	sqlite3 *db;
	if (sqlite3_open(spec, &db) == SQLITE_OK) {
		sqlite3_busy_timeout(db, 5000);
		if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
			rc = 0;
		else if (msg)
			snprintf(msg, len, "%s", sqlite3_errmsg(db));
	}
	sqlite3_close(db);
	return rc;
}

#endif
