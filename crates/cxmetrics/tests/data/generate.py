"""Generates tests/data/extended.json: reference cases computed by scipy and
statsmodels over the whole range the crate promises (n = 1 to 10^7, shares
of 0 and 1, levels 0.5 to 0.999, t degrees of freedom 1 to 10^7), in the
schema of ../shared/refdata (SCHEMA.md). Run: python3 tests/data/generate.py
"""
import json
import numpy as np
import scipy
import statsmodels
from scipy import stats
from statsmodels.stats.proportion import (
    proportion_confint, proportions_ztest, confint_proportions_2indep)

cases = []


def add(kind, source, inp, exp):
    cases.append({"id": f"X{len(cases):04d}-{kind}", "kind": kind, "source": source,
                  "input": inp, "expected": exp})


PS = [0.5000001, 0.51, 0.6, 0.75, 0.8, 0.9, 0.95, 0.975, 0.99, 0.995, 0.999, 0.9995,
      0.0005, 0.025, 0.1, 0.3]
DFS = list(range(1, 31)) + [1.5, 2.5, 3.7, 10.3, 45, 60, 99.5, 120, 197.24938084141172, 500,
                            1000, 2500, 9999, 10000, 10001, 30000, 99999, 100000, 100001,
                            250000, 1e6, 3333333.3, 1e7]
def t_ppf_mpmath(p, df):
    """The t quantile to 30 digits with mpmath. scipy 1.17's t.ppf loses
    precision next to the median for some df (df = 4 at p = 0.5000001 is
    off by 4e-4 relative), so cases there use this instead."""
    import mpmath as mp
    mp.mp.dps = 40
    p, df = mp.mpf(p), mp.mpf(df)
    cdf = lambda t: 1 - mp.betainc(df / 2, mp.mpf(1) / 2, 0, df / (df + t * t), regularized=True) / 2
    return float(mp.findroot(lambda t: cdf(t) - p, mp.mpf(stats.t.ppf(float(p), float(df)))))


for df in DFS:
    for p in PS:
        if abs(p - 0.5) < 1e-3:
            add("t_quantile", "mpmath", {"p": p, "df": df}, {"value": t_ppf_mpmath(p, df)})
        else:
            add("t_quantile", "scipy", {"p": p, "df": df}, {"value": float(stats.t.ppf(p, df))})
def t_ppf_far(p, df):
    """Extreme t quantiles (fractional df below 1, tails near 1e-300), solved
    in log space with mpmath at 50 digits."""
    import mpmath as mp
    mp.mp.dps = 50
    p, df = mp.mpf(p), mp.mpf(df)
    q = min(p, 1 - p)
    tail = lambda lt: mp.betainc(df / 2, mp.mpf(1) / 2, 0, df / (df + mp.e ** (2 * lt)), regularized=True) / 2
    lt = mp.findroot(lambda lt: mp.log(tail(lt)) - mp.log(q), mp.mpf(2))
    return float(mp.e ** lt) * (1 if p > 0.5 else -1)


for p, df in [(0.9995, 0.1), (0.9995, 0.01), (0.6, 0.01), (0.975, 0.5), (1e-300, 5), (1e-100, 1.5), (0.999999, 2.5)]:
    add("t_quantile", "mpmath", {"p": p, "df": df}, {"value": t_ppf_far(p, df)})

for p in PS + [1e-10, 1 - 1e-10, 0.5 + 1e-12]:
    add("normal_quantile", "scipy", {"p": p}, {"value": float(stats.norm.ppf(p))})

BETA_PS = [0.0005, 0.005, 0.025, 0.05, 0.3, 0.5, 0.7, 0.95, 0.975, 0.995, 0.9995]
SHAPES = [0.5, 1, 1.5, 2, 5, 10.5, 37.5, 100, 1000.5, 1e4, 1e5, 1e7]
for a in SHAPES:
    for b in SHAPES:
        if (a * 7 + b * 3) % 2 and a != b:  # a thinned grid, still covering every shape
            continue
        for p in BETA_PS[::2] if a * b > 1e9 else BETA_PS:
            add("beta_quantile", "scipy", {"p": p, "a": a, "b": b},
                {"value": float(stats.beta.ppf(p, a, b))})
# Clopper–Pearson shapes at n = 10^7.
n = 10**7
for k in [1, 2, 10, 5 * 10**6, n - 1]:
    for p in [0.025, 0.975, 0.0005, 0.9995]:
        for a, b in [(k, n - k + 1), (k + 1, n - k)]:
            add("beta_quantile", "scipy", {"p": p, "a": a, "b": b},
                {"value": float(stats.beta.ppf(p, a, b))})

def cp_exact(p, a, b):
    """Beta⁻¹(p; a, b) for integer a, b from the binomial identity
    I_x(a, b) = P(Bin(a + b − 1, x) ≥ a), solved with mpmath at 50 digits.
    scipy's beta.ppf loses accuracy here for b ≳ 10⁸ (and betainc at 10⁹)."""
    import mpmath as mp
    mp.mp.dps = 50
    n = a + b - 1
    tail = lambda x: sum(mp.binomial(n, j) * x**j * (1 - x)**(n - j) for j in range(a))
    start = mp.mpf(stats.beta.ppf(p, a, b))
    f = lambda x: (1 - tail(x)) - mp.mpf(p)
    root = mp.findroot(f, (start * (1 - mp.mpf("1e-5")), start * (1 + mp.mpf("1e-5"))), solver="anderson",
                       tol=mp.mpf(10) ** -60)
    return float(root)


for n in [10**7, 10**8]:
    for k in [1, 2, 5, 20, 100]:
        for p in [0.0005, 0.025, 0.975, 0.9995]:
            for a, b in [(k, n - k + 1), (k + 1, n - k)]:
                add("beta_quantile", "mpmath", {"p": p, "a": a, "b": b}, {"value": cp_exact(p, a, b)})

LEVELS = [0.5, 0.8, 0.9, 0.95, 0.99, 0.999]
METHODS = {"wald": "normal", "wilson": "wilson", "agresti_coull": "agresti_coull",
           "clopper_pearson": "beta", "jeffreys": "jeffreys"}
for n in [1, 2, 3, 10, 57, 1000, 10**7]:
    for k in sorted({0, 1, n // 3, n // 2, n - 1, n}):
        if k < 0 or k > n:
            continue
        for level in LEVELS:
            for ours, theirs in METHODS.items():
                lo, hi = proportion_confint(k, n, alpha=1 - level, method=theirs)
                lo, hi = float(lo), float(hi)
                if ours == "jeffreys":  # boundary rule (METHODS.md)
                    lo = 0.0 if k == 0 else lo
                    hi = 1.0 if k == n else hi
                add("proportion_ci", "statsmodels",
                    {"successes": k, "n": n, "level": level, "method": ours},
                    {"estimate": k / n, "lower": max(0.0, lo), "upper": min(1.0, hi)})

for counts, level in [([1, 0, 0, 0, 1], 0.95), ([5, 10, 20, 40, 25], 0.5),
                      ([5, 10, 20, 40, 25], 0.999), ([10**6, 2 * 10**6, 3 * 10**6, 2 * 10**6, 2 * 10**6], 0.95),
                      ([0, 1, 1, 0, 0, 0, 0], 0.99)]:
    lo_pt = 1
    xs = np.repeat(np.arange(lo_pt, lo_pt + len(counts)), counts).astype(float)
    m, sd = xs.mean(), xs.std(ddof=1)
    se = sd / np.sqrt(len(xs))
    lo, hi = stats.t.interval(level, len(xs) - 1, loc=m, scale=se)
    add("mean_ci", "scipy", {"scale_min": lo_pt, "counts": counts, "level": level},
        {"mean": float(m), "sd": float(sd), "se": float(se), "lower": float(lo), "upper": float(hi)})

for ca, cb, level in [([1, 2, 3, 4, 5], [5, 4, 3, 2, 1], 0.95), ([0, 0, 2, 9, 30], [3, 1, 2, 10, 4], 0.99),
                      ([1, 1, 0, 0, 0], [0, 0, 0, 1, 1], 0.5),
                      ([10**5, 2 * 10**5, 10**5, 5 * 10**5, 10**5], [2 * 10**5, 10**5, 10**5, 10**5, 5 * 10**5], 0.9)]:
    xa = np.repeat(np.arange(1, 6), ca).astype(float)
    xb = np.repeat(np.arange(1, 6), cb).astype(float)
    r = stats.ttest_ind(xa, xb, equal_var=False)
    va, vb = xa.var(ddof=1) / len(xa), xb.var(ddof=1) / len(xb)
    df = (va + vb) ** 2 / (va ** 2 / (len(xa) - 1) + vb ** 2 / (len(xb) - 1))
    diff = xa.mean() - xb.mean()
    half = stats.t.ppf(0.5 + level / 2, df) * np.sqrt(va + vb)
    add("welch_t", "scipy", {"scale_min": 1, "counts_a": ca, "counts_b": cb, "level": level},
        {"difference": float(diff), "t": float(r.statistic), "df": float(df), "p_value": float(r.pvalue),
         "lower": float(diff - half), "upper": float(diff + half)})

for ka, na, kb, nb, level in [(1, 1, 0, 1, 0.95), (0, 10, 5, 10, 0.9), (10, 10, 9, 10, 0.99),
                              (3000000, 10**7, 2999000, 10**7, 0.95), (7, 30, 12, 41, 0.5),
                              (0, 50, 1, 60, 0.999)]:
    z, pv = proportions_ztest([ka, kb], [na, nb], value=0, alternative="two-sided")
    wl, wu = confint_proportions_2indep(ka, na, kb, nb, method="wald", compare="diff", alpha=1 - level)
    nl, nu = confint_proportions_2indep(ka, na, kb, nb, method="newcomb", compare="diff", alpha=1 - level)
    add("two_proportion", "statsmodels",
        {"successes_a": ka, "n_a": na, "successes_b": kb, "n_b": nb, "level": level},
        {"difference": ka / na - kb / nb, "z_pooled": float(z), "p_value_pooled": float(pv),
         "wald_lower": float(wl), "wald_upper": float(wu), "newcombe_lower": float(nl),
         "newcombe_upper": float(nu)})

# Formula cases at the edges (METHODS.md), computed here in double precision.
from math import sqrt, ceil
z_of = lambda level: float(stats.norm.ppf(0.5 + level / 2))


def nps_formula(P, A, D, level, method):
    n = P + A + D
    p, d = P / n, D / n
    if method == "wald":
        se, centre, crit = sqrt((p + d - (p - d) ** 2) / n), p - d, z_of(level)
    else:  # adjusted_wald
        n2 = n + 3
        pa, da = (P + 0.75) / n2, (D + 0.75) / n2
        se, centre, crit = sqrt((pa + da - (pa - da) ** 2) / n2), pa - da, z_of(level)
    clip = lambda v: max(-100.0, min(100.0, v))
    return {"nps": 100 * (p - d), "se": 100 * se, "lower": clip(100 * (centre - crit * se)),
            "upper": clip(100 * (centre + crit * se))}


for (P, A, D) in [(1, 0, 0), (0, 0, 1), (0, 1, 0), (20, 0, 0), (0, 0, 20), (3, 0, 3), (10**7, 0, 0),
                  (4 * 10**6, 3 * 10**6, 3 * 10**6)]:
    for level in [0.5, 0.95, 0.999]:
        for method in ["wald", "adjusted_wald"]:
            add("nps_ci", "formula", {"promoters": P, "passives": A, "detractors": D, "level": level,
                                      "method": method}, nps_formula(P, A, D, level, method))

for margin, level, p, pop in [(0.05, 0.95, 0.0, None), (0.05, 0.95, 1.0, None), (0.01, 0.999, 0.5, None),
                              (0.2, 0.5, 0.3, None), (0.05, 0.95, 0.5, 100), (0.001, 0.99, 0.5, 10**7),
                              (0.05, 0.95, 0.0, 50)]:
    n0 = z_of(level) ** 2 * p * (1 - p) / margin ** 2
    n = n0 if pop is None or n0 == 0 else n0 / (1 + (n0 - 1) / pop)
    inp = {"margin": margin, "level": level, "p": p}
    if pop is not None:
        inp["population"] = pop
    add("sample_size_proportion", "formula", inp, {"n": n, "n_ceil": ceil(n)})

for m, level, ps, ds, pop in [(5, 0.95, 0.0, 0.0, None), (5, 0.95, 1.0, 0.0, None), (1, 0.999, 0.5, 0.5, None),
                              (20, 0.5, 0.3, 0.3, 1000), (3, 0.9, 0.6, 0.1, 10**6)]:
    v = ps + ds - (ps - ds) ** 2
    n0 = z_of(level) ** 2 * v / (m / 100) ** 2
    n = n0 if pop is None or n0 == 0 else n0 / (1 + (n0 - 1) / pop)
    inp = {"margin_points": m, "level": level, "promoters_share": ps, "detractors_share": ds}
    if pop is not None:
        inp["population"] = pop
    add("sample_size_nps", "formula", inp, {"n": n, "n_ceil": ceil(n)})

for n, level, p, pop in [(1, 0.95, 0.5, None), (1, 0.95, 0.5, 1), (10**7, 0.999, 0.01, None), (100, 0.5, 0.0, None),
                         (100, 0.9, 0.5, 100), (100, 0.9, 0.5, 101), (400, 0.95, 0.2, 10**9)]:
    fpc = 1.0 if pop is None else (0.0 if pop == n else sqrt((pop - n) / (pop - 1)))
    inp = {"n": n, "level": level, "p": p}
    if pop is not None:
        inp["population"] = pop
    add("margin_of_error_proportion", "formula", inp, {"margin": z_of(level) * sqrt(p * (1 - p) / n) * fpc})

for k, n, level, pop in [(0, 10, 0.95, 20), (10, 10, 0.95, 20), (5, 10, 0.95, 10), (3, 10, 0.999, 11),
                         (500, 1000, 0.5, 10**7)]:
    p = k / n
    fpc = 0.0 if pop == n else sqrt((pop - n) / (pop - 1))
    half = z_of(level) * sqrt(p * (1 - p) / n) * fpc
    add("proportion_ci", "formula", {"successes": k, "n": n, "level": level, "method": "wald", "population": pop},
        {"estimate": p, "lower": max(0.0, p - half), "upper": min(1.0, p + half)})

out = {"schema": "cxmetrics-reference/1",
       "generated_with": {"scipy": scipy.__version__, "statsmodels": statsmodels.__version__,
                          "numpy": np.__version__},
       "cases": cases}
with open(__file__.replace("generate.py", "extended.json"), "w") as f:
    json.dump(out, f, indent=0)
print(len(cases), "cases")
