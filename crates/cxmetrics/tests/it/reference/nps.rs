//! Reference kinds of NPS inference (`nps-inference.json`): the adjusted
//! two-sample NPS test, multiplicity adjustment and the power of an NPS
//! comparison. (`nps_ci` with the Tango and Bayes methods runs in the
//! common `nps_ci` arm.)

use cxmetrics::compare::{self, NpsDifferenceMethod};
use cxmetrics::multiplicity::{self, Adjustment};
use cxmetrics::plan::{self, NpsShares};
use cxmetrics::{ConfidenceLevel, Margin};
use serde_json::Value;

use super::{Outcome, level, nps_counts, num, out};

fn shares(v: &Value) -> Result<NpsShares, String> {
    NpsShares::new(num(v, "promoters_share")?, num(v, "detractors_share")?)
        .map_err(|e| e.to_string())
}

/// Runs a case of an NPS-inference kind; `None` for other kinds.
pub(crate) fn run(kind: &str, input: &Value) -> Option<Outcome> {
    let e = |e: cxmetrics::Error| e.to_string();
    Some(match kind {
        "nps_difference_adjusted" => (|| {
            let c = compare::nps_with(
                &nps_counts(&input["a"])?,
                &nps_counts(&input["b"])?,
                NpsDifferenceMethod::AdjustedWald,
                level(input)?,
            )
            .map_err(e)?;
            out(&[
                ("difference", c.difference),
                (
                    "adjusted_difference",
                    c.adjusted_difference.ok_or("no adjusted difference")?,
                ),
                ("se", c.std_error),
                ("z", c.statistic),
                ("p_value", c.p_value),
                ("lower", c.interval.lower),
                ("upper", c.interval.upper),
            ])
        })(),
        "p_adjust" => (|| {
            let method = match input.get("method").and_then(Value::as_str) {
                Some("holm") => Adjustment::Holm,
                Some("bh") => Adjustment::BenjaminiHochberg,
                other => return Err(format!("unknown adjustment {other:?}")),
            };
            let p: Vec<f64> = input["p_values"]
                .as_array()
                .ok_or("no p_values")?
                .iter()
                .map(|v| v.as_f64().ok_or("p-value not a number"))
                .collect::<Result<_, _>>()?;
            let adjusted = multiplicity::adjust(&p, method).map_err(e)?;
            Ok(adjusted
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("adjusted.{i}"), *v))
                .collect())
        })(),
        "power_nps" => (|| {
            let level = ConfidenceLevel::new(1.0 - num(input, "alpha")?).map_err(e)?;
            let s = plan::sample_size_nps_change(
                Margin::points(num(input, "delta_points")?).map_err(e)?,
                shares(&input["a"])?,
                shares(&input["b"])?,
                level,
                num(input, "power")?,
            )
            .map_err(e)?;
            out(&[("n", s.n), ("n_ceil", s.n_ceil as f64)])
        })(),
        _ => return None,
    })
}
