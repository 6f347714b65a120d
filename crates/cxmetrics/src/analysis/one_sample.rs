//! One-sample tests: is a score different from a target?
//!
//! "Did we hit NPS 30?", "Is CSAT above 80%?", "Is the CES mean below 2?"
//! Each function tests one sample's score against a fixed target and
//! returns a [`Comparison`] of score − target: the difference, the
//! interval of the difference, the test statistic, the two-sided p-value
//! and whether the score differs from the target at the chosen level. Each
//! test is the inversion of the interval it reports, so `significant` is
//! true exactly when the target lies outside the score's interval.
//!
//! # Example
//!
//! ```
//! use cxmetrics::{ConfidenceLevel, Nps, one_sample};
//!
//! let q3 = Nps::from_counts(150, 60, 90)?; // NPS 20
//! let c = one_sample::nps(&q3, 30.0, ConfidenceLevel::P95)?;
//! assert!((c.difference + 10.0).abs() < 1e-12); // 10 points below target
//! assert!(c.significant);
//! # Ok::<(), cxmetrics::Error>(())
//! ```
//!
//! # Weighted answers: design-based by default
//!
//! A weighted score (any weight other than 1) of NPS, a share or a mean
//! is tested design-based ([`ComparisonMethod::DesignBased`]): R's
//! `svymean` and its t interval on the design's degrees of freedom
//! (`confint(svymean(~y, design), df = degf(design))`), so the test
//! inverts the weighted estimate's own interval. With the linearized
//! variance v = n/(n − 1)·Σzᵢ², zᵢ = wᵢ(yᵢ − ȳ)/W,
//!
//! ```text
//! t = (ȳ − target)/√v on n₊ − 1 df,   interval ȳ ± t_{n₊−1}·√v − target
//! ```
//!
//! (the score's interval clipped to its range first: 0..=1 for shares,
//! −100..=100 for NPS; means are not clipped). The statistic is R's
//! `svyttest(I(y − target) ~ 0, design)`, whose p-value and interval take
//! degf − 1 = n₊ − 2 degrees of freedom instead. A standard error of 0 is an
//! [`Error::ZeroVariance`] and n₊ = 1 an [`Error::TooFewAnswers`]. The
//! `*_with_variance` functions with [`VarianceMethod::Kish`] keep the
//! unweighted tests at Kish's effective sample size (the behaviour before
//! 0.3). Net scores keep Kish's n.

use crate::analysis::compare::{Comparison, ComparisonMethod};
use crate::foundation::error::Error;
use crate::foundation::metric_kind::Metric;
use crate::foundation::unit::Unit;
use crate::inference::design::moments::Moments;
use crate::inference::design::variance_method::VarianceMethod;
use crate::inference::estimate::Interval;
use crate::inference::interval::{ConfidenceLevel, tango};
use crate::math::dist;
use crate::metrics::mean::Mean;
use crate::metrics::nps::{NetScore, Nps};
use crate::metrics::top_box::TopBox;

/// Tests an NPS against a target, in points, with Tango's score test.
///
/// # Formula
///
/// With Δ₀ = target/100 and Tango's score statistic T (see
/// [`NpsMethod::Tango`](crate::interval::NpsMethod::Tango)):
///
/// ```text
/// z = T(Δ₀) = (P − D − nΔ₀) / √(n (2q̃ + Δ₀(1 − Δ₀))),   p = 2Φ(−|z|)
/// ```
///
/// with q̃ the detractor share estimated under Δ₀. The interval of the
/// difference is Tango's interval minus the target, so the test rejects
/// exactly when the target is outside it. Weighted answers are tested
/// design-based (see the [module](self) docs).
///
/// # Errors
///
/// [`Error::InvalidArgument`] when the target is not in −100..=100.
///
/// # References
///
/// Tango, T. (1998), *Statistics in Medicine* 17, 891–908; Rocks, B.
/// (2016), *The American Statistician* 70(4).
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, Nps, one_sample};
/// let c = one_sample::nps(&Nps::from_counts(45, 30, 25)?, 20.0, ConfidenceLevel::P95)?;
/// assert_eq!((c.difference, c.p_value, c.significant), (0.0, 1.0, false));
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn nps(score: &Nps, target_points: f64, level: ConfidenceLevel) -> Result<Comparison, Error> {
    nps_with_variance(score, target_points, VarianceMethod::default(), level)
}

/// Tests an NPS against a target with the variance of weighted answers
/// chosen: [`VarianceMethod::Linearized`] (the default of [`nps`]) tests
/// a weighted NPS design-based (see the [module](self) docs),
/// [`VarianceMethod::Kish`] runs Tango's test at the Kish effective n.
///
/// # Errors
///
/// As [`nps`]; design-based: [`Error::ZeroVariance`],
/// [`Error::TooFewAnswers`].
///
/// # Example
///
/// ```
/// use cxmetrics::compare::ComparisonMethod;
/// use cxmetrics::design::VarianceMethod;
/// use cxmetrics::{ConfidenceLevel, Nps, Scale, Tally, one_sample};
/// let mut t = Tally::new(Scale::NPS);
/// t.extend_weighted_scores(&[10u8, 9, 3, 8, 10], &[1.0, 2.0, 0.5, 1.5, 1.0])?;
/// let c = one_sample::nps(&Nps::from_tally(&t)?, 0.0, ConfidenceLevel::P95)?;
/// assert_eq!((c.method, c.df), (ComparisonMethod::DesignBased, Some(4.0)));
/// let k = one_sample::nps_with_variance(&Nps::from_tally(&t)?, 0.0, VarianceMethod::Kish, ConfidenceLevel::P95)?;
/// assert_eq!(k.method, ComparisonMethod::NpsTargetScore);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn nps_with_variance(
    score: &Nps,
    target_points: f64,
    variance: VarianceMethod,
    level: ConfidenceLevel,
) -> Result<Comparison, Error> {
    if let Some(m) = weighted(score.design.as_ref(), variance) {
        if !(-100.0..=100.0).contains(&target_points) {
            return Err(Error::InvalidArgument {
                name: "target NPS",
                value: target_points,
                expected: "a score in -100..=100 points",
            });
        }
        return design_vs_target(
            m,
            score.score(),
            100.0,
            Some((-100.0, 100.0)),
            target_points,
            (Metric::Nps, Unit::NpsPoints),
            level,
        );
    }
    let (p, d, n) = score.trinomial();
    net_vs_target(p, d, n, Metric::Nps, target_points, level)
}

/// Tests a net score against a target, in points, as [`nps`] does.
///
/// # Errors
///
/// As [`nps`].
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, NetScore, Scale, Tally, one_sample};
/// let t = Tally::from_counts(Scale::CSAT_5, &[10, 10, 20, 30, 30])?;
/// let net = NetScore::from_tally(&t, 2, 2)?; // 60% − 20% = 40 points
/// let c = one_sample::net_score(&net, 20.0, ConfidenceLevel::P95)?;
/// assert!(c.significant);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn net_score(
    score: &NetScore,
    target_points: f64,
    level: ConfidenceLevel,
) -> Result<Comparison, Error> {
    let (p, d, n) = score.trinomial();
    net_vs_target(p, d, n, Metric::NetScore, target_points, level)
}

fn net_vs_target(
    positive: f64,
    negative: f64,
    n: f64,
    metric: Metric,
    target_points: f64,
    level: ConfidenceLevel,
) -> Result<Comparison, Error> {
    if !(-100.0..=100.0).contains(&target_points) {
        return Err(Error::InvalidArgument {
            name: "target NPS",
            value: target_points,
            expected: "a score in -100..=100 points",
        });
    }
    let target = target_points / 100.0;
    let value = (positive - negative) / n;
    let z = tango::statistic(positive, negative, n, target);
    let (lower, upper) = tango::bounds(positive, negative, n, level.z());
    let wald_se =
        (crate::inference::interval::nps::multinomial_variance(positive / n, negative / n) / n)
            .sqrt();
    Comparison {
        metric,
        difference: 100.0 * (value - target),
        adjusted_difference: None,
        std_error: 100.0 * wald_se,
        interval: Interval {
            lower: 100.0 * (lower - target),
            upper: 100.0 * (upper - target),
        },
        statistic: z,
        df: None,
        p_value: p_of(z),
        adjusted_p_value: None,
        level,
        significant: false,
        method: ComparisonMethod::NpsTargetScore,
        unit: Unit::NpsPoints,
    }
    .decided()
    .sane()
}

/// Tests a share (top box, "% easy") against a target share, with the
/// score test; the interval of the difference is the Wilson interval minus
/// the target (the inversion of the same test).
///
/// # Formula
///
/// ```text
/// z = (p − p₀) / √(p₀(1 − p₀)/n),   p-value = 2Φ(−|z|)
/// ```
///
/// Weighted shares are tested design-based (see the [module](self) docs).
///
/// # Errors
///
/// [`Error::InvalidArgument`] when the target is not strictly between 0
/// and 1 (the test is undefined at 0 and 1).
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, Scale, Tally, TopBox, one_sample};
/// let t = Tally::from_counts(Scale::CSAT_5, &[5, 5, 10, 40, 40])?;
/// let c = one_sample::share(&TopBox::top(&t, 2)?, 0.75, ConfidenceLevel::P95)?;
/// assert!((c.statistic - 0.05 / (0.75f64 * 0.25 / 100.0).sqrt()).abs() < 1e-12);
/// assert!(!c.significant); // 80% against 75%: p ≈ 0.25
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn share(score: &TopBox, target: f64, level: ConfidenceLevel) -> Result<Comparison, Error> {
    share_with_variance(score, target, VarianceMethod::default(), level)
}

/// Tests a share against a target with the variance of weighted answers
/// chosen: [`VarianceMethod::Linearized`] (the default of [`share`])
/// tests a weighted share design-based (see the [module](self) docs),
/// [`VarianceMethod::Kish`] runs the score test at the Kish effective n.
///
/// # Errors
///
/// As [`share`]; design-based: [`Error::ZeroVariance`],
/// [`Error::TooFewAnswers`].
///
/// # Example
///
/// ```
/// use cxmetrics::compare::ComparisonMethod;
/// use cxmetrics::{ConfidenceLevel, Scale, Tally, TopBox, one_sample};
/// let mut t = Tally::new(Scale::CSAT_5);
/// t.extend_weighted_scores(&[5u8, 4, 2, 1, 5], &[1.0, 2.0, 0.5, 1.5, 1.0])?;
/// let c = one_sample::share(&TopBox::top(&t, 2)?, 0.5, ConfidenceLevel::P95)?;
/// assert_eq!((c.method, c.df), (ComparisonMethod::DesignBased, Some(4.0)));
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn share_with_variance(
    score: &TopBox,
    target: f64,
    variance: VarianceMethod,
    level: ConfidenceLevel,
) -> Result<Comparison, Error> {
    if !(target > 0.0 && target < 1.0) {
        return Err(Error::InvalidArgument {
            name: "target share",
            value: target,
            expected: "a share strictly between 0 and 1",
        });
    }
    if let Some(m) = weighted(score.design.as_ref(), variance) {
        return design_vs_target(
            m,
            score.share(),
            1.0,
            Some((0.0, 1.0)),
            target,
            (Metric::TopBox, Unit::Share),
            level,
        );
    }
    let (k, n) = score.binomial();
    let (p, q) = (k / n, (n - k).max(0.0) / n);
    let z = (p - target) / (target * (1.0 - target) / n).sqrt();
    let wilson = crate::inference::interval::proportion::wilson(p, q, n, level.z());
    Comparison {
        metric: Metric::TopBox,
        difference: p - target,
        adjusted_difference: None,
        std_error: (p * q / n).sqrt(),
        interval: Interval {
            lower: wilson.lower - target,
            upper: wilson.upper - target,
        },
        statistic: z,
        df: None,
        p_value: p_of(z),
        adjusted_p_value: None,
        level,
        significant: false,
        method: ComparisonMethod::ShareTargetScore,
        unit: Unit::Share,
    }
    .decided()
    .sane()
}

/// Tests a mean rating against a target with the one-sample Student t
/// test; the interval of the difference is the t interval minus the
/// target.
///
/// # Formula
///
/// ```text
/// t = (x̄ − μ₀) / (s/√n),   df = n − 1,   p = 2·P(T_df > |t|)
/// ```
///
/// Weighted means are tested design-based (see the [module](self) docs).
///
/// # Errors
///
/// [`Error::InvalidArgument`] for a target that is not finite;
/// [`Error::TooFewAnswers`] below an effective n of 2 (no df);
/// [`Error::ZeroVariance`] when every answer is the same.
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, Mean, Scale, Tally, one_sample};
/// // CES (1 = very easy … 5) against a goal of 2.0.
/// let t = Tally::from_counts(Scale::CES_5, &[40, 30, 20, 5, 5])?;
/// let c = one_sample::mean(&Mean::from_tally(&t)?, 2.0, ConfidenceLevel::P95)?;
/// assert!((c.difference - 0.05).abs() < 1e-12);
/// assert_eq!(c.df, Some(99.0));
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn mean(score: &Mean, target: f64, level: ConfidenceLevel) -> Result<Comparison, Error> {
    mean_with_variance(score, target, VarianceMethod::default(), level)
}

/// Tests a mean against a target with the variance of weighted answers
/// chosen: [`VarianceMethod::Linearized`] (the default of [`mean`])
/// tests a weighted mean design-based (see the [module](self) docs),
/// [`VarianceMethod::Kish`] runs Student's t at the Kish effective n.
///
/// # Errors
///
/// As [`mean`].
///
/// # Example
///
/// ```
/// use cxmetrics::compare::ComparisonMethod;
/// use cxmetrics::design::VarianceMethod;
/// use cxmetrics::{ConfidenceLevel, Mean, Scale, Tally, one_sample};
/// let mut t = Tally::new(Scale::CSAT_5);
/// t.extend_weighted_scores(&[5u8, 4, 2, 1, 5], &[1.0, 2.0, 0.5, 1.5, 1.0])?;
/// let m = Mean::from_tally(&t)?;
/// let c = one_sample::mean(&m, 3.0, ConfidenceLevel::P95)?;
/// assert_eq!((c.method, c.df), (ComparisonMethod::DesignBased, Some(4.0)));
/// let k = one_sample::mean_with_variance(&m, 3.0, VarianceMethod::Kish, ConfidenceLevel::P95)?;
/// assert_eq!(k.method, ComparisonMethod::MeanTargetT);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn mean_with_variance(
    score: &Mean,
    target: f64,
    variance: VarianceMethod,
    level: ConfidenceLevel,
) -> Result<Comparison, Error> {
    if !target.is_finite() {
        return Err(Error::InvalidArgument {
            name: "target mean",
            value: target,
            expected: "a finite number",
        });
    }
    if let Some(m) = weighted(score.design.as_ref(), variance) {
        return design_vs_target(
            m,
            score.mean(),
            1.0,
            None,
            target,
            (Metric::Mean, Unit::ScalePoints),
            level,
        );
    }
    let df = score.effective_n() - 1.0;
    if df.is_nan() || df <= 0.0 {
        return Err(Error::TooFewAnswers {
            what: "a one-sample t test",
            needed: 2.0,
            effective_n: score.effective_n(),
        });
    }
    let est = score.estimate(level)?;
    let diff = score.mean() - target;
    let t = diff / est.std_error;
    Comparison {
        metric: Metric::Mean,
        difference: diff,
        adjusted_difference: None,
        std_error: est.std_error,
        interval: Interval {
            lower: est.interval.lower - target,
            upper: est.interval.upper - target,
        },
        statistic: t,
        df: Some(df),
        p_value: dist::t_two_sided(t, df),
        adjusted_p_value: None,
        level,
        significant: false,
        method: ComparisonMethod::MeanTargetT,
        unit: Unit::ScalePoints,
    }
    .decided()
    .sane()
}

fn p_of(z: f64) -> f64 {
    if z.is_nan() {
        1.0
    } else {
        dist::normal_two_sided(z)
    }
}

/// The design moments of a weighted score when the test is design-based.
fn weighted(design: Option<&Moments>, variance: VarianceMethod) -> Option<&Moments> {
    design.filter(|_| variance != VarianceMethod::Kish)
}

/// A design-based estimate against a target: t = (ȳ − target)/se on
/// n₊ − 1 df, the interval ȳ ± t·se clipped to `range`, minus the
/// target. `factor` converts the moments' unit (100 for NPS).
fn design_vs_target(
    m: &Moments,
    value: f64,
    factor: f64,
    range: Option<(f64, f64)>,
    target: f64,
    (metric, unit): (Metric, Unit),
    level: ConfidenceLevel,
) -> Result<Comparison, Error> {
    let df = m.n_positive.saturating_sub(1);
    if df == 0 {
        return Err(Error::TooFewAnswers {
            what: "a design-based one-sample t test",
            needed: 2.0,
            effective_n: m.n_positive as f64,
        });
    }
    let se = factor * m.variance.unwrap_or(0.0).sqrt();
    if !(se > 0.0 && se.is_finite()) {
        return Err(Error::ZeroVariance {
            what: "a design-based one-sample t test",
            n: m.n,
        });
    }
    let df = df as f64;
    let half = level.t(df) * se;
    let (mut lower, mut upper) = (value - half, value + half);
    if let Some((lo, hi)) = range {
        lower = lower.clamp(lo, hi);
        upper = upper.clamp(lo, hi);
    }
    if !(lower.is_finite() && upper.is_finite()) {
        return Err(Error::UnboundedInterval {
            what: "a design-based one-sample interval",
            df,
        });
    }
    let diff = value - target;
    let t = diff / se;
    Ok(Comparison {
        metric,
        difference: diff,
        adjusted_difference: None,
        std_error: se,
        interval: Interval {
            lower: lower - target,
            upper: upper - target,
        },
        statistic: t,
        df: Some(df),
        p_value: dist::t_two_sided(t, df),
        adjusted_p_value: None,
        level,
        significant: false,
        method: ComparisonMethod::DesignBased,
        unit,
    }
    .decided())
}
