//! Paired questions, key drivers, windows and concurrent ingestion:
//! property tests, hand computations and the concurrency checks.

use std::collections::BTreeMap;
use std::thread;

use cxmetrics::association::{self, CrossTab};
use cxmetrics::drivers::DriverMoments;
use cxmetrics::{
    AtomicTally, ConfidenceLevel, Error, JointTally, Response, Scale, Sharded, Tally, Weight,
    Window,
};
use proptest::prelude::*;

use crate::assert_close;

const X: Scale = Scale::CES_7;
const Y: Scale = Scale::CSAT_5;
/// Dyadic weights: every sum of them is exact, so merges compare exactly.
const WEIGHTS: [f64; 7] = [0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.75];

type Pair = (Option<u8>, Option<u8>, f64);

fn pairs() -> impl Strategy<Value = Vec<Pair>> {
    prop::collection::vec(
        (
            prop::option::weighted(0.9, 1u8..=7),
            prop::option::weighted(0.9, 1u8..=5),
            prop::sample::select(&WEIGHTS[..]),
        ),
        0..120,
    )
}

fn response(scale: Scale, v: Option<u8>, w: f64) -> Response {
    match v {
        Some(v) => Response::weighted(scale.rating(v).unwrap(), Weight::new(w).unwrap()),
        None => Response::NotApplicable,
    }
}

fn joint_of(pairs: &[Pair]) -> JointTally {
    let mut j = JointTally::new(X, Y);
    j.extend_responses(
        pairs
            .iter()
            .map(|&(x, y, w)| (response(X, x, w), response(Y, y, w))),
    )
    .unwrap();
    j
}

fn check_association(a: &association::Association) -> Result<(), TestCaseError> {
    prop_assert!((-1.0..=1.0).contains(&a.value), "{a:?}");
    if let Some(i) = a.interval {
        prop_assert!(
            -1.0 <= i.lower && i.lower <= i.upper && i.upper <= 1.0,
            "{a:?}"
        );
        prop_assert!(i.contains(a.value), "{a:?}");
    }
    if let Some(t) = a.test {
        prop_assert!(
            t.statistic.is_finite() && (0.0..=1.0).contains(&t.p_value),
            "{a:?}"
        );
    }
    Ok(())
}

proptest! {
    #[test]
    fn a_joint_tally_is_the_merge_of_any_split(p in pairs(), cut in any::<prop::sample::Index>(), cut2 in any::<prop::sample::Index>()) {
        let whole = joint_of(&p);
        let (i, k) = {
            let (a, b) = (cut.index(p.len() + 1), cut2.index(p.len() + 1));
            (a.min(b), a.max(b))
        };
        let mut merged = joint_of(&p[k..]);
        merged.merge(&joint_of(&p[..i])).unwrap();
        merged.merge(&joint_of(&p[i..k])).unwrap();
        prop_assert_eq!(&merged, &whole);
        let mut with_empty = whole.clone();
        with_empty.merge(&JointTally::new(X, Y)).unwrap();
        prop_assert_eq!(&with_empty, &whole);
    }

    #[test]
    fn marginals_equal_each_question_alone(p in pairs()) {
        let j = joint_of(&p);
        let xs = Tally::from_responses(X, p.iter().map(|&(x, _, w)| response(X, x, w))).unwrap();
        let ys = Tally::from_responses(Y, p.iter().map(|&(_, y, w)| response(Y, y, w))).unwrap();
        prop_assert_eq!(j.x_tally().unwrap(), xs);
        prop_assert_eq!(j.y_tally().unwrap(), ys);
        prop_assert_eq!(j.len(), p.len() as u64);
        prop_assert_eq!(j.n(), p.iter().filter(|(x, y, _)| x.is_some() && y.is_some()).count() as u64);
    }

    #[test]
    fn the_fast_path_equals_pushing_pairs(xs in prop::collection::vec(1u8..=7, 0..600), seed in any::<u64>()) {
        let ys: Vec<u8> = xs.iter().enumerate().map(|(i, &x)| 1 + ((x as u64 * 7 + i as u64 + seed) % 5) as u8).collect();
        let fast = JointTally::from_scores(X, Y, &xs, &ys).unwrap();
        let wide: Vec<i64> = xs.iter().map(|&x| i64::from(x)).collect();
        let wide_y: Vec<i64> = ys.iter().map(|&y| i64::from(y)).collect();
        let generic = JointTally::from_scores(X, Y, &wide, &wide_y).unwrap();
        let mut pushed = JointTally::new(X, Y);
        for (&x, &y) in xs.iter().zip(&ys) {
            pushed.push(X.rating(x).unwrap(), Y.rating(y).unwrap()).unwrap();
        }
        prop_assert_eq!(&fast, &pushed);
        prop_assert_eq!(&generic, &pushed);
    }

    #[test]
    fn association_measures_lie_in_minus_one_to_one(p in pairs(), level in 0.5f64..0.999) {
        let j = joint_of(&p);
        let level = ConfidenceLevel::new(level).unwrap();
        type Measure = fn(&JointTally, ConfidenceLevel) -> Result<association::Association, Error>;
        let measures: [Measure; 5] = [
            association::pearson,
            association::weighted_pearson,
            association::spearman,
            association::kendall_tau_b,
            association::gamma,
        ];
        for m in measures {
            match m(&j, level) {
                Ok(a) => check_association(&a)?,
                Err(e) => prop_assert!(matches!(
                    e,
                    Error::EmptyTally { .. } | Error::ZeroVariance { .. } | Error::ZeroTotalWeight { .. }
                ), "{e}"),
            }
        }
    }

    #[test]
    fn a_windows_total_is_the_merge_of_its_periods(
        days in prop::collection::vec((0i64..40, 0u8..=10), 0..200),
        k in 1usize..10,
    ) {
        let mut days = days;
        days.sort_by_key(|d| d.0);
        let mut w = Window::new(Tally::new(Scale::NPS), k).unwrap();
        let mut left = Tally::new(Scale::NPS);
        for &(day, score) in &days {
            for (_, t) in w.advance_to(day.max(w.latest().unwrap_or(day))).unwrap() {
                left.merge(&t).unwrap();
            }
            w.get_mut(day).unwrap().push_score(score).unwrap();
        }
        let mut merged = Tally::new(Scale::NPS);
        for (_, t) in w.periods() {
            merged.merge(&t.clone()).unwrap();
        }
        prop_assert_eq!(&w.total().unwrap(), &merged);
        // The window holds exactly the answers of its last k days …
        let latest = w.latest().unwrap_or(0);
        let inside: Vec<u8> = days.iter().filter(|d| d.0 > latest - k as i64).map(|d| d.1).collect();
        prop_assert_eq!(&w.total().unwrap(), &Tally::from_scores(Scale::NPS, &inside).unwrap());
        // … and the periods that left plus the window are everything.
        merged.merge(&left).unwrap();
        let all: Vec<u8> = days.iter().map(|d| d.1).collect();
        prop_assert_eq!(&merged, &Tally::from_scores(Scale::NPS, &all).unwrap());
    }
}

/// Concordant minus discordant pairs and tie groups, by brute force over
/// every pair of respondents.
fn brute_kendall(x: &[u8], y: &[u8]) -> (f64, f64, f64) {
    let n = x.len();
    let (mut s, mut nx, mut ny) = (0i64, 0u64, 0u64);
    for i in 0..n {
        for j in i + 1..n {
            let a = (i64::from(x[i]) - i64::from(x[j])).signum();
            let b = (i64::from(y[i]) - i64::from(y[j])).signum();
            s += a * b;
            nx += u64::from(a != 0);
            ny += u64::from(b != 0);
        }
    }
    (s as f64, nx as f64, ny as f64)
}

#[test]
fn kendall_and_gamma_match_brute_force_over_respondent_pairs() {
    let x: Vec<u8> = (0..200u32)
        .map(|i| (1 + (i * 37 + i / 7) % 7) as u8)
        .collect();
    let y: Vec<u8> = x
        .iter()
        .enumerate()
        .map(|(i, &v)| (1 + (u32::from(v) / 2 + (i as u32 * 13) % 3) % 5) as u8)
        .collect();
    let j = JointTally::from_scores(X, Y, &x, &y).unwrap();
    let (s, nx, ny) = brute_kendall(&x, &y);
    let tau = association::kendall_tau_b(&j, ConfidenceLevel::P95).unwrap();
    assert_close(tau.value, s / (nx * ny).sqrt(), "tau-b");
    // Gamma: P and Q from the brute force, its ASE respondent by respondent.
    let n = x.len();
    let (mut p, mut q) = (0f64, 0f64);
    let mut c = vec![0f64; n];
    let mut d = vec![0f64; n];
    for i in 0..n {
        for k in 0..n {
            let v = (i64::from(x[i]) - i64::from(x[k])).signum()
                * (i64::from(y[i]) - i64::from(y[k])).signum();
            if v > 0 {
                c[i] += 1.0;
            } else if v < 0 {
                d[i] += 1.0;
            }
        }
        p += c[i] / 2.0;
        q += d[i] / 2.0;
    }
    let g = association::gamma(&j, ConfidenceLevel::P95).unwrap();
    assert_close(g.value, (p - q) / (p + q), "gamma");
    let acc: f64 = (0..n).map(|i| (q * c[i] - p * d[i]).powi(2)).sum();
    assert_close(
        g.std_error.unwrap(),
        2.0 * acc.sqrt() / (p + q).powi(2),
        "gamma ASE",
    );
}

#[test]
fn gamma_on_two_by_two_is_yules_q_with_its_classical_standard_error() {
    // a = 30 (1,1), b = 10 (1,2), c = 5 (2,1), d = 25 (2,2).
    let two = Scale::new(1, 2, cxmetrics::Polarity::HigherIsBetter).unwrap();
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    for (x, y, k) in [(1u8, 1u8, 30), (1, 2, 10), (2, 1, 5), (2, 2, 25)] {
        xs.extend(std::iter::repeat_n(x, k));
        ys.extend(std::iter::repeat_n(y, k));
    }
    let j = JointTally::from_scores(two, two, &xs, &ys).unwrap();
    let g = association::gamma(&j, ConfidenceLevel::P95).unwrap();
    let (a, b, c, d) = (30.0, 10.0, 5.0, 25.0);
    let yule = (a * d - b * c) / (a * d + b * c);
    assert_close(g.value, yule, "Yule's Q");
    // Yule (1900): ASE(Q) = ½(1 − Q²)√(1/a + 1/b + 1/c + 1/d).
    let ase = 0.5 * (1.0 - yule * yule) * (1.0 / a + 1.0 / b + 1.0 / c + 1.0 / d).sqrt();
    assert_close(g.std_error.unwrap(), ase, "ASE of Q");
    let z = ConfidenceLevel::P95.z();
    assert_close(g.interval.unwrap().lower, yule - z * ase, "lower");
}

#[test]
fn kendall_test_without_ties_uses_the_classical_variance() {
    // A permutation: no ties. Var(S) = n(n − 1)(2n + 5)/18.
    let ten = Scale::new(1, 10, cxmetrics::Polarity::HigherIsBetter).unwrap();
    let x: Vec<u8> = (1..=10).collect();
    let y: Vec<u8> = vec![3, 1, 2, 5, 4, 7, 6, 10, 8, 9];
    let j = JointTally::from_scores(ten, ten, &x, &y).unwrap();
    let (s, nx, ny) = brute_kendall(&x, &y);
    let tau = association::kendall_tau_b(&j, ConfidenceLevel::P95).unwrap();
    assert_eq!((nx, ny), (45.0, 45.0));
    assert_close(tau.value, s / 45.0, "tau");
    let z = s / (10.0f64 * 9.0 * 25.0 / 18.0).sqrt();
    let test = tau.test.unwrap();
    assert_close(test.statistic, z, "z");
    // Spearman without ties: 1 − 6Σd²/(n(n² − 1)).
    let d2: f64 = x
        .iter()
        .zip(&y)
        .map(|(&a, &b)| (f64::from(a) - f64::from(b)).powi(2))
        .sum();
    let rho = association::spearman(&j, ConfidenceLevel::P95).unwrap();
    assert_close(rho.value, 1.0 - 6.0 * d2 / (10.0 * 99.0), "rho");
}

#[test]
fn association_errors_and_edges() {
    let empty = JointTally::new(X, Y);
    assert!(matches!(
        association::pearson(&empty, ConfidenceLevel::P95),
        Err(Error::EmptyTally { .. })
    ));
    let flat = JointTally::from_scores(X, Y, &[3u8, 3, 3], &[1u8, 2, 5]).unwrap();
    assert!(matches!(
        association::spearman(&flat, ConfidenceLevel::P95),
        Err(Error::ZeroVariance { .. })
    ));
    // Weighted: only one pair of positive weight.
    let w = JointTally::from_weighted_scores(X, Y, &[1u8, 7], &[1u8, 5], &[1.0, 0.0]).unwrap();
    assert!(association::pearson(&w, ConfidenceLevel::P95).is_ok());
    assert!(matches!(
        association::weighted_pearson(&w, ConfidenceLevel::P95),
        Err(Error::ZeroVariance { .. })
    ));
    let zero = JointTally::from_weighted_scores(X, Y, &[1u8, 7], &[1u8, 5], &[0.0, 0.0]).unwrap();
    assert!(matches!(
        association::weighted_pearson(&zero, ConfidenceLevel::P95),
        Err(Error::ZeroTotalWeight { .. })
    ));
    // Perfect correlation: r is 1 up to rounding (as R's), the Fisher
    // bounds stay within −1..=1 around it and no t is infinite.
    let line = JointTally::from_scores(X, Y, &[1u8, 2, 3, 4, 5], &[1u8, 2, 3, 4, 5]).unwrap();
    let r = association::pearson(&line, ConfidenceLevel::P99).unwrap();
    assert_close(r.value, 1.0, "r");
    let i = r.interval.unwrap();
    assert!(
        i.contains(r.value) && i.upper <= 1.0 && i.lower > 0.99,
        "{i:?}"
    );
    assert!(
        r.test
            .is_none_or(|t| t.statistic.is_finite() && t.p_value < 1e-6)
    );
    // Three pairs: no interval (n < 4), a test with 1 df.
    let three = JointTally::from_scores(X, Y, &[1u8, 2, 3], &[1u8, 3, 2]).unwrap();
    let r = association::pearson(&three, ConfidenceLevel::P95).unwrap();
    assert!(r.interval.is_none());
    assert_eq!(r.test.unwrap().df, Some(1.0));
    // Display.
    assert!(r.to_string().starts_with("Pearson's r = 0.50"), "{r}");
}

#[test]
fn weights_of_any_magnitude_give_the_same_association() {
    let x = [1u8, 2, 3, 4, 5, 6, 7, 2];
    let y = [2u8, 1, 3, 3, 5, 4, 5, 1];
    let w = [1.0, 2.0, 0.5, 3.0, 1.0, 0.25, 2.0, 1.0];
    let base = JointTally::from_weighted_scores(X, Y, &x, &y, &w).unwrap();
    let r = association::weighted_pearson(&base, ConfidenceLevel::P95)
        .unwrap()
        .value;
    for scale in [2f64.powi(-540), 1e-200, 1e-300, 1e300, 2f64.powi(1000)] {
        let scaled: Vec<f64> = w.iter().map(|v| v * scale).collect();
        let j = JointTally::from_weighted_scores(X, Y, &x, &y, &scaled).unwrap();
        let rs = association::weighted_pearson(&j, ConfidenceLevel::P95)
            .unwrap()
            .value;
        assert_close(rs, r, "weighted r at any weight scale");
        assert!(
            j.cells()
                .all(|c| c.weight.is_finite() && c.weight_squared.is_finite())
        );
        // The squares did not underflow: Kish's n is unchanged.
        let kish = |j: &JointTally| {
            let (s, s2) = j
                .cells()
                .fold((0.0, 0.0), |(a, b), c| (a + c.weight, b + c.weight_squared));
            s * s / s2
        };
        assert_close(kish(&j), kish(&base), "Kish n");
    }
    // Weighted r by hand: x̄_w, ȳ_w, then the weighted moments.
    let sw: f64 = w.iter().sum();
    let mx = x
        .iter()
        .zip(&w)
        .map(|(&a, b)| f64::from(a) * b)
        .sum::<f64>()
        / sw;
    let my = y
        .iter()
        .zip(&w)
        .map(|(&a, b)| f64::from(a) * b)
        .sum::<f64>()
        / sw;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for i in 0..x.len() {
        let (dx, dy) = (f64::from(x[i]) - mx, f64::from(y[i]) - my);
        sxy += w[i] * dx * dy;
        sxx += w[i] * dx * dx;
        syy += w[i] * dy * dy;
    }
    assert_close(r, sxy / (sxx * syy).sqrt(), "weighted r by hand");
}

#[test]
fn cross_tab_counts_and_shares() {
    let j = JointTally::from_weighted_scores(
        X,
        Y,
        &[1u8, 1, 1, 7, 7],
        &[5u8, 5, 1, 5, 1],
        &[1.0, 1.0, 2.0, 1.0, 0.0],
    )
    .unwrap();
    let t = CrossTab::new(&j);
    assert_eq!((t.row_total(1), t.column_total(5)), (Some(3), Some(3)));
    assert_eq!(t.row_share(1, 5), Some(2.0 / 3.0));
    assert_eq!(t.column_share(7, 5), Some(1.0 / 3.0));
    assert_eq!(t.weighted_row_share(1, 5), Some(0.5));
    assert_eq!(t.weighted_row_share(7, 1), Some(0.0));
    assert_eq!(t.weighted_column_share(7, 1), Some(0.0));
    assert_eq!(t.count(9, 1), None);
}

#[test]
fn joint_batches_are_all_or_nothing() {
    let mut j = JointTally::from_scores(X, Y, &[1u8], &[1u8]).unwrap();
    let before = j.clone();
    assert!(matches!(
        j.extend_scores(&[1u8, 2], &[1u8]),
        Err(Error::LengthMismatch { .. })
    ));
    assert!(matches!(
        j.extend_weighted_scores(&[1u8, 9], &[1u8, 1], &[1.0, f64::NAN]),
        Err(Error::InvalidBatchItem { index: 1, .. })
    ));
    let e = j
        .extend_weighted_scores(&[1u8, 2], &[1u8, 1], &[1.0, -1.0])
        .unwrap_err();
    assert!(e.to_string().contains("index 1") && e.to_string().contains("-1"));
    assert_eq!(j, before);
    // Scales of 17+ points take the table path; out of 0..=255 the generic one.
    let big = Scale::new(0, 100, cxmetrics::Polarity::HigherIsBetter).unwrap();
    let t = JointTally::from_scores(big, Y, &[100u8, 0, 50], &[5u8, 1, 3]).unwrap();
    assert_eq!(t.count(100, 5), Some(1));
    assert!(JointTally::from_scores(big, Y, &[101u8], &[5u8]).is_err());
}

/// Hand-rolled least squares on standardized data: the normal equations
/// solved by Gaussian elimination.
fn solve(a: &[Vec<f64>], b: &[f64]) -> Vec<f64> {
    let n = b.len();
    let mut m: Vec<Vec<f64>> = a
        .iter()
        .zip(b)
        .map(|(r, &v)| {
            let mut r = r.clone();
            r.push(v);
            r
        })
        .collect();
    for c in 0..n {
        let p = (c..n)
            .max_by(|&i, &j| m[i][c].abs().total_cmp(&m[j][c].abs()))
            .unwrap();
        m.swap(c, p);
        let pivot = m[c].clone();
        for (r, row) in m.iter_mut().enumerate() {
            if r != c {
                let f = row[c] / pivot[c];
                for (v, p) in row.iter_mut().zip(&pivot).skip(c) {
                    *v -= f * p;
                }
            }
        }
    }
    (0..n).map(|i| m[i][n] / m[i][i]).collect()
}

/// Correlation of two columns, two passes.
fn corr(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    sab / (saa * sbb).sqrt()
}

#[test]
fn relative_weights_of_two_drivers_match_the_closed_form() {
    // Two correlated drivers: Johnson's weights by hand. With R = [[1, r],
    // [r, 1]], R^{1/2} = [[a, b], [b, a]] with a, b = (√(1+r) ± √(1−r))/2,
    // and R^{-1/2} = [[c, d], [d, c]] with c, d = (1/√(1+r) ± 1/√(1−r))/2.
    let rows: [([u8; 2], u8); 10] = [
        ([7, 5], 10),
        ([6, 4], 9),
        ([2, 2], 3),
        ([5, 4], 7),
        ([1, 1], 0),
        ([4, 3], 6),
        ([7, 4], 9),
        ([3, 2], 4),
        ([5, 5], 6),
        ([2, 3], 5),
    ];
    let mut m = DriverMoments::new(&[X, Y], Scale::NPS).unwrap();
    for (x, y) in rows {
        m.push_scores(&x, y, 1.0).unwrap();
    }
    let a = m.analyze(ConfidenceLevel::P95).unwrap();
    let x1: Vec<f64> = rows.iter().map(|r| f64::from(r.0[0])).collect();
    let x2: Vec<f64> = rows.iter().map(|r| f64::from(r.0[1])).collect();
    let y: Vec<f64> = rows.iter().map(|r| f64::from(r.1)).collect();
    let (r12, r1, r2) = (corr(&x1, &x2), corr(&x1, &y), corr(&x2, &y));
    let (sp, sm) = ((1.0 + r12).sqrt(), (1.0 - r12).sqrt());
    let (ra, rb) = ((sp + sm) / 2.0, (sp - sm) / 2.0);
    let (ic, id) = ((1.0 / sp + 1.0 / sm) / 2.0, (1.0 / sp - 1.0 / sm) / 2.0);
    let (b1, b2) = (ic * r1 + id * r2, id * r1 + ic * r2);
    let eps1 = ra * ra * b1 * b1 + rb * rb * b2 * b2;
    let eps2 = rb * rb * b1 * b1 + ra * ra * b2 * b2;
    let r_squared = (r1 * r1 + r2 * r2 - 2.0 * r1 * r2 * r12) / (1.0 - r12 * r12);
    assert_close(a.drivers[0].relative_weight, eps1, "epsilon 1");
    assert_close(a.drivers[1].relative_weight, eps2, "epsilon 2");
    assert_close(a.r_squared, r_squared, "R²");
    assert_close(eps1 + eps2, r_squared, "weights add up to R²");
    assert_close(a.drivers[0].correlation, r1, "r1");
    assert_close(
        a.drivers[0].beta,
        (r1 - r12 * r2) / (1.0 - r12 * r12),
        "beta 1",
    );
    assert_close(
        a.drivers[1].beta,
        (r2 - r12 * r1) / (1.0 - r12 * r12),
        "beta 2",
    );
    // The beta interval: se² = (1 − R²)/(n − k − 1) · (R⁻¹)_11.
    let se = ((1.0 - r_squared) / 7.0 / (1.0 - r12 * r12)).sqrt();
    let t = cxmetrics::dist::t_quantile(0.975, 7.0).unwrap();
    let bi = a.drivers[0].beta_interval.unwrap();
    assert_close(bi.upper, a.drivers[0].beta + t * se, "beta upper");
    let ci = a.drivers[0].correlation_interval.unwrap();
    assert_close(
        ci.lower,
        (r1.atanh() - ConfidenceLevel::P95.z() / 7f64.sqrt()).tanh(),
        "r lower",
    );
}

#[test]
fn relative_weights_of_three_drivers_add_up_to_r_squared_and_merge() {
    let data: Vec<([u8; 3], u8, f64)> = (0..300u32)
        .map(|i| {
            let a = (1 + (i * 7 + i / 11) % 7) as u8;
            let b = (1 + (u32::from(a) + i % 3) % 5) as u8;
            let c = (1 + (i * 13 + i / 5) % 5) as u8;
            let y = ((u32::from(a) + u32::from(b) + (i % 4)) % 11) as u8;
            ([a, b, c], y, WEIGHTS[1 + (i as usize % 6)])
        })
        .collect();
    let scales = [X, Y, Y];
    let mut whole = DriverMoments::new(&scales, Scale::NPS).unwrap();
    let mut parts = [whole.clone(), whole.clone(), whole.clone()];
    for (i, (x, y, w)) in data.iter().enumerate() {
        whole.push_scores(x, *y, *w).unwrap();
        parts[i % 3].push_scores(x, *y, *w).unwrap();
    }
    let [mut m, b, c] = parts;
    m.merge(&c).unwrap();
    m.merge(&b).unwrap();
    let (a1, a2) = (
        whole.analyze(ConfidenceLevel::P95).unwrap(),
        m.analyze(ConfidenceLevel::P95).unwrap(),
    );
    for (d1, d2) in a1.drivers.iter().zip(&a2.drivers) {
        assert_close(d1.relative_weight, d2.relative_weight, "merged weight");
        assert_close(d1.beta, d2.beta, "merged beta");
    }
    // R² by hand: weighted correlations, then the normal equations.
    let sw: f64 = data.iter().map(|d| d.2).sum();
    let col = |k: usize| -> Vec<f64> {
        data.iter()
            .map(|d| f64::from(if k < 3 { d.0[k] } else { d.1 }))
            .collect()
    };
    let cols: Vec<Vec<f64>> = (0..4).map(col).collect();
    let wcorr = |a: &[f64], b: &[f64]| {
        let ma = a.iter().zip(&data).map(|(v, d)| v * d.2).sum::<f64>() / sw;
        let mb = b.iter().zip(&data).map(|(v, d)| v * d.2).sum::<f64>() / sw;
        let (mut ab, mut aa, mut bb) = (0.0, 0.0, 0.0);
        for i in 0..a.len() {
            let w = data[i].2;
            ab += w * (a[i] - ma) * (b[i] - mb);
            aa += w * (a[i] - ma).powi(2);
            bb += w * (b[i] - mb).powi(2);
        }
        ab / (aa * bb).sqrt()
    };
    let rxx: Vec<Vec<f64>> = (0..3)
        .map(|i| (0..3).map(|j| wcorr(&cols[i], &cols[j])).collect())
        .collect();
    let rxy: Vec<f64> = (0..3).map(|i| wcorr(&cols[i], &cols[3])).collect();
    let beta = solve(&rxx, &rxy);
    let r2: f64 = beta.iter().zip(&rxy).map(|(b, r)| b * r).sum();
    assert_close(a1.r_squared, r2, "R²");
    let total: f64 = a1.drivers.iter().map(|d| d.relative_weight).sum();
    assert_close(total, r2, "sum of relative weights");
    for (d, b) in a1.drivers.iter().zip(&beta) {
        assert_close(d.beta, *b, "beta");
        assert!(d.relative_weight >= 0.0);
    }
    // Uncorrelated drivers: relative weights are the squared correlations.
    let mut orth = DriverMoments::new(&[Y, Y], Scale::NPS).unwrap();
    for (x1, x2, y) in [(1u8, 1u8, 0u8), (1, 5, 4), (5, 1, 6), (5, 5, 10)] {
        orth.push_scores(&[x1, x2], y, 1.0).unwrap();
    }
    let o = orth.analyze(ConfidenceLevel::P95).unwrap();
    for d in &o.drivers {
        assert_close(
            d.relative_weight,
            d.correlation * d.correlation,
            "orthogonal",
        );
    }
    // Weights of any magnitude give the same analysis.
    let mut tiny = DriverMoments::new(&scales, Scale::NPS).unwrap();
    for (x, y, w) in &data {
        tiny.push_scores(x, *y, w * 1e-300).unwrap();
    }
    let t = tiny.analyze(ConfidenceLevel::P95).unwrap();
    assert_close(t.effective_n, a1.effective_n, "Kish n at 1e-300");
    assert_close(
        t.drivers[2].relative_weight,
        a1.drivers[2].relative_weight,
        "tiny",
    );
}

#[test]
fn driver_errors() {
    let mut m = DriverMoments::new(&[Y, Y], Scale::NPS).unwrap();
    assert!(matches!(
        m.analyze(ConfidenceLevel::P95),
        Err(Error::EmptyTally { .. })
    ));
    // Collinear drivers: x2 = x1.
    for v in [1u8, 2, 3, 4] {
        m.push_scores(&[v, v], v * 2, 1.0).unwrap();
    }
    assert!(matches!(
        m.analyze(ConfidenceLevel::P95),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(matches!(
        m.push_scores(&[1u8], 1, 1.0),
        Err(Error::LengthMismatch { .. })
    ));
    let mut z = DriverMoments::new(&[Y], Scale::NPS).unwrap();
    z.push_scores(&[1u8], 1, 0.0).unwrap();
    assert!(matches!(
        z.analyze(ConfidenceLevel::P95),
        Err(Error::ZeroTotalWeight { .. })
    ));
    assert!(DriverMoments::new(&[Y; 65], Scale::NPS).is_err());
}

#[test]
fn window_moves_forward_and_hands_back_what_leaves() {
    let mut w = Window::new(Tally::new(Scale::CSAT_5), 3).unwrap();
    w.get_mut(100).unwrap().push_score(5).unwrap();
    w.get_mut(99).unwrap().push_score(4).unwrap(); // late, still inside
    let left = w.advance_to(102).unwrap(); // 100..=102: 99 leaves
    assert_eq!(
        left.iter().map(|(d, t)| (*d, t.n())).collect::<Vec<_>>(),
        [(99, 1)]
    );
    assert!(w.get_mut(99).is_err());
    assert_eq!(w.total().unwrap().n(), 1);
    // A long gap: everything leaves at once, oldest first.
    w.get_mut(101).unwrap().push_score(3).unwrap();
    let left = w.advance_to(1_000_000).unwrap();
    assert_eq!(
        left.iter().map(|(d, _)| *d).collect::<Vec<_>>(),
        [100, 101, 102]
    );
    assert!(w.total().unwrap().is_empty());
    assert_eq!(w.take(1_000_000).unwrap().n(), 0);
    assert!(w.take(5).is_err());
    assert!(w.advance_to(0).is_err());
    // Windows of joint tallies and driver moments work the same way.
    let mut jw = Window::new(JointTally::new(X, Y), 7).unwrap();
    jw.merge_into(1, &JointTally::from_scores(X, Y, &[7u8], &[5u8]).unwrap())
        .unwrap();
    assert!(
        jw.merge_into(1, &JointTally::new(Y, X)).is_err(),
        "other scales"
    );
    assert_eq!(jw.last(1).unwrap().n(), 1);
}

/// Deterministic pseudo-random numbers (SplitMix64).
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[test]
fn four_threads_of_keyed_weighted_answers_equal_one_thread() {
    const PER_THREAD: usize = 1_000_000;
    const BATCH: usize = 10_000;
    let batch = |t: usize, b: usize| -> (Vec<u8>, Vec<u8>, Vec<f64>) {
        let mut keys = Vec::with_capacity(BATCH);
        let mut scores = Vec::with_capacity(BATCH);
        let mut weights = Vec::with_capacity(BATCH);
        for i in 0..BATCH {
            let r = mix((t * PER_THREAD + b * BATCH + i) as u64);
            keys.push((r % 12) as u8);
            scores.push(((r >> 8) % 11) as u8);
            weights.push(0.25 + ((r >> 16) % 1000) as f64 / 997.0);
        }
        (keys, scores, weights)
    };
    let live: Sharded<u8, Tally> = Sharded::new(Tally::new(Scale::NPS), 4);
    thread::scope(|s| {
        for t in 0..4 {
            let live = &live;
            s.spawn(move || {
                for b in 0..PER_THREAD / BATCH {
                    let (k, sc, w) = batch(t, b);
                    live.extend_weighted_scores(&k, &sc, &w).unwrap();
                }
            });
        }
    });
    let got = live.snapshot().unwrap();
    let mut want: BTreeMap<u8, Tally> = BTreeMap::new();
    for t in 0..4 {
        for b in 0..PER_THREAD / BATCH {
            let (k, sc, w) = batch(t, b);
            for ((k, s), w) in k.iter().zip(&sc).zip(&w) {
                want.entry(*k)
                    .or_insert_with(|| Tally::new(Scale::NPS))
                    .push_weighted(Scale::NPS.rating(*s).unwrap(), Weight::new(*w).unwrap())
                    .unwrap();
            }
        }
    }
    assert_eq!(got.len(), want.len());
    let mut n = 0;
    for (k, t) in &want {
        let g = &got[k];
        assert_eq!(g.counts(), t.counts(), "key {k}");
        n += g.n();
        for p in Scale::NPS.points() {
            let (a, b) = (g.weight(p).unwrap(), t.weight(p).unwrap());
            assert!(
                ((a - b) / b).abs() <= 1e-12,
                "key {k} point {p}: {a} vs {b}"
            );
        }
        let (a, b) = (
            g.total_weight_squared().unwrap(),
            t.total_weight_squared().unwrap(),
        );
        assert!(((a - b) / b).abs() <= 1e-12);
    }
    assert_eq!(n, 4 * PER_THREAD as u64);
    // Take leaves it empty, at once.
    assert_eq!(live.take().unwrap().len(), want.len());
    assert!(live.snapshot().unwrap().is_empty());
}

#[test]
fn sharded_joint_tallies_from_four_threads_equal_one_thread() {
    let live: Sharded<&str, JointTally> = Sharded::new(JointTally::new(X, Y), 4);
    let data = |t: u64, i: u64| {
        let r = mix(t * 1_000_003 + i);
        (
            if r.is_multiple_of(3) { "web" } else { "app" },
            (1 + (r >> 8) % 7) as u8,
            (1 + (r >> 16) % 5) as u8,
        )
    };
    thread::scope(|s| {
        for t in 0..4u64 {
            let live = &live;
            s.spawn(move || {
                for b in 0..50 {
                    let mut web = JointTally::new(X, Y);
                    let mut app = JointTally::new(X, Y);
                    for i in 0..200 {
                        let (k, x, y) = data(t, b * 200 + i);
                        let j = if k == "web" { &mut web } else { &mut app };
                        j.push(X.rating(x).unwrap(), Y.rating(y).unwrap()).unwrap();
                    }
                    live.merge_batch([("web", web), ("app", app)]).unwrap();
                }
            });
        }
    });
    let got = live.snapshot().unwrap();
    for key in ["web", "app"] {
        let mut want = JointTally::new(X, Y);
        for t in 0..4 {
            for i in 0..10_000 {
                let (k, x, y) = data(t, i);
                if k == key {
                    want.push(X.rating(x).unwrap(), Y.rating(y).unwrap())
                        .unwrap();
                }
            }
        }
        assert_eq!(got[key], want);
    }
}

/// Issue 13, finding 11: with writers pushing 0 then 10, snapshots showed
/// count(10) > count(0), and parts of batches. Now every snapshot is a
/// state that existed: batches whole, and no later push without an
/// earlier one.
#[test]
fn atomic_snapshots_never_show_a_state_that_did_not_exist() {
    let live = AtomicTally::new(Scale::NPS);
    let stop = std::sync::atomic::AtomicBool::new(false);
    thread::scope(|s| {
        // Batches of [0, 10]: a snapshot must hold as many 0s as 10s …
        for _ in 0..2 {
            s.spawn(|| {
                for _ in 0..20_000 {
                    live.extend_scores(&[0u8, 10, 5, 5]).unwrap();
                }
            });
        }
        // … and single pushes of 0 then 10 add at most one 0 more.
        s.spawn(|| {
            for _ in 0..20_000 {
                live.push_score(1u8).unwrap();
                live.push_score(9u8).unwrap();
            }
        });
        s.spawn(|| {
            let mut seen = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) || seen < 10 {
                let t = live.snapshot().unwrap();
                let c = |p| t.count(p).unwrap();
                assert_eq!(c(0), c(10), "part of a batch");
                assert_eq!(2 * c(0), c(5), "part of a batch");
                assert!(c(1) == c(9) || c(1) == c(9) + 1, "{} then {}", c(1), c(9));
                seen += 1;
                if seen > 100_000 {
                    break;
                }
            }
        });
        s.spawn(|| {
            std::thread::sleep(std::time::Duration::from_millis(200));
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
        });
    });
    let t = live.snapshot().unwrap();
    assert_eq!(t.count(0), Some(40_000));
    assert_eq!(t.count(9), Some(20_000));
    assert_eq!(t.n(), 4 * 40_000 + 40_000);
}

#[cfg(feature = "serde")]
#[test]
fn joint_tallies_and_driver_moments_round_trip_and_reject_bad_state() {
    let j =
        JointTally::from_weighted_scores(X, Y, &[7u8, 1, 1], &[5u8, 1, 2], &[1e300, 1e-300, 0.0])
            .unwrap();
    let text = serde_json::to_string(&j).unwrap();
    let back: JointTally = serde_json::from_str(&text).unwrap();
    assert_eq!(back, j);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    // 3 of 35 cells used: the sparse form lists cells 0, 1 and 34.
    assert_eq!(v["cells"]["index"], serde_json::json!([0, 1, 34]));
    for (path, bad) in [
        ("/cells/positive/2", serde_json::json!(2)),
        ("/cells/weights/2", serde_json::json!(-1.0)),
        ("/cells/weights/0", serde_json::json!(0.5)),
        ("/cells/weights_squared/2", serde_json::json!(7.0)),
        ("/cells/index/2", serde_json::json!(35)),
        ("/cells/index/1", serde_json::json!(0)),
        ("/weight_exponent", serde_json::json!(5000)),
    ] {
        let mut bad_v = v.clone();
        *bad_v.pointer_mut(path).unwrap() = bad;
        let e = serde_json::from_value::<JointTally>(bad_v);
        assert!(e.is_err(), "{path} accepted");
    }
    let mut extra = v.clone();
    extra["n"] = serde_json::json!(999);
    assert!(
        serde_json::from_value::<JointTally>(extra).is_err(),
        "unknown field"
    );
    let mut short = v.clone();
    short["cells"]["counts"] = serde_json::json!([1]);
    assert!(serde_json::from_value::<JointTally>(short).is_err());

    let mut m = DriverMoments::new(&[X, Y], Scale::NPS).unwrap();
    for (a, b, y, w) in [(1u8, 2u8, 3u8, 1.0), (7, 5, 10, 2.0), (3, 3, 6, 0.5)] {
        m.push_scores(&[a, b], y, w).unwrap();
    }
    let text = serde_json::to_string(&m).unwrap();
    let back: DriverMoments = serde_json::from_str(&text).unwrap();
    assert_eq!(back, m);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    for (path, bad) in [
        ("/means/0", serde_json::json!(99.0)),
        ("/comoments/1", serde_json::json!(123.0)),
        ("/weight", serde_json::json!(-1.0)),
        ("/positive", serde_json::json!(10)),
    ] {
        let mut bad_v = v.clone();
        *bad_v.pointer_mut(path).unwrap() = bad;
        assert!(
            serde_json::from_value::<DriverMoments>(bad_v).is_err(),
            "{path} accepted"
        );
    }
}

/// Taking periods from an `AtomicTally` while writers run: every take is
/// whole batches, and the takes add up to everything pushed.
#[test]
fn atomic_takes_are_whole_batches_and_add_up() {
    let live = AtomicTally::new(Scale::NPS);
    let mut taken = Vec::new();
    thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                for _ in 0..10_000 {
                    live.extend_scores(&[0u8, 10, 10]).unwrap();
                }
            });
        }
        for _ in 0..200 {
            taken.push(live.take().unwrap());
        }
    });
    taken.push(live.take().unwrap());
    let mut total = Tally::new(Scale::NPS);
    for t in &taken {
        assert_eq!(2 * t.count(0).unwrap(), t.count(10).unwrap());
        total.merge(t).unwrap();
    }
    assert_eq!(total.n(), 60_000);
    assert!(live.snapshot().unwrap().is_empty());
}

/// `weighted_pearson` against R `survey` 4.1.1: r, the linearized SE
/// (delta method on `svyvar`), the design's df, and the Fisher-z interval
/// and Wald t test built in R from that SE, on 24 generated samples
/// (`tests/data/gen_weighted_pearson.R`: weight CVs 0.1 to 5, zero
/// weights, weights from 1e-3 to 1e3, n = 5 to 3,000).
#[test]
fn weighted_pearson_equals_r_survey() {
    let doc: serde_json::Value =
        serde_json::from_str(include_str!("../data/weighted_pearson_r.json")).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 24);
    let scale = |lo: &serde_json::Value, hi: &serde_json::Value| {
        Scale::new(
            lo.as_i64().unwrap() as i32,
            hi.as_i64().unwrap() as i32,
            cxmetrics::Polarity::HigherIsBetter,
        )
        .unwrap()
    };
    let ints = |v: &serde_json::Value| -> Vec<i32> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_i64().unwrap() as i32)
            .collect()
    };
    let num = |c: &serde_json::Value, k: &str| c[k].as_f64().unwrap();
    for c in cases {
        let name = c["name"].as_str().unwrap();
        let x_scale = scale(&c["x_lowest"], &c["x_highest"]);
        let y_scale = scale(&c["y_lowest"], &c["y_highest"]);
        let w: Vec<f64> = c["w"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        let j =
            JointTally::from_weighted_scores(x_scale, y_scale, &ints(&c["x"]), &ints(&c["y"]), &w)
                .unwrap();
        for (level, lo, hi) in [
            (ConfidenceLevel::P95, "lower95", "upper95"),
            (ConfidenceLevel::P90, "lower90", "upper90"),
        ] {
            let a = association::weighted_pearson(&j, level).unwrap();
            let close = |got: f64, want: f64, what: &str| {
                assert!(
                    (got - want).abs() <= 1e-9 * want.abs().max(1e-300),
                    "{name} {what}: {got} vs R {want}"
                );
            };
            close(a.value, num(c, "r"), "r");
            close(a.std_error.unwrap(), num(c, "se"), "SE");
            assert_eq!(a.n, c["n"].as_u64().unwrap(), "{name} n");
            let i = a.interval.unwrap();
            close(i.lower, num(c, lo), "lower");
            close(i.upper, num(c, hi), "upper");
            let t = a.test.unwrap();
            assert_eq!(t.df, Some(num(c, "df")), "{name} df");
            close(t.statistic, num(c, "t"), "t");
            // p-values below 1e-300 are compared on their own scale.
            let p = num(c, "p_value");
            assert!(
                (t.p_value - p).abs() <= 1e-9 * p.max(1e-300) || (p < 1e-290 && t.p_value < 1e-280),
                "{name} p: {} vs R {p}",
                t.p_value
            );
        }
    }
}

#[test]
fn weighted_pearson_without_enough_pairs_has_no_interval() {
    // Two pairs of positive weight lie on a line: r = 1, the interval is r
    // itself, and there is no test.
    let line = JointTally::from_weighted_scores(X, Y, &[1u8, 3], &[1u8, 4], &[1.0, 3.0]).unwrap();
    let a = association::weighted_pearson(&line, ConfidenceLevel::P95).unwrap();
    assert_eq!(a.value, 1.0);
    assert_eq!(a.interval.map(|i| (i.lower, i.upper)), Some((1.0, 1.0)));
    assert!(a.test.is_none() && a.std_error.is_none());
    // Three pairs, one of them with zero weight: n = 3 counts it (as R's
    // design does), df = n₊ − 1 = 1 does not.
    let j = JointTally::from_weighted_scores(
        X,
        Y,
        &[1u8, 3, 2, 5],
        &[1u8, 4, 4, 2],
        &[1.0, 3.0, 2.0, 0.0],
    )
    .unwrap();
    let a = association::weighted_pearson(&j, ConfidenceLevel::P95).unwrap();
    assert_eq!(a.n, 4);
    assert_eq!(a.test.unwrap().df, Some(2.0));
    // The SE by hand, respondent by respondent (not cell by cell).
    let rows = [
        (1.0, 1.0, 1.0),
        (3.0, 4.0, 3.0),
        (2.0, 4.0, 2.0),
        (5.0, 2.0, 0.0),
    ];
    let total: f64 = rows.iter().map(|r| r.2).sum();
    let mx = rows.iter().map(|r| r.2 * r.0).sum::<f64>() / total;
    let my = rows.iter().map(|r| r.2 * r.1).sum::<f64>() / total;
    let m = |f: &dyn Fn(f64, f64) -> f64| {
        rows.iter()
            .map(|r| r.2 * f(r.0 - mx, r.1 - my))
            .sum::<f64>()
            / total
    };
    let (mxx, myy, mxy) = (m(&|a, _| a * a), m(&|_, b| b * b), m(&|a, b| a * b));
    let r = mxy / (mxx * myy).sqrt();
    assert_close(a.value, r, "r by hand");
    let sum: f64 = rows
        .iter()
        .map(|&(x, y, w)| {
            let (dx, dy) = (x - mx, y - my);
            let u = ((dx * dy - mxy) / (mxx * myy).sqrt()
                - r / 2.0 * ((dx * dx - mxx) / mxx + (dy * dy - myy) / myy))
                / total;
            (w * u) * (w * u)
        })
        .sum();
    assert_close(a.std_error.unwrap(), (4.0 / 3.0 * sum).sqrt(), "SE by hand");
}
