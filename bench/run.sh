#!/usr/bin/env bash
# make bench: the national-scale benchmarks side by side with their peers, in one run on
# one machine, reported as ratios (docs/perf.md). Never part of make test.
#   1. roll-up (nation, province, district) through HTTP vs PostgreSQL 15 (bench/pg.sh)
#   2. a district's dashboard, HTML and JSON, under wrk vs nginx serving the same bytes
#   3. durable submissions through the HTTP API vs raw SQLite commits (bench_submit)
#   4. resident memory and cold start with the national dataset
#   5. exports: the national per-unit XLSX (vs raw libxlsxwriter) and a district's PDF
# The national dataset is generated once into var/bench/national.db and reused; every run
# works on copies of it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=var/bench
data=$work/national.db
run=$work/run
out=docs/perf.md
WRK_SECONDS=${WRK_SECONDS:-10}
WRK_CONNS=${WRK_CONNS:-64}

say() { printf 'bench: %s\n' "$*" >&2; }

bash scripts/install-deps.sh --bench
for b in suotdoi bench_national bench_submit bench_xlsx bench_pg bench_rollup bench_search bench_login; do
  [ -x "build/$b" ] || { echo "build/$b is missing: run make bench (it builds first)" >&2; exit 1; }
done

mkdir -p "$work"
if [ ! -f "$data" ]; then
  say "generating the national dataset into $data (once; later runs reuse it)"
  rm -f "$data.tmp"
  ./build/suotdoi gen --db "$data.tmp" >&2
  sqlite3 "$data.tmp" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
  mv "$data.tmp" "$data"
fi
./build/suotdoi migrate --db "$data" >/dev/null

rm -rf "$run"
mkdir -p "$run"
tsv=$run/results.tsv
: >"$tsv"
nginx_pid=""
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
}
trap cleanup EXIT
put() { printf '%s\t%s\n' "$1" "$2" >>"$tsv"; }

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
./build/bench_national --bin build/suotdoi --db "$run/work.db" --assets "$root" \
  --tsv "$tsv" --env "$run/env"
# shellcheck disable=SC1091
. "$run/env"
server_pid=$SERVER_PID

# ---- the district's dashboard under wrk, and nginx serving the same bytes
html_url="$BASE/campaigns/$CAMPAIGN/units/$DISTRICT"
json_url="$BASE/api/v1/campaigns/$CAMPAIGN/units/$DISTRICT"
mkdir -p "$run/nginx/root" "$run/nginx/logs"
curl -sf -H "Cookie: $COOKIE" -o "$run/nginx/root/dashboard.html" "$html_url"
curl -sf -H "Cookie: $COOKIE" -o "$run/nginx/root/dashboard.json" "$json_url"
nginx_port=$((${BASE##*:} + 1))
cat >"$run/nginx/nginx.conf" <<EOF
# nginx at its best for static files: a worker per core, sendfile, keep-alive without a
# request cap; the access log stays on, as suotdoi's does.
worker_processes auto;
daemon off;
pid $root/$run/nginx/nginx.pid;
error_log $root/$run/nginx/logs/error.log;
events { worker_connections 4096; }
http {
  access_log $root/$run/nginx/logs/access.log;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  types { text/html html; application/json json; }
  server {
    listen 127.0.0.1:$nginx_port;
    root $root/$run/nginx/root;
  }
}
EOF
nginx -c "$root/$run/nginx/nginx.conf" -p "$root/$run/nginx" &
nginx_pid=$!
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$nginx_port/dashboard.json" && break; sleep 0.05; done

# wrk's figures: requests/s and the p99 latency in ms
wrk_run() { # key url [header]
  local key=$1 url=$2 hdr=${3:-} o
  if [ -n "$hdr" ]; then
    o=$(wrk -t2 -c"$WRK_CONNS" -d"${WRK_SECONDS}s" --latency -H "$hdr" "$url")
  else
    o=$(wrk -t2 -c"$WRK_CONNS" -d"${WRK_SECONDS}s" --latency "$url")
  fi
  if grep -q 'Non-2xx' <<<"$o"; then
    echo "$o" >&2
    echo "bench: $url answered errors under load" >&2
    exit 1
  fi
  put "$key.rps" "$(awk '/Requests\/sec/{print $2}' <<<"$o")"
  put "$key.p99_ms" "$(awk '$1=="99%"{v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) sub(/ms/,"",v); else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' <<<"$o")"
}
say "wrk: $WRK_CONNS connections, ${WRK_SECONDS} s each (four runs)"
wrk_run http.html "$html_url" "Cookie: $COOKIE"
wrk_run nginx.html "http://127.0.0.1:$nginx_port/dashboard.html"
wrk_run http.json "$json_url" "Cookie: $COOKIE"
wrk_run nginx.json "http://127.0.0.1:$nginx_port/dashboard.json"
put http.html.bytes "$(stat -c %s "$run/nginx/root/dashboard.html")"
put http.json.bytes "$(stat -c %s "$run/nginx/root/dashboard.json")"
kill "$nginx_pid"
nginx_pid=""

# memory after everything above: roll-ups, exports, the load
put rss.kb "$(awk '/VmRSS/{print $2}' "/proc/$server_pid/status")"
put rss.peak_kb "$(awk '/VmHWM/{print $2}' "/proc/$server_pid/status")"
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=""

# ---- PostgreSQL 15 over the same data
say "PostgreSQL: load and roll-up"
PG_EXPLAIN=0 BENCH_PG=build/bench_pg bash bench/pg.sh "$data" "$tsv"

# ---- durable submissions, and the XLSX floor
say "durable submissions"
./build/bench_submit --db "$data" --tsv "$tsv"
say "XLSX: raw libxlsxwriter vs our writer"
# as many rows as the national export has: the units of the kinds the campaign expects
rows=$(sqlite3 "$data" "SELECT count(*) FROM units u WHERE (SELECT ' ' || expected_kinds || ' ' FROM campaigns WHERE id = $CAMPAIGN) LIKE '% ' || u.kind || ' %'")
./build/bench_xlsx --rows "$rows" --tsv "$tsv"

bash bench/report.sh "$tsv" "$out"

# ---- supporting micro-benchmarks, appended below the table: the roll-up engine alone,
# unit search, sign-in timing
{
  echo
  echo "## Supporting micro-benchmarks (same run)"
  echo
} >>"$out"
say "micro-benchmarks: roll-up engine, search, sign-in"
./build/bench_rollup --out "$out" >/dev/null
./build/bench_search --scale national --out "$out" >/dev/null
./build/bench_login --out "$out" >/dev/null
echo "Wrote $out"
