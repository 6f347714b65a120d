//! Our quantiles against statrs's own inverse CDFs, on the scipy grid of
//! `tests/data/extended.json`: ours must be at least as accurate
//! everywhere. Run with `--nocapture` to see how far statrs strays.

use std::path::Path;

use cxmetrics::dist;
use serde_json::Value;
use statrs::distribution::{Beta, ContinuousCDF, Normal, StudentsT};

fn rel(got: f64, want: f64) -> f64 {
    if want == 0.0 {
        got.abs()
    } else {
        ((got - want) / want).abs()
    }
}

#[test]
fn our_quantiles_are_at_least_as_accurate_as_statrs() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/extended.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut worst: [(f64, String); 3] = Default::default();
    let mut checked = 0;
    for case in doc["cases"].as_array().unwrap() {
        let input = &case["input"];
        let want = case["expected"]["value"].as_f64().unwrap_or(f64::NAN);
        let p = input["p"].as_f64().unwrap_or(f64::NAN);
        // statrs can panic (inside `inv_beta_reg`) on extreme arguments;
        // that counts as an infinite error.
        let guarded = |f: &dyn Fn() -> f64| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or(f64::NAN)
        };
        let (slot, ours, theirs) = match case["kind"].as_str() {
            Some("normal_quantile") => (
                0,
                dist::normal_quantile(p).unwrap(),
                Normal::standard().inverse_cdf(p),
            ),
            Some("t_quantile") => {
                let df = input["df"].as_f64().unwrap();
                (
                    1,
                    dist::t_quantile(p, df).unwrap(),
                    guarded(&|| StudentsT::new(0.0, 1.0, df).unwrap().inverse_cdf(p)),
                )
            }
            Some("beta_quantile") => {
                let (a, b) = (input["a"].as_f64().unwrap(), input["b"].as_f64().unwrap());
                // statrs's beta inverse is very slow at huge shapes; its
                // error is measured on the rest.
                if a.max(b) > 1e6 {
                    continue;
                }
                (
                    2,
                    dist::beta_quantile(p, a, b).unwrap(),
                    guarded(&|| Beta::new(a, b).unwrap().inverse_cdf(p)),
                )
            }
            _ => continue,
        };
        checked += 1;
        let (e_ours, e_theirs) = (rel(ours, want), rel(theirs, want));
        assert!(
            e_ours <= e_theirs.max(1e-12),
            "{}: ours {ours:e} (rel {e_ours:.1e}) vs statrs {theirs:e} (rel {e_theirs:.1e}), want {want:e}",
            case["id"]
        );
        let e_theirs = if e_theirs.is_nan() {
            f64::INFINITY
        } else {
            e_theirs
        };
        if e_theirs > worst[slot].0 {
            worst[slot] = (e_theirs, format!("{} {}", case["id"], input));
        }
    }
    for (name, (err, at)) in ["normal", "t", "beta"].iter().zip(&worst) {
        println!("statrs {name} inverse_cdf: worst relative error {err:.1e} at {at}");
    }
    assert!(checked > 1000, "only {checked} quantile cases");
}
