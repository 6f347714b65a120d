//! The accumulators' state: the core's [`GroupedTally`], fed from Arrow
//! columns.
//!
//! DataFusion hands a `GroupsAccumulator` a batch of rows with a group
//! index per row; the core's grouped tally takes exactly that (group
//! indices beside scores, and weights), so its kernels, its checks and its
//! weight sums (kept at a power-of-two scale per group: no overflow, no
//! underflow) are the ones every other path of the crate uses.

use cxmetrics::{Error as CoreError, GroupedTally, Scale, ScoreValue, Tally};
use datafusion_common::arrow::array::{Array, ArrayRef, AsArray, BooleanArray, PrimitiveArray};
use datafusion_common::arrow::datatypes::{
    ArrowPrimitiveType, DataType, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type,
    Int64Type, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use datafusion_common::{DataFusionError, Result};

use crate::error::core_error;

/// The tallies of all groups of one aggregate.
#[derive(Debug)]
pub(crate) struct Groups {
    tallies: GroupedTally,
}

impl Groups {
    pub(crate) fn new(scale: Scale) -> Groups {
        Groups {
            tallies: GroupedTally::new(scale),
        }
    }

    pub(crate) fn scale(&self) -> Scale {
        self.tallies.scale()
    }

    /// Grows to `n` groups (never shrinks).
    pub(crate) fn resize(&mut self, n: usize) -> Result<()> {
        if n > self.tallies.groups() {
            self.tallies.resize(n).map_err(core_error)?;
        }
        Ok(())
    }

    /// The state's size in bytes: per cell a count, and for weighted data
    /// a positive count and two compensated sums; per group a few words.
    pub(crate) fn memory_size(&self) -> usize {
        let cells = self.tallies.groups() * self.scale().len();
        let per_cell = if self.tallies.is_weighted() { 48 } else { 8 };
        cells * per_cell + self.tallies.groups() * 32
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
        self.resize(total_groups)?;
        let weights = match weights {
            Some(w) => Some(w.as_primitive_opt::<Float64Type>().ok_or_else(|| {
                DataFusionError::Internal(format!("weights must be Float64, got {}", w.data_type()))
            })?),
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
        let mut na = NotApplicable::default();
        for (row, &g) in groups.iter().enumerate() {
            if kept(filter, row) {
                na.add(g);
            }
        }
        na.record(&mut self.tallies)
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
        T::Native: ScoreValue,
    {
        let values = scores.values();
        let dense = scores.null_count() == 0
            && filter.is_none()
            && weights.is_none_or(|w| w.null_count() == 0);
        if dense {
            // The hot path: every row is an answer; the batch goes to the
            // core as it is.
            let done = match weights {
                None => self.tallies.extend_scores(groups, values),
                Some(w) => self
                    .tallies
                    .extend_weighted_scores(groups, values, w.values()),
            };
            return done.map_err(core_error);
        }
        // NULL scores and filtered rows out; the answers left go to the
        // core in one batch, errors naming the row of the input.
        let mut rows = Vec::with_capacity(groups.len());
        let mut na = NotApplicable::default();
        for (row, &g) in groups.iter().enumerate() {
            if !kept(filter, row) {
                continue;
            }
            if scores.is_null(row) {
                na.add(g);
                continue;
            }
            if let Some(w) = weights
                && w.is_null(row)
            {
                return Err(DataFusionError::Execution(format!(
                    "the weight of the answer {:?} (row {row}) is NULL: give every answer a weight, or 0 to leave it out",
                    values[row]
                )));
            }
            rows.push(row);
        }
        let kept_groups: Vec<usize> = rows.iter().map(|&r| groups[r]).collect();
        let kept_scores: Vec<T::Native> = rows.iter().map(|&r| values[r]).collect();
        let done = match weights {
            None => self.tallies.extend_scores(&kept_groups, &kept_scores),
            Some(w) => {
                let kept_weights: Vec<f64> = rows.iter().map(|&r| w.value(r)).collect();
                self.tallies
                    .extend_weighted_scores(&kept_groups, &kept_scores, &kept_weights)
            }
        };
        done.map_err(|e| core_error(at_row(e, &rows)))?;
        na.record(&mut self.tallies)
    }

    /// Adds a stored tally to group `g`.
    pub(crate) fn merge_tally(&mut self, g: usize, tally: &Tally) -> Result<()> {
        self.tallies.merge_tally(g, tally).map_err(core_error)
    }

    /// Group `g` as a tally, leaving it in place (a window may evaluate
    /// again).
    pub(crate) fn tally(&self, g: usize) -> Result<Tally> {
        self.tallies.tally(g).map_err(core_error)
    }

    /// Takes out the first `n` groups (at most all), shifting the rest
    /// down.
    pub(crate) fn take_first(&mut self, n: usize) -> Result<Vec<Tally>> {
        let n = n.min(self.tallies.groups());
        self.tallies.take_first(n).map_err(core_error)
    }
}

/// Whether the filter keeps `row` (a NULL filter value does not).
fn kept(filter: Option<&BooleanArray>, row: usize) -> bool {
    filter.is_none_or(|f| f.is_valid(row) && f.value(row))
}

/// A batch's NULL scores per group, recorded after its answers.
#[derive(Default)]
struct NotApplicable {
    /// (group, count) runs: consecutive rows of one group add up.
    runs: Vec<(usize, u64)>,
}

impl NotApplicable {
    fn add(&mut self, g: usize) {
        match self.runs.last_mut() {
            Some((last, k)) if *last == g => *k += 1,
            _ => self.runs.push((g, 1)),
        }
    }

    fn record(self, tallies: &mut GroupedTally) -> Result<()> {
        for (g, k) in self.runs {
            tallies.add_not_applicable(g, k).map_err(core_error)?;
        }
        Ok(())
    }
}

/// The core's batch error with its position mapped back to the input row.
fn at_row(e: CoreError, rows: &[usize]) -> CoreError {
    match e {
        CoreError::InvalidBatchItem { index, error } => CoreError::InvalidBatchItem {
            index: rows.get(index).copied().unwrap_or(index),
            error,
        },
        other => other,
    }
}
