#!/usr/bin/env bash
# Set up the dependencies (scripts/bootstrap-deps.sh, cached) and configure + build sdnn with one
# Kokkos backend through its CMake preset. Prints the build directory on stdout.
#
# Usage: scripts/build.sh [openmp|threads|openmp-asan|openmp-tsan|fuzz]    (default openmp)
# Environment: SDNN_DEPS_DIR (dependency cache), Kokkos_ROOT (use your own Kokkos, skip the bootstrap),
#              SDNN_FUZZ_SECONDS (fuzz preset: seconds per target under ctest, default 60)
set -euo pipefail
preset="${1:-openmp}"
case "$preset" in openmp|threads|openmp-asan|openmp-tsan|fuzz) ;; *) echo "build.sh: preset must be openmp, threads, openmp-asan, openmp-tsan or fuzz" >&2; exit 2 ;; esac
backend="${preset%%-*}" # the Kokkos backend of the preset
[ "$preset" != openmp-tsan ] || backend=openmp-tsan # a Kokkos of its own, built with Clang and TSan
[ "$preset" != fuzz ] || backend=threads # libFuzzer needs Clang, whose OpenMP runtime is not Kokkos' (GCC's)
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if [ -n "${Kokkos_ROOT:-}" ]; then
  prefix="$Kokkos_ROOT"
  scripts/bootstrap-deps.sh --backends "" >/dev/null # Debian packages only
else
  prefix="$(scripts/bootstrap-deps.sh --backends "$backend" | sed -n "s/^$backend=//p")"
fi
echo "[sdnn-build] configuring preset $preset with Kokkos_ROOT=$prefix" >&2
cmake --preset "$preset" -DKokkos_ROOT="$prefix" ${SDNN_FUZZ_SECONDS:+-DSDNN_FUZZ_SECONDS="$SDNN_FUZZ_SECONDS"} \
  >"build-$preset.configure.log" 2>&1 ||
  { cat "build-$preset.configure.log" >&2; exit 1; }
rm -f "build-$preset.configure.log"
echo "[sdnn-build] building build/$preset" >&2
cmake --build --preset "$preset" -j "$(nproc)" >&2
echo "$root/build/$preset"
