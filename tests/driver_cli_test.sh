#!/usr/bin/env bash
# End-to-end test of the sdnn driver as a user runs it: help and usage errors, `sdnn generate`,
# `sdnn infer` (binary cache, check pass/fail, categories output, per-layer report) and bad input.
#
# Usage: driver_cli_test.sh SDNN_EXE WORK_DIR
# WORK_DIR is deleted and recreated; the binary cache lives in WORK_DIR/cache.
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "driver_cli_test: usage: $0 SDNN_EXE WORK_DIR" >&2
  exit 2
fi
SDNN=$1
WORK=$2
[[ -x "$SDNN" ]] || { echo "driver_cli_test: FAIL: '$SDNN' is not an executable" >&2; exit 1; }

TEST_NAME=driver_cli_test
source "$(dirname "$0")/cli_test_common.sh"

start_time=$SECONDS

# ---------------------------------------------------------------------------------------------
# Help, version and usage errors
# ---------------------------------------------------------------------------------------------
check "sdnn --help"
run "$SDNN" --help
expect_rc 0
expect_out '^Usage'
expect_out 'infer'
expect_out 'generate'

check "sdnn infer --help"
run "$SDNN" infer --help
expect_rc 0
expect_out '^Usage'
expect_out '--dataset'
expect_out '--categories-out'

check "sdnn generate --help"
run "$SDNN" generate --help
expect_rc 0
expect_out '^Usage'
expect_out '--out'

check "sdnn --version"
run "$SDNN" --version
expect_rc 0
expect_out '^sdnn [0-9]+\.[0-9]+\.[0-9]+'

check "sdnn without arguments exits 2"
run "$SDNN"
expect_rc 2
expect_out '^Usage'

check "unknown command exits 2"
run "$SDNN" frobnicate
expect_rc 2
expect_err "unknown command 'frobnicate'"

check "unknown infer option exits 2"
run "$SDNN" infer --no-such-option
expect_rc 2
expect_err "unknown option '--no-such-option'"

check "unknown generate option exits 2"
run "$SDNN" generate --out "$WORK/unused" --no-such-option
expect_rc 2
expect_err "unknown option '--no-such-option'"

check "non-numeric option value exits 2"
run "$SDNN" infer --layers twelve
expect_rc 2
expect_err "expects a number"

check "generate without --out exits 2"
run "$SDNN" generate --images synthetic
expect_rc 2
expect_err '--out'
[[ ! -e "$WORK/unused" ]] || fail "a failed generate created $WORK/unused"

# ---------------------------------------------------------------------------------------------
# generate
# ---------------------------------------------------------------------------------------------
D="$WORK/dataset"
GEN_ARGS=(generate --out "$D" --layers 12 --images synthetic --num-images 400 --seed 3 --quiet)

check "generate a 12-layer synthetic dataset"
run "$SDNN" "${GEN_ARGS[@]}"
expect_rc 0
for k in $(seq 1 12); do
  [[ -s "$D/neuron1024/n1024-l$k.tsv" ]] || fail "missing or empty layer file $D/neuron1024/n1024-l$k.tsv"
done
[[ ! -e "$D/neuron1024/n1024-l13.tsv" ]] || fail "generate wrote a 13th layer"
IMAGES="$D/sparse-images-1024.tsv"
TRUTH_DEFAULT="$D/neuron1024-l12-categories.tsv"
[[ -s "$IMAGES" ]] || fail "missing or empty $IMAGES"
[[ -s "$TRUTH_DEFAULT" ]] || fail "missing or empty $TRUTH_DEFAULT"
lines=$(wc -l <"$D/neuron1024/n1024-l1.tsv")
[[ $lines -eq 32768 ]] || fail "layer 1 has $lines entries, expected 32 * 1024 = 32768"

check "generate again reuses the dataset"
run "$SDNN" "${GEN_ARGS[@]}"
expect_rc 0
expect_out 'reusing'

check "generate regenerates a dataset that lost a file (and the file is back, identical)"
cp "$D/neuron1024/n1024-l5.tsv" "$WORK/l5.saved"
rm "$D/neuron1024/n1024-l5.tsv"
run "$SDNN" "${GEN_ARGS[@]}"
expect_rc 0
expect_no_out 'reusing'
cmp -s "$D/neuron1024/n1024-l5.tsv" "$WORK/l5.saved" || fail "regenerated layer 5 differs from the first one"

check "generate --order survivors-last puts the surviving images last (the straggler case), and infer agrees"
S="$WORK/straggler"
run "$SDNN" generate --out "$S" --layers 12 --images synthetic --num-images 400 --seed 3 --quiet --order survivors-last
expect_rc 0
survivors=$(wc -l <"$TRUTH_DEFAULT")
[[ $survivors -gt 0 && $survivors -lt 400 ]] || fail "the test needs survivors and dead images, got $survivors of 400"
[[ $(wc -l <"$S/neuron1024-l12-categories.tsv") -eq $survivors ]] || fail "reordering changed the number of survivors"
[[ $(sort -n "$S/neuron1024-l12-categories.tsv" | head -1) -eq $((400 - survivors + 1)) ]] ||
  fail "the survivors are not the last $survivors images"
[[ $(wc -l <"$S/sparse-images-1024.tsv") -eq $(wc -l <"$IMAGES") ]] || fail "reordering changed the image entries"
cmp -s "$S/neuron1024/n1024-l7.tsv" "$D/neuron1024/n1024-l7.tsv" || fail "reordering changed a layer"
run "$SDNN" infer --dataset "$S" --layers 12 --threads 2 --mode data-then-model --no-cache
expect_rc 0
expect_out '^check +: PASSED'
expect_out '^recruitment  : earliest-first, [0-9]+ recruitments'

check "generate --order with a bad value or without the truth exits 2"
run "$SDNN" generate --out "$WORK/unused" --images synthetic --order sorted
expect_rc 2
expect_err "--order must be source or survivors-last, got 'sorted'"
run "$SDNN" generate --out "$WORK/unused" --images synthetic --order survivors-last --no-truth
expect_rc 2
expect_err 'needs the truth'
[[ ! -e "$WORK/unused" ]] || fail "a failed generate created $WORK/unused"

check "generate --format binary --truth-by engine: .sdnn layers and images, the same truth, infer reads them"
B="$WORK/binary"
run "$SDNN" generate --out "$B" --layers 12 --images synthetic --num-images 400 --seed 3 --format binary \
  --truth-by engine --reference-inputs 60
expect_rc 0
expect_out 'generated dataset .* binary\)'
expect_err 'truth: the sparse and the dense kernel agree on all 400 inputs, the reference on the first 60'
[[ -s "$B/neuron1024/n1024-l12.sdnn" && -s "$B/sparse-images-1024.sdnn" ]] || fail "missing binary files"
[[ ! -e "$B/neuron1024/n1024-l1.tsv" && ! -e "$B/sparse-images-1024.tsv" ]] || fail "text files written too"
grep -q '^truth-by engine: .* the reference on the first 60$' "$B/sdnn-dataset-n1024-l12.txt" ||
  fail "the stamp does not say how the truth was made"
cmp -s "$B/neuron1024-l12-categories.tsv" "$TRUTH_DEFAULT" || fail "the engine's truth differs from the reference's"
run "$SDNN" infer --dataset "$B" --layers 12 --quiet
expect_rc 0
expect_out '^check        : PASSED'

check "generate --no-layers writes the images and the truth only; infer --network radixnet uses them"
run "$SDNN" generate --out "$WORK/nolayers" --layers 12 --images synthetic --num-images 400 --seed 3 --no-layers --quiet
expect_rc 0
[[ ! -e "$WORK/nolayers/neuron1024" ]] || fail "--no-layers wrote layer files"
cmp -s "$WORK/nolayers/neuron1024-l12-categories.tsv" "$TRUTH_DEFAULT" || fail "--no-layers changed the truth"
run "$SDNN" infer --dataset "$WORK/nolayers" --layers 12 --network radixnet --quiet --no-cache
expect_rc 0
expect_out '^check        : PASSED'

check "generate --truth-by leading: the truth of the first 60 inputs; infer compares the categories among them"
T="$WORK/leading"
run "$SDNN" generate --out "$T" --layers 12 --images synthetic --num-images 400 --seed 3 --no-layers --quiet \
  --truth-by leading --reference-inputs 60
expect_rc 0
grep -q '^truth-inputs 60$' "$T/sdnn-dataset-n1024-l12.txt" || fail "the stamp does not say which inputs the truth covers"
awk '$1 <= 60' "$TRUTH_DEFAULT" | cmp -s - "$T/neuron1024-l12-categories.tsv" ||
  fail "the leading truth is not the reference's categories among the first 60 inputs"
[[ -s "$T/neuron1024-l12-categories.tsv" ]] || fail "no category among the first 60 inputs: the test checks nothing"
run "$SDNN" infer --dataset "$T" --layers 12 --network radixnet --quiet --no-cache
expect_rc 0
expect_out '^check        : PASSED .*the truth covers the first 60 inputs'
sed -i 1d "$T/neuron1024-l12-categories.tsv" # a category the truth no longer has: extra, among the covered inputs
run "$SDNN" infer --dataset "$T" --layers 12 --network radixnet --quiet --no-cache
expect_rc 1
expect_out '^check        : FAILED .* 0 missing \[\], 1 extra'
run "$SDNN" generate --out "$WORK/unused" --images synthetic --order survivors-last --truth-by leading
expect_rc 2
expect_err 'needs the truth of every input'

check "generate on a full disk: a one-line error naming the file, no partial file under its name"
# (PMIx's shared-memory store, which MPI's start-up writes, would hit the limit first: its hash store instead.)
run env PMIX_MCA_gds=hash bash -c 'ulimit -f 600; trap "" XFSZ; exec "$0" "$@"' "$SDNN" generate --out "$WORK/full" \
  --layers 12 --images synthetic --num-images 400 --seed 3 --quiet
expect_rc 2
expect_err_lines 1
expect_err 'n1024-l1.tsv: .*(File too large|write)'
[[ ! -e "$WORK/full/neuron1024/n1024-l1.tsv" ]] || fail "the partial layer file was left under its name"
[[ -z "$(find "$WORK/full" -name '*.tmp.*')" ]] || fail "a temporary file was left"
[[ ! -e "$WORK/full/sdnn-dataset-n1024-l12.txt" ]] || fail "the failed dataset was stamped complete"

check "generate with a bad --format, --truth-by or --reference-inputs exits 2"
for bad in "--format csv" "--truth-by guess" "--reference-inputs 0"; do
  run "$SDNN" generate --out "$WORK/unused" --images synthetic $bad
  expect_rc 2
done
[[ ! -e "$WORK/unused" ]] || fail "a failed generate created $WORK/unused"

# ---------------------------------------------------------------------------------------------
# partition: every partitioner this build has, its figures printed and in the JSON report
# ---------------------------------------------------------------------------------------------
check "partition the 12-layer network into 4 parts with every partitioner"
run "$SDNN" partition --dataset "$D" --layers 12 --parts 4 --quiet --no-cache --report "$WORK/partition.json"  # the infer checks below count the cache files
expect_rc 0
expect_out '^block +[0-9]+ +[0-9.]+ +1\.000 '
expect_out '^hashed +[0-9]+ '
python3 - "$WORK/partition.json" "$OUT" <<'PY' || fail "the partition report is inconsistent"
import json, re, sys
report = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read()
results = {r["partitioner"]: r for r in report["partitions"]}
assert report["parts"] == 4 and {"block", "hashed"} <= set(results), results.keys()
for name, r in results.items():
    assert len(r["volume"]) == len(r["imbalance"]) == 12, name
    assert sum(r["volume"]) == r["total_volume"], name
    assert int(re.search(r"^%s +(\d+) " % name, text, re.M).group(1)) == r["total_volume"], name
    assert max(r["imbalance"]) <= 1.05 and len(r["weight_bytes"]) == 4, name
    # at most P - 1 = 3 columns per input neuron and layer
    assert all(0 <= v <= 3 * 1024 for v in r["volume"]), name
assert results["block"]["imbalance"] == [1.0] * 12  # RadiX-Net: 32 nonzeros per column
if "hypergraph" in results:
    assert results["hypergraph"]["total_volume"] < results["block"]["total_volume"]
PY

check "partition with an unknown partitioner exits 2"
run "$SDNN" partition --dataset "$D" --layers 12 --parts 4 --partitioner metis
expect_rc 2
expect_err "unknown --partitioner 'metis'"

check "partition into more parts than neurons exits 2"
run "$SDNN" partition --dataset "$D" --layers 12 --parts 2000
expect_rc 2
expect_err 'parts must be in 1..N'

# ---------------------------------------------------------------------------------------------
# infer: pass, binary cache, --no-cache
# ---------------------------------------------------------------------------------------------
INFER=(infer --dataset "$D" --layers 12 --quiet)

check "infer passes (first run writes the binary cache)"
run "$SDNN" "${INFER[@]}"
expect_rc 0
expect_out '^check        : PASSED'
expect_out '^rate         : [0-9.]+e[+-][0-9]+ edges/s'
expect_out '^io .* 0 from binary cache, 13 cached now'
ncache=$(find "$SDNN_CACHE_DIR" -type f -name '*.sdnn' | wc -l)
[[ $ncache -eq 13 ]] || fail "expected 13 cache files in $SDNN_CACHE_DIR, found $ncache"

check "infer again reads the layers from the binary cache"
run "$SDNN" "${INFER[@]}"
expect_rc 0
expect_out '^check        : PASSED'
expect_out '^io .* 13 from binary cache, 0 cached now'

check "infer --report writes every figure as JSON"
run "$SDNN" "${INFER[@]}" --per-layer --report "$WORK/report.json"
expect_rc 0
python3 - "$WORK/report.json" "$OUT" <<'PY' || fail "the --report file disagrees with the printed report"
import json, re, sys
report = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read()
def printed(pattern):
    match = re.search(pattern, text, re.M)
    assert match, pattern
    return match.group(1)
assert report["check"]["status"] == "passed", report["check"]
assert report["check"]["missing"] == 0 and report["check"]["extra"] == 0
assert report["categories"] == int(printed(r"^categories   : (\d+)"))
assert abs(report["inference_seconds"] - float(printed(r"^inference    : ([0-9.]+) s"))) < 1e-3
assert abs(report["rate_edges_per_second"] / float(printed(r"^rate         : (\S+) edges/s")) - 1) < 1e-4
assert report["dataset"]["layers"] == 12 and len(report["layers"]) == 12
for line, layer in zip(re.findall(r"^layer +(\d+) +active-rows +(\d+) +nnz +(\d+)$", text, re.M), report["layers"]):
    assert [int(x) for x in line] == [layer["layer"], layer["active_rows"], layer["nnz"]], (line, layer)
assert report["work"]["parallelism"] == report["mode"] == "manager-worker"
assert report["work"]["tiles"] == int(printed(r"^parallel     : \d+ threads, hash \w+, (\d+) tiles"))
assert len(report["work"]["busy_seconds"]) == report["work"]["threads"]
assert report["kernels"]["instruction_set"] == printed(r"^kernels      : (\w+)")
assert report["exit_status"] == 0
PY

check "infer --report to an unwritable file exits 2 naming it"
run "$SDNN" "${INFER[@]}" --report "$WORK/no-such-dir/report.json"
expect_rc 2
expect_err "no-such-dir/report.json: cannot open for writing"

check "sdnn list modes names the five parallel modes"
run "$SDNN" list modes
expect_rc 0
[[ "$(tr '\n' ' ' <"$OUT")" == "data model manager-worker work-stealing data-then-model " ]] ||
  fail "unexpected list of modes"
mapfile -t MODES <"$OUT"

check "sdnn list with an unknown list exits 2"
run "$SDNN" list colours
expect_rc 2
expect_err "unknown list 'colours'"

check "infer with its standard output on a full disk exits 2"
set +e
"$SDNN" "${INFER[@]}" >/dev/full 2>"$ERR"
RC=$?
set -e
LAST_CMD="$SDNN ${INFER[*]} >/dev/full"
expect_rc 2
expect_err '^sdnn: error: standard output: write error: .*the report was not written'

check "infer names the instruction set its kernels ran"
run "$SDNN" "${INFER[@]}"
expect_rc 0
expect_out '^kernels      : (generic|avx2|avx512) \((fused|unfused) multiply-add; best on this CPU: '

check "infer --instruction-set generic passes and says so"
run "$SDNN" "${INFER[@]}" --instruction-set generic
expect_rc 0
expect_out '^kernels      : generic \(unfused multiply-add'
expect_out '^check        : PASSED'

check "SDNN_INSTRUCTION_SET=generic selects the generic kernels"
SDNN_INSTRUCTION_SET=generic run "$SDNN" "${INFER[@]}"
expect_rc 0
expect_out '^kernels      : generic '

check "unknown --instruction-set exits 2"
run "$SDNN" "${INFER[@]}" --instruction-set sse9
expect_rc 2
expect_err "unknown --instruction-set 'sse9'"

check "unknown SDNN_INSTRUCTION_SET exits 2 with a one-line error"
SDNN_INSTRUCTION_SET=sse9 run "$SDNN" "${INFER[@]}"
expect_rc 2
expect_err 'SDNN_INSTRUCTION_SET=sse9: expected auto or one of generic(, avx2, avx512)?$'

check "infer --no-cache passes without touching the cache"
run "$SDNN" "${INFER[@]}" --no-cache
expect_rc 0
expect_out '^check        : PASSED'
expect_out '^io .* 0 from binary cache, 0 cached now'

# ---------------------------------------------------------------------------------------------
# infer with streamed layers: windows and row batches within a memory limit, the generator as a source
# ---------------------------------------------------------------------------------------------
check "infer --window-layers --batch-rows streams the layers in windows and the inputs in batches, same categories"
run "$SDNN" "${INFER[@]}" --categories-out "$WORK/whole.cat"
expect_rc 0
run "$SDNN" "${INFER[@]}" --window-layers 5 --batch-rows 150 --categories-out "$WORK/streamed.cat" \
  --report "$WORK/streamed.json"
expect_rc 0
expect_out '^check        : PASSED'
expect_out '^streaming    : 12 layer files in .* \(asked by --window-layers, --batch-rows\) \| memory limit [0-9.]+ MiB: 3 windows of 5 layers x 3 batches of 150 rows'
expect_out '^layers       : [0-9.]+ s loading [0-9]+ layers'
expect_out '^peak memory  : [0-9.]+ MiB of the [0-9.]+ MiB limit'
cmp -s "$WORK/whole.cat" "$WORK/streamed.cat" || fail "the streamed run computed other categories"
python3 - "$WORK/streamed.json" <<'PY' || fail "the streamed run's report is inconsistent"
import json, sys
r = json.load(open(sys.argv[1]))
s = r["streaming"]
assert (s["window_layers"], s["batch_rows"], s["batches"]) == (5, 150, 3), s
assert 3 <= s["windows"] <= 9 and s["layers_loaded"] <= 36, s
assert s["planned_peak_bytes"] <= s["memory_limit"], s
assert r["dataset"]["edges"] == 12 * 32 * 1024, r["dataset"]
assert r["check"]["status"] == "passed"
PY

check "infer --network radixnet generates the layers as needed (the seed from the dataset's stamp), same categories"
run "$SDNN" "${INFER[@]}" --network radixnet --memory-limit 1G --categories-out "$WORK/generated.cat"
expect_rc 0
expect_out '^check        : PASSED'
expect_out '^streaming    : RadiX-Net generator, N=1024, 12 layers, seed 3 '
cmp -s "$WORK/whole.cat" "$WORK/generated.cat" || fail "the generated layers gave other categories"
run "$SDNN" "${INFER[@]}" --network radixnet --seed 4 --no-check
expect_rc 0
expect_out '^streaming    : RadiX-Net generator, N=1024, 12 layers, seed 4 '

check "infer --mode reference --stream holds one layer at a time and passes"
run "$SDNN" "${INFER[@]}" --mode reference --stream
expect_rc 0
expect_out '^streaming    : 12 layer files .* one layer at a time through the reference'
expect_out '^check        : PASSED'

check "infer with a memory limit below one layer and one row exits 2 before any work"
run "$SDNN" "${INFER[@]}" --memory-limit 20M
expect_rc 2
expect_err_lines 1
expect_err 'the memory limit of 20.0 MiB cannot hold .* give at least [0-9.]+ MiB'

check "infer with bad streaming options exits 2"
for bad in "--memory-limit 5X" "--memory-limit 0" "--memory-limit -1G" "--window-layers 0" "--batch-rows -3"; do
  run "$SDNN" "${INFER[@]}" $bad
  expect_rc 2
done
run "$SDNN" "${INFER[@]}" --seed 4
expect_rc 2
expect_err 'goes with --network radixnet'

# ---------------------------------------------------------------------------------------------
# infer: failed checks. `missing` = in the truth but not computed, `extra` = computed but not in
# the truth (sdnn::CategoryCheck).
# ---------------------------------------------------------------------------------------------
ncat=$(grep -c . "$TRUTH_DEFAULT")
[[ $ncat -ge 2 ]] || fail "the truth has $ncat categories: too few for the failed-check tests"

check "infer --categories-out writes the truth file"
run "$SDNN" "${INFER[@]}" --categories-out "$WORK/computed-categories.tsv"
expect_rc 0
expect_out "^categories   : $ncat\$"
cmp -s "$WORK/computed-categories.tsv" "$TRUTH_DEFAULT" ||
  fail "--categories-out file differs from $TRUTH_DEFAULT"

check "truth copied to WORK_DIR passes with --truth"
cp "$TRUTH_DEFAULT" "$WORK/truth.tsv"
run "$SDNN" "${INFER[@]}" --truth "$WORK/truth.tsv"
expect_rc 0
expect_out "^check        : PASSED against $WORK/truth.tsv \\($ncat rows\\)"

check "truth with one row removed fails with exit 1 (1 extra)"
removed=$(sed -n 2p "$WORK/truth.tsv")
sed 2d "$WORK/truth.tsv" >"$WORK/truth-minus-one.tsv"
run "$SDNN" "${INFER[@]}" --truth "$WORK/truth-minus-one.tsv"
expect_rc 1
expect_out '^check        : FAILED'
expect_out ' 0 missing \[\], 1 extra \['"$removed"'\]'
expect_no_out 'PASSED'

check "truth with one row added fails with exit 1 (1 missing)"
added=""
for ((r = 1; r <= 400; ++r)); do
  if ! grep -qx "$r" "$WORK/truth.tsv"; then added=$r; break; fi
done
[[ -n "$added" ]] || fail "every input row is a category: cannot add a false one"
{ cat "$WORK/truth.tsv"; echo "$added"; } | sort -n >"$WORK/truth-plus-one.tsv"
run "$SDNN" "${INFER[@]}" --truth "$WORK/truth-plus-one.tsv"
expect_rc 1
expect_out '^check        : FAILED'
expect_out ' 1 missing \['"$added"'\], 0 extra \[\]'

check "--no-check skips a wrong truth"
run "$SDNN" "${INFER[@]}" --truth "$WORK/truth-plus-one.tsv" --no-check
expect_rc 0
expect_out '^check        : skipped'

# ---------------------------------------------------------------------------------------------
# infer: bad input -> exit 2, one line on stderr naming the file (and line)
# ---------------------------------------------------------------------------------------------
check "non-numeric field in the image file exits 2 naming file:line"
BAD_IMAGES="$WORK/bad-images.tsv"
awk 'NR == 7 { print $1 "\tabc\t" $3; next } { print }' "$IMAGES" >"$BAD_IMAGES"
run "$SDNN" "${INFER[@]}" --images "$BAD_IMAGES"
expect_rc 2
expect_err_lines 1
expect_err "$BAD_IMAGES:7:"
expect_no_out 'PASSED'

check "missing layer file (empty --weights-dir) exits 2 naming the file"
mkdir -p "$WORK/empty-weights"
run "$SDNN" "${INFER[@]}" --weights-dir "$WORK/empty-weights"
expect_rc 2
expect_err_lines 1
expect_err "$WORK/empty-weights/n1024-l1\\.tsv"

check "dataset with layer 7 removed exits 2 naming the file"
D2="$WORK/dataset-no-l7"
mkdir -p "$D2"
cp -r "$D/neuron1024" "$IMAGES" "$TRUTH_DEFAULT" "$D2/"
rm "$D2/neuron1024/n1024-l7.tsv"
run "$SDNN" infer --dataset "$D2" --layers 12 --quiet
expect_rc 2
expect_err_lines 1
expect_err "$D2/neuron1024/n1024-l7.* \\(layer 7 of 12\\)"

check "--layers far beyond the files exits 2 at once naming the first missing layer (not after the images)"
run "$SDNN" infer --dataset "$D" --layers 212199 --images "$WORK/no-such-images.tsv" --quiet
expect_rc 2
expect_err_lines 1
expect_err "$D/neuron1024/n1024-l13\\.tsv: .*layer 13 of 212199"

check "--neurons 4096 against the 1024 dataset exits 2"
run "$SDNN" "${INFER[@]}" --neurons 4096
expect_rc 2
expect_err 'sdnn: error: '

check "--neurons 4096 with the 1024 images and weights given explicitly exits 2"
run "$SDNN" "${INFER[@]}" --neurons 4096 --images "$IMAGES" --weights-dir "$D/neuron1024" --truth "$TRUTH_DEFAULT"
expect_rc 2
expect_err 'sdnn: error: '

check "--neurons 256 against the 1024 images exits 2 (index beyond the dimension)"
# The generator's 256-neuron layers, so that the images are what is read first (layer files are checked before).
run "$SDNN" "${INFER[@]}" --neurons 256 --bias -0.3 --images "$IMAGES" --no-cache --network radixnet
expect_rc 2
expect_err_lines 1
expect_err "$IMAGES:[0-9]+:"

check "truth naming a row beyond the inputs exits 2"
{ cat "$WORK/truth.tsv"; echo 401; } >"$WORK/truth-beyond.tsv"
run "$SDNN" "${INFER[@]}" --truth "$WORK/truth-beyond.tsv"
expect_rc 2
expect_err "$WORK/truth-beyond.tsv"

# ---------------------------------------------------------------------------------------------
# infer --per-layer
# ---------------------------------------------------------------------------------------------
check "infer --per-layer prints one line per layer"
run "$SDNN" "${INFER[@]}" --per-layer
expect_rc 0
nlayer=$(grep -Ec '^layer +[0-9]+ +active-rows +[0-9]+ +nnz +[0-9]+' "$OUT" || true)
[[ $nlayer -eq 12 ]] || fail "expected 12 'layer' lines, got $nlayer"
last_active=$(awk '$1 == "layer" && $2 == 12 { print $4 }' "$OUT")
[[ "$last_active" == "$ncat" ]] || fail "layer 12 reports $last_active active rows, the truth has $ncat categories"
expect_out '^check        : PASSED'

# ---------------------------------------------------------------------------------------------
# infer --mode: every parallel mode, hash, kernel and --threads passes the same check
# ---------------------------------------------------------------------------------------------
for mode in reference "${MODES[@]}"; do
  check "infer --mode $mode passes"
  run "$SDNN" "${INFER[@]}" --mode "$mode"
  expect_rc 0
  expect_out "mode $mode\$"
  expect_out '^check        : PASSED'
  if [[ $mode != reference ]]; then
    expect_out '^busy \(s\)     : [0-9.]+.* imbalance \(max/mean\) [0-9.]+$'
  fi
done
check "infer --threads 2 --hash feistel --kernel sparse --tile-rows 50 --recruit slower-first"
run "$SDNN" "${INFER[@]}" --mode data-then-model --threads 2 --hash feistel --kernel sparse --tile-rows 50 --recruit slower-first
expect_rc 0
expect_out 'concurrency 2 '
expect_out '^parallel     : 2 threads, hash feistel, [0-9]+ tiles of 50 rows, kernel sparse'
expect_out '^recruitment  : slower-first'
expect_out '^check        : PASSED'
check "infer --threads=1 --hash stride --kernel dense --mode work-stealing"
run "$SDNN" "${INFER[@]}" --threads=1 --hash stride --kernel dense --mode work-stealing
expect_rc 0
expect_out 'concurrency 1 '
expect_out '^steals       : 0$' # one thread: no other queue to steal from
expect_out '^check        : PASSED'
check "infer --mode work-stealing on the straggler case (threads that steal: the unit test WorkStealingStealsFromTheStraggler)"
run "$SDNN" infer --dataset "$S" --layers 12 --threads 2 --mode work-stealing --tile-rows 10 --no-cache
expect_rc 0
expect_out '^steals       : [0-9]+$'
expect_out '^check        : PASSED'
for bad in "--mode hybrid" "--hash md5" "--kernel fast" "--recruit random" "--tile-rows 0" "--threads 0" \
  "--threads -1" "--threads abc" "--threads 1.5" "--threads 600" "--sparse-below 0.9" "--threads" \
  "--bias nan" "--bias inf" "--bias 1e39"; do
  check "infer $bad exits 2 with one line"
  # shellcheck disable=SC2086
  run "$SDNN" "${INFER[@]}" $bad
  expect_rc 2
  expect_err "^sdnn infer: "
done

check "infer --threads 600 names the limit (Kokkos' OpenMP pool crashed beyond 512)"
run "$SDNN" "${INFER[@]}" --threads 600
expect_rc 2
expect_err '^sdnn infer: --threads must be in 1\.\.512, got 600$'

check "generate --threads 0 exits 2"
run "$SDNN" generate --out "$WORK/unused" --threads 0
expect_rc 2
expect_err '^sdnn generate: --threads must be in 1\.\.512'

check "infer --num-inputs beyond the image file is refused (the rate would count inputs never read)"
run "$SDNN" "${INFER[@]}" --num-inputs 100000
expect_rc 2
expect_err "sparse-images-[0-9]+\.tsv: holds [0-9]+ inputs \(its largest row index\); --num-inputs 100000 asks for more"
expect_err_lines 1

check "paths the file system refuses (a symlink loop, a name too long) are input errors, not internal ones"
ln -sfn "$WORK/loop-b" "$WORK/loop-a"
ln -sfn "$WORK/loop-a" "$WORK/loop-b"
run "$SDNN" infer --dataset "$WORK/loop-a" --layers 2
expect_rc 2
expect_err "^sdnn: error: .*loop-a.*: Too many levels of symbolic links$"
expect_err_lines 1
run "$SDNN" infer --dataset "$WORK/$(printf 'x%.0s' {1..300})" --layers 2
expect_rc 2
expect_err "^sdnn: error: .*: File name too long$"
expect_err_lines 1

CURRENT="done"
echo "driver_cli_test: all checks passed ($((SECONDS - start_time)) s)"
