#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests (ctest fixture "pg", CMakeLists.txt):
# initdb in DIR, listening on a Unix socket in DIR only (no TCP port to collide on), trust
# authentication, fsync off (nothing in it outlives the run). As root, initdb and the
# server run as the postgres system user (as bench/pg.sh does).
#   tests/pg_cluster.sh start DIR   creates DIR and starts the server
#   tests/pg_cluster.sh stop DIR    stops it and removes DIR
# The tests connect with SUOTDOI_TEST_PG=postgresql:///postgres?host=DIR&user=suotdoi and
# each creates (and drops) its own database.
# Env: PG_BIN (default /usr/lib/postgresql/15/bin); PG_DURABLE=1 keeps fsync and full page
# writes on (make bench's durable submissions on PostgreSQL).
set -euo pipefail

say() { echo "pg_cluster: $*" >&2; }
die() { say "$*"; exit 1; }

[ $# -eq 2 ] || die "usage: tests/pg_cluster.sh start|stop DIR"
cmd="$1"
dir="$2"
bin="${PG_BIN:-/usr/lib/postgresql/15/bin}"
data="$dir/data"

as=()
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || die "running as root but there is no postgres user (install postgresql-15)"
  as=(runuser -u postgres --)
fi

case "$cmd" in
start)
  for b in initdb pg_ctl postgres; do
    [ -x "$bin/$b" ] || die "missing $bin/$b: install postgresql-15 (scripts/install-deps.sh)"
  done
  # a cluster a crashed run left behind
  if [ -f "$data/postmaster.pid" ]; then
    "${as[@]}" "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  [ ${#as[@]} -eq 0 ] || chown postgres: "$dir"
  "${as[@]}" "$bin/initdb" -D "$data" -U suotdoi --auth=trust --encoding=UTF8 --locale=C \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  {
    echo "listen_addresses = ''"
    echo "unix_socket_directories = '$dir'"
    if [ "${PG_DURABLE:-0}" != 1 ]; then
      echo "fsync = off"
      echo "full_page_writes = off"
    fi
    echo "max_connections = 200"
    echo "shared_buffers = 64MB"
  } >>"$data/postgresql.conf"
  "${as[@]}" "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
    { cat "$dir/server.log" >&2; die "the server did not start"; }
  say "PostgreSQL listening on $dir/.s.PGSQL.5432"
  ;;
stop)
  if [ -f "$data/postmaster.pid" ]; then
    "${as[@]}" "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 ||
      "${as[@]}" "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
*)
  die "usage: tests/pg_cluster.sh start|stop DIR"
  ;;
esac
