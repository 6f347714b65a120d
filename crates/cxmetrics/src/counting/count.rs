//! Scores against a scale: the layer between raw score slices and the
//! kernels. It validates scores and weights, picks the byte kernels for
//! `&[u8]` on small scales (through [`ScoreValue`]'s byte view, not by
//! type inspection) and turns the kernels' "invalid" into an error naming
//! the first bad item. It knows nothing of tallies: it fills caller-owned
//! slices, and the caller adds them to a tally only when the whole batch
//! was good, so batches stay all-or-nothing.

use std::borrow::Cow;

use crate::counting::kernel;
use crate::counting::sum::{Sum, exponent_of, ldexp};
use crate::foundation::error::Error;
use crate::foundation::response::{invalid_weight, valid_weight};
use crate::foundation::scale::{Scale, ScoreValue};

/// The lowest point as a byte, when the scale has at most 16 points, all
/// within 0..=255: the scales the byte kernels count.
pub(crate) fn small_byte_scale(scale: &Scale) -> Option<u8> {
    let lowest = u8::try_from(scale.lowest()).ok()?;
    (scale.len() <= 16 && scale.highest() <= 255).then_some(lowest)
}

/// Scores the byte kernels count on `scale`, with its lowest point: `u8`
/// scores as they are, and `i8` scores as their two's-complement bytes
/// (one vectorised copy) when every point is below 128, where a negative
/// score is a byte above every point and so refused as off the scale.
/// `None` for other score types and scales.
pub(crate) fn byte_scores<'a, S: ScoreValue>(
    scores: &'a [S],
    scale: &Scale,
) -> Option<(Cow<'a, [u8]>, u8)> {
    let lowest = small_byte_scale(scale)?;
    if let Some(b) = S::as_bytes(scores) {
        return Some((Cow::Borrowed(b), lowest));
    }
    let signed = S::as_signed_bytes(scores)?;
    (scale.highest() < 128).then(|| {
        let bytes: Vec<u8> = signed.iter().map(|&s| s.cast_unsigned()).collect();
        (Cow::Owned(bytes), lowest)
    })
}

/// Checks the bytes [`byte_scores`] gave; an off-scale score is named as
/// the caller's type prints it (`-1`, not `255`).
///
/// # Errors
///
/// The first score off the scale, with its index.
pub(crate) fn check_byte_scores<S: ScoreValue>(
    scores: &[S],
    bytes: &[u8],
    scale: &Scale,
    lowest: u8,
) -> Result<(), Error> {
    match check_small_bytes(bytes, scale, lowest) {
        Ok(()) => Ok(()),
        Err(e) => indices(scores, scale).and(Err(e)),
    }
}

/// Adds the per-point counts of `scores` to `counts` (one entry per point).
///
/// # Errors
///
/// The first score off the scale, with its index.
pub(crate) fn count_scores<S: ScoreValue>(
    scores: &[S],
    scale: &Scale,
    counts: &mut [u64],
) -> Result<(), Error> {
    if let Some(bytes) = S::as_bytes(scores) {
        return count_bytes(bytes, scale, counts);
    }
    for (i, &s) in scores.iter().enumerate() {
        let index = s.to_index(scale).map_err(|e| e.at(i))?;
        if let Some(c) = counts.get_mut(index) {
            *c += 1;
        }
    }
    Ok(())
}

/// [`count_scores`] for bytes: the kernels for small scales, a 256-entry
/// histogram otherwise.
fn count_bytes(scores: &[u8], scale: &Scale, counts: &mut [u64]) -> Result<(), Error> {
    let valid = match small_byte_scale(scale) {
        Some(lowest) => kernel::count_small(scores, lowest, scale.len(), counts),
        None => {
            let table = byte_histogram(scores);
            let mut counted = 0;
            for (byte, &c) in table.iter().enumerate() {
                if c != 0
                    && let Ok(i) = scale.index_of_int(byte as i128)
                    && let Some(slot) = counts.get_mut(i)
                {
                    *slot += c;
                    counted += c;
                }
            }
            counted == scores.len() as u64
        }
    };
    if valid {
        Ok(())
    } else {
        Err(first_bad(scores, scale))
    }
}

/// The point index of every score, for the keyed and weighted loops of
/// types without a byte kernel.
///
/// # Errors
///
/// The first score off the scale, with its index.
pub(crate) fn indices<S: ScoreValue>(scores: &[S], scale: &Scale) -> Result<Vec<u16>, Error> {
    // A scale has at most 1,001 points, so an index fits in u16.
    offsets(scores, scale, |o| o as u16)
}

/// The scores' indices as bytes, for a scale of at most 256 points (the
/// byte kernels then count any score type with `lowest` 0).
///
/// # Errors
///
/// The first score off the scale, with its index.
pub(crate) fn byte_indices<S: ScoreValue>(scores: &[S], scale: &Scale) -> Result<Vec<u8>, Error> {
    if scale.len() > 256 {
        return Err(Error::InvalidArgument {
            name: "number of scale points",
            value: scale.len() as f64,
            expected: "at most 256 for byte indices",
        });
    }
    offsets(scores, scale, |o| o as u8)
}

/// Every score's index, narrowed by `narrow` (which must keep every index
/// of `scale`).
fn offsets<S: ScoreValue, T>(
    scores: &[S],
    scale: &Scale,
    narrow: impl Fn(u64) -> T,
) -> Result<Vec<T>, Error> {
    // One branch-free pass (it vectorises); only a batch with a bad score
    // takes the second, which names the first bad one.
    let lowest = scale.lowest();
    let points = scale.len() as u64;
    let mut out = Vec::with_capacity(scores.len());
    let mut bad = false;
    for &s in scores {
        let offset = s.raw_offset(lowest);
        bad |= offset >= points;
        out.push(narrow(offset));
    }
    if !bad {
        return Ok(out);
    }
    for (i, &s) in scores.iter().enumerate() {
        s.to_index(scale).map_err(|e| e.at(i))?;
    }
    // Not reached: raw_offset and to_index agree on every score.
    Err(Error::InvalidArgument {
        name: "number of scores",
        value: scores.len() as f64,
        expected: "scores whose offsets agree with their ratings",
    })
}

/// Checks byte scores against a small scale by their largest offset.
///
/// # Errors
///
/// The first score off the scale, with its index.
pub(crate) fn check_small_bytes(scores: &[u8], scale: &Scale, lowest: u8) -> Result<(), Error> {
    if usize::from(kernel::max_offset(scores, lowest)) < scale.len() {
        Ok(())
    } else {
        Err(first_bad(scores, scale))
    }
}

/// Checks every weight; returns the largest.
///
/// # Errors
///
/// The first invalid weight (negative, NaN or infinite), with its index.
pub(crate) fn check_weights(weights: &[f64]) -> Result<f64, Error> {
    let (ok, max) = kernel::check_weights(weights);
    if ok {
        Ok(max)
    } else {
        Err(first_bad_weight(weights))
    }
}

/// Per-point sums of weighted scores: counts, positive-weight counts, and
/// compensated sums of `w · 2^-e` and `(w · 2^-e)²`, written into the
/// caller's fresh (all-zero) slices, one entry per point, `e` being the
/// binary exponent of the batch's largest weight.
#[derive(Debug)]
pub(crate) struct WeightedSums<'a> {
    pub(crate) counts: &'a mut [u64],
    pub(crate) positive: &'a mut [u64],
    pub(crate) sums: &'a mut [Sum],
    pub(crate) squares: &'a mut [Sum],
}

/// Checks a weighted batch and sums it into `out` (fresh scratch);
/// returns the exponent `e` the sums are scaled by (0 when no weight is
/// positive). Byte scores on small scales take one pass over the weights
/// (the kernel checks each block before summing it); other types check
/// every weight first.
///
/// # Errors
///
/// The first bad item in index order, as [`check_weighted`] names it
/// (`out` is then partly written: callers pass scratch).
pub(crate) fn weighted_scores<S: ScoreValue>(
    scores: &[S],
    weights: &[f64],
    scale: &Scale,
    out: WeightedSums<'_>,
) -> Result<i32, Error> {
    if let Some(bytes) = S::as_bytes(scores)
        && let Some(lowest) = small_byte_scale(scale)
    {
        let points = scale.len();
        let mut counts = [0u64; 16];
        let mut acc = kernel::WeightedAcc::default();
        if !kernel::count_small(bytes, lowest, points, &mut counts[..points])
            || !kernel::weighted_small(bytes, weights, lowest, &mut acc)
        {
            return Err(match check_weighted(scores, weights, scale) {
                Err(e) => e,
                Ok(_) => first_bad(bytes, scale),
            });
        }
        let cells = out
            .counts
            .iter_mut()
            .zip(out.positive.iter_mut())
            .zip(out.sums.iter_mut().zip(out.squares.iter_mut()));
        for (i, ((c, p), (s, q))) in cells.enumerate().take(points) {
            *c = counts[i];
            *p = counts[i] - acc.zeros[i];
            *s = acc.sums[i];
            *q = acc.squares[i];
        }
        return Ok(acc.exponent.unwrap_or(0));
    }
    let max = check_weighted(scores, weights, scale)?;
    let exponent = exponent_of(max).unwrap_or(0);
    let factor = ldexp(1.0, -exponent);
    let index = indices(scores, scale)?;
    // Blocks of 4,096 summed plainly, then folded into the compensated sums.
    let points = scale.len();
    let mut acc = vec![[0.0f64; 2]; points];
    for (i_block, w_block) in index.chunks(4096).zip(weights.chunks(4096)) {
        for (&i, &w) in i_block.iter().zip(w_block) {
            let i = usize::from(i);
            let x = w * factor;
            if let (Some(c), Some(p), Some(a)) = (
                out.counts.get_mut(i),
                out.positive.get_mut(i),
                acc.get_mut(i),
            ) {
                *c += 1;
                *p += u64::from(w > 0.0);
                a[0] += x;
                a[1] += x * x;
            }
        }
        for ((a, s), q) in acc
            .iter_mut()
            .zip(out.sums.iter_mut())
            .zip(out.squares.iter_mut())
        {
            if a[0] != 0.0 || a[1] != 0.0 {
                s.add(a[0]);
                q.add(a[1]);
                *a = [0.0; 2];
            }
        }
    }
    Ok(exponent)
}

/// The error for the first score that is not on the scale. Called only
/// when a bad score is known to exist (a kernel reported the batch
/// invalid), so the final fallback is unreachable.
#[cold]
#[inline(never)]
pub(crate) fn first_bad(scores: &[u8], scale: &Scale) -> Error {
    scores
        .iter()
        .enumerate()
        .find_map(|(i, &s)| scale.index_of_int(i128::from(s)).err().map(|e| e.at(i)))
        .unwrap_or_else(|| scale.out_of_range(i128::MIN))
}

/// The error for the first invalid weight; called only when one exists.
#[cold]
#[inline(never)]
fn first_bad_weight(weights: &[f64]) -> Error {
    weights
        .iter()
        .enumerate()
        .find_map(|(i, &w)| (!valid_weight(w)).then(|| invalid_weight(w).at(i)))
        .unwrap_or_else(|| invalid_weight(f64::NAN))
}

/// The first bad item of a weighted batch, in index order (a score before
/// a weight at the same index): the error the all-or-nothing batch
/// reports.
pub(crate) fn check_weighted<S: ScoreValue>(
    scores: &[S],
    weights: &[f64],
    scale: &Scale,
) -> Result<f64, Error> {
    match check_weights(weights) {
        Ok(max) => Ok(max),
        Err(weight_error) => {
            let bad_weight = weights.iter().position(|&w| !valid_weight(w)).unwrap_or(0);
            for (i, &s) in scores[..bad_weight.min(scores.len())].iter().enumerate() {
                s.to_index(scale).map_err(|e| e.at(i))?;
            }
            if let Some(&s) = scores.get(bad_weight) {
                s.to_index(scale).map_err(|e| e.at(bad_weight))?;
            }
            Err(weight_error)
        }
    }
}

/// Count of every byte value. Four interleaved tables break the
/// store-to-load dependency when neighbouring scores repeat.
fn byte_histogram(scores: &[u8]) -> [u64; 256] {
    let mut tables = [[0u64; 256]; 4];
    let (quads, rest) = scores.as_chunks::<4>();
    for c in quads {
        tables[0][usize::from(c[0])] += 1;
        tables[1][usize::from(c[1])] += 1;
        tables[2][usize::from(c[2])] += 1;
        tables[3][usize::from(c[3])] += 1;
    }
    for &s in rest {
        tables[0][usize::from(s)] += 1;
    }
    let mut out = [0u64; 256];
    for (v, o) in out.iter_mut().enumerate() {
        *o = tables[0][v] + tables[1][v] + tables[2][v] + tables[3][v];
    }
    out
}
