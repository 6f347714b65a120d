//! Complex survey designs (`survey-design.json`): domains, strata,
//! clusters, replicate weights, totals and calibration against R's
//! `survey` package.
//!
//! Files run: `tests/data/survey-design.json` (a copy of
//! `../shared/refdata/survey-design.json`), the shared original when it
//! sits beside the checkout, `tests/data/survey-design-extra.json` (from
//! `tests/data/gen_design_extra.R`) when present, and the file named by
//! `CXMETRICS_DESIGN_REFERENCE` if set. Every case runs, and the fields
//! computed must be exactly the expected ones: an expected field not
//! computed, or a field computed where R has none, is a failure.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use cxmetrics::complex::{
    CalibratedDesign, Calibration, CalibrationMethod, CalibrationOptions, DesignEstimate,
    DesignKey, IntervalMethod, LonelyPsu, PointValues, ReplicateDesign, ReplicateKind, Statistic,
    SurveyDesign, ValueKind,
};
use cxmetrics::{Error, Polarity, Scale};
use serde_json::Value;

use super::{Outcome, num};
use crate::{ABS_TOL, REL_TOL};

/// The kinds of this file, for the shared runner.
pub(crate) fn run(kind: &str, input: &Value) -> Option<Outcome> {
    Some(match kind {
        "domain_estimate" => domain_estimate(input),
        "domain_difference" => domain_difference(input),
        "stratified_estimate" | "cluster_estimate" => design_estimate(input),
        "replicate_estimate" => replicate_estimate(input),
        "total_estimate" => total_estimate(input),
        "calibrated_estimate" => calibrated_estimate(input),
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

fn ids(input: &Value, key: &str) -> Result<Vec<u64>, String> {
    list(input, key)?
        .iter()
        .map(|v| v.as_u64().ok_or_else(|| format!("`{key}` holds a non-id")))
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

fn values(input: &Value) -> Result<PointValues, String> {
    let k = || {
        input["k"]
            .as_u64()
            .map(|k| k as u32)
            .ok_or("input `k` missing")
    };
    let statistic = match input["statistic"].as_str() {
        Some("top_box") => Statistic::TopBox(k()?),
        Some("bottom_box") => Statistic::BottomBox(k()?),
        Some("nps") => Statistic::Nps,
        Some("mean" | "score") => Statistic::Mean,
        other => return Err(format!("unknown statistic {other:?}")),
    };
    PointValues::new(scale(input)?, statistic).map_err(e)
}

/// The design of a case: weights, and strata, clusters, domains and
/// population sizes where the input has them.
fn design(input: &Value) -> Result<SurveyDesign, String> {
    let scores = numbers(input, "scores")?;
    let weights = numbers(input, "weights")?;
    let n = scores.len();
    let optional = |key: &str| -> Result<Option<Vec<u64>>, String> {
        if input.get(key).is_some() {
            ids(input, key).map(Some)
        } else {
            Ok(None)
        }
    };
    let strata = optional("stratum")?;
    let clusters = optional("cluster")?;
    let domains = optional("domain")?;
    let keys: Vec<DesignKey> = (0..n)
        .map(|i| {
            let mut k = DesignKey::new();
            if let Some(s) = &strata {
                k = k.stratum(s[i]);
            }
            if let Some(c) = &clusters {
                k = k.cluster(c[i]);
            }
            if let Some(d) = &domains {
                k = k.domain(d[i]);
            }
            k
        })
        .collect();
    let mut d = SurveyDesign::new(scale(input)?);
    d.extend(&scores, &weights, &keys).map_err(e)?;
    if input.get("fpc").is_some() {
        let fpc = numbers(input, "fpc")?;
        let strata = strata.as_ref().ok_or("fpc without strata")?;
        let mut sizes = BTreeMap::new();
        for (h, big) in strata.iter().zip(&fpc) {
            if sizes.insert(*h, *big).is_some_and(|old| old != *big) {
                return Err(format!("stratum {h} has two population sizes"));
            }
        }
        for (h, big) in sizes {
            d = d.with_population(h, big).map_err(e)?;
        }
    }
    match input.get("lonely_psu").and_then(Value::as_str) {
        None => {}
        Some("adjust") => d = d.with_lonely_psu(LonelyPsu::Adjust),
        Some(other) => return Err(format!("unknown lonely_psu {other}")),
    }
    Ok(d)
}

/// Adds `prefix_lower`/`prefix_upper` when the interval exists.
fn bounds(
    out: &mut BTreeMap<String, f64>,
    est: &DesignEstimate,
    method: IntervalMethod,
    level: f64,
    prefix: &str,
) {
    if let Ok(b) = est.interval(method, level) {
        out.insert(format!("{prefix}_lower"), b.lower);
        out.insert(format!("{prefix}_upper"), b.upper);
    }
}

fn domain_estimate(input: &Value) -> Outcome {
    let d = design(input)?;
    let v = values(input)?;
    let level = num(input, "level")?;
    let domain = input["domain_value"].as_u64().ok_or("no domain_value")?;
    let mut out = BTreeMap::new();
    out.insert("n_domain".into(), d.n(Some(domain)) as f64);
    out.insert("df_full".into(), d.df(None) as f64);
    let est = match d.estimate(&v, Some(domain)) {
        Err(Error::ZeroTotalWeight { .. }) => return Ok(out),
        other => other.map_err(e)?,
    };
    out.insert("estimate".into(), est.estimate);
    out.insert("se".into(), est.std_error);
    out.insert("df".into(), est.df as f64);
    if let Some(x) = est.deff_replace {
        out.insert("deff_replace".into(), x);
    }
    if let Some(x) = est.deff_srs {
        out.insert("deff_srs".into(), x);
    }
    bounds(&mut out, &est, IntervalMethod::Wald, level, "wald");
    bounds(&mut out, &est, IntervalMethod::T, level, "t");
    bounds(&mut out, &est, IntervalMethod::TFull, level, "t_full");
    if est.kind == ValueKind::Share {
        bounds(&mut out, &est, IntervalMethod::KornGraubard, level, "beta");
        bounds(&mut out, &est, IntervalMethod::Logit, level, "logit");
        bounds(
            &mut out,
            &est,
            IntervalMethod::Likelihood,
            level,
            "likelihood",
        );
    }
    Ok(out)
}

fn domain_difference(input: &Value) -> Outcome {
    let v = values(input)?;
    let a = input["domain_a"].as_u64().ok_or("no domain_a")?;
    let b = input["domain_b"].as_u64().ok_or("no domain_b")?;
    let level = num(input, "level")?;
    // Extensions of the kind: domains of a replicate or calibrated design.
    let c = if input.get("replicate_weights").is_some() {
        replicate_design(input)?.difference(&v, a, b, level)
    } else if input.get("calfun").is_some() {
        calibrated_design(input)?.1.difference(&v, a, b, level)
    } else {
        design(input)?.difference(&v, a, b, level)
    }
    .map_err(e)?;
    let mut out = BTreeMap::new();
    out.insert("estimate_a".into(), c.estimate_a);
    out.insert("estimate_b".into(), c.estimate_b);
    out.insert("difference".into(), c.difference);
    out.insert("se".into(), c.std_error);
    out.insert("df".into(), c.df as f64);
    let mut opt = |k: &str, x: Option<f64>| {
        if let Some(x) = x {
            out.insert(k.to_string(), x);
        }
    };
    opt("t", c.t);
    opt("p_value", c.p_value);
    opt("z_p_value", c.z_p_value);
    opt("lower", c.interval.map(|b| b.lower));
    opt("upper", c.interval.map(|b| b.upper));
    opt("z_lower", c.z_interval.map(|b| b.lower));
    opt("z_upper", c.z_interval.map(|b| b.upper));
    Ok(out)
}

fn whole(est: &DesignEstimate, level: f64) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    out.insert("estimate".into(), est.estimate);
    out.insert("se".into(), est.std_error);
    out.insert("df".into(), est.df as f64);
    if let Some(x) = est.deff_replace {
        out.insert("deff".into(), x);
    }
    bounds(&mut out, est, IntervalMethod::Wald, level, "wald");
    bounds(&mut out, est, IntervalMethod::T, level, "t");
    out
}

fn design_estimate(input: &Value) -> Outcome {
    let est = design(input)?.estimate(&values(input)?, None).map_err(e)?;
    Ok(whole(&est, num(input, "level")?))
}

fn total_estimate(input: &Value) -> Outcome {
    let t = design(input)?.total(&values(input)?, None).map_err(e)?;
    let wald = t
        .interval(IntervalMethod::Wald, num(input, "level")?)
        .map_err(e)?;
    super::out(&[
        ("total", t.total),
        ("se", t.std_error),
        ("wald_lower", wald.lower),
        ("wald_upper", wald.upper),
    ])
}

/// The replicate design of a case (domains when it has them).
fn replicate_design(input: &Value) -> Result<ReplicateDesign, String> {
    let scale = scale(input)?;
    let scores = numbers(input, "scores")?;
    let weights = numbers(input, "weights")?;
    let rows = list(input, "replicate_weights")?;
    let mut flat = Vec::new();
    for row in rows {
        let row = row.as_array().ok_or("replicate weights row not a list")?;
        for x in row {
            flat.push(x.as_f64().ok_or("replicate weight not a number")?);
        }
    }
    let rscales = numbers(input, "rscales")?;
    let kind = match input["type"].as_str() {
        Some("JK1") => ReplicateKind::Jk1,
        Some("JKn") => ReplicateKind::Jkn,
        Some("bootstrap") => ReplicateKind::Bootstrap,
        Some("BRR") => ReplicateKind::Brr,
        Some("Fay") => ReplicateKind::Fay {
            rho: num(input, "rho")?,
        },
        other => return Err(format!("unknown replicate type {other:?}")),
    };
    let mse = input["mse"].as_bool().ok_or("no mse")?;
    let mut d =
        ReplicateDesign::new(scale, kind, num(input, "scale")?, &rscales, mse).map_err(e)?;
    let domains = if input.get("domain").is_some() {
        ids(input, "domain")?
    } else {
        vec![0; scores.len()]
    };
    d.extend(&scores, &weights, &flat, &domains).map_err(e)?;
    Ok(d)
}

fn replicate_estimate(input: &Value) -> Outcome {
    let est = replicate_design(input)?
        .estimate(&values(input)?, None)
        .map_err(e)?;
    let mut out = whole(&est, num(input, "level")?);
    out.remove("deff");
    Ok(out)
}

/// The calibration of a case and its design (with domains when the case
/// has them).
fn calibrated_design(input: &Value) -> Result<(Calibration, CalibratedDesign), String> {
    let scores = numbers(input, "scores")?;
    let weights = numbers(input, "weights")?;
    let mut codes = Vec::new();
    let mut totals = Vec::new();
    for (labels, population) in [
        ("region", "population_region"),
        ("channel", "population_channel"),
    ] {
        let pop = input[population]
            .as_object()
            .ok_or_else(|| format!("no {population}"))?;
        // R's factor levels: sorted names; the first is the reference.
        let levels: Vec<&String> = pop.keys().collect::<BTreeSet<_>>().into_iter().collect();
        let t: Vec<f64> = levels
            .iter()
            .map(|l| pop[l.as_str()].as_f64().ok_or("total not a number"))
            .collect::<Result<_, _>>()?;
        let c: Vec<usize> = list(input, labels)?
            .iter()
            .map(|v| {
                let s = v.as_str().ok_or("label not a string")?;
                levels
                    .iter()
                    .position(|l| l.as_str() == s)
                    .ok_or_else(|| format!("label {s} has no population total"))
            })
            .collect::<Result<_, String>>()?;
        codes.push(c);
        totals.push(t);
    }
    let method = match input["calfun"].as_str() {
        Some("linear") => CalibrationMethod::Linear,
        Some("raking") => CalibrationMethod::Raking,
        other => return Err(format!("unknown calfun {other:?}")),
    };
    let margins: Vec<&[usize]> = codes.iter().map(Vec::as_slice).collect();
    let population: Vec<&[f64]> = totals.iter().map(Vec::as_slice).collect();
    let mut cal = Calibration::new(
        &weights,
        &margins,
        &population,
        method,
        CalibrationOptions {
            require_convergence: true,
            ..CalibrationOptions::default()
        },
    )
    .map_err(e)?;
    if input.get("trim_lower").is_some() || input.get("trim_upper").is_some() {
        let lower = input["trim_lower"].as_f64().unwrap_or(f64::NEG_INFINITY);
        let upper = input["trim_upper"].as_f64().unwrap_or(f64::INFINITY);
        let strict = input["trim_strict"].as_bool().unwrap_or(false);
        cal = cal.trim(lower, upper, strict).map_err(e)?;
    }
    let s = scale(input)?;
    let keys: Vec<DesignKey> = if input.get("domain").is_some() {
        ids(input, "domain")?
            .into_iter()
            .map(|d| DesignKey::new().domain(d))
            .collect()
    } else {
        vec![DesignKey::new(); scores.len()]
    };
    let design = cal.design(s, &scores, &keys).map_err(e)?;
    Ok((cal, design))
}

fn calibrated_estimate(input: &Value) -> Outcome {
    // An extension of the kind: a domain of the calibrated design.
    let domain = input.get("domain_value").and_then(Value::as_u64);
    let (cal, design) = calibrated_design(input)?;
    let est = design.estimate(&values(input)?, domain).map_err(e)?;
    super::out(&[
        ("estimate", est.estimate),
        ("se", est.std_error),
        ("weight_sum", cal.weight_sum()),
    ])
}

fn agrees(actual: f64, expected: f64) -> bool {
    if expected.abs() <= ABS_TOL {
        (actual - expected).abs() <= ABS_TOL
    } else {
        ((actual - expected) / expected).abs() <= REL_TOL
    }
}

/// Runs every case of one file: the fields computed must be exactly the
/// expected ones, each within tolerance. Returns the cases run, or the
/// failures.
fn run_file(path: &Path) -> Result<usize, Vec<String>> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| vec![format!("cannot read {}: {err}", path.display())])?;
    let doc: Value =
        serde_json::from_str(&text).map_err(|err| vec![format!("{}: {err}", path.display())])?;
    if doc["schema"] != "cxmetrics-reference/1" {
        return Err(vec![format!("{}: unknown schema", path.display())]);
    }
    let cases = doc["cases"]
        .as_array()
        .ok_or_else(|| vec![format!("{}: no cases", path.display())])?;
    // Fields beyond SCHEMA.md (the likelihood interval, generated by
    // `gen_design_extra.R`) are checked both ways in files that carry
    // them, and not asked of files that do not.
    let extension = ["likelihood_lower", "likelihood_upper"];
    let has_extension = extension.iter().any(|k| text.contains(k));
    let mut failures = Vec::new();
    for case in cases {
        let id = case["id"].as_str().unwrap_or("?");
        let kind = case["kind"].as_str().unwrap_or("?");
        let Some(outcome) = run(kind, &case["input"]) else {
            failures.push(format!("{id}: unknown case kind `{kind}`"));
            continue;
        };
        let outcome = outcome.map(|mut a| {
            if !has_extension {
                a.retain(|k, _| !extension.contains(&k.as_str()));
            }
            a
        });
        let actual = match outcome {
            Ok(a) => a,
            Err(why) => {
                failures.push(format!("{id}: {why}"));
                continue;
            }
        };
        let Some(expected) = case["expected"].as_object() else {
            failures.push(format!("{id}: no expected values"));
            continue;
        };
        for key in actual.keys() {
            if !expected.contains_key(key) {
                failures.push(format!(
                    "{id}: `{key}` = {} computed where R has none",
                    actual[key]
                ));
            }
        }
        for (key, want) in expected {
            let Some(want) = want.as_f64() else {
                failures.push(format!("{id}: expected `{key}` is not a number"));
                continue;
            };
            match actual.get(key) {
                None => failures.push(format!("{id}: expected field `{key}` is not computed")),
                Some(&got) if !(got.is_finite() && agrees(got, want)) => failures.push(format!(
                    "{id} {key}: got {got:e}, expected {want:e} (rel {:.1e})",
                    ((got - want) / want).abs()
                )),
                Some(_) => {}
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
fn every_design_reference_case_agrees() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = root.join("tests/data");
    let mut files: Vec<PathBuf> = vec![data.join("survey-design.json")];
    let shared = root.join("../../../shared/refdata/survey-design.json");
    if shared.exists() {
        files.push(shared);
    }
    let extra = data.join("survey-design-extra.json");
    if extra.exists() {
        files.push(extra);
    }
    if let Some(more) = std::env::var_os("CXMETRICS_DESIGN_REFERENCE") {
        files.push(PathBuf::from(more));
    }
    let mut failures = Vec::new();
    for file in &files {
        match run_file(file) {
            Ok(n) => println!("design reference: {n} cases passed ({})", file.display()),
            Err(f) => {
                println!(
                    "design reference: {} failures ({})",
                    f.len(),
                    file.display()
                );
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

/// Invariants of design-based estimation (issue 17).
mod properties {
    use cxmetrics::Scale;
    use cxmetrics::complex::{DesignKey, PointValues, Statistic, SurveyDesign};
    use proptest::prelude::*;

    /// (score on 1..=5, weight, stratum, cluster, domain) rows.
    fn rows() -> impl Strategy<Value = Vec<(u8, f64, u64, u64, u64)>> {
        prop::collection::vec(
            (
                1u8..=5,
                prop_oneof![Just(0.0), 0.05f64..20.0],
                0u64..3,
                0u64..4,
                0u64..3,
            ),
            2..60,
        )
    }

    fn statistic() -> impl Strategy<Value = Statistic> {
        prop_oneof![
            (1u32..=2).prop_map(Statistic::TopBox),
            (1u32..=2).prop_map(Statistic::BottomBox),
            Just(Statistic::Mean),
        ]
    }

    fn build(rows: &[(u8, f64, u64, u64, u64)], clustered: bool, factor: f64) -> SurveyDesign {
        let mut d = SurveyDesign::new(Scale::CSAT_5);
        for &(s, w, h, c, dom) in rows {
            let mut k = DesignKey::new().stratum(h).domain(dom);
            if clustered {
                k = k.cluster(c);
            }
            d.push(s, w * factor, k).unwrap();
        }
        d
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn equal_weights_one_stratum_no_clusters_is_srs(
            scores in prop::collection::vec(1u8..=5, 2..80),
            w in 0.1f64..10.0,
            stat in statistic(),
        ) {
            let mut d = SurveyDesign::new(Scale::CSAT_5);
            for &s in &scores {
                d.push(s, w, DesignKey::new()).unwrap();
            }
            let v = PointValues::new(Scale::CSAT_5, stat).unwrap();
            let ys: Vec<f64> = scores.iter().map(|&s| v.values()[usize::from(s - 1)]).collect();
            let n = ys.len() as f64;
            let mean = ys.iter().sum::<f64>() / n;
            let s2 = ys.iter().map(|y| (y - mean).powi(2)).sum::<f64>() / (n - 1.0);
            let est = d.estimate(&v, None).unwrap();
            prop_assert!((est.estimate - mean).abs() <= 1e-12);
            prop_assert!((est.std_error - (s2 / n).sqrt()).abs() <= 1e-12 * (1.0 + est.std_error));
            prop_assert_eq!(est.df, scores.len() as u64 - 1);
            if let Some(deff) = est.deff_replace {
                prop_assert!((deff - 1.0).abs() < 1e-9);
            }
        }

        #[test]
        fn scaling_weights_by_a_power_of_two_changes_nothing(
            rows in rows(), k in -40i32..40, clustered in any::<bool>(), stat in statistic(),
        ) {
            let v = PointValues::new(Scale::CSAT_5, stat).unwrap();
            let a = build(&rows, clustered, 1.0).with_lonely_psu(cxmetrics::complex::LonelyPsu::Certainty);
            let b = build(&rows, clustered, 2f64.powi(k)).with_lonely_psu(cxmetrics::complex::LonelyPsu::Certainty);
            for domain in [None, Some(0), Some(1)] {
                match (a.estimate(&v, domain), b.estimate(&v, domain)) {
                    (Ok(x), Ok(y)) => {
                        prop_assert_eq!(x.estimate, y.estimate);
                        prop_assert_eq!(x.std_error, y.std_error);
                        prop_assert_eq!(x.df, y.df);
                        prop_assert_eq!(x.deff_replace, y.deff_replace);
                    }
                    (Err(x), Err(y)) => prop_assert_eq!(x.kind(), y.kind()),
                    (x, y) => prop_assert!(false, "{x:?} vs {y:?}"),
                }
            }
        }

        #[test]
        fn domain_estimate_is_the_subset_route_with_the_whole_sample_n(
            rows in rows(), stat in statistic(),
        ) {
            // Unstratified, unclustered: the subset's own design, with its
            // n_D/(n_D − 1) replaced by the whole sample's n/(n − 1).
            let flat: Vec<_> = rows.iter().map(|&(s, w, _, _, d)| (s, w, 0, 0, d)).collect();
            let whole = build(&flat, false, 1.0);
            let v = PointValues::new(Scale::CSAT_5, stat).unwrap();
            let n = flat.len() as f64;
            for dom in 0..3 {
                let sub: Vec<_> = flat.iter().copied().filter(|r| r.4 == dom).collect();
                let (Ok(est), false) = (whole.estimate(&v, Some(dom)), sub.len() < 2) else { continue };
                let own = build(&sub, false, 1.0).estimate(&v, None).unwrap();
                let nd = sub.len() as f64;
                prop_assert!((est.estimate - own.estimate).abs() <= 1e-12);
                let want = own.std_error * ((n / (n - 1.0)) / (nd / (nd - 1.0))).sqrt();
                prop_assert!((est.std_error - want).abs() <= 1e-12 * (1.0 + want));
                prop_assert_eq!(est.df, own.df);
                prop_assert_eq!(est.n, sub.len() as u64);
            }
        }

        #[test]
        fn a_domain_compared_with_itself_is_zero_with_p_one(
            rows in rows(), clustered in any::<bool>(), stat in statistic(), dom in 0u64..3,
        ) {
            let d = build(&rows, clustered, 1.0).with_lonely_psu(cxmetrics::complex::LonelyPsu::Adjust);
            let v = PointValues::new(Scale::CSAT_5, stat).unwrap();
            if let Ok(c) = d.difference(&v, dom, dom, 0.95) {
                prop_assert_eq!(c.difference, 0.0);
                prop_assert_eq!(c.std_error, 0.0);
                prop_assert_eq!(c.p_value, Some(1.0));
                prop_assert_eq!(c.z_p_value, Some(1.0));
            }
        }

        #[test]
        fn merging_split_designs_gives_the_whole(
            rows in rows(), clustered in any::<bool>(), cut in any::<prop::sample::Index>(), stat in statistic(),
        ) {
            let at = cut.index(rows.len() + 1);
            let whole = build(&rows, clustered, 1.0);
            let mut left = build(&rows[..at], clustered, 1.0);
            let right = build(&rows[at..], clustered, 1.0);
            left.merge(&right).unwrap();
            prop_assert_eq!(&left, &whole);
            let v = PointValues::new(Scale::CSAT_5, stat).unwrap();
            let (x, y) = (left.estimate(&v, None), whole.estimate(&v, None));
            prop_assert_eq!(format!("{x:?}"), format!("{y:?}"));
        }

        #[test]
        fn two_independent_surveys_stacked_as_strata_add_their_variances(
            a in prop::collection::vec((1u8..=5, 0.1f64..10.0), 2..40),
            b in prop::collection::vec((1u8..=5, 0.1f64..10.0), 2..40),
            stat in statistic(),
        ) {
            let v = PointValues::new(Scale::CSAT_5, stat).unwrap();
            let mut stacked = SurveyDesign::new(Scale::CSAT_5);
            let mut own = [SurveyDesign::new(Scale::CSAT_5), SurveyDesign::new(Scale::CSAT_5)];
            for (survey, rows) in [a, b].iter().enumerate() {
                for &(s, w) in rows {
                    let id = survey as u64;
                    stacked.push(s, w, DesignKey::new().stratum(id).domain(id)).unwrap();
                    own[survey].push(s, w, DesignKey::new()).unwrap();
                }
            }
            let c = stacked.difference(&v, 0, 1, 0.95).unwrap();
            let (ea, eb) = (own[0].estimate(&v, None).unwrap(), own[1].estimate(&v, None).unwrap());
            let want = (ea.std_error.powi(2) + eb.std_error.powi(2)).sqrt();
            prop_assert!((c.std_error - want).abs() <= 1e-12 * (1.0 + want));
            prop_assert!((c.difference - (ea.estimate - eb.estimate)).abs() <= 1e-12);
        }

        #[test]
        fn a_paired_difference_is_the_design_mean_of_the_answer_differences(
            pairs in prop::collection::vec((1u8..=5, 1u8..=5, 0.1f64..10.0, 0u64..3), 2..60),
            stat in statistic(),
        ) {
            let v = PointValues::new(Scale::CSAT_5, stat).unwrap();
            let (scale, h) = PointValues::paired(&v, &v).unwrap();
            let mut paired = SurveyDesign::new(scale);
            let mut direct = SurveyDesign::new(Scale::new(-4, 4, cxmetrics::Polarity::HigherIsBetter).unwrap());
            for &(x, y, w, st) in &pairs {
                let p = PointValues::pair_point(&v, &v, i32::from(x), i32::from(y)).unwrap();
                paired.push(p, w, DesignKey::new().stratum(st)).unwrap();
                let d = v.values()[usize::from(x - 1)] - v.values()[usize::from(y - 1)];
                direct.push(d, w, DesignKey::new().stratum(st)).unwrap();
            }
            let m = PointValues::new(direct.scale(), Statistic::Mean).unwrap();
            match (paired.estimate(&h, None), direct.estimate(&m, None)) {
                (Ok(a), Ok(b)) => {
                    prop_assert!((a.estimate - b.estimate).abs() <= 1e-12);
                    prop_assert!((a.std_error - b.std_error).abs() <= 1e-12 * (1.0 + b.std_error));
                    prop_assert_eq!(a.df, b.df);
                }
                (Err(a), Err(b)) => prop_assert_eq!(a.kind(), b.kind()),
                (a, b) => prop_assert!(false, "{a:?} vs {b:?}"),
            }
        }

        #[test]
        fn every_ok_result_is_finite(
            rows in rows(), clustered in any::<bool>(), stat in statistic(), level in 0.5f64..0.999,
        ) {
            use cxmetrics::complex::IntervalMethod::*;
            let d = build(&rows, clustered, 1.0).with_lonely_psu(cxmetrics::complex::LonelyPsu::Adjust);
            let v = PointValues::new(Scale::CSAT_5, stat).unwrap();
            for domain in [None, Some(0), Some(1), Some(2)] {
                if let Ok(e) = d.estimate(&v, domain) {
                    prop_assert!(e.estimate.is_finite() && e.std_error.is_finite());
                    for m in [Wald, T, TFull, KornGraubard, Logit, Likelihood] {
                        if let Ok(b) = e.interval(m, level) {
                            prop_assert!(b.lower.is_finite() && b.upper.is_finite() && b.lower <= b.upper);
                        }
                    }
                }
            }
            if let Ok(c) = d.difference(&v, 0, 1, level) {
                prop_assert!(c.difference.is_finite() && c.std_error.is_finite());
                for p in [c.p_value, c.z_p_value].into_iter().flatten() {
                    prop_assert!((0.0..=1.0).contains(&p));
                }
            }
        }
    }
}

/// Checks computed in R 4.2.2 / survey 4.1.1 beyond the kinds of the
/// reference files.
mod r_checks {
    use cxmetrics::complex::{
        DesignKey, LonelyPsu, PointValues, ReplicateDesign, ReplicateKind, Statistic, SurveyDesign,
    };
    use cxmetrics::{Polarity, Scale};

    /// A domain of a JK1 design: R's `subset` keeps the domain's rows, so
    /// `degf(sub)` is the rank of their replicate weights − 1.
    /// `svymean(~y, subset(rd, dom == 2))` gives 0.79379940881281363, SE
    /// 0.32720367496927033, degf 6 (design: 11); replicate weights rounded
    /// to 7 digits in R, not here, hence 1e-6.
    #[test]
    fn replicate_domain_uses_the_subset_rank() {
        let y = [1u8, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1];
        let w = [
            9.848, 0.3022, 0.4994, 0.6621, 0.3788, 0.3878, 2.113, 0.8896, 1.165, 8.935, 1.429,
            15.13,
        ];
        let dom = [1u64, 2, 2, 1, 2, 1, 2, 2, 1, 2, 2, 1];
        let scale = Scale::new(0, 1, Polarity::HigherIsBetter).unwrap();
        let mut d = ReplicateDesign::with_r_defaults(scale, ReplicateKind::Jk1, 12, false).unwrap();
        for i in 0..12 {
            let rw: Vec<f64> = (0..12)
                .map(|r| if r == i { 0.0 } else { w[i] * 12.0 / 11.0 })
                .collect();
            d.push(y[i], w[i], &rw, dom[i]).unwrap();
        }
        let v = PointValues::new(scale, Statistic::Mean).unwrap();
        let est = d.estimate(&v, Some(2)).unwrap();
        assert!((est.estimate - 0.793_799_408_812_813_6).abs() < 1e-12);
        assert!((est.std_error / 0.327_203_674_969_270_3 - 1.0).abs() < 1e-6);
        assert_eq!((est.df, est.df_full), (6, 11));
    }

    /// `svytotal` under `survey.lonely.psu = "adjust"`: R centres a lonely
    /// PSU's total on 0 (variance 31.75), not on the mean of the PSU
    /// totals.
    #[test]
    fn lonely_psu_adjust_centres_totals_on_zero() {
        let y = [1u8, 0, 1, 1, 0, 1, 1];
        let w = [1.0, 2.0, 1.5, 1.0, 3.0, 2.0, 5.0];
        let st = [1u64, 1, 2, 2, 2, 3, 4];
        let scale = Scale::new(0, 1, Polarity::HigherIsBetter).unwrap();
        let mut d = SurveyDesign::new(scale).with_lonely_psu(LonelyPsu::Adjust);
        for i in 0..7 {
            d.push(y[i], w[i], DesignKey::new().stratum(st[i])).unwrap();
        }
        let t = d
            .total(&PointValues::new(scale, Statistic::Mean).unwrap(), None)
            .unwrap();
        assert!((t.total - 10.5).abs() < 1e-12);
        assert!((t.std_error * t.std_error - 31.75).abs() < 1e-12);
        let strict = SurveyDesign::from_cells(scale, d.cells().map(|(k, t)| (*k, t.clone())))
            .unwrap()
            .total(&PointValues::new(scale, Statistic::Mean).unwrap(), None);
        assert!(matches!(
            strict,
            Err(cxmetrics::Error::LonelyPsu { stratum: 3 })
        ));
    }
}

/// State round trips, calibration reporting and degenerate cases.
mod behaviour {
    use cxmetrics::complex::{
        Calibration, CalibrationMethod, CalibrationOptions, DesignKey, IntervalMethod, PointValues,
        Statistic, SurveyDesign,
    };
    use cxmetrics::{Error, Scale};

    fn sample() -> SurveyDesign {
        let mut d = SurveyDesign::new(Scale::NPS);
        let scores = [10u8, 9, 3, 7, 10, 0, 8, 9, 6, 10];
        for (i, &s) in scores.iter().enumerate() {
            let key = DesignKey::new()
                .stratum(i as u64 % 2)
                .cluster(i as u64 % 3)
                .domain(i as u64 % 2);
            d.push(s, 1.0 + i as f64 / 4.0, key).unwrap();
        }
        d
    }

    #[cfg(feature = "serde")]
    #[test]
    fn designs_round_trip_through_json() {
        use cxmetrics::complex::{ReplicateDesign, ReplicateKind};
        let d = sample().with_population(0, 500.0).unwrap();
        let json = serde_json::to_string(&d).unwrap();
        let back: SurveyDesign = serde_json::from_str(&json).unwrap();
        assert_eq!(back, d);
        let mut r =
            ReplicateDesign::with_r_defaults(Scale::CSAT_5, ReplicateKind::Brr, 2, true).unwrap();
        r.extend(
            &[5u8, 1, 4, 2],
            &[1.0; 4],
            &[2.0, 0.0, 0.0, 2.0, 2.0, 0.0, 0.0, 2.0],
            &[0, 0, 1, 1],
        )
        .unwrap();
        let back: ReplicateDesign =
            serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
        assert_eq!(back, r);
        let mut broken: serde_json::Value = serde_json::to_value(&r).unwrap();
        broken["grams"].as_array_mut().unwrap().pop();
        assert!(serde_json::from_value::<ReplicateDesign>(broken).is_err());
    }

    #[test]
    fn raking_that_does_not_converge_is_visible_or_an_error() {
        let weights = [1.0, 1.0, 2.0, 1.0, 1.5, 0.5];
        let region = [0usize, 1, 1, 0, 1, 0];
        let channel = [0usize, 0, 1, 1, 1, 0];
        let population: [&[f64]; 2] = [&[40.0, 60.0], &[30.0, 70.0]];
        let options = CalibrationOptions {
            max_iterations: 1,
            ..CalibrationOptions::default()
        };
        let cal = Calibration::new(
            &weights,
            &[&region, &channel],
            &population,
            CalibrationMethod::Raking,
            options,
        )
        .unwrap();
        assert!(!cal.converged());
        assert!(cal.to_string().contains("NOT CONVERGED"), "{cal}");
        let strict = CalibrationOptions {
            require_convergence: true,
            ..options
        };
        let err = Calibration::new(
            &weights,
            &[&region, &channel],
            &population,
            CalibrationMethod::Raking,
            strict,
        )
        .unwrap_err();
        assert!(
            matches!(err, Error::RakingNotConverged { sweeps: 1, .. }),
            "{err}"
        );
        let done = Calibration::new(
            &weights,
            &[&region, &channel],
            &population,
            CalibrationMethod::Raking,
            CalibrationOptions::default(),
        )
        .unwrap();
        assert!(done.converged() && done.to_string().contains("converged"));
    }

    #[test]
    fn degenerate_and_tiny_domains_give_finite_answers_or_named_errors() {
        let v = PointValues::new(Scale::CSAT_5, Statistic::TopBox(2)).unwrap();
        for n_domain in 1..=3usize {
            let mut d = SurveyDesign::new(Scale::CSAT_5);
            for i in 0..10 {
                d.push((i % 5 + 1) as u8, 1.0 + i as f64, DesignKey::new())
                    .unwrap();
            }
            for i in 0..n_domain {
                // all top-box: the share is 1
                d.push(5u8, 2.0 + i as f64, DesignKey::new().domain(1))
                    .unwrap();
            }
            let e = d.estimate(&v, Some(1)).unwrap();
            assert_eq!(
                (e.estimate, e.std_error, e.df),
                (1.0, 0.0, n_domain as u64 - 1)
            );
            assert!(e.degenerate && e.deff_replace.is_none() && e.deff_srs.is_none());
            let wald = e.interval(IntervalMethod::Wald, 0.95).unwrap();
            assert_eq!((wald.lower, wald.upper), (1.0, 1.0));
            assert!(matches!(
                e.interval(IntervalMethod::KornGraubard, 0.95),
                Err(Error::ZeroVariance { .. })
            ));
            assert_eq!(e.interval(IntervalMethod::T, 0.95).is_ok(), n_domain > 1);
            let c = d.difference(&v, 1, 0, 0.95).unwrap();
            assert!(c.std_error > 0.0 && c.p_value.is_some());
        }
        // One non-zero weight in the domain; a domain of zero weights.
        let mut d = SurveyDesign::new(Scale::CSAT_5);
        for (s, w, dom) in [
            (5u8, 3.0, 1u64),
            (1, 0.0, 1),
            (2, 0.0, 2),
            (4, 1.0, 0),
            (1, 1.0, 0),
        ] {
            d.push(s, w, DesignKey::new().domain(dom)).unwrap();
        }
        let e = d.estimate(&v, Some(1)).unwrap();
        assert_eq!((e.estimate, e.std_error, e.df, e.n), (1.0, 0.0, 0, 2));
        assert!(matches!(
            d.estimate(&v, Some(2)),
            Err(Error::ZeroTotalWeight { n: 1 })
        ));
        assert!(matches!(
            d.estimate(&v, Some(9)),
            Err(Error::EmptyTally { .. })
        ));
        let c = d.difference(&v, 1, 0, 0.95).unwrap();
        assert!(c.t.is_some() && c.std_error.is_finite());
    }

    #[test]
    fn merge_checks_population_sizes_and_layout() {
        let a = sample().with_population(0, 100.0).unwrap();
        let b = sample().with_population(0, 200.0).unwrap();
        let mut m = a.clone();
        assert!(matches!(m.merge(&b), Err(Error::InvalidDesign { .. })));
        assert_eq!(m, a);
        let mut flat = SurveyDesign::new(Scale::NPS);
        flat.push(9u8, 1.0, DesignKey::new()).unwrap();
        assert!(m.merge(&flat).is_err());
    }
}
