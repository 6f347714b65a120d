//! Ingestion from many threads: a lock-free [`AtomicTally`] and a sharded,
//! keyed [`Sharded`] for any mergeable state, both with snapshots
//! consistent per batch.

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;
// The atomics and locks come through one switch: under `--cfg loom` they
// are loom's, so `tests/loom.rs` can model-check every interleaving of
// the code below (see the README's "Contributing: loom").
#[cfg(loom)]
use loom::sync::atomic::{AtomicU64, Ordering};
#[cfg(loom)]
use loom::sync::{Mutex, MutexGuard};
#[cfg(not(loom))]
use std::sync::atomic::{AtomicU64, Ordering};
#[cfg(not(loom))]
use std::sync::{Mutex, MutexGuard};

/// Lets other threads run while a snapshot waits for writers (loom's
/// yield under `--cfg loom`, so that the model checker can schedule them).
fn spin_yield() {
    #[cfg(loom)]
    loom::thread::yield_now();
    #[cfg(not(loom))]
    std::thread::yield_now();
}

use crate::counting::accumulator::Accumulator;
use crate::counting::tally::Tally;
use crate::foundation::error::Error;
use crate::foundation::response::Response;
use crate::foundation::scale::{Rating, Scale, ScoreValue};

/// A counter alone on its cache line, so threads bumping different points
/// do not contend.
#[derive(Debug)]
#[repr(align(64))]
struct Padded(AtomicU64);

impl Default for Padded {
    fn default() -> Padded {
        Padded(AtomicU64::new(0))
    }
}

/// Locks a mutex, recovering the data if a thread panicked while holding
/// it (every update below is applied whole or not at all, so the data is
/// consistent either way).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The state word's epoch bit.
const EPOCH_BIT: u64 = 1 << 63;
/// One writer inside epoch 0 or 1.
const ONE_WRITER: [u64; 2] = [1, 1 << 32];
/// The writers inside epoch 0 or 1.
const WRITERS_MASK: [u64; 2] = [0x7fff_ffff, 0x7fff_ffff << 32];

/// The epoch a state word names.
fn epoch_of(state: u64) -> usize {
    usize::from(state & EPOCH_BIT != 0)
}

/// One epoch's counters.
#[derive(Debug)]
struct Epoch {
    counts: Box<[Padded]>,
    not_applicable: Padded,
}

impl Epoch {
    fn new(points: usize) -> Epoch {
        Epoch {
            counts: (0..points).map(|_| Padded::default()).collect(),
            not_applicable: Padded::default(),
        }
    }
}

/// A tally that many threads can feed at once without a lock, whose
/// snapshots are consistent per batch.
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
/// - Pushes are lock-free: a writer enters the current epoch (one
///   compare-and-swap of the word holding the epoch and the writers in
///   each, retried only when another writer or a snapshot changed it at
///   that instant), adds its counts (one atomic add per point touched: a
///   batch is counted locally first), and leaves (one atomic add). The
///   protocol is model-checked with loom (`tests/loom.rs`).
/// - **Snapshots are linearizable and consistent per batch.** A snapshot
///   flips the epoch, waits for the writers still inside the old epoch
///   to finish their batch, then folds the old epoch's counters into the
///   snapshot state. So it contains every batch (or single answer) that
///   completed before the snapshot began, none that began after the flip,
///   and each batch in flight at the flip either whole or not at all: it
///   equals the tally of a prefix of the pushes in an order consistent
///   with real time. It never shows part of a batch, nor a later batch
///   without an earlier one. Snapshots are serialized with each other
///   (a mutex among readers only) and wait for in-flight batches, never
///   for new ones.
/// - Once every writer has finished (threads joined), a snapshot equals
///   the tally a single thread would have built.
/// - Unweighted answers only. For weighted or keyed answers from many
///   threads, use [`Sharded`].
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
    /// The epoch writers enter (bit 63) and the writers inside each epoch
    /// (bits 0–30 for epoch 0, 32–62 for epoch 1), in one word: a writer
    /// registers in the epoch it read by one compare-and-swap of the word
    /// that also holds the epoch, so no ordering across two locations
    /// (and no reliance on `SeqCst`) is needed.
    state: Padded,
    epochs: [Epoch; 2],
    /// Responses accepted (rated and not applicable), reserved before any
    /// count is added, so that no count can pass `u64::MAX`.
    total: Padded,
    /// Everything folded in by earlier snapshots; the readers' lock.
    base: Mutex<Tally>,
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
            state: Padded::default(),
            epochs: [Epoch::new(scale.len()), Epoch::new(scale.len())],
            total: Padded::default(),
            base: Mutex::new(Tally::new(scale)),
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
        let e = self.enter();
        self.epochs[e].counts[index]
            .0
            .fetch_add(1, Ordering::Relaxed);
        self.leave(e);
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
            return Err(Scale::mismatch(self.scale, rating.scale()));
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
        let e = self.enter();
        self.epochs[e]
            .not_applicable
            .0
            .fetch_add(1, Ordering::Relaxed);
        self.leave(e);
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
        let e = self.enter();
        for (counter, &c) in self.epochs[e].counts.iter().zip(batch.counts()) {
            if c != 0 {
                counter.0.fetch_add(c, Ordering::Relaxed);
            }
        }
        self.leave(e);
        Ok(())
    }

    /// The counts so far, as a [`Tally`] to score: consistent per batch
    /// and linearizable (see the type's guarantees).
    ///
    /// Waits for the batches in flight when it starts (not for later
    /// ones); snapshots taken at once run one after the other.
    ///
    /// # Errors
    ///
    /// None in practice: the counts are kept within `u64`. The `Result` is
    /// that of [`Tally::merge`].
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
        Ok(self.fold()?.clone())
    }

    /// Takes everything counted so far out, leaving the tally empty, at
    /// one instant: the finished period (a day, an hour), consistent per
    /// batch like [`AtomicTally::snapshot`]. Writers carry on into the next
    /// period meanwhile; each batch lands whole in this take or a later one.
    ///
    /// # Errors
    ///
    /// None in practice (as [`AtomicTally::snapshot`]).
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{AtomicTally, Scale};
    /// let live = AtomicTally::new(Scale::NPS);
    /// live.extend_scores(&[10u8, 6])?;
    /// assert_eq!(live.take()?.n(), 2);
    /// live.push_score(9u8)?;
    /// assert_eq!(live.snapshot()?.n(), 1);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn take(&self) -> Result<Tally, Error> {
        let mut base = self.fold()?;
        let taken = std::mem::replace(&mut *base, Tally::new(self.scale));
        // Release the taken answers' reservation (they are no longer here).
        self.total.0.fetch_sub(taken.len(), Ordering::Relaxed);
        Ok(taken)
    }

    /// Flips the epoch, waits for the writers of the old one and folds its
    /// counters into the base, which it returns locked.
    fn fold(&self) -> Result<MutexGuard<'_, Tally>, Error> {
        let mut base = lock(&self.base);
        // Flip: new writers enter the other epoch from now on.
        let old = epoch_of(self.state.0.fetch_xor(EPOCH_BIT, Ordering::AcqRel));
        let epoch = &self.epochs[old];
        // Wait for the writers that entered the old epoch before the flip
        // (their leaving, a release, publishes their counts to this
        // acquire).
        while self.state.0.load(Ordering::Acquire) & WRITERS_MASK[old] != 0 {
            spin_yield();
        }
        // Nobody writes the old epoch now: fold it into the base.
        let counts: Vec<u64> = epoch
            .counts
            .iter()
            .map(|c| c.0.swap(0, Ordering::Acquire))
            .collect();
        let na = epoch.not_applicable.0.swap(0, Ordering::Acquire);
        let mut batch = Tally::from_counts(self.scale, &counts)?;
        batch.add_not_applicable(na)?;
        base.merge(&batch)?;
        Ok(base)
    }

    /// Enters the current epoch: one compare-and-swap of the state word
    /// registers the writer in the epoch that word names, so a snapshot's
    /// flip comes either before it (the writer enters the new epoch) or
    /// after it (the snapshot sees the registration and waits). Returns the
    /// epoch's index.
    fn enter(&self) -> usize {
        let mut s = self.state.0.load(Ordering::Acquire);
        loop {
            let e = epoch_of(s);
            match self.state.0.compare_exchange_weak(
                s,
                s + ONE_WRITER[e],
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return e,
                Err(now) => s = now,
            }
        }
    }

    /// Leaves epoch `e`; its counts are published (release) to the
    /// snapshot that waits for it.
    fn leave(&self, e: usize) {
        self.state.0.fetch_sub(ONE_WRITER[e], Ordering::Release);
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

/// Keyed, weighted ingestion from many threads: one map of states per
/// shard behind its own lock, with snapshots and takes consistent per
/// batch.
///
/// `Sharded<K, T>` holds, per key (a channel, a touchpoint, `()` for none),
/// any [`Accumulator`]: a [`Tally`] for weighted answers, a
/// [`JointTally`](crate::JointTally) for paired ones,
/// [`DriverMoments`](crate::drivers::DriverMoments). A writer builds its
/// batch locally (no lock), then merges it into one shard under that
/// shard's lock — the shard chosen per thread, so with as many shards as
/// threads writers rarely meet.
///
/// # Guarantees
///
/// - Totals are exact: once the writers have stopped, a snapshot equals
///   what one thread merging every batch would hold (counts exactly;
///   weight sums up to the rounding of a different summation order).
/// - A batch is all-or-nothing: it is checked (scales, counts within
///   `u64`) before any key is changed, under the shard's lock.
/// - **Snapshots and takes are linearizable and consistent per batch:**
///   they lock every shard (in a fixed order) before reading any, so they
///   see each batch whole or not at all, and never a later batch without
///   an earlier one. Writers wait only while a snapshot copies the
///   shards (O(shards × keys × state size)).
///
/// # Example
///
/// ```
/// use std::thread;
/// use cxmetrics::{Scale, Sharded, Tally};
///
/// let live: Sharded<&str, Tally> = Sharded::new(Tally::new(Scale::CSAT_5), 4);
/// thread::scope(|s| {
///     for _ in 0..4 {
///         let live = &live;
///         s.spawn(move || live.extend_weighted_scores(&["web", "app"], &[5u8, 3], &[1.5, 0.5]).unwrap());
///     }
/// });
/// let by_channel = live.snapshot()?;
/// assert_eq!(by_channel["web"].n(), 4);
/// assert_eq!(by_channel["web"].total_weight()?, 6.0);
/// # Ok::<(), cxmetrics::Error>(())
/// ```
#[derive(Debug)]
pub struct Sharded<K, T> {
    empty: T,
    shards: Box<[Mutex<HashMap<K, T>>]>,
}

/// Each thread's shard index, assigned round-robin on first use.
fn shard_of_thread(shards: usize) -> usize {
    // A placement hint only (any shard is correct): std's atomic, also
    // under loom, whose atomics cannot live in a static.
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    thread_local! {
        static MINE: usize = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    MINE.with(|&i| i % shards)
}

impl<K: Hash + Eq + Ord + Clone, T: Accumulator> Sharded<K, T> {
    /// The most shards: 1,024 (a shard per writer thread is plenty; each
    /// costs a lock and an empty map even when unused).
    pub const MAX_SHARDS: usize = 1024;

    /// An empty ingester of states like `empty` (its contents are
    /// ignored), with `shards` shards (at least 1, at most
    /// [`Sharded::MAX_SHARDS`]; about the number of writer threads).
    /// A number outside `1..=MAX_SHARDS` is clamped into it; use
    /// [`Sharded::try_new`] to have it refused.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Sharded, Tally};
    /// let live: Sharded<u8, Tally> = Sharded::new(Tally::new(Scale::NPS), 8);
    /// assert_eq!(live.shards(), 8);
    /// assert!(live.snapshot()?.is_empty());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    #[must_use]
    pub fn new(empty: T, shards: usize) -> Sharded<K, T> {
        Sharded {
            empty: empty.empty_like(),
            shards: (0..shards.clamp(1, Self::MAX_SHARDS))
                .map(|_| Mutex::new(HashMap::new()))
                .collect(),
        }
    }

    /// As [`Sharded::new`], but a number of shards outside
    /// `1..=`[`Sharded::MAX_SHARDS`] is an error.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] for 0 shards, [`Error::TooLarge`] for
    /// more than [`Sharded::MAX_SHARDS`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Error, Scale, Sharded, Tally};
    /// let live = Sharded::<u8, Tally>::try_new(Tally::new(Scale::NPS), 4)?;
    /// assert_eq!(live.shards(), 4);
    /// let err = Sharded::<u8, Tally>::try_new(Tally::new(Scale::NPS), usize::MAX).unwrap_err();
    /// assert!(matches!(err, Error::TooLarge { limit: 1024, .. }));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn try_new(empty: T, shards: usize) -> Result<Sharded<K, T>, Error> {
        if shards == 0 {
            return Err(Error::InvalidArgument {
                name: "shards",
                value: 0.0,
                expected: "at least 1 shard",
            });
        }
        if shards > Self::MAX_SHARDS {
            return Err(Error::TooLarge {
                what: "shards of a Sharded",
                requested: u64::try_from(shards).unwrap_or(u64::MAX),
                limit: Self::MAX_SHARDS as u64,
            });
        }
        Ok(Self::new(empty, shards))
    }

    /// The number of shards.
    #[must_use]
    pub fn shards(&self) -> usize {
        self.shards.len()
    }

    /// Merges one batch of keyed states, all-or-nothing, into the calling
    /// thread's shard.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidBatchItem`] naming the first state that does not
    /// fit (another scale, or a count past `u64::MAX`); nothing is merged
    /// then.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{JointTally, Scale, Sharded};
    /// let (ces, csat) = (Scale::CES_7, Scale::CSAT_5);
    /// let live: Sharded<&str, JointTally> = Sharded::new(JointTally::new(ces, csat), 2);
    /// let web = JointTally::from_scores(ces, csat, &[7u8, 2], &[5u8, 1])?;
    /// live.merge_batch([("web", web)])?;
    /// assert!(live.merge_batch([("app", JointTally::new(csat, ces))]).is_err());
    /// assert_eq!(live.snapshot()?["web"].n(), 2);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn merge_batch<I>(&self, batch: I) -> Result<(), Error>
    where
        I: IntoIterator<Item = (K, T)>,
    {
        let batch: Vec<(K, T)> = batch.into_iter().collect();
        for (i, (_, t)) in batch.iter().enumerate() {
            self.empty.check_merge(t).map_err(|e| e.at(i))?;
        }
        let shard = &self.shards[shard_of_thread(self.shards.len())];
        let mut map = lock(shard);
        // Check every key against what the shard holds, then apply.
        for (i, (k, t)) in batch.iter().enumerate() {
            if let Some(held) = map.get(k) {
                held.check_merge(t).map_err(|e| e.at(i))?;
            }
        }
        // Repeated keys within the batch: merge them first (checked).
        let mut merged: HashMap<K, T> = HashMap::with_capacity(batch.len());
        for (i, (k, t)) in batch.into_iter().enumerate() {
            match merged.get_mut(&k) {
                Some(acc) => acc.merge_from(&t).map_err(|e| e.at(i))?,
                None => {
                    merged.insert(k, t);
                }
            }
        }
        for (k, t) in &merged {
            if let Some(held) = map.get(k) {
                held.check_merge(t)?;
            }
        }
        for (k, t) in merged {
            match map.get_mut(&k) {
                Some(held) => held.merge_from(&t)?,
                None => {
                    map.insert(k, t);
                }
            }
        }
        Ok(())
    }

    /// Every key's state so far, merged over the shards: consistent per
    /// batch and linearizable (see the type's guarantees).
    ///
    /// # Errors
    ///
    /// [`Error::CountOverflow`] when a key's shards together pass
    /// `u64::MAX`.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Sharded, Tally};
    /// let live: Sharded<u8, Tally> = Sharded::new(Tally::new(Scale::NPS), 2);
    /// live.extend_weighted_scores(&[1, 2, 1], &[10u8, 0, 9], &[1.0, 1.0, 2.0])?;
    /// let snap = live.snapshot()?;
    /// assert_eq!((snap[&1].n(), snap[&2].n()), (2, 1));
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn snapshot(&self) -> Result<BTreeMap<K, T>, Error> {
        let guards: Vec<_> = self.shards.iter().map(lock).collect();
        let mut out: BTreeMap<K, T> = BTreeMap::new();
        for map in &guards {
            for (k, t) in map.iter() {
                merge_into_map(&mut out, k, t)?;
            }
        }
        Ok(out)
    }

    /// Takes every key's state out, leaving the ingester empty, at one
    /// instant: the finished period (a day, an hour) handed over whole
    /// while writers carry on into the next one. Consistent per batch:
    /// each batch lands entirely in this take or entirely in a later one.
    ///
    /// # Errors
    ///
    /// [`Error::CountOverflow`] when a key's shards together pass
    /// `u64::MAX`; the states are then left in place.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Sharded, Tally};
    /// let live: Sharded<&str, Tally> = Sharded::new(Tally::new(Scale::CSAT_5), 2);
    /// live.extend_weighted_scores(&["web"], &[5u8], &[1.0])?;
    /// let day = live.take()?;
    /// assert_eq!(day["web"].n(), 1);
    /// assert!(live.snapshot()?.is_empty());
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn take(&self) -> Result<BTreeMap<K, T>, Error> {
        let mut guards: Vec<_> = self.shards.iter().map(lock).collect();
        let mut out: BTreeMap<K, T> = BTreeMap::new();
        for map in &guards {
            for (k, t) in map.iter() {
                merge_into_map(&mut out, k, t)?;
            }
        }
        for map in &mut guards {
            map.clear();
        }
        Ok(out)
    }
}

fn merge_into_map<K: Ord + Clone, T: Accumulator>(
    out: &mut BTreeMap<K, T>,
    k: &K,
    t: &T,
) -> Result<(), Error> {
    match out.get_mut(k) {
        Some(acc) => acc.merge_from(t),
        None => {
            out.insert(k.clone(), t.clone());
            Ok(())
        }
    }
}

impl<K: Hash + Eq + Ord + Clone> Sharded<K, Tally> {
    /// Records keyed scores with parallel weights, all-or-nothing: the
    /// batch is tallied per key without a lock, then merged into one shard.
    ///
    /// # Errors
    ///
    /// [`Error::LengthMismatch`] when the slices differ in length;
    /// [`Error::InvalidBatchItem`] naming the first bad score or weight;
    /// [`Error::CountOverflow`]. On error nothing is recorded.
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Scale, Sharded, Tally};
    /// let live: Sharded<&str, Tally> = Sharded::new(Tally::new(Scale::NPS), 2);
    /// live.extend_weighted_scores(&["web", "app"], &[10u8, 6], &[1.0, 0.5])?;
    /// assert!(live.extend_weighted_scores(&["web"], &[11u8], &[1.0]).is_err());
    /// assert_eq!(live.snapshot()?["web"].n(), 1);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn extend_weighted_scores<S: ScoreValue>(
        &self,
        keys: &[K],
        scores: &[S],
        weights: &[f64],
    ) -> Result<(), Error> {
        for (name, len) in [("scores", scores.len()), ("weights", weights.len())] {
            if len != keys.len() {
                return Err(Error::LengthMismatch {
                    left_name: "keys",
                    left: keys.len(),
                    right_name: name,
                    right: len,
                });
            }
        }
        let scale = self.empty.scale();
        // Check every answer first, so that errors name the batch index;
        // then split the batch by key and tally each part with the slice
        // kernels.
        let mut slot: HashMap<&K, usize> = HashMap::new();
        let mut parts: Vec<(Vec<S>, Vec<f64>)> = Vec::new();
        for (i, ((k, &s), &w)) in keys.iter().zip(scores).zip(weights).enumerate() {
            s.to_index(&scale).map_err(|e| e.at(i))?;
            crate::foundation::response::Weight::new(w).map_err(|e| e.at(i))?;
            let next = parts.len();
            let j = *slot.entry(k).or_insert(next);
            if j == next {
                parts.push((Vec::new(), Vec::new()));
            }
            parts[j].0.push(s);
            parts[j].1.push(w);
        }
        let mut batch = Vec::with_capacity(parts.len());
        for (k, j) in slot {
            let (s, w) = &parts[j];
            let mut t = Tally::new(scale);
            t.extend_weighted_scores(s, w)?;
            batch.push((k.clone(), t));
        }
        self.merge_batch(batch)
    }

    /// Records one keyed response.
    ///
    /// # Errors
    ///
    /// [`Error::ScaleMismatch`] for a rating of another scale;
    /// [`Error::CountOverflow`].
    ///
    /// # Example
    ///
    /// ```
    /// use cxmetrics::{Response, Scale, Sharded, Tally};
    /// let live: Sharded<&str, Tally> = Sharded::new(Tally::new(Scale::NPS), 2);
    /// live.push("web", Response::NotApplicable)?;
    /// live.push("web", Scale::NPS.rating(9)?.into())?;
    /// assert_eq!(live.snapshot()?["web"].len(), 2);
    /// # Ok::<(), cxmetrics::Error>(())
    /// ```
    pub fn push(&self, key: K, response: Response) -> Result<(), Error> {
        let mut t = Tally::new(self.empty.scale());
        t.push(response)?;
        self.merge_batch([(key, t)])
    }

    /// Records one keyed rating (unweighted).
    ///
    /// # Errors
    ///
    /// As [`Sharded::push`].
    pub fn push_rating(&self, key: K, rating: Rating) -> Result<(), Error> {
        self.push(key, Response::rated(rating))
    }
}
