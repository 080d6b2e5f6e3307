/* The PostgreSQL baseline of the live roll-up: the client half of bench/pg.sh, which loads
 * the same SQLite file into a throwaway PostgreSQL and calls this program against it.
 * Over one TCP connection, a prepared statement of the baseline query (recursive CTE over
 * units.parent_id, sum of the submitted and approved values by item), timed client-side
 * around PQexecPrepared until the whole result is received, for the nation, a province and
 * a district; the SELECT 1 round trip as the protocol floor; JIT tried on and off on the
 * national query, the faster kept. Before measuring, every level's totals are compared
 * item by item with the same query on the SQLite file, read-only.
 * Appends `key<TAB>value` lines to the TSV (see bench/pg.sh).
 * Then the stronger baselines (extras(), below): DFS intervals, maintained subtree totals
 * with their per-submission cost, and the dashboard's content (totals + children) read
 * from them. --submissions N per side of the maintenance comparison (default 500).
 * Usage: bench_pg --conn CONNINFO --sqlite DB --out OUT.tsv [--campaign ID] [--budget-ms MS]
 *        [--submissions N] */
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* ---------- beyond the recursive CTE: what a competent PostgreSQL user would build ----------
 * (a) DFS intervals: every unit gets pre/post numbers (pre-order over parent_id, children
 *     by id; post = pre + subtree size - 1), each report carries its unit's pre number
 *     (reports_pre index on campaign, pre), and a subtree's totals are one range scan.
 * (b) maintained totals: subtree_totals(campaign_id, unit_id, item, value) with a row per
 *     unit and item (plus '#reports', the counted reports), kept by the submitting
 *     transaction: one plpgsql call per submission writes the report, its values, its event
 *     and its audit rows and, when maintaining, adds the values to every ancestor's row
 *     through a closure table (unit_ancestors). Timed per submission with and without the
 *     maintenance, durable (fsync and synchronous_commit on for this phase only).
 * (c) totals + children: what our dashboard shows (the unit's totals and each child's, with
 *     the counted reports) read from the maintained totals, one prepared query.
 * Each is checked: (a) against SQLite's totals, (b)/(c) against (a) after the writes. */

static const char *setup_sql =
        "DROP TABLE IF EXISTS unit_ancestors, unit_dfs, subtree_totals, report_events_b,"
        " audit_log_b;"
        "CREATE TABLE unit_ancestors AS WITH RECURSIVE a(unit_id, ancestor_id) AS ("
        " SELECT id, id FROM units UNION ALL SELECT a.unit_id, u.parent_id FROM a"
        " JOIN units u ON u.id = a.ancestor_id WHERE u.parent_id IS NOT NULL)"
        " SELECT unit_id, ancestor_id FROM a;"
        "ALTER TABLE unit_ancestors ADD PRIMARY KEY (unit_id, ancestor_id);"
        "CREATE TABLE unit_dfs AS WITH RECURSIVE t(id, path) AS ("
        " SELECT id, ARRAY[id] FROM units WHERE parent_id IS NULL UNION ALL"
        " SELECT u.id, t.path || u.id FROM units u JOIN t ON u.parent_id = t.id),"
        " o AS (SELECT id, row_number() OVER (ORDER BY path)::integer AS pre FROM t),"
        " z AS (SELECT ancestor_id AS id, count(*)::integer AS size FROM unit_ancestors"
        " GROUP BY ancestor_id)"
        " SELECT o.id, o.pre, o.pre + z.size - 1 AS post FROM o JOIN z USING (id);"
        "ALTER TABLE unit_dfs ADD PRIMARY KEY (id);"
        "ALTER TABLE reports ADD COLUMN IF NOT EXISTS unit_pre integer;"
        "UPDATE reports r SET unit_pre = d.pre FROM unit_dfs d WHERE d.id = r.unit_id;"
        "CREATE INDEX reports_pre ON reports(campaign_id, unit_pre) INCLUDE (status, id);"
        "CREATE TABLE report_events_b(id bigserial PRIMARY KEY, report_id integer NOT NULL,"
        " at bigint NOT NULL, user_id integer, action text NOT NULL, comment text NOT NULL"
        " DEFAULT '');"
        "CREATE INDEX report_events_b_report ON report_events_b(report_id);"
        "CREATE TABLE audit_log_b(id bigserial PRIMARY KEY, at bigint NOT NULL, actor_id"
        " integer, unit_id integer, unit_path text NOT NULL, action text NOT NULL, target"
        " text NOT NULL, old_value text NOT NULL, new_value text NOT NULL);"
        "CREATE INDEX audit_log_b_path ON audit_log_b(unit_path, id);"
        "CREATE TABLE subtree_totals(campaign_id integer NOT NULL, unit_id integer NOT NULL,"
        " item text NOT NULL, value bigint NOT NULL,"
        " PRIMARY KEY (campaign_id, unit_id, item));"
        /* one round trip, one transaction per submission: the strongest form */
        "CREATE OR REPLACE FUNCTION bench_submit(rid integer, items text[], nums bigint[],"
        " maintain boolean) RETURNS void LANGUAGE plpgsql AS $f$"
        " DECLARE cid integer; uid integer; now_s bigint := extract(epoch FROM now())::bigint;"
        " BEGIN"
        "  UPDATE reports SET status = 'submitted', version = version + 1, updated_at = now_s,"
        "   submitted_at = now_s, submitted_by = 1 WHERE id = rid AND status = 'draft'"
        "   RETURNING campaign_id, unit_id INTO cid, uid;"
        "  IF cid IS NULL THEN RAISE EXCEPTION 'report % is not a draft', rid; END IF;"
        "  DELETE FROM report_values WHERE report_id = rid;"
        "  INSERT INTO report_values(report_id, item, has_num, num, text)"
        "   SELECT rid, t.item, 1, t.num, '' FROM unnest(items, nums) AS t(item, num);"
        "  INSERT INTO report_events_b(report_id, at, user_id, action) VALUES (rid, now_s, 1,"
        "   'submit');"
        "  INSERT INTO audit_log_b(at, actor_id, unit_id, unit_path, action, target, old_value,"
        "   new_value) SELECT now_s, 1, uid, '/VN/', 'report.value', t.item, '', t.num::text"
        "   FROM unnest(items, nums) AS t(item, num)"
        "   UNION ALL SELECT now_s, 1, uid, '/VN/', 'report.status', '', 'draft', 'submitted';"
        "  IF maintain THEN"
        "   INSERT INTO subtree_totals(campaign_id, unit_id, item, value)"
        "    SELECT cid, a.ancestor_id, t.item, t.num FROM unit_ancestors a"
        "    CROSS JOIN unnest(items, nums) AS t(item, num) WHERE a.unit_id = uid"
        "    UNION ALL SELECT cid, a.ancestor_id, '#reports', 1 FROM unit_ancestors a"
        "    WHERE a.unit_id = uid"
        "    ON CONFLICT (campaign_id, unit_id, item)"
        "    DO UPDATE SET value = subtree_totals.value + EXCLUDED.value;"
        "  END IF;"
        " END $f$;";

/* every unit's subtree totals and counted reports, from the intervals */
static const char *build_totals_sql =
        "TRUNCATE subtree_totals;"
        "INSERT INTO subtree_totals(campaign_id, unit_id, item, value)"
        " SELECT r.campaign_id, a.ancestor_id, v.item, sum(v.num) FROM reports r"
        " JOIN report_values v ON v.report_id = r.id AND v.has_num = 1"
        " JOIN unit_ancestors a ON a.unit_id = r.unit_id"
        " WHERE r.status IN ('submitted','approved') GROUP BY 1, 2, 3"
        " UNION ALL SELECT r.campaign_id, a.ancestor_id, '#reports', count(*) FROM reports r"
        " JOIN unit_ancestors a ON a.unit_id = r.unit_id"
        " WHERE r.status IN ('submitted','approved') GROUP BY 1, 2;";

static const char *interval_sql =
        "SELECT v.item, sum(v.num) FROM reports r JOIN report_values v ON v.report_id = r.id"
        " WHERE r.campaign_id = $1::integer AND r.unit_pre BETWEEN $2::integer AND $3::integer"
        " AND r.status IN ('submitted','approved') AND v.has_num = 1 GROUP BY v.item";

static const char *count_sql = "SELECT count(*) FROM reports r WHERE r.campaign_id = $1::integer"
                               " AND r.unit_pre BETWEEN $2::integer AND $3::integer"
                               " AND r.status IN ('submitted','approved')";

/* the dashboard's content: the unit and its children, each with its totals */
static const char *tc_sql =
        "SELECT u.id, u.code, u.name, s.item, s.value FROM units u"
        " LEFT JOIN subtree_totals s ON s.campaign_id = $1::integer AND s.unit_id = u.id"
        " WHERE u.id = $2::integer OR u.parent_id = $2::integer";

static int
pg_ok(PGconn *c, PGresult *r, const char *what)
{
	ExecStatusType st = PQresultStatus(r);
	int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
	if (!ok)
		fprintf(stderr, "pg: %s: %s", what, PQerrorMessage(c));
	PQclear(r);
	return ok ? 0 : -1;
}

static int
pg_exec(PGconn *c, const char *sql, const char *what)
{
	return pg_ok(c, PQexec(c, sql), what);
}

/* A prepared statement's rows as totals (item, sum), timed; NULL out only times. */
static int
pg_totals(PGconn *c, const char *stmt, int n, const char *const *params, double *ms, totals_t *out)
{
	double t0 = bench_now_ms();
	PGresult *r = PQexecPrepared(c, stmt, n, params, NULL, NULL, 0);
	*ms = bench_now_ms() - t0;
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "pg: %s: %s", stmt, PQerrorMessage(c));
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

/* A unit's interval totals plus '#reports' (what subtree_totals must hold for it). */
static int
interval_full(PGconn *c, const char *campaign, const char *pre, const char *post, totals_t *out)
{
	const char *p[3] = {campaign, pre, post};
	double ms;
	if (pg_totals(c, "interval", 3, p, &ms, out) < 0)
		return -1;
	PGresult *r = PQexecPrepared(c, "count", 3, p, NULL, NULL, 0);
	int ok = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
	long long n = ok ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
	PQclear(r);
	if (!ok)
		return -1;
	return n ? totals_add(out, "#reports", n) : 0;
}

/* p50/p99 of runs of one prepared statement within the budget (one warm-up). */
static int
timed_runs(PGconn *c, const char *stmt, int n, const char *const *params, double budget_ms,
           double *p50, double *p99, int *runs)
{
	double v[MAX_RUNS], ms, spent = 0;
	if (pg_totals(c, stmt, n, params, &ms, NULL) < 0)
		return -1;
	int k = 0;
	for (; k < MAX_RUNS && (k < MIN_RUNS || spent < budget_ms); k++) {
		if (pg_totals(c, stmt, n, params, &v[k], NULL) < 0)
			return -1;
		spent += v[k];
	}
	*p50 = bench_pct(v, k, 0.5);
	*p99 = bench_pct(v, k, 0.99);
	*runs = k;
	return 0;
}

/* n submissions of drafts ids[0..n), one call (= one durable transaction) each. */
static int
submissions(PGconn *c, char ids[][16], int n, const char *items, const char *nums, int maintain,
            double *per_p50, double *per_mean)
{
	double *v = calloc((size_t)n + 1, sizeof *v), sum = 0;
	for (int i = 0; i < n; i++) {
		const char *p[4] = {ids[i], items, nums, maintain ? "t" : "f"};
		double t0 = bench_now_ms();
		PGresult *r = PQexecPrepared(c, "submit", 4, p, NULL, NULL, 0);
		v[i] = bench_now_ms() - t0;
		sum += v[i];
		if (pg_ok(c, r, "submit") < 0) {
			free(v);
			return -1;
		}
	}
	*per_mean = sum / n;
	*per_p50 = bench_pct(v, n, 0.5);
	free(v);
	return 0;
}

static double
secs_since(double t0)
{
	return (bench_now_ms() - t0) / 1000.0;
}

/* (a), (b), (c) above; figures appended to f. */
static int
extras(const char *conninfo, int use_jit, const char *campaign, char ids[][32],
       const totals_t *lite, double budget_ms, int nsubmit, FILE *f)
{
	PGconn *c = pg_connect(conninfo, "SET jit = off");
	PGconn *cj = use_jit ? pg_connect(conninfo, "SET jit = on; SET jit_above_cost = 0") : c;
	if (!c || !cj)
		return -1;
	double t0 = bench_now_ms();
	if (pg_exec(c, "SET client_min_messages = warning", "set") < 0 ||
	    pg_exec(c, setup_sql, "intervals, closure, tables") < 0 ||
	    pg_exec(c, "VACUUM ANALYZE reports", "vacuum") < 0 ||
	    pg_exec(c, "VACUUM ANALYZE unit_dfs", "vacuum") < 0 ||
	    pg_exec(c, "VACUUM ANALYZE unit_ancestors", "vacuum") < 0)
		return -1;
	double setup_s = secs_since(t0);
	PGconn *cs[2] = {c, cj};
	for (int k = 0; k < (cj != c ? 2 : 1); k++)
		if (pg_ok(cs[k], PQprepare(cs[k], "interval", interval_sql, 3, NULL), "prepare") <
		            0 ||
		    pg_ok(cs[k], PQprepare(cs[k], "count", count_sql, 3, NULL), "prepare") < 0 ||
		    pg_ok(cs[k], PQprepare(cs[k], "tc", tc_sql, 2, NULL), "prepare") < 0)
			return -1;
	if (pg_ok(c,
	          PQprepare(c, "submit",
	                    "SELECT bench_submit($1::integer, $2::text[],"
	                    " $3::bigint[], $4::boolean)",
	                    4, NULL),
	          "prepare") < 0)
		return -1;
	char pre[NLEVELS][16], post[NLEVELS][16];
	for (int l = 0; l < NLEVELS; l++) {
		char both[40];
		if (pg_value(c, "SELECT pre || ' ' || post FROM unit_dfs WHERE id = $1::integer",
		             ids[l], both, sizeof both) < 0)
			return -1;
		sscanf(both, "%15s %15s", pre[l], post[l]);
	}
	/* (a) checked against SQLite, then timed */
	static totals_t t;
	double ip50[NLEVELS], ip99[NLEVELS];
	int iruns[NLEVELS];
	for (int l = 0; l < NLEVELS; l++) {
		const char *p[3] = {campaign, pre[l], post[l]};
		double ms;
		PGconn *lc = l == 0 ? cj : c;
		if (pg_totals(lc, "interval", 3, p, &ms, &t) < 0 ||
		    compare(levels[l], &t, &lite[l]) < 0 ||
		    timed_runs(lc, "interval", 3, p, budget_ms, &ip50[l], &ip99[l], &iruns[l]) < 0)
			return -1;
		fprintf(stderr,
		        "pg: interval %s p50 %.3f ms, p99 %.3f ms (%d runs; totals equal)\n",
		        levels[l], ip50[l], ip99[l], iruns[l]);
	}

	/* (b) the drafts to submit, and the values they get */
	PGresult *r = PQexecParams(c,
	                           "SELECT id FROM reports WHERE campaign_id = $1::integer AND"
	                           " status = 'draft' ORDER BY id",
	                           1, NULL, &campaign, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		fprintf(stderr, "pg: drafts: %s", PQerrorMessage(c));
		PQclear(r);
		return -1;
	}
	int ndraft = PQntuples(r);
	if (ndraft < 2 * nsubmit)
		nsubmit = ndraft / 2;
	char(*drafts)[16] = calloc((size_t)ndraft + 1, sizeof *drafts);
	for (int i = 0; i < ndraft; i++)
		snprintf(drafts[i], sizeof drafts[i], "%s", PQgetvalue(r, i, 0));
	PQclear(r);
	char items[4096] = "{", nums[2048] = "{";
	for (int i = 0; i < lite[0].n; i++) {
		size_t a = strlen(items), b = strlen(nums);
		snprintf(items + a, sizeof items - a, "%s\"%s\"", i ? "," : "", lite[0].item[i]);
		snprintf(nums + b, sizeof nums - b, "%s%d", i ? "," : "", 100 + 7 * i);
	}
	strcat(items, "}");
	strcat(nums, "}");
	double w50 = 0, wmean = 0, m50 = 0, mmean = 0, build_s = 0;
	if (nsubmit > 0) {
		/* durable, as the server's writes are (SQLite synchronous=FULL) */
		if (pg_exec(c, "ALTER SYSTEM SET fsync = on", "fsync on") < 0 ||
		    pg_exec(c, "SELECT pg_reload_conf()", "reload") < 0 ||
		    pg_exec(c, "SET synchronous_commit = on", "synchronous_commit") < 0)
			return -1;
		usleep(200000); /* the reload reaches every backend */
		if (submissions(c, drafts, nsubmit, items, nums, 0, &w50, &wmean) < 0)
			return -1;
	}
	t0 = bench_now_ms();
	if (pg_exec(c, build_totals_sql, "subtree_totals") < 0 ||
	    pg_exec(c, "VACUUM ANALYZE subtree_totals", "vacuum") < 0)
		return -1;
	build_s = secs_since(t0);
	if (nsubmit > 0 &&
	    submissions(c, drafts + nsubmit, nsubmit, items, nums, 1, &m50, &mmean) < 0)
		return -1;
	free(drafts);
	if (nsubmit > 0)
		fprintf(stderr,
		        "pg: %d durable submissions each: %.3f ms p50 (mean %.3f) without "
		        "maintained"
		        " totals, %.3f ms p50 (mean %.3f) with; subtree_totals built in %.1f s\n",
		        nsubmit, w50, wmean, m50, mmean, build_s);

	/* (c) checked against the intervals (after the writes), then timed */
	double tp50[NLEVELS], tp99[NLEVELS];
	int truns[NLEVELS], trows[NLEVELS];
	static totals_t want, got;
	for (int l = 0; l < NLEVELS; l++) {
		const char *p[2] = {campaign, ids[l]};
		r = PQexecPrepared(c, "tc", 2, p, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			fprintf(stderr, "pg: tc: %s", PQerrorMessage(c));
			PQclear(r);
			return -1;
		}
		trows[l] = PQntuples(r);
		/* every unit in the answer: its rows against its interval totals */
		int bad = 0, units = 0;
		for (int i = 0; i < PQntuples(r) && !bad;) {
			const char *uid = PQgetvalue(r, i, 0);
			char both[40], upre[16], upost[16], name[80];
			got.n = 0;
			int j = i;
			for (; j < PQntuples(r) && !strcmp(PQgetvalue(r, j, 0), uid); j++)
				if (!PQgetisnull(r, j, 3))
					totals_add(&got, PQgetvalue(r, j, 3),
					           strtoll(PQgetvalue(r, j, 4), NULL, 10));
			if (pg_value(c,
			             "SELECT pre || ' ' || post FROM unit_dfs WHERE id = "
			             "$1::integer",
			             uid, both, sizeof both) < 0)
				return -1;
			sscanf(both, "%15s %15s", upre, upost);
			if (interval_full(c, campaign, upre, upost, &want) < 0)
				return -1;
			snprintf(name, sizeof name, "%s (maintained)", PQgetvalue(r, i, 1));
			bad = compare(name, &got, &want) < 0;
			units++;
			i = j;
		}
		PQclear(r);
		if (bad)
			return -1;
		if (timed_runs(c, "tc", 2, p, budget_ms, &tp50[l], &tp99[l], &truns[l]) < 0)
			return -1;
		fprintf(stderr,
		        "pg: totals+children %s: %d units, %d rows, all equal the intervals; p50 "
		        "%.3f"
		        " ms, p99 %.3f ms (%d runs)\n",
		        levels[l], units, trows[l], tp50[l], tp99[l], truns[l]);
	}
	for (int l = 0; l < NLEVELS; l++)
		fprintf(f,
		        "pg.interval.%s.p50_ms\t%.3f\npg.interval.%s.p99_ms\t%.3f\n"
		        "pg.tc.%s.p50_ms\t%.3f\npg.tc.%s.p99_ms\t%.3f\npg.tc.%s.rows\t%d\n",
		        levels[l], ip50[l], levels[l], ip99[l], levels[l], tp50[l], levels[l],
		        tp99[l], levels[l], trows[l]);
	fprintf(f,
	        "pg.extras_setup_s\t%.1f\npg.totals_build_s\t%.1f\npg.maint.n\t%d\n"
	        "pg.maint.without_p50_ms\t%.3f\npg.maint.without_mean_ms\t%.3f\n"
	        "pg.maint.with_p50_ms\t%.3f\npg.maint.with_mean_ms\t%.3f\n",
	        setup_s, build_s, nsubmit, w50, wmean, m50, mmean);
	if (cj != c)
		PQfinish(cj);
	PQfinish(c);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *conninfo = NULL, *sqlite_path = NULL, *outpath = NULL, *campaign = "1";
	double budget_ms = 4000;
	int nsubmit = 500;
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
		else if (!strcmp(argv[i], "--submissions"))
			nsubmit = atoi(argv[i + 1]);
	}
	if (!conninfo && argc == 3 && outpath) {
		/* called as every other benchmark (bench_x --out FILE): it needs its server */
		fprintf(stderr, "bench_pg: needs a PostgreSQL server, run bench/pg.sh; skipped\n");
		return 0;
	}
	if (!conninfo || !sqlite_path || !outpath) {
		fprintf(stderr, "usage: bench_pg --conn CONNINFO --sqlite DB --out OUT.tsv "
		                "[--campaign ID] [--budget-ms MS] [--submissions N]\n");
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
	static totals_t tpg, tlite, lites[NLEVELS];
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
		lites[l] = tlite;
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
	fflush(f);
	int xrc = extras(conninfo, use_jit, campaign, ids, lites, budget_ms, nsubmit, f);
	return fclose(f) == 0 && xrc == 0 ? 0 : 1;
}
