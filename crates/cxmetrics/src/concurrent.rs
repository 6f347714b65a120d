//! Lock-free ingestion from many threads.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::Error;
use crate::scale::{Rating, Scale, ScoreValue};
use crate::tally::Tally;

/// A counter alone on its cache line, so threads bumping different points
/// do not contend.
#[derive(Debug, Default)]
#[repr(align(64))]
struct Padded(AtomicU64);

/// A tally that many threads can feed at once without a lock: one atomic
/// counter per point.
///
/// For services that score answers as they arrive. Share it (`&AtomicTally`
/// or `Arc<AtomicTally>`) between threads, push from any of them, and read
/// a [`Tally`] with [`AtomicTally::snapshot`] to score it.
///
/// # Guarantees
///
/// - Every accepted answer is counted exactly once; counts never wrap or
///   saturate: an answer that would take the total past `u64::MAX` is
///   refused with [`Error::CountOverflow`] and not counted.
/// - A bad answer, or a batch containing one, is refused whole, as with
///   [`Tally`].
/// - Pushes are lock-free (one atomic add per point touched; a batch is
///   counted locally first, so it costs one atomic add per point, not per
///   answer).
/// - Once every writer has finished (threads joined), a snapshot is exact:
///   equal to the tally a single thread would have built. A snapshot taken
///   while writers are active sees each point's count at some moment during
///   the snapshot; it may include part of a batch that is still being
///   added.
/// - Unweighted answers only. For weighted answers from many threads, give
///   each thread its own [`Tally`] and [`merge`](Tally::merge) them on read.
///
/// # Example
///
/// ```
/// use std::thread;
/// use cxmetrics::{AtomicTally, Scale, Tally};
///
/// let live = AtomicTally::new(Scale::NPS);
/// thread::scope(|s| {
///     for t in 0..4u8 {
///         let live = &live;
///         s.spawn(move || live.extend_scores(&[t, 10, 9]).unwrap());
///     }
/// });
/// let snapshot = live.snapshot()?;
/// assert_eq!(snapshot.n(), 12);
/// assert_eq!(snapshot.count(10), Some(4));
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug)]
pub struct AtomicTally {
    scale: Scale,
    counts: Box<[Padded]>,
    not_applicable: Padded,
    /// Responses accepted (rated and not applicable), reserved before any
    /// count is added, so that no count can pass `u64::MAX`.
    total: Padded,
}

impl AtomicTally {
    /// An empty concurrent tally on `scale`.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{AtomicTally, Scale};
    /// let live = AtomicTally::new(Scale::NPS);
    /// assert!(live.snapshot()?.is_empty());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn new(scale: Scale) -> AtomicTally {
        AtomicTally {
            scale,
            counts: (0..scale.len()).map(|_| Padded::default()).collect(),
            not_applicable: Padded::default(),
            total: Padded::default(),
        }
    }

    /// The scale.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{AtomicTally, Scale};
    /// let live = AtomicTally::new(Scale::NPS);
    /// assert_eq!(live.scale(), Scale::NPS);
    /// ```
    #[must_use]
    pub fn scale(&self) -> Scale {
        self.scale
    }

    /// Checks and records one score.
    ///
    /// # Errors
    ///
    /// As [`Scale::rating`]; [`Error::CountOverflow`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{AtomicTally, Scale};
    /// let live = AtomicTally::new(Scale::NPS);
    /// live.push_score(9u8)?;
    /// assert!(live.push_score(12u8).is_err());
    /// assert_eq!(live.snapshot()?.n(), 1);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn push_score<S: ScoreValue>(&self, score: S) -> Result<(), Error> {
        let index = score.to_index(&self.scale)?;
        self.reserve(1)?;
        self.counts[index].0.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Records one rating.
    ///
    /// # Errors
    ///
    /// [`Error::ScaleMismatch`] for a rating of another scale;
    /// [`Error::CountOverflow`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{AtomicTally, Scale};
    /// let live = AtomicTally::new(Scale::NPS);
    /// live.push_rating(Scale::NPS.rating(3)?)?;
    /// assert!(live.push_rating(Scale::CSAT_5.rating(3)?).is_err());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn push_rating(&self, rating: Rating) -> Result<(), Error> {
        if rating.scale() != self.scale {
            return Err(Error::ScaleMismatch {
                expected: self.scale,
                actual: rating.scale(),
            });
        }
        self.push_score(rating.value())
    }

    /// Records one "not applicable" answer.
    ///
    /// # Errors
    ///
    /// [`Error::CountOverflow`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{AtomicTally, Scale};
    /// let live = AtomicTally::new(Scale::NPS);
    /// live.push_not_applicable()?;
    /// assert_eq!(live.snapshot()?.not_applicable(), 1);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn push_not_applicable(&self) -> Result<(), Error> {
        self.reserve(1)?;
        self.not_applicable.0.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Records a slice of scores, all or none, with the same fast kernels
    /// as [`Tally::extend_scores`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidBatchItem`] naming the first bad score;
    /// [`Error::CountOverflow`]. On error nothing is counted.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{AtomicTally, Scale};
    /// let live = AtomicTally::new(Scale::NPS);
    /// live.extend_scores(&[10u8, 9, 0])?;
    /// assert!(live.extend_scores(&[10u8, 99]).is_err());
    /// assert_eq!(live.snapshot()?.n(), 3);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn extend_scores<S: ScoreValue>(&self, scores: &[S]) -> Result<(), Error> {
        let batch = Tally::from_scores(self.scale, scores)?;
        self.reserve(batch.n())?;
        for (counter, &c) in self.counts.iter().zip(batch.counts()) {
            if c != 0 {
                counter.0.fetch_add(c, Ordering::Relaxed);
            }
        }
        Ok(())
    }

    /// The counts so far, as a [`Tally`] to score.
    ///
    /// # Errors
    ///
    /// None in practice: the counts are kept within `u64`. The `Result` is
    /// that of [`Tally::from_counts`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{AtomicTally, Scale};
    /// let live = AtomicTally::new(Scale::NPS);
    /// live.extend_scores(&[10u8, 6])?;
    /// assert_eq!(live.snapshot()?.counts()[10], 1);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn snapshot(&self) -> Result<Tally, Error> {
        let counts: Vec<u64> = self
            .counts
            .iter()
            .map(|c| c.0.load(Ordering::Relaxed))
            .collect();
        let mut tally = Tally::from_counts(self.scale, &counts)?;
        let na = self.not_applicable.0.load(Ordering::Relaxed);
        tally.add_not_applicable(na)?;
        Ok(tally)
    }

    fn reserve(&self, k: u64) -> Result<(), Error> {
        self.total
            .0
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |t| t.checked_add(k))
            .map(|_| ())
            .map_err(|t| Error::CountOverflow {
                what: "responses",
                count: t,
                added: k,
            })
    }
}

/// With the `serde` feature a concurrent tally serializes as its
/// [`snapshot`](AtomicTally::snapshot): a plain [`Tally`].
#[cfg(feature = "serde")]
impl serde::Serialize for AtomicTally {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error as _;
        self.snapshot()
            .map_err(S::Error::custom)?
            .serialize(serializer)
    }
}
