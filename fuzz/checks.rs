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
pub const TARGETS: [&str; 12] = [
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
    "survey",
    "complex",
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
        "survey" => survey(data),
        "complex" => complex(data),
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
        // The crate's rule: fewer than 1 degree of freedom is an error.
        assert!(df >= 1.0 - 1e-9 && df.is_finite(), "df below 1: {c:?}");
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
                        "t not monotone: t({lo:e}, {x:e}) = {a:e} > t({hi:e}, {x:e}) = {b:e}"
                    );
                }
                if let (Ok(a), Ok(b)) =
                    (dist::beta_quantile(lo, x, y), dist::beta_quantile(hi, x, y))
                {
                    assert!(
                        a <= b,
                        "beta not monotone: ({lo:e}, {x:e}, {y:e}) = {a:e} > ({hi:e}) = {b:e}"
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

/// Live ingestion and inference: a window moved to arbitrary periods (the
/// ends of i64 included) keeps at most k periods and its total equals the
/// merge of what is in it; Sharded and AtomicTally snapshots equal a plain
/// tally. Then, on the rest of the input, `sequential` and `monitor` (see
/// [`live_inference`]).
pub fn live(data: &[u8]) {
    let mut inp = Input::new(data);
    live_window(&mut inp);
    live_inference(&mut inp);
}

fn live_window(inp: &mut Input) {
    use cxmetrics::{AtomicTally, Sharded, Window};
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
        let p = period(inp);
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

// ---------------------------------------------------------------------
// survey: `cxmetrics::survey`
// ---------------------------------------------------------------------

/// One of `items`, chosen by the input.
fn pick<'a>(inp: &mut Input, items: &[&'a str]) -> &'a str {
    items[usize::from(inp.u8()) % items.len()]
}

/// A period cell: dates, date-times with and without offsets, Unix
/// seconds, and bad dates.
fn date_cell(inp: &mut Input) -> String {
    let year = match inp.u8() % 16 {
        0 => 1,
        1 => 9999,
        k => 2024 + i32::from(k % 3),
    };
    let month = u32::from(inp.u8() % 12) + 1;
    let day = if inp.u8() % 8 == 0 {
        u32::from(inp.u8() % 32)
    } else {
        u32::from(inp.u8() % 28) + 1
    };
    let (h, m) = (inp.u8() % 26, inp.u8() % 61);
    match inp.u8() % 12 {
        0..=2 => format!("{year:04}-{month:02}-{day:02}"),
        3 => format!("{year:04}-{month:02}-{day:02} {h:02}:{m:02}:00"),
        4 => format!(
            "{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:00{}{:02}:00",
            if inp.bool() { '+' } else { '-' },
            inp.u8() % 27
        ),
        5 => format!(" {year:04}-{month:02}-{day:02}T{h:02}:{m:02}:00.5Z "),
        6 => (1_735_689_600i64 + i64::from(inp.u16()) * 3600).to_string(),
        7 => (inp.u64() as i64 % 1_000_000_000_000).to_string(),
        8 => format!("{day:02}/{month:02}/{year:04}"),
        9 => pick(
            inp,
            &[
                "",
                "abc",
                "2026-02-30",
                "2026-13-01",
                "2026-03-14T24:00:00",
                "2026-03-14T10:00:00+25:00",
                "-0",
                "\u{feff}2026-01-01",
                "2026-01-01 trailing",
            ],
        )
        .to_string(),
        _ => text(inp),
    }
}

/// A question cell: numbers on and off the scales, labels, tokens, blanks.
fn answer_cell(inp: &mut Input) -> String {
    match inp.u8() % 4 {
        0 | 1 => (i32::from(inp.u8() % 14) - 1).to_string(),
        2 => pick(
            inp,
            &[
                "10 - Extremely likely",
                "0 - Not at all likely",
                "Extremely likely",
                "N/A",
                "n/a",
                "Don't know",
                "",
                " ",
                "-",
                "3.0",
                "3.5",
                "1e1",
                "Very satisfied",
                "Satisfied",
                "Dissatisfied",
                "Strongly agree",
                "Agree",
                "Very easy",
                "\u{feff}7",
                "11 - Extremely likely",
            ],
        )
        .to_string(),
        _ => text(inp),
    }
}

/// A weight cell, valid or not.
fn weight_cell(inp: &mut Input) -> String {
    match inp.u8() % 3 {
        0 => pick(
            inp,
            &[
                "", "0", "-1", "1e400", "abc", "1", "1.5", "0.5", "2", "1e-300", "1e300", "NaN",
                "inf", " 1 ", "-0",
            ],
        )
        .to_string(),
        1 => format!("{}", f64::from(inp.u8()) / 16.0),
        _ => text(inp),
    }
}

/// The roles of a fuzzed survey's columns, in header order.
#[derive(Clone, Copy, PartialEq)]
enum Col {
    Id,
    Period,
    Group,
    Weight,
    Question(usize),
}

/// What a pushed row should do to the report, worked out independently.
#[derive(Default, Clone, Copy)]
struct Expected {
    rated: u64,
    not_applicable: u64,
    rejected: u64,
    /// Rated answers of rows whose weight counted.
    rated_weighted: u64,
}

/// Sums per point unscaled by the tally's exponent, for comparing tallies
/// built in another order.
fn same_tally(a: &Tally, b: &Tally, what: &str) {
    assert_eq!(a.scale(), b.scale(), "{what}");
    assert_eq!(a.counts(), b.counts(), "{what}: counts");
    assert_eq!(a.positive_counts(), b.positive_counts(), "{what}: positive");
    assert_eq!(a.not_applicable(), b.not_applicable(), "{what}: n/a");
    assert_eq!(a.weight_exponent(), b.weight_exponent(), "{what}: exponent");
    let total = b.point_sums().map(|s| s.weight).sum::<f64>();
    let total2 = b.point_sums().map(|s| s.weight_squared).sum::<f64>();
    for (x, y) in a.point_sums().zip(b.point_sums()) {
        assert!(
            (x.weight - y.weight).abs() <= 1e-12 * total + 1e-300,
            "{what}: {x:?} vs {y:?}"
        );
        assert!(
            (x.weight_squared - y.weight_squared).abs() <= 1e-12 * total2 + 1e-300,
            "{what}: {x:?} vs {y:?}"
        );
    }
}

/// Every figure of a scorecard: counts add up, estimates pass their
/// checks on their metric's range (a mean on its question's scale).
fn check_scorecard(card: &cxmetrics::survey::Scorecard, scales: &[Scale], min_n: u64) {
    use cxmetrics::survey::CardMetric;
    assert!(card.rows.last().is_some_and(|r| r.key.is_total()));
    for row in &card.rows {
        assert_eq!(row.questions.len(), scales.len());
        for (cell, &scale) in row.questions.iter().zip(scales) {
            let figures = std::iter::once(&cell.unweighted).chain(cell.weighted.as_ref());
            for f in figures {
                assert_eq!(f.below_min_n, f.n < min_n, "{f:?}");
                assert!(
                    f.effective_n.is_finite()
                        && f.effective_n >= 0.0
                        && f.effective_n <= f.n as f64 * (1.0 + 1e-9),
                    "{f:?}"
                );
                for (metric, est) in &f.metrics {
                    let Ok(e) = est else { continue };
                    let range = match metric {
                        CardMetric::Mean => (f64::from(scale.lowest()), f64::from(scale.highest())),
                        _ => e.range(),
                    };
                    check_estimate(e, range, e.method.contains_estimate());
                    assert_eq!(e.n, f.n, "{metric:?} {e:?}");
                }
            }
            if let Some(w) = &cell.weighted {
                assert!(w.n <= cell.unweighted.n, "{cell:?}");
            }
        }
    }
}

/// The scorecard of a survey restored from its state equals the original's.
fn same_card(a: &cxmetrics::survey::Scorecard, b: &cxmetrics::survey::Scorecard) {
    assert_eq!(a.rows.len(), b.rows.len());
    let (ra, rb) = (a.records(), b.records());
    assert_eq!(ra.len(), rb.len());
    for (x, y) in ra.iter().zip(&rb) {
        assert_eq!(
            (&x.period, &x.groups, &x.question, x.metric, x.weighted, x.n),
            (&y.period, &y.groups, &y.question, y.metric, y.weighted, y.n)
        );
        assert_eq!(x.not_applicable, y.not_applicable);
        assert_eq!(x.error.is_some(), y.error.is_some(), "{x:?} vs {y:?}");
        for (u, v) in [
            (x.value, y.value),
            (x.lower, y.lower),
            (x.upper, y.upper),
            (Some(x.effective_n), Some(y.effective_n)),
        ] {
            match (u, v) {
                (Some(u), Some(v)) => assert!(
                    (u - v).abs() <= 1e-9 * u.abs().max(v.abs()).max(1.0),
                    "{x:?} vs {y:?}"
                ),
                (None, None) => {}
                _ => panic!("{x:?} vs {y:?}"),
            }
        }
    }
}

/// Two surveys' states hold the same rows: keys, counts exactly, weight
/// sums to rounding; the reports' counts (not their row numbers).
fn same_state(a: &cxmetrics::survey::SurveyState, b: &cxmetrics::survey::SurveyState) {
    assert_eq!(a.keys, b.keys);
    assert_eq!(a.questions.len(), b.questions.len());
    for (qa, qb) in a.questions.iter().zip(&b.questions) {
        assert_eq!(qa.unweighted.len(), qb.unweighted.len());
        for (x, y) in qa.unweighted.iter().zip(&qb.unweighted) {
            same_tally(x, y, &qa.name);
        }
        assert_eq!(qa.weighted.is_some(), qb.weighted.is_some());
        if let (Some(wa), Some(wb)) = (&qa.weighted, &qb.weighted) {
            for (x, y) in wa.iter().zip(wb) {
                same_tally(x, y, &qa.name);
            }
        }
    }
    for (pa, pb) in a.pairs.iter().zip(&b.pairs) {
        assert_eq!(pa.unweighted.n(), pb.unweighted.n());
        if let (Ok(x), Ok(y)) = (pa.unweighted.x_tally(), pb.unweighted.x_tally()) {
            assert_eq!(x.counts(), y.counts());
        }
        if let (Some(wa), Some(wb)) = (&pa.weighted, &pb.weighted) {
            assert_eq!(wa.n(), wb.n());
        }
    }
    let (ra, rb) = (&a.report, &b.report);
    assert_eq!(
        (
            ra.rows(),
            ra.accepted(),
            ra.rejected(),
            ra.unweighted_only()
        ),
        (
            rb.rows(),
            rb.accepted(),
            rb.rejected(),
            rb.unweighted_only()
        )
    );
    let causes = |r: &cxmetrics::survey::SurveyReport| {
        r.rejections()
            .iter()
            .map(|x| (x.cause, x.count))
            .collect::<Vec<_>>()
    };
    assert_eq!(causes(ra), causes(rb));
    for ((na, qa), (nb, qb)) in ra.questions().zip(rb.questions()) {
        assert_eq!(na, nb);
        assert_eq!(
            (qa.accepted(), qa.not_applicable(), qa.rejected()),
            (qb.accepted(), qb.not_applicable(), qb.rejected())
        );
    }
}

/// One fuzzed row, kept to be pushed again.
enum Row {
    Text(Vec<String>),
    Record {
        period: Option<cxmetrics::Period>,
        groups: Vec<String>,
        weight: Option<f64>,
        answers: Vec<Option<i64>>,
    },
}

fn push(s: &mut cxmetrics::survey::Survey, row: &Row) -> cxmetrics::survey::RowStatus {
    match row {
        Row::Text(cells) => s.push_row(cells),
        Row::Record {
            period,
            groups,
            weight,
            answers,
        } => {
            let groups: Vec<&str> = groups.iter().map(String::as_str).collect();
            s.push_record(cxmetrics::survey::Record {
                period: *period,
                groups: &groups,
                weight: *weight,
                answers,
            })
        }
    }
}

/// A survey declared from the input (questions of every kind, a period,
/// groups, a weight and its rule, a pair, extra tokens, a header in any
/// order), fed text rows and typed records: pushing never panics, the
/// report accounts for every row and cell, the scorecard's estimates and
/// the trends' comparisons are sane, the state round-trips through JSON,
/// and a survey fed in two halves and merged equals one fed every row.
pub fn survey(data: &[u8]) {
    use cxmetrics::survey::{
        Base, Family, MissingWeight, RowCause, RowStatus, Survey, SurveyState, TrendOptions,
    };
    use cxmetrics::{PeriodUnit, multiplicity::Adjustment};
    let mut inp = Input::new(data);
    // The declaration.
    let mut builder = Survey::builder();
    let mut cols: Vec<(String, Col)> = vec![("id".to_string(), Col::Id)];
    let n_questions = usize::from(inp.u8() % 3) + 1;
    let mut scales = Vec::new();
    for q in 0..n_questions {
        let name = format!("q{q}");
        builder = match inp.u8() % 4 {
            0 => builder.nps(&name),
            1 => builder.csat(&name, inp.scale()),
            2 => builder.ces(&name, inp.scale()),
            _ => {
                let scale = inp.scale();
                let k = u32::from(inp.u8() % 4);
                builder.question(&name, cxmetrics::input::CellParser::new(scale), k)
            }
        };
        cols.push((name, Col::Question(q)));
    }
    let unit = if inp.bool() {
        let u = PeriodUnit::ALL[usize::from(inp.u8()) % PeriodUnit::ALL.len()];
        builder = builder.period("date", u);
        cols.push(("date".to_string(), Col::Period));
        Some(u)
    } else {
        None
    };
    let n_groups = match inp.u8() % 8 {
        0 => 5, // past MAX_GROUP_COLUMNS: an error
        k => usize::from(k % 3),
    };
    for g in 0..n_groups {
        let name = format!("g{g}");
        builder = builder.group(&name);
        cols.push((name, Col::Group));
    }
    let weighted = inp.bool();
    if weighted {
        let rule = match inp.u8() % 3 {
            0 => MissingWeight::Reject,
            1 => MissingWeight::UnweightedOnly,
            _ => MissingWeight::Default(inp.weight()),
        };
        builder = builder.weight("w", rule);
        cols.push(("w".to_string(), Col::Weight));
    }
    if inp.u8() % 4 == 0 {
        let x = format!("q{}", inp.u8() % 4);
        let y = format!("q{}", inp.u8() % 3);
        builder = builder.pair(&x, &y);
    }
    if inp.bool() {
        builder = builder.not_applicable(["Don't know", " Prefer not to say "]);
    }
    let min_n = u64::from(inp.u8() % 40);
    builder = builder.min_n(min_n);
    let with_header = inp.bool();
    if with_header {
        // Any order; sometimes a column the declaration lacks.
        for i in (1..cols.len()).rev() {
            let j = usize::from(inp.u8()) % (i + 1);
            cols.swap(i, j);
        }
        let mut names: Vec<String> = cols.iter().map(|(n, _)| n.clone()).collect();
        if inp.u8() % 16 == 0 {
            names.pop();
        }
        builder = builder.header(&names);
    } else {
        // Declaration order: period, groups, weight, questions.
        cols.retain(|(_, c)| *c != Col::Id);
        let rank = |c: &Col| match c {
            Col::Period => 0,
            Col::Group => 1,
            Col::Weight => 2,
            Col::Question(q) => 3 + q,
            Col::Id => 99,
        };
        cols.sort_by_key(|(_, c)| rank(c));
    }
    let declared = builder.clone();
    let Ok(mut whole) = builder.build() else {
        return;
    };
    assert!(n_groups <= cxmetrics::survey::MAX_GROUP_COLUMNS);
    for q in whole.questions() {
        scales.push(q.scale());
    }
    // The rows.
    let n_rows = usize::from(inp.u8() % 32);
    let mut rows = Vec::with_capacity(n_rows);
    for _ in 0..n_rows {
        if inp.is_empty() {
            break;
        }
        if inp.u8() % 4 == 0 {
            let period = match inp.u8() % 4 {
                0 => None,
                _ => unit.and_then(|u| u.bucket_cell(&date_cell(&mut inp)).ok()),
            };
            let mut groups: Vec<String> = (0..n_groups)
                .map(|_| pick(&mut inp, &["web", "app", "", " ", "Web"]).to_string())
                .collect();
            if inp.u8() % 16 == 0 {
                groups.push("extra".to_string());
            }
            let weight = match inp.u8() % 4 {
                0 => None,
                _ => Some(inp.weight()),
            };
            let mut answers: Vec<Option<i64>> = scales
                .iter()
                .map(|s| match inp.u8() % 8 {
                    0 => None,
                    1 => Some(i64::from(inp.u16() as i16)),
                    _ => Some(i64::from(s.lowest()) + i64::from(inp.u8() % 12)),
                })
                .collect();
            if inp.u8() % 16 == 0 {
                answers.pop();
            }
            rows.push(Row::Record {
                period,
                groups,
                weight,
                answers,
            });
        } else {
            let mut cells: Vec<String> = cols
                .iter()
                .map(|(_, c)| match c {
                    Col::Id => text(&mut inp),
                    Col::Period => date_cell(&mut inp),
                    Col::Group => pick(
                        &mut inp,
                        &["web", "app", "", " ", "\u{feff}web", "Web", "store 7"],
                    )
                    .to_string(),
                    Col::Weight => weight_cell(&mut inp),
                    Col::Question(_) => answer_cell(&mut inp),
                })
                .collect();
            match inp.u8() % 16 {
                0 => {
                    cells.pop();
                }
                1 => cells.push("extra".to_string()),
                _ => {}
            }
            rows.push(Row::Text(cells));
        }
    }
    // Feed every row, predicting each question's cells independently.
    let mut expected = vec![Expected::default(); scales.len()];
    let mut by_cause: std::collections::BTreeMap<RowCause, u64> = Default::default();
    let (mut accepted, mut unweighted_only) = (0u64, 0u64);
    for (i, row) in rows.iter().enumerate() {
        let status = push(&mut whole, row);
        let report = whole.report();
        assert_eq!(report.rows(), i as u64 + 1);
        match status {
            RowStatus::Rejected(cause) => *by_cause.entry(cause).or_default() += 1,
            other => {
                accepted += 1;
                let counted_weight = other == RowStatus::Accepted;
                if !counted_weight {
                    assert!(weighted, "unweighted-only row in an unweighted survey");
                    unweighted_only += 1;
                }
                for (q, e) in expected.iter_mut().enumerate() {
                    let outcome = match row {
                        Row::Text(cells) => {
                            let at = cols
                                .iter()
                                .position(|(_, c)| *c == Col::Question(q))
                                .expect("declared");
                            let cell = cells[at].trim_start_matches('\u{feff}');
                            whole.questions()[q].parser().parse(cell)
                        }
                        Row::Record { answers, .. } => match answers.get(q) {
                            Some(Some(v)) => scales[q].rating(*v).map(Response::rated),
                            _ => Ok(Response::NotApplicable),
                        },
                    };
                    match outcome {
                        Ok(Response::Rated { .. }) => {
                            e.rated += 1;
                            if counted_weight && weighted {
                                e.rated_weighted += 1;
                            }
                        }
                        Ok(Response::NotApplicable) => e.not_applicable += 1,
                        Err(_) => e.rejected += 1,
                    }
                }
            }
        }
        assert_eq!(report.accepted(), accepted);
        assert_eq!(report.unweighted_only(), unweighted_only);
        assert_eq!(report.accepted() + report.rejected(), report.rows());
        let listed: u64 = report.rejections().iter().map(|r| r.count).sum();
        assert_eq!(listed, report.rejected(), "{report}");
        for r in report.rejections() {
            assert_eq!(r.count, by_cause[&r.cause], "{report}");
            assert!(!r.first_rows.is_empty() && r.first_rows.len() <= 5);
        }
    }
    let report = whole.report();
    for ((name, cells), e) in report.questions().zip(&expected) {
        assert_eq!(
            (cells.accepted(), cells.not_applicable(), cells.rejected()),
            (e.rated, e.not_applicable, e.rejected),
            "question {name}: {report}"
        );
        assert_eq!(cells.total(), accepted, "question {name}");
        let listed: u64 = cells.rejections().iter().map(|r| r.count).sum();
        assert_eq!(listed, cells.rejected());
    }
    let _ = report.to_string();
    // The scorecard.
    let level = inp.level().unwrap_or(ConfidenceLevel::P95);
    let card = whole.scorecard(level);
    check_scorecard(&card, &scales, min_n);
    for (q, e) in expected.iter().enumerate() {
        let total = &card.rows.last().expect("total").questions[q];
        assert_eq!(total.unweighted.n, e.rated, "{total:?}");
        assert_eq!(total.unweighted.not_applicable, e.not_applicable);
        match &total.weighted {
            Some(w) => {
                assert!(weighted);
                assert_eq!(w.n, e.rated_weighted, "{total:?}");
            }
            None => assert!(!weighted),
        }
    }
    let _ = card.to_string();
    // Trends, when the periods span a sane number of them.
    if let Some(u) = unit {
        let periods: Vec<cxmetrics::Period> = whole.keys().filter_map(|k| k.period()).collect();
        let days = match (periods.iter().min(), periods.iter().max()) {
            (Some(a), Some(b)) => {
                b.first_day().days_since_epoch() - a.first_day().days_since_epoch()
            }
            _ => 0,
        };
        let per = match u {
            PeriodUnit::Day => 1,
            PeriodUnit::IsoWeek => 7,
            PeriodUnit::Month => 28,
            PeriodUnit::Quarter => 90,
            PeriodUnit::Year => 365,
        };
        if days / per <= 3000 {
            let mut options = TrendOptions::new(level)
                .family(
                    [Family::WithinGroup, Family::AcrossGroups, Family::Table]
                        [usize::from(inp.u8()) % 3],
                )
                .adjustment(
                    [
                        Adjustment::Holm,
                        Adjustment::BenjaminiHochberg,
                        Adjustment::Unadjusted,
                    ][usize::from(inp.u8()) % 3],
                );
            options = match inp.u8() % 3 {
                0 => options.base(Base::Previous),
                1 => options.base(Base::First),
                _ => match periods.first() {
                    Some(&p) => options.base(Base::Period(p)),
                    None => options,
                },
            };
            if inp.bool() {
                options = options.unweighted();
            }
            if inp.bool() {
                options = options.score(
                    [
                        Score::Mean,
                        Score::top_box(1),
                        Score::bottom_box(2),
                        Score::nps(),
                    ][usize::from(inp.u8()) % 4],
                );
            }
            for (q, &scale) in scales.iter().enumerate() {
                let Ok(t) = whole.trends(&format!("q{q}"), &options) else {
                    continue;
                };
                for r in &t.rows {
                    if let Ok(e) = &r.estimate {
                        let range = if e.unit == cxmetrics::Unit::ScalePoints {
                            (f64::from(scale.lowest()), f64::from(scale.highest()))
                        } else {
                            e.range()
                        };
                        check_estimate(e, range, e.method.contains_estimate());
                        assert_eq!(e.n, r.n);
                    } else {
                        assert!(r.change.is_none() || r.n > 0);
                    }
                    if let Some(Ok(c)) = &r.change {
                        check_comparison(c);
                        if let Some(p) = c.adjusted_p_value {
                            assert!((c.p_value..=1.0).contains(&p), "{c:?}");
                        }
                    }
                }
                let _ = t.to_string();
            }
        }
    } else {
        assert!(whole.trends("q0", &TrendOptions::new(level)).is_err());
    }
    // The state through JSON into an empty survey of the same declaration.
    let state = whole.state();
    let text = serde_json::to_vec(&state).expect("serialize a survey state");
    let back: SurveyState = serde_json::from_slice(&text).expect("a state reads back");
    assert_eq!(back, state);
    let mut restored = declared.clone().build().expect("built once");
    restored.merge_state(&back).expect("same declaration");
    assert_eq!(restored.state(), state);
    assert!(restored == whole);
    same_card(&restored.scorecard(level), &card);
    // Two halves merged equal the whole.
    let cut = if rows.is_empty() {
        0
    } else {
        usize::from(inp.u8()) % (rows.len() + 1)
    };
    let mut first = declared.clone().build().expect("built once");
    let mut second = declared.clone().build().expect("built once");
    for row in &rows[..cut] {
        push(&mut first, row);
    }
    for row in &rows[cut..] {
        push(&mut second, row);
    }
    first.merge(&second).expect("same declaration");
    same_state(&first.state(), &state);
    // A survey of another declaration does not merge, and nothing changes.
    let mut other = Survey::builder()
        .header(["x"])
        .csat("x", Scale::CSAT_5)
        .build()
        .expect("a plain survey");
    other.push_row(["4"]);
    let kept = other.state();
    assert!(
        other.merge(&second).is_err(),
        "a survey of another declaration merged"
    );
    assert_eq!(other.state(), kept);
}

// ---------------------------------------------------------------------
// complex: `cxmetrics::complex`
// ---------------------------------------------------------------------

/// A design-based estimate: finite, SE ≥ 0, within the statistic's range,
/// design effects finite and positive when given, and every interval an
/// error or sane (t intervals need df ≥ 1).
fn check_design_estimate(
    e: &cxmetrics::complex::DesignEstimate,
    values: &cxmetrics::complex::PointValues,
    level: f64,
) {
    use cxmetrics::complex::{IntervalMethod, ValueKind};
    let (lo, hi) = values.range();
    assert_eq!(e.range, (lo, hi), "{e:?}");
    assert_eq!(e.kind, values.kind(), "{e:?}");
    assert!(e.estimate.is_finite(), "{e:?}");
    assert!(
        e.estimate >= lo && e.estimate <= hi,
        "estimate off its range {e:?}"
    );
    assert!(e.std_error.is_finite() && e.std_error >= 0.0, "{e:?}");
    assert!(e.n_positive <= e.n, "{e:?}");
    if e.degenerate {
        assert_eq!(e.std_error, 0.0, "{e:?}");
        assert!(e.deff_replace.is_none() && e.deff_srs.is_none(), "{e:?}");
    }
    for d in [e.deff_replace, e.deff_srs].into_iter().flatten() {
        assert!(d.is_finite() && d >= 0.0, "deff {d}: {e:?}");
    }
    for m in [
        IntervalMethod::Wald,
        IntervalMethod::T,
        IntervalMethod::TFull,
        IntervalMethod::KornGraubard,
        IntervalMethod::Logit,
        IntervalMethod::Likelihood,
    ] {
        let df = match m {
            IntervalMethod::TFull => e.df_full,
            _ => e.df,
        };
        let r = e.interval(m, level);
        let Ok(b) = r else { continue };
        assert!(
            b.lower.is_finite() && b.upper.is_finite() && b.lower <= b.upper,
            "{m:?} {b:?} of {e:?}"
        );
        if m != IntervalMethod::Wald {
            assert!(df >= 1, "{m:?} interval with df 0: {e:?}");
        }
        let clipped = m == IntervalMethod::Wald || e.kind != ValueKind::Mean;
        if clipped {
            assert!(
                b.lower >= lo && b.upper <= hi,
                "{m:?} {b:?} off {lo}..={hi}: {e:?}"
            );
        }
        if matches!(
            m,
            IntervalMethod::Wald
                | IntervalMethod::T
                | IntervalMethod::TFull
                | IntervalMethod::Logit
                | IntervalMethod::Likelihood
        ) {
            assert!(
                b.lower <= e.estimate && e.estimate <= b.upper,
                "{m:?} {b:?} excludes {e:?}"
            );
        }
    }
}

/// A domain difference: finite, |d| within the statistic's span, tests in
/// range, intervals ordered and clipped to ± the span, containing d.
fn check_difference(d: &cxmetrics::complex::DomainDifference, span: f64, same: bool) {
    assert!(d.difference.is_finite() && d.estimate_a.is_finite() && d.estimate_b.is_finite());
    assert!(d.std_error.is_finite() && d.std_error >= 0.0, "{d:?}");
    assert!(d.difference.abs() <= span * (1.0 + 1e-12), "{d:?}");
    if same {
        assert_eq!(d.difference, 0.0, "{d:?}");
        assert_eq!(d.p_value, Some(1.0), "{d:?}");
    }
    if d.df == 0 && !same {
        assert!(
            d.p_value.is_none() && d.interval.is_none(),
            "t test with df 0: {d:?}"
        );
    }
    for p in [d.p_value, d.z_p_value].into_iter().flatten() {
        assert!((0.0..=1.0).contains(&p), "{d:?}");
    }
    if let Some(t) = d.t {
        assert!(t.is_finite(), "{d:?}");
    }
    for b in [d.interval, d.z_interval].into_iter().flatten() {
        assert!(
            b.lower.is_finite() && b.upper.is_finite() && b.lower <= b.upper,
            "{d:?}"
        );
        assert!(b.lower >= -span && b.upper <= span, "{d:?}");
        assert!(b.lower <= d.difference && d.difference <= b.upper, "{d:?}");
    }
}

/// The statistic of a complex design: every kind, and custom values.
fn point_values(inp: &mut Input, scale: Scale) -> Option<cxmetrics::complex::PointValues> {
    use cxmetrics::complex::{PointValues, Statistic};
    let k = u32::from(inp.u8() % 4);
    let statistic = match inp.u8() % 5 {
        0 => Statistic::TopBox(k),
        1 => Statistic::BottomBox(k),
        2 => Statistic::Mean,
        3 => Statistic::Nps,
        _ => {
            let values: Vec<f64> = (0..scale.len())
                .map(|_| match inp.u8() % 4 {
                    0 => inp.f64(),
                    _ => f64::from(inp.u8() as i8) / 4.0,
                })
                .collect();
            return match PointValues::custom(scale, &values) {
                Ok(v) => Some(v),
                Err(_) => {
                    assert!(values.iter().any(|v| !v.is_finite()));
                    None
                }
            };
        }
    };
    PointValues::new(scale, statistic).ok()
}

/// A confidence level as a plain number: usually sane, sometimes not.
fn level_f64(inp: &mut Input) -> f64 {
    match inp.u8() % 8 {
        0 => inp.f64(),
        1 => 0.5 + f64::from(inp.u8()) / 512.0,
        _ => 0.95,
    }
}

/// Complex designs: a stratified, clustered design with domains, FPC and
/// every lonely-PSU rule (built by pushes, batches or cells, and merged in
/// parts); replicate-weight designs of every kind with fuzzed scales and
/// replicate weights; calibration (linear, raking) and trimming, and the
/// calibrated design. Every result is an error or sane: finite, SE ≥ 0,
/// estimates in the statistic's range, t intervals only with df ≥ 1,
/// design effects finite; serialized designs read back equal.
pub fn complex(data: &[u8]) {
    let mut inp = Input::new(data);
    let scale = inp.scale();
    let Some(values) = point_values(&mut inp, scale) else {
        return;
    };
    let level = level_f64(&mut inp);
    match inp.u8() % 3 {
        0 => linearized_design(&mut inp, scale, &values, level),
        1 => replicate_design(&mut inp, scale, &values, level),
        _ => calibrated_design(&mut inp, scale, &values, level),
    }
}

/// A score mostly on the scale.
fn design_score(inp: &mut Input, scale: Scale) -> i64 {
    match inp.u8() % 16 {
        0 => i64::from(inp.u16() as i16),
        _ => i64::from(scale.lowest()) + i64::from(inp.u8()) % i64::from(scale.len() as u16),
    }
}

fn linearized_design(
    inp: &mut Input,
    scale: Scale,
    values: &cxmetrics::complex::PointValues,
    level: f64,
) {
    use cxmetrics::complex::{DesignKey, LonelyPsu, SurveyDesign};
    let clustered = inp.bool();
    let lonely =
        [LonelyPsu::Fail, LonelyPsu::Adjust, LonelyPsu::Certainty][usize::from(inp.u8()) % 3];
    let nested = inp.u8() % 4 != 0;
    let fresh = || {
        let d = SurveyDesign::new(scale).with_lonely_psu(lonely);
        if nested { d } else { d.not_nested() }
    };
    let n = usize::from(inp.u8() % 48);
    let mut scores = Vec::with_capacity(n);
    let mut weights = Vec::with_capacity(n);
    let mut keys = Vec::with_capacity(n);
    for _ in 0..n {
        scores.push(design_score(inp, scale));
        weights.push(inp.weight());
        let mut key = DesignKey::new()
            .stratum(match inp.u8() % 8 {
                0 => inp.u64(),
                k => u64::from(k % 3),
            })
            .domain(u64::from(inp.u8() % 3));
        // Now and then a key of the other kind: an error.
        if clustered != (inp.u8() % 32 == 0) {
            key = key.cluster(u64::from(inp.u8() % 6));
        }
        keys.push(key);
    }
    // The whole design, pushed one by one (a failed push changes nothing).
    let mut whole = fresh();
    let mut kept = Vec::new();
    for i in 0..n {
        let before = whole.clone();
        match whole.push(scores[i], weights[i], keys[i]) {
            Ok(()) => kept.push(i),
            Err(_) => assert_eq!(whole, before, "a failed push changed the design"),
        }
    }
    // The same rows in two batches, merged; and from cells.
    let cut = if kept.is_empty() {
        0
    } else {
        usize::from(inp.u8()) % (kept.len() + 1)
    };
    let part = |rows: &[usize]| {
        let mut d = fresh();
        let s: Vec<i64> = rows.iter().map(|&i| scores[i]).collect();
        let w: Vec<f64> = rows.iter().map(|&i| weights[i]).collect();
        let k: Vec<DesignKey> = rows.iter().map(|&i| keys[i]).collect();
        d.extend(&s, &w, &k).map(|()| d)
    };
    if let (Ok(mut a), Ok(b)) = (part(&kept[..cut]), part(&kept[cut..])) {
        a.merge(&b).expect("parts of one design merge");
        assert_eq!(a.n(None), whole.n(None));
        for ((ka, ta), (kb, tb)) in a.cells().zip(whole.cells()) {
            assert_eq!(ka, kb);
            same_tally(ta, tb, "design cell");
        }
        let cells = whole.cells().map(|(k, t)| (*k, t.clone()));
        let from_cells = SurveyDesign::from_cells(scale, cells).expect("its own cells");
        assert_eq!(from_cells.n(None), whole.n(None));
    }
    // Population sizes (FPC), fuzzed.
    let mut design = whole;
    for _ in 0..inp.u8() % 4 {
        let stratum = u64::from(inp.u8() % 3);
        let size = match inp.u8() % 4 {
            0 => inp.f64(),
            1 => design.n(None) as f64 + f64::from(inp.u8()),
            _ => f64::from(inp.u8()),
        };
        match design.clone().with_population(stratum, size) {
            Ok(d) => {
                assert!(size.is_finite() && size >= 1.0);
                design = d;
            }
            Err(_) => assert!(!(size.is_finite() && size >= 1.0)),
        }
    }
    // Serde round trip.
    let text = serde_json::to_vec(&design).expect("serialize a design");
    let back: SurveyDesign = serde_json::from_slice(&text).expect("a design reads back");
    assert_eq!(back, design);
    let span = values.span();
    for domain in [None, Some(0), Some(1), Some(2), Some(u64::MAX)] {
        if let Ok(e) = design.estimate(values, domain) {
            assert_eq!(e.n, design.n(domain), "{e:?}");
            assert_eq!(e.df, design.df(domain), "{e:?}");
            assert_eq!(e.df_full, design.df(None), "{e:?}");
            check_design_estimate(&e, values, level);
        }
        if let Ok(t) = design.total(values, domain) {
            assert!(t.total.is_finite(), "{t:?}");
            assert!(t.std_error.is_finite() && t.std_error >= 0.0, "{t:?}");
            for m in [
                cxmetrics::complex::IntervalMethod::Wald,
                cxmetrics::complex::IntervalMethod::T,
            ] {
                if let Ok(b) = t.interval(m, level) {
                    assert!(b.lower <= b.upper && b.lower.is_finite() && b.upper.is_finite());
                    assert!(m == cxmetrics::complex::IntervalMethod::Wald || t.df >= 1);
                }
            }
        }
    }
    let (a, b) = (u64::from(inp.u8() % 3), u64::from(inp.u8() % 3));
    if let Ok(d) = design.difference(values, a, b, level) {
        assert_eq!(d.df, design.df(None));
        check_difference(&d, span, a == b);
    }
}

fn replicate_design(
    inp: &mut Input,
    scale: Scale,
    values: &cxmetrics::complex::PointValues,
    level: f64,
) {
    use cxmetrics::complex::{ReplicateDesign, ReplicateKind};
    let r = usize::from(inp.u8() % 7);
    let kind = match inp.u8() % 6 {
        0 => ReplicateKind::Jk1,
        1 => ReplicateKind::Jkn,
        2 => ReplicateKind::Bootstrap,
        3 => ReplicateKind::Brr,
        4 => ReplicateKind::Fay {
            rho: match inp.u8() % 4 {
                0 => inp.f64(),
                _ => f64::from(inp.u8()) / 256.0,
            },
        },
        _ => ReplicateKind::Other,
    };
    let mse = inp.bool();
    let design = if inp.bool() {
        ReplicateDesign::with_r_defaults(scale, kind, r, mse)
    } else {
        let factor = match inp.u8() % 4 {
            0 => inp.f64(),
            _ => f64::from(inp.u8()) / 16.0,
        };
        let rscales: Vec<f64> = (0..r)
            .map(|_| match inp.u8() % 4 {
                0 => inp.f64(),
                _ => f64::from(inp.u8()) / 64.0,
            })
            .collect();
        ReplicateDesign::new(scale, kind, factor, &rscales, mse)
    };
    let Ok(mut design) = design else { return };
    assert!(r >= 1 && design.replicates() == r);
    let n = usize::from(inp.u8() % 32);
    let mut whole = design.clone();
    let mut halves = (design.clone(), design.clone());
    for i in 0..n {
        let score = design_score(inp, scale);
        let weight = inp.weight();
        let rw: Vec<f64> = (0..r)
            .map(|_| match inp.u8() % 4 {
                0 => 0.0,
                1 => inp.weight(),
                _ => weight * f64::from(inp.u8() % 4) / 2.0,
            })
            .collect();
        let domain = u64::from(inp.u8() % 3);
        let before = whole.clone();
        match whole.push(score, weight, &rw, domain) {
            Ok(()) => {
                let half = if i % 2 == 0 {
                    &mut halves.0
                } else {
                    &mut halves.1
                };
                half.extend(&[score], &[weight], &rw, &[domain])
                    .expect("the same row");
            }
            Err(_) => assert_eq!(whole, before, "a failed push changed the design"),
        }
    }
    halves.0.merge(&halves.1).expect("halves merge");
    assert!(whole.rank(None) <= r);
    assert_eq!(whole.df(None), (whole.rank(None) as u64).saturating_sub(1));
    let text = serde_json::to_vec(&whole).expect("serialize a replicate design");
    let back: ReplicateDesign = serde_json::from_slice(&text).expect("reads back");
    assert_eq!(back, whole);
    design = whole;
    let span = values.span();
    for domain in [None, Some(0), Some(1), Some(2)] {
        let e = design.estimate(values, domain);
        if let Ok(e) = &e {
            assert_eq!(e.df, design.df(domain));
            assert!(e.deff_replace.is_none() && e.deff_srs.is_none());
            check_design_estimate(e, values, level);
        }
        // The merged halves give the same estimate.
        if let (Ok(e), Ok(h)) = (&e, halves.0.estimate(values, domain)) {
            assert_eq!(e.n, h.n);
            assert!(
                (e.estimate - h.estimate).abs() <= 1e-9 * span.max(1e-300),
                "{e:?} vs {h:?}"
            );
        }
    }
    let (a, b) = (u64::from(inp.u8() % 3), u64::from(inp.u8() % 3));
    if let Ok(d) = design.difference(values, a, b, level) {
        check_difference(&d, span, a == b);
    }
}

fn calibrated_design(
    inp: &mut Input,
    scale: Scale,
    values: &cxmetrics::complex::PointValues,
    level: f64,
) {
    use cxmetrics::complex::{
        Calibration, CalibrationMethod, CalibrationOptions, DesignKey, LonelyPsu,
    };
    let n = usize::from(inp.u8() % 40);
    let weights: Vec<f64> = (0..n).map(|_| inp.weight()).collect();
    let n_margins = usize::from(inp.u8() % 2) + 1;
    let levels: Vec<usize> = (0..n_margins)
        .map(|_| usize::from(inp.u8() % 3) + 1)
        .collect();
    let margins: Vec<Vec<usize>> = levels
        .iter()
        .map(|&l| {
            (0..n)
                .map(|_| {
                    let x = usize::from(inp.u8());
                    if x == 255 { l } else { x % l }
                })
                .collect()
        })
        .collect();
    // Population totals adding up to one N, unless the input says not to.
    let big_n = match inp.u8() % 4 {
        0 => inp.f64(),
        _ => f64::from(inp.u16()) + 1.0,
    };
    let population: Vec<Vec<f64>> = levels
        .iter()
        .map(|&l| {
            let shares: Vec<f64> = (0..l).map(|_| f64::from(inp.u8()) + 1.0).collect();
            let sum: f64 = shares.iter().sum();
            let mut totals: Vec<f64> = shares.iter().map(|s| big_n * s / sum).collect();
            if inp.u8() % 16 == 0 {
                totals[0] = inp.f64();
            }
            totals
        })
        .collect();
    let method = if inp.bool() {
        CalibrationMethod::Linear
    } else {
        CalibrationMethod::Raking
    };
    let options = match inp.u8() % 3 {
        0 => CalibrationOptions::default(),
        1 => CalibrationOptions {
            epsilon: 1e-7,
            max_iterations: 50,
            require_convergence: inp.bool(),
        },
        _ => CalibrationOptions {
            epsilon: inp.f64(),
            max_iterations: u32::from(inp.u8() % 8),
            require_convergence: inp.bool(),
        },
    };
    let m: Vec<&[usize]> = margins.iter().map(Vec::as_slice).collect();
    let p: Vec<&[f64]> = population.iter().map(Vec::as_slice).collect();
    let Ok(mut cal) = Calibration::new(&weights, &m, &p, method, options) else {
        return;
    };
    assert_eq!(cal.weights().len(), n);
    assert_eq!(cal.method(), method);
    for &w in cal.weights() {
        assert!(w.is_finite(), "calibrated weight {w}: {cal:?}");
        if method == CalibrationMethod::Raking {
            assert!(w >= 0.0, "raked weight {w}");
        }
    }
    for &g in cal.g() {
        assert!(g.is_finite(), "g {g}");
    }
    assert!(cal.weight_sum().is_finite());
    assert!(
        cal.misfit().is_finite() && cal.misfit() >= 0.0,
        "{}",
        cal.misfit()
    );
    if method == CalibrationMethod::Linear {
        assert!(cal.converged());
    }
    let _ = cal.to_string();
    if inp.bool() {
        let lower = match inp.u8() % 4 {
            0 => inp.f64(),
            _ => f64::from(inp.u8()) / 64.0,
        };
        let upper = lower
            + match inp.u8() % 4 {
                0 => inp.f64(),
                _ => f64::from(inp.u8()) / 16.0,
            };
        let strict = inp.bool();
        if let Ok(t) = cal.trim(lower, upper, strict) {
            let total: f64 = cal.weights().iter().map(|w| w.abs()).sum();
            assert!(
                (t.weight_sum() - cal.weight_sum()).abs() <= 1e-9 * total.max(1e-300),
                "trimming changed the total: {} vs {}",
                t.weight_sum(),
                cal.weight_sum()
            );
            for &w in t.weights() {
                assert!(w.is_finite());
                if strict {
                    assert!(w <= upper, "strict trimming left {w} above {upper}");
                }
            }
            cal = t;
        }
    }
    let scores: Vec<i64> = (0..n).map(|_| design_score(inp, scale)).collect();
    let clustered = inp.bool();
    let keys: Vec<DesignKey> = (0..n)
        .map(|_| {
            let k = DesignKey::new()
                .stratum(u64::from(inp.u8() % 2))
                .domain(u64::from(inp.u8() % 3));
            if clustered {
                k.cluster(u64::from(inp.u8() % 5))
            } else {
                k
            }
        })
        .collect();
    let Ok(mut design) = cal.design(scale, &scores, &keys) else {
        return;
    };
    design = design.with_lonely_psu(
        [LonelyPsu::Fail, LonelyPsu::Adjust, LonelyPsu::Certainty][usize::from(inp.u8()) % 3],
    );
    if inp.bool() {
        if let Ok(d) = design.clone().with_population(0, f64::from(inp.u16())) {
            design = d;
        }
    }
    let span = values.span();
    for domain in [None, Some(0), Some(1), Some(2)] {
        if let Ok(e) = design.estimate(values, domain) {
            assert!(e.deff_replace.is_none() && e.deff_srs.is_none());
            check_design_estimate(&e, values, level);
        }
    }
    let (a, b) = (u64::from(inp.u8() % 3), u64::from(inp.u8() % 3));
    if let Ok(d) = design.difference(values, a, b, level) {
        check_difference(&d, span, a == b);
    }
    let twice = {
        let mut d = design.clone();
        d.merge(&design).map(|()| d)
    };
    if let Ok(d) = twice {
        if let (Ok(x), Ok(y)) = (design.estimate(values, None), d.estimate(values, None)) {
            assert!(
                (x.estimate - y.estimate).abs() <= 1e-9 * span.max(1e-300),
                "a design merged with itself moved its estimate: {x:?} vs {y:?}"
            );
        }
    }
}

// ---------------------------------------------------------------------
// live (continued): `cxmetrics::sequential` and `cxmetrics::monitor`
// ---------------------------------------------------------------------

/// An error for a bad argument names one of the values passed.
fn names_a_value(e: &cxmetrics::Error, values: &[f64]) {
    if let cxmetrics::Error::InvalidArgument { value, name, .. } = e {
        assert!(
            values
                .iter()
                .any(|v| v == value || (v.is_nan() && value.is_nan())),
            "error {e} names {name} = {value}, none of {values:?}"
        );
    }
}

/// A confidence sequence: finite, ordered, within `range`, containing its
/// value (every method's set holds the running estimate, and the crate
/// makes the interval reach it).
fn check_sequence(cs: &cxmetrics::sequential::ConfidenceSequence, range: (f64, f64)) {
    let i = cs.interval;
    assert!(
        cs.value.is_finite() && i.lower.is_finite() && i.upper.is_finite(),
        "{cs:?}"
    );
    assert!(i.lower <= i.upper, "{cs:?}");
    assert!(
        i.lower >= range.0 && i.upper <= range.1,
        "sequence off {range:?}: {cs:?}"
    );
    assert!(i.contains(cs.value), "sequence excludes its value: {cs:?}");
    assert!(cs.target_n >= 1.0 && cs.target_n.is_finite(), "{cs:?}");
}

/// An always-valid difference: p in 0..=1, finite log-likelihood ratio
/// and τ², both intervals within ± the range and containing the
/// difference.
fn check_difference_sequence(d: &cxmetrics::sequential::DifferenceSequence, span: f64) {
    assert!((0.0..=1.0).contains(&d.p_value), "p out of 0..=1: {d:?}");
    assert!(d.log_likelihood_ratio.is_finite(), "log LR: {d:?}");
    assert!(d.tau2.is_finite() && d.tau2 > 0.0, "tau2: {d:?}");
    assert!(
        d.difference.is_finite() && d.difference.abs() <= span,
        "{d:?}"
    );
    for i in [d.interval, d.exact_interval] {
        assert!(
            i.lower.is_finite() && i.upper.is_finite() && i.lower <= i.upper,
            "{d:?}"
        );
        assert!(i.lower >= -span && i.upper <= span, "{d:?}");
        assert!(i.contains(d.difference), "excludes the difference: {d:?}");
    }
    assert_eq!(d.significant(), d.p_value <= d.level.alpha());
}

/// A bounded sample from the input: by counts (NPS-like or on a scale),
/// Bernoulli, or its three numbers directly.
fn bounded_sample(
    inp: &mut Input,
    lower: f64,
    upper: f64,
) -> Result<cxmetrics::sequential::BoundedSample, cxmetrics::Error> {
    use cxmetrics::sequential::BoundedSample;
    match inp.u8() % 4 {
        0 => {
            let (n, mean, m2) = (inp.count(), inp.f64(), inp.f64());
            let r = BoundedSample::new(n, mean, m2, lower, upper);
            if let Err(e) = &r {
                names_a_value(e, &[n as f64, mean, m2, lower, upper, 0.0]);
            }
            r
        }
        1 => {
            let (k, n) = (u64::from(inp.u16()), u64::from(inp.u16()));
            BoundedSample::bernoulli(k, n)
        }
        _ => {
            let points = usize::from(inp.u8() % 4) + 2;
            let values: Vec<f64> = (0..points)
                .map(|i| {
                    if inp.u8() % 16 == 0 {
                        inp.f64()
                    } else {
                        lower + (upper - lower) * i as f64 / (points - 1) as f64
                    }
                })
                .collect();
            let counts: Vec<u64> = (0..points)
                .map(|_| match inp.u8() % 8 {
                    0 => inp.count(),
                    _ => u64::from(inp.u8() % 16),
                })
                .collect();
            BoundedSample::from_counts(&values, &counts, lower, upper)
        }
    }
}

/// `sequential` and `monitor` on the rest of the input: confidence
/// sequences by every method with fuzzed levels and target sizes, their
/// running intersection over a growing stream (nested), the mSPRT
/// difference and its tracker (p never increasing), the boundary
/// functions, live estimates and comparisons from tallies, and CUSUM and
/// EWMA charts over a periodic series.
fn live_inference(inp: &mut Input) {
    use cxmetrics::sequential::{
        self as seq, AlwaysValidTracker, BoundedSample, RunningIntersection, SequenceMethod,
        SequenceSpec,
    };
    if inp.is_empty() {
        return;
    }
    let level = inp.level().unwrap_or(ConfidenceLevel::P95);
    let target_n = match inp.u8() % 4 {
        0 => inp.f64(),
        1 => f64::from(inp.u16()),
        2 => 1e15,
        _ => 100.0,
    };
    let method = [
        SequenceMethod::BetaBinomial,
        SequenceMethod::SubGaussian,
        SequenceMethod::Asymptotic,
    ][usize::from(inp.u8()) % 3];
    let spec = match SequenceSpec::new(level, target_n) {
        Ok(s) => {
            assert!(
                (1.0..=1e15).contains(&target_n),
                "target n {target_n} accepted"
            );
            s.method(method)
        }
        Err(e) => {
            assert!(
                !(1.0..=1e15).contains(&target_n),
                "target n {target_n}: {e}"
            );
            names_a_value(&e, &[target_n]);
            return;
        }
    };
    assert!(spec.pseudo_n().is_finite() && spec.pseudo_n() > 0.0);
    assert_eq!(spec.sequence_method(), method);
    // Shares and NPS from counts.
    let (k, n) = (inp.count(), inp.count());
    match seq::proportion(k, n, &spec) {
        Ok(cs) => {
            assert!(k <= n && n > 0);
            check_sequence(&cs, (0.0, 1.0));
            assert_eq!(cs.n, n);
        }
        Err(e) => {
            assert!(k > n || n == 0, "proportion({k}, {n}): {e}");
            names_a_value(&e, &[k as f64, n as f64, 0.0]);
        }
    }
    let (p, a, d) = (inp.count(), inp.count(), inp.count());
    if let Ok(cs) = seq::nps(p, a, d, &spec) {
        check_sequence(&cs, (-100.0, 100.0));
    }
    // A stream of batches on one range, looked at after each.
    let (lower, upper) = match inp.u8() % 4 {
        0 => (-1.0, 1.0),
        1 => (0.0, 1.0),
        2 => (inp.f64(), inp.f64()),
        _ => (1.0, f64::from(inp.u8() % 10) + 2.0),
    };
    let mut running: Option<BoundedSample> = None;
    let mut other: Option<BoundedSample> = None;
    let mut ri = RunningIntersection::new();
    let mut tracker = AlwaysValidTracker::new();
    let mut last: Option<cxmetrics::Interval> = None;
    let mut last_diff: Option<(f64, cxmetrics::Interval, cxmetrics::Interval)> = None;
    let mut looks = 0u64;
    for _ in 0..inp.u8() % 6 {
        let Ok(batch) = bounded_sample(inp, lower, upper) else {
            continue;
        };
        assert!(batch.mean() >= batch.lower() && batch.mean() <= batch.upper());
        assert!(batch.m2().is_finite() && batch.m2() >= 0.0);
        running = match running {
            None => Some(batch),
            Some(r) => match r.merge(&batch) {
                Ok(m) => {
                    assert_eq!(m.n(), r.n() + batch.n());
                    Some(m)
                }
                Err(_) => Some(r),
            },
        };
        let Some(s) = running else { continue };
        let range = (s.lower(), s.upper());
        if let Ok(cs) = seq::mean(&s, &spec) {
            check_sequence(&cs, range);
            assert_eq!(cs.value, s.mean());
            let now = ri.update(&cs);
            assert!(now.lower <= now.upper, "{now:?}");
            if let Some(prev) = last {
                assert!(
                    now.lower >= prev.lower && now.upper <= prev.upper,
                    "running intersection not nested: {prev:?} then {now:?}"
                );
            }
            if !ri.contradicted() {
                assert!(now.lower >= cs.interval.lower && now.upper <= cs.interval.upper);
            }
            last = Some(now);
        }
        let variance = inp.f64();
        match seq::asymptotic_mean(s.mean(), variance, s.n(), s.lower(), s.upper(), &spec) {
            Ok(cs) => check_sequence(&cs, range),
            Err(e) => names_a_value(&e, &[variance]),
        }
        // The second group: its own batches.
        if let Ok(b) = bounded_sample(inp, lower, upper) {
            other = match other {
                None => Some(b),
                Some(o) => o.merge(&b).ok().or(Some(o)),
            };
        }
        let Some(o) = other else { continue };
        match seq::difference(&s, &o, &spec) {
            Ok(d) => {
                check_difference_sequence(&d, s.range());
                let t = tracker.update(&d);
                looks += 1;
                assert_eq!(t.p_value, tracker.p_value());
                assert!(t.p_value <= d.p_value);
                if let Some((p_before, i_before, e_before)) = last_diff {
                    assert!(t.p_value <= p_before, "tracked p increased");
                    for (now, before) in [(t.interval, i_before), (t.exact_interval, e_before)] {
                        assert!(
                            now.lower >= before.lower && now.upper <= before.upper,
                            "tracked interval not nested: {before:?} then {now:?}"
                        );
                    }
                }
                last_diff = Some((t.p_value, t.interval, t.exact_interval));
            }
            Err(e) => names_a_value(&e, &[o.upper(), o.lower()]),
        }
    }
    assert_eq!(tracker.looks(), looks);
    // The boundary functions.
    let (v, rho, alpha) = (inp.f64(), inp.f64(), inp.f64());
    match seq::optimal_rho(v, alpha) {
        Ok(r) => assert!(r.is_finite() && r > 0.0, "rho {r}"),
        Err(e) => names_a_value(&e, &[v, alpha]),
    }
    match seq::normal_mixture_boundary(v, rho, alpha) {
        Ok(u) => assert!(u.is_finite() && u >= 0.0, "boundary {u}"),
        Err(e) => names_a_value(&e, &[v, rho, alpha]),
    }
    let (s, f, p, kappa) = (inp.f64(), inp.f64(), inp.f64(), inp.f64());
    match seq::beta_binomial_log_mixture(s, f, p, kappa) {
        Ok(m) => assert!(m.is_finite(), "log mixture {m}"),
        Err(e) => names_a_value(&e, &[s, f, p, kappa, s + f]),
    }
    live_monitor(inp, &spec);
}

type ArlKey = (&'static str, f64, f64, f64);
type ArlBits = (&'static str, u64, u64, u64);
type Memo<T> = std::cell::RefCell<std::collections::HashMap<ArlBits, Result<T, cxmetrics::Error>>>;

fn arl_key(k: ArlKey) -> ArlBits {
    (k.0, k.1.to_bits(), k.2.to_bits(), k.3.to_bits())
}

thread_local! {
    static CHARTS: Memo<cxmetrics::monitor::Chart> = Default::default();
    static ARLS: Memo<f64> = Default::default();
}

/// A chart design, computed once per key.
fn memo_arl(
    key: ArlKey,
    f: impl FnOnce() -> Result<cxmetrics::monitor::Chart, cxmetrics::Error>,
) -> Result<cxmetrics::monitor::Chart, cxmetrics::Error> {
    let key = arl_key(key);
    if let Some(r) = CHARTS.with(|m| m.borrow().get(&key).cloned()) {
        return r;
    }
    let r = f();
    if CHARTS.with(|m| m.borrow().len()) < 4096 {
        CHARTS.with(|m| m.borrow_mut().insert(key, r.clone()));
    }
    r
}

/// An average run length, computed once per key.
fn memo_value(
    key: ArlKey,
    f: impl FnOnce() -> Result<f64, cxmetrics::Error>,
) -> Result<f64, cxmetrics::Error> {
    let key = arl_key(key);
    if let Some(r) = ARLS.with(|m| m.borrow().get(&key).cloned()) {
        return r;
    }
    let r = f();
    // Parameters off the small sets are rare; keep the table bounded.
    if ARLS.with(|m| m.borrow().len()) < 4096 {
        ARLS.with(|m| m.borrow_mut().insert(key, r.clone()));
    }
    r
}

/// A periodic series of tallies: live estimates and comparisons, the live
/// containers, and a change chart over the periods.
fn live_monitor(inp: &mut Input, spec: &cxmetrics::sequential::SequenceSpec) {
    use cxmetrics::monitor::{
        self, Baseline, ChangeMonitor, Chart, ChartScore, CusumDesign, EwmaDesign, LiveScores,
    };
    use cxmetrics::{AtomicTally, Unit, Window};
    if inp.is_empty() {
        return;
    }
    let scale = if inp.bool() { Scale::NPS } else { inp.scale() };
    let (lo, hi) = (f64::from(scale.lowest()), f64::from(scale.highest()));
    let k = u32::from(inp.u8() % 3) + 1;
    let periods = usize::from(inp.u8() % 8) + 1;
    let mut series = Vec::with_capacity(periods);
    for _ in 0..periods {
        let (_, scores, weights) = scores_and_weights(inp, scale);
        let scores: Vec<i64> = scores.into_iter().take(64).collect();
        let mut t = Tally::new(scale);
        let weighted = inp.u8() % 4 == 0;
        let _ = if weighted {
            t.extend_weighted_scores(&scores, &weights[..scores.len()])
        } else {
            t.extend_scores(&scores)
        };
        series.push((t, weighted));
    }
    let mut window = Window::new(Tally::new(scale), periods).expect("a small window");
    let atomic = AtomicTally::new(scale);
    for (i, (t, weighted)) in series.iter().enumerate() {
        if let Ok(live) = monitor::nps(t, spec) {
            check_estimate(
                &live.fixed,
                (-100.0, 100.0),
                live.fixed.method.contains_estimate(),
            );
            check_sequence(&live.sequence, (-100.0, 100.0));
            assert_eq!(live.sequence.value, live.fixed.value);
            assert_eq!(live.sequence.unit, live.fixed.unit);
            assert_eq!(t.live_nps(spec), Ok(live));
        }
        if let Ok(live) = monitor::top_box(t, k, spec) {
            check_estimate(
                &live.fixed,
                (0.0, 1.0),
                live.fixed.method.contains_estimate(),
            );
            check_sequence(&live.sequence, (0.0, 1.0));
            assert_eq!(live.sequence.value, live.fixed.value);
        }
        if let Ok(live) = monitor::mean(t, spec) {
            check_estimate(&live.fixed, (lo, hi), true);
            check_sequence(&live.sequence, (lo, hi));
            assert_eq!(live.sequence.value, live.fixed.value);
        }
        if i > 0 {
            let prev = &series[i - 1].0;
            for d in [
                monitor::compare_nps(t, prev, spec).map(|d| (d, 200.0)),
                monitor::compare_top_box(t, prev, k, spec).map(|d| (d, 1.0)),
                monitor::compare_mean(t, prev, spec).map(|d| (d, hi - lo)),
            ]
            .into_iter()
            .flatten()
            {
                check_difference_sequence(&d.0, d.1);
            }
        }
        let _ = window.merge_into(i as i64, t);
        if !*weighted {
            let unweighted: Vec<i64> = t
                .counts()
                .iter()
                .zip(scale.points())
                .flat_map(|(&c, x)| std::iter::repeat_n(i64::from(x), c as usize))
                .collect();
            let _ = atomic.extend_scores(&unweighted);
        }
    }
    if let Ok(total) = window.total() {
        assert_eq!(window.live_mean(spec), monitor::mean(&total, spec));
        assert_eq!(
            window.live_top_box(k, spec),
            monitor::top_box(&total, k, spec)
        );
    }
    if let Ok(snap) = atomic.snapshot() {
        assert_eq!(atomic.live_nps(spec), monitor::nps(&snap, spec));
    }
    // A change chart over the series.
    let score = match inp.u8() % 3 {
        0 => ChartScore::Nps,
        1 => ChartScore::TopBox(k),
        _ => ChartScore::Mean,
    };
    let baseline = match inp.u8() % 3 {
        0 => {
            let mut history = Tally::new(scale);
            for (t, _) in &series {
                let _ = history.merge(t);
            }
            Baseline::from_tally(score, &history)
        }
        _ => {
            let unit = if inp.u8() % 8 == 0 {
                [Unit::NpsPoints, Unit::Share, Unit::ScalePoints][usize::from(inp.u8()) % 3]
            } else {
                score.unit()
            };
            let (mean, sd) = (inp.f64(), inp.f64());
            let b = Baseline::new(mean, sd, unit);
            match &b {
                Ok(_) => assert!(mean.is_finite() && sd > 0.0 && sd.is_finite()),
                Err(e) => names_a_value(e, &[mean, sd]),
            }
            b
        }
    };
    let Ok(baseline) = baseline else { return };
    // Average run lengths solve 200-cell Markov chains (and for_arl0 a
    // root of them): the charts behind them take parameters from small
    // sets, and each result is computed once per process.
    let from = |inp: &mut Input, set: &[f64]| -> f64 {
        match inp.u8() % 8 {
            0 => inp.f64(),
            k => set[usize::from(k) % set.len()],
        }
    };
    let arl0 = from(inp, &[2.0, 50.0, 168.0, 370.0, 500.0, 1e4, 1e6, 1.5]);
    let by_arl0 = inp.u8() % 4 == 0;
    let chart = if inp.bool() {
        let k = from(inp, &[0.0, 0.25, 0.5, 1.0, 5.0, 5.5]);
        let h = from(inp, &[0.5, 4.0, 5.0, 200.0, 0.0]);
        let d = if by_arl0 {
            memo_arl(("cusum-for", k, arl0, 0.0), || {
                CusumDesign::for_arl0(arl0, k).map(Chart::Cusum)
            })
        } else {
            CusumDesign::new(k, h).map(Chart::Cusum)
        };
        match d {
            Ok(Chart::Cusum(d)) => {
                assert!(d.k().is_finite() && d.h() > 0.0 && d.h() <= 200.0, "{d:?}");
                Chart::Cusum(d)
            }
            Ok(other) => panic!("{other:?}"),
            Err(e) => {
                names_a_value(&e, &[k, h, arl0]);
                return;
            }
        }
    } else {
        let lambda = from(inp, &[0.01, 0.05, 0.1, 0.25, 1.0, 0.0]);
        let width = from(inp, &[0.5, 2.814, 3.0, 10.0, 11.0]);
        let d = if by_arl0 {
            memo_arl(("ewma-for", lambda, arl0, 0.0), || {
                EwmaDesign::for_arl0(arl0, lambda).map(Chart::Ewma)
            })
        } else {
            EwmaDesign::new(lambda, width).map(Chart::Ewma)
        };
        match d {
            Ok(Chart::Ewma(d)) => {
                assert!(d.limit().is_finite() && d.limit() > 0.0, "{d:?}");
                Chart::Ewma(d)
            }
            Ok(other) => panic!("{other:?}"),
            Err(e) => {
                names_a_value(&e, &[lambda, width, arl0]);
                return;
            }
        }
    };
    let (a, b) = match chart {
        Chart::Cusum(d) => (d.k(), d.h()),
        Chart::Ewma(d) => (d.lambda(), d.width()),
        _ => return,
    };
    if by_arl0 {
        let arl = memo_value(("shift", a, b, 0.0), || chart.arl(0.0)).expect("in-control ARL");
        assert!(
            (arl - arl0).abs() <= 1e-3 * arl0,
            "ARL {arl} for {arl0}: {chart:?}"
        );
    }
    let shift = from(inp, &[0.0, 0.5, 1.0, -1.0, 3.0, 10.0, -10.0, 10.5]);
    match memo_value(("shift", a, b, shift), || chart.arl(shift)) {
        Ok(arl) => assert!(
            arl.is_finite() && arl >= 1.0 - 1e-9,
            "ARL {arl} at {shift}: {chart:?}"
        ),
        Err(cxmetrics::Error::NotRepresentable { .. }) => {}
        Err(e) => {
            assert!(!(-10.0..=10.0).contains(&shift), "{e}");
            names_a_value(&e, &[shift]);
        }
    }
    let mut m = match ChangeMonitor::new(score, baseline, chart) {
        Ok(m) => {
            assert_eq!(baseline.unit, score.unit());
            m
        }
        Err(_) => {
            assert_ne!(baseline.unit, score.unit());
            return;
        }
    };
    let mut period = i64::from(inp.u8() as i8);
    let mut last: Option<i64> = None;
    for (t, _) in &series {
        period = match inp.u8() % 8 {
            0 => period,
            1 => period.saturating_sub(1),
            2 => i64::MAX,
            k => period.saturating_add(i64::from(k)),
        };
        let point = if inp.u8() % 4 == 0 {
            let (value, n) = (inp.f64(), u64::from(inp.u8()));
            m.observe_value(period, value, n)
        } else {
            m.observe(period, t)
        };
        let Ok(point) = point else { continue };
        assert!(
            last.is_none_or(|l| period > l),
            "period {period} after {last:?}"
        );
        last = Some(period);
        assert_eq!(point.period, period);
        assert!(
            point.upper.is_finite() && point.lower.is_finite(),
            "{point:?}"
        );
        assert_eq!(point.limit, chart.limit());
        assert!(point.limit.is_finite() && point.limit > 0.0);
        match chart {
            Chart::Cusum(_) => assert!(point.upper >= 0.0 && point.lower >= 0.0, "{point:?}"),
            _ => assert_eq!(point.lower, -point.upper, "{point:?}"),
        }
        if let Some(z) = point.z {
            assert!(z.is_finite());
        }
        let beyond = point.upper >= point.limit || point.lower >= point.limit;
        assert_eq!(point.alert.is_some(), beyond && point.n > 0, "{point:?}");
        if let Some(a) = &point.alert {
            assert_eq!(a.run_length, m.periods());
            assert!(a.statistic >= a.limit);
            let _ = a.to_string();
        }
    }
    m.reset();
    assert_eq!(m.periods(), 0);
}
