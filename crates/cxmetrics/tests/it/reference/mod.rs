//! Every reference case, computed by statsmodels and scipy (or from the
//! published formula), must agree to `REL_TOL`.
//!
//! Files run: `tests/data/public.json` (a copy of
//! `../shared/refdata/public.json`), `tests/data/extended.json` (scipy and
//! statsmodels over the whole range, from `tests/data/generate.py`), the
//! shared original when it sits beside the checkout, and the file named by
//! `CXMETRICS_REFERENCE` if set. Every case of every file runs; an unknown
//! kind, method or expected field is a failure, never a skip.

mod design;
mod paired;
mod survey;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use cxmetrics::compare::{self, DifferenceMethod};
use cxmetrics::design::VarianceMethod;
use cxmetrics::interval::{self, IntervalSpec, NpsMethod, ProportionMethod};
use cxmetrics::{ConfidenceLevel, Mean, Nps, Polarity, Scale, Tally, TopBox, dist, plan};
use serde_json::Value;

use crate::{ABS_TOL, REL_TOL};

mod nps;

pub(crate) type Outcome = Result<BTreeMap<String, f64>, String>;

pub(crate) fn num(v: &Value, key: &str) -> Result<f64, String> {
    v.get(key)
        .and_then(Value::as_f64)
        .ok_or_else(|| format!("input `{key}` missing or not a number"))
}

pub(crate) fn int(v: &Value, key: &str) -> Result<u64, String> {
    v.get(key)
        .and_then(Value::as_u64)
        .ok_or_else(|| format!("input `{key}` missing or not a count"))
}

pub(crate) fn counts(v: &Value, key: &str) -> Result<Vec<u64>, String> {
    v.get(key)
        .and_then(Value::as_array)
        .and_then(|a| a.iter().map(Value::as_u64).collect::<Option<Vec<_>>>())
        .ok_or_else(|| format!("input `{key}` missing or not a list of counts"))
}

pub(crate) fn spec(input: &Value) -> Result<IntervalSpec, String> {
    let level = ConfidenceLevel::new(num(input, "level")?).map_err(|e| e.to_string())?;
    let mut spec = IntervalSpec::new(level);
    if input.get("population").is_some() {
        spec = spec.population(int(input, "population")?);
    }
    Ok(spec)
}

pub(crate) fn level(input: &Value) -> Result<ConfidenceLevel, String> {
    Ok(spec(input)?.confidence_level())
}

pub(crate) fn out(pairs: &[(&str, f64)]) -> Outcome {
    Ok(pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect())
}

/// The t interval of a mean before the crate clips it to the scale
/// (scipy's numbers), after checking that the crate's interval is its clip.
fn unclipped_t_interval(est: &cxmetrics::Estimate, scale: Scale) -> Result<(f64, f64), String> {
    let p = 1.0 - est.level.alpha() / 2.0;
    let t = cxmetrics::dist::t_quantile(p, est.effective_n - 1.0).map_err(|e| e.to_string())?;
    let half = t * est.std_error;
    let (lower, upper) = (est.value - half, est.value + half);
    let (lo, hi) = (f64::from(scale.lowest()), f64::from(scale.highest()));
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0);
    if !(close(est.interval.lower, lower.clamp(lo, hi))
        && close(est.interval.upper, upper.clamp(lo, hi)))
    {
        return Err(format!(
            "{est:?} is not the t interval [{lower}, {upper}] clipped to {scale}"
        ));
    }
    Ok((lower, upper))
}

/// A tally of per-point counts on the scale `scale_min..` with one point per count.
fn tally_of(scale_min: i64, counts: &[u64]) -> Result<Tally, String> {
    let lowest = i32::try_from(scale_min).map_err(|e| e.to_string())?;
    let scale = Scale::new(
        lowest,
        lowest + counts.len() as i32 - 1,
        Polarity::HigherIsBetter,
    )
    .map_err(|e| e.to_string())?;
    Tally::from_counts(scale, counts).map_err(|e| e.to_string())
}

pub(crate) fn nps_counts(v: &Value) -> Result<Nps, String> {
    Nps::from_counts(
        int(v, "promoters")?,
        int(v, "passives")?,
        int(v, "detractors")?,
    )
    .map_err(|e| e.to_string())
}

fn yes_no(successes: u64, n: u64) -> Result<TopBox, String> {
    let t = tally_of(0, &[n - successes, successes])?;
    TopBox::top(&t, 1).map_err(|e| e.to_string())
}

fn run(kind: &str, input: &Value) -> Outcome {
    let e = |e: cxmetrics::Error| e.to_string();
    match kind {
        "proportion_ci" => {
            let method = match input.get("method").and_then(Value::as_str) {
                Some("wald") => ProportionMethod::Wald,
                Some("wilson") => ProportionMethod::Wilson,
                Some("wilson_cc") => ProportionMethod::WilsonCc,
                Some("agresti_coull") => ProportionMethod::AgrestiCoull,
                Some("clopper_pearson") => ProportionMethod::ClopperPearson,
                Some("jeffreys") => ProportionMethod::Jeffreys,
                Some("hypergeometric" | "exact_hypergeometric") => ProportionMethod::Hypergeometric,
                other => return Err(format!("unknown proportion method {other:?}")),
            };
            let est = interval::proportion(
                int(input, "successes")?,
                int(input, "n")?,
                method,
                spec(input)?,
            )
            .map_err(e)?;
            out(&[
                ("estimate", est.value),
                ("lower", est.interval.lower),
                ("upper", est.interval.upper),
            ])
        }
        "mean_ci" => {
            let t = tally_of(num(input, "scale_min")? as i64, &counts(input, "counts")?)?;
            let m = Mean::from_tally(&t).map_err(e)?;
            let est = m.estimate(spec(input)?).map_err(e)?;
            let (lower, upper) = unclipped_t_interval(&est, t.scale())?;
            out(&[
                ("mean", est.value),
                ("sd", m.std_dev().map_err(e)?),
                ("se", est.std_error),
                ("lower", lower),
                ("upper", upper),
            ])
        }
        "weighted_mean_ci" => {
            let scores: Vec<f64> = input["scores"]
                .as_array()
                .ok_or("no scores")?
                .iter()
                .filter_map(Value::as_f64)
                .collect();
            let weights: Vec<f64> = input["weights"]
                .as_array()
                .ok_or("no weights")?
                .iter()
                .filter_map(Value::as_f64)
                .collect();
            let lo = scores.iter().copied().fold(f64::INFINITY, f64::min) as i32;
            let hi = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max) as i32;
            let scale = Scale::new(lo, hi.max(lo + 1), Polarity::HigherIsBetter).map_err(e)?;
            let mut t = Tally::new(scale);
            t.extend_weighted_scores(&scores, &weights).map_err(e)?;
            let est = Mean::from_tally(&t)
                .map_err(e)?
                .estimate(spec(input)?.variance(VarianceMethod::Kish))
                .map_err(e)?;
            let (lower, upper) = unclipped_t_interval(&est, scale)?;
            out(&[
                ("mean", est.value),
                ("n_eff", est.effective_n),
                ("se", est.std_error),
                ("lower", lower),
                ("upper", upper),
            ])
        }
        "nps_ci" => {
            let method = match input.get("method").and_then(Value::as_str) {
                Some("wald") => NpsMethod::Wald,
                Some("adjusted_wald") => NpsMethod::AdjustedWald,
                Some("trinomial_t") => NpsMethod::TrinomialT,
                Some("tango") => NpsMethod::Tango,
                Some("bayes") => NpsMethod::Bayes,
                other => return Err(format!("unknown NPS method {other:?}")),
            };
            let est = nps_counts(input)?
                .estimate_with(method, spec(input)?)
                .map_err(e)?;
            out(&[
                ("nps", est.value),
                ("se", est.std_error),
                ("lower", est.interval.lower),
                ("upper", est.interval.upper),
            ])
        }
        "nps_difference" => {
            let c = compare::nps_with(
                &nps_counts(&input["a"])?,
                &nps_counts(&input["b"])?,
                compare::NpsDifferenceMethod::Wald,
                level(input)?,
            )
            .map_err(e)?;
            out(&[
                ("difference", c.difference),
                ("se", c.std_error),
                ("z", c.statistic),
                ("p_value", c.p_value),
                ("lower", c.interval.lower),
                ("upper", c.interval.upper),
            ])
        }
        "two_proportion" => {
            let a = yes_no(int(input, "successes_a")?, int(input, "n_a")?)?;
            let b = yes_no(int(input, "successes_b")?, int(input, "n_b")?)?;
            let lvl = level(input)?;
            let wald = compare::top_box_with(&a, &b, DifferenceMethod::Wald, lvl).map_err(e)?;
            let newc = compare::top_box_with(&a, &b, DifferenceMethod::Newcombe, lvl).map_err(e)?;
            out(&[
                ("difference", newc.difference),
                ("z_pooled", newc.statistic),
                ("p_value_pooled", newc.p_value),
                ("wald_lower", wald.interval.lower),
                ("wald_upper", wald.interval.upper),
                ("newcombe_lower", newc.interval.lower),
                ("newcombe_upper", newc.interval.upper),
            ])
        }
        "welch_t" => {
            let min = num(input, "scale_min")? as i64;
            let a = Mean::from_tally(&tally_of(min, &counts(input, "counts_a")?)?).map_err(e)?;
            let b = Mean::from_tally(&tally_of(min, &counts(input, "counts_b")?)?).map_err(e)?;
            let c = compare::means(&a, &b, level(input)?).map_err(e)?;
            out(&[
                ("difference", c.difference),
                ("t", c.statistic),
                ("df", c.df.ok_or("no df")?),
                ("p_value", c.p_value),
                ("lower", c.interval.lower),
                ("upper", c.interval.upper),
            ])
        }
        "sample_size_proportion" => {
            let s = plan::sample_size_proportion(
                cxmetrics::Margin::fraction(num(input, "margin")?).map_err(e)?,
                num(input, "p")?,
                spec(input)?,
            )
            .map_err(e)?;
            out(&[("n", s.n), ("n_ceil", s.n_ceil as f64)])
        }
        "sample_size_nps" => {
            let s = plan::sample_size_nps(
                cxmetrics::Margin::points(num(input, "margin_points")?).map_err(e)?,
                num(input, "promoters_share")?,
                num(input, "detractors_share")?,
                spec(input)?,
            )
            .map_err(e)?;
            out(&[("n", s.n), ("n_ceil", s.n_ceil as f64)])
        }
        "margin_of_error_proportion" => {
            let m =
                plan::margin_of_error_proportion(int(input, "n")?, num(input, "p")?, spec(input)?)
                    .map_err(e)?;
            out(&[("margin", m)])
        }
        "t_quantile" => out(&[(
            "value",
            dist::t_quantile(num(input, "p")?, num(input, "df")?).map_err(e)?,
        )]),
        "normal_quantile" => out(&[("value", dist::normal_quantile(num(input, "p")?).map_err(e)?)]),
        "beta_quantile" => {
            let v = dist::beta_quantile(num(input, "p")?, num(input, "a")?, num(input, "b")?)
                .map_err(e)?;
            out(&[("value", v)])
        }
        other => {
            // Each area of the crate runs its own kinds (one module each).
            for area in AREAS {
                if let Some(outcome) = area(other, input) {
                    return outcome;
                }
            }
            Err(format!("unknown case kind `{other}`"))
        }
    }
}

/// The case runners of the other areas: each returns `None` for a kind it
/// does not know.
const AREAS: &[fn(&str, &Value) -> Option<Outcome>] = &[nps::run, survey::run, paired::run];

/// The reference files always run: a copy in `tests/data`, and the shared
/// original from `../shared/refdata` when it sits beside the checkout.
const FILES: &[&str] = &[
    "public.json",
    "nps-inference.json",
    "survey-weighted.json",
    "paired.json",
];

fn agrees(actual: f64, expected: f64) -> bool {
    if expected.abs() <= ABS_TOL {
        (actual - expected).abs() <= ABS_TOL
    } else {
        ((actual - expected) / expected).abs() <= REL_TOL
    }
}

/// Runs every case of one file; returns the number that passed, or all
/// failures.
fn run_file(path: &Path) -> Result<usize, Vec<String>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| vec![format!("cannot read {}: {e}", path.display())])?;
    let doc: Value =
        serde_json::from_str(&text).map_err(|e| vec![format!("{}: {e}", path.display())])?;
    if doc["schema"] != "cxmetrics-reference/1" {
        return Err(vec![format!(
            "{}: unknown schema {}",
            path.display(),
            doc["schema"]
        )]);
    }
    let cases = doc["cases"]
        .as_array()
        .ok_or_else(|| vec![format!("{}: no cases", path.display())])?;
    let mut failures = Vec::new();
    for case in cases {
        let id = case["id"].as_str().unwrap_or("?");
        let kind = case["kind"].as_str().unwrap_or("?");
        match run(kind, &case["input"]) {
            Err(why) => failures.push(format!("{id}: {why}")),
            Ok(actual) => {
                let Some(expected) = case["expected"].as_object() else {
                    failures.push(format!("{id}: no expected values"));
                    continue;
                };
                for (key, want) in expected {
                    let Some(want) = want.as_f64() else {
                        failures.push(format!("{id}: expected `{key}` is not a number"));
                        continue;
                    };
                    match actual.get(key) {
                        None => {
                            failures.push(format!("{id}: expected field `{key}` is not checked"))
                        }
                        Some(&got) if !agrees(got, want) => failures.push(format!(
                            "{id} {key}: got {got:e}, expected {want:e} (rel {:.1e}) input {}",
                            ((got - want) / want).abs(),
                            case["input"]
                        )),
                        Some(_) => {}
                    }
                }
            }
        }
    }
    if failures.is_empty() {
        Ok(cases.len())
    } else {
        Err(failures)
    }
}

#[test]
fn every_reference_case_agrees() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = root.join("tests/data");
    let mut files: Vec<PathBuf> = vec![data.join("extended.json")];
    for name in FILES {
        files.push(data.join(name));
        let shared = root.join("../../../shared/refdata").join(name);
        if shared.exists() {
            files.push(shared);
        }
    }
    if let Some(extra) = std::env::var_os("CXMETRICS_REFERENCE") {
        files.push(PathBuf::from(extra));
    }
    let mut failures = Vec::new();
    for file in &files {
        match run_file(file) {
            Ok(n) => println!("reference: {n} cases passed ({})", file.display()),
            Err(f) => {
                println!("reference: {} failures ({})", f.len(), file.display());
                failures.extend(f);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
