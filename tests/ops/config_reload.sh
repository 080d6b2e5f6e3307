#!/usr/bin/env bash
# The configuration file as an operator meets it, on a real `suotdoi serve`:
#   - a bad value or an unknown key at start: exit 2, the line named in Vietnamese;
#   - the effective configuration logged at start, with where each value came from;
#   - every answer carries X-Request-Id, and the access line the same id;
#   - SIGHUP: log format, time zone, trusted proxies (and who may read /metrics) change
#     without a restart; a key that needs a restart is named; a file with an error changes
#     nothing and the server goes on serving;
#   - behind a proxy: X-Forwarded-For believed from a trusted proxy only.
# Usage: tests/ops/config_reload.sh SUOTDOI_BINARY WORK_DIR (removed at the end).
set -euo pipefail
bin=$(realpath "$1")
dir=$2
say() { echo "config_reload: $*" >&2; }
fail() {
  say "FAILED: $*"
  [ -f "$dir/serve.log" ] && tail -n 30 "$dir/serve.log" >&2
  exit 1
}
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  rm -rf "$dir"
}
rm -rf "$dir"
mkdir -p "$dir"
trap cleanup EXIT
cd "$dir"
"$bin" demo --db demo.db >/dev/null 2>&1 || fail "suotdoi demo"
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
free_port port || fail "no free port"

# ---- refused at start, the line named
printf 'listen = 127.0.0.1:%s\nthreads = lots\n' "$port" >bad.conf
set +e
"$bin" serve --config bad.conf --db demo.db >out 2>&1
rc=$?
set -e
[ "$rc" -eq 2 ] || fail "a bad threads value: exit $rc, want 2"
grep -q 'bad.conf: Dòng 2: threads cần một số nguyên từ 1 đến 1024.' out || fail "bad value: $(cat out)"
printf 'listen = 127.0.0.1:%s\nlisten_port = 80\n' "$port" >bad.conf
set +e
"$bin" serve --config bad.conf >out 2>&1
rc=$?
"$bin" serve --log-level=loud >out2 2>&1
rc2=$?
set -e
[ "$rc" -eq 2 ] && grep -q 'Dòng 2: khóa không hợp lệ "listen_port"' out || fail "unknown key: $(cat out)"
[ "$rc2" -eq 2 ] && grep -q -- '--log-level: log_level cần debug, info, warn hoặc error.' out2 ||
  fail "bad flag: $(cat out2)"

# ---- a good file; a flag over it
cat >s.conf <<CONF
# suotdoi
listen = 127.0.0.1:$port
db = demo.db
log_format = text
threads = 4
metrics_allow = 10.0.0.0/8
sign_keys = $dir/keys
public_url = https://hoctap.example.vn
CONF
mkdir -p keys
"$bin" serve --config s.conf --threads 2 >serve.log 2>&1 &
pid=$!
for _ in $(seq 300); do
  curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && break
  sleep 0.1
done
curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" || fail "the server did not start"
grep -q "msg=\"config: listen = 127.0.0.1:$port (Dòng 2)\"" serve.log || fail "listen not logged"
grep -q 'msg="config: threads = 2 (--threads)"' serve.log || fail "the flag over the file not logged"
grep -q 'msg="config: max_connections = 2048 (mặc định)"' serve.log || fail "defaults not logged"

# request ids: in the answer and on the access line
id=$(curl -s -D - -o /dev/null "http://127.0.0.1:$port/login" | tr -d '\r' |
  sed -n 's/^X-Request-Id: //Ip')
[ ${#id} -eq 16 ] || fail "X-Request-Id \"$id\""
log_wait "msg=request method=GET path=/login route=/login status=200 .* req=$id" serve.log ||
  fail "no access line with req=$id"

# nginx on this machine (loopback, trusted by default) names the client
curl -s -o /dev/null -H 'X-Forwarded-For: 6.6.6.6, 203.0.113.9' "http://127.0.0.1:$port/login"
log_wait 'path=/login .* ip=203.0.113.9 peer=127.0.0.1' serve.log || fail "X-Forwarded-For from loopback"

st=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/metrics")
[ "$st" = 404 ] || fail "/metrics outside metrics_allow: $st"

# ---- SIGHUP: JSON lines, Vietnam time, another trusted proxy, /metrics opened to this
# machine; listen needs a restart
cat >s.conf <<CONF
metrics_allow = 127.0.0.1
listen = 127.0.0.1:$((port + 1))
db = demo.db
log_format = json
time_zone = Asia/Ho_Chi_Minh
trusted_proxies = 10.0.0.1
sign_keys = $dir/keys
public_url = https://hoctap2.example.vn
CONF
kill -HUP "$pid"
log_wait '"msg":"configuration reloaded from s.conf"' serve.log || fail "no reload"
grep -q '"msg":"config: listen changed; it takes effect at the next restart"' serve.log ||
  fail "a restart-only key not named"
curl -s -o /dev/null -H 'X-Forwarded-For: 203.0.113.10' "http://127.0.0.1:$port/login"
log_wait '"msg":"request"' serve.log || fail "no JSON access line after the reload"
line=$(grep '"msg":"request"' serve.log | tail -n 1)
echo "$line" | grep -q '"ts":"[0-9-]*T[0-9:.]*+07:00","level":"info","msg":"request","method":"GET","path":"/login"' ||
  fail "not a JSON line in Vietnam time: $line"
echo "$line" | grep -q '"ip":"127.0.0.1"' || fail "X-Forwarded-For believed from an untrusted peer: $line"
curl -sf "http://127.0.0.1:$port/metrics" >metrics.txt || fail "/metrics after the reload"
grep -q '^suotdoi_http_requests_total{route="/login",method="GET",status="200"} [0-9]' metrics.txt ||
  fail "no request counter for /login: $(head -c 600 metrics.txt)"

# What the server read at start and keeps (the signing keys' directory, the public address,
# the mail settings) survives reloads: a regression test for the strings being freed with
# the replaced configuration (ASan stops the server on a use after free). A document page
# of a unit head asks whether the unit has a signing key in sign_keys.
csrf=$(curl -s -c jar "http://127.0.0.1:$port/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
curl -s -b jar -c jar -o /dev/null --data-urlencode username=ld.tienlang \
  --data-urlencode password=Hoctap@2022 --data-urlencode "csrf=$csrf" "http://127.0.0.1:$port/login"
reloaded='"msg":"configuration reloaded from s.conf"'
n=$(log_count "$reloaded" serve.log)
kill -HUP "$pid"
log_count_wait "$reloaded" serve.log $((n + 1)) || fail "no first of two reloads"
kill -HUP "$pid"
log_count_wait "$reloaded" serve.log $((n + 2)) || fail "no second of two reloads"
st=$(curl -s -b jar -o doc.html -w "%{http_code}" "http://127.0.0.1:$port/units/315/docs/1" || true)
[ "$st" = 200 ] || fail "a document page after two reloads: $st"
kill -0 "$pid" || fail "the server died after reloads"

# ---- SIGHUP with an error: nothing changes, the server goes on
echo "threads = 0" >>s.conf
kill -HUP "$pid"
log_wait 'configuration not reloaded, the server goes on as it was: s.conf: Dòng 9: threads cần' serve.log ||
  fail "a bad reload not reported"
curl -sf -o /dev/null "http://127.0.0.1:$port/login" || fail "not serving after a bad reload"

kill -TERM "$pid"
wait "$pid" || fail "serve exited with $?"
pid=
grep -q '"msg":"stopped cleanly"' serve.log || fail "no clean stop"
say "ok"
