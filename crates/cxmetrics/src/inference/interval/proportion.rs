//! Intervals of a share (CSAT top-box, "% easy", any share).

use crate::foundation::error::Error;
use crate::foundation::metric_kind::Metric;
use crate::foundation::unit::Unit;
use crate::inference::estimate::{Estimate, Interval};
use crate::inference::interval::{IntervalSpec, Method, ProportionMethod, fpc, hypergeometric};
use crate::math::dist;

/// The interval of `successes` out of `n` unweighted answers.
///
/// Results match statsmodels' `proportion_confint` for every method it has
/// (Wald = `normal`, Clopper–Pearson = `beta`), including at 0 and n
/// successes; Jeffreys additionally sets the bound at 0 or n successes to 0
/// or 1. Bounds are clipped to 0..=1.
///
/// # Formula
///
/// With p = k/n, q = 1 − p and z the two-sided normal critical value:
///
/// ```text
/// Wald            p ± z·√(pq/n)
/// Wilson          (p + z²/2n)/(1 + z²/n) ± z/(1 + z²/n)·√(pq/n + z²/4n²)
/// Wilson (cc)     (2np + z² ∓ 1 ∓ z·√(z² ∓ 2 − 1/n ± 4p(nq ± 1))) / (2(n + z²))
/// Agresti–Coull   p̃ ± z·√(p̃(1−p̃)/ñ),  ñ = n + z², p̃ = (k + z²/2)/ñ
/// Clopper–Pearson Beta⁻¹(α/2; k, n−k+1), Beta⁻¹(1−α/2; k+1, n−k)
/// Jeffreys        Beta⁻¹(α/2; k+½, n−k+½), Beta⁻¹(1−α/2; k+½, n−k+½)
/// logit           expit(logit p ∓ t_{n−1}/√(n·pq))
/// ```
///
/// With a population N, n is replaced by n·(N − 1)/(N − n) (the standard
/// error shrinks by the finite population correction √((N − n)/(N − 1))),
/// and k by k scaled alike; N = n gives the zero-width interval at p.
///
/// # Accuracy
///
/// Wald, Wilson, Wilson with continuity correction and Agresti–Coull are
/// closed forms. Clopper–Pearson and Jeffreys bounds are beta quantiles;
/// they agree with exact values to 1e-9 up to 10⁸ answers (tested against
/// statsmodels and mpmath), to about 2e-8 at 10¹⁰, and are refused above
/// 10¹⁰ answers.
///
/// # Errors
///
/// [`Error::EmptyTally`] when `n` is 0; [`Error::InvalidArgument`] when
/// `successes > n`, or for Clopper–Pearson and Jeffreys beyond 10¹⁰
/// answers; [`Error::PopulationTooSmall`].
///
/// # References
///
/// Brown, Cai & DasGupta (2001), "Interval Estimation for a Binomial
/// Proportion", *Statistical Science* 16(2). Newcombe (1998), "Two-sided
/// confidence intervals for the single proportion", *Statistics in
/// Medicine* 17. statsmodels `proportion_confint`.
///
/// # Example
///
/// ```
/// use cxmetrics::ConfidenceLevel;
/// use cxmetrics::interval::{self, ProportionMethod};
///
/// let est = interval::proportion(37, 50, ProportionMethod::Wilson, ConfidenceLevel::P95)?;
/// assert!((est.interval.lower - 0.6044684273515117).abs() < 1e-12);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn proportion(
    successes: u64,
    n: u64,
    method: ProportionMethod,
    spec: impl Into<IntervalSpec>,
) -> Result<Estimate, Error> {
    if n == 0 {
        return Err(Error::EmptyTally { not_applicable: 0 });
    }
    if successes > n {
        return Err(Error::InvalidArgument {
            name: "successes",
            value: successes as f64,
            expected: "at most the number of answers",
        });
    }
    share_interval(successes as f64, n as f64, n, method, spec.into())
}

/// The largest (effective) sample size for the beta-quantile methods: their
/// bounds agree with exact values to 1e-9 up to 10⁸ answers and to about
/// 2e-8 at 10¹⁰; beyond, rounding of 1 − x swamps small shares.
const EXACT_METHOD_LIMIT: f64 = 1e10;

/// The interval of k successes in n (both possibly fractional, for weighted
/// data); `n_sample` is the number of answers, for the population check.
/// The complement share q is taken from the failures n − k, not as 1 − p,
/// so that shares near 1 keep their digits.
pub(crate) fn share_interval(
    k: f64,
    n: f64,
    n_sample: u64,
    method: ProportionMethod,
    spec: IntervalSpec,
) -> Result<Estimate, Error> {
    let inflation = fpc::inflation(spec.population_size(), n_sample)?;
    let level = spec.confidence_level();
    let failures = (n - k).max(0.0);
    let (p, q) = (k / n, failures / n);
    let mut est = Estimate {
        metric: Metric::Share,
        value: p,
        std_error: 0.0,
        interval: Interval { lower: p, upper: p },
        level,
        method: Method::Proportion(method),
        n: n_sample,
        effective_n: n,
        unit: Unit::Share,
        design: None,
    };
    if inflation.is_infinite() {
        // A census: no sampling error.
        return est.sane("a share interval");
    }
    if method == ProportionMethod::Logit {
        if n <= 1.0 {
            return Err(Error::TooFewAnswers {
                what: "a logit interval",
                needed: 1.0,
                effective_n: n,
            });
        }
        if k <= 0.0 || failures <= 0.0 {
            return Err(Error::ZeroVariance {
                what: "a logit interval",
                n: n_sample,
            });
        }
    }
    if method == ProportionMethod::Hypergeometric {
        let Some(big_n) = spec.population_size() else {
            return Err(Error::InvalidArgument {
                name: "population size",
                value: f64::NAN,
                expected: "a population (IntervalSpec::population) for the hypergeometric interval",
            });
        };
        if k.fract() != 0.0 || n != n_sample as f64 {
            return Err(Error::InvalidArgument {
                name: "effective sample size",
                value: n,
                expected: "unweighted answers for the hypergeometric interval",
            });
        }
        let (lower, upper) = hypergeometric::bounds(k as u64, n_sample, big_n, level.alpha());
        est.std_error = (p * q / (n * inflation)).sqrt();
        est.interval = Interval { lower, upper };
        return est.sane("a hypergeometric interval");
    }
    // The finite population correction as an inflated sample size:
    // n(N − 1)/(N − n) answers without a population have the standard
    // error of n answers out of N.
    let counts = Counts {
        k: k * inflation,
        failures: failures * inflation,
        n: n * inflation,
        p,
        q,
    };
    if matches!(
        method,
        ProportionMethod::ClopperPearson | ProportionMethod::Jeffreys
    ) && n > EXACT_METHOD_LIMIT
    {
        return Err(Error::InvalidArgument {
            name: "sample size for an exact interval",
            value: n,
            expected: "at most 1e10 answers for Clopper-Pearson and Jeffreys (use Wilson)",
        });
    }
    est.std_error = (p * q / counts.n).sqrt();
    est.interval = clip01(bounds(&counts, method, level));
    est.sane("a share interval")
}

/// A binomial sample for the interval formulas: successes, failures and
/// their total (possibly inflated by the population correction), and the
/// shares p and q = 1 − p, each from its own count.
struct Counts {
    k: f64,
    failures: f64,
    n: f64,
    p: f64,
    q: f64,
}

fn bounds(
    c: &Counts,
    method: ProportionMethod,
    level: crate::inference::interval::ConfidenceLevel,
) -> Interval {
    let Counts {
        k,
        failures,
        n,
        p,
        q,
    } = *c;
    let z = level.z();
    let z2 = z * z;
    let half_alpha = 0.5 * level.alpha();
    match method {
        ProportionMethod::Wald => {
            let half = z * (p * q / n).sqrt();
            Interval {
                lower: p - half,
                upper: p + half,
            }
        }
        ProportionMethod::Wilson => wilson(p, q, n, z),
        ProportionMethod::WilsonCc => {
            // Each bound is the Wilson bound of the share moved half an
            // answer outwards, p ∓ 1/(2n); once that passes 0 (or 1) the
            // bound is 0 (or 1). For whole counts that is k = 0 (or k = n);
            // weighted data give fractional k, where the formula below
            // would otherwise exclude the estimate itself.
            let denom = 2.0 * (n + z2);
            let lower = if k <= 0.5 {
                0.0
            } else {
                let root = (z2 - 2.0 - 1.0 / n + 4.0 * p * (n * q + 1.0))
                    .max(0.0)
                    .sqrt();
                (2.0 * n * p + z2 - 1.0 - z * root) / denom
            };
            let upper = if failures <= 0.5 {
                1.0
            } else {
                let root = (z2 + 2.0 - 1.0 / n + 4.0 * p * (n * q - 1.0))
                    .max(0.0)
                    .sqrt();
                (2.0 * n * p + z2 + 1.0 + z * root) / denom
            };
            // Exact arithmetic keeps p inside; rounding must not move it out.
            Interval {
                lower: lower.min(p),
                upper: upper.max(p),
            }
        }
        ProportionMethod::AgrestiCoull => {
            let n_c = n + z2;
            let (p_c, q_c) = ((k + z2 / 2.0) / n_c, (failures + z2 / 2.0) / n_c);
            let half = z * (p_c * q_c / n_c).sqrt();
            Interval {
                lower: p_c - half,
                upper: p_c + half,
            }
        }
        ProportionMethod::ClopperPearson => Interval {
            lower: if k <= 0.0 {
                0.0
            } else {
                dist::beta_quantile_unchecked(half_alpha, k, failures + 1.0)
            },
            upper: if failures <= 0.0 {
                1.0
            } else {
                dist::beta_quantile_unchecked(1.0 - half_alpha, k + 1.0, failures)
            },
        },
        // Handled before: it needs the population itself.
        ProportionMethod::Hypergeometric => Interval { lower: p, upper: p },
        ProportionMethod::Jeffreys => Interval {
            lower: if k <= 0.0 {
                0.0
            } else {
                dist::beta_quantile_unchecked(half_alpha, k + 0.5, failures + 0.5)
            },
            upper: if failures <= 0.0 {
                1.0
            } else {
                dist::beta_quantile_unchecked(1.0 - half_alpha, k + 0.5, failures + 0.5)
            },
        },
        ProportionMethod::Logit => {
            // share_interval has refused p of 0 or 1 and n ≤ 1.
            let centre = (p / q).ln();
            let half = level.t(n - 1.0) / (n * p * q).sqrt();
            Interval {
                lower: 1.0 / (1.0 + (half - centre).exp()),
                upper: 1.0 / (1.0 + (-centre - half).exp()),
            }
        }
    }
}

/// The Wilson score interval of a share p (complement q) of n.
pub(crate) fn wilson(p: f64, q: f64, n: f64, z: f64) -> Interval {
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z / denom * (p * q / n + z2 / (4.0 * n * n)).sqrt();
    // centre − half cancels for tiny p (a weighted share of 1e-31 gave a
    // lower bound of 5.6e-17, above the share). Its exact equivalent
    // (centre² − half²)/(centre + half) = p²/(denom·(centre + half)) keeps
    // full relative precision, and the same on the upper side with q.
    // At p = 0 (or 1) the bound is exactly 0 (or 1).
    let centre_q = (q + z2 / (2.0 * n)) / denom;
    let lower = if p <= 0.0 {
        0.0
    } else if p <= 0.5 {
        p * p / (denom * (centre + half))
    } else {
        centre - half
    };
    let upper = if q <= 0.0 {
        1.0
    } else if q <= 0.5 {
        1.0 - q * q / (denom * (centre_q + half))
    } else {
        centre + half
    };
    // Exact arithmetic keeps p inside; rounding must not move it out.
    Interval {
        lower: lower.min(p),
        upper: upper.max(p),
    }
}

/// Clips both bounds into 0..=1.
pub(crate) fn clip01(i: Interval) -> Interval {
    Interval {
        lower: i.lower.clamp(0.0, 1.0),
        upper: i.upper.clamp(0.0, 1.0),
    }
}
