//! Intervals of a Net Promoter Score.

use crate::error::Error;
use crate::estimate::{Estimate, Interval};
use crate::interval::{IntervalSpec, Method, NpsMethod, fpc};
use crate::metric::Metric;
use crate::metric::nps::Nps;
use crate::unit::Unit;

/// The NPS interval of unweighted bucket counts, in points.
///
/// # Errors
///
/// As [`Nps::from_counts`] and [`Nps::estimate_with`].
///
/// # Example
///
/// ```
/// use cxmetrics::ConfidenceLevel;
/// use cxmetrics::interval::{self, NpsMethod};
///
/// let est = interval::nps(45, 30, 25, NpsMethod::Wald, ConfidenceLevel::P90)?;
/// assert!((est.interval.lower - 6.637145964641491).abs() < 1e-9);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn nps(
    promoters: u64,
    passives: u64,
    detractors: u64,
    method: NpsMethod,
    spec: impl Into<IntervalSpec>,
) -> Result<Estimate, Error> {
    Nps::from_counts(promoters, passives, detractors)?.estimate_with(method, spec)
}

impl Nps {
    /// The NPS with its adjusted-Wald interval (the recommended default),
    /// in points.
    ///
    /// # Errors
    ///
    /// [`Error::PopulationTooSmall`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{ConfidenceLevel, Nps};
    ///
    /// let est = Nps::from_counts(45, 30, 25)?.estimate(ConfidenceLevel::P95)?;
    /// assert!((est.interval.lower - 3.7702544118751016).abs() < 1e-9);
    /// assert!((est.interval.upper - 35.06469704443558).abs() < 1e-9);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn estimate(&self, spec: impl Into<IntervalSpec>) -> Result<Estimate, Error> {
        self.estimate_with(NpsMethod::default(), spec)
    }

    /// The NPS with an interval by the given method, in points. Bounds are
    /// clipped to −100..=100 (Wald and its adjusted form can exceed them).
    ///
    /// Weighted answers use the Kish effective sample size in place of n.
    ///
    /// # Formula
    ///
    /// With shares p (promoters) and d (detractors) of n answers:
    ///
    /// ```text
    /// Wald          (p − d) ± z·√((p + d − (p − d)²)/n)
    /// adjusted Wald n' = n + 3, p' = (P + ¾)/n', d' = (D + ¾)/n',
    ///               (p' − d') ± z·√((p' + d' − (p' − d')²)/n')
    /// trinomial t   (p − d) ± t_{n−1}·√((p + d − (p − d)²)/(n − 1))
    /// ```
    ///
    /// all × 100, the standard error times the finite population
    /// correction when a population is given. The adjusted-Wald interval is
    /// centred on the adjusted value, so at extreme data it need not
    /// contain the raw score; the reported value stays the raw score.
    ///
    /// # Errors
    ///
    /// [`Error::PopulationTooSmall`]; for the trinomial t interval,
    /// [`Error::TooFewAnswers`] below an effective n of 2 and
    /// [`Error::ZeroVariance`] when every answer is in one bucket.
    ///
    /// # References
    ///
    /// Rocks, B. (2016), "Interval Estimation for the Net Promoter Score",
    /// *The American Statistician* 70(4). Sauro, J. & Lewis, J. R.,
    /// "Confidence Intervals for Net Promoter Scores", MeasuringU.
    pub fn estimate_with(
        &self,
        method: NpsMethod,
        spec: impl Into<IntervalSpec>,
    ) -> Result<Estimate, Error> {
        let spec = spec.into();
        let level = spec.confidence_level();
        let f = fpc::factor(spec.population_size(), self.n())?;
        let (promoters, detractors, n) = self.trinomial();
        let (p, d) = (promoters / n, detractors / n);
        let value = p - d;
        let (centre, std_error, crit) = match method {
            NpsMethod::Wald => (value, (multinomial_variance(p, d) / n).sqrt(), level.z()),
            NpsMethod::AdjustedWald => {
                let n_adj = n + 3.0;
                let (pa, da) = ((promoters + 0.75) / n_adj, (detractors + 0.75) / n_adj);
                (
                    pa - da,
                    (multinomial_variance(pa, da) / n_adj).sqrt(),
                    level.z(),
                )
            }
            NpsMethod::TrinomialT => {
                if n <= 1.0 {
                    return Err(Error::TooFewAnswers {
                        what: "a trinomial t interval",
                        needed: 1.0,
                        effective_n: n,
                    });
                }
                let v = multinomial_variance(p, d);
                if v <= 0.0 {
                    return Err(Error::ZeroVariance {
                        what: "a trinomial t interval",
                        n: self.n(),
                    });
                }
                (value, (v / (n - 1.0)).sqrt(), level.t(n - 1.0))
            }
        };
        let se = std_error * f;
        let half = crit * se;
        Ok(Estimate {
            metric: Metric::Nps,
            value: 100.0 * value,
            std_error: 100.0 * se,
            interval: Interval {
                lower: (centre - half).clamp(-1.0, 1.0),
                upper: (centre + half).clamp(-1.0, 1.0),
            }
            .scaled(100.0),
            level,
            method: Method::Nps(method),
            n: self.n(),
            effective_n: self.effective_n(),
            unit: Unit::NpsPoints,
        })
    }

    /// (promoters, detractors, n) as numbers: exact counts when the answers
    /// are unweighted, else shares times the Kish effective sample size.
    pub(crate) fn trinomial(&self) -> (f64, f64, f64) {
        let ([promoters, detractors], n) = crate::metric::method_counts(
            self.n(),
            self.effective_n(),
            [
                (self.promoters(), self.promoter_share()),
                (self.detractors(), self.detractor_share()),
            ],
        );
        (promoters, detractors, n)
    }
}

/// Var of a single answer's +1/0/−1 score: p + d − (p − d)², never below 0.
pub(crate) fn multinomial_variance(p: f64, d: f64) -> f64 {
    (p + d - (p - d) * (p - d)).max(0.0)
}
