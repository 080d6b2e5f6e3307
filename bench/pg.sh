#!/usr/bin/env bash
# The PostgreSQL 15 baseline of the live roll-up: a throwaway server in a temp dir, listening
# on 127.0.0.1 only, loaded with the same SQLite file (CSV out of sqlite3, COPY in, the same
# keys and indexes, VACUUM ANALYZE), then bench_pg measures the roll-up over TCP and checks
# its totals against SQLite's. The server is stopped and the dir removed on any exit.
# Usage: bench/pg.sh DB.sqlite OUT.tsv   (appends key<TAB>value lines to OUT.tsv)
# Env: BENCH_PG (default build/bench_pg), PG_BIN (default /usr/lib/postgresql/15/bin),
#      CAMPAIGN (default 1), PG_EXPLAIN=0 to skip the EXPLAIN ANALYZE of the national query,
#      PG_SUBMISSIONS (default 500): durable submissions per side of the maintained-totals
#      cost (bench_pg --submissions; each side takes that many drafts).
set -euo pipefail

say() { echo "pg: $*" >&2; }
die() { say "$*"; exit 1; }

[ $# -eq 2 ] || die "usage: bench/pg.sh DB.sqlite OUT.tsv"
root="$(cd "$(dirname "$0")/.." && pwd)"
db="$(realpath "$1")"
out="$(realpath -m "$2")"
bench="${BENCH_PG:-$root/build/bench_pg}"
bin="${PG_BIN:-/usr/lib/postgresql/15/bin}"
campaign="${CAMPAIGN:-1}"

[ -r "$db" ] || die "cannot read $db"
for b in initdb pg_ctl postgres psql; do
  [ -x "$bin/$b" ] || die "missing $bin/$b: install postgresql-15 (apt-get install postgresql-15)"
done
psql="$bin/psql"
command -v sqlite3 >/dev/null || die "missing the sqlite3 CLI: install sqlite3"
[ -x "$bench" ] || die "missing $bench: build it (cmake --build build --target bench_pg; needs libpq-dev)"

# As root, initdb and the server refuse to run: they run as the postgres system user.
as=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || die "running as root but there is no postgres user (install postgresql-15)"
  as=(runuser -u postgres --)
fi

tmp="$(mktemp -d /tmp/suotdoi-pg-XXXXXX)"
data="$tmp/data"
started=0
cleanup() {
  local rc=$?
  if [ "$started" -eq 1 ]; then
    "${as[@]}" "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
  [ $rc -eq 0 ] || say "failed (exit $rc)"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
[ ${#as[@]} -eq 0 ] || chown postgres: "$tmp"

say "initdb in $data"
"${as[@]}" "$bin/initdb" -D "$data" -U bench --auth=trust --encoding=UTF8 --locale=C \
  >"$tmp/initdb.log" 2>&1 || { cat "$tmp/initdb.log" >&2; die "initdb failed"; }

# Tuned for a 2-core, 24 GiB machine serving reads: everything fits in shared_buffers; the
# load skips WAL (wal_level=minimal, tables created in the load's transaction) and fsync;
# autovacuum off so that nothing runs beside the measurement (the load ends with VACUUM).
settings=(
  "shared_buffers=1GB" "work_mem=64MB" "maintenance_work_mem=1GB" "effective_cache_size=16GB"
  "random_page_cost=1.1" "effective_io_concurrency=200" "max_parallel_workers_per_gather=2"
  "max_worker_processes=4" "max_parallel_workers=2" "max_parallel_maintenance_workers=2"
  "fsync=off" "synchronous_commit=off" "full_page_writes=off" "wal_level=minimal"
  "max_wal_senders=0" "max_wal_size=8GB" "checkpoint_timeout=1h" "autovacuum=off"
  "track_io_timing=on"
)
{
  for s in "${settings[@]}"; do echo "${s%%=*} = '${s#*=}'"; done
  echo "listen_addresses = '127.0.0.1'"
  echo "unix_socket_directories = '$tmp'"
} >>"$data/postgresql.conf"

# a free port from 55432 upward; pg_ctl fails if another server takes it first: next one
port=55432
while :; do
  [ $port -lt 55532 ] || die "no free port in 55432-55531"
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    started=1
    if "${as[@]}" "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
      -o "-p $port" start >/dev/null 2>&1; then
      break
    fi
    started=0
    grep -q 'could not bind\|Address already in use' "$data/server.log" 2>/dev/null ||
      { cat "$data/server.log" >&2; die "the server did not start"; }
  fi
  port=$((port + 1))
done
say "PostgreSQL listening on 127.0.0.1:$port (socket dir $tmp)"
conn="host=127.0.0.1 port=$port user=bench dbname=bench sslmode=disable"
q() { "$psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U bench "$@"; }
q -d postgres -c "CREATE DATABASE bench TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'"

# The data out of SQLite as CSV: NULL is an empty field, an empty string is "" (sqlite3's
# CSV), which is also COPY's CSV convention.
t0=$(date +%s%N)
lite() { sqlite3 -readonly -csv "$db" "$1" >"$tmp/$2.csv"; }
lite "SELECT id, code, name, kind, parent_id, locality_code, email, phone, active, created_at,
  updated_at FROM units" units
lite "SELECT id, campaign_id, unit_id, status, version, updated_at, updated_by, on_behalf,
  submitted_at, submitted_by, reviewed_at, reviewed_by, comment FROM reports" reports
lite "SELECT report_id, item, has_num, num, text FROM report_values" report_values
t1=$(date +%s%N)
secs() { printf '%d.%03d' $((($2 - $1) / 1000000000)) $((($2 - $1) / 1000000 % 1000)); }
say "exported CSV from SQLite in $(secs "$t0" "$t1") s"

# Equivalent tables and the same keys and indexes. A SQLite index carries the rowid, so
# units_parent and reports_rollup carry id (INCLUDE) here; report_values is WITHOUT ROWID
# (a b-tree on its key holding every column): the key carries the summed columns and the
# heap is clustered on it.
q -d bench <<EOF
BEGIN;
CREATE TABLE units(id integer NOT NULL, code text NOT NULL, name text NOT NULL,
  kind text NOT NULL, parent_id integer, locality_code text NOT NULL, email text NOT NULL,
  phone text NOT NULL, active integer NOT NULL, created_at text NOT NULL,
  updated_at text NOT NULL);
CREATE TABLE reports(id integer NOT NULL, campaign_id integer NOT NULL,
  unit_id integer NOT NULL, status text NOT NULL
  CHECK (status IN ('draft','submitted','returned','approved')), version integer NOT NULL,
  updated_at bigint NOT NULL, updated_by integer, on_behalf integer NOT NULL,
  submitted_at bigint NOT NULL, submitted_by integer, reviewed_at bigint NOT NULL,
  reviewed_by integer, comment text NOT NULL);
CREATE TABLE report_values(report_id integer NOT NULL, item text NOT NULL,
  has_num integer NOT NULL, num bigint NOT NULL, text text NOT NULL);
\\copy units FROM '$tmp/units.csv' WITH (FORMAT csv, FREEZE)
\\copy reports FROM '$tmp/reports.csv' WITH (FORMAT csv, FREEZE)
\\copy report_values FROM '$tmp/report_values.csv' WITH (FORMAT csv, FREEZE)
ALTER TABLE units ADD PRIMARY KEY (id), ADD UNIQUE (code);
CREATE INDEX units_parent ON units(parent_id) INCLUDE (id);
ALTER TABLE reports ADD PRIMARY KEY (id), ADD UNIQUE (campaign_id, unit_id);
CREATE INDEX reports_rollup ON reports(campaign_id, unit_id, status) INCLUDE (id);
ALTER TABLE report_values ADD CONSTRAINT report_values_pkey
  PRIMARY KEY (report_id, item) INCLUDE (has_num, num);
CLUSTER report_values USING report_values_pkey;
COMMIT;
VACUUM (ANALYZE, FREEZE);
EOF
t2=$(date +%s%N)
load_s=$(secs "$t1" "$t2")
say "loaded (COPY, keys, indexes, CLUSTER, VACUUM ANALYZE) in $load_s s"

rows() { q -d bench -At -c "SELECT count(*) FROM $1"; }
for t in units reports report_values; do
  n=$(rows $t)
  m=$(sqlite3 -readonly "$db" "SELECT count(*) FROM $t")
  [ "$n" = "$m" ] || die "$t: $n rows in PostgreSQL, $m in SQLite"
  declare "rows_$t=$n"
done
# shellcheck disable=SC2154 # set by the declare above
say "rows: $rows_units units, $rows_reports reports, $rows_report_values values"
# every table and index into shared_buffers (pg_prewarm ships with postgresql-15)
q -d bench -c "CREATE EXTENSION pg_prewarm" -c "SELECT sum(pg_prewarm(c.oid)) FROM pg_class c
  JOIN pg_namespace n ON n.oid = relnamespace WHERE nspname = 'public' AND relkind IN ('r','i')" \
  >/dev/null 2>&1 || say "pg_prewarm unavailable: the warm-up runs fill the cache"

tsv="$tmp/bench.tsv"
"$bench" --conn "$conn" --sqlite "$db" --out "$tsv" --campaign "$campaign" \
  --submissions "${PG_SUBMISSIONS:-500}"
jit=$(awk -F'\t' '$1 == "pg.jit" {print $2}' "$tsv")
# bench_pg's "on" compiles whatever the plan's cost (see jit_probe there), and only for
# the national query; the province, the district and SELECT 1 always run without JIT
jitset="jit=off"
[ "$jit" = off ] || jitset="jit=on jit_above_cost=0 (national query only)"

if [ "${PG_EXPLAIN:-1}" != 0 ]; then
  vn=$(q -d bench -At -c "SELECT id FROM units WHERE code = 'VN'")
  say "EXPLAIN (ANALYZE, BUFFERS) of the national roll-up, jit $jit:"
  q -d bench <<EOF | sed 's/^/pg:   /' >&2
SET jit = $jit;
SET jit_above_cost = $([ "$jit" = off ] && echo 100000 || echo 0);
PREPARE rollup(integer, integer) AS
WITH RECURSIVE sub(id) AS (SELECT \$1 UNION ALL
  SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id)
SELECT v.item, sum(v.num) FROM report_values v JOIN reports r ON r.id = v.report_id
WHERE r.campaign_id = \$2 AND r.unit_id IN (SELECT id FROM sub)
  AND r.status IN ('submitted','approved') AND v.has_num = 1
GROUP BY v.item;
EXPLAIN (ANALYZE, BUFFERS) EXECUTE rollup($vn, $campaign);
EOF
fi

{
  printf 'pg.load_s\t%s\n' "$load_s"
  printf 'pg.rows_units\t%s\n' "$rows_units"
  printf 'pg.rows_values\t%s\n' "$rows_report_values"
  cat "$tsv"
  printf 'pg.settings\t%s\n' "$(IFS=' '; echo "${settings[*]} $jitset")"
} >>"$out"
say "appended to $out"
