#!/usr/bin/env bash
# Set up the dependencies (scripts/bootstrap-deps.sh, cached) and configure + build sdnn with one
# Kokkos backend through its CMake preset. Prints the build directory on stdout.
#
# Usage: scripts/build.sh [openmp|threads]    (default openmp)
# Environment: SDNN_DEPS_DIR (dependency cache), Kokkos_ROOT (use your own Kokkos, skip the bootstrap)
set -euo pipefail
backend="${1:-openmp}"
case "$backend" in openmp|threads) ;; *) echo "build.sh: backend must be openmp or threads" >&2; exit 2 ;; esac
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if [ -n "${Kokkos_ROOT:-}" ]; then
  prefix="$Kokkos_ROOT"
  scripts/bootstrap-deps.sh --backends "" >/dev/null # Debian packages only
else
  prefix="$(scripts/bootstrap-deps.sh --backends "$backend" | sed -n "s/^$backend=//p")"
fi
echo "[sdnn-build] configuring preset $backend with Kokkos_ROOT=$prefix" >&2
cmake --preset "$backend" -DKokkos_ROOT="$prefix" >"build-$backend.configure.log" 2>&1 ||
  { cat "build-$backend.configure.log" >&2; exit 1; }
rm -f "build-$backend.configure.log"
echo "[sdnn-build] building build/$backend" >&2
cmake --build --preset "$backend" -j "$(nproc)" >&2
echo "$root/build/$backend"
