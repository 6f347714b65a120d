//! The fuzz targets' logic, shared by the cargo-fuzz binaries
//! (`fuzz/fuzz_targets/*.rs`) and the stable replay test
//! (`crates/cxmetrics/tests/it/fuzz_replay.rs`), which include this file
//! with `#[path]`. Each target decodes arbitrary bytes into calls of the
//! public API and checks the crate's rule: an error, or finite numbers that
//! satisfy their invariants (shares in 0..=1, NPS in −100..=100, intervals
//! ordered and finite and containing the estimate where the method
//! guarantees it, p in 0..=1, merge = concatenation). A violation panics.
//!
//! Only `std`, `cxmetrics` (with `serde`) and `serde_json` are used.

#![allow(dead_code)]
#![allow(
    clippy::collapsible_if,
    clippy::manual_is_multiple_of,
    reason = "fuzz decoding reads clearer nested and with `%`"
)]

use cxmetrics::compare::{self, Comparison, DifferenceMethod};
use cxmetrics::interval::{self, IntervalSpec, NpsMethod, ProportionMethod};
use cxmetrics::segment::Score;
use cxmetrics::{
    ConfidenceLevel, Distribution, Estimate, Mean, NetScore, Nps, Polarity, Rating, Response,
    Scale, Segmented, Tally, TopBox, Weight, dist, plan,
};

/// The targets, by name (one directory each under `fuzz/corpus` and
/// `fuzz/artifacts`).
pub const TARGETS: [&str; 5] = [
    "tally_build",
    "push_merge",
    "deserialize",
    "stats",
    "segments",
];

/// Runs the named target on `data`.
pub fn run(target: &str, data: &[u8]) {
    match target {
        "tally_build" => tally_build(data),
        "push_merge" => push_merge(data),
        "deserialize" => deserialize(data),
        "stats" => stats(data),
        "segments" => segments(data),
        other => panic!("unknown fuzz target {other}"),
    }
}

/// Reads values from the fuzz input; past its end, zeros.
pub struct Input<'a>(&'a [u8]);

impl<'a> Input<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Input(data)
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn u8(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }
    pub fn bool(&mut self) -> bool {
        self.u8() & 1 == 1
    }
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }
    pub fn u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        for x in &mut b {
            *x = self.u8();
        }
        u64::from_le_bytes(b)
    }
    /// A count: small, huge or arbitrary.
    pub fn count(&mut self) -> u64 {
        match self.u8() % 4 {
            0 => u64::from(self.u8()),
            1 => u64::from(self.u16()),
            2 => u64::MAX - u64::from(self.u8()),
            _ => self.u64(),
        }
    }
    /// A float with the awkward values well represented.
    pub fn f64(&mut self) -> f64 {
        const SPECIAL: [f64; 24] = [
            0.0,
            -0.0,
            1.0,
            0.5,
            2.0,
            1e-300,
            1e300,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            -1.0,
            1e-162,
            1e-154,
            1e154,
            1e200,
            0.9999999999999999,
            0.9999999999999998,
            1e-17,
            0.975,
            0.95,
            1e16,
        ];
        match self.u8() % 4 {
            0 => SPECIAL[usize::from(self.u8()) % SPECIAL.len()],
            1 => f64::from(self.u8()) / 8.0,
            2 => f64::from(self.u16()) / 65536.0,
            _ => f64::from_bits(self.u64()),
        }
    }
    /// A weight: usually valid, spanning the whole range of f64.
    pub fn weight(&mut self) -> f64 {
        match self.u8() % 8 {
            0 => self.f64(),
            1 => 0.0,
            2 => {
                let e = i32::from(self.u8() as i8) * 4;
                (1.0 + f64::from(self.u8()) / 256.0) * 2f64.powi(e)
            }
            _ => f64::from(self.u8()) / 16.0,
        }
    }
    pub fn scale(&mut self) -> Scale {
        let presets = [Scale::NPS, Scale::CSAT_5, Scale::CES_7, Scale::CES_5];
        match self.u8() % 6 {
            k @ 0..=3 => presets[usize::from(k)],
            _ => {
                let lo = i32::from(self.u8() as i8) * 3;
                let span = i32::from(self.u8() % 40) + 1;
                let polarity = if self.bool() {
                    Polarity::HigherIsBetter
                } else {
                    Polarity::LowerIsBetter
                };
                Scale::new(lo, lo + span, polarity).unwrap_or(Scale::CSAT_5)
            }
        }
    }
    pub fn level(&mut self) -> Option<ConfidenceLevel> {
        let x = match self.u8() % 3 {
            0 => 0.95,
            1 => self.f64(),
            _ => 0.5 + f64::from(self.u8()) / 512.0,
        };
        ConfidenceLevel::new(x).ok()
    }
    pub fn spec(&mut self) -> Option<IntervalSpec> {
        let level = self.level()?;
        let spec = IntervalSpec::new(level);
        Some(if self.bool() {
            spec.population(self.count())
        } else {
            spec
        })
    }
}

pub const PROPORTION_METHODS: [ProportionMethod; 6] = [
    ProportionMethod::Wald,
    ProportionMethod::Wilson,
    ProportionMethod::WilsonCc,
    ProportionMethod::AgrestiCoull,
    ProportionMethod::ClopperPearson,
    ProportionMethod::Jeffreys,
];
pub const NPS_METHODS: [NpsMethod; 3] = [
    NpsMethod::Wald,
    NpsMethod::AdjustedWald,
    NpsMethod::TrinomialT,
];

fn finite(x: f64, what: &str) {
    assert!(x.is_finite(), "{what} = {x}");
}

/// An estimate's numbers: finite, interval ordered and within `range`, and
/// containing the value when `contains`.
pub fn check_estimate(e: &Estimate, range: (f64, f64), contains: bool) {
    finite(e.value, "value");
    finite(e.std_error, "std_error");
    finite(e.interval.lower, "lower");
    finite(e.interval.upper, "upper");
    finite(e.effective_n, "effective_n");
    assert!(e.std_error >= 0.0, "{e:?}");
    assert!(e.interval.lower <= e.interval.upper, "unordered {e:?}");
    assert!(
        e.value >= range.0 && e.value <= range.1,
        "value out of range {e:?}"
    );
    assert!(
        e.interval.lower >= range.0 && e.interval.upper <= range.1,
        "interval out of range {e:?}"
    );
    if contains {
        assert!(
            e.interval.contains(e.value),
            "interval excludes its estimate {e:?}"
        );
    }
    assert!(
        e.effective_n >= 0.0 && e.effective_n <= e.n as f64 * (1.0 + 1e-12),
        "{e:?}"
    );
}

pub fn check_comparison(c: &Comparison) {
    finite(c.difference, "difference");
    finite(c.std_error, "std_error");
    finite(c.statistic, "statistic");
    finite(c.interval.lower, "lower");
    finite(c.interval.upper, "upper");
    assert!(c.interval.lower <= c.interval.upper, "{c:?}");
    assert!((0.0..=1.0).contains(&c.p_value), "p out of 0..=1: {c:?}");
    if let Some(df) = c.df {
        assert!(df > 0.0 && df.is_finite(), "{c:?}");
    }
}

/// Methods whose interval always contains the share.
fn share_method_contains(m: ProportionMethod) -> bool {
    matches!(
        m,
        ProportionMethod::Wald
            | ProportionMethod::Wilson
            | ProportionMethod::WilsonCc
            | ProportionMethod::ClopperPearson
    )
}

/// Every invariant of a tally and of every score it gives.
pub fn check_tally(t: &Tally) {
    let scale = t.scale();
    let counts = t.counts();
    assert_eq!(counts.len(), scale.len());
    let sum = counts
        .iter()
        .try_fold(0u64, |a, &c| a.checked_add(c))
        .expect("counts overflow");
    assert_eq!(sum, t.n());
    assert!(t.n().checked_add(t.not_applicable()).is_some());
    assert_eq!(t.positive_counts().len(), counts.len());
    let mut any = false;
    for (s, &c) in t.point_sums().zip(counts) {
        assert_eq!(s.count, c);
        assert!(s.positive <= s.count, "{s:?}");
        assert!(s.weight.is_finite() && s.weight >= 0.0, "{s:?}");
        assert!(
            s.weight_squared.is_finite() && s.weight_squared >= 0.0,
            "{s:?}"
        );
        if s.positive == 0 {
            assert!(s.weight == 0.0 && s.weight_squared == 0.0, "{s:?}");
        }
        // Cauchy–Schwarz on the scaled sums, with rounding room.
        assert!(
            s.weight_squared <= s.weight * s.weight * (1.0 + 1e-9) + 1e-300,
            "{s:?}"
        );
        any |= s.weight > 0.0;
    }
    assert!(t.n_positive() <= t.n());
    let kish = t.effective_n();
    assert!(
        kish.is_finite() && kish >= 0.0 && kish <= t.n_positive() as f64,
        "Kish {kish}"
    );
    if any {
        assert!(kish >= 1.0 - 1e-9, "Kish {kish} with positive weight");
    }
    // The plain sums: a number or an error, never inf/NaN.
    if let Ok(w) = t.total_weight() {
        finite(w, "total weight");
    }
    if let Ok(w) = t.total_weight_squared() {
        finite(w, "total squared weight");
    }
    check_scores(t);
}

fn check_scores(t: &Tally) {
    let scale = t.scale();
    let level = ConfidenceLevel::P95;
    let Ok(mean) = Mean::from_tally(t) else {
        assert!(
            t.n() == 0
                || t.n_positive() == 0
                || t.total_weight().map_or(true, |w| w <= 0.0)
                || t.point_sums().all(|s| s.weight == 0.0)
        );
        return;
    };
    let (lo, hi) = (f64::from(scale.lowest()), f64::from(scale.highest()));
    assert!(
        mean.mean() >= lo && mean.mean() <= hi,
        "mean {} outside {scale}",
        mean.mean()
    );
    finite(mean.population_variance(), "population variance");
    if let Ok(e) = mean.estimate(level) {
        // A t interval is not clipped to the scale; it contains the mean.
        check_estimate(&e, (f64::NEG_INFINITY, f64::INFINITY), true);
    }
    if let Ok(d) = Distribution::from_tally(t) {
        let total: f64 = d.points().iter().map(|p| p.share).sum();
        assert!((total - 1.0).abs() < 1e-9, "distribution sums to {total}");
        for p in d.points() {
            assert!((0.0..=1.0).contains(&p.share), "{p:?}");
        }
    }
    let k_max = u32::try_from(scale.len()).unwrap_or(u32::MAX).min(4);
    for k in 1..k_max {
        for top in [TopBox::top(t, k), TopBox::bottom(t, k)]
            .into_iter()
            .flatten()
        {
            assert!((0.0..=1.0).contains(&top.share()), "share {}", top.share());
            for m in PROPORTION_METHODS {
                if let Ok(e) = top.estimate_with(m, level) {
                    check_estimate(&e, (0.0, 1.0), share_method_contains(m));
                }
            }
        }
        if let Ok(net) = NetScore::from_tally(t, k, k) {
            assert!(
                (-100.0..=100.0).contains(&net.score()),
                "net {}",
                net.score()
            );
        }
    }
    if scale == Scale::NPS {
        let nps = Nps::from_tally(t).expect("scorable NPS tally");
        assert!(
            (-100.0..=100.0).contains(&nps.score()),
            "NPS {}",
            nps.score()
        );
        for m in NPS_METHODS {
            if let Ok(e) = nps.estimate_with(m, level) {
                check_estimate(&e, (-100.0, 100.0), m != NpsMethod::AdjustedWald);
            }
        }
    }
}

/// Scores of one score type, from the input.
fn scores_and_weights(inp: &mut Input, scale: Scale) -> (u8, Vec<i64>, Vec<f64>) {
    let kind = inp.u8() % 5;
    let len = usize::from(inp.u8()) * if inp.bool() { 16 } else { 1 };
    let (lo, hi) = (i64::from(scale.lowest()), i64::from(scale.highest()));
    let mut scores = Vec::with_capacity(len);
    let mut weights = Vec::with_capacity(len);
    for _ in 0..len {
        let s = match inp.u8() % 16 {
            0 => i64::from(inp.u16() as i16),
            _ => lo + i64::from(inp.u8()) % (hi - lo + 1),
        };
        scores.push(s);
        weights.push(inp.weight());
    }
    (kind, scores, weights)
}

/// Builds a batch into `t` with the given score type.
fn extend(
    t: &mut Tally,
    kind: u8,
    scores: &[i64],
    weights: Option<&[f64]>,
) -> Result<(), cxmetrics::Error> {
    macro_rules! go {
        ($v:expr) => {{
            let v = $v;
            match weights {
                Some(w) => t.extend_weighted_scores(&v, w),
                None => t.extend_scores(&v),
            }
        }};
    }
    match kind {
        0 => go!(scores.iter().map(|&s| s as u8).collect::<Vec<u8>>()),
        1 => go!(scores.iter().map(|&s| s as i32).collect::<Vec<i32>>()),
        2 => go!(scores.iter().map(|&s| s as f64).collect::<Vec<f64>>()),
        3 => go!(scores.iter().map(|&s| s as u16).collect::<Vec<u16>>()),
        _ => go!(scores.to_vec()),
    }
}

/// Building tallies: every score type, weighted or not, pushes and
/// batches; a failed batch changes nothing.
pub fn tally_build(data: &[u8]) {
    let mut inp = Input::new(data);
    let scale = inp.scale();
    let mut t = Tally::new(scale);
    for _ in 0..4 {
        if inp.is_empty() {
            break;
        }
        let before = t.clone();
        let (kind, scores, weights) = scores_and_weights(&mut inp, scale);
        let weighted = inp.bool();
        let r = extend(&mut t, kind, &scores, weighted.then_some(&weights[..]));
        match r {
            Ok(()) => assert_eq!(t.n(), before.n() + scores.len() as u64),
            Err(_) => assert_eq!(t, before, "a failed batch changed the tally"),
        }
        // One at a time.
        let before = t.clone();
        let s = scores.first().copied().unwrap_or(0);
        let w = weights.first().copied().unwrap_or(1.0);
        match (
            i32::try_from(s).ok().map(|s| scale.rating(s)),
            Weight::new(w),
        ) {
            (Some(Ok(r)), Ok(w)) => {
                t.push(Response::weighted(r, w)).expect("valid push");
                assert_eq!(t.n(), before.n() + 1);
            }
            _ => assert_eq!(t, before),
        }
        if inp.bool() {
            t.push_not_applicable().expect("na");
        }
        check_tally(&t);
    }
}

/// Merging: a tally built in parts equals the tally of the concatenation
/// (counts exactly, weight sums and scores to rounding), in any order.
pub fn push_merge(data: &[u8]) {
    let mut inp = Input::new(data);
    let scale = inp.scale();
    let parts = usize::from(inp.u8() % 5) + 1;
    let mut all_scores = Vec::new();
    let mut all_weights = Vec::new();
    let mut tallies = Vec::new();
    for _ in 0..parts {
        let (_, scores, weights) = scores_and_weights(&mut inp, scale);
        let mut t = Tally::new(scale);
        if t.extend_weighted_scores(&scores, &weights).is_ok() {
            all_scores.extend_from_slice(&scores);
            all_weights.extend_from_slice(&weights);
            tallies.push(t);
        }
    }
    let mut whole = Tally::new(scale);
    whole
        .extend_weighted_scores(&all_scores, &all_weights)
        .expect("parts were valid");
    let mut forward = Tally::new(scale);
    for t in &tallies {
        forward.merge(t).expect("merge");
    }
    let mut backward = Tally::new(scale);
    for t in tallies.iter().rev() {
        backward.merge(t).expect("merge");
    }
    for m in [&forward, &backward] {
        check_tally(m);
        assert_eq!(m.counts(), whole.counts());
        assert_eq!(m.positive_counts(), whole.positive_counts());
        assert_eq!(m.weight_exponent(), whole.weight_exponent());
        assert_eq!(m.not_applicable(), whole.not_applicable());
        let total = whole.point_sums().map(|s| s.weight).sum::<f64>();
        let total2 = whole.point_sums().map(|s| s.weight_squared).sum::<f64>();
        for (a, b) in m.point_sums().zip(whole.point_sums()) {
            // Rounding relative to the totals (sums are compensated).
            assert!(
                (a.weight - b.weight).abs() <= 1e-12 * total + 1e-300,
                "{a:?} vs {b:?}"
            );
            assert!(
                (a.weight_squared - b.weight_squared).abs() <= 1e-12 * total2 + 1e-300,
                "{a:?} vs {b:?}"
            );
        }
        if let (Ok(x), Ok(y)) = (Mean::from_tally(m), Mean::from_tally(&whole)) {
            let span = f64::from(scale.highest() - scale.lowest());
            assert!(
                (x.mean() - y.mean()).abs() <= 1e-9 * span.max(1.0),
                "{} vs {}",
                x.mean(),
                y.mean()
            );
        }
    }
    // Merging into an unrelated scale fails and changes nothing.
    let other = if scale == Scale::NPS {
        Scale::CSAT_5
    } else {
        Scale::NPS
    };
    let mut o = Tally::new(other);
    assert!(o.merge(&whole).is_err());
    assert!(o.is_empty());
}

/// Arbitrary bytes, and hostile JSON built from them, into every
/// `Deserialize` type; whatever is accepted satisfies its invariants and
/// round-trips.
pub fn deserialize(data: &[u8]) {
    fn round_trip<T>(text: &[u8]) -> Option<T>
    where
        T: serde::de::DeserializeOwned + serde::Serialize + PartialEq + std::fmt::Debug,
    {
        let v: T = serde_json::from_slice(text).ok()?;
        let again = serde_json::to_vec(&v).expect("serialize");
        let back: T = serde_json::from_slice(&again).expect("a serialized value reads back");
        assert_eq!(back, v);
        Some(v)
    }
    fn all(text: &[u8]) {
        if let Some(t) = round_trip::<Tally>(text) {
            check_tally(&t);
        }
        if let Some(s) = round_trip::<Segmented<String>>(text) {
            for (_, t) in s.iter() {
                check_tally(t);
            }
            if let Ok(t) = s.total() {
                check_tally(&t);
            }
        }
        if let Some(s) = round_trip::<Scale>(text) {
            assert!(s.len() >= 2 && s.len() <= Scale::MAX_POINTS as usize);
        }
        if let Some(r) = round_trip::<Rating>(text) {
            let v = r.value();
            assert!(v >= r.scale().lowest() && v <= r.scale().highest());
        }
        if let Some(w) = round_trip::<Weight>(text) {
            assert!(w.get().is_finite() && w.get() >= 0.0);
        }
        let _ = round_trip::<Response>(text);
        if let Some(l) = round_trip::<ConfidenceLevel>(text) {
            assert!(l.get() > 0.0 && l.get() < 1.0 && l.z().is_finite());
        }
        let _ = round_trip::<IntervalSpec>(text);
        let _ = round_trip::<ProportionMethod>(text);
        let _ = round_trip::<NpsMethod>(text);
        let _ = round_trip::<interval::Method>(text);
        let _ = round_trip::<compare::ComparisonMethod>(text);
        let _ = round_trip::<DifferenceMethod>(text);
        let _ = round_trip::<cxmetrics::Unit>(text);
        let _ = round_trip::<Score>(text);
        let _ = round_trip::<Polarity>(text);
    }
    if data.first() == Some(&b'{') || data.first() == Some(&b'[') || data.first() == Some(&b'"') {
        all(data);
        return;
    }
    // Structured: a tally payload with hostile numbers.
    let mut inp = Input::new(data);
    let scale = inp.scale();
    let points = scale.len();
    let len = |inp: &mut Input| {
        if inp.u8() % 8 == 0 {
            points + usize::from(inp.u8() % 3)
        } else {
            points
        }
    };
    let num = |inp: &mut Input| -> String {
        let x = inp.f64();
        if x.is_finite() {
            format!("{x:e}")
        } else {
            "1e999".to_string()
        }
    };
    let counts: Vec<String> = (0..len(&mut inp))
        .map(|_| inp.count().to_string())
        .collect();
    let positive: Vec<String> = (0..len(&mut inp))
        .map(|_| inp.count().to_string())
        .collect();
    let weights: Vec<String> = (0..len(&mut inp)).map(|_| num(&mut inp)).collect();
    let squares: Vec<String> = (0..len(&mut inp)).map(|_| num(&mut inp)).collect();
    let mut text = format!(
        r#"{{"scale":{{"lowest":{},"highest":{},"polarity":"higher_is_better"}},"counts":[{}],"weights":[{}],"weights_squared":[{}],"not_applicable":{}"#,
        scale.lowest(),
        scale.highest(),
        counts.join(","),
        weights.join(","),
        squares.join(","),
        inp.count()
    );
    if inp.bool() {
        text.push_str(&format!(r#","positive":[{}]"#, positive.join(",")));
    }
    if inp.bool() {
        text.push_str(&format!(
            r#","weight_exponent":{}"#,
            i32::from(inp.u16() as i16)
        ));
    }
    if inp.u8() % 16 == 0 {
        text.push_str(r#","n":999"#);
    }
    text.push('}');
    all(text.as_bytes());
    let seg = format!(
        r#"{{"scale":{{"lowest":{},"highest":{},"polarity":"higher_is_better"}},"segments":[{{"key":"a","tally":{}}}]}}"#,
        scale.lowest(),
        scale.highest(),
        text
    );
    all(seg.as_bytes());
}

/// Every interval, comparison, planning and quantile function on arbitrary
/// numbers.
pub fn stats(data: &[u8]) {
    let mut inp = Input::new(data);
    while !inp.is_empty() {
        match inp.u8() % 8 {
            0 => {
                let (k, n) = (inp.count(), inp.count());
                let m = PROPORTION_METHODS[usize::from(inp.u8()) % 6];
                if let Some(spec) = inp.spec() {
                    if let Ok(e) = interval::proportion(k, n, m, spec) {
                        check_estimate(&e, (0.0, 1.0), share_method_contains(m));
                    }
                }
            }
            1 => {
                let (p, a, d) = (inp.count(), inp.count(), inp.count());
                let m = NPS_METHODS[usize::from(inp.u8()) % 3];
                if let Some(spec) = inp.spec() {
                    if let Ok(e) = interval::nps(p, a, d, m, spec) {
                        check_estimate(&e, (-100.0, 100.0), m != NpsMethod::AdjustedWald);
                    }
                }
            }
            2 => {
                let a = Nps::from_counts(inp.count(), inp.count(), inp.count());
                let b = Nps::from_counts(inp.count(), inp.count(), inp.count());
                if let (Ok(a), Ok(b), Some(level)) = (a, b, inp.level()) {
                    if let Ok(c) = compare::nps(&a, &b, level) {
                        check_comparison(&c);
                        assert!(
                            c.interval.lower >= -200.0 && c.interval.upper <= 200.0,
                            "{c:?}"
                        );
                    }
                }
            }
            3 => {
                // Two weighted tallies on one scale: shares and means compared.
                let scale = inp.scale();
                let mut ts = Vec::new();
                for _ in 0..2 {
                    let (_, s, w) = scores_and_weights(&mut inp, scale);
                    let mut t = Tally::new(scale);
                    let _ = if inp.bool() {
                        t.extend_weighted_scores(&s, &w)
                    } else {
                        t.extend_scores(&s)
                    };
                    ts.push(t);
                }
                let Some(level) = inp.level() else { continue };
                if let (Ok(a), Ok(b)) = (Mean::from_tally(&ts[0]), Mean::from_tally(&ts[1])) {
                    if let Ok(c) = compare::means(&a, &b, level) {
                        check_comparison(&c);
                    }
                }
                let k = u32::from(inp.u8() % 3) + 1;
                if let (Ok(a), Ok(b)) = (TopBox::top(&ts[0], k), TopBox::top(&ts[1], k)) {
                    for m in [DifferenceMethod::Wald, DifferenceMethod::Newcombe] {
                        if let Ok(c) = compare::top_box_with(&a, &b, m, level) {
                            check_comparison(&c);
                            assert!(c.interval.lower >= -1.0 && c.interval.upper <= 1.0, "{c:?}");
                        }
                    }
                }
            }
            4 => {
                let (margin, p, d) = (inp.f64(), inp.f64(), inp.f64());
                let Some(spec) = inp.spec() else { continue };
                let kinds = [
                    cxmetrics::Margin::points(margin),
                    cxmetrics::Margin::percent(margin),
                    cxmetrics::Margin::fraction(margin),
                ];
                let sizes: Vec<_> = kinds
                    .into_iter()
                    .flatten()
                    .flat_map(|m| {
                        [
                            plan::sample_size_proportion(m, p, spec),
                            plan::sample_size_mean(m, p, spec),
                            plan::sample_size_nps(m, p, d, spec),
                        ]
                    })
                    .collect();
                for s in sizes.into_iter().flatten() {
                    assert!(s.n.is_finite() && s.n >= 0.0, "{s:?}");
                    assert_eq!(s.n_ceil as f64, s.n.ceil(), "{s:?}");
                    if let Some(pop) = spec.population_size() {
                        assert!(s.n_ceil <= pop, "{s:?} from population {pop}");
                    }
                }
            }
            5 => {
                let (n, p, d) = (inp.count(), inp.f64(), inp.f64());
                let Some(spec) = inp.spec() else { continue };
                for m in [
                    plan::margin_of_error_proportion(n, p, spec),
                    plan::margin_of_error_mean(n, p, spec),
                    plan::margin_of_error_nps(n, p, d, spec),
                ]
                .into_iter()
                .flatten()
                {
                    assert!(m.is_finite() && m >= 0.0, "margin {m}");
                }
            }
            6 => {
                let (p, x, y) = (inp.f64(), inp.f64(), inp.f64());
                if let Ok(z) = dist::normal_quantile(p) {
                    finite(z, "normal quantile");
                }
                if let Ok(t) = dist::t_quantile(p, x) {
                    finite(t, "t quantile");
                    if p != 0.5 {
                        assert_eq!(t < 0.0, p < 0.5, "t({p}, {x}) = {t}");
                    }
                }
                if let Ok(b) = dist::beta_quantile(p, x, y) {
                    assert!((0.0..=1.0).contains(&b), "beta({p}, {x}, {y}) = {b}");
                }
            }
            _ => {
                // Monotone in p.
                let (p, q, x, y) = (inp.f64(), inp.f64(), inp.f64(), inp.f64());
                let (lo, hi) = if p <= q { (p, q) } else { (q, p) };
                if let (Ok(a), Ok(b)) = (dist::t_quantile(lo, x), dist::t_quantile(hi, x)) {
                    assert!(
                        a <= b,
                        "t not monotone: t({lo}, {x}) = {a} > t({hi}, {x}) = {b}"
                    );
                }
                if let (Ok(a), Ok(b)) =
                    (dist::beta_quantile(lo, x, y), dist::beta_quantile(hi, x, y))
                {
                    assert!(
                        a <= b,
                        "beta not monotone: ({lo}, {x}, {y}) = {a} > ({hi}) = {b}"
                    );
                }
            }
        }
    }
}

/// Segments: keyed batches all-or-nothing, totals equal the merge of the
/// segments, scores, rankings and trends within their invariants.
pub fn segments(data: &[u8]) {
    let mut inp = Input::new(data);
    let scale = inp.scale();
    let mut s: Segmented<u16> = Segmented::new(scale);
    for _ in 0..3 {
        let (_, scores, weights) = scores_and_weights(&mut inp, scale);
        let keys: Vec<u16> = (0..scores.len())
            .map(|_| {
                if inp.bool() {
                    u16::from(inp.u8() % 4)
                } else {
                    inp.u16()
                }
            })
            .collect();
        let before = s.clone();
        let bytes: Vec<u8> = scores.iter().map(|&x| x as u8).collect();
        let r = if inp.bool() {
            s.extend_scores(&keys, &bytes)
        } else {
            s.extend_scores(&keys, &scores)
        };
        let n_before = before.total().map(|t| t.n()).unwrap_or(0);
        match r {
            Ok(()) => assert_eq!(s.total().expect("total").n(), n_before + keys.len() as u64),
            Err(_) => assert_eq!(s, before, "a failed keyed batch changed the segments"),
        }
        // A weighted tally merged into one key.
        let mut t = Tally::new(scale);
        if t.extend_weighted_scores(&scores, &weights).is_ok() {
            s.merge_tally(inp.u16(), &t).expect("merge");
        }
    }
    let total = s.total().expect("total");
    check_tally(&total);
    let mut merged = Tally::new(scale);
    for (_, t) in s.iter() {
        check_tally(t);
        merged.merge(t).expect("merge");
    }
    assert_eq!(merged.counts(), total.counts());
    let Some(level) = inp.level() else { return };
    let min_n = u64::from(inp.u8() % 4);
    let mut score_kinds = vec![Score::top_box(2), Score::Mean, Score::bottom_box(1)];
    if scale == Scale::NPS {
        score_kinds.push(Score::nps());
    }
    for score in score_kinds {
        for row in s.scores(score, level, min_n) {
            if let Ok(e) = &row.estimate {
                finite(e.value, "segment value");
                assert!(e.interval.lower <= e.interval.upper);
            }
        }
        let _ = s.ranking(score, level, min_n);
        for p in s.trend(score, level) {
            if let Some(Ok(c)) = &p.change {
                check_comparison(c);
            }
        }
    }
}
