//! Design effects of a weighted estimate.

use crate::foundation::error::Error;
use crate::inference::design::variance_method::VarianceMethod;

/// How much the weighting costs in precision, carried by every estimate
/// of weighted answers ([`Estimate::design`](crate::Estimate::design)).
///
/// Two design effects are reported, each with the effective sample size
/// it implies (n₊ answers of positive weight divided by the effect):
///
/// - **R's `deff = "replace"`** (`svymean(..., deff = "replace")`): the
///   linearized variance over the variance of a simple random sample of
///   n₊ drawn with replacement from the weighted population,
///   v_srs = [Σw(y − ȳ)²/Σw]/(n₊ − 1). It depends on the answers: it
///   says how the weights act on *this* score. `None` when n₊ < 2, when
///   every positive-weight answer gave the same value (0/0), or for a
///   single answer.
/// - **Kish's 1 + CV²** of the weights, n₊·Σw²/(Σw)²: the loss from
///   unequal weights alone, the same for every score of the sample. It is
///   right for a score whose answers are unrelated to the weights.
///
/// # Example
///
/// ```
/// use cxmetrics::{ConfidenceLevel, Scale, Tally, TopBox};
/// let mut t = Tally::new(Scale::CSAT_5);
/// t.extend_weighted_scores(&[5u8, 4, 2, 1], &[1.0, 1.0, 1.0, 3.0])?;
/// let est = TopBox::top(&t, 2)?.estimate(ConfidenceLevel::P95)?;
/// let d = est.design.unwrap();
/// assert_eq!(d.n_positive, 4);
/// assert_eq!(d.kish_design_effect, 4.0 * 12.0 / 36.0); // n₊ Σw² / (Σw)²
/// assert_eq!(d.kish_effective_n, 3.0);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DesignEffects {
    /// The variance method behind the estimate's standard error.
    pub variance: VarianceMethod,
    /// Answers with a positive weight (n₊).
    pub n_positive: u64,
    /// R's `deff = "replace"`: linearized variance / v_srs.
    pub design_effect: Option<f64>,
    /// n₊ / `design_effect`.
    pub design_effective_n: Option<f64>,
    /// Kish's 1 + CV² of the weights: n₊·Σw²/(Σw)².
    pub kish_design_effect: f64,
    /// Kish's effective sample size (Σw)²/Σw² = n₊ / `kish_design_effect`.
    pub kish_effective_n: f64,
}

impl DesignEffects {
    /// `Ok` when the effects could come from a weighted estimate of `n`
    /// answers: n₊ ≤ n, every effect and effective n finite and positive
    /// (Kish's effective n at most n₊, its design effect at least 1, up to
    /// rounding), each effective n equal to n₊ over its effect.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidResult`] naming the broken invariant.
    pub fn validate(&self, n: u64) -> Result<(), Error> {
        let bad = |reason: String| {
            Err(Error::InvalidResult {
                what: "design effects",
                reason,
            })
        };
        if self.n_positive > n {
            return bad(format!("n_positive {} exceeds n = {n}", self.n_positive));
        }
        let np = self.n_positive as f64;
        let positive = |x: f64| x.is_finite() && x > 0.0;
        if !(positive(self.kish_design_effect)
            && positive(self.kish_effective_n)
            && self.kish_design_effect >= 1.0 - 1e-9
            && self.kish_effective_n <= np * (1.0 + 1e-9))
        {
            return bad(format!(
                "Kish design effect {} and effective n {} must be finite, the effect at least 1 and the n at most n_positive = {}",
                self.kish_design_effect, self.kish_effective_n, self.n_positive
            ));
        }
        match (self.design_effect, self.design_effective_n) {
            (None, None) => {}
            (Some(d), Some(e)) if positive(d) && positive(e) => {}
            (d, e) => {
                return bad(format!(
                    "design_effect {d:?} and design_effective_n {e:?} must be both absent or both finite and positive"
                ));
            }
        }
        Ok(())
    }
}
