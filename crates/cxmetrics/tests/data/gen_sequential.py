#!/usr/bin/env python3
"""Reference values for tests/it/live_inference.rs (confidence sequences,
mSPRT, CUSUM/EWMA average run lengths), written to sequential.json.

Independent of the Rust code: every closed form is evaluated with mpmath at
50 digits from the published formula; the beta-binomial mixture bounds are
found by bisection at 50 digits (to 1e-40) on ln M_t(p) = ln(1/alpha),
scanning the whole of (0, 1) on a fine grid first to make sure the set
{p : ln M_t(p) < ln(1/alpha)} is one interval; the average run lengths by the
same Markov chains (Brook & Evans 1972; Lucas & Saccucci 1990) solved in
plain Python floats with a different elimination order.

Formulas (Howard et al. 2021; Waudby-Smith et al. 2021; Johari et al. 2022):
  x = -W_{-1}(-alpha^2/e), r = m/(x - 1)  (m = target sample size)
  normal mixture on a sum: u(v) = sqrt((v + rho) ln((v + rho)/(rho alpha^2)))
  radius on a mean: w(sigma) = sigma sqrt((n + r) ln((n + r)/(r alpha^2)))/n
  sub-Gaussian: sigma = R/2; asymptotic: sigma^2 = (R^2/4 + m2)/(n + 1)
  beta-binomial: ln M(p) = ln B(kp + S, kq + F) - ln B(kp, kq) - S ln p - F ln q, k = r
  mSPRT: V = s2a/na + s2b/nb, tau2 = (x - 1)(R^2/4)(2/m),
         ln L = 1/2 ln(V/(V + tau2)) + tau2 d^2/(2V(V + tau2)), p = min(1, 1/L),
         d +- sqrt(V(V + tau2)/tau2 (ln(1 + tau2/V) - 2 ln alpha))

Run: python3 gen_sequential.py   (needs mpmath only)
"""
import json
import math
import os

import mpmath as mp

mp.mp.dps = 50


def lambert_x(alpha):
    return -mp.lambertw(-mp.mpf(alpha) ** 2 / mp.e, -1).real


def divisor(alpha):
    return lambert_x(alpha) - 1


def pseudo_n(m, alpha):
    return mp.mpf(m) / divisor(alpha)


def nm_radius(sigma, n, r, alpha):
    n = mp.mpf(n)
    return sigma * mp.sqrt((n + r) * mp.log((n + r) / (r * mp.mpf(alpha) ** 2))) / n


def log_m(s, f, p, k):
    q = 1 - p
    a, b = k * p, k * q
    lb = lambda x, y: mp.loggamma(x) + mp.loggamma(y) - mp.loggamma(x + y)
    return lb(a + s, b + f) - lb(a, b) - s * mp.log(p) - f * mp.log(q)


def bisect(g, inside, outside):
    for _ in range(160):
        mid = (inside + outside) / 2
        if g(mid) < 0:
            inside = mid
        else:
            outside = mid
    return inside


def bb_interval(s, f, r, alpha):
    """The beta-binomial mixture CS on [0, 1] for S = s, F = f."""
    s, f = mp.mpf(s), mp.mpf(f)
    n = s + f
    c = -mp.log(alpha)
    g = lambda p: log_m(s, f, p, r) - c
    phat = s / n
    # Check the set is one interval on a grid (in float for speed).
    grid = [i / 2000 for i in range(1, 2000)]
    flags = [float(g(mp.mpf(p))) < 0 for p in grid]
    st = "".join("T" if x else "F" for x in flags)
    assert st.strip("F").count("F") == 0, ("not an interval", s, f)

    def lower(phat, gg):
        if phat == 0:
            return mp.mpf(0)
        # geometric scan towards 0 for an outside point
        p = phat
        inside = phat
        out = None
        for j in range(1, 4000):
            cand = phat * (1 - mp.mpf(2) ** (-j / 4)) if j < 200 else phat * mp.mpf(2) ** (-(j - 199))
            if cand <= mp.mpf(10) ** -300:
                break
            if gg(cand) >= 0:
                out = cand
                break
            inside = cand
        if out is None:
            return mp.mpf(0)
        return bisect(gg, inside, out)

    lo = lower(phat, g)
    g2 = lambda q: log_m(f, s, q, r) - c
    hi_gap = lower(f / n, g2)
    return lo, 1 - hi_gap


def f(x):
    return float(x)


def check_interval_shape():
    """The set {p : ln M(p) < c} is one interval (ln M quasi-convex in p)
    over a sweep of n, shares (with half-integer S, as NPS gives), prior
    concentrations and thresholds, on a grid of 4,000 points, in floats."""
    import re

    def lm(s, fl, p, k):
        q = 1 - p
        a, b = k * p, k * q
        lb = lambda x, y: math.lgamma(x) + math.lgamma(y) - math.lgamma(x + y)
        return lb(a + s, b + fl) - lb(a, b) - s * math.log(p) - fl * math.log(q)

    grid = [i / 4000 for i in range(1, 4000)]
    checked = 0
    for n in [1, 2, 3, 5, 10, 30, 100, 1000]:
        for frac in [0, 0.01, 0.1, 0.25, 0.5, 0.77, 0.99, 1]:
            for half in [0, 0.5]:
                s = min(frac * n + half, n)
                fl = n - s
                for k in [0.05, 0.1, 0.5, 1, 3, 10, 100, 1000, 1e5]:
                    for c in [math.log(2), math.log(20), math.log(1000)]:
                        st = "".join("T" if lm(s, fl, p, k) < c else "F" for p in grid)
                        assert re.fullmatch(r"F*T+F*", st), ("not an interval", n, s, k, c)
                        checked += 1
    return checked


print("interval shape checked in", check_interval_shape(), "cases")

cases = {"lambert": [], "boundary": [], "log_mixture": [], "sequences": [], "msprt": [], "arl": []}

for alpha in [0.5, 0.2, 0.1, 0.05, 0.01, 0.001]:
    cases["lambert"].append({"alpha": alpha, "divisor": f(divisor(alpha))})

for v, rho, alpha in [(0, 1, 0.05), (100, 10, 0.05), (1e6, 50, 0.01), (3.5, 0.2, 0.5), (1e12, 1e9, 0.001)]:
    u = mp.sqrt((v + mp.mpf(rho)) * mp.log((v + mp.mpf(rho)) / (rho * mp.mpf(alpha) ** 2)))
    cases["boundary"].append({"v": v, "rho": rho, "alpha": alpha, "u": f(u)})

for s, fl, p, k in [(30, 70, 0.3, 10), (30, 70, 0.6, 10), (0, 5, 0.1, 1), (1, 0, 0.5, 0.2),
                    (412, 588, 0.45, 95.6), (12.5, 7.5, 0.5, 3), (5000, 5000, 0.49, 1000)]:
    cases["log_mixture"].append({"s": s, "f": fl, "p": p, "kappa": k, "value": f(log_m(mp.mpf(s), mp.mpf(fl), mp.mpf(p), mp.mpf(k)))})


def sample_of(values, counts, lo, hi):
    n = sum(counts)
    mean = mp.fsum(mp.mpf(c) * v for v, c in zip(values, counts)) / n
    m2 = mp.fsum(mp.mpf(c) * (v - mean) ** 2 for v, c in zip(values, counts))
    return n, mean, m2


def seq_bounds(values, counts, lo, hi, level, target, method):
    alpha = 1 - mp.mpf(level)
    alpha = mp.mpf(1) - mp.mpf(str(level))
    r = pseudo_n(target, alpha)
    n, mean, m2 = sample_of(values, counts, lo, hi)
    R = mp.mpf(hi - lo)
    if method == "SubGaussian":
        w = nm_radius(R / 2, n, r, alpha)
        L, U = mean - w, mean + w
    elif method == "Asymptotic":
        var = (R * R / 4 + m2) / (n + 1)
        w = nm_radius(mp.sqrt(var), n, r, alpha)
        L, U = mean - w, mean + w
    else:
        S = mp.fsum(mp.mpf(c) * (v - lo) / R for v, c in zip(values, counts))
        pl, pu = bb_interval(S, n - S, r, alpha)
        L, U = lo + R * pl, lo + R * pu
    L = min(max(L, lo), hi)
    U = min(max(U, lo), hi)
    return mean, L, U


seq_specs = []
for s, n in [(0, 1), (1, 1), (3, 10), (50, 100), (0, 100), (100, 100), (412, 1000), (1, 1000),
             (999, 1000), (123456, 1000000), (50_000_000, 100_000_000)]:
    seq_specs.append(("share", {"successes": s, "n": n}, [0.0, 1.0], [n - s, s], 0.0, 1.0))
for p, a, d in [(1, 0, 0), (0, 1, 0), (45, 30, 25), (450, 300, 250), (0, 0, 7), (4000, 5000, 1000), (3_000_000, 5_000_000, 2_000_000)]:
    seq_specs.append(("nps", {"promoters": p, "passives": a, "detractors": d}, [-1.0, 0.0, 1.0], [d, a, p], -1.0, 1.0))
for counts in [[2, 3, 5, 10, 30], [0, 0, 1, 0, 0], [100, 0, 0, 0, 100], [13, 21, 40, 160, 266]]:
    seq_specs.append(("mean", {"values": [1.0, 2.0, 3.0, 4.0, 5.0], "counts": counts, "lower": 1.0, "upper": 5.0},
                      [1.0, 2.0, 3.0, 4.0, 5.0], counts, 1.0, 5.0))

levels_targets = [(0.95, 100.0), (0.9, 1000.0), (0.99, 10.0), (0.5, 1.0), (0.999, 1e6)]
for i, (kind, inp, values, counts, lo, hi) in enumerate(seq_specs):
    for j, (level, target) in enumerate(levels_targets):
        if (i + j) % 2 and j > 1:
            continue
        for method in ["BetaBinomial", "SubGaussian", "Asymptotic"]:
            mean, L, U = seq_bounds(values, counts, lo, hi, level, target, method)
            k = 100 if kind == "nps" else 1
            case = {"kind": kind, "input": inp, "level": level, "target_n": target, "method": method,
                    "value": f(mean * k), "lower": f(L * k), "upper": f(U * k)}
            cases["sequences"].append(case)


def msprt(va, ca, vb, cb, lo, hi, level, target, k):
    alpha = mp.mpf(1) - mp.mpf(str(level))
    R = mp.mpf(hi - lo)
    na, ma, m2a = sample_of(va, ca, lo, hi)
    nb, mb, m2b = sample_of(vb, cb, lo, hi)
    V = (R * R / 4 + m2a) / (na + 1) / na + (R * R / 4 + m2b) / (nb + 1) / nb
    x = lambert_x(alpha)
    tau2 = (x - 1) * R * R / 4 * (mp.mpf(2) / target)
    d = ma - mb
    loglr = mp.log(V / (V + tau2)) / 2 + tau2 * d * d / (2 * V * (V + tau2))
    p = min(mp.mpf(1), mp.exp(-loglr))
    w = mp.sqrt(V * (V + tau2) / tau2 * (mp.log(1 + tau2 / V) - 2 * mp.log(alpha)))
    clip = lambda t: min(max(t, -R), R)
    r = pseudo_n(target, alpha)
    Sa = mp.fsum(mp.mpf(c) * (v - lo) / R for v, c in zip(va, ca))
    Sb = mp.fsum(mp.mpf(c) * (v - lo) / R for v, c in zip(vb, cb))
    al, au = bb_interval(Sa, na - Sa, r, alpha / 2)
    bl, bu = bb_interval(Sb, nb - Sb, r, alpha / 2)
    al, au, bl, bu = lo + R * al, lo + R * au, lo + R * bl, lo + R * bu
    return {"difference": f(d * k), "lower": f(clip(d - w) * k), "upper": f(clip(d + w) * k),
            "exact_lower": f(clip(al - bu) * k), "exact_upper": f(clip(au - bl) * k),
            "p_value": f(p), "log_lr": f(loglr), "tau2": f(tau2 * k * k)}


for kind, a, b, level, target in [
    ("share", (620, 1000), (540, 1000), 0.95, 1000.0),
    ("share", (5, 10), (5, 10), 0.9, 100.0),
    ("share", (0, 50), (50, 50), 0.99, 50.0),
    ("share", (30100, 60000), (29500, 60000), 0.95, 10000.0),
    ("nps", (150, 150, 100), (200, 100, 100), 0.95, 400.0),
    ("nps", (45, 30, 25), (40, 30, 30), 0.8, 100.0),
]:
    if kind == "share":
        va = vb = [0.0, 1.0]
        ca, cb = [a[1] - a[0], a[0]], [b[1] - b[0], b[0]]
        res = msprt(va, ca, vb, cb, 0.0, 1.0, level, target, 1)
        inp = {"a": {"successes": a[0], "n": a[1]}, "b": {"successes": b[0], "n": b[1]}}
    else:
        va = vb = [-1.0, 0.0, 1.0]
        ca, cb = [a[2], a[1], a[0]], [b[2], b[1], b[0]]
        res = msprt(va, ca, vb, cb, -1.0, 1.0, level, target, 100)
        inp = {"a": {"promoters": a[0], "passives": a[1], "detractors": a[2]},
               "b": {"promoters": b[0], "passives": b[1], "detractors": b[2]}}
    res.update({"kind": kind, "input": inp, "level": level, "target_n": target})
    cases["msprt"].append(res)


def phi(x):
    return 0.5 * math.erfc(-x / math.sqrt(2))


def solve_arl(P, start):
    m = len(P)
    # (I - P) x = 1 by Gauss-Jordan with partial pivoting (column order).
    A = [[(1.0 if i == j else 0.0) - P[i][j] for j in range(m)] + [1.0] for i in range(m)]
    for col in range(m):
        piv = max(range(col, m), key=lambda r: abs(A[r][col]))
        A[col], A[piv] = A[piv], A[col]
        pv = A[col][col]
        rowc = A[col]
        for r in range(m):
            if r != col:
                fac = A[r][col] / pv
                if fac != 0.0:
                    row = A[r]
                    for c2 in range(col, m + 1):
                        row[c2] -= fac * rowc[c2]
    return A[start][m] / A[start][start]


def cusum_one(k, h, shift, m=200):
    w = 2 * h / (2 * m - 1)
    P = [[0.0] * m for _ in range(m)]
    for i in range(m):
        for j in range(m):
            if j == 0:
                P[i][j] = phi(w / 2 - i * w + k - shift)
            else:
                P[i][j] = phi(j * w + w / 2 - i * w + k - shift) - phi(j * w - w / 2 - i * w + k - shift)
    return solve_arl(P, 0)


def ewma(lam, L, shift, m=201):
    h = L * math.sqrt(lam / (2 - lam))
    w = 2 * h / m
    c = [-h + (j + 0.5) * w for j in range(m)]
    P = [[phi((c[j] + w / 2 - (1 - lam) * c[i]) / lam - shift) - phi((c[j] - w / 2 - (1 - lam) * c[i]) / lam - shift)
          for j in range(m)] for i in range(m)]
    return solve_arl(P, m // 2)


for k, h, shift in [(0.5, 4.0, 0.0), (0.5, 5.0, 0.0), (0.5, 4.0, 1.0), (0.25, 8.0, 0.5)]:
    up, down = cusum_one(k, h, shift), cusum_one(k, h, -shift)
    cases["arl"].append({"chart": "cusum", "k": k, "h": h, "shift": shift, "arl": 1 / (1 / up + 1 / down)})
for lam, L, shift in [(0.1, 2.814, 0.0), (0.2, 2.962, 0.0), (0.2, 2.962, 1.0), (0.05, 2.5, 0.25)]:
    cases["arl"].append({"chart": "ewma", "lambda": lam, "L": L, "shift": shift, "arl": ewma(lam, L, shift)})

# Weighted tallies, design-based asymptotic sequence:
#   ybar = sum w g / sum w, variance = n sum w^2 (g - ybar)^2 / (sum w)^2,
#   sigma^2 = (R^2/4 + n variance)/(n + 1), ybar +- w(sigma).
cases["weighted"] = []
for kind, answers, level, target in [
    ("nps", [(10, 1.0), (9, 0.5), (8, 2.0), (3, 3.0), (0, 1.5), (10, 1.0), (6, 2.5), (7, 1.0)], 0.95, 100.0),
    ("nps", [(10, 1.0)] * 40 + [(7, 0.7)] * 30 + [(2, 2.2)] * 30, 0.9, 1000.0),
    ("top2", [(5, 1.0), (4, 2.0), (3, 0.5), (1, 4.0), (2, 1.0), (5, 0.25)], 0.99, 50.0),
    ("mean", [(5, 1.0), (4, 2.0), (3, 0.5), (1, 4.0), (2, 1.0), (5, 0.25)], 0.8, 10.0),
]:
    alpha = mp.mpf(1) - mp.mpf(str(level))
    r = pseudo_n(target, alpha)
    if kind == "nps":
        g = lambda x: 1 if x >= 9 else (0 if x >= 7 else -1)
        lo, hi, k = -1, 1, 100
    elif kind == "top2":
        g = lambda x: 1 if x >= 4 else 0
        lo, hi, k = 0, 1, 1
    else:
        g = lambda x: x
        lo, hi, k = 1, 5, 1
    n = len(answers)
    W = mp.fsum(mp.mpf(w) for _, w in answers)
    ybar = mp.fsum(mp.mpf(w) * g(x) for x, w in answers) / W
    var = n * mp.fsum(mp.mpf(w) ** 2 * (g(x) - ybar) ** 2 for x, w in answers) / W ** 2
    R = mp.mpf(hi - lo)
    sigma = mp.sqrt((R * R / 4 + n * var) / (n + 1))
    w_ = nm_radius(sigma, n, r, alpha)
    L, U = max(ybar - w_, lo), min(ybar + w_, hi)
    cases["weighted"].append({"kind": kind, "scores": [x for x, _ in answers], "weights": [w for _, w in answers],
                              "level": level, "target_n": target,
                              "value": f(ybar * k), "lower": f(L * k), "upper": f(U * k)})

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sequential.json")
with open(out, "w") as fh:
    json.dump(cases, fh, indent=1)
print("wrote", out, {k: len(v) for k, v in cases.items()})
