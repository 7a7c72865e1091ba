#!/usr/bin/python3
# gen_infer.py - reference values for tests/unit/test_infer.c from
# scipy/numpy (and exact integer arithmetic where that is possible).
#
# Regenerate (Debian python3-scipy 1.10, python3-numpy 1.24):
#   /usr/bin/python3 tests/vectors/gen_infer.py > tests/vectors/infer/cases.tsv
#
# Output: one record per line, tab-separated, numbers as repr() (%.17g):
#   data NAME v1,v2,...          a data set, values in the given order
#   data NAME gen N              N values from gen_values() below (the C
#                                test computes the same bits)
#   sw|ad|dp NAME rc stat p      normality tests; rc 0 or the error code
#   claim NAME x pct p_single s50 s95
#   best NAME n repl mean sd     expected best of n seeds
#   welch|mw|cohen|pgt A B ...   two-sample statistics
#   vr A B ratio                 ASO violation ratio eps_W2
#   power d n_normal n_exact     seeds per group for power 0.8
#   boot NAME stat level pct_lo pct_hi bca_lo bca_hi  (scipy.stats.bootstrap,
#                                20000 resamples; compared statistically)
import math
import sys
from fractions import Fraction

import numpy as np
from scipy import stats

out = sys.stdout
data = {}

# error codes of the C library (lib/stats/normality.h, lib/stats/bootstrap.h)
E_RANGE, E_CONST = -1, -2


def fmt(v):
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    v = float(v)
    if math.isnan(v):
        return "nan"
    return repr(v)


def emit(*f):
    out.write("\t".join(f if isinstance(f, str) else fmt(f) for f in f) + "\n")


def gen_values(n):
    """Deterministic pseudo-normal scores around 0.9, bit-identical in C:
    u_k = ((i * A_k) mod 2^32) / 2^32 with exact integer arithmetic, then
    0.9 + 0.01 * (u_0 + u_1 + u_2 + u_3 - 2) summed in that order."""
    A = (2654435761, 2246822519, 3266489917, 668265263)
    i = np.arange(n, dtype=np.uint64)
    s = None
    for a in A:
        u = ((i * np.uint64(a)) % np.uint64(2**32)).astype(np.float64) / 4294967296.0
        s = u if s is None else s + u
    return 0.9 + 0.01 * (s - 2.0)


def add(name, vals, gen=False):
    vals = np.asarray(vals, dtype=np.float64)
    data[name] = vals
    if gen:
        emit("data", name, "gen", len(vals))
    else:
        emit("data", name, ",".join(repr(float(v)) for v in vals))


rng = np.random.default_rng(20240607)
for n in (3, 4, 5, 6, 7, 8, 11, 12, 20, 50, 100, 1000, 5000):
    add("norm%d" % n, rng.normal(0.9, 0.01, n))
add("expo30", rng.exponential(1.0, 30))
add("lognorm200", rng.lognormal(0, 1, 200))
add("ties50", np.round(rng.normal(0.88, 0.007, 50), 3))
add("ties40", np.round(rng.normal(0.885, 0.007, 40), 3))
add("normb30", rng.normal(0.905, 0.012, 30))
add("unif5001", rng.uniform(0, 1, 5001))
base = rng.normal(0, 1, 20)
add("base20", base)
add("huge20", base * 1e300)
add("tiny20", base * 1e-300)
baseb = rng.normal(0.3, 1.5, 25)
add("baseb25", baseb)
add("hugeb25", baseb * 1e300)
add("tinyb25", baseb * 1e-300)
add("one", [0.9])
add("two", [0.89, 0.91])
add("const10", [0.9] * 10)
add("small_exact", [1.0, 2.0, 2.0, 3.0, 5.0, 8.0, 13.0, 21.0])
add("big", gen_values(1000000), gen=True)


def sorted_(name):
    return np.sort(data[name])


# ---- normality
def same_scale_ref(name):
    # scipy works in float32 (shapiro) or overflows (squares of 1e300):
    # the statistics are scale invariant, so huge/tiny data take the
    # values of the unscaled data set (exactly the same up to rounding).
    return {"huge20": "base20", "tiny20": "base20",
            "hugeb25": "baseb25", "tinyb25": "baseb25"}.get(name, name)


for name in data:
    x = sorted_(name)
    n = len(x)
    ref = sorted_(same_scale_ref(name))
    const = n > 0 and np.all(x == x[0])
    # Shapiro-Wilk (scipy: AS R94 in single precision)
    if n < 3 or n > 5000:
        emit("sw", name, E_RANGE, "nan", "nan")
    elif const:
        emit("sw", name, E_CONST, "nan", "nan")
    else:
        # scipy's swilk runs in float32: standardise first (W is affine
        # invariant) so the cast to float32 keeps the data's digits
        r = stats.shapiro((ref - np.mean(ref)) / np.std(ref))
        emit("sw", name, 0, r[0], r[1])
    # Anderson-Darling A2 (scipy) and the D'Agostino-Stephens p, computed
    # here from the published table (scipy gives only critical values)
    if n < 3:
        emit("ad", name, E_RANGE, "nan", "nan")
    elif const:
        emit("ad", name, E_CONST, "nan", "nan")
    else:
        a2 = stats.anderson(ref, "norm").statistic
        a = a2 * (1 + 0.75 / n + 2.25 / n**2)
        if a >= 0.6:
            p = math.exp(1.2937 - 5.709 * a + 0.0186 * a * a)
        elif a >= 0.34:
            p = math.exp(0.9177 - 4.279 * a - 1.38 * a * a)
        elif a >= 0.2:
            p = 1 - math.exp(-8.318 + 42.796 * a - 59.938 * a * a)
        else:
            p = 1 - math.exp(-13.436 + 101.14 * a - 223.73 * a * a)
        emit("ad", name, 0, a2, min(p, 1.0))
    # D'Agostino-Pearson
    if n < 8:
        emit("dp", name, E_RANGE, "nan", "nan")
    elif const:
        emit("dp", name, E_CONST, "nan", "nan")
    else:
        r = stats.normaltest(data[same_scale_ref(name)])
        emit("dp", name, 0, r[0], r[1])


# ---- Shapiro-Wilk in double precision: the published AS R94 formulas
# evaluated with numpy (vectorised, independent of the C loop), for a tight
# check that scipy's float32 swilk cannot give
def poly(c, x):
    return sum(ci * x**i for i, ci in enumerate(c))


def swilk64(x):
    x = np.sort(x)
    n = len(x)
    if n == 3:
        a = np.array([-math.sqrt(0.5), 0, math.sqrt(0.5)])
    else:
        m = stats.norm.ppf((np.arange(1, n + 1) - 0.375) / (n + 0.25))
        mm = np.sum(m * m)
        u = 1 / math.sqrt(n)
        an = poly([0, 0.221157, -0.147981, -2.071190, 4.434685, -2.706056], u) + m[-1] / math.sqrt(mm)
        if n > 5:
            an1 = poly([0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633], u) + m[-2] / math.sqrt(mm)
            phi = (mm - 2 * m[-1]**2 - 2 * m[-2]**2) / (1 - 2 * an**2 - 2 * an1**2)
            a = m / math.sqrt(phi)
            a[-1], a[-2], a[0], a[1] = an, an1, -an, -an1
        else:
            phi = (mm - 2 * m[-1]**2) / (1 - 2 * an**2)
            a = m / math.sqrt(phi)
            a[-1], a[0] = an, -an
    z = (x - np.mean(x))
    w = np.sum(a * z) ** 2 / np.sum(z * z)
    if n == 3:
        return w, max(0.0, 6 / math.pi * (math.asin(math.sqrt(w)) - math.pi / 3))
    y = math.log(1 - w)
    if n <= 11:
        g = -2.273 + 0.459 * n
        if y >= g:
            return w, 1e-19
        y = -math.log(g - y)
        mu, sd = poly([0.5440, -0.39978, 0.025054, -6.714e-4], n), math.exp(poly([1.3822, -0.77857, 0.062767, -0.0020322], n))
    else:
        ln = math.log(n)
        mu, sd = poly([-1.5861, -0.31082, -0.083751, 0.0038915], ln), math.exp(poly([-0.4803, -0.082676, 0.0030302], ln))
    return w, stats.norm.sf((y - mu) / sd)


for name in data:
    x = data[same_scale_ref(name)]
    if 3 <= len(x) <= 5000 and not np.all(x == x[0]):
        w, p = swilk64(x)
        emit("sw64", name, w, p)


# ---- claim audit
def seeds(p, q):
    if p == 0:
        return float("nan")
    if p == 1:
        return 1
    k = max(1, math.ceil(math.log(1 - q) / math.log(1 - p)))
    # exact check in rationals where affordable
    P, Q = Fraction(p), Fraction(q)
    if k < 2000:
        while k > 1 and (1 - P) ** (k - 1) <= 1 - Q:
            k -= 1
        while (1 - P) ** k > 1 - Q:
            k += 1
    return k


def claim(name, x):
    v = data[name]
    n = len(v)
    below = int(np.sum(v < x))
    eq = int(np.sum(v == x))
    pct = 100.0 * (below + 0.5 * eq) / n
    ps = (n - below) / n
    emit("claim", name, x, pct, ps, seeds(ps, 0.5), seeds(ps, 0.95))


for name, xs in (("norm100", (0.85, 0.9, 0.91, 0.92, 0.95, float(np.max(data["norm100"])))),
                 ("ties50", (0.88, 0.87, 0.9, 0.86)),
                 ("const10", (0.9, 0.89, 0.91)),
                 ("one", (0.9, 0.8, 1.0)),
                 ("two", (0.89, 0.9, 0.91)),
                 ("big", (0.89, 0.9, 0.905, 0.915, float(np.max(data["big"])), 0.93))):
    for x in xs:
        claim(name, x)


# ---- expected best of n: exact rational weights, correctly rounded
def best(name, n, repl):
    v = np.sort(data[name])
    N = len(v)
    if n == 0 or (not repl and n > N):
        emit("best", name, n, repl, "nan", "nan")
        return
    if repl:
        Nn = N**n
        w = [(i**n - (i - 1)**n) / Nn for i in range(1, N + 1)]  # int/int: rounded
    else:
        C = math.comb(N, n)
        w = [0.0] * N
        c = 1  # comb(i-1, n-1) at i = n
        for i in range(n, N + 1):
            w[i - 1] = c / C
            c = c * i // (i - n + 1)
    mu = math.fsum(wi * float(vi) for wi, vi in zip(w, v))
    var = math.fsum(wi * (float(vi) - mu) ** 2 for wi, vi in zip(w, v) if wi > 0)
    emit("best", name, n, repl, mu, math.sqrt(var))


for name, ns in (("norm100", (1, 2, 5, 10, 50, 100, 101)),
                 ("ties50", (1, 3, 20, 50, 51)),
                 ("one", (1, 2)),
                 ("two", (1, 2, 3)),
                 ("const10", (4,)),
                 ("norm1000", (1, 10, 500, 1000)),
                 ("big", (1, 5))):
    for n in ns:
        for repl in (1, 0):
            best(name, n, repl)


# ---- two samples
def two(a, b):
    # scale-invariant statistics of huge/tiny data from the unscaled sets;
    # the difference of means (cohen's second field) is scaled back
    x, y = data[same_scale_ref(a)], data[same_scale_ref(b)]
    scale = data[a][0] / x[0]
    t = stats.ttest_ind(x, y, equal_var=False)
    va, vb = np.var(x, ddof=1), np.var(y, ddof=1)
    qa, qb = va / len(x), vb / len(y)
    df = (qa + qb) ** 2 / (qa**2 / (len(x) - 1) + qb**2 / (len(y) - 1)) if qa + qb > 0 else float("nan")
    emit("welch", a, b, t.statistic, df, t.pvalue)
    m = stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic",
                           use_continuity=True)
    emit("mw", a, b, m.statistic, m.pvalue)
    gt = np.sum(x[:, None] > y[None, :]) + 0.5 * np.sum(x[:, None] == y[None, :]) \
        if len(x) * len(y) <= 10**7 else None
    emit("pgt", a, b, gt / (len(x) * len(y)) if gt is not None else m.statistic / (len(x) * len(y)))
    sp = math.sqrt(((len(x) - 1) * va + (len(y) - 1) * vb) / (len(x) + len(y) - 2))
    emit("cohen", a, b, (np.mean(x) - np.mean(y)) / sp if sp > 0 else float("nan"),
         (np.mean(x) - np.mean(y)) * scale)
    emit("vr", a, b, violation_ratio(x, y))


def quantile_fn(s):
    s = np.sort(s)
    n = len(s)

    def q(p):
        i = int(np.ceil(n * p))
        return s[min(n - 1, max(0, i - 1))]
    return q


def violation_ratio(a, b, dt=0.005):
    # the deep-significance package's compute_violation_ratio
    qa, qb = quantile_fn(a), quantile_fn(b)
    w2 = viol = 0.0
    for p in np.arange(0, 1, dt):
        d = qb(p) - qa(p)
        w2 += (d**2) * dt
        viol += (max(d, 0) ** 2) * dt
    return 0.0 if w2 == 0 else viol / w2


for a, b in (("normb30", "norm20"), ("norm20", "normb30"), ("ties50", "ties40"),
             ("norm100", "norm1000"), ("expo30", "lognorm200"),
             ("two", "norm8"), ("small_exact", "norm8"), ("base20", "baseb25"),
             ("huge20", "hugeb25"), ("tiny20", "tinyb25"), ("norm100", "norm100")):
    two(a, b)
# big vs a shifted copy: Welch and Mann-Whitney on 10^6 + 10^6 values
data["bigs"] = data["big"] + 0.0001
emit("data", "bigs", "genshift", len(data["bigs"]))
two("big", "bigs")


# ---- power: normal approximation vs the exact noncentral t
def n_exact(d):
    n = 2
    while True:
        df = 2 * n - 2
        nc = abs(d) * math.sqrt(n / 2)
        tc = stats.t.ppf(0.975, df)
        pw = stats.nct.sf(tc, df, nc) + stats.nct.cdf(-tc, df, nc)
        if pw >= 0.8:
            return n
        n += 1


z = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)
for d in (0.1, 0.2, 0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 3.0, -0.5, 5.0):
    emit("power", d, max(2, math.ceil(2 * (z / d) ** 2)), n_exact(d))


# ---- bootstrap: scipy's percentile and BCa intervals (statistical check)
def iqm(x, axis=-1):
    return stats.trim_mean(x, 0.25, axis=axis)


STATS = (("mean", np.mean), ("median", np.median),
         ("sd", lambda x, axis=-1: np.std(x, ddof=1, axis=axis)), ("iqm", iqm))
for name in ("norm50", "expo30", "lognorm200", "ties50"):
    for sname, f in STATS:
        r = {}
        for meth in ("percentile", "BCa"):
            res = stats.bootstrap((data[name],), f, n_resamples=20000,
                                  confidence_level=0.95, method=meth,
                                  random_state=np.random.default_rng(7))
            r[meth] = res.confidence_interval
        emit("boot", name, sname, 0.95, r["percentile"].low, r["percentile"].high,
             r["BCa"].low, r["BCa"].high)
