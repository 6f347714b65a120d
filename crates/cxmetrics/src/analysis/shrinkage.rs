//! Empirical-Bayes shrinkage for rankings of many small segments.
//!
//! Rank thirty agents by NPS from forty answers each and the top of the
//! list is mostly luck: with every agent truly at NPS 20, the top raw NPS
//! averages about 46. Shrinking each score toward the overall mean, by how
//! noisy it is compared with how much the segments really differ, gives
//! estimates whose ranking is honest (the top one averages about 23 in that
//! example) while segments with plenty of answers barely move.
//!
//! # Model
//!
//! Normal–normal (Efron & Morris 1975): each segment's true score θᵢ is
//! drawn from N(μ, τ²), and its observed score is yᵢ | θᵢ ~ N(θᵢ, sᵢ²) with
//! a known sampling variance sᵢ². The prior's μ and τ² are estimated from
//! all segments by the method of moments (DerSimonian & Laird 1986):
//!
//! ```text
//! wᵢ = 1/sᵢ²,  ȳ = Σwᵢyᵢ/Σwᵢ,  Q = Σwᵢ(yᵢ − ȳ)²
//! τ² = max(0, (Q − (k − 1)) / (Σwᵢ − Σwᵢ²/Σwᵢ))
//! μ  = Σyᵢ/(sᵢ² + τ²) / Σ1/(sᵢ² + τ²)
//! ```
//!
//! and each shrunken estimate is the posterior mean
//! θ̂ᵢ = μ + Bᵢ(yᵢ − μ), Bᵢ = τ²/(τ² + sᵢ²), with posterior standard
//! deviation √(Bᵢ sᵢ²). When the segments differ no more than their noise
//! explains (τ² = 0), every estimate is the pooled mean.
//!
//! # References
//!
//! Efron, B. & Morris, C. (1975), "Data analysis using Stein's estimator
//! and its generalizations", *Journal of the American Statistical
//! Association* 70. DerSimonian, R. & Laird, N. (1986), "Meta-analysis in
//! clinical trials", *Controlled Clinical Trials* 7.
//!
//! # Example
//!
//! ```
//! use cxmetrics::{Nps, shrinkage};
//!
//! let agents = [
//!     Nps::from_counts(30, 5, 5)?,   // 62.5 from 40 answers
//!     Nps::from_counts(18, 12, 10)?, // 20
//!     Nps::from_counts(200, 150, 150)?, // 10 from 500
//! ];
//! let s = shrinkage::nps(&agents)?;
//! // The small high scorer is pulled toward the mean much more than the big one.
//! assert!(s.estimates[0].estimate < 62.5 && s.estimates[0].estimate > s.prior_mean);
//! assert!((s.estimates[2].estimate - 10.0).abs() < (s.estimates[0].estimate - 62.5).abs());
//! # Ok::<(), cxmetrics::Error>(())
//! ```

use crate::foundation::error::Error;
use crate::foundation::unit::Unit;
use crate::inference::interval::nps::multinomial_variance;
use crate::metrics::nps::Nps;

/// One segment's raw and shrunken estimate.
///
/// # Example
///
/// ```
/// use cxmetrics::shrinkage;
/// let s = shrinkage::normal(&[1.0, 3.0], &[1.0, 1.0])?;
/// assert_eq!(s.estimates[0].raw, 1.0);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Shrunken {
    /// The observed estimate yᵢ.
    pub raw: f64,
    /// The shrunken (posterior mean) estimate μ + Bᵢ(yᵢ − μ).
    pub estimate: f64,
    /// The posterior standard deviation √(Bᵢ sᵢ²).
    pub std_error: f64,
    /// The weight Bᵢ = τ²/(τ² + sᵢ²) kept on the raw estimate (1: not
    /// shrunk; 0: all the way to the mean).
    pub weight: f64,
}

/// The shrunken estimates of a family of segments, with the estimated
/// prior.
///
/// # Example
///
/// ```
/// use cxmetrics::shrinkage;
/// // Spread no larger than the noise: everything shrinks to the mean.
/// let s = shrinkage::normal(&[1.0, 2.0, 3.0], &[4.0, 4.0, 4.0])?;
/// assert_eq!(s.prior_variance, 0.0);
/// assert!(s.estimates.iter().all(|e| (e.estimate - 2.0).abs() < 1e-12));
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Shrinkage {
    /// μ: the estimated mean of the true scores.
    pub prior_mean: f64,
    /// τ²: the estimated variance of the true scores between segments.
    pub prior_variance: f64,
    /// One entry per segment, in the input order.
    pub estimates: Vec<Shrunken>,
    /// The unit of every estimate (NPS points for [`nps`]).
    pub unit: Option<Unit>,
}

/// Shrinks estimates yᵢ with known sampling variances sᵢ² under the
/// normal–normal model (see the [module docs](self)).
///
/// # Errors
///
/// [`Error::InvalidArgument`] when the slices differ in length, an
/// estimate is not finite, or a variance is not positive and finite;
/// [`Error::TooFewAnswers`] with fewer than two segments (nothing to
/// estimate a spread from).
///
/// # Example
///
/// ```
/// use cxmetrics::shrinkage;
/// // Two segments 4 apart with noise variance 1: Q = 8, τ² = (8 − 1)/1 = 7,
/// // B = 7/8, so each moves an eighth of the way to the mean 2.
/// let s = shrinkage::normal(&[0.0, 4.0], &[1.0, 1.0])?;
/// assert!((s.prior_variance - 7.0).abs() < 1e-12);
/// assert!((s.estimates[0].estimate - 0.25).abs() < 1e-12);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn normal(estimates: &[f64], variances: &[f64]) -> Result<Shrinkage, Error> {
    if estimates.len() != variances.len() {
        return Err(Error::InvalidArgument {
            name: "number of variances",
            value: variances.len() as f64,
            expected: "one sampling variance per estimate",
        });
    }
    if estimates.len() < 2 {
        return Err(Error::TooFewAnswers {
            what: "shrinkage (segments)",
            needed: 2.0,
            effective_n: estimates.len() as f64,
        });
    }
    if let Some(&bad) = estimates.iter().find(|y| !y.is_finite()) {
        return Err(Error::InvalidArgument {
            name: "estimate",
            value: bad,
            expected: "a finite number",
        });
    }
    if let Some(&bad) = variances.iter().find(|v| !(**v > 0.0 && v.is_finite())) {
        return Err(Error::InvalidArgument {
            name: "sampling variance",
            value: bad,
            expected: "a positive finite number",
        });
    }
    let k = estimates.len() as f64;
    let w: Vec<f64> = variances.iter().map(|v| 1.0 / v).collect();
    let sw: f64 = w.iter().sum();
    let sw2: f64 = w.iter().map(|x| x * x).sum();
    let fixed = estimates.iter().zip(&w).map(|(y, w)| w * y).sum::<f64>() / sw;
    let q: f64 = estimates
        .iter()
        .zip(&w)
        .map(|(y, w)| w * (y - fixed) * (y - fixed))
        .sum();
    let denom = sw - sw2 / sw;
    let tau2 = if denom > 0.0 {
        ((q - (k - 1.0)) / denom).max(0.0)
    } else {
        0.0
    };
    let ws: Vec<f64> = variances.iter().map(|v| 1.0 / (v + tau2)).collect();
    let mu = estimates.iter().zip(&ws).map(|(y, w)| w * y).sum::<f64>() / ws.iter().sum::<f64>();
    let shrunk = estimates
        .iter()
        .zip(variances)
        .map(|(&y, &s2)| {
            let b = tau2 / (tau2 + s2);
            Shrunken {
                raw: y,
                estimate: mu + b * (y - mu),
                std_error: (b * s2).sqrt(),
                weight: b,
            }
        })
        .collect();
    Ok(Shrinkage {
        prior_mean: mu,
        prior_variance: tau2,
        estimates: shrunk,
        unit: None,
    })
}

/// Shrunken NPS of many segments, in points, under the normal–normal model
/// (see the [module docs](self)). The sampling variance of each segment is
/// the multinomial variance at the *pooled* promoter and detractor shares
/// over its (Kish effective) n, V/nᵢ, so a small segment with every answer
/// alike is not taken as noiseless.
///
/// Weighted segments keep Kish's n here, also since 0.3: under the model
/// (every segment's answers drawn from the pooled shares, so unrelated to
/// the weights) the linearized variance of a segment's NPS is
/// n/(n − 1)·V·Σw²/W², which is V over Kish's n up to n/(n − 1); a
/// segment's own design-based variance would be 0 for a segment with
/// every answer alike, which is what the pooling avoids.
///
/// # Errors
///
/// As [`normal`]; [`Error::ZeroVariance`] when every answer of every
/// segment is in one bucket.
///
/// # Example
///
/// ```
/// use cxmetrics::{Nps, shrinkage};
/// let s = shrinkage::nps(&[Nps::from_counts(9, 1, 0)?, Nps::from_counts(4, 3, 3)?])?;
/// assert_eq!(s.estimates.len(), 2);
/// assert_eq!(s.unit, Some(cxmetrics::Unit::NpsPoints));
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub fn nps(segments: &[Nps]) -> Result<Shrinkage, Error> {
    let total_n: f64 = segments.iter().map(Nps::effective_n).sum();
    let pooled = |share: fn(&Nps) -> f64| {
        segments
            .iter()
            .map(|s| share(s) * s.effective_n())
            .sum::<f64>()
            / total_n
    };
    let (p, d) = (pooled(Nps::promoter_share), pooled(Nps::detractor_share));
    let v = 1e4 * multinomial_variance(p, d);
    if (v.is_nan() || v <= 0.0) && segments.len() >= 2 {
        return Err(Error::ZeroVariance {
            what: "NPS shrinkage",
            n: segments
                .iter()
                .fold(0u64, |acc, s| acc.saturating_add(s.n())),
        });
    }
    let estimates: Vec<f64> = segments.iter().map(Nps::score).collect();
    let variances: Vec<f64> = segments.iter().map(|s| v / s.effective_n()).collect();
    let mut s = normal(&estimates, &variances)?;
    s.unit = Some(Unit::NpsPoints);
    Ok(s)
}
