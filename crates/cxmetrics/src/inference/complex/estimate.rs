//! Results of design-based estimation and their intervals.

use crate::foundation::error::Error;
use crate::inference::complex::values::ValueKind;
use crate::math::dist;

/// A confidence interval's two bounds.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Bounds {
    /// The lower bound.
    pub lower: f64,
    /// The upper bound.
    pub upper: f64,
}

/// How an interval of a design-based estimate is formed (R's `confint`
/// and `svyciprop` methods).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum IntervalMethod {
    /// estimate ∓ z·se, clipped to the statistic's range.
    Wald,
    /// estimate ∓ t·se with the estimate's own degrees of freedom (a
    /// domain: `degf` of the subset; R's `svyciprop(method = "mean")`);
    /// clipped for shares and NPS, not for means.
    T,
    /// As [`IntervalMethod::T`] with the degrees of freedom of the whole
    /// design.
    TFull,
    /// Korn–Graubard (`svyciprop(method = "beta")`), shares only: beta
    /// quantiles at the effective n p(1 − p)/v, corrected by
    /// (t_{n−1}/t_df)².
    KornGraubard,
    /// expit(logit p ∓ t_df · se/(p(1 − p))), shares only; it contains p
    /// (the closed form
    /// of `svyciprop(method = "logit")` at convergence).
    Logit,
}

/// Checks a confidence level and returns (1 + level)/2.
pub(crate) fn upper_tail(level: f64) -> Result<f64, Error> {
    if level.is_finite() && level > 0.0 && level < 1.0 {
        Ok(0.5 + level / 2.0)
    } else {
        Err(Error::InvalidConfidenceLevel { level })
    }
}

/// The t quantile at (1 + level)/2 with `df` ≥ 1 degrees of freedom.
pub(crate) fn t_crit(level: f64, df: u64, what: &'static str) -> Result<f64, Error> {
    let q = upper_tail(level)?;
    if df == 0 {
        return Err(Error::InvalidArgument {
            name: what,
            value: 0.0,
            expected: "at least 1 degree of freedom",
        });
    }
    dist::t_quantile(q, df as f64)
}

/// The normal quantile at (1 + level)/2.
pub(crate) fn z_crit(level: f64) -> Result<f64, Error> {
    dist::normal_quantile(upper_tail(level)?)
}

/// `value ∓ half`, clipped to `range` when given.
pub(crate) fn bounds(value: f64, half: f64, range: Option<(f64, f64)>) -> Result<Bounds, Error> {
    let (mut lower, mut upper) = (value - half, value + half);
    if let Some((lo, hi)) = range {
        lower = lower.clamp(lo, hi);
        upper = upper.clamp(lo, hi);
    }
    if lower.is_finite() && upper.is_finite() {
        Ok(Bounds { lower, upper })
    } else {
        Err(Error::UnboundedInterval {
            what: "design-based interval",
            df: f64::INFINITY,
        })
    }
}

/// A design-based estimate of one statistic over the whole sample or one
/// domain: R's `svymean` (on a design or on `subset(design, ...)`), with
/// `degf` and both forms of `deff`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DesignEstimate {
    /// The weighted mean of the point values (NPS in points).
    pub estimate: f64,
    /// Its standard error (linearized or replicate); exactly 0 when every
    /// positive-weight answer has the same value.
    pub std_error: f64,
    /// Degrees of freedom of the estimate: `degf` of the domain's subset
    /// (the whole design's for the whole sample).
    pub df: u64,
    /// Degrees of freedom of the whole design (`degf(design)`).
    pub df_full: u64,
    /// Respondents in the domain, zero weights included (`nrow(subset)`).
    pub n: u64,
    /// Of those, respondents with a positive weight.
    pub n_positive: u64,
    /// Design effect against simple random sampling with replacement
    /// (R's `deff = "replace"`): v / (s²_w / n₊). `None` when every
    /// positive-weight answer is the same or n₊ < 2.
    pub deff_replace: Option<f64>,
    /// Design effect against simple random sampling without replacement
    /// from N = Σw (R's `deff = TRUE`, the usual way of asking R for a
    /// design effect; `svymean` prints none unless asked):
    /// v / (s²_w (N − n₊)/(N n₊)). It depends on the scale of the weights
    /// (N), unlike every other field. `None` where `deff_replace` is, and
    /// when Σw ≤ n₊ (R: infinite, NA or negative).
    pub deff_srs: Option<f64>,
    /// Every positive-weight answer has the same value: the variance is 0
    /// and no design effect, Korn–Graubard or logit interval exists.
    pub degenerate: bool,
    /// How bounds are clipped.
    pub kind: ValueKind,
    /// The range of the statistic (bounds are clipped to it).
    pub range: (f64, f64),
}

impl DesignEstimate {
    /// The estimate as the crate returns it: finite, with the point
    /// estimate (a weighted mean of the point values, which rounding may
    /// carry an ulp past them) inside the statistic's range, or an
    /// [`Error::NotRepresentable`] naming what overflowed (point values
    /// near `f64::MAX` with their weights).
    pub(crate) fn checked(mut self) -> Result<DesignEstimate, Error> {
        if !(self.estimate.is_finite() && self.std_error.is_finite()) {
            return Err(Error::NotRepresentable {
                what: "design-based estimate",
                reason: format!(
                    "estimate {} with standard error {} (point values of {:?})",
                    self.estimate, self.std_error, self.range
                ),
            });
        }
        let (lo, hi) = self.range;
        self.estimate = self.estimate.clamp(lo, hi);
        Ok(self)
    }

    /// The interval by `method` at confidence `level` (for example 0.95).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfidenceLevel`] unless 0 < level < 1;
    /// [`Error::InvalidArgument`] for t-based methods with 0 degrees of
    /// freedom; [`Error::InvalidDesign`] for Korn–Graubard and logit
    /// intervals of a statistic that is not a share;
    /// [`Error::ZeroVariance`] for those two when the estimate is
    /// degenerate (R gives none); errors of the beta quantile when the
    /// effective sample size is beyond its range.
    pub fn interval(&self, method: IntervalMethod, level: f64) -> Result<Bounds, Error> {
        let clip_t = (self.kind != ValueKind::Mean).then_some(self.range);
        let (p, se) = (self.estimate, self.std_error);
        match method {
            IntervalMethod::Wald => bounds(p, z_crit(level)? * se, Some(self.range)),
            IntervalMethod::T => bounds(p, t_crit(level, self.df, "t interval")? * se, clip_t),
            IntervalMethod::TFull => {
                bounds(p, t_crit(level, self.df_full, "t interval")? * se, clip_t)
            }
            IntervalMethod::KornGraubard | IntervalMethod::Logit => {
                if self.kind != ValueKind::Share {
                    return Err(Error::InvalidDesign {
                        reason: "Korn–Graubard and logit intervals apply to shares only".into(),
                    });
                }
                if self.degenerate || !(p > 0.0 && p < 1.0 && se > 0.0) {
                    return Err(Error::ZeroVariance {
                        what: "a Korn–Graubard or logit interval",
                        n: self.n,
                    });
                }
                let t_df = t_crit(level, self.df, "a Korn–Graubard or logit interval")?;
                if method == IntervalMethod::Logit {
                    let logit = (p / (1.0 - p)).ln();
                    let half = t_df * se / (p * (1.0 - p));
                    let expit = |x: f64| 1.0 / (1.0 + (-x).exp());
                    // expit(logit p) may round an ulp away from p: the
                    // bounds reach it, as the interval does exactly.
                    return Ok(Bounds {
                        lower: expit(logit - half).min(p),
                        upper: expit(logit + half).max(p),
                    });
                }
                let t_n = t_crit(level, self.n.saturating_sub(1), "a Korn–Graubard interval")?;
                let n_eff = p * (1.0 - p) / (se * se) * (t_n / t_df).powi(2);
                let alpha = 1.0 - level;
                let lower = dist::beta_quantile(alpha / 2.0, n_eff * p, n_eff * (1.0 - p) + 1.0)?;
                let upper =
                    dist::beta_quantile(1.0 - alpha / 2.0, n_eff * p + 1.0, n_eff * (1.0 - p))?;
                Ok(Bounds { lower, upper })
            }
        }
    }
}

/// A design-based total (R's `svytotal`): Σ w g(x), not clipped.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DesignTotal {
    /// The estimated total.
    pub total: f64,
    /// Its standard error.
    pub std_error: f64,
    /// Degrees of freedom (`degf` of the domain's subset, or of the
    /// design).
    pub df: u64,
    /// Respondents in the domain, zero weights included.
    pub n: u64,
}

impl DesignTotal {
    /// The interval at `level`: [`IntervalMethod::Wald`] or
    /// [`IntervalMethod::T`] (never clipped; a total of a non-negative
    /// value may get a negative lower bound, as in R).
    ///
    /// # Errors
    ///
    /// As [`DesignEstimate::interval`]; other methods are an
    /// [`Error::InvalidDesign`].
    pub fn interval(&self, method: IntervalMethod, level: f64) -> Result<Bounds, Error> {
        match method {
            IntervalMethod::Wald => bounds(self.total, z_crit(level)? * self.std_error, None),
            IntervalMethod::T | IntervalMethod::TFull => bounds(
                self.total,
                t_crit(level, self.df, "t interval")? * self.std_error,
                None,
            ),
            _ => Err(Error::InvalidDesign {
                reason: "a total has Wald and t intervals only".into(),
            }),
        }
    }
}

/// The difference of one statistic between two domains of one design
/// (R's `svycontrast` on `svyby(..., covmat = TRUE)`), at one confidence
/// level.
///
/// The variance is that of the difference of the two domains' influence
/// values over the whole design, so covariance through shared strata and
/// clusters is included. The t statistic, p-values and bounds are `None`
/// where R has none: when the standard error is 0 (unless the two domains
/// are the same one: then the difference is identically 0, t = 0, p = 1,
/// bounds 0), and, for the t forms, with 0 degrees of freedom.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DomainDifference {
    /// The estimate of domain a.
    pub estimate_a: f64,
    /// The estimate of domain b.
    pub estimate_b: f64,
    /// a − b.
    pub difference: f64,
    /// Its standard error.
    pub std_error: f64,
    /// Degrees of freedom: the whole design's `degf`.
    pub df: u64,
    /// difference / se.
    pub t: Option<f64>,
    /// Two-sided p-value, Student t with `df`.
    pub p_value: Option<f64>,
    /// t interval, clipped to ± the statistic's span.
    pub interval: Option<Bounds>,
    /// Two-sided p-value, normal.
    pub z_p_value: Option<f64>,
    /// Normal interval, clipped to ± the statistic's span.
    pub z_interval: Option<Bounds>,
}

impl DomainDifference {
    /// Fills the tests of a difference at `level`.
    pub(crate) fn new(
        (estimate_a, estimate_b): (f64, f64),
        difference: f64,
        std_error: f64,
        df: u64,
        same: bool,
        span: f64,
        level: f64,
    ) -> Result<DomainDifference, Error> {
        let clip = Some((-span, span));
        let z = z_crit(level)?;
        if ![estimate_a, estimate_b, difference, std_error, span]
            .iter()
            .all(|x| x.is_finite())
        {
            return Err(Error::NotRepresentable {
                what: "design-based difference",
                reason: format!(
                    "estimates {estimate_a} and {estimate_b}, difference {difference} with standard error {std_error}"
                ),
            });
        }
        let mut d = DomainDifference {
            estimate_a,
            estimate_b,
            difference,
            std_error,
            df,
            t: None,
            p_value: None,
            interval: None,
            z_p_value: None,
            z_interval: None,
        };
        if same {
            let zero = Bounds {
                lower: 0.0,
                upper: 0.0,
            };
            d.t = Some(0.0);
            d.p_value = Some(1.0);
            d.interval = Some(zero);
            d.z_p_value = Some(1.0);
            d.z_interval = Some(zero);
            return Ok(d);
        }
        if std_error > 0.0 && std_error.is_finite() {
            let t = difference / std_error;
            d.t = Some(t);
            d.z_p_value = Some(dist::normal_two_sided(t));
            d.z_interval = Some(bounds(difference, z * std_error, clip)?);
            if df > 0 {
                d.p_value = Some(dist::t_two_sided(t, df as f64));
                d.interval = Some(bounds(
                    difference,
                    t_crit(level, df, "t interval degrees of freedom")? * std_error,
                    clip,
                )?);
            }
        }
        Ok(d)
    }
}
