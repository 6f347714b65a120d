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
pub const TARGETS: [&str; 10] = [
    "tally_build",
    "push_merge",
    "deserialize",
    "stats",
    "segments",
    "text_input",
    "design",
    "paired",
    "live",
    "grouped",
];

/// Runs the named target on `data`.
pub fn run(target: &str, data: &[u8]) {
    match target {
        "tally_build" => tally_build(data),
        "push_merge" => push_merge(data),
        "deserialize" => deserialize(data),
        "stats" => stats(data),
        "segments" => segments(data),
        "text_input" => text_input(data),
        "design" => design(data),
        "paired" => paired(data),
        "live" => live(data),
        "grouped" => grouped(data),
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

/// An estimate's numbers: the crate's own rule ([`Estimate::validate`]:
/// finite, ordered, within the unit's range, containing the value where
/// the method guarantees it, p and df sane), then finite, interval ordered
/// and within `range`, and containing the value when `contains`.
pub fn check_estimate(e: &Estimate, range: (f64, f64), contains: bool) {
    if let Err(err) = e.validate() {
        panic!("estimate breaks its invariants ({err}): {e:?}");
    }
    for x in [
        e.value,
        e.std_error,
        e.interval.lower,
        e.interval.upper,
        e.effective_n,
    ] {
        assert!(x.is_finite(), "not finite: {e:?}");
    }
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
    if let Err(err) = c.validate() {
        panic!("comparison breaks its invariants ({err}): {c:?}");
    }
    for x in [
        c.difference,
        c.std_error,
        c.statistic,
        c.interval.lower,
        c.interval.upper,
    ] {
        assert!(x.is_finite(), "not finite: {c:?}");
    }
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
        // A t interval clipped to the scale; it contains the mean.
        check_estimate(&e, (lo, hi), true);
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
                check_tally(&t);
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
        check_tally(&t);
        merged.merge(&t).expect("merge");
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
                assert!(e.validate().is_ok(), "{e:?}");
                assert_eq!(e.n, row.n);
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

/// A short string from the input: digits, signs, points, exponents,
/// spaces, letters of the N/A tokens, a BOM, or arbitrary UTF-8.
fn text(inp: &mut Input) -> String {
    const PIECES: [&str; 24] = [
        "0",
        "1",
        "5",
        "9",
        "10",
        "-",
        "+",
        ".",
        "e",
        "E",
        " ",
        "\t",
        "\u{feff}",
        "n",
        "a",
        "N",
        "A",
        "/",
        "0000000000000001",
        "99999999999999999999",
        "inf",
        "NaN",
        "x",
        "é",
    ];
    let len = usize::from(inp.u8() % 8);
    let mut s = String::new();
    for _ in 0..len {
        let b = inp.u8();
        if b < 16 {
            // Arbitrary bytes, kept when they are UTF-8.
            let raw = [inp.u8(), inp.u8()];
            s.push_str(&String::from_utf8_lossy(&raw));
        } else {
            s.push_str(PIECES[usize::from(b) % PIECES.len()]);
        }
    }
    s
}

/// The number of a numbered label, `"10 - Extremely likely"`: at most 10
/// characters of `-?[0-9]+`, spaces, one of `-`, `–`, `=`, `:`, white
/// space and a non-empty label.
fn numbered(t: &str) -> Option<i64> {
    let end = t
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || (i == 0 && c == '-')))
        .map_or(t.len(), |(i, _)| i);
    let (number, rest) = t.split_at(end);
    if number.is_empty() || number == "-" || number.len() > 10 {
        return None;
    }
    let rest = rest.trim_start();
    let label = ['-', '\u{2013}', '=', ':']
        .iter()
        .find_map(|&c| rest.strip_prefix(c))?;
    if !label.starts_with(char::is_whitespace) || label.trim().is_empty() {
        return None;
    }
    number.parse().ok()
}

/// Whether `t` is a decimal of the cell grammar: `-?[0-9]+(\.[0-9]+)?`.
fn is_decimal(t: &str) -> bool {
    let digits = t.strip_prefix('-').unwrap_or(t);
    let (whole, frac) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let all = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all(whole) && frac.is_none_or(all)
}

/// Whether `t` is written by the cell grammar as the whole number `v`:
/// `-?[0-9]+(\.0+)?`.
fn is_plain_whole(t: &str, v: i32) -> bool {
    let digits = t.strip_prefix('-').unwrap_or(t);
    let (whole, frac) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b == b'0'))
        && whole
            .parse::<i64>()
            .ok()
            .map(|w| if digits.len() != t.len() { -w } else { w })
            == Some(i64::from(v))
}

/// Text input: cells, labels and not-applicable tokens. A cell is rated
/// only when it is a plain whole decimal on the scale or a label; labels
/// that read as numbers or tokens are refused; batches account for every
/// cell.
pub fn text_input(data: &[u8]) {
    use cxmetrics::input::{CellParser, DEFAULT_NOT_APPLICABLE, RejectCause};
    let mut inp = Input::new(data);
    let scale = inp.scale();
    let mut parser = CellParser::new(scale);
    let custom = inp.bool();
    let mut tokens: Vec<String> = DEFAULT_NOT_APPLICABLE
        .iter()
        .map(|t| t.to_string())
        .collect();
    if custom {
        tokens = (0..inp.u8() % 3).map(|_| text(&mut inp)).collect();
        parser = parser.not_applicable(&tokens);
    }
    let clean = |c: &str| -> String {
        let t = c.trim();
        t.strip_prefix('\u{feff}').map_or(t, str::trim).to_string()
    };
    let is_token = |c: &str| tokens.iter().any(|t| t.trim().eq_ignore_ascii_case(c));
    let mut labels: Vec<(String, i32)> = Vec::new();
    for _ in 0..inp.u8() % 4 {
        let label = text(&mut inp);
        let point = scale.lowest() + i32::from(inp.u8()) % (scale.highest() - scale.lowest() + 2);
        if let Ok(p) = parser.clone().label(&label, point) {
            let key = clean(&label);
            assert!(scale.rating(point).is_ok());
            assert!(!is_token(&key), "label {label:?} is a token");
            assert!(!is_decimal(&key), "label {label:?} reads as a number");
            labels.retain(|(l, _)| l.to_lowercase() != key.to_lowercase());
            labels.push((key, point));
            parser = p;
        }
    }
    let mut cells = Vec::new();
    for _ in 0..inp.u8() % 8 + 1 {
        cells.push(text(&mut inp));
    }
    for cell in &cells {
        let c = clean(cell);
        match parser.parse(cell) {
            Ok(Response::NotApplicable) => assert!(is_token(&c), "{cell:?} read as N/A"),
            Ok(Response::Rated { rating, weight }) => {
                assert_eq!(weight, Weight::ONE);
                let v = rating.value();
                let by_label = labels
                    .iter()
                    .any(|(l, p)| l.to_lowercase() == c.to_lowercase() && *p == v);
                assert!(
                    is_plain_whole(&c, v) || by_label || numbered(&c) == Some(i64::from(v)),
                    "{cell:?} read as {v} on {scale}"
                );
            }
            Err(cxmetrics::Error::InvalidCell { cause, .. }) => {
                if matches!(cause, RejectCause::OutOfRange | RejectCause::NotWhole) {
                    assert!(
                        is_decimal(&c)
                            || (cause == RejectCause::OutOfRange && numbered(&c).is_some()),
                        "{cell:?}: {cause:?}"
                    );
                }
            }
            Err(other) => panic!("{cell:?}: unexpected {other:?}"),
        }
        let _ = parser.parse_weighted(cell, &text(&mut inp));
        if let Ok(w) = cxmetrics::input::parse_weight(cell) {
            assert!(w.get().is_finite() && w.get() >= 0.0);
        }
    }
    let (answers, report) = parser.parse_lenient(&cells);
    assert_eq!(report.total(), cells.len() as u64);
    assert_eq!(
        report.accepted() + report.not_applicable(),
        answers.len() as u64
    );
    assert_eq!(
        report.accepted() + report.not_applicable() + report.rejected(),
        cells.len() as u64
    );
    match parser.parse_all(&cells) {
        Ok(all) => assert_eq!(all, answers),
        Err(_) => assert!(report.rejected() > 0),
    }
}

/// Raking and post-stratification: totals of every size, cells with and
/// without answers; whatever is accepted gives sane estimates, and raking
/// that reports convergence meets its margins.
pub fn design(data: &[u8]) {
    use cxmetrics::design::{RakeOptions, post_stratify, rake};
    let mut inp = Input::new(data);
    let scale = inp.scale();
    let mut cells: Segmented<(u8, u8)> = Segmented::new(scale);
    let (_, scores, weights) = scores_and_weights(&mut inp, scale);
    let keys: Vec<(u8, u8)> = scores
        .iter()
        .map(|_| (inp.u8() % 3, inp.u8() % 3))
        .collect();
    let _ = if inp.bool() {
        cells.extend_weighted_scores(&keys, &scores, &weights)
    } else {
        cells.extend_scores(&keys, &scores)
    };
    let total = |inp: &mut Input| match inp.u8() % 4 {
        0 => inp.f64(),
        _ => f64::from(inp.u8()) + 1.0,
    };
    let level = inp.level().unwrap_or(ConfidenceLevel::P95);
    let spec = IntervalSpec::new(level);
    let mut score_kinds = vec![Score::Mean, Score::top_box(2), Score::bottom_box(1)];
    if scale == Scale::NPS {
        score_kinds.push(Score::nps());
    }
    let check = |e: &Estimate| {
        assert!(e.validate().is_ok(), "{e:?}: {:?}", e.validate());
        if e.unit == cxmetrics::Unit::ScalePoints {
            let (lo, hi) = (f64::from(scale.lowest()), f64::from(scale.highest()));
            assert!(e.interval.lower >= lo && e.interval.upper <= hi, "{e:?}");
        }
    };
    // Post-stratification on the first key element.
    let mut first: Segmented<u8> = Segmented::new(scale);
    for ((a, _), t) in cells.iter() {
        let _ = first.merge_tally(*a, &t);
    }
    let totals: Vec<(u8, f64)> = (0..inp.u8() % 4).map(|k| (k, total(&mut inp))).collect();
    if let Ok(ps) = post_stratify(&first, totals.iter().copied()) {
        for score in &score_kinds {
            if let Ok(e) = ps.estimate(*score, spec) {
                check(&e);
            }
        }
    }
    let margins: Vec<Vec<(u8, f64)>> = (0..2)
        .map(|_| (0..inp.u8() % 4).map(|k| (k, total(&mut inp))).collect())
        .collect();
    let options = if inp.bool() {
        RakeOptions::r_compatible()
    } else {
        RakeOptions::default()
    }
    .max_sweeps(u32::from(inp.u8() % 50) + 1);
    if let Ok(r) = rake(&cells, &margins, options) {
        let (_, off) = r.margin_error();
        assert!(off.is_finite() && off >= 0.0, "margin error {off}");
        for score in &score_kinds {
            if let Ok(e) = r.estimate(*score, spec) {
                check(&e);
            }
        }
    }
}

/// Paired answers: a joint tally built in parts equals the whole, its
/// marginals are the questions' own tallies, it round-trips through
/// serde (sparse or dense), and every association and driver measure is
/// an error or finite and in range.
pub fn paired(data: &[u8]) {
    use cxmetrics::JointTally;
    use cxmetrics::association;
    use cxmetrics::drivers::DriverMoments;
    let mut inp = Input::new(data);
    let (x, y) = (inp.scale(), inp.scale());
    let mut whole = JointTally::new(x, y);
    let mut parts = Vec::new();
    let mut tx = Tally::new(x);
    let mut ty = Tally::new(y);
    for _ in 0..inp.u8() % 3 + 1 {
        let (_, xs, ws) = scores_and_weights(&mut inp, x);
        let ys: Vec<i64> = xs
            .iter()
            .map(|_| i64::from(y.lowest()) + i64::from(inp.u8()) % (y.len() as i64 + 1))
            .collect();
        let mut part = JointTally::new(x, y);
        let weighted = inp.bool();
        let r = if weighted {
            part.extend_weighted_scores(&xs, &ys, &ws)
        } else {
            part.extend_scores(&xs, &ys)
        };
        if r.is_ok() {
            let before = whole.clone();
            if whole.merge(&part).is_ok() {
                parts.push(part);
                if weighted {
                    tx.extend_weighted_scores(&xs, &ws).expect("x side");
                    ty.extend_weighted_scores(&ys, &ws).expect("y side");
                } else {
                    tx.extend_scores(&xs).expect("x side");
                    ty.extend_scores(&ys).expect("y side");
                }
            } else {
                assert_eq!(whole, before);
            }
        }
    }
    let mut backward = JointTally::new(x, y);
    for p in parts.iter().rev() {
        backward.merge(p).expect("merge");
    }
    assert_eq!(backward.n(), whole.n());
    assert_eq!(whole.cells().len(), x.len() * y.len());
    if let Ok(mx) = whole.x_tally() {
        assert_eq!(mx.counts(), tx.counts());
        check_tally(&mx);
    }
    if let Ok(my) = whole.y_tally() {
        assert_eq!(my.counts(), ty.counts());
        check_tally(&my);
    }
    let text = serde_json::to_vec(&whole).expect("serialize");
    let back: JointTally = serde_json::from_slice(&text).expect("read back");
    assert_eq!(back, whole);
    let level = inp.level().unwrap_or(ConfidenceLevel::P95);
    for a in [
        association::pearson(&whole, level),
        association::weighted_pearson(&whole, level),
        association::spearman(&whole, level),
        association::kendall_tau_b(&whole, level),
        association::gamma(&whole, level),
    ]
    .into_iter()
    .flatten()
    {
        assert!(
            a.value.is_finite() && (-1.0..=1.0).contains(&a.value),
            "{a:?}"
        );
        if let Some(i) = a.interval {
            assert!(
                i.validate().is_ok() && i.lower >= -1.0 && i.upper <= 1.0,
                "{a:?}"
            );
        }
        if let Some(t) = a.test {
            assert!(t.statistic.is_finite() || t.p_value == 0.0, "{a:?}");
            assert!((0.0..=1.0).contains(&t.p_value), "{a:?}");
            if let Some(df) = t.df {
                assert!(df.is_finite() && df >= 1.0 - 1e-9, "{a:?}");
            }
        }
    }
    // Drivers: two driver questions and an outcome.
    if let Ok(mut m) = DriverMoments::new(&[x, y], Scale::NPS) {
        for _ in 0..usize::from(inp.u8() % 12) {
            let a = i64::from(x.lowest()) + i64::from(inp.u8()) % x.len() as i64;
            let b = i64::from(y.lowest()) + i64::from(inp.u8()) % y.len() as i64;
            let _ = m.push_scores(&[a, b], i64::from(inp.u8() % 12), inp.weight());
        }
        if let Ok(d) = m.analyze(level) {
            assert!(
                d.r_squared.is_finite() && (-1e-9..=1.0 + 1e-9).contains(&d.r_squared),
                "{d:?}"
            );
            for dr in &d.drivers {
                assert!(dr.correlation.is_finite() && dr.beta.is_finite(), "{d:?}");
                assert!(dr.relative_weight.is_finite(), "{d:?}");
            }
        }
    }
}

/// Live ingestion: a window moved to arbitrary periods (the ends of i64
/// included) keeps at most k periods and its total equals the merge of
/// what is in it; Sharded and AtomicTally snapshots equal a plain tally.
pub fn live(data: &[u8]) {
    use cxmetrics::{AtomicTally, Sharded, Window};
    let mut inp = Input::new(data);
    let scale = inp.scale();
    let k = match inp.u8() % 4 {
        0 => usize::from(inp.u8()),
        1 => 1,
        2 => usize::from(inp.u16()),
        _ => inp.u64() as usize,
    };
    let Ok(mut w) = Window::new(Tally::new(scale), k) else {
        assert!(k == 0 || k > Window::<Tally>::MAX_PERIODS);
        return;
    };
    let period = |inp: &mut Input| match inp.u8() % 4 {
        0 => i64::from(inp.u8() as i8),
        1 => i64::MAX - i64::from(inp.u8()),
        2 => i64::MIN + i64::from(inp.u8()),
        _ => inp.u64() as i64,
    };
    let sharded: Sharded<u8, Tally> = Sharded::new(Tally::new(scale), usize::from(inp.u8()));
    assert!(sharded.shards() >= 1 && sharded.shards() <= Sharded::<u8, Tally>::MAX_SHARDS);
    let atomic = AtomicTally::new(scale);
    let mut plain = Tally::new(scale);
    let mut keyed: std::collections::BTreeMap<u8, Tally> = Default::default();
    for _ in 0..inp.u8() % 16 {
        let p = period(&mut inp);
        let s = i64::from(scale.lowest()) + i64::from(inp.u8()) % (scale.len() as i64 + 1);
        match inp.u8() % 4 {
            0 => {
                if let Ok(t) = w.get_mut(p) {
                    let _ = t.push_score(s);
                }
            }
            1 => {
                if let Ok(left) = w.advance_to(p) {
                    assert_eq!(w.latest(), Some(p));
                    let mut last = None;
                    for (q, _) in left {
                        assert!(last.is_none_or(|l| q > l) && q < p);
                        last = Some(q);
                    }
                }
            }
            2 => {
                let _ = w.take(p);
            }
            _ => {
                let one = Tally::from_scores(scale, &[s]);
                if let Ok(one) = one {
                    let _ = w.merge_into(p, &one);
                }
            }
        }
        assert!(w.periods().count() <= k);
        let key = inp.u8() % 3;
        let weight = inp.weight();
        let ok = sharded
            .extend_weighted_scores(&[key], &[s], &[weight])
            .is_ok();
        if ok {
            let t = keyed.entry(key).or_insert_with(|| Tally::new(scale));
            t.extend_weighted_scores(&[s], &[weight])
                .expect("same check");
        }
        if atomic.push_score(s).is_ok() {
            plain.push_score(s).expect("same check");
        }
    }
    if let (Some(o), Some(l)) = (w.periods().next().map(|(p, _)| p), w.latest()) {
        assert!(o <= l);
    }
    let mut merged = Tally::new(scale);
    for (_, t) in w.periods() {
        merged.merge(t).expect("merge");
    }
    assert_eq!(w.total().expect("total").counts(), merged.counts());
    let snap = sharded.snapshot().expect("snapshot");
    assert_eq!(snap.len(), keyed.len());
    for (key, t) in &keyed {
        assert_eq!(snap[key].counts(), t.counts());
    }
    assert_eq!(atomic.snapshot().expect("snapshot"), plain);
    assert_eq!(atomic.take().expect("take"), plain);
    assert!(atomic.snapshot().expect("snapshot").is_empty());
}

/// A grouped tally with arbitrary group ids and sizes: ids past the
/// groups are refused whole, sizes past the limit are `TooLarge`, and each
/// group equals the tally of its own answers.
pub fn grouped(data: &[u8]) {
    use cxmetrics::GroupedTally;
    let mut inp = Input::new(data);
    let scale = inp.scale();
    let groups = match inp.u8() % 4 {
        0 => usize::from(inp.u8() % 8),
        1 => inp.u64() as usize,
        2 => 1usize << (inp.u8() % 64),
        _ => GroupedTally::MAX_CELLS / scale.len() + usize::from(inp.u8() % 3),
    };
    let fits = groups
        .checked_mul(scale.len())
        .is_some_and(|c| c <= GroupedTally::MAX_CELLS);
    if fits && groups > 4096 {
        // Within the limit but large: allowed, and too slow to allocate
        // per input; shrink it.
        return;
    }
    let mut g = match GroupedTally::with_groups(scale, groups) {
        Ok(g) => g,
        Err(cxmetrics::Error::TooLarge { limit, .. }) => {
            assert_eq!(limit, GroupedTally::MAX_CELLS as u64);
            assert!(!fits, "{groups} groups fit but were refused");
            return;
        }
        Err(e) => panic!("{e:?}"),
    };
    assert!(fits && g.groups() * scale.len() <= GroupedTally::MAX_CELLS);
    let n_groups = g.groups();
    let mut mine: Vec<Tally> = (0..n_groups).map(|_| Tally::new(scale)).collect();
    for _ in 0..3 {
        let (_, scores, weights) = scores_and_weights(&mut inp, scale);
        let ids: Vec<u64> = scores
            .iter()
            .map(|_| match inp.u8() % 4 {
                0 => inp.u64(),
                1 => u64::from(u32::MAX) - u64::from(inp.u8()),
                _ => u64::from(inp.u8() % 10),
            })
            .collect();
        let before = g.clone();
        let weighted = inp.bool();
        let kind = inp.u8() % 3;
        // The group each answer goes to, as the id type reads it.
        let read: Vec<usize> = ids
            .iter()
            .map(|&i| match kind {
                0 => i as u32 as usize,
                1 => i as usize,
                _ => i as u16 as usize,
            })
            .collect();
        let r = match kind {
            0 => {
                let ids32: Vec<u32> = ids.iter().map(|&i| i as u32).collect();
                if weighted {
                    g.extend_weighted_scores(&ids32, &scores, &weights)
                } else {
                    g.extend_scores(&ids32, &scores)
                }
            }
            1 => {
                let ids_usize: Vec<usize> = ids.iter().map(|&i| i as usize).collect();
                if weighted {
                    g.extend_weighted_scores(&ids_usize, &scores, &weights)
                } else {
                    g.extend_scores(&ids_usize, &scores)
                }
            }
            _ => {
                let ids16: Vec<u16> = ids.iter().map(|&i| i as u16).collect();
                if weighted {
                    g.extend_weighted_scores(&ids16, &scores, &weights)
                } else {
                    g.extend_scores(&ids16, &scores)
                }
            }
        };
        match r {
            Ok(()) => {
                assert!(
                    read.iter().all(|&i| i < n_groups),
                    "an id past the groups was accepted"
                );
                for ((&i, &s), &w) in read.iter().zip(&scores).zip(&weights) {
                    if weighted {
                        mine[i].extend_weighted_scores(&[s], &[w]).expect("valid");
                    } else {
                        mine[i].push_score(s).expect("valid");
                    }
                }
            }
            Err(_) => {
                for i in 0..n_groups {
                    assert_eq!(
                        g.counts(i),
                        before.counts(i),
                        "a failed grouped batch changed group {i}"
                    );
                }
            }
        }
        for (i, t) in mine.iter().enumerate() {
            assert_eq!(g.counts(i), Some(t.counts()), "group {i}");
        }
        if let Ok(ts) = g.tallies() {
            assert_eq!(ts.len(), n_groups);
            for t in &ts {
                check_tally(t);
            }
            let total: u64 = ts.iter().map(Tally::n).sum();
            assert_eq!(total, (0..n_groups).filter_map(|i| g.n(i)).sum::<u64>());
        }
    }
    let other = g.clone();
    if g.merge(&other).is_ok() {
        for i in 0..n_groups {
            assert_eq!(g.n(i).map(|n| n / 2), other.n(i));
        }
    }
    assert!(g.n(n_groups).is_none() && g.tally(n_groups).is_err());
}
