//! The aggregate functions: `nps`, `top_box`, `bottom_box`, `csat`, `ces`,
//! `cx_mean`, `cx_tally` and `cx_merge`.

use std::sync::Arc;

use cxmetrics::{Scale, Tally};
use datafusion_common::arrow::array::{Array, ArrayRef, BooleanArray, Float64Array};
use datafusion_common::arrow::datatypes::{DataType, FieldRef, Schema};
use datafusion_common::arrow::record_batch::RecordBatch;
use datafusion_common::{DataFusionError, Result, ScalarValue};
use datafusion_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion_expr::{
    Accumulator, AggregateUDF, AggregateUDFImpl, ColumnarValue, EmitTo, GroupsAccumulator,
    Signature, Volatility,
};
use datafusion_physical_expr_common::physical_expr::PhysicalExpr;

use crate::groups::Groups;
use crate::metric::Metric;
use crate::scale_arg::parse_scale;
use crate::tally_value::{TallyColumn, encode, tally_field, tally_type};

/// What an aggregate returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Output {
    /// A score's point value (`Float64`), NULL for a group without answers.
    Value(Metric),
    /// The tally itself (`cx_tally`, `cx_merge`).
    Tally,
}

/// How an aggregate reads its arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Input {
    /// `f(score [, weight] [, scale])`.
    Scores { default_scale: Scale, takes_k: bool },
    /// `cx_merge(tally)`.
    Tallies,
}

/// One of the crate's aggregate functions.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct CxAggregate {
    name: &'static str,
    output: Output,
    input: Input,
    signature: Signature,
}

impl CxAggregate {
    fn new(name: &'static str, output: Output, input: Input) -> CxAggregate {
        CxAggregate {
            name,
            output,
            input,
            signature: Signature::user_defined(Volatility::Immutable),
        }
    }
}

fn scores(default_scale: Scale, takes_k: bool) -> Input {
    Input::Scores {
        default_scale,
        takes_k,
    }
}

/// Every aggregate function of the crate, ready to register.
///
/// | function | returns |
/// | --- | --- |
/// | `nps(score [, weight] [, scale])` | NPS in points (−100..=100); scale 0..=10 by default |
/// | `csat(score [, weight] [, scale])` | top-2 share (0..=1); scale 1..=5 by default |
/// | `top_box(score, k [, weight] [, scale])` | share of the best `k` points; 1..=5 by default |
/// | `bottom_box(score, k [, weight] [, scale])` | share of the worst `k` points; 1..=5 by default |
/// | `ces(score [, weight] [, scale])` | mean effort score; 1..=7, higher is easier, by default |
/// | `cx_mean(score [, weight] [, scale])` | mean rating; 1..=5 by default |
/// | `cx_tally(score [, weight] [, scale])` | the tally ([`tally_type`](crate::tally_type)); 0..=10 by default |
/// | `cx_merge(tally)` | the merged tally |
///
/// `score` is any integer or float column; a NULL score is a missing
/// answer (counted as not applicable, not scored). `weight` is a numeric
/// column; `scale` a string constant (see [`parse_scale`](crate::parse_scale)),
/// `k` an integer constant. "Best" follows the scale's direction. A group
/// without answers gives NULL; a score off the scale, a non-integral score
/// or a bad weight fails the query with the core crate's message.
#[must_use]
pub fn aggregate_udfs() -> Vec<Arc<AggregateUDF>> {
    let all = [
        CxAggregate::new("nps", Output::Value(Metric::Nps), scores(Scale::NPS, false)),
        CxAggregate::new(
            "csat",
            Output::Value(Metric::TopBox(2)),
            scores(Scale::CSAT_5, false),
        ),
        CxAggregate::new(
            "top_box",
            Output::Value(Metric::TopBox(0)),
            scores(Scale::CSAT_5, true),
        ),
        CxAggregate::new(
            "bottom_box",
            Output::Value(Metric::BottomBox(0)),
            scores(Scale::CSAT_5, true),
        ),
        CxAggregate::new(
            "ces",
            Output::Value(Metric::Mean),
            scores(Scale::CES_7, false),
        ),
        CxAggregate::new(
            "cx_mean",
            Output::Value(Metric::Mean),
            scores(Metric::Mean.default_scale(), false),
        ),
        CxAggregate::new("cx_tally", Output::Tally, scores(Scale::NPS, false)),
        CxAggregate::new("cx_merge", Output::Tally, Input::Tallies),
    ];
    all.into_iter()
        .map(|f| Arc::new(AggregateUDF::from(f)))
        .collect()
}

fn is_text(t: &DataType) -> bool {
    matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

fn is_int(t: &DataType) -> bool {
    t.is_integer()
}

fn is_number(t: &DataType) -> bool {
    t.is_numeric() || *t == DataType::Null
}

/// The role of each argument after the score (and `k`).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    Score,
    K,
    Weight,
    Scale,
}

impl CxAggregate {
    fn roles(&self, types: &[DataType]) -> Result<Vec<Role>> {
        let usage = match self.input {
            Input::Tallies => format!("{}(tally)", self.name),
            Input::Scores { takes_k: true, .. } => {
                format!("{}(score, k [, weight] [, scale])", self.name)
            }
            Input::Scores { .. } => format!("{}(score [, weight] [, scale])", self.name),
        };
        let bad = |why: String| DataFusionError::Plan(format!("{why}; usage: {usage}"));
        let Input::Scores { takes_k, .. } = self.input else {
            return Ok(vec![Role::Score]);
        };
        let fixed = if takes_k { 2 } else { 1 };
        if types.len() < fixed || types.len() > fixed + 2 {
            return Err(bad(format!(
                "{} takes {} to {} arguments, got {}",
                self.name,
                fixed,
                fixed + 2,
                types.len()
            )));
        }
        let mut roles = vec![Role::Score];
        if !(types[0].is_numeric() || types[0] == DataType::Null) {
            return Err(bad(format!(
                "the score must be an integer or float column, got {}",
                types[0]
            )));
        }
        if takes_k {
            if !is_int(&types[1]) {
                return Err(bad(format!(
                    "k must be an integer constant, got {}",
                    types[1]
                )));
            }
            roles.push(Role::K);
        }
        let mut seen_weight = false;
        let mut seen_scale = false;
        for t in &types[fixed..] {
            if is_text(t) && !seen_scale {
                seen_scale = true;
                roles.push(Role::Scale);
            } else if is_number(t) && !seen_weight && !seen_scale {
                seen_weight = true;
                roles.push(Role::Weight);
            } else {
                return Err(bad(format!("unexpected argument of type {t}")));
            }
        }
        Ok(roles)
    }
}

impl AggregateUDFImpl for CxAggregate {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        if self.input == Input::Tallies {
            return match arg_types {
                [t] if matches!(t, DataType::Struct(_)) => Ok(vec![t.clone()]),
                _ => Err(DataFusionError::Plan(format!(
                    "{}(tally) takes one tally value (from cx_tally), got {arg_types:?}",
                    self.name
                ))),
            };
        }
        let roles = self.roles(arg_types)?;
        Ok(roles
            .iter()
            .zip(arg_types)
            .map(|(role, t)| match role {
                Role::Score => match t {
                    t if t.is_integer() || matches!(t, DataType::Float32 | DataType::Float64) => {
                        t.clone()
                    }
                    DataType::Null => DataType::Int64,
                    // Decimals and halves: read as floats, checked to be integral.
                    _ => DataType::Float64,
                },
                Role::K => DataType::Int64,
                Role::Weight => DataType::Float64,
                Role::Scale => DataType::Utf8,
            })
            .collect())
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(match self.output {
            Output::Value(_) => DataType::Float64,
            Output::Tally => tally_type(),
        })
    }

    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        Ok(vec![tally_field(&format!("{}[tally]", args.name))])
    }

    fn accumulator(&self, args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(OneGroup(self.groups_accumulator(&args)?)))
    }

    fn groups_accumulator_supported(&self, _args: AccumulatorArgs) -> bool {
        true
    }

    fn create_groups_accumulator(
        &self,
        args: AccumulatorArgs,
    ) -> Result<Box<dyn GroupsAccumulator>> {
        Ok(Box::new(self.groups_accumulator(&args)?))
    }
}

/// Evaluates a constant argument (a literal, possibly cast).
fn constant(expr: &Arc<dyn PhysicalExpr>, schema: &Schema, what: &str) -> Result<ScalarValue> {
    let empty = RecordBatch::new_empty(Arc::new(schema.clone()));
    match expr.evaluate(&empty)? {
        ColumnarValue::Scalar(v) => Ok(v),
        ColumnarValue::Array(_) => Err(DataFusionError::Plan(format!(
            "{what} must be a constant, not a column"
        ))),
    }
}

impl CxAggregate {
    fn groups_accumulator(&self, args: &AccumulatorArgs) -> Result<CxAccumulator> {
        if args.is_distinct {
            return Err(DataFusionError::Plan(format!(
                "{}(DISTINCT …) would drop repeated answers; aggregate without DISTINCT",
                self.name
            )));
        }
        let Input::Scores { default_scale, .. } = self.input else {
            return Ok(CxAccumulator {
                output: self.output,
                merging: true,
                groups: None,
                total_groups: 0,
                weight_col: None,
            });
        };
        let types: Vec<DataType> = args
            .expr_fields
            .iter()
            .map(|f| f.data_type().clone())
            .collect();
        let roles = self.roles(&types)?;
        let mut scale = default_scale;
        let mut metric = match self.output {
            Output::Value(m) => Some(m),
            Output::Tally => None,
        };
        let mut weight_col = None;
        for (i, role) in roles.iter().enumerate() {
            match role {
                Role::Score => {}
                Role::K => {
                    let k = match constant(&args.exprs[i], args.schema, "k")?
                        .cast_to(&DataType::Int64)?
                    {
                        ScalarValue::Int64(Some(k)) => k,
                        other => {
                            return Err(DataFusionError::Plan(format!(
                                "k must be a positive integer constant, got {other}"
                            )));
                        }
                    };
                    let k = u32::try_from(k).map_err(|_| {
                        DataFusionError::Plan(format!("k must be a positive integer, got {k}"))
                    })?;
                    metric = match metric {
                        Some(Metric::TopBox(_)) => Some(Metric::TopBox(k)),
                        Some(Metric::BottomBox(_)) => Some(Metric::BottomBox(k)),
                        m => m,
                    };
                }
                Role::Weight => weight_col = Some(i),
                Role::Scale => match constant(&args.exprs[i], args.schema, "the scale")? {
                    ScalarValue::Utf8(Some(s))
                    | ScalarValue::Utf8View(Some(s))
                    | ScalarValue::LargeUtf8(Some(s)) => scale = parse_scale(&s)?,
                    other => {
                        return Err(DataFusionError::Plan(format!(
                            "the scale must be a string constant such as '1..=5', got {other}"
                        )));
                    }
                },
            }
        }
        let output = match metric {
            Some(m) => Output::Value(m),
            None => Output::Tally,
        };
        // Check k against the scale now, with the core's message.
        if let Some(m @ (Metric::TopBox(_) | Metric::BottomBox(_))) = metric {
            let t = Tally::from_counts(scale, &vec![1; scale.len()])
                .map_err(crate::error::core_error)?;
            m.value(&t)?;
        }
        Ok(CxAccumulator {
            output,
            merging: false,
            groups: Some(Groups::new(scale)),
            total_groups: 0,
            weight_col,
        })
    }
}

/// The accumulator of all groups of one aggregate.
#[derive(Debug)]
struct CxAccumulator {
    output: Output,
    /// `cx_merge`: the input rows are tallies, not scores.
    merging: bool,
    /// `None` for `cx_merge` until it sees its first tally (whose scale it
    /// takes).
    groups: Option<Groups>,
    /// The number of groups asked for so far (for `cx_merge` before it
    /// knows its scale).
    total_groups: usize,
    weight_col: Option<usize>,
}

impl CxAccumulator {
    fn emit(&mut self, emit: EmitTo) -> Result<(Option<Scale>, Vec<Tally>, usize)> {
        let n = match emit {
            EmitTo::All => self.total_groups,
            EmitTo::First(n) => n.min(self.total_groups),
        };
        self.total_groups -= n;
        match &mut self.groups {
            Some(g) => {
                g.resize(n)?;
                Ok((Some(g.scale()), g.take_first(n)?, n))
            }
            None => Ok((None, Vec::new(), n)),
        }
    }

    fn merge_tallies(&mut self, values: &[ArrayRef], groups: &[usize], total: usize) -> Result<()> {
        self.total_groups = self.total_groups.max(total);
        let col = TallyColumn::new(&values[0])?;
        for (row, &g) in groups.iter().enumerate().take(col.len()) {
            if col.is_null(row) {
                continue;
            }
            let scale = col.scale(row)?;
            let target = self.groups.get_or_insert_with(|| Groups::new(scale));
            // A stored tally does not carry its question (NPS, CSAT …): the
            // function's scale gives it, so points and direction must agree.
            let t = target.scale();
            if (t.lowest(), t.highest(), t.polarity())
                != (scale.lowest(), scale.highest(), scale.polarity())
            {
                // The core's own message for tallies on different scales.
                let mismatch = Tally::new(target.scale()).merge(&Tally::new(scale));
                return Err(match mismatch {
                    Err(e) => crate::error::core_error(e),
                    Ok(()) => DataFusionError::Internal("scales differ".into()),
                });
            }
            target.resize(self.total_groups)?;
            let tally = col.tally_on(row, t)?;
            target.merge_tally(g, &tally)?;
        }
        Ok(())
    }
}

impl GroupsAccumulator for CxAccumulator {
    fn update_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        opt_filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) -> Result<()> {
        self.total_groups = self.total_groups.max(total_num_groups);
        if self.merging {
            // cx_merge: its input rows are tallies.
            if let Some(f) = opt_filter {
                let kept = datafusion_common::arrow::compute::filter(&values[0], f)?;
                let idx: Vec<usize> = group_indices
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| f.is_valid(*i) && f.value(*i))
                    .map(|(_, &g)| g)
                    .collect();
                return self.merge_tallies(&[kept], &idx, total_num_groups);
            }
            return self.merge_tallies(values, group_indices, total_num_groups);
        }
        let Some(groups) = &mut self.groups else {
            return Err(DataFusionError::Internal(
                "an aggregate of scores without its tallies".to_string(),
            ));
        };
        let weights = self.weight_col.map(|i| &values[i]);
        groups.update(
            &values[0],
            weights,
            group_indices,
            opt_filter,
            total_num_groups,
        )
    }

    fn evaluate(&mut self, emit_to: EmitTo) -> Result<ArrayRef> {
        let (scale, tallies, n) = self.emit(emit_to)?;
        finish(self.output, scale, &tallies, n)
    }

    fn state(&mut self, emit_to: EmitTo) -> Result<Vec<ArrayRef>> {
        let (scale, tallies, n) = self.emit(emit_to)?;
        Ok(vec![match scale {
            Some(scale) => encode(scale, &tallies)?,
            None => datafusion_common::arrow::array::new_null_array(&tally_type(), n),
        }])
    }

    fn merge_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        total_num_groups: usize,
    ) -> Result<()> {
        self.merge_tallies(values, group_indices, total_num_groups)
    }

    fn convert_to_state(
        &self,
        values: &[ArrayRef],
        opt_filter: Option<&BooleanArray>,
    ) -> Result<Vec<ArrayRef>> {
        let rows = values.first().map_or(0, |v| v.len());
        let mut each = CxAccumulator {
            output: self.output,
            merging: self.merging,
            groups: self.groups.as_ref().map(|g| Groups::new(g.scale())),
            total_groups: 0,
            weight_col: self.weight_col,
        };
        let idx: Vec<usize> = (0..rows).collect();
        each.update_batch(values, &idx, opt_filter, rows)?;
        each.state(EmitTo::All)
    }

    fn size(&self) -> usize {
        std::mem::size_of::<Self>() + self.groups.as_ref().map_or(0, Groups::memory_size)
    }
}

/// The output column of groups' sums.
fn finish(output: Output, scale: Option<Scale>, tallies: &[Tally], n: usize) -> Result<ArrayRef> {
    match (output, scale) {
        (Output::Value(metric), Some(_)) => {
            let mut out = Vec::with_capacity(tallies.len());
            for t in tallies {
                out.push(metric.value(t)?);
            }
            Ok(Arc::new(Float64Array::from(out)))
        }
        (Output::Value(_), None) => Ok(Arc::new(Float64Array::from(vec![None; n]))),
        (Output::Tally, Some(scale)) => encode(scale, tallies),
        (Output::Tally, None) => Ok(datafusion_common::arrow::array::new_null_array(
            &tally_type(),
            n,
        )),
    }
}

/// The per-group `Accumulator`: the grouped one with a single group.
#[derive(Debug)]
struct OneGroup(CxAccumulator);

impl OneGroup {
    /// The single group's sums, without taking them out (a window may
    /// evaluate again).
    fn current(&mut self) -> Result<(Option<Scale>, Vec<Tally>)> {
        match &mut self.0.groups {
            Some(g) => {
                g.resize(1)?;
                Ok((Some(g.scale()), vec![g.tally(0)?]))
            }
            None => Ok((None, Vec::new())),
        }
    }
}

impl Accumulator for OneGroup {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let rows = values.first().map_or(0, |v| v.len());
        self.0.update_batch(values, &vec![0; rows], None, 1)
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        let (scale, tallies) = self.current()?;
        ScalarValue::try_from_array(&finish(self.0.output, scale, &tallies, 1)?, 0)
    }

    fn size(&self) -> usize {
        self.0.size()
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let (scale, tallies) = self.current()?;
        let state = match scale {
            Some(scale) => encode(scale, &tallies)?,
            None => datafusion_common::arrow::array::new_null_array(&tally_type(), 1),
        };
        Ok(vec![ScalarValue::try_from_array(&state, 0)?])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let rows = states.first().map_or(0, |v| v.len());
        self.0.merge_tallies(states, &vec![0; rows], 1)
    }
}
