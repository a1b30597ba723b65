#!/usr/bin/env python3
"""PyTorch peer of `sdnn train`: trains the same sparse network (same topology, same initial weights and biases,
read from a directory written by `sdnn train --epochs 0 --out DIR`) on Fashion-MNIST with the same model (ReLU
hidden layers, optionally clamped, softmax cross-entropy averaged over the batch) and the same optimiser
(torch.optim.SGD with heavy-ball momentum, dampening 0; the learning rate times --lr-decay after every epoch).

Two variants:
  masked  every W_l is a dense float32 parameter holding the nonzeros and zeros elsewhere; after each backward
          its gradient is set to 0 outside the pattern, so the momentum and the updates stay on the nonzeros and
          the weights outside the pattern stay exactly 0 (checked at the end);
  sparse  only the nonzeros are parameters (a dense vector of values per layer); every step builds the sparse
          matrix W_l^T from them (torch.sparse_coo_tensor, differentiable in its values) and multiplies it by
          the activations kept feature-major (neurons x samples): h_l = relu(W_l^T h_{l-1} + b_l) with
          torch.sparse.mm, sparse @ dense being the product torch can differentiate on the CPU.

Like sdnn train, an epoch visits the samples in a shuffled order (here a torch.Generator seeded by --shuffle-seed,
not sdnn's order; with --no-shuffle both visit them in file order and take the same steps, equal up to rounding),
the last batch may be smaller, the loss and train accuracy are those of the epoch's batches before each step, the
test accuracy is measured after the epoch, and the epoch's seconds count the training steps only (the evaluation
excluded). Prints a line per epoch and writes the JSON report (--json).

--threads sets torch.set_num_threads; torch's BLAS (OpenBLAS, MKL) takes its own thread count from the environment
(OPENBLAS_NUM_THREADS, MKL_NUM_THREADS: perf/bench_training.sh sets them to the same number).

Needs python3, numpy and torch only.
"""
import argparse
import gzip
import json
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

DATA = "/usr/share/datasets/fashion-mnist"


def read_idx(path, count):
    """The first `count` (-1: all) items of an IDX file (gzip or not): images as float32 pixel/255 (count x 784),
    labels as int64."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic, items = struct.unpack_from(">ii", data, 0)
    if magic == 2051:  # images: items, rows, cols, then bytes
        rows, cols = struct.unpack_from(">ii", data, 8)
        n = items if count < 0 else min(count, items)
        pixels = np.frombuffer(data, np.uint8, n * rows * cols, 16).reshape(n, rows * cols)
        return torch.from_numpy(pixels.astype(np.float32) / np.float32(255))
    if magic == 2049:  # labels: items, then bytes
        n = items if count < 0 else min(count, items)
        return torch.from_numpy(np.frombuffer(data, np.uint8, n, 8).astype(np.int64))
    sys.exit(f"{path}: not an IDX image or label file (magic {magic})")


def read_network(directory):
    """The network saved by sdnn train: [(rows, cols, col_ptr, row_idx, values, bias)] per layer, and the clamp."""
    meta = {}
    with open(os.path.join(directory, "sdnn-network.txt")) as f:
        for line in f:
            key, _, value = line.strip().partition(" ")
            meta[key] = value
    layers = int(meta["layers"])
    widths = [int(w) for w in meta["widths"].split()]
    clamp = float(meta.get("clamp", "0"))
    network = []
    for l in range(1, layers + 1):
        with open(os.path.join(directory, f"weights-l{l:03d}.sdnn"), "rb") as f:
            data = f.read()
        # 112-byte header: num_rows, num_cols, nnz are int64 at byte offsets 32, 40, 48; then col_ptr (int64,
        # num_cols + 1), row_idx (int32, nnz), values (float32, nnz), all little-endian.
        rows, cols, nnz = struct.unpack_from("<qqq", data, 32)
        if (rows, cols) != (widths[l - 1], widths[l]) or len(data) != 112 + 8 * (cols + 1) + 8 * nnz:
            sys.exit(f"{directory}: layer {l}: a {rows} x {cols} matrix of {nnz} nonzeros in {len(data)} bytes,"
                     f" the widths say {widths[l - 1]} x {widths[l]}")
        col_ptr = np.frombuffer(data, "<i8", cols + 1, 112)
        row_idx = np.frombuffer(data, "<i4", nnz, 112 + 8 * (cols + 1))
        values = np.frombuffer(data, "<f4", nnz, 112 + 8 * (cols + 1) + 4 * nnz)
        with open(os.path.join(directory, f"bias-l{l:03d}.txt")) as f:
            bias = np.array([float(x) for x in f.read().split()], dtype=np.float32)
        if bias.size != cols:
            sys.exit(f"{directory}: layer {l}: {bias.size} biases for {cols} neurons")
        network.append((rows, cols, col_ptr, row_idx, values, bias))
    return network, clamp


class MaskedMLP(torch.nn.Module):
    """Dense weights W_l (inputs x neurons) zero outside the pattern; outside_l is True outside the pattern."""

    def __init__(self, network, clamp):
        super().__init__()
        self.clamp = clamp
        self.weights = torch.nn.ParameterList()
        self.biases = torch.nn.ParameterList()
        self.outside = []
        for rows, cols, col_ptr, row_idx, values, bias in network:
            row = torch.from_numpy(row_idx.astype(np.int64))
            col = torch.from_numpy(np.repeat(np.arange(cols), np.diff(col_ptr)))  # the column of every nonzero
            w = torch.zeros(rows, cols)
            w[row, col] = torch.from_numpy(values.copy())
            outside = torch.ones(rows, cols, dtype=torch.bool)
            outside[row, col] = False  # the pattern, whatever the values (a stored 0 trains like any nonzero)
            self.weights.append(torch.nn.Parameter(w))
            self.biases.append(torch.nn.Parameter(torch.from_numpy(bias.copy())))
            self.outside.append(outside)

    def forward(self, x):  # x: samples x features; returns samples x classes
        last = len(self.weights) - 1
        for l, (w, b) in enumerate(zip(self.weights, self.biases)):
            x = torch.addmm(b, x, w)
            if l < last:
                x = torch.clamp(x, 0.0, self.clamp) if self.clamp > 0 else torch.relu(x)
        return x

    def mask_gradients(self):
        """Keeps the gradients on the pattern, so SGD never moves a weight outside it (its momentum stays 0).
        masked_fill_ rather than a multiplication by a 0/1 mask: a NaN or infinite gradient times 0 is NaN."""
        for w, outside in zip(self.weights, self.outside):
            w.grad.masked_fill_(outside, 0.0)

    def check_pattern(self):
        """Fails unless every weight outside the pattern is still exactly 0."""
        for l, (w, outside) in enumerate(zip(self.weights, self.outside), start=1):
            moved = torch.count_nonzero(w.detach()[outside]).item()
            if moved != 0:  # not an assert: python -O would skip it
                raise AssertionError(f"masked: layer {l}: {moved} weights outside the pattern are not 0")


class SparseMLP(torch.nn.Module):
    """Only the nonzeros are parameters: values_l, in the order of the COO indices (neuron, input) of W_l^T."""

    def __init__(self, network, clamp):
        super().__init__()
        self.clamp = clamp
        self.values = torch.nn.ParameterList()
        self.biases = torch.nn.ParameterList()
        self.indices, self.shapes = [], []
        for rows, cols, col_ptr, row_idx, values, bias in network:
            col = np.repeat(np.arange(cols), np.diff(col_ptr))
            # W_l^T is neurons x inputs: row = the neuron (column of W_l), column = the input. CSC order of W_l
            # (by column, rows ascending) is row-major order of W_l^T: the indices are already coalesced.
            self.indices.append(torch.from_numpy(np.stack([col, row_idx.astype(np.int64)])))
            self.shapes.append((cols, rows))
            self.values.append(torch.nn.Parameter(torch.from_numpy(values.copy())))
            self.biases.append(torch.nn.Parameter(torch.from_numpy(bias.copy()).unsqueeze(1)))  # neurons x 1

    def forward(self, x):  # x: samples x features; returns samples x classes
        h = x.t()  # features x samples: every layer is then sparse @ dense
        last = len(self.values) - 1
        for l, (v, b) in enumerate(zip(self.values, self.biases)):
            # (torch 1.13 has no is_coalesced= here: sparse.mm sorts the already sorted indices every step.)
            wt = torch.sparse_coo_tensor(self.indices[l], v, self.shapes[l])
            h = torch.sparse.mm(wt, h) + b
            if l < last:
                h = torch.clamp(h, 0.0, self.clamp) if self.clamp > 0 else torch.relu(h)
        return h.t()


def blas_libraries():
    """The BLAS / LAPACK libraries loaded in this process (torch's dense products go through them: Debian's torch
    uses whatever libblas.so.3 points to, the slow reference BLAS unless OpenBLAS, BLIS or MKL is installed)."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if line.rstrip().endswith(".so") or ".so." in line}
    except OSError:
        return "unknown"
    return " ".join(sorted(p for p in paths if "blas" in os.path.basename(p).lower() or "mkl" in p)) or "none"


def evaluate(model, images, labels, chunk=1000):
    """Accuracy on (images, labels)."""
    right = 0
    with torch.no_grad():
        for first in range(0, len(labels), chunk):
            logits = model(images[first:first + chunk])
            right += (logits.argmax(1) == labels[first:first + chunk]).sum().item()
    return right / len(labels)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--network", required=True, help="directory written by sdnn train --epochs 0 --out DIR")
    p.add_argument("--variant", choices=["masked", "sparse"], default="masked")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--learning-rate", type=float, default=0.05)
    p.add_argument("--lr-decay", type=float, default=0.9)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    p.add_argument("--num-train", type=int, default=-1, help="the first N training images (default: all)")
    p.add_argument("--num-test", type=int, default=-1, help="the first N test images (default: all; 0: no test)")
    p.add_argument("--shuffle-seed", type=int, default=1)
    p.add_argument("--no-shuffle", action="store_true",
                   help="visit the samples in file order every epoch (as sdnn train --no-shuffle: the same steps)")
    p.add_argument("--data", default=DATA, help=f"directory of the Fashion-MNIST IDX files (default: {DATA})")
    p.add_argument("--json", help="write the report there")
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    network, clamp = read_network(args.network)
    train_x = read_idx(os.path.join(args.data, "train-images-idx3-ubyte.gz"), args.num_train)
    train_y = read_idx(os.path.join(args.data, "train-labels-idx1-ubyte.gz"), args.num_train)
    test_x = test_y = None
    if args.num_test != 0:
        test_x = read_idx(os.path.join(args.data, "t10k-images-idx3-ubyte.gz"), args.num_test)
        test_y = read_idx(os.path.join(args.data, "t10k-labels-idx1-ubyte.gz"), args.num_test)
    if train_x.shape[1] != network[0][0]:
        sys.exit(f"{args.network}: {network[0][0]} inputs, the images have {train_x.shape[1]} features")

    model = (MaskedMLP if args.variant == "masked" else SparseMLP)(network, clamp)
    optimizer = torch.optim.SGD(model.parameters(), lr=args.learning_rate, momentum=args.momentum, dampening=0)
    # lr *= lr_decay after every epoch
    scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=args.lr_decay)
    generator = torch.Generator().manual_seed(args.shuffle_seed)
    report = {"variant": args.variant, "batch_size": args.batch_size, "threads": args.threads,
              "torch_version": torch.__version__, "blas": blas_libraries(), "samples": len(train_y),
              "parameters": sum(len(values) + len(bias) for _, _, _, _, values, bias in network),
              "epochs": []}

    print(f"torch {torch.__version__}, {args.variant}, {len(network)} layers, {report['parameters']} parameters,"
          f" {len(train_y)} training samples, batch {args.batch_size}, {torch.get_num_threads()} threads,"
          f" BLAS {report['blas']}", flush=True)
    total_seconds, total_samples = 0.0, 0
    try:
        for epoch in range(1, args.epochs + 1):
            lr = optimizer.param_groups[0]["lr"]
            order = torch.arange(len(train_y)) if args.no_shuffle else torch.randperm(len(train_y), generator=generator)
            loss_sum, right = 0.0, 0
            start = time.perf_counter()
            for first in range(0, len(train_y), args.batch_size):
                batch = order[first:first + args.batch_size]
                x, y = train_x[batch], train_y[batch]
                logits = model(x)
                loss = F.cross_entropy(logits, y)  # mean over the batch
                optimizer.zero_grad(set_to_none=False)
                loss.backward()
                if args.variant == "masked":
                    model.mask_gradients()
                optimizer.step()
                loss_sum += loss.item() * len(y)
                right += (logits.detach().argmax(1) == y).sum().item()
            seconds = time.perf_counter() - start
            scheduler.step()
            test_accuracy = evaluate(model, test_x, test_y) if test_x is not None else -1.0
            e = {"epoch": epoch, "learning_rate": lr, "loss": loss_sum / len(train_y),
                 "train_accuracy": right / len(train_y), "test_accuracy": test_accuracy, "seconds": seconds,
                 "samples_per_second": len(train_y) / seconds}
            report["epochs"].append(e)
            total_seconds += seconds
            total_samples += len(train_y)
            test = f"{100 * test_accuracy:.2f}%" if test_accuracy >= 0 else "-"
            print(f"epoch {epoch:3d}  loss {e['loss']:.4f}  train {100 * e['train_accuracy']:.2f}%  test {test}"
                  f"  {e['samples_per_second']:.0f} samples/s  {seconds:.1f} s  lr {lr:.4g}", flush=True)
    except (RuntimeError, NotImplementedError) as error:
        if args.variant != "sparse":
            raise
        # The installed torch may not differentiate sparse @ dense on the CPU: say so and leave a report.
        message = f"torch {torch.__version__} cannot train the sparse variant: {type(error).__name__}: {error}"
        print(message, file=sys.stderr)
        report["error"] = message
        if args.json:
            with open(args.json, "w") as f:
                json.dump(report, f, indent=1)
        sys.exit(3)

    if args.variant == "masked":
        model.check_pattern()
        print("masked: every weight outside the pattern is still exactly 0")
    report["samples_per_second"] = total_samples / total_seconds if total_seconds > 0 else 0.0
    if report["epochs"]:
        report["test_accuracy"] = report["epochs"][-1]["test_accuracy"]
    print(f"rate     {report['samples_per_second']:.0f} samples/s over {len(report['epochs'])} epochs"
          f" ({total_seconds:.2f} s of steps)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
