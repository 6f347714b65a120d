//! Live monitoring: scores that are watched every day.
//!
//! - [`nps`], [`top_box`], [`mean`]: a [`LiveEstimate`] — the fixed-n
//!   interval beside the anytime-valid confidence sequence — from a tally
//!   (a [`Window`](crate::Window) total, an
//!   [`AtomicTally`](crate::AtomicTally) or [`Sharded`](crate::Sharded)
//!   snapshot), or as methods of those containers ([`LiveScores`]).
//! - [`compare_nps`], [`compare_top_box`], [`compare_mean`]: always-valid
//!   comparisons of two groups or periods (mSPRT and an exact union-bound
//!   sequence), tracked over looks by
//!   [`AlwaysValidTracker`](crate::sequential::AlwaysValidTracker).
//! - [`ChangeMonitor`]: CUSUM and EWMA charts over a series of per-period
//!   tallies, with limits set from a target in-control average run length
//!   and alerts that say when and in which direction.
//!
//! The inference underneath is in [`sequential`](crate::sequential).
//!
//! # Weighted tallies
//!
//! The exact sequences, the comparisons and the charts hold for
//! unweighted, independent answers; they refuse weighted tallies rather
//! than apply that guarantee to them. [`nps`], [`top_box`] and [`mean`]
//! take weighted tallies under
//! [`SequenceMethod::Asymptotic`](crate::sequential::SequenceMethod::Asymptotic),
//! with the design-based (linearized) variance of the weighted score:
//! asymptotically valid for respondents drawn independently with their
//! weights (no strata, no clusters), like the crate's linearized intervals.
//!
//! # Charts: formulas
//!
//! A period with n answers and value x̂ is standardized with the baseline
//! (mean μ₀ and per-answer standard deviation σ₀) as z = (x̂ − μ₀)√n/σ₀,
//! approximately N(0, 1) in control when n is not small.
//!
//! - CUSUM (Page 1954): C⁺ₜ = max(0, C⁺ₜ₋₁ + zₜ − k),
//!   C⁻ₜ = max(0, C⁻ₜ₋₁ − zₜ − k); signal when either reaches h.
//! - EWMA (Roberts 1959): Zₜ = λzₜ + (1 − λ)Zₜ₋₁; signal when
//!   |Zₜ| > L√(λ/(2 − λ)).
//!
//! The average run length (ARL) at a shift δ is computed by a Markov chain
//! on a discretized state (200 cells for each CUSUM side, Brook & Evans
//! 1972, the sides combined by 1/ARL = 1/ARL⁺ + 1/ARL⁻ as in Lucas &
//! Crosier 1982; 201 cells for the EWMA, Lucas & Saccucci 1990), and h or L
//! is solved for a target in-control ARL₀. They reproduce Montgomery's
//! table (k = ½: ARL₀ = 168 at h = 4, 465 at h = 5) and Lucas & Saccucci's
//! (λ = 0.1, L = 2.814: 500) to within 0.3%, and seeded simulations to
//! within their standard error.
//!
//! # References
//!
//! - Page, E. S. (1954), "Continuous inspection schemes", *Biometrika* 41.
//! - Roberts, S. W. (1959), "Control chart tests based on geometric moving
//!   averages", *Technometrics* 1(3).
//! - Brook, D. & Evans, D. A. (1972), "An approach to the probability
//!   distribution of CUSUM run length", *Biometrika* 59(3).
//! - Lucas, J. M. & Crosier, R. B. (1982), "Fast initial response for
//!   CUSUM quality-control schemes", *Technometrics* 24(3).
//! - Lucas, J. M. & Saccucci, M. S. (1990), "Exponentially weighted moving
//!   average control schemes: properties and enhancements", *Technometrics*
//!   32(1).
//! - Montgomery, D. C. (2009), *Introduction to Statistical Quality
//!   Control*, 6th ed., Wiley, ch. 9.
//! - For the sequences and the mSPRT, see [`sequential`](crate::sequential).
//!
//! May import `foundation`, `counting`, `math`, `inference`, `metrics`.

pub(crate) mod arl;
pub(crate) mod chart;
pub(crate) mod live;

pub use chart::{
    Alert, Baseline, ChangeMonitor, Chart, ChartPoint, ChartScore, CusumDesign, Direction,
    EwmaDesign,
};
pub use live::{
    LiveEstimate, LiveScores, compare_mean, compare_nps, compare_top_box, mean, nps, top_box,
};
