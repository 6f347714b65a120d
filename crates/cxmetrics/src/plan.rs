//! Planning a survey: the margin of error of a sample size, the sample
//! size for a wanted margin, and the sample size per group to detect a
//! change (power).
//!
//! Margins are half-widths of the normal-approximation interval at the
//! given level. They are typed ([`Margin`]): `Margin::points(5.0)` is five
//! NPS points (or five percentage points of a share), `Margin::percent(5.0)`
//! the same, `Margin::fraction(0.05)` the same as a fraction, and
//! `Margin::scale_points(0.1)` a tenth of a point on the answer scale (for
//! means). A bare number is not a margin, so "0.05 meaning 5 points" cannot
//! be written by mistake. With a population size N (set on the
//! [`IntervalSpec`]) the finite population correction applies.
//!
//! # Example
//!
//! ```
//! use cxmetrics::ConfidenceLevel;
//! use cxmetrics::interval::IntervalSpec;
//! use cxmetrics::plan::{self, Margin};
//!
//! // ±5 points on a share, 95%: the classic 385.
//! let n = plan::sample_size_proportion(Margin::points(5.0), 0.5, ConfidenceLevel::P95)?;
//! assert_eq!(n.n_ceil, 385);
//! // Out of 2,000 customers, fewer answers are needed.
//! let spec = IntervalSpec::new(ConfidenceLevel::P95).population(2000);
//! assert_eq!(plan::sample_size_proportion(Margin::percent(5.0), 0.5, spec)?.n_ceil, 323);
//! # Ok::<(), cxmetrics::Error>(())
//! ```

use std::fmt;

use crate::error::Error;
use crate::interval::fpc;
use crate::interval::nps::multinomial_variance;
use crate::interval::{ConfidenceLevel, IntervalSpec};

/// A margin of error (or a change to detect) with its unit.
///
/// Shares and NPS are measured on a 0–100 "points" scale (percentage
/// points of a share; NPS points), so [`Margin::points`] and
/// [`Margin::percent`] mean the same thing and [`Margin::fraction`] is the
/// same margin divided by 100. A mean is measured on its answer scale:
/// [`Margin::scale_points`]. Planning a share or an NPS with a scale-point
/// margin, or a mean with a points margin, is an error.
///
/// # Example
///
/// ```
/// use cxmetrics::plan::Margin;
/// assert_eq!(Margin::points(5.0), Margin::fraction(0.05));
/// assert_eq!(Margin::percent(5.0).as_fraction(), Some(0.05));
/// assert_eq!(Margin::points(5.0).to_string(), "±5 points");
/// assert_eq!(Margin::scale_points(0.1).as_points(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Margin {
    /// A margin of a share or an NPS, as a fraction (0.05 is 5 points).
    Fraction(f64),
    /// A margin of a mean, on the answer scale.
    ScalePoints(f64),
}

impl Margin {
    /// A margin in points: NPS points, or percentage points of a share.
    ///
    /// ```
    /// use cxmetrics::plan::Margin;
    /// assert_eq!(Margin::points(3.0).as_points(), Some(3.0));
    /// ```
    #[must_use]
    pub fn points(points: f64) -> Margin {
        Margin::Fraction(points / 100.0)
    }

    /// A margin in percent of the 0–100 scale: the same as
    /// [`Margin::points`].
    ///
    /// ```
    /// use cxmetrics::plan::Margin;
    /// assert_eq!(Margin::percent(3.0), Margin::points(3.0));
    /// ```
    #[must_use]
    pub fn percent(percent: f64) -> Margin {
        Margin::points(percent)
    }

    /// A margin as a fraction of the 0–1 scale (0.05 = 5 points).
    ///
    /// ```
    /// use cxmetrics::plan::Margin;
    /// assert_eq!(Margin::fraction(0.03).as_points(), Some(3.0));
    /// ```
    #[must_use]
    pub fn fraction(fraction: f64) -> Margin {
        Margin::Fraction(fraction)
    }

    /// A margin of a mean, in points of the answer scale.
    ///
    /// ```
    /// use cxmetrics::plan::Margin;
    /// assert_eq!(Margin::scale_points(0.1).as_scale_points(), Some(0.1));
    /// ```
    #[must_use]
    pub fn scale_points(value: f64) -> Margin {
        Margin::ScalePoints(value)
    }

    /// The margin as a fraction, when it is a margin of a share or an NPS.
    ///
    /// ```
    /// use cxmetrics::plan::Margin;
    /// assert_eq!(Margin::points(2.0).as_fraction(), Some(0.02));
    /// assert_eq!(Margin::scale_points(2.0).as_fraction(), None);
    /// ```
    #[must_use]
    pub fn as_fraction(self) -> Option<f64> {
        match self {
            Margin::Fraction(f) => Some(f),
            Margin::ScalePoints(_) => None,
        }
    }

    /// The margin in points (NPS points, percentage points), when it is a
    /// margin of a share or an NPS.
    ///
    /// ```
    /// use cxmetrics::plan::Margin;
    /// assert_eq!(Margin::fraction(0.5).as_points(), Some(50.0));
    /// ```
    #[must_use]
    pub fn as_points(self) -> Option<f64> {
        self.as_fraction().map(|f| 100.0 * f)
    }

    /// The margin in points of the answer scale, when it is a margin of a
    /// mean.
    ///
    /// ```
    /// use cxmetrics::plan::Margin;
    /// assert_eq!(Margin::points(2.0).as_scale_points(), None);
    /// ```
    #[must_use]
    pub fn as_scale_points(self) -> Option<f64> {
        match self {
            Margin::ScalePoints(v) => Some(v),
            Margin::Fraction(_) => None,
        }
    }

    /// The fraction of a share or NPS margin, or an error saying a
    /// scale-point margin does not fit `what`.
    fn proportional(self, what: &'static str) -> Result<f64, Error> {
        match self {
            Margin::Fraction(f) if f > 0.0 && f <= 1.0 => Ok(f),
            Margin::Fraction(f) => Err(Error::InvalidArgument {
                name: "margin",
                value: f,
                expected: "a fraction above 0 and at most 1 (0 to 100 points)",
            }),
            Margin::ScalePoints(v) => Err(Error::InvalidArgument {
                name: what,
                value: v,
                expected: "a margin in points or percent (Margin::points), not scale points",
            }),
        }
    }
}

impl fmt::Display for Margin {
    /// `±5 points` (a share or NPS margin), `±0.1 scale points`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Margin::Fraction(x) => write!(f, "±{} points", 100.0 * x),
            Margin::ScalePoints(x) => write!(f, "±{x} scale points"),
        }
    }
}

/// A required sample size.
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, plan::{self, Margin}};
/// let s = plan::sample_size_proportion(Margin::points(5.0), 0.5, ConfidenceLevel::P95)?;
/// assert!((s.n - 384.14588206941244).abs() < 1e-9);
/// assert_eq!(s.n_ceil, 385);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SampleSize {
    /// The unrounded size from the formula.
    pub n: f64,
    /// The number of answers to collect: `n` rounded up, and never more
    /// than the population. It is 0 when the expected spread is 0 (a share
    /// of 0 or 1, a standard deviation of 0), where the formula needs no
    /// sample at all.
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
/// assert!((m.as_fraction().unwrap() - 0.04899909961350135).abs() < 1e-15);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn margin_of_error_proportion(
    n: u64,
    p: f64,
    spec: impl Into<IntervalSpec>,
) -> Result<Margin, Error> {
    check_share("p", p)?;
    Ok(Margin::Fraction(margin(
        n,
        (p * (1.0 - p)).sqrt(),
        spec.into(),
    )?))
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
/// assert!((m.as_scale_points().unwrap() - 1.959963984540054 * 0.15).abs() < 1e-12);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn margin_of_error_mean(
    n: u64,
    std_dev: f64,
    spec: impl Into<IntervalSpec>,
) -> Result<Margin, Error> {
    check_std_dev(std_dev)?;
    Ok(Margin::ScalePoints(margin(n, std_dev, spec.into())?))
}

/// The margin of error of an NPS from n answers with expected promoter
/// and detractor shares: z·√((p + d − (p − d)²)/n), times the finite
/// population correction (in points: 100 times that).
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
/// assert!((m.as_points().unwrap() - by_hand).abs() < 1e-12);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn margin_of_error_nps(
    n: u64,
    promoter_share: f64,
    detractor_share: f64,
    spec: impl Into<IntervalSpec>,
) -> Result<Margin, Error> {
    let v = nps_variance(promoter_share, detractor_share)?;
    Ok(Margin::Fraction(margin(n, v.sqrt(), spec.into())?))
}

/// The number of answers for a share's margin of error E:
/// n₀ = z²p(1−p)/E², and with a population N, n = n₀N/(n₀ + N − 1)
/// (never more than N). p = 0.5 is the conservative choice.
///
/// # Errors
///
/// [`Error::InvalidArgument`] when the margin is a scale-point margin or
/// not in (0, 100] points, or p is outside 0..=1; a population of 0.
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, plan::{self, Margin}};
/// assert_eq!(plan::sample_size_proportion(Margin::points(3.0), 0.8, ConfidenceLevel::P90)?.n_ceil, 481);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn sample_size_proportion(
    margin: Margin,
    p: f64,
    spec: impl Into<IntervalSpec>,
) -> Result<SampleSize, Error> {
    check_share("p", p)?;
    let e = margin.proportional("margin of a share")?;
    size((p * (1.0 - p)).sqrt(), e, spec.into())
}

/// The number of answers for a mean's margin of error E (in scale points)
/// given a standard deviation σ: n₀ = (zσ/E)², with the same population
/// correction.
///
/// # Errors
///
/// [`Error::InvalidArgument`] when the margin is not in scale points or
/// not positive and finite, or σ is negative or not finite.
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, plan::{self, Margin}};
/// // CES mean within ±0.1 when the standard deviation is about 1.2.
/// assert_eq!(plan::sample_size_mean(Margin::scale_points(0.1), 1.2, ConfidenceLevel::P95)?.n_ceil, 554);
/// assert!(plan::sample_size_mean(Margin::points(5.0), 1.2, ConfidenceLevel::P95).is_err());
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn sample_size_mean(
    margin: Margin,
    std_dev: f64,
    spec: impl Into<IntervalSpec>,
) -> Result<SampleSize, Error> {
    check_std_dev(std_dev)?;
    let e = match margin {
        Margin::ScalePoints(v) if v > 0.0 && v.is_finite() => v,
        Margin::ScalePoints(v) => {
            return Err(Error::InvalidArgument {
                name: "margin",
                value: v,
                expected: "a positive finite number of scale points",
            });
        }
        Margin::Fraction(f) => {
            return Err(Error::InvalidArgument {
                name: "margin of a mean",
                value: f,
                expected: "a margin in scale points (Margin::scale_points), not points or percent",
            });
        }
    };
    size(std_dev, e, spec.into())
}

/// The number of answers for an NPS margin of error E, given expected
/// promoter and detractor shares: n₀ = z²(p + d − (p − d)²)/E² (E as a
/// fraction: 5 points is 0.05), with the same population correction.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a scale-point margin, a margin not in
/// (0, 100] points, or shares outside 0..=1 or adding up to more than 1.
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, plan::{self, Margin}};
/// let n = plan::sample_size_nps(Margin::points(5.0), 0.4, 0.2, ConfidenceLevel::P95)?;
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
    let e = margin.proportional("margin of an NPS")?;
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
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
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
/// [`Error::InvalidArgument`] for a scale-point Δ, a Δ not in (0, 200]
/// points, a power not strictly between 0 and 1, or a size beyond 2⁶⁴.
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
/// use cxmetrics::ConfidenceLevel;
/// use cxmetrics::plan::{self, Margin, NpsShares};
/// // Detect a 5-point rise from NPS 20 (40% promoters, 20% detractors), 80% power, 5% level.
/// let a = NpsShares::new(0.40, 0.20)?;
/// let b = NpsShares::new(0.43, 0.18)?;
/// let n = plan::sample_size_nps_change(Margin::points(5.0), a, b, ConfidenceLevel::P95, 0.8)?;
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
    let d = change(delta, "NPS change to detect")?;
    power_size(a.variance() + b.variance(), d, level, power)
}

/// The number of answers *per group* for a two-sided test at level α
/// (α = 1 − `level`) to detect a change Δ between two shares with
/// probability `power` (1 − β): n = (z_{1−α/2} + z_{1−β})²(p_a q_a +
/// p_b q_b)/Δ² (the unpooled normal approximation).
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a scale-point Δ, a Δ not in (0, 100]
/// points, shares outside 0..=1, a power not strictly between 0 and 1.
///
/// # Example
///
/// ```
/// use cxmetrics::ConfidenceLevel;
/// use cxmetrics::plan::{self, Margin};
/// // CSAT from 70% to 75%, 80% power at 5%: about 1,250 per group.
/// let n = plan::sample_size_share_change(Margin::points(5.0), 0.70, 0.75, ConfidenceLevel::P95, 0.8)?;
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
    let d = change(delta, "share change to detect")?;
    let v = share_a * (1.0 - share_a) + share_b * (1.0 - share_b);
    power_size(v, d, level, power)
}

/// The fraction of a change to detect (positive; its sign does not matter
/// for a two-sided test).
fn change(delta: Margin, what: &'static str) -> Result<f64, Error> {
    match delta {
        Margin::Fraction(f) if f.abs() > 0.0 && f.abs() <= 2.0 => Ok(f.abs()),
        Margin::Fraction(f) => Err(Error::InvalidArgument {
            name: what,
            value: 100.0 * f,
            expected: "a change of more than 0 and at most 200 points",
        }),
        Margin::ScalePoints(v) => Err(Error::InvalidArgument {
            name: what,
            value: v,
            expected: "a change in points or percent (Margin::points), not scale points",
        }),
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
    let z = level.z() + crate::dist::normal_quantile_unchecked(power);
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
