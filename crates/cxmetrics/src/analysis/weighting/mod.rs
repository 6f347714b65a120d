//! Weighting by cells: post-stratification and raking of segmented
//! tallies, and the design-based estimates of any [`Score`] under the
//! calibrated weights.
//!
//! Builds on [`Segmented`](crate::Segmented) (the tallies per cell) and on
//! the linearized variance of [`crate::inference::design`].
//!
//! [`Score`]: crate::segment::Score

pub(crate) mod cells;
pub(crate) mod post_stratify;
pub(crate) mod rake;
