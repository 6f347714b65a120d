//! Confidence levels, interval options and methods.
//!
//! Every score has an `estimate` method that takes an [`IntervalSpec`]
//! (or just a [`ConfidenceLevel`]) and returns an
//! [`Estimate`](crate::Estimate). The method used is chosen with
//! `estimate_with`; the defaults follow the literature:
//!
//! | score | default | others |
//! |---|---|---|
//! | a share (CSAT %, "% easy") | [`ProportionMethod::Wilson`] | Wald, Wilson with continuity correction, Agresti–Coull, Clopper–Pearson, Jeffreys, exact hypergeometric (with a population) |
//! | NPS | [`NpsMethod::AdjustedWald`] | Wald, trinomial t, Tango's score interval, Bayesian (Jeffreys prior) |
//! | a mean | Student t | — |
//!
//! The free functions [`proportion`] and [`nps`] compute the same
//! intervals from plain counts.

use std::fmt;

use crate::foundation::error::Error;
use crate::inference::design::variance_method::VarianceMethod;

pub(crate) mod bayes;
pub(crate) mod fpc;
pub(crate) mod hypergeometric;
pub(crate) mod mean;
pub(crate) mod nps;
pub(crate) mod proportion;
pub(crate) mod tango;

pub use self::nps::nps;
pub use self::proportion::proportion;

/// A confidence level, strictly between 0 and 1 (0.95 by default).
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, Error};
///
/// let level = ConfidenceLevel::new(0.9)?;
/// assert_eq!(level.get(), 0.9);
/// assert!((level.z() - 1.6448536269514722).abs() < 1e-15);
/// assert!(matches!(ConfidenceLevel::new(1.0), Err(Error::InvalidConfidenceLevel { .. })));
/// assert_eq!(ConfidenceLevel::default().to_string(), "95%");
/// # Ok::<(), Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "f64", into = "f64")
)]
pub struct ConfidenceLevel(f64);

impl ConfidenceLevel {
    /// 90%.
    pub const P90: ConfidenceLevel = ConfidenceLevel(0.90);
    /// 95%, the default.
    pub const P95: ConfidenceLevel = ConfidenceLevel(0.95);
    /// 99%.
    pub const P99: ConfidenceLevel = ConfidenceLevel(0.99);

    /// A confidence level.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfidenceLevel`] unless `0 < level < 1` with a
    /// finite critical value: at most 0.9999999999999998.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::ConfidenceLevel;
    /// assert!(ConfidenceLevel::new(0.8).is_ok());
    /// assert!(ConfidenceLevel::new(f64::NAN).is_err());
    /// ```
    pub fn new(level: f64) -> Result<ConfidenceLevel, Error> {
        // Below 1 is not enough: 0.5 + level/2 must stay below 1 in f64, or
        // the critical value z is infinite (0.9999999999999999 is refused;
        // 0.9999999999999998, z ≈ 8.21, is the largest level accepted).
        if level > 0.0 && level < 1.0 && 0.5 + 0.5 * level < 1.0 {
            Ok(ConfidenceLevel(level))
        } else {
            Err(Error::InvalidConfidenceLevel { level })
        }
    }

    /// The level as a fraction.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::ConfidenceLevel;
    /// assert_eq!(ConfidenceLevel::P99.get(), 0.99);
    /// ```
    #[must_use]
    pub const fn get(self) -> f64 {
        self.0
    }

    /// α = 1 − level.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::ConfidenceLevel;
    /// assert!((ConfidenceLevel::P95.alpha() - 0.05).abs() < 1e-15);
    /// ```
    #[must_use]
    pub fn alpha(self) -> f64 {
        1.0 - self.0
    }

    /// The two-sided standard normal critical value Φ⁻¹((1 + level)/2).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::ConfidenceLevel;
    /// assert!((ConfidenceLevel::P95.z() - 1.959963984540054).abs() < 1e-14);
    /// ```
    #[must_use]
    pub fn z(self) -> f64 {
        crate::math::dist::normal_quantile_unchecked(0.5 + 0.5 * self.0)
    }

    /// The two-sided Student t critical value with `df` degrees of freedom.
    pub(crate) fn t(self, df: f64) -> f64 {
        crate::math::dist::t_quantile_unchecked(0.5 + 0.5 * self.0, df)
    }
}

impl Default for ConfidenceLevel {
    fn default() -> ConfidenceLevel {
        ConfidenceLevel::P95
    }
}

impl TryFrom<f64> for ConfidenceLevel {
    type Error = Error;
    fn try_from(level: f64) -> Result<ConfidenceLevel, Error> {
        ConfidenceLevel::new(level)
    }
}

impl From<ConfidenceLevel> for f64 {
    fn from(level: ConfidenceLevel) -> f64 {
        level.0
    }
}

impl fmt::Display for ConfidenceLevel {
    /// `95%`, `99.9%`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pct = 100.0 * self.0;
        // Print the shortest form that round-trips, without float noise.
        let rounded = (pct * 1e6).round() / 1e6;
        write!(f, "{rounded}%")
    }
}

/// Options for an interval: the confidence level and, optionally, the size
/// of the population sampled (for the finite population correction).
///
/// Converts from a [`ConfidenceLevel`], so the common call takes one
/// argument.
///
/// # Example
///
/// ```
/// use cxmetrics::interval::IntervalSpec;
/// use cxmetrics::{ConfidenceLevel, Scale, Tally, TopBox};
///
/// let t = Tally::from_counts(Scale::CSAT_5, &[5, 5, 20, 40, 30])?;
/// let top2 = TopBox::top(&t, 2)?;
/// let wide = top2.estimate(ConfidenceLevel::P95)?;
/// // Only 400 customers could have answered: the interval narrows.
/// let spec = IntervalSpec::new(ConfidenceLevel::P95).population(400);
/// let narrow = top2.estimate(spec)?;
/// assert!(narrow.interval.width() < wide.interval.width());
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct IntervalSpec {
    level: ConfidenceLevel,
    population: Option<u64>,
    #[cfg_attr(feature = "serde", serde(default))]
    variance: VarianceMethod,
}

impl IntervalSpec {
    /// Options with the given level and no population size.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::ConfidenceLevel;
    /// use cxmetrics::interval::IntervalSpec;
    /// let spec = IntervalSpec::new(ConfidenceLevel::P90);
    /// assert_eq!((spec.confidence_level(), spec.population_size()), (ConfidenceLevel::P90, None));
    /// ```
    #[must_use]
    pub const fn new(level: ConfidenceLevel) -> IntervalSpec {
        IntervalSpec {
            level,
            population: None,
            variance: VarianceMethod::Linearized,
        }
    }

    /// Sets the confidence level.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::ConfidenceLevel;
    /// use cxmetrics::interval::IntervalSpec;
    /// let spec = IntervalSpec::default().level(ConfidenceLevel::P99);
    /// assert_eq!(spec.confidence_level(), ConfidenceLevel::P99);
    /// ```
    #[must_use]
    pub const fn level(mut self, level: ConfidenceLevel) -> IntervalSpec {
        self.level = level;
        self
    }

    /// Sets the population size: the number of customers who could have
    /// answered. The standard error is multiplied by √((N − n)/(N − 1)).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::ConfidenceLevel;
    /// use cxmetrics::interval::IntervalSpec;
    /// let spec = IntervalSpec::new(ConfidenceLevel::P95).population(2_000);
    /// assert_eq!(spec.population_size(), Some(2_000));
    /// ```
    #[must_use]
    pub const fn population(mut self, population: u64) -> IntervalSpec {
        self.population = Some(population);
        self
    }

    /// Sets how the standard error of a *weighted* score is computed:
    /// Taylor linearization (the default) or Kish's effective sample size.
    /// Unweighted scores ignore it.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::design::VarianceMethod;
    /// use cxmetrics::interval::IntervalSpec;
    /// use cxmetrics::{ConfidenceLevel, Scale, Tally, TopBox};
    /// let mut t = Tally::new(Scale::CSAT_5);
    /// t.extend_weighted_scores(&[5u8, 4, 2, 1], &[1.0, 1.0, 1.0, 3.0])?;
    /// let spec = IntervalSpec::new(ConfidenceLevel::P95).variance(VarianceMethod::Kish);
    /// let kish = TopBox::top(&t, 2)?.estimate(spec)?;
    /// assert_eq!(kish.std_error, (1.0f64 / 3.0 * 2.0 / 3.0 / 3.0).sqrt()); // n_eff = 3
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub const fn variance(mut self, method: VarianceMethod) -> IntervalSpec {
        self.variance = method;
        self
    }

    /// The variance method for weighted scores.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::design::VarianceMethod;
    /// use cxmetrics::interval::IntervalSpec;
    /// assert_eq!(IntervalSpec::default().variance_method(), VarianceMethod::Linearized);
    /// ```
    #[must_use]
    pub const fn variance_method(&self) -> VarianceMethod {
        self.variance
    }

    /// The confidence level.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::ConfidenceLevel;
    /// use cxmetrics::interval::IntervalSpec;
    /// assert_eq!(IntervalSpec::default().confidence_level(), ConfidenceLevel::P95);
    /// ```
    #[must_use]
    pub const fn confidence_level(&self) -> ConfidenceLevel {
        self.level
    }

    /// The population size, if set.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::ConfidenceLevel;
    /// use cxmetrics::interval::IntervalSpec;
    /// assert_eq!(IntervalSpec::default().population_size(), None);
    /// ```
    #[must_use]
    pub const fn population_size(&self) -> Option<u64> {
        self.population
    }
}

impl From<ConfidenceLevel> for IntervalSpec {
    fn from(level: ConfidenceLevel) -> IntervalSpec {
        IntervalSpec::new(level)
    }
}

/// How to compute the interval of a share. Names follow statsmodels'
/// `proportion_confint`.
///
/// # Example
///
/// ```
/// use cxmetrics::interval::{self, ProportionMethod};
/// use cxmetrics::ConfidenceLevel;
/// let jeffreys = interval::proportion(0, 20, ProportionMethod::Jeffreys, ConfidenceLevel::P95)?;
/// assert_eq!(jeffreys.interval.lower, 0.0);
/// assert_eq!(ProportionMethod::default(), ProportionMethod::Wilson);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum ProportionMethod {
    /// Normal approximation p ± z·√(p(1−p)/n) (statsmodels `normal`).
    /// Poor at small n or extreme p; zero width at 0 or n successes.
    #[doc(alias = "normal")]
    Wald,
    /// Wilson score interval (Wilson 1927), the recommended default
    /// (Brown, Cai & DasGupta 2001).
    #[default]
    Wilson,
    /// Wilson score interval with continuity correction (Newcombe 1998,
    /// method 4).
    WilsonCc,
    /// Agresti–Coull "add z²/2 successes and failures" (Agresti & Coull
    /// 1998).
    AgrestiCoull,
    /// Clopper–Pearson exact interval from beta quantiles (statsmodels
    /// `beta`).
    #[doc(alias = "exact")]
    ClopperPearson,
    /// Jeffreys interval: quantiles of Beta(k + ½, n − k + ½), with the
    /// bound at 0 or n successes set to 0 or 1 (Brown, Cai & DasGupta 2001).
    Jeffreys,
    /// Logit (Wald on the log-odds) interval:
    /// expit(logit p ∓ t·se/(p(1 − p))) with t at n − 1 degrees of freedom
    /// (n₊ − 1 for the linearized variance of weighted shares): R
    /// `survey`'s `svyciprop(method = "logit")`. Undefined (an error) at a
    /// share of 0 or 1.
    Logit,
    /// The exact interval for a sample drawn without replacement from a
    /// population of N (Wright 1991, "Exact confidence bounds when sampling
    /// from small finite universes", *Journal of the American Statistical
    /// Association* 86): the population success counts M that neither
    /// one-sided hypergeometric test rejects at α/2, as fractions M/N.
    /// Needs a population ([`IntervalSpec::population`]) and unweighted
    /// answers. Where the scaled Clopper–Pearson bound is too narrow for a
    /// small population (0 of 40 from 400: 0.0798), this one is exact
    /// (0.0825).
    Hypergeometric,
}

/// How to compute the interval of a Net Promoter Score.
///
/// # Example
///
/// ```
/// use cxmetrics::interval::NpsMethod;
/// use cxmetrics::{ConfidenceLevel, Nps};
/// let nps = Nps::from_counts(10, 5, 3)?;
/// let wald = nps.estimate_with(NpsMethod::Wald, ConfidenceLevel::P95)?;
/// let adjusted = nps.estimate_with(NpsMethod::AdjustedWald, ConfidenceLevel::P95)?;
/// assert!(adjusted.interval.upper < wald.interval.upper);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum NpsMethod {
    /// Normal approximation with the multinomial variance of p − d.
    Wald,
    /// Adjusted Wald (Sauro & Lewis, following Rocks 2016): add 3 answers,
    /// ¾ of them promoters and ¾ detractors, then Wald. The default: best
    /// coverage among simple methods.
    #[default]
    AdjustedWald,
    /// Score answers +1 / 0 / −1 and take the Student t interval of their
    /// mean.
    TrinomialT,
    /// Tango's score interval (Tango 1998, for the difference of two
    /// shares of one multinomial sample), the "iterative" interval Rocks
    /// (2016) found to cover best: exact coverage at nominal 95% with
    /// n = 10 is at least 0.956 where the adjusted Wald dips to 0.930. The
    /// bounds solve T(Δ) = ±z for the score statistic, to the last bit.
    Tango,
    /// The equal-tailed Bayesian credible interval under the Jeffreys prior
    /// Dirichlet(½, ½, ½) on the promoter, passive and detractor shares,
    /// computed exactly: the posterior distribution function of NPS is a
    /// one-dimensional integral, evaluated by Gauss–Legendre quadrature to
    /// about 1e-13 and inverted by Newton's method (no simulation).
    #[doc(alias = "credible")]
    Bayes,
}

/// The method behind an [`Estimate`](crate::Estimate).
///
/// # Example
///
/// ```
/// use cxmetrics::interval::{Method, NpsMethod};
/// use cxmetrics::{ConfidenceLevel, Nps};
/// let est = Nps::from_counts(10, 5, 3)?.estimate(ConfidenceLevel::P95)?;
/// assert_eq!(est.method, Method::Nps(NpsMethod::AdjustedWald));
/// assert_eq!(est.method.to_string(), "adjusted Wald");
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Method {
    /// An interval of a share.
    Proportion(ProportionMethod),
    /// An interval of a Net Promoter Score.
    Nps(NpsMethod),
    /// A Student t interval of a mean.
    StudentT,
}

impl Method {
    /// Whether the method's interval always contains its point estimate:
    /// Wald, Wilson (with or without continuity correction),
    /// Clopper–Pearson, logit and hypergeometric shares; Wald, trinomial t
    /// and Tango NPS; Student t means. The adjusted Wald, Agresti–Coull,
    /// Jeffreys and Bayesian intervals are centred elsewhere and may
    /// exclude it (a credible interval of a score of 100 ends below 100).
    ///
    /// ```
    /// use cxmetrics::interval::{Method, NpsMethod};
    /// assert!(Method::StudentT.contains_estimate());
    /// assert!(!Method::Nps(NpsMethod::Bayes).contains_estimate());
    /// ```
    #[must_use]
    pub fn contains_estimate(self) -> bool {
        match self {
            Method::Proportion(m) => !matches!(
                m,
                ProportionMethod::AgrestiCoull | ProportionMethod::Jeffreys
            ),
            Method::Nps(m) => !matches!(m, NpsMethod::AdjustedWald | NpsMethod::Bayes),
            Method::StudentT => true,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::Proportion(ProportionMethod::Wald) | Method::Nps(NpsMethod::Wald) => "Wald",
            Method::Proportion(ProportionMethod::Wilson) => "Wilson score",
            Method::Proportion(ProportionMethod::WilsonCc) => {
                "Wilson score with continuity correction"
            }
            Method::Proportion(ProportionMethod::AgrestiCoull) => "Agresti-Coull",
            Method::Proportion(ProportionMethod::ClopperPearson) => "Clopper-Pearson",
            Method::Proportion(ProportionMethod::Jeffreys) => "Jeffreys",
            Method::Proportion(ProportionMethod::Logit) => "logit",
            Method::Proportion(ProportionMethod::Hypergeometric) => "exact hypergeometric",
            Method::Nps(NpsMethod::AdjustedWald) => "adjusted Wald",
            Method::Nps(NpsMethod::TrinomialT) => "trinomial t",
            Method::Nps(NpsMethod::Tango) => "Tango score",
            Method::Nps(NpsMethod::Bayes) => "Bayesian (Jeffreys prior)",
            Method::StudentT => "Student t",
        })
    }
}

/// The counts the binomial and multinomial interval methods take: the exact
/// answer counts when the answers are unweighted (then the Kish n equals n
/// and every share is its count over n), else each share times the Kish
/// effective sample size. Returns the counts and the total they are out of.
pub(crate) fn method_counts<const K: usize>(
    n: u64,
    effective_n: f64,
    parts: [(u64, f64); K],
) -> ([f64; K], f64) {
    let total = n as f64;
    // Equal weights other than 1 give the same shares and Kish n up to
    // rounding: they are unweighted data too (issue 21).
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * a.abs().max(b.abs());
    let unweighted = close(effective_n, total)
        && parts
            .iter()
            .all(|&(count, share)| close(share, count as f64 / total));
    if unweighted {
        (parts.map(|(count, _)| count as f64), total)
    } else {
        (parts.map(|(_, share)| share * effective_n), effective_n)
    }
}
