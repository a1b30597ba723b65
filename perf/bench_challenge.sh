#!/usr/bin/env bash
# The whole benchmark suite in one command. For every problem size N, Kokkos backend, parallel mode,
# rank count and thread count: `sdnn infer` on the generated Fashion-MNIST challenge dataset
# (scripts/dataset.sh), and the SuiteSparse:GraphBLAS peer (perf/sdnn_graphblas) on the same dataset
# with the same thread count; every run checked against the truth, the runs interleaved by rounds
# (round 1 runs every configuration once, then round 2, ...) so that the machine's noise hits all alike.
# The machine's peak multiply-add rate (perf/sdnn_peak) is measured once per thread count.
# Writes OUT/challenge.csv (one row per configuration: median / min / max seconds and rate, I/O, peak
# memory, useful MACs and MAC/s, fraction of the peak, rate over GraphBLAS', the dense kernel's MAC/s per
# thread and its fraction of the peak per thread, the same for the kernel's median step rate weighted by
# multiply-adds: the driver's 'dense median' line), prints it as a table with
# the best sdnn configuration per size and thread count, and plots with gnuplot (data files and
# scripts beside the PNGs):
#   OUT/rate-by-mode.png    a panel per size: median rate per mode, a bar per backend (largest thread
#                           count, 1 rank, error bars min..max), GraphBLAS' median rate as a line
#   OUT/rate-vs-layers.png  a panel per size, its best configuration run once more for the layer
#                           prefixes 10, 20, 40, 80, ..., L (--no-check below L): rate against layers
#                           (left axis), active rows after each layer of the L-layer run (right axis)
#
# Usage: perf/bench_challenge.sh [--sizes "1024 4096"] [--layers L] [--images M] [--modes "data ..."]
#                                [--backends "openmp threads"] [--threads "1 2"] [--ranks "1 2"]
#                                [--runs K] [--peer-runs K] [--no-peer] [--out DIR] [--quick]
#   --threads  total thread counts T; --ranks: P ranks x T/P threads for each T that P divides (MPI
#              builds only, P = 1 otherwise)
#   --peer-runs  runs of the GraphBLAS peer (default: --runs; it is 30-40x slower than sdnn: N=4096 takes
#              ~25 min per run on 2 threads), in the first rounds
#   --no-peer  without the GraphBLAS peer (a build without -DSdnn_ENABLE_GRAPHBLAS=ON)
#   --quick    a short smoke configuration: N=1024 only, 6000 images, 2 threads, 2 runs
# Defaults: the whole suite: N 1024 and 4096, L=120, 60000 images, the five modes, both backends,
# 1 and 2 threads, 1 and 2 ranks, 3 runs, OUT=build/perf-challenge. Generating the N=4096 dataset
# computes its truth with the sequential reference: about 40 min on 2 cores, once.
# Environment: SDNN_BUILD_OPENMP, SDNN_BUILD_THREADS, ... (a build directory to use instead of
#              scripts/build.sh BACKEND), SDNN_DATA_DIR (datasets), MPIEXEC (default mpirun)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
me=bench_challenge.sh
die() { echo "$me: $*" >&2; exit 2; }

unset sizes layers images modes backends threads_list ranks_list runs peer_runs
peer=1 quick=0 out="$root/build/perf-challenge"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --layers) layers="$2"; shift 2 ;;
    --images) images="$2"; shift 2 ;;
    --modes) modes="$2"; shift 2 ;;
    --backends) backends="$2"; shift 2 ;;
    --threads) threads_list="$2"; shift 2 ;;
    --ranks) ranks_list="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --peer-runs) peer_runs="$2"; shift 2 ;;
    --no-peer) peer=0; shift ;;
    --out) out="$2"; shift 2 ;;
    --quick) quick=1; shift ;;
    -h|--help) sed -n '2,32p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
# --quick sets what the command line did not.
if [[ $quick = 1 ]]; then
  : "${sizes:=1024}" "${images:=6000}" "${threads_list:=2}" "${runs:=2}"
fi
: "${sizes:=1024 4096}" "${layers:=120}" "${images:=60000}" "${backends:=openmp threads}" "${threads_list:=1 2}"
: "${ranks_list:=1 2}" "${runs:=3}"
: "${peer_runs:=$runs}"
for value in $sizes $layers $images $threads_list $ranks_list $runs $peer_runs; do
  [[ $value =~ ^[1-9][0-9]*$ ]] || die "'$value' is not a positive integer"
done
[[ -n "$sizes" && -n "${modes-x}" && -n "$backends" && -n "$threads_list" ]] ||
  die "--sizes, --modes, --backends and --threads need at least one value"
[[ " $ranks_list " = *" 1 "* ]] || die "--ranks must include 1 (the single-process runs are the plots' baseline)"
max_threads=$(tr ' ' '\n' <<<"$threads_list" | sort -n | tail -1)
mkdir -p "$out"
out="$(cd "$out" && pwd)"
export OMP_PROC_BIND="${OMP_PROC_BIND:-spread}" OMP_PLACES="${OMP_PLACES:-threads}"
git_hash="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"

# ---- Builds: one per backend; MPI when the build has it and mpirun is there. ----
mpiexec="${MPIEXEC:-mpirun}"
declare -A build mpi header
for backend in $backends; do
  var="SDNN_BUILD_${backend^^}"
  if [[ -n "${!var:-}" ]]; then
    build[$backend]="${!var}"
  else
    case "$backend" in openmp|threads) ;; *) die "no build for backend '$backend': set $var" ;; esac
    echo "[bench] building the $backend backend (scripts/build.sh $backend)" >&2
    build[$backend]="$("$root/scripts/build.sh" "$backend")"
  fi
  [[ -x "${build[$backend]}/drivers/sdnn" ]] || die "${build[$backend]}/drivers/sdnn not found (backend $backend)"
  mpi[$backend]=0
  if grep -qs "^Sdnn_ENABLE_MPI:BOOL=ON" "${build[$backend]}/CMakeCache.txt" && command -v "$mpiexec" >/dev/null; then
    mpi[$backend]=1
  fi
done
first_build="${build[${backends%% *}]}"
sdnn="$first_build/drivers/sdnn"
: "${modes:=$("$sdnn" list modes 2>/dev/null | tr '\n' ' ')}" # default: every mode the driver has
peak_program="$first_build/perf/sdnn_peak"
[[ -x "$peak_program" ]] ||
  die "$peak_program not found: the peak benchmark is built with the benchmarks (-DSdnn_ENABLE_BENCHMARKS=ON)"
graphblas="$first_build/perf/sdnn_graphblas"
if [[ $peer = 1 && ! -x "$graphblas" ]]; then
  die "$graphblas not found: configure with -DSdnn_ENABLE_GRAPHBLAS=ON, or run with --no-peer"
fi
if [[ "$(id -u)" = 0 ]]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi

# ---- Datasets: generated once (the truth by the sequential reference), then reused. ----
declare -A data
for n in $sizes; do
  dir="${SDNN_DATA_DIR:-$HOME/.cache/sdnn-data}/fmnist-n$n-l$layers-$images"
  if [[ ! -f "$dir/sdnn-dataset-n$n-l$layers.txt" ]]; then
    echo "[bench] generating the N=$n, L=$layers, $images-image dataset in $dir; its truth comes from the" \
      "sequential reference (N=1024: ~6 min, N=4096: ~40 min for 60000 images on 2 cores), once" >&2
  fi
  data[$n]="$(SDNN_THREADS="$max_threads" "$root/scripts/dataset.sh" "$sdnn" "$n" "$layers" "$images")"
done

# ---- The peak multiply-add rate, once per thread count. ----
peaks="$out/peak.txt"
: >"$peaks"
for t in $threads_list; do
  line="$("$peak_program" --threads "$t")" || die "$peak_program --threads $t failed"
  value="$(awk '/^peak / {print $3}' <<<"$line")"
  [[ -n "$value" ]] || die "$peak_program --threads $t printed no 'peak : X multiply-adds/s' line: $line"
  echo "$t $value" >>"$peaks"
  echo "[bench] peak at $t threads: $value multiply-adds/s" >&2
done

source "$root/perf/bench_common.sh"

# sdnn_run [--unchecked] LABEL BACKEND P T N ARGS...: one inference of the driver on P ranks of T
# threads each (bench_run does the rest).
sdnn_run() {
  local unchecked=()
  if [[ $1 = --unchecked ]]; then unchecked=(--unchecked); shift; fi
  local label=$1 backend=$2 p=$3 t=$4 n=$5
  shift 5
  local command=("${build[$backend]}/drivers/sdnn" infer --dataset "${data[$n]}" --neurons "$n" --threads "$t" --quiet)
  if ((p > 1)); then
    local bind=(--map-by "slot:PE=$t" --bind-to core)
    if ((p * t > $(nproc))); then bind=(--oversubscribe --bind-to none); fi
    command=("$mpiexec" -np "$p" "${bind[@]}" "${command[@]}")
  fi
  bench_run "${unchecked[@]}" "$label" "${command[@]}" "$@"
}

# The configurations of one round: label, then what sdnn_run or the peer needs.
configs=()
for n in $sizes; do
  for t in $threads_list; do
    if [[ $peer = 1 ]]; then configs+=("n$n/graphblas/-/-/1x$t graphblas - 1 $t $n"); fi
    for backend in $backends; do
      for p in $ranks_list; do
        if ((p > 1 && (${mpi[$backend]} == 0 || t % p != 0))); then continue; fi
        for mode in $modes; do
          configs+=("n$n/sdnn/$backend/$mode/${p}x$((t / p)) $backend $mode $p $((t / p)) $n")
        done
      done
    done
  done
done
for backend in $backends; do
  if [[ ${mpi[$backend]} = 0 && "$ranks_list" != 1 ]]; then
    echo "[bench] $backend: ${build[$backend]} is not an MPI build (or ${mpiexec} is missing): 1 rank only" >&2
  fi
done

prefixes=()
for k in 10 20 40 80; do if ((k < layers)); then prefixes+=("$k"); fi; done
prefixes+=("$layers")
peer_configs=0
for config in "${configs[@]}"; do if [[ $config = */graphblas/* ]]; then ((++peer_configs)); fi; done
bench_total=$((runs * ${#configs[@]} + (peer_runs - runs) * peer_configs + $(wc -w <<<"$sizes") * ${#prefixes[@]}))
echo "[bench] sdnn $git_hash, $("$sdnn" --version | sed -n '1p'), N=$sizes, L=$layers, $images images," \
  "${#configs[@]} configurations x $runs runs, then ${#prefixes[@]} layer prefixes per size; output in $out" >&2

rounds=$((runs > peer_runs ? runs : peer_runs))
for ((r = 1; r <= rounds; ++r)); do
  echo "[bench] round $r of $rounds" >&2
  for config in "${configs[@]}"; do
    read -r label backend mode p t n <<<"$config"
    limit=$runs
    if [[ $backend = graphblas ]]; then limit=$peer_runs; fi
    if ((r > limit)); then continue; fi
    if [[ $backend = graphblas ]]; then
      bench_run "$label" "$graphblas" --dataset "${data[$n]}" --neurons "$n" --layers "$layers" --threads "$t" --quiet
    else
      sdnn_run "$label" "$backend" "$p" "$t" "$n" --layers "$layers" --mode "$mode"
      : "${header[$backend]:=$(python3 "$bench_reader" configuration "$bench_report")}"
    fi
  done
done

# challenge_py summary|plots ...: the embedded summary (CSV, table, the best configurations, the data of
# rate-by-mode) and the gnuplot scripts.
challenge_py() {
  python3 - "$@" <<'PY'
import collections, math, os, statistics, sys

command, out, *args = sys.argv[1:]

def read_table(path):
    return [line.split() for line in open(path) if line.strip() and not line.startswith("#")]

def plural(count, noun):
    return f"{count} {noun}" + ("s" if count != 1 else "")

def fmt(value, spec):
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else format(value, spec)

if command == "summary":
    results, peaks_path, layers, images, backends, modes, max_threads = args
    peaks = {int(t): float(v) for t, v in read_table(peaks_path)}
    runs_of = collections.OrderedDict()
    for line in open(results):
        label, *fields = line.rsplit(maxsplit=10)
        runs_of.setdefault(label, []).append([float(x) for x in fields])
    rows = []
    for label, r in runs_of.items():
        n, engine, backend, mode, shape = label.split("/")
        p, t = (int(x) for x in shape.split("x"))
        seconds, rates = [x[0] for x in r], [x[1] for x in r]
        row = dict(size=int(n[1:]), layers=int(layers), images=int(images), engine=engine,
                   backend="" if backend == "-" else backend, mode="" if mode == "-" else mode, ranks=p,
                   threads=p * t, runs=len(r), median_s=statistics.median(seconds), min_s=min(seconds),
                   max_s=max(seconds), median_rate=statistics.median(rates), min_rate=min(rates),
                   max_rate=max(rates), io_s=statistics.median(x[4] for x in r), peak_mib=max(x[5] for x in r),
                   useful_macs=r[0][6], median_mac_rate=statistics.median(x[7] for x in r),
                   peak_macs=peaks[p * t], dense_mac_rate=statistics.median(x[8] for x in r),
                   dense_median_rate=statistics.median(x[9] for x in r), check="PASSED")
        row["peak_fraction"] = row["median_mac_rate"] / row["peak_macs"]
        # The dense kernel's rates per thread against the peak per thread.
        thread_peak = row["peak_macs"] / (p * t)
        row["dense_peak_fraction"] = row["dense_mac_rate"] / thread_peak
        row["dense_median_peak_fraction"] = row["dense_median_rate"] / thread_peak
        rows.append(row)
    peer = {(r["size"], r["threads"]): r["median_rate"] for r in rows if r["engine"] == "graphblas"}
    for r in rows:
        g = peer.get((r["size"], r["threads"]))
        r["vs_graphblas"] = r["median_rate"] / g if r["engine"] == "sdnn" and g else None
    columns = ["size", "layers", "images", "engine", "backend", "mode", "ranks", "threads", "runs", "median_s",
               "min_s", "max_s", "median_rate", "min_rate", "max_rate", "io_s", "peak_mib", "useful_macs",
               "median_mac_rate", "peak_macs", "peak_fraction", "vs_graphblas", "dense_mac_rate", "dense_peak_fraction",
               "dense_median_rate", "dense_median_peak_fraction", "check"]
    specs = dict(median_s=".4f", min_s=".4f", max_s=".4f", median_rate=".4e", min_rate=".4e", max_rate=".4e",
                 io_s=".3f", peak_mib=".1f", useful_macs=".4e", median_mac_rate=".4e", peak_macs=".4e",
                 peak_fraction=".4g", vs_graphblas=".4g", dense_mac_rate=".4e", dense_peak_fraction=".4g",
                 dense_median_rate=".4e", dense_median_peak_fraction=".4g")
    with open(os.path.join(out, "challenge.csv"), "w") as f:
        f.write(",".join(columns) + "\n")
        for r in rows:
            f.write(",".join(fmt(r[c], specs.get(c, "")) for c in columns) + "\n")

    print(f"\n{'N':>6} {'engine':9} {'backend':7} {'mode':15} {'PxT':>5} {'runs':>4} {'median s':>9} {'min s':>8}"
          f" {'max s':>8} {'rate (edges/s)':>14} {'MAC/s':>10} {'of peak':>9} {'dense':>7} {'med':>7} {'x GrB':>6} {'io s':>6}"
          f" {'MiB':>7}")
    for r in rows:
        shape = f"{r['ranks']}x{r['threads'] // r['ranks']}"
        print(f"{r['size']:6d} {r['engine']:9} {r['backend'] or '-':7} {r['mode'] or '-':15} {shape:>5} {r['runs']:4d}"
              f" {r['median_s']:9.3f} {r['min_s']:8.3f} {r['max_s']:8.3f} {r['median_rate']:14.4e}"
              f" {fmt(r['median_mac_rate'], '10.3e') or '-':>10} {fmt(100 * r['peak_fraction'], '8.3g') or '-':>8}%"
              f" {fmt(100 * r['dense_peak_fraction'], '6.3g') or '-':>6}%"
              f" {fmt(100 * r['dense_median_peak_fraction'], '6.3g') or '-':>6}%"
              f" {fmt(r['vs_graphblas'], '6.2f') or '-':>6} {fmt(r['io_s'], '6.2f') or '-':>6}"
              f" {fmt(r['peak_mib'], '7.1f') or '-':>7}")
    print()
    sdnn_rows = [r for r in rows if r["engine"] == "sdnn"]
    name = lambda r: f"{r['backend']} {r['mode']} {r['ranks']}x{r['threads'] // r['ranks']}"
    for size, threads in dict.fromkeys((r["size"], r["threads"]) for r in sdnn_rows):
        best = max((r for r in sdnn_rows if (r["size"], r["threads"]) == (size, threads)),
                   key=lambda r: r["median_rate"])
        versus = (f", {best['vs_graphblas']:.2f}x GraphBLAS ({peer[(size, threads)]:.4e})"
                  if best["vs_graphblas"] else "")
        print(f"N={size}, {plural(threads, 'thread')}: best sdnn {name(best)}: {best['median_rate']:.4e} edges/s"
              + versus)
    print(f"CSV: {os.path.join(out, 'challenge.csv')}")

    # The best configuration of each size over all thread counts, for the runs over the layer prefixes.
    with open(os.path.join(out, "best.txt"), "w") as f:
        for size in dict.fromkeys(r["size"] for r in sdnn_rows):
            best = max((r for r in sdnn_rows if r["size"] == size), key=lambda r: r["median_rate"])
            f.write(f"{size} {best['backend']} {best['mode']} {best['ranks']} {best['threads'] // best['ranks']}\n")
    # rate-by-mode-n{N}.dat: median / min / max rate (1e9 edges/s) per mode (rows) and backend (columns),
    # at the largest thread count on 1 rank; the peer's median in the header.
    backends, modes, max_threads = backends.split(), modes.split(), int(max_threads)
    for size in dict.fromkeys(r["size"] for r in rows):
        pick = {(r["backend"], r["mode"]): r for r in sdnn_rows
                if r["size"] == size and r["threads"] == max_threads and r["ranks"] == 1}
        g = peer.get((size, max_threads))
        with open(os.path.join(out, f"rate-by-mode-n{size}.dat"), "w") as f:
            f.write(f"# N={size} L={layers} {images} images, {max_threads} threads, 1 rank: median, min and max rate"
                    f" (1e9 edges/s) per mode, per backend\n# graphblas_median {fmt(g and g / 1e9, '.6g') or '?'}\n")
            f.write("# mode " + " ".join(f"{b}_median {b}_min {b}_max" for b in backends) + "\n")
            for mode in modes:
                cells = [pick.get((b, mode)) for b in backends]
                f.write(mode + " " + " ".join(
                    "? ? ?" if c is None else f"{c['median_rate'] / 1e9:.6g} {c['min_rate'] / 1e9:.6g} "
                    f"{c['max_rate'] / 1e9:.6g}" for c in cells) + "\n")

elif command == "plots":
    terminal, git_hash, threads, backends, *sizes = args
    backends, panels = backends.split(), len(sizes)
    font = "font ',10'" if terminal == "pngcairo" else ""
    head = lambda png, height: (f"set terminal {terminal} size 1000,{height * panels} {font}\n"
                                f"set output '{png}'\nset multiplot layout {panels},1\n")
    # (1) rate per mode and backend, the peer as a horizontal line.
    gp = [head("rate-by-mode.png", 420), "set style data histograms\nset style histogram errorbars gap 1 lw 1\n"
          "set datafile missing '?'\nset style fill solid 0.6 border -1\nset boxwidth 0.9\nset key top right\n"
          "set grid ytics\nset ylabel 'rate (10^9 edges/s)'\n"]
    for size in sizes:
        path = f"rate-by-mode-n{size}.dat"
        table = [line.split() for line in open(os.path.join(out, path)) if not line.startswith("#")]
        graphblas = next(line.split()[2] for line in open(os.path.join(out, path)) if line.startswith("# graphblas"))
        values = [float(x) for row in table for x in row[1:] if x != "?"]
        if graphblas != "?":
            values.append(float(graphblas))
        top = 1.2 * max(values + [1e-9])
        gp.append(f"set title 'N={size}: median rate per mode, {plural(int(threads), 'thread')}, 1 rank (error bars:"
                  f" min..max of the runs; sdnn {git_hash})'\nset yrange [0:{top:.6g}]\nunset arrow\nunset label\n")
        if graphblas != "?":
            gp.append(f"set arrow from graph 0, first {graphblas} to graph 1, first {graphblas} nohead dt 2 lw 2"
                      f" lc rgb 'black'\nset label 'GraphBLAS {float(graphblas):.3g}' at graph 0.01, first"
                      f" {graphblas} offset 0,0.7\n")
        gp.append("plot " + ", ".join(f"'{path}' using {2 + 3 * i}:{3 + 3 * i}:{4 + 3 * i}:xtic(1) title '{b}'"
                                      for i, b in enumerate(backends)) + "\n")
    gp.append("unset multiplot\n")
    open(os.path.join(out, "rate-by-mode.gp"), "w").write("".join(gp))
    # (2) the best configuration's rate against the number of layers, and its active rows per layer.
    gp = [head("rate-vs-layers.png", 380), "set grid\nset key bottom right\nset xlabel 'layers'\n"
          "set ylabel 'rate (10^9 edges/s)'\nset y2label 'active rows after the layer'\n"
          "set ytics nomirror\nset y2tics\nset yrange [0:*]\nset y2range [0:*]\n"]
    for size in sizes:
        config = open(os.path.join(out, f"rate-vs-layers-n{size}.dat")).readline().lstrip("# ").strip()
        gp.append(f"set title 'N={size}, the best configuration ({config}): rate of the first L layers,"
                  f" active rows after each layer (sdnn {git_hash})'\n"
                  f"plot 'rate-vs-layers-n{size}.dat' using 1:2 with linespoints lw 2 pt 7 title 'rate of the first"
                  f" L layers', 'active-rows-n{size}.dat' using 1:2 axes x1y2 with lines lw 2 title 'active rows'\n")
    gp.append("unset multiplot\n")
    open(os.path.join(out, "rate-vs-layers.gp"), "w").write("".join(gp))
PY
}

summary="$out/challenge.txt"
challenge_py summary "$out" "$bench_results" "$peaks" "$layers" "$images" "$backends" "$modes" "$max_threads" \
  >"$summary"

# ---- Rate against the number of layers: the best configuration of each size, once per prefix. ----
mapfile -t best <"$out/best.txt"
for line in "${best[@]}"; do
  read -r n backend mode p t <<<"$line"
  dat="$out/rate-vs-layers-n$n.dat"
  { echo "# $backend $mode ${p}x$t"; echo "# N=$n, $images images: layers, rate (1e9 edges/s), seconds"; } >"$dat"
  for k in "${prefixes[@]}"; do
    label="n$n/layers-$k/$backend/$mode/${p}x$t"
    if ((k == layers)); then
      sdnn_run "$label" "$backend" "$p" "$t" "$n" --layers "$k" --mode "$mode" --per-layer
      { echo "# N=$n, L=$layers, $backend $mode ${p}x$t: layer, active rows, nnz after the layer"
        python3 "$bench_reader" layers "$bench_report"; } >"$out/active-rows-n$n.dat"
    else
      sdnn_run --unchecked "$label" "$backend" "$p" "$t" "$n" --layers "$k" --mode "$mode" --no-check
    fi
    awk -v k="$k" -v rate="$bench_rate" -v s="$bench_seconds" 'BEGIN {printf "%d %.6g %s\n", k, rate / 1e9, s}' >>"$dat"
  done
done

# ---- Plots. ----
command -v gnuplot >/dev/null || die "gnuplot not found (Debian: apt-get install gnuplot-nox)"
terminal=pngcairo
gnuplot -e "set terminal pngcairo" 2>/dev/null || terminal=png
# shellcheck disable=SC2086 # one argument per size
challenge_py plots "$out" "$terminal" "$git_hash" "$max_threads" "$backends" $sizes
for plot in rate-by-mode rate-vs-layers; do
  (cd "$out" && gnuplot "$plot.gp") || die "gnuplot failed on $out/$plot.gp"
done

cat "$summary"
{
  echo "plots: $out/rate-by-mode.png $out/rate-vs-layers.png"
  echo "sdnn $git_hash; peak multiply-adds/s: $(awk '{printf "%s%s at %d threads", sep, $2, $1; sep = ", "}' "$peaks")"
  for backend in $backends; do echo "$backend: ${header[$backend]}"; done
} | tee -a "$summary"
