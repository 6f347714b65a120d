//! A tally as an Arrow value: the column type of `cx_tally`, the state of
//! every aggregate, and the input of `cx_merge` and `cx_estimate`.

use std::sync::{Arc, LazyLock};

use cxmetrics::{PointSums, Polarity, Scale, Tally};
use datafusion_common::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Float64Array, Int32Array, ListArray, StructArray,
    UInt64Array,
};
use datafusion_common::arrow::buffer::OffsetBuffer;
use datafusion_common::arrow::datatypes::{
    DataType, Field, FieldRef, Fields, Float64Type, Int32Type, UInt64Type,
};
use datafusion_common::{DataFusionError, Result};

static FIELDS: LazyLock<Fields> = LazyLock::new(|| {
    Fields::from(vec![
        Field::new("lowest", DataType::Int32, false),
        Field::new("highest", DataType::Int32, false),
        Field::new("lower_is_better", DataType::Boolean, false),
        Field::new("counts", DataType::new_list(DataType::UInt64, true), false),
        Field::new(
            "positive",
            DataType::new_list(DataType::UInt64, true),
            false,
        ),
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
        Field::new("weight_exponent", DataType::Int32, false),
        Field::new("not_applicable", DataType::UInt64, false),
    ])
});

/// The Arrow type of a tally value: a struct of the scale (`lowest`,
/// `highest`, `lower_is_better`), per point (lowest first) the `counts`,
/// the `positive` counts (answers of positive weight), the `weights` and
/// `weights_squared` sums at the power of two `weight_exponent` (Σw·2^-e
/// and Σw²·2^-2e, as [`Tally::point_sums`] gives them), and the
/// `not_applicable` count.
///
/// It holds exactly what a [`Tally`] holds, so it can be stored (Parquet,
/// a table) and merged later with `cx_merge`, or turned into estimates with
/// `cx_estimate`, with the same results bit for bit. Unweighted answers
/// weigh 1, so their weight sums equal their counts (at exponent 0).
///
/// # Example
///
/// ```
/// use cxmetrics_datafusion::tally_type;
/// use datafusion_common::arrow::datatypes::DataType;
/// assert!(matches!(tally_type(), DataType::Struct(f) if f.len() == 9));
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
pub(crate) fn encode(scale: Scale, groups: &[Tally]) -> Result<ArrayRef> {
    let n = groups.len();
    let p = scale.len();
    let lowest = Int32Array::from(vec![scale.lowest(); n]);
    let highest = Int32Array::from(vec![scale.highest(); n]);
    let lib = BooleanArray::from(vec![scale.polarity() == Polarity::LowerIsBetter; n]);
    let offsets = OffsetBuffer::from_lengths(std::iter::repeat_n(p, n));
    let mut counts = Vec::with_capacity(n * p);
    let mut positive = Vec::with_capacity(n * p);
    let mut weights = Vec::with_capacity(n * p);
    let mut weights_sq = Vec::with_capacity(n * p);
    let mut exponent = Vec::with_capacity(n);
    let mut na = Vec::with_capacity(n);
    for t in groups {
        for s in t.point_sums() {
            counts.push(s.count);
            positive.push(s.positive);
            weights.push(s.weight);
            weights_sq.push(s.weight_squared);
        }
        exponent.push(t.weight_exponent());
        na.push(t.not_applicable());
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
        list(Arc::new(UInt64Array::from(positive)), DataType::UInt64)?,
        list(Arc::new(Float64Array::from(weights)), DataType::Float64)?,
        list(Arc::new(Float64Array::from(weights_sq)), DataType::Float64)?,
        Arc::new(Int32Array::from(exponent)),
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
    positive: &'a ListArray,
    weights: &'a ListArray,
    weights_sq: &'a ListArray,
    exponent: &'a Int32Array,
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
            positive: list("positive")?,
            weights: list("weights")?,
            weights_sq: list("weights_squared")?,
            exponent: col("weight_exponent")?
                .as_primitive_opt::<Int32Type>()
                .ok_or_else(|| prim_err("weight_exponent"))?,
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
    /// Row `i` as a tally (`None` for a NULL row), checked by the core
    /// as a deserialized tally is.
    pub(crate) fn tally(&self, i: usize) -> Result<Option<Tally>> {
        if self.is_null(i) {
            return Ok(None);
        }
        self.tally_on(i, self.scale(i)?).map(Some)
    }

    /// Row `i` (not NULL) as a tally on `scale`, which has the row's points
    /// and direction: a stored tally does not carry its question (NPS,
    /// CSAT …), the function reading it does.
    pub(crate) fn tally_on(&self, i: usize, scale: Scale) -> Result<Tally> {
        let counts = u64s(self.counts, i, "counts")?;
        let positive = u64s(self.positive, i, "positive")?;
        let weights = f64s(self.weights, i, "weights")?;
        let squares = f64s(self.weights_sq, i, "weights_squared")?;
        let lengths = [counts.len(), positive.len(), weights.len(), squares.len()];
        if lengths.iter().any(|&l| l != counts.len()) {
            return Err(invalid(&format!(
                "its per-point lists have different lengths {lengths:?}"
            )));
        }
        let sums: Vec<PointSums> = (0..counts.len())
            .map(|p| PointSums {
                count: counts[p],
                positive: positive[p],
                weight: weights[p],
                weight_squared: squares[p],
            })
            .collect();
        Tally::from_point_sums(scale, self.exponent.value(i), &sums, self.na.value(i))
            .map_err(crate::error::core_error)
    }
}

/// Row `i` of a list of u64 (no NULLs).
fn u64s(l: &ListArray, i: usize, name: &str) -> Result<Vec<u64>> {
    let v = l.value(i);
    let v = v
        .as_primitive_opt::<UInt64Type>()
        .ok_or_else(|| invalid(&format!("{name} is not a list of UInt64")))?;
    if v.null_count() > 0 {
        return Err(invalid(&format!("a NULL entry in {name}")));
    }
    Ok(v.values().to_vec())
}

/// Row `i` of a list of f64 (no NULLs).
fn f64s(l: &ListArray, i: usize, name: &str) -> Result<Vec<f64>> {
    let v = l.value(i);
    let v = v
        .as_primitive_opt::<Float64Type>()
        .ok_or_else(|| invalid(&format!("{name} is not a list of Float64")))?;
    if v.null_count() > 0 {
        return Err(invalid(&format!("a NULL entry in {name}")));
    }
    Ok(v.values().to_vec())
}
