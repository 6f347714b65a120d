//! Design-based statistics for weighted survey data: Taylor-linearized
//! variances, design effects, post-stratification and raking.
//!
//! Survey weights correct non-response: when unhappy customers answer
//! less, their answers are weighted up. The standard error of a weighted
//! score must then come from the sampling design, not from Kish's
//! effective sample size, which ignores how the weights relate to the
//! answers. For any score that is a function g of the scale point, the
//! with-replacement Taylor linearization (Wolter 2007; Lumley 2010) needs
//! only the per-point sums a [`Tally`] keeps:
//!
//! ```text
//! ȳ = Σ_x g(x)·W₁(x) / W
//! V = n/(n − 1) · Σ_x (g(x) − ȳ)² · W₂(x) / W²
//! ```
//!
//! with W₁(x) and W₂(x) the sums of the weights and of the squared weights
//! of the answers at x, W = Σ_x W₁(x) and n the number of answers
//! (zero-weight answers included). It matches R's `survey` package
//! (`svydesign(ids = ~1, weights = ~w)`, `svymean`) to rounding.
//!
//! - [`VarianceMethod`] picks the standard error of a weighted score:
//!   [`Linearized`](VarianceMethod::Linearized) (the default) or Kish's
//!   effective sample size ([`Kish`](VarianceMethod::Kish)). Unweighted
//!   tallies are unaffected by the choice.
//! - [`Linearized`] is the design-based summary of one score: value,
//!   standard error, design effects, and an [`Estimate`](crate::Estimate)
//!   with its interval.
//! - [`DesignEffects`] rides on every weighted estimate.
//! - [`post_stratify`] and [`rake`] calibrate weights per weighting cell to
//!   known population totals and give the calibrated estimates with R's
//!   standard errors.
//!
//! # Example
//!
//! ```
//! use cxmetrics::design::{Linearized, VarianceMethod};
//! use cxmetrics::interval::IntervalSpec;
//! use cxmetrics::segment::Score;
//! use cxmetrics::{ConfidenceLevel, Scale, Tally, TopBox};
//!
//! // Unhappy customers answered less and are weighted up.
//! let mut t = Tally::new(Scale::CSAT_5);
//! t.extend_weighted_scores(&[5u8, 5, 4, 4, 2, 1], &[1.0, 1.0, 1.0, 1.0, 3.0, 3.0])?;
//! let top2 = TopBox::top(&t, 2)?;
//! let linearized = top2.estimate(ConfidenceLevel::P95)?; // the default
//! let kish = top2.estimate(IntervalSpec::new(ConfidenceLevel::P95).variance(VarianceMethod::Kish))?;
//! assert!(linearized.std_error != kish.std_error);
//! let design = linearized.design.unwrap();
//! assert_eq!(design.variance, VarianceMethod::Linearized);
//! assert!(design.design_effect.unwrap() > 1.0);
//!
//! let lin = Linearized::from_tally(&t, Score::top_box(2))?;
//! assert_eq!(lin.std_error(), Some(linearized.std_error));
//! # Ok::<(), cxmetrics::Error>(())
//! ```

pub(crate) mod effect;
pub(crate) mod interval;
pub(crate) mod linearized;
pub(crate) mod moments;
pub(crate) mod statistic;
pub(crate) mod variance_method;

pub use self::effect::DesignEffects;
pub use self::linearized::Linearized;
pub use self::variance_method::VarianceMethod;
