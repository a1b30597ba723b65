#!/usr/bin/env bash
# ctest <backend>.bench_challenge: perf/bench_challenge.sh end to end on a tiny configuration (N=1024,
# 12 layers, 300 images, two modes, 2 threads, one run) with this build directory, so nothing is rebuilt:
# the CSV has the header and one row per configuration (the two modes, plus the GraphBLAS peer when it
# is built), every check PASSED, and both plots are non-empty PNG files.
#
# Usage: bench_challenge_test.sh BUILD_DIR BACKEND WORK_DIR HAS_PEAK HAS_GRAPHBLAS    (HAS_*: 1 or 0)
# WORK_DIR is deleted and recreated; the dataset, the binary cache and the output live in it.
# Exit status 77 (skipped) when sdnn_peak is not built.
set -euo pipefail
fail() { echo "bench_challenge_test: FAIL: $*" >&2; exit 1; }
[[ $# -eq 5 ]] || fail "usage: $0 BUILD_DIR BACKEND WORK_DIR HAS_PEAK HAS_GRAPHBLAS"
build=$1 backend=$2 work=$3 has_peak=$4 has_graphblas=$5
if [[ $has_peak != 1 ]]; then
  echo "bench_challenge_test: skipped: this build has no sdnn_peak"
  exit 77
fi
rm -rf "$work"
mkdir -p "$work"
peer=()
expected=("1024,12,300,sdnn,$backend,data,1,2,2," "1024,12,300,sdnn,$backend,manager-worker,1,2,2,")
if [[ $has_graphblas = 1 ]]; then
  expected+=("1024,12,300,graphblas,,,1,2,1,")
else
  peer=(--no-peer)
fi

status=0
env "SDNN_BUILD_${backend^^}=$build" SDNN_DATA_DIR="$work/data" SDNN_CACHE_DIR="$work/cache" \
  "$(dirname "$0")/bench_challenge.sh" --sizes 1024 --layers 12 --images 300 --modes "data manager-worker" \
  --backends "$backend" --threads 2 --ranks 1 --runs 2 --peer-runs 1 "${peer[@]}" --out "$work/out" >"$work/stdout" || status=$?
cat "$work/stdout"
((status == 0)) || fail "bench_challenge.sh exited with status $status"

csv="$work/out/challenge.csv"
[[ -f "$csv" ]] || fail "no $csv"
header="size,layers,images,engine,backend,mode,ranks,threads,runs,median_s,min_s,max_s,median_rate,min_rate,max_rate"
header+=",io_s,peak_mib,useful_macs,median_mac_rate,peak_macs,peak_fraction,vs_graphblas,dense_mac_rate"
header+=",dense_peak_fraction,dense_median_rate,dense_median_peak_fraction,check"
[[ "$(head -1 "$csv")" = "$header" ]] || fail "CSV header is '$(head -1 "$csv")', expected '$header'"
rows=$(($(wc -l <"$csv") - 1))
((rows == ${#expected[@]})) || fail "$rows CSV rows, expected ${#expected[@]}: $(cat "$csv")"
for prefix in "${expected[@]}"; do
  row="$(grep -F "$prefix" "$csv")" || fail "no CSV row starting $prefix"
  [[ $row = "$prefix"* ]] || fail "CSV row '$row' does not start with $prefix"
  fields=$(awk -F, '{print NF}' <<<"$row")
  ((fields == 27)) || fail "CSV row '$row' has $fields fields, expected 27"
  [[ $row = *,PASSED ]] || fail "CSV row '$row' does not end with PASSED"
  # median_s, median_rate, useful_macs, peak_macs are numbers; vs_graphblas is one for sdnn with a peer; the
  # dense kernel's rate and fraction for sdnn (RadiX-Net layers of 300 images go dense), none for the peer.
  awk -F, -v peer="$has_graphblas" '{
    ok = $10 > 0 && $13 > 0 && $18 > 0 && $20 > 0 && $21 > 0
    if ($4 == "sdnn" && peer == 1) ok = ok && $22 > 0
    if ($4 == "graphblas" || peer == 0) ok = ok && $22 == ""
    if ($4 == "sdnn") ok = ok && $23 > 0 && $24 > 0 && $25 > 0 && $26 > 0
    if ($4 == "graphblas") ok = ok && $23 == "" && $24 == "" && $25 == "" && $26 == ""
    exit !ok }' <<<"$row" || fail "CSV row '$row' lacks a figure"
done
for png in rate-by-mode rate-vs-layers; do
  file="$work/out/$png.png"
  [[ -s "$file" ]] || fail "$file is missing or empty"
  [[ "$(head -c 4 "$file" | tail -c 3)" = PNG ]] || fail "$file is not a PNG file"
  [[ -s "$work/out/$png.gp" ]] || fail "no gnuplot script $work/out/$png.gp"
done
for dat in rate-by-mode-n1024 rate-vs-layers-n1024 active-rows-n1024; do
  [[ -s "$work/out/$dat.dat" ]] || fail "no data file $work/out/$dat.dat"
done
# The layer prefixes 10 and 12, and the 12 layers of the per-layer report.
[[ "$(grep -vc '^#' "$work/out/rate-vs-layers-n1024.dat")" = 2 ]] || fail "rate-vs-layers-n1024.dat: not 2 prefixes"
[[ "$(grep -vc '^#' "$work/out/active-rows-n1024.dat")" = 12 ]] || fail "active-rows-n1024.dat: not 12 layers"
grep -q "^N=1024, 2 threads: best sdnn $backend " "$work/stdout" || fail "no 'best sdnn' line in the output"
echo "bench_challenge_test: PASSED"
