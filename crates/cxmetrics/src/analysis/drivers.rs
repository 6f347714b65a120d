//! Key-driver analysis: which of several questions (drivers) matters most
//! for an outcome (NPS, overall CSAT), from a mergeable moment state.
//!
//! [`DriverMoments`] keeps, over the respondents who answered every
//! question of the set, the weighted means and the weighted co-moment
//! matrix of (x₁ … x_k, y): O(k²) numbers whatever the volume. Two states
//! merge exactly (Chan, Golub & LeVeque's pairwise update), so it shards
//! like a [`Tally`](crate::Tally). [`DriverMoments::analyze`] turns it into
//! each driver's correlation with the outcome, its standardized regression
//! coefficient and its relative weight (Johnson 2000), ranked.
//!
//! # What it assumes
//!
//! - The outcome is linear in the drivers (ordinary least squares on the
//!   answer scales, treated as interval measures) — the usual key-driver
//!   reading, not a causal model.
//! - Respondents with any driver or the outcome not applicable are left
//!   out (listwise deletion; counted in [`DriverMoments::incomplete`]).
//! - Relative weights split R² among correlated drivers by regressing the
//!   outcome on the closest orthogonal counterparts of the drivers
//!   (Johnson's heuristic): they are non-negative, add up to R², and equal
//!   the squared correlations when the drivers are uncorrelated. They have
//!   no closed-form interval (Johnson suggests the bootstrap), so none is
//!   given.
//! - Intervals of correlations (Fisher) and coefficients (t, n − k − 1 df)
//!   are the textbook ones for a simple random sample; with weights they
//!   use Kish's effective sample size in place of n, an approximation.
//!
//! # References
//!
//! Johnson, J. W. (2000). A heuristic method for estimating the relative
//! weight of predictor variables in multiple regression. *Multivariate
//! Behavioral Research* 35(1), 1–19.
//!
//! Chan, T. F., Golub, G. H. & LeVeque, R. J. (1979). Updating formulae
//! and a pairwise algorithm for computing sample variances. Stanford
//! CS-TR-79-773.
//!
//! # Example
//!
//! ```
//! use cxmetrics::drivers::DriverMoments;
//! use cxmetrics::{ConfidenceLevel, Scale};
//!
//! // CES and the CSAT of two touchpoints against NPS, per respondent.
//! let mut m = DriverMoments::new(&[Scale::CES_7, Scale::CSAT_5, Scale::CSAT_5], Scale::NPS)?;
//! let rows = [
//!     ([7, 5, 4], 10), ([6, 4, 5], 9), ([2, 2, 3], 3), ([5, 4, 2], 7),
//!     ([1, 1, 2], 0), ([4, 3, 4], 6), ([7, 4, 5], 9), ([3, 2, 1], 4),
//! ];
//! for (x, y) in rows {
//!     m.push_scores(&x, y, 1.0)?;
//! }
//! let a = m.analyze(ConfidenceLevel::P95)?;
//! let total: f64 = a.drivers.iter().map(|d| d.relative_weight).sum();
//! assert!((total - a.r_squared).abs() < 1e-12); // relative weights split R²
//! assert_eq!(a.ranked()[2].index, 2); // the second touchpoint matters least
//! # Ok::<(), cxmetrics::Error>(())
//! ```

use crate::counting::accumulator::Accumulator;
use crate::counting::sum::{exponent_of, ldexp};
use crate::foundation::error::Error;
use crate::foundation::response::{Response, valid_weight};
use crate::foundation::scale::{Scale, ScoreValue};
use crate::inference::estimate::Interval;
use crate::inference::interval::ConfidenceLevel;

/// The most drivers a state holds (the analysis is O(k³)).
pub const MAX_DRIVERS: usize = 64;

/// Weighted means and co-moments of k drivers and one outcome over the
/// respondents who answered all of them: mergeable, O(k²) memory.
///
/// Weights are scaled by a common power of two 2^-e (e the binary
/// exponent of the largest weight seen), so sums cannot overflow or
/// underflow; every result is invariant to that scale.
///
/// # Example
///
/// ```
/// use cxmetrics::drivers::DriverMoments;
/// use cxmetrics::Scale;
/// let mut a = DriverMoments::new(&[Scale::CES_7], Scale::CSAT_5)?;
/// let mut b = a.clone();
/// a.push_scores(&[7], 5, 1.0)?;
/// b.push_scores(&[2], 1, 1.0)?;
/// a.merge(&b)?;
/// assert_eq!(a.n(), 2);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "MomentsRepr", into = "MomentsRepr")
)]
pub struct DriverMoments {
    drivers: Vec<Scale>,
    outcome: Scale,
    /// Complete respondents.
    n: u64,
    /// Complete respondents with a positive weight.
    positive: u64,
    /// Respondents left out for a missing answer.
    incomplete: u64,
    exponent: i32,
    /// Σw · 2^-e and Σw² · 2^-2e.
    w: f64,
    w2: f64,
    /// Weighted means of (x₁ … x_k, y).
    mean: Vec<f64>,
    /// Σw (v − mean)(v − mean)ᵀ · 2^-e, row-major (k + 1)².
    co: Vec<f64>,
}

/// One driver's results.
///
/// # Example
///
/// ```
/// use cxmetrics::drivers::DriverMoments;
/// use cxmetrics::{ConfidenceLevel, Scale};
/// let mut m = DriverMoments::new(&[Scale::CSAT_5, Scale::CSAT_5], Scale::NPS)?;
/// for (x, y) in [([5, 4], 10), ([4, 4], 8), ([2, 3], 4), ([1, 1], 0), ([3, 5], 7)] {
///     m.push_scores(&x, y, 1.0)?;
/// }
/// let d = &m.analyze(ConfidenceLevel::P95)?.drivers[0];
/// assert!(d.correlation > 0.9 && d.relative_weight > 0.0 && d.share_of_r_squared <= 1.0);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Driver {
    /// The driver's position in the set given to [`DriverMoments::new`].
    pub index: usize,
    /// Its correlation with the outcome (weighted when weights are given).
    pub correlation: f64,
    /// Fisher's interval of the correlation (n − 3 replaced by n_eff − 3);
    /// `None` when n_eff ≤ 3.
    pub correlation_interval: Option<Interval>,
    /// Its standardized regression coefficient (beta weight).
    pub beta: f64,
    /// The t interval of beta with n_eff − k − 1 degrees of freedom;
    /// `None` when those are not positive.
    pub beta_interval: Option<Interval>,
    /// Its relative weight (Johnson 2000): its part of R².
    pub relative_weight: f64,
    /// `relative_weight / r_squared` (0 when R² is 0).
    pub share_of_r_squared: f64,
}

/// The key-driver analysis of a [`DriverMoments`].
///
/// # Example
///
/// ```
/// use cxmetrics::drivers::DriverMoments;
/// use cxmetrics::{ConfidenceLevel, Scale};
/// let mut m = DriverMoments::new(&[Scale::CSAT_5, Scale::CSAT_5], Scale::NPS)?;
/// for (x, y) in [([5, 4], 10), ([4, 4], 8), ([2, 3], 4), ([1, 1], 0), ([3, 5], 7)] {
///     m.push_scores(&x, y, 1.0)?;
/// }
/// let a = m.analyze(ConfidenceLevel::P95)?;
/// assert!(a.r_squared > 0.9 && a.r_squared <= 1.0);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DriverAnalysis {
    /// One entry per driver, in the order given.
    pub drivers: Vec<Driver>,
    /// R² of the regression of the outcome on every driver.
    pub r_squared: f64,
    /// Complete respondents.
    pub n: u64,
    /// Kish's effective sample size of the complete respondents.
    pub effective_n: f64,
    /// The level of the intervals.
    pub level: ConfidenceLevel,
}

impl DriverAnalysis {
    /// The drivers by relative weight, largest first.
    #[must_use]
    pub fn ranked(&self) -> Vec<Driver> {
        let mut d = self.drivers.clone();
        d.sort_by(|a, b| b.relative_weight.total_cmp(&a.relative_weight));
        d
    }
}

impl DriverMoments {
    /// An empty state for the drivers on `drivers` (1 to [`MAX_DRIVERS`]
    /// scales) and the outcome on `outcome`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for no driver or more than
    /// [`MAX_DRIVERS`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::drivers::DriverMoments;
    /// use cxmetrics::Scale;
    /// assert!(DriverMoments::new(&[], Scale::NPS).is_err());
    /// assert_eq!(DriverMoments::new(&[Scale::CES_7], Scale::NPS)?.drivers(), &[Scale::CES_7]);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn new(drivers: &[Scale], outcome: Scale) -> Result<DriverMoments, Error> {
        if drivers.is_empty() || drivers.len() > MAX_DRIVERS {
            return Err(Error::InvalidArgument {
                name: "number of drivers",
                value: drivers.len() as f64,
                expected: "1 to 64 drivers",
            });
        }
        let d = drivers.len() + 1;
        Ok(DriverMoments {
            drivers: drivers.to_vec(),
            outcome,
            n: 0,
            positive: 0,
            incomplete: 0,
            exponent: 0,
            w: 0.0,
            w2: 0.0,
            mean: vec![0.0; d],
            co: vec![0.0; d * d],
        })
    }

    /// The drivers' scales.
    #[must_use]
    pub fn drivers(&self) -> &[Scale] {
        &self.drivers
    }

    /// The outcome's scale.
    #[must_use]
    pub fn outcome(&self) -> Scale {
        self.outcome
    }

    /// Respondents who answered every question.
    #[must_use]
    pub fn n(&self) -> u64 {
        self.n
    }

    /// Respondents left out because an answer was not applicable.
    #[must_use]
    pub fn incomplete(&self) -> u64 {
        self.incomplete
    }

    /// Records one respondent's driver scores, outcome score and weight.
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] when `drivers` has not one score per
    /// driver; the score's error for a score off its scale;
    /// [`Error::InvalidWeight`]; [`Error::CountOverflow`]. On error
    /// nothing is recorded.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::drivers::DriverMoments;
    /// use cxmetrics::Scale;
    /// let mut m = DriverMoments::new(&[Scale::CES_7], Scale::NPS)?;
    /// m.push_scores(&[7], 10, 2.0)?;
    /// assert!(m.push_scores(&[8], 10, 1.0).is_err());
    /// assert!(m.push_scores(&[7], 10, -1.0).is_err());
    /// assert_eq!(m.n(), 1);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn push_scores<S: ScoreValue>(
        &mut self,
        drivers: &[S],
        outcome: S,
        weight: f64,
    ) -> Result<(), Error> {
        if drivers.len() != self.drivers.len() {
            return Err(Error::LengthMismatch {
                left_name: "driver scores",
                left: drivers.len(),
                right_name: "drivers",
                right: self.drivers.len(),
            });
        }
        let mut v = Vec::with_capacity(drivers.len() + 1);
        for (s, scale) in drivers.iter().zip(&self.drivers) {
            v.push(f64::from(scale.rating(*s)?.value()));
        }
        v.push(f64::from(self.outcome.rating(outcome)?.value()));
        if !valid_weight(weight) {
            return Err(Error::InvalidWeight { weight });
        }
        self.add(&v, weight)
    }

    /// Records one respondent's answers; a respondent with any answer not
    /// applicable is counted in [`DriverMoments::incomplete`] and left out.
    ///
    /// # Errors
    ///
    /// As [`DriverMoments::push_scores`]; [`Error::ScaleMismatch`] for a
    /// rating on another scale than its question's;
    /// [`Error::PairWeightMismatch`] when rated answers carry different
    /// weights.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::drivers::DriverMoments;
    /// use cxmetrics::{Response, Scale};
    /// let mut m = DriverMoments::new(&[Scale::CES_7], Scale::NPS)?;
    /// m.push_responses(&[Scale::CES_7.rating(6)?.into()], Scale::NPS.rating(9)?.into())?;
    /// m.push_responses(&[Response::NotApplicable], Scale::NPS.rating(9)?.into())?;
    /// assert_eq!((m.n(), m.incomplete()), (1, 1));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn push_responses(&mut self, drivers: &[Response], outcome: Response) -> Result<(), Error> {
        if drivers.len() != self.drivers.len() {
            return Err(Error::LengthMismatch {
                left_name: "driver answers",
                left: drivers.len(),
                right_name: "drivers",
                right: self.drivers.len(),
            });
        }
        let scales = self.drivers.iter().chain(std::iter::once(&self.outcome));
        let mut v = Vec::with_capacity(drivers.len() + 1);
        let mut weight: Option<f64> = None;
        let mut complete = true;
        for (r, scale) in drivers.iter().chain(std::iter::once(&outcome)).zip(scales) {
            match r {
                Response::Rated { rating, weight: w } => {
                    if rating.scale() != *scale {
                        return Err(Scale::mismatch(*scale, rating.scale()));
                    }
                    match weight {
                        Some(prev) if prev != w.get() => {
                            return Err(Error::PairWeightMismatch {
                                x: prev,
                                y: w.get(),
                            });
                        }
                        _ => weight = Some(w.get()),
                    }
                    v.push(f64::from(rating.value()));
                }
                Response::NotApplicable => complete = false,
            }
        }
        if complete {
            self.add(&v, weight.unwrap_or(0.0))
        } else {
            self.incomplete = self.incomplete.checked_add(1).ok_or(Error::CountOverflow {
                what: "incomplete respondents",
                count: self.incomplete,
                added: 1,
            })?;
            Ok(())
        }
    }

    /// Adds another state over the same questions: exact up to rounding
    /// (Chan et al.'s pairwise update), order-free.
    ///
    /// # Errors
    ///
    /// [`Error::ScaleMismatch`] when the questions differ (or
    /// [`Error::LengthMismatch`] for a different number of drivers);
    /// [`Error::CountOverflow`]. On error `self` is unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::drivers::DriverMoments;
    /// use cxmetrics::Scale;
    /// let mut a = DriverMoments::new(&[Scale::CES_7], Scale::NPS)?;
    /// assert!(a.merge(&DriverMoments::new(&[Scale::CES_5], Scale::NPS)?).is_err());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn merge(&mut self, other: &DriverMoments) -> Result<(), Error> {
        self.check_merge(other)?;
        let mut other = other.clone();
        if other.positive > 0 {
            if self.positive == 0 || other.exponent > self.exponent {
                self.rescale_to(other.exponent);
            } else {
                other.rescale_to(self.exponent);
            }
        }
        self.combine(&other.mean, other.w, &other.co);
        self.w2 += other.w2;
        self.n += other.n;
        self.incomplete += other.incomplete;
        self.positive += other.positive;
        Ok(())
    }

    /// An empty state over the same questions.
    pub(crate) fn empty(&self) -> DriverMoments {
        let d = self.mean.len();
        DriverMoments {
            drivers: self.drivers.clone(),
            outcome: self.outcome,
            n: 0,
            positive: 0,
            incomplete: 0,
            exponent: 0,
            w: 0.0,
            w2: 0.0,
            mean: vec![0.0; d],
            co: vec![0.0; d * d],
        }
    }

    /// Checks that `other` can be merged: same questions, no count past
    /// `u64::MAX`.
    pub(crate) fn check_merge(&self, other: &DriverMoments) -> Result<(), Error> {
        if other.drivers.len() != self.drivers.len() {
            return Err(Error::LengthMismatch {
                left_name: "drivers",
                left: self.drivers.len(),
                right_name: "drivers merged",
                right: other.drivers.len(),
            });
        }
        for (a, b) in self
            .drivers
            .iter()
            .chain(std::iter::once(&self.outcome))
            .zip(other.drivers.iter().chain(std::iter::once(&other.outcome)))
        {
            if a != b {
                return Err(Scale::mismatch(*a, *b));
            }
        }
        let overflow = |what, count, added| Error::CountOverflow { what, count, added };
        let n = self
            .n
            .checked_add(other.n)
            .ok_or(overflow("respondents", self.n, other.n))?;
        let incomplete = self
            .incomplete
            .checked_add(other.incomplete)
            .ok_or(overflow(
                "incomplete respondents",
                self.incomplete,
                other.incomplete,
            ))?;
        n.checked_add(incomplete)
            .ok_or(overflow("respondents", n, incomplete))?;
        Ok(())
    }

    /// The analysis: correlations, standardized coefficients and relative
    /// weights, with intervals at `level` where the method has them.
    ///
    /// # Errors
    ///
    /// [`Error::EmptyTally`] without complete respondents;
    /// [`Error::ZeroTotalWeight`] when their weights are all 0;
    /// [`Error::ZeroVariance`] when a driver or the outcome does not vary;
    /// [`Error::InvalidArgument`] when the drivers are collinear (their
    /// correlation matrix is singular).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::drivers::DriverMoments;
    /// use cxmetrics::{ConfidenceLevel, Scale};
    /// let mut m = DriverMoments::new(&[Scale::CES_7], Scale::NPS)?;
    /// m.push_scores(&[7], 10, 1.0)?;
    /// assert!(m.analyze(ConfidenceLevel::P95).is_err()); // one respondent: no variance
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn analyze(&self, level: ConfidenceLevel) -> Result<DriverAnalysis, Error> {
        if self.n == 0 {
            return Err(Error::EmptyTally {
                not_applicable: self.incomplete,
            });
        }
        if self.positive == 0 || self.w <= 0.0 {
            return Err(Error::ZeroTotalWeight { n: self.n });
        }
        let k = self.drivers.len();
        let d = k + 1;
        let sd: Vec<f64> = (0..d).map(|i| self.co[i * d + i].max(0.0).sqrt()).collect();
        if sd.iter().any(|&s| !(s > 0.0 && s.is_finite())) {
            return Err(Error::ZeroVariance {
                what: "key-driver analysis",
                n: self.n,
            });
        }
        let corr = |i: usize, j: usize| -> f64 {
            if i == j {
                1.0
            } else {
                (self.co[i * d + j] / sd[i] / sd[j]).clamp(-1.0, 1.0)
            }
        };
        let rxx: Vec<f64> = (0..k * k).map(|ij| corr(ij / k, ij % k)).collect();
        let rxy: Vec<f64> = (0..k).map(|i| corr(i, k)).collect();
        let (values, vectors) = jacobi_eigen(&rxx, k);
        let largest = values.iter().copied().fold(0.0, f64::max);
        if values.iter().any(|&l| l <= largest * 1e-12) {
            return Err(Error::InvalidArgument {
                name: "smallest eigenvalue of the drivers' correlation matrix",
                value: values.iter().copied().fold(f64::INFINITY, f64::min),
                expected: "drivers that are not collinear (a positive definite correlation matrix)",
            });
        }
        // f(R) = V f(Λ) Vᵀ for the matrix functions below.
        let apply = |f: &dyn Fn(f64) -> f64| -> Vec<f64> {
            let mut m = vec![0.0; k * k];
            for i in 0..k {
                for j in 0..k {
                    m[i * k + j] = (0..k)
                        .map(|c| vectors[i * k + c] * f(values[c]) * vectors[j * k + c])
                        .sum();
                }
            }
            m
        };
        let mat_vec = |m: &[f64], v: &[f64]| -> Vec<f64> {
            (0..k)
                .map(|i| (0..k).map(|j| m[i * k + j] * v[j]).sum())
                .collect()
        };
        let inverse = apply(&|l| 1.0 / l);
        let root = apply(&f64::sqrt);
        let inv_root = apply(&|l| 1.0 / l.sqrt());
        let beta = mat_vec(&inverse, &rxy);
        let r_squared = beta
            .iter()
            .zip(&rxy)
            .map(|(b, r)| b * r)
            .sum::<f64>()
            .clamp(0.0, 1.0);
        // Johnson: regress y on Z = X R^{-1/2} (β* = R^{-1/2} r_xy), then
        // carry each orthogonal part back with Λ* = R^{1/2}.
        let beta_z = mat_vec(&inv_root, &rxy);
        let relative: Vec<f64> = (0..k)
            .map(|j| {
                (0..k)
                    .map(|c| root[j * k + c].powi(2) * beta_z[c].powi(2))
                    .sum()
            })
            .collect();
        let n_eff = if self.w2 > 0.0 {
            self.w * (self.w / self.w2)
        } else {
            0.0
        };
        let z = level.z();
        let df = n_eff - k as f64 - 1.0;
        let t = (df > 0.0).then(|| level.t(df));
        let drivers = (0..k)
            .map(|j| {
                let r = rxy[j];
                let correlation_interval = (n_eff > 3.0).then(|| {
                    let h = z / (n_eff - 3.0).sqrt();
                    if r.abs() >= 1.0 {
                        Interval { lower: r, upper: r }
                    } else {
                        Interval {
                            lower: (r.atanh() - h).tanh(),
                            upper: (r.atanh() + h).tanh(),
                        }
                    }
                });
                let beta_interval = t
                    .map(|t| {
                        let se = ((1.0 - r_squared) / df * inverse[j * k + j])
                            .max(0.0)
                            .sqrt();
                        Interval {
                            lower: beta[j] - t * se,
                            upper: beta[j] + t * se,
                        }
                    })
                    .filter(|i| i.lower.is_finite() && i.upper.is_finite());
                Driver {
                    index: j,
                    correlation: r,
                    correlation_interval,
                    beta: beta[j],
                    beta_interval,
                    relative_weight: relative[j],
                    share_of_r_squared: if r_squared > 0.0 {
                        (relative[j] / r_squared).min(1.0)
                    } else {
                        0.0
                    },
                }
            })
            .collect();
        Ok(DriverAnalysis {
            drivers,
            r_squared,
            n: self.n,
            effective_n: n_eff,
            level,
        })
    }

    /// Adds one complete respondent (values checked, weight valid).
    fn add(&mut self, v: &[f64], weight: f64) -> Result<(), Error> {
        let n = self.n.checked_add(1).ok_or(Error::CountOverflow {
            what: "respondents",
            count: self.n,
            added: 1,
        })?;
        if let Some(k) = exponent_of(weight) {
            if self.positive == 0 || k > self.exponent {
                self.rescale_to(k);
            }
            let w = ldexp(weight, -self.exponent);
            let co = vec![0.0; self.co.len()];
            self.combine(v, w, &co);
            self.w2 += w * w;
            self.positive += 1;
        }
        self.n = n;
        Ok(())
    }

    /// Merges a group with means `mean`, weight `w` and co-moments `co`
    /// (on the same exponent).
    fn combine(&mut self, mean: &[f64], w: f64, co: &[f64]) {
        if w <= 0.0 {
            return;
        }
        let d = self.mean.len();
        let total = self.w + w;
        let delta: Vec<f64> = mean.iter().zip(&self.mean).map(|(b, a)| b - a).collect();
        let f = self.w / total * w;
        for i in 0..d {
            for j in 0..d {
                self.co[i * d + j] += co[i * d + j] + delta[i] * delta[j] * f;
            }
        }
        for (m, dl) in self.mean.iter_mut().zip(&delta) {
            *m += dl * (w / total);
        }
        self.w = total;
    }

    fn rescale_to(&mut self, e: i32) {
        let k = self.exponent - e;
        if k != 0 {
            self.w = ldexp(self.w, k);
            self.w2 = ldexp(self.w2, 2 * k);
            for c in &mut self.co {
                *c = ldexp(*c, k);
            }
        }
        self.exponent = e;
    }
}

/// Eigenvalues and eigenvectors (columns, row-major `n × n`) of a
/// symmetric matrix by cyclic Jacobi rotations: accurate to rounding for
/// the small, well-scaled correlation matrices of key-driver analysis.
pub(crate) fn jacobi_eigen(a: &[f64], n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut a = a.to_vec();
    let mut v = vec![0.0; n * n];
    for i in 0..n {
        v[i * n + i] = 1.0;
    }
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i * n + j] * a[i * n + j])
            .sum();
        if off == 0.0 {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                let apq = a[p * n + q];
                if apq == 0.0 {
                    continue;
                }
                let (app, aqq) = (a[p * n + p], a[q * n + q]);
                let theta = (aqq - app) / (2.0 * apq);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (akp, akq) = (a[k * n + p], a[k * n + q]);
                    a[k * n + p] = c * akp - s * akq;
                    a[k * n + q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[p * n + k], a[q * n + k]);
                    a[p * n + k] = c * apk - s * aqk;
                    a[q * n + k] = s * apk + c * aqk;
                }
                for k in 0..n {
                    let (vkp, vkq) = (v[k * n + p], v[k * n + q]);
                    v[k * n + p] = c * vkp - s * vkq;
                    v[k * n + q] = s * vkp + c * vkq;
                }
            }
        }
    }
    ((0..n).map(|i| a[i * n + i]).collect(), v)
}

/// The serialized form, checked on the way back in.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct MomentsRepr {
    drivers: Vec<Scale>,
    outcome: Scale,
    n: u64,
    positive: u64,
    incomplete: u64,
    weight_exponent: i32,
    weight: f64,
    weight_squared: f64,
    means: Vec<f64>,
    comoments: Vec<f64>,
}

#[cfg(feature = "serde")]
impl From<DriverMoments> for MomentsRepr {
    fn from(m: DriverMoments) -> MomentsRepr {
        MomentsRepr {
            drivers: m.drivers,
            outcome: m.outcome,
            n: m.n,
            positive: m.positive,
            incomplete: m.incomplete,
            weight_exponent: m.exponent,
            weight: m.w,
            weight_squared: m.w2,
            means: m.mean,
            comoments: m.co,
        }
    }
}

#[cfg(feature = "serde")]
impl TryFrom<MomentsRepr> for DriverMoments {
    type Error = Error;

    fn try_from(r: MomentsRepr) -> Result<DriverMoments, Error> {
        let invalid = |reason: String| Error::InvalidTally { reason };
        let mut m = DriverMoments::new(&r.drivers, r.outcome)?;
        let d = m.mean.len();
        if r.means.len() != d || r.comoments.len() != d * d {
            return Err(invalid(format!(
                "{} means and {} co-moments for {d} questions (need {d} and {})",
                r.means.len(),
                r.comoments.len(),
                d * d
            )));
        }
        r.n.checked_add(r.incomplete).ok_or(Error::CountOverflow {
            what: "respondents",
            count: r.n,
            added: r.incomplete,
        })?;
        if r.positive > r.n {
            return Err(invalid(format!(
                "positive {} exceeds n {}",
                r.positive, r.n
            )));
        }
        let ok = |x: f64| x.is_finite() && x >= 0.0;
        if !(ok(r.weight) && ok(r.weight_squared))
            || (r.positive == 0) != (r.weight == 0.0)
            || r.weight > 2.0 * r.positive as f64
            || r.weight_squared > r.weight * r.weight * (1.0 + 1e-9)
            || r.weight * r.weight > r.positive as f64 * r.weight_squared * (1.0 + 1e-9)
            || !(crate::counting::sum::MIN_EXPONENT..=crate::counting::sum::MAX_EXPONENT)
                .contains(&r.weight_exponent)
        {
            return Err(invalid(format!(
                "weight sums {} and {} (exponent {}) are impossible for {} positive weights",
                r.weight, r.weight_squared, r.weight_exponent, r.positive
            )));
        }
        let scales = r.drivers.iter().chain(std::iter::once(&r.outcome));
        for (i, (mean, scale)) in r.means.iter().zip(scales).enumerate() {
            let inside = f64::from(*scale.points().start()) <= *mean
                && *mean <= f64::from(*scale.points().end());
            if r.positive > 0 && !inside {
                return Err(invalid(format!(
                    "mean {mean} of question {i} is off its scale {scale}"
                )));
            }
        }
        for i in 0..d {
            for j in 0..d {
                let c = r.comoments[i * d + j];
                if !c.is_finite() || c != r.comoments[j * d + i] || (i == j && c < 0.0) {
                    return Err(invalid(format!(
                        "co-moment ({i}, {j}) = {c} is not finite, symmetric and (on the diagonal) at least 0"
                    )));
                }
            }
        }
        m.n = r.n;
        m.positive = r.positive;
        m.incomplete = r.incomplete;
        m.exponent = if r.positive > 0 { r.weight_exponent } else { 0 };
        m.w = r.weight;
        m.w2 = r.weight_squared;
        if r.positive > 0 {
            m.mean = r.means;
            m.co = r.comoments;
        }
        Ok(m)
    }
}

impl crate::counting::accumulator::sealed::Sealed for DriverMoments {}

/// Driver moments merge exactly, so windows and shards may hold them.
impl Accumulator for DriverMoments {
    fn empty_like(&self) -> DriverMoments {
        self.empty()
    }

    fn check_merge(&self, other: &DriverMoments) -> Result<(), Error> {
        DriverMoments::check_merge(self, other)
    }

    fn merge_from(&mut self, other: &DriverMoments) -> Result<(), Error> {
        self.merge(other)
    }
}

#[cfg(test)]
mod tests {
    use super::jacobi_eigen;

    #[test]
    fn jacobi_diagonalizes_a_known_matrix() {
        // [[2, 1], [1, 2]]: eigenvalues 1 and 3.
        let (mut vals, vecs) = jacobi_eigen(&[2.0, 1.0, 1.0, 2.0], 2);
        vals.sort_by(f64::total_cmp);
        assert!((vals[0] - 1.0).abs() < 1e-15 && (vals[1] - 3.0).abs() < 1e-15);
        // Columns are orthonormal.
        let dot = vecs[0] * vecs[1] + vecs[2] * vecs[3];
        assert!(dot.abs() < 1e-15);
        // A 3×3 check: A v = λ v for every pair.
        let a = [4.0, 1.0, 0.5, 1.0, 3.0, 0.25, 0.5, 0.25, 2.0];
        let (vals, v) = jacobi_eigen(&a, 3);
        for c in 0..3 {
            for i in 0..3 {
                let av: f64 = (0..3).map(|j| a[i * 3 + j] * v[j * 3 + c]).sum();
                assert!((av - vals[c] * v[i * 3 + c]).abs() < 1e-13);
            }
        }
    }
}
