//! Design-based survey statistics (`survey-weighted.json`): weighted,
//! post-stratified and raked estimates against R's `survey` package.

use cxmetrics::design::{Linearized, RakeOptions, VarianceMethod, post_stratify, rake};
use cxmetrics::interval::{IntervalSpec, NpsMethod, ProportionMethod};
use cxmetrics::segment::Score;
use cxmetrics::{
    ConfidenceLevel, Error, Mean, Nps, Polarity, Response, Scale, Segmented, Tally, TopBox, Weight,
};
use serde_json::Value;

use super::{Outcome, num};

pub(crate) fn run(kind: &str, input: &Value) -> Option<Outcome> {
    Some(match kind {
        "weighted_estimate" => weighted(input),
        "post_stratified_estimate" => post_stratified(input),
        "raked_estimate" => raked(input),
        _ => return None,
    })
}

fn e(e: Error) -> String {
    e.to_string()
}

fn list<'a>(input: &'a Value, key: &str) -> Result<&'a Vec<Value>, String> {
    input[key]
        .as_array()
        .ok_or_else(|| format!("input `{key}` missing or not a list"))
}

fn numbers(input: &Value, key: &str) -> Result<Vec<f64>, String> {
    list(input, key)?
        .iter()
        .map(|v| {
            v.as_f64()
                .ok_or_else(|| format!("`{key}` holds a non-number"))
        })
        .collect()
}

fn labels(input: &Value, key: &str) -> Result<Vec<String>, String> {
    list(input, key)?
        .iter()
        .map(|v| {
            v.as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("`{key}` holds a non-string"))
        })
        .collect()
}

fn totals(input: &Value, key: &str) -> Result<Vec<(String, f64)>, String> {
    input[key]
        .as_object()
        .ok_or_else(|| format!("input `{key}` missing or not an object"))?
        .iter()
        .map(|(k, v)| Ok((k.clone(), v.as_f64().ok_or("total not a number")?)))
        .collect()
}

fn scale(input: &Value) -> Result<Scale, String> {
    let polarity = if input["higher_is_better"]
        .as_bool()
        .ok_or("no higher_is_better")?
    {
        Polarity::HigherIsBetter
    } else {
        Polarity::LowerIsBetter
    };
    Scale::new(
        num(input, "scale_min")? as i32,
        num(input, "scale_max")? as i32,
        polarity,
    )
    .map_err(e)
}

/// The case's score, its interval taken by `method` for shares.
fn score(input: &Value, share: ProportionMethod, nps: NpsMethod) -> Result<Score, String> {
    let k = || {
        input["k"]
            .as_u64()
            .map(|k| k as u32)
            .ok_or("input `k` missing")
    };
    Ok(match input["statistic"].as_str() {
        Some("top_box") => Score::TopBox(k()?, share),
        Some("bottom_box") => Score::BottomBox(k()?, share),
        Some("nps") => Score::Nps(nps),
        Some("mean") => Score::Mean,
        other => return Err(format!("unknown statistic {other:?}")),
    })
}

/// (score, weight) responses of the case.
fn responses(input: &Value, scale: Scale) -> Result<Vec<Response>, String> {
    let scores = numbers(input, "scores")?;
    let weights = numbers(input, "weights")?;
    if scores.len() != weights.len() {
        return Err("scores and weights differ in length".into());
    }
    scores
        .iter()
        .zip(&weights)
        .map(|(&s, &w)| {
            Ok(Response::weighted(
                scale.rating(s).map_err(e)?,
                Weight::new(w).map_err(e)?,
            ))
        })
        .collect()
}

fn weighted(input: &Value) -> Outcome {
    let scale = scale(input)?;
    let level = ConfidenceLevel::new(num(input, "level")?).map_err(e)?;
    let tally = Tally::from_responses(scale, responses(input, scale)?).map_err(e)?;
    let statistic = input["statistic"].as_str().unwrap_or("?");
    let is_share = matches!(statistic, "top_box" | "bottom_box");
    let lin = |share, nps| -> Result<Linearized, String> {
        Linearized::from_tally(&tally, score(input, share, nps)?).map_err(e)
    };
    let base = lin(ProportionMethod::Wald, NpsMethod::Wald)?;
    let mut out = vec![
        ("estimate".to_owned(), base.value()),
        ("n_eff_kish".to_owned(), tally.effective_n()),
    ];
    let mut put = |key: &str, v: Option<f64>| {
        if let Some(v) = v {
            out.push((key.to_owned(), v));
        }
    };
    put("se", base.std_error());
    put("deff", base.design_effects().design_effect);
    // The Kish standard error: the variance method kept by name.
    let kish = IntervalSpec::new(level).variance(VarianceMethod::Kish);
    let se_kish = match statistic {
        "nps" => Nps::from_tally(&tally)
            .and_then(|n| n.estimate_with(NpsMethod::Wald, kish))
            .map(|est| est.std_error)
            .ok(),
        "mean" => {
            let m = Mean::from_tally(&tally).map_err(e)?;
            match m.estimate(kish) {
                Ok(est) => Some(est.std_error),
                // Every positive-weight answer the same: the Kish se is 0.
                Err(Error::ZeroVariance { .. }) => Some(0.0),
                // Below one degree of freedom there is no interval (issue
                // 21), but the standard error is still √(s²/n_eff).
                Err(Error::TooFewDegreesOfFreedom { .. }) => {
                    Some((m.variance().map_err(e)? / m.effective_n()).sqrt())
                }
                Err(_) => None,
            }
        }
        _ => {
            let k = input["k"].as_u64().ok_or("no k")? as u32;
            let top = if statistic == "top_box" {
                TopBox::top(&tally, k)
            } else {
                TopBox::bottom(&tally, k)
            };
            top.and_then(|t| t.estimate_with(ProportionMethod::Wald, kish))
                .map(|est| est.std_error)
                .ok()
        }
    };
    put("se_kish", se_kish);
    let bounds = |share, nps| -> Option<(f64, f64)> {
        let est = lin(share, nps).ok()?.estimate(level).ok()?;
        Some((est.interval.lower, est.interval.upper))
    };
    let mut put_bounds = |name: &str, b: Option<(f64, f64)>| {
        if let Some((lo, hi)) = b {
            out.push((format!("{name}_lower"), lo));
            out.push((format!("{name}_upper"), hi));
        }
    };
    if is_share {
        put_bounds("wald", bounds(ProportionMethod::Wald, NpsMethod::Wald));
        put_bounds(
            "beta",
            bounds(ProportionMethod::ClopperPearson, NpsMethod::Wald),
        );
        put_bounds("logit", bounds(ProportionMethod::Logit, NpsMethod::Wald));
    } else if statistic == "nps" {
        put_bounds("wald", bounds(ProportionMethod::Wald, NpsMethod::Wald));
        put_bounds("t", bounds(ProportionMethod::Wald, NpsMethod::TrinomialT));
    } else {
        // A mean's z interval on the linearized se, clipped to the scale.
        if let Some(se) = base.std_error() {
            let z = level.z();
            let (lo, hi) = (f64::from(scale.lowest()), f64::from(scale.highest()));
            put_bounds(
                "wald",
                Some((
                    (base.value() - z * se).clamp(lo, hi),
                    (base.value() + z * se).clamp(lo, hi),
                )),
            );
        }
        // The t interval of a mean is clipped to the scale (issue 21);
        // R's is not: compare the unclipped one, after checking the clip.
        let unclipped = lin(ProportionMethod::Wald, NpsMethod::Wald)
            .ok()
            .and_then(|l| l.estimate(level).ok())
            .map(|est| -> Result<(f64, f64), String> {
                let n_pos = est.design.map_or(est.n, |d| d.n_positive);
                let p = 1.0 - level.alpha() / 2.0;
                let t = cxmetrics::dist::t_quantile(p, n_pos as f64 - 1.0).map_err(e)?;
                let (lower, upper) = (est.value - t * est.std_error, est.value + t * est.std_error);
                let (lo, hi) = (f64::from(scale.lowest()), f64::from(scale.highest()));
                let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0);
                if !(close(est.interval.lower, lower.clamp(lo, hi))
                    && close(est.interval.upper, upper.clamp(lo, hi)))
                {
                    return Err(format!(
                        "{est:?} is not [{lower}, {upper}] clipped to {scale}"
                    ));
                }
                Ok((lower, upper))
            })
            .transpose()?;
        put_bounds("t", unclipped);
    }
    Ok(out.into_iter().collect())
}

fn post_stratified(input: &Value) -> Outcome {
    let scale = scale(input)?;
    let cells = labels(input, "cells")?;
    let mut by_cell: Segmented<String> = Segmented::new(scale);
    for (cell, response) in cells.into_iter().zip(responses(input, scale)?) {
        by_cell.push(cell, response).map_err(e)?;
    }
    let ps = post_stratify(&by_cell, totals(input, "population")?).map_err(e)?;
    let lin = ps
        .linearized(score(input, ProportionMethod::Wald, NpsMethod::Wald)?)
        .map_err(e)?;
    let mut out = vec![("estimate".to_owned(), lin.value())];
    if let Some(se) = lin.std_error() {
        out.push(("se".to_owned(), se));
    }
    for (cell, total) in ps.totals() {
        out.push((format!("total.{cell}"), total));
    }
    Ok(out.into_iter().collect())
}

fn raked(input: &Value) -> Outcome {
    let scale = scale(input)?;
    let channel = labels(input, "channel")?;
    let region = labels(input, "region")?;
    let mut by_cell: Segmented<(String, String)> = Segmented::new(scale);
    for ((c, r), response) in channel
        .into_iter()
        .zip(region)
        .zip(responses(input, scale)?)
    {
        by_cell.push((c, r), response).map_err(e)?;
    }
    let margins = [
        totals(input, "population_channel")?,
        totals(input, "population_region")?,
    ];
    let options = RakeOptions::r_compatible()
        .max_sweeps(super::int(input, "max_sweeps")? as u32)
        .epsilon(num(input, "epsilon")?);
    let raked = rake(&by_cell, &margins, options).map_err(e)?;
    let lin = raked
        .linearized(score(input, ProportionMethod::Wald, NpsMethod::Wald)?)
        .map_err(e)?;
    let mut out = vec![
        ("estimate".to_owned(), lin.value()),
        ("sweeps".to_owned(), f64::from(raked.sweeps())),
    ];
    // R's se is NaN with a zero weight (0/0 in x/h); there is no case value.
    if !numbers(input, "weights")?.contains(&0.0)
        && let Some(se) = lin.std_error()
    {
        out.push(("se".to_owned(), se));
    }
    for (c, _) in &margins[0] {
        for (r, _) in &margins[1] {
            let total = raked.total(&(c.clone(), r.clone())).unwrap_or(0.0);
            out.push((format!("total.{c}.{r}"), total));
        }
    }
    Ok(out.into_iter().collect())
}
