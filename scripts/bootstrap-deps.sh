#!/usr/bin/env bash
# Obtain everything sdnn needs on a Debian 12 machine, and build Kokkos 3.4.1 (OpenMP and Threads
# backends; openmp-tsan: OpenMP with Clang, LLVM's OpenMP runtime and ThreadSanitizer) from Debian's
# trilinos source package.
#
# Usage: scripts/bootstrap-deps.sh [--backends "openmp threads openmp-tsan"] [--no-apt]
#
# Prefixes are cached outside the checkout in $SDNN_DEPS_DIR (default ~/.cache/sdnn-deps), keyed by
# version, backend and options; a second run finds them and does nothing. On exit it prints the
# prefixes, one "backend=prefix" per line, on stdout (everything else goes to stderr).
# Users with their own Kokkos (spack, modules) skip this script and pass -DKokkos_ROOT=... instead.
set -euo pipefail

backends="openmp threads"
do_apt=1
while [ $# -gt 0 ]; do
  case "$1" in
    --backends) backends="$2"; shift 2 ;;
    --no-apt) do_apt=0; shift ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bootstrap-deps.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
  esac
done

log() { echo "[sdnn-bootstrap] $*" >&2; }
deps_dir="${SDNN_DEPS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sdnn-deps}"
jobs="$(nproc 2>/dev/null || echo 2)"
kokkos_version=3.4.1
mkdir -p "$deps_dir"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# --- Debian packages ------------------------------------------------------------------------
packages=(build-essential cmake ninja-build dpkg-dev xz-utils libopenmpi-dev openmpi-bin
          zlib1g-dev libgtest-dev libbenchmark-dev dataset-fashion-mnist python3 doxygen
          libgraphblas-dev gnuplot-nox libtrilinos-zoltan-dev libptscotch-dev clang libclang-rt-14-dev
          libomp-14-dev)
if [ "$do_apt" = 1 ]; then
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    apt_log="$deps_dir/apt-install.log"
    { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >"$apt_log" 2>&1 ||
      { tail -20 "$apt_log" >&2; log "error: apt-get install failed (full log: $apt_log)"; exit 1; }
  fi
fi

stamp_ok() { [ -f "$1/.sdnn-stamp" ]; }

kokkos_prefix() { echo "$deps_dir/kokkos-$kokkos_version-$1-release"; }
all_cached=1
for b in $backends; do stamp_ok "$(kokkos_prefix "$b")" || all_cached=0; done

if [ "$all_cached" = 0 ]; then
  # --- Kokkos sources from Debian's trilinos source package ------------------------------------
  src_dir="$deps_dir/src/trilinos-kokkos-$kokkos_version"
  if [ ! -f "$src_dir/.sdnn-stamp" ]; then
    dl_dir="$deps_dir/src/download"
    mkdir -p "$dl_dir"
    if ! ls "$dl_dir"/trilinos_*.orig.tar.* >/dev/null 2>&1; then
      # Enable deb-src by deriving a sources entry from the system's own deb822 file (same URIs
      # and suites), unless the system already has source entries.
      if ! (apt-get source --print-uris trilinos 2>/dev/null | grep -q orig.tar); then
        sys_sources=/etc/apt/sources.list.d/debian.sources
        if [ -f "$sys_sources" ]; then
          log "enabling deb-src entries derived from $sys_sources"
          sed 's/^Types:.*/Types: deb-src/' "$sys_sources" | as_root tee /etc/apt/sources.list.d/sdnn-deb-src.sources >/dev/null
        elif [ -f /etc/apt/sources.list ]; then
          log "enabling deb-src entries derived from /etc/apt/sources.list"
          sed -n 's/^deb /deb-src /p' /etc/apt/sources.list | as_root tee /etc/apt/sources.list.d/sdnn-deb-src.list >/dev/null
        else
          log "error: no apt sources found to derive deb-src entries from"; exit 1
        fi
        as_root apt-get update -qq >&2
      fi
      log "downloading Debian source package trilinos (about 166 MB, once)"
      (cd "$dl_dir" && apt-get source --download-only trilinos >"$dl_dir/apt-source.log" 2>&1) ||
        { tail -20 "$dl_dir/apt-source.log" >&2; log "error: apt-get source trilinos failed"; exit 1; }
    fi
    tarball="$(ls "$dl_dir"/trilinos_*.orig.tar.* | head -n 1)"
    log "extracting packages/kokkos from $(basename "$tarball")"
    rm -rf "$src_dir"; mkdir -p "$src_dir"
    tar -xf "$tarball" -C "$src_dir" --strip-components=2 --wildcards \
        '*/packages/kokkos/*'
    grep -q "Kokkos_VERSION_MAJOR 3" "$src_dir/kokkos/CMakeLists.txt" 2>/dev/null ||
      grep -q "KOKKOS_VERSION_MAJOR 3" "$src_dir/kokkos/CMakeLists.txt" ||
      { log "error: unexpected Kokkos version in $src_dir/kokkos"; exit 1; }
    touch "$src_dir/.sdnn-stamp"
  fi

  for b in $backends; do
    prefix="$(kokkos_prefix "$b")"
    stamp_ok "$prefix" && continue
    compiler=()
    case "$b" in
      openmp) opt=(-DKokkos_ENABLE_OPENMP=ON) ;;
      threads) opt=(-DKokkos_ENABLE_PTHREAD=ON) ;;   # Kokkos 3.4's name for the Threads backend
      serial) opt=() ;;
      # Kokkos instrumented too: its OpenMP backend's own spin-waits are then seen by TSan.
      openmp-tsan) opt=(-DKokkos_ENABLE_OPENMP=ON "-DCMAKE_CXX_FLAGS=-fsanitize=thread -g")
                   compiler=(-DCMAKE_CXX_COMPILER=clang++) ;;
      *) log "error: unknown backend '$b' (openmp, threads, serial, openmp-tsan)"; exit 2 ;;
    esac
    build="$deps_dir/build/kokkos-$b"
    rm -rf "$build" "$prefix"; mkdir -p "$build"
    log "building Kokkos $kokkos_version ($b) into $prefix"
    cmake -S "$src_dir/kokkos" -B "$build/kokkos" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_CXX_STANDARD=17 -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
      -DKokkos_ENABLE_SERIAL=ON "${compiler[@]}" "${opt[@]}" >"$build.kokkos.log" 2>&1 ||
      { tail -30 "$build.kokkos.log" >&2; exit 1; }
    grep "Kokkos Backends" "$build.kokkos.log" >&2 || true
    cmake --build "$build/kokkos" -j "$jobs" >>"$build.kokkos.log" 2>&1 &&
      cmake --install "$build/kokkos" >>"$build.kokkos.log" 2>&1 ||
      { tail -30 "$build.kokkos.log" >&2; exit 1; }
    rm -rf "$build"
    touch "$prefix/.sdnn-stamp"
  done
fi

for b in $backends; do echo "$b=$(kokkos_prefix "$b")"; done
