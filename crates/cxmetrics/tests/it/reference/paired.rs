//! Reference cases of paired questions (`paired.json`, kind
//! `correlation`): R's `cor`, `cor.test` and `cov.wt` through a
//! [`JointTally`].

use cxmetrics::association;
use cxmetrics::{ConfidenceLevel, JointTally, Polarity, Scale};
use serde_json::Value;

use super::{Outcome, num};

fn ints(v: &Value, key: &str) -> Result<Vec<i64>, String> {
    v.get(key)
        .and_then(Value::as_array)
        .and_then(|a| a.iter().map(Value::as_i64).collect::<Option<Vec<_>>>())
        .ok_or_else(|| format!("input `{key}` missing or not a list of integers"))
}

fn floats(v: &Value, key: &str) -> Result<Vec<f64>, String> {
    v.get(key)
        .and_then(Value::as_array)
        .and_then(|a| a.iter().map(Value::as_f64).collect::<Option<Vec<_>>>())
        .ok_or_else(|| format!("input `{key}` missing or not a list of numbers"))
}

fn scale(v: &Value, min: &str, max: &str) -> Result<Scale, String> {
    Scale::new(
        num(v, min)? as i32,
        num(v, max)? as i32,
        Polarity::HigherIsBetter,
    )
    .map_err(|e| e.to_string())
}

fn correlation(input: &Value) -> Outcome {
    let x = ints(input, "x")?;
    let y = ints(input, "y")?;
    let w = floats(input, "weights")?;
    let level = ConfidenceLevel::new(num(input, "level")?).map_err(|e| e.to_string())?;
    let joint = JointTally::from_weighted_scores(
        scale(input, "x_scale_min", "x_scale_max")?,
        scale(input, "y_scale_min", "y_scale_max")?,
        &x,
        &y,
        &w,
    )
    .map_err(|e| e.to_string())?;
    let e = |e: cxmetrics::Error| e.to_string();
    let mut out = std::collections::BTreeMap::new();
    // The unweighted measures must exist (every case has spread in x and y);
    // intervals and the weighted r are absent exactly when the method
    // gives none, so they are reported only when computed.
    let r = association::pearson(&joint, level).map_err(e)?;
    out.insert("pearson".to_string(), r.value);
    if let Some(i) = r.interval {
        out.insert("pearson_lower".to_string(), i.lower);
        out.insert("pearson_upper".to_string(), i.upper);
    }
    let rho = association::spearman(&joint, level).map_err(e)?;
    out.insert("spearman".to_string(), rho.value);
    if let Some(i) = rho.interval {
        out.insert("spearman_lower".to_string(), i.lower);
        out.insert("spearman_upper".to_string(), i.upper);
    }
    let tau = association::kendall_tau_b(&joint, level).map_err(e)?;
    out.insert("kendall_tau_b".to_string(), tau.value);
    if let Ok(rw) = association::weighted_pearson(&joint, level) {
        out.insert("pearson_weighted".to_string(), rw.value);
    }
    Ok(out)
}

/// Runs the kinds of this area; `None` for any other kind.
pub(crate) fn run(kind: &str, input: &Value) -> Option<Outcome> {
    match kind {
        "correlation" => Some(correlation(input)),
        _ => None,
    }
}
