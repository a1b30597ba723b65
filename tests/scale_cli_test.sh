#!/usr/bin/env bash
# A size of the challenge table beyond the small datasets: N = 16384 x 120 layers on Fashion-MNIST images (resampled
# to 128 x 128), the reference's truth on 200 images, then `sdnn infer` with the generator's layers streamed in
# several windows and several row batches, in every single-node mode: the categories exactly the reference's.
# Skipped (77) without the Debian package dataset-fashion-mnist.
#
# Usage: scale_cli_test.sh SDNN_EXE WORK_DIR
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "scale_cli_test: usage: $0 SDNN_EXE WORK_DIR" >&2
  exit 2
fi
SDNN=$1
WORK=$2
[[ -x "$SDNN" ]] || { echo "scale_cli_test: FAIL: '$SDNN' is not an executable" >&2; exit 1; }
if [[ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]]; then
  echo "scale_cli_test: SKIP: Fashion-MNIST is not installed (Debian package dataset-fashion-mnist)" >&2
  exit 77
fi

TEST_NAME=scale_cli_test
source "$(dirname "$0")/cli_test_common.sh"
start_time=$SECONDS

D="$WORK/n16384"
check "generate 16384 x 120: 200 Fashion-MNIST images and the reference's truth, no layer files"
run "$SDNN" generate --out "$D" --neurons 16384 --layers 120 --num-images 200 --no-layers --format binary --quiet
expect_rc 0
[[ ! -e "$D/neuron16384" ]] || fail "layer files written despite --no-layers"
survivors=$(wc -l <"$D/neuron16384-l120-categories.tsv")
[[ $survivors -ge 20 && $survivors -lt 200 ]] || fail "$survivors of 200 images survive: the check would be weak"

# Two threads whatever the backend defaults to (the plan counts a workspace per thread).
INFER=(infer --dataset "$D" --neurons 16384 --layers 120 --network radixnet --threads 2 --quiet)
check "infer 16384 x 120 in 60 windows of 2 layers x 2 batches (the limit's plan) matches the reference"
run "$SDNN" "${INFER[@]}" --memory-limit 215M --categories-out "$WORK/planned.cat"
expect_rc 0
expect_out '^check        : PASSED'
expect_out '^streaming    : RadiX-Net generator, N=16384, 120 layers, seed 1 .* memory limit 215\.0 MiB: 60 windows of 2 layers x 2 batches of 1[0-9]{2} rows'

for mode in data model manager-worker work-stealing data-then-model; do
  check "infer 16384 x 120, --mode $mode, windows of 7 layers x batches of 64 rows, matches the reference"
  run "$SDNN" "${INFER[@]}" --mode "$mode" --window-layers 7 --batch-rows 64 --categories-out "$WORK/$mode.cat"
  expect_rc 0
  expect_out '^check        : PASSED'
  expect_out 'windows of 7 layers x 4 batches of 64 rows'
  cmp -s "$WORK/planned.cat" "$WORK/$mode.cat" || fail "--mode $mode wrote other categories"
done

echo "$TEST_NAME: all checks passed ($((SECONDS - start_time)) s)"
