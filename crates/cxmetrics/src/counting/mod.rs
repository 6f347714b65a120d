//! Layer 2, **counting**: answers become exact, mergeable state.
//!
//! Owns the counting kernels ([`kernel`], the crate's only `unsafe`, behind
//! one safe dispatch), exact weight sums ([`sum`]), the per-point
//! [`Tally`](tally::Tally) of one question, the
//! [`GroupedTally`](grouped::GroupedTally) of many groups, the
//! [`JointTally`](joint::JointTally) of two questions of the same
//! respondents, the [`Accumulator`](accumulator::Accumulator) contract, and
//! the live containers built on it: [`AtomicTally`](concurrent::AtomicTally),
//! [`Sharded`](concurrent::Sharded) and [`Window`](window::Window).
//!
//! May import: `foundation`. Nothing here knows a metric, an interval or a
//! segment; a new state (a counter of something new) goes here.

pub(crate) mod accumulator;
pub(crate) mod combine;
pub(crate) mod concurrent;
pub(crate) mod count;
pub(crate) mod grouped;
pub(crate) mod joint;
pub(crate) mod kernel;
pub(crate) mod sum;
pub(crate) mod tally;
pub(crate) mod window;
