#!/usr/bin/env bash
# The test suite on a fresh Debian 12 machine: set everything up, build the OpenMP and the Threads
# builds (each with its tests) and run ctest on both. Exit status 0 only if every test passes.
#
# Usage: scripts/test.sh [openmp] [threads]     (default: both)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
backends=("$@")
[ "${#backends[@]}" -gt 0 ] || backends=(openmp threads)
status=0
for backend in "${backends[@]}"; do
  build="$("$root/scripts/build.sh" "$backend")"
  echo "[sdnn-test] ctest on the $backend build" >&2
  (cd "$root" && ctest --preset "$backend" -j 2) || status=1
done
exit $status
