//! Intervals of a Net Promoter Score.

use crate::foundation::error::Error;
use crate::foundation::metric_kind::Metric;
use crate::foundation::unit::Unit;
use crate::inference::design::VarianceMethod;
use crate::inference::design::statistic::Statistic;
use crate::inference::estimate::{Estimate, Interval};
use crate::inference::interval::{IntervalSpec, Method, NpsMethod, bayes, fpc, tango};
use crate::metrics::nps::{NetScore, Nps};

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
    /// Weighted answers have, by default ([`VarianceMethod::Linearized`]),
    /// the Taylor-linearized standard error: Wald is (p − d) ± z·se,
    /// trinomial t (p − d) ± t·se with n₊ − 1 degrees of freedom (n₊
    /// answers of positive weight), and other methods run at the design's
    /// effective sample size (p + d − (p − d)²)/V. With
    /// [`VarianceMethod::Kish`] they use Kish's effective sample size in
    /// place of n. [`Estimate::design`] carries the design effects.
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
    /// all × 100. [`NpsMethod::Tango`] inverts Tango's score test and
    /// [`NpsMethod::Bayes`] takes the equal-tailed credible interval under
    /// a Dirichlet(½, ½, ½) prior (see their docs). The adjusted-Wald
    /// interval is centred on the adjusted value, so at extreme data it
    /// need not contain the raw score; the reported value stays the raw
    /// score.
    ///
    /// With a population N, every method but the trinomial t works on the
    /// effective sample n·(N − 1)/(N − n) (with the counts scaled alike):
    /// for Wald that is exactly the standard error times the finite
    /// population correction √((N − n)/(N − 1)); the adjusted Wald adds its
    /// pseudo-answers to the effective sample, so a population barely larger
    /// than the sample keeps the interval near the attainable scores, and a
    /// census (N = n) returns the score itself with zero width. The
    /// trinomial t interval multiplies its standard error by the
    /// correction.
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
        if let Some(m) = &self.design
            && spec.variance_method() == VarianceMethod::Linearized
        {
            // Centred on this score's own shares: the value is score().
            let m = m.centred_on(
                self.fraction(),
                Some((self.promoter_share(), self.detractor_share())),
            );
            return crate::inference::design::interval::estimate(&m, &Statistic::Nps(method), spec);
        }
        let (promoters, detractors, n) = self.trinomial();
        net_estimate(
            promoters,
            detractors,
            n,
            self.n(),
            Metric::Nps,
            method,
            spec,
        )
        .map(|mut est| {
            est.effective_n = self.effective_n();
            est.design = self.design.map(|m| m.effects(VarianceMethod::Kish));
            est
        })
    }

    /// (promoters, detractors, n) as numbers: exact counts when the answers
    /// are unweighted, else shares times the Kish effective sample size.
    pub(crate) fn trinomial(&self) -> (f64, f64, f64) {
        let ([promoters, detractors], n) = crate::metrics::method_counts(
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

impl NetScore {
    /// The net score with its adjusted-Wald interval, in points (as
    /// [`Nps::estimate`]: positive answers play promoters, negative ones
    /// detractors).
    ///
    /// # Errors
    ///
    /// [`Error::PopulationTooSmall`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{ConfidenceLevel, NetScore, Scale, Tally};
    /// let t = Tally::from_counts(Scale::CSAT_5, &[10, 10, 20, 30, 30])?;
    /// let est = NetScore::from_tally(&t, 2, 2)?.estimate(ConfidenceLevel::P95)?;
    /// assert!((est.value - 40.0).abs() < 1e-12);
    /// assert!(est.interval.contains(40.0));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn estimate(&self, spec: impl Into<IntervalSpec>) -> Result<Estimate, Error> {
        self.estimate_with(NpsMethod::default(), spec)
    }

    /// The net score with an interval by any NPS method ([`NpsMethod`]),
    /// in points; see [`Nps::estimate_with`] for the formulas.
    ///
    /// # Errors
    ///
    /// As [`Nps::estimate_with`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::interval::NpsMethod;
    /// use cxmetrics::{ConfidenceLevel, NetScore, Nps, Scale, Tally};
    /// // NPS is the net score of the 0–10 scale with top 2 and bottom 7.
    /// let t = Tally::from_counts(Scale::NPS, &[1, 1, 1, 2, 2, 3, 5, 10, 15, 30, 30])?;
    /// let net = NetScore::from_tally(&t, 2, 7)?.estimate_with(NpsMethod::Tango, ConfidenceLevel::P95)?;
    /// let nps = Nps::from_tally(&t)?.estimate_with(NpsMethod::Tango, ConfidenceLevel::P95)?;
    /// assert!((net.interval.lower - nps.interval.lower).abs() < 1e-9);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn estimate_with(
        &self,
        method: NpsMethod,
        spec: impl Into<IntervalSpec>,
    ) -> Result<Estimate, Error> {
        let (positive, negative, n) = self.trinomial();
        net_estimate(
            positive,
            negative,
            n,
            self.n(),
            Metric::NetScore,
            method,
            spec.into(),
        )
    }

    /// (positive, negative, n) for the multinomial methods: the shares
    /// times the Kish effective sample size (the counts themselves when
    /// unweighted, up to rounding of the shares).
    pub(crate) fn trinomial(&self) -> (f64, f64, f64) {
        let n = self.effective_n();
        (self.top_share() * n, self.bottom_share() * n, n)
    }
}

/// Var of a single answer's +1/0/−1 score: p + d − (p − d)², never below 0.
pub(crate) fn multinomial_variance(p: f64, d: f64) -> f64 {
    (p + d - (p - d) * (p - d)).max(0.0)
}

/// The interval of a net score (NPS or any top-minus-bottom score) from
/// (possibly fractional) positive and negative counts out of `n`, in
/// points; `n_sample` is the number of answers (for the population check
/// and the reported n).
pub(crate) fn net_estimate(
    positive: f64,
    negative: f64,
    n: f64,
    n_sample: u64,
    metric: Metric,
    method: NpsMethod,
    spec: IntervalSpec,
) -> Result<Estimate, Error> {
    let level = spec.confidence_level();
    let inflation = fpc::inflation(spec.population_size(), n_sample)?;
    let (p, d) = (positive / n, negative / n);
    let value = p - d;
    let mut est = Estimate {
        metric,
        value: 100.0 * value,
        std_error: 0.0,
        interval: Interval {
            lower: 100.0 * value,
            upper: 100.0 * value,
        },
        level,
        method: Method::Nps(method),
        n: n_sample,
        effective_n: n,
        unit: Unit::NpsPoints,
        design: None,
    };
    if inflation.is_infinite() {
        // A census: no sampling error.
        return Ok(est);
    }
    // The finite population correction as an inflated sample.
    let (pos, neg, m) = (positive * inflation, negative * inflation, n * inflation);
    let wald_se = (multinomial_variance(p, d) / m).sqrt();
    let z = level.z();
    let (lower, upper, se) = match method {
        NpsMethod::Wald => (value - z * wald_se, value + z * wald_se, wald_se),
        NpsMethod::AdjustedWald => {
            let m_adj = m + 3.0;
            let (pa, da) = ((pos + 0.75) / m_adj, (neg + 0.75) / m_adj);
            let centre = pa - da;
            let se = (multinomial_variance(pa, da) / m_adj).sqrt();
            (centre - z * se, centre + z * se, se)
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
                    n: n_sample,
                });
            }
            let se = (v / (n - 1.0) / inflation).sqrt();
            let half = level.t(n - 1.0) * se;
            (value - half, value + half, se)
        }
        NpsMethod::Tango => {
            let (lower, upper) = tango::bounds(pos, neg, m, z);
            (lower, upper, wald_se)
        }
        NpsMethod::Bayes => {
            let passives = (m - pos - neg).max(0.0);
            let (lower, upper) = bayes::bounds(pos, passives, neg, level.get());
            (lower, upper, wald_se)
        }
    };
    est.std_error = 100.0 * se;
    est.interval = Interval {
        lower: lower.clamp(-1.0, 1.0),
        upper: upper.clamp(-1.0, 1.0),
    }
    .scaled(100.0);
    Ok(est)
}
