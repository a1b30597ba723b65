#!/usr/bin/env bash
# The test suite on a fresh Debian 12 machine: set everything up, build the OpenMP and the Threads
# builds (with MPI when found), the OpenMP build without MPI with AddressSanitizer + UBSan (each with
# its tests), the OpenMP build with ThreadSanitizer (the inference and training tests of every mode, at 2
# and 4 threads) and the libFuzzer targets (Clang, ASan + UBSan; each fuzzed for 60 s,
# SDNN_FUZZ_SECONDS), and run ctest on each. Exit status 0 only if every test passes.
#
# Usage: scripts/test.sh [openmp] [threads] [openmp-asan] [openmp-tsan] [fuzz]     (default: all five)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
presets=("$@")
[ "${#presets[@]}" -gt 0 ] || presets=(openmp threads openmp-asan openmp-tsan fuzz)
status=0
for preset in "${presets[@]}"; do
  build="$("$root/scripts/build.sh" "$preset")"
  echo "[sdnn-test] ctest on the $preset build ($build)" >&2
  (cd "$root" && ctest --preset "$preset" -j 2) || status=1
done
exit $status
