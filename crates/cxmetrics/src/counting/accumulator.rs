//! The states that windows and concurrent ingestion hold: anything that
//! merges exactly.

use crate::counting::joint::JointTally;
use crate::counting::tally::Tally;
use crate::foundation::error::Error;

/// Keeps [`Accumulator`] to the crate's own states (each implements it
/// where it is defined, or here for the counting layer's own).
pub(crate) mod sealed {
    /// The seal.
    pub trait Sealed {}
    impl Sealed for crate::counting::tally::Tally {}
    impl Sealed for crate::counting::joint::JointTally {}
}

/// A mergeable aggregation state: [`Tally`], [`JointTally`] or
/// [`DriverMoments`](crate::drivers::DriverMoments). [`Window`](crate::Window) and
/// [`Sharded`](crate::Sharded) hold any of them.
///
/// Sealed: the crate's own states only.
///
/// # Example
///
/// ```
/// use cxmetrics::{Accumulator, Scale, Tally};
/// let a = Tally::from_scores(Scale::NPS, &[10u8])?;
/// let mut empty = a.empty_like();
/// empty.check_merge(&a)?;
/// empty.merge_from(&a)?;
/// assert_eq!(empty, a);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub trait Accumulator: sealed::Sealed + Clone {
    /// An empty state over the same questions.
    fn empty_like(&self) -> Self;

    /// Whether `other` can be merged in: same questions, no count past
    /// `u64::MAX`. When this is `Ok`, [`Accumulator::merge_from`]
    /// succeeds.
    ///
    /// # Errors
    ///
    /// [`Error::ScaleMismatch`] (or [`Error::LengthMismatch`]) for other
    /// questions; [`Error::CountOverflow`].
    fn check_merge(&self, other: &Self) -> Result<(), Error>;

    /// Merges `other` in, exactly.
    ///
    /// # Errors
    ///
    /// As [`Accumulator::check_merge`]; on error `self` is unchanged.
    fn merge_from(&mut self, other: &Self) -> Result<(), Error>;
}

impl Accumulator for Tally {
    fn empty_like(&self) -> Tally {
        Tally::new(self.scale())
    }

    fn check_merge(&self, other: &Tally) -> Result<(), Error> {
        Tally::check_merge(self, other)
    }

    fn merge_from(&mut self, other: &Tally) -> Result<(), Error> {
        self.merge(other)
    }
}

impl Accumulator for JointTally {
    fn empty_like(&self) -> JointTally {
        JointTally::new(self.x_scale(), self.y_scale())
    }

    fn check_merge(&self, other: &JointTally) -> Result<(), Error> {
        JointTally::check_merge(self, other)
    }

    fn merge_from(&mut self, other: &JointTally) -> Result<(), Error> {
        self.merge(other)
    }
}
