"""Reference quantiles at the edges of `cxmetrics::dist` (issue 13, finding 10).

Run: python3 dist_edges.py > dist_edges.json   (needs mpmath; CI does not run it)

Student t quantiles solve 1/2 * betainc(nu/2, 1/2, 0, nu/(nu+t^2)) = q for the
upper tail q = min(p, 1-p) in log space (findroot on ln t), at 40 digits.
Beta quantiles solve betainc(a, b, 0, x, regularized=True) = p.
"""
import json
import mpmath as mp

mp.mp.dps = 40


def t_upper_tail(t, nu):
    if nu >= 100:
        # Large nu: integrate the density from t (betainc is slow there).
        c = 1 / (mp.sqrt(nu) * mp.beta(nu / 2, mp.mpf(1) / 2))
        dens = lambda s: mp.e ** (-(nu + 1) / 2 * mp.log1p(s * s / nu))
        return c * mp.quad(dens, [t, t + 1, t + 10, mp.inf])
    y = nu / (nu + t * t)
    return mp.betainc(nu / 2, mp.mpf(1) / 2, 0, y, regularized=True) / 2


def t_quantile(p, nu):
    p, nu = mp.mpf(p), mp.mpf(nu)
    q = min(p, 1 - p)
    if q == mp.mpf(1) / 2:
        return mp.mpf(0)
    # Solve in u = ln t on the upper tail.
    f = lambda u: mp.log(t_upper_tail(mp.e ** u, nu)) - mp.log(q)
    # Start from the normal quantile or the far-tail approximation.
    z = -mp.sqrt(2) * mp.erfinv(2 * q - 1)
    start = mp.log(max(z, mp.mpf("0.1")))
    far = 0.5 * (mp.log(nu) - (mp.log(2 * q) + mp.log(nu / 2) + mp.log(mp.beta(nu / 2, 0.5))) / (nu / 2))
    u = None
    for s in (start, far, (start + far) / 2):
        try:
            u = mp.findroot(f, s, tol=mp.mpf(10) ** -40)
            break
        except Exception:
            continue
    t = mp.e ** u
    return t if p > mp.mpf(1) / 2 else -t


def beta_quantile(p, a, b):
    p, a, b = mp.mpf(p), mp.mpf(a), mp.mpf(b)
    lo, hi = mp.mpf(0), mp.mpf(1)
    if a > 1e6 and b < 10:
        # A huge first shape: the quantile lies within 1e-3 of 1, and mpmath's
        # betainc does not converge far below it.
        lo = mp.mpf("0.999")
    # Bisection in log space on x for tiny quantiles, then refine.
    f = lambda x: mp.betainc(a, b, 0, x, regularized=True) - p
    for _ in range(2000):
        if lo == 0:
            mid = hi / 2 ** 64
        elif hi / lo > 4:
            mid = mp.sqrt(lo * hi)
        else:
            mid = (lo + hi) / 2
        if f(mid) < 0:
            lo = mid
        else:
            hi = mid
        if hi - lo <= hi * mp.mpf(10) ** -30:
            break
    return (lo + hi) / 2


t_cases = [
    (1e-17, 1e6), (1e-17, 1e5), (1e-30, 1e6), (1 - 1e-16, 2e5),
    (0.975, 0.05), (0.025, 0.05), (0.975, 0.01), (1e-10, 0.5), (0.9, 0.001),
    (0.975, 1.5), (1e-200, 3.0), (0.6, 1e-4),
]
beta_cases = [
    (1e-173, 2.0, 3.0), (1e-173, 0.5, 0.5), (1e-300, 2.0, 3.0),
    (0.025, 1e12, 3.0), (0.975, 3.0, 1e12), (0.5, 1e-5, 1e-5), (0.3, 1e-3, 2.0),
    # Far lower tails with one huge shape (fuzz: Newton on I_x crawled).
    (2.8177690387291804e-202, 2261634.4399612485, 8.125),
    (6.3659873724e-314, 2261634.4399612485, 8.125),
    (1e-100, 2261634.4399612485, 8.125),
    # One tiny shape: 1 - I cancelled (fuzz), now a first-order expansion.
    (5.074877058349882e-308, 0.2183380126953125, 8.81304618022717e-309),
    (1e-20, 0.2183380126953125, 1e-18),
    (1e-19, 0.2183380126953125, 1e-18),
    (0.4, 1e-300, 1.5),
    # A small shape (1e-15 to 1): past the mean-like point 1 − I cancelled
    # (1e-4 relative off at Beta(3, 1e-12)); now the density's integral.
    (5e-8, 0.5, 1e-8), (3e-8, 0.5, 1e-8), (1e-4, 2.0, 1e-3),
    (5e-4, 2.0, 1e-3), (1e-12, 3.0, 1e-12), (1 - 5e-8, 1e-8, 0.5),
]
import sys
class Slow(Exception):
    pass


def _alarm(signum, frame):
    raise Slow()


def timed(name, f, *args):
    """f(*args), or nan when it takes over 60 s (the case is then skipped)."""
    import signal
    import time
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(60)
    t0 = time.time()
    try:
        r = f(*args)
    except Exception:  # too slow (Slow) or mpmath gave up: skip the case
        r = mp.nan
    finally:
        signal.alarm(0)
    print(name, args, mp.nstr(r, 20), time.time() - t0, file=sys.stderr, flush=True)
    return r


import math
out = {
    "generator": "tests/data/dist_edges.py (mpmath %s, 40 digits)" % mp.__version__,
    "t_quantile": [r for r in ([p, nu, mp.nstr(timed("t", t_quantile, p, nu), 25)] for p, nu in t_cases) if r[2] != "nan"],
    "beta_quantile": [r for r in ([p, a, b, mp.nstr(timed("beta", beta_quantile, p, a, b), 25)] for p, a, b in beta_cases) if r[3] != "nan"],
}
print(json.dumps(out, indent=1))
