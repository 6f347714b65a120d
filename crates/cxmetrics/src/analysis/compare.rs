//! Comparing two independent groups: is a change real or noise?
//!
//! Each function takes the scores of two independent samples (two
//! periods, two channels …) and returns a [`Comparison`]: the difference
//! **a − b** (first argument minus second), its interval, the test
//! statistic, the two-sided p-value and whether the difference is
//! significant at the chosen level. For the change from one period to the
//! next, pass the later period first.
//!
//! Intervals are clipped to the range a difference can take: ±200 NPS
//! points, ±1 for shares (±100 percentage points); differences of means
//! are not clipped.
//!
//! # Weighted answers: design-based by default
//!
//! When either group's answers are weighted (any weight other than 1),
//! the comparison is design-based ([`ComparisonMethod::DesignBased`]): the
//! two groups are taken as two domains of **one** design without strata
//! or clusters, as R's `svyby` + `svycontrast` on the stacked rows give
//! it. With zᵢ = wᵢ(yᵢ − ȳ_D)/W_D the influence value of answer i of
//! domain D (0 outside it), n = n_a + n_b rows (zero weights included)
//! and n₊ of them of positive weight:
//!
//! ```text
//! v = n/(n − 1) · (Σ_a zᵢ² + Σ_b zᵢ²),   se = √v
//! t = (ȳ_a − ȳ_b)/se on n₊ − 1 degrees of freedom,  interval Δ ± t_{n₊−1}·se
//! ```
//!
//! clipped as above (means to ± the scale's span). Kish's effective
//! sample size in the unweighted formulas (the behaviour before 0.3) stays
//! available as an explicit option: the `*_with_variance` functions with
//! [`VarianceMethod::Kish`]. Unweighted answers always take the unweighted
//! tests, whatever the variance method.
//!
//! Two *separately drawn* samples (two surveys, not two groups of one
//! sample) are best described as one design with the survey as a stratum
//! and as the domain: see [`complex`](crate::complex) ("Comparisons"),
//! whose [`SurveyDesign::difference`](crate::complex::SurveyDesign::difference)
//! then gives R's answer for the stacked data; the functions here treat
//! the two tallies as two domains of one unstratified sample.
//!
//! A zero standard error (every positive-weight answer of both groups on
//! one value) has no test: [`Error::ZeroVariance`], never an infinite
//! statistic.
//!
//! # Example
//!
//! ```
//! use cxmetrics::{ConfidenceLevel, Nps, compare};
//!
//! let march = Nps::from_counts(200, 100, 100)?; // NPS 25.0
//! let april = Nps::from_counts(150, 150, 100)?; // NPS 12.5
//! let c = compare::nps(&april, &march, ConfidenceLevel::P90)?; // April − March
//! assert_eq!(c.difference, -12.5);
//! assert!(c.significant); // p ≈ 0.028 < 0.10
//! # Ok::<(), cxmetrics::Error>(())
//! ```

use std::fmt;

use crate::counting::tally::Tally;
use crate::foundation::error::Error;
use crate::foundation::metric_kind::Metric;
use crate::foundation::scale::Scale;
use crate::foundation::unit::Unit;
use crate::inference::complex::DomainDifference;
use crate::inference::design::moments::Moments;
use crate::inference::design::variance_method::VarianceMethod;
use crate::inference::estimate::Interval;
use crate::inference::interval::ConfidenceLevel;
use crate::inference::interval::proportion::wilson;
use crate::math::dist;
use crate::metrics::mean::Mean;
use crate::metrics::nps::{NetScore, Nps};
use crate::metrics::score::Score;
use crate::metrics::top_box::TopBox;

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
///
/// With the `serde` feature a comparison reads back only if it passes
/// [`Comparison::validate`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "ComparisonRepr"))]
pub struct Comparison {
    /// Which score was compared (NPS, a top-box share, a mean).
    pub metric: Metric,
    /// The difference a − b (first argument minus second), in the scores'
    /// units (NPS points, share fractions, scale points).
    pub difference: f64,
    /// The difference the test and interval are centred on when it is not
    /// the raw one: the adjusted NPS difference of
    /// [`NpsDifferenceMethod::AdjustedWald`] (pseudo-answers added), in the
    /// same unit; `None` for every other test.
    pub adjusted_difference: Option<f64>,
    /// The (unpooled) standard error of the difference.
    pub std_error: f64,
    /// The confidence interval of the difference, clipped to the range a
    /// difference can take (±200 NPS points, ±1 for shares).
    pub interval: Interval,
    /// The test statistic (z, or t for means).
    pub statistic: f64,
    /// Degrees of freedom of a t statistic (Welch–Satterthwaite); `None`
    /// for z tests.
    pub df: Option<f64>,
    /// The two-sided p-value.
    pub p_value: f64,
    /// The p-value adjusted for multiple comparisons when this comparison
    /// is one of a family (a trend, segments against the rest), by the
    /// family's [`Adjustment`](crate::multiplicity::Adjustment); `None`
    /// for a comparison on its own. `significant` follows it when present.
    pub adjusted_p_value: Option<f64>,
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
/// assert_eq!(c.method, compare::ComparisonMethod::NpsAdjustedWald);
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
    /// Rocks's adjusted Wald z test and interval of two NPS (¾ promoter,
    /// 1½ passive and ¾ detractor pseudo-answers added to each group).
    NpsAdjustedWald,
    /// One-sample Tango score test of an NPS (or net score) against a
    /// target, with Tango's interval ([`one_sample::nps`](crate::one_sample::nps)).
    NpsTargetScore,
    /// One-sample score test of a share against a target, with the Wilson
    /// interval ([`one_sample::share`](crate::one_sample::share)).
    ShareTargetScore,
    /// One-sample Student t test of a mean against a target
    /// ([`one_sample::mean`](crate::one_sample::mean)).
    MeanTargetT,
    /// Pooled two-proportion z test, with the interval of the difference
    /// by the given method.
    TwoProportionZ(DifferenceMethod),
    /// Welch's unequal-variance t test and interval.
    WelchT,
    /// Design-based difference of two domains of one design (R's `svyby`
    /// and `svycontrast`): linearized standard error over the whole
    /// sample, Student t on the design's degrees of freedom (n₊ − 1 for
    /// two weighted groups compared by the [`compare`](crate::compare)
    /// functions). The default for weighted answers. Also a one-sample
    /// test of a weighted score against a target (R's `svymean` with t on
    /// the design's degrees of freedom, n₊ − 1).
    DesignBased,
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
    /// In the unit of the difference, named once after the value:
    /// `+12.5 points (90% CI +3.1 to +21.9), z = 2.20, p = 0.028, significant`
    /// for NPS, `-0.6 pp (95% CI -16.1 to +14.8), …` for shares (percentage
    /// points), `+0.21 (…)` for means (scale points). The precision
    /// (default 1) applies to the difference and its bounds; a p-value
    /// below 0.001 shows as `p < 0.001`. A comparison within a family
    /// shows its adjusted p-value too, which `significant` follows:
    /// `…, p = 0.030 (adjusted 0.210), not significant`.
    ///
    /// The alternate form (`{:#}`) is compact, for tables: the difference
    /// with its unit, its interval in brackets and the p-value (the
    /// adjusted one within a family, marked `p_adj`) — `+12.5 [+3.1,
    /// +21.9] p=0.028` (NPS points), `+4.2 pp [-1.0, +9.4] p_adj=0.110`.
    ///
    /// ```
    /// use cxmetrics::{ConfidenceLevel, Nps, compare};
    /// let april = Nps::from_counts(150, 150, 100)?;
    /// let march = Nps::from_counts(200, 100, 100)?;
    /// let c = compare::nps(&april, &march, ConfidenceLevel::P95)?;
    /// assert_eq!(format!("{c:#}"), "-12.5 points [-23.5, -1.3] p=0.029");
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision().unwrap_or(1);
        if f.alternate() {
            let (k, u) = (self.unit.display_factor(), self.unit.difference_suffix());
            let (name, pv) = match self.adjusted_p_value {
                Some(a) => ("p_adj", a),
                None => ("p", self.p_value),
            };
            let pv = if pv < 0.001 {
                "<0.001".to_string()
            } else {
                format!("={pv:.3}")
            };
            return write!(
                f,
                "{:+.p$}{u} [{:+.p$}, {:+.p$}] {name}{pv}",
                self.difference * k,
                self.interval.lower * k,
                self.interval.upper * k,
            );
        }
        let stat = if self.df.is_some() { "t" } else { "z" };
        let (k, u) = (self.unit.display_factor(), self.unit.difference_suffix());
        let show = |p: f64| {
            if p < 0.001 {
                "< 0.001".to_string()
            } else {
                format!("= {p:.3}")
            }
        };
        let adjusted = match self.adjusted_p_value {
            Some(a) if a < 0.001 => " (adjusted < 0.001)".to_string(),
            Some(a) => format!(" (adjusted {a:.3})"),
            None => String::new(),
        };
        write!(
            f,
            "{:+.p$}{u} ({} CI {:+.p$} to {:+.p$}), {stat} = {:.2}, p {}{adjusted}, {}",
            self.difference * k,
            self.level,
            self.interval.lower * k,
            self.interval.upper * k,
            self.statistic,
            show(self.p_value),
            if self.significant {
                "significant"
            } else {
                "not significant"
            }
        )
    }
}

impl Comparison {
    /// Fills in `significant` from the (adjusted, when set) p-value and
    /// the level.
    pub(crate) fn decided(mut self) -> Comparison {
        self.significant = self.adjusted_p_value.unwrap_or(self.p_value) < self.level.alpha();
        self
    }

    /// The range of a difference in the comparison's unit: ±200 NPS
    /// points, ±1 for shares, unbounded for scale points.
    #[must_use]
    pub fn range(&self) -> (f64, f64) {
        match self.unit {
            Unit::NpsPoints => (-200.0, 200.0),
            Unit::Share => (-1.0, 1.0),
            Unit::ScalePoints => (f64::NEG_INFINITY, f64::INFINITY),
        }
    }

    /// Checks every invariant a comparison made by this crate satisfies:
    /// difference, standard error, statistic and bounds finite; the
    /// standard error at least 0; the interval ordered and, like the
    /// differences, within the unit's [range](Comparison::range); p-values
    /// (raw and adjusted) in [0, 1]; degrees of freedom, if any, finite
    /// and at least 1; `significant` as the p-value and level say.
    /// Deserializing a comparison runs it.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidResult`] naming the first broken invariant.
    ///
    /// ```
    /// use cxmetrics::{ConfidenceLevel, Nps, compare};
    /// let mut c = compare::nps(&Nps::from_counts(45, 30, 25)?, &Nps::from_counts(38, 35, 27)?, ConfidenceLevel::P95)?;
    /// assert!(c.validate().is_ok());
    /// c.p_value = 7.0;
    /// assert!(c.validate().is_err());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn validate(&self) -> Result<(), Error> {
        let bad = |reason: String| {
            Err(Error::InvalidResult {
                what: "comparison",
                reason,
            })
        };
        let (lower, upper) = (self.interval.lower, self.interval.upper);
        let finite = [
            self.difference,
            self.std_error,
            self.statistic,
            lower,
            upper,
        ]
        .iter()
        .chain(self.adjusted_difference.iter())
        .all(|x| x.is_finite());
        if !finite {
            return bad(format!(
                "difference {}, std_error {}, statistic {} and interval [{lower}, {upper}] must be finite",
                self.difference, self.std_error, self.statistic
            ));
        }
        if self.std_error < 0.0 {
            return bad(format!("std_error {} is negative", self.std_error));
        }
        if lower > upper {
            return bad(format!("interval [{lower}, {upper}] is unordered"));
        }
        let (lo, hi) = self.range();
        let inside = |x: f64| (lo..=hi).contains(&x);
        if !(inside(self.difference)
            && inside(lower)
            && inside(upper)
            && self.adjusted_difference.is_none_or(inside))
        {
            return bad(format!(
                "difference {} and interval [{lower}, {upper}] must lie in {lo}..={hi}",
                self.difference
            ));
        }
        for (name, p) in [
            ("p_value", Some(self.p_value)),
            ("adjusted_p_value", self.adjusted_p_value),
        ] {
            if let Some(p) = p
                && !(0.0..=1.0).contains(&p)
            {
                return bad(format!("{name} {p} is outside [0, 1]"));
            }
        }
        if let Some(df) = self.df
            && !(df.is_finite() && df >= 1.0 - 1e-9)
        {
            return bad(format!("df {df} must be finite and at least 1"));
        }
        if self.significant != (self.adjusted_p_value.unwrap_or(self.p_value) < self.level.alpha())
        {
            return bad(format!(
                "significant = {} disagrees with p {} at level {}",
                self.significant,
                self.adjusted_p_value.unwrap_or(self.p_value),
                self.level
            ));
        }
        Ok(())
    }

    /// The comparison, or [`Error::NotRepresentable`] when it breaks an
    /// invariant of [`Comparison::validate`] (a test statistic beyond f64:
    /// a target the data make impossible, a difference lost to rounding).
    pub(crate) fn sane(self) -> Result<Comparison, Error> {
        self.validate().map_err(|e| Error::NotRepresentable {
            what: "a comparison",
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
struct ComparisonRepr {
    metric: Metric,
    difference: f64,
    adjusted_difference: Option<f64>,
    std_error: f64,
    interval: Interval,
    statistic: f64,
    df: Option<f64>,
    p_value: f64,
    adjusted_p_value: Option<f64>,
    level: ConfidenceLevel,
    significant: bool,
    method: ComparisonMethod,
    unit: Unit,
}

#[cfg(feature = "serde")]
impl TryFrom<ComparisonRepr> for Comparison {
    type Error = Error;
    fn try_from(r: ComparisonRepr) -> Result<Comparison, Error> {
        let c = Comparison {
            metric: r.metric,
            difference: r.difference,
            adjusted_difference: r.adjusted_difference,
            std_error: r.std_error,
            interval: r.interval,
            statistic: r.statistic,
            df: r.df,
            p_value: r.p_value,
            adjusted_p_value: r.adjusted_p_value,
            level: r.level,
            significant: r.significant,
            method: r.method,
            unit: r.unit,
        };
        c.validate()?;
        Ok(c)
    }
}

/// Compares two Net Promoter Scores from independent samples, in points,
/// with the adjusted Wald test (the default: see [`nps_with`]).
///
/// The difference reported is the raw a − b; the test and the interval
/// are those of [`NpsDifferenceMethod::AdjustedWald`], whose interval is
/// centred on the adjusted difference and clipped to ±200 points.
///
/// # Errors
///
/// As [`nps_with`].
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, Nps, compare};
/// let march = Nps::from_counts(200, 100, 100)?;
/// let april = Nps::from_counts(150, 150, 100)?;
/// // March minus April: +12.5 points.
/// let c = compare::nps(&march, &april, ConfidenceLevel::P90)?;
/// assert_eq!(c.difference, 12.5);
/// assert_eq!(c.method, compare::ComparisonMethod::NpsAdjustedWald);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn nps(a: &Nps, b: &Nps, level: ConfidenceLevel) -> Result<Comparison, Error> {
    nps_with(a, b, NpsDifferenceMethod::default(), level)
}

/// How to test and bound a difference of two independent NPS (or net
/// scores).
///
/// # Example
///
/// ```
/// use cxmetrics::compare::NpsDifferenceMethod;
/// assert_eq!(NpsDifferenceMethod::default(), NpsDifferenceMethod::AdjustedWald);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum NpsDifferenceMethod {
    /// Rocks's adjusted Wald test (R package `NPS`, `nps_test(test =
    /// "adjusted.wald")`): ¾ promoter, 1½ passive and ¾ detractor
    /// pseudo-answers are added to each group before a Wald test. With
    /// equal groups of 10 its size at nominal 5% is close to 5%, where the
    /// plain Wald test rejects 8–8.5% of the time. The default.
    #[default]
    AdjustedWald,
    /// The plain Wald z test with the multinomial variance.
    Wald,
}

/// Compares two Net Promoter Scores from independent samples, in points,
/// by the given method. Arguments are in the order a, b: the difference is
/// a − b.
///
/// # Formula
///
/// ```text
/// Wald:           Δ = (p_a − d_a) − (p_b − d_b),  se = √(V_a/n_a + V_b/n_b),  V = p + d − (p − d)²
///                 z = Δ/se,  p = 2Φ(−|z|),  interval Δ ± z_{1−α/2}·se
/// adjusted Wald:  P′ = P + ¾, A′ = A + 1½, D′ = D + ¾, n′ = n + 3 in each group;
///                 Δ′ = (p′_a − d′_a) − (p′_b − d′_b),  se′ = √(V′_a/n′_a + V′_b/n′_b)
///                 z = Δ′/se′,  p = 2Φ(−|z|),  interval Δ′ ± z_{1−α/2}·se′
/// ```
///
/// all × 100, the interval clipped to −200..=200 (the range of a
/// difference of two scores on −100..=100). The reported `difference` is
/// always the raw Δ; the adjusted test's centre Δ′ is in
/// [`Comparison::adjusted_difference`]. Weighted samples are compared
/// design-based (see the [module](self) docs; [`nps_with_variance`] with
/// [`VarianceMethod::Kish`] for the Kish effective sizes).
///
/// # Errors
///
/// [`Error::ZeroVariance`] for the Wald test when both groups have zero
/// variance (every answer in one bucket), which leaves it undefined; the
/// adjusted test is always defined.
///
/// # References
///
/// Rocks, B. (2016), "Interval Estimation for the Net Promoter Score",
/// *The American Statistician* 70(4); R package `NPS` (`nps_test`).
///
/// # Example
///
/// ```
/// use cxmetrics::compare::{self, NpsDifferenceMethod};
/// use cxmetrics::{ConfidenceLevel, Nps};
/// let a = Nps::from_counts(8, 1, 1)?;
/// let b = Nps::from_counts(4, 3, 3)?;
/// let wald = compare::nps_with(&a, &b, NpsDifferenceMethod::Wald, ConfidenceLevel::P95)?;
/// let adjusted = compare::nps_with(&a, &b, NpsDifferenceMethod::AdjustedWald, ConfidenceLevel::P95)?;
/// assert_eq!(wald.difference, adjusted.difference); // both 60 points
/// assert!(adjusted.p_value > wald.p_value); // Wald is too eager at small n
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn nps_with(
    a: &Nps,
    b: &Nps,
    method: NpsDifferenceMethod,
    level: ConfidenceLevel,
) -> Result<Comparison, Error> {
    nps_with_variance(a, b, method, VarianceMethod::default(), level)
}

/// Compares two NPS, a − b, with the variance of weighted answers chosen:
/// [`VarianceMethod::Linearized`] (the default of [`nps_with`]) makes a
/// weighted comparison design-based (see the [module](self) docs; `method`
/// then applies to unweighted answers only), [`VarianceMethod::Kish`] runs
/// `method` at the Kish effective sizes.
///
/// # Errors
///
/// As [`nps_with`]; design-based: [`Error::ZeroVariance`] when the
/// standard error of the difference is 0.
///
/// # Example
///
/// ```
/// use cxmetrics::compare::{self, ComparisonMethod, NpsDifferenceMethod};
/// use cxmetrics::design::VarianceMethod;
/// use cxmetrics::{ConfidenceLevel, Nps, Scale, Tally};
/// let a = { let mut t = Tally::new(Scale::NPS); t.extend_weighted_scores(&[10u8, 9, 3, 8], &[1.0, 2.0, 0.5, 1.5])?; t };
/// let b = { let mut t = Tally::new(Scale::NPS); t.extend_weighted_scores(&[6u8, 9, 2, 10], &[1.0, 1.0, 2.0, 0.5])?; t };
/// let (a, b) = (Nps::from_tally(&a)?, Nps::from_tally(&b)?);
/// let design = compare::nps(&a, &b, ConfidenceLevel::P95)?;
/// assert_eq!(design.method, ComparisonMethod::DesignBased);
/// assert_eq!(design.df, Some(7.0)); // 8 answers of positive weight − 1
/// let kish = compare::nps_with_variance(&a, &b, NpsDifferenceMethod::Wald, VarianceMethod::Kish, ConfidenceLevel::P95)?;
/// assert_eq!(kish.method, ComparisonMethod::NpsZ);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn nps_with_variance(
    a: &Nps,
    b: &Nps,
    method: NpsDifferenceMethod,
    variance: VarianceMethod,
    level: ConfidenceLevel,
) -> Result<Comparison, Error> {
    if design_based(variance, a.design.is_some() || b.design.is_some()) {
        let part = |x: &Nps| {
            x.design.as_ref().map_or_else(
                || {
                    let (p, d, n) = x.trinomial();
                    DomainPart::unweighted(
                        (p - d) / n,
                        (p * (n - p) + d * (n - d) + 2.0 * p * d) / (n * n * n),
                        x.n(),
                    )
                },
                DomainPart::of,
            )
        };
        let (pa, pb) = (part(a), part(b));
        return design_difference(
            &pa,
            &pb,
            pa.mean - pb.mean,
            100.0,
            2.0,
            (Metric::Nps, Unit::NpsPoints),
            level,
        );
    }
    net_difference(
        a.trinomial(),
        b.trinomial(),
        a.n(),
        b.n(),
        Metric::Nps,
        method,
        level,
    )
}

/// The difference of two net scores given (positive, negative, n) of each
/// group (possibly fractional), in points.
pub(crate) fn net_difference(
    (pa, da, na): (f64, f64, f64),
    (pb, db, nb): (f64, f64, f64),
    n_a: u64,
    n_b: u64,
    metric: Metric,
    method: NpsDifferenceMethod,
    level: ConfidenceLevel,
) -> Result<Comparison, Error> {
    let raw = (pa / na - da / na) - (pb / nb - db / nb);
    // Var(p̂ − d̂)·n = p(1 − p) + d(1 − d) + 2pd, with 1 − p and 1 − d taken
    // from the complementary counts: p + d − (p − d)² cancels to 0 when one
    // share is near 1 and n is large.
    let var = |p: f64, d: f64, n: f64| (p * (n - p) + d * (n - d) + 2.0 * p * d) / (n * n * n);
    let (centre, se, comparison_method) = match method {
        NpsDifferenceMethod::Wald => (
            raw,
            (var(pa, da, na) + var(pb, db, nb)).sqrt(),
            ComparisonMethod::NpsZ,
        ),
        NpsDifferenceMethod::AdjustedWald => {
            // Rocks's pseudo-answers: ¾ promoter, 1½ passive, ¾ detractor.
            let adjusted =
                |p: f64, d: f64, n: f64| ((p - d) / (n + 3.0), var(p + 0.75, d + 0.75, n + 3.0));
            let (ca, va) = adjusted(pa, da, na);
            let (cb, vb) = adjusted(pb, db, nb);
            (ca - cb, (va + vb).sqrt(), ComparisonMethod::NpsAdjustedWald)
        }
    };
    if se.is_nan() || se <= 0.0 || !(centre / se).is_finite() {
        return Err(Error::ZeroVariance {
            what: "an NPS difference test",
            n: total_n(n_a, n_b)?,
        });
    }
    let z = centre / se;
    let half = level.z() * se;
    let interval = Interval {
        lower: (centre - half).max(-2.0),
        upper: (centre + half).min(2.0),
    };
    Comparison {
        metric,
        difference: 100.0 * raw,
        adjusted_difference: match method {
            NpsDifferenceMethod::AdjustedWald => Some(100.0 * centre),
            NpsDifferenceMethod::Wald => None,
        },
        std_error: 100.0 * se,
        interval: interval.scaled(100.0),
        statistic: z,
        df: None,
        p_value: dist::normal_two_sided(z),
        adjusted_p_value: None,
        level,
        significant: false,
        method: comparison_method,
        unit: Unit::NpsPoints,
    }
    .decided()
    .sane()
}

/// Compares two net scores (top-k minus bottom-j shares) from independent
/// samples, in points, with the adjusted Wald test: the net-score
/// counterpart of [`nps`] (positive answers play promoters, negative ones
/// detractors). Both must count the same boxes on the same scale; the
/// scores do not record which, so that is the caller's to ensure.
///
/// # Errors
///
/// As [`nps_with`].
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, NetScore, Scale, Tally, compare};
/// let a = NetScore::from_tally(&Tally::from_counts(Scale::CSAT_5, &[5, 5, 10, 40, 40])?, 2, 2)?;
/// let b = NetScore::from_tally(&Tally::from_counts(Scale::CSAT_5, &[10, 10, 20, 30, 30])?, 2, 2)?;
/// let c = compare::net_scores(&a, &b, ConfidenceLevel::P95)?;
/// assert!((c.difference - 30.0).abs() < 1e-9); // 70 − 40 points
/// assert!(c.significant);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn net_scores(a: &NetScore, b: &NetScore, level: ConfidenceLevel) -> Result<Comparison, Error> {
    net_scores_with(a, b, NpsDifferenceMethod::default(), level)
}

/// Compares two net scores by the given method (see [`nps_with`]).
///
/// # Errors
///
/// As [`nps_with`].
///
/// # Example
///
/// ```
/// use cxmetrics::compare::{self, NpsDifferenceMethod};
/// use cxmetrics::{ConfidenceLevel, NetScore, Scale, Tally};
/// let a = NetScore::from_tally(&Tally::from_counts(Scale::CES_7, &[1, 1, 2, 4, 10, 12, 10])?, 3, 3)?;
/// let b = NetScore::from_tally(&Tally::from_counts(Scale::CES_7, &[3, 3, 4, 5, 8, 9, 8])?, 3, 3)?;
/// let c = compare::net_scores_with(&a, &b, NpsDifferenceMethod::Wald, ConfidenceLevel::P95)?;
/// assert_eq!(c.metric, cxmetrics::Metric::NetScore);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn net_scores_with(
    a: &NetScore,
    b: &NetScore,
    method: NpsDifferenceMethod,
    level: ConfidenceLevel,
) -> Result<Comparison, Error> {
    net_difference(
        a.trinomial(),
        b.trinomial(),
        a.n(),
        b.n(),
        Metric::NetScore,
        method,
        level,
    )
}

/// Compares two top-box (or bottom-box) shares, a − b, with the pooled z
/// test and Newcombe's hybrid score interval (the recommended default);
/// the interval is clipped to −1..=1.
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

/// Compares two shares, a − b: the pooled two-proportion z test, with the
/// interval of the difference by `method`, clipped to −1..=1 (±100
/// percentage points).
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
/// Weighted shares are compared design-based (see the [module](self)
/// docs; [`top_box_with_variance`] with [`VarianceMethod::Kish`] for the
/// Kish effective sizes).
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
    top_box_with_variance(a, b, method, VarianceMethod::default(), level)
}

/// Compares two shares, a − b, with the variance of weighted answers
/// chosen: [`VarianceMethod::Linearized`] (the default of
/// [`top_box_with`]) makes a weighted comparison design-based (see the
/// [module](self) docs; `method` then applies to unweighted answers only),
/// [`VarianceMethod::Kish`] runs the pooled z test and `method`'s interval
/// at the Kish effective sizes.
///
/// # Errors
///
/// As [`top_box_with`]; design-based: [`Error::ZeroVariance`] when the
/// standard error of the difference is 0.
///
/// # Example
///
/// ```
/// use cxmetrics::compare::{self, ComparisonMethod, DifferenceMethod};
/// use cxmetrics::design::VarianceMethod;
/// use cxmetrics::{ConfidenceLevel, Scale, Tally, TopBox};
/// let a = { let mut t = Tally::new(Scale::CSAT_5); t.extend_weighted_scores(&[5u8, 4, 2, 1], &[1.0, 2.0, 0.5, 1.5])?; t };
/// let b = { let mut t = Tally::new(Scale::CSAT_5); t.extend_weighted_scores(&[5u8, 3, 2, 4], &[1.0, 1.0, 2.0, 0.5])?; t };
/// let (a, b) = (TopBox::top(&a, 2)?, TopBox::top(&b, 2)?);
/// let kish = compare::top_box_with_variance(&a, &b, DifferenceMethod::Wald, VarianceMethod::Kish, ConfidenceLevel::P95)?;
/// assert_eq!(kish.method, ComparisonMethod::TwoProportionZ(DifferenceMethod::Wald));
/// let design = compare::top_box(&a, &b, ConfidenceLevel::P95)?;
/// assert_eq!(design.method, ComparisonMethod::DesignBased);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn top_box_with_variance(
    a: &TopBox,
    b: &TopBox,
    method: DifferenceMethod,
    variance: VarianceMethod,
    level: ConfidenceLevel,
) -> Result<Comparison, Error> {
    if a.scale() != b.scale() || a.points() != b.points() {
        let describe = |t: &TopBox| {
            format!(
                "the share of {}..={} on {:#}",
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
    if design_based(variance, a.design.is_some() || b.design.is_some()) {
        let part = |x: &TopBox| {
            x.design.as_ref().map_or_else(
                || {
                    let n = x.n() as f64;
                    let k = x.count() as f64;
                    DomainPart::unweighted(k / n, (k / n) * ((n - k) / n) / n, x.n())
                },
                DomainPart::of,
            )
        };
        let (pa, pb) = (part(a), part(b));
        return design_difference(
            &pa,
            &pb,
            pa.mean - pb.mean,
            1.0,
            1.0,
            (Metric::TopBox, Unit::Share),
            level,
        );
    }
    let (ka, na) = a.binomial();
    let (kb, nb) = b.binomial();
    // Complements from the complementary counts, not 1 − p, so that
    // shares near 1 keep their digits.
    let (fa, fb) = ((na - ka).max(0.0), (nb - kb).max(0.0));
    let (pa, pb) = (ka / na, kb / nb);
    let (qa, qb) = (fa / na, fb / nb);
    let pooled = (ka + kb) / (na + nb);
    let pooled_q = (fa + fb) / (na + nb);
    let se0 = (pooled * pooled_q * (1.0 / na + 1.0 / nb)).sqrt();
    if se0.is_nan() || se0 <= 0.0 {
        return Err(Error::ZeroVariance {
            what: "a two-proportion z test",
            n: total_n(a.n(), b.n())?,
        });
    }
    let diff = pa - pb;
    let z = diff / se0;
    let se = (pa * qa / na + pb * qb / nb).sqrt();
    let crit = level.z();
    let interval = match method {
        DifferenceMethod::Wald => Interval {
            lower: diff - crit * se,
            upper: diff + crit * se,
        },
        DifferenceMethod::Newcombe => {
            let wa = wilson(pa, qa, na, crit);
            let wb = wilson(pb, qb, nb, crit);
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
    Comparison {
        metric: Metric::TopBox,
        difference: diff,
        adjusted_difference: None,
        std_error: se,
        interval,
        statistic: z,
        df: None,
        p_value: dist::normal_two_sided(z),
        adjusted_p_value: None,
        level,
        significant: false,
        method: ComparisonMethod::TwoProportionZ(method),
        unit: Unit::Share,
    }
    .decided()
    .sane()
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

/// Compares two mean ratings, a − b, with Welch's unequal-variance t test
/// (the interval is not clipped).
///
/// # Formula
///
/// ```text
/// se² = s_a²/n_a + s_b²/n_b
/// df  = se⁴ / ((s_a²/n_a)²/(n_a − 1) + (s_b²/n_b)²/(n_b − 1))   (Welch–Satterthwaite)
/// t = (x̄_a − x̄_b)/se,  p = 2·P(T_df > |t|),  interval Δ ± t_{df}·se
/// ```
///
/// Weighted means are compared design-based (see the [module](self)
/// docs; [`means_with_variance`] with [`VarianceMethod::Kish`] for Welch
/// at the Kish effective sizes).
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
    means_with_variance(a, b, VarianceMethod::default(), level)
}

/// Compares two mean ratings, a − b, with the variance of weighted answers
/// chosen: [`VarianceMethod::Linearized`] (the default of [`means`]) makes
/// a weighted comparison design-based (see the [module](self) docs),
/// [`VarianceMethod::Kish`] runs Welch's test at the Kish effective sizes.
///
/// # Errors
///
/// As [`means`]; design-based: [`Error::ZeroVariance`] when the standard
/// error of the difference is 0.
///
/// # Example
///
/// ```
/// use cxmetrics::compare::{self, ComparisonMethod};
/// use cxmetrics::design::VarianceMethod;
/// use cxmetrics::{ConfidenceLevel, Mean, Scale, Tally};
/// let a = { let mut t = Tally::new(Scale::CSAT_5); t.extend_weighted_scores(&[5u8, 4, 2, 1], &[1.0, 2.0, 0.5, 1.5])?; t };
/// let b = { let mut t = Tally::new(Scale::CSAT_5); t.extend_weighted_scores(&[5u8, 3, 2, 4], &[1.0, 1.0, 2.0, 0.5])?; t };
/// let (a, b) = (Mean::from_tally(&a)?, Mean::from_tally(&b)?);
/// let design = compare::means(&a, &b, ConfidenceLevel::P95)?;
/// assert_eq!((design.method, design.df), (ComparisonMethod::DesignBased, Some(7.0)));
/// let kish = compare::means_with_variance(&a, &b, VarianceMethod::Kish, ConfidenceLevel::P95)?;
/// assert_eq!(kish.method, ComparisonMethod::WelchT);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn means_with_variance(
    a: &Mean,
    b: &Mean,
    variance: VarianceMethod,
    level: ConfidenceLevel,
) -> Result<Comparison, Error> {
    if a.scale() != b.scale() {
        return Err(Scale::mismatch(a.scale(), b.scale()));
    }
    if design_based(variance, a.design.is_some() || b.design.is_some()) {
        let part = |x: &Mean| {
            x.design.as_ref().map_or_else(
                || {
                    DomainPart::unweighted(
                        x.offset(),
                        x.population_variance() / x.n() as f64,
                        x.n(),
                    )
                },
                DomainPart::of,
            )
        };
        let (pa, pb) = (part(a), part(b));
        let span = f64::from(a.scale().highest() - a.scale().lowest());
        // From the offsets (same scale), as Welch's test does.
        return design_difference(
            &pa,
            &pb,
            a.offset() - b.offset(),
            1.0,
            span,
            (Metric::Mean, Unit::ScalePoints),
            level,
        );
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
    // Below one degree of freedom the interval is meaningless (±4e128 at
    // df 0.01, from a few effective answers in one group).
    if df.is_nan() || df < 1.0 - 1e-9 {
        return Err(Error::TooFewDegreesOfFreedom {
            what: "a Welch t test",
            df,
            needed: 1.0,
            cause: format!(
                "Welch–Satterthwaite from effective sample sizes {} and {}",
                a.effective_n(),
                b.effective_n()
            ),
        });
    }
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
    Comparison {
        metric: Metric::Mean,
        difference: diff,
        adjusted_difference: None,
        std_error: se,
        interval,
        statistic: t,
        df: Some(df),
        p_value: dist::t_two_sided(t, df),
        adjusted_p_value: None,
        level,
        significant: false,
        method: ComparisonMethod::WelchT,
        unit: Unit::ScalePoints,
    }
    .decided()
    .sane()
}

/// Comparisons by [`Score`]: the two-sample test each score takes.
impl Score {
    /// Compares the score of two tallies, a − b, with the test that fits
    /// it: the NPS z test, the two-proportion z test with Newcombe's
    /// interval, or Welch's t test.
    ///
    /// # Errors
    ///
    /// Those of the scores and of the functions in [`compare`](crate::compare).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::segment::Score;
    /// use cxmetrics::{ConfidenceLevel, Scale, Tally};
    /// let a = Tally::from_counts(Scale::CSAT_5, &[5, 10, 20, 40, 25])?;
    /// let b = Tally::from_counts(Scale::CSAT_5, &[8, 12, 25, 35, 20])?;
    /// let c = Score::Mean.compare(&a, &b, ConfidenceLevel::P95)?;
    /// assert!((c.difference - 0.23).abs() < 1e-12 && !c.significant);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn compare(
        &self,
        a: &Tally,
        b: &Tally,
        level: ConfidenceLevel,
    ) -> Result<Comparison, Error> {
        self.compare_with_variance(a, b, VarianceMethod::default(), level)
    }

    /// Compares the score of two tallies, a − b, with the variance of
    /// weighted answers chosen: [`VarianceMethod::Linearized`] (the
    /// default of [`Score::compare`]) makes a weighted comparison
    /// design-based, the two tallies being two domains of one sample (see
    /// [`compare`](crate::compare)); [`VarianceMethod::Kish`] runs the
    /// unweighted tests at the Kish effective sizes.
    ///
    /// # Errors
    ///
    /// As [`Score::compare`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::compare::ComparisonMethod;
    /// use cxmetrics::design::VarianceMethod;
    /// use cxmetrics::segment::Score;
    /// use cxmetrics::{ConfidenceLevel, Scale, Tally};
    /// let a = { let mut t = Tally::new(Scale::CSAT_5); t.extend_weighted_scores(&[5u8, 4, 2, 1], &[1.0, 2.0, 0.5, 1.5])?; t };
    /// let b = { let mut t = Tally::new(Scale::CSAT_5); t.extend_weighted_scores(&[5u8, 3, 2, 4], &[1.0, 1.0, 2.0, 0.5])?; t };
    /// let c = Score::Mean.compare_with_variance(&a, &b, VarianceMethod::Kish, ConfidenceLevel::P95)?;
    /// assert_eq!(c.method, ComparisonMethod::WelchT);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn compare_with_variance(
        &self,
        a: &Tally,
        b: &Tally,
        variance: VarianceMethod,
        level: ConfidenceLevel,
    ) -> Result<Comparison, Error> {
        match *self {
            Score::Nps(_) => nps_with_variance(
                &Nps::from_tally(a)?,
                &Nps::from_tally(b)?,
                NpsDifferenceMethod::default(),
                variance,
                level,
            ),
            Score::TopBox(k, _) => top_box_with_variance(
                &TopBox::top(a, k)?,
                &TopBox::top(b, k)?,
                DifferenceMethod::default(),
                variance,
                level,
            ),
            Score::BottomBox(k, _) => top_box_with_variance(
                &TopBox::bottom(a, k)?,
                &TopBox::bottom(b, k)?,
                DifferenceMethod::default(),
                variance,
                level,
            ),
            Score::Mean => means_with_variance(
                &Mean::from_tally(a)?,
                &Mean::from_tally(b)?,
                variance,
                level,
            ),
        }
    }
}

/// Whether a comparison is design-based: weighted answers and the
/// linearized variance.
fn design_based(variance: VarianceMethod, weighted: bool) -> bool {
    weighted && variance != VarianceMethod::Kish
}

/// One group's part in a design of two domains: its estimate (in the
/// statistic's own unit: a fraction for NPS), Σzᵢ² of its influence
/// values and its sizes.
struct DomainPart {
    mean: f64,
    sum_sq: f64,
    n: u64,
    n_positive: u64,
}

impl DomainPart {
    /// From a weighted score's design moments: the moments' variance is
    /// n/(n − 1)·Σzᵢ² over the group's own n (0 or absent when the
    /// influence values are all 0).
    fn of(m: &Moments) -> DomainPart {
        let sum_sq = match m.variance {
            Some(v) if m.n >= 2 => v * ((m.n - 1) as f64 / m.n as f64),
            _ => 0.0,
        };
        DomainPart {
            mean: m.mean,
            sum_sq,
            n: m.n,
            n_positive: m.n_positive,
        }
    }

    /// From an unweighted group (every weight 1): Σzᵢ² = s²_pop/n.
    fn unweighted(mean: f64, sum_sq: f64, n: u64) -> DomainPart {
        DomainPart {
            mean,
            sum_sq,
            n,
            n_positive: n,
        }
    }
}

/// The design-based difference of two domains of one unstratified
/// sample: v = n/(n − 1)(Σ_a z² + Σ_b z²), t on n₊ − 1 df. `factor`
/// converts the parts' unit to the comparison's (100 for NPS), `span`
/// (in the comparison's unit, before `factor`) clips the interval.
fn design_difference(
    a: &DomainPart,
    b: &DomainPart,
    difference: f64,
    factor: f64,
    span: f64,
    (metric, unit): (Metric, Unit),
    level: ConfidenceLevel,
) -> Result<Comparison, Error> {
    let n = total_n(a.n, b.n)?;
    let n_positive = total_n(a.n_positive, b.n_positive)?;
    let nf = n as f64;
    let v = if n >= 2 {
        nf / (nf - 1.0) * (a.sum_sq + b.sum_sq)
    } else {
        0.0
    };
    let d = DomainDifference::new(
        (factor * a.mean, factor * b.mean),
        factor * difference,
        factor * v.sqrt(),
        n_positive.saturating_sub(1),
        false,
        factor * span,
        level.get(),
    )?;
    Comparison::from_domain_difference(&d, metric, unit, level, n)
}

impl Comparison {
    /// A design-based difference of two domains as a comparison (t test on
    /// the design's degrees of freedom), with `n` the answers involved
    /// for an error.
    ///
    /// # Errors
    ///
    /// [`Error::ZeroVariance`] when the difference has no t statistic or
    /// interval (a standard error of 0, or 0 degrees of freedom).
    pub(crate) fn from_domain_difference(
        d: &DomainDifference,
        metric: Metric,
        unit: Unit,
        level: ConfidenceLevel,
        n: u64,
    ) -> Result<Comparison, Error> {
        let (Some(t), Some(p), Some(bounds)) = (d.t, d.p_value, d.interval) else {
            return Err(Error::ZeroVariance {
                what: "a design-based difference",
                n,
            });
        };
        Ok(Comparison {
            metric,
            difference: d.difference,
            adjusted_difference: None,
            std_error: d.std_error,
            interval: Interval {
                lower: bounds.lower,
                upper: bounds.upper,
            },
            statistic: t,
            df: Some(d.df as f64),
            p_value: p,
            adjusted_p_value: None,
            level,
            significant: false,
            method: ComparisonMethod::DesignBased,
            unit,
        }
        .decided())
    }
}
