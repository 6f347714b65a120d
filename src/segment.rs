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

use std::any::Any;
use std::collections::BTreeMap;

use crate::compare::{self, Comparison};
use crate::error::Error;
use crate::estimate::Estimate;
use crate::interval::{ConfidenceLevel, IntervalSpec, NpsMethod, ProportionMethod};
use crate::metric::{mean::Mean, nps::Nps, top_box::TopBox};
use crate::response::Response;
use crate::scale::{Polarity, Scale, ScoreValue};
use crate::tally::Tally;

/// Which score to take of each segment, and by which interval method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Score {
    /// Net Promoter Score, in points (the tally must be on [`Scale::NPS`]).
    Nps(NpsMethod),
    /// The share of the best `k` points.
    TopBox(u32, ProportionMethod),
    /// The share of the worst `k` points.
    BottomBox(u32, ProportionMethod),
    /// The mean rating, with its Student t interval.
    Mean,
}

impl Score {
    /// NPS with the adjusted-Wald interval.
    #[must_use]
    pub const fn nps() -> Score {
        Score::Nps(NpsMethod::AdjustedWald)
    }

    /// The top-`k` box with the Wilson interval.
    #[must_use]
    pub const fn top_box(k: u32) -> Score {
        Score::TopBox(k, ProportionMethod::Wilson)
    }

    /// The bottom-`k` box with the Wilson interval.
    #[must_use]
    pub const fn bottom_box(k: u32) -> Score {
        Score::BottomBox(k, ProportionMethod::Wilson)
    }

    /// The score of one tally with its interval.
    ///
    /// # Errors
    ///
    /// Those of the score's own constructor and `estimate_with`.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::segment::Score;
    /// use cxmetrics::{ConfidenceLevel, Scale, Tally};
    ///
    /// let t = Tally::from_scores(Scale::CSAT_5, &[5, 4, 4, 2])?;
    /// assert_eq!(Score::top_box(2).estimate(&t, ConfidenceLevel::P95)?.value, 0.75);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn estimate(
        &self,
        tally: &Tally,
        spec: impl Into<IntervalSpec>,
    ) -> Result<Estimate, Error> {
        match *self {
            Score::Nps(method) => Nps::from_tally(tally)?.estimate_with(method, spec),
            Score::TopBox(k, method) => TopBox::top(tally, k)?.estimate_with(method, spec),
            Score::BottomBox(k, method) => TopBox::bottom(tally, k)?.estimate_with(method, spec),
            Score::Mean => Mean::from_tally(tally)?.estimate(spec),
        }
    }

    /// Compares the score of two tallies, a − b, with the test that fits
    /// it: the NPS z test, the two-proportion z test with Newcombe's
    /// interval, or Welch's t test.
    ///
    /// # Errors
    ///
    /// Those of the scores and of the functions in [`compare`].
    pub fn compare(
        &self,
        a: &Tally,
        b: &Tally,
        level: ConfidenceLevel,
    ) -> Result<Comparison, Error> {
        match *self {
            Score::Nps(_) => compare::nps(&Nps::from_tally(a)?, &Nps::from_tally(b)?, level),
            Score::TopBox(k, _) => {
                compare::top_box(&TopBox::top(a, k)?, &TopBox::top(b, k)?, level)
            }
            Score::BottomBox(k, _) => {
                compare::top_box(&TopBox::bottom(a, k)?, &TopBox::bottom(b, k)?, level)
            }
            Score::Mean => compare::means(&Mean::from_tally(a)?, &Mean::from_tally(b)?, level),
        }
    }

    /// Whether a higher value of this score is better on `scale`.
    fn higher_is_better(&self, scale: &Scale) -> bool {
        match self {
            Score::Nps(_) | Score::TopBox(..) => true,
            Score::BottomBox(..) => false,
            Score::Mean => scale.polarity() == Polarity::HigherIsBetter,
        }
    }
}

/// One segment's score, or why it was not scored.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentScore<K> {
    /// The segment's key.
    pub key: K,
    /// Its number of rated answers.
    pub n: u64,
    /// The estimate, or the reason there is none:
    /// [`Error::BelowMinimumN`] for a segment below the minimum n.
    pub estimate: Result<Estimate, Error>,
}

/// One period of a trend.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendPoint<K> {
    /// The period's key.
    pub key: K,
    /// Its number of rated answers.
    pub n: u64,
    /// The period's score with its interval, or why there is none.
    pub estimate: Result<Estimate, Error>,
    /// The change from the previous period (this − previous) with its test
    /// and significance flag; `None` for the first period.
    pub change: Option<Result<Comparison, Error>>,
}

/// One [`Tally`] per key, all on one scale.
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
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(
        try_from = "SegmentedRepr<K>",
        into = "SegmentedRepr<K>",
        bound(
            serialize = "K: serde::Serialize + Clone",
            deserialize = "K: serde::Deserialize<'de> + Ord"
        )
    )
)]
pub struct Segmented<K> {
    scale: Scale,
    tallies: BTreeMap<K, Tally>,
}

impl<K: Ord + Clone> Segmented<K> {
    /// No segments yet, on `scale`.
    #[must_use]
    pub fn new(scale: Scale) -> Segmented<K> {
        Segmented {
            scale,
            tallies: BTreeMap::new(),
        }
    }

    /// The scale of every segment.
    #[must_use]
    pub fn scale(&self) -> Scale {
        self.scale
    }

    /// The number of segments.
    #[must_use]
    pub fn len(&self) -> usize {
        self.tallies.len()
    }

    /// Whether there are no segments.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.tallies.is_empty()
    }

    /// The tally of one segment.
    #[must_use]
    pub fn get(&self, key: &K) -> Option<&Tally> {
        self.tallies.get(key)
    }

    /// The segments in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&K, &Tally)> {
        self.tallies.iter()
    }

    /// Records one response in the segment `key`.
    ///
    /// # Errors
    ///
    /// As [`Tally::push`]. On error nothing changes.
    pub fn push(&mut self, key: K, response: Response) -> Result<(), Error> {
        match self.tallies.get_mut(&key) {
            Some(t) => t.push(response),
            None => {
                let mut t = Tally::new(self.scale);
                t.push(response)?;
                self.tallies.insert(key, t);
                Ok(())
            }
        }
    }

    /// Merges a whole tally into the segment `key` (creating it if new):
    /// how per-shard or per-thread tallies join a `Segmented`.
    ///
    /// # Errors
    ///
    /// [`Error::ScaleMismatch`]; [`Error::CountOverflow`]. On error nothing
    /// changes.
    pub fn merge_tally(&mut self, key: K, tally: &Tally) -> Result<(), Error> {
        match self.tallies.get_mut(&key) {
            Some(t) => t.merge(tally),
            None => {
                let mut t = Tally::new(self.scale);
                t.merge(tally)?;
                self.tallies.insert(key, t);
                Ok(())
            }
        }
    }

    /// Records keyed responses, all or none.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidBatchItem`] naming the first bad response;
    /// [`Error::CountOverflow`]. On error nothing changes.
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

    /// Records unweighted scores with a parallel slice of keys, all or none:
    /// the fast path. `u8` and `u16` keys with `u8` scores take a dense
    /// one-pass kernel; other keys are looked up once per run of equal
    /// keys, so data grouped by key is fast too.
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] when the slices differ in length;
    /// [`Error::InvalidBatchItem`] naming the first bad score;
    /// [`Error::CountOverflow`]. On error nothing changes.
    pub fn extend_scores<S: ScoreValue + 'static>(
        &mut self,
        keys: &[K],
        scores: &[S],
    ) -> Result<(), Error>
    where
        K: 'static,
    {
        if keys.len() != scores.len() {
            return Err(Error::LengthMismatch {
                left_name: "keys",
                left: keys.len(),
                right_name: "scores",
                right: scores.len(),
            });
        }
        let bytes = crate::simd::cast_slice::<S, u8>(scores);
        let rows = match bytes {
            Some(bytes) => match (
                crate::simd::cast_slice::<K, u16>(keys),
                crate::simd::cast_slice::<K, u8>(keys),
            ) {
                (Some(k16), _) => Some(crate::count::count_keyed(k16, bytes, &self.scale)?),
                (_, Some(k8)) => Some(crate::count::count_keyed(k8, bytes, &self.scale)?),
                _ => None,
            },
            None => None,
        };
        let batch = match rows {
            Some(rows) => self.dense_batch(keys, rows)?,
            None => self.generic_batch(keys, scores)?,
        };
        self.merge(&batch)
    }

    /// Turns dense rows (keys as integers) back into keyed tallies, finding
    /// each key's `K` at its first occurrence.
    fn dense_batch(&self, keys: &[K], rows: Vec<(usize, Vec<u64>)>) -> Result<Segmented<K>, Error>
    where
        K: 'static,
    {
        let as_index = |k: &K| -> Option<usize> {
            let any = k as &dyn Any;
            any.downcast_ref::<u16>()
                .map(|&v| usize::from(v))
                .or_else(|| any.downcast_ref::<u8>().map(|&v| usize::from(v)))
        };
        let mut first: BTreeMap<usize, &K> = BTreeMap::new();
        for k in keys {
            if first.len() == rows.len() {
                break;
            }
            if let Some(i) = as_index(k) {
                first.entry(i).or_insert(k);
            }
        }
        let mut batch = Segmented::new(self.scale);
        for (index, counts) in rows {
            let Some(&key) = first.get(&index) else {
                continue;
            };
            let n = counts.iter().sum();
            let mut t = Tally::new(self.scale);
            t.add_unit_counts(&counts, n)?;
            batch.tallies.insert(key.clone(), t);
        }
        Ok(batch)
    }

    fn generic_batch<S: ScoreValue>(
        &self,
        keys: &[K],
        scores: &[S],
    ) -> Result<Segmented<K>, Error> {
        let points = self.scale.len();
        let mut ids: BTreeMap<&K, usize> = BTreeMap::new();
        let mut rows: Vec<(&K, Vec<u64>)> = Vec::new();
        let mut last: Option<(&K, usize)> = None;
        for (i, (key, &s)) in keys.iter().zip(scores).enumerate() {
            let index = s.to_index(&self.scale).map_err(|e| e.at(i))?;
            let id = match last {
                Some((k, id)) if k == key => id,
                _ => {
                    let next = rows.len();
                    let id = *ids.entry(key).or_insert(next);
                    if id == next {
                        rows.push((key, vec![0; points]));
                    }
                    last = Some((key, id));
                    id
                }
            };
            rows[id].1[index] += 1;
        }
        let mut batch = Segmented::new(self.scale);
        for (key, counts) in rows {
            let n = counts.iter().sum();
            let mut t = Tally::new(self.scale);
            t.add_unit_counts(&counts, n)?;
            batch.tallies.insert(key.clone(), t);
        }
        Ok(batch)
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
            return Err(Error::ScaleMismatch {
                expected: self.scale,
                actual: other.scale,
            });
        }
        for (key, t) in &other.tallies {
            if let Some(mine) = self.tallies.get(key) {
                mine.check_merge(t)?;
            }
        }
        for (key, t) in &other.tallies {
            match self.tallies.get_mut(key) {
                Some(mine) => mine.apply_merge(t),
                None => {
                    self.tallies.insert(key.clone(), t.clone());
                }
            }
        }
        Ok(())
    }

    /// All segments added up.
    ///
    /// # Errors
    ///
    /// [`Error::CountOverflow`] when the total would pass `u64::MAX`.
    pub fn total(&self) -> Result<Tally, Error> {
        let mut total = Tally::new(self.scale);
        for t in self.tallies.values() {
            total.merge(t)?;
        }
        Ok(total)
    }

    /// Every segment's score in key order. Segments with fewer than `min_n`
    /// rated answers are flagged with [`Error::BelowMinimumN`] instead of
    /// being scored.
    pub fn scores(
        &self,
        score: Score,
        spec: impl Into<IntervalSpec>,
        min_n: u64,
    ) -> Vec<SegmentScore<K>> {
        let spec = spec.into();
        self.tallies
            .iter()
            .map(|(key, t)| SegmentScore {
                key: key.clone(),
                n: t.n(),
                estimate: if t.n() < min_n {
                    Err(Error::BelowMinimumN { n: t.n(), min_n })
                } else {
                    score.estimate(t, spec)
                },
            })
            .collect()
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
    /// a significance flag at `level`.
    pub fn trend(&self, score: Score, level: ConfidenceLevel) -> Vec<TrendPoint<K>> {
        let mut out = Vec::with_capacity(self.tallies.len());
        let mut previous: Option<&Tally> = None;
        for (key, t) in &self.tallies {
            out.push(TrendPoint {
                key: key.clone(),
                n: t.n(),
                estimate: score.estimate(t, level),
                change: previous.map(|p| score.compare(t, p, level)),
            });
            previous = Some(t);
        }
        out
    }
}

/// The serialized form: the scale and a list of (key, tally) pairs in key
/// order, checked on the way back in.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
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
impl<K> From<Segmented<K>> for SegmentedRepr<K> {
    fn from(s: Segmented<K>) -> SegmentedRepr<K> {
        SegmentedRepr {
            scale: s.scale,
            segments: s
                .tallies
                .into_iter()
                .map(|(key, tally)| SegmentRepr { key, tally })
                .collect(),
        }
    }
}

#[cfg(feature = "serde")]
impl<K: Ord> TryFrom<SegmentedRepr<K>> for Segmented<K> {
    type Error = Error;

    /// Every tally must be on the segments' scale (each tally was already
    /// checked by its own deserializer), and no key may repeat.
    fn try_from(r: SegmentedRepr<K>) -> Result<Segmented<K>, Error> {
        let mut tallies = BTreeMap::new();
        for (i, SegmentRepr { key, tally }) in r.segments.into_iter().enumerate() {
            if tally.scale() != r.scale {
                return Err(Error::InvalidTally {
                    reason: format!(
                        "segment {i} is on scale {} but the segments are on {}",
                        tally.scale(),
                        r.scale
                    ),
                });
            }
            if tallies.insert(key, tally).is_some() {
                return Err(Error::InvalidTally {
                    reason: format!("segment {i} repeats the key of an earlier segment"),
                });
            }
        }
        Ok(Segmented {
            scale: r.scale,
            tallies,
        })
    }
}
