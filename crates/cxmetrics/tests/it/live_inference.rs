//! Confidence sequences, always-valid comparisons and change charts
//! (`cxmetrics::sequential`, `cxmetrics::monitor`): reference values from
//! `tests/data/gen_sequential.py` (mpmath), seeded coverage and run-length
//! simulations, and properties.

use cxmetrics::interval::{self, NpsMethod, ProportionMethod};
use cxmetrics::monitor::{
    self, Baseline, ChangeMonitor, Chart, ChartScore, CusumDesign, Direction, EwmaDesign,
};
use cxmetrics::sequential::{
    self, AlwaysValidTracker, BoundedSample, ConfidenceSequence, RunningIntersection,
    SequenceMethod, SequenceSpec,
};
use cxmetrics::{ConfidenceLevel, Error, Scale, Tally, Unit, Weight};
use proptest::prelude::*;
use serde_json::Value;

const REFERENCE: &str = include_str!("../data/sequential.json");

const METHODS: [SequenceMethod; 3] = [
    SequenceMethod::BetaBinomial,
    SequenceMethod::SubGaussian,
    SequenceMethod::Asymptotic,
];

fn reference() -> Value {
    serde_json::from_str(REFERENCE).unwrap()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap()
}

/// Relative agreement to `rel`, with an absolute floor of `abs` for
/// expected values at or near 0.
#[track_caller]
fn close(actual: f64, expected: f64, rel: f64, abs: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= rel * expected.abs() + abs,
        "{what}: got {actual:e}, expected {expected:e}"
    );
}

fn method_named(name: &str) -> SequenceMethod {
    match name {
        "BetaBinomial" => SequenceMethod::BetaBinomial,
        "SubGaussian" => SequenceMethod::SubGaussian,
        "Asymptotic" => SequenceMethod::Asymptotic,
        other => panic!("unknown method {other}"),
    }
}

fn spec(level: f64, target: f64) -> SequenceSpec {
    SequenceSpec::new(ConfidenceLevel::new(level).unwrap(), target).unwrap()
}

fn sequence_of(kind: &str, input: &Value, spec: &SequenceSpec) -> ConfidenceSequence {
    match kind {
        "share" => sequential::proportion(u(&input["successes"]), u(&input["n"]), spec).unwrap(),
        "nps" => sequential::nps(
            u(&input["promoters"]),
            u(&input["passives"]),
            u(&input["detractors"]),
            spec,
        )
        .unwrap(),
        "mean" => {
            let values: Vec<f64> = input["values"].as_array().unwrap().iter().map(f).collect();
            let counts: Vec<u64> = input["counts"].as_array().unwrap().iter().map(u).collect();
            let s = BoundedSample::from_counts(
                &values,
                &counts,
                f(&input["lower"]),
                f(&input["upper"]),
            )
            .unwrap();
            sequential::mean(&s, spec).unwrap()
        }
        other => panic!("unknown kind {other}"),
    }
}

#[test]
fn tuning_matches_lambert_w() {
    let r = reference();
    for c in r["lambert"].as_array().unwrap() {
        let alpha = f(&c["alpha"]);
        let rho = sequential::optimal_rho(1000.0, alpha).unwrap();
        close(1000.0 / rho, f(&c["divisor"]), 1e-12, 0.0, "W-1 divisor");
    }
}

#[test]
fn normal_mixture_boundary_matches_the_closed_form() {
    let r = reference();
    for c in r["boundary"].as_array().unwrap() {
        let got =
            sequential::normal_mixture_boundary(f(&c["v"]), f(&c["rho"]), f(&c["alpha"])).unwrap();
        close(got, f(&c["u"]), 1e-12, 0.0, "normal mixture boundary");
    }
}

#[test]
fn beta_binomial_mixture_matches_mpmath() {
    let r = reference();
    for c in r["log_mixture"].as_array().unwrap() {
        let got = sequential::beta_binomial_log_mixture(
            f(&c["s"]),
            f(&c["f"]),
            f(&c["p"]),
            f(&c["kappa"]),
        )
        .unwrap();
        close(got, f(&c["value"]), 1e-9, 1e-12, "ln M");
    }
}

/// Closed forms (sub-Gaussian, asymptotic) to 1e-9 relative; the
/// beta-binomial bounds, found by root finding, to the same tolerance
/// (their root finder stops at about 1e-13 relative). Bounds at 0 are
/// compared with an absolute floor of 1e-12 of the range.
#[test]
fn sequences_match_reference_values() {
    let r = reference();
    let cases = r["sequences"].as_array().unwrap();
    for c in cases {
        let kind = c["kind"].as_str().unwrap();
        let method = method_named(c["method"].as_str().unwrap());
        let sp = spec(f(&c["level"]), f(&c["target_n"])).method(method);
        let cs = sequence_of(kind, &c["input"], &sp);
        let range = match kind {
            "nps" => 200.0,
            "mean" => 4.0,
            _ => 1.0,
        };
        let what = format!("{kind} {method:?} {}", c);
        close(cs.value, f(&c["value"]), 1e-12, 1e-15 * range, &what);
        close(
            cs.interval.lower,
            f(&c["lower"]),
            1e-9,
            1e-12 * range,
            &what,
        );
        close(
            cs.interval.upper,
            f(&c["upper"]),
            1e-9,
            1e-12 * range,
            &what,
        );
    }
    assert!(cases.len() > 200);
}

#[test]
fn msprt_matches_reference_values() {
    let r = reference();
    for c in r["msprt"].as_array().unwrap() {
        let sp = spec(f(&c["level"]), f(&c["target_n"]));
        let d = match c["kind"].as_str().unwrap() {
            "share" => {
                let a = &c["input"]["a"];
                let b = &c["input"]["b"];
                sequential::difference(
                    &BoundedSample::bernoulli(u(&a["successes"]), u(&a["n"])).unwrap(),
                    &BoundedSample::bernoulli(u(&b["successes"]), u(&b["n"])).unwrap(),
                    &sp,
                )
                .unwrap()
            }
            _ => {
                let tally = |v: &Value| {
                    let (p, a, d) = (u(&v["promoters"]), u(&v["passives"]), u(&v["detractors"]));
                    Tally::from_counts(Scale::NPS, &[d, 0, 0, 0, 0, 0, 0, a, 0, p, 0]).unwrap()
                };
                monitor::compare_nps(&tally(&c["input"]["a"]), &tally(&c["input"]["b"]), &sp)
                    .unwrap()
            }
        };
        let what = c.to_string();
        let scale = if d.unit == Unit::NpsPoints {
            100.0
        } else {
            1.0
        };
        close(
            d.difference,
            f(&c["difference"]),
            1e-12,
            1e-14 * scale,
            &what,
        );
        close(d.interval.lower, f(&c["lower"]), 1e-9, 1e-12 * scale, &what);
        close(d.interval.upper, f(&c["upper"]), 1e-9, 1e-12 * scale, &what);
        close(
            d.exact_interval.lower,
            f(&c["exact_lower"]),
            1e-9,
            1e-12 * scale,
            &what,
        );
        close(
            d.exact_interval.upper,
            f(&c["exact_upper"]),
            1e-9,
            1e-12 * scale,
            &what,
        );
        close(d.p_value, f(&c["p_value"]), 1e-9, 1e-300, &what);
        close(d.log_likelihood_ratio, f(&c["log_lr"]), 1e-9, 1e-12, &what);
        close(d.tau2, f(&c["tau2"]), 1e-9, 0.0, &what);
    }
}

#[test]
fn average_run_lengths_match_reference_values() {
    let r = reference();
    for c in r["arl"].as_array().unwrap() {
        let (shift, want) = (f(&c["shift"]), f(&c["arl"]));
        let got = match c["chart"].as_str().unwrap() {
            "cusum" => CusumDesign::new(f(&c["k"]), f(&c["h"]))
                .unwrap()
                .arl(shift)
                .unwrap(),
            _ => EwmaDesign::new(f(&c["lambda"]), f(&c["L"]))
                .unwrap()
                .arl(shift)
                .unwrap(),
        };
        close(got, want, 1e-9, 0.0, &c.to_string());
    }
}

/// SplitMix64 with Box–Muller: seeded, dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn normal(&mut self) -> f64 {
        let u = self.uniform().max(1e-300);
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * self.uniform()).cos()
    }
}

/// The Wilson 95% interval of `k` failures in `n` streams, for reporting.
fn binomial_interval(k: u64, n: u64) -> (f64, f64) {
    let e = interval::proportion(k, n, ProportionMethod::Wilson, ConfidenceLevel::P95).unwrap();
    (e.interval.lower, e.interval.upper)
}

const STREAMS: u64 = 400;
const LOOKS: u64 = 1000;
/// The first look at which the asymptotic sequence is checked.
const BURN_IN: u64 = 100;

/// Under no change, the share of streams whose sequence ever excludes the
/// truth within 1,000 looks (one answer per look) is at most α plus
/// simulation error, while the fixed-n Wilson interval looked at every
/// step excludes it far more often than α.
#[test]
fn share_sequences_keep_coverage_under_continuous_monitoring() {
    let p = 0.3;
    let alpha = 0.05;
    let sp = spec(0.95, 200.0);
    let mut rng = Rng(20);
    let mut failed = [0u64; 3];
    let mut fixed_failed = 0u64;
    let mut late = 0u64;
    for _ in 0..STREAMS {
        let mut successes = 0u64;
        let mut failed_here = [false; 3];
        let mut late_failed = false;
        let mut fixed_here = false;
        for n in 1..=LOOKS {
            successes += u64::from(rng.uniform() < p);
            for (i, m) in METHODS.iter().enumerate() {
                if !failed_here[i] {
                    let cs = sequential::proportion(successes, n, &sp.method(*m)).unwrap();
                    failed_here[i] = !cs.interval.contains(p);
                }
            }
            // The asymptotic sequence is for large n: from look 100 on.
            if n >= BURN_IN && !late_failed {
                let cs =
                    sequential::proportion(successes, n, &sp.method(SequenceMethod::Asymptotic))
                        .unwrap();
                late_failed = !cs.interval.contains(p);
            }
            if !fixed_here {
                let e = interval::proportion(
                    successes,
                    n,
                    ProportionMethod::Wilson,
                    ConfidenceLevel::P95,
                )
                .unwrap();
                fixed_here = !e.interval.contains(p);
            }
        }
        for i in 0..3 {
            failed[i] += u64::from(failed_here[i]);
        }
        late += u64::from(late_failed);
        fixed_failed += u64::from(fixed_here);
    }
    let se = (alpha * (1.0 - alpha) / STREAMS as f64).sqrt();
    for (i, m) in METHODS.iter().enumerate() {
        let (lo, hi) = binomial_interval(failed[i], STREAMS);
        println!(
            "share p = {p}, {m:?}: {} of {STREAMS} streams ever excluded the truth in {LOOKS} looks \
             ({:.1}%, 95% CI {:.1}% to {:.1}%)",
            failed[i],
            100.0 * failed[i] as f64 / STREAMS as f64,
            100.0 * lo,
            100.0 * hi
        );
        // The asymptotic sequence is not meant for the first few answers
        // (runs of early zeros give it a variance near 0); it is checked
        // from look 100 below.
        if m.is_exact() {
            assert!(
                (failed[i] as f64 / STREAMS as f64) <= alpha + 3.0 * se,
                "{m:?}"
            );
        }
    }
    let (lo, hi) = binomial_interval(late, STREAMS);
    println!(
        "share p = {p}, Asymptotic from look {BURN_IN}: {late} of {STREAMS} streams \
         ({:.1}%, 95% CI {:.1}% to {:.1}%)",
        100.0 * late as f64 / STREAMS as f64,
        100.0 * lo,
        100.0 * hi
    );
    assert!((late as f64 / STREAMS as f64) <= alpha + 3.0 * se);
    let (lo, hi) = binomial_interval(fixed_failed, STREAMS);
    println!(
        "share p = {p}, fixed-n Wilson looked at every step: {fixed_failed} of {STREAMS} \
         ({:.1}%, 95% CI {:.1}% to {:.1}%)",
        100.0 * fixed_failed as f64 / STREAMS as f64,
        100.0 * lo,
        100.0 * hi
    );
    assert!(
        lo > alpha,
        "the fixed-n interval should fail under continuous looks"
    );
}

/// The same for NPS, with daily looks of 5 answers (1,000 looks, 5,000
/// answers per stream).
#[test]
fn nps_sequences_keep_coverage_under_continuous_monitoring() {
    let (pp, pd) = (0.45, 0.25);
    let truth = 100.0 * (pp - pd);
    let alpha = 0.05;
    let sp = spec(0.95, 1000.0);
    let mut rng = Rng(2020);
    let mut failed = [0u64; 3];
    let mut fixed_failed = 0u64;
    let streams = STREAMS / 2;
    for _ in 0..streams {
        let (mut p, mut a, mut d) = (0u64, 0u64, 0u64);
        let mut failed_here = [false; 3];
        let mut fixed_here = false;
        for _ in 0..LOOKS {
            for _ in 0..5 {
                let x = rng.uniform();
                if x < pp {
                    p += 1;
                } else if x < 1.0 - pd {
                    a += 1;
                } else {
                    d += 1;
                }
            }
            for (i, m) in METHODS.iter().enumerate() {
                if !failed_here[i] {
                    let cs = sequential::nps(p, a, d, &sp.method(*m)).unwrap();
                    failed_here[i] = !cs.interval.contains(truth);
                }
            }
            if !fixed_here {
                let e =
                    interval::nps(p, a, d, NpsMethod::AdjustedWald, ConfidenceLevel::P95).unwrap();
                fixed_here = !e.interval.contains(truth);
            }
        }
        for i in 0..3 {
            failed[i] += u64::from(failed_here[i]);
        }
        fixed_failed += u64::from(fixed_here);
    }
    let se = (alpha * (1.0 - alpha) / streams as f64).sqrt();
    for (i, m) in METHODS.iter().enumerate() {
        let (lo, hi) = binomial_interval(failed[i], streams);
        println!(
            "NPS {truth}, {m:?}: {} of {streams} streams ever excluded the truth in {LOOKS} looks \
             ({:.1}%, 95% CI {:.1}% to {:.1}%)",
            failed[i],
            100.0 * failed[i] as f64 / streams as f64,
            100.0 * lo,
            100.0 * hi
        );
        assert!(
            (failed[i] as f64 / streams as f64) <= alpha + 3.0 * se,
            "{m:?}"
        );
    }
    let (lo, hi) = binomial_interval(fixed_failed, streams);
    println!(
        "NPS {truth}, fixed-n adjusted Wald looked at every look: {fixed_failed} of {streams} \
         ({:.1}%, 95% CI {:.1}% to {:.1}%)",
        100.0 * fixed_failed as f64 / streams as f64,
        100.0 * lo,
        100.0 * hi
    );
    assert!(lo > alpha);
}

/// Under no difference, the tracked always-valid p-value of the mSPRT
/// falls below α within 1,000 looks in at most α of streams (plus
/// simulation error); the exact sequence for the difference keeps 0.
#[test]
fn msprt_keeps_its_level_under_continuous_monitoring() {
    let p = 0.6;
    let alpha = 0.05;
    let sp = spec(0.95, 500.0);
    let mut rng = Rng(7);
    let streams = STREAMS / 2;
    let (mut rejected, mut exact_excluded) = (0u64, 0u64);
    for _ in 0..streams {
        let mut tracker = AlwaysValidTracker::new();
        let (mut sa, mut sb) = (0u64, 0u64);
        let mut excluded = false;
        let mut last_p = 1.0;
        for n in 1..=LOOKS {
            sa += u64::from(rng.uniform() < p);
            sb += u64::from(rng.uniform() < p);
            let look = sequential::difference(
                &BoundedSample::bernoulli(sa, n).unwrap(),
                &BoundedSample::bernoulli(sb, n).unwrap(),
                &sp,
            )
            .unwrap();
            excluded |= !look.exact_interval.contains(0.0);
            let tracked = tracker.update(&look);
            assert!(tracked.p_value <= last_p);
            last_p = tracked.p_value;
        }
        rejected += u64::from(tracker.p_value() <= alpha);
        exact_excluded += u64::from(excluded);
    }
    let (lo, hi) = binomial_interval(rejected, streams);
    println!(
        "mSPRT, no difference: {rejected} of {streams} streams rejected within {LOOKS} looks \
         ({:.1}%, 95% CI {:.1}% to {:.1}%); exact difference sequence excluded 0 in {exact_excluded}",
        100.0 * rejected as f64 / streams as f64,
        100.0 * lo,
        100.0 * hi
    );
    let se = (alpha * (1.0 - alpha) / streams as f64).sqrt();
    assert!(rejected as f64 / streams as f64 <= alpha + 3.0 * se);
    assert!(exact_excluded as f64 / streams as f64 <= alpha + 3.0 * se);
}

/// Simulated in-control run lengths of the charts match the Markov-chain
/// ARL within three standard errors of the simulation.
#[test]
fn simulated_in_control_run_lengths_match_the_computed_ones() {
    let baseline = Baseline::new(30.0, 80.0, Unit::NpsPoints).unwrap();
    let n = 400u64;
    let se_value = 80.0 / (n as f64).sqrt();
    let charts = [
        Chart::Cusum(CusumDesign::for_arl0(200.0, 0.5).unwrap()),
        Chart::Ewma(EwmaDesign::for_arl0(200.0, 0.2).unwrap()),
    ];
    for (seed, chart) in charts.into_iter().enumerate() {
        let computed = chart.arl(0.0).unwrap();
        assert!((computed - 200.0).abs() < 1e-6);
        let mut rng = Rng(99 + seed as u64);
        let mut m = ChangeMonitor::new(ChartScore::Nps, baseline, chart).unwrap();
        let runs = 3000;
        let (mut sum, mut sum_sq) = (0.0, 0.0);
        let mut period = 0i64;
        for _ in 0..runs {
            m.reset();
            loop {
                period += 1;
                let value = 30.0 + se_value * rng.normal();
                if let Some(alert) = m.observe_value(period, value, n).unwrap().alert {
                    let rl = alert.run_length as f64;
                    sum += rl;
                    sum_sq += rl * rl;
                    break;
                }
            }
        }
        let mean = sum / runs as f64;
        let sd = (sum_sq / runs as f64 - mean * mean).sqrt();
        let se = sd / (runs as f64).sqrt();
        println!(
            "{chart}: computed ARL0 {computed:.1}, simulated {mean:.1} ± {se:.1} ({runs} runs)"
        );
        assert!(
            (mean - computed).abs() <= 3.0 * se,
            "{chart}: {mean} vs {computed}"
        );
    }
}

/// An injected shift of NPS 30 → 20 at 400 answers a day (2.5 standard
/// errors of a day) is caught within days, downward; the time to alert is
/// reported.
#[test]
fn an_injected_shift_raises_an_alert_in_its_direction() {
    let history = Tally::from_counts(
        Scale::NPS,
        &[100, 100, 100, 100, 100, 100, 400, 1200, 1300, 1600, 1900],
    )
    .unwrap();
    let baseline = Baseline::from_tally(ChartScore::Nps, &history).unwrap();
    for chart in [
        Chart::Cusum(CusumDesign::for_arl0(370.0, 0.5).unwrap()),
        Chart::Ewma(EwmaDesign::for_arl0(370.0, 0.2).unwrap()),
    ] {
        let mut rng = Rng(5);
        let mut delays = Vec::new();
        for _ in 0..200 {
            let mut m = ChangeMonitor::new(ChartScore::Nps, baseline, chart).unwrap();
            let shifted = baseline.mean - 10.0;
            let (pp, pd) = (
                (0.5 + shifted / 200.0) - 0.15,
                (0.5 - shifted / 200.0) - 0.15,
            );
            for day in 0..200i64 {
                let (mut p, mut a, mut d) = (0u64, 0u64, 0u64);
                for _ in 0..400 {
                    let x = rng.uniform();
                    if x < pp {
                        p += 1;
                    } else if x < 1.0 - pd {
                        a += 1;
                    } else {
                        d += 1;
                    }
                }
                let t = Tally::from_counts(Scale::NPS, &[d, 0, 0, 0, 0, 0, 0, a, 0, p, 0]).unwrap();
                if let Some(alert) = m.observe(day, &t).unwrap().alert {
                    assert_eq!(alert.direction, Direction::Down, "{alert}");
                    delays.push(alert.run_length as f64);
                    break;
                }
            }
        }
        let mean = delays.iter().sum::<f64>() / delays.len() as f64;
        println!(
            "{chart}: NPS −10 points at 400 answers/day detected after {mean:.2} days on average ({} runs)",
            delays.len()
        );
        assert_eq!(delays.len(), 200);
        assert!(mean < 5.0);
    }
}

#[test]
fn displays_say_which_interval_is_which() {
    let t = Tally::from_counts(Scale::NPS, &[5, 2, 3, 5, 5, 5, 5, 15, 15, 20, 20]).unwrap();
    let live = monitor::nps(&t, &spec(0.95, 100.0)).unwrap();
    let s = live.to_string();
    assert!(s.starts_with("10.0 (95% CI "), "{s}");
    assert!(
        s.contains("; anytime-valid 95% confidence sequence "),
        "{s}"
    );
    let top = monitor::top_box(
        &Tally::from_counts(Scale::CSAT_5, &[3, 2, 8, 20, 17]).unwrap(),
        2,
        &spec(0.9, 50.0),
    )
    .unwrap();
    assert!(
        top.sequence
            .to_string()
            .starts_with("74.0% (anytime-valid 90% confidence sequence ")
    );
    assert!(top.sequence.interval.width() > top.fixed.interval.width());
}

#[test]
fn bad_arguments_are_named_errors() {
    for target in [0.0, 0.5, f64::NAN, f64::INFINITY, 2e15] {
        assert!(SequenceSpec::new(ConfidenceLevel::P95, target).is_err());
    }
    assert!(sequential::proportion(3, 2, &spec(0.95, 10.0)).is_err());
    assert!(sequential::proportion(0, 0, &spec(0.95, 10.0)).is_err());
    assert!(sequential::nps(0, 0, 0, &spec(0.95, 10.0)).is_err());
    assert!(BoundedSample::new(3, 2.0, 0.0, 0.0, 1.0).is_err());
    assert!(BoundedSample::new(3, 0.5, -1.0, 0.0, 1.0).is_err());
    assert!(BoundedSample::new(3, 0.5, 1.0, 1.0, 1.0).is_err());
    assert!(sequential::optimal_rho(0.0, 0.05).is_err());
    assert!(sequential::optimal_rho(10.0, 1.0).is_err());
    assert!(sequential::beta_binomial_log_mixture(1.0, 1.0, 0.0, 1.0).is_err());
    for arl0 in [1.0, f64::NAN, 1e7] {
        assert!(CusumDesign::for_arl0(arl0, 0.5).is_err());
        assert!(EwmaDesign::for_arl0(arl0, 0.2).is_err());
    }
    assert!(CusumDesign::for_arl0(10.0, 4.0).is_err()); // even h → 0 signals too rarely
    assert!(EwmaDesign::new(0.0, 3.0).is_err());
    assert!(CusumDesign::new(0.5, 4.0).unwrap().arl(f64::NAN).is_err());
    let b = Baseline::new(0.8, 0.4, Unit::Share).unwrap();
    let chart = Chart::Cusum(CusumDesign::new(0.5, 4.0).unwrap());
    assert!(matches!(
        ChangeMonitor::new(ChartScore::Nps, b, chart),
        Err(Error::IncompatibleUnit { .. })
    ));
    let mut m = ChangeMonitor::new(ChartScore::TopBox(2), b, chart).unwrap();
    m.observe_value(3, 0.8, 10).unwrap();
    assert!(m.observe_value(3, 0.8, 10).is_err());
    assert!(m.observe_value(4, f64::NAN, 10).is_err());
    // A day without answers leaves the chart as it was.
    let p = m.observe(5, &Tally::new(Scale::CSAT_5)).unwrap();
    assert!(p.value.is_none() && p.alert.is_none());
    let a = Tally::from_scores(Scale::CSAT_5, &[5u8]).unwrap();
    let b7 = Tally::from_scores(Scale::CSAT_7, &[5u8]).unwrap();
    assert!(matches!(
        monitor::compare_top_box(&a, &b7, 2, &spec(0.95, 10.0)),
        Err(Error::ScaleMismatch { .. })
    ));
}

/// Extremes: n = 1, n = 10⁸, shares 0 and 1, levels 0.5 to 0.999, targets
/// 1 to 10¹⁵: finite numbers inside the range, containing the estimate.
#[test]
fn extremes_give_finite_sane_sequences() {
    for level in [0.5, 0.8, 0.95, 0.999] {
        for target in [1.0, 100.0, 1e8, 1e15] {
            for m in METHODS {
                let sp = spec(level, target).method(m);
                for (s, n) in [
                    (0, 1),
                    (1, 1),
                    (0, 100_000_000),
                    (100_000_000, 100_000_000),
                    (1, 100_000_000),
                    (37, 100),
                ] {
                    let cs = sequential::proportion(s, n, &sp).unwrap();
                    let i = cs.interval;
                    assert!(i.lower.is_finite() && i.upper.is_finite());
                    assert!(
                        0.0 <= i.lower
                            && i.lower <= cs.value
                            && cs.value <= i.upper
                            && i.upper <= 1.0,
                        "{cs:?}"
                    );
                }
                for (p, a, d) in [
                    (1, 0, 0),
                    (0, 0, 1),
                    (50_000_000, 0, 50_000_000),
                    (0, 100_000_000, 0),
                ] {
                    let cs = sequential::nps(p, a, d, &sp).unwrap();
                    let i = cs.interval;
                    assert!(
                        -100.0 <= i.lower
                            && i.lower <= cs.value
                            && cs.value <= i.upper
                            && i.upper <= 100.0,
                        "{cs:?}"
                    );
                }
                let a = BoundedSample::bernoulli(0, 1).unwrap();
                let b = BoundedSample::bernoulli(100_000_000, 100_000_000).unwrap();
                let d = sequential::difference(&a, &b, &sp).unwrap();
                assert!(d.p_value >= 0.0 && d.p_value <= 1.0 && d.log_likelihood_ratio.is_finite());
                assert!(d.interval.lower >= -1.0 && d.interval.upper <= 1.0);
                assert!(
                    d.interval.contains(d.difference) && d.exact_interval.contains(d.difference)
                );
            }
        }
    }
}

fn nps_tally(scores: &[u8]) -> Tally {
    Tally::from_scores(Scale::NPS, scores).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Every sequence contains its estimate and stays in the metric's range.
    #[test]
    fn sequences_contain_the_estimate_within_range(
        counts in prop::collection::vec(0u64..200, 5),
        level in 0.5f64..0.999,
        target in 1.0f64..1e6,
        m in 0usize..3,
    ) {
        prop_assume!(counts.iter().sum::<u64>() > 1);
        let t = Tally::from_counts(Scale::CSAT_5, &counts).unwrap();
        let sp = spec(level, target).method(METHODS[m]);
        let mean = monitor::mean(&t, &sp).unwrap();
        let top = monitor::top_box(&t, 2, &sp).unwrap();
        for (cs, lo, hi) in [(mean.sequence, 1.0, 5.0), (top.sequence, 0.0, 1.0)] {
            prop_assert!(lo <= cs.interval.lower && cs.interval.upper <= hi, "{:?}", cs);
            prop_assert!(cs.interval.contains(cs.value), "{:?}", cs);
        }
        let nps = sequential::nps(counts[0], counts[1], counts[2], &sp).unwrap();
        prop_assert!(-100.0 <= nps.interval.lower && nps.interval.upper <= 100.0);
        prop_assert!(nps.interval.contains(nps.value));
        // Wider at a higher level.
        let wider = sequential::nps(counts[0], counts[1], counts[2], &sp.level(ConfidenceLevel::new(0.9995).unwrap())).unwrap();
        prop_assert!(wider.interval.lower <= nps.interval.lower + 1e-9 && wider.interval.upper >= nps.interval.upper - 1e-9);
    }

    /// The sequence is a function of the tally: however the stream is cut
    /// into batches (and merged in any order), the result is the same, bit
    /// for bit.
    #[test]
    fn sequences_do_not_depend_on_batches(
        scores in prop::collection::vec(0u8..=10, 1..400),
        cuts in prop::collection::vec(0usize..400, 0..6),
        m in 0usize..3,
    ) {
        let sp = spec(0.95, 300.0).method(METHODS[m]);
        let whole = nps_tally(&scores);
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % (scores.len() + 1)).collect();
        cuts.sort_unstable();
        let mut merged = Tally::new(Scale::NPS);
        let mut start = 0;
        let mut parts = Vec::new();
        for c in cuts.into_iter().chain([scores.len()]) {
            parts.push(nps_tally(&scores[start..c.max(start)]));
            start = c.max(start);
        }
        for p in parts.iter().rev() {
            merged.merge(p).unwrap();
        }
        let a = monitor::nps(&whole, &sp).unwrap();
        let b = monitor::nps(&merged, &sp).unwrap();
        prop_assert_eq!(a.sequence, b.sequence);
    }

    /// Merging bounded samples equals building one from all the counts.
    #[test]
    fn bounded_samples_merge_exactly(
        a in prop::collection::vec(0u64..1000, 3),
        b in prop::collection::vec(0u64..1000, 3),
    ) {
        prop_assume!(a.iter().sum::<u64>() > 0 && b.iter().sum::<u64>() > 0);
        let v = [-1.0, 0.0, 1.0];
        let sa = BoundedSample::from_counts(&v, &a, -1.0, 1.0).unwrap();
        let sb = BoundedSample::from_counts(&v, &b, -1.0, 1.0).unwrap();
        let all: Vec<u64> = a.iter().zip(&b).map(|(x, y)| x + y).collect();
        let whole = BoundedSample::from_counts(&v, &all, -1.0, 1.0).unwrap();
        let merged = sa.merge(&sb).unwrap();
        prop_assert_eq!(merged.n(), whole.n());
        prop_assert!((merged.mean() - whole.mean()).abs() <= 1e-14);
        prop_assert!((merged.m2() - whole.m2()).abs() <= 1e-12 * whole.m2().max(1.0));
        let sp = spec(0.95, 100.0);
        let x = sequential::mean(&merged, &sp).unwrap().interval;
        let y = sequential::mean(&whole, &sp).unwrap().interval;
        prop_assert!((x.lower - y.lower).abs() < 1e-9 && (x.upper - y.upper).abs() < 1e-9);
    }

    /// The running intersection is nested and contains every later
    /// sequence's intersection with it.
    #[test]
    fn running_intersections_are_nested(
        draws in prop::collection::vec(0u8..=10, 1..300),
        m in 0usize..3,
    ) {
        let sp = spec(0.9, 50.0).method(METHODS[m]);
        let mut running = RunningIntersection::new();
        let mut prev: Option<cxmetrics::Interval> = None;
        let mut t = Tally::new(Scale::NPS);
        for chunk in draws.chunks(7) {
            t.extend_scores(chunk).unwrap();
            let cs = monitor::nps(&t, &sp).unwrap().sequence;
            let now = running.update(&cs);
            prop_assert!(now.lower <= now.upper);
            if let Some(p) = prev {
                prop_assert!(now.lower >= p.lower && now.upper <= p.upper);
            }
            if !running.contradicted() {
                prop_assert!(now.lower >= cs.interval.lower && now.upper <= cs.interval.upper);
            }
            prev = Some(now);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Arbitrary arguments to every public function give a named error or
    /// finite numbers, never NaN, infinity or a panic.
    #[test]
    fn arbitrary_arguments_give_errors_or_finite_numbers(
        x in prop::num::f64::ANY,
        y in prop::num::f64::ANY,
        z in prop::num::f64::ANY,
        s in any::<u64>(),
        n in any::<u64>(),
        level in 0.5f64..0.9999,
        m in 0usize..3,
    ) {
        let finite = |r: Result<f64, Error>| r.map_or(true, f64::is_finite);
        prop_assert!(finite(sequential::optimal_rho(x, y)));
        prop_assert!(finite(sequential::normal_mixture_boundary(x, y, z)));
        prop_assert!(finite(sequential::beta_binomial_log_mixture(x, y, z, x.abs())));
        prop_assert!(finite(sequential::beta_binomial_log_mixture(x.abs(), y.abs(), z.fract().abs(), 1.0)));
        if let Ok(t) = SequenceSpec::new(ConfidenceLevel::new(level).unwrap(), x) {
            let sp = t.method(METHODS[m]);
            for (k, nn) in [(s, n), (s % 1000, n % 1000), (s.min(n), n.max(s))] {
                if let Ok(cs) = sequential::proportion(k, nn, &sp) {
                    prop_assert!(cs.interval.lower.is_finite() && cs.interval.upper.is_finite());
                    prop_assert!(cs.interval.contains(cs.value) && cs.interval.lower >= 0.0 && cs.interval.upper <= 1.0);
                }
            }
            if let Ok(cs) = sequential::nps(s / 4, n / 4, (s ^ n) / 4, &sp) {
                prop_assert!(cs.interval.contains(cs.value) && cs.interval.lower >= -100.0 && cs.interval.upper <= 100.0);
            }
            if let (Ok(a), Ok(b)) = (BoundedSample::bernoulli(s % 100, 100), BoundedSample::bernoulli(n % 50, 50)) {
                let d = sequential::difference(&a, &b, &sp).unwrap();
                prop_assert!(d.p_value.is_finite() && d.log_likelihood_ratio.is_finite() && d.tau2.is_finite());
                prop_assert!(d.interval.contains(d.difference) && d.exact_interval.contains(d.difference));
            }
        }
        if let Ok(b) = BoundedSample::new(n, x, y.abs(), -1.0, 1.0) {
            let sp = spec(level, 100.0).method(METHODS[m]);
            let cs = sequential::mean(&b, &sp).unwrap();
            prop_assert!(cs.interval.lower.is_finite() && cs.interval.upper.is_finite());
        }
        prop_assert!(finite(CusumDesign::new(x, y).and_then(|d| d.arl(z))));
        prop_assert!(finite(EwmaDesign::new(x, y).and_then(|d| d.arl(z))));
        if let Ok(b) = Baseline::new(x, y, Unit::NpsPoints) {
            let chart = Chart::Cusum(CusumDesign::new(0.5, 4.0).unwrap());
            let mut mon = ChangeMonitor::new(ChartScore::Nps, b, chart).unwrap();
            if let Ok(p) = mon.observe_value(0, z, n) {
                prop_assert!(p.upper.is_finite() && p.lower.is_finite() && p.z.is_some_and(f64::is_finite));
            }
        }
    }
}

#[test]
fn live_containers_report_sequences() {
    use cxmetrics::AtomicTally;
    use cxmetrics::monitor::LiveScores;
    let sp = spec(0.95, 1000.0);
    let live = AtomicTally::new(Scale::NPS);
    live.extend_scores(&[10u8, 9, 8, 3, 10, 9, 7, 6, 10, 9])
        .unwrap();
    let a = live.live_nps(&sp).unwrap();
    let b = monitor::nps(&live.snapshot().unwrap(), &sp).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.fixed.value, 40.0);
    let mut week = cxmetrics::Window::new(Tally::new(Scale::CES_7), 7).unwrap();
    week.get_mut(3)
        .unwrap()
        .extend_scores(&[7u8, 6, 2])
        .unwrap();
    week.get_mut(4).unwrap().extend_scores(&[5u8, 1]).unwrap();
    let m = week.live_mean(&sp).unwrap();
    assert_eq!(m, monitor::mean(&week.total().unwrap(), &sp).unwrap());
}

/// The beta-binomial sequence is exactly the set {p : ln M(p) < ln(1/α)}:
/// on a fine grid, every point inside the interval has ln M below the
/// threshold and every point outside has it at or above (so the set is an
/// interval and the root finder found its ends).
#[test]
fn beta_binomial_interval_is_the_mixture_set() {
    for (s, n) in [
        (0u64, 3u64),
        (1, 1),
        (2, 9),
        (37, 100),
        (400, 1000),
        (999, 1000),
        (5, 100_000),
    ] {
        for (level, target) in [(0.95, 100.0), (0.5, 1.0), (0.999, 1e6), (0.9, 30.0)] {
            let sp = spec(level, target);
            let cs = sequential::proportion(s, n, &sp).unwrap();
            let (kappa, c) = (sp.pseudo_n(), -(1.0 - level).ln());
            let (sf, ff) = (s as f64, (n - s) as f64);
            for i in 1..4000 {
                let p = i as f64 / 4000.0;
                let g = sequential::beta_binomial_log_mixture(sf, ff, p, kappa).unwrap() - c;
                // Points within 1e-9 of an end may go either way.
                let near =
                    (p - cs.interval.lower).abs() < 1e-9 || (p - cs.interval.upper).abs() < 1e-9;
                if !near {
                    assert_eq!(
                        cs.interval.contains(p),
                        g < 0.0,
                        "s {s} n {n} level {level} target {target} p {p}: {cs:?}"
                    );
                }
            }
        }
    }
}

/// The sequence is tightest at the target sample size: tuned for n it is
/// narrower at n than when tuned for n/10 or 10n (exactly so for the
/// normal mixtures, whose tuning is the optimum; to within 1% for the
/// beta-binomial mixture, whose tuning matches it to the normal one).
#[test]
fn sequences_are_tightest_at_their_target() {
    for (s, n) in [(300u64, 1000u64), (55, 100), (4_000, 10_000)] {
        for m in METHODS {
            let width = |target: f64| {
                sequential::proportion(s, n, &spec(0.95, target).method(m))
                    .unwrap()
                    .interval
                    .width()
            };
            let at = width(n as f64);
            let slack = if m == SequenceMethod::BetaBinomial {
                1.01
            } else {
                1.0 + 1e-12
            };
            assert!(at <= width(n as f64 / 10.0) * slack, "{m:?} {s}/{n}");
            assert!(at <= width(n as f64 * 10.0) * slack, "{m:?} {s}/{n}");
        }
    }
}

#[test]
fn weighted_tallies_are_refused_by_the_exact_methods() {
    let mut t = Tally::new(Scale::NPS);
    t.push(cxmetrics::Response::weighted(
        Scale::NPS.rating(10).unwrap(),
        Weight::new(2.5).unwrap(),
    ))
    .unwrap();
    t.extend_scores(&[3u8, 9]).unwrap();
    for m in [SequenceMethod::BetaBinomial, SequenceMethod::SubGaussian] {
        let err = monitor::nps(&t, &spec(0.95, 100.0).method(m)).unwrap_err();
        assert!(matches!(err, Error::InvalidArgument { .. }), "{err}");
        assert!(err.to_string().contains("unweighted"), "{err}");
    }
    assert!(monitor::compare_nps(&t, &t, &spec(0.95, 100.0)).is_err());
    let b = Baseline::new(0.0, 50.0, Unit::NpsPoints).unwrap();
    let chart = Chart::Cusum(CusumDesign::new(0.5, 4.0).unwrap());
    let mut m = ChangeMonitor::new(ChartScore::Nps, b, chart).unwrap();
    assert!(m.observe(1, &t).is_err());
    // The asymptotic method takes it, with the design-based variance.
    let live = monitor::nps(&t, &spec(0.95, 100.0).method(SequenceMethod::Asymptotic)).unwrap();
    assert_eq!(live.sequence.value, live.fixed.value);
    assert!(live.sequence.interval.contains(live.fixed.value));
}

/// Equal weights change nothing: the weighted (design-based) asymptotic
/// sequence of a tally whose every weight is 3 is the unweighted one.
#[test]
fn equal_weights_give_the_unweighted_asymptotic_sequence() {
    let sp = spec(0.9, 300.0).method(SequenceMethod::Asymptotic);
    let scores = [10u8, 9, 9, 8, 7, 6, 3, 10, 9, 5, 0, 10, 8];
    let plain = Tally::from_scores(Scale::NPS, &scores).unwrap();
    let mut weighted = Tally::new(Scale::NPS);
    weighted
        .extend_weighted_scores(&scores, &[3.0; 13])
        .unwrap();
    let a = monitor::nps(&plain, &sp).unwrap().sequence;
    let b = monitor::nps(&weighted, &sp).unwrap().sequence;
    close(b.interval.lower, a.interval.lower, 1e-12, 1e-12, "lower");
    close(b.interval.upper, a.interval.upper, 1e-12, 1e-12, "upper");
    let csat = [5u8, 4, 4, 3, 1, 2, 5];
    let plain = Tally::from_scores(Scale::CSAT_5, &csat).unwrap();
    let mut weighted = Tally::new(Scale::CSAT_5);
    weighted.extend_weighted_scores(&csat, &[0.5; 7]).unwrap();
    for (x, y) in [
        (
            monitor::top_box(&plain, 2, &sp).unwrap().sequence,
            monitor::top_box(&weighted, 2, &sp).unwrap().sequence,
        ),
        (
            monitor::mean(&plain, &sp).unwrap().sequence,
            monitor::mean(&weighted, &sp).unwrap().sequence,
        ),
    ] {
        close(y.interval.lower, x.interval.lower, 1e-12, 1e-12, "lower");
        close(y.interval.upper, x.interval.upper, 1e-12, 1e-12, "upper");
    }
}

/// Weighted answers whose weights follow the answer (detractors weighted
/// up, as in non-response weighting): the design-based asymptotic sequence
/// keeps its coverage of the population NPS from look 100 on.
#[test]
fn weighted_asymptotic_sequences_keep_coverage() {
    // Population: 40% promoters, 30% passives, 30% detractors (NPS 10);
    // detractors answer half as often and carry weight 2.
    let alpha = 0.05;
    let sp = spec(0.95, 1000.0).method(SequenceMethod::Asymptotic);
    let mut rng = Rng(31);
    let streams = 200u64;
    let mut failed = 0u64;
    for _ in 0..streams {
        let mut t = Tally::new(Scale::NPS);
        let mut bad = false;
        for look in 1..=400u64 {
            // Respondents in proportion 40 : 30 : 15.
            let x = rng.uniform() * 85.0;
            let (score, w) = if x < 40.0 {
                (10u8, 1.0)
            } else if x < 70.0 {
                (8, 1.0)
            } else {
                (2, 2.0)
            };
            t.extend_weighted_scores(&[score], &[w]).unwrap();
            if look >= BURN_IN && !bad {
                let cs = monitor::nps(&t, &sp).unwrap().sequence;
                bad = !cs.interval.contains(10.0);
            }
        }
        failed += u64::from(bad);
    }
    let (lo, hi) = binomial_interval(failed, streams);
    println!(
        "weighted NPS 10, Asymptotic (design-based) from look {BURN_IN} to 400: {failed} of \
         {streams} streams excluded the truth ({:.1}%, 95% CI {:.1}% to {:.1}%)",
        100.0 * failed as f64 / streams as f64,
        100.0 * lo,
        100.0 * hi
    );
    let se = (alpha * (1.0 - alpha) / streams as f64).sqrt();
    assert!(failed as f64 / streams as f64 <= alpha + 3.0 * se);
}

/// The design-based asymptotic sequence of weighted tallies against its
/// closed form (mpmath), to 1e-9 relative.
#[test]
fn weighted_sequences_match_reference_values() {
    let r = reference();
    let cases = r["weighted"].as_array().unwrap();
    for c in cases {
        let scores: Vec<u8> = c["scores"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| u(v) as u8)
            .collect();
        let weights: Vec<f64> = c["weights"].as_array().unwrap().iter().map(f).collect();
        let sp = spec(f(&c["level"]), f(&c["target_n"])).method(SequenceMethod::Asymptotic);
        let kind = c["kind"].as_str().unwrap();
        let scale = if kind == "nps" {
            Scale::NPS
        } else {
            Scale::CSAT_5
        };
        let mut t = Tally::new(scale);
        t.extend_weighted_scores(&scores, &weights).unwrap();
        let live = match kind {
            "nps" => monitor::nps(&t, &sp),
            "top2" => monitor::top_box(&t, 2, &sp),
            _ => monitor::mean(&t, &sp),
        }
        .unwrap();
        let what = c.to_string();
        let cs = live.sequence;
        close(cs.value, f(&c["value"]), 1e-12, 1e-13, &what);
        close(cs.interval.lower, f(&c["lower"]), 1e-9, 1e-12, &what);
        close(cs.interval.upper, f(&c["upper"]), 1e-9, 1e-12, &what);
    }
    assert_eq!(cases.len(), 4);
}

/// Specs, sequences, comparisons and chart states survive JSON; a spec
/// with a bad target is refused on the way in.
#[cfg(feature = "serde")]
#[test]
fn live_types_round_trip_through_json() {
    let sp = spec(0.9, 250.0).method(SequenceMethod::SubGaussian);
    let back: SequenceSpec = serde_json::from_str(&serde_json::to_string(&sp).unwrap()).unwrap();
    assert_eq!(back, sp);
    let bad = serde_json::to_string(&sp).unwrap().replace("250.0", "0.25");
    assert!(serde_json::from_str::<SequenceSpec>(&bad).is_err());
    let cs = sequential::nps(45, 30, 25, &sp).unwrap();
    let back: ConfidenceSequence =
        serde_json::from_str(&serde_json::to_string(&cs).unwrap()).unwrap();
    assert_eq!(back, cs);
    let b = Baseline::new(30.0, 80.0, Unit::NpsPoints).unwrap();
    let mut m = ChangeMonitor::new(
        ChartScore::Nps,
        b,
        Chart::Ewma(EwmaDesign::new(0.2, 2.8).unwrap()),
    )
    .unwrap();
    m.observe_value(1, 25.0, 100).unwrap();
    let back: ChangeMonitor = serde_json::from_str(&serde_json::to_string(&m).unwrap()).unwrap();
    assert_eq!(back, m);
    // Inputs are checked on the way in.
    let text = serde_json::to_string(&m).unwrap().replace("80.0", "-80.0");
    assert!(serde_json::from_str::<ChangeMonitor>(&text).is_err());
    let s = BoundedSample::bernoulli(3, 10).unwrap();
    let text = serde_json::to_string(&s).unwrap();
    assert_eq!(serde_json::from_str::<BoundedSample>(&text).unwrap(), s);
    assert!(serde_json::from_str::<BoundedSample>(&text.replace("\"n\":10", "\"n\":0")).is_err());
    assert!(serde_json::from_str::<CusumDesign>(r#"{"k":0.5,"h":-1.0}"#).is_err());
    assert!(serde_json::from_str::<EwmaDesign>(r#"{"lambda":2.0,"width":3.0}"#).is_err());
}
