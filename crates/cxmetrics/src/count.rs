//! Batch counting kernels: scores in, per-point counts out.
//!
//! Every kernel writes into caller-owned scratch and reports the first bad
//! score with its position, so a batch is all-or-nothing: the caller adds
//! the scratch to a tally only when the whole batch was good.
//!
//! # The byte kernels
//!
//! Scores as `&[u8]` on a scale of at most 16 points that lies within
//! 0..=255 (NPS, CSAT, CES …) are counted by *compare and count*: for
//! every block of `W` bytes and every point `v`, `acc[v][lane] += (byte ==
//! v)`. The compiler turns the inner loop into vector compares and
//! subtracts; the `u8` lane counters are flushed into `u64` counts every
//! 255 blocks, before they can overflow. Validation costs nothing in the
//! loop: bytes off the scale match no point, so the batch is valid exactly
//! when the counts add up to its length. The same generic code is compiled
//! twice, portable (`W` = 16, SSE2 on x86-64) and with AVX2 (`W` = 32),
//! and [`crate::simd`] picks one at run time.

use crate::error::Error;
use crate::response::valid_weight;
use crate::scale::{Scale, ScoreValue};
use crate::tally::{BatchParts, Tally};

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

/// The portable weighted kernel for any score type.
pub(crate) fn weighted_generic<S: ScoreValue>(
    scores: &[S],
    weights: &[f64],
    batch: &mut Tally,
) -> Result<(), Error> {
    let scale = batch.scale();
    let scale = &scale;
    let p = batch.parts_mut();
    for (i, (&s, &w)) in scores.iter().zip(weights).enumerate() {
        let index = s.to_index(scale).map_err(|e| e.at(i))?;
        if !valid_weight(w) {
            return Err(crate::response::invalid_weight(w).at(i));
        }
        let x = w * p.factor;
        p.counts[index] += 1;
        p.positive[index] += u64::from(w > 0.0);
        p.sums[index].add(x);
        p.squares[index].add(x * x);
    }
    Ok(())
}

/// Counts byte scores: compare-and-count for small scales inside
/// 0..=255, a 256-entry table otherwise.
pub(crate) fn count_u8(scores: &[u8], scale: &Scale, counts: &mut [u64]) -> Result<(), Error> {
    let points = scale.len();
    let valid = match small_byte_scale(scale) {
        Some(lowest) => crate::simd::count_small(scores, lowest, points, counts),
        None => count_by_table(scores, scale, counts),
    };
    if valid == scores.len() as u64 {
        Ok(())
    } else {
        Err(first_bad(scores, scale))
    }
}

/// The lowest point as a byte, when the scale has at most 16 points, all
/// within 0..=255.
pub(crate) fn small_byte_scale(scale: &Scale) -> Option<u8> {
    let lowest = u8::try_from(scale.lowest()).ok()?;
    (scale.len() <= 16 && scale.highest() <= 255).then_some(lowest)
}

/// Adds the counts of points `lowest..lowest + P` found in `scores` to
/// `counts`; returns how many scores were counted (bytes off the scale are
/// not).
#[inline(always)]
pub(crate) fn count_small_kernel<const W: usize, const P: usize>(
    scores: &[u8],
    lowest: u8,
    counts: &mut [u64],
) -> u64 {
    let (blocks, rest) = scores.as_chunks::<W>();
    let mut total = [0u64; P];
    for group in blocks.chunks(255) {
        let mut acc = [[0u8; W]; P];
        for block in group {
            for (v, lanes) in acc.iter_mut().enumerate() {
                let target = lowest.wrapping_add(v as u8);
                for j in 0..W {
                    lanes[j] = lanes[j].wrapping_add(u8::from(block[j] == target));
                }
            }
        }
        for (t, lanes) in total.iter_mut().zip(&acc) {
            *t += lanes.iter().map(|&c| u64::from(c)).sum::<u64>();
        }
    }
    for &b in rest {
        let i = usize::from(b.wrapping_sub(lowest));
        if i < P {
            total[i] += 1;
        }
    }
    let mut counted = 0;
    for (c, t) in counts.iter_mut().zip(total) {
        *c += t;
        counted += t;
    }
    counted
}

/// Dispatches on the number of points to a monomorphised kernel.
#[inline(always)]
pub(crate) fn count_small_lanes<const W: usize>(
    scores: &[u8],
    lowest: u8,
    points: usize,
    counts: &mut [u64],
) -> u64 {
    macro_rules! by_points {
        ($($p:literal)*) => {
            match points {
                $($p => count_small_kernel::<W, $p>(scores, lowest, counts),)*
                _ => 0,
            }
        };
    }
    by_points!(2 3 4 5 6 7 8 9 10 11 12 13 14 15 16)
}

/// Promoter (9–10) and detractor (0–6) counts of NPS bytes, and the
/// largest byte seen (the batch is valid when it is at most 10).
#[inline(always)]
pub(crate) fn nps_kernel<const W: usize>(scores: &[u8]) -> (u64, u64, u8) {
    let (blocks, rest) = scores.as_chunks::<W>();
    let (mut promoters, mut detractors) = (0u64, 0u64);
    let mut max = [0u8; W];
    for group in blocks.chunks(255) {
        let mut p = [0u8; W];
        let mut d = [0u8; W];
        for block in group {
            for j in 0..W {
                let b = block[j];
                p[j] = p[j].wrapping_add(u8::from(b >= 9));
                d[j] = d[j].wrapping_add(u8::from(b <= 6));
                max[j] = max[j].max(b);
            }
        }
        promoters += p.iter().map(|&c| u64::from(c)).sum::<u64>();
        detractors += d.iter().map(|&c| u64::from(c)).sum::<u64>();
    }
    let mut top = max.iter().copied().max().unwrap_or(0);
    for &b in rest {
        promoters += u64::from(b >= 9);
        detractors += u64::from(b <= 6);
        top = top.max(b);
    }
    (promoters, detractors, top)
}

/// Counts through a 256-entry table; returns how many bytes were on the
/// scale.
fn count_by_table(scores: &[u8], scale: &Scale, counts: &mut [u64]) -> u64 {
    let table = byte_histogram(scores);
    let mut counted = 0;
    for (byte, &c) in table.iter().enumerate() {
        if c != 0
            && let Ok(i) = scale.index_of_int(byte as i128)
        {
            counts[i] += c;
            counted += c;
        }
    }
    counted
}

/// The error for the first score that is not on the scale. Called only
/// when a bad score is known to exist (a kernel counted fewer valid scores
/// than it was given), so the final fallback is unreachable.
#[cold]
#[inline(never)]
pub(crate) fn first_bad(scores: &[u8], scale: &Scale) -> Error {
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

/// Compact slots for the bytes that lie on the scale: `lut[byte]` is the
/// byte's slot, or `slots.len()` (one past the last) when the byte is off
/// the scale; `slots[slot]` is the scale index. One load replaces a range
/// check in the weighted and keyed loops.
pub(crate) fn byte_slots(scale: &Scale) -> ([u16; 256], Vec<usize>) {
    let mut slots = Vec::new();
    let mut lut = [0u16; 256];
    for (byte, entry) in lut.iter_mut().enumerate() {
        if let Ok(i) = scale.index_of_int(byte as i128) {
            *entry = slots.len() as u16;
            slots.push(i);
        }
    }
    let off = slots.len() as u16;
    for (byte, entry) in lut.iter_mut().enumerate() {
        if scale.index_of_int(byte as i128).is_err() {
            *entry = off;
        }
    }
    (lut, slots)
}

/// Weighted byte scores: per-point counts, weight sums and squared-weight
/// sums, added to the caller's scratch. Four interleaved accumulator rows
/// keep neighbouring updates independent; each block of 2,048 scores is
/// summed plainly and folded into the compensated sums, so rounding grows
/// with the block, not with the batch.
pub(crate) fn weighted_u8(scores: &[u8], weights: &[f64], batch: &mut Tally) -> Result<(), Error> {
    let scale = batch.scale();
    let scale = &scale;
    let mut p = batch.parts_mut();
    if let Some(lowest) = small_byte_scale(scale) {
        return crate::simd::weighted_small(scores, weights, scale, lowest, &mut p);
    }
    let factor = p.factor;
    const ROWS: usize = 4;
    let (lut, slots) = byte_slots(scale);
    let stride = slots.len() + 1;
    let off = slots.len();
    let mut acc = vec![[0.0f64; 3]; ROWS * stride];
    let mut hits = vec![0u64; ROWS * stride];
    let mut weights_ok = true;
    for (s_block, w_block) in scores.chunks(4096).zip(weights.chunks(4096)) {
        let (s4, s_rest) = s_block.as_chunks::<ROWS>();
        let (w4, w_rest) = w_block.as_chunks::<ROWS>();
        for (s, w) in s4.iter().zip(w4) {
            for r in 0..ROWS {
                weights_ok &= valid_weight(w[r]);
                let x = w[r] * factor;
                let slot = r * stride + usize::from(lut[usize::from(s[r])]);
                acc[slot][0] += x;
                acc[slot][1] += x * x;
                acc[slot][2] += f64::from(u8::from(w[r] > 0.0));
                hits[slot] += 1;
            }
        }
        for (&s, &w) in s_rest.iter().zip(w_rest) {
            weights_ok &= valid_weight(w);
            let x = w * factor;
            let slot = usize::from(lut[usize::from(s)]);
            acc[slot][0] += x;
            acc[slot][1] += x * x;
            acc[slot][2] += f64::from(u8::from(w > 0.0));
            hits[slot] += 1;
        }
        // Fold the block into the compensated sums and clear it.
        for r in 0..ROWS {
            for (k, &point) in slots.iter().enumerate() {
                let slot = r * stride + k;
                if hits[slot] != 0 {
                    p.counts[point] += hits[slot];
                    // At most 4,096 per block: exact as f64.
                    p.positive[point] += acc[slot][2] as u64;
                    p.sums[point].add(acc[slot][0]);
                    p.squares[point].add(acc[slot][1]);
                    hits[slot] = 0;
                    acc[slot] = [0.0; 3];
                }
            }
        }
    }
    let off_scale: u64 = (0..ROWS).map(|r| hits[r * stride + off]).sum();
    if off_scale == 0 && weights_ok {
        return Ok(());
    }
    Err(first_bad_weighted(scores, weights, scale))
}

/// The weighted kernel for scales of at most 16 points inside 0..=255:
/// counts (and score validation) by the compare-and-count kernel, then one
/// pass over the weights that checks each block (vectorised) and adds it
/// into eight rows of 16 accumulators indexed without bounds checks.
#[inline(always)]
pub(crate) fn weighted_small_kernel(
    scores: &[u8],
    weights: &[f64],
    scale: &Scale,
    lowest: u8,
    p: &mut BatchParts<'_>,
) -> Result<(), Error> {
    let factor = p.factor;
    const ROWS: usize = 8;
    let points = scale.len();
    let mut block_counts = vec![0u64; points];
    let valid = crate::simd::count_small(scores, lowest, points, &mut block_counts);
    if valid != scores.len() as u64 {
        return Err(first_bad_weighted(scores, weights, scale));
    }
    let mut weights_ok = true;
    for (s_block, w_block) in scores.chunks(2048).zip(weights.chunks(2048)) {
        // Checked per block, vectorised, while the block sits in L1.
        weights_ok &= w_block.iter().fold(true, |ok, &x| ok & valid_weight(x));
        // (weight, weight²) pairs: one 16-byte add per answer.
        // (weight, weight², positive) per cell.
        let mut acc = [[[0.0f64; 3]; 16]; ROWS];
        let (s4, s_rest) = s_block.as_chunks::<ROWS>();
        let (w4, w_rest) = w_block.as_chunks::<ROWS>();
        for (s, w) in s4.iter().zip(w4) {
            for r in 0..ROWS {
                let x = w[r] * factor;
                let cell = &mut acc[r][usize::from(s[r].wrapping_sub(lowest)) & 15];
                cell[0] += x;
                cell[1] += x * x;
                cell[2] += f64::from(u8::from(w[r] > 0.0));
            }
        }
        for (&s, &w) in s_rest.iter().zip(w_rest) {
            let x = w * factor;
            let cell = &mut acc[0][usize::from(s.wrapping_sub(lowest)) & 15];
            cell[0] += x;
            cell[1] += x * x;
            cell[2] += f64::from(u8::from(w > 0.0));
        }
        for (i, ((positive, sums), squares)) in p
            .positive
            .iter_mut()
            .zip(p.sums.iter_mut())
            .zip(p.squares.iter_mut())
            .enumerate()
            .take(points)
        {
            let (w, w2, pos) = acc.iter().fold((0.0, 0.0, 0.0), |(a, b, c), row| {
                (a + row[i][0], b + row[i][1], c + row[i][2])
            });
            if pos != 0.0 {
                // At most 2,048 per block: exact as f64.
                *positive += pos as u64;
                sums.add(w);
                squares.add(w2);
            }
        }
    }
    if !weights_ok {
        // Nothing reached the tally: the sums went to the caller's scratch,
        // which is dropped on error.
        return Err(first_bad_weighted(scores, weights, scale));
    }
    for (c, b) in p.counts.iter_mut().zip(block_counts) {
        *c += b;
    }
    Ok(())
}

/// The error for the first bad score or weight (a score first at the same
/// index, as the generic path checks).
#[cold]
#[inline(never)]
pub(crate) fn first_bad_weighted(scores: &[u8], weights: &[f64], scale: &Scale) -> Error {
    for (i, (&s, &w)) in scores.iter().zip(weights).enumerate() {
        if let Err(e) = scale.index_of_int(i128::from(s)) {
            return e.at(i);
        }
        if !valid_weight(w) {
            return crate::response::invalid_weight(w).at(i);
        }
    }
    scale.out_of_range(i128::MIN)
}

/// Keyed byte scores with keys of at most 16 bits. Returns each key seen,
/// in increasing order, with its per-point counts.
///
/// While keys stay below 4,096 every key owns a 16-slot row of a direct
/// table, so the hot loop is two loads and one increment, with no search;
/// the table grows when a larger key first appears. For scales of at most
/// 15 points inside 0..=255 the scores are validated first by one
/// vectorised pass (the largest offset from the lowest point), so the slot
/// is the offset itself. Other scales go through a slot lookup with a spill
/// slot for bytes off the scale, and keys of 4,096 and above through a map
/// from key to dense row.
pub(crate) fn count_keyed<T: Copy + Ord + Into<usize>>(
    keys: &[T],
    scores: &[u8],
    scale: &Scale,
) -> Result<Vec<(usize, Vec<u64>)>, Error> {
    const DIRECT_KEYS: usize = 4096;
    let (lut, slots) = byte_slots(scale);
    let lowest = match small_byte_scale(scale) {
        Some(lowest) if scale.len() <= 15 => lowest,
        _ => return count_keyed_mapped(keys, scores, scale, &lut, &slots),
    };
    let top = scores
        .iter()
        .map(|s| s.wrapping_sub(lowest))
        .max()
        .unwrap_or(0);
    if usize::from(top) >= scale.len() {
        return Err(first_bad(scores, scale));
    }
    let mut table: Vec<[u64; 16]> = Vec::new();
    let mut done = 0;
    while done < keys.len() {
        done += keyed_run(&keys[done..], &scores[done..], lowest, &mut table);
        if let Some(&k) = keys.get(done) {
            let k: usize = k.into();
            if k >= DIRECT_KEYS {
                return count_keyed_mapped(keys, scores, scale, &lut, &slots);
            }
            table.resize((k + 1).max(2 * table.len()).min(DIRECT_KEYS), [0; 16]);
        }
    }
    let rows = table
        .iter()
        .enumerate()
        .filter(|(_, row)| row.iter().any(|&c| c != 0));
    Ok(rows
        .map(|(k, row)| (k, row[..scale.len()].to_vec()))
        .collect())
}

/// Counts answers until the first key without a row in `table`; returns
/// how many it counted. Every score is already known to lie on the scale,
/// so `offset & 15` is its slot and the row lookup is the only check.
#[inline(always)]
fn keyed_run<T: Copy + Into<usize>>(
    keys: &[T],
    scores: &[u8],
    lowest: u8,
    table: &mut [[u64; 16]],
) -> usize {
    for (i, (&k, &s)) in keys.iter().zip(scores).enumerate() {
        match table.get_mut(k.into()) {
            Some(row) => row[usize::from(s.wrapping_sub(lowest)) & 15] += 1,
            None => return i,
        }
    }
    keys.len().min(scores.len())
}

/// Per-point counts from a row of slot counts.
fn unslot(row: &[u64], slots: &[usize], points: usize) -> Vec<u64> {
    let mut counts = vec![0u64; points];
    for (slot, &point) in slots.iter().enumerate() {
        counts[point] = row[slot];
    }
    counts
}

/// [`count_keyed`] for keys of 4,096 and above: each key is mapped to a
/// dense row on first sight.
fn count_keyed_mapped<T: Copy + Ord + Into<usize>>(
    keys: &[T],
    scores: &[u8],
    scale: &Scale,
    lut: &[u16; 256],
    slots: &[usize],
) -> Result<Vec<(usize, Vec<u64>)>, Error> {
    const NONE: u32 = u32::MAX;
    let shift = usize::BITS - slots.len().leading_zeros();
    let stride = 1usize << shift;
    let mut id_of = vec![NONE; 1 << 16];
    let mut seen: Vec<usize> = Vec::new();
    let mut table: Vec<u64> = Vec::new();
    for (&k, &s) in keys.iter().zip(scores) {
        let k = k.into();
        let Some(id) = id_of.get_mut(k) else { continue };
        if *id == NONE {
            *id = seen.len() as u32;
            seen.push(k);
            table.resize(table.len() + stride, 0);
        }
        let cell = ((*id as usize) << shift) | usize::from(lut[usize::from(s)]);
        if let Some(c) = table.get_mut(cell) {
            *c += 1;
        }
    }
    let off = slots.len();
    if table.chunks(stride).any(|row| row[off] != 0) {
        return Err(first_bad(scores, scale));
    }
    let mut rows: Vec<(usize, Vec<u64>)> = seen
        .into_iter()
        .zip(table.chunks(stride))
        .map(|(k, row)| (k, unslot(row, slots, scale.len())))
        .collect();
    rows.sort_unstable_by_key(|&(k, _)| k);
    Ok(rows)
}
