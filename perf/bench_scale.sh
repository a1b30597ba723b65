#!/usr/bin/env bash
# The whole Graph Challenge table with sdnn's streamed inference. For every size of the challenge, N in 1024,
# 4096, 16384, 65536 neurons x L in 120, 480, 1920 layers: `sdnn infer --network radixnet --memory-limit SIZE`
# (the layers made by the RadiX-Net generator as they are needed: no layer files) on a generated Fashion-MNIST
# dataset of M images (`sdnn generate --no-layers --truth-by engine`: the images and the truth only), every run
# checked against the truth, the runs interleaved by rounds (round 1 runs every size once, then round 2, ...)
# so that the machine's noise hits all sizes alike. The machine's multiply-add peak on T threads
# (perf/sdnn_peak) is measured once.
# Writes OUT/scale.csv, one row per size: median / min / max inference seconds (the engine's compute, without
# the layer loading), the median rate (edges/s) and the same counting the layer loading, the median
# multiply-adds per second, the peak and the fraction of it, the median layer-loading seconds, the peak memory
# (max over the runs) against the limit, the plan's windows (per batch) and batches, and the core-seconds
# (T x the median seconds with the loading), and the inputs the check compared (all, or the leading ones of
# --truth-by leading); prints it as a table (also OUT/scale.txt) and plots the fraction
# of the peak per size with gnuplot (OUT/scale.png; scale.dat and scale.gp beside it; no plot without gnuplot).
# Every run's JSON report is kept in OUT/reports/NxL-runR.json.
#
# Usage: perf/bench_scale.sh [--sizes "1024x120 4096x120 ..."] [--images M] [--runs K] [--threads T]
#                            [--memory-limit SIZE] [--truth-by engine|reference|leading] [--out DIR] [--quick]
#   --sizes   NxL pairs, run in the given order (default: the challenge's twelve, by increasing N x L)
#   --memory-limit  sdnn infer's budget: 512M, 16G, ... (default 16G)
#   --truth-by  engine (default): the truth of every image (below); reference: the sequential reference's on
#             every image, on one core (16384x120: faster than the engine's sparse kernel on 2); leading: the
#             reference's on the first 500 images only, for sizes where neither goes through every image
#             (65536x1920: about 10 minutes), the check then comparing the categories among those images
#             (the datasets of reference and leading: SDNN_DATA_DIR/fmnist-nN-lL-M-radixnet-METHOD)
#   --quick   a smoke run of under a minute: 1024x120, 2000 images, 1 run
# Defaults: the twelve sizes, 60000 images, 3 runs, 2 threads, --memory-limit 16G, OUT=build/perf-scale.
# A dataset, SDNN_DATA_DIR/fmnist-nN-lL-M-radixnet, is generated once and reused (the generator keeps a
# dataset whose stamp matches); its truth costs about two inferences of the engine (its sparse and dense
# kernels must agree) and the sequential reference on the first 500 images. A run's work grows with M x N x L
# (65536x1920 has 1024 times the edges of 1024x120) and, past one batch, every batch loads the layers again:
# expect hours per run for the largest sizes on 2 cores.
# Environment: SDNN_BUILD_OPENMP (a build directory to use instead of scripts/build.sh openmp; it needs
#              perf/sdnn_peak: -DSdnn_ENABLE_BENCHMARKS=ON), SDNN_DATA_DIR (datasets; default ~/.cache/sdnn-data)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
me=bench_scale.sh
die() { echo "$me: $*" >&2; exit 2; }

unset sizes images runs threads
memory_limit=16G truth_by=engine quick=0 out="$root/build/perf-scale"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sizes|--images|--runs|--threads|--memory-limit|--truth-by|--out)
      [[ $# -ge 2 ]] || die "$1 needs a value (see --help)" ;;
  esac
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --images) images="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --memory-limit) memory_limit="$2"; shift 2 ;;
    --truth-by) truth_by="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --quick) quick=1; shift ;;
    -h|--help) sed -n '2,35p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
# The challenge's twelve sizes by increasing N x L (then N).
all_sizes="$(for n in 1024 4096 16384 65536; do for l in 120 480 1920; do echo "$((n * l)) $n ${n}x$l"; done; done |
  sort -n -k1,1 -k2,2 | awk '{print $3}' | tr '\n' ' ')"
# --quick sets what the command line did not.
if [[ $quick = 1 ]]; then
  : "${sizes:=1024x120}" "${images:=2000}" "${runs:=1}"
fi
: "${sizes:=$all_sizes}" "${images:=60000}" "${runs:=3}" "${threads:=2}"
for value in $images $runs $threads; do
  [[ $value =~ ^[1-9][0-9]*$ ]] || die "'$value' is not a positive integer"
done
[[ -n "${sizes// /}" ]] || die "--sizes needs at least one NxL"
declare -A seen
for size in $sizes; do
  [[ $size =~ ^[1-9][0-9]*x[1-9][0-9]*$ ]] || die "size '$size' is not NxL (neurons x layers, e.g. 1024x120)"
  [[ -z "${seen[$size]:-}" ]] || die "size $size given twice"
  seen[$size]=1
done
[[ $truth_by =~ ^(engine|reference|leading)$ ]] || die "--truth-by must be engine, reference or leading, got '$truth_by'"
[[ $memory_limit =~ ^[0-9]*\.?[0-9]+([KkMmGgTt](i?B)?|B)?$ ]] ||
  die "--memory-limit must be a size such as 512M or 16G, got '$memory_limit'"
mkdir -p "$out/reports"
out="$(cd "$out" && pwd)"
rm -f "$out"/reports/*x*-run*.json # a previous invocation's reports
export OMP_PROC_BIND="${OMP_PROC_BIND:-spread}" OMP_PLACES="${OMP_PLACES:-threads}"
git_hash="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"

# ---- The build: the driver and the peak benchmark. ----
if [[ -n "${SDNN_BUILD_OPENMP:-}" ]]; then
  build="$SDNN_BUILD_OPENMP"
else
  echo "[bench] building the openmp backend (scripts/build.sh openmp)" >&2
  build="$("$root/scripts/build.sh" openmp)"
fi
sdnn="$build/drivers/sdnn"
[[ -x "$sdnn" ]] || die "$sdnn not found"
peak_program="$build/perf/sdnn_peak"
[[ -x "$peak_program" ]] ||
  die "$peak_program not found: the peak benchmark is built with the benchmarks (-DSdnn_ENABLE_BENCHMARKS=ON)"

# ---- Datasets: the images and the truth, generated once, then reused. ----
data_dir="${SDNN_DATA_DIR:-$HOME/.cache/sdnn-data}"
declare -A data
for size in $sizes; do
  n=${size%x*} l=${size#*x}
  dir="$data_dir/fmnist-n$n-l$l-$images-radixnet"
  [[ $truth_by == engine ]] || dir="$dir-$truth_by"
  if [[ ! -f "$dir/sdnn-dataset-n$n-l$l.txt" ]]; then
    echo "[bench] generating the N=$n, L=$l, $images-image dataset in $dir (no layer files; the truth by the" \
      "$(case $truth_by in engine) echo "engine, checked by the reference on the first 500 images" ;;
        reference) echo "reference on every image" ;; leading) echo "reference on the first 500 images only" ;;
        esac)), once" >&2
  fi
  "$sdnn" generate --out "$dir" --neurons "$n" --layers "$l" --images fashion-mnist --num-images "$images" \
    --no-layers --format binary --truth-by "$truth_by" --reference-inputs 500 --threads "$threads" >&2 ||
    die "generating the $size dataset in $dir failed"
  data[$size]=$dir
done

# ---- The peak multiply-add rate on T threads, once. ----
line="$("$peak_program" --threads "$threads")" || die "$peak_program --threads $threads failed"
peak="$(awk '/^peak / {print $3}' <<<"$line")"
[[ -n "$peak" ]] || die "$peak_program --threads $threads printed no 'peak : X multiply-adds/s' line: $line"
echo "$threads $peak" >"$out/peak.txt"
echo "[bench] peak at $threads threads: $peak multiply-adds/s" >&2

# shellcheck source=SCRIPTDIR/bench_common.sh
source "$root/perf/bench_common.sh"

count=$(wc -w <<<"$sizes")
bench_total=$((runs * count))
echo "[bench] sdnn $git_hash, $("$sdnn" --version | sed -n '1p'), sizes $sizes, $images images, $threads threads," \
  "--memory-limit $memory_limit, $runs round$( ((runs == 1)) || echo s); output in $out" >&2
configuration=""
for ((r = 1; r <= runs; ++r)); do
  i=0
  for size in $sizes; do
    ((++i))
    n=${size%x*} l=${size#*x}
    echo "[bench] round $r of $runs, size $i of $count: N=$n L=$l" >&2
    bench_run "$size" "$sdnn" infer --dataset "${data[$size]}" --neurons "$n" --layers "$l" --network radixnet \
      --memory-limit "$memory_limit" --threads "$threads" --quiet
    cp "$bench_report" "$out/reports/$size-run$r.json"
    : "${configuration:=$(python3 "$bench_reader" configuration "$bench_report")}"
  done
done

# ---- The table (CSV, printed) and the plot's data and script. ----
terminal=pngcairo
if command -v gnuplot >/dev/null; then gnuplot -e "set terminal pngcairo" 2>/dev/null || terminal=png; fi
# shellcheck disable=SC2086 # one argument per size
python3 - "$out" "$peak" "$threads" "$images" "$runs" "$memory_limit" "$git_hash" "$terminal" $sizes <<'PY' |
import json, os, statistics, sys

out, peak, threads, images, runs, limit_option, git_hash, terminal, *sizes = sys.argv[1:]
peak, threads, images, runs = float(peak), int(threads), int(images), int(runs)
MiB = 1024.0 * 1024.0
rows = []
for size in sizes:
    reports = [json.load(open(os.path.join(out, "reports", f"{size}-run{r}.json"))) for r in range(1, runs + 1)]
    n, l = (int(x) for x in size.split("x"))
    for report in reports:
        d = report["dataset"]
        if (d["neurons"], d["layers"], d["inputs"]) != (n, l, images):
            sys.exit(f"bench_scale: the {size} report is of N={d['neurons']} L={d['layers']} with {d['inputs']} inputs")
    seconds = [x["inference_seconds"] for x in reports]
    streaming = [x["streaming"] for x in reports]
    # Seconds counting the layer loading: what the driver's rate with loading divides by (compute + loading).
    with_loading = [x["dataset"]["inputs"] * x["dataset"]["edges"] / x["streaming"]["rate_with_loading"]
                    for x in reports]
    mac_rate = statistics.median(x["multiply_adds_per_second"] for x in reports)
    window_layers = max(s["window_layers"] for s in streaming)
    rows.append(dict(
        neurons=n, layers=l, images=images, threads=threads, runs=len(reports), median_s=statistics.median(seconds),
        min_s=min(seconds), max_s=max(seconds),
        median_rate=statistics.median(x["rate_edges_per_second"] for x in reports),
        median_rate_with_loading=statistics.median(s["rate_with_loading"] for s in streaming),
        median_mac_rate=mac_rate, peak_mac_rate=peak, peak_fraction=mac_rate / peak,
        median_layer_s=statistics.median(s["layer_seconds"] for s in streaming),
        peak_mib=max(x["peak_memory_mib"] for x in reports),
        memory_limit_mib=max(s["memory_limit"] for s in streaming) / MiB,
        # The plan's windows per batch, as the printed report counts them (the JSON's 'windows' counts the
        # windows of every batch), and the batches.
        windows=-(-l // window_layers), batches=max(s["batches"] for s in streaming),
        core_s=threads * statistics.median(with_loading),
        # The inputs the check compared: all, or the leading ones a --truth-by leading truth covers.
        checked_inputs=min(x["check"].get("truth_inputs") or images for x in reports)))

columns = ["neurons", "layers", "images", "threads", "runs", "median_s", "min_s", "max_s", "median_rate",
           "median_rate_with_loading", "median_mac_rate", "peak_mac_rate", "peak_fraction", "median_layer_s",
           "peak_mib", "memory_limit_mib", "windows", "batches", "core_s", "checked_inputs"]
specs = dict(median_s=".4f", min_s=".4f", max_s=".4f", median_rate=".4e", median_rate_with_loading=".4e",
             median_mac_rate=".4e", peak_mac_rate=".4e", peak_fraction=".4g", median_layer_s=".4f", peak_mib=".1f",
             memory_limit_mib=".1f", core_s=".3f")
csv = os.path.join(out, "scale.csv")
with open(csv, "w") as f:
    f.write(",".join(columns) + "\n")
    for r in rows:
        f.write(",".join(format(r[c], specs.get(c, "")) for c in columns) + "\n")

print(f"{'N':>6} {'L':>5} {'images':>6} {'runs':>4} {'median s':>9} {'min s':>9} {'max s':>9} {'rate (edges/s)':>14}"
      f" {'rate (all)':>10} {'MAC/s':>10} {'of peak':>8} {'layers s':>9} {'peak MiB':>9} {'limit MiB':>9}"
      f" {'windows':>7} {'batches':>7} {'core-s':>9} {'checked':>7}")
for r in rows:
    print(f"{r['neurons']:6d} {r['layers']:5d} {r['images']:6d} {r['runs']:4d} {r['median_s']:9.3f} {r['min_s']:9.3f}"
          f" {r['max_s']:9.3f} {r['median_rate']:14.4e} {r['median_rate_with_loading']:10.3e}"
          f" {r['median_mac_rate']:10.3e} {100 * r['peak_fraction']:7.2f}% {r['median_layer_s']:9.3f}"
          f" {r['peak_mib']:9.1f} {r['memory_limit_mib']:9.1f} {r['windows']:7d} {r['batches']:7d} {r['core_s']:9.2f}"
          f" {r['checked_inputs']:7d}")
print(f"CSV: {csv}")

# scale.dat: the fraction of the peak per size; scale.gp: its bars.
with open(os.path.join(out, "scale.dat"), "w") as f:
    f.write(f"# {images} images, {threads} threads, --memory-limit {limit_option}, sdnn {git_hash}\n"
            "# \"N x L\", fraction of the multiply-add peak (median MAC/s / peak), median MAC/s, peak MAC/s\n")
    for r in rows:
        f.write(f"\"{r['neurons']} x {r['layers']}\" {r['peak_fraction']:.6g} {r['median_mac_rate']:.6g} {peak:.6g}\n")
top = 1.2 * 100 * max([r["peak_fraction"] for r in rows] + [1e-9])
font = " font ',10'" if terminal == "pngcairo" else ""
with open(os.path.join(out, "scale.gp"), "w") as f:
    f.write(f"set terminal {terminal} size {max(900, 160 + 90 * len(rows))},480{font} noenhanced\n"
            "set output 'scale.png'\n"
            f"set title \"sdnn streamed inference (--network radixnet, --memory-limit {limit_option}), {images} images,"
            f" {threads} threads, sdnn {git_hash}\\nthe engine's median MAC/s (without the layer loading, median of"
            f" {runs} run{'s' if runs != 1 else ''}) against the peak, {peak:.4g} multiply-adds/s\"\n"
            "set style data histograms\nset style fill solid 0.6 border -1\nset boxwidth 0.8\nset grid ytics\n"
            f"set key off\nset xlabel 'N x L'\nset ylabel 'fraction of the multiply-add peak (%)'\n"
            f"set yrange [0:{top:.6g}]\n"
            + ("set xtics rotate by -30\n" if len(rows) > 6 else "") +
            "plot 'scale.dat' using ($2 * 100):xtic(1), '' using 0:($2 * 100):(sprintf('%.1f %%', $2 * 100))"
            " with labels offset 0,0.8\n")
PY
  tee "$out/scale.txt"

if command -v gnuplot >/dev/null; then
  (cd "$out" && gnuplot scale.gp) || die "gnuplot failed on $out/scale.gp"
  echo "plot: $out/scale.png" | tee -a "$out/scale.txt"
else
  echo "[bench] gnuplot not found (Debian: apt-get install gnuplot-nox): no plot; $out/scale.gp draws it from" \
    "scale.dat" >&2
fi
echo "sdnn $git_hash | $configuration | $threads threads, peak $peak multiply-adds/s, --memory-limit $memory_limit" |
  tee -a "$out/scale.txt"
