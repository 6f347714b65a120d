//! Sharded aggregation: each shard (a process, a partition, a day of logs)
//! builds its own tallies, ships them as JSON, and a reducer merges them
//! into exactly what one pass over all the answers gives. This is the state
//! a Spark, Flink or DataFusion aggregate would carry.
//!
//! Run with `cargo run --example sharded --features serde`.
//!
//! Parse JSON with serde_json's `float_roundtrip` feature so weight sums
//! come back bit for bit.

use cxmetrics::{Nps, Scale, Segmented, Tally};

fn shard_answers(shard: u64, n: usize) -> (Vec<u16>, Vec<u8>) {
    let mut state = shard + 1;
    let mut next = |m: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % m
    };
    (0..n).map(|_| (next(8) as u16, next(11) as u8)).unzip()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Map: every shard aggregates its own answers and serializes the state.
    let mut messages = Vec::new();
    let mut everything: (Vec<u16>, Vec<u8>) = (Vec::new(), Vec::new());
    for shard in 0..4 {
        let (stores, scores) = shard_answers(shard, 25_000);
        let mut by_store = Segmented::new(Scale::NPS);
        by_store.extend_scores(&stores, &scores)?;
        let json = serde_json::to_string(&by_store)?;
        println!(
            "shard {shard}: {} answers -> {} bytes of JSON",
            scores.len(),
            json.len()
        );
        messages.push(json);
        everything.0.extend(stores);
        everything.1.extend(scores);
    }

    // Reduce: deserialize (every invariant is checked again) and merge, in
    // any order.
    let mut merged: Segmented<u16> = Segmented::new(Scale::NPS);
    for json in messages.iter().rev() {
        let shard: Segmented<u16> = serde_json::from_str(json)?;
        merged.merge(&shard)?;
    }

    // The same answers in one pass give the same state, exactly.
    let mut one_pass = Segmented::new(Scale::NPS);
    one_pass.extend_scores(&everything.0, &everything.1)?;
    assert_eq!(merged, one_pass);
    let total: Tally = merged.total()?;
    println!(
        "merged == one pass: true; overall {}",
        Nps::from_tally(&total)?
    );

    // A corrupted message is refused, never scored.
    let bad = messages[0].replacen("\"counts\":[", "\"counts\":[1,", 1);
    match serde_json::from_str::<Segmented<u16>>(&bad) {
        Ok(_) => return Err("a corrupted message was accepted".into()),
        Err(e) => println!("corrupted message refused: {e}"),
    }
    Ok(())
}
