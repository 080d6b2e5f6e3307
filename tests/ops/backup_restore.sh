#!/usr/bin/env bash
# Backups, restored: what docs/backup.md and docs/operations.md tell an operator to do, done.
#   1. SQLite: `suotdoi backup --to DIR` while the server runs on the file; a figure written
#      after the backup is not in it, the one before is; `suotdoi restore` gives a file that
#      opens, with the contest files beside it. Refused, leaving everything as it was: a backup
#      into a non-empty directory, a restore onto an existing database, a restore of a backup
#      one byte of which was changed. `--into PARENT --keep 2` keeps the newest two.
#   2. PostgreSQL: a cluster archiving its WAL, a base backup (pg_basebackup), a figure written
#      after it, the cluster lost; the base backup plus the archived WAL (point-in-time
#      recovery to the end of the archive) holds that figure.
#   3. PostgreSQL: `suotdoi backup --to DIR` (pg_dump's directory format) of that cluster and
#      `suotdoi restore` into a fresh database of it: the last figure is there; a restore into
#      a database that is not empty is refused.
# A figure is read back through suotdoi itself: `values import --dry-run` of the same CSV says
# "1 không đổi" (unchanged) when the stored value is the one in the file.
# Usage: tests/ops/backup_restore.sh SUOTDOI_BINARY WORK_DIR (removed at the end).
set -euo pipefail
bin=$(realpath "$1")
dir=$2
pgbin=${PG_BIN:-/usr/lib/postgresql/15/bin}
say() { echo "backup_restore: $*" >&2; }
fail() { say "FAILED: $*"; exit 1; }

as=()
if [ "$(id -u)" -eq 0 ]; then
  as=(runuser -u postgres --)
fi
pids=()
clusters=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for c in "${clusters[@]}"; do
    [ -f "$c/postmaster.pid" ] && "${as[@]}" "$pgbin/pg_ctl" -D "$c" -m immediate -w stop >/dev/null 2>&1
  done
  rm -rf "$dir"
}
rm -rf "$dir"
mkdir -p "$dir"
trap cleanup EXIT
[ ${#as[@]} -eq 0 ] || chown postgres: "$dir"

# value_file VALUE: the CSV setting the TTHTCĐ of Đằng Lâm's 6.co_so to VALUE
value_file() { printf 'unit_code,item_code,value\nHA-11413-TTHTCD,6.co_so,%s\n' "$1" >"$dir/v$1.csv"; }
# write DB VALUE
write() {
  value_file "$2"
  "$bin" values import "$dir/v$2.csv" --campaign 1 --db "$1" >"$dir/out" 2>&1 ||
    { cat "$dir/out" >&2; fail "writing $2 into $1"; }
}
# holds DB VALUE: 0 when the stored figure is VALUE
holds() {
  value_file "$2"
  "$bin" values import "$dir/v$2.csv" --campaign 1 --db "$1" --dry-run >"$dir/out" 2>&1 ||
    { cat "$dir/out" >&2; fail "reading $1"; }
  grep -q ' 1 không đổi' "$dir/out"
}

# ---- 1. SQLite: the online backup
say "SQLite: suotdoi backup while serving"
"$bin" demo --db "$dir/live.db" >/dev/null 2>&1 || fail "suotdoi demo"
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
free_port port || fail "no free port"
"$bin" serve --db "$dir/live.db" --listen "127.0.0.1:$port" >"$dir/serve.log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do
  curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && break
  sleep 0.1
done
curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" || fail "the server did not start"
write "$dir/live.db" 4242
"$bin" backup --db "$dir/live.db" --to "$dir/backup" >"$dir/out" 2>&1 ||
  { cat "$dir/out" >&2; fail "suotdoi backup"; }
grep -q 'kiểm tra toàn vẹn: ổn' "$dir/out" || fail "the backup was not checked"
[ -f "$dir/backup/suotdoi.db" ] && [ -f "$dir/backup/MANIFEST" ] || fail "the backup lacks its files"
# the demo's contest media are in it, with their checksums
ncontest=$(find "$dir/live.db.contest" -type f | wc -l)
[ "$ncontest" -gt 0 ] || fail "the demo made no contest files"
[ "$(grep -c ' files/contest/' "$dir/backup/MANIFEST")" -eq "$ncontest" ] ||
  fail "the manifest does not list every contest file"
write "$dir/live.db" 5353
# a second backup into the same (non-empty) directory is refused, the first left as it was
sum_backup=$(cd "$dir/backup" && find . -type f -exec sha256sum {} + | sort)
if "$bin" backup --db "$dir/live.db" --to "$dir/backup" >"$dir/out" 2>&1; then
  fail "a backup into a non-empty directory was accepted"
fi
grep -q 'không phải một thư mục trống' "$dir/out" || { cat "$dir/out" >&2; fail "no reason given"; }
[ "$(cd "$dir/backup" && find . -type f -exec sha256sum {} + | sort)" = "$sum_backup" ] ||
  fail "a refused backup changed the one there"
# the nightly form: three backups, the newest two kept
for _ in 1 2 3; do
  "$bin" backup --db "$dir/live.db" --into "$dir/nightly" --keep 2 >"$dir/out" 2>&1 ||
    { cat "$dir/out" >&2; fail "suotdoi backup --into"; }
  sleep 1.1 # the names are to the second
done
[ "$(find "$dir/nightly" -mindepth 2 -maxdepth 2 -name MANIFEST | wc -l)" -eq 2 ] ||
  { ls -l "$dir/nightly" >&2; fail "--keep 2 did not keep two backups"; }
kill "${pids[0]}"
wait "${pids[0]}" 2>/dev/null || true
pids=()
# restore with suotdoi restore: a new file, checked, with its contest files beside it
"$bin" restore --from "$dir/backup" --db "$dir/restored.db" >"$dir/out" 2>&1 ||
  { cat "$dir/out" >&2; fail "suotdoi restore"; }
grep -q 'mọi tổng kiểm tra khớp' "$dir/out" || fail "the restore did not say it checked"
holds "$dir/restored.db" 4242 || fail "the backup lacks the figure written before it"
holds "$dir/restored.db" 5353 && fail "the backup holds a figure written after it"
"$bin" migrate --db "$dir/restored.db" >/dev/null || fail "the restored file does not open"
holds "$dir/live.db" 5353 || fail "the live file lost its last figure"
diff -r "$dir/live.db.contest" "$dir/restored.db.contest" || fail "the contest files differ"
# a restore onto an existing database is refused, the file untouched
sum_live=$(sha256sum "$dir/live.db")
if "$bin" restore --from "$dir/backup" --db "$dir/live.db" --files "$dir/other" \
  >"$dir/out" 2>&1; then
  fail "a restore onto an existing database was accepted"
fi
grep -q 'không bao giờ ghi đè' "$dir/out" || { cat "$dir/out" >&2; fail "no reason given"; }
[ "$(sha256sum "$dir/live.db")" = "$sum_live" ] || fail "a refused restore changed the database"
[ ! -e "$dir/other.contest" ] || fail "a refused restore wrote files"
# a backup one byte of which changed is refused, naming the file; nothing written
f=$(find "$dir/backup/files/contest" -type f | head -1)
printf 'X' | dd of="$f" bs=1 seek=100 conv=notrunc status=none
if "$bin" restore --from "$dir/backup" --db "$dir/tampered.db" >"$dir/out" 2>&1; then
  fail "a restore of a changed backup was accepted"
fi
grep -q "files/contest/$(basename "$f")" "$dir/out" || { cat "$dir/out" >&2; fail "the changed file is not named"; }
[ ! -e "$dir/tampered.db" ] && [ ! -e "$dir/tampered.db.contest" ] ||
  fail "a refused restore wrote something"

# ---- 2. PostgreSQL: base backup + archived WAL
say "PostgreSQL: pg_basebackup, WAL archive, recovery"
mkdir -p "$dir/archive"
[ ${#as[@]} -eq 0 ] || chown postgres: "$dir/archive"
primary=$dir/primary
clusters+=("$primary")
"${as[@]}" "$pgbin/initdb" -D "$primary" -U suotdoi --auth=trust --encoding=UTF8 --locale=C \
  >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; fail "initdb"; }
{
  echo "listen_addresses = ''"
  echo "unix_socket_directories = '$dir'"
  echo "wal_level = replica"
  echo "archive_mode = on"
  # as docs/operations.md: copied under a temporary name, flushed, then renamed, so the archive
  # never holds a partial segment (a plain cp cut short by a stop left one: recovery then
  # refused it with "has wrong size")
  echo "archive_command = 'test ! -f $dir/archive/%f && cp %p $dir/archive/%f.part && sync $dir/archive/%f.part && mv $dir/archive/%f.part $dir/archive/%f'"
} >>"$primary/postgresql.conf"
"${as[@]}" "$pgbin/pg_ctl" -D "$primary" -l "$dir/primary.log" -w -t 60 start >/dev/null ||
  { cat "$dir/primary.log" >&2; fail "the primary did not start"; }
admin="postgresql:///postgres?host=$dir&user=suotdoi"
uri="postgresql:///suotdoi?host=$dir&user=suotdoi"
psql "$admin" -qc "CREATE DATABASE suotdoi TEMPLATE template0 ENCODING 'UTF8'"
"$bin" migrate --from "sqlite:$dir/live.db" --to "$uri" >/dev/null || fail "suotdoi migrate"
write "$uri" 6161
"${as[@]}" "$pgbin/pg_basebackup" -h "$dir" -U suotdoi -D "$dir/base" -X stream -c fast \
  >"$dir/basebackup.log" 2>&1 || { cat "$dir/basebackup.log" >&2; fail "pg_basebackup"; }
write "$uri" 7272 # after the base backup: only in the WAL
# the segment holding it goes to the archive
seg=$(psql "$admin" -Atc "SELECT pg_walfile_name(pg_current_wal_lsn())")
psql "$admin" -qAtc "SELECT pg_switch_wal()" >/dev/null
# archived = the archiver says so (its command returned 0), not merely a file by that name
archived() {
  [ "$(psql "$admin" -Atc "SELECT coalesce(last_archived_wal >= '$seg', false) FROM pg_stat_archiver")" = t ] &&
    [ -f "$dir/archive/$seg" ]
}
for _ in $(seq 300); do
  archived && break
  sleep 0.1
done
archived || fail "WAL segment $seg was not archived"
[ "$(stat -c %s "$dir/archive/$seg")" = "$(psql "$admin" -Atc "SELECT setting FROM pg_settings WHERE name = 'wal_segment_size'")" ] ||
  fail "the archived segment $seg is not whole"
# the primary is lost
"${as[@]}" "$pgbin/pg_ctl" -D "$primary" -m immediate -w stop >/dev/null
rm -rf "$primary"
# restore: the base backup, the archive's WAL replayed to its end, then open for writes
restored=$dir/restored
clusters+=("$restored")
cp -a "$dir/base" "$restored"
echo "restore_command = 'cp $dir/archive/%f %p'" >>"$restored/postgresql.conf"
touch "$restored/recovery.signal"
[ ${#as[@]} -eq 0 ] || chown -R postgres: "$restored"
"${as[@]}" "$pgbin/pg_ctl" -D "$restored" -l "$dir/restored.log" -w -t 120 start >/dev/null ||
  { cat "$dir/restored.log" >&2; fail "the restored cluster did not start"; }
for _ in $(seq 600); do
  [ "$(psql "$admin" -Atc 'SELECT pg_is_in_recovery()' 2>/dev/null)" = f ] && break
  sleep 0.1
done
[ "$(psql "$admin" -Atc 'SELECT pg_is_in_recovery()')" = f ] || fail "recovery did not end"
holds "$uri" 7272 || fail "the restored cluster lacks the figure written after the base backup"
write "$uri" 8383 # and it takes writes
holds "$uri" 8383 || fail "the restored cluster lost a new write"

# ---- 3. PostgreSQL: suotdoi backup (pg_dump) and suotdoi restore into a fresh database
say "PostgreSQL: suotdoi backup --to, suotdoi restore"
cp -r "$dir/live.db.contest" "$dir/pgfiles.contest" # the deployment's shared files
"$bin" backup --db "$uri" --files "$dir/pgfiles" --to "$dir/pgbackup" >"$dir/out" 2>&1 ||
  { cat "$dir/out" >&2; fail "suotdoi backup of PostgreSQL"; }
[ -f "$dir/pgbackup/pg/toc.dat" ] || fail "no pg_dump directory in the backup"
grep -q '^db postgresql$' "$dir/pgbackup/MANIFEST" || fail "the manifest does not say postgresql"
uri2="postgresql:///suotdoi_restored?host=$dir&user=suotdoi"
psql "$admin" -qc "CREATE DATABASE suotdoi_restored TEMPLATE template0 ENCODING 'UTF8'"
"$bin" restore --from "$dir/pgbackup" --db "$uri2" --files "$dir/pgrestored" >"$dir/out" 2>&1 ||
  { cat "$dir/out" >&2; fail "suotdoi restore into PostgreSQL"; }
holds "$uri2" 8383 || fail "the PostgreSQL restore lacks the last figure"
diff -r "$dir/pgfiles.contest" "$dir/pgrestored.contest" || fail "the contest files differ"
[ "$(psql "$uri" -Atc 'SELECT count(*) FROM report_values')" = \
  "$(psql "$uri2" -Atc 'SELECT count(*) FROM report_values')" ] || fail "report_values differ"
write "$uri2" 9494 # the restored database takes writes (its sequences restored too)
holds "$uri2" 9494 || fail "the PostgreSQL restore lost a new write"
# a second restore into it (no longer empty) is refused
if "$bin" restore --from "$dir/pgbackup" --db "$uri2" --files "$dir/pgrestored2" \
  >"$dir/out" 2>&1; then
  fail "a restore into a non-empty PostgreSQL database was accepted"
fi
grep -q 'không trống' "$dir/out" || { cat "$dir/out" >&2; fail "no reason given"; }
# and a PostgreSQL backup is not restored into a SQLite file
if "$bin" restore --from "$dir/pgbackup" --db "$dir/frompg.db" >"$dir/out" 2>&1; then
  fail "a PostgreSQL backup was restored into SQLite"
fi
[ ! -e "$dir/frompg.db" ] || fail "a refused restore made a file"
say "ok"
