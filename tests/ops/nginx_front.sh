#!/usr/bin/env bash
# The shipped nginx site (packaging/nginx/suotdoi.conf) in front of a real `suotdoi serve`,
# as an operator installs it: TLS with HTTP/2, the client's address and https passed on in
# X-Forwarded-* (believed because nginx is a trusted proxy: loopback), one request id from
# nginx to suotdoi's access line and back, /metrics not reachable from outside, static files
# gzipped, and requests that libmicrohttpd would take at face value normalised or refused at
# nginx (two Content-Length headers, a Transfer-Encoding it does not know, no Host, a header
# with an underscore posing as X-Forwarded-For, dot-segments and doubled slashes), and the
# requests libmicrohttpd decides before suotdoi's strict checks (a Content-Length that is not
# plain digits, a NUL in a header value or the path) refused there too.
# Usage: tests/ops/nginx_front.sh SUOTDOI_BINARY SOURCE_DIR WORK_DIR (removed at the end).
set -euo pipefail
bin=$(realpath "$1")
src=$(realpath "$2")
dir=$3
nginx=${NGINX:-/usr/sbin/nginx}
say() { echo "nginx_front: $*" >&2; }
fail() {
  say "FAILED: $*"
  [ -f "$dir/serve.log" ] && tail -n 20 "$dir/serve.log" >&2
  [ -f "$dir/nginx/error.log" ] && tail -n 20 "$dir/nginx/error.log" >&2
  exit 1
}
[ -x "$nginx" ] || fail "no nginx at $nginx (scripts/install-deps.sh installs nginx-light)"
pids=()
cleanup() {
  [ -f "$dir/nginx/nginx.pid" ] && kill "$(cat "$dir/nginx/nginx.pid")" 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$dir"
}
rm -rf "$dir"
mkdir -p "$dir/nginx"
trap cleanup EXIT
cd "$dir"

. "$src/tests/ops/common.sh"
free_port app_port || fail "no free port"

"$bin" demo --db demo.db >/dev/null 2>&1 || fail "suotdoi demo"
"$bin" serve --db demo.db --listen "127.0.0.1:$app_port" --assets "$src" >serve.log 2>&1 &
pids+=($!)

# a self-signed certificate for 127.0.0.1
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1" -keyout nginx/key.pem -out nginx/cert.pem \
  >/dev/null 2>&1 || fail "openssl req"

# the shipped site with this test's addresses: the substitutions its header lists
site() {
  sed -e "s|127.0.0.1:8080|127.0.0.1:$app_port|" \
    -e "s|/etc/ssl/certs/suotdoi.crt|$dir/nginx/cert.pem|" \
    -e "s|/etc/ssl/private/suotdoi.key|$dir/nginx/key.pem|" \
    -e "s|listen 443 ssl http2;|listen 127.0.0.1:$tls_port ssl http2;|" \
    -e "s|listen 80;|listen 127.0.0.1:$plain_port;|" \
    -e "/listen \[::\]/d" \
    -e "s|root /var/www/html;|root $dir/nginx;|" \
    "$src/packaging/nginx/suotdoi.conf" >nginx/site.conf
  grep -q "127.0.0.1:$app_port" nginx/site.conf || fail "the site has no upstream placeholder"
}
cat >nginx/nginx.conf <<CONF
worker_processes 1;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log warn;
events { worker_connections 256; }
http {
	include /etc/nginx/mime.types;
	default_type application/octet-stream;
	access_log off;
	client_body_temp_path $dir/nginx/body;
	proxy_temp_path $dir/nginx/proxy;
	fastcgi_temp_path $dir/nginx/fastcgi;
	uwsgi_temp_path $dir/nginx/uwsgi;
	scgi_temp_path $dir/nginx/scgi;
	include $dir/nginx/site.conf;
}
CONF
# free_port probes before nginx binds; should another process take a port in between,
# nginx says "Address already in use" and we try again on other ports
started=
for attempt in 1 2 3 4 5; do
  free_port tls_port || fail "no free port"
  free_port plain_port || fail "no free port"
  site
  "$nginx" -t -p "$dir/nginx" -c "$dir/nginx/nginx.conf" >nginx/t.out 2>&1 ||
    { cat nginx/t.out >&2; fail "nginx -t refuses the shipped site"; }
  if "$nginx" -p "$dir/nginx" -c "$dir/nginx/nginx.conf" 2>nginx/start.out; then
    started=1
    break
  fi
  grep -q 'Address already in use' nginx/start.out || { cat nginx/start.out >&2; break; }
  say "attempt $attempt: a port was taken ($(grep -o '127.0.0.1:[0-9]*' nginx/start.out | head -n 1)); trying others"
done
[ -n "$started" ] || fail "nginx did not start"

for _ in $(seq 300); do
  curl -sf -o /dev/null "http://127.0.0.1:$app_port/healthz" && break
  sleep 0.1
done
url="https://127.0.0.1:$tls_port"
c() { curl -sk --cacert nginx/cert.pem "$@"; }

# ---- HTTP/2 over TLS, port 80 sends to https
c --http2 -o /dev/null -D h.txt "$url/login" || fail "GET /login through nginx"
head -n 1 h.txt | grep -q '^HTTP/2 200' || fail "not HTTP/2 200: $(head -n 1 h.txt)"
loc=$(curl -s -o /dev/null -w '%{redirect_url}' "http://127.0.0.1:$plain_port/login")
[ "$loc" = "https://127.0.0.1/login" ] || fail "port 80 redirect: $loc"

# ---- one request id, in the answer (once) and on suotdoi's access line
ids=$(tr -d '\r' <h.txt | grep -ci '^x-request-id:' || true)
[ "$ids" = 1 ] || fail "X-Request-Id $ids times"
rid=$(tr -d '\r' <h.txt | sed -n 's/^x-request-id: //Ip')
[ ${#rid} -eq 32 ] || fail "nginx's request id: $rid"
log_wait "path=/login .*req=$rid" serve.log || fail "suotdoi's access line lacks req=$rid"

# ---- the client's address: the one nginx saw (a client on 127.0.0.2), whatever it forged
c --interface 127.0.0.2 -o /dev/null -H 'X-Forwarded-For: 6.6.6.6' \
  -H 'X_Forwarded_For: 7.7.7.7' -H 'X-Real-IP: 8.8.8.8' "$url/units"
log_wait 'path=/units ' serve.log || fail "no access line for /units"
line=$(grep 'path=/units ' serve.log | tail -n 1)
echo "$line" | grep -q ' ip=127.0.0.2 peer=127.0.0.1 ' || fail "the client's address: $line"

# ---- https passed on: the session cookie is Secure
csrf=$(c -c jar "$url/login" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
[ -n "$csrf" ] || fail "no csrf token on /login"
c -b jar -c jar -o /dev/null -D login.txt --data-urlencode "username=quantri" \
  --data-urlencode "password=Hoctap@2022" --data-urlencode "csrf=$csrf" "$url/login"
tr -d '\r' <login.txt | grep -i '^set-cookie:' | grep -qi '; Secure' ||
  fail "the session cookie is not Secure behind TLS: $(grep -i set-cookie login.txt)"

# ---- /metrics is for the inside only
st=$(c -o /dev/null -w '%{http_code}' "$url/metrics")
[ "$st" = 404 ] || fail "/metrics through nginx: $st"

# ---- static files compressed
enc=$(c -o /dev/null -D - -H 'Accept-Encoding: gzip' "$url/static/style.css" | tr -d '\r' |
  sed -n 's/^content-encoding: //Ip')
[ "$enc" = gzip ] || fail "static CSS not gzipped: '$enc'"

# ---- normalisation: dot-segments and doubled slashes reach suotdoi as one path
# suotdoi writes a request's access line once the answer has gone, so the client can be
# done before the line is in serve.log: wait for it rather than count too early
units_seen=$(log_count 'path=/units ' serve.log)
st=$(c -o /dev/null -w '%{http_code}' --path-as-is "$url//units/../units")
[ "$st" = 200 ] || fail "//units/../units: $st"
log_count_wait 'path=/units ' serve.log $((units_seen + 1)) ||
  fail "normalised path not seen by suotdoi"

# ---- raw requests nginx refuses before suotdoi sees them
raw() {
  python3 - "$tls_port" "$1" <<'PY'
import socket, ssl, sys
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10))
s.sendall(sys.argv[2].encode().decode("unicode_escape").encode("latin-1"))
data = b""
try:
    while len(data) < 200:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
except socket.timeout:
    pass
line = data.split(b"\r\n", 1)[0].decode("latin-1")
print(line.split(" ")[1] if line.startswith("HTTP/") else "none")
PY
}
# the access lines counted once no more arrive (each written after its answer went)
settled_requests() {
  local n m
  n=$(log_count 'msg=request' serve.log)
  for _ in $(seq 20); do
    sleep 0.2
    m=$(log_count 'msg=request' serve.log)
    [ "$m" = "$n" ] && break
    n=$m
  done
  echo "$n"
}
before=$(settled_requests)
# libmicrohttpd 0.9.75 decides these before suotdoi's own checks (docs/operations.md, HTTP
# strictness): a Content-Length that is not plain digits (its answer repeats its header block
# as the body), a NUL in a header value or in the path (it cuts the string there)
[ "$(raw 'POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n')" = 400 ] ||
  fail "Content-Length: -1 not refused"
[ "$(raw 'POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n')" = 400 ] ||
  fail "Content-Length: abc not refused"
[ "$(raw 'POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 1e3\r\n\r\n')" = 400 ] ||
  fail "Content-Length: 1e3 not refused"
[ "$(raw 'POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\n')" = 400 ] ||
  fail "Content-Length: +5 not refused"
st=$(raw 'POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000000000000000000\r\n\r\n')
[ "$st" = 400 ] || [ "$st" = 413 ] || fail "Content-Length: 10^23 not refused: $st"
[ "$(raw 'GET /login HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n')" = 400 ] ||
  fail "a NUL in a header value not refused"
[ "$(raw 'GET /log\x00in HTTP/1.1\r\nHost: x\r\n\r\n')" = 400 ] ||
  fail "a NUL in the path not refused"

[ "$(raw 'POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 45\r\n\r\n')" = 400 ] ||
  fail "two Content-Length headers not refused"
[ "$(raw 'POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n')" = 501 ] ||
  fail "Transfer-Encoding: gzip not refused"
[ "$(raw 'GET /login HTTP/1.1\r\n\r\n')" = 400 ] || fail "HTTP/1.1 without Host not refused"
[ "$(raw 'TRACE /login HTTP/1.1\r\nHost: x\r\n\r\n')" = 405 ] || fail "TRACE not refused"
after=$(settled_requests)
[ "$before" = "$after" ] || fail "a refused request reached suotdoi"
say "ok"
