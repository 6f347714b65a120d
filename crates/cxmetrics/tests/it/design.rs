//! Design-based statistics: invariants, and respondent-level
//! reimplementations of R `survey`'s formulas (METHODS.md) checked against
//! the crate's per-point computations.

use cxmetrics::design::{Linearized, RakeOptions, VarianceMethod, post_stratify, rake};
use cxmetrics::interval::{IntervalSpec, NpsMethod, ProportionMethod};
use cxmetrics::segment::Score;
use cxmetrics::{ConfidenceLevel, Response, Scale, Segmented, Tally, Weight};
use proptest::prelude::*;

use crate::assert_close;

/// The scores the properties run over, with g(x) for a respondent-level
/// check (NPS in fractions; the crate reports points).
fn scores() -> [(Score, Scale); 5] {
    [
        (Score::TopBox(2, ProportionMethod::Wilson), Scale::CSAT_5),
        (
            Score::BottomBox(1, ProportionMethod::ClopperPearson),
            Scale::CSAT_5,
        ),
        (Score::Mean, Scale::CSAT_5),
        (Score::Nps(NpsMethod::Wald), Scale::NPS),
        (Score::Nps(NpsMethod::AdjustedWald), Scale::NPS),
    ]
}

fn g(score: Score, x: i32) -> f64 {
    match score {
        Score::TopBox(..) => f64::from(u8::from(x >= 4)),
        Score::BottomBox(..) => f64::from(u8::from(x <= 1)),
        Score::Nps(_) => match x {
            9.. => 1.0,
            7 | 8 => 0.0,
            _ => -1.0,
        },
        _ => f64::from(x),
    }
}

fn points(score: Score) -> f64 {
    if matches!(score, Score::Nps(_)) {
        100.0
    } else {
        1.0
    }
}

fn push<K: Ord + Clone>(s: &mut Segmented<K>, key: K, x: i32, w: f64) {
    let r = s.scale().rating(x).unwrap();
    s.push(key, Response::weighted(r, Weight::new(w).unwrap()))
        .unwrap();
}

fn tally(scale: Scale, answers: &[(i32, f64)]) -> Tally {
    let mut t = Tally::new(scale);
    let (s, w): (Vec<i32>, Vec<f64>) = answers.iter().copied().unzip();
    t.extend_weighted_scores(&s, &w).unwrap();
    t
}

/// Answers on 0..=10 (folded onto a 1–5 scale where needed) with weights.
fn answers(min_len: usize) -> impl Strategy<Value = Vec<(i32, f64)>> {
    prop::collection::vec((0i32..=10, 0.05f64..20.0), min_len..60)
}

fn on(scale: Scale, a: &[(i32, f64)]) -> Vec<(i32, f64)> {
    if scale == Scale::NPS {
        a.to_vec()
    } else {
        a.iter().map(|&(x, w)| (1 + x % 5, w)).collect()
    }
}

/// `svymean`'s variance from respondent-level data: z = w(y − ȳ)/W,
/// v = n/(n − 1)·Σ(z − z̄)².
fn respondent_variance(score: Score, a: &[(i32, f64)]) -> f64 {
    let w: f64 = a.iter().map(|p| p.1).sum();
    let mean = a.iter().map(|&(x, wi)| wi * g(score, x)).sum::<f64>() / w;
    let z: Vec<f64> = a
        .iter()
        .map(|&(x, wi)| wi * (g(score, x) - mean) / w)
        .collect();
    let n = z.len() as f64;
    let zbar = z.iter().sum::<f64>() / n;
    n / (n - 1.0) * z.iter().map(|zi| (zi - zbar).powi(2)).sum::<f64>()
}

proptest! {
    #[test]
    fn linearized_variance_matches_the_respondent_level_formula(a in answers(2)) {
        for (score, scale) in scores() {
            let a = on(scale, &a);
            let lin = Linearized::from_tally(&tally(scale, &a), score).unwrap();
            let se = respondent_variance(score, &a).sqrt() * points(score);
            assert_close(lin.std_error().unwrap(), se, "se");
        }
    }

    #[test]
    fn equal_weights_make_linearized_and_kish_agree(a in answers(2), w in 0.01f64..100.0) {
        for (score, scale) in scores() {
            let a: Vec<(i32, f64)> = on(scale, &a).into_iter().map(|(x, _)| (x, w)).collect();
            let t = tally(scale, &a);
            let lin = Linearized::from_tally(&t, score).unwrap();
            let Some(deff) = lin.design_effects().design_effect else {
                continue; // every answer the same: no design effect
            };
            let n = a.len() as f64;
            // Equal weights: the design effect is 1, Kish's too, and the
            // effective sample sizes are n.
            assert_close(deff, 1.0, "deff");
            assert_close(lin.design_effects().kish_design_effect, 1.0, "kish deff");
            assert_close(t.effective_n(), n, "kish n");
            let kish = IntervalSpec::new(ConfidenceLevel::P95).variance(VarianceMethod::Kish);
            let kish_se = match score {
                Score::Mean => cxmetrics::Mean::from_tally(&t).unwrap().estimate(kish).unwrap().std_error,
                Score::Nps(_) => cxmetrics::Nps::from_tally(&t).unwrap()
                    .estimate_with(NpsMethod::Wald, kish).unwrap().std_error,
                Score::TopBox(k, _) => cxmetrics::TopBox::top(&t, k).unwrap()
                    .estimate_with(ProportionMethod::Wald, kish).unwrap().std_error,
                _ => cxmetrics::TopBox::bottom(&t, 1).unwrap()
                    .estimate_with(ProportionMethod::Wald, kish).unwrap().std_error,
            };
            // A mean's Kish se already divides by n − 1; the binomial and
            // multinomial ones divide by n, the linearized by n − 1.
            let factor = if score == Score::Mean { 1.0 } else { (n / (n - 1.0)).sqrt() };
            assert_close(lin.std_error().unwrap(), kish_se * factor, "se");
        }
    }

    #[test]
    fn weighted_results_do_not_depend_on_the_scale_of_the_weights(
        a in answers(3), c in prop_oneof![1e-6f64..1e-3, 0.5f64..2.0, 1e3f64..1e6]
    ) {
        for (score, scale) in scores() {
            let a = on(scale, &a);
            let scaled: Vec<(i32, f64)> = a.iter().map(|&(x, w)| (x, w * c)).collect();
            let (t1, t2) = (tally(scale, &a), tally(scale, &scaled));
            let (l1, l2) = (Linearized::from_tally(&t1, score).unwrap(), Linearized::from_tally(&t2, score).unwrap());
            assert_close(l2.value(), l1.value(), "value");
            assert_close(l2.std_error().unwrap(), l1.std_error().unwrap(), "se");
            let (d1, d2) = (l1.design_effects(), l2.design_effects());
            assert_eq!(d1.design_effect.is_some(), d2.design_effect.is_some());
            if let (Some(x), Some(y)) = (d1.design_effect, d2.design_effect) {
                assert_close(y, x, "deff");
            }
            assert_close(d2.kish_design_effect, d1.kish_design_effect, "kish deff");
            for variance in [VarianceMethod::Linearized, VarianceMethod::Kish] {
                let spec = IntervalSpec::new(ConfidenceLevel::P90).variance(variance);
                let (e1, e2) = (score.estimate(&t1, spec), score.estimate(&t2, spec));
                assert_eq!(e1.is_ok(), e2.is_ok());
                if let (Ok(e1), Ok(e2)) = (e1, e2) {
                    assert_close(e2.value, e1.value, "estimate");
                    assert_close(e2.std_error, e1.std_error, "estimate se");
                    assert_close(e2.interval.lower, e1.interval.lower, "lower");
                    assert_close(e2.interval.upper, e1.interval.upper, "upper");
                    assert_close(e2.effective_n, e1.effective_n, "effective n");
                }
            }
        }
    }

    #[test]
    fn post_stratifying_to_the_samples_own_totals_changes_nothing(
        a in answers(2), cells in prop::collection::vec(0u8..4, 60)
    ) {
        for (score, scale) in scores() {
            let a = on(scale, &a);
            let mut by_cell = Segmented::new(scale);
            for (&(x, w), &cell) in a.iter().zip(&cells) {
                push(&mut by_cell, cell, x, w);
            }
            let own: Vec<(u8, f64)> = by_cell.iter().map(|(&k, t)| (k, t.total_weight().unwrap())).collect();
            let ps = post_stratify(&by_cell, own.iter().copied()).unwrap();
            for ((k, total), (k2, mine)) in own.iter().zip(ps.totals()) {
                assert_eq!(k, k2);
                assert_close(mine, *total, "cell total");
            }
            let lin = ps.linearized(score).unwrap();
            let plain = Linearized::from_tally(&by_cell.total().unwrap(), score).unwrap();
            assert_close(lin.value(), plain.value(), "estimate");
            // The post-stratified se, from respondent-level data:
            // x = w(y − ȳ_g)/W, v = n/(n − 1)·Σ(x − x̄)².
            let w: f64 = a.iter().map(|p| p.1).sum();
            let cell_mean = |c: u8| {
                let (s, sw) = a.iter().zip(&cells).filter(|(_, k)| **k == c)
                    .fold((0.0, 0.0), |(s, sw), (&(x, wi), _)| (s + wi * g(score, x), sw + wi));
                s / sw
            };
            let x: Vec<f64> = a.iter().zip(&cells)
                .map(|(&(xi, wi), &c)| wi * (g(score, xi) - cell_mean(c)) / w).collect();
            let n = x.len() as f64;
            let xbar = x.iter().sum::<f64>() / n;
            let v = n / (n - 1.0) * x.iter().map(|xi| (xi - xbar).powi(2)).sum::<f64>();
            let se = lin.std_error().unwrap();
            let want = v.sqrt() * points(score);
            prop_assert!((se - want).abs() <= 1e-9 * want.max(1e-3), "se {se} vs {want}");
        }
    }

    #[test]
    fn raking_meets_the_margins_and_matches_the_respondent_level_se(
        a in answers(8), mut keys in prop::collection::vec((0u8..3, 0u8..2), 60)
    ) {
        // Every cell of the 3 × 2 table has an answer, so the margins can
        // be met.
        for (i, key) in keys.iter_mut().take(6).enumerate() {
            *key = ((i / 2) as u8, (i % 2) as u8);
        }
        let scale = Scale::CSAT_5;
        let a = on(scale, &a);
        let mut by_cell: Segmented<(u8, u8)> = Segmented::new(scale);
        for (&(x, w), &key) in a.iter().zip(&keys) {
            push(&mut by_cell, key, x, w);
        }
        let used = |m: usize| -> Vec<u8> {
            let mut v: Vec<u8> = by_cell.iter().map(|(k, _)| if m == 0 { k.0 } else { k.1 }).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let (rows, cols) = (used(0), used(1));
        let row_totals: Vec<(u8, f64)> = rows.iter().map(|&r| (r, 100.0 * f64::from(r + 1))).collect();
        let grand: f64 = row_totals.iter().map(|t| t.1).sum();
        let col_totals: Vec<(u8, f64)> = cols.iter().enumerate()
            .map(|(i, &c)| (c, grand * if cols.len() == 1 { 1.0 } else if i == 0 { 0.3 } else { 0.7 }))
            .collect();
        let margins = [row_totals.clone(), col_totals.clone()];
        let raked = rake(&by_cell, &margins, RakeOptions::default().max_sweeps(100_000)).unwrap();
        for (m, totals) in margins.iter().enumerate() {
            for &(level, target) in totals {
                let got: f64 = raked.totals().filter(|(k, _)| if m == 0 { k.0 == level } else { k.1 == level })
                    .map(|(_, t)| t).sum();
                prop_assert!((got - target).abs() <= 1e-6 * target, "margin {m} level {level}: {got} vs {target}");
            }
        }
        // R's svyrecvar raking step at the respondent level: h₁, h₂ from the
        // last sweep are recovered as the final weights' factors after each
        // margin; with a converged rake both steps' factors equal the final
        // ones to the tolerance, so use the final weights for both.
        let factor: Vec<f64> = keys.iter().take(a.len())
            .map(|k| raked.total(k).unwrap() / by_cell.get(k).unwrap().total_weight().unwrap()).collect();
        let ws: Vec<f64> = a.iter().zip(&factor).map(|(&(_, w), f)| w * f).collect();
        let total: f64 = ws.iter().sum();
        let ybar = a.iter().zip(&ws).map(|(&(x, _), w)| w * g(Score::Mean, x)).sum::<f64>() / total;
        let mut x: Vec<f64> = a.iter().zip(&ws).map(|(&(xi, _), w)| w * (g(Score::Mean, xi) - ybar) / total).collect();
        for _ in 0..10 {
            for m in 0..2 {
                let level = |i: usize| if m == 0 { keys[i].0 } else { keys[i].1 };
                let mut means = std::collections::BTreeMap::new();
                for i in 0..x.len() {
                    let e = means.entry(level(i)).or_insert((0.0, 0.0));
                    e.0 += x[i] / ws[i];
                    e.1 += 1.0;
                }
                for i in 0..x.len() {
                    let (s, c) = means[&level(i)];
                    x[i] -= ws[i] * s / c;
                }
            }
        }
        let n = x.len() as f64;
        let xbar = x.iter().sum::<f64>() / n;
        let v = n / (n - 1.0) * x.iter().map(|xi| (xi - xbar).powi(2)).sum::<f64>();
        let se = raked.linearized(Score::Mean).unwrap().std_error().unwrap();
        // Where the residuals cancel (an SE of 1e-11 on answers of 1 to 5),
        // both sides are rounding noise of order ε·n·(largest answer), so
        // the absolute floor is 1e-9 on the scale of the answers.
        prop_assert!((se - v.sqrt()).abs() <= 1e-6 * v.sqrt() + 1e-9, "se {se} vs {}", v.sqrt());
    }
}

proptest! {
    #[test]
    fn net_score_variance_matches_the_respondent_level_formula(a in answers(2)) {
        // CSAT 1–5: top-2 (4, 5) minus bottom-2 (1, 2).
        let a = on(Scale::CSAT_5, &a);
        let lin = Linearized::from_net_score(&tally(Scale::CSAT_5, &a), 2, 2, NpsMethod::Wald).unwrap();
        let net = |x: i32| if x >= 4 { 1.0 } else if x <= 2 { -1.0 } else { 0.0 };
        let w: f64 = a.iter().map(|p| p.1).sum();
        let mean = a.iter().map(|&(x, wi)| wi * net(x)).sum::<f64>() / w;
        let z: Vec<f64> = a.iter().map(|&(x, wi)| wi * (net(x) - mean) / w).collect();
        let n = z.len() as f64;
        let zbar = z.iter().sum::<f64>() / n;
        let v = n / (n - 1.0) * z.iter().map(|zi| (zi - zbar).powi(2)).sum::<f64>();
        assert_close(lin.value(), 100.0 * mean, "net score");
        assert_close(lin.std_error().unwrap(), 100.0 * v.sqrt(), "se");
    }

    #[test]
    fn calibration_does_not_depend_on_the_scale_of_the_weights(
        a in answers(8), mut keys in prop::collection::vec((0u8..3, 0u8..2), 60),
        c in prop_oneof![Just(1e-300), Just(1e300), 1e-3f64..1e3]
    ) {
        for (i, key) in keys.iter_mut().take(6).enumerate() {
            *key = ((i / 2) as u8, (i % 2) as u8);
        }
        let (scale, score) = (Scale::NPS, Score::Nps(NpsMethod::Wald));
        let build = |factor: f64| {
            let mut cells: Segmented<(u8, u8)> = Segmented::new(scale);
            for (&(x, w), &key) in a.iter().zip(&keys) {
                push(&mut cells, key, x, w * factor);
            }
            cells
        };
        let (one, scaled) = (build(1.0), build(c));
        let rows = [(0u8, 300.0), (1, 300.0), (2, 400.0)];
        let cols = [(0u8, 450.0), (1, 550.0)];
        let r1 = rake(&one, &[&rows[..], &cols[..]], RakeOptions::default()).unwrap();
        let r2 = rake(&scaled, &[&rows[..], &cols[..]], RakeOptions::default()).unwrap();
        let (l1, l2) = (r1.linearized(score).unwrap(), r2.linearized(score).unwrap());
        assert_close(l2.value(), l1.value(), "raked estimate");
        // A score the margins determine has a raked se of 0 up to the
        // residual of R's ten projection passes (~1e-11 of the scale):
        // compare with the project's 1e-12 absolute floor, in fractions.
        let (a1, a2) = (l1.std_error().unwrap() / 100.0, l2.std_error().unwrap() / 100.0);
        prop_assert!((a2 - a1).abs() <= f64::max(1e-9 * a1, 1e-12), "raked se {a2} vs {a1}");
        for ((k1, t1), (k2, t2)) in r1.totals().zip(r2.totals()) {
            assert_eq!(k1, k2);
            assert_close(t2, t1, "raked total");
        }
        let totals: Vec<((u8, u8), f64)> = one.iter().map(|(&k, _)| (k, 100.0 + f64::from(k.0 + k.1))).collect();
        let p1 = post_stratify(&one, totals.iter().copied()).unwrap().linearized(score).unwrap();
        let p2 = post_stratify(&scaled, totals.iter().copied()).unwrap().linearized(score).unwrap();
        assert_close(p2.value(), p1.value(), "post-stratified estimate");
        assert_close(p2.std_error().unwrap(), p1.std_error().unwrap(), "post-stratified se");
    }
}

#[test]
fn unweighted_estimates_are_unchanged_by_the_variance_method() {
    let t = Tally::from_scores(Scale::NPS, &[10u8, 9, 9, 8, 6, 3, 10, 7]).unwrap();
    for (score, scale) in scores() {
        let t = if scale == Scale::NPS {
            t.clone()
        } else {
            Tally::from_scores(scale, &[5u8, 4, 4, 2, 1, 3, 5]).unwrap()
        };
        let lin = score
            .estimate(&t, IntervalSpec::new(ConfidenceLevel::P95))
            .unwrap();
        let kish = score
            .estimate(
                &t,
                IntervalSpec::new(ConfidenceLevel::P95).variance(VarianceMethod::Kish),
            )
            .unwrap();
        assert_eq!(lin, kish);
        assert_eq!(lin.design, None);
    }
}

#[test]
fn unreachable_margins_are_an_error_by_default() {
    // Only the diagonal cells answered: rows 30/70 and columns 60/40 cannot
    // both hold.
    let mut s: Segmented<(u8, u8)> = Segmented::new(Scale::CSAT_5);
    s.extend_scores(&[(0, 0), (1, 1)], &[5u8, 2]).unwrap();
    let totals = [[(0, 30.0), (1, 70.0)], [(0, 60.0), (1, 40.0)]];
    let err = rake(&s, &totals, RakeOptions::default()).unwrap_err();
    assert!(
        matches!(err, cxmetrics::Error::RakingNotConverged { margin: 0, .. }),
        "{err}"
    );
    // R keeps the weights of its last sweep; so does the R-compatible mode,
    // and says how far off the first margin is.
    let r = rake(&s, &totals, RakeOptions::r_compatible()).unwrap();
    let (margin, off) = r.margin_error();
    assert_eq!(margin, 0);
    assert_close(off, 30.0, "margin 0 off by 60 − 30");
    // The last margin holds: each cell carries its column total.
    assert_close(r.total(&(0, 0)).unwrap(), 60.0, "cell (0, 0)");
    assert_close(r.total(&(1, 1)).unwrap(), 40.0, "cell (1, 1)");
}

#[test]
fn post_stratification_reports_bad_cells() {
    let mut s = Segmented::new(Scale::CSAT_5);
    s.extend_scores(&["web", "phone"], &[5u8, 2]).unwrap();
    let mut zero = Tally::new(Scale::CSAT_5);
    zero.extend_weighted_scores(&[4u8], &[0.0]).unwrap();
    s.merge_tally("store", &zero).unwrap();
    let err = post_stratify(&s, [("web", 1.0), ("phone", 1.0), ("store", 1.0)]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "weighting cell \"store\": has no answer with a positive weight"
    );
    let err = post_stratify(&s, [("web", 1.0), ("web", 2.0)]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "weighting cell \"web\": has two population totals"
    );
    let err = post_stratify(&s, [("web", -1.0)]).unwrap_err();
    assert!(err.to_string().contains("-1"), "{err}");
}

#[cfg(feature = "serde")]
#[test]
fn weighted_scores_keep_their_design_moments_through_serde() {
    use cxmetrics::{Mean, Nps, TopBox};
    let level = ConfidenceLevel::P95;
    let nps_tally = tally(
        Scale::NPS,
        &[(10, 1.0), (9, 2.0), (3, 3.0), (7, 0.5), (0, 0.0)],
    );
    let csat = tally(Scale::CSAT_5, &[(5, 1.0), (4, 2.0), (1, 3.0), (2, 0.5)]);
    let nps = Nps::from_tally(&nps_tally).unwrap();
    let back: Nps = serde_json::from_str(&serde_json::to_string(&nps).unwrap()).unwrap();
    assert_eq!(back.estimate(level), nps.estimate(level));
    let top = TopBox::top(&csat, 2).unwrap();
    let back: TopBox = serde_json::from_str(&serde_json::to_string(&top).unwrap()).unwrap();
    assert_eq!(back.estimate(level), top.estimate(level));
    let mean = Mean::from_tally(&csat).unwrap();
    let back: Mean = serde_json::from_str(&serde_json::to_string(&mean).unwrap()).unwrap();
    assert_eq!(back.estimate(level), mean.estimate(level));
    assert!(back.estimate(level).unwrap().design.is_some());
    // A tampered payload is refused, not scored.
    let text = serde_json::to_string(&top).unwrap();
    let bad = text.replace("\"n_positive\":4", "\"n_positive\":9");
    assert_ne!(bad, text);
    let err = serde_json::from_str::<TopBox>(&bad)
        .unwrap_err()
        .to_string();
    assert!(err.contains("design moments"), "{err}");
    // Unweighted scores serialize as before, without moments.
    let plain = TopBox::top(&Tally::from_scores(Scale::CSAT_5, &[5u8, 1]).unwrap(), 2).unwrap();
    assert!(!serde_json::to_string(&plain).unwrap().contains("design"));
}

#[test]
fn raking_keeps_cells_of_zero_weight_at_zero() {
    let mut s: Segmented<(u8, u8)> = Segmented::new(Scale::CSAT_5);
    for (key, x, w) in [
        ((0, 0), 5, 1.0),
        ((0, 1), 4, 2.0),
        ((1, 0), 2, 1.0),
        ((1, 1), 3, 1.5),
        ((1, 1), 1, 0.5),
    ] {
        push(&mut s, key, x, w);
    }
    push(&mut s, (2, 0), 5, 0.0);
    push(&mut s, (2, 1), 1, 1.0);
    let totals = [
        vec![(0, 30.0), (1, 50.0), (2, 20.0)],
        vec![(0, 40.0), (1, 60.0)],
    ];
    let raked = rake(&s, &totals, RakeOptions::default()).unwrap();
    assert_eq!(raked.total(&(2, 0)), Some(0.0));
    // Level 2 of margin 0 rests on cell (2, 1) alone.
    assert_close(raked.total(&(2, 1)).unwrap(), 20.0, "cell (2, 1)");
    // A level whose answers all weigh 0 cannot be raked.
    let mut t: Segmented<(u8, u8)> = Segmented::new(Scale::CSAT_5);
    push(&mut t, (0, 0), 5, 1.0);
    push(&mut t, (0, 1), 4, 1.0);
    push(&mut t, (1, 0), 2, 0.0);
    push(&mut t, (1, 1), 3, 0.0);
    let err = rake(
        &t,
        &[[(0, 1.0), (1, 1.0)], [(0, 1.0), (1, 1.0)]],
        RakeOptions::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "weighting cell margin 0 level 1: has no answer with a positive weight"
    );
}
