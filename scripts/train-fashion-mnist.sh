#!/usr/bin/env bash
# Training on a fresh Debian 12 machine: set everything up, train a sparse network on Fashion-MNIST (3 hidden
# layers of 1024 neurons, fan-in 32, 10 epochs of SGD with momentum: about 89 % test accuracy), plot its curves,
# then classify the 10000 test images with the trained network through the inference engine in every mode.
#
# Usage: scripts/train-fashion-mnist.sh [extra 'sdnn train' options, e.g. --epochs 15 --batch-size 64]
# Environment: SDNN_TRAINED_DIR (the trained network; default ~/.cache/sdnn-data/fmnist-trained),
#              SDNN_THREADS (default: all cores)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$("$root/scripts/build.sh" openmp)"
threads="${SDNN_THREADS:-$(nproc)}"
out="${SDNN_TRAINED_DIR:-${SDNN_DATA_DIR:-$HOME/.cache/sdnn-data}/fmnist-trained}"
export OMP_PROC_BIND="${OMP_PROC_BIND:-spread}" OMP_PLACES="${OMP_PLACES:-threads}"
sdnn="$build/drivers/sdnn"

mkdir -p "$(dirname "$out")"
rm -rf "$out" # a fresh run (sdnn train --resume DIR continues one instead)
"$sdnn" train --threads "$threads" --out "$out" "$@"
"$root/scripts/plot-training.sh" "$out" >/dev/null && echo "curves   $out/training.csv, $out/training.png"
for mode in $("$sdnn" list modes 2>/dev/null); do
  printf '%-16s ' "$mode"
  "$sdnn" infer --network "$out" --mode "$mode" --threads "$threads" --quiet
done
