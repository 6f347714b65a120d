//! Design-based comparisons of weighted groups (issue 17, item 3): the
//! two groups are two domains of one unstratified design, checked against
//! the domain formula computed here from the raw answers and against
//! `SurveyDesign::difference`.

use cxmetrics::compare::{self, ComparisonMethod, DifferenceMethod, NpsDifferenceMethod};
use cxmetrics::complex::{DesignKey, PointValues, Statistic, SurveyDesign};
use cxmetrics::design::VarianceMethod;
use cxmetrics::segment::Score;
use cxmetrics::{ConfidenceLevel, Error, Mean, Nps, Scale, Tally, TopBox, dist};

use crate::assert_close;

fn tally(scale: Scale, scores: &[u8], weights: &[f64]) -> Tally {
    let mut t = Tally::new(scale);
    t.extend_weighted_scores(scores, weights).unwrap();
    t
}

/// The design-based difference by METHODS.md "domain_difference", from
/// the raw answers: zᵢ = wᵢ(yᵢ − ȳ_D)/W_D, v = n/(n − 1)·Σzᵢ² over the
/// whole sample, t on n₊ − 1. Returns (difference, se, df).
fn by_hand(a: &[(f64, f64)], b: &[(f64, f64)]) -> (f64, f64, f64) {
    let mean = |d: &[(f64, f64)]| {
        let w: f64 = d.iter().map(|(_, w)| w).sum();
        (d.iter().map(|(y, w)| y * w).sum::<f64>() / w, w)
    };
    let ss = |d: &[(f64, f64)]| {
        let (m, w) = mean(d);
        d.iter()
            .map(|(y, wi)| (wi * (y - m) / w).powi(2))
            .sum::<f64>()
    };
    let n = (a.len() + b.len()) as f64;
    let n_pos = a.iter().chain(b).filter(|(_, w)| *w > 0.0).count() as f64;
    let v = n / (n - 1.0) * (ss(a) + ss(b));
    (mean(a).0 - mean(b).0, v.sqrt(), n_pos - 1.0)
}

/// The same through `SurveyDesign::difference` with domains 0 and 1.
fn through_design(a: &Tally, b: &Tally, statistic: Statistic) -> (f64, f64, u64, f64) {
    let design = SurveyDesign::from_cells(
        a.scale(),
        [
            (DesignKey::new().domain(0), a.clone()),
            (DesignKey::new().domain(1), b.clone()),
        ],
    )
    .unwrap();
    let values = PointValues::new(a.scale(), statistic).unwrap();
    let d = design.difference(&values, 0, 1, 0.95).unwrap();
    (d.difference, d.std_error, d.df, d.p_value.unwrap())
}

const A_SCORES: [u8; 9] = [10, 9, 3, 8, 7, 10, 0, 6, 9];
const A_WEIGHTS: [f64; 9] = [1.0, 2.5, 0.4, 1.5, 0.0, 3.0, 0.7, 1.2, 0.9];
const B_SCORES: [u8; 7] = [6, 9, 2, 10, 10, 5, 8];
const B_WEIGHTS: [f64; 7] = [1.0, 1.0, 2.0, 0.5, 4.0, 0.3, 1.1];

fn pairs(scores: &[u8], weights: &[f64], g: impl Fn(u8) -> f64) -> Vec<(f64, f64)> {
    scores
        .iter()
        .zip(weights)
        .map(|(&x, &w)| (g(x), w))
        .collect()
}

fn check(c: &compare::Comparison, (diff, se, df): (f64, f64, f64), design: (f64, f64, u64, f64)) {
    assert_eq!(c.method, ComparisonMethod::DesignBased);
    assert_close(c.difference, diff, "difference");
    assert_close(c.std_error, se, "standard error");
    assert_eq!(c.df, Some(df));
    assert_close(c.statistic, diff / se, "t");
    // The interval is Δ ± t_{0.975, df}·se (none of these are clipped).
    let t = dist::t_quantile(0.975, df).unwrap();
    assert_close(c.interval.lower, diff - t * se, "lower bound");
    assert_close(c.interval.upper, diff + t * se, "upper bound");
    // SurveyDesign::difference on the stacked tallies agrees.
    assert_close(design.0, c.difference, "design difference");
    assert_close(design.1, c.std_error, "design standard error");
    assert_eq!(design.2 as f64, df);
    assert_close(design.3, c.p_value, "design p-value");
    // p inverts to |t|.
    assert_close(
        dist::t_quantile(1.0 - c.p_value / 2.0, df).unwrap(),
        c.statistic.abs(),
        "p-value",
    );
}

#[test]
fn weighted_shares_are_design_based() {
    let (ta, tb) = (
        tally(Scale::NPS, &A_SCORES, &A_WEIGHTS),
        tally(Scale::NPS, &B_SCORES, &B_WEIGHTS),
    );
    let top = |x: u8| f64::from(u8::from(x >= 9));
    let c = compare::top_box(
        &TopBox::top(&ta, 2).unwrap(),
        &TopBox::top(&tb, 2).unwrap(),
        ConfidenceLevel::P95,
    )
    .unwrap();
    let hand = by_hand(
        &pairs(&A_SCORES, &A_WEIGHTS, top),
        &pairs(&B_SCORES, &B_WEIGHTS, top),
    );
    assert_eq!(hand.2, 14.0); // 16 rows, one weight 0
    check(&c, hand, through_design(&ta, &tb, Statistic::TopBox(2)));
    // R 4.1.1: svycontrast(svyby(~top, ~g, svydesign(ids = ~1, weights =
    // ~w), svymean, covmat = TRUE), c(1, -1)); degf 14.
    assert_close(c.difference, 0.10515873015873, "R difference");
    assert_close(c.std_error, 0.301754056622994, "R SE");
    // Score::compare takes the same path.
    let s = Score::top_box(2)
        .compare(&ta, &tb, ConfidenceLevel::P95)
        .unwrap();
    assert_eq!(s, c);
    // Kish stays available and differs.
    let kish = compare::top_box_with_variance(
        &TopBox::top(&ta, 2).unwrap(),
        &TopBox::top(&tb, 2).unwrap(),
        DifferenceMethod::Newcombe,
        VarianceMethod::Kish,
        ConfidenceLevel::P95,
    )
    .unwrap();
    assert_eq!(
        kish.method,
        ComparisonMethod::TwoProportionZ(DifferenceMethod::Newcombe)
    );
    assert!(kish.std_error != c.std_error);
}

#[test]
fn weighted_means_are_design_based() {
    let (ta, tb) = (
        tally(Scale::NPS, &A_SCORES, &A_WEIGHTS),
        tally(Scale::NPS, &B_SCORES, &B_WEIGHTS),
    );
    let c = compare::means(
        &Mean::from_tally(&ta).unwrap(),
        &Mean::from_tally(&tb).unwrap(),
        ConfidenceLevel::P95,
    )
    .unwrap();
    let y = f64::from;
    let hand = by_hand(
        &pairs(&A_SCORES, &A_WEIGHTS, y),
        &pairs(&B_SCORES, &B_WEIGHTS, y),
    );
    check(&c, hand, through_design(&ta, &tb, Statistic::Mean));
    // R 4.1.1 (as for shares, on ~y).
    assert_close(c.difference, 0.619949494949495, "R difference");
    assert_close(c.std_error, 1.78600445403562, "R SE");
    let kish = compare::means_with_variance(
        &Mean::from_tally(&ta).unwrap(),
        &Mean::from_tally(&tb).unwrap(),
        VarianceMethod::Kish,
        ConfidenceLevel::P95,
    )
    .unwrap();
    assert_eq!(kish.method, ComparisonMethod::WelchT);
}

#[test]
fn weighted_nps_is_design_based() {
    let (ta, tb) = (
        tally(Scale::NPS, &A_SCORES, &A_WEIGHTS),
        tally(Scale::NPS, &B_SCORES, &B_WEIGHTS),
    );
    let c = compare::nps(
        &Nps::from_tally(&ta).unwrap(),
        &Nps::from_tally(&tb).unwrap(),
        ConfidenceLevel::P95,
    )
    .unwrap();
    let g = |x: u8| match x {
        9..=10 => 100.0,
        7..=8 => 0.0,
        _ => -100.0,
    };
    let hand = by_hand(
        &pairs(&A_SCORES, &A_WEIGHTS, g),
        &pairs(&B_SCORES, &B_WEIGHTS, g),
    );
    check(&c, hand, through_design(&ta, &tb, Statistic::Nps));
    // R 4.1.1 (as for shares, on ~nps = ±100/0).
    assert_close(c.difference, 23.3134920634921, "R difference");
    assert_close(c.std_error, 53.0671823665099, "R SE");
    assert_eq!(c.adjusted_difference, None);
    let kish = compare::nps_with_variance(
        &Nps::from_tally(&ta).unwrap(),
        &Nps::from_tally(&tb).unwrap(),
        NpsDifferenceMethod::AdjustedWald,
        VarianceMethod::Kish,
        ConfidenceLevel::P95,
    )
    .unwrap();
    assert_eq!(kish.method, ComparisonMethod::NpsAdjustedWald);
}

#[test]
fn a_weighted_group_against_an_unweighted_one() {
    let ta = tally(Scale::CSAT_5, &[5, 4, 2, 1, 3], &[1.0, 2.0, 0.5, 1.5, 1.0]);
    let tb = Tally::from_scores(Scale::CSAT_5, &[5u8, 3, 2, 4, 4, 1]).unwrap();
    let y = f64::from;
    let a: Vec<(f64, f64)> = [5u8, 4, 2, 1, 3]
        .iter()
        .zip([1.0, 2.0, 0.5, 1.5, 1.0])
        .map(|(&x, w)| (y(x), w))
        .collect();
    let b: Vec<(f64, f64)> = [5u8, 3, 2, 4, 4, 1].iter().map(|&x| (y(x), 1.0)).collect();
    let c = Score::Mean.compare(&ta, &tb, ConfidenceLevel::P95).unwrap();
    check(
        &c,
        by_hand(&a, &b),
        through_design(&ta, &tb, Statistic::Mean),
    );
    let top = |x: u8| f64::from(u8::from(x >= 4));
    let a: Vec<(f64, f64)> = a.iter().map(|&(v, w)| (top(v as u8), w)).collect();
    let b: Vec<(f64, f64)> = b.iter().map(|&(v, w)| (top(v as u8), w)).collect();
    let c = Score::top_box(2)
        .compare(&ta, &tb, ConfidenceLevel::P95)
        .unwrap();
    check(
        &c,
        by_hand(&a, &b),
        through_design(&ta, &tb, Statistic::TopBox(2)),
    );
}

#[test]
fn unweighted_comparisons_are_unchanged() {
    let ta = Tally::from_scores(Scale::CSAT_5, &[5u8, 4, 2, 1, 3, 5]).unwrap();
    let tb = Tally::from_scores(Scale::CSAT_5, &[5u8, 3, 2, 4, 4, 1]).unwrap();
    for variance in [VarianceMethod::Linearized, VarianceMethod::Kish] {
        let c = Score::Mean
            .compare_with_variance(&ta, &tb, variance, ConfidenceLevel::P95)
            .unwrap();
        assert_eq!(c.method, ComparisonMethod::WelchT);
        assert_eq!(
            c,
            Score::Mean.compare(&ta, &tb, ConfidenceLevel::P95).unwrap()
        );
    }
}

#[test]
fn a_domain_compared_with_itself_is_zero_with_p_one() {
    let t = tally(Scale::NPS, &A_SCORES, &A_WEIGHTS);
    for score in [Score::nps(), Score::top_box(2), Score::Mean] {
        let c = score.compare(&t, &t, ConfidenceLevel::P95).unwrap();
        assert_eq!(c.difference, 0.0, "{score:?}");
        assert_eq!(c.statistic, 0.0, "{score:?}");
        assert_eq!(c.p_value, 1.0, "{score:?}");
        assert!(!c.significant);
    }
    // The same domain of one design.
    let design =
        SurveyDesign::from_cells(Scale::NPS, [(DesignKey::new().domain(3), t.clone())]).unwrap();
    let values = PointValues::new(Scale::NPS, Statistic::Nps).unwrap();
    let d = design.difference(&values, 3, 3, 0.95).unwrap();
    assert_eq!((d.difference, d.p_value), (0.0, Some(1.0)));
}

/// The Welch example: n = 20, two zero weights, one weight ×10³.
/// Welch at Kish's n gave df = 0.010 and ±4e128; design-based it is an
/// ordinary t test on n₊ − 1 = 17 df.
#[test]
fn the_welch_example_is_finite_design_based() {
    let scores_a = [5u8, 4, 4, 3, 5, 2, 4, 5, 3, 4];
    let weights_a = [1.0, 1.2, 0.0, 0.8, 1000.0, 1.1, 0.9, 1.0, 1.3, 0.7];
    let scores_b = [2u8, 3, 1, 2, 3, 4, 2, 1, 3, 2];
    let weights_b = [1.0, 0.9, 1.1, 0.0, 1.2, 0.8, 1.0, 1.4, 0.6, 1.0];
    let (ta, tb) = (
        tally(Scale::CSAT_5, &scores_a, &weights_a),
        tally(Scale::CSAT_5, &scores_b, &weights_b),
    );
    let (ma, mb) = (
        Mean::from_tally(&ta).unwrap(),
        Mean::from_tally(&tb).unwrap(),
    );
    let c = compare::means(&ma, &mb, ConfidenceLevel::P95).unwrap();
    let y = f64::from;
    let hand = by_hand(
        &pairs(&scores_a, &weights_a, y),
        &pairs(&scores_b, &weights_b, y),
    );
    assert_eq!(hand.2, 17.0);
    check(&c, hand, through_design(&ta, &tb, Statistic::Mean));
    assert!(c.interval.width() < 5.0 && c.significant, "{c}");
    // R 4.1.1: svycontrast on svyby(~y, ~g, ...), degf 17, p from pt,
    // confint(ct, df = 17).
    assert_close(c.difference, 2.78978174603175, "R difference");
    assert_close(c.std_error, 0.331161254035071, "R SE");
    assert_close(c.p_value, 1.79348432028883e-07, "R p");
    assert_close(c.interval.lower, 2.09109257349374, "R lower");
    assert_close(c.interval.upper, 3.48847091856976, "R upper");
    // Kish's Welch df is below 1 here.
    let kish = compare::means_with_variance(&ma, &mb, VarianceMethod::Kish, ConfidenceLevel::P95);
    if let Ok(k) = kish {
        assert!(k.df.unwrap() < 1.0, "{k:?}");
    }
}

/// Item 5: a zero standard error is a named error, never NaN or ∞.
#[test]
fn zero_variance_rule() {
    let mean_of = |s: &[u8], w: &[f64]| Mean::from_tally(&tally(Scale::CSAT_5, s, w)).unwrap();
    let cmp = |a: &Mean, b: &Mean| compare::means(a, b, ConfidenceLevel::P95);
    let zero = |r: Result<compare::Comparison, Error>| {
        assert!(
            matches!(
                r,
                Err(Error::ZeroVariance {
                    what: "a design-based difference",
                    ..
                })
            ),
            "{r:?}"
        );
    };
    // n = 1 per domain: no test. Each side's weights are all equal, so
    // each is read as unweighted (issue 21: equal weights give what
    // weights of 1 give), and the refusal names too few answers.
    let one = cmp(&mean_of(&[5], &[2.0]), &mean_of(&[1], &[0.5]));
    assert!(
        matches!(
            one,
            Err(Error::TooFewAnswers { .. } | Error::ZeroVariance { .. })
        ),
        "{one:?}"
    );
    // n = 2 per domain, different values: df 3, finite.
    let c = cmp(
        &mean_of(&[5, 4], &[2.0, 1.0]),
        &mean_of(&[1, 3], &[0.5, 1.5]),
    )
    .unwrap();
    assert_eq!(c.df, Some(3.0));
    assert!(c.interval.lower.is_finite() && c.interval.upper.is_finite());
    // n = 2 per domain, constant within each: zero variance.
    zero(cmp(
        &mean_of(&[5, 5], &[2.0, 1.0]),
        &mean_of(&[1, 1], &[0.5, 1.5]),
    ));
    // n = 3, one constant domain: the other carries the variance.
    let c = cmp(
        &mean_of(&[5, 5, 5], &[2.0, 1.0, 3.0]),
        &mean_of(&[1, 3, 2], &[0.5, 1.5, 1.0]),
    )
    .unwrap();
    assert_eq!(c.df, Some(5.0));
    assert!(c.std_error > 0.0 && c.p_value.is_finite());
    // One non-zero weight in each domain: zero variance.
    zero(cmp(
        &mean_of(&[5, 3, 1], &[2.0, 0.0, 0.0]),
        &mean_of(&[1, 4, 2], &[0.0, 1.5, 0.0]),
    ));
    // One non-zero weight in one domain only: finite.
    let c = cmp(
        &mean_of(&[5, 3, 1], &[2.0, 0.0, 0.0]),
        &mean_of(&[1, 4, 2], &[0.5, 1.5, 1.0]),
    )
    .unwrap();
    assert_eq!(c.df, Some(3.0));
    // Shares all in the box on both sides, NPS all promoters: errors.
    let share = |s: &[u8], w: &[f64]| TopBox::top(&tally(Scale::CSAT_5, s, w), 2).unwrap();
    zero(compare::top_box(
        &share(&[5, 4], &[2.0, 1.0]),
        &share(&[4, 4, 5], &[0.5, 1.5, 1.0]),
        ConfidenceLevel::P95,
    ));
    let nps = |s: &[u8], w: &[f64]| Nps::from_tally(&tally(Scale::NPS, s, w)).unwrap();
    zero(compare::nps(
        &nps(&[10, 9], &[2.0, 1.0]),
        &nps(&[9], &[0.5]),
        ConfidenceLevel::P95,
    ));
}

/// One-sample tests of weighted scores: R's `svymean` with t on n₊ − 1.
#[test]
fn weighted_one_sample_tests_are_design_based() {
    use cxmetrics::one_sample;
    let t = tally(Scale::NPS, &A_SCORES, &A_WEIGHTS);
    let rows = pairs(&A_SCORES, &A_WEIGHTS, f64::from);
    let w: f64 = rows.iter().map(|(_, w)| w).sum();
    let m = rows.iter().map(|(y, wi)| y * wi).sum::<f64>() / w;
    let n = rows.len() as f64;
    let v = n / (n - 1.0)
        * rows
            .iter()
            .map(|(y, wi)| (wi * (y - m) / w).powi(2))
            .sum::<f64>();
    let c = one_sample::mean(&Mean::from_tally(&t).unwrap(), 6.0, ConfidenceLevel::P95).unwrap();
    assert_eq!(c.method, ComparisonMethod::DesignBased);
    assert_eq!(c.df, Some(7.0)); // 8 answers of positive weight
    assert_close(c.difference, m - 6.0, "difference");
    assert_close(c.std_error, v.sqrt(), "standard error");
    let q = dist::t_quantile(0.975, 7.0).unwrap();
    assert_close(c.interval.lower, m - q * v.sqrt() - 6.0, "lower");
    assert_close(c.interval.upper, m + q * v.sqrt() - 6.0, "upper");
    // R 4.1.1: svymean(~y, svydesign(ids = ~1, weights = ~w)) = 8.125, SE
    // 0.866142977875712; svyttest(I(y - 6) ~ 0, design) t = 2.45340556268405
    // (on degf − 1 = 6 df there; here on degf = 7, the estimate's interval).
    assert_close(c.std_error, 0.866142977875712, "R SE");
    assert_close(c.statistic, 2.45340556268405, "R t");
    // The single estimate's standard error is the same one.
    let e = Mean::from_tally(&t)
        .unwrap()
        .estimate(ConfidenceLevel::P95)
        .unwrap();
    assert_close(e.std_error, c.std_error, "estimate's standard error");
    // One positive weight: too few answers, not NaN.
    let one = tally(Scale::CSAT_5, &[5, 3], &[1.0, 0.0]);
    assert!(one_sample::mean(&Mean::from_tally(&one).unwrap(), 3.0, ConfidenceLevel::P95).is_err());
    assert!(one_sample::share(&TopBox::top(&one, 2).unwrap(), 0.5, ConfidenceLevel::P95).is_err());
    // Kish on request.
    let k = one_sample::mean_with_variance(
        &Mean::from_tally(&t).unwrap(),
        6.0,
        VarianceMethod::Kish,
        ConfidenceLevel::P95,
    )
    .unwrap();
    assert_eq!(k.method, ComparisonMethod::MeanTargetT);
}
