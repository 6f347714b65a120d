//! Tallies combined and derived: sums and collections of tallies, counts
//! with "not applicable", and the unweighted view of a weighted tally.

use std::iter::{FromIterator, Sum};

use crate::counting::tally::Tally;
use crate::foundation::error::Error;
use crate::foundation::scale::Scale;

impl Tally {
    /// A tally from per-point counts, lowest point first, plus a number of
    /// "not applicable" answers.
    ///
    /// # Errors
    ///
    /// As [`Tally::from_counts`]; [`Error::CountOverflow`] when the rated
    /// and not-applicable answers add up to more than `u64::MAX`.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally};
    /// let t = Tally::from_counts_with_not_applicable(Scale::CSAT_5, &[1, 0, 2, 5, 2], 4)?;
    /// assert_eq!((t.n(), t.not_applicable(), t.len()), (10, 4, 14));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn from_counts_with_not_applicable(
        scale: Scale,
        counts: &[u64],
        not_applicable: u64,
    ) -> Result<Tally, Error> {
        let mut tally = Tally::from_counts(scale, counts)?;
        tally.add_not_applicable(not_applicable)?;
        Ok(tally)
    }

    /// The same answers with every weight set to 1: the counts (and the
    /// not-applicable count) of a weighted tally, for unweighted scores
    /// and raw response counts beside the weighted ones.
    ///
    /// # Errors
    ///
    /// None for a tally built by this crate (its counts already fit in
    /// `u64`); the checks of [`Tally::from_counts`] run again.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Tally, TopBox};
    /// let mut t = Tally::new(Scale::CSAT_5);
    /// t.extend_weighted_scores(&[5u8, 1, 1], &[4.0, 1.0, 1.0])?;
    /// t.push_not_applicable()?;
    /// assert_eq!(TopBox::top(&t, 2)?.share(), 4.0 / 6.0); // weighted
    /// let raw = t.unweighted()?;
    /// assert_eq!(TopBox::top(&raw, 2)?.share(), 1.0 / 3.0); // one answer in three
    /// assert_eq!((raw.counts(), raw.not_applicable()), (t.counts(), 1));
    /// assert_eq!(raw.total_weight()?, 3.0);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn unweighted(&self) -> Result<Tally, Error> {
        Tally::from_counts_with_not_applicable(self.scale(), self.counts(), self.not_applicable())
    }
}

/// Merges tallies one after another; the first gives the scale.
fn merge_all<'a>(mut tallies: impl Iterator<Item = &'a Tally>) -> Result<Tally, Error> {
    let mut total = tallies.next().cloned().ok_or(Error::InvalidArgument {
        name: "number of tallies",
        value: 0.0,
        expected: "at least one tally to sum (it gives the scale)",
    })?;
    for t in tallies {
        total.merge(t)?;
    }
    Ok(total)
}

/// The merge of every tally: `parts.iter().sum::<Result<Tally, _>>()`.
///
/// # Errors
///
/// [`Error::InvalidArgument`] for no tallies at all (there is no scale to
/// sum on); [`Error::ScaleMismatch`] and [`Error::CountOverflow`] as
/// [`Tally::merge`].
///
/// # Example
///
/// ```
/// use cxmetrics::{Scale, Tally};
/// let parts = [
///     Tally::from_scores(Scale::NPS, &[10u8, 9])?,
///     Tally::from_scores(Scale::NPS, &[3u8])?,
/// ];
/// let total: Tally = parts.iter().sum::<Result<Tally, _>>()?;
/// assert_eq!(total, Tally::from_scores(Scale::NPS, &[10u8, 9, 3])?);
/// let none: [Tally; 0] = [];
/// assert!(none.iter().sum::<Result<Tally, _>>().is_err());
/// # Ok::<(), cxmetrics::Error>(())
/// ```
impl<'a> Sum<&'a Tally> for Result<Tally, Error> {
    fn sum<I: Iterator<Item = &'a Tally>>(iter: I) -> Result<Tally, Error> {
        merge_all(iter)
    }
}

/// The merge of every tally, taken by value; as `Sum<&Tally>`.
///
/// # Example
///
/// ```
/// use cxmetrics::{Scale, Tally};
/// let shards = vec![vec![10u8, 9], vec![7u8], vec![]];
/// let total = shards
///     .iter()
///     .map(|s| Tally::from_scores(Scale::NPS, s))
///     .collect::<Result<Vec<_>, _>>()?
///     .into_iter()
///     .sum::<Result<Tally, _>>()?;
/// assert_eq!(total.n(), 3);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
impl Sum<Tally> for Result<Tally, Error> {
    fn sum<I: Iterator<Item = Tally>>(mut iter: I) -> Result<Tally, Error> {
        let first = iter.next();
        let mut total = merge_all(first.iter())?;
        for t in iter {
            total.merge(&t)?;
        }
        Ok(total)
    }
}

/// Collecting tallies merges them, as `Sum`.
///
/// # Example
///
/// ```
/// use cxmetrics::{Scale, Tally};
/// let parts = [Tally::from_scores(Scale::CES_7, &[7u8])?, Tally::from_scores(Scale::CES_7, &[1u8])?];
/// let total: Result<Tally, _> = parts.iter().collect();
/// assert_eq!(total?.n(), 2);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
impl<'a> FromIterator<&'a Tally> for Result<Tally, Error> {
    fn from_iter<I: IntoIterator<Item = &'a Tally>>(iter: I) -> Result<Tally, Error> {
        merge_all(iter.into_iter())
    }
}

/// Collecting tallies by value merges them, as `Sum`.
///
/// # Example
///
/// ```
/// use cxmetrics::{Scale, Tally};
/// let total: Result<Tally, _> = (0..3u8).map(|s| Tally::from_scores(Scale::NPS, &[s]).unwrap()).collect();
/// assert_eq!(total?.n(), 3);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
impl FromIterator<Tally> for Result<Tally, Error> {
    fn from_iter<I: IntoIterator<Item = Tally>>(iter: I) -> Result<Tally, Error> {
        iter.into_iter().sum()
    }
}
