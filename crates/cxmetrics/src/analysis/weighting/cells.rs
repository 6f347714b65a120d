//! Weighting cells: one tally per cell, as per-point sums on a common
//! power-of-two scale, and the moments of a score under calibrated cell
//! weights.

use std::fmt;

use crate::analysis::segment::Segmented;
use crate::counting::tally::PointSums;
use crate::foundation::error::Error;
use crate::foundation::scale::Scale;
use crate::inference::design::moments::Moments;
use crate::inference::design::moments::point_sums;
use crate::inference::design::statistic::Statistic;

/// One weighting cell's sums.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CellSums<K> {
    pub(crate) key: K,
    /// Per point, lowest first, on the cells' common scale of weights.
    pub(crate) points: Vec<PointSums>,
    /// Σw over the cell (same scale as `points`).
    pub(crate) weight: f64,
    /// Answers, zero weights included.
    pub(crate) count: u64,
    /// Answers of zero weight.
    pub(crate) zero_weight: u64,
}

/// The cells of `segments` in key order, with their weights rescaled to
/// the largest exponent among them (exact powers of two), and that
/// exponent.
///
/// # Errors
///
/// [`Error::EmptyTally`] without cells; [`Error::InvalidWeightingCell`] for
/// a cell without rated answers, or (when `positive_cells`) without an
/// answer of positive weight.
pub(crate) fn collect<K: Ord + Clone + fmt::Debug>(
    segments: &Segmented<K>,
    positive_cells: bool,
) -> Result<(Scale, Vec<CellSums<K>>, i32), Error> {
    let mut raw = Vec::new();
    for (key, tally) in segments.iter() {
        let cell = |reason| Error::InvalidWeightingCell {
            cell: format!("{key:?}"),
            reason,
        };
        if tally.n() == 0 {
            return Err(cell("has no rated answers"));
        }
        let (points, exponent) = point_sums(&tally);
        let positive = points.iter().any(|p| p.weight > 0.0);
        if positive_cells && !positive {
            return Err(cell("has no answer with a positive weight"));
        }
        raw.push((key.clone(), points, exponent, positive));
    }
    if raw.is_empty() {
        return Err(Error::EmptyTally { not_applicable: 0 });
    }
    // The largest exponent among cells with weight (a cell of zero weights
    // has exponent 0 and nothing to rescale).
    let common = raw.iter().filter(|r| r.3).map(|r| r.2).max().unwrap_or(0);
    let cells = raw
        .into_iter()
        .map(|(key, mut points, e, _)| {
            let f = pow2(e - common);
            for p in &mut points {
                p.weight *= f;
                p.weight_squared *= f * f;
            }
            CellSums {
                weight: points.iter().map(|p| p.weight).sum(),
                count: points.iter().map(|p| p.count).sum(),
                zero_weight: points.iter().map(|p| p.count - p.positive).sum(),
                key,
                points,
            }
        })
        .collect();
    Ok((segments.scale(), cells, common))
}

/// 2^e as a float, exact whenever it is representable (0 below the
/// subnormal range, infinite above the largest finite).
pub(crate) fn pow2(e: i32) -> f64 {
    // Two steps, so that 2^e is exact across the whole exponent range
    // (a single powi overflows its intermediate for |e| > 1023).
    let half = e / 2;
    2f64.powi(half) * 2f64.powi(e - half)
}

/// The moments of `statistic` when cell c's weights are multiplied by
/// `factors[c]`, with the linearized variance of a with-replacement
/// design (the caller replaces it by a calibrated one).
pub(crate) fn calibrated_moments<K>(
    cells: &[CellSums<K>],
    factors: &[f64],
    statistic: &Statistic,
) -> Moments {
    Moments::of(|| {
        cells.iter().zip(factors).flat_map(|(cell, &f)| {
            cell.points.iter().enumerate().map(move |(i, p)| {
                (
                    PointSums {
                        weight: p.weight * f,
                        weight_squared: p.weight_squared * f * f,
                        ..*p
                    },
                    statistic.value(i),
                )
            })
        })
    })
}
