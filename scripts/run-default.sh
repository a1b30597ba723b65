#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: set everything up, generate (or reuse) the default
# dataset -- N=1024, L=120, 60000 Fashion-MNIST images, truth from the reference inference -- and run
# inference on it (all cores, manager-worker mode) with the exact check against the truth.
#
# Usage: scripts/run-default.sh [extra 'sdnn infer' options, e.g. --per-layer]
# Environment: SDNN_DATA_DIR (datasets; default ~/.cache/sdnn-data), SDNN_THREADS (default: all cores),
#              SDNN_NUM_IMAGES (default 60000, the challenge's count)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$("$root/scripts/build.sh" openmp)"
threads="${SDNN_THREADS:-$(nproc)}"
export OMP_PROC_BIND="${OMP_PROC_BIND:-spread}" OMP_PLACES="${OMP_PLACES:-threads}"

data="$("$root/scripts/dataset.sh" "$build/drivers/sdnn" 1024 120 "${SDNN_NUM_IMAGES:-60000}")"
# The default mode is the fastest measured one (manager-worker); --mode picks another.
"$build/drivers/sdnn" infer --dataset "$data" --neurons 1024 --layers 120 --threads "$threads" "$@"
