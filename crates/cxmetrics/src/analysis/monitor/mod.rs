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
//! Weighted tallies are refused: the guarantees are for unweighted,
//! independent answers.
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
