//! `cx_estimate(tally, metric [, level [, method]])`: a tally value to an
//! estimate with its confidence interval.

use std::sync::{Arc, LazyLock};

use cxmetrics::ConfidenceLevel;
use datafusion_common::arrow::array::{
    Array, ArrayRef, AsArray, Float64Builder, StringBuilder, StructArray, UInt64Builder,
};
use datafusion_common::arrow::datatypes::{DataType, Field, Fields, Float64Type};
use datafusion_common::{DataFusionError, Result};
use datafusion_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};

use crate::error::core_error;
use crate::metric::Metric;
use crate::tally_value::TallyColumn;

static FIELDS: LazyLock<Fields> = LazyLock::new(|| {
    let f = |name: &str, t: DataType| Field::new(name, t, true);
    Fields::from(vec![
        f("value", DataType::Float64),
        f("lower", DataType::Float64),
        f("upper", DataType::Float64),
        f("std_error", DataType::Float64),
        f("n", DataType::UInt64),
        f("effective_n", DataType::Float64),
        f("level", DataType::Float64),
        f("method", DataType::Utf8),
        f("unit", DataType::Utf8),
        f("error", DataType::Utf8),
    ])
});

/// The Arrow type `cx_estimate` returns: a struct of `value`, `lower`,
/// `upper`, `std_error`, `n`, `effective_n`, `level`, `method`, `unit`
/// (`NPS points`, `share` or `scale points`) and `error`.
///
/// When the core cannot give the estimate for a row (no answers, a t
/// interval of one answer, answers that do not vary, …) the numbers are
/// NULL and `error` holds the core's message; otherwise `error` is NULL.
///
/// # Example
///
/// ```
/// use cxmetrics_datafusion::estimate_type;
/// use datafusion_common::arrow::datatypes::DataType;
/// assert!(matches!(estimate_type(), DataType::Struct(f) if f.len() == 10));
/// ```
#[must_use]
pub fn estimate_type() -> DataType {
    DataType::Struct(FIELDS.clone())
}

/// `cx_estimate(tally, metric [, level [, method]])`.
#[derive(Debug, PartialEq, Eq, Hash)]
struct CxEstimate {
    signature: Signature,
}

/// Every scalar function of the crate, ready to register: today
/// `cx_estimate(tally, metric [, level [, method]])`.
///
/// - `tally`: a tally value (from `cx_tally` or `cx_merge`);
/// - `metric`: `'nps'`, `'csat'` (top 2), `'top<k>'`, `'bottom<k>'`,
///   `'mean'` or `'ces'`;
/// - `level`: the confidence level, 0.95 by default;
/// - `method`: the interval method by the core's names (`'wilson'`,
///   `'clopper_pearson'`, `'adjusted_wald'`, `'trinomial_t'`, …), the
///   core's default for the metric when left out.
///
/// It returns [`estimate_type`].
#[must_use]
pub fn scalar_udfs() -> Vec<Arc<ScalarUDF>> {
    vec![Arc::new(ScalarUDF::from(CxEstimate {
        signature: Signature::user_defined(Volatility::Immutable),
    }))]
}

impl ScalarUDFImpl for CxEstimate {
    fn name(&self) -> &str {
        "cx_estimate"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        let usage = "usage: cx_estimate(tally, metric [, level [, method]])";
        if !(2..=4).contains(&arg_types.len()) || !matches!(arg_types[0], DataType::Struct(_)) {
            return Err(DataFusionError::Plan(format!(
                "cx_estimate takes a tally value (from cx_tally) and a metric name; {usage}"
            )));
        }
        let mut out = vec![arg_types[0].clone(), DataType::Utf8];
        if arg_types.len() > 2 {
            if !(arg_types[2].is_numeric() || arg_types[2] == DataType::Null) {
                return Err(DataFusionError::Plan(format!(
                    "the level must be a number such as 0.95; {usage}"
                )));
            }
            out.push(DataType::Float64);
        }
        if arg_types.len() > 3 {
            out.push(DataType::Utf8);
        }
        Ok(out)
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(estimate_type())
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        let arrays: Vec<ArrayRef> = args
            .args
            .iter()
            .map(|a| a.to_array(rows))
            .collect::<Result<_>>()?;
        let tallies = TallyColumn::new(&arrays[0])?;
        let metrics = arrays[1].as_string::<i32>();
        let levels = arrays.get(2).map(|a| a.as_primitive::<Float64Type>());
        let methods = arrays.get(3).map(|a| a.as_string::<i32>());

        let mut b = Builders::new(rows);
        for i in 0..rows {
            if tallies.is_null(i) || metrics.is_null(i) {
                b.null_row();
                continue;
            }
            let metric = Metric::parse(metrics.value(i))?;
            let level = match levels {
                Some(l) if l.is_valid(i) => ConfidenceLevel::new(l.value(i)).map_err(core_error)?,
                _ => ConfidenceLevel::P95,
            };
            let method = methods.and_then(|m| m.is_valid(i).then(|| m.value(i)));
            let Some(tally) = tallies.tally(i)? else {
                b.null_row();
                continue;
            };
            match metric.estimate(&tally, level, method)? {
                Ok(e) => b.estimate(&e),
                Err(e) => b.failed(&e.to_string()),
            }
        }
        Ok(ColumnarValue::Array(b.finish()?))
    }
}

struct Builders {
    value: Float64Builder,
    lower: Float64Builder,
    upper: Float64Builder,
    se: Float64Builder,
    n: UInt64Builder,
    n_eff: Float64Builder,
    level: Float64Builder,
    method: StringBuilder,
    unit: StringBuilder,
    error: StringBuilder,
    valid: Vec<bool>,
}

impl Builders {
    fn new(rows: usize) -> Builders {
        Builders {
            value: Float64Builder::with_capacity(rows),
            lower: Float64Builder::with_capacity(rows),
            upper: Float64Builder::with_capacity(rows),
            se: Float64Builder::with_capacity(rows),
            n: UInt64Builder::with_capacity(rows),
            n_eff: Float64Builder::with_capacity(rows),
            level: Float64Builder::with_capacity(rows),
            method: StringBuilder::new(),
            unit: StringBuilder::new(),
            error: StringBuilder::new(),
            valid: Vec::with_capacity(rows),
        }
    }

    fn numbers(
        &mut self,
        v: [Option<f64>; 4],
        n: Option<u64>,
        n_eff: Option<f64>,
        level: Option<f64>,
    ) {
        self.value.append_option(v[0]);
        self.lower.append_option(v[1]);
        self.upper.append_option(v[2]);
        self.se.append_option(v[3]);
        self.n.append_option(n);
        self.n_eff.append_option(n_eff);
        self.level.append_option(level);
    }

    fn estimate(&mut self, e: &cxmetrics::Estimate) {
        self.numbers(
            [
                Some(e.value),
                Some(e.interval.lower),
                Some(e.interval.upper),
                Some(e.std_error),
            ],
            Some(e.n),
            Some(e.effective_n),
            Some(e.level.get()),
        );
        self.method.append_value(e.method.to_string());
        self.unit.append_value(e.unit.to_string());
        self.error.append_null();
        self.valid.push(true);
    }

    fn failed(&mut self, message: &str) {
        self.numbers([None; 4], None, None, None);
        self.method.append_null();
        self.unit.append_null();
        self.error.append_value(message);
        self.valid.push(true);
    }

    fn null_row(&mut self) {
        self.numbers([None; 4], None, None, None);
        self.method.append_null();
        self.unit.append_null();
        self.error.append_null();
        self.valid.push(false);
    }

    fn finish(mut self) -> Result<ArrayRef> {
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.value.finish()),
            Arc::new(self.lower.finish()),
            Arc::new(self.upper.finish()),
            Arc::new(self.se.finish()),
            Arc::new(self.n.finish()),
            Arc::new(self.n_eff.finish()),
            Arc::new(self.level.finish()),
            Arc::new(self.method.finish()),
            Arc::new(self.unit.finish()),
            Arc::new(self.error.finish()),
        ];
        let nulls = if self.valid.iter().all(|&v| v) {
            None
        } else {
            Some(self.valid.into())
        };
        Ok(Arc::new(StructArray::try_new(
            FIELDS.clone(),
            columns,
            nulls,
        )?))
    }
}
