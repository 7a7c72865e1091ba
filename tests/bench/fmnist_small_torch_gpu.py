#!/usr/bin/python3
# fmnist_small_torch_gpu.py - PyTorch peers of sv-train's fmnist-small on
# one device (a CUDA GPU, or the CPU with --device cpu): the network,
# initialisation and recipe of sv-train(1), MODELS (conv3x3(1->16) ReLU
# maxpool2, conv3x3(16->32) ReLU maxpool2, linear 1568->10; PyTorch's
# default init; SGD lr 0.05, Nesterov momentum 0.9, weight decay 5e-4,
# batch 128, reshuffled every epoch, last partial batch kept), the whole
# dataset resident on the device and batches gathered there by index.
#
#   eager  the plain loop a PyTorch user writes: one seed after another,
#          torch.manual_seed(seed), nn.Sequential, torch.optim.SGD.
#   vmap   torch.func (functional_call + vmap + grad) over S stacked
#          models (--stack S), each with its own seed's initial weights
#          and its own seed's data order every epoch, the SGD update done
#          on the stacked tensors; test accuracy per model.
#
# Model k of a vmap stack starts from the same weights as eager's seed k
# and sees the same data order, so the two differ only by the order of
# floating-point sums inside the batched kernels: close, never bit-equal.
#
# Reads seeds on stdin (or --seeds N: 0..N-1); prints one record per seed
#   #seed  correct  total  acc  secs  mode
# and on stderr one summary line.  secs covers training and the test
# evaluation of that seed (for vmap: its stack's time divided by the
# stack's size), after the data is on the device and after one untimed
# warm-up step, so CUDA start-up is outside it; the device is synchronised
# before each clock reading.
#
# --check trains 2 seeds with eager and with vmap at S=2 on a small subset
# (TF32 off) and checks that vmap starts from eager's weights, that its two
# models differ, and that each lands near eager's weights and accuracy.
# --write-data DIR writes the first --train-size/--test-size images as
# gzip'd IDX files (for sv-train -d fashion-mnist:DIR) and exits.
#
# Exit status: 0 success, 1 --check found a difference, 2 usage or bad
# input, 3 environment (no data, no CUDA device when one is asked for).
#
# Usage: seq 0 99 | /usr/bin/python3 fmnist_small_torch_gpu.py [--mode eager|vmap]
#        [--stack S] [--device cuda|cpu] [--epochs N] [--data DIR]
#        [--train-size N] [--test-size N] [--threads N] [--seeds N]
#        [--no-tf32] [--check] [--write-data DIR]
import argparse
import gzip
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

try:                                    # PyTorch >= 2.0
    from torch.func import functional_call, grad, vmap
except ImportError:                     # PyTorch 1.13: functorch
    from functorch import grad, vmap
    from torch.nn.utils.stateless import functional_call

PROG = "fmnist_small_torch_gpu"
DATA = "/usr/share/datasets/fashion-mnist"
MEAN, STD = 0.2860, 0.3530
LR, MOMENTUM, WD, BATCH = 0.05, 0.9, 5e-4, 128
OOM = getattr(torch.cuda, "OutOfMemoryError", MemoryError)
EVAL_IMAGES = 32768      # images (models x test images) in one vmap evaluation chunk


def die(status, msg):
    print(f"{PROG}: {msg}", file=sys.stderr)
    sys.exit(status)


# --- data: gzip'd IDX (magic 0 0 type ndim, then ndim big-endian sizes)

def read_idx(path, ndim):
    try:
        with gzip.open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        die(3, f"{path}: {e.strerror or e}")
    if len(raw) < 4 + 4 * ndim or raw[2] != 8 or raw[3] != ndim:
        die(2, f"{path}: not an IDX file of {ndim} dimension(s) of bytes")
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    if len(raw) - 4 - 4 * ndim != math.prod(dims):
        die(2, f"{path}: {len(raw) - 4 - 4 * ndim} bytes of data, header says {math.prod(dims)}")
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def write_idx(path, a):
    head = bytes([0, 0, 8, a.ndim]) + b"".join(d.to_bytes(4, "big") for d in a.shape)
    with gzip.GzipFile(path, "wb", mtime=0) as f:
        f.write(head + a.tobytes())


def load_raw(data, stem, n):
    x = read_idx(f"{data}/{stem}-images-idx3-ubyte.gz", 3)
    y = read_idx(f"{data}/{stem}-labels-idx1-ubyte.gz", 1)
    if len(x) != len(y):
        die(2, f"{data}: {stem}: {len(x)} images but {len(y)} labels")
    if n is not None:
        if n > len(x):
            die(2, f"{data}: {stem}: {n} images asked for, {len(x)} there")
        x, y = x[:n], y[:n]
    return x, y


# images (N,1,28,28) float32 normalised, labels (N,) int64, on the device
def to_device(x, y, dev):
    x = (torch.from_numpy(x.astype(np.float32) / 255.0) - MEAN) / STD
    return x.unsqueeze(1).to(dev), torch.from_numpy(y.astype(np.int64)).to(dev)


# --- the network: built on the CPU from the default generator, so that
# torch.manual_seed(seed) gives the same weights on any device

def make_net():
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(1568, 10))


# TF32 in convolutions and matrix products: PyTorch >= 2.9 has
# fp32_precision ("tf32", "ieee", "none": inherit) and warns about the
# older allow_tf32 flags; older versions have only the flags.
def conv_precision():
    conv = getattr(torch.backends.cudnn, "conv", None)
    try:
        if conv is not None and hasattr(conv, "fp32_precision"):
            return str(conv.fp32_precision)
        return "tf32" if torch.backends.cudnn.allow_tf32 else "ieee"
    except (AttributeError, RuntimeError):
        return "unknown"


def exact_fp32():
    conv = getattr(torch.backends.cudnn, "conv", None)
    if conv is not None and hasattr(conv, "fp32_precision"):
        conv.fp32_precision = "ieee"
        torch.backends.cuda.matmul.fp32_precision = "ieee"
    else:
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cuda.matmul.allow_tf32 = False


def sync(dev):
    if dev.type == "cuda":
        torch.cuda.synchronize(dev)


# --- eager: one seed, the plain loop; returns (correct, secs, weights)

def eager_seed(seed, xtr, ytr, xte, yte, epochs, dev):
    sync(dev)
    t0 = time.perf_counter()
    torch.manual_seed(seed)
    net = make_net().to(dev)
    opt = torch.optim.SGD(net.parameters(), lr=LR, momentum=MOMENTUM,
                          nesterov=True, weight_decay=WD)
    n = len(ytr)
    for _ in range(epochs):
        perm = torch.randperm(n, device=dev)
        for i in range(0, n, BATCH):
            b = perm[i:i + BATCH]
            opt.zero_grad()
            F.cross_entropy(net(xtr[b]), ytr[b]).backward()
            opt.step()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(yte), 1000):
            correct += int((net(xte[i:i + 1000]).argmax(1) == yte[i:i + 1000]).sum())
    sync(dev)
    return correct, time.perf_counter() - t0, {k: v.detach() for k, v in net.state_dict().items()}


# --- vmap: S models at once

# Each seed's initial weights (stacked, on the device) and a generator that
# continues as eager's default generator does for the data order: on the
# CPU the default generator after the init, on CUDA the default CUDA
# generator, which the init does not touch.
def vmap_init(seeds, dev):
    per, gens = [], []
    for s in seeds:
        torch.manual_seed(s)
        per.append({k: v.detach() for k, v in make_net().named_parameters()})
        if dev.type == "cuda":
            g = torch.Generator(device=dev)
            g.manual_seed(s)
        else:
            g = torch.Generator()
            g.set_state(torch.get_rng_state())
        gens.append(g)
    params = {k: torch.stack([p[k] for p in per]).to(dev) for k in per[0]}
    return params, gens


def vmap_stack(seeds, xtr, ytr, xte, yte, epochs, dev):
    """Trains len(seeds) models at once; returns (corrects, secs, params)."""
    sync(dev)
    t0 = time.perf_counter()
    net = make_net().to(dev)    # the structure only; its weights are not used
    params, gens = vmap_init(seeds, dev)
    mom = {k: torch.zeros_like(v) for k, v in params.items()}

    def loss(p, x, y):
        return F.cross_entropy(functional_call(net, p, (x,)), y)

    step = vmap(grad(loss))
    n = len(ytr)
    for _ in range(epochs):
        # perms (S,n): model k's order, from its own generator
        perms = torch.stack([torch.randperm(n, generator=g, device=g.device) for g in gens]).to(dev)
        for i in range(0, n, BATCH):
            b = perms[:, i:i + BATCH]                   # (S,B)
            g = step(params, xtr[b], ytr[b])            # x (S,B,1,28,28), y (S,B)
            # torch.optim.SGD, Nesterov, coupled weight decay, per tensor:
            # d = g + wd p; m = momentum m + d; d += momentum m; p -= lr d
            for k, p in params.items():
                d = torch.add(g[k], p, alpha=WD)
                mom[k].mul_(MOMENTUM).add_(d)
                d.add_(mom[k], alpha=MOMENTUM)
                p.add_(d, alpha=-LR)
    correct = torch.zeros(len(seeds), dtype=torch.int64, device=dev)
    chunk = max(1, EVAL_IMAGES // len(seeds))
    fwd = vmap(lambda p, x: functional_call(net, p, (x,)), in_dims=(0, None))
    with torch.no_grad():
        for i in range(0, len(yte), chunk):
            out = fwd(params, xte[i:i + chunk])         # (S,C,10)
            correct += (out.argmax(2) == yte[i:i + chunk]).sum(1)
    correct = correct.tolist()
    sync(dev)
    return correct, time.perf_counter() - t0, params


# One untimed training step of the same shapes (CUDA context, kernel
# loading, library handles), then the same for the evaluation.
def warm_up(mode, stack, xtr, ytr, xte, yte, dev):
    n = min(BATCH, len(ytr))
    if mode == "eager":
        eager_seed(0, xtr[:n], ytr[:n], xte[:n], yte[:n], 1, dev)
    else:
        vmap_stack(list(range(stack)), xtr[:n], ytr[:n], xte[:n], yte[:n], 1, dev)


# --- seeds

def read_seeds(args):
    if args.seeds is not None:
        return list(range(args.seeds))
    seeds = []
    for no, line in enumerate(sys.stdin, 1):
        t = line.strip()
        if not t or t.startswith("#"):
            continue
        if not t.isdigit() or int(t) >= 2 ** 63:
            die(2, f"<stdin>:{no}: not a seed (0 to 2^63-1): '{t}'")
        seeds.append(int(t))
    return seeds


def device_name(dev):
    if dev.type == "cuda":
        return torch.cuda.get_device_name(dev)
    return "cpu"


def run(args, dev, xtr, ytr, xte, yte, t_load):
    seeds = read_seeds(args)
    if not seeds:
        die(2, "no seeds")
    mode = "eager" if args.mode == "eager" else f"vmap{args.stack}"
    warm_up(args.mode, min(args.stack, len(seeds)), xtr, ytr, xte, yte, dev)
    if dev.type == "cuda":
        torch.cuda.reset_peak_memory_stats(dev)
    total = len(yte)
    print("#seed\tcorrect\ttotal\tacc\tsecs\tmode", flush=True)
    t0 = time.perf_counter()
    if args.mode == "eager":
        for s in seeds:
            c, secs, _ = eager_seed(s, xtr, ytr, xte, yte, args.epochs, dev)
            print(f"{s}\t{c}\t{total}\t{c / total:.9g}\t{secs:.4f}\t{mode}", flush=True)
    else:
        for j in range(0, len(seeds), args.stack):
            group = seeds[j:j + args.stack]
            cs, secs, _ = vmap_stack(group, xtr, ytr, xte, yte, args.epochs, dev)
            for s, c in zip(group, cs):
                print(f"{s}\t{c}\t{total}\t{c / total:.9g}\t{secs / len(group):.4f}\t{mode}")
            sys.stdout.flush()
    wall = time.perf_counter() - t0
    peak = (f"{torch.cuda.max_memory_allocated(dev) / 2**20:.0f} MiB"
            if dev.type == "cuda" else "NA")
    prec = conv_precision() if dev.type == "cuda" else "NA"
    n = len(seeds)
    print(f"{PROG}: {mode}: {n} seeds, {args.epochs} epoch(s), {len(ytr)} train / "
          f"{total} test images: wall {wall:.2f} s, {wall / n:.4f} s a seed, "
          f"{3600 * n / wall:.0f} seeds/hour; load {t_load:.2f} s; peak memory {peak}; "
          f"conv fp32 precision {prec}; device {device_name(dev)} ({dev.type}); torch {torch.__version__}",
          file=sys.stderr)


# --- --check

def check(args, dev, xtr, ytr, xte, yte):
    exact_fp32()
    seeds = [0, 1]
    vc, _, vp = vmap_stack(seeds, xtr, ytr, xte, yte, args.epochs, dev)
    vinit, _ = vmap_init(seeds, dev)
    total = len(yte)
    # accuracy tolerance: 4 binomial standard errors at the eager accuracy,
    # at least 2 test images
    fails = 0
    t = 0

    def ok(cond, what):
        nonlocal fails, t
        t += 1
        print(f"{'ok' if cond else 'not ok'} {t} - {what}")
        fails += not cond

    print(f"# {len(ytr)} train / {total} test images, {args.epochs} epoch(s), "
          f"device {device_name(dev)}, TF32 off; vmap and eager are close, not bit-equal")
    for k, s in enumerate(seeds):
        torch.manual_seed(s)
        ref = {n: v.detach().to(dev) for n, v in make_net().named_parameters()}
        ok(all(torch.equal(vinit[n][k], ref[n]) for n in ref),
           f"seed {s}: vmap starts from eager's initial weights")
    ok(any(not torch.equal(vp[n][0], vp[n][1]) for n in vp),
       "the 2 vmap models end with different weights")
    for k, s in enumerate(seeds):
        ec, _, ew = eager_seed(s, xtr, ytr, xte, yte, args.epochs, dev)
        num = math.sqrt(sum(float((vp[n][k] - ew[n]).pow(2).sum()) for n in vp))
        den = math.sqrt(sum(float(ew[n].pow(2).sum()) for n in vp))
        ok(num / den < 1e-3, f"seed {s}: vmap weights near eager's: relative "
           f"distance {num / den:.3g} (limit 1e-3)")
        p = ec / total
        tol = max(2 / total, 4 * math.sqrt(max(p * (1 - p), 1e-4) / total))
        ok(abs(vc[k] - ec) / total <= tol,
           f"seed {s}: accuracy vmap {vc[k] / total:.4f}, eager {p:.4f} "
           f"(limit +-{tol:.4f})")
        ok(p > 0.2, f"seed {s}: eager accuracy {p:.4f} above chance (0.1) with margin")
    print(f"1..{t}")
    return 1 if fails else 0


def positive(s):
    try:
        v = int(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: '{s}'")
    if not 1 <= v <= 1 << 30:
        raise argparse.ArgumentTypeError(f"out of range 1..{1 << 30}: '{s}'")
    return v


def main():
    ap = argparse.ArgumentParser(prog=PROG)
    ap.add_argument("--mode", choices=("eager", "vmap"), default="eager")
    ap.add_argument("--stack", type=positive, default=256, help="models in one vmap stack")
    ap.add_argument("--device", default=None, help="cuda (the default when available), cuda:N or cpu")
    ap.add_argument("--epochs", type=positive, default=1)
    ap.add_argument("--data", default=DATA, help=f"folder of the gzip'd IDX files ({DATA})")
    ap.add_argument("--train-size", type=positive, help="the first N training images")
    ap.add_argument("--test-size", type=positive, help="the first N test images")
    ap.add_argument("--threads", type=positive, help="CPU threads for torch")
    ap.add_argument("--seeds", type=positive, help="seeds 0..N-1 instead of stdin")
    ap.add_argument("--no-tf32", action="store_true", help="exact float32 convolutions on CUDA")
    ap.add_argument("--check", action="store_true", help="eager against vmap at S=2, 2 seeds")
    ap.add_argument("--write-data", metavar="DIR", help="write the cut dataset to DIR and exit")
    args = ap.parse_args()

    if args.threads:
        torch.set_num_threads(args.threads)
    if args.write_data:
        try:
            os.makedirs(args.write_data, exist_ok=True)
            for stem, n in (("train", args.train_size), ("t10k", args.test_size)):
                x, y = load_raw(args.data, stem, n)
                write_idx(f"{args.write_data}/{stem}-images-idx3-ubyte.gz", x)
                write_idx(f"{args.write_data}/{stem}-labels-idx1-ubyte.gz", y)
        except OSError as e:
            die(3, f"{args.write_data}: {e.strerror or e}")
        return 0
    want = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(want)
    except RuntimeError:
        die(2, f"--device: not a device: '{want}'")
    if dev.type == "cuda" and not torch.cuda.is_available():
        die(3, f"--device {want}: no CUDA device available")
    if dev.type not in ("cuda", "cpu"):
        die(2, f"--device: cuda or cpu, not '{want}'")
    if args.no_tf32:
        exact_fp32()
    if args.check:
        args.train_size = args.train_size or 1024
        args.test_size = args.test_size or 1000
    t0 = time.perf_counter()
    xtr, ytr = to_device(*load_raw(args.data, "train", args.train_size), dev)
    xte, yte = to_device(*load_raw(args.data, "t10k", args.test_size), dev)
    sync(dev)
    t_load = time.perf_counter() - t0
    if args.check:
        return check(args, dev, xtr, ytr, xte, yte)
    run(args, dev, xtr, ytr, xte, yte, t_load)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        sys.exit(2)
    except OOM as e:
        die(3, f"out of device memory: {str(e).splitlines()[0]}")
