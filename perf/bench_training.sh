#!/usr/bin/env bash
# Benchmark of training (sdnn train) against its PyTorch peer (perf/sdnn_torch_train.py) on Fashion-MNIST, the
# same sparse network for all (drawn once by `sdnn train --epochs 0 --out`, then sdnn train --network and the
# peer start from it), the same hyper-parameters (SGD with heavy-ball momentum, the step size decayed after
# every epoch), THREADS threads each:
#   A. speed and accuracy: for batch 1 and 32, one epoch of sdnn train and of both torch variants (masked: dense
#      weights whose gradient is masked to the pattern; sparse: torch.sparse COO, only the nonzeros are
#      parameters), REPS times interleaved (sdnn, masked, sparse, sdnn, ...) so that the machine's noise hits
#      every system alike; prints the median samples/s per system, sdnn's over the best torch variant's, and
#      the median test accuracies;
#   B. accuracy side by side (only when FULL=1): FULL_EPOCHS epochs on FULL_NUM_TRAIN samples with batch 32,
#      sdnn against torch masked, the loss and test accuracy of every epoch;
#   C. traffic per partitioner: `mpirun -np P sdnn train --model-ranks P --network-partition X` (P ranks of one
#      thread, one data group) for P in 2 4 and X in block hashed hypergraph, one epoch of NUM_TRAIN samples
#      without test, run once (the traffic is deterministic; the samples/s of one run is only indicative):
#      activation values sent forward (expand) and error sums sent back (fold), what the partition predicts
#      (the forward cut times the samples), messages, samples/s, and each partitioner's expand over block's.
# Writes training_speed.csv (A), training_accuracy.csv (B), training_traffic.csv (C) and environment.txt (the
# commit, torch and its BLAS, the load average before and after) into OUT, the drawn network into OUT/network,
# every run's JSON report and output into OUT/runs.
#
# Usage: perf/bench_training.sh [SDNN_BINARY]     (default: build/openmp/drivers/sdnn, an MPI build for part C)
# Environment: REPS (3), NUM_TRAIN (10000), NUM_TEST (2000), NUM_TRAIN_B1 (3000: part A's training samples at
#              batch 1, for all three systems alike), THREADS (2), OUT (perf/results/training-DATE),
#              PARTS (parts to run, default "A B C"; B needs FULL=1), FULL (1: run part B), FULL_EPOCHS (10),
#              FULL_NUM_TRAIN (60000), FULL_NUM_TEST (10000), RANKS (part C's P values, "2 4"),
#              PARTITIONERS ("block hashed hypergraph"), HIDDEN (1024,1024,1024), FAN_IN (32), TOPOLOGY_C and
#              HIDDEN_C (part C's network: radix, 1024,1024,1024,1024,1024, output fan-in 32),
#              LEARNING_RATE (0.05), LEARNING_RATE_B1 (0.005: part A at batch 1; at 0.05 with momentum 0.9 single
#              samples kill the network, every system ends at chance), LR_DECAY (0.9), MOMENTUM (0.9),
#              SEED (1: sdnn's --seed and the peer's --shuffle-seed; the two shuffles differ all the same),
#              PYTHON (default: python3 if it imports torch, else /usr/bin/python3), MPIEXEC (mpirun).
# The peer's dense products use the BLAS torch finds (environment.txt says which): Debian's torch takes
# libblas.so.3, the slow single-threaded reference BLAS unless OpenBLAS (or another) is installed or put first in
# LD_LIBRARY_PATH. Default run on 2 cores (reference BLAS): part A ~30 min (torch sparse at batch 1 about half of
# it), part C ~3 min; part B (FULL=1) several hours for torch.
# perf/bench_common.sh is not used: its bench_run and bench_summary read `sdnn infer` reports (a check that
# passed, seconds and edges/s), while training reports samples/s and accuracies.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
me=bench_training.sh
die() { echo "$me: $*" >&2; exit 2; }

if [[ ${1:-} = -h || ${1:-} = --help ]]; then sed -n '2,38p' "$0" | sed 's/^# \{0,1\}//'; exit 0; fi
sdnn="${1:-$root/build/openmp/drivers/sdnn}"
reps="${REPS:-3}" num_train="${NUM_TRAIN:-10000}" num_test="${NUM_TEST:-2000}" num_train_b1="${NUM_TRAIN_B1:-3000}"
threads="${THREADS:-2}" out="${OUT:-$root/perf/results/training-$(date +%Y%m%d-%H%M%S)}"
parts="${PARTS:-A B C}" full="${FULL:-0}"
full_epochs="${FULL_EPOCHS:-10}" full_num_train="${FULL_NUM_TRAIN:-60000}" full_num_test="${FULL_NUM_TEST:-10000}"
ranks="${RANKS:-2 4}" partitioners="${PARTITIONERS:-block hashed hypergraph}"
hidden="${HIDDEN:-1024,1024,1024}" fan_in="${FAN_IN:-32}" seed="${SEED:-1}"
topology_c="${TOPOLOGY_C:-radix}" hidden_c="${HIDDEN_C:-1024,1024,1024,1024,1024}"
lr="${LEARNING_RATE:-0.05}" lr_b1="${LEARNING_RATE_B1:-0.005}" lr_decay="${LR_DECAY:-0.9}" momentum="${MOMENTUM:-0.9}"
mpiexec="${MPIEXEC:-mpirun}"
[[ -x "$sdnn" ]] || die "$sdnn is not an executable (usage: perf/bench_training.sh [SDNN_BINARY])"
for value in $reps $num_train $num_test $num_train_b1 $threads $full_epochs $full_num_train $full_num_test $ranks \
  $fan_in; do
  [[ $value =~ ^[1-9][0-9]*$ ]] || die "'$value' is not a positive integer"
done
for value in $lr $lr_b1 $lr_decay $momentum; do
  [[ $value =~ ^[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?$ ]] || die "'$value' is not a non-negative number"
done
for name in $partitioners; do
  case "$name" in block|hashed|hypergraph) ;; *) die "PARTITIONERS: unknown partitioner '$name'" ;; esac
done
has_part() { [[ " $parts " = *" $1 "* ]]; }

python="${PYTHON:-}"
if [[ -z "$python" ]]; then
  for candidate in python3 /usr/bin/python3; do # a pyenv python3 may shadow the one with Debian's torch
    if "$candidate" -c "import torch" 2>/dev/null; then python=$candidate; break; fi
  done
fi
if has_part A || { has_part B && ((full)); }; then
  if [[ -z "$python" ]] || ! "$python" -c "import torch, numpy"; then
    die "no python3 with torch and numpy (apt-get install python3-torch, or set PYTHON)"
  fi
fi
peer="$root/perf/sdnn_torch_train.py"

export OMP_PROC_BIND="${OMP_PROC_BIND:-spread}" OMP_PLACES="${OMP_PLACES:-threads}"
# The peer's BLAS (OpenBLAS or MKL) would otherwise start a thread per core whatever torch.set_num_threads says.
export OPENBLAS_NUM_THREADS="$threads" MKL_NUM_THREADS="$threads"
mkdir -p "$out/runs"
runs="$out/runs"
git_hash="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
shape=(--hidden "$hidden" --fan-in "$fan_in")
hyper=(--learning-rate "$lr" --lr-decay "$lr_decay" --momentum "$momentum")
hyper_b1=(--learning-rate "$lr_b1" --lr-decay "$lr_decay" --momentum "$momentum")

# figures JSON: "samples/s test-accuracy" of a report of sdnn train or of the peer ("nan nan" if it has an error).
figures() {
  python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
if "error" in r or not r.get("epochs"):
    print("nan nan")
else:
    print(r["samples_per_second"], r["epochs"][-1]["test_accuracy"])
PY
}

{
  echo "sdnn $git_hash ($sdnn), $(nproc) cores, threads $threads, $(date -Iseconds)"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  if [[ -n "$python" ]]; then
    echo "peer: $python, torch $("$python" -c 'import torch; print(torch.__version__)' 2>/dev/null || echo absent)"
  fi
} >"$out/environment.txt"
cat "$out/environment.txt" >&2
load="$(cut -d' ' -f1 /proc/loadavg)"
if python3 -c "import sys; sys.exit(float(sys.argv[1]) < 0.5)" "$load"; then
  echo "[bench] note: load average $load before starting: other processes share the cores, the rates will suffer" >&2
fi

# ---- The network: drawn once by sdnn (its --epochs 0 --out), the start of every run below. ----
network="$out/network"
if [[ ! -f "$network/sdnn-network.txt" ]]; then
  "$sdnn" train --num-train 1 --no-test --epochs 0 "${shape[@]}" --out "$network" --quiet >"$runs/draw.txt" 2>&1 ||
    { cat "$runs/draw.txt" >&2; die "cannot draw the network (sdnn train --epochs 0 --out)"; }
fi
echo "[bench] network: $network ($(grep '^widths' "$network/sdnn-network.txt"))" >&2

# ---- Part A: speed and accuracy, batch 1 and 32. ----
if has_part A; then
  speed_csv="$out/training_speed.csv"
  echo "system,variant,batch,rep,samples_per_second,test_accuracy" >"$speed_csv"
  sparse_error=""
  total=$((2 * reps * 3)) done=0
  for batch in 1 32; do
    n=$num_train step=("${hyper[@]}")
    if ((batch == 1)); then n=$num_train_b1 step=("${hyper_b1[@]}"); fi
    for ((rep = 1; rep <= reps; ++rep)); do
      for system in sdnn masked sparse; do
        report="$runs/speed-b$batch-$system-$rep.json" log="$runs/speed-b$batch-$system-$rep.txt"
        ((++done))
        if [[ $system = sdnn ]]; then
          "$sdnn" train --num-train "$n" --num-test "$num_test" --epochs 1 --batch-size "$batch" --threads "$threads" \
            --network "$network" "${step[@]}" --seed "$seed" --report "$report" >"$log" 2>&1 ||
            { cat "$log" >&2; die "sdnn train failed (batch $batch)"; }
          row="sdnn,kokkos"
        else
          if [[ $system = sparse && -n $sparse_error ]]; then # the installed torch cannot: do not retry
            echo "torch,sparse,$batch,$rep,nan,nan" >>"$speed_csv"
            continue
          fi
          status=0
          "$python" "$peer" --network "$network" --variant "$system" --batch-size "$batch" --epochs 1 "${step[@]}" \
            --threads "$threads" --num-train "$n" --num-test "$num_test" --shuffle-seed "$seed" --json "$report" \
            >"$log" 2>&1 || status=$?
          if ((status != 0)); then
            if [[ $system = sparse ]] && [[ -f $report ]] && grep -q '"error"' "$report"; then
              sparse_error="$(tail -1 "$log")"
              echo "[bench] note: torch sparse: $sparse_error" >&2
            else
              cat "$log" >&2
              die "the torch peer failed ($system, batch $batch)"
            fi
          fi
          row="torch,$system"
        fi
        read -r rate accuracy <<<"$(figures "$report")"
        echo "$row,$batch,$rep,$rate,$accuracy" >>"$speed_csv"
        echo "[bench] run $done of $total: batch $batch, $system: $rate samples/s, test accuracy $accuracy" >&2
      done
    done
  done
  if [[ -f "$runs/speed-b32-masked-1.json" ]]; then
    echo "peer BLAS: $(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["blas"])' \
      "$runs/speed-b32-masked-1.json")" | tee -a "$out/environment.txt" >&2
  fi
  python3 - "$speed_csv" "$reps" "$num_train" "$num_train_b1" "$num_test" "$threads" "$lr" \
    "$lr_b1" <<'PY'
import csv, math, statistics, sys
path, reps, num_train, num_train_b1, num_test, threads, lr, lr_b1 = sys.argv[1:]
rows = list(csv.DictReader(open(path)))

def median(batch, variant, field):
    values = [float(r[field]) for r in rows if r["batch"] == batch and r["variant"] == variant]
    values = [v for v in values if not math.isnan(v)]
    return statistics.median(values) if values else math.nan

def rate(x):
    return "n/a" if math.isnan(x) else f"{x:.0f}"

def percent(x):
    return "n/a" if math.isnan(x) else f"{100 * x:.2f}%"

print(f"\nPart A: one epoch, median of {reps} runs, {threads} threads; {num_train} training samples at batch 32"
      f" (learning rate {lr}), {num_train_b1} at batch 1 (learning rate {lr_b1}); {num_test} test samples\n")
print("| batch | sdnn samples/s | torch masked | torch sparse | sdnn / best torch"
      " | sdnn test acc. | masked test acc. | sparse test acc. |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|")
for batch in ("1", "32"):
    s, m, p = (median(batch, v, "samples_per_second") for v in ("kokkos", "masked", "sparse"))
    best = max((x for x in (m, p) if not math.isnan(x)), default=math.nan)
    ratio = "n/a" if math.isnan(best) else f"{s / best:.2f}"
    accuracy = (percent(median(batch, v, "test_accuracy")) for v in ("kokkos", "masked", "sparse"))
    print(f"| {batch} | {rate(s)} | {rate(m)} | {rate(p)} | {ratio} | " + " | ".join(accuracy) + " |")
print(f"\nCSV: {path}")
PY
fi

# ---- Part B: accuracy side by side over many epochs (FULL=1). ----
if has_part B; then
  if ((full)); then
    accuracy_csv="$out/training_accuracy.csv"
    echo "[bench] part B: $full_epochs epochs on $full_num_train samples, batch 32, sdnn then torch masked" >&2
    "$sdnn" train --num-train "$full_num_train" --num-test "$full_num_test" --epochs "$full_epochs" --batch-size 32 \
      --threads "$threads" --network "$network" "${hyper[@]}" --seed "$seed" --report "$runs/full-sdnn.json" \
      >"$runs/full-sdnn.txt" 2>&1 || { cat "$runs/full-sdnn.txt" >&2; die "sdnn train failed (part B)"; }
    "$python" "$peer" --network "$network" --variant masked --batch-size 32 --epochs "$full_epochs" "${hyper[@]}" \
      --threads "$threads" --num-train "$full_num_train" --num-test "$full_num_test" --shuffle-seed "$seed" \
      --json "$runs/full-masked.json" >"$runs/full-masked.txt" 2>&1 ||
      { cat "$runs/full-masked.txt" >&2; die "the torch peer failed (part B)"; }
    python3 - "$runs/full-sdnn.json" "$runs/full-masked.json" "$accuracy_csv" "$full_num_train" \
      "$full_num_test" <<'PY'
import json, sys
sdnn_path, torch_path, csv, num_train, num_test = sys.argv[1:]
sdnn, torch = (json.load(open(p))["epochs"] for p in (sdnn_path, torch_path))
lines = ["epoch,sdnn_loss,sdnn_test_accuracy,sdnn_samples_per_second,torch_masked_loss,torch_masked_test_accuracy,"
         "torch_masked_samples_per_second"]
print(f"\nPart B: {num_train} training samples, batch 32, {num_test} test samples; loss: mean over the epoch's batches"
      f" before each step\n")
print("| epoch | sdnn loss | sdnn test acc. | torch masked loss | torch masked test acc. |")
print("|---:|---:|---:|---:|---:|")
for s, t in zip(sdnn, torch):
    lines.append(f"{s['epoch']},{s['loss']:.6f},{s['test_accuracy']:.6f},{s['samples_per_second']:.1f},"
                 f"{t['loss']:.6f},{t['test_accuracy']:.6f},{t['samples_per_second']:.1f}")
    print(f"| {s['epoch']} | {s['loss']:.4f} | {100 * s['test_accuracy']:.2f}% | {t['loss']:.4f} |"
          f" {100 * t['test_accuracy']:.2f}% |")
open(csv, "w").write("\n".join(lines) + "\n")
print(f"\nCSV: {csv}")
PY
  else
    echo "[bench] part B skipped (FULL=1 runs it: $full_epochs epochs on $full_num_train samples)" >&2
  fi
fi

# ---- Part C: traffic per partitioner under mpirun. ----
if has_part C; then
  if [[ "$(id -u)" = 0 ]]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
  traffic="$runs/traffic.txt" # "P partitioner log" per run
  : >"$traffic"
  # Part C's own network: on a random fan-in topology every neuron is read by every part (no partition can cut
  # less than block), so the partitioners are compared on RadiX-Net's structured layers (TOPOLOGY_C).
  network_c="$out/network-c"
  "$sdnn" train --epochs 0 --topology "$topology_c" --hidden "$hidden_c" --output-fan-in 32 --fan-in "$fan_in" \
    --num-train 100 --no-test --out "$network_c" >"$runs/draw-c.txt" 2>&1 ||
    { cat "$runs/draw-c.txt" >&2; die "could not draw part C's network"; }
  for p in $ranks; do
    for name in $partitioners; do
      log="$runs/traffic-p$p-$name.txt"
      echo "[bench] part C: $p ranks, $name partition" >&2
      # P ranks of one thread oversubscribe the cores (deliberately): unbound, passive OpenMP threads, Kokkos'
      # warning about it silenced.
      OMP_PROC_BIND=false OMP_WAIT_POLICY=passive KOKKOS_DISABLE_WARNINGS=1 \
        "$mpiexec" --oversubscribe --bind-to none -np "$p" "$sdnn" train --model-ranks "$p" --network-partition "$name" \
        --epochs 1 --num-train "$num_train" --no-test --threads 1 --batch-size 32 --network "$network_c" "${hyper[@]}" \
        --seed "$seed" >"$log" 2>&1 || { cat "$log" >&2; die "mpirun -np $p sdnn train ($name) failed"; }
      echo "$p $name $log" >>"$traffic"
    done
  done
  python3 - "$traffic" "$out/training_traffic.csv" "$num_train" <<'PY'
import math, re, sys
traffic, csv, num_train = sys.argv[1:]
exchange = re.compile(r"^exchange\s+1\s+expand (\d+) values, fold (\d+) values \(forward cut x samples (\d+), each way\),"
                      r" (\d+) messages")
epoch = re.compile(r"^epoch\s+1\s.*?\s(\d+) samples/s")
rows = []
for line in open(traffic):
    p, name, log = line.split(maxsplit=2)
    text = open(log.strip()).read().splitlines()
    found = [m.groups() for m in map(exchange.match, text) if m]
    rate = [m.group(1) for m in map(epoch.match, text) if m]
    if not found or not rate:
        sys.exit(f"bench_training.sh: no 'exchange 1' or 'epoch 1' line in {log.strip()}")
    expand, fold, predicted, messages = map(int, found[0])
    if expand != predicted or fold != predicted:
        print(f"[bench] warning: {p} ranks, {name}: expand {expand}, fold {fold}, predicted {predicted}", file=sys.stderr)
    rows.append((int(p), name, expand, fold, predicted, messages, float(rate[0])))
lines = ["P,partitioner,expand_values,fold_values,predicted_values,messages,samples_per_second"]
lines += [",".join(map(str, r)) for r in rows]
open(csv, "w").write("\n".join(lines) + "\n")
print(f"\nPart C: one epoch of {num_train} samples, batch 32, P ranks x 1 thread (--model-ranks P); values per epoch,"
      f" summed over the ranks; x block: expand values over the block partition's\n")
print("| P | partitioner | expand values | fold values | predicted | messages | samples/s | x block |")
print("|---:|---|---:|---:|---:|---:|---:|---:|")
for p, name, expand, fold, predicted, messages, rate in rows:
    block = next((r[2] for r in rows if r[0] == p and r[1] == "block"), None)
    ratio = f"{expand / block:.3f}" if block else "n/a"
    print(f"| {p} | {name} | {expand} | {fold} | {predicted} | {messages} | {rate:.0f} | {ratio} |")
print(f"\nCSV: {csv}")
PY
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/environment.txt" >&2
echo "[bench] results in $out" >&2
