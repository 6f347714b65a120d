//! The conjugate (beta-binomial) mixture confidence sequence for the mean
//! of observations in [0, 1].
//!
//! For observations zᵢ ∈ [0, 1] with mean p, S_t = Σzᵢ and F_t = t − S_t,
//! and any θ ∈ (0, 1), the process (θ/p)^S (1−θ)^F / (1−p)^F is a
//! nonnegative supermartingale (a martingale, the likelihood ratio, for 0/1
//! data): e^{cz} is convex in z, so its mean under any law on [0, 1] with
//! mean p is at most that of the Bernoulli(p) law (Hoeffding 1963, §4).
//! Mixing θ over Beta(κp, κ(1 − p)) gives
//!
//! ```text
//! M_t(p) = B(κp + S, κ(1−p) + F) / (B(κp, κ(1−p)) · p^S (1−p)^F)
//! ```
//!
//! (Robbins 1970; the beta-binomial mixture of Howard et al. 2021, §3.3),
//! and by Ville's inequality the set {p : M_t(p) < 1/α} covers the mean at
//! every t at once with probability at least 1 − α. It is a function of
//! (S, F) only: exact, batch-invariant, mergeable; M_t(p) is an e-process
//! for "the mean is p". κ = r = m/(−W₋₁(−α²/e) − 1): the prior variance of
//! θ, p(1−p)/(κ+1), then matches (up to the +1, dropped so that κ stays
//! positive for any target m ≥ 1) that of the normal mixture over
//! λ = (θ − p)/(p(1 − p)) which is tightest at the target sample size m
//! (Howard et al. 2021, §3.5); the sequence is tightest near m to within
//! 1% (`tests/it/live_inference.rs`). The set is an interval: ln M_t is
//! quasi-convex in p (checked on a grid of 4,000 points for n from 1 to
//! 1,000, shares 0 to 1, κ from 0.05 to 10⁵ and α from 0.001 to 0.5, by
//! `tests/data/gen_sequential.py` and the test suite). M_t(p̂) ≤ 1 at p̂ = S/t (the
//! marginal likelihood is at most the maximum likelihood), so p̂ is
//! always inside; each bound is the root of ln M_t(p) = ln(1/α) on its side
//! of p̂, found by bracketing outward and regula falsi (Illinois) to a
//! relative accuracy of about 1e-13.

use crate::foundation::error::Error;
use crate::math::dist;

/// ln M_t(p), computed from the beta prefactors ln(p^a q^b / B(a, b)),
/// which are accurate for large shapes (no large ln Γ cancels).
pub(crate) fn log_mixture(s: f64, f: f64, p: f64, q: f64, kappa: f64) -> f64 {
    let (a, b) = (kappa * p, kappa * q);
    dist::beta_ln_front(a, b, p, q) - dist::beta_ln_front(a + s, b + f, p, q)
}

/// ln M_t(p) of the beta-binomial mixture: the log of the e-value against
/// "the mean of the observations (mapped to [0, 1]) is p", after
/// `successes` = Σzᵢ and `failures` = Σ(1 − zᵢ), with the prior
/// Beta(κp, κ(1 − p)).
///
/// # Errors
///
/// [`Error::InvalidArgument`] naming the value unless `successes` and
/// `failures` are finite and at least 0, 0 < p < 1 and κ is positive and
/// finite, or when the result would not be finite (counts near `f64::MAX`).
///
/// # Example
///
/// ```
/// use cxmetrics::sequential;
/// // At the estimate the mixture is at most 1 (its log at most 0).
/// assert!(sequential::beta_binomial_log_mixture(30.0, 70.0, 0.3, 10.0)? <= 0.0);
/// // Far from it the evidence is large.
/// assert!(sequential::beta_binomial_log_mixture(30.0, 70.0, 0.6, 10.0)? > 10.0);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn beta_binomial_log_mixture(
    successes: f64,
    failures: f64,
    p: f64,
    kappa: f64,
) -> Result<f64, Error> {
    for (name, v) in [("successes", successes), ("failures", failures)] {
        if !(v >= 0.0 && v.is_finite()) {
            return Err(Error::InvalidArgument {
                name,
                value: v,
                expected: "a finite number at least 0",
            });
        }
    }
    if !(p > 0.0 && p < 1.0) {
        return Err(Error::InvalidArgument {
            name: "p",
            value: p,
            expected: "a number strictly between 0 and 1",
        });
    }
    if !(kappa > 0.0 && kappa.is_finite()) {
        return Err(Error::InvalidArgument {
            name: "prior concentration kappa",
            value: kappa,
            expected: "a positive finite number",
        });
    }
    let v = log_mixture(successes, failures, p, 1.0 - p, kappa);
    if v.is_finite() {
        Ok(v)
    } else {
        Err(Error::InvalidArgument {
            name: "successes + failures",
            value: successes + failures,
            expected: "counts and a p for which the log mixture is a finite number",
        })
    }
}

/// The lower end of {p : ln M(p) < c} below p̂ = s/(s + f), in [0, p̂].
/// `guess` is a rough distance to it (the normal-mixture radius).
pub(crate) fn lower_root(s: f64, f: f64, kappa: f64, c: f64, guess: f64) -> f64 {
    let n = s + f;
    let p_hat = s / n;
    if p_hat.is_nan() || p_hat <= 0.0 {
        return 0.0;
    }
    let g = |p: f64| log_mixture(s, f, p, 1.0 - p, kappa) - c;
    // Bracket: step out linearly (doubling) while above 0, then
    // geometrically towards 0.
    let mut inside = p_hat;
    let mut step = guess.max(p_hat * 1e-12).min(p_hat * 0.5);
    let mut outside = None;
    for _ in 0..60 {
        let p = p_hat - step;
        if p.is_nan() || p <= 0.0 {
            break;
        }
        if outside_set(g(p)) {
            outside = Some(p);
            break;
        }
        inside = p;
        step *= 2.0;
    }
    if outside.is_none() {
        let mut p = inside;
        while p > 1e-300 {
            let next = p * (1.0 / 256.0);
            if outside_set(g(next)) {
                outside = Some(next);
                break;
            }
            inside = next;
            p = next;
        }
    }
    match outside {
        Some(out) => solve(&g, inside, out),
        None => 0.0,
    }
}

/// Whether a value of ln M − c is outside the set (NaN counts as outside).
fn outside_set(v: f64) -> bool {
    v.is_nan() || v >= 0.0
}

/// The root of `g` between `inside` (g < 0) and `outside` (g ≥ 0, or NaN
/// treated as outside): bisection on ln p while the bracket spans more than
/// a factor 2, then regula falsi (Illinois). Returns a point on the inside
/// of the root, so that the interval never excludes a point with g < 0
/// that was evaluated.
fn solve(g: &impl Fn(f64) -> f64, mut inside: f64, mut outside: f64) -> f64 {
    let val = |p: f64| {
        let v = g(p);
        if v.is_nan() { f64::INFINITY } else { v }
    };
    for _ in 0..2000 {
        let (lo, hi) = if inside < outside {
            (inside, outside)
        } else {
            (outside, inside)
        };
        if hi.is_nan() || hi <= 2.0 * lo {
            break;
        }
        let mid = (lo.ln() + hi.ln()).mul_add(0.5, 0.0).exp();
        if !(mid > lo && mid < hi) {
            break;
        }
        if val(mid) < 0.0 {
            inside = mid;
        } else {
            outside = mid;
        }
    }
    let mut g_in = val(inside);
    let mut g_out = val(outside);
    if !g_out.is_finite() {
        // Bisect until the outside value is finite.
        for _ in 0..200 {
            let mid = 0.5 * (inside + outside);
            let v = val(mid);
            if v < 0.0 {
                inside = mid;
                g_in = v;
            } else {
                outside = mid;
                g_out = v;
                if g_out.is_finite() {
                    break;
                }
            }
        }
    }
    let mut side = 0i8;
    for _ in 0..200 {
        let width = (outside - inside).abs();
        if width <= 1e-14 * inside.abs().max(outside.abs()) || width == 0.0 {
            break;
        }
        let mut x = if g_out.is_finite() && g_out > g_in {
            inside + (outside - inside) * (-g_in / (g_out - g_in))
        } else {
            0.5 * (inside + outside)
        };
        let (lo, hi) = if inside < outside {
            (inside, outside)
        } else {
            (outside, inside)
        };
        if !(x > lo && x < hi) {
            x = 0.5 * (inside + outside);
        }
        let v = val(x);
        if v < 0.0 {
            inside = x;
            g_in = v;
            if side == -1 {
                g_out *= 0.5;
            }
            side = -1;
        } else {
            outside = x;
            g_out = v;
            if side == 1 {
                g_in *= 0.5;
            }
            side = 1;
        }
    }
    inside
}

/// The beta-binomial mixture confidence sequence on [0, 1]:
/// (lower, upper) of {p : ln M_t(p) < ln(1/α)}.
pub(crate) fn interval(s: f64, f: f64, kappa: f64, alpha: f64, guess: f64) -> (f64, f64) {
    let c = -alpha.ln();
    let lower = lower_root(s, f, kappa, c, guess);
    // By the symmetry M(p; S, F) = M(1 − p; F, S).
    let upper_gap = lower_root(f, s, kappa, c, guess);
    (lower.clamp(0.0, 1.0), (1.0 - upper_gap).clamp(0.0, 1.0))
}
