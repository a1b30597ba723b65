#!/usr/bin/env bash
# End-to-end benchmark of the MPI distribution on the generated N=1024, L=120 Fashion-MNIST dataset
# (scripts/dataset.sh), every run checked against the truth, runs interleaved so that the machine's
# noise hits every configuration alike:
#   1. every mode on 1 rank x T threads against P ranks x T/P threads (default 1x2 against 2x1);
#   2. a skewed input (rows reordered so that the rows that survive all layers come first, hence sit
#      in the first block) on P ranks with the block partition, without and with rebalancing, and
#      with the hashed partition for comparison.
# Prints the table (median / min / max inference seconds, median rate, imbalance across ranks
# (compute seconds max/mean) or threads, rows moved) and writes it as CSV.
#
# Usage: perf/bench_mpi.sh [--ranks P] [--threads T] [--runs K] [--modes "data model ..."]
#                          [--num-images M] [--rebalance-every K] [--skew-mode MODE] [--csv FILE]
# Environment: SDNN_BUILD (an MPI build directory; default: scripts/build.sh openmp), SDNN_DATA_DIR,
#              MPIEXEC (default mpirun)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
ranks=2 threads=2 runs=3 images=60000 every=10 skew_mode=manager-worker
modes="" # default: every mode the driver has (sdnn list modes)
csv="$root/build/perf-mpi.csv"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --ranks) ranks="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --modes) modes="$2"; shift 2 ;;
    --num-images) images="$2"; shift 2 ;;
    --rebalance-every) every="$2"; shift 2 ;;
    --skew-mode) skew_mode="$2"; shift 2 ;;
    --csv) csv="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench_mpi.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
(( threads % ranks == 0 )) || { echo "bench_mpi.sh: --threads must be a multiple of --ranks" >&2; exit 2; }

build="${SDNN_BUILD:-$("$root/scripts/build.sh" openmp)}"
sdnn="$build/drivers/sdnn"
: "${modes:=$("$sdnn" list modes 2>/dev/null | tr '\n' ' ')}"
grep -q "^Sdnn_ENABLE_MPI:BOOL=ON" "$build/CMakeCache.txt" ||
  { echo "bench_mpi.sh: $build is not an MPI build (Sdnn_ENABLE_MPI=OFF)" >&2; exit 2; }
mpiexec="${MPIEXEC:-mpirun}"
if [[ "$(id -u)" = 0 ]]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
export OMP_PROC_BIND="${OMP_PROC_BIND:-spread}" OMP_PLACES="${OMP_PLACES:-threads}"
data="$(SDNN_THREADS="$threads" "$root/scripts/dataset.sh" "$sdnn" 1024 120 "$images")"

# The skewed copy: survivors (the truth rows) renumbered 1..S in order, the other rows after them;
# the layers are shared through a symbolic link.
skewed="$data-skewed"
if [[ ! -f "$skewed/.complete" ]]; then
  echo "[bench] writing the skewed copy of the inputs to $skewed" >&2
  mkdir -p "$skewed"
  ln -sfn "$data/neuron1024" "$skewed/neuron1024"
  awk -F'\t' -v n="$images" -v truth="$skewed/neuron1024-l120-categories.tsv" '
    NR == FNR { survives[$1] = 1; s++; next }
    FNR == 1 {
      for (r = 1; r <= n; ++r) id[r] = (r in survives) ? ++a : s + (++b)
      for (r = 1; r <= s; ++r) print r > truth
    }
    { print id[$1] "\t" $2 "\t" $3 }' \
    "$data/neuron1024-l120-categories.tsv" "$data/sparse-images-1024.tsv" >"$skewed/sparse-images-1024.tsv"
  touch "$skewed/.complete"
fi

source "$root/perf/bench_common.sh"

# infer P T DATASET ARGS...: one checked inference on P ranks of T threads (each rank on T cores).
infer() {
  local p=$1 t=$2 dataset=$3
  shift 3
  "$mpiexec" -np "$p" --map-by "slot:PE=$t" --bind-to core "$sdnn" infer --dataset "$dataset" --neurons 1024 \
    --layers 120 --threads "$t" --quiet "$@"
}

per_rank=$((threads / ranks))
git_hash="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "[bench] sdnn $git_hash, dataset $data ($images images), 1x$threads against ${ranks}x$per_rank, $runs runs" >&2
labels=()
for mode in $modes; do labels+=("$mode/1x$threads" "$mode/${ranks}x$per_rank"); done
skew_labels=("skewed/$skew_mode/${ranks}x$per_rank/block" "skewed/$skew_mode/${ranks}x$per_rank/block+rebalance-every-$every"
             "skewed/$skew_mode/${ranks}x$per_rank/hashed")
for ((r = 1; r <= runs; ++r)); do
  for mode in $modes; do
    bench_run "$mode/1x$threads" infer 1 "$threads" "$data" --mode "$mode"
    bench_run "$mode/${ranks}x$per_rank" infer "$ranks" "$per_rank" "$data" --mode "$mode"
  done
  bench_run "${skew_labels[0]}" infer "$ranks" "$per_rank" "$skewed" --mode "$skew_mode" --partition block
  bench_run "${skew_labels[1]}" infer "$ranks" "$per_rank" "$skewed" --mode "$skew_mode" --partition block \
    --rebalance-every "$every"
  bench_run "${skew_labels[2]}" infer "$ranks" "$per_rank" "$skewed" --mode "$skew_mode" --partition hashed
done
bench_summary "$csv" "${labels[@]}" "${skew_labels[@]}"
echo "sdnn $git_hash; imbalance: compute seconds max/mean across ranks (threads for 1 rank)" >&2
