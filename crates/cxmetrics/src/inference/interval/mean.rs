//! The Student t interval of a mean rating.

use crate::foundation::error::Error;
use crate::foundation::metric_kind::Metric;
use crate::foundation::unit::Unit;
use crate::inference::design::VarianceMethod;
use crate::inference::estimate::{Estimate, Interval};
use crate::inference::interval::{IntervalSpec, Method, fpc};
use crate::metrics::mean::Mean;

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
    /// The interval is not clipped to the scale: with very few answers it
    /// can reach past the scale's ends, a sign that the sample says little
    /// (scipy's `t.interval` gives the same numbers).
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
            return Ok(est);
        }
        let level = spec.confidence_level();
        let variance = self.variance()?;
        if variance <= 0.0 {
            return Err(Error::ZeroVariance {
                what: "a t interval",
                n: self.n(),
            });
        }
        let f = fpc::factor(spec.population_size(), self.n())?;
        let n_eff = self.effective_n();
        let se = (variance / n_eff).sqrt() * f;
        // With n_eff just above 1 the t quantile can exceed f64.
        let df = n_eff - 1.0;
        let half = level.t(df) * se;
        if !half.is_finite() {
            return Err(Error::UnboundedInterval {
                what: "a t interval",
                df,
            });
        }
        Ok(Estimate {
            metric: Metric::Mean,
            value: self.mean(),
            std_error: se,
            interval: Interval {
                lower: self.mean() - half,
                upper: self.mean() + half,
            },
            level,
            method: Method::StudentT,
            n: self.n(),
            effective_n: n_eff,
            unit: Unit::ScalePoints,
            design: self.design.map(|m| m.effects(VarianceMethod::Kish)),
        })
    }
}
