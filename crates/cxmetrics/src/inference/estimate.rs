//! A point estimate with its uncertainty.

use std::fmt;

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
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
    /// answers (every weight 1), whose design effect is 1 by definition.
    pub design: Option<DesignEffects>,
}

impl fmt::Display for Estimate {
    /// In the estimate's unit: `20.0 (95% CI 3.8 to 35.1, n = 100)` for
    /// NPS points and scale points, `73.0% (95% CI 72.6% to 73.4%, n = 47300)`
    /// for shares (stored as fractions, shown as percentages). The
    /// precision (default 1) applies to the value and the bounds.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision().unwrap_or(1);
        let (k, u) = (self.unit.display_factor(), self.unit.suffix());
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
