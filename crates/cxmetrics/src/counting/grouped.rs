//! Many tallies on one scale, kept flat and addressed by group index: the
//! aggregation core under [`crate::Segmented`] and under the grouped
//! aggregates of query engines.

use crate::counting::count;
use crate::counting::sum::{Sum, exponent_of, ldexp};
use crate::counting::tally::{PointSums, Tally};
use crate::foundation::error::{Error, check_lengths};
use crate::foundation::response::Response;
use crate::foundation::scale::{Scale, ScoreValue};

mod sealed {
    /// Keeps [`super::GroupIndex`] closed to the unsigned integer types.
    pub trait Sealed {}
}

/// A group index type: `usize` (what query engines hand out), `u32`, `u16`
/// or `u8`. Sealed.
///
/// # Example
///
/// ```
/// use cxmetrics::{GroupedTally, Scale};
/// let mut g = GroupedTally::with_groups(Scale::NPS, 3)?;
/// g.extend_scores(&[0usize, 2], &[10u8, 3])?;
/// g.extend_scores(&[1u32, 1], &[9u8, 9])?;
/// assert_eq!(g.n(1), Some(2));
/// # Ok::<(), cxmetrics::Error>(())
/// ```
pub trait GroupIndex: sealed::Sealed + Copy {
    /// The index as `usize`.
    fn index(self) -> usize;
}

macro_rules! group_index {
    ($($t:ty),*) => {$(
        impl sealed::Sealed for $t {}
        impl GroupIndex for $t {
            #[inline]
            fn index(self) -> usize {
                self as usize
            }
        }
    )*};
}
group_index!(usize, u32, u16, u8);

/// The weighted part of a [`GroupedTally`], made on the first weighted
/// answer (unweighted data need only the counts).
#[derive(Debug, Clone)]
struct Weighted {
    /// Answers with a positive weight, per cell.
    positive: Vec<u64>,
    /// Σ w · 2^-e per cell, `e` being the group's exponent.
    sums: Vec<Sum>,
    /// Σ w² · 2^-2e per cell.
    squares: Vec<Sum>,
    /// Each group's power-of-two exponent `e`: as a [`Tally`]'s, the
    /// binary exponent of the largest weight seen (0 while none is
    /// positive).
    exponent: Vec<i32>,
    /// Each group's 2^-e.
    factor: Vec<f64>,
    /// Each group's largest weight in the batch being added (0 between
    /// batches).
    pending: Vec<f64>,
}

impl Weighted {
    /// The weighted part of unit-weight counts.
    fn unit(counts: &[u64], groups: usize) -> Weighted {
        let unit = |&c: &u64| {
            let mut s = Sum::default();
            s.add(c as f64);
            s
        };
        Weighted {
            positive: counts.to_vec(),
            sums: counts.iter().map(unit).collect(),
            squares: counts.iter().map(unit).collect(),
            exponent: vec![0; groups],
            factor: vec![1.0; groups],
            pending: vec![0.0; groups],
        }
    }
}

/// A dense tally of many groups on one scale: for each group and point,
/// the number of answers, the sum of weights, the sum of squared weights
/// and the number of positive weights, plus each group's not-applicable
/// count, kept in flat `groups × points` arrays and addressed by group
/// index.
///
/// It is what a `GROUP BY` needs: batches arrive as parallel slices of
/// group indices and scores (and weights), are checked whole (nothing is
/// added unless every item is good) and are counted in one pass without
/// a lookup; groups merge with groups of another `GroupedTally` or with a
/// [`Tally`], and any group comes out as a [`Tally`] to score.
/// [`crate::Segmented`] is a key → group dictionary over one.
///
/// # Memory
///
/// Unweighted data take 8 bytes per group and point plus 8 per group (an
/// NPS group: 96 bytes); the weighted sums (40 more bytes per group and
/// point) are allocated on the first weighted answer. A batch takes
/// scratch memory proportional to its own length, never to the number of
/// groups or points.
///
/// # Weights
///
/// Weight sums cannot overflow or underflow: each group keeps its sums
/// scaled by a power of two `2^-e`, `e` being the binary exponent of the
/// group's largest weight, exactly as a [`Tally`] does
/// ([`Tally::weight_exponent`]), and groups with different exponents are
/// combined by exact power-of-two rescaling.
/// Every score is unchanged by scaling all weights, so the scaled sums
/// serve directly.
///
/// # Example
///
/// ```
/// use cxmetrics::{GroupedTally, Nps, Scale};
///
/// // Two groups (say, two channels) filled from one batch.
/// let mut by_channel = GroupedTally::with_groups(Scale::NPS, 2)?;
/// by_channel.extend_scores(&[0u32, 1, 0, 1, 0], &[10u8, 3, 9, 8, 6])?;
/// assert!(by_channel.extend_scores(&[0u32, 1], &[10u8, 11]).is_err()); // nothing added
/// let web = by_channel.tally(0)?;
/// assert_eq!(web.counts()[9..], [1, 1]);
/// assert!((Nps::from_tally(&web)?.score() - 100.0 / 3.0).abs() < 1e-12);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct GroupedTally {
    scale: Scale,
    points: usize,
    /// `groups × points` counts of rated answers.
    counts: Vec<u64>,
    /// Not-applicable answers per group.
    not_applicable: Vec<u64>,
    weighted: Option<Box<Weighted>>,
    /// Every answer of every group (rated and not applicable): while it
    /// plus a batch's length fits in `u64`, no group's count can overflow.
    total: u128,
}

/// Runs of one group shorter than this are counted by a scalar loop (the
/// vector kernels' set-up outweighs their speed below it; measured).
const SHORT_RUN: usize = 256;

/// Rows of a weighted batch summed per cell in plain `f64` before they
/// are folded into the compensated sums (a SQL engine's batch): at most
/// 8,192 plain additions per fold, so a relative error of 2⁻⁴⁰ at worst
/// and a few units in the last place in practice, as a [`Tally`]'s own
/// weighted kernel (which folds every 2,048 answers).
const WEIGHTED_BLOCK: usize = 8192;

/// The most groups a [`GroupedTally`] holds (group ids are kept as `u32`).
const MAX_GROUPS: usize = u32::MAX as usize;

/// The most cells (groups × scale points) of a [`GroupedTally`]:
/// [`GroupedTally::MAX_CELLS`].
const MAX_CELLS: usize = 1 << 26;

impl GroupedTally {
    /// The most cells (groups × scale points) a grouped tally holds:
    /// 2²⁶ = 67,108,864, e.g. 6.1 million groups on the 11-point NPS
    /// scale. Memory is 8 bytes a cell unweighted and about 48 weighted
    /// (at most 512 MiB and 3 GiB at the limit), plus 8 (unweighted) or
    /// 24 (weighted) bytes a group; asking for more is
    /// [`Error::TooLarge`], so a stray group count cannot request
    /// gigabytes beyond that.
    pub const MAX_CELLS: usize = MAX_CELLS;

    /// No groups yet, on `scale`.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{GroupedTally, Scale};
    /// let g = GroupedTally::new(Scale::CSAT_5);
    /// assert_eq!((g.groups(), g.scale()), (0, Scale::CSAT_5));
    /// ```
    #[must_use]
    pub fn new(scale: Scale) -> GroupedTally {
        GroupedTally {
            scale,
            points: scale.len(),
            counts: Vec::new(),
            not_applicable: Vec::new(),
            weighted: None,
            total: 0,
        }
    }

    /// `groups` empty groups on `scale`.
    ///
    /// # Errors
    ///
    /// [`Error::TooLarge`] for more than [`GroupedTally::MAX_CELLS`] cells
    /// (groups × scale points).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Error, GroupedTally, Scale};
    /// let g = GroupedTally::with_groups(Scale::NPS, 4)?;
    /// assert!(matches!(GroupedTally::with_groups(Scale::NPS, 1 << 28), Err(Error::TooLarge { .. })));
    /// assert_eq!((g.groups(), g.n(3)), (4, Some(0)));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn with_groups(scale: Scale, groups: usize) -> Result<GroupedTally, Error> {
        let mut g = GroupedTally::new(scale);
        g.resize(groups)?;
        Ok(g)
    }

    /// The scale of every group.
    #[must_use]
    pub fn scale(&self) -> Scale {
        self.scale
    }

    /// The number of groups.
    #[must_use]
    pub fn groups(&self) -> usize {
        self.not_applicable.len()
    }

    /// Whether there are no groups.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.not_applicable.is_empty()
    }

    /// Whether any weighted answer (or weighted tally) was added.
    ///
    /// ```
    /// use cxmetrics::{GroupedTally, Scale};
    /// let mut g = GroupedTally::with_groups(Scale::NPS, 1)?;
    /// g.extend_scores(&[0u8], &[9u8])?;
    /// assert!(!g.is_weighted());
    /// g.extend_weighted_scores(&[0u8], &[9u8], &[2.0])?;
    /// assert!(g.is_weighted());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn is_weighted(&self) -> bool {
        self.weighted.is_some()
    }

    /// Grows to `groups` groups (new ones empty), or drops the groups from
    /// `groups` on.
    ///
    /// # Errors
    ///
    /// [`Error::TooLarge`] for more than [`GroupedTally::MAX_CELLS`] cells
    /// (groups × scale points).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{GroupedTally, Scale};
    /// let mut g = GroupedTally::new(Scale::NPS);
    /// g.resize(10)?;
    /// assert_eq!(g.groups(), 10);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn resize(&mut self, groups: usize) -> Result<(), Error> {
        let cells = groups
            .checked_mul(self.points)
            .filter(|&c| c <= MAX_CELLS && groups <= MAX_GROUPS);
        let Some(cells) = cells else {
            return Err(Error::TooLarge {
                what: "cells (groups × scale points) of a GroupedTally",
                requested: u64::try_from(groups)
                    .unwrap_or(u64::MAX)
                    .saturating_mul(self.points as u64),
                limit: MAX_CELLS as u64,
            });
        };
        if groups < self.groups() {
            for g in groups..self.groups() {
                self.total -= u128::from(self.row_n(g)) + u128::from(self.not_applicable[g]);
            }
        }
        self.counts.resize(cells, 0);
        self.not_applicable.resize(groups, 0);
        if let Some(w) = &mut self.weighted {
            w.positive.resize(cells, 0);
            w.sums.resize(cells, Sum::default());
            w.squares.resize(cells, Sum::default());
            w.exponent.resize(groups, 0);
            w.factor.resize(groups, 1.0);
            w.pending.resize(groups, 0.0);
        }
        Ok(())
    }

    /// Adds one empty group; returns its index.
    ///
    /// # Errors
    ///
    /// [`Error::TooLarge`] past [`GroupedTally::MAX_CELLS`] cells.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{GroupedTally, Scale};
    /// let mut g = GroupedTally::new(Scale::NPS);
    /// assert_eq!(g.push_group()?, 0);
    /// assert_eq!(g.push_group()?, 1);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn push_group(&mut self) -> Result<usize, Error> {
        let g = self.groups();
        self.resize(g + 1)?;
        Ok(g)
    }

    /// The per-point counts of group `g`, lowest point first.
    ///
    /// ```
    /// use cxmetrics::{GroupedTally, Scale};
    /// let mut g = GroupedTally::with_groups(Scale::CSAT_5, 2)?;
    /// g.extend_scores(&[1u8, 1], &[5u8, 4])?;
    /// assert_eq!(g.counts(1), Some(&[0, 0, 0, 1, 1][..]));
    /// assert_eq!(g.counts(2), None);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn counts(&self, g: usize) -> Option<&[u64]> {
        self.counts.get(g * self.points..(g + 1) * self.points)
    }

    /// The number of rated answers of group `g`.
    #[must_use]
    pub fn n(&self, g: usize) -> Option<u64> {
        (g < self.groups()).then(|| self.row_n(g))
    }

    /// The number of not-applicable answers of group `g`.
    #[must_use]
    pub fn not_applicable(&self, g: usize) -> Option<u64> {
        self.not_applicable.get(g).copied()
    }

    /// The effective sample size of group `g`, (Σw)² / Σw² (`n` for
    /// unweighted data, 0 for a group without weight).
    ///
    /// ```
    /// use cxmetrics::{GroupedTally, Scale};
    /// let mut g = GroupedTally::with_groups(Scale::NPS, 1)?;
    /// g.extend_weighted_scores(&[0u8, 0], &[9u8, 3], &[1.0, 3.0])?;
    /// assert_eq!(g.effective_n(0), Some(16.0 / 10.0));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn effective_n(&self, g: usize) -> Option<f64> {
        if g >= self.groups() {
            return None;
        }
        Some(match &self.weighted {
            None => self.row_n(g) as f64,
            Some(w) => {
                let cells = g * self.points..(g + 1) * self.points;
                let (mut s, mut q) = (Sum::default(), Sum::default());
                for (a, b) in w.sums[cells.clone()].iter().zip(&w.squares[cells]) {
                    s.merge(a);
                    q.merge(b);
                }
                let (s, q) = (s.value(), q.value());
                if q > 0.0 { s * (s / q) } else { 0.0 }
            }
        })
    }

    /// Records one response in group `g`.
    ///
    /// # Errors
    ///
    /// [`Error::GroupOutOfRange`]; [`Error::ScaleMismatch`];
    /// [`Error::CountOverflow`]. On error nothing changes.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{GroupedTally, Response, Scale, Weight};
    /// let mut g = GroupedTally::with_groups(Scale::NPS, 2)?;
    /// g.push(1, Response::weighted(Scale::NPS.rating(9)?, Weight::new(2.0)?))?;
    /// g.push(1, Response::NotApplicable)?;
    /// assert_eq!((g.n(1), g.not_applicable(1)), (Some(1), Some(1)));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn push(&mut self, g: usize, response: Response) -> Result<(), Error> {
        match response {
            Response::NotApplicable => self.add_not_applicable(g, 1),
            Response::Rated { rating, weight } => {
                if rating.scale() != self.scale {
                    return Err(Scale::mismatch(self.scale, rating.scale()));
                }
                // One answer: straight to its cell, without the batch
                // kernels' set-up (the same sums as a batch of one).
                self.check_group(g)?;
                self.check_room_one(g, 1, 0)?;
                let points = self.points;
                let cell = g * points + rating.index();
                let w = weight.get();
                if w != 1.0 || self.weighted.is_some() {
                    let part = self.weighted_part();
                    let m = part.pending[g].max(w);
                    if m > 0.0
                        && let Some(e) = exponent_of(m)
                    {
                        raise(part, g, points, e);
                    }
                    part.pending[g] = 0.0;
                    let factor = part.factor[g];
                    add_weighted(part, cell, w, factor);
                }
                if let Some(c) = self.counts.get_mut(cell) {
                    *c += 1;
                }
                self.total += 1;
                Ok(())
            }
        }
    }

    /// Adds `k` not-applicable answers to group `g`.
    ///
    /// # Errors
    ///
    /// [`Error::GroupOutOfRange`]; [`Error::CountOverflow`].
    ///
    /// ```
    /// use cxmetrics::{GroupedTally, Scale};
    /// let mut g = GroupedTally::with_groups(Scale::NPS, 1)?;
    /// g.add_not_applicable(0, 3)?;
    /// assert_eq!(g.tally(0)?.not_applicable(), 3);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn add_not_applicable(&mut self, g: usize, k: u64) -> Result<(), Error> {
        self.check_group(g)?;
        self.check_room_one(g, 0, k)?;
        self.not_applicable[g] += k;
        self.total += u128::from(k);
        Ok(())
    }

    /// Records unweighted scores with a parallel slice of group indices,
    /// all or none: the fast path. `u8` scores on scales of at most 16
    /// points are checked by one vectorised pass and counted by a kernel
    /// without lookups; other types are checked and counted per score.
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] when the slices differ in length;
    /// [`Error::InvalidBatchItem`] naming the first bad group index or
    /// score; [`Error::CountOverflow`]. On error nothing changes.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{GroupedTally, Scale};
    /// let mut g = GroupedTally::with_groups(Scale::CES_7, 2)?;
    /// g.extend_scores(&[0usize, 1, 1], &[7u8, 1, 2])?;
    /// let err = g.extend_scores(&[0usize, 5], &[7u8, 7]).unwrap_err();
    /// assert!(err.to_string().contains("index 1"));
    /// assert_eq!(g.n(1), Some(2));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn extend_scores<G: GroupIndex, S: ScoreValue>(
        &mut self,
        groups: &[G],
        scores: &[S],
    ) -> Result<(), Error> {
        check_lengths("groups", groups.len(), "scores", scores.len())?;
        self.check_groups(groups)?;
        if self.weighted.is_some() {
            let ones = vec![1.0; scores.len()];
            return self.extend_weighted_scores(groups, scores, &ones);
        }
        // Byte scores on a small scale go to the byte kernel as they are;
        // other score types on a scale of at most 16 points go there as
        // their indices (lowest 0); larger scales count index by index.
        let converted: Vec<u8>;
        let byte_scores = count::byte_scores(scores, &self.scale);
        let (bytes, index) = match &byte_scores {
            Some((b, lowest)) => {
                count::check_byte_scores(scores, b, &self.scale, *lowest)?;
                (Some((&b[..], *lowest)), None)
            }
            None if self.points <= 16 => {
                converted = count::byte_indices(scores, &self.scale)?;
                (Some((converted.as_slice(), 0)), None)
            }
            None => (None, Some(count::indices(scores, &self.scale)?)),
        };
        self.check_room(groups, 0)?;
        if let Some((b, lowest)) = bytes {
            crate::counting::kernel::count_grouped(
                groups,
                |g| g.index(),
                b,
                lowest,
                self.points,
                &mut self.counts,
            );
        }
        if let Some(index) = index {
            for (g, &i) in groups.iter().zip(&index) {
                if let Some(c) = self
                    .counts
                    .get_mut(g.index() * self.points + usize::from(i))
                {
                    *c += 1;
                }
            }
        }
        self.total += groups.len() as u128;
        Ok(())
    }

    /// Records unweighted byte scores with `u32` group ids known to be in
    /// range: the inner loop of [`crate::Segmented`], whose dictionary
    /// makes the ids. Checks the scores and the counts as
    /// [`GroupedTally::extend_scores`] does.
    pub(crate) fn extend_ids<S: ScoreValue>(
        &mut self,
        ids: &[u32],
        scores: &[S],
    ) -> Result<(), Error> {
        match (
            S::as_bytes(scores),
            count::small_byte_scale(&self.scale),
            &self.weighted,
        ) {
            (Some(b), Some(lowest), None) => {
                count::check_small_bytes(b, &self.scale, lowest)?;
                self.check_room(ids, 0)?;
                let id = |g: &u32| *g as usize;
                crate::counting::kernel::count_grouped(
                    ids,
                    id,
                    b,
                    lowest,
                    self.points,
                    &mut self.counts,
                );
                self.total += ids.len() as u128;
                Ok(())
            }
            _ => self.extend_scores(ids, scores),
        }
    }

    /// For a keyed batch of unweighted byte scores on a small scale: checks
    /// every score and that the batch overflows no count, and returns the
    /// lowest point, after which [`GroupedTally::count_ids`] counts blocks
    /// of it without failing. `None` when the batch needs the general path
    /// (other score types or scales, weighted groups, a total near
    /// `u64::MAX`, or too many groups possible).
    pub(crate) fn prepare_bytes<S: ScoreValue>(&self, scores: &[S]) -> Result<Option<u8>, Error> {
        let Some(b) = S::as_bytes(scores) else {
            return Ok(None);
        };
        let Some(lowest) = self.byte_room(b.len()) else {
            return Ok(None);
        };
        count::check_small_bytes(b, &self.scale, lowest)?;
        Ok(Some(lowest))
    }

    /// [`GroupedTally::prepare_bytes`] without the scores' check, for a
    /// caller that checks them itself before adding anything: the lowest
    /// point when a batch of `len` byte scores can take the fast path.
    pub(crate) fn byte_room(&self, len: usize) -> Option<u8> {
        let (Some(lowest), None) = (count::small_byte_scale(&self.scale), &self.weighted) else {
            return None;
        };
        let room = self.total + len as u128 <= u128::from(u64::MAX)
            && self.groups().saturating_add(len) <= MAX_GROUPS;
        room.then_some(lowest)
    }

    /// Adds per-point counts to group `g` of a batch
    /// [`GroupedTally::prepare_bytes`] accepted.
    pub(crate) fn add_counts(&mut self, g: usize, counts: &[u64]) {
        let cells = g * self.points..(g + 1) * self.points;
        if let Some(row) = self.counts.get_mut(cells) {
            for (c, &k) in row.iter_mut().zip(counts) {
                *c += k;
                self.total += u128::from(k);
            }
        }
    }

    /// Counts a block of a batch [`GroupedTally::prepare_bytes`] accepted;
    /// `ids` are group indices below [`GroupedTally::groups`].
    pub(crate) fn count_ids(&mut self, ids: &[u32], scores: &[u8], lowest: u8) {
        let id = |g: &u32| *g as usize;
        crate::counting::kernel::count_grouped(
            ids,
            id,
            scores,
            lowest,
            self.points,
            &mut self.counts,
        );
        self.total += ids.len() as u128;
    }

    /// Records unweighted scores in runs: answers `previous end..end` go to
    /// group `id` of each `(id, end)` (ids in range, ends increasing to the
    /// batch's length). With byte scores on a small scale each run is
    /// counted by the full-tally kernel straight into its group's row.
    pub(crate) fn extend_runs<S: ScoreValue>(
        &mut self,
        runs: &[(u32, usize)],
        scores: &[S],
    ) -> Result<(), Error> {
        let (Some(b), Some(lowest), None) = (
            S::as_bytes(scores),
            count::small_byte_scale(&self.scale),
            &self.weighted,
        ) else {
            let mut ids = Vec::with_capacity(scores.len());
            for &(id, end) in runs {
                ids.resize(end, id);
            }
            return self.extend_scores(&ids, scores);
        };
        count::check_small_bytes(b, &self.scale, lowest)?;
        if self.total + b.len() as u128 > u128::from(u64::MAX) {
            let mut ids = Vec::with_capacity(scores.len());
            for &(id, end) in runs {
                ids.resize(end, id);
            }
            self.check_room(&ids, 0)?;
        }
        let points = self.points;
        let mut start = 0;
        for &(id, end) in runs {
            let cells = id as usize * points..(id as usize + 1) * points;
            if let (Some(run), Some(row)) = (b.get(start..end), self.counts.get_mut(cells)) {
                if run.len() < SHORT_RUN {
                    // Short runs: the vector kernel's set-up costs more than
                    // it saves. Four tables keep repeated scores apart.
                    let mut tables = [[0u32; 16]; 4];
                    let (quads, rest) = run.as_chunks::<4>();
                    for q in quads {
                        for (t, &s) in tables.iter_mut().zip(q) {
                            t[usize::from(s.wrapping_sub(lowest)) & 15] += 1;
                        }
                    }
                    for &s in rest {
                        tables[0][usize::from(s.wrapping_sub(lowest)) & 15] += 1;
                    }
                    for (i, c) in row.iter_mut().enumerate() {
                        *c += tables.iter().map(|t| u64::from(t[i & 15])).sum::<u64>();
                    }
                } else {
                    crate::counting::kernel::count_small(run, lowest, points, row);
                }
            }
            start = end;
        }
        self.total += b.len() as u128;
        Ok(())
    }

    /// Adds group `src` of `other` into group `dst` for every pair, all or
    /// nothing (each destination at most once per call).
    pub(crate) fn merge_groups(
        &mut self,
        other: &GroupedTally,
        pairs: &[(usize, usize)],
    ) -> Result<(), Error> {
        if other.scale != self.scale {
            return Err(Scale::mismatch(self.scale, other.scale));
        }
        for &(dst, src) in pairs {
            self.check_group(dst)?;
            other.check_group(src)?;
            self.check_room_one(dst, other.row_n(src), other.not_applicable[src])?;
        }
        for &(dst, src) in pairs {
            let sums = other.group_sums(src);
            self.add_sums(dst, &sums);
        }
        Ok(())
    }

    /// Records weighted scores with parallel slices of group indices and
    /// weights, all or none.
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`]; [`Error::InvalidBatchItem`] naming the
    /// first bad group index, score or weight; [`Error::CountOverflow`].
    /// On error nothing changes.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{GroupedTally, Scale};
    /// let mut g = GroupedTally::with_groups(Scale::CSAT_5, 2)?;
    /// g.extend_weighted_scores(&[0u32, 1, 1], &[5u8, 4, 1], &[0.5, 2.0, 1.0])?;
    /// assert_eq!(g.tally(1)?.total_weight()?, 3.0);
    /// assert!(g.extend_weighted_scores(&[0u32], &[5u8], &[-1.0]).is_err());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn extend_weighted_scores<G: GroupIndex, S: ScoreValue>(
        &mut self,
        groups: &[G],
        scores: &[S],
        weights: &[f64],
    ) -> Result<(), Error> {
        check_lengths("groups", groups.len(), "scores", scores.len())?;
        check_lengths("scores", scores.len(), "weights", weights.len())?;
        self.check_groups(groups)?;
        let max = count::check_weighted(scores, weights, &self.scale)?;
        // Byte scores (`u8`, and `i8` below 128) on a small scale are
        // their own indices (checked in one vector pass); other score
        // types are converted first.
        let bytes = count::byte_scores(scores, &self.scale);
        if let Some((b, lowest)) = &bytes {
            count::check_byte_scores(scores, b, &self.scale, *lowest)?;
        }
        let converted = match &bytes {
            Some(_) => Vec::new(),
            None => count::indices(scores, &self.scale)?,
        };
        self.check_room(groups, 0)?;
        let points = self.points;
        let (w, counts) = self.weighted_and_counts();
        settle_exponents(w, groups, weights, points, max);
        let cells = counts.len();
        let mut batch = WeightedBatch {
            w,
            counts,
            points,
            // A table with a quarter of a block's cells or fewer is summed
            // block by block (see `WEIGHTED_BLOCK`); a larger one takes one
            // compensated add per answer (its scratch would outgrow the
            // batch, and its cells see too few answers per block to gain).
            block: if blocked(groups.len(), cells) {
                vec![[0.0; 4]; cells]
            } else {
                Vec::new()
            },
        };
        match &bytes {
            Some((b, lowest)) => {
                let lowest = *lowest;
                batch.add(
                    groups,
                    b,
                    |s: u8| usize::from(s.wrapping_sub(lowest)),
                    weights,
                );
            }
            None => batch.add(groups, &converted, usize::from, weights),
        }
        self.total += groups.len() as u128;
        Ok(())
    }

    /// Adds a whole tally into group `g`.
    ///
    /// # Errors
    ///
    /// [`Error::GroupOutOfRange`]; [`Error::ScaleMismatch`];
    /// [`Error::CountOverflow`]. On error nothing changes.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{GroupedTally, Scale, Tally};
    /// let mut g = GroupedTally::with_groups(Scale::NPS, 2)?;
    /// g.merge_tally(1, &Tally::from_scores(Scale::NPS, &[10u8, 0])?)?;
    /// assert_eq!(g.tally(1)?, Tally::from_scores(Scale::NPS, &[10u8, 0])?);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn merge_tally(&mut self, g: usize, tally: &Tally) -> Result<(), Error> {
        self.check_group(g)?;
        if tally.scale() != self.scale {
            return Err(Scale::mismatch(self.scale, tally.scale()));
        }
        self.check_room_one(g, tally.n(), tally.not_applicable())?;
        let sums = TallySums::of(tally);
        self.add_sums(g, &sums);
        Ok(())
    }

    /// Adds group `src` of `other` into group `g`.
    ///
    /// # Errors
    ///
    /// [`Error::GroupOutOfRange`] for either index;
    /// [`Error::ScaleMismatch`]; [`Error::CountOverflow`]. On error nothing
    /// changes.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{GroupedTally, Scale};
    /// let mut a = GroupedTally::with_groups(Scale::NPS, 1)?;
    /// let mut b = GroupedTally::with_groups(Scale::NPS, 3)?;
    /// b.extend_scores(&[2u8, 2], &[9u8, 1])?;
    /// a.merge_group(0, &b, 2)?;
    /// assert_eq!(a.n(0), Some(2));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn merge_group(&mut self, g: usize, other: &GroupedTally, src: usize) -> Result<(), Error> {
        self.check_group(g)?;
        other.check_group(src)?;
        if other.scale != self.scale {
            return Err(Scale::mismatch(self.scale, other.scale));
        }
        let sums = other.group_sums(src);
        self.check_room_one(g, sums.n, sums.not_applicable)?;
        self.add_sums(g, &sums);
        Ok(())
    }

    /// Adds every group of `other` into the group of the same index,
    /// growing to `other.groups()` groups if needed.
    ///
    /// # Errors
    ///
    /// [`Error::ScaleMismatch`]; [`Error::CountOverflow`]. On error nothing
    /// changes.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{GroupedTally, Scale};
    /// let mut a = GroupedTally::with_groups(Scale::NPS, 1)?;
    /// a.extend_scores(&[0u8], &[9u8])?;
    /// let mut b = GroupedTally::with_groups(Scale::NPS, 2)?;
    /// b.extend_scores(&[0u8, 1], &[9u8, 1])?;
    /// a.merge(&b)?;
    /// assert_eq!((a.groups(), a.n(0), a.n(1)), (2, Some(2), Some(1)));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn merge(&mut self, other: &GroupedTally) -> Result<(), Error> {
        if other.scale != self.scale {
            return Err(Scale::mismatch(self.scale, other.scale));
        }
        for g in 0..other.groups().min(self.groups()) {
            self.check_room_one(g, other.row_n(g), other.not_applicable[g])?;
        }
        if other.groups() > self.groups() {
            self.resize(other.groups())?;
        }
        for g in 0..other.groups() {
            let sums = other.group_sums(g);
            self.add_sums(g, &sums);
        }
        Ok(())
    }

    /// Group `g` as a [`Tally`], to score.
    ///
    /// # Errors
    ///
    /// [`Error::GroupOutOfRange`]; [`Error::InvalidTally`] when the group
    /// holds weights whose sums a `Tally` cannot represent.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{GroupedTally, Scale};
    /// let mut g = GroupedTally::with_groups(Scale::CSAT_5, 1)?;
    /// g.extend_scores(&[0u8, 0, 0], &[5u8, 4, 1])?;
    /// assert_eq!(g.tally(0)?.counts(), &[1, 0, 0, 1, 1]);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn tally(&self, g: usize) -> Result<Tally, Error> {
        self.check_group(g)?;
        self.group_sums(g).into_tally(self.scale)
    }

    /// Takes the first `k` groups out as tallies (in index order); the
    /// groups after them move down by `k`. This is how a query engine
    /// emits finished groups.
    ///
    /// # Errors
    ///
    /// [`Error::GroupOutOfRange`] when `k` is more than the number of
    /// groups; as [`GroupedTally::tally`]. On error nothing changes.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{GroupedTally, Scale};
    /// let mut g = GroupedTally::with_groups(Scale::NPS, 3)?;
    /// g.extend_scores(&[0u8, 1, 2, 2], &[9u8, 8, 7, 6])?;
    /// let first = g.take_first(2)?;
    /// assert_eq!(first.iter().map(|t| t.n()).collect::<Vec<_>>(), [1, 1]);
    /// assert_eq!((g.groups(), g.n(0)), (1, Some(2)));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn take_first(&mut self, k: usize) -> Result<Vec<Tally>, Error> {
        if k > self.groups() {
            return Err(Error::GroupOutOfRange {
                group: k,
                groups: self.groups(),
            });
        }
        let tallies = (0..k)
            .map(|g| self.tally(g))
            .collect::<Result<Vec<_>, _>>()?;
        for t in &tallies {
            self.total -= u128::from(t.n()) + u128::from(t.not_applicable());
        }
        let cells = k * self.points;
        self.counts.drain(..cells);
        self.not_applicable.drain(..k);
        if let Some(w) = &mut self.weighted {
            w.positive.drain(..cells);
            w.sums.drain(..cells);
            w.squares.drain(..cells);
            w.exponent.drain(..k);
        }
        Ok(tallies)
    }

    /// Every group as a tally, in index order.
    ///
    /// # Errors
    ///
    /// As [`GroupedTally::tally`].
    pub fn tallies(&self) -> Result<Vec<Tally>, Error> {
        (0..self.groups()).map(|g| self.tally(g)).collect()
    }

    fn row_n(&self, g: usize) -> u64 {
        // The row's total was checked against u64::MAX as it grew.
        self.counts[g * self.points..(g + 1) * self.points]
            .iter()
            .sum()
    }

    fn check_group(&self, g: usize) -> Result<(), Error> {
        if g < self.groups() {
            Ok(())
        } else {
            Err(Error::GroupOutOfRange {
                group: g,
                groups: self.groups(),
            })
        }
    }

    /// Every group index below the number of groups (the first bad one
    /// named with its position).
    fn check_groups<G: GroupIndex>(&self, groups: &[G]) -> Result<(), Error> {
        let top = crate::counting::kernel::max_usize(groups, |g| g.index());
        if groups.is_empty() || top < self.groups() {
            return Ok(());
        }
        let at = groups
            .iter()
            .position(|g| g.index() >= self.groups())
            .unwrap_or(0);
        Err(self
            .check_group(groups.get(at).map_or(top, |g| g.index()))
            .err()
            .unwrap_or(Error::GroupOutOfRange {
                group: top,
                groups: self.groups(),
            })
            .at(at))
    }

    /// Checks that adding one rated answer per entry of `groups` (and `na`
    /// not applicable) overflows no group's counts: free while all the
    /// answers together stay within `u64`, per group otherwise.
    fn check_room<G: GroupIndex>(&self, groups: &[G], na: u64) -> Result<(), Error> {
        if self.total + groups.len() as u128 + u128::from(na) <= u128::from(u64::MAX) {
            return Ok(());
        }
        let mut added = std::collections::BTreeMap::<usize, u64>::new();
        for g in groups {
            *added.entry(g.index()).or_default() += 1;
        }
        for (g, k) in added {
            self.check_room_one(g, k, 0)?;
        }
        Ok(())
    }

    /// As `Tally`: rated, not applicable and both together within `u64`.
    fn check_room_one(&self, g: usize, rated: u64, na: u64) -> Result<(), Error> {
        let overflow = |what, count, added| Error::CountOverflow { what, count, added };
        let n = self.row_n(g);
        let n2 = n
            .checked_add(rated)
            .ok_or(overflow("rated answers", n, rated))?;
        let a = self.not_applicable[g];
        let a2 = a
            .checked_add(na)
            .ok_or(overflow("not-applicable answers", a, na))?;
        n2.checked_add(a2).ok_or(overflow(
            "responses",
            n.saturating_add(a),
            rated.saturating_add(na),
        ))?;
        Ok(())
    }

    /// The weighted part (made if absent) beside the counts, to update
    /// both in one pass.
    fn weighted_and_counts(&mut self) -> (&mut Weighted, &mut [u64]) {
        let counts = &mut self.counts;
        let groups = self.not_applicable.len();
        let w = self
            .weighted
            .get_or_insert_with(|| Box::new(Weighted::unit(counts, groups)));
        (w, counts)
    }

    /// The weighted part, made from the counts (unit weights) if absent.
    fn weighted_part(&mut self) -> &mut Weighted {
        self.weighted_and_counts().0
    }

    /// Group `g`'s sums, to merge elsewhere or turn into a tally.
    fn group_sums(&self, g: usize) -> TallySums {
        let cells = g * self.points..(g + 1) * self.points;
        let counts = self.counts[cells.clone()].to_vec();
        let weights = self.weighted.as_ref().map(|w| WeightSums {
            exponent: w.exponent[g],
            positive: w.positive[cells.clone()].to_vec(),
            sums: w.sums[cells.clone()].iter().map(Sum::value).collect(),
            squares: w.squares[cells].iter().map(Sum::value).collect(),
        });
        TallySums {
            n: counts.iter().sum(),
            not_applicable: self.not_applicable[g],
            counts,
            weights,
        }
    }

    /// Adds checked sums into group `g`.
    fn add_sums(&mut self, g: usize, sums: &TallySums) {
        let points = self.points;
        let cells = g * points..(g + 1) * points;
        if sums.weights.is_some() {
            // Made from the counts before these are added.
            self.weighted_part();
        }
        for (c, &k) in self.counts[cells.clone()].iter_mut().zip(&sums.counts) {
            *c += k;
        }
        self.not_applicable[g] += sums.not_applicable;
        self.total += u128::from(sums.n) + u128::from(sums.not_applicable);
        let Some(theirs) = &sums.weights else {
            if let Some(w) = &mut self.weighted {
                // Unit weights, at this group's exponent (at least 0).
                if sums.n > 0 {
                    raise(w, g, points, 0);
                }
                let f = w.factor[g];
                for (i, &k) in cells.zip(&sums.counts) {
                    if k != 0 {
                        w.positive[i] += k;
                        w.sums[i].add(k as f64 * f);
                        w.squares[i].add(k as f64 * f * f);
                    }
                }
            }
            return;
        };
        let w = self.weighted_part();
        if theirs.sums.iter().any(|&s| s > 0.0) {
            raise(w, g, points, theirs.exponent);
        }
        let shift = theirs.exponent - w.exponent[g];
        for (k, i) in cells.enumerate() {
            w.positive[i] += theirs.positive[k];
            if theirs.sums[k] != 0.0 || theirs.squares[k] != 0.0 {
                w.sums[i].add(ldexp(theirs.sums[k], shift));
                w.squares[i].add(ldexp(theirs.squares[k], 2 * shift));
            }
        }
    }
}

/// Whether a batch of `rows` answers into a table of `cells` cells takes
/// the blocked path (at least four answers per cell and block).
fn blocked(rows: usize, cells: usize) -> bool {
    cells <= rows.min(WEIGHTED_BLOCK) / 4
}

/// Raises every group of a weighted batch to the exponent of its largest
/// weight in the batch (`max` being the batch's largest), before any sum
/// is added: as a [`Tally`] does, each group's sums stay scaled by its own
/// largest weight. When the table is small next to the batch and every
/// group already holds weight at an exponent of at least the batch's, no
/// group can change and the per-answer pass is skipped.
fn settle_exponents<G: GroupIndex>(
    w: &mut Weighted,
    groups: &[G],
    weights: &[f64],
    points: usize,
    max: f64,
) {
    let Some(top) = exponent_of(max) else {
        // No positive weight: no exponent moves.
        return;
    };
    let n = w.exponent.len();
    if n.saturating_mul(points) <= groups.len()
        && (0..n).all(|g| w.exponent[g] >= top && has_weight(w, g, points))
    {
        return;
    }
    for (g, &x) in groups.iter().zip(weights) {
        let m = &mut w.pending[g.index()];
        *m = m.max(x);
    }
    let settle = |w: &mut Weighted, g: usize| {
        let m = w.pending[g];
        if m != 0.0 {
            if let Some(e) = exponent_of(m) {
                raise(w, g, points, e);
            }
            w.pending[g] = 0.0;
        }
    };
    if n <= groups.len() {
        // Fewer groups than answers: visit each group once.
        for g in 0..n {
            settle(w, g);
        }
    } else {
        for g in groups {
            settle(w, g.index());
        }
    }
}

/// One weighted batch being added: the weighted part and the counts of a
/// [`GroupedTally`], and the block scratch (empty for the per-answer path).
struct WeightedBatch<'a> {
    w: &'a mut Weighted,
    counts: &'a mut [u64],
    points: usize,
    /// Σy, Σy², answers and positive weights per cell of the block being
    /// summed (`y` = w·2^-e).
    block: Vec<[f64; 4]>,
}

impl WeightedBatch<'_> {
    /// Adds the answers (group, score index by `to_index`, weight), their
    /// groups already raised; every item checked.
    fn add<G: GroupIndex, I: Copy>(
        &mut self,
        groups: &[G],
        index: &[I],
        to_index: impl Fn(I) -> usize,
        weights: &[f64],
    ) {
        let (w, counts, points) = (&mut *self.w, &mut *self.counts, self.points);
        for ((gs, is), xs) in groups
            .chunks(WEIGHTED_BLOCK)
            .zip(index.chunks(WEIGHTED_BLOCK))
            .zip(weights.chunks(WEIGHTED_BLOCK))
        {
            if self.block.is_empty() {
                for ((g, &i), &x) in gs.iter().zip(is).zip(xs) {
                    let g = g.index();
                    let cell = g * points + to_index(i);
                    add_weighted(w, cell, x, w.factor[g]);
                    if let Some(c) = counts.get_mut(cell) {
                        *c += 1;
                    }
                }
                continue;
            }
            for ((g, &i), &x) in gs.iter().zip(is).zip(xs) {
                let g = g.index();
                let y = x * w.factor[g];
                if let Some(b) = self.block.get_mut(g * points + to_index(i)) {
                    // Σy, Σy², answers and positive weights of the cell, in
                    // one 32-byte add (counts are exact in f64 far beyond a
                    // block's 8,192).
                    let add = [y, y * y, 1.0, f64::from(u8::from(x > 0.0))];
                    for (b, a) in b.iter_mut().zip(add) {
                        *b += a;
                    }
                }
            }
            let cells = self
                .block
                .iter_mut()
                .zip(counts.iter_mut())
                .zip(w.positive.iter_mut())
                .zip(w.sums.iter_mut().zip(w.squares.iter_mut()));
            for (((b, c), p), (s, q)) in cells {
                if b[2] > 0.0 {
                    *c += b[2] as u64;
                    *p += b[3] as u64;
                    if b[0] != 0.0 || b[1] != 0.0 {
                        s.add(b[0]);
                        q.add(b[1]);
                    }
                    *b = [0.0; 4];
                }
            }
        }
    }
}

/// Whether group `g` holds any positive weight.
fn has_weight(w: &Weighted, g: usize, points: usize) -> bool {
    w.sums[g * points..(g + 1) * points]
        .iter()
        .any(|s| s.value() > 0.0)
}

/// Makes group `g`'s exponent at least `e`, as [`Tally`] does: a group
/// without positive weight takes `e`; a smaller exponent is raised and the
/// sums scaled down by the exact power of two (what falls below the normal
/// range is below the group's largest weight by more than 2^-1000).
fn raise(w: &mut Weighted, g: usize, points: usize, e: i32) {
    let cells = g * points..(g + 1) * points;
    let old = w.exponent[g];
    if !has_weight(w, g, points) {
        w.exponent[g] = e;
    } else if e > old {
        let shift = old - e;
        for i in cells {
            w.sums[i] = w.sums[i].scaled(shift);
            w.squares[i] = w.squares[i].scaled(2 * shift);
        }
        w.exponent[g] = e;
    }
    w.factor[g] = ldexp(1.0, -w.exponent[g]);
}

/// One weighted answer into a cell, its weight scaled by `factor`.
#[inline]
fn add_weighted(w: &mut Weighted, cell: usize, x: f64, factor: f64) {
    let y = x * factor;
    if let (Some(p), Some(s), Some(q)) = (
        w.positive.get_mut(cell),
        w.sums.get_mut(cell),
        w.squares.get_mut(cell),
    ) {
        *p += u64::from(x > 0.0);
        s.add(y);
        q.add(y * y);
    }
}

/// One group's (or one tally's) contents in plain numbers.
#[derive(Debug)]
struct TallySums {
    n: u64,
    not_applicable: u64,
    counts: Vec<u64>,
    /// `None` for unit weights.
    weights: Option<WeightSums>,
}

/// Scaled weight sums: Σw·2^-e and Σw²·2^-2e per point.
#[derive(Debug)]
struct WeightSums {
    exponent: i32,
    positive: Vec<u64>,
    sums: Vec<f64>,
    squares: Vec<f64>,
}

impl TallySums {
    /// A tally's sums (`weights` is `None` when every answer weighs 1).
    fn of(t: &Tally) -> TallySums {
        let sums: Vec<PointSums> = t.point_sums().collect();
        let counts: Vec<u64> = sums.iter().map(|p| p.count).collect();
        let unit = t.weight_exponent() == 0
            && sums.iter().all(|p| {
                let c = p.count as f64;
                p.positive == p.count && p.weight == c && p.weight_squared == c
            });
        let weights = (!unit).then(|| WeightSums {
            exponent: t.weight_exponent(),
            positive: sums.iter().map(|p| p.positive).collect(),
            sums: sums.iter().map(|p| p.weight).collect(),
            squares: sums.iter().map(|p| p.weight_squared).collect(),
        });
        TallySums {
            n: t.n(),
            not_applicable: t.not_applicable(),
            counts,
            weights,
        }
    }

    fn into_tally(self, scale: Scale) -> Result<Tally, Error> {
        let (exponent, sums): (i32, Vec<PointSums>) = match &self.weights {
            None => (
                0,
                self.counts
                    .iter()
                    .map(|&c| PointSums {
                        count: c,
                        positive: c,
                        weight: c as f64,
                        weight_squared: c as f64,
                    })
                    .collect(),
            ),
            Some(w) => (
                w.exponent,
                (0..self.counts.len())
                    .map(|i| PointSums {
                        count: self.counts[i],
                        positive: w.positive[i],
                        weight: w.sums[i],
                        weight_squared: w.squares[i],
                    })
                    .collect(),
            ),
        };
        Tally::from_checked_sums(scale, exponent, &sums, self.not_applicable)
    }
}
