//! Planning a survey: the margin of error of a sample size, and the sample
//! size for a wanted margin.
//!
//! Margins are half-widths of the normal-approximation interval at the
//! given level. With a population size N (set on the
//! [`IntervalSpec`]) the finite population correction applies.
//!
//! # Example
//!
//! ```
//! use cxmetrics::ConfidenceLevel;
//! use cxmetrics::interval::IntervalSpec;
//! use cxmetrics::plan;
//!
//! // ±5 points on a share, 95%: the classic 385.
//! let n = plan::sample_size_proportion(0.05, 0.5, ConfidenceLevel::P95)?;
//! assert_eq!(n.n_ceil, 385);
//! // Out of 2,000 customers, fewer answers are needed.
//! let spec = IntervalSpec::new(ConfidenceLevel::P95).population(2000);
//! assert_eq!(plan::sample_size_proportion(0.05, 0.5, spec)?.n_ceil, 323);
//! # Ok::<(), cxmetrics::Error>(())
//! ```

use crate::error::Error;
use crate::interval::IntervalSpec;
use crate::interval::fpc;
use crate::interval::nps::multinomial_variance;

/// A required sample size.
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, plan};
/// let s = plan::sample_size_proportion(0.05, 0.5, ConfidenceLevel::P95)?;
/// assert!((s.n - 384.14588206941244).abs() < 1e-9);
/// assert_eq!(s.n_ceil, 385);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SampleSize {
    /// The unrounded size from the formula.
    pub n: f64,
    /// The number of answers to collect: `n` rounded up. It is 0 when the
    /// expected spread is 0 (a share of 0 or 1, a standard deviation of
    /// 0), where the formula needs no sample at all.
    pub n_ceil: u64,
}

/// The margin of error of a share p from n answers: z·√(p(1−p)/n), times
/// the finite population correction √((N − n)/(N − 1)) when N is given.
///
/// # Errors
///
/// [`Error::InvalidArgument`] when n is 0 or p is outside 0..=1;
/// [`Error::PopulationTooSmall`].
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, plan};
/// let m = plan::margin_of_error_proportion(400, 0.5, ConfidenceLevel::P95)?;
/// assert!((m - 0.04899909961350135).abs() < 1e-15);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn margin_of_error_proportion(
    n: u64,
    p: f64,
    spec: impl Into<IntervalSpec>,
) -> Result<f64, Error> {
    check_share("p", p)?;
    margin(n, (p * (1.0 - p)).sqrt(), spec.into())
}

/// The margin of error of a mean from n answers with standard deviation
/// σ: z·σ/√n, times the finite population correction.
///
/// # Errors
///
/// [`Error::InvalidArgument`] when n is 0 or σ is negative or not finite;
/// [`Error::PopulationTooSmall`].
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, plan};
/// let m = plan::margin_of_error_mean(100, 1.5, ConfidenceLevel::P95)?;
/// assert!((m - 1.959963984540054 * 0.15).abs() < 1e-12);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn margin_of_error_mean(
    n: u64,
    std_dev: f64,
    spec: impl Into<IntervalSpec>,
) -> Result<f64, Error> {
    check_std_dev(std_dev)?;
    margin(n, std_dev, spec.into())
}

/// The margin of error of an NPS from n answers with expected promoter
/// and detractor shares, in points: 100·z·√((p + d − (p − d)²)/n), times
/// the finite population correction.
///
/// # Errors
///
/// [`Error::InvalidArgument`] when n is 0, a share is outside 0..=1 or
/// the shares add up to more than 1; [`Error::PopulationTooSmall`].
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, plan};
/// let m = plan::margin_of_error_nps(400, 0.4, 0.2, ConfidenceLevel::P95)?;
/// assert!((m - 100.0 * 1.959963984540054 * (0.56f64 / 400.0).sqrt()).abs() < 1e-12); // V = p + d − (p − d)²
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn margin_of_error_nps(
    n: u64,
    promoter_share: f64,
    detractor_share: f64,
    spec: impl Into<IntervalSpec>,
) -> Result<f64, Error> {
    let v = nps_variance(promoter_share, detractor_share)?;
    Ok(100.0 * margin(n, v.sqrt(), spec.into())?)
}

/// The number of answers for a share's margin of error E (a fraction):
/// n₀ = z²p(1−p)/E², and with a population N, n = n₀/(1 + (n₀ − 1)/N).
/// p = 0.5 is the conservative choice.
///
/// # Errors
///
/// [`Error::InvalidArgument`] when the margin is not in (0, 1] or p is
/// outside 0..=1.
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, plan};
/// assert_eq!(plan::sample_size_proportion(0.03, 0.8, ConfidenceLevel::P90)?.n_ceil, 481);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn sample_size_proportion(
    margin: f64,
    p: f64,
    spec: impl Into<IntervalSpec>,
) -> Result<SampleSize, Error> {
    check_share("p", p)?;
    if !(margin > 0.0 && margin <= 1.0) {
        return Err(Error::InvalidArgument {
            name: "margin",
            value: margin,
            expected: "a fraction in (0, 1]",
        });
    }
    size(p * (1.0 - p), margin, spec.into())
}

/// The number of answers for a mean's margin of error E given a standard
/// deviation σ: n₀ = (zσ/E)², with the same population correction.
///
/// # Errors
///
/// [`Error::InvalidArgument`] when the margin is not positive and finite or
/// σ is negative or not finite.
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, plan};
/// // CES mean within ±0.1 when the standard deviation is about 1.2.
/// assert_eq!(plan::sample_size_mean(0.1, 1.2, ConfidenceLevel::P95)?.n_ceil, 554);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn sample_size_mean(
    margin: f64,
    std_dev: f64,
    spec: impl Into<IntervalSpec>,
) -> Result<SampleSize, Error> {
    check_std_dev(std_dev)?;
    check_margin(margin)?;
    size(std_dev * std_dev, margin, spec.into())
}

/// The number of answers for an NPS margin of error E in points, given
/// expected promoter and detractor shares:
/// n₀ = z²(p + d − (p − d)²)/(E/100)², with the same population correction.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a margin that is not positive and finite
/// or shares outside 0..=1 or adding up to more than 1.
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, plan};
/// let n = plan::sample_size_nps(5.0, 0.4, 0.2, ConfidenceLevel::P95)?;
/// assert_eq!(n.n_ceil, 861);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn sample_size_nps(
    margin_points: f64,
    promoter_share: f64,
    detractor_share: f64,
    spec: impl Into<IntervalSpec>,
) -> Result<SampleSize, Error> {
    let v = nps_variance(promoter_share, detractor_share)?;
    check_margin(margin_points)?;
    size(v, margin_points / 100.0, spec.into())
}

/// z·σ/√n times the finite population correction, for a per-answer
/// standard deviation σ.
fn margin(n: u64, std_dev: f64, spec: IntervalSpec) -> Result<f64, Error> {
    if n == 0 {
        return Err(Error::InvalidArgument {
            name: "n",
            value: 0.0,
            expected: "at least 1 answer",
        });
    }
    let f = fpc::factor(spec.population_size(), n)?;
    let m = spec.confidence_level().z() * std_dev / (n as f64).sqrt() * f;
    if m.is_finite() {
        Ok(m)
    } else {
        Err(Error::InvalidArgument {
            name: "standard deviation",
            value: std_dev,
            expected: "a spread whose margin of error is a finite number",
        })
    }
}

fn size(variance: f64, margin: f64, spec: IntervalSpec) -> Result<SampleSize, Error> {
    let z = spec.confidence_level().z();
    // (zσ/E)² rather than z²σ²/E², so a tiny margin cannot underflow E² to
    // 0 and make 0/0; no spread needs no sample.
    let n0 = if variance == 0.0 {
        0.0
    } else {
        (z * variance.sqrt() / margin).powi(2)
    };
    let n = match spec.population_size() {
        Some(0) => {
            return Err(Error::InvalidArgument {
                name: "population",
                value: 0.0,
                expected: "at least 1",
            });
        }
        // No spread (p of 0 or 1): any sample will do; avoid 0/0 at N = 1.
        Some(_) if n0 == 0.0 => 0.0,
        Some(big_n) => n0 / (1.0 + (n0 - 1.0) / big_n as f64),
        None => n0,
    };
    let ceil = n.ceil();
    if n.is_nan() || ceil >= u64::MAX as f64 {
        return Err(Error::InvalidArgument {
            name: "margin",
            value: margin,
            expected: "a margin needing fewer than 2^64 answers",
        });
    }
    Ok(SampleSize {
        n,
        n_ceil: ceil as u64,
    })
}

fn check_share(name: &'static str, p: f64) -> Result<(), Error> {
    if (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(Error::InvalidArgument {
            name,
            value: p,
            expected: "a share in 0..=1",
        })
    }
}

fn check_margin(margin: f64) -> Result<(), Error> {
    if margin > 0.0 && margin.is_finite() {
        Ok(())
    } else {
        Err(Error::InvalidArgument {
            name: "margin",
            value: margin,
            expected: "a positive finite number",
        })
    }
}

fn check_std_dev(sd: f64) -> Result<(), Error> {
    if sd >= 0.0 && sd.is_finite() {
        Ok(())
    } else {
        Err(Error::InvalidArgument {
            name: "standard deviation",
            value: sd,
            expected: "a finite number at least 0",
        })
    }
}

fn nps_variance(p: f64, d: f64) -> Result<f64, Error> {
    check_share("promoter share", p)?;
    check_share("detractor share", d)?;
    if p + d > 1.0 {
        return Err(Error::InvalidArgument {
            name: "promoter plus detractor share",
            value: p + d,
            expected: "at most 1",
        });
    }
    Ok(multinomial_variance(p, d))
}
