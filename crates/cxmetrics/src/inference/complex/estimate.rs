//! Results of design-based estimation and their intervals.

use crate::foundation::error::Error;
use crate::inference::complex::values::ValueKind;
use crate::math::dist;
use crate::math::spline::{Spline, approx};

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
    /// The profile-likelihood interval of `svyciprop(method =
    /// "likelihood")`, shares only: the quasi-binomial deviance profiled
    /// over logit p and scaled by the design (Rao–Scott), read off R's
    /// grid, spline and interpolation; see [`DesignEstimate::interval`].
    Likelihood,
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

/// `value` clamped to `range` when it is off by rounding only; an error
/// when it is truly outside (a mean under weights some of which are
/// negative, as linear calibration can give).
pub(crate) fn within_range(value: f64, (lo, hi): (f64, f64)) -> Result<f64, Error> {
    let slack = 1e-9 * (hi - lo).abs().max(lo.abs()).max(hi.abs());
    if value >= lo - slack && value <= hi + slack {
        Ok(value.clamp(lo, hi))
    } else {
        Err(Error::NotRepresentable {
            what: "design-based estimate",
            reason: format!(
                "the estimate {value} is outside {lo}..={hi}: some weights are negative \
                 (linear calibration); use raking or trim the weights"
            ),
        })
    }
}

/// The inverse logit 1/(1 + e^−x).
fn expit(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
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
        self.estimate = within_range(self.estimate, self.range)?;
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
    /// effective sample size is beyond its range; for the likelihood
    /// interval, [`Error::NotRepresentable`] when the profile does not
    /// reach the cutoff (R: `NA`).
    ///
    /// # The likelihood interval
    ///
    /// R's `svyciprop(method = "likelihood")` fits `svyglm(y ~ 1, family =
    /// quasibinomial)` and calls `confint(method = "likelihood")`, which
    /// profiles the deviance D(β) of the intercept β = logit p:
    ///
    /// ```text
    /// λ      = v · n / (p(1 − p))                (design SE² over the naive one)
    /// α      = Φ(−t_df · √λ) / 2,  cutoff = ∓ Φ⁻¹(2α) = ∓ t_df · √λ
    /// z(β)   = ±√((D(β) − D(β̂)) / φ),  D(β) − D(β̂) = 2n·[p ln(p/μ) + (1 − p) ln((1 − p)/(1 − μ))]
    /// φ      = n₊ / (n₊ − 1)                      (svyvar of the Pearson residuals)
    /// grid   β̂ ± k · (zmax/5) · se/(p(1 − p)),  k = 1..9 while |z| < zmax = t_{n−1, 1−α/2}
    /// bounds expit of approx(spline(grid, z), cutoff)
    /// ```
    ///
    /// with n the respondents (zero weights included), n₊ those of
    /// positive weight and the spline R's FMM spline at 3 × the grid's
    /// points. R stops its fit when the deviance changes by less than
    /// 10⁻⁸ relative, and the naive variance in λ comes from the
    /// iteration before the last, which moves R's bounds by up to about
    /// 10⁻⁴ relative at small n; this is the interval at convergence,
    /// equal to `confint(svyglm(…, control = glm.control(epsilon =
    /// 1e-300, maxit = 500)), method = "likelihood", ddf = degf)` to 1e-9.
    pub fn interval(&self, method: IntervalMethod, level: f64) -> Result<Bounds, Error> {
        let clip_t = (self.kind != ValueKind::Mean).then_some(self.range);
        let (p, se) = (self.estimate, self.std_error);
        match method {
            IntervalMethod::Wald => bounds(p, z_crit(level)? * se, Some(self.range)),
            IntervalMethod::T => bounds(p, t_crit(level, self.df, "t interval")? * se, clip_t),
            IntervalMethod::TFull => {
                bounds(p, t_crit(level, self.df_full, "t interval")? * se, clip_t)
            }
            IntervalMethod::KornGraubard | IntervalMethod::Logit | IntervalMethod::Likelihood => {
                if self.kind != ValueKind::Share {
                    return Err(Error::InvalidDesign {
                        reason:
                            "Korn–Graubard, logit and likelihood intervals apply to shares only"
                                .into(),
                    });
                }
                if self.degenerate || !(p > 0.0 && p < 1.0 && se > 0.0) {
                    return Err(Error::ZeroVariance {
                        what: "a Korn–Graubard, logit or likelihood interval",
                        n: self.n,
                    });
                }
                if method == IntervalMethod::Likelihood {
                    return self.likelihood_interval(level);
                }
                let t_df = t_crit(level, self.df, "a Korn–Graubard or logit interval")?;
                if method == IntervalMethod::Logit {
                    let logit = (p / (1.0 - p)).ln();
                    let half = t_df * se / (p * (1.0 - p));
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

impl DesignEstimate {
    /// The profile-likelihood interval of a share that is neither 0 nor 1
    /// with a positive SE (see [`DesignEstimate::interval`]).
    fn likelihood_interval(&self, level: f64) -> Result<Bounds, Error> {
        let (p, se) = (self.estimate, self.std_error);
        let what = "a likelihood interval";
        let t = t_crit(level, self.df, what)?;
        let n = self.n as f64;
        let q = p * (1.0 - p);
        let lambda = se * se * n / q;
        // α = Φ(−t√λ)/2; Φ(−x) is half the two-sided tail at x.
        let alpha = dist::normal_two_sided(t * lambda.sqrt()) / 4.0;
        let cutoff = dist::normal_quantile(2.0 * alpha)?;
        // √F(1, n − 1) at upper tail α is |t_{n−1}| at α/2 (read from the
        // lower tail: α can be far below the spacing of floats near 1).
        if self.n < 2 {
            return Err(Error::InvalidArgument {
                name: what,
                value: 0.0,
                expected: "at least 1 degree of freedom",
            });
        }
        let zmax = -dist::t_quantile(alpha / 2.0, (self.n - 1) as f64)?;
        let step = zmax / 5.0 * se / q;
        let b0 = (p / (1.0 - p)).ln();
        let npos = self.n_positive as f64;
        let phi = npos / (npos - 1.0);
        let (ln_p, ln_q) = (p.ln(), (1.0 - p).ln());
        // z(β): the signed root of the scaled deviance difference.
        let z_at = |b: f64| -> f64 {
            let (ln_mu, ln_1mu) = if b.abs() <= 30.0 {
                (-(-b).exp().ln_1p(), -b.exp().ln_1p())
            } else {
                // R's logit link caps e^β at ε and 1/ε beyond |β| = 30
                // (`logit_linkinv`), so the profile levels off there.
                let e = if b > 0.0 {
                    1.0 / f64::EPSILON
                } else {
                    f64::EPSILON
                };
                let mu = e / (1.0 + e);
                (mu.ln(), (1.0 - mu).ln())
            };
            let dev = 2.0 * n * (p * (ln_p - ln_mu) + (1.0 - p) * (ln_q - ln_1mu));
            (dev.max(0.0) / phi).sqrt() * (b - b0).signum()
        };
        let mut grid = vec![(b0, 0.0)];
        for sign in [-1.0, 1.0] {
            let mut z: f64 = 0.0;
            let mut k = 1;
            while k < 10 && z.abs() < zmax {
                let b = b0 + sign * k as f64 * step;
                z = z_at(b);
                if !z.is_finite() || !b.is_finite() {
                    return Err(Error::NotRepresentable {
                        what,
                        reason: format!("the profile deviance at logit p = {b} is not finite"),
                    });
                }
                grid.push((b, z));
                k += 1;
            }
        }
        grid.sort_by(|a, b| a.0.total_cmp(&b.0));
        grid.dedup_by(|a, b| a.0 == b.0);
        let (bs, zs): (Vec<f64>, Vec<f64>) = grid.into_iter().unzip();
        let spline = Spline::fmm(&bs, &zs).ok_or_else(|| Error::NotRepresentable {
            what,
            reason: format!("the profile grid around logit p = {b0} collapsed to a point"),
        })?;
        let (gb, gz) = spline.on_grid();
        let bound = |c: f64| {
            approx(&gz, &gb, c)
                .map(expit)
                .ok_or_else(|| Error::NotRepresentable {
                    what,
                    reason: format!("the profile does not reach the cutoff z = {c}"),
                })
        };
        let (lower, upper) = (bound(cutoff)?, bound(-cutoff)?);
        if lower <= p && p <= upper && (0.0..=1.0).contains(&lower) && upper <= 1.0 {
            Ok(Bounds { lower, upper })
        } else {
            Err(Error::NotRepresentable {
                what,
                reason: format!("the bounds [{lower}, {upper}] do not hold the estimate {p}"),
            })
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
            if !t.is_finite() {
                // A difference past f64 in units of its standard error
                // (custom values near f64::MAX with a tiny SE).
                return Err(Error::NotRepresentable {
                    what: "design-based difference",
                    reason: format!(
                        "the t statistic of {difference} with standard error {std_error} overflows"
                    ),
                });
            }
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
