//! The Taylor-linearized variance of a weighted score, from per-point sums.

use crate::counting::tally::Tally;
use crate::foundation::error::Error;
use crate::inference::design::effect::DesignEffects;
use crate::inference::design::moments::Moments;
use crate::inference::design::statistic::Statistic;
use crate::inference::design::variance_method::VarianceMethod;
use crate::inference::estimate::Estimate;
use crate::inference::interval::{IntervalSpec, NpsMethod};

/// The design-based (Taylor-linearized) summary of one score of weighted
/// answers: its value, standard error, design effects and interval.
///
/// Made from a tally ([`Linearized::from_tally`]), a post-stratified sample
/// ([`PostStratified::linearized`](crate::design::PostStratified::linearized))
/// or a raked one ([`Raked::linearized`](crate::design::Raked::linearized)).
/// Values are in the score's unit: shares on 0..=1, NPS in points, means on
/// the scale.
///
/// # Formula
///
/// With g the score's value of a point (1 in the box and 0 outside; +1, 0,
/// −1 for NPS; the point for a mean), W₁(x), W₂(x) the sums of weights and
/// squared weights at point x, W = Σ W₁ and n answers:
///
/// ```text
/// ȳ = Σ g(x) W₁(x) / W
/// V = n/(n − 1) · Σ (g(x) − ȳ)² W₂(x) / W²
/// ```
///
/// This is R `survey`'s `svymean` for `svydesign(ids = ~1, weights = ~w)`:
/// a with-replacement design without strata, clusters or finite
/// population correction.
///
/// # References
///
/// Wolter, K. M. (2007), *Introduction to Variance Estimation*, 2nd ed.,
/// Springer, ch. 6. Lumley, T. (2010), *Complex Surveys: A Guide to
/// Analysis Using R*, Wiley.
///
/// # Example
///
/// ```
/// use cxmetrics::design::Linearized;
/// use cxmetrics::segment::Score;
/// use cxmetrics::{Scale, Tally};
///
/// let mut t = Tally::new(Scale::NPS);
/// t.extend_weighted_scores(&[10u8, 9, 3], &[1.0, 1.0, 2.0])?;
/// let lin = Linearized::from_tally(&t, Score::nps())?;
/// assert_eq!(lin.value(), 0.0); // (2 − 2) / 4
/// // V = 3/2 · (1 + 1 + 4) / 16, in points
/// assert!((lin.std_error().unwrap() - 100.0 * (9.0f64 / 16.0).sqrt()).abs() < 1e-12);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Linearized {
    pub(crate) moments: Moments,
    pub(crate) statistic: Statistic,
}

impl Linearized {
    /// The linearized summary of `statistic` over a tally (weighted or
    /// not).
    pub(crate) fn of_statistic(tally: &Tally, statistic: Statistic) -> Result<Linearized, Error> {
        tally.require_scorable()?;
        Ok(Linearized {
            moments: Moments::of_tally(tally, &statistic),
            statistic,
        })
    }

    /// The linearized summary of a net score over a tally: the share of
    /// the best `top` points minus that of the worst `bottom` points, in
    /// points on −100..=100 (see [`NetScore`](crate::NetScore)), with NPS's
    /// interval methods (`method`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidBox`] when `top` or `bottom` is 0 or they overlap;
    /// [`Error::EmptyTally`]; [`Error::ZeroTotalWeight`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::design::Linearized;
    /// use cxmetrics::interval::NpsMethod;
    /// use cxmetrics::{ConfidenceLevel, Scale, Tally};
    /// let mut t = Tally::new(Scale::CES_7);
    /// t.extend_weighted_scores(&[7u8, 6, 5, 4, 2], &[1.0, 1.0, 1.0, 1.0, 2.0])?;
    /// let net = Linearized::from_net_score(&t, 3, 3, NpsMethod::Wald)?;
    /// assert!((net.value() - 100.0 * (3.0 - 2.0) / 6.0).abs() < 1e-12);
    /// assert!(net.estimate(ConfidenceLevel::P95)?.interval.contains(net.value()));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn from_net_score(
        tally: &Tally,
        top: u32,
        bottom: u32,
        method: NpsMethod,
    ) -> Result<Linearized, Error> {
        let scale = tally.scale();
        let best = scale.best_indices(top)?;
        let worst = scale.worst_indices(bottom)?;
        if u64::from(top) + u64::from(bottom) > scale.len() as u64 {
            return Err(Error::InvalidBox {
                k: top.saturating_add(bottom),
                points: scale.len() as u32,
            });
        }
        tally.require_scorable()?;
        let statistic = Statistic::Net {
            best,
            worst,
            method,
        };
        Ok(Linearized {
            moments: Moments::of_tally(tally, &statistic),
            statistic,
        })
    }

    /// The score's value.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::design::Linearized;
    /// use cxmetrics::segment::Score;
    /// use cxmetrics::{Scale, Tally};
    /// let t = Tally::from_scores(Scale::CSAT_5, &[5u8, 4, 3])?;
    /// assert_eq!(Linearized::from_tally(&t, Score::Mean)?.value(), 4.0);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn value(&self) -> f64 {
        self.statistic.report(self.moments.mean)
    }

    /// The linearized standard error; `None` for a single answer.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::design::Linearized;
    /// use cxmetrics::segment::Score;
    /// use cxmetrics::{Scale, Tally};
    /// let t = Tally::from_scores(Scale::CSAT_5, &[5u8])?;
    /// assert_eq!(Linearized::from_tally(&t, Score::Mean)?.std_error(), None);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn std_error(&self) -> Option<f64> {
        self.moments
            .variance
            .map(|v| v.sqrt() * self.statistic.se_factor())
    }

    /// The number of answers, zero-weight answers included.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::design::Linearized;
    /// use cxmetrics::segment::Score;
    /// use cxmetrics::{Scale, Tally};
    /// let t = Tally::from_scores(Scale::CSAT_5, &[5u8, 1])?;
    /// assert_eq!(Linearized::from_tally(&t, Score::Mean)?.n(), 2);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn n(&self) -> u64 {
        self.moments.n
    }

    /// The number of answers with a positive weight, n₊: the degrees of
    /// freedom are n₊ − 1.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::design::Linearized;
    /// use cxmetrics::segment::Score;
    /// use cxmetrics::{Scale, Tally};
    /// let t = Tally::from_scores(Scale::CSAT_5, &[5u8, 1])?;
    /// assert_eq!(Linearized::from_tally(&t, Score::Mean)?.n_positive(), 2);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn n_positive(&self) -> u64 {
        self.moments.n_positive
    }

    /// The design effects: R's `deff = "replace"` and Kish's 1 + CV², with
    /// the effective sample sizes they imply.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::design::Linearized;
    /// use cxmetrics::segment::Score;
    /// use cxmetrics::{Scale, Tally};
    /// let mut t = Tally::new(Scale::CSAT_5);
    /// t.extend_weighted_scores(&[5u8, 4, 1, 2], &[2.0, 2.0, 2.0, 2.0])?;
    /// let d = Linearized::from_tally(&t, Score::Mean)?.design_effects();
    /// assert!((d.design_effect.unwrap() - 1.0).abs() < 1e-12); // equal weights
    /// assert_eq!(d.kish_design_effect, 1.0);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn design_effects(&self) -> DesignEffects {
        self.moments.effects(VarianceMethod::Linearized)
    }

    /// The estimate with its design-based interval, by the method the
    /// score names ([`Score`](crate::Score)).
    ///
    /// Shares: Wald is ȳ ± z·se; the logit interval is
    /// expit(logit ȳ ∓ t·se/(ȳ(1 − ȳ))) with n₊ − 1 degrees of freedom
    /// (R `svyciprop(method = "logit")`, run to convergence); every other
    /// method runs at the Korn–Graubard effective sample size
    /// n* = ȳ(1 − ȳ)/V · (t_{n−1}/t_{n₊−1})², so Clopper–Pearson is R's
    /// `svyciprop(method = "beta")` (Korn & Graubard 1998). When V = 0 (a
    /// share of 0 or 1) n* falls back to Kish's effective n. NPS: Wald
    /// (z), trinomial t (t with n₊ − 1 df), other methods at the effective
    /// size n* = (p + d − (p − d)²)/V. Means: Student t with n₊ − 1 df,
    /// not clipped (R `confint(svymean(...), df = degf(design))`).
    ///
    /// # Errors
    ///
    /// [`Error::TooFewAnswers`] when n < 2 (no variance) or, for intervals
    /// that need degrees of freedom, n₊ < 2; [`Error::ZeroVariance`] for a
    /// logit interval of a share of 0 or 1; [`Error::PopulationTooSmall`].
    ///
    /// # References
    ///
    /// Korn, E. L. & Graubard, B. I. (1998), "Confidence intervals for
    /// proportions with small expected number of positive counts estimated
    /// from survey data", *Survey Methodology* 24(2).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::design::Linearized;
    /// use cxmetrics::interval::ProportionMethod;
    /// use cxmetrics::segment::Score;
    /// use cxmetrics::{ConfidenceLevel, Scale, Tally};
    /// let mut t = Tally::new(Scale::CSAT_5);
    /// t.extend_weighted_scores(&[5u8, 4, 1, 2, 5], &[1.0, 1.0, 3.0, 1.0, 0.5])?;
    /// let score = Score::TopBox(2, ProportionMethod::ClopperPearson);
    /// let est = Linearized::from_tally(&t, score)?.estimate(ConfidenceLevel::P95)?;
    /// assert!(est.interval.contains(est.value));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn estimate(&self, spec: impl Into<IntervalSpec>) -> Result<Estimate, Error> {
        crate::inference::design::interval::estimate(&self.moments, &self.statistic, spec.into())
    }
}
