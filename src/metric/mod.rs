//! Scores: pure functions of a [`Tally`](crate::Tally).
//!
//! Nothing here keeps state of its own. Every score uses the tally's
//! weight sums, which equal its counts when answers are unweighted, so one
//! code path serves weighted and unweighted data alike.

pub(crate) mod distribution;
pub(crate) mod mean;
pub(crate) mod nps;
pub(crate) mod top_box;
