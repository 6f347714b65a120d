//! Intervals of a Net Promoter Score.

use crate::foundation::error::Error;
use crate::foundation::metric_kind::Metric;
use crate::foundation::unit::Unit;
use crate::inference::estimate::{Estimate, Interval};
use crate::inference::interval::{IntervalSpec, Method, NpsMethod, bayes, fpc, tango};

/// The NPS interval of unweighted bucket counts, in points.
///
/// # Errors
///
/// As [`Nps::from_counts`](crate::Nps::from_counts) and [`Nps::estimate_with`](crate::Nps::estimate_with).
///
/// # Example
///
/// ```
/// use cxmetrics::ConfidenceLevel;
/// use cxmetrics::interval::{self, NpsMethod};
///
/// let est = interval::nps(45, 30, 25, NpsMethod::Wald, ConfidenceLevel::P90)?;
/// assert!((est.interval.lower - 6.637145964641491).abs() < 1e-9);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn nps(
    promoters: u64,
    passives: u64,
    detractors: u64,
    method: NpsMethod,
    spec: impl Into<IntervalSpec>,
) -> Result<Estimate, Error> {
    let n = [detractors, passives, promoters]
        .into_iter()
        .try_fold(0u64, |acc, c| {
            acc.checked_add(c).ok_or(Error::CountOverflow {
                what: "rated answers",
                count: acc,
                added: c,
            })
        })?;
    if n == 0 {
        return Err(Error::EmptyTally { not_applicable: 0 });
    }
    let total = n as f64;
    net_estimate(
        promoters as f64,
        detractors as f64,
        total,
        n,
        Metric::Nps,
        method,
        spec.into(),
    )
}

/// Var of a single answer's +1/0/−1 score: p + d − (p − d)², never below 0.
pub(crate) fn multinomial_variance(p: f64, d: f64) -> f64 {
    (p + d - (p - d) * (p - d)).max(0.0)
}

/// The interval of a net score (NPS or any top-minus-bottom score) from
/// (possibly fractional) positive and negative counts out of `n`, in
/// points; `n_sample` is the number of answers (for the population check
/// and the reported n).
pub(crate) fn net_estimate(
    positive: f64,
    negative: f64,
    n: f64,
    n_sample: u64,
    metric: Metric,
    method: NpsMethod,
    spec: IntervalSpec,
) -> Result<Estimate, Error> {
    let level = spec.confidence_level();
    let inflation = fpc::inflation(spec.population_size(), n_sample)?;
    let (p, d) = (positive / n, negative / n);
    let value = p - d;
    let mut est = Estimate {
        metric,
        value: 100.0 * value,
        std_error: 0.0,
        interval: Interval {
            lower: 100.0 * value,
            upper: 100.0 * value,
        },
        level,
        method: Method::Nps(method),
        n: n_sample,
        effective_n: n,
        unit: Unit::NpsPoints,
        design: None,
    };
    if inflation.is_infinite() {
        // A census: no sampling error.
        return est.sane("an NPS interval");
    }
    // The finite population correction as an inflated sample.
    let (pos, neg, m) = (positive * inflation, negative * inflation, n * inflation);
    let wald_se = (multinomial_variance(p, d) / m).sqrt();
    let z = level.z();
    let (lower, upper, se) = match method {
        NpsMethod::Wald => (value - z * wald_se, value + z * wald_se, wald_se),
        NpsMethod::AdjustedWald => {
            let m_adj = m + 3.0;
            let (pa, da) = ((pos + 0.75) / m_adj, (neg + 0.75) / m_adj);
            let centre = pa - da;
            let se = (multinomial_variance(pa, da) / m_adj).sqrt();
            (centre - z * se, centre + z * se, se)
        }
        NpsMethod::TrinomialT => {
            if n <= 1.0 {
                return Err(Error::TooFewAnswers {
                    what: "a trinomial t interval",
                    needed: 1.0,
                    effective_n: n,
                });
            }
            if n < 2.0 - 1e-9 {
                return Err(Error::TooFewDegreesOfFreedom {
                    what: "a trinomial t interval",
                    df: n - 1.0,
                    needed: 1.0,
                    cause: format!("an effective sample size of {n}"),
                });
            }
            let v = multinomial_variance(p, d);
            if v <= 0.0 {
                return Err(Error::ZeroVariance {
                    what: "a trinomial t interval",
                    n: n_sample,
                });
            }
            let se = (v / (n - 1.0) / inflation).sqrt();
            let half = level.t(n - 1.0) * se;
            (value - half, value + half, se)
        }
        NpsMethod::Tango => {
            let (lower, upper) = tango::bounds(pos, neg, m, z);
            (lower, upper, wald_se)
        }
        NpsMethod::Bayes => {
            let passives = (m - pos - neg).max(0.0);
            let (lower, upper) = bayes::bounds(pos, passives, neg, level.get());
            (lower, upper, wald_se)
        }
    };
    est.std_error = 100.0 * se;
    est.interval = Interval {
        lower: lower.clamp(-1.0, 1.0),
        upper: upper.clamp(-1.0, 1.0),
    }
    .scaled(100.0);
    est.sane("an NPS interval")
}
