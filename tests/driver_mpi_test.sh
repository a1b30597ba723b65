#!/usr/bin/env bash
# The driver under mpirun as users run it on a cluster: every mode passes the check on 2 and 4
# ranks (block and hashed partitions, with and without rebalancing), model-parallel and 2D inference
# (--model-ranks, every network partitioner), `generate` under mpirun, and
# the bad situations: a missing or malformed layer file, ranks that disagree on N or L, more
# ranks than input rows. Each must end with a clear error on every rank and a non-zero exit,
# never a hang (every mpirun runs under `timeout`).
#
# Usage: driver_mpi_test.sh SDNN_EXE WORK_DIR MPIEXEC [MPIEXEC_FLAGS...]
set -euo pipefail

if [[ $# -lt 3 ]]; then
  echo "driver_mpi_test: usage: $0 SDNN_EXE WORK_DIR MPIEXEC [MPIEXEC_FLAGS...]" >&2
  exit 2
fi
SDNN=$1
WORK=$2
shift 2
MPIEXEC=("$@")
TEST_NAME=driver_mpi_test
source "$(dirname "$0")/cli_test_common.sh"
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-passive}
# mpi NP ARGS...: `sdnn ARGS` on NP ranks, at most 300 s.
mpi() {
  local np=$1
  shift
  LAST_CMD="${MPIEXEC[*]} -np $np $SDNN $*"
  set +e
  timeout 300 "${MPIEXEC[@]}" -np "$np" "$SDNN" "$@" >"$OUT" 2>"$ERR"
  RC=$?
  set -e
  [[ $RC -ne 124 ]] || fail "mpirun did not finish within 300 s (a hang)"
}
# mpmd ARGS...: a raw multi-program mpirun line (`-np 1 exe args : -np 1 exe args`).
mpmd() {
  LAST_CMD="${MPIEXEC[*]} $*"
  set +e
  timeout 300 "${MPIEXEC[@]}" "$@" >"$OUT" 2>"$ERR"
  RC=$?
  set -e
  [[ $RC -ne 124 ]] || fail "mpirun did not finish within 300 s (a hang)"
}
expect_pass() {
  [[ $RC -eq 0 ]] || fail "expected exit status 0, got $RC"
  grep -q "^check *: PASSED" "$OUT" || fail "the check did not pass"
}
# expect_error_on_every_rank NP TEXT: non-zero exit, and NP lines of stderr with "error" and TEXT.
expect_error_on_every_rank() {
  [[ $RC -ne 0 ]] || fail "expected a non-zero exit status"
  local lines
  lines=$(grep -c "^sdnn: error: .*$2" "$ERR" || true)
  [[ $lines -eq $1 ]] || fail "expected $1 error lines containing '$2' (one per rank), got $lines"
}

DATA="$WORK/data"
check "generate under mpirun (one writer)"
mpi 2 generate --out "$DATA" --neurons 1024 --layers 6 --images synthetic --num-images 300 --seed 3 --quiet
[[ $RC -eq 0 ]] || fail "generate failed"
[[ -f "$DATA/neuron1024-l6-categories.tsv" ]] || fail "no truth file written"

mapfile -t MODES < <("$SDNN" list modes 2>/dev/null)
[[ ${#MODES[@]} -eq 5 ]] || fail "sdnn list modes gave ${#MODES[@]} modes"
for np in 2 4; do
  for mode in "${MODES[@]}"; do
    check "$mode on $np ranks, hashed partition"
    mpi $np infer --dataset "$DATA" --layers 6 --mode $mode --threads 1 --quiet
    expect_pass
    grep -q "^ranks *: $np, partition hashed" "$OUT" || fail "no ranks line"
  done
  check "block partition with rebalancing every 2 layers on $np ranks"
  mpi $np infer --dataset "$DATA" --layers 6 --partition block --rebalance-every 2 --rebalance-threshold 1 --threads 1 --quiet --per-layer
  expect_pass
  grep -q "^rebalance *: every 2 layers" "$OUT" || fail "no rebalance line"
  [[ $(grep -c "^rank " "$OUT") -eq $np ]] || fail "expected one line per rank"
  [[ $(grep -c "^layer " "$OUT") -eq 6 ]] || fail "expected 6 per-layer lines"
done

check "--report under mpirun holds every rank's figures"
mpi 2 infer --dataset "$DATA" --layers 6 --partition block --rebalance-every 2 --rebalance-threshold 1 --threads 1 --quiet --report "$WORK/report.json"
expect_pass
python3 - "$WORK/report.json" "$OUT" <<'PY' || fail "the --report file disagrees with the printed report"
import json, re, sys
report = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read()
ranks = report["distributed"]["ranks"]
assert report["ranks"] == 2 and [r["rank"] for r in ranks] == [0, 1]
assert sum(r["rows_start"] for r in ranks) == report["dataset"]["inputs"] == 300
assert sum(r["rows_end"] for r in ranks) == report["categories"]
assert report["distributed"]["rows_moved"] == int(re.search(r"(\d+) rows moved", text).group(1))
for r in ranks:
    line = re.search(r"^rank +%d +: rows (\d+) -> (\d+), row-layers (\d+)" % r["rank"], text, re.M)
    assert [int(x) for x in line.groups()] == [r["rows_start"], r["rows_end"], r["row_layers"]], (line.groups(), r)
    assert r["work"]["parallelism"] == "manager-worker"
assert report["check"]["status"] == "passed"
PY

check "the hypergraph partitioner under mpirun: one partition, cheaper than block"
mpi 2 partition --dataset "$DATA" --layers 6 --parts 4 --quiet --report "$WORK/partition.json"
[[ $RC -eq 0 ]] || fail "partition failed"
python3 - "$WORK/partition.json" <<'PY' || fail "unexpected partition report"
import json, sys
results = {r["partitioner"]: r for r in json.load(open(sys.argv[1]))["partitions"]}
if "hypergraph" in results:
    assert results["hypergraph"]["total_volume"] < results["block"]["total_volume"], results
    assert max(results["hypergraph"]["imbalance"]) <= 1.05, results["hypergraph"]["imbalance"]
PY

mpi 2 infer --dataset "$DATA" --layers 6 --threads 1 --quiet
expect_pass
replicated_macs=$(awk '/^macs/ {print $3}' "$OUT")
for partitioner in block hashed hypergraph; do
  check "model-parallel: 1 group of 2 model ranks, $partitioner network partition"
  mpi 2 infer --dataset "$DATA" --layers 6 --model-ranks 2 --network-partition $partitioner --threads 1 --quiet
  if [[ $partitioner == hypergraph ]] && grep -q "unavailable --network-partition" "$ERR"; then
    continue # a build without Zoltan
  fi
  expect_pass
  grep -q "^model *: 1 data group of 2 model ranks, network partition $partitioner" "$OUT" || fail "no model line"
  # Block and hashed partitions load each rank's columns only: the same edges and multiply-adds as replicated.
  grep -q "edges=196608 " "$OUT" || fail "the dataset line lost edges"
  [[ $(awk '/^macs/ {print $3}' "$OUT") == "$replicated_macs" ]] || fail "multiply-adds differ from the replicated run"
done

check "2D: 2 data groups of 2 model ranks, data mode, --report holds the exchange"
mpi 4 infer --dataset "$DATA" --layers 6 --model-ranks 2 --network-partition block --mode data --threads 1 --quiet \
  --per-layer --report "$WORK/model.json"
expect_pass
grep -q "^model *: 2 data groups of 2 model ranks" "$OUT" || fail "no model line"
[[ $(grep -c "^exchange  *[0-9][0-9]*:" "$OUT") -eq 6 ]] || fail "expected 6 per-layer exchange lines"
python3 - "$WORK/model.json" "$OUT" <<'PY' || fail "the --report file disagrees with the printed exchange"
import json, re, sys
mp = json.load(open(sys.argv[1]))["model_parallel"]
text = open(sys.argv[2]).read()
assert mp["model_ranks"] == 2 and mp["groups"] == 2 and len(mp["ranks"]) == 4, mp
assert mp["columns_sent"] == mp["predicted_columns"], mp
printed = re.search(r"^exchange +: (\d+) columns per group", text, re.M).group(1)
assert sum(mp["columns_sent"]) == int(printed), (mp["columns_sent"], printed)
assert all(r["node"]["parallelism"] == "data" for r in mp["ranks"])
PY

check "model-parallel: 4 model ranks"
mpi 4 infer --dataset "$DATA" --layers 6 --model-ranks 4 --network-partition hashed --threads 1 --quiet
expect_pass
grep -q "^model *: 1 data group of 4 model ranks" "$OUT" || fail "no model line"

check "a saved partition: sdnn partition --out, then sdnn infer --network-partition FILE"
mpi 2 partition --dataset "$DATA" --layers 6 --parts 2 --partitioner block --out "$WORK/p2.txt" --quiet
[[ $RC -eq 0 ]] || fail "partition --out failed"
grep -q "^written *: block partition to $WORK/p2.txt" "$OUT" || fail "no 'written' line"
mpi 2 infer --dataset "$DATA" --layers 6 --model-ranks 2 --network-partition "$WORK/p2.txt" --threads 1 --quiet
expect_pass
grep -q "^model *: .*network partition from $WORK/p2.txt" "$OUT" || fail "no model line naming the file"

check "a saved partition for another number of model ranks, or another network, is refused on every rank"
mpi 4 infer --dataset "$DATA" --layers 6 --model-ranks 4 --network-partition "$WORK/p2.txt" --threads 1 --quiet
expect_error_on_every_rank 4 "p2.txt: a partition into 2 parts, this run needs 4"
mpi 2 infer --dataset "$DATA" --layers 5 --no-check --model-ranks 2 --network-partition "$WORK/p2.txt" --threads 1 --quiet
expect_error_on_every_rank 2 "p2.txt: a partition of a network of N=1024 L=6, this one has N=1024 L=5"
head -c 300 "$WORK/p2.txt" >"$WORK/cut.txt"
mpi 2 infer --dataset "$DATA" --layers 6 --model-ranks 2 --network-partition "$WORK/cut.txt" --threads 1 --quiet
expect_error_on_every_rank 2 "cut.txt"

check "--model-ranks that does not divide the ranks is a usage error on every rank"
mpi 2 infer --dataset "$DATA" --layers 6 --model-ranks 3 --threads 1 --quiet
[[ $RC -eq 2 ]] || fail "expected exit status 2, got $RC"
[[ $(grep -c "model-ranks must divide the number of ranks (2), got 3" "$ERR") -eq 2 ]] ||
  fail "expected the usage error on both ranks"

check "streaming options under several ranks are a usage error on every rank"
mpi 2 infer --dataset "$DATA" --layers 6 --memory-limit 1G --threads 1 --quiet
[[ $RC -eq 2 ]] || fail "expected exit status 2, got $RC"
[[ $(grep -c "stream the layers on one rank; under mpirun, --model-ranks M partitions" "$ERR") -eq 2 ]] ||
  fail "expected the usage error on both ranks"

check "an output rank 0 cannot write ends every rank (categories to /dev/full)"
mpi 2 infer --dataset "$DATA" --layers 6 --threads 1 --quiet --categories-out /dev/full
expect_error_on_every_rank 2 "/dev/full: write error"

check "an output rank 0 cannot write ends every rank (report in a missing directory)"
mpi 2 infer --dataset "$DATA" --layers 6 --threads 1 --quiet --report "$WORK/no-such-dir/report.json"
expect_error_on_every_rank 2 "no-such-dir/report.json: cannot open for writing"

check "the reference under mpirun runs on rank 0"
mpi 2 infer --dataset "$DATA" --layers 6 --mode reference --threads 1 --quiet
expect_pass

check "a missing layer file ends every rank before anything is read"
BROKEN="$WORK/broken"
cp -r "$DATA" "$BROKEN"
rm "$BROKEN/neuron1024/n1024-l2.tsv"
mpi 2 infer --dataset "$BROKEN" --layers 6 --threads 1 --no-cache --quiet
expect_error_on_every_rank 2 "n1024-l2\.tsv: .*\(layer 2 of 6\)"

check "a malformed layer file names the file and line on every rank"
printf '1\t2\t0.5\n1\tx\t1\n' >"$BROKEN/neuron1024/n1024-l2.tsv"
mpi 4 infer --dataset "$BROKEN" --layers 6 --threads 1 --no-cache --quiet
expect_error_on_every_rank 4 "n1024-l2.tsv:2"

check "ranks that disagree on N"
mpmd -np 1 "$SDNN" infer --dataset "$DATA" --layers 6 --neurons 1024 --threads 1 --quiet : \
  -np 1 "$SDNN" infer --dataset "$DATA" --layers 6 --neurons 2048 --bias -0.3 --threads 1 --quiet
expect_error_on_every_rank 2 "disagree on the network"

check "ranks that disagree on L"
mpmd -np 1 "$SDNN" infer --dataset "$DATA" --layers 6 --threads 1 --quiet : \
  -np 1 "$SDNN" infer --dataset "$DATA" --layers 5 --threads 1 --quiet
expect_error_on_every_rank 2 "disagree on the network"

check "ranks given other --rebalance-threshold values"
mpmd -np 1 "$SDNN" infer --dataset "$DATA" --layers 6 --rebalance-every 2 --rebalance-threshold 1 --threads 1 --quiet : \
  -np 1 "$SDNN" infer --dataset "$DATA" --layers 6 --rebalance-every 2 --rebalance-threshold 5 --threads 1 --quiet
[[ $RC -ne 0 ]] || fail "expected a non-zero exit status"
[[ $(grep -c "rank 1 was given other .*--rebalance-threshold.* than rank 0" "$ERR") -eq 2 ]] ||
  fail "expected the usage error on both ranks"

check "more ranks than input rows"
mpi 4 infer --dataset "$DATA" --layers 6 --num-inputs 3 --threads 1 --quiet
expect_error_on_every_rank 4 "4 ranks but only 3 input rows"

check "a bad option on one rank only"
mpmd -np 1 "$SDNN" infer --dataset "$DATA" --layers 6 --threads 1 --quiet : \
  -np 1 "$SDNN" infer --dataset "$DATA" --layers 6 --partition diagonal --threads 1 --quiet
[[ $RC -ne 0 ]] || fail "expected a non-zero exit status"
[[ $(grep -c "unknown --partition 'diagonal'" "$ERR") -eq 2 ]] || fail "expected the usage error on both ranks"

check "an allocation failure on the root while dealing the rows ends every rank (issue 17: rank 1 waited forever)"
rm -rf "$WORK/bigrow" && cp -r "$DATA" "$WORK/bigrow"
printf '1\t1\t1\n1073741824\t3\t1\n2147483647\t2\t1\n' >"$WORK/bigrow/sparse-images-1024.tsv" # 2^31 rows: 16 GiB of row pointers (the middle row: not a lone typo)
(
  ulimit -v 6000000
  mpi 2 infer --dataset "$WORK/bigrow" --layers 6 --no-check --threads 1 --quiet --no-cache
  expect_error_on_every_rank 2 "rank 0: out of memory while dealing the input rows"
)

fm=/usr/share/datasets/fashion-mnist
if [[ -f $fm/train-images-idx3-ubyte.gz ]]; then
  small=(--num-train 400 --num-test 100 --hidden 48,40,32 --fan-in 10 --batch-size 16 --epochs 2 --threads 1)
  check "train on one rank: the reference bits"
  run "$SDNN" train "${small[@]}" --out "$WORK/train-1"
  expect_rc 0
  for spec in "2 2 hypergraph" "2 1 block" "4 2 hashed" "4 4 block"; do
    read -r np model partitioner <<<"$spec"
    grep -qx "$partitioner" <("$SDNN" list partitioners 2>/dev/null) || continue
    check "train on $np ranks, $model model ranks, $partitioner partition: the same bits as one rank"
    mpi "$np" train "${small[@]}" --model-ranks "$model" --network-partition "$partitioner" --out "$WORK/train-$np-$model"
    [[ $RC -eq 0 ]] || fail "training failed"
    for f in "$WORK/train-1"/weights-l*.sdnn "$WORK/train-1"/bias-l*.txt "$WORK/train-1"/momentum-l*.sdnn; do
      cmp -s "$f" "$WORK/train-$np-$model/$(basename "$f")" || fail "$(basename "$f") differs from one rank's"
    done
    cmp -s <(cut -d, -f1-6 "$WORK/train-1/training.csv") <(cut -d, -f1-6 "$WORK/train-$np-$model/training.csv") ||
      fail "the curves differ from one rank's"
    if [[ $model -gt 1 ]]; then
      grep -Eq "^exchange +2  expand ([0-9]+) values, fold \1 values \(forward cut x samples \1, each way\)" "$OUT" ||
        fail "the exchange line does not show expand = fold = the forward cut times the samples"
    fi
  done
  check "train: a batch smaller than the data groups fails on every rank"
  mpi 4 train --num-train 100 --no-test --epochs 1 --batch-size 2 --threads 1
  expect_error_on_every_rank 4 "cannot feed 4 data groups"
fi

echo "driver_mpi_test: all checks passed"
