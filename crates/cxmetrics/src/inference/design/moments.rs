//! The design-based moments of the mean of a statistic g over one sample:
//! the sufficient summary every design-based interval and design effect is
//! computed from.

use crate::counting::tally::PointSums;
use crate::counting::tally::Tally;
#[cfg(feature = "serde")]
use crate::foundation::error::Error;
use crate::inference::design::effect::DesignEffects;
use crate::inference::design::statistic::Statistic;
use crate::inference::design::variance_method::VarianceMethod;

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

    /// Whether a design effect is finite and positive, with a finite
    /// effective n.
    fn usable_effect(&self, d: f64) -> bool {
        d.is_finite() && d > 0.0 && (self.n_positive as f64 / d).is_finite()
    }

    /// The design effects of an estimate made with `variance`.
    pub(crate) fn effects(&self, variance: VarianceMethod) -> DesignEffects {
        DesignEffects {
            variance,
            n_positive: self.n_positive,
            // A design effect of 0 (a variance lost to underflow) or one
            // whose effective n is beyond f64 is not reported: `None`,
            // never an infinite n (which JSON would write as null).
            design_effect: self.design_effect.filter(|&d| self.usable_effect(d)),
            design_effective_n: self
                .design_effect
                .filter(|&d| self.usable_effect(d))
                .map(|d| self.n_positive as f64 / d),
            kish_design_effect: self.n_positive as f64 / self.kish_n,
            kish_effective_n: self.kish_n,
        }
    }
}

/// The per-point sums of a tally and the power of two e its weights are
/// scaled by (weight = Σw·2^−e).
pub(crate) fn point_sums(tally: &Tally) -> (Vec<PointSums>, i32) {
    (tally.point_sums().collect(), tally.weight_exponent())
}

/// The design-based moments of `statistic` over a tally of weighted
/// answers; `None` when every answer weighs 1. The tally is scorable.
pub(crate) fn weighted_moments(tally: &Tally, statistic: &Statistic) -> Option<Moments> {
    if is_unweighted(tally.point_sums(), tally.weight_exponent()) {
        return None;
    }
    Some(Moments::of_tally(tally, statistic))
}

/// Whether every answer carries the same positive weight (then the
/// unweighted formulas apply unchanged: every score is invariant to
/// rescaling the weights, so weights all 2 must give what weights all 1
/// give). Equal up to a relative 1e-12, the rounding of the sums.
pub(crate) fn is_unweighted(sums: impl Iterator<Item = PointSums>, _exponent: i32) -> bool {
    const TOL: f64 = 1e-12;
    let mut common: Option<f64> = None;
    for s in sums {
        if s.count == 0 {
            continue;
        }
        if s.positive != s.count {
            return false;
        }
        let count = s.count as f64;
        let c = s.weight / count;
        if !(c > 0.0 && c.is_finite()) {
            return false;
        }
        let c0 = *common.get_or_insert(c);
        let square = c * c * count;
        if (c - c0).abs() > TOL * c0 || (s.weight_squared - square).abs() > TOL * square {
            return false;
        }
    }
    true
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
