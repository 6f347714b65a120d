//! Always-valid comparison of two streams: the mixture sequential
//! probability ratio test (mSPRT) with a normal mixture.

use std::fmt;

use crate::foundation::error::Error;
use crate::foundation::unit::Unit;
use crate::inference::estimate::Interval;
use crate::inference::interval::ConfidenceLevel;
use crate::inference::sequential::boundary::rho_divisor;
use crate::inference::sequential::sample::BoundedSample;
use crate::inference::sequential::sequence::{
    RunningIntersection, SequenceMethod, SequenceSpec, bounds_at, clipped,
};

/// The always-valid comparison of two groups or periods, a − b, at one look.
///
/// The two samples must be independent (different respondents: two
/// channels, or two disjoint periods).
///
/// Two answers to "did it really move?", both valid however often they
/// are looked at:
///
/// - [`interval`](Self::interval) and [`p_value`](Self::p_value): the mSPRT
///   of Johari, Koomen, Pekelis & Walsh (2017, 2022) with a normal mixture
///   N(0, τ²) over the difference θ. With θ̂ = x̄_a − x̄_b and
///   V = σ̂²_a/n_a + σ̂²_b/n_b (running variances, regularized as in
///   [`SequenceMethod::Asymptotic`]), the mixture likelihood ratio against
///   θ = 0 is
///   Λ = √(V/(V + τ²))·exp(τ²θ̂²/(2V(V + τ²))), the always-valid p-value at
///   this look is min(1, 1/Λ), and the confidence sequence is
///   θ̂ ± √(V(V + τ²)/τ² · ln((V + τ²)/(V α²))). Like the t test it rests on
///   the normal approximation of the means (asymptotic validity).
///   τ² = (−W₋₁(−α²/e) − 1)·V*, with V* = (R²/4)(1/m + 1/m) the largest
///   variance of θ̂ at the target size m per group, so τ² does not depend
///   on the data.
/// - [`exact_interval`](Self::exact_interval): exact at every n, the
///   difference of the two groups' beta-binomial sequences at level
///   1 − α/2 each (a union bound): wider, assumption-free.
///
/// Values are in `unit`: NPS points, shares as fractions (displayed in
/// percentage points), scale points.
///
/// Track the p-value and the intervals over looks with
/// [`AlwaysValidTracker`]: the tracked p-value never increases and the
/// tracked intervals are nested.
///
/// # Example
///
/// ```
/// use cxmetrics::ConfidenceLevel;
/// use cxmetrics::sequential::{self, BoundedSample, SequenceSpec};
/// let spec = SequenceSpec::new(ConfidenceLevel::P95, 1000.0)?;
/// let (a, b) = (BoundedSample::bernoulli(620, 1000)?, BoundedSample::bernoulli(540, 1000)?);
/// let d = sequential::difference(&a, &b, &spec)?;
/// assert!((d.difference - 0.08).abs() < 1e-12);
/// assert!(d.p_value < 0.05 && !d.interval.contains(0.0));
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DifferenceSequence {
    /// θ̂ = x̄_a − x̄_b.
    pub difference: f64,
    /// The mSPRT confidence sequence for the difference (asymptotic).
    pub interval: Interval,
    /// The exact confidence sequence (union of the two groups' exact
    /// sequences at 1 − α/2).
    pub exact_interval: Interval,
    /// The always-valid p-value against "no difference" at this look,
    /// min(1, 1/Λ); the running minimum over looks is also valid.
    pub p_value: f64,
    /// ln Λ, the log of the mixture likelihood ratio (an e-value's log).
    pub log_likelihood_ratio: f64,
    /// The mixture variance τ² (in the unit squared).
    pub tau2: f64,
    /// The confidence level of both intervals (and α of the test).
    pub level: ConfidenceLevel,
    /// Observations in group a.
    pub n_a: u64,
    /// Observations in group b.
    pub n_b: u64,
    /// The per-group sample size the sequences are tightest at.
    pub target_n: f64,
    /// The unit of the difference and the intervals.
    pub unit: Unit,
}

impl DifferenceSequence {
    /// Whether the difference is significant at the level: p ≤ α, which is
    /// the same as the mSPRT sequence excluding 0.
    #[must_use]
    pub fn significant(&self) -> bool {
        self.p_value <= self.level.alpha()
    }

    /// The comparison with the difference `value` (the same number computed
    /// exactly from counts), the intervals reaching it.
    pub(crate) fn with_difference(mut self, value: f64) -> DifferenceSequence {
        self.difference = value;
        self.interval = self.interval.reaching(value);
        self.exact_interval = self.exact_interval.reaching(value);
        self
    }

    pub(crate) fn in_unit(mut self, factor: f64, unit: Unit) -> DifferenceSequence {
        self.difference *= factor;
        self.interval = self.interval.scaled(factor);
        self.exact_interval = self.exact_interval.scaled(factor);
        self.tau2 *= factor * factor;
        self.unit = unit;
        self
    }
}

impl fmt::Display for DifferenceSequence {
    /// `-12.5 points (anytime-valid 95% confidence sequence -23.9 to -1.0),
    /// always-valid p = 0.012, significant`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision().unwrap_or(1);
        let k = self.unit.display_factor();
        let u = self.unit.difference_suffix();
        write!(
            f,
            "{:.p$}{u} (anytime-valid {} confidence sequence {:.p$} to {:.p$}), always-valid p = {:.3}, {}",
            self.difference * k,
            self.level,
            self.interval.lower * k,
            self.interval.upper * k,
            self.p_value,
            if self.significant() {
                "significant"
            } else {
                "not significant"
            }
        )
    }
}

/// The always-valid comparison a − b of two bounded samples (see
/// [`DifferenceSequence`]), in the samples' units.
///
/// # Errors
///
/// [`Error::InvalidArgument`] when the samples' ranges differ;
/// [`Error::NotRepresentable`] when the mixture variance τ², in the unit
/// squared, is not a positive `f64` (a range beyond about 1e±154).
///
/// # Example
///
/// ```
/// use cxmetrics::ConfidenceLevel;
/// use cxmetrics::sequential::{self, BoundedSample, SequenceSpec};
/// let spec = SequenceSpec::new(ConfidenceLevel::P95, 100.0)?;
/// let same = BoundedSample::bernoulli(50, 100)?;
/// let d = sequential::difference(&same, &same, &spec)?;
/// assert_eq!((d.difference, d.p_value), (0.0, 1.0));
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn difference(
    a: &BoundedSample,
    b: &BoundedSample,
    spec: &SequenceSpec,
) -> Result<DifferenceSequence, Error> {
    if a.lower() != b.lower() || a.upper() != b.upper() {
        return Err(Error::InvalidArgument {
            name: "upper bound of the second sample's range",
            value: b.upper(),
            expected: "the same range as the first sample",
        });
    }
    let alpha = spec.confidence_level().alpha();
    let range = a.range();
    let theta = a.mean() - b.mean();
    let m = spec.target_n();
    // The test is scale-free: computed on the samples mapped to [0, 1]
    // (θ/R, V/R², τ²/R²), then scaled back, so that no range squares past
    // f64 (overflow near 1e154, underflow near 1e-154).
    let t = theta / range;
    let v =
        a.regularized_unit_variance() / a.n() as f64 + b.regularized_unit_variance() / b.n() as f64;
    let tau2_unit = rho_divisor(alpha) * (0.25 * (2.0 / m));
    let log_lr = 0.5 * (v / (v + tau2_unit)).ln() + tau2_unit * t * t / (2.0 * v * (v + tau2_unit));
    let p_value = (-log_lr).exp().min(1.0);
    let w = range
        * (v * (v + tau2_unit) / tau2_unit * ((tau2_unit / v).ln_1p() - 2.0 * alpha.ln())).sqrt();
    let tau2 = tau2_unit * range * range;
    if !(tau2.is_finite() && tau2 > 0.0 && log_lr.is_finite() && w.is_finite()) {
        return Err(Error::NotRepresentable {
            what: "always-valid difference",
            reason: format!(
                "the mixture variance tau2 = {tau2} (range {range} squared) is not a positive f64"
            ),
        });
    }
    let clip = |lo: f64, hi: f64| clipped(lo, hi, theta, (-range, range));
    let r = spec.pseudo_n();
    let ia = bounds_at(a, SequenceMethod::BetaBinomial, r, alpha / 2.0);
    let ib = bounds_at(b, SequenceMethod::BetaBinomial, r, alpha / 2.0);
    Ok(DifferenceSequence {
        difference: theta,
        interval: clip(theta - w, theta + w),
        exact_interval: clip(ia.lower - ib.upper, ia.upper - ib.lower),
        p_value,
        log_likelihood_ratio: log_lr,
        tau2,
        level: spec.confidence_level(),
        n_a: a.n(),
        n_b: b.n(),
        target_n: m,
        unit: Unit::ScalePoints,
    })
}

/// Tracks an always-valid comparison over looks: the running minimum of
/// the p-value (never increasing) and the running intersections of both
/// intervals (nested).
///
/// # Example
///
/// ```
/// use cxmetrics::ConfidenceLevel;
/// use cxmetrics::sequential::{self, AlwaysValidTracker, BoundedSample, SequenceSpec};
/// let spec = SequenceSpec::new(ConfidenceLevel::P95, 500.0)?;
/// let mut tracker = AlwaysValidTracker::new();
/// let first = tracker.update(&sequential::difference(
///     &BoundedSample::bernoulli(60, 100)?, &BoundedSample::bernoulli(40, 100)?, &spec)?);
/// let later = tracker.update(&sequential::difference(
///     &BoundedSample::bernoulli(110, 200)?, &BoundedSample::bernoulli(90, 200)?, &spec)?);
/// assert!(later.p_value <= first.p_value);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct AlwaysValidTracker {
    min_p: f64,
    interval: RunningIntersection,
    exact: RunningIntersection,
}

impl Default for AlwaysValidTracker {
    fn default() -> AlwaysValidTracker {
        AlwaysValidTracker::new()
    }
}

impl AlwaysValidTracker {
    /// No looks yet.
    #[must_use]
    pub fn new() -> AlwaysValidTracker {
        AlwaysValidTracker {
            min_p: 1.0,
            interval: RunningIntersection::new(),
            exact: RunningIntersection::new(),
        }
    }

    /// Takes this look into account and returns it with the tracked
    /// p-value (the minimum so far) and intervals (the intersections so far).
    pub fn update(&mut self, look: &DifferenceSequence) -> DifferenceSequence {
        self.min_p = self.min_p.min(look.p_value);
        let mut out = *look;
        out.p_value = self.min_p;
        out.interval = self.interval.update_interval(look.interval);
        out.exact_interval = self.exact.update_interval(look.exact_interval);
        out
    }

    /// The smallest p-value so far (1 before the first look).
    #[must_use]
    pub fn p_value(&self) -> f64 {
        self.min_p
    }

    /// The number of looks.
    #[must_use]
    pub fn looks(&self) -> u64 {
        self.interval.looks()
    }
}
