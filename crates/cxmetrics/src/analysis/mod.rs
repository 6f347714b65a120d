//! Layer 6, **analysis**: questions asked of several estimates.
//!
//! Owns two-sample comparisons ([`compare`]) and one-sample tests
//! ([`one_sample`]), multiplicity corrections ([`multiplicity`]), segments,
//! rankings and trends ([`segment`], [`segment_family`]), shrinkage
//! ([`shrinkage`]), association and key drivers ([`association`],
//! [`drivers`]), planning ([`plan`]) and weighting by cells
//! (post-stratification and raking, [`weighting`]).
//!
//! May import every layer below: `foundation`, `counting`, `math`,
//! `inference`, `metrics`. Files here may import one another one way:
//! `compare` and `one_sample` know no segment; `multiplicity` knows only
//! comparisons; `segment` builds on all three; `segment_family`,
//! `shrinkage` and `weighting` build on segments.

pub mod association;
pub mod compare;
pub mod drivers;
pub mod monitor;
pub mod multiplicity;
pub mod one_sample;
pub mod plan;
pub mod segment;
pub(crate) mod segment_family;
pub mod shrinkage;
pub(crate) mod weighting;
