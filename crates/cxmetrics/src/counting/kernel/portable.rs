//! Portable kernels: plain Rust the compiler vectorises. Each is generic
//! over the block width `W` and `#[inline(always)]`, so the x86-64 layer
//! instantiates the same source inside functions compiled for wider
//! vectors; [`super`] calls the width-16 copies when no wider unit is
//! available.

use crate::counting::sum::{Sum, exponent_of, ldexp};

/// Adds the counts of points `lowest..lowest + P` found in `scores` to
/// `counts`; returns how many scores were counted (bytes off the scale are
/// not). For every block of `W` bytes and every point `v`,
/// `acc[v][lane] += (byte == v)`; the `u8` lane counters are flushed every
/// 255 blocks, before they can overflow.
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

/// [`count_small_kernel`] monomorphised by the number of points (2 to 16);
/// returns whether every byte was on the scale (the counts are meaningful
/// only then).
#[inline(always)]
pub(crate) fn count_small<const W: usize>(
    scores: &[u8],
    lowest: u8,
    points: usize,
    counts: &mut [u64],
) -> bool {
    macro_rules! by_points {
        ($($p:literal)*) => {
            match points {
                $($p => count_small_kernel::<W, $p>(scores, lowest, counts),)*
                _ => return false,
            }
        };
    }
    by_points!(2 3 4 5 6 7 8 9 10 11 12 13 14 15 16) == scores.len() as u64
}

/// [`count_small_kernel`] monomorphised by the number of points (2 to 16):
/// adds the counts of the bytes `lowest..lowest + points` and ignores every
/// other byte; returns how many were counted (0 for an unsupported number
/// of points).
#[inline(always)]
pub(crate) fn count_range<const W: usize>(
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
pub(crate) fn nps_counts<const W: usize>(scores: &[u8]) -> (u64, u64, u8) {
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

/// The largest `byte - lowest` (wrapping) over `scores`, 0 when empty: a
/// batch lies on a scale of `p` points from `lowest` exactly when this is
/// below `p`.
#[inline(always)]
pub(crate) fn max_offset<const W: usize>(scores: &[u8], lowest: u8) -> u8 {
    let (blocks, rest) = scores.as_chunks::<W>();
    let mut max = [0u8; W];
    for block in blocks {
        for j in 0..W {
            max[j] = max[j].max(block[j].wrapping_sub(lowest));
        }
    }
    let top = max.iter().copied().max().unwrap_or(0);
    rest.iter().fold(top, |m, &b| m.max(b.wrapping_sub(lowest)))
}

/// Whether every weight is finite and at least 0, and the largest one
/// (0 for an empty slice; meaningful only when they are all valid).
#[inline(always)]
#[expect(
    clippy::manual_range_contains,
    reason = "`&` of two compares vectorises; `contains` short-circuits"
)]
pub(crate) fn check_weights<const W: usize>(weights: &[f64]) -> (bool, f64) {
    let (blocks, rest) = weights.as_chunks::<W>();
    let mut ok = [true; W];
    let mut max = [0.0f64; W];
    for block in blocks {
        for j in 0..W {
            let x = block[j];
            ok[j] &= (x >= 0.0) & (x <= f64::MAX);
            max[j] = if x > max[j] { x } else { max[j] };
        }
    }
    let mut all = ok.iter().all(|&o| o);
    let mut top = max.iter().copied().fold(0.0, f64::max);
    for &x in rest {
        all &= (x >= 0.0) & (x <= f64::MAX);
        top = top.max(x);
    }
    (all, top)
}

/// The running sums of one weighted batch of byte scores (see
/// [`weighted_small`]): per point, the number of zero weights and the
/// compensated sums of `w · 2^-e` and `(w · 2^-e)²`, `e` being the binary
/// exponent of the largest weight seen so far (`None` while no weight is
/// positive; the sums are then 0 and the factor 1).
#[derive(Debug, Default, Clone)]
pub(crate) struct WeightedAcc {
    pub(crate) exponent: Option<i32>,
    pub(crate) zeros: [u64; 16],
    pub(crate) sums: [Sum; 16],
    pub(crate) squares: [Sum; 16],
}

/// Answers per block of [`weighted_small`]: 2,048 weights (16 KB) stay in
/// the first-level cache between the check and the sums.
const WEIGHTED_BLOCK: usize = 2048;

/// Weighted byte scores already known to lie on a scale of at most 16
/// points from `lowest`, in one pass over the weights: block by block,
/// `x = w · 2^-e` and `x²` are summed while the same loop checks the
/// weights (finite, above 0) and finds their largest; a block with a zero
/// or invalid weight is checked again on its own, and a block whose
/// largest weight raises the batch's exponent rescales the sums so far by
/// the exact power of two and is summed again (the first block with a
/// positive weight is looked at before it is summed). Sums are plain per
/// point in eight rows (answer `j` of every eight into row `j`, each cell a
/// `[x, x²]` pair updated together: independent updates, no bounds
/// checks) and the block's row totals are folded into `acc`'s compensated
/// sums, so rounding grows with the block, not the batch. Zero weights
/// (rare) are counted per point by a second look at their block only
/// (the caller derives the positive weights from the counts). The scores
/// must all lie on the scale (offsets below 16 from `lowest`): other bytes
/// are never written out of bounds, but their sums are meaningless.
///
/// Returns `false` at the first block holding an invalid weight (`acc` is
/// then partly updated: callers sum into scratch). The sums equal, bit for
/// bit, those of scaling every weight by the final exponent's factor from
/// the start, unless a partial sum falls below the normal range (weights
/// more than 2^1000 times smaller than the largest).
#[inline(always)]
pub(crate) fn weighted_small<const W: usize>(
    scores: &[u8],
    weights: &[f64],
    lowest: u8,
    acc: &mut WeightedAcc,
) -> bool {
    for (s_block, w_block) in scores
        .chunks(WEIGHTED_BLOCK)
        .zip(weights.chunks(WEIGHTED_BLOCK))
    {
        if acc.exponent.is_none() {
            // Until a positive weight sets the exponent, look first.
            let (ok, max) = check_weights::<W>(w_block);
            if !ok {
                return false;
            }
            acc.exponent = exponent_of(max);
        }
        let mut factor = ldexp(1.0, -acc.exponent.unwrap_or(0));
        let (mut cells, positive, max) = sum_block(s_block, w_block, lowest, factor);
        if !positive {
            // A weight that is 0 or invalid (rare): look again.
            if !check_weights::<W>(w_block).0 {
                return false;
            }
            for (&s, &w) in s_block.iter().zip(w_block) {
                if w == 0.0 {
                    acc.zeros[usize::from(s.wrapping_sub(lowest)) & 15] += 1;
                }
            }
        }
        if let Some(e) = exponent_of(max)
            && acc.exponent.is_none_or(|old| e > old)
        {
            // A larger weight: rescale the sums so far, redo the block.
            if let Some(old) = acc.exponent {
                let shift = old - e;
                for (s, q) in acc.sums.iter_mut().zip(acc.squares.iter_mut()) {
                    *s = s.scaled(shift);
                    *q = q.scaled(2 * shift);
                }
            }
            acc.exponent = Some(e);
            factor = ldexp(1.0, -e);
            cells = sum_block(s_block, w_block, lowest, factor).0;
        }
        for (i, (s, q)) in acc.sums.iter_mut().zip(acc.squares.iter_mut()).enumerate() {
            let (w, w2) = (0..ROWS).fold((0.0, 0.0), |(a, b), r| {
                (a + cells[r][i][0], b + cells[r][i][1])
            });
            if w != 0.0 || w2 != 0.0 {
                s.add(w);
                q.add(w2);
            }
        }
    }
    true
}

/// Rows of [`weighted_small`]'s block sums.
const ROWS: usize = 8;

/// One block of [`weighted_small`]: `[x, x²]` per row and point, with
/// `x = w · factor`; whether every weight is positive and finite; the
/// largest weight (meaningful only then, or after a check).
#[inline(always)]
fn sum_block(
    scores: &[u8],
    weights: &[f64],
    lowest: u8,
    factor: f64,
) -> ([[[f64; 2]; 16]; ROWS], bool, f64) {
    let low = u64::from_le_bytes([lowest; 8]);
    let mut cells = [[[0.0f64; 2]; 16]; ROWS];
    let mut positive = [true; ROWS];
    let mut max = [0.0f64; ROWS];
    let (s8, s_rest) = scores.as_chunks::<ROWS>();
    let (w8, w_rest) = weights.as_chunks::<ROWS>();
    for (s, w) in s8.iter().zip(w8) {
        // Eight offsets from one load: every byte is at least `lowest`, so
        // the subtraction borrows across no byte; the mask keeps each
        // below 16 whatever the input.
        let offsets = u64::from_le_bytes(*s).wrapping_sub(low) & 0x0f0f_0f0f_0f0f_0f0f;
        let mut x = [0.0f64; ROWS];
        let mut x2 = [0.0f64; ROWS];
        for r in 0..ROWS {
            positive[r] &= (w[r] > 0.0) & (w[r] <= f64::MAX);
            max[r] = if w[r] > max[r] { w[r] } else { max[r] };
            x[r] = w[r] * factor;
            x2[r] = x[r] * x[r];
        }
        for r in 0..ROWS {
            let c = &mut cells[r][usize::from((offsets >> (8 * r)) as u8)];
            *c = [c[0] + x[r], c[1] + x2[r]];
        }
    }
    let mut all = positive.iter().all(|&p| p);
    let mut top = max.iter().copied().fold(0.0, f64::max);
    for (&s, &w) in s_rest.iter().zip(w_rest) {
        all &= (w > 0.0) & (w <= f64::MAX);
        top = top.max(w);
        let x = w * factor;
        let c = &mut cells[0][usize::from(s.wrapping_sub(lowest)) & 15];
        *c = [c[0] + x, c[1] + x * x];
    }
    (cells, all, top)
}

/// Keyed counting: `counts[index(groups[i]) · points + scores[i] − lowest]
/// += 1`, the caller having checked every group and score (a cell out of
/// bounds is skipped, never written). Two passes per block of 1,024
/// answers: the cells first (a loop the compiler vectorises), then one
/// increment per answer. Cells are 32-bit: `counts` has at most
/// `u32::MAX` entries (callers with more take [`count_grouped_wide`]).
#[inline(always)]
pub(crate) fn count_grouped<T>(
    groups: &[T],
    index: impl Fn(&T) -> u32,
    scores: &[u8],
    lowest: u8,
    points: usize,
    counts: &mut [u64],
) {
    let p = points as u32;
    // A batch at least twice as long as the table counts into two 32-bit
    // scratch tables, alternating, then adds them: neighbouring answers in
    // one cell do not wait on each other. (At most 2^31 answers a call, so
    // the scratch counters cannot overflow.)
    let scratch = 2 * counts.len() <= groups.len() && groups.len() <= 1 << 31;
    let mut tables = if scratch {
        vec![0u32; 2 * counts.len()]
    } else {
        Vec::new()
    };
    let half = tables.len() / 2;
    let (t0, t1) = tables.split_at_mut(half);
    let mut cells = [0u32; 1024];
    for (g_block, s_block) in groups.chunks(1024).zip(scores.chunks(1024)) {
        let cells = &mut cells[..g_block.len()];
        for ((c, g), &s) in cells.iter_mut().zip(g_block).zip(s_block) {
            *c = index(g)
                .wrapping_mul(p)
                .wrapping_add(u32::from(s.wrapping_sub(lowest)));
        }
        if scratch {
            let (pairs, rest) = cells.as_chunks::<2>();
            for c in pairs {
                if let Some(x) = t0.get_mut(c[0] as usize) {
                    *x += 1;
                }
                if let Some(x) = t1.get_mut(c[1] as usize) {
                    *x += 1;
                }
            }
            for &c in rest {
                if let Some(x) = t0.get_mut(c as usize) {
                    *x += 1;
                }
            }
        } else {
            for &c in cells.iter() {
                if let Some(x) = counts.get_mut(c as usize) {
                    *x += 1;
                }
            }
        }
    }
    if scratch {
        for ((c, &a), &b) in counts.iter_mut().zip(t0.iter()).zip(t1.iter()) {
            *c += u64::from(a) + u64::from(b);
        }
    }
}

/// [`count_grouped`] for tallies of more than `u32::MAX` cells, one answer
/// at a time.
#[inline(always)]
pub(crate) fn count_grouped_wide<T>(
    groups: &[T],
    index: impl Fn(&T) -> usize,
    scores: &[u8],
    lowest: u8,
    points: usize,
    counts: &mut [u64],
) {
    for (g, &s) in groups.iter().zip(scores) {
        let cell = index(g) * points + usize::from(s.wrapping_sub(lowest));
        if let Some(c) = counts.get_mut(cell) {
            *c += 1;
        }
    }
}

/// The largest `index(item)` over `items`, 0 when empty (`usize` lanes).
#[inline(always)]
pub(crate) fn max_usize<T>(items: &[T], index: impl Fn(&T) -> usize) -> usize {
    items.iter().map(index).fold(0, usize::max)
}

/// Where [`count_dense`] stopped.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DenseStop {
    /// Answers counted: all of them, unless a block stopped the count.
    pub(crate) counted: usize,
    /// The largest key index of the block that stopped the count.
    pub(crate) top_index: usize,
    /// The largest score offset (`score − lowest`, wrapping) of that block.
    pub(crate) top_offset: u8,
}

/// Keyed counting by dense key index straight into two block tables, in
/// two passes per block of 2,048 answers (1,024 for tables past 2^16
/// cells): first the cell of every answer,
/// `(index(key) << 4) | (score − lowest)`, with the block's largest index
/// and offset (a loop the compiler vectorises for integer keys); then, if
/// the block fits the tables and every offset is below `points`, one
/// increment per answer, alternating between the tables so that
/// neighbouring answers in the same cell do not wait on each other.
/// Stops before counting the first block that does not fit.
///
/// `table` holds the two tables one after the other, each a power of two
/// long (16 to 2^20 cells; other lengths count nothing) with 16 cells per
/// key index; cells are masked to the table, so nothing is written out of
/// bounds whatever the input. Each index must be
/// below 2^28 (the cells are 32 bits). The caller adds at most
/// `u32::MAX` answers per table between reads.
#[inline(always)]
pub(crate) fn count_dense<T>(
    keys: &[T],
    index: impl Fn(&T) -> u32,
    scores: &[u8],
    lowest: u8,
    points: usize,
    table: &mut [u32],
) -> DenseStop {
    let half = table.len() / 2;
    let (t0, t1) = table.split_at_mut(half);
    if half <= 1 << 16 {
        // Cells fit in 16 bits: half the bytes through the cell buffer,
        // and twice the block.
        dense_blocks::<T, u16, 2048>(keys, index, scores, lowest, points, t0, t1)
    } else {
        dense_blocks::<T, u32, 1024>(keys, index, scores, lowest, points, t0, t1)
    }
}

/// A cell of [`count_dense`]'s buffer: `u16` while the tables have at
/// most 2^16 cells, `u32` beyond.
trait Cell: Copy + Default + Ord {
    /// `x` truncated to the cell's width (the tables mask it anyway).
    fn from_u32(x: u32) -> Self;
    /// The cell as an index.
    fn at(self) -> usize;
}

impl Cell for u16 {
    #[inline(always)]
    fn from_u32(x: u32) -> u16 {
        x as u16
    }
    #[inline(always)]
    fn at(self) -> usize {
        usize::from(self)
    }
}

impl Cell for u32 {
    #[inline(always)]
    fn from_u32(x: u32) -> u32 {
        x
    }
    #[inline(always)]
    fn at(self) -> usize {
        self as usize
    }
}

/// [`count_dense`]'s blocks of `B` answers with cells of type `C` (wide
/// enough for every cell of the tables `t0`, `t1`).
#[inline(always)]
fn dense_blocks<T, C: Cell, const B: usize>(
    keys: &[T],
    index: impl Fn(&T) -> u32,
    scores: &[u8],
    lowest: u8,
    points: usize,
    t0: &mut [u32],
    t1: &mut [u32],
) -> DenseStop {
    let rows = t0.len() / 16;
    let mut cells = [C::default(); B];
    let mut counted = 0;
    for (k_block, s_block) in keys.chunks(B).zip(scores.chunks(B)) {
        let cells = &mut cells[..k_block.len()];
        let top_offset = s_block
            .iter()
            .fold(0u8, |m, &s| m.max(s.wrapping_sub(lowest)));
        // The largest index, kept before the cells truncate it.
        let mut top = 0u32;
        for ((c, k), &s) in cells.iter_mut().zip(k_block).zip(s_block) {
            let d = index(k);
            top = top.max(d);
            *c = C::from_u32((d << 4) | u32::from(s.wrapping_sub(lowest) & 15));
        }
        let top_index = top as usize;
        if top_index >= rows || usize::from(top_offset) >= points {
            return DenseStop {
                counted,
                top_index,
                top_offset,
            };
        }
        count_cells(cells, t0, t1);
        counted += k_block.len();
    }
    DenseStop {
        counted,
        top_index: 0,
        top_offset: 0,
    }
}

/// One increment per cell, alternating between two tables of equal
/// power-of-two length, each cell masked to the table: dispatched to a copy
/// of [`count_cells_in`] for that length, so the mask is a constant and no
/// bounds check is left in the loop.
#[inline(always)]
fn count_cells<C: Cell>(cells: &[C], t0: &mut [u32], t1: &mut [u32]) {
    macro_rules! by_length {
        ($($bits:literal)*) => {
            match t0.len() {
                $(n if n == 1 << $bits => {
                    if let (Ok(a), Ok(b)) = (t0.try_into(), t1.try_into()) {
                        count_cells_in::<C, { 1 << $bits }>(cells, a, b);
                    }
                })*
                _ => {}
            }
        };
    }
    by_length!(4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20);
}

/// [`count_cells`] for tables of `N` cells (a power of two).
#[inline(always)]
fn count_cells_in<C: Cell, const N: usize>(cells: &[C], t0: &mut [u32; N], t1: &mut [u32; N]) {
    let (quads, rest) = cells.as_chunks::<4>();
    for c in quads {
        t0[c[0].at() & (N - 1)] += 1;
        t1[c[1].at() & (N - 1)] += 1;
        t0[c[2].at() & (N - 1)] += 1;
        t1[c[3].at() & (N - 1)] += 1;
    }
    for &c in rest {
        t0[c.at() & (N - 1)] += 1;
    }
}

/// The largest `index(key)` over `keys`, 0 when empty: branch-free, so it
/// vectorises for integer keys.
#[inline(always)]
pub(crate) fn max_index<T>(keys: &[T], index: impl Fn(&T) -> u32) -> u32 {
    keys.iter().map(index).fold(0, u32::max)
}
