//! A tally as an Arrow value: the column type of `cx_tally`, the state of
//! every aggregate, and the input of `cx_merge` and `cx_estimate`.

use std::sync::{Arc, LazyLock};

use cxmetrics::{Polarity, Scale, Tally};
use datafusion_common::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Float64Array, Int32Array, ListArray, StructArray,
    UInt64Array,
};
use datafusion_common::arrow::buffer::OffsetBuffer;
use datafusion_common::arrow::datatypes::{
    DataType, Field, FieldRef, Fields, Float64Type, Int32Type, UInt64Type,
};
use datafusion_common::{DataFusionError, Result};

use crate::groups::GroupParts;

static FIELDS: LazyLock<Fields> = LazyLock::new(|| {
    Fields::from(vec![
        Field::new("lowest", DataType::Int32, false),
        Field::new("highest", DataType::Int32, false),
        Field::new("lower_is_better", DataType::Boolean, false),
        Field::new("counts", DataType::new_list(DataType::UInt64, true), false),
        Field::new(
            "weights",
            DataType::new_list(DataType::Float64, true),
            false,
        ),
        Field::new(
            "weights_squared",
            DataType::new_list(DataType::Float64, true),
            false,
        ),
        Field::new("not_applicable", DataType::UInt64, false),
    ])
});

/// The Arrow type of a tally value: a struct of the scale (`lowest`,
/// `highest`, `lower_is_better`), per-point `counts`, `weights` and
/// `weights_squared` (lowest point first) and the `not_applicable` count.
///
/// It holds everything a [`Tally`] holds, so it can be stored (Parquet,
/// a table) and merged later with `cx_merge`, or turned into estimates with
/// `cx_estimate`. Unweighted answers weigh 1, so their weight sums equal
/// their counts.
///
/// # Example
///
/// ```
/// use cxmetrics_datafusion::tally_type;
/// use datafusion_common::arrow::datatypes::DataType;
/// assert!(matches!(tally_type(), DataType::Struct(f) if f.len() == 7));
/// ```
#[must_use]
pub fn tally_type() -> DataType {
    DataType::Struct(FIELDS.clone())
}

/// The field of a tally value named `name`.
pub(crate) fn tally_field(name: &str) -> FieldRef {
    Arc::new(Field::new(name, tally_type(), true))
}

/// Encodes groups' sums on one scale as a tally column.
pub(crate) fn encode(scale: Scale, groups: &[GroupParts]) -> Result<ArrayRef> {
    let n = groups.len();
    let p = scale.len();
    let lowest = Int32Array::from(vec![scale.lowest(); n]);
    let highest = Int32Array::from(vec![scale.highest(); n]);
    let lib = BooleanArray::from(vec![scale.polarity() == Polarity::LowerIsBetter; n]);
    let offsets = OffsetBuffer::from_lengths(std::iter::repeat_n(p, n));
    let mut counts = Vec::with_capacity(n * p);
    let mut weights = Vec::with_capacity(n * p);
    let mut weights_sq = Vec::with_capacity(n * p);
    let mut na = Vec::with_capacity(n);
    for g in groups {
        counts.extend_from_slice(&g.counts);
        weights.extend_from_slice(&g.weights);
        weights_sq.extend_from_slice(&g.weights_squared);
        na.push(g.not_applicable);
    }
    let list = |values: ArrayRef, t: DataType| -> Result<ArrayRef> {
        Ok(Arc::new(ListArray::try_new(
            Arc::new(Field::new_list_field(t, true)),
            offsets.clone(),
            values,
            None,
        )?))
    };
    let columns: Vec<ArrayRef> = vec![
        Arc::new(lowest),
        Arc::new(highest),
        Arc::new(lib),
        list(Arc::new(UInt64Array::from(counts)), DataType::UInt64)?,
        list(Arc::new(Float64Array::from(weights)), DataType::Float64)?,
        list(Arc::new(Float64Array::from(weights_sq)), DataType::Float64)?,
        Arc::new(UInt64Array::from(na)),
    ];
    Ok(Arc::new(StructArray::try_new(
        FIELDS.clone(),
        columns,
        None,
    )?))
}

/// Reads tally values row by row.
pub(crate) struct TallyColumn<'a> {
    array: &'a StructArray,
    lowest: &'a Int32Array,
    highest: &'a Int32Array,
    lower_is_better: &'a BooleanArray,
    counts: &'a ListArray,
    weights: &'a ListArray,
    weights_sq: &'a ListArray,
    na: &'a UInt64Array,
}

fn invalid(what: &str) -> DataFusionError {
    DataFusionError::Execution(format!("not a tally value: {what}"))
}

impl<'a> TallyColumn<'a> {
    /// Checks that `array` has the shape of [`tally_type`].
    pub(crate) fn new(array: &'a ArrayRef) -> Result<TallyColumn<'a>> {
        let s = array
            .as_struct_opt()
            .ok_or_else(|| invalid(&format!("expected a struct, got {}", array.data_type())))?;
        let col = |name: &str| {
            s.column_by_name(name)
                .ok_or_else(|| invalid(&format!("field {name} is missing")))
        };
        let list = |name: &str| -> Result<&'a ListArray> {
            col(name)?
                .as_list_opt::<i32>()
                .ok_or_else(|| invalid(&format!("field {name} is not a list")))
        };
        let prim_err = |name: &str| invalid(&format!("field {name} has the wrong type"));
        Ok(TallyColumn {
            array: s,
            lowest: col("lowest")?
                .as_primitive_opt::<Int32Type>()
                .ok_or_else(|| prim_err("lowest"))?,
            highest: col("highest")?
                .as_primitive_opt::<Int32Type>()
                .ok_or_else(|| prim_err("highest"))?,
            lower_is_better: col("lower_is_better")?
                .as_boolean_opt()
                .ok_or_else(|| prim_err("lower_is_better"))?,
            counts: list("counts")?,
            weights: list("weights")?,
            weights_sq: list("weights_squared")?,
            na: col("not_applicable")?
                .as_primitive_opt::<UInt64Type>()
                .ok_or_else(|| prim_err("not_applicable"))?,
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.array.len()
    }

    /// Whether row `i` is NULL (no tally).
    pub(crate) fn is_null(&self, i: usize) -> bool {
        self.array.is_null(i)
    }

    /// The scale of row `i`.
    pub(crate) fn scale(&self, i: usize) -> Result<Scale> {
        let polarity = if self.lower_is_better.value(i) {
            Polarity::LowerIsBetter
        } else {
            Polarity::HigherIsBetter
        };
        Scale::new(self.lowest.value(i), self.highest.value(i), polarity)
            .map_err(crate::error::core_error)
    }

    /// The sums of row `i`.
    pub(crate) fn parts(&self, i: usize) -> Result<GroupParts> {
        let u64s = |l: &ListArray| -> Result<Vec<u64>> {
            let v = l.value(i);
            let v = v
                .as_primitive_opt::<UInt64Type>()
                .ok_or_else(|| invalid("counts"))?;
            if v.null_count() > 0 {
                return Err(invalid("a NULL count"));
            }
            Ok(v.values().to_vec())
        };
        let f64s = |l: &ListArray| -> Result<Vec<f64>> {
            let v = l.value(i);
            let v = v
                .as_primitive_opt::<Float64Type>()
                .ok_or_else(|| invalid("weights"))?;
            if v.null_count() > 0 {
                return Err(invalid("a NULL weight sum"));
            }
            Ok(v.values().to_vec())
        };
        Ok(GroupParts {
            counts: u64s(self.counts)?,
            weights: f64s(self.weights)?,
            weights_squared: f64s(self.weights_sq)?,
            not_applicable: self.na.value(i),
        })
    }

    /// Row `i` as the core's tally (checked by the core), or `None` for a
    /// NULL row.
    pub(crate) fn tally(&self, i: usize) -> Result<Option<Tally>> {
        if self.is_null(i) {
            return Ok(None);
        }
        let scale = self.scale(i)?;
        self.parts(i)?.to_tally(scale).map(Some)
    }
}
