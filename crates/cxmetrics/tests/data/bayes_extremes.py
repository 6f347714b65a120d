"""Reference bounds of the Bayesian (Jeffreys) NPS credible interval for
the unit test `bounds_match_mpmath_in_tails_and_one_group` in
src/interval/bayes.rs: far-tail levels and posteriors with (nearly) all
answers in one group, where the crate's quadrature and solver are hardest.

Independent of the crate: mpmath at 40 digits, the second form of
METHODS.md (over S = X + Y ~ Beta(a + c, b), with U ~ Beta(a, c)),

    F(t) = [t > 0] I_t(a + c, b) + int_{|t|}^1 f_S(s) I_{(1 + t/s)/2}(a, c) ds,

integrated by tanh-sinh quadrature split around the mass of f_S, and
solved for F(t) = (1 -/+ level)/2 by bisection then secant to 1e-25.
Run: python3 bayes_extremes.py (prints the Rust tuples, NPS points).
"""
from mpmath import mp, mpf, betainc, beta, quad, sqrt

mp.dps = 40


def cdf(t, a, b, c):
    A = a + c
    norm = beta(A, b)
    lo = abs(t)
    # (1 - s)^(b - 1) is singular but integrable at s = 1; tanh-sinh can
    # round a node onto the end, where the integrand counts as 0.
    fs = lambda s: s ** (A - 1) * (1 - s) ** (b - 1) / norm if s < 1 else mpf(0)
    g = lambda s: fs(s) * betainc(a, c, 0, (1 + t / s) / 2, regularized=True)
    mean = A / (A + b)
    sd = sqrt(A * b / ((A + b) ** 2 * (A + b + 1)))
    pts = [lo]
    for k in (-12, -6, -3, -1, 0, 1, 3, 6, 12):
        x = mean + k * sd
        if lo < x < 1:
            pts.append(x)
    pts.append(mpf(1))
    pts = sorted(set(pts))
    val = quad(g, pts)
    if t > 0:
        val += betainc(A, b, 0, t, regularized=True)
    return val


def quantile(q, a, b, c):
    lo, hi = mpf(-1), mpf(1)
    for _ in range(30):  # bisection to get close
        mid = (lo + hi) / 2
        if cdf(mid, a, b, c) < q:
            lo = mid
        else:
            hi = mid
    x0, x1 = lo, hi
    f0, f1 = cdf(x0, a, b, c) - q, cdf(x1, a, b, c) - q
    for _ in range(40):
        if f1 == f0:
            break
        x2 = x1 - f1 * (x1 - x0) / (f1 - f0)
        x0, f0 = x1, f1
        x1, f1 = x2, cdf(x2, a, b, c) - q
        if abs(x1 - x0) < mpf(10) ** -25:
            break
    return x1


CASES = [
    (700, 200, 100, "0.999"),
    (100, 0, 0, "0.95"),
    (0, 300, 0, "0.95"),
    (2, 30, 1, "0.9999"),
]

if __name__ == "__main__":
    import sys

    chosen = [CASES[int(i)] for i in sys.argv[1:]] or CASES
    for p, a, d, level in chosen:
        lv = mpf(level)
        args = (mpf(p) + mpf("0.5"), mpf(a) + mpf("0.5"), mpf(d) + mpf("0.5"))
        lower = quantile((1 - lv) / 2, *args)
        upper = quantile((1 + lv) / 2, *args)
        print(f"(({p}.0, {a}.0, {d}.0, {level}), ({mp.nstr(100 * lower, 17)}, {mp.nstr(100 * upper, 17)})),", flush=True)
