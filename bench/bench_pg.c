/* The PostgreSQL baseline of the live roll-up: the client half of bench/pg.sh, which loads
 * the same SQLite file into a throwaway PostgreSQL and calls this program against it.
 * Over one TCP connection, a prepared statement of the baseline query (recursive CTE over
 * units.parent_id, sum of the submitted and approved values by item), timed client-side
 * around PQexecPrepared until the whole result is received, for the nation, a province and
 * a district; the SELECT 1 round trip as the protocol floor; JIT tried on and off on the
 * national query, the faster kept. Before measuring, every level's totals are compared
 * item by item with the same query on the SQLite file, read-only.
 * Appends `key<TAB>value` lines to the TSV (see bench/pg.sh).
 * Usage: bench_pg --conn CONNINFO --sqlite DB --out OUT.tsv [--campaign ID] [--budget-ms MS] */
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

enum { MAX_RUNS = 30, MIN_RUNS = 5, JIT_RUNS = 5, SELECT1_RUNS = 1000, MAX_ITEMS = 256 };

/* The roll-up query bench_national checks the server against, in PostgreSQL's syntax. */
static const char *pg_sql =
        "WITH RECURSIVE sub(id) AS (SELECT $1::integer UNION ALL"
        " SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id)"
        " SELECT v.item, sum(v.num) FROM report_values v JOIN reports r ON r.id = v.report_id"
        " WHERE r.campaign_id = $2::integer AND r.unit_id IN (SELECT id FROM sub)"
        " AND r.status IN ('submitted','approved') AND v.has_num = 1"
        " GROUP BY v.item";

static const char *sqlite_sql =
        "WITH RECURSIVE sub(id) AS (SELECT ?1 UNION ALL"
        " SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id)"
        " SELECT v.item, sum(v.num) FROM report_values v JOIN reports r ON r.id = v.report_id"
        " WHERE r.campaign_id = ?2 AND r.unit_id IN sub"
        " AND r.status IN ('submitted','approved') AND v.has_num = 1"
        " GROUP BY v.item";

static const char *levels[] = {"VN", "01", "018"};
#define NLEVELS (int)(sizeof levels / sizeof levels[0])

/* One roll-up: item -> total. */
typedef struct totals {
	int n;
	char item[MAX_ITEMS][64];
	long long sum[MAX_ITEMS];
} totals_t;

static int
totals_add(totals_t *t, const char *item, long long sum)
{
	if (t->n >= MAX_ITEMS || strlen(item) >= sizeof t->item[0]) {
		fprintf(stderr, "pg: too many items or item too long: %s\n", item);
		return -1;
	}
	snprintf(t->item[t->n], sizeof t->item[0], "%s", item);
	t->sum[t->n++] = sum;
	return 0;
}

static const long long *
totals_get(const totals_t *t, const char *item)
{
	for (int i = 0; i < t->n; i++)
		if (!strcmp(t->item[i], item))
			return &t->sum[i];
	return NULL;
}

/* A connection with the roll-up and SELECT 1 prepared after the settings (a plan's JIT
 * decision is taken when it is planned). */
static PGconn *
pg_connect(const char *conninfo, const char *settings)
{
	PGconn *c = PQconnectdb(conninfo);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "pg: connect: %s", PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	PGresult *r = PQexec(c, settings);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	if (ok) {
		r = PQprepare(c, "rollup", pg_sql, 2, NULL);
		ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
	}
	if (ok) {
		r = PQprepare(c, "one", "SELECT 1", 0, NULL);
		ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
	}
	if (!ok) {
		fprintf(stderr, "pg: prepare: %s", PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	return c;
}

/* One execution of the prepared roll-up; *ms is the client-side time until the whole
 * result is received; the totals go to out when given. */
static int
pg_rollup(PGconn *c, const char *unit_id, const char *campaign, double *ms, totals_t *out)
{
	const char *params[2] = {unit_id, campaign};
	double t0 = bench_now_ms();
	PGresult *r = PQexecPrepared(c, "rollup", 2, params, NULL, NULL, 0);
	*ms = bench_now_ms() - t0;
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "pg: roll-up of unit %s: %s", unit_id, PQerrorMessage(c));
		PQclear(r);
		return -1;
	}
	int rc = 0;
	if (out) {
		out->n = 0;
		for (int i = 0; i < PQntuples(r) && rc == 0; i++)
			rc = totals_add(
			        out, PQgetvalue(r, i, 0),
			        PQgetisnull(r, i, 1) ? 0 : strtoll(PQgetvalue(r, i, 1), NULL, 10));
	}
	PQclear(r);
	return rc;
}

/* A one-value query's answer into out; -1 when it fails or finds nothing. */
static int
pg_value(PGconn *c, const char *sql, const char *param, char *out, size_t size)
{
	PGresult *r =
	        PQexecParams(c, sql, param ? 1 : 0, NULL, param ? &param : NULL, NULL, NULL, 0);
	int ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
	if (ok)
		snprintf(out, size, "%s", PQgetvalue(r, 0, 0));
	else
		fprintf(stderr, "pg: %s [%s]: %s", sql, param ? param : "",
		        PQresultStatus(r) == PGRES_TUPLES_OK ? "no row\n" : PQerrorMessage(c));
	PQclear(r);
	return ok ? 0 : -1;
}

static int
sqlite_rollup(sqlite3_stmt *q, int64_t unit_id, int64_t campaign, totals_t *out)
{
	int rc = 0, step;
	out->n = 0;
	sqlite3_bind_int64(q, 1, unit_id);
	sqlite3_bind_int64(q, 2, campaign);
	while ((step = sqlite3_step(q)) == SQLITE_ROW && rc == 0)
		rc = totals_add(out, (const char *)sqlite3_column_text(q, 0),
		                sqlite3_column_int64(q, 1));
	if (rc == 0 && step != SQLITE_DONE)
		rc = -1;
	sqlite3_reset(q);
	return rc;
}

/* Both directions: every item of one is in the other with the same total. */
static int
compare(const char *code, const totals_t *pg, const totals_t *lite)
{
	int bad = 0;
	for (int i = 0; i < lite->n; i++) {
		const long long *v = totals_get(pg, lite->item[i]);
		if (!v || *v != lite->sum[i]) {
			fprintf(stderr,
			        "pg: MISMATCH at %s, item %s: PostgreSQL %s%lld, SQLite %lld\n",
			        code, lite->item[i], v ? "" : "(missing) ", v ? *v : 0LL,
			        lite->sum[i]);
			bad = 1;
		}
	}
	for (int i = 0; i < pg->n; i++)
		if (!totals_get(lite, pg->item[i])) {
			fprintf(stderr,
			        "pg: MISMATCH at %s, item %s: PostgreSQL %lld, SQLite (missing)\n",
			        code, pg->item[i], pg->sum[i]);
			bad = 1;
		}
	return bad ? -1 : 0;
}

/* The national roll-up with JIT on and off, alternating so that whatever else runs on the
 * machine weighs on both alike: the medians of JIT_RUNS runs each, after a warm-up each. */
static int
jit_probe(PGconn *con, PGconn *coff, const char *unit_id, const char *campaign, double *on,
          double *off)
{
	double von[JIT_RUNS], voff[JIT_RUNS], ms;
	if (pg_rollup(con, unit_id, campaign, &ms, NULL) < 0 ||
	    pg_rollup(coff, unit_id, campaign, &ms, NULL) < 0)
		return -1;
	for (int i = 0; i < JIT_RUNS; i++)
		if (pg_rollup(con, unit_id, campaign, &von[i], NULL) < 0 ||
		    pg_rollup(coff, unit_id, campaign, &voff[i], NULL) < 0)
			return -1;
	*on = bench_pct(von, JIT_RUNS, 0.5);
	*off = bench_pct(voff, JIT_RUNS, 0.5);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *conninfo = NULL, *sqlite_path = NULL, *outpath = NULL, *campaign = "1";
	double budget_ms = 4000;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--conn"))
			conninfo = argv[i + 1];
		else if (!strcmp(argv[i], "--sqlite"))
			sqlite_path = argv[i + 1];
		else if (!strcmp(argv[i], "--out"))
			outpath = argv[i + 1];
		else if (!strcmp(argv[i], "--campaign"))
			campaign = argv[i + 1];
		else if (!strcmp(argv[i], "--budget-ms"))
			budget_ms = atof(argv[i + 1]);
	}
	if (!conninfo && argc == 3 && outpath) {
		/* called as every other benchmark (bench_x --out FILE): it needs its server */
		fprintf(stderr, "bench_pg: needs a PostgreSQL server, run bench/pg.sh; skipped\n");
		return 0;
	}
	if (!conninfo || !sqlite_path || !outpath) {
		fprintf(stderr, "usage: bench_pg --conn CONNINFO --sqlite DB --out OUT.tsv "
		                "[--campaign ID] [--budget-ms MS]\n");
		return 2;
	}
	int64_t campaign_id = strtoll(campaign, NULL, 10);

	/* JIT on and off, each on its own connection. The planner costs this plan far below
	 * jit_above_cost (it expects a few hundred units in the subtree), so on means compiled
	 * whatever the cost; not optimized nor inlined, which cost more than they save here. */
	PGconn *con = pg_connect(conninfo, "SET jit = on; SET jit_above_cost = 0");
	PGconn *coff = pg_connect(conninfo, "SET jit = off");
	if (!con || !coff)
		return 1;
	char ids[NLEVELS][32], version[128];
	for (int l = 0; l < NLEVELS; l++)
		if (pg_value(coff, "SELECT id FROM units WHERE code = $1", levels[l], ids[l],
		             sizeof ids[l]) < 0)
			return 1;
	if (pg_value(coff, "SHOW server_version", NULL, version, sizeof version) < 0)
		return 1;
	double jit_on, jit_off;
	if (jit_probe(con, coff, ids[0], campaign, &jit_on, &jit_off) < 0)
		return 1;
	int use_jit = jit_on < jit_off;
	fprintf(stderr, "pg: national roll-up p50 with jit on %.3f ms, off %.3f ms: jit %s\n",
	        jit_on, jit_off, use_jit ? "on" : "off");
	/* JIT only ever pays for the nation's second-long query: compiling costs milliseconds
	 * (5 ms for a district's query, against 0.8 ms without), and PostgreSQL's own
	 * thresholds never compile these plans. The province and district, and SELECT 1, go
	 * without. */
	PGconn *c = use_jit ? con : coff;

	/* the same data: every level's totals equal SQLite's, item by item */
	sqlite3 *lite;
	sqlite3_stmt *q;
	if (sqlite3_open_v2(sqlite_path, &lite, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(lite, sqlite_sql, -1, &q, NULL) != SQLITE_OK) {
		fprintf(stderr, "pg: SQLite %s: %s\n", sqlite_path, sqlite3_errmsg(lite));
		return 1;
	}
	static totals_t tpg, tlite;
	int bad = 0;
	for (int l = 0; l < NLEVELS; l++) {
		double ms;
		if (pg_rollup(c, ids[l], campaign, &ms, &tpg) < 0 ||
		    sqlite_rollup(q, strtoll(ids[l], NULL, 10), campaign_id, &tlite) < 0) {
			fprintf(stderr, "pg: roll-up of %s failed (%s)\n", levels[l],
			        sqlite3_errmsg(lite));
			return 1;
		}
		if (tlite.n == 0) {
			fprintf(stderr, "pg: SQLite has no totals for %s: nothing to compare\n",
			        levels[l]);
			bad = 1;
		}
		if (compare(levels[l], &tpg, &tlite) < 0)
			bad = 1;
		else
			fprintf(stderr, "pg: %s (unit %s): %d items equal SQLite's\n", levels[l],
			        ids[l], tpg.n);
	}
	sqlite3_finalize(q);
	sqlite3_close(lite);
	if (bad)
		return 1;

	/* the measurement: one warm-up, then 5 to 30 runs within the budget per level */
	double p50[NLEVELS], p99[NLEVELS], v[SELECT1_RUNS];
	int runs[NLEVELS];
	for (int l = 0; l < NLEVELS; l++) {
		double ms, spent = 0;
		PGconn *lc = l == 0 ? c : coff;
		if (pg_rollup(lc, ids[l], campaign, &ms, NULL) < 0)
			return 1;
		int n = 0;
		for (; n < MAX_RUNS && (n < MIN_RUNS || spent < budget_ms); n++) {
			if (pg_rollup(lc, ids[l], campaign, &v[n], NULL) < 0)
				return 1;
			spent += v[n];
		}
		runs[l] = n;
		p50[l] = bench_pct(v, n, 0.5);
		p99[l] = bench_pct(v, n, 0.99);
		fprintf(stderr, "pg: %s p50 %.3f ms, p99 %.3f ms (%d runs)\n", levels[l], p50[l],
		        p99[l], n);
	}
	for (int i = -10; i < SELECT1_RUNS; i++) {
		double t0 = bench_now_ms();
		PGresult *r = PQexecPrepared(coff, "one", 0, NULL, NULL, NULL, 0);
		double ms = bench_now_ms() - t0;
		int ok = PQresultStatus(r) == PGRES_TUPLES_OK;
		PQclear(r);
		if (!ok) {
			fprintf(stderr, "pg: SELECT 1: %s", PQerrorMessage(coff));
			return 1;
		}
		if (i >= 0)
			v[i] = ms;
	}
	double one = bench_pct(v, SELECT1_RUNS, 0.5);
	fprintf(stderr, "pg: SELECT 1 p50 %.3f ms\n", one);
	PQfinish(con);
	PQfinish(coff);

	FILE *f = fopen(outpath, "a");
	if (!f) {
		perror(outpath);
		return 1;
	}
	for (int l = 0; l < NLEVELS; l++)
		fprintf(f, "pg.%s.p50_ms\t%.3f\npg.%s.p99_ms\t%.3f\npg.%s.runs\t%d\n", levels[l],
		        p50[l], levels[l], p99[l], levels[l], runs[l]);
	fprintf(f,
	        "pg.select1.p50_ms\t%.3f\npg.jit\t%s\npg.jit_on.VN.p50_ms\t%.3f\n"
	        "pg.jit_off.VN.p50_ms\t%.3f\npg.version\t%s\npg.check\tok\n",
	        one, use_jit ? "on" : "off", jit_on, jit_off, version);
	return fclose(f) == 0 ? 0 : 1;
}
