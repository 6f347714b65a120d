//! Comparing two independent groups: is a change real or noise?
//!
//! Each function takes the scores of two independent samples (two
//! periods, two channels …) and returns a [`Comparison`]: the difference
//! a − b, its interval, the test statistic, the two-sided p-value and
//! whether the difference is significant at the chosen level.
//!
//! # Example
//!
//! ```
//! use cxmetrics::{ConfidenceLevel, Nps, compare};
//!
//! let march = Nps::from_counts(200, 100, 100)?;
//! let april = Nps::from_counts(150, 150, 100)?;
//! let c = compare::nps(&march, &april, ConfidenceLevel::P90)?;
//! assert_eq!(c.difference, 12.5);
//! assert!(c.significant); // p ≈ 0.028 < 0.10
//! # Ok::<(), cxmetrics::Error>(())
//! ```

use std::fmt;

use crate::dist;
use crate::error::Error;
use crate::estimate::Interval;
use crate::interval::ConfidenceLevel;
use crate::interval::nps::multinomial_variance;
use crate::interval::proportion::wilson;
use crate::metric::mean::Mean;
use crate::metric::nps::Nps;
use crate::metric::top_box::TopBox;
use crate::unit::Unit;

/// The result of comparing two independent groups, a − b.
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, Nps, compare};
/// let c = compare::nps(&Nps::from_counts(45, 30, 25)?, &Nps::from_counts(38, 35, 27)?, ConfidenceLevel::P95)?;
/// assert!((c.difference - 9.0).abs() < 1e-12);
/// assert!(c.interval.contains(0.0) && !c.significant); // p ≈ 0.43
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Comparison {
    /// The difference a − b, in the scores' units (NPS points, share
    /// fractions, scale points).
    pub difference: f64,
    /// The (unpooled) standard error of the difference.
    pub std_error: f64,
    /// The confidence interval of the difference.
    pub interval: Interval,
    /// The test statistic (z, or t for means).
    pub statistic: f64,
    /// Degrees of freedom of a t statistic (Welch–Satterthwaite); `None`
    /// for z tests.
    pub df: Option<f64>,
    /// The two-sided p-value.
    pub p_value: f64,
    /// The confidence level of the interval; also sets the significance
    /// threshold α = 1 − level.
    pub level: ConfidenceLevel,
    /// Whether p < α.
    pub significant: bool,
    /// The test and interval used.
    pub method: ComparisonMethod,
    /// The unit of `difference`, `std_error` and `interval`: NPS points, a
    /// share difference (a fraction on −1..=1, displayed in percentage
    /// points) or scale points.
    pub unit: Unit,
}

/// The test (and interval) behind a [`Comparison`].
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, Nps, compare};
/// let c = compare::nps(&Nps::from_counts(45, 30, 25)?, &Nps::from_counts(38, 35, 27)?, ConfidenceLevel::P95)?;
/// assert_eq!(c.method, compare::ComparisonMethod::NpsZ);
/// assert_eq!(c.df, None);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ComparisonMethod {
    /// z test of two NPS with the multinomial variance; Wald interval.
    NpsZ,
    /// Pooled two-proportion z test, with the interval of the difference
    /// by the given method.
    TwoProportionZ(DifferenceMethod),
    /// Welch's unequal-variance t test and interval.
    WelchT,
}

/// How to compute the interval of a difference of two shares.
///
/// # Example
///
/// ```
/// use cxmetrics::compare::{self, DifferenceMethod};
/// use cxmetrics::{ConfidenceLevel, Scale, Tally, TopBox};
/// let a = TopBox::top(&Tally::from_counts(Scale::CSAT_5, &[0, 0, 0, 2, 8])?, 2)?;
/// let b = TopBox::top(&Tally::from_counts(Scale::CSAT_5, &[1, 0, 0, 2, 7])?, 2)?;
/// let wald = compare::top_box_with(&a, &b, DifferenceMethod::Wald, ConfidenceLevel::P95)?;
/// let newcombe = compare::top_box(&a, &b, ConfidenceLevel::P95)?;
/// assert!(newcombe.interval.width() > wald.interval.width()); // Wald is too narrow at the edge
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum DifferenceMethod {
    /// Newcombe's hybrid score interval from two Wilson intervals (Newcombe
    /// 1998, method 10): good coverage even near 0 and 1. The default.
    #[default]
    Newcombe,
    /// Unpooled Wald interval (p_a − p_b) ± z·√(p_a q_a/n_a + p_b q_b/n_b).
    Wald,
}

impl fmt::Display for Comparison {
    /// `+12.5 (90% CI +3.1 to +21.9), z = 2.20, p = 0.028, significant`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision().unwrap_or(1);
        let stat = if self.df.is_some() { "t" } else { "z" };
        let (k, u) = (self.unit.display_factor(), self.unit.difference_suffix());
        write!(
            f,
            "{:+.p$}{u} ({} CI {:+.p$}{u} to {:+.p$}{u}), {stat} = {:.2}, p = {:.3}, {}",
            self.difference * k,
            self.level,
            self.interval.lower * k,
            self.interval.upper * k,
            self.statistic,
            self.p_value,
            if self.significant {
                "significant"
            } else {
                "not significant"
            }
        )
    }
}

impl Comparison {
    /// Fills in `significant` from the p-value and the level.
    fn decided(mut self) -> Comparison {
        self.significant = self.p_value < self.level.alpha();
        self
    }
}

/// Compares two Net Promoter Scores from independent samples, in points.
///
/// # Formula
///
/// ```text
/// Δ = (p_a − d_a) − (p_b − d_b)
/// se = √(V_a/n_a + V_b/n_b),  V = p + d − (p − d)²
/// z = Δ/se,  p = 2(1 − Φ(|z|)),  interval Δ ± z_{1−α/2}·se     (× 100)
/// ```
///
/// Weighted samples use their Kish effective sizes.
///
/// # Errors
///
/// [`Error::ZeroVariance`] when both groups have zero variance (every
/// answer in one bucket), which leaves the test undefined.
pub fn nps(a: &Nps, b: &Nps, level: ConfidenceLevel) -> Result<Comparison, Error> {
    let var = |x: &Nps| {
        let (pr, de, n) = x.trinomial();
        multinomial_variance(pr / n, de / n) / n
    };
    let se = (var(a) + var(b)).sqrt();
    if se.is_nan() || se <= 0.0 {
        return Err(Error::ZeroVariance {
            what: "an NPS difference test",
            n: total_n(a.n(), b.n())?,
        });
    }
    let diff = a.fraction() - b.fraction();
    let z = diff / se;
    let half = level.z() * se;
    let interval = Interval {
        lower: (diff - half).max(-2.0),
        upper: (diff + half).min(2.0),
    };
    Ok(Comparison {
        difference: 100.0 * diff,
        std_error: 100.0 * se,
        interval: interval.scaled(100.0),
        statistic: z,
        df: None,
        p_value: dist::normal_two_sided(z),
        level,
        significant: false,
        method: ComparisonMethod::NpsZ,
        unit: Unit::NpsPoints,
    }
    .decided())
}

/// Compares two top-box (or bottom-box) shares with the pooled z test and
/// Newcombe's hybrid score interval (the recommended default).
///
/// # Errors
///
/// As [`top_box_with`].
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, Scale, Tally, TopBox, compare};
///
/// let q1 = Tally::from_counts(Scale::CSAT_5, &[4, 6, 10, 40, 40])?;
/// let q2 = Tally::from_counts(Scale::CSAT_5, &[5, 10, 15, 35, 35])?;
/// let c = compare::top_box(&TopBox::top(&q1, 2)?, &TopBox::top(&q2, 2)?, ConfidenceLevel::P95)?;
/// assert!((c.difference - 0.1).abs() < 1e-15);
/// assert!(!c.significant); // p ≈ 0.10
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn top_box(a: &TopBox, b: &TopBox, level: ConfidenceLevel) -> Result<Comparison, Error> {
    top_box_with(a, b, DifferenceMethod::default(), level)
}

/// Compares two shares: the pooled two-proportion z test, with the
/// interval of the difference by `method`.
///
/// # Formula
///
/// ```text
/// p̄ = (k_a + k_b)/(n_a + n_b),  z = (p_a − p_b)/√(p̄(1 − p̄)(1/n_a + 1/n_b))
/// Wald:     (p_a − p_b) ± z_{1−α/2}·√(p_a q_a/n_a + p_b q_b/n_b)
/// Newcombe: (p_a − p_b) − √((p_a − l_a)² + (u_b − p_b)²),
///           (p_a − p_b) + √((u_a − p_a)² + (p_b − l_b)²)
///           with (l, u) the Wilson intervals of each share
/// ```
///
/// Weighted shares use the Kish effective sample sizes.
///
/// # Errors
///
/// [`Error::Incomparable`] when the shares are over different points or
/// scales; [`Error::ZeroVariance`] when both groups are all in or all out
/// of the box (the pooled test is undefined).
///
/// # References
///
/// Newcombe (1998), "Interval estimation for the difference between
/// independent proportions", *Statistics in Medicine* 17; statsmodels
/// `proportions_ztest` and `confint_proportions_2indep`.
pub fn top_box_with(
    a: &TopBox,
    b: &TopBox,
    method: DifferenceMethod,
    level: ConfidenceLevel,
) -> Result<Comparison, Error> {
    if a.scale() != b.scale() || a.points() != b.points() {
        let describe = |t: &TopBox| {
            format!(
                "the share of {}..={} on {}",
                t.points().start(),
                t.points().end(),
                t.scale()
            )
        };
        return Err(Error::Incomparable {
            left: describe(a),
            right: describe(b),
        });
    }
    let (ka, na) = a.binomial();
    let (kb, nb) = b.binomial();
    let (pa, pb) = (ka / na, kb / nb);
    let pooled = (ka + kb) / (na + nb);
    let se0 = (pooled * (1.0 - pooled) * (1.0 / na + 1.0 / nb)).sqrt();
    if se0.is_nan() || se0 <= 0.0 {
        return Err(Error::ZeroVariance {
            what: "a two-proportion z test",
            n: total_n(a.n(), b.n())?,
        });
    }
    let diff = pa - pb;
    let z = diff / se0;
    let se = (pa * (1.0 - pa) / na + pb * (1.0 - pb) / nb).sqrt();
    let crit = level.z();
    let interval = match method {
        DifferenceMethod::Wald => Interval {
            lower: diff - crit * se,
            upper: diff + crit * se,
        },
        DifferenceMethod::Newcombe => {
            let wa = wilson(pa, na, crit);
            let wb = wilson(pb, nb, crit);
            Interval {
                lower: diff - ((pa - wa.lower).powi(2) + (wb.upper - pb).powi(2)).sqrt(),
                upper: diff + ((wa.upper - pa).powi(2) + (pb - wb.lower).powi(2)).sqrt(),
            }
        }
    };
    let interval = Interval {
        lower: interval.lower.max(-1.0),
        upper: interval.upper.min(1.0),
    };
    Ok(Comparison {
        difference: diff,
        std_error: se,
        interval,
        statistic: z,
        df: None,
        p_value: dist::normal_two_sided(z),
        level,
        significant: false,
        method: ComparisonMethod::TwoProportionZ(method),
        unit: Unit::Share,
    }
    .decided())
}

/// n_a + n_b for an error message, checked: the sum of two `u64` counts
/// can exceed `u64::MAX`.
fn total_n(a: u64, b: u64) -> Result<u64, Error> {
    a.checked_add(b).ok_or(Error::CountOverflow {
        what: "answers compared",
        count: a,
        added: b,
    })
}

/// Compares two mean ratings with Welch's unequal-variance t test.
///
/// # Formula
///
/// ```text
/// se² = s_a²/n_a + s_b²/n_b
/// df  = se⁴ / ((s_a²/n_a)²/(n_a − 1) + (s_b²/n_b)²/(n_b − 1))   (Welch–Satterthwaite)
/// t = (x̄_a − x̄_b)/se,  p = 2·P(T_df > |t|),  interval Δ ± t_{df}·se
/// ```
///
/// Weighted means use their Kish effective sizes for n.
///
/// # Errors
///
/// [`Error::ScaleMismatch`] when the means are on different scales;
/// [`Error::TooFewAnswers`] when either group has an effective n ≤ 1;
/// [`Error::ZeroVariance`] when both groups have zero variance;
/// [`Error::UnboundedInterval`] when df is so small (well below 1) that the
/// t quantile exceeds `f64`.
///
/// # References
///
/// Welch (1947), *Biometrika* 34; scipy `ttest_ind(equal_var=False)`.
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, Mean, Scale, Tally, compare};
///
/// let a = Mean::from_tally(&Tally::from_counts(Scale::CSAT_5, &[5, 10, 20, 40, 25])?)?;
/// let b = Mean::from_tally(&Tally::from_counts(Scale::CSAT_5, &[8, 12, 25, 35, 20])?)?;
/// let c = compare::means(&a, &b, ConfidenceLevel::P95)?;
/// assert!((c.statistic - 1.424988444514592).abs() < 1e-12);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn means(a: &Mean, b: &Mean, level: ConfidenceLevel) -> Result<Comparison, Error> {
    if a.scale() != b.scale() {
        return Err(Error::ScaleMismatch {
            expected: a.scale(),
            actual: b.scale(),
        });
    }
    let va = a.variance()? / a.effective_n();
    let vb = b.variance()? / b.effective_n();
    let se = (va + vb).sqrt();
    if se.is_nan() || se <= 0.0 {
        return Err(Error::ZeroVariance {
            what: "a Welch t test",
            n: total_n(a.n(), b.n())?,
        });
    }
    // Welch–Satterthwaite through the variance shares r + s = 1, so that
    // tiny variances (whose squares underflow) cannot make it 0/0: df lies
    // between min(n_a, n_b) − 1 and n_a + n_b − 2.
    let (r, s) = (va / (va + vb), vb / (va + vb));
    let df = 1.0 / (r * r / (a.effective_n() - 1.0) + s * s / (b.effective_n() - 1.0));
    // From the offsets (same scale): a mean's rounding near a point
    // would otherwise swamp a difference of 1e-16.
    let diff = a.offset() - b.offset();
    let t = diff / se;
    // With a fraction of a degree of freedom the t quantile can exceed f64.
    let half = level.t(df) * se;
    if !half.is_finite() {
        return Err(Error::UnboundedInterval {
            what: "a Welch interval",
            df,
        });
    }
    let interval = Interval {
        lower: diff - half,
        upper: diff + half,
    };
    Ok(Comparison {
        difference: diff,
        std_error: se,
        interval,
        statistic: t,
        df: Some(df),
        p_value: dist::t_two_sided(t, df),
        level,
        significant: false,
        method: ComparisonMethod::WelchT,
        unit: Unit::ScalePoints,
    }
    .decided())
}
