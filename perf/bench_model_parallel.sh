#!/usr/bin/env bash
# Benchmark of model parallelism (the network partitioned among M ranks, activations exchanged every layer):
#   A. partition quality, no inference: `sdnn partition --partitioner all` of each network into P parts for
#      each P, run once (deterministic): activation columns sent per inference row summed over layers, its
#      ratio to the best of block and hashed, the largest per-layer work imbalance, the largest part's
#      weights and the partitioning seconds; the networks: the real challenge N=1024, L=120 one (the shared
#      tarball, extracted once; skipped when absent) and RadiX-Net ones generated once (sdnn generate
#      --images synthetic). Also every layer's volume (CSV), plotted at P=4: a panel per network, a line per
#      partitioner (perf/plot_partition_volume.py, SVG);
#   B. end-to-end: `mpirun -np P sdnn infer --model-ranks M --network-partition NAME` on the generated N=1024,
#      L=120 Fashion-MNIST dataset (scripts/dataset.sh) for each M (M=1: every rank holds the whole network,
#      run once whatever the partitioners) and partitioner, every run checked against the truth, the runs
#      interleaved so that the machine's noise hits every configuration alike. Prints the table (median / min
#      / max inference seconds, median rate, speed-up over M=1, and for M>1 the medians of the slowest rank's
#      exchange and compute seconds, words sent, the largest rank's weights, partitioning seconds).
# Writes build/perf-partition.csv, build/perf-partition-layers.csv, build/partition-volume.svg (part A) and
# build/perf-model-parallel.csv (part B). Ranks oversubscribe the cores (--oversubscribe --bind-to none,
# OpenMP threads unbound and passive) only when ranks x threads exceed them (nproc), and say so.
#
# Usage: perf/bench_model_parallel.sh [--part A|B] [--skip-partition] [--skip-inference]
#          A: [--networks "real 4096 16384"] [--parts "2 4 8"] [--layers L] [--partition-ranks R]
#             [--plot-parts P] [--partition-csv FILE] [--svg FILE]
#          B: [--ranks P] [--threads T] [--model-ranks "1 2 4"] [--network-partitions "block hypergraph"]
#             [--runs K] [--num-images K] [--mode MODE] [--csv FILE]
#   --networks   'real' (the challenge's N=1024 network) and/or generated sizes N (N = 16 x 2^D)
#   --layers     layers of the part A networks (default 120)
#   --partition-ranks  `sdnn partition` under mpirun -np R (Zoltan's hypergraph partitioner on R ranks)
#   --plot-parts the P of the plot (default 4, else the largest of --parts)
#   --model-ranks  each M must divide --ranks (defaults: 4 ranks of 1 thread, M 1 2 4, 3 runs)
#   --num-images   the first K inputs (--num-inputs; default all 60000); --mode: sdnn infer's (its default)
# Full default run on 2 cores (extrapolated from smaller runs): part A ~5 min (plus, once, generating the
# N=16384 network: ~1.3 GB of text), part B ~15 min (4 ranks oversubscribe 2 cores; M>1 is exchange-bound).
# Environment: SDNN_BUILD (an MPI build directory; default: scripts/build.sh openmp), SDNN_DATA_DIR (datasets,
#              default ~/.cache/sdnn-data), SDNN_SHARED_DATA_DIR (holds graphchallenge-n1024/; default
#              ../shared/data beside the repository), MPIEXEC (default mpirun)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
me=bench_model_parallel.sh
die() { echo "$me: $*" >&2; exit 2; }

part_a=1 part_b=1
networks="real 4096 16384" parts="2 4 8" layers=120 partition_ranks=1 plot_parts=""
ranks=4 threads=1 model_ranks="1 2 4" partitioners="block hypergraph" runs=3 images=60000 mode=""
partition_csv="$root/build/perf-partition.csv" svg="$root/build/partition-volume.svg"
csv="$root/build/perf-model-parallel.csv"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --part)
      case "${2:-}" in A|a) part_b=0 ;; B|b) part_a=0 ;; *) die "--part takes A or B" ;; esac
      shift 2 ;;
    --skip-partition) part_a=0; shift ;;
    --skip-inference) part_b=0; shift ;;
    --networks) networks="$2"; shift 2 ;;
    --parts) parts="$2"; shift 2 ;;
    --layers) layers="$2"; shift 2 ;;
    --partition-ranks) partition_ranks="$2"; shift 2 ;;
    --plot-parts) plot_parts="$2"; shift 2 ;;
    --partition-csv) partition_csv="$2"; shift 2 ;;
    --svg) svg="$2"; shift 2 ;;
    --ranks) ranks="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --model-ranks) model_ranks="$2"; shift 2 ;;
    --network-partitions) partitioners="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --num-images) images="$2"; shift 2 ;;
    --mode) mode="$2"; shift 2 ;;
    --csv) csv="$2"; shift 2 ;;
    -h|--help) sed -n '2,35p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
for value in $parts $layers $partition_ranks $plot_parts $ranks $threads $model_ranks $runs $images; do
  [[ $value =~ ^[1-9][0-9]*$ ]] || die "'$value' is not a positive integer"
done
for net in $networks; do
  [[ $net = real || $net =~ ^[1-9][0-9]*$ ]] || die "--networks: '$net' is neither 'real' nor a size N"
done
for m in $model_ranks; do ((ranks % m == 0)) || die "--model-ranks $m does not divide --ranks $ranks"; done
for name in $partitioners; do
  case "$name" in block|hashed|hypergraph) ;; *) die "--network-partitions: unknown partitioner '$name'" ;; esac
done
((part_a || part_b)) || die "nothing to do (both parts skipped)"
((images <= 60000)) || die "--num-images: the dataset has 60000 images"
: "${plot_parts:=$(if [[ " $parts " = *" 4 "* ]]; then echo 4; else tr ' ' '\n' <<<"$parts" | sort -n | tail -1; fi)}"

build="${SDNN_BUILD:-$("$root/scripts/build.sh" openmp)}"
sdnn="$build/drivers/sdnn"
[[ -x "$sdnn" ]] || die "$sdnn not found"
if ((part_b || partition_ranks > 1)); then
  grep -q "^Sdnn_ENABLE_MPI:BOOL=ON" "$build/CMakeCache.txt" ||
    die "$build is not an MPI build (Sdnn_ENABLE_MPI=OFF)"
fi
mpiexec="${MPIEXEC:-mpirun}"
if [[ "$(id -u)" = 0 ]]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
export OMP_PROC_BIND="${OMP_PROC_BIND:-spread}" OMP_PLACES="${OMP_PLACES:-threads}"
cores="$(nproc)"
data_dir="${SDNN_DATA_DIR:-$HOME/.cache/sdnn-data}"
git_hash="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
mkdir -p "$root/build"

# shellcheck source=perf/bench_common.sh
source "$root/perf/bench_common.sh"
tmp="$(mktemp -d)"
trap 'rm -rf "$bench_results" "$bench_report" "$tmp"' EXIT # bench_common.sh's files and ours

# launch P T COMMAND...: COMMAND on P ranks of T threads each: directly when P = 1, else under mpirun, each
# rank bound to T cores, or oversubscribed and unbound (OpenMP threads unbound and passive, Kokkos' warning
# about the oversubscription silenced: it is deliberate) when P x T exceeds the cores.
launch() {
  local p=$1 t=$2
  shift 2
  if ((p == 1)); then
    "$@"
  elif ((p * t > cores)); then
    OMP_PROC_BIND=false OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}" KOKKOS_DISABLE_WARNINGS=1 \
      "$mpiexec" -np "$p" --oversubscribe --bind-to none "$@"
  else
    "$mpiexec" -np "$p" --map-by "slot:PE=$t" --bind-to core "$@"
  fi
}

# ---- Part A: partition quality. ----
if ((part_a)); then
  shared="${SDNN_SHARED_DATA_DIR:-$(dirname "$root")/shared/data}"
  tarball="$shared/graphchallenge-n1024/graphchallenge-n1024.tar.xz"
  reports=() # "network neurons parts file" per sdnn partition run
  if ((partition_ranks > cores)); then
    echo "[bench] note: $partition_ranks partition ranks oversubscribe the $cores cores" >&2
  fi
  for net in $networks; do
    if [[ $net = real ]]; then
      ((layers <= 120)) || die "the real network has 120 layers (--layers $layers)"
      n=1024 dir="$data_dir/graphchallenge-n1024"
      if [[ ! -f "$dir/neuron1024-l120-categories.tsv" ]]; then
        if [[ ! -f "$tarball" ]]; then
          echo "[bench] note: $tarball is absent: the real N=1024 network is skipped" >&2
          continue
        fi
        echo "[bench] extracting $tarball into $dir (once)" >&2
        staging="$data_dir/graphchallenge-n1024.extract.$$"
        rm -rf "$staging"
        mkdir -p "$staging"
        tar -xJf "$tarball" -C "$staging" || { rm -rf "$staging"; die "cannot extract $tarball"; }
        mv -T "$staging" "$dir" 2>/dev/null || rm -rf "$staging" # another process may have won the race
      fi
    else
      n=$net dir="$data_dir/synthetic-n$n-l$layers-64"
      [[ -f "$dir/sdnn-dataset-n$n-l$layers.txt" ]] ||
        echo "[bench] generating the N=$n, L=$layers network in $dir (once)" >&2
      "$sdnn" generate --out "$dir" --neurons "$n" --layers "$layers" --images synthetic --num-images 64 \
        --seed 1 --no-truth --threads "$cores" --quiet >&2 || die "sdnn generate of N=$n failed"
    fi
    label="$([[ $net = real ]] && echo real || echo synthetic)"
    for p in $parts; do
      report="$tmp/$net-$p.json"
      echo "[bench] partitioning the $label N=$n, L=$layers network into $p parts ($partition_ranks rank(s))" >&2
      out="$(launch "$partition_ranks" 1 "$sdnn" partition --dataset "$dir" --neurons "$n" --layers "$layers" \
        --parts "$p" --partitioner all --quiet --report "$report")" ||
        { echo "$out" >&2; die "sdnn partition of $net N=$n into $p parts failed"; }
      reports+=("$label $n $p $report")
    done
  done
  if ((${#reports[@]} > 0)); then
    layers_csv="${partition_csv%.csv}-layers.csv"
    python3 - "$partition_csv" "$layers_csv" "${reports[@]}" <<'PY'
import json, sys
csv, layers_csv, *runs = sys.argv[1:]
rows = ["network,neurons,layers,parts,partitioner,total_volume,volume_over_best_simple,max_imbalance,max_part_mib,"
        "seconds"]
layer_rows = ["network,neurons,layers,parts,partitioner,layer,volume,imbalance"]
print(f"\n{'network':9} {'N':>6} {'P':>3} {'partitioner':11} {'volume':>10} {'x simple':>9} {'max imbalance':>13}"
      f" {'max part MiB':>12} {'seconds':>9}")
for run in runs:
    network, n, p, path = run.split(maxsplit=3)
    report = json.load(open(path))
    layers = report["dataset"]["layers"]
    for part in report["partitions"]:
        name, mib = part["partitioner"], max(part["weight_bytes"]) / 2**20
        rows.append(f"{network},{n},{layers},{p},{name},{part['total_volume']},{part['volume_over_best_simple']:.4f},"
                    f"{part['max_imbalance']:.4f},{mib:.3f},{part['seconds']:.3f}")
        print(f"{network:9} {n:>6} {p:>3} {name:11} {part['total_volume']:10d} {part['volume_over_best_simple']:9.3f}"
              f" {part['max_imbalance']:13.3f} {mib:12.2f} {part['seconds']:9.3f}")
        for layer, (volume, imbalance) in enumerate(zip(part["volume"], part["imbalance"]), start=1):
            layer_rows.append(f"{network},{n},{layers},{p},{name},{layer},{volume},{imbalance:.4f}")
open(csv, "w").write("\n".join(rows) + "\n")
open(layers_csv, "w").write("\n".join(layer_rows) + "\n")
print(f"volume: activation columns sent per inference row, summed over layers; x simple: over the best of block and"
      f" hashed;\nimbalance: per layer, max/mean nonzeros of W_l per part\nCSV: {csv}\nper layer: {layers_csv}")
PY
    python3 "$root/perf/plot_partition_volume.py" "$layers_csv" "$plot_parts" "$svg" &&
      echo "plot: $svg (P=$plot_parts)"
  fi
fi

# ---- Part B: end-to-end model-parallel inference. ----
if ((part_b)); then
  data="$("$root/scripts/dataset.sh" "$sdnn" 1024 120 60000)"
  options=(--dataset "$data" --neurons 1024 --layers 120 --threads "$threads" --quiet)
  if ((images < 60000)); then options+=(--num-inputs "$images"); fi
  if [[ -n "$mode" ]]; then options+=(--mode "$mode"); fi
  mp_results="$tmp/model-parallel.txt"
  : >"$mp_results"

  # infer LABEL M [PARTITIONER]: one checked run on the P ranks, then its model-parallel figures (the
  # slowest rank's exchange and compute seconds, words and columns sent, the largest rank's weight MiB,
  # partitioning seconds) from the JSON report into $mp_results.
  infer() {
    local label=$1 m=$2
    local extra=(--model-ranks "$m")
    if (($# > 2)); then extra+=(--network-partition "$3"); fi
    bench_run "$label" launch "$ranks" "$threads" "$sdnn" infer "${options[@]}" "${extra[@]}"
    python3 - "$bench_report" "$label" >>"$mp_results" <<'PY'
import json, sys
path, label = sys.argv[1:]
m = json.load(open(path)).get("model_parallel")
if m:
    columns, predicted = sum(m["columns_sent"]), sum(m["predicted_columns"])
    if columns != predicted:
        print(f"[bench] warning: {label}: {columns} columns sent, the partition predicted {predicted}", file=sys.stderr)
    print(label, m["max_exchange_seconds"], m["max_compute_seconds"], m["words_sent"], columns,
          m["max_weight_bytes"] / 2**20, m["partition_seconds"])
PY
  }

  labels=() configs=() # label, then M and the partitioner
  for m in $model_ranks; do
    if ((m == 1)); then
      labels+=("${ranks}x$threads/M1") configs+=("${ranks}x$threads/M1 1")
    else
      for name in $partitioners; do
        labels+=("${ranks}x$threads/M$m/$name") configs+=("${ranks}x$threads/M$m/$name $m $name")
      done
    fi
  done
  bench_total=$((runs * ${#configs[@]}))
  echo "[bench] sdnn $git_hash, dataset $data ($images images), $ranks ranks x $threads threads," \
    "${#configs[@]} configurations x $runs runs" >&2
  if ((ranks > 1 && ranks * threads > cores)); then
    echo "[bench] note: $ranks ranks x $threads threads oversubscribe the $cores cores (--oversubscribe" \
      "--bind-to none): the exchange and compute times include waiting for a core" >&2
  fi
  for ((r = 1; r <= runs; ++r)); do
    for config in "${configs[@]}"; do
      read -r -a args <<<"$config"
      infer "${args[@]}"
    done
  done

  python3 - "$bench_results" "$mp_results" "$csv" "${labels[@]}" <<'PY'
import statistics, sys
results, mp_results, csv, *order = sys.argv[1:]
runs, mp = {}, {}
for line in open(results):
    label, seconds, rate = line.split()[:3]
    runs.setdefault(label, []).append((float(seconds), float(rate)))
for line in open(mp_results):
    label, *values = line.split()
    mp.setdefault(label, []).append([float(v) for v in values])
med = statistics.median
base = next((label for label in order if label.endswith("/M1")), None)
base = med(s for s, _ in runs[base]) if base else None
header = ["label", "ranks", "threads", "model_ranks", "network_partition", "runs", "median_s", "min_s", "max_s",
          "median_rate_edges_per_s", "speedup_vs_M1", "median_max_exchange_s", "median_max_compute_s",
          "median_words_sent", "columns_sent", "max_weight_mib", "median_partition_s"]
lines = [",".join(header)]
width = max(len(label) for label in order)
print(f"\n{'':{width}} {'runs':>4} {'median s':>9} {'min s':>8} {'max s':>8} {'rate (edges/s)':>15} {'x M1':>6}"
      f" {'exch s':>7} {'comp s':>7} {'words sent':>11} {'columns':>8} {'MiB/rank':>8} {'part s':>7}")
for label in order:
    seconds = [s for s, _ in runs[label]]
    rate = med(r for _, r in runs[label])
    shape, m, *name = label.split("/")
    p, t = shape.split("x")
    speedup = base / med(seconds) if base else float("nan")
    fields = [label, p, t, m[1:], name[0] if name else "", len(seconds), f"{med(seconds):.3f}", f"{min(seconds):.3f}",
              f"{max(seconds):.3f}", f"{rate:.4e}", f"{speedup:.2f}"]
    text = (f"{label:{width}} {len(seconds):4d} {med(seconds):9.3f} {min(seconds):8.3f} {max(seconds):8.3f}"
            f" {rate:15.4e} {speedup:6.2f}")
    if label in mp:
        exch, comp, words, columns, mib, part = (med(v[i] for v in mp[label]) for i in range(6))
        fields += [f"{exch:.3f}", f"{comp:.3f}", f"{words:.0f}", f"{columns:.0f}", f"{mib:.2f}", f"{part:.3f}"]
        text += f" {exch:7.3f} {comp:7.3f} {words:11.4e} {columns:8.0f} {mib:8.2f} {part:7.3f}"
    else:
        fields += [""] * 6
        text += f" {'-':>7} {'-':>7} {'-':>11} {'-':>8} {'-':>8} {'-':>7}"
    lines.append(",".join(map(str, fields)))
    print(text)
open(csv, "w").write("\n".join(lines) + "\n")
print("exch s / comp s: the slowest rank's exchange / compute seconds; words sent: all ranks' (indices and values);"
      "\ncolumns: activation columns sent per group; MiB/rank: the largest rank's weights;"
      f" part s: partitioning seconds\nCSV: {csv}")
PY
  echo "sdnn $git_hash; $ranks ranks x $threads threads, ${images} images, mode ${mode:-default}" >&2
fi
