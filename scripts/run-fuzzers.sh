#!/usr/bin/env bash
# Runs every libFuzzer driver in BUILD_DIR for SECONDS each, with a corpus kept under
# fuzz/corpus-<name>/ (git-ignored) seeded from fuzz/seeds/<name>/ when present.
set -euo pipefail
dir=${1:-build-fuzz}
secs=${2:-20}
status=0
for bin in "$dir"/fuzz_*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin")
  corpus="fuzz/corpus-$name"
  mkdir -p "$corpus"
  seeds=()
  [ -d "fuzz/seeds/$name" ] && seeds=("fuzz/seeds/$name")
  echo "== $name (${secs}s)"
  if ! "$bin" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="fuzz/crash-$name-" "$corpus" "${seeds[@]}" 2>"fuzz/corpus-$name.log"; then
    echo "!! $name found a problem; see fuzz/corpus-$name.log and fuzz/crash-$name-*"
    status=1
  else
    tail -n 1 "fuzz/corpus-$name.log"
  fi
done
exit $status
