# Shared by the end-to-end benchmarks (source it): checked runs of the driver and the summary table.
#
#   bench_run [--unchecked] LABEL COMMAND...
#        runs one inference (COMMAND prints the driver's report, or a peer program's report in the same
#        lines), fails unless its check PASSED (--unchecked: a --no-check run, its check skipped), and
#        records "LABEL seconds rate imbalance rows-moved io-seconds peak-MiB useful-MACs MAC/s
#        dense-MAC/s-per-thread dense-median-MAC/s-per-thread" in $bench_results; the report stays in
#        $bench_output and its figures in bench_seconds, bench_rate, bench_imbalance, bench_moved, bench_io,
#        bench_peak_mib, bench_macs, bench_mac_rate, bench_dense_rate, bench_dense_median (the driver's 'dense
#        kernel' and 'dense median' lines, nan without them). The progress
#        line on stderr counts the runs ("run i of n") when bench_total is set.
#   bench_summary CSV LABEL...   median / min / max seconds, median rate, imbalance and rows moved per
#                                label (in the given order), printed and written to CSV; the label named
#                                by $bench_baseline (default "reference"), if run, adds each label's
#                                speed-up over it (its median time over the label's)
bench_results="$(mktemp)"
trap 'rm -f "$bench_results"' EXIT

bench_done=0 bench_total=0

bench_run() {
  local expect='^check        : PASSED' label out
  if [[ $1 = --unchecked ]]; then expect='^check        : skipped'; shift; fi
  label=$1
  shift
  out="$("$@")" || { echo "$out" >&2; echo "bench: $label failed: $*" >&2; exit 1; }
  grep -q "$expect" <<<"$out" || { echo "$out" >&2; echo "bench: $label: check did not pass: $*" >&2; exit 1; }
  bench_output=$out
  bench_seconds=$(awk '/^inference/ {print $3}' <<<"$out")
  bench_rate=$(awk '/^rate/ {print $3}' <<<"$out")
  # Across ranks when there are several (compute seconds, max/mean), else across threads.
  if grep -q '^rank ' <<<"$out"; then
    bench_imbalance=$(sed -n 's/^ranks .*| imbalance (max\/mean) \([0-9.]*\),.*/\1/p' <<<"$out")
  else
    bench_imbalance=$(awk '/^busy/ {print $NF}' <<<"$out")
  fi
  bench_moved=$(sed -n 's/^rebalance .* \([0-9]*\) rows moved.*/\1/p' <<<"$out")
  bench_io=$(awk '/^io / {print $3}' <<<"$out")
  bench_peak_mib=$(awk '/^peak memory/ {print $4}' <<<"$out")
  bench_macs=$(awk '/^macs/ {print $3}' <<<"$out")
  bench_mac_rate=$(sed -n 's/^macs .*, \([0-9.e+-]*\) MAC\/s.*/\1/p' <<<"$out")
  bench_dense_rate=$(sed -n 's/^dense kernel .*, \([0-9.e+-]*\) MAC\/s per thread.*/\1/p' <<<"$out")
  bench_dense_median=$(sed -n 's/^dense median : \([0-9.e+-]*\) MAC\/s per thread.*/\1/p' <<<"$out")
  : "${bench_imbalance:=1}" "${bench_moved:=0}" "${bench_io:=nan}" "${bench_peak_mib:=nan}" "${bench_macs:=nan}"
  : "${bench_mac_rate:=nan}" "${bench_dense_rate:=nan}" "${bench_dense_median:=nan}"
  echo "$label $bench_seconds $bench_rate $bench_imbalance $bench_moved $bench_io $bench_peak_mib $bench_macs" \
    "$bench_mac_rate $bench_dense_rate $bench_dense_median" >>"$bench_results"
  local count=""
  ((++bench_done))
  if ((bench_total > 0)); then count="run $bench_done of $bench_total, "; fi
  echo "[bench] $count$label: $bench_seconds s, rate $bench_rate edges/s, imbalance $bench_imbalance," \
    "rows moved $bench_moved" >&2
}

bench_summary() {
  bench_baseline="${bench_baseline:-reference}" python3 - "$bench_results" "$@" <<'PY'
import os, statistics, sys
path, csv, *order = sys.argv[1:]
baseline = os.environ.get("bench_baseline") or "reference"
rows = {}
for line in open(path):
    label, s, rate, imb, moved = line.rsplit(maxsplit=10)[:5]
    rows.setdefault(label, []).append((float(s), float(rate), float(imb), int(moved)))
ref = statistics.median(r[0] for r in rows[baseline]) if baseline in rows else None
if ref and baseline not in order:
    order.append(baseline)
header = ["label", "runs", "median_s", "min_s", "max_s", "median_rate_edges_per_s", "median_imbalance", "rows_moved"]
if ref:
    header.append(f"speedup_vs_{baseline}")
lines = [",".join(header)]
width = max(len(label) for label in order)
print(f"\n{'':{width}} {'runs':>4} {'median s':>9} {'min s':>8} {'max s':>8} {'rate (edges/s)':>15} {'imbalance':>9}"
      f" {'rows moved':>10}" + (f" {'x ' + baseline:>11}" if ref else ""))
for label in order:
    r = rows[label]
    seconds = [x[0] for x in r]
    med = statistics.median(seconds)
    rate = statistics.median(x[1] for x in r)
    imb = statistics.median(x[2] for x in r)
    moved = int(statistics.median(x[3] for x in r))
    fields = [label, len(r), f"{med:.3f}", f"{min(seconds):.3f}", f"{max(seconds):.3f}", f"{rate:.4e}", f"{imb:.3f}", moved]
    text = (f"{label:{width}} {len(r):4d} {med:9.3f} {min(seconds):8.3f} {max(seconds):8.3f} {rate:15.4e} {imb:9.3f}"
            f" {moved:10d}")
    if ref:
        fields.append(f"{ref / med:.2f}")
        text += f" {ref / med:11.2f}"
    lines.append(",".join(map(str, fields)))
    print(text)
open(csv, "w").write("\n".join(lines) + "\n")
print(f"CSV: {csv}")
PY
}
