#!/usr/bin/python3
# gen_stats.py - reference vectors for lib/stats/stats.c and sv-stats operations.
#
# Run from the repository root with Debian's python3 (numpy, scipy) and GNU
# datamash installed:
#     /usr/bin/python3 tests/vectors/gen_stats.py
# It writes tests/vectors/stats/: one CASE.in per sample (one value a line),
# summary.tsv (numpy/scipy: the paper's table for every sample),
# kde.tsv (scipy.stats.gaussian_kde at a few points) and ops_CASE.out
# (GNU datamash's output for every operation both programs have).
# The tests only read these committed files; python is not needed then.
import os
import subprocess

import numpy as np
from scipy import stats

OUT = "tests/vectors/stats"
rng = np.random.default_rng(20240917)


def big_sample():
    # the same 10^6 doubles are generated in tests/unit/test_stats.c:
    # x_i = ((i * 7919) mod 1000003) / 1000003 + 0.5, i = 0..999999
    i = np.arange(1000000, dtype=np.int64)
    return ((i * 7919) % 1000003).astype(np.float64) / 1000003.0 + 0.5


CASES = {
    "one": [0.8791],
    "two": [0.8791, 0.8812],
    "equal": [0.875] * 7,
    "seeds20": [float("%.4f" % v) for v in rng.normal(0.879, 0.0073, 20)],
    "skewed": [float("%.6g" % v) for v in rng.lognormal(0.0, 0.8, 101)],
    "negative": [float("%.5f" % v) for v in rng.normal(-3.0, 2.0, 64)],
    "huge": [float("%.8e" % v) for v in rng.normal(1e60, 3e59, 50)],
    "tiny": [float("%.8e" % v) for v in rng.normal(2e-60, 5e-61, 50)],
    "ties": [0.87, 0.87, 0.88, 0.88, 0.88, 0.89, 0.9, 0.9],
}

FIELDS = ["n", "mean", "sd", "min", "max", "range", "q1", "median", "q3",
          "iqr", "skew", "kurt", "iqm", "mad"]


def summary(x):
    x = np.asarray(x, dtype=np.float64)
    n = len(x)
    q1, med, q3 = np.quantile(x, [0.25, 0.5, 0.75], method="linear")
    with np.errstate(all="ignore"):
        skew = stats.skew(x, bias=False) if n > 2 else float("nan")
        kurt = stats.kurtosis(x, fisher=True, bias=False) if n > 3 else float("nan")
    if np.all(x == x[0]):
        skew = kurt = float("nan")  # 0/0
    return {
        "n": n, "mean": np.mean(x),
        "sd": np.std(x, ddof=1) if n > 1 else float("nan"),
        "min": np.min(x), "max": np.max(x), "range": np.max(x) - np.min(x),
        "q1": q1, "median": med, "q3": q3, "iqr": q3 - q1,
        "skew": skew, "kurt": kurt,
        "iqm": stats.trim_mean(x, 0.25),
        "mad": stats.median_abs_deviation(x, scale=1 / 1.4826),
    }


def fmt(v):
    v = float(v)
    return "NA" if np.isnan(v) else "%.17g" % v


DM_OPS = ("count sum min max absmin absmax range first last mean geomean "
          "harmmean trimmean:0.2 median q1 q3 iqr perc:90 perc mode antimode "
          "pstdev sstdev pvar svar mad madraw pskew sskew pkurt skurt jarque "
          "dpo").split()


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "summary.tsv"), "w") as f:
        f.write("#case\t" + "\t".join(FIELDS) + "\n")
        for name, x in list(CASES.items()) + [("big", None)]:
            if x is not None:
                with open(os.path.join(OUT, name + ".in"), "w") as g:
                    g.write("".join("%r\n" % v for v in x))
            s = summary(big_sample() if x is None else x)
            f.write(name + "\t" + "\t".join(fmt(s[k]) for k in FIELDS) + "\n")
    with open(os.path.join(OUT, "kde.tsv"), "w") as f:
        f.write("#case\tx\tdensity\n")
        for name in ("seeds20", "skewed"):
            x = np.asarray(CASES[name])
            kde = stats.gaussian_kde(x)
            for p in np.linspace(x.min(), x.max(), 7):
                f.write("%s\t%s\t%s\n" % (name, fmt(p), fmt(kde(p)[0])))
    for name, x in CASES.items():
        args = []
        for op in DM_OPS:
            args += [op, "1"]
        inp = "".join("%r\n" % v for v in x)
        out = subprocess.run(["datamash"] + args, input=inp, text=True,
                             capture_output=True, check=True).stdout
        with open(os.path.join(OUT, "ops_%s.out" % name), "w") as g:
            g.write(out)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
