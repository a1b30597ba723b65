#!/usr/bin/env bash
# End-to-end benchmark of the single-node parallel modes: every mode on the generated N=1024, L=120,
# 60000-image Fashion-MNIST dataset (scripts/dataset.sh), each run checked against the truth, several runs
# per mode interleaved (mode 1, mode 2, ..., mode 1, ...) so that the machine's noise hits all modes alike.
# Prints a table (median / min / max inference seconds, median rate, median imbalance) and writes it as CSV.
#
# Usage: perf/bench_modes.sh [--threads T] [--runs K] [--modes "data model ..."] [--hash H]
#                            [--reference] [--num-images M] [--csv FILE] [-- extra 'sdnn infer' options]
#   --reference   also time the sequential reference once (≈5 min on this dataset) and print each mode's
#                 speed-up over it, measured in the same run
# Environment: SDNN_BUILD (a build directory; default: scripts/build.sh openmp), SDNN_DATA_DIR
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
threads=2 runs=3 hash=none images=60000 reference=0
modes="" # default: every mode the driver has (sdnn list modes)
csv="$root/build/perf-modes.csv"
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --modes) modes="$2"; shift 2 ;;
    --hash) hash="$2"; shift 2 ;;
    --num-images) images="$2"; shift 2 ;;
    --csv) csv="$2"; shift 2 ;;
    --reference) reference=1; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench_modes.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

build="${SDNN_BUILD:-$("$root/scripts/build.sh" openmp)}"
sdnn="$build/drivers/sdnn"
: "${modes:=$("$sdnn" list modes 2>/dev/null | tr '\n' ' ')}"
export OMP_PROC_BIND="${OMP_PROC_BIND:-spread}" OMP_PLACES="${OMP_PLACES:-threads}"
data="$(SDNN_THREADS="$threads" "$root/scripts/dataset.sh" "$sdnn" 1024 120 "$images")"
source "$root/perf/bench_common.sh"

# run MODE: one checked inference of MODE.
run() {
  bench_run "$1" "$sdnn" infer --dataset "$data" --neurons 1024 --layers 120 --threads "$threads" --mode "$1" \
    --hash "$hash" --quiet "${extra[@]}"
}

git_hash="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "[bench] sdnn $git_hash, $("$sdnn" --version | sed -n '1p'), dataset $data, $threads threads, hash $hash, $runs runs per mode" >&2
for ((r = 1; r <= runs; ++r)); do
  for mode in $modes; do run "$mode"; done
done
if [[ $reference -eq 1 ]]; then run reference; fi

bench_summary "$csv" $modes
echo "$threads threads, hash $hash, sdnn $git_hash" >&2
