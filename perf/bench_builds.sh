#!/usr/bin/env bash
# End-to-end benchmark of several builds of the driver side by side: the same inference on the default dataset
# (N=1024, L=120, 60000 Fashion-MNIST images; scripts/dataset.sh) with each build, runs interleaved by rounds
# (build 1, build 2, ..., build 1, ...) so that the machine's noise hits all of them alike, each run checked
# against the truth. Prints median / min / max inference seconds and each build's speed-up over the first one,
# and writes them as CSV. For example the default build against a -march=native one, or a commit against an
# older one (build the other checkout by hand, then pass its build directory).
#
# Usage: perf/bench_builds.sh [--threads T] [--runs K] [--num-images M] [--csv FILE]
#                             LABEL=BUILD_DIR LABEL=BUILD_DIR... [-- extra 'sdnn infer' options]
#   BUILD_DIR     a build tree holding drivers/sdnn
# Environment: SDNN_DATA_DIR
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
threads=2 runs=3 images=60000
csv="$root/build/perf-builds.csv"
labels=() builds=() extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --num-images) images="$2"; shift 2 ;;
    --csv) csv="$2"; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *=*) labels+=("${1%%=*}"); builds+=("${1#*=}"); shift ;;
    *) echo "bench_builds.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ ${#labels[@]} -ge 1 ]] || { echo "bench_builds.sh: give at least one LABEL=BUILD_DIR (see --help)" >&2; exit 2; }
for b in "${builds[@]}"; do
  [[ -x "$b/drivers/sdnn" ]] || { echo "bench_builds.sh: $b/drivers/sdnn not found" >&2; exit 2; }
done

export OMP_PROC_BIND="${OMP_PROC_BIND:-spread}" OMP_PLACES="${OMP_PLACES:-threads}"
data="$(SDNN_THREADS="$threads" "$root/scripts/dataset.sh" "${builds[0]}/drivers/sdnn" 1024 120 "$images")"
source "$root/perf/bench_common.sh"
bench_total=$((runs * ${#labels[@]}))
bench_baseline="${labels[0]}"

# Builds of commits older than `sdnn infer --report` are read from their printed report.
formats=()
for ((k = 0; k < ${#labels[@]}; ++k)); do
  echo "[bench] ${labels[k]}: ${builds[k]} ($("${builds[k]}/drivers/sdnn" --version | sed -n '1p'))" >&2
  formats[k]=--text
  if "${builds[k]}/drivers/sdnn" infer --help 2>/dev/null | grep -q -- '--report'; then formats[k]=""; fi
done
for ((r = 1; r <= runs; ++r)); do
  for ((k = 0; k < ${#labels[@]}; ++k)); do
    # shellcheck disable=SC2086 # --text or nothing
    bench_run ${formats[k]} "${labels[k]}" "${builds[k]}/drivers/sdnn" infer --dataset "$data" --neurons 1024 --layers 120 \
      --threads "$threads" --quiet "${extra[@]}"
  done
done
bench_summary "$csv" "${labels[@]}"
echo "$threads threads, dataset $data" >&2
