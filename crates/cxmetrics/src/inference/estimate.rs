//! A point estimate with its uncertainty.

use std::fmt;

use crate::foundation::error::Error;
use crate::foundation::metric_kind::Metric;
use crate::foundation::unit::Unit;
use crate::inference::design::effect::DesignEffects;
use crate::inference::interval::{ConfidenceLevel, Method};

/// A confidence interval `[lower, upper]`.
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, Nps};
/// let est = Nps::from_counts(45, 30, 25)?.estimate(ConfidenceLevel::P95)?;
/// let i = est.interval;
/// assert!(i.lower < est.value && est.value < i.upper);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
///
/// With the `serde` feature an interval reads back only with finite,
/// ordered bounds.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "IntervalRepr"))]
pub struct Interval {
    /// The lower bound.
    pub lower: f64,
    /// The upper bound.
    pub upper: f64,
}

impl Interval {
    /// `upper − lower`.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{ConfidenceLevel, Nps};
    /// let est = Nps::from_counts(45, 30, 25)?.estimate(ConfidenceLevel::P95)?;
    /// assert!((est.interval.width() - (est.interval.upper - est.interval.lower)).abs() < 1e-12);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn width(&self) -> f64 {
        self.upper - self.lower
    }

    /// Whether `x` lies in the closed interval.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{ConfidenceLevel, Nps};
    /// let est = Nps::from_counts(45, 30, 25)?.estimate(ConfidenceLevel::P95)?;
    /// assert!(est.interval.contains(20.0) && !est.interval.contains(50.0));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn contains(&self, x: f64) -> bool {
        self.lower <= x && x <= self.upper
    }

    /// `Ok` when both bounds are finite and `lower ≤ upper`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidResult`] naming the bounds.
    ///
    /// ```
    /// use cxmetrics::Interval;
    /// assert!(Interval { lower: 0.1, upper: 0.2 }.validate().is_ok());
    /// assert!(Interval { lower: 0.2, upper: 0.1 }.validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<(), Error> {
        if self.lower.is_finite() && self.upper.is_finite() && self.lower <= self.upper {
            Ok(())
        } else {
            Err(Error::InvalidResult {
                what: "interval",
                reason: format!(
                    "bounds [{}, {}] must be finite and ordered",
                    self.lower, self.upper
                ),
            })
        }
    }

    /// The interval widened, if need be, to reach `x`: for an estimate whose
    /// interval contains it in exact arithmetic but whose bounds, computed
    /// by another formula, round an ulp past it.
    pub(crate) fn reaching(self, x: f64) -> Interval {
        Interval {
            lower: self.lower.min(x),
            upper: self.upper.max(x),
        }
    }

    /// The bounds scaled by `factor` (fractions to points or percent).
    pub(crate) fn scaled(self, factor: f64) -> Interval {
        Interval {
            lower: self.lower * factor,
            upper: self.upper * factor,
        }
    }
}

/// A score with its standard error and confidence interval.
///
/// Made by the `estimate` methods of the scores: [`Nps::estimate`],
/// [`TopBox::estimate`], [`Mean::estimate`], and the functions of
/// [`interval`](crate::inference::interval). Values are in the score's own units: NPS
/// in points on −100..=100, shares as fractions on 0..=1, means on the
/// scale.
///
/// [`Nps::estimate`]: crate::Nps::estimate
/// [`TopBox::estimate`]: crate::TopBox::estimate
/// [`Mean::estimate`]: crate::Mean::estimate
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, Metric, Nps, Scale, Tally, TopBox, Unit};
///
/// let est = Nps::from_counts(45, 30, 25)?.estimate(ConfidenceLevel::default())?;
/// assert_eq!((est.metric, est.unit, est.value), (Metric::Nps, Unit::NpsPoints, 20.0));
/// assert_eq!(est.to_string(), "20.0 (95% CI 3.8 to 35.1, n = 100)");
/// // Shares are stored as fractions and shown as percentages.
/// let t = Tally::from_counts(Scale::CSAT_5, &[10, 0, 0, 30, 60])?;
/// let top2 = TopBox::top(&t, 2)?.estimate(ConfidenceLevel::default())?;
/// assert_eq!((top2.unit, top2.value), (Unit::Share, 0.9));
/// assert_eq!(top2.to_string(), "90.0% (95% CI 82.6% to 94.5%, n = 100)");
/// # Ok::<(), cxmetrics::Error>(())
/// ```
///
/// With the `serde` feature an estimate reads back only if it passes
/// [`Estimate::validate`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "EstimateRepr"))]
pub struct Estimate {
    /// Which score this is (NPS, a top-box share, a mean …).
    pub metric: Metric,
    /// The point estimate.
    pub value: f64,
    /// Its standard error (after any finite population correction). For
    /// score and exact proportion methods this is the Wald standard error
    /// √(p(1−p)/n); for adjusted-Wald NPS, that of the adjusted shares.
    pub std_error: f64,
    /// The confidence interval, clipped to the score's range.
    pub interval: Interval,
    /// The confidence level of the interval.
    pub level: ConfidenceLevel,
    /// The method that produced the interval.
    pub method: Method,
    /// The number of rated answers.
    pub n: u64,
    /// The Kish effective sample size (= `n` when unweighted).
    pub effective_n: f64,
    /// The unit of `value`, `std_error` and `interval`.
    pub unit: Unit,
    /// For weighted answers: the variance method behind `std_error` and
    /// the design effects (R's `deff = "replace"` and Kish's 1 + CV², with
    /// the effective sample sizes they imply). `None` for unweighted
    /// answers (every weight 1, or all weights equal), whose design effect is 1.
    pub design: Option<DesignEffects>,
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct IntervalRepr {
    lower: f64,
    upper: f64,
}

#[cfg(feature = "serde")]
impl TryFrom<IntervalRepr> for Interval {
    type Error = Error;
    fn try_from(r: IntervalRepr) -> Result<Interval, Error> {
        let i = Interval {
            lower: r.lower,
            upper: r.upper,
        };
        i.validate()?;
        Ok(i)
    }
}

impl Estimate {
    /// The range of values of the estimate's unit: −100..=100 for NPS
    /// points, 0..=1 for shares, unbounded for scale points (an estimate
    /// does not carry its scale; [`Mean`](crate::Mean) intervals are
    /// clipped to the scale when they are made).
    #[must_use]
    pub fn range(&self) -> (f64, f64) {
        match self.unit {
            Unit::NpsPoints => (-100.0, 100.0),
            Unit::Share => (0.0, 1.0),
            Unit::ScalePoints => (f64::NEG_INFINITY, f64::INFINITY),
        }
    }

    /// Checks every invariant an estimate made by this crate satisfies
    /// ("sane, not just finite"): value, standard error, bounds and
    /// effective n finite; the unit that of the metric; the standard error
    /// at least 0; the interval ordered and within the unit's
    /// [range](Estimate::range), the value in that range too and inside
    /// the interval when the method guarantees it
    /// ([`Method::contains_estimate`](crate::interval::Method::contains_estimate));
    /// the effective n within 0..=n (with a relative rounding allowance of
    /// 1e-9); the design effects, if any, finite and positive with
    /// n₊ ≤ n. Deserializing an estimate runs it.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidResult`] naming the first broken invariant and its
    /// values.
    ///
    /// ```
    /// use cxmetrics::interval::NpsMethod;
    /// use cxmetrics::{ConfidenceLevel, Nps};
    /// let mut e = Nps::from_counts(45, 30, 25)?.estimate_with(NpsMethod::Wald, ConfidenceLevel::P95)?;
    /// assert!(e.validate().is_ok());
    /// e.interval.lower = 30.0; // excludes the value 20, which a Wald interval contains
    /// assert!(e.validate().is_err());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn validate(&self) -> Result<(), Error> {
        self.check(true)
    }

    /// [`Estimate::validate`]; `effective_n ≤ n` only when `bounded_n`
    /// (the intervals of a weighted score run internally at a design
    /// effective n that may pass n).
    fn check(&self, bounded_n: bool) -> Result<(), Error> {
        let bad = |reason: String| {
            Err(Error::InvalidResult {
                what: "estimate",
                reason,
            })
        };
        let (lower, upper) = (self.interval.lower, self.interval.upper);
        if ![self.value, self.std_error, lower, upper, self.effective_n]
            .iter()
            .all(|x| x.is_finite())
        {
            return bad(format!(
                "value {}, std_error {}, interval [{lower}, {upper}] and effective_n {} must be finite",
                self.value, self.std_error, self.effective_n
            ));
        }
        let unit = match self.metric {
            Metric::Nps | Metric::NetScore => Unit::NpsPoints,
            Metric::TopBox | Metric::Share => Unit::Share,
            Metric::Mean => Unit::ScalePoints,
        };
        if self.unit != unit {
            return bad(format!(
                "a {:?} is in {unit:?}, not {:?}",
                self.metric, self.unit
            ));
        }
        let expected_method = match self.metric {
            Metric::Nps | Metric::NetScore => matches!(self.method, Method::Nps(_)),
            Metric::TopBox | Metric::Share => matches!(self.method, Method::Proportion(_)),
            Metric::Mean => self.method == Method::StudentT,
        };
        if !expected_method {
            return bad(format!(
                "method {:?} does not apply to a {:?}",
                self.method, self.metric
            ));
        }
        if self.std_error < 0.0 {
            return bad(format!("std_error {} is negative", self.std_error));
        }
        if lower > upper {
            return bad(format!("interval [{lower}, {upper}] is unordered"));
        }
        let (lo, hi) = self.range();
        if self.value < lo || self.value > hi || lower < lo || upper > hi {
            return bad(format!(
                "value {} and interval [{lower}, {upper}] must lie in {lo}..={hi}",
                self.value
            ));
        }
        if self.method.contains_estimate() && !self.interval.contains(self.value) {
            return bad(format!(
                "interval [{lower}, {upper}] of the {} method excludes its value {}",
                self.method, self.value
            ));
        }
        if self.effective_n < 0.0 || (bounded_n && self.effective_n > self.n as f64 * (1.0 + 1e-9))
        {
            return bad(format!(
                "effective_n {} must lie in 0..=n = {}",
                self.effective_n, self.n
            ));
        }
        if let Some(d) = &self.design {
            d.validate(self.n)?;
        }
        Ok(())
    }

    /// The estimate as the crate returns it: an interval that misses its
    /// value by rounding (for a method that contains it) reaches it, and
    /// then every invariant of [`Estimate::validate`] holds, or the
    /// estimate is an [`Error::NotRepresentable`] naming what went wrong
    /// (a quantity beyond f64, or lost to rounding).
    pub(crate) fn sane(mut self, what: &'static str) -> Result<Estimate, Error> {
        if self.method.contains_estimate() && self.interval.validate().is_ok() {
            self.interval = self.interval.reaching(self.value);
        }
        let (lo, hi) = self.range();
        if self.interval.validate().is_ok() {
            self.interval.lower = self.interval.lower.clamp(lo, hi);
            self.interval.upper = self.interval.upper.clamp(lo, hi);
        }
        self.check(false).map_err(|e| Error::NotRepresentable {
            what,
            reason: match e {
                Error::InvalidResult { reason, .. } => reason,
                other => other.to_string(),
            },
        })?;
        Ok(self)
    }
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct EstimateRepr {
    metric: Metric,
    value: f64,
    std_error: f64,
    interval: Interval,
    level: ConfidenceLevel,
    method: Method,
    n: u64,
    effective_n: f64,
    unit: Unit,
    design: Option<DesignEffects>,
}

#[cfg(feature = "serde")]
impl TryFrom<EstimateRepr> for Estimate {
    type Error = Error;
    fn try_from(r: EstimateRepr) -> Result<Estimate, Error> {
        let e = Estimate {
            metric: r.metric,
            value: r.value,
            std_error: r.std_error,
            interval: r.interval,
            level: r.level,
            method: r.method,
            n: r.n,
            effective_n: r.effective_n,
            unit: r.unit,
            design: r.design,
        };
        e.validate()?;
        Ok(e)
    }
}

impl fmt::Display for Estimate {
    /// In the estimate's unit: `20.0 (95% CI 3.8 to 35.1, n = 100)` for
    /// NPS points and scale points, `73.0% (95% CI 72.6% to 73.4%, n = 47300)`
    /// for shares (stored as fractions, shown as percentages). The
    /// precision (default 1) applies to the value and the bounds.
    ///
    /// The alternate form (`{:#}`) is compact, for tables: the value and
    /// its interval in brackets, the unit once — `20.0 [3.8, 35.1]`,
    /// `73.0% [72.6, 73.4]`, `3.42 [3.30, 3.54]` with `{:#.2}`.
    ///
    /// ```
    /// use cxmetrics::{ConfidenceLevel, Scale, Tally, TopBox};
    /// let t = Tally::from_counts(Scale::CSAT_5, &[3, 2, 8, 20, 17])?;
    /// let est = TopBox::top(&t, 2)?.estimate(ConfidenceLevel::P95)?;
    /// assert_eq!(format!("{est:#}"), "74.0% [60.4, 84.1]");
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision().unwrap_or(1);
        let (k, u) = (self.unit.display_factor(), self.unit.suffix());
        if f.alternate() {
            return write!(
                f,
                "{:.p$}{u} [{:.p$}, {:.p$}]",
                self.value * k,
                self.interval.lower * k,
                self.interval.upper * k,
            );
        }
        write!(
            f,
            "{:.p$}{u} ({} CI {:.p$}{u} to {:.p$}{u}, n = {})",
            self.value * k,
            self.level,
            self.interval.lower * k,
            self.interval.upper * k,
            self.n
        )
    }
}
