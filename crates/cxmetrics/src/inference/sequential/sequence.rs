//! Confidence sequences: specification, result, running intersection.

use std::fmt;

use crate::foundation::error::Error;
use crate::foundation::unit::Unit;
use crate::inference::estimate::Interval;
use crate::inference::interval::ConfidenceLevel;
use crate::inference::sequential::boundary::{normal_mixture, rho_divisor};
use crate::inference::sequential::mixture;
use crate::inference::sequential::sample::BoundedSample;

/// How a confidence sequence is computed.
///
/// All three are functions of the running sufficient statistic (n, mean,
/// sum of squares), so they update in O(1), merge, and do not depend on
/// how the stream was split into batches. With r = m/(−W₋₁(−α²/e) − 1)
/// for the target sample size m, R the observations' range and n the
/// sample size, the normal-mixture radius on the mean is
/// w(σ) = σ·√((n + r)·ln((n + r)/(r α²)))/n.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub enum SequenceMethod {
    /// Exact for any law on the range, at every n: the beta-binomial
    /// (conjugate) mixture of likelihood ratios, {μ : M_t(μ) < 1/α}, with the
    /// observations mapped to [0, 1] and the prior Beta(κp, κ(1 − p)),
    /// κ = r (Robbins 1970; Howard et al. 2021, §3.3). Exact likelihood
    /// ratios for 0/1 data (shares); for other bounded data (NPS, means) it
    /// uses the fact that a law on [0, 1] with mean p is dominated by the
    /// Bernoulli(p) law (Hoeffding 1963), so it does not shrink with a
    /// small variance. Bounds by root finding (relative accuracy ≈ 1e-13).
    /// The default.
    #[default]
    BetaBinomial,
    /// Exact for any law on the range: the Hoeffding (sub-Gaussian with
    /// σ = R/2) normal mixture, mean ± w(R/2) (Howard et al. 2021,
    /// eq. (14)). Closed form; wider than [`BetaBinomial`](Self::BetaBinomial)
    /// for shares far from ½.
    SubGaussian,
    /// Asymptotic (valid as n grows, like the CLT interval; Waudby-Smith,
    /// Arbour, Sinha, Kennedy & Ramdas 2021, Thm 2.2): mean ± w(σ̂), with
    /// σ̂² = (R²/4 + Σ(x − x̄)²)/(n + 1) the running variance regularized
    /// by one pseudo-observation so that it is never 0. The narrowest for
    /// large n and data with a small variance (NPS with many passives).
    /// Not for the first answers: watched from the very first answer of a
    /// share of 0.3, 10% of simulated streams at α = 5% were excluded at
    /// some look (mostly after a run of early zeros); watched from the
    /// 100th answer on, 3% (`tests/it/live_inference.rs`). Below a few
    /// hundred answers use [`BetaBinomial`](Self::BetaBinomial).
    Asymptotic,
}

impl SequenceMethod {
    /// Whether the sequence's coverage holds at every sample size, not only
    /// asymptotically.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::sequential::SequenceMethod;
    /// assert!(SequenceMethod::BetaBinomial.is_exact());
    /// assert!(!SequenceMethod::Asymptotic.is_exact());
    /// ```
    #[must_use]
    pub fn is_exact(self) -> bool {
        !matches!(self, SequenceMethod::Asymptotic)
    }
}

impl fmt::Display for SequenceMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SequenceMethod::BetaBinomial => "beta-binomial mixture",
            SequenceMethod::SubGaussian => "sub-Gaussian normal mixture",
            SequenceMethod::Asymptotic => "asymptotic normal mixture",
        })
    }
}

/// What a confidence sequence is asked for: a level, the sample size at
/// which it should be tightest, and a method.
///
/// A confidence sequence cannot be tightest everywhere: tuned for n = 100
/// it is narrow near 100 and wider than need be at 10⁶. Say the sample
/// size you expect to decide at (a week's answers, a planned test size);
/// the sequence stays valid at every other n.
///
/// # Example
///
/// ```
/// use cxmetrics::ConfidenceLevel;
/// use cxmetrics::sequential::{SequenceMethod, SequenceSpec};
/// let spec = SequenceSpec::new(ConfidenceLevel::P95, 1000.0)?.method(SequenceMethod::Asymptotic);
/// assert_eq!(spec.target_n(), 1000.0);
/// assert!(SequenceSpec::new(ConfidenceLevel::P95, 0.5).is_err());
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "SpecRepr", into = "SpecRepr")
)]
pub struct SequenceSpec {
    level: ConfidenceLevel,
    target_n: f64,
    method: SequenceMethod,
    /// r = target_n / (−W₋₁(−α²/e) − 1), kept so that an update does not
    /// solve for it again.
    pseudo_n: f64,
}

/// The serialized form of a [`SequenceSpec`] (without the derived r).
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct SpecRepr {
    level: ConfidenceLevel,
    target_n: f64,
    method: SequenceMethod,
}

#[cfg(feature = "serde")]
impl TryFrom<SpecRepr> for SequenceSpec {
    type Error = Error;

    fn try_from(r: SpecRepr) -> Result<SequenceSpec, Error> {
        Ok(SequenceSpec::new(r.level, r.target_n)?.method(r.method))
    }
}

#[cfg(feature = "serde")]
impl From<SequenceSpec> for SpecRepr {
    fn from(s: SequenceSpec) -> SpecRepr {
        SpecRepr {
            level: s.level,
            target_n: s.target_n,
            method: s.method,
        }
    }
}

impl Default for SequenceSpec {
    /// 95%, tightest at 1,000 answers, beta-binomial mixture.
    fn default() -> SequenceSpec {
        SequenceSpec::with(ConfidenceLevel::P95, 1000.0, SequenceMethod::BetaBinomial)
    }
}

/// The largest target sample size accepted.
const MAX_TARGET_N: f64 = 1e15;

impl SequenceSpec {
    /// A spec at `level`, tightest at `target_n` answers, with the default
    /// method ([`SequenceMethod::BetaBinomial`]).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] unless 1 ≤ `target_n` ≤ 10¹⁵.
    pub fn new(level: ConfidenceLevel, target_n: f64) -> Result<SequenceSpec, Error> {
        if !(1.0..=MAX_TARGET_N).contains(&target_n) {
            return Err(Error::InvalidArgument {
                name: "target sample size",
                value: target_n,
                expected: "a number from 1 to 1e15",
            });
        }
        Ok(SequenceSpec::with(
            level,
            target_n,
            SequenceMethod::default(),
        ))
    }

    fn with(level: ConfidenceLevel, target_n: f64, method: SequenceMethod) -> SequenceSpec {
        SequenceSpec {
            level,
            target_n,
            method,
            pseudo_n: target_n / rho_divisor(level.alpha()),
        }
    }

    /// The same spec with another method.
    #[must_use]
    pub const fn method(mut self, method: SequenceMethod) -> SequenceSpec {
        self.method = method;
        self
    }

    /// The same spec at another level.
    #[must_use]
    pub fn level(self, level: ConfidenceLevel) -> SequenceSpec {
        SequenceSpec::with(level, self.target_n, self.method)
    }

    /// The confidence level.
    #[must_use]
    pub const fn confidence_level(&self) -> ConfidenceLevel {
        self.level
    }

    /// The sample size at which the sequence is tightest.
    #[must_use]
    pub const fn target_n(&self) -> f64 {
        self.target_n
    }

    /// The method.
    #[must_use]
    pub const fn sequence_method(&self) -> SequenceMethod {
        self.method
    }

    /// The mixture's pseudo-sample size r = m/(−W₋₁(−α²/e) − 1) for the
    /// target m (also the beta-binomial prior's concentration κ).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::ConfidenceLevel;
    /// use cxmetrics::sequential::SequenceSpec;
    /// let r = SequenceSpec::new(ConfidenceLevel::P95, 821.2)?.pseudo_n();
    /// assert!((r - 100.0).abs() < 0.01);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn pseudo_n(&self) -> f64 {
        self.pseudo_n
    }
}

/// An anytime-valid confidence sequence at one look: with probability at
/// least the level, the sequence contains the true value at *every* n at
/// once, so it may be watched continuously and acted on whenever it
/// excludes a value, unlike the fixed-n confidence interval, which holds
/// at one n chosen in advance.
///
/// Values are in `unit`: NPS in points, shares as fractions (displayed as
/// percentages), means in scale points.
///
/// # Example
///
/// ```
/// use cxmetrics::ConfidenceLevel;
/// use cxmetrics::sequential::{self, SequenceSpec};
/// let spec = SequenceSpec::new(ConfidenceLevel::P95, 500.0)?;
/// let cs = sequential::nps(45, 30, 25, &spec)?;
/// assert_eq!(cs.value, 20.0);
/// assert!(cs.interval.contains(20.0));
/// assert!(cs.to_string().starts_with("20.0 (anytime-valid 95% confidence sequence "));
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ConfidenceSequence {
    /// The point estimate (the running mean, share or NPS).
    pub value: f64,
    /// The sequence's interval at this look, clipped to the metric's range.
    pub interval: Interval,
    /// The confidence level, holding uniformly over all n.
    pub level: ConfidenceLevel,
    /// The method.
    pub method: SequenceMethod,
    /// The number of observations.
    pub n: u64,
    /// The sample size at which the sequence was tuned to be tightest.
    pub target_n: f64,
    /// The unit of `value` and `interval`.
    pub unit: Unit,
}

impl ConfidenceSequence {
    /// The sequence rescaled by `factor` and labelled `unit`.
    pub(crate) fn in_unit(mut self, factor: f64, unit: Unit) -> ConfidenceSequence {
        self.value *= factor;
        self.interval = self.interval.scaled(factor);
        self.unit = unit;
        self
    }

    /// The sequence with the point estimate `value` (the same number
    /// computed exactly from counts), the interval reaching it.
    pub(crate) fn with_value(mut self, value: f64) -> ConfidenceSequence {
        self.value = value;
        self.interval = self.interval.reaching(value);
        self
    }
}

impl fmt::Display for ConfidenceSequence {
    /// `20.0 (anytime-valid 95% confidence sequence 1.2 to 37.9, n = 100)`;
    /// shares in percent. The precision (default 1) applies to the value and
    /// the bounds.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision().unwrap_or(1);
        let (k, u) = (self.unit.display_factor(), self.unit.suffix());
        write!(
            f,
            "{:.p$}{u} (anytime-valid {} confidence sequence {:.p$}{u} to {:.p$}{u}, n = {})",
            self.value * k,
            self.level,
            self.interval.lower * k,
            self.interval.upper * k,
            self.n
        )
    }
}

/// The confidence sequence for the mean of a bounded sample, in the
/// sample's units (reported as [`Unit::ScalePoints`]).
///
/// # Errors
///
/// None for a valid sample and spec today; the `Result` leaves room for
/// methods that can fail.
///
/// # Example
///
/// ```
/// use cxmetrics::ConfidenceLevel;
/// use cxmetrics::sequential::{self, BoundedSample, SequenceMethod, SequenceSpec};
/// // CSAT on 1–5: 2, 3, 5, 10, 30 answers at 1..=5.
/// let s = BoundedSample::from_counts(&[1.0, 2.0, 3.0, 4.0, 5.0], &[2, 3, 5, 10, 30], 1.0, 5.0)?;
/// let spec = SequenceSpec::new(ConfidenceLevel::P95, 100.0)?;
/// let exact = sequential::mean(&s, &spec)?;
/// let hoeffding = sequential::mean(&s, &spec.method(SequenceMethod::SubGaussian))?;
/// assert!(exact.interval.contains(s.mean()) && hoeffding.interval.contains(s.mean()));
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn mean(sample: &BoundedSample, spec: &SequenceSpec) -> Result<ConfidenceSequence, Error> {
    let interval = bounds(sample, spec);
    Ok(ConfidenceSequence {
        value: sample.mean(),
        interval,
        level: spec.level,
        method: spec.method,
        n: sample.n(),
        target_n: spec.target_n,
        unit: Unit::ScalePoints,
    })
}

/// The confidence sequence for a share: `successes` of `n`, as a fraction
/// ([`Unit::Share`]).
///
/// # Errors
///
/// [`Error::InvalidArgument`] when `n` is 0 or `successes > n`.
///
/// # Example
///
/// ```
/// use cxmetrics::ConfidenceLevel;
/// use cxmetrics::sequential::{self, SequenceSpec};
/// let cs = sequential::proportion(0, 50, &SequenceSpec::new(ConfidenceLevel::P95, 100.0)?)?;
/// assert_eq!((cs.value, cs.interval.lower), (0.0, 0.0));
/// assert!(cs.interval.upper > 0.0 && cs.interval.upper < 0.3);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn proportion(
    successes: u64,
    n: u64,
    spec: &SequenceSpec,
) -> Result<ConfidenceSequence, Error> {
    let sample = BoundedSample::bernoulli(successes, n)?;
    Ok(mean(&sample, spec)?
        .in_unit(1.0, Unit::Share)
        .with_value(successes as f64 / n as f64))
}

/// The confidence sequence for NPS from the counts of promoters, passives
/// and detractors, in points on −100..=100 ([`Unit::NpsPoints`]): the mean
/// of +100 per promoter, 0 per passive and −100 per detractor.
///
/// # Errors
///
/// [`Error::InvalidArgument`] when there are no answers;
/// [`Error::CountOverflow`] when the counts add up past `u64::MAX`.
///
/// # Example
///
/// ```
/// use cxmetrics::ConfidenceLevel;
/// use cxmetrics::sequential::{self, SequenceSpec};
/// let cs = sequential::nps(450, 300, 250, &SequenceSpec::new(ConfidenceLevel::P95, 1000.0)?)?;
/// assert!((cs.value - 20.0).abs() < 1e-12);
/// assert!(cs.interval.lower > 10.0 && cs.interval.upper < 30.0);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn nps(
    promoters: u64,
    passives: u64,
    detractors: u64,
    spec: &SequenceSpec,
) -> Result<ConfidenceSequence, Error> {
    let sample = BoundedSample::from_counts(
        &[-1.0, 0.0, 1.0],
        &[detractors, passives, promoters],
        -1.0,
        1.0,
    )?;
    let score = 100.0 * (promoters as f64 - detractors as f64) / sample.n() as f64;
    Ok(mean(&sample, spec)?
        .in_unit(100.0, Unit::NpsPoints)
        .with_value(score.clamp(-100.0, 100.0)))
}

/// The asymptotic confidence sequence ([`SequenceMethod::Asymptotic`]) for
/// a mean from its running estimate and a per-observation variance, in
/// scale points: mean ± w(σ̂) with σ̂² = ((upper − lower)²/4 + n·variance)/(n + 1),
/// clipped to `[lower, upper]`.
///
/// With `variance` = Σ(xᵢ − x̄)²/n this is the asymptotic sequence of
/// [`mean`]. For weighted answers pass the weighted mean and the
/// linearized per-observation variance n·Σᵢwᵢ²(xᵢ − x̄_w)²/(Σᵢwᵢ)²: since
/// x̄_w − μ = Σwᵢ(xᵢ − μ)/Σwᵢ exactly, the time-uniform CLT for the i.i.d.
/// terms wᵢ(xᵢ − μ) gives an asymptotic sequence for the weighted mean of
/// respondents drawn independently with their weights (a with-replacement
/// design, as in the crate's linearized variance; no strata or clusters).
///
/// # Errors
///
/// [`Error::InvalidArgument`] naming the value unless `lower < upper` are
/// finite, `n` ≥ 1, `mean` lies in `[lower, upper]` and `variance` is
/// finite and at least 0.
///
/// # Example
///
/// ```
/// use cxmetrics::ConfidenceLevel;
/// use cxmetrics::sequential::{self, BoundedSample, SequenceMethod, SequenceSpec};
/// let spec = SequenceSpec::new(ConfidenceLevel::P95, 500.0)?.method(SequenceMethod::Asymptotic);
/// let s = BoundedSample::from_counts(&[1.0, 2.0, 3.0, 4.0, 5.0], &[5, 5, 10, 40, 40], 1.0, 5.0)?;
/// let a = sequential::asymptotic_mean(s.mean(), s.m2() / 100.0, 100, 1.0, 5.0, &spec)?;
/// let b = sequential::mean(&s, &spec)?;
/// assert!((a.interval.lower - b.interval.lower).abs() < 1e-12);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn asymptotic_mean(
    mean: f64,
    variance: f64,
    n: u64,
    lower: f64,
    upper: f64,
    spec: &SequenceSpec,
) -> Result<ConfidenceSequence, Error> {
    // Validates the range, n and the mean.
    BoundedSample::new(n, mean, 0.0, lower, upper)?;
    if !(variance >= 0.0 && variance.is_finite()) {
        return Err(Error::InvalidArgument {
            name: "per-observation variance",
            value: variance,
            expected: "a finite variance at least 0",
        });
    }
    let range = upper - lower;
    let nf = n as f64;
    // σ̂ = R·√((1/4 + n·variance/R²)/(n + 1)): the range is not squared,
    // so that it neither overflows nor underflows.
    let sigma = range * ((0.25 + nf * (variance / range / range)) / (nf + 1.0)).sqrt();
    let w = radius(sigma, nf, spec.pseudo_n(), spec.level.alpha());
    let interval = clipped(mean - w, mean + w, mean, (lower, upper));
    Ok(ConfidenceSequence {
        value: mean,
        interval,
        level: spec.level,
        method: SequenceMethod::Asymptotic,
        n,
        target_n: spec.target_n,
        unit: Unit::ScalePoints,
    })
}

/// [a, b] clipped to the range and reaching the estimate (NaN bounds,
/// which no valid input gives, collapse onto it).
pub(crate) fn clipped(a: f64, b: f64, estimate: f64, (lo, hi): (f64, f64)) -> Interval {
    Interval {
        lower: a.clamp(lo, hi).min(estimate),
        upper: b.clamp(lo, hi).max(estimate),
    }
}

/// The normal-mixture radius w(σ) on the mean.
pub(crate) fn radius(sigma: f64, n: f64, r: f64, alpha: f64) -> f64 {
    sigma * normal_mixture(n, r, alpha) / n
}

/// The sequence's interval for a sample, clipped to its range.
pub(crate) fn bounds(sample: &BoundedSample, spec: &SequenceSpec) -> Interval {
    bounds_at(sample, spec.method, spec.pseudo_n(), spec.level.alpha())
}

/// The interval at an explicit α (for the union bound of comparisons).
pub(crate) fn bounds_at(
    sample: &BoundedSample,
    method: SequenceMethod,
    r: f64,
    alpha: f64,
) -> Interval {
    let (lo, hi, range) = (sample.lower(), sample.upper(), sample.range());
    let n = sample.n() as f64;
    let mean = sample.mean();
    let clip = |a: f64, b: f64| clipped(a, b, mean, (lo, hi));
    match method {
        SequenceMethod::SubGaussian => {
            let w = radius(range / 2.0, n, r, alpha);
            clip(mean - w, mean + w)
        }
        SequenceMethod::Asymptotic => {
            // On the unit range, then scaled: no overflow or underflow of
            // the range squared.
            let w = range * radius(sample.regularized_unit_variance().sqrt(), n, r, alpha);
            clip(mean - w, mean + w)
        }
        SequenceMethod::BetaBinomial => {
            let z = sample.unit_mean();
            let s = n * z;
            let f = n - s;
            let guess = radius((z * (1.0 - z)).max(0.25 / (n + 1.0)).sqrt(), n, r, alpha);
            let (pl, pu) = mixture::interval(s, f, r, alpha, guess);
            // Map back, each bound from its own end for precision.
            clip(lo + range * pl, hi - range * (1.0 - pu))
        }
    }
}

/// The running intersection of a confidence sequence's intervals: nested
/// (never wider than at the previous look) and just as valid, because the
/// sequence covers the truth at all looks at once.
///
/// Depends on which looks were taken (it is state, not a function of the
/// tally): keep one per watched score. When the looks contradict one
/// another — the intervals no longer overlap, which under the method's
/// assumptions has probability at most α, and in practice means the truth
/// moved — the intersection collapses to the point where they crossed and
/// [`RunningIntersection::contradicted`] turns true.
///
/// # Example
///
/// ```
/// use cxmetrics::ConfidenceLevel;
/// use cxmetrics::sequential::{self, RunningIntersection, SequenceSpec};
/// let spec = SequenceSpec::new(ConfidenceLevel::P95, 200.0)?;
/// let mut running = RunningIntersection::new();
/// let a = running.update(&sequential::proportion(40, 100, &spec)?);
/// let b = running.update(&sequential::proportion(95, 200, &spec)?);
/// assert!(b.lower >= a.lower && b.upper <= a.upper);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RunningIntersection {
    current: Option<Interval>,
    looks: u64,
    contradicted: bool,
}

impl RunningIntersection {
    /// No looks yet.
    #[must_use]
    pub fn new() -> RunningIntersection {
        RunningIntersection::default()
    }

    /// Intersects the sequence's interval at this look with the earlier
    /// ones and returns the result.
    pub fn update(&mut self, sequence: &ConfidenceSequence) -> Interval {
        self.update_interval(sequence.interval)
    }

    /// As [`update`](Self::update), with the interval given directly.
    pub fn update_interval(&mut self, interval: Interval) -> Interval {
        self.looks += 1;
        let next = match self.current {
            None => interval,
            Some(c) => {
                let lower = c.lower.max(interval.lower);
                let upper = c.upper.min(interval.upper);
                if lower <= upper {
                    Interval { lower, upper }
                } else {
                    self.contradicted = true;
                    // The point of the old interval nearest the new one.
                    let x = if interval.lower > c.upper {
                        c.upper
                    } else {
                        c.lower
                    };
                    Interval { lower: x, upper: x }
                }
            }
        };
        self.current = Some(next);
        next
    }

    /// The intersection so far (`None` before the first look).
    #[must_use]
    pub fn interval(&self) -> Option<Interval> {
        self.current
    }

    /// The number of looks.
    #[must_use]
    pub fn looks(&self) -> u64 {
        self.looks
    }

    /// Whether two looks' intervals failed to overlap.
    #[must_use]
    pub fn contradicted(&self) -> bool {
        self.contradicted
    }
}
