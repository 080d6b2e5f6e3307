#!/usr/bin/env bash
# make bench: the national-scale benchmarks side by side with their peers, in one run on
# one machine, reported as ratios (docs/perf.md). Never part of make test.
#   1. roll-up (nation, province, district) through HTTP vs PostgreSQL 15 (bench/pg.sh):
#      the recursive CTE, DFS intervals, maintained subtree totals (and what keeping them
#      costs each submission), and the dashboard's content read from those totals
#   2. dashboards under wrk: many URLs (every province, every 8th district; HTML, then
#      JSON) while a background writer submits into their subtrees, vs nginx serving the
#      same bytes from files at the same paths
#   3. durable submissions through the HTTP API vs raw SQLite commits (bench_submit)
#   4. the deadline burst: 8/16/64 writer connections saving and submitting schools, each
#      with its own account and token, while 16 connections read dashboards, with probes
#      timing a submission's way into the national totals (bench_burst)
#   5. resident memory and cold start with the national dataset; RSS with 1, 5 and 10 live
#      national campaigns
#   6. exports: the national per-unit XLSX (vs raw libxlsxwriter) and a district's PDF
#   7. suotdoi on PostgreSQL (the same copy moved by suotdoi migrate): roll-up, cold start,
#      exports and durable submissions, reported beside SQLite's
#   8. page weight and first render of the main pages on an emulated 3G link (400 kbit/s,
#      400 ms) in headless Chromium, against issue 17's budgets (bench_weight; alone:
#      make bench-weight)
# The national dataset is generated once into var/bench/national.db and reused; every run
# works on copies of it.
# Durations and sizes (environment): WRK_SECONDS (10, four wrk runs), WRK_CONNS (64),
# WRK_WRITES_PER_S (20, the background writer during the suotdoi runs), BURST_SECONDS (15
# per level), BURST_CONNS (8,16,64), BURST_READERS (16), BURST_PROBES (10 per level),
# BURST_POOL (30000 schools that may submit; submitted ones are returned to reach it),
# SUBMIT_N (2000 submissions per connection count), PG_SUBMISSIONS (500 per side of the
# maintained-totals cost), RSS_CAMPAIGNS (10), WEIGHT_N (5 loads of each page, cold and
# warm), BUILD (build: where the binaries are), BENCH_PORT (18480: suotdoi; +1 nginx, +2
# the RSS server, +10 the burst's servers, +20 bench_weight's demo server).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=var/bench
data=$work/national.db
run=$work/run
out=docs/perf.md
WRK_SECONDS=${WRK_SECONDS:-10}
WRK_CONNS=${WRK_CONNS:-64}
WRK_WRITES_PER_S=${WRK_WRITES_PER_S:-20}
BURST_SECONDS=${BURST_SECONDS:-15}
BURST_CONNS=${BURST_CONNS:-8,16,64}
BURST_READERS=${BURST_READERS:-16}
BURST_PROBES=${BURST_PROBES:-10}
BURST_POOL=${BURST_POOL:-30000}
BENCH_PORT=${BENCH_PORT:-18480}
SUBMIT_N=${SUBMIT_N:-2000}
RSS_CAMPAIGNS=${RSS_CAMPAIGNS:-10}
WEIGHT_N=${WEIGHT_N:-5}
build=${BUILD:-build}
started=$(date +%s)

say() { printf 'bench: %s (%d s)\n' "$1" $(($(date +%s) - started)) >&2; }

bash scripts/install-deps.sh --bench
for b in suotdoi bench_national bench_submit bench_burst bench_xlsx bench_pg bench_rollup \
  bench_search bench_login bench_chase bench_weight; do
  [ -x "$build/$b" ] || { echo "$build/$b is missing: run make bench (it builds first)" >&2; exit 1; }
done

mkdir -p "$work"
if [ ! -f "$data" ]; then
  say "generating the national dataset into $data (once; later runs reuse it)"
  rm -f "$data.tmp"
  "$build/suotdoi" gen --db "$data.tmp" >&2
  sqlite3 "$data.tmp" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
  mv "$data.tmp" "$data"
fi
"$build/suotdoi" migrate --db "$data" >/dev/null

rm -rf "$run"
mkdir -p "$run"
tsv=$run/results.tsv
: >"$tsv"
nginx_pid=""
server_pid=""
writer_pid=""
cleanup() {
  [ -n "$writer_pid" ] && kill "$writer_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
}
trap cleanup EXIT
put() { printf '%s\t%s\n' "$1" "$2" >>"$tsv"; }
# a running server's memory, kB
vm() { awk -v k="$1:" '$1==k{print $2}' "/proc/$2/status"; }
# waits until url answers 200
wait_up() { for _ in $(seq 3000); do curl -sf -o /dev/null "$1" && return 0; sleep 0.02; done; return 1; }

put machine.cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
put machine.cores "$(nproc)"
put machine.ram_gib "$(free -g | awk '/Mem:/{print $2}')"
put machine.kernel "$(uname -sr)"
put machine.fs "$(stat -f -c %T "$work")"
put dataset.units "$(sqlite3 "$data" 'SELECT count(*) FROM units')"
put dataset.reports "$(sqlite3 "$data" 'SELECT count(*) FROM reports')"
put dataset.values "$(sqlite3 "$data" 'SELECT count(*) FROM report_values')"
put dataset.items "$(sqlite3 "$data" "SELECT count(DISTINCT item) FROM report_values")"

# ---- suotdoi: cold start, roll-up, exports; the server stays up for the load tests
say "suotdoi: cold start, roll-up, exports"
cp "$data" "$run/work.db"
"$build/bench_national" --bin "$build/suotdoi" --db "$run/work.db" --assets "$root" \
  --tsv "$tsv" --env "$run/env" --port "$BENCH_PORT"
# shellcheck disable=SC1091
. "$run/env"
server_pid=$SERVER_PID

# ---- dashboards under wrk: many URLs, some changing, and nginx serving the same bytes
# The URLs: every province and every 8th district, HTML (/campaigns/C/units/CODE) and JSON
# (/api/v1/campaigns/C/units/CODE), read with the session cookie bench_national signed in
# (the head of 018, given overseer on the nation here so that every listed dashboard is
# its to read; the server trusts what it remembers of an identity for at most 2 s).
root_id=$(sqlite3 "$run/work.db" 'SELECT id FROM units WHERE parent_id IS NULL')
sqlite3 "$run/work.db" "SELECT code FROM units WHERE parent_id=$root_id
  UNION ALL SELECT code FROM units WHERE id % 8 = 0 AND parent_id IN
  (SELECT id FROM units WHERE parent_id=$root_id)" >"$run/dash.codes"
sqlite3 "$run/work.db" "PRAGMA busy_timeout=5000; INSERT OR IGNORE INTO
  user_roles(user_id,unit_id,role,granted_at) SELECT id, $root_id, 'overseer',
  strftime('%s','now') FROM users WHERE username='bench.gialam'" >/dev/null
sleep 2.5
mkdir -p "$run/nginx/root" "$run/nginx/logs"
: >"$run/dash.html.paths"
: >"$run/dash.json.paths"
while read -r code; do
  for kind in html json; do
    if [ $kind = html ]; then
      p="/campaigns/$CAMPAIGN/units/$code"
    else
      p="/api/v1/campaigns/$CAMPAIGN/units/$code"
    fi
    mkdir -p "$run/nginx/root$(dirname "$p")"
    curl -sf -H "Cookie: $COOKIE" -o "$run/nginx/root$p" "$BASE$p" ||
      { echo "bench: GET $p failed" >&2; exit 1; }
    echo "$p" >>"$run/dash.$kind.paths"
  done
done <"$run/dash.codes"
nginx_port=$((${BASE##*:} + 1))
{
  echo "# nginx at its best for static files: a worker per core, sendfile, keep-alive"
  echo "# without a request cap; the access log stays on, as suotdoi's does. The files"
  echo "# have no extension: the JSON answers are the ones under /api/."
  echo "worker_processes auto;"
  echo "daemon off;"
  echo "pid $root/$run/nginx/nginx.pid;"
  echo "error_log $root/$run/nginx/logs/error.log;"
  echo "events { worker_connections 4096; }"
  echo "http {"
  echo "  access_log $root/$run/nginx/logs/access.log;"
  echo "  sendfile on;"
  echo "  tcp_nopush on;"
  echo "  keepalive_requests 1000000;"
  echo "  types { }"
  echo "  default_type text/html;"
  echo "  server {"
  echo "    listen 127.0.0.1:$nginx_port;"
  echo "    root $root/$run/nginx/root;"
  echo "    location /api/ { default_type application/json; }"
  echo "  }"
  echo "}"
} >"$run/nginx/nginx.conf"
nginx -c "$root/$run/nginx/nginx.conf" -p "$root/$run/nginx" &
nginx_pid=$!
wait_up "http://127.0.0.1:$nginx_port$(head -1 "$run/dash.json.paths")"

# The background writer: the national administrator submits, one after another, schools
# that have not submitted yet (spread over the country, so under the listed provinces and
# some listed districts), WRK_WRITES_PER_S a second. Each submission changes the national
# figures, so the kept dashboards of the campaign miss and are built afresh.
sqlite3 "$run/work.db" "SELECT u.code FROM units u WHERE (SELECT ' ' || expected_kinds || ' '
  FROM campaigns WHERE id = $CAMPAIGN) LIKE '% ' || u.kind || ' %' AND NOT EXISTS (SELECT 1
  FROM reports r WHERE r.unit_id=u.id AND r.campaign_id=$CAMPAIGN
  AND r.status IN ('submitted','approved')) ORDER BY (u.id * 2654435761) % 1000003
  LIMIT 5000" >"$run/writer.units"
writer_body=$(sqlite3 "$run/work.db" "SELECT '{\"values\":{' || group_concat('\"' || item ||
  '\":' || CASE WHEN item LIKE '%.nguoi' THEN '200' WHEN item = '1.ke_hoach' THEN 'true'
  ELSE '3' END, ',') || '}}' FROM (SELECT DISTINCT v.item FROM report_values v
  WHERE v.has_num = 1 ORDER BY v.item)")
bg_writer() { # count-file: "submissions failures", rewritten after each
  local n=0 bad=0 code pause
  pause=$(awk "BEGIN{print 1 / $WRK_WRITES_PER_S}")
  while read -r u; do
    code=$(curl -s -o "$run/writer.last" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
      -H 'Content-Type: application/json' -d "$writer_body" \
      "$BASE/api/v1/campaigns/$CAMPAIGN/units/$u/submit") || code=000
    n=$((n + 1))
    if [ "$code" != 200 ]; then
      bad=$((bad + 1))
      echo "bench: background submit of $u: HTTP $code $(head -c 300 "$run/writer.last")" >&2
    fi
    echo "$n $bad" >"$1"
    sleep "$pause"
  done <"$run/writer.units"
}

# wrk's figures: requests/s and the p99 latency in ms
wrk_run() { # key paths-file base-url [header [header]]
  local key=$1 paths=$2 base=$3 hdr=${4:-} hdr2=${5:-} o
  local args=(-t2 -c"$WRK_CONNS" -d"${WRK_SECONDS}s" --latency -s bench/dash.lua)
  [ -z "$hdr" ] || args+=(-H "$hdr")
  [ -z "$hdr2" ] || args+=(-H "$hdr2")
  o=$(WRK_PATHS="$paths" wrk "${args[@]}" "$base")
  if grep -q 'Non-2xx' <<<"$o"; then
    echo "$o" >&2
    echo "bench: $base answered errors under load" >&2
    exit 1
  fi
  put "$key.rps" "$(awk '/Requests\/sec/{print $2}' <<<"$o")"
  put "$key.p99_ms" "$(awk '$1=="99%"{v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) sub(/ms/,"",v); else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' <<<"$o")"
}
say "wrk: $WRK_CONNS connections, ${WRK_SECONDS} s each (five runs) over $(wc -l <"$run/dash.codes") units' dashboards"
echo "0 0" >"$run/writer.count"
bg_writer "$run/writer.count" &
writer_pid=$!
wrk_run http.html "$run/dash.html.paths" "$BASE" "Cookie: $COOKIE"
wrk_run http.json "$run/dash.json.paths" "$BASE" "Cookie: $COOKIE"
# what a browser gets: the same HTML gzipped (issue 17), deflated on every request
wrk_run http.html_gz "$run/dash.html.paths" "$BASE" "Cookie: $COOKIE" "Accept-Encoding: gzip"
kill "$writer_pid" 2>/dev/null || true
wait "$writer_pid" 2>/dev/null || true
writer_pid=""
read -r wn wbad <"$run/writer.count"
put dash.writes "$wn"
put dash.write_failures "$wbad"
wrk_run nginx.html "$run/dash.html.paths" "http://127.0.0.1:$nginx_port"
wrk_run nginx.json "$run/dash.json.paths" "http://127.0.0.1:$nginx_port"
put dash.urls "$(cat "$run/dash.html.paths" "$run/dash.json.paths" | wc -l)"
for k in html json; do # the mean answer size of each set
  put "http.$k.bytes" "$(sed "s|^|$run/nginx/root|" "$run/dash.$k.paths" | xargs stat -c %s |
    awk '{s += $1} END {printf "%.0f", s / NR}')"
done
# the mean gzipped HTML answer on the wire (figures may have moved since: near enough)
put http.html_gz.bytes "$(while read -r p; do
  curl -s -H "Cookie: $COOKIE" -H 'Accept-Encoding: gzip' -o /dev/null -w '%{size_download}\n' "$BASE$p"
done <"$run/dash.html.paths" | awk '{s += $1} END {printf "%.0f", s / NR}')"
kill "$nginx_pid"
nginx_pid=""

# memory after everything above: roll-ups, exports, the load
put rss.kb "$(vm VmRSS "$server_pid")"
put rss.peak_kb "$(vm VmHWM "$server_pid")"
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=""

# ---- RSS with 1, 5 and RSS_CAMPAIGNS live national campaigns
# Extra national campaigns copied from the dataset's one (same template, open, a report
# per unit as in the original, same values), written with SQL into a copy of the work file
# (it has bench_national's administrator token). A fresh server loads a campaign when its
# national dashboard is first asked for; VmRSS is read after 1, 5 and RSS_CAMPAIGNS.
say "RSS with 1, 5 and $RSS_CAMPAIGNS live national campaigns"
rss_db=$run/rss.db
sqlite3 "$run/work.db" ".backup '$rss_db'"
ccols=$(sqlite3 "$rss_db" "SELECT group_concat(name, ',') FROM pragma_table_info('campaigns') WHERE name != 'id'")
csel=$(sed -e 's/\(^\|,\)name\(,\|$\)/\1name || '"' (bench ' || k || ')'"'\2/' \
  -e 's/\(^\|,\)year\(,\|$\)/\1year + k\2/' <<<"$ccols")
rcols=$(sqlite3 "$rss_db" "SELECT group_concat(name, ',') FROM pragma_table_info('reports') WHERE name NOT IN ('id','campaign_id')")
rsel=$(sed 's/\([a-z_][a-z_]*\)/r.\1/g' <<<"$rcols")
t0=$(date +%s)
sqlite3 "$rss_db" <<SQL
PRAGMA journal_mode=WAL;
PRAGMA synchronous=OFF;
BEGIN;
CREATE TEMP TABLE ks(k INTEGER PRIMARY KEY);
WITH RECURSIVE n(k) AS (SELECT 2 UNION ALL SELECT k + 1 FROM n WHERE k < $RSS_CAMPAIGNS)
INSERT INTO ks SELECT k FROM n WHERE k <= $RSS_CAMPAIGNS;
INSERT INTO campaigns($ccols) SELECT $csel FROM campaigns, ks WHERE id = $CAMPAIGN ORDER BY k;
CREATE TEMP TABLE extra AS SELECT id FROM campaigns WHERE name LIKE '% (bench %)';
INSERT INTO reports(campaign_id,$rcols) SELECT e.id,$rsel FROM extra e
  JOIN reports r ON r.campaign_id = $CAMPAIGN ORDER BY e.id, r.unit_id;
INSERT INTO report_values(report_id,item,has_num,num,text)
  SELECT n.id, v.item, v.has_num, v.num, v.text FROM reports n
  JOIN reports o ON o.campaign_id = $CAMPAIGN AND o.unit_id = n.unit_id
  JOIN report_values v ON v.report_id = o.id WHERE n.campaign_id IN (SELECT id FROM extra);
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
put rss.campaigns_setup_s "$(($(date +%s) - t0))"
mapfile -t camps < <(sqlite3 "$rss_db" "SELECT id FROM campaigns WHERE id = $CAMPAIGN UNION ALL
  SELECT id FROM campaigns WHERE name LIKE '% (bench %)' ORDER BY 1")
[ "${#camps[@]}" -ge "$RSS_CAMPAIGNS" ] || { echo "bench: only ${#camps[@]} campaigns" >&2; exit 1; }
rss_port=$((${BASE##*:} + 2))
"$build/suotdoi" serve --db "$rss_db" --listen "127.0.0.1:$rss_port" --assets "$root" \
  >"$run/rss.server.log" 2>&1 &
server_pid=$!
wait_up "http://127.0.0.1:$rss_port/healthz" || { echo "bench: the RSS server did not start" >&2; exit 1; }
put rss.idle_kb "$(vm VmRSS "$server_pid")"
loaded=0
for i in "${!camps[@]}"; do
  curl -sf -o /dev/null -H "Authorization: Bearer $TOKEN" \
    "http://127.0.0.1:$rss_port/api/v1/campaigns/${camps[$i]}/units/VN" ||
    { echo "bench: campaign ${camps[$i]}'s national dashboard failed" >&2; exit 1; }
  loaded=$((i + 1))
  if [ $loaded -eq 1 ] || [ $loaded -eq 5 ] || [ $loaded -eq "$RSS_CAMPAIGNS" ]; then
    sleep 1
    put "rss.campaigns_${loaded}_kb" "$(vm VmRSS "$server_pid")"
  fi
  [ $loaded -lt "$RSS_CAMPAIGNS" ] || break
done
put rss.campaigns_max "$RSS_CAMPAIGNS"
put rss.campaigns_peak_kb "$(vm VmHWM "$server_pid")"
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=""
rm -f "$rss_db" "$rss_db-wal" "$rss_db-shm"

# ---- suotdoi on PostgreSQL: the same copy moved by suotdoi migrate into a durable cluster
# (fsync on; tests/pg_cluster.sh with PG_DURABLE=1), the roll-up, cold start and exports of
# bench_national and the durable submissions of bench_submit again, keys prefixed pgstore.
say "suotdoi on PostgreSQL: migrate, roll-up, exports, durable submissions"
pgdir=$root/$run/pgstore
pg_base="postgresql:///postgres?host=$pgdir&user=suotdoi"
PG_DURABLE=1 bash tests/pg_cluster.sh start "$pgdir"
pg_stop() { bash tests/pg_cluster.sh stop "$pgdir"; }
for d in nat sub; do
  psql "$pg_base" -qc "CREATE DATABASE $d TEMPLATE template0 ENCODING 'UTF8'"
done
put pgstore.version "$(psql "$pg_base" -Atc 'SHOW server_version')"
cp "$data" "$run/pg.work.db"
"$build/bench_national" --bin "$build/suotdoi" --db "$run/pg.work.db" --assets "$root" \
  --tsv "$tsv" --env "$run/pg.env" --port $((${BASE##*:} + 30)) \
  --pg "postgresql:///nat?host=$pgdir&user=suotdoi" --prefix pgstore. || { pg_stop; exit 1; }
pg_server=$(. "$run/pg.env" && echo "$SERVER_PID")
kill "$pg_server"
while kill -0 "$pg_server" 2>/dev/null; do sleep 0.1; done
"$build/bench_submit" --db "$data" --tsv "$tsv" --n "$SUBMIT_N" \
  --pg "postgresql:///sub?host=$pgdir&user=suotdoi" --prefix pgstore. || { pg_stop; exit 1; }
pg_stop
rm -f "$run/pg.work.db" "$run/pg.work.db-wal" "$run/pg.work.db-shm"

# ---- PostgreSQL 15 over the same data
say "PostgreSQL: load, roll-up, intervals, maintained totals"
PG_EXPLAIN=0 BENCH_PG=$build/bench_pg bash bench/pg.sh "$data" "$tsv"

# ---- durable submissions, the deadline burst, and the XLSX floor
say "durable submissions"
"$build/bench_submit" --db "$data" --tsv "$tsv" --n "$SUBMIT_N"
say "deadline burst: $BURST_CONNS writers, $BURST_READERS readers, ${BURST_SECONDS} s each"
# failures inside the burst are figures (report.sh marks them); only a burst that could
# not run stops make bench (report.sh then finds its figures missing)
"$build/bench_burst" --bin "$build/suotdoi" --db "$data" --assets "$root" --tsv "$tsv" \
  --conns "$BURST_CONNS" --readers "$BURST_READERS" --seconds "$BURST_SECONDS" \
  --probes "$BURST_PROBES" --pool "$BURST_POOL" --port $((${BASE##*:} + 10)) ||
  say "bench_burst reported failures (see above)"
say "XLSX: raw libxlsxwriter vs our writer"
# as many rows as the national export has: the units of the kinds the campaign expects
rows=$(sqlite3 "$data" "SELECT count(*) FROM units u WHERE (SELECT ' ' || expected_kinds || ' ' FROM campaigns WHERE id = $CAMPAIGN) LIKE '% ' || u.kind || ' %'")
"$build/bench_xlsx" --rows "$rows" --tsv "$tsv"

# ---- unit search at 1x and 10x the national units (the 10x dataset, ~650 MB, is generated
# once by `suotdoi gen --scale 10` and reused); the tables go below the summary
say "unit search at 1x and 10x the units"
if [ ! -f "$work/national10.db" ]; then
  rm -f "$work/national10.db.tmp"
  "$build/suotdoi" gen --db "$work/national10.db.tmp" --scale 10 >&2
  sqlite3 "$work/national10.db.tmp" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
  mv "$work/national10.db.tmp" "$work/national10.db"
fi
: >"$run/search.md"
"$build/bench_search" --db "$data" --tsv "$tsv" --label search.1x --out "$run/search.md" >/dev/null
"$build/bench_search" --db "$work/national10.db" --tsv "$tsv" --label search.10x --reps 10 \
  --out "$run/search.md" >/dev/null

# ---- page weight and first render on 3G in headless Chromium, on the demo database (its
# table goes below the summary)
say "page weight on 3G: $WEIGHT_N loads of each main page in headless Chromium"
: >"$run/weight.md"
# a browser that could not run leaves its rows "not measured" (report.sh), as the burst does
"$build/bench_weight" --bin "$build/suotdoi" --assets "$root" --work "$run/weight" \
  --port $((BENCH_PORT + 20)) --n "$WEIGHT_N" --tsv "$tsv" --out "$run/weight.md" >/dev/null ||
  say "bench_weight failed (see above and $run/weight/weight.log)"

put bench.total_s "$(($(date +%s) - started))"
bash bench/report.sh "$tsv" "$out" "$run/weight.md"

# ---- supporting micro-benchmarks, appended below the table: the roll-up engine alone,
# unit search, sign-in timing, reminders and the schedule at national scale
{
  echo
  echo "## Supporting micro-benchmarks (same run)"
  echo
} >>"$out"
say "micro-benchmarks: roll-up engine, sign-in, chasing"
"$build/bench_rollup" --out "$out" >/dev/null
cat "$run/search.md" >>"$out"
"$build/bench_login" --out "$out" >/dev/null
"$build/bench_chase" --db "$data" --out "$out" >/dev/null
say "done"
echo "Wrote $out"
