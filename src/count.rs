//! Batch counting kernels: scores in, per-point counts out.
//!
//! Every kernel writes into caller-owned scratch counts and reports the
//! first bad score with its position, so a batch is all-or-nothing: the
//! caller adds the scratch to a tally only when the whole batch was good.

use crate::error::Error;
use crate::scale::{Scale, ScoreValue};

/// The portable kernel for any score type: one validation per score.
pub(crate) fn count_generic<S: ScoreValue>(
    scores: &[S],
    scale: &Scale,
    counts: &mut [u64],
) -> Result<(), Error> {
    for (i, &s) in scores.iter().enumerate() {
        match s.to_index(scale) {
            Ok(index) => counts[index] += 1,
            Err(e) => return Err(e.at(i)),
        }
    }
    Ok(())
}

/// Counts byte scores through a full 256-entry table (no per-score
/// branch), then checks that no byte outside the scale was seen.
pub(crate) fn count_u8(scores: &[u8], scale: &Scale, counts: &mut [u64]) -> Result<(), Error> {
    let table = byte_histogram(scores);
    let first_valid = scale.lowest().clamp(0, 256) as usize;
    let end_valid = (i64::from(scale.highest()) + 1).clamp(0, 256) as usize;
    let valid = first_valid..end_valid.max(first_valid);
    let any_bad = table
        .iter()
        .enumerate()
        .any(|(byte, &c)| c != 0 && !valid.contains(&byte));
    if any_bad {
        return Err(first_bad(scores, scale));
    }
    for byte in valid {
        // `byte` lies on the scale, so its index is in bounds.
        counts[(byte as i64 - i64::from(scale.lowest())) as usize] += table[byte];
    }
    Ok(())
}

/// The error for the first score that is not on the scale. Called only
/// when a bad score is known to exist.
#[cold]
#[inline(never)]
fn first_bad(scores: &[u8], scale: &Scale) -> Error {
    scores
        .iter()
        .enumerate()
        .find_map(|(i, &s)| scale.index_of_int(i128::from(s)).err().map(|e| e.at(i)))
        .unwrap_or_else(|| scale.out_of_range(i128::MIN))
}

/// Count of every byte value. Four interleaved tables break the
/// store-to-load dependency when neighbouring scores repeat.
fn byte_histogram(scores: &[u8]) -> [u64; 256] {
    let mut tables = [[0u64; 256]; 4];
    let mut chunks = scores.chunks_exact(4);
    for c in &mut chunks {
        tables[0][usize::from(c[0])] += 1;
        tables[1][usize::from(c[1])] += 1;
        tables[2][usize::from(c[2])] += 1;
        tables[3][usize::from(c[3])] += 1;
    }
    for &s in chunks.remainder() {
        tables[0][usize::from(s)] += 1;
    }
    let mut out = [0u64; 256];
    for (v, o) in out.iter_mut().enumerate() {
        *o = tables[0][v] + tables[1][v] + tables[2][v] + tables[3][v];
    }
    out
}
