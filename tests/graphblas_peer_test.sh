#!/usr/bin/env bash
# perf/sdnn_graphblas (the SuiteSparse:GraphBLAS peer) against the sdnn driver on a generated dataset:
# it passes the check, finds the same categories and prints the same per-layer lines as `sdnn infer`;
# a wrong truth fails the check (exit 1); a missing layer file exits 2 with one line naming it.
#
# Usage: graphblas_peer_test.sh SDNN_GRAPHBLAS_EXE SDNN_EXE WORK_DIR
# WORK_DIR is deleted and recreated; the binary cache lives in WORK_DIR/cache.
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "graphblas_peer_test: usage: $0 SDNN_GRAPHBLAS_EXE SDNN_EXE WORK_DIR" >&2
  exit 2
fi
GRB=$1
SDNN=$2
WORK=$3
for exe in "$GRB" "$SDNN"; do
  [[ -x "$exe" ]] || { echo "graphblas_peer_test: FAIL: '$exe' is not an executable" >&2; exit 1; }
done

TEST_NAME=graphblas_peer_test
source "$(dirname "$0")/cli_test_common.sh"

start_time=$SECONDS

check "sdnn_graphblas --help"
run "$GRB" --help
expect_rc 0
expect_out '^Usage: sdnn_graphblas'
expect_out '--num-inputs'
expect_out '--threads'

check "unknown option exits 2"
run "$GRB" --mode data
expect_rc 2
expect_err "unknown option '--mode'"

check "--threads 0 exits 2"
run "$GRB" --threads 0
expect_rc 2
expect_err '^sdnn_graphblas: --threads must be positive'

D="$WORK/dataset"
LAYERS=12
check "generate a $LAYERS-layer synthetic dataset with the driver"
run "$SDNN" generate --out "$D" --layers $LAYERS --images synthetic --num-images 300 --seed 5 --quiet
expect_rc 0
TRUTH="$D/neuron1024-l$LAYERS-categories.tsv"
[[ -s "$TRUTH" ]] || fail "missing or empty $TRUTH"
ncat=$(grep -c . "$TRUTH")
[[ $ncat -ge 2 ]] || fail "the truth has $ncat categories: too few for the failed-check test"

check "sdnn_graphblas --threads 2 --per-layer passes"
run "$GRB" --dataset "$D" --layers $LAYERS --threads 2 --per-layer
expect_rc 0
expect_out '^sdnn-graphblas \| SuiteSparse:GraphBLAS [0-9]+\.[0-9]+\.[0-9]+, threads 2$'
expect_out '^dataset      : N=1024 L=12 inputs=300 '
expect_out '^io           : [0-9.]+ s \(1 image file, 12 layer files; 0 from binary cache, 13 cached now\)$'
expect_out '^setup        : [0-9.]+ s \(CSC -> GrB_Matrix\)$'
expect_out '^inference    : [0-9.]+ s$'
expect_out '^rate         : [0-9.]+e[+-][0-9]+ edges/s'
expect_out '^macs         : [0-9.]+e[+-][0-9]+ useful multiply-adds .*, [0-9.]+e[+-][0-9]+ MAC/s$'
expect_out "^categories   : $ncat\$"
expect_out "^check        : PASSED against $TRUTH \\($ncat rows\\)"
expect_out '^peak memory  : [0-9.]+ MiB$'
grep -E '^(layer |categories|macs)' "$OUT" >"$WORK/graphblas.lines"
nlayer=$(grep -c '^layer ' "$WORK/graphblas.lines" || true)
[[ $nlayer -eq $LAYERS ]] || fail "expected $LAYERS 'layer' lines, got $nlayer"
grep -q '^\[sdnn_graphblas\] layer ' "$ERR" || fail "no progress line on stderr"

check "sdnn infer on the same data: same categories, per-layer lines and useful MACs"
run "$SDNN" infer --dataset "$D" --layers $LAYERS --threads 2 --per-layer --quiet
expect_rc 0
expect_out '^check        : PASSED'
grep -E '^(layer |categories|macs)' "$OUT" | sed 's/, [0-9.e+-]* MAC\/s$//' >"$WORK/sdnn.lines"
sed -i 's/, [0-9.e+-]* MAC\/s$//' "$WORK/graphblas.lines"
diff "$WORK/sdnn.lines" "$WORK/graphblas.lines" >"$WORK/lines.diff" ||
  fail "sdnn infer and sdnn_graphblas disagree (< sdnn, > graphblas):
$(cat "$WORK/lines.diff")"

check "--num-inputs 100 --quiet: truth restricted, cache used, nothing on stderr"
run "$GRB" --dataset "$D" --layers $LAYERS --threads 1 --num-inputs 100 --quiet
expect_rc 0
expect_out '^dataset      : N=1024 L=12 inputs=100 '
expect_out '^io .* 13 from binary cache, 0 cached now\)$'
expect_out '^check        : PASSED against .*, truth restricted to the inputs\)$'
expect_err_lines 0

check "a truth with one row removed fails with exit 1"
removed=$(sed -n 2p "$TRUTH")
sed 2d "$TRUTH" >"$WORK/truth-minus-one.tsv"
run "$GRB" --dataset "$D" --layers $LAYERS --threads 2 --truth "$WORK/truth-minus-one.tsv" --quiet
expect_rc 1
expect_out '^check        : FAILED'
expect_out ' 0 missing \[\], 1 extra \['"$removed"'\]'
expect_no_out 'PASSED'

check "--no-check skips the wrong truth"
run "$GRB" --dataset "$D" --layers $LAYERS --threads 2 --truth "$WORK/truth-minus-one.tsv" --no-check --quiet
expect_rc 0
expect_out '^check        : skipped \(--no-check\)$'

check "a missing layer file exits 2 with one line naming it"
D2="$WORK/dataset-no-l7"
mkdir -p "$D2"
cp -r "$D/neuron1024" "$D/sparse-images-1024.tsv" "$TRUTH" "$D2/"
rm "$D2/neuron1024/n1024-l7.tsv"
run "$GRB" --dataset "$D2" --layers $LAYERS --threads 2 --quiet
expect_rc 2
expect_err_lines 1
expect_err "^sdnn_graphblas: error: .*$D2/neuron1024/n1024-l7"
expect_no_out 'check'

check "a malformed image file exits 2 naming file:line"
awk 'NR == 5 { print $1 "\tabc\t" $3; next } { print }' "$D/sparse-images-1024.tsv" >"$WORK/bad-images.tsv"
run "$GRB" --dataset "$D" --layers $LAYERS --images "$WORK/bad-images.tsv" --quiet
expect_rc 2
expect_err_lines 1
expect_err "^sdnn_graphblas: error: $WORK/bad-images.tsv:5:"

CURRENT="done"
echo "graphblas_peer_test: all checks passed ($((SECONDS - start_time)) s)"
