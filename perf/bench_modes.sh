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
modes="data model manager-worker work-stealing data-then-model"
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
export OMP_PROC_BIND="${OMP_PROC_BIND:-spread}" OMP_PLACES="${OMP_PLACES:-threads}"
data="$(SDNN_THREADS="$threads" "$root/scripts/dataset.sh" "$sdnn" 1024 120 "$images")"
results="$(mktemp)"
trap 'rm -f "$results"' EXIT

# run MODE: one checked inference; appends "mode seconds rate imbalance" to $results.
run() {
  local mode=$1 out
  out="$("$sdnn" infer --dataset "$data" --neurons 1024 --layers 120 --threads "$threads" --mode "$mode" \
    --hash "$hash" --quiet "${extra[@]}")" || { echo "$out" >&2; echo "bench_modes.sh: $mode failed" >&2; exit 1; }
  grep -q '^check        : PASSED' <<<"$out" || { echo "$out" >&2; echo "bench_modes.sh: $mode: check did not pass" >&2; exit 1; }
  local seconds rate imbalance
  seconds=$(awk '/^inference/ {print $3}' <<<"$out")
  rate=$(awk '/^rate/ {print $3}' <<<"$out")
  imbalance=$(awk '/imbalance/ {print $NF}' <<<"$out")
  echo "$mode ${seconds} ${rate} ${imbalance:-1}" >>"$results"
  echo "[bench] $mode: ${seconds} s, rate ${rate} edges/s, imbalance ${imbalance:-n/a}" >&2
}

git_hash="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "[bench] sdnn $git_hash, $("$sdnn" --version | sed -n '1p'), dataset $data, $threads threads, hash $hash, $runs runs per mode" >&2
for ((r = 1; r <= runs; ++r)); do
  for mode in $modes; do run "$mode"; done
done
if [[ $reference -eq 1 ]]; then run reference; fi

python3 - "$results" "$csv" "$threads" "$hash" "$git_hash" "$modes" <<'PY'
import statistics, sys
path, csv, threads, hsh, git, modes = sys.argv[1:]
rows = {}
for line in open(path):
    mode, s, rate, imb = line.split()
    rows.setdefault(mode, []).append((float(s), float(rate), float(imb)))
ref = statistics.median(s for s, _, _ in rows["reference"]) if "reference" in rows else None
order = modes.split() + (["reference"] if ref else [])
header = ["mode", "runs", "median_s", "min_s", "max_s", "median_rate_edges_per_s", "median_imbalance"]
if ref:
    header.append("speedup_vs_reference")
lines = [",".join(header)]
print(f"\n{'mode':17} {'runs':>4} {'median s':>9} {'min s':>8} {'max s':>8} {'rate (edges/s)':>15} {'imbalance':>9}"
      + (f" {'x reference':>11}" if ref else ""))
for mode in order:
    r = rows[mode]
    med = statistics.median(s for s, _, _ in r)
    rate = statistics.median(x for _, x, _ in r)
    imb = statistics.median(i for _, _, i in r)
    fields = [mode, len(r), f"{med:.3f}", f"{min(s for s,_,_ in r):.3f}", f"{max(s for s,_,_ in r):.3f}",
              f"{rate:.4e}", f"{imb:.3f}"]
    text = f"{mode:17} {len(r):4d} {med:9.3f} {min(s for s,_,_ in r):8.3f} {max(s for s,_,_ in r):8.3f} {rate:15.4e} {imb:9.3f}"
    if ref:
        fields.append(f"{ref / med:.2f}")
        text += f" {ref / med:11.2f}"
    lines.append(",".join(map(str, fields)))
    print(text)
open(csv, "w").write("\n".join(lines) + "\n")
print(f"\n{threads} threads, hash {hsh}, sdnn {git}; CSV: {csv}")
PY
