//! Many tallies at once, addressed by group index: the accumulators' state.
//!
//! Counts, weight sums and squared-weight sums are kept flat
//! (`groups × points`), so a batch is one pass of `counts[g·P + i] += 1`.
//! Weight sums are compensated (hi + lo) as in the core's `Tally`.

use cxmetrics::{Scale, Tally};
use datafusion_common::arrow::array::{Array, ArrayRef, AsArray, BooleanArray, PrimitiveArray};
use datafusion_common::arrow::datatypes::{
    ArrowPrimitiveType, DataType, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type,
    Int64Type, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use datafusion_common::{DataFusionError, Result};
use datafusion_expr::EmitTo;

use crate::error::core_error;

/// A compensated sum (Neumaier), the same scheme as the core's.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Sum {
    hi: f64,
    lo: f64,
}

impl Sum {
    #[inline]
    pub(crate) fn add(&mut self, x: f64) {
        let t = self.hi + x;
        if self.hi.abs() >= x.abs() {
            self.lo += (self.hi - t) + x;
        } else {
            self.lo += (x - t) + self.hi;
        }
        self.hi = t;
    }

    #[inline]
    pub(crate) fn value(self) -> f64 {
        self.hi + self.lo
    }
}

/// One group's sums, read out of [`Groups`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GroupParts {
    pub counts: Vec<u64>,
    pub weights: Vec<f64>,
    pub weights_squared: Vec<f64>,
    pub not_applicable: u64,
}

impl GroupParts {
    /// The core's tally for these sums, checked by the core's own rules.
    pub(crate) fn to_tally(&self, scale: Scale) -> Result<Tally> {
        tally_from_parts(scale, self)
    }
}

/// Builds a `Tally` from plain sums through the core's checked
/// deserializer, which applies every invariant of a tally.
pub(crate) fn tally_from_parts(scale: Scale, parts: &GroupParts) -> Result<Tally> {
    tally_from_sums(
        scale,
        &parts.counts,
        &parts.weights,
        &parts.weights_squared,
        parts.not_applicable,
    )
}

/// A [`Tally`] from per-point sums computed anywhere (lowest point first):
/// answer counts, weight sums, squared-weight sums, and the count of
/// "not applicable" answers.
///
/// This is the end of the engine-agnostic route: let any engine compute
/// `COUNT(*)`, `SUM(weight)` and `SUM(weight * weight)` grouped by key and
/// score, then build each key's tally here (for unweighted answers the
/// weight sums are the counts; `Tally::from_counts` does the same).
///
/// # Errors
///
/// The core's checks of a tally: one entry per point, sums that fit the
/// counts (non-negative, finite, a weight sum of 0 only without answers or
/// with zero weights, …).
///
/// # Example
///
/// ```
/// use cxmetrics::{Nps, Scale};
/// use cxmetrics_datafusion::tally_from_sums;
///
/// // SELECT score, COUNT(*), SUM(w), SUM(w * w) … GROUP BY score, on 0..=10:
/// let mut counts = [0u64; 11];
/// let mut w = [0.0; 11];
/// let mut w2 = [0.0; 11];
/// for (score, n, sw, sw2) in [(10, 2, 3.0, 5.0), (3, 1, 0.5, 0.25)] {
///     (counts[score], w[score], w2[score]) = (n, sw, sw2);
/// }
/// let t = tally_from_sums(Scale::NPS, &counts, &w, &w2, 0)?;
/// // Two promoters weighing 1 and 2, one detractor weighing 0.5.
/// assert!((Nps::from_tally(&t)?.score() - 2.5 / 3.5 * 100.0).abs() < 1e-12);
/// assert!(tally_from_sums(Scale::NPS, &counts[..3], &w, &w2, 0).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn tally_from_sums(
    scale: Scale,
    counts: &[u64],
    weights: &[f64],
    weights_squared: &[f64],
    not_applicable: u64,
) -> Result<Tally> {
    let polarity = match scale.polarity() {
        cxmetrics::Polarity::HigherIsBetter => "higher_is_better",
        _ => "lower_is_better",
    };
    // Non-finite sums are not JSON numbers: refuse them here, with the
    // values named.
    if let Some(bad) = weights
        .iter()
        .chain(weights_squared)
        .find(|w| !w.is_finite())
    {
        return Err(DataFusionError::Execution(format!(
            "invalid tally value: weight sum {bad} is not finite"
        )));
    }
    let value = serde_json::json!({
        "scale": { "lowest": scale.lowest(), "highest": scale.highest(), "polarity": polarity },
        "counts": counts,
        "weights": weights,
        "weights_squared": weights_squared,
        "not_applicable": not_applicable,
    });
    serde_json::from_value::<Tally>(value)
        .map_err(|e| DataFusionError::Execution(format!("invalid tally value: {e}")))
}

/// The tallies of all groups of one aggregate, flat.
#[derive(Debug)]
pub(crate) struct Groups {
    scale: Scale,
    points: usize,
    lowest: i128,
    /// Whether weight sums are kept; when not, every weight is 1 and the
    /// weight sums are the counts.
    weighted: bool,
    counts: Vec<u64>,
    weights: Vec<Sum>,
    weights_sq: Vec<Sum>,
    na: Vec<u64>,
}

fn overflow() -> DataFusionError {
    DataFusionError::Execution("a tally count would pass u64::MAX".to_string())
}

impl Groups {
    pub(crate) fn new(scale: Scale, weighted: bool) -> Groups {
        Groups {
            scale,
            points: scale.len(),
            lowest: i128::from(scale.lowest()),
            weighted,
            counts: Vec::new(),
            weights: Vec::new(),
            weights_sq: Vec::new(),
            na: Vec::new(),
        }
    }

    pub(crate) fn scale(&self) -> Scale {
        self.scale
    }

    pub(crate) fn len(&self) -> usize {
        self.na.len()
    }

    /// Grows to `n` groups (never shrinks).
    pub(crate) fn resize(&mut self, n: usize) {
        if n > self.na.len() {
            self.na.resize(n, 0);
            self.counts.resize(n * self.points, 0);
            if self.weighted {
                self.weights.resize(n * self.points, Sum::default());
                self.weights_sq.resize(n * self.points, Sum::default());
            }
        }
    }

    /// Switches to keeping weight sums: the answers so far weigh 1 each.
    fn make_weighted(&mut self) {
        if !self.weighted {
            self.weighted = true;
            let as_sum = |&c: &u64| Sum {
                hi: c as f64,
                lo: 0.0,
            };
            self.weights = self.counts.iter().map(as_sum).collect();
            self.weights_sq = self.weights.clone();
        }
    }

    pub(crate) fn memory_size(&self) -> usize {
        self.counts.capacity() * 8
            + (self.weights.capacity() + self.weights_sq.capacity()) * 16
            + self.na.capacity() * 8
    }

    /// Adds a batch of scores (and weights) to the given groups. NULL
    /// scores are "not applicable"; rows the filter rejects are skipped.
    pub(crate) fn update(
        &mut self,
        scores: &ArrayRef,
        weights: Option<&ArrayRef>,
        groups: &[usize],
        filter: Option<&BooleanArray>,
        total_groups: usize,
    ) -> Result<()> {
        self.resize(total_groups);
        let weights = match weights {
            Some(w) => {
                self.make_weighted();
                Some(w.as_primitive_opt::<Float64Type>().ok_or_else(|| {
                    DataFusionError::Internal(format!(
                        "weights must be Float64, got {}",
                        w.data_type()
                    ))
                })?)
            }
            None => None,
        };
        macro_rules! dispatch {
            ($($dt:ident => $t:ty),*) => {
                match scores.data_type() {
                    $(DataType::$dt => self.update_typed::<$t>(scores.as_primitive::<$t>(), weights, groups, filter),)*
                    DataType::Null => self.update_all_null(groups, filter),
                    other => Err(DataFusionError::Plan(format!(
                        "scores must be integers or floats, got {other}"
                    ))),
                }
            };
        }
        dispatch!(
            Int8 => Int8Type, Int16 => Int16Type, Int32 => Int32Type, Int64 => Int64Type,
            UInt8 => UInt8Type, UInt16 => UInt16Type, UInt32 => UInt32Type, UInt64 => UInt64Type,
            Float32 => Float32Type, Float64 => Float64Type
        )
    }

    fn update_all_null(&mut self, groups: &[usize], filter: Option<&BooleanArray>) -> Result<()> {
        for (row, &g) in groups.iter().enumerate() {
            if filter.is_none_or(|f| f.is_valid(row) && f.value(row)) {
                self.na[g] = self.na[g].checked_add(1).ok_or_else(overflow)?;
            }
        }
        Ok(())
    }

    fn update_typed<T>(
        &mut self,
        scores: &PrimitiveArray<T>,
        weights: Option<&PrimitiveArray<Float64Type>>,
        groups: &[usize],
        filter: Option<&BooleanArray>,
    ) -> Result<()>
    where
        T: ArrowPrimitiveType,
        T::Native: Score,
    {
        let values = scores.values();
        let p = self.points;
        let lo = self.lowest;
        let dense = scores.null_count() == 0 && filter.is_none() && weights.is_none();
        if dense {
            // The hot path: every row is an answer of weight 1.
            let counts = &mut self.counts;
            for (&g, &v) in groups.iter().zip(values.iter()) {
                match v.offset(lo, p) {
                    Some(i) => counts[g * p + i] += 1,
                    None => return Err(bad_score(v, self.scale)),
                }
            }
            return Ok(());
        }
        for (row, (&g, &v)) in groups.iter().zip(values.iter()).enumerate() {
            if let Some(f) = filter
                && !(f.is_valid(row) && f.value(row))
            {
                continue;
            }
            if scores.is_null(row) {
                self.na[g] = self.na[g].checked_add(1).ok_or_else(overflow)?;
                continue;
            }
            let i = v.offset(lo, p).ok_or_else(|| bad_score(v, self.scale))?;
            let cell = g * p + i;
            self.counts[cell] += 1;
            if let Some(w) = weights {
                if w.is_null(row) {
                    return Err(DataFusionError::Execution(format!(
                        "the weight of the answer {} is NULL: give every answer a weight, or 0 to leave it out",
                        v.describe()
                    )));
                }
                let w = w.value(row);
                cxmetrics::Weight::new(w).map_err(core_error)?;
                self.weights[cell].add(w);
                self.weights_sq[cell].add(w * w);
            }
        }
        Ok(())
    }

    /// Adds tallies given as sums to the given groups.
    pub(crate) fn merge_parts(&mut self, g: usize, parts: &GroupParts) -> Result<()> {
        let p = self.points;
        if parts.counts.len() != p {
            return Err(DataFusionError::Execution(format!(
                "a tally of {} points cannot be merged into one on scale {} ({p} points)",
                parts.counts.len(),
                self.scale
            )));
        }
        let unit = parts
            .counts
            .iter()
            .zip(&parts.weights)
            .zip(&parts.weights_squared)
            .all(|((&c, &w), &w2)| w == c as f64 && w2 == c as f64);
        if !unit {
            self.make_weighted();
        }
        self.na[g] = self.na[g]
            .checked_add(parts.not_applicable)
            .ok_or_else(overflow)?;
        for i in 0..p {
            let cell = g * p + i;
            self.counts[cell] = self.counts[cell]
                .checked_add(parts.counts[i])
                .ok_or_else(overflow)?;
            if self.weighted {
                self.weights[cell].add(parts.weights[i]);
                self.weights_sq[cell].add(parts.weights_squared[i]);
            }
        }
        Ok(())
    }

    /// The sums of group `g`.
    pub(crate) fn parts(&self, g: usize) -> GroupParts {
        let p = self.points;
        let counts = self.counts[g * p..(g + 1) * p].to_vec();
        let (weights, weights_squared) = if self.weighted {
            (
                self.weights[g * p..(g + 1) * p]
                    .iter()
                    .map(|s| s.value())
                    .collect(),
                self.weights_sq[g * p..(g + 1) * p]
                    .iter()
                    .map(|s| s.value())
                    .collect(),
            )
        } else {
            let w: Vec<f64> = counts.iter().map(|&c| c as f64).collect();
            (w.clone(), w)
        };
        GroupParts {
            counts,
            weights,
            weights_squared,
            not_applicable: self.na[g],
        }
    }

    /// Takes out the first groups (all, or `n`), shifting the rest down.
    pub(crate) fn take(&mut self, emit: EmitTo) -> Vec<GroupParts> {
        let n = match emit {
            EmitTo::All => self.len(),
            EmitTo::First(n) => n.min(self.len()),
        };
        let out = (0..n).map(|g| self.parts(g)).collect();
        let p = self.points;
        self.na.drain(..n);
        self.counts.drain(..n * p);
        if self.weighted {
            self.weights.drain(..n * p);
            self.weights_sq.drain(..n * p);
        }
        out
    }
}

#[cold]
#[inline(never)]
fn bad_score<S: Score>(v: S, scale: Scale) -> DataFusionError {
    match v.core_check(scale) {
        Err(e) => core_error(e),
        // Unreachable in practice: the fast check and the core agree.
        Ok(()) => DataFusionError::Internal(format!(
            "score {} was rejected but lies on scale {scale}",
            v.describe()
        )),
    }
}

/// A score column's native type: where a value falls on the scale.
pub(crate) trait Score: Copy {
    /// The index of the value on a scale of `points` points from `lowest`,
    /// or `None` when it is not one of the scale's points.
    fn offset(self, lowest: i128, points: usize) -> Option<usize>;
    /// The core's verdict on the value (its error when off the scale).
    fn core_check(self, scale: Scale) -> std::result::Result<(), cxmetrics::Error>;
    /// The value as text, for messages.
    fn describe(self) -> String;
}

macro_rules! int_score {
    ($($t:ty),*) => {$(
        impl Score for $t {
            #[inline(always)]
            fn offset(self, lowest: i128, points: usize) -> Option<usize> {
                let d = (self as i128).wrapping_sub(lowest);
                if (d as u128) < points as u128 { Some(d as usize) } else { None }
            }
            fn core_check(self, scale: Scale) -> std::result::Result<(), cxmetrics::Error> {
                scale.rating(self).map(|_| ())
            }
            fn describe(self) -> String {
                self.to_string()
            }
        }
    )*};
}
int_score!(i8, i16, i32, i64, u8, u16, u32, u64);

macro_rules! float_score {
    ($($t:ty),*) => {$(
        impl Score for $t {
            #[inline(always)]
            fn offset(self, lowest: i128, points: usize) -> Option<usize> {
                let v = f64::from(self);
                let d = v - lowest as f64;
                // Integral, finite and in range; NaN fails every comparison.
                if d >= 0.0 && d < points as f64 && d == d.trunc() { Some(d as usize) } else { None }
            }
            fn core_check(self, scale: Scale) -> std::result::Result<(), cxmetrics::Error> {
                scale.rating(self).map(|_| ())
            }
            fn describe(self) -> String {
                self.to_string()
            }
        }
    )*};
}
float_score!(f32, f64);
