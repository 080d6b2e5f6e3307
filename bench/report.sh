#!/usr/bin/env bash
# Turns the key<TAB>value lines of one bench run into the table make bench prints and
# docs/perf.md. Usage: bench/report.sh RESULTS.tsv OUT.md [SECTION.md...]: the sections
# (tables a benchmark wrote, e.g. bench_weight's) go after the notes, before the raw figures.
set -euo pipefail
tsv=$1
out=$2
shift 2
sections=("$@")

v() { # the value of a key, or empty
  awk -F'\t' -v k="$1" '$1==k{print $2; exit}' "$tsv"
}
need() {
  local x
  x=$(v "$1")
  [ -n "$x" ] || { echo "bench: no figure $1 in $tsv" >&2; exit 1; }
  printf '%s' "$x"
}
calc() { awk "BEGIN{printf \"$1\", $2}"; }
# a figure that may be missing (its benchmark did not run): the value, or empty
opt() { v "$1"; }

rows=()
row() { rows+=("| $1 | $2 | $3 | $4 | $5 | $6 |"); }
# ratio_row label ours baseline ratio-expression target-min unit-format
yes_no() { awk "BEGIN{print ($1) ? \"yes\" : \"**no**\"}"; }

for l in VN 01 018; do
  case $l in VN) name="nation (VN)" ;; 01) name="province (01 Hà Nội)" ;; *) name="district (018 Gia Lâm)" ;; esac
  ours=$(need "rollup.$l.p50_ms")
  pg=$(need "pg.$l.p50_ms")
  r=$(calc "%.0f" "$pg / $ours")
  row "roll-up $name, p50 (figures changed before each read; p99 $(need "rollup.$l.p99_ms") ms)" \
    "$ours ms" "PostgreSQL $pg ms" "${r}×" "≥ 100×" "$(yes_no "$pg / $ours >= 100")"
done
for l in VN 01 018; do
  ours=$(need "rollup.$l.kept_p50_ms")
  pg=$(need "pg.$l.p50_ms")
  row "… same, unchanged since the last read (kept dashboard), $l" "$ours ms" "$pg ms" \
    "$(calc "%.0f" "$pg / $ours")×" "" ""
done
for l in VN 01 018; do
  ours=$(need "rollup.$l.p50_ms")
  tc=$(opt "pg.tc.$l.p50_ms")
  [ -n "$tc" ] || continue
  row "dashboard content (the unit's totals + each child's) $l, p50: ours fresh (figures changed before each read) vs PostgreSQL from maintained subtree_totals ($(need "pg.tc.$l.rows") rows; DFS-interval range scan of the totals alone: $(need "pg.interval.$l.p50_ms") ms)" \
    "$ours ms" "PostgreSQL $tc ms" "$(calc "%.1f" "$tc / $ours")×" "≥ 5×" "$(yes_no "$tc / $ours >= 5")"
done
mw=$(opt pg.maint.without_mean_ms)
if [ -n "$mw" ]; then
  mm=$(need pg.maint.with_mean_ms)
  row "… what maintained totals cost PostgreSQL per durable submission (mean of $(need pg.maint.n) each; p50 $(need pg.maint.without_p50_ms) -> $(need pg.maint.with_p50_ms) ms; one plpgsql call, fsync on; building them from scratch: $(need pg.totals_build_s) s)" \
    "" "$mw -> $mm ms" "+$(calc "%.0f" "($mm - $mw) / $mw * 100") %" "" ""
fi
row "… protocol floor: the smallest answer, one round trip (suotdoi /healthz; PostgreSQL SELECT 1)" \
  "$(need http.healthz.p50_ms) ms" "$(need pg.select1.p50_ms) ms" "" "" ""
for k in html json; do
  ours=$(need "http.$k.rps")
  ng=$(need "nginx.$k.rps")
  row "dashboards $(echo $k | tr a-z A-Z) under wrk, req/s: $(($(need dash.urls) / 2)) URLs (every province, every 8th district; mean $(need "http.$k.bytes") bytes) picked at random, $(need dash.writes) background submissions during suotdoi's runs ($(need dash.write_failures) failed); p99 $(need "http.$k.p99_ms") / $(need "nginx.$k.p99_ms") ms" \
    "$(calc "%.0f" "$ours")" "nginx $(calc "%.0f" "$ng")" "$(calc "%.2f" "$ours / $ng")×" "≥ 0.5×" \
    "$(yes_no "$ours / $ng >= 0.5")"
done
gz=$(need http.html_gz.rps)
id=$(need http.html.rps)
row "… the same HTML gzipped, as browsers ask (Accept-Encoding: gzip; mean $(need http.html_gz.bytes) bytes on the wire; cached fragments copied compressed, the rest deflated at level 3); p99 $(need http.html_gz.p99_ms) ms" \
  "$(calc "%.0f" "$gz")" "identity $(calc "%.0f" "$id")" "$(calc "%.2f" "$gz / $id")×" "" ""
s1=$(need submit.http_1.per_s)
sk=$(need submit.http_K.per_s)
raw=$(need submit.raw.per_s)
best=$(awk "BEGIN{print ($sk > $s1) ? $sk : $s1}")
row "durable submissions/s through the API (1 connection: $s1; $(need submit.http_K.conns) connections: $sk)" \
  "$(calc "%.0f" "$best")" "raw SQLite $(calc "%.0f" "$raw")" "$(calc "%.2f" "$best / $raw")×" "≥ 0.5×" \
  "$(yes_no "$best / $raw >= 0.5")"
# ---- the deadline burst (bench_burst)
conns=$(opt burst.conns)
if [ -n "$conns" ]; then
  IFS=, read -r -a ks <<<"$conns"
  kmax=${ks[${#ks[@]}-1]}
  rates="" growing=1 prev=0 failed=0 rfailed=0 checks=1
  for k in "${ks[@]}"; do
    r=$(need "burst.$k.pairs_per_s")
    rates="$rates${rates:+, }$k: $(calc "%.0f" "$r")"
    growing=$(awk "BEGIN{print ($growing && $r > $prev) ? 1 : 0}")
    prev=$r
    failed=$((failed + $(need "burst.$k.failed_writes")))
    rfailed=$((rfailed + $(need "burst.$k.failed_reads")))
    checks=$((checks && $(need "burst.$k.check_ok")))
  done
  top=$(need "burst.$kmax.pairs_per_s")
  raw=$(need submit.raw.per_s)
  row "deadline burst: save+submit pairs/s, $kmax writer connections (each school its own account and token) + $(need "burst.$kmax.readers") dashboard readers; by connections: $rates" \
    "$(calc "%.0f" "$top")" "" "" "≥ 1500, growing with connections" \
    "$(yes_no "$top >= 1500 && $growing")"
  row "… the same pairs/s against raw SQLite, one commit per submission (bench_submit's baseline: the same rows, same pragmas)" \
    "$(calc "%.0f" "$top")" "raw SQLite $(calc "%.0f" "$raw")/s" "$(calc "%.2f" "$top / $raw")×" "≥ 2×" \
    "$(yes_no "$top / $raw >= 2")"
  row "… save p50 / p99, submit p50 / p99 during the burst ($kmax writers)" \
    "$(need "burst.$kmax.save_p50_ms") / $(need "burst.$kmax.save_p99_ms") ms; $(need "burst.$kmax.submit_p50_ms") / $(need "burst.$kmax.submit_p99_ms") ms" "" "" "" ""
  d99=$(need "burst.$kmax.dash_p99_ms")
  row "… province and district dashboards (HTML and JSON, $(need "burst.$kmax.urls") URLs, $(need "burst.$kmax.dash_n") reads) during the burst, p99 (p50 $(need "burst.$kmax.dash_p50_ms") ms)" \
    "$d99 ms" "" "" "≤ 10 ms" "$(yes_no "$d99 <= 10")"
  vis=$(need "burst.$kmax.visible_max_ms")
  vn=$(need "burst.$kmax.visible_n")
  if [ "$vn" -gt 0 ]; then
    row "… from a submission's 200 to the end of the first national answer showing it, max over $vn probes (p50 $(need "burst.$kmax.visible_p50_ms") ms; $(opt "burst.$kmax.visible_first_read") shown by the first read after the 200)" \
      "$vis ms" "" "" "≤ 100 ms" "$(yes_no "$vis <= 100")"
  else
    row "… from a submission's 200 to the national totals showing it" "no probe completed" "" "" "≤ 100 ms" "**no**"
  fi
  row "… failed writes over all levels (non-2xx, transport errors, probes never seen; the file checked against the 200s: $([ "$checks" = 1 ] && echo ok || echo FAILED)); failed dashboard reads: $rfailed" \
    "$failed" "" "" "0" "$(yes_no "$failed == 0 && $checks == 1")"
else
  row "deadline burst (bench_burst)" "not measured" "" "" "≥ 1500 pairs/s" "**no**"
fi
rss=$(need rss.kb)
row "server RSS after all of the above (peak $(calc "%.0f" "$(need rss.peak_kb) / 1024") MB)" \
  "$(calc "%.0f" "$rss / 1024") MB" "" "" "≤ 100 MB" "$(yes_no "$rss / 1024 <= 100")"
c1=$(opt rss.campaigns_1_kb)
if [ -n "$c1" ]; then
  cmax=$(need rss.campaigns_max)
  c5=$(need rss.campaigns_5_kb)
  cm=$(need "rss.campaigns_${cmax}_kb")
  row "server RSS with live national campaigns loaded (each with its national dashboard asked once): 1 campaign $(calc "%.0f" "$c1 / 1024") MB; 5 campaigns" \
    "$(calc "%.0f" "$c5 / 1024") MB" "" "" "≤ 100 MB" "$(yes_no "$c5 / 1024 <= 100")"
  row "… $cmax campaigns (peak $(calc "%.0f" "$(need rss.campaigns_peak_kb) / 1024") MB)" \
    "$(calc "%.0f" "$cm / 1024") MB" "" "" "$([ "$cmax" = 10 ] && echo "≤ 150 MB" || echo "≤ 150 MB at 10")" \
    "$(yes_no "$cm / 1024 <= 150 && $cmax >= 10")"
fi
cold=$(need cold.first_rollup_ms)
row "cold start: exec to the first national roll-up answered (listening after $(need cold.listen_ms) ms)" \
  "$cold ms" "" "" "≤ 1000 ms" "$(yes_no "$cold <= 1000")"
x=$(need export.xlsx.p50_ms)
xr=$(need xlsx.raw_ms)
row "national per-unit XLSX through HTTP, p50 ($(need xlsx.rows) rows; first $(need export.xlsx.first_ms) ms)" \
  "$x ms" "raw libxlsxwriter $xr ms" "$(calc "%.2f" "$xr / $x")×" "≤ 2000 ms" "$(yes_no "$x <= 2000")"
pdf=$(need export.pdf.p50_ms)
row "district báo cáo PDF with compiled results, p50 (first $(need export.pdf.first_ms) ms)" \
  "$pdf ms" "" "" "≤ 200 ms" "$(yes_no "$pdf <= 200")"

s10=$(opt search.10x.p99_ms)
if [ -n "$s10" ]; then
  row "unit search at 10× the national units, p99 (1×: $(opt search.1x.p99_ms) ms)" \
    "$s10 ms" "" "" "≤ 5 ms" "$(yes_no "$s10 <= 5")"
else
  row "unit search at 10× the national units, p99" "not measured in this run" "" "" "≤ 5 ms" "**no**"
fi

# ---- page weight on 3G (bench_weight): the results form's budgets here, every page below
# (weight.missed comes last: a run that stopped half-way counts as not measured)
wm=$(opt weight.missed)
if [ -n "$wm" ]; then
  wf=$(need weight.report.first.bytes)
  wi=$(need weight.report.identity.bytes)
  wr=$(need weight.report.repeat.bytes)
  wp=$(need weight.report.first.fcp_ms)
  kb() { calc "%.1f KB" "$1 / 1000"; }
  row "results form on an emulated 3G link (400 kbit/s, 400 ms; headless Chromium at 360 px, medians of $(need weight.n)): bytes received on the first load, headers included, cache and cookies emptied ($(need weight.report.first.wire) requests); baseline: the same asking Accept-Encoding: identity" \
    "$(kb "$wf")" "identity $(kb "$wi")" "$(calc "%.2f" "$wf / $wi")×" "≤ 40 KB" "$(yes_no "$wf <= 40000")"
  # through the service worker when the run measured it (how a phone with it visits again)
  ws=$(opt weight.report.sw_repeat.bytes)
  if [ -n "$ws" ]; then
    row "… repeat visit through the service worker, cache warm ($(need weight.report.sw_repeat.wire) request on the wire; bypassing the worker $(kb "$wr"))" \
      "$(kb "$ws")" "" "" "≤ 10 KB" "$(yes_no "$ws <= 10000")"
  else
    row "… repeat visit, cache warm ($(need weight.report.repeat.wire) request on the wire)" \
      "$(kb "$wr")" "" "" "≤ 10 KB" "$(yes_no "$wr <= 10000")"
  fi
  row "… first contentful paint on the first load (load event at $(need weight.report.first.load_ms) ms)" \
    "$wp ms" "" "" "≤ 2000 ms" "$(yes_no "$wp > 0 && $wp <= 2000")"
  row "… the three budgets over the $(need weight.pages) main pages (table below; heaviest first load: $(need weight.heaviest))" \
    "$wm missed" "" "" "0 missed" "$(yes_no "$wm == 0")"
else
  row "page weight and first render on 3G (bench_weight)" "not measured in this run" "" "" \
    "≤ 40 KB, ≤ 10 KB, ≤ 2 s" "**no**"
fi

# ---- the two backends: suotdoi on its SQLite file and on PostgreSQL (the same copy, moved
# by suotdoi migrate), the same client and figures
brows=()
brow() { # label sqlite-key pg-key unit
  local a b
  a=$(opt "$2")
  b=$(opt "pgstore.$3")
  [ -n "$a" ] && [ -n "$b" ] || return 0
  brows+=("| $1 | $a $4 | $b $4 | $(calc "%.2f" "$b / $a")× |")
}
if [ -n "$(opt pgstore.rollup.VN.p50_ms)" ]; then
  for l in VN 01 018; do
    brow "roll-up $l through HTTP, p50, figures changed before each read" "rollup.$l.p50_ms" "rollup.$l.p50_ms" ms
    brow "… unchanged since the last read (kept dashboard), p50" "rollup.$l.kept_p50_ms" "rollup.$l.kept_p50_ms" ms
  done
  brow "cold start: exec to the first national roll-up answered" cold.first_rollup_ms cold.first_rollup_ms ms
  brow "national per-unit XLSX, p50" export.xlsx.p50_ms export.xlsx.p50_ms ms
  brow "district báo cáo PDF, p50" export.pdf.p50_ms export.pdf.p50_ms ms
  brow "durable submissions/s through the API, 1 connection" submit.http_1.per_s submit.http_1.per_s /s
  brow "… p50 latency, 1 connection" submit.http_1.p50_ms submit.http_1.p50_ms ms
  brow "… p99 latency, 1 connection" submit.http_1.p99_ms submit.http_1.p99_ms ms
  brow "durable submissions/s through the API, $(opt submit.http_K.conns) connections" submit.http_K.per_s submit.http_K.per_s /s
  brow "… p50 latency, $(opt submit.http_K.conns) connections" submit.http_K.p50_ms submit.http_K.p50_ms ms
fi
backends=""
if [ ${#brows[@]} -gt 0 ]; then
  backends=$(
    echo "## The two backends side by side"
    echo
    echo "The same national copy served by \`suotdoi serve\` from its SQLite file and from PostgreSQL"
    echo "$(opt pgstore.version) (fsync and full page writes on, default settings otherwise, on the same"
    echo "disk), moved there by \`suotdoi migrate\` in $(opt pgstore.migrate_s) s (COPY, then every table's count and"
    echo "checksum compared); the same client and measurements as the table above. PostgreSQL's totals"
    echo "were checked by the same SQL on its side ($(opt pgstore.rollup.check)). The deadline burst does not run on"
    echo "PostgreSQL yet."
    echo
    echo "| figure | SQLite | PostgreSQL | PostgreSQL / SQLite |"
    echo "| --- | --- | --- | --- |"
    printf '%s\n' "${brows[@]}"
  )
  echo
  echo "$backends"
fi

table=$(
  echo "| figure | suotdoi | baseline | ratio | target | met |"
  echo "| --- | --- | --- | --- | --- | --- |"
  printf '%s\n' "${rows[@]}"
)
echo
echo "$table"
echo

{
  echo "# Performance"
  echo
  echo "Generated by \`make bench\` on $(date -u +%Y-%m-%d) (the run took $(opt bench.total_s) s): $(v machine.cores) cores, $(v machine.cpu),"
  echo "$(v machine.ram_gib) GiB RAM, $(v machine.kernel), $(v machine.fs) file system. Every figure"
  echo "below comes from that one run, suotdoi and its baselines side by side on the same machine;"
  echo "absolute times on a shared machine are noise, the ratios are what to compare."
  echo
  echo "National dataset (\`suotdoi gen\`): $(v dataset.units) units, $(v dataset.reports) reports,"
  echo "$(v dataset.values) values over $(v dataset.items) items. PostgreSQL $(v pg.version) loaded the same rows"
  echo "with COPY in $(v pg.load_s) s ($(v pg.settings)); its totals equal SQLite's"
  echo "($(v pg.check)), and suotdoi's equal the SQL over its own file ($(v rollup.check))."
  echo
  echo "$table"
  echo
  if [ -n "$backends" ]; then
    echo "$backends"
    echo
  fi
  cat "$(dirname "$0")/perf-notes.md"
  for f in "${sections[@]}"; do
    echo
    cat "$f"
  done
  echo
  echo "## Raw figures of this run"
  echo
  echo '```'
  cat "$tsv"
  echo '```'
} >"$out"
echo "Wrote $out"
