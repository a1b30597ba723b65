# Shared by the end-to-end benchmarks (source it): checked runs of the driver and the summary table.
#
#   bench_run [--unchecked] [--text] LABEL COMMAND...
#        runs one inference (COMMAND is `sdnn infer ...` or a peer program with the same options, and gets
#        `--report FILE` appended), fails unless its check passed (--unchecked: a --no-check run, its check
#        skipped), and records "LABEL seconds rate imbalance rows-moved io-seconds peak-MiB useful-MACs MAC/s
#        dense-MAC/s-per-thread dense-median-MAC/s-per-thread" in $bench_results, read from the JSON report
#        (perf/bench_report.py; nan where the program has no such figure). The printed report stays in
#        $bench_output, the JSON one in $bench_report, the figures in bench_seconds, bench_rate,
#        bench_imbalance, bench_moved, bench_io, bench_peak_mib, bench_macs, bench_mac_rate, bench_dense_rate,
#        bench_dense_median. The progress line on stderr counts the runs ("run i of n") when bench_total is set.
#        --text: no --report, the figures are read from the printed report (drivers older than --report).
#   bench_summary CSV LABEL...   median / min / max seconds, median rate, imbalance and rows moved per
#                                label (in the given order), printed and written to CSV; the label named
#                                by $bench_baseline (default "reference"), if run, adds each label's
#                                speed-up over it (its median time over the label's)
bench_results="$(mktemp)"
bench_report="$(mktemp --suffix=.json)"
trap 'rm -f "$bench_results" "$bench_report"' EXIT
bench_reader="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/bench_report.py"

bench_done=0 bench_total=0

bench_run() {
  local expect=passed text=0 label out figures
  if [[ $1 = --unchecked ]]; then expect=skipped; shift; fi
  if [[ $1 = --text ]]; then text=1; shift; fi
  label=$1
  shift
  rm -f "$bench_report"
  if ((text)); then
    out="$("$@")" || { echo "$out" >&2; echo "bench: $label failed: $*" >&2; exit 1; }
    figures="$(python3 "$bench_reader" text-figures /dev/stdin "$expect" <<<"$out")"
  else
    out="$("$@" --report "$bench_report")" || { echo "$out" >&2; echo "bench: $label failed: $*" >&2; exit 1; }
    figures="$(python3 "$bench_reader" figures "$bench_report" "$expect")"
  fi || { echo "$out" >&2; echo "bench: $label: check did not pass: $*" >&2; exit 1; }
  bench_output=$out
  read -r bench_seconds bench_rate bench_imbalance bench_moved bench_io bench_peak_mib bench_macs bench_mac_rate \
    bench_dense_rate bench_dense_median <<<"$figures"
  echo "$label $figures" >>"$bench_results"
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
