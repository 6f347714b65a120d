//! Quantiles of the normal, Student t and beta distributions, accurate to
//! a few units in the last place.
//!
//! These are the quantiles behind every interval in the crate, exposed for
//! callers who need critical values of their own. Each public function
//! checks its arguments; the crate's internal `_unchecked` forms assume
//! them. This is the only module that calls `statrs`.
//!
//! ```
//! use cxmetrics::dist;
//!
//! assert!((dist::normal_quantile(0.975)? - 1.959963984540054).abs() < 1e-14);
//! assert!((dist::t_quantile(0.975, 30.0)? - 2.0422724563012378).abs() < 1e-14);
//! assert!((dist::beta_quantile(0.025, 5.0, 10.0)? - 0.1275984298591596).abs() < 1e-15);
//! assert!(dist::t_quantile(1.0, 3.0).is_err());
//! # Ok::<(), cxmetrics::Error>(())
//! ```
//!
//! # Why not `statrs`'s inverse CDFs
//!
//! `statrs` 0.19 inverts the Student t and beta CDFs through
//! `inv_beta_reg`, and its regularised incomplete beta evaluates the
//! prefactor `x^a (1-x)^b / B(a, b)` as `exp(ln Γ(a+b) − ln Γ(a) − ln Γ(b) + …)`.
//! For large parameters (t with 10^7 degrees of freedom, Clopper–Pearson
//! with 10^7 answers) the log-gammas are ~10^8 and cancel, leaving errors
//! far above the 1e-9 the crate promises (`tests/it/quantile.rs` measures
//! them against scipy). So we keep `statrs` for `ln Γ` of small arguments
//! and `erf`/`erfc` and their inverses (accurate to a few ulps), and
//! compute the rest here:
//!
//! - the incomplete beta ratio by its continued fraction (Lentz's method,
//!   as in *Numerical Recipes* `betacf`), with the prefactor computed in
//!   the style of TOMS 708 `brcomp` (Didonato & Morris 1992): the large
//!   terms are expanded about `x0 = a/(a+b)` with `log1p` and Stirling's
//!   series corrections, so nothing large cancels;
//! - every quantile by safeguarded Newton iteration on that CDF, solving on
//!   whichever tail keeps relative precision;
//! - Student t for ν ≥ 10^5 by the Cornish–Fisher expansion
//!   (Abramowitz & Stegun 26.7.5), whose truncation error there is below
//!   1e-17, and for ν = 1 and 2 by closed forms.

use std::f64::consts::{FRAC_1_SQRT_2, PI, SQRT_2};

use statrs::function::erf as statrs_erf;

use crate::foundation::error::Error;

use super::small_shape::{complement_for_tiny_shape, integral_in_log_tail};

/// The standard normal quantile Φ⁻¹(p).
///
/// # Errors
///
/// [`Error::InvalidArgument`] unless 0 < p < 1.
///
/// # Example
///
/// ```
/// use cxmetrics::dist;
/// assert!((dist::normal_quantile(0.995)? - 2.5758293035489004).abs() < 1e-13);
/// assert!(dist::normal_quantile(0.0).is_err());
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn normal_quantile(p: f64) -> Result<f64, Error> {
    check_probability(p)?;
    Ok(normal_quantile_unchecked(p))
}

/// The Student t quantile with `df` degrees of freedom (fractional values
/// allowed, as in Welch's test).
///
/// # Errors
///
/// [`Error::InvalidArgument`] unless 0 < p < 1 and `df` is positive and
/// finite, and when the quantile is beyond the range of `f64` (tiny `df`
/// far from the median: with 0.001 degrees of freedom, the 97.5%
/// quantile is about 10^1600).
///
/// # Example
///
/// ```
/// use cxmetrics::dist;
/// assert!((dist::t_quantile(0.975, 1.0)? - 12.706204736174694).abs() < 1e-12);
/// assert!((dist::t_quantile(0.9, 2.5)? + dist::t_quantile(0.1, 2.5)?).abs() < 1e-15);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn t_quantile(p: f64, df: f64) -> Result<f64, Error> {
    check_probability(p)?;
    check_parameter("degrees of freedom", df)?;
    let t = t_quantile_unchecked(p, df);
    if t.is_finite() {
        Ok(t)
    } else {
        Err(Error::InvalidArgument {
            name: "degrees of freedom",
            value: df,
            expected: "enough degrees of freedom for the quantile to be a finite f64 at this probability",
        })
    }
}

/// The quantile of the beta distribution Beta(a, b): x with I_x(a, b) = p.
///
/// The first double at which the computed I_x reaches p, so the quantile
/// is monotone in p; within about 1e-14 relative of the exact quantile
/// (checked against mpmath in far tails, with shapes from 10⁻³⁰⁰ to 10¹²),
/// except where the quantile itself is ill-conditioned (with both shapes
/// tiny the density is nearly 0 between its two spikes, and an ulp of p
/// moves x by 10⁵ ulps). A quantile below the smallest subnormal is 0.
///
/// # Errors
///
/// [`Error::InvalidArgument`] unless 0 < p < 1 and `a`, `b` are positive
/// and at most 10^12 (beyond that the incomplete beta's continued fraction
/// does not converge in reasonable time; Clopper–Pearson and Jeffreys
/// intervals need at most 10^10).
///
/// # Example
///
/// ```
/// use cxmetrics::dist;
/// // Beta(1, 1) is uniform.
/// assert!((dist::beta_quantile(0.3, 1.0, 1.0)? - 0.3).abs() < 1e-14);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn beta_quantile(p: f64, a: f64, b: f64) -> Result<f64, Error> {
    check_probability(p)?;
    check_shape("beta shape a", a)?;
    check_shape("beta shape b", b)?;
    let x = beta_quantile_unchecked(p, a, b);
    if (0.0..=1.0).contains(&x) {
        Ok(x)
    } else {
        // Not reached for checked arguments; a clear error rather than NaN.
        Err(Error::InvalidArgument {
            name: "probability",
            value: p,
            expected: "a probability whose beta quantile can be computed",
        })
    }
}

fn check_probability(p: f64) -> Result<(), Error> {
    if p > 0.0 && p < 1.0 {
        Ok(())
    } else {
        Err(Error::InvalidArgument {
            name: "probability",
            value: p,
            expected: "a number strictly between 0 and 1",
        })
    }
}

/// The largest beta shape [`beta_quantile`] accepts.
pub(crate) const MAX_BETA_SHAPE: f64 = 1e12;

fn check_shape(name: &'static str, x: f64) -> Result<(), Error> {
    if x > 0.0 && x <= MAX_BETA_SHAPE {
        Ok(())
    } else {
        Err(Error::InvalidArgument {
            name,
            value: x,
            expected: "a positive number at most 1e12",
        })
    }
}

fn check_parameter(name: &'static str, x: f64) -> Result<(), Error> {
    if x > 0.0 && x.is_finite() {
        Ok(())
    } else {
        Err(Error::InvalidArgument {
            name,
            value: x,
            expected: "a positive finite number",
        })
    }
}

/// Φ⁻¹(¾), the seam of `normal_quantile_unchecked`'s two residuals.
const UPPER_QUARTILE: f64 = 0.674_489_750_196_081_7;

/// ½ ln(2π).
const HALF_LN_2PI: f64 = 0.918_938_533_204_672_8;

/// The standard normal quantile Φ⁻¹(p), for 0 < p < 1 (NaN otherwise;
/// ±∞ at 1 and 0).
pub(crate) fn normal_quantile_unchecked(p: f64) -> f64 {
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 || p == 1.0 {
        return if p == 0.0 {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
    }
    let Some((c, q, sign)) = split(p) else {
        return 0.0;
    };
    // Start from the inverse error function on the side that keeps
    // precision, then polish with Newton steps on Φ.
    let mut x = if c <= q {
        SQRT_2 * statrs_erf::erf_inv(2.0 * c)
    } else {
        SQRT_2 * statrs_erf::erfc_inv(2.0 * q)
    };
    // P(0 < Z < x) − c near the centre, q − P(Z > x) beyond the quartile:
    // each side where its own probability is small and exact (c = |p − ½|
    // is exact wherever the root lies inside the quartiles, q always is).
    // The branch follows x, not p, so for every x the residual moves one way
    // in p, and the first crossing below is monotone in p even at the seam.
    let residual = |x: f64| {
        let u = x * FRAC_1_SQRT_2;
        if x < UPPER_QUARTILE {
            0.5 * erf(u) - c
        } else {
            q - 0.5 * erfc(u)
        }
    };
    for _ in 0..3 {
        let resid = residual(x);
        let density = (-0.5 * x * x).exp() / (2.0 * PI).sqrt();
        if density <= 0.0 || !resid.is_finite() {
            break;
        }
        let step = resid / density;
        x -= step;
        if step.abs() <= 1e-17 * x.abs() {
            break;
        }
    }
    // Newton's last step leaves the root an ulp either way, and two roots
    // for neighbouring p could come out in the wrong order: settle on the
    // first double at which the computed tail reaches p, so the quantile is
    // monotone in p (fuzz: 40 ulps out of order near p = 4.8e-4 before erfc
    // was accurate there, one ulp after).
    if x.is_finite() && x >= 0.0 {
        x = first_crossing(residual, x, (0.0, f64::MAX));
    }
    sign * x
}

/// The Student t quantile for `df` > 0 degrees of freedom (fractional
/// allowed), for 0 < p < 1: NaN for arguments outside those ranges, ±∞
/// when the quantile is beyond `f64` (tiny `df`). Callers check.
pub(crate) fn t_quantile_unchecked(p: f64, df: f64) -> f64 {
    if !(p > 0.0 && p < 1.0 && df > 0.0) || df.is_nan() {
        return f64::NAN;
    }
    let Some((c, q, sign)) = split(p) else {
        return 0.0;
    };
    if df.is_infinite() {
        return normal_quantile_unchecked(p);
    }
    let t = if 0.5 * df < f64::MIN_POSITIVE {
        // Fewer degrees of freedom than f64 resolves: the quantile is
        // about √ν (2q)^(-1/ν), beyond every f64.
        f64::INFINITY
    } else if df == 1.0 {
        // Cauchy: F(t) = ½ + atan(t)/π.
        if q < c {
            1.0 / (PI * q).tan()
        } else {
            (PI * c).tan()
        }
    } else if df == 2.0 {
        // F(t) = ½ + t / (2√(2 + t²)).
        2.0 * c / (2.0 * q * (1.0 - q)).sqrt()
    } else if df >= 1e5 {
        // Cornish–Fisher from the normal quantile of p itself, which is
        // monotone in p to the ulp (not of 0.5 + c, which rounds: 1e-8
        // relative off at p = 1e-8, and 1 beyond p = 1e-16).
        cornish_fisher(sign * normal_quantile_unchecked(p), df)
    } else if let Some(t) = t_far_tail(q, df) {
        t
    } else {
        t_by_newton(c, q, df)
    };
    sign * t
}

/// Two-sided p-value of a t statistic: P(|T| ≥ |t|), in 0..=1; NaN for a
/// NaN statistic or degrees of freedom not positive (callers check).
pub(crate) fn t_two_sided(t: f64, df: f64) -> f64 {
    if t.is_nan() || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    let t = t.abs();
    if t.is_infinite() {
        return 0.0;
    }
    if t < 1e-17 {
        // P = 1 − 2·f(0)·t + O(t³) with f(0) < 0.4: within half an ulp of
        // 1 (t² would underflow below here and leave the tail 0/0).
        return 1.0;
    }
    if df >= 1e5 {
        // The continued fraction needs about √ν terms here; invert the
        // Cornish–Fisher expansion instead (the quantile's own method, so
        // the two agree), then take the normal tail.
        return normal_two_sided(inverse_cornish_fisher(t, df));
    }
    t_split(t, df).1.clamp(0.0, 1.0)
}

/// z with `cornish_fisher(z, df) = t`, for df ≥ 10^5 and t ≥ 0, by Newton
/// steps (the expansion is increasing, with slope about 1 there). Beyond
/// |z| = 40 every tail probability underflows, so z is capped there.
fn inverse_cornish_fisher(t: f64, df: f64) -> f64 {
    if t >= 40.0 {
        return t;
    }
    let mut z = t;
    for _ in 0..50 {
        let h = 1e-6 * z.abs().max(1.0);
        let slope = (cornish_fisher(z + h, df) - cornish_fisher(z - h, df)) / (2.0 * h);
        let step = (cornish_fisher(z, df) - t) / slope;
        if !step.is_finite() {
            break;
        }
        z -= step;
        if step.abs() <= 1e-16 * z.abs().max(1e-300) {
            break;
        }
    }
    z
}

/// Two-sided p-value of a z statistic: P(|Z| ≥ |z|), in 0..=1; NaN for NaN.
pub(crate) fn normal_two_sided(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    erfc(z.abs() * FRAC_1_SQRT_2).clamp(0.0, 1.0)
}

/// The beta quantile: x with I_x(a, b) = p, for a, b in (0, 10^12] and
/// 0 < p < 1; NaN otherwise (callers check).
pub(crate) fn beta_quantile_unchecked(p: f64, a: f64, b: f64) -> f64 {
    if !(p > 0.0 && p < 1.0 && a > 0.0 && a <= MAX_BETA_SHAPE && b > 0.0 && b <= MAX_BETA_SHAPE) {
        return f64::NAN;
    }
    // Solve on the tail that is below ½ so its relative precision counts.
    let lower_side = p <= 0.5;
    let target = if lower_side { p } else { 1.0 - p };
    // Solved in logarithms, ln I_x = ln p (or ln(1 − I_x) = ln(1 − p)):
    // in a far tail I_x is nearly exponential in x, and Newton on I_x
    // itself crawls there by about one e-fold per step (fuzz: 400 steps
    // from the normal start at p = 2.8e-202 with a = 2.3e6 did not reach
    // the root); ln I_x also stays finite where I_x underflows.
    let ln_target = target.ln();
    let f = |x: f64| {
        let y = 1.0 - x;
        let (ln_w, ln_w1) = beta_inc_ln(a, b, x, y);
        let ln_density = ln_front(a, b, x, y) - x.ln() - y.ln();
        if lower_side {
            (ln_w - ln_target, (ln_density - ln_w).exp())
        } else {
            (ln_target - ln_w1, (ln_density - ln_w1).exp())
        }
    };
    // In the tail, I_x(a, b) ≈ x^a / (a B(a, b)) (and 1 − I_x ≈
    // (1 − x)^b / (b B(a, b))): its root, in logs, starts the solve where the
    // quantile is small, as R's qbeta does. Below the smallest subnormal
    // the quantile rounds to 0 (or 1): with a tiny shape nearly all the
    // mass sits at one end, where the normal start is far off.
    let tail_shape = if lower_side { a } else { b };
    let ln_tail = (target.ln() + tail_shape.ln() + ln_beta(a, b)) / tail_shape;
    if ln_tail < LN_MIN_SUBNORMAL {
        return if lower_side { 0.0 } else { 1.0 };
    }
    let start = if ln_tail < LN_TAIL_START {
        let t = ln_tail.exp();
        if lower_side { t } else { 1.0 - t }
    } else {
        // A normal approximation; the solver brackets and bisects when
        // Newton misbehaves.
        let s = a + b;
        let mean = a / s;
        let sd = (a * b / (s * s * (s + 1.0))).sqrt();
        (mean + normal_quantile_unchecked(p) * sd).clamp(1e-300, 1.0 - 1e-16)
    };
    let start = if start.is_nan() { 0.5 } else { start };
    let x = solve_increasing(f, 0.0, 1.0, start);
    if x.is_nan() {
        return f64::NAN;
    }
    // The solver's root is right to an ulp or two, and two roots for
    // neighbouring p could come out in the wrong order: settle on the
    // first double at which the computed ln I_x reaches ln p, so the
    // quantile is monotone in p.
    first_crossing(|x| f(x).0, x.clamp(0.0, 1.0), (0.0, 1.0))
}

/// ln of the smallest positive subnormal, 2^−1074.
const LN_MIN_SUBNORMAL: f64 = -744.440_072_210_958_2;

/// Below e^−10 the tail's power law is a better start than the normal
/// approximation.
const LN_TAIL_START: f64 = -10.0;

/// The first double in `lo..=hi` (both ≥ 0) at or after which the
/// increasing `value` is ≥ 0, found from the root `x`: a galloping walk away
/// from `x` (1, 2, 4, … ulps) to bracket the sign change, then bisection over
/// the doubles between. Computed values are monotone only as a staircase
/// (ln x, for one, stays put for a hundred ulps of x and then jumps), so the
/// crossing can lie well past a fixed few ulps; finding it exactly keeps the
/// quantiles built on it monotone in p. The root itself when the walk does
/// not bracket a crossing within 2⁴⁰ ulps (a value that is NaN, or not
/// increasing, there).
fn first_crossing(value: impl Fn(f64) -> f64, x: f64, (lo, hi): (f64, f64)) -> f64 {
    const DOUBLINGS: u32 = 40;
    if !(x >= 0.0 && lo >= 0.0 && lo <= x && x <= hi) || hi.is_nan() {
        return x;
    }
    // Non-negative doubles are ordered as their bit patterns.
    let at = |bits: u64| value(f64::from_bits(bits));
    let (lo_bits, hi_bits, x_bits) = (lo.to_bits(), hi.to_bits(), x.to_bits());
    let x_value = at(x_bits);
    if x_value.is_nan() {
        return x;
    }
    // From `start` toward `end` by 1, 2, 4, … doubles until the sign of the
    // value leaves `start`'s side: the last double on that side and the
    // first past it (the two equal when the walk reaches `end` first);
    // `None` on a NaN or when 2^DOUBLINGS ulps bracket nothing.
    let gallop = |start: u64, end: u64, start_above: bool| -> Option<(u64, u64)> {
        let (mut from, mut step) = (start, 1_u64);
        loop {
            if from == end {
                return Some((from, from));
            }
            let next = if end < from {
                from.saturating_sub(step).max(end)
            } else {
                from.saturating_add(step).min(end)
            };
            let v = at(next);
            if v.is_nan() {
                return None;
            }
            if (v >= 0.0) != start_above {
                return Some((from, next));
            }
            from = next;
            if step >= 1 << DOUBLINGS {
                return None;
            }
            step *= 2;
        }
    };
    // `below` is a double whose value is < 0, `above` one whose value is ≥ 0.
    let (mut below, mut above) = if x_value >= 0.0 {
        match gallop(x_bits, lo_bits, true) {
            None => return x,
            Some((above, below)) if above == below => return f64::from_bits(above),
            Some((above, below)) => (below, above),
        }
    } else {
        match gallop(x_bits, hi_bits, false) {
            None => return x,
            Some((below, above)) if below == above => return f64::from_bits(below),
            Some(pair) => pair,
        }
    };
    while above - below > 1 {
        let mid = below + (above - below) / 2;
        if at(mid) >= 0.0 {
            above = mid;
        } else {
            below = mid;
        }
    }
    f64::from_bits(above)
}

/// Splits p into (c, q, sign) with c = |p − ½| and q = ½ − c, both exact;
/// `None` at p = ½.
fn split(p: f64) -> Option<(f64, f64, f64)> {
    if p > 0.5 {
        Some((p - 0.5, 1.0 - p, 1.0))
    } else if p < 0.5 {
        Some((0.5 - p, p, -1.0))
    } else {
        None
    }
}

/// (P(0 < T < t) · 2, P(|T| > t)) for t ≥ 0: the pair I_y(½, ν/2) and its
/// complement, each accurate where it is small.
fn t_split(t: f64, df: f64) -> (f64, f64) {
    // x = t²/(df + t²), y = df/(df + t²), written through r = df/t² so that
    // neither overflows for huge t.
    if t.is_nan() || df.is_nan() {
        return (f64::NAN, f64::NAN);
    }
    if t == 0.0 {
        return (0.0, 1.0);
    }
    let r = (df / t) / t;
    beta_inc(0.5, 0.5 * df, 1.0 / (1.0 + r), r / (1.0 + r))
}

/// The t density.
fn t_density(t: f64, df: f64) -> f64 {
    if t.is_nan() || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    // ln(1 + t²/df), without overflow for huge t.
    let u = t.abs() / df.sqrt();
    let log_term = if u > 1e150 {
        2.0 * u.ln()
    } else {
        (u * u).ln_1p()
    };
    (-0.5 * df.ln() - ln_beta(0.5, 0.5 * df) - 0.5 * (df + 1.0) * log_term).exp()
}

/// The t quantile of a tail so small that y = ν/(ν + t²) underflows, where
/// the incomplete beta cannot be evaluated: there
/// P(T > t) = ½ I_y(ν/2, ½) = y^{ν/2} / (ν B(ν/2, ½)) · (1 + O(y)),
/// solved for y in logarithms. `None` when y is representable.
fn t_far_tail(q: f64, df: f64) -> Option<f64> {
    if !(q > 0.0 && df > 0.0 && df.is_finite()) {
        return None;
    }
    let a = 0.5 * df;
    let ln_y = ((2.0 * q).ln() + a.ln() + ln_beta(a, 0.5)) / a;
    (ln_y < -690.0).then(|| (0.5 * (df.ln() - ln_y)).exp())
}

/// Solves for t ≥ 0 with P(0 < T < t) = c (when c ≤ q) or P(T > t) = q.
fn t_by_newton(c: f64, q: f64, df: f64) -> f64 {
    let f = |t: f64| {
        let (central2, tail2) = t_split(t, df);
        let value = if c <= q {
            0.5 * central2 - c
        } else {
            q - 0.5 * tail2
        };
        (value, t_density(t, df))
    };
    // The normal quantile from whichever of c, q is exact, then Cornish–Fisher.
    let z = if q < c {
        -normal_quantile_unchecked(q)
    } else {
        normal_quantile_unchecked(0.5 + c)
    };
    let guess = cornish_fisher(z, df.max(1.0));
    let guess = if guess.is_finite() && guess > 0.0 {
        guess
    } else {
        1.0
    };
    // Bracket the root within a factor of 4: the tail at `hi` is below q,
    // at `lo` above it (heavy tails make plain Newton from afar crawl).
    let (mut lo, mut hi) = (0.0, (2.0 * guess).max(1.0));
    while f(hi).0 < 0.0 && hi < f64::MAX / 4.0 {
        lo = hi;
        hi *= 4.0;
    }
    let start = if guess > lo && guess < hi {
        guess
    } else {
        lo.max(hi / 4.0)
    };
    let t = solve_increasing(f, lo, hi, start);
    if q < 1e-20 && t.is_finite() && t > 0.0 {
        // Far tails, where Newton's last step is coarse next to the ulp:
        // the first double whose computed tail reaches q, so the quantile
        // is monotone in p (fuzz: at p = 2e-81 and 0.996 df two
        // neighbouring quantiles came out an ulp out of order).
        first_crossing(|t| f(t).0, t, (f64::MIN_POSITIVE, f64::MAX))
    } else {
        t
    }
}

/// The Cornish–Fisher expansion of the t quantile in powers of 1/ν
/// (Abramowitz & Stegun 26.7.5), from the normal quantile z.
fn cornish_fisher(z: f64, df: f64) -> f64 {
    let z2 = z * z;
    let g1 = (z2 + 1.0) * z / 4.0;
    let g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0;
    let g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0;
    let g4 = ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) * z / 92160.0;
    z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df
}

/// Finds x in [lo, hi] with f(x).0 = 0 for f increasing, f(x).1 its
/// derivative: Newton steps, falling back to bisection (geometric when
/// the bracket spans orders of magnitude) whenever a step leaves the
/// bracket.
fn solve_increasing(f: impl Fn(f64) -> (f64, f64), mut lo: f64, mut hi: f64, start: f64) -> f64 {
    if !(lo <= start && start <= hi) {
        return f64::NAN;
    }
    let mut x = start;
    for _ in 0..400 {
        let (value, slope) = f(x);
        if value.is_nan() {
            // The function cannot be evaluated here: bisect the bracket.
            let mid = 0.5 * (lo + hi);
            if mid == x || !mid.is_finite() {
                return x;
            }
            x = mid;
            continue;
        }
        if value == 0.0 {
            return x;
        }
        if value < 0.0 {
            lo = x;
        } else {
            hi = x;
        }
        let step = value / slope;
        if slope.is_finite() && step.abs() <= 2e-16 * x.abs() {
            // Newton's step is below the double's resolution at x.
            return x;
        }
        let newton = x - step;
        let next = if newton > lo && newton < hi && newton.is_finite() {
            newton
        } else if lo > 0.0 && hi / lo > 16.0 {
            lo.sqrt() * hi.sqrt()
        } else if lo == 0.0 {
            hi / 16.0
        } else {
            0.5 * (lo + hi)
        };
        if (next - x).abs() <= 2e-16 * x.abs() || hi - lo <= 4e-16 * hi.abs() {
            return next;
        }
        x = next;
    }
    x
}

/// The regularised incomplete beta I_x(a, b) and its complement, given
/// both x and y = 1 − x accurately. The side computed directly by the
/// continued fraction is accurate relatively; the other is 1 minus it, or,
/// when the far side's shape is tiny, its own first-order expansion.
fn beta_inc(a: f64, b: f64, x: f64, y: f64) -> (f64, f64) {
    if a.is_nan() || b.is_nan() || x.is_nan() || y.is_nan() || a <= 0.0 || b <= 0.0 {
        return (f64::NAN, f64::NAN);
    }
    if x <= 0.0 {
        return (0.0, 1.0);
    }
    if y <= 0.0 {
        return (1.0, 0.0);
    }
    // With a tiny shape on the far side, 1 minus the direct side cancels:
    // that side comes from its own expansion instead.
    if fraction_gives_lower_side(a, b, x) {
        let w = (ln_front(a, b, x, y).exp() * continued_fraction(a, b, x) / a).clamp(0.0, 1.0);
        (w, complement_for_tiny_shape(a, b, x).unwrap_or(1.0 - w))
    } else {
        let w1 = (ln_front(b, a, y, x).exp() * continued_fraction(b, a, y) / b).clamp(0.0, 1.0);
        (complement_for_tiny_shape(b, a, y).unwrap_or(1.0 - w1), w1)
    }
}

/// Whether the continued fraction is evaluated for I_x(a, b) itself
/// (rather than for its complement I_{1−x}(b, a)). It converges fast below
/// the mean-like point (a+1)/(a+b+2). Just above it, while x is still
/// tiny, it is also used directly: the complement would need 1 − x, whose
/// rounding costs a relative error of order ε/x (b ≫ a, as in
/// Clopper–Pearson bounds for a few successes out of millions).
fn fraction_gives_lower_side(a: f64, b: f64, x: f64) -> bool {
    let near_mean_and_tiny = a <= 10.0 && x < 1e-3 && b * x < 2.0 * (a + 1.0);
    x < (a + 1.0) / (a + b + 2.0) || near_mean_and_tiny
}

/// ln I_x(a, b) and ln(1 − I_x(a, b)), given x and y = 1 − x in [0, 1]:
/// the side the continued fraction gives is taken in logarithms, so it
/// stays finite (and relatively accurate) where I_x itself underflows.
fn beta_inc_ln(a: f64, b: f64, x: f64, y: f64) -> (f64, f64) {
    if a.is_nan() || b.is_nan() || x.is_nan() || y.is_nan() || a <= 0.0 || b <= 0.0 {
        return (f64::NAN, f64::NAN);
    }
    if x <= 0.0 {
        return (f64::NEG_INFINITY, 0.0);
    }
    if y <= 0.0 {
        return (0.0, f64::NEG_INFINITY);
    }
    if fraction_gives_lower_side(a, b, x) {
        let ln_w = (ln_front(a, b, x, y) + (continued_fraction(a, b, x) / a).ln()).min(0.0);
        let ln_w1 = ln_past_mean_small_shape(b, a, y, x).unwrap_or_else(|| (-ln_w.exp()).ln_1p());
        (ln_w, ln_w1)
    } else {
        let ln_w1 = (ln_front(b, a, y, x) + (continued_fraction(b, a, y) / b).ln()).min(0.0);
        let ln_w = ln_past_mean_small_shape(a, b, x, y).unwrap_or_else(|| (-ln_w1.exp()).ln_1p());
        (ln_w, ln_w1)
    }
}

/// ln I_x(a, b), given x and y = 1 − x, for b < 1 and x at or past the
/// mean-like point x₀ = (a+1)/(a+b+2), where 1 minus the complement would cancel (with a
/// small b, I_x stays as small as b up to x = 1): I_{x₀}(a, b) by the
/// continued fraction plus the density's integral from x₀ to x
/// ([`integral_in_log_tail`]), both positive. `None` elsewhere.
fn ln_past_mean_small_shape(a: f64, b: f64, x: f64, y: f64) -> Option<f64> {
    if !(b < 1.0 && y > 0.0) {
        return None;
    }
    let (x0, y0) = ((a + 1.0) / (a + b + 2.0), (b + 1.0) / (a + b + 2.0));
    // u = −ln(1 − t) at x₀ and at x.
    let (u0, u1) = (-y0.ln(), -y.ln());
    if !(x >= x0 && u1 >= u0) {
        return None;
    }
    let ln_at_x0 = ln_front(a, b, x0, y0) + (continued_fraction(a, b, x0) / a).ln();
    let ln_rest = integral_in_log_tail(a, b, u0, u1).ln() - ln_beta(a, b);
    let (big, small) = if ln_at_x0 >= ln_rest {
        (ln_at_x0, ln_rest)
    } else {
        (ln_rest, ln_at_x0)
    };
    let ln_w = (big + (small - big).exp().ln_1p()).min(0.0);
    ln_w.is_finite().then_some(ln_w)
}

/// The continued fraction for I_x(a, b) by the modified Lentz method
/// (*Numerical Recipes*, 3rd ed., §6.4 `betacf`).
fn continued_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    if a.is_nan() || b.is_nan() || x.is_nan() {
        return f64::NAN;
    }
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..200_000 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        // Even then odd step of the fraction.
        lentz_step(m * (b - m) * x / ((qam + m2) * (a + m2)), &mut c, &mut d);
        h *= d * c;
        let del = lentz_step(
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
            &mut c,
            &mut d,
        );
        h *= del;
        if (del - 1.0).abs() <= 1e-16 {
            break;
        }
    }
    h
}

/// The same continued fraction as [`continued_fraction`], evaluated by the
/// forward (Wallis) recurrence after an equivalence transformation that
/// clears its denominators: with r_k = a + k the fraction
/// 1 + d₁/(1 + d₂/(1 + …)) becomes
/// (1/a)·(a + n₁/((a + 1) + n₂/((a + 2) + …))), where
/// n_{2m} = m(b − m)x and n_{2m+1} = −(a + m)(a + b + m)x are polynomials.
/// Each step is then two fused multiply–adds, with no division on the
/// dependent chain (Lentz's method needs two per step), so it runs about
/// three times as fast; the convergents are rescaled by a power of two
/// (exactly) once per pair of steps so they cannot overflow, and the
/// stopping rule is Lentz's: successive convergents agree to 1e-16.
fn continued_fraction_wallis(a: f64, b: f64, x: f64) -> f64 {
    if a.is_nan() || b.is_nan() || x.is_nan() {
        return f64::NAN;
    }
    let s = a + b;
    // Convergents k − 1 and k of the transformed fraction, A/B, after the
    // first step (k = 1): A₀ = a, B₀ = 1, A₁ = (a + 1)a + n₁, B₁ = a + 1.
    let n1 = -a * s * x;
    let (mut a_prev, mut b_prev) = (a, 1.0);
    let (mut a_cur, mut b_cur) = ((a + 1.0) * a + n1, a + 1.0);
    let mut det = n1;
    for m in 1..200_000 {
        let m = f64::from(m);
        // Even step k = 2m, then odd step k = 2m + 1.
        let (ke, ne) = (a + 2.0 * m, m * (b - m) * x);
        let (ko, no) = (ke + 1.0, -(a + m) * (s + m) * x);
        let a_even = ke * a_cur + ne * a_prev;
        let b_even = ke * b_cur + ne * b_prev;
        let a_odd = ko * a_even + no * a_cur;
        let b_odd = ko * b_even + no * b_cur;
        // A power of two near 1/|B_odd|: scaling by it is exact.
        let scale = power_of_two_near_inverse(b_odd);
        a_prev = a_even * scale;
        b_prev = b_even * scale;
        a_cur = a_odd * scale;
        b_cur = b_odd * scale;
        // The determinant A_k B_{k−1} − A_{k−1} B_k = −n_k·(its value at
        // k − 1), kept exactly as a product rather than by the cancelling
        // difference (whose rounding noise would never settle below 1e-16).
        det *= ne * no * scale * scale;
        // |A_k/B_k − A_{k−1}/B_{k−1}| ≤ 1e-16 |A_k/B_k|, without dividing.
        if det.abs() <= 1e-16 * (a_cur * b_prev).abs() {
            break;
        }
    }
    a * b_cur / a_cur
}

/// 2^(−e) for |v| = f·2^e with 1 ≤ f < 2 (normal v; 1 otherwise), built
/// from the exponent bits so that multiplying by it is exact.
fn power_of_two_near_inverse(v: f64) -> f64 {
    let exponent = (v.to_bits() >> 52) & 0x7ff;
    if exponent == 0 || exponent == 0x7ff {
        return 1.0;
    }
    // 2^(−e) has biased exponent 1023 − e = 2046 − biased(v), within
    // range for every normal v except the largest (biased 2046 ⇒ 0).
    let biased = 2046 - exponent;
    if biased == 0 {
        return f64::from_bits(1 << 51);
    }
    f64::from_bits(biased << 52)
}

/// One modified-Lentz update with partial numerator `aa`: returns the
/// factor d·c by which the convergent changes.
fn lentz_step(aa: f64, c: &mut f64, d: &mut f64) -> f64 {
    const TINY: f64 = 1e-300;
    *d = 1.0 + aa * *d;
    if d.abs() < TINY {
        *d = TINY;
    }
    *c = 1.0 + aa / *c;
    if c.abs() < TINY {
        *c = TINY;
    }
    *d = 1.0 / *d;
    *d * *c
}

/// ln(x^a y^b / B(a, b)) without cancellation of large terms.
fn ln_front(a: f64, b: f64, x: f64, y: f64) -> f64 {
    if !(a > 0.0 && b > 0.0) || x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if a >= 15.0 && b >= 15.0 {
        // Expand about the mode-like point x0 = a/(a+b) (TOMS 708 brcomp):
        // x0^a y0^b / B(a,b) = √(ab / (2π(a+b))) · e^{Δ(a+b) − Δ(a) − Δ(b)}.
        let s = a + b;
        let (x0, y0) = (a / s, b / s);
        let d = if x <= y { x - x0 } else { y0 - y };
        let lx = (d / x0).ln_1p();
        let ly = (-d / y0).ln_1p();
        a * lx + b * ly + 0.5 * (a.ln() + b.ln() - s.ln()) - HALF_LN_2PI + stirling_delta(s)
            - stirling_delta(a)
            - stirling_delta(b)
    } else {
        let ln_x = if x <= 0.5 { x.ln() } else { (-y).ln_1p() };
        let ln_y = if y <= 0.5 { y.ln() } else { (-x).ln_1p() };
        a * ln_x + b * ln_y - ln_beta(a, b)
    }
}

/// ln B(a, b), accurate when either argument is large.
fn ln_beta(a: f64, b: f64) -> f64 {
    if !(a > 0.0 && b > 0.0) {
        return f64::NAN;
    }
    let (big, small) = if a >= b { (a, b) } else { (b, a) };
    let s = a + b;
    if small >= 15.0 {
        HALF_LN_2PI + (a - 0.5) * (a / s).ln() + (b - 0.5) * (b / s).ln() - 0.5 * s.ln()
            + stirling_delta(a)
            + stirling_delta(b)
            - stirling_delta(s)
    } else if big >= 15.0 {
        // ln Γ(s) − ln Γ(big) by Stirling, without forming either.
        let ratio = small * s.ln() + (big - 0.5) * (small / big).ln_1p() - small
            + stirling_delta(s)
            - stirling_delta(big);
        ln_gamma(small) - ratio
    } else {
        ln_gamma(a) + ln_gamma(b) - ln_gamma(s)
    }
}

/// The error function, to a few ulps.
///
/// For |x| < 2.5 the series erf(x) = (2/√π) e^{−x²} Σ 2ⁿ x^{2n+1}/(2n+1)!!,
/// whose terms are all positive (no cancellation); beyond, 1 − erfc(x).
pub(crate) fn erf(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    let ax = x.abs();
    let v = if ax < 2.5 {
        erf_series(ax)
    } else {
        1.0 - erfc_fraction(ax)
    };
    v.copysign(x)
}

/// The complementary error function 1 − erf(x), to a few ulps everywhere.
///
/// For 0.5 ≤ x < 4, Cody's rational Chebyshev approximation
/// erfc(x) ≈ e^{−x²} P(x)/Q(x) (W. J. Cody, "Rational Chebyshev
/// approximations for the error function", Math. Comp. 23 (1969), table III;
/// the coefficients of his SPECFUN `CALERF`), with e^{−x²} split as
/// e^{−z²} e^{−(x−z)(x+z)} at z = ⌊16x⌋/16 so that x² is never rounded. For
/// x ≥ 4 the continued fraction
/// erfc(x) = e^{−x²}/√π · 1/(x + ½/(x + 1/(x + (3/2)/(x + …)))) evaluated by
/// the modified Lentz method. For x < 0.5, 1 − erf(x), which loses at most
/// one bit (erfc > 0.479 there).
pub(crate) fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x >= 4.0 {
        erfc_fraction(x)
    } else if x >= 0.5 {
        erfc_rational(x)
    } else if x > -4.0 {
        1.0 - erf(x)
    } else {
        2.0 - erfc_fraction(-x)
    }
}

/// erfc(x) for 0.5 ≤ x < 4 by Cody's rational approximation (see [`erfc`]).
#[expect(
    clippy::excessive_precision,
    reason = "Cody's coefficients, quoted to the digits he published"
)]
fn erfc_rational(x: f64) -> f64 {
    const P: [f64; 9] = [
        5.641_884_969_886_700_89e-1,
        8.883_149_794_388_375_94,
        6.611_919_063_714_162_95e1,
        2.986_351_381_974_001_31e2,
        8.819_522_212_417_690_90e2,
        1.712_047_612_634_070_58e3,
        2.051_078_377_826_071_47e3,
        1.230_339_354_797_997_25e3,
        2.153_115_354_744_038_46e-8,
    ];
    const Q: [f64; 8] = [
        1.574_492_611_070_983_47e1,
        1.176_939_508_913_124_99e2,
        5.371_811_018_620_098_58e2,
        1.621_389_574_566_690_19e3,
        3.290_799_235_733_459_63e3,
        4.362_619_090_143_247_16e3,
        3.439_367_674_143_721_64e3,
        1.230_339_354_803_749_42e3,
    ];
    let mut num = P[8] * x;
    let mut den = x;
    for (p, q) in P.iter().zip(&Q).take(7) {
        num = (num + p) * x;
        den = (den + q) * x;
    }
    let ratio = (num + P[7]) / (den + Q[7]);
    let z = (x * 16.0).floor() / 16.0;
    let rest = (x - z) * (x + z);
    (-z * z).exp() * (-rest).exp() * ratio
}

fn erf_series(x: f64) -> f64 {
    if x.is_nan() || x.abs() >= 2.5 {
        return f64::NAN;
    }
    let x2 = x * x;
    let mut term = x;
    let mut sum = x;
    let mut k = 1.0;
    while term > sum * 1e-17 {
        term *= 2.0 * x2 / (2.0 * k + 1.0);
        sum += term;
        k += 1.0;
    }
    2.0 / PI.sqrt() * (-x2).exp() * sum
}

fn erfc_fraction(x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    if x.is_nan() {
        return f64::NAN;
    }
    if x > 27.3 {
        return 0.0; // below the smallest subnormal
    }
    // b0 = x, a_k = k/2, b_k = x.
    let mut f = x;
    let mut c = x;
    let mut d = 0.0;
    for k in 1..5000 {
        let a = 0.5 * f64::from(k);
        d = x + a * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = x + a / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let delta = c * d;
        f *= delta;
        if (delta - 1.0).abs() <= 1e-16 {
            break;
        }
    }
    (-x * x).exp() / PI.sqrt() / f
}

/// ln Γ(x) for x > 0: Stirling's series at x ≥ 15, and below it the
/// recurrence Γ(x) = Γ(x + k)/(x(x+1)…(x+k−1)) to reach 15 (absolute error
/// a few 1e-15, some twenty times below `statrs::ln_gamma` near 15).
/// NaN for x that is NaN or not positive; no recursion, at most 15 steps.
pub(crate) fn ln_gamma(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return f64::NAN;
    }
    if x == f64::INFINITY {
        return f64::INFINITY;
    }
    if x >= 15.0 {
        return (x - 0.5) * x.ln() - x + HALF_LN_2PI + stirling_delta(x);
    }
    // x itself apart (it may be as small as 5e-324), then the product of
    // x + 1, x + 2, … below 15 (at most 14! ≈ 8.7e10, one rounding per step).
    let (mut shifted, ln_first) = if x < 1.0 { (x + 1.0, x.ln()) } else { (x, 0.0) };
    let mut product = 1.0;
    while shifted < 15.0 {
        product *= shifted;
        shifted += 1.0;
    }
    (shifted - 0.5) * shifted.ln() - shifted + HALF_LN_2PI + stirling_delta(shifted)
        - product.ln()
        - ln_first
}

/// Δ(z) = ln Γ(z) − [(z − ½) ln z − z + ½ ln 2π], Stirling's series, for
/// z ≥ 15 (the first omitted term is below 4e-18 there).
fn stirling_delta(z: f64) -> f64 {
    let r = 1.0 / z;
    let r2 = r * r;
    r * (1.0 / 12.0
        - r2 * (1.0 / 360.0
            - r2 * (1.0 / 1260.0
                - r2 * (1.0 / 1680.0
                    - r2 * (1.0 / 1188.0 - r2 * (691.0 / 360_360.0 - r2 / 156.0))))))
}

/// I_x(a, b) and its complement for x and y = 1 − x both given
/// accurately (for the posterior integrals of `interval::bayes`).
pub(crate) fn beta_cdf_pair(a: f64, b: f64, x: f64, y: f64) -> (f64, f64) {
    beta_inc(a, b, x, y)
}

/// ln of the Beta(a, b) density at x, given x and y = 1 − x, both in
/// (0, 1) (for the posterior integrals of `interval::bayes`).
pub(crate) fn beta_ln_density(a: f64, b: f64, x: f64, y: f64) -> f64 {
    ln_front(a, b, x, y) - x.ln() - y.ln()
}

/// ln(x^a y^b / B(a, b)), accurate for large a and b (the prefactor of
/// the incomplete beta; `interval::bayes` precomputes ln B for small ones).
pub(crate) fn beta_ln_front(a: f64, b: f64, x: f64, y: f64) -> f64 {
    ln_front(a, b, x, y)
}

/// ln B(a, b).
pub(crate) fn beta_ln_norm(a: f64, b: f64) -> f64 {
    ln_beta(a, b)
}

/// `beta_cdf_pair` with the prefactor x^a y^b / B(a, b) given (it is
/// symmetric in (a, x) ↔ (b, y); the caller has it from the density), for
/// 0 < x < 1. The continued fraction is evaluated by the division-free
/// Wallis recurrence ([`continued_fraction_wallis`]): this is the inner
/// loop of those integrals.
pub(crate) fn beta_cdf_pair_with_prefactor(
    a: f64,
    b: f64,
    x: f64,
    y: f64,
    prefactor: f64,
) -> (f64, f64) {
    if x < (a + 1.0) / (a + b + 2.0) {
        let w = prefactor * continued_fraction_wallis(a, b, x) / a;
        (w, 1.0 - w)
    } else {
        let w1 = prefactor * continued_fraction_wallis(b, a, y) / b;
        (1.0 - w1, w1)
    }
}

#[cfg(test)]
#[expect(
    clippy::excessive_precision,
    reason = "reference values are quoted as mpmath printed them"
)]
mod tests {
    use super::*;

    /// erf and erfc against values computed with mpmath at 30 digits.
    #[test]
    fn error_function_matches_high_precision_values() {
        let cases = [
            (0.1, 0.112_462_916_018_284_9, 0.887_537_083_981_715_1),
            (0.5, 0.520_499_877_813_046_54, 0.479_500_122_186_953_46),
            (1.0, 0.842_700_792_949_714_87, 0.157_299_207_050_285_13),
            (2.0, 0.995_322_265_018_952_73, 0.004_677_734_981_047_265_8),
            (2.5, 0.999_593_047_982_555_04, 0.000_406_952_017_444_958_94),
            (3.0, 0.999_977_909_503_001_41, 2.209_049_699_858_544_1e-5),
            (5.0, 0.999_999_999_998_462_54, 1.537_459_794_428_034_9e-12),
            (10.0, 1.0, 2.088487583762544757e-45),
            (26.0, 1.0, 5.663_192_408_856_142_8e-296),
        ];
        for (x, e, c) in cases {
            assert!(((erf(x) - e) / e).abs() < 4e-16, "erf({x}) = {:e}", erf(x));
            assert!(
                ((erfc(x) - c) / c).abs() < 1e-15,
                "erfc({x}) = {:e}",
                erfc(x)
            );
            assert_eq!(erf(-x), -erf(x));
            assert!(((erfc(-x) - (2.0 - c)) / (2.0 - c)).abs() < 4e-16);
        }
        assert_eq!(erf(0.0), 0.0);
        assert_eq!(erfc(30.0), 0.0);
    }

    /// erfc on the span of its rational approximation (0.5 ≤ x < 4) and
    /// across both of its seams, against mpmath at 40 digits: a few ulps,
    /// where 1 − erf(x) lost up to three digits.
    #[test]
    fn erfc_is_accurate_to_a_few_ulps_between_one_half_and_four() {
        let cases = [
            (0.5, 0.479_500_122_186_953_462_32),
            (0.6, 0.396_143_909_152_074_094_92),
            (0.75, 0.288_844_366_346_484_868_4),
            (0.9, 0.203_091_787_577_167_860_34),
            (1.1, 0.119_794_930_425_918_270_34),
            (1.3, 0.065_992_055_059_347_554_15),
            (1.6, 0.023_651_616_655_355_984_478),
            (1.9, 0.007_209_570_764_742_532_762_8),
            (2.1, 0.002_979_466_656_332_984_285_7),
            (2.25, 0.001_462_716_586_681_151_697_9),
            (2.336, 0.000_954_509_384_403_904_097_75),
            (2.4, 0.000_688_513_896_645_078_885_55),
            (2.49, 0.000_429_287_867_733_912_905_59),
            (2.5, 0.000_406_952_017_444_958_939_56),
            (2.75, 0.000_100_621_922_119_636_836_9),
            (3.1, 1.164_865_736_719_958_931_3e-5),
            (3.5, 7.430_983_723_414_127_455_2e-7),
            (3.9, 3.479_224_859_723_176_712_9e-8),
            (3.99, 1.673_921_136_452_081_405_7e-8),
            (4.0, 1.541_725_790_028_001_885_2e-8),
            (4.5, 1.966_160_441_542_887_476_3e-10),
        ];
        for (x, c) in cases {
            let rel = ((erfc(x) - c) / c).abs();
            assert!(
                rel < 1e-15,
                "erfc({x}) = {:e}, relative error {rel:e}",
                erfc(x)
            );
        }
        // Non-increasing across the seams at 0.5 and 4, ulp by ulp, up to the
        // rounding of a double-valued function whose slope is below one ulp
        // per ulp of x there (at most 2 ulps of the value).
        for seam in [0.5_f64, 4.0] {
            let mut x = seam;
            for _ in 0..64 {
                x = f64::from_bits(x.to_bits() - 1);
            }
            let mut last = erfc(x);
            for _ in 0..128 {
                x = f64::from_bits(x.to_bits() + 1);
                let v = erfc(x);
                let two_ulps = 2.0 * (f64::from_bits(last.to_bits() + 1) - last);
                assert!(
                    v <= last + two_ulps,
                    "erfc rises at {x:e}: {last:e} then {v:e}"
                );
                last = v;
            }
        }
    }

    /// ln Γ against mpmath's `loggamma` at 30 digits.
    #[test]
    fn ln_gamma_matches_high_precision_values() {
        let cases = [
            (1e-5, 11.512_919_692_895_826),
            (0.5, 0.572_364_942_924_700_09),
            (1.0, 0.0),
            (1.5, -0.120_782_237_635_245_22),
            (2.5, 0.284_682_870_472_919_16),
            (3.7, 1.428_072_326_665_388_1),
            (10.5, 13.940_625_219_403_764),
            (14.99, 25.164_481_163_825_506),
            (1e7, 151_180_949.369_473_91),
        ];
        for (x, want) in cases {
            let got = ln_gamma(x);
            assert!(
                (got - want).abs() <= 4e-15 * want.abs().max(1.0),
                "ln_gamma({x}) = {got:e}"
            );
        }
    }

    #[test]
    fn stirling_delta_matches_high_precision_values() {
        // Δ(z) from mpmath at 30 digits.
        let cases = [
            (15.0, 0.005_554_733_551_962_801_4),
            (20.0, 0.004_166_319_691_996_922_5),
            (33.3, 0.002_502_427_296_421_091_7),
            (100.0, 0.000_833_330_555_634_914_68),
        ];
        for (z, want) in cases {
            let got = stirling_delta(z);
            assert!(((got - want) / want).abs() < 1e-15, "{z}: {got:e}");
        }
    }

    #[test]
    fn ln_beta_branches_agree() {
        // Small arguments by ln Γ; the branches meet continuously at 15.
        for (a, b) in [(15.0, 15.0), (15.0, 3.5), (20.0, 0.5), (16.0, 16.0)] {
            let direct = ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b);
            assert!((ln_beta(a, b) - direct).abs() < 1e-12, "{a} {b}");
        }
    }

    #[test]
    fn closed_forms_of_the_incomplete_beta() {
        // I_x(1, b) = 1 − (1 − x)^b and I_x(a, 1) = x^a.
        let (w, w1) = beta_inc(1.0, 7.0, 0.2, 0.8);
        let want = 1.0 - 0.8f64.powi(7);
        assert!(((w - want) / want).abs() < 1e-14, "{w:e}");
        assert!(
            ((w1 - 0.8f64.powi(7)) / 0.8f64.powi(7)).abs() < 1e-14,
            "{w1:e}"
        );
        let (w, _) = beta_inc(3.0, 1.0, 0.7, 0.3);
        assert!(((w - 0.343) / 0.343).abs() < 1e-14, "{w:e}");
        // Symmetry: I_½(a, a) = ½.
        let (w, w1) = beta_inc(40.0, 40.0, 0.5, 0.5);
        assert!((w - 0.5).abs() < 1e-15 && (w1 - 0.5).abs() < 1e-15);
    }

    /// The division-free evaluation of the continued fraction agrees with
    /// Lentz's wherever the fraction is well conditioned (x up to 0.99 of
    /// the switch point (a + 1)/(a + b + 2)), from half-integer shapes to
    /// 10¹² and from the far tail to near the mean.
    #[test]
    fn wallis_and_lentz_agree() {
        let shapes = [0.5, 1.5, 7.5, 60.5, 2500.5, 480_000.5, 3e8, 1e12];
        for a in shapes {
            for b in shapes {
                let top = (a + 1.0) / (a + b + 2.0);
                for frac in [1e-12, 1e-6, 0.01, 0.3, 0.7, 0.9, 0.99] {
                    let x = top * frac;
                    let lentz = continued_fraction(a, b, x);
                    let wallis = continued_fraction_wallis(a, b, x);
                    let err = ((wallis - lentz) / lentz).abs();
                    assert!(err < 1e-13, "a {a} b {b} x {x}: {wallis:e} vs {lentz:e}");
                }
            }
        }
    }

    /// Right at the switch point with a ≫ b the fraction converges slowly
    /// and loses digits to rounding in either evaluation; there the
    /// division-free one is no less accurate than Lentz's. Reference:
    /// I_x(a, b)·a·B(a, b)/(x^a (1 − x)^b) with mpmath at 40 digits.
    #[test]
    fn wallis_is_as_accurate_as_lentz_near_the_mean() {
        let cases = [
            (2500.5, 1.5, 0.999_000_598_442_492, 1_173.632_674_070_566_7),
            (
                480_000.5,
                0.5,
                0.999_995_875_022_656_1,
                204_040.478_665_995_8,
            ),
            (3e8, 0.5, 0.999_998_995_000_005, 993_382.900_310_513_2),
        ];
        for (a, b, x, want) in cases {
            let lentz = ((continued_fraction(a, b, x) - want) / want).abs();
            let wallis = ((continued_fraction_wallis(a, b, x) - want) / want).abs();
            assert!(
                wallis <= lentz,
                "a {a} b {b} x {x}: {wallis:e} vs {lentz:e}"
            );
        }
    }
}
