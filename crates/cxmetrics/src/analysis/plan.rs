//! Planning a survey: the margin of error of a sample size, the sample
//! size for a wanted margin, and the sample size per group to detect a
//! change (power).
//!
//! Margins are half-widths of the normal-approximation interval at the
//! given level. Wanted margins (and changes to detect) are typed
//! [`Margin`]s: `Margin::points(5.0)` is five NPS points (or a tenth of a
//! scale point with `Margin::points(0.1)` for a mean), `Margin::percent(5.0)`
//! five percentage points of a share (or five NPS points). A bare number
//! is not a margin, so "0.05 meaning 5 points" cannot be written by
//! mistake. Computed margins are plain numbers in the score's unit: a
//! fraction for a share, NPS points, scale points for a mean. With a
//! population size N (set on the [`IntervalSpec`]) the finite population
//! correction applies.
//!
//! # Example
//!
//! ```
//! use cxmetrics::ConfidenceLevel;
//! use cxmetrics::interval::IntervalSpec;
//! use cxmetrics::{Margin, plan};
//!
//! // ±5% on a share, 95%: the classic 385.
//! let n = plan::sample_size_proportion(Margin::percent(5.0)?, 0.5, ConfidenceLevel::P95)?;
//! assert_eq!(n.n_ceil, 385);
//! // Out of 2,000 customers, fewer answers are needed.
//! let spec = IntervalSpec::new(ConfidenceLevel::P95).population(2000);
//! assert_eq!(plan::sample_size_proportion(Margin::percent(5.0)?, 0.5, spec)?.n_ceil, 323);
//! # Ok::<(), cxmetrics::Error>(())
//! ```

use crate::foundation::error::Error;
use crate::foundation::margin::Margin;
use crate::foundation::unit::Unit;
use crate::inference::interval::fpc;
use crate::inference::interval::nps::multinomial_variance;
use crate::inference::interval::{ConfidenceLevel, IntervalSpec};

/// A required sample size.
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, Margin, plan};
/// let s = plan::sample_size_proportion(Margin::percent(5.0)?, 0.5, ConfidenceLevel::P95)?;
/// assert!((s.n - 384.14588206941244).abs() < 1e-9);
/// assert_eq!(s.n_ceil, 385);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
///
/// With the `serde` feature a sample size reads back only with `n` finite
/// and at least 0 and `n_ceil` at most `n` rounded up.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "SampleSizeRepr"))]
pub struct SampleSize {
    /// The unrounded size from the formula.
    pub n: f64,
    /// The number of answers to collect: `n` rounded up, and never more
    /// than the population. It is 0 when the expected spread is 0 (a share
    /// of 0 or 1, a standard deviation of 0), where the formula needs no
    /// sample at all.
    pub n_ceil: u64,
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SampleSizeRepr {
    n: f64,
    n_ceil: u64,
}

#[cfg(feature = "serde")]
impl TryFrom<SampleSizeRepr> for SampleSize {
    type Error = Error;
    fn try_from(r: SampleSizeRepr) -> Result<SampleSize, Error> {
        if !(r.n.is_finite() && r.n >= 0.0) || r.n_ceil as f64 > r.n.ceil() {
            return Err(Error::InvalidResult {
                what: "sample size",
                reason: format!(
                    "n {} must be finite and at least 0, n_ceil {} at most n rounded up",
                    r.n, r.n_ceil
                ),
            });
        }
        Ok(SampleSize {
            n: r.n,
            n_ceil: r.n_ceil,
        })
    }
}

/// The margin of error of a share p from n answers, as a fraction: z·√(p(1−p)/n), times
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
/// assert!((m - 0.04899909961350135).abs() < 1e-15); // a fraction: ±4.9%
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
/// σ: z·σ/√n, times the finite population correction; in scale points.
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
/// and detractor shares: z·√((p + d − (p − d)²)/n), times the finite
/// population correction, in points (100 times that).
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
/// let by_hand = 100.0 * 1.959963984540054 * (0.56f64 / 400.0).sqrt(); // V = p + d − (p − d)²
/// assert!((m - by_hand).abs() < 1e-12);
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

/// The number of answers for a share's margin of error E:
/// n₀ = z²p(1−p)/E², and with a population N, n = n₀N/(n₀ + N − 1)
/// (never more than N). p = 0.5 is the conservative choice.
///
/// # Errors
///
/// [`Error::IncompatibleUnit`] for a margin in points (say
/// [`Margin::percent`]); [`Error::InvalidArgument`] when p is outside
/// 0..=1 or the population is 0.
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, Margin, plan};
/// assert_eq!(plan::sample_size_proportion(Margin::percent(3.0)?, 0.8, ConfidenceLevel::P90)?.n_ceil, 481);
/// // 0.03 meaning 3% cannot slip through as 0.03 points:
/// assert!(plan::sample_size_proportion(Margin::points(3.0)?, 0.8, ConfidenceLevel::P90).is_err());
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn sample_size_proportion(
    margin: Margin,
    p: f64,
    spec: impl Into<IntervalSpec>,
) -> Result<SampleSize, Error> {
    check_share("p", p)?;
    let e = margin.in_unit(Unit::Share)?;
    size((p * (1.0 - p)).sqrt(), e, spec.into())
}

/// The number of answers for a mean's margin of error E (in scale points,
/// [`Margin::points`]) given a standard deviation σ: n₀ = (zσ/E)², with
/// the same population correction.
///
/// # Errors
///
/// [`Error::IncompatibleUnit`] for a percent margin (a mean is not a
/// share); [`Error::InvalidArgument`] when σ is negative or not finite.
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, Margin, plan};
/// // CES mean within ±0.1 when the standard deviation is about 1.2.
/// assert_eq!(plan::sample_size_mean(Margin::points(0.1)?, 1.2, ConfidenceLevel::P95)?.n_ceil, 554);
/// assert!(plan::sample_size_mean(Margin::percent(5.0)?, 1.2, ConfidenceLevel::P95).is_err());
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn sample_size_mean(
    margin: Margin,
    std_dev: f64,
    spec: impl Into<IntervalSpec>,
) -> Result<SampleSize, Error> {
    check_std_dev(std_dev)?;
    let e = margin.in_unit(Unit::ScalePoints)?;
    size(std_dev, e, spec.into())
}

/// The number of answers for an NPS margin of error E, given expected
/// promoter and detractor shares: n₀ = z²(p + d − (p − d)²)/E² (E as a
/// fraction: 5 points is 0.05), with the same population correction. The
/// margin is in NPS points ([`Margin::points`] or, the same,
/// [`Margin::percent`]).
///
/// # Errors
///
/// [`Error::InvalidArgument`] for shares outside 0..=1 or adding up to
/// more than 1, or a margin above 200 points.
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, Margin, plan};
/// let n = plan::sample_size_nps(Margin::points(5.0)?, 0.4, 0.2, ConfidenceLevel::P95)?;
/// assert_eq!(n.n_ceil, 861);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn sample_size_nps(
    margin: Margin,
    promoter_share: f64,
    detractor_share: f64,
    spec: impl Into<IntervalSpec>,
) -> Result<SampleSize, Error> {
    let v = nps_variance(promoter_share, detractor_share)?;
    let e = nps_fraction(margin, "margin of an NPS")?;
    size(v.sqrt(), e, spec.into())
}

/// Expected promoter and detractor shares of a group, for power
/// calculations.
///
/// # Example
///
/// ```
/// use cxmetrics::plan::NpsShares;
/// let s = NpsShares::new(0.5, 0.2)?;
/// assert!((s.nps() - 30.0).abs() < 1e-12);
/// assert!(NpsShares::new(0.7, 0.4).is_err());
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "NpsSharesRepr")
)]
pub struct NpsShares {
    promoters: f64,
    detractors: f64,
}

impl NpsShares {
    /// Shares of promoters and detractors, each in 0..=1, adding up to at
    /// most 1.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] otherwise.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::plan::NpsShares;
    /// assert_eq!(NpsShares::new(0.4, 0.2)?.detractor_share(), 0.2);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn new(promoter_share: f64, detractor_share: f64) -> Result<NpsShares, Error> {
        nps_variance(promoter_share, detractor_share)?;
        Ok(NpsShares {
            promoters: promoter_share,
            detractors: detractor_share,
        })
    }

    /// The promoter share.
    ///
    /// ```
    /// use cxmetrics::plan::NpsShares;
    /// assert_eq!(NpsShares::new(0.4, 0.2)?.promoter_share(), 0.4);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn promoter_share(&self) -> f64 {
        self.promoters
    }

    /// The detractor share.
    ///
    /// ```
    /// use cxmetrics::plan::NpsShares;
    /// assert_eq!(NpsShares::new(0.4, 0.2)?.detractor_share(), 0.2);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn detractor_share(&self) -> f64 {
        self.detractors
    }

    /// The NPS these shares give, in points.
    ///
    /// ```
    /// use cxmetrics::plan::NpsShares;
    /// assert!((NpsShares::new(0.4, 0.2)?.nps() - 20.0).abs() < 1e-12);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn nps(&self) -> f64 {
        100.0 * (self.promoters - self.detractors)
    }

    fn variance(&self) -> f64 {
        multinomial_variance(self.promoters, self.detractors)
    }
}

/// The number of answers *per group* for a two-sided test at level α
/// (α = 1 − `level`) to detect an NPS change of Δ between two independent
/// groups with probability `power` (1 − β).
///
/// # Formula
///
/// ```text
/// n = (z_{1−α/2} + z_{1−β})² · (V_a + V_b) / Δ²,   V = p + d − (p − d)²
/// ```
///
/// with Δ as a fraction (5 points = 0.05) and p, d each group's expected
/// promoter and detractor shares (the multinomial variance of the +1/0/−1
/// score); `n_ceil` rounds up. The change Δ is given apart from the shares,
/// so equal shares in both groups (the variance under "no change") are
/// allowed.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a Δ above 200 points, a power not
/// strictly between 0 and 1, or a size beyond 2⁶⁴.
///
/// # References
///
/// Chow, S.-C., Shao, J. & Wang, H. (2008), *Sample Size Calculations in
/// Clinical Research*, 2nd ed., §4.2 (two-sample test of means, unequal
/// variances), applied to the ±1/0 NPS score.
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, Margin};
/// use cxmetrics::plan::{self, NpsShares};
/// // Detect a 5-point rise from NPS 20 (40% promoters, 20% detractors), 80% power, 5% level.
/// let a = NpsShares::new(0.40, 0.20)?;
/// let b = NpsShares::new(0.43, 0.18)?;
/// let n = plan::sample_size_nps_change(Margin::points(5.0)?, a, b, ConfidenceLevel::P95, 0.8)?;
/// let z = 1.959963984540054 + 0.8416212335729143;
/// assert!((n.n - z * z * (0.56 + 0.61 - 0.0625) / 0.0025).abs() < 1e-9);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn sample_size_nps_change(
    delta: Margin,
    a: NpsShares,
    b: NpsShares,
    level: ConfidenceLevel,
    power: f64,
) -> Result<SampleSize, Error> {
    let d = nps_fraction(delta, "NPS change to detect")?;
    power_size(a.variance() + b.variance(), d, level, power)
}

/// The number of answers *per group* for a two-sided test at level α
/// (α = 1 − `level`) to detect a change Δ between two shares with
/// probability `power` (1 − β): n = (z_{1−α/2} + z_{1−β})²(p_a q_a +
/// p_b q_b)/Δ² (the unpooled normal approximation).
///
/// # Errors
///
/// [`Error::IncompatibleUnit`] for a Δ in points (say
/// [`Margin::percent`]); [`Error::InvalidArgument`] for shares outside
/// 0..=1 or a power not strictly between 0 and 1.
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, Margin, plan};
/// // CSAT from 70% to 75%, 80% power at 5%: about 1,250 per group.
/// let n = plan::sample_size_share_change(Margin::percent(5.0)?, 0.70, 0.75, ConfidenceLevel::P95, 0.8)?;
/// assert_eq!(n.n_ceil, 1248);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn sample_size_share_change(
    delta: Margin,
    share_a: f64,
    share_b: f64,
    level: ConfidenceLevel,
    power: f64,
) -> Result<SampleSize, Error> {
    check_share("share a", share_a)?;
    check_share("share b", share_b)?;
    let d = delta.in_unit(Unit::Share)?;
    let v = share_a * (1.0 - share_a) + share_b * (1.0 - share_b);
    power_size(v, d, level, power)
}

/// An NPS margin or change as a fraction (5 points = 0.05), at most 2.
fn nps_fraction(m: Margin, what: &'static str) -> Result<f64, Error> {
    let points = m.in_unit(Unit::NpsPoints)?;
    if points <= 200.0 {
        Ok(points / 100.0)
    } else {
        Err(Error::InvalidArgument {
            name: what,
            value: points,
            expected: "at most 200 NPS points",
        })
    }
}

fn power_size(
    variance: f64,
    delta: f64,
    level: ConfidenceLevel,
    power: f64,
) -> Result<SampleSize, Error> {
    if !(power > 0.0 && power < 1.0) {
        return Err(Error::InvalidArgument {
            name: "power",
            value: power,
            expected: "a probability strictly between 0 and 1",
        });
    }
    let z = level.z() + crate::math::dist::normal_quantile_unchecked(power);
    let n = if variance == 0.0 {
        0.0
    } else {
        // A power below ½ with a lenient level can make z negative; the
        // formula squares it, as the usual tables do.
        (z * (variance.sqrt() / delta)).powi(2)
    };
    rounded(n, delta)
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
    // σ times the rest, so that a huge σ does not overflow early.
    let m = std_dev * (spec.confidence_level().z() / (n as f64).sqrt() * f);
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

/// The sample size for a margin `margin` of a score whose answers have
/// standard deviation `std_dev`: n₀ = (zσ/E)², and with a population N,
/// n₀N/(n₀ + N − 1), which never exceeds N.
fn size(std_dev: f64, margin: f64, spec: IntervalSpec) -> Result<SampleSize, Error> {
    let z = spec.confidence_level().z();
    // (z·(σ/E))² rather than z²σ²/E², so neither a tiny margin nor a huge
    // spread overflows or underflows early; no spread needs no sample.
    let n0 = if std_dev == 0.0 {
        0.0
    } else {
        (z * (std_dev / margin)).powi(2)
    };
    let n = match spec.population_size() {
        Some(0) => {
            return Err(Error::InvalidArgument {
                name: "population",
                value: 0.0,
                expected: "at least 1",
            });
        }
        // No spread (p of 0 or 1): any sample will do.
        Some(_) if n0 == 0.0 => 0.0,
        Some(big_n) => {
            let big = big_n as f64;
            if n0.is_infinite() {
                // A margin so small that n₀ overflows: the whole population.
                big
            } else {
                // n₀N/(n₀ + N − 1) as n₀/(n₀/N + (N − 1)/N): no overflow,
                // and at most N since n₀ ≤ n₀ + N − 1.
                let shrink = n0 / big + ((big_n - 1) as f64) / big;
                (n0 / shrink).min(big)
            }
        }
        None => n0,
    };
    let mut s = rounded(n, margin)?;
    if let Some(big_n) = spec.population_size() {
        s.n_ceil = s.n_ceil.min(big_n);
    }
    Ok(s)
}

/// `n` with its ceiling, or an error when it does not fit in a `u64`.
fn rounded(n: f64, margin: f64) -> Result<SampleSize, Error> {
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

/// The serialized form of [`NpsShares`], checked by [`NpsShares::new`] on
/// the way in.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NpsSharesRepr {
    promoters: f64,
    detractors: f64,
}

#[cfg(feature = "serde")]
impl TryFrom<NpsSharesRepr> for NpsShares {
    type Error = Error;
    fn try_from(r: NpsSharesRepr) -> Result<NpsShares, Error> {
        NpsShares::new(r.promoters, r.detractors)
    }
}
