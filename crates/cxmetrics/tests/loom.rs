//! Model checking of the concurrent ingestion (`AtomicTally`, `Sharded`)
//! with [loom](https://docs.rs/loom): every interleaving of 2–3 threads
//! (up to a preemption bound) is run, and each must keep the guarantees
//! the types document — no lost update, snapshots and takes consistent per
//! batch (a prefix of the batches, each whole or absent), merges exact.
//!
//! Only built with `--cfg loom` (the crate's atomics then come from loom):
//!
//! ```text
//! RUSTFLAGS="--cfg loom" cargo test -p cxmetrics --release --test loom
//! ```
#![cfg(loom)]

use std::collections::BTreeMap;

use cxmetrics::{AtomicTally, Scale, Sharded, Tally};
use loom::sync::Arc;
use loom::thread;

/// Runs `f` under loom with a preemption bound that keeps the run short.
fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(2);
    builder.check(f);
}

/// The counts of `scores` on CSAT 1–5.
fn counts(scores: &[u8]) -> Vec<u64> {
    Tally::from_scores(Scale::CSAT_5, scores)
        .unwrap()
        .counts()
        .to_vec()
}

fn sum(a: &[u64], b: &[u64]) -> Vec<u64> {
    a.iter().zip(b).map(|(x, y)| x + y).collect()
}

/// Two writers push one batch each while a reader snapshots: the snapshot
/// is none, either or both batches, each whole; after the join, both.
#[test]
fn atomic_tally_snapshots_are_consistent_per_batch() {
    model(|| {
        let live = Arc::new(AtomicTally::new(Scale::CSAT_5));
        let (a, b): (&[u8], &[u8]) = (&[5, 4], &[1]);
        let writers: Vec<_> = [a, b]
            .into_iter()
            .map(|batch| {
                let live = live.clone();
                thread::spawn(move || live.extend_scores(batch).unwrap())
            })
            .collect();
        let seen = live.snapshot().unwrap();
        let empty = vec![0; 5];
        let allowed = [
            empty.clone(),
            counts(a),
            counts(b),
            sum(&counts(a), &counts(b)),
        ];
        assert!(
            allowed.iter().any(|c| c.as_slice() == seen.counts()),
            "snapshot shows part of a batch: {:?}",
            seen.counts()
        );
        for w in writers {
            w.join().unwrap();
        }
        assert_eq!(
            live.snapshot().unwrap().counts(),
            sum(&counts(a), &counts(b))
        );
    });
}

/// A take concurrent with pushes loses nothing and counts nothing twice:
/// what was taken plus what is left is everything pushed.
#[test]
fn atomic_tally_take_loses_no_update() {
    model(|| {
        let live = Arc::new(AtomicTally::new(Scale::CSAT_5));
        let writer = {
            let live = live.clone();
            thread::spawn(move || {
                live.push_score(5u8).unwrap();
                live.extend_scores(&[3u8, 3]).unwrap();
            })
        };
        let taken = live.take().unwrap();
        // Per batch: the single answer and the pair land whole, the pair
        // never without the earlier single answer.
        let c = taken.counts();
        assert!(c[2] == 0 || c[2] == 2, "part of a batch taken: {c:?}");
        assert!(
            c[2] == 0 || c[4] == 1,
            "a later batch without an earlier one: {c:?}"
        );
        writer.join().unwrap();
        let rest = live.snapshot().unwrap();
        assert_eq!(sum(taken.counts(), rest.counts()), vec![0, 0, 2, 0, 1]);
        assert_eq!(taken.n() + rest.n(), 3);
    });
}

/// Three threads: two writers and a snapshot; the final state equals one
/// thread's tally (no lost update on a shared counter).
#[test]
fn atomic_tally_three_threads_no_lost_update() {
    model(|| {
        let live = Arc::new(AtomicTally::new(Scale::CSAT_5));
        let writers: Vec<_> = (0..2)
            .map(|_| {
                let live = live.clone();
                thread::spawn(move || live.push_score(4u8).unwrap())
            })
            .collect();
        let reader = {
            let live = live.clone();
            thread::spawn(move || live.snapshot().unwrap().n())
        };
        for w in writers {
            w.join().unwrap();
        }
        assert!(reader.join().unwrap() <= 2);
        assert_eq!(live.snapshot().unwrap().count(4), Some(2));
    });
}

/// Sharded: each batch touches two keys; a snapshot shows each batch
/// on both keys or on neither; after the join the merge is exact.
#[test]
fn sharded_snapshots_are_consistent_per_batch_and_merges_exact() {
    model(|| {
        let live: Arc<Sharded<u8, Tally>> = Arc::new(Sharded::new(Tally::new(Scale::CSAT_5), 2));
        let writers: Vec<_> = [(5u8, 2.0), (1u8, 0.5)]
            .into_iter()
            .map(|(score, weight)| {
                let live = live.clone();
                thread::spawn(move || {
                    live.extend_weighted_scores(&[0u8, 1], &[score, score], &[weight, weight])
                        .unwrap()
                })
            })
            .collect();
        let seen = live.snapshot().unwrap();
        let n = |m: &BTreeMap<u8, Tally>, k: u8| m.get(&k).map_or(0, Tally::n);
        assert_eq!(n(&seen, 0), n(&seen, 1), "a batch seen on one key only");
        for w in writers {
            w.join().unwrap();
        }
        let all = live.snapshot().unwrap();
        for key in [0u8, 1] {
            let t = &all[&key];
            assert_eq!(t.counts(), &[1, 0, 0, 0, 1]);
            assert_eq!(t.total_weight().unwrap(), 2.5);
        }
    });
}

/// Sharded take with a concurrent writer: taken + left = everything.
#[test]
fn sharded_take_loses_no_update() {
    model(|| {
        let live: Arc<Sharded<u8, Tally>> = Arc::new(Sharded::new(Tally::new(Scale::CSAT_5), 2));
        let writer = {
            let live = live.clone();
            thread::spawn(move || {
                live.extend_weighted_scores(&[7u8], &[4u8], &[1.0]).unwrap();
                live.extend_weighted_scores(&[7u8], &[2u8], &[1.0]).unwrap();
            })
        };
        let taken = live.take().unwrap();
        writer.join().unwrap();
        let left = live.snapshot().unwrap();
        let n = |m: &BTreeMap<u8, Tally>| m.get(&7).map_or(0, Tally::n);
        assert_eq!(n(&taken) + n(&left), 2);
        // The later batch never without the earlier one.
        if let Some(t) = taken.get(&7) {
            assert!(t.count(2) == Some(0) || t.count(4) == Some(1), "{t:?}");
        }
    });
}

/// One thread: pushes and snapshots in sequence (the model's baseline).
#[test]
fn atomic_tally_single_thread_baseline() {
    model(|| {
        let live = AtomicTally::new(Scale::CSAT_5);
        live.push_score(4u8).unwrap();
        let a = live.snapshot().unwrap();
        live.push_score(4u8).unwrap();
        let b = live.snapshot().unwrap();
        let c = live.snapshot().unwrap();
        assert_eq!((a.n(), b.n(), c.n()), (1, 2, 2));
    });
}
