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
///
/// # Example
///
/// ```
/// use cxmetrics::segment::Score;
/// use cxmetrics::{ConfidenceLevel, Scale, Tally};
/// let t = Tally::from_scores(Scale::NPS, &[10u8, 9, 3, 8])?;
/// assert_eq!(Score::nps().estimate(&t, ConfidenceLevel::P95)?.value, 25.0);
/// assert_eq!(Score::bottom_box(7).estimate(&t, ConfidenceLevel::P95)?.value, 0.25);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
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
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::interval::NpsMethod;
    /// use cxmetrics::segment::Score;
    /// assert_eq!(Score::nps(), Score::Nps(NpsMethod::AdjustedWald));
    /// ```
    #[must_use]
    pub const fn nps() -> Score {
        Score::Nps(NpsMethod::AdjustedWald)
    }

    /// The top-`k` box with the Wilson interval.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::interval::ProportionMethod;
    /// use cxmetrics::segment::Score;
    /// assert_eq!(Score::top_box(2), Score::TopBox(2, ProportionMethod::Wilson));
    /// ```
    #[must_use]
    pub const fn top_box(k: u32) -> Score {
        Score::TopBox(k, ProportionMethod::Wilson)
    }

    /// The bottom-`k` box with the Wilson interval.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::interval::ProportionMethod;
    /// use cxmetrics::segment::Score;
    /// assert_eq!(Score::bottom_box(1), Score::BottomBox(1, ProportionMethod::Wilson));
    /// ```
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
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::segment::Score;
    /// use cxmetrics::{ConfidenceLevel, Scale, Tally};
    /// let a = Tally::from_counts(Scale::CSAT_5, &[5, 10, 20, 40, 25])?;
    /// let b = Tally::from_counts(Scale::CSAT_5, &[8, 12, 25, 35, 20])?;
    /// let c = Score::Mean.compare(&a, &b, ConfidenceLevel::P95)?;
    /// assert!((c.difference - 0.23).abs() < 1e-12 && !c.significant);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
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
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
    #[cfg_attr(feature = "serde", serde(with = "crate::outcome::result"))]
    pub estimate: Result<Estimate, Error>,
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
    #[cfg_attr(feature = "serde", serde(with = "crate::outcome::result"))]
    pub estimate: Result<Estimate, Error>,
    /// The change from the previous period (this − previous) with its test
    /// and significance flag; `None` for the first period.
    #[cfg_attr(feature = "serde", serde(with = "crate::outcome::option_result"))]
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
            tallies: BTreeMap::new(),
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
        self.tallies.len()
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
        self.tallies.is_empty()
    }

    /// The tally of one segment.
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
    pub fn get(&self, key: &K) -> Option<&Tally> {
        self.tallies.get(key)
    }

    /// The segments in key order.
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
    pub fn iter(&self) -> impl Iterator<Item = (&K, &Tally)> {
        self.tallies.iter()
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
        self.update(key, |t| t.push(response))
    }

    /// Applies `f` to the segment `key`; a new segment is kept only if `f`
    /// succeeds, so a failed update leaves no empty segment behind.
    fn update(
        &mut self,
        key: K,
        f: impl FnOnce(&mut Tally) -> Result<(), Error>,
    ) -> Result<(), Error> {
        match self.tallies.get_mut(&key) {
            Some(t) => f(t),
            None => {
                let mut t = Tally::new(self.scale);
                f(&mut t)?;
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
        self.update(key, |t| t.merge(tally))
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
        self.absorb(batch)
    }

    /// Records unweighted scores with a parallel slice of keys, all or none:
    /// the fast path. `u8` and `u16` keys with `u8` scores take a dense
    /// one-pass kernel (about 10⁹ answers per second); other keys are looked
    /// up once per run of equal keys, so data grouped by key is fast too.
    ///
    /// The keys must be owned (`K: 'static`: strings, integers, tuples,
    /// enums), which is how the dense kernel recognises `u8` and `u16` keys
    /// without `unsafe` guesswork. Borrowed keys such as `&'a str` go
    /// through [`Segmented::extend`].
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
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
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
        self.absorb(batch)
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
        self.check_merge(other)?;
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

    /// [`Segmented::merge`] for a batch this type built itself: new
    /// segments are moved in rather than cloned.
    fn absorb(&mut self, batch: Segmented<K>) -> Result<(), Error> {
        self.check_merge(&batch)?;
        for (key, t) in batch.tallies {
            match self.tallies.get_mut(&key) {
                Some(mine) => mine.apply_merge(&t),
                None => {
                    self.tallies.insert(key, t);
                }
            }
        }
        Ok(())
    }

    /// Checks that `other` merges without changing anything on failure:
    /// same scale, no segment's count past `u64::MAX`.
    fn check_merge(&self, other: &Segmented<K>) -> Result<(), Error> {
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
        Ok(())
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
        let mut total = Tally::new(self.scale);
        for t in self.tallies.values() {
            total.merge(t)?;
        }
        Ok(total)
    }

    /// Every segment's score in key order. Segments with fewer than `min_n`
    /// rated answers are flagged with [`Error::BelowMinimumN`] instead of
    /// being scored.
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
        self.trend_with(score, level, crate::multiplicity::Adjustment::default())
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
        adjustment: crate::multiplicity::Adjustment,
    ) -> Vec<TrendPoint<K>> {
        let mut out = self.trend_unadjusted(score, level);
        let mut changes: Vec<Result<Comparison, Error>> =
            out.iter_mut().filter_map(|p| p.change.take()).collect();
        // p-values from this crate's tests are probabilities, so this
        // cannot fail; were it to, the raw p-values would stand.
        let _ = crate::multiplicity::adjust_comparisons(&mut changes, adjustment);
        for (point, change) in out.iter_mut().skip(1).zip(changes) {
            point.change = Some(change);
        }
        out
    }

    fn trend_unadjusted(&self, score: Score, level: ConfidenceLevel) -> Vec<TrendPoint<K>> {
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
