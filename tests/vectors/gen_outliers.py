#!/usr/bin/python3
"""gen_outliers.py - reference vectors for lib/stats/outliers.c (sv-outliers).

An independent implementation with numpy and scipy (scipy.stats.t for the
t quantiles, numpy.percentile 'linear' = type 7 quantiles, rankdata), not
a port of the C code.  Writes, in tests/vectors/outliers/:

  crit.tsv   Grubbs critical values and Rosner's GESD lambda_i
             (columns n, i, alpha, sides, lambda; i = 1 is Grubbs)
  rosner.txt Rosner's 54 values, plain, one a line (for the CLI tests)
  cases.tsv  samples with their expected scores and decisions, one row a
             value (columns case, method, side, k, alpha, maxout, top, pct,
             value, score, out); NA = the default / a missing value

Regenerate (from the repository root) with

  /usr/bin/python3 tests/vectors/gen_outliers.py

The GESD code is checked against the worked example of the NIST/SEMATECH
e-Handbook (section 1.3.5.17.3, Rosner's 54 values) before anything is
written.
"""
import math
import os
import sys

import numpy as np
from scipy import stats

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "outliers")


def lam(n, i, alpha, sides):
    """Rosner's lambda_i; i = 1 is the Grubbs critical value."""
    m = n - i + 1
    p = alpha / (sides * m)
    t = stats.t.isf(p, n - i - 1)
    return (n - i) * t / math.sqrt((n - i - 1 + t * t) * m)


def grubbs_formula(n, alpha, sides):
    """G_crit = (n-1)/sqrt(n) sqrt(t^2/(n-2+t^2)), t = t_{alpha/(sides n), n-2}"""
    t = stats.t.isf(alpha / (sides * n), n - 2)
    return (n - 1) / math.sqrt(n) * math.sqrt(t * t / (n - 2 + t * t))


def flag(score, k, side):
    if score > k and side in ("both", "high"):
        return "high"
    if score < -k and side in ("both", "low"):
        return "low"
    return "none"


def m_z(x, p):
    mean, sd = np.mean(x), np.std(x, ddof=1)
    sc = (x - mean) / sd if sd > 0 else np.zeros_like(x)
    return sc, [flag(s, p["k"], p["side"]) for s in sc]


def m_mad(x, p):
    med = np.median(x)
    mad = np.median(np.abs(x - med))
    if mad > 0:
        sc = 0.6745 * (x - med) / mad
    else:
        meanad = np.mean(np.abs(x - med))
        sc = (x - med) / (math.sqrt(math.pi / 2) * meanad) if meanad > 0 \
            else np.zeros_like(x)
    return sc, [flag(s, p["k"], p["side"]) for s in sc]


def m_tukey(x, p):
    q1, q3 = np.percentile(x, [25, 75], method="linear")
    iqr = q3 - q1
    sc, out = [], []
    for v in x:
        if v > q3:
            sc.append((v - q3) / iqr if iqr > 0 else math.nan)
        elif v < q1:
            sc.append((v - q1) / iqr if iqr > 0 else math.nan)
        else:
            sc.append(0.0)
        if v > q3 + p["k"] * iqr and p["side"] in ("both", "high"):
            out.append("high")
        elif v < q1 - p["k"] * iqr and p["side"] in ("both", "low"):
            out.append("low")
        else:
            out.append("none")
    return np.array(sc), out


def extreme(x, keep, side):
    """first index (input order) of the most extreme kept value"""
    mean = np.mean(x[keep])
    best, bd = None, None
    for i in np.flatnonzero(keep):
        d = {"high": x[i] - mean, "low": mean - x[i]}.get(side, abs(x[i] - mean))
        if best is None or d > bd:
            best, bd = i, d
    return best, x[best] - mean


def m_grubbs(x, p):
    n = len(x)
    mean, sd = np.mean(x), np.std(x, ddof=1)
    sc = (x - mean) / sd if sd > 0 else np.zeros_like(x)
    out = ["none"] * n
    i, dev = extreme(x, np.ones(n, bool), p["side"])
    g = abs(dev) / sd if sd > 0 else 0
    if p["side"] != "both" and (dev > 0) != (p["side"] == "high"):
        g = 0
    if g > grubbs_formula(n, p["alpha"], 2 if p["side"] == "both" else 1):
        out[i] = "high" if dev > 0 else "low"
    return sc, out


def gesd_steps(x, k, alpha, side):
    n = len(x)
    keep = np.ones(n, bool)
    steps = []
    for i in range(1, k + 1):
        sd = np.std(x[keep], ddof=1)
        at, dev = extreme(x, keep, side)
        r = abs(dev) / sd if sd > 0 else 0
        if side != "both" and (dev > 0) != (side == "high"):
            r = 0
        steps.append((at, r, lam(n, i, alpha, 2 if side == "both" else 1)))
        keep[at] = False
    return steps


def m_gesd(x, p):
    n = len(x)
    k = p["maxout"] or n // 10
    steps = gesd_steps(x, k, p["alpha"], p["side"])
    r = max([i + 1 for i, (_, R, L) in enumerate(steps) if R > L], default=0)
    keep = np.ones(n, bool)
    for at, _, _ in steps[:r]:
        keep[at] = False
    mean, sd = np.mean(x[keep]), np.std(x[keep], ddof=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        sc = (x - mean) / sd
    out = ["none" if keep[i] else ("high" if x[i] > mean else "low")
           for i in range(n)]
    return sc, out


def m_tail(x, p):
    n = len(x)
    sc = stats.rankdata(x, method="average")
    out = ["none"] * n
    if p["top"]:
        if p["side"] in ("both", "low"):
            for i in sorted(range(n), key=lambda i: (x[i], i))[:p["top"]]:
                out[i] = "low"
        if p["side"] in ("both", "high"):
            got = 0
            for i in sorted(range(n), key=lambda i: (-x[i], i)):
                if got == p["top"]:
                    break
                if out[i] == "none":
                    out[i] = "high"
                    got += 1
    else:
        lo, hi = np.percentile(x, [p["pct"], 100 - p["pct"]], method="linear")
        for i in range(n):
            if x[i] < lo and p["side"] in ("both", "low"):
                out[i] = "low"
            elif x[i] > hi and p["side"] in ("both", "high"):
                out[i] = "high"
    return sc, out


METHODS = {"z": (m_z, 3.0), "mad": (m_mad, 3.5), "tukey": (m_tukey, 1.5),
           "grubbs": (m_grubbs, None), "gesd": (m_gesd, None),
           "tail": (m_tail, None)}

ROSNER = [-0.25, 0.68, 0.94, 1.15, 1.20, 1.26, 1.26, 1.34, 1.38, 1.43, 1.49,
          1.49, 1.55, 1.56, 1.58, 1.65, 1.69, 1.70, 1.76, 1.77, 1.81, 1.91,
          1.94, 1.96, 1.99, 2.06, 2.09, 2.10, 2.14, 2.15, 2.23, 2.24, 2.26,
          2.35, 2.37, 2.40, 2.47, 2.54, 2.62, 2.64, 2.90, 2.92, 2.92, 2.93,
          3.21, 3.26, 3.30, 3.59, 3.68, 4.30, 4.64, 5.34, 5.42, 6.01]
# NIST e-Handbook 1.3.5.17.3: R_i and lambda_i, i = 1..10, alpha 0.05
# (3 outliers), truncated to three decimals
NIST = [(3.118, 3.158), (2.942, 3.151), (3.179, 3.143), (2.810, 3.136),
        (2.815, 3.128), (2.848, 3.120), (2.279, 3.111), (2.310, 3.103),
        (2.101, 3.094), (2.067, 3.085)]


def check_nist():
    steps = gesd_steps(np.array(ROSNER), 10, 0.05, "both")
    for (at, r, l), (wr, wl) in zip(steps, NIST):
        # the handbook truncates to three decimals
        if not (0 <= r - wr < 1e-3 and 0 <= l - wl < 1e-3):
            sys.exit("gen_outliers: GESD differs from NIST: R %.4f lambda "
                     "%.4f, want %.3f %.3f" % (r, l, wr, wl))


def cases():
    rng = np.random.default_rng(3407)
    acc = np.round(rng.normal(0.879, 0.0073, 60), 4)
    planted = acc.copy()
    planted[17] = 0.82  # a black swan
    two = np.round(rng.normal(10, 1, 40), 3)
    two[5], two[30] = 2.0, 1.5
    hi = np.round(rng.normal(0, 1, 25), 3)
    hi[11] = 7.5
    lo = np.round(rng.normal(0, 1, 25), 3)
    lo[3] = -6.0
    ties = np.array([1.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 3.0, 9.0, 9.0, 2.0])
    na = planted.copy()[:30]
    na[[2, 9, 20]] = math.nan
    flat = np.array([5.0] * 6 + [9.0, 1.0])
    yield "z_none", "z", {}, acc[:30]
    yield "z_planted", "z", {}, planted
    yield "z_k2_low", "z", {"k": 2.0, "side": "low"}, acc
    yield "mad_none", "mad", {}, acc[:40]
    yield "mad_planted", "mad", {}, planted
    yield "mad_two_low", "mad", {}, two
    yield "mad_high_only", "mad", {"side": "high"}, two
    yield "mad_ties_meanad", "mad", {}, ties
    yield "mad_na", "mad", {}, na
    yield "mad_k5", "mad", {"k": 5.0}, planted
    yield "tukey_planted", "tukey", {}, planted
    yield "tukey_far", "tukey", {"k": 3.0}, two
    yield "tukey_iqr0", "tukey", {}, flat
    yield "tukey_ties", "tukey", {}, ties
    yield "grubbs_none", "grubbs", {}, acc[:30]
    yield "grubbs_high", "grubbs", {}, hi
    yield "grubbs_low_one_sided", "grubbs", {"side": "low"}, lo
    yield "grubbs_high_one_sided_none", "grubbs", {"side": "high"}, lo
    yield "grubbs_tied_max", "grubbs", {}, ties
    yield "grubbs_alpha01", "grubbs", {"alpha": 0.01}, planted
    yield "gesd_rosner", "gesd", {"maxout": 10}, np.array(ROSNER)
    yield "gesd_none", "gesd", {}, acc[:40]
    yield "gesd_two_low", "gesd", {"maxout": 5}, two
    yield "gesd_high_one_sided", "gesd", {"maxout": 3, "side": "high"}, \
        np.array(ROSNER)
    yield "gesd_na", "gesd", {"maxout": 4}, na
    tied = np.round(rng.normal(0, 1, 30), 2)
    tied[[4, 12, 20]] = 7.0
    yield "gesd_tied_high", "gesd", {"maxout": 2}, tied
    yield "gesd_tied_high_k5", "gesd", {"maxout": 5}, tied
    tlow = np.round(rng.normal(0, 1, 30), 1)
    tlow[[2, 9]] = -7.0
    yield "gesd_tied_low_one_sided", "gesd", {"maxout": 3, "side": "low"}, tlow
    yield "tail_top3", "tail", {"top": 3}, acc[:20]
    yield "tail_top2_high", "tail", {"top": 2, "side": "high"}, acc[:20]
    yield "tail_top2_ties", "tail", {"top": 2}, ties
    yield "tail_top4_all_tied", "tail", {"top": 4}, np.array([7.0] * 8)
    yield "tail_pct10", "tail", {"pct": 10.0}, acc[:41]
    yield "tail_pct5_low", "tail", {"pct": 5.0, "side": "low"}, planted


def fmt(v):
    if v is None:
        return "NA"
    if isinstance(v, str):
        return v
    if isinstance(v, (int, np.integer)):
        return str(v)
    return "NA" if math.isnan(v) else "%.17g" % v


def main():
    check_nist()
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "crit.tsv"), "w") as f:
        f.write("# generated by tests/vectors/gen_outliers.py\n")
        f.write("#n\ti\talpha\tsides\tlambda\n")
        for n in list(range(3, 31)) + [40, 50, 54, 100, 500, 1000, 10000]:
            for alpha in (0.05, 0.01):
                for sides in (2, 1):
                    g = lam(n, 1, alpha, sides)
                    assert abs(g - grubbs_formula(n, alpha, sides)) < 1e-12 * g
                    f.write("%d\t1\t%g\t%d\t%s\n" % (n, alpha, sides, fmt(g)))
        for n in (10, 20, 54, 100, 10000):
            for i in range(2, min(n - 2, 12) + 1):
                for sides in (2, 1):
                    f.write("%d\t%d\t0.05\t%d\t%s\n"
                            % (n, i, sides, fmt(lam(n, i, 0.05, sides))))
    with open(os.path.join(OUT, "rosner.txt"), "w") as f:
        f.write("".join("%.2f\n" % v for v in ROSNER))
    with open(os.path.join(OUT, "cases.tsv"), "w") as f:
        f.write("# generated by tests/vectors/gen_outliers.py\n")
        f.write("#case\tmethod\tside\tk\talpha\tmaxout\ttop\tpct\tvalue"
                "\tscore\tout\n")
        for name, method, given, x in cases():
            fn, k = METHODS[method]
            p = {"k": k, "alpha": 0.05, "maxout": 0, "top": 0, "pct": 0,
                 "side": "both"}
            p.update(given)
            x = np.asarray(x, float)
            ok = ~np.isnan(x)
            sc = np.full(len(x), math.nan)
            out = ["none"] * len(x)
            s, o = fn(x[ok], p)
            for j, i in enumerate(np.flatnonzero(ok)):
                sc[i] = s[j] if np.isfinite(s[j]) else math.nan
                out[i] = o[j]
            col = [given.get(c) for c in ("k", "alpha", "maxout", "top", "pct")]
            for v, s1, o1 in zip(x, sc, out):
                f.write("\t".join([name, method, p["side"]]
                                  + [fmt(c) for c in col]
                                  + [fmt(v), fmt(s1), o1]) + "\n")


if __name__ == "__main__":
    main()
