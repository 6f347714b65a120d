//! Anytime-valid inference over sufficient statistics: confidence
//! sequences, always-valid comparisons, e-values.
//!
//! A fixed-n confidence interval holds at one sample size chosen in
//! advance. Looked at every day and acted on whenever it excludes a value,
//! it misleads: a 95% interval of a stable score checked at each of 1,000
//! looks excludes the truth at some look far more often than 5%. A
//! *confidence sequence* holds at every n at once: with probability at
//! least 1 − α it contains the truth at all looks simultaneously, so it may
//! be watched continuously and stopped on at any time (Darling & Robbins
//! 1967; Howard, Ramdas, McAuliffe & Sekhon 2021).
//!
//! Everything here takes sufficient statistics — counts, a
//! [`BoundedSample`] (n, mean, sum of squares of observations in a known
//! range) — never a metric type, and every sequence is a function of them:
//! it updates in O(1) per batch, merges, and does not depend on how the
//! stream was split. The tally-level API is [`monitor`](crate::monitor).
//!
//! | method | validity | boundary |
//! | --- | --- | --- |
//! | [`SequenceMethod::BetaBinomial`] | exact, any n | conjugate mixture, root finding |
//! | [`SequenceMethod::SubGaussian`] | exact, any n | Hoeffding normal mixture, closed form |
//! | [`SequenceMethod::Asymptotic`] | as n grows | normal mixture with the running variance |
//! | [`difference`] (mSPRT) | as n grows | normal mixture over the difference |
//!
//! # Formulas
//!
//! With the target sample size m, x = −W₋₁(−α²/e) (the root above 1 of
//! x − ln x = 1 + 2 ln(1/α)) and r = m/(x − 1), the two-sided normal
//! mixture bounds a sum S_n of σ²-sub-Gaussian increments by
//! |S_n| < σ√((n + r) ln((n + r)/(r α²))) for all n with probability
//! 1 − α, tightest at n = m ([`normal_mixture_boundary`], [`optimal_rho`]).
//! The beta-binomial mixture and the mSPRT are given at
//! [`SequenceMethod::BetaBinomial`] and [`DifferenceSequence`].
//!
//! # Weighted data
//!
//! The exact sequences ([`SequenceMethod::BetaBinomial`],
//! [`SequenceMethod::SubGaussian`]) and the comparisons hold for
//! independent, unweighted observations, and the tally-level functions
//! refuse weighted tallies for them rather than apply an unweighted
//! guarantee to weighted data. For weighted answers the asymptotic
//! sequence holds with the design-based (linearized) variance of the
//! weighted mean, for respondents drawn independently with their weights
//! (no strata, no clusters): see [`asymptotic_mean`], which
//! [`monitor`](crate::monitor) uses for weighted tallies under
//! [`SequenceMethod::Asymptotic`].
//!
//! # References
//!
//! - Darling, D. A. & Robbins, H. (1967), "Confidence sequences for mean,
//!   variance, and median", *PNAS* 58(1).
//! - Robbins, H. (1970), "Statistical methods related to the law of the
//!   iterated logarithm", *Ann. Math. Statist.* 41(5).
//! - Hoeffding, W. (1963), "Probability inequalities for sums of bounded
//!   random variables", *JASA* 58(301).
//! - Howard, S. R., Ramdas, A., McAuliffe, J. & Sekhon, J. (2021),
//!   "Time-uniform, nonparametric, nonasymptotic confidence sequences",
//!   *Ann. Statist.* 49(2).
//! - Waudby-Smith, I., Arbour, D., Sinha, R., Kennedy, E. H. & Ramdas, A.
//!   (2021), "Time-uniform central limit theory and asymptotic confidence
//!   sequences", arXiv:2103.06476 (*Ann. Statist.* 2024).
//! - Waudby-Smith, I. & Ramdas, A. (2024), "Estimating means of bounded
//!   random variables by betting", *JRSS-B* 86(1).
//! - Johari, R., Koomen, P., Pekelis, L. & Walsh, D. (2022), "Always valid
//!   inference: continuous monitoring of A/B tests", *Operations Research*
//!   70(3) (arXiv:1512.04922, 2015/2017).
//! - Chan, T. F., Golub, G. H. & LeVeque, R. J. (1979), "Updating formulae
//!   and a pairwise algorithm for computing sample variances", Stanford
//!   CS report STAN-CS-79-773.

pub(crate) mod boundary;
pub(crate) mod mixture;
pub(crate) mod msprt;
pub(crate) mod sample;
pub(crate) mod sequence;

pub use boundary::{normal_mixture_boundary, optimal_rho};
pub use mixture::beta_binomial_log_mixture;
pub use msprt::{AlwaysValidTracker, DifferenceSequence, difference};
pub use sample::BoundedSample;
pub use sequence::{
    ConfidenceSequence, RunningIntersection, SequenceMethod, SequenceSpec, asymptotic_mean, mean,
    nps, proportion,
};
