#!/usr/bin/env bash
# The straggler benchmark: the case data-then-model exists for. The default dataset (N=1024, L=120, 60000
# Fashion-MNIST images) with its images reordered by `sdnn generate --order survivors-last`: the images that
# survive every layer come after all the others, so in the data mode the last threads' parts keep all the work.
# Every mode runs on it at each thread count (data, data with stride hashing, manager-worker, work-stealing, model,
# data-then-model with each recruitment strategy), each run checked against the truth, the runs interleaved (all
# labels, then all again, ...). Prints the medians and writes a CSV (imbalance and recruitments included) and a
# gnuplot PNG beside it.
#
# Usage: perf/bench_straggler.sh [--threads "2 4"] [--runs K] [--num-images M] [--mpi] [--csv FILE]
#   --mpi   also 2 ranks x 2 threads (mpirun; the rows dealt in blocks, so rank 1 holds the survivors)
# Environment: SDNN_BUILD (a build directory; default: scripts/build.sh openmp), SDNN_DATA_DIR
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
thread_counts="2 4" runs=3 images=60000 mpi=0
csv="$root/build/perf-straggler.csv"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --threads) thread_counts="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --num-images) images="$2"; shift 2 ;;
    --mpi) mpi=1; shift ;;
    --csv) csv="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench_straggler.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

build="${SDNN_BUILD:-$("$root/scripts/build.sh" openmp)}"
sdnn="$build/drivers/sdnn"
export OMP_PROC_BIND="${OMP_PROC_BIND:-spread}" OMP_PLACES="${OMP_PLACES:-threads}"
data="$("$root/scripts/dataset.sh" "$sdnn" 1024 120 "$images" survivors-last)"
source "$root/perf/bench_common.sh"
recruits="$(mktemp)"
trap 'rm -f "$bench_results" "$bench_report" "$recruits"' EXIT

variants=("data" "data --hash stride" "manager-worker" "work-stealing" "model"
  "data-then-model --recruit earliest-first" "data-then-model --recruit slower-first"
  "data-then-model --recruit faster-first")
label_of() { # THREADS VARIANT -> t2/dtm-slower-first
  local v="${2/data-then-model --recruit /dtm-}"
  echo "t$1/${v/ --hash stride/+hash}"
}

# run THREADS VARIANT [launcher...]: one checked inference; its recruitment figures go to $recruits.
run() {
  local threads="$1" variant="$2" label
  shift 2
  label="$(label_of "$threads" "$variant")"
  [[ $# -eq 0 ]] || label="2x$label"
  # shellcheck disable=SC2086 # the variant is a mode and its options
  bench_run "$label" "$@" "$sdnn" infer --dataset "$data" --neurons 1024 --layers 120 --threads "$threads" \
    --mode $variant --quiet
  python3 -c '
import json, sys
w = json.load(open(sys.argv[1])).get("work", {})
print(sys.argv[2], w.get("recruitments", 0), w.get("first_recruiting_part", -1),
      "/".join(str(h) for h in w.get("recruited_helpers", [])) or "-", w.get("split_tile_layers", 0))
' "$bench_report" "$label" >>"$recruits"
}

labels=()
for threads in $thread_counts; do
  for variant in "${variants[@]}"; do labels+=("$(label_of "$threads" "$variant")"); done
done
mpirun=(env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_PROC_BIND=false OMP_WAIT_POLICY=passive
  mpirun --oversubscribe --bind-to none -np 2)
if ((mpi)); then
  for variant in "${variants[@]}"; do labels+=("2x$(label_of 2 "$variant")"); done
fi
bench_total=$((runs * ${#labels[@]}))
git_hash="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "[bench] sdnn $git_hash, dataset $data (survivors last), threads $thread_counts, $runs runs each" >&2
for ((r = 1; r <= runs; ++r)); do
  for threads in $thread_counts; do
    for variant in "${variants[@]}"; do run "$threads" "$variant"; done
  done
  if ((mpi)); then
    for variant in "${variants[@]}"; do run 2 "$variant" "${mpirun[@]}"; done
  fi
done

bench_summary "$csv.times" "${labels[@]}" >/dev/null
# The table: the summary's columns, each label's speed-up over the data mode at its thread count, and what the
# recruitment did (median recruitments; the first recruiting part and the helpers per part of the median run).
python3 - "$csv.times" "$recruits" "$csv" <<'PY'
import csv, statistics, sys
times, recruits, out = sys.argv[1:]
rows = list(csv.DictReader(open(times)))
seen = {}
for line in open(recruits):
    label, count, first, helpers, split = line.split()
    seen.setdefault(label, []).append((int(count), first, helpers, int(split)))
data_s = {r["label"].split("/")[0]: float(r["median_s"]) for r in rows if r["label"].endswith("/data")}  # per thread count
header = ["label", "runs", "median_s", "min_s", "max_s", "median_imbalance", "speedup_vs_data", "recruitments",
          "first_recruiting_part", "helpers_per_part", "split_tile_layers"]
lines = [header]
print(f"\n{'label':28} {'runs':>4} {'median s':>9} {'min s':>8} {'max s':>8} {'imbal.':>7} {'x data':>7}"
      f" {'recruit.':>8} {'first':>5} {'helpers/part':>12} {'split steps':>11}")
for r in rows:
    label = r["label"]
    s = seen[label]
    s_sorted = sorted(s, key=lambda x: x[0])
    mid = s_sorted[len(s_sorted) // 2]
    speedup = data_s[label.split("/")[0]] / float(r["median_s"])
    fields = [label, r["runs"], r["median_s"], r["min_s"], r["max_s"], r["median_imbalance"], f"{speedup:.2f}",
              int(statistics.median(x[0] for x in s)), mid[1], mid[2], int(statistics.median(x[3] for x in s))]
    lines.append(fields)
    print(f"{label:28} {r['runs']:>4} {float(r['median_s']):9.3f} {float(r['min_s']):8.3f} {float(r['max_s']):8.3f}"
          f" {float(r['median_imbalance']):7.3f} {speedup:7.2f} {fields[7]:8d} {mid[1]:>5} {mid[2]:>12} {fields[10]:11d}")
with open(out, "w", newline="") as f:
    csv.writer(f).writerows(lines)
print(f"CSV: {out}")
PY
rm -f "$csv.times"
if command -v gnuplot >/dev/null; then
  gnuplot <<GNUPLOT
set terminal pngcairo size 1100,460 noenhanced
set output "${csv%.csv}.png"
set datafile separator ","
set title "Straggler case (survivors last), N=1024 L=120, $images images, sdnn $git_hash: median inference seconds"
set style data histograms
set style fill solid 0.8 border -1
set boxwidth 0.8
set xtics rotate by -40
set ylabel "seconds (median)"
set yrange [0:*]
set bmargin 8
set grid ytics
set key off
plot "$csv" using 3:xtic(1) skip 1
GNUPLOT
  echo "plot: ${csv%.csv}.png" >&2
fi
echo "sdnn $git_hash" >&2
