#!/usr/bin/env python3
"""Reads the --report JSON of `sdnn infer` (or perf/sdnn_graphblas) for the benchmark scripts.

  bench_report.py figures FILE STATUS   the figures bench_run records, on one line: seconds rate imbalance
                                        rows-moved io-seconds peak-MiB useful-MACs MAC/s dense-MAC/s-per-thread
                                        dense-median-MAC/s-per-thread ("nan" where the program has none);
                                        exits 1 unless the report's check status is STATUS (passed, skipped)
  bench_report.py text-figures FILE STATUS
                                        the same from the printed report in FILE, for drivers older than
                                        --report (a build of an old commit in perf/bench_builds.sh)
  bench_report.py configuration FILE    "sdnn VERSION | Kokkos VERSION BACKEND, concurrency C"
  bench_report.py layers FILE           one "layer active-rows nnz" line per layer
"""
import json
import re
import sys


def number(value):
    return "nan" if value is None else repr(value)


def figures(report, expect):
    status = report["check"]["status"]
    if status != expect:
        sys.exit(f"bench_report: check {status}, expected {expect}")
    work = report.get("work", {})
    distributed = report.get("distributed")
    # Across ranks when there are several (compute seconds, max/mean), else across threads (1 for a peer).
    imbalance = distributed["imbalance"] if distributed else work.get("imbalance", 1.0)
    moved = distributed["rows_moved"] if distributed else 0
    dense_rate = work["dense_multiply_adds"] / work["dense_seconds"] if work.get("dense_seconds") else None
    dense_median = work.get("dense_median_rate") or None
    values = [report["inference_seconds"], report["rate_edges_per_second"], imbalance, moved, report["io"]["seconds"],
              report["peak_memory_mib"], report["useful_multiply_adds"], report["multiply_adds_per_second"],
              dense_rate, dense_median]
    print(" ".join(number(v) for v in values))


def text_figures(text, expect):
    """The figures of figures() from the lines of the printed report (nan where a line is missing)."""
    status = {"PASSED": "passed", "FAILED": "failed", "skipped": "skipped"}
    check = re.search(r"^check +: (PASSED|FAILED|skipped)", text, re.M)
    if not check or status[check.group(1)] != expect:
        sys.exit(f"bench_report: check {check.group(1) if check else 'missing'}, expected {expect}")

    def find(pattern, default="nan"):
        match = re.search(pattern, text, re.M)
        return match.group(1) if match else default

    number = r"([0-9.e+-]+)"
    imbalance = find(r"^ranks .*\| imbalance \(max/mean\) " + number + ",", None) or \
        find(r"^busy .*imbalance \(max/mean\) " + number, "1")
    values = [find(r"^inference +: " + number), find(r"^rate +: " + number), imbalance,
              find(r"^rebalance .* (\d+) rows moved", "0"), find(r"^io +: " + number),
              find(r"^peak memory +: " + number), find(r"^macs +: " + number), find(r"^macs .*, " + number + " MAC/s"),
              find(r"^dense kernel .*, " + number + " MAC/s per thread"),
              find(r"^dense median +: " + number + " MAC/s per thread")]
    print(" ".join(values))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    command, path = sys.argv[1:3]
    with open(path) as file:
        if command == "text-figures" and len(sys.argv) == 4:
            text_figures(file.read(), sys.argv[3])
            return
        report = json.load(file)
    if command == "figures" and len(sys.argv) == 4:
        figures(report, sys.argv[3])
    elif command == "configuration":
        print(f"sdnn {report['sdnn_version']} | Kokkos {report['kokkos_version']} {report['backend']}, "
              f"concurrency {report['concurrency']}")
    elif command == "layers":
        for layer in report["layers"]:
            print(layer["layer"], layer["active_rows"], layer["nnz"])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
