#!/usr/bin/python3
"""Test vectors for sv-ckpt(5) and sv-hash, built independently of lib/.

Run from the repository root:
    /usr/bin/python3 tests/gen_ckpt_vectors.py
Needs numpy and python3-xxhash (Debian).  Writes tests/data/ckpt/:
  s0.ckpt s1.ckpt s0-ulp.ckpt s0-meta.ckpt   checkpoints (struct + numpy)
  weights.xxh128   canonical weight hashes (tag lines), per lib/formats/tensor.h
  raw.xxh128       XXH3-128 of the file bytes (as xxhsum -H2 prints)
  diff-s0-ulp.out  expected 'sv-hash --diff s0.ckpt s0-ulp.ckpt' output
The tests only read these files; they never run python.
"""
import struct
import numpy as np
import xxhash

D = "tests/data/ckpt"
SHAPES = [("conv.w", (2, 1, 3, 3)), ("conv.b", (2,)), ("fc.w", (3, 8))]


def lstr(s):
    b = s.encode("utf-8")
    return struct.pack("<I", len(b)) + b


def tensors(seed):
    rng = np.random.RandomState(seed)
    return [(n, np.asarray(rng.uniform(-1, 1, size=s), dtype="<f4"))
            for n, s in SHAPES]


def encode(model, data, options, seed, ts):
    b = b"SVCKPT\0\0" + struct.pack("<I", 1)
    b += lstr(model) + lstr(data) + lstr(options)
    b += struct.pack("<QI", seed, len(ts))
    for name, a in ts:
        b += lstr(name) + struct.pack("<I", a.ndim)
        b += b"".join(struct.pack("<Q", d) for d in a.shape)
        b += a.astype("<f4").tobytes(order="C")
    return b + struct.pack("<Q", xxhash.xxh3_64_intdigest(b))


def weight_hash(ts):
    s = b""
    for name, a in ts:
        s += lstr(name) + struct.pack("<I", a.ndim)
        s += b"".join(struct.pack("<Q", d) for d in a.shape)
        s += a.astype("<f4").tobytes(order="C")
    return xxhash.xxh3_128_hexdigest(s)


def main():
    files = {}
    opts = "epochs=1 batch=128 lr=0.05"
    for seed in (0, 1):
        ts = tensors(seed)
        files["s%d.ckpt" % seed] = ("fmnist-small", "fashion-mnist", opts, seed, ts)
    t0 = tensors(0)
    ulp = [(n, a.copy()) for n, a in t0]
    fw = ulp[2][1]
    fw[1, 5] = np.nextafter(fw[1, 5], np.float32(np.inf), dtype=np.float32)
    fw[2, 7] = np.float32(fw[2, 7] * np.float32(0.5))
    files["s0-ulp.ckpt"] = ("fmnist-small", "fashion-mnist", opts, 0, ulp)
    # same weights as s0, other provenance: same weight hash
    files["s0-meta.ckpt"] = ("fmnist-small", "fashion-mnist", "epochs=2 é", 0, t0)
    wl, rl = [], []
    for name in sorted(files):
        m, d, o, s, ts = files[name]
        b = encode(m, d, o, s, ts)
        with open("%s/%s" % (D, name), "wb") as f:
            f.write(b)
        wl.append("XXH128 (%s/%s) = %s\n" % (D, name, weight_hash(ts)))
        rl.append("XXH128 (%s/%s) = %s\n" % (D, name, xxhash.xxh3_128_hexdigest(b)))
    open(D + "/weights.xxh128", "w").writelines(wl)
    open(D + "/raw.xxh128", "w").writelines(rl)

    # expected --diff output (format: man/sv-hash.1)
    out = []
    first = None
    rows = []
    for (n, a), (_, b) in zip(t0, ulp):
        fa, fb = a.ravel(), b.ravel()
        ua, ub = fa.view("<u4"), fb.view("<u4")
        idx = np.nonzero(ua != ub)[0]
        shape = "x".join(str(d) for d in a.shape)
        if len(idx):
            i = int(idx[0])
            if first is None:
                first = (n, i, fa[i], ua[i], fb[i], ub[i])
            mx = float(np.max(np.abs(fa[idx].astype(np.float64) - fb[idx].astype(np.float64))))
            rows.append("%s\t%s\t%d\t%d\t%d\t%.9g\t%.9g\t0x%08x\t0x%08x\t%.9g\n" % (
                n, shape, fa.size, len(idx), i, fa[i], fb[i], ua[i], ub[i], mx))
        else:
            rows.append("%s\t%s\t%d\t0\tNA\tNA\tNA\tNA\tNA\t0\n" % (n, shape, fa.size))
    n, i, va, ba, vb, bb = first
    out.append("# first difference: tensor '%s' index %d: %.9g (0x%08x) vs %.9g (0x%08x)\n"
               % (n, i, va, ba, vb, bb))
    out.append("#tensor\tshape\telements\tdiffer\tfirst_index\ta\tb\ta_bits\tb_bits\tmax_abs_diff\n")
    out += rows
    open(D + "/diff-s0-ulp.out", "w").writelines(out)


if __name__ == "__main__":
    main()
