#!/usr/bin/env bash
# End-to-end test of `sdnn train` as a user runs it on Fashion-MNIST (Debian's dataset-fashion-mnist; skipped,
# exit 77, when it is not installed): epochs and curves, checkpoints, a resumed run bit for bit equal to an
# uninterrupted one, the same bits at 1 and 2 threads, and one-line errors for bad input.
#
# Usage: train_cli_test.sh SDNN_EXE WORK_DIR
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "train_cli_test: usage: $0 SDNN_EXE WORK_DIR" >&2
  exit 2
fi
SDNN=$1
WORK=$2
TEST_NAME=train_cli
source "$(dirname "$0")/cli_test_common.sh"

fm=/usr/share/datasets/fashion-mnist
if [[ ! -f $fm/train-images-idx3-ubyte.gz ]]; then
  echo "$TEST_NAME: $fm not installed (Debian package dataset-fashion-mnist): skipped"
  exit 77
fi

small=(--num-train 600 --num-test 200 --hidden 64,48,32 --fan-in 12 --batch-size 16)

same_network() { # DIR_A DIR_B: identical weights, biases and momentum files
  local f
  for f in "$1"/weights-l*.sdnn "$1"/bias-l*.txt "$1"/momentum-l*.sdnn "$1"/bias-momentum-l*.txt; do
    cmp -s "$f" "$2/$(basename "$f")" || fail "$(basename "$f") differs between $1 and $2"
  done
}

check "help"
run "$SDNN" train --help
expect_rc 0
expect_out "Usage: sdnn train"
expect_out "--resume DIR"

check "three epochs with curves and a checkpoint"
run "$SDNN" train "${small[@]}" --threads 2 --epochs 3 --out "$WORK/whole"
expect_rc 0
expect_out "^epoch +3 +loss [0-9.]+ +train [0-9.]+% +test [0-9.]+%"
[[ $(grep -c '^epoch' "$OUT") -eq 3 ]] || fail "expected 3 epoch lines"
[[ $(wc -l <"$WORK/whole/training.csv") -eq 4 ]] || fail "training.csv should have a header and 3 lines"
grep -q '^epochs 3$' "$WORK/whole/sdnn-network.txt" || fail "the metadata does not say 3 epochs"
loss1=$(sed -n 2p "$WORK/whole/training.csv" | cut -d, -f3)
loss3=$(sed -n 4p "$WORK/whole/training.csv" | cut -d, -f3)
awk -v a="$loss1" -v b="$loss3" 'BEGIN { exit !(b < a) }' || fail "the loss did not decrease ($loss1 -> $loss3)"

check "a resumed run equals the uninterrupted one, bit for bit"
run "$SDNN" train "${small[@]}" --threads 2 --epochs 1 --out "$WORK/part"
expect_rc 0
run "$SDNN" train --resume "$WORK/part" --epochs 3 --num-test 200 --threads 2 --out "$WORK/part"
expect_rc 0
expect_out "resumed after epoch 1"
[[ $(grep -c '^epoch' "$OUT") -eq 2 ]] || fail "expected epochs 2 and 3 only"
same_network "$WORK/whole" "$WORK/part"
cmp -s <(cut -d, -f1-6 "$WORK/whole/training.csv") <(cut -d, -f1-6 "$WORK/part/training.csv") ||
  fail "the resumed run's curves differ"

check "--network DIR starts from a saved network: the same bits as drawing it"
run "$SDNN" train "${small[@]}" --threads 2 --epochs 0 --out "$WORK/drawn"
expect_rc 0
run "$SDNN" train --num-train 600 --num-test 200 --batch-size 16 --threads 2 --epochs 3 --network "$WORK/drawn" --out "$WORK/from-file"
expect_rc 0
for f in "$WORK/whole"/weights-l*.sdnn "$WORK/whole"/bias-l*.txt; do
  cmp -s "$f" "$WORK/from-file/$(basename "$f")" || fail "$(basename "$f") differs from the run that drew the network"
done

check "one thread gives the same bits as two"
run "$SDNN" train "${small[@]}" --epochs 3 --threads 1 --out "$WORK/one"
expect_rc 0
same_network "$WORK/whole" "$WORK/one"

check "sdnn infer --network: every mode classifies as training evaluated"
want=$(tail -1 "$WORK/whole/training.csv" | cut -d, -f6 | awk '{ printf "%d", $1 * 200 + 0.5 }')
for mode in $("$SDNN" list modes); do
  run "$SDNN" infer --network "$WORK/whole" --num-inputs 200 --mode "$mode" --threads 2 --predictions-out "$WORK/pred-$mode"
  expect_rc 0
  expect_out "^accuracy [0-9.]+% \($want of 200\)"
  [[ $(wc -l <"$WORK/pred-$mode") -eq 200 ]] || fail "expected 200 predictions"
  cmp -s "$WORK/pred-$mode" "$WORK/pred-$("$SDNN" list modes | head -1)" || fail "$mode predicts differently"
done

check "sdnn infer --network with features the network does not read"
run "$SDNN" infer --network "$WORK/whole" --num-inputs 20 --features challenge
expect_rc 2
expect_err "1024 features per sample, but the network reads 784"
expect_err_lines 1

check "a resumed run refuses options that disagree with the checkpoint"
run "$SDNN" train --resume "$WORK/part" --epochs 4 --batch-size 8
expect_rc 2
expect_err "--batch-size 8 disagrees with the checkpoint's 16"
expect_err_lines 2

check "resuming a network that is not a checkpoint"
run "$SDNN" train --resume "$WORK" --epochs 4
expect_rc 2
expect_err "not a trained network"

check "labels that do not match the images"
run "$SDNN" train --train-labels "$fm/t10k-labels-idx1-ubyte.gz" --epochs 1 --no-test
expect_rc 2
expect_err "10000 labels for the 60000 images"
expect_err_lines 1

check "a directory that is not a network is not overwritten"
mkdir -p "$WORK/precious" && echo keep >"$WORK/precious/notes.txt"
run "$SDNN" train "${small[@]}" --epochs 1 --out "$WORK/precious"
expect_rc 2
expect_err "not a trained network; not replacing it"
[[ $(cat "$WORK/precious/notes.txt") == keep ]] || fail "notes.txt was touched"

check "bad options"
for bad in "--hidden 64,,32" "--batch-size 0" "--momentum 1" "--learning-rate -1" "--features rgb" \
  "--topology ring" "--fan-in 1000"; do
  # shellcheck disable=SC2086
  run "$SDNN" train --num-train 100 --no-test --epochs 1 $bad
  expect_rc 2
  expect_err "sdnn train|fan-in"
done

echo "$TEST_NAME: all checks passed"
