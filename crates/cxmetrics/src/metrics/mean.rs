//! Mean, variance and the normalised index of a rating.

use crate::inference::design::variance_method::VarianceMethod;
use crate::inference::estimate::Estimate;
use crate::inference::interval::IntervalSpec;
use std::fmt;

use crate::counting::tally::Tally;
use crate::foundation::error::Error;
use crate::foundation::scale::{Polarity, Scale};
use crate::inference::design::moments::Moments;
use crate::inference::design::statistic::Statistic;

/// The mean rating of a tally (CES mean, CSAT mean) with its spread.
///
/// [`Mean::from_tally`] weights answers by survey weight (for unweighted
/// answers this is the plain mean); [`Mean::unweighted`] ignores weights.
///
/// # Formula
///
/// ```text
/// x̄   = Σ w·x / Σ w
/// v    = Σ w·(x − x̄)² / Σ w                  (population_variance)
/// n_eff = (Σ w)² / Σ w²                      (Kish)
/// s²   = v · n_eff / (n_eff − 1)             (variance; n − 1 divisor when unweighted)
/// ```
///
/// With unit weights `s²` is the usual sample variance. Sums run over the
/// scale's points, offsets from the lowest point, so they are exact in
/// practice.
///
/// # Example
///
/// ```
/// use cxmetrics::{Mean, Scale, Tally};
///
/// let t = Tally::from_scores(Scale::CSAT_5, &[5, 4, 4, 3])?;
/// let m = Mean::from_tally(&t)?;
/// assert_eq!(m.mean(), 4.0);
/// assert_eq!(m.variance()?, 2.0 / 3.0);
/// assert_eq!(m.index(), 75.0);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "MeanRepr", into = "MeanRepr")
)]
pub struct Mean {
    scale: Scale,
    mean: f64,
    /// The mean minus the lowest point, kept apart: differences of means
    /// close together (1 + 2.5e-16 vs 1) need it unrounded.
    #[cfg_attr(feature = "serde", serde(skip))]
    offset: f64,
    population_variance: f64,
    n: u64,
    effective_n: f64,
    /// The design-based moments, for weighted answers only.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub(crate) design: Option<Moments>,
}

impl Mean {
    /// The weighted mean (plain mean for unweighted answers).
    ///
    /// # Errors
    ///
    /// [`Error::EmptyTally`] when the tally has no rated answers;
    /// [`Error::ZeroTotalWeight`] when their weights are all zero.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Mean, Scale, Tally};
    /// let mut t = Tally::new(Scale::CES_7);
    /// t.extend_weighted_scores(&[7u8, 4], &[3.0, 1.0])?;
    /// assert_eq!(Mean::from_tally(&t)?.mean(), 6.25);
    /// assert!(Mean::from_tally(&Tally::new(Scale::CES_7)).is_err());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn from_tally(tally: &Tally) -> Result<Mean, Error> {
        tally.require_scorable()?;
        let weights: Vec<f64> = tally.weight_values().collect();
        let mut mean =
            Mean::from_point_weights(tally.scale(), &weights, tally.n(), tally.effective_n());
        mean.design = crate::inference::design::moments::weighted_moments(tally, &mean.statistic());
        Ok(mean)
    }

    /// The mean ignoring survey weights: every answer counts once.
    ///
    /// # Errors
    ///
    /// [`Error::EmptyTally`] when the tally has no rated answers.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Mean, Scale, Tally};
    /// let mut t = Tally::new(Scale::CES_7);
    /// t.extend_weighted_scores(&[7u8, 4], &[3.0, 1.0])?;
    /// assert_eq!(Mean::unweighted(&t)?.mean(), 5.5);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn unweighted(tally: &Tally) -> Result<Mean, Error> {
        if tally.n() == 0 {
            return Err(Error::EmptyTally {
                not_applicable: tally.not_applicable(),
            });
        }
        let weights: Vec<f64> = tally.counts().iter().map(|&c| c as f64).collect();
        Ok(Mean::from_point_weights(
            tally.scale(),
            &weights,
            tally.n(),
            tally.n() as f64,
        ))
    }

    /// Two passes over the points: the mean offset, then the spread.
    fn from_point_weights(scale: Scale, weights: &[f64], n: u64, effective_n: f64) -> Mean {
        let total: f64 = weights.iter().sum();
        let offset = weights
            .iter()
            .enumerate()
            .map(|(i, &w)| w * i as f64)
            .sum::<f64>()
            / total;
        // Rounding must not carry the mean past an end of the scale.
        let offset = offset.clamp(0.0, (weights.len() - 1) as f64);
        let population_variance = weights
            .iter()
            .enumerate()
            .map(|(i, &w)| w * (i as f64 - offset).powi(2))
            .sum::<f64>()
            / total;
        Mean {
            scale,
            mean: f64::from(scale.lowest()) + offset,
            offset,
            population_variance,
            n,
            effective_n,
            design: None,
        }
    }

    /// The mean as a statistic of the scale point.
    pub(crate) fn statistic(&self) -> Statistic {
        Statistic::Mean {
            lowest: f64::from(self.scale.lowest()),
            top: (self.scale.len() - 1) as f64,
        }
    }

    /// The mean minus the scale's lowest point (more precise than
    /// `mean() - lowest` when the mean is close to a point).
    pub(crate) fn offset(&self) -> f64 {
        self.offset
    }

    /// The mean rating, inside the scale.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Mean, Scale, Tally};
    /// let m = Mean::from_tally(&Tally::from_scores(Scale::CSAT_5, &[1u8, 2, 2, 3, 5, 5])?)?;
    /// assert_eq!(m.mean(), 3.0);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// The spread with divisor Σw: `Σ w·(x − x̄)² / Σ w`.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Mean, Scale, Tally};
    /// let m = Mean::from_tally(&Tally::from_scores(Scale::CSAT_5, &[1u8, 2, 2, 3, 5, 5])?)?;
    /// assert!((m.population_variance() - 14.0 / 6.0).abs() < 1e-15);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn population_variance(&self) -> f64 {
        self.population_variance
    }

    /// The sample variance `v · n_eff / (n_eff − 1)`: with unit weights,
    /// the usual n − 1 estimator.
    ///
    /// # Errors
    ///
    /// [`Error::TooFewAnswers`] when the effective sample size is 1 or less.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Mean, Scale, Tally};
    /// let m = Mean::from_tally(&Tally::from_scores(Scale::CSAT_5, &[1u8, 2, 2, 3, 5, 5])?)?;
    /// assert!((m.variance()? - 14.0 / 5.0).abs() < 1e-15);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn variance(&self) -> Result<f64, Error> {
        if self.effective_n > 1.0 {
            Ok(self.population_variance * self.effective_n / (self.effective_n - 1.0))
        } else {
            Err(Error::TooFewAnswers {
                what: "a sample variance",
                needed: 1.0,
                effective_n: self.effective_n,
            })
        }
    }

    /// The sample standard deviation, √[`Mean::variance`].
    ///
    /// # Errors
    ///
    /// As [`Mean::variance`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Mean, Scale, Tally};
    /// let m = Mean::from_tally(&Tally::from_scores(Scale::CSAT_5, &[1u8, 2, 2, 3, 5, 5])?)?;
    /// assert!((m.std_dev()? - 2.8f64.sqrt()).abs() < 1e-15);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn std_dev(&self) -> Result<f64, Error> {
        self.variance().map(f64::sqrt)
    }

    /// The mean mapped onto 0..=100 with 100 the best end of the scale,
    /// so that scales of different length and direction compare.
    ///
    /// # Formula
    ///
    /// ```text
    /// higher is better: 100 · (x̄ − lowest) / (highest − lowest)
    /// lower is better:  100 · (highest − x̄) / (highest − lowest)
    /// ```
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Mean, Scale, Tally};
    /// let m = Mean::from_tally(&Tally::from_scores(Scale::CSAT_5, &[1u8, 2, 2, 3, 5, 5])?)?;
    /// assert_eq!(m.index(), 50.0);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn index(&self) -> f64 {
        let lo = f64::from(self.scale.lowest());
        let hi = f64::from(self.scale.highest());
        let span = hi - lo;
        match self.scale.polarity() {
            Polarity::HigherIsBetter => 100.0 * (self.mean - lo) / span,
            Polarity::LowerIsBetter => 100.0 * (hi - self.mean) / span,
        }
    }

    /// The number of rated answers.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Mean, Scale, Tally};
    /// let m = Mean::from_tally(&Tally::from_scores(Scale::CSAT_5, &[1u8, 2, 2, 3, 5, 5])?)?;
    /// assert_eq!(m.n(), 6);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn n(&self) -> u64 {
        self.n
    }

    /// Kish effective sample size (= [`Mean::n`] when unweighted).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Mean, Scale, Tally};
    /// let m = Mean::from_tally(&Tally::from_scores(Scale::CSAT_5, &[1u8, 2, 2, 3, 5, 5])?)?;
    /// assert_eq!(m.effective_n(), 6.0);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn effective_n(&self) -> f64 {
        self.effective_n
    }

    /// The scale the mean was taken on.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Mean, Scale, Tally};
    /// let m = Mean::from_tally(&Tally::from_scores(Scale::CSAT_5, &[1u8, 2, 2, 3, 5, 5])?)?;
    /// assert_eq!(m.scale(), Scale::CSAT_5);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn scale(&self) -> Scale {
        self.scale
    }
}

impl fmt::Display for Mean {
    /// `mean 4.00 on 1..=5 (n = 4)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision().unwrap_or(2);
        write!(
            f,
            "mean {:.p$} on {} (n = {})",
            self.mean, self.scale, self.n
        )
    }
}

/// The serialized form of a [`Mean`]: the same fields, checked on the way
/// in.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct MeanRepr {
    mean: f64,
    scale: Scale,
    population_variance: f64,
    n: u64,
    effective_n: f64,
    /// The mean minus the lowest point, unrounded (absent before 0.3:
    /// then `mean − lowest`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    offset: Option<f64>,
    /// The design-based moments of weighted answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    design: Option<crate::inference::design::moments::MomentsRepr>,
}

#[cfg(feature = "serde")]
impl From<Mean> for MeanRepr {
    fn from(x: Mean) -> MeanRepr {
        MeanRepr {
            mean: x.mean,
            scale: x.scale,
            population_variance: x.population_variance,
            n: x.n,
            effective_n: x.effective_n,
            offset: Some(x.offset),
            design: x.design.map(Into::into),
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<MeanRepr> for Mean {
    type Error = Error;
    fn try_from(r: MeanRepr) -> Result<Mean, Error> {
        use crate::metrics::check;
        const WHAT: &str = "mean";
        check::sizes(WHAT, r.n, r.effective_n)?;
        let (lo, hi) = (f64::from(r.scale.lowest()), f64::from(r.scale.highest()));
        if !(lo <= r.mean && r.mean <= hi) {
            return Err(check::fail(
                WHAT,
                format!("mean {} is outside scale {}", r.mean, r.scale),
            ));
        }
        // Bhatia–Davis: a variance on [lo, hi] is at most (hi − μ)(μ − lo).
        let most = (hi - r.mean) * (r.mean - lo);
        if !(r.population_variance >= 0.0 && r.population_variance <= most * (1.0 + 1e-9) + 1e-12) {
            return Err(check::fail(
                WHAT,
                format!(
                    "population_variance {} is not in 0..={most} for mean {} on scale {}",
                    r.population_variance, r.mean, r.scale
                ),
            ));
        }
        let offset = r.offset.unwrap_or(r.mean - lo);
        // The offset is the mean's unrounded distance from the lowest
        // point: lowest + offset rounds to the mean.
        if !(offset >= 0.0
            && offset <= hi - lo
            && (lo + offset - r.mean).abs() <= 1e-12 * r.mean.abs().max(1.0))
        {
            return Err(check::fail(
                WHAT,
                format!(
                    "offset {offset} does not place mean {} on scale {}",
                    r.mean, r.scale
                ),
            ));
        }
        Ok(Mean {
            scale: r.scale,
            mean: r.mean,
            offset,
            population_variance: r.population_variance,
            n: r.n,
            effective_n: r.effective_n,
            // Moments hold the mean as an offset from the lowest point.
            design: r
                .design
                .map(|d| d.check(WHAT, r.n, offset, (0.0, hi - lo)))
                .transpose()?,
        })
    }
}

// The interval: the mean's moments (or its design moments) handed to
// inference.

impl Mean {
    /// The mean with its Student t interval.
    ///
    /// Weighted answers have, by default ([`VarianceMethod::Linearized`]),
    /// the Taylor-linearized standard error and n₊ − 1 degrees of freedom
    /// (n₊ answers of positive weight), as R's
    /// `confint(svymean(~y, design), df = degf(design))`; a zero variance
    /// then gives the zero-width interval at the mean. With
    /// [`VarianceMethod::Kish`], the Kish formula below.
    ///
    /// The interval is clipped to the scale (a mean cannot leave it): with
    /// very few answers the t interval (scipy's `t.interval`) can reach
    /// past the scale's ends, a sign that the sample says little; an
    /// interval ending exactly at a scale end may be such a clipped one.
    /// Below one degree of freedom (a Kish effective n under 2) it is
    /// [`Error::TooFewDegreesOfFreedom`].
    ///
    /// # Formula
    ///
    /// ```text
    /// se = √(s² / n_eff) · fpc        s² = Mean::variance (n − 1 divisor)
    /// x̄ ± t_{n_eff − 1} · se
    /// ```
    ///
    /// For weighted answers n_eff is Kish's effective sample size and
    /// s²/n_eff = v/(n_eff − 1) with v = Σw(x − x̄)²/Σw, so the degrees of
    /// freedom are fractional. This treats weights as survey (precision)
    /// weights; statsmodels' `DescrStatsW` treats them as frequency weights
    /// (df = Σw − 1), which overstates the precision of weighted surveys.
    /// With equal weights both reduce to the ordinary t interval.
    ///
    /// # Errors
    ///
    /// [`Error::TooFewAnswers`] when n_eff ≤ 1; [`Error::ZeroVariance`]
    /// when every answer is the same; [`Error::PopulationTooSmall`].
    ///
    /// # References
    ///
    /// Kish, L. (1965), *Survey Sampling*; scipy `stats.t.interval`.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{ConfidenceLevel, Mean, Scale, Tally};
    ///
    /// let t = Tally::from_counts(Scale::CSAT_5, &[5, 10, 20, 40, 25])?;
    /// let est = Mean::from_tally(&t)?.estimate(ConfidenceLevel::P95)?;
    /// assert!((est.interval.lower - 3.4806365622975024).abs() < 1e-12);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn estimate(&self, spec: impl Into<IntervalSpec>) -> Result<Estimate, Error> {
        let spec = spec.into();
        if let Some(m) = &self.design
            && spec.variance_method() == VarianceMethod::Linearized
        {
            let m = m.centred_on(self.offset(), None);
            let mut est =
                crate::inference::design::interval::estimate(&m, &self.statistic(), spec)?;
            // lowest + offset can round away from mean() by an ulp.
            est.value = self.mean();
            est.interval = est.interval.reaching(est.value);
            return self.on_scale(est);
        }
        let mut est = crate::inference::interval::mean::student_t(
            self.mean(),
            self.variance()?,
            self.n(),
            self.effective_n(),
            spec,
        )?;
        est.design = self.design.map(|m| m.effects(VarianceMethod::Kish));
        self.on_scale(est)
    }

    /// The interval clipped to the scale (a mean cannot leave it), then
    /// the crate's sanity rule ([`Estimate::validate`]).
    fn on_scale(&self, mut est: Estimate) -> Result<Estimate, Error> {
        let (lo, hi) = (
            f64::from(self.scale().lowest()),
            f64::from(self.scale().highest()),
        );
        est.interval.lower = est.interval.lower.clamp(lo, hi);
        est.interval.upper = est.interval.upper.clamp(lo, hi);
        est.sane("a mean's interval")
    }
}
