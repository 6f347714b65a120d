//! The Taylor-linearized variance of a weighted score, from per-point sums.

use crate::analysis::segment::Score;
use crate::counting::tally::Tally;
use crate::foundation::error::Error;
use crate::inference::design::effect::DesignEffects;
use crate::inference::design::statistic::Statistic;
use crate::inference::design::{PointSums, VarianceMethod};
use crate::inference::estimate::Estimate;
use crate::inference::interval::{IntervalSpec, NpsMethod};

/// The design-based moments of the mean of g over one sample: everything
/// the intervals and design effects need.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Moments {
    /// ȳ, the weighted mean of g.
    pub(crate) mean: f64,
    /// The linearized variance of ȳ; `None` when n < 2 (one answer has no
    /// with-replacement variance).
    pub(crate) variance: Option<f64>,
    /// R's `deff = "replace"`: variance / v_srs; `None` when n₊ < 2 or
    /// every positive-weight answer has the same g.
    pub(crate) design_effect: Option<f64>,
    /// v_srs = [Σ S1 (g − ȳ)² / W] / (n₊ − 1), the variance of a simple
    /// random sample of n₊; `None` when n₊ < 2 or it is 0.
    pub(crate) srs_variance: Option<f64>,
    /// The weighted shares of g > 0 and g < 0 (promoters and detractors
    /// for NPS).
    pub(crate) positive_share: f64,
    /// See `positive_share`.
    pub(crate) negative_share: f64,
    /// Answers, zero weights included.
    pub(crate) n: u64,
    /// Answers of positive weight.
    pub(crate) n_positive: u64,
    /// Kish's effective sample size W²/Σw².
    pub(crate) kish_n: f64,
    /// Every positive-weight answer has the same g: every variance is
    /// exactly 0.
    pub(crate) constant: bool,
}

impl Moments {
    /// The moments with ȳ (and, for NPS, the shares of g > 0 and g < 0)
    /// replaced by a score's own values, which the tally gives by another
    /// formula and so can differ in the last bit: the estimate's value and
    /// its interval's centre are then one number.
    pub(crate) fn centred_on(mut self, mean: f64, shares: Option<(f64, f64)>) -> Moments {
        self.mean = mean;
        if let Some((positive, negative)) = shares {
            self.positive_share = positive;
            self.negative_share = negative;
        }
        self
    }

    /// The moments of the mean of g from `(sums, g)` items: one per scale
    /// point, or per (cell, point) with the sums already calibrated.
    ///
    /// ```text
    /// ȳ = Σ g S1 / W,   V = n/(n − 1) · Σ S2 (g − ȳ)² / W²
    /// v_srs = [Σ S1 (g − ȳ)² / W] / (n₊ − 1),   deff = V / v_srs
    /// ```
    ///
    /// `items` is called twice (two passes). The caller guarantees W > 0.
    pub(crate) fn of<I, F>(items: F) -> Moments
    where
        F: Fn() -> I,
        I: Iterator<Item = (PointSums, f64)>,
    {
        let (mut n, mut n_positive) = (0u64, 0u64);
        let (mut w, mut w2, mut wy, mut pos, mut neg) = (0.0, 0.0, 0.0, 0.0, 0.0);
        // The single value of g among positive-weight answers, if single.
        let mut only: Option<f64> = None;
        let mut constant = true;
        for (s, g) in items() {
            n = n.saturating_add(s.count);
            n_positive = n_positive.saturating_add(s.positive);
            w += s.weight;
            w2 += s.weight_squared;
            wy += s.weight * g;
            if g > 0.0 {
                pos += s.weight;
            } else if g < 0.0 {
                neg += s.weight;
            }
            if s.weight > 0.0 {
                match only {
                    None => only = Some(g),
                    Some(v) if v != g => constant = false,
                    Some(_) => {}
                }
            }
        }
        let kish_n = w * (w / w2);
        let (positive_share, negative_share) = (pos / w, neg / w);
        if constant {
            // Every positive-weight answer has the same g: the variance is
            // exactly 0 and the design effect 0/0.
            return Moments {
                mean: only.unwrap_or(wy / w),
                variance: (n >= 2).then_some(0.0),
                design_effect: None,
                srs_variance: None,
                positive_share,
                negative_share,
                n,
                n_positive,
                kish_n,
                constant,
            };
        }
        let mean = wy / w;
        let (mut ss1, mut ss2) = (0.0, 0.0);
        for (s, g) in items() {
            let d = g - mean;
            ss1 += s.weight * d * d;
            ss2 += s.weight_squared * d * d;
        }
        let variance = (n >= 2).then(|| n as f64 / (n - 1) as f64 * (ss2 / (w * w)));
        let srs_variance =
            (n_positive >= 2 && ss1 > 0.0).then(|| ss1 / w / (n_positive - 1) as f64);
        Moments {
            mean,
            variance,
            design_effect: None,
            srs_variance,
            positive_share,
            negative_share,
            n,
            n_positive,
            kish_n,
            constant,
        }
        .with_variance(variance)
    }

    /// The same moments with another variance of ȳ (a calibrated one), and
    /// the design effect it implies.
    /// With every positive-weight answer at the same g the variance stays
    /// exactly 0 (a calibrated formula would leave rounding noise).
    pub(crate) fn with_variance(mut self, variance: Option<f64>) -> Moments {
        self.variance = if self.constant {
            variance.map(|_| 0.0)
        } else {
            variance
        };
        self.design_effect = match (variance, self.srs_variance) {
            (Some(v), Some(srs)) => Some(v / srs),
            _ => None,
        };
        self
    }

    /// The moments of `statistic` over a tally.
    pub(crate) fn of_tally(tally: &Tally, statistic: &Statistic) -> Moments {
        Moments::of(|| {
            tally
                .point_sums()
                .enumerate()
                .map(|(i, s)| (s, statistic.value(i)))
        })
    }

    /// The design effects of an estimate made with `variance`.
    pub(crate) fn effects(&self, variance: VarianceMethod) -> DesignEffects {
        DesignEffects {
            variance,
            n_positive: self.n_positive,
            design_effect: self.design_effect,
            design_effective_n: self.design_effect.map(|d| self.n_positive as f64 / d),
            kish_design_effect: self.n_positive as f64 / self.kish_n,
            kish_effective_n: self.kish_n,
        }
    }
}

/// The design-based (Taylor-linearized) summary of one score of weighted
/// answers: its value, standard error, design effects and interval.
///
/// Made from a tally ([`Linearized::from_tally`]), a post-stratified sample
/// ([`PostStratified::linearized`](crate::inference::design::PostStratified::linearized))
/// or a raked one ([`Raked::linearized`](crate::inference::design::Raked::linearized)).
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
    /// The linearized summary of `score` over a tally (weighted or not).
    ///
    /// # Errors
    ///
    /// [`Error::EmptyTally`], [`Error::ZeroTotalWeight`],
    /// [`Error::InvalidBox`], and [`Error::ScaleMismatch`] for NPS off
    /// [`Scale::NPS`](crate::Scale::NPS).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::design::Linearized;
    /// use cxmetrics::segment::Score;
    /// use cxmetrics::{Scale, Tally};
    /// let mut t = Tally::new(Scale::CSAT_5);
    /// t.extend_weighted_scores(&[5u8, 4, 1, 2], &[1.0, 1.0, 3.0, 1.0])?;
    /// let lin = Linearized::from_tally(&t, Score::top_box(2))?;
    /// assert_eq!(lin.value(), 2.0 / 6.0);
    /// assert_eq!((lin.n(), lin.n_positive()), (4, 4));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn from_tally(tally: &Tally, score: Score) -> Result<Linearized, Error> {
        let statistic = Statistic::of(score, tally.scale())?;
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
    /// score names ([`Score`]).
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

/// The serialized design-based moments of a weighted score, checked on the
/// way back in.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MomentsRepr {
    mean: f64,
    variance: Option<f64>,
    srs_variance: Option<f64>,
    positive_share: f64,
    negative_share: f64,
    n: u64,
    n_positive: u64,
    kish_n: f64,
    constant: bool,
}

#[cfg(feature = "serde")]
impl From<Moments> for MomentsRepr {
    fn from(m: Moments) -> MomentsRepr {
        MomentsRepr {
            mean: m.mean,
            variance: m.variance,
            srs_variance: m.srs_variance,
            positive_share: m.positive_share,
            negative_share: m.negative_share,
            n: m.n,
            n_positive: m.n_positive,
            kish_n: m.kish_n,
            constant: m.constant,
        }
    }
}

#[cfg(feature = "serde")]
impl MomentsRepr {
    /// The moments, if they are possible for a score of `n` answers whose
    /// mean of g is `mean` (within rounding) and lies in `lo..=hi`.
    pub(crate) fn check(
        self,
        what: &'static str,
        n: u64,
        mean: f64,
        (lo, hi): (f64, f64),
    ) -> Result<Moments, Error> {
        let fail = |reason: String| Error::InvalidResult {
            what,
            reason: format!("design moments: {reason}"),
        };
        let finite_nonneg = |x: Option<f64>| x.is_none_or(|v| v.is_finite() && v >= 0.0);
        if self.n != n || self.n_positive > n || self.n_positive == 0 {
            return Err(fail(format!(
                "n = {} and n₊ = {} do not fit the score's n = {n}",
                self.n, self.n_positive
            )));
        }
        if !(lo <= self.mean
            && self.mean <= hi
            && (self.mean - mean).abs() <= 1e-9 * (1.0 + mean.abs()))
        {
            return Err(fail(format!(
                "mean {} does not match the score's {mean}",
                self.mean
            )));
        }
        if !(finite_nonneg(self.variance) && finite_nonneg(self.srs_variance))
            || (self.variance.is_none() && n >= 2)
            || (self.constant && self.variance.is_some_and(|v| v != 0.0))
        {
            return Err(fail(format!(
                "variances {:?} and {:?} are impossible",
                self.variance, self.srs_variance
            )));
        }
        let share = |x: f64| (0.0..=1.0).contains(&x);
        if !(share(self.positive_share)
            && share(self.negative_share)
            && self.positive_share + self.negative_share <= 1.0 + 1e-9)
        {
            return Err(fail("shares outside 0..=1".to_string()));
        }
        // Kish's n lies in (0, n₊] (Cauchy–Schwarz).
        if !(self.kish_n > 0.0 && self.kish_n <= self.n_positive as f64 * (1.0 + 1e-9)) {
            return Err(fail(format!(
                "Kish's effective n {} is not in (0, n₊ = {}]",
                self.kish_n, self.n_positive
            )));
        }
        Ok(Moments {
            mean: self.mean,
            variance: None,
            design_effect: None,
            srs_variance: self.srs_variance,
            positive_share: self.positive_share,
            negative_share: self.negative_share,
            n: self.n,
            n_positive: self.n_positive,
            kish_n: self.kish_n,
            constant: self.constant,
        }
        .with_variance(self.variance))
    }
}
