#!/usr/bin/python3
# resnet9_torch.py - the PyTorch peer of sv-train -m resnet9: the network
# and recipe of sv-train(1) (the seed paper's ResNet-9: conv-BN-ReLU
# blocks of 64, 128 (+pool, +residual), 256 (+pool), 512 (+pool,
# +residual), global max pool, linear 512->10 without bias, times 0.2;
# SGD lr 0.2 with the study's ramp, Nesterov momentum 0.9, weight decay
# 1e-3, batch 500, last partial batch dropped; loss cross-entropy + 2 x
# label-smoothed (0.2) cross-entropy; crop (4-pixel zero padding), flip
# and an 8x8 cutout a chunk of 500 images), the plain loop a PyTorch user
# writes, one seed after another, with the data resident on the device.
#
# The data is generated: --train-size and --test-size CIFAR-shaped uint8
# images (32x32x3) and labels from torch.Generator(seed 0) -- the speed of
# the network does not depend on the pixels.
#
# Precision (--math):
#   fp32  float32, TF32 off for matmul and cuDNN
#   tf32  float32 storage, TF32 tensor cores allowed
#   fp16  autocast to float16 (BatchNorm stays float32), channels_last,
#         a gradient scaler -- the paper's mode
# cudnn.benchmark is on, as a user chasing speed sets it.
#
# Reads seeds on stdin (or --seeds N: 0..N-1); prints one record a seed
#   #seed  correct  total  acc  secs  epoch_secs  mode
# secs: training (--epochs epochs) and the test evaluation of that seed;
# epoch_secs: the mean of its epochs after the first (the first of the
# first seed pays cuDNN's algorithm search); the clock starts after one
# untimed warm-up step and the device is synchronised before each reading.
# On stderr a summary line with the peak device memory.
#
# Exit status: 0 success, 2 usage or bad input, 3 environment (no CUDA
# device when one is asked for).
#
# Usage: seq 0 9 | /usr/bin/python3 resnet9_torch.py [--math fp32|tf32|fp16]
#        [--device cuda|cpu] [--epochs N] [--train-size N] [--test-size N]
#        [--threads N] [--seeds N]
import argparse
import sys
import time

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as e:
    print(f"resnet9_torch.py: no torch: {e}", file=sys.stderr)
    sys.exit(3)


def positive(s):
    try:
        v = int(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: '{s}'")
    if v < 1 or v > 10_000_000:
        raise argparse.ArgumentTypeError(f"out of range 1..10000000: '{s}'")
    return v


def block(cin, cout, pool):
    layers = [nn.Conv2d(cin, cout, 3, padding=1, bias=False),
              nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1), nn.ReLU()]
    if pool:
        layers.append(nn.MaxPool2d(2))
    return nn.Sequential(*layers)


class Residual(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.body = nn.Sequential(block(c, c, False), block(c, c, False))

    def forward(self, x):
        return x + self.body(x)


class ResNet9(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.net = nn.Sequential(
            block(3, 64, False),
            block(64, 128, True), Residual(128),
            block(128, 256, True),
            block(256, 512, True), Residual(512),
            nn.AdaptiveMaxPool2d(1), nn.Flatten(),
            nn.Linear(512, classes, bias=False))

    def forward(self, x):
        return self.net(x) * 0.2


def lr_factor(e):
    """the study's ramp (sv-train's picard schedule)"""
    if e < 4:
        return 0.5 * e / 3 + 0.01
    if e < 22:
        return 0.5 * (22 - e) / 19 + 0.01
    return 0.01


def augment(x, gen):
    """crop from 4-pixel zero padding, flip and an 8x8 cutout, one draw
    for the batch (sv-train draws one a chunk of 500 images)"""
    n, c, h, w = x.shape
    r = torch.randint(0, 9, (2,), generator=gen).tolist()
    flip = bool(torch.randint(0, 2, (1,), generator=gen).item())
    cy, cx = torch.randint(0, max(h - 7, 1), (2,), generator=gen).tolist()
    x = F.pad(x, (4, 4, 4, 4))[:, :, r[0]:r[0] + h, r[1]:r[1] + w]
    if flip:
        x = x.flip(3)
    x = x.clone()
    x[:, :, cy:cy + 8, cx:cx + 8] = 0
    return x


def main():
    ap = argparse.ArgumentParser(description="PyTorch peer of sv-train -m resnet9")
    ap.add_argument("--math", choices=["fp32", "tf32", "fp16"], default="fp32")
    ap.add_argument("--device", choices=["cuda", "cpu"], default="cuda")
    ap.add_argument("--epochs", type=positive, default=22)
    ap.add_argument("--train-size", type=positive, default=50000)
    ap.add_argument("--test-size", type=positive, default=10000)
    ap.add_argument("--threads", type=positive)
    ap.add_argument("--seeds", type=positive)
    a = ap.parse_args()

    if a.device == "cuda" and not torch.cuda.is_available():
        print("resnet9_torch.py: no CUDA device", file=sys.stderr)
        sys.exit(3)
    if a.threads:
        torch.set_num_threads(a.threads)
    if a.seeds:
        seeds = list(range(a.seeds))
    else:
        seeds = []
        for no, line in enumerate(sys.stdin, 1):
            t = line.strip()
            if not t:
                continue
            if not t.isdigit() or len(t) > 19:
                print(f"resnet9_torch.py: stdin:{no}: not a seed: '{t}'",
                      file=sys.stderr)
                sys.exit(2)
            seeds.append(int(t))
    dev = torch.device(a.device)
    tf32 = a.math == "tf32"
    torch.backends.cuda.matmul.allow_tf32 = tf32
    torch.backends.cudnn.allow_tf32 = tf32
    torch.backends.cudnn.benchmark = True
    half = a.math == "fp16" and a.device == "cuda"
    fmt = torch.channels_last if half else torch.contiguous_format
    B = 500
    if a.train_size < B:
        print(f"resnet9_torch.py: --train-size {a.train_size}: less than a "
              f"batch of {B}", file=sys.stderr)
        sys.exit(2)

    g = torch.Generator().manual_seed(0)
    xtr = torch.randint(0, 256, (a.train_size, 3, 32, 32), generator=g,
                        dtype=torch.uint8)
    ytr = torch.randint(0, 10, (a.train_size,), generator=g)
    xte = torch.randint(0, 256, (a.test_size, 3, 32, 32), generator=g,
                        dtype=torch.uint8)
    yte = torch.randint(0, 10, (a.test_size,), generator=g)
    mean = torch.tensor([125.3, 123.0, 113.9]).view(1, 3, 1, 1) / 255
    std = torch.tensor([63.0, 62.1, 66.7]).view(1, 3, 1, 1) / 255
    xtr = ((xtr.float() / 255 - mean) / std).to(dev).contiguous(memory_format=fmt)
    xte = ((xte.float() / 255 - mean) / std).to(dev).contiguous(memory_format=fmt)
    ytr, yte = ytr.to(dev), yte.to(dev)

    def sync():
        if a.device == "cuda":
            torch.cuda.synchronize()

    def run(seed, epochs, warm=False):
        torch.manual_seed(seed)
        model = ResNet9().to(dev).to(memory_format=fmt)
        opt = torch.optim.SGD(model.parameters(), lr=0.2, momentum=0.9,
                              nesterov=True, weight_decay=1e-3)
        scaler = (torch.amp.GradScaler("cuda", enabled=half)
                  if hasattr(torch.amp, "GradScaler")
                  else torch.cuda.amp.GradScaler(enabled=half))
        gen = torch.Generator().manual_seed(seed)
        steps = a.train_size // B
        ep_secs = []
        for e in range(epochs):
            t0 = time.time()
            for grp in opt.param_groups:
                grp["lr"] = 0.2 * lr_factor(e)
            model.train()
            perm = torch.randperm(a.train_size, generator=gen).to(dev)
            for s in range(1 if warm else steps):
                idx = perm[s * B:(s + 1) * B]
                x = augment(xtr[idx], gen)
                with torch.autocast("cuda", dtype=torch.float16, enabled=half):
                    z = model(x)
                    loss = (F.cross_entropy(z.float(), ytr[idx]) + 2.0 *
                            F.cross_entropy(z.float(), ytr[idx],
                                            label_smoothing=0.2))
                opt.zero_grad(set_to_none=True)
                scaler.scale(loss).backward()
                scaler.step(opt)
                scaler.update()
            sync()
            ep_secs.append(time.time() - t0)
            if warm:
                return None
        model.eval()
        ok = 0
        with torch.no_grad(), torch.autocast("cuda", dtype=torch.float16,
                                             enabled=half):
            for s in range(0, a.test_size, B):
                ok += (model(xte[s:s + B]).argmax(1) == yte[s:s + B]).sum().item()
        sync()
        return ok, ep_secs

    run(0, 1, warm=True)
    if a.device == "cuda":
        torch.cuda.reset_peak_memory_stats()
    print("#seed\tcorrect\ttotal\tacc\tsecs\tepoch_secs\tmode", flush=True)
    total = 0.0
    for seed in seeds:
        sync()
        t0 = time.time()
        ok, ep = run(seed, a.epochs)
        secs = time.time() - t0
        total += secs
        later = ep[1:] if len(ep) > 1 else ep
        print(f"{seed}\t{ok}\t{a.test_size}\t{ok / a.test_size:.4f}\t"
              f"{secs:.3f}\t{sum(later) / len(later):.3f}\t{a.math}",
              flush=True)
    peak = (torch.cuda.max_memory_allocated() >> 20) if a.device == "cuda" else 0
    print(f"resnet9_torch.py: {len(seeds)} seeds, {a.math}, {total:.1f} s, "
          f"peak memory {peak} MiB", file=sys.stderr)


if __name__ == "__main__":
    main()
