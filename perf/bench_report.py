#!/usr/bin/env python3
"""Reads the --report JSON of `sdnn infer` (or perf/sdnn_graphblas) for the benchmark scripts.

  bench_report.py figures FILE STATUS   the figures bench_run records, on one line: seconds rate imbalance
                                        rows-moved io-seconds peak-MiB useful-MACs MAC/s dense-MAC/s-per-thread
                                        dense-median-MAC/s-per-thread ("nan" where the program has none);
                                        exits 1 unless the report's check status is STATUS (passed, skipped)
  bench_report.py configuration FILE    "sdnn VERSION | Kokkos VERSION BACKEND, concurrency C"
  bench_report.py layers FILE           one "layer active-rows nnz" line per layer
"""
import json
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


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    command, path = sys.argv[1:3]
    with open(path) as file:
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
