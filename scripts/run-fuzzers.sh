#!/usr/bin/env bash
# Runs the libFuzzer drivers built in BUILD_DIR (make fuzz / make fuzz-long) for SECONDS
# each, one after another (one fuzzer process at a time):
#   scripts/run-fuzzers.sh BUILD_DIR SECONDS [fuzz_name ...]   (no names: every fuzz/fuzz_*.c)
# Each driver reads its seeds (fuzz/seeds/<name>/) and its kept corpus (fuzz/corpus/<name>/,
# committed) and writes what it finds into fuzz/corpus-<name>/ (a git-ignored working
# directory); afterwards the finds that add coverage are merged into the kept corpus
# (-merge=1). Prints per driver: executions, exec/s, coverage (cov/ft), new kept corpus
# files and findings, and appends one line per driver to fuzz/results.tsv; at the end the
# table in docs/fuzzing.md is regenerated from it (scripts/fuzz-results.py). A finding is
# saved as fuzz/crash-<name>-* (git-ignored); exit status 1 then.
# FUZZ_RUNS=N (environment) also stops each driver once it has run N inputs (libFuzzer's
# -runs), whichever comes first: a driver short of a target count gets just what it lacks.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-fuzz}
secs=${2:-20}
shift $(($# < 2 ? $# : 2))
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	for src in fuzz/fuzz_*.c; do names+=("$(basename "$src" .c)"); done
fi
results=fuzz/results.tsv
[ -f "$results" ] ||
	printf 'date\tcommit\tdriver\tseconds_run\texecutions\texec_per_s\tcov\tft\tkept_corpus\tnew_kept\tfindings\n' >"$results"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
count() { find "$1" -maxdepth 1 -type f 2>/dev/null | wc -l; }
status=0
printf '%-24s %12s %8s %7s %7s %7s %5s %s\n' driver executions exec/s cov ft corpus new findings
for name in "${names[@]}"; do
	bin="$dir/$name"
	if [ ! -x "$bin" ]; then
		echo "!! $name: no $bin (make fuzz-build)"
		status=1
		continue
	fi
	work="fuzz/corpus-$name"
	kept="fuzz/corpus/$name"
	log="fuzz/corpus-$name.log"
	mkdir -p "$work" "$kept"
	inputs=("$work" "$kept")
	[ -d "fuzz/seeds/$name" ] && inputs+=("fuzz/seeds/$name")
	findings=0
	stamp=$(mktemp)
	runs=()
	[ -z "${FUZZ_RUNS:-}" ] || runs=(-runs="$FUZZ_RUNS")
	started=$(date +%s)
	if ! "$bin" -max_total_time="$secs" "${runs[@]}" -max_len=65536 -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="fuzz/crash-$name-" \
		"${inputs[@]}" >"$log" 2>&1; then
		findings=$(find fuzz -maxdepth 1 -name "crash-$name-*" -newer "$stamp" | wc -l)
		[ "$findings" -gt 0 ] || findings=1
		status=1
	fi
	rm -f "$stamp"
	# the seconds it really ran (less than asked when it stopped at a finding, at FUZZ_RUNS
	# or at SIGUSR1, libFuzzer's graceful stop, which prints no "Done" line)
	ran=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
	[ -n "$ran" ] || ran=$(($(date +%s) - started))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1 | cut -d' ' -f2)
	ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -n 1 | cut -d' ' -f2)
	before=$(count "$kept")
	if [ "$findings" -eq 0 ]; then
		"$bin" -merge=1 -max_len=65536 -timeout=10 -rss_limit_mb=2048 "$kept" "$work" \
			>"$work.merge.log" 2>&1 || echo "!! $name: merging into $kept failed ($work.merge.log)"
	fi
	after=$(count "$kept")
	# recorded before anything is printed: a reader that went away (SIGPIPE) must not
	# lose the run's line
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" \
		"$commit" "$name" "$ran" "${execs:-0}" "${rate:-0}" "${cov:-0}" "${ft:-0}" "$after" \
		"$((after - before))" "$findings" >>"$results"
	printf '%-24s %12s %8s %7s %7s %7s %5s %s\n' "$name" "${execs:-?}" "${rate:-?}" \
		"${cov:-?}" "${ft:-?}" "$after" "$((after - before))" "$findings"
	[ "$findings" -eq 0 ] || echo "!! $name found a problem: see $log and fuzz/crash-$name-*"
done
python3 scripts/fuzz-results.py || echo "!! docs/fuzzing.md not regenerated (scripts/fuzz-results.py)"
exit $status
