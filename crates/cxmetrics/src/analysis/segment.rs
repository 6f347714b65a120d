//! Segments and trends: one tally per key, scored, ranked and followed
//! over time.
//!
//! A [`Segmented<K>`] keeps one [`Tally`] per key — a channel name, an
//! agent id, a `(year, month)` pair — all on one scale. It scores every
//! segment in key order ([`Segmented::scores`]), flags segments too small
//! to score, ranks them ([`Segmented::ranking`]), adds them up
//! ([`Segmented::total`]), merges with another `Segmented` key by key, and
//! over ordered keys (periods) answers "did it really move?"
//! ([`Segmented::trend`]).
//!
//! # Example
//!
//! ```
//! use cxmetrics::segment::Score;
//! use cxmetrics::{ConfidenceLevel, Scale, Segmented};
//!
//! let mut by_month: Segmented<(u16, u8)> = Segmented::new(Scale::NPS);
//! by_month.extend_scores(&[(2026, 1); 4], &[10u8, 9, 3, 8])?;
//! by_month.extend_scores(&[(2026, 2); 4], &[10u8, 10, 9, 7])?;
//! let trend = by_month.trend(Score::nps(), ConfidenceLevel::P95);
//! assert_eq!(trend[1].key, (2026, 2));
//! assert_eq!(trend[1].estimate.as_ref().unwrap().value, 75.0);
//! let change = trend[1].change.as_ref().unwrap().as_ref().unwrap();
//! assert_eq!(change.difference, 50.0);
//! # Ok::<(), cxmetrics::Error>(())
//! ```

use std::collections::BTreeMap;

use crate::analysis::compare::Comparison;
use crate::counting::grouped::GroupedTally;
use crate::counting::tally::Tally;
use crate::foundation::error::Error;
use crate::foundation::response::Response;
use crate::foundation::scale::{Scale, ScoreValue};
use crate::inference::estimate::Estimate;
use crate::inference::interval::{ConfidenceLevel, IntervalSpec};
/// Which score to take of each segment: defined with the metrics, named
/// here too because segments, trends and rankings take it.
pub use crate::metrics::score::Score;

/// One segment's score, or why it was not scored.
///
/// # Example
///
/// ```
/// use cxmetrics::segment::Score;
/// use cxmetrics::{ConfidenceLevel, Error, Scale, Segmented};
/// let mut s = Segmented::new(Scale::NPS);
/// s.extend_scores(&[1u8, 1, 2], &[10u8, 9, 0])?;
/// let rows = s.scores(Score::nps(), ConfidenceLevel::P95, 2);
/// assert_eq!((rows[0].key, rows[0].n), (1, 2));
/// assert_eq!(rows[1].estimate, Err(Error::BelowMinimumN { n: 1, min_n: 2 }));
/// # Ok::<(), cxmetrics::Error>(())
/// ```
///
/// With the `serde` feature a row reads back only if its estimate (when
/// there is one) passes [`Estimate::validate`] and counts the row's `n`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "SegmentScoreRepr<K>"),
    serde(bound(deserialize = "K: serde::Deserialize<'de>"))
)]
pub struct SegmentScore<K> {
    /// The segment's key.
    pub key: K,
    /// Its number of rated answers.
    pub n: u64,
    /// The estimate, or the reason there is none:
    /// [`Error::BelowMinimumN`] for a segment below the minimum n.
    /// Serialized as a tagged value-or-error object (see
    /// [`Error::kind`]): `{"status": "ok", "value": …}` or
    /// `{"status": "error", "error": {"kind": …, "message": …}}`.
    #[cfg_attr(feature = "serde", serde(with = "crate::foundation::outcome::result"))]
    pub estimate: Result<Estimate, Error>,
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SegmentScoreRepr<K> {
    key: K,
    n: u64,
    #[serde(with = "crate::foundation::outcome::result")]
    estimate: Result<Estimate, Error>,
}

#[cfg(feature = "serde")]
impl<K> TryFrom<SegmentScoreRepr<K>> for SegmentScore<K> {
    type Error = Error;
    fn try_from(r: SegmentScoreRepr<K>) -> Result<SegmentScore<K>, Error> {
        if let Ok(e) = &r.estimate
            && e.n != r.n
        {
            return Err(Error::InvalidResult {
                what: "segment score",
                reason: format!("n {} but its estimate has n = {}", r.n, e.n),
            });
        }
        Ok(SegmentScore {
            key: r.key,
            n: r.n,
            estimate: r.estimate,
        })
    }
}

/// One period of a trend.
///
/// # Example
///
/// ```
/// use cxmetrics::segment::Score;
/// use cxmetrics::{ConfidenceLevel, Scale, Segmented};
/// let mut by_week = Segmented::new(Scale::CSAT_5);
/// by_week.extend_scores(&[1u8, 1, 1, 2, 2, 2], &[5u8, 4, 2, 5, 5, 4])?;
/// let trend = by_week.trend(Score::top_box(2), ConfidenceLevel::P95);
/// assert!(trend[0].change.is_none());
/// assert!(trend[1].change.as_ref().unwrap().is_ok());
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TrendPoint<K> {
    /// The period's key.
    pub key: K,
    /// Its number of rated answers.
    pub n: u64,
    /// The period's score with its interval, or why there is none
    /// (serialized as a tagged value-or-error object, as in
    /// [`SegmentScore::estimate`]).
    #[cfg_attr(feature = "serde", serde(with = "crate::foundation::outcome::result"))]
    pub estimate: Result<Estimate, Error>,
    /// The change from the previous period (this − previous) with its test
    /// and significance flag; `None` for the first period.
    #[cfg_attr(
        feature = "serde",
        serde(with = "crate::foundation::outcome::option_result")
    )]
    pub change: Option<Result<Comparison, Error>>,
    /// Whether periods are missing between the previous period and this
    /// one (only [`Segmented::trend_with_gaps`] sets it).
    #[cfg_attr(feature = "serde", serde(default))]
    pub gap: bool,
}

/// A key type for the batch methods of [`Segmented`].
///
/// Implemented for the primitive types, strings (owned and borrowed),
/// `Option`, references and tuples of up to four keys; for a key type of
/// your own, an empty `impl SegmentKey for MyKey {}` is enough.
/// [`SegmentKey::dense_index`] lets small unsigned integers skip the
/// dictionary.
///
/// # Example
///
/// ```
/// use cxmetrics::segment::SegmentKey;
/// use cxmetrics::{Scale, Segmented};
///
/// #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Debug)]
/// enum Channel { Web, Phone }
/// impl SegmentKey for Channel {}
///
/// let mut s = Segmented::new(Scale::NPS);
/// s.extend_scores(&[Channel::Web, Channel::Phone], &[10u8, 2])?;
/// assert_eq!(s.get(&Channel::Web).unwrap().n(), 1);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub trait SegmentKey: Ord + Clone {
    /// A distinct index below 65,536 for keys that have one (small unsigned
    /// integers): such keys find their segment through a direct table.
    /// Two keys with the same index must be equal.
    fn dense_index(&self) -> Option<u16> {
        None
    }

    /// Whether two keys are equal: `==` unless a type has a faster test
    /// (strings compare short keys inline, without a `memcmp` call). The
    /// batch methods call it once per answer to find runs of equal keys.
    #[inline]
    fn same_key(&self, other: &Self) -> bool {
        self == other
    }
}

/// Equality of two strings, inline for keys of at most 16 bytes: two
/// overlapping 8-byte (or 4-byte) words from each end, no copies and no
/// call.
#[inline]
fn same_str(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let n = a.len();
    if (8..=16).contains(&n) {
        let word = |x: &[u8]| {
            let head = x.first_chunk::<8>().map_or(0, |c| u64::from_ne_bytes(*c));
            let tail = x.last_chunk::<8>().map_or(0, |c| u64::from_ne_bytes(*c));
            (head, tail)
        };
        word(a) == word(b)
    } else if (4..8).contains(&n) {
        let word = |x: &[u8]| {
            let head = x.first_chunk::<4>().map_or(0, |c| u32::from_ne_bytes(*c));
            let tail = x.last_chunk::<4>().map_or(0, |c| u32::from_ne_bytes(*c));
            (head, tail)
        };
        word(a) == word(b)
    } else {
        a == b
    }
}

macro_rules! dense_key {
    ($($t:ty),*) => {$(
        impl SegmentKey for $t {
            #[inline]
            fn dense_index(&self) -> Option<u16> {
                u16::try_from(*self).ok()
            }
        }
    )*};
}
dense_key!(u8, u16, u32, u64, usize, u128);

macro_rules! plain_key {
    ($($t:ty),*) => {$( impl SegmentKey for $t {} )*};
}
plain_key!(i8, i16, i32, i64, isize, i128, bool, char);

macro_rules! str_key {
    ($($t:ty),*) => {$(
        impl SegmentKey for $t {
            #[inline]
            fn same_key(&self, other: &Self) -> bool {
                same_str(self, other)
            }
        }
    )*};
}
str_key!(String, Box<str>);

impl<T: Ord + ?Sized> SegmentKey for &T {
    /// The same referent (as when keys borrow from one table of names) is
    /// equal without comparing.
    #[inline]
    fn same_key(&self, other: &Self) -> bool {
        std::ptr::eq(*self, *other) || self == other
    }
}
impl<T: SegmentKey> SegmentKey for Option<T> {}
impl SegmentKey for std::borrow::Cow<'_, str> {}
impl SegmentKey for std::rc::Rc<str> {}
impl SegmentKey for std::sync::Arc<str> {}
impl<A: SegmentKey, B: SegmentKey> SegmentKey for (A, B) {}
impl<A: SegmentKey, B: SegmentKey, C: SegmentKey> SegmentKey for (A, B, C) {}
impl<A: SegmentKey, B: SegmentKey, C: SegmentKey, D: SegmentKey> SegmentKey for (A, B, C, D) {}

/// Keys mapped to groups for one batch.
enum Mapped {
    /// A group id per answer.
    Ids(Vec<u32>),
    /// Runs of equal keys: (group id, end of the run).
    Runs(Vec<(u32, usize)>),
}

/// One [`Tally`] per key, all on one scale: a key → group dictionary
/// over a [`GroupedTally`].
///
/// Keys may be any `Ord + Clone` type, borrowed ones included
/// (`&str` slices of a CSV line). The batch methods
/// ([`Segmented::extend_scores`], [`Segmented::extend_weighted_scores`])
/// take keys that implement [`SegmentKey`]: small unsigned integers map to
/// their group through a direct table, other keys are looked up once per
/// run of equal keys, and each run is counted by the vectorised kernels,
/// so data grouped by key is fast whatever the key type.
///
/// Memory: each key costs its group's row in the [`GroupedTally`] (8 bytes
/// per scale point for unweighted data, 48 once weighted) plus its entry
/// in the dictionary.
///
/// # Example
///
/// ```
/// use cxmetrics::segment::Score;
/// use cxmetrics::{ConfidenceLevel, Scale, Segmented};
///
/// let mut by_channel = Segmented::new(Scale::CSAT_5);
/// by_channel.extend_scores(&["web", "web", "phone", "web", "phone"], &[5u8, 4, 2, 5, 4])?;
/// let rows = by_channel.scores(Score::top_box(2), ConfidenceLevel::P95, 3);
/// assert_eq!(rows[0].key, "phone");
/// assert!(rows[0].estimate.is_err()); // 2 answers: flagged, not scored
/// assert_eq!(rows[1].estimate.as_ref().unwrap().value, 1.0);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Segmented<K> {
    scale: Scale,
    /// Key → group id, in key order.
    index: BTreeMap<K, u32>,
    /// Dense key index → group id + 1 (0: no group yet), for keys with a
    /// [`SegmentKey::dense_index`]; at most 65,536 entries.
    dense: Vec<u32>,
    grouped: GroupedTally,
}

impl<K: Ord + Clone> PartialEq for Segmented<K> {
    /// Same scale, same keys, equal tallies key by key.
    fn eq(&self, other: &Segmented<K>) -> bool {
        self.scale == other.scale
            && self.len() == other.len()
            && self
                .iter()
                .zip(other.iter())
                .all(|((a, x), (b, y))| a == b && x == y)
    }
}

impl<K: Ord + Clone> Segmented<K> {
    /// No segments yet, on `scale`.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Segmented};
    /// let s: Segmented<String> = Segmented::new(Scale::CSAT_5);
    /// assert!(s.is_empty());
    /// ```
    #[must_use]
    pub fn new(scale: Scale) -> Segmented<K> {
        Segmented {
            scale,
            index: BTreeMap::new(),
            dense: Vec::new(),
            grouped: GroupedTally::new(scale),
        }
    }

    /// The scale of every segment.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Segmented};
    /// let mut s = Segmented::new(Scale::NPS);
    /// s.extend_scores(&["web", "app", "web"], &[10u8, 3, 9])?;
    /// assert_eq!(s.scale(), Scale::NPS);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn scale(&self) -> Scale {
        self.scale
    }

    /// The number of segments.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Segmented};
    /// let mut s = Segmented::new(Scale::NPS);
    /// s.extend_scores(&["web", "app", "web"], &[10u8, 3, 9])?;
    /// assert_eq!(s.len(), 2);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// Whether there are no segments.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Segmented};
    /// let mut s = Segmented::new(Scale::NPS);
    /// s.extend_scores(&["web", "app", "web"], &[10u8, 3, 9])?;
    /// assert!(!s.is_empty());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// The tally of one segment (built from its group).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Segmented};
    /// let mut s = Segmented::new(Scale::NPS);
    /// s.extend_scores(&["web", "app", "web"], &[10u8, 3, 9])?;
    /// assert_eq!(s.get(&"web").map(|t| t.n()), Some(2));
    /// assert!(s.get(&"mail").is_none());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn get(&self, key: &K) -> Option<Tally> {
        let &g = self.index.get(key)?;
        self.grouped.tally(g as usize).ok()
    }

    /// The segments in key order, each with its tally.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Segmented};
    /// let mut s = Segmented::new(Scale::NPS);
    /// s.extend_scores(&["web", "app", "web"], &[10u8, 3, 9])?;
    /// let keys: Vec<&&str> = s.iter().map(|(k, _)| k).collect();
    /// assert_eq!(keys, [&"app", &"web"]);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (&K, Tally)> {
        self.index.iter().filter_map(|(k, &g)| {
            let t = self.grouped.tally(g as usize).ok()?;
            Some((k, t))
        })
    }

    /// The grouped core underneath, with each key's group index.
    ///
    /// ```
    /// use cxmetrics::{Scale, Segmented};
    /// let mut s = Segmented::new(Scale::NPS);
    /// s.extend_scores(&[7u16, 7, 3], &[10u8, 9, 0])?;
    /// let (grouped, keys) = s.grouped();
    /// let g = keys.iter().find(|(k, _)| **k == 7).unwrap().1;
    /// assert_eq!(grouped.n(g), Some(2));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn grouped(&self) -> (&GroupedTally, Vec<(&K, usize)>) {
        let keys = self.index.iter().map(|(k, &g)| (k, g as usize)).collect();
        (&self.grouped, keys)
    }

    /// The group of `key`, made if new.
    fn group_of(&mut self, key: &K) -> Result<u32, Error> {
        // Keys past the last one (sorted input) are new: one comparison
        // instead of a search.
        let past_last = self
            .index
            .last_key_value()
            .is_none_or(|(last, _)| last < key);
        if !past_last && let Some(&g) = self.index.get(key) {
            return Ok(g);
        }
        let g = self.grouped.push_group()? as u32;
        self.index.insert(key.clone(), g);
        Ok(g)
    }

    /// Removes the groups made since there were `before`, after a batch
    /// failed: nothing of it stays.
    fn rollback(&mut self, before: usize) {
        if self.grouped.groups() > before {
            self.index.retain(|_, g| (*g as usize) < before);
            for d in &mut self.dense {
                if *d as usize > before {
                    *d = 0;
                }
            }
            // Shrinking cannot fail.
            let _ = self.grouped.resize(before);
        }
    }

    /// Runs `f`, undoing any groups made if it fails.
    fn atomic(&mut self, f: impl FnOnce(&mut Self) -> Result<(), Error>) -> Result<(), Error> {
        let before = self.grouped.groups();
        let r = f(self);
        if r.is_err() {
            self.rollback(before);
        }
        r
    }

    /// Records one response in the segment `key`.
    ///
    /// # Errors
    ///
    /// As [`Tally::push`]. On error nothing changes.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Response, Scale, Segmented};
    /// let mut s = Segmented::new(Scale::NPS);
    /// s.push("chat", Response::rated(Scale::NPS.rating(9)?))?;
    /// s.push("chat", Response::NotApplicable)?;
    /// assert_eq!(s.get(&"chat").unwrap().len(), 2);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn push(&mut self, key: K, response: Response) -> Result<(), Error> {
        self.atomic(|s| {
            let g = s.group_of(&key)?;
            s.grouped.push(g as usize, response)
        })
    }

    /// Merges a whole tally into the segment `key` (creating it if new):
    /// how per-shard or per-thread tallies join a `Segmented`.
    ///
    /// # Errors
    ///
    /// [`Error::ScaleMismatch`]; [`Error::CountOverflow`]. On error nothing
    /// changes.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Segmented, Tally};
    /// let mut s = Segmented::new(Scale::NPS);
    /// s.merge_tally("shop-7", &Tally::from_scores(Scale::NPS, &[9u8, 10])?)?;
    /// assert_eq!(s.get(&"shop-7").unwrap().n(), 2);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn merge_tally(&mut self, key: K, tally: &Tally) -> Result<(), Error> {
        self.atomic(|s| {
            let g = s.group_of(&key)?;
            s.grouped.merge_tally(g as usize, tally)
        })
    }

    /// Records keyed responses, all or none.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidBatchItem`] naming the first bad response;
    /// [`Error::CountOverflow`]. On error nothing changes.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Response, Scale, Segmented};
    /// let mut s = Segmented::new(Scale::NPS);
    /// let r = Scale::NPS.rating(8)?;
    /// s.extend([("a", Response::rated(r)), ("b", Response::NotApplicable)])?;
    /// assert_eq!(s.len(), 2);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn extend<I>(&mut self, responses: I) -> Result<(), Error>
    where
        I: IntoIterator<Item = (K, Response)>,
    {
        let mut batch = Segmented::new(self.scale);
        for (i, (key, response)) in responses.into_iter().enumerate() {
            batch.push(key, response).map_err(|e| e.at(i))?;
        }
        self.merge(&batch)
    }

    /// Adds another `Segmented` key by key, all or nothing.
    ///
    /// # Errors
    ///
    /// [`Error::ScaleMismatch`] for different scales;
    /// [`Error::CountOverflow`] when any segment's count would pass
    /// `u64::MAX`. On error `self` is unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Segmented};
    ///
    /// let mut a = Segmented::new(Scale::NPS);
    /// a.extend_scores(&[1u16, 2], &[10u8, 0])?;
    /// let mut b = Segmented::new(Scale::NPS);
    /// b.extend_scores(&[2u16, 3], &[9u8, 9])?;
    /// a.merge(&b)?;
    /// assert_eq!((a.len(), a.get(&2).unwrap().n()), (3, 2));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn merge(&mut self, other: &Segmented<K>) -> Result<(), Error> {
        if other.scale != self.scale {
            return Err(Scale::mismatch(self.scale, other.scale));
        }
        self.atomic(|s| {
            let mut pairs = Vec::with_capacity(other.len());
            for (key, &src) in &other.index {
                pairs.push((s.group_of(key)? as usize, src as usize));
            }
            s.grouped.merge_groups(&other.grouped, &pairs)
        })
    }

    /// The segments rolled up by a projection of their keys: every segment
    /// is merged into the segment `project(key)`, for example a
    /// `(month, channel)` cube into months.
    ///
    /// # Errors
    ///
    /// [`Error::CountOverflow`] when a rolled-up segment would pass
    /// `u64::MAX` answers.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Segmented};
    /// let mut cube = Segmented::new(Scale::NPS);
    /// cube.extend_scores(&[(1u8, "web"), (1, "app"), (2, "web")], &[10u8, 0, 9])?;
    /// let by_month = cube.roll_up(|&(month, _)| month)?;
    /// assert_eq!(by_month.get(&1).unwrap().n(), 2);
    /// assert_eq!(by_month.len(), 2);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn roll_up<J: Ord + Clone>(
        &self,
        project: impl Fn(&K) -> J,
    ) -> Result<Segmented<J>, Error> {
        let mut out = Segmented::new(self.scale);
        let mut by_target: BTreeMap<J, Vec<usize>> = BTreeMap::new();
        for (key, &g) in &self.index {
            by_target.entry(project(key)).or_default().push(g as usize);
        }
        for (target, sources) in by_target {
            let g = out.grouped.push_group()?;
            out.index.insert(target, g as u32);
            let pairs: Vec<(usize, usize)> = sources.into_iter().map(|s| (g, s)).collect();
            for pair in pairs.chunks(1) {
                out.grouped.merge_groups(&self.grouped, pair)?;
            }
        }
        Ok(out)
    }

    /// All segments added up.
    ///
    /// # Errors
    ///
    /// [`Error::CountOverflow`] when the total would pass `u64::MAX`.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Segmented};
    /// let mut s = Segmented::new(Scale::NPS);
    /// s.extend_scores(&["web", "app", "web"], &[10u8, 3, 9])?;
    /// assert_eq!(s.total()?.counts()[10], 1);
    /// assert_eq!(s.total()?.n(), 3);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn total(&self) -> Result<Tally, Error> {
        let mut total = GroupedTally::with_groups(self.scale, 1)?;
        for g in 0..self.grouped.groups() {
            total.merge_group(0, &self.grouped, g)?;
        }
        total.tally(0)
    }

    /// Every segment's score in key order. Segments with fewer than `min_n`
    /// rated answers — for weighted data, an effective sample size below
    /// `min_n` — are flagged with [`Error::BelowMinimumN`] (whose `n` is
    /// then the effective n rounded down) instead of being scored.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Segmented};
    /// let mut s = Segmented::new(Scale::NPS);
    /// s.extend_scores(&["web", "app", "web"], &[10u8, 3, 9])?;
    /// use cxmetrics::{ConfidenceLevel, segment::Score};
    /// let rows = s.scores(Score::nps(), ConfidenceLevel::P95, 1);
    /// assert_eq!(rows[1].estimate.as_ref().unwrap().value, 100.0); // web
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn scores(
        &self,
        score: Score,
        spec: impl Into<IntervalSpec>,
        min_n: u64,
    ) -> Vec<SegmentScore<K>> {
        let spec = spec.into();
        self.index
            .iter()
            .map(|(key, &g)| {
                let estimate = self.grouped.tally(g as usize).and_then(|t| {
                    let n = self.size_for_min_n(&t);
                    if n < min_n {
                        Err(Error::BelowMinimumN { n, min_n })
                    } else {
                        score.estimate(&t, spec)
                    }
                });
                SegmentScore {
                    key: key.clone(),
                    n: self.grouped.n(g as usize).unwrap_or(0),
                    estimate,
                }
            })
            .collect()
    }

    /// The n that `min_n` is compared with: n, or for weighted data the
    /// effective n rounded down.
    fn size_for_min_n(&self, t: &Tally) -> u64 {
        if self.grouped.is_weighted() {
            t.effective_n().floor().min(t.n() as f64) as u64
        } else {
            t.n()
        }
    }

    /// The segments from best to worst by `score` (following the scale's
    /// polarity for means, and lower-is-better for bottom boxes); ties keep
    /// key order. Segments that could not be scored come last, in key
    /// order.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::segment::Score;
    /// use cxmetrics::{ConfidenceLevel, Scale, Segmented};
    ///
    /// let mut s = Segmented::new(Scale::CES_5); // 1 = very easy
    /// s.extend_scores(&["a", "a", "b", "b", "c"], &[4u8, 5, 1, 2, 1])?;
    /// let ranked = s.ranking(Score::Mean, ConfidenceLevel::P95, 2);
    /// let order: Vec<&str> = ranked.iter().map(|r| r.key).collect();
    /// assert_eq!(order, ["b", "a", "c"]); // c has too few answers
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn ranking(
        &self,
        score: Score,
        spec: impl Into<IntervalSpec>,
        min_n: u64,
    ) -> Vec<SegmentScore<K>> {
        let mut rows = self.scores(score, spec, min_n);
        let higher = score.higher_is_better(&self.scale);
        rows.sort_by(|a, b| match (&a.estimate, &b.estimate) {
            (Ok(x), Ok(y)) => {
                let ord = x.value.total_cmp(&y.value);
                if higher { ord.reverse() } else { ord }
            }
            (Ok(_), Err(_)) => std::cmp::Ordering::Less,
            (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
            (Err(_), Err(_)) => std::cmp::Ordering::Equal,
        });
        rows
    }

    /// The keys read as ordered periods: each period's score with its
    /// interval, and the change from the previous period with its test and
    /// a significance flag at `level`. Changes of weighted tallies are
    /// design-based ([`Score::compare`]: the two periods as two domains of
    /// one sample, t on n₊ − 1); for periods of one larger survey,
    /// [`Survey::trends`](crate::survey::Survey::trends) uses the whole
    /// survey's design.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::segment::Score;
    /// use cxmetrics::{ConfidenceLevel, Scale, Segmented};
    /// let mut by_month = Segmented::new(Scale::NPS);
    /// by_month.extend_scores(&[1u8, 1, 1, 2, 2, 2], &[10u8, 6, 3, 10, 9, 8])?;
    /// let t = by_month.trend(Score::nps(), ConfidenceLevel::P90);
    /// let change = t[1].change.as_ref().unwrap().as_ref().unwrap();
    /// assert!((change.difference - 100.0).abs() < 1e-9); // −33.3 to +66.7
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn trend(&self, score: Score, level: ConfidenceLevel) -> Vec<TrendPoint<K>> {
        self.trend_with(
            score,
            level,
            crate::analysis::multiplicity::Adjustment::default(),
        )
    }

    /// The trend over ordered keys, with the changes' p-values adjusted
    /// across the trend by `adjustment` ([`Segmented::trend`] uses Holm):
    /// each change's `adjusted_p_value` is set and `significant` follows
    /// it, so a trend of twelve months with no true change flags a change
    /// in at most α of years (unadjusted: about 40%).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::multiplicity::Adjustment;
    /// use cxmetrics::segment::Score;
    /// use cxmetrics::{ConfidenceLevel, Scale, Segmented};
    /// let mut by_month = Segmented::new(Scale::NPS);
    /// by_month.extend_scores(&[1u8, 1, 1, 2, 2, 2, 3, 3, 3], &[10u8, 9, 3, 10, 6, 5, 9, 9, 10])?;
    /// let t = by_month.trend_with(Score::nps(), ConfidenceLevel::P95, Adjustment::BenjaminiHochberg);
    /// let change = t[1].change.as_ref().unwrap().as_ref().map_err(|e| e.clone())?;
    /// assert!(change.adjusted_p_value.unwrap() >= change.p_value);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn trend_with(
        &self,
        score: Score,
        level: ConfidenceLevel,
        adjustment: crate::analysis::multiplicity::Adjustment,
    ) -> Vec<TrendPoint<K>> {
        let out = self.trend_inner(score, level, None::<fn(&K) -> Option<K>>);
        adjusted(out, adjustment)
    }

    /// [`Segmented::trend`] over periods whose successor `next` gives (the
    /// next month of a `(year, month)`, the next week …): a period that
    /// does not follow its predecessor is flagged with `gap = true`, so a
    /// change across missing periods is not read as a month-over-month
    /// change. `next` returns `None` past the last period. The changes'
    /// p-values are Holm-adjusted, as in [`Segmented::trend`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::segment::Score;
    /// use cxmetrics::{ConfidenceLevel, Scale, Segmented};
    /// let next_month = |&(y, m): &(u16, u8)| Some(if m == 12 { (y + 1, 1) } else { (y, m + 1) });
    /// let mut s = Segmented::new(Scale::NPS);
    /// s.extend_scores(&[(2025, 12), (2026, 1), (2026, 3)], &[10u8, 9, 0])?;
    /// let t = s.trend_with_gaps(Score::nps(), ConfidenceLevel::P95, next_month);
    /// assert_eq!(t.iter().map(|p| p.gap).collect::<Vec<_>>(), [false, false, true]);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn trend_with_gaps(
        &self,
        score: Score,
        level: ConfidenceLevel,
        next: impl Fn(&K) -> Option<K>,
    ) -> Vec<TrendPoint<K>> {
        adjusted(
            self.trend_inner(score, level, Some(next)),
            crate::analysis::multiplicity::Adjustment::default(),
        )
    }

    fn trend_inner(
        &self,
        score: Score,
        level: ConfidenceLevel,
        next: Option<impl Fn(&K) -> Option<K>>,
    ) -> Vec<TrendPoint<K>> {
        let mut out = Vec::with_capacity(self.len());
        let mut previous: Option<(&K, Tally)> = None;
        for (key, &g) in &self.index {
            let t = self.grouped.tally(g as usize);
            let gap = match (&previous, &next) {
                (Some((p, _)), Some(next)) => next(p).as_ref() != Some(key),
                _ => false,
            };
            let (estimate, change) = match &t {
                Ok(t) => (
                    score.estimate(t, level),
                    previous.as_ref().map(|(_, p)| score.compare(t, p, level)),
                ),
                Err(e) => (Err(e.clone()), previous.as_ref().map(|_| Err(e.clone()))),
            };
            out.push(TrendPoint {
                key: key.clone(),
                n: self.grouped.n(g as usize).unwrap_or(0),
                estimate,
                change,
                gap,
            });
            previous = t.ok().map(|t| (key, t));
        }
        out
    }
}

/// The trend with its changes' p-values adjusted across the trend: each
/// change's `adjusted_p_value` is set and `significant` follows it.
fn adjusted<K>(
    mut out: Vec<TrendPoint<K>>,
    adjustment: crate::analysis::multiplicity::Adjustment,
) -> Vec<TrendPoint<K>> {
    let mut changes: Vec<Result<Comparison, Error>> =
        out.iter_mut().filter_map(|p| p.change.take()).collect();
    // p-values from this crate's tests are probabilities, so this cannot
    // fail; were it to, the raw p-values would stand.
    let _ = crate::analysis::multiplicity::adjust_comparisons(&mut changes, adjustment);
    for (point, change) in out.iter_mut().skip(1).zip(changes) {
        point.change = Some(change);
    }
    out
}

impl<K: SegmentKey> Segmented<K> {
    /// Maps a batch's keys to groups, making new ones: a group id per
    /// answer for keys with a dense index, runs of equal keys otherwise.
    fn map_keys(&mut self, keys: &[K]) -> Result<Mapped, Error> {
        if keys.first().and_then(SegmentKey::dense_index).is_some() {
            let mut ids = vec![0; keys.len()];
            self.map_dense(keys, &mut ids)?;
            return Ok(Mapped::Ids(ids));
        }
        let mut runs = Vec::new();
        let mut start = 0;
        while let Some(key) = keys.get(start) {
            let len = keys[start..]
                .iter()
                .position(|k| !k.same_key(key))
                .unwrap_or(keys.len() - start);
            let id = self.group_of(key)?;
            start += len;
            runs.push((id, start));
        }
        Ok(Mapped::Runs(runs))
    }

    /// The group id of each key (as many as `ids`), through the direct
    /// table for keys with a dense index.
    fn map_dense(&mut self, keys: &[K], ids: &mut [u32]) -> Result<(), Error> {
        for (key, id) in keys.iter().zip(ids) {
            *id = match key.dense_index() {
                Some(d) => match self.dense.get(usize::from(d)) {
                    Some(&g) if g != 0 => g - 1,
                    _ => self.new_dense(key, usize::from(d))?,
                },
                None => self.group_of(key)?,
            };
        }
        Ok(())
    }

    /// Counts a batch of byte scores whose keys have dense indices into
    /// two block tables indexed by key (each a power of two long, see
    /// [`dense_table`]), checking every score block by block on the way
    /// (one pass over the batch), then adds each row to its key's group.
    /// The tables start sized for the first block's keys and grow when a
    /// later block holds a larger index. Returns `Ok(false)`, having
    /// changed nothing, when they would pass their bound (256 KB, or four
    /// times the batch's key bytes), when a key has no dense index, or for
    /// more than 2^31 answers: the caller then takes the general path.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidBatchItem`] naming the first bad score (nothing
    /// changed).
    fn count_dense(&mut self, keys: &[K], bytes: &[u8], lowest: u8) -> Result<bool, Error> {
        /// The index of keys without one: past every table.
        const NO_INDEX: u32 = 1 << 17;
        if keys.len() > 1 << 31 {
            return Ok(false);
        }
        let points = self.scale.len();
        let bound = (256usize << 10).max(4 * std::mem::size_of_val(keys));
        let index = |key: &K| key.dense_index().map_or(NO_INDEX, u32::from);
        let head = &keys[..keys.len().min(1024)];
        let mut rows = crate::counting::kernel::max_index(head, index) as usize + 1;
        let (mut table, mut half) = (Vec::new(), 0);
        let mut start = 0;
        loop {
            let grown = dense_table(rows);
            if rows > 1 << 16 || 2 * grown * 4 > bound {
                return Ok(false);
            }
            if grown > half {
                // Cells keep their place: row d, point i is d · 16 + i.
                let mut t = vec![0u32; 2 * grown];
                for r in 0..2 {
                    t[r * grown..][..half].copy_from_slice(&table[r * half..][..half]);
                }
                (table, half) = (t, grown);
            }
            let stop = crate::counting::kernel::count_dense(
                &keys[start..],
                index,
                &bytes[start..],
                lowest,
                points,
                &mut table,
            );
            start += stop.counted;
            if start >= keys.len() {
                break;
            }
            if usize::from(stop.top_offset) >= points {
                return Err(crate::counting::count::first_bad(bytes, &self.scale));
            }
            rows = stop.top_index + 1;
        }
        let rows = half / 16;
        // The first key of each counted row without a group yet, found by
        // scanning only until every such row has its key.
        let counted =
            |d: usize| (0..2).any(|r| table[r * half + d * 16..][..16].iter().any(|&c| c != 0));
        let mut row_key: Vec<Option<&K>> = vec![None; rows];
        let mut missing = (0..rows)
            .filter(|&d| counted(d) && self.dense.get(d).is_none_or(|&g| g == 0))
            .count();
        for key in keys {
            if missing == 0 {
                break;
            }
            if let Some(d) = key.dense_index()
                && let Some(slot) = row_key.get_mut(usize::from(d))
                && slot.is_none()
                && self.dense.get(usize::from(d)).is_none_or(|&g| g == 0)
            {
                *slot = Some(key);
                missing -= 1;
            }
        }
        for (d, key) in row_key.into_iter().enumerate() {
            let g = match (self.dense.get(d), key) {
                (Some(&g), _) if g != 0 => g - 1,
                (_, Some(key)) => self.new_dense(key, d)?,
                _ => continue,
            };
            let mut counts = [0u64; 16];
            for (i, c) in counts.iter_mut().enumerate().take(points) {
                let cell = d * 16 + i;
                *c = (0..2).map(|r| u64::from(table[r * half + cell])).sum();
            }
            self.grouped.add_counts(g as usize, &counts[..points]);
        }
        Ok(true)
    }

    /// The group of a key first seen with dense index `d`.
    #[cold]
    fn new_dense(&mut self, key: &K, d: usize) -> Result<u32, Error> {
        let g = self.group_of(key)?;
        if self.dense.len() <= d {
            self.dense.resize(d + 1, 0);
        }
        self.dense[d] = g + 1;
        Ok(g)
    }

    /// Records unweighted scores with a parallel slice of keys, all or none:
    /// the fast path. Keys may be borrowed (`&str` from a CSV line).
    /// Small unsigned integer keys find their segment through a direct
    /// table; other keys are looked up once per run of equal keys, and with
    /// `u8` scores each run is counted by the vectorised kernels.
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] when the slices differ in length;
    /// [`Error::InvalidBatchItem`] naming the first bad score;
    /// [`Error::CountOverflow`]. On error nothing changes.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Segmented};
    /// let mut by_agent: Segmented<u16> = Segmented::new(Scale::CSAT_5);
    /// by_agent.extend_scores(&[7, 7, 12], &[5u8, 4, 1])?;
    /// assert!(by_agent.extend_scores(&[7, 7], &[5u8, 0]).is_err()); // 0 is off the scale
    /// assert_eq!(by_agent.get(&7).unwrap().n(), 2);
    ///
    /// // Borrowed keys, as cut from the lines of a file.
    /// let lines = String::from("web,9\nphone,3\nweb,10");
    /// let (keys, scores): (Vec<&str>, Vec<u8>) = lines
    ///     .lines()
    ///     .filter_map(|l| l.split_once(','))
    ///     .map(|(k, s)| (k, s.parse::<u8>().unwrap()))
    ///     .unzip();
    /// let mut by_channel = Segmented::new(Scale::NPS);
    /// by_channel.extend_scores(&keys, &scores)?;
    /// assert_eq!(by_channel.get(&"web").unwrap().n(), 2);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn extend_scores<S: ScoreValue>(&mut self, keys: &[K], scores: &[S]) -> Result<(), Error> {
        if keys.len() != scores.len() {
            return Err(Error::LengthMismatch {
                left_name: "keys",
                left: keys.len(),
                right_name: "scores",
                right: scores.len(),
            });
        }
        self.atomic(|s| {
            let dense = keys.first().and_then(SegmentKey::dense_index).is_some();
            if dense
                && let Some(bytes) = S::as_bytes(scores)
                && let Some(lowest) = s.grouped.byte_room(bytes.len())
                && s.count_dense(keys, bytes, lowest)?
            {
                return Ok(());
            }
            if dense
                && let Some(lowest) = s.grouped.prepare_bytes(scores)?
                && let Some(bytes) = S::as_bytes(scores)
            {
                // Block by block, the ids staying in L1; nothing can fail
                // once the whole batch was checked.
                let mut ids = [0u32; 2048];
                for (k, b) in keys.chunks(2048).zip(bytes.chunks(2048)) {
                    let ids = &mut ids[..k.len()];
                    s.map_dense(k, ids)?;
                    s.grouped.count_ids(ids, b, lowest);
                }
                return Ok(());
            }
            match s.map_keys(keys)? {
                Mapped::Ids(ids) => s.grouped.extend_ids(&ids, scores),
                Mapped::Runs(runs) => s.grouped.extend_runs(&runs, scores),
            }
        })
    }

    /// Records weighted scores with parallel slices of keys and weights,
    /// all or none.
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] when the slices differ in length;
    /// [`Error::InvalidBatchItem`] naming the first bad score or weight;
    /// [`Error::CountOverflow`]. On error nothing changes.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Segmented};
    /// let mut s = Segmented::new(Scale::CSAT_5);
    /// s.extend_weighted_scores(&["web", "web", "app"], &[5u8, 1, 4], &[3.0, 1.0, 2.0])?;
    /// assert_eq!(s.get(&"web").unwrap().total_weight()?, 4.0);
    /// assert!(s.extend_weighted_scores(&["web"], &[5u8], &[f64::NAN]).is_err());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn extend_weighted_scores<S: ScoreValue>(
        &mut self,
        keys: &[K],
        scores: &[S],
        weights: &[f64],
    ) -> Result<(), Error> {
        if keys.len() != scores.len() {
            return Err(Error::LengthMismatch {
                left_name: "keys",
                left: keys.len(),
                right_name: "scores",
                right: scores.len(),
            });
        }
        self.atomic(|s| {
            let ids = match s.map_keys(keys)? {
                Mapped::Ids(ids) => ids,
                Mapped::Runs(runs) => expand_runs(&runs),
            };
            s.grouped.extend_weighted_scores(&ids, scores, weights)
        })
    }
}

/// The length of each of the two block tables for `rows` dense indices:
/// 16 cells a row, rounded up to a power of two (the kernel masks cells
/// to it).
fn dense_table(rows: usize) -> usize {
    (rows * 16).next_power_of_two()
}

/// A group id per answer from runs.
fn expand_runs(runs: &[(u32, usize)]) -> Vec<u32> {
    let mut ids = Vec::with_capacity(runs.last().map_or(0, |r| r.1));
    for &(id, end) in runs {
        ids.resize(end, id);
    }
    ids
}

/// The serialized form: the scale and a list of (key, tally) pairs in key
/// order, checked on the way back in.
#[cfg(feature = "serde")]
#[derive(serde::Serialize)]
struct SegmentedOut<'a, K> {
    scale: Scale,
    segments: Vec<SegmentRepr<&'a K>>,
}

#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct SegmentedRepr<K> {
    scale: Scale,
    segments: Vec<SegmentRepr<K>>,
}

#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
struct SegmentRepr<K> {
    key: K,
    tally: Tally,
}

#[cfg(feature = "serde")]
impl<K: serde::Serialize + Ord + Clone> serde::Serialize for Segmented<K> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut segments = Vec::with_capacity(self.len());
        for (key, &g) in &self.index {
            let tally = self
                .grouped
                .tally(g as usize)
                .map_err(serde::ser::Error::custom)?;
            segments.push(SegmentRepr { key, tally });
        }
        SegmentedOut {
            scale: self.scale,
            segments,
        }
        .serialize(serializer)
    }
}

#[cfg(feature = "serde")]
impl<'de, K: serde::Deserialize<'de> + Ord + Clone> serde::Deserialize<'de> for Segmented<K> {
    /// Every tally must be on the segments' scale (each tally was already
    /// checked by its own deserializer), and no key may repeat.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let r = SegmentedRepr::<K>::deserialize(deserializer)?;
        let mut out = Segmented::new(r.scale);
        for (i, SegmentRepr { key, tally }) in r.segments.into_iter().enumerate() {
            if tally.scale() != r.scale {
                return Err(serde::de::Error::custom(Error::InvalidTally {
                    reason: format!(
                        "segment {i} is on scale {} but the segments are on {}",
                        tally.scale(),
                        r.scale
                    ),
                }));
            }
            if out.index.contains_key(&key) {
                return Err(serde::de::Error::custom(Error::InvalidTally {
                    reason: format!("segment {i} repeats the key of an earlier segment"),
                }));
            }
            out.merge_tally(key, &tally)
                .map_err(serde::de::Error::custom)?;
        }
        Ok(out)
    }
}
