#!/usr/bin/python3
# fmnist_small_torch.py - the PyTorch peer of sv-train's fmnist-small:
# the same network, initialisation scheme and recipe (sv-train(1), MODELS:
# conv3x3(1->16) ReLU maxpool2, conv3x3(16->32) ReLU maxpool2, linear
# 1568->10; PyTorch default init; SGD lr 0.05, Nesterov momentum 0.9,
# weight decay 5e-4, batch 128, reshuffled every epoch, last partial batch
# kept).  Reads seeds on stdin, prints one record per seed:
#   seed  correct  total  acc  secs  threads
# secs covers training and test evaluation, not loading the data (the
# same span as sv-train's secs column).
# Usage: seq 0 19 | /usr/bin/python3 fmnist_small_torch.py [THREADS] [EPOCHS]
import gzip
import sys
import time

import numpy as np
import torch
import torch.nn as nn

DATA = "/usr/share/datasets/fashion-mnist"


def idx(path, ndim):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(stem):
    x = idx(f"{DATA}/{stem}-images-idx3-ubyte.gz", 3).astype(np.float32) / 255.0
    y = idx(f"{DATA}/{stem}-labels-idx1-ubyte.gz", 1).astype(np.int64)
    x = (x - 0.2860) / 0.3530
    return torch.from_numpy(x).unsqueeze(1), torch.from_numpy(y)


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    torch.set_num_threads(threads)
    xtr, ytr = load("train")
    xte, yte = load("t10k")
    print("#seed\tcorrect\ttotal\tacc\tsecs\tthreads", flush=True)
    for line in sys.stdin:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        seed = int(line)
        torch.manual_seed(seed)
        net = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(1568, 10))
        opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9,
                              nesterov=True, weight_decay=5e-4)
        lossf = nn.CrossEntropyLoss()
        t0 = time.perf_counter()
        for _ in range(epochs):
            perm = torch.randperm(len(ytr))
            for i in range(0, len(ytr), 128):
                b = perm[i:i + 128]
                opt.zero_grad()
                loss = lossf(net(xtr[b]), ytr[b])
                loss.backward()
                opt.step()
        correct = 0
        with torch.no_grad():
            for i in range(0, len(yte), 1000):
                correct += int((net(xte[i:i + 1000]).argmax(1) == yte[i:i + 1000]).sum())
        secs = time.perf_counter() - t0
        print(f"{seed}\t{correct}\t{len(yte)}\t{correct / len(yte):.9g}\t{secs:.3f}\t{threads}",
              flush=True)


if __name__ == "__main__":
    main()
